//! [`PayerAdapter`]: the one trait every payer transport implements.
//!
//! An adapter translates and transports, nothing more: it turns an [`EligibilityRequest`] into the payer's wire
//! format, sends it, and turns the answer into an [`EligibilityResponse`]. Caching, rate limiting, retries, circuit
//! breaking and metrics are wrappers in the gateway that implement this same trait around an adapter, so no
//! adapter can skip them and none repeats them. The trait is object safe (`async_trait`) because the router holds
//! `Arc<dyn PayerAdapter>`; a `tower::Service` would have worked too, at the cost of `poll_ready` plumbing
//! that per-payer limits make no use of.
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::AdapterError;
use crate::request::EligibilityRequest;
use crate::response::EligibilityResponse;

/// A payer transport.
#[async_trait]
pub trait PayerAdapter: Send + Sync + 'static {
    /// The payer id this adapter serves.
    fn payer_id(&self) -> &str;

    /// Sends one inquiry and returns the payer's normalized answer.
    ///
    /// A 271 that carries AAA rejections is an `Ok` reply whose `coverage.status` is `rejected`: the payer
    /// answered. Transport failures, 999/TA1 rejections and undecodable payloads are errors.
    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError>;

    /// Checks that the payer can be reached, where the transport has a cheap way to tell.
    async fn health_check(&self) -> Result<(), AdapterError> {
        Ok(())
    }
}

/// A shared adapter is an adapter: wrappers can be composed over `Arc<dyn PayerAdapter>` as over a transport.
#[async_trait]
impl<T: PayerAdapter + ?Sized> PayerAdapter for std::sync::Arc<T> {
    fn payer_id(&self) -> &str {
        (**self).payer_id()
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        (**self).check(request).await
    }

    async fn health_check(&self) -> Result<(), AdapterError> {
        (**self).health_check().await
    }
}

/// A payer's answer and what identifies the exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct PayerReply {
    /// The normalized answer.
    pub response: EligibilityResponse,
    /// Control numbers and the raw payload.
    pub exchange: ExchangeInfo,
}

/// What identifies one exchange with a payer, for `meta`, the trace and the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExchangeInfo {
    /// ISA13 of the 270 sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interchange_control_number: Option<String>,
    /// GS06 of the 270 sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_control_number: Option<String>,
    /// ST02 of the 270 sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_set_control_number: Option<String>,
    /// The CAQH CORE envelope's PayloadID, for the CORE transports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_id: Option<String>,
    /// The payer's raw answer (271 text or JSON), returned to clients that ask for it. Contains PHI.
    #[serde(skip)]
    pub raw: Option<String>,
}
