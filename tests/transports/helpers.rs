//! The harness: the real `eligibility-gateway` binary started twice, as `sandbox-payer` and as `serve`, both
//! on free ports (port 0, the address read from the `listening on` line), killed on drop.
//!
//! The gateway reads the payer templates of `config/payers/examples/` as they are shipped, with only their
//! URLs (and, per test, a few settings) overridden by `GATEWAY__PAYERS__<ID>__TRANSPORT__<KEY>` variables;
//! the sandbox payer reads `config/sandbox-payer.toml` with test flags over it.
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long a process may take to print its address.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// A valid NPI.
pub const NPI: &str = "1234567893";
/// The password and OAuth2 client secret both sides are started with.
pub const PASSWORD: &str = "sandbox-test-password";
pub const CLIENT_SECRET: &str = "sandbox-test-client-secret";

/// The four transports: the example payer id, its sandbox-payer endpoint, and whether it sends X12.
pub const TRANSPORTS: [Transport; 4] = [
    Transport {
        payer: "sandbox-core-soap",
        path: "/core/soap",
        kind: "x12-core-soap",
    },
    Transport {
        payer: "sandbox-core-mime",
        path: "/core/mime",
        kind: "x12-core-mime",
    },
    Transport {
        payer: "sandbox-x12-http",
        path: "/x12",
        kind: "x12-http",
    },
    Transport {
        payer: "sandbox-chc-json",
        path: "/eligibility",
        kind: "chc-json",
    },
];

#[derive(Debug, Clone, Copy)]
pub struct Transport {
    pub payer: &'static str,
    pub path: &'static str,
    pub kind: &'static str,
}

impl Transport {
    pub fn sends_x12(&self) -> bool {
        self.kind != "chc-json"
    }

    pub fn is_core(&self) -> bool {
        self.kind.starts_with("x12-core")
    }

    /// The `GATEWAY__PAYERS__<ID>__TRANSPORT__` prefix of this payer's overrides.
    pub fn env_prefix(&self) -> String {
        format!(
            "GATEWAY__PAYERS__{}__TRANSPORT__",
            self.payer.replace('-', "_").to_uppercase()
        )
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_eligibility-gateway")
}

/// A child process killed on drop, with everything it printed.
pub struct Process {
    pub address: String,
    child: Child,
    output: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

impl Process {
    /// Starts the binary with `args` and `env`, waiting for its `listening on` line.
    pub fn start(args: &[&str], env: &[(String, String)]) -> Process {
        let mut command = Command::new(binary());
        command
            .args(args)
            .current_dir(root())
            .env_remove("RUST_LOG")
            .env("SANDBOX_PAYER_PASSWORD", PASSWORD)
            .env("SANDBOX_PAYER_CLIENT_SECRET", CLIENT_SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the binary starts");
        let output = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let out = Arc::clone(&output);
        let stdout_reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(address) = line.strip_prefix("listening on ") {
                    let _ = tx.send(address.trim().to_owned());
                }
                let mut out = out.lock().unwrap();
                out.push_str(&line);
                out.push('\n');
            }
        });
        let stderr_reader = reader(stderr, Arc::clone(&output));
        let address = match rx.recv_timeout(START_TIMEOUT) {
            Ok(address) => address,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{args:?} did not start: {}",
                    output.lock().unwrap().as_str()
                );
            }
        };
        Process {
            address,
            child,
            output,
            readers: vec![stdout_reader, stderr_reader],
        }
    }

    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// The process id (engineer J: the resilience tests send it SIGTERM).
    #[allow(dead_code)]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its exit status, once it has exited (engineer J).
    #[allow(dead_code)]
    pub fn try_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Stops the process and returns all it printed.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        self.output()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn reader(stream: impl Read + Send + 'static, output: Arc<Mutex<String>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => output.lock().unwrap().push_str(&line),
            }
        }
    })
}

/// Runs the binary to its end (bounded), returning its exit success, stdout and stderr.
pub fn run_to_exit(args: &[&str], env: &[(String, String)], limit: Duration) -> (bool, String) {
    let mut command = Command::new(binary());
    command
        .args(args)
        .current_dir(root())
        .env_remove("RUST_LOG")
        .env_remove("SANDBOX_PAYER_PASSWORD")
        .env_remove("SANDBOX_PAYER_CLIENT_SECRET")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let output = Arc::new(Mutex::new(String::new()));
    let readers = [
        reader(child.stdout.take().unwrap(), Arc::clone(&output)),
        reader(child.stderr.take().unwrap(), Arc::clone(&output)),
    ];
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    for reader in readers {
        let _ = reader.join();
    }
    let output = output.lock().unwrap().clone();
    (status.success(), output)
}

/// The sandbox payer with `config/sandbox-payer.toml`, no latency, a short SLOW delay, and `flags`.
pub fn sandbox_payer(flags: &[&str]) -> Process {
    let mut args = vec![
        "sandbox-payer",
        "--config",
        "config/sandbox-payer.toml",
        "--listen",
        "127.0.0.1:0",
        "--latency",
        "0",
        "--slow-delay-ms",
        "300",
        "--timeout-delay-ms",
        "30000",
    ];
    args.extend_from_slice(flags);
    Process::start(&args, &[])
}

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let path = std::env::temp_dir().join(format!(
            "gateway-transports-{}",
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

/// A running gateway whose four example payers point at a sandbox payer.
pub struct Gateway {
    pub process: Process,
    pub client: reqwest::Client,
    _dir: TempDir,
}

impl Gateway {
    /// The gateway with the embedded payers and `config/payers/examples/`, each example payer's URLs
    /// pointing at `sandbox`, plus `env` (more overrides).
    pub fn start(sandbox: &Process, env: &[(String, String)]) -> Gateway {
        let dir = TempDir::new();
        let config = dir.path().join("gateway.toml");
        std::fs::write(
            &config,
            format!(
                "# Transport tests.\n[log]\nlevel = \"info\"\nformat = \"json\"\n\n[payers]\nembedded = true\ndir = \"{}\"\n",
                root().join("config/payers/examples").display()
            ),
        )
        .unwrap();
        let mut vars: Vec<(String, String)> = Vec::new();
        for transport in TRANSPORTS {
            vars.push((
                format!("{}URL", transport.env_prefix()),
                format!("{}{}", sandbox.address, transport.path),
            ));
        }
        vars.push((
            format!("{}TOKEN_URL", TRANSPORTS[3].env_prefix()),
            format!("{}/oauth/token", sandbox.address),
        ));
        vars.extend_from_slice(env);
        let config = config.display().to_string();
        let process = Process::start(
            &["serve", "--config", &config, "--listen", "127.0.0.1:0"],
            &vars,
        );
        Gateway {
            process,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(40))
                .build()
                .unwrap(),
            _dir: dir,
        }
    }

    /// `POST /v1/eligibility` with extra headers; the status, `Retry-After`, the JSON body and the time it
    /// took.
    pub async fn check(&self, body: &Value, headers: &[(&str, &str)]) -> Answer {
        let mut request = self
            .client
            .post(format!("{}/v1/eligibility", self.process.address))
            .json(body);
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
}

/// A gateway's answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: Value,
    pub elapsed: Duration,
}

impl Answer {
    pub fn error_code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

/// A valid request for `member_id` at `payer`.
pub fn request(payer: &str, member_id: &str) -> Value {
    json!({
        "tradingPartnerServiceId": payer,
        "provider": {"organizationName": "HAPPY VALLEY CLINIC", "npi": NPI},
        "subscriber": {"memberId": member_id, "firstName": "JANE", "lastName": "DOE", "dateOfBirth": "19800102", "gender": "F"},
        "encounter": {"serviceTypeCodes": ["30"]}
    })
}

/// A fresh member id for a scenario prefix.
pub fn member(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    )
    .to_uppercase()
}

/// `GET` a sandbox-payer path as JSON.
pub async fn sandbox_get(sandbox: &Process, path: &str) -> Value {
    reqwest::get(format!("{}{path}", sandbox.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The exchanges the sandbox payer kept, oldest first.
pub async fn exchanges(sandbox: &Process) -> Vec<Value> {
    sandbox_get(sandbox, "/stats/exchanges").await["exchanges"]
        .as_array()
        .unwrap()
        .clone()
}

/// `(name, value)` pairs as owned strings.
pub fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
