//! [`decode`]: any payer reply (271, 999, TA1, or several in one interchange) into a [`Reply`].
//!
//! The interchange is walked once, segment by segment: ISA/GS/ST envelopes are checked here (counts and control
//! numbers, reported as warnings when wrong), each ST..SE is handed to the decoder for its transaction set, and a
//! TA1 is decoded where it stands. Envelope faults that lose no meaning (wrong SE/GE/IEA counts, mismatched
//! control numbers, missing trailers, lowercase ids) become [`Warning`]s on every response of the interchange.
use std::iter::Peekable;

use payer_core::{EligibilityResponse, PayerErrorInfo, Warning};

use crate::ack::{self, AckOutcome};
use crate::error::{safe_segment_id, X12Error, X12ErrorKind};
use crate::response;
use crate::tokenizer::{tokenize, Segment, Segments, Tokens};

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
            walk.env_warnings.push(Warning {
                code: "invalid-encoding".into(),
                message: "bytes that are not UTF-8 were replaced".into(),
                segment: None,
                position: e.position,
            });
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

/// The segment ids the decoders act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Isa,
    Iea,
    Gs,
    Ge,
    St,
    Se,
    Ta1,
    Bht,
    Hl,
    Trn,
    Nm1,
    Per,
    Aaa,
    Ref,
    N3,
    N4,
    Prv,
    Dmg,
    Ins,
    Hi,
    Dtp,
    Mpi,
    Eb,
    Hsd,
    Msg,
    Iii,
    Ls,
    Le,
    Ak1,
    Ak2,
    Ik3,
    Ik4,
    Ctx,
    Ik5,
    Ak9,
    Other,
}

impl Tag {
    /// The tag of a segment id, ignoring ASCII case.
    pub(crate) fn of(id: &str) -> Tag {
        let mut key = [0u8; 3];
        match id.as_bytes() {
            [a, b] => key[..2].copy_from_slice(&[*a, *b]),
            [a, b, c] => key.copy_from_slice(&[*a, *b, *c]),
            _ => return Tag::Other,
        }
        key.make_ascii_uppercase();
        match &key {
            b"ISA" => Tag::Isa,
            b"IEA" => Tag::Iea,
            b"GS\0" => Tag::Gs,
            b"GE\0" => Tag::Ge,
            b"ST\0" => Tag::St,
            b"SE\0" => Tag::Se,
            b"TA1" => Tag::Ta1,
            b"BHT" => Tag::Bht,
            b"HL\0" => Tag::Hl,
            b"TRN" => Tag::Trn,
            b"NM1" => Tag::Nm1,
            b"PER" => Tag::Per,
            b"AAA" => Tag::Aaa,
            b"REF" => Tag::Ref,
            b"N3\0" => Tag::N3,
            b"N4\0" => Tag::N4,
            b"PRV" => Tag::Prv,
            b"DMG" => Tag::Dmg,
            b"INS" => Tag::Ins,
            b"HI\0" => Tag::Hi,
            b"DTP" => Tag::Dtp,
            b"MPI" => Tag::Mpi,
            b"EB\0" => Tag::Eb,
            b"HSD" => Tag::Hsd,
            b"MSG" => Tag::Msg,
            b"III" => Tag::Iii,
            b"LS\0" => Tag::Ls,
            b"LE\0" => Tag::Le,
            b"AK1" => Tag::Ak1,
            b"AK2" => Tag::Ak2,
            b"IK3" => Tag::Ik3,
            b"IK4" => Tag::Ik4,
            b"CTX" => Tag::Ctx,
            b"IK5" => Tag::Ik5,
            b"AK9" => Tag::Ak9,
            _ => Tag::Other,
        }
    }

    fn ends_set(self) -> bool {
        matches!(self, Tag::St | Tag::Ge | Tag::Gs | Tag::Iea | Tag::Isa)
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
    fn new(st: Segment<'a>, segs: &'s mut Peekable<Segments<'a>>) -> Self {
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

/// The interchange walk: envelopes, transaction sets, acknowledgments.
struct Walk<'a> {
    segs: Peekable<Segments<'a>>,
    responses: Vec<EligibilityResponse>,
    rejections: Vec<PayerErrorInfo>,
    acknowledged: bool,
    other_set: Option<String>,
    env_warnings: Vec<Warning>,
    isa: Option<Segment<'a>>,
    groups: usize,
    gs: Option<Segment<'a>>,
    sets: usize,
}

impl<'a> Walk<'a> {
    fn new(tokens: Tokens<'a>) -> Self {
        let mut env_warnings = Vec::new();
        if tokens.skipped_junk() {
            env_warnings.push(Warning {
                code: "leading-junk".into(),
                message: "bytes other than whitespace came before the ISA and were skipped".into(),
                segment: None,
                position: None,
            });
        }
        Walk {
            segs: tokens.segments().peekable(),
            responses: Vec::new(),
            rejections: Vec::new(),
            acknowledged: false,
            other_set: None,
            env_warnings,
            isa: None,
            groups: 0,
            gs: None,
            sets: 0,
        }
    }

    fn run(mut self) -> Result<Reply, X12Error> {
        while let Some(seg) = self.segs.next() {
            match Tag::of(seg.id()) {
                Tag::Isa => self.open_interchange(seg),
                Tag::Gs => self.open_group(seg),
                Tag::St => self.transaction(seg)?,
                Tag::Ta1 => self.outcome(ack::decode_ta1(&seg)?),
                Tag::Ge => self.close_group(&seg),
                Tag::Iea => self.close_interchange(&seg),
                _ => self.env_warnings.push(warning(
                    "unexpected-segment",
                    "segment outside any transaction set was skipped",
                    &seg,
                )),
            }
        }
        if let Some(gs) = self.gs.take() {
            self.env_warnings.push(warning(
                "missing-trailer",
                "the functional group has no GE",
                &gs,
            ));
        }
        if let Some(isa) = self.isa.take() {
            self.env_warnings.push(warning(
                "missing-trailer",
                "the interchange has no IEA",
                &isa,
            ));
        }
        self.finish()
    }

    fn finish(mut self) -> Result<Reply, X12Error> {
        if !self.responses.is_empty() {
            if !self.rejections.is_empty() {
                self.env_warnings.push(Warning {
                    code: "rejection-beside-response".into(),
                    message: "the interchange also carries a 999/TA1 rejection".into(),
                    segment: None,
                    position: None,
                });
            }
            for response in &mut self.responses {
                response.warnings.extend(self.env_warnings.iter().cloned());
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
        if let Some(prev) = self.isa.replace(isa) {
            self.env_warnings.push(warning(
                "missing-trailer",
                "the interchange has no IEA",
                &prev,
            ));
        }
        self.groups = 0;
    }

    fn close_interchange(&mut self, iea: &Segment<'a>) {
        if let Some(gs) = self.gs.take() {
            self.env_warnings.push(warning(
                "missing-trailer",
                "the functional group has no GE",
                &gs,
            ));
        }
        match self.isa.take() {
            None => {
                self.env_warnings
                    .push(warning("unexpected-segment", "IEA without an ISA", iea))
            }
            Some(isa) => {
                if iea.element(1).and_then(|v| v.parse::<usize>().ok()) != Some(self.groups) {
                    self.env_warnings.push(warning(
                        "group-count-mismatch",
                        format!("IEA01 does not match the {} functional groups", self.groups),
                        iea,
                    ));
                }
                if iea.element(2) != isa.element(13) {
                    self.env_warnings.push(warning(
                        "control-number-mismatch",
                        "IEA02 does not match ISA13",
                        iea,
                    ));
                }
            }
        }
    }

    fn open_group(&mut self, gs: Segment<'a>) {
        if let Some(prev) = self.gs.replace(gs) {
            self.env_warnings.push(warning(
                "missing-trailer",
                "the functional group has no GE",
                &prev,
            ));
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
                    self.env_warnings.push(warning(
                        "set-count-mismatch",
                        format!("GE01 does not match the {} transaction sets", self.sets),
                        ge,
                    ));
                }
                if ge.element(2) != gs.element(6) {
                    self.env_warnings.push(warning(
                        "control-number-mismatch",
                        "GE02 does not match GS06",
                        ge,
                    ));
                }
            }
        }
    }

    fn transaction(&mut self, st: Segment<'a>) -> Result<(), X12Error> {
        self.sets += 1;
        if self.gs.is_none() {
            self.env_warnings.push(warning(
                "missing-segment",
                "transaction set outside a functional group",
                &st,
            ));
        }
        let set_id = st.element(1).unwrap_or("");
        let mut reader = SetReader::new(st, &mut self.segs);
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
                let responses = response::decode_transaction(&mut reader)?;
                self.responses.extend(responses);
            }
            "999" => {
                let outcome = ack::decode_999(&mut reader)?;
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
