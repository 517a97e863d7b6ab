//! The harness: starts the real `eligibility-gateway serve` on a free port with a test configuration, reads
//! the bound address from its stdout, keeps everything it prints (logs included), and kills it on drop.
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long the gateway may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A valid NPI (check digit 3).
pub const NPI: &str = "1234567893";

/// The test payers: `sandbox` (every service type in one 270), `sandbox-single` (one per 270), both fast,
/// with a short slow-scenario delay so that the slow scenario can be answered within a test.
const PAYERS: &[(&str, &str)] = &[
    (
        "sandbox.toml",
        r#"# Test payer: all service types in one 270.
id = "sandbox"
name = "Sandbox Health Plan"
aliases = ["sbx", "demo"]
timeout_ms = 10000
max_service_types_per_inquiry = 99
service_types = []

[transport]
kind = "sandbox"
payer_name = "SANDBOX HEALTH PLAN"
latency = { distribution = "fixed", ms = 5 }
slow_delay_ms = 1500
timeout_delay_ms = 60000
"#,
    ),
    (
        "sandbox-single.toml",
        r#"# Test payer: one service type per 270, so checks are split.
id = "sandbox-single"
name = "Sandbox Single Service Type Plan"
aliases = ["sbx-single"]
timeout_ms = 10000
max_service_types_per_inquiry = 1
service_types = []

[transport]
kind = "sandbox"
payer_name = "SANDBOX SINGLE PLAN"
latency = { distribution = "fixed", ms = 5 }
slow_delay_ms = 1500
timeout_delay_ms = 60000
"#,
    ),
];

/// A running gateway.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    pub client: reqwest::Client,
    child: Child,
    output: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
    /// Holds the configuration files until the gateway is gone.
    _dir: TempDir,
}

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let path =
            std::env::temp_dir().join(format!("gateway-test-{}", uuid::Uuid::new_v4().simple()));
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

/// Writes the test configuration (`extra` is appended to the `[server]`-less part) and returns its path.
pub fn write_config(dir: &TempDir, log_level: &str, extra: &str) -> PathBuf {
    let payers = dir.path().join("payers");
    std::fs::create_dir_all(&payers).unwrap();
    for (name, text) in PAYERS {
        std::fs::write(payers.join(name), text).unwrap();
    }
    let config = format!(
        "# Test configuration.\n[log]\nlevel = \"{log_level}\"\nformat = \"json\"\n\n[payers]\nembedded = false\ndir = \"{}\"\n\n{extra}\n",
        payers.display()
    );
    let path = dir.path().join("gateway.toml");
    std::fs::write(&path, config).unwrap();
    path
}

/// The binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_eligibility-gateway")
}

/// Starts the gateway with the test configuration at log level `info`.
pub fn spawn_app() -> TestApp {
    spawn_app_with("info", "")
}

/// Starts the gateway at a log level, with `extra` TOML appended to the configuration.
pub fn spawn_app_with(log_level: &str, extra: &str) -> TestApp {
    let dir = TempDir::new();
    let config = write_config(&dir, log_level, extra);
    let mut child = Command::new(binary())
        .args(["serve", "--config"])
        .arg(&config)
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the gateway binary starts");
    let output = Arc::new(Mutex::new(String::new()));
    let (address_tx, address_rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let stdout_output = Arc::clone(&output);
    let stdout_reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(address) = line.strip_prefix("listening on ") {
                let _ = address_tx.send(address.trim().to_owned());
            }
            let mut output = stdout_output.lock().unwrap();
            output.push_str(&line);
            output.push('\n');
        }
    });
    let stderr_reader = spawn_reader(stderr, Arc::clone(&output));
    let address = match address_rx.recv_timeout(START_TIMEOUT) {
        Ok(address) => address,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the gateway did not start: {}", output.lock().unwrap());
        }
    };
    TestApp {
        address,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
        child,
        output,
        readers: vec![stdout_reader, stderr_reader],
        _dir: dir,
    }
}

fn spawn_reader(stream: impl Read + Send + 'static, output: Arc<Mutex<String>>) -> JoinHandle<()> {
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

impl TestApp {
    /// `POST /v1/eligibility` with a JSON body.
    pub async fn check(&self, body: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}/v1/eligibility", self.address))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// `POST /v1/eligibility` with extra headers and query.
    pub async fn check_with(
        &self,
        body: &Value,
        headers: &[(&str, &str)],
        query: &str,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/v1/eligibility{query}", self.address))
            .json(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }

    /// `GET` a path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap()
    }

    /// Everything the process printed so far.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Stops the process gracefully (SIGTERM, as an orchestrator would: in-flight requests finish and the
    /// audit queue is drained), waits for it to exit (killing it after 30 s), and returns everything it
    /// printed.
    pub fn terminate(mut self) -> String {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.stop()
    }

    /// The process id, to send it signals.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the process (SIGKILL) and returns everything it printed, complete.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        self.output()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the binary to completion with arguments, with a bound on the time it may take; returns its exit
/// status and everything it printed (stdout then stderr).
pub fn run_to_exit(
    args: &[&str],
    env: &[(&str, &str)],
    limit: Duration,
) -> (ExitStatus, String, String) {
    let mut command = Command::new(binary());
    command
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let stdout = Arc::new(Mutex::new(String::new()));
    let stderr = Arc::new(Mutex::new(String::new()));
    let readers = [
        spawn_reader(child.stdout.take().unwrap(), Arc::clone(&stdout)),
        spawn_reader(child.stderr.take().unwrap(), Arc::clone(&stderr)),
    ];
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the binary did not exit within {limit:?}: {}",
                stderr.lock().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    for reader in readers {
        let _ = reader.join();
    }
    let stdout = stdout.lock().unwrap().clone();
    let stderr = stderr.lock().unwrap().clone();
    (status, stdout, stderr)
}

/// A valid request for `member_id` at `payer`, asking for service type 30 today.
pub fn request(payer: &str, member_id: &str) -> Value {
    json!({
        "tradingPartnerServiceId": payer,
        "provider": {"organizationName": "HAPPY VALLEY CLINIC", "npi": NPI},
        "subscriber": {"memberId": member_id, "firstName": "JANE", "lastName": "DOE", "dateOfBirth": "19800102", "gender": "F"},
        "encounter": {"serviceTypeCodes": ["30"]}
    })
}

/// A fresh member id for a scenario prefix, so that no two tests share a cache entry.
pub fn member(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    )
    .to_uppercase()
}
