//! `chc-json`: relays the inquiry to a server that speaks the "medical network eligibility v3" JSON API
//! itself, authenticating with OAuth2 client credentials.
//!
//! 1. A token from [`oauth`] (cached until shortly before it expires).
//! 2. The inquiry in the v3 request shape ([`request`]), POSTed as JSON with the bearer token.
//! 3. A 401 drops the token, fetches a new one and sends once more; a second 401 is refused credentials.
//! 4. The answer or its error body becomes a reply or an adapter error ([`response`]).
mod config;
pub mod oauth;
mod request;
mod response;

use async_trait::async_trait;
use payer_core::{AdapterError, EligibilityRequest, PayerAdapter, PayerReply};
use payer_transport::settings::process_env;
use payer_transport::{parse_url, secret_from_env, ConfigError, HttpClient, HttpReply};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};

pub use config::ChcJsonConfig;
use oauth::TokenSource;

/// A payer adapter for `chc-json`.
#[derive(Debug)]
pub struct ChcJsonAdapter {
    payer_id: String,
    url: Url,
    trading_partner_service_id: Option<String>,
    tokens: TokenSource,
    http: HttpClient,
}

impl ChcJsonAdapter {
    /// Builds the adapter for payer `payer_id`, reading the client secret from the environment variable the
    /// configuration names. Fails, naming the setting or variable, when the configuration cannot work.
    pub fn new(payer_id: impl Into<String>, config: &ChcJsonConfig) -> Result<Self, ConfigError> {
        Self::with_env(payer_id, config, &process_env)
    }

    /// [`ChcJsonAdapter::new`] with the environment looked up through `env`.
    pub fn with_env(
        payer_id: impl Into<String>,
        config: &ChcJsonConfig,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let payer_id = payer_id.into();
        let url = parse_url("url", &config.url)?;
        let token_url = parse_url("token_url", &config.token_url)?;
        if config.client_id.trim().is_empty() {
            return Err(ConfigError::invalid("client_id", "is required"));
        }
        let secret = secret_from_env(
            &config.client_secret_env,
            &format!("OAuth2 client secret of payer {payer_id}"),
            env,
        )
        .map_err(|e| match e {
            ConfigError::Invalid { message, .. } => {
                ConfigError::invalid("client_secret_env", message)
            }
            other => other,
        })?;
        let scope = config.scope.clone().filter(|s| !s.trim().is_empty());
        Ok(ChcJsonAdapter {
            url,
            trading_partner_service_id: config
                .trading_partner_service_id
                .clone()
                .filter(|s| !s.trim().is_empty()),
            tokens: TokenSource::new(token_url, config.client_id.trim().to_owned(), secret, scope),
            http: HttpClient::new(config.http_settings()?)?,
            payer_id,
        })
    }

    async fn post(&self, body: &[u8], token: &SecretString) -> Result<HttpReply, AdapterError> {
        let request = self
            .http
            .client()
            .post(self.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .bearer_auth(token.expose_secret())
            .body(body.to_vec());
        self.http.send(request).await
    }
}

#[async_trait]
impl PayerAdapter for ChcJsonAdapter {
    fn payer_id(&self) -> &str {
        &self.payer_id
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        let partner = self
            .trading_partner_service_id
            .as_deref()
            .unwrap_or(&request.payer_id);
        let body = serde_json::to_vec(&request::v3_request(request, partner)).map_err(|e| {
            AdapterError::Internal(format!("the v3 request could not be serialized: {e}"))
        })?;
        let token = self.tokens.token(&self.http).await?;
        let mut reply = self.post(&body, &token).await?;
        if reply.status == 401 {
            let fresh = self.tokens.refresh(&self.http, &token).await?;
            reply = self.post(&body, &fresh).await?;
            if reply.status == 401 {
                return Err(AdapterError::Credentials(
                    "the payer refused a freshly issued access token (HTTP 401)".to_owned(),
                ));
            }
        }
        let (mut response, mut exchange) = response::interpret(reply.status, &reply.body)?;
        if response.control_number.is_empty() {
            response.control_number = request.control_number.clone();
        }
        exchange.raw = Some(reply.body_text());
        Ok(PayerReply { response, exchange })
    }
}
