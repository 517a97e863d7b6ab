//! Every sandbox scenario through each of the four transports: the gateway and the sandbox payer as
//! processes, the status code and the key fields of each answer.
use std::time::Duration;

use payer_sandbox::plan;
use payer_sandbox::Scenario;
use serde_json::Value;

use crate::helpers::*;

/// The deadline the timeout scenario is checked with.
const DEADLINE_MS: u64 = 1500;

fn services(body: &Value) -> Vec<Value> {
    body["coverage"]["services"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn service(body: &Value, code: &str) -> Value {
    services(body)
        .into_iter()
        .find(|s| s["serviceTypeCode"] == code)
        .unwrap_or_else(|| panic!("no service {code} in {body}"))
}

/// Checks the key fields of one scenario's answer.
fn check_fields(transport: Transport, scenario: Scenario, member: &str, answer: &Answer) {
    let body = &answer.body;
    let label = format!("{} {}", transport.payer, scenario.name());
    assert_eq!(
        answer.status,
        scenario.expected_http_status(),
        "{label}: {body}"
    );
    match scenario {
        Scenario::Active | Scenario::Slow => {
            assert_eq!(body["coverage"]["status"], "active", "{label}");
            assert_eq!(body["subscriber"]["memberId"], member, "{label}");
            assert_eq!(body["coverage"]["planName"], plan::PLAN_NAME, "{label}");
            assert_eq!(
                body["planInformation"]["groupNumber"],
                plan::GROUP_NUMBER,
                "{label}"
            );
            let visit = service(body, "30");
            assert_eq!(visit["active"], true, "{label}");
            assert!(
                !body["benefitsInformation"].as_array().unwrap().is_empty(),
                "{label}"
            );
        }
        Scenario::Inactive => assert_eq!(body["coverage"]["status"], "inactive", "{label}"),
        Scenario::Dependent => {
            assert_eq!(body["coverage"]["status"], "active", "{label}");
            assert!(
                !body["dependents"].as_array().unwrap().is_empty(),
                "{label}: {body}"
            );
        }
        Scenario::DeductibleMet => {
            let remaining =
                &service(body, "30")["inNetwork"]["deductible"]["individual"]["remaining"];
            assert_eq!(remaining.as_f64(), Some(0.0), "{label}: {body}");
        }
        Scenario::AuthRequired => {
            assert!(
                services(body)
                    .iter()
                    .any(|s| s["authorizationRequired"] == true),
                "{label}: {body}"
            );
        }
        Scenario::PharmacyCarveOut => {
            let text = body["benefitsInformation"].to_string();
            assert!(text.contains(plan::PBM_NAME), "{label}: {body}");
        }
        Scenario::InvalidMember => {
            assert_eq!(answer.error_code(), "payer_rejected", "{label}");
            assert_eq!(body["errors"][0]["code"], "72", "{label}: {body}");
            assert_eq!(body["errors"][0]["retryable"], false, "{label}");
        }
        Scenario::PayerUnavailable => {
            assert_eq!(answer.error_code(), "payer_unavailable", "{label}");
            assert_eq!(body["errors"][0]["code"], "42", "{label}: {body}");
            assert!(answer.retry_after.is_some(), "{label}: Retry-After");
        }
        Scenario::Malformed => {
            assert_eq!(answer.error_code(), "payer_bad_response", "{label}: {body}")
        }
        Scenario::Rejected999 => {
            assert_eq!(answer.error_code(), "payer_rejected", "{label}");
            let errors = body["errors"].as_array().unwrap();
            assert!(
                errors
                    .iter()
                    .any(|e| e["code"].as_str().unwrap().starts_with("999-")),
                "{label}: {body}"
            );
        }
        Scenario::Timeout => {
            assert_eq!(answer.error_code(), "deadline_exceeded", "{label}");
            assert!(
                answer.elapsed < Duration::from_millis(DEADLINE_MS + 1500),
                "{label}: took {:?}",
                answer.elapsed
            );
        }
    }
    if answer.status == 200 {
        let exchange = &body["meta"]["x12"][0];
        if transport.sends_x12() {
            assert!(exchange["interchangeControlNumber"].is_string(), "{label}");
        }
        if transport.is_core() {
            assert!(exchange["payloadId"].is_string(), "{label}: {body}");
        }
    }
}

/// Runs every scenario through one transport, concurrently.
async fn every_scenario(transport: Transport) {
    let sandbox = sandbox_payer(&[]);
    let gateway = Gateway::start(&sandbox, &[]);
    let deadline = DEADLINE_MS.to_string();
    let checks = Scenario::ALL.into_iter().map(|scenario| {
        let gateway = &gateway;
        let deadline = deadline.as_str();
        async move {
            let member = member(scenario.prefix());
            let mut body = request(transport.payer, &member);
            if scenario == Scenario::Dependent {
                body["dependents"] = serde_json::json!([
                    {"firstName": "JOHNNY", "lastName": "DOE", "dateOfBirth": "20150304", "gender": "M"}
                ]);
            }
            let headers: &[(&str, &str)] = if scenario == Scenario::Timeout {
                &[("x-request-timeout-ms", deadline)]
            } else {
                &[]
            };
            let answer = gateway.check(&body, headers).await;
            (scenario, member, answer)
        }
    });
    for (scenario, member, answer) in futures::future::join_all(checks).await {
        check_fields(transport, scenario, &member, &answer);
    }
    // Every inquiry reached the payer through this transport (retries, where the gateway makes them for
    // retryable answers, may add calls), under its own member.
    let stats = sandbox_get(&sandbox, "/stats").await;
    let count = |v: &Value| v.as_u64().unwrap_or(0);
    assert!(count(&stats["byProtocol"][transport.kind]) >= 12, "{stats}");
    assert_eq!(stats["byMember"].as_object().unwrap().len(), 12, "{stats}");
    for scenario in Scenario::ALL {
        assert!(count(&stats["byScenario"][scenario.name()]) >= 1, "{stats}");
    }
    // The sandbox payer never logs member IDs.
    let log = sandbox.stop();
    for member_key in stats["byMember"].as_object().unwrap().keys() {
        assert!(!log.contains(member_key.as_str()), "member id in the log");
    }
}

#[tokio::test]
async fn every_scenario_through_core_soap() {
    every_scenario(TRANSPORTS[0]).await;
}

#[tokio::test]
async fn every_scenario_through_core_mime() {
    every_scenario(TRANSPORTS[1]).await;
}

#[tokio::test]
async fn every_scenario_through_x12_http() {
    every_scenario(TRANSPORTS[2]).await;
}

#[tokio::test]
async fn every_scenario_through_chc_json() {
    every_scenario(TRANSPORTS[3]).await;
}
