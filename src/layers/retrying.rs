//! [`Retrying`]: calls the payer again when the outcome says a retry may succeed, with exponential backoff and
//! full jitter, never past the check's deadline.
//!
//! - What is retried is decided by [`super::retry_policy::classify`]: connect errors, timeouts, HTTP 5xx, a
//!   CORE envelope error marked retryable, and a 271 whose only rejections are AAA 42/80. An AAA 72 answer, a
//!   999, an unusable 271, or a call the gateway itself refused (rate limit, open circuit) is not.
//! - Backoff before retry `n` (1-based) is drawn uniformly from `[0, min(max_backoff, initial_backoff *
//!   2^(n-1))]` ("full jitter"), so that many checks failing together do not retry together.
//! - The deadline is the check's ([`super::deadline::current`]): a retry whose backoff would end at or after
//!   it is not made, and the last outcome is returned instead. (The router also drops the whole call at the
//!   deadline, so an attempt in progress then is cut short.)
//! - Each attempt is a new call of the wrapped adapter, so each 270 has fresh interchange/group/transaction
//!   control numbers and, for the CORE transports, a fresh PayloadID: adapters draw them per call.
//! - When the outcome to return is "not called" (the circuit opened between attempts) and an earlier attempt
//!   reached the payer, the earlier outcome is returned: it says more than "the circuit is open".
use std::time::Duration;

use async_trait::async_trait;
use payer_core::{AdapterError, EligibilityRequest, PayerAdapter, PayerReply};
use prometheus::IntCounter;
use tokio::time::Instant;

use super::deadline;
use super::retry_policy::{classify, Verdict};
use crate::config::RetryPolicy;

/// The timer's resolution: a sleep may end up to this much later than asked, so a retry must be due at
/// least this long before the deadline.
const TIMER_SLACK: Duration = Duration::from_millis(1);

/// A payer adapter whose failed calls are retried per a [`RetryPolicy`].
#[derive(Debug, Clone)]
pub struct Retrying<A> {
    inner: A,
    policy: RetryPolicy,
    /// Counts retries (`eligibility_retries_total{payer}`), when set.
    retries: Option<IntCounter>,
}

// === impl Retrying ===

impl<A> Retrying<A> {
    /// Wraps `inner`, retrying per `policy`.
    pub fn new(inner: A, policy: RetryPolicy) -> Retrying<A> {
        Retrying {
            inner,
            policy,
            retries: None,
        }
    }

    /// Counts each retry in `retries`.
    pub fn with_counter(mut self, retries: IntCounter) -> Retrying<A> {
        self.retries = Some(retries);
        self
    }

    /// The wrapped adapter.
    pub fn get_ref(&self) -> &A {
        &self.inner
    }

    /// Unwraps the adapter.
    pub fn into_inner(self) -> A {
        self.inner
    }

    /// The policy.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }
}

/// The ceiling of the backoff before retry `retry` (1 for the first retry): `initial * 2^(retry-1)`, capped.
pub fn backoff_ceiling(policy: &RetryPolicy, retry: u32) -> Duration {
    let doublings = retry.saturating_sub(1).min(30);
    policy
        .initial_backoff
        .saturating_mul(1u32 << doublings)
        .min(policy.max_backoff)
}

/// A backoff drawn uniformly from `[0, ceiling]` (full jitter).
pub fn full_jitter(ceiling: Duration) -> Duration {
    let micros = u64::try_from(ceiling.as_micros()).unwrap_or(u64::MAX);
    Duration::from_micros(rand::random_range(0..=micros))
}

#[async_trait]
impl<A: PayerAdapter> PayerAdapter for Retrying<A> {
    fn payer_id(&self) -> &str {
        self.inner.payer_id()
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        let deadline = deadline::current();
        let max_attempts = self.policy.max_attempts.get();
        let mut earlier: Option<Result<PayerReply, AdapterError>> = None;
        let mut attempt = 1;
        loop {
            let outcome = self.inner.check(request).await;
            let verdict = classify(&outcome);
            if verdict == Verdict::NotThePayer {
                // Refused before reaching the payer: an earlier real outcome says more.
                return earlier.unwrap_or(outcome);
            }
            if !verdict.is_retryable() || attempt >= max_attempts {
                return outcome;
            }
            let backoff = full_jitter(backoff_ceiling(&self.policy, attempt));
            if deadline.is_some_and(|deadline| Instant::now() + backoff + TIMER_SLACK >= deadline) {
                tracing::debug!(
                    payer = self.inner.payer_id(),
                    attempt,
                    "not retrying: the backoff would end past the deadline"
                );
                return outcome;
            }
            tracing::debug!(
                payer = self.inner.payer_id(),
                attempt,
                backoff_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX),
                "retrying a failed payer call"
            );
            earlier = Some(outcome);
            if let Some(retries) = &self.retries {
                retries.inc();
            }
            tokio::time::sleep(backoff).await;
            attempt += 1;
        }
    }

    async fn health_check(&self) -> Result<(), AdapterError> {
        self.inner.health_check().await
    }
}
