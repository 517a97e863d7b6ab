//! The CORE adapter over HTTP against an in-test server (wiremock): what it sends, and every kind of answer
//! it can get (271, AAA, 999, fault, ErrorCode, HTTP errors, garbage, slowness, size).
use std::time::Duration;

use payer_core::{AdapterError, CoverageStatus, PayerAdapter};
use payer_core_connectivity::envelope::{
    CoreRequest, CoreResponse, PAYLOAD_TYPE_271, PAYLOAD_TYPE_999,
};
use payer_core_connectivity::soap::{self, FaultCode, SoapFault};
use payer_core_connectivity::{mime, CoreAdapter, CoreConfig, CoreEnvelope};
use payer_transport::ConfigError;
use secrecy::ExposeSecret;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;

fn config(url: &str) -> CoreConfig {
    serde_json::from_value(json!({
        "url": url,
        "sender_id": "SUBMITTER01",
        "receiver_id": "ACMEHEALTH",
        "receiver_qualifier": "30",
        "usage": "T",
        "username": "submitter01",
        "password_env": "ACME_CORE_PASSWORD",
        "request_timeout_ms": 500,
        "max_response_bytes": 20000
    }))
    .unwrap()
}

fn env(var: &str) -> Option<String> {
    (var == "ACME_CORE_PASSWORD").then(|| "s3cret&<".to_owned())
}

fn adapter(server: &MockServer, envelope: CoreEnvelope) -> CoreAdapter {
    let url = format!("{}/core", server.uri());
    CoreAdapter::with_env("ACME", &config(&url), envelope, &env).unwrap()
}

/// An answer to any request: the envelope's PayloadID is not the request's, which the adapter tolerates.
fn any_request() -> CoreRequest {
    CoreRequest::real_time_270(
        "id",
        "2024-03-15T10:20:30Z",
        "SUBMITTER01",
        "ACMEHEALTH",
        "ISA~",
    )
}

fn soap_answer(response: &CoreResponse) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        soap::build_response(response).unwrap(),
        "application/soap+xml; charset=utf-8",
    )
}

fn mime_answer(response: &CoreResponse) -> ResponseTemplate {
    let form = mime::build_response(response).unwrap();
    ResponseTemplate::new(200).set_body_raw(form.body, form.content_type.as_str())
}

async fn serve(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/core"))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn soap_sends_a_valid_envelope_and_reads_the_271() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/core"))
        .and(header("content-type", soap::SOAP_CONTENT_TYPE))
        .respond_with(soap_answer(&CoreResponse::answer(
            &any_request(),
            PAYLOAD_TYPE_271,
            common::ACTIVE_271,
        )))
        .mount(&server)
        .await;
    let adapter = adapter(&server, CoreEnvelope::Soap);
    assert_eq!(adapter.payer_id(), "ACME");
    let reply = adapter.check(&common::request()).await.unwrap();
    assert_eq!(reply.response.coverage.status, CoverageStatus::Active);
    assert_eq!(
        reply.exchange.raw.as_deref(),
        Some(common::ACTIVE_271.trim())
    );

    let received = server.received_requests().await.unwrap();
    let sent = soap::parse_request(&received[0].body).unwrap();
    let core = &sent.envelope;
    assert_eq!(core.payload_type, "X12_270_Request_005010X279A1");
    assert_eq!(core.processing_mode, "RealTime");
    assert_eq!(core.core_rule_version, "2.2.0");
    assert_eq!(
        (core.sender_id.as_str(), core.receiver_id.as_str()),
        ("SUBMITTER01", "ACMEHEALTH")
    );
    assert!(payer_core_connectivity::envelope::check_request(core).is_ok());
    assert_eq!(core.payload_id.len(), 36, "a UUID");
    assert_eq!(
        reply.exchange.payload_id.as_deref(),
        Some(core.payload_id.as_str())
    );
    let creds = sent.credentials.unwrap();
    assert_eq!(
        (creds.username.as_str(), creds.password.expose_secret()),
        ("submitter01", "s3cret&<")
    );
    // The 270 inside matches the inquiry and the control numbers reported.
    let inquiries = payer_x12::inquiry::decode_270(core.payload.as_bytes()).unwrap();
    assert_eq!(inquiries, vec![common::request()]);
    let icn = reply.exchange.interchange_control_number.clone().unwrap();
    assert!(
        core.payload.contains(&format!("*{icn}*0*T*:~")),
        "ISA13 {icn}"
    );
    assert!(core.payload.contains("*30*ACMEHEALTH     *"), "ISA07/ISA08");
    assert_eq!(
        reply.exchange.transaction_set_control_number.as_deref(),
        Some("123456789")
    );

    // A second call gets a fresh PayloadID and interchange control number.
    let again = adapter.check(&common::request()).await.unwrap();
    assert_ne!(again.exchange.payload_id, reply.exchange.payload_id);
    assert_ne!(
        again.exchange.interchange_control_number,
        reply.exchange.interchange_control_number
    );
}

#[tokio::test]
async fn mime_sends_a_form_and_reads_the_271() {
    let server = serve(mime_answer(&CoreResponse::answer(
        &any_request(),
        PAYLOAD_TYPE_271,
        common::ACTIVE_271,
    )))
    .await;
    let adapter = adapter(&server, CoreEnvelope::Mime);
    let reply = adapter.check(&common::request()).await.unwrap();
    assert_eq!(reply.response.coverage.status, CoverageStatus::Active);
    let received = server.received_requests().await.unwrap();
    let content_type = received[0]
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    let sent = mime::parse_request(content_type, &received[0].body).unwrap();
    assert_eq!(sent.envelope.payload_type, "X12_270_Request_005010X279A1");
    assert_eq!(
        reply.exchange.payload_id.as_deref(),
        Some(sent.envelope.payload_id.as_str())
    );
    assert_eq!(
        sent.credentials.unwrap().password.expose_secret(),
        "s3cret&<"
    );
    assert_eq!(
        payer_x12::inquiry::decode_270(sent.envelope.payload.as_bytes()).unwrap(),
        vec![common::request()]
    );
}

#[tokio::test]
async fn an_aaa_is_an_answer_and_a_999_a_rejection() {
    for envelope in [CoreEnvelope::Soap, CoreEnvelope::Mime] {
        let answer = |payload_type: &str, payload: &str| {
            let r = CoreResponse::answer(&any_request(), payload_type, payload);
            if envelope == CoreEnvelope::Soap {
                soap_answer(&r)
            } else {
                mime_answer(&r)
            }
        };
        let server = serve(answer(PAYLOAD_TYPE_271, common::AAA72_271)).await;
        let reply = adapter(&server, envelope)
            .check(&common::request())
            .await
            .unwrap();
        assert_eq!(reply.response.coverage.status, CoverageStatus::Rejected);
        let server = serve(answer(PAYLOAD_TYPE_999, &common::rejection_999())).await;
        let err = adapter(&server, envelope)
            .check(&common::request())
            .await
            .unwrap_err();
        assert!(
            matches!(err, AdapterError::Rejected { .. }),
            "{envelope:?}: {err:?}"
        );
        let server = serve(answer(PAYLOAD_TYPE_271, "this is not X12")).await;
        match adapter(&server, envelope)
            .check(&common::request())
            .await
            .unwrap_err()
        {
            AdapterError::Malformed { raw, .. } => {
                assert_eq!(raw.as_deref(), Some("this is not X12"))
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn error_codes_and_faults_are_envelope_errors() {
    let server = serve(soap_answer(&CoreResponse::error(
        &any_request(),
        "UnAuthorized",
        "wrong password",
    )))
    .await;
    match adapter(&server, CoreEnvelope::Soap)
        .check(&common::request())
        .await
        .unwrap_err()
    {
        AdapterError::Envelope {
            code,
            message,
            retryable,
        } => {
            assert_eq!(
                (code.as_str(), message.as_str(), retryable),
                ("UnAuthorized", "wrong password", false)
            );
        }
        other => panic!("{other:?}"),
    }
    let server = serve(mime_answer(&CoreResponse::error(
        &any_request(),
        "ServerBusy",
        "later",
    )))
    .await;
    let err = adapter(&server, CoreEnvelope::Mime)
        .check(&common::request())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AdapterError::Envelope { code, retryable: true, .. } if code == "ServerBusy"),
        "{err:?}"
    );

    let fault = soap::build_fault(&SoapFault {
        code: FaultCode::Receiver,
        subcode: Some("ServiceUnavailable".into()),
        reason: "maintenance".into(),
    })
    .unwrap();
    let server =
        serve(ResponseTemplate::new(500).set_body_raw(fault, "application/soap+xml")).await;
    let err = adapter(&server, CoreEnvelope::Soap)
        .check(&common::request())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AdapterError::Envelope { code, retryable: true, .. } if code == "ServiceUnavailable"),
        "{err:?}"
    );
}

#[tokio::test]
async fn http_failures_map_onto_adapter_errors() {
    let server = serve(ResponseTemplate::new(503).set_body_string("<html>down</html>")).await;
    let err = adapter(&server, CoreEnvelope::Soap)
        .check(&common::request())
        .await
        .unwrap_err();
    assert!(
        matches!(err, AdapterError::HttpStatus { status: 503 }),
        "{err:?}"
    );
    let server = serve(ResponseTemplate::new(401)).await;
    let err = adapter(&server, CoreEnvelope::Mime)
        .check(&common::request())
        .await
        .unwrap_err();
    assert!(matches!(err, AdapterError::Credentials(_)), "{err:?}");
    let server = serve(ResponseTemplate::new(200).set_body_string("<html>hello</html>")).await;
    let err = adapter(&server, CoreEnvelope::Soap)
        .check(&common::request())
        .await
        .unwrap_err();
    assert!(
        matches!(err, AdapterError::Malformed { raw: Some(_), .. }),
        "{err:?}"
    );
    let server = serve(ResponseTemplate::new(200).set_delay(Duration::from_secs(3))).await;
    let err = adapter(&server, CoreEnvelope::Soap)
        .check(&common::request())
        .await
        .unwrap_err();
    assert!(matches!(err, AdapterError::Timeout(_)), "{err:?}");
    let big = CoreResponse::answer(&any_request(), PAYLOAD_TYPE_271, "X".repeat(30_000));
    let server = serve(soap_answer(&big)).await;
    match adapter(&server, CoreEnvelope::Soap)
        .check(&common::request())
        .await
        .unwrap_err()
    {
        AdapterError::Malformed { detail, .. } => assert_eq!(detail, "response over 20000 bytes"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_envelope_missing_a_field_or_the_payload_is_malformed() {
    let good = soap::build_response(&CoreResponse::answer(
        &any_request(),
        PAYLOAD_TYPE_271,
        common::ACTIVE_271,
    ))
    .unwrap();
    let start = good.find("<PayloadID>").unwrap();
    let end = good.find("</PayloadID>").unwrap() + "</PayloadID>".len();
    let without = format!("{}{}", &good[..start], &good[end..]);
    let server =
        serve(ResponseTemplate::new(200).set_body_raw(without, "application/soap+xml")).await;
    match adapter(&server, CoreEnvelope::Soap)
        .check(&common::request())
        .await
        .unwrap_err()
    {
        AdapterError::Malformed { detail, .. } => assert!(detail.contains("PayloadID"), "{detail}"),
        other => panic!("{other:?}"),
    }
    let mut empty = CoreResponse::answer(&any_request(), PAYLOAD_TYPE_271, "");
    empty.payload = None;
    let server = serve(soap_answer(&empty)).await;
    let err = adapter(&server, CoreEnvelope::Soap)
        .check(&common::request())
        .await
        .unwrap_err();
    assert!(matches!(err, AdapterError::Malformed { .. }), "{err:?}");
}

#[test]
fn the_configuration_is_strict_and_names_what_is_missing() {
    let mut value = serde_json::to_value(config("https://payer.example/core")).unwrap();
    value["colour"] = json!("blue");
    assert!(
        serde_json::from_value::<CoreConfig>(value).is_err(),
        "unknown fields are refused"
    );
    let minimal: CoreConfig = serde_json::from_value(json!({
        "url": "https://payer.example/core", "sender_id": "S", "receiver_id": "R", "usage": "P",
        "username": "u", "password_env": "X_PASSWORD"
    }))
    .unwrap();
    assert_eq!(
        minimal.connect_timeout_ms,
        payer_transport::DEFAULT_CONNECT_TIMEOUT_MS
    );
    assert_eq!(minimal.sender_qualifier, "ZZ");
    assert!(serde_json::from_value::<CoreConfig>(json!({"url": "https://x"})).is_err());
    match CoreAdapter::with_env("ACME", &minimal, CoreEnvelope::Soap, &|_| None) {
        Err(ConfigError::MissingEnv { var, .. }) => assert_eq!(var, "X_PASSWORD"),
        other => panic!("{other:?}"),
    }
    let long = CoreConfig {
        sender_id: "S".repeat(16),
        ..minimal.clone()
    };
    assert!(CoreAdapter::with_env("ACME", &long, CoreEnvelope::Soap, &env).is_err());
    let bad_url = CoreConfig {
        url: "payer.example".into(),
        ..minimal
    };
    assert!(CoreAdapter::with_env("ACME", &bad_url, CoreEnvelope::Soap, &env).is_err());
}

#[test]
fn the_config_nests_under_an_internally_tagged_transport_enum() {
    #[derive(serde::Deserialize)]
    #[serde(tag = "kind", rename_all = "kebab-case")]
    enum Transport {
        X12CoreSoap(CoreConfig),
    }
    let t: Transport = serde_json::from_value(json!({
        "kind": "x12-core-soap", "url": "https://payer.example/core", "sender_id": "S", "receiver_id": "R",
        "usage": "P", "username": "u", "password_env": "X_PASSWORD"
    }))
    .unwrap();
    let Transport::X12CoreSoap(c) = t;
    assert_eq!(c.receiver_id, "R");
}
