//! The baseline of the cached path: a minimal actix-web handler that does one Redis GET of a value the size
//! of the gateway's cached answer, and returns it. What a cached check cannot beat: the HTTP server and
//! one Redis round trip.
use std::net::TcpListener;

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

/// Starts the baseline server with `workers` workers on a free port, serving `key` of `redis_url`; returns
/// its address. It runs until the process exits.
pub async fn start(redis_url: &str, key: &str, workers: usize) -> String {
    let client = redis::Client::open(redis_url).unwrap();
    let redis = ConnectionManager::new(client).await.unwrap();
    let state = web::Data::new(Baseline {
        redis,
        key: key.to_owned(),
    });
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/v1/eligibility", web::post().to(handle))
    })
    .workers(workers)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    address
}
