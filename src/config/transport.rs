//! [`TransportConfig`]: how the gateway talks to one payer, tagged by `kind` in the payer file's `[transport]`.
//!
//! | `kind` | settings (the other keys of `[transport]`) |
//! | --- | --- |
//! | `sandbox` | `payer_sandbox::SandboxConfig`: the simulated payer, in process |
//! | `x12-core-soap` | `payer_core_connectivity::CoreConfig`: CAQH CORE SOAP 1.2 + WS-Security |
//! | `x12-core-mime` | `payer_core_connectivity::CoreConfig`: CAQH CORE HTTP MIME multipart |
//! | `x12-http` | `payer_http::X12HttpConfig`: raw X12 270 in, 271 out, optional HTTP Basic |
//! | `chc-json` | `payer_http::ChcJsonConfig`: the v3 JSON API with OAuth2 client credentials |
//!
//! Everything that can be judged without I/O is judged here (ids, qualifiers, URLs, timeouts, credential
//! pairs); secrets named by `password_env` / `client_secret_env` and mutual TLS files are read when the
//! transport is built (`router::build`), whose errors name the payer file and the key too.
//!
//! The tag is read by hand rather than with serde's internally tagged enums: those buffer the table and lose
//! the key path, so `transport.latency.ms: invalid type` would shrink to `transport: invalid type`.
use payer_core_connectivity::CoreConfig;
use payer_http::{ChcJsonConfig, X12HttpConfig};
use payer_sandbox::SandboxConfig;
use payer_transport::{parse_url, ConfigError as TransportError};
use toml::{Table, Value};

use super::de::deserialize_table;

/// The transport kinds a payer file may name.
pub const TRANSPORT_KINDS: &[&str] = &[
    "sandbox",
    "x12-core-soap",
    "x12-core-mime",
    "x12-http",
    "chc-json",
];

/// A payer's transport and its settings.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TransportConfig {
    /// The built-in simulated payer, in process (`kind = "sandbox"`); see `payer_sandbox::SandboxConfig`.
    Sandbox(SandboxConfig),
    /// CAQH CORE connectivity, SOAP 1.2 envelope (`kind = "x12-core-soap"`).
    CoreSoap(CoreConfig),
    /// CAQH CORE connectivity, HTTP MIME multipart envelope (`kind = "x12-core-mime"`).
    CoreMime(CoreConfig),
    /// Raw X12 over HTTP(S) (`kind = "x12-http"`).
    X12Http(X12HttpConfig),
    /// The "medical network eligibility v3" JSON API with OAuth2 (`kind = "chc-json"`).
    ChcJson(ChcJsonConfig),
}

// === impl TransportConfig ===

impl TransportConfig {
    /// The `kind` tag as written in the payer file.
    pub fn kind(&self) -> &'static str {
        match self {
            TransportConfig::Sandbox(_) => "sandbox",
            TransportConfig::CoreSoap(_) => "x12-core-soap",
            TransportConfig::CoreMime(_) => "x12-core-mime",
            TransportConfig::X12Http(_) => "x12-http",
            TransportConfig::ChcJson(_) => "chc-json",
        }
    }

    /// Whether the transport sends X12 (and so writes the payer's name into the 270's 2100A NM103).
    pub fn sends_x12(&self) -> bool {
        !matches!(self, TransportConfig::ChcJson(_))
    }

    /// Reads the `[transport]` table: its `kind`, then the kind's own settings, then their validation.
    /// Errors are `(key, message)` with keys relative to the payer file (`transport.latency.ms`).
    pub(crate) fn parse(mut table: Table) -> Result<TransportConfig, (String, String)> {
        let kind = match table.remove("kind") {
            Some(Value::String(kind)) => kind,
            Some(_) => return Err(("transport.kind".into(), "must be a string".into())),
            None => {
                return Err((
                    "transport.kind".into(),
                    format!("is required (one of: {})", TRANSPORT_KINDS.join(", ")),
                ))
            }
        };
        match kind.as_str() {
            "sandbox" => {
                let config: SandboxConfig = settings(table)?;
                config
                    .validate()
                    .map_err(|error| (format!("transport.{}", error.key), error.message))?;
                Ok(TransportConfig::Sandbox(config))
            }
            "x12-core-soap" | "x12-core-mime" => {
                let config: CoreConfig = settings(table)?;
                config.validate().map_err(transport_problem)?;
                parse_url("url", &config.url).map_err(transport_problem)?;
                config.http_settings().map_err(transport_problem)?;
                Ok(if kind == "x12-core-soap" {
                    TransportConfig::CoreSoap(config)
                } else {
                    TransportConfig::CoreMime(config)
                })
            }
            "x12-http" => {
                let config: X12HttpConfig = settings(table)?;
                config.validate().map_err(transport_problem)?;
                parse_url("url", &config.url).map_err(transport_problem)?;
                config.http_settings().map_err(transport_problem)?;
                Ok(TransportConfig::X12Http(config))
            }
            "chc-json" => {
                let config: ChcJsonConfig = settings(table)?;
                parse_url("url", &config.url).map_err(transport_problem)?;
                parse_url("token_url", &config.token_url).map_err(transport_problem)?;
                if config.client_id.trim().is_empty() {
                    return Err(("transport.client_id".into(), "is required".into()));
                }
                if config.client_secret_env.trim().is_empty() {
                    return Err((
                        "transport.client_secret_env".into(),
                        "must name the environment variable that holds the client secret".into(),
                    ));
                }
                config.http_settings().map_err(transport_problem)?;
                Ok(TransportConfig::ChcJson(config))
            }
            _ => Err((
                "transport.kind".into(),
                format!(
                    "unknown transport `{kind}` (one of: {})",
                    TRANSPORT_KINDS.join(", ")
                ),
            )),
        }
    }
}

/// The kind's own settings, with the key path of the first problem under `transport.`.
/// A missing required key is named as itself (`transport.url: is required`).
fn settings<T: serde::de::DeserializeOwned>(table: Table) -> Result<T, (String, String)> {
    deserialize_table(table).map_err(|(key, message)| {
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(field, _)| field.to_owned());
        match missing {
            Some(field) if key == "(top level)" => {
                (format!("transport.{field}"), "is required".to_owned())
            }
            _ => (format!("transport.{key}"), message),
        }
    })
}

/// A transport crate's configuration error as `(key, message)` relative to the payer file. `secret_key` is
/// the key that names the environment variable of this transport's secret (`password_env`), which a
/// `MissingEnv` error is about.
pub(crate) fn transport_problem_at(error: TransportError, secret_key: &str) -> (String, String) {
    match error {
        TransportError::Invalid { field, message } => (format!("transport.{field}"), message),
        TransportError::ReadFile {
            field,
            path,
            source,
        } => (
            format!("transport.{field}"),
            format!("cannot read {}: {source}", path.display()),
        ),
        TransportError::MissingEnv { var, what } => (
            format!("transport.{secret_key}"),
            format!("environment variable {var} is not set (or is empty); it must hold the {what}"),
        ),
        other => ("transport".into(), other.to_string()),
    }
}

fn transport_problem(error: TransportError) -> (String, String) {
    transport_problem_at(error, "password_env")
}

#[cfg(test)]
mod tests;
