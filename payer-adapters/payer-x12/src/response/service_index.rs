//! [`ServiceIndex`]: where each service type's entry is in the coverage summary being built.
//!
//! A 271 speaks of a dozen service types or so, and consecutive EBs mostly of the same one: the last code is
//! checked first, then a short list is searched (a few compares of one- or two-byte codes cost less than hashing
//! one). A reply naming more than [`LINEAR_LIMIT`] service types, which only a batch or a hostile payer sends,
//! moves the index to a hash map, so that the search never turns quadratic.
use std::collections::HashMap;

/// Codes searched one by one before the index becomes a hash map.
const LINEAR_LIMIT: usize = 16;

/// Service type code to position, for codes borrowed from the benefits being summarized.
#[derive(Default)]
pub(super) struct ServiceIndex<'a> {
    last: Option<(&'a str, usize)>,
    few: Vec<(&'a str, usize)>,
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
            self.few.iter().find(|(c, _)| *c == code).map(|(_, at)| *at)
        } else {
            self.many.get(code).copied()
        }
    }

    fn insert(&mut self, code: &'a str, at: usize) {
        if !self.many.is_empty() {
            self.many.insert(code, at);
        } else if self.few.len() < LINEAR_LIMIT {
            self.few.push((code, at));
        } else {
            self.many = self.few.drain(..).collect();
            self.many.insert(code, at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ServiceIndex, LINEAR_LIMIT};

    #[test]
    fn gives_each_code_one_position_before_and_after_the_switch_to_hashing() {
        let codes: Vec<String> = (0..LINEAR_LIMIT * 3).map(|i| format!("C{i}")).collect();
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
