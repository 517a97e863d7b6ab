//! [`TransportConfig`]: how the gateway talks to one payer, tagged by `kind` in the payer file's `[transport]`.
//!
//! The tag is read by hand rather than with serde's internally tagged enums: those buffer the table and lose
//! the key path, so `transport.latency.ms: invalid type` would shrink to `transport: invalid type`.
use payer_sandbox::SandboxConfig;
use toml::{Table, Value};

use super::de::deserialize_table;

/// The transport kinds a payer file may name today.
pub const TRANSPORT_KINDS: &[&str] = &["sandbox"];

/// A payer's transport and its settings.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TransportConfig {
    /// The built-in simulated payer, in process (`kind = "sandbox"`); see `payer_sandbox::SandboxConfig`.
    Sandbox(SandboxConfig),
}

// === impl TransportConfig ===

impl TransportConfig {
    /// The `kind` tag as written in the payer file.
    pub fn kind(&self) -> &'static str {
        match self {
            TransportConfig::Sandbox(_) => "sandbox",
        }
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
                let config: SandboxConfig = deserialize_table(table)
                    .map_err(|(key, message)| (format!("transport.{key}"), message))?;
                config
                    .validate()
                    .map_err(|error| (format!("transport.{}", error.key), error.message))?;
                Ok(TransportConfig::Sandbox(config))
            }
            "x12-core-soap" | "x12-core-mime" | "x12-http" | "chc-json" => Err((
                "transport.kind".into(),
                format!("`{kind}` is not available in this build yet (available: sandbox)"),
            )),
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
