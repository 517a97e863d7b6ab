//! [`build`]: the one place where transports, wrappers, the cache and the registry are composed.
use std::collections::HashMap;
use std::sync::Arc;

use payer_core::PayerAdapter;

use super::Router;
use crate::cache::{CacheKeyer, EligibilityCache, InMemoryCache, NoCache};
use crate::config::{CacheKind, HmacKey, PayerConfig, TransportConfig, ValidatedSettings};
use crate::layers::Timed;
use crate::registry::PayerRegistry;

/// Builds the router of a validated configuration: one composed adapter per payer, the cache, the keyer.
///
/// Async because later transports and caches connect here (HTTP clients, the Redis pool).
pub async fn build(settings: &ValidatedSettings) -> anyhow::Result<Router> {
    let registry = PayerRegistry::from_settings(settings);
    let mut adapters: HashMap<String, Arc<dyn PayerAdapter>> = HashMap::new();
    for payer in &settings.payers {
        adapters.insert(payer.id.clone(), transport(payer)?);
    }
    let cache: Arc<dyn EligibilityCache> = match settings.cache.kind {
        CacheKind::Memory => Arc::new(InMemoryCache::new(settings.cache.capacity)),
        CacheKind::None => Arc::new(NoCache),
    };
    let key = match &settings.cache.hmac_key {
        Some(key) => key.clone(),
        None => {
            tracing::info!(
                "cache.hmac_key is not set: using a random cache key for this process \
                 (set GATEWAY__CACHE__HMAC_KEY to 64 hex digits to keep keys stable across restarts)"
            );
            HmacKey::random()
        }
    };
    Ok(Router::from_parts(
        registry,
        adapters,
        cache,
        CacheKeyer::new(key),
    ))
}

/// The transport of one payer, wrapped.
fn transport(payer: &PayerConfig) -> anyhow::Result<Arc<dyn PayerAdapter>> {
    Ok(match &payer.transport {
        TransportConfig::Sandbox(config) => wrap(
            payer_sandbox::SandboxAdapter::new(payer.id.clone(), config.clone()),
            payer,
        ),
    })
}

/// Every payer call passes these wrappers, outermost first. Rate limiting, the circuit breaker, retries and
/// metrics join here as their issues land; the order is documented in [`crate::layers`].
fn wrap<A: PayerAdapter>(transport: A, payer: &PayerConfig) -> Arc<dyn PayerAdapter> {
    Arc::new(Timed::new(transport, payer.timeout))
}
