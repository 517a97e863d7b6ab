//! The load driver: `concurrency` workers, each sending one request after another for `duration` over its own
//! keep-alive HTTP/1.1 connection ([`http1`]), and the report of what came back: throughput, latency
//! percentiles, statuses.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::time::timeout;

use crate::http1::Connection;

/// Builds the `index`-th request's bytes for a host (`HOST:PORT`).
pub type MakeRequest = Arc<dyn Fn(&str, u64) -> Vec<u8> + Send + Sync>;

/// How long one request may take before it counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// What one run measured.
#[derive(Debug, Clone)]
pub struct Report {
    pub label: String,
    pub concurrency: usize,
    pub elapsed: Duration,
    pub requests: usize,
    pub statuses: BTreeMap<u16, usize>,
    /// Transport errors (connection refused or reset, client timeout).
    pub errors: usize,
    /// Sorted latencies of the answered requests, in microseconds.
    latencies_us: Vec<u64>,
}

impl Report {
    /// Answered requests per second.
    pub fn throughput(&self) -> f64 {
        self.latencies_us.len() as f64 / self.elapsed.as_secs_f64()
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
pub async fn drive(
    label: &str,
    address: &str,
    make: MakeRequest,
    concurrency: usize,
    duration: Duration,
) -> Report {
    let started = Instant::now();
    let until = started + duration;
    let host = address.trim_start_matches("http://").to_owned();
    let counter = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (host, make, counter) = (host.clone(), Arc::clone(&make), Arc::clone(&counter));
            tokio::spawn(async move {
                let mut tally = Tally::default();
                let mut connection: Option<Connection> = None;
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
                            let answer = timeout(REQUEST_TIMEOUT, open.exchange(&request)).await;
                            match answer {
                                Ok(Ok(answer)) => Ok((open, answer)),
                                _ => Err(()),
                            }
                        }
                        Err(_) => Err(()),
                    };
                    match exchanged {
                        Ok((open, answer)) => {
                            tally.answered(answer.status, sent.elapsed());
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
    let mut report = Report {
        label: label.to_owned(),
        concurrency,
        elapsed: Duration::ZERO,
        requests: 0,
        statuses: BTreeMap::new(),
        errors: 0,
        latencies_us: Vec::new(),
    };
    for worker in workers {
        if let Ok(tally) = worker.await {
            report.latencies_us.extend(tally.latencies_us);
            for (status, count) in tally.statuses {
                *report.statuses.entry(status).or_default() += count;
            }
            report.errors += tally.errors;
        }
    }
    report.elapsed = started.elapsed();
    report.requests = report.latencies_us.len() + report.errors;
    report.latencies_us.sort_unstable();
    report
}

/// What one worker saw.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    statuses: BTreeMap<u16, usize>,
    errors: usize,
}

impl Tally {
    fn answered(&mut self, status: u16, latency: Duration) {
        self.latencies_us
            .push(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX));
        *self.statuses.entry(status).or_default() += 1;
    }
}
