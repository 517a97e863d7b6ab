//! What coverage discovery and batch share: one check run through the router to a [`CheckResult`], the
//! answer or the error body it would get from `POST /v1/eligibility`, as one JSON value among many.
use actix_web::{HttpMessage, HttpRequest, ResponseError};
use payer_core::{CoverageStatus, EligibilityRequest};
use serde::Serialize;
use tokio::time::Instant;
use utoipa::ToSchema;

use super::eligibility::{include_x12_header, CheckBody, CheckQuery};
use crate::auth::Client;
use crate::error::{ApiError, ErrorDetail};
use crate::router::{CheckError, CheckRequest, Router};
use crate::telemetry::TraceId;

/// How one check of a discovery or a batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeStatus {
    /// The payer answered: coverage active.
    Active,
    /// The payer answered: coverage inactive.
    Inactive,
    /// The payer answered without saying either.
    Unknown,
    /// The payer rejected the inquiry (AAA such as 72 in the 271, or a 999/TA1): `response` and/or `error`.
    Rejected,
    /// No answer: the payer was unavailable, its answer unusable, the deadline passed, the request invalid.
    Error,
    /// Not run to the end: `first-active` found an active payer first, or the gateway is shutting down.
    Cancelled,
}

/// One check's outcome: the answer, the error body, or both (a rejection that comes with the payer's 271).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// How it ended.
    pub status: OutcomeStatus,
    /// The HTTP status the same check gets from `POST /v1/eligibility`; absent when cancelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The answer (also for a rejection the payer's 271 carries, with its `errors`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<Box<CheckBody>>,
    /// Why it is not a plain answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

/// What a fan-out's checks share: the client, the trace id, whether to return the X12.
#[derive(Debug, Clone)]
pub struct FanoutContext {
    /// Who asked (for the audit trail and quotas).
    pub client: Client,
    /// The request's trace id; each check's `meta.traceId` is it with `-<n>` appended.
    pub trace_id: String,
    /// Whether answers carry the raw payer payload.
    pub include_x12: bool,
}

// === impl CheckResult ===

impl CheckResult {
    /// A check that was not run to the end.
    pub fn cancelled() -> CheckResult {
        CheckResult {
            status: OutcomeStatus::Cancelled,
            http_status: None,
            response: None,
            error: None,
        }
    }

    /// The outcome of an error, as `POST /v1/eligibility` would answer it.
    pub fn from_error(error: ApiError) -> CheckResult {
        let http_status = error.status_code().as_u16();
        let detail = error.detail();
        match error {
            ApiError::PayerRejectedAnswer { answer, retryable } => CheckResult {
                status: if retryable {
                    OutcomeStatus::Error
                } else {
                    OutcomeStatus::Rejected
                },
                http_status: Some(http_status),
                response: Some(answer),
                error: Some(detail),
            },
            ApiError::PayerRejected { .. } => CheckResult {
                status: OutcomeStatus::Rejected,
                http_status: Some(http_status),
                response: None,
                error: Some(detail),
            },
            _ => CheckResult {
                status: OutcomeStatus::Error,
                http_status: Some(http_status),
                response: None,
                error: Some(detail),
            },
        }
    }

    /// The outcome of an answer (a rejecting 271 becomes [`OutcomeStatus::Rejected`] or, when only
    /// retryable, [`OutcomeStatus::Error`]).
    pub fn from_body(body: CheckBody) -> CheckResult {
        match ApiError::check_answer(body) {
            Ok(body) => CheckResult {
                status: match body.response.coverage.status {
                    CoverageStatus::Active => OutcomeStatus::Active,
                    CoverageStatus::Inactive => OutcomeStatus::Inactive,
                    CoverageStatus::Rejected => OutcomeStatus::Rejected,
                    CoverageStatus::Unknown => OutcomeStatus::Unknown,
                },
                http_status: Some(200),
                response: Some(Box::new(body)),
                error: None,
            },
            Err(error) => CheckResult::from_error(error),
        }
    }

    /// Whether the payer said the member's coverage is active.
    pub fn is_active(&self) -> bool {
        self.status == OutcomeStatus::Active
    }
}

// === functions ===

/// Whether the client asked for the raw payer payloads (`?x12=true` or `X-Include-X12: true`).
pub fn include_x12(request: &HttpRequest, query: &CheckQuery) -> Result<bool, ApiError> {
    match query.x12 {
        Some(flag) => Ok(flag),
        None => include_x12_header(request.headers()),
    }
}

/// The request's trace id (set by the telemetry middleware), or a new one.
pub fn trace_id_of(request: &HttpRequest) -> TraceId {
    request
        .extensions()
        .get::<TraceId>()
        .cloned()
        .unwrap_or_else(TraceId::generate)
}

/// The client the authentication middleware identified, or the anonymous one.
pub fn client_of(request: &HttpRequest) -> Client {
    request
        .extensions()
        .get::<Client>()
        .cloned()
        .unwrap_or_default()
}

/// Runs one validated check through the router (cache, flights, limits, breaker, retries) until `deadline`.
pub async fn run_check(
    router: &Router,
    context: &FanoutContext,
    inquiry: EligibilityRequest,
    deadline: Instant,
    trace_id: String,
) -> CheckResult {
    let check = router.check_as(
        &context.client,
        CheckRequest {
            inquiry,
            deadline,
            include_x12: context.include_x12,
            trace_id,
        },
    );
    let result = tokio::time::timeout_at(deadline, check)
        .await
        .unwrap_or(Err(CheckError::DeadlineExceeded));
    match result {
        Ok(answer) => {
            let response = match answer.response.into_response() {
                Ok(response) => response,
                Err(unreadable) => {
                    return CheckResult::from_error(ApiError::Unexpected(unreadable.into()))
                }
            };
            let mut body = CheckBody {
                response,
                meta: answer.meta,
            };
            if !context.include_x12 {
                body.response.x12 = None;
            }
            CheckResult::from_body(body)
        }
        Err(error) => CheckResult::from_error(ApiError::from_check(error, context.include_x12)),
    }
}
