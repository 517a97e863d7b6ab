//! Reject reason codes (X12 element 901: AAA03) of 005010X279A1, with what they mean, what the provider can
//! do about them and whether the same inquiry may succeed later.

/// One AAA03 reject reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RejectReason {
    /// The AAA03 code.
    pub code: &'static str,
    /// Its X12 name.
    pub description: &'static str,
    /// What the provider can do about it.
    pub possible_resolution: &'static str,
    /// Whether sending the same inquiry again later may succeed (only a payer-side outage qualifies).
    pub retryable: bool,
}

const fn reason(
    code: &'static str,
    description: &'static str,
    possible_resolution: &'static str,
) -> RejectReason {
    RejectReason {
        code,
        description,
        possible_resolution,
        retryable: false,
    }
}

const fn transient(
    code: &'static str,
    description: &'static str,
    possible_resolution: &'static str,
) -> RejectReason {
    RejectReason {
        code,
        description,
        possible_resolution,
        retryable: true,
    }
}

/// The reject reason for an AAA03 code, or `None` when the code is not used in 005010X279A1.
pub fn reject_reason(code: &str) -> Option<RejectReason> {
    Some(match code.as_bytes() {
        b"04" => reason("04", "Authorized Quantity Exceeded", "Send fewer patient requests per transaction."),
        b"15" => reason("15", "Required application data missing", "Add the missing identifier the payer requires and resubmit."),
        b"33" => reason("33", "Input Errors", "Correct the inquiry's data as the payer's companion guide describes and resubmit."),
        b"35" => reason("35", "Out of Network", "The provider is not in the member's network; check the network or the provider identifier."),
        b"41" => reason("41", "Authorization/Access Restrictions", "The submitter is not authorized for this payer; check the trading partner enrollment."),
        b"42" => transient("42", "Unable to Respond at Current Time", "The payer's system is unavailable; retry the same inquiry later."),
        b"43" => reason("43", "Invalid/Missing Provider Identification", "Check the provider NPI and that it is enrolled with the payer."),
        b"44" => reason("44", "Invalid/Missing Provider Name", "Send the provider name exactly as enrolled with the payer."),
        b"45" => reason("45", "Invalid/Missing Provider Specialty", "Send the provider taxonomy (PRV) the payer has on file."),
        b"46" => reason("46", "Invalid/Missing Provider Phone Number", "Add or correct the provider contact telephone number."),
        b"47" => reason("47", "Invalid/Missing Provider State", "Add or correct the provider's state."),
        b"48" => reason("48", "Invalid/Missing Referring Provider Identification Number", "Add or correct the referring provider identifier."),
        b"49" => reason("49", "Provider is Not Primary Care Physician", "Inquire as, or through, the member's primary care physician."),
        b"50" => reason("50", "Provider Ineligible for Inquiries", "The provider may not make eligibility inquiries to this payer; contact the payer."),
        b"51" => reason("51", "Provider Not on File", "Enroll the provider with the payer, or check the NPI sent."),
        b"52" => reason("52", "Service Dates Not Within Provider Plan Enrollment", "Check the date of service against the provider's enrollment period."),
        b"53" => reason("53", "Inquired Benefit Inconsistent with Provider Type", "Ask for service types that match the provider's specialty."),
        b"54" => reason("54", "Inappropriate Product/Service ID Qualifier", "Use a procedure code qualifier the payer accepts (for example HC)."),
        b"55" => reason("55", "Inappropriate Product/Service ID", "Check the procedure code sent."),
        b"56" => reason("56", "Inappropriate Date", "Correct the dates sent (format, order and range)."),
        b"57" => reason("57", "Invalid/Missing Date(s) of Service", "Send a valid date of service within the payer's inquiry window."),
        b"58" => reason("58", "Invalid/Missing Date-of-Birth", "Send the patient's date of birth as the payer has it."),
        b"60" => reason("60", "Date of Birth Follows Date(s) of Service", "Correct the date of birth or the date of service."),
        b"61" => reason("61", "Date of Death Precedes Date(s) of Service", "Check the date of service; the payer records the patient as deceased before it."),
        b"62" => reason("62", "Date of Service Not Within Allowable Inquiry Period", "Ask for a date of service within the payer's inquiry window."),
        b"63" => reason("63", "Date of Service in Future", "Ask for a date of service the payer accepts (usually not in the future)."),
        b"64" => reason("64", "Invalid/Missing Patient ID", "Check the patient's member identifier."),
        b"65" => reason("65", "Invalid/Missing Patient Name", "Send the patient's name as it appears on the insurance card."),
        b"66" => reason("66", "Invalid/Missing Patient Gender Code", "Send the patient's gender code."),
        b"67" => reason("67", "Patient Not Found", "Check the patient's name, date of birth and identifier against the insurance card."),
        b"68" => reason("68", "Duplicate Patient ID Number", "Add the patient's name and date of birth to tell the members apart."),
        b"69" => reason("69", "Inconsistent with Patient's Age", "The service asked about does not fit the patient's age; check the service type."),
        b"70" => reason("70", "Inconsistent with Patient's Gender", "The service asked about does not fit the patient's gender; check the service type."),
        b"71" => reason("71", "Patient Birth Date Does Not Match That for the Patient on the Database", "Check the date of birth against the insurance card."),
        b"72" => reason("72", "Invalid/Missing Subscriber/Insured ID", "Check the member identifier against the insurance card."),
        b"73" => reason("73", "Invalid/Missing Subscriber/Insured Name", "Send the subscriber's name exactly as on the insurance card."),
        b"74" => reason("74", "Invalid/Missing Subscriber/Insured Gender Code", "Send the subscriber's gender code."),
        b"75" => reason("75", "Subscriber/Insured Not Found", "Check the member identifier, name and date of birth; the payer has no such member."),
        b"76" => reason("76", "Duplicate Subscriber/Insured ID Number", "Add the subscriber's name and date of birth to tell the members apart."),
        b"77" => reason("77", "Subscriber Found, Patient Not Found", "Check the dependent's name and date of birth, or send the dependent's own member identifier."),
        b"78" => reason("78", "Subscriber/Insured Not in Group/Plan Identified", "Check the group or plan number sent."),
        b"79" => reason("79", "Invalid Participant Identification", "Check the payer identifier and the submitter's trading partner identifiers."),
        b"80" => transient("80", "No Response received - Transaction Terminated", "An intermediary got no answer from the payer; retry the same inquiry later."),
        b"97" => reason("97", "Invalid or Missing Provider Address", "Add or correct the provider's address."),
        b"98" => reason("98", "Experimental Service or Procedure", "The payer considers the service experimental; contact the payer."),
        b"AA" => reason("AA", "Authorization Number Not Found", "Check the authorization number sent."),
        b"AE" => reason("AE", "Requires Primary Care Physician Authorization", "Obtain an authorization from the member's primary care physician."),
        b"AF" => reason("AF", "Invalid/Missing Diagnosis Code(s)", "Check the diagnosis codes sent."),
        b"AG" => reason("AG", "Invalid/Missing Procedure Code(s)", "Check the procedure code sent."),
        b"AO" => reason("AO", "Additional Patient Condition Information Required", "The payer needs more clinical information; contact the payer."),
        b"CI" => reason("CI", "Certification Information Does Not Match Patient", "Check the certification number against the patient."),
        b"E8" => reason("E8", "Requires Medical Review", "The payer must review the case; contact the payer."),
        b"IA" => reason("IA", "Invalid Authorization Number Format", "Check the format of the authorization number."),
        b"MA" => reason("MA", "Missing Authorization", "Obtain and send the authorization number."),
        b"T4" => reason("T4", "Payer Name or Identifier Missing", "Send the payer's name and identifier."),
        _ => return None,
    })
}

/// Every AAA03 code of [`reject_reason`], in list order.
pub const REJECT_REASON_CODES: &[&str] = &[
    "04", "15", "33", "35", "41", "42", "43", "44", "45", "46", "47", "48", "49", "50", "51", "52",
    "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "67", "68", "69",
    "70", "71", "72", "73", "74", "75", "76", "77", "78", "79", "80", "97", "98", "AA", "AE", "AF",
    "AG", "AO", "CI", "E8", "IA", "MA", "T4",
];
