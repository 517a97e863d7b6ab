//! What every check leaves behind, whatever its outcome: its metrics (`eligibility_checks_total`, latency,
//! in-flight, cache hits and misses) and its audit record. [`super::Router::check_as`] calls it around the
//! routing itself, so no path that runs a check (API, batch, discovery, CLI) can skip it.
use std::sync::Arc;

use payer_core::EligibilityRequest;
use prometheus::IntGauge;
use tokio::time::Instant;

use super::{CheckAnswer, CheckError, CheckRequest, Router};
use crate::audit::{now_rfc3339, AuditRecord, AuditTrail};
use crate::auth::Client;
use crate::metrics::events::{CacheLooked, CacheLookup, CheckCompleted};
use crate::metrics::{CheckOutcome, Metrics, UNKNOWN_PAYER};

/// The metrics and the audit trail a router records into.
#[derive(Debug, Clone)]
pub struct Observer {
    /// Where checks are counted.
    pub metrics: Arc<Metrics>,
    /// Where checks are recorded, when the audit trail is on.
    pub audit: Option<AuditTrail>,
}

/// A check being observed: what must be known before the inquiry is consumed.
pub(super) struct Observation<'a> {
    observer: &'a Observer,
    started: Instant,
    _in_flight: InFlight,
    /// The resolved payer id, when the id or alias resolves.
    payer: Option<String>,
    /// The audit record without its outcome, when the audit trail is on.
    record: Option<AuditRecord>,
}

/// Decrements the in-flight gauge when the check ends, however it ends (a cancelled check included).
struct InFlight(IntGauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

// === impl Observation ===

impl<'a> Observation<'a> {
    /// Starts observing a check: in flight from now.
    pub(super) fn start(
        router: &Router,
        observer: &'a Observer,
        client: &Client,
        request: &CheckRequest,
    ) -> Observation<'a> {
        let gauge = observer.metrics.checks_in_flight.clone();
        gauge.inc();
        let inquiry = &request.inquiry;
        let payer = router
            .registry
            .resolve(&inquiry.payer_id)
            .ok()
            .map(|entry| entry.config.id.clone());
        let record = observer.audit.as_ref().map(|audit| {
            draft_record(
                audit,
                client,
                request,
                payer.as_deref().unwrap_or(&inquiry.payer_id),
            )
        });
        Observation {
            observer,
            started: Instant::now(),
            _in_flight: InFlight(gauge),
            payer,
            record,
        }
    }

    /// Counts the check and queues its audit record. When the record cannot be queued in time, a check that
    /// was answered is failed with [`CheckError::AuditUnavailable`]: no answer leaves unaudited.
    pub(super) async fn finish(
        self,
        result: Result<CheckAnswer, CheckError>,
    ) -> Result<CheckAnswer, CheckError> {
        let elapsed = self.started.elapsed();
        let outcome = CheckOutcome::of(&result);
        let payer = self.payer.as_deref().unwrap_or(UNKNOWN_PAYER);
        let metrics = &self.observer.metrics;
        let from_cache = matches!(&result, Ok(answer) if answer.meta.cache.hit);
        if let Some(lookup) = cache_lookup(&result) {
            CacheLooked { payer, lookup }.emit(metrics);
        }
        CheckCompleted {
            payer,
            outcome,
            from_cache,
            elapsed,
        }
        .emit(metrics);

        let (Some(audit), Some(mut record)) = (&self.observer.audit, self.record) else {
            return result;
        };
        record.time = now_rfc3339();
        record.outcome = outcome.as_str().to_owned();
        record.elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        match &result {
            Ok(answer) => {
                record.source = if answer.meta.cache.hit {
                    "cache"
                } else {
                    "payer"
                }
                .to_owned();
                record.exchanges = answer.meta.x12.clone();
            }
            Err(CheckError::Payer(_)) | Err(CheckError::DeadlineExceeded) => {
                record.source = "payer".to_owned();
            }
            Err(_) => record.source = "none".to_owned(),
        }
        match audit.record(record).await {
            Ok(()) => result,
            Err(_) => Err(CheckError::AuditUnavailable),
        }
    }
}

/// What the cache did for a check, judged from its result: a hit (fresh or stale), or a miss when the check
/// went on to the payer; nothing when it ended before the lookup mattered.
fn cache_lookup(result: &Result<CheckAnswer, CheckError>) -> Option<CacheLookup> {
    match result {
        Ok(answer) if answer.meta.cache.stale => Some(CacheLookup::StaleServed),
        Ok(answer) if answer.meta.cache.hit => Some(CacheLookup::Hit),
        Ok(_) | Err(CheckError::Payer(_)) => Some(CacheLookup::Miss),
        Err(_) => None,
    }
}

fn draft_record(
    audit: &AuditTrail,
    client: &Client,
    request: &CheckRequest,
    payer: &str,
) -> AuditRecord {
    let inquiry: &EligibilityRequest = &request.inquiry;
    let hasher = audit.hasher();
    let (member_id_hash, member_hash) = hasher.member(&inquiry.subscriber);
    let mut service_types: Vec<String> = Vec::new();
    for code in &inquiry.encounter.service_type_codes {
        let code = code.trim().to_ascii_uppercase();
        if !code.is_empty() && !service_types.contains(&code) {
            service_types.push(code);
        }
    }
    if service_types.is_empty() && inquiry.encounter.procedure_code.is_none() {
        service_types.push(super::DEFAULT_SERVICE_TYPE.to_owned());
    }
    AuditRecord {
        v: crate::audit::RECORD_VERSION,
        time: String::new(),
        trace_id: request.trace_id.clone(),
        client: client.key_id().to_owned(),
        payer: payer.to_owned(),
        member_id_hash,
        member_hash,
        dependent_hashes: hasher.dependents(inquiry),
        service_types,
        procedure_code: inquiry
            .encounter
            .procedure_code
            .as_ref()
            .map(|procedure| format!("{}:{}", procedure.qualifier, procedure.code)),
        outcome: String::new(),
        source: String::new(),
        control_number: inquiry.control_number.clone(),
        exchanges: Vec::new(),
        elapsed_ms: 0,
    }
}
