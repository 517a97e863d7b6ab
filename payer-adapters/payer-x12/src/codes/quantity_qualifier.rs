//! Quantity qualifiers (X12 element 673: EB09, HSD01), with their names.

/// The name of an EB09/HSD01 code, or `None` when the code is not in the 005010X279A1 list.
pub fn quantity_qualifier_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "8H" => "Minimum",
        "99" => "Quantity Used",
        "CA" => "Covered - Actual",
        "CE" => "Covered - Estimated",
        "D3" => "Number of Co-insurance Days",
        "DB" => "Deductible Blood Units",
        "DY" => "Days",
        "FL" => "Units",
        "HS" => "Hours",
        "LA" => "Life-time Reserve - Actual",
        "LE" => "Life-time Reserve - Estimated",
        "M2" => "Maximum",
        "MN" => "Month",
        "P6" => "Number of Services or Procedures",
        "QA" => "Quantity Approved",
        "S7" => "Age, High Value",
        "S8" => "Age, Low Value",
        "VS" => "Visits",
        "YY" => "Years",
        _ => return None,
    })
}
