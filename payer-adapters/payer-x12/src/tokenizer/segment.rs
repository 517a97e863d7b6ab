//! [`Segment`]: one X12 segment borrowed from the input, with element, repetition and component access.
//!
//! Nothing is allocated: a segment is its id, the text after the id's separator and the delimiters; elements are
//! found when asked for, eight bytes at a time (`scan`: elements are short, and a `memchr` call per element costs
//! more to set up than to run), and
//! [`Segment::fields`] finds the first `N` in one pass. Element numbers are 1-based as in the implementation guides (`EB03` is
//! `element(3)`). Values are trimmed of surrounding spaces; [`Segment::raw_element`] gives them as sent.
use super::isa::Delimiters;
use super::scan::{each_position, Positions};

/// One segment of an interchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    pub(crate) id: &'a str,
    pub(crate) data: Option<&'a str>,
    pub(crate) position: usize,
    pub(crate) delimiters: Delimiters,
    pub(crate) terminated: bool,
}

impl<'a> Segment<'a> {
    /// The segment id as sent (`NM1`, `EB`; payers occasionally send lowercase, see [`Segment::is`]).
    pub fn id(&self) -> &'a str {
        self.id
    }

    /// Whether the id is `id`, ignoring ASCII case.
    pub fn is(&self, id: &str) -> bool {
        self.id.eq_ignore_ascii_case(id)
    }

    /// The 1-based index of the segment in the input (the ISA is 1).
    pub fn position(&self) -> usize {
        self.position
    }

    /// The delimiters in force for this segment.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// False for a final segment that the input ended before terminating.
    pub fn is_terminated(&self) -> bool {
        self.terminated
    }

    /// Everything after the id and its separator, as sent (contains PHI: never log it); `""` when none.
    pub fn data(&self) -> &'a str {
        self.data.unwrap_or("")
    }

    /// The elements after the id, in order, untrimmed (element 1 first).
    pub fn elements(&self) -> Split<'a> {
        match self.data {
            Some(data) => Split::new(data, self.delimiters.element),
            None => Split::empty(),
        }
    }

    /// How many elements the segment has (trailing empty elements count: `EB*1**30**` has 5).
    pub fn element_count(&self) -> usize {
        match self.data {
            Some(data) => Positions::new(data.as_bytes(), self.delimiters.element).count() + 1,
            None => 0,
        }
    }

    /// Element `n` (1-based) as sent, or `None` when the segment has fewer elements.
    pub fn raw_element(&self, n: usize) -> Option<&'a str> {
        let data = self.data?;
        let mut ends = Positions::new(data.as_bytes(), self.delimiters.element);
        let start = match n.checked_sub(1)? {
            0 => 0,
            i => ends.nth(i - 1)? + 1,
        };
        // The separator is ASCII, so both ends fall on character boundaries.
        data.get(start..ends.next().unwrap_or(data.len()))
    }

    /// Element `n` (1-based), trimmed of spaces; `None` when absent or empty.
    pub fn element(&self, n: usize) -> Option<&'a str> {
        self.raw_element(n)
            .map(trim_spaces)
            .filter(|v| !v.is_empty())
    }

    /// Elements 1 to `N` in one pass, as sent; `""` where absent.
    pub fn raw_fields<const N: usize>(&self) -> [&'a str; N] {
        self.split_fields::<N, false>()
    }

    /// Elements 1 to `N` in one pass, trimmed; `""` where absent or empty.
    #[inline(always)]
    pub fn fields<const N: usize>(&self) -> [&'a str; N] {
        self.split_fields::<N, true>()
    }

    #[inline(always)]
    fn split_fields<const N: usize, const TRIM: bool>(&self) -> [&'a str; N] {
        let mut out = [""; N];
        let Some(data) = self.data else {
            return out;
        };
        let part = |value: Option<&'a str>| {
            let value = value.unwrap_or("");
            if TRIM {
                trim_spaces(value)
            } else {
                value
            }
        };
        let mut slots = out.iter_mut();
        let mut start = 0;
        // The separator is ASCII, so both ends of every part fall on character boundaries.
        each_position(data.as_bytes(), self.delimiters.element, |at| {
            let Some(slot) = slots.next() else {
                return false;
            };
            *slot = part(data.get(start..at));
            start = at + 1;
            true
        });
        if let Some(slot) = slots.next() {
            *slot = part(data.get(start..));
        }
        out
    }

    /// The repeated values of element `n` (split on the repetition separator), trimmed, empty ones skipped.
    ///
    /// When the interchange declares no repetition separator (004010 `U`), the element is one value.
    pub fn repetitions(&self, n: usize) -> impl Iterator<Item = &'a str> + 'a {
        self.repetitions_of(self.raw_element(n).unwrap_or(""))
    }

    /// [`Segment::repetitions`] of an element already in hand (from [`Segment::raw_fields`]).
    pub fn repetitions_of(&self, value: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let split = match self.delimiters.repetition {
            Some(rep) => Split::new(value, rep),
            None => Split::whole(value),
        };
        split.map(trim_spaces).filter(|v| !v.is_empty())
    }

    /// The components of element `n` (split on the component separator), untrimmed, empty ones kept so that
    /// component numbers stay right. Empty when the element is absent.
    pub fn components(&self, n: usize) -> Split<'a> {
        match self.raw_element(n) {
            Some(value) => self.components_of(value),
            None => Split::empty(),
        }
    }

    /// [`Segment::components`] of an element already in hand (from [`Segment::raw_fields`]).
    pub fn components_of(&self, value: &'a str) -> Split<'a> {
        Split::new(value, self.delimiters.component)
    }

    /// Component `k` (1-based) of element `n`, trimmed; `None` when absent or empty.
    pub fn component(&self, n: usize, k: usize) -> Option<&'a str> {
        let i = k.checked_sub(1)?;
        self.components(n)
            .nth(i)
            .map(trim_spaces)
            .filter(|v| !v.is_empty())
    }
}

/// Trims ASCII spaces from both ends, with a fast path for the usual untrimmed value.
pub(crate) fn trim_spaces(v: &str) -> &str {
    let b = v.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        v.trim_matches(' ')
    } else {
        v
    }
}

/// An iterator over the parts of a value split on one delimiter byte, borrowing from the input.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    rest: Option<&'a str>,
    sep: Option<u8>,
}

impl<'a> Split<'a> {
    fn new(value: &'a str, sep: u8) -> Self {
        Split {
            rest: Some(value),
            sep: Some(sep),
        }
    }

    fn whole(value: &'a str) -> Self {
        Split {
            rest: Some(value),
            sep: None,
        }
    }

    fn empty() -> Self {
        Split {
            rest: None,
            sep: None,
        }
    }
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        // Repetitions and components are a few bytes long: a plain loop beats setting up a word-wise search.
        match self.sep.and_then(|sep| rest.bytes().position(|b| b == sep)) {
            Some(at) => {
                // The separator is ASCII, so both slices fall on character boundaries.
                self.rest = Some(rest.get(at + 1..).unwrap_or(""));
                Some(rest.get(..at).unwrap_or(""))
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}
