//! [`Coverage`]: the answer a person wants, computed from the benefit segments of a 271.
//!
//! "Active, $25 office-visit copay, $1,200 of $2,000 deductible left, no auth needed": every number here is in
//! dollars (or percent), already split by network and by individual/family, so a front desk can show it as is.
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::text::Text;

/// The summary of one normalized response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    /// Overall status.
    pub status: CoverageStatus,
    /// The plan's name (EB05 of the active coverage, else the plan description REF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_name: Option<Text>,
    /// First day of the plan or of eligibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_begin: Option<NaiveDate>,
    /// Last day of the plan or of eligibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_end: Option<NaiveDate>,
    /// One entry per service type the 271 speaks of, in the order first seen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceCoverage>,
}

/// Overall coverage status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CoverageStatus {
    /// EB01 `1`-`5` for health benefit plan coverage.
    Active,
    /// EB01 `6`-`8`.
    Inactive,
    /// The payer rejected the inquiry (AAA, 999, TA1).
    Rejected,
    /// The response said neither.
    #[default]
    Unknown,
}

/// Benefits for one service type.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ServiceCoverage {
    /// X12 service type code.
    pub service_type_code: Text,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type: Option<Text>,
    /// Whether this service is covered, when the 271 says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// EB11 for this service: `true`, `false`, or `null` when unknown.
    pub authorization_required: Option<bool>,
    /// Benefits in network (EB12 `Y`, or `W` which applies to both).
    pub in_network: NetworkBenefits,
    /// Benefits out of network (EB12 `N`, or `W`).
    pub out_of_network: NetworkBenefits,
}

/// Cost sharing in one network tier.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NetworkBenefits {
    /// EB01 `B`: per-visit copay in dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copay: Option<Decimal>,
    /// EB01 `A`: coinsurance in percent (EB08 `.2` becomes `20`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coinsurance_percent: Option<Decimal>,
    /// EB01 `C`.
    pub deductible: Accumulator,
    /// EB01 `G`.
    pub out_of_pocket: Accumulator,
}

/// A deductible or out-of-pocket maximum, split by coverage level.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Accumulator {
    /// EB02 `IND`.
    pub individual: Amounts,
    /// EB02 `FAM` (and the other family levels).
    pub family: Amounts,
}

/// The total for the period and what remains of it, in dollars.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Amounts {
    /// EB06 a calendar/plan period (`23`, `24`, `25`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Decimal>,
    /// EB06 `29` (remaining).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<Decimal>,
}
