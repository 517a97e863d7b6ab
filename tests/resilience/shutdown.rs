//! Graceful shutdown: on SIGTERM the gateway stops accepting, lets the check in flight finish, and exits 0.
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{sandbox, x12_payer, x12_url, Gateway};
use crate::helpers::{member, request};

#[tokio::test]
async fn sigterm_lets_in_flight_checks_finish_and_exits_cleanly() {
    let _serial = crate::harness::serial().await;
    let sandbox = sandbox(&["--latency", "1500"]);
    let mut gateway = Gateway::start(
        &[x12_payer("steady", &x12_url(&sandbox), "", "")],
        "[server]\nshutdown_grace_s = 5\n",
    );
    let in_flight = {
        let client = gateway.client.clone();
        let url = gateway.url("/v1/eligibility");
        let body = request("steady", &member("ACT"));
        tokio::spawn(async move { client.post(url).json(&body).send().await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let signalled = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &gateway.process.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());

    // The check in flight is answered.
    let answer = in_flight.await.unwrap().unwrap();
    assert_eq!(answer.status(), 200);
    // No new connection is accepted.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let refused = reqwest::Client::new()
        .get(gateway.url("/healthz"))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(refused.is_err(), "accepted after SIGTERM: {refused:?}");
    // The process exits cleanly, within the grace period.
    let exited = loop {
        if let Some(status) = gateway.process.try_wait() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(5),
            "still running"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exited.success(), "{exited:?}: {}", gateway.process.output());
    assert!(gateway.process.output().contains("shutting down"));
}
