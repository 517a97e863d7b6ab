//! `x12-http`: the raw 270 as the request body, the raw 271 (or 999/TA1) as the answer, over HTTP(S).
//!
//! A 2xx answer is decoded as X12 (AAA → an answer with rejected coverage, 999/TA1 → `Rejected`, anything
//! else → `Malformed` with the raw kept). 401/403 are refused credentials. Another status is `HttpStatus`,
//! unless its body is a 999 or TA1 rejection, which some endpoints send with a 400.
mod config;

use async_trait::async_trait;
use chrono::Utc;
use payer_core::{AdapterError, EligibilityRequest, PayerAdapter, PayerReply};
use payer_transport::settings::process_env;
use payer_transport::{
    decode_reply, encode_inquiry, parse_url, secret_from_env, status_error, ConfigError,
    ControlNumbers, HttpClient, InterchangeSettings,
};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};

pub use config::X12HttpConfig;

/// The content type of a raw X12 body.
pub const X12_CONTENT_TYPE: &str = "application/edi-x12";

/// A payer adapter for `x12-http`.
#[derive(Debug)]
pub struct X12HttpAdapter {
    payer_id: String,
    url: Url,
    basic_auth: Option<(String, SecretString)>,
    interchange: InterchangeSettings,
    http: HttpClient,
    control: ControlNumbers,
}

impl X12HttpAdapter {
    /// Builds the adapter for payer `payer_id`, reading the Basic password (if configured) from the
    /// environment. Fails, naming the setting or variable, when the configuration cannot work.
    pub fn new(payer_id: impl Into<String>, config: &X12HttpConfig) -> Result<Self, ConfigError> {
        Self::with_env(payer_id, config, &process_env)
    }

    /// [`X12HttpAdapter::new`] with the environment looked up through `env`.
    pub fn with_env(
        payer_id: impl Into<String>,
        config: &X12HttpConfig,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let payer_id = payer_id.into();
        config.validate()?;
        let url = parse_url("url", &config.url)?;
        let basic_auth = match (&config.username, &config.password_env) {
            (Some(user), Some(var)) => Some((
                user.trim().to_owned(),
                secret_from_env(var, &format!("HTTP password of payer {payer_id}"), env)?,
            )),
            _ => None,
        };
        Ok(X12HttpAdapter {
            url,
            basic_auth,
            interchange: InterchangeSettings {
                sender_qualifier: config.sender_qualifier.clone(),
                sender_id: config.sender_id.trim().to_owned(),
                receiver_qualifier: config.receiver_qualifier.clone(),
                receiver_id: config.receiver_id.trim().to_owned(),
                usage: config.usage.into(),
                payer_name: None,
            },
            http: HttpClient::new(config.http_settings()?)?,
            control: ControlNumbers::new(),
            payer_id,
        })
    }

    /// Names the payer in the 270's 2100A NM103 (its id otherwise).
    pub fn with_payer_name(mut self, name: impl Into<String>) -> Self {
        self.interchange.payer_name = Some(name.into());
        self
    }
}

#[async_trait]
impl PayerAdapter for X12HttpAdapter {
    fn payer_id(&self) -> &str {
        &self.payer_id
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        let now = Utc::now().naive_utc();
        let outgoing = encode_inquiry(request, &self.interchange, self.control.next(), now)?;
        let mut http_request = self
            .http
            .client()
            .post(self.url.clone())
            .header(CONTENT_TYPE, X12_CONTENT_TYPE)
            .header(ACCEPT, format!("{X12_CONTENT_TYPE}, text/plain;q=0.5"))
            .body(outgoing.x12);
        if let Some((user, password)) = &self.basic_auth {
            http_request = http_request.basic_auth(user, Some(password.expose_secret()));
        }
        let reply = self.http.send(http_request).await?;
        if reply.is_success() {
            if reply.body.iter().all(u8::is_ascii_whitespace) {
                return Err(AdapterError::Malformed {
                    detail: "the payer answered with an empty body".to_owned(),
                    raw: None,
                });
            }
            return decode_reply(&reply.body, outgoing.exchange, &request.control_number);
        }
        let error = status_error(reply.status).unwrap_or(AdapterError::HttpStatus {
            status: reply.status,
        });
        if matches!(error, AdapterError::Credentials(_)) {
            return Err(error);
        }
        match decode_reply(&reply.body, outgoing.exchange, &request.control_number) {
            Err(rejected @ AdapterError::Rejected { .. }) => Err(rejected),
            _ => Err(error),
        }
    }
}
