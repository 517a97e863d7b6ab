//! [`ValidatedSettings`]: the configuration the gateway runs on, every value checked and in its working type.
use std::fmt;
use std::net::SocketAddr;
use std::num::{NonZeroU32, NonZeroUsize};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretBox};

use super::settings::{CacheKind, LogFormat};
use super::transport::TransportConfig;

/// The whole validated configuration. Built only by [`super::load`] (or [`super::RawConfig::validate`]).
#[derive(Debug, Clone)]
pub struct ValidatedSettings {
    /// The HTTP server.
    pub server: ServerConfig,
    /// The answer cache.
    pub cache: CacheConfig,
    /// Logging.
    pub log: LogConfig,
    /// Batch checks.
    pub batch: super::resilience::BatchConfig,
    /// How payer limits are shared by a fleet.
    pub rate_limits: super::redis::RateLimitsConfig,
    /// API keys, the audit trail, TLS and connection limits.
    pub security: super::security::SecurityConfig,
    /// Every payer, sorted by id.
    pub payers: Vec<PayerConfig>,
    /// The layers read, in order (`config/gateway.toml (embedded)`, the operator's file, `environment (2
    /// variables)`), for the startup log line.
    pub sources: Vec<String>,
}

/// `[server]`, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerConfig {
    /// Where to listen.
    pub listen: SocketAddr,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Deadline of a check whose client names none.
    pub default_deadline: Duration,
    /// Longest deadline a client may ask for; at least `default_deadline`.
    pub max_deadline: Duration,
    /// HTTP workers; `None` means one per CPU core.
    pub workers: Option<NonZeroUsize>,
    /// How long in-flight requests may take to finish after a shutdown signal.
    pub shutdown_grace: Duration,
    /// Checks in flight past which answers are written in pieces (`routes::pieces`).
    pub small_writes_above_in_flight: usize,
}

/// What an in-process cache may hold: at most `entries` answers, weighing at most `bytes` together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheBound {
    /// `cache.capacity`.
    pub entries: u64,
    /// `cache.max_mb`, in bytes.
    pub bytes: u64,
}

impl CacheBound {
    /// The most total weight: `bytes` in KiB (weights are in KiB so that a TiB still fits moka's `u32`s).
    pub fn total_weight(&self) -> u64 {
        (self.bytes >> 10).max(1)
    }

    /// The weight of an answer of `size` bytes: its size in KiB, but at least the total over `entries`, so
    /// that neither bound is passed. moka caps the total weight; this one number enforces both bounds.
    pub fn weight(&self, size: usize) -> u32 {
        let floor = self.total_weight().div_ceil(self.entries.max(1));
        let kib = u64::try_from(size.div_ceil(1024)).unwrap_or(u64::MAX);
        u32::try_from(kib.max(floor).max(1)).unwrap_or(u32::MAX)
    }
}

/// `[cache]`, validated.
#[derive(Debug, Clone)]
pub struct CacheConfig {
    /// Which cache.
    pub kind: CacheKind,
    /// What the in-process cache (or Redis's local tier) may hold: entries and bytes.
    pub bound: CacheBound,
    /// The cache-key HMAC key; `None` means "draw a random one at start" (see `[cache] hmac_key`).
    pub hmac_key: Option<HmacKey>,
    /// Gateway-wide lifetimes by outcome.
    pub ttl: CacheTtls,
    /// How long past its lifetime an answer may still be served when the payer cannot be asked.
    pub stale_max_age: Duration,
    /// The shared Redis, when one is named.
    pub redis: Option<super::redis::RedisConfig>,
}

/// How long an answer stays cached, by outcome. A zero duration means "do not cache".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheTtls {
    /// Coverage `active`.
    pub active: Duration,
    /// Coverage `inactive`.
    pub inactive: Duration,
    /// Coverage `rejected` with only non-retryable errors.
    pub rejected: Duration,
}

/// A 32-byte HMAC key, zeroed on drop, never printed.
pub struct HmacKey(SecretBox<[u8; HMAC_KEY_BYTES]>);

/// Length of [`HmacKey`], in bytes.
pub const HMAC_KEY_BYTES: usize = 32;

/// `[log]`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogConfig {
    /// A `tracing` filter (`info`, `info,gateway::router=debug`).
    pub level: String,
    /// Line format.
    pub format: LogFormat,
}

/// One payer, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct PayerConfig {
    /// Registry key, as written in the file.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Other names clients may use.
    pub aliases: Vec<String>,
    /// How to reach it.
    pub transport: TransportConfig,
    /// Longest wait for one payer call.
    pub timeout: Duration,
    /// Its limits (enforced once rate limiting lands).
    pub rate_limit: RateLimit,
    /// Most service types in one 270.
    pub max_service_types_per_inquiry: NonZeroUsize,
    /// Service types it answers for; empty means any.
    pub service_types: Vec<String>,
    /// Cache lifetimes for its answers (its own overrides over the gateway-wide ones).
    pub cache_ttl: CacheTtls,
    /// Retries, hedging and the circuit breaker.
    pub resilience: super::resilience::Resilience,
    /// The file it was read from, for messages.
    pub origin: String,
}

/// A payer's limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Sustained calls per second; above 0.
    pub requests_per_second: f64,
    /// Calls allowed at once above the sustained rate.
    pub burst: NonZeroU32,
    /// Calls in flight at once.
    pub max_concurrency: NonZeroU32,
}

// === impl HmacKey ===

impl HmacKey {
    /// Wraps raw key bytes.
    pub fn new(bytes: [u8; HMAC_KEY_BYTES]) -> Self {
        HmacKey(SecretBox::new(Box::new(bytes)))
    }

    /// Parses 64 hex digits. The error never contains the text.
    pub fn from_hex(text: &str) -> Result<HmacKey, &'static str> {
        let mut bytes = [0u8; HMAC_KEY_BYTES];
        hex::decode_to_slice(text.trim(), &mut bytes)
            .map_err(|_| "must be 64 hexadecimal digits (32 bytes)")?;
        Ok(HmacKey::new(bytes))
    }

    /// A fresh random key from the operating system's generator.
    pub fn random() -> HmacKey {
        let mut bytes = [0u8; HMAC_KEY_BYTES];
        rand::fill(&mut bytes);
        HmacKey::new(bytes)
    }

    /// The key bytes, for the HMAC only.
    pub fn expose(&self) -> &[u8; HMAC_KEY_BYTES] {
        self.0.expose_secret()
    }
}

impl Clone for HmacKey {
    fn clone(&self) -> Self {
        HmacKey::new(*self.expose())
    }
}

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacKey([redacted])")
    }
}

// === impl CacheTtls ===

impl CacheTtls {
    /// The longest of the three, for sizing.
    pub fn longest(&self) -> Duration {
        self.active.max(self.inactive).max(self.rejected)
    }
}

// === impl ValidatedSettings ===

impl ValidatedSettings {
    /// The payer with this exact id.
    pub fn payer(&self, id: &str) -> Option<&PayerConfig> {
        self.payers.iter().find(|payer| payer.id == id)
    }
}
