//! The answer cache: the [`EligibilityCache`] seam, its in-memory implementation, keys and lifetimes.
//!
//! - [`key`]: [`CacheKeyer`], the HMAC-SHA256 of the normalized inquiry; keys hold no member data.
//! - [`policy`]: [`ttl_for`], how long an answer may be served again, by outcome.
//! - [`memory`]: [`InMemoryCache`], bounded, per-entry lifetimes (moka); the embedded default.
//!
//! Why a trait: the in-memory cache is one process's; the Redis issue puts a shared, encrypted cache behind
//! the same two calls, and the router does not change. Errors stay inside an implementation: a cache that
//! cannot answer is a miss, never a failed check.
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use payer_core::EligibilityResponse;

pub mod key;
pub mod memory;
pub mod policy;

pub use key::{CacheKey, CacheKeyer};
pub use memory::InMemoryCache;
pub use policy::ttl_for;

/// A store of answers by [`CacheKey`].
#[async_trait]
pub trait EligibilityCache: Send + Sync + 'static {
    /// The entry stored under `key`, unless it expired or was evicted.
    async fn get(&self, key: &CacheKey) -> Option<CachedEntry>;

    /// Stores `entry` under `key` for `ttl`, replacing any entry there.
    async fn put(&self, key: CacheKey, entry: CachedEntry, ttl: Duration);

    /// What kind of cache this is (`memory`, `none`), for readiness and logs.
    fn kind(&self) -> &'static str;
}

/// One stored answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedEntry {
    /// The merged answer, with `x12` holding the raw payload(s) so a later hit can return them on request.
    /// It contains member data: it lives in process memory here; the Redis cache will encrypt it.
    pub response: Arc<EligibilityResponse>,
    /// When it was stored (wall clock, so that it means the same to every instance of a shared cache).
    pub stored_at: SystemTime,
}

/// The cache of `cache.kind = "none"`: stores nothing, every lookup misses.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCache;

// === impl CachedEntry ===

impl CachedEntry {
    /// An entry stored now.
    pub fn new(response: EligibilityResponse) -> CachedEntry {
        CachedEntry {
            response: Arc::new(response),
            stored_at: SystemTime::now(),
        }
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

    async fn put(&self, _key: CacheKey, _entry: CachedEntry, _ttl: Duration) {}

    fn kind(&self) -> &'static str {
        "none"
    }
}

#[cfg(test)]
pub(crate) mod tests;
