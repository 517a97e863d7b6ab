//! [`Timed`]: bounds one payer call by the payer's `timeout_ms` and records how long it took.
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use payer_core::{AdapterError, EligibilityRequest, PayerAdapter, PayerReply};
use tokio::time::Instant;

use crate::metrics::events::PayerCallCompleted;
use crate::metrics::{Metrics, PayerOutcome};

/// A payer adapter whose calls give up after `timeout` with [`AdapterError::Timeout`].
///
/// Dropping the inner call's future on timeout is the cancellation: nothing of it keeps running. Each call is
/// logged at debug level with the payer id, the outcome class and the latency; no request data. With
/// [`Timed::with_metrics`], each is also counted and timed as one attempt on the wire.
#[derive(Debug, Clone)]
pub struct Timed<A> {
    inner: A,
    timeout: Duration,
    /// Where each attempt is counted (`eligibility_payer_attempts_total`) and timed; `None` logs only.
    metrics: Option<Arc<Metrics>>,
}

// === impl Timed ===

impl<A> Timed<A> {
    /// Wraps `inner`, bounding each call by `timeout`.
    pub fn new(inner: A, timeout: Duration) -> Timed<A> {
        Timed {
            inner,
            timeout,
            metrics: None,
        }
    }

    /// Also counts each attempt by outcome and records its latency in `metrics`.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Timed<A> {
        self.metrics = Some(metrics);
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

    /// The timeout of each call.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

#[async_trait]
impl<A: PayerAdapter> PayerAdapter for Timed<A> {
    fn payer_id(&self) -> &str {
        self.inner.payer_id()
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        let started = Instant::now();
        let result = match tokio::time::timeout(self.timeout, self.inner.check(request)).await {
            Ok(result) => result,
            Err(_) => Err(AdapterError::Timeout(self.timeout)),
        };
        let outcome = PayerOutcome::of(&result);
        let elapsed = started.elapsed();
        let payer = self.inner.payer_id();
        match &self.metrics {
            Some(metrics) => PayerCallCompleted {
                payer,
                outcome,
                elapsed,
                attempt: true,
            }
            .emit(metrics),
            None => tracing::debug!(
                payer,
                outcome = outcome.as_str(),
                latency_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
                "payer attempt"
            ),
        }
        result
    }

    async fn health_check(&self) -> Result<(), AdapterError> {
        match tokio::time::timeout(self.timeout, self.inner.health_check()).await {
            Ok(result) => result,
            Err(_) => Err(AdapterError::Timeout(self.timeout)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use payer_core::{EligibilityResponse, ExchangeInfo};

    struct Sleepy(Duration);

    #[async_trait]
    impl PayerAdapter for Sleepy {
        fn payer_id(&self) -> &str {
            "sleepy"
        }

        async fn check(&self, _request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
            tokio::time::sleep(self.0).await;
            Ok(PayerReply {
                response: EligibilityResponse::default(),
                exchange: ExchangeInfo::default(),
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn times_out_slow_calls_and_passes_fast_ones() {
        let request = crate::cache::tests::sample_inquiry();
        let slow = Timed::new(Sleepy(Duration::from_secs(30)), Duration::from_secs(10));
        let started = Instant::now();
        let error = slow.check(&request).await.unwrap_err();
        assert!(matches!(error, AdapterError::Timeout(t) if t == Duration::from_secs(10)));
        assert_eq!(started.elapsed(), Duration::from_secs(10));
        let fast = Timed::new(Sleepy(Duration::from_secs(1)), Duration::from_secs(10));
        assert!(fast.check(&request).await.is_ok());
        assert_eq!(fast.payer_id(), "sleepy");
        assert_eq!(fast.into_inner().0, Duration::from_secs(1));
    }
}
