//! Load test of a running gateway over HTTP, each figure beside its baseline in the same run.
//!
//! ```text
//! cargo bench --bench loadtest -- [--scenario all|cached|uncached|inflight] [--concurrency 64]
//!                                 [--duration-s 10] [--inflight 10000] [--payer-latency-ms 200]
//! ```
//!
//! It starts what it needs on loopback: a `redis-server`, the `sandbox-payer` (fixed latency), and
//! `eligibility-gateway serve` processes (release build) configured for that Redis, then drives them.
//! - `cached`: checks of warm members (all 256 in Redis before the clock starts), each a Redis GET in the
//!   gateway (the local tier off), against the baseline: a minimal actix-web handler doing one Redis GET of a
//!   value the size of the answer the gateway serves. Then the same with the gateway's local tier on.
//! - `uncached`: checks of fresh members against the payer's latency; the baseline is concurrency divided by
//!   the payer's latency.
//! - `inflight`: `--inflight` checks in flight at once against a payer of the same latency (the in-process
//!   `sandbox` transport: with an HTTP payer each check holds two sockets, and a process may open 20,000
//!   files here): throughput and the gateway's peak resident memory, against concurrency divided by latency
//!   and against the in-flight baseline, a minimal actix-web process that waits the same latency and
//!   answers a body the size of the gateway's (what this machine can do at all with this many in flight).
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;

#[path = "../../tests/redis/helpers/mod.rs"]
mod helpers;

mod baseline;
mod drive;
mod http1;

use drive::{drive, MakeRequest, Report};
use helpers::{check_body, Gateway, GatewaySetup, RedisServer, Target};

#[derive(Debug, Parser)]
struct Args {
    /// Which runs: `all`, `cached`, `uncached`, `inflight`.
    #[arg(long, default_value = "all")]
    scenario: String,
    /// Concurrent clients of the cached and uncached runs.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Seconds each run lasts.
    #[arg(long, default_value_t = 10)]
    duration_s: u64,
    /// Checks in flight in the `inflight` run.
    #[arg(long, default_value_t = 10_000)]
    inflight: usize,
    /// The sandbox payer's latency, in milliseconds.
    #[arg(long, default_value_t = 200)]
    payer_latency_ms: u64,
    /// Runs a baseline server (`cached` or `in-flight`) instead of the load test (the load test starts it so).
    #[arg(long, hide = true)]
    serve_baseline: Option<String>,
    /// The in-flight baseline's body size, in bytes.
    #[arg(long, hide = true, default_value_t = 0)]
    body_bytes: usize,
    /// The cached baseline's Redis.
    #[arg(long, hide = true, default_value = "")]
    redis_url: String,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

/// Checks of `member(index)` at the test payer.
fn check(member: impl Fn(u64) -> String + Send + Sync + 'static) -> MakeRequest {
    Arc::new(move |host: &str, index: u64| {
        let body = serde_json::to_vec(&check_body(&member(index))).unwrap_or_default();
        http1::post_json(host, "/v1/eligibility", &body)
    })
}

fn setup(redis: &RedisServer, payer: &helpers::Listening, local_tier: bool) -> GatewaySetup {
    let mut setup = GatewaySetup::new(Target::Single(redis.url()), payer);
    setup.requests_per_second = 1_000_000;
    setup.burst = 1_000_000;
    setup.max_concurrency = 100_000;
    if !local_tier {
        setup.cache_extra = "local_ttl_ms = 0".into();
    }
    setup
}

/// CPU time (user plus system) a process has used so far, in seconds (from `/proc/<pid>/stat`, whose ticks
/// are 1/100 s on Linux).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |index: usize| fields.get(index).and_then(|v| v.parse::<f64>().ok());
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => f64::NAN,
    }
}

/// A process's CPU time from a starting point.
struct Cpu {
    pid: u32,
    before: f64,
}

impl Cpu {
    fn start(pid: u32) -> Cpu {
        Cpu {
            pid,
            before: cpu_seconds(pid),
        }
    }

    /// CPU used since the start, per request of `report`, in microseconds.
    fn per_check_us(&self, report: &Report) -> f64 {
        (cpu_seconds(self.pid) - self.before) * 1e6 / report.requests.max(1) as f64
    }
}

/// Peak resident memory (VmHWM) and current (VmRSS) of a process, in MiB.
fn memory_mib(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

async fn cached(args: &Args, redis: &RedisServer, payer: &helpers::Listening) {
    let duration = Duration::from_secs(args.duration_s);
    let members: Arc<Vec<String>> = Arc::new((0..256).map(|_| helpers::member()).collect());
    let gateway = Gateway::start(&setup(redis, payer, false));
    let pick = {
        let members = Arc::clone(&members);
        move |index: u64| members[usize::try_from(index).unwrap_or(0) % members.len()].clone()
    };
    // Warm: every member asked at least once, and its answer in Redis, before anything is timed (a member
    // left cold costs its first timed check a payer call, 200 ms: the maximum latency of earlier runs).
    for _ in 0..10 {
        if cached_keys(redis).len() >= members.len() {
            break;
        }
        drive(
            "warm",
            gateway.address(),
            check(pick.clone()),
            members.len(),
            Duration::from_secs(1),
        )
        .await;
    }
    assert_eq!(cached_keys(redis).len(), members.len(), "every member warm");
    // The baseline serves a value as large as the gateway's answer: the body a client receives. (The gateway's
    // own value in Redis is compressed to a fraction of it; the baseline's is the answer's size, what a
    // server storing answers as they are served would GET.)
    let served = answer_bytes(gateway.address(), &pick(0)).await;
    let mut conn = redis.connection();
    let _: () = redis::cmd("SET")
        .arg(BASELINE_KEY)
        .arg(vec![b'x'; served])
        .query(&mut conn)
        .unwrap();
    let stored_bytes: usize = redis::cmd("STRLEN")
        .arg(&cached_keys(redis)[0])
        .query(&mut conn)
        .unwrap();
    let bare = baseline_process("cached", &["--redis-url", &redis.url()]);
    println!(
        "\n## cached path ({} concurrent, {} s; answer {served} bytes, {stored_bytes} in Redis; the baseline's value {served} bytes)\n",
        args.concurrency,
        args.duration_s,
    );
    println!("{}", Report::header());
    let cpu = Cpu::start(bare.pid());
    let base = drive(
        "baseline: actix-web + one Redis GET",
        &bare.address,
        check(pick.clone()),
        args.concurrency,
        duration,
    )
    .await;
    let base_cpu_us = cpu.per_check_us(&base);
    println!("{}", base.row());
    drop(bare);
    let cpu = Cpu::start(gateway.process.pid());
    let gw = drive(
        "gateway, cached (Redis GET per check)",
        gateway.address(),
        check(pick.clone()),
        args.concurrency,
        duration,
    )
    .await;
    let gw_cpu_us = cpu.per_check_us(&gw);
    println!("{}", gw.row());
    drop(gateway);
    let tiered = Gateway::start(&setup(redis, payer, true));
    drive(
        "warm",
        tiered.address(),
        check(pick.clone()),
        16,
        Duration::from_secs(1),
    )
    .await;
    let cpu = Cpu::start(tiered.process.pid());
    let local = drive(
        "gateway, cached (local tier)",
        tiered.address(),
        check(pick),
        args.concurrency,
        duration,
    )
    .await;
    let local_cpu_us = cpu.per_check_us(&local);
    println!("{}", local.row());
    println!(
        "\ncached/baseline: throughput {:.0}%, p99 {:.2}x (local tier: {:.0}%, p99 {:.2}x)",
        100.0 * gw.throughput() / base.throughput(),
        gw.quantile_ms(0.99) / base.quantile_ms(0.99),
        100.0 * local.throughput() / base.throughput(),
        local.quantile_ms(0.99) / base.quantile_ms(0.99),
    );
    println!(
        "server CPU per check: baseline {base_cpu_us:.1} us, gateway {gw_cpu_us:.1} us, gateway with the local tier {local_cpu_us:.1} us"
    );
}

/// One run against a server process: what the driver saw, and what the process used.
struct Measured {
    report: Report,
    rss_before_mib: f64,
    rss_after_mib: f64,
    peak_mib: f64,
    cpu_per_check_us: f64,
    /// CPU the server's `redis-server` used per check, when it has one.
    redis_cpu_per_check_us: Option<f64>,
}

impl Measured {
    fn summary(&self, ideal: f64) -> String {
        format!(
            "{}: {:.0}/s = {:.0}% of concurrency/latency ({ideal:.0}/s); p50 {:.1} ms; RSS {:.0} MiB before, {:.0} MiB after, peak {:.0} MiB; CPU {:.0} us per check{}",
            self.report.label,
            self.report.throughput(),
            100.0 * self.report.throughput() / ideal,
            self.report.quantile_ms(0.5),
            self.rss_before_mib,
            self.rss_after_mib,
            self.peak_mib,
            self.cpu_per_check_us,
            self.redis_cpu_per_check_us
                .map_or(String::new(), |us| format!(" (and {us:.0} us in redis-server)")),
        )
    }
}

/// Warms `address` (served by process `pid`), then drives it with fresh members for the run's duration.
async fn measure(
    label: &str,
    address: &str,
    pid: u32,
    redis_pid: Option<u32>,
    concurrency: usize,
    args: &Args,
) -> Measured {
    let fresh = |_: u64| helpers::member();
    drive(
        "warm",
        address,
        check(fresh),
        16.min(concurrency),
        Duration::from_secs(1),
    )
    .await;
    let (_, rss_before_mib) = memory_mib(pid);
    let cpu = Cpu::start(pid);
    let redis_cpu = redis_pid.map(Cpu::start);
    let report = drive(
        label,
        address,
        check(fresh),
        concurrency,
        Duration::from_secs(args.duration_s),
    )
    .await;
    let (peak_mib, rss_after_mib) = memory_mib(pid);
    let cpu_per_check_us = cpu.per_check_us(&report);
    let redis_cpu_per_check_us = redis_cpu.map(|redis| redis.per_check_us(&report));
    Measured {
        report,
        rss_before_mib,
        rss_after_mib,
        peak_mib,
        cpu_per_check_us,
        redis_cpu_per_check_us,
    }
}

/// The Redis keys of the answers the gateway has cached.
fn cached_keys(redis: &RedisServer) -> Vec<String> {
    redis::cmd("KEYS")
        .arg("elig:v1:c:*")
        .query(&mut redis.connection())
        .unwrap()
}

/// The size of the gateway's answer to one check of `member`.
async fn answer_bytes(gateway: &str, member: &str) -> usize {
    let host = gateway.trim_start_matches("http://");
    let member = member.to_owned();
    let request = check(move |_| member.clone())(host, 0);
    let mut connection = http1::Connection::open(host).await.unwrap();
    connection.exchange(&request).await.unwrap().body_bytes
}

async fn uncached(
    label: &str,
    concurrency: usize,
    args: &Args,
    redis: &RedisServer,
    payer: &helpers::Listening,
    in_process: bool,
) {
    // The local tier off: what is measured is what checks in flight hold, not the answers kept after them
    // (the cache's own memory, bounded by its configuration).
    let mut setup = setup(redis, payer, false);
    if in_process {
        setup.in_process_latency_ms = Some(args.payer_latency_ms);
    }
    let gateway = Gateway::start(&setup);
    let body_bytes = answer_bytes(gateway.address(), &helpers::member()).await;
    let measured = measure(
        label,
        gateway.address(),
        gateway.process.pid(),
        redis.pid(),
        concurrency,
        args,
    )
    .await;
    drop(gateway);
    let ideal = concurrency as f64 / (args.payer_latency_ms as f64 / 1000.0);
    println!(
        "\n## {label}: {concurrency} concurrent, payer latency {} ms, {} s; answer {body_bytes} bytes\n",
        args.payer_latency_ms, args.duration_s
    );
    println!("{}", Report::header());
    if !in_process {
        println!("{}", measured.report.row());
        println!("\n{}", measured.summary(ideal));
        return;
    }
    let bare = baseline_process(
        "in-flight",
        &[
            "--payer-latency-ms",
            &args.payer_latency_ms.to_string(),
            "--body-bytes",
            &body_bytes.to_string(),
        ],
    );
    let base = measure(
        "baseline: actix-web, wait, answer",
        &bare.address,
        bare.pid(),
        None,
        concurrency,
        args,
    )
    .await;
    println!("{}", base.report.row());
    println!("{}", measured.report.row());
    println!("\n{}\n{}", base.summary(ideal), measured.summary(ideal));
    println!(
        "\nin flight/baseline: throughput {:.0}%, p99 {:.2}x, peak RSS {:.0} MiB over the baseline's {:.0} MiB",
        100.0 * measured.report.throughput() / base.report.throughput(),
        measured.report.quantile_ms(0.99) / base.report.quantile_ms(0.99),
        measured.peak_mib,
        base.peak_mib,
    );
}

/// The allocator the gateway runs with (src/main.rs), for the baselines too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// HTTP workers of the gateway (one per core by default) and of the baselines.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The key the cached baseline serves.
const BASELINE_KEY: &str = "baseline:value";

/// Starts this binary again as a baseline server: `kind` with `args`.
fn baseline_process(kind: &str, args: &[&str]) -> helpers::Listening {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--serve-baseline", kind]).args(args);
    helpers::Listening::spawn(command, "baseline")
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    match args.serve_baseline.as_deref() {
        Some("cached") => {
            return baseline::serve_cached(&args.redis_url, BASELINE_KEY, workers()).await
        }
        Some(_) => {
            let latency = Duration::from_millis(args.payer_latency_ms);
            return baseline::serve_in_flight(latency, args.body_bytes, workers()).await;
        }
        None => {}
    }
    let redis = RedisServer::start();
    let payer = helpers::sandbox_payer(args.payer_latency_ms);
    println!("# gateway load test ({} CPU cores)", workers());
    let all = args.scenario == "all";
    if all || args.scenario == "cached" {
        cached(&args, &redis, &payer).await;
    }
    if all || args.scenario == "uncached" {
        uncached(
            "uncached (sandbox-payer over HTTP)",
            args.concurrency,
            &args,
            &redis,
            &payer,
            false,
        )
        .await;
    }
    if all || args.scenario == "inflight" {
        // In-process sandbox transport: an HTTP payer would need a second file descriptor per check, and a
        // process has 20,000 here.
        uncached(
            "in flight (sandbox transport in process)",
            args.inflight,
            &args,
            &redis,
            &payer,
            true,
        )
        .await;
    }
}
