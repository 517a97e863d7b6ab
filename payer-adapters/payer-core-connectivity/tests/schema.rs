//! The SOAP envelopes built here validate against the CAQH CORE Rule 2.2.0 schema with `xmllint`, whenever
//! `shared/core-connectivity/` is beside the repository and `xmllint` is installed (Debian `libxml2-utils`);
//! otherwise the test prints why it did not run. The COREEnvelope element is cut out of the SOAP body (it
//! declares its own namespace, so it stands alone).
use std::path::{Path, PathBuf};
use std::process::Command;

use payer_core_connectivity::envelope::{CoreRequest, CoreResponse, Credentials, PAYLOAD_TYPE_271};
use payer_core_connectivity::soap::{build_request, build_response};
use secrecy::SecretString;

mod common;

fn schema() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/core-connectivity");
    let xsd = dir.join("CORERule2.2.0.xsd");
    if !xsd.is_file() {
        println!(
            "notice: {} is absent; schema validation skipped",
            xsd.display()
        );
        return None;
    }
    if Command::new("xmllint").arg("--version").output().is_err() {
        println!("notice: xmllint is not installed (apt-get install libxml2-utils); schema validation skipped");
        return None;
    }
    Some(xsd)
}

/// The `cor:<element>` element of a SOAP document.
fn core_element(xml: &str, element: &str) -> String {
    let open = format!("<cor:{element}");
    let close = format!("</cor:{element}>");
    let start = xml.find(&open).unwrap();
    let end = xml.find(&close).unwrap() + close.len();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n",
        &xml[start..end]
    )
}

/// Runs xmllint; `Ok` when the document validates, `Err` with its output otherwise.
fn validate(xsd: &Path, name: &str, document: &str) -> Result<(), String> {
    let dir = work_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
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

#[test]
fn built_envelopes_validate_against_the_caqh_schema() {
    let Some(xsd) = schema() else { return };
    let request = CoreRequest::real_time_270(
        uuid_like(),
        "2024-03-15T10:20:30Z",
        "SUBMITTER01",
        "ACMEHEALTH",
        common::ACTIVE_271.replace("ST*271", "ST*270"),
    );
    let creds = Credentials {
        username: "u".into(),
        password: SecretString::from("p"),
    };
    let xml = build_request(&request, Some(&creds)).unwrap();
    validate(
        &xsd,
        "request.xml",
        &core_element(&xml, "COREEnvelopeRealTimeRequest"),
    )
    .unwrap();

    let answer = CoreResponse::answer(&request, PAYLOAD_TYPE_271, common::ACTIVE_271);
    let xml = build_response(&answer).unwrap();
    validate(
        &xsd,
        "response.xml",
        &core_element(&xml, "COREEnvelopeRealTimeResponse"),
    )
    .unwrap();

    let error = CoreResponse::error(&request, "UnAuthorized", "bad credentials");
    let xml = build_response(&error).unwrap();
    validate(
        &xsd,
        "error.xml",
        &core_element(&xml, "COREEnvelopeRealTimeResponse"),
    )
    .unwrap();

    // The validation can fail: a response without ErrorCode, and a batch processing mode, do not validate.
    let without = core_element(
        &build_response(&answer).unwrap(),
        "COREEnvelopeRealTimeResponse",
    )
    .replace("<ErrorCode>Success</ErrorCode>", "");
    assert!(validate(&xsd, "broken.xml", &without).is_err());
    let batch = CoreRequest {
        processing_mode: "Batch".into(),
        ..request
    };
    let xml = build_request(&batch, None).unwrap();
    assert!(validate(
        &xsd,
        "batch.xml",
        &core_element(&xml, "COREEnvelopeRealTimeRequest")
    )
    .is_err());
    let _ = std::fs::remove_dir_all(work_dir());
}

fn work_dir() -> PathBuf {
    std::env::temp_dir().join(format!("core-schema-{}", std::process::id()))
}

fn uuid_like() -> String {
    "f81d4fae-7dec-11d0-a765-00a0c91e6bf6".to_owned()
}
