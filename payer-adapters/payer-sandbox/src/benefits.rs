//! The benefit segments (2110C/2110D EB loops) of the scenarios that find an enrolled member.
//!
//! The answer follows what was asked: service type 30 (or no service type) gets the full benefit set of
//! [`crate::plan`]; other service types get their own active coverage, cost share, deductible and out-of-pocket;
//! a procedure code gets an EB with that procedure (EB13). Health benefit plan coverage (30) is always reported,
//! as the implementation guide asks of every 271 that finds the member.
use payer_core::Phi;
use payer_core::{
    Address, BenefitInformation, Communication, Contact, EligibilityRequest, MessageText,
    ProcedureIdentifier, Reference, RelatedEntity, Text,
};

use crate::plan::{self, Accumulators};
use crate::scenario::Scenario;

/// Which benefit variant to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Variant {
    /// Active with the normal accumulators.
    Active,
    /// Active, deductible met.
    DeductibleMet,
    /// Active, prior authorization required for [`plan::AUTH_REQUIRED`].
    AuthRequired,
    /// Active, pharmacy carved out.
    PharmacyCarveOut,
}

impl Variant {
    pub(crate) fn of(scenario: Scenario) -> Variant {
        match scenario {
            Scenario::DeductibleMet => Variant::DeductibleMet,
            Scenario::AuthRequired => Variant::AuthRequired,
            Scenario::PharmacyCarveOut => Variant::PharmacyCarveOut,
            _ => Variant::Active,
        }
    }
}

/// The service types an inquiry asks about, deduplicated, in order; `30` when it asks for none and names no
/// procedure.
pub(crate) fn asked_types(request: &EligibilityRequest) -> Vec<String> {
    let mut types: Vec<String> = Vec::new();
    for code in &request.encounter.service_type_codes {
        if !types.contains(code) {
            types.push(code.clone());
        }
    }
    if types.is_empty() && request.encounter.procedure_code.is_none() {
        types.push("30".to_owned());
    }
    types
}

/// The EB loops of an enrolled, active member, for `loop_id` (`2110C` or `2110D`).
pub(crate) fn active(
    request: &EligibilityRequest,
    variant: Variant,
    loop_id: &str,
) -> Vec<BenefitInformation> {
    let asked = asked_types(request);
    let full = asked.iter().any(|t| t == "30");
    let carve_out = variant == Variant::PharmacyCarveOut;
    let is_pharmacy = |t: &str| carve_out && plan::PHARMACY.contains(&t);

    // The medical service types answered, and the pharmacy ones carved out.
    let listed: Vec<String> = if full {
        plan::COVERED.iter().map(|t| (*t).to_owned()).collect()
    } else {
        asked.iter().filter(|t| *t != "30").cloned().collect()
    };
    let medical: Vec<String> = listed.iter().filter(|t| !is_pharmacy(t)).cloned().collect();
    let pharmacy: Vec<String> = if !carve_out {
        Vec::new()
    } else if full {
        plan::PHARMACY.iter().map(|t| (*t).to_owned()).collect()
    } else {
        listed.iter().filter(|t| is_pharmacy(t)).cloned().collect()
    };
    let auth = |t: &str| -> &'static str {
        if variant == Variant::AuthRequired && plan::AUTH_REQUIRED.contains(&t) {
            "Y"
        } else {
            "N"
        }
    };

    let mut out = Vec::new();
    // Health benefit plan coverage, with the plan's name and the primary care provider.
    let mut plan_level = eb(loop_id, "1", &["30"]);
    plan_level.coverage_level_code = Some("IND".into());
    plan_level.insurance_type_code = Some(plan::INSURANCE_TYPE.into());
    plan_level.plan_coverage = Some(plan::PLAN_NAME.into());
    let details = plan_level.details_mut();
    details
        .additional_information
        .push(msg("SIMULATED RESPONSE FROM THE SANDBOX PAYER"));
    details
        .benefits_related_entities
        .push(primary_care_provider());
    out.push(plan_level);

    // Active coverage per service type: one EB for those without prior authorization, one for those with.
    let (needs_auth, free): (Vec<String>, Vec<String>) =
        medical.iter().cloned().partition(|t| auth(t) == "Y");
    if !free.is_empty() {
        let mut covered = eb_types(loop_id, "1", &free);
        covered.auth_or_cert_indicator = Some("N".into());
        out.push(covered);
    }
    if !needs_auth.is_empty() {
        let mut covered = eb_types(loop_id, "1", &needs_auth);
        covered.auth_or_cert_indicator = Some("Y".into());
        let details = covered.details_mut();
        details.additional_information.push(msg(
            "PRIOR AUTHORIZATION REQUIRED, CALL UTILIZATION MANAGEMENT",
        ));
        details
            .benefits_related_entities
            .push(utilization_management());
        out.push(covered);
    }

    // Copays and coinsurance, per service type and network.
    for service in &medical {
        let share = plan::cost_share(service);
        for (in_network, copay, coinsurance) in [
            (true, share.copay_in, share.coinsurance_in),
            (false, share.copay_out, share.coinsurance_out),
        ] {
            if let Some(dollars) = copay {
                let mut copay = eb_types(loop_id, "B", std::slice::from_ref(service));
                copay.time_qualifier_code = Some("27".into());
                copay.benefit_amount = Some(dollars.to_string().into());
                copay.auth_or_cert_indicator = Some(auth(service).into());
                copay.in_plan_network_indicator_code = Some(network(in_network).into());
                if service == "98" && in_network {
                    copay
                        .details_mut()
                        .additional_information
                        .push(msg("NO COPAY FOR PREVENTIVE VISITS"));
                }
                out.push(copay);
            }
            if let Some(percent) = coinsurance {
                let mut coins = eb_types(loop_id, "A", std::slice::from_ref(service));
                coins.benefit_percent = Some(fraction(percent).into());
                coins.auth_or_cert_indicator = Some(auth(service).into());
                coins.in_plan_network_indicator_code = Some(network(in_network).into());
                out.push(coins);
            }
        }
    }

    // Deductible and out-of-pocket maximum: for the plan (30) in the full answer, else for the asked types.
    let accumulated: Vec<String> = if full || medical.is_empty() {
        vec!["30".to_owned()]
    } else {
        medical.clone()
    };
    let (deductible, out_of_pocket) = match variant {
        Variant::DeductibleMet => (plan::DEDUCTIBLE_MET, plan::OUT_OF_POCKET_MET),
        _ => (plan::DEDUCTIBLE, plan::OUT_OF_POCKET),
    };
    accumulators(&mut out, loop_id, "C", &accumulated, &deductible);
    accumulators(&mut out, loop_id, "G", &accumulated, &out_of_pocket);
    if variant == Variant::DeductibleMet {
        if let Some(last) = out.iter_mut().rev().find(|b| b.code == "C") {
            last.details_mut()
                .additional_information
                .push(msg("INDIVIDUAL DEDUCTIBLE MET FOR THE PLAN YEAR"));
        }
    }

    // Pharmacy carved out to the pharmacy benefit manager.
    if !pharmacy.is_empty() {
        out.push(carve_out_pbm(loop_id, &pharmacy));
    }

    // A procedure asked about in EQ02.
    if let Some(procedure) = &request.encounter.procedure_code {
        let mut by_procedure = eb(loop_id, "1", &[]);
        by_procedure
            .details_mut()
            .composite_medical_procedure_identifier = Some(ProcedureIdentifier {
            product_or_service_id_qualifier_code: procedure.qualifier.as_str().into(),
            procedure_code: procedure.code.as_str().into(),
            procedure_modifiers: procedure.modifiers.iter().map(Text::from).collect(),
        });
        let auth_needed = variant == Variant::AuthRequired;
        by_procedure.auth_or_cert_indicator = Some(if auth_needed { "Y" } else { "N" }.into());
        if auth_needed {
            by_procedure
                .details_mut()
                .benefits_related_entities
                .push(utilization_management());
        }
        out.push(by_procedure);
    }
    out
}

/// The EB loop of an inactive member: EB*6 for every asked service type, with the plan's name.
pub(crate) fn inactive(request: &EligibilityRequest, loop_id: &str) -> Vec<BenefitInformation> {
    let mut types = asked_types(request);
    if types.is_empty() {
        types.push("30".to_owned());
    }
    let mut inactive = eb_types(loop_id, "6", &types);
    inactive.coverage_level_code = Some("IND".into());
    inactive.insurance_type_code = Some(plan::INSURANCE_TYPE.into());
    inactive.plan_coverage = Some(plan::PLAN_NAME.into());
    inactive
        .details_mut()
        .additional_information
        .push(msg("COVERAGE TERMINATED AT THE END OF THE LAST PLAN YEAR"));
    vec![inactive]
}

fn accumulators(
    out: &mut Vec<BenefitInformation>,
    loop_id: &str,
    code: &str,
    types: &[String],
    a: &Accumulators,
) {
    for (in_network, levels) in [(true, a.in_network), (false, a.out_of_network)] {
        for (level, (total, remaining)) in ["IND", "FAM"].into_iter().zip(levels) {
            for (time, dollars) in [("23", total), ("29", remaining)] {
                let mut benefit = eb_types(loop_id, code, types);
                benefit.coverage_level_code = Some(level.into());
                benefit.time_qualifier_code = Some(time.into());
                benefit.benefit_amount = Some(dollars.to_string().into());
                benefit.in_plan_network_indicator_code = Some(network(in_network).into());
                out.push(benefit);
            }
        }
    }
}

fn carve_out_pbm(loop_id: &str, types: &[String]) -> BenefitInformation {
    let mut other = eb_types(loop_id, "R", types);
    other.coverage_level_code = Some("IND".into());
    let details = other.details_mut();
    details.benefits_additional_information = vec![
        Reference {
            qualifier_code: "N6".into(),
            qualifier: None,
            value: Phi::new(plan::PBM_PCN.to_owned()),
            description: Some("RX PCN".into()),
        },
        Reference {
            qualifier_code: "6P".into(),
            qualifier: None,
            value: Phi::new(plan::PBM_GROUP.to_owned()),
            description: Some("RX GROUP".into()),
        },
    ];
    details.additional_information.push(msg(
        "PHARMACY BENEFITS ADMINISTERED BY THE PHARMACY BENEFIT MANAGER",
    ));
    details.benefits_related_entities.push(RelatedEntity {
        entity_identifier_code: "PR".into(),
        entity_type: Some("2".into()),
        entity_name: Some(plan::PBM_NAME.into()),
        entity_identification: Some("PI".into()),
        entity_identification_value: Some(plan::PBM_BIN.into()),
        contact_information: vec![contact("PHARMACY HELP DESK", plan::PBM_PHONE)],
        ..RelatedEntity::default()
    });
    other
}

fn primary_care_provider() -> RelatedEntity {
    RelatedEntity {
        entity_identifier_code: "P3".into(),
        entity_type: Some("1".into()),
        entity_name: Some(plan::PCP_LAST_NAME.into()),
        entity_first_name: Some(plan::PCP_FIRST_NAME.into()),
        entity_identification: Some("XX".into()),
        entity_identification_value: Some(plan::PCP_NPI.into()),
        address: Some(Address {
            address1: Some("100 MAIN STREET".to_owned()),
            city: Some("SPRINGFIELD".to_owned()),
            state: Some("IL".to_owned()),
            postal_code: Some("62701".to_owned()),
            ..Address::default()
        }),
        contact_information: vec![contact("OFFICE", plan::PCP_PHONE)],
        ..RelatedEntity::default()
    }
}

fn utilization_management() -> RelatedEntity {
    RelatedEntity {
        entity_identifier_code: "X3".into(),
        entity_type: Some("2".into()),
        entity_name: Some(plan::UM_NAME.into()),
        contact_information: vec![contact("PRIOR AUTHORIZATION", plan::UM_PHONE)],
        ..RelatedEntity::default()
    }
}

fn contact(name: &str, phone: &str) -> Contact {
    Contact {
        name: Some(name.to_owned()),
        communications: vec![Communication {
            qualifier: "TE".to_owned(),
            number: phone.to_owned(),
        }],
    }
}

fn eb(loop_id: &str, code: &str, types: &[&str]) -> BenefitInformation {
    BenefitInformation {
        loop_id: loop_id.into(),
        code: code.into(),
        service_type_codes: types.iter().map(|t| Text::from(*t)).collect(),
        ..BenefitInformation::default()
    }
}

fn eb_types(loop_id: &str, code: &str, types: &[String]) -> BenefitInformation {
    BenefitInformation {
        loop_id: loop_id.into(),
        code: code.into(),
        service_type_codes: types.iter().map(Text::from).collect(),
        ..BenefitInformation::default()
    }
}

fn msg(text: &str) -> MessageText {
    MessageText {
        description: text.into(),
    }
}

fn network(in_network: bool) -> String {
    if in_network { "Y" } else { "N" }.to_owned()
}

/// A whole percent as the 271's fraction: 20 becomes `.2`, 5 becomes `.05`, 100 becomes `1`.
fn fraction(percent: u32) -> String {
    match percent {
        100.. => "1".to_owned(),
        p if p % 10 == 0 => format!(".{}", p / 10),
        p => format!(".{p:02}"),
    }
}
