//! Gender codes (X12 element 1068: DMG03), with their names.

/// The name of a DMG03 code (`M`, `F`, `U`), or `None` for anything else.
pub fn gender_name(code: &str) -> Option<&'static str> {
    Some(match code.as_bytes() {
        b"M" => "Male",
        b"F" => "Female",
        b"U" => "Unknown",
        _ => return None,
    })
}
