//! The member parts of the 271 encoder: 2100C/2100D NM1, DMG, INS, the plan references (REF) and dates (DTP).
use payer_core::{DateInformation, EligibilityResponse, Phi, ResponseMember};

use super::indexed;
use super::segments::{write_date, write_reference};
use crate::error::X12Error;
use crate::writer::X12Writer;

/// `NM1*IL|03*1*<last>*<first>*<middle>**<suffix>*MI*<id>`.
pub(super) fn write_member_name(
    w: &mut X12Writer,
    member: &ResponseMember,
    entity: &'static str,
    path: &'static str,
) -> Result<(), X12Error> {
    w.begin("NM1");
    w.element("NM101", entity)?;
    w.element("NM102", "1")?;
    w.opt(field(path, "lastName"), text(&member.last_name))?;
    w.opt(field(path, "firstName"), text(&member.first_name))?;
    w.opt(field(path, "middleName"), text(&member.middle_name))?;
    w.skip(1);
    w.opt(field(path, "suffix"), text(&member.suffix))?;
    if let Some(id) = text(&member.member_id) {
        w.element("NM108", "MI")?;
        w.element(field(path, "memberId"), id)?;
    }
    w.end();
    Ok(())
}

/// DMG and INS of a member, when the model has them.
pub(super) fn write_demographics(
    w: &mut X12Writer,
    member: &ResponseMember,
    path: &'static str,
) -> Result<(), X12Error> {
    let birth = member.date_of_birth.as_ref().map(|d| d.expose().as_str());
    if birth.is_some() || member.gender.is_some() {
        w.begin("DMG");
        match birth {
            Some(birth) => {
                w.element("DMG01", "D8")?;
                w.element(field(path, "dateOfBirth"), birth)?;
            }
            None => w.skip(2),
        }
        w.opt(field(path, "gender"), member.gender.as_deref())?;
        w.end();
    }
    if member.insured_indicator.is_some()
        || member.relation_to_subscriber_code.is_some()
        || member.birth_sequence_number.is_some()
    {
        w.begin("INS");
        w.opt(
            field(path, "insuredIndicator"),
            member.insured_indicator.as_deref(),
        )?;
        w.opt(
            field(path, "relationToSubscriberCode"),
            member.relation_to_subscriber_code.as_deref(),
        )?;
        w.skip(14);
        w.opt(
            field(path, "birthSequenceNumber"),
            member.birth_sequence_number.as_deref(),
        )?;
        w.end();
    }
    Ok(())
}

/// The REFs of `planInformation`: every listed reference, then the named identifiers no reference carries.
pub(super) fn write_plan_references(
    w: &mut X12Writer,
    response: &EligibilityResponse,
) -> Result<(), X12Error> {
    let Some(plan) = &response.plan_information else {
        return Ok(());
    };
    for (i, r) in plan.references.iter().enumerate() {
        let result = write_reference(
            w,
            &r.qualifier_code,
            r.value.expose(),
            r.description.as_deref(),
            "planInformation.references[]",
        );
        result.map_err(|e| indexed(e, i))?;
    }
    let listed = |q: &str| plan.references.iter().any(|r| r.qualifier_code == q);
    let named = [
        (
            "6P",
            &plan.group_number,
            &plan.group_description,
            "planInformation.groupNumber",
        ),
        (
            "18",
            &plan.plan_number,
            &plan.plan_description,
            "planInformation.planNumber",
        ),
        (
            "N6",
            &plan.plan_network_id,
            &None,
            "planInformation.planNetworkId",
        ),
        (
            "IG",
            &plan.policy_number,
            &None,
            "planInformation.policyNumber",
        ),
    ];
    for (qualifier, value, description, name) in named {
        if let Some(value) = value.as_deref().filter(|_| !listed(qualifier)) {
            write_reference(w, qualifier, value, description.as_deref(), name)?;
        }
    }
    Ok(())
}

/// The plan dates (DTP) of one member loop, each with its position in `planDateInformation`.
pub(super) fn write_plan_dates(
    w: &mut X12Writer,
    dates: &[(usize, &DateInformation)],
) -> Result<(), X12Error> {
    for &(i, date) in dates {
        write_date(w, date, "planDateInformation[]").map_err(|e| indexed(e, i))?;
    }
    Ok(())
}

fn text(value: &Option<Phi<String>>) -> Option<&str> {
    value.as_ref().map(|p| p.expose().as_str())
}

/// A member field's path: `subscriber.lastName`, `dependents[].lastName`.
fn field(path: &'static str, name: &'static str) -> &'static str {
    macro_rules! paths {
        ($($n:literal),*) => {
            match (path, name) {
                $(("subscriber", $n) => concat!("subscriber.", $n), (_, $n) => concat!("dependents[].", $n),)*
                _ => path,
            }
        };
    }
    paths!(
        "lastName",
        "firstName",
        "middleName",
        "suffix",
        "memberId",
        "dateOfBirth",
        "gender",
        "insuredIndicator",
        "relationToSubscriberCode",
        "birthSequenceNumber"
    )
}
