//! The HTTP endpoints, one file each, and [`configure`], which mounts them.
//!
//! - [`eligibility`]: `POST /v1/eligibility` and `POST /change/medicalnetwork/eligibility/v3`.
//! - [`discovery`]: `POST /v1/eligibility/discovery`, one patient at several payers ([`fanout`]).
//! - [`batch`]: `POST /v1/eligibility/batch`, many checks answered as NDJSON lines ([`fanout`]).
//! - [`payers`]: `GET /v1/payers` (`?q=`) and `GET /v1/payers/{id}`.
//! - [`health`]: `GET /healthz` (liveness) and `GET /readyz` (each dependency's state).
//! - [`metrics`]: `GET /metrics`, the Prometheus text format.
//! - [`stored_body`]: the body of a cached answer, written from its stored bytes; [`pieces`], in pieces when
//!   many checks are in flight.
//! - [`openapi`]: `GET /openapi.json`, generated from the handlers' annotations ([`crate::openapi`]).
use actix_web::web;

use crate::error::ApiError;

pub mod batch;
pub mod discovery;
pub mod eligibility;
pub mod fanout;
pub mod health;
pub mod metrics;
pub mod openapi;
pub mod payers;
pub mod pieces;
pub mod stored_body;

/// Mounts every route; unknown paths get 404 and wrong methods 405, both in the API's error shape.
/// `batch_json` is the JSON extractor configuration of the batch route (its own body size limit).
pub fn configure(config: &mut web::ServiceConfig, batch_json: web::JsonConfig) {
    config
        .service(post("/v1/eligibility", web::post().to(eligibility::check)))
        .service(post(
            "/v1/eligibility/discovery",
            web::post().to(discovery::discover),
        ))
        .service(post("/v1/eligibility/batch", web::post().to(batch::batch)).app_data(batch_json))
        .service(post(
            "/change/medicalnetwork/eligibility/v3",
            web::post().to(eligibility::check_v3),
        ))
        .service(get("/v1/payers", web::get().to(payers::list)))
        .service(get("/v1/payers/{id}", web::get().to(payers::get)))
        .service(get("/healthz", web::get().to(health::healthz)))
        .service(get("/readyz", web::get().to(health::readyz)))
        .service(get("/metrics", web::get().to(metrics::metrics)))
        .service(get("/openapi.json", web::get().to(openapi::openapi_json)))
        .default_service(web::to(not_found));
}

fn post(path: &str, route: actix_web::Route) -> actix_web::Resource {
    web::resource(path)
        .route(route)
        .default_service(web::to(|| async {
            Err::<(), _>(ApiError::MethodNotAllowed { allow: "POST" })
        }))
}

fn get(path: &str, route: actix_web::Route) -> actix_web::Resource {
    web::resource(path)
        .route(route)
        .default_service(web::to(|| async {
            Err::<(), _>(ApiError::MethodNotAllowed { allow: "GET" })
        }))
}

async fn not_found() -> Result<(), ApiError> {
    Err(ApiError::NotFound)
}
