//! The CAQH CORE connectivity envelope (rule vC2.2.0, real time) as data, independent of SOAP or MIME:
//! [`CoreRequest`], [`CoreResponse`], the field values the rule fixes, what an `ErrorCode` means for the
//! gateway, and the checks a receiver applies ([`check_request`]).
use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use payer_core::AdapterError;
use payer_transport::sanitize_message;
use secrecy::SecretString;
use thiserror::Error;

/// The schema namespace of the envelope elements (`COREEnvelopeRealTimeRequest`, ...).
pub const CORE_NAMESPACE: &str = "http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd";
/// The WSDL's target namespace; some senders qualify the envelope with it, so it is accepted when reading.
pub const CORE_WSDL_NAMESPACE: &str = "http://www.caqh.org/SOAP/WSDL/";
/// `PayloadType` of a real-time 270.
pub const PAYLOAD_TYPE_270: &str = "X12_270_Request_005010X279A1";
/// `PayloadType` of a real-time 271.
pub const PAYLOAD_TYPE_271: &str = "X12_271_Response_005010X279A1";
/// `PayloadType` of a 999 answering a 270.
pub const PAYLOAD_TYPE_999: &str = "X12_999_Response_005010X231A1";
/// `PayloadType` of a TA1 answering a 270.
pub const PAYLOAD_TYPE_TA1: &str = "X12_TA1_Response_00501X231A1";
/// `ProcessingMode` of a real-time exchange.
pub const PROCESSING_MODE_REAL_TIME: &str = "RealTime";
/// `CORERuleVersion` spoken here.
pub const CORE_RULE_VERSION: &str = "2.2.0";
/// `ErrorCode` of an envelope that was processed.
pub const ERROR_CODE_SUCCESS: &str = "Success";
/// `ErrorCode` for refused credentials.
pub const ERROR_CODE_UNAUTHORIZED: &str = "UnAuthorized";
/// `ErrorCode` for a `CORERuleVersion` the receiver does not speak.
pub const ERROR_CODE_VERSION_MISMATCH: &str = "VersionMismatch";

/// The names of the request fields, in schema order.
pub const REQUEST_FIELDS: [&str; 8] = [
    "PayloadType",
    "ProcessingMode",
    "PayloadID",
    "TimeStamp",
    "SenderID",
    "ReceiverID",
    "CORERuleVersion",
    "Payload",
];

/// Parts of an `ErrorCode` that mean a temporary condition (a retry may succeed). The rule's table could not
/// be checked here (see `shared/core-connectivity/README.md`), so this is a deliberately narrow reading:
/// `<Field>Required`, `<Field>Illegal`, `VersionMismatch` and `UnAuthorized` are never retryable.
const TEMPORARY_CODE_PARTS: &[&str] = &[
    "busy",
    "unavailable",
    "timeout",
    "timedout",
    "temporar",
    "tryagain",
    "trylater",
    "retry",
    "overload",
    "throttl",
];

/// A real-time request envelope (`COREEnvelopeRealTimeRequest`, or the same fields as MIME parts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreRequest {
    /// `PayloadType`: [`PAYLOAD_TYPE_270`].
    pub payload_type: String,
    /// `ProcessingMode`: [`PROCESSING_MODE_REAL_TIME`].
    pub processing_mode: String,
    /// `PayloadID`: a fresh UUID per message.
    pub payload_id: String,
    /// `TimeStamp`: an `xs:dateTime` (`2024-03-15T10:20:30Z`).
    pub timestamp: String,
    /// `SenderID`: the submitter.
    pub sender_id: String,
    /// `ReceiverID`: the payer or clearinghouse.
    pub receiver_id: String,
    /// `CORERuleVersion`: [`CORE_RULE_VERSION`].
    pub core_rule_version: String,
    /// `Payload`: the X12 interchange. Contains PHI.
    pub payload: String,
}

/// A real-time response envelope (`COREEnvelopeRealTimeResponse`, or the same fields as MIME parts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreResponse {
    /// `PayloadType`: [`PAYLOAD_TYPE_271`], [`PAYLOAD_TYPE_999`], [`PAYLOAD_TYPE_TA1`].
    pub payload_type: String,
    /// `ProcessingMode`.
    pub processing_mode: String,
    /// `PayloadID`.
    pub payload_id: String,
    /// `TimeStamp`.
    pub timestamp: String,
    /// `SenderID`: the payer.
    pub sender_id: String,
    /// `ReceiverID`: the submitter.
    pub receiver_id: String,
    /// `CORERuleVersion`.
    pub core_rule_version: String,
    /// `Payload`, absent when the envelope reports an error. Contains PHI.
    pub payload: Option<String>,
    /// `ErrorCode`: [`ERROR_CODE_SUCCESS`] or what went wrong.
    pub error_code: String,
    /// `ErrorMessage`.
    pub error_message: String,
}

/// The user name and password of a request (WS-Security UsernameToken, or MIME `UserName`/`Password` parts).
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: SecretString,
}

/// Why an envelope cannot be built or read. Messages name fields and elements, never their values.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The document is not well-formed XML (or too deep, too large, not UTF-8).
    #[error("not well-formed XML: {0}")]
    Xml(String),
    /// The root is not a SOAP 1.2 envelope (`found` says what it is).
    #[error("not a SOAP 1.2 envelope: {0}")]
    NotSoap12(&'static str),
    /// The SOAP body holds something other than the expected CORE envelope element.
    #[error("the SOAP body holds {0}, not the expected CORE envelope")]
    UnexpectedBody(String),
    /// A required CORE field is absent.
    #[error("the CORE envelope has no {0}")]
    MissingField(&'static str),
    /// A value holds a character the envelope cannot carry.
    #[error("{0} holds a character the envelope cannot carry")]
    InvalidCharacter(&'static str),
    /// The MIME body is not usable multipart form data.
    #[error("not usable multipart form data: {0}")]
    Multipart(String),
}

impl EnvelopeError {
    /// The CORE `ErrorCode` a receiver answers with for this error: `<Field>Required` for a missing field,
    /// `<Field>Illegal` for a value it cannot carry, and `PayloadIllegal` otherwise (the envelope as a whole is
    /// unreadable).
    pub fn core_error_code(&self) -> String {
        match self {
            EnvelopeError::MissingField(field) => format!("{field}Required"),
            EnvelopeError::InvalidCharacter(field) => format!("{field}Illegal"),
            _ => "PayloadIllegal".to_owned(),
        }
    }
}

impl CoreRequest {
    /// A real-time 270 request with the rule's fixed values.
    pub fn real_time_270(
        payload_id: impl Into<String>,
        timestamp: impl Into<String>,
        sender_id: impl Into<String>,
        receiver_id: impl Into<String>,
        payload: impl Into<String>,
    ) -> Self {
        CoreRequest {
            payload_type: PAYLOAD_TYPE_270.to_owned(),
            processing_mode: PROCESSING_MODE_REAL_TIME.to_owned(),
            payload_id: payload_id.into(),
            timestamp: timestamp.into(),
            sender_id: sender_id.into(),
            receiver_id: receiver_id.into(),
            core_rule_version: CORE_RULE_VERSION.to_owned(),
            payload: payload.into(),
        }
    }
}

impl CoreResponse {
    /// A receiver's successful answer to `request`: same PayloadID, sender and receiver swapped, stamped now.
    pub fn answer(request: &CoreRequest, payload_type: &str, payload: impl Into<String>) -> Self {
        CoreResponse {
            payload_type: payload_type.to_owned(),
            processing_mode: PROCESSING_MODE_REAL_TIME.to_owned(),
            payload_id: request.payload_id.clone(),
            timestamp: timestamp(Utc::now()),
            sender_id: request.receiver_id.clone(),
            receiver_id: request.sender_id.clone(),
            core_rule_version: CORE_RULE_VERSION.to_owned(),
            payload: Some(payload.into()),
            error_code: ERROR_CODE_SUCCESS.to_owned(),
            error_message: String::new(),
        }
    }

    /// A receiver's error answer to `request`, with no payload.
    pub fn error(request: &CoreRequest, code: &str, message: &str) -> Self {
        CoreResponse {
            payload_type: if request.payload_type.is_empty() {
                PAYLOAD_TYPE_271.to_owned()
            } else {
                request.payload_type.clone()
            },
            payload: None,
            error_code: code.to_owned(),
            error_message: message.to_owned(),
            ..CoreResponse::answer(request, "", "")
        }
    }

    /// Whether `ErrorCode` is `Success`.
    pub fn is_success(&self) -> bool {
        self.error_code.trim() == ERROR_CODE_SUCCESS
    }

    /// The adapter error an `ErrorCode` other than `Success` means: `Envelope` with the code and the message,
    /// retryable only for codes that name a temporary condition. `None` on success.
    pub fn adapter_error(&self) -> Option<AdapterError> {
        if self.is_success() {
            return None;
        }
        let code = sanitize_message(&self.error_code);
        Some(AdapterError::Envelope {
            retryable: is_temporary_error_code(&code),
            code: if code.is_empty() {
                "(empty ErrorCode)".to_owned()
            } else {
                code
            },
            message: sanitize_message(&self.error_message),
        })
    }
}

/// Whether an `ErrorCode` names a temporary condition (busy, unavailable, timed out, ...).
pub fn is_temporary_error_code(code: &str) -> bool {
    let code = code.to_ascii_lowercase();
    TEMPORARY_CODE_PARTS.iter().any(|part| code.contains(part))
}

/// An `xs:dateTime` in UTC with seconds (`2024-03-15T10:20:30Z`), as `TimeStamp` wants.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Whether `value` is an `xs:dateTime` (with or without a time zone, with or without fractions).
pub fn is_xs_date_time(value: &str) -> bool {
    let value = value.trim();
    DateTime::parse_from_rfc3339(value).is_ok()
        || NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
}

/// A receiver's checks of a real-time 270 request, as a CORE `ErrorCode` and message when one fails:
/// `<Field>Required` for an empty field, `PayloadTypeIllegal`, `ProcessingModeIllegal`, `TimeStampIllegal`,
/// and `VersionMismatch` for another rule version.
pub fn check_request(request: &CoreRequest) -> Result<(), (String, String)> {
    let fields = [
        ("PayloadType", &request.payload_type),
        ("ProcessingMode", &request.processing_mode),
        ("PayloadID", &request.payload_id),
        ("TimeStamp", &request.timestamp),
        ("SenderID", &request.sender_id),
        ("ReceiverID", &request.receiver_id),
        ("CORERuleVersion", &request.core_rule_version),
        ("Payload", &request.payload),
    ];
    for (name, value) in fields {
        if value.trim().is_empty() {
            return Err((format!("{name}Required"), format!("{name} is required")));
        }
    }
    if request.core_rule_version.trim() != CORE_RULE_VERSION {
        return Err((
            ERROR_CODE_VERSION_MISMATCH.to_owned(),
            format!("CORERuleVersion must be {CORE_RULE_VERSION}"),
        ));
    }
    if request.payload_type.trim() != PAYLOAD_TYPE_270 {
        return Err((
            "PayloadTypeIllegal".to_owned(),
            format!("PayloadType must be {PAYLOAD_TYPE_270}"),
        ));
    }
    if request.processing_mode.trim() != PROCESSING_MODE_REAL_TIME {
        return Err((
            "ProcessingModeIllegal".to_owned(),
            format!("ProcessingMode must be {PROCESSING_MODE_REAL_TIME}"),
        ));
    }
    if !is_xs_date_time(&request.timestamp) {
        return Err((
            "TimeStampIllegal".to_owned(),
            "TimeStamp must be an xs:dateTime".to_owned(),
        ));
    }
    Ok(())
}
