//! 999 implementation acknowledgment: which transaction sets (AK2..IK5) and groups (AK9) the payer rejected,
//! and why (IK3 segment errors, IK4 element errors), as normalized errors.
use payer_core::PayerErrorInfo;

use super::codes::{element_error_name, group_error_name, segment_error_name, set_error_name};
use super::AckOutcome;
use crate::error::{safe_segment_id, X12Error, X12ErrorKind};
use crate::reply::{SetReader, Tag};
use crate::tokenizer::Segment;

/// Error codes that name a passing condition: an unavailable security service.
const TRANSIENT_SET_CODES: [&str; 1] = ["10"];
const TRANSIENT_GROUP_CODES: [&str; 1] = ["12"];

/// Decodes the body of a 999 (after its ST) up to its SE.
pub(crate) fn decode_999(reader: &mut SetReader<'_>) -> Result<AckOutcome, X12Error> {
    let mut rejected: Vec<PayerErrorInfo> = Vec::new();
    // Errors of the current AK2 set, kept until its IK5 says whether it was rejected.
    let mut pending: Vec<PayerErrorInfo> = Vec::new();
    let mut location = String::from("ST");
    let mut set_control: Option<String> = None;
    let mut any_set_rejected = false;
    let mut group_rejected = false;
    while let Some(&(tag, ref seg)) = reader.next_segment() {
        match tag {
            Tag::Ak2 => {
                pending.clear();
                location = "ST".into();
                set_control = seg.element(2).filter(|v| is_code(v, 9)).map(str::to_string);
            }
            Tag::Ik3 => {
                let [id, pos, loop_id, code] = seg.fields::<4>();
                location = if is_code(loop_id, 6) {
                    loop_id.to_string()
                } else {
                    "ST".into()
                };
                let name = segment_error_name(code).unwrap_or("Segment error");
                pending.push(error(
                    format!("999-IK304-{}", code_or(code, "unknown")),
                    format!("{name} ({})", where_segment(id, pos)),
                    &location,
                    false,
                ));
            }
            Tag::Ik4 => {
                let [pos, reference, code] = seg.fields::<3>();
                let name = element_error_name(code).unwrap_or("Element error");
                let pos = if pos
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b':' || b == b'^')
                {
                    pos
                } else {
                    "?"
                };
                let reference = if is_code(reference, 4) {
                    format!(", data element {reference}")
                } else {
                    String::new()
                };
                pending.push(error(
                    format!("999-IK403-{}", code_or(code, "unknown")),
                    format!("{name} (element {pos}{reference})"),
                    &location,
                    false,
                ));
            }
            Tag::Ik5 => {
                let codes: [&str; 6] = seg.fields();
                let [ack, rest @ ..] = codes;
                match ack {
                    "A" | "E" => pending.clear(),
                    "R" | "M" | "W" | "X" => {
                        any_set_rejected = true;
                        let reasons = names(&rest, set_error_name);
                        let set = set_control
                            .as_deref()
                            .map(|c| format!(" {c}"))
                            .unwrap_or_default();
                        let retryable = rest.iter().any(|c| TRANSIENT_SET_CODES.contains(c));
                        rejected.push(error(
                            format!("999-IK5-{ack}"),
                            format!("Transaction set{set} rejected{reasons}"),
                            "ST",
                            retryable,
                        ));
                        rejected.append(&mut pending);
                    }
                    _ => return Err(invalid(seg, 1, "IK501 is not a known acknowledgment code")),
                }
            }
            Tag::Ak9 => {
                let codes: [&str; 9] = seg.fields();
                let [ack, _, _, _, rest @ ..] = codes;
                match ack {
                    "A" | "E" | "P" => {}
                    "R" | "M" | "W" | "X" => {
                        group_rejected = true;
                        if !any_set_rejected {
                            let retryable = rest.iter().any(|c| TRANSIENT_GROUP_CODES.contains(c));
                            rejected.push(error(
                                format!("999-AK9-{ack}"),
                                format!(
                                    "Functional group rejected{}",
                                    names(&rest, group_error_name)
                                ),
                                "GS",
                                retryable,
                            ));
                        }
                    }
                    _ => return Err(invalid(seg, 1, "AK901 is not a known acknowledgment code")),
                }
            }
            _ => {}
        }
    }
    if rejected.is_empty() && group_rejected {
        rejected.push(error(
            "999-AK9-R".into(),
            "Functional group rejected".into(),
            "GS",
            false,
        ));
    }
    Ok(if rejected.is_empty() {
        AckOutcome::Accepted
    } else {
        AckOutcome::Rejected(rejected)
    })
}

fn error(code: String, description: String, location: &str, retryable: bool) -> PayerErrorInfo {
    PayerErrorInfo {
        code,
        description,
        followup_action_code: None,
        followup_action: None,
        location: location.to_string(),
        possible_resolutions: Some(
            if retryable {
                "Send the inquiry again later."
            } else {
                "Correct the inquiry as the acknowledgment describes and send it again."
            }
            .to_string(),
        ),
        retryable,
    }
}

fn invalid(seg: &Segment<'_>, index: usize, reason: &'static str) -> X12Error {
    X12Error::at(
        seg.id(),
        seg.position(),
        X12ErrorKind::InvalidElement { index, reason },
    )
}

/// A short alphanumeric code (never free text, so never PHI).
fn is_code(value: &str, max: usize) -> bool {
    !value.is_empty() && value.len() <= max && value.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn code_or<'a>(code: &'a str, fallback: &'a str) -> &'a str {
    if is_code(code, 3) {
        code
    } else {
        fallback
    }
}

fn where_segment(id: &str, pos: &str) -> String {
    let id = safe_segment_id(id).unwrap_or_else(|| "?".into());
    if is_code(pos, 6) && pos.bytes().all(|b| b.is_ascii_digit()) {
        format!("segment {id} at position {pos}")
    } else {
        format!("segment {id}")
    }
}

/// `: name; name` for the known codes among `codes`, or an empty string.
fn names(codes: &[&str], name: fn(&str) -> Option<&'static str>) -> String {
    let found: Vec<&str> = codes.iter().filter_map(|c| name(c)).collect();
    if found.is_empty() {
        String::new()
    } else {
        format!(": {}", found.join("; "))
    }
}
