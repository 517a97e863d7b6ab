//! [`Leases`]: one payer call per key across a fleet, through a lease in Redis.
//!
//! The lease is the key `{prefix}l:{hmac}`:
//! - `SET key held:<token> NX PX lease_ms` takes it. The holder renews it (`PEXPIRE`, only while it still
//!   holds its own token) every third of its lifetime while its payer calls run, so a long call keeps it and
//!   a dead holder loses it within `lease_ms`.
//! - When the holder's answer is in the cache (stored by its flight), it deletes its lease: a waiter takes
//!   it, and its flight's first step, a cache lookup, finds the answer. The answer crosses the network once
//!   (about 4 KB packed), not twice.
//! - When the holder has an answer the cache did not store (not cacheable), it replaces its token with
//!   `done:` + the answer sealed like a cache value (AES-256-GCM), for [`DONE_TTL`]: waiters get the answer
//!   itself.
//! - When the holder fails it deletes its lease, and a waiter takes over (the failure is not shared across
//!   instances: the next try may succeed). So it does when its flight is dropped unfinished (the first
//!   check's deadline passed, or no check awaits it any more).
//!
//! A waiter polls the lease (every 5 ms at first, backing off to [`MAX_POLL`]): a `done:` value is its
//! answer; no value means the holder is gone, failed or stored its answer, so it tries to take the lease
//! itself. It never waits past its flight's deadline (the caller bounds the whole flight), and never
//! deadlocks: every lease expires.
//! If Redis cannot be asked at any step, the instance calls the payer itself.
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use redis::Script;

use super::{Fetched, Work};
use crate::cache::{CacheKey, CachedEntry, Sealer};
use crate::fleet::Redis;
use crate::router::CheckError;

/// How long a finished flight's answer stays readable under its lease key.
pub const DONE_TTL: Duration = Duration::from_millis(1_500);
/// Longest pause between two polls of a waiter.
pub const MAX_POLL: Duration = Duration::from_millis(40);
/// First pause of a waiter.
const FIRST_POLL: Duration = Duration::from_millis(5);

const HELD: &[u8] = b"held:";
const DONE: &[u8] = b"done:";

/// Extends the lease while it still holds the caller's token.
static RENEW: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then \
           return redis.call('PEXPIRE', KEYS[1], ARGV[2]) \
         end \
         return 0",
    )
});

/// Replaces the caller's token with its answer (or deletes it when ARGV[2] is empty).
static FINISH: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then \
           if ARGV[2] == '' then return redis.call('DEL', KEYS[1]) end \
           redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) \
           return 1 \
         end \
         return 0",
    )
});

/// Single-flight leases in Redis.
pub struct Leases {
    redis: Redis,
    sealer: Sealer,
    lease: Duration,
}

/// What a look at the lease found.
enum Seen {
    /// Another instance holds it.
    Held,
    /// Nobody holds it (expired, released, never taken).
    Free,
    /// The holder's answer.
    Done(Box<Fetched>),
    /// Redis did not answer.
    Unavailable,
}

// === impl Leases ===

impl Leases {
    /// Leases of `lease` lifetime in `redis`; answers are sealed with `sealer`.
    pub fn new(redis: Redis, sealer: Sealer, lease: Duration) -> Leases {
        redis.preload(&RENEW);
        redis.preload(&FINISH);
        Leases {
            redis,
            sealer,
            lease,
        }
    }

    /// Runs `work` if this instance gets the lease (or Redis cannot be asked); otherwise waits for the
    /// holder's answer, taking over if the holder goes away.
    pub(super) async fn coordinate(
        &self,
        key: &CacheKey,
        work: Work,
    ) -> Result<Fetched, CheckError> {
        let lease_key = self.redis.key(&format!("l:{key}"));
        let mut token = HELD.to_vec();
        token.extend_from_slice(uuid::Uuid::new_v4().simple().to_string().as_bytes());
        let mut pause = FIRST_POLL;
        loop {
            match self.try_take(&lease_key, &token).await {
                Some(true) => return self.hold(&lease_key, &token, work).await,
                // Redis cannot be asked: this instance calls the payer on its own.
                None => return work.await,
                Some(false) => {}
            }
            // Someone holds it: wait for the answer, or for the lease to be free.
            loop {
                match self.look(&lease_key).await {
                    Seen::Done(fetched) => return Ok(*fetched),
                    Seen::Held => {
                        tokio::time::sleep(pause).await;
                        pause = (pause * 2).min(MAX_POLL);
                    }
                    Seen::Free => break,
                    Seen::Unavailable => return work.await,
                }
            }
        }
    }

    /// `Some(true)` when taken, `Some(false)` when held by someone else, `None` when Redis cannot say.
    async fn try_take(&self, lease_key: &str, token: &[u8]) -> Option<bool> {
        let answer: Option<String> = self
            .redis
            .query(
                "lease take",
                redis::cmd("SET")
                    .arg(lease_key)
                    .arg(token)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(self.lease)),
            )
            .await
            .ok()?;
        Some(answer.is_some())
    }

    async fn look(&self, lease_key: &str) -> Seen {
        let value: Option<Vec<u8>> = match self
            .redis
            .query("lease look", redis::cmd("GET").arg(lease_key))
            .await
        {
            Ok(value) => value,
            Err(_) => return Seen::Unavailable,
        };
        let Some(sealed) = value else {
            return Seen::Free;
        };
        if !sealed.starts_with(DONE) {
            return Seen::Held;
        }
        match self
            .sealer
            .open_at(sealed, DONE.len(), lease_key.as_bytes())
        {
            Ok(entry) => Seen::Done(Box::new(Fetched {
                answer: entry.answer,
                exchanges: Vec::new(),
                payer_latency_ms: None,
                attempts: 0,
                cached_age: None,
                in_cache: false,
            })),
            // Unreadable (another fleet's key?): wait for it to expire, then take over.
            Err(_) => Seen::Held,
        }
    }

    /// Runs `work` holding the lease, renewing it meanwhile; then publishes the answer or frees the lease.
    async fn hold(&self, lease_key: &str, token: &[u8], work: Work) -> Result<Fetched, CheckError> {
        let mut release = Release {
            redis: self.redis.clone(),
            lease_key: lease_key.to_owned(),
            token: token.to_vec(),
            armed: true,
        };
        let renew = async {
            let every = (self.lease / 3).max(Duration::from_millis(10));
            loop {
                tokio::time::sleep(every).await;
                let _ = self
                    .redis
                    .script::<i64>(
                        "lease renew",
                        &RENEW,
                        &[lease_key],
                        &[token, millis(self.lease).to_string().as_bytes()],
                    )
                    .await;
            }
        };
        let result = tokio::select! {
            result = work => result,
            never = renew => never,
        };
        let published = match &result {
            // Waiters find a stored answer in the cache: they take the freed lease, and their flight's
            // first step, a cache lookup, answers them without a payer call.
            Ok(fetched) if fetched.in_cache => Vec::new(),
            Ok(fetched) => {
                let entry = CachedEntry::new(Arc::clone(&fetched.answer));
                let sealed = self.sealer.seal(&entry, lease_key.as_bytes());
                let mut value = DONE.to_vec();
                match sealed {
                    Some(sealed) => {
                        value.extend_from_slice(&sealed);
                        value
                    }
                    None => Vec::new(),
                }
            }
            Err(_) => Vec::new(),
        };
        finish(&self.redis, "lease finish", lease_key, token, &published).await;
        release.armed = false;
        result
    }
}

/// Ends the lease `lease_key` if it still holds `token`: replaced by `published` for [`DONE_TTL`], or freed
/// when `published` is empty.
async fn finish(
    redis: &Redis,
    what: &'static str,
    lease_key: &str,
    token: &[u8],
    published: &[u8],
) {
    let _ = redis
        .script::<i64>(
            what,
            &FINISH,
            &[lease_key],
            &[token, published, millis(DONE_TTL).to_string().as_bytes()],
        )
        .await;
}

/// Frees a lease whose holder's flight is dropped before it finished (its deadline passed, or no check
/// awaits it any more): the other instances then take over at once instead of waiting out `lease_ms`.
struct Release {
    redis: Redis,
    lease_key: String,
    token: Vec<u8>,
    armed: bool,
}

impl Drop for Release {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let redis = self.redis.clone();
        let lease_key = std::mem::take(&mut self.lease_key);
        let token = std::mem::take(&mut self.token);
        // Outside a runtime (the process is ending) the lease is left to expire.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                finish(&redis, "lease release", &lease_key, &token, b"").await;
            });
        }
    }
}

impl std::fmt::Debug for Leases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Leases")
            .field("lease", &self.lease)
            .finish()
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}
