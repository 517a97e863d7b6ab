//! The code lists of acknowledgments: TA1 interchange note codes (TA105, X12 element I18) and the 999 syntax
//! error codes (IK304 segment, IK403 element, IK502-IK506 transaction set, AK905-AK909 functional group).

/// The name of a TA105 interchange note code (`000`-`031`).
pub fn ta1_note_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "000" => "No error",
        "001" => "The Interchange Control Number in the Header and Trailer Do Not Match",
        "002" => "This Standard as Noted in the Control Standards Identifier is Not Supported",
        "003" => "This Version of the Controls is Not Supported",
        "004" => "The Segment Terminator is Invalid",
        "005" => "Invalid Interchange ID Qualifier for Sender",
        "006" => "Invalid Interchange Sender ID",
        "007" => "Invalid Interchange ID Qualifier for Receiver",
        "008" => "Invalid Interchange Receiver ID",
        "009" => "Unknown Interchange Receiver ID",
        "010" => "Invalid Authorization Information Qualifier Value",
        "011" => "Invalid Authorization Information Value",
        "012" => "Invalid Security Information Qualifier Value",
        "013" => "Invalid Security Information Value",
        "014" => "Invalid Interchange Date Value",
        "015" => "Invalid Interchange Time Value",
        "016" => "Invalid Interchange Standards Identifier Value",
        "017" => "Invalid Interchange Version ID Value",
        "018" => "Invalid Interchange Control Number Value",
        "019" => "Invalid Acknowledgment Requested Value",
        "020" => "Invalid Test Indicator Value",
        "021" => "Invalid Number of Included Groups Value",
        "022" => "Invalid Control Structure",
        "023" => "Improper (Premature) End-of-File (Transmission)",
        "024" => "Invalid Interchange Content (e.g., Invalid GS Segment)",
        "025" => "Duplicate Interchange Control Number",
        "026" => "Invalid Data Element Separator",
        "027" => "Invalid Component Element Separator",
        "028" => "Invalid Delivery Date in Deferred Delivery Request",
        "029" => "Invalid Delivery Time in Deferred Delivery Request",
        "030" => "Invalid Delivery Time Code in Deferred Delivery Request",
        "031" => "Invalid Grade of Service Code",
        _ => return None,
    })
}

/// Whether a TA1 rejection with this note may go away by sending the same inquiry again: a transmission cut
/// short (`023`), or a control number the payer already saw (`025`, a new attempt gets a new number).
pub fn ta1_note_retryable(code: &str) -> bool {
    matches!(code, "023" | "025")
}

/// The name of an IK304 segment syntax error code.
pub fn segment_error_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "1" => "Unrecognized segment ID",
        "2" => "Unexpected segment",
        "3" => "Required segment missing",
        "4" => "Loop occurs over maximum times",
        "5" => "Segment exceeds maximum use",
        "6" => "Segment not in defined transaction set",
        "7" => "Segment not in proper sequence",
        "8" => "Segment has data element errors",
        "I4" => "Implementation \"Not Used\" segment present",
        "I6" => "Implementation dependent segment missing",
        "I7" => "Implementation loop occurs under minimum times",
        "I8" => "Implementation segment below minimum use",
        "I9" => "Implementation dependent \"Not Used\" segment present",
        _ => return None,
    })
}

/// The name of an IK403 element syntax error code.
pub fn element_error_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "1" => "Required data element missing",
        "2" => "Conditional required data element missing",
        "3" => "Too many data elements",
        "4" => "Data element too short",
        "5" => "Data element too long",
        "6" => "Invalid character in data element",
        "7" => "Invalid code value",
        "8" => "Invalid date",
        "9" => "Invalid time",
        "10" => "Exclusion condition violated",
        "12" => "Too many repetitions",
        "13" => "Too many components",
        "I6" => "Code value not used in implementation",
        "I9" => "Implementation dependent data element missing",
        "I10" => "Implementation \"Not Used\" data element present",
        "I11" => "Implementation too few repetitions",
        "I12" => "Implementation pattern match failure",
        "I13" => "Implementation dependent \"Not Used\" data element present",
        _ => return None,
    })
}

/// The name of an IK502-IK506 transaction set syntax error code.
pub fn set_error_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "1" => "Transaction set not supported",
        "2" => "Transaction set trailer missing",
        "3" => "Transaction set control number in header and trailer do not match",
        "4" => "Number of included segments does not match actual count",
        "5" => "One or more segments in error",
        "6" => "Missing or invalid transaction set identifier",
        "7" => "Missing or invalid transaction set control number",
        "8" => "Authentication key name unknown",
        "9" => "Encryption key name unknown",
        "10" => "Requested service (authentication or encryption) not available",
        "11" => "Unknown security recipient",
        "12" => "Incorrect message length (encryption only)",
        "13" => "Message authentication code failed",
        "15" => "Unknown security originator",
        "16" => "Syntax error in decrypted text",
        "17" => "Security not supported",
        "18" => "Transaction set not in functional group",
        "19" => "Invalid transaction set implementation convention reference",
        "23" => "Transaction set control number not unique within the functional group",
        "24" => "S3E security end segment missing for S3S security start segment",
        "25" => "S3S security start segment missing for S3E security end segment",
        "26" => "S4E security end segment missing for S4S security start segment",
        "27" => "S4S security start segment missing for S4E security end segment",
        "I5" => "Implementation one or more segments in error",
        "I6" => "Implementation convention not supported",
        _ => return None,
    })
}

/// The name of an AK905-AK909 functional group syntax error code.
pub fn group_error_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "1" => "Functional group not supported",
        "2" => "Functional group version not supported",
        "3" => "Functional group trailer missing",
        "4" => "Group control number in the functional group header and trailer do not agree",
        "5" => "Number of included transaction sets does not match actual count",
        "6" => "Group control number violates syntax",
        "10" => "Authentication key name unknown",
        "11" => "Encryption key name unknown",
        "12" => "Requested service (authentication or encryption) not available",
        "13" => "Unknown security recipient",
        "14" => "Unknown security originator",
        "15" => "Syntax error in decrypted text",
        "16" => "Security not supported",
        "17" => "Incorrect message length (encryption only)",
        "18" => "Message authentication code failed",
        "19" => "Functional group control number not unique within interchange",
        "23" => "S3E security end segment missing for S3S security start segment",
        "24" => "S3S security start segment missing for S3E security end segment",
        "25" => "S4E security end segment missing for S4S security start segment",
        "26" => "S4S security start segment missing for S4E security end segment",
        _ => return None,
    })
}
