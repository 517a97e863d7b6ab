//! The adapter's behaviour around the scenarios: latency on a paused clock, slow and silent payers, deadlines,
//! call counts, control numbers, refused inquiries and PHI in `Debug` and error text.
mod common;

use std::time::Duration;

use common::*;
use payer_core::{AdapterError, CoverageStatus, PayerAdapter};
use payer_sandbox::{Latency, SandboxAdapter, SandboxConfig, Scenario};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn fixed_latency_is_applied() {
    let adapter = adapter(250);
    let start = Instant::now();
    let reply = adapter.check(&request("ACT1", &["30"])).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_millis(250));
    assert_eq!(reply.response.coverage.status, CoverageStatus::Active);
}

#[tokio::test(start_paused = true)]
async fn uniform_latency_stays_in_its_bounds() {
    let config = SandboxConfig {
        latency: Latency::Uniform {
            min_ms: 100,
            max_ms: 300,
        },
        ..SandboxConfig::default()
    };
    let adapter = SandboxAdapter::new(PAYER_ID.to_owned(), config);
    let mut seen = Vec::new();
    for i in 0..20 {
        let start = Instant::now();
        adapter
            .check(&request(&format!("ACT{i}"), &["98"]))
            .await
            .unwrap();
        seen.push(start.elapsed());
    }
    assert!(
        seen.iter()
            .all(|d| (Duration::from_millis(100)..=Duration::from_millis(300)).contains(d)),
        "{seen:?}"
    );
    assert!(seen.iter().any(|d| *d != seen[0]), "draws vary: {seen:?}");
}

#[tokio::test(start_paused = true)]
async fn slow_answers_after_the_slow_delay() {
    let config = SandboxConfig {
        latency: Latency::Fixed { ms: 40 },
        slow_delay_ms: 2_500,
        ..SandboxConfig::default()
    };
    let adapter = SandboxAdapter::new(PAYER_ID.to_owned(), config);
    let start = Instant::now();
    let reply = adapter.check(&request("SLOW1", &["30"])).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_millis(2_540));
    assert_eq!(reply.response.coverage.status, CoverageStatus::Active);

    // Under a shorter deadline the caller gives up at the deadline.
    let start = Instant::now();
    let outcome = tokio::time::timeout(
        Duration::from_secs(1),
        adapter.check(&request("slow2", &["30"])),
    )
    .await;
    assert!(outcome.is_err());
    assert_eq!(start.elapsed(), Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn timeout_never_answers_within_a_deadline() {
    let adapter = adapter(0);
    let start = Instant::now();
    let outcome = tokio::time::timeout(
        Duration::from_secs(20),
        adapter.check(&request("TIME1", &["30"])),
    )
    .await;
    assert!(outcome.is_err(), "the deadline fires first");
    assert_eq!(start.elapsed(), Duration::from_secs(20));

    // With no deadline at all the adapter reports a timeout after the configured wait.
    let start = Instant::now();
    let error = adapter.check(&request("time2", &["30"])).await.unwrap_err();
    assert!(
        matches!(error, AdapterError::Timeout(d) if d == Duration::from_secs(60)),
        "{error:?}"
    );
    assert_eq!(start.elapsed(), Duration::from_secs(60));
    assert!(error.is_retryable());
    assert_eq!(adapter.calls().get(Scenario::Timeout), 2);
}

#[tokio::test(start_paused = true)]
async fn calls_are_counted_per_scenario_across_distinct_members() {
    let adapter = adapter(0);
    for member in ["ACT1", "act2", "AcT3", "INV1", "inv2", "RX1"] {
        let _ = adapter.check(&request(member, &["30"])).await;
    }
    let _ = adapter.check(&request("MAL1", &["30"])).await;
    let calls = adapter.calls();
    assert_eq!(calls.get(Scenario::Active), 3);
    assert_eq!(calls.get(Scenario::InvalidMember), 2);
    assert_eq!(calls.get(Scenario::PharmacyCarveOut), 1);
    assert_eq!(calls.get(Scenario::Malformed), 1);
    assert_eq!(calls.get(Scenario::Slow), 0);
    assert_eq!(calls.undecodable(), 0);
    assert_eq!(calls.total(), 7);
}

#[tokio::test(start_paused = true)]
async fn every_exchange_records_fresh_control_numbers() {
    let adapter = adapter(0);
    let first = adapter
        .check(&request("ACT1", &["30"]))
        .await
        .unwrap()
        .exchange;
    let second = adapter
        .check(&request("ACT1", &["30"]))
        .await
        .unwrap()
        .exchange;
    let isa13 = first.interchange_control_number.clone().unwrap();
    assert_eq!(isa13.len(), 9);
    assert!(isa13.bytes().all(|b| b.is_ascii_digit()));
    assert!(first.group_control_number.is_some() && first.transaction_set_control_number.is_some());
    assert_ne!(
        first.interchange_control_number,
        second.interchange_control_number
    );
    assert_ne!(
        first.transaction_set_control_number,
        second.transaction_set_control_number
    );
    let raw = first.raw.unwrap();
    assert!(
        raw.starts_with("ISA") && raw.contains("ST*271"),
        "the raw 271 is kept"
    );
}

#[tokio::test(start_paused = true)]
async fn an_inquiry_that_cannot_be_written_is_invalid_and_reaches_no_payer() {
    let adapter = adapter(0);
    let mut bad = request("ACT1", &["30"]);
    bad.subscriber.last_name = Some(payer_core::Phi::new("O*BRIEN".to_owned()));
    let error = adapter.check(&bad).await.unwrap_err();
    let AdapterError::InvalidRequest { field, .. } = &error else {
        panic!("expected InvalidRequest, got {error:?}")
    };
    assert!(field.contains("lastName"), "{field}");
    assert!(!error.to_string().contains("BRIEN"), "{error}");
    assert_eq!(adapter.calls().total(), 0);
}

#[tokio::test(start_paused = true)]
async fn debug_output_and_errors_carry_no_member_data() {
    let adapter = adapter(0);
    let phi = [FIRST, LAST, DEPENDENT_FIRST, "19840309", "20151102"];
    for scenario in Scenario::ALL {
        if scenario == Scenario::Timeout {
            continue;
        }
        let member_id = format!("{}77331", scenario.prefix());
        let inquiry = with_dependent(request(&member_id, &["30"]));
        let outcome = adapter.check(&inquiry).await;
        let printed = match &outcome {
            Ok(reply) => format!("{inquiry:?} {:?}", reply.response),
            Err(error) => format!("{inquiry:?} {error} {error:?}"),
        };
        // The raw payload is PHI by design; it is kept but never in Display.
        let printed = match &outcome {
            Err(AdapterError::Malformed { raw: Some(raw), .. }) => {
                printed.replace(raw.as_str(), "")
            }
            _ => printed,
        };
        for value in phi.iter().copied().chain([member_id.as_str()]) {
            assert!(
                !printed.contains(value),
                "{} prints {value}",
                scenario.name()
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn any_payer_id_works_and_comes_back_in_the_271() {
    for payer_id in [
        "sandbox",
        "sandbox-realistic",
        "a-payer-id-longer-than-an-isa-field",
    ] {
        let adapter = SandboxAdapter::new(payer_id.to_owned(), SandboxConfig::default());
        let mut inquiry = request("ACT1", &["30"]);
        inquiry.payer_id = payer_id.to_owned();
        let reply = adapter.check(&inquiry).await.unwrap();
        let payer = reply.response.payer.unwrap();
        assert_eq!(payer.payor_identification.as_deref(), Some(payer_id));
        assert_eq!(adapter.payer_id(), payer_id);
    }
}
