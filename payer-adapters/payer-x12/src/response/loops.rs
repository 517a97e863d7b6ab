//! The 2000/2100, 2110 and 2120 segments of a 271 other than HL, NM1, AAA and EB: where each one goes in the
//! response, and which ones are out of the implementation guide's order.
use payer_core::{DateInformation, Text};

use super::decode::{Level, Txn};
use super::normalize as n;
use crate::reply::Tag;
use crate::tokenizer::Segment;

impl Txn {
    /// A segment of the 2110 or 2120 loop (after an EB).
    pub(super) fn benefit_segment(&mut self, tag: Tag, seg: &Segment<'_>) {
        if self.in_entities {
            return self.entity_segment(tag, seg);
        }
        let rank = match tag {
            Tag::Hsd => 1,
            Tag::Ref => 2,
            Tag::Dtp => 3,
            Tag::Msg => 5,
            Tag::Iii => 6,
            Tag::Ls => 7,
            _ => return self.unexpected(seg),
        };
        self.order(rank, seg);
        self.benefit_detail(tag, seg);
    }

    /// Files HSD, REF, DTP, MSG, III under the current benefit, or opens its LS loop.
    fn benefit_detail(&mut self, tag: Tag, seg: &Segment<'_>) {
        let mut problem = None;
        let Some(benefit) = self.benefit() else {
            return;
        };
        // `details_mut` only where something is added: a benefit without details keeps none.
        match tag {
            Tag::Hsd => benefit
                .details_mut()
                .benefits_service_delivery
                .push(n::service_delivery(seg)),
            Tag::Ref => match n::reference(seg) {
                Some(r) => benefit
                    .details_mut()
                    .benefits_additional_information
                    .push(r),
                None => problem = Some("REF without a qualifier or a value was skipped"),
            },
            Tag::Dtp => {
                let (date, bad) = n::date(seg);
                if let Some(date) = date {
                    benefit.details_mut().benefits_date_information.push(date);
                }
                problem = bad;
            }
            Tag::Msg => {
                if let Some(message) = n::message(seg) {
                    benefit.details_mut().additional_information.push(message);
                }
            }
            Tag::Iii => benefit
                .details_mut()
                .eligibility_additional_information
                .push(n::additional_information(seg)),
            Tag::Ls => self.in_entities = true,
            _ => {}
        }
        if let Some(problem) = problem {
            self.warn("invalid-segment", problem, seg);
        }
    }

    /// A segment between LS and LE: N3, N4, PER, PRV of the last NM1, or the closing LE.
    fn entity_segment(&mut self, tag: Tag, seg: &Segment<'_>) {
        if tag == Tag::Le {
            self.in_entities = false;
            self.rank = 8;
            return;
        }
        if matches!(tag, Tag::Ref | Tag::Dtp | Tag::Msg | Tag::Hsd | Tag::Iii) {
            // Seen in the wild: benefit details wrapped in LS/LE. Keep them with the benefit.
            self.warn(
                "segment-order",
                "a benefit segment inside an LS/LE loop was kept with its benefit",
                seg,
            );
            return self.benefit_detail(tag, seg);
        }
        let Some(entity) = self.entity() else {
            return self.warn(
                "missing-segment",
                "a 2120 segment before the loop's NM1 was skipped",
                seg,
            );
        };
        match tag {
            Tag::N3 => n::street(seg, entity.address.get_or_insert_with(Default::default)),
            Tag::N4 => n::city(seg, entity.address.get_or_insert_with(Default::default)),
            Tag::Per => entity.contact_information.push(n::contact(seg)),
            Tag::Prv => {
                let [code, _, taxonomy] = seg.fields::<3>();
                entity.provider_code = (!code.is_empty()).then(|| code.into());
                entity.reference_identification = (!taxonomy.is_empty()).then(|| taxonomy.into());
            }
            _ => self.unexpected(seg),
        }
    }

    /// A segment of a 2000/2100 loop.
    pub(super) fn level_segment(&mut self, tag: Tag, seg: &Segment<'_>) {
        match (self.level, tag) {
            (Level::Source, Tag::Per) if self.named => {
                self.order(2, seg);
                if let Some(payer) = self.payer.as_mut() {
                    payer.contact_information.push(n::contact(seg));
                }
            }
            (Level::Receiver, Tag::Ref | Tag::N3 | Tag::N4) if self.named => {
                // Conformant, but the receiver's address and references are not part of the response.
                self.order(if tag == Tag::Ref { 2 } else { 3 }, seg);
            }
            (Level::Receiver, Tag::Prv) if self.named => {
                self.order(6, seg);
                if let Some(provider) = self.provider.as_mut() {
                    n::provider_specialty(seg, provider);
                }
            }
            (Level::Subscriber | Level::Dependent, _) => self.member_segment(tag, seg),
            _ => self.unexpected(seg),
        }
    }

    /// A segment of 2000C/2100C or 2000D/2100D.
    fn member_segment(&mut self, tag: Tag, seg: &Segment<'_>) {
        if tag == Tag::Trn {
            // Trace numbers belong before the NM1; they identify the inquiry, not the member.
            return self.order(0, seg);
        }
        if !self.named {
            self.warn(
                "segment-order",
                "a member segment came before the member's NM1",
                seg,
            );
        }
        let rank = match tag {
            Tag::Ref => 2,
            Tag::N3 => 3,
            Tag::N4 => 4,
            Tag::Per => 5,
            Tag::Prv => 7,
            Tag::Dmg => 8,
            Tag::Ins => 9,
            Tag::Hi => 10,
            Tag::Dtp => 11,
            Tag::Mpi => 12,
            _ => return self.unexpected(seg),
        };
        self.order(rank, seg);
        let mut problem = None;
        match tag {
            Tag::Ref => match (n::reference(seg), self.cur.as_mut()) {
                (Some(r), Some(cur)) => n::add_plan_reference(
                    cur.plan_information.get_or_insert_with(Default::default),
                    r,
                ),
                _ => problem = Some("REF without a qualifier or a value was skipped"),
            },
            Tag::N3 => self.with_member_address(|a| n::street(seg, a)),
            Tag::N4 => self.with_member_address(|a| n::city(seg, a)),
            Tag::Dmg => {
                if let Some(member) = self.member() {
                    n::demographics(seg, member);
                }
            }
            Tag::Ins => {
                if let Some(member) = self.member() {
                    n::insured(seg, member);
                }
            }
            Tag::Dtp => {
                let (date, bad) = n::date(seg);
                // A member DTP is of the 2100 loop even before the NM1 (2000C/2000D have no DTP).
                let loop_id = self.member_loop("2100C", "2100D");
                if let Some(cur) = self.cur.as_mut() {
                    cur.plan_date_information
                        .extend(date.map(|date| DateInformation {
                            loop_id: Some(Text::from_static(loop_id)),
                            ..date
                        }));
                }
                problem = bad;
            }
            // PER, PRV, HI and MPI of a member are conformant but not part of the response.
            _ => {}
        }
        if let Some(problem) = problem {
            self.warn("invalid-segment", problem, seg);
        }
    }
}
