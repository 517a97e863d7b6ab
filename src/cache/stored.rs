//! [`StoredAnswer`]: an answer as the cache keeps it, serialized once when stored, compressed, and served as
//! bytes.
//!
//! A cached check would otherwise decode the stored answer (about 20 KB of JSON for a typical 271), copy it,
//! and serialize it again for the client: three passes over the answer for every hit, most of a hit's cost.
//! A `StoredAnswer` keeps the answer's JSON instead, without the two fields that differ per check: the
//! client's `controlNumber`, and `x12` (returned only on request, so kept apart). A hit writes the client's
//! control number, these bytes and its own `meta` (see `routes::stored_body`); only the rare caller that
//! needs the answer as a value (batch, discovery, a rejection turned into a 422) decodes it.
//!
//! Both parts are kept as LZ4 blocks, from the moment the answer is serialized: an answer's JSON repeats its
//! keys and codes, and the sandbox payer's 23 KB answer packs to about 4 KB. That is what the answer weighs
//! while its checks are written (10,000 checks in flight whose payers answer together hold 10,000 answers at
//! once), in the in-process cache, and in Redis, which stores the packed form as it is (`cache::seal`). A
//! client's body is decompressed straight into the buffer it is sent from (about 1.5 µs for 21 KB, in place
//! of the copy a plain answer needs).
//!
//! The coverage status and whether every rejection is retryable travel beside the bytes, for the decisions a
//! hit makes without decoding (its HTTP status, its metrics outcome).
//!
//! Packed form (inside the sealed value): `[status][all rejections retryable][x12 part][members part]`, each
//! part `[length: u32 LE][block length: u32 LE][LZ4 block]`, the x12 part's length `u32::MAX` (and no block
//! length or block) for none. The plain form, which releases up to seal format 3 stored, is
//! `[status][retryable][x12 length: u32 LE, or u32::MAX for none][x12][answer JSON members]`.
use std::ops::Range;

use payer_core::{CoverageStatus, EligibilityResponse};

/// The start of every answer's JSON: `control_number` is the model's first field, written empty here.
const EMPTY_CONTROL_NUMBER: &[u8] = br#"{"controlNumber":"""#;
/// `x12` length meaning "no x12".
const NO_X12: u32 = u32::MAX;
/// The largest part a stored answer may have (a 100-EB answer is about 60 KB; a part's length is a `u32`).
const MAX_PART_BYTES: usize = 1 << 30;
/// LZ4's largest expansion: a block of `n` bytes decompresses to at most `255 n + 16`, so a declared length
/// past that is refused before anything is allocated for it.
const MAX_EXPANSION: usize = 255;

/// One cached answer, serialized and packed.
#[derive(Clone)]
pub struct StoredAnswer {
    /// The packed form above, from `start` on (a value opened from the cache keeps its seal's header before
    /// it, rather than moving the answer to the front).
    bytes: Vec<u8>,
    start: usize,
    x12: Option<Part>,
    members: Part,
    status: CoverageStatus,
    all_retryable: bool,
}

/// Where a compressed part is in [`StoredAnswer::bytes`], and its length once decompressed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    block: Range<usize>,
    length: usize,
}

/// Two stored answers are equal when their packed forms are (the rest is read from them).
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
    /// Serializes `response` (its `control_number` and `x12` are set apart) and packs it. `None` only if
    /// serialization fails, which a well-formed answer never does.
    pub fn new(mut response: EligibilityResponse) -> Option<StoredAnswer> {
        response.control_number.clear();
        let x12 = response.x12.take();
        let json = serde_json::to_vec(&response).ok()?;
        // `{"controlNumber":""` then `}` or `,...}`: the members after the control number, without the brace.
        let after = json.strip_prefix(EMPTY_CONTROL_NUMBER)?;
        let members = after.strip_suffix(b"}")?;
        StoredAnswer::pack(
            response.coverage.status,
            response.all_rejections_retryable(),
            x12.as_deref().map(str::as_bytes),
            members,
        )
        .ok()
    }

    /// Reads the plain form of releases up to seal format 3 (see the module docs), and packs it.
    pub fn from_plain(plain: &[u8]) -> Result<StoredAnswer, Malformed> {
        let mut reader = Reader {
            bytes: plain,
            at: 0,
        };
        let (status, all_retryable) = reader.head()?;
        let x12 = match reader.u32()? {
            NO_X12 => None,
            length => Some(reader.take(usize::try_from(length).map_err(|_| Malformed)?)?),
        };
        let members = plain.get(reader.at..).ok_or(Malformed)?;
        if x12.is_some_and(|x12| simdutf8::basic::from_utf8(x12).is_err())
            || simdutf8::basic::from_utf8(members).is_err()
        {
            return Err(Malformed);
        }
        StoredAnswer::pack(status, all_retryable, x12, members)
    }

    fn pack(
        status: CoverageStatus,
        all_retryable: bool,
        x12: Option<&[u8]>,
        members: &[u8],
    ) -> Result<StoredAnswer, Malformed> {
        let room = |part: &[u8]| 8 + lz4_flex::block::get_maximum_output_size(part.len());
        let mut bytes = Vec::with_capacity(6 + x12.map_or(0, room) + room(members));
        bytes.push(status_byte(status));
        bytes.push(u8::from(all_retryable));
        match x12 {
            Some(x12) => compress_part(x12, &mut bytes)?,
            None => bytes.extend_from_slice(&NO_X12.to_le_bytes()),
        }
        compress_part(members, &mut bytes)?;
        // The room reserved for the worst case is about the plain answer's size: given back, so that the
        // answer weighs what it packed to, wherever it is held.
        bytes.shrink_to_fit();
        StoredAnswer::from_packed_at(bytes, 0)
    }

    /// Reads the packed form back from `bytes[start..]`. The blocks are decompressed when the answer is
    /// written or decoded; here only their lengths are checked.
    pub fn from_packed_at(bytes: Vec<u8>, start: usize) -> Result<StoredAnswer, Malformed> {
        let mut reader = Reader {
            bytes: &bytes,
            at: start,
        };
        let (status, all_retryable) = reader.head()?;
        let x12 = reader.part(true)?;
        let members = reader.part(false)?.ok_or(Malformed)?;
        if reader.at != bytes.len() {
            return Err(Malformed);
        }
        Ok(StoredAnswer {
            bytes,
            start,
            x12,
            members,
            status,
            all_retryable,
        })
    }

    /// The packed form, for sealing and for weighing.
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

    /// The length of the answer's JSON members.
    pub fn members_len(&self) -> usize {
        self.members.length
    }

    /// Appends the answer's JSON members after `controlNumber` to `out`: nothing, or `,"key":value,...` (no
    /// closing brace). What is served as text must be text (`out` is left as it was otherwise).
    pub fn write_members(&self, out: &mut Vec<u8>) -> Result<(), Malformed> {
        let at = out.len();
        self.decompress(&self.members, out)?;
        let is_text = out
            .get(at..)
            .is_some_and(|members| simdutf8::basic::from_utf8(members).is_ok());
        if !is_text {
            out.truncate(at);
            return Err(Malformed);
        }
        Ok(())
    }

    /// The raw payer payload(s), when the answer kept them.
    pub fn x12(&self) -> Option<Result<String, Malformed>> {
        let part = self.x12.as_ref()?;
        let mut x12 = Vec::new();
        Some(
            self.decompress(part, &mut x12)
                .and_then(|()| String::from_utf8(x12).map_err(|_| Malformed)),
        )
    }

    /// The answer as a value, with `control_number`, and with its `x12` when `include_x12`.
    pub fn decode(
        &self,
        control_number: &str,
        include_x12: bool,
    ) -> Result<EligibilityResponse, Malformed> {
        let mut json = Vec::with_capacity(EMPTY_CONTROL_NUMBER.len() + self.members_len() + 1);
        json.extend_from_slice(EMPTY_CONTROL_NUMBER);
        self.write_members(&mut json)?;
        json.push(b'}');
        let mut response: EligibilityResponse =
            serde_json::from_slice(&json).map_err(|_| Malformed)?;
        control_number.clone_into(&mut response.control_number);
        if include_x12 {
            response.x12 = self.x12().transpose()?;
        }
        Ok(response)
    }

    /// Decompresses `part` onto the end of `out`.
    fn decompress(&self, part: &Part, out: &mut Vec<u8>) -> Result<(), Malformed> {
        let block = self.bytes.get(part.block.clone()).ok_or(Malformed)?;
        decompress_exact(block, part.length, out)
    }
}

/// Appends the LZ4 `block` to `out`, decompressed; it must come to exactly `length` bytes (`out` is left as
/// it was otherwise).
pub(super) fn decompress_exact(
    block: &[u8],
    length: usize,
    out: &mut Vec<u8>,
) -> Result<(), Malformed> {
    let at = out.len();
    out.resize(at + length, 0);
    let room = out.get_mut(at..).unwrap_or_default();
    match lz4_flex::block::decompress_into(block, room) {
        Ok(written) if written == length => Ok(()),
        _ => {
            out.truncate(at);
            Err(Malformed)
        }
    }
}

#[cfg(test)]
impl StoredAnswer {
    /// The plain form (module docs), as releases up to seal format 3 stored it.
    pub(crate) fn plain(&self) -> Vec<u8> {
        let mut plain = vec![status_byte(self.status), u8::from(self.all_retryable)];
        match self.x12() {
            Some(x12) => {
                let x12 = x12.unwrap_or_default();
                plain.extend_from_slice(&u32::try_from(x12.len()).unwrap_or(0).to_le_bytes());
                plain.extend_from_slice(x12.as_bytes());
            }
            None => plain.extend_from_slice(&NO_X12.to_le_bytes()),
        }
        assert!(self.write_members(&mut plain).is_ok(), "the members unpack");
        plain
    }
}

/// Prints what the answer is, never its content (it holds member data).
impl std::fmt::Debug for StoredAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredAnswer")
            .field("status", &self.status)
            .field("bytes", &self.as_bytes().len())
            .field("members", &self.members.length)
            .finish_non_exhaustive()
    }
}

/// `part` as `[length][block length][block]` onto `out`.
fn compress_part(part: &[u8], out: &mut Vec<u8>) -> Result<(), Malformed> {
    let length = u32::try_from(part.len())
        .ok()
        .filter(|_| part.len() <= MAX_PART_BYTES)
        .ok_or(Malformed)?;
    out.extend_from_slice(&length.to_le_bytes());
    let length_at = out.len();
    out.extend_from_slice(&[0; 4]);
    let block_at = out.len();
    out.resize(
        block_at + lz4_flex::block::get_maximum_output_size(part.len()),
        0,
    );
    let room = out.get_mut(block_at..).ok_or(Malformed)?;
    let block = lz4_flex::block::compress_into(part, room).map_err(|_| Malformed)?;
    out.truncate(block_at + block);
    let block = u32::try_from(block).map_err(|_| Malformed)?;
    out.get_mut(length_at..block_at)
        .ok_or(Malformed)?
        .copy_from_slice(&block.to_le_bytes());
    Ok(())
}

/// A cursor over stored bytes; every read is checked.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, count: usize) -> Result<&'a [u8], Malformed> {
        let end = self.at.checked_add(count).ok_or(Malformed)?;
        let taken = self.bytes.get(self.at..end).ok_or(Malformed)?;
        self.at = end;
        Ok(taken)
    }

    fn u32(&mut self) -> Result<u32, Malformed> {
        let bytes = self.take(4)?;
        Ok(u32::from_le_bytes(bytes.try_into().map_err(|_| Malformed)?))
    }

    /// Status and retryable bytes.
    fn head(&mut self) -> Result<(CoverageStatus, bool), Malformed> {
        let [status, retryable] = self.take(2)? else {
            return Err(Malformed);
        };
        let status = status_of(*status).ok_or(Malformed)?;
        let all_retryable = match retryable {
            0 => false,
            1 => true,
            _ => return Err(Malformed),
        };
        Ok((status, all_retryable))
    }

    /// A compressed part; `None` for the "none" length when `optional`.
    fn part(&mut self, optional: bool) -> Result<Option<Part>, Malformed> {
        let length = self.u32()?;
        if optional && length == NO_X12 {
            return Ok(None);
        }
        let length = usize::try_from(length)
            .ok()
            .filter(|length| *length <= MAX_PART_BYTES)
            .ok_or(Malformed)?;
        let block = usize::try_from(self.u32()?).map_err(|_| Malformed)?;
        if length > block.saturating_mul(MAX_EXPANSION).saturating_add(16) {
            return Err(Malformed);
        }
        let from = self.at;
        self.take(block)?;
        Ok(Some(Part {
            block: from..self.at,
            length,
        }))
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

#[cfg(test)]
mod tests {
    use payer_core::{BenefitInformation, EligibilityResponse};

    use super::StoredAnswer;

    #[test]
    fn a_packed_answer_holds_no_more_than_it_packed_to() {
        let response = EligibilityResponse {
            benefits_information: (0..100)
                .map(|k| BenefitInformation {
                    code: "C".into(),
                    benefit_amount: Some(format!("{k}.00").into()),
                    ..BenefitInformation::default()
                })
                .collect(),
            x12: Some("ISA*00*~".repeat(500)),
            ..EligibilityResponse::default()
        };
        let stored = StoredAnswer::new(response).unwrap();
        let packed = stored.as_bytes().len();
        assert!(packed * 4 < stored.members_len(), "{packed} bytes packed");
        assert_eq!(
            stored.bytes.capacity(),
            packed,
            "the worst case's room is given back"
        );
        // A length LZ4 cannot reach from the block that follows is refused before it is allocated.
        let block = u32::from_le_bytes(stored.as_bytes()[6..10].try_into().unwrap());
        let mut inflated = stored.as_bytes().to_vec();
        inflated[2..6].copy_from_slice(&(block * 255 + 17).to_le_bytes());
        assert!(StoredAnswer::from_packed_at(inflated, 0).is_err());
    }
}
