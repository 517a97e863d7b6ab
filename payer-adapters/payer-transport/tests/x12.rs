//! The X12 steps shared by the X12 transports: control numbers, 270 encoding with the payer's interchange
//! settings, and decoding of 271, 999 and garbage into replies and adapter errors.
use chrono::NaiveDate;
use payer_core::{
    AdapterError, CoverageStatus, DateOfService, EligibilityRequest, Encounter, Member, Phi,
    Provider,
};
use payer_transport::{decode_reply, encode_inquiry, ControlNumbers, InterchangeSettings};
use payer_x12::ack::{encode_999_rejection, SegmentError};
use payer_x12::envelope::{InterchangeHeader, Usage};

const ACTIVE: &str = include_str!("data/active.271");
const AAA72: &str = include_str!("data/aaa72.271");

fn request() -> EligibilityRequest {
    EligibilityRequest {
        control_number: "123456789".into(),
        payer_id: "ACME".into(),
        provider: Provider {
            organization_name: Some("HAPPY VALLEY CLINIC".into()),
            first_name: None,
            last_name: None,
            npi: "1234567893".into(),
        },
        subscriber: Member {
            member_id: Some(Phi::new("ACT00001".into())),
            first_name: Some(Phi::new("JOHN".into())),
            last_name: Some(Phi::new("DOE".into())),
            date_of_birth: Some(Phi::new(NaiveDate::from_ymd_opt(1980, 1, 2).unwrap())),
            gender: None,
        },
        dependents: Vec::new(),
        encounter: Encounter {
            service_type_codes: vec!["30".into()],
            procedure_code: None,
            date_of_service: DateOfService {
                begin: NaiveDate::from_ymd_opt(2024, 3, 15).unwrap(),
                end: None,
            },
        },
    }
}

fn settings() -> InterchangeSettings {
    InterchangeSettings {
        sender_qualifier: "ZZ".into(),
        sender_id: "SUBMITTERID".into(),
        receiver_qualifier: "30".into(),
        receiver_id: "PAYERID".into(),
        usage: Usage::Test,
        payer_name: Some("ACME HEALTH".into()),
    }
}

fn now() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 3, 15)
        .unwrap()
        .and_hms_opt(10, 20, 0)
        .unwrap()
}

#[test]
fn control_numbers_stay_within_nine_digits_and_advance() {
    let numbers = ControlNumbers::starting_at(u32::MAX - 1);
    let seen: Vec<u32> = (0..4).map(|_| numbers.next()).collect();
    assert!(
        seen.iter().all(|n| (1..=999_999_999).contains(n)),
        "{seen:?}"
    );
    let numbers = ControlNumbers::starting_at(41);
    assert_eq!((numbers.next(), numbers.next()), (42, 43));
    let a = ControlNumbers::new();
    let b = ControlNumbers::new();
    assert_ne!(a.next(), b.next(), "two random seeds should differ");
}

#[test]
fn the_270_carries_the_control_numbers_it_reports() {
    let out = encode_inquiry(&request(), &settings(), 4242, now()).unwrap();
    assert_eq!(
        out.exchange.interchange_control_number.as_deref(),
        Some("000004242")
    );
    assert_eq!(out.exchange.group_control_number.as_deref(), Some("4242"));
    assert_eq!(
        out.exchange.transaction_set_control_number.as_deref(),
        Some("123456789")
    );
    assert!(out
        .x12
        .starts_with("ISA*00*          *00*          *ZZ*SUBMITTERID    *30*PAYERID        *"));
    assert!(out.x12.contains("*000004242*0*T*:~"));
    assert!(out
        .x12
        .contains("GS*HS*SUBMITTERID*PAYERID*20240315*1020*4242*X*005010X279A1~"));
    assert!(out.x12.contains("ST*270*123456789*005010X279A1~"));
    assert!(out.x12.contains("NM1*PR*2*ACME HEALTH*****PI*ACME~"));
    let decoded = payer_x12::inquiry::decode_270(out.x12.as_bytes()).unwrap();
    assert_eq!(decoded, vec![request()]);
}

#[test]
fn a_non_numeric_control_number_leaves_st02_to_the_counter() {
    let mut req = request();
    req.control_number = "ABC".into();
    let out = encode_inquiry(&req, &settings(), 77, now()).unwrap();
    assert_eq!(
        out.exchange.transaction_set_control_number.as_deref(),
        Some("0077")
    );
}

#[test]
fn a_delimiter_in_the_request_is_the_inquirys_fault_and_in_the_settings_the_gateways() {
    let mut req = request();
    req.subscriber.last_name = Some(Phi::new("DO*E".into()));
    match encode_inquiry(&req, &settings(), 1, now()) {
        Err(AdapterError::InvalidRequest { field, .. }) => assert_eq!(field, "subscriber.lastName"),
        other => panic!("{other:?}"),
    }
    let mut bad = settings();
    bad.sender_qualifier = "Z".into();
    assert!(matches!(
        encode_inquiry(&request(), &bad, 1, now()),
        Err(AdapterError::Internal(_))
    ));
}

#[test]
fn a_271_decodes_into_the_reply_with_the_raw_kept() {
    let reply = decode_reply(ACTIVE.as_bytes(), Default::default(), "123456789").unwrap();
    assert_eq!(reply.response.coverage.status, CoverageStatus::Active);
    assert_eq!(reply.response.control_number, "123456789");
    assert_eq!(reply.exchange.raw.as_deref(), Some(ACTIVE));
}

#[test]
fn a_271_with_aaa_is_an_answer_with_rejected_coverage() {
    let reply = decode_reply(AAA72.as_bytes(), Default::default(), "123456789").unwrap();
    assert_eq!(reply.response.coverage.status, CoverageStatus::Rejected);
    assert_eq!(
        reply.response.errors.first().map(|e| e.code.as_str()),
        Some("72")
    );
}

#[test]
fn a_999_rejection_is_rejected_and_garbage_is_malformed() {
    let header = InterchangeHeader::new("PAYERID", "SUBMITTERID", 9, now());
    let errors = [SegmentError {
        segment_id: "NM1".into(),
        position: 8,
        loop_id: Some("2100C".into()),
        code: "8".into(),
        element: None,
    }];
    let x999 = encode_999_rejection(&header, "4242", "123456789", &errors).unwrap();
    match decode_reply(x999.as_bytes(), Default::default(), "123456789") {
        Err(AdapterError::Rejected { errors }) => assert!(!errors.is_empty()),
        other => panic!("{other:?}"),
    }
    match decode_reply(b"<html>oops</html>", Default::default(), "1") {
        Err(AdapterError::Malformed { raw, .. }) => {
            assert_eq!(raw.as_deref(), Some("<html>oops</html>"))
        }
        other => panic!("{other:?}"),
    }
}
