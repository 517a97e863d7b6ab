//! [`AnswerBody`]: the answer of a check, either decoded just now from the payer or served from the cache.
//!
//! A cache hit keeps the stored answer as bytes ([`StoredAnswer`]): the single-check route writes them to the
//! client as they are, and only a caller that needs the answer as a value (batch, discovery, a rejection
//! turned into a 422, the CLI) decodes it, with [`AnswerBody::into_response`].
use std::sync::Arc;

use payer_core::{CoverageStatus, EligibilityResponse};

use crate::cache::StoredAnswer;

/// The normalized answer of one check.
#[derive(Debug, Clone)]
pub enum AnswerBody {
    /// Decoded from the payer's reply(s) (and merged).
    Fresh(Box<EligibilityResponse>),
    /// From the cache, with what differs per check.
    Stored {
        /// The stored answer.
        answer: Arc<StoredAnswer>,
        /// This check's control number (the stored answer's was another check's).
        control_number: String,
        /// Whether this check asked for the raw payload(s).
        include_x12: bool,
    },
}

/// A stored answer that does not decode: the cache held bytes this version cannot read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the cached answer does not decode")]
pub struct UnreadableAnswer;

impl AnswerBody {
    /// The answer's coverage status.
    pub fn status(&self) -> CoverageStatus {
        match self {
            AnswerBody::Fresh(response) => response.coverage.status,
            AnswerBody::Stored { answer, .. } => answer.status(),
        }
    }

    /// Whether the answer carries rejections and every one of them is retryable (AAA 42 or 80).
    pub fn all_rejections_retryable(&self) -> bool {
        match self {
            AnswerBody::Fresh(response) => {
                !response.errors.is_empty() && response.errors.iter().all(|error| error.retryable)
            }
            AnswerBody::Stored { answer, .. } => answer.all_rejections_retryable(),
        }
    }

    /// The answer as a value (decoding a stored one).
    pub fn into_response(self) -> Result<EligibilityResponse, UnreadableAnswer> {
        match self {
            AnswerBody::Fresh(response) => Ok(*response),
            AnswerBody::Stored {
                answer,
                control_number,
                include_x12,
            } => answer
                .decode(&control_number, include_x12)
                .map_err(|_| UnreadableAnswer),
        }
    }
}

#[cfg(test)]
impl AnswerBody {
    /// The answer as a value, for assertions.
    pub(crate) fn decoded(&self) -> EligibilityResponse {
        match self.clone().into_response() {
            Ok(response) => response,
            Err(unreadable) => panic!("{unreadable}"),
        }
    }
}
