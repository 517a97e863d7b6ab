//! [`RateLimited`]: a payer's calls per second and calls at once, held before any call leaves.
//!
//! - **Rate** (`rate_limit.requests_per_second`, `burst`): with Redis, one limit for the whole fleet, kept in
//!   Redis by [`FleetRate`] (GCRA in a Lua script, reserving each call's slot atomically). Without Redis, or
//!   while it is down, [`LocalRate`] (governor, in process) at this instance's share of the rate:
//!   `rate_limits.local_share`, or one over the number of instances last seen in Redis.
//! - **Concurrency** (`rate_limit.max_concurrency`): a semaphore per payer, per instance (not fleet-wide:
//!   a fleet of N instances may have N times as many calls in flight).
//!
//! Both honour the check's deadline ([`super::deadline`]): a call that can be admitted before it waits its
//! turn (sleeps until its slot); one that cannot fails at once with [`AdapterError::Saturated`] (503 with
//! `Retry-After`) and reaches no payer. Per-client quotas (by API key) are a separate, earlier check in the
//! HTTP layer; this wrapper is per payer.
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use payer_core::{AdapterError, EligibilityRequest, PayerAdapter, PayerReply};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::deadline;
use super::fleet_rate::FleetRate;
use super::local_rate::LocalRate;
use crate::config::{RateLimit, RateLimitsConfig};
use crate::fleet::Redis;

/// The payer latency assumed before any call was timed: 50 ms.
const INITIAL_LATENCY_US: u64 = 50_000;
/// Least time kept for the call itself after a rate or concurrency slot.
const MIN_HEADROOM: Duration = Duration::from_millis(5);
/// Most time kept for the call itself (a payer slower than this still gets a slot up to this near the end).
const MAX_HEADROOM: Duration = Duration::from_secs(2);
/// How long a client is asked to wait when the payer's concurrency limit is full.
const CONCURRENCY_RETRY_AFTER: Duration = Duration::from_secs(1);

/// A payer adapter whose calls pass the payer's rate and concurrency limits.
pub struct RateLimited<A> {
    inner: A,
    limiter: Arc<PayerLimiter>,
}

/// One payer's limits.
pub struct PayerLimiter {
    fleet: Option<FleetRate>,
    local: LocalRate,
    in_flight: Arc<Semaphore>,
    max_concurrency: u32,
    /// The payer's batch lane (engineer J): batch calls take only the slots real-time calls leave.
    lane: Option<Arc<super::Lane>>,
    /// Moving average of the payer's call latency, in microseconds.
    latency_us: AtomicU64,
}

// === impl RateLimited ===

impl<A> RateLimited<A> {
    /// Wraps `inner` with `limiter`.
    pub fn new(inner: A, limiter: Arc<PayerLimiter>) -> RateLimited<A> {
        RateLimited { inner, limiter }
    }

    /// The wrapped adapter.
    pub fn get_ref(&self) -> &A {
        &self.inner
    }

    /// Unwraps the adapter.
    pub fn into_inner(self) -> A {
        self.inner
    }

    /// The limits.
    pub fn limiter(&self) -> &PayerLimiter {
        &self.limiter
    }
}

#[async_trait]
impl<A: PayerAdapter> PayerAdapter for RateLimited<A> {
    fn payer_id(&self) -> &str {
        self.inner.payer_id()
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        // A slot is only worth taking if the call can still finish before the deadline after it.
        let deadline = deadline::current().map(|deadline| self.limiter.latest_start(deadline));
        self.limiter.admit(deadline).await?;
        let _slot = self.limiter.enter(deadline).await?;
        let started = Instant::now();
        let result = self.inner.check(request).await;
        self.limiter.record_latency(started.elapsed());
        result
    }

    async fn health_check(&self) -> Result<(), AdapterError> {
        self.inner.health_check().await
    }
}

impl<A> std::fmt::Debug for RateLimited<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimited")
            .field("limiter", &self.limiter)
            .finish_non_exhaustive()
    }
}

// === impl PayerLimiter ===

impl PayerLimiter {
    /// The limits of payer `payer_id`: fleet-wide through `redis` when given.
    pub fn new(
        payer_id: &str,
        limit: &RateLimit,
        redis: Option<Redis>,
        sharing: RateLimitsConfig,
    ) -> PayerLimiter {
        let fleet = redis
            .clone()
            .map(|redis| FleetRate::new(redis, payer_id, limit));
        PayerLimiter {
            fleet,
            local: LocalRate::new(limit, redis, sharing.local_share),
            in_flight: Arc::new(Semaphore::new(
                usize::try_from(limit.max_concurrency.get()).unwrap_or(usize::MAX),
            )),
            max_concurrency: limit.max_concurrency.get(),
            lane: None,
            latency_us: AtomicU64::new(INITIAL_LATENCY_US),
        }
    }

    /// The latest a call may start to finish by `deadline`: the deadline less twice the payer's recent
    /// latency (a moving average), at least [`MIN_HEADROOM`], at most [`MAX_HEADROOM`].
    pub fn latest_start(&self, deadline: Instant) -> Instant {
        let recent = Duration::from_micros(self.latency_us.load(Ordering::Relaxed));
        let headroom = (recent * 2).clamp(MIN_HEADROOM, MAX_HEADROOM);
        deadline.checked_sub(headroom).unwrap_or(deadline)
    }

    /// Folds one call's latency into the moving average (weight 1/8).
    pub fn record_latency(&self, latency: Duration) {
        let sample = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        let _ = self
            .latency_us
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |average| {
                Some(average - average / 8 + sample / 8)
            });
    }

    /// Admits batch calls through `lane` ([`super::lane`]): real-time calls first.
    pub fn with_lane(mut self, lane: Arc<super::Lane>) -> PayerLimiter {
        self.lane = Some(lane);
        self
    }

    /// Waits for the call's rate slot, or fails at once if it comes after `deadline`; with a lane, by the
    /// call's priority ([`super::Lane::admit`]).
    pub async fn admit(&self, deadline: Option<Instant>) -> Result<(), AdapterError> {
        match &self.lane {
            Some(lane) => {
                lane.admit(deadline, |deadline| self.admit_slot(deadline))
                    .await
            }
            None => self.admit_slot(deadline).await,
        }
    }

    async fn admit_slot(&self, deadline: Option<Instant>) -> Result<(), AdapterError> {
        if let Some(fleet) = &self.fleet {
            if let Ok(outcome) = fleet.reserve(deadline).await {
                return outcome.wait().await;
            }
            // Redis cannot be asked: this instance's share, locally.
        }
        self.local.admit(deadline).await
    }

    /// Takes one of the payer's concurrent-call slots, waiting until `deadline` at most.
    pub async fn enter(
        &self,
        deadline: Option<Instant>,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, AdapterError> {
        let acquire = Arc::clone(&self.in_flight).acquire_owned();
        let acquired = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, acquire)
                .await
                .map_err(|_| saturated(CONCURRENCY_RETRY_AFTER))?,
            None => acquire.await,
        };
        acquired.map_err(|_| AdapterError::Internal("the concurrency limit was closed".into()))
    }

    /// Calls in flight now.
    pub fn in_flight(&self) -> u32 {
        let free = u32::try_from(self.in_flight.available_permits()).unwrap_or(u32::MAX);
        self.max_concurrency.saturating_sub(free)
    }
}

impl std::fmt::Debug for PayerLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayerLimiter")
            .field("fleet_wide", &self.fleet.is_some())
            .field("max_concurrency", &self.max_concurrency)
            .finish()
    }
}

/// When a slot is reserved: now, or after a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reservation {
    /// Go after this long.
    After(Duration),
    /// No slot before the deadline; the earliest is this far away.
    Refused(Duration),
}

impl Reservation {
    pub(super) async fn wait(self) -> Result<(), AdapterError> {
        match self {
            Reservation::After(wait) => {
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
                Ok(())
            }
            Reservation::Refused(earliest) => Err(saturated(earliest)),
        }
    }
}

/// The error of a call that cannot be admitted in time; `Retry-After` is at least a second.
pub(super) fn saturated(retry_after: Duration) -> AdapterError {
    AdapterError::Saturated {
        retry_after: retry_after.max(Duration::from_secs(1)),
    }
}

/// `burst` scaled by `share`, at least 1.
pub(super) fn scaled_burst(burst: NonZeroU32, share: f64) -> NonZeroU32 {
    let scaled = (f64::from(burst.get()) * share).floor();
    // Saturating float-to-int conversion; at least 1.
    NonZeroU32::new(scaled as u32).unwrap_or(NonZeroU32::MIN)
}

#[cfg(test)]
mod tests;
