//! The eligibility gateway: an HTTP/JSON API in front of payers' X12 270/271 (and JSON) eligibility services.
//!
//! - [`cli`]: the `eligibility-gateway` command line: `serve`, `check`, `payers`, `scenarios`, `x12`.
//! - [`startup`]: [`startup::Application`], the HTTP server on a listener, run until stopped.
//! - [`routes`]: the HTTP endpoints, one file each.
//! - [`domain`]: the API's request DTOs and their validation into `payer_core::EligibilityRequest`.
//! - [`error`]: [`error::ApiError`], the one place errors become HTTP statuses and JSON error bodies.
//! - [`openapi`]: the OpenAPI description, generated from the handlers.
//! - [`telemetry`]: the log subscriber and the per-request trace id.
//! - [`hardening`]: request limits (header size, JSON depth) and security headers on every response.
//! - [`tls`]: HTTPS for the API (rustls), the certificate reloaded on SIGHUP.
//! - [`audit`]: the audit trail: one record per check (who, when, payer, a keyed hash of the member, outcome).
//! - [`auth`]: API keys (hashes in the config), per-client quotas, and the middleware that enforces them.
//! - [`metrics`]: the Prometheus series (registered in a registry passed in) and typed log-plus-metric events.
//! - [`config`]: layered configuration (embedded defaults, operator file, `GATEWAY__*` environment), validated.
//! - [`registry`]: the payer registry (ids, aliases, search).
//! - [`router`]: from one check to one answer: payer resolution, cache, service-type splitting, deadline.
//! - [`cache`]: the answer cache, keyed by an HMAC of the inquiry (in memory, or shared in Redis, encrypted).
//! - [`fleet`]: the Redis a fleet of instances shares (cache, single-flight leases, rate limits), and how
//!   the gateway keeps answering when it is down.
//! - [`sandbox_server`]: the sandbox payer as a standalone HTTP server speaking the four real transports.
//! - [`shutdown`]: graceful shutdown on SIGTERM: stop accepting, let in-flight checks finish, cancel the rest.
//! - [`layers`]: wrappers around payer adapters (`Timed`; rate limits and breakers to come).
//!
//! Payer-side types (the normalized request and response, the adapter trait) live in `payer-core`; the X12
//! codec in `payer-x12`. The gateway depends on them; they know nothing of it.
#![forbid(unsafe_code)]

pub mod audit;
pub mod auth;
pub mod cli;
pub mod domain;
pub mod error;
pub mod hardening;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod startup;
pub mod telemetry;
pub mod tls;

pub mod cache;
pub mod config;
pub mod fleet;
pub mod flight;
pub mod layers;
pub mod registry;
pub mod router;
pub mod sandbox_server;
pub mod shutdown;
