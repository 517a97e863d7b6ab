//! The canonical form of a generated response: what the 271 decoder gives back for it.
use payer_core::{EligibilityResponse, PayerErrorInfo, PlanStatus, Text};
use payer_x12::{codes, summarize};

fn name_of<T: From<&'static str>>(
    code: &Option<impl AsRef<str>>,
    table: fn(&str) -> Option<&'static str>,
) -> Option<T> {
    code.as_ref().and_then(|c| table(c.as_ref())).map(T::from)
}

/// The response as the decoder gives it back: derived fields computed, placements the 271 fixes applied.
pub fn canonical(input: &EligibilityResponse) -> EligibilityResponse {
    let mut r = input.clone();
    r.trading_partner_service_id = r
        .payer
        .as_ref()
        .and_then(|p| p.payor_identification.clone());
    for member in r.subscriber.iter_mut().chain(r.dependents.iter_mut()) {
        member.relation_to_subscriber = name_of(
            &member.relation_to_subscriber_code,
            codes::relationship_name,
        );
    }
    if let Some(plan) = r.plan_information.as_mut() {
        for reference in &mut plan.references {
            reference.qualifier =
                codes::reference_qualifier_name(&reference.qualifier_code).map(Into::into);
            let value = Some(reference.value.expose().clone());
            match reference.qualifier_code.as_str() {
                "6P" => {
                    (plan.group_number, plan.group_description) =
                        (value, reference.description.as_deref().map(str::to_owned))
                }
                "18" => {
                    (plan.plan_number, plan.plan_description) =
                        (value, reference.description.as_deref().map(str::to_owned))
                }
                "N6" => plan.plan_network_id = value,
                "IG" => plan.policy_number = value,
                _ => {}
            }
        }
    }
    // 2100C dates (those without a loop are written there) come before 2100D ones.
    let (c, d): (Vec<_>, Vec<_>) = r
        .plan_date_information
        .drain(..)
        .partition(|d| d.loop_id.as_deref() != Some("2100D"));
    r.plan_date_information = c.into_iter().chain(d).collect();
    for date in r.plan_date_information.iter_mut() {
        date.qualifier = codes::date_qualifier_name(&date.qualifier_code).map(Into::into);
        date.loop_id
            .get_or_insert_with(|| Text::from_static("2100C"));
    }
    // 2110C benefits come before 2110D ones.
    let (c, d): (Vec<_>, Vec<_>) = r
        .benefits_information
        .drain(..)
        .partition(|b| b.loop_id == "2110C");
    r.benefits_information = c.into_iter().chain(d).collect();
    for b in r.benefits_information.iter_mut() {
        b.name = codes::eligibility_benefit_name(&b.code).map(Into::into);
        b.coverage_level = name_of(&b.coverage_level_code, codes::coverage_level_name);
        b.service_types = b
            .service_type_codes
            .iter()
            .map(|c| codes::service_type_name(c).map_or_else(|| c.clone(), Into::into))
            .collect();
        b.insurance_type = name_of(&b.insurance_type_code, codes::insurance_type_name);
        b.time_qualifier = name_of(&b.time_qualifier_code, codes::time_period_name);
        b.quantity_qualifier = name_of(&b.quantity_qualifier_code, codes::quantity_qualifier_name);
        b.in_plan_network_indicator = name_of(
            &b.in_plan_network_indicator_code,
            codes::network_indicator_name,
        );
        let Some(details) = b.details.as_mut() else {
            continue;
        };
        for r in details.benefits_additional_information.iter_mut() {
            r.qualifier = codes::reference_qualifier_name(&r.qualifier_code).map(Into::into);
        }
        for d in details.benefits_date_information.iter_mut() {
            d.qualifier = codes::date_qualifier_name(&d.qualifier_code).map(Into::into);
        }
        for e in details.benefits_related_entities.iter_mut() {
            e.entity_identifier =
                codes::entity_identifier_name(&e.entity_identifier_code).map(Into::into);
        }
    }
    // Errors in loop order; 2110 errors with no benefit to follow are filed under 2100.
    let has_c = r.benefits_information.iter().any(|b| b.loop_id == "2110C");
    let has_d = r.benefits_information.iter().any(|b| b.loop_id == "2110D");
    let rank = |e: &PayerErrorInfo| match e.location.as_str() {
        "2000A" => 0,
        "2100A" => 1,
        "2100B" => 2,
        "2110C" if !has_c => 3,
        "2100C" => 4,
        "2110C" => 5,
        "2110D" if !has_d => 6,
        "2100D" => 7,
        _ => 8,
    };
    r.errors.sort_by_key(rank);
    for e in r.errors.iter_mut() {
        if e.location == "2110C" && !has_c {
            e.location = "2100C".into();
        }
        if e.location == "2110D" && !has_d {
            e.location = "2100D".into();
        }
        let known = codes::reject_reason(&e.code);
        e.description = known.map_or_else(
            || "Unknown reject reason".into(),
            |k| k.description.to_owned(),
        );
        e.possible_resolutions = known.map(|k| k.possible_resolution.to_owned());
        e.retryable = known.is_some_and(|k| k.retryable);
        e.followup_action = name_of(&e.followup_action_code, codes::followup_action_name);
    }
    r.plan_status = r
        .benefits_information
        .iter()
        .filter(|b| {
            matches!(
                b.code.as_str(),
                "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8"
            )
        })
        .map(|b| PlanStatus {
            status_code: b.code.clone(),
            status: b.name.clone().unwrap_or_else(|| b.code.clone()),
            plan_details: b.plan_coverage.clone(),
            service_type_codes: b.service_type_codes.clone(),
        })
        .collect();
    r.coverage = summarize(&r);
    r
}
