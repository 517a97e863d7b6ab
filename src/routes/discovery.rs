//! `POST /v1/eligibility/discovery`: coverage discovery, one patient asked of several payers at once.
//!
//! The body is a check's body with `tradingPartnerServiceIds` (1 to [`MAX_DISCOVERY_PAYERS`] payer ids or
//! aliases) instead of `tradingPartnerServiceId`, and an optional `strategy`:
//!
//! - `all` (the default): every payer is asked at once; the answer lists each payer's result.
//! - `first-active`: every payer is asked at once; as soon as one answers that the coverage is active, the
//!   other checks are cancelled (their payer calls are dropped, their connections closed) and listed as
//!   `cancelled`.
//!
//! Each payer's check goes through the router like any other check: its cache, its single flight, its rate
//! limit, its circuit breaker, its retries, under the request's one deadline. Partial success is success: the
//! answer is 200 whenever the request itself is valid, with each payer's answer or error (as
//! `POST /v1/eligibility` would have answered it) in `results`, in the order the ids were given.
use std::collections::HashSet;

use actix_web::{web, HttpRequest, HttpResponse};
use futures::stream::{FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing::Instrument;
use utoipa::ToSchema;

use super::eligibility::{deadline_of, parse_body, today, CheckQuery};
use super::fanout::{client_of, include_x12, run_check, trace_id_of, CheckResult, FanoutContext};
use crate::domain::FieldError;
use crate::error::{ApiError, ErrorBody};
use crate::startup::AppState;

/// Most payers one discovery may ask.
pub const MAX_DISCOVERY_PAYERS: usize = 20;

/// How a discovery ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Ask every payer and wait for all of them.
    #[default]
    All,
    /// Stop at the first payer that answers "active", cancelling the others.
    FirstActive,
}

/// The discovery request: a check's body with several payers.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveryRequest {
    /// The payers to ask: ids or aliases, 1 to 20, no repeats.
    pub trading_partner_service_ids: Vec<String>,
    /// `all` (default) or `first-active`.
    #[serde(default)]
    pub strategy: Strategy,
    /// Everything else of a check's body (`provider`, `subscriber`, `encounter`, ...), as for
    /// `POST /v1/eligibility`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub check: serde_json::Map<String, Value>,
}

/// The discovery answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveryBody {
    /// The strategy applied.
    pub strategy: Strategy,
    /// One result per payer asked, in the order given.
    pub results: Vec<DiscoveryResult>,
    /// The request's trace id.
    pub trace_id: String,
}

/// One payer's result.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveryResult {
    /// The payer id or alias as given.
    pub trading_partner_service_id: String,
    /// Its answer or error.
    #[serde(flatten)]
    pub outcome: CheckResult,
}

/// Asks several payers about one patient at once (coverage discovery).
#[utoipa::path(
    post,
    path = "/v1/eligibility/discovery",
    tag = "eligibility",
    request_body = DiscoveryRequest,
    params(
        CheckQuery,
        ("X-Request-Timeout-Ms" = Option<u64>, Header, description = "The deadline of the whole discovery, as for `POST /v1/eligibility`."),
    ),
    responses(
        (status = 200, description = "Each payer's answer or error (partial success is success).", body = DiscoveryBody),
        (status = 400, description = "Invalid request: every invalid field is named (`tradingPartnerServiceIds[1]`, `strategy`, `subscriber.memberId`, ...).", body = ErrorBody),
        (status = 413, description = "Body too large.", body = ErrorBody),
        (status = 415, description = "Body not application/json.", body = ErrorBody),
    )
)]
pub async fn discover(
    request: HttpRequest,
    body: web::Json<Value>,
    query: web::Query<CheckQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let trace_id = trace_id_of(&request);
    let deadline = deadline_of(&request, &state)?;
    let deadline = tokio::time::Instant::now() + deadline;
    let include_x12 = include_x12(&request, &query)?;
    let (ids, strategy, inquiries) = parse_discovery(body.into_inner())?;
    let context = FanoutContext {
        client: client_of(&request),
        trace_id: trace_id.0.clone(),
        include_x12,
    };
    let span =
        tracing::info_span!("discovery", trace_id = %trace_id.0, payers = ids.len(), ?strategy);
    let router = &state.router;
    let outcomes = async {
        let mut pending: FuturesUnordered<_> = inquiries
            .into_iter()
            .enumerate()
            .map(|(index, inquiry)| {
                let trace = format!("{}-{index}", context.trace_id);
                let context = &context;
                async move {
                    (
                        index,
                        run_check(router, context, inquiry, deadline, trace).await,
                    )
                }
            })
            .collect();
        let mut outcomes: Vec<Option<CheckResult>> = vec![None; ids.len()];
        while let Some((index, outcome)) = pending.next().await {
            let active = outcome.is_active();
            if let Some(slot) = outcomes.get_mut(index) {
                *slot = Some(outcome);
            }
            if active && strategy == Strategy::FirstActive {
                // Dropping `pending` cancels every check still running.
                break;
            }
        }
        outcomes
    }
    .instrument(span.clone())
    .await;
    let results: Vec<DiscoveryResult> = ids
        .into_iter()
        .zip(outcomes)
        .map(|(id, outcome)| DiscoveryResult {
            trading_partner_service_id: id,
            outcome: outcome.unwrap_or_else(CheckResult::cancelled),
        })
        .collect();
    span.in_scope(|| {
        let active = results.iter().filter(|r| r.outcome.is_active()).count();
        tracing::info!(active, "discovery answered")
    });
    Ok(HttpResponse::Ok().json(DiscoveryBody {
        strategy,
        results,
        trace_id: trace_id.0,
    }))
}

/// The body into the payer ids (as given), the strategy, and one validated inquiry per payer; every field
/// error at once.
pub fn parse_discovery(
    body: Value,
) -> Result<(Vec<String>, Strategy, Vec<payer_core::EligibilityRequest>), ApiError> {
    let Value::Object(mut object) = body else {
        return Err(ApiError::BadRequest {
            code: "invalid_request",
            message: "the body must be a JSON object".to_owned(),
            fields: Vec::new(),
        });
    };
    let mut errors: Vec<FieldError> = Vec::new();
    if object.contains_key("tradingPartnerServiceId") {
        errors.push(FieldError::new(
            "tradingPartnerServiceId",
            "is not taken by discovery: list the payers in tradingPartnerServiceIds",
        ));
    }
    let strategy = match object.remove("strategy") {
        None | Some(Value::Null) => Strategy::All,
        Some(Value::String(text)) if text == "all" => Strategy::All,
        Some(Value::String(text)) if text == "first-active" => Strategy::FirstActive,
        Some(_) => {
            errors.push(FieldError::new("strategy", "must be all or first-active"));
            Strategy::All
        }
    };
    let before = errors.len();
    let ids = payer_ids(object.remove("tradingPartnerServiceIds"), &mut errors);
    let ids_valid = errors.len() == before;
    // Each id is validated as a check's `tradingPartnerServiceId` is; the rest of the body once. With the
    // list itself invalid, the rest of the body is still validated (with a stand-in id) so that every
    // error is reported at once.
    let candidates: Vec<String> = if ids_valid {
        ids.clone()
    } else {
        vec!["discovery".to_owned()]
    };
    let mut inquiries = Vec::with_capacity(candidates.len());
    for (index, id) in candidates.into_iter().enumerate() {
        let mut check = object.clone();
        check.insert("tradingPartnerServiceId".to_owned(), Value::String(id));
        match parse_body(Value::Object(check), today()) {
            Ok(inquiry) => inquiries.push(inquiry),
            Err(ApiError::InvalidRequest(fields)) => {
                for field in fields {
                    if field.path == "tradingPartnerServiceId" {
                        errors.push(FieldError::new(
                            format!("tradingPartnerServiceIds[{index}]"),
                            field.message,
                        ));
                    } else if index == 0 {
                        errors.push(field);
                    }
                }
            }
            Err(other) => return Err(other),
        }
    }
    if errors.is_empty() {
        Ok((ids, strategy, inquiries))
    } else {
        Err(ApiError::InvalidRequest(errors))
    }
}

fn payer_ids(value: Option<Value>, errors: &mut Vec<FieldError>) -> Vec<String> {
    const FIELD: &str = "tradingPartnerServiceIds";
    let items = match value {
        Some(Value::Array(items)) if !items.is_empty() && items.len() <= MAX_DISCOVERY_PAYERS => {
            items
        }
        Some(Value::Array(items)) if !items.is_empty() => {
            errors.push(FieldError::new(
                FIELD,
                format!("must list at most {MAX_DISCOVERY_PAYERS} payers"),
            ));
            return Vec::new();
        }
        None | Some(Value::Null) => {
            errors.push(FieldError::new(FIELD, "is required: the payers to ask"));
            return Vec::new();
        }
        Some(_) => {
            errors.push(FieldError::new(
                FIELD,
                format!("must be an array of 1 to {MAX_DISCOVERY_PAYERS} payer ids"),
            ));
            return Vec::new();
        }
    };
    let mut seen = HashSet::new();
    let mut ids = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        match item {
            Value::String(id) if !seen.insert(id.trim().to_ascii_lowercase()) => errors.push(
                FieldError::new(format!("{FIELD}[{index}]"), "is listed twice"),
            ),
            Value::String(id) => ids.push(id),
            _ => errors.push(FieldError::new(
                format!("{FIELD}[{index}]"),
                "must be a string",
            )),
        }
    }
    ids
}
