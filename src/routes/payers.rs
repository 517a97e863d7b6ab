//! `GET /v1/payers` (`?q=` searches names and aliases) and `GET /v1/payers/{id}` (an id or an alias).
//!
//! Each payer is shown with its configuration (no secrets), its resilience settings and its circuit
//! breaker's state now (`circuit`: `closed`, `open` or `half-open`; absent when the payer has no breaker).
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::config::{HedgeDelay, Resilience};
use crate::error::{ApiError, ErrorBody};
use crate::layers::CircuitState;
use crate::registry::{PayerEntry, PayerView};
use crate::router::Router;
use crate::startup::AppState;

/// Query parameters of the payer list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PayersQuery {
    /// Searches ids, names and aliases (case-insensitive); absent or empty lists every payer.
    pub q: Option<String>,
}

/// The payer list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayerList {
    /// The payers, by id (or best match first when searching).
    pub payers: Vec<PayerDetail>,
}

/// A payer as the API shows it: its registry view, its resilience settings and its breaker's state.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PayerDetail {
    /// Identity, transport, limits.
    #[serde(flatten)]
    pub payer: PayerView,
    /// Its circuit breaker's state now; absent when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub circuit: Option<CircuitState>,
    /// Retries, hedging and the circuit breaker, as configured.
    pub resilience: ResilienceView,
}

/// A payer's `[retry]`, `[hedge]` and `[circuit_breaker]`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResilienceView {
    /// Attempts per payer call, the first included.
    pub max_attempts: u32,
    /// Backoff ceiling before the first retry, in milliseconds (doubling, capped, full jitter).
    pub initial_backoff_ms: u64,
    /// Cap of the backoff ceiling, in milliseconds.
    pub max_backoff_ms: u64,
    /// When a slow call is hedged: milliseconds, `"p95"`, or absent (hedging off).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub hedge_delay: Option<serde_json::Value>,
    /// The breaker's thresholds; absent when the payer has no breaker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub circuit_breaker: Option<BreakerView>,
}

/// A payer's `[circuit_breaker]`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BreakerView {
    /// Consecutive failures that open it (0: rule off).
    pub failure_threshold: u32,
    /// Failure share over the window that opens it.
    pub failure_rate: f64,
    /// The window, in seconds.
    pub window_s: u64,
    /// Calls the window needs for the rate rule.
    pub min_calls: u32,
    /// How long it stays open, in seconds.
    pub open_s: u64,
    /// Probes let through when half-open.
    pub half_open_probes: u32,
}

/// Lists the payers of the registry, or those matching `q`.
#[utoipa::path(
    get,
    path = "/v1/payers",
    tag = "payers",
    params(PayersQuery),
    responses(
        (status = 200, description = "The payers.", body = PayerList),
        (status = 400, description = "Invalid query string.", body = ErrorBody),
    )
)]
pub async fn list(
    query: web::Query<PayersQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let registry = state.router.registry();
    let payers = match query.q.as_deref().map(str::trim) {
        Some(search) if !search.is_empty() => registry
            .search(search)
            .into_iter()
            .map(|entry| detail(entry, &state.router))
            .collect(),
        _ => registry
            .list()
            .iter()
            .map(|entry| detail(entry, &state.router))
            .collect(),
    };
    Ok(HttpResponse::Ok().json(PayerList { payers }))
}

/// One payer, by id or alias.
#[utoipa::path(
    get,
    path = "/v1/payers/{id}",
    tag = "payers",
    params(("id" = String, Path, description = "A payer id or alias.")),
    responses(
        (status = 200, description = "The payer.", body = PayerDetail),
        (status = 404, description = "No payer has this id or alias; the message lists close matches.", body = ErrorBody),
    )
)]
pub async fn get(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let requested = path.into_inner();
    match state.router.registry().resolve(&requested) {
        Ok(entry) => Ok(HttpResponse::Ok().json(detail(entry, &state.router))),
        Err(unknown) => Err(ApiError::UnknownPayer {
            field: "id",
            requested: unknown.requested,
            close_matches: unknown.close_matches,
        }),
    }
}

/// The API's view of a registry entry, with the state of its breaker now.
pub fn detail(entry: &PayerEntry, router: &Router) -> PayerDetail {
    let payer = entry.view();
    PayerDetail {
        circuit: router.circuit_state(&payer.id),
        resilience: resilience_view(&entry.config.resilience),
        payer,
    }
}

fn resilience_view(resilience: &Resilience) -> ResilienceView {
    let millis = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    ResilienceView {
        max_attempts: resilience.retry.max_attempts.get(),
        initial_backoff_ms: millis(resilience.retry.initial_backoff),
        max_backoff_ms: millis(resilience.retry.max_backoff),
        hedge_delay: resilience.hedge.map(|delay| match delay {
            HedgeDelay::Fixed(delay) => serde_json::Value::from(millis(delay)),
            HedgeDelay::P95 => serde_json::Value::from("p95"),
        }),
        circuit_breaker: resilience.circuit_breaker.map(|policy| BreakerView {
            failure_threshold: policy.failure_threshold,
            failure_rate: policy.failure_rate,
            window_s: policy.window.as_secs(),
            min_calls: policy.min_calls,
            open_s: policy.open_for.as_secs(),
            half_open_probes: policy.half_open_probes.get(),
        }),
    }
}
