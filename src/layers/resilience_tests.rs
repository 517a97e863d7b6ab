//! Unit tests of the resilience wrappers (retries, the breaker, hedging, attempt counting) over scripted fake
//! adapters, on tokio's paused clock.
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use payer_core::{
    AdapterError, CoverageStatus, EligibilityRequest, EligibilityResponse, ExchangeInfo,
    PayerAdapter, PayerErrorInfo, PayerReply,
};
use tokio::time::Instant;

use super::attempts::{counted, Counted};
use super::circuit::{Circuit, CircuitState};
use super::{deadline, CircuitBreaker, Hedged, Retrying};
use crate::config::{BreakerPolicy, HedgeDelay, RetryPolicy};

type Outcome = Result<PayerReply, AdapterError>;

/// A fake payer: call `n` (0-based) waits `script(n).0` and then answers `script(n).1`. Counts calls, and
/// calls dropped before they finished (cancelled).
pub(super) struct Scripted {
    script: Box<dyn Fn(u32) -> (Duration, Outcome) + Send + Sync>,
    pub(super) calls: Arc<AtomicU32>,
    pub(super) cancelled: Arc<AtomicU32>,
}

struct Unfinished(Arc<AtomicU32>, bool);

impl Drop for Unfinished {
    fn drop(&mut self) {
        if !self.1 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Scripted {
    pub(super) fn new(script: impl Fn(u32) -> (Duration, Outcome) + Send + Sync + 'static) -> Self {
        Scripted {
            script: Box::new(script),
            calls: Arc::default(),
            cancelled: Arc::default(),
        }
    }
}

#[async_trait]
impl PayerAdapter for Scripted {
    fn payer_id(&self) -> &str {
        "scripted"
    }

    async fn check(&self, _request: &EligibilityRequest) -> Outcome {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let (delay, outcome) = (self.script)(n);
        let mut guard = Unfinished(Arc::clone(&self.cancelled), false);
        tokio::time::sleep(delay).await;
        guard.1 = true;
        outcome
    }
}

pub(super) fn answer(status: CoverageStatus, codes: &[(&str, bool)]) -> Outcome {
    let mut response = EligibilityResponse::default();
    response.coverage.status = status;
    response.errors = codes
        .iter()
        .map(|(code, retryable)| PayerErrorInfo {
            code: (*code).into(),
            description: "test".into(),
            followup_action_code: None,
            followup_action: None,
            location: "2100C".into(),
            possible_resolutions: None,
            retryable: *retryable,
        })
        .collect();
    Ok(PayerReply {
        response,
        exchange: ExchangeInfo::default(),
    })
}

pub(super) fn active() -> Outcome {
    answer(CoverageStatus::Active, &[])
}

fn refused() -> Outcome {
    Err(AdapterError::Connect("connection refused".into()))
}

fn retry(max_attempts: u32, initial_ms: u64, max_ms: u64) -> RetryPolicy {
    RetryPolicy {
        max_attempts: NonZeroU32::new(max_attempts).unwrap(),
        initial_backoff: Duration::from_millis(initial_ms),
        max_backoff: Duration::from_millis(max_ms),
    }
}

fn breaker(threshold: u32, rate: f64, min_calls: u32, probes: u32) -> BreakerPolicy {
    BreakerPolicy {
        failure_threshold: threshold,
        failure_rate: rate,
        window: Duration::from_secs(10),
        min_calls,
        open_for: Duration::from_secs(5),
        half_open_probes: NonZeroU32::new(probes).unwrap(),
    }
}

fn request() -> EligibilityRequest {
    crate::cache::tests::sample_inquiry()
}

#[tokio::test(start_paused = true)]
async fn two_failures_then_an_answer_is_one_answer_after_three_attempts() {
    let fake = Arc::new(Scripted::new(|n| {
        (
            Duration::from_millis(10),
            if n < 2 { refused() } else { active() },
        )
    }));
    let adapter = Retrying::new(Counted::new(Arc::clone(&fake)), retry(3, 100, 1000));
    let (outcome, attempts) = counted(adapter.check(&request())).await;
    assert_eq!(
        outcome.unwrap().response.coverage.status,
        CoverageStatus::Active
    );
    assert_eq!(attempts, 3);
    assert_eq!(fake.calls.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn a_permanent_rejection_is_not_retried_and_retryable_ones_are_until_the_limit() {
    let invalid = Arc::new(Scripted::new(|_| {
        (
            Duration::ZERO,
            answer(CoverageStatus::Rejected, &[("72", false)]),
        )
    }));
    let adapter = Retrying::new(Arc::clone(&invalid), retry(5, 10, 100));
    let reply = adapter.check(&request()).await.unwrap();
    assert_eq!(reply.response.errors[0].code, "72");
    assert_eq!(invalid.calls.load(Ordering::SeqCst), 1);

    let busy = Arc::new(Scripted::new(|_| {
        (
            Duration::ZERO,
            answer(CoverageStatus::Rejected, &[("42", true)]),
        )
    }));
    let adapter = Retrying::new(Arc::clone(&busy), retry(4, 10, 100));
    let reply = adapter.check(&request()).await.unwrap();
    assert_eq!(reply.response.errors[0].code, "42");
    assert_eq!(busy.calls.load(Ordering::SeqCst), 4);

    let garbage = Arc::new(Scripted::new(|_| {
        (
            Duration::ZERO,
            Err(AdapterError::Malformed {
                detail: "truncated".into(),
                raw: None,
            }),
        )
    }));
    let adapter = Retrying::new(Arc::clone(&garbage), retry(4, 10, 100));
    assert!(adapter.check(&request()).await.is_err());
    assert_eq!(garbage.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn nothing_retries_past_the_deadline() {
    let starts = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&starts);
    let fake = Arc::new(Scripted::new(move |_| {
        seen.lock().unwrap().push(Instant::now());
        (Duration::from_millis(20), refused())
    }));
    let adapter = Retrying::new(Arc::clone(&fake), retry(10, 200, 200));
    for _ in 0..50 {
        starts.lock().unwrap().clear();
        let deadline = Instant::now() + Duration::from_millis(300);
        let outcome = deadline::scope(deadline, adapter.check(&request())).await;
        assert!(matches!(outcome, Err(AdapterError::Connect(_))));
        // No attempt starts at or after the deadline, and the last one ends within its own duration.
        let starts = starts.lock().unwrap();
        assert!(starts.iter().all(|start| *start < deadline), "{starts:?}");
        assert!(Instant::now() <= deadline + Duration::from_millis(20));
    }
}

#[tokio::test]
async fn backoff_doubles_up_to_its_cap_and_jitter_stays_below_the_ceiling() {
    let policy = retry(10, 100, 1000);
    let ceilings: Vec<u64> = (1..=6)
        .map(|n| super::retrying::backoff_ceiling(&policy, n).as_millis() as u64)
        .collect();
    assert_eq!(ceilings, [100, 200, 400, 800, 1000, 1000]);
    let draws: Vec<Duration> = (0..200)
        .map(|_| super::retrying::full_jitter(Duration::from_millis(100)))
        .collect();
    assert!(draws.iter().all(|d| *d <= Duration::from_millis(100)));
    assert!(draws.iter().any(|d| *d < Duration::from_millis(50)));
    assert!(draws.iter().any(|d| *d > Duration::from_millis(50)));
}

#[tokio::test(start_paused = true)]
async fn an_open_circuit_between_attempts_returns_the_last_payer_outcome() {
    let fake = Arc::new(Scripted::new(|_| (Duration::ZERO, refused())));
    let circuit = Arc::new(Circuit::new("scripted", breaker(2, 1.0, 100, 1)));
    let adapter = Retrying::new(
        CircuitBreaker::new(Arc::clone(&fake), Arc::clone(&circuit)),
        retry(5, 10, 10),
    );
    let outcome = adapter.check(&request()).await;
    assert!(
        matches!(outcome, Err(AdapterError::Connect(_))),
        "{outcome:?}"
    );
    assert_eq!(fake.calls.load(Ordering::SeqCst), 2);
    assert_eq!(circuit.state(), CircuitState::Open);
}

#[tokio::test(start_paused = true)]
async fn a_run_of_failures_opens_the_breaker_and_a_probe_closes_it() {
    let down = Arc::new(AtomicU32::new(1));
    let flag = Arc::clone(&down);
    let fake = Arc::new(Scripted::new(move |_| {
        let outcome = if flag.load(Ordering::SeqCst) == 1 {
            Err(AdapterError::Timeout(Duration::from_secs(1)))
        } else {
            active()
        };
        (Duration::from_millis(5), outcome)
    }));
    let circuit = Arc::new(Circuit::new("scripted", breaker(3, 1.0, 100, 2)));
    let adapter = CircuitBreaker::new(Arc::clone(&fake), Arc::clone(&circuit));
    for _ in 0..3 {
        assert!(matches!(
            adapter.check(&request()).await,
            Err(AdapterError::Timeout(_))
        ));
    }
    assert_eq!(adapter.state(), CircuitState::Open);
    let started = Instant::now();
    let refused = adapter.check(&request()).await;
    match refused {
        Err(AdapterError::CircuitOpen { retry_after }) => {
            assert!(retry_after <= Duration::from_secs(5) && retry_after > Duration::ZERO)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(started.elapsed(), Duration::ZERO, "refused without waiting");
    assert_eq!(fake.calls.load(Ordering::SeqCst), 3, "no call while open");

    // Half-open: a failed probe reopens it.
    tokio::time::advance(Duration::from_secs(5)).await;
    assert_eq!(adapter.state(), CircuitState::HalfOpen);
    assert!(adapter.check(&request()).await.is_err());
    assert_eq!(adapter.state(), CircuitState::Open);

    // The payer is back: two successful probes close it.
    down.store(0, Ordering::SeqCst);
    tokio::time::advance(Duration::from_secs(5)).await;
    assert!(adapter.check(&request()).await.is_ok());
    assert_eq!(adapter.state(), CircuitState::HalfOpen);
    assert!(adapter.check(&request()).await.is_ok());
    assert_eq!(adapter.state(), CircuitState::Closed);
}

#[tokio::test(start_paused = true)]
async fn a_failure_rate_over_the_window_opens_the_breaker_and_answers_do_not_count() {
    let fake = Arc::new(Scripted::new(|n| {
        let outcome = match n % 4 {
            0 => answer(CoverageStatus::Rejected, &[("42", true)]),
            1 => Err(AdapterError::HttpStatus { status: 502 }),
            2 => answer(CoverageStatus::Rejected, &[("72", false)]),
            _ => active(),
        };
        (Duration::from_millis(1), outcome)
    }));
    let circuit = Arc::new(Circuit::new("scripted", breaker(0, 0.5, 8, 1)));
    let adapter = CircuitBreaker::new(Arc::clone(&fake), Arc::clone(&circuit));
    // Calls 1 to 8: 4 failures, but the 8th succeeds, and a success never opens it.
    for _ in 0..8 {
        let _ = adapter.check(&request()).await;
        assert_eq!(adapter.state(), CircuitState::Closed);
    }
    let _ = adapter.check(&request()).await;
    assert_eq!(adapter.state(), CircuitState::Open, "5 of 9 failed");

    // Calls older than the window leave it: 7 calls spread over 20 s never reach min_calls.
    let circuit = Arc::new(Circuit::new("scripted", breaker(0, 0.5, 8, 1)));
    let adapter = CircuitBreaker::new(Arc::clone(&fake), circuit);
    for _ in 0..20 {
        let _ = adapter.check(&request()).await;
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(adapter.state(), CircuitState::Closed);
    }
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_probe_gives_its_slot_back() {
    let fake = Arc::new(Scripted::new(|n| match n {
        0 => (Duration::ZERO, refused()),
        1 => (Duration::from_secs(60), active()),
        _ => (Duration::ZERO, active()),
    }));
    let circuit = Arc::new(Circuit::new("scripted", breaker(1, 1.0, 100, 1)));
    let adapter = CircuitBreaker::new(Arc::clone(&fake), Arc::clone(&circuit));
    assert!(adapter.check(&request()).await.is_err());
    tokio::time::advance(Duration::from_secs(5)).await;
    // The probe hangs and is dropped at a deadline.
    let probe = tokio::time::timeout(Duration::from_millis(100), adapter.check(&request())).await;
    assert!(probe.is_err());
    assert_eq!(fake.cancelled.load(Ordering::SeqCst), 1);
    // Its slot is free again: the next call probes, succeeds and closes the circuit.
    assert!(adapter.check(&request()).await.is_ok());
    assert_eq!(adapter.state(), CircuitState::Closed);
}

#[tokio::test(start_paused = true)]
async fn a_slow_call_is_hedged_and_the_loser_is_cancelled() {
    let fake = Arc::new(Scripted::new(|n| match n {
        0 => (Duration::from_secs(10), active()),
        _ => (Duration::from_millis(30), active()),
    }));
    let adapter = Hedged::new(
        Counted::new(Arc::clone(&fake)),
        HedgeDelay::Fixed(Duration::from_millis(100)),
    );
    let started = Instant::now();
    let (outcome, attempts) = counted(adapter.check(&request())).await;
    assert!(outcome.is_ok());
    assert_eq!(started.elapsed(), Duration::from_millis(130));
    assert_eq!(attempts, 2);
    assert_eq!(
        fake.cancelled.load(Ordering::SeqCst),
        1,
        "the slow call was dropped"
    );

    // A fast call is not hedged.
    let started = Instant::now();
    let (outcome, attempts) = counted(adapter.check(&request())).await;
    assert!(outcome.is_ok());
    assert_eq!(
        (started.elapsed(), attempts),
        (Duration::from_millis(30), 1)
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_attempt_waits_for_the_other_one() {
    let fake = Arc::new(Scripted::new(|n| match n {
        0 => (Duration::from_millis(150), refused()),
        _ => (Duration::from_millis(100), active()),
    }));
    let adapter = Hedged::new(
        Arc::clone(&fake),
        HedgeDelay::Fixed(Duration::from_millis(100)),
    );
    let started = Instant::now();
    assert!(adapter.check(&request()).await.is_ok());
    assert_eq!(started.elapsed(), Duration::from_millis(200));
}

#[tokio::test(start_paused = true)]
async fn the_p95_delay_waits_for_enough_answers() {
    let fake = Arc::new(Scripted::new(|n| {
        (Duration::from_millis(10 + u64::from(n % 10)), active())
    }));
    let adapter = Hedged::new(Arc::clone(&fake), HedgeDelay::P95);
    for _ in 0..super::hedged::MIN_SAMPLES - 1 {
        assert_eq!(adapter.current_delay(), None);
        adapter.check(&request()).await.unwrap();
    }
    adapter.check(&request()).await.unwrap();
    let p95 = adapter.current_delay().unwrap();
    assert!(
        p95 >= Duration::from_millis(18) && p95 <= Duration::from_millis(19),
        "{p95:?}"
    );
}
