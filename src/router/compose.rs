//! The resilience wrappers of one payer, composed over its rate-limited transport (used by [`super::build`]).
//!
//! The whole stack of a payer, outermost first, and why in that order:
//!
//! ```text
//! Metered            every call counted and timed, retries and waits included
//!  └ Retrying        per [retry]: backoff with full jitter, within the deadline; each attempt below
//!     └ Hedged       per [hedge] (off by default): a second attempt when one is slow; both go below
//!        └ CircuitBreaker   per [circuit_breaker]: refuses at once while open; judges each attempt
//!           └ BatchLane      batch calls: at most batch.per_payer_concurrency per payer at once
//!              └ RateLimited the payer's rate (batch calls only take slots real-time calls leave) and
//!                 │           concurrency; waits within the deadline or refuses (Saturated)
//!                 └ Counted  one payer attempt of the check (meta.attempts)
//!                    └ Timed the payer's per-call timeout
//!                       └ transport
//! ```
//!
//! - Retries and hedges sit above the rate limiter, so every attempt, and both attempts of a hedge, takes a
//!   rate-limit slot and passes the breaker: no path bypasses them.
//! - The breaker sits above the limiter, so an open circuit refuses without queueing for a slot, and a call
//!   refused by the limiter (`Saturated`: the gateway's own limit) is not a failure of the payer.
//! - Hedging sits below retrying: each attempt may be hedged, and a hedged pair that fails is retried.
//! - [`crate::layers::Counted`] sits right above the per-call timeout, below every gate, so `meta.attempts`
//!   counts calls that were really sent.
use std::sync::Arc;

use payer_core::PayerAdapter;

use crate::config::PayerConfig;
use crate::layers::{BatchLane, Circuit, CircuitBreaker, Hedged, Lane, Retrying};
use crate::metrics::Metrics;

/// What [`resilient`] builds: the wrapped adapter and the payer's breaker, if it has one.
pub(super) struct Resilient {
    /// The adapter to route to.
    pub(super) adapter: Arc<dyn PayerAdapter>,
    /// Its circuit breaker, for `/readyz` and the payer registry view.
    pub(super) circuit: Option<Arc<Circuit>>,
}

/// A payer's lane: created before its rate limiter, which admits batch calls through it.
pub(super) fn lane(payer: &PayerConfig, batch_per_payer: usize) -> Arc<Lane> {
    Arc::new(Lane::new(
        payer.rate_limit.requests_per_second,
        batch_per_payer,
    ))
}

/// Wraps `limited` (the payer's transport behind its rate limiter) in the batch lane, the breaker, hedging
/// and retries per the payer's settings.
pub(super) fn resilient(
    limited: Arc<dyn PayerAdapter>,
    payer: &PayerConfig,
    lane: Arc<Lane>,
    metrics: &Metrics,
) -> Resilient {
    let payer_label = [payer.id.as_str()];
    let laned = BatchLane::new(limited, lane);
    let (broken, circuit): (Arc<dyn PayerAdapter>, _) = match payer.resilience.circuit_breaker {
        Some(policy) => {
            let circuit = Arc::new(
                Circuit::new(payer.id.clone(), policy)
                    .with_gauge(metrics.circuit_state.with_label_values(&payer_label)),
            );
            let breaker = CircuitBreaker::new(laned, Arc::clone(&circuit))
                .with_counter(metrics.circuit_rejections.with_label_values(&payer_label));
            (Arc::new(breaker), Some(circuit))
        }
        None => (Arc::new(laned), None),
    };
    let hedged: Arc<dyn PayerAdapter> = match payer.resilience.hedge {
        Some(delay) => Arc::new(Hedged::new(broken, delay).with_counters(
            metrics.hedges.with_label_values(&payer_label),
            metrics.hedge_wins.with_label_values(&payer_label),
        )),
        None => broken,
    };
    let retrying = Retrying::new(hedged, payer.resilience.retry)
        .with_counter(metrics.retries.with_label_values(&payer_label));
    Resilient {
        adapter: Arc::new(retrying),
        circuit,
    }
}
