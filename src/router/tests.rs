//! Unit tests of the router over counting in-test adapters: resolution, splitting and merging, the cache by
//! outcome, and the deadline (tokio's paused clock).
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use payer_core::{
    AdapterError, CoverageStatus, EligibilityResponse, ExchangeInfo, PayerAdapter, PayerReply,
};
use tokio::time::Instant;

use super::test_adapter::{CountingAdapter, Mode};
use super::*;
use crate::cache::tests::sample_inquiry;
use crate::cache::{CacheKeyer, InMemoryCache};
use crate::config::{load_from, HmacKey};
use crate::layers::Timed;

/// A router over the embedded payers (sandbox: any service types except as `env` says; sandbox-single: one
/// per inquiry), each served by `adapter` (its id adjusted) behind the real `Timed` wrapper.
fn router_with(adapter: &CountingAdapter, env: &[(&str, &str)]) -> Router {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let settings = load_from(None, &env).unwrap();
    let mut adapters: HashMap<String, Arc<dyn PayerAdapter>> = HashMap::new();
    for payer in &settings.payers {
        let mut fake = adapter.clone();
        fake.id = payer.id.clone();
        adapters.insert(payer.id.clone(), Arc::new(Timed::new(fake, payer.timeout)));
    }
    Router::from_parts(
        crate::registry::PayerRegistry::from_settings(&settings),
        adapters,
        Arc::new(InMemoryCache::new(crate::cache::tests::entries(1000))),
        CacheKeyer::new(HmacKey::new([1; 32])),
    )
}

fn request(payer: &str, codes: &[&str]) -> CheckRequest {
    let mut inquiry = sample_inquiry();
    inquiry.payer_id = payer.into();
    inquiry.encounter.service_type_codes = codes.iter().map(|c| c.to_string()).collect();
    CheckRequest {
        inquiry,
        deadline: Instant::now() + Duration::from_secs(20),
        include_x12: false,
        trace_id: "trace-1".into(),
    }
}

#[tokio::test]
async fn splits_by_the_payers_limit_and_merges_the_answers() {
    let adapter = CountingAdapter::new("", Mode::Answer, Duration::from_millis(1));
    let router = router_with(&adapter, &[]);
    let answer = router
        .check(request("sbx-single", &["30", "88", "98"]))
        .await
        .unwrap();
    assert_eq!(adapter.calls(), 3);
    let mut seen = adapter.seen.lock().unwrap().clone();
    seen.sort();
    assert_eq!(
        seen,
        [vec!["30".to_string()], vec!["88".into()], vec!["98".into()]]
    );
    let response = &answer.response.decoded();
    // The plan-level EB*1*30 came back three times and is kept once; one copay per service type.
    assert_eq!(
        response
            .benefits_information
            .iter()
            .filter(|b| b.code == "1")
            .count(),
        1
    );
    assert_eq!(response.plan_status.len(), 1);
    let copays: Vec<&str> = response
        .benefits_information
        .iter()
        .filter(|b| b.code == "B")
        .map(|b| b.service_type_codes[0].as_str())
        .collect();
    assert_eq!(copays, ["30", "88", "98"]);
    // Coverage recomputed over the merged benefits: active, with each service type.
    assert_eq!(response.coverage.status, CoverageStatus::Active);
    let services: Vec<&str> = response
        .coverage
        .services
        .iter()
        .map(|s| s.service_type_code.as_str())
        .collect();
    assert!(
        ["30", "88", "98"]
            .iter()
            .all(|code| services.contains(code)),
        "{services:?}"
    );
    assert_eq!(answer.meta.attempts, 3);
    assert_eq!(answer.meta.x12.len(), 3);
    assert!(!answer.meta.cache.hit && answer.meta.cache.age_seconds.is_none());
    assert!(answer.meta.payer_latency_ms.is_some());
    assert_eq!(answer.meta.trace_id, "trace-1");
    assert!(
        response.x12.is_none(),
        "raw x12 returned without being asked"
    );

    // A payer that takes 99 gets one 270.
    let adapter = CountingAdapter::new("", Mode::Answer, Duration::from_millis(1));
    let router = router_with(&adapter, &[]);
    let answer = router
        .check(request("sandbox", &["30", "88", "98"]))
        .await
        .unwrap();
    assert_eq!((adapter.calls(), answer.meta.attempts), (1, 1));
}

#[tokio::test]
async fn a_second_identical_check_is_a_cache_hit_even_by_alias() {
    let adapter = CountingAdapter::new("", Mode::Answer, Duration::from_millis(1));
    let router = router_with(&adapter, &[]);
    let first = router.check(request("sandbox", &["30"])).await.unwrap();
    let mut again = request("SBX", &["30"]);
    again.inquiry.control_number = "000000777".into();
    again.include_x12 = true;
    let second = router.check(again).await.unwrap();
    assert_eq!(adapter.calls(), 1, "the hit called the payer");
    assert!(second.meta.cache.hit);
    assert_eq!(second.meta.cache.age_seconds, Some(0));
    assert_eq!(
        (
            second.meta.attempts,
            second.meta.x12.len(),
            second.meta.payer_latency_ms
        ),
        (0, 0, None)
    );
    assert_eq!(second.response.decoded().control_number, "000000777");
    assert_eq!(
        second.response.decoded().x12.as_deref(),
        Some("ISA*RAW1~"),
        "cached raw x12 returned on request"
    );
    assert_eq!(
        second.response.decoded().benefits_information,
        first.response.decoded().benefits_information
    );
    // Another payer is another key.
    router
        .check(request("sandbox-realistic", &["30"]))
        .await
        .unwrap();
    assert_eq!(adapter.calls(), 2);
}

#[tokio::test]
async fn default_service_type_is_30_and_unsupported_ones_are_refused() {
    let adapter = CountingAdapter::new("", Mode::Answer, Duration::from_millis(1));
    let router = router_with(
        &adapter,
        &[(
            "GATEWAY__PAYERS__SANDBOX__SERVICE_TYPES",
            "[\"30\", \"88\"]",
        )],
    );
    router.check(request("sandbox", &[])).await.unwrap();
    assert_eq!(adapter.seen.lock().unwrap()[0], ["30"]);
    let error = router
        .check(request("sandbox", &["30", "98", "MH"]))
        .await
        .unwrap_err();
    match error {
        CheckError::ServiceTypeNotSupported {
            payer_id,
            unsupported,
            supported,
        } => {
            assert_eq!(payer_id, "sandbox");
            assert_eq!(unsupported, ["98", "MH"]);
            assert_eq!(supported, ["30", "88"]);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(adapter.calls(), 1);
}

#[tokio::test]
async fn unknown_payers_are_refused_with_close_matches() {
    let adapter = CountingAdapter::new("", Mode::Answer, Duration::from_millis(1));
    let router = router_with(&adapter, &[]);
    match router.check(request("sandbx", &["30"])).await.unwrap_err() {
        CheckError::UnknownPayer {
            requested,
            close_matches,
        } => {
            assert_eq!(requested, "sandbx");
            assert_eq!(close_matches.first().map(String::as_str), Some("sandbox"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(adapter.calls(), 0);
}

#[tokio::test]
async fn retryable_rejections_are_never_cached_permanent_ones_are() {
    let retryable = CountingAdapter::new(
        "",
        Mode::Reject {
            code: "42",
            retryable: true,
        },
        Duration::from_millis(1),
    );
    let router = router_with(&retryable, &[]);
    for _ in 0..2 {
        let answer = router.check(request("sandbox", &["30"])).await.unwrap();
        assert_eq!(answer.response.status(), CoverageStatus::Rejected);
        assert!(!answer.meta.cache.hit);
    }
    assert_eq!(retryable.calls(), 2);

    let permanent = CountingAdapter::new(
        "",
        Mode::Reject {
            code: "72",
            retryable: false,
        },
        Duration::from_millis(1),
    );
    let router = router_with(&permanent, &[]);
    router.check(request("sandbox", &["30"])).await.unwrap();
    assert!(
        router
            .check(request("sandbox", &["30"]))
            .await
            .unwrap()
            .meta
            .cache
            .hit
    );
    assert_eq!(permanent.calls(), 1);
}

#[tokio::test]
async fn a_failing_chunk_fails_the_check_and_nothing_is_cached() {
    let adapter = CountingAdapter::new("", Mode::FailOn("88"), Duration::from_millis(1));
    let router = router_with(&adapter, &[]);
    let error = router
        .check(request("sandbox-single", &["30", "88"]))
        .await
        .unwrap_err();
    assert!(
        matches!(error, CheckError::Payer(AdapterError::Connect(_))),
        "{error:?}"
    );
    // The single-type check for 30 alone was never cached by the failed split check.
    router
        .check(request("sandbox-single", &["30"]))
        .await
        .unwrap();
    assert!(!router
        .check(request("sandbox-single", &["30", "88"]))
        .await
        .unwrap_err()
        .to_string()
        .is_empty());
}

#[tokio::test(start_paused = true)]
async fn the_deadline_cuts_the_check_and_drops_the_payer_call() {
    let adapter = CountingAdapter::new("", Mode::Answer, Duration::from_secs(8));
    let router = router_with(&adapter, &[]);
    let mut slow = request("sandbox-single", &["30", "88"]);
    let started = Instant::now();
    slow.deadline = started + Duration::from_secs(2);
    let error = router.check(slow).await.unwrap_err();
    assert!(matches!(error, CheckError::DeadlineExceeded), "{error:?}");
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    assert_eq!(adapter.calls(), 2);
    // The payer calls run in the check's flight task, cancelled when its last waiter left: let the runtime
    // drop it (no time passes).
    tokio::task::yield_now().await;
    assert_eq!(
        adapter.dropped.load(Ordering::SeqCst),
        2,
        "payer calls outlived the deadline"
    );
    assert_eq!(adapter.finished.load(Ordering::SeqCst), 0);
    // Later, with time to spare, the same check is answered (nothing was cached by the cut one).
    let answer = router
        .check(request("sandbox-single", &["30", "88"]))
        .await
        .unwrap();
    assert!(!answer.meta.cache.hit);
}

#[tokio::test(start_paused = true)]
async fn the_payer_timeout_comes_before_a_later_deadline() {
    // The embedded sandbox payers time out after 10 s; the deadline here is 20 s.
    let adapter = CountingAdapter::new("", Mode::Answer, Duration::from_secs(60));
    let router = router_with(&adapter, &[]);
    let started = Instant::now();
    let error = router.check(request("sandbox", &["30"])).await.unwrap_err();
    assert!(
        matches!(error, CheckError::Payer(AdapterError::Timeout(t)) if t == Duration::from_secs(10)),
        "{error:?}"
    );
    assert_eq!(started.elapsed(), Duration::from_secs(10));
}

#[test]
fn split_keeps_order_and_leaves_procedure_inquiries_whole() {
    let mut inquiry = sample_inquiry();
    inquiry.encounter.service_type_codes = ["1", "2", "3", "4", "5"].map(String::from).to_vec();
    let parts = merge::split(&inquiry, std::num::NonZeroUsize::new(2).unwrap());
    let codes: Vec<Vec<String>> = parts
        .iter()
        .map(|p| p.encounter.service_type_codes.clone())
        .collect();
    assert_eq!(
        codes,
        [
            vec!["1".to_string(), "2".into()],
            vec!["3".into(), "4".into()],
            vec!["5".into()]
        ]
    );
    assert!(parts
        .iter()
        .all(|p| p.subscriber == inquiry.subscriber && p.control_number == inquiry.control_number));
    inquiry.encounter.service_type_codes.clear();
    assert_eq!(
        merge::split(&inquiry, std::num::NonZeroUsize::new(1).unwrap()).len(),
        1
    );
}

#[test]
fn merge_of_one_answer_keeps_it_and_joins_raw_payloads() {
    let mut response = EligibilityResponse::default();
    response.coverage.status = CoverageStatus::Inactive;
    let reply = |raw: &str, response: EligibilityResponse| PayerReply {
        response,
        exchange: ExchangeInfo {
            raw: Some(raw.into()),
            ..ExchangeInfo::default()
        },
    };
    let merged = merge::merge(vec![reply("A~", response.clone())]);
    assert_eq!(
        merged.coverage.status,
        CoverageStatus::Inactive,
        "a single answer is returned untouched"
    );
    assert_eq!(merged.x12.as_deref(), Some("A~"));
    let merged = merge::merge(vec![reply("A~", response.clone()), reply("B~", response)]);
    assert_eq!(merged.x12.as_deref(), Some("A~\nB~"));
}

#[test]
fn meta_serializes_in_camel_case() {
    let meta = Meta {
        trace_id: "t".into(),
        cache: CacheMeta {
            hit: true,
            age_seconds: Some(3),
            stale: false,
        },
        payer_latency_ms: None,
        attempts: 0,
        x12: vec![ExchangeMeta {
            interchange_control_number: Some("000000001".into()),
            group_control_number: None,
            transaction_set_control_number: None,
            payload_id: None,
        }],
    };
    let json = serde_json::to_value(&meta).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"traceId": "t", "cache": {"hit": true, "ageSeconds": 3, "stale": false}, "payerLatencyMs": null, "attempts": 0, "x12": [{"interchangeControlNumber": "000000001"}]})
    );
}
