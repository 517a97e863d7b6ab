//! The raw X12 over HTTP adapter against an in-test server: what it sends and every kind of answer.
use std::time::Duration;

use payer_core::{AdapterError, CoverageStatus, PayerAdapter};
use payer_http::{X12HttpAdapter, X12HttpConfig};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;

fn config(url: &str) -> X12HttpConfig {
    serde_json::from_value(json!({
        "url": url, "sender_id": "SUBMITTER01", "receiver_id": "CLEARHOUSE", "usage": "T",
        "username": "submitter01", "password_env": "CH_PASSWORD",
        "request_timeout_ms": 500, "max_response_bytes": 20000
    }))
    .unwrap()
}

fn env(var: &str) -> Option<String> {
    (var == "CH_PASSWORD").then(|| "s3cret".to_owned())
}

async fn serve(template: ResponseTemplate) -> (MockServer, X12HttpAdapter) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/270"))
        .respond_with(template)
        .mount(&server)
        .await;
    let adapter =
        X12HttpAdapter::with_env("ACME", &config(&format!("{}/270", server.uri())), &env).unwrap();
    (server, adapter)
}

fn x12(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/edi-x12")
}

#[tokio::test]
async fn sends_the_270_and_reads_the_271() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/270"))
        .and(header("content-type", "application/edi-x12"))
        // "submitter01:s3cret" in Basic authentication.
        .and(header("authorization", "Basic c3VibWl0dGVyMDE6czNjcmV0"))
        .respond_with(x12(common::ACTIVE_271))
        .mount(&server)
        .await;
    let adapter = X12HttpAdapter::with_env("ACME", &config(&format!("{}/270", server.uri())), &env)
        .unwrap()
        .with_payer_name("ACME HEALTH");
    let reply = adapter.check(&common::request()).await.unwrap();
    assert_eq!(reply.response.coverage.status, CoverageStatus::Active);
    assert_eq!(reply.exchange.raw.as_deref(), Some(common::ACTIVE_271));
    let received = server.received_requests().await.unwrap();
    let sent = String::from_utf8(received[0].body.clone()).unwrap();
    assert_eq!(
        payer_x12::inquiry::decode_270(sent.as_bytes()).unwrap(),
        vec![common::request()]
    );
    assert!(sent.contains("NM1*PR*2*ACME HEALTH*****PI*ACME~"));
    let icn = reply.exchange.interchange_control_number.unwrap();
    assert!(sent.contains(&format!("*{icn}*0*T*:~")));
    assert!(reply.exchange.payload_id.is_none());
}

#[tokio::test]
async fn answers_map_onto_replies_and_errors() {
    let (_s, a) = serve(x12(common::AAA72_271)).await;
    let reply = a.check(&common::request()).await.unwrap();
    assert_eq!(reply.response.coverage.status, CoverageStatus::Rejected);

    let (_s, a) = serve(x12(&common::rejection_999())).await;
    assert!(matches!(
        a.check(&common::request()).await,
        Err(AdapterError::Rejected { .. })
    ));

    let (_s, a) = serve(ResponseTemplate::new(400).set_body_string(common::rejection_999())).await;
    assert!(matches!(
        a.check(&common::request()).await,
        Err(AdapterError::Rejected { .. })
    ));

    let (_s, a) = serve(ResponseTemplate::new(401)).await;
    assert!(matches!(
        a.check(&common::request()).await,
        Err(AdapterError::Credentials(_))
    ));

    let (_s, a) = serve(ResponseTemplate::new(503).set_body_string("busy")).await;
    assert!(matches!(
        a.check(&common::request()).await,
        Err(AdapterError::HttpStatus { status: 503 })
    ));

    let (_s, a) = serve(ResponseTemplate::new(404).set_body_string("no such path")).await;
    assert!(matches!(
        a.check(&common::request()).await,
        Err(AdapterError::HttpStatus { status: 404 })
    ));

    let (_s, a) = serve(x12("<html>not x12</html>")).await;
    match a.check(&common::request()).await {
        Err(AdapterError::Malformed { raw, .. }) => {
            assert_eq!(raw.as_deref(), Some("<html>not x12</html>"))
        }
        other => panic!("{other:?}"),
    }

    let (_s, a) = serve(x12("  \r\n")).await;
    assert!(matches!(
        a.check(&common::request()).await,
        Err(AdapterError::Malformed { raw: None, .. })
    ));

    let (_s, a) = serve(x12(common::ACTIVE_271).set_delay(Duration::from_secs(3))).await;
    assert!(matches!(
        a.check(&common::request()).await,
        Err(AdapterError::Timeout(_))
    ));

    let (_s, a) = serve(x12(&"ISA".repeat(10_000))).await;
    match a.check(&common::request()).await {
        Err(AdapterError::Malformed { detail, .. }) => {
            assert_eq!(detail, "response over 20000 bytes")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_configuration_is_strict() {
    let mut value = serde_json::to_value(config("https://x12.example/270")).unwrap();
    value["password"] = json!("inline secrets are not a setting");
    assert!(serde_json::from_value::<X12HttpConfig>(value).is_err());
    let mut half = config("https://x12.example/270");
    half.password_env = None;
    assert!(X12HttpAdapter::with_env("ACME", &half, &env).is_err());
    let none = X12HttpConfig {
        username: None,
        ..half
    };
    assert!(
        X12HttpAdapter::with_env("ACME", &none, &env).is_ok(),
        "no authentication is allowed"
    );
    let missing = config("https://x12.example/270");
    let err = X12HttpAdapter::with_env("ACME", &missing, &|_| None).unwrap_err();
    assert!(err.to_string().contains("CH_PASSWORD"), "{err}");
}
