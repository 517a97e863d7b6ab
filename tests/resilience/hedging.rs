//! Hedging: a payer that times out every other request (the sandbox's even fault spread), with hedging on,
//! answers every check within the hedge delay plus its normal latency; the losing attempts are cancelled.
use std::time::Duration;

use crate::harness::{quantile, sandbox, stats, x12_payer, x12_url, Gateway};
use crate::helpers::{member, request};

/// The hedge delay.
const DELAY_MS: u64 = 150;
/// Checks measured.
const CHECKS: usize = 100;
/// Room for sampling noise: two tail quantiles of 100 answers each, on a small shared machine.
const NOISE_MS: u64 = 20;

#[tokio::test]
async fn a_payer_that_times_out_half_the_time_answers_within_the_hedge_delay_plus_its_latency() {
    let _serial = crate::harness::serial().await;
    let flags = ["--latency", "50", "--timeout-delay-ms", "10000"];
    let healthy = sandbox(&flags);
    let mut faulty_flags = flags.to_vec();
    faulty_flags.extend(["--fault-timeout", "0.5", "--fault-spread", "even"]);
    let faulty = sandbox(&faulty_flags);
    let no_retry = "[retry]\nmax_attempts = 1\n\n[circuit_breaker]\nenabled = false\n";
    let hedged = format!("{no_retry}\n[hedge]\nenabled = true\ndelay_ms = {DELAY_MS}\n");
    let gateway = Gateway::start(
        &[
            x12_payer("steady", &x12_url(&healthy), "timeout_ms = 5000", no_retry),
            x12_payer("hedged", &x12_url(&faulty), "timeout_ms = 5000", &hedged),
        ],
        "[cache]\nkind = \"none\"\n",
    );

    // The payer's normal latency, seen through the gateway, on the same machine in the same run.
    let mut normal = Vec::new();
    for _ in 0..CHECKS {
        let answer = gateway.check(&request("steady", &member("ACT")), &[]).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        normal.push(answer.elapsed);
    }
    let mut hedged_latencies = Vec::new();
    for _ in 0..CHECKS {
        let answer = gateway.check(&request("hedged", &member("ACT")), &[]).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert!(answer.body["meta"]["attempts"].as_u64().unwrap() <= 2);
        hedged_latencies.push(answer.elapsed);
    }
    let normal_p99 = quantile(&normal, 0.99);
    let hedged_p99 = quantile(&hedged_latencies, 0.99);
    println!(
        "normal p50 {:?} p99 {normal_p99:?}; hedged p50 {:?} p99 {hedged_p99:?}",
        quantile(&normal, 0.5),
        quantile(&hedged_latencies, 0.5)
    );
    assert!(
        hedged_p99 <= Duration::from_millis(DELAY_MS + NOISE_MS) + normal_p99,
        "hedged p99 {hedged_p99:?} over {DELAY_MS} ms + normal p99 {normal_p99:?}"
    );

    // Half the requests were held: each was hedged, and the held attempt was dropped (its connection
    // closed), which the payer saw as an aborted request.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen = stats(&faulty).await;
    let held = seen["faults"]["timeout"].as_u64().unwrap_or(0);
    assert!(held >= (CHECKS as u64) / 2 - 1, "{seen}");
    assert_eq!(seen["aborted"].as_u64().unwrap(), held, "{seen}");
    let metrics = gateway
        .client
        .get(gateway.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let hedges = metrics
        .lines()
        .find(|line| line.starts_with("eligibility_hedges_total{payer=\"hedged\"}"))
        .and_then(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
        .unwrap_or(0);
    assert_eq!(hedges, held, "{metrics}");
}
