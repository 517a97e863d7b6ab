//! `GET /openapi.json`: the OpenAPI 3.1 description of the API, generated from the handlers ([`crate::openapi`]).
use std::sync::OnceLock;

use actix_web::http::header::ContentType;
use actix_web::HttpResponse;

use crate::error::ApiError;

/// The OpenAPI document of every route, body and error.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document.", content_type = "application/json", body = Object))
)]
pub async fn openapi_json() -> Result<HttpResponse, ApiError> {
    static DOCUMENT: OnceLock<Result<String, String>> = OnceLock::new();
    let document = DOCUMENT.get_or_init(|| {
        crate::openapi::document()
            .to_json()
            .map_err(|error| error.to_string())
    });
    match document {
        Ok(json) => Ok(HttpResponse::Ok()
            .content_type(ContentType::json())
            .body(json.clone())),
        Err(error) => Err(ApiError::Unexpected(anyhow::anyhow!(
            "could not serialize the OpenAPI document: {error}"
        ))),
    }
}
