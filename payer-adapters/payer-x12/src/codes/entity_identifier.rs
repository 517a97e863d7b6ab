//! Entity identifier codes (X12 element 98: NM101) used in 270/271 transactions, with their names.

/// The name of an NM101 code, or `None` when the code is not used in 005010X279A1.
pub fn entity_identifier_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "03" => "Dependent",
        "13" => "Contracted Service Provider",
        "1I" => "Preferred Provider Organization (PPO)",
        "1P" => "Provider",
        "2B" => "Third-Party Administrator",
        "36" => "Employer",
        "73" => "Other Physician",
        "80" => "Hospital",
        "FA" => "Facility",
        "GP" => "Gateway Provider",
        "GW" => "Group",
        "I3" => "Independent Physicians Association (IPA)",
        "IL" => "Insured or Subscriber",
        "LR" => "Legal Representative",
        "P3" => "Primary Care Provider",
        "P4" => "Prior Insurance Carrier",
        "P5" => "Plan Sponsor",
        "PR" => "Payer",
        "PRP" => "Primary Payer",
        "SEP" => "Secondary Payer",
        "TTP" => "Tertiary Payer",
        "VER" => "Party Performing Verification",
        "VN" => "Vendor",
        "VY" => "Organization Completing Configuration Change",
        "X3" => "Utilization Management Organization",
        "Y2" => "Managed Care Organization",
        _ => return None,
    })
}

/// The name of an identification code qualifier (X12 element 66: NM108), or `None` when unknown.
pub fn id_code_qualifier_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "24" => "Employer's Identification Number",
        "34" => "Social Security Number",
        "46" => "Electronic Transmitter Identification Number (ETIN)",
        "FI" => "Federal Taxpayer's Identification Number",
        "II" => "Standard Unique Health Identifier for each Individual in the United States",
        "MI" => "Member Identification Number",
        "NI" => "National Association of Insurance Commissioners (NAIC) Identification",
        "PI" => "Payor Identification",
        "PP" => "Pharmacy Processor Number",
        "SV" => "Service Provider Number",
        "XV" => "Centers for Medicare and Medicaid Services PlanID",
        "XX" => "Centers for Medicare and Medicaid Services National Provider Identifier",
        _ => return None,
    })
}
