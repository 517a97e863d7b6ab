//! [`Conn`]: one server (connection manager, reconnecting by itself) or a cluster (slot-aware, following
//! failovers), behind one `ConnectionLike`.
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::{ClusterClient, ClusterConfig};
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, Pipeline, RedisFuture, Value};

use crate::config::RedisEndpoints;

/// How long establishing a TCP connection to a node may take.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);

/// A connection to Redis, cheap to clone (both kinds multiplex one socket per node).
#[derive(Clone)]
pub(super) enum Conn {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl Conn {
    /// Opens lazily: nothing is connected until the first command.
    pub(super) fn open(endpoints: &RedisEndpoints, timeout: Duration) -> anyhow::Result<Conn> {
        match endpoints {
            RedisEndpoints::Single(url) => {
                let client = redis::Client::open(url.as_str())
                    .map_err(|error| anyhow::anyhow!("cache.redis_url: {:?}", error.kind()))?;
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(CONNECT_TIMEOUT))
                    .set_response_timeout(Some(timeout))
                    .set_number_of_retries(2)
                    .set_min_delay(Duration::from_millis(20))
                    .set_max_delay(Duration::from_millis(200));
                let manager = ConnectionManager::new_lazy_with_config(client, config)
                    .map_err(|error| anyhow::anyhow!("redis connection: {:?}", error.kind()))?;
                Ok(Conn::Single(manager))
            }
            RedisEndpoints::Cluster(urls) => {
                let client = ClusterClient::builder(urls.iter().map(String::as_str))
                    .retries(2)
                    .min_retry_wait(10)
                    .max_retry_wait(100)
                    .build()
                    .map_err(|error| {
                        anyhow::anyhow!("cache.redis_cluster_urls: {:?}", error.kind())
                    })?;
                let config = ClusterConfig::new()
                    .set_connection_timeout(CONNECT_TIMEOUT)
                    .set_response_timeout(timeout);
                Ok(Conn::Cluster(
                    client.get_pending_async_connection_with_config(config),
                ))
            }
        }
    }
}

impl ConnectionLike for Conn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Conn::Single(conn) => conn.req_packed_command(cmd),
            Conn::Cluster(conn) => conn.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Conn::Single(conn) => conn.req_packed_commands(pipeline, offset, count),
            Conn::Cluster(conn) => conn.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Conn::Single(conn) => conn.get_db(),
            Conn::Cluster(conn) => conn.get_db(),
        }
    }
}
