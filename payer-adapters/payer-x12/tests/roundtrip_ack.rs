//! The 999 and TA1 encoders against the decoders: what the sandbox payer sends to refuse an inquiry comes
//! back as the normalized rejections the gateway reports.
use chrono::NaiveDate;
use payer_x12::ack::{encode_999_rejection, encode_ta1, ElementError, SegmentError};
use payer_x12::envelope::InterchangeHeader;
use payer_x12::tokenizer::{tokenize_str, Delimiters};
use payer_x12::{decode, Reply};

fn header() -> InterchangeHeader {
    let at = NaiveDate::from_ymd_opt(2025, 3, 4)
        .unwrap()
        .and_hms_opt(5, 6, 0)
        .unwrap();
    InterchangeHeader::new("PAYER", "SUBMITTER", 77, at)
}

fn rejected(text: &str) -> Vec<payer_core::PayerErrorInfo> {
    match decode(text.as_bytes()).unwrap() {
        Reply::Rejected(errors) => errors,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn a_999_rejection_decodes_to_its_errors() {
    let errors = [
        SegmentError {
            segment_id: "NM1".into(),
            position: 8,
            loop_id: Some("2100C".into()),
            code: "8".into(),
            element: Some(ElementError {
                position: 9,
                component: None,
                reference: Some("67".into()),
                code: "7".into(),
            }),
        },
        SegmentError {
            segment_id: "DMG".into(),
            position: 9,
            loop_id: None,
            code: "2".into(),
            element: None,
        },
    ];
    let text = encode_999_rejection(&header(), "1234", "0001", &errors).unwrap();
    let lines: Vec<&str> = text.split('~').collect();
    assert_eq!(
        &lines[1..12],
        [
            "GS*FA*PAYER*SUBMITTER*20250304*0506*77*X*005010X231A1",
            "ST*999*0077*005010X231A1",
            "AK1*HS*1234*005010X279A1",
            "AK2*270*0001*005010X279A1",
            "IK3*NM1*8*2100C*8",
            "IK4*9*67*7",
            "IK3*DMG*9**2",
            "IK5*R*5",
            "AK9*R*1*1*0",
            "SE*9*0077",
            "GE*1*77",
        ]
    );
    let decoded = rejected(&text);
    let codes: Vec<(&str, &str)> = decoded
        .iter()
        .map(|e| (e.code.as_str(), e.location.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("999-IK5-R", "ST"),
            ("999-IK304-8", "2100C"),
            ("999-IK403-7", "2100C"),
            ("999-IK304-2", "ST")
        ]
    );
    assert!(decoded.iter().all(|e| !e.retryable));
}

#[test]
fn a_999_without_segment_errors_still_rejects() {
    let text = encode_999_rejection(&header(), "9", "0009", &[]).unwrap();
    assert!(text.contains("~IK5*R~"), "{text}");
    let decoded = rejected(&text);
    assert_eq!(decoded.len(), 1);
    assert_eq!(decoded[0].code, "999-IK5-R");
}

#[test]
fn a_999_with_composite_element_positions_and_odd_delimiters() {
    let mut h = header();
    h.delimiters = Delimiters {
        element: b'|',
        repetition: Some(b'^'),
        component: b'>',
        segment: b'\n',
    };
    let errors = [SegmentError {
        segment_id: "EQ".into(),
        position: 12,
        loop_id: Some("2110C".into()),
        code: "8".into(),
        element: Some(ElementError {
            position: 2,
            component: Some(1),
            reference: None,
            code: "7".into(),
        }),
    }];
    let text = encode_999_rejection(&h, "5", "0005", &errors).unwrap();
    assert!(text.contains("\nIK4|2>1||7\n"), "{text}");
    let decoded = rejected(&text);
    assert_eq!(decoded[2].code, "999-IK403-7");
    assert_eq!(decoded[2].location, "2110C");
}

#[test]
fn a_999_refuses_what_it_cannot_carry() {
    let bad_id = [SegmentError {
        segment_id: "SMITH".into(),
        position: 1,
        loop_id: None,
        code: "8".into(),
        element: None,
    }];
    assert!(encode_999_rejection(&header(), "1", "1", &bad_id).is_err());
    let err = encode_999_rejection(&header(), "1*2", "1", &[]).unwrap_err();
    assert!(err.to_string().contains("rejected_group_control"), "{err}");
}

#[test]
fn a_ta1_rejects_or_accepts_the_interchange() {
    let text = encode_ta1(&header(), "42", "022").unwrap();
    let lines: Vec<&str> = text.split('~').collect();
    assert_eq!(
        &lines[1..3],
        ["TA1*000000042*250304*0506*R*022", "IEA*0*000000077"]
    );
    let tokens = tokenize_str(&text).unwrap();
    assert_eq!(tokens.segments().count(), 3);
    let decoded = rejected(&text);
    assert_eq!(decoded.len(), 1);
    assert_eq!(decoded[0].code, "TA1-022");
    assert_eq!(decoded[0].location, "ISA");
    assert_eq!(
        decode(encode_ta1(&header(), "42", "000").unwrap().as_bytes()).unwrap(),
        Reply::Acknowledged
    );
    assert!(encode_ta1(&header(), "4x2", "022").is_err());
    assert!(encode_ta1(&header(), "42", "22").is_err());
    assert!(encode_ta1(&header(), "1234567890", "022").is_err());
}
