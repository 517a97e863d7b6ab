//! Everything the gateway logs during a full run of the scenarios, at debug level, holds no member data.
use payer_sandbox::Scenario;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, NPI};

#[tokio::test]
async fn logs_of_a_full_run_hold_no_member_names_ids_or_birth_dates() {
    let app = spawn_app_with("debug", "");
    let mut secrets: Vec<String> = Vec::new();
    for (index, scenario) in Scenario::ALL.into_iter().enumerate() {
        let member_id = format!("{}QX{index}Z7731", scenario.prefix());
        let first = format!("ZEBULONQX{index}");
        let last = format!("QUIXOTEQX{index}");
        let birth = format!("1973041{}", index % 10);
        let dependent_first = format!("PERSEPHONEQX{index}");
        let body = json!({
            "tradingPartnerServiceId": if index % 2 == 0 { "sandbox" } else { "sandbox-single" },
            "provider": {"organizationName": "HAPPY VALLEY CLINIC", "npi": NPI},
            "subscriber": {"memberId": member_id, "firstName": first, "lastName": last, "dateOfBirth": birth, "gender": "F"},
            "dependents": [{"firstName": dependent_first, "lastName": last, "dateOfBirth": "20150601", "gender": "M"}],
            "encounter": {"serviceTypeCodes": ["30", "88"]}
        });
        let deadline = if scenario == Scenario::Timeout {
            "500"
        } else {
            "10000"
        };
        // Twice: the second is a cache hit for the cacheable scenarios, and x12=true on the second.
        for query in ["", "?x12=true"] {
            let response = app
                .check_with(&body, &[("X-Request-Timeout-Ms", deadline)], query)
                .await;
            let _: Value = response.json().await.unwrap();
        }
        secrets.push(member_id);
        secrets.push(first);
        secrets.push(last);
        secrets.push(birth.clone());
        secrets.push(format!("{}-{}-{}", &birth[..4], &birth[4..6], &birth[6..]));
        secrets.push(dependent_first);
    }
    // Invalid requests carrying member data.
    let invalid = json!({
        "tradingPartnerServiceId": "sandbox",
        "provider": {"organizationName": "CLINIC", "npi": "1234567890"},
        "subscriber": {"memberId": "ACTQXBADREQ1", "firstName": "ZEBULONQXBAD~", "lastName": "QUIXOTEQXBAD", "dateOfBirth": "19730499"}
    });
    let _ = app.check(&invalid).await;
    secrets.extend(["ACTQXBADREQ1", "ZEBULONQXBAD", "QUIXOTEQXBAD", "19730499"].map(String::from));

    let logs = app.stop();
    assert!(
        logs.contains("check answered"),
        "the run logged no checks: {logs}"
    );
    assert!(logs.contains("trace_id"), "log lines carry no trace id");
    assert!(
        logs.lines().count() > 20,
        "suspiciously few log lines: {logs}"
    );
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "the logs contain member data ({secret})"
        );
    }
}
