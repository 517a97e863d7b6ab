//! [`FieldError`]: one invalid field, named by its JSON path; [`FieldErrors`] collects them.
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field as a JSON path: `subscriber.dateOfBirth`, `dependents[0].gender`,
    /// `encounter.serviceTypeCodes[2]`.
    #[schema(example = "subscriber.dateOfBirth")]
    pub path: String,
    /// What is wrong with it. Never contains the value that was sent.
    #[schema(example = "must be a date in the format YYYYMMDD")]
    pub message: String,
}

impl FieldError {
    /// An error at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// The field errors found so far, in the order found.
#[derive(Debug, Default)]
pub struct FieldErrors {
    errors: Vec<FieldError>,
}

impl FieldErrors {
    /// Records an error at `path`.
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, message));
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// How many errors have been recorded (a sub-parse compares it before and after).
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// `Ok(value)` when nothing was found, else every error.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }

    /// The errors.
    pub fn into_vec(self) -> Vec<FieldError> {
        self.errors
    }
}
