//! [`Pending`]: a 270 the sandbox payer has read, with its scenario and delay decided and its answer not yet
//! written. A caller that waits the delay writes the answer after the wait ([`Pending::answer`]), as a real
//! payer's bytes arrive only then: what a check holds while in flight is the inquiry, not a 271.
use std::time::Duration;

use payer_core::EligibilityRequest;
use payer_x12::X12Error;

use crate::inquiry_envelope::InquiryEnvelope;
use crate::payer::{corrupt, AnswerBody, PayerAnswer, SandboxPayer};
use crate::scenario::Scenario;

/// One inquiry the payer is "working on".
#[derive(Debug)]
pub struct Pending<'a> {
    payer: &'a SandboxPayer,
    scenario: Option<Scenario>,
    delay: Duration,
    reply: Reply,
}

/// What the payer will send.
#[derive(Debug)]
pub(crate) enum Reply {
    /// The scenario's 271 (cut short when `corrupt`).
    Answer {
        request: Box<EligibilityRequest>,
        envelope: InquiryEnvelope,
        scenario: Scenario,
        corrupt: bool,
    },
    /// A 999: the scenario's, or the refusal of a 270 the codec could not read (`error`).
    Reject {
        envelope: InquiryEnvelope,
        error: Option<X12Error>,
    },
    /// Nothing, ever.
    Silence,
}

impl<'a> Pending<'a> {
    pub(crate) fn new(
        payer: &'a SandboxPayer,
        scenario: Option<Scenario>,
        delay: Duration,
        reply: Reply,
    ) -> Self {
        Pending {
            payer,
            scenario,
            delay,
            reply,
        }
    }

    /// How long the payer takes before answering (or, when it never answers, before the caller gives up).
    pub fn delay(&self) -> Duration {
        self.delay
    }

    /// Writes the answer.
    pub fn answer(self) -> PayerAnswer {
        let body = match self.reply {
            Reply::Answer {
                request,
                envelope,
                scenario,
                corrupt: cut,
            } => {
                let body = self.payer.answer(&request, scenario, &envelope);
                if cut {
                    corrupt(body)
                } else {
                    body
                }
            }
            Reply::Reject { envelope, error } => self.payer.reject(&envelope, error.as_ref()),
            Reply::Silence => AnswerBody::NoAnswer,
        };
        PayerAnswer {
            scenario: self.scenario,
            delay: self.delay,
            body,
        }
    }
}
