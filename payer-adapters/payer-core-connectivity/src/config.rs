//! [`CoreConfig`]: the settings of one payer reached by CAQH CORE connectivity (`x12-core-soap` or
//! `x12-core-mime`), as they appear under the payer's `[transport]` table.
//!
//! ```toml
//! [transport]
//! kind = "x12-core-soap"            # or "x12-core-mime" (the gateway's tag, not a field of this struct)
//! url = "https://core.payer.example/realtime"
//! sender_id = "SUBMITTER01"
//! receiver_id = "ACMEHEALTH"
//! usage = "P"
//! username = "submitter01"
//! password_env = "ACME_CORE_PASSWORD"
//! # optional: sender_qualifier, receiver_qualifier, connect_timeout_ms, request_timeout_ms,
//! # max_response_bytes, client_cert_pem, client_key_pem, ca_bundle_pem
//! ```
use std::path::PathBuf;

use payer_transport::{
    ConfigError, HttpSettings, UsageIndicator, DEFAULT_CONNECT_TIMEOUT_MS,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_X12_QUALIFIER,
};
use serde::{Deserialize, Serialize};

/// One payer's CAQH CORE connectivity settings. Endpoints and credentials have no defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoreConfig {
    /// The payer's CORE real-time endpoint, an `https://` (or, for local tests, `http://`) URL. Required.
    pub url: String,
    /// Who the gateway is at this payer: the envelope's `SenderID`, and ISA06/GS02 of the 270 (at most 15
    /// characters). Required.
    pub sender_id: String,
    /// ISA05, the qualifier of `sender_id` (two characters: `ZZ` mutually defined, `30` tax id, ...).
    /// Default [`DEFAULT_X12_QUALIFIER`].
    #[serde(default = "default_qualifier")]
    pub sender_qualifier: String,
    /// The payer (or clearinghouse): the envelope's `ReceiverID`, and ISA08/GS03 (at most 15 characters).
    /// Required.
    pub receiver_id: String,
    /// ISA07, the qualifier of `receiver_id`. Default [`DEFAULT_X12_QUALIFIER`].
    #[serde(default = "default_qualifier")]
    pub receiver_qualifier: String,
    /// ISA15: `T` (test data) or `P` (production data). Required.
    pub usage: UsageIndicator,
    /// The user name: WS-Security `Username` (SOAP) or the `UserName` part (MIME). Required.
    pub username: String,
    /// The name of the environment variable that holds the password (never the password itself). Required.
    pub password_env: String,
    /// Time allowed to connect (TCP and TLS), in milliseconds. Default [`DEFAULT_CONNECT_TIMEOUT_MS`].
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// Time allowed for the whole exchange, answer body included, in milliseconds.
    /// Default [`DEFAULT_REQUEST_TIMEOUT_MS`].
    #[serde(default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    /// Largest answer read, in bytes; a larger one is a bad response. Default [`DEFAULT_MAX_RESPONSE_BYTES`].
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

impl CoreConfig {
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

    /// Checks what can be checked without the network: ids, qualifiers and the user name.
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
        if self.username.trim().is_empty() {
            return Err(ConfigError::invalid("username", "is required"));
        }
        Ok(())
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
