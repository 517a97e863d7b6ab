//! 999 and TA1 encoders: how the sandbox payer refuses an inquiry it cannot take, in the shapes real payers
//! use, so that the gateway's decoders turn them into normalized rejections.
//!
//! ```text
//! 999: ISA GS*FA ST*999*<ctl>*005010X231A1 AK1*HS*<group> AK2*270*<set> IK3*<seg>*<pos>*<loop>*<code>
//!      IK4*<element>*<reference>*<code> IK5*R*5 AK9*R*1*1*0 SE GE IEA
//! TA1: ISA TA1*<interchange>*<date>*<time>*R|A*<note> IEA*0*<ctl>
//! ```
//!
//! Bad data is never copied into the acknowledgment (no IK404, no CTX): it can be PHI.
use crate::envelope::{
    write_ge, write_gs, write_iea, write_isa, write_se, write_st, InterchangeHeader,
};
use crate::error::X12Error;
use crate::writer::X12Writer;

/// The implementation guide of the 999 (GS08, ST03).
pub const VERSION_999: &str = "005010X231A1";

/// One segment the 999 reports as in error (IK3), with an optional element error (IK4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentError {
    /// IK301: the id of the segment in error (`NM1`).
    pub segment_id: String,
    /// IK302: its position in the transaction set, ST being 1.
    pub position: u32,
    /// IK303: the loop it belongs to (`2100C`), when known.
    pub loop_id: Option<String>,
    /// IK304: the segment syntax error code (`8` segment has data element errors, `3` required segment
    /// missing, `2` unexpected segment, ...).
    pub code: String,
    /// The element error within the segment, if any.
    pub element: Option<ElementError>,
}

/// One element error (IK4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementError {
    /// IK401-1: the element's position in the segment (`NM109` is 9).
    pub position: u32,
    /// IK401-2: the component's position, for a composite.
    pub component: Option<u32>,
    /// IK402: the data element reference number (`67`), when known.
    pub reference: Option<String>,
    /// IK403: the element syntax error code (`1` required element missing, `6` invalid character, `7` invalid
    /// code value, ...).
    pub code: String,
}

/// Encodes a 999 that rejects the 270 transaction set `rejected_set_control` of the functional group
/// `rejected_group_control`, listing `errors` (IK5 code 5, "one or more segments in error", when there are
/// any; no IK502 otherwise).
pub fn encode_999_rejection(
    header: &InterchangeHeader,
    rejected_group_control: &str,
    rejected_set_control: &str,
    errors: &[SegmentError],
) -> Result<String, X12Error> {
    let mut w = header.writer(512 + 64 * errors.len())?;
    write_isa(&mut w, header)?;
    write_gs(&mut w, header, "FA", VERSION_999)?;
    let open = write_st(&mut w, header, "999", Some(VERSION_999))?;
    w.begin("AK1");
    w.element("AK101", "HS")?;
    w.element("rejected_group_control", rejected_group_control)?;
    w.element("AK103", crate::inquiry::VERSION_270)?;
    w.end();
    w.begin("AK2");
    w.element("AK201", "270")?;
    w.element("rejected_set_control", rejected_set_control)?;
    w.element("AK203", crate::inquiry::VERSION_270)?;
    w.end();
    for error in errors {
        write_segment_error(&mut w, error)?;
    }
    w.begin("IK5");
    w.element("IK501", "R")?;
    w.element("IK502", if errors.is_empty() { "" } else { "5" })?;
    w.end();
    w.begin("AK9");
    w.element("AK901", "R")?;
    w.number(1);
    w.number(1);
    w.number(0);
    w.end();
    write_se(&mut w, open);
    write_ge(&mut w, header, 1);
    write_iea(&mut w, header, 1);
    Ok(w.finish())
}

fn write_segment_error(w: &mut X12Writer, error: &SegmentError) -> Result<(), X12Error> {
    let id = error.segment_id.as_str();
    if !(2..=3).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(w.error(
            "errors.segment_id",
            "must be a segment id of 2 or 3 letters or digits",
        ));
    }
    w.begin("IK3");
    w.element("errors.segment_id", id)?;
    w.number(u64::from(error.position));
    w.opt("errors.loop_id", error.loop_id.as_deref())?;
    w.element("errors.code", &error.code)?;
    w.end();
    if let Some(element) = &error.element {
        w.begin("IK4");
        match element.component {
            Some(component) => {
                let position = element.position.to_string();
                let component = component.to_string();
                w.composite("errors.element.position", &[&position, &component])?;
            }
            None => w.number(u64::from(element.position)),
        }
        w.opt("errors.element.reference", element.reference.as_deref())?;
        w.element("errors.element.code", &element.code)?;
        w.end();
    }
    Ok(())
}

/// Encodes a TA1 about the interchange `rejected_interchange_control` (up to nine digits) with note code
/// `note_code` (TA105, three digits): `000` ("no error") accepts it (TA104 `A`), any other code rejects it
/// (`R`). TA102/TA103 carry the header's timestamp; the interchange holds no functional group.
pub fn encode_ta1(
    header: &InterchangeHeader,
    rejected_interchange_control: &str,
    note_code: &str,
) -> Result<String, X12Error> {
    let mut w = header.writer(256)?;
    write_isa(&mut w, header)?;
    let control = rejected_interchange_control.trim_matches(' ');
    let digits = |v: &str, max: usize| {
        !v.is_empty() && v.len() <= max && v.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(control, 9) {
        return Err(w.error("rejected_interchange_control", "must be 1 to 9 digits"));
    }
    if note_code.len() != 3 || !digits(note_code, 3) {
        return Err(w.error("note_code", "must be three digits"));
    }
    w.begin("TA1");
    w.element("TA101", &format!("{control:0>9}"))?;
    w.short_date(header.date())?;
    w.time(header.timestamp);
    w.element("TA104", if note_code == "000" { "A" } else { "R" })?;
    w.element("note_code", note_code)?;
    w.end();
    write_iea(&mut w, header, 0);
    Ok(w.finish())
}
