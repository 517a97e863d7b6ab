//! The security sections, as written and validated: `[auth]` (API keys), `[audit]` (the audit trail),
//! `[server.tls]` (HTTPS) and the connection limits of `[server]`.
//!
//! Only hashes of API keys are ever configured (`sha256` of the key, hex); the audit trail's HMAC key, like the
//! cache's, is best given by the environment (`GATEWAY__AUDIT__HMAC_KEY`).
use std::collections::HashSet;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use super::error::Problems;
use super::layered::Origins;
use super::settings::ServerSection;
use super::validated::HmacKey;

/// Default `audit.max_bytes`: 100 MiB per file before it is rotated.
pub const DEFAULT_AUDIT_MAX_BYTES: u64 = 100 * 1024 * 1024;
/// Default `audit.keep_files`: rotated files kept besides the current one.
pub const DEFAULT_AUDIT_KEEP_FILES: u32 = 10;
/// Default `audit.queue`: records that may wait for the writer before checks wait for it.
pub const DEFAULT_AUDIT_QUEUE: usize = 4096;
/// Default `audit.enqueue_timeout_ms`: how long a check waits for room in a full queue before its answer
/// is refused (503) rather than given unaudited.
pub const DEFAULT_AUDIT_ENQUEUE_TIMEOUT_MS: u64 = 2_000;
/// Default `audit.path`.
pub const DEFAULT_AUDIT_PATH: &str = "audit/eligibility-audit.jsonl";
/// Default `server.max_connections`: open connections per worker; more wait in the accept backlog.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
/// Default `server.client_request_timeout_ms`: time a client has to send a request's head (slowloris).
pub const DEFAULT_CLIENT_REQUEST_TIMEOUT_MS: u64 = 5_000;
/// Default `server.client_disconnect_timeout_ms`: time a client has to close after the response.
pub const DEFAULT_CLIENT_DISCONNECT_TIMEOUT_MS: u64 = 1_000;
/// Default `server.keep_alive_s`: an idle kept-alive connection is closed after this.
pub const DEFAULT_KEEP_ALIVE_S: u64 = 5;
/// Default `server.max_header_bytes`: the request line and headers together; larger gets 431.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 16 * 1024;
/// Default `server.max_json_depth`: nesting of arrays and objects in a body; deeper gets 400 before parsing.
pub const DEFAULT_MAX_JSON_DEPTH: usize = 32;

/// `[auth]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSection {
    /// The API keys clients may use. Empty (the default) means no key is asked for: allowed on loopback only,
    /// unless `allow_anonymous_non_loopback`.
    #[serde(default)]
    pub keys: Vec<ApiKeySection>,
    /// Serve without keys on an address other than loopback. Default `false`: the gateway refuses to start.
    #[serde(default)]
    pub allow_anonymous_non_loopback: bool,
}

/// One entry of `auth.keys`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeySection {
    /// The key's id: who made a check, in the audit trail and logs (letters, digits, `-`, `_`, `.`).
    pub id: String,
    /// The client's name, for people.
    #[serde(default)]
    pub name: String,
    /// SHA-256 of the key, 64 hex digits (`eligibility-gateway keys new` prints a key and its hash).
    pub sha256: String,
    /// Checks per minute this client may make; 0 means no quota. Default 0.
    #[serde(default)]
    pub quota_per_minute: u32,
}

/// `[audit]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSection {
    /// `off` (the embedded default) or `file` (JSON lines, rotated by size).
    #[serde(default)]
    pub sink: AuditSinkKind,
    /// The audit file; rotated files get `.1`, `.2`, ... appended. Default [`DEFAULT_AUDIT_PATH`].
    #[serde(default = "default_audit_path")]
    pub path: String,
    /// Size of the current file, in bytes, past which it is rotated. Default [`DEFAULT_AUDIT_MAX_BYTES`].
    #[serde(default = "default_audit_max_bytes")]
    pub max_bytes: u64,
    /// Rotated files kept; older ones are deleted. Default [`DEFAULT_AUDIT_KEEP_FILES`].
    #[serde(default = "default_audit_keep_files")]
    pub keep_files: u32,
    /// 64 hex digits keying the HMAC-SHA256 of member identifiers in records. Required unless `sink = "off"`;
    /// keep it stable (records are found by it) and distinct from `cache.hmac_key`. Usually given as
    /// `GATEWAY__AUDIT__HMAC_KEY`.
    #[serde(default)]
    pub hmac_key: Option<String>,
    /// Records that may wait for the writer, in records. Default [`DEFAULT_AUDIT_QUEUE`].
    #[serde(default = "default_audit_queue")]
    pub queue: usize,
    /// How long a check waits for room when the queue is full, in milliseconds, before its answer is refused
    /// with 503 (never given without its record). Default [`DEFAULT_AUDIT_ENQUEUE_TIMEOUT_MS`].
    #[serde(default = "default_audit_enqueue_timeout_ms")]
    pub enqueue_timeout_ms: u64,
}

/// Where audit records go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuditSinkKind {
    /// No audit trail.
    #[default]
    Off,
    /// JSON lines in `audit.path`, rotated by size.
    File,
}

/// `[server.tls]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSection {
    /// PEM file with the server certificate, then its chain.
    pub cert_pem: String,
    /// PEM file with the private key (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: String,
}

/// The security settings, validated.
#[derive(Debug, Clone)]
pub struct SecurityConfig {
    /// API keys.
    pub auth: AuthConfig,
    /// The audit trail.
    pub audit: AuditConfig,
    /// HTTPS, when configured.
    pub tls: Option<TlsConfig>,
    /// Connection and request limits.
    pub limits: ConnectionLimits,
}

/// `[auth]`, validated.
#[derive(Debug, Clone, Default)]
pub struct AuthConfig {
    /// The keys; empty means no key is asked for.
    pub keys: Vec<ApiKeyConfig>,
    /// Serve without keys on a non-loopback address.
    pub allow_anonymous_non_loopback: bool,
}

/// One API key, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyConfig {
    /// The key's id.
    pub id: String,
    /// The client's name.
    pub name: String,
    /// SHA-256 of the key.
    pub sha256: [u8; 32],
    /// Checks per minute; `None` means no quota.
    pub quota_per_minute: Option<NonZeroU32>,
}

/// `[audit]`, validated.
#[derive(Debug, Clone)]
pub enum AuditConfig {
    /// No audit trail.
    Off,
    /// JSON lines in a file, rotated by size.
    File(AuditFileConfig),
}

/// The file audit sink.
#[derive(Debug, Clone)]
pub struct AuditFileConfig {
    /// The current file.
    pub path: PathBuf,
    /// Rotation size, in bytes.
    pub max_bytes: u64,
    /// Rotated files kept.
    pub keep_files: u32,
    /// The member-hash key.
    pub hmac_key: HmacKey,
    /// Queue capacity, in records.
    pub queue: usize,
    /// Longest wait for room in a full queue.
    pub enqueue_timeout: Duration,
}

/// `[server.tls]`, validated (the files are read at start and on SIGHUP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsConfig {
    /// Certificate chain PEM file.
    pub cert_pem: PathBuf,
    /// Private key PEM file.
    pub key_pem: PathBuf,
}

/// Connection and request limits of `[server]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Open connections per worker.
    pub max_connections: usize,
    /// Time to receive a request's head.
    pub client_request_timeout: Duration,
    /// Time for a client to close after the response.
    pub client_disconnect_timeout: Duration,
    /// Idle time before a kept-alive connection is closed.
    pub keep_alive: Duration,
    /// Request line plus headers, in bytes.
    pub max_header_bytes: usize,
    /// Nesting of a JSON body.
    pub max_json_depth: usize,
}

// === validation ===

/// Validates the security settings. The loopback rule is [`check_listen`]'s, applied by `serve` to the address
/// it actually binds (`--listen` overrides `server.listen`).
pub(super) fn validate_security(
    server: &ServerSection,
    auth: &AuthSection,
    audit: &AuditSection,
    origins: &Origins,
    problems: &mut Problems,
) -> Option<SecurityConfig> {
    let before = problems.len();
    let auth_config = validate_auth(auth, origins, problems);
    let audit_config = validate_audit(audit, origins, problems);
    let tls = server.tls.as_ref().and_then(|tls| {
        let mut ok = true;
        for (key, value) in [
            ("server.tls.cert_pem", &tls.cert_pem),
            ("server.tls.key_pem", &tls.key_pem),
        ] {
            if value.trim().is_empty() {
                problems.push(origins.of(key), key, "must name a PEM file");
                ok = false;
            }
        }
        ok.then(|| TlsConfig {
            cert_pem: PathBuf::from(tls.cert_pem.trim()),
            key_pem: PathBuf::from(tls.key_pem.trim()),
        })
    });
    let limits = validate_limits(server, origins, problems);
    if problems.len() != before {
        return None;
    }
    Some(SecurityConfig {
        auth: auth_config,
        audit: audit_config?,
        tls,
        limits: limits?,
    })
}

/// Checks whether `server.listen` (as overridden by `serve --listen`) may be served with this configuration.
pub fn check_listen(security: &SecurityConfig, listen: SocketAddr) -> Result<(), String> {
    let auth = &security.auth;
    if auth.keys.is_empty() && !listen.ip().is_loopback() && !auth.allow_anonymous_non_loopback {
        return Err(format!(
            "refusing to serve on {listen}: it is not a loopback address and no API key is configured \
             (add auth.keys, or set auth.allow_anonymous_non_loopback = true)"
        ));
    }
    Ok(())
}

fn validate_auth(auth: &AuthSection, origins: &Origins, problems: &mut Problems) -> AuthConfig {
    let mut keys = Vec::with_capacity(auth.keys.len());
    let mut ids = HashSet::new();
    let mut hashes = HashSet::new();
    for (index, key) in auth.keys.iter().enumerate() {
        let at = |field: &str| format!("auth.keys[{index}].{field}");
        let id = key.id.trim();
        if id.is_empty()
            || id.len() > 64
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            problems.push(
                origins.of("auth.keys"),
                &at("id"),
                "must be 1 to 64 letters, digits, '-', '_' or '.'",
            );
        } else if !ids.insert(id.to_owned()) {
            problems.push(origins.of("auth.keys"), &at("id"), "is used by another key");
        }
        let mut sha256 = [0u8; 32];
        if hex::decode_to_slice(key.sha256.trim(), &mut sha256).is_err() {
            problems.push(
                origins.of("auth.keys"),
                &at("sha256"),
                "must be 64 hexadecimal digits: the SHA-256 of the key (see `eligibility-gateway keys new`)",
            );
        } else if !hashes.insert(sha256) {
            problems.push(
                origins.of("auth.keys"),
                &at("sha256"),
                "is the hash of another key too",
            );
        }
        keys.push(ApiKeyConfig {
            id: id.to_owned(),
            name: key.name.trim().to_owned(),
            sha256,
            quota_per_minute: NonZeroU32::new(key.quota_per_minute),
        });
    }
    AuthConfig {
        keys,
        allow_anonymous_non_loopback: auth.allow_anonymous_non_loopback,
    }
}

fn validate_audit(
    audit: &AuditSection,
    origins: &Origins,
    problems: &mut Problems,
) -> Option<AuditConfig> {
    let before = problems.len();
    if audit.sink == AuditSinkKind::Off {
        return Some(AuditConfig::Off);
    }
    let hmac_key = match audit.hmac_key.as_deref() {
        None => {
            problems.push(
                origins.of("audit.hmac_key"),
                "audit.hmac_key",
                "is required with an audit sink (64 hex digits; give it as GATEWAY__AUDIT__HMAC_KEY)",
            );
            None
        }
        Some(text) => match HmacKey::from_hex(text) {
            Ok(key) => Some(key),
            Err(message) => {
                problems.push(origins.of("audit.hmac_key"), "audit.hmac_key", message);
                None
            }
        },
    };
    if audit.path.trim().is_empty() {
        problems.push(origins.of("audit.path"), "audit.path", "must name a file");
    }
    if audit.max_bytes < 4096 {
        problems.push(
            origins.of("audit.max_bytes"),
            "audit.max_bytes",
            "must be at least 4096 bytes",
        );
    }
    if audit.keep_files > 10_000 {
        problems.push(
            origins.of("audit.keep_files"),
            "audit.keep_files",
            "must be at most 10000",
        );
    }
    if !(1..=1_000_000).contains(&audit.queue) {
        problems.push(
            origins.of("audit.queue"),
            "audit.queue",
            "must be 1 to 1000000 records",
        );
    }
    if !(1..=60_000).contains(&audit.enqueue_timeout_ms) {
        problems.push(
            origins.of("audit.enqueue_timeout_ms"),
            "audit.enqueue_timeout_ms",
            "must be 1 to 60000 milliseconds",
        );
    }
    if problems.len() != before {
        return None;
    }
    Some(AuditConfig::File(AuditFileConfig {
        path: PathBuf::from(audit.path.trim()),
        max_bytes: audit.max_bytes,
        keep_files: audit.keep_files,
        hmac_key: hmac_key?,
        queue: audit.queue,
        enqueue_timeout: Duration::from_millis(audit.enqueue_timeout_ms),
    }))
}

fn validate_limits(
    server: &ServerSection,
    origins: &Origins,
    problems: &mut Problems,
) -> Option<ConnectionLimits> {
    let before = problems.len();
    let mut range = |key: &str, value: u64, min: u64, max: u64, unit: &str| {
        if value < min || value > max {
            problems.push(
                origins.of(key),
                key,
                format!("must be {min} to {max} {unit}"),
            );
        }
    };
    range(
        "server.max_connections",
        server.max_connections as u64,
        1,
        1_000_000,
        "connections",
    );
    range(
        "server.client_request_timeout_ms",
        server.client_request_timeout_ms,
        100,
        600_000,
        "milliseconds",
    );
    range(
        "server.client_disconnect_timeout_ms",
        server.client_disconnect_timeout_ms,
        100,
        600_000,
        "milliseconds",
    );
    range(
        "server.keep_alive_s",
        server.keep_alive_s,
        0,
        3_600,
        "seconds",
    );
    range(
        "server.max_header_bytes",
        server.max_header_bytes as u64,
        1024,
        1024 * 1024,
        "bytes",
    );
    range(
        "server.max_json_depth",
        server.max_json_depth as u64,
        4,
        128,
        "levels",
    );
    (problems.len() == before).then_some(ConnectionLimits {
        max_connections: server.max_connections,
        client_request_timeout: Duration::from_millis(server.client_request_timeout_ms),
        client_disconnect_timeout: Duration::from_millis(server.client_disconnect_timeout_ms),
        keep_alive: Duration::from_secs(server.keep_alive_s),
        max_header_bytes: server.max_header_bytes,
        max_json_depth: server.max_json_depth,
    })
}

// === defaults ===

impl Default for AuditSection {
    fn default() -> Self {
        AuditSection {
            sink: AuditSinkKind::Off,
            path: default_audit_path(),
            max_bytes: DEFAULT_AUDIT_MAX_BYTES,
            keep_files: DEFAULT_AUDIT_KEEP_FILES,
            hmac_key: None,
            queue: DEFAULT_AUDIT_QUEUE,
            enqueue_timeout_ms: DEFAULT_AUDIT_ENQUEUE_TIMEOUT_MS,
        }
    }
}

fn default_audit_path() -> String {
    DEFAULT_AUDIT_PATH.to_owned()
}
fn default_audit_max_bytes() -> u64 {
    DEFAULT_AUDIT_MAX_BYTES
}
fn default_audit_keep_files() -> u32 {
    DEFAULT_AUDIT_KEEP_FILES
}
fn default_audit_queue() -> usize {
    DEFAULT_AUDIT_QUEUE
}
fn default_audit_enqueue_timeout_ms() -> u64 {
    DEFAULT_AUDIT_ENQUEUE_TIMEOUT_MS
}
pub(super) fn default_max_connections() -> usize {
    DEFAULT_MAX_CONNECTIONS
}
pub(super) fn default_client_request_timeout_ms() -> u64 {
    DEFAULT_CLIENT_REQUEST_TIMEOUT_MS
}
pub(super) fn default_client_disconnect_timeout_ms() -> u64 {
    DEFAULT_CLIENT_DISCONNECT_TIMEOUT_MS
}
pub(super) fn default_keep_alive_s() -> u64 {
    DEFAULT_KEEP_ALIVE_S
}
pub(super) fn default_max_header_bytes() -> usize {
    DEFAULT_MAX_HEADER_BYTES
}
pub(super) fn default_max_json_depth() -> usize {
    DEFAULT_MAX_JSON_DEPTH
}
