//! [`ServiceIndex`]: where each service type's entry is in the coverage summary being built.
//!
//! A 271 speaks of a dozen or two service types, and consecutive EBs mostly of the same one. Service type codes
//! are one or two bytes, so each code of up to three bytes is one integer ([`code_key`]): the last key is checked
//! first, then a small open-addressing table of [`SLOTS`] keys, which costs a multiply and a compare or two. A
//! reply naming more than [`TABLE_LIMIT`] service types, which only a hostile payer sends, moves the index to a
//! hash map, so that probing never degrades; codes longer than three bytes (not service types at all) are hashed
//! as strings.
//!
//! The index owns its keys: it borrows nothing from the benefits being summarized.
use std::collections::HashMap;

use crate::codes::table::code_key;

/// Slots of the table (a power of two).
const SLOTS: usize = 64;
/// Codes kept in the table before the index becomes a hash map (three quarters of the slots at most).
const TABLE_LIMIT: usize = 48;

/// Service type code to position.
pub(super) struct ServiceIndex {
    last: Option<(u32, usize)>,
    /// Keys (0 for an empty slot: a key is never 0, its length byte is not) and their positions.
    keys: [u32; SLOTS],
    positions: [usize; SLOTS],
    count: usize,
    many: HashMap<u32, usize>,
    long: HashMap<Box<str>, usize>,
}

impl Default for ServiceIndex {
    fn default() -> Self {
        ServiceIndex {
            last: None,
            keys: [0; SLOTS],
            positions: [0; SLOTS],
            count: 0,
            many: HashMap::new(),
            long: HashMap::new(),
        }
    }
}

impl ServiceIndex {
    /// The position of `code`, or the one `add` gives it (called only for a code not seen before).
    #[inline]
    pub(super) fn position(&mut self, code: &str, add: impl FnOnce() -> usize) -> usize {
        match (code_key(code.as_bytes()), self.last) {
            (0, _) => self.long_code(code, add),
            // The usual case, checked where it is called: the same service type as the last benefit's.
            (wanted, Some((seen, at))) if seen == wanted => at,
            (wanted, _) => self.search(wanted, add),
        }
    }

    fn long_code(&mut self, code: &str, add: impl FnOnce() -> usize) -> usize {
        if let Some(&at) = self.long.get(code) {
            return at;
        }
        let at = add();
        self.long.insert(code.into(), at);
        at
    }

    fn search(&mut self, wanted: u32, add: impl FnOnce() -> usize) -> usize {
        let at = if self.count < TABLE_LIMIT {
            self.in_table(wanted, add)
        } else {
            *self.many.entry(wanted).or_insert_with(add)
        };
        self.last = Some((wanted, at));
        at
    }

    /// Finds or adds `wanted` in the table (which has room), moving to the hash map once it is full.
    fn in_table(&mut self, wanted: u32, add: impl FnOnce() -> usize) -> usize {
        // Fibonacci hashing: the top bits of the product spread keys that differ in any byte.
        let mut slot = (wanted.wrapping_mul(0x9E37_79B9) >> 26) as usize;
        loop {
            slot %= SLOTS;
            match self.keys.get(slot).copied() {
                Some(k) if k == wanted => return self.positions.get(slot).copied().unwrap_or(0),
                Some(0) => break,
                _ => slot += 1,
            }
        }
        let at = add();
        if let (Some(k), Some(p)) = (self.keys.get_mut(slot), self.positions.get_mut(slot)) {
            *k = wanted;
            *p = at;
        }
        self.count += 1;
        if self.count == TABLE_LIMIT {
            self.many = self
                .keys
                .iter()
                .zip(self.positions)
                .filter(|(k, _)| **k != 0)
                .map(|(k, at)| (*k, at))
                .collect();
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::{ServiceIndex, TABLE_LIMIT};

    #[test]
    fn gives_each_code_one_position_before_and_after_the_switch_to_hashing() {
        // Short codes, long ones (hashed as strings), and more of them than the table holds.
        let mut codes: Vec<String> = (0..TABLE_LIMIT * 3).map(|i| format!("{i}")).collect();
        codes.extend(["LONGER1", "LONGER2", "A", "AB"].map(String::from));
        let mut index = ServiceIndex::default();
        let mut next = 0;
        for round in 0..2 {
            for (i, code) in codes.iter().enumerate() {
                let at = index.position(code, || {
                    next += 1;
                    next - 1
                });
                assert_eq!(at, i, "round {round}, code {code}");
            }
        }
        assert_eq!(next, codes.len(), "each code added once");
    }
}
