//! [`Redis`]: the connection to the Redis (server or cluster) that a fleet of gateway instances shares, kept
//! so that Redis trouble never holds or fails a check.
//!
//! - Every operation runs under `cache.redis_timeout_ms`. A failure (refused, timed out, a cluster in
//!   failover) is logged at debug level (what failed, never a key or value), counted, and answered as
//!   [`Unavailable`]: the caller goes on without Redis (a cache miss, a local lease, the local rate limiter).
//! - When the connection breaks (refused, dropped) or [`TRIP_AFTER_TIMEOUTS`] operations in a row fail
//!   otherwise (timeouts), Redis is marked unhealthy and operations fail at once, without waiting for the
//!   timeout, until the background probe (a `PING` every [`PROBE_INTERVAL`]) succeeds again. So a dead Redis
//!   costs a check nothing, one slow answer under load does not switch the fleet to local mode, and
//!   `/readyz` reports `degraded` ([`Redis::is_healthy`]).
//! - The Lua scripts in use are loaded by the probe whenever Redis (re)appears, so that a burst of checks
//!   after a restart does not pay `NOSCRIPT` round trips.
//! - Reconnection is the driver's (the connection manager for one server, the cluster connection's slot
//!   refresh for a cluster); if the probe keeps failing, the connection is rebuilt from the configured URLs.
//! - The probe also keeps this instance's heartbeat in a sorted set, from which [`Redis::fleet_size`] counts
//!   the live instances (for the local share of rate limits while Redis is down).
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::{FromRedisValue, RedisResult, Script};

use crate::config::{RedisConfig, RedisEndpoints};

mod conn;
mod wiring;

use conn::Conn;
pub use wiring::FleetParts;

/// How often the background probe runs.
pub const PROBE_INTERVAL: Duration = Duration::from_millis(250);
/// Consecutive failed probes after which the connection is rebuilt.
const REBUILD_AFTER_FAILURES: u32 = 8;
/// An instance not heard from for this long no longer counts in the fleet.
const HEARTBEAT_EXPIRY: Duration = Duration::from_secs(10);
/// How often the heartbeat is written (every so many probes).
const HEARTBEAT_EVERY_PROBES: u32 = 8;
/// Consecutive failed operations (other than a broken connection) that mark Redis unhealthy.
pub const TRIP_AFTER_TIMEOUTS: u32 = 3;

/// A shared handle to Redis; cheap to clone.
#[derive(Clone)]
pub struct Redis {
    inner: Arc<Inner>,
}

struct Inner {
    endpoints: RedisEndpoints,
    timeout: Duration,
    prefix: String,
    instance: String,
    conn: RwLock<Conn>,
    healthy: AtomicBool,
    /// Operations failed in a row.
    consecutive: AtomicU32,
    errors: AtomicU64,
    fleet_size: AtomicU32,
    /// Scripts to load whenever Redis (re)appears, and whether they are loaded.
    scripts: Mutex<Vec<&'static Script>>,
    scripts_loaded: AtomicBool,
}

/// Redis did not answer (or is known to be down); the caller goes on without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unavailable;

// === impl Redis ===

impl Redis {
    /// Connects lazily (a Redis that is down at start is not an error: the gateway starts degraded and
    /// connects when it can) and starts the probe. Must be called within a Tokio runtime.
    pub fn connect(config: &RedisConfig) -> anyhow::Result<Redis> {
        let conn = Conn::open(&config.endpoints, config.timeout)?;
        let redis = Redis {
            inner: Arc::new(Inner {
                endpoints: config.endpoints.clone(),
                timeout: config.timeout,
                prefix: config.key_prefix.clone(),
                instance: uuid::Uuid::new_v4().simple().to_string(),
                conn: RwLock::new(conn),
                // Unknown until the first probe; operations are tried meanwhile.
                healthy: AtomicBool::new(true),
                consecutive: AtomicU32::new(0),
                errors: AtomicU64::new(0),
                fleet_size: AtomicU32::new(1),
                scripts: Mutex::new(Vec::new()),
                scripts_loaded: AtomicBool::new(false),
            }),
        };
        tokio::spawn(probe(Arc::downgrade(&redis.inner)));
        Ok(redis)
    }

    /// Whether Redis answered the last operation or probe.
    pub fn is_healthy(&self) -> bool {
        self.inner.healthy.load(Ordering::Relaxed)
    }

    /// `standalone` or `cluster`.
    pub fn mode(&self) -> &'static str {
        self.inner.endpoints.mode()
    }

    /// Operations that failed since start.
    pub fn error_count(&self) -> u64 {
        self.inner.errors.load(Ordering::Relaxed)
    }

    /// Live gateway instances seen in Redis at the last heartbeat (at least 1).
    pub fn fleet_size(&self) -> u32 {
        self.inner.fleet_size.load(Ordering::Relaxed).max(1)
    }

    /// Registers a script the probe loads whenever Redis (re)appears.
    pub fn preload(&self, script: &'static Script) {
        if let Ok(mut scripts) = self.inner.scripts.lock() {
            if !scripts.iter().any(|known| std::ptr::eq(*known, script)) {
                scripts.push(script);
                self.inner.scripts_loaded.store(false, Ordering::Relaxed);
            }
        }
    }

    /// The configured key prefix joined with `rest`.
    pub fn key(&self, rest: &str) -> String {
        format!("{}{rest}", self.inner.prefix)
    }

    /// The per-operation timeout.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// Runs one command; `what` names the operation for the log (never a key or value).
    pub async fn query<T: FromRedisValue>(
        &self,
        what: &'static str,
        command: &redis::Cmd,
    ) -> Result<T, Unavailable> {
        let mut conn = self.usable()?;
        let result = tokio::time::timeout(self.inner.timeout, command.query_async(&mut conn)).await;
        self.settle(what, result)
    }

    /// Runs a Lua script (`EVALSHA`, loading it on `NOSCRIPT`) with its keys and arguments.
    pub async fn script<T: FromRedisValue>(
        &self,
        what: &'static str,
        script: &Script,
        keys: &[&str],
        args: &[&[u8]],
    ) -> Result<T, Unavailable> {
        let mut conn = self.usable()?;
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(*key);
        }
        for arg in args {
            invocation.arg(*arg);
        }
        let result =
            tokio::time::timeout(self.inner.timeout, invocation.invoke_async(&mut conn)).await;
        self.settle(what, result)
    }

    /// The connection, unless Redis is known to be down.
    fn usable(&self) -> Result<Conn, Unavailable> {
        if !self.is_healthy() {
            return Err(Unavailable);
        }
        self.inner.current()
    }

    fn settle<T>(
        &self,
        what: &'static str,
        result: Result<RedisResult<T>, tokio::time::error::Elapsed>,
    ) -> Result<T, Unavailable> {
        match result {
            Ok(Ok(value)) => {
                self.inner.consecutive.store(0, Ordering::Relaxed);
                self.inner.healthy.store(true, Ordering::Relaxed);
                Ok(value)
            }
            Ok(Err(error)) => {
                self.inner.failed_with(what, &error);
                Err(Unavailable)
            }
            Err(_) => {
                self.inner.failed(what, "timed out", false);
                Err(Unavailable)
            }
        }
    }
}

impl std::fmt::Debug for Redis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redis")
            .field("mode", &self.mode())
            .field("healthy", &self.is_healthy())
            .finish()
    }
}

// === impl Inner ===

impl Inner {
    fn current(&self) -> Result<Conn, Unavailable> {
        self.conn
            .read()
            .map(|conn| conn.clone())
            .map_err(|_| Unavailable)
    }

    /// Counts a failed command: a broken connection (refused, dropped) marks Redis unhealthy at once, any
    /// other error counts toward [`TRIP_AFTER_TIMEOUTS`].
    fn failed_with(&self, what: &'static str, error: &redis::RedisError) {
        let broken =
            error.is_io_error() || error.is_connection_refusal() || error.is_connection_dropped();
        self.failed(what, &format!("{:?}", error.kind()), broken);
    }

    /// Counts a failure; marks Redis unhealthy if the connection is `broken` or too many failed in a row.
    fn failed(&self, what: &'static str, reason: &str, broken: bool) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let in_a_row = self
            .consecutive
            .fetch_add(1, Ordering::Relaxed)
            .saturating_add(1);
        if !broken && in_a_row < TRIP_AFTER_TIMEOUTS {
            tracing::debug!(operation = what, reason, "redis operation failed");
            return;
        }
        self.scripts_loaded.store(false, Ordering::Relaxed);
        if self.healthy.swap(false, Ordering::Relaxed) {
            tracing::warn!(
                operation = what,
                reason,
                "redis unavailable: going on without it"
            );
        } else {
            tracing::debug!(operation = what, reason, "redis operation failed");
        }
    }

    /// One probe: `PING`, and every few probes the heartbeat. Returns whether Redis answered; a failure is
    /// counted as an operation's would be, so one slow `PING` (a loaded host, a cluster's first slot map)
    /// does not switch the instance to local mode, but a refused connection does.
    async fn probe(&self, round: u32) -> bool {
        let Ok(mut conn) = self.current() else {
            self.failed("probe", "connection unavailable", true);
            return false;
        };
        let ping = redis::cmd("PING");
        match tokio::time::timeout(self.timeout, ping.query_async::<String>(&mut conn)).await {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                self.failed_with("probe", &error);
                return false;
            }
            Err(_) => {
                self.failed("probe", "timed out", false);
                return false;
            }
        }
        if !self.scripts_loaded.load(Ordering::Relaxed) {
            let scripts: Vec<&'static Script> = self
                .scripts
                .lock()
                .map(|scripts| scripts.clone())
                .unwrap_or_default();
            let mut loaded = true;
            for script in scripts {
                let load = script.load_async(&mut conn);
                loaded &= matches!(tokio::time::timeout(self.timeout, load).await, Ok(Ok(_)));
            }
            self.scripts_loaded.store(loaded, Ordering::Relaxed);
        }
        if round.is_multiple_of(HEARTBEAT_EVERY_PROBES) {
            if let Some(size) = self.heartbeat(&mut conn).await {
                self.fleet_size.store(size.max(1), Ordering::Relaxed);
            }
        }
        true
    }

    /// Records this instance in `{prefix}instances` and counts the live ones.
    async fn heartbeat(&self, conn: &mut Conn) -> Option<u32> {
        let key = format!("{}instances", self.prefix);
        let now = now_millis();
        let expired = now.saturating_sub(u64::try_from(HEARTBEAT_EXPIRY.as_millis()).ok()?);
        // Not atomic (MULTI is awkward on a cluster); a heartbeat lost between two commands is harmless.
        let mut pipe = redis::pipe();
        pipe.zadd(&key, &self.instance, now)
            .ignore()
            .zrembyscore(&key, "-inf", expired)
            .ignore()
            .pexpire(&key, 60_000)
            .ignore()
            .zcard(&key);
        let counted: RedisResult<(u32,)> =
            match tokio::time::timeout(self.timeout, pipe.query_async(conn)).await {
                Ok(result) => result,
                Err(_) => return None,
            };
        counted.ok().map(|(count,)| count)
    }

    fn rebuild(&self) {
        match Conn::open(&self.endpoints, self.timeout) {
            Ok(conn) => {
                if let Ok(mut slot) = self.conn.write() {
                    *slot = conn;
                    tracing::info!("redis connection rebuilt");
                }
            }
            Err(error) => tracing::warn!(reason = %error, "redis connection could not be rebuilt"),
        }
    }
}

/// The background probe; ends when the last handle is dropped.
async fn probe(inner: Weak<Inner>) {
    let mut interval = tokio::time::interval(PROBE_INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failures = 0u32;
    let mut round = 0u32;
    loop {
        interval.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        let answered = inner.probe(round).await;
        round = round.wrapping_add(1);
        if answered {
            failures = 0;
            inner.consecutive.store(0, Ordering::Relaxed);
            if !inner.healthy.swap(true, Ordering::Relaxed) {
                tracing::info!(mode = inner.endpoints.mode(), "redis is back");
            }
        } else {
            failures = failures.saturating_add(1);
            if failures.is_multiple_of(REBUILD_AFTER_FAILURES) {
                inner.rebuild();
            }
        }
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
pub(crate) mod tests;
