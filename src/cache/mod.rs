//! The answer cache: the [`EligibilityCache`] seam, its in-memory implementation, keys and lifetimes.
//!
//! - [`key`]: [`CacheKeyer`], the HMAC-SHA256 of the normalized inquiry; keys hold no member data.
//! - [`policy`]: [`ttl_for`], how long an answer may be served again, by outcome.
//! - [`memory`]: [`InMemoryCache`], bounded, per-entry lifetimes (moka); the embedded default.
//! - [`redis`]: [`RedisCache`], shared by every instance, values encrypted ([`seal`]), a short local tier.
//! - [`seal`]: [`Sealer`], AES-256-GCM of stored values with key ids (rotation).
//! - [`stored`]: [`StoredAnswer`], an answer serialized once when stored, so that a hit serves bytes.
//!
//! Why a trait: the in-memory cache is one process's; the Redis issue puts a shared, encrypted cache behind
//! the same two calls, and the router does not change. Errors stay inside an implementation: a cache that
//! cannot answer is a miss, never a failed check.
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;

pub mod key;
pub mod memory;
pub mod policy;
pub mod redis;
pub mod seal;
pub mod stored;

pub use key::{CacheKey, CacheKeyer};
pub use memory::InMemoryCache;
pub use policy::ttl_for;
pub use redis::RedisCache;
pub use seal::Sealer;
pub use stored::StoredAnswer;

/// A store of answers by [`CacheKey`].
#[async_trait]
pub trait EligibilityCache: Send + Sync + 'static {
    /// The entry stored under `key`, unless it expired or was evicted. It may be past its lifetime (stale) when
    /// the cache keeps stale entries: see [`CachedEntry::is_fresh`].
    async fn get(&self, key: &CacheKey) -> Option<CachedEntry>;

    /// Stores `entry` under `key`, fresh for `ttl` (setting `entry.fresh_for`), replacing any entry there. A
    /// cache that keeps stale entries keeps it `stale_max_age` longer. Returns whether a later lookup (from
    /// any instance sharing the cache) will find it: `false` when the store failed or kept nothing (a zero
    /// `ttl` removes the entry instead).
    async fn put(&self, key: CacheKey, entry: CachedEntry, ttl: Duration) -> bool;

    /// What kind of cache this is (`memory`, `none`, `redis`), for readiness and logs.
    fn kind(&self) -> &'static str;

    /// Operations that failed since start: a lookup or store the backing store did not answer, a value that
    /// did not open (`eligibility_cache_errors_total`). Always 0 in process.
    fn error_count(&self) -> u64 {
        0
    }

    /// Whether the cache's backing store currently answers (`false` while Redis is unreachable: lookups miss
    /// and stores are dropped until it is back). Always `true` in process.
    fn is_healthy(&self) -> bool {
        true
    }
}

/// One stored answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedEntry {
    /// The merged answer, serialized, with the raw payload(s) so a later hit can return them on request.
    /// It contains member data: it lives in process memory here; the Redis cache encrypts it.
    pub answer: Arc<StoredAnswer>,
    /// When it was stored (wall clock, so that it means the same to every instance of a shared cache).
    pub stored_at: SystemTime,
    /// How long after `stored_at` it is fresh (the lifetime it was `put` with); past that, a cache that keeps
    /// stale entries (`cache.stale_max_age_s`) still returns it, and it is served only when the payer cannot
    /// be asked.
    pub fresh_for: Duration,
}

/// The cache of `cache.kind = "none"`: stores nothing, every lookup misses.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCache;

// === impl CachedEntry ===

impl CachedEntry {
    /// An entry of `answer`, stored now.
    pub fn new(answer: Arc<StoredAnswer>) -> CachedEntry {
        CachedEntry {
            answer,
            stored_at: SystemTime::now(),
            fresh_for: Duration::MAX,
        }
    }

    /// Whether it is within the lifetime it was stored with.
    pub fn is_fresh(&self) -> bool {
        self.age() < self.fresh_for
    }

    /// Whole seconds since it was stored (0 if the clock went backwards).
    pub fn age(&self) -> Duration {
        SystemTime::now()
            .duration_since(self.stored_at)
            .unwrap_or_default()
    }
}

// === impl NoCache ===

#[async_trait]
impl EligibilityCache for NoCache {
    async fn get(&self, _key: &CacheKey) -> Option<CachedEntry> {
        None
    }

    async fn put(&self, _key: CacheKey, _entry: CachedEntry, _ttl: Duration) -> bool {
        false
    }

    fn kind(&self) -> &'static str {
        "none"
    }
}

#[cfg(test)]
pub(crate) mod tests;
