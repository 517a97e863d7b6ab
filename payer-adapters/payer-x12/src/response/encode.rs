//! The 271 encoder: a normalized [`EligibilityResponse`] written back as a 005010X279A1 271, which is how the
//! sandbox payer answers. The normalized model is the source of truth; what the decoder derives (code names,
//! `planStatus`, `coverage`, `tradingPartnerServiceId`) is not written, and decoding the output gives the same
//! response back (see `tests/roundtrip_271.rs`).
//!
//! ```text
//! BHT*0022*11*<control number>*<date>*<time>
//! HL*1**20*1    [AAA 2000A]  NM1*PR  PER  [AAA 2100A]
//! HL*2*1*21*1|0 NM1*1P  [AAA 2100B]  PRV
//! HL*3*2*22*1|0 NM1*IL  REF (planInformation)  N3  N4  [AAA 2000C/2100C]  DMG  INS  DTP (2100C planDateInformation)
//!               EB  HSD  REF  DTP  [AAA 2110C]  MSG  III  LS*2120  NM1  N3  N4  PER  PRV ... LE*2120   (per 2110C benefit)
//! HL*4*3*23*0   NM1*03  N3  N4  [AAA 2000D/2100D]  DMG  INS  DTP (2100D planDateInformation)  EB ...
//!               (per dependent; the 2100D dates and the 2110D benefits go to the first)
//! ```
//!
//! Where the model has lost the placement of a segment, the encoder picks the guide's place: plan references and
//! plan dates without a loop go to the subscriber loop, AAA errors with location `2110C`/`2110D` follow the first
//! benefit of that loop (or the member's 2100 loop when there is none), and 2100D dates and 2110D benefits go to
//! the first dependent. A value holding a delimiter, an error located outside the 271 loops, a plan date of
//! another loop than 2100C/2100D, a 2100D date or 2110D benefit without a dependent or a member-level item
//! without a subscriber is refused with an [`X12Error`] naming the field.
use payer_core::{DateInformation, EligibilityResponse, PayerErrorInfo, PayerInfo, ProviderInfo};

use crate::codes::reject_reason;
use crate::envelope::{write_interchange, InterchangeHeader};
use crate::error::{X12Error, X12ErrorKind};
use crate::inquiry::VERSION_270;
use crate::writer::X12Writer;

mod benefit;
mod member;
mod segments;

use benefit::write_benefit;
use member::{write_demographics, write_member_name, write_plan_dates, write_plan_references};
use segments::{write_address, write_contact};

/// Encodes `response` as a 271 interchange framed by `header`.
pub fn encode_271(
    response: &EligibilityResponse,
    header: &InterchangeHeader,
) -> Result<String, X12Error> {
    let plan = Plan::new(response)?;
    let capacity =
        768 + 240 * response.benefits_information.len() + 160 * response.dependents.len();
    write_interchange(header, capacity, ("HB", VERSION_270), "271", |w| {
        write_body(w, response, &plan, header)
    })
}

/// Where each error, plan date and benefit goes, decided before anything is written.
struct Plan<'a> {
    /// Errors per loop, in loop order: 2000A, 2100A, 2100B, 2100C, 2110C, 2100D, 2110D.
    errors: [Vec<&'a PayerErrorInfo>; 7],
    /// The 2100C and the 2100D plan dates, with their positions in `planDateInformation`.
    subscriber_dates: Vec<(usize, &'a DateInformation)>,
    dependent_dates: Vec<(usize, &'a DateInformation)>,
    subscriber_benefits: Vec<usize>,
    dependent_benefits: Vec<usize>,
}

const A_2000: usize = 0;
const A_2100: usize = 1;
const B_2100: usize = 2;
const C_2100: usize = 3;
const C_2110: usize = 4;
const D_2100: usize = 5;
const D_2110: usize = 6;

fn refused(field: String, reason: &str) -> X12Error {
    X12Error::new(X12ErrorKind::InvalidData {
        field,
        reason: reason.to_owned(),
    })
}

impl<'a> Plan<'a> {
    fn new(response: &'a EligibilityResponse) -> Result<Self, X12Error> {
        let mut errors: [Vec<&PayerErrorInfo>; 7] = Default::default();
        for (i, error) in response.errors.iter().enumerate() {
            let slot = match error.location.as_str() {
                "2000A" => A_2000,
                "2100A" => A_2100,
                "2000B" | "2100B" => B_2100,
                "2000C" | "2100C" => C_2100,
                "2110C" => C_2110,
                "2000D" | "2100D" => D_2100,
                "2110D" => D_2110,
                _ => {
                    return Err(refused(
                        format!("errors[{i}].location"),
                        "is not a 271 loop",
                    ))
                }
            };
            errors[slot].push(error);
        }
        let (dependent_benefits, subscriber_benefits): (Vec<usize>, Vec<usize>) =
            (0..response.benefits_information.len()).partition(|&i| {
                response
                    .benefits_information
                    .get(i)
                    .is_some_and(|b| b.loop_id.eq_ignore_ascii_case("2110D"))
            });
        let (subscriber_dates, dependent_dates) = date_loops(response)?;
        let has_dependents = !response.dependents.is_empty();
        if response.subscriber.is_none() {
            let member_level = [C_2100, C_2110, D_2100, D_2110]
                .iter()
                .any(|&s| !errors[s].is_empty());
            let member_data = !response.benefits_information.is_empty()
                || response.plan_information.is_some()
                || !response.plan_date_information.is_empty();
            if member_level || has_dependents || member_data {
                return Err(refused(
                    "subscriber".into(),
                    "is required for member errors, benefits, plan information or dependents",
                ));
            }
        }
        if !has_dependents
            && (!dependent_benefits.is_empty()
                || !dependent_dates.is_empty()
                || !errors[D_2100].is_empty()
                || !errors[D_2110].is_empty())
        {
            return Err(refused(
                "dependents".into(),
                "a 2110D benefit, 2100D date or 2100D error needs a dependent",
            ));
        }
        Ok(Plan {
            errors,
            subscriber_dates,
            dependent_dates,
            subscriber_benefits,
            dependent_benefits,
        })
    }
}

/// The subscriber's (2100C, or no loop) and the dependent's (2100D) plan dates, with their positions.
type DateLoops<'a> = (
    Vec<(usize, &'a DateInformation)>,
    Vec<(usize, &'a DateInformation)>,
);

/// Splits the plan dates by loop; a date of any other loop is refused.
fn date_loops(response: &EligibilityResponse) -> Result<DateLoops<'_>, X12Error> {
    let (mut subscriber, mut dependent) = (Vec::new(), Vec::new());
    for (i, date) in response.plan_date_information.iter().enumerate() {
        match date.loop_id.as_deref() {
            None => subscriber.push((i, date)),
            Some(l) if l.eq_ignore_ascii_case("2100C") => subscriber.push((i, date)),
            Some(l) if l.eq_ignore_ascii_case("2100D") => dependent.push((i, date)),
            Some(_) => {
                return Err(refused(
                    format!("planDateInformation[{i}].loop"),
                    "is not 2100C or 2100D",
                ))
            }
        }
    }
    Ok((subscriber, dependent))
}

fn write_body(
    w: &mut X12Writer,
    response: &EligibilityResponse,
    plan: &Plan<'_>,
    header: &InterchangeHeader,
) -> Result<(), X12Error> {
    let control = response.control_number.trim_matches(' ');
    w.begin("BHT");
    w.element("BHT01", "0022")?;
    w.element("BHT02", "11")?;
    w.element("controlNumber", control)?;
    w.date("timestamp", header.date())?;
    w.time(header.timestamp);
    w.end();

    // 2000A/2100A information source.
    hl(w, 1, None, "20", true);
    write_errors(w, &plan.errors[A_2000])?;
    let no_payer = PayerInfo::default();
    let payer = response.payer.as_ref().unwrap_or(&no_payer);
    w.begin("NM1");
    w.element(
        "payer.entityIdentifier",
        payer.entity_identifier.as_deref().unwrap_or("PR"),
    )?;
    w.element("NM102", "2")?;
    w.opt("payer.name", payer.name.as_deref())?;
    w.skip(4);
    let payer_id = payer
        .payor_identification
        .as_deref()
        .or(response.trading_partner_service_id.as_deref());
    if let Some(id) = payer_id {
        w.element("NM108", "PI")?;
        w.element("payer.payorIdentification", id)?;
    }
    w.end();
    for contact in &payer.contact_information {
        write_contact(w, contact, "payer.contactInformation")?;
    }
    write_errors(w, &plan.errors[A_2100])?;

    // 2000B/2100B information receiver.
    let has_subscriber = response.subscriber.is_some();
    hl(w, 2, Some(1), "21", has_subscriber);
    let no_provider = ProviderInfo::default();
    let provider = response.provider.as_ref().unwrap_or(&no_provider);
    w.begin("NM1");
    w.element("NM101", "1P")?;
    if provider.provider_name.is_none() && provider.provider_last_name.is_some() {
        w.element("NM102", "1")?;
        w.opt(
            "provider.providerLastName",
            provider.provider_last_name.as_deref(),
        )?;
        w.opt(
            "provider.providerFirstName",
            provider.provider_first_name.as_deref(),
        )?;
        w.skip(3);
    } else {
        w.element("NM102", "2")?;
        w.opt("provider.providerName", provider.provider_name.as_deref())?;
        w.skip(4);
    }
    match (&provider.npi, &provider.service_provider_number) {
        (Some(npi), _) => {
            w.element("NM108", "XX")?;
            w.element("provider.npi", npi)?;
        }
        (None, Some(number)) => {
            w.element("NM108", "SV")?;
            w.element("provider.serviceProviderNumber", number)?;
        }
        (None, None) => {}
    }
    w.end();
    write_errors(w, &plan.errors[B_2100])?;
    if provider.provider_code.is_some() || provider.reference_identification.is_some() {
        w.begin("PRV");
        w.opt("provider.providerCode", provider.provider_code.as_deref())?;
        w.element(
            "PRV02",
            if provider.reference_identification.is_some() {
                "PXC"
            } else {
                ""
            },
        )?;
        w.opt(
            "provider.referenceIdentification",
            provider.reference_identification.as_deref(),
        )?;
        w.end();
    }

    // 2000C/2100C subscriber and 2110C benefits.
    let Some(subscriber) = &response.subscriber else {
        return Ok(());
    };
    let has_dependents = !response.dependents.is_empty();
    hl(w, 3, Some(2), "22", has_dependents);
    write_member_name(w, subscriber, "IL", "subscriber")?;
    write_plan_references(w, response)?;
    write_address(
        w,
        subscriber.address.as_ref().map(|a| a.expose()),
        "subscriber.address",
    )?;
    write_errors(
        w,
        if plan.subscriber_benefits.is_empty() {
            &plan.errors[C_2110]
        } else {
            &[]
        },
    )?;
    write_errors(w, &plan.errors[C_2100])?;
    write_demographics(w, subscriber, "subscriber")?;
    write_plan_dates(w, &plan.subscriber_dates)?;
    write_benefits(w, response, &plan.subscriber_benefits, &plan.errors[C_2110])?;

    // 2000D/2100D dependents, 2100D dates and 2110D benefits (all with the first dependent).
    for (i, dependent) in response.dependents.iter().enumerate() {
        let first = i == 0;
        hl(w, 4 + i as u64, Some(3), "23", false);
        let result = (|| {
            write_member_name(w, dependent, "03", "dependents[]")?;
            write_address(
                w,
                dependent.address.as_ref().map(|a| a.expose()),
                "dependents[].address",
            )?;
            if first {
                write_errors(
                    w,
                    if plan.dependent_benefits.is_empty() {
                        &plan.errors[D_2110]
                    } else {
                        &[]
                    },
                )?;
                write_errors(w, &plan.errors[D_2100])?;
            }
            write_demographics(w, dependent, "dependents[]")
        })();
        result.map_err(|e| indexed(e, i))?;
        if first {
            write_plan_dates(w, &plan.dependent_dates)?;
            write_benefits(w, response, &plan.dependent_benefits, &plan.errors[D_2110])?;
        }
    }
    Ok(())
}

/// Writes the benefits at `indexes`, with the loop's AAA errors after the first one.
fn write_benefits(
    w: &mut X12Writer,
    response: &EligibilityResponse,
    indexes: &[usize],
    errors: &[&PayerErrorInfo],
) -> Result<(), X12Error> {
    for (n, &i) in indexes.iter().enumerate() {
        if let Some(benefit) = response.benefits_information.get(i) {
            let errors = if n == 0 { errors } else { &[] };
            write_benefit(w, benefit, errors).map_err(|e| indexed(e, i))?;
        }
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
    // Constants the writer cannot refuse.
    let _ = w.element("HL03", level);
    let _ = w.element("HL04", if children { "1" } else { "0" });
    w.end();
}

/// `AAA*<Y|N>**<reason>*<follow-up>` for each error.
pub(super) fn write_errors(w: &mut X12Writer, errors: &[&PayerErrorInfo]) -> Result<(), X12Error> {
    for error in errors {
        let transient = reject_reason(&error.code).is_some_and(|r| r.retryable) || error.retryable;
        w.begin("AAA");
        w.element("AAA01", if transient { "Y" } else { "N" })?;
        w.skip(1);
        w.element("errors.code", &error.code)?;
        w.opt(
            "errors.followupActionCode",
            error.followup_action_code.as_deref(),
        )?;
        w.end();
    }
    Ok(())
}

/// Puts an index into the last `[]` of an error's field path (`benefitsInformation[]` becomes `[3]`).
pub(super) fn indexed(mut error: X12Error, index: usize) -> X12Error {
    if let X12ErrorKind::InvalidData { field, .. } = &mut error.kind {
        if let Some(at) = field.rfind("[]") {
            field.replace_range(at..at + 2, &format!("[{index}]"));
        }
    }
    error
}
