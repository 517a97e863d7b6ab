//! Unit tests of the audit trail: hashing, the writer (rotation, nothing lost), and search.
use std::sync::Arc;
use std::time::Duration;

use prometheus::Registry;

use super::search::{files, search, MemberQuery};
use super::*;
use crate::config::AuditFileConfig;

fn hasher() -> MemberHasher {
    MemberHasher::new(HmacKey::new([7u8; 32]))
}

fn record(index: usize, member_id_hash: Option<String>) -> AuditRecord {
    AuditRecord {
        v: RECORD_VERSION,
        time: now_rfc3339(),
        trace_id: format!("trace{index}"),
        client: "frontdesk".to_owned(),
        payer: "sandbox".to_owned(),
        member_id_hash,
        member_hash: None,
        dependent_hashes: Vec::new(),
        service_types: vec!["30".to_owned()],
        procedure_code: None,
        outcome: "active".to_owned(),
        source: "payer".to_owned(),
        control_number: "123456789".to_owned(),
        exchanges: Vec::new(),
        elapsed_ms: 3,
    }
}

#[test]
fn member_hashes_are_keyed_and_normalized_and_never_hold_the_value() {
    let hasher = hasher();
    let id = hasher.member_id(" act123 ");
    assert_eq!(id, hasher.member_id("ACT123"));
    assert_eq!(id.len(), 64);
    assert!(!id.contains("ACT123"));
    assert_ne!(
        id,
        MemberHasher::new(HmacKey::new([8u8; 32])).member_id("ACT123")
    );
    assert_eq!(
        hasher.person("  de  la cruz ", "maria", "19800102"),
        hasher.person("DE LA CRUZ", "MARIA", "19800102")
    );
    assert_ne!(
        hasher.person("DOE", "JANE", "19800102"),
        hasher.person("DOE", "JANE", "19800103")
    );
    // The parts are separated, so moving letters between fields changes the hash.
    assert_ne!(
        hasher.person("DOEJ", "ANE", "19800102"),
        hasher.person("DOE", "JANE", "19800102")
    );
}

#[tokio::test]
async fn the_writer_rotates_by_size_keeps_every_record_and_search_finds_them() {
    let dir = std::env::temp_dir().join(format!("audit-test-{}", uuid::Uuid::new_v4().simple()));
    let path = dir.join("audit.jsonl");
    let config = AuditConfig::File(AuditFileConfig {
        path: path.clone(),
        max_bytes: 4096,
        keep_files: 50,
        hmac_key: HmacKey::new([7u8; 32]),
        queue: 8,
        enqueue_timeout: Duration::from_secs(5),
    });
    let metrics = Metrics::register(&Registry::new()).unwrap();
    let (trail, writer) = AuditTrail::start(&config, Arc::clone(&metrics))
        .unwrap()
        .unwrap();
    let hasher = trail.hasher().clone();
    let target = hasher.member_id("ACT42");
    for index in 0..200 {
        let member = if index % 10 == 0 {
            target.clone()
        } else {
            hasher.member_id(&format!("X{index}"))
        };
        trail.record(record(index, Some(member))).await.unwrap();
    }
    drop(trail);
    writer.finish(Duration::from_secs(10)).await;
    assert_eq!(
        metrics.audit_records.with_label_values(&["written"]).get(),
        200
    );

    let all = files(&path, 50);
    assert!(all.len() > 2, "the file was never rotated: {all:?}");
    for file in &all {
        assert!(std::fs::metadata(file).unwrap().len() <= 4096);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(file).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }
    let query = MemberQuery {
        member_id: Some("act42".to_owned()),
        ..MemberQuery::default()
    };
    let found = search(&all, &query.hashes(&hasher).unwrap()).unwrap();
    assert_eq!(found.scanned, 200, "every record was written exactly once");
    assert_eq!(found.lines.len(), 20);
    // Oldest first.
    let traces: Vec<String> = found
        .lines
        .iter()
        .map(|line| serde_json::from_str::<AuditRecord>(line).unwrap().trace_id)
        .collect();
    let expected: Vec<String> = (0..200).step_by(10).map(|i| format!("trace{i}")).collect();
    assert_eq!(traces, expected);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_query_needs_an_id_or_a_whole_person() {
    let hasher = hasher();
    assert!(MemberQuery::default().hashes(&hasher).is_err());
    let partial = MemberQuery {
        last_name: Some("DOE".to_owned()),
        ..MemberQuery::default()
    };
    assert!(partial.hashes(&hasher).is_err());
}
