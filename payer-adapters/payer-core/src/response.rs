//! [`EligibilityResponse`]: one payer's answer, normalized from a 271 (or a JSON payer) into the
//! "medical network eligibility v3" shape that provider systems already read.
//!
//! Every field is optional or a list because payers send what they send; the codec fills what the 271 carries
//! and reports anything it had to skip or repair as a [`Warning`]. Member data is wrapped in [`Phi`].
use serde::{Deserialize, Serialize};

pub use crate::benefit::{
    AdditionalInformation, BenefitDetails, BenefitInformation, MessageText, ProcedureIdentifier,
    RelatedEntity, ServiceDelivery,
};
use crate::coverage::Coverage;
use crate::phi::Phi;
use crate::text::Text;
use crate::text_list::TextList;

/// One normalized answer: one 271 transaction set (ST..SE) about one subscriber.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EligibilityResponse {
    /// The inquiry's reference as the payer echoed it (271 BHT03), else the ST02 control number.
    #[serde(default)]
    pub control_number: String,
    /// The payer's identifier from the 2100A NM1*PR, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trading_partner_service_id: Option<String>,
    /// The information receiver (2100B) as the payer names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderInfo>,
    /// The subscriber (2100C).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscriber: Option<ResponseMember>,
    /// Dependents (2100D), each with its relationship to the subscriber.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependents: Vec<ResponseMember>,
    /// The information source (2100A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<PayerInfo>,
    /// Plan identifiers from the 2100C/2100D REF segments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_information: Option<PlanInformation>,
    /// Plan-level dates (2100C/2100D DTP): plan begin/end, eligibility, service date, each with its loop.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan_date_information: Vec<DateInformation>,
    /// Coverage status per service type, from EB01 codes 1-8.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan_status: Vec<PlanStatus>,
    /// One entry per EB segment, with the segments of its 2110 loop.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benefits_information: Vec<BenefitInformation>,
    /// Every AAA segment at every level, and 999/TA1 rejections.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<PayerErrorInfo>,
    /// Deviations from 005010X279A1 the decoder tolerated (never silently dropped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    /// The summary computed from everything above.
    #[serde(default)]
    pub coverage: Coverage,
    /// The raw 271, only when the client asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x12: Option<String>,
}

impl EligibilityResponse {
    /// Whether the answer carries rejections and every one of them is retryable (AAA 42 or 80): the payer
    /// could not answer now, rather than refusing the inquiry.
    pub fn all_rejections_retryable(&self) -> bool {
        !self.errors.is_empty() && self.errors.iter().all(|error| error.retryable)
    }
}

/// The information receiver as the 271 names it (2100B NM1, PRV).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProviderInfo {
    /// NM1103 for an organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
    /// NM104 for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_first_name: Option<String>,
    /// NM103 for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_last_name: Option<String>,
    /// NM109 when NM108 is `XX`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub npi: Option<String>,
    /// NM109 under any other qualifier, with the qualifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_provider_number: Option<String>,
    /// PRV01 provider code, PRV03 taxonomy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_code: Option<String>,
    /// PRV03 reference identification (taxonomy code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_identification: Option<String>,
}

/// A subscriber or dependent as the 271 returns them (2100C/2100D).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResponseMember {
    /// NM109 (member identifier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub member_id: Option<Phi<String>>,
    /// NM104.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub first_name: Option<Phi<String>>,
    /// NM103.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub last_name: Option<Phi<String>>,
    /// NM105.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub middle_name: Option<Phi<String>>,
    /// NM107.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub suffix: Option<Phi<String>>,
    /// DMG02 as sent (`CCYYMMDD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub date_of_birth: Option<Phi<String>>,
    /// DMG03 (`M`, `F`, `U`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// N3/N4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Address>))]
    pub address: Option<Phi<Address>>,
    /// INS01: `Y` for the subscriber, `N` for a dependent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_indicator: Option<String>,
    /// INS02 individual relationship code (`18` self, `01` spouse, `19` child, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_to_subscriber_code: Option<String>,
    /// The name of that relationship.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_to_subscriber: Option<String>,
    /// INS17 birth sequence number, used to tell twins apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_sequence_number: Option<String>,
}

/// A postal address (N3/N4).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// N301.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address1: Option<String>,
    /// N302.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address2: Option<String>,
    /// N401.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// N402.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// N403.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// N404 when outside the US.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
}

/// The information source (2100A), with its contacts (PER).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PayerInfo {
    /// NM101 (`PR` payer, `2B` third-party administrator, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_identifier: Option<String>,
    /// NM103.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// NM109.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payor_identification: Option<String>,
    /// PER segments, flattened as `qualifier: number` pairs with the contact name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contact_information: Vec<Contact>,
}

/// One PER segment.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// PER02.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// PER03..08 as (qualifier, number) pairs: `TE` telephone, `UR` URL, `FX` fax, `EM` email.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub communications: Vec<Communication>,
}

/// One communication number of a PER segment.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Communication {
    /// `TE`, `UR`, `FX`, `EM`, `EX`, ...
    pub qualifier: String,
    /// The number, address or URL.
    pub number: String,
}

/// Plan identifiers (REF) of the subscriber or dependent loop.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PlanInformation {
    /// REF*6P value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_number: Option<String>,
    /// REF*6P description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_description: Option<String>,
    /// REF*18 value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_number: Option<String>,
    /// REF*18 description (often the plan name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_description: Option<String>,
    /// REF*N6 value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_network_id: Option<String>,
    /// REF*IG value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_number: Option<String>,
    /// Every REF of the loop, including those above, so nothing is lost.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
}

/// One REF segment.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    /// REF01.
    pub qualifier_code: Text,
    /// The qualifier's name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<Text>,
    /// REF02. May be an identifier such as a social security number, hence protected.
    #[cfg_attr(feature = "openapi", schema(value_type = Text))]
    pub value: Phi<String>,
    /// REF03.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

/// One DTP segment: a date or a range.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DateInformation {
    /// DTP01 (`346` plan begin, `347` plan end, `291` plan, `307` eligibility, `472` service, ...).
    pub qualifier_code: Text,
    /// The qualifier's name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<Text>,
    /// The date (`CCYYMMDD`), or the first date of a range.
    pub date: Text,
    /// The last date of a range (DTP02 `RD8`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Text>,
    /// For a plan date, the loop it came from: `2100C` (subscriber) or `2100D` (dependent); absent when the
    /// source does not say (a 271 encoder writes such a date to the subscriber loop). Benefit dates leave it
    /// absent: their benefit's `loop` tells.
    #[serde(rename = "loop", default, skip_serializing_if = "Option::is_none")]
    pub loop_id: Option<Text>,
}

/// Coverage status for a set of service types (EB01 1-8).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PlanStatus {
    /// EB01.
    pub status_code: Text,
    /// EB01's name (`Active Coverage`, `Inactive`, ...).
    pub status: Text,
    /// EB05 plan coverage description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_details: Option<Text>,
    /// EB03 service types.
    #[serde(default, skip_serializing_if = "<[Text]>::is_empty")]
    pub service_type_codes: TextList,
}

/// A rejection: an AAA segment at any level, or a 999/TA1 error, normalized.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PayerErrorInfo {
    /// AAA03 reject reason code (`72`, `42`, ...), or the 999/TA1 code prefixed (`TA1-022`, `999-IK5-R`).
    pub code: String,
    /// What the code means.
    pub description: String,
    /// AAA04 follow-up action code (`C`, `N`, `P`, `R`, `S`, `W`, `X`, `Y`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followup_action_code: Option<String>,
    /// What the follow-up action means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followup_action: Option<String>,
    /// Where it was found: the loop (`2000A`, `2100C`, `2110D`, ...) or the envelope (`ISA`, `GS`, `ST`).
    pub location: String,
    /// What the provider can do about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub possible_resolutions: Option<String>,
    /// Whether the same inquiry may succeed later (AAA 42 "unable to respond at current time").
    pub retryable: bool,
}

/// A deviation from the implementation guide that the decoder tolerated.
///
/// Warnings name segments by id and position only, never by content, so they are safe to log.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// A stable machine-readable code (`segment-count-mismatch`, `unexpected-segment`, ...).
    pub code: String,
    /// A sentence for a person, without member data.
    pub message: String,
    /// The segment id concerned, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The segment's 1-based position in the interchange.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
}
