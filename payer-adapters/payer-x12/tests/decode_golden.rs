//! Golden-file tests of the normalized JSON: each `tests/data/{271,999,ta1}/NAME.x12` decodes to exactly
//! `NAME.json` beside it. `UPDATE_GOLDEN=1 cargo test -p payer-x12 --test decode_golden` rewrites the files
//! (review the diff before committing it).
use std::path::{Path, PathBuf};

use payer_x12::{decode, Reply, X12Error};
use serde_json::{json, Value};

/// The decode outcome as JSON: the responses, the rejections, `"acknowledged"`, or the error.
fn outcome(result: Result<Reply, X12Error>) -> Value {
    match result {
        Ok(Reply::Eligibility(responses)) => json!({ "eligibility": responses }),
        Ok(Reply::Rejected(errors)) => json!({ "rejected": errors }),
        Ok(Reply::Acknowledged) => json!("acknowledged"),
        Err(e) => {
            json!({ "error": { "message": e.to_string(), "segment": e.segment, "position": e.position } })
        }
    }
}

/// Decodes `input` and compares with `expected` (or rewrites it under `UPDATE_GOLDEN=1`).
fn check(input: &Path, expected: &Path) -> Result<(), String> {
    let bytes = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let actual = outcome(decode(&bytes));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let text = serde_json::to_string_pretty(&actual).map_err(|e| e.to_string())? + "\n";
        std::fs::write(expected, text).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let text = std::fs::read_to_string(expected).map_err(|e| {
        format!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            expected.display()
        )
    })?;
    let wanted: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", expected.display()))?;
    if actual == wanted {
        Ok(())
    } else {
        Err(format!(
            "{} differs from {}:\n{}",
            input.display(),
            expected.display(),
            serde_json::to_string_pretty(&actual).unwrap_or_default()
        ))
    }
}

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "x12"))
        .collect();
    files.sort();
    files
}

fn check_all(kind: &str, at_least: usize) {
    let files = fixtures(kind);
    assert!(
        files.len() >= at_least,
        "{kind}: only {} fixtures",
        files.len()
    );
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| check(f, &f.with_extension("json")).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn golden_271() {
    check_all("271", 15);
}

#[test]
fn golden_999() {
    check_all("999", 4);
}

#[test]
fn golden_ta1() {
    check_all("ta1", 3);
}

/// The same interchange with other delimiters, terminators and layouts decodes to the same answer.
#[test]
fn layouts_and_delimiters_do_not_change_the_answer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/271");
    let base = outcome(decode(
        &std::fs::read(dir.join("full-subscriber.x12")).unwrap(),
    ));
    for variant in [
        "pipe-delimiters-crlf.x12",
        "newline-terminated.x12",
        "gs-terminator-bom-indented.x12",
        "single-line.x12",
    ] {
        let other = outcome(decode(&std::fs::read(dir.join(variant)).unwrap()));
        assert_eq!(other, base, "{variant}");
    }
}

/// Nothing in errors or warnings quotes member data.
#[test]
fn warnings_and_errors_carry_no_member_data() {
    for kind in ["271", "999", "ta1"] {
        for file in fixtures(kind) {
            let value = outcome(decode(&std::fs::read(&file).unwrap()));
            let mut notes = Vec::new();
            if let Some(all) = value.get("eligibility").and_then(Value::as_array) {
                for r in all {
                    notes.push(r.get("warnings").cloned().unwrap_or(Value::Null));
                    notes.push(r.get("errors").cloned().unwrap_or(Value::Null));
                }
            }
            notes.push(value.get("rejected").cloned().unwrap_or(Value::Null));
            notes.push(value.get("error").cloned().unwrap_or(Value::Null));
            let text = serde_json::to_string(&notes).unwrap();
            for phi in [
                "DOE",
                "JANE",
                "EMMA",
                "W123456789",
                "19800214",
                "ELM ST",
                "W12\"",
            ] {
                assert!(!text.contains(phi), "{}: {phi} in {text}", file.display());
            }
        }
    }
}
