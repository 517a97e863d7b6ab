//! Golden 270s written by hand in `tests/data/270/`: the encoder must produce them byte for byte, and the
//! decoder must read them (and a hand-written 270 in another submitter's style) back to the right requests.
use chrono::NaiveDate;
use payer_core::{
    DateOfService, EligibilityRequest, Encounter, Gender, Member, Phi, ProcedureCode, Provider,
};
use payer_x12::envelope::InterchangeHeader;
use payer_x12::inquiry::{decode_270, encode_270, encode_270_with_payer_name};
use payer_x12::tokenizer::Delimiters;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/data/270/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn phi(s: &str) -> Option<Phi<String>> {
    Some(Phi::new(s.to_owned()))
}

fn header(control: u32) -> InterchangeHeader {
    InterchangeHeader::new(
        "SUBMITTER01",
        "PAYER",
        control,
        day(2025, 6, 30).and_hms_opt(9, 41, 0).unwrap(),
    )
}

fn subscriber_request() -> EligibilityRequest {
    EligibilityRequest {
        control_number: "123456789".into(),
        payer_id: "ACME01".into(),
        provider: Provider {
            organization_name: Some("BONE AND JOINT CLINIC".into()),
            first_name: None,
            last_name: None,
            npi: "1234567893".into(),
        },
        subscriber: Member {
            member_id: phi("W000111222"),
            first_name: phi("ROBERT"),
            last_name: phi("O'Donnell, Jr."),
            date_of_birth: Some(Phi::new(day(1980, 2, 14))),
            gender: Some(Gender::Male),
        },
        dependents: vec![],
        encounter: Encounter {
            service_type_codes: vec!["30".into(), "88".into(), "98".into()],
            procedure_code: None,
            date_of_service: DateOfService {
                begin: day(2025, 6, 30),
                end: None,
            },
        },
    }
}

fn dependents_request() -> EligibilityRequest {
    EligibilityRequest {
        control_number: "000000042".into(),
        payer_id: "87726".into(),
        provider: Provider {
            organization_name: None,
            first_name: Some("MARCUS".into()),
            last_name: Some("JONES".into()),
            npi: "1467857193".into(),
        },
        subscriber: Member {
            member_id: phi("SUB12345"),
            ..Member::default()
        },
        dependents: vec![
            Member {
                first_name: phi("JANE"),
                last_name: phi("Smith-Doe"),
                date_of_birth: Some(Phi::new(day(2015, 3, 4))),
                gender: Some(Gender::Female),
                ..Member::default()
            },
            Member {
                first_name: phi("TIM"),
                last_name: phi("Smith III"),
                date_of_birth: Some(Phi::new(day(2018, 7, 9))),
                gender: Some(Gender::Male),
                ..Member::default()
            },
        ],
        encounter: Encounter {
            service_type_codes: vec![],
            procedure_code: Some(ProcedureCode {
                qualifier: "HC".into(),
                code: "99213".into(),
                modifiers: vec!["25".into()],
            }),
            date_of_service: DateOfService {
                begin: day(2025, 7, 1),
                end: Some(day(2025, 7, 31)),
            },
        },
    }
}

#[test]
fn subscriber_inquiry_matches_its_golden_file() {
    let mut h = header(17);
    h.line_breaks = true;
    let text =
        encode_270_with_payer_name(&subscriber_request(), Some("ACME HEALTH PLAN"), &h).unwrap();
    assert_eq!(text, fixture("subscriber-organization.270"));
    let decoded = decode_270(text.as_bytes()).unwrap();
    let mut expected = subscriber_request();
    expected.subscriber.last_name = phi("ODONNELL JR");
    assert_eq!(decoded, [expected]);
}

#[test]
fn dependent_inquiry_with_procedure_and_odd_delimiters_matches_its_golden_file() {
    let mut h = header(42);
    h.delimiters = Delimiters {
        element: b'|',
        repetition: Some(b'>'),
        component: b'!',
        segment: b'~',
    };
    let text =
        encode_270_with_payer_name(&dependents_request(), Some("UNITED SANDBOX"), &h).unwrap();
    assert_eq!(text, fixture("dependents-procedure-odd-delimiters.270"));
    let decoded = decode_270(text.as_bytes()).unwrap();
    let mut expected = dependents_request();
    expected.dependents[0].last_name = phi("SMITHDOE");
    expected.dependents[1].last_name = phi("SMITH III");
    assert_eq!(decoded, [expected]);
}

#[test]
fn another_submitters_style_decodes() {
    let requests = decode_270(fixture("decode-variants.270").as_bytes()).unwrap();
    assert_eq!(requests.len(), 2);
    let first = &requests[0];
    assert_eq!(first.control_number, "REF-77");
    assert_eq!(first.payer_id, "PX001");
    assert_eq!(first.provider.last_name.as_deref(), Some("WELBY"));
    assert_eq!(first.provider.first_name.as_deref(), Some("MARCUS"));
    assert_eq!(first.subscriber.last_name, phi("DOE SR"));
    assert_eq!(first.subscriber.first_name, phi("JOHN"));
    assert_eq!(first.subscriber.member_id, phi("M123"));
    assert_eq!(
        first.subscriber.date_of_birth,
        Some(Phi::new(day(1970, 1, 1)))
    );
    assert_eq!(first.subscriber.gender, Some(Gender::Male));
    // Two EQ segments, and the date of service in 2110C after them.
    assert_eq!(first.encounter.service_type_codes, ["30", "88", "AL"]);
    assert_eq!(
        first.encounter.date_of_service,
        DateOfService {
            begin: day(2024, 1, 5),
            end: None
        }
    );
    // A second information source tree in the same transaction set; no DTP or EQ: BHT04 and 30.
    let second = &requests[1];
    assert_eq!(second.payer_id, "PY002");
    assert_eq!(second.provider.organization_name.as_deref(), Some("CLINIC"));
    assert_eq!(second.provider.npi, "55");
    assert_eq!(second.subscriber.last_name, phi("ROE"));
    assert_eq!(second.encounter.service_type_codes, ["30"]);
    assert_eq!(second.encounter.date_of_service.begin, day(2024, 1, 5));
}

#[test]
fn invalid_requests_are_refused_by_field() {
    let h = header(1);
    type Mutation = Box<dyn Fn(&mut EligibilityRequest)>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "provider.npi",
            Box::new(|r| r.provider.npi = "12345".into()),
        ),
        (
            "provider.lastName",
            Box::new(|r| r.provider.organization_name = None),
        ),
        (
            "encounter.serviceTypeCodes",
            Box::new(|r| r.encounter.service_type_codes.push("ZZ".into())),
        ),
        (
            "encounter.dateOfService",
            Box::new(|r| r.encounter.date_of_service.end = Some(day(2020, 1, 1))),
        ),
        (
            "encounter.procedureCode.qualifier",
            Box::new(|r| {
                r.encounter.procedure_code = Some(ProcedureCode {
                    qualifier: "XX".into(),
                    code: "1".into(),
                    modifiers: vec![],
                })
            }),
        ),
        (
            "encounter.procedureCode.modifiers",
            Box::new(|r| {
                r.encounter.procedure_code = Some(ProcedureCode {
                    qualifier: "HC".into(),
                    code: "1".into(),
                    modifiers: vec!["1".into(); 5],
                })
            }),
        ),
        (
            "subscriber.lastName",
            Box::new(|r| r.subscriber.last_name = phi("'-")),
        ),
        (
            "subscriber.memberId",
            Box::new(|r| {
                r.subscriber.member_id = None;
                r.subscriber.date_of_birth = None;
            }),
        ),
        (
            "dependents[1].memberId",
            Box::new(|r| {
                r.dependents = vec![
                    Member::default(),
                    Member {
                        member_id: phi("OWN1"),
                        ..Member::default()
                    },
                ];
            }),
        ),
        (
            "dependents[0].lastName",
            Box::new(|r| {
                r.dependents = vec![Member {
                    last_name: phi("A~B"),
                    ..Member::default()
                }]
            }),
        ),
        (
            "controlNumber",
            Box::new(|r| r.control_number = String::new()),
        ),
        ("payerId", Box::new(|r| r.payer_id = " ".into())),
    ];
    for (field, mutate) in cases {
        let mut request = subscriber_request();
        mutate(&mut request);
        let err = encode_270(&request, &h).unwrap_err();
        assert!(
            err.to_string().contains(field),
            "expected {field}, got {err}"
        );
    }
}
