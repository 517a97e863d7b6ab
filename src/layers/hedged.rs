//! [`Hedged`]: when a payer call is slower than a delay, a second attempt starts alongside it; the first
//! answer wins and the other call is dropped (cancelled: its future is no longer polled, its connection is
//! closed).
//!
//! - The delay is fixed (`hedge.delay_ms = 250`) or the payer's recent 95th percentile latency
//!   (`hedge.delay_ms = "p95"`), over the last [`WINDOW`] answers ([`LatencyWindow`]). Until the window holds
//!   [`MIN_SAMPLES`] answers there is nothing to go by and calls are not hedged.
//! - "Answer" means what [`super::retry_policy::classify`] calls one. If the first call to finish failed, the
//!   other is awaited; if both fail, the later failure is returned (and [`super::Retrying`], above, decides).
//! - Both attempts go through everything below this wrapper: the circuit breaker and the payer's rate limit,
//!   so a hedge costs a token like any call (see the order in [`crate::router::build`]).
//! - Only latencies of answers enter the window: a payer that times out half the time has a p95 of its
//!   answers, not of its timeouts, which is the delay after which a hedge is worth sending.
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use futures::future::{self, Either};
use payer_core::{AdapterError, EligibilityRequest, PayerAdapter, PayerReply};
use prometheus::IntCounter;
use tokio::time::Instant;

use super::retry_policy::classify;
use crate::config::HedgeDelay;

/// Answers kept for the p95.
pub const WINDOW: usize = 128;
/// Answers needed before a p95 is trusted.
pub const MIN_SAMPLES: usize = 20;

/// A payer adapter whose slow calls get a second attempt.
#[derive(Debug)]
pub struct Hedged<A> {
    inner: A,
    delay: HedgeDelay,
    window: LatencyWindow,
    /// Counts hedges started and hedges whose answer was used, when set.
    counters: Option<(IntCounter, IntCounter)>,
}

/// The latencies of a payer's recent answers.
#[derive(Debug, Default)]
pub struct LatencyWindow {
    samples: Mutex<VecDeque<Duration>>,
}

// === impl Hedged ===

impl<A> Hedged<A> {
    /// Wraps `inner`, hedging after `delay`.
    pub fn new(inner: A, delay: HedgeDelay) -> Hedged<A> {
        Hedged {
            inner,
            delay,
            window: LatencyWindow::default(),
            counters: None,
        }
    }

    /// Counts each hedge started in `hedges` and each one whose answer won in `wins`.
    pub fn with_counters(mut self, hedges: IntCounter, wins: IntCounter) -> Hedged<A> {
        self.counters = Some((hedges, wins));
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

    /// The delay after which a call is hedged now; `None` while the p95 is not known yet.
    pub fn current_delay(&self) -> Option<Duration> {
        match self.delay {
            HedgeDelay::Fixed(delay) => Some(delay),
            HedgeDelay::P95 => self.window.percentile(95),
        }
    }
}

impl<A: PayerAdapter> Hedged<A> {
    /// One attempt, its answer's latency recorded.
    async fn attempt(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        let started = Instant::now();
        let outcome = self.inner.check(request).await;
        if classify(&outcome).is_answer() {
            self.window.record(started.elapsed());
        }
        outcome
    }
}

#[async_trait]
impl<A: PayerAdapter> PayerAdapter for Hedged<A> {
    fn payer_id(&self) -> &str {
        self.inner.payer_id()
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        let Some(delay) = self.current_delay() else {
            return self.attempt(request).await;
        };
        let first = Box::pin(self.attempt(request));
        let first = match future::select(first, Box::pin(tokio::time::sleep(delay))).await {
            Either::Left((outcome, _)) => return outcome,
            Either::Right(((), first)) => first,
        };
        tracing::debug!(
            payer = self.inner.payer_id(),
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "hedging a slow payer call"
        );
        if let Some((hedges, _)) = &self.counters {
            hedges.inc();
        }
        let second = Box::pin(self.attempt(request));
        let (outcome, hedge_won) = match future::select(first, second).await {
            Either::Left((outcome, other)) => {
                if classify(&outcome).is_answer() {
                    // `other` is dropped here: the losing call is cancelled.
                    (outcome, false)
                } else {
                    (other.await, true)
                }
            }
            Either::Right((outcome, other)) => {
                if classify(&outcome).is_answer() {
                    (outcome, true)
                } else {
                    (other.await, false)
                }
            }
        };
        if let (Some((_, wins)), true) = (&self.counters, hedge_won) {
            if classify(&outcome).is_answer() {
                wins.inc();
            }
        }
        outcome
    }

    async fn health_check(&self) -> Result<(), AdapterError> {
        self.inner.health_check().await
    }
}

// === impl LatencyWindow ===

impl LatencyWindow {
    /// Adds one answer's latency, dropping the oldest beyond [`WINDOW`].
    pub fn record(&self, latency: Duration) {
        let Ok(mut samples) = self.samples.lock() else {
            return;
        };
        if samples.len() >= WINDOW {
            samples.pop_front();
        }
        samples.push_back(latency);
    }

    /// The `percentile`th percentile (nearest rank) of the window; `None` below [`MIN_SAMPLES`].
    pub fn percentile(&self, percentile: usize) -> Option<Duration> {
        let mut sorted: Vec<Duration> = match self.samples.lock() {
            Ok(samples) if samples.len() >= MIN_SAMPLES => samples.iter().copied().collect(),
            _ => return None,
        };
        sorted.sort_unstable();
        let rank = (percentile.min(100) * sorted.len()).div_ceil(100).max(1);
        sorted.get(rank - 1).copied()
    }
}
