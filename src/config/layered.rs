//! Layering: TOML documents and environment variables merged key by key, remembering where each key came from.
//!
//! The `config` crate would merge for us but forgets which file a value came from; an operator reading
//! "invalid value for burst" then has to guess between three files. Here every leaf key keeps its origin
//! (a file path or an environment variable name), so errors can say `config/payers/acme.toml: rate_limit.burst`.
use std::collections::BTreeMap;

use toml::{Table, Value};

use super::error::{ConfigError, Problems};

/// The prefix of every environment variable the gateway reads as configuration.
pub const ENV_PREFIX: &str = "GATEWAY__";
/// The separator between key segments in an environment variable name.
pub const ENV_SEPARATOR: &str = "__";

/// Keys whose environment values are always taken as text.
pub(crate) const SECRET_KEYS: &[&str] = &["hmac_key"];

/// A merged TOML document and the origin of each of its keys.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    /// The merged keys.
    pub(crate) table: Table,
    /// Where each key came from.
    pub(crate) origins: Origins,
}

/// Dotted key path → origin of the value last written there.
#[derive(Debug, Clone)]
pub(crate) struct Origins {
    by_path: BTreeMap<String, String>,
    /// The origin of the document's first layer, used for keys no layer set (a missing required key).
    base: String,
}

/// One environment variable that overrides a key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EnvOverride {
    /// The variable's name, for error messages.
    pub(crate) variable: String,
    /// Lowercased key segments after the prefix (`["server", "listen"]`).
    pub(crate) path: Vec<String>,
    /// The value: a TOML literal when it parses as one (number, boolean, array, inline table or quoted
    /// string), otherwise the text as a string.
    pub(crate) value: Value,
}

// === impl Document ===

impl Document {
    /// Parses one TOML text as the first layer.
    pub(crate) fn parse(text: &str, origin: &str) -> Result<Document, ConfigError> {
        let table = parse_table(text, origin)?;
        let mut document = Document {
            table: Table::new(),
            origins: Origins {
                by_path: BTreeMap::new(),
                base: origin.to_owned(),
            },
        };
        document.merge(table, origin);
        Ok(document)
    }

    /// Lays `overlay` over this document: tables merge key by key, any other value replaces.
    pub(crate) fn merge(&mut self, overlay: Table, origin: &str) {
        merge_into(&mut self.table, overlay, origin, "", &mut self.origins);
    }

    /// Sets one key from an environment variable, creating tables on the way.
    pub(crate) fn apply_env(&mut self, env: &EnvOverride, skip: usize, problems: &mut Problems) {
        let origin = format!("environment variable {}", env.variable);
        let segments = env.path.get(skip..).unwrap_or_default();
        let Some((last, parents)) = segments.split_last() else {
            problems.push(&origin, &env.path.join("."), "names no key");
            return;
        };
        let mut table = &mut self.table;
        let mut walked: Vec<&str> = Vec::new();
        for segment in parents {
            walked.push(segment);
            let entry = table
                .entry(segment.clone())
                .or_insert_with(|| Value::Table(Table::new()));
            match entry {
                Value::Table(inner) => table = inner,
                _ => {
                    problems.push(
                        &origin,
                        &walked.join("."),
                        "is not a table, so it has no keys to set",
                    );
                    return;
                }
            }
        }
        table.insert(last.clone(), env.value.clone());
        self.origins.record(&segments.join("."), &origin);
    }
}

// === impl Origins ===

impl Origins {
    fn record(&mut self, path: &str, origin: &str) {
        // A replaced table's children now come from the new layer too.
        let children = format!("{path}.");
        self.by_path.retain(|key, _| !key.starts_with(&children));
        self.by_path.insert(path.to_owned(), origin.to_owned());
    }

    /// Where the value at `path` came from: the layer that set it, or that set its closest parent, or the last
    /// layer that set anything below it, or the first layer.
    pub(crate) fn of(&self, path: &str) -> &str {
        if let Some(origin) = self.by_path.get(path) {
            return origin;
        }
        let mut prefix = path;
        while let Some((parent, _)) = prefix.rsplit_once('.') {
            if let Some(origin) = self.by_path.get(parent) {
                return origin;
            }
            prefix = parent;
        }
        let children = format!("{path}.");
        self.by_path
            .range(children.clone()..)
            .take_while(|(key, _)| key.starts_with(&children))
            .map(|(_, origin)| origin.as_str())
            .last()
            .unwrap_or(&self.base)
    }
}

// === functions ===

/// Parses a TOML text into a table, naming the origin in the error.
pub(crate) fn parse_table(text: &str, origin: &str) -> Result<Table, ConfigError> {
    text.parse::<Table>().map_err(|error| {
        let position = error
            .span()
            .map(|span| line_and_column(text, span.start))
            .map(|(line, column)| format!(" (line {line}, column {column})"))
            .unwrap_or_default();
        ConfigError::single(
            origin,
            None,
            format!("not valid TOML{position}: {}", error.message().trim()),
        )
    })
}

/// Reads `GATEWAY__*` variables into overrides. Variables with an empty segment are reported.
pub(crate) fn env_overrides<'a>(
    variables: impl IntoIterator<Item = (&'a str, &'a str)>,
    problems: &mut Problems,
) -> Vec<EnvOverride> {
    let mut overrides = Vec::new();
    for (name, raw) in variables {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let path: Vec<String> = rest
            .split(ENV_SEPARATOR)
            .map(str::to_ascii_lowercase)
            .collect();
        if path.iter().any(String::is_empty) {
            problems.push(
                &format!("environment variable {name}"),
                &path.join("."),
                "has an empty key segment (use `__` only between keys)",
            );
            continue;
        }
        // Secrets are text whatever they look like (a hex key can read as a TOML float), and must never be
        // echoed by a type error.
        let value = if path
            .last()
            .is_some_and(|key| SECRET_KEYS.contains(&key.as_str()))
        {
            Value::String(raw.to_owned())
        } else {
            env_value(raw)
        };
        overrides.push(EnvOverride {
            variable: name.to_owned(),
            path,
            value,
        });
    }
    overrides.sort_by(|a, b| a.variable.cmp(&b.variable));
    overrides
}

/// An environment variable's text as a TOML value: a literal when it is one, else a string.
///
/// `4` is an integer, `true` a boolean, `["30", "88"]` an array, `"0123"` (quoted) a string, and
/// `127.0.0.1:9000` a string. Date-time literals stay strings: no setting takes one.
fn env_value(raw: &str) -> Value {
    let document = format!("v = {raw}");
    match document.parse::<Table>() {
        Ok(mut table) if table.len() == 1 => match table.remove("v") {
            Some(Value::Datetime(_)) | None => Value::String(raw.to_owned()),
            Some(value) => value,
        },
        _ => Value::String(raw.to_owned()),
    }
}

fn merge_into(base: &mut Table, overlay: Table, origin: &str, prefix: &str, origins: &mut Origins) {
    for (key, value) in overlay {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match (base.get_mut(&key), value) {
            (Some(Value::Table(existing)), Value::Table(incoming)) => {
                merge_into(existing, incoming, origin, &path, origins);
                origins
                    .by_path
                    .entry(path)
                    .or_insert_with(|| origin.to_owned());
            }
            (_, Value::Table(incoming)) => {
                origins.record(&path, origin);
                let mut fresh = Table::new();
                merge_into(&mut fresh, incoming, origin, &path, origins);
                base.insert(key, Value::Table(fresh));
            }
            (_, value) => {
                origins.record(&path, origin);
                base.insert(key, value);
            }
        }
    }
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}
