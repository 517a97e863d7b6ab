//! Integration tests against the real `eligibility-gateway` binary over HTTP (one test binary, zero2prod
//! style). Each test starts its own gateway on a free port with its own configuration and stops it.
mod api_fuzz;
mod cli;
mod config;
mod eligibility;
mod errors;
mod helpers;
mod logs;
#[path = "../shared/metric.rs"]
mod metric;
mod observability;
mod security;
mod tls;
mod validation;
