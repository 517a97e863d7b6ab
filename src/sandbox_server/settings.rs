//! [`ServerSettings`]: how the standalone sandbox payer behaves, from its TOML file (`--config`) with the
//! command line's flags laid over it ([`Options`]).
//!
//! ```toml
//! # sandbox-payer.toml (see config/sandbox-payer.toml)
//! payer_id = "SANDBOX"            # 2100A NM109 of every 271
//! receiver_id = "SANDBOX"         # optional: the CORE ReceiverID and ISA08 it insists on
//! keep_last = 100                 # exchanges kept for GET /stats/exchanges and /stats/last-270s
//! token_lifetime_s = 3600         # OAuth2 access token lifetime (chc-json)
//! oversize_bytes = 8388608        # size of an answer under the `oversize` fault
//!
//! [payer]                         # payer_sandbox::SandboxConfig: name, latency, slow and timeout delays
//! latency = { distribution = "uniform", min_ms = 20, max_ms = 200 }
//!
//! [credentials]                   # each pair optional; secrets by environment variable name
//! username = "gateway"            # CORE UsernameToken / UserName, and HTTP Basic of x12-http
//! password_env = "SANDBOX_PAYER_PASSWORD"
//! client_id = "gateway"           # OAuth2 client credentials of chc-json
//! client_secret_env = "SANDBOX_PAYER_CLIENT_SECRET"
//!
//! [faults]                        # shares of requests, 0 to 1 each, 1 at most together
//! timeout = 0.0                   # hold the connection without answering (timeout_delay_ms), then reset
//! reset = 0.0                     # reset the connection at once
//! http_500 = 0.0                  # HTTP 500 with a plain-text body
//! soap_fault = 0.0                # SOAP 1.2 soap:Receiver fault (x12-core-soap only)
//! aaa42 = 0.0                     # the AAA 42 "unable to respond at current time" 271 (JSON: its answer)
//! missing_field = 0.0             # a CORE answer without PayloadID (x12-core-soap, x12-core-mime)
//! not_x12 = 0.0                   # a body that is not X12 (JSON: not JSON), with success status
//! ta1 = 0.0                       # a TA1 rejecting the interchange (X12 transports)
//! oversize = 0.0                  # the right answer padded to oversize_bytes
//! spread = "random"               # or "even": the shares hold over every run of requests
//! fail_first = 0                  # the first N inquiries of each member get AAA 42 (X12 protocols)
//! ```
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use payer_sandbox::{Latency, SandboxConfig};
use secrecy::SecretString;
use serde::Deserialize;

use super::faults::{FaultShares, FaultSpread};

/// Default `payer_id`.
pub const DEFAULT_PAYER_ID: &str = "SANDBOX";
/// Default `keep_last`.
pub const DEFAULT_KEEP_LAST: usize = 100;
/// Default `token_lifetime_s`.
pub const DEFAULT_TOKEN_LIFETIME_S: u64 = 3_600;
/// Default `oversize_bytes`: 8 MiB, twice the transports' default response limit.
pub const DEFAULT_OVERSIZE_BYTES: usize = 8 * 1024 * 1024;
/// Largest request body the server reads, in bytes.
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;
/// Most exchanges `keep_last` may keep.
const MAX_KEEP_LAST: usize = 10_000;
/// Largest `oversize_bytes`.
const MAX_OVERSIZE_BYTES: usize = 256 * 1024 * 1024;

/// The settings the server runs with.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// The payer's id in its answers (2100A NM109).
    pub payer_id: String,
    /// The simulated payer's own settings (name, latency, slow and timeout delays).
    pub payer: SandboxConfig,
    /// The CORE `ReceiverID` and ISA08 the payer insists on; `None` takes any.
    pub receiver_id: Option<String>,
    /// CORE and x12-http credentials: user name and password.
    pub basic: Option<(String, SecretString)>,
    /// chc-json OAuth2 client credentials: client id and secret.
    pub client: Option<(String, SecretString)>,
    /// Fault injection.
    pub faults: FaultShares,
    /// How fault draws are spread over requests.
    pub fault_spread: FaultSpread,
    /// The first this many inquiries of each member are answered AAA 42 (X12 protocols).
    pub fail_first: u32,
    /// Exchanges kept for inspection.
    pub keep_last: usize,
    /// OAuth2 access token lifetime.
    pub token_lifetime: Duration,
    /// Size of an answer under the `oversize` fault.
    pub oversize_bytes: usize,
}

/// The TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    payer_id: Option<String>,
    receiver_id: Option<String>,
    keep_last: Option<usize>,
    token_lifetime_s: Option<u64>,
    oversize_bytes: Option<usize>,
    payer: Option<SandboxConfig>,
    #[serde(default)]
    credentials: CredentialsFile,
    #[serde(default)]
    faults: FaultsFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsFile {
    username: Option<String>,
    password_env: Option<String>,
    client_id: Option<String>,
    client_secret_env: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultsFile {
    timeout: Option<f64>,
    reset: Option<f64>,
    http_500: Option<f64>,
    soap_fault: Option<f64>,
    aaa42: Option<f64>,
    missing_field: Option<f64>,
    not_x12: Option<f64>,
    ta1: Option<f64>,
    oversize: Option<f64>,
    spread: Option<String>,
    fail_first: Option<u32>,
}

/// The `sandbox-payer` flags other than `--listen`; each one overrides the file's value.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Options {
    /// A TOML file with the payer's settings (see config/sandbox-payer.toml); flags override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The payer's id in its 271s (2100A NM109). Default SANDBOX.
    #[arg(long, value_name = "ID")]
    pub payer_id: Option<String>,
    /// The payer's name in its 271s (2100A NM103).
    #[arg(long, value_name = "NAME")]
    pub payer_name: Option<String>,
    /// The CORE ReceiverID and ISA08 the payer insists on (others get ReceiverIDIllegal / a TA1 009).
    #[arg(long, value_name = "ID")]
    pub receiver_id: Option<String>,
    /// Latency of every answer: `50` (fixed ms), `20-200` (uniform ms), `log-normal:120:900` (median and
    /// 99th percentile ms).
    #[arg(long, value_name = "SPEC", value_parser = parse_latency)]
    pub latency: Option<Latency>,
    /// Extra wait of the SLOW scenario, in milliseconds.
    #[arg(long, value_name = "MS")]
    pub slow_delay_ms: Option<u64>,
    /// How long the TIME scenario and the timeout fault hold a request before resetting it, in ms.
    #[arg(long, value_name = "MS")]
    pub timeout_delay_ms: Option<u64>,
    /// User name expected in CORE envelopes and in x12-http Basic authentication.
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,
    /// Environment variable holding the password expected with --username.
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// OAuth2 client id expected at POST /oauth/token (chc-json).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Environment variable holding the OAuth2 client secret expected with --client-id.
    #[arg(long, value_name = "VAR")]
    pub client_secret_env: Option<String>,
    /// Share of requests held without an answer (then reset), 0 to 1.
    #[arg(long, value_name = "SHARE")]
    pub fault_timeout: Option<f64>,
    /// Share of requests whose connection is reset at once.
    #[arg(long, value_name = "SHARE")]
    pub fault_reset: Option<f64>,
    /// Share of requests answered HTTP 500.
    #[arg(long, value_name = "SHARE")]
    pub fault_http_500: Option<f64>,
    /// Share of x12-core-soap requests answered with a soap:Receiver fault.
    #[arg(long, value_name = "SHARE")]
    pub fault_soap_fault: Option<f64>,
    /// Share of requests answered with AAA 42 (unable to respond at current time).
    #[arg(long, value_name = "SHARE")]
    pub fault_aaa42: Option<f64>,
    /// Share of CORE requests answered with an envelope missing PayloadID.
    #[arg(long, value_name = "SHARE")]
    pub fault_missing_field: Option<f64>,
    /// Share of requests answered (with a success status) by a body that is not X12 (or not JSON).
    #[arg(long, value_name = "SHARE")]
    pub fault_not_x12: Option<f64>,
    /// Share of X12 requests answered with a TA1 rejecting the interchange.
    #[arg(long, value_name = "SHARE")]
    pub fault_ta1: Option<f64>,
    /// Share of requests answered with a body of --oversize-bytes.
    #[arg(long, value_name = "SHARE")]
    pub fault_oversize: Option<f64>,
    /// How fault shares are drawn: `random` (default) or `even` (request n gets point n of a low-discrepancy
    /// sequence, so a share of 0.5 is every other request).
    #[arg(long, value_name = "SPREAD")]
    pub fault_spread: Option<String>,
    /// The first N inquiries of each member ID are answered with AAA 42 (X12 protocols), later ones
    /// normally: a payer that fails a member's first attempts and answers a retry.
    #[arg(long, value_name = "N")]
    pub fail_first: Option<u32>,
    /// Size of an oversize answer, in bytes. Default 8 MiB.
    #[arg(long, value_name = "BYTES")]
    pub oversize_bytes: Option<usize>,
    /// Exchanges kept for GET /stats/exchanges and GET /stats/last-270s. Default 100.
    #[arg(long, value_name = "N")]
    pub keep_last: Option<usize>,
    /// Lifetime of issued OAuth2 access tokens, in seconds. Default 3600.
    #[arg(long, value_name = "SECONDS")]
    pub token_lifetime_s: Option<u64>,
}

// === impl ServerSettings ===

impl ServerSettings {
    /// The file named by `--config` (if any) with the flags over it, validated; secrets read from the
    /// environment through `env`. Errors name the file or flag and the key.
    pub fn load(
        options: &Options,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<ServerSettings> {
        let file = match &options.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                toml::from_str::<SettingsFile>(&text)
                    .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message().trim()))
                    .with_context(|| {
                        format!("{} is not a valid sandbox payer file", path.display())
                    })?
            }
            None => SettingsFile::default(),
        };
        let mut payer = file.payer.unwrap_or_default();
        if let Some(name) = &options.payer_name {
            payer.payer_name = name.clone();
        }
        if let Some(latency) = options.latency {
            payer.latency = latency;
        }
        if let Some(ms) = options.slow_delay_ms {
            payer.slow_delay_ms = ms;
        }
        if let Some(ms) = options.timeout_delay_ms {
            payer.timeout_delay_ms = ms;
        }
        payer
            .validate()
            .map_err(|e| anyhow::anyhow!("payer.{}: {}", e.key, e.message))?;

        let payer_id =
            pick(&options.payer_id, file.payer_id).unwrap_or_else(|| DEFAULT_PAYER_ID.to_owned());
        check_id("payer_id", &payer_id)?;
        let receiver_id = pick(&options.receiver_id, file.receiver_id);
        if let Some(id) = &receiver_id {
            check_id("receiver_id", id)?;
        }
        let credentials = file.credentials;
        let basic = pair(
            "username",
            pick(&options.username, credentials.username),
            "password_env",
            pick(&options.password_env, credentials.password_env),
            env,
        )?;
        let client = pair(
            "client_id",
            pick(&options.client_id, credentials.client_id),
            "client_secret_env",
            pick(&options.client_secret_env, credentials.client_secret_env),
            env,
        )?;
        let f = file.faults;
        let faults = FaultShares::new(&[
            ("timeout", options.fault_timeout.or(f.timeout)),
            ("reset", options.fault_reset.or(f.reset)),
            ("http_500", options.fault_http_500.or(f.http_500)),
            ("soap_fault", options.fault_soap_fault.or(f.soap_fault)),
            ("aaa42", options.fault_aaa42.or(f.aaa42)),
            (
                "missing_field",
                options.fault_missing_field.or(f.missing_field),
            ),
            ("not_x12", options.fault_not_x12.or(f.not_x12)),
            ("ta1", options.fault_ta1.or(f.ta1)),
            ("oversize", options.fault_oversize.or(f.oversize)),
        ])?;
        let fault_spread = match options.fault_spread.clone().or(f.spread) {
            Some(text) => FaultSpread::parse(&text)?,
            None => FaultSpread::Random,
        };
        let fail_first = options.fail_first.or(f.fail_first).unwrap_or(0);
        let keep_last = options
            .keep_last
            .or(file.keep_last)
            .unwrap_or(DEFAULT_KEEP_LAST);
        if keep_last > MAX_KEEP_LAST {
            bail!("keep_last: must be at most {MAX_KEEP_LAST}");
        }
        let token_lifetime_s = options
            .token_lifetime_s
            .or(file.token_lifetime_s)
            .unwrap_or(DEFAULT_TOKEN_LIFETIME_S);
        if !(1..=86_400).contains(&token_lifetime_s) {
            bail!("token_lifetime_s: must be 1 to 86400");
        }
        let oversize_bytes = options
            .oversize_bytes
            .or(file.oversize_bytes)
            .unwrap_or(DEFAULT_OVERSIZE_BYTES);
        if !(1..=MAX_OVERSIZE_BYTES).contains(&oversize_bytes) {
            bail!("oversize_bytes: must be 1 to {MAX_OVERSIZE_BYTES}");
        }
        Ok(ServerSettings {
            payer_id,
            payer,
            receiver_id,
            basic,
            client,
            faults,
            fault_spread,
            fail_first,
            keep_last,
            token_lifetime: Duration::from_secs(token_lifetime_s),
            oversize_bytes,
        })
    }
}

/// The flag's value when given, else the file's.
fn pick(flag: &Option<String>, file: Option<String>) -> Option<String> {
    flag.clone()
        .or(file)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// An id that fits the ISA's 15-character fields and carries no delimiter.
fn check_id(key: &str, id: &str) -> anyhow::Result<()> {
    if !(1..=15).contains(&id.len())
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
    {
        bail!("{key}: must be 1 to 15 characters of A-Z a-z 0-9 - . _");
    }
    Ok(())
}

/// A name and the secret its environment variable holds; both or neither.
fn pair(
    name_key: &str,
    name: Option<String>,
    env_key: &str,
    var: Option<String>,
    env: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<Option<(String, SecretString)>> {
    match (name, var) {
        (None, None) => Ok(None),
        (Some(_), None) => bail!("credentials.{env_key}: is required with credentials.{name_key}"),
        (None, Some(_)) => bail!("credentials.{name_key}: is required with credentials.{env_key}"),
        (Some(name), Some(var)) => match env(&var) {
            Some(secret) if !secret.is_empty() => Ok(Some((name, SecretString::from(secret)))),
            _ => {
                bail!("credentials.{env_key}: environment variable {var} is not set (or is empty)")
            }
        },
    }
}

/// `--latency`: `50`, `20-200`, `log-normal:120:900`.
pub fn parse_latency(spec: &str) -> Result<Latency, String> {
    let spec = spec.trim();
    let number = |text: &str| {
        text.trim()
            .parse::<u64>()
            .map_err(|_| format!("`{text}` is not a number of milliseconds"))
    };
    let latency = if let Some(rest) = spec.strip_prefix("log-normal:") {
        let (median, p99) = rest
            .split_once(':')
            .ok_or("log-normal takes MEDIAN:P99, for example log-normal:120:900")?;
        Latency::LogNormal {
            median_ms: number(median)?,
            p99_ms: number(p99)?,
        }
    } else if let Some((min, max)) = spec.split_once('-') {
        Latency::Uniform {
            min_ms: number(min)?,
            max_ms: number(max)?,
        }
    } else {
        Latency::Fixed { ms: number(spec)? }
    };
    latency.validate().map_err(|e| e.message)?;
    Ok(latency)
}
