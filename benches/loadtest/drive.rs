//! The load driver: `concurrency` workers, each sending one request after another for `duration`, and the
//! report of what came back: throughput, latency percentiles, statuses.
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Builds the `index`-th request.
pub type MakeRequest = Arc<dyn Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync>;

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

/// Runs `concurrency` workers for `duration`.
pub async fn drive(
    label: &str,
    client: &reqwest::Client,
    make: MakeRequest,
    concurrency: usize,
    duration: Duration,
) -> Report {
    let started = Instant::now();
    let until = started + duration;
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, make, counter) = (client.clone(), Arc::clone(&make), Arc::clone(&counter));
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
                let mut errors = 0usize;
                while Instant::now() < until {
                    let index = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let sent = Instant::now();
                    match make(&client, index).send().await {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            let _ = response.bytes().await;
                            latencies.push(
                                u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX),
                            );
                            *statuses.entry(status).or_default() += 1;
                        }
                        Err(_) => errors += 1,
                    }
                }
                (latencies, statuses, errors)
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
        if let Ok((latencies, statuses, errors)) = worker.await {
            report.latencies_us.extend(latencies);
            for (status, count) in statuses {
                *report.statuses.entry(status).or_default() += count;
            }
            report.errors += errors;
        }
    }
    report.elapsed = started.elapsed();
    report.requests = report.latencies_us.len() + report.errors;
    report.latencies_us.sort_unstable();
    report
}
