//! `POST /v1/eligibility` (also `POST /change/medicalnetwork/eligibility/v3`): one eligibility check.
//!
//! 1. The body is read as JSON by the extractor (size limit, content type; errors in `crate::error`).
//! 2. It becomes the DTO, then a validated `EligibilityRequest` (every field error at once, 400).
//! 3. The deadline comes from `X-Request-Timeout-Ms` (capped at `server.max_deadline_ms`), else the default.
//! 4. The router answers; the answer is 200, or 422 with the whole body when the payer rejected the inquiry.
//!    A 200 is written from the answer's stored bytes ([`super::stored_body`]), never decoded and re-encoded.
use std::time::Duration;

use actix_web::http::header::HeaderMap;
use actix_web::{web, HttpRequest, HttpResponse};
use payer_core::{CoverageStatus, EligibilityResponse};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use tracing::Instrument;
use utoipa::{IntoParams, ToSchema};

use super::fanout::{client_of, include_x12, trace_id_of};
use super::{pieces, stored_body};
use crate::domain::{EligibilityRequestDto, FieldError};
use crate::error::{ApiError, ErrorBody, RejectedAnswerBody};
use crate::router::{AnswerBody, CheckRequest, Meta};
use crate::startup::AppState;

/// The header a client sets to ask for a shorter deadline, in milliseconds.
pub const DEADLINE_HEADER: &str = "x-request-timeout-ms";
/// The header a client may set to `true` instead of `?x12=true`.
pub const INCLUDE_X12_HEADER: &str = "x-include-x12";

/// A check's answer: the normalized response, flattened, plus `meta`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckBody {
    /// The payer's answer in the "medical network eligibility v3" shape, with `coverage`.
    #[serde(flatten)]
    pub response: EligibilityResponse,
    /// How the answer was obtained: trace id, cache, payer latency, attempts, control numbers.
    pub meta: Meta,
}

/// Query parameters of a check.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckQuery {
    /// `true` to include the payer's raw 271 in the answer (`x12`). It holds member data.
    pub x12: Option<bool>,
}

/// Checks a member's eligibility and benefits at one payer.
#[utoipa::path(
    post,
    path = "/v1/eligibility",
    tag = "eligibility",
    request_body = EligibilityRequestDto,
    params(
        CheckQuery,
        ("X-Request-Timeout-Ms" = Option<u64>, Header, description = "Deadline in milliseconds (capped at the configured maximum); default 20000."),
        ("X-Include-X12" = Option<bool>, Header, description = "`true` to include the raw 271, as `?x12=true`."),
        ("X-Trace-Id" = Option<String>, Header, description = "A trace id to use (1-64 letters, digits, `-`, `_`); one is generated otherwise. Returned in the `X-Trace-Id` response header."),
    ),
    responses(
        (status = 200, description = "The payer answered: coverage active, inactive or unknown.", body = CheckBody),
        (status = 400, description = "Invalid request: every invalid field is named.", body = ErrorBody),
        (status = 404, description = "Unknown payer, with close matches.", body = ErrorBody),
        (status = 413, description = "Body too large.", body = ErrorBody),
        (status = 415, description = "Body not application/json.", body = ErrorBody),
        (status = 422, description = "The payer rejected the inquiry (AAA in the 271: the whole answer plus `error`; or 999/TA1: `errors`).", body = RejectedAnswerBody),
        (status = 500, description = "The gateway failed.", body = ErrorBody),
        (status = 502, description = "The payer sent an unusable answer.", body = ErrorBody),
        (status = 503, description = "The payer is unavailable; see Retry-After. When its 271 said so (AAA 42), the body is the whole answer plus `error`, as for 422.", body = ErrorBody),
        (status = 504, description = "The deadline passed before the payer answered.", body = ErrorBody),
    )
)]
pub async fn check(
    request: HttpRequest,
    body: web::Json<Box<RawValue>>,
    query: web::Query<CheckQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    run_check(request, body.into_inner(), query.into_inner(), state).await
}

/// The same check, at the path of the "medical network eligibility v3" API, so its clients work unchanged.
#[utoipa::path(
    post,
    path = "/change/medicalnetwork/eligibility/v3",
    tag = "eligibility",
    request_body = EligibilityRequestDto,
    params(
        CheckQuery,
        ("X-Request-Timeout-Ms" = Option<u64>, Header, description = "As for `POST /v1/eligibility`."),
        ("X-Include-X12" = Option<bool>, Header, description = "As for `POST /v1/eligibility`."),
        ("X-Trace-Id" = Option<String>, Header, description = "As for `POST /v1/eligibility`."),
    ),
    responses(
        (status = 200, description = "Answered (as `POST /v1/eligibility`).", body = CheckBody),
        (status = 400, description = "Invalid request.", body = ErrorBody),
        (status = 404, description = "Unknown payer.", body = ErrorBody),
        (status = 413, description = "Body too large.", body = ErrorBody),
        (status = 415, description = "Body not application/json.", body = ErrorBody),
        (status = 422, description = "The payer rejected the inquiry.", body = RejectedAnswerBody),
        (status = 500, description = "The gateway failed.", body = ErrorBody),
        (status = 502, description = "The payer sent an unusable answer.", body = ErrorBody),
        (status = 503, description = "The payer is unavailable; see Retry-After.", body = ErrorBody),
        (status = 504, description = "The deadline passed.", body = ErrorBody),
    )
)]
pub async fn check_v3(
    request: HttpRequest,
    body: web::Json<Box<RawValue>>,
    query: web::Query<CheckQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    run_check(request, body.into_inner(), query.into_inner(), state).await
}

/// A check of `body`: JSON already checked to be well formed (and within the size limit) by the extractor,
/// read into the request model straight from its text.
async fn run_check(
    request: HttpRequest,
    body: Box<RawValue>,
    query: CheckQuery,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let trace_id = trace_id_of(&request);
    let deadline = deadline_of(&request, &state)?;
    let include_x12 = include_x12(&request, &query)?;
    let inquiry = parse_body(&mut serde_json::Deserializer::from_str(body.get()), today())?;
    drop(body);

    let span = tracing::info_span!(
        "check",
        trace_id = %trace_id.0,
        payer = %inquiry.payer_id,
        service_types = inquiry.encounter.service_type_codes.len(),
    );
    let started = tokio::time::Instant::now();
    let deadline_at = started + deadline;
    let client = client_of(&request);
    let check = CheckRequest {
        inquiry,
        deadline: deadline_at,
        include_x12,
        trace_id: trace_id.0.clone(),
    };
    let outcome = async {
        // The router keeps the deadline itself; this bound is the API's own guarantee on top of it. The
        // router's future is made here, inside the block, so that the block does not hold it twice.
        let check = state.router.check_as(&client, check);
        match tokio::time::timeout_at(deadline_at, check).await {
            Ok(result) => result,
            Err(_elapsed) => Err(crate::router::CheckError::DeadlineExceeded),
        }
    }
    .instrument(span.clone())
    .await;

    let answer = match outcome {
        Ok(answer) => answer,
        Err(error) => {
            let error = ApiError::from_check(error, include_x12);
            span.in_scope(|| tracing::info!(code = error.code(), "check failed"));
            return Err(error);
        }
    };
    let status = answer.response.status();
    span.in_scope(|| {
        tracing::info!(
            coverage = ?status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "check answered"
        )
    });
    // The answer is written as it was serialized once for the cache; a rejection goes the long way, decoded,
    // since it becomes a 422 with an `error` beside the answer.
    if status != CoverageStatus::Rejected {
        let AnswerBody {
            answer: stored,
            control_number,
            include_x12,
        } = &answer.response;
        let body = stored_body::write(stored, control_number, *include_x12, &answer.meta)?;
        // The gauge counts the other checks in flight: this one's was counted out when it was answered.
        let others = usize::try_from(state.metrics.checks_in_flight.get()).unwrap_or(0);
        let in_pieces = others >= state.limits.small_writes_above_in_flight;
        return Ok(pieces::json_ok(body, in_pieces));
    }
    let response = answer
        .response
        .into_response()
        .map_err(|unreadable| ApiError::Unexpected(unreadable.into()))?;
    let body = CheckBody {
        response,
        meta: answer.meta,
    };
    let body = ApiError::check_answer(body)?;
    Ok(HttpResponse::Ok().json(body))
}

/// The JSON body (a value, or its text) into a validated inquiry, every field error at once.
pub fn parse_body<'de>(
    body: impl serde::Deserializer<'de>,
    today: chrono::NaiveDate,
) -> Result<payer_core::EligibilityRequest, ApiError> {
    let dto = EligibilityRequestDto::from_json(body).map_err(|error| {
        if error.path.is_empty() {
            ApiError::BadRequest {
                code: "invalid_request",
                message: "the body must be a JSON object".to_owned(),
                fields: Vec::new(),
            }
        } else {
            ApiError::InvalidRequest(vec![error])
        }
    })?;
    dto.parse(today).map_err(ApiError::InvalidRequest)
}

/// Today's date where the gateway runs, the reference of the date-of-service window.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// The deadline `request` asks for, within the server's default and maximum ([`requested_deadline`]).
pub fn deadline_of(request: &HttpRequest, state: &AppState) -> Result<Duration, ApiError> {
    requested_deadline(
        request.headers(),
        state.limits.default_deadline,
        state.limits.max_deadline,
    )
}

/// The deadline the client asked for (a positive number of milliseconds, capped at `max`), else `default`.
pub fn requested_deadline(
    headers: &HeaderMap,
    default: Duration,
    max: Duration,
) -> Result<Duration, ApiError> {
    let Some(value) = headers.get(DEADLINE_HEADER) else {
        return Ok(default);
    };
    let millis = value
        .to_str()
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .filter(|millis| *millis > 0)
        .ok_or_else(|| {
            header_error(
                "X-Request-Timeout-Ms",
                "must be a positive whole number of milliseconds",
            )
        })?;
    Ok(Duration::from_millis(millis).min(max))
}

pub(crate) fn include_x12_header(headers: &HeaderMap) -> Result<bool, ApiError> {
    match headers.get(INCLUDE_X12_HEADER).map(|value| value.to_str()) {
        None => Ok(false),
        Some(Ok(text)) if text.eq_ignore_ascii_case("true") => Ok(true),
        Some(Ok(text)) if text.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(header_error("X-Include-X12", "must be true or false")),
    }
}

fn header_error(header: &str, message: &str) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_header",
        message: format!("the {header} header is invalid"),
        fields: vec![FieldError::new(header, message)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(value: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(value) = value {
            headers.insert(
                HeaderName::from_static(DEADLINE_HEADER),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        headers
    }

    #[test]
    fn the_deadline_header_asks_for_less_and_is_capped() {
        let default = Duration::from_secs(20);
        let max = Duration::from_secs(30);
        let deadline = |value| requested_deadline(&headers(value), default, max);
        assert_eq!(deadline(None).unwrap(), default);
        assert_eq!(deadline(Some("1500")).unwrap(), Duration::from_millis(1500));
        assert_eq!(deadline(Some("25000")).unwrap(), Duration::from_secs(25));
        assert_eq!(deadline(Some("99999999")).unwrap(), max);
        for invalid in ["0", "-1", "1.5", "soon", ""] {
            assert!(deadline(Some(invalid)).is_err(), "{invalid:?}");
        }
    }
}
