//! Gateway processes for the tests: `eligibility-gateway serve` with a test payer (the standalone sandbox
//! payer over `x12-http`) and the shared Redis; killed on drop.
use std::process::Command;

use serde_json::Value;

use super::{binary, Listening, TempDir, ENCRYPTION_KEY, HMAC_KEY};

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
    /// Instead of the sandbox payer process, the in-process `sandbox` transport with this fixed latency
    /// (for the load test's 10,000 in flight: a process has 20,000 file descriptors here, and an HTTP payer
    /// would need two per check).
    pub in_process_latency_ms: Option<u64>,
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
            in_process_latency_ms: None,
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
        let transport = match setup.in_process_latency_ms {
            None => format!(
                "kind = \"x12-http\"\nurl = \"{}/x12\"\nsender_id = \"GATEWAY\"\n\
                 receiver_id = \"SANDBOX\"\nusage = \"T\"\nrequest_timeout_ms = 15000\n",
                setup.payer
            ),
            Some(ms) => {
                format!("kind = \"sandbox\"\nlatency = {{ distribution = \"fixed\", ms = {ms} }}\n")
            }
        };
        let payer_file = format!(
            "# Test payer: the standalone sandbox payer over x12-http (or the sandbox in process).\n\
             id = \"acme\"\nname = \"Acme Test Plan\"\ntimeout_ms = 15000\n\
             max_service_types_per_inquiry = 99\n\n[transport]\n{transport}\n\
             [rate_limit]\nrequests_per_second = {}\nburst = {}\nmax_concurrency = {}\n\n\
             [retry]\nmax_attempts = 1\n",
            setup.requests_per_second, setup.burst, setup.max_concurrency
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
