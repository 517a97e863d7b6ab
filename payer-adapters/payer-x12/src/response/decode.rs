//! The 005010X279A1 loop model of a 271, walked segment by segment straight into [`EligibilityResponse`]s.
//!
//! Loops are told apart by the HL level (20 information source, 21 receiver, 22 subscriber, 23 dependent) and,
//! within a level, by what came before: before the level's NM1 is its 2000 loop, after it the 2100 loop, from an
//! EB on the 2110 benefit loop, and between LS and LE the 2120 related-entity loop. No tree is built.
//!
//! One response per subscriber (2000C): a transaction set usually holds one; when it holds several, each gets
//! the information source, the receiver and their AAA errors. A transaction set without any subscriber (a
//! receiver-level rejection) gives one response. Tolerated deviations become warnings; an HL without a known
//! level, an EB without EB01 and an AAA without AAA03 are errors, since their meaning cannot be recovered.
use payer_core::{
    Address, BenefitInformation, EligibilityResponse, PayerErrorInfo, PayerInfo, Phi, ProviderInfo,
    RelatedEntity, ResponseMember, Warning,
};

use super::coverage::summarize_with_status;
use super::normalize as n;
use crate::error::{X12Error, X12ErrorKind};
use crate::reply::{push_note, warning, SetReader, Tag, MAX_NOTES};
use crate::tokenizer::Segment;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    Header,
    Source,
    Receiver,
    Subscriber,
    Dependent,
}

/// Decodes one 271 transaction set, from after its ST to its SE.
pub(crate) fn decode_transaction(
    reader: &mut SetReader<'_>,
) -> Result<Vec<EligibilityResponse>, X12Error> {
    let st = reader.st();
    let mut txn = Txn::new(st.element(2).unwrap_or_default().to_string());
    while let Some(&(tag, ref seg)) = reader.next_segment() {
        txn.segment(tag, seg)?;
        if tag == Tag::Hl && txn.level == Level::Subscriber {
            // Sized once rather than grown: each growth would copy every benefit so far.
            if let Some(cur) = txn.cur.as_mut() {
                cur.benefits_information
                    .reserve_exact(reader.benefits_ahead());
            }
        }
    }
    let set_warnings = std::mem::take(&mut reader.warnings);
    let mut responses = txn.finish();
    for response in &mut responses {
        for w in &set_warnings {
            push_note(&mut response.warnings, w.clone());
        }
        (response.coverage, response.plan_status) = summarize_with_status(response);
    }
    Ok(responses)
}

pub(super) struct Txn {
    pub(super) control_number: String,
    pub(super) payer: Option<PayerInfo>,
    pub(super) provider: Option<ProviderInfo>,
    pub(super) source_errors: Vec<PayerErrorInfo>,
    pub(super) receiver_errors: Vec<PayerErrorInfo>,
    pub(super) shared_warnings: Vec<Warning>,
    pub(super) done: Vec<EligibilityResponse>,
    pub(super) cur: Option<EligibilityResponse>,
    pub(super) level: Level,
    /// The level's NM1 was seen: 2100 rather than 2000.
    pub(super) named: bool,
    /// Inside a 2110 loop (after an EB).
    pub(super) in_benefit: bool,
    /// Inside a 2120 loop (between LS and LE).
    pub(super) in_entities: bool,
    /// The IG position of the last segment in the current loop, to report segments out of order.
    pub(super) rank: u8,
}

impl Txn {
    fn new(control_number: String) -> Self {
        Txn {
            control_number,
            payer: None,
            provider: None,
            source_errors: Vec::new(),
            receiver_errors: Vec::new(),
            shared_warnings: Vec::new(),
            done: Vec::new(),
            cur: None,
            level: Level::Header,
            named: false,
            in_benefit: false,
            in_entities: false,
            rank: 0,
        }
    }

    /// `c` in the subscriber's loops, `d` in a dependent's.
    pub(super) fn member_loop(&self, c: &'static str, d: &'static str) -> &'static str {
        if self.level == Level::Subscriber {
            c
        } else {
            d
        }
    }

    pub(super) fn loop_id(&self) -> &'static str {
        let member = |c, d| self.member_loop(c, d);
        match self.level {
            Level::Header => "2000A",
            Level::Source => ["2000A", "2100A"][usize::from(self.named)],
            Level::Receiver => ["2000B", "2100B"][usize::from(self.named)],
            Level::Subscriber | Level::Dependent if self.in_benefit => member("2110C", "2110D"),
            Level::Subscriber | Level::Dependent if self.named => member("2100C", "2100D"),
            Level::Subscriber | Level::Dependent => member("2000C", "2000D"),
        }
    }

    pub(super) fn is_member_level(&self) -> bool {
        matches!(self.level, Level::Subscriber | Level::Dependent)
    }

    pub(super) fn warn(&mut self, code: &str, message: &str, seg: &Segment<'_>) {
        let w = warning(code, message, seg);
        match &mut self.cur {
            Some(cur) => push_note(&mut cur.warnings, w),
            None => push_note(&mut self.shared_warnings, w),
        }
    }

    pub(super) fn unexpected(&mut self, seg: &Segment<'_>) {
        let msg = format!(
            "segment not expected in loop {} was skipped",
            self.loop_id()
        );
        self.warn("unexpected-segment", &msg, seg);
    }

    /// Records the IG position of a segment within its loop, warning when it comes after a later one.
    pub(super) fn order(&mut self, rank: u8, seg: &Segment<'_>) {
        if rank < self.rank {
            let msg = format!(
                "segment out of the implementation guide's order in loop {}",
                self.loop_id()
            );
            self.warn("segment-order", &msg, seg);
        }
        self.rank = rank;
    }

    fn new_response(&self) -> EligibilityResponse {
        let mut errors = self.source_errors.clone();
        errors.extend(self.receiver_errors.iter().cloned());
        EligibilityResponse {
            control_number: self.control_number.clone(),
            trading_partner_service_id: self
                .payer
                .as_ref()
                .and_then(|p| p.payor_identification.clone()),
            provider: self.provider.clone(),
            payer: self.payer.clone(),
            errors,
            warnings: self.shared_warnings.clone(),
            ..EligibilityResponse::default()
        }
    }

    fn finish_member(&mut self) {
        if let Some(done) = self.cur.take() {
            self.done.push(done);
        }
    }

    fn finish(mut self) -> Vec<EligibilityResponse> {
        self.finish_member();
        if self.done.is_empty() {
            let only = self.new_response();
            self.done.push(only);
        }
        self.done
    }

    pub(super) fn member(&mut self) -> Option<&mut ResponseMember> {
        let cur = self.cur.as_mut()?;
        match self.level {
            Level::Subscriber => Some(cur.subscriber.get_or_insert_with(ResponseMember::default)),
            Level::Dependent => cur.dependents.last_mut(),
            _ => None,
        }
    }

    pub(super) fn with_member_address(&mut self, fill: impl FnOnce(&mut Address)) {
        if let Some(member) = self.member() {
            let mut address = member
                .address
                .take()
                .map(Phi::into_inner)
                .unwrap_or_default();
            fill(&mut address);
            member.address = Some(Phi::new(address));
        }
    }

    pub(super) fn benefit(&mut self) -> Option<&mut BenefitInformation> {
        if !self.in_benefit {
            return None;
        }
        self.cur.as_mut()?.benefits_information.last_mut()
    }

    pub(super) fn entity(&mut self) -> Option<&mut RelatedEntity> {
        if !self.in_entities {
            return None;
        }
        self.benefit()?
            .details
            .as_mut()?
            .benefits_related_entities
            .last_mut()
    }

    fn segment(&mut self, tag: Tag, seg: &Segment<'_>) -> Result<(), X12Error> {
        match tag {
            Tag::Bht if self.level == Level::Header => {
                if let Some(reference) = seg.element(3) {
                    self.control_number = reference.to_string();
                }
            }
            Tag::Hl => self.hierarchy(seg)?,
            Tag::Nm1 => self.name(seg),
            Tag::Aaa => self.rejection(seg)?,
            Tag::Eb => self.eligibility_benefit(seg)?,
            _ if self.in_benefit => self.benefit_segment(tag, seg),
            _ => self.level_segment(tag, seg),
        }
        Ok(())
    }

    fn hierarchy(&mut self, seg: &Segment<'_>) -> Result<(), X12Error> {
        let level = match seg.element(3) {
            Some("20") => Level::Source,
            Some("21") => Level::Receiver,
            Some("22") => Level::Subscriber,
            Some("23") => Level::Dependent,
            Some(_) => {
                return Err(invalid(
                    seg,
                    3,
                    "HL03 is not a 271 level (20, 21, 22 or 23)",
                ))
            }
            None => {
                return Err(invalid(
                    seg,
                    3,
                    "HL03 (hierarchical level code) is required",
                ))
            }
        };
        if self.in_entities {
            self.warn("missing-segment", "an LS loop was not closed by LE", seg);
        }
        self.named = false;
        self.in_benefit = false;
        self.in_entities = false;
        self.rank = 0;
        match level {
            Level::Source => {
                self.finish_member();
                self.payer = None;
                self.provider = None;
                self.source_errors.clear();
                self.receiver_errors.clear();
            }
            Level::Receiver => {
                self.finish_member();
                self.provider = None;
                self.receiver_errors.clear();
            }
            Level::Subscriber => {
                self.finish_member();
                let mut response = self.new_response();
                response.subscriber = Some(ResponseMember::default());
                self.cur = Some(response);
            }
            Level::Dependent | Level::Header => {
                if self.cur.is_none() {
                    self.warn(
                        "missing-segment",
                        "a dependent level without a subscriber level",
                        seg,
                    );
                    let mut response = self.new_response();
                    response.subscriber = Some(ResponseMember::default());
                    self.cur = Some(response);
                }
                if let Some(cur) = self.cur.as_mut() {
                    cur.dependents.push(ResponseMember::default());
                }
            }
        }
        self.level = level;
        Ok(())
    }

    fn name(&mut self, seg: &Segment<'_>) {
        if self.in_entities {
            let entity = n::related_entity(seg);
            match self.benefit() {
                Some(benefit) => benefit.details_mut().benefits_related_entities.push(entity),
                None => self.unexpected(seg),
            }
            return;
        }
        if self.in_benefit || self.level == Level::Header {
            return self.unexpected(seg);
        }
        if self.named {
            self.warn(
                "repeated-segment",
                "a second NM1 in the same level replaced the first",
                seg,
            );
        }
        self.rank = 1;
        self.named = true;
        let entity = seg.element(1).unwrap_or_default();
        match self.level {
            Level::Source => self.payer = Some(n::payer(seg)),
            Level::Receiver => self.provider = Some(n::provider(seg)),
            Level::Subscriber | Level::Dependent => {
                let expected = if self.level == Level::Subscriber {
                    "IL"
                } else {
                    "03"
                };
                if !entity.eq_ignore_ascii_case(expected) {
                    let msg = format!("NM101 should be {expected} in loop {}", self.loop_id());
                    self.warn("unexpected-entity", &msg, seg);
                }
                if let Some(member) = self.member() {
                    n::member_name(seg, member);
                }
            }
            Level::Header => {}
        }
    }

    fn rejection(&mut self, seg: &Segment<'_>) -> Result<(), X12Error> {
        if self.in_entities {
            self.warn(
                "segment-order",
                "AAA inside an LS/LE loop belongs to its benefit",
                seg,
            );
        }
        if self.level == Level::Header {
            self.warn(
                "segment-order",
                "AAA before the first HL was filed under 2000A",
                seg,
            );
        }
        let loop_id = self.loop_id();
        let error = n::rejection(seg, loop_id)?;
        let rank = match self.level {
            Level::Source if self.named => 3,
            Level::Receiver => 5,
            _ if self.in_benefit => 4,
            _ if self.named => 6,
            _ => 0,
        };
        self.order(rank, seg);
        let list = match self.level {
            Level::Header | Level::Source => Some(&mut self.source_errors),
            Level::Receiver => Some(&mut self.receiver_errors),
            Level::Subscriber | Level::Dependent => self.cur.as_mut().map(|c| &mut c.errors),
        };
        match list {
            Some(list) if list.len() < MAX_NOTES => list.push(error),
            Some(_) => self.warn(
                "too-many-errors",
                "AAA errors beyond the limit were dropped",
                seg,
            ),
            None => {}
        }
        Ok(())
    }

    fn eligibility_benefit(&mut self, seg: &Segment<'_>) -> Result<(), X12Error> {
        if !self.is_member_level() {
            self.unexpected(seg);
            return Ok(());
        }
        if self.in_entities {
            self.warn("missing-segment", "an LS loop was not closed by LE", seg);
        }
        self.in_benefit = true;
        self.in_entities = false;
        self.rank = 0;
        let loop_id = self.loop_id();
        let problem = match self.cur.as_mut() {
            Some(cur) => n::push_benefit(seg, loop_id, &mut cur.benefits_information)?,
            None => None,
        };
        if let Some(problem) = problem {
            self.warn("invalid-number", problem, seg);
        }
        Ok(())
    }
}

fn invalid(seg: &Segment<'_>, index: usize, reason: &'static str) -> X12Error {
    X12Error::at(
        seg.id(),
        seg.position(),
        X12ErrorKind::InvalidElement { index, reason },
    )
}
