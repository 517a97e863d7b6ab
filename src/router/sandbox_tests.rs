//! The router built from the embedded configuration, against the real in-process sandbox payer: real 270s
//! encoded, real 271/999 bytes decoded, split and merged, cached by outcome.
use std::time::Duration;

use payer_core::{AdapterError, CoverageStatus};
use tokio::time::Instant;

use super::*;
use crate::cache::tests::sample_inquiry;
use crate::config::load_from;

async fn router() -> Router {
    Router::build(&load_from(None, &[]).unwrap()).await.unwrap()
}

fn check(payer: &str, member_id: &str, codes: &[&str]) -> CheckRequest {
    let mut inquiry = sample_inquiry();
    inquiry.payer_id = payer.into();
    inquiry.subscriber.member_id = Some(payer_core::Phi::new(member_id.into()));
    inquiry.encounter.service_type_codes = codes.iter().map(|c| c.to_string()).collect();
    inquiry.encounter.date_of_service.begin = chrono::Utc::now().date_naive();
    CheckRequest {
        inquiry,
        deadline: Instant::now() + Duration::from_secs(20),
        include_x12: false,
        trace_id: "sandbox-test".into(),
    }
}

#[tokio::test]
async fn split_check_against_the_single_type_sandbox_is_merged_and_then_cached() {
    let router = router().await;
    let mut request = check("sbx-single", "ACT100200300", &["30", "88", "98"]);
    request.include_x12 = true;
    let answer = router.check(request).await.unwrap();
    assert_eq!(answer.response.status(), CoverageStatus::Active);
    assert_eq!(answer.meta.attempts, 3);
    let controls: std::collections::HashSet<_> = answer
        .meta
        .x12
        .iter()
        .map(|x| x.interchange_control_number.clone())
        .collect();
    assert_eq!(controls.len(), 3, "each 270 has its own control number");
    let response = answer.response.decoded();
    let services: Vec<&str> = response
        .coverage
        .services
        .iter()
        .map(|s| s.service_type_code.as_str())
        .collect();
    for code in ["30", "88", "98"] {
        assert!(services.contains(&code), "{code} missing from {services:?}");
    }
    let raw = answer.response.decoded().x12.unwrap();
    assert_eq!(raw.matches("ISA").count(), 3, "one raw 271 per payer call");

    let again = router
        .check(check("sandbox-single", "ACT100200300", &["98", "30", "88"]))
        .await
        .unwrap();
    assert!(again.meta.cache.hit);
    assert_eq!(again.meta.attempts, 0);
    assert!(again.response.decoded().x12.is_none());
}

#[tokio::test]
async fn outcomes_are_cached_by_kind() {
    let router = router().await;
    for (member, status, cached) in [
        ("INA100", CoverageStatus::Inactive, true),
        ("INV100", CoverageStatus::Rejected, true),
        ("UNA100", CoverageStatus::Rejected, false),
    ] {
        let first = router
            .check(check("sandbox", member, &["30"]))
            .await
            .unwrap();
        assert_eq!(first.response.status(), status, "{member}");
        let second = router
            .check(check("sandbox", member, &["30"]))
            .await
            .unwrap();
        assert_eq!(second.meta.cache.hit, cached, "{member}");
    }
}

#[tokio::test]
async fn rejections_and_garbage_are_payer_errors() {
    let router = router().await;
    let error = router
        .check(check("sandbox", "REJ100", &["30"]))
        .await
        .unwrap_err();
    assert!(
        matches!(error, CheckError::Payer(AdapterError::Rejected { .. })),
        "{error:?}"
    );
    let error = router
        .check(check("sandbox", "MAL100", &["30"]))
        .await
        .unwrap_err();
    assert!(
        matches!(error, CheckError::Payer(AdapterError::Malformed { .. })),
        "{error:?}"
    );
    // Errors are never cached.
    let error = router
        .check(check("sandbox", "MAL100", &["30"]))
        .await
        .unwrap_err();
    assert!(matches!(error, CheckError::Payer(_)));
}

#[tokio::test(start_paused = true)]
async fn a_silent_payer_is_cut_at_the_deadline() {
    let router = router().await;
    let mut request = check("sandbox", "TIME100", &["30"]);
    let started = Instant::now();
    request.deadline = started + Duration::from_millis(1500);
    let error = router.check(request).await.unwrap_err();
    assert!(matches!(error, CheckError::DeadlineExceeded), "{error:?}");
    assert_eq!(started.elapsed(), Duration::from_millis(1500));
}
