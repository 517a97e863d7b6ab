//! The shared cache and single-flight against a 3-master Redis Cluster on loopback.
use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cluster_cache_is_shared_and_holds_no_phi() {
    let cluster = RedisCluster::start();
    crate::cache::shared_between_processes(Target::Cluster(cluster.urls()), || cluster.dump())
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cluster_single_flight_makes_one_payer_call() {
    let cluster = RedisCluster::start();
    crate::flight::one_call_for_identical_checks(Target::Cluster(cluster.urls())).await;
}
