//! The load driver: `concurrency` workers, each sending one request after another for `duration` over its own
//! keep-alive HTTP/1.1 connection ([`http1`]), and the report of what came back: throughput, latency
//! percentiles, statuses.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::{timeout_at, Instant};

use crate::http1::Connection;

/// Builds the `index`-th request's bytes for a host (`HOST:PORT`).
pub type MakeRequest = Arc<dyn Fn(&str, u64) -> Vec<u8> + Send + Sync>;

/// How long the workers may take to connect before the clock starts anyway.
const CONNECT_WAIT: Duration = Duration::from_secs(60);
/// How long a request still open at the end of the run may take before it counts as an error.
const GRACE: Duration = Duration::from_secs(10);

/// What one run measured.
#[derive(Debug, Clone)]
pub struct Report {
    pub label: String,
    pub concurrency: usize,
    /// The measured window.
    pub elapsed: Duration,
    pub requests: usize,
    /// Answers completed within the window.
    pub answered_in_window: usize,
    pub statuses: BTreeMap<u16, usize>,
    /// Transport errors (connection refused or reset, client timeout).
    pub errors: usize,
    /// Sorted latencies of the answered requests, in microseconds.
    latencies_us: Vec<u64>,
}

impl Report {
    /// Answers completed within the window, per second.
    pub fn throughput(&self) -> f64 {
        self.answered_in_window as f64 / self.elapsed.as_secs_f64()
    }

    /// The `q`-quantile latency (0 to 1), in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let rank = ((self.latencies_us.len() - 1) as f64 * q).round() as usize;
        self.latencies_us[rank.min(self.latencies_us.len() - 1)] as f64 / 1000.0
    }

    /// One table row.
    pub fn row(&self) -> String {
        let statuses: Vec<String> = self
            .statuses
            .iter()
            .map(|(status, count)| format!("{status}x{count}"))
            .collect();
        format!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {}{} |",
            self.label,
            self.concurrency,
            self.requests,
            self.throughput(),
            self.quantile_ms(0.50),
            self.quantile_ms(0.95),
            self.quantile_ms(0.99),
            self.quantile_ms(1.0),
            statuses.join(" "),
            if self.errors > 0 {
                format!(" errors x{}", self.errors)
            } else {
                String::new()
            },
        )
    }

    pub fn header() -> &'static str {
        "| run | concurrency | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | statuses |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    }
}

/// Runs `concurrency` workers for `duration`, each on its own keep-alive connection to `address`
/// (`http://HOST:PORT`), sending one request after another.
///
/// Every worker connects first, and the clock starts once all are connected (or [`CONNECT_WAIT`] has
/// passed): thousands of connections opened at once overflow the server's accept backlog, and the SYN
/// retransmissions (1, 3, 7, 15 s...) would otherwise be timed as answers. Throughput counts the answers
/// completed within `duration`; a request still open [`GRACE`] after the end is an error.
pub async fn drive(
    label: &str,
    address: &str,
    make: MakeRequest,
    concurrency: usize,
    duration: Duration,
) -> Report {
    let host = address.trim_start_matches("http://").to_owned();
    let counter = Arc::new(AtomicU64::new(0));
    let connected = Arc::new(AtomicUsize::new(0));
    let (start, window) = watch::channel(None::<Instant>);
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (host, make, counter) = (host.clone(), Arc::clone(&make), Arc::clone(&counter));
            let (connected, mut window) = (Arc::clone(&connected), window.clone());
            tokio::spawn(async move {
                let mut tally = Tally::default();
                let mut connection = Connection::open(&host).await.ok();
                connected.fetch_add(1, Ordering::Relaxed);
                let Ok(until) = window.wait_for(Option::is_some).await.map(|until| *until) else {
                    return tally;
                };
                let until = until.unwrap_or_else(Instant::now);
                while Instant::now() < until {
                    let index = counter.fetch_add(1, Ordering::Relaxed);
                    let request = make(&host, index);
                    let sent = Instant::now();
                    let open = match connection.take() {
                        Some(open) => Ok(open),
                        None => Connection::open(&host).await,
                    };
                    let exchanged = match open {
                        Ok(mut open) => {
                            let answer = timeout_at(until + GRACE, open.exchange(&request)).await;
                            match answer {
                                Ok(Ok(answer)) => Ok((open, answer)),
                                _ => Err(()),
                            }
                        }
                        Err(_) => Err(()),
                    };
                    match exchanged {
                        Ok((open, answer)) => {
                            tally.answered(answer.status, sent.elapsed(), Instant::now() <= until);
                            if answer.keep_alive {
                                connection = Some(open);
                            }
                        }
                        Err(()) => tally.errors += 1,
                    }
                }
                tally
            })
        })
        .collect();
    let waited = Instant::now();
    while connected.load(Ordering::Relaxed) < concurrency && waited.elapsed() < CONNECT_WAIT {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = start.send(Some(Instant::now() + duration));
    let mut report = Report {
        label: label.to_owned(),
        concurrency,
        elapsed: duration,
        requests: 0,
        answered_in_window: 0,
        statuses: BTreeMap::new(),
        errors: 0,
        latencies_us: Vec::new(),
    };
    for worker in workers {
        if let Ok(tally) = worker.await {
            report.latencies_us.extend(tally.latencies_us);
            report.answered_in_window += tally.in_window;
            for (status, count) in tally.statuses {
                *report.statuses.entry(status).or_default() += count;
            }
            report.errors += tally.errors;
        }
    }
    report.requests = report.latencies_us.len() + report.errors;
    report.latencies_us.sort_unstable();
    report
}

/// What one worker saw.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    in_window: usize,
    statuses: BTreeMap<u16, usize>,
    errors: usize,
}

impl Tally {
    fn answered(&mut self, status: u16, latency: Duration, in_window: bool) {
        self.in_window += usize::from(in_window);
        self.latencies_us
            .push(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX));
        *self.statuses.entry(status).or_default() += 1;
    }
}
