//! The Redis cache when Redis refuses: a write is reported as not stored, and the local tier's copy stands in
//! for Redis, but no longer than Redis would have kept the entry (its lifetime plus `cache.stale_max_age_s`).
use std::time::Duration;

use payer_core::EligibilityResponse;

use super::RedisCache;
use crate::cache::tests::{sample_inquiry, stored};
use crate::cache::{CacheKeyer, CachedEntry, EligibilityCache, Sealer};
use crate::config::{CacheBound, HmacKey};
use crate::fleet::tests::{closed_port, config};
use crate::fleet::Redis;

/// A cache with a local tier over a Redis that refuses every connection.
fn cache_without_redis(stale_max_age: Duration) -> RedisCache {
    let config = config(format!("redis://127.0.0.1:{}", closed_port()));
    let redis = Redis::connect(&config).unwrap();
    let sealer = Sealer::new(&config.encryption_keys).unwrap();
    let bound = CacheBound {
        entries: 100,
        bytes: 1 << 20,
    };
    RedisCache::new(redis, sealer, stale_max_age, Duration::from_secs(60), bound)
}

#[tokio::test]
async fn a_local_copy_past_what_redis_would_keep_is_not_served() {
    let key = CacheKeyer::new(HmacKey::new([7; 32])).derive(&sample_inquiry());
    for (stale_max_age, kept) in [(Duration::ZERO, false), (Duration::from_secs(60), true)] {
        let cache = cache_without_redis(stale_max_age);
        let entry = CachedEntry::new(stored(EligibilityResponse::default()));
        // Redis refuses the write; the local tier keeps the entry, fresh for 1 ms.
        assert!(
            !cache
                .put(key.clone(), entry, Duration::from_millis(1))
                .await
        );
        tokio::time::sleep(Duration::from_millis(20)).await;

        let found = cache.get(&key).await;
        assert_eq!(found.is_some(), kept, "stale_max_age {stale_max_age:?}");
        assert!(found.is_none_or(|entry| !entry.is_fresh()));
    }
}

#[tokio::test]
async fn a_put_redis_refuses_is_reported_not_stored() {
    let cache = cache_without_redis(Duration::ZERO);
    let key = CacheKeyer::new(HmacKey::new([7; 32])).derive(&sample_inquiry());
    let entry = CachedEntry::new(stored(EligibilityResponse::default()));
    // Not stored in Redis, though the local tier keeps it: other instances would not find it.
    assert!(!cache.put(key, entry, Duration::from_secs(60)).await);
}
