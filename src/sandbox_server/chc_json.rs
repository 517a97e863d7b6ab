//! `chc-json`: the "medical network eligibility v3" JSON API with OAuth2 client credentials, answered the way
//! the gateway's own API answers.
//!
//! - `POST /oauth/token`: `grant_type=client_credentials` with the client id and secret in the form or in
//!   HTTP Basic; a random bearer token valid `token_lifetime_s`. Errors are RFC 6749's: 400
//!   `unsupported_grant_type`, 401 `invalid_client`.
//! - `POST /eligibility` (and `/change/medicalnetwork/eligibility/v3`): the bearer token must be one issued
//!   and unexpired (401 with `WWW-Authenticate: Bearer error="invalid_token"`); the body is validated as our
//!   API validates it (400 with the fields); the scenario's normalized answer
//!   (`SandboxPayer::normalized_answer`) is sent in our response shape with our `meta`, HTTP 200 even when
//!   it carries AAA rejections in `errors`, as the v3 API answers them (the gateway turns those into its
//!   422 / 503 itself). The malformed scenario sends the JSON cut in half, the 999 scenario a 422 with the
//!   999's normalized errors (our error shape), the timeout scenario nothing.
use std::time::{Duration, Instant};

use actix_web::http::header::WWW_AUTHENTICATE;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use chrono::Utc;
use payer_core::{EligibilityRequest, PayerErrorInfo};
use payer_sandbox::Scenario;
use payer_x12::envelope::InterchangeHeader;
use payer_x12::inquiry::encode_270;
use payer_x12::Reply;
use secrecy::ExposeSecret;

use super::soap::NOT_X12;
use super::x12_http::basic_credentials;
use super::{content_type, finish, Answer, Decision, Exchange, Fault, Protocol, State};
use crate::error::ApiError;
use crate::router::{CacheMeta, Meta};
use crate::routes::eligibility::{parse_body, today, CheckBody};

const JSON: &str = "application/json";

/// `POST /oauth/token`.
pub(super) async fn token(
    request: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
    state: web::Data<State>,
) -> HttpResponse {
    let field = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    if field("grant_type").as_deref() != Some("client_credentials") {
        state.stats.token(Some("grant-type"));
        return HttpResponse::BadRequest()
            .json(serde_json::json!({"error": "unsupported_grant_type"}));
    }
    let presented = basic_credentials(&request)
        .or_else(|| Some((field("client_id")?, field("client_secret")?)));
    if let Some((client_id, secret)) = &state.settings.client {
        let accepted = presented
            .as_ref()
            .is_some_and(|(id, s)| id == client_id && s.as_str() == secret.expose_secret());
        if !accepted {
            state.stats.token(Some("client-credentials"));
            return HttpResponse::Unauthorized()
                .insert_header((WWW_AUTHENTICATE, "Basic realm=\"sandbox-payer\""))
                .json(serde_json::json!({"error": "invalid_client"}));
        }
    }
    let token = uuid::Uuid::new_v4().simple().to_string();
    let lifetime = state.settings.token_lifetime;
    if let Ok(mut tokens) = state.tokens.lock() {
        let now = Instant::now();
        tokens.retain(|_, expiry| *expiry > now);
        tokens.insert(token.clone(), now + lifetime);
    }
    state.stats.token(None);
    HttpResponse::Ok().json(serde_json::json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
    }))
}

/// `POST /eligibility`.
pub(super) async fn eligibility(
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<State>,
) -> HttpResponse {
    let content_type = content_type(&request);
    let mut exchange = Exchange::new(Protocol::ChcJson, content_type.as_deref(), &body);
    let decision = decide(&state, &request, &mut exchange, &body);
    finish(&request, &state, exchange, decision).await
}

fn decide(state: &State, request: &HttpRequest, exchange: &mut Exchange, body: &[u8]) -> Decision {
    let latency = state.latency();
    if !bearer_accepted(state, request) {
        exchange.refused = Some("credentials");
        let answer = Answer::new(
            StatusCode::UNAUTHORIZED,
            JSON,
            serde_json::json!({"error": {"code": "unauthorized", "message": "the access token is missing, unknown or expired"}})
                .to_string(),
        )
        .with_header(WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
        return Decision::after(latency, answer);
    }
    let inquiry = match read_inquiry(state, body) {
        Ok(inquiry) => inquiry,
        Err(error) => {
            exchange.refused = Some("invalid-request");
            return Decision::after(latency, Answer::from_response(error.error_response()));
        }
    };
    let member = inquiry
        .subscriber
        .member_id
        .as_ref()
        .map(|id| id.expose().clone());

    let fault = state.fault(Protocol::ChcJson);
    exchange.fault = fault.map(Fault::name);
    let with_member = |mut decision: Decision| {
        decision.member = member.clone();
        decision.oversize = fault == Some(Fault::Oversize);
        decision
    };
    match fault {
        Some(Fault::Timeout) => {
            return with_member(Decision::after(
                latency,
                Answer::Hold(state.settings.payer.timeout_delay()),
            ))
        }
        Some(Fault::Reset) => return with_member(Decision::after(latency, Answer::Reset)),
        Some(Fault::Http500) => {
            return with_member(Decision::after(
                latency,
                Answer::text(StatusCode::INTERNAL_SERVER_ERROR, "internal server error"),
            ))
        }
        Some(Fault::NotX12) => {
            return with_member(Decision::after(
                latency,
                Answer::new(StatusCode::OK, "text/html", NOT_X12),
            ))
        }
        _ => {}
    }
    let scenario = if fault == Some(Fault::Aaa42) {
        Scenario::PayerUnavailable
    } else {
        payer_sandbox::scenario_for_request(&inquiry)
    };
    exchange.scenario = Some(scenario.name());
    let (delay, answer) = match scenario {
        Scenario::Timeout => (
            state.settings.payer.timeout_delay(),
            Answer::Hold(Duration::ZERO),
        ),
        Scenario::Rejected999 => (latency, rejection(state, &inquiry)),
        Scenario::Slow => (
            latency + state.settings.payer.slow_delay(),
            answer(state, &inquiry, scenario, latency),
        ),
        Scenario::Malformed => (
            latency,
            truncated(answer(state, &inquiry, scenario, latency)),
        ),
        _ => (latency, answer(state, &inquiry, scenario, latency)),
    };
    with_member(Decision::after(delay, answer))
}

fn bearer_accepted(state: &State, request: &HttpRequest) -> bool {
    let Some(token) = request
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned())
    else {
        return false;
    };
    state
        .tokens
        .lock()
        .map(|tokens| {
            tokens
                .get(&token)
                .is_some_and(|expiry| *expiry > Instant::now())
        })
        .unwrap_or(false)
}

/// The body as our API reads it, and the payer it names when a receiver id is configured.
fn read_inquiry(state: &State, body: &[u8]) -> Result<EligibilityRequest, ApiError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| ApiError::BadRequest {
            code: "invalid_json",
            message: "the body is not JSON".to_owned(),
            fields: Vec::new(),
        })?;
    let inquiry = parse_body(value, today())?;
    if let Some(expected) = &state.settings.receiver_id {
        if !inquiry.payer_id.eq_ignore_ascii_case(expected) {
            return Err(ApiError::UnknownPayer {
                field: "tradingPartnerServiceId",
                requested: inquiry.payer_id.clone(),
                close_matches: vec![expected.clone()],
            });
        }
    }
    Ok(inquiry)
}

/// The scenario's normalized answer in our shape, with the status our API gives it.
fn answer(
    state: &State,
    inquiry: &EligibilityRequest,
    scenario: Scenario,
    latency: Duration,
) -> Answer {
    let mut response = state.payer.normalized_answer_as(inquiry, scenario);
    response.coverage = payer_x12::summarize(&response);
    let body = CheckBody {
        response,
        meta: Meta {
            trace_id: uuid::Uuid::new_v4().simple().to_string(),
            cache: CacheMeta {
                hit: false,
                age_seconds: None,
                stale: false,
            },
            payer_latency_ms: Some(u64::try_from(latency.as_millis()).unwrap_or(u64::MAX)),
            attempts: 1,
            x12: Vec::new(),
        },
    };
    match serde_json::to_vec(&body) {
        Ok(json) => Answer::new(StatusCode::OK, JSON, json),
        Err(_) => Answer::text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the answer could not be serialized",
        ),
    }
}

/// The 999 scenario: a 422 with the normalized errors of the 999 the payer writes for the inquiry.
fn rejection(state: &State, inquiry: &EligibilityRequest) -> Answer {
    let errors = rejection_errors(state, inquiry);
    if errors.is_empty() {
        return Answer::text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the 999 could not be built",
        );
    }
    Answer::from_response(ApiError::PayerRejected { errors }.error_response())
}

fn rejection_errors(state: &State, inquiry: &EligibilityRequest) -> Vec<PayerErrorInfo> {
    let control = state
        .next_control
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        % 999_999_999
        + 1;
    let header = InterchangeHeader::new("SUBMITTER", "SANDBOX", control, Utc::now().naive_utc());
    let Ok(x12) = encode_270(inquiry, &header) else {
        return Vec::new();
    };
    match state
        .payer
        .respond_as(x12.as_bytes(), Scenario::Rejected999)
        .body
    {
        payer_sandbox::AnswerBody::X12(ack) => match payer_x12::decode(ack.as_bytes()) {
            Ok(Reply::Rejected(errors)) => errors,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The malformed scenario: the JSON answer cut in half.
fn truncated(answer: Answer) -> Answer {
    match answer {
        Answer::Http {
            status,
            content_type,
            headers,
            mut body,
        } => {
            body.truncate(body.len() / 2);
            Answer::Http {
                status,
                content_type,
                headers,
                body,
            }
        }
        other => other,
    }
}
