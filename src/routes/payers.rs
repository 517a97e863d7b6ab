//! `GET /v1/payers` (`?q=` searches names and aliases) and `GET /v1/payers/{id}` (an id or an alias).
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ErrorBody};
use crate::registry::PayerView;
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
    pub payers: Vec<PayerView>,
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
            .map(|entry| entry.view())
            .collect(),
        _ => registry.list().iter().map(|entry| entry.view()).collect(),
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
        (status = 200, description = "The payer.", body = PayerView),
        (status = 404, description = "No payer has this id or alias; the message lists close matches.", body = ErrorBody),
    )
)]
pub async fn get(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let requested = path.into_inner();
    match state.router.registry().resolve(&requested) {
        Ok(entry) => Ok(HttpResponse::Ok().json(entry.view())),
        Err(unknown) => Err(ApiError::UnknownPayer {
            field: "id",
            requested: unknown.requested,
            close_matches: unknown.close_matches,
        }),
    }
}
