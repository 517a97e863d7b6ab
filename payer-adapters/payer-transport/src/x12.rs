//! The X12 steps every X12 transport takes around its envelope: a fresh interchange control number per call,
//! the 270 encoded with the payer's interchange settings, and the payer's payload decoded into a reply or an
//! adapter error (999/TA1 rejection, undecodable payload).
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::NaiveDateTime;
use payer_core::{AdapterError, EligibilityRequest, ExchangeInfo, PayerReply};
use payer_x12::envelope::{InterchangeHeader, Usage};
use payer_x12::{inquiry, Reply, X12Error, X12ErrorKind};

/// The largest X12 control number (nine digits).
const MAX_CONTROL_NUMBER: u32 = 999_999_999;

/// Interchange control numbers for one payer: every call gets the next one, starting at a random point so
/// that a restarted gateway does not repeat the numbers of its previous run.
#[derive(Debug)]
pub struct ControlNumbers {
    next: AtomicU32,
}

impl ControlNumbers {
    /// A counter seeded randomly.
    pub fn new() -> Self {
        let seed = uuid::Uuid::new_v4().as_u128() as u32;
        Self::starting_at(seed)
    }

    /// A counter whose first number is derived from `seed` (tests).
    pub fn starting_at(seed: u32) -> Self {
        ControlNumbers {
            next: AtomicU32::new(seed),
        }
    }

    /// The next control number, in `1..=999_999_999`.
    pub fn next(&self) -> u32 {
        self.next.fetch_add(1, Ordering::Relaxed) % MAX_CONTROL_NUMBER + 1
    }
}

impl Default for ControlNumbers {
    fn default() -> Self {
        Self::new()
    }
}

/// Who sends the 270 to whom, as the payer's configuration says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterchangeSettings {
    /// ISA05.
    pub sender_qualifier: String,
    /// ISA06 and GS02.
    pub sender_id: String,
    /// ISA07.
    pub receiver_qualifier: String,
    /// ISA08 and GS03.
    pub receiver_id: String,
    /// ISA15.
    pub usage: Usage,
    /// The payer's name for the 2100A NM103 (its id when `None`).
    pub payer_name: Option<String>,
}

/// A 270 ready to send, and the control numbers it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing270 {
    /// The interchange text.
    pub x12: String,
    /// ISA13, GS06 and ST02 as written (the transport adds its PayloadID, if any).
    pub exchange: ExchangeInfo,
}

/// The header field names of [`InterchangeHeader`]: an encoder error naming one of them is a configuration
/// fault of the gateway, not a fault of the inquiry.
const HEADER_FIELDS: &[&str] = &[
    "sender_qualifier",
    "sender_id",
    "receiver_qualifier",
    "receiver_id",
    "application_sender",
    "application_receiver",
    "authorization",
    "security",
    "interchange_control_number",
    "group_control_number",
    "transaction_control_number",
    "timestamp",
];

/// Encodes `request` as a 270 with interchange control number `icn` (and the same GS06). ST02 is the
/// request's nine-digit control number (as `payer-core` documents), or `icn` when that is not a number.
pub fn encode_inquiry(
    request: &EligibilityRequest,
    settings: &InterchangeSettings,
    icn: u32,
    now: NaiveDateTime,
) -> Result<Outgoing270, AdapterError> {
    let st02 = request
        .control_number
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_CONTROL_NUMBER).contains(n))
        .unwrap_or(icn);
    let mut header = InterchangeHeader::new(
        settings.sender_id.clone(),
        settings.receiver_id.clone(),
        icn,
        now,
    );
    header.sender_qualifier = settings.sender_qualifier.clone();
    header.receiver_qualifier = settings.receiver_qualifier.clone();
    header.usage = settings.usage;
    header.transaction_control_number = st02;
    let x12 = inquiry::encode_270_with_payer_name(request, settings.payer_name.as_deref(), &header)
        .map_err(encode_error)?;
    Ok(Outgoing270 {
        x12,
        exchange: ExchangeInfo {
            interchange_control_number: Some(format!("{icn:09}")),
            group_control_number: Some(icn.to_string()),
            transaction_set_control_number: Some(format!("{st02:04}")),
            payload_id: None,
            raw: None,
        },
    })
}

/// An encoder error: a request field that cannot be written is the inquiry's fault; a header field is the
/// configuration's.
fn encode_error(error: X12Error) -> AdapterError {
    match &error.kind {
        X12ErrorKind::InvalidData { field, reason } if !HEADER_FIELDS.contains(&field.as_str()) => {
            AdapterError::InvalidRequest {
                field: field.clone(),
                message: reason.clone(),
            }
        }
        X12ErrorKind::InvalidData { field, reason } => AdapterError::Internal(format!(
            "the payer's X12 interchange settings are unusable: {field} {reason}"
        )),
        _ => AdapterError::Internal(format!("the 270 could not be encoded: {error}")),
    }
}

/// Decodes a payer's X12 payload. A 271 becomes the reply (the answer whose control number matches the
/// inquiry's, else the first); a 999 or TA1 rejection becomes `Rejected`; an acknowledgment with no 271, or
/// anything that does not decode, becomes `Malformed` with the payload kept.
pub fn decode_reply(
    payload: &[u8],
    mut exchange: ExchangeInfo,
    control_number: &str,
) -> Result<PayerReply, AdapterError> {
    let raw = String::from_utf8_lossy(payload).into_owned();
    match payer_x12::decode(payload) {
        Ok(Reply::Eligibility(responses)) => {
            let position = responses
                .iter()
                .position(|r| r.control_number == control_number)
                .unwrap_or(0);
            match responses.into_iter().nth(position) {
                Some(response) => {
                    exchange.raw = Some(raw);
                    Ok(PayerReply { response, exchange })
                }
                None => Err(AdapterError::Malformed {
                    detail: "the 271 holds no answer".to_owned(),
                    raw: Some(raw),
                }),
            }
        }
        Ok(Reply::Rejected(errors)) => Err(AdapterError::Rejected { errors }),
        Ok(Reply::Acknowledged) => Err(AdapterError::Malformed {
            detail: "the payer acknowledged the inquiry (999/TA1) but sent no 271".to_owned(),
            raw: Some(raw),
        }),
        Err(error) => Err(AdapterError::Malformed {
            detail: format!("the payload is not a usable 271: {error}"),
            raw: Some(raw),
        }),
    }
}
