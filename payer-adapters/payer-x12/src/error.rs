//! [`X12Error`]: every way X12 input can fail to decode, naming the segment id and its position, never content.
//!
//! Payer data carries PHI in almost every element, so nothing here ever holds element text: the segment id is
//! kept only when it looks like a segment id (two or three ASCII letters or digits), positions are 1-based
//! segment indexes in the interchange, and reasons are fixed sentences or field names chosen by the code.
use std::fmt;

use thiserror::Error;

/// A decoding failure, with where it happened.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind}{}", Location { segment: self.segment.as_deref(), position: self.position })]
pub struct X12Error {
    /// The id of the segment concerned (`ISA`, `EB`, ...), never its content.
    pub segment: Option<String>,
    /// The 1-based index of that segment in the input (the ISA is 1).
    pub position: Option<usize>,
    /// What went wrong.
    pub kind: X12ErrorKind,
}

/// What went wrong; messages never contain element data.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum X12ErrorKind {
    /// The input is empty or only whitespace.
    #[error("the input is empty")]
    Empty,
    /// No `ISA` interchange header was found.
    #[error("no ISA interchange header found")]
    NoIsa,
    /// The ISA header is present but unusable.
    #[error("invalid ISA header: {0}")]
    BadIsa(&'static str),
    /// The delimiters the ISA declares cannot be used to split the interchange.
    #[error("invalid delimiters: {0}")]
    InvalidDelimiters(&'static str),
    /// The input ends before the structure it started is complete.
    #[error("the input is truncated: {0}")]
    Truncated(&'static str),
    /// A segment appears where it cannot be given any meaning.
    #[error("unexpected segment: {0}")]
    UnexpectedSegment(&'static str),
    /// A required segment is absent.
    #[error("missing required segment {0}")]
    MissingSegment(&'static str),
    /// A required element is absent or unusable.
    #[error("invalid element {index}: {reason}")]
    InvalidElement {
        /// The 1-based element index within the segment (`EB01` is 1).
        index: usize,
        /// Why, as a fixed sentence.
        reason: &'static str,
    },
    /// A value is present but unusable; `field` names it (`NM1 entity type`, `subscriber.lastName`, ...).
    #[error("invalid {field}: {reason}")]
    InvalidData {
        /// The field or element name, chosen by the code (never taken from the input).
        field: String,
        /// Why, without the value itself.
        reason: String,
    },
    /// The envelope (ISA/IEA, GS/GE, ST/SE) is inconsistent in a way that loses meaning.
    #[error("envelope mismatch: {0}")]
    EnvelopeMismatch(&'static str),
    /// The interchange holds no 271, 999 or TA1 (for example a 270 or an 837).
    #[error("not an eligibility response: transaction set {0}")]
    NotEligibilityResponse(String),
    /// The bytes are not valid UTF-8 (X12 data is ASCII or UTF-8 text).
    #[error("the input is not valid text (invalid UTF-8)")]
    InvalidEncoding,
}

impl X12Error {
    /// An error with no location (the input as a whole).
    pub fn new(kind: X12ErrorKind) -> Self {
        X12Error {
            segment: None,
            position: None,
            kind,
        }
    }

    /// An error at a segment; the id is kept only when it has the shape of a segment id.
    pub fn at(segment_id: &str, position: usize, kind: X12ErrorKind) -> Self {
        X12Error {
            segment: safe_segment_id(segment_id),
            position: Some(position),
            kind,
        }
    }

    /// The same error located at a segment, unless it already has a location.
    pub fn located(mut self, segment_id: &str, position: usize) -> Self {
        if self.position.is_none() {
            self.segment = safe_segment_id(segment_id);
            self.position = Some(position);
        }
        self
    }
}

/// Keeps a segment id only if it is 2-3 ASCII alphanumerics, so that a garbled segment never leaks data.
pub(crate) fn safe_segment_id(id: &str) -> Option<String> {
    let ok = (2..=3).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then(|| id.to_ascii_uppercase())
}

struct Location<'a> {
    segment: Option<&'a str>,
    position: Option<usize>,
}

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.segment, self.position) {
            (Some(id), Some(pos)) => write!(f, " (segment {id} at position {pos})"),
            (None, Some(pos)) => write!(f, " (segment at position {pos})"),
            (Some(id), None) => write!(f, " (segment {id})"),
            (None, None) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_segment_and_position() {
        let e = X12Error::at(
            "EB",
            12,
            X12ErrorKind::InvalidElement {
                index: 1,
                reason: "required",
            },
        );
        assert_eq!(
            e.to_string(),
            "invalid element 1: required (segment EB at position 12)"
        );
        assert_eq!(
            X12Error::new(X12ErrorKind::NoIsa).to_string(),
            "no ISA interchange header found"
        );
    }

    #[test]
    fn garbled_segment_ids_are_not_kept() {
        let e = X12Error::at(
            "SMITH JOHN",
            3,
            X12ErrorKind::UnexpectedSegment("unknown segment"),
        );
        assert_eq!(e.segment, None);
        assert!(!e.to_string().contains("SMITH"));
        assert_eq!(
            X12Error::at("nm1", 3, X12ErrorKind::NoIsa)
                .segment
                .as_deref(),
            Some("NM1")
        );
    }
}
