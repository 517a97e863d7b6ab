//! The command line: `check` in process and against a running gateway, `payers`, `scenarios`, `x12`.
use std::time::Duration;

use crate::helpers::{run_to_exit, spawn_app, write_config, TempDir, NPI};

const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn check_in_process_prints_a_table_and_exits_by_outcome() {
    let dir = TempDir::new();
    let config = write_config(&dir, "info", "");
    let config = config.to_str().unwrap();
    let args = |member: &'static str| {
        vec![
            "check",
            "--config",
            config,
            "--payer",
            "sandbox",
            "--member-id",
            member,
            "--npi",
            NPI,
            "--provider-name",
            "CLINIC",
            "--service-type",
            "30,88",
        ]
    };
    let (status, stdout, stderr) = run_to_exit(&args("ACT123"), &[], LIMIT);
    assert!(status.success(), "{stderr}");
    assert!(stdout.contains("ACTIVE"), "{stdout}");
    assert!(
        stdout.contains("30 Health Benefit Plan Coverage"),
        "{stdout}"
    );

    let (status, stdout, _) = run_to_exit(&args("INV123"), &[], LIMIT);
    assert_eq!(status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("72"), "{stdout}");

    let (status, _, stderr) = run_to_exit(
        &[
            "check",
            "--config",
            config,
            "--payer",
            "sandbox",
            "--member-id",
            "ACT1",
            "--npi",
            "1234567890",
        ],
        &[],
        LIMIT,
    );
    assert_eq!(status.code(), Some(1));
    assert!(stderr.contains("provider.npi"), "{stderr}");
}

#[tokio::test]
async fn check_against_a_running_gateway_prints_json() {
    let app = spawn_app();
    let address = app.address.clone();
    let (status, stdout, stderr) = tokio::task::spawn_blocking(move || {
        run_to_exit(
            &[
                "check",
                "--url",
                &address,
                "--json",
                "--payer",
                "sbx",
                "--member-id",
                "DED42",
                "--npi",
                NPI,
                "--provider-name",
                "CLINIC",
            ],
            &[],
            LIMIT,
        )
    })
    .await
    .unwrap();
    assert!(status.success(), "{stderr}");
    let body: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(body["coverage"]["status"], "active");
    assert_eq!(body["meta"]["cache"]["hit"], false);
}

#[test]
fn payers_and_scenarios_list_their_tables() {
    let dir = TempDir::new();
    let config = write_config(&dir, "info", "");
    let (status, stdout, _) = run_to_exit(
        &["payers", "--config", config.to_str().unwrap()],
        &[],
        LIMIT,
    );
    assert!(status.success());
    assert!(stdout.contains("sandbox-single"), "{stdout}");
    let (status, stdout, _) = run_to_exit(&["payers", "--json"], &[], LIMIT);
    assert!(status.success());
    let payers: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(!payers["payers"].as_array().unwrap().is_empty());

    let (status, stdout, _) = run_to_exit(&["scenarios"], &[], LIMIT);
    assert!(status.success());
    for scenario in payer_sandbox::Scenario::ALL {
        assert!(
            stdout.contains(scenario.name()),
            "{} missing: {stdout}",
            scenario.name()
        );
    }
}

#[test]
fn x12_build_and_parse() {
    let dir = TempDir::new();
    let request = dir.path().join("request.json");
    std::fs::write(
        &request,
        serde_json::json!({
            "controlNumber": "000000042",
            "tradingPartnerServiceId": "SANDBOX",
            "provider": {"organizationName": "CLINIC", "npi": NPI},
            "subscriber": {"memberId": "ACT1", "firstName": "JANE", "lastName": "DOE", "dateOfBirth": "19800102"},
            "encounter": {"serviceTypeCodes": ["30", "88"]}
        })
        .to_string(),
    )
    .unwrap();
    let (status, stdout, stderr) =
        run_to_exit(&["x12", "build", request.to_str().unwrap()], &[], LIMIT);
    assert!(status.success(), "{stderr}");
    assert!(stdout.starts_with("ISA*"), "{stdout}");
    assert!(stdout.contains("ST*270*"), "{stdout}");
    assert!(
        stdout.contains("EQ*30^88") || stdout.contains("EQ*30"),
        "{stdout}"
    );

    // A 270 is not a payer reply: a structured error on stderr, exit code 1.
    let inquiry = dir.path().join("inquiry.x12");
    std::fs::write(&inquiry, &stdout).unwrap();
    let (status, stdout, stderr) =
        run_to_exit(&["x12", "parse", inquiry.to_str().unwrap()], &[], LIMIT);
    assert_eq!(status.code(), Some(1), "{stdout}");
    let error: serde_json::Value = serde_json::from_str(stderr.trim()).unwrap();
    assert_eq!(error["error"]["code"], "x12_decode_error");

    let invalid = dir.path().join("invalid.json");
    std::fs::write(&invalid, r#"{"tradingPartnerServiceId": "SANDBOX"}"#).unwrap();
    let (status, _, stderr) = run_to_exit(&["x12", "build", invalid.to_str().unwrap()], &[], LIMIT);
    assert_eq!(status.code(), Some(1));
    assert!(stderr.contains("provider"), "{stderr}");
}

/// Every reply in the shared X12 corpus either decodes into JSON lines with `coverage`, or fails with a
/// structured error and exit code 1; none crashes the command.
#[test]
fn x12_parse_over_the_shared_corpus() {
    let corpus = std::path::Path::new("/work/shared/corpus/x12");
    let Ok(entries) = std::fs::read_dir(corpus) else {
        println!(
            "notice: {} is absent; skipping the corpus run",
            corpus.display()
        );
        return;
    };
    let mut decoded = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.ends_with(".271.x12") || name.ends_with(".999.x12")) {
            continue;
        }
        let (status, stdout, stderr) =
            run_to_exit(&["x12", "parse", path.to_str().unwrap()], &[], LIMIT);
        match status.code() {
            Some(0) => {
                assert!(!stdout.trim().is_empty(), "{name}: no output");
                for line in stdout.lines() {
                    let value: serde_json::Value = serde_json::from_str(line).unwrap();
                    assert!(
                        value.get("coverage").is_some() || value.get("acknowledged").is_some(),
                        "{name}: {line}"
                    );
                }
                decoded += 1;
            }
            Some(1) => {
                let error: serde_json::Value = serde_json::from_str(stderr.trim()).unwrap();
                assert_eq!(error["error"]["code"], "x12_decode_error", "{name}");
            }
            other => panic!("{name}: exit {other:?}: {stderr}"),
        }
    }
    assert!(decoded > 0, "no corpus reply decoded");
}
