//! Logs: the `tracing` subscriber (JSON lines or pretty, to stderr), and the per-request trace id.
//!
//! Every request gets a trace id (the client's `X-Trace-Id` when it is a safe token, else a fresh UUID). It
//! is the `trace_id` field of the request's span, so every line logged while handling the request carries
//! it; it is returned in the `X-Trace-Id` header and in `meta.traceId`.
//!
//! **Invariant:** nothing here logs a request body, a query string or a header value other than the trace
//! id: member data never reaches the log. Member values are `payer_core::Phi`, which prints `[redacted]`.
//! Logs go to stderr so that stdout stays for the CLI's output and the `listening on` line.
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::HttpMessage;
use anyhow::Context;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// The header that carries the trace id, in and out.
pub const TRACE_ID_HEADER: &str = "x-trace-id";

/// Installs the global subscriber. `RUST_LOG`, when set, overrides `level` (a `tracing` filter such as
/// `info` or `info,gateway::router=debug`).
pub fn init(level: &str, format: LogFormat) -> anyhow::Result<()> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.trim().is_empty() => {
            EnvFilter::try_new(directives).context("RUST_LOG is not a valid log filter")?
        }
        _ => EnvFilter::try_new(level).context("log.level is not a valid log filter")?,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            // Every enclosing span's fields, so a line logged deep in a payer call (inside a transport's own
            // span) still carries the check's `trace_id`.
            .with_span_list(true)
            .try_init(),
        LogFormat::Pretty => builder.with_ansi(false).try_init(),
    };
    installed.map_err(|error| anyhow::anyhow!("could not install the log subscriber: {error}"))
}

/// The trace id of the request being handled, stored in the request's extensions by [`trace_requests`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceId(pub String);

impl TraceId {
    /// A fresh trace id.
    pub fn generate() -> TraceId {
        TraceId(uuid::Uuid::new_v4().simple().to_string())
    }

    /// A client's trace id when it is a safe token (1 to 64 ASCII letters, digits, `-` or `_`), so that it
    /// can be logged and echoed without risk; otherwise `None`.
    pub fn from_client(value: &HeaderValue) -> Option<TraceId> {
        let text = value.to_str().ok()?;
        let safe = (1..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        safe.then(|| TraceId(text.to_owned()))
    }
}

/// Middleware (`actix_web::middleware::from_fn`): assigns the trace id, runs the request inside a span that
/// carries it, sets the `X-Trace-Id` response header, and logs one line per request (method, route pattern,
/// status, duration; never the path's parameters, the query or the body).
pub async fn trace_requests(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let trace_id = request
        .headers()
        .get(TRACE_ID_HEADER)
        .and_then(TraceId::from_client)
        .unwrap_or_else(TraceId::generate);
    let method = request.method().to_string();
    let route = request
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    request.extensions_mut().insert(trace_id.clone());

    let span = tracing::info_span!("request", trace_id = %trace_id.0, %method, %route);
    let mut response = next.call(request).instrument(span.clone()).await?;

    if let Ok(value) = HeaderValue::from_str(&trace_id.0) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(TRACE_ID_HEADER), value);
    }
    let status = response.status().as_u16();
    let elapsed_ms = started.elapsed().as_millis() as u64;
    span.in_scope(|| tracing::info!(status, elapsed_ms, "request handled"));
    Ok(response)
}
