//! `GET /metrics`: every series in the Prometheus text format ([`crate::metrics`]). With API keys configured it
//! needs a key like any other data route ([`crate::auth`]).
use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::error::ApiError;
use crate::startup::AppState;

/// The gateway's metrics.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "health",
    responses(
        (status = 200, description = "Prometheus text format (version 0.0.4).", content_type = "text/plain", body = String),
        (status = 401, description = "API keys are configured and none (or a wrong one) was sent.", body = crate::error::ErrorBody),
    )
)]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .metrics
        .catch_up(state.router.redis(), state.router.cache_error_count());
    let (text, content_type) = crate::metrics::render(&state.registry).map_err(|error| {
        ApiError::Unexpected(anyhow::anyhow!("could not render the metrics: {error}"))
    })?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .body(text))
}
