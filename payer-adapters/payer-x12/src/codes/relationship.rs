//! Individual relationship codes (X12 element 1069: INS02), with their names.

/// The name of an INS02 code, or `None` when the code is unknown.
///
/// 005010X279A1 uses `01`, `18`, `19`, `20`, `21`, `39`, `40`, `53` and `G8`; the other codes come from
/// 004010X092A1 responses, which some payers still send.
pub fn relationship_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "01" => "Spouse",
        "04" => "Grandfather or Grandmother",
        "05" => "Grandson or Granddaughter",
        "07" => "Nephew or Niece",
        "09" => "Adopted Child",
        "10" => "Foster Child",
        "15" => "Ward",
        "17" => "Stepson or Stepdaughter",
        "18" => "Self",
        "19" => "Child",
        "20" => "Employee",
        "21" => "Unknown",
        "22" => "Handicapped Dependent",
        "23" => "Sponsored Dependent",
        "24" => "Dependent of a Minor Dependent",
        "29" => "Significant Other",
        "32" => "Mother",
        "33" => "Father",
        "34" => "Other Adult",
        "36" => "Emancipated Minor",
        "39" => "Organ Donor",
        "40" => "Cadaver Donor",
        "41" => "Injured Plaintiff",
        "43" => "Child Where Insured Has No Financial Responsibility",
        "53" => "Life Partner",
        "76" => "Dependent",
        "G8" => "Other Relationship",
        _ => return None,
    })
}
