//! [`SetReader`]: the segments of one transaction set, from after its ST to its SE, with the SE checked.
use std::iter::Peekable;

use payer_core::Warning;

use super::{warning, Tag};
use crate::tokenizer::{Segment, Segments};

/// Reads the segments of one transaction set, from after its ST to its SE, checking the SE.
pub(crate) struct SetReader<'s, 'a> {
    segs: &'s mut Peekable<Segments<'a>>,
    st: Segment<'a>,
    count: usize,
    done: bool,
    lowercase_warned: bool,
    /// Envelope warnings about this transaction set (SE count and control number, missing SE).
    pub(crate) warnings: Vec<Warning>,
}

impl<'s, 'a> SetReader<'s, 'a> {
    pub(super) fn new(st: Segment<'a>, segs: &'s mut Peekable<Segments<'a>>) -> Self {
        SetReader {
            segs,
            st,
            count: 1,
            done: false,
            lowercase_warned: false,
            warnings: Vec::new(),
        }
    }

    /// The ST segment that opened the set.
    pub(crate) fn st(&self) -> Segment<'a> {
        self.st
    }

    /// The next segment of the set, or `None` at its end (SE consumed and checked, or a missing SE reported).
    pub(crate) fn next_segment(&mut self) -> Option<(Tag, Segment<'a>)> {
        if self.done {
            return None;
        }
        let Some(seg) = self.segs.peek().copied() else {
            self.done = true;
            self.warnings.push(warning(
                "missing-trailer",
                "the input ends before the SE of this transaction set",
                &self.st,
            ));
            return None;
        };
        let tag = Tag::of(seg.id());
        if tag.ends_set() {
            self.done = true;
            self.warnings.push(warning(
                "missing-trailer",
                "the transaction set has no SE",
                &self.st,
            ));
            return None;
        }
        self.segs.next();
        self.count += 1;
        if !self.lowercase_warned && seg.id().bytes().any(|b| b.is_ascii_lowercase()) {
            self.lowercase_warned = true;
            self.warnings.push(warning(
                "lowercase-segment-id",
                "segment ids should be uppercase",
                &seg,
            ));
        }
        if tag == Tag::Se {
            self.done = true;
            self.check_se(&seg);
            return None;
        }
        Some((tag, seg))
    }

    /// Skips the rest of the set.
    pub(crate) fn skip_rest(&mut self) {
        while self.next_segment().is_some() {}
    }

    fn check_se(&mut self, se: &Segment<'a>) {
        let declared = se.element(1).and_then(|v| v.parse::<usize>().ok());
        if declared != Some(self.count) {
            self.warnings.push(warning(
                "segment-count-mismatch",
                format!(
                    "SE01 does not match the {} segments of the transaction set",
                    self.count
                ),
                se,
            ));
        }
        if se.element(2) != self.st.element(2) {
            self.warnings.push(warning(
                "control-number-mismatch",
                "SE02 does not match ST02",
                se,
            ));
        }
    }
}
