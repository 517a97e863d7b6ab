//! [`ttl_for`]: how long an answer may be served from cache, decided by its outcome.
use std::time::Duration;

use payer_core::{CoverageStatus, EligibilityResponse};

use crate::config::CacheTtls;

/// The lifetime of `response` in the cache, or `None` when it must not be cached.
///
/// - `active` and `inactive` coverage: the payer's `ttl_active` / `ttl_inactive`.
/// - `rejected` with only permanent errors (AAA 72 "invalid member id", ...): `ttl_rejected`, so a front desk
///   retrying a typo does not pay the payer again.
/// - Any retryable error anywhere in the answer (AAA 42 "unable to respond at current time", 80): never, so
///   the next check asks again.
/// - `unknown` coverage (the 271 said neither): never; it is not an answer worth repeating.
/// - A lifetime of zero (configured) means never.
///
/// Transport failures and 999/TA1 rejections never reach here: they are errors, not answers, and are never
/// cached.
pub fn ttl_for(response: &EligibilityResponse, ttls: &CacheTtls) -> Option<Duration> {
    if response.errors.iter().any(|error| error.retryable) {
        return None;
    }
    let ttl = match response.coverage.status {
        CoverageStatus::Active => ttls.active,
        CoverageStatus::Inactive => ttls.inactive,
        CoverageStatus::Rejected if !response.errors.is_empty() => ttls.rejected,
        CoverageStatus::Rejected | CoverageStatus::Unknown => return None,
    };
    (!ttl.is_zero()).then_some(ttl)
}
