//! The 270 encoder: one [`EligibilityRequest`] becomes one 005010X279A1 270 interchange.
//!
//! ```text
//! ISA GS ST*270
//! BHT*0022*13*<control number>*<date>*<time>
//! HL*1**20*1       NM1*PR*2*<payer name>*****PI*<payer id>
//! HL*2*1*21*1      NM1*1P*2*<organization>*****XX*<npi>   (or NM1*1P*1*<last>*<first>****XX*<npi>)
//! HL*3*2*22*0|1    NM1*IL*1*<last>*<first>***<suffix>*MI*<member id>  DMG*D8*<dob>*<gender>
//!                  DTP*291*D8|RD8*<date of service>  EQ*<service types>|EQ**<procedure composite>
//! HL*4*3*23*0      NM1*03*1*<last>*<first>***<suffix>  DMG  DTP*291  EQ      (one 2000D per dependent)
//! SE GE IEA
//! ```
//!
//! When dependents are asked about, the subscriber loop identifies the policy and the date of service and
//! EQ go in each dependent loop, as the implementation guide asks. Last names are normalized as CAQH CORE
//! rule 258 asks (see [`normalize_last_name`]). Every value is checked before anything is built: a delimiter
//! or control character (checked before spaces are trimmed), an unknown service type code, a malformed NPI or an impossible date is an
//! [`X12Error`] naming the request field (`subscriber.lastName`, `dependents[1].firstName`), never its value.
use payer_core::{DateOfService, EligibilityRequest, Encounter, Member, Provider};

use super::name::normalize_last_name;
use crate::codes::is_service_type;
use crate::envelope::{write_interchange, InterchangeHeader};
use crate::error::{X12Error, X12ErrorKind};
use crate::writer::X12Writer;

/// The implementation guide a 270 follows (GS08, ST03).
pub const VERSION_270: &str = "005010X279A1";

/// The product or service ID qualifiers EQ02-1 accepts.
const PROCEDURE_QUALIFIERS: &[&str] = &["AD", "CJ", "HC", "ID", "IV", "N4", "ZZ"];

/// Encodes `request` as a 270, naming the payer by its id in NM103.
pub fn encode_270(
    request: &EligibilityRequest,
    header: &InterchangeHeader,
) -> Result<String, X12Error> {
    encode_270_with_payer_name(request, None, header)
}

/// Encodes `request` as a 270 with the payer's name in the 2100A NM103 (its id when `None`).
pub fn encode_270_with_payer_name(
    request: &EligibilityRequest,
    payer_name: Option<&str>,
    header: &InterchangeHeader,
) -> Result<String, X12Error> {
    let capacity =
        640 + 160 * request.dependents.len() + 4 * request.encounter.service_type_codes.len();
    write_interchange(header, capacity, ("HS", VERSION_270), "270", |w| {
        write_body(w, request, payer_name, header)
    })
}

fn write_body(
    w: &mut X12Writer,
    request: &EligibilityRequest,
    payer_name: Option<&str>,
    header: &InterchangeHeader,
) -> Result<(), X12Error> {
    let control = request.control_number.trim_matches(' ');
    if control.is_empty() || control.len() > 50 {
        return Err(w.error("controlNumber", "must have 1 to 50 characters"));
    }
    w.begin("BHT");
    w.element("BHT01", "0022")?;
    w.element("BHT02", "13")?;
    w.element("controlNumber", control)?;
    w.date("timestamp", header.date())?;
    w.time(header.timestamp);
    w.end();

    // 2000A/2100A information source.
    let payer_id = request.payer_id.trim_matches(' ');
    if payer_id.is_empty() || payer_id.len() > 80 {
        return Err(w.error("payerId", "must have 1 to 80 characters"));
    }
    let (name_field, payer_name) = match payer_name
        .map(|n| n.trim_matches(' '))
        .filter(|n| !n.is_empty())
    {
        Some(name) => ("payerName", name),
        None => ("payerId", payer_id),
    };
    if payer_name.chars().count() > 60 {
        return Err(w.error(name_field, "must have at most 60 characters"));
    }
    hl(w, 1, None, "20", true);
    w.begin("NM1");
    w.element("NM101", "PR")?;
    w.element("NM102", "2")?;
    w.element(name_field, payer_name)?;
    w.skip(4);
    w.element("NM108", "PI")?;
    w.element("payerId", payer_id)?;
    w.end();

    // 2000B/2100B information receiver.
    hl(w, 2, Some(1), "21", true);
    write_provider(w, &request.provider)?;

    // 2000C/2100C subscriber.
    let has_dependents = !request.dependents.is_empty();
    hl(w, 3, Some(2), "22", has_dependents);
    write_member(w, &request.subscriber, "IL", "subscriber")?;
    if !has_dependents {
        write_encounter(w, &request.encounter)?;
    }

    // 2000D/2100D dependents.
    for (i, dependent) in request.dependents.iter().enumerate() {
        let id = 4 + i as u64;
        hl(w, id, Some(3), "23", false);
        write_member(w, dependent, "03", "dependents[]").map_err(|e| indexed(e, i))?;
        write_encounter(w, &request.encounter)?;
    }
    Ok(())
}

/// `HL*<id>*<parent>*<level>*<child code>`.
fn hl(w: &mut X12Writer, id: u64, parent: Option<u64>, level: &'static str, children: bool) {
    w.begin("HL");
    w.number(id);
    match parent {
        Some(parent) => w.number(parent),
        None => w.skip(1),
    }
    // Level codes and child codes are constants, which the writer cannot refuse.
    let _ = w.element("HL03", level);
    let _ = w.element("HL04", if children { "1" } else { "0" });
    w.end();
}

fn write_provider(w: &mut X12Writer, provider: &Provider) -> Result<(), X12Error> {
    let npi = provider.npi.trim_matches(' ');
    if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) {
        return Err(w.error("provider.npi", "must be ten digits"));
    }
    let organization = provider
        .organization_name
        .as_deref()
        .map(|n| n.trim_matches(' '))
        .filter(|n| !n.is_empty());
    w.begin("NM1");
    w.element("NM101", "1P")?;
    match organization {
        Some(name) => {
            length(w, "provider.organizationName", name, 60)?;
            w.element("NM102", "2")?;
            w.element("provider.organizationName", name)?;
            w.skip(4);
        }
        None => {
            let last = provider
                .last_name
                .as_deref()
                .map(|n| n.trim_matches(' '))
                .filter(|n| !n.is_empty());
            let Some(last) = last else {
                return Err(w.error(
                    "provider.lastName",
                    "is required when there is no organizationName",
                ));
            };
            let first = provider
                .first_name
                .as_deref()
                .map(|n| n.trim_matches(' '))
                .unwrap_or("");
            length(w, "provider.lastName", last, 60)?;
            length(w, "provider.firstName", first, 35)?;
            w.element("NM102", "1")?;
            w.element("provider.lastName", last)?;
            w.element("provider.firstName", first)?;
            w.skip(3);
        }
    }
    w.element("NM108", "XX")?;
    w.element("provider.npi", npi)?;
    w.end();
    Ok(())
}

/// Writes the NM1 and DMG of a subscriber (`IL`) or dependent (`03`); `path` prefixes field names.
fn write_member(
    w: &mut X12Writer,
    member: &Member,
    entity: &'static str,
    path: &'static str,
) -> Result<(), X12Error> {
    let field = |name: &'static str| -> &'static str {
        match (path, name) {
            ("subscriber", "lastName") => "subscriber.lastName",
            ("subscriber", "firstName") => "subscriber.firstName",
            ("subscriber", "memberId") => "subscriber.memberId",
            ("subscriber", _) => "subscriber.dateOfBirth",
            (_, "lastName") => "dependents[].lastName",
            (_, "firstName") => "dependents[].firstName",
            (_, "memberId") => "dependents[].memberId",
            _ => "dependents[].dateOfBirth",
        }
    };
    let raw_last = member
        .last_name
        .as_ref()
        .map(|n| n.expose().as_str())
        .unwrap_or("");
    // The raw value is checked before normalization, so that a delimiter is refused, never silently dropped.
    w.check(field("lastName"), raw_last)?;
    let name = normalize_last_name(raw_last);
    if name.last.is_empty() && !raw_last.trim_matches(' ').is_empty() {
        return Err(w.error(field("lastName"), "has no letters or digits"));
    }
    let first = member
        .first_name
        .as_ref()
        .map(|n| n.expose().trim_matches(' '))
        .unwrap_or("");
    let member_id = member
        .member_id
        .as_ref()
        .map(|n| n.expose().trim_matches(' '))
        .unwrap_or("");
    length(w, field("lastName"), &name.last, 60)?;
    length(w, field("firstName"), first, 35)?;
    length(w, field("memberId"), member_id, 80)?;
    if entity == "03" && !member_id.is_empty() {
        return Err(w.error(
            field("memberId"),
            "a dependent with its own member id must be sent as the subscriber (005010X279A1 1.4.7)",
        ));
    }
    if entity == "IL"
        && member_id.is_empty()
        && (name.last.is_empty() || member.date_of_birth.is_none())
    {
        return Err(w.error(
            field("memberId"),
            "is required unless the last name and date of birth are given",
        ));
    }
    w.begin("NM1");
    w.element("NM101", entity)?;
    w.element("NM102", "1")?;
    w.element(field("lastName"), &name.last)?;
    w.element(field("firstName"), first)?;
    w.skip(2);
    w.opt(field("lastName"), name.suffix.as_deref())?;
    if !member_id.is_empty() {
        w.element("NM108", "MI")?;
        w.element(field("memberId"), member_id)?;
    }
    w.end();

    if member.date_of_birth.is_some() || member.gender.is_some() {
        w.begin("DMG");
        match &member.date_of_birth {
            Some(dob) => {
                w.element("DMG01", "D8")?;
                w.date(field("dateOfBirth"), *dob.expose())?;
            }
            None => w.skip(2),
        }
        w.opt("gender", member.gender.map(|g| g.code()))?;
        w.end();
    }
    Ok(())
}

/// Writes DTP*291 and EQ for the encounter.
fn write_encounter(w: &mut X12Writer, encounter: &Encounter) -> Result<(), X12Error> {
    let DateOfService { begin, end } = encounter.date_of_service;
    w.begin("DTP");
    w.element("DTP01", "291")?;
    match end {
        Some(end) if end < begin => {
            return Err(w.error(
                "encounter.dateOfService",
                "the end of the range precedes its beginning",
            ));
        }
        Some(end) => {
            w.element("DTP02", "RD8")?;
            w.date_range("encounter.dateOfService", begin, end)?;
        }
        None => {
            w.element("DTP02", "D8")?;
            w.date("encounter.dateOfService", begin)?;
        }
    }
    w.end();

    let codes = &encounter.service_type_codes;
    if codes.len() > 99 {
        return Err(w.error(
            "encounter.serviceTypeCodes",
            "at most 99 service types per inquiry",
        ));
    }
    if let Some(bad) = codes.iter().position(|c| !is_service_type(c)) {
        let _ = bad;
        return Err(w.error(
            "encounter.serviceTypeCodes",
            "contains a code that is not an X12 service type",
        ));
    }
    w.begin("EQ");
    match (codes.is_empty(), &encounter.procedure_code) {
        (true, None) => w.element("encounter.serviceTypeCodes", "30")?,
        _ => w.repeated("encounter.serviceTypeCodes", codes)?,
    }
    if let Some(procedure) = &encounter.procedure_code {
        if !PROCEDURE_QUALIFIERS.contains(&procedure.qualifier.as_str()) {
            return Err(w.error(
                "encounter.procedureCode.qualifier",
                "must be AD, CJ, HC, ID, IV, N4 or ZZ",
            ));
        }
        let code = procedure.code.trim_matches(' ');
        if code.is_empty() || code.len() > 48 {
            return Err(w.error(
                "encounter.procedureCode.code",
                "must have 1 to 48 characters",
            ));
        }
        let modifiers = &procedure.modifiers;
        if modifiers.len() > 4
            || modifiers
                .iter()
                .any(|m| m.trim_matches(' ').is_empty() || m.len() > 2)
        {
            return Err(w.error(
                "encounter.procedureCode.modifiers",
                "at most four modifiers of 1 or 2 characters",
            ));
        }
        let mut parts = [procedure.qualifier.as_str(), code, "", "", "", ""];
        for (slot, m) in parts.iter_mut().skip(2).zip(modifiers) {
            *slot = m.trim_matches(' ');
        }
        w.composite("encounter.procedureCode", &parts)?;
    }
    w.end();
    Ok(())
}

fn length(w: &X12Writer, field: &'static str, value: &str, max: usize) -> Result<(), X12Error> {
    if value.chars().count() > max {
        return Err(w.error(field, "is too long"));
    }
    Ok(())
}

/// Puts the dependent's index into an error's field path (`dependents[]` becomes `dependents[2]`).
fn indexed(mut error: X12Error, index: usize) -> X12Error {
    if let X12ErrorKind::InvalidData { field, .. } = &mut error.kind {
        if let Some(rest) = field.strip_prefix("dependents[]") {
            *field = format!("dependents[{index}]{rest}");
        }
    }
    error
}
