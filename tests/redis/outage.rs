//! Redis killed mid-load and restarted: no check fails because of it, readiness goes `degraded` and back,
//! `/metrics` shows Redis down and back with the failed operations counted, and the shared cache works again.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::helpers::*;
use crate::metric::metric;

async fn wait_for_redis_status(
    gateway: &Gateway,
    client: &reqwest::Client,
    wanted: &str,
) -> Duration {
    let started = Instant::now();
    loop {
        let readiness = gateway.readiness(client).await;
        if readiness["checks"]["redis"]["status"] == wanted {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "readiness never reported redis {wanted}: {readiness}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `GET /metrics` of `gateway`.
async fn metrics_text(gateway: &Gateway, client: &reqwest::Client) -> String {
    let response = client
        .get(format!("{}/metrics", gateway.address()))
        .send()
        .await
        .unwrap();
    response.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_killed_mid_load_and_restarted() {
    let mut redis = RedisServer::start();
    let payer = sandbox_payer(20);
    let setup = GatewaySetup::new(Target::Single(redis.url()), &payer);
    let a = Gateway::start(&setup);
    let b = Gateway::start(&setup);
    let client = client();
    assert_eq!(
        a.readiness(&client).await["checks"]["redis"]["status"],
        "up"
    );

    // Load: a few members over and over (mostly cache hits while Redis is up), on both gateways.
    let members: Vec<String> = (0..10).map(|_| member()).collect();
    let running = Arc::new(AtomicBool::new(true));
    let load = {
        let (client, running) = (client.clone(), Arc::clone(&running));
        let addresses = [a.address().to_owned(), b.address().to_owned()];
        tokio::spawn(async move {
            let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
            let mut index = 0usize;
            let mut pending = Vec::new();
            while running.load(Ordering::Relaxed) {
                let (client, gateway) = (client.clone(), addresses[index % 2].clone());
                let member = members[index % members.len()].clone();
                pending.push(tokio::spawn(async move {
                    post_check(&client, &gateway, &member, None).await.0
                }));
                index += 1;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            for send in pending {
                *statuses.entry(send.await.unwrap()).or_default() += 1;
            }
            statuses
        })
    };

    tokio::time::sleep(Duration::from_millis(1500)).await;
    redis.kill();
    let killed = Instant::now();
    let noticed = wait_for_redis_status(&a, &client, "degraded").await;
    assert!(noticed < Duration::from_secs(3), "{noticed:?}");
    let down = metrics_text(&a, &client).await;
    assert!(down.contains("\neligibility_redis_up 0\n"), "{down}");
    // Each instance notices on its own: the other within the same 3 s of the kill, not necessarily by the
    // time the first did.
    wait_for_redis_status(&b, &client, "degraded").await;
    assert!(
        killed.elapsed() < Duration::from_secs(3),
        "{:?}",
        killed.elapsed()
    );
    let readiness = b.readiness(&client).await;
    assert_eq!(readiness["status"], "degraded", "{readiness}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    redis.restart();
    wait_for_redis_status(&a, &client, "up").await;
    wait_for_redis_status(&b, &client, "up").await;
    // The metrics tell the same story: Redis up again, and the operations that failed meanwhile counted.
    let up = metrics_text(&a, &client).await;
    assert!(up.contains("\neligibility_redis_up 1\n"), "{up}");
    for counter in [
        "eligibility_redis_errors_total",
        "eligibility_cache_errors_total",
    ] {
        assert!(metric(&up, counter) > 0.0, "{counter} in {up}");
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    running.store(false, Ordering::Relaxed);
    let statuses = load.await.unwrap();
    assert!(statuses.keys().all(|status| *status == 200), "{statuses:?}");
    assert!(statuses.values().sum::<usize>() > 500, "{statuses:?}");

    // Caching resumes: a check on one gateway is a hit on the other, through the restarted Redis.
    let fresh = member();
    let (status, body) = post_check(&client, a.address(), &fresh, None).await;
    assert_eq!(
        (status, &body["meta"]["cache"]["hit"]),
        (200, &serde_json::json!(false))
    );
    let (status, body) = post_check(&client, b.address(), &fresh, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["meta"]["cache"]["hit"], true, "{}", body["meta"]);
    assert!(redis
        .dump()
        .iter()
        .any(|(key, _)| key.starts_with("elig:v1:c:")));
}
