//! [`HttpClient`]: the one pooled HTTP client of one payer, and how HTTP failures become adapter errors.
//!
//! Every transport sends through [`HttpClient::send`], which gives the same behaviour everywhere:
//! rustls with the web roots (plus a payer's own CA bundle and client certificate when configured), a connect
//! timeout and a whole-exchange timeout, no redirects (a payer endpoint that redirects is misconfigured, and
//! following it would send member data somewhere not configured), and an answer read in chunks that stops at
//! the size limit. Failures map onto [`AdapterError`]: connect errors to `Connect`, timeouts to `Timeout`;
//! [`status_error`] maps 401/403 to `Credentials` and other non-2xx statuses to `HttpStatus`.
use std::error::Error as StdError;
use std::path::Path;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use payer_core::AdapterError;
use reqwest::header::CONTENT_TYPE;
use reqwest::{Certificate, Identity, RequestBuilder};

use crate::error::ConfigError;
use crate::settings::HttpSettings;

/// How long an idle pooled connection is kept open, in seconds.
const POOL_IDLE_TIMEOUT_SECS: u64 = 90;
/// The largest buffer reserved up front for an answer, in bytes (bodies grow past it as they arrive).
const INITIAL_BODY_CAPACITY: usize = 64 * 1024;
/// The longest envelope message (SOAP fault reason, CORE `ErrorMessage`, JSON error) kept, in characters.
pub const MAX_MESSAGE_CHARS: usize = 300;
/// The `User-Agent` sent to payers.
const USER_AGENT: &str = concat!("eligibility-gateway/", env!("CARGO_PKG_VERSION"));

/// One payer's HTTP client: a pooled `reqwest::Client` and the limits it enforces.
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    settings: HttpSettings,
}

/// An answer as received: status, content type and the whole body (at most the size limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpReply {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, when present and readable.
    pub content_type: Option<String>,
    /// The body.
    pub body: Bytes,
}

impl HttpReply {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as text (invalid UTF-8 replaced), to keep as the raw answer of an error.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl HttpClient {
    /// Builds the client: reads the mutual TLS files named in `settings` now, so that a missing or broken file
    /// stops the gateway at startup rather than failing every request.
    pub fn new(settings: HttpSettings) -> Result<Self, ConfigError> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .pool_idle_timeout(Duration::from_secs(POOL_IDLE_TIMEOUT_SECS))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT);
        if let (Some(cert), Some(key)) = (&settings.client_cert_pem, &settings.client_key_pem) {
            let mut pem = read_file("client_cert_pem", cert)?;
            pem.push(b'\n');
            pem.extend(read_file("client_key_pem", key)?);
            let identity = Identity::from_pem(&pem).map_err(|e| {
                ConfigError::invalid(
                    "client_cert_pem",
                    format!(
                        "the certificate and key do not form a client identity: {}",
                        chain(&e)
                    ),
                )
            })?;
            builder = builder.identity(identity);
        }
        if let Some(bundle) = &settings.ca_bundle_pem {
            let pem = read_file("ca_bundle_pem", bundle)?;
            let certs = Certificate::from_pem_bundle(&pem).map_err(|e| {
                ConfigError::invalid(
                    "ca_bundle_pem",
                    format!("is not a PEM bundle: {}", chain(&e)),
                )
            })?;
            if certs.is_empty() {
                return Err(ConfigError::invalid(
                    "ca_bundle_pem",
                    "holds no certificate",
                ));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| ConfigError::Client(chain(&e)))?;
        Ok(HttpClient { client, settings })
    }

    /// The underlying client, to start requests (`client().post(url)`).
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The settings the client enforces.
    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// Sends `request` and reads the answer, whatever its status, up to the size limit.
    pub async fn send(&self, request: RequestBuilder) -> Result<HttpReply, AdapterError> {
        let mut response = request.send().await.map_err(|e| self.transport_error(e))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let limit = self.settings.max_response_bytes;
        let announced = response.content_length();
        if announced.is_some_and(|len| len > limit as u64) {
            return Err(too_large(limit));
        }
        let capacity = announced
            .and_then(|len| usize::try_from(len).ok())
            .unwrap_or(0)
            .min(INITIAL_BODY_CAPACITY);
        let mut body = BytesMut::with_capacity(capacity);
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(e))?
        {
            if body.len().saturating_add(chunk.len()) > limit {
                return Err(too_large(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpReply {
            status,
            content_type,
            body: body.freeze(),
        })
    }

    /// Maps a `reqwest` failure: timeouts (of the connection or the exchange), connection failures, and a
    /// connection that broke while the answer was being read.
    pub fn transport_error(&self, error: reqwest::Error) -> AdapterError {
        let error = error.without_url();
        if error.is_timeout() {
            if error.is_connect() {
                AdapterError::Connect(format!(
                    "no connection within {} ms",
                    self.settings.connect_timeout.as_millis()
                ))
            } else {
                AdapterError::Timeout(self.settings.request_timeout)
            }
        } else if error.is_builder() {
            AdapterError::Internal(format!("the request could not be built: {}", chain(&error)))
        } else {
            AdapterError::Connect(chain(&error))
        }
    }
}

/// The error for an answer over the size limit.
fn too_large(limit: usize) -> AdapterError {
    AdapterError::Malformed {
        detail: format!("response over {limit} bytes"),
        raw: None,
    }
}

/// The error a non-2xx status means when the body holds nothing more telling: 401 and 403 are refused
/// credentials, anything else is `HttpStatus` (retryable for 5xx, 429 and 408). `None` for 2xx.
pub fn status_error(status: u16) -> Option<AdapterError> {
    match status {
        200..=299 => None,
        401 | 403 => Some(AdapterError::Credentials(format!(
            "the payer refused the gateway's credentials (HTTP {status})"
        ))),
        _ => Some(AdapterError::HttpStatus { status }),
    }
}

/// A counterpart's message made safe to carry in an error: control characters become spaces, and it is cut
/// at [`MAX_MESSAGE_CHARS`] characters.
pub fn sanitize_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE_CHARS));
    for (count, c) in message.trim().chars().enumerate() {
        if count == MAX_MESSAGE_CHARS {
            out.push_str("...");
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// An error and its innermost cause, `error sending request: Connection refused (os error 111)`.
fn chain(error: &(dyn StdError + 'static)) -> String {
    let top = error.to_string();
    let mut innermost: Option<&(dyn StdError + 'static)> = None;
    let mut source = error.source();
    while let Some(cause) = source {
        innermost = Some(cause);
        source = cause.source();
    }
    match innermost.map(ToString::to_string) {
        Some(cause) if cause != top => format!("{top}: {cause}"),
        _ => top,
    }
}

fn read_file(field: &str, path: &Path) -> Result<Vec<u8>, ConfigError> {
    std::fs::read(path).map_err(|source| ConfigError::ReadFile {
        field: field.to_owned(),
        path: path.to_owned(),
        source,
    })
}
