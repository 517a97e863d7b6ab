//! Unit tests of the cache: key derivation (no PHI, every identity field counts), TTL by outcome, and the
//! in-memory store (expiry, capacity, replacement).
use std::time::Duration;

use chrono::NaiveDate;
use payer_core::{
    CoverageStatus, DateOfService, EligibilityRequest, EligibilityResponse, Encounter, Gender,
    Member, PayerErrorInfo, Phi, ProcedureCode, Provider,
};

use super::*;
use crate::config::{CacheBound, CacheTtls, HmacKey};

/// A subscriber inquiry with every identity field set; shared with the router's tests.
pub(crate) fn sample_inquiry() -> EligibilityRequest {
    EligibilityRequest {
        control_number: "000000001".into(),
        payer_id: "sandbox".into(),
        provider: Provider {
            organization_name: Some("HAPPY DOCTORS GROUP".into()),
            first_name: None,
            last_name: None,
            npi: "1234567893".into(),
        },
        subscriber: Member {
            member_id: Some(Phi::new("ACT123456789".into())),
            first_name: Some(Phi::new("Johnone".into())),
            last_name: Some(Phi::new("Doeone".into())),
            date_of_birth: Some(Phi::new(NaiveDate::from_ymd_opt(1980, 2, 29).unwrap())),
            gender: Some(Gender::Male),
        },
        dependents: Vec::new(),
        encounter: Encounter {
            service_type_codes: vec!["30".into(), "88".into()],
            procedure_code: None,
            date_of_service: DateOfService {
                begin: NaiveDate::from_ymd_opt(2026, 3, 14).unwrap(),
                end: None,
            },
        },
    }
}

/// An answer as the cache stores it.
pub(crate) fn stored(response: EligibilityResponse) -> Arc<StoredAnswer> {
    Arc::new(StoredAnswer::new(response).unwrap())
}

fn keyer() -> CacheKeyer {
    CacheKeyer::new(HmacKey::new([7; 32]))
}

fn error(code: &str, retryable: bool) -> PayerErrorInfo {
    PayerErrorInfo {
        code: code.into(),
        description: "d".into(),
        location: "2100C".into(),
        retryable,
        ..PayerErrorInfo::default()
    }
}

fn response(status: CoverageStatus, errors: Vec<PayerErrorInfo>) -> EligibilityResponse {
    let mut response = EligibilityResponse::default();
    response.coverage.status = status;
    response.errors = errors;
    response
}

const TTLS: CacheTtls = CacheTtls {
    active: Duration::from_secs(100),
    inactive: Duration::from_secs(50),
    rejected: Duration::from_secs(10),
};

#[test]
fn key_is_hex_and_holds_no_member_data() {
    let inquiry = sample_inquiry();
    let key = keyer().derive(&inquiry);
    assert_eq!(key.as_str().len(), 64);
    assert!(key
        .as_str()
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    for phi in [
        "ACT123456789",
        "JOHNONE",
        "DOEONE",
        "19800229",
        "1980-02-29",
        "sandbox",
        "1234567893",
    ] {
        assert!(
            !key.as_str().to_uppercase().contains(&phi.to_uppercase()),
            "{phi} in key"
        );
    }
    // Same inquiry, same key; another secret, another key.
    assert_eq!(keyer().derive(&inquiry), key);
    assert_ne!(CacheKeyer::new(HmacKey::new([8; 32])).derive(&inquiry), key);
}

#[test]
fn key_differs_when_any_identity_field_differs() {
    let base = sample_inquiry();
    let key = keyer().derive(&base);
    let mut variants: Vec<(&str, EligibilityRequest)> = Vec::new();
    let mut push = |name, change: &dyn Fn(&mut EligibilityRequest)| {
        let mut inquiry = base.clone();
        change(&mut inquiry);
        variants.push((name, inquiry));
    };
    push("payer", &|r| r.payer_id = "sandbox-single".into());
    push("npi", &|r| r.provider.npi = "1234567885".into());
    push("member id", &|r| {
        r.subscriber.member_id = Some(Phi::new("ACT123456788".into()))
    });
    push("no member id", &|r| r.subscriber.member_id = None);
    push("first name", &|r| {
        r.subscriber.first_name = Some(Phi::new("Jane".into()))
    });
    push("last name", &|r| {
        r.subscriber.last_name = Some(Phi::new("Doetwo".into()))
    });
    push("birth", &|r| {
        r.subscriber.date_of_birth = Some(Phi::new(NaiveDate::from_ymd_opt(1980, 3, 1).unwrap()))
    });
    push("gender", &|r| r.subscriber.gender = Some(Gender::Female));
    push("dependent", &|r| {
        r.dependents.push(Member {
            first_name: Some(Phi::new("Kid".into())),
            ..Member::default()
        })
    });
    push("service types", &|r| {
        r.encounter.service_type_codes = vec!["30".into()]
    });
    push("procedure", &|r| {
        r.encounter.service_type_codes.clear();
        r.encounter.procedure_code = Some(ProcedureCode {
            qualifier: "HC".into(),
            code: "99213".into(),
            modifiers: vec![],
        });
    });
    push("month", &|r| {
        r.encounter.date_of_service.begin = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()
    });
    push("range end", &|r| {
        r.encounter.date_of_service.end = Some(NaiveDate::from_ymd_opt(2026, 5, 1).unwrap())
    });
    // Names moved between fields must not collide (length-prefixed encoding).
    push("shifted names", &|r| {
        r.subscriber.first_name = Some(Phi::new("JohnoneD".into()));
        r.subscriber.last_name = Some(Phi::new("oeone".into()));
    });
    let mut seen = std::collections::HashSet::from([key.clone()]);
    for (name, inquiry) in &variants {
        let derived = keyer().derive(inquiry);
        assert_ne!(derived, key, "{name} did not change the key");
        assert!(seen.insert(derived), "{name} collides with another variant");
    }
}

#[test]
fn key_ignores_what_does_not_change_the_answer() {
    let base = sample_inquiry();
    let key = keyer().derive(&base);
    let mut same = base.clone();
    same.control_number = "999999999".into();
    same.provider.organization_name = Some("OTHER NAME".into());
    same.subscriber.first_name = Some(Phi::new(" JOHNONE ".into()));
    same.encounter.service_type_codes = vec!["88".into(), "30".into(), "30".into()];
    same.encounter.date_of_service.begin = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    assert_eq!(keyer().derive(&same), key);
}

#[test]
fn ttl_follows_the_outcome() {
    assert_eq!(
        ttl_for(&response(CoverageStatus::Active, vec![]), &TTLS),
        Some(TTLS.active)
    );
    assert_eq!(
        ttl_for(&response(CoverageStatus::Inactive, vec![]), &TTLS),
        Some(TTLS.inactive)
    );
    assert_eq!(
        ttl_for(
            &response(CoverageStatus::Rejected, vec![error("72", false)]),
            &TTLS
        ),
        Some(TTLS.rejected)
    );
    // Retryable rejections are never cached, alone or beside permanent ones.
    assert_eq!(
        ttl_for(
            &response(CoverageStatus::Rejected, vec![error("42", true)]),
            &TTLS
        ),
        None
    );
    assert_eq!(
        ttl_for(
            &response(
                CoverageStatus::Rejected,
                vec![error("72", false), error("42", true)]
            ),
            &TTLS
        ),
        None
    );
    assert_eq!(
        ttl_for(
            &response(CoverageStatus::Active, vec![error("42", true)]),
            &TTLS
        ),
        None
    );
    assert_eq!(
        ttl_for(&response(CoverageStatus::Rejected, vec![]), &TTLS),
        None
    );
    assert_eq!(
        ttl_for(&response(CoverageStatus::Unknown, vec![]), &TTLS),
        None
    );
    let disabled = CacheTtls {
        active: Duration::ZERO,
        ..TTLS
    };
    assert_eq!(
        ttl_for(&response(CoverageStatus::Active, vec![]), &disabled),
        None
    );
}

#[tokio::test]
async fn memory_cache_stores_replaces_and_expires_per_entry() {
    let cache = InMemoryCache::new(entries(100));
    let short = keyer().derive(&sample_inquiry());
    let mut other = sample_inquiry();
    other.payer_id = "other".into();
    let long = keyer().derive(&other);
    assert!(cache.get(&short).await.is_none());
    assert!(
        cache
            .put(
                short.clone(),
                CachedEntry::new(stored(response(CoverageStatus::Active, vec![]))),
                Duration::from_millis(150),
            )
            .await,
        "a stored entry is reported stored"
    );
    cache
        .put(
            long.clone(),
            CachedEntry::new(stored(response(CoverageStatus::Inactive, vec![]))),
            Duration::from_secs(60),
        )
        .await;
    let hit = cache.get(&short).await.unwrap();
    assert_eq!(hit.answer.status(), CoverageStatus::Active);
    assert!(hit.age() < Duration::from_secs(1));
    // Replacing takes the new value and the new lifetime.
    cache
        .put(
            short.clone(),
            CachedEntry::new(stored(response(CoverageStatus::Inactive, vec![]))),
            Duration::from_millis(150),
        )
        .await;
    assert_eq!(
        cache.get(&short).await.unwrap().answer.status(),
        CoverageStatus::Inactive
    );
    // moka keeps its own clock, not tokio's, so expiry is waited for in real time (briefly).
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        cache.get(&short).await.is_none(),
        "short entry outlived its ttl"
    );
    assert!(cache.get(&long).await.is_some(), "long entry expired early");
    // A zero lifetime stores nothing and removes what was there.
    cache
        .put(
            long.clone(),
            CachedEntry::new(stored(response(CoverageStatus::Active, vec![]))),
            Duration::ZERO,
        )
        .await;
    assert!(cache.get(&long).await.is_none());
}

/// A bound of `count` entries, with room in bytes for many more.
pub(crate) fn entries(count: u64) -> CacheBound {
    CacheBound {
        entries: count,
        bytes: 64 << 20,
    }
}

/// Fills `cache` with 200 answers of `benefits` benefits each, under distinct keys.
async fn fill(cache: &InMemoryCache, benefits: usize) {
    for index in 0..200 {
        let mut inquiry = sample_inquiry();
        inquiry.subscriber.member_id = Some(Phi::new(format!("M{index}")));
        let answer = EligibilityResponse {
            benefits_information: vec![payer_core::BenefitInformation::default(); benefits],
            ..EligibilityResponse::default()
        };
        cache
            .put(
                keyer().derive(&inquiry),
                CachedEntry::new(stored(answer)),
                Duration::from_secs(60),
            )
            .await;
    }
    cache.run_pending_tasks().await;
}

#[tokio::test]
async fn memory_cache_is_bounded_in_entries() {
    let cache = InMemoryCache::new(entries(10));
    fill(&cache, 0).await;
    assert!(cache.entry_count() <= 10, "{} entries", cache.entry_count());
}

#[tokio::test]
async fn memory_cache_is_bounded_in_bytes() {
    // 1,000 entries allowed, but only the weight of 16 answers of 100 empty benefits (as stored: packed).
    let answer = EligibilityResponse {
        benefits_information: vec![payer_core::BenefitInformation::default(); 100],
        ..EligibilityResponse::default()
    };
    let weight = stored(answer).as_bytes().len() as u64;
    let cache = InMemoryCache::new(CacheBound {
        entries: 1000,
        bytes: 16 * weight,
    });
    fill(&cache, 100).await;
    let held = cache.entry_count();
    assert!(
        (1..=16).contains(&held),
        "{held} entries of {weight} bytes in {} bytes",
        16 * weight
    );
}

#[tokio::test]
async fn no_cache_never_hits() {
    let key = keyer().derive(&sample_inquiry());
    let stored = NoCache
        .put(
            key.clone(),
            CachedEntry::new(stored(EligibilityResponse::default())),
            Duration::from_secs(60),
        )
        .await;
    assert!(!stored, "nothing is stored");
    assert!(NoCache.get(&key).await.is_none());
    assert_eq!(NoCache.kind(), "none");
}

#[test]
fn key_encoding_is_stable_across_releases() {
    // A fleet upgraded one instance at a time shares its cache: the same inquiry must keep the same key.
    let mut inquiry = sample_inquiry();
    inquiry.subscriber.first_name = Some(Phi::new("  Élodie ".into()));
    inquiry.dependents.push(inquiry.subscriber.clone());
    inquiry.encounter.service_type_codes = vec!["88".into(), " 30".into(), "88".into()];
    inquiry.encounter.procedure_code = Some(ProcedureCode {
        qualifier: "hc".into(),
        code: "99213 ".into(),
        modifiers: vec!["25".into()],
    });
    inquiry.encounter.date_of_service.end = NaiveDate::from_ymd_opt(2026, 4, 2);
    assert_eq!(
        keyer().derive(&inquiry).as_str(),
        "f479d6bdbd4c261988bba9bb871ecdd369e0b502a01d87f8551bffe9a9060ef7"
    );
    assert_eq!(
        keyer().derive(&sample_inquiry()).as_str(),
        "0cd6fdd7f6ec3ef2b584b50f89faada898175a81307fb756bdbd98d84d064e73"
    );
}
