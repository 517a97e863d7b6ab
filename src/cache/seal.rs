//! [`Sealer`]: how an answer is stored outside the process: its packed (LZ4-compressed) form, encrypted with
//! AES-256-GCM.
//!
//! Layout of a sealed value: `[format 0x04][key id][12-byte random nonce][ciphertext || 16-byte tag]`. The
//! plaintext is `[stored at: ms since the epoch, u64 LE][fresh for: ms, u64 LE]` and the answer in its packed
//! [`StoredAnswer`] form, so that a hit opens to the answer as the process keeps it, without decoding or
//! decompressing it. The Redis key is the associated data, so a value copied under another key (by someone
//! who can write to Redis) fails to open instead of answering for another member.
//!
//! Why compressed: an answer's JSON repeats its keys and codes, and the sandbox payer's 23 KB answer (21 KB
//! of JSON and its 271) seals to about 4 KB. Redis holds and sends a fifth of the bytes, and a hit decrypts a
//! fifth of them; the answer was compressed once, when it was serialized, and is decompressed into the
//! client's body (`StoredAnswer::write_members`). Compressing before encrypting lets a value's length depend
//! on its content, but a value holds one inquiry's answer only, to a key only that inquiry's fields make:
//! nobody who can read lengths in Redis can put text of their own beside another member's data, so there is
//! no compression oracle (the attack on TLS that compressed secrets beside attacker-chosen text).
//!
//! Formats 3 (the plain answer as one LZ4 block after its length) and 2 (the plain answer), sealed by earlier
//! releases, still open, so that a fleet upgraded one instance at a time keeps its cache; format 1 (a JSON
//! plaintext) is a miss.
//!
//! Key rotation: the first configured key seals; a value sealed under any configured key opens. Put a new key
//! first, and drop an old one once every value it sealed has expired (`ttl` + `stale_max_age_s`). A value
//! under an unknown key id, or one that fails authentication, is a miss (and counted), never an error.
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use thiserror::Error;

use super::stored::{decompress_exact, Malformed};
use super::{CachedEntry, StoredAnswer};
use crate::config::EncryptionKey;

/// The first byte of a value sealed uncompressed (an earlier release's format, still opened).
const FORMAT_V2: u8 = 2;
/// The first byte of a plain answer sealed as one LZ4 block (an earlier release's format, still opened).
const FORMAT_V3: u8 = 3;
/// The first byte of a packed answer (1 was a JSON plaintext: such values are misses, and expire).
const FORMAT_V4: u8 = 4;
/// Bytes of the plaintext before the answer: stored at, fresh for.
const TIMES_BYTES: usize = 16;
/// The largest length a format-3 value may declare before anything is allocated for it (a 100-EB answer is
/// about 60 KB).
const MAX_ANSWER_BYTES: usize = 16 << 20;
/// Bytes of an AES-GCM nonce.
const NONCE_BYTES: usize = 12;
/// Bytes before the ciphertext: format, key id, nonce.
const HEADER_BYTES: usize = 2 + NONCE_BYTES;
/// Bytes of the authentication tag after the ciphertext.
const TAG_BYTES: usize = 16;

/// Seals and opens stored values with a set of keys.
#[derive(Clone)]
pub struct Sealer {
    /// `(id, cipher)`; the first seals. ring's AES-GCM: about five times faster than the `aes-gcm` crate on a
    /// 23 KB answer here (3 against 16 µs), which is most of what a cache hit costs.
    keys: Arc<Vec<(u8, LessSafeKey)>>,
}

/// Why a stored value could not be opened. Never carries the value.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum OpenError {
    /// Too short, or an unknown format byte.
    #[error("the stored value is not in a known format")]
    Format,
    /// Sealed under a key id that is not configured (rotated out, or another fleet's).
    #[error("the stored value was sealed under key id {0}, which is not configured")]
    UnknownKey(u8),
    /// The tag did not verify: another key with the same id, a value moved between keys, or tampering.
    #[error("the stored value failed authentication")]
    Authentication,
    /// The plaintext is not an entry of this version.
    #[error("the stored value does not decode")]
    Decode,
}

// === impl Sealer ===

impl Sealer {
    /// A sealer over `keys`; the first seals. `None` when `keys` is empty.
    pub fn new(keys: &[EncryptionKey]) -> Option<Sealer> {
        let keys: Vec<(u8, LessSafeKey)> = keys
            .iter()
            .filter_map(|key| {
                let cipher = UnboundKey::new(&AES_256_GCM, key.expose()).ok()?;
                Some((key.id, LessSafeKey::new(cipher)))
            })
            .collect();
        (!keys.is_empty()).then(|| Sealer {
            keys: Arc::new(keys),
        })
    }

    /// Encrypts `entry`, bound to `context` (the storage key). `None` only if encryption fails, which it
    /// never does for an answer of a sane size.
    pub fn seal(&self, entry: &CachedEntry, context: &[u8]) -> Option<Vec<u8>> {
        let (id, cipher) = self.keys.first()?;
        let answer = entry.answer.as_bytes();
        let mut nonce = [0u8; NONCE_BYTES];
        rand::fill(&mut nonce);
        let mut sealed = Vec::with_capacity(HEADER_BYTES + TIMES_BYTES + answer.len() + TAG_BYTES);
        sealed.push(FORMAT_V4);
        sealed.push(*id);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&millis_since_epoch(entry.stored_at).to_le_bytes());
        let fresh_for_ms = u64::try_from(entry.fresh_for.as_millis()).unwrap_or(u64::MAX);
        sealed.extend_from_slice(&fresh_for_ms.to_le_bytes());
        sealed.extend_from_slice(answer);
        let tag = cipher
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                sealed.get_mut(HEADER_BYTES..)?,
            )
            .ok()?;
        sealed.extend_from_slice(tag.as_ref());
        Some(sealed)
    }

    /// Decrypts and decodes a value sealed under `context`: decrypted in place, and kept in that buffer.
    pub fn open(&self, sealed: Vec<u8>, context: &[u8]) -> Result<CachedEntry, OpenError> {
        self.open_at(sealed, 0, context)
    }

    /// [`Sealer::open`] of the value sealed in `sealed[start..]` (what comes before it, a marker of the
    /// caller's, is kept in the buffer rather than moved out).
    pub fn open_at(
        &self,
        mut sealed: Vec<u8>,
        start: usize,
        context: &[u8],
    ) -> Result<CachedEntry, OpenError> {
        let header = start..start.checked_add(HEADER_BYTES).ok_or(OpenError::Format)?;
        let [format, id, nonce @ ..] = sealed.get(header.clone()).ok_or(OpenError::Format)? else {
            return Err(OpenError::Format);
        };
        if ![FORMAT_V4, FORMAT_V3, FORMAT_V2].contains(format) {
            return Err(OpenError::Format);
        }
        let format = *format;
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| OpenError::Format)?;
        let id = *id;
        let cipher = self
            .keys
            .iter()
            .find(|(known, _)| *known == id)
            .map(|(_, cipher)| cipher)
            .ok_or(OpenError::UnknownKey(id))?;
        let ciphertext = sealed.get_mut(header.end..).ok_or(OpenError::Format)?;
        let opened = cipher
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                ciphertext,
            )
            .map_err(|_| OpenError::Authentication)?
            .len();
        sealed.truncate(header.end + opened);
        let plain = sealed.get(header.end..).unwrap_or_default();
        let [a0, a1, a2, a3, a4, a5, a6, a7, f0, f1, f2, f3, f4, f5, f6, f7, ..] = plain[..] else {
            return Err(OpenError::Decode);
        };
        let stored_at_ms = u64::from_le_bytes([a0, a1, a2, a3, a4, a5, a6, a7]);
        let fresh_for_ms = u64::from_le_bytes([f0, f1, f2, f3, f4, f5, f6, f7]);
        let answer = match format {
            FORMAT_V4 => StoredAnswer::from_packed_at(sealed, header.end + TIMES_BYTES),
            FORMAT_V3 => {
                decompress(&plain[TIMES_BYTES..]).and_then(|plain| StoredAnswer::from_plain(&plain))
            }
            _ => StoredAnswer::from_plain(&plain[TIMES_BYTES..]),
        }
        .map_err(|_| OpenError::Decode)?;
        Ok(CachedEntry {
            answer: Arc::new(answer),
            stored_at: UNIX_EPOCH + Duration::from_millis(stored_at_ms),
            fresh_for: Duration::from_millis(fresh_for_ms),
        })
    }
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<u8> = self.keys.iter().map(|(id, _)| *id).collect();
        f.debug_struct("Sealer").field("key_ids", &ids).finish()
    }
}

/// The plain answer of a format-3 plaintext: `[length, u32 LE][LZ4 block]`, which must decompress to exactly
/// `length` bytes.
fn decompress(plain: &[u8]) -> Result<Vec<u8>, Malformed> {
    let [l0, l1, l2, l3, ref block @ ..] = plain[..] else {
        return Err(Malformed);
    };
    let length = usize::try_from(u32::from_le_bytes([l0, l1, l2, l3]))
        .ok()
        .filter(|length| *length <= MAX_ANSWER_BYTES)
        .ok_or(Malformed)?;
    let mut answer = Vec::new();
    decompress_exact(block, length, &mut answer)?;
    Ok(answer)
}

fn millis_since_epoch(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
