//! The CORE SOAP 1.2 envelope, both sides: [`build_request`] and [`parse_response`] for the gateway,
//! [`parse_request`], [`build_response`] and [`build_fault`] for a receiver (the sandbox payer server).
//!
//! ```xml
//! <soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope">
//!  <soapenv:Header><wsse:Security ...><wsse:UsernameToken><wsse:Username/><wsse:Password Type="...#PasswordText"/>
//!  </wsse:UsernameToken></wsse:Security></soapenv:Header>
//!  <soapenv:Body><cor:COREEnvelopeRealTimeRequest xmlns:cor="http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd">
//!   <PayloadType>X12_270_Request_005010X279A1</PayloadType> ... <Payload><![CDATA[ISA*...]]></Payload>
//!  </cor:COREEnvelopeRealTimeRequest></soapenv:Body>
//! </soapenv:Envelope>
//! ```
//!
//! Only the envelope element is namespace-qualified (the schema has no `elementFormDefault`), and it declares
//! its own namespace so that it can be cut out of the body and validated alone. Readers match the SOAP and
//! CORE elements by namespace and the fields by local name.
use payer_core::AdapterError;
use payer_transport::sanitize_message;
use secrecy::{ExposeSecret, SecretString};

use crate::envelope::{
    CoreRequest, CoreResponse, Credentials, EnvelopeError, CORE_NAMESPACE, CORE_WSDL_NAMESPACE,
};
use crate::xml::{self, push_cdata, push_escaped, push_field, Element};

/// SOAP 1.2 envelope namespace.
pub const SOAP12_NAMESPACE: &str = "http://www.w3.org/2003/05/soap-envelope";
/// SOAP 1.1 envelope namespace (only read, in faults from older stacks).
pub const SOAP11_NAMESPACE: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// WS-Security 1.0 `wsse` namespace.
pub const WSSE_NAMESPACE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/// The UsernameToken `Password` type for a clear-text password.
pub const PASSWORD_TEXT_TYPE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
/// The SOAP action of a real-time exchange (the WSDL's `soapAction`).
pub const SOAP_ACTION: &str = "RealTimeTransaction";
/// The HTTP `Content-Type` of a CORE SOAP 1.2 real-time message.
pub const SOAP_CONTENT_TYPE: &str =
    "application/soap+xml; charset=utf-8; action=\"RealTimeTransaction\"";

const REQUEST_ELEMENT: &str = "COREEnvelopeRealTimeRequest";
const RESPONSE_ELEMENT: &str = "COREEnvelopeRealTimeResponse";

/// A request as a receiver reads it.
#[derive(Debug, Clone)]
pub struct SoapRequest {
    /// The CORE fields.
    pub envelope: CoreRequest,
    /// The WS-Security UsernameToken, when the header has one.
    pub credentials: Option<Credentials>,
}

/// What a SOAP answer holds: the CORE response envelope or a fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SoapResponse {
    /// A `COREEnvelopeRealTimeResponse` (whose `ErrorCode` may still report an error).
    Envelope(CoreResponse),
    /// A SOAP fault.
    Fault(SoapFault),
}

/// The SOAP 1.2 fault codes (`Code/Value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultCode {
    /// The receiver does not speak this SOAP version.
    VersionMismatch,
    /// A `mustUnderstand` header was not understood.
    MustUnderstand,
    /// An encoding the receiver does not support.
    DataEncodingUnknown,
    /// The message is wrong (SOAP 1.1 `Client`).
    Sender,
    /// The receiver failed; the same message may succeed later (SOAP 1.1 `Server`).
    Receiver,
    /// Any other value, by its local name.
    Other(String),
}

/// A SOAP fault: code, optional subcode (a local name, such as `UnAuthorized`) and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapFault {
    /// `Code/Value`.
    pub code: FaultCode,
    /// `Code/Subcode/Value`, by its local name.
    pub subcode: Option<String>,
    /// `Reason/Text`.
    pub reason: String,
}

impl FaultCode {
    /// The local name (`Receiver`).
    pub fn name(&self) -> &str {
        match self {
            FaultCode::VersionMismatch => "VersionMismatch",
            FaultCode::MustUnderstand => "MustUnderstand",
            FaultCode::DataEncodingUnknown => "DataEncodingUnknown",
            FaultCode::Sender => "Sender",
            FaultCode::Receiver => "Receiver",
            FaultCode::Other(name) => name,
        }
    }

    fn from_name(name: &str) -> FaultCode {
        match name {
            "VersionMismatch" => FaultCode::VersionMismatch,
            "MustUnderstand" => FaultCode::MustUnderstand,
            "DataEncodingUnknown" => FaultCode::DataEncodingUnknown,
            "Sender" | "Client" => FaultCode::Sender,
            "Receiver" | "Server" => FaultCode::Receiver,
            other => FaultCode::Other(other.to_owned()),
        }
    }
}

impl SoapFault {
    /// The adapter error the fault means: `Envelope` with the subcode as the code when there is one (else
    /// `soap:<Code>`) and the reason as the message; retryable only for a `Receiver` fault, which SOAP 1.2
    /// defines as one that may succeed if sent again later.
    pub fn adapter_error(&self) -> AdapterError {
        let code = match self.subcode.as_deref().map(str::trim) {
            Some(subcode) if !subcode.is_empty() => sanitize_message(subcode),
            _ => format!("soap:{}", sanitize_message(self.code.name())),
        };
        AdapterError::Envelope {
            code,
            message: sanitize_message(&self.reason),
            retryable: self.code == FaultCode::Receiver,
        }
    }
}

/// Builds a request envelope, with a WS-Security UsernameToken header when `credentials` are given.
pub fn build_request(
    request: &CoreRequest,
    credentials: Option<&Credentials>,
) -> Result<String, EnvelopeError> {
    let mut out = String::with_capacity(1_024 + request.payload.len());
    open_envelope(&mut out);
    if let Some(credentials) = credentials {
        out.push_str("<soapenv:Header>\n<wsse:Security xmlns:wsse=\"");
        out.push_str(WSSE_NAMESPACE);
        out.push_str("\" soapenv:mustUnderstand=\"true\">\n<wsse:UsernameToken>\n<wsse:Username>");
        push_escaped(&mut out, "Username", &credentials.username)?;
        out.push_str("</wsse:Username>\n<wsse:Password Type=\"");
        out.push_str(PASSWORD_TEXT_TYPE);
        out.push_str("\">");
        push_escaped(&mut out, "Password", credentials.password.expose_secret())?;
        out.push_str(
            "</wsse:Password>\n</wsse:UsernameToken>\n</wsse:Security>\n</soapenv:Header>\n",
        );
    }
    out.push_str("<soapenv:Body>\n");
    open_core(&mut out, REQUEST_ELEMENT);
    push_field(&mut out, "PayloadType", &request.payload_type)?;
    push_field(&mut out, "ProcessingMode", &request.processing_mode)?;
    push_field(&mut out, "PayloadID", &request.payload_id)?;
    push_field(&mut out, "TimeStamp", &request.timestamp)?;
    push_field(&mut out, "SenderID", &request.sender_id)?;
    push_field(&mut out, "ReceiverID", &request.receiver_id)?;
    push_field(&mut out, "CORERuleVersion", &request.core_rule_version)?;
    out.push_str("<Payload>");
    push_cdata(&mut out, "Payload", &request.payload)?;
    out.push_str("</Payload>\n");
    close_core(&mut out, REQUEST_ELEMENT);
    out.push_str("</soapenv:Body>\n</soapenv:Envelope>\n");
    Ok(out)
}

/// Builds a response envelope.
pub fn build_response(response: &CoreResponse) -> Result<String, EnvelopeError> {
    let payload_len = response.payload.as_ref().map_or(0, String::len);
    let mut out = String::with_capacity(1_024 + payload_len);
    open_envelope(&mut out);
    out.push_str("<soapenv:Body>\n");
    open_core(&mut out, RESPONSE_ELEMENT);
    push_field(&mut out, "PayloadType", &response.payload_type)?;
    push_field(&mut out, "ProcessingMode", &response.processing_mode)?;
    push_field(&mut out, "PayloadID", &response.payload_id)?;
    push_field(&mut out, "TimeStamp", &response.timestamp)?;
    push_field(&mut out, "SenderID", &response.sender_id)?;
    push_field(&mut out, "ReceiverID", &response.receiver_id)?;
    push_field(&mut out, "CORERuleVersion", &response.core_rule_version)?;
    if let Some(payload) = &response.payload {
        out.push_str("<Payload>");
        push_cdata(&mut out, "Payload", payload)?;
        out.push_str("</Payload>\n");
    }
    push_field(&mut out, "ErrorCode", &response.error_code)?;
    push_field(&mut out, "ErrorMessage", &response.error_message)?;
    close_core(&mut out, RESPONSE_ELEMENT);
    out.push_str("</soapenv:Body>\n</soapenv:Envelope>\n");
    Ok(out)
}

/// Builds a SOAP 1.2 fault envelope. The subcode, if any, is written in the CAQH WSDL namespace and must be
/// a plain name (letters, digits, `_`, `-`, `.`).
pub fn build_fault(fault: &SoapFault) -> Result<String, EnvelopeError> {
    let mut out = String::with_capacity(512 + fault.reason.len());
    open_envelope(&mut out);
    out.push_str("<soapenv:Body>\n<soapenv:Fault>\n<soapenv:Code>\n<soapenv:Value>soapenv:");
    push_escaped(&mut out, "Code", fault.code.name())?;
    out.push_str("</soapenv:Value>\n");
    if let Some(subcode) = &fault.subcode {
        let plain = !subcode.is_empty()
            && subcode
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            && subcode.starts_with(|c: char| c.is_ascii_alphabetic());
        if !plain {
            return Err(EnvelopeError::InvalidCharacter("Subcode"));
        }
        out.push_str("<soapenv:Subcode>\n<soapenv:Value xmlns:core=\"");
        out.push_str(CORE_WSDL_NAMESPACE);
        out.push_str("\">core:");
        out.push_str(subcode);
        out.push_str("</soapenv:Value>\n</soapenv:Subcode>\n");
    }
    out.push_str("</soapenv:Code>\n<soapenv:Reason>\n<soapenv:Text xml:lang=\"en\">");
    push_escaped(&mut out, "Reason", &fault.reason)?;
    out.push_str("</soapenv:Text>\n</soapenv:Reason>\n</soapenv:Fault>\n</soapenv:Body>\n</soapenv:Envelope>\n");
    Ok(out)
}

/// Reads a request envelope (receiver side). A SOAP 1.1 envelope is [`EnvelopeError::NotSoap12`], which a
/// receiver answers with a `VersionMismatch` fault.
pub fn parse_request(input: &[u8]) -> Result<SoapRequest, EnvelopeError> {
    let root = xml::parse(input)?;
    let body = soap12_body(&root)?;
    let core = core_element(body, REQUEST_ELEMENT)?;
    let envelope = CoreRequest {
        payload_type: field(core, "PayloadType")?,
        processing_mode: field(core, "ProcessingMode")?,
        payload_id: field(core, "PayloadID")?,
        timestamp: field(core, "TimeStamp")?,
        sender_id: field(core, "SenderID")?,
        receiver_id: field(core, "ReceiverID")?,
        core_rule_version: field(core, "CORERuleVersion")?,
        payload: payload(core).ok_or(EnvelopeError::MissingField("Payload"))?,
    };
    let credentials = root
        .child(SOAP12_NAMESPACE, "Header")
        .and_then(|h| h.child(WSSE_NAMESPACE, "Security"))
        .and_then(|s| s.child(WSSE_NAMESPACE, "UsernameToken"))
        .and_then(|token| {
            let username = token
                .child(WSSE_NAMESPACE, "Username")?
                .text
                .trim()
                .to_owned();
            let password = token.child(WSSE_NAMESPACE, "Password")?.text.clone();
            Some(Credentials {
                username,
                password: SecretString::from(password),
            })
        });
    Ok(SoapRequest {
        envelope,
        credentials,
    })
}

/// Reads an answer (gateway side): the CORE response envelope or a fault (SOAP 1.2, or 1.1 from older
/// stacks). A missing required field is an error naming it.
pub fn parse_response(input: &[u8]) -> Result<SoapResponse, EnvelopeError> {
    let root = xml::parse(input)?;
    let soap_ns = if root.is(SOAP12_NAMESPACE, "Envelope") {
        SOAP12_NAMESPACE
    } else if root.is(SOAP11_NAMESPACE, "Envelope") {
        SOAP11_NAMESPACE
    } else {
        return Err(EnvelopeError::NotSoap12("the root is not a SOAP Envelope"));
    };
    let body = root
        .child(soap_ns, "Body")
        .ok_or(EnvelopeError::NotSoap12("the envelope has no Body"))?;
    if let Some(fault) = body.child(soap_ns, "Fault") {
        return Ok(SoapResponse::Fault(read_fault(fault, soap_ns)));
    }
    let core = core_element(body, RESPONSE_ELEMENT)?;
    Ok(SoapResponse::Envelope(CoreResponse {
        payload_type: field(core, "PayloadType")?,
        processing_mode: field(core, "ProcessingMode")?,
        payload_id: field(core, "PayloadID")?,
        timestamp: field(core, "TimeStamp")?,
        sender_id: field(core, "SenderID")?,
        receiver_id: field(core, "ReceiverID")?,
        core_rule_version: field(core, "CORERuleVersion")?,
        payload: payload(core),
        error_code: field(core, "ErrorCode")?,
        error_message: core
            .child_local("ErrorMessage")
            .map(|e| e.text.trim().to_owned())
            .ok_or(EnvelopeError::MissingField("ErrorMessage"))?,
    }))
}

fn open_envelope(out: &mut String) {
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope xmlns:soapenv=\"");
    out.push_str(SOAP12_NAMESPACE);
    out.push_str("\">\n");
}

fn open_core(out: &mut String, element: &str) {
    out.push_str("<cor:");
    out.push_str(element);
    out.push_str(" xmlns:cor=\"");
    out.push_str(CORE_NAMESPACE);
    out.push_str("\">\n");
}

fn close_core(out: &mut String, element: &str) {
    out.push_str("</cor:");
    out.push_str(element);
    out.push_str(">\n");
}

fn soap12_body(root: &Element) -> Result<&Element, EnvelopeError> {
    if root.is(SOAP11_NAMESPACE, "Envelope") {
        return Err(EnvelopeError::NotSoap12("a SOAP 1.1 envelope"));
    }
    if !root.is(SOAP12_NAMESPACE, "Envelope") {
        return Err(EnvelopeError::NotSoap12("the root is not a SOAP Envelope"));
    }
    root.child(SOAP12_NAMESPACE, "Body")
        .ok_or(EnvelopeError::NotSoap12("the envelope has no Body"))
}

/// The CORE envelope element of a body: in the schema namespace (or the WSDL's, which some senders use).
fn core_element<'a>(body: &'a Element, name: &'static str) -> Result<&'a Element, EnvelopeError> {
    let Some(first) = body.first_child() else {
        return Err(EnvelopeError::UnexpectedBody("nothing".to_owned()));
    };
    let in_core_ns = matches!(
        first.ns.as_deref(),
        Some(CORE_NAMESPACE | CORE_WSDL_NAMESPACE)
    );
    if first.name == name && in_core_ns {
        Ok(first)
    } else {
        let shown: String = first.name.chars().take(64).collect();
        Err(EnvelopeError::UnexpectedBody(format!("element {shown}")))
    }
}

/// A required field's trimmed text.
fn field(core: &Element, name: &'static str) -> Result<String, EnvelopeError> {
    core.child_local(name)
        .map(|e| e.text.trim().to_owned())
        .ok_or(EnvelopeError::MissingField(name))
}

/// The payload text, absent when the element is missing or empty.
fn payload(core: &Element) -> Option<String> {
    core.child_local("Payload")
        .map(|e| {
            e.text
                .trim_matches(|c: char| c.is_ascii_whitespace())
                .to_owned()
        })
        .filter(|p| !p.is_empty())
}

fn read_fault(fault: &Element, soap_ns: &str) -> SoapFault {
    if soap_ns == SOAP11_NAMESPACE {
        return SoapFault {
            code: FaultCode::from_name(
                fault
                    .child_local("faultcode")
                    .map_or("Server", Element::text_local),
            ),
            subcode: None,
            reason: fault
                .child_local("faultstring")
                .map(|e| e.text.trim().to_owned())
                .unwrap_or_default(),
        };
    }
    let code = fault.child(soap_ns, "Code");
    let value = code.and_then(|c| c.child(soap_ns, "Value"));
    let subcode = code
        .and_then(|c| c.child(soap_ns, "Subcode"))
        .and_then(|s| s.child(soap_ns, "Value"))
        .map(|v| v.text_local().to_owned())
        .filter(|s| !s.is_empty());
    let reason = fault
        .child(soap_ns, "Reason")
        .and_then(|r| r.child(soap_ns, "Text"))
        .map(|t| t.text.trim().to_owned())
        .unwrap_or_default();
    SoapFault {
        code: value.map_or(FaultCode::Receiver, |v| match v.text_ns.as_deref() {
            Some(ns) if ns != soap_ns => FaultCode::Other(v.text_local().to_owned()),
            _ => FaultCode::from_name(v.text_local()),
        }),
        subcode,
        reason,
    }
}
