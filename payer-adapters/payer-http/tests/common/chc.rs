//! Helpers of the chc-json tests: the adapter's configuration against an in-test server, tokens, answers.
use payer_core::EligibilityResponse;
use payer_http::{ChcJsonAdapter, ChcJsonConfig};
use payer_x12::Reply;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub fn config(server: &MockServer) -> ChcJsonConfig {
    serde_json::from_value(json!({
        "url": format!("{}/eligibility/v3", server.uri()),
        "token_url": format!("{}/oauth/token", server.uri()),
        "client_id": "gateway",
        "client_secret_env": "CH_CLIENT_SECRET",
        "scope": "eligibility",
        "trading_partner_service_id": "ACMEREMOTE",
        "request_timeout_ms": 500
    }))
    .unwrap()
}

pub fn env(var: &str) -> Option<String> {
    (var == "CH_CLIENT_SECRET").then(|| "cl13nt&secret".to_owned())
}

pub fn token(value: &str, expires_in: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": value, "token_type": "Bearer", "expires_in": expires_in
    }))
}

/// Our own answer for the active fixture, as a gateway like ours sends it (with `meta`).
pub fn active_answer() -> (EligibilityResponse, Value) {
    let Reply::Eligibility(mut responses) =
        payer_x12::decode(super::ACTIVE_271.as_bytes()).unwrap()
    else {
        panic!("not a 271")
    };
    let response = responses.remove(0);
    let mut body = serde_json::to_value(&response).unwrap();
    body["meta"] = json!({"traceId": "t", "x12": [{"interchangeControlNumber": "000000101",
        "groupControlNumber": "101", "transactionSetControlNumber": "0001"}]});
    (response, body)
}

pub async fn server_with_token() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token("t1", json!(3600)))
        .mount(&server)
        .await;
    server
}

pub async fn answer(template: ResponseTemplate) -> (MockServer, ChcJsonAdapter) {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/eligibility/v3"))
        .respond_with(template)
        .mount(&server)
        .await;
    let adapter = ChcJsonAdapter::with_env("ACME", &config(&server), &env).unwrap();
    (server, adapter)
}
