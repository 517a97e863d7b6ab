//! From one 271 segment to its part of the normalized response: names, identifiers, dates, benefits, errors.
//!
//! Each function reads the elements it needs in one pass ([`Segment::fields`]) and allocates only the strings
//! that go into the response. Code names come from [`crate::codes`].
use payer_core::{
    AdditionalInformation, Address, BenefitInformation, Communication, Contact, DateInformation,
    MessageText, PayerErrorInfo, PayerInfo, Phi, PlanInformation, PlanStatus, ProcedureIdentifier,
    ProviderInfo, Reference, RelatedEntity, ResponseMember, ServiceDelivery,
};

use crate::codes;
use crate::error::{X12Error, X12ErrorKind};
use crate::tokenizer::Segment;

fn opt(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_string())
}

fn phi(value: &str) -> Option<Phi<String>> {
    opt(value).map(Phi::new)
}

fn name_of(value: &str, table: fn(&str) -> Option<&'static str>) -> Option<String> {
    table(value).map(str::to_string)
}

fn invalid(seg: &Segment<'_>, index: usize, reason: &'static str) -> X12Error {
    X12Error::at(
        seg.id(),
        seg.position(),
        X12ErrorKind::InvalidElement { index, reason },
    )
}

/// 2100A NM1: the information source.
pub(crate) fn payer(seg: &Segment<'_>) -> PayerInfo {
    let [entity, _, name, .., _qualifier, id] = seg.fields::<9>();
    PayerInfo {
        entity_identifier: opt(entity),
        name: opt(name),
        payor_identification: opt(id),
        contact_information: Vec::new(),
    }
}

/// 2100B NM1: the information receiver.
pub(crate) fn provider(seg: &Segment<'_>) -> ProviderInfo {
    let [_, kind, last, first, _, _, _, qualifier, id] = seg.fields::<9>();
    let mut info = ProviderInfo::default();
    if kind == "1" {
        info.provider_last_name = opt(last);
        info.provider_first_name = opt(first);
    } else {
        info.provider_name = opt(last);
    }
    if qualifier == "XX" {
        info.npi = opt(id);
    } else {
        info.service_provider_number = opt(id);
    }
    info
}

/// PRV of the receiver: provider code and taxonomy.
pub(crate) fn provider_specialty(seg: &Segment<'_>, info: &mut ProviderInfo) {
    let [code, _, taxonomy] = seg.fields::<3>();
    info.provider_code = opt(code);
    info.reference_identification = opt(taxonomy);
}

/// 2100C/2100D NM1: the member's name and identifier.
pub(crate) fn member_name(seg: &Segment<'_>, member: &mut ResponseMember) {
    let [_, _, last, first, middle, _, suffix, _, id] = seg.fields::<9>();
    member.last_name = phi(last);
    member.first_name = phi(first);
    member.middle_name = phi(middle);
    member.suffix = phi(suffix);
    if !id.is_empty() {
        member.member_id = phi(id);
    }
}

/// DMG: date of birth and gender.
pub(crate) fn demographics(seg: &Segment<'_>, member: &mut ResponseMember) {
    let [_, birth, gender] = seg.fields::<3>();
    member.date_of_birth = phi(birth);
    member.gender = opt(gender);
}

/// INS: insured indicator, relationship, birth sequence.
pub(crate) fn insured(seg: &Segment<'_>, member: &mut ResponseMember) {
    let f = seg.fields::<17>();
    let [indicator, relation, ..] = f;
    member.insured_indicator = opt(indicator);
    member.relation_to_subscriber_code = opt(relation);
    member.relation_to_subscriber = name_of(relation, codes::relationship_name);
    member.birth_sequence_number = f.last().and_then(|v| opt(v));
}

/// N3: street lines.
pub(crate) fn street(seg: &Segment<'_>, address: &mut Address) {
    let [line1, line2] = seg.fields::<2>();
    address.address1 = opt(line1);
    address.address2 = opt(line2);
}

/// N4: city, state, postal code, country.
pub(crate) fn city(seg: &Segment<'_>, address: &mut Address) {
    let [city, state, postal, country] = seg.fields::<4>();
    address.city = opt(city);
    address.state = opt(state);
    address.postal_code = opt(postal);
    address.country_code = opt(country);
}

/// PER: a contact with up to three communication numbers.
pub(crate) fn contact(seg: &Segment<'_>) -> Contact {
    let [_, name, q1, n1, q2, n2, q3, n3] = seg.fields::<8>();
    let communications = [(q1, n1), (q2, n2), (q3, n3)]
        .into_iter()
        .filter(|(q, n)| !q.is_empty() && !n.is_empty())
        .map(|(q, n)| Communication {
            qualifier: q.to_string(),
            number: n.to_string(),
        })
        .collect();
    Contact {
        name: opt(name),
        communications,
    }
}

/// REF: a reference; `None` when REF01 or REF02 is missing.
pub(crate) fn reference(seg: &Segment<'_>) -> Option<Reference> {
    let [qualifier, value, description] = seg.fields::<3>();
    if qualifier.is_empty() || value.is_empty() {
        return None;
    }
    Some(Reference {
        qualifier_code: qualifier.to_string(),
        qualifier: name_of(qualifier, codes::reference_qualifier_name),
        value: Phi::new(value.to_string()),
        description: opt(description),
    })
}

/// Files a 2100C/2100D REF under the plan identifiers it names, and keeps it in the full list.
pub(crate) fn add_plan_reference(plan: &mut PlanInformation, r: Reference) {
    let value = || Some(r.value.expose().clone());
    match r.qualifier_code.as_str() {
        "6P" => {
            plan.group_number = value();
            plan.group_description = r.description.clone();
        }
        "18" => {
            plan.plan_number = value();
            plan.plan_description = r.description.clone();
        }
        "N6" => plan.plan_network_id = value(),
        "IG" => plan.policy_number = value(),
        _ => {}
    }
    plan.references.push(r);
}

/// DTP: a date or a range. `Err` names what is wrong (for a warning); the value is kept as sent either way.
pub(crate) fn date(seg: &Segment<'_>) -> (Option<DateInformation>, Option<&'static str>) {
    let [qualifier, format, value] = seg.fields::<3>();
    if qualifier.is_empty() || value.is_empty() {
        return (None, Some("DTP without a qualifier or a date was skipped"));
    }
    let (date, end_date) = match value.split_once('-') {
        Some((from, to)) if format.eq_ignore_ascii_case("RD8") || format.is_empty() => {
            (from, Some(to))
        }
        _ => (value, None),
    };
    let ok = is_ccyymmdd(date) && end_date.is_none_or(is_ccyymmdd);
    let info = DateInformation {
        qualifier_code: qualifier.to_string(),
        qualifier: name_of(qualifier, codes::date_qualifier_name),
        date: date.to_string(),
        end_date: end_date.map(str::to_string),
    };
    (
        Some(info),
        (!ok).then_some("DTP date is not CCYYMMDD or a CCYYMMDD-CCYYMMDD range"),
    )
}

fn is_ccyymmdd(v: &str) -> bool {
    v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit())
}

/// EB: one benefit. EB01 is required: a benefit without its kind has no meaning.
pub(crate) fn benefit(seg: &Segment<'_>, loop_id: &str) -> Result<BenefitInformation, X12Error> {
    let [code, level, _, insurance, plan, period, amount, percent, qty_qualifier, quantity, auth, network] =
        seg.fields::<12>();
    if code.is_empty() {
        return Err(invalid(
            seg,
            1,
            "EB01 (eligibility or benefit information code) is required",
        ));
    }
    let service_type_codes: Vec<String> = seg.repetitions(3).map(str::to_string).collect();
    let service_types = service_type_codes
        .iter()
        .map(|c| codes::service_type_name(c).map_or_else(|| c.clone(), str::to_string))
        .collect();
    let composite = seg
        .components(13)
        .map(|c| c.trim_matches(' '))
        .collect::<Vec<_>>();
    let composite_medical_procedure_identifier = match composite.as_slice() {
        [qualifier, code, modifiers @ ..] if !qualifier.is_empty() && !code.is_empty() => {
            Some(ProcedureIdentifier {
                product_or_service_id_qualifier_code: qualifier.to_string(),
                procedure_code: code.to_string(),
                procedure_modifiers: modifiers
                    .iter()
                    .take(4)
                    .filter(|m| !m.is_empty())
                    .map(|m| m.to_string())
                    .collect(),
            })
        }
        _ => None,
    };
    Ok(BenefitInformation {
        loop_id: loop_id.to_string(),
        code: code.to_string(),
        name: name_of(code, codes::eligibility_benefit_name),
        coverage_level_code: opt(level),
        coverage_level: name_of(level, codes::coverage_level_name),
        service_type_codes,
        service_types,
        insurance_type_code: opt(insurance),
        insurance_type: name_of(insurance, codes::insurance_type_name),
        plan_coverage: opt(plan),
        time_qualifier_code: opt(period),
        time_qualifier: name_of(period, codes::time_period_name),
        benefit_amount: opt(amount),
        benefit_percent: opt(percent),
        quantity_qualifier_code: opt(qty_qualifier),
        quantity_qualifier: name_of(qty_qualifier, codes::quantity_qualifier_name),
        benefit_quantity: opt(quantity),
        auth_or_cert_indicator: opt(auth),
        in_plan_network_indicator_code: opt(network),
        in_plan_network_indicator: name_of(network, codes::network_indicator_name),
        composite_medical_procedure_identifier,
        ..BenefitInformation::default()
    })
}

/// Whether EB07, EB08 and EB10 are numbers, as X12 requires; `Some(reason)` when one is not.
pub(crate) fn benefit_numbers_problem(b: &BenefitInformation) -> Option<&'static str> {
    let bad = |v: &Option<String>| {
        v.as_deref()
            .is_some_and(|v| v.parse::<rust_decimal::Decimal>().is_err())
    };
    if bad(&b.benefit_amount) || bad(&b.benefit_percent) || bad(&b.benefit_quantity) {
        Some("EB07, EB08 or EB10 is not a number")
    } else {
        None
    }
}

/// The plan status entry of an EB whose EB01 is `1`-`8`.
pub(crate) fn plan_status(b: &BenefitInformation) -> Option<PlanStatus> {
    matches!(
        b.code.as_str(),
        "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8"
    )
    .then(|| PlanStatus {
        status_code: b.code.clone(),
        status: b.name.clone().unwrap_or_else(|| b.code.clone()),
        plan_details: b.plan_coverage.clone(),
        service_type_codes: b.service_type_codes.clone(),
    })
}

/// HSD: service delivery pattern.
pub(crate) fn service_delivery(seg: &Segment<'_>) -> ServiceDelivery {
    let [q, quantity, unit, modulus, period, periods, frequency, pattern] = seg.fields::<8>();
    ServiceDelivery {
        quantity_qualifier_code: opt(q),
        quantity: opt(quantity),
        unit_for_measurement_code: opt(unit),
        sample_selection_modulus: opt(modulus),
        time_period_qualifier_code: opt(period),
        number_of_periods: opt(periods),
        delivery_frequency_code: opt(frequency),
        delivery_pattern_time_code: opt(pattern),
    }
}

/// MSG: free-form text; `None` when empty.
pub(crate) fn message(seg: &Segment<'_>) -> Option<MessageText> {
    seg.element(1).map(|d| MessageText {
        description: d.to_string(),
    })
}

/// III: additional eligibility information.
pub(crate) fn additional_information(seg: &Segment<'_>) -> AdditionalInformation {
    let [qualifier, code, category, text] = seg.fields::<4>();
    AdditionalInformation {
        code_list_qualifier_code: opt(qualifier),
        industry_code: opt(code),
        code_category: opt(category),
        injured_body_part_name: opt(text),
    }
}

/// 2120 NM1: a benefit-related entity.
pub(crate) fn related_entity(seg: &Segment<'_>) -> RelatedEntity {
    let [code, kind, name, first, _, _, _, qualifier, id] = seg.fields::<9>();
    RelatedEntity {
        entity_identifier_code: code.to_string(),
        entity_identifier: name_of(code, codes::entity_identifier_name),
        entity_type: opt(kind),
        entity_name: opt(name),
        entity_first_name: opt(first),
        entity_identification: opt(qualifier),
        entity_identification_value: opt(id),
        ..RelatedEntity::default()
    }
}

/// AAA: a rejection at `loop_id`. AAA03 is required: an error without its reason says nothing actionable.
pub(crate) fn rejection(seg: &Segment<'_>, loop_id: &str) -> Result<PayerErrorInfo, X12Error> {
    let [_valid, _, reason, followup] = seg.fields::<4>();
    if reason.is_empty() {
        return Err(invalid(seg, 3, "AAA03 (reject reason code) is required"));
    }
    let known = codes::reject_reason(reason);
    Ok(PayerErrorInfo {
        code: reason.to_string(),
        description: known.map_or_else(
            || "Unknown reject reason".to_string(),
            |r| r.description.to_string(),
        ),
        followup_action_code: opt(followup),
        followup_action: name_of(followup, codes::followup_action_name),
        location: loop_id.to_string(),
        possible_resolutions: known.map(|r| r.possible_resolution.to_string()),
        retryable: known.is_some_and(|r| r.retryable),
    })
}
