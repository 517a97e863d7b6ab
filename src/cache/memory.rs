//! [`InMemoryCache`]: the embedded default cache, in process, bounded, with a lifetime per entry (moka).
//!
//! moka evicts by an approximation of least-frequently-used once the [`CacheBound`] is reached (so many
//! entries, or so many bytes of stored answers, whichever comes first: a 271 can be large), and expires
//! each entry after the lifetime it was stored with ([`moka::Expiry`]), so active, inactive and rejected
//! answers can live for different times in one cache.
use std::time::{Duration, Instant};

use async_trait::async_trait;
use moka::future::Cache;
use moka::Expiry;

use super::{CacheKey, CachedEntry, EligibilityCache};
use crate::config::CacheBound;

/// An in-process cache of answers.
#[derive(Clone)]
pub struct InMemoryCache {
    entries: Cache<CacheKey, Stored>,
    /// How long past its lifetime an entry is kept to be served stale.
    stale_max_age: Duration,
}

/// An entry and the lifetime it was stored with.
#[derive(Clone)]
struct Stored {
    entry: CachedEntry,
    ttl: Duration,
}

/// Expires each entry after its own `ttl`, counted from its last write.
struct PerEntryTtl;

// === impl InMemoryCache ===

impl InMemoryCache {
    /// A cache within `bound`, dropping each entry at the end of its lifetime.
    pub fn new(bound: CacheBound) -> InMemoryCache {
        InMemoryCache::with_stale(bound, Duration::ZERO)
    }

    /// A cache within `bound`, each entry kept `stale_max_age` past its lifetime (returned by `get`, not
    /// fresh) to be served when the payer cannot be asked.
    pub fn with_stale(bound: CacheBound, stale_max_age: Duration) -> InMemoryCache {
        InMemoryCache {
            entries: Cache::builder()
                .weigher(move |_key: &CacheKey, stored: &Stored| {
                    bound.weight(stored.entry.answer.as_bytes().len())
                })
                .max_capacity(bound.total_weight())
                .expire_after(PerEntryTtl)
                .build(),
            stale_max_age,
        }
    }

    /// Entries held (approximate until pending maintenance has run).
    pub fn entry_count(&self) -> u64 {
        self.entries.entry_count()
    }

    /// Runs moka's pending maintenance (evictions, expirations); for tests and metrics.
    pub async fn run_pending_tasks(&self) {
        self.entries.run_pending_tasks().await;
    }
}

impl std::fmt::Debug for InMemoryCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InMemoryCache")
            .field("entries", &self.entries.entry_count())
            .finish()
    }
}

#[async_trait]
impl EligibilityCache for InMemoryCache {
    async fn get(&self, key: &CacheKey) -> Option<CachedEntry> {
        self.entries.get(key).await.map(|stored| stored.entry)
    }

    async fn put(&self, key: CacheKey, mut entry: CachedEntry, ttl: Duration) -> bool {
        if ttl.is_zero() {
            self.entries.invalidate(&key).await;
            return false;
        }
        entry.fresh_for = ttl;
        let ttl = ttl.saturating_add(self.stale_max_age);
        self.entries.insert(key, Stored { entry, ttl }).await;
        true
    }

    fn kind(&self) -> &'static str {
        "memory"
    }
}

// === impl PerEntryTtl ===

impl Expiry<CacheKey, Stored> for PerEntryTtl {
    fn expire_after_create(
        &self,
        _key: &CacheKey,
        value: &Stored,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(value.ttl)
    }

    fn expire_after_update(
        &self,
        _key: &CacheKey,
        value: &Stored,
        _updated_at: Instant,
        _duration_until_expiry: Option<Duration>,
    ) -> Option<Duration> {
        Some(value.ttl)
    }
}
