//! [`SandboxPayer`]: the payer side of the sandbox. A 270 comes in as bytes, the scenario's 271 (or 999) goes
//! out as bytes, with how long to wait before sending it.
//!
//! Nothing here sleeps or does I/O, so the same payer serves the in-process adapter ([`crate::SandboxAdapter`])
//! and, later, an HTTP server that wraps the bytes in whatever envelope its protocol needs. A caller that
//! waits the delay can read the inquiry first and write the answer after the wait ([`SandboxPayer::receive`],
//! [`Pending`]), as a real payer does, so that nothing of the answer is held while the checks are in flight.
//! It reads the 270 exactly as a payer would, with the codec's own decoder: an inquiry the codec cannot read
//! back is refused with a 999, as a real payer's translator would refuse it.
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use chrono::Utc;
use payer_core::{EligibilityRequest, EligibilityResponse};
use payer_x12::ack::{encode_999_rejection, ElementError, SegmentError};
use payer_x12::envelope::InterchangeHeader;
use payer_x12::inquiry::decode_270;
use payer_x12::response::encode_271;
use payer_x12::{X12Error, X12ErrorKind};

use crate::build::{self, PayerIdentity};
use crate::config::SandboxConfig;
use crate::inquiry_envelope::InquiryEnvelope;
use crate::pending::{Pending, Reply};
use crate::scenario::{scenario_for_request, Scenario};

/// The simulated payer.
#[derive(Debug)]
pub struct SandboxPayer {
    identity: PayerIdentity,
    config: SandboxConfig,
    /// The next ISA13/GS06/ST02 of the payer's own interchanges; starts at a random value so that two
    /// payers (or two runs) do not repeat each other's numbers.
    next_control: AtomicU32,
    /// 270s received per scenario, indexed like [`Scenario::ALL`].
    received: [AtomicU64; 12],
    /// 270s received that the codec could not read (answered with a 999).
    undecodable: AtomicU64,
}

/// The payer's answer to one 270.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayerAnswer {
    /// The scenario the inquiry's member selected; `None` when the 270 could not be read.
    pub scenario: Option<Scenario>,
    /// How long the payer takes before answering (or, for [`AnswerBody::NoAnswer`], before giving up).
    pub delay: Duration,
    /// What it answers.
    pub body: AnswerBody,
}

/// What the payer sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerBody {
    /// X12 bytes: a 271 (well formed, or corrupt for [`Scenario::Malformed`]) or a 999. Contains PHI.
    X12(String),
    /// Nothing: the payer never answers ([`Scenario::Timeout`]).
    NoAnswer,
    /// The sandbox could not build its own answer (a codec refusal of the sandbox's data: a bug, never the
    /// inquiry's fault). The message names fields and segments only.
    Failure(String),
}

/// How many inquiries the payer received, per scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallCounts {
    by_scenario: [u64; 12],
    undecodable: u64,
}

// === impl SandboxPayer ===

impl SandboxPayer {
    /// A payer answering as `payer_id` (2100A NM109) with `config`. The config is expected to be validated
    /// ([`SandboxConfig::validate`]); the payer still works with any values.
    pub fn new(payer_id: impl Into<String>, config: SandboxConfig) -> Self {
        SandboxPayer {
            identity: PayerIdentity {
                id: payer_id.into(),
                name: config.payer_name.clone(),
            },
            config,
            next_control: AtomicU32::new(random_control_seed()),
            received: Default::default(),
            undecodable: AtomicU64::new(0),
        }
    }

    /// The payer's settings.
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    /// The payer id it answers as.
    pub fn payer_id(&self) -> &str {
        &self.identity.id
    }

    /// Answers one 270 interchange. The first subscriber of the first transaction set is answered (the
    /// gateway sends one per interchange).
    pub fn respond(&self, inquiry: &[u8]) -> PayerAnswer {
        self.receive(inquiry).answer()
    }

    /// Answers one 270 as [`SandboxPayer::respond`] does, but with `scenario` whatever the member ID says
    /// (fault injection: "answer AAA 42 to a share of inquiries"). The 271 still names the inquiry's member.
    pub fn respond_as(&self, inquiry: &[u8], scenario: Scenario) -> PayerAnswer {
        self.receive_with(inquiry, Some(scenario)).answer()
    }

    /// Reads one 270 and decides its answer and delay, without writing the answer yet:
    /// [`Pending::answer`] writes it, after the wait.
    pub fn receive(&self, inquiry: &[u8]) -> Pending<'_> {
        self.receive_with(inquiry, None)
    }

    fn receive_with(&self, inquiry: &[u8], forced: Option<Scenario>) -> Pending<'_> {
        let envelope = InquiryEnvelope::read(inquiry);
        let request = match decode_270(inquiry) {
            Ok(requests) => requests
                .into_iter()
                .next()
                .ok_or_else(|| X12Error::new(X12ErrorKind::MissingSegment("HL"))),
            Err(error) => Err(error),
        };
        let request = match request {
            Ok(request) => request,
            Err(error) => {
                self.undecodable.fetch_add(1, Ordering::Relaxed);
                let reply = Reply::Reject {
                    envelope,
                    error: Some(error),
                };
                return Pending::new(self, None, self.latency(), reply);
            }
        };
        let scenario = forced.unwrap_or_else(|| scenario_for_request(&request));
        if let Some(counter) = self.received.get(scenario.index()) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
        let delay = match scenario {
            Scenario::Timeout => self.config.timeout_delay(),
            Scenario::Slow => self.latency() + self.config.slow_delay(),
            _ => self.latency(),
        };
        let reply = match scenario {
            Scenario::Timeout => Reply::Silence,
            Scenario::Rejected999 => Reply::Reject {
                envelope,
                error: None,
            },
            _ => Reply::Answer {
                request: Box::new(request),
                envelope,
                scenario,
                corrupt: scenario == Scenario::Malformed,
            },
        };
        Pending::new(self, Some(scenario), delay, reply)
    }

    /// The normalized answer the payer means for `request` (before any X12 is written): for transports
    /// that answer in JSON, and for tests. See [`Scenario`] for what each one holds.
    pub fn normalized_answer(
        &self,
        request: &EligibilityRequest,
    ) -> (Scenario, EligibilityResponse) {
        let scenario = scenario_for_request(request);
        (scenario, build::response(request, scenario, &self.identity))
    }

    /// The normalized answer of `scenario` to `request`, whatever its member ID says (fault injection).
    pub fn normalized_answer_as(
        &self,
        request: &EligibilityRequest,
        scenario: Scenario,
    ) -> EligibilityResponse {
        build::response(request, scenario, &self.identity)
    }

    /// How many 270s the payer received, per scenario.
    pub fn calls(&self) -> CallCounts {
        let mut counts = CallCounts {
            undecodable: self.undecodable.load(Ordering::Relaxed),
            ..CallCounts::default()
        };
        for (slot, counter) in counts.by_scenario.iter_mut().zip(&self.received) {
            *slot = counter.load(Ordering::Relaxed);
        }
        counts
    }

    fn latency(&self) -> Duration {
        self.config.latency.sample(&mut rand::rng())
    }

    fn header(&self, envelope: &InquiryEnvelope) -> InterchangeHeader {
        let control = next_control(&self.next_control);
        // The answer goes back the way the inquiry came: the 270's receiver sends, its sender receives.
        InterchangeHeader::new(
            envelope.receiver.clone(),
            envelope.sender.clone(),
            control,
            Utc::now().naive_utc(),
        )
    }

    pub(crate) fn answer(
        &self,
        request: &EligibilityRequest,
        scenario: Scenario,
        envelope: &InquiryEnvelope,
    ) -> AnswerBody {
        let response = build::response(request, scenario, &self.identity);
        match encode_271(&response, &self.header(envelope)) {
            Ok(x12) => AnswerBody::X12(x12),
            Err(error) => failure("271", &error),
        }
    }

    /// A 999 rejecting the 270's transaction set: for the 999 scenario, the subscriber's member ID fails the
    /// payer's format check (IK3 NM1 in 2100C, IK4 NM109 `I12` implementation pattern match failure); for a
    /// 270 the codec cannot read, the segment it stopped at (IK3 code `8`), when it names one.
    pub(crate) fn reject(
        &self,
        envelope: &InquiryEnvelope,
        decode_error: Option<&X12Error>,
    ) -> AnswerBody {
        let errors: Vec<SegmentError> = match decode_error {
            None => vec![SegmentError {
                segment_id: "NM1".to_owned(),
                position: envelope.subscriber_position.unwrap_or(1),
                loop_id: Some("2100C".to_owned()),
                code: "8".to_owned(),
                element: Some(ElementError {
                    position: 9,
                    component: None,
                    reference: Some("67".to_owned()),
                    code: "I12".to_owned(),
                }),
            }],
            Some(error) => error
                .segment
                .as_ref()
                .zip(error.position)
                .map(|(id, position)| SegmentError {
                    segment_id: id.clone(),
                    position: envelope.position_in_set(position),
                    loop_id: None,
                    code: "8".to_owned(),
                    element: None,
                })
                .into_iter()
                .collect(),
        };
        let group = envelope.group_control.as_deref().unwrap_or("0");
        let set = envelope.transaction_control.as_deref().unwrap_or("0");
        match encode_999_rejection(&self.header(envelope), group, set, &errors) {
            Ok(x12) => AnswerBody::X12(x12),
            Err(error) => failure("999", &error),
        }
    }
}

// === impl CallCounts ===

impl CallCounts {
    /// 270s received for `scenario`.
    pub fn get(&self, scenario: Scenario) -> u64 {
        self.by_scenario.get(scenario.index()).copied().unwrap_or(0)
    }

    /// 270s received that could not be read (answered with a 999).
    pub fn undecodable(&self) -> u64 {
        self.undecodable
    }

    /// All 270s received.
    pub fn total(&self) -> u64 {
        self.by_scenario.iter().sum::<u64>() + self.undecodable
    }
}

/// Corrupts a 271 the way a dropped connection does: cut in the middle of its first benefit segment, right
/// after `EB*`, losing the rest of the hierarchy and every trailer. The codec tolerates missing trailers (with
/// warnings), but not an EB without its required EB01, so the answer is undecodable whatever the decoder's
/// leniency about envelopes. The payer writes with the default delimiters (`*` and `~`), which the pattern
/// relies on; a 271 without benefits (never produced here) is cut in half.
pub(crate) fn corrupt(body: AnswerBody) -> AnswerBody {
    let AnswerBody::X12(x12) = body else {
        return body;
    };
    let cut = x12
        .find("~EB*")
        .map_or(x12.len() / 2, |terminator| terminator + "~EB*".len());
    AnswerBody::X12(x12.get(..cut).unwrap_or(&x12).to_owned())
}

fn failure(what: &str, error: &X12Error) -> AnswerBody {
    AnswerBody::Failure(format!(
        "the sandbox payer could not encode its {what}: {error}"
    ))
}

/// A random first control number, leaving room below the nine-digit limit.
pub(crate) fn random_control_seed() -> u32 {
    rand::random_range(1..=899_999_999)
}

/// The next control number: 1 to 999 999 999, wrapping.
pub(crate) fn next_control(counter: &AtomicU32) -> u32 {
    let n = counter.fetch_add(1, Ordering::Relaxed);
    n % 999_999_999 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_numbers_stay_within_nine_digits_and_never_zero() {
        let counter = AtomicU32::new(999_999_997);
        let drawn: Vec<u32> = (0..4).map(|_| next_control(&counter)).collect();
        assert_eq!(drawn, [999_999_998, 999_999_999, 1, 2]);
        let counter = AtomicU32::new(u32::MAX);
        assert!((1..=999_999_999).contains(&next_control(&counter)));
        assert!((1..=999_999_999).contains(&next_control(&counter)));
    }
}
