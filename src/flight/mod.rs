//! [`Flights`]: identical checks in flight share one payer call, within an instance and across a fleet.
//!
//! Within an instance, the first check of a key starts a *flight*: its work (the payer calls, the cache
//! store) runs in a task of its own, and later checks of the same key await the same shared outcome. The
//! task is not owned by any one request: if the first caller goes away (client disconnect, its deadline),
//! the others still get the answer. The flight ends at the first caller's deadline; a check with a later
//! deadline that sees its flight end that way starts a new one. When no check awaits a flight any more, it
//! is cancelled (its payer calls dropped): a disconnected client or a finished discovery leaves nothing
//! running for nobody.
//!
//! Across instances, a flight first takes a lease in Redis ([`lease`]); the instances that find the lease
//! taken wait for the holder's result, or take over when the holder dies. Without Redis (or while it is
//! down) flights are per instance.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures::future::{BoxFuture, FutureExt, Shared};
use payer_core::AdapterError;
use tokio::time::Instant;

use crate::cache::{CacheKey, StoredAnswer};
use crate::router::{CheckError, ExchangeMeta};

pub mod lease;

pub use lease::Leases;

/// The work of a flight: the payer calls and the cache store.
pub type Work = BoxFuture<'static, Result<Fetched, CheckError>>;

/// What a flight brings back.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The merged answer, raw payloads included, serialized once for the cache and every client.
    pub answer: Arc<StoredAnswer>,
    /// One entry per payer call this instance made; empty when the answer came from another instance.
    pub exchanges: Vec<ExchangeMeta>,
    /// Wall time of the payer calls, when this instance made them.
    pub payer_latency_ms: Option<u64>,
    /// Payer attempts this instance made for it (retries and hedges included, summed over split chunks;
    /// [`crate::layers::attempts`]); 0 when the answer came from another instance.
    pub attempts: u32,
    /// The age of the cache entry, when the flight found the answer in the cache after all (another
    /// instance's flight stored it between this check's lookup and its lease).
    pub cached_age: Option<std::time::Duration>,
    /// Whether the answer is in the cache now (the flight stored it, or found it there): instances waiting
    /// on the lease then find it there, and the lease need not carry it ([`lease`]).
    pub in_cache: bool,
}

/// How a check's answer was obtained through its flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// This check started the flight: the payer calls (if this instance made them) are its own.
    Leader,
    /// This check joined a flight another check of this instance started.
    Follower,
}

type Outcome = Arc<Result<Fetched, CheckError>>;

/// The flights in progress, by key.
type Table = HashMap<CacheKey, Flight>;

/// One flight in progress.
struct Flight {
    id: u64,
    shared: Shared<BoxFuture<'static, Outcome>>,
    /// Checks awaiting it now. When the last one goes away (its client disconnected, a discovery's
    /// `first-active` won elsewhere, its deadline passed), the flight is cancelled: its payer calls are
    /// dropped rather than finished for nobody (engineer J, issue 6).
    waiters: usize,
    abort: tokio::task::AbortHandle,
}

/// One check awaiting a flight; see [`Flight::waiters`].
struct Waiter {
    table: Arc<Mutex<Table>>,
    key: CacheKey,
    id: u64,
}

impl Drop for Waiter {
    fn drop(&mut self) {
        let Ok(mut map) = self.table.lock() else {
            return;
        };
        let Some(flight) = map.get_mut(&self.key).filter(|flight| flight.id == self.id) else {
            // Finished: the flight removed itself.
            return;
        };
        flight.waiters = flight.waiters.saturating_sub(1);
        if flight.waiters == 0 {
            flight.abort.abort();
            map.remove(&self.key);
        }
    }
}

/// The flights of one instance.
pub struct Flights {
    inflight: Arc<Mutex<Table>>,
    next_id: AtomicU64,
    leases: Option<Arc<Leases>>,
}

// === impl Flights ===

impl Flights {
    /// Flights within this instance only.
    pub fn local() -> Flights {
        Flights {
            inflight: Arc::default(),
            next_id: AtomicU64::new(0),
            leases: None,
        }
    }

    /// Flights coordinated across instances through Redis leases.
    pub fn shared(leases: Leases) -> Flights {
        Flights {
            leases: Some(Arc::new(leases)),
            ..Flights::local()
        }
    }

    /// Flights in flight now (for tests and metrics).
    pub fn in_flight(&self) -> usize {
        self.inflight.lock().map(|map| map.len()).unwrap_or(0)
    }

    /// The answer for `key`: joins the flight in progress, or starts one with `make()` running until
    /// `deadline`. Never runs past `deadline` (the caller also bounds it).
    pub async fn run(
        &self,
        key: &CacheKey,
        deadline: Instant,
        mut make: impl FnMut() -> Work,
    ) -> Result<(Fetched, Role), CheckError> {
        loop {
            let (shared, role, _waiter) = self.join_or_start(key, deadline, &mut make)?;
            let outcome = shared.await;
            match outcome.as_ref() {
                Ok(fetched) => return Ok((fetched.clone(), role)),
                // The flight ended at its first caller's deadline, before this check's: fly again.
                Err(CheckError::DeadlineExceeded)
                    if role == Role::Follower && Instant::now() < deadline => {}
                Err(error) => return Err(duplicate(error)),
            }
        }
    }

    fn join_or_start(
        &self,
        key: &CacheKey,
        deadline: Instant,
        make: &mut impl FnMut() -> Work,
    ) -> Result<(Shared<BoxFuture<'static, Outcome>>, Role, Waiter), CheckError> {
        let mut map = self
            .inflight
            .lock()
            .map_err(|_| internal("the flight table lock is poisoned"))?;
        let waiter = |id| Waiter {
            table: Arc::clone(&self.inflight),
            key: key.clone(),
            id,
        };
        if let Some(flight) = map.get_mut(key) {
            flight.waiters += 1;
            return Ok((flight.shared.clone(), Role::Follower, waiter(flight.id)));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let work = make();
        let leases = self.leases.clone();
        let table = Arc::clone(&self.inflight);
        let task_key = key.clone();
        let handle = tokio::spawn(async move {
            let flown = async {
                match &leases {
                    Some(leases) => leases.coordinate(&task_key, work).await,
                    None => work.await,
                }
            };
            let result = tokio::time::timeout_at(deadline, flown)
                .await
                .unwrap_or(Err(CheckError::DeadlineExceeded));
            if let Ok(mut map) = table.lock() {
                if map.get(&task_key).is_some_and(|flight| flight.id == id) {
                    map.remove(&task_key);
                }
            }
            result
        });
        let abort = handle.abort_handle();
        let table = Arc::clone(&self.inflight);
        let cleanup_key = key.clone();
        let shared = handle
            .map(move |joined| {
                let result =
                    joined.unwrap_or_else(|_| Err(internal("the flight task ended abnormally")));
                // The task removes itself; if it was aborted before it could, do it here.
                if let Ok(mut map) = table.lock() {
                    if map.get(&cleanup_key).is_some_and(|flight| flight.id == id) {
                        map.remove(&cleanup_key);
                    }
                }
                Arc::new(result)
            })
            .boxed()
            .shared();
        map.insert(
            key.clone(),
            Flight {
                id,
                shared: shared.clone(),
                waiters: 1,
                abort,
            },
        );
        Ok((shared, Role::Leader, waiter(id)))
    }
}

impl std::fmt::Debug for Flights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flights")
            .field("in_flight", &self.in_flight())
            .field("across_instances", &self.leases.is_some())
            .finish()
    }
}

fn internal(message: &str) -> CheckError {
    CheckError::Payer(AdapterError::Internal(message.to_owned()))
}

/// A copy of a flight's error for each check that shared it (errors are not `Clone`: they are rebuilt).
pub fn duplicate(error: &CheckError) -> CheckError {
    match error {
        CheckError::UnknownPayer {
            requested,
            close_matches,
        } => CheckError::UnknownPayer {
            requested: requested.clone(),
            close_matches: close_matches.clone(),
        },
        CheckError::ServiceTypeNotSupported {
            payer_id,
            unsupported,
            supported,
        } => CheckError::ServiceTypeNotSupported {
            payer_id: payer_id.clone(),
            unsupported: unsupported.clone(),
            supported: supported.clone(),
        },
        CheckError::DeadlineExceeded => CheckError::DeadlineExceeded,
        CheckError::Payer(error) => CheckError::Payer(duplicate_adapter_error(error)),
        // Failures of the gateway's own parts: the same class (500) for every check that shared them.
        #[allow(unreachable_patterns)]
        other => CheckError::Payer(AdapterError::Internal(other.to_string())),
    }
}

fn duplicate_adapter_error(error: &AdapterError) -> AdapterError {
    match error {
        AdapterError::InvalidRequest { field, message } => AdapterError::InvalidRequest {
            field: field.clone(),
            message: message.clone(),
        },
        AdapterError::Connect(message) => AdapterError::Connect(message.clone()),
        AdapterError::Timeout(after) => AdapterError::Timeout(*after),
        AdapterError::HttpStatus { status } => AdapterError::HttpStatus { status: *status },
        AdapterError::Envelope {
            code,
            message,
            retryable,
        } => AdapterError::Envelope {
            code: code.clone(),
            message: message.clone(),
            retryable: *retryable,
        },
        AdapterError::Malformed { detail, raw } => AdapterError::Malformed {
            detail: detail.clone(),
            raw: raw.clone(),
        },
        AdapterError::Rejected { errors } => AdapterError::Rejected {
            errors: errors.clone(),
        },
        AdapterError::Credentials(message) => AdapterError::Credentials(message.clone()),
        AdapterError::Internal(message) => AdapterError::Internal(message.clone()),
        AdapterError::Saturated { retry_after } => AdapterError::Saturated {
            retry_after: *retry_after,
        },
        AdapterError::CircuitOpen { retry_after } => AdapterError::CircuitOpen {
            retry_after: *retry_after,
        },
        other => AdapterError::Internal(other.to_string()),
    }
}

#[cfg(test)]
mod tests;
