//! [`RedisCache`]: the answer cache shared by every gateway instance, in Redis, with a short local tier.
//!
//! - Key: `{prefix}c:{hmac}`: the [`super::CacheKeyer`] HMAC of the normalized inquiry; no member data.
//! - Value: the entry sealed by [`Sealer`] (AES-256-GCM, key id in front, the Redis key as associated data).
//! - Lifetime in Redis: the outcome's TTL plus `cache.stale_max_age_s`, so that an answer past its lifetime
//!   can still be served, marked stale, when the payer cannot be asked. Freshness travels in the value.
//! - Local tier: a bounded moka cache in front of Redis holding each entry for `cache.local_ttl_ms` at most
//!   (seconds, not hours: a replaced answer is seen by every instance soon). A local entry is used only while
//!   fresh; a stale one is a fallback if Redis cannot answer.
//! - Redis trouble (refused, timeout, a value that does not open) is a miss, never an error: see
//!   [`crate::fleet::Redis`].
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use moka::future::Cache;

use super::{CacheKey, CachedEntry, EligibilityCache, Sealer};
use crate::config::CacheBound;
use crate::fleet::Redis;

/// The shared cache.
pub struct RedisCache {
    redis: Redis,
    sealer: Sealer,
    local: Option<Cache<CacheKey, CachedEntry>>,
    stale_max_age: Duration,
    /// Values that were found but did not open (unknown key id, failed authentication, old format).
    unreadable: AtomicU64,
    /// Lookups and stores that failed: Redis did not answer (refused, timed out, known to be down), or a
    /// value could not be sealed.
    unanswered: AtomicU64,
}

// === impl RedisCache ===

impl RedisCache {
    /// A cache over `redis`; `local_ttl` zero disables the local tier, else it holds what `local_bound` allows.
    pub fn new(
        redis: Redis,
        sealer: Sealer,
        stale_max_age: Duration,
        local_ttl: Duration,
        local_bound: CacheBound,
    ) -> RedisCache {
        let local = (!local_ttl.is_zero()).then(|| {
            Cache::builder()
                .weigher(move |_key: &CacheKey, entry: &CachedEntry| {
                    local_bound.weight(entry.answer.as_bytes().len())
                })
                .max_capacity(local_bound.total_weight())
                .time_to_live(local_ttl)
                .build()
        });
        RedisCache {
            redis,
            sealer,
            local,
            stale_max_age,
            unreadable: AtomicU64::new(0),
            unanswered: AtomicU64::new(0),
        }
    }

    /// The Redis key of a cache key.
    pub fn storage_key(&self, key: &CacheKey) -> String {
        self.redis.key(&format!("c:{key}"))
    }

    /// Values found in Redis that could not be opened, since start.
    pub fn unreadable_count(&self) -> u64 {
        self.unreadable.load(Ordering::Relaxed)
    }

    /// The sealer, shared with single-flight results.
    pub fn sealer(&self) -> &Sealer {
        &self.sealer
    }

    async fn remote_get(&self, key: &CacheKey) -> Result<Option<CachedEntry>, ()> {
        let storage_key = self.storage_key(key);
        let found: Option<Vec<u8>> = self
            .redis
            .query("cache get", redis::cmd("GET").arg(&storage_key))
            .await
            .map_err(|_| {
                self.unanswered.fetch_add(1, Ordering::Relaxed);
            })?;
        let Some(sealed) = found else {
            return Ok(None);
        };
        match self.sealer.open(sealed, storage_key.as_bytes()) {
            Ok(entry) => Ok(Some(entry)),
            Err(error) => {
                self.unreadable.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(reason = %error, "cached value ignored");
                Ok(None)
            }
        }
    }
}

impl std::fmt::Debug for RedisCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisCache")
            .field("redis", &self.redis)
            .field("local_tier", &self.local.is_some())
            .finish()
    }
}

#[async_trait]
impl EligibilityCache for RedisCache {
    async fn get(&self, key: &CacheKey) -> Option<CachedEntry> {
        let local = match &self.local {
            Some(local) => local.get(key).await,
            None => None,
        };
        if let Some(entry) = &local {
            if entry.is_fresh() {
                return local;
            }
        }
        match self.remote_get(key).await {
            Ok(Some(entry)) => {
                if let Some(tier) = &self.local {
                    tier.insert(key.clone(), entry.clone()).await;
                }
                Some(entry)
            }
            Ok(None) => None,
            // Redis could not answer: a stale local copy is better than nothing (the router serves it only
            // if the payer fails too), within the age Redis itself would have kept it.
            Err(()) => local
                .filter(|entry| entry.age() < entry.fresh_for.saturating_add(self.stale_max_age)),
        }
    }

    async fn put(&self, key: CacheKey, mut entry: CachedEntry, ttl: Duration) -> bool {
        let storage_key = self.storage_key(&key);
        if ttl.is_zero() {
            if let Some(local) = &self.local {
                local.invalidate(&key).await;
            }
            let _ = self
                .redis
                .query::<()>("cache delete", redis::cmd("DEL").arg(&storage_key))
                .await;
            return false;
        }
        entry.fresh_for = ttl;
        let keep = ttl.saturating_add(self.stale_max_age);
        let keep_ms = u64::try_from(keep.as_millis()).unwrap_or(u64::MAX).max(1);
        let stored = match self.sealer.seal(&entry, storage_key.as_bytes()) {
            Some(sealed) => self
                .redis
                .query::<()>(
                    "cache put",
                    redis::cmd("SET")
                        .arg(&storage_key)
                        .arg(sealed)
                        .arg("PX")
                        .arg(keep_ms),
                )
                .await
                .is_ok(),
            None => false,
        };
        if !stored {
            self.unanswered.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(local) = &self.local {
            local.insert(key, entry).await;
        }
        stored
    }

    fn kind(&self) -> &'static str {
        "redis"
    }

    fn error_count(&self) -> u64 {
        self.unanswered.load(Ordering::Relaxed) + self.unreadable.load(Ordering::Relaxed)
    }

    fn is_healthy(&self) -> bool {
        self.redis.is_healthy()
    }
}

#[cfg(test)]
mod tests;
