//! Steps 4 to 7 of [`Router::check`]: the cache, single-flight, the payer calls, the store; and serving a
//! stale answer when the payer cannot be asked.
use std::num::NonZeroUsize;
use std::sync::Arc;

use payer_core::{AdapterError, EligibilityRequest, FaultSide, PayerAdapter};
use tokio::time::Instant;

use super::{merge, AnswerBody, CacheMeta, CheckAnswer, CheckError, ExchangeMeta, Meta, Router};
use crate::cache::{ttl_for, CacheKey, CachedEntry, EligibilityCache, StoredAnswer};
use crate::config::{CacheTtls, PayerConfig};
use crate::flight::{Fetched, Role, Work};
use crate::layers::{attempts, deadline, lane};

/// What one check asks of [`Router::answer`].
pub(super) struct Ask<'a> {
    pub(super) inquiry: EligibilityRequest,
    pub(super) adapter: &'a Arc<dyn PayerAdapter>,
    pub(super) payer: &'a PayerConfig,
    pub(super) include_x12: bool,
    pub(super) trace_id: String,
    pub(super) deadline: Instant,
}

impl Router {
    /// A fresh cache entry answers at once. Otherwise the check joins (or starts) the flight of its key,
    /// whose work calls the payer and stores the answer. If the payer fails (its side: unreachable, timed
    /// out, saturated, unusable answer) and a stale entry is at hand, the stale entry answers, marked so.
    pub(super) async fn answer(&self, ask: Ask<'_>) -> Result<CheckAnswer, CheckError> {
        let Ask {
            inquiry,
            adapter,
            payer,
            include_x12,
            trace_id,
            deadline,
        } = ask;
        let key = self.keyer.derive(&inquiry);
        let cached = self.cache.get(&key).await;
        if let Some(entry) = cached.as_ref().filter(|entry| entry.is_fresh()) {
            return Ok(from_cache(
                entry,
                &inquiry.control_number,
                include_x12,
                trace_id,
                false,
            ));
        }

        let control_number = inquiry.control_number.clone();
        let plan = Plan {
            adapter: Arc::clone(adapter),
            cache: Arc::clone(&self.cache),
            max_per_inquiry: payer.max_service_types_per_inquiry,
            ttls: payer.cache_ttl,
            inquiry: Arc::new(inquiry),
            key: key.clone(),
            deadline,
        };
        match self.flights.run(&key, deadline, || plan.work()).await {
            Ok((fetched, role)) => Ok(fetched_answer(
                fetched,
                role,
                control_number,
                include_x12,
                trace_id,
            )),
            Err(CheckError::Payer(error)) if error.side() == FaultSide::Payer => match cached {
                Some(stale) => {
                    tracing::info!(
                        payer = %payer.id,
                        reason = %error,
                        age_s = stale.age().as_secs(),
                        "payer failed: serving a stale cached answer"
                    );
                    Ok(from_cache(
                        &stale,
                        &control_number,
                        include_x12,
                        trace_id,
                        true,
                    ))
                }
                None => Err(CheckError::Payer(error)),
            },
            Err(error) => Err(error),
        }
    }
}

/// Everything a flight's work needs, owned, so that the work outlives the check that started it.
struct Plan {
    adapter: Arc<dyn PayerAdapter>,
    cache: Arc<dyn EligibilityCache>,
    max_per_inquiry: NonZeroUsize,
    ttls: CacheTtls,
    inquiry: Arc<EligibilityRequest>,
    key: CacheKey,
    deadline: Instant,
}

impl Plan {
    /// Look again, then split, call the payer (chunks concurrently), merge, store.
    ///
    /// The second lookup closes a race: a flight that starts (or takes a lease) just after another
    /// flight stored its answer, and whose check missed the cache just before, finds the answer instead of
    /// calling the payer again. It costs one lookup per payer call.
    fn work(&self) -> Work {
        let adapter = Arc::clone(&self.adapter);
        let cache = Arc::clone(&self.cache);
        let inquiry = Arc::clone(&self.inquiry);
        let key = self.key.clone();
        let (max_per_inquiry, ttls, deadline) = (self.max_per_inquiry, self.ttls, self.deadline);
        // The flight runs in a task of its own: the check's priority (batch or real time) goes with it.
        let priority = lane::current();
        let work = async move {
            if let Some(entry) = cache.get(&key).await.filter(CachedEntry::is_fresh) {
                return Ok(Fetched {
                    cached_age: Some(entry.age()),
                    answer: entry.answer,
                    exchanges: Vec::new(),
                    payer_latency_ms: None,
                    attempts: 0,
                    in_cache: true,
                });
            }
            let chunks = merge::split(&inquiry, max_per_inquiry);
            let started = Instant::now();
            let (replies, attempts) = attempts::counted(futures::future::try_join_all(
                chunks.iter().map(|chunk| adapter.check(chunk)),
            ))
            .await;
            let replies = replies.map_err(CheckError::Payer)?;
            let payer_latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let exchanges: Vec<ExchangeMeta> = replies
                .iter()
                .map(|reply| ExchangeMeta::from(&reply.exchange))
                .collect();
            let response = merge::merge(replies);
            let ttl = ttl_for(&response, &ttls);
            // Serialized once, here: the cache, the instances waiting on the lease and every client of the
            // flight get these bytes, and the decoded answer is dropped.
            let answer = StoredAnswer::new(response).ok_or_else(|| {
                CheckError::Payer(AdapterError::Internal(
                    "the answer could not be serialized".into(),
                ))
            })?;
            let answer = Arc::new(answer);
            let in_cache = match ttl {
                Some(ttl) => {
                    cache
                        .put(key, CachedEntry::new(Arc::clone(&answer)), ttl)
                        .await
                }
                None => false,
            };
            Ok(Fetched {
                answer,
                exchanges,
                payer_latency_ms: Some(payer_latency_ms),
                attempts,
                cached_age: None,
                in_cache,
            })
        };
        Box::pin(deadline::scope(deadline, lane::scope(priority, work)))
    }
}

/// The answer of a flight. Only the check that started it reports the payer calls (`attempts`, `x12`), so
/// that each call is reported once however many checks shared it.
fn fetched_answer(
    fetched: Fetched,
    role: Role,
    control_number: String,
    include_x12: bool,
    trace_id: String,
) -> CheckAnswer {
    let Fetched {
        answer,
        exchanges,
        payer_latency_ms,
        attempts,
        cached_age,
        in_cache: _,
    } = fetched;
    let (exchanges, attempts) = match role {
        // At least one attempt per answer, also for adapters composed without `Counted` (tests, benches).
        Role::Leader => {
            let answered = u32::try_from(exchanges.len()).unwrap_or(u32::MAX);
            (exchanges, attempts.max(answered))
        }
        Role::Follower => (Vec::new(), 0),
    };
    CheckAnswer {
        response: AnswerBody {
            answer,
            control_number,
            include_x12,
        },
        meta: Meta {
            trace_id,
            cache: CacheMeta {
                hit: cached_age.is_some(),
                age_seconds: cached_age.map(|age| age.as_secs()),
                stale: false,
            },
            payer_latency_ms,
            attempts,
            x12: exchanges,
        },
    }
}

/// The answer of a cache entry, fresh or (when the payer failed) stale.
fn from_cache(
    entry: &CachedEntry,
    control_number: &str,
    include_x12: bool,
    trace_id: String,
    stale: bool,
) -> CheckAnswer {
    CheckAnswer {
        response: AnswerBody {
            answer: Arc::clone(&entry.answer),
            control_number: control_number.to_owned(),
            include_x12,
        },
        meta: Meta {
            trace_id,
            cache: CacheMeta {
                hit: true,
                age_seconds: Some(entry.age().as_secs()),
                stale,
            },
            payer_latency_ms: None,
            attempts: 0,
            x12: Vec::new(),
        },
    }
}
