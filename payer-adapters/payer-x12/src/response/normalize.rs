//! From one 271 segment to its part of the normalized response: names, identifiers, dates, benefits, errors.
//!
//! Each function reads the elements it needs in one pass ([`Segment::fields`]) and allocates only the strings
//! that go into the response. Code names come from [`crate::codes`].
use payer_core::{
    AdditionalInformation, Address, BenefitDetails, BenefitInformation, Communication, Contact,
    DateInformation, MessageText, PayerErrorInfo, PayerInfo, Phi, PlanInformation,
    ProcedureIdentifier, ProviderInfo, Reference, RelatedEntity, ResponseMember, ServiceDelivery,
    Text, TextList,
};

use super::number::is_decimal;
use crate::codes;
use crate::error::{X12Error, X12ErrorKind};
use crate::tokenizer::{trim_spaces, Segment};

fn opt(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_string())
}

/// A code or short value of the benefit model: inline, no allocation up to 24 bytes.
#[inline]
fn text(value: &str) -> Option<Text> {
    (!value.is_empty()).then(|| Text::new(value))
}

fn phi(value: &str) -> Option<Phi<String>> {
    opt(value).map(Phi::new)
}

/// A code and its name: the table's constants when the code is in it, else the code as sent and no name.
#[inline]
fn coded(value: &str, table: fn(&str) -> Option<(Text, Text)>) -> (Option<Text>, Option<Text>) {
    if value.is_empty() {
        return (None, None);
    }
    match table(value) {
        Some((code, name)) => (Some(code), Some(name)),
        None => (Some(Text::new(value)), None),
    }
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
    member.relation_to_subscriber = codes::relationship_name(relation).map(str::to_string);
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
    let (code, name) = coded(qualifier, codes::reference_qualifier_text);
    Some(Reference {
        qualifier_code: code.unwrap_or_default(),
        qualifier: name,
        value: Phi::new(value.to_string()),
        description: text(description),
    })
}

/// Files a 2100C/2100D REF under the plan identifiers it names, and keeps it in the full list.
pub(crate) fn add_plan_reference(plan: &mut PlanInformation, r: Reference) {
    let value = || Some(r.value.expose().clone());
    match r.qualifier_code.as_str() {
        "6P" => {
            plan.group_number = value();
            plan.group_description = r.description.as_deref().map(str::to_string);
        }
        "18" => {
            plan.plan_number = value();
            plan.plan_description = r.description.as_deref().map(str::to_string);
        }
        "N6" => plan.plan_network_id = value(),
        "IG" => plan.policy_number = value(),
        _ => {}
    }
    plan.references.push(r);
}

/// DTP: a date or a range, without its loop (the caller knows it). `Err` names what is wrong (for a warning);
/// the value is kept as sent either way.
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
    let (code, name) = coded(qualifier, codes::date_qualifier_text);
    let info = DateInformation {
        qualifier_code: code.unwrap_or_default(),
        qualifier: name,
        date: Text::new(date),
        end_date: end_date.map(Text::new),
        loop_id: None,
    };
    (
        Some(info),
        (!ok).then_some("DTP date is not CCYYMMDD or a CCYYMMDD-CCYYMMDD range"),
    )
}

fn is_ccyymmdd(v: &str) -> bool {
    v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit())
}

/// EB: one benefit, appended to `list`; `Ok(Some(reason))` when EB07, EB08 or EB10 is not a number, as X12
/// requires (the value is kept as sent, for a warning). EB01 is required: a benefit without its kind has no
/// meaning.
pub(crate) fn push_benefit(
    seg: &Segment<'_>,
    loop_id: &'static str,
    list: &mut Vec<BenefitInformation>,
) -> Result<Option<&'static str>, X12Error> {
    // EB03 and EB13 come trimmed as a whole; their repetitions and components are trimmed one by one below.
    let [code, level, services, insurance, plan, period, amount, percent, qty_qualifier, quantity, auth, network, procedure] =
        seg.fields::<13>();
    if code.is_empty() {
        return Err(invalid(
            seg,
            1,
            "EB01 (eligibility or benefit information code) is required",
        ));
    }
    let mut service_type_codes = TextList::new();
    let mut service_types = TextList::new();
    for service in seg.repetitions_of(services) {
        let (code, name) = match codes::service_type_text(service) {
            Some(known) => known,
            None => (Text::new(service), Text::new(service)),
        };
        service_type_codes.push(code);
        service_types.push(name);
    }
    let (code_text, name) = coded(code, codes::eligibility_benefit_text);
    let (coverage_level_code, coverage_level) = coded(level, codes::coverage_level_text);
    let (insurance_type_code, insurance_type) = coded(insurance, codes::insurance_type_text);
    let (time_qualifier_code, time_qualifier) = coded(period, codes::time_period_text);
    let (quantity_qualifier_code, quantity_qualifier) =
        coded(qty_qualifier, codes::quantity_qualifier_text);
    let (in_plan_network_indicator_code, in_plan_network_indicator) =
        coded(network, codes::network_indicator_text);
    list.push(BenefitInformation {
        loop_id: match loop_id {
            // Constants: a `Text` made from a `&str` at run time costs a copy even when the string is static.
            "2110C" => const { Text::from_static("2110C") },
            "2110D" => const { Text::from_static("2110D") },
            other => Text::from_static(other),
        },
        code: code_text.unwrap_or_default(),
        name,
        coverage_level_code,
        coverage_level,
        service_type_codes,
        service_types,
        insurance_type_code,
        insurance_type,
        plan_coverage: text(plan),
        time_qualifier_code,
        time_qualifier,
        benefit_amount: text(amount),
        benefit_percent: text(percent),
        quantity_qualifier_code,
        quantity_qualifier,
        benefit_quantity: text(quantity),
        auth_or_cert_indicator: text(auth),
        in_plan_network_indicator_code,
        in_plan_network_indicator,
        details: procedure_identifier(seg, procedure).map(|procedure| {
            Box::new(BenefitDetails {
                composite_medical_procedure_identifier: Some(procedure),
                ..BenefitDetails::default()
            })
        }),
    });
    let numbers_ok = [amount, percent, quantity]
        .into_iter()
        .all(|v| v.is_empty() || is_decimal(v));
    Ok((!numbers_ok).then_some("EB07, EB08 or EB10 is not a number"))
}

/// EB13: the procedure, when it has both a qualifier and a code.
fn procedure_identifier(seg: &Segment<'_>, procedure: &str) -> Option<ProcedureIdentifier> {
    let mut parts = seg.components_of(procedure).map(trim_spaces);
    let (qualifier, code) = (parts.next()?, parts.next()?);
    (!qualifier.is_empty() && !code.is_empty()).then(|| ProcedureIdentifier {
        product_or_service_id_qualifier_code: Text::new(qualifier),
        procedure_code: Text::new(code),
        procedure_modifiers: parts
            .take(4)
            .filter(|m| !m.is_empty())
            .map(Text::new)
            .collect(),
    })
}

/// HSD: service delivery pattern.
pub(crate) fn service_delivery(seg: &Segment<'_>) -> ServiceDelivery {
    let [q, quantity, unit, modulus, period, periods, frequency, pattern] = seg.fields::<8>();
    ServiceDelivery {
        quantity_qualifier_code: text(q),
        quantity: text(quantity),
        unit_for_measurement_code: text(unit),
        sample_selection_modulus: text(modulus),
        time_period_qualifier_code: text(period),
        number_of_periods: text(periods),
        delivery_frequency_code: text(frequency),
        delivery_pattern_time_code: text(pattern),
    }
}

/// MSG: free-form text; `None` when empty.
pub(crate) fn message(seg: &Segment<'_>) -> Option<MessageText> {
    seg.element(1).map(|d| MessageText {
        description: Text::new(d),
    })
}

/// III: additional eligibility information.
pub(crate) fn additional_information(seg: &Segment<'_>) -> AdditionalInformation {
    let [qualifier, code, category, free_text] = seg.fields::<4>();
    AdditionalInformation {
        code_list_qualifier_code: text(qualifier),
        industry_code: text(code),
        code_category: text(category),
        injured_body_part_name: text(free_text),
    }
}

/// 2120 NM1: a benefit-related entity.
pub(crate) fn related_entity(seg: &Segment<'_>) -> RelatedEntity {
    let [code, kind, name, first, _, _, _, qualifier, id] = seg.fields::<9>();
    let (entity_code, entity_name) = coded(code, codes::entity_identifier_text);
    RelatedEntity {
        entity_identifier_code: entity_code.unwrap_or_default(),
        entity_identifier: entity_name,
        entity_type: text(kind),
        entity_name: text(name),
        entity_first_name: text(first),
        entity_identification: text(qualifier),
        entity_identification_value: text(id),
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
        followup_action: codes::followup_action_name(followup).map(str::to_string),
        location: loop_id.to_string(),
        possible_resolutions: known.map(|r| r.possible_resolution.to_string()),
        retryable: known.is_some_and(|r| r.retryable),
    })
}
