//! `eligibility-gateway audit`: print the audit records of one member, found by the same keyed hashes the
//! gateway wrote (`audit.hmac_key` from the configuration or `GATEWAY__AUDIT__HMAC_KEY`).
use std::path::PathBuf;
use std::process::ExitCode;

use super::{load_settings, print_err, print_out, ConfigArg};
use crate::audit::search::{self, MemberQuery};
use crate::audit::MemberHasher;
use crate::config::AuditConfig;

/// Arguments of `audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The member id.
    #[arg(long)]
    pub member_id: Option<String>,
    /// Given name (with --last-name and --dob).
    #[arg(long)]
    pub first_name: Option<String>,
    /// Family name (with --first-name and --dob).
    #[arg(long)]
    pub last_name: Option<String>,
    /// Date of birth, YYYYMMDD (with --first-name and --last-name).
    #[arg(long)]
    pub dob: Option<String>,
    /// The audit file to search (with its rotated `.1`, `.2`, ... files), instead of `audit.path`.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

/// Prints every matching record (one JSON line each, oldest first) on stdout, and a count on stderr. Exit
/// code 0 when some were found, 1 when none.
pub fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let settings = load_settings(args.config.config.as_deref())?;
    let AuditConfig::File(audit) = &settings.security.audit else {
        anyhow::bail!(
            "the audit trail is off in this configuration (audit.sink = \"off\"): give the configuration the \
             gateway ran with (--config), whose audit.hmac_key computes the member hashes"
        );
    };
    let hasher = MemberHasher::new(audit.hmac_key.clone());
    let query = MemberQuery {
        member_id: args.member_id,
        first_name: args.first_name,
        last_name: args.last_name,
        date_of_birth: args.dob,
    };
    let hashes = query.hashes(&hasher).map_err(anyhow::Error::msg)?;
    let path = args.file.unwrap_or_else(|| audit.path.clone());
    let files = search::files(&path, audit.keep_files);
    if files.is_empty() {
        anyhow::bail!("no audit file at {}", path.display());
    }
    let found = search::search(&files, &hashes)?;
    let mut out = String::new();
    for line in &found.lines {
        out.push_str(line);
        out.push('\n');
    }
    print_out(&out)?;
    print_err(&format!(
        "{} record(s) found among {} in {} file(s){}\n",
        found.lines.len(),
        found.scanned,
        files.len(),
        if found.unreadable > 0 {
            format!("; {} unreadable line(s) skipped", found.unreadable)
        } else {
            String::new()
        }
    ))?;
    Ok(if found.lines.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
