//! Load test of a running gateway over HTTP, each figure beside its baseline in the same run.
//!
//! ```text
//! cargo bench --bench loadtest -- [--scenario all|cached|uncached|inflight] [--concurrency 64]
//!                                 [--duration-s 10] [--inflight 10000] [--payer-latency-ms 200]
//! ```
//!
//! It starts what it needs on loopback: a `redis-server`, the `sandbox-payer` (fixed latency), and
//! `eligibility-gateway serve` processes (release build) configured for that Redis, then drives them.
//! - `cached`: checks of warm members, each a Redis GET in the gateway (the local tier off), against the
//!   baseline: a minimal actix-web handler doing one Redis GET of a value the size of the cached answer.
//!   Then the same with the gateway's local tier on.
//! - `uncached`: checks of fresh members against the payer's latency; the baseline is concurrency divided by
//!   the payer's latency.
//! - `inflight`: `--inflight` checks in flight at once against a payer of the same latency (the in-process
//!   `sandbox` transport: with an HTTP payer each check holds two sockets, and a process may open 20,000
//!   files here): throughput against the same baseline, and the gateway's peak resident memory.
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;

#[path = "../../tests/redis/helpers/mod.rs"]
mod helpers;

mod baseline;
mod drive;

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
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

fn check(gateway: String, member: impl Fn(u64) -> String + Send + Sync + 'static) -> MakeRequest {
    Arc::new(move |client: &reqwest::Client, index: u64| {
        client
            .post(format!("{gateway}/v1/eligibility"))
            .json(&check_body(&member(index)))
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

async fn cached(
    args: &Args,
    client: &reqwest::Client,
    redis: &RedisServer,
    payer: &helpers::Listening,
) {
    let duration = Duration::from_secs(args.duration_s);
    let members: Arc<Vec<String>> = Arc::new((0..256).map(|_| helpers::member()).collect());
    let gateway = Gateway::start(&setup(redis, payer, false));
    let pick = {
        let members = Arc::clone(&members);
        move |index: u64| members[usize::try_from(index).unwrap_or(0) % members.len()].clone()
    };
    // Warm: every member asked once.
    drive(
        "warm",
        client,
        check(gateway.address().to_owned(), pick.clone()),
        16,
        Duration::from_secs(2),
    )
    .await;
    // The baseline serves a value as large as a stored answer.
    let mut conn = redis.connection();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("elig:v1:c:*")
        .query(&mut conn)
        .unwrap();
    let stored: Vec<u8> = redis::cmd("GET").arg(&keys[0]).query(&mut conn).unwrap();
    let _: () = redis::cmd("SET")
        .arg("baseline:value")
        .arg(&stored)
        .query(&mut conn)
        .unwrap();
    let bare = baseline::start(&redis.url(), "baseline:value", 2).await;
    println!(
        "\n## cached path ({} concurrent, {} s; stored answer {} bytes)\n",
        args.concurrency,
        args.duration_s,
        stored.len()
    );
    println!("{}", Report::header());
    let base = drive(
        "baseline: actix-web + one Redis GET",
        client,
        check(bare, pick.clone()),
        args.concurrency,
        duration,
    )
    .await;
    println!("{}", base.row());
    let gw = drive(
        "gateway, cached (Redis GET per check)",
        client,
        check(gateway.address().to_owned(), pick.clone()),
        args.concurrency,
        duration,
    )
    .await;
    println!("{}", gw.row());
    drop(gateway);
    let tiered = Gateway::start(&setup(redis, payer, true));
    drive(
        "warm",
        client,
        check(tiered.address().to_owned(), pick.clone()),
        16,
        Duration::from_secs(1),
    )
    .await;
    let local = drive(
        "gateway, cached (local tier)",
        client,
        check(tiered.address().to_owned(), pick),
        args.concurrency,
        duration,
    )
    .await;
    println!("{}", local.row());
    println!(
        "\ncached/baseline: throughput {:.0}%, p99 {:.2}x (local tier: {:.0}%, p99 {:.2}x)",
        100.0 * gw.throughput() / base.throughput(),
        gw.quantile_ms(0.99) / base.quantile_ms(0.99),
        100.0 * local.throughput() / base.throughput(),
        local.quantile_ms(0.99) / base.quantile_ms(0.99),
    );
}

async fn uncached(
    label: &str,
    concurrency: usize,
    args: &Args,
    client: &reqwest::Client,
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
    let pid = gateway.process.pid();
    let fresh = |_: u64| helpers::member();
    drive(
        "warm",
        client,
        check(gateway.address().to_owned(), fresh),
        16.min(concurrency),
        Duration::from_secs(1),
    )
    .await;
    let (_, rss_before) = memory_mib(pid);
    let cpu_before = cpu_seconds(pid);
    let report = drive(
        label,
        client,
        check(gateway.address().to_owned(), fresh),
        concurrency,
        Duration::from_secs(args.duration_s),
    )
    .await;
    let (peak, rss_after) = memory_mib(pid);
    let cpu_per_check_us = (cpu_seconds(pid) - cpu_before) * 1e6 / report.requests.max(1) as f64;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let ideal = concurrency as f64 / (args.payer_latency_ms as f64 / 1000.0);
    println!(
        "\n## {label}: {concurrency} concurrent, payer latency {} ms, {} s\n",
        args.payer_latency_ms, args.duration_s
    );
    println!("{}", Report::header());
    println!("{}", report.row());
    println!(
        "\nthroughput {:.0}/s = {:.0}% of concurrency/latency ({ideal:.0}/s); p50 {:.1} ms over the payer's {} ms; gateway RSS {rss_before:.0} MiB before, {rss_after:.0} MiB after, peak {peak:.0} MiB",
        report.throughput(),
        100.0 * report.throughput() / ideal,
        report.quantile_ms(0.5),
        args.payer_latency_ms,
    );
    println!(
        "gateway CPU {cpu_per_check_us:.0} us per check: at most {:.0} checks/s on {cores:.0} cores with nothing else running",
        cores * 1e6 / cpu_per_check_us,
    );
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let redis = RedisServer::start();
    let payer = helpers::sandbox_payer(args.payer_latency_ms);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(20_000)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    println!(
        "# gateway load test ({} CPU cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let all = args.scenario == "all";
    if all || args.scenario == "cached" {
        cached(&args, &client, &redis, &payer).await;
    }
    if all || args.scenario == "uncached" {
        uncached(
            "uncached (sandbox-payer over HTTP)",
            args.concurrency,
            &args,
            &client,
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
            &client,
            &redis,
            &payer,
            true,
        )
        .await;
    }
}
