//! Batch: 2,000 checks at a payer limited to 100 calls per second, with real-time checks arriving during it:
//! every line arrives, real-time checks wait at most one rate-limit interval more than the payer's own
//! latency, and the payer never sees more than its limit. A client that disconnects stops its batch.
use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::harness::{quantile, sandbox, stats, x12_payer, x12_url, Gateway};
use crate::helpers::{member, request};

const CHECKS: usize = 2_000;
/// The payer's limit, in calls per second (one slot every 10 ms, no burst above it).
const RATE: &str = "[rate_limit]\nrequests_per_second = 100\nburst = 1\nmax_concurrency = 64\n";
const INTERVAL: Duration = Duration::from_millis(10);

/// Reads an NDJSON response to its end: each line as JSON, with when it arrived.
async fn lines(mut response: reqwest::Response) -> Vec<(Instant, Value)> {
    let mut lines = Vec::new();
    let mut pending = Vec::new();
    while let Some(chunk) = response.chunk().await.unwrap() {
        pending.extend_from_slice(&chunk);
        while let Some(end) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            lines.push((Instant::now(), serde_json::from_slice(&line).unwrap()));
        }
    }
    assert!(pending.is_empty(), "a line without its newline");
    lines
}

#[tokio::test]
async fn a_batch_fills_what_real_time_checks_leave_of_the_payers_limit() {
    let _serial = crate::harness::serial().await;
    let limited_payer = sandbox(&["--latency", "20"]);
    // The same payer without a rate limit, on its own sandbox: real-time checks to it, interleaved with
    // those to the limited payer, show what the machine's load alone costs while the batch runs.
    let control = sandbox(&["--latency", "20"]);
    let gateway = Gateway::start(
        &[
            x12_payer("limited", &x12_url(&limited_payer), "", RATE),
            x12_payer("control", &x12_url(&control), "", ""),
        ],
        "[batch]\nconcurrency = 32\nper_payer_concurrency = 8\n",
    );
    let checks: Vec<Value> = (0..CHECKS)
        .map(|i| match i % 10 {
            // Some invalid checks: answered at once with their 400 line.
            9 if i % 100 == 99 => json!({"tradingPartnerServiceId": "limited"}),
            _ => request("limited", &member("ACT")),
        })
        .collect();
    let started = Instant::now();
    let response = gateway
        .client
        .post(gateway.url("/v1/eligibility/batch"))
        .json(&json!({ "checks": checks }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/x-ndjson"
    );
    let batch = tokio::spawn(lines(response));

    // Real-time checks while the batch runs, to the limited payer and to the control payer in turn.
    let (mut limited, mut unlimited) = (Vec::new(), Vec::new());
    tokio::time::sleep(Duration::from_secs(2)).await;
    while limited.len() < 40 {
        for (payer, latencies) in [("limited", &mut limited), ("control", &mut unlimited)] {
            let answer = gateway.check(&request(payer, &member("ACT")), &[]).await;
            assert_eq!(answer.status, 200, "{}", answer.body);
            latencies.push(answer.elapsed);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let lines = batch.await.unwrap();
    let took = started.elapsed();

    // Every line arrived, once, in completion order.
    assert_eq!(lines.len(), CHECKS);
    let indexes: HashSet<u64> = lines
        .iter()
        .map(|(_, l)| l["index"].as_u64().unwrap())
        .collect();
    assert_eq!(indexes.len(), CHECKS);
    for (_, line) in &lines {
        let index = line["index"].as_u64().unwrap();
        if index % 100 == 99 {
            assert_eq!(line["httpStatus"], 400, "{line}");
            assert_eq!(line["error"]["code"], "invalid_request");
        } else {
            assert_eq!(line["status"], "active", "{line}");
            assert_eq!(line["response"]["meta"]["attempts"], 1);
        }
    }
    let first_line = lines[0].0.duration_since(started);
    assert!(
        first_line < Duration::from_secs(1),
        "streamed: first line after {first_line:?}"
    );
    // 1,980 payer calls at 100 per second take about 20 s.
    assert!(took >= Duration::from_secs(19), "{took:?}");

    // Real-time checks went first: they waited at most one slot interval for the rate limit, whatever the
    // batch queued. Compared with the unlimited payer's checks at the same moments (same load, same payer
    // latency), with a few milliseconds for scheduling on a busy machine.
    let (median, median_control) = (quantile(&limited, 0.5), quantile(&unlimited, 0.5));
    let (p90, p90_control) = (quantile(&limited, 0.9), quantile(&unlimited, 0.9));
    println!(
        "during the batch: limited p50 {median:?} p90 {p90:?}, control p50 {median_control:?} p90 \
         {p90_control:?}"
    );
    assert!(
        median <= median_control + INTERVAL + Duration::from_millis(5),
        "limited {limited:?}, control {unlimited:?}"
    );
    assert!(
        p90 <= p90_control + INTERVAL + Duration::from_millis(15),
        "limited {limited:?}, control {unlimited:?}"
    );

    // The payer never saw more than its limit in any second.
    let seen = stats(&limited_payer).await;
    let busiest = seen["bySecond"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .max()
        .unwrap();
    assert!(busiest <= 101, "{busiest} calls in one second: {seen}");
    assert_eq!(seen["total"].as_u64().unwrap(), 40 + 1_980);

    // Progress in the metrics.
    let metrics = gateway
        .client
        .get(gateway.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for series in [
        "eligibility_batch_checks_total{outcome=\"active\"} 1980",
        "eligibility_batch_checks_total{outcome=\"invalid_request\"} 20",
        "eligibility_batches_in_flight 0",
        "eligibility_batch_checks_queued 0",
    ] {
        assert!(metrics.contains(series), "{series} not in {metrics}");
    }
}

#[tokio::test]
async fn a_client_that_disconnects_stops_its_batch() {
    let _serial = crate::harness::serial().await;
    let sandbox = sandbox(&["--latency", "200"]);
    let gateway = Gateway::start(
        &[x12_payer("slowish", &x12_url(&sandbox), "", "")],
        "[batch]\nconcurrency = 4\n",
    );
    let checks: Vec<Value> = (0..500)
        .map(|_| request("slowish", &member("ACT")))
        .collect();
    let mut response = gateway
        .client
        .post(gateway.url("/v1/eligibility/batch"))
        .json(&checks)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // Read the first line or so, then hang up.
    let first = response.chunk().await.unwrap().unwrap();
    assert!(first.starts_with(b"{\"index\":"));
    drop(response);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let settled = stats(&sandbox).await["total"].as_u64().unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let later = stats(&sandbox).await["total"].as_u64().unwrap();
    assert_eq!(settled, later, "checks kept starting after the client left");
    assert!(later < 20, "{later} of 500 checks reached the payer");

    // Too many checks: refused before any work, naming the field.
    let too_many: Vec<Value> = (0..10_001).map(|_| json!({})).collect();
    let refused = gateway
        .post("/v1/eligibility/batch", &json!({ "checks": too_many }), &[])
        .await;
    assert_eq!(refused.status, 413, "{}", refused.body);
    assert_eq!(refused.body["error"]["code"], "too_many_items");
    assert_eq!(refused.body["error"]["fields"][0]["path"], "checks");
}
