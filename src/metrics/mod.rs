//! [`Metrics`]: every Prometheus series the gateway exports, registered into a registry passed in at build
//! time (no global statics), and rendered on `GET /metrics`.
//!
//! Labels are only `payer` (an id from the payer registry, so bounded by the configuration) and `outcome` (a
//! fixed set per series, listed on each field). Nothing derived from a request (member data, control numbers,
//! trace ids, client input) is ever a label value: a wrong payer id in a request is counted as
//! [`UNKNOWN_PAYER`], never as what was sent.
//!
//! Who records what:
//! - the router: checks by outcome, end-to-end latency, in-flight checks, cache hits, misses and stale serves;
//! - [`crate::layers::Metered`] (outermost payer wrapper): payer calls by outcome and latency (waits and
//!   retries included); [`crate::layers::Timed`] (innermost): each attempt and its latency;
//! - the cache, single-flight, rate limits, circuit breakers, retries, hedging, batch and Redis code: the
//!   handles named for them here (`metrics.cache_errors.inc()`, `metrics.retries.with_label_values(&[payer])`);
//! - the API: requests refused for a missing or wrong key, or over a client's quota; the audit writer.
//!
//! Where a log line and a metric go together, a typed event in [`events`] does both (`emit()`).
use std::sync::Arc;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

mod caught_up;
pub mod events;
mod outcome;

pub use outcome::{CheckOutcome, PayerOutcome};

/// The `payer` label of a check whose payer id or alias resolved to no payer.
pub const UNKNOWN_PAYER: &str = "unknown";

/// Latency buckets, in seconds: from a cache hit (about a millisecond) to the CAQH CORE real-time limit (20 s).
pub const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0,
];

/// Every series the gateway exports. Cheap to share: hold it in an `Arc`; each field is itself a handle.
#[derive(Clone)]
pub struct Metrics {
    /// `eligibility_checks_total{payer,outcome}`: checks answered or failed; `outcome` is a [`CheckOutcome`].
    pub checks: IntCounterVec,
    /// `eligibility_check_duration_seconds{payer}`: end-to-end time of a check in the router (cache lookup,
    /// payer calls, merge), whatever its outcome.
    pub check_duration: HistogramVec,
    /// `eligibility_checks_in_flight`: checks being answered now.
    pub checks_in_flight: IntGauge,
    /// `eligibility_payer_calls_total{payer,outcome}`: calls through a payer's wrappers (limits, breaker,
    /// retries included); `outcome` is a [`PayerOutcome`].
    pub payer_calls: IntCounterVec,
    /// `eligibility_payer_call_duration_seconds{payer}`: time of those calls, waits and retries included.
    pub payer_call_duration: HistogramVec,
    /// `eligibility_payer_calls_in_flight{payer}`: calls to a payer in progress.
    pub payer_calls_in_flight: IntGaugeVec,
    /// `eligibility_payer_attempts_total{payer,outcome}`: single attempts on the wire; `outcome` is a
    /// [`PayerOutcome`].
    pub payer_attempts: IntCounterVec,
    /// `eligibility_payer_attempt_duration_seconds{payer}`: the payer's own latency, per attempt.
    pub payer_attempt_duration: HistogramVec,
    /// `eligibility_cache_hits_total{payer}`: checks answered from cache, fresh.
    pub cache_hits: IntCounterVec,
    /// `eligibility_cache_misses_total{payer}`: lookups that found nothing usable.
    pub cache_misses: IntCounterVec,
    /// `eligibility_cache_stale_served_total{payer}`: answers served past their lifetime because the payer
    /// could not be asked.
    pub cache_stale: IntCounterVec,
    /// `eligibility_cache_errors_total`: cache operations that failed (Redis unreachable, a value that does
    /// not decrypt); the check went on without the cache.
    pub cache_errors: IntCounter,
    /// `eligibility_single_flight_joins_total{payer}`: checks that shared an identical check's payer call
    /// instead of making their own.
    pub single_flight_joins: IntCounterVec,
    /// `eligibility_rate_limit_waits_total{payer}`: payer calls that had to wait for a rate-limit token.
    pub rate_limit_waits: IntCounterVec,
    /// `eligibility_rate_limit_wait_seconds{payer}`: how long they waited.
    pub rate_limit_wait_duration: HistogramVec,
    /// `eligibility_rate_limit_rejections_total{payer}`: payer calls refused because no token could be had
    /// before the deadline (answered 503).
    pub rate_limit_rejections: IntCounterVec,
    /// `eligibility_circuit_state{payer}`: the payer's circuit breaker: 0 closed, 1 half-open, 2 open.
    pub circuit_state: IntGaugeVec,
    /// `eligibility_circuit_rejections_total{payer}`: calls refused while the circuit was open.
    pub circuit_rejections: IntCounterVec,
    /// `eligibility_retries_total{payer}`: attempts after the first.
    pub retries: IntCounterVec,
    /// `eligibility_hedges_total{payer}`: hedged (second, concurrent) attempts started.
    pub hedges: IntCounterVec,
    /// `eligibility_hedge_wins_total{payer}`: hedged attempts whose answer was used.
    pub hedge_wins: IntCounterVec,
    /// `eligibility_batches_in_flight`: batch requests being worked on.
    pub batches_in_flight: IntGauge,
    /// `eligibility_batch_checks_queued`: checks of running batches not yet started.
    pub batch_checks_queued: IntGauge,
    /// `eligibility_batch_checks_total{outcome}`: checks of batches finished; `outcome` is a
    /// [`CheckOutcome`].
    pub batch_checks: IntCounterVec,
    /// `eligibility_redis_up`: 1 while Redis answers, 0 while it does not or none is configured.
    pub redis_up: IntGauge,
    /// `eligibility_redis_errors_total`: Redis operations that failed or timed out.
    pub redis_errors: IntCounter,
    /// `eligibility_api_rejections_total{outcome}`: requests refused before any work: `unauthorized` (no or
    /// wrong API key, 401) or `quota` (over the client's quota, 429).
    pub api_rejections: IntCounterVec,
    /// `eligibility_audit_records_total{outcome}`: audit records `written`, or `failed` (the sink refused
    /// them; each failure is logged).
    pub audit_records: IntCounterVec,
    /// `eligibility_audit_queue_full_total`: records that had to wait because the audit writer was behind
    /// (backpressure: the check waited, nothing was dropped).
    pub audit_queue_full: IntCounter,
    /// Held while [`Metrics::catch_up`] runs ([`caught_up`]); shared by clones, like the series.
    catch_up_turn: Arc<std::sync::Mutex<()>>,
}

// === impl Metrics ===

impl Metrics {
    /// Creates every series and registers it in `registry`. Fails only when a series is already registered
    /// there (a registry is meant for one gateway).
    pub fn register(registry: &Registry) -> prometheus::Result<Arc<Metrics>> {
        let metrics = Metrics {
            checks: counter_vec(
                "eligibility_checks_total",
                "Eligibility checks by payer and outcome.",
                &["payer", "outcome"],
            )?,
            check_duration: histogram_vec(
                "eligibility_check_duration_seconds",
                "End-to-end time of a check in the router (cache, payer calls, merge).",
            )?,
            checks_in_flight: IntGauge::new(
                "eligibility_checks_in_flight",
                "Checks being answered now.",
            )?,
            payer_calls: counter_vec(
                "eligibility_payer_calls_total",
                "Payer calls (limits, breaker and retries included) by payer and outcome.",
                &["payer", "outcome"],
            )?,
            payer_call_duration: histogram_vec(
                "eligibility_payer_call_duration_seconds",
                "Time of a payer call, waits and retries included.",
            )?,
            payer_calls_in_flight: IntGaugeVec::new(
                Opts::new(
                    "eligibility_payer_calls_in_flight",
                    "Payer calls in progress.",
                ),
                &["payer"],
            )?,
            payer_attempts: counter_vec(
                "eligibility_payer_attempts_total",
                "Single attempts on the wire by payer and outcome.",
                &["payer", "outcome"],
            )?,
            payer_attempt_duration: histogram_vec(
                "eligibility_payer_attempt_duration_seconds",
                "The payer's own latency, per attempt.",
            )?,
            cache_hits: payer_counter(
                "eligibility_cache_hits_total",
                "Checks answered from cache.",
            )?,
            cache_misses: payer_counter(
                "eligibility_cache_misses_total",
                "Cache lookups that found nothing usable.",
            )?,
            cache_stale: payer_counter(
                "eligibility_cache_stale_served_total",
                "Answers served past their lifetime because the payer could not be asked.",
            )?,
            cache_errors: IntCounter::new(
                "eligibility_cache_errors_total",
                "Cache operations that failed; the check went on without the cache.",
            )?,
            single_flight_joins: payer_counter(
                "eligibility_single_flight_joins_total",
                "Checks that shared an identical check's payer call.",
            )?,
            rate_limit_waits: payer_counter(
                "eligibility_rate_limit_waits_total",
                "Payer calls that waited for a rate-limit token.",
            )?,
            rate_limit_wait_duration: histogram_vec(
                "eligibility_rate_limit_wait_seconds",
                "How long payer calls waited for a rate-limit token.",
            )?,
            rate_limit_rejections: payer_counter(
                "eligibility_rate_limit_rejections_total",
                "Payer calls refused: no rate-limit token before the deadline.",
            )?,
            circuit_state: IntGaugeVec::new(
                Opts::new(
                    "eligibility_circuit_state",
                    "Circuit breaker state per payer: 0 closed, 1 half-open, 2 open.",
                ),
                &["payer"],
            )?,
            circuit_rejections: payer_counter(
                "eligibility_circuit_rejections_total",
                "Payer calls refused while the circuit was open.",
            )?,
            retries: payer_counter(
                "eligibility_retries_total",
                "Payer attempts after the first.",
            )?,
            hedges: payer_counter("eligibility_hedges_total", "Hedged payer attempts started.")?,
            hedge_wins: payer_counter(
                "eligibility_hedge_wins_total",
                "Hedged payer attempts whose answer was used.",
            )?,
            batches_in_flight: IntGauge::new(
                "eligibility_batches_in_flight",
                "Batch requests being worked on.",
            )?,
            batch_checks_queued: IntGauge::new(
                "eligibility_batch_checks_queued",
                "Checks of running batches not yet started.",
            )?,
            batch_checks: counter_vec(
                "eligibility_batch_checks_total",
                "Checks of batches finished, by outcome.",
                &["outcome"],
            )?,
            redis_up: IntGauge::new("eligibility_redis_up", "1 while Redis answers, else 0.")?,
            redis_errors: IntCounter::new(
                "eligibility_redis_errors_total",
                "Redis operations that failed or timed out.",
            )?,
            api_rejections: counter_vec(
                "eligibility_api_rejections_total",
                "Requests refused before any work: unauthorized (401) or quota (429).",
                &["outcome"],
            )?,
            audit_records: counter_vec(
                "eligibility_audit_records_total",
                "Audit records written, or failed.",
                &["outcome"],
            )?,
            audit_queue_full: IntCounter::new(
                "eligibility_audit_queue_full_total",
                "Audit records that waited because the audit writer was behind.",
            )?,
            catch_up_turn: Arc::new(std::sync::Mutex::new(())),
        };
        // Series with fixed label values start at zero, so they are exported before their first event.
        for outcome in ["unauthorized", "quota"] {
            metrics.api_rejections.with_label_values(&[outcome]);
        }
        for outcome in ["written", "failed"] {
            metrics.audit_records.with_label_values(&[outcome]);
        }
        for outcome in CheckOutcome::ALL {
            metrics.batch_checks.with_label_values(&[outcome.as_str()]);
        }
        metrics.register_all(registry)?;
        Ok(Arc::new(metrics))
    }

    /// A set of series in a registry of its own, which nothing exports: for tools (the CLI's in-process
    /// check) that build a router without serving `/metrics`.
    pub fn unexported() -> prometheus::Result<Arc<Metrics>> {
        Metrics::register(&Registry::new())
    }

    /// Sets every per-payer series of `payer` to zero, so that dashboards show each configured payer from
    /// the start (and a `rate()` over its first event is right).
    pub fn init_payer(&self, payer: &str) {
        for outcome in CheckOutcome::ALL {
            self.checks.with_label_values(&[payer, outcome.as_str()]);
        }
        for outcome in PayerOutcome::ALL {
            self.payer_calls
                .with_label_values(&[payer, outcome.as_str()]);
            self.payer_attempts
                .with_label_values(&[payer, outcome.as_str()]);
        }
        for counter in [
            &self.cache_hits,
            &self.cache_misses,
            &self.cache_stale,
            &self.single_flight_joins,
            &self.rate_limit_waits,
            &self.rate_limit_rejections,
            &self.circuit_rejections,
            &self.retries,
            &self.hedges,
            &self.hedge_wins,
        ] {
            counter.with_label_values(&[payer]);
        }
        for histogram in [
            &self.check_duration,
            &self.payer_call_duration,
            &self.payer_attempt_duration,
            &self.rate_limit_wait_duration,
        ] {
            histogram.with_label_values(&[payer]);
        }
        self.circuit_state.with_label_values(&[payer]);
        self.payer_calls_in_flight.with_label_values(&[payer]);
    }

    fn register_all(&self, registry: &Registry) -> prometheus::Result<()> {
        let collectors: Vec<Box<dyn prometheus::core::Collector>> = vec![
            Box::new(self.checks.clone()),
            Box::new(self.check_duration.clone()),
            Box::new(self.checks_in_flight.clone()),
            Box::new(self.payer_calls.clone()),
            Box::new(self.payer_call_duration.clone()),
            Box::new(self.payer_calls_in_flight.clone()),
            Box::new(self.payer_attempts.clone()),
            Box::new(self.payer_attempt_duration.clone()),
            Box::new(self.cache_hits.clone()),
            Box::new(self.cache_misses.clone()),
            Box::new(self.cache_stale.clone()),
            Box::new(self.cache_errors.clone()),
            Box::new(self.single_flight_joins.clone()),
            Box::new(self.rate_limit_waits.clone()),
            Box::new(self.rate_limit_wait_duration.clone()),
            Box::new(self.rate_limit_rejections.clone()),
            Box::new(self.circuit_state.clone()),
            Box::new(self.circuit_rejections.clone()),
            Box::new(self.retries.clone()),
            Box::new(self.hedges.clone()),
            Box::new(self.hedge_wins.clone()),
            Box::new(self.batches_in_flight.clone()),
            Box::new(self.batch_checks_queued.clone()),
            Box::new(self.batch_checks.clone()),
            Box::new(self.redis_up.clone()),
            Box::new(self.redis_errors.clone()),
            Box::new(self.api_rejections.clone()),
            Box::new(self.audit_records.clone()),
            Box::new(self.audit_queue_full.clone()),
        ];
        for collector in collectors {
            registry.register(collector)?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

/// The registry's series in the Prometheus text format (version 0.0.4), and its content type.
pub fn render(registry: &Registry) -> Result<(String, String), prometheus::Error> {
    let encoder = TextEncoder::new();
    let mut buffer = Vec::new();
    encoder.encode(&registry.gather(), &mut buffer)?;
    let text = String::from_utf8(buffer)
        .map_err(|_| prometheus::Error::Msg("the metrics text is not UTF-8".to_owned()))?;
    Ok((text, encoder.format_type().to_owned()))
}

/// Seconds of a duration, for histograms.
pub fn seconds(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64()
}

fn counter_vec(name: &str, help: &str, labels: &[&str]) -> prometheus::Result<IntCounterVec> {
    IntCounterVec::new(Opts::new(name, help), labels)
}

fn payer_counter(name: &str, help: &str) -> prometheus::Result<IntCounterVec> {
    counter_vec(name, help, &["payer"])
}

fn histogram_vec(name: &str, help: &str) -> prometheus::Result<HistogramVec> {
    HistogramVec::new(
        HistogramOpts::new(name, help).buckets(LATENCY_BUCKETS.to_vec()),
        &["payer"],
    )
}

#[cfg(test)]
mod tests;
