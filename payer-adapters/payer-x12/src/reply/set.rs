//! [`SetReader`]: the segments of one transaction set, from after its ST to its SE, with the SE checked.
//!
//! The set is read ahead once, into a buffer of tagged segments, when the reader is made: the decoders then walk
//! the buffer, and can ask what is still to come ([`SetReader::benefits_ahead`], to size the benefit list of a
//! subscriber exactly instead of growing and copying it).
use payer_core::Warning;

use super::{warning, Tag};
use crate::tokenizer::{Segment, Segments};

/// Reads the segments of one transaction set, from after its ST to its SE, checking the SE.
pub(crate) struct SetReader<'a> {
    st: Segment<'a>,
    /// The set's segments after the ST, without the SE.
    body: Vec<(Tag, Segment<'a>)>,
    /// The next segment of `body` to hand out.
    next: usize,
    /// The envelope segment (ISA, GS, ST, GE, IEA) that ended a set without an SE, for the interchange walk.
    interrupted_by: Option<Segment<'a>>,
    /// Warnings about the set's envelope, handed over to `warnings` once the set has been read.
    trailer_warnings: Vec<Warning>,
    /// Envelope warnings about this transaction set (SE count and control number, missing SE).
    pub(crate) warnings: Vec<Warning>,
}

impl<'a> SetReader<'a> {
    /// Reads the set that `st` opens from `segs`, up to and including its SE (or up to the next envelope
    /// segment, or the end of the input, when the SE is missing), into `body` (emptied first: the buffer of
    /// the previous set, handed back by [`SetReader::into_parts`], so that a batch of sets allocates once).
    ///
    /// The segments are taken one by one rather than peeked at: a segment copied out of a peeked slot right
    /// after it was written there stalled the processor on every segment.
    pub(super) fn new(
        st: Segment<'a>,
        segs: &mut Segments<'a>,
        mut body: Vec<(Tag, Segment<'a>)>,
    ) -> Self {
        body.clear();
        let mut trailer_warnings = Vec::new();
        let mut lowercase_warned = false;
        let mut interrupted_by = None;
        loop {
            let Some(seg) = segs.next() else {
                trailer_warnings.push(warning(
                    "missing-trailer",
                    "the input ends before the SE of this transaction set",
                    &st,
                ));
                break;
            };
            let tag = Tag::of(seg.id());
            if tag.ends_set() {
                trailer_warnings.push(warning(
                    "missing-trailer",
                    "the transaction set has no SE",
                    &st,
                ));
                interrupted_by = Some(seg);
                break;
            }
            // Warnings take the segment by reference: from a copy (the SE) or from the buffer, so that `seg`
            // itself stays in registers on its way into the buffer.
            let lowercase = !lowercase_warned && seg.id().bytes().any(|b| b.is_ascii_lowercase());
            if tag == Tag::Se {
                let se = seg;
                if lowercase {
                    trailer_warnings.push(lowercase_warning(&se));
                }
                check_se(&st, &se, body.len() + 2, &mut trailer_warnings);
                break;
            }
            body.push((tag, seg));
            if let (true, Some((_, seg))) = (lowercase, body.last()) {
                lowercase_warned = true;
                trailer_warnings.push(lowercase_warning(seg));
            }
        }
        SetReader {
            st,
            body,
            next: 0,
            interrupted_by,
            trailer_warnings,
            warnings: Vec::new(),
        }
    }

    /// The segment buffer, for the next set, and the envelope segment that ended the set without an SE.
    pub(super) fn into_parts(self) -> (Vec<(Tag, Segment<'a>)>, Option<Segment<'a>>) {
        (self.body, self.interrupted_by)
    }

    /// The ST segment that opened the set.
    pub(crate) fn st(&self) -> Segment<'a> {
        self.st
    }

    /// The next segment of the set, or `None` at its end (the SE's checks then join [`SetReader::warnings`]).
    ///
    /// Lent rather than copied: a segment copied out to the stack and read back at once stalled the processor
    /// on every segment (the copy's overlapping moves defeat store-to-load forwarding).
    pub(crate) fn next_segment(&mut self) -> Option<&(Tag, Segment<'a>)> {
        match self.body.get(self.next) {
            Some(next) => {
                self.next += 1;
                Some(next)
            }
            None => {
                self.warnings.append(&mut self.trailer_warnings);
                None
            }
        }
    }

    /// Skips the rest of the set.
    pub(crate) fn skip_rest(&mut self) {
        while self.next_segment().is_some() {}
    }

    /// How many EB segments come before the next subscriber level (an HL whose HL03 is `22`) or the end of the
    /// set. Each subscriber scans only its own segments, so asking once per subscriber stays linear.
    pub(crate) fn benefits_ahead(&self) -> usize {
        self.body
            .get(self.next..)
            .unwrap_or_default()
            .iter()
            .take_while(|(tag, seg)| *tag != Tag::Hl || seg.element(3) != Some("22"))
            .filter(|(tag, _)| *tag == Tag::Eb)
            .count()
    }
}

/// The one warning of a set about lowercase segment ids, at the first one.
fn lowercase_warning(seg: &Segment<'_>) -> Warning {
    warning(
        "lowercase-segment-id",
        "segment ids should be uppercase",
        seg,
    )
}

/// Checks SE01 (the set's segment count, ST and SE included) and SE02 (ST02 repeated).
fn check_se(st: &Segment<'_>, se: &Segment<'_>, count: usize, warnings: &mut Vec<Warning>) {
    let declared = se.element(1).and_then(|v| v.parse::<usize>().ok());
    if declared != Some(count) {
        warnings.push(warning(
            "segment-count-mismatch",
            format!("SE01 does not match the {count} segments of the transaction set"),
            se,
        ));
    }
    if se.element(2) != st.element(2) {
        warnings.push(warning(
            "control-number-mismatch",
            "SE02 does not match ST02",
            se,
        ));
    }
}
