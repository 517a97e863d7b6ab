//! [`HttpSettings`]: how one payer's HTTP client behaves (timeouts, size limit, mutual TLS), the named
//! defaults the transports' configurations fall back to, and credentials read from the environment.
//!
//! The transports' serde configuration structs (in their own crates) hold these values flat, in the units their
//! names say (`connect_timeout_ms`, `max_response_bytes`), and turn them into an [`HttpSettings`].
use std::path::PathBuf;
use std::time::Duration;

use payer_x12::envelope::Usage;
use reqwest::Url;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::error::ConfigError;

/// Default time allowed to open the TCP connection and finish the TLS handshake, in milliseconds.
pub const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 3_000;
/// Default time allowed for a whole exchange (connect, send, answer, read the body), in milliseconds. Below the
/// gateway's default request deadline (20 s, the CAQH CORE real-time limit) so a slow payer still gets an answer.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 15_000;
/// Default largest answer read from a payer, in bytes (4 MiB; a large 271 is a few hundred kilobytes).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// Default ISA05/ISA07 interchange id qualifier: `ZZ`, mutually defined.
pub const DEFAULT_X12_QUALIFIER: &str = "ZZ";

/// How one payer's HTTP client behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSettings {
    /// Time allowed to connect (TCP and TLS).
    pub connect_timeout: Duration,
    /// Time allowed for the whole exchange, body included.
    pub request_timeout: Duration,
    /// Largest answer body read, in bytes; a larger one is an error.
    pub max_response_bytes: usize,
    /// PEM file with the client certificate (chain) for mutual TLS; needs `client_key_pem`.
    pub client_cert_pem: Option<PathBuf>,
    /// PEM file with the client certificate's private key (PKCS#8, PKCS#1 or SEC1); needs `client_cert_pem`.
    pub client_key_pem: Option<PathBuf>,
    /// PEM file with CA certificates trusted in addition to the built-in web roots (a payer's private CA).
    pub ca_bundle_pem: Option<PathBuf>,
}

impl HttpSettings {
    /// Settings from the configuration's units: milliseconds and bytes. Zero timeouts or a zero size limit are
    /// refused, as is a client certificate without its key (or the reverse).
    pub fn new(
        connect_timeout_ms: u64,
        request_timeout_ms: u64,
        max_response_bytes: usize,
    ) -> Result<Self, ConfigError> {
        if connect_timeout_ms == 0 {
            return Err(ConfigError::invalid(
                "connect_timeout_ms",
                "must be above 0",
            ));
        }
        if request_timeout_ms == 0 {
            return Err(ConfigError::invalid(
                "request_timeout_ms",
                "must be above 0",
            ));
        }
        if max_response_bytes == 0 {
            return Err(ConfigError::invalid(
                "max_response_bytes",
                "must be above 0",
            ));
        }
        Ok(HttpSettings {
            connect_timeout: Duration::from_millis(connect_timeout_ms),
            request_timeout: Duration::from_millis(request_timeout_ms),
            max_response_bytes,
            client_cert_pem: None,
            client_key_pem: None,
            ca_bundle_pem: None,
        })
    }

    /// The same settings with mutual TLS files (each optional; certificate and key go together).
    pub fn with_tls(
        mut self,
        client_cert_pem: Option<PathBuf>,
        client_key_pem: Option<PathBuf>,
        ca_bundle_pem: Option<PathBuf>,
    ) -> Result<Self, ConfigError> {
        match (&client_cert_pem, &client_key_pem) {
            (Some(_), None) => {
                return Err(ConfigError::invalid(
                    "client_key_pem",
                    "is required when client_cert_pem is set",
                ))
            }
            (None, Some(_)) => {
                return Err(ConfigError::invalid(
                    "client_cert_pem",
                    "is required when client_key_pem is set",
                ))
            }
            _ => {}
        }
        self.client_cert_pem = client_cert_pem;
        self.client_key_pem = client_key_pem;
        self.ca_bundle_pem = ca_bundle_pem;
        Ok(self)
    }
}

/// ISA15 as the configuration spells it: `T` (test data) or `P` (production data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UsageIndicator {
    /// `T`: the payer treats the interchange as test data.
    #[serde(rename = "T")]
    Test,
    /// `P`: production data.
    #[serde(rename = "P")]
    Production,
}

impl From<UsageIndicator> for Usage {
    fn from(usage: UsageIndicator) -> Usage {
        match usage {
            UsageIndicator::Test => Usage::Test,
            UsageIndicator::Production => Usage::Production,
        }
    }
}

/// Parses an endpoint URL setting: `http` or `https`, with a host, and no user name or password in it
/// (credentials belong in environment variables, not in URLs that end up in logs).
pub fn parse_url(field: &str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value.trim())
        .map_err(|e| ConfigError::invalid(field, format!("is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::invalid(field, "must be an http or https URL"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ConfigError::invalid(field, "has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::invalid(
            field,
            "must not hold credentials; name an environment variable in the settings for them",
        ));
    }
    Ok(url)
}

/// Reads a secret from the environment variable `var` through `lookup` (normally `std::env::var`).
/// An unset or empty variable is an error naming the variable and what it should hold.
pub fn secret_from_env(
    var: &str,
    what: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<SecretString, ConfigError> {
    let var = var.trim();
    if var.is_empty() {
        return Err(ConfigError::invalid(
            "password_env",
            format!("names no environment variable for the {what}"),
        ));
    }
    match lookup(var) {
        Some(value) if !value.is_empty() => Ok(SecretString::from(value)),
        _ => Err(ConfigError::MissingEnv {
            var: var.to_owned(),
            what: what.to_owned(),
        }),
    }
}

/// Looks a variable up in the process environment (the `lookup` the transports use outside tests).
pub fn process_env(var: &str) -> Option<String> {
    std::env::var(var).ok()
}
