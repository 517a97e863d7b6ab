//! Payer adapters over plain HTTP(S).
//!
//! - [`x12_http`]: `x12-http`: the raw 270 as the request body (`Content-Type: application/edi-x12`), the raw
//!   271 (or 999/TA1) as the answer; [`X12HttpConfig`], [`X12HttpAdapter`].
//! - [`chc_json`]: `chc-json`: relays the inquiry to a server that speaks the "medical network eligibility v3"
//!   JSON API itself, with OAuth2 client credentials; [`ChcJsonConfig`], [`ChcJsonAdapter`].
//!
//! Both send through `payer-transport`'s per-payer client (timeouts, size limit, mutual TLS) and know nothing
//! of the gateway (no actix, Redis, rate limits, retries or metrics).
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]

pub mod chc_json;
pub mod x12_http;

pub use chc_json::{ChcJsonAdapter, ChcJsonConfig};
pub use x12_http::{X12HttpAdapter, X12HttpConfig};
