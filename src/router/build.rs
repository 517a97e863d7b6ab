//! [`build`]: the one place where transports, wrappers, the cache and the registry are composed.
use std::collections::HashMap;
use std::sync::Arc;

use payer_core::PayerAdapter;

use super::Observer;
use super::Router;
use crate::cache::{CacheKeyer, EligibilityCache, InMemoryCache, NoCache};
use crate::config::{CacheKind, HmacKey, PayerConfig, TransportConfig, ValidatedSettings};
use crate::layers::{Metered, SharedAdapter, Timed};
use crate::metrics::Metrics;
use crate::registry::PayerRegistry;

/// Builds the router of a validated configuration: one composed adapter per payer, the cache, the keyer.
///
/// Async because later transports and caches connect here (HTTP clients, the Redis pool).
pub async fn build(settings: &ValidatedSettings) -> anyhow::Result<Router> {
    let observer = Observer {
        metrics: Metrics::unexported()?,
        audit: None,
    };
    build_observed(settings, observer).await
}

/// [`build`], counting into `observer`'s metrics (registered by the caller in the registry it exports) and
/// auditing into its trail. Each payer's adapter is wrapped in [`Metered`] outermost, and its attempts are
/// counted by [`Timed`].
pub async fn build_observed(
    settings: &ValidatedSettings,
    observer: Observer,
) -> anyhow::Result<Router> {
    let metrics = Arc::clone(&observer.metrics);
    let registry = PayerRegistry::from_settings(settings);
    let mut adapters: HashMap<String, Arc<dyn PayerAdapter>> = HashMap::new();
    for payer in &settings.payers {
        let adapter = transport(payer, &metrics)?;
        adapters.insert(
            payer.id.clone(),
            Arc::new(Metered::new(SharedAdapter(adapter), Arc::clone(&metrics))),
        );
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
    Ok(Router::from_parts(registry, adapters, cache, CacheKeyer::new(key)).with_observer(observer))
}

/// The transport of one payer, wrapped.
fn transport(payer: &PayerConfig, metrics: &Arc<Metrics>) -> anyhow::Result<Arc<dyn PayerAdapter>> {
    Ok(match &payer.transport {
        TransportConfig::Sandbox(config) => wrap(
            payer_sandbox::SandboxAdapter::new(payer.id.clone(), config.clone()),
            payer,
            metrics,
        ),
    })
}

/// Every payer call passes these wrappers, outermost first. Rate limiting, the circuit breaker, retries and
/// metrics join here as their issues land; the order is documented in [`crate::layers`].
fn wrap<A: PayerAdapter>(
    transport: A,
    payer: &PayerConfig,
    metrics: &Arc<Metrics>,
) -> Arc<dyn PayerAdapter> {
    Arc::new(Timed::new(transport, payer.timeout).with_metrics(Arc::clone(metrics)))
}
