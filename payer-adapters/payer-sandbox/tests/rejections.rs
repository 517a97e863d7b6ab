//! The scenarios that refuse or break, through the adapter: AAA rejections in a 271 (an answer), a 999 and a
//! corrupt 271 (errors), each with the normalized errors, retryability and fault side the gateway maps.
mod common;

use common::*;
use payer_core::{AdapterError, CoverageStatus, FaultSide, PayerAdapter};

#[tokio::test(start_paused = true)]
async fn invalid_member_is_a_payer_answer_with_aaa_72() {
    let reply = check("INV8008", &["30"]).await;
    let r = &reply.response;
    assert_eq!(r.coverage.status, CoverageStatus::Rejected);
    assert_eq!(r.errors.len(), 1);
    let error = &r.errors[0];
    assert_eq!(
        (error.code.as_str(), error.location.as_str()),
        ("72", "2100C")
    );
    assert_eq!(error.followup_action_code.as_deref(), Some("C"));
    assert!(!error.retryable);
    assert!(r.benefits_information.is_empty());
}

#[tokio::test(start_paused = true)]
async fn payer_unavailable_is_aaa_42_and_retryable() {
    let reply = check("UNA9009", &["30"]).await;
    let r = &reply.response;
    assert_eq!(r.coverage.status, CoverageStatus::Rejected);
    assert_eq!(r.errors.len(), 1);
    let error = &r.errors[0];
    assert_eq!(
        (error.code.as_str(), error.location.as_str()),
        ("42", "2100A")
    );
    assert!(error.retryable);
    assert!(r.subscriber.is_none());
    assert!(r.benefits_information.is_empty());
    assert_eq!(
        r.provider.as_ref().unwrap().npi.as_deref(),
        Some("1234567893")
    );
}

#[tokio::test(start_paused = true)]
async fn malformed_271_is_a_malformed_error_keeping_the_bytes() {
    let error = adapter(0)
        .check(&request("MAL1010", &["30"]))
        .await
        .unwrap_err();
    let AdapterError::Malformed { detail, raw } = &error else {
        panic!("expected Malformed, got {error:?}")
    };
    let raw = raw.as_deref().unwrap();
    assert!(
        raw.starts_with("ISA") && raw.contains("ST*271") && raw.ends_with("~EB*"),
        "{raw}"
    );
    assert!(
        detail.contains("EB"),
        "the error names the segment: {detail}"
    );
    for phi in [FIRST, LAST, "MAL1010", "19840309"] {
        assert!(
            !detail.contains(phi) && !error.to_string().contains(phi),
            "{detail}"
        );
    }
    assert!(!error.is_retryable());
    assert_eq!(error.side(), FaultSide::Payer);
}

#[tokio::test(start_paused = true)]
async fn rejection_999_is_a_rejected_error() {
    let error = adapter(0)
        .check(&request("REJ1111", &["30"]))
        .await
        .unwrap_err();
    let AdapterError::Rejected { errors } = &error else {
        panic!("expected Rejected, got {error:?}")
    };
    assert!(!errors.is_empty());
    assert!(
        errors.iter().all(|e| e.code.starts_with("999")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.code == "999-IK5-R"), "{errors:?}");
    assert!(!error.is_retryable());
    assert_eq!(error.side(), FaultSide::Client);
}
