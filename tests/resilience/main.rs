//! Integration tests of retries, hedging, circuit breakers, coverage discovery, batch and graceful shutdown:
//! the real `eligibility-gateway` started as `serve` (x12-http payers written per test) and as one or more
//! `sandbox-payer` processes with fault injection, all on free ports, over real HTTP.
//!
//! - `retries`: fail twice then answer (attempts = 3), AAA 72 not retried, nothing past the deadline.
//! - `hedging`: a payer that times out every other request: p99 stays under the hedge delay plus its latency.
//! - `breaker`: a payer that goes down opens its breaker, answers fast (no payer calls, stale when cached),
//!   and closes after it recovers; another payer is unaffected.
//! - `discovery`: five payers (down, slow, active, busy, broken): `all` and `first-active`.
//! - `batch`: 2,000 checks at 100/s with real-time checks arriving meanwhile; a client that disconnects.
//! - `shutdown`: SIGTERM lets an in-flight check finish and the process exit cleanly.
mod batch;
mod breaker;
mod discovery;
mod harness;
mod hedging;
mod retries;
mod shutdown;

// The transport tests' process harness (processes, the sandbox payer, requests); not every helper is used
// here.
#[allow(dead_code)]
#[path = "../transports/helpers.rs"]
mod helpers;
