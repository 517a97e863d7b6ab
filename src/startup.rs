//! [`Application`]: builds the router and the HTTP server on a listener, and runs it until stopped.
//!
//! The listener is a parameter ([`Application::build_with_listener`]) so that tests and the CLI's
//! `--listen` bind it themselves (port 0 included) and read the bound address back. Shutdown is actix-web's:
//! SIGTERM and ctrl-c stop accepting, let in-flight requests finish (up to [`SHUTDOWN_GRACE`]), then exit.
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use anyhow::Context;

use crate::config::ValidatedSettings;
use crate::error;
use crate::router::Router;
use crate::routes;
use crate::telemetry;

/// How long in-flight requests may take to finish after a shutdown signal: the longest deadline a client
/// can have, so no accepted check is cut short by a rolling restart.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(21);

/// What every handler shares.
pub struct AppState {
    /// Resolves payers, caches, splits and runs checks.
    pub router: Router,
    /// The request limits from `[server]`.
    pub limits: RequestLimits,
}

/// The request limits from `[server]`.
#[derive(Debug, Clone, Copy)]
pub struct RequestLimits {
    /// Deadline of a check whose client names none.
    pub default_deadline: Duration,
    /// Longest deadline a client may ask for.
    pub max_deadline: Duration,
    /// Largest body accepted, in bytes.
    pub max_body_bytes: usize,
}

/// The gateway's HTTP server, bound and ready to run.
pub struct Application {
    /// The address actually bound (the port is the OS's choice when port 0 was asked for).
    local_addr: SocketAddr,
    /// The server; it starts serving when awaited ([`Application::run_until_stopped`]).
    server: Server,
}

// === impl Application ===

impl Application {
    /// Binds `server.listen` and builds the application on it.
    pub async fn build(settings: ValidatedSettings) -> anyhow::Result<Application> {
        let listen = settings.server.listen;
        let listener =
            TcpListener::bind(listen).with_context(|| format!("could not listen on {listen}"))?;
        Application::build_with_listener(settings, listener).await
    }

    /// Builds the router from the settings and the HTTP server on an already bound listener.
    pub async fn build_with_listener(
        settings: ValidatedSettings,
        listener: TcpListener,
    ) -> anyhow::Result<Application> {
        let router = Router::build(&settings)
            .await
            .context("could not build the payer router")?;
        Application::with_router(&settings, router, listener)
    }

    /// Builds the HTTP server around a router that is already built.
    pub fn with_router(
        settings: &ValidatedSettings,
        router: Router,
        listener: TcpListener,
    ) -> anyhow::Result<Application> {
        let local_addr = listener
            .local_addr()
            .context("the listener has no local address")?;
        let limits = RequestLimits {
            default_deadline: settings.server.default_deadline,
            max_deadline: settings.server.max_deadline,
            max_body_bytes: settings.server.max_body_bytes,
        };
        let state = web::Data::new(AppState { router, limits });
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(telemetry::trace_requests))
                .configure(|config| configure(config, state.clone()))
        })
        .shutdown_timeout(SHUTDOWN_GRACE.as_secs());
        if let Some(workers) = settings.server.workers {
            server = server.workers(workers.get());
        }
        let server = server
            .listen(listener)
            .with_context(|| format!("could not serve on {local_addr}"))?
            .run();
        Ok(Application { local_addr, server })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until a shutdown signal (SIGTERM, SIGINT) arrives and in-flight requests are done.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Registers the routes, the shared state and the extractor configurations (the error handlers that keep
/// every error in the API's shape). Used by the server and by in-process tests.
pub fn configure(config: &mut web::ServiceConfig, state: web::Data<AppState>) {
    let json = web::JsonConfig::default()
        .limit(state.limits.max_body_bytes)
        .error_handler(error::json_error_handler);
    let query = web::QueryConfig::default().error_handler(error::query_error_handler);
    let path = web::PathConfig::default().error_handler(error::path_error_handler);
    config
        .app_data(state)
        .app_data(json)
        .app_data(query)
        .app_data(path)
        .configure(routes::configure);
}
