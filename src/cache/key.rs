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
use std::io::Write as _;

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
    /// The HMAC with the secret key already absorbed (its two key blocks hashed once, not per key).
    keyed: Hmac<Sha256>,
}

/// The encoded fields of one inquiry, hashed in one call: most inquiries fit without growing it.
const ENCODED_BYTES: usize = 256;

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
        // HMAC takes keys of any length, so this never falls back; the fallback is a key of zeros.
        let keyed = Hmac::<Sha256>::new_from_slice(key.expose())
            .unwrap_or_else(|_| Hmac::<Sha256>::new(&Default::default()));
        CacheKeyer { keyed }
    }

    /// The key of `inquiry`, whose `payer_id` must already be the resolved id (not an alias).
    pub fn derive(&self, inquiry: &EligibilityRequest) -> CacheKey {
        let mut fields = Fields(Vec::with_capacity(ENCODED_BYTES));
        fields.raw(b'V', KEY_VERSION);
        fields.raw(b'P', inquiry.payer_id.as_bytes());
        fields.raw(b'N', inquiry.provider.npi.trim().as_bytes());
        fields.member(b'S', &inquiry.subscriber);
        for dependent in &inquiry.dependents {
            fields.member(b'D', dependent);
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
            fields.raw(b'T', code.as_bytes());
        }
        if let Some(procedure) = &inquiry.encounter.procedure_code {
            fields.upper(b'Q', &procedure.qualifier);
            fields.upper(b'C', &procedure.code);
            for modifier in &procedure.modifiers {
                fields.upper(b'M', modifier);
            }
        }
        let dates = &inquiry.encounter.date_of_service;
        fields.month(b'B', dates.begin);
        if let Some(end) = dates.end {
            fields.month(b'E', end);
        }
        let mut mac = self.keyed.clone();
        mac.update(&fields.0);
        CacheKey(hex::encode(mac.finalize().into_bytes()))
    }
}

/// The inquiry's fields as the HMAC reads them: each a tag byte, its length (u32, big-endian), its bytes.
struct Fields(Vec<u8>);

impl Fields {
    fn raw(&mut self, tag: u8, value: &[u8]) {
        self.0.push(tag);
        self.0
            .extend_from_slice(&u32::try_from(value.len()).unwrap_or(u32::MAX).to_be_bytes());
        self.0.extend_from_slice(value);
    }

    /// A field written by `write`, its length filled in after.
    fn written(&mut self, tag: u8, write: impl FnOnce(&mut Vec<u8>)) {
        self.0.push(tag);
        let length_at = self.0.len();
        self.0.extend_from_slice(&[0; 4]);
        write(&mut self.0);
        let length = self.0.len() - length_at - 4;
        let length = u32::try_from(length).unwrap_or(u32::MAX).to_be_bytes();
        if let Some(slot) = self.0.get_mut(length_at..length_at + 4) {
            slot.copy_from_slice(&length);
        }
    }

    /// A code, trimmed and in ASCII upper case.
    fn upper(&mut self, tag: u8, code: &str) {
        self.written(tag, |out| {
            out.extend(code.trim().bytes().map(|b| b.to_ascii_uppercase()));
        });
    }

    fn member(&mut self, role: u8, member: &Member) {
        self.raw(role, b"");
        self.identity(b'i', member.member_id.as_ref());
        self.identity(b'f', member.first_name.as_ref());
        self.identity(b'l', member.last_name.as_ref());
        let birth = member.date_of_birth.as_ref().map(|date| *date.expose());
        self.written(b'b', |out| {
            if let Some(date) = birth {
                // Writing to a Vec cannot fail.
                let _ = write!(out, "{}", date.format("%Y%m%d"));
            }
        });
        self.raw(b'g', member.gender.map_or("", |g| g.code()).as_bytes());
    }

    /// Identity text, trimmed and in upper case (Unicode's, which is ASCII's for ASCII text).
    fn identity(&mut self, tag: u8, value: Option<&payer_core::Phi<String>>) {
        let value = value.map_or("", |v| v.expose().trim());
        self.written(tag, |out| {
            if value.is_ascii() {
                out.extend(value.bytes().map(|b| b.to_ascii_uppercase()));
            } else {
                out.extend_from_slice(value.to_uppercase().as_bytes());
            }
        });
    }

    fn month(&mut self, tag: u8, date: NaiveDate) {
        self.written(tag, |out| {
            let _ = write!(out, "{:04}-{:02}", date.year(), date.month());
        });
    }
}

impl fmt::Debug for CacheKeyer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CacheKeyer([redacted])")
    }
}
