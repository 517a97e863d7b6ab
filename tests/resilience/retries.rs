//! Retries: only what can succeed on retry, as many times as the payer's policy says, never past the
//! deadline; `meta.attempts` counts the payer calls.
use std::time::Duration;

use crate::harness::{calls_for, sandbox, stats, x12_payer, x12_url, Gateway};
use crate::helpers::{member, request};

const RETRY: &str = "[retry]\nmax_attempts = 3\ninitial_backoff_ms = 50\nmax_backoff_ms = 200\n\n[circuit_breaker]\nfailure_threshold = 50\nmin_calls = 100\n";

#[tokio::test]
async fn two_failures_then_an_answer_is_one_answer_after_three_attempts() {
    let _serial = crate::harness::serial().await;
    let sandbox = sandbox(&["--fail-first", "2"]);
    let gateway = Gateway::start(&[x12_payer("flaky", &x12_url(&sandbox), "", RETRY)], "");
    let id = member("ACT");
    let answer = gateway.check(&request("flaky", &id), &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["coverage"]["status"], "active");
    assert_eq!(answer.body["meta"]["attempts"], 3);
    // One answer: the exchange that answered, with its own control numbers.
    assert_eq!(answer.body["meta"]["x12"].as_array().unwrap().len(), 1);
    assert_eq!(calls_for(&sandbox, &id).await, 3);
    // Each attempt was a new interchange: three distinct ISA13s reached the payer.
    let inquiries = crate::helpers::sandbox_get(&sandbox, "/stats/last-270s").await;
    let controls: std::collections::HashSet<String> = inquiries["inquiries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|inquiry| {
            let isa = inquiry["x12"].as_str()?.split('~').next()?;
            isa.split('*').nth(13).map(str::to_owned)
        })
        .collect();
    assert_eq!(controls.len(), 3, "{inquiries}");

    // The answer was cached: asked again, no payer call and no attempt.
    let again = gateway.check(&request("flaky", &id), &[]).await;
    assert_eq!(again.body["meta"]["attempts"], 0);
    assert_eq!(again.body["meta"]["cache"]["hit"], true);
    assert_eq!(calls_for(&sandbox, &id).await, 3);

    // A member that keeps failing past the policy: three attempts, then the payer's own answer (AAA 42, 503).
    let sandbox_always = crate::harness::sandbox(&["--fault-aaa42", "1.0"]);
    let gateway = Gateway::start(
        &[x12_payer("busy", &x12_url(&sandbox_always), "", RETRY)],
        "",
    );
    let id = member("ACT");
    let answer = gateway.check(&request("busy", &id), &[]).await;
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert!(answer.retry_after.is_some());
    assert_eq!(answer.body["errors"][0]["code"], "42", "{}", answer.body);
    assert_eq!(calls_for(&sandbox_always, &id).await, 3);
}

#[tokio::test]
async fn an_invalid_member_aaa_72_is_not_retried() {
    let _serial = crate::harness::serial().await;
    let sandbox = sandbox(&[]);
    let gateway = Gateway::start(&[x12_payer("strict", &x12_url(&sandbox), "", RETRY)], "");
    let id = member("INV");
    let answer = gateway.check(&request("strict", &id), &[]).await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert_eq!(answer.body["errors"][0]["code"], "72");
    assert_eq!(answer.body["meta"]["attempts"], 1);
    assert_eq!(calls_for(&sandbox, &id).await, 1);
}

#[tokio::test]
async fn nothing_retries_past_the_deadline() {
    let _serial = crate::harness::serial().await;
    // Every request is held (then reset): each attempt ends at the payer's 300 ms timeout.
    let sandbox = sandbox(&["--fault-timeout", "1.0", "--timeout-delay-ms", "5000"]);
    let gateway = Gateway::start(
        &[x12_payer(
            "silent",
            &x12_url(&sandbox),
            "timeout_ms = 300",
            "[retry]\nmax_attempts = 10\ninitial_backoff_ms = 100\nmax_backoff_ms = 100\n\n[circuit_breaker]\nenabled = false\n",
        )],
        "",
    );
    for deadline_ms in [250u64, 900, 1500] {
        let before = stats(&sandbox).await["total"].as_u64().unwrap();
        let id = member("ACT");
        let deadline = deadline_ms.to_string();
        let answer = gateway
            .check(
                &request("silent", &id),
                &[("X-Request-Timeout-Ms", &deadline)],
            )
            .await;
        // Answered by the deadline (plus scheduling slack), with the deadline or the payer's timeout.
        assert!(
            answer.elapsed < Duration::from_millis(deadline_ms + 150),
            "{deadline_ms} ms deadline answered after {:?}",
            answer.elapsed
        );
        assert!(matches!(answer.status, 503 | 504), "{}", answer.body);
        // Attempts of 300 ms with backoffs up to 100 ms: no more than fit in the deadline.
        let calls = stats(&sandbox).await["total"].as_u64().unwrap() - before;
        let fit = deadline_ms / 300 + 1;
        assert!(
            calls >= 1 && calls <= fit,
            "{calls} calls in {deadline_ms} ms"
        );
    }
}
