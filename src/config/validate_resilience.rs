//! Validation of a payer's `[retry]`, `[hedge]` and `[circuit_breaker]`, and of `[batch]`
//! ([`super::resilience`]).
use std::num::NonZeroU32;
use std::time::Duration;

use super::error::Problems;
use super::layered::Origins;
use super::resilience::{
    BatchConfig, BatchSection, BreakerPolicy, CircuitBreakerSection, HedgeDelay, HedgeDelaySetting,
    HedgeSection, Resilience, RetryPolicy, RetrySection, MAX_BACKOFF_LIMIT_MS, MAX_BREAKER_S,
    MAX_RETRY_ATTEMPTS,
};

/// Checks a payer's `[retry]`, `[hedge]` and `[circuit_breaker]`; `None` when any value is refused (each
/// refusal is pushed to `problems`, naming the payer file and the key).
pub(super) fn validate_resilience(
    retry: &RetrySection,
    hedge: &HedgeSection,
    breaker: &CircuitBreakerSection,
    origins: &Origins,
    problems: &mut Problems,
) -> Option<Resilience> {
    let before = problems.len();
    let mut refuse = |key: &str, message: String| problems.push(origins.of(key), key, message);
    let attempts = NonZeroU32::new(retry.max_attempts).filter(|n| n.get() <= MAX_RETRY_ATTEMPTS);
    if attempts.is_none() {
        refuse(
            "retry.max_attempts",
            format!("must be 1 to {MAX_RETRY_ATTEMPTS}"),
        );
    }
    for (key, value) in [
        ("retry.initial_backoff_ms", retry.initial_backoff_ms),
        ("retry.max_backoff_ms", retry.max_backoff_ms),
    ] {
        if value > MAX_BACKOFF_LIMIT_MS {
            refuse(
                key,
                format!("must be at most {MAX_BACKOFF_LIMIT_MS} milliseconds"),
            );
        }
    }
    if retry.initial_backoff_ms > retry.max_backoff_ms {
        refuse(
            "retry.initial_backoff_ms",
            format!(
                "must not exceed retry.max_backoff_ms ({})",
                retry.max_backoff_ms
            ),
        );
    }
    let hedge_delay = match &hedge.delay_ms {
        HedgeDelaySetting::Millis(ms) if (1..=MAX_BACKOFF_LIMIT_MS).contains(ms) => {
            Some(HedgeDelay::Fixed(Duration::from_millis(*ms)))
        }
        HedgeDelaySetting::Named(name) if name.trim().eq_ignore_ascii_case("p95") => {
            Some(HedgeDelay::P95)
        }
        _ => {
            refuse(
                "hedge.delay_ms",
                format!("must be 1 to {MAX_BACKOFF_LIMIT_MS} milliseconds, or \"p95\""),
            );
            None
        }
    };
    if !(breaker.failure_rate > 0.0 && breaker.failure_rate <= 1.0) {
        refuse(
            "circuit_breaker.failure_rate",
            "must be above 0 and at most 1".to_owned(),
        );
    }
    for (key, value) in [
        ("circuit_breaker.window_s", breaker.window_s),
        ("circuit_breaker.open_s", breaker.open_s),
    ] {
        if !(1..=MAX_BREAKER_S).contains(&value) {
            refuse(key, format!("must be 1 to {MAX_BREAKER_S} seconds"));
        }
    }
    if breaker.min_calls == 0 {
        refuse("circuit_breaker.min_calls", "must be at least 1".to_owned());
    }
    let probes = NonZeroU32::new(breaker.half_open_probes);
    if probes.is_none() {
        refuse(
            "circuit_breaker.half_open_probes",
            "must be at least 1".to_owned(),
        );
    }
    if problems.len() != before {
        return None;
    }
    Some(Resilience {
        retry: RetryPolicy {
            max_attempts: attempts?,
            initial_backoff: Duration::from_millis(retry.initial_backoff_ms),
            max_backoff: Duration::from_millis(retry.max_backoff_ms),
        },
        hedge: if hedge.enabled { hedge_delay } else { None },
        circuit_breaker: breaker.enabled.then_some(BreakerPolicy {
            failure_threshold: breaker.failure_threshold,
            failure_rate: breaker.failure_rate,
            window: Duration::from_secs(breaker.window_s),
            min_calls: breaker.min_calls,
            open_for: Duration::from_secs(breaker.open_s),
            half_open_probes: probes?,
        }),
    })
}

/// Checks `[batch]`.
pub(super) fn validate_batch(
    batch: &BatchSection,
    origins: &Origins,
    problems: &mut Problems,
) -> Option<BatchConfig> {
    let before = problems.len();
    for (key, value, max) in [
        ("batch.max_checks", batch.max_checks, 1_000_000),
        ("batch.max_body_bytes", batch.max_body_bytes, 1 << 30),
        ("batch.concurrency", batch.concurrency, 10_000),
        (
            "batch.per_payer_concurrency",
            batch.per_payer_concurrency,
            10_000,
        ),
    ] {
        if !(1..=max).contains(&value) {
            problems.push(origins.of(key), key, format!("must be 1 to {max}"));
        }
    }
    (problems.len() == before).then_some(BatchConfig {
        max_checks: batch.max_checks,
        max_body_bytes: batch.max_body_bytes,
        concurrency: batch.concurrency,
        per_payer_concurrency: batch.per_payer_concurrency,
    })
}
