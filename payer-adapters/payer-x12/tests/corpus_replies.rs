//! Corpus run: every public 271, 999 and TA1 in `../shared/corpus/x12` decodes, or (for the files SOURCES.md
//! lists as truncated, malformed or with an invalid ISA) fails with a structured error; nothing panics. Where
//! another project asserts values on a file, the same values are asserted here.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use payer_core::{CoverageStatus, EligibilityResponse};
use payer_x12::{decode, Reply};

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/x12");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "corpus folder {} is absent: corpus tests skipped",
            dir.display()
        );
        None
    }
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn responses(dir: &Path, name: &str) -> Vec<EligibilityResponse> {
    match decode(&read(dir, name)) {
        Ok(Reply::Eligibility(r)) => r,
        other => panic!("{name}: expected a 271, got {other:?}"),
    }
}

/// Files SOURCES.md lists as invalid (bad ISA) or malformed: they must fail with a structured error, or (for
/// the truncated and malformed ones that still carry their meaning) may decode with warnings.
const MUST_FAIL: [&str; 7] = [
    "mach-6.271.x12",
    "mach-7.271.x12",
    "mach-8.271.x12",
    "mach-9.271.x12",
    "mach-10.271.x12",
    "mach-11.271.x12",
    "mach-12.271.x12",
];
const MAY_FAIL: [&str; 4] = [
    "editrix-1.271.x12",
    "x12p-8.271.x12",
    "x12p-9.271.x12",
    "staedi-3.999.x12",
];

#[test]
fn every_271_999_and_ta1_decodes_or_fails_cleanly() {
    let Some(dir) = corpus_dir() else { return };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".271.x12") || n.ends_with(".999.x12") || n.ends_with(".ta1.x12"))
        .collect();
    names.sort();
    assert!(names.len() >= 60, "only {} files", names.len());
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for name in &names {
        let bytes = read(&dir, name);
        let result = std::panic::catch_unwind(|| decode(&bytes))
            .unwrap_or_else(|_| panic!("{name}: panicked"));
        let must_fail = MUST_FAIL.contains(&name.as_str());
        match result {
            Err(e) => {
                assert!(
                    must_fail || MAY_FAIL.contains(&name.as_str()),
                    "{name}: unexpected error {e}"
                );
                assert!(e.position.is_some() || e.segment.is_none(), "{name}: {e:?}");
                *tally.entry("error").or_default() += 1;
            }
            Ok(reply) => {
                assert!(!must_fail, "{name}: should have failed, got {reply:?}");
                let kind = match (&reply, name.rsplit('.').nth(1)) {
                    (Reply::Eligibility(r), Some("271")) => {
                        assert!(!r.is_empty(), "{name}");
                        "271"
                    }
                    (Reply::Rejected(e), Some("999" | "ta1")) => {
                        assert!(!e.is_empty(), "{name}");
                        "rejected"
                    }
                    (Reply::Acknowledged, Some("999" | "ta1")) => "acknowledged",
                    _ => panic!("{name}: wrong kind of reply {reply:?}"),
                };
                *tally.entry(kind).or_default() += 1;
            }
        }
    }
    println!("corpus: {} files: {tally:?}", names.len());
}

/// Counts AAA errors by loop.
fn by_loop(r: &EligibilityResponse) -> BTreeMap<&str, usize> {
    let mut counts = BTreeMap::new();
    for e in &r.errors {
        *counts.entry(e.location.as_str()).or_default() += 1;
    }
    counts
}

fn counts(pairs: &[(&'static str, usize)]) -> BTreeMap<&'static str, usize> {
    pairs.iter().copied().collect()
}

/// Inteligenz/X12Parser `BenefitResponseTester`: RequestValidations per level. Its "document" level is our
/// 2000A, source 2100A, receiver 2100B, subscriber 2100C, dependent 2100D, and `BenefitInfos[0]` the first
/// EB's 2110 loop.
#[test]
fn x12parser_aaa_counts_per_level() {
    let Some(dir) = corpus_dir() else { return };
    let one = |name: &str| {
        let r = responses(&dir, name);
        assert_eq!(r.len(), 1, "{name}");
        r.into_iter().next().unwrap()
    };
    // ValidationOnAll: doc 2, source 2, receiver 2, subscriber 1, dependent 1, BenefitInfos[0] 2.
    let all = one("x12p-12.271.x12");
    assert_eq!(
        by_loop(&all),
        counts(&[
            ("2000A", 2),
            ("2100A", 2),
            ("2100B", 2),
            ("2100C", 1),
            ("2100D", 1),
            ("2110D", 2)
        ])
    );
    // ValidationForDependentBenefitInfo: BenefitInfos[0] 1.
    assert_eq!(by_loop(&one("x12p-5.271.x12")), counts(&[("2110D", 1)]));
    // ValidationForDependentName: dependent 1.
    assert_eq!(by_loop(&one("x12p-6.271.x12")), counts(&[("2100D", 1)]));
    // ValidationForReceiverName (no assertion upstream; SOURCES.md: four AAA in 2100B).
    assert_eq!(by_loop(&one("x12p-7.271.x12")), counts(&[("2100B", 4)]));
    // ValidationForSource: document 1.
    assert_eq!(by_loop(&one("x12p-8.271.x12")), counts(&[("2000A", 1)]));
    // ValidationForSourceName: source 1.
    assert_eq!(by_loop(&one("x12p-9.271.x12")), counts(&[("2100A", 1)]));
    // ValidationForSubscriberBenefitInfo: BenefitInfos[0] 2.
    assert_eq!(by_loop(&one("x12p-10.271.x12")), counts(&[("2110C", 2)]));
    // ValidationForSubscriberName: subscriber 2.
    assert_eq!(by_loop(&one("x12p-11.271.x12")), counts(&[("2100C", 2)]));
    // The 2110 errors belong to the first EB of their loop.
    assert_eq!(all.benefits_information[0].loop_id, "2110D");
}

/// zentist/TigerShark `test_5010_271_1.py` (on 5010-271-example-1, our tshark-1) and
/// `test_271_benefit_additional_info.py` (on 271-example-3, our tshark-2, the same body with an III).
#[test]
fn tigershark_field_values() {
    let Some(dir) = corpus_dir() else { return };
    for name in ["tshark-1.271.x12", "tshark-2.271.x12"] {
        let r = responses(&dir, name);
        assert_eq!(r.len(), 1);
        let r = &r[0];
        // test_financial_information
        let eb = &r.benefits_information;
        assert_eq!(eb[0].service_type_codes, ["30"]);
        assert_eq!(eb[0].service_types, ["Health Benefit Plan Coverage"]);
        assert_eq!(eb[0].insurance_type_code.as_deref(), Some("EP"));
        assert_eq!(
            eb[0].insurance_type.as_deref(),
            Some("Exclusive Provider Organization")
        );
        assert_eq!(eb[0].plan_coverage, None);
        // TigerShark reads the absent EB07/EB08 of `EB|W` as 0; we keep them absent.
        assert_eq!(
            (&eb[1].benefit_amount, &eb[1].benefit_percent),
            (&None, &None)
        );
        assert_eq!(
            (eb[1].code.as_str(), eb[1].name.as_deref()),
            ("W", Some("Other Source of Data"))
        );
        // test_subscriber_information
        let sub = r.subscriber.as_ref().unwrap();
        let address = sub.address.as_ref().unwrap().expose();
        assert_eq!(address.city.as_deref(), Some("KANSAS CITY"));
        assert_eq!(address.state.as_deref(), Some("MO"));
        assert_eq!(address.postal_code.as_deref(), Some("64108"));
        assert_eq!(address.address1.as_deref(), Some("4040 VILLAGE AB"));
        assert_eq!(address.address2, None);
        let dates: Vec<(&str, &str, Option<&str>)> = r
            .plan_date_information
            .iter()
            .map(|d| {
                (
                    d.qualifier_code.as_str(),
                    d.date.as_str(),
                    d.qualifier.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            dates,
            [
                ("346", "20160201", Some("Plan Begin")),
                ("472", "20160601", Some("Service")),
                ("356", "20141208", Some("Eligibility Begin"))
            ]
        );
        assert_eq!(sub.date_of_birth.as_ref().unwrap().expose(), "19430813");
        assert_eq!(sub.gender.as_deref(), Some("M"));
        assert_eq!(sub.first_name.as_ref().unwrap().expose(), "JOHN");
        assert_eq!(sub.last_name.as_ref().unwrap().expose(), "SMITH");
        assert_eq!(sub.member_id.as_ref().unwrap().expose(), "1234567899");
        let refs = &r.plan_information.as_ref().unwrap().references;
        assert_eq!(
            (
                refs[0].qualifier_code.as_str(),
                refs[0].value.expose().as_str()
            ),
            ("18", "0404044")
        );
        assert_eq!(refs[1].qualifier_code, "6P");
        assert_eq!(refs[1].value.expose(), "030030001000120");
        assert_eq!(refs[1].description.as_deref(), Some("NEVADA EXCHANGE"));
        assert_eq!(sub.insured_indicator.as_deref(), Some("Y"));
        assert_eq!(sub.relation_to_subscriber_code.as_deref(), Some("18"));
        assert_eq!(sub.relation_to_subscriber.as_deref(), Some("Self"));
        // test_receiver
        let receiver = r.provider.as_ref().unwrap();
        assert_eq!(receiver.provider_first_name.as_deref(), Some("Barraret"));
        assert_eq!(receiver.provider_last_name.as_deref(), Some("James"));
        assert_eq!(receiver.npi.as_deref(), Some("1234567894"));
        // test_payer: the 2120 entity of the second EB.
        let entity = &eb[1].details().benefits_related_entities[0];
        assert_eq!(entity.entity_identifier_code, "PR");
        assert_eq!(entity.entity_identifier.as_deref(), Some("Payer"));
        assert_eq!(entity.entity_type.as_deref(), Some("2"));
        assert_eq!(entity.entity_name.as_deref(), Some("Mala Compania"));
        let address = entity.address.as_ref().unwrap();
        assert_eq!(address.address1.as_deref(), Some("PO Box 983322"));
        assert_eq!(
            (
                address.city.as_deref(),
                address.state.as_deref(),
                address.postal_code.as_deref()
            ),
            (Some("El Fixato"), Some("TX"), Some("68887"))
        );
        assert_eq!(eb.len(), 19, "{name}");
        assert_eq!(r.coverage.status, CoverageStatus::Active);
    }
    // test_benefit_additional_info: III ('11', 'Office') on EB row 11, which carries 4 MSG.
    let r = &responses(&dir, "tshark-2.271.x12")[0];
    let row = &r.benefits_information[11];
    let iii = &row.details().eligibility_additional_information;
    assert_eq!(iii.len(), 1);
    assert_eq!(iii[0].code_list_qualifier_code.as_deref(), Some("ZZ"));
    assert_eq!(iii[0].industry_code.as_deref(), Some("11"));
    assert_eq!(
        payer_x12::codes::place_of_service_name("11"),
        Some("Office")
    );
    assert_eq!(row.details().additional_information.len(), 4);
}

/// imsweb/x12-parser `X12ReaderTest.test271`: loop path 2000A/2000B/2000C/2100C/2110C/2120C with NM101 P3.
#[test]
fn imsweb_loop_path() {
    let Some(dir) = corpus_dir() else { return };
    let r = responses(&dir, "ims-1.271.x12");
    assert_eq!(r.len(), 1);
    let r = &r[0];
    assert!(r.payer.is_some() && r.provider.is_some() && r.subscriber.is_some());
    let eb = &r.benefits_information[0];
    assert_eq!(eb.loop_id, "2110C");
    assert_eq!(eb.details().benefits_related_entities.len(), 1);
    assert_eq!(
        eb.details().benefits_related_entities[0].entity_identifier_code,
        "P3"
    );
    assert!(r
        .warnings
        .iter()
        .any(|w| w.code == "segment-count-mismatch"));
}

/// Kartik-Hirijaganer/X12-Parser-Encoder gainwell regression: 153 transactions, AAA 71=4, 73=8, 75=1.
#[test]
fn gainwell_batch_counts() {
    let Some(dir) = corpus_dir() else { return };
    let r = responses(&dir, "khx12-9.271.x12");
    assert_eq!(r.len(), 153);
    let count = |code: &str| {
        r.iter()
            .flat_map(|x| &x.errors)
            .filter(|e| e.code == code)
            .count()
    };
    assert_eq!((count("71"), count("73"), count("75")), (4, 8, 1));
    assert!(r
        .iter()
        .flat_map(|x| &x.benefits_information)
        .any(|b| b.service_type_codes.len() == 10));
}

/// Acknowledgments: TA1 notes and 999 rejections as normalized errors.
#[test]
fn acknowledgments() {
    let Some(dir) = corpus_dir() else { return };
    let rejected = |name: &str| match decode(&read(&dir, name)).unwrap() {
        Reply::Rejected(e) => e,
        other => panic!("{name}: {other:?}"),
    };
    for name in ["uhin-1.ta1.x12", "oboe-1.ta1.x12"] {
        let e = rejected(name);
        assert_eq!(
            (e[0].code.as_str(), e[0].location.as_str(), e[0].retryable),
            ("TA1-024", "ISA", false)
        );
    }
    assert_eq!(rejected("x12p-18.ta1.x12")[0].code, "TA1-006");
    assert_eq!(
        decode(&read(&dir, "staedi-1.ta1.x12")).unwrap(),
        Reply::Acknowledged
    );
    assert_eq!(
        decode(&read(&dir, "x12p-17.ta1.x12")).unwrap(),
        Reply::Acknowledged
    );
    assert_eq!(
        decode(&read(&dir, "hero-2.999.x12")).unwrap(),
        Reply::Acknowledged
    );
    assert_eq!(
        decode(&read(&dir, "ims-2.999.x12")).unwrap(),
        Reply::Acknowledged
    );
    // imsweb checks IK5 values: the rejected 999 says R.
    let ims3 = rejected("ims-3.999.x12");
    assert_eq!(ims3[0].code, "999-IK5-R");
    assert!(ims3.iter().any(|e| e.code.starts_with("999-IK304-")));
}
