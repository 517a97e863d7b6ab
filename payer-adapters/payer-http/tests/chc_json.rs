//! The JSON eligibility API adapter against an in-test server: the v3 request it sends, its answers and
//! error bodies. OAuth2 is in `chc_oauth.rs`.
use std::time::Duration;

use chrono::NaiveDate;
use payer_core::{AdapterError, CoverageStatus, DateOfService, PayerAdapter, ProcedureCode};
use payer_x12::Reply;
use serde_json::{json, Value};
use wiremock::ResponseTemplate;

mod common;

use common::chc::{active_answer, answer};

#[tokio::test]
async fn sends_the_v3_request_and_reads_the_answer() {
    let (expected, body) = active_answer();
    let (server, adapter) = answer(ResponseTemplate::new(200).set_body_json(body)).await;
    let reply = adapter.check(&common::request()).await.unwrap();
    assert_eq!(reply.response, expected);
    assert_eq!(reply.response.coverage.status, CoverageStatus::Active);
    assert_eq!(
        reply.exchange.interchange_control_number.as_deref(),
        Some("000000101")
    );
    assert!(reply.exchange.raw.as_deref().unwrap().contains("\"meta\""));

    let requests = server.received_requests().await.unwrap();
    let api: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path() == "/eligibility/v3")
        .collect();
    assert_eq!(api[0].headers.get("authorization").unwrap(), "Bearer t1");
    let sent: Value = serde_json::from_slice(&api[0].body).unwrap();
    assert_eq!(
        sent,
        json!({
            "controlNumber": "123456789",
            "tradingPartnerServiceId": "ACMEREMOTE",
            "provider": {"organizationName": "HAPPY VALLEY CLINIC", "npi": "1234567893"},
            "subscriber": {"memberId": "ACT00001", "firstName": "JOHN", "lastName": "DOE", "dateOfBirth": "19800102"},
            "encounter": {"serviceTypeCodes": ["30"], "dateOfService": "20240315"}
        })
    );
    let token_request = requests
        .iter()
        .find(|r| r.url.path() == "/oauth/token")
        .unwrap();
    let form = String::from_utf8(token_request.body.clone()).unwrap();
    for part in [
        "grant_type=client_credentials",
        "client_id=gateway",
        "client_secret=cl13nt%26secret",
        "scope=eligibility",
    ] {
        assert!(form.contains(part), "{part} in {form}");
    }
}

#[tokio::test]
async fn a_procedure_and_a_range_use_the_v3_names() {
    let (_, body) = active_answer();
    let (server, adapter) = answer(ResponseTemplate::new(200).set_body_json(body)).await;
    let mut request = common::request();
    request.encounter.service_type_codes.clear();
    request.encounter.procedure_code = Some(ProcedureCode {
        qualifier: "HC".into(),
        code: "99213".into(),
        modifiers: vec!["25".into()],
    });
    request.encounter.date_of_service = DateOfService {
        begin: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        end: Some(NaiveDate::from_ymd_opt(2024, 3, 31).unwrap()),
    };
    request.subscriber.gender = Some(payer_core::Gender::Female);
    request.dependents.push(request.subscriber.clone());
    adapter.check(&request).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let api = requests
        .iter()
        .find(|r| r.url.path() == "/eligibility/v3")
        .unwrap();
    let sent: Value = serde_json::from_slice(&api.body).unwrap();
    assert_eq!(
        sent["encounter"],
        json!({"procedureCode": "99213", "productOrServiceIDQualifier": "HC", "procedureModifiers": ["25"],
               "beginningDateOfService": "20240301", "endDateOfService": "20240331"})
    );
    assert_eq!(sent["subscriber"]["gender"], "F");
    assert_eq!(sent["dependents"][0]["dateOfBirth"], "19800102");
}

#[tokio::test]
async fn another_v3_servers_answer_is_bridged() {
    let body = json!({
        "controlNumber": "123456789",
        "tradingPartnerServiceId": "ACME",
        "subscriber": {"memberId": "ACT00001", "firstName": "JOHN", "lastName": "DOE", "dateOfBirth": "19800102"},
        "planDateInformation": {"planBegin": "20240101", "eligibility": "20240101-20241231", "unknownKind": "x"},
        "planStatus": [{"statusCode": "1", "status": "Active Coverage", "serviceTypeCodes": ["30"]}],
        "benefitsInformation": [
            {"code": "1", "name": "Active Coverage", "serviceTypeCodes": ["30"],
             "benefitsDateInformation": {"plan": "20240101-20241231"},
             "benefitsAdditionalInformation": {"planNumber": "123"}},
            "not an object"
        ],
        "errors": [{"code": "42", "field": "AAA", "followupAction": "Resubmission Allowed"}],
        "somethingNew": {"ignored": true}
    });
    let (_s, adapter) = answer(ResponseTemplate::new(200).set_body_json(body)).await;
    let reply = adapter.check(&common::request()).await.unwrap();
    let r = reply.response;
    assert_eq!(r.plan_date_information.len(), 2);
    assert!(r
        .plan_date_information
        .iter()
        .any(|d| d.qualifier_code == "307" && d.end_date.as_deref() == Some("20241231")));
    assert_eq!(r.benefits_information.len(), 1);
    assert_eq!(
        r.benefits_information[0]
            .details()
            .benefits_date_information[0]
            .qualifier_code,
        "291"
    );
    assert_eq!(r.errors[0].code, "42");
    assert!(
        r.errors[0].retryable,
        "AAA 42 is retryable by the code table"
    );
    assert_eq!(r.errors[0].description, "Unable to Respond at Current Time");
    let left_out: Vec<&str> = r.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        left_out
            .iter()
            .any(|m| m.contains("benefitsInformation[0].benefitsAdditionalInformation")),
        "{left_out:?}"
    );
    assert!(
        left_out
            .iter()
            .any(|m| m.contains("benefitsInformation[1]")),
        "{left_out:?}"
    );
    assert!(left_out
        .iter()
        .all(|m| !m.contains("123") && !m.contains("JOHN")));
    // No `coverage` sent: computed here.
    assert_ne!(r.coverage.status, CoverageStatus::Unknown);
}

#[tokio::test]
async fn a_rejected_answer_is_still_an_answer() {
    let Reply::Eligibility(mut rs) = payer_x12::decode(common::AAA72_271.as_bytes()).unwrap()
    else {
        panic!()
    };
    let body = serde_json::to_value(rs.remove(0)).unwrap();
    let (_s, adapter) = answer(ResponseTemplate::new(422).set_body_json(body.clone())).await;
    let reply = adapter.check(&common::request()).await.unwrap();
    assert_eq!(reply.response.coverage.status, CoverageStatus::Rejected);
    assert_eq!(reply.response.errors[0].code, "72");
    // As a gateway like ours sends it: the answer with an `error` beside it, 422, or 503 for AAA 42 alone.
    for (status, code) in [(422, "payer_rejected"), (503, "payer_unavailable")] {
        let mut with_error = body.clone();
        with_error["error"] = json!({"code": code, "message": "the payer rejected the inquiry"});
        let (_s, adapter) = answer(ResponseTemplate::new(status).set_body_json(with_error)).await;
        let reply = adapter.check(&common::request()).await.unwrap();
        assert_eq!(reply.response.errors[0].code, "72", "{status}");
    }
}

#[tokio::test]
async fn error_bodies_map_onto_adapter_errors() {
    let invalid = json!({"error": {"code": "invalid_request", "message": "the request has 2 invalid fields",
        "fields": [{"path": "subscriber.dateOfBirth", "message": "is in the future"}, {"path": "provider.npi", "message": "bad"}]}});
    let (_s, a) = answer(ResponseTemplate::new(400).set_body_json(invalid)).await;
    match a.check(&common::request()).await.unwrap_err() {
        AdapterError::InvalidRequest { field, message } => {
            assert_eq!(field, "subscriber.dateOfBirth");
            assert_eq!(message, "the payer refused this field (and 1 more)");
        }
        other => panic!("{other:?}"),
    }
    let rejected = json!({"error": {"code": "payer_rejected", "message": "m"},
        "errors": [{"code": "TA1-022", "description": "Invalid Control Structure", "location": "ISA", "retryable": false}]});
    let (_s, a) = answer(ResponseTemplate::new(422).set_body_json(rejected)).await;
    match a.check(&common::request()).await.unwrap_err() {
        AdapterError::Rejected { errors } => assert_eq!(errors[0].code, "TA1-022"),
        other => panic!("{other:?}"),
    }
    let unknown = json!({"error": {"code": "unknown_payer", "message": "no payer has the id or alias 'ACMEREMOTE'"}});
    let (_s, a) = answer(ResponseTemplate::new(404).set_body_json(unknown)).await;
    assert!(matches!(a.check(&common::request()).await.unwrap_err(),
        AdapterError::Envelope { code, retryable: false, .. } if code == "unknown_payer"));
    let v3 = json!({"errors": [{"field": "subscriber.memberId", "description": "Member ID is required", "code": "33"}]});
    let (_s, a) = answer(ResponseTemplate::new(400).set_body_json(v3)).await;
    assert!(matches!(a.check(&common::request()).await.unwrap_err(),
        AdapterError::InvalidRequest { field, .. } if field == "subscriber.memberId"));
    let busy = json!({"error": {"code": "payer_unavailable", "message": "later"}});
    let (_s, a) = answer(ResponseTemplate::new(503).set_body_json(busy)).await;
    assert!(matches!(
        a.check(&common::request()).await.unwrap_err(),
        AdapterError::HttpStatus { status: 503 }
    ));
    let (_s, a) =
        answer(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>")).await;
    assert!(matches!(
        a.check(&common::request()).await.unwrap_err(),
        AdapterError::HttpStatus { status: 502 }
    ));
    let (_s, a) = answer(ResponseTemplate::new(200).set_body_string("{\"controlNumber\": ")).await;
    assert!(matches!(
        a.check(&common::request()).await.unwrap_err(),
        AdapterError::Malformed { raw: Some(_), .. }
    ));
    let (_s, a) = answer(ResponseTemplate::new(403)).await;
    assert!(matches!(
        a.check(&common::request()).await.unwrap_err(),
        AdapterError::Credentials(_)
    ));
    let (_s, a) = answer(ResponseTemplate::new(200).set_delay(Duration::from_secs(3))).await;
    assert!(matches!(
        a.check(&common::request()).await.unwrap_err(),
        AdapterError::Timeout(_)
    ));
}

/// A payer's own error text may quote the member; none of it reaches what an adapter error shows (the gateway's
/// error bodies and logs are made from that), nor a rejection's description.
#[tokio::test]
async fn a_payers_error_text_never_shows() {
    const PHI: [&str; 3] = ["JOHN", "DOE", "19800101"];
    let quoted = "Subscriber DOE, JOHN born 19800101 not found";
    let shown = |error: &AdapterError| {
        let shown = match error {
            AdapterError::InvalidRequest { field, message } => format!("{error} {field} {message}"),
            AdapterError::Rejected { errors } => errors
                .iter()
                .map(|e| format!("{} {} {}", e.code, e.description, e.location))
                .collect(),
            other => other.to_string(),
        };
        for phi in PHI {
            assert!(!shown.contains(phi), "{phi} shows in {shown:?}");
        }
        shown
    };
    let bodies = [
        (
            400,
            json!({"error": {"code": "invalid_request", "message": quoted,
            "fields": [{"path": "subscriber.lastName", "message": quoted}]}}),
        ),
        (
            400,
            json!({"errors": [{"field": "subscriber.lastName", "description": quoted, "code": "73"}]}),
        ),
        (
            400,
            json!({"errors": [{"field": quoted, "description": quoted, "code": "73"}]}),
        ),
        (
            404,
            json!({"error": {"code": "not_found", "message": quoted}}),
        ),
        (404, json!({"error": {"code": quoted, "message": quoted}})),
        (
            422,
            json!({"errors": [{"code": "73", "description": quoted, "location": quoted}]}),
        ),
        (
            422,
            json!({"errors": [{"code": "ZZ", "description": quoted, "location": "2100C"}]}),
        ),
    ];
    for (status, body) in bodies {
        let (_s, a) = answer(ResponseTemplate::new(status).set_body_json(body)).await;
        let error = a.check(&common::request()).await.unwrap_err();
        shown(&error);
        if let AdapterError::Rejected { errors } = &error {
            // The code table's description, or none for a code it does not know; a location only when it is
            // a loop id.
            assert!(matches!(
                errors[0].description.as_str(),
                "Invalid/Missing Subscriber/Insured Name" | ""
            ));
            assert!(matches!(errors[0].location.as_str(), "2100C" | ""));
        }
    }
}
