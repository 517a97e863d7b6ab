//! [`ConfigError`]: every reason a configuration is refused, each naming the file (or environment variable)
//! and the key.
use std::fmt;

/// A configuration the gateway cannot honour: one line per problem found.
///
/// Validation collects every problem it can find in one pass, so an operator fixes them all at once instead
/// of one per restart. Messages name files, keys and constraints; they never echo secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The problems, in the order found. Never empty.
    pub problems: Vec<Problem>,
}

/// One problem: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (`config/payers/acme.toml`, `/etc/gateway.toml`) or environment variable
    /// (`environment variable GATEWAY__SERVER__LISTEN`) the offending value came from.
    pub origin: String,
    /// The dotted key (`rate_limit.burst`); `None` when the file as a whole is the problem (unreadable,
    /// not TOML).
    pub key: Option<String>,
    /// What is wrong, as a sentence fragment (`must be at least 1`).
    pub message: String,
}

// === impl ConfigError ===

impl ConfigError {
    /// One problem.
    pub fn single(
        origin: impl Into<String>,
        key: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        ConfigError {
            problems: vec![Problem {
                origin: origin.into(),
                key,
                message: message.into(),
            }],
        }
    }

    /// Whether any problem concerns this key (used by tests and by callers that explain errors).
    pub fn mentions_key(&self, key: &str) -> bool {
        self.problems.iter().any(|p| p.key.as_deref() == Some(key))
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

// === impl Problem ===

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            Some(key) => write!(f, "{}: {}: {}", self.origin, key, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

/// Collects problems during validation.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    problems: Vec<Problem>,
}

impl Problems {
    pub(crate) fn push(&mut self, origin: &str, key: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            origin: origin.to_owned(),
            key: Some(key.to_owned()),
            message: message.into(),
        });
    }

    pub(crate) fn extend(&mut self, error: ConfigError) {
        self.problems.extend(error.problems);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.problems.len()
    }

    /// The problems as an error; one generic problem if, against expectations, there are none.
    pub(crate) fn into_error(self) -> ConfigError {
        if self.problems.is_empty() {
            return ConfigError::single("configuration", None, "is invalid");
        }
        ConfigError {
            problems: self.problems,
        }
    }

    /// `Ok(value)` when nothing was found, else every problem.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, ConfigError> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(ConfigError {
                problems: self.problems,
            })
        }
    }
}
