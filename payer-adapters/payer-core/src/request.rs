//! [`EligibilityRequest`]: one validated eligibility inquiry, the input of every payer adapter.
//!
//! The gateway's API layer parses its JSON into this type and rejects what cannot be valid, so adapters may
//! rely on the invariants documented on each field. Member data is wrapped in [`Phi`].
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::phi::Phi;

/// One inquiry about one subscriber (and optionally dependents) at one payer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EligibilityRequest {
    /// Nine ASCII digits; becomes the 270's ST02/BHT03 reference and is echoed in the response.
    pub control_number: String,
    /// The resolved payer id (never an alias): the gateway's registry key and the 270's NM1*PR identifier.
    pub payer_id: String,
    /// The provider asking.
    pub provider: Provider,
    /// The subscriber: the person who holds the policy.
    pub subscriber: Member,
    /// Dependents to check under the subscriber's policy; empty for a subscriber inquiry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependents: Vec<Member>,
    /// What is asked about, and when.
    pub encounter: Encounter,
}

/// The information receiver (2100B): an organization or a person, identified by NPI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    /// Set for an organization (NM1*1P*2); otherwise `last_name` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
    /// Given name of a person provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name of a person provider (NM1*1P*1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Ten-digit National Provider Identifier with a valid Luhn check digit.
    pub npi: String,
}

/// A subscriber or dependent. At least a member id, or a name and date of birth, is present for a subscriber.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The payer's member identifier (NM1*IL ... *MI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<Phi<String>>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<Phi<String>>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<Phi<String>>,
    /// Date of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<Phi<NaiveDate>>,
    /// Administrative gender, as X12 DMG03 codes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
}

/// X12 DMG03 gender codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    /// `M`
    #[serde(rename = "M")]
    Male,
    /// `F`
    #[serde(rename = "F")]
    Female,
    /// `U`
    #[serde(rename = "U")]
    Unknown,
}

impl Gender {
    /// The X12 code.
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "M",
            Gender::Female => "F",
            Gender::Unknown => "U",
        }
    }

    /// Parses an X12 code (`M`, `F`, `U`).
    pub fn from_code(code: &str) -> Option<Gender> {
        match code {
            "M" => Some(Gender::Male),
            "F" => Some(Gender::Female),
            "U" => Some(Gender::Unknown),
            _ => None,
        }
    }
}

/// The subject of the inquiry: service types (EQ01) or one procedure (EQ02), and the date of service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Encounter {
    /// X12 service type codes (table in `payer-x12`); empty only when `procedure_code` is set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_type_codes: Vec<String>,
    /// A procedure code with its qualifier, sent in EQ02 instead of service types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_code: Option<ProcedureCode>,
    /// Date or range of service (DTP*291).
    pub date_of_service: DateOfService,
}

/// A procedure code composite (EQ02): qualifier, code and up to four modifiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcedureCode {
    /// `HC` (CPT/HCPCS), `AD` (ADA dental), `IV` (HIEC), `N4` (NDC), `ZZ` (mutually defined).
    pub qualifier: String,
    /// The code itself.
    pub code: String,
    /// Procedure modifiers, at most four.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<String>,
}

/// A single date of service or an inclusive range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DateOfService {
    /// The date, or the first day of the range.
    pub begin: NaiveDate,
    /// The last day of the range; `None` for a single date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
}
