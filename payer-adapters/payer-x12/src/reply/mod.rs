//! [`decode`]: any payer reply (271, 999, TA1, or several in one interchange) into a [`Reply`].
//!
//! The interchange is walked once, segment by segment: ISA/GS/ST envelopes are checked here (counts and control
//! numbers, reported as warnings when wrong), each ST..SE is handed to the decoder for its transaction set, and a
//! TA1 is decoded where it stands. Envelope faults that lose no meaning (wrong SE/GE/IEA counts, mismatched
//! control numbers, missing trailers, lowercase ids) become [`Warning`]s on every response of the interchange.
use payer_core::{EligibilityResponse, PayerErrorInfo, Warning};

use crate::ack::{self, AckOutcome};
use crate::error::{safe_segment_id, X12Error, X12ErrorKind};
use crate::response;
use crate::tokenizer::{tokenize, Segment, Segments, Tokens};

mod set;
mod tag;

pub(crate) use set::SetReader;
pub(crate) use tag::Tag;

/// What a payer sent back.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// One normalized answer per 271 transaction set (ST..SE); a transaction set that holds several
    /// subscribers (several 2000C loops) gives one answer per subscriber, each with the payer, receiver and
    /// their AAA errors.
    Eligibility(Vec<EligibilityResponse>),
    /// The payer refused the inquiry as a whole: a 999 with rejected transaction sets or groups, or a TA1
    /// rejecting the interchange.
    Rejected(Vec<PayerErrorInfo>),
    /// A 999 or TA1 that accepts the inquiry, with no 271 (the answer will come later, or not at all).
    Acknowledged,
}

/// Decodes a payer's reply. A TA1 in front of a 271 is checked and the 271 returned.
///
/// Bytes that are not UTF-8 are replaced (with a warning) rather than refused, since the delimiters and the
/// structure are ASCII: a stray Latin-1 letter in a name should not lose the whole answer.
pub fn decode(input: &[u8]) -> Result<Reply, X12Error> {
    match tokenize(input) {
        Ok(tokens) => Walk::new(tokens).run(),
        Err(e) if e.kind == X12ErrorKind::InvalidEncoding => {
            let text = String::from_utf8_lossy(input);
            let mut walk = Walk::new(tokenize(text.as_bytes())?);
            push_note(
                &mut walk.env_warnings,
                Warning {
                    code: "invalid-encoding".into(),
                    message: "bytes that are not UTF-8 were replaced".into(),
                    segment: None,
                    position: e.position,
                },
            );
            walk.run()
        }
        Err(e) => Err(e),
    }
}

/// Decodes only 271 transaction sets; a reply that holds none (a 999, a TA1, a 270) is an error.
pub fn decode_271(input: &[u8]) -> Result<Vec<EligibilityResponse>, X12Error> {
    match decode(input)? {
        Reply::Eligibility(responses) => Ok(responses),
        Reply::Rejected(_) | Reply::Acknowledged => Err(X12Error::new(
            X12ErrorKind::NotEligibilityResponse("999/TA1".into()),
        )),
    }
}

/// At most this many warnings (and AAA errors) are kept per response, so that a hostile input cannot make
/// the decoder copy a long list into every one of many responses.
pub(crate) const MAX_NOTES: usize = 100;

/// Appends a warning unless the list is full; the first one over the limit becomes a `too-many-warnings` note.
pub(crate) fn push_note(list: &mut Vec<Warning>, warning: Warning) {
    match list.len() {
        n if n < MAX_NOTES => list.push(warning),
        n if n == MAX_NOTES => list.push(Warning {
            code: "too-many-warnings".into(),
            message: format!("only the first {MAX_NOTES} warnings were kept"),
            segment: None,
            position: None,
        }),
        _ => {}
    }
}

/// A warning about a segment, naming only its id and position.
pub(crate) fn warning(code: &str, message: impl Into<String>, seg: &Segment<'_>) -> Warning {
    Warning {
        code: code.into(),
        message: message.into(),
        segment: safe_segment_id(seg.id()),
        position: Some(seg.position()),
    }
}

/// The interchange walk: envelopes, transaction sets, acknowledgments.
struct Walk<'a> {
    segs: Segments<'a>,
    /// A segment read by the last transaction set that belongs to the interchange (it ended a set without SE).
    pending: Option<Segment<'a>>,
    responses: Vec<EligibilityResponse>,
    rejections: Vec<PayerErrorInfo>,
    acknowledged: bool,
    other_set: Option<String>,
    env_warnings: Vec<Warning>,
    isa: Option<Segment<'a>>,
    groups: usize,
    gs: Option<Segment<'a>>,
    sets: usize,
    /// The segments of the transaction set being read, kept from one set to the next.
    set_buffer: Vec<(Tag, Segment<'a>)>,
}

impl<'a> Walk<'a> {
    fn new(tokens: Tokens<'a>) -> Self {
        let mut env_warnings = Vec::new();
        if tokens.skipped_junk() {
            push_note(
                &mut env_warnings,
                Warning {
                    code: "leading-junk".into(),
                    message: "bytes other than whitespace came before the ISA and were skipped"
                        .into(),
                    segment: None,
                    position: None,
                },
            );
        }
        // Sized for a set as long as the whole input, at about one segment per 32 bytes: one allocation for a
        // typical reply, and one per doubling for a batch of sets.
        let set_buffer = Vec::with_capacity((tokens.text().len() / 32).min(4096));
        Walk {
            segs: tokens.segments(),
            pending: None,
            responses: Vec::new(),
            rejections: Vec::new(),
            acknowledged: false,
            other_set: None,
            env_warnings,
            isa: None,
            groups: 0,
            gs: None,
            sets: 0,
            set_buffer,
        }
    }

    fn run(mut self) -> Result<Reply, X12Error> {
        while let Some(seg) = self.pending.take().or_else(|| self.segs.next()) {
            match Tag::of(seg.id()) {
                Tag::Isa => self.open_interchange(seg),
                Tag::Gs => self.open_group(seg),
                Tag::St => self.transaction(seg)?,
                Tag::Ta1 => self.outcome(ack::decode_ta1(&seg)?),
                Tag::Ge => self.close_group(&seg),
                Tag::Iea => self.close_interchange(&seg),
                _ => push_note(
                    &mut self.env_warnings,
                    warning(
                        "unexpected-segment",
                        "segment outside any transaction set was skipped",
                        &seg,
                    ),
                ),
            }
        }
        if let Some(gs) = self.gs.take() {
            push_note(
                &mut self.env_warnings,
                warning("missing-trailer", "the functional group has no GE", &gs),
            );
        }
        if let Some(isa) = self.isa.take() {
            push_note(
                &mut self.env_warnings,
                warning("missing-trailer", "the interchange has no IEA", &isa),
            );
        }
        self.finish()
    }

    fn finish(mut self) -> Result<Reply, X12Error> {
        if !self.responses.is_empty() {
            if !self.rejections.is_empty() {
                push_note(
                    &mut self.env_warnings,
                    Warning {
                        code: "rejection-beside-response".into(),
                        message: "the interchange also carries a 999/TA1 rejection".into(),
                        segment: None,
                        position: None,
                    },
                );
            }
            for response in &mut self.responses {
                for w in &self.env_warnings {
                    push_note(&mut response.warnings, w.clone());
                }
            }
            return Ok(Reply::Eligibility(self.responses));
        }
        if !self.rejections.is_empty() {
            return Ok(Reply::Rejected(self.rejections));
        }
        if self.acknowledged {
            return Ok(Reply::Acknowledged);
        }
        Err(match self.other_set {
            Some(id) => X12Error::new(X12ErrorKind::NotEligibilityResponse(id)),
            None => X12Error::new(X12ErrorKind::MissingSegment(
                "ST (no transaction set or TA1 in the interchange)",
            )),
        })
    }

    fn outcome(&mut self, outcome: AckOutcome) {
        match outcome {
            AckOutcome::Accepted => self.acknowledged = true,
            AckOutcome::Rejected(errors) => self.rejections.extend(errors),
        }
    }

    fn open_interchange(&mut self, isa: Segment<'a>) {
        // X12 wants four distinct delimiters; payers that reuse ISA16 as ISA11 are read on (both split on the
        // same character), with a warning, since a repeated composite element cannot be told apart.
        let repetition = isa.element(11).filter(|r| !r.eq_ignore_ascii_case("U"));
        if repetition.is_some() && repetition == isa.element(16) {
            push_note(
                &mut self.env_warnings,
                warning(
                    "shared-delimiter",
                    "ISA11 (repetition separator) and ISA16 (component separator) are the same character",
                    &isa,
                ),
            );
        }
        if let Some(prev) = self.isa.replace(isa) {
            push_note(
                &mut self.env_warnings,
                warning("missing-trailer", "the interchange has no IEA", &prev),
            );
        }
        self.groups = 0;
    }

    fn close_interchange(&mut self, iea: &Segment<'a>) {
        if let Some(gs) = self.gs.take() {
            push_note(
                &mut self.env_warnings,
                warning("missing-trailer", "the functional group has no GE", &gs),
            );
        }
        match self.isa.take() {
            None => {
                self.env_warnings
                    .push(warning("unexpected-segment", "IEA without an ISA", iea))
            }
            Some(isa) => {
                if iea.element(1).and_then(|v| v.parse::<usize>().ok()) != Some(self.groups) {
                    push_note(
                        &mut self.env_warnings,
                        warning(
                            "group-count-mismatch",
                            format!("IEA01 does not match the {} functional groups", self.groups),
                            iea,
                        ),
                    );
                }
                if iea.element(2) != isa.element(13) {
                    push_note(
                        &mut self.env_warnings,
                        warning("control-number-mismatch", "IEA02 does not match ISA13", iea),
                    );
                }
            }
        }
    }

    fn open_group(&mut self, gs: Segment<'a>) {
        if let Some(prev) = self.gs.replace(gs) {
            push_note(
                &mut self.env_warnings,
                warning("missing-trailer", "the functional group has no GE", &prev),
            );
        }
        self.groups += 1;
        self.sets = 0;
    }

    fn close_group(&mut self, ge: &Segment<'a>) {
        match self.gs.take() {
            None => self
                .env_warnings
                .push(warning("unexpected-segment", "GE without a GS", ge)),
            Some(gs) => {
                if ge.element(1).and_then(|v| v.parse::<usize>().ok()) != Some(self.sets) {
                    push_note(
                        &mut self.env_warnings,
                        warning(
                            "set-count-mismatch",
                            format!("GE01 does not match the {} transaction sets", self.sets),
                            ge,
                        ),
                    );
                }
                if ge.element(2) != gs.element(6) {
                    push_note(
                        &mut self.env_warnings,
                        warning("control-number-mismatch", "GE02 does not match GS06", ge),
                    );
                }
            }
        }
    }

    fn transaction(&mut self, st: Segment<'a>) -> Result<(), X12Error> {
        self.sets += 1;
        if self.gs.is_none() {
            push_note(
                &mut self.env_warnings,
                warning(
                    "missing-segment",
                    "transaction set outside a functional group",
                    &st,
                ),
            );
        }
        let set_id = st.element(1).unwrap_or("");
        let buffer = std::mem::take(&mut self.set_buffer);
        let mut reader = SetReader::new(st, &mut self.segs, buffer);
        let outcome = self.read_set(set_id, &mut reader);
        (self.set_buffer, self.pending) = reader.into_parts();
        outcome
    }

    /// Decodes the transaction set in `reader` by its ST01.
    fn read_set(&mut self, set_id: &str, reader: &mut SetReader<'a>) -> Result<(), X12Error> {
        let st = reader.st();
        match set_id {
            "271" => {
                if let Some(gs) = &self.gs {
                    if gs.element(1).is_some_and(|f| !f.eq_ignore_ascii_case("HB")) {
                        reader.warnings.push(warning(
                            "functional-id",
                            "GS01 of a 271 group should be HB",
                            gs,
                        ));
                    }
                }
                let responses = response::decode_transaction(reader)?;
                self.responses.extend(responses);
            }
            "999" => {
                let outcome = ack::decode_999(reader)?;
                self.env_warnings.append(&mut reader.warnings);
                self.outcome(outcome);
            }
            "" => {
                return Err(X12Error::at(
                    st.id(),
                    st.position(),
                    X12ErrorKind::InvalidElement {
                        index: 1,
                        reason: "ST01 (transaction set identifier) is required",
                    },
                ))
            }
            other => {
                reader.skip_rest();
                if self.other_set.is_none() {
                    let code =
                        if other.len() <= 3 && other.bytes().all(|b| b.is_ascii_alphanumeric()) {
                            other.to_string()
                        } else {
                            "unknown".to_string()
                        };
                    self.other_set = Some(code);
                }
            }
        }
        Ok(())
    }
}
