//! What the gateway sends, as the sandbox payer captured it: every 270 decodes with the codec and matches
//! the request field by field, its envelope carries the configured ids, and the control numbers and the
//! CORE PayloadID in `meta` are the ones on the wire. The JSON transport's request matches too.
use chrono::{Duration as Days, NaiveDate};
use payer_core::{EligibilityRequest, Gender};
use payer_core_connectivity::{mime, soap};
use payer_x12::inquiry::decode_270;
use payer_x12::tokenizer::tokenize;
use serde_json::{json, Value};

use crate::helpers::*;

/// Two requests: a person provider, a dependent and a range of dates; an organization and a procedure.
fn requests(payer: &str, today: NaiveDate) -> Vec<(String, Value)> {
    let begin = (today - Days::days(10)).format("%Y%m%d").to_string();
    let end = today.format("%Y%m%d").to_string();
    let first = member("DEP");
    let second = member("ACT");
    vec![
        (
            first.clone(),
            json!({
                "controlNumber": "123456789",
                "tradingPartnerServiceId": payer,
                "provider": {"firstName": "MARCUS", "lastName": "WELBY", "npi": NPI},
                "subscriber": {"memberId": first, "firstName": "JANE", "lastName": "DOE", "dateOfBirth": "19800102", "gender": "F"},
                "dependents": [{"firstName": "JOHNNY", "lastName": "DOE", "dateOfBirth": "20150304", "gender": "M"}],
                "encounter": {"serviceTypeCodes": ["30", "98", "88"], "beginningDateOfService": begin, "endDateOfService": end}
            }),
        ),
        (
            second.clone(),
            json!({
                "controlNumber": "000004321",
                "tradingPartnerServiceId": payer,
                "provider": {"organizationName": "HAPPY VALLEY CLINIC", "npi": NPI},
                "subscriber": {"memberId": second, "firstName": "ANA", "lastName": "LOPEZ", "dateOfBirth": "19751230", "gender": "U"},
                "encounter": {"procedureCode": "99213", "productOrServiceIDQualifier": "HC", "dateOfService": end}
            }),
        ),
    ]
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y%m%d").unwrap()
}

fn gender(code: &str) -> Gender {
    Gender::from_code(code).unwrap()
}

/// The decoded 270 says what the request said.
fn same_inquiry(sent: &Value, decoded: &EligibilityRequest, payer: &str) {
    assert_eq!(
        decoded.control_number,
        sent["controlNumber"].as_str().unwrap()
    );
    assert_eq!(decoded.payer_id, payer, "2100A NM109");
    let provider = &sent["provider"];
    assert_eq!(decoded.provider.npi, NPI);
    assert_eq!(
        decoded.provider.organization_name.as_deref(),
        provider["organizationName"].as_str()
    );
    assert_eq!(
        decoded.provider.first_name.as_deref(),
        provider["firstName"].as_str()
    );
    assert_eq!(
        decoded.provider.last_name.as_deref(),
        provider["lastName"].as_str()
    );
    let members = std::iter::once((&sent["subscriber"], &decoded.subscriber)).chain(
        sent["dependents"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .zip(&decoded.dependents),
    );
    for (sent, decoded) in members {
        assert_eq!(
            decoded.member_id.as_ref().map(|v| v.expose().as_str()),
            sent["memberId"].as_str()
        );
        assert_eq!(
            decoded.first_name.as_ref().unwrap().expose(),
            &sent["firstName"]
        );
        assert_eq!(
            decoded.last_name.as_ref().unwrap().expose(),
            &sent["lastName"]
        );
        assert_eq!(
            *decoded.date_of_birth.as_ref().unwrap().expose(),
            date(sent["dateOfBirth"].as_str().unwrap())
        );
        assert_eq!(
            decoded.gender,
            Some(gender(sent["gender"].as_str().unwrap()))
        );
    }
    assert_eq!(
        decoded.dependents.len(),
        sent["dependents"].as_array().map_or(0, Vec::len)
    );
    let encounter = &sent["encounter"];
    match encounter["procedureCode"].as_str() {
        Some(code) => {
            let procedure = decoded.encounter.procedure_code.as_ref().unwrap();
            assert_eq!(procedure.code, code);
            assert_eq!(procedure.qualifier, "HC");
        }
        None => {
            let sent: Vec<&str> = encounter["serviceTypeCodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(decoded.encounter.service_type_codes, sent);
        }
    }
    let dates = decoded.encounter.date_of_service;
    match encounter["dateOfService"].as_str() {
        Some(day) => assert_eq!((dates.begin, dates.end), (date(day), None)),
        None => assert_eq!(
            (dates.begin, dates.end),
            (
                date(encounter["beginningDateOfService"].as_str().unwrap()),
                Some(date(encounter["endDateOfService"].as_str().unwrap()))
            )
        ),
    }
}

/// The exchange the sandbox payer kept for `member`.
fn exchange_of<'a>(exchanges: &'a [Value], member: &str) -> &'a Value {
    exchanges
        .iter()
        .find(|e| e["request"].as_str().unwrap().contains(member))
        .unwrap_or_else(|| panic!("no exchange for the member"))
}

async fn sent_as_asked(transport: Transport) {
    let sandbox = sandbox_payer(&[]);
    let gateway = Gateway::start(&sandbox, &[]);
    let today = chrono::Local::now().date_naive();
    let mut answers = Vec::new();
    for (member, body) in requests(transport.payer, today) {
        let answer = gateway.check(&body, &[]).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answers.push((member, body, answer));
    }
    let exchanges = exchanges(&sandbox).await;
    for (member, sent, answer) in &answers {
        let exchange = exchange_of(&exchanges, member);
        assert_eq!(exchange["protocol"], transport.kind);
        let meta = &answer.body["meta"]["x12"][0];
        if !transport.sends_x12() {
            let json: Value = serde_json::from_str(exchange["request"].as_str().unwrap()).unwrap();
            assert_eq!(
                json["tradingPartnerServiceId"], "SANDBOX",
                "the configured partner id"
            );
            for key in ["controlNumber", "provider", "subscriber", "encounter"] {
                assert_eq!(json[key], sent[key], "{key}");
            }
            assert_eq!(json["dependents"], sent["dependents"]);
            continue;
        }
        let x12 = exchange["x12"].as_str().unwrap();
        let decoded = decode_270(x12.as_bytes()).unwrap();
        assert_eq!(decoded.len(), 1);
        same_inquiry(sent, &decoded[0], transport.payer);

        let tokens = tokenize(x12.as_bytes()).unwrap();
        let segments: Vec<_> = tokens.segments().collect();
        let isa = segments[0];
        assert_eq!(isa.element(6), Some("ELIGGATEWAY"));
        assert_eq!(isa.element(8), Some("SANDBOX"));
        assert_eq!(isa.element(15), Some("T"));
        assert_eq!(isa.element(13), meta["interchangeControlNumber"].as_str());
        let st = segments.iter().find(|s| s.is("ST")).unwrap();
        assert_eq!(st.element(2), meta["transactionSetControlNumber"].as_str());
        assert_eq!(st.element(3), Some("005010X279A1"));

        if transport.is_core() {
            let body = exchange["request"].as_str().unwrap();
            let (envelope, credentials) = if transport.kind == "x12-core-soap" {
                let parsed = soap::parse_request(body.as_bytes()).unwrap();
                (parsed.envelope, parsed.credentials)
            } else {
                let content_type = exchange["requestContentType"].as_str().unwrap();
                let parsed = mime::parse_request(content_type, body.as_bytes()).unwrap();
                (parsed.envelope, parsed.credentials)
            };
            assert_eq!(
                Some(envelope.payload_id.as_str()),
                meta["payloadId"].as_str()
            );
            assert_eq!(envelope.payload_type, "X12_270_Request_005010X279A1");
            assert_eq!(envelope.processing_mode, "RealTime");
            assert_eq!(envelope.sender_id, "ELIGGATEWAY");
            assert_eq!(envelope.receiver_id, "SANDBOX");
            assert_eq!(envelope.core_rule_version, "2.2.0");
            assert!(chrono::DateTime::parse_from_rfc3339(&envelope.timestamp).is_ok());
            assert_eq!(envelope.payload, x12);
            assert_eq!(credentials.unwrap().username, "gateway");
        }
    }
    // Each PayloadID is fresh.
    if transport.is_core() {
        assert_ne!(
            answers[0].2.body["meta"]["x12"][0]["payloadId"],
            answers[1].2.body["meta"]["x12"][0]["payloadId"]
        );
    }
    let last = sandbox_get(&sandbox, "/stats/last-270s").await;
    let kept = last["inquiries"].as_array().unwrap().len();
    assert_eq!(kept, if transport.sends_x12() { 2 } else { 0 });
}

#[tokio::test]
async fn core_soap_sends_what_was_asked() {
    sent_as_asked(TRANSPORTS[0]).await;
}

#[tokio::test]
async fn core_mime_sends_what_was_asked() {
    sent_as_asked(TRANSPORTS[1]).await;
}

#[tokio::test]
async fn x12_http_sends_what_was_asked() {
    sent_as_asked(TRANSPORTS[2]).await;
}

#[tokio::test]
async fn chc_json_sends_what_was_asked() {
    sent_as_asked(TRANSPORTS[3]).await;
}
