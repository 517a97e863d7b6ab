//! Unit tests of the resilience settings (engineer J): defaults, `[retry]`, `[hedge]`, `[circuit_breaker]`
//! and `[batch]` from the environment, and refusals naming their key.
use std::time::Duration;

use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn defaults_retry_three_times_with_a_breaker_and_no_hedging() {
    let settings = load_from(None, &[]).unwrap();
    let payer = settings.payer("sandbox").unwrap();
    let resilience = payer.resilience;
    assert_eq!(resilience, Resilience::default());
    assert_eq!(resilience.retry.max_attempts.get(), 3);
    assert_eq!(resilience.retry.initial_backoff, Duration::from_millis(100));
    assert_eq!(resilience.hedge, None);
    let breaker = resilience.circuit_breaker.unwrap();
    assert_eq!((breaker.failure_threshold, breaker.min_calls), (5, 20));
    assert_eq!(settings.server.shutdown_grace, Duration::from_secs(21));
    assert_eq!(settings.batch.max_checks, 10_000);
    assert_eq!(settings.batch.per_payer_concurrency, 8);
}

#[test]
fn every_setting_comes_from_the_environment_too() {
    let settings = load_from(
        None,
        &env(&[
            ("GATEWAY__PAYERS__SANDBOX__RETRY__MAX_ATTEMPTS", "5"),
            ("GATEWAY__PAYERS__SANDBOX__RETRY__MAX_BACKOFF_MS", "900"),
            ("GATEWAY__PAYERS__SANDBOX__HEDGE__ENABLED", "true"),
            ("GATEWAY__PAYERS__SANDBOX__HEDGE__DELAY_MS", "250"),
            ("GATEWAY__PAYERS__SANDBOX_SINGLE__HEDGE__ENABLED", "true"),
            ("GATEWAY__PAYERS__SANDBOX_SINGLE__HEDGE__DELAY_MS", "p95"),
            (
                "GATEWAY__PAYERS__SANDBOX_SINGLE__CIRCUIT_BREAKER__ENABLED",
                "false",
            ),
            ("GATEWAY__SERVER__SHUTDOWN_GRACE_S", "5"),
            ("GATEWAY__BATCH__MAX_CHECKS", "50"),
        ]),
    )
    .unwrap();
    let sandbox = settings.payer("sandbox").unwrap().resilience;
    assert_eq!(sandbox.retry.max_attempts.get(), 5);
    assert_eq!(sandbox.retry.max_backoff, Duration::from_millis(900));
    assert_eq!(
        sandbox.hedge,
        Some(HedgeDelay::Fixed(Duration::from_millis(250)))
    );
    let single = settings.payer("sandbox-single").unwrap().resilience;
    assert_eq!(single.hedge, Some(HedgeDelay::P95));
    assert_eq!(single.circuit_breaker, None);
    assert_eq!(settings.server.shutdown_grace, Duration::from_secs(5));
    assert_eq!(settings.batch.max_checks, 50);
}

#[test]
fn refusals_name_the_key() {
    let error = load_from(
        None,
        &env(&[
            ("GATEWAY__PAYERS__SANDBOX__RETRY__MAX_ATTEMPTS", "0"),
            (
                "GATEWAY__PAYERS__SANDBOX__RETRY__INITIAL_BACKOFF_MS",
                "5000",
            ),
            ("GATEWAY__PAYERS__SANDBOX__HEDGE__DELAY_MS", "p50"),
            (
                "GATEWAY__PAYERS__SANDBOX__CIRCUIT_BREAKER__FAILURE_RATE",
                "1.5",
            ),
            ("GATEWAY__PAYERS__SANDBOX__CIRCUIT_BREAKER__OPEN_S", "0"),
            (
                "GATEWAY__PAYERS__SANDBOX__CIRCUIT_BREAKER__HALF_OPEN_PROBES",
                "0",
            ),
            ("GATEWAY__SERVER__SHUTDOWN_GRACE_S", "100000"),
            ("GATEWAY__BATCH__CONCURRENCY", "0"),
        ]),
    )
    .unwrap_err();
    for key in [
        "retry.max_attempts",
        "retry.initial_backoff_ms",
        "hedge.delay_ms",
        "circuit_breaker.failure_rate",
        "circuit_breaker.open_s",
        "circuit_breaker.half_open_probes",
        "server.shutdown_grace_s",
        "batch.concurrency",
    ] {
        assert!(error.mentions_key(key), "{key} not in {error}");
    }
    let unknown = load_from(
        None,
        &env(&[("GATEWAY__PAYERS__SANDBOX__RETRY__ATTEMPTS", "2")]),
    )
    .unwrap_err();
    assert!(unknown.to_string().contains("retry.attempts"), "{unknown}");
}
