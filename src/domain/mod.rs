//! The API's request model: the JSON DTOs clients send, and their parsing into a validated
//! [`payer_core::EligibilityRequest`].
//!
//! Parsing happens in two steps, both of which name the offending field as a JSON path
//! (`subscriber.dateOfBirth`, `dependents[0].gender`, `encounter.serviceTypeCodes[2]`):
//!
//! 1. [`EligibilityRequestDto::from_json`]: the JSON (a value, or its text) into the DTO (wrong JSON types).
//! 2. [`EligibilityRequestDto::parse`]: the DTO into the domain type, collecting *every* field error in one
//!    pass so that a client fixes them all at once.
//!
//! Error messages never echo the value that was sent: names, member ids and dates of birth are PHI.
//! Validation takes `today` as a parameter, so the date window rules are deterministic in tests.

mod dates;
mod dto;
mod fields;
mod npi;
mod object;
mod parse;
mod procedure;
mod text;

#[cfg(test)]
mod tests;

pub use dto::{EligibilityRequestDto, EncounterDto, MemberDto, ProviderDto};
pub use fields::{FieldError, FieldErrors};
pub use parse::{generate_control_number, DEFAULT_SERVICE_TYPE, MAX_DEPENDENTS};
