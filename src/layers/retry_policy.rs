//! Retry classification: what one payer call's outcome means for retrying it and for the payer's health.
//!
//! It is its own small piece because a transport success can be a failure: an HTTP 200 whose 271 carries only
//! retryable AAA rejections (42 "unable to respond at current time", 80 "no response received - transaction
//! terminated") is the payer saying "not now", exactly as a 503 would. Every wrapper that judges an outcome
//! ([`super::Retrying`], [`super::Hedged`], [`super::CircuitBreaker`]) asks [`classify`], so they agree.
use payer_core::{AdapterError, CoverageStatus, FaultSide, PayerReply};

/// What one call's outcome is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// An answer to pass on: coverage found or not, or a rejection retrying cannot change (AAA 72, a 999).
    Answer,
    /// The payer failed in a way the same inquiry may get past later: connect errors, timeouts, HTTP 5xx (and
    /// 408, 429), a CORE envelope error marked retryable, a 271 with only retryable AAA (42, 80).
    Retryable,
    /// The payer failed, and sending the same inquiry again will fail the same way (an unusable 271, an
    /// envelope error that is not retryable).
    PayerFault,
    /// The call was not made or failed on the gateway's or the inquiry's side (invalid inquiry, credentials,
    /// the gateway's own rate limit or open circuit): not retried, and no mark against the payer.
    NotThePayer,
}

// === impl Verdict ===

impl Verdict {
    /// Whether another attempt may succeed.
    pub fn is_retryable(self) -> bool {
        self == Verdict::Retryable
    }

    /// Whether the outcome counts as a failure of the payer, for its circuit breaker.
    pub fn is_payer_failure(self) -> bool {
        matches!(self, Verdict::Retryable | Verdict::PayerFault)
    }

    /// Whether the outcome is an answer that hedging may take as the winner.
    pub fn is_answer(self) -> bool {
        self == Verdict::Answer
    }
}

/// Judges one call's outcome.
pub fn classify(outcome: &Result<PayerReply, AdapterError>) -> Verdict {
    match outcome {
        Ok(reply) if is_retryable_rejection(reply) => Verdict::Retryable,
        Ok(_) => Verdict::Answer,
        Err(error) => classify_error(error),
    }
}

/// Judges a failed call.
pub fn classify_error(error: &AdapterError) -> Verdict {
    match error {
        // The gateway refused to send it (its limits, an open circuit): the payer did nothing wrong, and
        // trying again within this check cannot get in sooner than the limiter already said.
        AdapterError::Saturated { .. } | AdapterError::CircuitOpen { .. } => Verdict::NotThePayer,
        // A 999/TA1 or transport-level rejection of the inquiry: an answer about the inquiry, unless every
        // reason is retryable (AAA 42 carried by a transport), which is the payer being unavailable.
        AdapterError::Rejected { .. } if error.is_retryable() => Verdict::Retryable,
        AdapterError::Rejected { .. } => Verdict::Answer,
        error if error.side() != FaultSide::Payer => Verdict::NotThePayer,
        error if error.is_retryable() => Verdict::Retryable,
        _ => Verdict::PayerFault,
    }
}

/// A 271 that rejects the inquiry only for reasons that retrying may get past (AAA 42, 80).
pub fn is_retryable_rejection(reply: &PayerReply) -> bool {
    reply.response.coverage.status == CoverageStatus::Rejected
        && reply.response.all_rejections_retryable()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use payer_core::{EligibilityResponse, ExchangeInfo, PayerErrorInfo};

    use super::*;

    fn reply(status: CoverageStatus, codes: &[(&str, bool)]) -> Result<PayerReply, AdapterError> {
        let mut response = EligibilityResponse::default();
        response.coverage.status = status;
        response.errors = codes
            .iter()
            .map(|(code, retryable)| PayerErrorInfo {
                code: (*code).into(),
                description: "test".into(),
                followup_action_code: None,
                followup_action: None,
                location: "2100A".into(),
                possible_resolutions: None,
                retryable: *retryable,
            })
            .collect();
        Ok(PayerReply {
            response,
            exchange: ExchangeInfo::default(),
        })
    }

    #[test]
    fn answers_are_not_retried_and_do_not_count_against_the_payer() {
        for outcome in [
            reply(CoverageStatus::Active, &[]),
            reply(CoverageStatus::Inactive, &[]),
            reply(CoverageStatus::Rejected, &[("72", false)]),
            reply(CoverageStatus::Rejected, &[("42", true), ("72", false)]),
        ] {
            assert_eq!(classify(&outcome), Verdict::Answer);
            assert!(!classify(&outcome).is_payer_failure());
        }
    }

    #[test]
    fn a_271_with_only_retryable_aaa_is_a_retryable_payer_failure() {
        for codes in [&[("42", true)][..], &[("42", true), ("80", true)]] {
            let verdict = classify(&reply(CoverageStatus::Rejected, codes));
            assert_eq!(verdict, Verdict::Retryable);
            assert!(verdict.is_retryable() && verdict.is_payer_failure());
        }
    }

    #[test]
    fn errors_are_judged_by_side_and_retryability() {
        let cases = [
            (AdapterError::Connect("refused".into()), Verdict::Retryable),
            (
                AdapterError::Timeout(Duration::from_secs(1)),
                Verdict::Retryable,
            ),
            (AdapterError::HttpStatus { status: 503 }, Verdict::Retryable),
            (
                AdapterError::HttpStatus { status: 400 },
                Verdict::PayerFault,
            ),
            (
                AdapterError::Envelope {
                    code: "Busy".into(),
                    message: "try later".into(),
                    retryable: true,
                },
                Verdict::Retryable,
            ),
            (
                AdapterError::Malformed {
                    detail: "truncated".into(),
                    raw: None,
                },
                Verdict::PayerFault,
            ),
            (
                AdapterError::Rejected { errors: Vec::new() },
                Verdict::Answer,
            ),
            (
                AdapterError::InvalidRequest {
                    field: "subscriber.lastName".into(),
                    message: "delimiter".into(),
                },
                Verdict::NotThePayer,
            ),
            (
                AdapterError::Credentials("unset".into()),
                Verdict::NotThePayer,
            ),
            (
                AdapterError::Saturated {
                    retry_after: Duration::from_secs(1),
                },
                Verdict::NotThePayer,
            ),
            (
                AdapterError::CircuitOpen {
                    retry_after: Duration::from_secs(1),
                },
                Verdict::NotThePayer,
            ),
        ];
        for (error, verdict) in cases {
            assert_eq!(classify_error(&error), verdict, "{error}");
        }
    }
}
