//! OAuth2 client credentials of the JSON eligibility API adapter: the token is fetched once and cached,
//! not reused near its expiry, refreshed once on a 401; refused clients and strict configuration.
use payer_core::AdapterError;
use payer_core::PayerAdapter;
use payer_http::{ChcJsonAdapter, ChcJsonConfig};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;

use common::chc::{active_answer, config, env, token};

#[tokio::test]
async fn the_token_is_fetched_once_and_cached() {
    let (_, body) = active_answer();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token("t1", json!("3600")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/eligibility/v3"))
        .and(header("authorization", "Bearer t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(3)
        .mount(&server)
        .await;
    let adapter = ChcJsonAdapter::with_env("ACME", &config(&server), &env).unwrap();
    for _ in 0..3 {
        adapter.check(&common::request()).await.unwrap();
    }
    server.verify().await;
}

#[tokio::test]
async fn a_token_about_to_expire_is_not_reused() {
    let (_, body) = active_answer();
    let server = MockServer::start().await;
    // 30 s is inside the 60 s margin: every call fetches a token.
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token("t1", json!(30)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/eligibility/v3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let adapter = ChcJsonAdapter::with_env("ACME", &config(&server), &env).unwrap();
    adapter.check(&common::request()).await.unwrap();
    adapter.check(&common::request()).await.unwrap();
    server.verify().await;
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_retries_once() {
    let (_, body) = active_answer();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token("old", json!(3600)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token("new", json!(3600)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/eligibility/v3"))
        .and(header("authorization", "Bearer old"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/eligibility/v3"))
        .and(header("authorization", "Bearer new"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(2)
        .mount(&server)
        .await;
    let adapter = ChcJsonAdapter::with_env("ACME", &config(&server), &env).unwrap();
    adapter.check(&common::request()).await.unwrap();
    // The refreshed token is cached for the next call.
    adapter.check(&common::request()).await.unwrap();
    server.verify().await;
}

#[tokio::test]
async fn a_second_401_is_refused_credentials_without_more_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token("t", json!(3600)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/eligibility/v3"))
        .respond_with(ResponseTemplate::new(401))
        .expect(2)
        .mount(&server)
        .await;
    let adapter = ChcJsonAdapter::with_env("ACME", &config(&server), &env).unwrap();
    assert!(matches!(
        adapter.check(&common::request()).await,
        Err(AdapterError::Credentials(_))
    ));
    server.verify().await;
}

#[tokio::test]
async fn a_refused_client_is_a_credentials_error_without_the_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("client_id=gateway"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})))
        .mount(&server)
        .await;
    let adapter = ChcJsonAdapter::with_env("ACME", &config(&server), &env).unwrap();
    let err = adapter.check(&common::request()).await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, AdapterError::Credentials(_)), "{err:?}");
    assert!(text.contains("invalid_client"), "{text}");
    assert!(!text.contains("cl13nt"), "{text}");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token_type": "bearer"})))
        .mount(&server)
        .await;
    let adapter = ChcJsonAdapter::with_env("ACME", &config(&server), &env).unwrap();
    assert!(matches!(
        adapter.check(&common::request()).await,
        Err(AdapterError::Malformed { raw: None, .. })
    ));
}

#[test]
fn the_configuration_is_strict_and_names_the_secret_variable() {
    let server_uri = "https://api.example";
    let value = json!({"url": format!("{server_uri}/v3"), "token_url": format!("{server_uri}/token"),
        "client_id": "c", "client_secret_env": "NOPE_SECRET"});
    let config: ChcJsonConfig = serde_json::from_value(value.clone()).unwrap();
    let err = ChcJsonAdapter::with_env("ACME", &config, &|_| None).unwrap_err();
    assert!(err.to_string().contains("NOPE_SECRET"), "{err}");
    let mut extra = value;
    extra["client_secret"] = json!("inline");
    assert!(serde_json::from_value::<ChcJsonConfig>(extra).is_err());
}
