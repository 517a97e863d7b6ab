//! Hardening against hostile or careless clients, as middleware around every route:
//!
//! - [`guard_requests`]: the request line and headers above `server.max_header_bytes` get 431; a JSON body to
//!   a check route is read up to `server.max_body_bytes` (413 past it) and refused with 400 when it nests
//!   deeper than `server.max_json_depth` ([`json_depth_exceeds`]), before anything deserializes it.
//! - [`security_headers`]: every response gets `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`,
//!   `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'`, `Referrer-Policy: no-referrer`,
//!   and `Cache-Control: no-store` (answers hold member data: no browser or proxy may keep them); with TLS,
//!   `Strict-Transport-Security`.
//!
//! Connection limits (count, slow request heads, keep-alive) are the HTTP server's, set in
//! [`crate::startup`]. Error bodies never carry internal details ([`crate::error`]).
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, ResponseError};
use futures::StreamExt;

use crate::error::ApiError;
use crate::startup::AppState;

/// `Strict-Transport-Security` sent over TLS: one year, subdomains included.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Whether `bytes` (JSON) nests arrays and objects deeper than `max`. Brackets inside strings do not count;
/// the scan is linear and allocates nothing, so it is safe on any input.
pub fn json_depth_exceeds(bytes: &[u8], max: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Middleware: header size limit, and body size and JSON depth limits on single-check routes.
pub async fn guard_requests(
    mut request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some(state) = request.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(request)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let limits = state.hardening;
    let head_bytes = request.uri().to_string().len()
        + request
            .headers()
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 4)
            .sum::<usize>();
    if head_bytes > limits.max_header_bytes {
        let error = ApiError::HeadersTooLarge {
            limit: limits.max_header_bytes,
        };
        return Ok(refuse(request, error));
    }
    if request.method() == Method::POST && is_single_check(request.path()) {
        let mut payload = request.take_payload();
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(_) => {
                    let error = ApiError::BadRequest {
                        code: "invalid_json",
                        message: "the body could not be read".to_owned(),
                        fields: Vec::new(),
                    };
                    return Ok(refuse(request, error));
                }
            };
            if body.len() + chunk.len() > state.limits.max_body_bytes {
                let error = ApiError::PayloadTooLarge {
                    limit: state.limits.max_body_bytes,
                };
                return Ok(refuse(request, error));
            }
            body.extend_from_slice(&chunk);
        }
        if json_depth_exceeds(&body, limits.max_json_depth) {
            let error = ApiError::BadRequest {
                code: "invalid_json",
                message: format!(
                    "the body nests arrays and objects deeper than {} levels",
                    limits.max_json_depth
                ),
                fields: Vec::new(),
            };
            return Ok(refuse(request, error));
        }
        request.set_payload(Payload::from(body.freeze()));
    }
    next.call(request)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Middleware: the security headers of every response (see the module docs).
pub async fn security_headers(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let tls = request
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.hardening.tls);
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 5] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        ),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if tls {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    Ok(response)
}

/// The routes whose body is one inquiry (the batch route has its own, larger, limits).
fn is_single_check(path: &str) -> bool {
    matches!(
        path,
        "/v1/eligibility" | "/v1/eligibility/discovery" | "/change/medicalnetwork/eligibility/v3"
    )
}

fn refuse<B>(request: ServiceRequest, error: ApiError) -> ServiceResponse<EitherBody<B>> {
    let response = error.error_response();
    request.into_response(response).map_into_right_body()
}

#[cfg(test)]
mod tests {
    use super::json_depth_exceeds;

    #[test]
    fn depth_counts_nesting_outside_strings_only() {
        assert!(!json_depth_exceeds(br#"{"a": [1, {"b": 2}]}"#, 3));
        assert!(json_depth_exceeds(br#"{"a": [1, {"b": 2}]}"#, 2));
        assert!(!json_depth_exceeds(br#"{"a": "[[[[[[{{{{"}"#, 1));
        assert!(!json_depth_exceeds(br#"{"a": "\"[[[["}"#, 1));
        let deep = "[".repeat(33) + &"]".repeat(33);
        assert!(json_depth_exceeds(deep.as_bytes(), 32));
        assert!(!json_depth_exceeds(deep.as_bytes(), 33));
        assert!(!json_depth_exceeds(b"]]]]}}}", 1));
    }
}
