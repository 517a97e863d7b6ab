//! Redis settings of `[cache]` (and `[rate_limits]`), validated: endpoints, timeouts, encryption keys.
//!
//! With Redis every gateway instance must derive the same cache keys and read each other's values, so an
//! explicit `cache.hmac_key` and at least one `cache.encryption_keys` entry are required: a random per-process
//! key (fine for the in-memory cache) would silently turn the shared cache into a private one.
use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretBox};

use super::error::Problems;
use super::layered::Origins;
use super::settings::{CacheSection, RateLimitsSection};

/// Longest `cache.redis_timeout_ms` accepted: Redis slower than this must not hold a check.
const MAX_REDIS_TIMEOUT_MS: u64 = 5_000;
/// Longest `cache.lease_ms` and `cache.local_ttl_ms` accepted.
const MAX_LEASE_MS: u64 = 60_000;
/// Length of an [`EncryptionKey`], in bytes (AES-256).
pub const ENCRYPTION_KEY_BYTES: usize = 32;

/// Redis, validated.
#[derive(Debug, Clone)]
pub struct RedisConfig {
    /// Where it is.
    pub endpoints: RedisEndpoints,
    /// Longest wait for one operation.
    pub timeout: Duration,
    /// Prefix of every key written.
    pub key_prefix: String,
    /// Lifetime of the in-process tier in front of Redis; zero disables it.
    pub local_ttl: Duration,
    /// Lifetime of a single-flight lease (renewed by its holder).
    pub lease: Duration,
    /// Value encryption keys; the first encrypts, all decrypt. Never empty.
    pub encryption_keys: Vec<EncryptionKey>,
}

/// One server or a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedisEndpoints {
    /// `cache.redis_url`.
    Single(String),
    /// `cache.redis_cluster_urls`: seed nodes.
    Cluster(Vec<String>),
}

/// An AES-256-GCM key with its id, zeroed on drop, never printed.
pub struct EncryptionKey {
    /// The id written in front of each value it encrypts.
    pub id: u8,
    key: SecretBox<[u8; ENCRYPTION_KEY_BYTES]>,
}

/// `[rate_limits]`, validated.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RateLimitsConfig {
    /// This instance's share of each payer's rate when Redis is unreachable; `None`: estimated.
    pub local_share: Option<f64>,
}

// === impl EncryptionKey ===

impl EncryptionKey {
    /// A key from its bytes.
    pub fn new(id: u8, bytes: [u8; ENCRYPTION_KEY_BYTES]) -> EncryptionKey {
        EncryptionKey {
            id,
            key: SecretBox::new(Box::new(bytes)),
        }
    }

    /// The key bytes, for the cipher only.
    pub fn expose(&self) -> &[u8; ENCRYPTION_KEY_BYTES] {
        self.key.expose_secret()
    }
}

impl Clone for EncryptionKey {
    fn clone(&self) -> Self {
        EncryptionKey::new(self.id, *self.expose())
    }
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncryptionKey({}, [redacted])", self.id)
    }
}

// === impl RedisEndpoints ===

impl RedisEndpoints {
    /// `standalone` or `cluster`, for readiness and logs.
    pub fn mode(&self) -> &'static str {
        match self {
            RedisEndpoints::Single(_) => "standalone",
            RedisEndpoints::Cluster(_) => "cluster",
        }
    }
}

// === validation ===

/// Validates the Redis keys of `[cache]`; `None` when no Redis is named (or on problems, which are pushed).
pub(super) fn validate_redis(
    cache: &CacheSection,
    origins: &Origins,
    problems: &mut Problems,
) -> Option<RedisConfig> {
    let before = problems.len();
    let single = cache
        .redis_url
        .as_deref()
        .map(str::trim)
        .filter(|url| !url.is_empty());
    let endpoints = match (single, cache.redis_cluster_urls.is_empty()) {
        (None, true) => return None,
        (Some(_), false) => {
            problems.push(
                origins.of("cache.redis_cluster_urls"),
                "cache.redis_cluster_urls",
                "name either cache.redis_url (one server) or cache.redis_cluster_urls (a cluster), not both",
            );
            return None;
        }
        (Some(url), true) => {
            check_url(problems, origins, "cache.redis_url", url);
            RedisEndpoints::Single(url.to_owned())
        }
        (None, false) => {
            for url in &cache.redis_cluster_urls {
                check_url(problems, origins, "cache.redis_cluster_urls", url.trim());
            }
            RedisEndpoints::Cluster(
                cache
                    .redis_cluster_urls
                    .iter()
                    .map(|url| url.trim().to_owned())
                    .collect(),
            )
        }
    };
    if cache.hmac_key.is_none() {
        problems.push(
            origins.of("cache.hmac_key"),
            "cache.hmac_key",
            "is required with Redis, so that every instance derives the same cache keys \
             (set GATEWAY__CACHE__HMAC_KEY to 64 hex digits, the same on every instance)",
        );
    }
    let encryption_keys = encryption_keys(cache, origins, problems);
    let millis = |key: &str, value: u64, min: u64, max: u64, problems: &mut Problems| {
        if value < min || value > max {
            problems.push(
                origins.of(key),
                key,
                format!("must be {min} to {max} milliseconds"),
            );
        }
        Duration::from_millis(value)
    };
    let timeout = millis(
        "cache.redis_timeout_ms",
        cache.redis_timeout_ms,
        1,
        MAX_REDIS_TIMEOUT_MS,
        problems,
    );
    let local_ttl = millis(
        "cache.local_ttl_ms",
        cache.local_ttl_ms,
        0,
        MAX_LEASE_MS,
        problems,
    );
    let lease = millis(
        "cache.lease_ms",
        cache.lease_ms,
        100,
        MAX_LEASE_MS,
        problems,
    );
    let prefix = cache.redis_key_prefix.trim();
    if prefix.len() > 64 || prefix.chars().any(|c| c.is_whitespace() || c.is_control()) {
        problems.push(
            origins.of("cache.redis_key_prefix"),
            "cache.redis_key_prefix",
            "must be at most 64 characters without spaces",
        );
    }
    (problems.len() == before).then(|| RedisConfig {
        endpoints,
        timeout,
        key_prefix: prefix.to_owned(),
        local_ttl,
        lease,
        encryption_keys,
    })
}

fn check_url(problems: &mut Problems, origins: &Origins, key: &str, url: &str) {
    let scheme_ok = url.starts_with("redis://") || url.starts_with("redis+unix://");
    if !scheme_ok || ::redis::IntoConnectionInfo::into_connection_info(url).is_err() {
        // The URL may carry a password: it is not repeated.
        problems.push(
            origins.of(key),
            key,
            "must be a redis:// URL (redis://host:port/db); TLS (rediss://) is not available in this build",
        );
    }
}

fn encryption_keys(
    cache: &CacheSection,
    origins: &Origins,
    problems: &mut Problems,
) -> Vec<EncryptionKey> {
    let key = "cache.encryption_keys";
    if cache.encryption_keys.is_empty() {
        problems.push(
            origins.of(key),
            key,
            "at least one key is required with Redis, so that cached answers are encrypted \
             (GATEWAY__CACHE__ENCRYPTION_KEYS='[{id = 1, key = \"64 hex digits\"}]')",
        );
        return Vec::new();
    }
    let mut keys: Vec<EncryptionKey> = Vec::with_capacity(cache.encryption_keys.len());
    for (index, entry) in cache.encryption_keys.iter().enumerate() {
        let mut bytes = [0u8; ENCRYPTION_KEY_BYTES];
        if hex::decode_to_slice(entry.key.trim(), &mut bytes).is_err() {
            problems.push(
                origins.of(key),
                &format!("{key}[{index}].key"),
                "must be 64 hexadecimal digits (32 bytes)",
            );
            continue;
        }
        if keys.iter().any(|known| known.id == entry.id) {
            problems.push(
                origins.of(key),
                &format!("{key}[{index}].id"),
                format!("id {} is used twice", entry.id),
            );
            continue;
        }
        keys.push(EncryptionKey::new(entry.id, bytes));
    }
    keys
}

/// Validates `[rate_limits]`.
pub(super) fn validate_rate_limits(
    section: &RateLimitsSection,
    origins: &Origins,
    problems: &mut Problems,
) -> RateLimitsConfig {
    if let Some(share) = section.local_share {
        if !(share > 0.0 && share <= 1.0) {
            problems.push(
                origins.of("rate_limits.local_share"),
                "rate_limits.local_share",
                "must be above 0 and at most 1",
            );
        }
    }
    RateLimitsConfig {
        local_share: section.local_share.filter(|s| *s > 0.0 && *s <= 1.0),
    }
}

#[cfg(test)]
mod tests;
