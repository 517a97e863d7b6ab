//! [`X12HttpConfig`]: the settings of one payer reached by raw X12 over HTTP(S) (`x12-http`), as they appear
//! under the payer's `[transport]` table.
//!
//! ```toml
//! [transport]
//! kind = "x12-http"                 # the gateway's tag, not a field of this struct
//! url = "https://x12.clearinghouse.example/270"
//! sender_id = "SUBMITTER01"
//! receiver_id = "CLEARHOUSE"
//! usage = "P"
//! username = "submitter01"          # optional: HTTP Basic authentication, with password_env
//! password_env = "CLEARHOUSE_PASSWORD"
//! ```
use std::path::PathBuf;

use payer_transport::{
    ConfigError, HttpSettings, UsageIndicator, DEFAULT_CONNECT_TIMEOUT_MS,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_X12_QUALIFIER,
};
use serde::{Deserialize, Serialize};

/// One payer's raw X12 over HTTP settings. Endpoints and credentials have no defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct X12HttpConfig {
    /// The endpoint that takes a 270 as the request body, an `https://` (or, for local tests, `http://`) URL.
    /// Required.
    pub url: String,
    /// ISA06/GS02: who the gateway is at this payer (at most 15 characters). Required.
    pub sender_id: String,
    /// ISA05, the qualifier of `sender_id` (two characters). Default [`DEFAULT_X12_QUALIFIER`].
    #[serde(default = "default_qualifier")]
    pub sender_qualifier: String,
    /// ISA08/GS03: the payer or clearinghouse (at most 15 characters). Required.
    pub receiver_id: String,
    /// ISA07, the qualifier of `receiver_id`. Default [`DEFAULT_X12_QUALIFIER`].
    #[serde(default = "default_qualifier")]
    pub receiver_qualifier: String,
    /// ISA15: `T` (test data) or `P` (production data). Required.
    pub usage: UsageIndicator,
    /// HTTP Basic user name; set together with `password_env`, or neither for no authentication (or mutual
    /// TLS only). Default none.
    #[serde(default)]
    pub username: Option<String>,
    /// The name of the environment variable holding the HTTP Basic password (never the password itself).
    /// Default none.
    #[serde(default)]
    pub password_env: Option<String>,
    /// Time allowed to connect (TCP and TLS), in milliseconds. Default [`DEFAULT_CONNECT_TIMEOUT_MS`].
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// Time allowed for the whole exchange, answer body included, in milliseconds.
    /// Default [`DEFAULT_REQUEST_TIMEOUT_MS`].
    #[serde(default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    /// Largest answer read, in bytes. Default [`DEFAULT_MAX_RESPONSE_BYTES`].
    #[serde(default = "default_max_response_bytes")]
    pub max_response_bytes: usize,
    /// Path of a PEM file with the client certificate for mutual TLS (with `client_key_pem`). Default none.
    #[serde(default)]
    pub client_cert_pem: Option<PathBuf>,
    /// Path of a PEM file with the client certificate's private key (with `client_cert_pem`). Default none.
    #[serde(default)]
    pub client_key_pem: Option<PathBuf>,
    /// Path of a PEM file with CA certificates to trust besides the built-in web roots. Default none.
    #[serde(default)]
    pub ca_bundle_pem: Option<PathBuf>,
}

impl X12HttpConfig {
    /// The HTTP client settings these values give.
    pub fn http_settings(&self) -> Result<HttpSettings, ConfigError> {
        HttpSettings::new(
            self.connect_timeout_ms,
            self.request_timeout_ms,
            self.max_response_bytes,
        )?
        .with_tls(
            self.client_cert_pem.clone(),
            self.client_key_pem.clone(),
            self.ca_bundle_pem.clone(),
        )
    }

    /// Checks ids, qualifiers and that the Basic credentials come as a pair.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (field, value) in [
            ("sender_id", &self.sender_id),
            ("receiver_id", &self.receiver_id),
        ] {
            let value = value.trim();
            if value.is_empty() || value.len() > 15 {
                return Err(ConfigError::invalid(field, "must have 1 to 15 characters"));
            }
        }
        for (field, value) in [
            ("sender_qualifier", &self.sender_qualifier),
            ("receiver_qualifier", &self.receiver_qualifier),
        ] {
            if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(ConfigError::invalid(field, "must be two letters or digits"));
            }
        }
        match (&self.username, &self.password_env) {
            (Some(_), None) => Err(ConfigError::invalid(
                "password_env",
                "is required when username is set",
            )),
            (None, Some(_)) => Err(ConfigError::invalid(
                "username",
                "is required when password_env is set",
            )),
            _ => Ok(()),
        }
    }
}

fn default_qualifier() -> String {
    DEFAULT_X12_QUALIFIER.to_owned()
}

fn default_connect_timeout_ms() -> u64 {
    DEFAULT_CONNECT_TIMEOUT_MS
}

fn default_request_timeout_ms() -> u64 {
    DEFAULT_REQUEST_TIMEOUT_MS
}

fn default_max_response_bytes() -> usize {
    DEFAULT_MAX_RESPONSE_BYTES
}
