//! `POST /core/mime`: the CAQH CORE HTTP MIME multipart receiver (`x12-core-mime`).
//!
//! 1. The body must be `multipart/form-data` with every CORE part: otherwise HTTP 400 and an error form
//!    (`ErrorCode` `<Field>Required`, or `PayloadIllegal` for an unusable form).
//! 2. `UserName`/`Password` must match the configured credentials: HTTP 401, `ErrorCode` `UnAuthorized`.
//! 3. `envelope::check_request` and the configured receiver id: HTTP 200 with the CORE `ErrorCode`.
//! 4. The payload goes to [`super::inquiry::answer`]; its 271, 999 or TA1 comes back in a form with
//!    `ErrorCode` `Success`.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use payer_core_connectivity::envelope::{
    timestamp, CoreRequest, CoreResponse, ERROR_CODE_UNAUTHORIZED, PAYLOAD_TYPE_271,
};
use payer_core_connectivity::mime;
use secrecy::ExposeSecret;

use super::inquiry::{self, Reply};
use super::soap::{check, NOT_X12};
use super::{content_type, finish, Answer, Decision, Exchange, Fault, Protocol, State};

pub(super) async fn handle(
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<State>,
) -> HttpResponse {
    let content_type = content_type(&request);
    let mut exchange = Exchange::new(Protocol::CoreMime, content_type.as_deref(), &body);
    let decision = decide(&state, &mut exchange, content_type.as_deref(), &body);
    finish(&request, &state, exchange, decision).await
}

fn decide(
    state: &State,
    exchange: &mut Exchange,
    content_type: Option<&str>,
    body: &[u8],
) -> Decision {
    let latency = state.latency();
    let parsed = match mime::parse_request(content_type.unwrap_or_default(), body) {
        Ok(parsed) => parsed,
        Err(error) => {
            exchange.refused = Some("envelope");
            let answer = CoreResponse::error(
                &placeholder(state),
                &error.core_error_code(),
                &error.to_string(),
            );
            return Decision::after(latency, form(StatusCode::BAD_REQUEST, &answer));
        }
    };
    let core = parsed.envelope;
    if let Some((username, password)) = &state.settings.basic {
        let accepted = parsed.credentials.as_ref().is_some_and(|c| {
            c.username == *username && c.password.expose_secret() == password.expose_secret()
        });
        if !accepted {
            exchange.refused = Some("credentials");
            let answer = CoreResponse::error(
                &core,
                ERROR_CODE_UNAUTHORIZED,
                "the UserName and Password are missing or not accepted",
            );
            return Decision::after(latency, form(StatusCode::UNAUTHORIZED, &answer));
        }
    }
    if let Err((code, message)) = check(state, &core) {
        exchange.refused = Some("envelope");
        let answer = CoreResponse::error(&core, &code, &message);
        return Decision::after(latency, form(StatusCode::OK, &answer));
    }
    exchange.x12 = Some(core.payload.clone());

    let fault = state.fault(Protocol::CoreMime);
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
            let answer = CoreResponse::answer(&core, PAYLOAD_TYPE_271, NOT_X12);
            return Decision::after(latency, form(StatusCode::OK, &answer));
        }
        _ => {}
    }

    let outcome = inquiry::answer(state, core.payload.as_bytes(), fault);
    exchange.scenario = outcome.scenario.map(|s| s.name());
    exchange.refused = outcome.refused;
    let answer = match outcome.reply {
        Reply::X12(x12, kind) => {
            let response = CoreResponse::answer(&core, kind.payload_type(), x12);
            let answer = form(StatusCode::OK, &response);
            if fault == Some(Fault::MissingField) {
                without_part(answer, "PayloadID")
            } else {
                answer
            }
        }
        Reply::NotX12(message) => form(
            StatusCode::OK,
            &CoreResponse::error(&core, "PayloadIllegal", &message),
        ),
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

/// What an error answer to an unreadable form is addressed as.
fn placeholder(state: &State) -> CoreRequest {
    CoreRequest::real_time_270(
        uuid::Uuid::new_v4().to_string(),
        timestamp(Utc::now()),
        "UNKNOWN",
        state.settings.payer_id.clone(),
        "",
    )
}

/// A response form with `status`.
fn form(status: StatusCode, response: &CoreResponse) -> Answer {
    match mime::build_response(response) {
        Ok(form) => Answer::new(status, &form.content_type, form.body),
        Err(error) => Answer::text(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("the answer could not be enveloped: {error}"),
        ),
    }
}

/// The `missing_field` fault: the same form without the part `name`.
fn without_part(answer: Answer, name: &str) -> Answer {
    let Answer::Http {
        status,
        content_type,
        headers,
        body,
    } = answer
    else {
        return answer;
    };
    let boundary = content_type
        .split_once("boundary=")
        .map(|(_, b)| b.trim().trim_matches('"').to_owned())
        .unwrap_or_default();
    let delimiter = format!("--{boundary}");
    let text = String::from_utf8_lossy(&body).into_owned();
    let marker = format!("name=\"{name}\"");
    let stripped = text
        .find(&marker)
        .and_then(|at| {
            let start = text.get(..at)?.rfind(&delimiter)?;
            let end = at + text.get(at..)?.find(&delimiter)?;
            Some(format!("{}{}", text.get(..start)?, text.get(end..)?))
        })
        .unwrap_or(text);
    Answer::Http {
        status,
        content_type,
        headers,
        body: stripped.into_bytes(),
    }
}
