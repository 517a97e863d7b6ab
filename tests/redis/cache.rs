//! The shared cache: a check cached by one gateway process is a hit on another, and Redis holds no member
//! data in clear, in its keys or its values.
use crate::helpers::*;

/// One gateway asks the payer; a second gateway sharing the Redis answers from cache. Then every key and
/// value in Redis is searched for the request's member data.
pub async fn shared_between_processes(target: Target, dump: impl Fn() -> Vec<(String, Vec<u8>)>) {
    let payer = sandbox_payer(20);
    let setup = GatewaySetup::new(target, &payer);
    let first = Gateway::start(&setup);
    let second = Gateway::start(&setup);
    let client = client();
    let member = member();

    let (status, body) = post_check(&client, first.address(), &member, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["meta"]["cache"]["hit"], false);
    assert_eq!(body["coverage"]["status"], "active");
    let (status, body) = post_check(&client, second.address(), &member, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["meta"]["cache"]["hit"], true, "{}", body["meta"]);
    assert_eq!(body["meta"]["cache"]["stale"], false);
    assert_eq!(body["coverage"]["status"], "active");
    assert_eq!(body["subscriber"]["memberId"], member.as_str());
    let stats = payer_stats(&client, &payer).await;
    assert_eq!(stats["total"], 1, "{stats}");

    let stored = dump();
    assert!(
        stored.iter().any(|(key, _)| key.starts_with("elig:v1:c:")),
        "no cache entry in Redis: {:?}",
        stored.iter().map(|(key, _)| key).collect::<Vec<_>>()
    );
    let needles = [
        member.as_str(),
        FIRST_NAME,
        LAST_NAME,
        BIRTH_DATE,
        "1980-02-29",
    ];
    for (key, value) in &stored {
        for needle in needles {
            let lower = needle.to_lowercase();
            assert!(
                !key.to_uppercase().contains(needle),
                "key {key} holds {needle}"
            );
            for form in [needle.as_bytes(), lower.as_bytes()] {
                assert!(
                    !value.windows(form.len()).any(|window| window == form),
                    "the value of {key} holds {needle} in clear"
                );
            }
        }
    }
    for (key, value) in stored
        .iter()
        .filter(|(key, _)| key.starts_with("elig:v1:c:"))
    {
        assert_eq!(key.len(), "elig:v1:c:".len() + 64, "{key}");
        assert_eq!(value.first(), Some(&4), "sealed format byte: packed");
        assert_eq!(value.get(1), Some(&1), "key id 1");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_cached_by_one_process_is_a_hit_on_another_and_redis_holds_no_phi() {
    let redis = RedisServer::start();
    shared_between_processes(Target::Single(redis.url()), || redis.dump()).await;
}
