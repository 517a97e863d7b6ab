//! [`AnswerBody`]: the answer of a check as the cache keeps it, serialized once, with what differs per check.
//!
//! Every answer, fresh from the payer or from the cache, is a [`StoredAnswer`]: the payer's answer is
//! serialized once, when its flight ends, and that one serialization is stored, published to the instances
//! waiting on the flight, and written to every client that shares it (`routes::stored_body`). Only a caller
//! that needs the answer as a value (batch, discovery, a rejection turned into a 422, the CLI) decodes it,
//! with [`AnswerBody::into_response`].
use std::sync::Arc;

use payer_core::{CoverageStatus, EligibilityResponse};

use crate::cache::StoredAnswer;

/// The normalized answer of one check.
#[derive(Debug, Clone)]
pub struct AnswerBody {
    /// The answer, shared with the cache and the other checks of its flight.
    pub answer: Arc<StoredAnswer>,
    /// This check's control number (the stored answer's is no check's).
    pub control_number: String,
    /// Whether this check asked for the raw payload(s).
    pub include_x12: bool,
}

/// A stored answer that does not decode: the cache held bytes this version cannot read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the cached answer does not decode")]
pub struct UnreadableAnswer;

impl AnswerBody {
    /// The answer's coverage status.
    pub fn status(&self) -> CoverageStatus {
        self.answer.status()
    }

    /// Whether the answer carries rejections and every one of them is retryable (AAA 42 or 80).
    pub fn all_rejections_retryable(&self) -> bool {
        self.answer.all_rejections_retryable()
    }

    /// The answer as a value.
    pub fn into_response(self) -> Result<EligibilityResponse, UnreadableAnswer> {
        self.answer
            .decode(&self.control_number, self.include_x12)
            .map_err(|_| UnreadableAnswer)
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
