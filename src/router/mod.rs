//! The router: from one check to one answer, through the registry, the cache and the payer's adapter.
//!
//! # API (what the HTTP layer calls)
//!
//! ```text
//! let settings = gateway::config::load(operator_file)?;           // Result<ValidatedSettings, ConfigError>
//! let router = gateway::router::Router::build(&settings).await?;  // anyhow::Result<Router>
//! router.registry()                                               // &PayerRegistry: resolve / search / get / list
//! router.check(CheckRequest { inquiry, deadline, include_x12, trace_id }).await
//!     // Ok(CheckAnswer { response, meta })  or  Err(CheckError::{UnknownPayer, ServiceTypeNotSupported,
//!     //                                                           DeadlineExceeded, Payer(AdapterError)})
//! ```
//!
//! # Steps of [`Router::check`]
//!
//! 1. Resolve the payer id or alias ([`CheckError::UnknownPayer`] with close matches), and put the resolved id
//!    into the inquiry. No service type and no procedure means `30` (health benefit plan coverage).
//! 2. Refuse service types the payer does not answer for, when its file lists them.
//! 3. Everything below runs under `tokio::time::timeout_at(deadline)`: when the deadline passes, the whole
//!    future (cache lookup, payer calls) is dropped and the answer is [`CheckError::DeadlineExceeded`].
//! 4. Cache lookup by the HMAC of the normalized inquiry; a fresh hit is answered with `meta.cache.hit = true`,
//!    its age, no payer call, and the current request's control number.
//! 5. On a miss (or a stale entry), join the flight of the same key in progress, or start one
//!    ([`crate::flight`]): with Redis, across instances. The flight's work is steps 5 to 6: split the
//!    service types into chunks of the payer's `max_service_types_per_inquiry`, send the
//!    chunks concurrently, and merge the answers into one ([`merge`]). If any chunk fails, the check fails with
//!    that chunk's error and the other chunks are cancelled: a partial benefit list would read as "not
//!    covered" for the missing service types, which is worse than a clear error.
//! 6. Store the merged answer (raw payload included) for the lifetime its outcome earns ([`crate::cache::ttl_for`]).
//! 7. Strip the raw `x12` unless the client asked for it. If the payer failed on its side and the cache held a
//!    stale entry, that entry answers with `meta.cache.stale = true` ([`answer`]).
use std::collections::HashMap;
use std::sync::Arc;

use payer_core::{AdapterError, EligibilityRequest, ExchangeInfo, PayerAdapter};
use serde::Serialize;
use thiserror::Error;
use tokio::time::Instant;
use utoipa::ToSchema;

use crate::cache::{CacheKeyer, EligibilityCache};
use crate::fleet::Redis;
use crate::flight::Flights;
use crate::registry::{PayerRegistry, UnknownPayer};

mod answer;
pub mod body;
mod build;
mod compose;
pub mod merge;
pub mod observe;

pub use body::{AnswerBody, UnreadableAnswer};
pub use build::{build, build_observed};
pub use observe::Observer;

/// The service type asked about when a check names none: health benefit plan coverage.
pub const DEFAULT_SERVICE_TYPE: &str = "30";

/// Routes checks to payers; cheap to share behind an `Arc` (or `web::Data`).
pub struct Router {
    registry: PayerRegistry,
    /// Payer id → the composed adapter (wrappers around the transport).
    adapters: HashMap<String, Arc<dyn PayerAdapter>>,
    cache: Arc<dyn EligibilityCache>,
    keyer: CacheKeyer,
    /// Where checks are counted and audited; `None` for routers built from parts (tests, benches).
    observer: Option<Observer>,
    /// Identical checks in flight share one payer call.
    flights: Flights,
    /// The Redis the fleet shares, when configured (for readiness).
    redis: Option<Redis>,
    /// Payer id → its circuit breaker (payers with one), for `/readyz` and the registry view.
    circuits: HashMap<String, Arc<crate::layers::Circuit>>,
}

/// One check, as the HTTP layer hands it over.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// The validated inquiry; `payer_id` is what the client sent (an id or an alias).
    pub inquiry: EligibilityRequest,
    /// When the answer must be out; nothing of the check runs past it.
    pub deadline: Instant,
    /// Whether to return the raw payer payload(s) in `response.x12`.
    pub include_x12: bool,
    /// The request's trace id, echoed in `meta`.
    pub trace_id: String,
}

/// One answer.
#[derive(Debug, Clone)]
pub struct CheckAnswer {
    /// The normalized (and, after splitting, merged) answer, decoded or as the cache stored it.
    pub response: AnswerBody,
    /// How it was obtained.
    pub meta: Meta,
}

/// How an answer was obtained: `meta` in the response body.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// The request's trace id, as in the logs.
    pub trace_id: String,
    /// Whether the answer came from cache.
    pub cache: CacheMeta,
    /// Wall time of the payer calls, in milliseconds (concurrent chunks overlap); `null` on a cache hit.
    pub payer_latency_ms: Option<u64>,
    /// Payer calls sent for this check: every attempt (retries and hedged attempts included), summed over
    /// the chunks of a split check; 0 on a cache hit, and for a check that shared another check's call.
    pub attempts: u32,
    /// Control numbers of the 270 whose answer was used, one entry per chunk of service types; empty on a
    /// cache hit.
    pub x12: Vec<ExchangeMeta>,
}

/// `meta.cache`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CacheMeta {
    /// Served from cache.
    pub hit: bool,
    /// Seconds since the payer gave this answer; `null` when it was just asked.
    pub age_seconds: Option<u64>,
    /// Served from cache past its lifetime (up to `cache.stale_max_age_s`) because the payer could not be
    /// asked (unreachable, timed out, saturated, or its answer unusable).
    pub stale: bool,
}

/// The identifiers of one exchange with a payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeMeta {
    /// ISA13 of the 270 sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interchange_control_number: Option<String>,
    /// GS06 of the 270 sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_control_number: Option<String>,
    /// ST02 of the 270 sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_set_control_number: Option<String>,
    /// The CAQH CORE envelope's PayloadID, for the CORE transports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload_id: Option<String>,
}

/// Why a check has no answer. The HTTP layer maps each variant to a status.
#[derive(Debug, Error)]
pub enum CheckError {
    /// No payer has this id or alias (404).
    #[error("unknown payer `{requested}`")]
    UnknownPayer {
        /// What the client sent.
        requested: String,
        /// Ids of payers with a close id or alias, best first.
        close_matches: Vec<String>,
    },
    /// The payer's file lists the service types it answers for, and these are not among them (400).
    #[error("payer `{payer_id}` does not answer for service type(s) {}", unsupported.join(", "))]
    ServiceTypeNotSupported {
        /// The resolved payer id.
        payer_id: String,
        /// The requested codes it does not take.
        unsupported: Vec<String>,
        /// The codes it does take.
        supported: Vec<String>,
    },
    /// The deadline passed before the answer was ready (504). Nothing of the check keeps running.
    #[error("the deadline passed before the payer answered")]
    DeadlineExceeded,
    /// The payer call failed: transport, timeout, undecodable payload, or a 999/TA1 rejection
    /// (`AdapterError::Rejected`).
    #[error(transparent)]
    Payer(AdapterError),
    /// The check was answered, but its audit record could not be queued in time (503): the answer is
    /// withheld rather than given unaudited.
    #[error("the audit trail cannot record the check")]
    AuditUnavailable,
}

// === impl Router ===

impl Router {
    /// Builds the router of a validated configuration; see [`build`].
    pub async fn build(settings: &crate::config::ValidatedSettings) -> anyhow::Result<Router> {
        build::build(settings).await
    }

    /// A router over given parts: [`build`] uses it with the configured transports, and tests and benches
    /// with adapters of their own. `adapters` maps each registry payer id to its (composed) adapter.
    pub fn from_parts(
        registry: PayerRegistry,
        adapters: HashMap<String, Arc<dyn PayerAdapter>>,
        cache: Arc<dyn EligibilityCache>,
        keyer: CacheKeyer,
    ) -> Router {
        Router {
            registry,
            adapters,
            cache,
            keyer,
            observer: None,
            flights: Flights::local(),
            redis: None,
            circuits: HashMap::new(),
        }
    }

    /// Records the payers' circuit breakers (payer id → breaker), so that their state can be shown.
    pub fn with_circuits(
        mut self,
        circuits: HashMap<String, Arc<crate::layers::Circuit>>,
    ) -> Router {
        self.circuits = circuits;
        self
    }

    /// Every payer breaker's state, by payer id.
    pub fn circuit_states(
        &self,
    ) -> std::collections::BTreeMap<String, crate::layers::CircuitState> {
        self.circuits
            .iter()
            .map(|(id, circuit)| (id.clone(), circuit.state()))
            .collect()
    }

    /// The state of payer `payer_id`'s circuit breaker; `None` when it has none.
    pub fn circuit_state(&self, payer_id: &str) -> Option<crate::layers::CircuitState> {
        self.circuits.get(payer_id).map(|circuit| circuit.state())
    }

    /// Replaces the (per-instance) flights with `flights`, and records the shared Redis, if any.
    pub fn with_fleet(mut self, flights: Flights, redis: Option<Redis>) -> Router {
        self.flights = flights;
        self.redis = redis;
        self
    }

    /// The shared Redis, when one is configured.
    pub fn redis(&self) -> Option<&Redis> {
        self.redis.as_ref()
    }

    /// Whether the cache's backing store answers (`false` while Redis is unreachable).
    pub fn cache_healthy(&self) -> bool {
        self.cache.is_healthy()
    }

    /// The cache's failed operations since start ([`EligibilityCache::error_count`]).
    pub fn cache_error_count(&self) -> u64 {
        self.cache.error_count()
    }

    /// The payer registry.
    pub fn registry(&self) -> &PayerRegistry {
        &self.registry
    }

    /// The cache's kind (`memory`, `none`), for readiness.
    pub fn cache_kind(&self) -> &'static str {
        self.cache.kind()
    }

    /// Builds the router of a validated configuration, counting into `observer`'s metrics (which the caller
    /// registered in its registry) and auditing into its trail; see [`build`].
    pub async fn build_observed(
        settings: &crate::config::ValidatedSettings,
        observer: Observer,
    ) -> anyhow::Result<Router> {
        build::build_observed(settings, observer).await
    }

    /// Counts and audits every check from now on ([`observe`]).
    pub fn with_observer(mut self, observer: Observer) -> Router {
        self.observer = Some(observer);
        self
    }

    /// The metrics this router counts into, when it has an observer.
    pub fn metrics(&self) -> Option<&Arc<crate::metrics::Metrics>> {
        self.observer.as_ref().map(|observer| &observer.metrics)
    }

    /// Answers one check for an anonymous client; see [`Router::check_as`].
    pub async fn check(&self, request: CheckRequest) -> Result<CheckAnswer, CheckError> {
        self.check_as(&crate::auth::Client::anonymous(), request)
            .await
    }

    /// Answers one check for `client` (the audit trail's "who"); counts and audits it whatever its outcome.
    pub async fn check_as(
        &self,
        client: &crate::auth::Client,
        request: CheckRequest,
    ) -> Result<CheckAnswer, CheckError> {
        let Some(observer) = &self.observer else {
            return self.route_check(request).await;
        };
        let observation = observe::Observation::start(self, observer, client, &request);
        let result = self.route_check(request).await;
        observation.finish(result).await
    }

    /// Answers one check; see the module docs for the steps.
    async fn route_check(&self, request: CheckRequest) -> Result<CheckAnswer, CheckError> {
        let CheckRequest {
            mut inquiry,
            deadline,
            include_x12,
            trace_id,
        } = request;
        let entry = self.registry.resolve(&inquiry.payer_id)?;
        let payer = &entry.config;
        inquiry.payer_id = payer.id.clone();
        normalize_service_types(&mut inquiry);
        check_supported(&inquiry, &payer.id, &payer.service_types)?;
        let Some(adapter) = self.adapters.get(&payer.id) else {
            return Err(CheckError::Payer(AdapterError::Internal(format!(
                "no adapter is configured for payer `{}`",
                payer.id
            ))));
        };
        let work = self.answer(answer::Ask {
            inquiry,
            adapter,
            payer,
            include_x12,
            trace_id,
            deadline,
        });
        let result = tokio::time::timeout_at(deadline, work).await;
        let outcome = match &result {
            Ok(Ok(answer)) if answer.meta.cache.hit => "cache-hit",
            Ok(Ok(_)) => "answered",
            Ok(Err(_)) => "payer-error",
            Err(_) => "deadline-exceeded",
        };
        tracing::debug!(payer = %payer.id, outcome, "check routed");
        result.unwrap_or(Err(CheckError::DeadlineExceeded))
    }
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("payers", &self.registry.list().len())
            .field("cache", &self.cache.kind())
            .finish()
    }
}

/// Uppercases and deduplicates service types (keeping the client's order), and asks for `30` when the check
/// names neither a service type nor a procedure.
fn normalize_service_types(inquiry: &mut EligibilityRequest) {
    let encounter = &mut inquiry.encounter;
    let mut seen: Vec<String> = Vec::with_capacity(encounter.service_type_codes.len());
    for code in &encounter.service_type_codes {
        let code = code.trim().to_ascii_uppercase();
        if !code.is_empty() && !seen.contains(&code) {
            seen.push(code);
        }
    }
    if seen.is_empty() && encounter.procedure_code.is_none() {
        seen.push(DEFAULT_SERVICE_TYPE.to_owned());
    }
    encounter.service_type_codes = seen;
}

fn check_supported(
    inquiry: &EligibilityRequest,
    payer_id: &str,
    supported: &[String],
) -> Result<(), CheckError> {
    if supported.is_empty() {
        return Ok(());
    }
    let unsupported: Vec<String> = inquiry
        .encounter
        .service_type_codes
        .iter()
        .filter(|code| !supported.contains(code))
        .cloned()
        .collect();
    if unsupported.is_empty() {
        return Ok(());
    }
    Err(CheckError::ServiceTypeNotSupported {
        payer_id: payer_id.to_owned(),
        unsupported,
        supported: supported.to_vec(),
    })
}

// === impl CheckError ===

impl From<UnknownPayer> for CheckError {
    fn from(error: UnknownPayer) -> Self {
        CheckError::UnknownPayer {
            requested: error.requested,
            close_matches: error.close_matches,
        }
    }
}

// === impl ExchangeMeta ===

impl From<&ExchangeInfo> for ExchangeMeta {
    fn from(exchange: &ExchangeInfo) -> Self {
        ExchangeMeta {
            interchange_control_number: exchange.interchange_control_number.clone(),
            group_control_number: exchange.group_control_number.clone(),
            transaction_set_control_number: exchange.transaction_set_control_number.clone(),
            payload_id: exchange.payload_id.clone(),
        }
    }
}

#[cfg(test)]
mod sandbox_tests;
#[cfg(test)]
mod test_adapter;
#[cfg(test)]
mod tests;
