//! Wrappers around payer adapters: each implements `PayerAdapter` around another one, adding one concern.
//!
//! Adapters only translate and transport; what every payer call must pass through is a wrapper here, composed
//! in one place ([`crate::router::build`]), so no path can skip it. Order, outermost first, as it will be once
//! the later issues land: metrics → rate limit (wait for a token within the deadline) → circuit breaker →
//! retry → [`Timed`] (one attempt's timeout) → transport.
//!
//! - [`timed`]: [`Timed`], the payer's per-call timeout and latency record (per attempt).
//! - [`metered`]: [`Metered`], payer calls counted by outcome and timed, waits and retries included.
pub mod metered;
pub mod timed;

pub use metered::{Metered, SharedAdapter};
pub use timed::Timed;
