//! Test helpers shared by this crate's integration tests: an inquiry and hand-written X12 answers.
#![allow(dead_code)]

pub mod chc;

use chrono::NaiveDate;
use payer_core::{DateOfService, EligibilityRequest, Encounter, Member, Phi, Provider};

/// A 271 for an active member (payer-transport's fixture).
pub const ACTIVE_271: &str = include_str!("../../../payer-transport/tests/data/active.271");
/// A 271 whose subscriber loop carries AAA 72.
pub const AAA72_271: &str = include_str!("../../../payer-transport/tests/data/aaa72.271");

/// A 999 rejecting the 270's transaction set.
pub fn rejection_999() -> String {
    use payer_x12::ack::{encode_999_rejection, SegmentError};
    use payer_x12::envelope::InterchangeHeader;
    let at = NaiveDate::from_ymd_opt(2024, 3, 15)
        .unwrap()
        .and_hms_opt(10, 20, 0)
        .unwrap();
    let header = InterchangeHeader::new("PAYERID", "SUBMITTERID", 9, at);
    let errors = [SegmentError {
        segment_id: "NM1".into(),
        position: 8,
        loop_id: Some("2100C".into()),
        code: "8".into(),
        element: None,
    }];
    encode_999_rejection(&header, "1", "123456789", &errors).unwrap()
}

/// A subscriber inquiry for service type 30.
pub fn request() -> EligibilityRequest {
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
