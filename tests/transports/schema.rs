//! The SOAP envelopes on the wire, both ways, validate against the CAQH CORE Rule 2.2.0 schema
//! (`../shared/core-connectivity/CORERule2.2.0.xsd`, with `xmllint`): the gateway's requests, and the sandbox
//! payer's answers carrying a 271, a 999, a TA1, and an `ErrorCode`. Skipped with a notice when the schema
//! folder or xmllint is absent.
use std::path::{Path, PathBuf};
use std::process::Command;

use payer_core_connectivity::envelope::CoreRequest;
use payer_core_connectivity::soap::{build_request, SOAP_CONTENT_TYPE};
use serde_json::Value;

use crate::helpers::*;

fn schema() -> Option<PathBuf> {
    let xsd = root().join("../shared/core-connectivity/CORERule2.2.0.xsd");
    if !xsd.is_file() {
        println!(
            "notice: {} is absent; CORE schema validation skipped",
            xsd.display()
        );
        return None;
    }
    if Command::new("xmllint").arg("--version").output().is_err() {
        println!(
            "notice: xmllint is not installed (libxml2-utils); CORE schema validation skipped"
        );
        return None;
    }
    Some(xsd)
}

/// The `cor:<element>` element of a SOAP document, standing alone (it declares its own namespace).
fn core_element(xml: &str, element: &str) -> String {
    let open = format!("<cor:{element}");
    let close = format!("</cor:{element}>");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no {element} in {xml}"));
    let end = xml.find(&close).unwrap() + close.len();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n",
        &xml[start..end]
    )
}

/// Runs xmllint on `document`; the error output when it does not validate.
fn validate(xsd: &Path, dir: &TempDir, name: &str, document: &str) -> Result<(), String> {
    let file = dir.path().join(name);
    std::fs::write(&file, document).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .arg(&file)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Validates the request and the response envelope of every SOAP exchange; returns how many responses
/// carried each `PayloadType` or `ErrorCode`.
fn validate_exchanges(xsd: &Path, exchanges: &[Value]) -> Vec<String> {
    let dir = TempDir::new();
    let mut seen = Vec::new();
    for (i, exchange) in exchanges.iter().enumerate() {
        let response = exchange["response"].as_str().unwrap_or("");
        // Refusals before the envelope (credentials) are SOAP faults, not CORE envelopes.
        if exchange["protocol"] != "x12-core-soap"
            || !response.contains("COREEnvelopeRealTimeResponse")
        {
            continue;
        }
        let request = exchange["request"].as_str().unwrap();
        validate(
            xsd,
            &dir,
            &format!("request-{i}.xml"),
            &core_element(request, "COREEnvelopeRealTimeRequest"),
        )
        .unwrap_or_else(|e| panic!("request {i} does not validate: {e}"));
        let envelope = core_element(response, "COREEnvelopeRealTimeResponse");
        validate(xsd, &dir, &format!("response-{i}.xml"), &envelope)
            .unwrap_or_else(|e| panic!("response {i} does not validate: {e}"));
        let between = |open: &str, close: &str| {
            let start = envelope.find(open).unwrap() + open.len();
            let end = envelope.find(close).unwrap();
            envelope[start..end].to_owned()
        };
        seen.push(format!(
            "{} {}",
            between("<PayloadType>", "</PayloadType>"),
            between("<ErrorCode>", "</ErrorCode>")
        ));
    }
    seen
}

#[tokio::test]
async fn soap_envelopes_both_ways_validate_against_the_caqh_schema() {
    let Some(xsd) = schema() else { return };
    let soap = TRANSPORTS[0];

    // The gateway's requests and the payer's 271 and 999 answers.
    let sandbox = sandbox_payer(&[]);
    let gateway = Gateway::start(&sandbox, &[]);
    for prefix in ["ACT", "INV", "REJ"] {
        gateway
            .check(&request(soap.payer, &member(prefix)), &[])
            .await;
    }
    // An ErrorCode answer: a request in another rule version, sent straight to the payer.
    let mut core = CoreRequest::real_time_270(
        "f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
        "2024-03-15T10:20:30Z",
        "ELIGGATEWAY",
        "SANDBOX",
        "ISA*00*",
    );
    core.core_rule_version = "2.1.0".to_owned();
    let xml = build_request(&core, None).unwrap();
    let status = reqwest::Client::new()
        .post(format!("{}/core/soap", sandbox.address))
        .header("content-type", SOAP_CONTENT_TYPE)
        .body(xml)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(
        status, 401,
        "no credentials: refused before the version check"
    );

    let mut seen = validate_exchanges(&xsd, &exchanges(&sandbox).await);
    drop(gateway);
    drop(sandbox);

    // A TA1 answer, and an ErrorCode answer (VersionMismatch) from a payer that checks no credentials.
    let sandbox = Process::start(
        &[
            "sandbox-payer",
            "--listen",
            "127.0.0.1:0",
            "--latency",
            "0",
            "--fault-ta1",
            "1",
        ],
        &[],
    );
    let gateway = Gateway::start(&sandbox, &[]);
    gateway
        .check(&request(soap.payer, &member("ACT")), &[])
        .await;
    let xml = build_request(&core, None).unwrap();
    let answer = reqwest::Client::new()
        .post(format!("{}/core/soap", sandbox.address))
        .header("content-type", SOAP_CONTENT_TYPE)
        .body(xml)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer.text().await.unwrap().contains("VersionMismatch"));
    seen.extend(validate_exchanges(&xsd, &exchanges(&sandbox).await));

    seen.sort();
    assert_eq!(
        seen,
        [
            "X12_270_Request_005010X279A1 VersionMismatch",
            "X12_271_Response_005010X279A1 Success",
            "X12_271_Response_005010X279A1 Success",
            "X12_999_Response_005010X231A1 Success",
            "X12_TA1_Response_00501X231A1 Success",
        ],
        "the answers validated"
    );
}
