//! Hand-checked values from the 271, 999 and TA1 fixtures in `tests/data`, beside the golden files: the
//! numbers a front desk would read, AAA locations and retryability, dependents, and error kinds.
use std::path::Path;
use std::str::FromStr;

use payer_core::{CoverageStatus, EligibilityResponse, ServiceCoverage};
use payer_x12::{decode, decode_271, Reply, X12ErrorKind};
use rust_decimal::Decimal;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap()
}

fn one(name: &str) -> EligibilityResponse {
    let mut all = decode_271(&fixture(name)).unwrap();
    assert_eq!(all.len(), 1, "{name}");
    all.remove(0)
}

fn dollars(v: &str) -> Option<Decimal> {
    Some(Decimal::from_str(v).unwrap())
}

fn service<'a>(r: &'a EligibilityResponse, code: &str) -> &'a ServiceCoverage {
    r.coverage
        .services
        .iter()
        .find(|s| s.service_type_code == code)
        .unwrap()
}

#[test]
fn full_subscriber_coverage_summary() {
    let r = one("271/full-subscriber.x12");
    let c = &r.coverage;
    assert_eq!(c.status, CoverageStatus::Active);
    assert_eq!(c.plan_name.as_deref(), Some("ACME GOLD PPO"));
    assert_eq!(c.plan_begin.unwrap().to_string(), "2024-01-01");
    assert_eq!(c.plan_end.unwrap().to_string(), "2024-12-31");
    let office = service(&r, "98");
    assert_eq!(office.in_network.copay, dollars("25"));
    assert_eq!(office.out_of_network.copay, dollars("60"));
    assert_eq!(office.in_network.coinsurance_percent, dollars("20"));
    assert_eq!(office.out_of_network.coinsurance_percent, dollars("40"));
    let plan = service(&r, "30");
    assert_eq!(plan.in_network.deductible.individual.total, dollars("2000"));
    assert_eq!(
        plan.in_network.deductible.individual.remaining,
        dollars("800")
    );
    assert_eq!(plan.in_network.deductible.family.total, dollars("4000"));
    assert_eq!(
        plan.in_network.deductible.family.remaining,
        dollars("3100.50")
    );
    assert_eq!(
        plan.out_of_network.deductible.individual.total,
        dollars("5000")
    );
    // EB12 W: both networks.
    for network in [&plan.in_network, &plan.out_of_network] {
        assert_eq!(network.out_of_pocket.individual.total, dollars("6000"));
        assert_eq!(network.out_of_pocket.individual.remaining, dollars("5450"));
    }
    // EB06 24 (year to date, 1500 used of 12000): remaining derived.
    assert_eq!(
        plan.in_network.out_of_pocket.family.remaining,
        dollars("10500")
    );
    assert_eq!(service(&r, "MH").authorization_required, Some(true));
    assert_eq!(service(&r, "MH").in_network.copay, dollars("40"));
    assert_eq!(service(&r, "8").active, Some(false));
    assert_eq!(service(&r, "86").in_network.copay, dollars("150"));
    assert_eq!(plan.authorization_required, None);
    assert_eq!(r.plan_status.len(), 1);
    assert_eq!(r.plan_status[0].service_type_codes.len(), 11);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert!(r.errors.is_empty());
}

#[test]
fn full_subscriber_loops() {
    let r = one("271/full-subscriber.x12");
    assert_eq!(r.control_number, "REQ000123");
    assert_eq!(r.trading_partner_service_id.as_deref(), Some("87726"));
    let payer = r.payer.as_ref().unwrap();
    assert_eq!(payer.name.as_deref(), Some("ACME HEALTH PLAN"));
    assert_eq!(payer.contact_information[0].communications.len(), 2);
    let provider = r.provider.as_ref().unwrap();
    assert_eq!(provider.npi.as_deref(), Some("1234567893"));
    assert_eq!(
        provider.reference_identification.as_deref(),
        Some("207Q00000X")
    );
    let sub = r.subscriber.as_ref().unwrap();
    assert_eq!(sub.member_id.as_ref().unwrap().expose(), "W123456789");
    assert_eq!(sub.middle_name.as_ref().unwrap().expose(), "Q");
    assert_eq!(
        sub.address.as_ref().unwrap().expose().address2.as_deref(),
        Some("APT 3")
    );
    let plan = r.plan_information.as_ref().unwrap();
    assert_eq!(plan.group_number.as_deref(), Some("GRP7788"));
    assert_eq!(plan.plan_description.as_deref(), Some("ACME GOLD PPO"));
    let eb = &r.benefits_information;
    assert_eq!(eb.len(), 19);
    assert!(eb.iter().all(|b| b.loop_id == "2110C"));
    assert_eq!(
        eb[0].details().benefits_date_information[0]
            .end_date
            .as_deref(),
        Some("20241231")
    );
    let mh = eb.iter().find(|b| b.service_type_codes == ["MH"]).unwrap();
    assert_eq!(
        mh.details().benefits_service_delivery[0]
            .quantity
            .as_deref(),
        Some("30")
    );
    assert_eq!(mh.details().additional_information.len(), 1);
    let er = eb.iter().find(|b| b.service_type_codes == ["86"]).unwrap();
    assert_eq!(
        er.details().benefits_additional_information[0].qualifier_code,
        "G1"
    );
    assert_eq!(
        er.details().eligibility_additional_information[0]
            .industry_code
            .as_deref(),
        Some("23")
    );
    let pcp = eb.iter().find(|b| b.code == "L").unwrap();
    let entity = &pcp.details().benefits_related_entities[0];
    assert_eq!(
        (
            entity.entity_identifier_code.as_str(),
            entity.entity_name.as_deref()
        ),
        ("P3", Some("SMITH"))
    );
    assert_eq!(entity.provider_code.as_deref(), Some("PE"));
    assert_eq!(entity.contact_information.len(), 1);
    let procedure = eb
        .last()
        .unwrap()
        .details()
        .composite_medical_procedure_identifier
        .as_ref()
        .unwrap();
    assert_eq!(
        (
            procedure.procedure_code.as_str(),
            procedure.procedure_modifiers.as_slice()
        ),
        ("99214", &["25".into()][..])
    );
}

#[test]
fn dependent_loops() {
    let r = one("271/dependent.x12");
    assert_eq!(r.dependents.len(), 1);
    let d = &r.dependents[0];
    assert_eq!(d.first_name.as_ref().unwrap().expose(), "EMMA");
    assert_eq!(d.relation_to_subscriber.as_deref(), Some("Child"));
    assert_eq!(d.birth_sequence_number.as_deref(), Some("1"));
    assert!(r.benefits_information.iter().all(|b| b.loop_id == "2110D"));
    // No EB03 on the deductible: it is about health benefit plan coverage (30); no EB02: individual.
    let plan = service(&r, "30");
    assert_eq!(plan.in_network.deductible.individual.total, dollars("1000"));
    assert_eq!(
        plan.in_network.deductible.individual.remaining,
        dollars("250")
    );
    assert_eq!(r.coverage.plan_begin.unwrap().to_string(), "2024-01-01");
}

/// A 271 about a dependent that also lists the subscriber's own benefits (an inactive plan, a 5,000
/// deductible) and plan dates (last year's): the summary is the dependent's alone.
#[test]
fn a_dependents_summary_leaves_out_the_subscribers_benefits_and_dates() {
    let r = one("271/dependent-beside-subscriber.x12");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(
        r.benefits_information.len(),
        4,
        "every EB is kept in the list"
    );
    assert_eq!(r.coverage.status, CoverageStatus::Active);
    assert_eq!(r.coverage.plan_name.as_deref(), Some("ACME GOLD PPO"));
    let plan = service(&r, "30");
    assert_eq!(plan.in_network.deductible.individual.total, dollars("500"));
    assert_eq!(plan.active, Some(true));
    // planStatus lists every status EB, the subscriber's included, as benefitsInformation does.
    assert_eq!(r.plan_status.len(), 2);
    // The dependent's 2100D plan dates, not the subscriber's 2100C ones, though these come first.
    assert_eq!(r.coverage.plan_begin.unwrap().to_string(), "2024-01-01");
    assert_eq!(r.coverage.plan_end.unwrap().to_string(), "2024-12-31");
    let dates: Vec<_> = r
        .plan_date_information
        .iter()
        .map(|d| {
            (
                d.loop_id.as_deref(),
                d.qualifier_code.as_str(),
                d.date.as_str(),
            )
        })
        .collect();
    assert_eq!(
        dates,
        [
            (Some("2100C"), "346", "20230101"),
            (Some("2100C"), "347", "20231231"),
            (Some("2100D"), "346", "20240101"),
            (Some("2100D"), "347", "20241231"),
        ]
    );
}

/// ISA16 reused as ISA11 (as some payers send) is read on, with a warning naming the clash.
#[test]
fn a_component_separator_reused_for_repetitions_is_a_warning() {
    let fixed = String::from_utf8(fixture("271/dependent.x12")).unwrap();
    let shared = fixed.replacen("*P*:~", "*P*^~", 1);
    assert_ne!(shared, fixed);
    let r = decode_271(shared.as_bytes()).unwrap().remove(0);
    let codes: Vec<&str> = r.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["shared-delimiter"]);
    assert!(one("271/dependent.x12").warnings.is_empty());
}

#[test]
fn aaa_at_every_level() {
    let r = one("271/aaa-every-level.x12");
    let got: Vec<(&str, &str, bool)> = r
        .errors
        .iter()
        .map(|e| (e.location.as_str(), e.code.as_str(), e.retryable))
        .collect();
    assert_eq!(
        got,
        [
            ("2000A", "42", true),
            ("2100A", "79", false),
            ("2100B", "43", false),
            ("2100C", "72", false),
            ("2110C", "57", false),
            ("2100D", "73", false),
            ("2110D", "15", false)
        ]
    );
    assert!(r
        .errors
        .iter()
        .all(|e| !e.description.is_empty() && e.followup_action.is_some()));
    assert_eq!(r.coverage.status, CoverageStatus::Inactive);
}

#[test]
fn rejections_without_benefits() {
    for (name, location, code, retryable) in [
        ("271/receiver-rejected.x12", "2100B", "50", false),
        ("271/payer-unavailable.x12", "2100A", "42", true),
        ("271/invalid-member.x12", "2100C", "72", false),
    ] {
        let r = one(name);
        assert_eq!(r.coverage.status, CoverageStatus::Rejected, "{name}");
        let e = &r.errors[0];
        assert_eq!(
            (e.location.as_str(), e.code.as_str(), e.retryable),
            (location, code, retryable),
            "{name}"
        );
        assert!(e.possible_resolutions.is_some());
    }
}

#[test]
fn several_sets_groups_and_subscribers() {
    let all = decode_271(&fixture("271/multiple-sets-and-groups.x12")).unwrap();
    let got: Vec<(&str, CoverageStatus)> = all
        .iter()
        .map(|r| (r.control_number.as_str(), r.coverage.status))
        .collect();
    assert_eq!(
        got,
        [
            ("R1", CoverageStatus::Active),
            ("R2", CoverageStatus::Inactive),
            ("R3", CoverageStatus::Active)
        ]
    );
    let two = decode_271(&fixture("271/two-subscribers.x12")).unwrap();
    assert_eq!(two.len(), 2);
    assert!(two
        .iter()
        .all(|r| r.payer.is_some() && r.provider.is_some()));
    assert_eq!(
        two[1]
            .subscriber
            .as_ref()
            .unwrap()
            .last_name
            .as_ref()
            .unwrap()
            .expose(),
        "ROE"
    );
}

#[test]
fn pharmacy_carve_out() {
    let r = one("271/pharmacy-carve-out.x12");
    let other = r
        .benefits_information
        .iter()
        .find(|b| b.code == "R")
        .unwrap();
    assert_eq!(
        other.details().benefits_related_entities[0]
            .entity_name
            .as_deref(),
        Some("EXAMPLE RX BENEFITS")
    );
    assert_eq!(other.details().benefits_additional_information.len(), 2);
    assert_eq!(service(&r, "90").authorization_required, Some(true));
    assert_eq!(service(&r, "89").in_network.copay, dollars("10"));
    assert_eq!(service(&r, "90").in_network.copay, dollars("35"));
    let um = r.benefits_information.last().unwrap();
    assert_eq!(
        um.details().benefits_related_entities[0].entity_identifier_code,
        "X3"
    );
}

#[test]
fn deviations_are_warnings() {
    let r = one("271/deviations.x12");
    let codes: Vec<&str> = r.warnings.iter().map(|w| w.code.as_str()).collect();
    for expected in [
        "segment-order",
        "missing-segment",
        "unexpected-segment",
        "invalid-number",
        "functional-id",
        "lowercase-segment-id",
        "segment-count-mismatch",
        "control-number-mismatch",
        "missing-trailer",
    ] {
        assert!(codes.contains(&expected), "{expected} not in {codes:?}");
    }
    assert!(r.warnings.iter().all(|w| w.position.is_some()));
    assert_eq!(
        r.subscriber
            .as_ref()
            .unwrap()
            .first_name
            .as_ref()
            .unwrap()
            .expose(),
        "JANE"
    );
    assert_eq!(r.coverage.status, CoverageStatus::Active);
}

#[test]
fn strict_where_meaning_is_lost() {
    let kind = |name: &str| decode(&fixture(name)).unwrap_err();
    let e = kind("271/error-eb-without-eb01.x12");
    assert_eq!((e.segment.as_deref(), e.position), (Some("EB"), Some(12)));
    assert!(matches!(
        e.kind,
        X12ErrorKind::InvalidElement { index: 1, .. }
    ));
    assert!(matches!(
        kind("271/error-unknown-hl-level.x12").kind,
        X12ErrorKind::InvalidElement { index: 3, .. }
    ));
    assert_eq!(
        kind("271/error-not-a-response.x12").kind,
        X12ErrorKind::NotEligibilityResponse("270".into())
    );
}

#[test]
fn acknowledgments() {
    let rejected = |name: &str| match decode(&fixture(name)).unwrap() {
        Reply::Rejected(e) => e,
        other => panic!("{name}: {other:?}"),
    };
    let e = rejected("999/rejected-270.x12");
    let codes: Vec<&str> = e.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(
        codes,
        ["999-IK5-R", "999-IK304-8", "999-IK403-7", "999-IK304-1"]
    );
    assert_eq!(e[1].location, "2100C");
    assert!(
        e.iter().all(|e| !e.description.contains("W12")),
        "IK404 bad data must not be quoted"
    );
    assert_eq!(rejected("999/group-rejected.x12")[0].location, "GS");
    assert_eq!(
        rejected("999/partially-accepted.x12")[0].description,
        "Transaction set 0002 rejected: One or more segments in error"
    );
    assert_eq!(
        decode(&fixture("999/accepted-270.x12")).unwrap(),
        Reply::Acknowledged
    );
    assert_eq!(
        decode(&fixture("ta1/accepted.x12")).unwrap(),
        Reply::Acknowledged
    );
    let ta1 = rejected("ta1/rejected-sender.x12");
    assert_eq!(
        (ta1[0].code.as_str(), ta1[0].description.as_str()),
        ("TA1-006", "Invalid Interchange Sender ID")
    );
    assert!(rejected("ta1/rejected-retryable.x12")[0].retryable);
}

#[test]
fn a_ta1_in_front_of_a_271_still_yields_the_271() {
    let mut input = fixture("271/full-subscriber.x12");
    let at = input.windows(3).position(|w| w == b"GS*").unwrap();
    let ta1 = b"TA1*000000123*240115*1030*R*006~\n";
    input.splice(at..at, ta1.iter().copied());
    match decode(&input).unwrap() {
        Reply::Eligibility(r) => {
            assert_eq!(r[0].coverage.status, CoverageStatus::Active);
            assert!(r[0]
                .warnings
                .iter()
                .any(|w| w.code == "rejection-beside-response"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn non_utf8_bytes_are_replaced_with_a_warning() {
    let mut input = fixture("271/full-subscriber.x12");
    let at = input.windows(4).position(|w| w == b"JANE").unwrap();
    input[at + 1] = 0xC1; // Latin-1 "Á", not UTF-8
    let r = &decode_271(&input).unwrap()[0];
    assert!(r.warnings.iter().any(|w| w.code == "invalid-encoding"));
    assert_eq!(r.coverage.status, CoverageStatus::Active);
}

#[test]
fn warnings_and_errors_are_capped_per_response() {
    let mut body = String::from("ST*271*0001*005010X279A1~BHT*0022*11*R*20240115*1030~HL*1**20*1~");
    body.push_str(&"AAA*Y**42*R~".repeat(300));
    body.push_str(&"ZZZ*1~".repeat(300));
    body.push_str(&"HL*3*2*22*0~NM1*IL*1*DOE*JANE****MI*W1~EB*1**30~".repeat(200));
    body.push_str("SE*1*0001~");
    let input = format!(
        "ISA*00*          *00*          *ZZ*PAYERSENDER    *ZZ*PROVRECEIVER   *240115*1030*^*00501*000000123*0*P*:~\
         GS*HB*S*R*20240115*1030*1*X*005010X279A1~{body}GE*1*1~IEA*1*000000123~"
    );
    let all = decode_271(input.as_bytes()).unwrap();
    assert_eq!(all.len(), 200);
    for r in &all {
        assert_eq!(r.errors.len(), 100);
        assert!(r.warnings.len() <= 101);
        assert!(r.warnings.iter().any(|w| w.code == "too-many-warnings"));
    }
}
