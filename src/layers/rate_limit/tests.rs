//! Unit tests of the in-process limits: the rate (governor) at the configured share and the concurrency
//! limit, both against the check's deadline.
use std::num::NonZeroU32;
use std::time::Duration;

use tokio::time::Instant;

use super::*;

fn limit(per_second: f64, burst: u32, concurrency: u32) -> RateLimit {
    RateLimit {
        requests_per_second: per_second,
        burst: NonZeroU32::new(burst).unwrap(),
        max_concurrency: NonZeroU32::new(concurrency).unwrap(),
    }
}

#[tokio::test]
async fn local_rate_admits_the_burst_then_paces_and_refuses_past_the_deadline() {
    let limiter = PayerLimiter::new("p", &limit(20.0, 5, 100), None, RateLimitsConfig::default());
    let started = Instant::now();
    let deadline = Some(started + Duration::from_millis(400));
    for _ in 0..5 {
        limiter.admit(deadline).await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_millis(40),
        "the burst waited"
    );
    // 20 per second: the next ones come 50 ms apart.
    limiter.admit(deadline).await.unwrap();
    limiter.admit(deadline).await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(80), "{elapsed:?}");
    // A call whose slot comes after its deadline is refused at once.
    let tight = Some(Instant::now() + Duration::from_millis(5));
    let before = Instant::now();
    let error = limiter.admit(tight).await.unwrap_err();
    assert!(
        matches!(error, AdapterError::Saturated { retry_after } if retry_after >= Duration::from_secs(1))
    );
    assert!(before.elapsed() < Duration::from_millis(20));
}

#[tokio::test]
async fn local_share_divides_the_rate() {
    let sharing = RateLimitsConfig {
        local_share: Some(0.5),
    };
    let limiter = PayerLimiter::new("p", &limit(40.0, 4, 100), None, sharing);
    let started = Instant::now();
    // Half of burst 4 is 2; half of 40/s is 20/s: the fourth call waits about 2 * 50 ms.
    for _ in 0..4 {
        limiter.admit(None).await.unwrap();
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(90), "{elapsed:?}");
}

#[tokio::test]
async fn concurrency_waits_within_the_deadline_then_refuses() {
    let limiter = PayerLimiter::new(
        "p",
        &limit(1000.0, 1000, 2),
        None,
        RateLimitsConfig::default(),
    );
    let first = limiter.enter(None).await.unwrap();
    let _second = limiter.enter(None).await.unwrap();
    assert_eq!(limiter.in_flight(), 2);
    let refused = limiter
        .enter(Some(Instant::now() + Duration::from_millis(30)))
        .await
        .unwrap_err();
    assert!(matches!(refused, AdapterError::Saturated { .. }));
    // A slot freed before the deadline is taken.
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(first);
    });
    let _third = limiter
        .enter(Some(Instant::now() + Duration::from_millis(500)))
        .await
        .unwrap();
    release.await.unwrap();
}
