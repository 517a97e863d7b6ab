//! [`build`]: the one place where transports, wrappers, the cache and the registry are composed.
use std::collections::HashMap;
use std::sync::Arc;

use payer_core::PayerAdapter;

use super::Observer;
use super::{compose, Router};
use crate::cache::CacheKeyer;
use crate::config::transport::transport_problem_at;
use crate::config::{HmacKey, PayerConfig, TransportConfig, ValidatedSettings};
use crate::fleet::FleetParts;
use crate::layers::attempts::Counted;
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
    // The cache, single-flight and the payers' limiters; with Redis, shared by the fleet.
    let fleet = FleetParts::from_settings(settings)?;
    let mut adapters: HashMap<String, Arc<dyn PayerAdapter>> = HashMap::new();
    let mut circuits = HashMap::new();
    // Every payer whose transport cannot be built is reported, not only the first: an operator fixing a
    // fleet's secrets sees them all in one start.
    let mut problems = Vec::new();
    for payer in &settings.payers {
        let transport = match transport(payer, &metrics) {
            Ok(transport) => transport,
            Err(problem) => {
                problems.push(problem.to_string());
                continue;
            }
        };
        // The whole stack and the reasons for its order: [`super::compose`]. Every attempt (retries and
        // hedges included) passes the breaker and the payer's rate and concurrency limits.
        let lane = compose::lane(payer, settings.batch.per_payer_concurrency);
        let limited = fleet.limit_in_lane(transport, payer, Arc::clone(&lane));
        let resilient = compose::resilient(limited, payer, lane, &metrics);
        if let Some(circuit) = resilient.circuit {
            circuits.insert(payer.id.clone(), circuit);
        }
        adapters.insert(
            payer.id.clone(),
            Arc::new(Metered::new(
                SharedAdapter(resilient.adapter),
                Arc::clone(&metrics),
            )),
        );
    }
    if !problems.is_empty() {
        anyhow::bail!("{}", problems.join("\n"));
    }
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
    Ok(
        Router::from_parts(registry, adapters, fleet.cache, CacheKeyer::new(key))
            .with_observer(observer)
            .with_circuits(circuits)
            .with_fleet(fleet.flights, fleet.redis),
    )
}

/// The transport of one payer, wrapped. A transport that cannot be built (a secret's environment variable
/// unset, a mutual TLS file unreadable) fails startup with `FILE: KEY: problem`.
fn transport(payer: &PayerConfig, metrics: &Arc<Metrics>) -> anyhow::Result<Arc<dyn PayerAdapter>> {
    use payer_core_connectivity::{CoreAdapter, CoreEnvelope};
    use payer_http::{ChcJsonAdapter, X12HttpAdapter};

    let failed = |error: payer_transport::ConfigError, secret_key: &str| {
        let (key, message) = transport_problem_at(error, secret_key);
        anyhow::anyhow!("{}: {key}: {message}", payer.origin)
    };
    let id = payer.id.clone();
    Ok(match &payer.transport {
        TransportConfig::Sandbox(config) => wrap(
            payer_sandbox::SandboxAdapter::new(payer.id.clone(), config.clone()),
            payer,
            metrics,
        ),
        TransportConfig::CoreSoap(config) => wrap(
            CoreAdapter::new(id, config, CoreEnvelope::Soap)
                .map_err(|e| failed(e, "password_env"))?
                .with_payer_name(x12_payer_name(payer)?),
            payer,
            metrics,
        ),
        TransportConfig::CoreMime(config) => wrap(
            CoreAdapter::new(id, config, CoreEnvelope::Mime)
                .map_err(|e| failed(e, "password_env"))?
                .with_payer_name(x12_payer_name(payer)?),
            payer,
            metrics,
        ),
        TransportConfig::X12Http(config) => wrap(
            X12HttpAdapter::new(id, config)
                .map_err(|e| failed(e, "password_env"))?
                .with_payer_name(x12_payer_name(payer)?),
            payer,
            metrics,
        ),
        TransportConfig::ChcJson(config) => wrap(
            ChcJsonAdapter::new(id, config).map_err(|e| failed(e, "client_secret_env"))?,
            payer,
            metrics,
        ),
    })
}

/// The payer's display name as the 270's 2100A NM103: refused at startup (naming `name`) when it holds a
/// character that X12 uses as a delimiter, since every inquiry to the payer would fail on it.
fn x12_payer_name(payer: &PayerConfig) -> anyhow::Result<String> {
    let name = payer.name.trim();
    if name.chars().count() > 60
        || name
            .chars()
            .any(|c| matches!(c, '*' | '~' | '^' | ':' | '|' | '>') || c.is_control())
    {
        anyhow::bail!(
            "{}: name: must be at most 60 characters without X12 delimiters (* ~ ^ : | >) for an X12 \
             transport: it is the payer name of every 270 (2100A NM103)",
            payer.origin
        );
    }
    Ok(name.to_owned())
}

/// Every payer call passes these wrappers, outermost first. Rate limiting, the circuit breaker, retries and
/// metrics join here as their issues land; the order is documented in [`crate::layers`].
fn wrap<A: PayerAdapter>(
    transport: A,
    payer: &PayerConfig,
    metrics: &Arc<Metrics>,
) -> Arc<dyn PayerAdapter> {
    // `Counted` right above the per-call timeout, below every gate: `meta.attempts` counts calls sent.
    Arc::new(Counted::new(
        Timed::new(transport, payer.timeout).with_metrics(Arc::clone(metrics)),
    ))
}
