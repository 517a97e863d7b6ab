//! Unit tests of the tokenizer: delimiter detection, tolerated layouts and refused headers.
use super::*;

const ISA: &str = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *230101*1200*^*00501*000000001*0*P*:~";

fn ids(input: &[u8]) -> Vec<String> {
    tokenize(input)
        .unwrap()
        .segments()
        .map(|s| s.id().to_string())
        .collect()
}

#[test]
fn reads_standard_delimiters() {
    let t = tokenize(ISA.as_bytes()).unwrap();
    assert_eq!(t.delimiters(), Delimiters::default());
    assert!(!t.skipped_junk());
}

#[test]
fn splits_elements_repetitions_and_components() {
    let input = format!("{ISA}EB*B*IND*30^1^33*HM*GOLD  PLAN*27*25.00****Y*W*HC:99213:25~");
    let t = tokenize(input.as_bytes()).unwrap();
    let eb = t.segments().nth(1).unwrap();
    assert_eq!(eb.id(), "EB");
    assert_eq!(eb.position(), 2);
    assert_eq!(eb.element_count(), 13);
    assert_eq!(eb.repetitions(3).collect::<Vec<_>>(), ["30", "1", "33"]);
    assert_eq!(eb.element(5), Some("GOLD  PLAN"));
    assert_eq!(eb.element(8), None);
    assert_eq!(eb.element(14), None);
    assert_eq!(eb.element(0), None);
    assert_eq!(eb.component(13, 2), Some("99213"));
    assert_eq!(eb.components(13).count(), 3);
    assert_eq!(eb.component(13, 4), None);
    let f: [&str; 4] = eb.fields();
    assert_eq!(f, ["B", "IND", "30^1^33", "HM"]);
}

#[test]
fn segment_without_elements() {
    let input = format!("{ISA}LE~LS*2120~");
    let t = tokenize(input.as_bytes()).unwrap();
    let segs: Vec<_> = t.segments().collect();
    assert_eq!(segs[1].element_count(), 0);
    assert_eq!(segs[1].elements().count(), 0);
    assert_eq!(segs[2].element(1), Some("2120"));
}

#[test]
fn odd_delimiters_are_read_from_the_isa() {
    let input = "ISA|00|          |00|          |ZZ|S              |ZZ|R              |230101|1200|}|00501|000000001|0|P|^~\nEB|1||30}35~\n";
    let t = tokenize(input.as_bytes()).unwrap();
    let d = t.delimiters();
    assert_eq!(
        (d.element, d.repetition, d.component, d.segment),
        (b'|', Some(b'}'), b'^', b'~')
    );
    let eb = t.segments().nth(1).unwrap();
    assert_eq!(eb.repetitions(3).collect::<Vec<_>>(), ["30", "35"]);
}

#[test]
fn newline_and_0x1d_terminators() {
    let lf = "ISA*00*          *00*          *ZZ*S              *ZZ*R              *230101*1200*U*00401*000000001*0*P*:\nGS*HB\r\nST*271\n\n";
    let t = tokenize(lf.as_bytes()).unwrap();
    assert_eq!(t.delimiters().segment, b'\n');
    assert_eq!(t.delimiters().repetition, None);
    assert_eq!(ids(lf.as_bytes()), ["ISA", "GS", "ST"]);
    let gs = "ISA*00*          *00*          *ZZ*S              *ZZ*R              *230101*1200*^*00501*000000001*0*P*:\x1d\r\n  GS*HB\x1d\r\n\tST*271\x1d";
    assert_eq!(ids(gs.as_bytes()), ["ISA", "GS", "ST"]);
}

#[test]
fn bom_leading_whitespace_junk_and_trailing_spaces() {
    let input = format!("\u{feff}  \r\n{ISA}\r\n   GS*HB~  \r\n\t\tN3*SUITE X ~  \r\n");
    assert_eq!(ids(input.as_bytes()), ["ISA", "GS", "N3"]);
    let t = tokenize(input.as_bytes()).unwrap();
    assert!(!t.skipped_junk());
    assert_eq!(t.segments().nth(2).unwrap().element(1), Some("SUITE X"));
    let junk = format!("\x020000000544\x03{ISA}GS*HB~");
    let t = tokenize(junk.as_bytes()).unwrap();
    assert!(t.skipped_junk());
    assert_eq!(t.segments().count(), 2);
}

#[test]
fn non_fixed_width_isa() {
    let input = "ISA*00* *00* *30*560891234 *30*566012345*030813*1505*U*00401*000000007*1*P*:~\nTA1*000000100*030809*0823*R*024~\nIEA*1*000000007~\n";
    assert_eq!(ids(input.as_bytes()), ["ISA", "TA1", "IEA"]);
}

#[test]
fn unterminated_last_segment() {
    let input = format!("{ISA}GS*HB~IEA*1*000000001");
    let segs: Vec<_> = tokenize(input.as_bytes()).unwrap().segments().collect();
    assert_eq!(segs.len(), 3);
    assert!(segs[1].is_terminated());
    assert!(!segs[2].is_terminated());
    assert_eq!(segs[2].element(2), Some("000000001"));
}

#[test]
fn a_second_interchange_brings_its_own_delimiters() {
    let second = "ISA|00|          |00|          |ZZ|S              |ZZ|R              |230101|1200|^|00501|000000002|0|P|:!GS|HB!";
    let input = format!("{ISA}GS*HB~IEA*1*000000001~\n{second}");
    let segs: Vec<_> = tokenize(input.as_bytes()).unwrap().segments().collect();
    let ids: Vec<_> = segs.iter().map(|s| s.id()).collect();
    assert_eq!(ids, ["ISA", "GS", "IEA", "ISA", "GS"]);
    assert_eq!(segs[4].element(1), Some("HB"));
    assert_eq!(segs[4].position(), 5);
}

#[test]
fn refused_headers() {
    let kind = |s: &str| tokenize(s.as_bytes()).unwrap_err().kind;
    assert_eq!(kind(""), X12ErrorKind::Empty);
    assert_eq!(kind(" \r\n"), X12ErrorKind::Empty);
    assert_eq!(kind("ISS*00~GS*HB~"), X12ErrorKind::NoIsa);
    assert!(matches!(kind("ISA*00*01~"), X12ErrorKind::Truncated(_)));
    let with = |rep: &str, comp: &str| {
        format!("ISA*00*          *00*          *ZZ*S              *ZZ*R              *230101*1200*{rep}*00501*000000001*0*P*{comp}~GS*HB~")
    };
    assert!(matches!(
        kind(&with("^", " ")),
        X12ErrorKind::InvalidDelimiters(_)
    ));
    assert!(matches!(
        kind(&with("^", "X")),
        X12ErrorKind::InvalidDelimiters(_)
    ));
    assert!(matches!(
        kind(&with("^", "1")),
        X12ErrorKind::InvalidDelimiters(_)
    ));
    assert!(matches!(
        kind(&with("1", ":")),
        X12ErrorKind::InvalidDelimiters(_)
    ));
    assert!(matches!(kind(&with("", ":")), X12ErrorKind::BadIsa(_)));
    assert!(matches!(
        kind(&with("^", "*")),
        X12ErrorKind::InvalidDelimiters(_)
    ));
    assert!(matches!(
        kind(&with("^", "~")),
        X12ErrorKind::InvalidDelimiters(_)
    ));
    assert!(tokenize(with("U", ":").as_bytes()).is_ok());
    // A space where the element separator belongs.
    assert!(matches!(
        kind("ISA *00*  *00*"),
        X12ErrorKind::InvalidDelimiters(_)
    ));
    // Fewer than sixteen elements before the terminator borrows from the next segment.
    assert!(matches!(
        kind("ISA*00*X*00*X*ZZ*S*ZZ*R*230101*1200*^*00501~GS*HB*S*R*:~"),
        X12ErrorKind::BadIsa(_)
    ));
}

#[test]
fn invalid_utf8_is_an_error_with_position() {
    let mut input = format!("{ISA}GS*HB~NM1*IL*1*").into_bytes();
    input.extend_from_slice(b"\xff\xfe~");
    let e = tokenize(&input).unwrap_err();
    assert_eq!(e.kind, X12ErrorKind::InvalidEncoding);
    assert_eq!(e.position, Some(3));
}

#[test]
fn lowercase_ids_match_with_is() {
    let input = format!("{ISA}eb*1~");
    let t = tokenize(input.as_bytes()).unwrap();
    let eb = t.segments().nth(1).unwrap();
    assert!(eb.is("EB"));
    assert_eq!(eb.id(), "eb");
}
