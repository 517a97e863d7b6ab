//! [`CoreAdapter`]: a payer reached by CAQH CORE connectivity, in the SOAP or the MIME envelope. The only
//! I/O of the crate: it encodes the 270, wraps it, sends it through the payer's [`HttpClient`], and turns the
//! answer (fault, `ErrorCode`, 271, 999, TA1) into a reply or an adapter error.
use async_trait::async_trait;
use chrono::Utc;
use payer_core::{AdapterError, EligibilityRequest, PayerAdapter, PayerReply};
use payer_transport::settings::process_env;
use payer_transport::{
    decode_reply, encode_inquiry, parse_url, secret_from_env, status_error, ConfigError,
    ControlNumbers, HttpClient, HttpReply, InterchangeSettings,
};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::Url;

use crate::config::CoreConfig;
use crate::envelope::{timestamp, CoreRequest, CoreResponse, Credentials};
use crate::{mime, soap};

/// Which CORE envelope a payer speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoreEnvelope {
    /// `x12-core-soap`: SOAP 1.2 with a WS-Security UsernameToken.
    Soap,
    /// `x12-core-mime`: HTTP MIME multipart form data with `UserName`/`Password` parts.
    Mime,
}

/// A payer adapter for `x12-core-soap` and `x12-core-mime`.
#[derive(Debug)]
pub struct CoreAdapter {
    payer_id: String,
    envelope: CoreEnvelope,
    url: Url,
    sender_id: String,
    receiver_id: String,
    credentials: Credentials,
    interchange: InterchangeSettings,
    http: HttpClient,
    control: ControlNumbers,
}

impl CoreAdapter {
    /// Builds the adapter for payer `payer_id`, reading the password from the environment variable the
    /// configuration names. Fails (naming the setting or variable) when the configuration cannot work.
    pub fn new(
        payer_id: impl Into<String>,
        config: &CoreConfig,
        envelope: CoreEnvelope,
    ) -> Result<Self, ConfigError> {
        Self::with_env(payer_id, config, envelope, &process_env)
    }

    /// [`CoreAdapter::new`] with the environment looked up through `env` (tests, or a secrets layer).
    pub fn with_env(
        payer_id: impl Into<String>,
        config: &CoreConfig,
        envelope: CoreEnvelope,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let payer_id = payer_id.into();
        config.validate()?;
        let url = parse_url("url", &config.url)?;
        let password = secret_from_env(
            &config.password_env,
            &format!("CORE password of payer {payer_id}"),
            env,
        )?;
        let http = HttpClient::new(config.http_settings()?)?;
        Ok(CoreAdapter {
            envelope,
            url,
            sender_id: config.sender_id.trim().to_owned(),
            receiver_id: config.receiver_id.trim().to_owned(),
            credentials: Credentials {
                username: config.username.trim().to_owned(),
                password,
            },
            interchange: InterchangeSettings {
                sender_qualifier: config.sender_qualifier.clone(),
                sender_id: config.sender_id.trim().to_owned(),
                receiver_qualifier: config.receiver_qualifier.clone(),
                receiver_id: config.receiver_id.trim().to_owned(),
                usage: config.usage.into(),
                payer_name: None,
            },
            http,
            control: ControlNumbers::new(),
            payer_id,
        })
    }

    /// Names the payer in the 270's 2100A NM103 (its id otherwise).
    pub fn with_payer_name(mut self, name: impl Into<String>) -> Self {
        self.interchange.payer_name = Some(name.into());
        self
    }

    /// The envelope this adapter speaks.
    pub fn envelope(&self) -> CoreEnvelope {
        self.envelope
    }

    /// Wraps the 270 and sends it; the answer's CORE envelope, or the error the exchange ended in.
    async fn exchange(&self, core: &CoreRequest) -> Result<CoreResponse, AdapterError> {
        let internal = |e: crate::EnvelopeError| {
            AdapterError::Internal(format!("the CORE envelope could not be built: {e}"))
        };
        let request = self.http.client().post(self.url.clone());
        let request = match self.envelope {
            CoreEnvelope::Soap => {
                let xml = soap::build_request(core, Some(&self.credentials)).map_err(internal)?;
                request
                    .header(CONTENT_TYPE, soap::SOAP_CONTENT_TYPE)
                    .header(ACCEPT, "application/soap+xml")
                    .body(xml)
            }
            CoreEnvelope::Mime => {
                let form = mime::build_request(core, Some(&self.credentials)).map_err(internal)?;
                request
                    .header(CONTENT_TYPE, form.content_type)
                    .body(form.body)
            }
        };
        let reply = self.http.send(request).await?;
        if matches!(reply.status, 401 | 403) {
            return Err(
                status_error(reply.status).unwrap_or(AdapterError::HttpStatus {
                    status: reply.status,
                }),
            );
        }
        match self.envelope {
            CoreEnvelope::Soap => soap_answer(&reply),
            CoreEnvelope::Mime => mime_answer(&reply),
        }
    }
}

/// A SOAP answer: a fault is an `Envelope` error whatever the status; an unreadable body is the status's
/// error, or `Malformed` (raw kept) under a 2xx.
fn soap_answer(reply: &HttpReply) -> Result<CoreResponse, AdapterError> {
    match soap::parse_response(&reply.body) {
        Ok(soap::SoapResponse::Fault(fault)) => Err(fault.adapter_error()),
        Ok(soap::SoapResponse::Envelope(response))
            if reply.is_success() || !response.is_success() =>
        {
            Ok(response)
        }
        Ok(soap::SoapResponse::Envelope(_)) => Err(unusable_status(reply.status)),
        Err(_) if !reply.is_success() => Err(unusable_status(reply.status)),
        Err(error) => Err(AdapterError::Malformed {
            detail: format!("the SOAP answer is unusable: {error}"),
            raw: Some(reply.body_text()),
        }),
    }
}

/// A MIME answer: the form's `ErrorCode` whatever the status; an unreadable body is the status's error, or
/// `Malformed` (raw kept) under a 2xx.
fn mime_answer(reply: &HttpReply) -> Result<CoreResponse, AdapterError> {
    let content_type = reply.content_type.as_deref().unwrap_or_default();
    match mime::parse_response(content_type, &reply.body) {
        Ok(response) if reply.is_success() || !response.is_success() => Ok(response),
        Ok(_) => Err(unusable_status(reply.status)),
        Err(_) if !reply.is_success() => Err(unusable_status(reply.status)),
        Err(error) => Err(AdapterError::Malformed {
            detail: format!("the MIME answer is unusable: {error}"),
            raw: Some(reply.body_text()),
        }),
    }
}

fn unusable_status(status: u16) -> AdapterError {
    status_error(status).unwrap_or(AdapterError::HttpStatus { status })
}

#[async_trait]
impl PayerAdapter for CoreAdapter {
    fn payer_id(&self) -> &str {
        &self.payer_id
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        let now = Utc::now();
        let outgoing = encode_inquiry(
            request,
            &self.interchange,
            self.control.next(),
            now.naive_utc(),
        )?;
        let payload_id = uuid::Uuid::new_v4().to_string();
        let mut exchange = outgoing.exchange;
        exchange.payload_id = Some(payload_id.clone());
        let core = CoreRequest::real_time_270(
            payload_id,
            timestamp(now),
            self.sender_id.clone(),
            self.receiver_id.clone(),
            outgoing.x12,
        );
        let response = self.exchange(&core).await?;
        if let Some(error) = response.adapter_error() {
            return Err(error);
        }
        let Some(payload) = response.payload else {
            return Err(AdapterError::Malformed {
                detail: "the CORE envelope reports Success but carries no payload".to_owned(),
                raw: None,
            });
        };
        decode_reply(payload.as_bytes(), exchange, &request.control_number)
    }
}
