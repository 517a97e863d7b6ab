//! Finding one delimiter byte in a short value eight bytes at a time (SWAR: SIMD within a register).
//!
//! X12 elements are a few bytes long and a segment holds a dozen of them, so a search starts and stops far
//! more often than it runs: a `memchr` call per element spends more on its setup than on the search, and a
//! byte-at-a-time loop spends a compare and a branch per byte. Reading eight bytes as one `u64` and marking
//! the bytes equal to the delimiter costs a handful of instructions per word, whatever the word holds.

/// `0x01` in every byte.
const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
/// `0x7F` in every byte.
const LOW7: u64 = u64::from_ne_bytes([0x7F; 8]);

/// The high bit of every byte of `word` that equals `needle` set, and no other bit.
///
/// Exact, with no false positives from borrows: `(b & 0x7F) + 0x7F` carries into the high bit only when the low
/// seven bits of `b` are not all zero, and never into the next byte.
#[inline]
fn matches(word: u64, needle: u8) -> u64 {
    let x = word ^ (ONES * u64::from(needle));
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The positions of `needle` in `haystack`, in order.
#[derive(Debug, Clone)]
pub(crate) struct Positions<'a> {
    haystack: &'a [u8],
    needle: u8,
    /// Where the word in `mask` starts.
    base: usize,
    /// The matches of the current word not yet handed out, as high bits of their bytes (little-endian order).
    mask: u64,
}

impl<'a> Positions<'a> {
    pub(crate) fn new(haystack: &'a [u8], needle: u8) -> Self {
        let mut positions = Positions {
            haystack,
            needle,
            base: 0,
            mask: 0,
        };
        positions.mask = word_matches(haystack, needle, 0);
        positions
    }
}

/// The matches of `needle` in the eight bytes of `haystack` from `at` (fewer at the end: none past it).
#[inline]
fn word_matches(haystack: &[u8], needle: u8, at: usize) -> u64 {
    if let Some(chunk) = haystack.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        return matches(u64::from_le_bytes(*chunk), needle);
    }
    let tail = haystack.len().saturating_sub(at);
    let last = haystack
        .len()
        .checked_sub(8)
        .and_then(|from| haystack.get(from..));
    match last.and_then(<[u8]>::first_chunk::<8>) {
        // The haystack's last eight bytes end where the tail does: shifting its matches down by the bytes
        // before the tail leaves the tail's, in place, and none past the end.
        Some(chunk) if tail > 0 => matches(u64::from_le_bytes(*chunk), needle) >> (8 * (8 - tail)),
        Some(_) => 0,
        // A haystack shorter than a word: padded with bytes that never match.
        None => {
            let mut padded = [!needle; 8];
            padded
                .iter_mut()
                .zip(haystack.get(at..).unwrap_or_default())
                .for_each(|(slot, byte)| *slot = *byte);
            matches(u64::from_le_bytes(padded), needle)
        }
    }
}

/// Calls `visit` with each position of `needle` in `haystack`, in order, until it returns `false`: the
/// [`Positions`] of a whole value in one loop over its words, for a caller that takes them all.
#[inline(always)]
pub(crate) fn each_position(haystack: &[u8], needle: u8, mut visit: impl FnMut(usize) -> bool) {
    let mut word = |base: usize, mut mask: u64| {
        while mask != 0 {
            if !visit(base + (mask.trailing_zeros() / 8) as usize) {
                return false;
            }
            mask &= mask - 1;
        }
        true
    };
    let (words, tail) = haystack.as_chunks::<8>();
    let mut base = 0;
    for chunk in words {
        if !word(base, matches(u64::from_le_bytes(*chunk), needle)) {
            return;
        }
        base += 8;
    }
    if !tail.is_empty() {
        word(base, word_matches(haystack, needle, base));
    }
}

impl Iterator for Positions<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 8;
            if self.base >= self.haystack.len() {
                return None;
            }
            self.mask = word_matches(self.haystack, self.needle, self.base);
        }
        let at = self.base + (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{each_position, Positions};

    #[test]
    fn finds_every_position_in_words_and_tails() {
        let hay = b"EB*C*IND*30*PR*SUNRISE PPO GOLD 2500*23*2500*****Y";
        let expected: Vec<usize> = (0..hay.len()).filter(|&i| hay[i] == b'*').collect();
        assert_eq!(Positions::new(hay, b'*').collect::<Vec<_>>(), expected);
        assert_eq!(Positions::new(b"30^1^33", b'^').next(), Some(2));
        assert_eq!(Positions::new(b"", b'^').next(), None);
        assert_eq!(Positions::new(b"ABC", b'^').next(), None);
        assert_eq!(
            Positions::new(b"\x80\x00\xFF", 0xFF).collect::<Vec<_>>(),
            [2]
        );
    }

    proptest! {
        #[test]
        fn agrees_with_a_byte_loop(hay in proptest::collection::vec(any::<u8>(), 0..64), needle: u8) {
            let expected: Vec<usize> = (0..hay.len()).filter(|&i| hay[i] == needle).collect();
            prop_assert_eq!(Positions::new(&hay, needle).collect::<Vec<_>>(), expected.clone());
            let mut each = Vec::new();
            each_position(&hay, needle, |at| {
                each.push(at);
                true
            });
            prop_assert_eq!(each, expected);
        }
    }
}
