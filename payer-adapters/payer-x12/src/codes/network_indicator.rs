//! In-plan network indicators (X12 element 1073 as used in EB12), with their names.

/// The name of an EB12 code (`Y`, `N`, `W`, `U`), or `None` for anything else.
pub fn network_indicator_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "Y" => "In Plan-Network",
        "N" => "Out of Plan-Network",
        "W" => "Not Applicable",
        "U" => "Unknown",
        _ => return None,
    })
}
