//! [`code_table!`]: one code table, two lookups: the name as `&'static str` (the public API) and, for the
//! response model, the code and its name as [`Text`] constants built at compile time; and [`CodeIndex`], the
//! compile-time hash table that both lookups find a code in.
//!
//! Making a `Text` from a `&str` at run time copies the bytes into its inline buffer; for the dozen codes of
//! every EB segment that copy (and the store-to-load stall after it) showed up as a quarter of the decode time.
//! A code found in the table needs no copy: both texts are constants.
//!
//! Every code is one to three bytes, so it is one integer ([`code_key`], also the key of the coverage summary's
//! service index), and a lookup is a multiply, a load and a compare or two in a table at most half full. A
//! `match` on the code's bytes compiled to jump tables, whose indirect jumps the processor mispredicted whenever
//! consecutive EBs carried different codes: the index has a few more instructions and is faster (3-4 % of the
//! typical 271's decode time).
use payer_core::Text;

/// A code of one to three bytes as one integer: its bytes and its length, so that equal keys are equal codes;
/// 0 (never a key: the length byte of a key is not 0) for anything longer, or empty.
#[inline]
pub(crate) const fn code_key(code: &[u8]) -> u32 {
    match *code {
        [a] => u32::from_le_bytes([a, 0, 0, 1]),
        [a, b] => u32::from_le_bytes([a, b, 0, 2]),
        [a, b, c] => u32::from_le_bytes([a, b, c, 3]),
        _ => 0,
    }
}

/// The slots of a [`CodeIndex`] of `codes` codes: a power of two at least twice as many, so that a probe
/// mostly stops at its first slot and always reaches an empty one.
pub(crate) const fn slots_for(codes: usize) -> usize {
    (codes * 2).next_power_of_two()
}

/// A key's first slot among `slots` (a power of two): Fibonacci hashing, the top bits of the product.
#[inline]
const fn first_slot(key: u32, slots: usize) -> usize {
    (key.wrapping_mul(0x9E37_79B9) >> (32 - slots.trailing_zeros())) as usize
}

/// Codes of one to three bytes to their position in a list, by open addressing in `SLOTS` slots.
pub(crate) struct CodeIndex<const SLOTS: usize> {
    /// The key in each slot, 0 for an empty one.
    keys: [u32; SLOTS],
    /// The position in the list of the code in each slot.
    positions: [u16; SLOTS],
}

impl<const SLOTS: usize> CodeIndex<SLOTS> {
    /// Indexes the codes of `entries` (at compile time: a code that is not one to three bytes, a duplicate, or
    /// too few slots fails the build).
    pub(crate) const fn new<T>(entries: &[(&[u8], T)]) -> Self {
        assert!(SLOTS.is_power_of_two() && SLOTS >= 2 * entries.len() && entries.len() <= 1 << 16);
        let mut index = CodeIndex {
            keys: [0; SLOTS],
            positions: [0; SLOTS],
        };
        let mut i = 0;
        while i < entries.len() {
            let key = code_key(entries[i].0);
            assert!(key != 0, "a code is one to three bytes");
            let mut slot = first_slot(key, SLOTS);
            while index.keys[slot] != 0 {
                assert!(index.keys[slot] != key, "a code is listed twice");
                slot = (slot + 1) % SLOTS;
            }
            index.keys[slot] = key;
            index.positions[slot] = i as u16;
            i += 1;
        }
        index
    }

    /// The position of `code` in the indexed list, or `None` when it is not in it.
    #[inline]
    pub(crate) fn find(&self, code: &[u8]) -> Option<usize> {
        let key = code_key(code);
        if key == 0 {
            return None;
        }
        let mut slot = first_slot(key, SLOTS);
        // The table is at most half full: the probe reaches an empty slot at the latest.
        loop {
            slot %= SLOTS;
            match self.keys.get(slot).copied() {
                Some(k) if k == key => return self.positions.get(slot).map(|&at| usize::from(at)),
                Some(0) | None => return None,
                Some(_) => slot += 1,
            }
        }
    }
}

/// A code of a table as a `Text` constant (codes are ASCII; a non-UTF-8 literal would give the empty text).
pub(crate) const fn code_text(code: &'static [u8]) -> Text {
    match core::str::from_utf8(code) {
        Ok(code) => Text::from_static(code),
        Err(_) => Text::EMPTY,
    }
}

/// Defines `$name(code) -> Option<&'static str>` and `$text(code) -> Option<(Text, Text)>` over one table of
/// byte-string codes and their names, found through one [`CodeIndex`] (in a module named `$text`).
macro_rules! code_table {
    (
        $(#[$doc:meta])*
        pub fn $name:ident / $text:ident;
        $($code:literal => $label:literal,)*
    ) => {
        $(#[$doc])*
        pub fn $name(code: &str) -> Option<&'static str> {
            $text::INDEX
                .find(code.as_bytes())
                .and_then(|at| $text::ENTRIES.get(at))
                .map(|(_, name)| *name)
        }

        /// The code and its name as response-model texts (compile-time constants), or `None` when the code is
        /// not in the table.
        #[inline]
        pub(crate) fn $text(code: &str) -> Option<(payer_core::Text, payer_core::Text)> {
            $text::INDEX
                .find(code.as_bytes())
                .and_then(|at| $text::TEXTS.get(at))
                .map(|(code, name)| (code.clone(), name.clone()))
        }

        /// The table of `$name` and `$text`.
        mod $text {
            use $crate::codes::table::{code_text, slots_for, CodeIndex};
            use payer_core::Text;

            pub(super) const ENTRIES: &[(&[u8], &str)] = &[$(($code, $label)),*];
            pub(super) static TEXTS: &[(Text, Text)] =
                &[$((const { code_text($code) }, const { Text::from_static($label) })),*];
            pub(super) static INDEX: CodeIndex<{ slots_for(ENTRIES.len()) }> = CodeIndex::new(ENTRIES);
        }
    };
}

pub(crate) use code_table;
