//! The MIME multipart envelope functions, both sides: round trips, other senders' spellings, missing fields
//! and broken forms (no panic on any prefix of a valid form).
use payer_core_connectivity::envelope::{CoreRequest, CoreResponse, Credentials, EnvelopeError};
use payer_core_connectivity::mime::{build_request, build_response, parse_request, parse_response};
use secrecy::{ExposeSecret, SecretString};

fn core_request(payload: &str) -> CoreRequest {
    CoreRequest::real_time_270(
        "f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
        "2024-03-15T10:20:30Z",
        "SUBMITTER01",
        "ACMEHEALTH",
        payload,
    )
}

#[test]
fn a_request_round_trips_with_its_credentials() {
    let payload = "ISA*00*~\r\nNM1*IL*1*DOE~\r\n--not-a-boundary~";
    let creds = Credentials {
        username: "submitter01".into(),
        password: SecretString::from("s3cret"),
    };
    let form = build_request(&core_request(payload), Some(&creds)).unwrap();
    assert!(form
        .content_type
        .starts_with("multipart/form-data; boundary="));
    let text = String::from_utf8(form.body.clone()).unwrap();
    for name in [
        "PayloadType",
        "ProcessingMode",
        "PayloadID",
        "TimeStamp",
        "UserName",
        "Password",
        "SenderID",
        "ReceiverID",
        "CORERuleVersion",
        "Payload",
    ] {
        assert!(text.contains(&format!("name=\"{name}\"")), "{name}");
    }
    let parsed = parse_request(&form.content_type, &form.body).unwrap();
    assert_eq!(parsed.envelope, core_request(payload));
    let got = parsed.credentials.unwrap();
    assert_eq!(
        (got.username.as_str(), got.password.expose_secret()),
        ("submitter01", "s3cret")
    );
    let without = build_request(&core_request("ISA~"), None).unwrap();
    assert!(parse_request(&without.content_type, &without.body)
        .unwrap()
        .credentials
        .is_none());
}

#[test]
fn a_response_round_trips_with_and_without_payload() {
    let request = core_request("ISA~");
    let answer = CoreResponse::answer(&request, "X12_271_Response_005010X279A1", "ISA*271~");
    let form = build_response(&answer).unwrap();
    assert_eq!(
        parse_response(&form.content_type, &form.body).unwrap(),
        answer
    );
    let error = CoreResponse::error(&request, "SenderIDIllegal", "unknown sender");
    let form = build_response(&error).unwrap();
    let parsed = parse_response(&form.content_type, &form.body).unwrap();
    assert_eq!(parsed, error);
    assert!(parsed.adapter_error().is_some());
}

#[test]
fn other_senders_spellings_are_read() {
    // A quoted boundary, a preamble, bare LF line ends, a file part for the payload, header case and order.
    let body = "preamble text\n--XyZ\ncontent-disposition: form-data; name=\"PayloadType\"\n\nX12_271_Response_005010X279A1\n\
--XyZ\nContent-Disposition: form-data; name=ProcessingMode\n\nRealTime\n\
--XyZ\nContent-Disposition: form-data; name=\"PayloadID\"\n\nid-1\n\
--XyZ\nContent-Disposition: form-data; name=\"TimeStamp\"\n\n2024-03-15T10:20:30Z\n\
--XyZ\nContent-Disposition: form-data; name=\"SenderID\"\n\nACME\n\
--XyZ\nContent-Disposition: form-data; name=\"ReceiverID\"\n\nSUB\n\
--XyZ\nContent-Disposition: form-data; name=\"CORERuleVersion\"\n\n2.2.0\n\
--XyZ\nContent-Type: application/octet-stream\nContent-Disposition: form-data; name=\"Payload\"; filename=\"271.txt\"\n\nISA*271~\n\
--XyZ\nContent-Disposition: form-data; name=\"ErrorCode\"\n\nSuccess\n\
--XyZ\nContent-Disposition: form-data; name=\"ErrorMessage\"\n\n\n\
--XyZ--\nepilogue";
    let r = parse_response(
        "Multipart/Form-Data; charset=utf-8; boundary=\"XyZ\"",
        body.as_bytes(),
    )
    .unwrap();
    assert_eq!(r.payload.as_deref(), Some("ISA*271~"));
    assert_eq!(r.processing_mode, "RealTime");
    assert_eq!(r.error_message, "");
    assert!(r.is_success());
}

#[test]
fn missing_fields_and_broken_forms_are_errors() {
    let answer = CoreResponse::answer(
        &core_request("ISA~"),
        "X12_271_Response_005010X279A1",
        "ISA~",
    );
    let form = build_response(&answer).unwrap();
    let text = String::from_utf8(form.body.clone()).unwrap();
    // Drop the ErrorCode part.
    let boundary = form.content_type.split("boundary=").nth(1).unwrap();
    let parts: Vec<&str> = text.split(&format!("--{boundary}")).collect();
    let kept: Vec<&str> = parts
        .iter()
        .copied()
        .filter(|p| !p.contains("name=\"ErrorCode\""))
        .collect();
    let without = kept.join(&format!("--{boundary}"));
    assert_eq!(
        parse_response(&form.content_type, without.as_bytes()).unwrap_err(),
        EnvelopeError::MissingField("ErrorCode")
    );
    assert!(matches!(
        parse_response("text/html", b"<html>502</html>"),
        Err(EnvelopeError::Multipart(_))
    ));
    assert!(matches!(
        parse_response("multipart/form-data", &form.body),
        Err(EnvelopeError::Multipart(_))
    ));
    assert!(matches!(
        parse_response("multipart/form-data; boundary=other", &form.body),
        Err(EnvelopeError::Multipart(_))
    ));
    for end in 0..form.body.len() {
        let _ = parse_response(&form.content_type, &form.body[..end]);
        let _ = parse_request(&form.content_type, &form.body[..end]);
    }
    let truncated = &form.body[..form.body.len() - 20];
    assert!(parse_response(&form.content_type, truncated).is_err());
}
