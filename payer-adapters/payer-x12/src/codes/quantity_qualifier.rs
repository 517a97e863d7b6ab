//! Quantity qualifiers (X12 element 673: EB09, HSD01), with their names.
use super::table::code_table;

code_table! {
    /// The name of an EB09/HSD01 code, or `None` when the code is not in the 005010X279A1 list.
    pub fn quantity_qualifier_name / quantity_qualifier_text;
    b"8H" => "Minimum",
    b"99" => "Quantity Used",
    b"CA" => "Covered - Actual",
    b"CE" => "Covered - Estimated",
    b"D3" => "Number of Co-insurance Days",
    b"DB" => "Deductible Blood Units",
    b"DY" => "Days",
    b"FL" => "Units",
    b"HS" => "Hours",
    b"LA" => "Life-time Reserve - Actual",
    b"LE" => "Life-time Reserve - Estimated",
    b"M2" => "Maximum",
    b"MN" => "Month",
    b"P6" => "Number of Services or Procedures",
    b"QA" => "Quantity Approved",
    b"S7" => "Age, High Value",
    b"S8" => "Age, Low Value",
    b"VS" => "Visits",
    b"YY" => "Years",
}
