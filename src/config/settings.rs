//! The sections of `gateway.toml` as written (one serde struct per section), and their defaults.
//!
//! These structs are what the files say, before validation: strings where the validated form is an address
//! or a key, milliseconds and seconds as integers. [`super::ValidatedSettings`] is what the gateway runs on.
//! Every field has a default here (a named constant) and the embedded `config/gateway.toml` writes the same
//! values out, so an operator's file only names what it changes.
use serde::Deserialize;

/// Default `server.listen`: loopback only, so a fresh checkout exposes nothing.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Default `server.max_body_bytes`: 64 KiB, far above any single eligibility request.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
/// Default `server.default_deadline_ms`: 20 s, the CAQH CORE real-time response limit.
pub const DEFAULT_DEADLINE_MS: u64 = 20_000;
/// Default `server.max_deadline_ms`: clients may ask for less than the CORE limit, not more.
pub const DEFAULT_MAX_DEADLINE_MS: u64 = 20_000;
/// Default `server.workers`: 0 means one HTTP worker per CPU core.
pub const DEFAULT_WORKERS: usize = 0;
/// Default `server.small_writes_above_in_flight`: with this many other checks in flight, answers are written
/// in pieces that keep each connection's write buffer at 8 KiB (see `routes::pieces`).
pub const DEFAULT_SMALL_WRITES_ABOVE_IN_FLIGHT: usize = 1_000;
/// Default `server.shutdown_grace_s`: the longest default deadline and a second, so a rolling restart cuts
/// no accepted check short.
pub const DEFAULT_SHUTDOWN_GRACE_S: u64 = 21;
/// Default `cache.capacity`, in entries (an entry is one normalized answer, a few KiB to a few dozen).
pub const DEFAULT_CACHE_CAPACITY: u64 = 100_000;
/// Default `cache.max_mb`: what the answers held in process may weigh together, in MiB.
pub const DEFAULT_CACHE_MAX_MB: u64 = 256;
/// Default `cache.ttl_active_s`: 4 hours. Coverage rarely changes within a day; a front desk re-checks daily.
pub const DEFAULT_TTL_ACTIVE_S: u64 = 4 * 3600;
/// Default `cache.ttl_inactive_s`: 1 hour, shorter because a lapsed plan is often reinstated the same day.
pub const DEFAULT_TTL_INACTIVE_S: u64 = 3600;
/// Default `cache.ttl_rejected_s`: 15 minutes, long enough to absorb a retry storm on a wrong member id.
pub const DEFAULT_TTL_REJECTED_S: u64 = 15 * 60;
/// Default `cache.stale_max_age_s`: 1 hour past its lifetime, an answer may still be served when the payer
/// cannot be asked.
pub const DEFAULT_STALE_MAX_AGE_S: u64 = 3600;
/// Smallest `rate_limit.requests_per_second` (one call in 1,000 s), and the floor of an instance's share of
/// it, so that the interval between calls is always a valid `Duration`.
pub const MIN_REQUESTS_PER_SECOND: f64 = 1e-3;
/// Default `cache.redis_timeout_ms`: Redis answers on a LAN in about a millisecond; past this it is in trouble.
pub const DEFAULT_REDIS_TIMEOUT_MS: u64 = 100;
/// Default `cache.redis_key_prefix`.
pub const DEFAULT_REDIS_KEY_PREFIX: &str = "elig:v1:";
/// Default `cache.local_ttl_ms`: short, so that a replaced answer is seen by every instance soon.
pub const DEFAULT_LOCAL_TTL_MS: u64 = 2_000;
/// Default `cache.lease_ms`.
pub const DEFAULT_LEASE_MS: u64 = 3_000;
/// Default `log.level`.
pub const DEFAULT_LOG_LEVEL: &str = "info";

/// The whole `gateway.toml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `[server]`: the HTTP listener and request deadlines.
    #[serde(default)]
    pub server: ServerSection,
    /// `[cache]`: the answer cache.
    #[serde(default)]
    pub cache: CacheSection,
    /// `[log]`: what is logged and how.
    #[serde(default)]
    pub log: LogSection,
    /// `[payers]`: where payer definitions come from.
    #[serde(default)]
    pub payers: PayersSection,
    /// `[auth]`: API keys (hashes only) and their quotas.
    #[serde(default)]
    pub auth: super::security::AuthSection,
    /// `[audit]`: the audit trail of checks.
    #[serde(default)]
    pub audit: super::security::AuditSection,
    /// `[rate_limits]`: how payer limits are shared by a fleet of instances.
    #[serde(default)]
    pub rate_limits: RateLimitsSection,
    /// `[batch]`: batch checks ([`super::resilience::BatchSection`]).
    #[serde(default)]
    pub batch: super::resilience::BatchSection,
}

/// `[rate_limits]`. Each payer's own limits are in its file (`[rate_limit]`); with Redis they hold for the
/// whole fleet, kept in Redis.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitsSection {
    /// The share of each payer's rate this instance may use on its own when Redis cannot be reached (above 0,
    /// at most 1). Default: one over the number of instances last seen in Redis (1 without Redis).
    #[serde(default)]
    pub local_share: Option<f64>,
}

/// `[server]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    /// Socket address to listen on (`IP:port`). Default [`DEFAULT_LISTEN`].
    #[serde(default = "default_listen")]
    pub listen: String,
    /// Largest request body accepted, in bytes; larger bodies get 413. Default [`DEFAULT_MAX_BODY_BYTES`].
    #[serde(default = "default_max_body_bytes")]
    pub max_body_bytes: usize,
    /// Deadline of a check when the client names none, in milliseconds. Default [`DEFAULT_DEADLINE_MS`].
    #[serde(default = "default_deadline_ms")]
    pub default_deadline_ms: u64,
    /// Longest deadline a client may ask for, in milliseconds; longer asks are capped. Default
    /// [`DEFAULT_MAX_DEADLINE_MS`].
    #[serde(default = "default_max_deadline_ms")]
    pub max_deadline_ms: u64,
    /// HTTP worker threads; 0 means one per CPU core. Default [`DEFAULT_WORKERS`].
    #[serde(default = "default_workers")]
    pub workers: usize,
    /// Open connections per worker; more wait in the accept backlog. Default
    /// [`super::security::DEFAULT_MAX_CONNECTIONS`].
    #[serde(default = "super::security::default_max_connections")]
    pub max_connections: usize,
    /// Time a client has to send a request's line and headers, in milliseconds; slower gets 408. Default
    /// [`super::security::DEFAULT_CLIENT_REQUEST_TIMEOUT_MS`].
    #[serde(default = "super::security::default_client_request_timeout_ms")]
    pub client_request_timeout_ms: u64,
    /// Time a client has to close its side after the response, in milliseconds. Default
    /// [`super::security::DEFAULT_CLIENT_DISCONNECT_TIMEOUT_MS`].
    #[serde(default = "super::security::default_client_disconnect_timeout_ms")]
    pub client_disconnect_timeout_ms: u64,
    /// Idle time before a kept-alive connection is closed, in seconds; 0 disables keep-alive. Default
    /// [`super::security::DEFAULT_KEEP_ALIVE_S`].
    #[serde(default = "super::security::default_keep_alive_s")]
    pub keep_alive_s: u64,
    /// Largest request line plus headers, in bytes; larger gets 431. Default
    /// [`super::security::DEFAULT_MAX_HEADER_BYTES`].
    #[serde(default = "super::security::default_max_header_bytes")]
    pub max_header_bytes: usize,
    /// Deepest nesting of arrays and objects in a JSON body; deeper gets 400 before it is parsed. Default
    /// [`super::security::DEFAULT_MAX_JSON_DEPTH`].
    #[serde(default = "super::security::default_max_json_depth")]
    pub max_json_depth: usize,
    /// Other checks in flight from which an answer is written in 7 KiB pieces, so that each connection's
    /// write buffer stays at 8 KiB instead of growing to its largest answer; 0 means always. Default
    /// [`DEFAULT_SMALL_WRITES_ABOVE_IN_FLIGHT`].
    #[serde(default = "default_small_writes_above_in_flight")]
    pub small_writes_above_in_flight: usize,
    /// `[server.tls]`: serve HTTPS with this certificate and key (reloaded on SIGHUP). Default: plain HTTP.
    #[serde(default)]
    pub tls: Option<super::security::TlsSection>,
    /// After SIGTERM (or ctrl-c): how long in-flight requests may take to finish, in seconds; what is still
    /// running then is cancelled. Default [`DEFAULT_SHUTDOWN_GRACE_S`].
    #[serde(default = "default_shutdown_grace_s")]
    pub shutdown_grace_s: u64,
}

/// `[cache]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheSection {
    /// `memory` (in process, the default) or `none` (every check goes to the payer).
    #[serde(default)]
    pub kind: CacheKind,
    /// Most answers held in memory, in entries; the least used go first. Default [`DEFAULT_CACHE_CAPACITY`].
    #[serde(default = "default_cache_capacity")]
    pub capacity: u64,
    /// Most MiB of answers held in process (their stored, packed size); whichever of this and `capacity` is
    /// reached first bounds the cache. Default [`DEFAULT_CACHE_MAX_MB`].
    #[serde(default = "default_cache_max_mb")]
    pub max_mb: u64,
    /// The key of the HMAC-SHA256 that turns an inquiry into a cache key: 64 hex digits (32 bytes).
    /// Usually given by the environment (`GATEWAY__CACHE__HMAC_KEY`), not written in a file. When absent, a
    /// random key is drawn at start: the in-memory cache works the same, but its keys differ per process,
    /// which a shared cache (Redis) cannot accept.
    #[serde(default)]
    pub hmac_key: Option<String>,
    /// How long an `active` answer is served from cache, in seconds; 0 disables. Default
    /// [`DEFAULT_TTL_ACTIVE_S`].
    #[serde(default = "default_ttl_active_s")]
    pub ttl_active_s: u64,
    /// How long an `inactive` answer is served from cache, in seconds; 0 disables. Default
    /// [`DEFAULT_TTL_INACTIVE_S`].
    #[serde(default = "default_ttl_inactive_s")]
    pub ttl_inactive_s: u64,
    /// How long a permanent rejection (AAA that retrying cannot fix, such as 72 "invalid member id") is served
    /// from cache, in seconds; 0 disables. Retryable rejections (AAA 42) are never cached. Default
    /// [`DEFAULT_TTL_REJECTED_S`].
    #[serde(default = "default_ttl_rejected_s")]
    pub ttl_rejected_s: u64,
    /// How long past its lifetime an answer is kept to be served (marked `meta.cache.stale`) when the payer
    /// cannot be asked, in seconds; 0 disables. Default [`DEFAULT_STALE_MAX_AGE_S`].
    #[serde(default = "default_stale_max_age_s")]
    pub stale_max_age_s: u64,
    /// A Redis server shared by every gateway instance (`redis://host:6379/0`): the answer cache, single-flight
    /// leases and fleet-wide payer rate limits. Requires `hmac_key` and `encryption_keys`. Default: none.
    #[serde(default)]
    pub redis_url: Option<String>,
    /// Seed URLs of a Redis Cluster, instead of `redis_url`. Default: none.
    #[serde(default)]
    pub redis_cluster_urls: Vec<String>,
    /// The longest any one Redis operation may take before it counts as failed (and the check goes on
    /// without it), in milliseconds. Default [`DEFAULT_REDIS_TIMEOUT_MS`].
    #[serde(default = "default_redis_timeout_ms")]
    pub redis_timeout_ms: u64,
    /// Prefix of every Redis key the gateway writes. Default [`DEFAULT_REDIS_KEY_PREFIX`].
    #[serde(default = "default_redis_key_prefix")]
    pub redis_key_prefix: String,
    /// With Redis: how long an answer is also kept in this process in front of Redis, in milliseconds;
    /// 0 disables the local tier. Default [`DEFAULT_LOCAL_TTL_MS`].
    #[serde(default = "default_local_ttl_ms")]
    pub local_ttl_ms: u64,
    /// With Redis: lifetime of a single-flight lease, in milliseconds. The holder renews it while its payer
    /// call runs; if the holder dies, another instance takes over after at most this. Default
    /// [`DEFAULT_LEASE_MS`].
    #[serde(default = "default_lease_ms")]
    pub lease_ms: u64,
    /// AES-256-GCM keys for values stored in Redis: `[{ id = 1, key = "64 hex digits" }, ...]`. The first
    /// encrypts; all decrypt (rotation: put the new key first, drop the old one once its entries expired).
    /// Usually given by the environment (`GATEWAY__CACHE__ENCRYPTION_KEYS`). Required with Redis.
    #[serde(default)]
    pub encryption_keys: Vec<EncryptionKeySection>,
}

/// One entry of `cache.encryption_keys`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptionKeySection {
    /// The key id stored in front of every value it encrypts (0 to 255).
    pub id: u8,
    /// 64 hex digits (32 bytes).
    pub key: String,
}

/// Which cache holds answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheKind {
    /// In process, bounded by `capacity` (moka).
    #[default]
    Memory,
    /// No cache: every check asks the payer.
    None,
}

/// `[log]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSection {
    /// A `tracing` filter: a level (`info`) or directives (`info,gateway::router=debug`). Default
    /// [`DEFAULT_LOG_LEVEL`]. `RUST_LOG` is not read; use `GATEWAY__LOG__LEVEL`.
    #[serde(default = "default_log_level")]
    pub level: String,
    /// `pretty` (human readable, the default) or `json` (one object per line, for log shippers).
    #[serde(default)]
    pub format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Pretty,
    /// One JSON object per line.
    Json,
}

/// `[payers]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayersSection {
    /// Whether the payers embedded in the binary (`config/payers/*.toml`: the sandbox payers) are loaded.
    /// Default `true`.
    #[serde(default = "default_true")]
    pub embedded: bool,
    /// A directory of operator payer files (`*.toml`, one payer each), read at start. A payer here with the
    /// id of an embedded payer replaces it. Default: none.
    #[serde(default)]
    pub dir: Option<String>,
}

// === defaults ===

impl Default for ServerSection {
    fn default() -> Self {
        ServerSection {
            listen: default_listen(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            default_deadline_ms: DEFAULT_DEADLINE_MS,
            max_deadline_ms: DEFAULT_MAX_DEADLINE_MS,
            workers: DEFAULT_WORKERS,
            max_connections: super::security::DEFAULT_MAX_CONNECTIONS,
            client_request_timeout_ms: super::security::DEFAULT_CLIENT_REQUEST_TIMEOUT_MS,
            client_disconnect_timeout_ms: super::security::DEFAULT_CLIENT_DISCONNECT_TIMEOUT_MS,
            keep_alive_s: super::security::DEFAULT_KEEP_ALIVE_S,
            max_header_bytes: super::security::DEFAULT_MAX_HEADER_BYTES,
            max_json_depth: super::security::DEFAULT_MAX_JSON_DEPTH,
            small_writes_above_in_flight: DEFAULT_SMALL_WRITES_ABOVE_IN_FLIGHT,
            tls: None,
            shutdown_grace_s: DEFAULT_SHUTDOWN_GRACE_S,
        }
    }
}

impl Default for CacheSection {
    fn default() -> Self {
        CacheSection {
            kind: CacheKind::default(),
            capacity: DEFAULT_CACHE_CAPACITY,
            max_mb: DEFAULT_CACHE_MAX_MB,
            hmac_key: None,
            ttl_active_s: DEFAULT_TTL_ACTIVE_S,
            ttl_inactive_s: DEFAULT_TTL_INACTIVE_S,
            ttl_rejected_s: DEFAULT_TTL_REJECTED_S,
            stale_max_age_s: DEFAULT_STALE_MAX_AGE_S,
            redis_url: None,
            redis_cluster_urls: Vec::new(),
            redis_timeout_ms: DEFAULT_REDIS_TIMEOUT_MS,
            redis_key_prefix: default_redis_key_prefix(),
            local_ttl_ms: DEFAULT_LOCAL_TTL_MS,
            lease_ms: DEFAULT_LEASE_MS,
            encryption_keys: Vec::new(),
        }
    }
}

impl Default for LogSection {
    fn default() -> Self {
        LogSection {
            level: default_log_level(),
            format: LogFormat::default(),
        }
    }
}

impl Default for PayersSection {
    fn default() -> Self {
        PayersSection {
            embedded: true,
            dir: None,
        }
    }
}

fn default_listen() -> String {
    DEFAULT_LISTEN.to_owned()
}
fn default_max_body_bytes() -> usize {
    DEFAULT_MAX_BODY_BYTES
}
fn default_deadline_ms() -> u64 {
    DEFAULT_DEADLINE_MS
}
fn default_max_deadline_ms() -> u64 {
    DEFAULT_MAX_DEADLINE_MS
}
fn default_workers() -> usize {
    DEFAULT_WORKERS
}
fn default_small_writes_above_in_flight() -> usize {
    DEFAULT_SMALL_WRITES_ABOVE_IN_FLIGHT
}
fn default_shutdown_grace_s() -> u64 {
    DEFAULT_SHUTDOWN_GRACE_S
}
fn default_cache_capacity() -> u64 {
    DEFAULT_CACHE_CAPACITY
}
fn default_cache_max_mb() -> u64 {
    DEFAULT_CACHE_MAX_MB
}
fn default_ttl_active_s() -> u64 {
    DEFAULT_TTL_ACTIVE_S
}
fn default_ttl_inactive_s() -> u64 {
    DEFAULT_TTL_INACTIVE_S
}
fn default_ttl_rejected_s() -> u64 {
    DEFAULT_TTL_REJECTED_S
}
fn default_stale_max_age_s() -> u64 {
    DEFAULT_STALE_MAX_AGE_S
}
fn default_redis_timeout_ms() -> u64 {
    DEFAULT_REDIS_TIMEOUT_MS
}
fn default_redis_key_prefix() -> String {
    DEFAULT_REDIS_KEY_PREFIX.to_owned()
}
fn default_local_ttl_ms() -> u64 {
    DEFAULT_LOCAL_TTL_MS
}
fn default_lease_ms() -> u64 {
    DEFAULT_LEASE_MS
}
fn default_log_level() -> String {
    DEFAULT_LOG_LEVEL.to_owned()
}
fn default_true() -> bool {
    true
}
