//! The request body of `POST /v1/eligibility`, in the industry's "medical network eligibility v3" JSON shape.
//!
//! Every field is optional at this level: a missing field is reported by [`EligibilityRequestDto::parse`]
//! together with every other problem, rather than one at a time by serde. Unknown fields are ignored, as the
//! API this shape comes from ignores them.
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use super::fields::FieldError;
use super::object::{self, Object};

/// One eligibility inquiry.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EligibilityRequestDto {
    /// Nine digits identifying this inquiry (the 270's BHT03/ST02); generated when absent.
    #[schema(example = "123456789")]
    pub control_number: Option<String>,
    /// Required. The payer's id or one of its aliases (see `GET /v1/payers`).
    #[schema(example = "SANDBOX")]
    pub trading_partner_service_id: Option<String>,
    /// Required. The provider asking.
    #[serde(default, deserialize_with = "object::optional")]
    pub provider: Option<ProviderDto>,
    /// Required. The subscriber (policy holder).
    #[serde(default, deserialize_with = "object::optional")]
    pub subscriber: Option<MemberDto>,
    /// Dependents to check under the subscriber's policy (each needs firstName, lastName and dateOfBirth).
    #[serde(default, deserialize_with = "object::optional_list")]
    pub dependents: Option<Vec<MemberDto>>,
    /// What is asked about and when; absent means service type `30` on today's date.
    #[serde(default, deserialize_with = "object::optional")]
    pub encounter: Option<EncounterDto>,
}

/// The information receiver: an organization, or a person, identified by NPI.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderDto {
    /// An organization's name (at most 60 characters); otherwise firstName and lastName.
    #[schema(example = "Happy Valley Clinic")]
    pub organization_name: Option<String>,
    /// A person provider's given name (at most 35 characters).
    pub first_name: Option<String>,
    /// A person provider's family name (at most 60 characters).
    pub last_name: Option<String>,
    /// Required. Ten-digit National Provider Identifier with a valid check digit.
    #[schema(example = "1234567893")]
    pub npi: Option<String>,
}

/// A subscriber or dependent. Its `Debug` prints which fields are present, never their values (PHI).
#[derive(Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberDto {
    /// The payer's member id (2 to 80 characters). A subscriber needs it, or firstName, lastName and dateOfBirth.
    #[schema(example = "ACT00001")]
    pub member_id: Option<String>,
    /// Given name (at most 35 characters).
    #[schema(example = "JOHN")]
    pub first_name: Option<String>,
    /// Family name (at most 60 characters).
    #[schema(example = "DOE")]
    pub last_name: Option<String>,
    /// Date of birth, `YYYYMMDD`, not in the future.
    #[schema(example = "19800102")]
    pub date_of_birth: Option<String>,
    /// `M`, `F` or `U`.
    #[schema(example = "M")]
    pub gender: Option<String>,
}

impl std::fmt::Debug for MemberDto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |present: bool| if present { "[redacted]" } else { "None" };
        f.debug_struct("MemberDto")
            .field("member_id", &redacted(self.member_id.is_some()))
            .field("first_name", &redacted(self.first_name.is_some()))
            .field("last_name", &redacted(self.last_name.is_some()))
            .field("date_of_birth", &redacted(self.date_of_birth.is_some()))
            .field("gender", &self.gender)
            .finish()
    }
}

/// What is asked about: service types or one procedure, and the date or range of service.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EncounterDto {
    /// X12 service type codes (EQ01), at most 99; none (and no procedure code) means `30`.
    #[schema(example = json!(["30"]))]
    pub service_type_codes: Option<Vec<String>>,
    /// A procedure code (EQ02-2), in the format its qualifier implies.
    #[schema(example = "99213")]
    pub procedure_code: Option<String>,
    /// The procedure code's qualifier: `HC` (CPT/HCPCS), `CJ` (CPT), `AD` (ADA dental), `N4` (NDC),
    /// `ID` (ICD-9-CM procedure), `IV` (HIEC), `ZZ` (mutually defined).
    #[serde(rename = "productOrServiceIDQualifier")]
    #[schema(example = "HC")]
    pub product_or_service_id_qualifier: Option<String>,
    /// Up to four two-character procedure modifiers.
    pub procedure_modifiers: Option<Vec<String>>,
    /// The date of service, `YYYYMMDD`; absent (and no range) means today. At most 12 months back and no
    /// later than the end of the current month.
    #[schema(example = "20240315")]
    pub date_of_service: Option<String>,
    /// The first day of a range of service, `YYYYMMDD` (with endDateOfService).
    pub beginning_date_of_service: Option<String>,
    /// The last day of a range of service, `YYYYMMDD` (with beginningDateOfService).
    pub end_date_of_service: Option<String>,
}

// === impl EligibilityRequestDto ===

impl EligibilityRequestDto {
    /// Reads the DTO from JSON: a parsed value, or the text of one. A value of the wrong JSON type is
    /// reported at its path; the message says what was expected, never what was sent.
    /// A body that is not a JSON object is reported with an empty path.
    pub fn from_json<'de, D: Deserializer<'de>>(
        json: D,
    ) -> Result<EligibilityRequestDto, FieldError> {
        serde_path_to_error::deserialize(json)
            .map(|Object(dto)| dto)
            .map_err(|error| {
                let path = match error.path().to_string() {
                    root if root == "." => String::new(),
                    path => path,
                };
                FieldError::new(path, type_error_message(&error.inner().to_string()))
            })
    }
}

/// Rewrites a serde data error without the value: serde phrases them `invalid type: string "x", expected
/// a sequence`, and only the part after `expected` comes from our types rather than from the input.
/// A parser's message may end with where the value was (` at line 1 column 112`); that part is dropped.
fn type_error_message(serde_message: &str) -> String {
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let serde_message = match serde_message.rsplit_once(" at line ") {
        Some((message, position))
            if position
                .split_once(" column ")
                .is_some_and(|(line, column)| digits(line) && digits(column)) =>
        {
            message
        }
        _ => serde_message,
    };
    match serde_message.rsplit_once(", expected ") {
        Some((_, expected)) if expected.starts_with("struct ") => {
            "has the wrong type: expected an object".to_owned()
        }
        Some((_, "a sequence")) => "has the wrong type: expected an array".to_owned(),
        Some((_, expected)) => format!("has the wrong type: expected {expected}"),
        None => "has the wrong type".to_owned(),
    }
}
