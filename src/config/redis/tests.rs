//! Unit tests of the Redis settings: what a shared cache requires, and every value checked.
use super::super::{load_from, ConfigError, RedisEndpoints};

const HMAC: &str = "0101010101010101010101010101010101010101010101010101010101010101";
const KEY_A: &str = "0202020202020202020202020202020202020202020202020202020202020202";

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

fn problems(error: &ConfigError) -> String {
    error.to_string()
}

#[test]
fn no_redis_by_default() {
    let settings = load_from(None, &[]).unwrap();
    assert!(settings.cache.redis.is_none());
    assert_eq!(settings.cache.stale_max_age.as_secs(), 3600);
    assert_eq!(settings.rate_limits.local_share, None);
}

#[test]
fn redis_with_keys_from_the_environment() {
    let keys = format!("[{{ id = 2, key = \"{KEY_A}\" }}, {{ id = 1, key = \"{HMAC}\" }}]");
    let settings = load_from(
        None,
        &env(&[
            ("GATEWAY__CACHE__REDIS_URL", "redis://127.0.0.1:6379/0"),
            ("GATEWAY__CACHE__HMAC_KEY", HMAC),
            ("GATEWAY__CACHE__ENCRYPTION_KEYS", &keys),
            ("GATEWAY__CACHE__REDIS_TIMEOUT_MS", "50"),
            ("GATEWAY__RATE_LIMITS__LOCAL_SHARE", "0.25"),
        ]),
    )
    .unwrap();
    let redis = settings.cache.redis.unwrap();
    assert_eq!(
        redis.endpoints,
        RedisEndpoints::Single("redis://127.0.0.1:6379/0".into())
    );
    assert_eq!(redis.timeout.as_millis(), 50);
    assert_eq!(redis.key_prefix, "elig:v1:");
    let ids: Vec<u8> = redis.encryption_keys.iter().map(|key| key.id).collect();
    assert_eq!(ids, [2, 1], "the order is kept: the first encrypts");
    assert_eq!(redis.encryption_keys[0].expose(), &[2u8; 32]);
    assert_eq!(settings.rate_limits.local_share, Some(0.25));
    // Keys are never printed.
    let debug = format!("{:?}", redis.encryption_keys);
    assert!(
        !debug.contains("0202") && !debug.contains(", 2, 2"),
        "{debug}"
    );
}

#[test]
fn a_cluster_is_named_by_seed_urls() {
    let keys = format!("[{{ id = 1, key = \"{KEY_A}\" }}]");
    let settings = load_from(
        None,
        &env(&[
            (
                "GATEWAY__CACHE__REDIS_CLUSTER_URLS",
                "[\"redis://127.0.0.1:7000\", \"redis://127.0.0.1:7001\"]",
            ),
            ("GATEWAY__CACHE__HMAC_KEY", HMAC),
            ("GATEWAY__CACHE__ENCRYPTION_KEYS", &keys),
        ]),
    )
    .unwrap();
    let redis = settings.cache.redis.unwrap();
    assert_eq!(redis.endpoints.mode(), "cluster");
}

#[test]
fn redis_requires_an_explicit_hmac_key_and_an_encryption_key() {
    let error = load_from(
        None,
        &env(&[("GATEWAY__CACHE__REDIS_URL", "redis://127.0.0.1:6379")]),
    )
    .unwrap_err();
    let text = problems(&error);
    assert!(error.mentions_key("cache.hmac_key"), "{text}");
    assert!(error.mentions_key("cache.encryption_keys"), "{text}");
}

#[test]
fn bad_values_are_named() {
    let keys = format!("[{{ id = 1, key = \"{KEY_A}\" }}, {{ id = 1, key = \"{KEY_A}\" }}, {{ id = 3, key = \"not-hex-secret\" }}]");
    let error = load_from(
        None,
        &env(&[
            ("GATEWAY__CACHE__REDIS_URL", "rediss://cache.example:6380"),
            ("GATEWAY__CACHE__HMAC_KEY", HMAC),
            ("GATEWAY__CACHE__ENCRYPTION_KEYS", &keys),
            ("GATEWAY__CACHE__REDIS_TIMEOUT_MS", "0"),
            ("GATEWAY__CACHE__LEASE_MS", "5"),
            ("GATEWAY__RATE_LIMITS__LOCAL_SHARE", "1.5"),
        ]),
    )
    .unwrap_err();
    let text = problems(&error);
    for key in [
        "cache.redis_url",
        "cache.encryption_keys[1].id",
        "cache.encryption_keys[2].key",
        "cache.redis_timeout_ms",
        "cache.lease_ms",
        "rate_limits.local_share",
    ] {
        assert!(error.mentions_key(key), "{key} not reported: {text}");
    }
    assert!(!text.contains("not-hex-secret"), "a key was echoed: {text}");
    // Both a server and a cluster: one or the other.
    let error = load_from(
        None,
        &env(&[
            ("GATEWAY__CACHE__REDIS_URL", "redis://127.0.0.1:6379"),
            (
                "GATEWAY__CACHE__REDIS_CLUSTER_URLS",
                "[\"redis://127.0.0.1:7000\"]",
            ),
        ]),
    )
    .unwrap_err();
    assert!(
        error.mentions_key("cache.redis_cluster_urls"),
        "{}",
        problems(&error)
    );
}
