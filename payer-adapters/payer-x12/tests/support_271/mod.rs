//! Generators of normalized 271 responses and the canonical form the decoder gives back, for
//! `tests/roundtrip_271.rs`.
use payer_core::{
    Address, Communication, Contact, DateInformation, EligibilityResponse, PayerErrorInfo,
    PayerInfo, Phi, PlanInformation, ProviderInfo, Reference, ResponseMember, Text,
};
use payer_x12::codes::REJECT_REASON_CODES;
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;
use proptest::sample::select;

mod benefit;
mod canonical;

use benefit::benefit;
pub use canonical::canonical;

/// A generated value as the model's [`Text`].
pub(crate) fn t(value: String) -> Text {
    value.into()
}

pub(crate) fn ot(value: Option<String>) -> Option<Text> {
    value.map(Text::from)
}

pub(crate) fn vt(values: Vec<String>) -> Vec<Text> {
    values.into_iter().map(Text::from).collect()
}

pub(crate) fn text() -> impl Strategy<Value = String> {
    "[A-Z0-9][A-Za-z0-9 .,&'|/-]{0,20}[A-Za-z0-9]|[A-Z]"
}

pub(crate) fn code(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    select(list).prop_map(str::to_owned)
}

pub(crate) fn ccyymmdd() -> impl Strategy<Value = String> {
    (1950i32..2040, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}{m:02}{d:02}"))
}

fn phi_text() -> impl Strategy<Value = Option<Phi<String>>> {
    of(text().prop_map(Phi::new))
}

pub(crate) fn address() -> impl Strategy<Value = Address> {
    (
        of(text()),
        of(text()),
        text(),
        of(code(&["CA", "NY", "TX"])),
        of("[0-9]{5}"),
        of(code(&["US", "CA"])),
    )
        .prop_map(
            |(address1, address2, city, state, postal_code, country_code)| Address {
                address1,
                address2,
                city: Some(city),
                state,
                postal_code,
                country_code,
            },
        )
}

pub(crate) fn contact() -> impl Strategy<Value = Contact> {
    let number = (code(&["TE", "FX", "EM", "UR", "EX"]), "[0-9]{10}")
        .prop_map(|(qualifier, number)| Communication { qualifier, number });
    (of(text()), vec(number, 0..=3)).prop_map(|(name, communications)| Contact {
        name,
        communications,
    })
}

fn member(dependent: bool) -> impl Strategy<Value = ResponseMember> {
    let relation: &'static [&'static str] = if dependent {
        &["01", "19", "G8"]
    } else {
        &["18"]
    };
    (
        (
            phi_text(),
            phi_text(),
            phi_text(),
            phi_text(),
            of("[A-Z0-9]{1,12}".prop_map(Phi::new)),
        ),
        (
            of(ccyymmdd().prop_map(Phi::new)),
            of(code(&["M", "F", "U"])),
            of(address().prop_map(Phi::new)),
        ),
        (
            of(Just(if dependent { "N" } else { "Y" }.to_owned())),
            of(code(relation)),
            of("[1-9]"),
        ),
    )
        .prop_map(
            move |(
                (last_name, first_name, middle_name, suffix, member_id),
                (date_of_birth, gender, address),
                (insured_indicator, relation_to_subscriber_code, birth_sequence_number),
            )| ResponseMember {
                member_id: if dependent { None } else { member_id },
                first_name,
                last_name,
                middle_name,
                suffix,
                date_of_birth,
                gender,
                address,
                insured_indicator,
                relation_to_subscriber_code,
                relation_to_subscriber: None,
                birth_sequence_number,
            },
        )
}

pub(crate) fn reference() -> impl Strategy<Value = Reference> {
    (
        code(&["18", "6P", "1L", "IG", "N6", "SY", "ZZ", "9F"]),
        "[A-Z0-9]{1,10}",
        of(text()),
    )
        .prop_map(|(qualifier_code, value, description)| Reference {
            qualifier_code: t(qualifier_code),
            qualifier: None,
            value: Phi::new(value),
            description: ot(description),
        })
}

/// The loop of a generated plan date: none (the subscriber's), `2100C` or `2100D`.
const DATE_LOOPS: &[Option<&str>] = &[None, Some("2100C"), Some("2100D")];

/// A date without a loop (a benefit's date; [`response`] gives plan dates theirs).
pub(crate) fn date_info() -> impl Strategy<Value = DateInformation> {
    (
        code(&["291", "307", "346", "347", "356", "472", "999"]),
        ccyymmdd(),
        of(ccyymmdd()),
    )
        .prop_map(|(qualifier_code, date, end_date)| DateInformation {
            qualifier_code: t(qualifier_code),
            qualifier: None,
            date: t(date),
            end_date: ot(end_date),
            loop_id: None,
        })
}

fn error(locations: &'static [&'static str]) -> impl Strategy<Value = PayerErrorInfo> {
    (
        code(REJECT_REASON_CODES),
        of(code(&["C", "N", "R", "P", "Y"])),
        code(locations),
    )
        .prop_map(|(code, followup_action_code, location)| PayerErrorInfo {
            code,
            followup_action_code,
            location,
            ..PayerErrorInfo::default()
        })
}

fn payer_and_provider() -> impl Strategy<Value = (PayerInfo, ProviderInfo)> {
    let payer = (
        code(&["PR", "2B", "36", "GP", "P5"]),
        of(text()),
        of("[A-Z0-9]{2,10}"),
        vec(contact(), 0..2),
    )
        .prop_map(|(entity, name, id, contacts)| PayerInfo {
            entity_identifier: Some(entity),
            name,
            payor_identification: id,
            contact_information: contacts,
        });
    let provider = (
        any::<bool>(),
        text(),
        of(text()),
        any::<bool>(),
        "[0-9]{10}",
        of(code(&["PE", "AT"])),
        of("[0-9]{3}[A-Z0-9]{6}X"),
    )
        .prop_map(
            |(organization, name, first, npi, id, code, taxonomy)| ProviderInfo {
                provider_name: organization.then(|| name.clone()),
                provider_first_name: if organization { None } else { first },
                provider_last_name: (!organization).then_some(name),
                npi: npi.then(|| id.clone()),
                service_provider_number: (!npi).then_some(id),
                provider_code: code,
                reference_identification: taxonomy,
            },
        );
    (payer, provider)
}

pub fn response() -> impl Strategy<Value = EligibilityResponse> {
    let with_subscriber = (
        (
            "[0-9A-Z]{1,12}",
            payer_and_provider(),
            member(false),
            vec(member(true), 0..3),
        ),
        (
            of(vec(reference(), 1..4)),
            vec((date_info(), select(DATE_LOOPS)), 0..4),
            vec(benefit(false), 0..6),
            vec(benefit(true), 0..3),
        ),
        (
            vec(error(&["2000A", "2100A", "2100B", "2100C", "2110C"]), 0..4),
            vec(error(&["2100D", "2110D"]), 0..2),
        ),
    )
        .prop_map(
            |(
                (control, (payer, provider), subscriber, dependents),
                (refs, dates, c, d),
                (errors, d_errors),
            )| {
                let has_dependents = !dependents.is_empty();
                // Subscriber and dependent dates interleaved, to check that they are regrouped; a 2100D
                // date needs a dependent to go to.
                let dates = dates
                    .into_iter()
                    .map(|(date, loop_id)| DateInformation {
                        loop_id: loop_id
                            .map(|l| if has_dependents { l } else { "2100C" })
                            .map(Text::from_static),
                        ..date
                    })
                    .collect();
                let mut benefits = c;
                if has_dependents {
                    // Interleave dependent benefits to check that they are regrouped.
                    for (i, b) in d.into_iter().enumerate() {
                        benefits.insert(i.min(benefits.len()), b);
                    }
                }
                let mut errors = errors;
                if has_dependents {
                    errors.extend(d_errors);
                }
                EligibilityResponse {
                    control_number: control,
                    payer: Some(payer),
                    provider: Some(provider),
                    subscriber: Some(subscriber),
                    dependents,
                    plan_information: refs.map(|references| PlanInformation {
                        references,
                        ..PlanInformation::default()
                    }),
                    plan_date_information: dates,
                    benefits_information: benefits,
                    errors,
                    ..EligibilityResponse::default()
                }
            },
        );
    let receiver_only = (
        "[0-9]{9}",
        payer_and_provider(),
        vec(error(&["2000A", "2100A", "2100B"]), 1..3),
    )
        .prop_map(|(control, (payer, provider), errors)| EligibilityResponse {
            control_number: control,
            payer: Some(payer),
            provider: Some(provider),
            errors,
            ..EligibilityResponse::default()
        });
    prop_oneof![4 => with_subscriber, 1 => receiver_only]
}
