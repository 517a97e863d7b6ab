//! [`InterchangeHeader`]: what every encoder needs to frame its transaction: the ISA/IEA interchange, the
//! GS/GE functional group and the ST/SE transaction set, with fixed-width ISA fields and correct counts.
//!
//! The encoders (`encode_270`, `encode_271`, `encode_999_rejection`, `encode_ta1`) all take one header and
//! write one interchange with (at most) one group holding one transaction set.
use chrono::{NaiveDate, NaiveDateTime};

use crate::error::X12Error;
use crate::tokenizer::Delimiters;
use crate::writer::X12Writer;

/// ISA15: whether the interchange is test or production data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Usage {
    /// `T`
    Test,
    /// `P`
    #[default]
    Production,
}

impl Usage {
    /// The ISA15 code.
    pub fn code(self) -> &'static str {
        match self {
            Usage::Test => "T",
            Usage::Production => "P",
        }
    }

    /// Parses an ISA15 code.
    pub fn from_code(code: &str) -> Option<Usage> {
        match code {
            "T" => Some(Usage::Test),
            "P" => Some(Usage::Production),
            _ => None,
        }
    }
}

/// The envelope of one outgoing interchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterchangeHeader {
    /// ISA05 (`ZZ` mutually defined, `01` DUNS, `30` federal tax id, ...).
    pub sender_qualifier: String,
    /// ISA06 (padded to 15 characters) and, unless `application_sender` is set, GS02.
    pub sender_id: String,
    /// ISA07.
    pub receiver_qualifier: String,
    /// ISA08 (padded to 15 characters) and, unless `application_receiver` is set, GS03.
    pub receiver_id: String,
    /// GS02 when it differs from the ISA sender id.
    pub application_sender: Option<String>,
    /// GS03 when it differs from the ISA receiver id.
    pub application_receiver: Option<String>,
    /// ISA02 authorization information (ISA01 becomes `03`); `None` for ten spaces and `00`.
    pub authorization: Option<String>,
    /// ISA04 security information, a password (ISA03 becomes `01`); `None` for ten spaces and `00`.
    pub security: Option<String>,
    /// ISA13 and IEA02, at most 999999999 (written as nine digits).
    pub interchange_control_number: u32,
    /// GS06 and GE02, at most 999999999.
    pub group_control_number: u32,
    /// ST02 and SE02, at most 999999999 (written with at least four digits).
    pub transaction_control_number: u32,
    /// ISA14: whether a TA1 is requested.
    pub acknowledgment_requested: bool,
    /// ISA15.
    pub usage: Usage,
    /// ISA09/ISA10 and GS04/GS05 (and the BHT date and time of a 270 or 271).
    pub timestamp: NaiveDateTime,
    /// The delimiters to write with (ISA11 and ISA16 declare two of them).
    pub delimiters: Delimiters,
    /// A line break after each segment terminator, for people reading the output.
    pub line_breaks: bool,
}

impl InterchangeHeader {
    /// A header with `ZZ` qualifiers, production usage, no TA1 requested, the usual delimiters, no line
    /// breaks, and all three control numbers equal to `control_number`.
    pub fn new(
        sender_id: impl Into<String>,
        receiver_id: impl Into<String>,
        control_number: u32,
        timestamp: NaiveDateTime,
    ) -> Self {
        InterchangeHeader {
            sender_qualifier: "ZZ".to_owned(),
            sender_id: sender_id.into(),
            receiver_qualifier: "ZZ".to_owned(),
            receiver_id: receiver_id.into(),
            application_sender: None,
            application_receiver: None,
            authorization: None,
            security: None,
            interchange_control_number: control_number,
            group_control_number: control_number,
            transaction_control_number: control_number,
            acknowledgment_requested: false,
            usage: Usage::Production,
            timestamp,
            delimiters: Delimiters::default(),
            line_breaks: false,
        }
    }

    /// A writer for this header's delimiters with room for `capacity` bytes.
    pub(crate) fn writer(&self, capacity: usize) -> Result<X12Writer, X12Error> {
        Ok(X12Writer::new(self.delimiters, capacity)?.with_line_breaks(self.line_breaks))
    }

    /// The date of the timestamp.
    pub(crate) fn date(&self) -> NaiveDate {
        self.timestamp.date()
    }
}

/// The largest control number X12 allows (nine digits).
const MAX_CONTROL: u32 = 999_999_999;

fn check_control(w: &X12Writer, field: &str, n: u32) -> Result<u64, X12Error> {
    if n > MAX_CONTROL {
        return Err(w.error(field, "control numbers have at most nine digits"));
    }
    Ok(u64::from(n))
}

/// Writes the ISA header.
pub(crate) fn write_isa(w: &mut X12Writer, h: &InterchangeHeader) -> Result<(), X12Error> {
    let icn = check_control(
        w,
        "interchange_control_number",
        h.interchange_control_number,
    )?;
    w.begin("ISA");
    w.element(
        "ISA01",
        if h.authorization.is_some() {
            "03"
        } else {
            "00"
        },
    )?;
    w.fixed(
        "authorization",
        h.authorization.as_deref().unwrap_or(""),
        10,
    )?;
    w.element("ISA03", if h.security.is_some() { "01" } else { "00" })?;
    w.fixed("security", h.security.as_deref().unwrap_or(""), 10)?;
    check_qualifier(w, "sender_qualifier", &h.sender_qualifier)?;
    w.fixed("sender_qualifier", &h.sender_qualifier, 2)?;
    check_id(w, "sender_id", &h.sender_id)?;
    w.fixed("sender_id", &h.sender_id, 15)?;
    check_qualifier(w, "receiver_qualifier", &h.receiver_qualifier)?;
    w.fixed("receiver_qualifier", &h.receiver_qualifier, 2)?;
    check_id(w, "receiver_id", &h.receiver_id)?;
    w.fixed("receiver_id", &h.receiver_id, 15)?;
    w.short_date(h.date())?;
    w.time(h.timestamp);
    match h.delimiters.repetition {
        Some(rep) => w.delimiter_element(rep),
        None => w.element("ISA11", "U")?,
    }
    w.element(
        "ISA12",
        if h.delimiters.repetition.is_some() {
            "00501"
        } else {
            "00401"
        },
    )?;
    w.padded(icn, 9);
    w.element("ISA14", if h.acknowledgment_requested { "1" } else { "0" })?;
    w.element("ISA15", h.usage.code())?;
    w.delimiter_element(h.delimiters.component);
    w.end();
    Ok(())
}

fn check_qualifier(w: &X12Writer, field: &str, value: &str) -> Result<(), X12Error> {
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(w.error(field, "must be two letters or digits"))
    }
}

fn check_id(w: &X12Writer, field: &str, value: &str) -> Result<(), X12Error> {
    if value.trim().is_empty() {
        Err(w.error(field, "is required"))
    } else {
        Ok(())
    }
}

/// Writes the GS header of a group with functional identifier `functional_id` (`HS`, `HB`, `FA`).
pub(crate) fn write_gs(
    w: &mut X12Writer,
    h: &InterchangeHeader,
    functional_id: &'static str,
    version: &'static str,
) -> Result<(), X12Error> {
    let gcn = check_control(w, "group_control_number", h.group_control_number)?;
    w.begin("GS");
    w.element("GS01", functional_id)?;
    w.element(
        "application_sender",
        h.application_sender
            .as_deref()
            .unwrap_or(h.sender_id.trim()),
    )?;
    w.element(
        "application_receiver",
        h.application_receiver
            .as_deref()
            .unwrap_or(h.receiver_id.trim()),
    )?;
    w.date("timestamp", h.date())?;
    w.time(h.timestamp);
    w.number(gcn);
    w.element("GS07", "X")?;
    w.element("GS08", version)?;
    w.end();
    Ok(())
}

/// An open transaction set: where its ST was written, to count its segments at SE.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OpenTransaction {
    first_segment: usize,
    control: u64,
}

/// Writes `ST*<set_id>*<control>*<version>`.
pub(crate) fn write_st(
    w: &mut X12Writer,
    h: &InterchangeHeader,
    set_id: &'static str,
    version: Option<&'static str>,
) -> Result<OpenTransaction, X12Error> {
    let control = check_control(
        w,
        "transaction_control_number",
        h.transaction_control_number,
    )?;
    let first_segment = w.segment_count();
    w.begin("ST");
    w.element("ST01", set_id)?;
    w.padded(control, 4);
    w.opt("ST03", version)?;
    w.end();
    Ok(OpenTransaction {
        first_segment,
        control,
    })
}

/// Writes the SE trailer with the number of segments from ST to SE inclusive.
pub(crate) fn write_se(w: &mut X12Writer, open: OpenTransaction) {
    let count = w.segment_count().saturating_sub(open.first_segment) + 1;
    w.begin("SE");
    w.number(count as u64);
    w.padded(open.control, 4);
    w.end();
}

/// Writes the GE trailer for a group of `transactions` sets.
pub(crate) fn write_ge(w: &mut X12Writer, h: &InterchangeHeader, transactions: u64) {
    w.begin("GE");
    w.number(transactions);
    w.number(u64::from(h.group_control_number));
    w.end();
}

/// Writes the IEA trailer for an interchange of `groups` groups.
pub(crate) fn write_iea(w: &mut X12Writer, h: &InterchangeHeader, groups: u64) {
    w.begin("IEA");
    w.number(groups);
    w.padded(u64::from(h.interchange_control_number), 9);
    w.end();
}

/// Writes a whole interchange around one transaction set whose body `body` writes (between ST and SE).
pub(crate) fn write_interchange(
    h: &InterchangeHeader,
    capacity: usize,
    group: (&'static str, &'static str),
    set_id: &'static str,
    body: impl FnOnce(&mut X12Writer) -> Result<(), X12Error>,
) -> Result<String, X12Error> {
    let (functional_id, version) = group;
    let mut w = h.writer(capacity)?;
    write_isa(&mut w, h)?;
    write_gs(&mut w, h, functional_id, version)?;
    let open = write_st(&mut w, h, set_id, Some(version))?;
    body(&mut w)?;
    write_se(&mut w, open);
    write_ge(&mut w, h, 1);
    write_iea(&mut w, h, 1);
    Ok(w.finish())
}

#[cfg(test)]
mod tests;
