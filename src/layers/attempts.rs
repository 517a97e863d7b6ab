//! How many payer calls one check made: a task-local counter, so that `meta.attempts` counts real attempts.
//!
//! The router runs a check's payer work inside [`counted`]; every call that passed the payer's gates adds one
//! ([`Counted`], composed right below the rate limiter, above the per-call timeout). So the count includes
//! retries and hedged attempts, and is summed over the chunks of a split check (they run concurrently in the
//! same task). Calls refused before the transport (an open circuit, no rate-limit token) are not attempts.
//! Outside a [`counted`] scope (tests, tools, health checks) [`record`] does nothing.
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use payer_core::{AdapterError, EligibilityRequest, PayerAdapter, PayerReply};

tokio::task_local! {
    static ATTEMPTS: Arc<AtomicU32>;
}

/// Runs `work`, counting the payer calls made within it; returns its output and the count.
pub async fn counted<F: Future>(work: F) -> (F::Output, u32) {
    let counter = Arc::new(AtomicU32::new(0));
    let output = ATTEMPTS.scope(Arc::clone(&counter), work).await;
    (output, counter.load(Ordering::Relaxed))
}

/// Counts one payer call in the current [`counted`] scope, if any.
pub fn record() {
    let _ = ATTEMPTS.try_with(|counter| counter.fetch_add(1, Ordering::Relaxed));
}

/// A payer adapter whose every call counts as one attempt of the current check.
#[derive(Debug, Clone)]
pub struct Counted<A> {
    inner: A,
}

impl<A> Counted<A> {
    /// Wraps `inner`.
    pub fn new(inner: A) -> Counted<A> {
        Counted { inner }
    }

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
impl<A: PayerAdapter> PayerAdapter for Counted<A> {
    fn payer_id(&self) -> &str {
        self.inner.payer_id()
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        record();
        self.inner.check(request).await
    }

    async fn health_check(&self) -> Result<(), AdapterError> {
        self.inner.health_check().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_calls_of_concurrent_futures_in_scope_only() {
        record();
        let ((), count) = counted(async {
            futures::future::join(async { record() }, async {
                record();
                record();
            })
            .await;
        })
        .await;
        assert_eq!(count, 3);
        let ((), none) = counted(async {}).await;
        assert_eq!(none, 0);
    }
}
