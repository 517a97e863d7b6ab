//! In-plan network indicators (X12 element 1073 as used in EB12), with their names.
use super::table::code_table;

code_table! {
    /// The name of an EB12 code (`Y`, `N`, `W`, `U`), or `None` for anything else.
    pub fn network_indicator_name / network_indicator_text;
    b"Y" => "In Plan-Network",
    b"N" => "Out of Plan-Network",
    b"W" => "Not Applicable",
    b"U" => "Unknown",
}
