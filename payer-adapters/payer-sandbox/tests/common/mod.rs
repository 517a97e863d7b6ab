//! Shared test helpers: sample inquiries and adapters.
#![allow(dead_code)]

use chrono::NaiveDate;
use payer_core::{
    BenefitInformation, DateOfService, EligibilityRequest, EligibilityResponse, Encounter, Gender,
    Member, PayerAdapter, PayerReply, Phi, ProcedureCode, Provider, ServiceCoverage,
};
use payer_sandbox::{Latency, SandboxAdapter, SandboxConfig};
use rust_decimal::Decimal;

pub const PAYER_ID: &str = "SANDBOX01";
pub const FIRST: &str = "ROSALIND";
pub const LAST: &str = "QUIMBY";
pub const DEPENDENT_FIRST: &str = "TOBIAS";

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn member(first: &str, last: &str, birth: NaiveDate, gender: Gender) -> Member {
    Member {
        member_id: None,
        first_name: Some(Phi::new(first.to_owned())),
        last_name: Some(Phi::new(last.to_owned())),
        date_of_birth: Some(Phi::new(birth)),
        gender: Some(gender),
    }
}

/// An inquiry about `member_id` for `types` (empty: service type 30 by default).
pub fn request(member_id: &str, types: &[&str]) -> EligibilityRequest {
    let mut subscriber = member(FIRST, LAST, date(1984, 3, 9), Gender::Female);
    subscriber.member_id = Some(Phi::new(member_id.to_owned()));
    EligibilityRequest {
        control_number: "123456789".to_owned(),
        payer_id: PAYER_ID.to_owned(),
        provider: Provider {
            organization_name: Some("RIVERSIDE FAMILY CLINIC".to_owned()),
            first_name: None,
            last_name: None,
            npi: "1234567893".to_owned(),
        },
        subscriber,
        dependents: Vec::new(),
        encounter: Encounter {
            service_type_codes: types.iter().map(|t| (*t).to_owned()).collect(),
            procedure_code: None,
            date_of_service: DateOfService {
                begin: date(2025, 6, 16),
                end: None,
            },
        },
    }
}

pub fn with_dependent(mut request: EligibilityRequest) -> EligibilityRequest {
    request.dependents.push(member(
        DEPENDENT_FIRST,
        LAST,
        date(2015, 11, 2),
        Gender::Male,
    ));
    request
}

pub fn with_procedure(mut request: EligibilityRequest, code: &str) -> EligibilityRequest {
    request.encounter.service_type_codes.clear();
    request.encounter.procedure_code = Some(ProcedureCode {
        qualifier: "HC".to_owned(),
        code: code.to_owned(),
        modifiers: Vec::new(),
    });
    request
}

/// An adapter with a fixed latency.
pub fn adapter(latency_ms: u64) -> SandboxAdapter {
    let config = SandboxConfig {
        latency: Latency::Fixed { ms: latency_ms },
        ..SandboxConfig::default()
    };
    config.validate().unwrap();
    SandboxAdapter::new(PAYER_ID.to_owned(), config)
}

/// One check of `member_id` through a fresh adapter without latency; panics unless the payer answered.
pub async fn check(member_id: &str, types: &[&str]) -> PayerReply {
    adapter(0).check(&request(member_id, types)).await.unwrap()
}

pub fn service<'a>(response: &'a EligibilityResponse, code: &str) -> &'a ServiceCoverage {
    response
        .coverage
        .services
        .iter()
        .find(|s| s.service_type_code == code)
        .unwrap_or_else(|| panic!("no coverage for service type {code}"))
}

pub fn dollars(n: i64) -> Option<Decimal> {
    Some(Decimal::from(n))
}

pub fn benefits<'a>(
    response: &'a EligibilityResponse,
    code: &'a str,
) -> impl Iterator<Item = &'a BenefitInformation> {
    response
        .benefits_information
        .iter()
        .filter(move |b| b.code == code)
}
