//! Entity identifier codes (X12 element 98: NM101) used in 270/271 transactions, with their names.
use super::table::code_table;

code_table! {
    /// The name of an NM101 code, or `None` when the code is not used in 005010X279A1.
    pub fn entity_identifier_name / entity_identifier_text;
    b"03" => "Dependent",
    b"13" => "Contracted Service Provider",
    b"1I" => "Preferred Provider Organization (PPO)",
    b"1P" => "Provider",
    b"2B" => "Third-Party Administrator",
    b"36" => "Employer",
    b"73" => "Other Physician",
    b"80" => "Hospital",
    b"FA" => "Facility",
    b"GP" => "Gateway Provider",
    b"GW" => "Group",
    b"I3" => "Independent Physicians Association (IPA)",
    b"IL" => "Insured or Subscriber",
    b"LR" => "Legal Representative",
    b"P3" => "Primary Care Provider",
    b"P4" => "Prior Insurance Carrier",
    b"P5" => "Plan Sponsor",
    b"PR" => "Payer",
    b"PRP" => "Primary Payer",
    b"SEP" => "Secondary Payer",
    b"TTP" => "Tertiary Payer",
    b"VER" => "Party Performing Verification",
    b"VN" => "Vendor",
    b"VY" => "Organization Completing Configuration Change",
    b"X3" => "Utilization Management Organization",
    b"Y2" => "Managed Care Organization",
}

/// The name of an identification code qualifier (X12 element 66: NM108), or `None` when unknown.
pub fn id_code_qualifier_name(code: &str) -> Option<&'static str> {
    Some(match code.as_bytes() {
        b"24" => "Employer's Identification Number",
        b"34" => "Social Security Number",
        b"46" => "Electronic Transmitter Identification Number (ETIN)",
        b"FI" => "Federal Taxpayer's Identification Number",
        b"II" => "Standard Unique Health Identifier for each Individual in the United States",
        b"MI" => "Member Identification Number",
        b"NI" => "National Association of Insurance Commissioners (NAIC) Identification",
        b"PI" => "Payor Identification",
        b"PP" => "Pharmacy Processor Number",
        b"SV" => "Service Provider Number",
        b"XV" => "Centers for Medicare and Medicaid Services PlanID",
        b"XX" => "Centers for Medicare and Medicaid Services National Provider Identifier",
        _ => return None,
    })
}
