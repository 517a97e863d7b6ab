//! Unit tests of key identification and quotas.
use std::num::NonZeroU32;

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};

use super::*;
use crate::config::ApiKeyConfig;

fn keys(quota: u32) -> (ApiKeys, String) {
    let (key, hash) = new_key();
    let mut sha256 = [0u8; 32];
    hex::decode_to_slice(&hash, &mut sha256).unwrap();
    let config = AuthConfig {
        keys: vec![ApiKeyConfig {
            id: "frontdesk".to_owned(),
            name: "Front desk".to_owned(),
            sha256,
            quota_per_minute: NonZeroU32::new(quota),
        }],
        allow_anonymous_non_loopback: false,
    };
    (ApiKeys::new(&config), key)
}

fn headers(name: &str, value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        HeaderName::from_bytes(name.as_bytes()).unwrap(),
        HeaderValue::from_str(value).unwrap(),
    );
    headers
}

#[test]
fn a_key_is_accepted_as_bearer_or_x_api_key_and_nothing_else_is() {
    let (keys, key) = keys(0);
    let expected = Client::with_key_id("frontdesk");
    assert_eq!(
        keys.identify(&headers("authorization", &format!("Bearer {key}"))),
        Ok(expected.clone())
    );
    assert_eq!(
        keys.identify(&headers("authorization", &format!("bearer  {key} "))),
        Ok(expected.clone())
    );
    assert_eq!(keys.identify(&headers(API_KEY_HEADER, &key)), Ok(expected));
    for (name, value) in [
        ("authorization", format!("Basic {key}")),
        ("authorization", "Bearer ".to_owned()),
        ("authorization", format!("Bearer {key}x")),
        (API_KEY_HEADER, String::new()),
        ("x-other", key.clone()),
    ] {
        assert_eq!(
            keys.identify(&headers(name, &value)),
            Err(AuthError::Unauthorized),
            "{name}: {value}"
        );
    }
    assert_eq!(
        keys.identify(&HeaderMap::new()),
        Err(AuthError::Unauthorized)
    );
    assert!(HeaderMap::new().get(AUTHORIZATION).is_none());
}

#[test]
fn without_keys_everyone_is_anonymous() {
    let keys = ApiKeys::new(&AuthConfig::default());
    assert!(!keys.is_enabled());
    assert_eq!(keys.identify(&HeaderMap::new()), Ok(Client::anonymous()));
    assert_eq!(Client::default().key_id(), ANONYMOUS);
}

#[test]
fn a_quota_admits_its_burst_then_says_when_to_come_back() {
    let (keys, _) = keys(3);
    let client = Client::with_key_id("frontdesk");
    for _ in 0..3 {
        assert_eq!(keys.charge(&client), Ok(()));
    }
    match keys.charge(&client) {
        Err(AuthError::QuotaExceeded { retry_after, .. }) => {
            assert!(
                retry_after > Duration::from_secs(10) && retry_after <= Duration::from_secs(20),
                "{retry_after:?}"
            );
        }
        other => panic!("expected the quota to be used up: {other:?}"),
    }
    // A client without a quota is never refused.
    assert_eq!(keys.charge(&Client::anonymous()), Ok(()));
}

#[test]
fn key_hashes_are_sha256_hex_of_the_trimmed_key() {
    assert_eq!(
        key_hash("abc\n"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let (key, hash) = new_key();
    assert!(key.starts_with("egw_") && key.len() == 68);
    assert_eq!(key_hash(&key), hash);
}
