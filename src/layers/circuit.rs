//! [`Circuit`]: one payer's circuit breaker state machine, shared by its [`super::CircuitBreaker`] wrapper and
//! the views that show it (`/readyz`, `GET /v1/payers/{id}`).
//!
//! - **Closed**: calls go through. Each finished call is recorded: a failure of the payer (per
//!   [`super::retry_policy`]: connect errors, timeouts, 5xx, unusable answers, and 271s with only AAA 42/80)
//!   or a success. It opens when `failure_threshold` calls in a row failed, or when at least `min_calls`
//!   calls finished in the last `window` and the share of failures among them reached `failure_rate`.
//! - **Open**: calls are refused at once with [`payer_core::AdapterError::CircuitOpen`] (503 with
//!   `Retry-After`, or a stale cached answer) for `open_for`.
//! - **Half-open**: after `open_for`, up to `half_open_probes` calls at once are let through as probes; others
//!   are refused as while open. One failed probe reopens it; `half_open_probes` successful probes close it.
//!
//! A call that is cancelled (its check's deadline, a hedge that lost, a client that went away) records
//! nothing, and a probe slot it held is given back. The window is kept in [`BUCKETS`] buckets, so its memory
//! is constant and old calls leave it a bucket at a time.
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use prometheus::IntGauge;
use serde::Serialize;
use tokio::time::Instant;
use utoipa::ToSchema;

use crate::config::BreakerPolicy;

/// Buckets of the failure-rate window.
pub const BUCKETS: u32 = 10;
/// How long a caller refused while half-open (all probe slots taken) is asked to wait.
const HALF_OPEN_RETRY_AFTER: Duration = Duration::from_secs(1);

/// A breaker's state, as shown to operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CircuitState {
    /// Calls go through.
    Closed,
    /// Calls are refused without calling the payer.
    Open,
    /// Probe calls go through; the next outcome decides.
    HalfOpen,
}

/// One payer's breaker.
#[derive(Debug)]
pub struct Circuit {
    payer_id: String,
    policy: BreakerPolicy,
    state: Mutex<State>,
    /// `eligibility_circuit_state{payer}` (0 closed, 1 half-open, 2 open), set at each transition, when set.
    gauge: Option<IntGauge>,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    consecutive_failures: u32,
    /// `(bucket index since start, calls, failures)`, the current bucket last.
    buckets: Vec<(u64, u32, u32)>,
    started: Instant,
}

#[derive(Debug, Clone, Copy)]
enum Phase {
    Closed,
    Open {
        until: Instant,
    },
    HalfOpen {
        probes_in_flight: u32,
        successes: u32,
    },
}

/// Leave to make one call, from [`Circuit::admit`]; record its outcome with [`Permit::record`]. Dropped
/// without a record (the call was cancelled), it gives its probe slot back.
#[derive(Debug)]
pub struct Permit {
    circuit: Arc<Circuit>,
    probe: bool,
    done: bool,
}

// === impl Circuit ===

impl Circuit {
    /// A closed breaker for `payer_id` (named in its log lines) with `policy`.
    pub fn new(payer_id: impl Into<String>, policy: BreakerPolicy) -> Circuit {
        Circuit {
            payer_id: payer_id.into(),
            policy,
            state: Mutex::new(State {
                phase: Phase::Closed,
                consecutive_failures: 0,
                buckets: Vec::with_capacity(BUCKETS as usize),
                started: Instant::now(),
            }),
            gauge: None,
        }
    }

    /// Shows the state in `gauge` (0 closed, 1 half-open, 2 open) from now on. The move from open to
    /// half-open is made (and shown) by the first call after `open_for`.
    pub fn with_gauge(mut self, gauge: IntGauge) -> Circuit {
        gauge.set(0);
        self.gauge = Some(gauge);
        self
    }

    fn show(&self, value: i64) {
        if let Some(gauge) = &self.gauge {
            gauge.set(value);
        }
    }

    /// The policy.
    pub fn policy(&self) -> &BreakerPolicy {
        &self.policy
    }

    /// The state now. An open breaker whose time is up shows as half-open: the next call will probe.
    pub fn state(&self) -> CircuitState {
        let state = self.lock();
        match state.phase {
            Phase::Closed => CircuitState::Closed,
            Phase::Open { until } if Instant::now() < until => CircuitState::Open,
            Phase::Open { .. } | Phase::HalfOpen { .. } => CircuitState::HalfOpen,
        }
    }

    /// Leave for one call, or how long to wait before asking again.
    pub fn admit(self: &Arc<Self>) -> Result<Permit, Duration> {
        let mut state = self.lock();
        let now = Instant::now();
        if let Phase::Open { until } = state.phase {
            if now < until {
                return Err(until - now);
            }
            tracing::info!(payer = %self.payer_id, "circuit half-open: probing the payer");
            state.phase = Phase::HalfOpen {
                probes_in_flight: 0,
                successes: 0,
            };
            self.show(1);
        }
        let probe = match &mut state.phase {
            Phase::Closed => false,
            Phase::HalfOpen {
                probes_in_flight,
                successes,
            } => {
                let slots = self
                    .policy
                    .half_open_probes
                    .get()
                    .saturating_sub(*successes);
                if *probes_in_flight >= slots {
                    return Err(HALF_OPEN_RETRY_AFTER);
                }
                *probes_in_flight += 1;
                true
            }
            Phase::Open { .. } => return Err(HALF_OPEN_RETRY_AFTER),
        };
        Ok(Permit {
            circuit: Arc::clone(self),
            probe,
            done: false,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state inconsistent (every update is a few plain
        // assignments), so a poisoned lock is used as is.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn record(&self, probe: bool, failed: bool) {
        let mut state = self.lock();
        let now = Instant::now();
        if probe {
            if let Phase::HalfOpen {
                probes_in_flight, ..
            } = &mut state.phase
            {
                *probes_in_flight = probes_in_flight.saturating_sub(1);
            }
        }
        match (state.phase, failed) {
            (Phase::Open { .. }, _) => {}
            (Phase::HalfOpen { .. }, true) => {
                tracing::warn!(payer = %self.payer_id, "circuit reopened: a probe failed");
                self.open(&mut state, now);
            }
            (
                Phase::HalfOpen {
                    probes_in_flight,
                    successes,
                },
                false,
            ) => {
                let successes = successes + u32::from(probe);
                if successes >= self.policy.half_open_probes.get() {
                    tracing::info!(payer = %self.payer_id, "circuit closed: the payer answers again");
                    state.phase = Phase::Closed;
                    state.consecutive_failures = 0;
                    state.buckets.clear();
                    self.show(0);
                } else {
                    state.phase = Phase::HalfOpen {
                        probes_in_flight,
                        successes,
                    };
                }
            }
            (Phase::Closed, failed) => {
                state.count(now, self.bucket_width(), failed);
                if failed {
                    state.consecutive_failures = state.consecutive_failures.saturating_add(1);
                } else {
                    state.consecutive_failures = 0;
                }
                let (calls, failures) = state.window(now, self.bucket_width());
                let run = self.policy.failure_threshold > 0
                    && state.consecutive_failures >= self.policy.failure_threshold;
                let rate = calls >= self.policy.min_calls
                    && f64::from(failures) >= self.policy.failure_rate * f64::from(calls);
                if failed && (run || rate) {
                    tracing::warn!(
                        payer = %self.payer_id,
                        consecutive_failures = state.consecutive_failures,
                        window_calls = calls,
                        window_failures = failures,
                        "circuit opened"
                    );
                    self.open(&mut state, now);
                }
            }
        }
    }

    fn release(&self) {
        let mut state = self.lock();
        if let Phase::HalfOpen {
            probes_in_flight, ..
        } = &mut state.phase
        {
            *probes_in_flight = probes_in_flight.saturating_sub(1);
        }
    }

    fn open(&self, state: &mut State, now: Instant) {
        state.phase = Phase::Open {
            until: now + self.policy.open_for,
        };
        self.show(2);
        state.consecutive_failures = 0;
        state.buckets.clear();
    }

    fn bucket_width(&self) -> Duration {
        (self.policy.window / BUCKETS).max(Duration::from_millis(1))
    }
}

// === impl State ===

impl State {
    fn bucket_index(&self, now: Instant, width: Duration) -> u64 {
        let elapsed = now.saturating_duration_since(self.started).as_nanos();
        u64::try_from(elapsed / width.as_nanos().max(1)).unwrap_or(u64::MAX)
    }

    fn count(&mut self, now: Instant, width: Duration, failed: bool) {
        let index = self.bucket_index(now, width);
        self.buckets
            .retain(|(bucket, _, _)| bucket + u64::from(BUCKETS) > index);
        match self.buckets.last_mut() {
            Some((bucket, calls, failures)) if *bucket == index => {
                *calls = calls.saturating_add(1);
                *failures = failures.saturating_add(u32::from(failed));
            }
            _ => self.buckets.push((index, 1, u32::from(failed))),
        }
    }

    /// Calls and failures in the window ending now.
    fn window(&self, now: Instant, width: Duration) -> (u32, u32) {
        let index = self.bucket_index(now, width);
        self.buckets
            .iter()
            .filter(|(bucket, _, _)| bucket + u64::from(BUCKETS) > index)
            .fold((0u32, 0u32), |(calls, failures), (_, c, f)| {
                (calls.saturating_add(*c), failures.saturating_add(*f))
            })
    }
}

// === impl Permit ===

impl Permit {
    /// Records the call's outcome: `Some(true)` a payer failure, `Some(false)` a success, `None` neither (the
    /// call was refused on the gateway's side, such as by the rate limiter).
    pub fn record(mut self, failed: Option<bool>) {
        self.done = true;
        match failed {
            Some(failed) => self.circuit.record(self.probe, failed),
            None if self.probe => self.circuit.release(),
            None => {}
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if !self.done && self.probe {
            self.circuit.release();
        }
    }
}
