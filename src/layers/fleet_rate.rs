//! [`FleetRate`]: one payer's rate limit for the whole fleet, kept in Redis by a GCRA Lua script.
//!
//! GCRA (the generic cell rate algorithm) keeps one number per payer: the theoretical arrival time `tat` of
//! the next call. With emission interval `T = 1 / rate` and burst tolerance `tau = T * (burst - 1)`, a call
//! at `now` may go at `max(tat, now) - tau`; taking it moves `tat` on by `T`. The script does this
//! atomically with Redis's own clock (`TIME`), so every instance shares one schedule whatever its clock
//! says, and each call *reserves* its slot: a call that may go in 30 ms is told to sleep 30 ms and then go,
//! and no other call can take that slot. A call whose slot would come after its deadline reserves nothing
//! and is refused. Any window of `d` seconds admits at most `burst + rate * d` calls, fleet-wide.
use std::sync::LazyLock;
use std::time::Duration;

use redis::Script;
use tokio::time::Instant;

use super::rate_limit::Reservation;
use crate::config::RateLimit;
use crate::fleet::{Redis, Unavailable};

/// `KEYS[1]`: the payer's schedule. `ARGV`: emission interval, burst tolerance and longest acceptable wait,
/// in microseconds. Returns `{1, wait}` (reserved: go after `wait` µs) or `{0, wait}` (refused: the
/// earliest slot is `wait` µs away).
static GCRA: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
if wait > max_wait then return {0, math.floor(wait)} end
local next_tat = tat + interval
local keep_ms = math.ceil((next_tat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', keep_ms)
return {1, math.floor(wait)}
",
    )
});

/// The longest wait asked for when a call has no deadline.
const NO_DEADLINE_WAIT: Duration = Duration::from_secs(3600);

/// One payer's fleet-wide schedule.
pub(super) struct FleetRate {
    redis: Redis,
    key: String,
    interval_us: u64,
    tolerance_us: u64,
}

impl FleetRate {
    pub(super) fn new(redis: Redis, payer_id: &str, limit: &RateLimit) -> FleetRate {
        let interval_us = (1_000_000.0 / limit.requests_per_second).ceil().max(1.0) as u64;
        let tolerance_us = interval_us.saturating_mul(u64::from(limit.burst.get()) - 1);
        redis.preload(&GCRA);
        FleetRate {
            key: redis.key(&format!("rl:{payer_id}")),
            redis,
            interval_us,
            tolerance_us,
        }
    }

    /// Reserves the next slot if it comes before `deadline`.
    pub(super) async fn reserve(
        &self,
        deadline: Option<Instant>,
    ) -> Result<Reservation, Unavailable> {
        let started = Instant::now();
        let max_wait = deadline
            .map(|deadline| deadline.saturating_duration_since(started))
            .unwrap_or(NO_DEADLINE_WAIT);
        let max_wait_us = u64::try_from(max_wait.as_micros()).unwrap_or(u64::MAX);
        let (reserved, wait_us): (i64, i64) = self
            .redis
            .script(
                "rate limit",
                &GCRA,
                &[&self.key],
                &[
                    self.interval_us.to_string().as_bytes(),
                    self.tolerance_us.to_string().as_bytes(),
                    max_wait_us.to_string().as_bytes(),
                ],
            )
            .await?;
        let wait = Duration::from_micros(u64::try_from(wait_us).unwrap_or(0));
        if reserved == 1 {
            // The script's clock read was part of the round trip; what is left of the wait starts now.
            Ok(Reservation::After(
                wait.saturating_sub(started.elapsed() / 2),
            ))
        } else {
            Ok(Reservation::Refused(wait))
        }
    }
}
