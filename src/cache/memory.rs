//! [`InMemoryCache`]: the embedded default cache, in process, bounded, with a lifetime per entry (moka).
//!
//! moka evicts by an approximation of least-frequently-used once `capacity` entries are held, and expires
//! each entry after the lifetime it was stored with ([`moka::Expiry`]), so active, inactive and rejected
//! answers can live for different times in one cache.
use std::time::{Duration, Instant};

use async_trait::async_trait;
use moka::future::Cache;
use moka::Expiry;

use super::{CacheKey, CachedEntry, EligibilityCache};

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
    /// A cache holding at most `capacity` entries, dropping each at the end of its lifetime.
    pub fn new(capacity: u64) -> InMemoryCache {
        InMemoryCache::with_stale(capacity, Duration::ZERO)
    }

    /// A cache holding at most `capacity` entries, each kept `stale_max_age` past its lifetime (returned by
    /// `get`, not fresh) to be served when the payer cannot be asked.
    pub fn with_stale(capacity: u64, stale_max_age: Duration) -> InMemoryCache {
        InMemoryCache {
            entries: Cache::builder()
                .max_capacity(capacity)
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

    async fn put(&self, key: CacheKey, mut entry: CachedEntry, ttl: Duration) {
        if ttl.is_zero() {
            self.entries.invalidate(&key).await;
            return;
        }
        entry.fresh_for = ttl;
        let ttl = ttl.saturating_add(self.stale_max_age);
        self.entries.insert(key, Stored { entry, ttl }).await;
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
