//! Tests of the scenario table: prefixes, case, defaults, and that the table is complete and unambiguous.
use payer_sandbox::{scenario_for, Scenario};

#[test]
fn distinct_members_share_a_scenario_by_prefix_in_any_case() {
    for scenario in Scenario::ALL {
        let prefix = scenario.prefix();
        for member in [
            format!("{prefix}0001"),
            format!("{prefix}-778"),
            format!("{}x9f2c", prefix.to_lowercase()),
        ] {
            assert_eq!(scenario_for(&member), scenario, "{member}");
        }
    }
}

#[test]
fn unknown_and_short_ids_are_active() {
    for member in ["", "A", "AC", "W123456789", "12345", "XACT01", "ZZZ"] {
        assert_eq!(scenario_for(member), Scenario::Active, "{member}");
    }
}

#[test]
fn table_is_complete_and_no_prefix_shadows_another() {
    assert_eq!(Scenario::ALL.len(), 12);
    for a in Scenario::ALL {
        assert!(!a.name().is_empty() && !a.description().is_empty());
        assert!([200, 422, 502, 503, 504].contains(&a.expected_http_status()));
        for b in Scenario::ALL {
            if a != b {
                assert!(
                    !a.prefix().starts_with(b.prefix()),
                    "{} shadows {}",
                    b.prefix(),
                    a.prefix()
                );
                assert_ne!(a.name(), b.name());
            }
        }
    }
}
