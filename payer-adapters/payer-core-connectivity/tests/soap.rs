//! The SOAP envelope functions, both sides: round trips, faults, other stacks' spellings, missing fields,
//! and hostile or broken input (no panic on any prefix of a valid envelope).
use payer_core::AdapterError;
use payer_core_connectivity::envelope::{
    check_request, is_xs_date_time, timestamp, CoreRequest, CoreResponse, Credentials,
    EnvelopeError, PAYLOAD_TYPE_271,
};
use payer_core_connectivity::soap::{
    build_fault, build_request, build_response, parse_request, parse_response, FaultCode,
    SoapFault, SoapResponse,
};
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

fn credentials() -> Credentials {
    Credentials {
        username: "submitter01".into(),
        password: SecretString::from("p&ss<w>rd\"'"),
    }
}

#[test]
fn a_request_round_trips_with_its_credentials() {
    let payload = "ISA*00*~NM1*IL*1*O'BRIEN & <SONS>*]]>*X~";
    let xml = build_request(&core_request(payload), Some(&credentials())).unwrap();
    assert!(xml.contains("<PayloadType>X12_270_Request_005010X279A1</PayloadType>"));
    assert!(xml.contains("soapenv:mustUnderstand=\"true\""));
    assert!(
        !xml.contains("xmlns=\""),
        "no default namespace: the fields must stay unqualified"
    );
    let parsed = parse_request(xml.as_bytes()).unwrap();
    assert_eq!(parsed.envelope, core_request(payload));
    let creds = parsed.credentials.unwrap();
    assert_eq!(creds.username, "submitter01");
    assert_eq!(creds.password.expose_secret(), "p&ss<w>rd\"'");
}

#[test]
fn a_request_without_credentials_has_no_header() {
    let xml = build_request(&core_request("ISA~"), None).unwrap();
    assert!(!xml.contains("Header"));
    assert!(parse_request(xml.as_bytes()).unwrap().credentials.is_none());
}

#[test]
fn a_response_round_trips_with_and_without_payload() {
    let request = core_request("ISA~");
    let answer = CoreResponse::answer(&request, PAYLOAD_TYPE_271, "ISA*271~");
    assert_eq!(answer.sender_id, "ACMEHEALTH");
    assert_eq!(answer.payload_id, request.payload_id);
    let xml = build_response(&answer).unwrap();
    assert_eq!(
        parse_response(xml.as_bytes()).unwrap(),
        SoapResponse::Envelope(answer.clone())
    );
    assert!(answer.adapter_error().is_none());

    let error = CoreResponse::error(&request, "UnAuthorized", "bad user or password");
    let xml = build_response(&error).unwrap();
    assert!(!xml.contains("<Payload>"));
    let SoapResponse::Envelope(parsed) = parse_response(xml.as_bytes()).unwrap() else {
        panic!("not an envelope")
    };
    assert_eq!(parsed, error);
    match parsed.adapter_error() {
        Some(AdapterError::Envelope {
            code,
            message,
            retryable,
        }) => {
            assert_eq!(code, "UnAuthorized");
            assert_eq!(message, "bad user or password");
            assert!(!retryable);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn error_codes_are_retryable_only_for_temporary_conditions() {
    let request = core_request("ISA~");
    for (code, retryable) in [
        ("PayloadIDRequired", false),
        ("SenderIDIllegal", false),
        ("VersionMismatch", false),
        ("UnAuthorized", false),
        ("ServerBusy", true),
        ("ServiceUnavailable", true),
        ("Timeout", true),
    ] {
        let response = CoreResponse::error(&request, code, "m");
        match response.adapter_error() {
            Some(AdapterError::Envelope { retryable: r, .. }) => assert_eq!(r, retryable, "{code}"),
            other => panic!("{code}: {other:?}"),
        }
    }
}

#[test]
fn faults_round_trip_and_map_onto_envelope_errors() {
    let fault = SoapFault {
        code: FaultCode::Sender,
        subcode: Some("UnAuthorized".into()),
        reason: "the user name or password is wrong".into(),
    };
    let xml = build_fault(&fault).unwrap();
    assert_eq!(
        parse_response(xml.as_bytes()).unwrap(),
        SoapResponse::Fault(fault.clone())
    );
    match fault.adapter_error() {
        AdapterError::Envelope {
            code, retryable, ..
        } => {
            assert_eq!(code, "UnAuthorized");
            assert!(!retryable);
        }
        other => panic!("{other:?}"),
    }
    let busy = SoapFault {
        code: FaultCode::Receiver,
        subcode: None,
        reason: "try later".into(),
    };
    match busy.adapter_error() {
        AdapterError::Envelope {
            code, retryable, ..
        } => {
            assert_eq!(code, "soap:Receiver");
            assert!(retryable);
        }
        other => panic!("{other:?}"),
    }
    let bad = SoapFault {
        subcode: Some("a b".into()),
        ..busy
    };
    assert!(build_fault(&bad).is_err());
}

#[test]
fn other_stacks_spellings_are_read() {
    // Other prefixes, the CORE element qualified through a default namespace, fields qualified too, entity and
    // character references, a comment and a SOAP 1.2 fault subcode in a foreign namespace.
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<!-- from another stack -->
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header/><s:Body>
<COREEnvelopeRealTimeResponse xmlns="http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd">
<PayloadType>X12_271_Response_005010X279A1</PayloadType><ProcessingMode>RealTime</ProcessingMode>
<PayloadID> abc </PayloadID><TimeStamp>2024-03-15T10:20:30-05:00</TimeStamp><SenderID>A&amp;B</SenderID>
<ReceiverID>&#x53;UB</ReceiverID><CORERuleVersion>2.2.0</CORERuleVersion>
<Payload>ISA*00*&lt;x&gt;~</Payload><ErrorCode>Success</ErrorCode><ErrorMessage/>
</COREEnvelopeRealTimeResponse></s:Body></s:Envelope>"#;
    let SoapResponse::Envelope(r) = parse_response(xml.as_bytes()).unwrap() else {
        panic!("not an envelope")
    };
    assert_eq!(r.payload_id, "abc");
    assert_eq!(r.sender_id, "A&B");
    assert_eq!(r.receiver_id, "SUB");
    assert_eq!(r.payload.as_deref(), Some("ISA*00*<x>~"));
    assert!(r.is_success());

    let fault = r#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault>
<env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">wsse:FailedAuthentication</env:Value></env:Subcode></env:Code>
<env:Reason><env:Text xml:lang="en">Authentication failed</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>"#;
    let SoapResponse::Fault(f) = parse_response(fault.as_bytes()).unwrap() else {
        panic!("not a fault")
    };
    assert_eq!(f.code, FaultCode::Sender);
    assert_eq!(f.subcode.as_deref(), Some("FailedAuthentication"));
    assert_eq!(f.reason, "Authentication failed");

    let soap11 = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>
<faultcode>soap:Server</faultcode><faultstring>down</faultstring></soap:Fault></soap:Body></soap:Envelope>"#;
    let SoapResponse::Fault(f) = parse_response(soap11.as_bytes()).unwrap() else {
        panic!("not a fault")
    };
    assert_eq!(f.code, FaultCode::Receiver);
    assert_eq!(f.reason, "down");
}

#[test]
fn missing_fields_and_wrong_documents_are_named() {
    let answer = CoreResponse::answer(&core_request("ISA~"), PAYLOAD_TYPE_271, "ISA~");
    let xml = build_response(&answer).unwrap();
    for field in ["PayloadID", "ErrorCode", "ErrorMessage", "SenderID"] {
        let without = remove_element(&xml, field);
        assert_eq!(
            parse_response(without.as_bytes()).unwrap_err(),
            EnvelopeError::MissingField(field),
            "{field}"
        );
    }
    let request = build_request(&core_request("ISA~"), None).unwrap();
    assert_eq!(
        parse_request(remove_element(&request, "Payload").as_bytes()).unwrap_err(),
        EnvelopeError::MissingField("Payload")
    );
    assert_eq!(
        EnvelopeError::MissingField("PayloadID").core_error_code(),
        "PayloadIDRequired"
    );
    // A request where a response is expected, and the reverse.
    assert!(matches!(
        parse_response(request.as_bytes()),
        Err(EnvelopeError::UnexpectedBody(_))
    ));
    assert!(matches!(
        parse_request(xml.as_bytes()),
        Err(EnvelopeError::UnexpectedBody(_))
    ));
    let soap11 = request.replace(
        "http://www.w3.org/2003/05/soap-envelope",
        "http://schemas.xmlsoap.org/soap/envelope/",
    );
    assert!(matches!(
        parse_request(soap11.as_bytes()),
        Err(EnvelopeError::NotSoap12(_))
    ));
    assert!(matches!(
        parse_response(b"<html><body>502 Bad Gateway</body></html>"),
        Err(EnvelopeError::NotSoap12(_))
    ));
    assert!(matches!(
        parse_response(b"ISA*00*~"),
        Err(EnvelopeError::Xml(_))
    ));
    assert!(matches!(parse_response(b""), Err(EnvelopeError::Xml(_))));
    assert!(matches!(
        parse_response(&[0xff, 0xfe, 0x00]),
        Err(EnvelopeError::Xml(_))
    ));
}

#[test]
fn hostile_documents_are_refused_without_expansion() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
<soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope"><soapenv:Body>&b;</soapenv:Body></soapenv:Envelope>"#;
    assert!(matches!(
        parse_response(bomb.as_bytes()),
        Err(EnvelopeError::Xml(_))
    ));
    let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    assert!(matches!(
        parse_response(deep.as_bytes()),
        Err(EnvelopeError::Xml(_))
    ));
    let undeclared = r#"<x:Envelope><x:Body/></x:Envelope>"#;
    assert!(parse_response(undeclared.as_bytes()).is_err());
}

#[test]
fn no_prefix_of_a_valid_envelope_panics() {
    let answer = CoreResponse::answer(&core_request("ISA~"), PAYLOAD_TYPE_271, "ISA*271~");
    let xml = build_response(&answer).unwrap();
    let fault = build_fault(&SoapFault {
        code: FaultCode::Receiver,
        subcode: Some("ServerBusy".into()),
        reason: "busy".into(),
    })
    .unwrap();
    for doc in [&xml, &fault] {
        for end in 0..doc.len() {
            let _ = parse_response(&doc.as_bytes()[..end]);
            let _ = parse_request(&doc.as_bytes()[..end]);
        }
    }
}

#[test]
fn control_characters_cannot_be_written() {
    let bad = core_request("ISA\u{1}~");
    assert_eq!(
        build_request(&bad, None).unwrap_err(),
        EnvelopeError::InvalidCharacter("Payload")
    );
}

#[test]
fn a_receiver_checks_the_fixed_values() {
    let good = core_request("ISA~");
    assert!(check_request(&good).is_ok());
    let code = |r: CoreRequest| check_request(&r).unwrap_err().0;
    assert_eq!(
        code(CoreRequest {
            payload_id: " ".into(),
            ..good.clone()
        }),
        "PayloadIDRequired"
    );
    assert_eq!(
        code(CoreRequest {
            core_rule_version: "2.1.0".into(),
            ..good.clone()
        }),
        "VersionMismatch"
    );
    assert_eq!(
        code(CoreRequest {
            payload_type: "X12_276".into(),
            ..good.clone()
        }),
        "PayloadTypeIllegal"
    );
    assert_eq!(
        code(CoreRequest {
            processing_mode: "Batch".into(),
            ..good.clone()
        }),
        "ProcessingModeIllegal"
    );
    assert_eq!(
        code(CoreRequest {
            timestamp: "yesterday".into(),
            ..good
        }),
        "TimeStampIllegal"
    );
    assert!(is_xs_date_time("2024-03-15T10:20:30"));
    assert!(is_xs_date_time("2024-03-15T10:20:30.5+01:00"));
    assert!(is_xs_date_time(&timestamp(chrono::Utc::now())));
}

/// The document without the element `name` (which must not be nested in one of the same name).
fn remove_element(xml: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open).unwrap();
    let end = xml[start..].find(&close).unwrap() + start + close.len();
    format!("{}{}", &xml[..start], &xml[end..])
}
