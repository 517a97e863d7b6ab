//! The resilience tests' gateway: the real `eligibility-gateway serve` with payer files written for each test
//! (x12-http payers pointing at `sandbox-payer` processes, each with its own retry, hedge, breaker and rate
//! settings). Processes, the sandbox payer and requests come from the transport tests' harness
//! (`tests/transports/helpers.rs`, included as `helpers`).
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::{Process, TempDir};

/// The tests of this binary run one at a time: several measure latencies, and the machine is small.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Holds the other tests of this binary off while it lives.
pub async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    SERIAL.lock().await
}

/// One payer file: an x12-http payer at `url` (a sandbox payer's `/x12`), with `extra` TOML sections
/// (`[retry]`, `[hedge]`, `[circuit_breaker]`, `[rate_limit]`, `[cache]`, or top-level keys before them).
pub fn x12_payer(id: &str, url: &str, top: &str, extra: &str) -> (String, String) {
    let text = format!(
        r#"# Resilience test payer.
id = "{id}"
name = "Resilience Test Payer {id}"
max_service_types_per_inquiry = 99
{top}

[transport]
kind = "x12-http"
url = "{url}"
sender_id = "ELIGGATEWAY"
receiver_id = "SANDBOX"
usage = "T"
username = "gateway"
password_env = "SANDBOX_PAYER_PASSWORD"
connect_timeout_ms = 1000
request_timeout_ms = 30000

{extra}
"#
    );
    (id.to_owned(), text)
}

/// The sandbox payer (`config/sandbox-payer.toml`) with no latency and `flags`, which may override the
/// defaults (`--latency`, `--slow-delay-ms`, `--timeout-delay-ms`).
pub fn sandbox(flags: &[&str]) -> Process {
    sandbox_on("127.0.0.1:0", flags)
}

/// [`sandbox`] listening on `listen`.
pub fn sandbox_on(listen: &str, flags: &[&str]) -> Process {
    let mut args = vec![
        "sandbox-payer",
        "--config",
        "config/sandbox-payer.toml",
        "--listen",
        listen,
    ];
    for (flag, default) in [
        ("--latency", "0"),
        ("--slow-delay-ms", "300"),
        ("--timeout-delay-ms", "30000"),
    ] {
        if !flags.contains(&flag) {
            args.extend([flag, default]);
        }
    }
    args.extend_from_slice(flags);
    Process::start(&args, &[])
}

/// The `/x12` URL of a sandbox payer.
pub fn x12_url(sandbox: &Process) -> String {
    format!("{}/x12", sandbox.address)
}

/// A URL where nothing listens (a port bound and released at once).
pub fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}/x12")
}

/// A running gateway over the given payers only.
pub struct Gateway {
    pub process: Process,
    pub client: reqwest::Client,
    _dir: TempDir,
}

/// An answer: status, `Retry-After`, JSON body, time taken.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: Value,
    pub elapsed: Duration,
}

impl Gateway {
    /// Starts `serve` with `payers` (id, file text) and `settings` (more gateway.toml).
    pub fn start(payers: &[(String, String)], settings: &str) -> Gateway {
        let dir = TempDir::new();
        let payer_dir = dir.path().join("payers");
        std::fs::create_dir_all(&payer_dir).unwrap();
        for (id, text) in payers {
            std::fs::write(payer_dir.join(format!("{id}.toml")), text).unwrap();
        }
        let config = dir.path().join("gateway.toml");
        std::fs::write(
            &config,
            format!(
                "# Resilience tests.\n[log]\nlevel = \"info\"\nformat = \"json\"\n\n[payers]\nembedded = false\ndir = \"{}\"\n\n{settings}\n",
                payer_dir.display()
            ),
        )
        .unwrap();
        let config = config.display().to_string();
        let process = Process::start(
            &["serve", "--config", &config, "--listen", "127.0.0.1:0"],
            &[],
        );
        Gateway {
            process,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.process.address)
    }

    /// `POST` a JSON body to `path` with extra headers.
    pub async fn post(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.client.post(self.url(path)).json(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let started = Instant::now();
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let body: Value = response.json().await.unwrap();
        Answer {
            status,
            retry_after,
            body,
            elapsed: started.elapsed(),
        }
    }

    /// `POST /v1/eligibility`.
    pub async fn check(&self, body: &Value, headers: &[(&str, &str)]) -> Answer {
        self.post("/v1/eligibility", body, headers).await
    }

    /// `GET` a path as JSON.
    pub async fn get(&self, path: &str) -> Value {
        self.client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// The sandbox payer's `/stats`.
pub async fn stats(sandbox: &Process) -> Value {
    crate::helpers::sandbox_get(sandbox, "/stats").await
}

/// The sandbox payer's count of inquiries for `member`.
pub async fn calls_for(sandbox: &Process, member: &str) -> u64 {
    stats(sandbox).await["byMember"][member]
        .as_u64()
        .unwrap_or(0)
}

/// The `q`-quantile (nearest rank) of `values`.
pub fn quantile(values: &[Duration], q: f64) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}
