//! [`authenticate`]: the middleware that asks for an API key and charges the client's quota, before any
//! other work (the body is not even read for a refused request).
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, ResponseError};

use super::{AuthError, Client};
use crate::error::ApiError;
use crate::metrics::events::{Refusal, RequestRefused};
use crate::startup::AppState;

/// Paths served without a key: liveness, readiness (load balancers and orchestrators probe them) and the API
/// description (it holds no data).
pub const OPEN_PATHS: &[&str] = &["/healthz", "/readyz", "/openapi.json"];

/// Middleware (`actix_web::middleware::from_fn`): identifies the client by its key (401 without a valid one),
/// charges its quota on check routes (429 over it), and puts the [`Client`] in the request's extensions for
/// the handlers, the audit trail and the logs.
pub async fn authenticate(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some(state) = request.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(request)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    if OPEN_PATHS.contains(&request.path()) {
        request.extensions_mut().insert(Client::anonymous());
        return next
            .call(request)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let route = request
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let identified = state.keys.identify(request.headers()).and_then(|client| {
        if is_check(&request) {
            state.keys.charge(&client)?;
        }
        Ok(client)
    });
    match identified {
        Ok(client) => {
            request.extensions_mut().insert(client);
            next.call(request)
                .await
                .map(ServiceResponse::map_into_left_body)
        }
        Err(error) => {
            let (api_error, refusal, key_id) = match &error {
                AuthError::Unauthorized => (ApiError::Unauthorized, Refusal::Unauthorized, None),
                AuthError::QuotaExceeded {
                    client,
                    retry_after,
                } => (
                    ApiError::QuotaExceeded {
                        retry_after: *retry_after,
                    },
                    Refusal::Quota,
                    Some(client.key_id()),
                ),
            };
            RequestRefused {
                refusal,
                key_id,
                route: &route,
            }
            .emit(&state.metrics);
            let response = api_error.error_response();
            Ok(request.into_response(response).map_into_right_body())
        }
    }
}

/// Whether the request runs checks (and so counts against the client's quota).
fn is_check(request: &ServiceRequest) -> bool {
    let path = request.path();
    request.method() == Method::POST
        && (path == "/v1/eligibility"
            || path.starts_with("/v1/eligibility/")
            || path == "/change/medicalnetwork/eligibility/v3")
}
