//! [`RawConfig::validate`]: the pure check from what the files say to [`ValidatedSettings`].
//!
//! Payer files are judged in [`super::validate_payer`].
//!
//! No I/O, no clock, no randomness: the same input always gives the same answer, so every rule has a unit
//! test. Every problem names the file (or environment variable) and the key; all problems are reported at once.
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::time::Duration;

use super::error::{ConfigError, Problems};
use super::layered::Origins;
use super::payer::PayerFile;
use super::redis::{validate_rate_limits, validate_redis};
use super::settings::{CacheSection, Settings};
use super::transport::TransportConfig;
use super::validate_payer::{check_names_unique, validate_payer};
use super::validate_resilience::validate_batch;
use super::validated::{
    CacheBound, CacheConfig, CacheTtls, HmacKey, LogConfig, PayerConfig, ServerConfig,
    ValidatedSettings,
};

/// Longest `server.shutdown_grace_s` accepted (10 minutes).
const MAX_SHUTDOWN_GRACE_S: u64 = 600;
/// Most HTTP workers accepted.
const MAX_WORKERS: usize = 1024;
/// Longest deadline accepted, in milliseconds (10 minutes; CORE allows 20 s for real time).
const MAX_DEADLINE_LIMIT_MS: u64 = 600_000;
/// Longest cache lifetime accepted, in seconds (31 days).
pub(super) const MAX_TTL_S: u64 = 31 * 24 * 3600;
/// Levels a `log.level` directive may name.
const LOG_LEVELS: &[&str] = &["trace", "debug", "info", "warn", "error", "off"];

/// What the layers say, parsed but not validated: the input of [`RawConfig::validate`].
#[derive(Debug, Clone)]
pub struct RawConfig {
    pub(crate) settings: Settings,
    pub(crate) origins: Origins,
    pub(crate) payers: Vec<RawPayer>,
    /// Payer files that could not be parsed (already reported), so "no payer" is not reported on top.
    pub(crate) unreadable_payers: usize,
    pub(crate) sources: Vec<String>,
}

/// One payer file, parsed.
#[derive(Debug, Clone)]
pub(crate) struct RawPayer {
    pub(crate) file: PayerFile,
    pub(crate) transport: TransportConfig,
    pub(crate) origins: Origins,
}

// === impl RawConfig ===

impl RawConfig {
    /// Checks every value and builds the settings the gateway runs on; pure.
    pub fn validate(self) -> Result<ValidatedSettings, ConfigError> {
        let mut problems = Problems::default();
        let origins = &self.origins;
        let server = validate_server(&self.settings, origins, &mut problems);
        let cache = validate_cache(&self.settings.cache, origins, &mut problems);
        let log = validate_log(&self.settings, origins, &mut problems);
        let batch = validate_batch(&self.settings.batch, origins, &mut problems);
        let security = super::security::validate_security(
            &self.settings.server,
            &self.settings.auth,
            &self.settings.audit,
            origins,
            &mut problems,
        );
        let rate_limits = validate_rate_limits(&self.settings.rate_limits, origins, &mut problems);
        let mut payers: Vec<PayerConfig> = self
            .payers
            .into_iter()
            .filter_map(|payer| validate_payer(payer, cache.as_ref().map(|c| c.ttl), &mut problems))
            .collect();
        // In load order (embedded, then the operator's), so a collision is blamed on the later file.
        check_names_unique(&payers, &mut problems);
        payers.sort_by(|a, b| a.id.cmp(&b.id));
        if payers.is_empty() && problems.is_empty() && self.unreadable_payers == 0 {
            problems.push(
                origins.of("payers"),
                "payers",
                "no payer is configured (set payers.embedded = true or name a payers.dir)",
            );
        }
        let (Some(server), Some(cache), Some(log), Some(security)) = (server, cache, log, security)
        else {
            return Err(problems.into_error());
        };
        let Some(batch) = batch else {
            return Err(problems.into_error());
        };
        problems.finish(ValidatedSettings {
            server,
            cache,
            log,
            security,
            batch,
            rate_limits,
            payers,
            sources: self.sources,
        })
    }
}

fn validate_server(
    settings: &Settings,
    origins: &Origins,
    problems: &mut Problems,
) -> Option<ServerConfig> {
    let server = &settings.server;
    let before = problems.len();
    let listen = match server.listen.trim().parse::<SocketAddr>() {
        Ok(address) => Some(address),
        Err(_) => {
            problems.push(
                origins.of("server.listen"),
                "server.listen",
                "must be IP:port, such as 127.0.0.1:8080",
            );
            None
        }
    };
    if server.max_body_bytes < 1024 {
        problems.push(
            origins.of("server.max_body_bytes"),
            "server.max_body_bytes",
            "must be at least 1024 bytes",
        );
    }
    check_range(
        problems,
        origins,
        "server.default_deadline_ms",
        server.default_deadline_ms,
        1,
        MAX_DEADLINE_LIMIT_MS,
    );
    check_range(
        problems,
        origins,
        "server.max_deadline_ms",
        server.max_deadline_ms,
        1,
        MAX_DEADLINE_LIMIT_MS,
    );
    if server.default_deadline_ms > server.max_deadline_ms {
        problems.push(
            origins.of("server.default_deadline_ms"),
            "server.default_deadline_ms",
            format!(
                "must not exceed server.max_deadline_ms ({})",
                server.max_deadline_ms
            ),
        );
    }
    if server.shutdown_grace_s > MAX_SHUTDOWN_GRACE_S {
        problems.push(
            origins.of("server.shutdown_grace_s"),
            "server.shutdown_grace_s",
            format!("must be at most {MAX_SHUTDOWN_GRACE_S} seconds"),
        );
    }
    if server.workers > MAX_WORKERS {
        problems.push(
            origins.of("server.workers"),
            "server.workers",
            format!("must be at most {MAX_WORKERS}"),
        );
    }
    if problems.len() != before {
        return None;
    }
    Some(ServerConfig {
        listen: listen?,
        max_body_bytes: server.max_body_bytes,
        default_deadline: Duration::from_millis(server.default_deadline_ms),
        max_deadline: Duration::from_millis(server.max_deadline_ms),
        workers: NonZeroUsize::new(server.workers),
        shutdown_grace: Duration::from_secs(server.shutdown_grace_s),
        small_writes_above_in_flight: server.small_writes_above_in_flight,
    })
}

fn validate_cache(
    cache: &CacheSection,
    origins: &Origins,
    problems: &mut Problems,
) -> Option<CacheConfig> {
    let before = problems.len();
    if cache.capacity == 0 {
        problems.push(
            origins.of("cache.capacity"),
            "cache.capacity",
            "must be at least 1 entry (use cache.kind = \"none\" to disable the cache)",
        );
    }
    // Up to a TiB: a bound, not a budget anyone means to reach, and far from overflowing in bytes.
    let max_bytes = match cache.max_mb {
        1..=1_048_576 => cache.max_mb << 20,
        _ => {
            problems.push(
                origins.of("cache.max_mb"),
                "cache.max_mb",
                "must be from 1 to 1048576 MiB",
            );
            0
        }
    };
    let hmac_key = match cache.hmac_key.as_deref() {
        None => None,
        Some(text) => match HmacKey::from_hex(text) {
            Ok(key) => Some(key),
            Err(message) => {
                problems.push(origins.of("cache.hmac_key"), "cache.hmac_key", message);
                None
            }
        },
    };
    let ttl = CacheTtls {
        active: ttl(
            problems,
            origins.of("cache.ttl_active_s"),
            "cache.ttl_active_s",
            cache.ttl_active_s,
        ),
        inactive: ttl(
            problems,
            origins.of("cache.ttl_inactive_s"),
            "cache.ttl_inactive_s",
            cache.ttl_inactive_s,
        ),
        rejected: ttl(
            problems,
            origins.of("cache.ttl_rejected_s"),
            "cache.ttl_rejected_s",
            cache.ttl_rejected_s,
        ),
    };
    let stale_max_age = self::ttl(
        problems,
        origins.of("cache.stale_max_age_s"),
        "cache.stale_max_age_s",
        cache.stale_max_age_s,
    );
    let redis = validate_redis(cache, origins, problems);
    (problems.len() == before).then_some(CacheConfig {
        kind: cache.kind,
        bound: CacheBound {
            entries: cache.capacity,
            bytes: max_bytes,
        },
        hmac_key,
        ttl,
        stale_max_age,
        redis,
    })
}

fn validate_log(
    settings: &Settings,
    origins: &Origins,
    problems: &mut Problems,
) -> Option<LogConfig> {
    let level = settings.log.level.trim();
    let valid = !level.is_empty()
        && level.split(',').all(|directive| {
            let level = directive
                .rsplit_once('=')
                .map_or(directive, |(_, level)| level)
                .trim();
            let target = directive
                .rsplit_once('=')
                .map_or("", |(target, _)| target)
                .trim();
            LOG_LEVELS.contains(&level.to_ascii_lowercase().as_str())
                && target
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '-')
        });
    if !valid {
        problems.push(
            origins.of("log.level"),
            "log.level",
            "must be a level (trace, debug, info, warn, error, off) or comma-separated target=level directives",
        );
        return None;
    }
    Some(LogConfig {
        level: level.to_owned(),
        format: settings.log.format,
    })
}

pub(super) fn check_range(
    problems: &mut Problems,
    origins: &Origins,
    key: &str,
    value: u64,
    min: u64,
    max: u64,
) {
    if value < min || value > max {
        problems.push(
            origins.of(key),
            key,
            format!("must be {min} to {max} milliseconds"),
        );
    }
}

pub(super) fn ttl(problems: &mut Problems, origin: &str, key: &str, seconds: u64) -> Duration {
    if seconds > MAX_TTL_S {
        problems.push(
            origin,
            key,
            format!("must be at most {MAX_TTL_S} seconds (31 days)"),
        );
    }
    Duration::from_secs(seconds)
}
