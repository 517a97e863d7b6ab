//! The payer side on its own, as an HTTP server will use it: 270 bytes in, 271/999 bytes and a delay out.
mod common;

use std::time::Duration;

use common::*;
use payer_core::CoverageStatus;
use payer_sandbox::{AnswerBody, Latency, SandboxConfig, SandboxPayer, Scenario};
use payer_x12::envelope::InterchangeHeader;
use payer_x12::inquiry::encode_270;
use payer_x12::{decode, Reply};

fn payer(latency: Latency) -> SandboxPayer {
    SandboxPayer::new(
        PAYER_ID,
        SandboxConfig {
            latency,
            ..SandboxConfig::default()
        },
    )
}

fn inquiry(member_id: &str, control: u32) -> String {
    let header = InterchangeHeader::new(
        "SUBMITTER01",
        "SANDBOX01",
        control,
        date(2025, 6, 16).and_hms_opt(9, 30, 0).unwrap(),
    );
    encode_270(&request(member_id, &["30"]), &header).unwrap()
}

fn x12(body: &AnswerBody) -> &str {
    match body {
        AnswerBody::X12(x12) => x12,
        other => panic!("expected X12, got {other:?}"),
    }
}

#[test]
fn a_270_gets_the_scenarios_271_addressed_back_to_its_sender() {
    let payer = payer(Latency::Fixed { ms: 80 });
    let answer = payer.respond(inquiry("ACT42", 77).as_bytes());
    assert_eq!(answer.scenario, Some(Scenario::Active));
    assert_eq!(answer.delay, Duration::from_millis(80));
    let text = x12(&answer.body);
    // The 271 goes from the 270's receiver to its sender.
    assert!(
        text.contains("*ZZ*SANDBOX01      *ZZ*SUBMITTER01    *"),
        "{text}"
    );
    let Reply::Eligibility(responses) = decode(text.as_bytes()).unwrap() else {
        panic!("not a 271")
    };
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].coverage.status, CoverageStatus::Active);
    assert_eq!(payer.calls().get(Scenario::Active), 1);
}

#[test]
fn delays_follow_the_scenario() {
    let config = SandboxConfig {
        latency: Latency::Fixed { ms: 10 },
        slow_delay_ms: 1_000,
        timeout_delay_ms: 30_000,
        ..SandboxConfig::default()
    };
    let payer = SandboxPayer::new(PAYER_ID, config);
    let slow = payer.respond(inquiry("SLOW9", 1).as_bytes());
    assert_eq!(slow.delay, Duration::from_millis(1_010));
    assert!(matches!(slow.body, AnswerBody::X12(_)));
    let silent = payer.respond(inquiry("TIME9", 2).as_bytes());
    assert_eq!(silent.delay, Duration::from_secs(30));
    assert_eq!(silent.body, AnswerBody::NoAnswer);
}

#[test]
fn the_999_points_at_the_rejected_set_and_the_subscriber() {
    let payer = payer(Latency::Fixed { ms: 0 });
    let answer = payer.respond(inquiry("REJ5", 4321).as_bytes());
    let text = x12(&answer.body);
    assert!(text.contains("ST*999*"), "{text}");
    assert!(
        text.contains("AK1*HS*4321*"),
        "names the 270's group: {text}"
    );
    assert!(
        text.contains("AK2*270*4321*"),
        "names the 270's set: {text}"
    );
    assert!(
        text.contains("IK3*NM1*8*2100C*8"),
        "points at the subscriber NM1: {text}"
    );
    let Reply::Rejected(errors) = decode(text.as_bytes()).unwrap() else {
        panic!("not a rejection")
    };
    assert!(errors.iter().any(|e| e.code == "999-IK5-R"), "{errors:?}");
}

#[test]
fn an_unreadable_270_is_refused_with_a_999() {
    let payer = payer(Latency::Fixed { ms: 0 });
    // A 270 without its hierarchy: an envelope and a BHT, no HL loops.
    let header = InterchangeHeader::new(
        "SUBMITTER01",
        "SANDBOX01",
        55,
        date(2025, 6, 16).and_hms_opt(9, 30, 0).unwrap(),
    );
    let full = encode_270(&request("ACT1", &["30"]), &header).unwrap();
    let bht_end = full.find("~HL*").unwrap();
    let gutted = format!("{}~SE*3*0055~GE*1*55~IEA*1*000000055~", &full[..bht_end]);
    for garbage in [
        gutted.as_bytes(),
        b"this is not X12".as_slice(),
        b"".as_slice(),
    ] {
        let answer = payer.respond(garbage);
        assert_eq!(answer.scenario, None);
        let Reply::Rejected(errors) = decode(x12(&answer.body).as_bytes()).unwrap() else {
            panic!("not a rejection")
        };
        assert!(!errors.is_empty());
    }
    assert_eq!(payer.calls().undecodable(), 3);
    assert_eq!(payer.calls().total(), 3);
}

#[test]
fn the_normalized_answer_is_what_the_271_decodes_to() {
    let payer = payer(Latency::Fixed { ms: 0 });
    for scenario in [
        Scenario::Active,
        Scenario::Dependent,
        Scenario::PharmacyCarveOut,
        Scenario::InvalidMember,
    ] {
        let member_id = format!("{}100", scenario.prefix());
        let (chosen, meant) = payer.normalized_answer(&request(&member_id, &["30"]));
        assert_eq!(chosen, scenario);
        let answer = payer.respond(inquiry(&member_id, 9).as_bytes());
        let Reply::Eligibility(decoded) = decode(x12(&answer.body).as_bytes()).unwrap() else {
            panic!("not a 271")
        };
        let decoded = &decoded[0];
        assert_eq!(
            decoded.benefits_information.len(),
            meant.benefits_information.len(),
            "{}",
            scenario.name()
        );
        for (got, want) in decoded
            .benefits_information
            .iter()
            .zip(&meant.benefits_information)
        {
            assert_eq!(
                (&got.code, &got.service_type_codes, &got.benefit_amount),
                (&want.code, &want.service_type_codes, &want.benefit_amount)
            );
        }
        assert_eq!(decoded.errors.len(), meant.errors.len());
        assert_eq!(decoded.dependents.len(), meant.dependents.len());
    }
}

#[test]
fn a_forced_scenario_answers_any_member_and_names_it() {
    let payer = payer(Latency::Fixed { ms: 0 });
    let answer = payer.respond_as(inquiry("ACT77", 91).as_bytes(), Scenario::PayerUnavailable);
    assert_eq!(answer.scenario, Some(Scenario::PayerUnavailable));
    let Reply::Eligibility(responses) = decode(x12(&answer.body).as_bytes()).unwrap() else {
        panic!("not a 271")
    };
    assert_eq!(responses[0].errors[0].code, "42");
    assert_eq!(payer.calls().get(Scenario::PayerUnavailable), 1);
    assert_eq!(payer.calls().get(Scenario::Active), 0);

    let normalized =
        payer.normalized_answer_as(&request("ACT77", &["30"]), Scenario::InvalidMember);
    assert_eq!(normalized.errors[0].code, "72");
    let coverage = payer_x12::summarize(&normalized);
    assert_eq!(coverage.status, CoverageStatus::Rejected);
}
