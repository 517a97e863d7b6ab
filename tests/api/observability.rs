//! A full run of every sandbox scenario, then what it left behind: `/metrics` counts every check by payer and
//! outcome as the API answered it; the audit file holds exactly one record per check, none of the member data,
//! and `eligibility-gateway audit` finds a member's records; the logs hold no member data either.
// See: issue 7.
use std::collections::BTreeMap;
use std::time::Duration;

use payer_sandbox::Scenario;
use serde_json::{json, Value};

use crate::helpers::{run_to_exit, spawn_app_with, TempDir, NPI};
use crate::metric::metric;

/// The audit HMAC key of these tests (not the cache's).
pub const AUDIT_KEY: &str = "9f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// The `[audit]` section writing to `dir`.
pub fn audit_section(dir: &TempDir) -> String {
    format!(
        "[audit]\nsink = \"file\"\npath = \"{}\"\nhmac_key = \"{AUDIT_KEY}\"\nmax_bytes = 65536\nkeep_files = 20\n",
        dir.path().join("audit").join("audit.jsonl").display()
    )
}

/// The outcome label the API's answer stands for.
fn outcome_of(status: u16, body: &Value) -> &'static str {
    match status {
        200 => match body["coverage"]["status"].as_str() {
            Some("active") => "active",
            Some("inactive") => "inactive",
            _ => "unknown",
        },
        422 => "rejected",
        503 => "unavailable",
        502 => "bad_response",
        504 => "timeout",
        404 => "unknown_payer",
        other => panic!("unexpected status {other}: {body}"),
    }
}

#[tokio::test]
async fn a_full_run_is_counted_audited_once_per_check_and_leaks_no_member_data() {
    let dir = TempDir::new();
    let app = spawn_app_with("debug", &audit_section(&dir));
    let mut secrets: Vec<String> = Vec::new();
    let mut expected: BTreeMap<(String, &'static str), u64> = BTreeMap::new();
    let mut trace_ids: Vec<String> = Vec::new();
    let mut cache_hits = 0u64;
    let mut members: Vec<(String, String, String, String)> = Vec::new();
    for (index, scenario) in Scenario::ALL.into_iter().enumerate() {
        let payer = if index % 2 == 0 {
            "sandbox"
        } else {
            "sandbox-single"
        };
        let member_id = format!("{}QK{index}W5512", scenario.prefix());
        let first = format!("ZEPHYRINQK{index}");
        let last = format!("QUILLFEATHERQK{index}");
        let birth = format!("1971031{}", index % 10);
        let dependent_first = format!("OPHELIAQK{index}");
        let body = json!({
            "tradingPartnerServiceId": payer,
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
        // Twice: the second is a cache hit where the outcome is cacheable.
        for _ in 0..2 {
            let response = app
                .check_with(&body, &[("X-Request-Timeout-Ms", deadline)], "")
                .await;
            let status = response.status().as_u16();
            let trace_id = response.headers()["x-trace-id"]
                .to_str()
                .unwrap()
                .to_owned();
            let answer: Value = response.json().await.unwrap();
            if answer["meta"]["cache"]["hit"] == json!(true) {
                cache_hits += 1;
            }
            *expected
                .entry((payer.to_owned(), outcome_of(status, &answer)))
                .or_default() += 1;
            trace_ids.push(trace_id);
        }
        members.push((
            member_id.clone(),
            first.clone(),
            last.clone(),
            birth.clone(),
        ));
        secrets.extend([member_id, first, last, birth.clone(), dependent_first]);
        secrets.push(format!("{}-{}-{}", &birth[..4], &birth[4..6], &birth[6..]));
    }
    // An unknown payer is a check too (404), counted under payer="unknown".
    let unknown = crate::helpers::request("NO-SUCH-PAYER", "ACTQKUNKNOWN1");
    let response = app.check(&unknown).await;
    assert_eq!(response.status().as_u16(), 404);
    trace_ids.push(
        response.headers()["x-trace-id"]
            .to_str()
            .unwrap()
            .to_owned(),
    );
    *expected
        .entry(("unknown".to_owned(), "unknown_payer"))
        .or_default() += 1;
    secrets.push("ACTQKUNKNOWN1".to_owned());

    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status().as_u16(), 200);
    assert!(metrics.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = metrics.text().await.unwrap();
    let mut total = 0u64;
    for ((payer, outcome), count) in &expected {
        let series = format!("eligibility_checks_total{{outcome=\"{outcome}\",payer=\"{payer}\"}}");
        assert_eq!(metric(&text, &series), *count as f64, "{series}\n{text}");
        total += count;
    }
    let all_checks: f64 = text
        .lines()
        .filter(|line| line.starts_with("eligibility_checks_total{"))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert_eq!(
        all_checks, total as f64,
        "no check counted twice or elsewhere"
    );
    let hits: f64 = ["sandbox", "sandbox-single"]
        .iter()
        .map(|payer| {
            metric(
                &text,
                &format!("eligibility_cache_hits_total{{payer=\"{payer}\"}}"),
            )
        })
        .sum();
    assert_eq!(hits, cache_hits as f64);
    assert!(
        cache_hits >= 6,
        "the cacheable scenarios were answered from cache the second time"
    );
    for series in [
        "eligibility_check_duration_seconds_count{payer=\"sandbox\"}",
        "eligibility_payer_calls_total{outcome=\"active\",payer=\"sandbox\"}",
        "eligibility_payer_attempts_total{outcome=\"active\",payer=\"sandbox-single\"}",
        "eligibility_payer_attempt_duration_seconds_count{payer=\"sandbox-single\"}",
        "eligibility_cache_misses_total{payer=\"sandbox\"}",
    ] {
        assert!(metric(&text, series) > 0.0, "{series} is zero\n{text}");
    }
    assert_eq!(metric(&text, "eligibility_checks_in_flight"), 0.0);
    assert_eq!(
        metric(
            &text,
            "eligibility_payer_calls_total{outcome=\"timeout\",payer=\"sandbox-single\"}"
        ) + metric(
            &text,
            "eligibility_payer_calls_total{outcome=\"timeout\",payer=\"sandbox\"}"
        ),
        0.0,
        "the timeout scenario is cut by the deadline, not by the payer timeout"
    );
    for name in [
        "eligibility_single_flight_joins_total",
        "eligibility_rate_limit_rejections_total",
        "eligibility_circuit_state",
        "eligibility_retries_total",
        "eligibility_hedges_total",
        "eligibility_batch_checks_queued",
        "eligibility_redis_up",
        "eligibility_audit_records_total",
        "eligibility_api_rejections_total",
    ] {
        assert!(
            text.contains(&format!("# TYPE {name} ")),
            "{name} is not exported"
        );
    }
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "the metrics contain member data"
        );
    }

    let logs = app.terminate();
    let audit_path = dir.path().join("audit").join("audit.jsonl");
    let audit = std::fs::read_to_string(&audit_path).unwrap();
    let records: Vec<Value> = audit
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        records.len(),
        trace_ids.len(),
        "one record per check:\n{audit}"
    );
    let mut recorded: Vec<String> = records
        .iter()
        .map(|record| record["traceId"].as_str().unwrap().to_owned())
        .collect();
    recorded.sort();
    let mut sent = trace_ids.clone();
    sent.sort();
    assert_eq!(recorded, sent, "each check's trace id appears exactly once");
    for record in &records {
        assert_eq!(record["v"], json!(1));
        assert_eq!(record["client"], json!("anonymous"));
        assert!(record["time"].as_str().unwrap().ends_with('Z'));
        assert!(["cache", "payer", "none"].contains(&record["source"].as_str().unwrap()));
        assert!(record["controlNumber"].as_str().unwrap().len() == 9);
    }
    let from_payer = records
        .iter()
        .find(|record| record["source"] == json!("payer") && record["outcome"] == json!("active"))
        .unwrap();
    assert!(from_payer["exchanges"][0]["interchangeControlNumber"].is_string());
    assert_eq!(from_payer["serviceTypes"], json!(["30", "88"]));
    assert_eq!(from_payer["dependentHashes"].as_array().unwrap().len(), 1);
    for secret in &secrets {
        assert!(
            !audit.contains(secret.as_str()),
            "the audit file contains member data ({secret})"
        );
        assert!(
            !logs.contains(secret.as_str()),
            "the logs contain member data ({secret})"
        );
    }
    assert!(logs.contains("trace_id"), "log lines carry no trace id");

    // The audit command finds a member's two records, by member id or by name and date of birth.
    let config = dir.path().join("audit-cli.toml");
    std::fs::write(&config, format!("# Audit search.\n{}", audit_section(&dir))).unwrap();
    let config = config.to_str().unwrap().to_owned();
    let (member_id, first, last, birth) = &members[0];
    let (status, stdout, stderr) = run_to_exit(
        &[
            "audit",
            "--config",
            &config,
            "--member-id",
            &member_id.to_lowercase(),
        ],
        &[],
        Duration::from_secs(30),
    );
    assert!(status.success(), "{stderr}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    let by_person = run_to_exit(
        &[
            "audit",
            "--config",
            &config,
            "--first-name",
            first,
            "--last-name",
            last,
            "--dob",
            birth,
        ],
        &[],
        Duration::from_secs(30),
    );
    assert!(by_person.0.success(), "{}", by_person.2);
    assert_eq!(by_person.1, stdout, "the same two records");
    assert!(!stdout.contains(member_id.as_str()));
    let none = run_to_exit(
        &["audit", "--config", &config, "--member-id", "ACTNOBODY00"],
        &[],
        Duration::from_secs(30),
    );
    assert!(!none.0.success());
    assert!(none.1.is_empty());
}
