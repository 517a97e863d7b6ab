//! [`LocalRate`]: a payer's rate limit in process (governor), at this instance's share of the payer's rate.
//!
//! Used without Redis (share `rate_limits.local_share`, default 1: the instance has the payer to itself) and
//! while Redis is down (share `rate_limits.local_share`, default one over the instances last seen in Redis),
//! so that a fleet cut off from Redis stays near the payer's limit instead of multiplying it. The limiter is
//! rebuilt when the share changes.
//!
//! governor answers "not before T" but does not reserve: a waiter sleeps until T and tries again. So that a
//! call is not left waiting for a slot it will not get before its deadline, the waiters already queued are
//! counted: a call that would come after them, past its deadline, is refused at once.
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use payer_core::AdapterError;
use tokio::time::Instant;

use super::rate_limit::{saturated, scaled_burst};
use crate::config::settings::MIN_REQUESTS_PER_SECOND;
use crate::config::RateLimit;
use crate::fleet::Redis;

/// One payer's in-process limiter.
pub(super) struct LocalRate {
    rate: f64,
    burst: NonZeroU32,
    redis: Option<Redis>,
    configured_share: Option<f64>,
    current: Mutex<(f64, Arc<DefaultDirectRateLimiter>)>,
    waiting: Arc<AtomicU32>,
}

/// Counts a waiter while it waits.
struct Waiting(Arc<AtomicU32>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl LocalRate {
    pub(super) fn new(
        limit: &RateLimit,
        redis: Option<Redis>,
        configured_share: Option<f64>,
    ) -> LocalRate {
        let share = configured_share.unwrap_or(1.0);
        LocalRate {
            rate: limit.requests_per_second,
            burst: limit.burst,
            redis,
            configured_share,
            current: Mutex::new((
                share,
                Arc::new(limiter(limit.requests_per_second, limit.burst, share)),
            )),
            waiting: Arc::new(AtomicU32::new(0)),
        }
    }

    /// This instance's share now.
    pub(super) fn share(&self) -> f64 {
        match (self.configured_share, &self.redis) {
            (Some(share), _) => share,
            (None, Some(redis)) => 1.0 / f64::from(redis.fleet_size()),
            (None, None) => 1.0,
        }
    }

    fn limiter(&self) -> Result<(Arc<DefaultDirectRateLimiter>, f64), AdapterError> {
        let share = self.share();
        let mut current = self
            .current
            .lock()
            .map_err(|_| AdapterError::Internal("the rate limiter lock is poisoned".into()))?;
        if (current.0 - share).abs() > f64::EPSILON {
            *current = (share, Arc::new(limiter(self.rate, self.burst, share)));
        }
        Ok((Arc::clone(&current.1), share))
    }

    /// Waits for a slot, or fails at once if it would come after `deadline`.
    pub(super) async fn admit(&self, deadline: Option<Instant>) -> Result<(), AdapterError> {
        let (limiter, share) = self.limiter()?;
        let interval = Duration::from_secs_f64(1.0 / per_second(self.rate, share));
        let clock = DefaultClock::default();
        let mut queued: Option<Waiting> = None;
        loop {
            let not_until = match limiter.check() {
                Ok(()) => return Ok(()),
                Err(not_until) => not_until,
            };
            let wait = not_until.wait_time_from(clock.now());
            let ahead = match &queued {
                Some(_) => 0,
                None => self.waiting.load(Ordering::Relaxed),
            };
            let expected = wait.saturating_add(interval.saturating_mul(ahead));
            if let Some(deadline) = deadline {
                if Instant::now()
                    .checked_add(expected)
                    .is_none_or(|admitted| admitted > deadline)
                {
                    return Err(saturated(expected));
                }
            }
            if queued.is_none() {
                self.waiting.fetch_add(1, Ordering::Relaxed);
                queued = Some(Waiting(Arc::clone(&self.waiting)));
            }
            // A little spread, so that the waiters do not all wake for the same slot.
            let jitter = Duration::from_micros(rand::random_range(0..500));
            tokio::time::sleep(wait + jitter).await;
        }
    }
}

/// This instance's rate: its share of the payer's, at least [`MIN_REQUESTS_PER_SECOND`] whatever the share.
fn per_second(rate: f64, share: f64) -> f64 {
    (rate * share).max(MIN_REQUESTS_PER_SECOND)
}

fn limiter(rate: f64, burst: NonZeroU32, share: f64) -> DefaultDirectRateLimiter {
    let period =
        Duration::from_secs_f64(1.0 / per_second(rate, share)).max(Duration::from_nanos(1));
    let quota = Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(scaled_burst(burst, share));
    RateLimiter::direct(quota)
}
