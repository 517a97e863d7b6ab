//! [`ApiError`]: the one place where failures become HTTP statuses and JSON error bodies.
//!
//! Every handler returns `Result<_, ApiError>`, and the body extractors' errors (too large, wrong content
//! type, not JSON) are turned into `ApiError`s by their `error_handler`s, so every error a client sees has
//! DESIGN.md's shape:
//!
//! ```json
//! {"error": {"code": "invalid_request", "message": "...", "fields": [{"path": "subscriber.dateOfBirth", "message": "..."}]}}
//! ```
//!
//! | status | code | when |
//! | --- | --- | --- |
//! | 400 | `invalid_request`, `invalid_json`, `invalid_header`, `invalid_query` | the client's input |
//! | 401 | `unauthorized` | no API key, or a wrong one (`WWW-Authenticate: Bearer`) |
//! | 404 | `unknown_payer`, `not_found` | no such payer (with close matches) or route |
//! | 405 | `method_not_allowed` | wrong method on a known path |
//! | 413 | `payload_too_large` | body above `server.max_body_bytes` (`batch.max_body_bytes` for a batch) |
//! | 413 | `too_many_items` | a batch with more than `batch.max_checks` checks (field `checks`) |
//! | 415 | `unsupported_media_type` | body not `application/json` |
//! | 429 | `quota_exceeded` | the client's quota is used up (`Retry-After`) |
//! | 431 | `headers_too_large` | request line and headers above `server.max_header_bytes` |
//! | 422 | `payer_rejected` | the payer refused the inquiry (AAA in the 271, 999 or TA1) |
//! | 503 | `payer_unavailable` | the payer's 271 says it cannot answer now (only retryable AAA, such as 42) |
//! | 500 | `internal_error` | the gateway's own fault (details only in the log) |
//! | 502 | `payer_bad_response` | the payer answered with something unusable |
//! | 503 | `payer_unavailable` | the payer cannot be reached now, or its rate/concurrency limit admits no call before the deadline (`Retry-After`) |
//! | 503 | `payer_unavailable` | the payer's circuit breaker is open after repeated failures (`Retry-After`: when it probes again) |
//! | 504 | `deadline_exceeded` | the request's deadline passed |
//! | 503 | `audit_unavailable` | the audit trail cannot take the check's record; the answer is withheld |
//!
//! Bodies never hold internal details or member data; `Debug` prints the whole cause chain for the log.
use std::fmt;
use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use payer_core::{AdapterError, FaultSide, PayerErrorInfo};

use crate::domain::FieldError;
use crate::router::CheckError;
use crate::routes::eligibility::CheckBody;

mod body;
mod extractors;

pub use body::{ErrorBody, ErrorDetail, RejectedAnswerBody};
pub use extractors::{json_error_handler, path_error_handler, query_error_handler};

/// How long a client is asked to wait before retrying a payer that cannot be reached, when nothing better
/// is known.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(5);

/// An error answered to an API client.
pub enum ApiError {
    /// The request failed validation; every offending field is listed.
    InvalidRequest(Vec<FieldError>),
    /// The request is unusable before validation: body not JSON, bad header or query.
    BadRequest {
        /// `invalid_json`, `invalid_header`, `invalid_query`.
        code: &'static str,
        /// What is wrong, without the value sent.
        message: String,
        /// The field (header, query parameter), when one is to blame.
        fields: Vec<FieldError>,
    },
    /// No payer has this id or alias.
    UnknownPayer {
        /// The request field that named it (`tradingPartnerServiceId`, or `id` in a path).
        field: &'static str,
        /// The id or alias as sent (payer ids are not member data).
        requested: String,
        /// Registry ids and aliases that look alike, best first.
        close_matches: Vec<String>,
    },
    /// No route at this path.
    NotFound,
    /// A known path with the wrong method.
    MethodNotAllowed {
        /// The methods the path takes (`Allow` header).
        allow: &'static str,
    },
    /// The body is larger than the configured limit.
    PayloadTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A list in the body is longer than the configured limit (a batch's `checks`).
    TooManyItems {
        /// The list's JSON path.
        field: &'static str,
        /// The most items taken.
        limit: usize,
    },
    /// The body is not `application/json`.
    UnsupportedMediaType,
    /// No API key, or one that matches no configured key.
    Unauthorized,
    /// The client's quota is used up.
    QuotaExceeded {
        /// When a request will be admitted again.
        retry_after: Duration,
    },
    /// The request line and headers are larger than the configured limit.
    HeadersTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The audit trail could not take the check's record in time: the answer is not given unaudited.
    AuditUnavailable,
    /// The payer answered, rejecting the inquiry with AAA segments: the whole answer goes back, as 422, or
    /// as 503 with `Retry-After` when every rejection is retryable (AAA 42 "unable to respond at current
    /// time": the payer is unavailable, not the inquiry wrong).
    PayerRejectedAnswer {
        /// The whole answer.
        answer: Box<CheckBody>,
        /// Whether every rejection is retryable.
        retryable: bool,
    },
    /// The payer refused the interchange (999 or TA1) or the transport reported a rejection.
    PayerRejected {
        /// The normalized rejections.
        errors: Vec<PayerErrorInfo>,
    },
    /// The payer answered with something unusable.
    PayerBadResponse {
        /// What failed, naming segments and positions, never content.
        detail: String,
        /// The raw payload, only when the client asked for the X12.
        raw: Option<String>,
    },
    /// The payer cannot be reached now.
    PayerUnavailable {
        /// What failed, without member data.
        message: String,
        /// When to try again.
        retry_after: Duration,
    },
    /// The request's deadline passed (or the payer's own timeout did) before an answer.
    DeadlineExceeded,
    /// Anything else: the gateway's own fault. Logged in full, answered as 500 without details.
    Unexpected(anyhow::Error),
}

// === impl ApiError ===

impl ApiError {
    /// Classifies an adapter error; `include_x12` says whether the client may see the raw payload.
    pub fn from_adapter(error: AdapterError, include_x12: bool) -> ApiError {
        match error {
            AdapterError::InvalidRequest { field, message } => {
                ApiError::InvalidRequest(vec![FieldError::new(field, message)])
            }
            AdapterError::Rejected { errors } => ApiError::PayerRejected { errors },
            AdapterError::Malformed { detail, raw } => ApiError::PayerBadResponse {
                detail,
                raw: raw.filter(|_| include_x12),
            },
            AdapterError::Timeout(_) => ApiError::DeadlineExceeded,
            AdapterError::Saturated { retry_after } => ApiError::PayerUnavailable {
                message: "the payer's rate or concurrency limit admits no call before the deadline"
                    .to_owned(),
                retry_after,
            },
            AdapterError::CircuitOpen { retry_after } => ApiError::PayerUnavailable {
                message: "its recent calls failed, so the gateway is not calling it until a probe \
                          succeeds (circuit open)"
                    .to_owned(),
                retry_after,
            },
            error if error.side() == FaultSide::Payer && error.is_retryable() => {
                ApiError::PayerUnavailable {
                    message: error.to_string(),
                    retry_after: DEFAULT_RETRY_AFTER,
                }
            }
            error if error.side() == FaultSide::Payer => ApiError::PayerBadResponse {
                detail: error.to_string(),
                raw: None,
            },
            error => ApiError::Unexpected(anyhow::Error::new(error)),
        }
    }

    /// Classifies a router error; `include_x12` says whether the client may see a raw payload.
    pub fn from_check(error: CheckError, include_x12: bool) -> ApiError {
        match error {
            CheckError::UnknownPayer {
                requested,
                close_matches,
            } => ApiError::UnknownPayer {
                field: "tradingPartnerServiceId",
                requested,
                close_matches,
            },
            CheckError::ServiceTypeNotSupported {
                payer_id,
                unsupported,
                supported,
            } => ApiError::InvalidRequest(vec![FieldError::new(
                "encounter.serviceTypeCodes",
                format!(
                    "payer {payer_id} does not answer for service type(s) {}; it answers for {}",
                    unsupported.join(", "),
                    supported.join(", ")
                ),
            )]),
            CheckError::DeadlineExceeded => ApiError::DeadlineExceeded,
            CheckError::Payer(error) => ApiError::from_adapter(error, include_x12),
            CheckError::AuditUnavailable => ApiError::AuditUnavailable,
        }
    }

    /// Whether a payer's answer is an error for the client: a 271 whose coverage is `rejected` is answered
    /// with 422 and the whole body; anything else is a 200.
    pub fn check_answer(body: CheckBody) -> Result<CheckBody, ApiError> {
        if body.response.coverage.status == payer_core::CoverageStatus::Rejected {
            let retryable = body.response.all_rejections_retryable();
            Err(ApiError::PayerRejectedAnswer {
                answer: Box::new(body),
                retryable,
            })
        } else {
            Ok(body)
        }
    }

    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidRequest(_) => "invalid_request",
            ApiError::BadRequest { code, .. } => code,
            ApiError::UnknownPayer { .. } => "unknown_payer",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::TooManyItems { .. } => "too_many_items",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::Unauthorized => "unauthorized",
            ApiError::QuotaExceeded { .. } => "quota_exceeded",
            ApiError::HeadersTooLarge { .. } => "headers_too_large",
            ApiError::AuditUnavailable => "audit_unavailable",
            ApiError::PayerRejectedAnswer {
                retryable: true, ..
            } => "payer_unavailable",
            ApiError::PayerRejectedAnswer { .. } | ApiError::PayerRejected { .. } => {
                "payer_rejected"
            }
            ApiError::PayerBadResponse { .. } => "payer_bad_response",
            ApiError::PayerUnavailable { .. } => "payer_unavailable",
            ApiError::DeadlineExceeded => "deadline_exceeded",
            ApiError::Unexpected(_) => "internal_error",
        }
    }

    /// The error object of the body.
    pub fn detail(&self) -> ErrorDetail {
        let (message, fields) = match self {
            ApiError::InvalidRequest(fields) => {
                let message = match fields.len() {
                    1 => "the request has 1 invalid field".to_owned(),
                    count => format!("the request has {count} invalid fields"),
                };
                (message, fields.clone())
            }
            ApiError::BadRequest {
                message, fields, ..
            } => (message.clone(), fields.clone()),
            ApiError::UnknownPayer {
                field,
                requested,
                close_matches,
            } => {
                let message = if close_matches.is_empty() {
                    format!("no payer has the id or alias '{requested}'")
                } else {
                    format!(
                        "no payer has the id or alias '{requested}'; close matches: {}",
                        close_matches.join(", ")
                    )
                };
                let field = FieldError::new(*field, "is not a known payer id or alias");
                (message, vec![field])
            }
            ApiError::NotFound => ("no such route".to_owned(), Vec::new()),
            ApiError::MethodNotAllowed { allow } => {
                (format!("this path only takes {allow}"), Vec::new())
            }
            ApiError::PayloadTooLarge { limit } => {
                (format!("the body is larger than {limit} bytes"), Vec::new())
            }
            ApiError::TooManyItems { field, limit } => (
                format!("{field} holds more than {limit} items"),
                vec![FieldError::new(
                    *field,
                    format!("must hold at most {limit} items"),
                )],
            ),
            ApiError::UnsupportedMediaType => (
                "the body must be JSON, sent with Content-Type: application/json".to_owned(),
                Vec::new(),
            ),
            ApiError::Unauthorized => (
                "a valid API key is required: send Authorization: Bearer <key> or X-API-Key: <key>"
                    .to_owned(),
                Vec::new(),
            ),
            ApiError::QuotaExceeded { .. } => (
                "this API key's quota is used up; retry after the time in Retry-After".to_owned(),
                Vec::new(),
            ),
            ApiError::HeadersTooLarge { limit } => (
                format!("the request line and headers are larger than {limit} bytes"),
                Vec::new(),
            ),
            ApiError::AuditUnavailable => (
                "the audit trail cannot record this check now; retry later".to_owned(),
                Vec::new(),
            ),
            ApiError::PayerRejectedAnswer { answer, .. } => {
                (rejection_message(&answer.response.errors), Vec::new())
            }
            ApiError::PayerRejected { errors } => (rejection_message(errors), Vec::new()),
            ApiError::PayerBadResponse { detail, .. } => (
                format!("the payer sent a response the gateway cannot use: {detail}"),
                Vec::new(),
            ),
            ApiError::PayerUnavailable { message, .. } => {
                (format!("the payer is unavailable: {message}"), Vec::new())
            }
            ApiError::DeadlineExceeded => (
                "no answer from the payer before the request's deadline".to_owned(),
                Vec::new(),
            ),
            ApiError::Unexpected(_) => (
                "the gateway failed to handle the request; the trace id identifies it in the logs"
                    .to_owned(),
                Vec::new(),
            ),
        };
        ErrorDetail {
            code: self.code().to_owned(),
            message,
            fields,
        }
    }
}

/// "the payer rejected the inquiry: 72 Invalid/Missing Subscriber/Insured ID (2100C)". Descriptions come
/// from the X12 code tables, never from member data.
fn rejection_message(errors: &[PayerErrorInfo]) -> String {
    let reasons: Vec<String> = errors
        .iter()
        .map(|error| format!("{} {} ({})", error.code, error.description, error.location))
        .collect();
    if reasons.is_empty() {
        "the payer rejected the inquiry".to_owned()
    } else {
        format!("the payer rejected the inquiry: {}", reasons.join("; "))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::InvalidRequest(_) | ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::UnknownPayer { .. } | ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge { .. } | ApiError::TooManyItems { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::QuotaExceeded { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::HeadersTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ApiError::AuditUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::PayerRejectedAnswer {
                retryable: true, ..
            } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::PayerRejectedAnswer { .. } | ApiError::PayerRejected { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::PayerBadResponse { .. } => StatusCode::BAD_GATEWAY,
            ApiError::PayerUnavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
            ApiError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            // The gateway's own failures are logged with their cause chain; a payer's are logged by code only,
            // since a payer's message text is the payer's and may quote the inquiry.
            match self {
                ApiError::Unexpected(_) => {
                    tracing::warn!(status = status.as_u16(), error = ?self, "request failed")
                }
                _ => tracing::warn!(
                    status = status.as_u16(),
                    code = self.code(),
                    "request failed"
                ),
            }
        } else {
            tracing::debug!(
                status = status.as_u16(),
                code = self.code(),
                "request refused"
            );
        }
        let mut response = HttpResponse::build(status);
        let retry_after = match self {
            ApiError::PayerUnavailable { retry_after, .. } => Some(*retry_after),
            ApiError::QuotaExceeded { retry_after } => Some(*retry_after),
            ApiError::AuditUnavailable => Some(DEFAULT_RETRY_AFTER),
            ApiError::PayerRejectedAnswer {
                retryable: true, ..
            } => Some(DEFAULT_RETRY_AFTER),
            _ => None,
        };
        if let Some(retry_after) = retry_after {
            response.insert_header((
                header::RETRY_AFTER,
                // Whole seconds, rounded up: a client that waits exactly this long is admitted.
                HeaderValue::from(
                    (retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0)).max(1),
                ),
            ));
        }
        if let ApiError::Unauthorized = self {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        if let ApiError::MethodNotAllowed { allow } = self {
            response.insert_header((header::ALLOW, HeaderValue::from_static(allow)));
        }
        match self {
            ApiError::PayerRejectedAnswer { answer, .. } => response.json(RejectedAnswerBody {
                answer: answer.as_ref().clone(),
                error: self.detail(),
            }),
            _ => response.json(ErrorBody {
                error: self.detail(),
                errors: match self {
                    ApiError::PayerRejected { errors } => errors.clone(),
                    _ => Vec::new(),
                },
                x12: match self {
                    ApiError::PayerBadResponse { raw, .. } => raw.clone(),
                    _ => None,
                },
            }),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.detail().message)
    }
}

/// Prints the error and its whole cause chain (for the log; bodies use [`ApiError::detail`]).
impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{self}")?;
        if let ApiError::Unexpected(error) = self {
            for cause in error.chain() {
                writeln!(f, "Caused by:\n\t{cause}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ApiError::Unexpected(error) => Some(error.as_ref()),
            _ => None,
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        ApiError::Unexpected(error)
    }
}

#[cfg(test)]
mod tests;
