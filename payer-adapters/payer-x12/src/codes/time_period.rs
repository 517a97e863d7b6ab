//! Time period qualifiers (X12 element 615: EB06, HSD05), with their names.
use super::table::code_table;

code_table! {
    /// The name of an EB06/HSD05 code, or `None` when the code is not in the 005010X279A1 list.
    pub fn time_period_name / time_period_text;
    b"6" => "Hour",
    b"7" => "Day",
    b"13" => "24 Hours",
    b"21" => "Years",
    b"22" => "Service Year",
    b"23" => "Calendar Year",
    b"24" => "Year to Date",
    b"25" => "Contract",
    b"26" => "Episode",
    b"27" => "Visit",
    b"28" => "Outlier",
    b"29" => "Remaining",
    b"30" => "Exceeded",
    b"31" => "Not Exceeded",
    b"32" => "Lifetime",
    b"33" => "Lifetime Remaining",
    b"34" => "Month",
    b"35" => "Week",
    b"36" => "Admission",
}
