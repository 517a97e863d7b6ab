//! [`SandboxAdapter`]: the `sandbox` transport. The gateway's side of an exchange with the in-process
//! [`SandboxPayer`], done exactly as with a real payer: the inquiry is encoded as a 270, the payer answers with
//! bytes after its latency, and those bytes are decoded by the codec into the normalized answer or an error.
//!
//! Nothing is shared between the two sides but bytes, so every scenario exercises the real 270 encoder and the
//! real 271/999 decoder. The adapter only translates and transports: caching, rate limiting, retries and
//! deadlines wrap it in the gateway. The wait is a `tokio::time::sleep`, so a caller's deadline (or dropping
//! the future) cancels a slow or silent payer at once.
use std::sync::atomic::AtomicU32;

use async_trait::async_trait;
use chrono::Utc;
use payer_core::{AdapterError, EligibilityRequest, ExchangeInfo, PayerAdapter, PayerReply};
use payer_x12::envelope::InterchangeHeader;
use payer_x12::inquiry::encode_270_with_payer_name;
use payer_x12::{decode, Reply, X12Error, X12ErrorKind};

use crate::config::SandboxConfig;
use crate::payer::{next_control, random_control_seed, AnswerBody, CallCounts, SandboxPayer};

/// ISA06/GS02 of the 270s the gateway sends.
pub const GATEWAY_SENDER_ID: &str = "ELIGGATEWAY";
/// ISA08/GS03 when the payer id does not fit the 15-character ISA field.
pub const DEFAULT_RECEIVER_ID: &str = "SANDBOX";

/// The `sandbox` transport: one simulated payer, in process.
#[derive(Debug)]
pub struct SandboxAdapter {
    payer_id: String,
    payer: SandboxPayer,
    /// The next ISA13/GS06/ST02 of the 270s sent; starts at a random value.
    next_control: AtomicU32,
}

impl SandboxAdapter {
    /// An adapter for `payer_id` backed by a sandbox payer with `config` (validate it first with
    /// [`SandboxConfig::validate`]).
    pub fn new(payer_id: String, config: SandboxConfig) -> Self {
        SandboxAdapter {
            payer: SandboxPayer::new(payer_id.clone(), config),
            payer_id,
            next_control: AtomicU32::new(random_control_seed()),
        }
    }

    /// How many inquiries reached the payer, per scenario.
    pub fn calls(&self) -> CallCounts {
        self.payer.calls()
    }

    /// The simulated payer behind this adapter.
    pub fn payer(&self) -> &SandboxPayer {
        &self.payer
    }

    /// The settings it runs with.
    pub fn config(&self) -> &SandboxConfig {
        self.payer.config()
    }

    fn header(&self) -> InterchangeHeader {
        let control = next_control(&self.next_control);
        // ISA08 is the payer's trading partner id: its own id when that fits the 15-character field.
        let id = self.payer_id.trim();
        let fits = (1..=15).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
        let receiver = if fits { id } else { DEFAULT_RECEIVER_ID };
        InterchangeHeader::new(GATEWAY_SENDER_ID, receiver, control, Utc::now().naive_utc())
    }
}

#[async_trait]
impl PayerAdapter for SandboxAdapter {
    fn payer_id(&self) -> &str {
        &self.payer_id
    }

    async fn check(&self, request: &EligibilityRequest) -> Result<PayerReply, AdapterError> {
        let header = self.header();
        let inquiry =
            encode_270_with_payer_name(request, Some(&self.payer.config().payer_name), &header)
                .map_err(invalid_request)?;
        let mut exchange = ExchangeInfo {
            interchange_control_number: Some(format!("{:09}", header.interchange_control_number)),
            group_control_number: Some(header.group_control_number.to_string()),
            transaction_set_control_number: Some(format!(
                "{:04}",
                header.transaction_control_number
            )),
            ..ExchangeInfo::default()
        };

        // The 271 is written after the wait, as a real payer's arrives then: a check in flight holds the
        // inquiry as read, not the answer.
        let pending = self.payer.receive(inquiry.as_bytes());
        drop(inquiry);
        tokio::time::sleep(pending.delay()).await;
        let answer = pending.answer();
        let x12 = match answer.body {
            AnswerBody::X12(x12) => x12,
            AnswerBody::NoAnswer => return Err(AdapterError::Timeout(answer.delay)),
            AnswerBody::Failure(message) => return Err(AdapterError::Internal(message)),
        };

        match decode(x12.as_bytes()) {
            Ok(Reply::Eligibility(responses)) => match responses.into_iter().next() {
                Some(response) => {
                    exchange.raw = Some(x12);
                    Ok(PayerReply { response, exchange })
                }
                None => Err(malformed("the 271 holds no subscriber answer", x12)),
            },
            Ok(Reply::Rejected(errors)) => Err(AdapterError::Rejected { errors }),
            Ok(Reply::Acknowledged) => Err(malformed(
                "the payer acknowledged the inquiry but sent no 271",
                x12,
            )),
            Err(error) => Err(malformed(&error.to_string(), x12)),
        }
    }
}

/// A 270 that cannot be written: the request field and the reason, never the value.
fn invalid_request(error: X12Error) -> AdapterError {
    match error.kind {
        X12ErrorKind::InvalidData { field, reason } => AdapterError::InvalidRequest {
            field,
            message: reason,
        },
        _ => AdapterError::InvalidRequest {
            field: "request".to_owned(),
            message: error.to_string(),
        },
    }
}

fn malformed(detail: &str, raw: String) -> AdapterError {
    AdapterError::Malformed {
        detail: detail.to_owned(),
        raw: Some(raw),
    }
}
