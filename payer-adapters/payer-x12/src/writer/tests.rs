//! Unit tests of the writer: element layout, trailing element trimming, delimiter refusal, numbers and dates.
use chrono::NaiveDate;

use super::*;

fn writer() -> X12Writer {
    X12Writer::new(Delimiters::default(), 64).unwrap()
}

#[test]
fn trailing_empty_elements_and_components_are_dropped() {
    let mut w = writer();
    w.begin("EQ");
    w.element("EQ01", "").unwrap();
    w.composite("EQ02", &["HC", "99213", "25", "", ""]).unwrap();
    w.element("EQ03", "").unwrap();
    w.composite("EQ04", &["", ""]).unwrap();
    w.end();
    assert_eq!(w.as_str(), "EQ**HC:99213:25~");
    assert_eq!(w.segment_count(), 1);
}

#[test]
fn repeated_values_use_the_repetition_separator() {
    let mut w = writer();
    w.begin("EQ");
    w.repeated("EQ01", &["30", "", "88"]).unwrap();
    w.end();
    assert_eq!(w.as_str(), "EQ*30^88~");
    let d = Delimiters {
        repetition: None,
        ..Delimiters::default()
    };
    let mut w = X12Writer::new(d, 16).unwrap();
    w.begin("EQ");
    w.repeated("EQ01", &["30"]).unwrap();
    assert!(w.repeated("EQ01", &["30", "88"]).is_err());
}

#[test]
fn delimiters_and_control_characters_are_refused_by_field_name() {
    let mut w = writer();
    w.begin("NM1");
    for bad in [
        "A*B", "A^B", "A:B", "A~B", "A\nB", "A\rB", "A\u{7f}", "A\u{85}B", "\u{0}",
    ] {
        let err = w.element("subscriber.lastName", bad).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("subscriber.lastName"), "{text}");
        assert!(!text.contains(bad), "{text}");
        assert_eq!(err.segment.as_deref(), Some("NM1"));
        assert_eq!(err.position, Some(1));
    }
    assert!(w.composite("EQ02", &["HC", "992*13"]).is_err());
    assert!(w.repeated("EQ01", &["30", "8^8"]).is_err());
    // Nothing of the refused values reached the output.
    assert_eq!(w.as_str(), "NM1");
    w.element("NM101", "MUÑOZ-O'BRIEN, JR.").unwrap();
    w.end();
    assert_eq!(w.as_str(), "NM1*MUÑOZ-O'BRIEN, JR.~");
}

#[test]
fn other_delimiters_change_what_is_refused() {
    let d = Delimiters {
        element: b'|',
        repetition: Some(b'>'),
        component: b'!',
        segment: b'\n',
    };
    let mut w = X12Writer::new(d, 16).unwrap().with_line_breaks(true);
    w.begin("NM1");
    w.element("NM103", "A*B:C^D~").unwrap();
    assert!(w.element("NM104", "A|B").is_err());
    assert!(w.element("NM104", "A>B").is_err());
    assert!(w.element("NM104", "A!B").is_err());
    w.end();
    assert_eq!(w.as_str(), "NM1|A*B:C^D~\n");
}

#[test]
fn line_breaks_follow_terminators() {
    let mut w = writer().with_line_breaks(true);
    w.begin("SE");
    w.number(12);
    w.padded(7, 4);
    w.begin("GE");
    w.number(1);
    w.end();
    assert_eq!(w.finish(), "SE*12*0007~\nGE*1~\n");
}

#[test]
fn dates_and_times() {
    let mut w = writer();
    let d = NaiveDate::from_ymd_opt(2024, 3, 9).unwrap();
    w.begin("DTP");
    w.element("DTP01", "291").unwrap();
    w.element("DTP02", "RD8").unwrap();
    w.date_range("DTP03", d, d.succ_opt().unwrap()).unwrap();
    w.date("DTP04", d).unwrap();
    w.time(d.and_hms_opt(7, 5, 0).unwrap());
    w.end();
    assert_eq!(w.as_str(), "DTP*291*RD8*20240309-20240310*20240309*0705~");
    let far = NaiveDate::from_ymd_opt(12000, 1, 1).unwrap();
    assert!(w.date("DTP03", far).is_err());
}

#[test]
fn fixed_width_elements_are_padded_or_refused() {
    let mut w = writer();
    w.begin("ISA");
    w.fixed("ISA06", "SENDER", 15).unwrap();
    assert!(w.fixed("ISA08", "A RECEIVER ID TOO LONG", 15).is_err());
    assert!(w.fixed("ISA08", "NÖN", 15).is_err());
    w.delimiter_element(b'^');
    w.end();
    assert_eq!(w.as_str(), "ISA*SENDER         *^~");
}

#[test]
fn bad_delimiter_sets_are_refused() {
    let same = Delimiters {
        element: b'*',
        repetition: Some(b'*'),
        component: b':',
        segment: b'~',
    };
    assert!(X12Writer::new(same, 0).is_err());
    let letter = Delimiters {
        element: b'A',
        ..Delimiters::default()
    };
    assert!(X12Writer::new(letter, 0).is_err());
    let space = Delimiters {
        component: b' ',
        ..Delimiters::default()
    };
    assert!(X12Writer::new(space, 0).is_err());
}

#[test]
fn forbidden_character_matches_the_default_writer() {
    assert_eq!(forbidden_character("SMITH"), None);
    assert_eq!(forbidden_character("O'BRIEN-SMITH JR."), None);
    assert_eq!(forbidden_character("MUÑOZ"), None);
    assert_eq!(forbidden_character("SMI*TH"), Some('*'));
    assert_eq!(forbidden_character("A^B"), Some('^'));
    assert_eq!(forbidden_character("A:B"), Some(':'));
    assert_eq!(forbidden_character("A~B"), Some('~'));
    assert_eq!(forbidden_character("A\tB"), Some('\t'));
    assert_eq!(forbidden_character("A\u{9c}B"), Some('\u{9c}'));
    let w = writer();
    for text in [
        "SMITH",
        "A*B",
        "A\u{9c}B",
        "MUÑOZ",
        "A\u{1d}",
        "x:y",
        "plain text 123",
    ] {
        assert_eq!(
            w.check("f", text).is_ok(),
            forbidden_character(text).is_none(),
            "{text:?}"
        );
    }
}
