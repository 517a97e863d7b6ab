//! Errors outside the body's fields (not JSON, wrong content type, too large, bad headers and query), each
//! in the API's error shape, and error messages that never echo member data.
use serde_json::{json, Value};

use crate::helpers::spawn_app;
use crate::validation::{changed, Change};

#[tokio::test]
async fn body_header_and_query_errors_keep_the_error_shape() {
    let app = spawn_app();
    let url = format!("{}/v1/eligibility", app.address);
    let not_json = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"tradingPartnerServiceId\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    assert_eq!(
        not_json.json::<Value>().await.unwrap()["error"]["code"],
        "invalid_json"
    );
    let not_an_object = app.check(&json!(["x"])).await;
    assert_eq!(not_an_object.status(), 400);
    let wrong_type = app
        .client
        .post(&url)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 415);
    assert_eq!(
        wrong_type.json::<Value>().await.unwrap()["error"]["code"],
        "unsupported_media_type"
    );
    let too_large = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(format!("{{\"padding\": \"{}\"}}", "x".repeat(70 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(too_large.status(), 413);
    assert_eq!(
        too_large.json::<Value>().await.unwrap()["error"]["code"],
        "payload_too_large"
    );
    for bad_deadline in ["soon", "0", "-5"] {
        let response = app
            .check_with(&changed(&[]), &[("X-Request-Timeout-Ms", bad_deadline)], "")
            .await;
        assert_eq!(response.status(), 400, "deadline {bad_deadline}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["path"], "X-Request-Timeout-Ms");
    }
    let bad_query = app.check_with(&changed(&[]), &[], "?x12=maybe").await;
    assert_eq!(bad_query.status(), 400);
    let body: Value = bad_query.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_query");
    assert_eq!(body["error"]["fields"][0]["path"], "x12");

    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn error_messages_never_echo_member_values() {
    let app = spawn_app();
    let body = changed(&[
        Change::Set("/subscriber/memberId", json!("QXSECRETID*1")),
        Change::Set("/subscriber/firstName", json!("QXSECRETFIRST~")),
        Change::Set("/subscriber/lastName", json!("QXSECRETLAST^")),
        Change::Set("/subscriber/dateOfBirth", json!("QXSECRETDOB")),
    ]);
    let response = app.check(&body).await;
    assert_eq!(response.status(), 400);
    let text = response.text().await.unwrap();
    assert!(!text.contains("QXSECRET"), "{text}");
}
