//! [`Application`]: builds the router and the HTTP server on a listener, and runs it until stopped.
//!
//! The listener is a parameter ([`Application::build_with_listener`]) so that tests and the CLI's
//! `--listen` bind it themselves (port 0 included) and read the bound address back. Shutdown
//! ([`crate::shutdown`]): SIGTERM and ctrl-c stop accepting, let in-flight requests finish (up to
//! `server.shutdown_grace_s`), cancel what still runs, then exit.
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use anyhow::Context;

use crate::audit::{AuditTrail, AuditWriter};
use crate::auth::ApiKeys;
use crate::config::ValidatedSettings;
use crate::error;
use crate::metrics::Metrics;
use crate::router::{Observer, Router};
use crate::routes;
use crate::telemetry;

/// The default of `server.shutdown_grace_s`: the longest default deadline and a second, so no accepted
/// check is cut short by a rolling restart.
pub const SHUTDOWN_GRACE: Duration =
    Duration::from_secs(crate::config::settings::DEFAULT_SHUTDOWN_GRACE_S);

/// What every handler shares.
pub struct AppState {
    /// Resolves payers, caches, splits and runs checks.
    pub router: Router,
    /// The request limits from `[server]`.
    pub limits: RequestLimits,
    /// The API keys and their quotas (`[auth]`).
    pub keys: ApiKeys,
    /// The metric series, for handlers and middleware that count.
    pub metrics: Arc<Metrics>,
    /// The registry `/metrics` renders.
    pub registry: prometheus::Registry,
    /// Header and JSON limits, and whether the API is served over TLS.
    pub hardening: HardeningLimits,
    /// Batch limits (`[batch]`).
    pub batch: crate::config::BatchConfig,
    /// Set when a shutdown signal arrived: batches start no new checks.
    pub shutdown: crate::shutdown::Shutdown,
}

/// What the hardening middleware enforces ([`crate::hardening`]).
#[derive(Debug, Clone, Copy)]
pub struct HardeningLimits {
    /// Request line plus headers, in bytes.
    pub max_header_bytes: usize,
    /// Nesting of a JSON body.
    pub max_json_depth: usize,
    /// Whether the API is served over TLS (then `Strict-Transport-Security` is sent).
    pub tls: bool,
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
    /// Checks in flight past which answers are written in pieces ([`crate::routes::pieces`]).
    pub small_writes_above_in_flight: usize,
}

/// The gateway's HTTP server, bound and ready to run.
pub struct Application {
    /// The address actually bound (the port is the OS's choice when port 0 was asked for).
    local_addr: SocketAddr,
    /// The server; it starts serving when awaited ([`Application::run_until_stopped`]).
    server: Server,
    /// The audit writer, drained after the server stopped.
    audit_writer: Option<AuditWriter>,
    /// Whether the API is served over TLS.
    tls: bool,
    /// Triggered by the shutdown signal.
    shutdown: crate::shutdown::Shutdown,
}

/// How long the audit writer may take to write what is queued once the server stopped.
pub const AUDIT_DRAIN_LIMIT: Duration = Duration::from_secs(10);

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
        let registry = prometheus::Registry::new();
        let metrics = Metrics::register(&registry).context("could not register the metrics")?;
        let (audit, audit_writer) =
            match AuditTrail::start(&settings.security.audit, Arc::clone(&metrics))? {
                Some((trail, writer)) => (Some(trail), Some(writer)),
                None => (None, None),
            };
        let observer = Observer {
            metrics: Arc::clone(&metrics),
            audit,
        };
        let router = Router::build_observed(&settings, observer)
            .await
            .context("could not build the payer router")?;
        let mut application =
            Application::with_router_and_registry(&settings, router, registry, listener)?;
        application.audit_writer = audit_writer;
        Ok(application)
    }

    /// Builds the HTTP server around a router that is already built (its metrics, if any, are not exported).
    pub fn with_router(
        settings: &ValidatedSettings,
        router: Router,
        listener: TcpListener,
    ) -> anyhow::Result<Application> {
        Application::with_router_and_registry(
            settings,
            router,
            prometheus::Registry::new(),
            listener,
        )
    }

    /// Builds the HTTP server around a router whose metrics are registered in `registry`; `/metrics`
    /// renders it.
    pub fn with_router_and_registry(
        settings: &ValidatedSettings,
        router: Router,
        registry: prometheus::Registry,
        listener: TcpListener,
    ) -> anyhow::Result<Application> {
        let local_addr = listener
            .local_addr()
            .context("the listener has no local address")?;
        let limits = RequestLimits {
            default_deadline: settings.server.default_deadline,
            max_deadline: settings.server.max_deadline,
            max_body_bytes: settings.server.max_body_bytes,
            small_writes_above_in_flight: settings.server.small_writes_above_in_flight,
        };
        let metrics = match router.metrics() {
            Some(metrics) => Arc::clone(metrics),
            None => Metrics::register(&registry).context("could not register the metrics")?,
        };
        let security = &settings.security;
        let tls = match &security.tls {
            Some(config) => Some(crate::tls::ReloadingCert::load(config)?),
            None => None,
        };
        let shutdown = crate::shutdown::Shutdown::new();
        let state = web::Data::new(AppState {
            router,
            limits,
            keys: ApiKeys::new(&security.auth),
            metrics,
            registry,
            hardening: HardeningLimits {
                max_header_bytes: security.limits.max_header_bytes,
                max_json_depth: security.limits.max_json_depth,
                tls: tls.is_some(),
            },
            batch: settings.batch,
            shutdown: shutdown.clone(),
        });
        // Outermost last: the trace id and request log around everything, then the security headers (on
        // refusals too), then the header/body/JSON limits, then the API key check.
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(crate::auth::authenticate))
                .wrap(from_fn(crate::hardening::guard_requests))
                .wrap(from_fn(crate::hardening::security_headers))
                .wrap(from_fn(telemetry::trace_requests))
                .configure(|config| configure(config, state.clone()))
        })
        .max_connections(security.limits.max_connections)
        // A response is flushed once this much of it is buffered: an answer written in pieces goes out piece
        // by piece, and the connection's write buffer never grows past its initial 8 KiB.
        .h1_write_buffer_size(crate::routes::pieces::PIECE_BYTES)
        // Without Nagle's algorithm, so that the end of an answer is not held back until the client
        // acknowledges its start (a 40 ms stall per answer against delayed acknowledgements).
        .tcp_nodelay(true)
        .client_request_timeout(security.limits.client_request_timeout)
        .client_disconnect_timeout(security.limits.client_disconnect_timeout)
        .keep_alive(if security.limits.keep_alive.is_zero() {
            actix_web::http::KeepAlive::Disabled
        } else {
            actix_web::http::KeepAlive::Timeout(security.limits.keep_alive)
        })
        // Signals are the gateway's own ([`crate::shutdown::stop_on_signal`]), so batches learn of them.
        .disable_signals()
        .shutdown_timeout(settings.server.shutdown_grace.as_secs());
        if let Some(workers) = settings.server.workers {
            server = server.workers(workers.get());
        }
        let uses_tls = tls.is_some();
        let server = match tls {
            Some(cert) => {
                let config = cert.server_config()?;
                tokio::spawn(crate::tls::reload_on_sighup(cert));
                server.listen_rustls_0_23(listener, config)
            }
            None => server.listen(listener),
        }
        .with_context(|| format!("could not serve on {local_addr}"))?
        .run();
        Ok(Application {
            local_addr,
            server,
            audit_writer: None,
            tls: uses_tls,
            shutdown,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until a shutdown signal (SIGTERM, SIGINT) arrives and in-flight requests are done.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let signals = tokio::spawn(crate::shutdown::stop_on_signal(
            self.shutdown.clone(),
            self.server.handle(),
        ));
        let served = self.server.await;
        signals.abort();
        // The workers (and with them the router and its audit queue) are gone: drain what is queued.
        if let Some(writer) = self.audit_writer {
            writer.finish(AUDIT_DRAIN_LIMIT).await;
        }
        served
    }

    /// Whether the API is served over TLS (`https://`).
    pub fn scheme(&self) -> &'static str {
        if self.tls {
            "https"
        } else {
            "http"
        }
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
    // A batch's body is many checks: its own size limit.
    let batch_json = web::JsonConfig::default()
        .limit(state.batch.max_body_bytes)
        .error_handler(error::json_error_handler);
    config
        .app_data(state)
        .app_data(json)
        .app_data(query)
        .app_data(path)
        .configure(|config| routes::configure(config, batch_json));
}
