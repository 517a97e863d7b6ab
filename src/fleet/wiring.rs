//! [`FleetParts`]: what the configuration's `[cache]` and `[rate_limits]` make of the router's shared parts:
//! the cache, the flights, each payer's limiter, and the Redis connection when one is named.
use std::sync::Arc;

use anyhow::Context;
use payer_core::PayerAdapter;

use super::Redis;
use crate::cache::{EligibilityCache, InMemoryCache, NoCache, RedisCache, Sealer};
use crate::config::{CacheKind, PayerConfig, RateLimitsConfig, ValidatedSettings};
use crate::flight::{Flights, Leases};
use crate::layers::{PayerLimiter, RateLimited};

/// The router's shared parts.
pub struct FleetParts {
    /// The answer cache: Redis (shared, encrypted, with a local tier), in memory, or none.
    pub cache: Arc<dyn EligibilityCache>,
    /// Single-flight: across instances with Redis, else per instance.
    pub flights: Flights,
    /// The Redis connection, when one is configured.
    pub redis: Option<Redis>,
    sharing: RateLimitsConfig,
}

impl FleetParts {
    /// Builds them from validated settings. Connects to Redis lazily: a Redis that is down at start does not
    /// stop the gateway (it starts degraded and connects when Redis is back). Needs a Tokio runtime.
    pub fn from_settings(settings: &ValidatedSettings) -> anyhow::Result<FleetParts> {
        let cache_settings = &settings.cache;
        let Some(redis_settings) = &cache_settings.redis else {
            let cache: Arc<dyn EligibilityCache> = match cache_settings.kind {
                CacheKind::Memory => Arc::new(InMemoryCache::with_stale(
                    cache_settings.bound,
                    cache_settings.stale_max_age,
                )),
                CacheKind::None => Arc::new(NoCache),
            };
            return Ok(FleetParts {
                cache,
                flights: Flights::local(),
                redis: None,
                sharing: settings.rate_limits,
            });
        };
        let redis = Redis::connect(redis_settings).context("could not set up Redis")?;
        let sealer = Sealer::new(&redis_settings.encryption_keys)
            .context("cache.encryption_keys: at least one key is required with Redis")?;
        let cache: Arc<dyn EligibilityCache> = match cache_settings.kind {
            CacheKind::Memory => Arc::new(RedisCache::new(
                redis.clone(),
                sealer.clone(),
                cache_settings.stale_max_age,
                redis_settings.local_ttl,
                cache_settings.bound,
            )),
            CacheKind::None => Arc::new(NoCache),
        };
        tracing::info!(
            mode = redis.mode(),
            "redis configured: shared cache, single-flight and payer rate limits across instances"
        );
        Ok(FleetParts {
            cache,
            flights: Flights::shared(Leases::new(redis.clone(), sealer, redis_settings.lease)),
            redis: Some(redis),
            sharing: settings.rate_limits,
        })
    }

    /// [`FleetParts::limit`] with the payer's batch lane (engineer J): batch calls take only the rate-limit
    /// slots that real-time calls leave ([`crate::layers::lane`]).
    pub fn limit_in_lane(
        &self,
        adapter: Arc<dyn PayerAdapter>,
        payer: &PayerConfig,
        lane: Arc<crate::layers::Lane>,
    ) -> Arc<dyn PayerAdapter> {
        let limiter = PayerLimiter::new(
            &payer.id,
            &payer.rate_limit,
            self.redis.clone(),
            self.sharing,
        )
        .with_lane(lane);
        Arc::new(RateLimited::new(adapter, Arc::new(limiter)))
    }

    /// `adapter` behind `payer`'s rate and concurrency limits (fleet-wide with Redis).
    pub fn limit(
        &self,
        adapter: Arc<dyn PayerAdapter>,
        payer: &PayerConfig,
    ) -> Arc<dyn PayerAdapter> {
        let limiter = PayerLimiter::new(
            &payer.id,
            &payer.rate_limit,
            self.redis.clone(),
            self.sharing,
        );
        Arc::new(RateLimited::new(adapter, Arc::new(limiter)))
    }
}
