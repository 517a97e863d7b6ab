//! [`TextList`]: the list type of the response model's short repeating values (EB03 service types and their names).
//!
//! An EB segment names one service type far more often than several, and a `Vec` would allocate for that one.
//! A `TextList` holds one value inline and moves to the heap from the second; it derefs to `[Text]`, so it reads
//! like a slice, and serializes as a JSON array.
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smallvec::SmallVec;

use crate::text::Text;

/// A list of [`Text`]s with room for one without allocating.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct TextList(SmallVec<[Text; 1]>);

impl TextList {
    /// The empty list.
    pub const fn new() -> Self {
        TextList(SmallVec::new_const())
    }

    /// Appends a value.
    #[inline]
    pub fn push(&mut self, value: Text) {
        self.0.push(value);
    }
}

impl Deref for TextList {
    type Target = [Text];

    #[inline]
    fn deref(&self) -> &[Text] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a TextList {
    type Item = &'a Text;
    type IntoIter = std::slice::Iter<'a, Text>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl FromIterator<Text> for TextList {
    fn from_iter<I: IntoIterator<Item = Text>>(iter: I) -> Self {
        TextList(iter.into_iter().collect())
    }
}

impl<T: Into<Text>> From<Vec<T>> for TextList {
    fn from(values: Vec<T>) -> Self {
        values.into_iter().map(Into::into).collect()
    }
}

impl<T: Into<Text>, const N: usize> From<[T; N]> for TextList {
    fn from(values: [T; N]) -> Self {
        values.into_iter().map(Into::into).collect()
    }
}

impl<T> PartialEq<[T]> for TextList
where
    Text: PartialEq<T>,
{
    fn eq(&self, other: &[T]) -> bool {
        self.0.len() == other.len() && self.0.iter().zip(other).all(|(a, b)| a == b)
    }
}

impl<T, const N: usize> PartialEq<[T; N]> for TextList
where
    Text: PartialEq<T>,
{
    fn eq(&self, other: &[T; N]) -> bool {
        *self == other[..]
    }
}

impl<T> PartialEq<Vec<T>> for TextList
where
    Text: PartialEq<T>,
{
    fn eq(&self, other: &Vec<T>) -> bool {
        *self == other[..]
    }
}

/// Prints as a list of strings, like `Vec<String>` does.
impl fmt::Debug for TextList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl Serialize for TextList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter())
    }
}

impl<'de> Deserialize<'de> for TextList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Text>::deserialize(deserializer).map(|values| TextList(SmallVec::from_vec(values)))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for TextList {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        Vec::<String>::schema()
    }
}

/// Described as a JSON array of strings.
#[cfg(feature = "openapi")]
impl utoipa::ToSchema for TextList {}

#[cfg(test)]
mod tests {
    use super::TextList;
    use crate::text::Text;

    #[test]
    fn holds_one_inline_reads_as_a_slice_and_serializes_as_an_array() {
        let mut list = TextList::new();
        assert!(list.is_empty());
        list.push(Text::from("30"));
        assert_eq!(list, ["30"]);
        list.push(Text::from("98"));
        assert_eq!(list.len(), 2);
        assert_eq!(list, vec!["30", "98"]);
        assert_eq!(format!("{list:?}"), r#"["30", "98"]"#);
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(json, r#"["30","98"]"#);
        let back: TextList = serde_json::from_str(&json).unwrap();
        assert_eq!(back, list);
        assert_eq!(TextList::from(["1", "2"]).iter().count(), 2);
    }
}
