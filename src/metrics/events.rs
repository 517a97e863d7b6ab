//! Typed events: where a log line and a metric go together, one small struct says both, in `emit()`.
//!
//! Fields are payer ids, fixed outcomes, durations and key ids (client names, not member data); no event
//! carries anything a request said about a member.
use std::time::Duration;

use super::{seconds, CheckOutcome, Metrics, PayerOutcome};

/// A check finished in the router (answered or failed).
#[derive(Debug, Clone, Copy)]
pub struct CheckCompleted<'a> {
    /// The resolved payer id, or [`super::UNKNOWN_PAYER`].
    pub payer: &'a str,
    /// How it ended.
    pub outcome: CheckOutcome,
    /// Whether the answer came from cache.
    pub from_cache: bool,
    /// End-to-end time in the router.
    pub elapsed: Duration,
}

/// One payer call through the wrappers ([`crate::layers::Metered`]), or one attempt on the wire
/// ([`crate::layers::Timed`]).
#[derive(Debug, Clone, Copy)]
pub struct PayerCallCompleted<'a> {
    /// The payer id.
    pub payer: &'a str,
    /// How it ended.
    pub outcome: PayerOutcome,
    /// How long it took.
    pub elapsed: Duration,
    /// `true` for a single attempt (Timed), `false` for the whole call (Metered).
    pub attempt: bool,
}

/// What a cache lookup found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheLookup {
    /// A fresh answer, served.
    Hit,
    /// Nothing usable.
    Miss,
    /// An answer past its lifetime, served because the payer could not be asked.
    StaleServed,
}

/// A cache lookup for a payer's check.
#[derive(Debug, Clone, Copy)]
pub struct CacheLooked<'a> {
    /// The payer id.
    pub payer: &'a str,
    /// What was found.
    pub lookup: CacheLookup,
}

/// Why a request was refused before any work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No API key, or one that matches no configured key (401).
    Unauthorized,
    /// The client's quota is used up (429).
    Quota,
}

/// A request refused by the API key check or the client's quota.
#[derive(Debug, Clone, Copy)]
pub struct RequestRefused<'a> {
    /// Why.
    pub refusal: Refusal,
    /// The key id, when a valid key was sent (quota); never the key itself.
    pub key_id: Option<&'a str>,
    /// The route pattern (`/v1/eligibility`), never the path as sent.
    pub route: &'a str,
}

// === impl CheckCompleted ===

impl CheckCompleted<'_> {
    /// Counts the check, records its latency, logs it at debug level.
    pub fn emit(self, metrics: &Metrics) {
        metrics
            .checks
            .with_label_values(&[self.payer, self.outcome.as_str()])
            .inc();
        metrics
            .check_duration
            .with_label_values(&[self.payer])
            .observe(seconds(self.elapsed));
        tracing::debug!(
            payer = self.payer,
            outcome = self.outcome.as_str(),
            from_cache = self.from_cache,
            elapsed_ms = u64::try_from(self.elapsed.as_millis()).unwrap_or(u64::MAX),
            "check completed"
        );
    }
}

// === impl PayerCallCompleted ===

impl PayerCallCompleted<'_> {
    /// Counts the call or attempt, records its latency, logs it at debug level.
    pub fn emit(self, metrics: &Metrics) {
        let (counter, histogram, message) = if self.attempt {
            (
                &metrics.payer_attempts,
                &metrics.payer_attempt_duration,
                "payer attempt",
            )
        } else {
            (
                &metrics.payer_calls,
                &metrics.payer_call_duration,
                "payer call",
            )
        };
        counter
            .with_label_values(&[self.payer, self.outcome.as_str()])
            .inc();
        histogram
            .with_label_values(&[self.payer])
            .observe(seconds(self.elapsed));
        tracing::debug!(
            payer = self.payer,
            outcome = self.outcome.as_str(),
            latency_ms = u64::try_from(self.elapsed.as_millis()).unwrap_or(u64::MAX),
            "{message}"
        );
    }
}

// === impl CacheLooked ===

impl CacheLooked<'_> {
    /// Counts the lookup; logs it at trace level.
    pub fn emit(self, metrics: &Metrics) {
        let counter = match self.lookup {
            CacheLookup::Hit => &metrics.cache_hits,
            CacheLookup::Miss => &metrics.cache_misses,
            CacheLookup::StaleServed => &metrics.cache_stale,
        };
        counter.with_label_values(&[self.payer]).inc();
        tracing::trace!(payer = self.payer, lookup = ?self.lookup, "cache lookup");
    }
}

// === impl RequestRefused ===

impl RequestRefused<'_> {
    /// Counts the refusal and logs it at info level (the key id, never a key).
    pub fn emit(self, metrics: &Metrics) {
        let outcome = match self.refusal {
            Refusal::Unauthorized => "unauthorized",
            Refusal::Quota => "quota",
        };
        metrics.api_rejections.with_label_values(&[outcome]).inc();
        tracing::info!(
            outcome,
            key_id = self.key_id.unwrap_or("-"),
            route = self.route,
            "request refused"
        );
    }
}
