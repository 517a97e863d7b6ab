//! The load test's baselines: minimal actix-web handlers that do only what a check cannot avoid.
//! - cached path: one Redis GET of a value the size of the gateway's cached answer, returned as it is;
//! - checks in flight: wait the payer's latency, then return a body the size of the gateway's answer.
//!
//! Each runs as a process of its own (this bench binary started again with `--serve-baseline`), so that its
//! memory and CPU are measured apart from the load driver's, as the gateway's are.
use std::net::TcpListener;
use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{web, App, HttpResponse, HttpServer};
use redis::aio::ConnectionManager;

struct Baseline {
    redis: ConnectionManager,
    key: String,
}

async fn handle(state: web::Data<Baseline>, _body: web::Bytes) -> HttpResponse {
    let mut redis = state.redis.clone();
    match redis::cmd("GET")
        .arg(&state.key)
        .query_async::<Option<Vec<u8>>>(&mut redis)
        .await
    {
        Ok(Some(value)) => HttpResponse::Ok()
            .content_type("application/octet-stream")
            .body(value),
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}

/// Serves the cached-path baseline with `workers` workers on a free port, answering `key` of `redis_url`,
/// until the process is killed.
pub async fn serve_cached(redis_url: &str, key: &str, workers: usize) {
    let client = redis::Client::open(redis_url).unwrap();
    let redis = ConnectionManager::new(client).await.unwrap();
    let state = web::Data::new(Baseline {
        redis,
        key: key.to_owned(),
    });
    serve(workers, move |config| {
        config
            .app_data(state.clone())
            .route("/v1/eligibility", web::post().to(handle));
    })
    .await;
}

/// What the in-flight baseline answers, after how long.
struct InFlight {
    latency: Duration,
    body: Bytes,
}

async fn wait_and_answer(state: web::Data<InFlight>, _body: web::Bytes) -> HttpResponse {
    tokio::time::sleep(state.latency).await;
    HttpResponse::Ok()
        .content_type("application/json")
        .body(state.body.clone())
}

/// Serves the in-flight baseline with `workers` workers on a free port until the process is killed.
pub async fn serve_in_flight(latency: Duration, body_bytes: usize, workers: usize) {
    let state = web::Data::new(InFlight {
        latency,
        body: Bytes::from(vec![b' '; body_bytes]),
    });
    serve(workers, move |config| {
        config
            .app_data(state.clone())
            .route("/v1/eligibility", web::post().to(wait_and_answer));
    })
    .await;
}

/// Runs an actix-web server of `configure`'s routes with actix's defaults (as the gateway's, but for its
/// own limits) on a free port; prints `listening on ADDRESS` first, as the gateway does.
async fn serve(
    workers: usize,
    configure: impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    println!("listening on http://{}", listener.local_addr().unwrap());
    HttpServer::new(move || App::new().configure(configure.clone()))
        .workers(workers)
        .listen(listener)
        .unwrap()
        .run()
        .await
        .unwrap();
}
