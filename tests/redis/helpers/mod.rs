//! The harness: real `redis-server` processes (one server, or a 3-master cluster) on free loopback ports,
//! the real `sandbox-payer` and `eligibility-gateway serve` processes, each killed on drop. Shared with the
//! load test (`benches/loadtest`), so not every item is used by both.
//!
//! - [`redis_server`]: `redis-server` processes, one or a cluster.
//! - [`gateway`]: gateway processes and their configuration.
#![allow(dead_code, unused_imports)]
mod gateway;
mod redis_server;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

pub use gateway::{Gateway, GatewaySetup, Target};
pub use redis_server::{RedisCluster, RedisServer};

/// The cache-key HMAC key every test gateway shares.
pub const HMAC_KEY: &str = "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e";
/// The value encryption key every test gateway shares.
pub const ENCRYPTION_KEY: &str = "c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ff";
/// The test subscriber's data, searched for in Redis.
pub const FIRST_NAME: &str = "JOHNONE";
pub const LAST_NAME: &str = "DOEONE";
pub const BIRTH_DATE: &str = "19800229";
/// A valid NPI.
pub const NPI: &str = "1234567893";

/// A directory removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!(
            "gateway-redis-test-{label}-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A free loopback port (bound and released; the OS does not hand it out again at once).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process that printed `listening on http://ADDR`; killed on drop.
pub struct Listening {
    pub address: String,
    child: Child,
    output: Arc<Mutex<String>>,
}

impl Listening {
    pub fn spawn(mut command: Command, name: &str) -> Listening {
        let mut child = command
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("{name} starts: {error}"));
        let output = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let kept = Arc::clone(&output);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(address) = line.strip_prefix("listening on ") {
                    let _ = tx.send(address.trim().to_owned());
                }
                let mut kept = kept.lock().unwrap();
                kept.push_str(&line);
                kept.push('\n');
            }
        });
        let mut stderr = child.stderr.take().unwrap();
        let kept = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(read) = stderr.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                if let Some(text) = buffer.get(..read) {
                    kept.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(text));
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(address) => Listening {
                address,
                child,
                output,
            },
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "{name} did not start; it printed:\n{}",
                    output.lock().unwrap()
                );
            }
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything it printed so far.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Kills it at once (SIGKILL).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.kill();
    }
}

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_eligibility-gateway")
}

/// The standalone sandbox payer with a fixed latency.
pub fn sandbox_payer(latency_ms: u64) -> Listening {
    let mut command = Command::new(binary());
    command
        .arg("sandbox-payer")
        .args(["--listen", "127.0.0.1:0"])
        .args(["--latency", &latency_ms.to_string()]);
    Listening::spawn(command, "sandbox-payer")
}

/// `GET /stats` of the sandbox payer.
pub async fn payer_stats(client: &reqwest::Client, payer: &Listening) -> Value {
    client
        .get(format!("{}/stats", payer.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// A fresh member id (active scenario), so that no two tests share a cache entry.
pub fn member() -> String {
    format!(
        "ACT{}",
        &uuid::Uuid::new_v4().simple().to_string().to_uppercase()[..12]
    )
}

/// A check of `member` at the test payer.
pub fn check_body(member: &str) -> Value {
    json!({
        "tradingPartnerServiceId": "acme",
        "provider": {"organizationName": "HAPPY DOCTORS GROUP", "npi": NPI},
        "subscriber": {
            "memberId": member, "firstName": FIRST_NAME, "lastName": LAST_NAME,
            "dateOfBirth": BIRTH_DATE, "gender": "M"
        },
        "encounter": {"serviceTypeCodes": ["30"]}
    })
}

/// Posts one check; returns the status and the body (JSON, or `null` when the body is not JSON).
pub async fn post_check(
    client: &reqwest::Client,
    gateway: &str,
    member: &str,
    deadline_ms: Option<u64>,
) -> (u16, Value) {
    let mut request = client
        .post(format!("{gateway}/v1/eligibility"))
        .json(&check_body(member));
    if let Some(ms) = deadline_ms {
        request = request.header("x-request-timeout-ms", ms.to_string());
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.json().await.unwrap_or(Value::Null);
            (status, body)
        }
        // Status 0: the check could not be sent or its answer not read (the gateway is gone, or reset the
        // connection).
        Err(error) => (0, Value::String(error.to_string())),
    }
}

/// An HTTP client for many concurrent checks.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(2000)
        // Below the gateway's keep-alive (5 s), so that a pooled connection is never reused just as the
        // gateway closes it.
        .pool_idle_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}
