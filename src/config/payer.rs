//! A payer file (`config/payers/<id>.toml`) as written: identity, transport, limits and cache overrides.
//!
//! ```toml
//! id = "sandbox"
//! name = "Sandbox Health Plan"
//! aliases = ["sbx", "demo"]
//! timeout_ms = 10000
//! max_service_types_per_inquiry = 99
//! service_types = []              # empty: any X12 service type
//!
//! [transport]
//! kind = "sandbox"                # the other keys belong to the transport
//!
//! [rate_limit]                    # parsed and validated now; enforced by the rate-limit issue
//! requests_per_second = 50
//! burst = 100
//! max_concurrency = 64
//!
//! [cache]                         # optional: per-payer TTLs over `[cache]` of gateway.toml
//! ttl_active_s = 3600
//! ```
use serde::Deserialize;
use toml::Table;

/// Default `timeout_ms`: 15 s, under the 20 s CORE deadline so that a silent payer is reported as the payer's
/// timeout (502/504 with the payer named) before the client's own deadline passes.
pub const DEFAULT_PAYER_TIMEOUT_MS: u64 = 15_000;
/// Default `max_service_types_per_inquiry`: 99, the repeat count of EQ01 in 005010X279A1.
pub const DEFAULT_MAX_SERVICE_TYPES_PER_INQUIRY: usize = 99;
/// Default `rate_limit.requests_per_second`.
pub const DEFAULT_REQUESTS_PER_SECOND: f64 = 50.0;
/// Default `rate_limit.burst`, in requests.
pub const DEFAULT_BURST: u32 = 100;
/// Default `rate_limit.max_concurrency`, in calls in flight.
pub const DEFAULT_MAX_CONCURRENCY: u32 = 64;

/// One payer file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayerFile {
    /// The payer's id: the registry key, what clients send as `tradingPartnerServiceId`, and the 270's
    /// NM1*PR identifier. 1 to 64 characters of `A-Z a-z 0-9 . _ -`. Required.
    pub id: String,
    /// The payer's display name. Required.
    pub name: String,
    /// Other names clients may send instead of the id (matched without regard to case).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// How the gateway talks to this payer: a table tagged by `kind` (`sandbox` for now). Required.
    pub transport: Table,
    /// Longest wait for one payer call, in milliseconds. Default [`DEFAULT_PAYER_TIMEOUT_MS`].
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// The payer's limits. Parsed and validated now; enforced once rate limiting lands.
    #[serde(default)]
    pub rate_limit: RateLimitSection,
    /// Most service types (EQ01 repetitions) the payer takes in one 270; a check asking for more is split
    /// into several 270s sent concurrently. 1 to 99. Default [`DEFAULT_MAX_SERVICE_TYPES_PER_INQUIRY`].
    #[serde(default = "default_max_service_types")]
    pub max_service_types_per_inquiry: usize,
    /// X12 service type codes the payer answers for; empty means any. A check asking for others is refused
    /// with 400 before any payer call.
    #[serde(default)]
    pub service_types: Vec<String>,
    /// Cache lifetimes for this payer's answers, over `[cache]` of gateway.toml.
    #[serde(default)]
    pub cache: PayerCacheSection,
    /// Retries of a failed call ([`super::resilience`]).
    #[serde(default)]
    pub retry: super::resilience::RetrySection,
    /// A second attempt when a call is slow; off by default ([`super::resilience`]).
    #[serde(default)]
    pub hedge: super::resilience::HedgeSection,
    /// The payer's circuit breaker ([`super::resilience`]).
    #[serde(default)]
    pub circuit_breaker: super::resilience::CircuitBreakerSection,
}

/// `[rate_limit]` of a payer file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSection {
    /// Sustained calls per second to this payer (may be fractional: 0.5 is one call every 2 s). Default
    /// [`DEFAULT_REQUESTS_PER_SECOND`].
    #[serde(default = "default_requests_per_second")]
    pub requests_per_second: f64,
    /// Calls allowed at once above the sustained rate, in requests. At least 1. Default [`DEFAULT_BURST`].
    #[serde(default = "default_burst")]
    pub burst: u32,
    /// Calls in flight at once, in calls. At least 1. Default [`DEFAULT_MAX_CONCURRENCY`].
    #[serde(default = "default_max_concurrency")]
    pub max_concurrency: u32,
}

/// `[cache]` of a payer file: each key, when present, replaces the gateway-wide value for this payer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayerCacheSection {
    /// Seconds an `active` answer is cached; 0 disables.
    #[serde(default)]
    pub ttl_active_s: Option<u64>,
    /// Seconds an `inactive` answer is cached; 0 disables.
    #[serde(default)]
    pub ttl_inactive_s: Option<u64>,
    /// Seconds a permanent rejection is cached; 0 disables.
    #[serde(default)]
    pub ttl_rejected_s: Option<u64>,
}

// === defaults ===

impl Default for RateLimitSection {
    fn default() -> Self {
        RateLimitSection {
            requests_per_second: DEFAULT_REQUESTS_PER_SECOND,
            burst: DEFAULT_BURST,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
        }
    }
}

fn default_timeout_ms() -> u64 {
    DEFAULT_PAYER_TIMEOUT_MS
}
fn default_max_service_types() -> usize {
    DEFAULT_MAX_SERVICE_TYPES_PER_INQUIRY
}
fn default_requests_per_second() -> f64 {
    DEFAULT_REQUESTS_PER_SECOND
}
fn default_burst() -> u32 {
    DEFAULT_BURST
}
fn default_max_concurrency() -> u32 {
    DEFAULT_MAX_CONCURRENCY
}
