//! Unit tests of the batch lane: priority-aware admission over a model of the payer's rate limiter, and the
//! per-payer cap on batch calls, on tokio's paused clock.
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use payer_core::{AdapterError, PayerAdapter};
use tokio::time::Instant;

use super::lane::{self, BatchLane, Lane, Priority};
use super::resilience_tests::{active, Scripted};

/// A non-reserving limiter like governor's: one slot every `interval`, no burst; a waiter sleeps until the
/// next free slot and tries again; a call whose slot would come after its deadline is refused at once.
struct Slots {
    interval: Duration,
    next_free: Mutex<Instant>,
    granted: Mutex<Vec<(Instant, Priority)>>,
}

impl Slots {
    fn new(interval: Duration) -> Arc<Slots> {
        Arc::new(Slots {
            interval,
            next_free: Mutex::new(Instant::now()),
            granted: Mutex::default(),
        })
    }

    async fn admit(&self, deadline: Option<Instant>) -> Result<(), AdapterError> {
        loop {
            let wait = {
                let mut next = self.next_free.lock().unwrap();
                let now = Instant::now();
                if now >= *next {
                    *next = now + self.interval;
                    self.granted.lock().unwrap().push((now, lane::current()));
                    return Ok(());
                }
                *next - now
            };
            if deadline.is_some_and(|deadline| Instant::now() + wait > deadline) {
                return Err(AdapterError::Saturated { retry_after: wait });
            }
            tokio::time::sleep(wait).await;
        }
    }
}

#[tokio::test(start_paused = true)]
async fn real_time_calls_wait_at_most_one_slot_while_a_batch_floods_the_lane() {
    let interval = Duration::from_millis(10);
    let slots = Slots::new(interval);
    let lane = Arc::new(Lane::new(100.0, 64));
    // Forty batch callers, each asking for slot after slot for two seconds.
    let stop = Instant::now() + Duration::from_secs(2);
    let mut batch = Vec::new();
    for _ in 0..40 {
        let (slots, lane) = (Arc::clone(&slots), Arc::clone(&lane));
        batch.push(tokio::spawn(lane::scope(Priority::Batch, async move {
            let mut admitted = 0u32;
            while Instant::now() < stop {
                let deadline = Some(Instant::now() + Duration::from_secs(20));
                if lane.admit(deadline, |d| slots.admit(d)).await.is_ok() {
                    admitted += 1;
                }
            }
            admitted
        })));
    }
    // Real-time calls arriving now and then, alone or in twos.
    let (mut alone, mut paired) = (Vec::new(), Vec::new());
    let mut real_time = 0u32;
    for round in 0..40u64 {
        tokio::time::sleep(Duration::from_millis(37 + round % 7)).await;
        let started = Instant::now();
        let deadline = Some(started + Duration::from_secs(1));
        if round % 2 == 0 {
            lane.admit(deadline, |d| slots.admit(d)).await.unwrap();
            alone.push(started.elapsed());
            real_time += 1;
        } else {
            let (a, b) = tokio::join!(
                lane.admit(deadline, |d| slots.admit(d)),
                lane.admit(deadline, |d| slots.admit(d)),
            );
            a.unwrap();
            b.unwrap();
            paired.push(started.elapsed());
            real_time += 2;
        }
    }
    let mut admitted_batch = 0;
    for task in batch {
        admitted_batch += task.await.unwrap();
    }
    // A real-time call waits at most for the slot being handed out now; two of them, for the next one too.
    assert!(alone.iter().all(|wait| *wait <= interval), "{alone:?}");
    assert!(
        paired.iter().all(|wait| *wait <= interval * 2),
        "{paired:?}"
    );
    // The batch filled what was left of the rate.
    let total = slots.granted.lock().unwrap().len() as u32;
    assert!(total >= 190, "{total} slots in 2 s at 100/s");
    assert_eq!(admitted_batch + real_time, total);
    assert!(admitted_batch > 100);
}

#[tokio::test(start_paused = true)]
async fn batch_calls_never_queue_inside_the_limiter_and_give_up_at_their_deadline() {
    let slots = Slots::new(Duration::from_millis(100));
    let lane = Lane::new(10.0, 8);
    // The slot is free: a batch call takes it at once.
    let admitted = lane::scope(
        Priority::Batch,
        lane.admit(Some(Instant::now() + Duration::from_secs(1)), |d| {
            slots.admit(d)
        }),
    )
    .await;
    assert!(admitted.is_ok());
    // The next slot is 100 ms away and the deadline 50 ms: refused without waiting past the deadline.
    let started = Instant::now();
    let refused = lane::scope(
        Priority::Batch,
        lane.admit(Some(started + Duration::from_millis(50)), |d| {
            slots.admit(d)
        }),
    )
    .await;
    assert!(matches!(refused, Err(AdapterError::Saturated { .. })));
    assert!(started.elapsed() <= Duration::from_millis(50));
}

#[tokio::test(start_paused = true)]
async fn the_batch_lane_caps_batch_calls_per_payer_and_lets_real_time_calls_by() {
    let in_flight = Arc::new(AtomicU32::new(0));
    let most = Arc::new(AtomicU32::new(0));
    let (now, peak) = (Arc::clone(&in_flight), Arc::clone(&most));
    let fake = Arc::new(Scripted::new(move |_| {
        let current = now.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(current, Ordering::SeqCst);
        (Duration::from_millis(50), active())
    }));
    let counting = Arc::clone(&in_flight);
    let adapter = Arc::new(BatchLane::new(
        Arc::clone(&fake),
        Arc::new(Lane::new(1000.0, 3)),
    ));
    let request = crate::cache::tests::sample_inquiry();
    let batch = (0..12).map(|_| {
        let (adapter, request, counting) =
            (Arc::clone(&adapter), request.clone(), Arc::clone(&counting));
        lane::scope(Priority::Batch, async move {
            let outcome = adapter.check(&request).await;
            counting.fetch_sub(1, Ordering::SeqCst);
            outcome
        })
    });
    let started = Instant::now();
    let results = futures::future::join_all(batch).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(most.load(Ordering::SeqCst), 3);
    assert_eq!(
        started.elapsed(),
        Duration::from_millis(200),
        "12 calls, 3 at a time"
    );

    // A real-time call does not wait for the batch lane.
    most.store(0, Ordering::SeqCst);
    let started = Instant::now();
    assert!(adapter.check(&request).await.is_ok());
    assert_eq!(started.elapsed(), Duration::from_millis(50));
}
