//! The sandbox payer as a standalone HTTP server (`eligibility-gateway sandbox-payer`): one simulated payer
//! that speaks the four real transports for real, so that the gateway's transports can be run end to end
//! against a counterpart that checks what a real one checks and misbehaves on demand.
//!
//! | endpoint | protocol | checks, and how it refuses |
//! | --- | --- | --- |
//! | `POST /core/soap` | `x12-core-soap` | SOAP 1.2 (fault `VersionMismatch`), CORE fields (fault `<Field>Required`; `check_request` codes as `ErrorCode`), UsernameToken (401 + fault `UnAuthorized`), the X12 interchange |
//! | `POST /core/mime` | `x12-core-mime` | multipart form (400 + `ErrorCode`), CORE fields, `UserName`/`Password` (401 + `UnAuthorized`), the X12 interchange |
//! | `POST /x12` | `x12-http` | `Content-Type` (415), HTTP Basic when configured (401), the X12 interchange (400 when not X12) |
//! | `POST /oauth/token` | `chc-json` | `grant_type=client_credentials`, client id and secret (400/401, RFC 6749 errors) |
//! | `POST /eligibility`, `POST /change/medicalnetwork/eligibility/v3` | `chc-json` | bearer token (401), the v3 request as our API validates it (400), `tradingPartnerServiceId` when a receiver id is set (404) |
//! | `GET /stats`, `GET /stats/exchanges`, `GET /stats/last-270s`, `GET /healthz` | | counts; the last exchanges in full; the last 270s |
//!
//! The X12 interchange checks and the payer's answer are in [`inquiry`]; each protocol wraps them in its own
//! envelope, one file each. Latency, the scenarios' delays and injected faults ([`faults`]) apply to every
//! protocol alike. Nothing here logs a member ID or a body.
use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::Server;
use actix_web::http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use actix_web::http::StatusCode;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use anyhow::Context;
use payer_sandbox::SandboxPayer;

mod chc_json;
mod client;
pub mod faults;
pub mod inquiry;
mod mime;
pub mod settings;
mod soap;
pub mod stats;
mod x12_http;

pub use faults::{Fault, FaultShares, FaultSpread};
pub use settings::{Options, ServerSettings};
pub use stats::{Counts, Exchange, Stats};

/// The protocols the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// CAQH CORE SOAP 1.2.
    CoreSoap,
    /// CAQH CORE HTTP MIME multipart.
    CoreMime,
    /// Raw X12 over HTTP.
    X12Http,
    /// The v3 JSON API with OAuth2.
    ChcJson,
}

impl Protocol {
    /// The transport's `kind` in a payer file.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::CoreSoap => "x12-core-soap",
            Protocol::CoreMime => "x12-core-mime",
            Protocol::X12Http => "x12-http",
            Protocol::ChcJson => "chc-json",
        }
    }
}

/// What every handler shares.
#[derive(Debug)]
pub struct State {
    /// The settings.
    pub settings: ServerSettings,
    /// The simulated payer.
    pub payer: SandboxPayer,
    /// What reached it.
    pub stats: Stats,
    /// Control numbers of the server's own acknowledgments.
    pub next_control: AtomicU32,
    /// Issued OAuth2 access tokens and when they expire.
    pub tokens: Mutex<HashMap<String, Instant>>,
    /// Fault draws made, for `faults.spread = "even"`.
    pub draws: AtomicU64,
    /// Inquiries per member so far, for `faults.fail_first`.
    pub member_inquiries: Mutex<HashMap<String, u32>>,
}

impl State {
    /// State for `settings`.
    pub fn new(settings: ServerSettings) -> State {
        State {
            payer: SandboxPayer::new(settings.payer_id.clone(), settings.payer.clone()),
            stats: Stats::new(settings.keep_last),
            next_control: inquiry::control_seed(),
            tokens: Mutex::new(HashMap::new()),
            draws: AtomicU64::new(0),
            member_inquiries: Mutex::new(HashMap::new()),
            settings,
        }
    }

    /// One draw of the configured latency.
    pub fn latency(&self) -> Duration {
        self.settings.payer.latency.sample(&mut rand::rng())
    }

    /// The fault for one request of `protocol`, if any.
    pub fn fault(&self, protocol: Protocol) -> Option<Fault> {
        match self.settings.fault_spread {
            FaultSpread::Random => self.settings.faults.draw(&mut rand::rng(), protocol),
            FaultSpread::Even => {
                let n = self.draws.fetch_add(1, Ordering::Relaxed);
                self.settings
                    .faults
                    .draw_at(faults::van_der_corput(n), protocol)
            }
        }
    }
}

/// What the server does with one request.
#[derive(Debug)]
pub enum Answer {
    /// An HTTP answer.
    Http {
        /// The status.
        status: StatusCode,
        /// The `Content-Type`.
        content_type: String,
        /// Other headers.
        headers: Vec<(HeaderName, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// Reset the connection.
    Reset,
    /// Hold the request for this long, then reset the connection.
    Hold(Duration),
}

impl Answer {
    /// An answer with a body and no other header.
    pub fn new(status: StatusCode, content_type: &str, body: impl Into<Vec<u8>>) -> Answer {
        Answer::Http {
            status,
            content_type: content_type.to_owned(),
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// A plain-text answer.
    pub fn text(status: StatusCode, text: &str) -> Answer {
        Answer::new(
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
        )
    }

    /// The same answer with a header added.
    pub fn with_header(mut self, name: HeaderName, value: &str) -> Answer {
        if let Answer::Http { headers, .. } = &mut self {
            headers.push((name, value.to_owned()));
        }
        self
    }

    /// An actix response (one of the gateway's own error bodies, say) as an answer.
    pub fn from_response(response: HttpResponse) -> Answer {
        let status = response.status();
        let headers: Vec<(HeaderName, String)> = response
            .headers()
            .iter()
            .filter(|(name, _)| *name != CONTENT_TYPE)
            .filter_map(|(name, value)| Some((name.clone(), value.to_str().ok()?.to_owned())))
            .collect();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/json")
            .to_owned();
        let body = response
            .into_body()
            .try_into_bytes()
            .map(|b| b.to_vec())
            .unwrap_or_default();
        Answer::Http {
            status,
            content_type,
            headers,
            body,
        }
    }
}

/// What a protocol decided: the answer, when to send it, and the member asked about.
#[derive(Debug)]
pub struct Decision {
    /// The answer.
    pub answer: Answer,
    /// The wait before it.
    pub delay: Duration,
    /// The subscriber's member ID, when the inquiry could be read.
    pub member: Option<String>,
    /// Whether to pad the answer past the size limit (the `oversize` fault).
    pub oversize: bool,
}

impl Decision {
    /// An answer after `delay`.
    pub fn after(delay: Duration, answer: Answer) -> Decision {
        Decision {
            answer,
            delay,
            member: None,
            oversize: false,
        }
    }
}

/// The connection's socket, kept so that a handler can reset it.
struct ConnSocket(socket2::Socket);

/// The bound server.
pub struct SandboxServer {
    local_addr: SocketAddr,
    server: Server,
}

impl SandboxServer {
    /// Builds the server on a bound listener.
    pub fn build(settings: ServerSettings, listener: TcpListener) -> anyhow::Result<SandboxServer> {
        let local_addr = listener
            .local_addr()
            .context("the listener has no local address")?;
        let state = web::Data::new(State::new(settings));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(settings::MAX_REQUEST_BYTES))
                .configure(routes)
        })
        .on_connect(|connection, extensions| {
            if let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
                if let Ok(socket) = socket2::SockRef::from(stream).try_clone() {
                    extensions.insert(ConnSocket(socket));
                }
            }
        })
        .shutdown_timeout(1)
        .listen(listener)
        .with_context(|| format!("could not serve on {local_addr}"))?
        .run();
        Ok(SandboxServer { local_addr, server })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until stopped.
    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/core/soap", web::post().to(soap::handle))
        .route("/core/mime", web::post().to(mime::handle))
        .route("/x12", web::post().to(x12_http::handle))
        .route("/oauth/token", web::post().to(chc_json::token))
        .route("/eligibility", web::post().to(chc_json::eligibility))
        .route(
            "/change/medicalnetwork/eligibility/v3",
            web::post().to(chc_json::eligibility),
        )
        .route("/stats", web::get().to(stats_counts))
        .route("/stats/exchanges", web::get().to(stats_exchanges))
        .route("/stats/last-270s", web::get().to(stats_last_270s))
        .route(
            "/healthz",
            web::get().to(|| async { HttpResponse::Ok().body("ok") }),
        );
}

async fn stats_counts(state: web::Data<State>) -> HttpResponse {
    HttpResponse::Ok().json(state.stats.counts())
}

async fn stats_exchanges(state: web::Data<State>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "exchanges": state.stats.exchanges() }))
}

async fn stats_last_270s(state: web::Data<State>) -> HttpResponse {
    let inquiries: Vec<_> = state
        .stats
        .exchanges()
        .into_iter()
        .filter_map(|e| Some(serde_json::json!({ "protocol": e.protocol, "x12": e.x12? })))
        .collect();
    HttpResponse::Ok().json(serde_json::json!({ "inquiries": inquiries }))
}

/// The request's `Content-Type`, as text.
pub fn content_type(request: &HttpRequest) -> Option<String> {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Records the exchange, waits, and sends the answer (or resets the connection).
pub async fn finish(
    request: &HttpRequest,
    state: &State,
    mut exchange: Exchange,
    decision: Decision,
) -> HttpResponse {
    let Decision {
        answer,
        delay,
        member,
        oversize,
    } = decision;
    let answer = match answer {
        Answer::Http {
            status,
            content_type,
            headers,
            mut body,
        } => {
            if oversize && body.len() < state.settings.oversize_bytes {
                body.resize(state.settings.oversize_bytes, b' ');
            }
            exchange.answered(status.as_u16(), &content_type, &body);
            Answer::Http {
                status,
                content_type,
                headers,
                body,
            }
        }
        other => other,
    };
    tracing::info!(
        protocol = exchange.protocol,
        scenario = exchange.scenario,
        fault = exchange.fault,
        refused = exchange.refused,
        status = exchange.status,
        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        "inquiry"
    );
    state.stats.record(exchange, member.as_deref());
    let socket = request
        .conn_data::<ConnSocket>()
        .map(|ConnSocket(socket)| socket);
    if client::wait_unless_closed(socket, delay).await {
        state.stats.aborted();
        return reset(request);
    }
    match answer {
        Answer::Http {
            status,
            content_type,
            headers,
            body,
        } => {
            let mut response = HttpResponse::build(status);
            response.insert_header((CONTENT_TYPE, content_type));
            for (name, value) in headers {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    response.insert_header((name, value));
                }
            }
            response.body(body)
        }
        Answer::Reset => reset(request),
        Answer::Hold(hold) => {
            if client::wait_unless_closed(socket, hold).await {
                state.stats.aborted();
            }
            reset(request)
        }
    }
}

/// Resets the request's connection: linger 0 and both directions shut, so the client sees the connection
/// drop with no answer. The response returned cannot be delivered.
fn reset(request: &HttpRequest) -> HttpResponse {
    if let Some(ConnSocket(socket)) = request.conn_data::<ConnSocket>() {
        let _ = socket.set_linger(Some(Duration::ZERO));
        let _ = socket.shutdown(std::net::Shutdown::Both);
    }
    HttpResponse::build(StatusCode::INTERNAL_SERVER_ERROR)
        .insert_header((CONTENT_TYPE, "text/plain"))
        .body("connection reset")
}

#[cfg(test)]
mod tests;
