//! The X12 tokenizer: finds the ISA, reads the delimiters from it, and splits the interchange into segments and
//! elements without copying.
//!
//! ```
//! use payer_x12::tokenizer::tokenize;
//!
//! let input = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *230101*1200*^*00501*000000001*0*P*:~\
//!               GS*HB*S*R*20230101*1200*1*X*005010X279A1~ST*271*0001*005010X279A1~EB*1**30^35**GOLD PLAN~";
//! let tokens = tokenize(input).unwrap();
//! let eb = tokens.segments().find(|s| s.is("EB")).unwrap();
//! assert_eq!(eb.position(), 4);
//! assert_eq!(eb.element(1), Some("1"));
//! assert_eq!(eb.element(2), None);
//! assert_eq!(eb.repetitions(3).collect::<Vec<_>>(), ["30", "35"]);
//! ```
//!
//! Tolerated, because real payers send it: a UTF-8 byte-order mark, whitespace or other bytes before the ISA
//! ([`Tokens::skipped_junk`] says so), ISA headers that are not fixed width (the sixteen separators are counted),
//! 004010 headers with `U` in ISA11 (no repetition separator), newline or 0x1D segment terminators, whitespace
//! and line breaks between segments, spaces before a terminator, a last segment without its terminator
//! ([`Segment::is_terminated`]), and several interchanges in a row (each ISA brings its own delimiters).
//! Refused, with an [`X12Error`](crate::X12Error) at the ISA: no ISA, fewer than sixteen ISA elements,
//! delimiters that are letters, digits or spaces or that collide, and bytes that are not UTF-8.

mod isa;
mod scan;
mod segment;
#[cfg(test)]
mod tests;

use memchr::{memchr, memmem};

pub use isa::Delimiters;
pub(crate) use segment::trim_spaces;
pub use segment::{Segment, Split};

use crate::error::{X12Error, X12ErrorKind};
use isa::{looks_like_isa, parse_isa};

/// A tokenized interchange: the text from the first ISA on, and its delimiters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tokens<'a> {
    text: &'a str,
    delimiters: Delimiters,
    skipped_junk: bool,
}

impl<'a> Tokens<'a> {
    /// The delimiters of the first interchange.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// True when something other than whitespace or a byte-order mark came before the ISA.
    pub fn skipped_junk(&self) -> bool {
        self.skipped_junk
    }

    /// The interchange text from its ISA on (contains PHI: never log it).
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The segments, the ISA first (position 1).
    pub fn segments(&self) -> Segments<'a> {
        Segments {
            bytes: self.text.as_bytes(),
            text: self.text,
            offset: 0,
            index: 0,
            delimiters: self.delimiters,
        }
    }
}

/// Tokenizes raw bytes: finds the ISA, reads its delimiters and checks that the rest is UTF-8 text.
pub fn tokenize(input: &[u8]) -> Result<Tokens<'_>, X12Error> {
    let (start, skipped_junk) = find_isa(input)?;
    let from_isa = input.get(start..).unwrap_or_default();
    let header = parse_isa(from_isa)?;
    let text = std::str::from_utf8(from_isa).map_err(|e| {
        let prefix = from_isa.get(..e.valid_up_to()).unwrap_or_default();
        let position = memchr::memchr_iter(header.delimiters.segment, prefix).count() + 1;
        X12Error {
            segment: None,
            position: Some(position),
            kind: X12ErrorKind::InvalidEncoding,
        }
    })?;
    Ok(Tokens {
        text,
        delimiters: header.delimiters,
        skipped_junk,
    })
}

/// Tokenizes text; see [`tokenize`].
pub fn tokenize_str(input: &str) -> Result<Tokens<'_>, X12Error> {
    tokenize(input.as_bytes())
}

/// Reads the delimiters of the first ISA in `input` without splitting anything else.
pub fn detect_delimiters(input: &[u8]) -> Result<Delimiters, X12Error> {
    let (start, _) = find_isa(input)?;
    parse_isa(input.get(start..).unwrap_or_default()).map(|h| h.delimiters)
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The offset of the first ISA, and whether anything but whitespace and a BOM came before it.
fn find_isa(input: &[u8]) -> Result<(usize, bool), X12Error> {
    let body = input.strip_prefix(BOM).unwrap_or(input);
    let bom_len = input.len() - body.len();
    let lead = body.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let rest = body.get(lead..).unwrap_or_default();
    if rest.is_empty() {
        return Err(X12Error::new(X12ErrorKind::Empty));
    }
    if looks_like_isa(rest) {
        return Ok((bom_len + lead, false));
    }
    let finder = memmem::Finder::new(b"ISA");
    for at in finder.find_iter(rest) {
        if rest.get(at..).is_some_and(looks_like_isa) {
            return Ok((bom_len + lead + at, true));
        }
    }
    Err(X12Error::new(X12ErrorKind::NoIsa))
}

/// The segments of an interchange, in order; see the module docs for what is tolerated.
#[derive(Debug, Clone)]
pub struct Segments<'a> {
    bytes: &'a [u8],
    text: &'a str,
    offset: usize,
    index: usize,
    delimiters: Delimiters,
}

impl<'a> Segments<'a> {
    /// The delimiters in force at this point (a later ISA may bring new ones).
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c)
}

impl<'a> Iterator for Segments<'a> {
    type Item = Segment<'a>;

    #[inline]
    fn next(&mut self) -> Option<Segment<'a>> {
        loop {
            let rest = self.bytes.get(self.offset..)?;
            let lead = rest
                .iter()
                .take_while(|&&b| is_space(b) || b == self.delimiters.segment)
                .count();
            let start = self.offset + lead;
            let rest = self.bytes.get(start..).filter(|r| !r.is_empty())?;
            if self.index > 0 && looks_like_isa(rest) {
                if let Ok(header) = parse_isa(rest) {
                    self.delimiters = header.delimiters;
                }
            }
            let d = self.delimiters;
            let (end, terminated) = match memchr(d.segment, rest) {
                Some(at) => (start + at, true),
                None => (self.bytes.len(), false),
            };
            self.offset = end + 1;
            let raw = self.text.get(start..end).unwrap_or("").trim_ascii_end();
            if raw.is_empty() {
                continue;
            }
            self.index += 1;
            // The id is two or three bytes: a scan finds its end sooner than a `memchr` call.
            let (id, data) = match raw.bytes().position(|b| b == d.element) {
                Some(at) => (
                    raw.get(..at).unwrap_or(""),
                    Some(raw.get(at + 1..).unwrap_or("")),
                ),
                None => (raw, None),
            };
            return Some(Segment {
                id,
                data,
                position: self.index,
                delimiters: d,
                terminated,
            });
        }
    }
}
