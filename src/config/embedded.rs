//! The configuration compiled into the binary: `config/gateway.toml` and every `config/payers/*.toml`.
//!
//! A unit test checks that [`EMBEDDED_PAYERS`] lists every file of `config/payers/`, so a payer file added to
//! the directory cannot be forgotten here.

/// How the embedded `gateway.toml` is named in messages.
pub(crate) const EMBEDDED_GATEWAY_ORIGIN: &str = "config/gateway.toml (embedded)";

/// The embedded `config/gateway.toml`.
pub(crate) const EMBEDDED_GATEWAY: &str = include_str!("../../config/gateway.toml");

/// The embedded payer files, as (repository path, text).
pub(crate) const EMBEDDED_PAYERS: &[(&str, &str)] = &[
    (
        "config/payers/sandbox.toml",
        include_str!("../../config/payers/sandbox.toml"),
    ),
    (
        "config/payers/sandbox-single.toml",
        include_str!("../../config/payers/sandbox-single.toml"),
    ),
    (
        "config/payers/sandbox-realistic.toml",
        include_str!("../../config/payers/sandbox-realistic.toml"),
    ),
];
