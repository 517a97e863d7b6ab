//! [`code_table!`]: one code table, two lookups: the name as `&'static str` (the public API) and, for the
//! response model, the code and its name as [`Text`] constants built at compile time.
//!
//! Making a `Text` from a `&str` at run time copies the bytes into its inline buffer; for the dozen codes of
//! every EB segment that copy (and the store-to-load stall after it) showed up as a quarter of the decode time.
//! A code found in the table needs no copy: both texts are constants.
use payer_core::Text;

/// A code of a table as a `Text` constant (codes are ASCII; a non-UTF-8 literal would give the empty text).
pub(crate) const fn code_text(code: &'static [u8]) -> Text {
    match core::str::from_utf8(code) {
        Ok(code) => Text::from_static(code),
        Err(_) => Text::EMPTY,
    }
}

/// Defines `$name(code) -> Option<&'static str>` and `$text(code) -> Option<(Text, Text)>` over one table of
/// byte-string codes and their names.
macro_rules! code_table {
    (
        $(#[$doc:meta])*
        pub fn $name:ident / $text:ident;
        $($code:literal => $label:literal,)*
    ) => {
        $(#[$doc])*
        pub fn $name(code: &str) -> Option<&'static str> {
            Some(match code.as_bytes() {
                $($code => $label,)*
                _ => return None,
            })
        }

        /// The code and its name as response-model texts (compile-time constants), or `None` when the code is
        /// not in the table.
        pub(crate) fn $text(code: &str) -> Option<(payer_core::Text, payer_core::Text)> {
            Some(match code.as_bytes() {
                $($code => (
                    const { $crate::codes::table::code_text($code) },
                    const { payer_core::Text::from_static($label) },
                ),)*
                _ => return None,
            })
        }
    };
}

pub(crate) use code_table;
