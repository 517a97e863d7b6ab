//! [`AdapterError`]: what can go wrong between the gateway and a payer, whose fault it is, and whether to retry.
//!
//! The gateway maps these to HTTP statuses in one place. Messages never carry member data: a payer's raw
//! payload is kept in [`AdapterError::Malformed`] for the response's `x12` field and the audit, not in `Display`.
use std::time::Duration;

use thiserror::Error;

use crate::response::PayerErrorInfo;

/// Whose fault a failure is, which decides the status class the client sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultSide {
    /// The payer (or the network to it) failed: 502, 503 or 504.
    Payer,
    /// The inquiry itself cannot be sent or was refused for what it says: 4xx.
    Client,
    /// The gateway is misconfigured or broke an invariant: 500.
    Gateway,
}

/// A failed exchange with a payer.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AdapterError {
    /// The inquiry cannot be expressed for this payer (for example a field holds a delimiter character).
    #[error("invalid inquiry: {field}: {message}")]
    InvalidRequest {
        /// The request field, as a JSON path (`subscriber.lastName`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The connection could not be made or broke before an answer.
    #[error("could not reach the payer: {0}")]
    Connect(String),
    /// No answer within the time allowed.
    #[error("the payer did not answer within {0:?}")]
    Timeout(Duration),
    /// The payer answered with an HTTP status that carries no usable payload.
    #[error("the payer answered HTTP {status}")]
    HttpStatus {
        /// The HTTP status code.
        status: u16,
    },
    /// The transport envelope (CAQH CORE `ErrorCode`, SOAP fault, OAuth error) reported a failure. Shown by
    /// its code only, and only when the code looks like one: the payer's own text may quote the inquiry.
    #[error("the payer's envelope reported {}", display_code(code))]
    Envelope {
        /// The envelope's error code (`UnAuthorized`, `PayloadTypeIllegal`, `soap:Receiver`, ...).
        code: String,
        /// The envelope's message: the payer's free text, never displayed (it may quote member data).
        message: String,
        /// Whether the same exchange may succeed later.
        retryable: bool,
    },
    /// The payer answered, but not with anything that decodes.
    #[error("the payer sent an unusable response: {detail}")]
    Malformed {
        /// What failed to decode, naming segment ids and positions, never content.
        detail: String,
        /// The payload as received, kept for the client (`x12`) and the audit; never logged.
        raw: Option<String>,
    },
    /// The payer refused the inquiry as a whole (999 or TA1 rejection, or a transport-level AAA).
    #[error("the payer rejected the inquiry ({} error(s))", errors.len())]
    Rejected {
        /// The normalized rejections.
        errors: Vec<PayerErrorInfo>,
    },
    /// Credentials are missing from the environment or the payer refused them.
    #[error("payer credentials: {0}")]
    Credentials(String),
    /// Anything else that is the gateway's own fault.
    #[error("internal error: {0}")]
    Internal(String),
    /// The gateway's own limits for this payer (calls per second, calls at once) cannot admit the call before
    /// the request's deadline; nothing was sent.
    #[error("the payer's rate or concurrency limit is reached (retry after {retry_after:?})")]
    Saturated {
        /// When a call is likely to be admitted again.
        retry_after: Duration,
    },
    /// The payer's circuit breaker is open: its recent calls failed, so the gateway does not call it until a
    /// probe succeeds; nothing was sent.
    #[error("the payer's circuit is open after repeated failures (retry after {retry_after:?})")]
    CircuitOpen {
        /// When the breaker lets a probe through.
        retry_after: Duration,
    },
}

/// An envelope's error code as shown: letters, digits and `:._-`, up to 64 characters; anything else (free
/// text where a code belongs) as `an unrecognized error code`.
fn display_code(code: &str) -> &str {
    let is_code = !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'_' | b'-'));
    if is_code {
        code
    } else {
        "an unrecognized error code"
    }
}

impl AdapterError {
    /// Whose fault it is.
    pub fn side(&self) -> FaultSide {
        match self {
            AdapterError::InvalidRequest { .. } | AdapterError::Rejected { .. } => {
                FaultSide::Client
            }
            AdapterError::Connect(_)
            | AdapterError::Timeout(_)
            | AdapterError::HttpStatus { .. }
            | AdapterError::Envelope { .. }
            | AdapterError::Malformed { .. }
            | AdapterError::Saturated { .. } => FaultSide::Payer,
            AdapterError::CircuitOpen { .. } => FaultSide::Payer,
            AdapterError::Credentials(_) | AdapterError::Internal(_) => FaultSide::Gateway,
        }
    }

    /// Whether sending the same inquiry again may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            AdapterError::Connect(_)
            | AdapterError::Timeout(_)
            | AdapterError::Saturated { .. } => true,
            AdapterError::CircuitOpen { .. } => true,
            AdapterError::HttpStatus { status } => {
                *status >= 500 || *status == 429 || *status == 408
            }
            AdapterError::Envelope { retryable, .. } => *retryable,
            AdapterError::Rejected { errors } => {
                !errors.is_empty() && errors.iter().all(|e| e.retryable)
            }
            AdapterError::InvalidRequest { .. }
            | AdapterError::Malformed { .. }
            | AdapterError::Credentials(_)
            | AdapterError::Internal(_) => false,
        }
    }
}
