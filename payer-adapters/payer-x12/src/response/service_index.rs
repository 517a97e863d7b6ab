//! [`ServiceIndex`]: where each service type's entry is in the coverage summary being built.
//!
//! A 271 speaks of a dozen or two service types, and consecutive EBs mostly of the same one: the last code is
//! checked first, then a short list is searched, comparing each code as one integer ([`key`]: service type codes
//! are one or two bytes), which costs less than hashing it. A reply naming more than [`LINEAR_LIMIT`] service
//! types, which only a hostile payer sends, moves the index to a hash map, so that the search never turns
//! quadratic.
use std::collections::HashMap;

/// Codes searched one by one before the index becomes a hash map.
const LINEAR_LIMIT: usize = 48;

/// Service type code to position, for codes borrowed from the benefits being summarized.
#[derive(Default)]
pub(super) struct ServiceIndex<'a> {
    last: Option<(&'a str, usize)>,
    few: Vec<(u32, &'a str, usize)>,
    many: HashMap<&'a str, usize>,
}

impl<'a> ServiceIndex<'a> {
    /// The position of `code`, or the one `add` gives it (called only for a code not seen before).
    pub(super) fn position(&mut self, code: &'a str, add: impl FnOnce() -> usize) -> usize {
        if let Some((seen, at)) = self.last {
            if seen == code {
                return at;
            }
        }
        let at = match self.find(code) {
            Some(at) => at,
            None => {
                let at = add();
                self.insert(code, at);
                at
            }
        };
        self.last = Some((code, at));
        at
    }

    fn find(&self, code: &str) -> Option<usize> {
        if self.many.is_empty() {
            let wanted = key(code);
            self.few
                .iter()
                .find(|(k, c, _)| *k == wanted && (wanted != LONG || *c == code))
                .map(|(_, _, at)| *at)
        } else {
            self.many.get(code).copied()
        }
    }

    fn insert(&mut self, code: &'a str, at: usize) {
        if !self.many.is_empty() {
            self.many.insert(code, at);
        } else if self.few.len() < LINEAR_LIMIT {
            self.few.push((key(code), code, at));
        } else {
            self.many = self.few.drain(..).map(|(_, c, at)| (c, at)).collect();
            self.many.insert(code, at);
        }
    }
}

/// The key of codes longer than three bytes, which are then compared as strings.
const LONG: u32 = u32::MAX;

/// A code of up to three bytes as one integer (its bytes and its length: equal keys are equal codes).
fn key(code: &str) -> u32 {
    match *code.as_bytes() {
        [a] => u32::from_le_bytes([a, 0, 0, 1]),
        [a, b] => u32::from_le_bytes([a, b, 0, 2]),
        [a, b, c] => u32::from_le_bytes([a, b, c, 3]),
        _ => LONG,
    }
}

#[cfg(test)]
mod tests {
    use super::{ServiceIndex, LINEAR_LIMIT};

    #[test]
    fn gives_each_code_one_position_before_and_after_the_switch_to_hashing() {
        // Short codes, long ones (compared as strings), and more of them than the linear limit.
        let mut codes: Vec<String> = (0..LINEAR_LIMIT * 3).map(|i| format!("{i}")).collect();
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
