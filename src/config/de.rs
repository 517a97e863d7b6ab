//! Deserializing a TOML table into a section struct while keeping the key path of the first error.
use serde::de::DeserializeOwned;
use toml::Table;

use super::layered::SECRET_KEYS;

/// Deserializes `table`, or returns `(dotted key, message)` for the first problem.
///
/// The key is the full path of the offending key, including an unknown key's own name
/// (`server.bogus: unknown field ...`), so the error can name it exactly.
pub(crate) fn deserialize_table<T: DeserializeOwned>(table: Table) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(table).map_err(|error| {
        let mut path = error.path().to_string();
        if path == "." {
            path.clear();
        }
        let message = error.inner().message().trim().to_owned();
        // serde reports an unknown key from inside its table; name the key itself.
        if let Some(unknown) = unknown_field(&message) {
            let ends_with_key = path == unknown || path.ends_with(&format!(".{unknown}"));
            if !ends_with_key {
                path = if path.is_empty() {
                    unknown.to_owned()
                } else {
                    format!("{path}.{unknown}")
                };
            }
        }
        if path.is_empty() {
            path.push_str("(top level)");
        }
        // A serde message quotes the value it rejected; a secret's value must not be echoed.
        let last = path.rsplit('.').next().unwrap_or_default();
        if SECRET_KEYS.contains(&last) && !message.starts_with("unknown field") {
            return (path, "must be a string".to_owned());
        }
        (path, message)
    })
}

/// The key of a serde "unknown field `x`, expected ..." message.
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split_once('`').map(|(key, _)| key)
}
