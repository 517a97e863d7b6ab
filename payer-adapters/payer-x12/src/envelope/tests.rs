//! Unit tests of the envelope: a fixed-width ISA the tokenizer reads back, GS/ST/SE/GE/IEA with right counts.
use chrono::NaiveDate;

use super::*;
use crate::tokenizer::{detect_delimiters, tokenize_str};

fn header() -> InterchangeHeader {
    let at = NaiveDate::from_ymd_opt(2024, 2, 29)
        .unwrap()
        .and_hms_opt(13, 7, 0)
        .unwrap();
    InterchangeHeader::new("SUBMITTER", "PAYER01", 42, at)
}

fn body(w: &mut X12Writer) -> Result<(), X12Error> {
    w.begin("BHT");
    w.element("BHT01", "0022")?;
    w.end();
    Ok(())
}

#[test]
fn interchange_is_fixed_width_and_counted() {
    let h = header();
    let text = write_interchange(&h, 512, ("HS", "005010X279A1"), "270", body).unwrap();
    let isa = text.split('~').next().unwrap();
    assert_eq!(isa.len(), 105, "ISA is 106 bytes with its terminator");
    assert_eq!(
        isa,
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*PAYER01        *240229*1307*^*00501*000000042*0*P*:"
    );
    let rest: Vec<&str> = text.split('~').skip(1).collect();
    assert_eq!(
        rest,
        [
            "GS*HS*SUBMITTER*PAYER01*20240229*1307*42*X*005010X279A1",
            "ST*270*0042*005010X279A1",
            "BHT*0022",
            "SE*3*0042",
            "GE*1*42",
            "IEA*1*000000042",
            "",
        ]
    );
    assert_eq!(
        detect_delimiters(text.as_bytes()).unwrap(),
        Delimiters::default()
    );
    let tokens = tokenize_str(&text).unwrap();
    assert_eq!(tokens.segments().count(), 7);
}

#[test]
fn other_delimiters_are_declared_in_the_isa() {
    let mut h = header();
    h.delimiters = Delimiters {
        element: b'|',
        repetition: Some(b'}'),
        component: b'^',
        segment: b'\n',
    };
    h.usage = Usage::Test;
    h.acknowledgment_requested = true;
    h.authorization = Some("AUTH".into());
    h.security = Some("SECRET".into());
    let text = write_interchange(&h, 512, ("HB", "005010X279A1"), "271", body).unwrap();
    assert!(
        text.starts_with("ISA|03|AUTH      |01|SECRET    |ZZ|SUBMITTER      |"),
        "{text}"
    );
    assert!(text.contains("|}|00501|000000042|1|T|^\nGS|HB|"), "{text}");
    assert_eq!(detect_delimiters(text.as_bytes()).unwrap(), h.delimiters);
    let tokens = tokenize_str(&text).unwrap();
    let se = tokens.segments().find(|s| s.is("SE")).unwrap();
    assert_eq!(se.element(1), Some("3"));
}

#[test]
fn line_breaks_and_no_repetition_separator() {
    let mut h = header();
    h.line_breaks = true;
    h.delimiters.repetition = None;
    let text = write_interchange(&h, 512, ("HS", "005010X279A1"), "270", body).unwrap();
    assert!(text.contains("*U*00401*000000042*0*P*:~\nGS*"), "{text}");
    assert!(text.ends_with("IEA*1*000000042~\n"));
}

#[test]
fn bad_header_fields_are_refused_by_name() {
    let mut h = header();
    h.sender_id = "A SENDER ID THAT IS TOO LONG".into();
    let err = write_interchange(&h, 512, ("HS", "005010X279A1"), "270", body).unwrap_err();
    assert!(err.to_string().contains("sender_id"), "{err}");
    let mut h = header();
    h.receiver_id = "PAY*ER".into();
    assert!(write_interchange(&h, 512, ("HS", "005010X279A1"), "270", body).is_err());
    let mut h = header();
    h.interchange_control_number = 1_000_000_000;
    assert!(write_interchange(&h, 512, ("HS", "005010X279A1"), "270", body).is_err());
    let mut h = header();
    h.sender_qualifier = "Z".into();
    assert!(write_interchange(&h, 512, ("HS", "005010X279A1"), "270", body).is_err());
    let mut h = header();
    h.receiver_id = " ".into();
    assert!(write_interchange(&h, 512, ("HS", "005010X279A1"), "270", body).is_err());
}
