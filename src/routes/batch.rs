//! `POST /v1/eligibility/batch`: up to `batch.max_checks` checks in one request, answered as NDJSON
//! (`application/x-ndjson`), one line per check as it completes.
//!
//! - The body is `{"checks": [...]}` or the array itself; each element is a check's body as for
//!   `POST /v1/eligibility`. More checks than `batch.max_checks` is refused with 413 naming `checks`; a body
//!   over `batch.max_body_bytes` with 413.
//! - Each line is `{"index": N, "status": ..., "httpStatus": ..., "response": {...}}` or with `"error"`
//!   instead of (or besides) `"response"`, exactly the answer or error body the check alone would get; `index`
//!   is its position in the request. An invalid check gets its 400 line at once; it does not fail the batch.
//! - At most `batch.concurrency` checks of one batch run at once, each with its own deadline (the request's
//!   `X-Request-Timeout-Ms`, or `server.default_deadline_ms`) counted from when it starts.
//! - Checks run in the batch lane ([`crate::layers::lane`]): real-time checks always get a payer's rate-limit
//!   slots first, batch checks take what is left, and at most `batch.per_payer_concurrency` batch checks per
//!   payer are in flight across all batches.
//! - A client that disconnects drops the response stream, and with it every check of the batch: those running
//!   are cancelled (their payer calls dropped), those not started never start.
//! - On shutdown no new check starts: the rest are answered `cancelled`, and the stream ends once the running
//!   checks are done ([`crate::shutdown`]).
//! - Progress is in the metrics: `eligibility_batches_in_flight`, `eligibility_batch_checks_queued`,
//!   `eligibility_batch_checks_total{outcome}`.
use std::convert::Infallible;
use std::sync::Arc;

use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use futures::stream::StreamExt;
use serde::Serialize;
use serde_json::Value;
use tokio::time::Instant;
use utoipa::ToSchema;

use super::eligibility::{deadline_of, parse_body, today, CheckQuery};
use super::fanout::{
    client_of, include_x12, run_check, trace_id_of, CheckResult, FanoutContext, OutcomeStatus,
};
use crate::domain::FieldError;
use crate::error::{ApiError, ErrorBody};
use crate::layers::lane::{self, Priority};
use crate::metrics::Metrics;
use crate::startup::AppState;

/// The media type of the answer.
pub const NDJSON: &str = "application/x-ndjson";

/// The batch request (or just the array of checks).
#[derive(Debug, Clone, ToSchema)]
pub struct BatchRequest {
    /// The checks, each a `POST /v1/eligibility` body; 1 to `batch.max_checks` (10,000 by default).
    #[schema(value_type = Vec<Object>)]
    pub checks: Vec<Value>,
}

/// One line of the answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchLine {
    /// The check's position in the request, from 0.
    pub index: usize,
    /// Its answer or error.
    #[serde(flatten)]
    pub result: CheckResult,
}

/// Runs many checks in the batch lane, answering each as a line of NDJSON as soon as it completes.
#[utoipa::path(
    post,
    path = "/v1/eligibility/batch",
    tag = "eligibility",
    request_body = BatchRequest,
    params(
        CheckQuery,
        ("X-Request-Timeout-Ms" = Option<u64>, Header, description = "The deadline of each check, from when it starts."),
    ),
    responses(
        (status = 200, description = "NDJSON (`application/x-ndjson`): one `BatchLine` per check, in completion order.", body = BatchLine, content_type = "application/x-ndjson"),
        (status = 400, description = "The body is not a batch (`checks` missing or not an array, or empty).", body = ErrorBody),
        (status = 413, description = "More checks than `batch.max_checks` (field `checks`), or a body over `batch.max_body_bytes`.", body = ErrorBody),
        (status = 415, description = "Body not application/json.", body = ErrorBody),
    )
)]
pub async fn batch(
    request: HttpRequest,
    body: web::Json<Value>,
    query: web::Query<CheckQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let trace_id = trace_id_of(&request);
    let per_check = deadline_of(&request, &state)?;
    let context = Arc::new(FanoutContext {
        client: client_of(&request),
        trace_id: trace_id.0.clone(),
        include_x12: include_x12(&request, &query)?,
    });
    let checks = checks_of(body.into_inner(), state.batch.max_checks)?;
    tracing::info!(trace_id = %trace_id.0, checks = checks.len(), "batch started");
    let progress = Progress::start(state.metrics.clone(), checks.len());
    let concurrency = state.batch.concurrency;
    let lines = futures::stream::iter(checks.into_iter().enumerate())
        .map(move |(index, check)| {
            let state = state.clone();
            let context = Arc::clone(&context);
            let progress = Arc::clone(&progress);
            async move {
                progress.started();
                let result = if state.shutdown.is_triggered() {
                    CheckResult::cancelled()
                } else {
                    match parse_body(check, today()) {
                        Err(error) => CheckResult::from_error(error),
                        Ok(inquiry) => {
                            let trace = format!("{}-{index}", context.trace_id);
                            let deadline = Instant::now() + per_check;
                            let run = run_check(&state.router, &context, inquiry, deadline, trace);
                            lane::scope(Priority::Batch, run).await
                        }
                    }
                };
                progress.finished(&result);
                Ok::<Bytes, Infallible>(line(index, result))
            }
        })
        .buffer_unordered(concurrency);
    Ok(HttpResponse::Ok().content_type(NDJSON).streaming(lines))
}

/// The checks of a batch body: `{"checks": [...]}` or `[...]`, 1 to `max` of them.
pub fn checks_of(body: Value, max: usize) -> Result<Vec<Value>, ApiError> {
    let checks = match body {
        Value::Array(checks) => checks,
        Value::Object(mut object) => match object.remove("checks") {
            Some(Value::Array(checks)) => checks,
            _ => {
                return Err(ApiError::InvalidRequest(vec![FieldError::new(
                    "checks",
                    "is required: an array of checks",
                )]))
            }
        },
        _ => {
            return Err(ApiError::BadRequest {
                code: "invalid_request",
                message: "the body must be {\"checks\": [...]} or an array of checks".to_owned(),
                fields: Vec::new(),
            })
        }
    };
    if checks.is_empty() {
        return Err(ApiError::InvalidRequest(vec![FieldError::new(
            "checks",
            "must hold at least one check",
        )]));
    }
    if checks.len() > max {
        return Err(ApiError::TooManyItems {
            field: "checks",
            limit: max,
        });
    }
    Ok(checks)
}

/// One NDJSON line.
fn line(index: usize, result: CheckResult) -> Bytes {
    let mut text = serde_json::to_vec(&BatchLine { index, result }).unwrap_or_else(|_| {
        format!(
            "{{\"index\":{index},\"status\":\"error\",\"httpStatus\":500,\"error\":{{\"code\":\"internal_error\",\"message\":\"the answer could not be serialized\"}}}}"
        )
        .into_bytes()
    });
    text.push(b'\n');
    Bytes::from(text)
}

/// A batch's progress in the metrics; the gauges are put right when it is dropped (finished or cancelled).
struct Progress {
    metrics: Arc<Metrics>,
    queued: std::sync::atomic::AtomicI64,
}

impl Progress {
    fn start(metrics: Arc<Metrics>, checks: usize) -> Arc<Progress> {
        let checks = i64::try_from(checks).unwrap_or(i64::MAX);
        metrics.batches_in_flight.inc();
        metrics.batch_checks_queued.add(checks);
        Arc::new(Progress {
            metrics,
            queued: std::sync::atomic::AtomicI64::new(checks),
        })
    }

    fn started(&self) {
        self.queued
            .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        self.metrics.batch_checks_queued.dec();
    }

    fn finished(&self, result: &CheckResult) {
        self.metrics
            .batch_checks
            .with_label_values(&[outcome_label(result)])
            .inc();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.metrics.batches_in_flight.dec();
        let left = self.queued.load(std::sync::atomic::Ordering::Relaxed);
        self.metrics.batch_checks_queued.sub(left.max(0));
    }
}

/// The `outcome` label of a batch line: the check outcomes of `eligibility_checks_total`, or `cancelled`.
fn outcome_label(result: &CheckResult) -> &'static str {
    match (result.status, result.http_status) {
        (OutcomeStatus::Active, _) => "active",
        (OutcomeStatus::Inactive, _) => "inactive",
        (OutcomeStatus::Unknown, _) => "unknown",
        (OutcomeStatus::Cancelled, _) => "cancelled",
        (_, Some(422)) | (OutcomeStatus::Rejected, _) => "rejected",
        (_, Some(400)) => "invalid_request",
        (_, Some(404)) => "unknown_payer",
        (_, Some(502)) => "bad_response",
        (_, Some(503)) => "unavailable",
        (_, Some(504)) => "timeout",
        _ => "internal",
    }
}
