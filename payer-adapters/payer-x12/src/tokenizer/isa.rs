//! Reading the delimiters from an ISA interchange header, by counting its elements rather than trusting offsets.
//!
//! The ISA is the one segment whose shape is fixed: the byte after `ISA` is the element separator, ISA11 the
//! repetition separator (in 00501 and later; 004010 headers have `U` there), ISA16 the component separator,
//! and the byte after ISA16 the segment terminator. Real headers are not always 106 bytes wide (single-space
//! ISA02, unpadded ids), so the sixteen separators are counted instead of reading offset 103 and 105.
use memchr::memchr_iter;

use crate::error::{X12Error, X12ErrorKind};

/// The four delimiters of an interchange, as declared by its ISA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Delimiters {
    /// Separates elements (`*` in most interchanges): the byte right after `ISA`.
    pub element: u8,
    /// Separates repeated values of one element (ISA11, `^` in most 00501 interchanges); `None` when ISA11 is
    /// the 004010 standards identifier `U`.
    pub repetition: Option<u8>,
    /// Separates the components of a composite element (ISA16, `:` in most interchanges).
    pub component: u8,
    /// Ends each segment (`~`, a newline, or 0x1D): the byte right after ISA16.
    pub segment: u8,
}

impl Default for Delimiters {
    /// The usual `*`, `^`, `:`, `~`.
    fn default() -> Self {
        Delimiters {
            element: b'*',
            repetition: Some(b'^'),
            component: b':',
            segment: b'~',
        }
    }
}

/// A parsed ISA header: its delimiters and how many bytes it spans, its terminator included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IsaHeader {
    pub(crate) delimiters: Delimiters,
    pub(crate) len: usize,
}

/// How far to look for the sixteen ISA separators: a padded ISA is 106 bytes; allow generous padding.
const ISA_SCAN_LIMIT: usize = 512;

fn bad(kind: X12ErrorKind) -> X12Error {
    X12Error::at("ISA", 1, kind)
}

/// True when `bytes` starts with `ISA` (any case) followed by a byte that can be an element separator.
pub(crate) fn looks_like_isa(bytes: &[u8]) -> bool {
    match bytes {
        [i, s, a, sep, ..] => {
            i.eq_ignore_ascii_case(&b'I')
                && s.eq_ignore_ascii_case(&b'S')
                && a.eq_ignore_ascii_case(&b'A')
                && !sep.is_ascii_alphanumeric()
        }
        _ => false,
    }
}

/// Parses the ISA at the start of `bytes` (which must start with `ISA`).
pub(crate) fn parse_isa(bytes: &[u8]) -> Result<IsaHeader, X12Error> {
    let element = *bytes
        .get(3)
        .ok_or_else(|| bad(X12ErrorKind::Truncated("the ISA header is incomplete")))?;
    if element.is_ascii_alphanumeric() || element.is_ascii_whitespace() || !element.is_ascii() {
        return Err(bad(X12ErrorKind::InvalidDelimiters(
            "the element separator (the byte after ISA) is a letter, digit, space or non-ASCII byte",
        )));
    }
    let window = bytes.get(..ISA_SCAN_LIMIT).unwrap_or(bytes);
    // Offsets of the 1st..16th element separators; the 1st is at offset 3.
    let mut seps = [0usize; 16];
    let mut found = 0;
    for (slot, at) in seps.iter_mut().zip(memchr_iter(element, window)) {
        *slot = at;
        found += 1;
    }
    if found < 16 {
        return Err(bad(X12ErrorKind::Truncated(
            "the ISA header has fewer than 16 elements",
        )));
    }
    let [.., s11, s12, _, _, _, s16] = seps;
    let component = *bytes
        .get(s16 + 1)
        .ok_or_else(|| bad(X12ErrorKind::Truncated("the ISA header ends before ISA16")))?;
    let segment = *bytes.get(s16 + 2).ok_or_else(|| {
        bad(X12ErrorKind::Truncated(
            "the ISA header ends before its segment terminator",
        ))
    })?;
    let isa11 = bytes.get(s11 + 1..s12).unwrap_or_default();
    let repetition = match isa11 {
        [] => {
            return Err(bad(X12ErrorKind::BadIsa(
                "ISA11 (repetition separator) is empty",
            )))
        }
        [b'U'] | [b'u'] => None,
        [rep] if rep.is_ascii_alphanumeric() || rep.is_ascii_whitespace() || !rep.is_ascii() => {
            return Err(bad(X12ErrorKind::InvalidDelimiters(
                "ISA11 (repetition separator) is a digit, space or non-ASCII byte",
            )))
        }
        [rep] => Some(*rep),
        _ => {
            return Err(bad(X12ErrorKind::BadIsa(
                "ISA11 (repetition separator) is longer than one character",
            )))
        }
    };
    if component.is_ascii_alphanumeric() || component.is_ascii_whitespace() || !component.is_ascii()
    {
        return Err(bad(X12ErrorKind::InvalidDelimiters(
            "ISA16 (component separator) is a letter, digit, space or non-ASCII byte",
        )));
    }
    if segment.is_ascii_alphanumeric() || segment == b' ' || !segment.is_ascii() {
        return Err(bad(X12ErrorKind::InvalidDelimiters(
            "the segment terminator (the byte after ISA16) is a letter, digit, space or non-ASCII byte",
        )));
    }
    let delimiters = Delimiters {
        element,
        repetition,
        component,
        segment,
    };
    check_distinct(&delimiters)?;
    // A short header would have borrowed separators from the next segment: its terminator would then show up
    // inside what we took for ISA01..ISA15.
    if bytes.get(..s16).unwrap_or_default().contains(&segment) {
        return Err(bad(X12ErrorKind::BadIsa(
            "the ISA header has fewer than 16 elements before its terminator",
        )));
    }
    Ok(IsaHeader {
        delimiters,
        len: s16 + 3,
    })
}

fn check_distinct(d: &Delimiters) -> Result<(), X12Error> {
    let clash = d.element == d.component
        || d.element == d.segment
        || d.component == d.segment
        || d.repetition
            .is_some_and(|r| r == d.element || r == d.segment);
    if clash {
        return Err(bad(X12ErrorKind::InvalidDelimiters(
            "two delimiters are the same character",
        )));
    }
    Ok(())
}
