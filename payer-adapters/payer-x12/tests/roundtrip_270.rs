//! Round trip of the 270: every request the encoder accepts decodes back to itself (with the last names
//! normalized as CAQH CORE rule 258 asks), property-tested over generated requests and delimiter sets.
use chrono::{Days, NaiveDate};
use payer_core::{
    DateOfService, EligibilityRequest, Encounter, Gender, Member, Phi, ProcedureCode, Provider,
};
use payer_x12::codes::SERVICE_TYPE_CODES;
use payer_x12::envelope::InterchangeHeader;
use payer_x12::inquiry::{decode_270, encode_270, normalize_last_name};
use payer_x12::tokenizer::{tokenize_str, Delimiters};
use proptest::prelude::*;

fn date(min_year: i32, max_year: i32) -> impl Strategy<Value = NaiveDate> {
    let start = NaiveDate::from_ymd_opt(min_year, 1, 1).unwrap();
    let days = (NaiveDate::from_ymd_opt(max_year, 12, 31).unwrap() - start).num_days() as u64;
    (0..=days).prop_map(move |d| start.checked_add_days(Days::new(d)).unwrap())
}

fn name() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-zéñÖ' -]{0,14}[A-Za-z]|[A-Z]"
}

fn last_name() -> impl Strategy<Value = String> {
    (
        name(),
        prop_oneof![
            Just(""),
            Just(" Jr."),
            Just(", III"),
            Just(" MD"),
            Just("-Smith")
        ],
    )
        .prop_map(|(n, s)| format!("{n}{s}"))
}

fn gender() -> impl Strategy<Value = Option<Gender>> {
    prop_oneof![
        Just(None),
        Just(Some(Gender::Male)),
        Just(Some(Gender::Female)),
        Just(Some(Gender::Unknown))
    ]
}

fn subscriber() -> impl Strategy<Value = Member> {
    (
        proptest::option::of("[A-Z0-9]{1,15}"),
        proptest::option::of(name()),
        proptest::option::of(last_name()),
        proptest::option::of(date(1900, 2030)),
        gender(),
    )
        .prop_map(|(id, first, last, dob, gender)| {
            // The encoder needs a member id, or a last name and a date of birth.
            let id = if last.is_none() || dob.is_none() {
                Some(id.unwrap_or_else(|| "W123".into()))
            } else {
                id
            };
            Member {
                member_id: id.map(Phi::new),
                first_name: first.map(Phi::new),
                last_name: last.map(Phi::new),
                date_of_birth: dob.map(Phi::new),
                gender,
            }
        })
}

fn dependent() -> impl Strategy<Value = Member> {
    (
        proptest::option::of(name()),
        proptest::option::of(last_name()),
        proptest::option::of(date(1990, 2030)),
        gender(),
    )
        .prop_map(|(first, last, dob, gender)| Member {
            member_id: None,
            first_name: first.map(Phi::new),
            last_name: last.map(Phi::new),
            date_of_birth: dob.map(Phi::new),
            gender,
        })
}

fn provider() -> impl Strategy<Value = Provider> {
    let org =
        ("[A-Z][A-Za-z0-9 &.,'-]{0,30}[A-Za-z]", "[0-9]{10}").prop_map(|(name, npi)| Provider {
            organization_name: Some(name),
            first_name: None,
            last_name: None,
            npi,
        });
    let person =
        (proptest::option::of(name()), name(), "[0-9]{10}").prop_map(|(first, last, npi)| {
            Provider {
                organization_name: None,
                first_name: first,
                last_name: Some(last),
                npi,
            }
        });
    prop_oneof![org, person]
}

fn encounter() -> impl Strategy<Value = Encounter> {
    let codes = proptest::collection::vec(proptest::sample::select(SERVICE_TYPE_CODES), 0..6);
    let procedure = proptest::option::of((
        proptest::sample::select(&["HC", "AD", "CJ", "ID", "IV", "N4", "ZZ"][..]),
        "[A-Z0-9]{1,11}",
        proptest::collection::vec("[A-Z0-9]{2}", 0..=4),
    ));
    (
        codes,
        procedure,
        date(2000, 2040),
        proptest::option::of(0u64..90),
    )
        .prop_map(|(codes, procedure, begin, span)| {
            let procedure_code = procedure.map(|(q, code, modifiers)| ProcedureCode {
                qualifier: q.to_owned(),
                code,
                modifiers,
            });
            let mut service_type_codes: Vec<String> =
                codes.into_iter().map(str::to_owned).collect();
            if service_type_codes.is_empty() && procedure_code.is_none() {
                service_type_codes.push("30".into());
            }
            let end = span.map(|d| begin.checked_add_days(Days::new(d)).unwrap());
            Encounter {
                service_type_codes,
                procedure_code,
                date_of_service: DateOfService { begin, end },
            }
        })
}

fn request() -> impl Strategy<Value = EligibilityRequest> {
    (
        "[0-9]{9}",
        "[A-Z0-9]{1,12}",
        provider(),
        subscriber(),
        proptest::collection::vec(dependent(), 0..3),
        encounter(),
    )
        .prop_map(
            |(control_number, payer_id, provider, subscriber, dependents, encounter)| {
                EligibilityRequest {
                    control_number,
                    payer_id,
                    provider,
                    subscriber,
                    dependents,
                    encounter,
                }
            },
        )
}

fn delimiters() -> impl Strategy<Value = (Delimiters, bool)> {
    prop_oneof![
        Just((Delimiters::default(), false)),
        Just((Delimiters::default(), true)),
        Just((
            Delimiters {
                element: b'|',
                repetition: Some(b'>'),
                component: b'!',
                segment: b'\n'
            },
            false
        )),
        Just((
            Delimiters {
                element: b'*',
                repetition: Some(b'}'),
                component: b'^',
                segment: 0x1d
            },
            true
        )),
    ]
}

/// What the decoder gives back for a request: last names as rule 258 normalizes them.
fn expected(request: &EligibilityRequest) -> EligibilityRequest {
    let mut expected = request.clone();
    let normalize = |m: &mut Member| {
        m.last_name = m
            .last_name
            .take()
            .map(|n| Phi::new(normalize_last_name(n.expose()).joined()));
    };
    normalize(&mut expected.subscriber);
    expected.dependents.iter_mut().for_each(normalize);
    expected
}

fn header(delimiters: Delimiters, line_breaks: bool) -> InterchangeHeader {
    let at = NaiveDate::from_ymd_opt(2025, 6, 30)
        .unwrap()
        .and_hms_opt(9, 41, 0)
        .unwrap();
    let mut header = InterchangeHeader::new("SUBMITTER01", "PAYER", 17, at);
    header.delimiters = delimiters;
    header.line_breaks = line_breaks;
    header
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_encoded_270_decodes_to_its_request(request in request(), (delims, breaks) in delimiters()) {
        let text = encode_270(&request, &header(delims, breaks)).unwrap();
        let decoded = decode_270(text.as_bytes()).unwrap();
        prop_assert_eq!(decoded, vec![expected(&request)]);
    }

    #[test]
    fn encoding_is_stable_after_one_round_trip(request in request()) {
        let h = header(Delimiters::default(), false);
        let text = encode_270(&request, &h).unwrap();
        let decoded = decode_270(text.as_bytes()).unwrap();
        prop_assert_eq!(encode_270(&decoded[0], &h).unwrap(), text);
    }

    #[test]
    fn segment_counts_are_right(request in request(), (delims, breaks) in delimiters()) {
        let text = encode_270(&request, &header(delims, breaks)).unwrap();
        let tokens = tokenize_str(&text).unwrap();
        let segments: Vec<_> = tokens.segments().collect();
        let st = segments.iter().position(|s| s.is("ST")).unwrap();
        let se = segments.iter().position(|s| s.is("SE")).unwrap();
        prop_assert_eq!(segments[se].element(1).unwrap().parse::<usize>().unwrap(), se - st + 1);
        prop_assert_eq!(segments[se].element(2), segments[st].element(2));
        let hl_count = segments.iter().filter(|s| s.is("HL")).count();
        prop_assert_eq!(hl_count, 3 + request.dependents.len());
        prop_assert_eq!(segments.last().unwrap().id(), "IEA");
    }

    #[test]
    fn a_delimiter_in_any_text_field_is_refused(request in request(), field in 0usize..7, bad in "[*^:~\n\r\u{1d}]") {
        let mut request = request;
        let poison = |s: &mut String| {
            let at = s.char_indices().nth(s.chars().count() / 2).map_or(s.len(), |(i, _)| i);
            s.insert_str(at, &bad);
        };
        let field_name = match field {
            0 => { poison(&mut request.control_number); "controlNumber" }
            1 => { poison(&mut request.payer_id); "payerId" }
            2 => { poison(&mut request.provider.npi); "provider.npi" }
            3 => {
                let mut id = request.subscriber.member_id.take().map(Phi::into_inner).unwrap_or_else(|| "W1".into());
                poison(&mut id);
                request.subscriber.member_id = Some(Phi::new(id));
                "subscriber.memberId"
            }
            4 => {
                let mut n = request.subscriber.first_name.take().map(Phi::into_inner).unwrap_or_else(|| "ANN".into());
                poison(&mut n);
                request.subscriber.first_name = Some(Phi::new(n));
                "subscriber.firstName"
            }
            5 => {
                let mut n = request.subscriber.last_name.take().map(Phi::into_inner).unwrap_or_else(|| "DOE".into());
                poison(&mut n);
                request.subscriber.last_name = Some(Phi::new(n));
                "subscriber.lastName"
            }
            _ => {
                let mut d = Member { last_name: Some(Phi::new("ROE".into())), ..Member::default() };
                let mut n = "KIM".to_owned();
                poison(&mut n);
                d.first_name = Some(Phi::new(n));
                request.dependents.push(d);
                "firstName"
            }
        };
        let err = encode_270(&request, &header(Delimiters::default(), false)).unwrap_err();
        let message = err.to_string();
        prop_assert!(message.contains(field_name), "{} does not name {}", message, field_name);
        prop_assert!(!message.contains(bad.as_str()) || bad == ":" , "{}", message);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Any text in any field either encodes to a 270 whose structure it cannot change, or is refused.
    #[test]
    fn arbitrary_text_never_changes_the_structure(
        request in request(),
        first in "\\PC{0,12}",
        last in "\\PC{0,12}",
        id in "\\PC{0,12}",
        org in "\\PC{0,12}",
    ) {
        let mut request = request;
        request.subscriber.first_name = Some(Phi::new(first));
        request.subscriber.last_name = Some(Phi::new(last));
        request.subscriber.member_id = Some(Phi::new(id));
        request.provider.organization_name = Some(org);
        if let Ok(text) = encode_270(&request, &header(Delimiters::default(), false)) {
            let tokens = tokenize_str(&text).unwrap();
            let ids: Vec<&str> = tokens.segments().map(|s| s.id()).collect();
            let expected_segments = 15 + 4 * request.dependents.len()
                + usize::from(request.subscriber.date_of_birth.is_some() || request.subscriber.gender.is_some())
                + request.dependents.iter().filter(|d| d.date_of_birth.is_some() || d.gender.is_some()).count()
                - 2 * usize::from(!request.dependents.is_empty());
            prop_assert_eq!(ids.len(), expected_segments, "{:?}", ids);
            let nm1 = tokens.segments().filter(|s| s.is("NM1")).count();
            prop_assert_eq!(nm1, 3 + request.dependents.len());
            prop_assert_eq!(decode_270(text.as_bytes()).unwrap().len(), 1);
        }
    }

    /// Truncated or corrupted 270s decode or fail with an error; they never panic.
    #[test]
    fn damaged_270s_never_panic(request in request(), cut in 0usize..2000, flips in proptest::collection::vec((0usize..2000, any::<u8>()), 0..6)) {
        let text = encode_270(&request, &header(Delimiters::default(), false)).unwrap();
        let mut bytes = text.into_bytes();
        for (at, byte) in flips {
            let len = bytes.len();
            if let Some(b) = bytes.get_mut(at % len.max(1)) {
                *b = byte;
            }
        }
        bytes.truncate(cut.min(bytes.len()));
        let _ = decode_270(&bytes);
        let _ = payer_x12::inquiry::decode_270_each(&bytes);
    }
}
