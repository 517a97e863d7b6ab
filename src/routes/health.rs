//! `GET /healthz` (the process answers) and `GET /readyz` (each dependency's state).
use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::startup::AppState;

/// The liveness answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the process answers.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The readiness answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready` when checks can be answered, `degraded` when they are but a dependency (Redis) is down (still
    /// 200: the instance should keep its traffic), else `not-ready`.
    #[schema(example = "ready")]
    pub status: &'static str,
    /// Each dependency.
    pub checks: ReadinessChecks,
}

/// The state of each dependency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReadinessChecks {
    /// The answer cache.
    pub cache: CacheReadiness,
    /// The payers.
    pub payers: PayersReadiness,
    /// The shared Redis (cache, single-flight, fleet rate limits).
    pub redis: RedisReadiness,
}

/// The shared Redis's state. While it is `degraded` checks are still answered: without the shared cache,
/// with per-instance single-flight and this instance's share of each payer's rate limit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RedisReadiness {
    /// `up`, `degraded` (configured but not answering; the gateway reconnects by itself) or `disabled`.
    #[schema(example = "up")]
    pub status: &'static str,
    /// `standalone` or `cluster`; absent when disabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "standalone")]
    pub mode: Option<&'static str>,
}

/// The answer cache's state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CacheReadiness {
    /// `up`, `degraded` (Redis unreachable: every lookup misses), or `disabled` for `cache.kind = "none"`.
    #[schema(example = "up")]
    pub status: &'static str,
    /// `memory`, `redis` or `none`.
    #[schema(example = "memory")]
    pub kind: &'static str,
}

/// The payers' state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayersReadiness {
    /// `up` when at least one payer is configured and no payer's circuit is open, `degraded` when some
    /// circuits are open or half-open (their checks get 503 or a stale answer; the instance stays ready: the
    /// payer is down for every instance alike), else `down`.
    #[schema(example = "up")]
    pub status: &'static str,
    /// How many payers the registry holds.
    pub count: usize,
    /// Each payer's circuit breaker: `closed`, `open` or `half-open` (payers without a breaker are absent).
    pub circuits: std::collections::BTreeMap<String, crate::layers::CircuitState>,
}

/// Liveness: the process is up and answering.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    responses((status = 200, description = "The process answers.", body = Health))
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness: whether checks can be answered, with each dependency's state.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses(
        (status = 200, description = "Ready.", body = Readiness),
        (status = 503, description = "Not ready (for example no payer configured).", body = Readiness),
    )
)]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let kind = state.router.cache_kind();
    let cache = CacheReadiness {
        status: match kind {
            "none" => "disabled",
            _ if !state.router.cache_healthy() => "degraded",
            _ => "up",
        },
        kind,
    };
    let count = state.router.registry().list().len();
    let circuits = state.router.circuit_states();
    let tripped = circuits
        .values()
        .any(|circuit| *circuit != crate::layers::CircuitState::Closed);
    let payers = PayersReadiness {
        status: match (count > 0, tripped) {
            (false, _) => "down",
            (true, true) => "degraded",
            (true, false) => "up",
        },
        count,
        circuits,
    };
    let redis = match state.router.redis() {
        Some(redis) => RedisReadiness {
            status: if redis.is_healthy() { "up" } else { "degraded" },
            mode: Some(redis.mode()),
        },
        None => RedisReadiness {
            status: "disabled",
            mode: None,
        },
    };
    let ready = count > 0;
    let status = match (ready, redis.status) {
        (false, _) => "not-ready",
        (true, "degraded") => "degraded",
        (true, _) => "ready",
    };
    let body = Readiness {
        status,
        checks: ReadinessChecks {
            cache,
            payers,
            redis,
        },
    };
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
