//! Resilience settings: a payer file's `[retry]`, `[hedge]` and `[circuit_breaker]`, and `[batch]` of
//! gateway.toml, as written (with their default constants) and validated.
//!
//! ```toml
//! [retry]                    # per payer: attempts of one payer call, backoff with full jitter
//! max_attempts = 3           # 1 disables retries
//! initial_backoff_ms = 100
//! max_backoff_ms = 2000
//!
//! [hedge]                    # per payer, off by default: a second attempt when the first is slow
//! enabled = false
//! delay_ms = "p95"           # milliseconds, or "p95": the payer's recent 95th percentile
//!
//! [circuit_breaker]          # per payer
//! enabled = true
//! failure_threshold = 5      # consecutive failures that open it (0: only the rate rule)
//! failure_rate = 0.5         # share of failures over `window_s` that opens it (with `min_calls`)
//! window_s = 30
//! min_calls = 20
//! open_s = 15                # how long it stays open before probing
//! half_open_probes = 1       # probe calls let through; that many successes close it
//! ```
//!
//! ```toml
//! [batch]                    # gateway.toml
//! max_checks = 10000         # checks in one POST /v1/eligibility/batch
//! max_body_bytes = 16777216  # the batch body limit (server.max_body_bytes is for single checks)
//! concurrency = 32           # checks of one batch in flight at once
//! per_payer_concurrency = 8  # batch checks in flight per payer, across batches (the batch lane)
//! ```
//!
//! Validation is in `validate_resilience.rs`.
use std::num::NonZeroU32;
use std::time::Duration;

use serde::Deserialize;

/// Default `retry.max_attempts`: the first call and two retries.
pub const DEFAULT_RETRY_MAX_ATTEMPTS: u32 = 3;
/// Default `retry.initial_backoff_ms`: the longest wait before the first retry (full jitter draws below it).
pub const DEFAULT_RETRY_INITIAL_BACKOFF_MS: u64 = 100;
/// Default `retry.max_backoff_ms`: the cap of the doubling backoff.
pub const DEFAULT_RETRY_MAX_BACKOFF_MS: u64 = 2_000;
/// Most attempts a payer may be given per call.
pub const MAX_RETRY_ATTEMPTS: u32 = 10;
/// Longest backoff (and hedge delay) accepted, in milliseconds.
pub const MAX_BACKOFF_LIMIT_MS: u64 = 60_000;
/// Default `circuit_breaker.failure_threshold`, in consecutive failures.
pub const DEFAULT_FAILURE_THRESHOLD: u32 = 5;
/// Default `circuit_breaker.failure_rate`.
pub const DEFAULT_FAILURE_RATE: f64 = 0.5;
/// Default `circuit_breaker.window_s`.
pub const DEFAULT_WINDOW_S: u64 = 30;
/// Default `circuit_breaker.min_calls`: the rate rule needs this many calls in the window.
pub const DEFAULT_MIN_CALLS: u32 = 20;
/// Default `circuit_breaker.open_s`.
pub const DEFAULT_OPEN_S: u64 = 15;
/// Default `circuit_breaker.half_open_probes`.
pub const DEFAULT_HALF_OPEN_PROBES: u32 = 1;
/// Longest `window_s` and `open_s` accepted (one hour).
pub const MAX_BREAKER_S: u64 = 3_600;
/// Default `batch.max_checks`.
pub const DEFAULT_BATCH_MAX_CHECKS: usize = 10_000;
/// Default `batch.max_body_bytes`: 16 MiB, room for 10,000 checks of about 1.5 KiB.
pub const DEFAULT_BATCH_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Default `batch.concurrency`.
pub const DEFAULT_BATCH_CONCURRENCY: usize = 32;
/// Default `batch.per_payer_concurrency`.
pub const DEFAULT_BATCH_PER_PAYER_CONCURRENCY: usize = 8;

/// `[retry]` of a payer file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrySection {
    /// Attempts of one payer call, the first included; 1 disables retries. 1 to 10. Default
    /// [`DEFAULT_RETRY_MAX_ATTEMPTS`].
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    /// The backoff before the first retry, in milliseconds; it doubles for each further retry. Default
    /// [`DEFAULT_RETRY_INITIAL_BACKOFF_MS`].
    #[serde(default = "default_initial_backoff_ms")]
    pub initial_backoff_ms: u64,
    /// The cap of the backoff, in milliseconds. Default [`DEFAULT_RETRY_MAX_BACKOFF_MS`].
    #[serde(default = "default_max_backoff_ms")]
    pub max_backoff_ms: u64,
}

/// `[hedge]` of a payer file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HedgeSection {
    /// Whether a slow call gets a second, concurrent attempt. Default `false`.
    #[serde(default)]
    pub enabled: bool,
    /// When to start the second attempt: milliseconds after the first, or `"p95"` (the default): the payer's
    /// 95th percentile latency over its recent answers.
    #[serde(default)]
    pub delay_ms: HedgeDelaySetting,
}

/// `hedge.delay_ms` as written: a number of milliseconds or `"p95"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum HedgeDelaySetting {
    /// Milliseconds.
    Millis(u64),
    /// A name: `p95`.
    Named(String),
}

/// `[circuit_breaker]` of a payer file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreakerSection {
    /// Whether the payer has a breaker. Default `true`.
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Consecutive failures that open it; 0 leaves only the rate rule. Default [`DEFAULT_FAILURE_THRESHOLD`].
    #[serde(default = "default_failure_threshold")]
    pub failure_threshold: u32,
    /// Share of failed calls (above 0, at most 1) over the last `window_s` that opens it, once at least
    /// `min_calls` were made in the window. Default [`DEFAULT_FAILURE_RATE`].
    #[serde(default = "default_failure_rate")]
    pub failure_rate: f64,
    /// The window of the rate rule, in seconds. Default [`DEFAULT_WINDOW_S`].
    #[serde(default = "default_window_s")]
    pub window_s: u64,
    /// Calls the window must hold before the rate rule applies. Default [`DEFAULT_MIN_CALLS`].
    #[serde(default = "default_min_calls")]
    pub min_calls: u32,
    /// How long it stays open (calls refused at once) before letting probes through, in seconds. Default
    /// [`DEFAULT_OPEN_S`].
    #[serde(default = "default_open_s")]
    pub open_s: u64,
    /// Probe calls let through when half-open; that many successes close it, one failure reopens it.
    /// Default [`DEFAULT_HALF_OPEN_PROBES`].
    #[serde(default = "default_half_open_probes")]
    pub half_open_probes: u32,
}

/// `[batch]` of gateway.toml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchSection {
    /// Most checks in one batch request. Default [`DEFAULT_BATCH_MAX_CHECKS`].
    #[serde(default = "default_batch_max_checks")]
    pub max_checks: usize,
    /// Largest batch body, in bytes. Default [`DEFAULT_BATCH_MAX_BODY_BYTES`].
    #[serde(default = "default_batch_max_body_bytes")]
    pub max_body_bytes: usize,
    /// Checks of one batch in flight at once. Default [`DEFAULT_BATCH_CONCURRENCY`].
    #[serde(default = "default_batch_concurrency")]
    pub concurrency: usize,
    /// Batch checks in flight at once per payer, across all batches: the width of the batch lane. Default
    /// [`DEFAULT_BATCH_PER_PAYER_CONCURRENCY`].
    #[serde(default = "default_batch_per_payer_concurrency")]
    pub per_payer_concurrency: usize,
}

/// A payer's retry policy, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts of one call, the first included.
    pub max_attempts: NonZeroU32,
    /// The backoff ceiling before the first retry.
    pub initial_backoff: Duration,
    /// The cap of the backoff ceiling.
    pub max_backoff: Duration,
}

/// A payer's hedging policy, validated (present only when enabled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HedgeDelay {
    /// A fixed delay.
    Fixed(Duration),
    /// The payer's recent 95th percentile latency.
    P95,
}

/// A payer's circuit breaker, validated (present only when enabled).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakerPolicy {
    /// Consecutive failures that open it; 0: the rule is off.
    pub failure_threshold: u32,
    /// Failure share over the window that opens it.
    pub failure_rate: f64,
    /// The window of the rate rule.
    pub window: Duration,
    /// Calls the window must hold for the rate rule.
    pub min_calls: u32,
    /// How long it stays open.
    pub open_for: Duration,
    /// Probes when half-open.
    pub half_open_probes: NonZeroU32,
}

/// `[batch]`, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchConfig {
    /// Most checks in one batch.
    pub max_checks: usize,
    /// Largest batch body, in bytes.
    pub max_body_bytes: usize,
    /// Checks of one batch in flight at once (at least 1).
    pub concurrency: usize,
    /// Batch checks in flight per payer across batches (at least 1).
    pub per_payer_concurrency: usize,
}

/// A payer's resilience settings, validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resilience {
    /// Retries.
    pub retry: RetryPolicy,
    /// Hedging; `None` when off.
    pub hedge: Option<HedgeDelay>,
    /// The circuit breaker; `None` when off.
    pub circuit_breaker: Option<BreakerPolicy>,
}

// === defaults ===

impl Default for RetrySection {
    fn default() -> Self {
        RetrySection {
            max_attempts: DEFAULT_RETRY_MAX_ATTEMPTS,
            initial_backoff_ms: DEFAULT_RETRY_INITIAL_BACKOFF_MS,
            max_backoff_ms: DEFAULT_RETRY_MAX_BACKOFF_MS,
        }
    }
}

impl Default for HedgeDelaySetting {
    fn default() -> Self {
        HedgeDelaySetting::Named("p95".to_owned())
    }
}

impl Default for CircuitBreakerSection {
    fn default() -> Self {
        CircuitBreakerSection {
            enabled: true,
            failure_threshold: DEFAULT_FAILURE_THRESHOLD,
            failure_rate: DEFAULT_FAILURE_RATE,
            window_s: DEFAULT_WINDOW_S,
            min_calls: DEFAULT_MIN_CALLS,
            open_s: DEFAULT_OPEN_S,
            half_open_probes: DEFAULT_HALF_OPEN_PROBES,
        }
    }
}

impl Default for BatchSection {
    fn default() -> Self {
        BatchSection {
            max_checks: DEFAULT_BATCH_MAX_CHECKS,
            max_body_bytes: DEFAULT_BATCH_MAX_BODY_BYTES,
            concurrency: DEFAULT_BATCH_CONCURRENCY,
            per_payer_concurrency: DEFAULT_BATCH_PER_PAYER_CONCURRENCY,
        }
    }
}

impl Default for Resilience {
    /// The defaults of every section (hedging off).
    fn default() -> Self {
        let breaker = CircuitBreakerSection::default();
        Resilience {
            retry: RetryPolicy {
                max_attempts: NonZeroU32::MIN.saturating_add(DEFAULT_RETRY_MAX_ATTEMPTS - 1),
                initial_backoff: Duration::from_millis(DEFAULT_RETRY_INITIAL_BACKOFF_MS),
                max_backoff: Duration::from_millis(DEFAULT_RETRY_MAX_BACKOFF_MS),
            },
            hedge: None,
            circuit_breaker: Some(BreakerPolicy {
                failure_threshold: breaker.failure_threshold,
                failure_rate: breaker.failure_rate,
                window: Duration::from_secs(breaker.window_s),
                min_calls: breaker.min_calls,
                open_for: Duration::from_secs(breaker.open_s),
                half_open_probes: NonZeroU32::MIN.saturating_add(DEFAULT_HALF_OPEN_PROBES - 1),
            }),
        }
    }
}

fn default_max_attempts() -> u32 {
    DEFAULT_RETRY_MAX_ATTEMPTS
}
fn default_initial_backoff_ms() -> u64 {
    DEFAULT_RETRY_INITIAL_BACKOFF_MS
}
fn default_max_backoff_ms() -> u64 {
    DEFAULT_RETRY_MAX_BACKOFF_MS
}
fn default_true() -> bool {
    true
}
fn default_failure_threshold() -> u32 {
    DEFAULT_FAILURE_THRESHOLD
}
fn default_failure_rate() -> f64 {
    DEFAULT_FAILURE_RATE
}
fn default_window_s() -> u64 {
    DEFAULT_WINDOW_S
}
fn default_min_calls() -> u32 {
    DEFAULT_MIN_CALLS
}
fn default_open_s() -> u64 {
    DEFAULT_OPEN_S
}
fn default_half_open_probes() -> u32 {
    DEFAULT_HALF_OPEN_PROBES
}
fn default_batch_max_checks() -> usize {
    DEFAULT_BATCH_MAX_CHECKS
}
fn default_batch_max_body_bytes() -> usize {
    DEFAULT_BATCH_MAX_BODY_BYTES
}
fn default_batch_concurrency() -> usize {
    DEFAULT_BATCH_CONCURRENCY
}
fn default_batch_per_payer_concurrency() -> usize {
    DEFAULT_BATCH_PER_PAYER_CONCURRENCY
}
