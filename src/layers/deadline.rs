//! The deadline of the check a payer call is made for, as a task-local value.
//!
//! `PayerAdapter::check` takes the inquiry only, but a wrapper that queues (the rate limiter, the concurrency
//! limit) must know how long it may queue: a check that cannot be admitted before its deadline fails fast
//! instead of waiting for a slot it will never use. The router runs each check's payer calls inside
//! [`scope`]; wrappers read [`current`]. Outside a scope (tests, tools) there is no deadline.
use std::future::Future;

use tokio::time::Instant;

tokio::task_local! {
    static DEADLINE: Instant;
}

/// Runs `work` with `deadline` as the current check's deadline. A plain function returning the scoped
/// future, not an `async fn`: that would hold `work` twice (as its argument and inside the scope).
pub fn scope<F: Future>(deadline: Instant, work: F) -> impl Future<Output = F::Output> {
    DEADLINE.scope(deadline, work)
}

/// The current check's deadline, when the call runs within [`scope`].
pub fn current() -> Option<Instant> {
    DEADLINE.try_with(|deadline| *deadline).ok()
}
