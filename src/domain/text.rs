//! Rules shared by every free-text field: trimmed, not empty, within the X12 element's maximum length, and
//! free of control characters and of the characters X12 reserves as delimiters.
//!
//! The delimiter rule is the codec's own ([`payer_x12::writer::forbidden_character`]), so the API refuses
//! exactly what the 270 writer would refuse, and a name can never smuggle a segment into the interchange.
use super::fields::FieldErrors;

/// Length limits of a text field, in characters, from the X12 element it becomes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Length {
    pub(crate) min: usize,
    pub(crate) max: usize,
}

/// NM103 (last or organization name): 1 to 60.
pub(crate) const LAST_NAME: Length = Length { min: 1, max: 60 };
/// NM104 (first name): 1 to 35.
pub(crate) const FIRST_NAME: Length = Length { min: 1, max: 35 };
/// NM109 (member id, payer id): 2 to 80.
pub(crate) const IDENTIFIER: Length = Length { min: 2, max: 80 };

/// Checks a text value and returns it trimmed, or records why it cannot be used and returns `None`.
pub(crate) fn text(
    errors: &mut FieldErrors,
    path: &str,
    value: &str,
    length: Length,
) -> Option<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.push(path, "must not be empty");
        return None;
    }
    if let Some(message) = character_problem(trimmed) {
        errors.push(path, message);
        return None;
    }
    let count = trimmed.chars().count();
    if count < length.min {
        errors.push(
            path,
            format!("must be at least {} characters long", length.min),
        );
        return None;
    }
    if count > length.max {
        errors.push(
            path,
            format!("must be at most {} characters long", length.max),
        );
        return None;
    }
    Some(trimmed.to_owned())
}

/// Why a value cannot go into an X12 element, naming the position and (for a delimiter) the character
/// class, never the value.
pub(crate) fn character_problem(value: &str) -> Option<String> {
    if let Some(position) = value.chars().position(char::is_control) {
        return Some(format!(
            "contains a control character (at position {})",
            position + 1
        ));
    }
    payer_x12::writer::forbidden_character(value).map(|delimiter| {
        format!("contains the character '{delimiter}', which X12 reserves as a delimiter")
    })
}
