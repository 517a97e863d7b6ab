//! [`X12Writer`]: builds X12 text segment by segment into one pre-sized `String`, refusing any value that
//! contains a delimiter or a control character, so that no data can ever change the structure on the wire.
//!
//! ```
//! use payer_x12::tokenizer::Delimiters;
//! use payer_x12::writer::X12Writer;
//!
//! let mut w = X12Writer::new(Delimiters::default(), 256).unwrap();
//! w.begin("NM1");
//! w.element("NM101", "IL").unwrap();
//! w.element("NM102", "1").unwrap();
//! w.element("subscriber.lastName", "SMITH").unwrap();
//! w.element("NM104", "").unwrap(); // empty elements in the middle are kept, trailing ones dropped
//! w.element("NM105", "").unwrap();
//! w.end();
//! assert_eq!(w.as_str(), "NM1*IL*1*SMITH~");
//! assert!(w.element("subscriber.firstName", "JO*HN").is_err());
//! ```
//!
//! Values are checked byte by byte against a 256-entry table built once per writer (the four delimiters and
//! the ASCII control characters); values with non-ASCII characters are also checked for Unicode control
//! characters, the same rule as [`forbidden_character`]. An error names the field the caller gave and the
//! segment position, never the value. Trailing empty elements and components are not written, as X12 requires.
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use crate::error::{X12Error, X12ErrorKind};
use crate::tokenizer::Delimiters;

/// The first character of `text` that may not appear in X12 data under the usual delimiters (`*` element,
/// `^` repetition, `:` component, `~` segment) or that is a control character; `None` when the text is safe.
///
/// The gateway validates request fields with this so that its 400s and the codec agree on what is refused.
pub fn forbidden_character(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| matches!(c, '*' | '^' | ':' | '~') || c.is_control())
}

/// How a byte is classified when checking a value.
const OK: u8 = 0;
const FORBIDDEN: u8 = 1;
const NON_ASCII: u8 = 2;

/// Writes X12 segments with fixed delimiters; see the module docs.
#[derive(Debug, Clone)]
pub struct X12Writer {
    out: String,
    delimiters: Delimiters,
    classes: [u8; 256],
    line_breaks: bool,
    /// Element separators owed before the next non-empty element of the open segment.
    pending: usize,
    /// The id of the open segment, for error locations.
    current: &'static str,
    /// Segments finished so far (the open one not included).
    segments: usize,
}

fn invalid(field: &str, reason: &str) -> X12ErrorKind {
    X12ErrorKind::InvalidData {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Checks that four delimiters can frame X12: ASCII, not letters, digits or spaces, and all different.
pub fn validate_delimiters(d: Delimiters) -> Result<(), X12Error> {
    let all = [
        Some(d.element),
        d.repetition,
        Some(d.component),
        Some(d.segment),
    ];
    for (i, b) in all.iter().enumerate() {
        let Some(b) = *b else { continue };
        if !b.is_ascii() || b.is_ascii_alphanumeric() || b == b' ' {
            return Err(X12Error::new(X12ErrorKind::InvalidDelimiters(
                "a delimiter must be an ASCII character other than a letter, digit or space",
            )));
        }
        if all.iter().skip(i + 1).any(|other| *other == Some(b)) {
            return Err(X12Error::new(X12ErrorKind::InvalidDelimiters(
                "the delimiters must all be different",
            )));
        }
    }
    Ok(())
}

/// Appends `value` in decimal, left-padded with zeros to at least `width` digits, without `fmt`.
fn push_number(out: &mut String, value: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut n = value;
    let mut len = 0;
    loop {
        if let Some(slot) = digits.get_mut(len) {
            *slot = b'0' + (n % 10) as u8;
        }
        len += 1;
        n /= 10;
        if n == 0 || len == digits.len() {
            break;
        }
    }
    for _ in len..width {
        out.push('0');
    }
    for &d in digits.iter().take(len).rev() {
        out.push(char::from(d));
    }
}

impl X12Writer {
    /// A writer for `delimiters` with room for `capacity` bytes before it must grow.
    pub fn new(delimiters: Delimiters, capacity: usize) -> Result<Self, X12Error> {
        validate_delimiters(delimiters)?;
        let mut classes = [OK; 256];
        for (b, class) in classes.iter_mut().enumerate() {
            if b < 0x20 || b == 0x7f {
                *class = FORBIDDEN;
            } else if b >= 0x80 {
                *class = NON_ASCII;
            }
        }
        let mut forbid = |b: u8| {
            if let Some(class) = classes.get_mut(usize::from(b)) {
                *class = FORBIDDEN;
            }
        };
        forbid(delimiters.element);
        forbid(delimiters.component);
        forbid(delimiters.segment);
        if let Some(rep) = delimiters.repetition {
            forbid(rep);
        }
        Ok(X12Writer {
            out: String::with_capacity(capacity),
            delimiters,
            classes,
            line_breaks: false,
            pending: 0,
            current: "",
            segments: 0,
        })
    }

    /// Writes a line break after every segment terminator (unless the terminator is itself a line break).
    pub fn with_line_breaks(mut self, on: bool) -> Self {
        self.line_breaks = on && self.delimiters.segment != b'\n';
        self
    }

    /// The delimiters in use.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// How many segments have been finished.
    pub fn segment_count(&self) -> usize {
        self.segments
    }

    /// The text written so far.
    pub fn as_str(&self) -> &str {
        &self.out
    }

    /// The finished text.
    pub fn finish(self) -> String {
        self.out
    }

    /// An error at the open segment.
    pub fn error(&self, field: &str, reason: &str) -> X12Error {
        X12Error::at(self.current, self.segments + 1, invalid(field, reason))
    }

    /// Checks a value against the delimiters and control characters.
    pub fn check(&self, field: &str, value: &str) -> Result<(), X12Error> {
        let mut non_ascii = false;
        for &b in value.as_bytes() {
            match self.classes.get(usize::from(b)) {
                Some(&OK) => {}
                Some(&NON_ASCII) => non_ascii = true,
                _ => return Err(self.error(field, "contains a delimiter or control character")),
            }
        }
        if non_ascii && value.chars().any(char::is_control) {
            return Err(self.error(field, "contains a delimiter or control character"));
        }
        Ok(())
    }

    /// Starts a segment. Segment ids are code constants; an open segment is ended first.
    pub fn begin(&mut self, id: &'static str) {
        if !self.current.is_empty() {
            self.end();
        }
        self.out.push_str(id);
        self.current = id;
        self.pending = 0;
    }

    /// Ends the open segment: writes the terminator (and a line break when asked); trailing empty elements
    /// are simply never written.
    pub fn end(&mut self) {
        self.out.push(char::from(self.delimiters.segment));
        if self.line_breaks {
            self.out.push('\n');
        }
        self.pending = 0;
        self.current = "";
        self.segments += 1;
    }

    /// Writes the separators owed before a non-empty element.
    fn open_element(&mut self) {
        let sep = char::from(self.delimiters.element);
        for _ in 0..self.pending {
            self.out.push(sep);
        }
        self.pending = 0;
    }

    /// Writes one element (empty for none) after checking it.
    pub fn element(&mut self, field: &str, value: &str) -> Result<(), X12Error> {
        self.check(field, value)?;
        self.pending += 1;
        if value.is_empty() {
            return Ok(());
        }
        self.open_element();
        self.out.push_str(value);
        Ok(())
    }

    /// Writes an optional element.
    pub fn opt(&mut self, field: &str, value: Option<&str>) -> Result<(), X12Error> {
        self.element(field, value.unwrap_or(""))
    }

    /// Skips `n` elements (writes them empty).
    pub fn skip(&mut self, n: usize) {
        self.pending += n;
    }

    /// Writes a number element.
    pub fn number(&mut self, value: u64) {
        self.pending += 1;
        self.open_element();
        push_number(&mut self.out, value, 0);
    }

    /// Writes a number left-padded with zeros to `width` digits (ISA13, ST02).
    pub fn padded(&mut self, value: u64, width: usize) {
        self.pending += 1;
        self.open_element();
        push_number(&mut self.out, value, width);
    }

    /// Writes one element made of two values joined by `separator` (a DTP `RD8` range as sent).
    pub fn pair(
        &mut self,
        field: &str,
        first: &str,
        separator: char,
        second: &str,
    ) -> Result<(), X12Error> {
        self.check(field, first)?;
        self.check(field, second)?;
        let mut buf = [0u8; 4];
        self.check(field, separator.encode_utf8(&mut buf))?;
        self.pending += 1;
        self.open_element();
        self.out.push_str(first);
        self.out.push(separator);
        self.out.push_str(second);
        Ok(())
    }

    /// Writes a date as `CCYYMMDD`; years outside 0..=9999 cannot be written.
    pub fn date(&mut self, field: &str, date: NaiveDate) -> Result<(), X12Error> {
        self.check_year(field, date)?;
        self.pending += 1;
        self.open_element();
        self.push_date(date);
        Ok(())
    }

    /// Writes a range `CCYYMMDD-CCYYMMDD` (a DTP `RD8` value).
    pub fn date_range(
        &mut self,
        field: &str,
        begin: NaiveDate,
        end: NaiveDate,
    ) -> Result<(), X12Error> {
        self.check_year(field, begin)?;
        self.check_year(field, end)?;
        self.pending += 1;
        self.open_element();
        self.push_date(begin);
        self.out.push('-');
        self.push_date(end);
        Ok(())
    }

    /// Writes a date as `YYMMDD` (ISA09).
    pub fn short_date(&mut self, date: NaiveDate) -> Result<(), X12Error> {
        self.check_year("ISA09", date)?;
        self.pending += 1;
        self.open_element();
        push_number(
            &mut self.out,
            u64::from(date.year().rem_euclid(100).unsigned_abs()),
            2,
        );
        push_number(&mut self.out, date.month().into(), 2);
        push_number(&mut self.out, date.day().into(), 2);
        Ok(())
    }

    /// Writes a time as `HHMM`.
    pub fn time(&mut self, at: NaiveDateTime) {
        self.pending += 1;
        self.open_element();
        push_number(&mut self.out, at.hour().into(), 2);
        push_number(&mut self.out, at.minute().into(), 2);
    }

    fn check_year(&self, field: &str, date: NaiveDate) -> Result<(), X12Error> {
        if (0..=9999).contains(&date.year()) {
            Ok(())
        } else {
            Err(self.error(field, "year out of range"))
        }
    }

    fn push_date(&mut self, date: NaiveDate) {
        // The year was checked to be in 0..=9999.
        push_number(&mut self.out, u64::from(date.year().unsigned_abs()), 4);
        push_number(&mut self.out, date.month().into(), 2);
        push_number(&mut self.out, date.day().into(), 2);
    }

    /// Writes a composite element from its components; trailing empty components are dropped and an
    /// all-empty composite is an empty element.
    pub fn composite(&mut self, field: &str, components: &[&str]) -> Result<(), X12Error> {
        for c in components {
            self.check(field, c)?;
        }
        self.pending += 1;
        let Some(last) = components.iter().rposition(|c| !c.is_empty()) else {
            return Ok(());
        };
        let used = components.get(..=last).unwrap_or_default();
        self.open_element();
        let sep = char::from(self.delimiters.component);
        for (i, c) in used.iter().enumerate() {
            if i > 0 {
                self.out.push(sep);
            }
            self.out.push_str(c);
        }
        Ok(())
    }

    /// Writes a repeating element; empty values are skipped. Several values need a repetition separator.
    pub fn repeated<S: AsRef<str>>(&mut self, field: &str, values: &[S]) -> Result<(), X12Error> {
        let mut count = 0;
        for v in values {
            self.check(field, v.as_ref())?;
            count += usize::from(!v.as_ref().is_empty());
        }
        let rep = match self.delimiters.repetition {
            Some(rep) => char::from(rep),
            None if count <= 1 => '\0',
            None => {
                return Err(self.error(field, "several values need a repetition separator (ISA11)"))
            }
        };
        self.pending += 1;
        let mut present = values.iter().map(AsRef::as_ref).filter(|v| !v.is_empty());
        let Some(first) = present.next() else {
            return Ok(());
        };
        self.open_element();
        self.out.push_str(first);
        for v in present {
            self.out.push(rep);
            self.out.push_str(v);
        }
        Ok(())
    }

    /// Writes a delimiter character itself as an element (ISA11, ISA16); only for the ISA.
    pub(crate) fn delimiter_element(&mut self, delimiter: u8) {
        self.pending += 1;
        self.open_element();
        self.out.push(char::from(delimiter));
    }

    /// Writes a value padded with spaces on the right to exactly `width` characters (ISA02..ISA08);
    /// longer values are refused.
    pub(crate) fn fixed(&mut self, field: &str, value: &str, width: usize) -> Result<(), X12Error> {
        if !value.is_ascii() || value.len() > width {
            return Err(self.error(field, "must be ASCII and fit its fixed-width ISA element"));
        }
        self.check(field, value)?;
        self.pending += 1;
        self.open_element();
        self.out.push_str(value);
        for _ in value.len()..width {
            self.out.push(' ');
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
