//! Series whose counts live elsewhere, brought up to date when `/metrics` is rendered: Redis's health and
//! failed operations, and the cache's failed operations. Their own code counts them as plain atomics on every
//! request path ([`crate::fleet::Redis::error_count`], [`crate::cache::EligibilityCache::error_count`]).
use prometheus::IntCounter;

use super::Metrics;

impl Metrics {
    /// Brings the series counted elsewhere up to date: Redis's health and failed operations (when one is
    /// configured) and the cache's failed operations.
    pub fn catch_up(&self, redis: Option<&crate::fleet::Redis>, cache_errors: u64) {
        // Two renders at once must not both add the same difference to a counter.
        let _turn = self
            .catch_up_turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(redis) = redis {
            self.redis_up.set(i64::from(redis.is_healthy()));
            raise_to(&self.redis_errors, redis.error_count());
        }
        raise_to(&self.cache_errors, cache_errors);
    }
}

/// Adds to `counter` what `total` counts beyond it (a counter only goes up).
fn raise_to(counter: &IntCounter, total: u64) {
    let seen = counter.get();
    if total > seen {
        counter.inc_by(total - seen);
    }
}
