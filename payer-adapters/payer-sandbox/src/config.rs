//! [`SandboxConfig`]: the sandbox payer's settings, as they appear in a payer's TOML file under `[transport]`.
//!
//! ```toml
//! [transport]
//! kind = "sandbox"                      # read by the gateway, not by this struct
//! payer_name = "Sandbox Health Plan"    # 2100A NM103 of every 271
//! slow_delay_ms = 3000                  # extra wait of the SLOW scenario
//! timeout_delay_ms = 60000              # wait of the TIME scenario
//! latency = { distribution = "log-normal", median_ms = 120, p99_ms = 900 }
//! ```
//!
//! Every field has a default (a named constant below), so `kind = "sandbox"` alone is a valid transport.
//! Unknown keys are an error. [`SandboxConfig::validate`] checks the values without doing any I/O.
use std::time::Duration;

use rand::Rng;
use serde::Deserialize;
use thiserror::Error;

/// Default for [`SandboxConfig::payer_name`].
pub const DEFAULT_PAYER_NAME: &str = "SANDBOX HEALTH PLAN";
/// Default for [`SandboxConfig::latency`]: a fixed 50 ms, about a fast payer's real-time answer.
pub const DEFAULT_LATENCY_MS: u64 = 50;
/// Default for [`SandboxConfig::slow_delay_ms`], in milliseconds.
pub const DEFAULT_SLOW_DELAY_MS: u64 = 3_000;
/// Default for [`SandboxConfig::timeout_delay_ms`], in milliseconds: three times the CAQH CORE 20 s limit.
pub const DEFAULT_TIMEOUT_DELAY_MS: u64 = 60_000;
/// The largest delay any setting accepts, in milliseconds (one hour).
pub const MAX_DELAY_MS: u64 = 3_600_000;

/// The sandbox payer's settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxConfig {
    /// The payer's name in the 271 (2100A NM103). Plain text without X12 delimiters (`*`, `~`, `^`, `:`, `|`).
    #[serde(default = "default_payer_name")]
    pub payer_name: String,
    /// How long every answer takes (milliseconds): fixed or drawn from a distribution, per check.
    #[serde(default)]
    pub latency: Latency,
    /// Milliseconds the `SLOW` scenario waits on top of [`SandboxConfig::latency`] before answering.
    #[serde(default = "default_slow_delay_ms")]
    pub slow_delay_ms: u64,
    /// Milliseconds the `TIME` scenario waits before giving up without an answer; set it longer than any
    /// deadline so that the caller's deadline fires first.
    #[serde(default = "default_timeout_delay_ms")]
    pub timeout_delay_ms: u64,
}

/// How long the payer takes to answer, in milliseconds. Tagged by `distribution`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(tag = "distribution", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Latency {
    /// Always the same: `{ distribution = "fixed", ms = 50 }`.
    Fixed {
        /// Milliseconds.
        ms: u64,
    },
    /// Uniform between two bounds, inclusive: `{ distribution = "uniform", min_ms = 20, max_ms = 200 }`.
    Uniform {
        /// Shortest, milliseconds.
        min_ms: u64,
        /// Longest, milliseconds; at least `min_ms`.
        max_ms: u64,
    },
    /// Log-normal, the usual shape of service latency (a long right tail), given by its median and 99th
    /// percentile: `{ distribution = "log-normal", median_ms = 120, p99_ms = 900 }`. Draws are capped at
    /// ten times `p99_ms` so that one sample cannot stall a test run.
    LogNormal {
        /// Median, milliseconds; above 0.
        median_ms: u64,
        /// 99th percentile, milliseconds; at least `median_ms`.
        p99_ms: u64,
    },
}

/// A setting that cannot be honoured, naming its key.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("sandbox transport: {key}: {message}")]
pub struct ConfigError {
    /// The key, as written in the TOML file (`latency.p99_ms`).
    pub key: &'static str,
    /// What is wrong with its value.
    pub message: String,
}

// === impl SandboxConfig ===

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            payer_name: default_payer_name(),
            latency: Latency::default(),
            slow_delay_ms: DEFAULT_SLOW_DELAY_MS,
            timeout_delay_ms: DEFAULT_TIMEOUT_DELAY_MS,
        }
    }
}

impl SandboxConfig {
    /// Checks every value; pure (no I/O).
    pub fn validate(&self) -> Result<(), ConfigError> {
        let name = self.payer_name.trim();
        if name.is_empty() || name.len() > 60 {
            return Err(error("payer_name", "must be 1 to 60 characters"));
        }
        if self
            .payer_name
            .chars()
            .any(|c| matches!(c, '*' | '~' | '^' | ':' | '|' | '>' | '\n' | '\r'))
        {
            return Err(error(
                "payer_name",
                "must not contain X12 delimiter characters (* ~ ^ : | >) or line breaks",
            ));
        }
        check_delay("slow_delay_ms", self.slow_delay_ms)?;
        check_delay("timeout_delay_ms", self.timeout_delay_ms)?;
        self.latency.validate()
    }

    /// The `SLOW` scenario's extra wait.
    pub fn slow_delay(&self) -> Duration {
        Duration::from_millis(self.slow_delay_ms)
    }

    /// The `TIME` scenario's wait.
    pub fn timeout_delay(&self) -> Duration {
        Duration::from_millis(self.timeout_delay_ms)
    }
}

// === impl Latency ===

impl Default for Latency {
    fn default() -> Self {
        Latency::Fixed {
            ms: DEFAULT_LATENCY_MS,
        }
    }
}

impl Latency {
    /// Checks the bounds; pure.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match *self {
            Latency::Fixed { ms } => check_delay("latency.ms", ms),
            Latency::Uniform { min_ms, max_ms } => {
                check_delay("latency.min_ms", min_ms)?;
                check_delay("latency.max_ms", max_ms)?;
                if max_ms < min_ms {
                    return Err(error("latency.max_ms", "must be at least latency.min_ms"));
                }
                Ok(())
            }
            Latency::LogNormal { median_ms, p99_ms } => {
                check_delay("latency.median_ms", median_ms)?;
                check_delay("latency.p99_ms", p99_ms)?;
                if median_ms == 0 {
                    return Err(error("latency.median_ms", "must be above 0"));
                }
                if p99_ms < median_ms {
                    return Err(error(
                        "latency.p99_ms",
                        "must be at least latency.median_ms",
                    ));
                }
                Ok(())
            }
        }
    }

    /// Draws one latency.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Duration {
        match *self {
            Latency::Fixed { ms } => Duration::from_millis(ms),
            Latency::Uniform { min_ms, max_ms } => {
                let (low, high) = (min_ms.min(max_ms), min_ms.max(max_ms));
                Duration::from_millis(rng.random_range(low..=high))
            }
            Latency::LogNormal { median_ms, p99_ms } => {
                // ln(latency) is normal with mean ln(median) and a deviation such that the 99th percentile,
                // 2.326 deviations above the mean, lands on p99.
                const Z_99: f64 = 2.326_347_874;
                let median = median_ms.max(1) as f64;
                let sigma = ((p99_ms as f64).max(median) / median).ln() / Z_99;
                let millis = median * (sigma * standard_normal(rng)).exp();
                let cap = (p99_ms.max(1) as f64) * 10.0;
                Duration::from_secs_f64(millis.clamp(0.0, cap) / 1000.0)
            }
        }
    }
}

/// One draw from the standard normal distribution (Box-Muller).
fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    // `random::<f64>()` is in [0, 1); 1 - u is in (0, 1], so the logarithm is finite.
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn check_delay(key: &'static str, ms: u64) -> Result<(), ConfigError> {
    if ms > MAX_DELAY_MS {
        return Err(error(key, "must be at most 3600000 (one hour)"));
    }
    Ok(())
}

fn error(key: &'static str, message: &str) -> ConfigError {
    ConfigError {
        key,
        message: message.to_owned(),
    }
}

fn default_payer_name() -> String {
    DEFAULT_PAYER_NAME.to_owned()
}

fn default_slow_delay_ms() -> u64 {
    DEFAULT_SLOW_DELAY_MS
}

fn default_timeout_delay_ms() -> u64 {
    DEFAULT_TIMEOUT_DELAY_MS
}
