//! Coverage discovery across five payers: one down (nothing listens), one slow, one active, one busy (AAA
//! 42), one broken (answers that are not X12). `all` returns five results with the right errors;
//! `first-active` returns as soon as the active one answers, and the slow payer sees its call cancelled.
use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::{dead_url, sandbox, stats, x12_payer, x12_url, Gateway};
use crate::helpers::{member, request, Process};

const NO_RETRY: &str = "[retry]\nmax_attempts = 1\n";
const PAYERS: [&str; 5] = ["p-down", "p-slow", "p-active", "p-busy", "p-broken"];

struct Payers {
    slow: Process,
    _others: Vec<Process>,
    gateway: Gateway,
}

fn start() -> Payers {
    let slow = sandbox(&["--latency", "3000"]);
    let active = sandbox(&[]);
    let busy = sandbox(&["--fault-aaa42", "1.0"]);
    let broken = sandbox(&["--fault-not-x12", "1.0"]);
    let gateway = Gateway::start(
        &[
            x12_payer("p-down", &dead_url(), "", NO_RETRY),
            x12_payer("p-slow", &x12_url(&slow), "", NO_RETRY),
            x12_payer("p-active", &x12_url(&active), "", NO_RETRY),
            x12_payer("p-busy", &x12_url(&busy), "", NO_RETRY),
            x12_payer("p-broken", &x12_url(&broken), "", NO_RETRY),
        ],
        "",
    );
    Payers {
        slow,
        _others: vec![active, busy, broken],
        gateway,
    }
}

fn discovery(member_id: &str, strategy: &str) -> Value {
    let mut body = request("p-active", member_id);
    let object = body.as_object_mut().unwrap();
    object.remove("tradingPartnerServiceId");
    object.insert("tradingPartnerServiceIds".into(), json!(PAYERS));
    object.insert("strategy".into(), json!(strategy));
    body
}

fn result<'a>(body: &'a Value, payer: &str) -> &'a Value {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|result| result["tradingPartnerServiceId"] == payer)
        .unwrap()
}

#[tokio::test]
async fn all_returns_every_payers_answer_or_error() {
    let _serial = crate::harness::serial().await;
    let payers = start();
    let answer = payers
        .gateway
        .post(
            "/v1/eligibility/discovery",
            &discovery(&member("ACT"), "all"),
            &[],
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let body = &answer.body;
    assert_eq!(body["strategy"], "all");
    let ids: Vec<&str> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["tradingPartnerServiceId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, PAYERS, "in the order asked");
    assert!(
        answer.elapsed >= Duration::from_secs(3),
        "waited for the slow payer"
    );

    let down = result(body, "p-down");
    assert_eq!(
        (down["status"].as_str(), down["httpStatus"].as_u64()),
        (Some("error"), Some(503))
    );
    assert_eq!(down["error"]["code"], "payer_unavailable");
    for payer in ["p-slow", "p-active"] {
        let answered = result(body, payer);
        assert_eq!(answered["status"], "active", "{answered}");
        assert_eq!(answered["httpStatus"], 200);
        assert_eq!(answered["response"]["coverage"]["status"], "active");
    }
    let busy = result(body, "p-busy");
    assert_eq!(
        (busy["status"].as_str(), busy["httpStatus"].as_u64()),
        (Some("error"), Some(503))
    );
    assert_eq!(busy["error"]["code"], "payer_unavailable");
    assert_eq!(
        busy["response"]["errors"][0]["code"], "42",
        "the payer's 271 comes along"
    );
    let broken = result(body, "p-broken");
    assert_eq!(
        (broken["status"].as_str(), broken["httpStatus"].as_u64()),
        (Some("error"), Some(502))
    );
    assert_eq!(broken["error"]["code"], "payer_bad_response");

    // An invalid discovery names the fields.
    let mut invalid = discovery(&member("ACT"), "fastest");
    invalid["tradingPartnerServiceIds"] = json!(["p-active", "P-ACTIVE", 7]);
    let refused = payers
        .gateway
        .post("/v1/eligibility/discovery", &invalid, &[])
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    let paths: Vec<&str> = refused.body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    for path in [
        "strategy",
        "tradingPartnerServiceIds[1]",
        "tradingPartnerServiceIds[2]",
    ] {
        assert!(paths.contains(&path), "{paths:?}");
    }
}

#[tokio::test]
async fn first_active_returns_with_the_active_payer_and_cancels_the_rest() {
    let _serial = crate::harness::serial().await;
    let payers = start();
    let answer = payers
        .gateway
        .post(
            "/v1/eligibility/discovery",
            &discovery(&member("ACT"), "first-active"),
            &[],
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.elapsed < Duration::from_secs(1),
        "did not wait for the slow payer: {:?}",
        answer.elapsed
    );
    let body = &answer.body;
    assert_eq!(result(body, "p-active")["status"], "active");
    let slow = result(body, "p-slow");
    assert_eq!(slow["status"], "cancelled", "{slow}");
    assert!(slow.get("httpStatus").is_none());
    assert_eq!(result(body, "p-down")["status"], "error");

    // The slow payer got the inquiry, and saw its connection closed before it could answer.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let seen = stats(&payers.slow).await;
    assert_eq!(seen["total"], 1, "{seen}");
    assert_eq!(seen["aborted"], 1, "{seen}");
}
