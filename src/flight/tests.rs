//! Unit tests of per-instance single-flight: one call for many identical checks, survival of the first
//! caller's cancellation, shared errors, and a new flight for a later deadline.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use payer_core::{AdapterError, EligibilityResponse};
use tokio::time::Instant;

use super::*;
use crate::config::HmacKey;

fn key(member: &str) -> CacheKey {
    let mut inquiry = crate::cache::tests::sample_inquiry();
    inquiry.subscriber.member_id = Some(payer_core::Phi::new(member.to_owned()));
    crate::cache::CacheKeyer::new(HmacKey::new([1; 32])).derive(&inquiry)
}

/// Work that counts its runs and answers after `delay` with `control` as the control number.
fn counted(calls: &Arc<AtomicUsize>, delay: Duration, fail: bool) -> impl FnMut() -> Work {
    let calls = Arc::clone(calls);
    move || {
        let calls = Arc::clone(&calls);
        Box::pin(async move {
            calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(delay).await;
            if fail {
                return Err(CheckError::Payer(AdapterError::Connect("refused".into())));
            }
            Ok(Fetched {
                answer: Arc::new(StoredAnswer::new(EligibilityResponse::default()).unwrap()),
                exchanges: vec![ExchangeMeta {
                    interchange_control_number: Some("000000001".into()),
                    group_control_number: None,
                    transaction_set_control_number: None,
                    payload_id: None,
                }],
                payer_latency_ms: Some(50),
                attempts: 1,
                cached_age: None,
                in_cache: false,
            })
        })
    }
}

#[tokio::test]
async fn identical_checks_share_one_call_and_only_the_leader_reports_it() {
    let flights = Arc::new(Flights::local());
    let calls = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let flights = Arc::clone(&flights);
        let calls = Arc::clone(&calls);
        tasks.push(tokio::spawn(async move {
            flights
                .run(
                    &key("A1"),
                    deadline,
                    counted(&calls, Duration::from_millis(50), false),
                )
                .await
        }));
    }
    let mut leaders = 0;
    for task in tasks {
        let (fetched, role) = task.await.unwrap().unwrap();
        if role == Role::Leader {
            leaders += 1;
            assert_eq!(fetched.exchanges.len(), 1);
        }
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(leaders, 1);
    assert_eq!(flights.in_flight(), 0, "the finished flight left the table");
    // Another key is another flight.
    flights
        .run(&key("B2"), deadline, counted(&calls, Duration::ZERO, false))
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_flight_survives_its_first_caller_going_away() {
    let flights = Arc::new(Flights::local());
    let calls = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(5);
    let first = {
        let flights = Arc::clone(&flights);
        let calls = Arc::clone(&calls);
        tokio::spawn(async move {
            flights
                .run(
                    &key("A1"),
                    deadline,
                    counted(&calls, Duration::from_millis(100), false),
                )
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(10)).await;
    let second = {
        let flights = Arc::clone(&flights);
        let calls = Arc::clone(&calls);
        tokio::spawn(async move {
            flights
                .run(
                    &key("A1"),
                    deadline,
                    counted(&calls, Duration::from_millis(100), false),
                )
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(10)).await;
    first.abort();
    let (_, role) = second.await.unwrap().unwrap();
    assert_eq!(role, Role::Follower);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_error_is_shared_and_the_next_check_flies_again() {
    let flights = Arc::new(Flights::local());
    let calls = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(5);
    let a1 = key("A1");
    let (a, b) = tokio::join!(
        flights.run(
            &a1,
            deadline,
            counted(&calls, Duration::from_millis(30), true)
        ),
        flights.run(
            &a1,
            deadline,
            counted(&calls, Duration::from_millis(30), true)
        ),
    );
    assert!(matches!(
        a,
        Err(CheckError::Payer(AdapterError::Connect(_)))
    ));
    assert!(matches!(
        b,
        Err(CheckError::Payer(AdapterError::Connect(_)))
    ));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    flights
        .run(&key("A1"), deadline, counted(&calls, Duration::ZERO, false))
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_follower_with_a_later_deadline_outlives_the_leaders_deadline() {
    let flights = Arc::new(Flights::local());
    let calls = Arc::new(AtomicUsize::new(0));
    let now = Instant::now();
    let a1 = key("A1");
    let (short, long) = tokio::join!(
        flights.run(
            &a1,
            now + Duration::from_millis(50),
            counted(&calls, Duration::from_millis(120), false)
        ),
        async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            flights
                .run(
                    &a1,
                    now + Duration::from_secs(2),
                    counted(&calls, Duration::from_millis(120), false),
                )
                .await
        },
    );
    assert!(matches!(short, Err(CheckError::DeadlineExceeded)));
    let (_, role) = long.unwrap();
    assert_eq!(role, Role::Leader, "the follower started its own flight");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// Engineer J (issue 6): a flight nobody awaits any more is cancelled, so its payer call stops.
#[tokio::test(start_paused = true)]
async fn a_flight_left_by_every_waiter_is_cancelled() {
    let flights = Flights::local();
    let deadline = Instant::now() + Duration::from_secs(60);
    let finished = Arc::new(AtomicUsize::new(0));
    let done = Arc::clone(&finished);
    let make = move || -> Work {
        let done = Arc::clone(&done);
        Box::pin(async move {
            tokio::time::sleep(Duration::from_secs(10)).await;
            done.fetch_add(1, Ordering::SeqCst);
            Err(CheckError::DeadlineExceeded)
        })
    };
    // Two waiters leave after 1 s (say, their clients disconnected).
    let c1 = key("C1");
    let (a, b) = tokio::join!(
        tokio::time::timeout(
            Duration::from_secs(1),
            flights.run(&c1, deadline, make.clone())
        ),
        tokio::time::timeout(
            Duration::from_secs(1),
            flights.run(&c1, deadline, make.clone())
        ),
    );
    assert!(a.is_err() && b.is_err());
    assert_eq!(flights.in_flight(), 0, "the flight left the table");
    tokio::time::sleep(Duration::from_secs(20)).await;
    assert_eq!(finished.load(Ordering::SeqCst), 0, "its work was cancelled");

    // One waiter leaving does not cancel a flight another still awaits.
    let calls = Arc::new(AtomicUsize::new(0));
    let c2 = key("C2");
    let (gone, kept) = tokio::join!(
        tokio::time::timeout(
            Duration::from_millis(10),
            flights.run(
                &c2,
                deadline,
                counted(&calls, Duration::from_millis(50), false)
            ),
        ),
        flights.run(
            &c2,
            deadline,
            counted(&calls, Duration::from_millis(50), false)
        ),
    );
    assert!(gone.is_err());
    assert!(kept.is_ok());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
