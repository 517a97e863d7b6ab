//! Finding a member's records: the same keyed hashes as the writer, compared with every record of the audit
//! file and its rotated files, oldest first.
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::file::rotated;
use super::{AuditRecord, MemberHasher};

/// What an auditor knows about a member. A record matches when any hash computed from it matches: the member
/// id against `memberIdHash`; last name, first name and date of birth (all three) against `memberHash` or a
/// `dependentHashes` entry.
#[derive(Debug, Clone, Default)]
pub struct MemberQuery {
    /// The member id.
    pub member_id: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Date of birth, `YYYYMMDD`.
    pub date_of_birth: Option<String>,
}

/// The hashes a query looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryHashes {
    member_id: Option<String>,
    person: Option<String>,
}

/// What a search found.
#[derive(Debug, Default)]
pub struct Found {
    /// The matching lines, as written.
    pub lines: Vec<String>,
    /// Records read.
    pub scanned: usize,
    /// Lines that are not records (a partial last line after a crash), skipped.
    pub unreadable: usize,
}

// === impl MemberQuery ===

impl MemberQuery {
    /// The hashes to look for; an error when the query names no member id and not all of last name, first
    /// name and date of birth.
    pub fn hashes(&self, hasher: &MemberHasher) -> Result<QueryHashes, &'static str> {
        let member_id = self
            .member_id
            .as_deref()
            .filter(|id| !id.trim().is_empty())
            .map(|id| hasher.member_id(id));
        let person = match (&self.last_name, &self.first_name, &self.date_of_birth) {
            (Some(last), Some(first), Some(birth)) => Some(hasher.person(last, first, birth)),
            (None, None, None) => None,
            _ => return Err("give --last-name, --first-name and --dob together"),
        };
        if member_id.is_none() && person.is_none() {
            return Err("give --member-id, or --last-name, --first-name and --dob");
        }
        Ok(QueryHashes { member_id, person })
    }
}

// === impl QueryHashes ===

impl QueryHashes {
    /// Whether a record is about the member.
    pub fn matches(&self, record: &AuditRecord) -> bool {
        let id = self.member_id.is_some() && record.member_id_hash == self.member_id;
        let person = self.person.as_ref().is_some_and(|person| {
            record.member_hash.as_ref() == Some(person) || record.dependent_hashes.contains(person)
        });
        id || person
    }
}

/// The audit files of `path`, oldest first: `PATH.N` ... `PATH.1`, `PATH` (those that exist).
pub fn files(path: &Path, keep_files: u32) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = (1..=keep_files.max(1))
        .rev()
        .map(|index| rotated(path, index))
        .filter(|file| file.exists())
        .collect();
    if path.exists() {
        files.push(path.to_owned());
    }
    files
}

/// Every record of `files` that matches.
pub fn search(files: &[PathBuf], hashes: &QueryHashes) -> anyhow::Result<Found> {
    let mut found = Found::default();
    for file in files {
        let reader = BufReader::new(
            std::fs::File::open(file)
                .with_context(|| format!("could not open {}", file.display()))?,
        );
        for line in reader.lines() {
            let line = line.with_context(|| format!("could not read {}", file.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<AuditRecord>(&line) {
                Ok(record) => {
                    found.scanned += 1;
                    if hashes.matches(&record) {
                        found.lines.push(line);
                    }
                }
                Err(_) => found.unreadable += 1,
            }
        }
    }
    Ok(found)
}
