//! [`Phi`]: protected health information that never prints itself.
//!
//! Member names, identifiers, dates of birth and addresses are wrapped in `Phi` from the moment they are parsed.
//! `Debug` and `Display` print `[redacted]`, so a stray `{:?}` in a log line or an error message cannot leak them.
//! Serialization is transparent: the value reaches the API client and the payer, which are entitled to it.
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that is protected health information; see the module docs.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phi<T>(T);

impl<T> Phi<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Phi(value)
    }

    /// The protected value, for the few places entitled to it (the wire, the cache key hash, the response body).
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the protected value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Phi<T> {
    fn from(value: T) -> Self {
        Phi(value)
    }
}

impl<T> fmt::Debug for Phi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Phi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T: Serialize> Serialize for Phi<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Phi<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Phi)
    }
}

#[cfg(test)]
mod tests {
    use super::Phi;

    #[test]
    fn debug_and_display_redact() {
        let name = Phi::new(String::from("SMITH"));
        assert_eq!(format!("{name:?} {name}"), "[redacted] [redacted]");
        assert_eq!(name.expose(), "SMITH");
    }
}
