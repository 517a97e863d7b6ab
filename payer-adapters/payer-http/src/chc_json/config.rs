//! [`ChcJsonConfig`]: the settings of one payer or clearinghouse that speaks the "medical network eligibility
//! v3" JSON API (`chc-json`), as they appear under the payer's `[transport]` table.
//!
//! ```toml
//! [transport]
//! kind = "chc-json"                 # the gateway's tag, not a field of this struct
//! url = "https://api.clearinghouse.example/medicalnetwork/eligibility/v3"
//! token_url = "https://api.clearinghouse.example/apip/auth/v2/token"
//! client_id = "gateway-client"
//! client_secret_env = "CLEARHOUSE_CLIENT_SECRET"
//! # optional: scope, trading_partner_service_id, connect_timeout_ms, request_timeout_ms,
//! # max_response_bytes, client_cert_pem, client_key_pem, ca_bundle_pem
//! ```
use std::path::PathBuf;

use payer_transport::{
    ConfigError, HttpSettings, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_REQUEST_TIMEOUT_MS,
};
use serde::{Deserialize, Serialize};

/// One JSON payer's settings. Endpoints and credentials have no defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChcJsonConfig {
    /// The eligibility endpoint the inquiry is POSTed to, an `https://` (or, for local tests, `http://`) URL.
    /// Required.
    pub url: String,
    /// The OAuth2 token endpoint (client credentials grant). Required.
    pub token_url: String,
    /// The OAuth2 client id. Required.
    pub client_id: String,
    /// The name of the environment variable holding the OAuth2 client secret (never the secret itself).
    /// Required.
    pub client_secret_env: String,
    /// The OAuth2 scope to ask for, space-separated. Default none (the server's default scope).
    #[serde(default)]
    pub scope: Option<String>,
    /// The payer id the remote server knows this payer by, sent as `tradingPartnerServiceId`.
    /// Default: the gateway's own payer id.
    #[serde(default)]
    pub trading_partner_service_id: Option<String>,
    /// Time allowed to connect (TCP and TLS), in milliseconds. Default [`DEFAULT_CONNECT_TIMEOUT_MS`].
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// Time allowed for one HTTP exchange (token or inquiry), answer body included, in milliseconds.
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

impl ChcJsonConfig {
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
