//! Generators of 2110 benefits and their 2120 entities.
use payer_core::{
    AdditionalInformation, BenefitDetails, BenefitInformation, MessageText, ProcedureIdentifier,
    RelatedEntity, ServiceDelivery,
};
use payer_x12::codes::SERVICE_TYPE_CODES;
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;
use proptest::sample::select;

use super::{address, code, contact, date_info, ot, reference, t, text, vt};

fn entity() -> impl Strategy<Value = RelatedEntity> {
    (
        (
            code(&["PR", "P3", "X3", "13", "1P", "VN"]),
            code(&["1", "2"]),
            of(text()),
            of(text()),
        ),
        (
            of(code(&["PI", "XX", "SV"])),
            of("[0-9]{5,10}"),
            of(address()),
            vec(contact(), 0..2),
        ),
        (of(code(&["PC", "PE"])), of("[0-9]{3}[A-Z0-9]{6}X")),
    )
        .prop_map(
            |((id, kind, name, first), (qualifier, value, address, contacts), (prv, taxonomy))| {
                RelatedEntity {
                    entity_identifier_code: t(id),
                    entity_identifier: None,
                    entity_type: Some(t(kind)),
                    entity_name: ot(name),
                    entity_first_name: ot(first),
                    entity_identification: ot(qualifier),
                    entity_identification_value: ot(value),
                    address,
                    contact_information: contacts,
                    provider_code: ot(prv),
                    reference_identification: ot(taxonomy),
                }
            },
        )
}

pub(crate) fn benefit(dependent_loop: bool) -> impl Strategy<Value = BenefitInformation> {
    let eb01: &'static [&'static str] = &[
        "1", "6", "A", "B", "C", "G", "CB", "D", "F", "I", "L", "MC", "R", "U", "X9",
    ];
    let header = (
        code(eb01),
        of(code(&["IND", "FAM", "EMP", "ESP", "CHD"])),
        vec(select(SERVICE_TYPE_CODES).prop_map(str::to_owned), 0..5),
        of(code(&["HM", "PR", "MB", "MC", "C1", "QQ"])),
        of(text()),
        of(code(&["23", "29", "27", "22", "7"])),
    );
    let numbers = (
        of("[1-9][0-9]{0,4}(\\.[0-9]{2})?"),
        of(select(&[".2", "0.1", "1", ".05"][..]).prop_map(str::to_owned)),
        of(code(&["VS", "DY", "P6", "99"])),
        of("[1-9][0-9]?"),
        of(code(&["Y", "N", "U"])),
        of(code(&["Y", "N", "W", "U"])),
        of(("[A-Z]{2}", "[0-9]{5}", vec("[A-Z0-9]{2}", 0..=4))),
    );
    let loop_parts = (
        vec(
            (
                of(code(&["VS", "DY"])),
                of("[1-9]"),
                of(code(&["DA", "WK"])),
                of("[0-9]"),
                of(code(&["27", "34"])),
                of("[1-9]"),
                of(code(&["1", "7"])),
                of(code(&["D", "E"])),
            ),
            0..2,
        ),
        vec(reference(), 0..2),
        vec(date_info(), 0..2),
        vec(
            text().prop_map(|description| MessageText {
                description: t(description),
            }),
            0..3,
        ),
        vec(
            (
                of(code(&["ZZ", "GR"])),
                of("[0-9]{2}"),
                of(code(&["44"])),
                of(text()),
            ),
            0..2,
        ),
        vec(entity(), 0..3),
    );
    (header, numbers, loop_parts).prop_map(move |(h, n, l)| {
        let (code, level, service_type_codes, insurance, plan_coverage, period) = h;
        let (amount, percent, qty_qualifier, quantity, auth, network, composite) = n;
        let (hsd, refs, dates, messages, iii, entities) = l;
        BenefitInformation {
            loop_id: if dependent_loop { "2110D" } else { "2110C" }.into(),
            code: t(code),
            coverage_level_code: ot(level),
            service_type_codes: vt(service_type_codes).into(),
            insurance_type_code: ot(insurance),
            plan_coverage: ot(plan_coverage),
            time_qualifier_code: ot(period),
            benefit_amount: ot(amount),
            benefit_percent: ot(percent),
            quantity_qualifier_code: ot(qty_qualifier),
            benefit_quantity: ot(quantity),
            auth_or_cert_indicator: ot(auth),
            in_plan_network_indicator_code: ot(network),
            details: details(BenefitDetails {
                composite_medical_procedure_identifier: composite.map(|(q, c, m)| {
                    ProcedureIdentifier {
                        product_or_service_id_qualifier_code: t(q),
                        procedure_code: t(c),
                        procedure_modifiers: vt(m),
                    }
                }),
                benefits_service_delivery: hsd
                    .into_iter()
                    .map(|(q, qty, unit, modulus, period, periods, freq, pattern)| {
                        ServiceDelivery {
                            quantity_qualifier_code: ot(q),
                            quantity: ot(qty),
                            unit_for_measurement_code: ot(unit),
                            sample_selection_modulus: ot(modulus),
                            time_period_qualifier_code: ot(period),
                            number_of_periods: ot(periods),
                            delivery_frequency_code: ot(freq),
                            delivery_pattern_time_code: ot(pattern),
                        }
                    })
                    .collect(),
                benefits_additional_information: refs,
                benefits_date_information: dates,
                additional_information: messages,
                eligibility_additional_information: iii
                    .into_iter()
                    .map(|(q, code, category, text)| AdditionalInformation {
                        code_list_qualifier_code: ot(q),
                        industry_code: ot(code),
                        code_category: ot(category),
                        injured_body_part_name: ot(text),
                    })
                    .collect(),
                benefits_related_entities: entities,
            }),
            ..BenefitInformation::default()
        }
    })
}

/// The details of a generated benefit, or none when it has nothing in them (as the decoder leaves them).
fn details(details: BenefitDetails) -> Option<Box<BenefitDetails>> {
    (!details.is_empty()).then(|| Box::new(details))
}
