//! Round trip of the 271: a normalized response written by `encode_271` and read back by the 271 decoder is
//! the same response, up to what the decoder derives (code names, `planStatus`, `coverage`,
//! `tradingPartnerServiceId`) and the placements the model cannot carry (errors in loop order, 2100C before
//! 2100D dates, a date without a loop read back as 2100C, 2110C before 2110D benefits, 2110 errors with no
//! benefit to follow filed under 2100). Property-tested over generated responses and delimiter sets; the
//! decoder must also report no warning on the encoder's output. A plan date with no loop to go to is refused.
use chrono::NaiveDate;
use payer_core::{DateInformation, EligibilityResponse, PayerInfo, ResponseMember};
use payer_x12::decode_271;
use payer_x12::envelope::InterchangeHeader;
use payer_x12::response::encode_271;
use payer_x12::tokenizer::Delimiters;
use proptest::prelude::*;

mod support_271;

use support_271::{canonical, response};

fn delimiters() -> impl Strategy<Value = (Delimiters, bool)> {
    prop_oneof![
        Just((Delimiters::default(), false)),
        Just((Delimiters::default(), true)),
        Just((
            Delimiters {
                element: b'*',
                repetition: Some(b'}'),
                component: b'^',
                segment: b'~'
            },
            true
        )),
        Just((
            Delimiters {
                element: b'!',
                repetition: Some(b'>'),
                component: b':',
                segment: b'\n'
            },
            false
        )),
    ]
}

fn header((delimiters, line_breaks): (Delimiters, bool)) -> InterchangeHeader {
    let at = NaiveDate::from_ymd_opt(2025, 1, 2)
        .unwrap()
        .and_hms_opt(3, 4, 0)
        .unwrap();
    let mut h = InterchangeHeader::new("PAYER", "SUBMITTER", 9, at);
    h.delimiters = delimiters;
    h.line_breaks = line_breaks;
    h
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn every_encoded_271_decodes_to_its_response(response in response(), delims in delimiters()) {
        let text = encode_271(&response, &header(delims)).unwrap();
        let decoded = decode_271(text.as_bytes()).unwrap();
        prop_assert_eq!(decoded.len(), 1);
        prop_assert!(decoded[0].warnings.is_empty(), "warnings: {:?}", decoded[0].warnings);
        prop_assert_eq!(&decoded[0], &canonical(&response));
    }

    #[test]
    fn encoding_a_decoded_271_gives_the_same_text(response in response()) {
        let h = header((Delimiters::default(), false));
        let text = encode_271(&response, &h).unwrap();
        let decoded = decode_271(text.as_bytes()).unwrap();
        prop_assert_eq!(encode_271(&decoded[0], &h).unwrap(), text);
    }

    #[test]
    fn a_delimiter_in_a_value_is_refused(response in response(), bad in "[*^:~]") {
        let mut response = response;
        let payer = response.payer.get_or_insert_with(PayerInfo::default);
        payer.name = Some(format!("ACME{bad}PLAN"));
        let err = encode_271(&response, &header((Delimiters::default(), false))).unwrap_err();
        prop_assert!(err.to_string().contains("payer.name"), "{}", err);
    }
}

#[test]
fn a_plan_date_with_no_loop_to_go_to_is_refused() {
    let date = |loop_id: &str| DateInformation {
        qualifier_code: "346".into(),
        date: "20240101".into(),
        loop_id: Some(loop_id.into()),
        ..DateInformation::default()
    };
    let mut response = EligibilityResponse {
        subscriber: Some(ResponseMember::default()),
        plan_date_information: vec![date("2100C"), date("2100D")],
        ..EligibilityResponse::default()
    };
    let h = header((Delimiters::default(), false));
    let err = encode_271(&response, &h).unwrap_err();
    assert!(err.to_string().contains("2100D date"), "{err}");
    response.plan_date_information[1] = date("2110C");
    let err = encode_271(&response, &h).unwrap_err();
    assert!(
        err.to_string().contains("planDateInformation[1].loop"),
        "{err}"
    );
    response.dependents.push(ResponseMember::default());
    response.plan_date_information[1] = date("2100D");
    assert!(encode_271(&response, &h).is_ok());
}
