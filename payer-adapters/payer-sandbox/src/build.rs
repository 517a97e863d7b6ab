//! The normalized answer of each scenario, built from the inquiry as a payer would: it echoes the payer, the
//! provider and the members asked about, and adds the plan's identifiers, dates, benefits or rejections.
//!
//! The result is what the payer *means*; [`crate::payer`] turns it into 271 bytes with the codec, and the
//! gateway reads it back from those bytes only.
use chrono::{Datelike, NaiveDate};
use payer_core::{
    Communication, Contact, DateInformation, EligibilityRequest, EligibilityResponse, Member,
    PayerErrorInfo, PayerInfo, Phi, PlanInformation, ProviderInfo, Reference, ResponseMember,
};

use payer_x12::codes;

use crate::benefits::{self, Variant};
use crate::plan;
use crate::scenario::Scenario;

/// Who the simulated payer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PayerIdentity {
    /// 2100A NM109 (qualifier PI).
    pub(crate) id: String,
    /// 2100A NM103.
    pub(crate) name: String,
}

/// The normalized answer the payer gives to `request` in `scenario`.
///
/// `Malformed` and `Slow` mean the active answer (corrupted or delayed on the way); `Rejected999` and `Timeout`
/// have no 271 and also get the active answer here, which the caller does not send.
pub(crate) fn response(
    request: &EligibilityRequest,
    scenario: Scenario,
    payer: &PayerIdentity,
) -> EligibilityResponse {
    let mut response = EligibilityResponse {
        control_number: request.control_number.clone(),
        trading_partner_service_id: Some(payer.id.clone()),
        payer: Some(payer_info(payer)),
        ..EligibilityResponse::default()
    };
    response.provider = Some(provider_info(request));
    if scenario == Scenario::PayerUnavailable {
        // AAA at 2100A: the information source could not look at the request; no subscriber loop follows.
        response.errors.push(rejection("42", "R", "2100A"));
        return response;
    }
    let service_date = request.encounter.date_of_service.begin;
    let subscriber = echo_member(&request.subscriber, &subscriber_id(&request.subscriber));
    if scenario == Scenario::InvalidMember {
        response.subscriber = Some(subscriber);
        response.errors.push(rejection("72", "C", "2100C"));
        return response;
    }

    response.plan_information = Some(plan_information());
    let year = if scenario == Scenario::Inactive {
        service_date.year() - 1
    } else {
        service_date.year()
    };
    response.plan_date_information = plan_dates(year);
    match scenario {
        Scenario::Inactive => {
            response.benefits_information = benefits::inactive(request, "2110C");
        }
        Scenario::Dependent => {
            let mut dependent = match request.dependents.first() {
                Some(asked) => echo_member(asked, ""),
                None => made_up_dependent(&request.subscriber, service_date),
            };
            dependent.member_id = None;
            dependent.insured_indicator = Some("N".to_owned());
            dependent.relation_to_subscriber_code = Some("19".to_owned());
            response.dependents.push(dependent);
            response.benefits_information = benefits::active(request, Variant::Active, "2110D");
        }
        _ => {
            response.benefits_information =
                benefits::active(request, Variant::of(scenario), "2110C");
        }
    }
    response.subscriber = Some(subscriber);
    response
}

/// An AAA rejection, described from the codec's code tables.
fn rejection(code: &str, followup: &str, location: &str) -> PayerErrorInfo {
    let reason = codes::reject_reason(code);
    PayerErrorInfo {
        code: code.to_owned(),
        description: reason.map_or_else(|| code.to_owned(), |r| r.description.to_owned()),
        followup_action_code: Some(followup.to_owned()),
        followup_action: codes::followup_action_name(followup).map(str::to_owned),
        location: location.to_owned(),
        possible_resolutions: reason.map(|r| r.possible_resolution.to_owned()),
        retryable: reason.is_some_and(|r| r.retryable),
    }
}

fn payer_info(payer: &PayerIdentity) -> PayerInfo {
    PayerInfo {
        entity_identifier: Some("PR".to_owned()),
        name: Some(payer.name.clone()),
        payor_identification: Some(payer.id.clone()),
        contact_information: vec![Contact {
            name: Some("PROVIDER SERVICES".to_owned()),
            communications: vec![
                Communication {
                    qualifier: "TE".to_owned(),
                    number: plan::PAYER_PHONE.to_owned(),
                },
                Communication {
                    qualifier: "UR".to_owned(),
                    number: plan::PAYER_URL.to_owned(),
                },
            ],
        }],
    }
}

fn provider_info(request: &EligibilityRequest) -> ProviderInfo {
    let provider = &request.provider;
    ProviderInfo {
        provider_name: provider.organization_name.clone(),
        provider_first_name: provider.first_name.clone(),
        provider_last_name: provider.last_name.clone(),
        npi: Some(provider.npi.clone()),
        ..ProviderInfo::default()
    }
}

fn plan_information() -> PlanInformation {
    let reference = |code: &str, value: &str, description: &str| Reference {
        qualifier_code: code.into(),
        qualifier: None,
        value: Phi::new(value.to_owned()),
        description: Some(description.into()),
    };
    PlanInformation {
        group_number: Some(plan::GROUP_NUMBER.to_owned()),
        group_description: Some(plan::GROUP_NAME.to_owned()),
        plan_number: Some(plan::PLAN_NUMBER.to_owned()),
        plan_description: Some(plan::PLAN_NAME.to_owned()),
        references: vec![
            reference("6P", plan::GROUP_NUMBER, plan::GROUP_NAME),
            reference("18", plan::PLAN_NUMBER, plan::PLAN_NAME),
        ],
        ..PlanInformation::default()
    }
}

/// DTP*346 (plan begin) and DTP*347 (plan end) for a calendar plan year.
fn plan_dates(year: i32) -> Vec<DateInformation> {
    let date = |code: &str, month: u32, day: u32| DateInformation {
        qualifier_code: code.into(),
        qualifier: None,
        date: format!("{year:04}{month:02}{day:02}").into(),
        end_date: None,
        loop_id: None,
    };
    vec![date("346", 1, 1), date("347", 12, 31)]
}

/// The member as the payer returns it: the inquiry's names, date of birth and gender, and `member_id`.
fn echo_member(member: &Member, member_id: &str) -> ResponseMember {
    ResponseMember {
        member_id: (!member_id.is_empty()).then(|| Phi::new(member_id.to_owned())),
        first_name: member.first_name.clone(),
        last_name: member.last_name.clone(),
        date_of_birth: member
            .date_of_birth
            .as_ref()
            .map(|d| Phi::new(d.expose().format("%Y%m%d").to_string())),
        gender: member.gender.map(|g| g.code().to_owned()),
        ..ResponseMember::default()
    }
}

/// The subscriber's member ID: as asked, or for a search by name one the payer "found", derived from the
/// name and date of birth so that the same person always gets the same ID.
fn subscriber_id(subscriber: &Member) -> String {
    if let Some(id) = &subscriber.member_id {
        return id.expose().clone();
    }
    // FNV-1a over the demographics: stable across runs and platforms, unlike the std hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let last = subscriber
        .last_name
        .as_ref()
        .map(|n| n.expose().to_ascii_uppercase())
        .unwrap_or_default();
    let first = subscriber
        .first_name
        .as_ref()
        .map(|n| n.expose().to_ascii_uppercase())
        .unwrap_or_default();
    let birth = subscriber
        .date_of_birth
        .as_ref()
        .map(|d| d.expose().to_string())
        .unwrap_or_default();
    for byte in last
        .bytes()
        .chain([b'|'])
        .chain(first.bytes())
        .chain([b'|'])
        .chain(birth.bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{}{:09}", Scenario::Active.prefix(), hash % 1_000_000_000)
}

/// A child of the subscriber, for a dependent inquiry that names none.
fn made_up_dependent(subscriber: &Member, service_date: NaiveDate) -> ResponseMember {
    let birth = NaiveDate::from_ymd_opt(service_date.year() - 9, 6, 15).unwrap_or(service_date);
    ResponseMember {
        first_name: Some(Phi::new("JORDAN".to_owned())),
        last_name: Some(
            subscriber
                .last_name
                .clone()
                .unwrap_or_else(|| Phi::new("SANDBOX".to_owned())),
        ),
        date_of_birth: Some(Phi::new(birth.format("%Y%m%d").to_string())),
        gender: Some("U".to_owned()),
        ..ResponseMember::default()
    }
}
