//! Checks against the sandbox payer over HTTP: every scenario's answer and status, the cache, service-type
//! splitting, deadlines, and the other endpoints.
use std::time::{Duration, Instant};

use payer_sandbox::Scenario;
use serde_json::{json, Value};

use crate::helpers::{member, request, spawn_app};

/// The status the API answers for each scenario (see `crate::error` in the gateway), and what the answer
/// must hold.
fn check_scenario(scenario: Scenario, status: u16, body: &Value, retry_after: Option<&str>) {
    let coverage = body["coverage"]["status"].as_str().unwrap_or("");
    let services = body["coverage"]["services"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    let name = scenario.name();
    match scenario {
        Scenario::Active | Scenario::Slow => {
            assert_eq!(status, 200, "{name}: {body}");
            assert_eq!(coverage, "active", "{name}");
            assert!(!services.is_empty(), "{name}: no services");
            assert!(
                body["coverage"]["planName"].is_string(),
                "{name}: no plan name"
            );
        }
        Scenario::Inactive => {
            assert_eq!(status, 200, "{name}: {body}");
            assert_eq!(coverage, "inactive", "{name}");
        }
        Scenario::Dependent => {
            assert_eq!(status, 200, "{name}: {body}");
            assert_eq!(coverage, "active", "{name}");
            assert!(
                !body["dependents"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .is_empty(),
                "{name}: no dependents"
            );
        }
        Scenario::DeductibleMet => {
            assert_eq!(status, 200, "{name}: {body}");
            assert_eq!(coverage, "active", "{name}");
            let met = services.iter().any(|service| {
                service["inNetwork"]["deductible"]["individual"]["remaining"].as_f64() == Some(0.0)
            });
            assert!(met, "{name}: no deductible with 0 remaining: {body}");
        }
        Scenario::AuthRequired => {
            assert_eq!(status, 200, "{name}: {body}");
            assert!(
                services
                    .iter()
                    .any(|service| service["authorizationRequired"] == json!(true)),
                "{name}: no service requires authorization: {body}"
            );
        }
        Scenario::PharmacyCarveOut => {
            assert_eq!(status, 200, "{name}: {body}");
            assert_eq!(coverage, "active", "{name}");
            let benefits = body["benefitsInformation"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert!(
                benefits.iter().any(|benefit| benefit["code"] == "R"
                    && benefit["benefitsRelatedEntities"]
                        .as_array()
                        .is_some_and(|e| !e.is_empty())),
                "{name}: no EB*R naming the pharmacy benefit manager: {body}"
            );
        }
        Scenario::InvalidMember => {
            assert_eq!(status, 422, "{name}: {body}");
            assert_eq!(body["error"]["code"], "payer_rejected", "{name}");
            assert_eq!(coverage, "rejected", "{name}");
            assert!(
                errors.iter().any(|error| error["code"] == "72"),
                "{name}: {body}"
            );
        }
        Scenario::PayerUnavailable => {
            assert_eq!(status, 503, "{name}: {body}");
            assert_eq!(body["error"]["code"], "payer_unavailable", "{name}");
            assert!(
                errors
                    .iter()
                    .any(|error| error["code"] == "42" && error["retryable"] == true),
                "{name}: {body}"
            );
            assert!(retry_after.is_some(), "{name}: no Retry-After");
        }
        Scenario::Malformed => {
            assert_eq!(status, 502, "{name}: {body}");
            assert_eq!(body["error"]["code"], "payer_bad_response", "{name}");
            assert!(
                body.get("x12").is_none(),
                "{name}: raw payload without x12=true"
            );
        }
        Scenario::Rejected999 => {
            assert_eq!(status, 422, "{name}: {body}");
            assert_eq!(body["error"]["code"], "payer_rejected", "{name}");
            assert!(!errors.is_empty(), "{name}: no normalized errors: {body}");
        }
        Scenario::Timeout => {
            assert_eq!(status, 504, "{name}: {body}");
            assert_eq!(body["error"]["code"], "deadline_exceeded", "{name}");
        }
    }
}

#[tokio::test]
async fn every_sandbox_scenario_gets_its_answer_and_status() {
    let app = spawn_app();
    for scenario in Scenario::ALL {
        let body = request("sandbox", &member(scenario.prefix()));
        let deadline = if scenario == Scenario::Timeout {
            "1000"
        } else {
            "10000"
        };
        let response = app
            .check_with(&body, &[("X-Request-Timeout-Ms", deadline)], "")
            .await;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|value| value.to_str().unwrap().to_owned());
        let trace_header = response.headers().get("x-trace-id").cloned();
        let body: Value = response.json().await.unwrap();
        check_scenario(scenario, status, &body, retry_after.as_deref());
        assert!(trace_header.is_some(), "{}: no X-Trace-Id", scenario.name());
        if status == 200 {
            assert_eq!(
                body["meta"]["traceId"].as_str(),
                trace_header.unwrap().to_str().ok()
            );
        }
    }
}

#[tokio::test]
async fn a_second_identical_check_is_a_cache_hit_without_a_payer_call() {
    let app = spawn_app();
    let body = request("sandbox", &member("ACT"));
    let first: Value = app.check(&body).await.json().await.unwrap();
    assert_eq!(first["meta"]["cache"]["hit"], false, "{first}");
    assert_eq!(first["meta"]["x12"].as_array().unwrap().len(), 1, "{first}");
    assert_eq!(first["meta"]["attempts"], 1);

    let second: Value = app.check(&body).await.json().await.unwrap();
    assert_eq!(second["meta"]["cache"]["hit"], true, "{second}");
    assert!(
        second["meta"]["x12"].as_array().unwrap().is_empty(),
        "a payer call was made: {second}"
    );
    assert_eq!(second["meta"]["attempts"], 0);
    assert_eq!(second["coverage"], first["coverage"]);

    // A different member misses.
    let other: Value = app
        .check(&request("sandbox", &member("ACT")))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other["meta"]["cache"]["hit"], false);
}

#[tokio::test]
async fn service_types_are_split_per_payer_limit_and_merged() {
    let app = spawn_app();
    let codes = ["30", "1", "33", "88"];
    for (payer, calls) in [("sandbox-single", codes.len()), ("sandbox", 1)] {
        let mut body = request(payer, &member("ACT"));
        body["encounter"]["serviceTypeCodes"] = json!(codes);
        let response = app.check(&body).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["meta"]["x12"].as_array().unwrap().len(),
            calls,
            "{payer}: {}",
            body["meta"]
        );
        assert_eq!(body["meta"]["attempts"], calls);
        let answered: Vec<&str> = body["coverage"]["services"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|service| service["serviceTypeCode"].as_str())
            .collect();
        for code in codes {
            assert!(
                answered.contains(&code),
                "{payer}: service type {code} missing from {answered:?}"
            );
        }
        assert_eq!(body["coverage"]["status"], "active");
    }
}

#[tokio::test]
async fn a_short_deadline_on_the_slow_scenario_gets_504_in_time() {
    let app = spawn_app();
    let started = Instant::now();
    let response = app
        .check_with(
            &request("sandbox", &member("SLOW")),
            &[("X-Request-Timeout-Ms", "300")],
            "",
        )
        .await;
    let elapsed = started.elapsed();
    assert_eq!(response.status(), 504);
    assert!(
        elapsed < Duration::from_millis(1200),
        "answered after {elapsed:?}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "deadline_exceeded");
}

#[tokio::test]
async fn raw_x12_only_on_request() {
    let app = spawn_app();
    let body = request("sandbox", &member("ACT"));
    let without: Value = app.check(&body).await.json().await.unwrap();
    assert!(without.get("x12").is_none());
    let with: Value = app
        .check_with(&body, &[], "?x12=true")
        .await
        .json()
        .await
        .unwrap();
    assert!(with["x12"].as_str().unwrap().starts_with("ISA"), "{with}");
    let header: Value = app
        .check_with(&body, &[("X-Include-X12", "true")], "")
        .await
        .json()
        .await
        .unwrap();
    assert!(header["x12"].is_string());
}

#[tokio::test]
async fn the_v3_path_and_aliases_answer_the_same_check() {
    let app = spawn_app();
    let response = app
        .client
        .post(format!(
            "{}/change/medicalnetwork/eligibility/v3",
            app.address
        ))
        .json(&request("sbx", &member("ACT")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["coverage"]["status"], "active");
}

#[tokio::test]
async fn an_unknown_payer_is_404_with_close_matches() {
    let app = spawn_app();
    let response = app.check(&request("sandbx", &member("ACT"))).await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unknown_payer");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sandbox"),
        "{body}"
    );
    assert_eq!(
        body["error"]["fields"][0]["path"],
        "tradingPartnerServiceId"
    );
}

#[tokio::test]
async fn payers_health_readiness_and_openapi() {
    let app = spawn_app();
    let payers: Value = app.get("/v1/payers").await.json().await.unwrap();
    let ids: Vec<&str> = payers["payers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(ids, vec!["sandbox", "sandbox-single"]);
    let search: Value = app.get("/v1/payers?q=single").await.json().await.unwrap();
    assert_eq!(search["payers"][0]["id"], "sandbox-single");
    let by_alias = app.get("/v1/payers/sbx").await;
    assert_eq!(by_alias.status(), 200);
    assert_eq!(by_alias.json::<Value>().await.unwrap()["id"], "sandbox");
    let unknown = app.get("/v1/payers/nobody").await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.json::<Value>().await.unwrap()["error"]["code"],
        "unknown_payer"
    );

    assert_eq!(app.get("/healthz").await.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(ready["checks"]["cache"]["kind"], "memory");
    assert_eq!(ready["checks"]["payers"]["count"], 2);

    let openapi: Value = app.get("/openapi.json").await.json().await.unwrap();
    for path in [
        "/v1/eligibility",
        "/change/medicalnetwork/eligibility/v3",
        "/v1/payers",
        "/v1/payers/{id}",
        "/healthz",
        "/readyz",
        "/openapi.json",
    ] {
        assert!(
            openapi["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    let responses = &openapi["paths"]["/v1/eligibility"]["post"]["responses"];
    for status in [
        "200", "400", "404", "413", "415", "422", "502", "503", "504",
    ] {
        assert!(
            responses[status].is_object(),
            "status {status} undocumented"
        );
    }
    for schema in [
        "CheckBody",
        "ErrorBody",
        "EligibilityRequestDto",
        "EligibilityResponse",
        "Meta",
        "FieldError",
    ] {
        assert!(
            openapi["components"]["schemas"][schema].is_object(),
            "schema {schema} missing"
        );
    }

    let missing = app.get("/nowhere").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.json::<Value>().await.unwrap()["error"]["code"],
        "not_found"
    );
    let wrong_method = app.get("/v1/eligibility").await;
    assert_eq!(wrong_method.status(), 405);
}
