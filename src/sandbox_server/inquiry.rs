//! The X12 side every X12 protocol shares: the interchange checks a payer's translator makes before the
//! payer looks at the inquiry, and the payer's answer (271, 999 or TA1) with how long to wait.
//!
//! Checks, in order (the first failure answers):
//! 1. It tokenizes as X12 (an ISA with usable delimiters); otherwise the protocol refuses the body itself.
//! 2. Envelope: IEA present (TA1 `023`), IEA02 = ISA13 (`001`), IEA01 = the number of groups (`021`), every
//!    GS closed by a GE with the same control number and the right set count (`024`), and ISA08 equal to
//!    the configured receiver id, when one is (`009`).
//! 3. Sets: every ST closed by an SE with the same control number and the right segment count; otherwise a
//!    999 pointing at the SE.
//! 4. The 270 itself is read by the sandbox payer with the codec's decoder (an unreadable one gets its 999).
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chrono::Utc;
use payer_sandbox::{AnswerBody, Scenario};
use payer_x12::ack::{encode_999_rejection, encode_ta1, ElementError, SegmentError};
use payer_x12::envelope::InterchangeHeader;
use payer_x12::inquiry::decode_270;
use payer_x12::tokenizer::tokenize;

use super::faults::Fault;
use super::State;

/// What kind of X12 an answer is (the CORE `PayloadType` follows from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum X12Kind {
    /// A 271.
    Response271,
    /// A 999 rejecting the set.
    Ack999,
    /// A TA1 rejecting the interchange.
    Ta1,
}

impl X12Kind {
    /// The CORE `PayloadType` of an answer of this kind.
    pub fn payload_type(self) -> &'static str {
        use payer_core_connectivity::envelope::{
            PAYLOAD_TYPE_271, PAYLOAD_TYPE_999, PAYLOAD_TYPE_TA1,
        };
        match self {
            X12Kind::Response271 => PAYLOAD_TYPE_271,
            X12Kind::Ack999 => PAYLOAD_TYPE_999,
            X12Kind::Ta1 => PAYLOAD_TYPE_TA1,
        }
    }
}

/// The payer's answer to one X12 body.
#[derive(Debug)]
pub struct Outcome {
    /// The subscriber's member ID, when the 270 could be read (for the per-member counts only).
    pub member: Option<String>,
    /// The scenario answered.
    pub scenario: Option<Scenario>,
    /// Why the interchange was refused before the payer saw it.
    pub refused: Option<&'static str>,
    /// How long to wait before answering.
    pub delay: Duration,
    /// What to answer.
    pub reply: Reply,
}

/// What the payer answers.
#[derive(Debug)]
pub enum Reply {
    /// X12 text of a kind.
    X12(String, X12Kind),
    /// The body is not X12 at all: the protocol refuses it in its own way. The message names no content.
    NotX12(String),
    /// No answer (the timeout scenario).
    NoAnswer,
    /// The sandbox could not build its answer (a bug); the message names no content.
    Failure(String),
}

/// The envelope values of an inquiry.
#[derive(Debug, Default)]
struct Envelope {
    sender: String,
    receiver: String,
    control: String,
}

/// A refusal of the interchange before the payer sees it.
enum Refusal {
    Ta1(&'static str),
    Set {
        group: String,
        set: String,
        position: u32,
        element: u32,
    },
}

/// Answers one X12 body; `fault` is `Aaa42` or `Ta1` when one of those was drawn.
pub fn answer(state: &State, body: &[u8], fault: Option<Fault>) -> Outcome {
    let latency = state.latency();
    let outcome = |reply, refused| Outcome {
        member: None,
        scenario: None,
        refused,
        delay: latency,
        reply,
    };
    let envelope = match check(body, state.settings.receiver_id.as_deref()) {
        Checked::NotX12 => {
            return outcome(
                Reply::NotX12("the body is not an X12 interchange".to_owned()),
                Some("not-x12"),
            )
        }
        Checked::Refused(envelope, refusal) => {
            let reply = match refusal {
                Refusal::Ta1(note) => ta1(state, &envelope, note),
                Refusal::Set {
                    group,
                    set,
                    position,
                    element,
                } => {
                    let error = SegmentError {
                        segment_id: "SE".to_owned(),
                        position,
                        loop_id: None,
                        code: "8".to_owned(),
                        element: Some(ElementError {
                            position: element,
                            component: None,
                            reference: Some(if element == 1 { "96" } else { "329" }.to_owned()),
                            code: "7".to_owned(),
                        }),
                    };
                    match encode_999_rejection(&header(state, &envelope), &group, &set, &[error]) {
                        Ok(x12) => Reply::X12(x12, X12Kind::Ack999),
                        Err(e) => Reply::Failure(format!("the 999 could not be encoded: {e}")),
                    }
                }
            };
            return outcome(reply, Some("x12-structure"));
        }
        Checked::Accepted(envelope) => envelope,
    };
    let member = decode_270(body)
        .ok()
        .and_then(|requests| requests.into_iter().next())
        .and_then(|request| request.subscriber.member_id.map(|id| id.into_inner()));
    if fault == Some(Fault::Ta1) {
        return Outcome {
            member,
            ..outcome(ta1(state, &envelope, "024"), None)
        };
    }
    let fails_first = fails_first(state, member.as_deref());
    let answer = match fault {
        Some(Fault::Aaa42) => state.payer.respond_as(body, Scenario::PayerUnavailable),
        _ if fails_first => state.payer.respond_as(body, Scenario::PayerUnavailable),
        _ => state.payer.respond(body),
    };
    let reply = match answer.body {
        AnswerBody::X12(x12) => {
            let kind = match answer.scenario {
                None | Some(Scenario::Rejected999) => X12Kind::Ack999,
                Some(_) => X12Kind::Response271,
            };
            Reply::X12(x12, kind)
        }
        AnswerBody::NoAnswer => Reply::NoAnswer,
        AnswerBody::Failure(message) => Reply::Failure(message),
    };
    Outcome {
        member,
        scenario: answer.scenario,
        refused: answer.scenario.is_none().then_some("x12-unreadable"),
        delay: answer.delay,
        reply,
    }
}

/// What the interchange checks found.
enum Checked {
    /// The body is not X12 at all.
    NotX12,
    /// The interchange is refused before the payer sees it.
    Refused(Envelope, Refusal),
    /// The payer may read it.
    Accepted(Envelope),
}

/// The interchange checks.
fn check(body: &[u8], receiver_id: Option<&str>) -> Checked {
    let Ok(tokens) = tokenize(body) else {
        return Checked::NotX12;
    };
    let mut envelope = Envelope::default();
    let mut groups = 0u32;
    let mut open_group: Option<(String, u32)> = None;
    let mut open_set: Option<(String, u32)> = None;
    let mut ended = false;
    let mut refusal: Option<Refusal> = None;
    for segment in tokens.segments() {
        let id = segment.id().to_ascii_uppercase();
        if let Some((_, count)) = open_set.as_mut() {
            *count += 1;
        }
        match id.as_str() {
            "ISA" => {
                envelope.sender = segment.element(6).unwrap_or("SUBMITTER").to_owned();
                envelope.receiver = segment.element(8).unwrap_or("SANDBOX").to_owned();
                envelope.control = segment.element(13).unwrap_or("0").to_owned();
                if let Some(expected) = receiver_id {
                    if !envelope.receiver.eq_ignore_ascii_case(expected.trim()) {
                        refusal = refusal.or(Some(Refusal::Ta1("009")));
                    }
                }
            }
            "GS" => {
                groups += 1;
                if open_group.is_some() {
                    refusal = refusal.or(Some(Refusal::Ta1("024")));
                }
                open_group = Some((segment.element(6).unwrap_or_default().to_owned(), 0));
            }
            "ST" => {
                if let Some((_, sets)) = open_group.as_mut() {
                    *sets += 1;
                }
                open_set = Some((segment.element(2).unwrap_or_default().to_owned(), 1));
            }
            "SE" => {
                let Some((control, count)) = open_set.take() else {
                    refusal = refusal.or(Some(Refusal::Ta1("024")));
                    continue;
                };
                let group = open_group.as_ref().map(|g| g.0.clone()).unwrap_or_default();
                let wrong_count = segment.element(1) != Some(count.to_string().as_str());
                let wrong_control = segment.element(2) != Some(control.as_str());
                if wrong_count || wrong_control {
                    refusal = refusal.or(Some(Refusal::Set {
                        group,
                        set: control,
                        position: count,
                        element: if wrong_count { 1 } else { 2 },
                    }));
                }
            }
            "GE" => match open_group.take() {
                Some((control, sets))
                    if segment.element(1) == Some(sets.to_string().as_str())
                        && segment.element(2) == Some(control.as_str()) => {}
                _ => refusal = refusal.or(Some(Refusal::Ta1("024"))),
            },
            "IEA" => {
                ended = true;
                if segment.element(2).map(|c| c.trim_start_matches('0'))
                    != Some(envelope.control.trim_start_matches('0'))
                {
                    refusal = refusal.or(Some(Refusal::Ta1("001")));
                } else if segment.element(1) != Some(groups.to_string().as_str()) {
                    refusal = refusal.or(Some(Refusal::Ta1("021")));
                }
            }
            _ => {}
        }
    }
    if !ended {
        refusal = refusal.or(Some(Refusal::Ta1("023")));
    } else if open_set.is_some() || open_group.is_some() {
        refusal = refusal.or(Some(Refusal::Ta1("024")));
    }
    match refusal {
        Some(refusal) => Checked::Refused(envelope, refusal),
        None => Checked::Accepted(envelope),
    }
}

/// The header of an acknowledgment: from the inquiry's receiver back to its sender.
fn header(state: &State, envelope: &Envelope) -> InterchangeHeader {
    let control = state.next_control.fetch_add(1, Ordering::Relaxed) % 999_999_999 + 1;
    InterchangeHeader::new(
        envelope.receiver.clone(),
        envelope.sender.clone(),
        control,
        Utc::now().naive_utc(),
    )
}

fn ta1(state: &State, envelope: &Envelope, note: &str) -> Reply {
    let control =
        if envelope.control.bytes().all(|b| b.is_ascii_digit()) && !envelope.control.is_empty() {
            envelope.control.as_str()
        } else {
            "0"
        };
    match encode_ta1(&header(state, envelope), control, note) {
        Ok(x12) => Reply::X12(x12, X12Kind::Ta1),
        Err(e) => Reply::Failure(format!("the TA1 could not be encoded: {e}")),
    }
}

/// A fresh control-number counter for acknowledgments, seeded randomly.
pub fn control_seed() -> AtomicU32 {
    AtomicU32::new(rand::random_range(1..=899_999_999))
}

/// Whether this inquiry of `member` is one of its first `faults.fail_first` (counted here; engineer J).
fn fails_first(state: &State, member: Option<&str>) -> bool {
    let (Some(member), limit @ 1..) = (member, state.settings.fail_first) else {
        return false;
    };
    let Ok(mut seen) = state.member_inquiries.lock() else {
        return false;
    };
    let count = seen.entry(member.to_owned()).or_default();
    *count = count.saturating_add(1);
    *count <= limit
}
