//! `POST /core/soap`: the CAQH CORE SOAP 1.2 receiver (`x12-core-soap`).
//!
//! 1. `Content-Type` must be `application/soap+xml` (SOAP 1.2); `text/xml` is SOAP 1.1: a `VersionMismatch`
//!    fault (HTTP 500, as the SOAP 1.2 HTTP binding has it), anything else 415.
//! 2. The envelope must parse with every CORE field (a `soap:Sender` fault with subcode `<Field>Required`,
//!    HTTP 400); the UsernameToken must match the configured credentials (HTTP 401, fault subcode
//!    `UnAuthorized`).
//! 3. `envelope::check_request` and the configured receiver id: a CORE error answer (`ErrorCode` such as
//!    `PayloadTypeIllegal`, `VersionMismatch`, `ReceiverIDIllegal`), HTTP 200, no payload.
//! 4. The payload goes to [`super::inquiry::answer`]; its 271, 999 or TA1 comes back with `ErrorCode`
//!    `Success` and the matching `PayloadType`.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use payer_core_connectivity::envelope::{
    CoreRequest, CoreResponse, EnvelopeError, PAYLOAD_TYPE_271,
};
use payer_core_connectivity::soap::{self, FaultCode, SoapFault};
use secrecy::ExposeSecret;

use super::inquiry::{self, Reply};
use super::{content_type, finish, Answer, Decision, Exchange, Fault, Protocol, State};

const SOAP_TYPE: &str = "application/soap+xml; charset=utf-8";

pub(super) async fn handle(
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<State>,
) -> HttpResponse {
    let content_type = content_type(&request);
    let mut exchange = Exchange::new(Protocol::CoreSoap, content_type.as_deref(), &body);
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
    let media = content_type
        .and_then(|t| t.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if media == "text/xml" {
        exchange.refused = Some("soap-version");
        return Decision::after(
            latency,
            fault(
                StatusCode::INTERNAL_SERVER_ERROR,
                FaultCode::VersionMismatch,
                None,
                "this endpoint speaks SOAP 1.2 (application/soap+xml)",
            ),
        );
    }
    if media != "application/soap+xml" {
        exchange.refused = Some("content-type");
        return Decision::after(
            latency,
            Answer::text(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the body must be a SOAP 1.2 envelope (application/soap+xml)",
            ),
        );
    }
    let parsed = match soap::parse_request(body) {
        Ok(parsed) => parsed,
        Err(error) => {
            exchange.refused = Some("envelope");
            let answer = match &error {
                EnvelopeError::NotSoap12(_) => fault(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    FaultCode::VersionMismatch,
                    None,
                    &error.to_string(),
                ),
                _ => fault(
                    StatusCode::BAD_REQUEST,
                    FaultCode::Sender,
                    Some(error.core_error_code()),
                    &error.to_string(),
                ),
            };
            return Decision::after(latency, answer);
        }
    };
    let core = parsed.envelope;
    if let Some((username, password)) = &state.settings.basic {
        let accepted = parsed.credentials.as_ref().is_some_and(|c| {
            c.username == *username && c.password.expose_secret() == password.expose_secret()
        });
        if !accepted {
            exchange.refused = Some("credentials");
            return Decision::after(
                latency,
                fault(
                    StatusCode::UNAUTHORIZED,
                    FaultCode::Sender,
                    Some("UnAuthorized".to_owned()),
                    "the UsernameToken is missing or its user name and password are not accepted",
                ),
            );
        }
    }
    if let Err((code, message)) = check(state, &core) {
        exchange.refused = Some("envelope");
        return Decision::after(
            latency,
            envelope(&CoreResponse::error(&core, &code, &message)),
        );
    }
    exchange.x12 = Some(core.payload.clone());

    let fault_drawn = state.fault(Protocol::CoreSoap);
    exchange.fault = fault_drawn.map(Fault::name);
    match fault_drawn {
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
        Some(Fault::SoapFault) => {
            return Decision::after(
                latency,
                fault(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    FaultCode::Receiver,
                    None,
                    "the eligibility system is temporarily unavailable",
                ),
            )
        }
        Some(Fault::NotX12) => {
            let answer = CoreResponse::answer(&core, PAYLOAD_TYPE_271, NOT_X12);
            return Decision::after(latency, envelope(&answer));
        }
        _ => {}
    }

    let outcome = inquiry::answer(state, core.payload.as_bytes(), fault_drawn);
    exchange.scenario = outcome.scenario.map(|s| s.name());
    exchange.refused = outcome.refused;
    let answer = match outcome.reply {
        Reply::X12(x12, kind) => {
            let response = CoreResponse::answer(&core, kind.payload_type(), x12);
            if fault_drawn == Some(Fault::MissingField) {
                without_payload_id(envelope(&response))
            } else {
                envelope(&response)
            }
        }
        Reply::NotX12(message) => envelope(&CoreResponse::error(&core, "PayloadIllegal", &message)),
        Reply::NoAnswer => Answer::Hold(std::time::Duration::ZERO),
        Reply::Failure(message) => fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            FaultCode::Receiver,
            None,
            &message,
        ),
    };
    Decision {
        answer,
        delay: outcome.delay,
        member: outcome.member,
        oversize: fault_drawn == Some(Fault::Oversize),
    }
}

/// A body that is not X12, as a misconfigured payer gateway sends it.
pub(super) const NOT_X12: &str =
    "<html><head><title>503 Service Unavailable</title></head><body>Service Unavailable</body></html>";

/// `envelope::check_request`, then the configured receiver id.
pub(super) fn check(state: &State, core: &CoreRequest) -> Result<(), (String, String)> {
    payer_core_connectivity::envelope::check_request(core)?;
    match &state.settings.receiver_id {
        Some(expected) if !core.receiver_id.trim().eq_ignore_ascii_case(expected) => Err((
            "ReceiverIDIllegal".to_owned(),
            "ReceiverID does not name this payer".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// A response envelope, HTTP 200.
fn envelope(response: &CoreResponse) -> Answer {
    match soap::build_response(response) {
        Ok(xml) => Answer::new(StatusCode::OK, SOAP_TYPE, xml),
        Err(error) => fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            FaultCode::Receiver,
            None,
            &format!("the answer could not be enveloped: {error}"),
        ),
    }
}

/// A SOAP fault with `status`.
fn fault(status: StatusCode, code: FaultCode, subcode: Option<String>, reason: &str) -> Answer {
    let fault = SoapFault {
        code,
        subcode,
        reason: reason.to_owned(),
    };
    match soap::build_fault(&fault) {
        Ok(xml) => Answer::new(status, SOAP_TYPE, xml),
        Err(_) => Answer::text(StatusCode::INTERNAL_SERVER_ERROR, "SOAP fault"),
    }
}

/// The `missing_field` fault: the same envelope without its `PayloadID` element.
fn without_payload_id(answer: Answer) -> Answer {
    match answer {
        Answer::Http {
            status,
            content_type,
            headers,
            body,
        } => {
            let text = String::from_utf8_lossy(&body);
            let stripped = match (text.find("<PayloadID>"), text.find("</PayloadID>")) {
                (Some(start), Some(end)) if end > start => {
                    let end = end + "</PayloadID>".len();
                    format!(
                        "{}{}",
                        text.get(..start).unwrap_or(""),
                        text.get(end..).unwrap_or("")
                    )
                }
                _ => text.into_owned(),
            };
            Answer::Http {
                status,
                content_type,
                headers,
                body: stripped.into_bytes(),
            }
        }
        other => other,
    }
}
