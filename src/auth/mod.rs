//! API keys and per-client quotas: who may call the API, and how often.
//!
//! - Clients send their key as `Authorization: Bearer <key>` or `X-API-Key: <key>`. The configuration holds
//!   only the SHA-256 of each key (`[auth] keys = [{ id, name, sha256, quota_per_minute }]`), so a leaked
//!   config file leaks no key. `eligibility-gateway keys new` prints a fresh key and its hash.
//! - With keys configured, every route but `/healthz`, `/readyz` and `/openapi.json` needs one: no key or a
//!   wrong key gets 401 (`unauthorized`) and nothing else runs. `/metrics` needs a key too (Prometheus sends
//!   it with `authorization: { credentials: ... }`): it names the payers and their traffic.
//! - A key's `quota_per_minute` limits its checks (`POST` to the check routes): over it, 429
//!   (`quota_exceeded`) with `Retry-After`. One GCRA limiter (governor) per key: keys are known at start,
//!   so the set is bounded and nothing needs evicting, and each key can have its own quota.
//! - With no key configured every request is the `anonymous` client; `serve` allows that only on a loopback
//!   address unless `auth.allow_anonymous_non_loopback = true`.
//!
//! The client's key id (never the key) is what the audit trail and the logs record as "who".
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header::HeaderMap;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

use crate::config::AuthConfig;

pub mod middleware;

pub use middleware::authenticate;

/// The header a client may use instead of `Authorization: Bearer`.
pub const API_KEY_HEADER: &str = "x-api-key";

/// The key id recorded for requests when no key is configured.
pub const ANONYMOUS: &str = "anonymous";

/// Who sent a request: a configured key's id, or [`ANONYMOUS`]. Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Client {
    key_id: Arc<str>,
}

/// The configured keys and their quota limiters.
pub struct ApiKeys {
    /// SHA-256 of each key → its client.
    by_hash: HashMap<[u8; 32], Client>,
    /// Key id → its quota, for keys that have one.
    quotas: HashMap<Client, DefaultDirectRateLimiter>,
}

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// No key, or one that matches no configured key (401).
    Unauthorized,
    /// The client's quota is used up; retry after this (429).
    QuotaExceeded {
        /// The client.
        client: Client,
        /// When a request will be admitted again.
        retry_after: Duration,
    },
}

// === impl Client ===

impl Client {
    /// The client of requests when no key is configured.
    pub fn anonymous() -> Client {
        Client {
            key_id: Arc::from(ANONYMOUS),
        }
    }

    /// A configured key's client.
    pub fn with_key_id(key_id: &str) -> Client {
        Client {
            key_id: Arc::from(key_id),
        }
    }

    /// The key id (`anonymous` without keys).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }
}

impl Default for Client {
    fn default() -> Self {
        Client::anonymous()
    }
}

// === impl ApiKeys ===

impl ApiKeys {
    /// The keys of the configuration, each with its quota limiter.
    pub fn new(config: &AuthConfig) -> ApiKeys {
        let by_hash = config
            .keys
            .iter()
            .map(|key| (key.sha256, Client::with_key_id(&key.id)))
            .collect();
        let quotas = config
            .keys
            .iter()
            .filter_map(|key| {
                let quota = key.quota_per_minute?;
                Some((Client::with_key_id(&key.id), per_minute_limiter(quota)))
            })
            .collect();
        ApiKeys { by_hash, quotas }
    }

    /// Whether any key is configured (if not, every request is [`Client::anonymous`]).
    pub fn is_enabled(&self) -> bool {
        !self.by_hash.is_empty()
    }

    /// The client whose key the headers carry.
    pub fn identify(&self, headers: &HeaderMap) -> Result<Client, AuthError> {
        if !self.is_enabled() {
            return Ok(Client::anonymous());
        }
        let key = presented_key(headers).ok_or(AuthError::Unauthorized)?;
        let digest: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        self.by_hash
            .get(&digest)
            .cloned()
            .ok_or(AuthError::Unauthorized)
    }

    /// Takes one unit of the client's quota, or says when to come back.
    pub fn charge(&self, client: &Client) -> Result<(), AuthError> {
        let Some(limiter) = self.quotas.get(client) else {
            return Ok(());
        };
        limiter
            .check()
            .map_err(|not_until| AuthError::QuotaExceeded {
                client: client.clone(),
                retry_after: not_until.wait_time_from(DefaultClock::default().now()),
            })
    }
}

impl std::fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeys")
            .field("keys", &self.by_hash.len())
            .finish()
    }
}

/// A fresh random API key (32 bytes, hex: 64 characters) and the SHA-256 hex the config holds for it.
pub fn new_key() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    let key = format!("egw_{}", hex::encode(bytes));
    let hash = key_hash(&key);
    (key, hash)
}

/// The SHA-256 hex of a key, as `auth.keys[].sha256` holds it.
pub fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.trim().as_bytes()))
}

fn per_minute_limiter(per_minute: NonZeroU32) -> DefaultDirectRateLimiter {
    RateLimiter::direct(Quota::per_minute(per_minute))
}

/// The key in `Authorization: Bearer <key>` or `X-API-Key: <key>`, trimmed; `None` when neither holds one.
fn presented_key(headers: &HeaderMap) -> Option<&str> {
    let bearer = headers
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, key) = value.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then_some(key.trim())
        });
    bearer
        .or_else(|| {
            headers
                .get(API_KEY_HEADER)
                .and_then(|value| value.to_str().ok())
                .map(str::trim)
        })
        .filter(|key| !key.is_empty())
}

#[cfg(test)]
mod tests;
