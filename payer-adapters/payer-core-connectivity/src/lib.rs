//! CAQH CORE connectivity (rule vC2.2.0, real time) for 270/271: the envelopes and the payer adapter.
//!
//! - [`envelope`]: [`CoreRequest`], [`CoreResponse`], [`Credentials`], the values the rule fixes, what an
//!   `ErrorCode` means, and a receiver's checks ([`envelope::check_request`]).
//! - [`soap`]: the SOAP 1.2 envelope with a WS-Security UsernameToken: `build_request`, `parse_request`,
//!   `build_response`, `build_fault`, `parse_response` (pure functions, both sides).
//! - [`mime`]: the HTTP MIME multipart envelope: `build_request`, `parse_request`, `build_response`,
//!   `parse_response` (pure functions, both sides).
//! - [`config`]: [`CoreConfig`], a payer's settings under `[transport]`.
//! - [`client`]: [`CoreAdapter`], the `x12-core-soap` / `x12-core-mime` payer adapter (the only I/O).
//! - `xml`: the small namespace-aware XML reader and the escaping helpers the SOAP side uses.
//!
//! The envelope functions are public so that the sandbox payer server speaks the receiver's side with the
//! same code. The adapter knows nothing of the gateway (no actix, Redis, rate limits, retries or metrics).
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]

pub mod client;
pub mod config;
pub mod envelope;
pub mod mime;
pub mod soap;
mod xml;

pub use client::{CoreAdapter, CoreEnvelope};
pub use config::CoreConfig;
pub use envelope::{CoreRequest, CoreResponse, Credentials, EnvelopeError};
