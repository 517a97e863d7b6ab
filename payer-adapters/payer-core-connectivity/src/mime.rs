//! The CORE HTTP MIME multipart envelope, both sides: `multipart/form-data` with one part per field
//! (`PayloadType`, `ProcessingMode`, `PayloadID`, `TimeStamp`, `UserName`, `Password`, `SenderID`,
//! `ReceiverID`, `CORERuleVersion`, `Payload`); the answer has the same fields plus `ErrorCode` and
//! `ErrorMessage`.
//!
//! [`build_request`] and [`parse_response`] are the gateway's side; [`parse_request`] and [`build_response`]
//! a receiver's (the sandbox payer server). The parser is written for these small forms: it takes the
//! boundary from the `Content-Type`, tolerates a preamble, bare-LF line ends and file parts (`filename=`),
//! and bounds the number of parts.
use secrecy::{ExposeSecret, SecretString};

use crate::envelope::{CoreRequest, CoreResponse, Credentials, EnvelopeError};

/// The most parts accepted in one form.
const MAX_PARTS: usize = 64;

/// A multipart body and the `Content-Type` (with its boundary) to send it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MimeBody {
    /// `multipart/form-data; boundary=...`.
    pub content_type: String,
    /// The body.
    pub body: Vec<u8>,
}

/// A request as a receiver reads it.
#[derive(Debug, Clone)]
pub struct MimeRequest {
    /// The CORE fields.
    pub envelope: CoreRequest,
    /// `UserName` and `Password`, when both parts are present.
    pub credentials: Option<Credentials>,
}

/// Builds a request form, with `UserName` and `Password` parts when `credentials` are given.
pub fn build_request(
    request: &CoreRequest,
    credentials: Option<&Credentials>,
) -> Result<MimeBody, EnvelopeError> {
    let mut parts: Vec<(&'static str, &str)> = vec![
        ("PayloadType", &request.payload_type),
        ("ProcessingMode", &request.processing_mode),
        ("PayloadID", &request.payload_id),
        ("TimeStamp", &request.timestamp),
    ];
    if let Some(credentials) = credentials {
        parts.push(("UserName", &credentials.username));
        parts.push(("Password", credentials.password.expose_secret()));
    }
    parts.extend([
        ("SenderID", request.sender_id.as_str()),
        ("ReceiverID", &request.receiver_id),
        ("CORERuleVersion", &request.core_rule_version),
        ("Payload", &request.payload),
    ]);
    encode(&parts)
}

/// Builds a response form.
pub fn build_response(response: &CoreResponse) -> Result<MimeBody, EnvelopeError> {
    let mut parts: Vec<(&'static str, &str)> = vec![
        ("PayloadType", &response.payload_type),
        ("ProcessingMode", &response.processing_mode),
        ("PayloadID", &response.payload_id),
        ("TimeStamp", &response.timestamp),
        ("SenderID", &response.sender_id),
        ("ReceiverID", &response.receiver_id),
        ("CORERuleVersion", &response.core_rule_version),
    ];
    if let Some(payload) = &response.payload {
        parts.push(("Payload", payload));
    }
    parts.push(("ErrorCode", &response.error_code));
    parts.push(("ErrorMessage", &response.error_message));
    encode(&parts)
}

/// Reads a request form (receiver side); `content_type` is the request's `Content-Type` header.
pub fn parse_request(content_type: &str, body: &[u8]) -> Result<MimeRequest, EnvelopeError> {
    let form = Form::parse(content_type, body)?;
    let envelope = CoreRequest {
        payload_type: form.required("PayloadType")?,
        processing_mode: form.required("ProcessingMode")?,
        payload_id: form.required("PayloadID")?,
        timestamp: form.required("TimeStamp")?,
        sender_id: form.required("SenderID")?,
        receiver_id: form.required("ReceiverID")?,
        core_rule_version: form.required("CORERuleVersion")?,
        payload: form
            .payload()?
            .ok_or(EnvelopeError::MissingField("Payload"))?,
    };
    let credentials = match (form.raw("UserName")?, form.raw("Password")?) {
        (Some(username), Some(password)) => Some(Credentials {
            username: username.trim().to_owned(),
            password: SecretString::from(password),
        }),
        _ => None,
    };
    Ok(MimeRequest {
        envelope,
        credentials,
    })
}

/// Reads a response form (gateway side); `content_type` is the answer's `Content-Type` header.
pub fn parse_response(content_type: &str, body: &[u8]) -> Result<CoreResponse, EnvelopeError> {
    let form = Form::parse(content_type, body)?;
    Ok(CoreResponse {
        payload_type: form.required("PayloadType")?,
        processing_mode: form.required("ProcessingMode")?,
        payload_id: form.required("PayloadID")?,
        timestamp: form.required("TimeStamp")?,
        sender_id: form.required("SenderID")?,
        receiver_id: form.required("ReceiverID")?,
        core_rule_version: form.required("CORERuleVersion")?,
        payload: form.payload()?,
        error_code: form.required("ErrorCode")?,
        error_message: form.required("ErrorMessage")?,
    })
}

/// Writes the parts under a fresh boundary that none of them contains.
fn encode(parts: &[(&'static str, &str)]) -> Result<MimeBody, EnvelopeError> {
    let boundary = (0..3)
        .map(|_| format!("CORE-{}", uuid::Uuid::new_v4().simple()))
        .find(|b| parts.iter().all(|(_, value)| !value.contains(b.as_str())))
        .ok_or_else(|| EnvelopeError::Multipart("no boundary fits the content".to_owned()))?;
    let size: usize = parts
        .iter()
        .map(|(_, v)| v.len() + 100 + boundary.len())
        .sum();
    let mut body = Vec::with_capacity(size + boundary.len() + 8);
    for (name, value) in parts {
        body.extend_from_slice(b"--");
        body.extend_from_slice(boundary.as_bytes());
        body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(b"\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--");
    body.extend_from_slice(boundary.as_bytes());
    body.extend_from_slice(b"--\r\n");
    Ok(MimeBody {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body,
    })
}

/// The parts of a form, by name, in order.
struct Form<'a> {
    parts: Vec<(String, &'a [u8])>,
}

impl<'a> Form<'a> {
    fn parse(content_type: &str, body: &'a [u8]) -> Result<Self, EnvelopeError> {
        let boundary = boundary(content_type)?;
        let delimiter = format!("--{boundary}");
        let delimiter = delimiter.as_bytes();
        let mut pos = if body.starts_with(delimiter) {
            delimiter.len()
        } else {
            let line_delimiter = [b"\n".as_slice(), delimiter].concat();
            find(body, &line_delimiter, 0)
                .map(|at| at + line_delimiter.len())
                .ok_or_else(|| multipart("the body holds no boundary delimiter"))?
        };
        let mut parts = Vec::new();
        loop {
            let rest = body.get(pos..).unwrap_or_default();
            if rest.starts_with(b"--") {
                break;
            }
            if parts.len() == MAX_PARTS {
                return Err(multipart("too many parts"));
            }
            // The rest of the delimiter line: optional padding, then the line end.
            let line_end =
                find(body, b"\n", pos).ok_or_else(|| multipart("the form is truncated"))?;
            let headers_start = line_end + 1;
            let (headers, content_start) = split_headers(body, headers_start)?;
            let end = find(body, &[b"\n".as_slice(), delimiter].concat(), content_start)
                .ok_or_else(|| multipart("the form is truncated"))?;
            let content_end = if end > content_start && body.get(end - 1) == Some(&b'\r') {
                end - 1
            } else {
                end
            };
            let content = body.get(content_start..content_end).unwrap_or_default();
            let name = part_name(headers)?;
            parts.push((name, content));
            pos = end + 1 + delimiter.len();
        }
        Ok(Form { parts })
    }

    /// A part's text as sent; `None` when absent.
    fn raw(&self, name: &'static str) -> Result<Option<String>, EnvelopeError> {
        match self.parts.iter().find(|(n, _)| n == name) {
            Some((_, content)) => std::str::from_utf8(content)
                .map(|s| Some(s.to_owned()))
                .map_err(|_| EnvelopeError::InvalidCharacter(name)),
            None => Ok(None),
        }
    }

    /// A required part's trimmed text.
    fn required(&self, name: &'static str) -> Result<String, EnvelopeError> {
        self.raw(name)?
            .map(|s| s.trim().to_owned())
            .ok_or(EnvelopeError::MissingField(name))
    }

    /// The payload, absent when missing or empty.
    fn payload(&self) -> Result<Option<String>, EnvelopeError> {
        Ok(self
            .raw("Payload")?
            .map(|p| p.trim_matches(|c: char| c.is_ascii_whitespace()).to_owned())
            .filter(|p| !p.is_empty()))
    }
}

fn multipart(message: &str) -> EnvelopeError {
    EnvelopeError::Multipart(message.to_owned())
}

/// The first index of `needle` in `haystack` at or after `from`.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let tail = haystack.get(from..)?;
    if needle.is_empty() || tail.len() < needle.len() {
        return None;
    }
    tail.windows(needle.len())
        .position(|w| w == needle)
        .map(|at| at + from)
}

/// The boundary parameter of a `multipart/*` content type.
fn boundary(content_type: &str) -> Result<String, EnvelopeError> {
    let mut params = content_type.split(';');
    let media = params.next().unwrap_or_default().trim();
    if !media.to_ascii_lowercase().starts_with("multipart/") {
        return Err(multipart("the content type is not multipart"));
    }
    let boundary = params
        .filter_map(|p| p.split_once('='))
        .find(|(key, _)| key.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value.trim().trim_matches('"').to_owned())
        .ok_or_else(|| multipart("the content type has no boundary"))?;
    if boundary.is_empty() || boundary.len() > 70 {
        return Err(multipart(
            "the boundary is empty or longer than 70 characters",
        ));
    }
    Ok(boundary)
}

/// A part's header block (from `start`) and where its content starts.
fn split_headers(body: &[u8], start: usize) -> Result<(&[u8], usize), EnvelopeError> {
    let rest = body.get(start..).unwrap_or_default();
    if rest.starts_with(b"\r\n") {
        return Ok((&[], start + 2));
    }
    if rest.starts_with(b"\n") {
        return Ok((&[], start + 1));
    }
    let crlf = find(body, b"\r\n\r\n", start).map(|at| (at, 4));
    let lf = find(body, b"\n\n", start).map(|at| (at, 2));
    let (at, len) = match (crlf, lf) {
        (Some(a), Some(b)) => {
            if a.0 <= b.0 {
                a
            } else {
                b
            }
        }
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => return Err(multipart("a part's headers never end")),
    };
    Ok((body.get(start..at).unwrap_or_default(), at + len))
}

/// The `name` of a part's `Content-Disposition: form-data; name="..."`.
fn part_name(headers: &[u8]) -> Result<String, EnvelopeError> {
    let headers =
        std::str::from_utf8(headers).map_err(|_| multipart("a part's headers are not text"))?;
    for line in headers.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if !key.trim().eq_ignore_ascii_case("content-disposition") {
            continue;
        }
        let name = value
            .split(';')
            .skip(1)
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("name"))
            .map(|(_, v)| v.trim().trim_matches('"').to_owned());
        return name.ok_or_else(|| multipart("a part has no name"));
    }
    Err(multipart("a part has no Content-Disposition"))
}
