//! TA1 interchange acknowledgment: `TA1*control*date*time*ack code*note code`, accepted or rejected as a whole.
use payer_core::PayerErrorInfo;

use super::codes::{ta1_note_name, ta1_note_retryable};
use super::AckOutcome;
use crate::error::{X12Error, X12ErrorKind};
use crate::tokenizer::Segment;

/// Decodes one TA1 segment. `A` (accepted) and `E` (accepted with errors) accept the interchange; `R` rejects
/// it with the TA105 note as a `TA1-nnn` error located at `ISA`.
pub(crate) fn decode_ta1(seg: &Segment<'_>) -> Result<AckOutcome, X12Error> {
    let [_control, _date, _time, ack, note] = seg.fields::<5>();
    let invalid = |index, reason| {
        X12Error::at(
            seg.id(),
            seg.position(),
            X12ErrorKind::InvalidElement { index, reason },
        )
    };
    match ack {
        "A" | "a" | "E" | "e" => Ok(AckOutcome::Accepted),
        "R" | "r" => {
            let (code, description) = match ta1_note_name(note) {
                Some(name) => (format!("TA1-{note}"), name.to_string()),
                None if note.is_empty() => {
                    ("TA1-R".to_string(), "Interchange rejected".to_string())
                }
                None => (
                    "TA1-R".to_string(),
                    "Interchange rejected with an unknown note code".to_string(),
                ),
            };
            let retryable = ta1_note_retryable(note);
            let possible_resolutions = Some(
                if retryable {
                    "Send the inquiry again."
                } else {
                    "Correct the interchange envelope (ISA) or the trading partner setup and send again."
                }
                .to_string(),
            );
            Ok(AckOutcome::Rejected(vec![PayerErrorInfo {
                code,
                description,
                followup_action_code: None,
                followup_action: None,
                location: "ISA".into(),
                possible_resolutions,
                retryable,
            }]))
        }
        "" => Err(invalid(4, "TA104 (acknowledgment code) is required")),
        _ => Err(invalid(4, "TA104 is not A, E or R")),
    }
}
