//! The harness: real `redis-server` processes (one server, or a 3-master cluster) on free loopback ports,
//! the real `sandbox-payer` and `eligibility-gateway serve` processes, each killed on drop. Shared with the
//! load test (`benches/loadtest`), so not every item is used by both.
#![allow(dead_code)]
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

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

fn require(program: &str) {
    if Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_err()
    {
        panic!("`{program}` is not installed: these tests start real Redis servers (apt-get install redis-server)");
    }
}

/// One `redis-server` process.
pub struct RedisServer {
    pub port: u16,
    cluster: bool,
    dir: TempDir,
    child: Option<Child>,
}

impl RedisServer {
    /// A standalone server without persistence.
    pub fn start() -> RedisServer {
        RedisServer::start_on(free_port(), false)
    }

    fn start_on(port: u16, cluster: bool) -> RedisServer {
        require("redis-server");
        let mut server = RedisServer {
            port,
            cluster,
            dir: TempDir::new("redis"),
            child: None,
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let mut command = Command::new("redis-server");
        command
            .current_dir(self.dir.path())
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        if self.cluster {
            command.args([
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
                "--cluster-node-timeout",
                "2000",
            ]);
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts (apt-get install redis-server)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(mut conn) = self.try_connection() {
                if redis::cmd("PING").query::<String>(&mut conn).is_ok() {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server on port {} did not start", self.port);
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn try_connection(&self) -> redis::RedisResult<redis::Connection> {
        redis::Client::open(self.url())?.get_connection_with_timeout(Duration::from_millis(500))
    }

    /// A plain connection, to look at what the gateways stored.
    pub fn connection(&self) -> redis::Connection {
        self.try_connection().unwrap()
    }

    /// Kills the server (SIGKILL: no goodbye to its clients).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, empty.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// Every key and its value (standalone; on a cluster node, the node's own).
    pub fn dump(&self) -> Vec<(String, Vec<u8>)> {
        let mut conn = self.connection();
        let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut conn).unwrap();
        keys.into_iter()
            .filter_map(|key| {
                let value: Option<Vec<u8>> = redis::cmd("GET").arg(&key).query(&mut conn).ok()?;
                Some((key, value?))
            })
            .collect()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Three masters with `--cluster-enabled yes`, slots spread by `redis-cli --cluster create`.
pub struct RedisCluster {
    pub nodes: Vec<RedisServer>,
}

impl RedisCluster {
    pub fn start() -> RedisCluster {
        require("redis-cli");
        let nodes: Vec<RedisServer> = (0..3)
            .map(|_| RedisServer::start_on(free_port(), true))
            .collect();
        let addresses: Vec<String> = nodes
            .iter()
            .map(|node| format!("127.0.0.1:{}", node.port))
            .collect();
        let output = Command::new("redis-cli")
            .arg("--cluster")
            .arg("create")
            .args(&addresses)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .output()
            .expect("redis-cli runs");
        assert!(
            output.status.success(),
            "redis-cli --cluster create failed: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        let deadline = Instant::now() + Duration::from_secs(15);
        'wait: while Instant::now() < deadline {
            for node in &nodes {
                let info: String = redis::cmd("CLUSTER")
                    .arg("INFO")
                    .query(&mut node.connection())
                    .unwrap_or_default();
                if !info.contains("cluster_state:ok") {
                    std::thread::sleep(Duration::from_millis(100));
                    continue 'wait;
                }
            }
            return RedisCluster { nodes };
        }
        panic!("the Redis cluster did not become ready");
    }

    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisServer::url).collect()
    }

    /// Every key and value of every node.
    pub fn dump(&self) -> Vec<(String, Vec<u8>)> {
        self.nodes.iter().flat_map(RedisServer::dump).collect()
    }
}

/// A child process that printed `listening on http://ADDR`; killed on drop.
pub struct Listening {
    pub address: String,
    child: Child,
    output: Arc<Mutex<String>>,
}

impl Listening {
    fn spawn(mut command: Command, name: &str) -> Listening {
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

/// Where the gateways' Redis is.
#[derive(Clone)]
pub enum Target {
    Single(String),
    Cluster(Vec<String>),
}

impl Target {
    fn toml(&self) -> String {
        match self {
            Target::Single(url) => format!("redis_url = \"{url}\""),
            Target::Cluster(urls) => {
                let quoted: Vec<String> = urls.iter().map(|url| format!("\"{url}\"")).collect();
                format!("redis_cluster_urls = [{}]", quoted.join(", "))
            }
        }
    }
}

/// How a test gateway is set up.
#[derive(Clone)]
pub struct GatewaySetup {
    pub redis: Target,
    /// The sandbox payer's address (`http://127.0.0.1:PORT`).
    pub payer: String,
    pub requests_per_second: u32,
    pub burst: u32,
    pub max_concurrency: u32,
    pub lease_ms: u64,
    /// Extra TOML for `[cache]`.
    pub cache_extra: String,
}

impl GatewaySetup {
    pub fn new(redis: Target, payer: &Listening) -> GatewaySetup {
        GatewaySetup {
            redis,
            payer: payer.address.clone(),
            requests_per_second: 5000,
            burst: 5000,
            max_concurrency: 5000,
            lease_ms: 1000,
            cache_extra: String::new(),
        }
    }
}

/// A gateway process configured by `setup`.
pub struct Gateway {
    pub process: Listening,
    _dir: TempDir,
}

impl Gateway {
    pub fn start(setup: &GatewaySetup) -> Gateway {
        let dir = TempDir::new("gateway");
        let payers = dir.path().join("payers");
        std::fs::create_dir_all(&payers).unwrap();
        let payer_file = format!(
            "# Test payer: the standalone sandbox payer over x12-http.\n\
             id = \"acme\"\nname = \"Acme Test Plan\"\ntimeout_ms = 15000\n\
             max_service_types_per_inquiry = 99\n\n\
             [transport]\nkind = \"x12-http\"\nurl = \"{}/x12\"\nsender_id = \"GATEWAY\"\n\
             receiver_id = \"SANDBOX\"\nusage = \"T\"\nrequest_timeout_ms = 15000\n\n\
             [rate_limit]\nrequests_per_second = {}\nburst = {}\nmax_concurrency = {}\n\n\
             [retry]\nmax_attempts = 1\n",
            setup.payer, setup.requests_per_second, setup.burst, setup.max_concurrency
        );
        std::fs::write(payers.join("acme.toml"), payer_file).unwrap();
        let config = format!(
            "# Test gateway.\n[log]\nlevel = \"warn\"\nformat = \"json\"\n\n\
             [payers]\nembedded = false\ndir = \"{}\"\n\n\
             [cache]\nhmac_key = \"{HMAC_KEY}\"\n\
             encryption_keys = [{{ id = 1, key = \"{ENCRYPTION_KEY}\" }}]\n{}\nlease_ms = {}\n{}\n",
            payers.display(),
            setup.redis.toml(),
            setup.lease_ms,
            setup.cache_extra,
        );
        let config_path = dir.path().join("gateway.toml");
        std::fs::write(&config_path, config).unwrap();
        let mut command = Command::new(binary());
        command
            .arg("serve")
            .arg("--config")
            .arg(&config_path)
            .args(["--listen", "127.0.0.1:0"]);
        Gateway {
            process: Listening::spawn(command, "eligibility-gateway serve"),
            _dir: dir,
        }
    }

    pub fn address(&self) -> &str {
        &self.process.address
    }

    /// `GET /readyz` body.
    pub async fn readiness(&self, client: &reqwest::Client) -> Value {
        client
            .get(format!("{}/readyz", self.address()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
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
