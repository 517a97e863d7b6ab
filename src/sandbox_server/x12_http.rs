//! `POST /x12`: raw X12 over HTTP (`x12-http`): the 270 as the body, the 271 (or 999/TA1) as the answer.
//!
//! 1. HTTP Basic authentication when credentials are configured: 401 with `WWW-Authenticate` otherwise.
//! 2. `Content-Type` must be an X12 or text type (`application/edi-x12`, `application/x12`, `text/plain`,
//!    `application/octet-stream`): 415 otherwise.
//! 3. A body that is not X12 at all: 400 with a plain-text reason. Otherwise [`super::inquiry::answer`]
//!    answers, 200 with `application/edi-x12` (a 999 or TA1 is a 200 too, as most such endpoints send it).
use actix_web::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use secrecy::ExposeSecret;

use super::inquiry::{self, Reply};
use super::soap::NOT_X12;
use super::{content_type, finish, Answer, Decision, Exchange, Fault, Protocol, State};

const X12_TYPE: &str = "application/edi-x12";
const ACCEPTED_TYPES: &[&str] = &[
    "application/edi-x12",
    "application/x12",
    "text/plain",
    "application/octet-stream",
];

pub(super) async fn handle(
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<State>,
) -> HttpResponse {
    let content_type = content_type(&request);
    let mut exchange = Exchange::new(Protocol::X12Http, content_type.as_deref(), &body);
    let decision = decide(
        &state,
        &request,
        &mut exchange,
        content_type.as_deref(),
        &body,
    );
    finish(&request, &state, exchange, decision).await
}

fn decide(
    state: &State,
    request: &HttpRequest,
    exchange: &mut Exchange,
    content_type: Option<&str>,
    body: &[u8],
) -> Decision {
    let latency = state.latency();
    if let Some((username, password)) = &state.settings.basic {
        let accepted = basic_credentials(request).is_some_and(|(user, pass)| {
            user == *username && pass.as_str() == password.expose_secret()
        });
        if !accepted {
            exchange.refused = Some("credentials");
            return Decision::after(
                latency,
                Answer::text(StatusCode::UNAUTHORIZED, "authentication required")
                    .with_header(WWW_AUTHENTICATE, "Basic realm=\"sandbox-payer\""),
            );
        }
    }
    let media = content_type
        .and_then(|t| t.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !ACCEPTED_TYPES.contains(&media.as_str()) {
        exchange.refused = Some("content-type");
        return Decision::after(
            latency,
            Answer::text(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the body must be an X12 interchange (application/edi-x12)",
            ),
        );
    }
    exchange.x12 = Some(String::from_utf8_lossy(body).into_owned());

    let fault = state.fault(Protocol::X12Http);
    exchange.fault = fault.map(Fault::name);
    match fault {
        Some(Fault::Timeout) => {
            return Decision::after(latency, Answer::Hold(state.settings.payer.timeout_delay()))
        }
        Some(Fault::Reset) => return Decision::after(latency, Answer::Reset),
        Some(Fault::Http500) => {
            return Decision::after(
                latency,
                Answer::text(StatusCode::INTERNAL_SERVER_ERROR, "internal server error"),
            )
        }
        Some(Fault::NotX12) => {
            return Decision::after(latency, Answer::new(StatusCode::OK, "text/html", NOT_X12))
        }
        _ => {}
    }

    let outcome = inquiry::answer(state, body, fault);
    exchange.scenario = outcome.scenario.map(|s| s.name());
    exchange.refused = outcome.refused;
    let answer = match outcome.reply {
        Reply::X12(x12, _) => Answer::new(StatusCode::OK, X12_TYPE, x12),
        Reply::NotX12(message) => {
            exchange.x12 = None;
            Answer::text(StatusCode::BAD_REQUEST, &message)
        }
        Reply::NoAnswer => Answer::Hold(std::time::Duration::ZERO),
        Reply::Failure(message) => Answer::text(StatusCode::INTERNAL_SERVER_ERROR, &message),
    };
    Decision {
        answer,
        delay: outcome.delay,
        member: outcome.member,
        oversize: fault == Some(Fault::Oversize),
    }
}

/// The user name and password of an `Authorization: Basic` header.
pub(super) fn basic_credentials(request: &HttpRequest) -> Option<(String, String)> {
    let value = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}
