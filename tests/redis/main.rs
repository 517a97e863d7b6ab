//! Integration tests of the gateway with a real Redis: the shared encrypted cache, single-flight across
//! instances, fleet-wide payer rate limits, and Redis failures. Each test starts its own `redis-server`
//! processes (a server, or a 3-master cluster) on free loopback ports, the real `sandbox-payer`, and real
//! `eligibility-gateway serve` processes, and kills them all when done.
//!
//! Needs `redis-server` and `redis-cli` on the PATH (`apt-get install redis-server`).
mod cache;
mod cluster;
mod flight;
mod helpers;
#[path = "../shared/metric.rs"]
mod metric;
mod outage;
mod rate;
