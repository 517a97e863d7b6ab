//! [`BenefitJson`]: the JSON shape of a [`BenefitInformation`], flat, as the v3 format has it: what a benefit is
//! read from, and what the OpenAPI document describes (a `BenefitInformation` serializes to the same shape).
use serde::Deserialize;

use super::{
    AdditionalInformation, BenefitDetails, BenefitInformation, MessageText, ProcedureIdentifier,
    RelatedEntity, ServiceDelivery,
};
use crate::response::{DateInformation, Reference};
use crate::text::Text;
use crate::text_list::TextList;

/// One EB segment with the segments of its 2110 loop.
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub(super) struct BenefitJson {
    /// `2110C` (subscriber) or `2110D` (dependent).
    #[serde(rename = "loop", default)]
    pub(super) loop_id: Text,
    /// EB01 eligibility or benefit information code.
    pub(super) code: Text,
    /// EB01's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) name: Option<Text>,
    /// EB02.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) coverage_level_code: Option<Text>,
    /// EB02's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) coverage_level: Option<Text>,
    /// EB03 (repeating).
    #[serde(default, skip_serializing_if = "<[Text]>::is_empty")]
    pub(super) service_type_codes: TextList,
    /// EB03's names, in the same order.
    #[serde(default, skip_serializing_if = "<[Text]>::is_empty")]
    pub(super) service_types: TextList,
    /// EB04.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) insurance_type_code: Option<Text>,
    /// EB04's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) insurance_type: Option<Text>,
    /// EB05.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) plan_coverage: Option<Text>,
    /// EB06.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) time_qualifier_code: Option<Text>,
    /// EB06's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) time_qualifier: Option<Text>,
    /// EB07 monetary amount, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) benefit_amount: Option<Text>,
    /// EB08 percent as sent (a fraction: `.2` is 20 %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) benefit_percent: Option<Text>,
    /// EB09.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) quantity_qualifier_code: Option<Text>,
    /// EB09's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) quantity_qualifier: Option<Text>,
    /// EB10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) benefit_quantity: Option<Text>,
    /// EB11 (`Y`, `N`, `U`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) auth_or_cert_indicator: Option<Text>,
    /// EB12 (`Y` in network, `N` out of network, `W` not applicable, `U` unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) in_plan_network_indicator_code: Option<Text>,
    /// EB12's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) in_plan_network_indicator: Option<Text>,
    /// EB13 composite medical procedure identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) composite_medical_procedure_identifier: Option<ProcedureIdentifier>,
    /// HSD segments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) benefits_service_delivery: Vec<ServiceDelivery>,
    /// 2110 REF segments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) benefits_additional_information: Vec<Reference>,
    /// 2110 DTP segments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) benefits_date_information: Vec<DateInformation>,
    /// MSG segments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) additional_information: Vec<MessageText>,
    /// III segments (2110 eligibility additional information: place of service, nature of injury).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) eligibility_additional_information: Vec<AdditionalInformation>,
    /// 2120 LS/LE loop entities (other payer, PCP, utilization manager, pharmacy benefit manager...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) benefits_related_entities: Vec<RelatedEntity>,
}

impl From<BenefitJson> for BenefitInformation {
    fn from(json: BenefitJson) -> Self {
        let details = BenefitDetails {
            composite_medical_procedure_identifier: json.composite_medical_procedure_identifier,
            benefits_service_delivery: json.benefits_service_delivery,
            benefits_additional_information: json.benefits_additional_information,
            benefits_date_information: json.benefits_date_information,
            additional_information: json.additional_information,
            eligibility_additional_information: json.eligibility_additional_information,
            benefits_related_entities: json.benefits_related_entities,
        };
        BenefitInformation {
            loop_id: json.loop_id,
            code: json.code,
            name: json.name,
            coverage_level_code: json.coverage_level_code,
            coverage_level: json.coverage_level,
            service_type_codes: json.service_type_codes,
            service_types: json.service_types,
            insurance_type_code: json.insurance_type_code,
            insurance_type: json.insurance_type,
            plan_coverage: json.plan_coverage,
            time_qualifier_code: json.time_qualifier_code,
            time_qualifier: json.time_qualifier,
            benefit_amount: json.benefit_amount,
            benefit_percent: json.benefit_percent,
            quantity_qualifier_code: json.quantity_qualifier_code,
            quantity_qualifier: json.quantity_qualifier,
            benefit_quantity: json.benefit_quantity,
            auth_or_cert_indicator: json.auth_or_cert_indicator,
            in_plan_network_indicator_code: json.in_plan_network_indicator_code,
            in_plan_network_indicator: json.in_plan_network_indicator,
            details: (!details.is_empty()).then(|| Box::new(details)),
        }
    }
}
