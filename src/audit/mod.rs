//! The audit trail: one append-only record per check, saying who looked up which member, when, at which
//! payer, and what came of it (HIPAA 45 CFR 164.312(b) audit controls; CAQH CORE's date, time and control
//! numbers of each exchange).
//!
//! # Record format
//!
//! One JSON object per line (UTF-8, `\n`-terminated), in `audit.path`; see [`AuditRecord`] for the fields.
//! Members are never written in clear: `memberIdHash` and `memberHash` are HMAC-SHA256s, keyed by
//! `audit.hmac_key`, of the normalized member id and of the normalized last name, first name and date of
//! birth ([`MemberHasher`]). `eligibility-gateway audit` computes the same hashes from what an auditor
//! types and prints the matching records.
//!
//! # Delivery: nothing is lost
//!
//! Records go through a bounded queue (`audit.queue`) to one writer thread, so a check never waits for the
//! disk. When the queue is full the check waits for room (counted in `eligibility_audit_queue_full_total`),
//! up to `audit.enqueue_timeout_ms`; past that its answer is withheld (503 `audit_unavailable`) rather than
//! given without a record. A write that fails (disk full) is retried, holding the queue, so trouble turns
//! into refused checks, not missing records. On shutdown the writer drains the queue before the process
//! exits. What a crash of the process itself loses is what was queued and not yet written.
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use payer_core::{EligibilityRequest, Member};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::config::{AuditConfig, HmacKey};
use crate::metrics::Metrics;
use crate::router::ExchangeMeta;

mod file;
pub mod search;

pub use file::AuditWriter;

/// Version of the record format, in every record's `v`.
pub const RECORD_VERSION: u32 = 1;

/// One check, as the audit trail records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    /// Format version ([`RECORD_VERSION`]).
    pub v: u32,
    /// When the check finished, RFC 3339 UTC with milliseconds.
    pub time: String,
    /// The request's trace id, as in the logs and the response's `meta.traceId`.
    pub trace_id: String,
    /// Who: the API key's id, or `anonymous` when no key is configured.
    pub client: String,
    /// The payer's id in the registry; the id or alias as sent when it resolved to none.
    pub payer: String,
    /// HMAC-SHA256 (hex) of the subscriber's normalized member id; `null` without one.
    pub member_id_hash: Option<String>,
    /// HMAC-SHA256 (hex) of the subscriber's normalized last name, first name and date of birth; `null`
    /// unless all three were sent.
    pub member_hash: Option<String>,
    /// The same hash for each dependent asked about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependent_hashes: Vec<String>,
    /// The service type codes asked about (after defaulting to `30`).
    pub service_types: Vec<String>,
    /// The procedure code asked about, if any (`HC:99213`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_code: Option<String>,
    /// How the check ended (`active`, `inactive`, `rejected`, `unavailable`, `timeout`, ...; the `outcome`
    /// label of `eligibility_checks_total`).
    pub outcome: String,
    /// Where the answer came from: `cache`, `payer`, or `none` (the check failed before a payer answered).
    pub source: String,
    /// The inquiry's control number (the 270's BHT03 and ST02 reference).
    pub control_number: String,
    /// The exchanges with the payer: ISA13, GS06, ST02 of each 270 sent and the CORE PayloadID.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exchanges: Vec<ExchangeMeta>,
    /// Time the check took in the gateway, in milliseconds.
    pub elapsed_ms: u64,
}

/// Computes the keyed member hashes of records and searches; see the module docs for the normalization.
#[derive(Clone)]
pub struct MemberHasher {
    key: HmacKey,
}

/// The sending end of the audit trail; cheap to clone.
#[derive(Clone)]
pub struct AuditTrail {
    sender: mpsc::Sender<AuditRecord>,
    hasher: MemberHasher,
    enqueue_timeout: Duration,
    metrics: Arc<Metrics>,
}

/// The record could not be queued in time (or the writer is gone): the check must not be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditUnavailable;

// === impl AuditTrail ===

impl AuditTrail {
    /// Starts the configured sink: `None` for `audit.sink = "off"`, else the trail and its writer (keep the
    /// writer, and [`AuditWriter::finish`] it after the server stopped, so the queue is drained).
    pub fn start(
        config: &AuditConfig,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Option<(AuditTrail, AuditWriter)>> {
        let AuditConfig::File(file) = config else {
            return Ok(None);
        };
        let (sender, receiver) = mpsc::channel(file.queue);
        let writer = AuditWriter::start(file, receiver, Arc::clone(&metrics))?;
        let trail = AuditTrail {
            sender,
            hasher: MemberHasher::new(file.hmac_key.clone()),
            enqueue_timeout: file.enqueue_timeout,
            metrics,
        };
        Ok(Some((trail, writer)))
    }

    /// The member hasher.
    pub fn hasher(&self) -> &MemberHasher {
        &self.hasher
    }

    /// Queues a record; waits for room when the queue is full, up to `audit.enqueue_timeout_ms`.
    pub async fn record(&self, record: AuditRecord) -> Result<(), AuditUnavailable> {
        let record = match self.sender.try_send(record) {
            Ok(()) => return Ok(()),
            Err(mpsc::error::TrySendError::Closed(_)) => {
                tracing::error!("the audit writer is gone: the check's answer is withheld");
                return Err(AuditUnavailable);
            }
            Err(mpsc::error::TrySendError::Full(record)) => record,
        };
        self.metrics.audit_queue_full.inc();
        match self.sender.send_timeout(record, self.enqueue_timeout).await {
            Ok(()) => Ok(()),
            Err(_) => {
                tracing::error!(
                    timeout_ms =
                        u64::try_from(self.enqueue_timeout.as_millis()).unwrap_or(u64::MAX),
                    "the audit queue stayed full: the check's answer is withheld"
                );
                Err(AuditUnavailable)
            }
        }
    }
}

impl std::fmt::Debug for AuditTrail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditTrail")
    }
}

// === impl MemberHasher ===

impl MemberHasher {
    /// A hasher keyed by `audit.hmac_key`.
    pub fn new(key: HmacKey) -> MemberHasher {
        MemberHasher { key }
    }

    /// The hash of a member id: trimmed, ASCII upper case.
    pub fn member_id(&self, member_id: &str) -> String {
        self.mac(&[
            b"member-id",
            member_id.trim().to_ascii_uppercase().as_bytes(),
        ])
    }

    /// The hash of a person: last name, first name (each trimmed, inner spaces collapsed, upper case) and
    /// date of birth (`YYYYMMDD`).
    pub fn person(&self, last_name: &str, first_name: &str, date_of_birth: &str) -> String {
        self.mac(&[
            b"member",
            normalize_name(last_name).as_bytes(),
            normalize_name(first_name).as_bytes(),
            date_of_birth.trim().as_bytes(),
        ])
    }

    /// The hashes of a member of an inquiry: `(member id hash, person hash)`.
    pub fn member(&self, member: &Member) -> (Option<String>, Option<String>) {
        let id = member
            .member_id
            .as_ref()
            .map(|id| self.member_id(id.expose()));
        let person = match (&member.last_name, &member.first_name, &member.date_of_birth) {
            (Some(last), Some(first), Some(birth)) => Some(self.person(
                last.expose(),
                first.expose(),
                &birth.expose().format("%Y%m%d").to_string(),
            )),
            _ => None,
        };
        (id, person)
    }

    /// The dependents' person hashes of an inquiry.
    pub fn dependents(&self, inquiry: &EligibilityRequest) -> Vec<String> {
        inquiry
            .dependents
            .iter()
            .filter_map(|dependent| self.member(dependent).1)
            .collect()
    }

    fn mac(&self, parts: &[&[u8]]) -> String {
        // HMAC accepts a key of any length; a 32-byte key cannot be refused.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(self.key.expose()) else {
            return String::new();
        };
        for (index, part) in parts.iter().enumerate() {
            if index > 0 {
                mac.update(&[0x1f]);
            }
            mac.update(part);
        }
        hex::encode(mac.finalize().into_bytes())
    }
}

fn normalize_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// Now, as records write it.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests;
