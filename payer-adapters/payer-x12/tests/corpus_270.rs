//! Every 270 of the shared corpus (`../shared/corpus/x12`, read in place, never copied) goes through the 270
//! decoder: the well-formed ones decode, the ones SOURCES.md lists as truncated or malformed fail with a
//! structured error or decode, and none panics. Known values are asserted where the files carry them.
use std::path::{Path, PathBuf};

use payer_x12::inquiry::{decode_270, decode_270_each};
use payer_x12::X12Error;

fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/x12");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "corpus not found at {}: corpus tests skipped",
            dir.display()
        );
        None
    }
}

/// 270s that SOURCES.md lists as truncated, structurally invalid or malformed.
const MALFORMED: &[&str] = &[
    "apim-2.270.x12",   // truncated after 2100A
    "khx12-11.270.x12", // no BHT, no HL loops
    "khx12-4.270.x12",  // second transaction has NM102 '9'
    "xiaoe-2.270.x12",  // two HL trees in one ST, wrong counts
    "xiaoe-4.270.x12",  // ST01 = 99
];

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}

#[test]
fn every_corpus_270_decodes_or_fails_with_a_structured_error() {
    let Some(dir) = corpus_dir() else { return };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".270.x12"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 20,
        "expected the corpus 270s, found {}",
        names.len()
    );
    let (mut decoded, mut refused) = (0, 0);
    for name in &names {
        let bytes = read(&dir, name);
        let result = std::panic::catch_unwind(|| decode_270(&bytes));
        let Ok(result) = result else {
            panic!("{name}: the decoder panicked")
        };
        match result {
            Ok(requests) => {
                assert!(!requests.is_empty(), "{name}: decoded to nothing");
                decoded += 1;
            }
            Err(e) => {
                assert!(
                    MALFORMED.contains(&name.as_str()),
                    "{name} is well formed but failed: {e}"
                );
                assert!(e.position.is_some() || e.segment.is_some() || !e.to_string().is_empty());
                refused += 1;
            }
        }
    }
    println!("corpus 270s: {decoded} decoded, {refused} refused with a structured error");
    assert_eq!(decoded + refused, names.len());
}

#[test]
fn malformed_270s_fail_where_they_are_broken() {
    let Some(dir) = corpus_dir() else { return };
    let err = decode_270(&read(&dir, "apim-2.270.x12")).unwrap_err();
    assert!(err.to_string().contains("HL*22"), "{err}");
    let err = decode_270(&read(&dir, "khx12-11.270.x12")).unwrap_err();
    assert!(err.to_string().contains("BHT"), "{err}");
    let err: X12Error = decode_270(&read(&dir, "xiaoe-4.270.x12")).unwrap_err();
    assert_eq!(
        (err.segment.as_deref(), err.position),
        (Some("ST"), Some(3))
    );
    // One bad transaction of three: the other two still decode on their own.
    let each = decode_270_each(&read(&dir, "khx12-4.270.x12")).unwrap();
    assert_eq!(each.len(), 3);
    assert!(each[0].is_ok() && each[2].is_ok());
    let err = each[1].as_ref().unwrap_err();
    assert_eq!(err.segment.as_deref(), Some("NM1"));
    assert!(err.to_string().contains("invalid element 2"), "{err}");
    // Two information source trees in one transaction set: two requests.
    assert_eq!(decode_270(&read(&dir, "xiaoe-2.270.x12")).unwrap().len(), 2);
}

#[test]
fn corpus_values_are_read() {
    let Some(dir) = corpus_dir() else { return };
    // The TR3 example 1 in several envelopes: BOM, CRLF, indentation, 0x1D terminators, 004010 ISA.
    for name in [
        "apim-1.270.x12",
        "lfh-1.270.x12",
        "stupid-4.270.x12",
        "x12p-15.270.x12",
        "x12p-16.270.x12",
    ] {
        let requests = decode_270(&read(&dir, name)).unwrap();
        assert_eq!(requests.len(), 1, "{name}");
        let r = &requests[0];
        assert_eq!(r.control_number, "10001234", "{name}");
        assert_eq!(r.payer_id, "842610001", "{name}");
        assert_eq!(
            r.provider.organization_name.as_deref(),
            Some("BONE AND JOINT CLINIC"),
            "{name}"
        );
        assert_eq!(r.provider.npi, "2000035", "{name}");
        assert_eq!(
            r.subscriber.last_name.as_ref().map(|n| n.expose().as_str()),
            Some("SMITH"),
            "{name}"
        );
        assert_eq!(
            r.subscriber
                .first_name
                .as_ref()
                .map(|n| n.expose().as_str()),
            Some("ROBERT"),
            "{name}"
        );
        assert_eq!(
            r.subscriber.member_id.as_ref().map(|n| n.expose().as_str()),
            Some("11122333301"),
            "{name}"
        );
        assert_eq!(
            r.subscriber
                .date_of_birth
                .as_ref()
                .map(|d| d.expose().to_string())
                .as_deref(),
            Some("1943-05-19")
        );
        assert_eq!(r.encounter.service_type_codes, ["30"], "{name}");
        assert_eq!(
            r.encounter.date_of_service.begin.to_string(),
            "2006-05-01",
            "{name}"
        );
    }
    // Custom delimiters: '|' elements, '!' terminator, '~' repetition.
    let r = &decode_270(&read(&dir, "khx12-3.270.x12")).unwrap()[0];
    assert_eq!(
        r.subscriber
            .first_name
            .as_ref()
            .map(|n| n.expose().as_str()),
        Some("CUSTOM")
    );
    assert_eq!(r.provider.npi, "1234567893");
    // Dependent inquiries: the subscriber carries only the member id, the dependent the name.
    for name in [
        "lfh-4.270.x12",
        "stupid-5.270.x12",
        "mach-14.270.x12",
        "lfh-14.270.x12",
    ] {
        let r = &decode_270(&read(&dir, name)).unwrap()[0];
        assert!(r.subscriber.last_name.is_none(), "{name}");
        assert!(r.subscriber.member_id.is_some(), "{name}");
        assert_eq!(r.dependents.len(), 1, "{name}");
        assert!(r.dependents[0].last_name.is_some(), "{name}");
    }
    let r = &decode_270(&read(&dir, "lfh-4.270.x12")).unwrap()[0];
    assert_eq!(r.provider.last_name.as_deref(), Some("JONES"));
    assert_eq!(
        r.dependents[0]
            .first_name
            .as_ref()
            .map(|n| n.expose().as_str()),
        Some("MARY")
    );
    // EQ*1 and a 2100C REF that the model has no place for.
    let r = &decode_270(&read(&dir, "lfh-7.270.x12")).unwrap()[0];
    assert_eq!(r.encounter.service_type_codes, ["1"]);
    // Several transaction sets in one group.
    assert_eq!(decode_270(&read(&dir, "khx12-2.270.x12")).unwrap().len(), 2);
}
