//! [`Metered`]: counts each payer call by outcome and records its latency; the outermost payer wrapper, so
//! what it measures includes rate-limit waits, the circuit breaker and retries.
use std::sync::Arc;

use async_trait::async_trait;
use payer_core::{AdapterError, EligibilityRequest, PayerAdapter, PayerReply};
use prometheus::IntGauge;
use tokio::time::Instant;

use crate::metrics::events::PayerCallCompleted;
use crate::metrics::{Metrics, PayerOutcome};

/// A payer adapter whose calls are counted (`eligibility_payer_calls_total{payer,outcome}`), timed
/// (`eligibility_payer_call_duration_seconds{payer}`) and gauged while in flight
/// (`eligibility_payer_calls_in_flight{payer}`). A call cancelled by its caller (the deadline) leaves the
/// in-flight gauge as it found it and is not counted as an outcome.
#[derive(Debug, Clone)]
pub struct Metered<A> {
    inner: A,
    metrics: Arc<Metrics>,
}

/// An already composed, shared adapter as a `PayerAdapter`, so that a wrapper can go around it (the router
/// holds `Arc<dyn PayerAdapter>`, which the trait's crate does not implement the trait for).
#[derive(Clone)]
pub struct SharedAdapter(pub Arc<dyn PayerAdapter>);

/// Decrements the in-flight gauge when the call ends, however it ends.
struct InFlight(IntGauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

// === impl Metered ===

impl<A: PayerAdapter> Metered<A> {
    /// Wraps `inner`, recording into `metrics`; initializes the payer's series at zero.
    pub fn new(inner: A, metrics: Arc<Metrics>) -> Metered<A> {
        metrics.init_payer(inner.payer_id());
        Metered { inner, metrics }
    }
}

impl<A> Metered<A> {
    /// The wrapped adapter.
    pub fn get_ref(&self) -> &A {
        &self.inner
    }

    /// Unwraps the adapter.
    pub fn into_inner(self) -> A {
        self.inner
    }
}

#[async_trait]
impl<A: PayerAdapter> PayerAdapter for Metered<A> {
    fn payer_id(&self) -> &str {
        self.inner.payer_id()
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        let payer = self.inner.payer_id();
        let gauge = self
            .metrics
            .payer_calls_in_flight
            .with_label_values(&[payer]);
        gauge.inc();
        let _in_flight = InFlight(gauge);
        let started = Instant::now();
        let result = self.inner.check(request).await;
        PayerCallCompleted {
            payer,
            outcome: PayerOutcome::of(&result),
            elapsed: started.elapsed(),
            attempt: false,
        }
        .emit(&self.metrics);
        result
    }

    async fn health_check(&self) -> Result<(), AdapterError> {
        self.inner.health_check().await
    }
}

#[async_trait]
impl PayerAdapter for SharedAdapter {
    fn payer_id(&self) -> &str {
        self.0.payer_id()
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        self.0.check(request).await
    }

    async fn health_check(&self) -> Result<(), AdapterError> {
        self.0.health_check().await
    }
}

impl std::fmt::Debug for SharedAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SharedAdapter")
            .field(&self.0.payer_id())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use payer_core::{EligibilityResponse, ExchangeInfo};
    use prometheus::Registry;

    use super::*;

    struct Answers(Result<(), Duration>);

    #[async_trait]
    impl PayerAdapter for Answers {
        fn payer_id(&self) -> &str {
            "acme"
        }

        async fn check(&self, _request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
            match self.0 {
                Ok(()) => Ok(PayerReply {
                    response: EligibilityResponse::default(),
                    exchange: ExchangeInfo::default(),
                }),
                Err(delay) => {
                    tokio::time::sleep(delay).await;
                    Err(AdapterError::Connect("refused".to_owned()))
                }
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn counts_outcomes_and_latency_and_restores_the_gauge_on_cancel() {
        let registry = Registry::new();
        let metrics = Metrics::register(&registry).unwrap();
        let request = crate::cache::tests::sample_inquiry();
        let ok = Metered::new(Answers(Ok(())), Arc::clone(&metrics));
        ok.check(&request).await.unwrap();
        let failing = Metered::new(Answers(Err(Duration::from_secs(2))), Arc::clone(&metrics));
        assert!(failing.check(&request).await.is_err());
        // Cancelled mid-call by a caller's deadline.
        let cancelled = tokio::time::timeout(Duration::from_secs(1), failing.check(&request)).await;
        assert!(cancelled.is_err());

        let calls = |outcome: &str| {
            metrics
                .payer_calls
                .with_label_values(&["acme", outcome])
                .get()
        };
        assert_eq!(
            calls("unknown"),
            1,
            "a default response has coverage unknown"
        );
        assert_eq!(calls("unavailable"), 1);
        let in_flight = metrics.payer_calls_in_flight.with_label_values(&["acme"]);
        assert_eq!(in_flight.get(), 0);
        let histogram = metrics.payer_call_duration.with_label_values(&["acme"]);
        assert_eq!(histogram.get_sample_count(), 2);
        assert!((histogram.get_sample_sum() - 2.0).abs() < 0.01);
        assert_eq!(failing.get_ref().payer_id(), "acme");
    }
}
