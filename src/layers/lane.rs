//! The batch lane: batch checks use a payer's rate limit only where real-time checks leave room.
//!
//! A check's priority is a task-local value ([`scope`], [`current`]), like its deadline: the batch endpoint
//! runs each of its checks inside `scope(Priority::Batch, ..)`; everything else is real time. Two parts:
//!
//! - [`BatchLane`], a wrapper above the rate limiter: at most `batch.per_payer_concurrency` batch calls per
//!   payer are past it at once (across all batches), so batch work cannot take every concurrency slot or
//!   queue thousands of calls in front of the limiter. Real-time calls pass straight through.
//! - [`Lane::admit`], called by the rate limiter ([`super::PayerLimiter::admit`]) for the rate slot itself.
//!   Real-time calls wait for a slot as usual, and are counted while they wait. A batch call never waits
//!   inside the limiter: one at a time per payer, it takes a slot only when one is free *now* and no
//!   real-time call is waiting, otherwise it sleeps for about a slot interval (or until the waiting real-time
//!   calls are through) and looks again. So a real-time check arriving during a batch waits at most for the
//!   slot that is already being handed out: one rate-limit interval.
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use payer_core::{AdapterError, EligibilityRequest, PayerAdapter, PayerReply};
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;

/// Longest a batch call sleeps between two looks at the limiter.
const MAX_BATCH_POLL: Duration = Duration::from_millis(50);

tokio::task_local! {
    static PRIORITY: Priority;
}

/// Which lane a check runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Priority {
    /// A client is waiting for this one answer: it goes first.
    #[default]
    RealTime,
    /// Part of a batch: fills what real-time checks leave.
    Batch,
}

/// Runs `work` at `priority` (a plain function, not an `async fn`, for the reason [`deadline::scope`]
/// gives).
///
/// [`deadline::scope`]: super::deadline::scope
pub fn scope<F: Future>(priority: Priority, work: F) -> impl Future<Output = F::Output> {
    PRIORITY.scope(priority, work)
}

/// The current check's priority; real time outside any [`scope`].
pub fn current() -> Priority {
    PRIORITY.try_with(|priority| *priority).unwrap_or_default()
}

/// One payer's lane state, shared by its [`BatchLane`] and its rate limiter.
#[derive(Debug)]
pub struct Lane {
    /// Real-time calls waiting for a rate slot now.
    realtime_waiting: AtomicUsize,
    /// Signalled when `realtime_waiting` drops to zero.
    realtime_done: Notify,
    /// One batch call at a time looks for a free slot.
    batch_turn: Semaphore,
    /// Batch calls past the [`BatchLane`] at once.
    batch_calls: Semaphore,
    /// The payer's slot interval (one over its rate), how often a waiting batch call looks again.
    interval: Duration,
}

/// Counts a real-time waiter while it waits.
struct Waiting<'a>(&'a Lane);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if self.0.realtime_waiting.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.realtime_done.notify_waiters();
        }
    }
}

// === impl Lane ===

impl Lane {
    /// A lane for a payer limited to `requests_per_second`, letting `batch_calls` batch calls through at once.
    pub fn new(requests_per_second: f64, batch_calls: usize) -> Lane {
        let interval = if requests_per_second.is_finite() && requests_per_second > 0.0 {
            Duration::from_secs_f64(1.0 / requests_per_second)
        } else {
            MAX_BATCH_POLL
        };
        Lane {
            realtime_waiting: AtomicUsize::new(0),
            realtime_done: Notify::new(),
            batch_turn: Semaphore::new(1),
            batch_calls: Semaphore::new(batch_calls.max(1)),
            interval: interval.clamp(Duration::from_millis(1), MAX_BATCH_POLL),
        }
    }

    /// Real-time calls waiting for a rate slot now.
    pub fn realtime_waiting(&self) -> usize {
        self.realtime_waiting.load(Ordering::Acquire)
    }

    /// Admits one call by the current priority. `try_admit(deadline)` is the limiter's own admission: it
    /// waits for a slot that comes before `deadline`, or fails at once with [`AdapterError::Saturated`]
    /// without taking one.
    pub async fn admit<F, Fut>(
        &self,
        deadline: Option<Instant>,
        try_admit: F,
    ) -> Result<(), AdapterError>
    where
        F: Fn(Option<Instant>) -> Fut,
        Fut: Future<Output = Result<(), AdapterError>>,
    {
        match current() {
            Priority::RealTime => {
                self.realtime_waiting.fetch_add(1, Ordering::AcqRel);
                let _waiting = Waiting(self);
                try_admit(deadline).await
            }
            Priority::Batch => self.admit_batch(deadline, try_admit).await,
        }
    }

    async fn admit_batch<F, Fut>(
        &self,
        deadline: Option<Instant>,
        try_admit: F,
    ) -> Result<(), AdapterError>
    where
        F: Fn(Option<Instant>) -> Fut,
        Fut: Future<Output = Result<(), AdapterError>>,
    {
        let _turn = self
            .batch_turn
            .acquire()
            .await
            .map_err(|_| AdapterError::Internal("the batch lane was closed".into()))?;
        loop {
            // Let every real-time waiter through first.
            loop {
                let done = self.realtime_done.notified();
                if self.realtime_waiting() == 0 {
                    break;
                }
                done.await;
            }
            // A slot free now, or none: a batch call never queues inside the limiter.
            match try_admit(Some(Instant::now())).await {
                Ok(()) => return Ok(()),
                Err(AdapterError::Saturated { .. }) => {}
                Err(error) => return Err(error),
            }
            let wake = Instant::now() + self.interval;
            if let Some(deadline) = deadline {
                if wake >= deadline {
                    return Err(AdapterError::Saturated {
                        retry_after: Duration::from_secs(1),
                    });
                }
            }
            tokio::time::sleep_until(wake).await;
        }
    }
}

/// A payer adapter whose batch calls pass the payer's batch lane (at most so many at once).
#[derive(Debug)]
pub struct BatchLane<A> {
    inner: A,
    lane: Arc<Lane>,
}

// === impl BatchLane ===

impl<A> BatchLane<A> {
    /// Wraps `inner` with `lane` (shared with the payer's rate limiter).
    pub fn new(inner: A, lane: Arc<Lane>) -> BatchLane<A> {
        BatchLane { inner, lane }
    }

    /// The wrapped adapter.
    pub fn get_ref(&self) -> &A {
        &self.inner
    }

    /// Unwraps the adapter.
    pub fn into_inner(self) -> A {
        self.inner
    }

    /// The lane.
    pub fn lane(&self) -> &Arc<Lane> {
        &self.lane
    }
}

#[async_trait]
impl<A: PayerAdapter> PayerAdapter for BatchLane<A> {
    fn payer_id(&self) -> &str {
        self.inner.payer_id()
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        if current() == Priority::RealTime {
            return self.inner.check(request).await;
        }
        let _call = self
            .lane
            .batch_calls
            .acquire()
            .await
            .map_err(|_| AdapterError::Internal("the batch lane was closed".into()))?;
        self.inner.check(request).await
    }

    async fn health_check(&self) -> Result<(), AdapterError> {
        self.inner.health_check().await
    }
}
