//! The inquiry in the v3 JSON request shape (camelCase; dates `YYYYMMDD`), as the remote server reads it.
use payer_core::{DateOfService, EligibilityRequest, Member};
use serde::Serialize;

/// The v3 request body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct V3Request<'a> {
    control_number: &'a str,
    trading_partner_service_id: &'a str,
    provider: V3Provider<'a>,
    subscriber: V3Member<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dependents: Vec<V3Member<'a>>,
    encounter: V3Encounter<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct V3Provider<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    npi: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct V3Member<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    member_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_of_birth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gender: Option<&'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct V3Encounter<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    service_type_codes: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    procedure_code: Option<&'a str>,
    #[serde(
        rename = "productOrServiceIDQualifier",
        skip_serializing_if = "Option::is_none"
    )]
    product_or_service_id_qualifier: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    procedure_modifiers: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_of_service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    beginning_date_of_service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date_of_service: Option<String>,
}

/// The v3 request for `request`, naming the payer `trading_partner_service_id`.
pub(crate) fn v3_request<'a>(
    request: &'a EligibilityRequest,
    trading_partner_service_id: &'a str,
) -> V3Request<'a> {
    let procedure = request.encounter.procedure_code.as_ref();
    let DateOfService { begin, end } = request.encounter.date_of_service;
    let (single, range) = match end {
        Some(end) if end != begin => (None, Some((yyyymmdd(begin), yyyymmdd(end)))),
        _ => (Some(yyyymmdd(begin)), None),
    };
    let (range_begin, range_end) = range.unzip();
    V3Request {
        control_number: &request.control_number,
        trading_partner_service_id,
        provider: V3Provider {
            organization_name: request.provider.organization_name.as_deref(),
            first_name: request.provider.first_name.as_deref(),
            last_name: request.provider.last_name.as_deref(),
            npi: &request.provider.npi,
        },
        subscriber: member(&request.subscriber),
        dependents: request.dependents.iter().map(member).collect(),
        encounter: V3Encounter {
            service_type_codes: request
                .encounter
                .service_type_codes
                .iter()
                .map(String::as_str)
                .collect(),
            procedure_code: procedure.map(|p| p.code.as_str()),
            product_or_service_id_qualifier: procedure.map(|p| p.qualifier.as_str()),
            procedure_modifiers: procedure
                .map(|p| p.modifiers.iter().map(String::as_str).collect())
                .unwrap_or_default(),
            date_of_service: single,
            beginning_date_of_service: range_begin,
            end_date_of_service: range_end,
        },
    }
}

fn member(m: &Member) -> V3Member<'_> {
    V3Member {
        member_id: m.member_id.as_ref().map(|v| v.expose().as_str()),
        first_name: m.first_name.as_ref().map(|v| v.expose().as_str()),
        last_name: m.last_name.as_ref().map(|v| v.expose().as_str()),
        date_of_birth: m.date_of_birth.as_ref().map(|d| yyyymmdd(*d.expose())),
        gender: m.gender.map(|g| g.code()),
    }
}

fn yyyymmdd(date: chrono::NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}
