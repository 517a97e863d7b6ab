//! 999 implementation acknowledgments and TA1 interchange acknowledgments: decode rejections into normalized
//! errors ([`payer_core::PayerErrorInfo`]), and encode them.
//!
//! Error codes are prefixed by where they come from: `TA1-024` (TA105 note code), `999-IK5-R` (a rejected
//! transaction set), `999-IK304-8` (a segment error), `999-IK403-7` (an element error), `999-AK9-R` (a rejected
//! functional group). Locations name the envelope level (`ISA`, `GS`, `ST`) or the loop the 999 names (IK303).
//! Descriptions never copy the bad data a 999 may quote (IK404, CTX): it can be PHI.

mod ack999;
mod codes;
mod encode;
mod ta1;

use payer_core::PayerErrorInfo;

pub(crate) use ack999::decode_999;
pub use codes::{
    element_error_name, group_error_name, segment_error_name, set_error_name, ta1_note_name,
    ta1_note_retryable,
};
pub use encode::{encode_999_rejection, encode_ta1, ElementError, SegmentError, VERSION_999};
pub(crate) use ta1::decode_ta1;

/// What an acknowledgment says about the inquiry it acknowledges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AckOutcome {
    /// Accepted (possibly with noted errors): the inquiry went through.
    Accepted,
    /// Rejected, with the normalized reasons.
    Rejected(Vec<PayerErrorInfo>),
}
