//! The sandbox payer: a simulated payer that answers eligibility inquiries with real X12 bytes, and the
//! `sandbox` transport that talks to it in process.
//!
//! - [`scenario`]: [`Scenario`], the behaviours, chosen by member ID prefix ([`scenario_for`]).
//! - [`config`]: [`SandboxConfig`], the transport settings (latency, slow and timeout delays, payer name).
//! - [`plan`]: the simulated health plan's constants (copays, deductibles, PCP, PBM), for tests and docs.
//! - `benefits`: the EB loops of the scenarios that find an enrolled member.
//! - `build`: the normalized answer of each scenario, built from the inquiry.
//! - [`payer`]: [`SandboxPayer`], the payer side: 270 bytes in, 271 or 999 bytes (and a delay) out.
//! - `inquiry_envelope`: what the payer reads from a 270's envelope to address its answer.
//! - [`pending`]: [`Pending`], a 270 read whose answer is written after the wait.
//! - [`adapter`]: [`SandboxAdapter`], the gateway side: a `PayerAdapter` that encodes the 270, waits the
//!   payer's latency and decodes its answer with the codec.
//!
//! The two sides share nothing but bytes, so the payer side can be put behind an HTTP server unchanged, and
//! every check through the sandbox exercises the real 270 encoder and 271/999 decoder. The crate writes no
//! X12 itself: every segment comes from `payer-x12`.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]

pub mod adapter;
mod benefits;
mod build;
pub mod config;
mod inquiry_envelope;
pub mod payer;
pub mod pending;
pub mod plan;
pub mod scenario;

pub use adapter::SandboxAdapter;
pub use config::{ConfigError, Latency, SandboxConfig};
pub use payer::{AnswerBody, CallCounts, PayerAnswer, SandboxPayer};
pub use pending::Pending;
pub use scenario::{scenario_for, scenario_for_request, Scenario};
