//! The circuit breaker: a payer that goes down opens its breaker within the configured window, is answered
//! fast while open (no payer calls; a stale cached answer when there is one), and closes after it recovers;
//! another payer is unaffected.
use std::time::{Duration, Instant};

use crate::harness::{sandbox, sandbox_on, stats, x12_payer, x12_url, Gateway};
use crate::helpers::{member, request};

const BREAKER: &str = "[retry]\nmax_attempts = 1\n\n[circuit_breaker]\nfailure_threshold = 3\nfailure_rate = 0.5\nwindow_s = 10\nmin_calls = 5\nopen_s = 2\nhalf_open_probes = 1\n\n[cache]\nttl_active_s = 1\n";

#[tokio::test]
async fn a_payer_that_goes_down_opens_its_breaker_answers_fast_and_closes_when_it_recovers() {
    let _serial = crate::harness::serial().await;
    let failing = sandbox(&[]);
    let address = failing.address.clone();
    let other = sandbox(&[]);
    let gateway = Gateway::start(
        &[
            x12_payer("fragile", &x12_url(&failing), "timeout_ms = 2000", BREAKER),
            x12_payer("sturdy", &x12_url(&other), "timeout_ms = 2000", BREAKER),
        ],
        "",
    );
    // Healthy: answered, closed. One member is answered now, to be served stale later.
    let cached = member("ACT");
    assert_eq!(
        gateway
            .check(&request("fragile", &cached), &[])
            .await
            .status,
        200
    );
    assert_eq!(gateway.get("/v1/payers/fragile").await["circuit"], "closed");

    // The payer goes down: connections are refused.
    drop(failing);
    let mut failures = 0;
    let opened_at = Instant::now();
    loop {
        let answer = gateway
            .check(&request("fragile", &member("ACT")), &[])
            .await;
        assert_eq!(answer.status, 503, "{}", answer.body);
        if answer.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("circuit open")
        {
            // Open: refused at once, with the time until it probes again.
            assert!(
                answer.elapsed < Duration::from_millis(100),
                "{:?}",
                answer.elapsed
            );
            let retry_after: u64 = answer.retry_after.unwrap().parse().unwrap();
            assert!((1..=2).contains(&retry_after));
            break;
        }
        failures += 1;
        assert!(failures <= 3, "not open after {failures} failures");
    }
    assert_eq!(failures, 3, "opened on the third failure in a row");
    assert!(
        opened_at.elapsed() < Duration::from_secs(10),
        "within the window"
    );
    assert_eq!(gateway.get("/v1/payers/fragile").await["circuit"], "open");
    let ready = gateway.get("/readyz").await;
    assert_eq!(
        ready["checks"]["payers"]["circuits"]["fragile"], "open",
        "{ready}"
    );
    assert_eq!(
        ready["checks"]["payers"]["circuits"]["sturdy"], "closed",
        "{ready}"
    );
    assert_eq!(ready["checks"]["payers"]["status"], "degraded");

    // The payer is back, but the breaker is still open: no call reaches it.
    let back = sandbox_on(address.trim_start_matches("http://"), &[]);
    for _ in 0..10 {
        let answer = gateway
            .check(&request("fragile", &member("ACT")), &[])
            .await;
        assert_eq!(answer.status, 503);
        assert!(answer.elapsed < Duration::from_millis(100));
    }
    // Once the cached answer's lifetime (1 s) has passed, it is served stale, marked so, rather than refused.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let stale = gateway.check(&request("fragile", &cached), &[]).await;
    assert_eq!(stale.status, 200, "{}", stale.body);
    assert_eq!(stale.body["meta"]["cache"]["stale"], true);
    assert_eq!(stats(&back).await["total"], 0, "no payer call while open");

    // The other payer was never affected.
    let answer = gateway.check(&request("sturdy", &member("ACT")), &[]).await;
    assert_eq!(answer.status, 200);
    assert_eq!(gateway.get("/v1/payers/sturdy").await["circuit"], "closed");

    // After open_s (2 s from opening), one probe goes through, succeeds, and closes it.
    let open_for = Duration::from_millis(2100);
    tokio::time::sleep(open_for.saturating_sub(opened_at.elapsed())).await;
    assert_eq!(
        gateway.get("/v1/payers/fragile").await["circuit"],
        "half-open"
    );
    let probe = gateway
        .check(&request("fragile", &member("ACT")), &[])
        .await;
    assert_eq!(probe.status, 200, "{}", probe.body);
    assert_eq!(gateway.get("/v1/payers/fragile").await["circuit"], "closed");
    assert_eq!(stats(&back).await["total"], 1);
    let ready = gateway.get("/readyz").await;
    assert_eq!(ready["checks"]["payers"]["status"], "up", "{ready}");
}
