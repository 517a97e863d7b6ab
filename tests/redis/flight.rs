//! Single-flight across instances: 1,000 identical concurrent checks over two gateway processes make one
//! payer call, also when the answer is one the cache does not keep; and when the gateway holding the lease
//! dies mid-call, the other still answers every check.
use std::time::Duration;

use futures::future::join_all;
use serde_json::Value;

use crate::helpers::*;

/// Sends `count` identical checks of `member` at once, alternating between `gateways`.
async fn burst(
    client: &reqwest::Client,
    gateways: &[&str],
    member: &str,
    count: usize,
) -> Vec<(u16, Value)> {
    let sends = (0..count).map(|index| {
        let gateway = gateways[index % gateways.len()].to_owned();
        let client = client.clone();
        let member = member.to_owned();
        tokio::spawn(async move { post_check(&client, &gateway, &member, None).await })
    });
    join_all(sends)
        .await
        .into_iter()
        .map(|joined| joined.unwrap())
        .collect()
}

/// Has each gateway answer one check of a member of its own, so that its Redis connection (for a cluster,
/// its slot map) is up before the test's checks: a burst that meets a connection still being made goes on
/// without Redis, by design.
async fn warm_up(client: &reqwest::Client, gateways: &[&Gateway]) {
    for gateway in gateways {
        let (status, body) = post_check(client, gateway.address(), &member(), None).await;
        assert_eq!(status, 200, "warm-up check: {body}");
    }
}

/// Asserts that the payer was called exactly once for `member`, showing both gateways' output when it was
/// not.
async fn assert_one_payer_call(
    client: &reqwest::Client,
    payer: &Listening,
    member: &str,
    a: &Gateway,
    b: &Gateway,
) {
    let stats = payer_stats(client, payer).await;
    assert_eq!(
        stats["byMember"][member],
        1,
        "the payer was called more than once: {stats}\ngateway a:\n{}\ngateway b:\n{}",
        a.process.output(),
        b.process.output()
    );
}

/// Payer calls reported in the answers' `meta.x12`.
fn reported_calls(answers: &[(u16, Value)]) -> usize {
    answers
        .iter()
        .map(|(_, body)| body["meta"]["x12"].as_array().map_or(0, Vec::len))
        .sum()
}

pub async fn one_call_for_identical_checks(target: Target) {
    let payer = sandbox_payer(500);
    let setup = GatewaySetup::new(target, &payer);
    let a = Gateway::start(&setup);
    let b = Gateway::start(&setup);
    let client = client();
    let member = member();
    warm_up(&client, &[&a, &b]).await;

    let answers = burst(&client, &[a.address(), b.address()], &member, 1000).await;
    let failed: Vec<&(u16, Value)> = answers
        .iter()
        .filter(|(status, _)| *status != 200)
        .collect();
    assert!(
        failed.is_empty(),
        "{} checks failed, first: {:?}",
        failed.len(),
        failed.first()
    );
    assert!(answers
        .iter()
        .all(|(_, body)| body["coverage"]["status"] == "active"));
    assert_one_payer_call(&client, &payer, &member, &a, &b).await;
    assert_eq!(reported_calls(&answers), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_identical_checks_over_two_gateways_make_one_payer_call() {
    let redis = RedisServer::start();
    one_call_for_identical_checks(Target::Single(redis.url())).await;
}

/// An answer the cache does not keep (AAA 42, retryable: its TTL is none) still crosses to the other instance,
/// sealed in the lease: one payer call for every check.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_uncacheable_answer_is_shared_through_the_lease() {
    let redis = RedisServer::start();
    let payer = sandbox_payer(500);
    let setup = GatewaySetup::new(Target::Single(redis.url()), &payer);
    let (a, b) = (Gateway::start(&setup), Gateway::start(&setup));
    let client = client();
    let member = member().replacen("ACT", "UNA", 1);
    warm_up(&client, &[&a, &b]).await;

    let answers = burst(&client, &[a.address(), b.address()], &member, 200).await;
    assert!(
        answers.iter().all(|(status, _)| *status == 503),
        "every check gets the payer's AAA 42 as a 503: {:?}",
        answers.iter().find(|(status, _)| *status != 503)
    );
    assert_one_payer_call(&client, &payer, &member, &a, &b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_lease_holder_dying_mid_call_does_not_stop_the_others() {
    let redis = RedisServer::start();
    let payer = sandbox_payer(1500);
    let mut setup = GatewaySetup::new(Target::Single(redis.url()), &payer);
    setup.lease_ms = 600;
    let mut holder = Gateway::start(&setup);
    let survivor = Gateway::start(&setup);
    let client = client();
    let member = member();
    warm_up(&client, &[&holder, &survivor]).await;

    // The holder takes the lease and calls the payer (1.5 s).
    let holder_address = holder.address().to_owned();
    let first = {
        let client = client.clone();
        let member = member.clone();
        tokio::spawn(async move {
            client
                .post(format!("{holder_address}/v1/eligibility"))
                .json(&check_body(&member))
                .send()
                .await
        })
    };
    let started = std::time::Instant::now();
    loop {
        if payer_stats(&client, &payer).await["byMember"][&member] == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the holder never called the payer"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The survivor's checks wait on the lease...
    let waiting = {
        let client = client.clone();
        let member = member.clone();
        let survivor = survivor.address().to_owned();
        tokio::spawn(async move { burst(&client, &[&survivor], &member, 200).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    // ...and the holder dies mid-call.
    holder.process.kill();
    assert!(first.await.unwrap().is_err(), "the killed gateway answered");

    let answers = waiting.await.unwrap();
    let failed: Vec<&(u16, Value)> = answers
        .iter()
        .filter(|(status, _)| *status != 200)
        .collect();
    assert!(
        failed.is_empty(),
        "{} checks failed, first: {:?}",
        failed.len(),
        failed.first()
    );
    // The dead holder's call, and the survivor's after it took over: no more.
    let stats = payer_stats(&client, &payer).await;
    assert_eq!(stats["byMember"][&member], 2, "{stats}");
    assert_eq!(reported_calls(&answers), 1);
    // Taking over waited for the lease to expire (at most 600 ms after the last renewal), not for the
    // request deadline.
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
}

/// A holder whose flight ends unfinished (its check's deadline passed) frees its lease at once: the other
/// instance's check of the same member takes over instead of waiting out `lease_ms`, which here is longer
/// than that check's own deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_holder_past_its_deadline_frees_the_lease_at_once() {
    let redis = RedisServer::start();
    let payer = sandbox_payer(1000);
    let mut setup = GatewaySetup::new(Target::Single(redis.url()), &payer);
    setup.lease_ms = 30_000;
    let (a, b) = (Gateway::start(&setup), Gateway::start(&setup));
    let client = client();
    let member = member();
    warm_up(&client, &[&a, &b]).await;

    // a takes the lease and calls the payer (1 s), but its check gives up after 300 ms; b's check of the
    // same member comes while a holds the lease, and may wait 10 s.
    let first = post_check(&client, a.address(), &member, Some(300));
    let second = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        post_check(&client, b.address(), &member, Some(10_000)).await
    };
    let ((first_status, _), (second_status, body)) = tokio::join!(first, second);
    assert_eq!(first_status, 504);
    assert_eq!(second_status, 200, "{body}");
    // Both called the payer: a first (holding the lease), then b after a let go.
    let stats = payer_stats(&client, &payer).await;
    assert_eq!(stats["byMember"][&member], 2, "{stats}");
}
