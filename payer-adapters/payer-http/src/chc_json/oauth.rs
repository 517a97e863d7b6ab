//! OAuth2 client credentials for `chc-json`: a token fetched from the configured token endpoint, cached until
//! it expires (less a margin), and refreshed once when the API refuses it.
//!
//! One fetch at a time per payer: callers wait on an async mutex while a token is fetched instead of each
//! asking for their own. The token never appears in errors; the token endpoint's answer is not kept.
use std::time::{Duration, Instant};

use futures_util::lock::Mutex;
use payer_core::AdapterError;
use payer_transport::{sanitize_message, status_error, HttpClient};
use reqwest::header::ACCEPT;
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// How long before its announced expiry a token stops being used, in seconds.
pub const TOKEN_EXPIRY_MARGIN_SECS: u64 = 60;
/// The lifetime assumed for a token whose answer has no `expires_in`, in seconds.
pub const DEFAULT_TOKEN_LIFETIME_SECS: u64 = 300;

/// Where tokens come from, and the current one.
#[derive(Debug)]
pub(crate) struct TokenSource {
    url: Url,
    client_id: String,
    client_secret: SecretString,
    scope: Option<String>,
    cache: Mutex<Option<CachedToken>>,
}

#[derive(Debug)]
struct CachedToken {
    token: SecretString,
    valid_until: Instant,
}

/// The token endpoint's answer (RFC 6749 section 5.1); some servers send `expires_in` as a string.
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<ExpiresIn>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ExpiresIn {
    Number(u64),
    Text(String),
}

/// The token endpoint's error answer (RFC 6749 section 5.2).
#[derive(Deserialize)]
struct TokenError {
    error: String,
}

impl TokenSource {
    pub(crate) fn new(
        url: Url,
        client_id: String,
        client_secret: SecretString,
        scope: Option<String>,
    ) -> Self {
        TokenSource {
            url,
            client_id,
            client_secret,
            scope,
            cache: Mutex::new(None),
        }
    }

    /// The cached token while it is valid, else a fresh one.
    pub(crate) async fn token(&self, http: &HttpClient) -> Result<SecretString, AdapterError> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref().filter(|c| Instant::now() < c.valid_until) {
            return Ok(cached.token.clone());
        }
        self.fetch_into(http, &mut cache).await
    }

    /// A token other than `refused`: the one another call has fetched meanwhile, or a fresh one.
    pub(crate) async fn refresh(
        &self,
        http: &HttpClient,
        refused: &SecretString,
    ) -> Result<SecretString, AdapterError> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref().filter(|c| {
            Instant::now() < c.valid_until && c.token.expose_secret() != refused.expose_secret()
        }) {
            return Ok(cached.token.clone());
        }
        self.fetch_into(http, &mut cache).await
    }

    async fn fetch_into(
        &self,
        http: &HttpClient,
        cache: &mut Option<CachedToken>,
    ) -> Result<SecretString, AdapterError> {
        *cache = None;
        let (token, lifetime) = self.fetch(http).await?;
        if !lifetime.is_zero() {
            *cache = Some(CachedToken {
                token: token.clone(),
                valid_until: Instant::now() + lifetime,
            });
        }
        Ok(token)
    }

    /// Asks the token endpoint; the token and how long it may be used (zero: this call only).
    async fn fetch(&self, http: &HttpClient) -> Result<(SecretString, Duration), AdapterError> {
        let mut form = vec![
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
        ];
        if let Some(scope) = &self.scope {
            form.push(("scope", scope.as_str()));
        }
        let request = http
            .client()
            .post(self.url.clone())
            .header(ACCEPT, "application/json")
            .form(&form);
        let reply = http.send(request).await?;
        if !reply.is_success() {
            return Err(match reply.status {
                400 | 401 | 403 => {
                    let reason = serde_json::from_slice::<TokenError>(&reply.body)
                        .map(|e| format!(": {}", sanitize_message(&e.error)))
                        .unwrap_or_default();
                    AdapterError::Credentials(format!(
                        "the token endpoint refused the client credentials (HTTP {}{reason})",
                        reply.status
                    ))
                }
                status => status_error(status).unwrap_or(AdapterError::HttpStatus { status }),
            });
        }
        let not_a_token = |detail: &str| AdapterError::Malformed {
            detail: format!("the token endpoint's answer {detail}"),
            raw: None,
        };
        let answer: TokenAnswer =
            serde_json::from_slice(&reply.body).map_err(|_| not_a_token("is not a token"))?;
        if answer.access_token.trim().is_empty() {
            return Err(not_a_token("has an empty access_token"));
        }
        if answer
            .token_type
            .as_deref()
            .is_some_and(|t| !t.eq_ignore_ascii_case("bearer"))
        {
            return Err(not_a_token("is not a bearer token"));
        }
        let expires_in = match answer.expires_in {
            Some(ExpiresIn::Number(secs)) => secs,
            Some(ExpiresIn::Text(text)) => text
                .trim()
                .parse()
                .map_err(|_| not_a_token("has an unreadable expires_in"))?,
            None => DEFAULT_TOKEN_LIFETIME_SECS,
        };
        let lifetime = Duration::from_secs(expires_in.saturating_sub(TOKEN_EXPIRY_MARGIN_SECS));
        Ok((SecretString::from(answer.access_token), lifetime))
    }
}
