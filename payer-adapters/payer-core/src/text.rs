//! [`Text`]: the string type of the response model's repeating parts (codes, code names, amounts, short text).
//!
//! A 271 carries about twenty short values per EB segment: codes of one to three characters, amounts, a plan
//! name, and the names of the codes from the X12 tables. As `String`s each would be its own heap allocation,
//! and decoding would spend most of its time in the allocator. A `Text` keeps up to 24 bytes inline (no
//! allocation), and a code-table name (`&'static str`) is referenced, not copied ([`Text::from_static`]).
//! Longer values are heap-allocated like a `String`.
//!
//! It derefs to `str` and compares with `str`, `&str` and `String`, serializes as a JSON string, and converts
//! from `&str` and `String` (`"30".into()`), so code that reads the model rarely notices the difference.
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An immutable string of the response model: inline up to 24 bytes, static for code-table names.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(CompactString);

impl Text {
    /// The empty text.
    pub const EMPTY: Text = Text::from_static("");

    /// Wraps a static string (a code-table name) without copying or allocating.
    #[inline]
    pub const fn from_static(value: &'static str) -> Self {
        Text(CompactString::const_new(value))
    }

    /// Copies a string slice (inline when it fits in 24 bytes).
    #[inline]
    pub fn new(value: &str) -> Self {
        Text(CompactString::new(value))
    }

    /// The text as a string slice.
    #[inline]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl Deref for Text {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for Text {
    #[inline]
    fn as_ref(&self) -> &str {
        self.0.as_str()
    }
}

impl Borrow<str> for Text {
    #[inline]
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

impl From<&str> for Text {
    fn from(value: &str) -> Self {
        Text::new(value)
    }
}

impl From<&String> for Text {
    fn from(value: &String) -> Self {
        Text::new(value)
    }
}

impl From<String> for Text {
    fn from(value: String) -> Self {
        Text(CompactString::from(value))
    }
}

impl From<Text> for String {
    fn from(value: Text) -> Self {
        value.0.into_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

/// Prints the text as `String` does: codes and names, never member data (that is wrapped in `Phi`).
impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        CompactString::deserialize(deserializer).map(Text)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Text {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        String::schema()
    }
}

/// Described as a plain JSON string.
#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Text {}

#[cfg(test)]
mod tests {
    use super::Text;

    #[test]
    fn compares_converts_and_serializes_like_a_string() {
        let code = Text::from("30");
        assert_eq!(code, "30");
        assert_eq!("30", code);
        assert_eq!(code, String::from("30"));
        assert_eq!(String::from(code.clone()), "30");
        assert_eq!(format!("{code} {code:?}"), "30 \"30\"");
        let long = Text::from("A PLAN NAME LONGER THAN TWENTY-FOUR BYTES");
        assert_eq!(long.len(), 41);
        assert_eq!(
            Text::from_static("Health Benefit Plan Coverage"),
            "Health Benefit Plan Coverage"
        );
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"30\"");
        let back: Text = serde_json::from_str("\"Deductible\"").unwrap();
        assert_eq!(back, "Deductible");
        assert!(Text::EMPTY.is_empty());
    }
}
