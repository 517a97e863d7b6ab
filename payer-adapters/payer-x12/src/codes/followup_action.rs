//! Follow-up action codes (X12 element 889: AAA04), with their names.

/// The name of an AAA04 code, or `None` when the code is not in the 005010X279A1 list.
pub fn followup_action_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "C" => "Please Correct and Resubmit",
        "N" => "Resubmission Not Allowed",
        "P" => "Please Resubmit Original Transaction",
        "R" => "Resubmission Allowed",
        "S" => "Do Not Resubmit; Inquiry Initiated to a Third Party",
        "W" => "Please Wait 30 Days and Resubmit",
        "X" => "Please Wait 10 Days and Resubmit",
        "Y" => "Do Not Resubmit; We Will Hold Your Request and Respond Again Shortly",
        _ => return None,
    })
}
