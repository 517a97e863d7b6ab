//! [`ConfigError`]: why a payer transport cannot be built from its configuration.
//!
//! These are startup errors: the gateway refuses to start and prints them. They name settings, files and
//! environment variables, never a secret's value.
use std::path::PathBuf;

use thiserror::Error;

/// A transport configuration the gateway cannot honour.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A credential is to be read from an environment variable that is not set (or is empty).
    #[error("environment variable {var} is not set; it must hold the {what}")]
    MissingEnv {
        /// The variable's name, as the configuration gives it.
        var: String,
        /// What it should hold (`password for payer ACME`), for the operator.
        what: String,
    },
    /// A setting has a value that cannot be used.
    #[error("{field}: {message}")]
    Invalid {
        /// The setting's name (`url`, `client_key_pem`, ...).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A file named by a setting cannot be read.
    #[error("{field}: cannot read {}: {source}", path.display())]
    ReadFile {
        /// The setting that names the file.
        field: String,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The HTTP client cannot be built (for example, a certificate or key that does not parse).
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

impl ConfigError {
    /// An invalid setting.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}
