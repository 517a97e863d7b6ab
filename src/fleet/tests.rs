//! When Redis trouble switches an instance to local mode: a Redis that does not answer only after three
//! timed-out `PING`s in a row, a Redis that refuses at the first failure.
use std::net::TcpListener;
use std::time::Duration;

use super::{Redis, TRIP_AFTER_TIMEOUTS};
use crate::config::{EncryptionKey, RedisConfig, RedisEndpoints};

/// A Redis configuration for `url`: 100 ms per operation, no local tier.
pub(crate) fn config(url: String) -> RedisConfig {
    RedisConfig {
        endpoints: RedisEndpoints::Single(url),
        timeout: Duration::from_millis(100),
        key_prefix: "test:".to_owned(),
        local_ttl: Duration::ZERO,
        lease: Duration::from_secs(1),
        encryption_keys: vec![EncryptionKey::new(1, [7; 32])],
    }
}

/// A loopback port nobody listens on: bound, then closed.
pub(crate) fn closed_port() -> u16 {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    closed.local_addr().unwrap().port()
}

/// Waits (up to 10 s) until the handle has counted `errors` failures.
async fn until_errors(redis: &Redis, errors: u64) {
    for _ in 0..1000 {
        if redis.error_count() >= errors {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("fewer than {errors} failures counted in 10 s");
}

#[tokio::test]
async fn a_redis_that_does_not_answer_is_left_only_after_three_timeouts_in_a_row() {
    // Accepts connections (the kernel does, from its backlog) and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}", silent.local_addr().unwrap());
    let redis = Redis::connect(&config(url)).unwrap();

    until_errors(&redis, 1).await;
    // Read in this order, the health reflects fewer failures than the count read after it.
    let healthy = redis.is_healthy();
    let errors = redis.error_count();
    if errors < u64::from(TRIP_AFTER_TIMEOUTS) {
        assert!(healthy, "switched to local mode after {errors} timeout(s)");
    }
    until_errors(&redis, u64::from(TRIP_AFTER_TIMEOUTS)).await;
    assert!(!redis.is_healthy());
}

#[tokio::test]
async fn a_refused_connection_is_left_at_once() {
    let redis = Redis::connect(&config(format!("redis://127.0.0.1:{}", closed_port()))).unwrap();

    for _ in 0..1000 {
        // Read in this order, the count covers every failure the health reflects.
        let healthy = redis.is_healthy();
        let errors = redis.error_count();
        if !healthy {
            assert!(
                errors < u64::from(TRIP_AFTER_TIMEOUTS),
                "left only after {errors} failures"
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("still in Redis mode 10 s after connecting to a closed port");
}
