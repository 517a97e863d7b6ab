//! Follow-up action codes (X12 element 889: AAA04), with their names.

/// The name of an AAA04 code, or `None` when the code is not in the 005010X279A1 list.
pub fn followup_action_name(code: &str) -> Option<&'static str> {
    Some(match code.as_bytes() {
        b"C" => "Please Correct and Resubmit",
        b"N" => "Resubmission Not Allowed",
        b"P" => "Please Resubmit Original Transaction",
        b"R" => "Resubmission Allowed",
        b"S" => "Do Not Resubmit; Inquiry Initiated to a Third Party",
        b"W" => "Please Wait 30 Days and Resubmit",
        b"X" => "Please Wait 10 Days and Resubmit",
        b"Y" => "Do Not Resubmit; We Will Hold Your Request and Respond Again Shortly",
        _ => return None,
    })
}
