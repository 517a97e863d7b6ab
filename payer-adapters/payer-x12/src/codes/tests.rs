//! Unit tests of the code tables: samples of each table, the completeness of the service type and reject
//! reason lists, and the retryable classification.
use super::*;

#[test]
fn service_types_cover_the_whole_005010_list() {
    assert_eq!(SERVICE_TYPE_CODES.len(), 187);
    for code in SERVICE_TYPE_CODES {
        assert!(
            service_type_name(code).is_some(),
            "service type {code} has no name"
        );
    }
    assert_eq!(
        service_type_name("30"),
        Some("Health Benefit Plan Coverage")
    );
    assert_eq!(service_type_name("88"), Some("Pharmacy"));
    assert_eq!(
        service_type_name("98"),
        Some("Professional (Physician) Visit - Office")
    );
    assert_eq!(
        service_type_name("A0"),
        Some("Professional (Physician) Visit - Outpatient")
    );
    assert_eq!(service_type_name("AL"), Some("Vision (Optometry)"));
    assert_eq!(
        service_type_name("BZ"),
        Some("Physician Visit - Office: Well")
    );
    assert_eq!(service_type_name("MH"), Some("Mental Health"));
    assert_eq!(service_type_name("UC"), Some("Urgent Care"));
    // Not in the list: 29 and 31 were never assigned, AP does not exist, lower case is not a code.
    for bad in ["29", "31", "AP", "uc", "", "100", "0", "30 "] {
        assert!(!is_service_type(bad), "{bad:?} is not a service type");
    }
}

#[test]
fn service_type_list_has_no_duplicates() {
    let mut codes = SERVICE_TYPE_CODES.to_vec();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), SERVICE_TYPE_CODES.len());
}

#[test]
fn eligibility_benefit_codes() {
    assert_eq!(eligibility_benefit_name("1"), Some("Active Coverage"));
    assert_eq!(eligibility_benefit_name("6"), Some("Inactive"));
    assert_eq!(eligibility_benefit_name("B"), Some("Co-Payment"));
    assert_eq!(eligibility_benefit_name("CB"), Some("Coverage Basis"));
    assert_eq!(
        eligibility_benefit_name("MC"),
        Some("Managed Care Coordinator")
    );
    assert_eq!(
        eligibility_benefit_name("R"),
        Some("Other or Additional Payor")
    );
    assert_eq!(eligibility_benefit_name("Z"), None);
    assert_eq!(eligibility_benefit_name("9"), None);
}

#[test]
fn coverage_levels() {
    assert_eq!(coverage_level_name("IND"), Some("Individual"));
    assert_eq!(coverage_level_name("FAM"), Some("Family"));
    assert_eq!(coverage_level_name("ECH"), Some("Employee and Children"));
    assert_eq!(coverage_level_name("SPS"), None);
    assert!(is_family_coverage_level("FAM"));
    assert!(!is_family_coverage_level("IND"));
    assert!(!is_family_coverage_level("EMP"));
}

#[test]
fn insurance_types() {
    assert_eq!(insurance_type_name("MB"), Some("Medicare Part B"));
    assert_eq!(insurance_type_name("MC"), Some("Medicaid"));
    assert_eq!(
        insurance_type_name("HM"),
        Some("Health Maintenance Organization (HMO)")
    );
    assert_eq!(insurance_type_name("C1"), Some("Commercial"));
    assert_eq!(insurance_type_name("D"), Some("Disability"));
    assert_eq!(insurance_type_name("XX"), None);
}

#[test]
fn time_periods_and_quantities() {
    assert_eq!(time_period_name("23"), Some("Calendar Year"));
    assert_eq!(time_period_name("29"), Some("Remaining"));
    assert_eq!(time_period_name("36"), Some("Admission"));
    assert_eq!(time_period_name("37"), None);
    assert_eq!(quantity_qualifier_name("VS"), Some("Visits"));
    assert_eq!(quantity_qualifier_name("8H"), Some("Minimum"));
    assert_eq!(quantity_qualifier_name("M2"), Some("Maximum"));
    assert_eq!(quantity_qualifier_name("ZZ"), None);
    assert_eq!(network_indicator_name("W"), Some("Not Applicable"));
    assert_eq!(network_indicator_name("Y"), Some("In Plan-Network"));
    assert_eq!(network_indicator_name("X"), None);
}

#[test]
fn dates_entities_references() {
    assert_eq!(date_qualifier_name("291"), Some("Plan"));
    assert_eq!(date_qualifier_name("346"), Some("Plan Begin"));
    assert_eq!(date_qualifier_name("472"), Some("Service"));
    assert_eq!(date_qualifier_name("999"), None);
    assert_eq!(entity_identifier_name("PR"), Some("Payer"));
    assert_eq!(entity_identifier_name("P3"), Some("Primary Care Provider"));
    assert_eq!(
        entity_identifier_name("X3"),
        Some("Utilization Management Organization")
    );
    assert_eq!(entity_identifier_name("ZZ"), None);
    assert_eq!(
        id_code_qualifier_name("XX"),
        Some("Centers for Medicare and Medicaid Services National Provider Identifier")
    );
    assert_eq!(reference_qualifier_name("6P"), Some("Group Number"));
    assert_eq!(reference_qualifier_name("18"), Some("Plan Number"));
    assert_eq!(
        reference_qualifier_name("IG"),
        Some("Insurance Policy Number")
    );
    assert_eq!(reference_qualifier_name("ZZ"), None);
    assert_eq!(relationship_name("18"), Some("Self"));
    assert_eq!(relationship_name("19"), Some("Child"));
    assert_eq!(relationship_name("G8"), Some("Other Relationship"));
    assert_eq!(relationship_name("99"), None);
    assert_eq!(gender_name("F"), Some("Female"));
    assert_eq!(gender_name("X"), None);
    assert_eq!(place_of_service_name("11"), Some("Office"));
    assert_eq!(
        procedure_qualifier_name("HC").map(|n| n.contains("HCPCS")),
        Some(true)
    );
}

#[test]
fn followup_actions() {
    assert_eq!(
        followup_action_name("C"),
        Some("Please Correct and Resubmit")
    );
    assert_eq!(followup_action_name("N"), Some("Resubmission Not Allowed"));
    assert_eq!(followup_action_name("R"), Some("Resubmission Allowed"));
    assert_eq!(
        followup_action_name("Y").map(|n| n.starts_with("Do Not Resubmit")),
        Some(true)
    );
    assert_eq!(followup_action_name("Q"), None);
}

#[test]
fn every_reject_reason_is_described_and_self_consistent() {
    for code in REJECT_REASON_CODES {
        let reason = reject_reason(code).unwrap_or_else(|| panic!("no reject reason for {code}"));
        assert_eq!(reason.code, *code);
        assert!(!reason.description.is_empty());
        assert!(!reason.possible_resolution.is_empty());
    }
    let mut codes = REJECT_REASON_CODES.to_vec();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), REJECT_REASON_CODES.len());
}

#[test]
fn only_payer_outages_are_retryable() {
    let retryable: Vec<&str> = REJECT_REASON_CODES
        .iter()
        .filter(|c| reject_reason(c).is_some_and(|r| r.retryable))
        .copied()
        .collect();
    assert_eq!(retryable, ["42", "80"]);
    for code in ["72", "73", "75"] {
        assert_eq!(
            reject_reason(code).map(|r| r.retryable),
            Some(false),
            "{code}"
        );
    }
    assert_eq!(
        reject_reason("72").map(|r| r.description),
        Some("Invalid/Missing Subscriber/Insured ID")
    );
    assert_eq!(
        reject_reason("42").map(|r| r.description),
        Some("Unable to Respond at Current Time")
    );
    assert!(reject_reason("99").is_none());
    assert!(reject_reason("").is_none());
}
