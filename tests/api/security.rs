//! API keys (401, 429), the refusal to serve anonymously beyond loopback, the security headers, and the request
//! limits (header size, JSON depth).
// See: issue 7.
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{member, request, run_to_exit, spawn_app_with, write_config, TempDir};

/// A key of these tests and its SHA-256 (`printf %s KEY | sha256sum`).
const KEY: &str = "egw_test_frontdesk_0123456789abcdef";

fn key_hash(key: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(key.as_bytes()))
}

fn auth_section(quota: u32) -> String {
    format!(
        "[auth]\nkeys = [\n  {{ id = \"frontdesk\", name = \"Front desk\", sha256 = \"{}\", quota_per_minute = {quota} }},\n  {{ id = \"nightly\", sha256 = \"{}\" }},\n]\n",
        key_hash(KEY),
        key_hash("egw_other_key")
    )
}

#[tokio::test]
async fn no_key_or_a_wrong_key_is_401_over_quota_is_429_and_a_good_key_is_answered() {
    let app = spawn_app_with("info", &auth_section(2));
    let body = request("sandbox", &member("ACT"));
    let send = |headers: Vec<(&'static str, String)>| {
        let mut builder = app
            .client
            .post(format!("{}/v1/eligibility", app.address))
            .json(&body);
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        builder.send()
    };

    let none = send(vec![]).await.unwrap();
    assert_eq!(none.status().as_u16(), 401);
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    let error: Value = none.json().await.unwrap();
    assert_eq!(error["error"]["code"], json!("unauthorized"));
    let wrong = send(vec![("authorization", "Bearer egw_wrong".to_owned())])
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);

    let good = send(vec![("authorization", format!("Bearer {KEY}"))])
        .await
        .unwrap();
    assert_eq!(good.status().as_u16(), 200);
    let good = send(vec![("x-api-key", KEY.to_owned())]).await.unwrap();
    assert_eq!(good.status().as_u16(), 200);
    let over = send(vec![("x-api-key", KEY.to_owned())]).await.unwrap();
    assert_eq!(over.status().as_u16(), 429);
    let retry_after: u64 = over.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    let error: Value = over.json().await.unwrap();
    assert_eq!(error["error"]["code"], json!("quota_exceeded"));
    // Another key has its own (unlimited) quota.
    let other = send(vec![("x-api-key", "egw_other_key".to_owned())])
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 200);

    // Liveness, readiness and the API description stay open; the metrics do not.
    for path in ["/healthz", "/readyz", "/openapi.json"] {
        assert_eq!(app.get(path).await.status().as_u16(), 200, "{path}");
    }
    assert_eq!(app.get("/metrics").await.status().as_u16(), 401);
    assert_eq!(app.get("/v1/payers").await.status().as_u16(), 401);
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("eligibility_api_rejections_total{outcome=\"unauthorized\"} 4"),
        "{metrics}"
    );
    assert!(
        metrics.contains("eligibility_api_rejections_total{outcome=\"quota\"} 1"),
        "{metrics}"
    );
    // The refused checks never ran: three answered checks in all.
    let checks: f64 = metrics
        .lines()
        .filter(|line| line.starts_with("eligibility_checks_total{"))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert_eq!(checks, 3.0);
    let logs = app.stop();
    assert!(!logs.contains(KEY), "the logs contain an API key");
    assert!(
        logs.contains("frontdesk"),
        "the key id is logged for refusals over quota"
    );
}

#[test]
fn the_gateway_refuses_to_serve_anonymously_beyond_loopback() {
    let dir = TempDir::new();
    let config = write_config(&dir, "info", "");
    let config = config.to_str().unwrap();
    let (status, stdout, stderr) = run_to_exit(
        &["serve", "--config", config, "--listen", "0.0.0.0:0"],
        &[],
        Duration::from_secs(30),
    );
    assert!(!status.success());
    assert!(!stdout.contains("listening on"), "{stdout}");
    assert!(
        stderr.contains("refusing to serve on 0.0.0.0:0"),
        "{stderr}"
    );
    assert!(
        stderr.contains("auth.allow_anonymous_non_loopback"),
        "{stderr}"
    );
}

#[tokio::test]
async fn responses_carry_security_headers_and_hostile_requests_are_refused_early() {
    let app = spawn_app_with(
        "info",
        "[server]\nmax_json_depth = 8\nmax_header_bytes = 4096\n",
    );
    let ok = app.check(&request("sandbox", &member("ACT"))).await;
    assert_eq!(ok.status().as_u16(), 200);
    let headers = ok.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    assert!(
        headers.get("strict-transport-security").is_none(),
        "HSTS only over TLS"
    );
    let not_found = app.get("/nowhere").await;
    assert_eq!(not_found.headers()["x-content-type-options"], "nosniff");

    // Nested deeper than the limit: 400 before parsing, naming no content.
    let mut deep = json!("x");
    for _ in 0..20 {
        deep = json!({ "a": [deep] });
    }
    let mut body = request("sandbox", &member("ACT"));
    body["extra"] = deep;
    let response = app.check(&body).await;
    assert_eq!(response.status().as_u16(), 400);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], json!("invalid_json"));
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("deeper than 8"));

    // Headers over the limit: 431.
    let big = "x".repeat(5000);
    let response = app
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-padding", big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 431);

    // A body over the limit: 413 (the embedded default is 64 KiB).
    let mut large = request("sandbox", &member("ACT"));
    large["padding"] = json!("y".repeat(70_000));
    let response = app.check(&large).await;
    assert_eq!(response.status().as_u16(), 413);

    // Internal details never reach a client: a wrong method, an unknown route, garbage bytes.
    let garbage = app
        .client
        .post(format!("{}/v1/eligibility", app.address))
        .header("content-type", "application/json")
        .body(vec![0xff, 0xfe, b'{', 0x00])
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status().as_u16(), 400);
    let text = garbage.text().await.unwrap();
    assert!(
        !text.contains("src/") && !text.contains("panicked"),
        "{text}"
    );
}
