//! The sandbox payer on its own, as a counterpart: what it checks on each protocol and how it refuses, with
//! requests built here (the connectivity crate's envelope builders, the codec's 270 encoder).
use chrono::Utc;
use payer_core::{DateOfService, EligibilityRequest, Encounter, Gender, Member, Phi, Provider};
use payer_core_connectivity::envelope::{CoreRequest, CoreResponse, Credentials};
use payer_core_connectivity::soap::{self, SoapResponse, SOAP_CONTENT_TYPE};
use payer_core_connectivity::{envelope::timestamp, mime};
use payer_x12::envelope::InterchangeHeader;
use payer_x12::{decode, Reply};
use secrecy::SecretString;
use serde_json::{json, Value};

use crate::helpers::*;

fn inquiry(member_id: &str) -> EligibilityRequest {
    EligibilityRequest {
        control_number: "000000042".to_owned(),
        payer_id: "SANDBOX".to_owned(),
        provider: Provider {
            organization_name: Some("HAPPY VALLEY CLINIC".to_owned()),
            first_name: None,
            last_name: None,
            npi: NPI.to_owned(),
        },
        subscriber: Member {
            member_id: Some(Phi::new(member_id.to_owned())),
            first_name: Some(Phi::new("JANE".to_owned())),
            last_name: Some(Phi::new("DOE".to_owned())),
            date_of_birth: Some(Phi::new(
                chrono::NaiveDate::from_ymd_opt(1980, 1, 2).unwrap(),
            )),
            gender: Some(Gender::Female),
        },
        dependents: Vec::new(),
        encounter: Encounter {
            service_type_codes: vec!["30".to_owned()],
            procedure_code: None,
            date_of_service: DateOfService {
                begin: Utc::now().date_naive(),
                end: None,
            },
        },
    }
}

/// A 270 from ELIGGATEWAY to `receiver` with interchange control number 42.
fn x12_270(member_id: &str, receiver: &str) -> String {
    let header = InterchangeHeader::new("ELIGGATEWAY", receiver, 42, Utc::now().naive_utc());
    payer_x12::inquiry::encode_270(&inquiry(member_id), &header).unwrap()
}

fn credentials(password: &str) -> Credentials {
    Credentials {
        username: "gateway".to_owned(),
        password: SecretString::from(password.to_owned()),
    }
}

fn core(payload: &str) -> CoreRequest {
    CoreRequest::real_time_270(
        uuid::Uuid::new_v4().to_string(),
        timestamp(Utc::now()),
        "ELIGGATEWAY",
        "SANDBOX",
        payload,
    )
}

async fn post(url: String, content_type: &str, body: impl Into<reqwest::Body>) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Sends a SOAP request; the status and what the answer holds.
async fn soap_call(sandbox: &Process, xml: String, content_type: &str) -> (u16, SoapResponse) {
    let (status, body) = post(format!("{}/core/soap", sandbox.address), content_type, xml).await;
    (status, soap::parse_response(body.as_bytes()).unwrap())
}

fn envelope(answer: SoapResponse) -> CoreResponse {
    match answer {
        SoapResponse::Envelope(envelope) => envelope,
        SoapResponse::Fault(fault) => panic!("a fault: {fault:?}"),
    }
}

fn fault_subcode(answer: SoapResponse) -> String {
    match answer {
        SoapResponse::Fault(fault) => fault
            .subcode
            .unwrap_or_else(|| fault.code.name().to_owned()),
        SoapResponse::Envelope(envelope) => panic!("not a fault: {}", envelope.error_code),
    }
}

fn rejection_codes(x12: &str) -> Vec<String> {
    match decode(x12.as_bytes()).unwrap() {
        Reply::Rejected(errors) => errors.into_iter().map(|e| e.code).collect(),
        _ => panic!("not a rejection"),
    }
}

#[tokio::test]
async fn the_soap_receiver_checks_version_envelope_credentials_and_interchange() {
    let sandbox = sandbox_payer(&[]);
    let good = credentials(PASSWORD);
    let request = |core: &CoreRequest| soap::build_request(core, Some(&good)).unwrap();

    let (status, answer) = soap_call(
        &sandbox,
        request(&core(&x12_270("ACT1", "SANDBOX"))),
        SOAP_CONTENT_TYPE,
    )
    .await;
    assert_eq!(status, 200);
    let answer = envelope(answer);
    assert_eq!(answer.error_code, "Success");
    assert_eq!(answer.payload_type, "X12_271_Response_005010X279A1");
    assert!(matches!(
        decode(answer.payload.unwrap().as_bytes()).unwrap(),
        Reply::Eligibility(_)
    ));

    let (status, answer) =
        soap_call(&sandbox, request(&core("x")), "text/xml; charset=utf-8").await;
    assert_eq!(
        (status, fault_subcode(answer)),
        (500, "VersionMismatch".to_owned())
    );

    let without_id = request(&core(&x12_270("ACT1", "SANDBOX")));
    let start = without_id.find("<PayloadID>").unwrap();
    let end = without_id.find("</PayloadID>").unwrap() + "</PayloadID>".len();
    let without_id = format!("{}{}", &without_id[..start], &without_id[end..]);
    let (status, answer) = soap_call(&sandbox, without_id, SOAP_CONTENT_TYPE).await;
    assert_eq!(
        (status, fault_subcode(answer)),
        (400, "PayloadIDRequired".to_owned())
    );

    let wrong = soap::build_request(
        &core(&x12_270("ACT1", "SANDBOX")),
        Some(&credentials("nope")),
    )
    .unwrap();
    let (status, answer) = soap_call(&sandbox, wrong, SOAP_CONTENT_TYPE).await;
    assert_eq!(
        (status, fault_subcode(answer)),
        (401, "UnAuthorized".to_owned())
    );
    let none = soap::build_request(&core(&x12_270("ACT1", "SANDBOX")), None).unwrap();
    assert_eq!(soap_call(&sandbox, none, SOAP_CONTENT_TYPE).await.0, 401);

    let mut batch = core(&x12_270("ACT1", "SANDBOX"));
    batch.processing_mode = "Batch".to_owned();
    let mut other_receiver = core(&x12_270("ACT1", "SANDBOX"));
    other_receiver.receiver_id = "SOMEONEELSE".to_owned();
    for (core, code) in [
        (batch, "ProcessingModeIllegal"),
        (other_receiver, "ReceiverIDIllegal"),
        (self::core("not an interchange"), "PayloadIllegal"),
    ] {
        let (status, answer) = soap_call(&sandbox, request(&core), SOAP_CONTENT_TYPE).await;
        let answer = envelope(answer);
        assert_eq!((status, answer.error_code.as_str()), (200, code));
        assert!(answer.payload.is_none());
    }

    // The interchange: counts and control numbers (999, TA1), and the receiver in ISA08 (TA1).
    let good_270 = x12_270("ACT1", "SANDBOX");
    let se = good_270.find("~SE*").unwrap() + 4;
    let count: u32 = good_270[se..].split('*').next().unwrap().parse().unwrap();
    let bad_count = format!(
        "{}{}{}",
        &good_270[..se],
        count + 1,
        &good_270[se + count.to_string().len()..]
    );
    let bad_control = good_270.replace("IEA*1*000000042", "IEA*1*000000043");
    let cases = [
        (bad_count, "999-IK5-R"),
        (bad_control, "TA1-001"),
        (x12_270("ACT1", "OTHERPAYER"), "TA1-009"),
    ];
    for (x12, code) in cases {
        let (status, answer) = soap_call(&sandbox, request(&core(&x12)), SOAP_CONTENT_TYPE).await;
        let answer = envelope(answer);
        assert_eq!((status, answer.error_code.as_str()), (200, "Success"));
        let codes = rejection_codes(&answer.payload.unwrap());
        assert!(codes.iter().any(|c| c == code), "{code} in {codes:?}");
    }
    let stats = sandbox_get(&sandbox, "/stats").await;
    assert_eq!(stats["refused"]["x12-structure"], 3, "{stats}");
    assert_eq!(stats["refused"]["credentials"], 2, "{stats}");
}

#[tokio::test]
async fn the_mime_receiver_checks_parts_and_credentials() {
    let sandbox = sandbox_payer(&[]);
    let url = format!("{}/core/mime", sandbox.address);
    let form = mime::build_request(
        &core(&x12_270("INV1", "SANDBOX")),
        Some(&credentials(PASSWORD)),
    )
    .unwrap();
    let (status, body) = post(url.clone(), &form.content_type, form.body).await;
    assert_eq!(status, 200);
    // The answer's form is read back with the boundary the payer chose: find it in the body.
    let boundary = body
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("--")
        .to_owned();
    let answer = mime::parse_response(
        &format!("multipart/form-data; boundary={boundary}"),
        body.as_bytes(),
    )
    .unwrap();
    assert_eq!(answer.error_code, "Success");
    assert!(answer.payload.unwrap().contains("AAA*N**72*C"));

    let form = mime::build_request(
        &core(&x12_270("ACT1", "SANDBOX")),
        Some(&credentials("nope")),
    )
    .unwrap();
    let (status, body) = post(url.clone(), &form.content_type, form.body).await;
    assert_eq!(status, 401);
    assert!(body.contains("UnAuthorized"));

    let mut without = core(&x12_270("ACT1", "SANDBOX"));
    without.sender_id = String::new();
    let form = mime::build_request(&without, Some(&credentials(PASSWORD))).unwrap();
    let (status, body) = post(url.clone(), &form.content_type, form.body).await;
    assert_eq!(status, 200);
    assert!(body.contains("SenderIDRequired"), "{body}");
    let (status, body) = post(url, "multipart/form-data; boundary=nothing", "garbage").await;
    assert_eq!(status, 400);
    assert!(body.contains("ErrorCode"));
}

#[tokio::test]
async fn the_x12_endpoint_checks_basic_auth_content_type_and_body() {
    let sandbox = sandbox_payer(&[]);
    let url = format!("{}/x12", sandbox.address);
    let client = reqwest::Client::new();
    let send = |auth: Option<&str>, content_type: &str, body: String| {
        let mut request = client
            .post(url.clone())
            .header("content-type", content_type)
            .body(body);
        if let Some(password) = auth {
            request = request.basic_auth("gateway", Some(password));
        }
        request.send()
    };
    let answer = send(
        Some(PASSWORD),
        "application/edi-x12",
        x12_270("RX1", "SANDBOX"),
    )
    .await
    .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(matches!(
        decode(answer.text().await.unwrap().as_bytes()).unwrap(),
        Reply::Eligibility(_)
    ));
    let answer = send(None, "application/edi-x12", x12_270("RX1", "SANDBOX"))
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    assert!(answer.headers().get("www-authenticate").is_some());
    assert_eq!(
        send(
            Some("nope"),
            "application/edi-x12",
            x12_270("RX1", "SANDBOX")
        )
        .await
        .unwrap()
        .status(),
        401
    );
    assert_eq!(
        send(Some(PASSWORD), "application/json", "{}".to_owned())
            .await
            .unwrap()
            .status(),
        415
    );
    assert_eq!(
        send(Some(PASSWORD), "text/plain", "hello".to_owned())
            .await
            .unwrap()
            .status(),
        400
    );
    let unreadable = x12_270("RX1", "SANDBOX").replace("HL*1**20*1~", "HL*1**99*1~");
    let answer = send(Some(PASSWORD), "text/plain", unreadable)
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(rejection_codes(&answer.text().await.unwrap())
        .iter()
        .any(|c| c.starts_with("999-")));
}

#[tokio::test]
async fn the_json_api_checks_the_client_the_token_and_the_request() {
    let sandbox = sandbox_payer(&["--token-lifetime-s", "1"]);
    let client = reqwest::Client::new();
    let token = |form: Vec<(&'static str, &'static str)>| {
        client
            .post(format!("{}/oauth/token", sandbox.address))
            .form(&form)
            .send()
    };
    let refused = token(vec![("grant_type", "password")]).await.unwrap();
    assert_eq!(refused.status(), 400);
    let refused = token(vec![
        ("grant_type", "client_credentials"),
        ("client_id", "gateway"),
        ("client_secret", "nope"),
    ])
    .await
    .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
    let issued: Value = token(vec![
        ("grant_type", "client_credentials"),
        ("client_id", "gateway"),
        ("client_secret", CLIENT_SECRET),
    ])
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(issued["token_type"], "Bearer");
    assert_eq!(issued["expires_in"], 1);
    let bearer = issued["access_token"].as_str().unwrap().to_owned();

    let ask = |token: Option<String>, body: Value| {
        let mut request = client
            .post(format!("{}/eligibility", sandbox.address))
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let body = request("SANDBOX", "AUTH1");
    let answer = ask(Some(bearer.clone()), body.clone()).await.unwrap();
    assert_eq!(answer.status(), 200);
    let answer: Value = answer.json().await.unwrap();
    assert_eq!(answer["coverage"]["status"], "active");
    assert_eq!(answer["subscriber"]["memberId"], "AUTH1");

    assert_eq!(ask(None, body.clone()).await.unwrap().status(), 401);
    assert_eq!(
        ask(Some("forged".to_owned()), body.clone())
            .await
            .unwrap()
            .status(),
        401
    );
    let invalid = ask(
        Some(bearer.clone()),
        json!({"tradingPartnerServiceId": "SANDBOX"}),
    )
    .await
    .unwrap();
    assert_eq!(invalid.status(), 400);
    assert!(!invalid.json::<Value>().await.unwrap()["error"]["fields"]
        .as_array()
        .unwrap()
        .is_empty());
    let elsewhere = ask(Some(bearer.clone()), request("SOMEPAYER", "ACT1"))
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 404);
    // The token expires (after one second; bounded wait).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(ask(Some(bearer), body).await.unwrap().status(), 401);
}
