//! Coverage level codes (X12 element 1207: EB02), with their names.
use super::table::code_table;

code_table! {
    /// The name of an EB02 code, or `None` when the code is not in the 005010X279A1 list.
    pub fn coverage_level_name / coverage_level_text;
    b"CHD" => "Children Only",
    b"DEP" => "Dependents Only",
    b"ECH" => "Employee and Children",
    b"EMP" => "Employee Only",
    b"ESP" => "Employee and Spouse",
    b"FAM" => "Family",
    b"IND" => "Individual",
    b"SPC" => "Spouse and Children",
    b"SPO" => "Spouse Only",
}

/// Whether a coverage level counts toward the family accumulator (as opposed to the individual one).
///
/// `IND` and `EMP` are individual; every level that covers more than one person is family.
pub fn is_family_coverage_level(code: &str) -> bool {
    matches!(code, "FAM" | "CHD" | "DEP" | "ECH" | "ESP" | "SPC")
}
