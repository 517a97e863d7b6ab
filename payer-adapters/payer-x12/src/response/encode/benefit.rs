//! One 2110C/2110D benefit loop of the 271 encoder: EB, HSD, REF, DTP, AAA, MSG, III and the 2120 LS/LE loop.
use payer_core::{BenefitInformation, PayerErrorInfo, RelatedEntity};

use super::segments::{write_address, write_contact, write_date, write_reference};
use super::{indexed, write_errors};
use crate::error::X12Error;
use crate::writer::X12Writer;

/// Writes one benefit with its loop; `errors` are the loop's AAA segments (after its DTPs).
pub(super) fn write_benefit(
    w: &mut X12Writer,
    b: &BenefitInformation,
    errors: &[&PayerErrorInfo],
) -> Result<(), X12Error> {
    let details = b.details();
    w.begin("EB");
    w.element("benefitsInformation[].code", &b.code)?;
    w.opt(
        "benefitsInformation[].coverageLevelCode",
        b.coverage_level_code.as_deref(),
    )?;
    w.repeated(
        "benefitsInformation[].serviceTypeCodes",
        &b.service_type_codes,
    )?;
    w.opt(
        "benefitsInformation[].insuranceTypeCode",
        b.insurance_type_code.as_deref(),
    )?;
    w.opt(
        "benefitsInformation[].planCoverage",
        b.plan_coverage.as_deref(),
    )?;
    w.opt(
        "benefitsInformation[].timeQualifierCode",
        b.time_qualifier_code.as_deref(),
    )?;
    w.opt(
        "benefitsInformation[].benefitAmount",
        b.benefit_amount.as_deref(),
    )?;
    w.opt(
        "benefitsInformation[].benefitPercent",
        b.benefit_percent.as_deref(),
    )?;
    w.opt(
        "benefitsInformation[].quantityQualifierCode",
        b.quantity_qualifier_code.as_deref(),
    )?;
    w.opt(
        "benefitsInformation[].benefitQuantity",
        b.benefit_quantity.as_deref(),
    )?;
    w.opt(
        "benefitsInformation[].authOrCertIndicator",
        b.auth_or_cert_indicator.as_deref(),
    )?;
    w.opt(
        "benefitsInformation[].inPlanNetworkIndicatorCode",
        b.in_plan_network_indicator_code.as_deref(),
    )?;
    match &details.composite_medical_procedure_identifier {
        Some(p) => {
            if p.procedure_modifiers.len() > 4 {
                return Err(w.error(
                    "benefitsInformation[].compositeMedicalProcedureIdentifier",
                    "at most four modifiers",
                ));
            }
            let mut parts = [
                p.product_or_service_id_qualifier_code.as_str(),
                p.procedure_code.as_str(),
                "",
                "",
                "",
                "",
            ];
            for (slot, m) in parts.iter_mut().skip(2).zip(&p.procedure_modifiers) {
                *slot = m.as_str();
            }
            w.composite(
                "benefitsInformation[].compositeMedicalProcedureIdentifier",
                &parts,
            )?;
        }
        None => w.skip(1),
    }
    w.end();

    for d in &details.benefits_service_delivery {
        w.begin("HSD");
        let path = "benefitsInformation[].benefitsServiceDelivery";
        w.opt(path, d.quantity_qualifier_code.as_deref())?;
        w.opt(path, d.quantity.as_deref())?;
        w.opt(path, d.unit_for_measurement_code.as_deref())?;
        w.opt(path, d.sample_selection_modulus.as_deref())?;
        w.opt(path, d.time_period_qualifier_code.as_deref())?;
        w.opt(path, d.number_of_periods.as_deref())?;
        w.opt(path, d.delivery_frequency_code.as_deref())?;
        w.opt(path, d.delivery_pattern_time_code.as_deref())?;
        w.end();
    }
    for r in &details.benefits_additional_information {
        let path = "benefitsInformation[].benefitsAdditionalInformation";
        write_reference(
            w,
            &r.qualifier_code,
            r.value.expose(),
            r.description.as_deref(),
            path,
        )?;
    }
    for d in &details.benefits_date_information {
        write_date(w, d, "benefitsInformation[].benefitsDateInformation")?;
    }
    write_errors(w, errors)?;
    for m in &details.additional_information {
        w.begin("MSG");
        w.element(
            "benefitsInformation[].additionalInformation",
            &m.description,
        )?;
        w.end();
    }
    for a in &details.eligibility_additional_information {
        w.begin("III");
        let path = "benefitsInformation[].eligibilityAdditionalInformation";
        w.opt(path, a.code_list_qualifier_code.as_deref())?;
        w.opt(path, a.industry_code.as_deref())?;
        w.opt(path, a.code_category.as_deref())?;
        w.opt(path, a.injured_body_part_name.as_deref())?;
        w.end();
    }
    if !details.benefits_related_entities.is_empty() {
        w.begin("LS");
        w.element("LS01", "2120")?;
        w.end();
        for (j, entity) in details.benefits_related_entities.iter().enumerate() {
            write_entity(w, entity).map_err(|e| indexed(e, j))?;
        }
        w.begin("LE");
        w.element("LE01", "2120")?;
        w.end();
    }
    Ok(())
}

/// One 2120 entity: NM1, N3, N4, PER, PRV.
fn write_entity(w: &mut X12Writer, e: &RelatedEntity) -> Result<(), X12Error> {
    const PATH: &str = "benefitsInformation[].benefitsRelatedEntities[]";
    let kind = match e.entity_type.as_deref() {
        Some(kind) => kind,
        None if e.entity_first_name.is_some() => "1",
        None => "2",
    };
    w.begin("NM1");
    w.element(PATH, &e.entity_identifier_code)?;
    w.element(PATH, kind)?;
    w.opt(PATH, e.entity_name.as_deref())?;
    w.opt(PATH, e.entity_first_name.as_deref())?;
    w.skip(3);
    w.opt(PATH, e.entity_identification.as_deref())?;
    w.opt(PATH, e.entity_identification_value.as_deref())?;
    w.end();
    write_address(w, e.address.as_ref(), PATH)?;
    for contact in &e.contact_information {
        write_contact(w, contact, PATH)?;
    }
    if e.provider_code.is_some() || e.reference_identification.is_some() {
        w.begin("PRV");
        w.opt(PATH, e.provider_code.as_deref())?;
        w.element(
            "PRV02",
            if e.reference_identification.is_some() {
                "PXC"
            } else {
                ""
            },
        )?;
        w.opt(PATH, e.reference_identification.as_deref())?;
        w.end();
    }
    Ok(())
}
