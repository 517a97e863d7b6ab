//! [`CacheKeyer`]: cache keys as keyed hashes of the normalized inquiry, never the member data itself.
//!
//! The key is HMAC-SHA256 over the fields that decide the answer, each length-prefixed so that no two
//! different inquiries encode alike (`AB`+`C` vs `A`+`BC`). With a secret key, someone who reads the cache
//! (a Redis dump, a heap profile) cannot test guesses of a member's identity against it, as they could with a
//! bare hash of low-entropy data such as names and birth dates.
//!
//! What is in it: the resolved payer id; the subscriber's and each dependent's member id, names (trimmed,
//! uppercased), date of birth and gender; the provider's NPI; the service types (uppercased, sorted,
//! deduplicated) or the procedure code; the month(s) of the date of service. What is not: the control number
//! (new on every request) and the provider's name (the NPI identifies it). An answer holds for a whole month of
//! service dates because plans and accumulators are reported per plan period, not per day.
use std::fmt;

use chrono::{Datelike, NaiveDate};
use hmac::{Hmac, Mac};
use payer_core::{EligibilityRequest, Member};
use sha2::Sha256;

use crate::config::HmacKey;

/// Bumped when the encoding changes, so old entries of a shared cache are never read as new ones.
const KEY_VERSION: &[u8] = b"eligibility-cache-key/v1";

/// A cache key: 64 lowercase hex digits of an HMAC-SHA256.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CacheKey(String);

/// Derives [`CacheKey`]s with one secret key.
#[derive(Clone)]
pub struct CacheKeyer {
    key: HmacKey,
}

// === impl CacheKey ===

impl CacheKey {
    /// The hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// === impl CacheKeyer ===

impl CacheKeyer {
    /// A keyer using `key`.
    pub fn new(key: HmacKey) -> CacheKeyer {
        CacheKeyer { key }
    }

    /// The key of `inquiry`, whose `payer_id` must already be the resolved id (not an alias).
    pub fn derive(&self, inquiry: &EligibilityRequest) -> CacheKey {
        let mut mac = match Hmac::<Sha256>::new_from_slice(self.key.expose()) {
            Ok(mac) => mac,
            // HMAC takes keys of any length; this arm cannot be reached with a 32-byte key.
            Err(_) => return CacheKey(String::new()),
        };
        let mut field = |tag: u8, value: &[u8]| {
            mac.update(&[tag]);
            mac.update(&u32::try_from(value.len()).unwrap_or(u32::MAX).to_be_bytes());
            mac.update(value);
        };
        field(b'V', KEY_VERSION);
        field(b'P', inquiry.payer_id.as_bytes());
        field(b'N', inquiry.provider.npi.trim().as_bytes());
        member_fields(&mut field, b'S', &inquiry.subscriber);
        for dependent in &inquiry.dependents {
            member_fields(&mut field, b'D', dependent);
        }
        let mut service_types: Vec<String> = inquiry
            .encounter
            .service_type_codes
            .iter()
            .map(|code| code.trim().to_ascii_uppercase())
            .collect();
        service_types.sort();
        service_types.dedup();
        for code in &service_types {
            field(b'T', code.as_bytes());
        }
        if let Some(procedure) = &inquiry.encounter.procedure_code {
            field(
                b'Q',
                procedure.qualifier.trim().to_ascii_uppercase().as_bytes(),
            );
            field(b'C', procedure.code.trim().to_ascii_uppercase().as_bytes());
            for modifier in &procedure.modifiers {
                field(b'M', modifier.trim().to_ascii_uppercase().as_bytes());
            }
        }
        let dates = &inquiry.encounter.date_of_service;
        field(b'B', month(dates.begin).as_bytes());
        if let Some(end) = dates.end {
            field(b'E', month(end).as_bytes());
        }
        CacheKey(hex::encode(mac.finalize().into_bytes()))
    }
}

impl fmt::Debug for CacheKeyer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CacheKeyer([redacted])")
    }
}

fn member_fields(field: &mut impl FnMut(u8, &[u8]), role: u8, member: &Member) {
    field(role, b"");
    let text = |value: Option<&payer_core::Phi<String>>| {
        value
            .map(|v| v.expose().trim().to_uppercase())
            .unwrap_or_default()
    };
    field(b'i', text(member.member_id.as_ref()).as_bytes());
    field(b'f', text(member.first_name.as_ref()).as_bytes());
    field(b'l', text(member.last_name.as_ref()).as_bytes());
    let birth = member
        .date_of_birth
        .as_ref()
        .map(|date| date.expose().format("%Y%m%d").to_string())
        .unwrap_or_default();
    field(b'b', birth.as_bytes());
    field(
        b'g',
        member.gender.map(|g| g.code()).unwrap_or("").as_bytes(),
    );
}

fn month(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}
