//! The fixed `outcome` label values: [`CheckOutcome`] for checks, [`PayerOutcome`] for payer calls.
use payer_core::{AdapterError, CoverageStatus, EligibilityResponse, FaultSide, PayerReply};

use crate::router::{CheckAnswer, CheckError};

/// How a check ended: the `outcome` of `eligibility_checks_total`, of audit records and of batch lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckOutcome {
    /// Coverage active (200).
    Active,
    /// Coverage inactive (200).
    Inactive,
    /// The payer answered without a clear status (200).
    Unknown,
    /// The payer rejected the inquiry: AAA, 999 or TA1 (422).
    Rejected,
    /// The payer cannot answer now: AAA 42, unreachable, 5xx, limits or circuit (503).
    Unavailable,
    /// The payer answered with something unusable (502).
    BadResponse,
    /// The deadline or the payer's timeout passed (504).
    Timeout,
    /// The inquiry cannot be sent as asked (400): a service type the payer does not take.
    InvalidRequest,
    /// No payer has the id or alias asked for (404).
    UnknownPayer,
    /// The gateway's own fault (500).
    Internal,
}

/// How one payer call (or attempt) ended: the `outcome` of `eligibility_payer_calls_total` and
/// `eligibility_payer_attempts_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayerOutcome {
    /// A 271 with coverage active.
    Active,
    /// A 271 with coverage inactive.
    Inactive,
    /// A 271 without a clear status.
    Unknown,
    /// A rejection: AAA in the 271, or a 999/TA1.
    Rejected,
    /// Unreachable, 5xx, retryable AAA or envelope error, limits.
    Unavailable,
    /// An answer that does not decode, or a non-retryable envelope or HTTP error.
    BadResponse,
    /// No answer within the time allowed.
    Timeout,
    /// The inquiry could not be expressed for this payer.
    InvalidRequest,
    /// The gateway's own fault (credentials missing, an internal error).
    Internal,
}

// === impl CheckOutcome ===

impl CheckOutcome {
    /// Every value, in label order.
    pub const ALL: [CheckOutcome; 10] = [
        CheckOutcome::Active,
        CheckOutcome::Inactive,
        CheckOutcome::Unknown,
        CheckOutcome::Rejected,
        CheckOutcome::Unavailable,
        CheckOutcome::BadResponse,
        CheckOutcome::Timeout,
        CheckOutcome::InvalidRequest,
        CheckOutcome::UnknownPayer,
        CheckOutcome::Internal,
    ];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckOutcome::Active => "active",
            CheckOutcome::Inactive => "inactive",
            CheckOutcome::Unknown => "unknown",
            CheckOutcome::Rejected => "rejected",
            CheckOutcome::Unavailable => "unavailable",
            CheckOutcome::BadResponse => "bad_response",
            CheckOutcome::Timeout => "timeout",
            CheckOutcome::InvalidRequest => "invalid_request",
            CheckOutcome::UnknownPayer => "unknown_payer",
            CheckOutcome::Internal => "internal",
        }
    }

    /// The outcome of a router result, as the API will answer it.
    pub fn of(result: &Result<CheckAnswer, CheckError>) -> CheckOutcome {
        match result {
            Ok(answer) => PayerOutcome::of_status(
                answer.response.status(),
                answer.response.all_rejections_retryable(),
            )
            .into(),
            Err(CheckError::UnknownPayer { .. }) => CheckOutcome::UnknownPayer,
            Err(CheckError::ServiceTypeNotSupported { .. }) => CheckOutcome::InvalidRequest,
            Err(CheckError::DeadlineExceeded) => CheckOutcome::Timeout,
            Err(CheckError::Payer(error)) => PayerOutcome::of_error(error).into(),
            Err(CheckError::AuditUnavailable) => CheckOutcome::Internal,
        }
    }
}

impl From<PayerOutcome> for CheckOutcome {
    fn from(outcome: PayerOutcome) -> Self {
        match outcome {
            PayerOutcome::Active => CheckOutcome::Active,
            PayerOutcome::Inactive => CheckOutcome::Inactive,
            PayerOutcome::Unknown => CheckOutcome::Unknown,
            PayerOutcome::Rejected => CheckOutcome::Rejected,
            PayerOutcome::Unavailable => CheckOutcome::Unavailable,
            PayerOutcome::BadResponse => CheckOutcome::BadResponse,
            PayerOutcome::Timeout => CheckOutcome::Timeout,
            PayerOutcome::InvalidRequest => CheckOutcome::InvalidRequest,
            PayerOutcome::Internal => CheckOutcome::Internal,
        }
    }
}

// === impl PayerOutcome ===

impl PayerOutcome {
    /// Every value, in label order.
    pub const ALL: [PayerOutcome; 9] = [
        PayerOutcome::Active,
        PayerOutcome::Inactive,
        PayerOutcome::Unknown,
        PayerOutcome::Rejected,
        PayerOutcome::Unavailable,
        PayerOutcome::BadResponse,
        PayerOutcome::Timeout,
        PayerOutcome::InvalidRequest,
        PayerOutcome::Internal,
    ];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        CheckOutcome::from(self).as_str()
    }

    /// The outcome of a payer call's result.
    pub fn of(result: &Result<PayerReply, AdapterError>) -> PayerOutcome {
        match result {
            Ok(reply) => PayerOutcome::of_response(&reply.response),
            Err(error) => PayerOutcome::of_error(error),
        }
    }

    /// The outcome of a payer's answer: its coverage status; a rejection whose every error is retryable
    /// (AAA 42) is `unavailable`, as the API answers it (503).
    pub fn of_response(response: &EligibilityResponse) -> PayerOutcome {
        PayerOutcome::of_status(
            response.coverage.status,
            response.all_rejections_retryable(),
        )
    }

    /// The outcome of an answer with this coverage status, whose rejections are all retryable or not.
    pub fn of_status(status: CoverageStatus, all_rejections_retryable: bool) -> PayerOutcome {
        match status {
            CoverageStatus::Active => PayerOutcome::Active,
            CoverageStatus::Inactive => PayerOutcome::Inactive,
            CoverageStatus::Unknown => PayerOutcome::Unknown,
            CoverageStatus::Rejected if all_rejections_retryable => PayerOutcome::Unavailable,
            CoverageStatus::Rejected => PayerOutcome::Rejected,
        }
    }

    /// The outcome of a failed call, following the API's status mapping (`crate::error`).
    pub fn of_error(error: &AdapterError) -> PayerOutcome {
        match error {
            AdapterError::Timeout(_) => PayerOutcome::Timeout,
            AdapterError::InvalidRequest { .. } => PayerOutcome::InvalidRequest,
            AdapterError::Rejected { .. } => PayerOutcome::Rejected,
            AdapterError::Malformed { .. } => PayerOutcome::BadResponse,
            error if error.side() == FaultSide::Payer && error.is_retryable() => {
                PayerOutcome::Unavailable
            }
            error if error.side() == FaultSide::Payer => PayerOutcome::BadResponse,
            _ => PayerOutcome::Internal,
        }
    }
}
