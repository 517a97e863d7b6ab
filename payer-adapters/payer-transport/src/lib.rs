//! What every HTTP payer transport shares, so that none of them repeats it.
//!
//! - [`settings`]: [`HttpSettings`] (timeouts, response size limit, mutual TLS files), [`UsageIndicator`], the
//!   named defaults, and [`secret_from_env`] for credentials held in environment variables.
//! - [`client`]: [`HttpClient`], one pooled rustls `reqwest` client per payer that sends a request, reads the
//!   answer up to the size limit and maps every failure onto [`payer_core::AdapterError`].
//! - [`x12`]: [`ControlNumbers`] (a fresh interchange control number per call), [`InterchangeSettings`], and
//!   the 270-out / 271-back steps every X12 transport takes ([`encode_inquiry`], [`decode_reply`]).
//! - [`error`]: [`ConfigError`], why a transport cannot be built from its configuration.
//!
//! Like the adapters, this crate knows nothing of the gateway: no actix, no Redis, no rate limits, no retries,
//! no metrics. Those wrap the adapters.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]

pub mod client;
pub mod error;
pub mod settings;
pub mod x12;

pub use client::{sanitize_message, status_error, HttpClient, HttpReply};
pub use error::ConfigError;
pub use settings::{
    parse_url, process_env, secret_from_env, HttpSettings, UsageIndicator,
    DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS,
    DEFAULT_X12_QUALIFIER,
};
pub use x12::{decode_reply, encode_inquiry, ControlNumbers, InterchangeSettings, Outgoing270};
