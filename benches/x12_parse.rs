//! Criterion benchmark of the X12 codec: 271 decoding into the normalized response beside a bare zero-copy
//! splitter and the `x12-types` crate over the same bytes, and 270 encoding.
//!
//! Inputs are built from `benches/data/271-typical.x12` (a hand-written, fictional 005010X279A1 271 of about
//! 7.4 KB with 100 EB segments, `~` plus a line feed after each segment):
//! - `typical`: that file as it is;
//! - `large`: one interchange holding 27 copies of its transaction set (about 195 KB, 2700 EB), the shape of
//!   a batch reply.
//!
//! Every input is checked before it is timed (the codec decodes it to the expected number of answers and
//! benefits, `x12-types` consumes it whole), so a broken fixture or decoder fails the run instead of timing
//! an error path. Run with `cargo bench --bench x12_parse`.
use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode, Throughput,
};
use payer_core::{DateOfService, EligibilityRequest, Encounter, Gender, Member, Phi, Provider};
use payer_x12::envelope::InterchangeHeader;
use payer_x12::Reply;
use x12_types::util::Parser as _;
use x12_types::v005010::{Transmission, _271};

/// The allocator the `eligibility-gateway` binary runs with (src/main.rs), so that the codec is timed as it
/// runs in the product; `x12-types` runs under it too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The typical 271 (one transaction set, 100 EB).
const TYPICAL_271: &[u8] = include_bytes!("data/271-typical.x12");
/// EB segments in the typical 271.
const TYPICAL_EB: usize = 100;
/// Transaction sets in the large input.
const LARGE_COPIES: usize = 27;

/// One interchange holding `copies` copies of `typical`'s single transaction set, each with its own ST02/SE02
/// control number, and GE01 counting them.
fn batch(typical: &[u8], copies: usize) -> Vec<u8> {
    let text = std::str::from_utf8(typical).expect("fixture is UTF-8");
    let st = text.find("ST*271*").expect("fixture has an ST");
    let se = text.find("\nSE*").expect("fixture has an SE") + 1;
    let se_end = se + text[se..].find('~').expect("SE is terminated");
    let ge = text.find("\nGE*").expect("fixture has a GE") + 1;
    let ge_end = ge + text[ge..].find('~').expect("GE is terminated");
    let se_fields: Vec<&str> = text[se..se_end].split('*').collect();
    let (count, control) = match se_fields.as_slice() {
        ["SE", count, control] => (*count, *control),
        _ => panic!("SE has two elements"),
    };
    let group_control = text[ge..ge_end].rsplit('*').next().expect("GE02 present");
    let mut out = String::with_capacity(text.len() * copies);
    out.push_str(&text[..st]);
    for k in 1..=copies {
        let number = format!("{k:04}");
        out.push_str(&text[st..se].replacen(
            &format!("ST*271*{control}*"),
            &format!("ST*271*{number}*"),
            1,
        ));
        out.push_str(&format!("SE*{count}*{number}"));
        out.push_str(&text[se_end..ge]);
    }
    out.push_str(&format!("GE*{copies}*{group_control}"));
    out.push_str(&text[ge_end..]);
    out.into_bytes()
}

/// The bare baseline: delimiters from their fixed ISA positions, then one memchr per segment and one per
/// element, every element slice handed to `black_box`. No trimming, no validation, no allocation.
fn bare_split(bytes: &[u8]) -> usize {
    let (Some(&element), Some(&terminator)) = (bytes.get(3), bytes.get(105)) else {
        return 0;
    };
    let mut elements = 0;
    for segment in bytes.split(|b| *b == terminator) {
        let mut rest = segment;
        loop {
            match memchr::memchr(element, rest) {
                Some(i) => {
                    black_box(&rest[..i]);
                    rest = &rest[i + 1..];
                    elements += 1;
                }
                None => {
                    black_box(rest);
                    elements += 1;
                    break;
                }
            }
        }
    }
    elements
}

/// `x12-types`: a typed 005010 271 transmission; `None` unless the whole input was consumed.
fn x12_types_parse(bytes: &[u8]) -> Option<Transmission<_271>> {
    let text = std::str::from_utf8(bytes).ok()?;
    match Transmission::<_271>::parse(text) {
        Ok((rest, parsed)) if rest.trim().is_empty() => Some(parsed),
        _ => None,
    }
}

/// Checks that the codec and `x12-types` both understand `input` fully before anything is timed.
fn check(input: &[u8], sets: usize) {
    match payer_x12::decode(input) {
        Ok(Reply::Eligibility(answers)) => {
            assert_eq!(answers.len(), sets, "one answer per transaction set");
            for answer in &answers {
                assert_eq!(
                    answer.benefits_information.len(),
                    TYPICAL_EB,
                    "one benefit per EB"
                );
                assert!(answer.errors.is_empty(), "the fixture holds no AAA");
            }
        }
        other => panic!("the codec does not decode the bench input: {other:?}"),
    }
    let parsed = x12_types_parse(input).expect("x12-types parses the bench input whole");
    let parsed_sets: usize = parsed
        .functional_group
        .iter()
        .map(|g| g.segments.len())
        .sum();
    assert_eq!(parsed_sets, sets, "x12-types sees every transaction set");
    assert!(bare_split(input) > 0);
}

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(800))
        .measurement_time(Duration::from_secs(3));
}

fn decode_271(c: &mut Criterion) {
    let large = batch(TYPICAL_271, LARGE_COPIES);
    for (name, input, sets) in [
        ("typical", TYPICAL_271.to_vec(), 1),
        ("large", large, LARGE_COPIES),
    ] {
        check(&input, sets);
        let mut group = c.benchmark_group(format!("decode_271_{name}"));
        configure(&mut group);
        if sets > 1 {
            // x12-types takes tens of milliseconds per large input: flat sampling keeps the run short.
            group.sampling_mode(SamplingMode::Flat);
        }
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function("payer_x12_decode", |b| {
            b.iter(|| payer_x12::decode(black_box(&input)))
        });
        group.bench_function("bare_memchr_splitter", |b| {
            b.iter(|| bare_split(black_box(&input)))
        });
        group.bench_function("x12_types", |b| {
            b.iter(|| x12_types_parse(black_box(&input)))
        });
        group.finish();
    }
}

/// A typical inquiry: an organization provider, a subscriber with id, name, birth date and gender, two
/// service types and one date of service.
fn typical_request() -> EligibilityRequest {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    EligibilityRequest {
        control_number: "000004711".to_owned(),
        payer_id: "87726".to_owned(),
        provider: Provider {
            organization_name: Some("LAKESIDE FAMILY MEDICINE".to_owned()),
            first_name: None,
            last_name: None,
            npi: "1234567893".to_owned(),
        },
        subscriber: Member {
            member_id: Some(Phi::new("XJH448812901".to_owned())),
            first_name: Some(Phi::new("Margot".to_owned())),
            last_name: Some(Phi::new("Quillfeather".to_owned())),
            date_of_birth: Some(Phi::new(date(1984, 3, 22))),
            gender: Some(Gender::Female),
        },
        dependents: Vec::new(),
        encounter: Encounter {
            service_type_codes: vec!["30".to_owned(), "98".to_owned()],
            procedure_code: None,
            date_of_service: DateOfService {
                begin: date(2026, 1, 14),
                end: None,
            },
        },
    }
}

fn encode_270(c: &mut Criterion) {
    let request = typical_request();
    let timestamp = NaiveDate::from_ymd_opt(2026, 1, 14)
        .and_then(|d| d.and_hms_opt(9, 32, 15))
        .expect("valid timestamp");
    let header = InterchangeHeader::new("GATEWAYCLINIC", "SUNRISEHP", 4711, timestamp);
    let wire = payer_x12::inquiry::encode_270(&request, &header).expect("the request encodes");
    let back = payer_x12::inquiry::decode_270(wire.as_bytes()).expect("the 270 decodes");
    assert_eq!(back.len(), 1, "one request in the 270");
    let mut group = c.benchmark_group("encode_270_typical");
    configure(&mut group);
    group.throughput(Throughput::Bytes(wire.len() as u64));
    group.bench_function("payer_x12_encode_270", |b| {
        b.iter(|| payer_x12::inquiry::encode_270(black_box(&request), black_box(&header)))
    });
    group.finish();
}

criterion_group!(benches, decode_271, encode_270);
criterion_main!(benches);
