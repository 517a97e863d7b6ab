//! [`StoredAnswer`]: an answer as the cache keeps it, serialized once when stored and served as bytes.
//!
//! A cached check would otherwise decode the stored answer (about 20 KB of JSON for a typical 271), copy it,
//! and serialize it again for the client: three passes over the answer for every hit, most of a hit's cost.
//! A `StoredAnswer` keeps the answer's JSON instead, without the two fields that differ per check: the
//! client's `controlNumber`, and `x12` (returned only on request, so kept apart). A hit writes the client's
//! control number, these bytes and its own `meta` (see `routes::body`); only the rare caller that needs the
//! answer as a value (batch, discovery, a rejection turned into a 422) decodes it.
//!
//! The coverage status and whether every rejection is retryable travel beside the bytes, for the decisions a
//! hit makes without decoding (its HTTP status, its metrics outcome).
//!
//! Binary form (inside the sealed value): `[status][all rejections retryable][x12 length: u32 LE, or
//! u32::MAX for none][x12][answer JSON members]`.
use std::ops::Range;

use payer_core::{CoverageStatus, EligibilityResponse};

/// The start of every answer's JSON: `control_number` is the model's first field, written empty here.
const EMPTY_CONTROL_NUMBER: &[u8] = br#"{"controlNumber":"""#;
/// `x12` length meaning "no x12".
const NO_X12: u32 = u32::MAX;
/// Bytes before the x12: status, retryable, x12 length.
const HEAD_BYTES: usize = 6;

/// One cached answer, serialized.
#[derive(Clone)]
pub struct StoredAnswer {
    /// The binary form above, from `start` on (a value opened from the cache keeps its seal's header before
    /// it, rather than moving 20 KB to the front).
    bytes: Vec<u8>,
    start: usize,
    /// Where the x12 is in `bytes`, when the answer kept one.
    x12: Option<Range<usize>>,
    /// Where the answer's JSON members start in `bytes`.
    members_at: usize,
    status: CoverageStatus,
    all_retryable: bool,
}

/// Two stored answers are equal when their binary forms are (the rest is read from them).
impl PartialEq for StoredAnswer {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for StoredAnswer {}

/// Why stored bytes are not an answer. Never carries the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

impl StoredAnswer {
    /// Serializes `response` (its `control_number` and `x12` are set apart). `None` only if serialization
    /// fails, which a well-formed answer never does.
    pub fn new(mut response: EligibilityResponse) -> Option<StoredAnswer> {
        response.control_number.clear();
        let x12 = response.x12.take();
        let json = serde_json::to_vec(&response).ok()?;
        // `{"controlNumber":""` then `}` or `,...}`: the members after the control number, without the brace.
        let after = json.strip_prefix(EMPTY_CONTROL_NUMBER)?;
        let members = after.strip_suffix(b"}")?;
        let mut bytes =
            Vec::with_capacity(HEAD_BYTES + x12.as_ref().map_or(0, String::len) + members.len());
        bytes.push(status_byte(response.coverage.status));
        bytes.push(u8::from(response.all_rejections_retryable()));
        match &x12 {
            Some(x12) => {
                bytes.extend_from_slice(&u32::try_from(x12.len()).ok()?.to_le_bytes());
                bytes.extend_from_slice(x12.as_bytes());
            }
            None => bytes.extend_from_slice(&NO_X12.to_le_bytes()),
        }
        bytes.extend_from_slice(members);
        StoredAnswer::from_bytes(bytes).ok()
    }

    /// Reads the binary form back.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<StoredAnswer, Malformed> {
        StoredAnswer::from_bytes_at(bytes, 0)
    }

    /// Reads the binary form back from `bytes[start..]`.
    pub fn from_bytes_at(bytes: Vec<u8>, start: usize) -> Result<StoredAnswer, Malformed> {
        let [status, retryable, l0, l1, l2, l3, ..] = bytes.get(start..).unwrap_or_default()[..]
        else {
            return Err(Malformed);
        };
        let status = status_of(status).ok_or(Malformed)?;
        let all_retryable = match retryable {
            0 => false,
            1 => true,
            _ => return Err(Malformed),
        };
        let length = u32::from_le_bytes([l0, l1, l2, l3]);
        let x12 = if length == NO_X12 {
            None
        } else {
            let end = usize::try_from(length)
                .ok()
                .and_then(|length| (start + HEAD_BYTES).checked_add(length))
                .filter(|end| *end <= bytes.len())
                .ok_or(Malformed)?;
            Some(start + HEAD_BYTES..end)
        };
        let members_at = x12.as_ref().map_or(start + HEAD_BYTES, |x12| x12.end);
        let answer = StoredAnswer {
            bytes,
            start,
            x12,
            members_at,
            status,
            all_retryable,
        };
        // What is served as text must be text; the members are checked when they are decoded or by the client.
        // Every cache hit checks its ~20 KB here, so with the vectorized check (several times std's speed).
        if answer.x12().is_some_and(|x12| x12.is_err())
            || simdutf8::basic::from_utf8(answer.members()).is_err()
        {
            return Err(Malformed);
        }
        Ok(answer)
    }

    /// The binary form, for sealing.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(self.start..).unwrap_or_default()
    }

    /// The answer's coverage status.
    pub fn status(&self) -> CoverageStatus {
        self.status
    }

    /// Whether the answer carries rejections and every one of them is retryable (AAA 42 or 80).
    pub fn all_rejections_retryable(&self) -> bool {
        self.all_retryable
    }

    /// The answer's JSON members after `controlNumber`: empty, or `,"key":value,...` (no closing brace).
    pub fn members(&self) -> &[u8] {
        self.bytes.get(self.members_at..).unwrap_or_default()
    }

    /// The raw payer payload(s), when the answer kept them.
    pub fn x12(&self) -> Option<Result<&str, Malformed>> {
        let range = self.x12.clone()?;
        Some(
            self.bytes
                .get(range)
                .and_then(|raw| simdutf8::basic::from_utf8(raw).ok())
                .ok_or(Malformed),
        )
    }

    /// The answer as a value, with `control_number`, and with its `x12` when `include_x12`.
    pub fn decode(
        &self,
        control_number: &str,
        include_x12: bool,
    ) -> Result<EligibilityResponse, Malformed> {
        let mut json = Vec::with_capacity(EMPTY_CONTROL_NUMBER.len() + self.members().len() + 1);
        json.extend_from_slice(EMPTY_CONTROL_NUMBER);
        json.extend_from_slice(self.members());
        json.push(b'}');
        let mut response: EligibilityResponse =
            serde_json::from_slice(&json).map_err(|_| Malformed)?;
        control_number.clone_into(&mut response.control_number);
        if include_x12 {
            response.x12 = self.x12().transpose()?.map(str::to_owned);
        }
        Ok(response)
    }
}

/// Prints what the answer is, never its content (it holds member data).
impl std::fmt::Debug for StoredAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredAnswer")
            .field("status", &self.status)
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

fn status_byte(status: CoverageStatus) -> u8 {
    match status {
        CoverageStatus::Active => 1,
        CoverageStatus::Inactive => 2,
        CoverageStatus::Rejected => 3,
        CoverageStatus::Unknown => 4,
    }
}

fn status_of(byte: u8) -> Option<CoverageStatus> {
    Some(match byte {
        1 => CoverageStatus::Active,
        2 => CoverageStatus::Inactive,
        3 => CoverageStatus::Rejected,
        4 => CoverageStatus::Unknown,
        _ => return None,
    })
}
