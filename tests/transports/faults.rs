//! Bad counterparts: the sandbox payer misbehaving on every request (one fault per process), and the
//! normalized error and status the gateway answers through each transport that can show the fault. Every
//! answer comes back well within its deadline.
use std::time::Duration;

use crate::helpers::*;

/// The longest any of these answers may take: nothing waits for the sandbox's 30 s hold.
const BOUND: Duration = Duration::from_secs(5);

/// Starts a sandbox payer with `flags` and a gateway with `env`, sends one check per transport of
/// `transports` (with `headers`), and hands each answer to `check`.
async fn each_transport(
    flags: &[&str],
    env: &[(String, String)],
    transports: &[Transport],
    headers: &[(&str, &str)],
    check: impl Fn(Transport, &Answer),
) -> Process {
    let sandbox = sandbox_payer(flags);
    let gateway = Gateway::start(&sandbox, env);
    for transport in transports {
        let answer = gateway
            .check(&request(transport.payer, &member("ACT")), headers)
            .await;
        assert!(
            answer.elapsed < BOUND,
            "{}: took {:?}",
            transport.payer,
            answer.elapsed
        );
        check(*transport, &answer);
    }
    drop(gateway);
    sandbox
}

fn expect(transport: Transport, answer: &Answer, status: u16, code: &str) {
    assert_eq!(
        (answer.status, answer.error_code()),
        (status, code),
        "{}: {}",
        transport.payer,
        answer.body
    );
}

fn message(answer: &Answer) -> String {
    answer.body["error"]["message"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn refused_credentials_are_the_gateways_fault() {
    let env = vars(&[
        ("SANDBOX_PAYER_PASSWORD", "not-the-password"),
        ("SANDBOX_PAYER_CLIENT_SECRET", "not-the-secret"),
    ]);
    let sandbox = each_transport(&[], &env, &TRANSPORTS, &[], |t, answer| {
        // The payer refused the gateway's own credentials: a configuration fault, 500, details in the log.
        expect(t, answer, 500, "internal_error");
    })
    .await;
    // (At least: a hedging or retrying gateway may ask twice.)
    let stats = sandbox_get(&sandbox, "/stats").await;
    assert!(
        stats["refused"]["credentials"].as_u64().unwrap() >= 3,
        "{stats}"
    );
    assert!(
        stats["refused"]["client-credentials"].as_u64().unwrap() >= 1,
        "{stats}"
    );
    assert_eq!(stats["tokensIssued"], 0, "{stats}");
    assert!(
        stats["byScenario"].as_object().unwrap().is_empty(),
        "{stats}"
    );
}

#[tokio::test]
async fn a_soap_fault_is_a_retryable_envelope_error() {
    each_transport(
        &["--fault-soap-fault", "1"],
        &[],
        &TRANSPORTS[..1],
        &[],
        |t, answer| {
            expect(t, answer, 503, "payer_unavailable");
            assert!(message(answer).contains("soap:Receiver"), "{}", answer.body);
            assert!(answer.retry_after.is_some());
        },
    )
    .await;
}

#[tokio::test]
async fn an_envelope_without_payload_id_is_a_bad_response() {
    each_transport(
        &["--fault-missing-field", "1"],
        &[],
        &TRANSPORTS[..2],
        &[],
        |t, answer| {
            expect(t, answer, 502, "payer_bad_response");
            assert!(message(answer).contains("PayloadID"), "{}", answer.body);
        },
    )
    .await;
}

#[tokio::test]
async fn a_body_that_is_not_x12_is_a_bad_response_with_the_raw_kept_for_x12_clients() {
    each_transport(
        &["--fault-not-x12", "1"],
        &[],
        &TRANSPORTS,
        &[],
        |t, answer| expect(t, answer, 502, "payer_bad_response"),
    )
    .await;
    // Asked for, the raw payload comes back with the error.
    let sandbox = sandbox_payer(&["--fault-not-x12", "1"]);
    let gateway = Gateway::start(&sandbox, &[]);
    let answer = gateway
        .check(
            &request(TRANSPORTS[2].payer, &member("ACT")),
            &[("x-include-x12", "true")],
        )
        .await;
    assert_eq!(answer.status, 502);
    assert!(
        answer.body["x12"]
            .as_str()
            .unwrap()
            .contains("Service Unavailable"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn a_ta1_is_a_rejection_of_the_interchange() {
    each_transport(
        &["--fault-ta1", "1"],
        &[],
        &TRANSPORTS[..3],
        &[],
        |t, answer| {
            expect(t, answer, 422, "payer_rejected");
            assert_eq!(
                answer.body["errors"][0]["code"], "TA1-024",
                "{}",
                answer.body
            );
        },
    )
    .await;
}

#[tokio::test]
async fn a_reset_connection_is_the_payer_being_unavailable() {
    each_transport(
        &["--fault-reset", "1"],
        &[],
        &TRANSPORTS,
        &[],
        |t, answer| {
            expect(t, answer, 503, "payer_unavailable");
            assert!(answer.retry_after.is_some());
        },
    )
    .await;
}

#[tokio::test]
async fn http_500_is_the_payer_being_unavailable() {
    each_transport(
        &["--fault-http-500", "1"],
        &[],
        &TRANSPORTS,
        &[],
        |t, answer| {
            expect(t, answer, 503, "payer_unavailable");
            assert!(message(answer).contains("500"), "{}", answer.body);
        },
    )
    .await;
}

#[tokio::test]
async fn aaa_42_on_every_inquiry_is_503_with_retry_after() {
    let sandbox = each_transport(
        &["--fault-aaa42", "1"],
        &[],
        &TRANSPORTS,
        &[],
        |t, answer| {
            expect(t, answer, 503, "payer_unavailable");
            assert_eq!(answer.body["errors"][0]["code"], "42", "{}", answer.body);
            assert!(answer.retry_after.is_some());
        },
    )
    .await;
    let stats = sandbox_get(&sandbox, "/stats").await;
    assert!(stats["faults"]["aaa42"].as_u64().unwrap() >= 4, "{stats}");
    assert_eq!(
        stats["faults"]["aaa42"], stats["byScenario"]["payer-unavailable"],
        "{stats}"
    );
}

#[tokio::test]
async fn a_silent_payer_ends_at_the_clients_deadline() {
    each_transport(
        &["--fault-timeout", "1"],
        &[],
        &TRANSPORTS,
        &[("x-request-timeout-ms", "1000")],
        |t, answer| {
            expect(t, answer, 504, "deadline_exceeded");
            assert!(
                answer.elapsed >= Duration::from_millis(900),
                "{:?}",
                answer.elapsed
            );
            assert!(
                answer.elapsed < Duration::from_millis(2500),
                "{:?}",
                answer.elapsed
            );
        },
    )
    .await;
}

#[tokio::test]
async fn a_silent_payer_ends_at_the_transports_request_timeout() {
    let mut env: Vec<(String, String)> = TRANSPORTS
        .iter()
        .map(|t| {
            (
                format!("{}REQUEST_TIMEOUT_MS", t.env_prefix()),
                "800".to_owned(),
            )
        })
        .collect();
    // One attempt each (engineer J): a timeout is retried by default, and this test times one attempt.
    env.extend(TRANSPORTS.iter().map(|t| {
        (
            format!(
                "{}RETRY__MAX_ATTEMPTS",
                t.env_prefix().trim_end_matches("TRANSPORT__")
            ),
            "1".to_owned(),
        )
    }));
    each_transport(
        &["--fault-timeout", "1"],
        &env,
        &TRANSPORTS,
        &[],
        |t, answer| {
            expect(t, answer, 504, "deadline_exceeded");
            assert!(
                answer.elapsed < Duration::from_millis(2500),
                "{:?}",
                answer.elapsed
            );
        },
    )
    .await;
}

#[tokio::test]
async fn a_response_over_the_size_limit_is_a_bad_response() {
    let env: Vec<(String, String)> = TRANSPORTS
        .iter()
        .map(|t| {
            (
                format!("{}MAX_RESPONSE_BYTES", t.env_prefix()),
                "100000".to_owned(),
            )
        })
        .collect();
    each_transport(
        &["--fault-oversize", "1", "--oversize-bytes", "300000"],
        &env,
        &TRANSPORTS,
        &[],
        |t, answer| {
            expect(t, answer, 502, "payer_bad_response");
            assert!(
                message(answer).contains("over 100000 bytes"),
                "{}",
                answer.body
            );
        },
    )
    .await;
}

#[tokio::test]
async fn a_share_of_faults_leaves_the_rest_answered() {
    // Half the requests reset: every check is either answered (200) or unavailable (503), none hangs,
    // and the sandbox counts both.
    let sandbox = sandbox_payer(&["--fault-reset", "0.5"]);
    let gateway = Gateway::start(&sandbox, &[]);
    let mut statuses = Vec::new();
    for _ in 0..16 {
        let answer = gateway
            .check(&request(TRANSPORTS[2].payer, &member("ACT")), &[])
            .await;
        assert!(answer.elapsed < BOUND);
        statuses.push(answer.status);
    }
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 503),
        "{statuses:?}"
    );
    let stats = sandbox_get(&sandbox, "/stats").await;
    let resets = stats["faults"]["reset"].as_u64().unwrap_or(0);
    let answered = stats["byScenario"]["active"].as_u64().unwrap_or(0);
    assert_eq!(
        resets + answered,
        stats["total"].as_u64().unwrap(),
        "{stats}"
    );
    // Every 200 had an answer behind it (a hedging gateway may have had more than one).
    assert!(
        answered >= statuses.iter().filter(|s| **s == 200).count() as u64,
        "{stats}"
    );
}
