//! Individual relationship codes (X12 element 1069: INS02), with their names.

/// The name of an INS02 code, or `None` when the code is unknown.
///
/// 005010X279A1 uses `01`, `18`, `19`, `20`, `21`, `39`, `40`, `53` and `G8`; the other codes come from
/// 004010X092A1 responses, which some payers still send.
pub fn relationship_name(code: &str) -> Option<&'static str> {
    Some(match code.as_bytes() {
        b"01" => "Spouse",
        b"04" => "Grandfather or Grandmother",
        b"05" => "Grandson or Granddaughter",
        b"07" => "Nephew or Niece",
        b"09" => "Adopted Child",
        b"10" => "Foster Child",
        b"15" => "Ward",
        b"17" => "Stepson or Stepdaughter",
        b"18" => "Self",
        b"19" => "Child",
        b"20" => "Employee",
        b"21" => "Unknown",
        b"22" => "Handicapped Dependent",
        b"23" => "Sponsored Dependent",
        b"24" => "Dependent of a Minor Dependent",
        b"29" => "Significant Other",
        b"32" => "Mother",
        b"33" => "Father",
        b"34" => "Other Adult",
        b"36" => "Emancipated Minor",
        b"39" => "Organ Donor",
        b"40" => "Cadaver Donor",
        b"41" => "Injured Plaintiff",
        b"43" => "Child Where Insured Has No Financial Responsibility",
        b"53" => "Life Partner",
        b"76" => "Dependent",
        b"G8" => "Other Relationship",
        _ => return None,
    })
}
