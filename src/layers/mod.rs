//! Wrappers around payer adapters: each implements `PayerAdapter` around another one, adding one concern.
//!
//! Adapters only translate and transport; what every payer call must pass through is a wrapper here, composed
//! in one place ([`crate::router::build`]), so no path can skip it. Order, outermost first (the reasons are in
//! `router/compose.rs`): [`Metered`] → [`Retrying`] → [`Hedged`] → [`CircuitBreaker`] → [`BatchLane`] →
//! [`RateLimited`] (wait for a slot within the deadline) → [`attempts::Counted`] → [`Timed`] (one attempt's
//! timeout) → transport.
//!
//! - [`timed`]: [`Timed`], the payer's per-call timeout and latency record (per attempt).
//! - [`rate_limit`]: [`RateLimited`], the payer's calls per second (fleet-wide with Redis) and calls at once,
//!   waiting within the check's deadline ([`deadline`]) or failing fast with 503.
//! - [`metered`]: [`Metered`], payer calls counted by outcome and timed, waits and retries included.
//! - [`retrying`]: [`Retrying`], retries per the payer's policy (backoff with full jitter, within the deadline),
//!   judged by [`retry_policy`].
//! - [`hedged`]: [`Hedged`], a second attempt when a call is slower than a delay or the payer's recent p95.
//! - [`breaker`]: [`CircuitBreaker`] over [`circuit`]'s [`Circuit`]: fails fast while the payer is down.
//! - [`lane`]: [`BatchLane`] and [`Priority`]: batch checks fill what real-time checks leave of the rate limit.
//! - [`attempts`]: the per-check count of payer calls (`meta.attempts`).
pub mod deadline;
mod fleet_rate;
mod local_rate;
pub mod metered;
pub mod rate_limit;
pub mod timed;

// Resilience (engineer J): retries, hedging, the circuit breaker, the batch lane, attempt counting.
pub mod attempts;
pub mod breaker;
pub mod circuit;
pub mod hedged;
pub mod lane;
pub mod retry_policy;
pub mod retrying;

pub use breaker::CircuitBreaker;
pub use circuit::{Circuit, CircuitState};
pub use hedged::Hedged;
pub use lane::{BatchLane, Lane, Priority};
pub use retrying::Retrying;
#[cfg(test)]
mod lane_tests;
#[cfg(test)]
mod resilience_tests;

pub use metered::{Metered, SharedAdapter};
pub use rate_limit::{PayerLimiter, RateLimited};
pub use timed::Timed;
