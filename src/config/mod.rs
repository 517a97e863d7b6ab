//! Configuration: layered, validated before anything starts, every error naming its file and key.
//!
//! Layers, each over the one before, key by key:
//! 1. `config/gateway.toml`, embedded in the binary: loopback, in-memory cache, the sandbox payers.
//! 2. The operator's file (`serve --config FILE`), in the same format; it names only what it changes.
//! 3. Environment variables `GATEWAY__<SECTION>__<KEY>` (`GATEWAY__SERVER__LISTEN=127.0.0.1:9000`). A value
//!    that reads as a TOML literal (number, boolean, array, inline table, quoted string) is taken as one,
//!    anything else as a string. `GATEWAY__PAYERS__<ID>__<KEY>` overrides a key of one payer file (write `-`
//!    and `.` of the id as `_`: `GATEWAY__PAYERS__SANDBOX_SINGLE__TIMEOUT_MS=5000`).
//!
//! Payers come one per file: the embedded `config/payers/*.toml` (unless `payers.embedded = false`) and the
//! `*.toml` files of `payers.dir`; an operator payer with an embedded payer's id replaces it.
//!
//! Secrets are never written in these files: a transport that needs one names the environment variable that
//! holds it (`password_env = "ACME_PASSWORD"`) and reads it with [`secret_from_env`] when it is built. The
//! cache's HMAC key is the one exception that may be given as a value, preferably through
//! `GATEWAY__CACHE__HMAC_KEY`; when absent, a random key is drawn at start (see [`CacheSection::hmac_key`]).
//!
//! - [`settings`]: the `gateway.toml` sections as written, with their default constants.
//! - [`payer`]: a payer file as written, with its default constants.
//! - [`transport`]: the `[transport]` table, tagged by `kind`.
//! - [`security`]: `[auth]`, `[audit]`, `[server.tls]` and the connection limits of `[server]`.
//! - [`RawConfig::validate`]: the pure check from what the files say to [`ValidatedSettings`].
//! - [`ConfigError`]: one line per problem, `FILE: KEY: what is wrong`.
use std::path::Path;

use secrecy::SecretString;

mod de;
mod embedded;
mod error;
mod layered;
mod load;
pub mod payer;
pub mod redis;
pub mod resilience;
pub mod security;
pub mod settings;
pub mod transport;
mod validate;
mod validate_payer;
mod validate_resilience;
mod validated;

pub use error::{ConfigError, Problem};
pub use layered::{ENV_PREFIX, ENV_SEPARATOR};
pub use payer::{PayerCacheSection, PayerFile, RateLimitSection};
pub use redis::{EncryptionKey, RateLimitsConfig, RedisConfig, RedisEndpoints};
pub use resilience::{BatchConfig, BreakerPolicy, HedgeDelay, Resilience, RetryPolicy};
pub use security::{
    ApiKeyConfig, AuditConfig, AuditFileConfig, AuthConfig, ConnectionLimits, SecurityConfig,
    TlsConfig,
};
pub use settings::{
    CacheKind, CacheSection, LogFormat, LogSection, PayersSection, ServerSection, Settings,
};
pub use transport::TransportConfig;
pub use validate::RawConfig;
pub use validated::{
    CacheBound, CacheConfig, CacheTtls, HmacKey, LogConfig, PayerConfig, RateLimit, ServerConfig,
    ValidatedSettings, HMAC_KEY_BYTES,
};

/// Loads the configuration the gateway runs on: the embedded defaults, then `operator_file` when given, then
/// the process's `GATEWAY__*` environment variables; then validates it.
///
/// Call it before starting anything: on error, print the error (one `FILE: KEY: problem` line each) and exit.
pub fn load(operator_file: Option<&Path>) -> Result<ValidatedSettings, ConfigError> {
    let mut environment = Vec::new();
    for (name, value) in std::env::vars_os() {
        let Some(name) = name.to_str().filter(|name| name.starts_with(ENV_PREFIX)) else {
            continue;
        };
        match value.into_string() {
            Ok(value) => environment.push((name.to_owned(), value)),
            Err(_) => {
                return Err(ConfigError::single(
                    format!("environment variable {name}"),
                    None,
                    "is not valid UTF-8",
                ))
            }
        }
    }
    load_from(operator_file, &environment)
}

/// [`load`] with the environment given explicitly, as `(name, value)` pairs; names without the `GATEWAY__`
/// prefix are ignored. For tests and for tools that assemble a configuration.
pub fn load_from(
    operator_file: Option<&Path>,
    environment: &[(String, String)],
) -> Result<ValidatedSettings, ConfigError> {
    let (raw, mut problems) = load::read(operator_file, environment)?;
    match raw.validate() {
        Ok(settings) => problems.finish(settings),
        Err(error) => {
            problems.extend(error);
            Err(problems.into_error())
        }
    }
}

/// Reads a secret from the environment variable a config file names (`password_env = "ACME_PASSWORD"`).
///
/// The error names the variable, never a value.
pub fn secret_from_env(variable: &str) -> Result<SecretString, String> {
    match std::env::var(variable) {
        Ok(value) if !value.is_empty() => Ok(SecretString::from(value)),
        Ok(_) => Err(format!("environment variable {variable} is empty")),
        Err(std::env::VarError::NotPresent) => {
            Err(format!("environment variable {variable} is not set"))
        }
        Err(std::env::VarError::NotUnicode(_)) => Err(format!(
            "environment variable {variable} is not valid UTF-8"
        )),
    }
}

#[cfg(test)]
mod resilience_tests;
#[cfg(test)]
mod tests;
