//! [`CircuitBreaker`]: refuses calls to a payer whose recent calls failed, and lets probes find out when it
//! is back. The state machine is [`Circuit`]; this wrapper asks it for leave before each call and tells it
//! how the call went (judged by [`super::retry_policy::classify`]).
use std::sync::Arc;

use async_trait::async_trait;
use payer_core::{AdapterError, EligibilityRequest, PayerAdapter, PayerReply};
use prometheus::IntCounter;

use super::circuit::{Circuit, CircuitState};
use super::retry_policy::{classify, Verdict};

/// A payer adapter behind a circuit breaker.
#[derive(Debug, Clone)]
pub struct CircuitBreaker<A> {
    inner: A,
    circuit: Arc<Circuit>,
    /// Counts calls refused while open (`eligibility_circuit_rejections_total{payer}`), when set.
    rejections: Option<IntCounter>,
}

// === impl CircuitBreaker ===

impl<A> CircuitBreaker<A> {
    /// Wraps `inner` behind `circuit` (shared with whoever shows its state).
    pub fn new(inner: A, circuit: Arc<Circuit>) -> CircuitBreaker<A> {
        CircuitBreaker {
            inner,
            circuit,
            rejections: None,
        }
    }

    /// Counts each call refused while open in `rejections`.
    pub fn with_counter(mut self, rejections: IntCounter) -> CircuitBreaker<A> {
        self.rejections = Some(rejections);
        self
    }

    /// The wrapped adapter.
    pub fn get_ref(&self) -> &A {
        &self.inner
    }

    /// Unwraps the adapter.
    pub fn into_inner(self) -> A {
        self.inner
    }

    /// The breaker's state machine.
    pub fn circuit(&self) -> &Arc<Circuit> {
        &self.circuit
    }

    /// The breaker's state now.
    pub fn state(&self) -> CircuitState {
        self.circuit.state()
    }
}

#[async_trait]
impl<A: PayerAdapter> PayerAdapter for CircuitBreaker<A> {
    fn payer_id(&self) -> &str {
        self.inner.payer_id()
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        let permit = match self.circuit.admit() {
            Ok(permit) => permit,
            Err(retry_after) => {
                if let Some(rejections) = &self.rejections {
                    rejections.inc();
                }
                return Err(AdapterError::CircuitOpen { retry_after });
            }
        };
        let outcome = self.inner.check(request).await;
        let failed = match classify(&outcome) {
            Verdict::NotThePayer => None,
            verdict => Some(verdict.is_payer_failure()),
        };
        permit.record(failed);
        outcome
    }

    async fn health_check(&self) -> Result<(), AdapterError> {
        self.inner.health_check().await
    }
}
