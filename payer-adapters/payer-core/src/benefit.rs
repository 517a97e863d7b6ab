//! [`BenefitInformation`]: one EB segment of a 271 with its 2110 loop, and the parts of that loop.
mod wire;

use serde::{Deserialize, Deserializer, Serialize};

use crate::response::{Address, Contact, DateInformation, Reference};
use crate::text::Text;
use crate::text_list::TextList;

/// One EB segment with the segments of its 2110 loop.
///
/// The EB's own elements are fields; EB13 and the segments that follow an EB in some replies only (HSD, REF,
/// DTP, MSG, III, the 2120 LS/LE entities) are in [`BenefitDetails`], boxed, and absent from the many EBs
/// without any: a benefit is small to build, move and drop. It serializes and deserializes as one flat object,
/// as before the split (see `wire`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BenefitInformation {
    /// `2110C` (subscriber) or `2110D` (dependent).
    #[serde(rename = "loop", default)]
    pub loop_id: Text,
    /// EB01 eligibility or benefit information code.
    pub code: Text,
    /// EB01's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// EB02.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage_level_code: Option<Text>,
    /// EB02's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage_level: Option<Text>,
    /// EB03 (repeating).
    #[serde(default, skip_serializing_if = "<[Text]>::is_empty")]
    pub service_type_codes: TextList,
    /// EB03's names, in the same order.
    #[serde(default, skip_serializing_if = "<[Text]>::is_empty")]
    pub service_types: TextList,
    /// EB04.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance_type_code: Option<Text>,
    /// EB04's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance_type: Option<Text>,
    /// EB05.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_coverage: Option<Text>,
    /// EB06.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_qualifier_code: Option<Text>,
    /// EB06's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_qualifier: Option<Text>,
    /// EB07 monetary amount, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benefit_amount: Option<Text>,
    /// EB08 percent as sent (a fraction: `.2` is 20 %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benefit_percent: Option<Text>,
    /// EB09.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_qualifier_code: Option<Text>,
    /// EB09's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_qualifier: Option<Text>,
    /// EB10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benefit_quantity: Option<Text>,
    /// EB11 (`Y`, `N`, `U`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_or_cert_indicator: Option<Text>,
    /// EB12 (`Y` in network, `N` out of network, `W` not applicable, `U` unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_plan_network_indicator_code: Option<Text>,
    /// EB12's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_plan_network_indicator: Option<Text>,
    /// EB13 and the 2110/2120 segments, when the EB has any ([`BenefitInformation::details`] reads them).
    #[serde(flatten)]
    pub details: Option<Box<BenefitDetails>>,
}

/// The parts of a benefit that most EBs lack: EB13 and the segments of its 2110 and 2120 loops.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BenefitDetails {
    /// EB13 composite medical procedure identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub composite_medical_procedure_identifier: Option<ProcedureIdentifier>,
    /// HSD segments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benefits_service_delivery: Vec<ServiceDelivery>,
    /// 2110 REF segments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benefits_additional_information: Vec<Reference>,
    /// 2110 DTP segments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benefits_date_information: Vec<DateInformation>,
    /// MSG segments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_information: Vec<MessageText>,
    /// III segments (2110 eligibility additional information: place of service, nature of injury).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eligibility_additional_information: Vec<AdditionalInformation>,
    /// 2120 LS/LE loop entities (other payer, PCP, utilization manager, pharmacy benefit manager...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benefits_related_entities: Vec<RelatedEntity>,
}

/// The details of a benefit without any.
static NO_DETAILS: BenefitDetails = BenefitDetails::EMPTY;

impl BenefitDetails {
    /// No procedure, no segments.
    pub const EMPTY: BenefitDetails = BenefitDetails {
        composite_medical_procedure_identifier: None,
        benefits_service_delivery: Vec::new(),
        benefits_additional_information: Vec::new(),
        benefits_date_information: Vec::new(),
        additional_information: Vec::new(),
        eligibility_additional_information: Vec::new(),
        benefits_related_entities: Vec::new(),
    };

    /// Whether there is nothing in it.
    pub fn is_empty(&self) -> bool {
        *self == Self::EMPTY
    }
}

impl BenefitInformation {
    /// EB13 and the 2110/2120 segments (empty when the EB has none).
    pub fn details(&self) -> &BenefitDetails {
        self.details.as_deref().unwrap_or(&NO_DETAILS)
    }

    /// EB13 and the 2110/2120 segments, to add to (made on first use: call it only to add something).
    pub fn details_mut(&mut self) -> &mut BenefitDetails {
        self.details.get_or_insert_with(Box::default)
    }
}

impl<'de> Deserialize<'de> for BenefitInformation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        wire::BenefitJson::deserialize(deserializer).map(Into::into)
    }
}

/// Described as the flat JSON object it serializes to.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for BenefitInformation {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <wire::BenefitJson as utoipa::PartialSchema>::schema()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for BenefitInformation {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("BenefitInformation")
    }

    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <wire::BenefitJson as utoipa::ToSchema>::schemas(schemas);
    }
}

/// EB13: a procedure the benefit applies to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProcedureIdentifier {
    /// EB13-1 (`HC`, `AD`, `N4`, ...).
    pub product_or_service_id_qualifier_code: Text,
    /// EB13-2.
    pub procedure_code: Text,
    /// EB13-3..6.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub procedure_modifiers: Vec<Text>,
}

/// One HSD segment (health care services delivery).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ServiceDelivery {
    /// HSD01 quantity qualifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_qualifier_code: Option<Text>,
    /// HSD02 quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Text>,
    /// HSD03 unit or basis for measurement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_for_measurement_code: Option<Text>,
    /// HSD04 sample selection modulus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_selection_modulus: Option<Text>,
    /// HSD05 time period qualifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_period_qualifier_code: Option<Text>,
    /// HSD06 number of periods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_periods: Option<Text>,
    /// HSD07 delivery frequency code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_frequency_code: Option<Text>,
    /// HSD08 delivery pattern time code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_pattern_time_code: Option<Text>,
}

/// One MSG segment.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessageText {
    /// MSG01.
    pub description: Text,
}

/// One III segment.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdditionalInformation {
    /// III01 code list qualifier (`ZZ` place of service, `GR` nature of injury, `NI`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_list_qualifier_code: Option<Text>,
    /// III02 industry code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry_code: Option<Text>,
    /// III03 code category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_category: Option<Text>,
    /// III04 free-form text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injured_body_part_name: Option<Text>,
}

/// A 2120 loop entity (between LS and LE).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RelatedEntity {
    /// NM101 (`PR` payer, `P3` primary care provider, `X3` utilization management, `13` contracted service provider, ...).
    pub entity_identifier_code: Text,
    /// NM101's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_identifier: Option<Text>,
    /// NM102 (`1` person, `2` non-person).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<Text>,
    /// NM103: organization or family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_name: Option<Text>,
    /// NM104.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_first_name: Option<Text>,
    /// NM108 identification code qualifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_identification: Option<Text>,
    /// NM109.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_identification_value: Option<Text>,
    /// N3/N4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// PER segments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contact_information: Vec<Contact>,
    /// PRV01 provider code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_code: Option<Text>,
    /// PRV03 reference identification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_identification: Option<Text>,
}

#[cfg(test)]
mod tests {
    use super::{BenefitDetails, BenefitInformation, MessageText};

    #[test]
    fn serializes_flat_and_reads_back_without_empty_details() {
        let mut benefit = BenefitInformation {
            loop_id: "2110C".into(),
            code: "1".into(),
            service_type_codes: ["30"].into(),
            ..BenefitInformation::default()
        };
        let plain = serde_json::to_string(&benefit).unwrap();
        assert_eq!(
            plain,
            r#"{"loop":"2110C","code":"1","serviceTypeCodes":["30"]}"#
        );
        let back: BenefitInformation = serde_json::from_str(&plain).unwrap();
        assert_eq!(back, benefit);
        assert!(back.details.is_none() && back.details().is_empty());

        benefit
            .details_mut()
            .additional_information
            .push(MessageText {
                description: "NOTE".into(),
            });
        let detailed = serde_json::to_string(&benefit).unwrap();
        assert_eq!(
            detailed,
            r#"{"loop":"2110C","code":"1","serviceTypeCodes":["30"],"additionalInformation":[{"description":"NOTE"}]}"#
        );
        let back: BenefitInformation = serde_json::from_str(&detailed).unwrap();
        assert_eq!(back, benefit);
        assert!(BenefitDetails::default().is_empty());
    }
}
