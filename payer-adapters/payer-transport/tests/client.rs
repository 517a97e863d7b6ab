//! The shared HTTP client against in-test servers: bodies read, statuses mapped, timeouts, the size limit
//! (announced and streamed), and connection failures.
use std::time::Duration;

use payer_core::AdapterError;
use payer_transport::{status_error, HttpClient, HttpSettings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(request_ms: u64, max_bytes: usize) -> HttpClient {
    HttpClient::new(HttpSettings::new(1_000, request_ms, max_bytes).unwrap()).unwrap()
}

#[tokio::test]
async fn a_body_is_read_whatever_the_status() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/x12"))
        .respond_with(ResponseTemplate::new(500).set_body_raw("fault", "text/plain"))
        .mount(&server)
        .await;
    let c = client(2_000, 1_000);
    let reply = c
        .send(c.client().post(format!("{}/x12", server.uri())).body("270"))
        .await
        .unwrap();
    assert_eq!(reply.status, 500);
    assert_eq!(&reply.body[..], b"fault");
    assert_eq!(reply.content_type.as_deref(), Some("text/plain"));
    assert!(!reply.is_success());
}

#[tokio::test]
async fn a_slow_payer_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(2_000)))
        .mount(&server)
        .await;
    let c = client(200, 1_000);
    let started = std::time::Instant::now();
    let err = c.send(c.client().post(server.uri())).await.unwrap_err();
    assert!(
        matches!(err, AdapterError::Timeout(d) if d == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(1_500));
}

#[tokio::test]
async fn an_announced_body_over_the_limit_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(2_000)))
        .mount(&server)
        .await;
    let c = client(2_000, 1_000);
    match c.send(c.client().post(server.uri())).await {
        Err(AdapterError::Malformed { detail, raw }) => {
            assert_eq!(detail, "response over 1000 bytes");
            assert!(raw.is_none());
        }
        other => panic!("{other:?}"),
    }
}

/// A server that answers every connection with an endless chunked body.
async fn endless_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/edi-x12\r\nTransfer-Encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("400\r\n{}\r\n", "A".repeat(0x400));
                // Bounded: 64 MiB at most, far past any limit under test.
                for _ in 0..65_536 {
                    if socket.write_all(chunk.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}/")
}

#[tokio::test]
async fn a_streamed_body_stops_at_the_limit() {
    let url = endless_server().await;
    let c = client(5_000, 10_000);
    let started = std::time::Instant::now();
    match c.send(c.client().post(&url).body("270")).await {
        Err(AdapterError::Malformed { detail, .. }) => {
            assert_eq!(detail, "response over 10000 bytes")
        }
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = client(2_000, 1_000);
    let err = c
        .send(c.client().post(format!("http://{addr}/")))
        .await
        .unwrap_err();
    assert!(matches!(err, AdapterError::Connect(_)), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_connection_reset_before_the_answer_is_a_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
            drop(socket);
        }
    });
    let c = client(2_000, 1_000);
    let err = c
        .send(c.client().post(format!("http://{addr}/")).body("270"))
        .await
        .unwrap_err();
    assert!(matches!(err, AdapterError::Connect(_)), "{err:?}");
}

#[test]
fn statuses_map_onto_adapter_errors() {
    assert!(status_error(200).is_none());
    assert!(matches!(
        status_error(401),
        Some(AdapterError::Credentials(_))
    ));
    assert!(matches!(
        status_error(403),
        Some(AdapterError::Credentials(_))
    ));
    for status in [500, 502, 503, 429] {
        let err = status_error(status).unwrap();
        assert!(matches!(err, AdapterError::HttpStatus { .. }));
        assert!(err.is_retryable(), "{status}");
    }
    assert!(!status_error(404).unwrap().is_retryable());
}
