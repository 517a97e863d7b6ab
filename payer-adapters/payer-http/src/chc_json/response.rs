//! The remote server's answer: a v3 JSON response becomes an [`EligibilityResponse`]; its error bodies
//! (`{"error": {code, message, fields}}`, or the v3 `errors` list) become adapter errors.
//!
//! The normalized model is the v3 shape, so an answer from a server like ours reads as is. Other v3 servers
//! differ in details, which are bridged rather than refused: errors without `retryable`/`location` get them
//! from the AAA code table, date objects (`{"planBegin": "20240101"}`) become date lists, and an entry that
//! still does not fit is left out with a [`Warning`] naming its path (never its content). `coverage` is
//! computed from the benefits when the server does not send ours.
use payer_core::{
    AdapterError, BenefitInformation, Coverage, DateInformation, EligibilityResponse, ExchangeInfo,
    PayerErrorInfo, PlanStatus, ResponseMember, Warning,
};
use payer_transport::{sanitize_message, status_error};
use payer_x12::codes::{date_qualifier_name, reject_reason};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// v3 date-object keys and the DTP qualifiers they stand for.
const DATE_KEYS: &[(&str, &str)] = &[
    ("plan", "291"),
    ("planBegin", "346"),
    ("planEnd", "347"),
    ("eligibility", "307"),
    ("eligibilityBegin", "356"),
    ("eligibilityEnd", "357"),
    ("service", "472"),
    ("added", "304"),
    ("benefit", "292"),
    ("benefitBegin", "348"),
    ("benefitEnd", "349"),
];

/// What the answer means: the response and the control numbers the server reports, or an error.
pub(crate) fn interpret(
    status: u16,
    body: &[u8],
) -> Result<(EligibilityResponse, ExchangeInfo), AdapterError> {
    let success = (200..300).contains(&status);
    let raw = || Some(String::from_utf8_lossy(body).into_owned());
    let object = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => object,
        Ok(_) | Err(_) if !success => return Err(unusable(status)),
        Ok(_) => {
            return Err(AdapterError::Malformed {
                detail: "the answer is not a JSON object".to_owned(),
                raw: raw(),
            })
        }
        Err(e) => {
            return Err(AdapterError::Malformed {
                detail: format!(
                    "the answer is not JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
                raw: raw(),
            })
        }
    };
    // Our own API answers an AAA rejection with the whole answer and an `error` beside it, as 422 (or 503
    // when it is only AAA 42): that is an answer, whose AAA errors say what the payer meant, not an error body.
    let answer_like = [
        "controlNumber",
        "benefitsInformation",
        "planStatus",
        "subscriber",
    ]
    .iter()
    .any(|k| object.contains_key(*k));
    let rejected_answer = matches!(status, 422 | 503) && answer_like;
    if !rejected_answer && object.get("error").is_some_and(Value::is_object) {
        return Err(error_body(status, object));
    }
    if !(success || rejected_answer) {
        return Err(errors_list(status, object));
    }
    let exchange = meta_exchange(&object);
    Ok((lenient_response(object), exchange))
}

fn unusable(status: u16) -> AdapterError {
    status_error(status).unwrap_or(AdapterError::HttpStatus { status })
}

fn is_transient(status: u16) -> bool {
    status >= 500 || status == 429 || status == 408
}

/// `{"error": {"code", "message", "fields": [{"path", "message"}]}, "errors": [...]}`.
fn error_body(status: u16, mut object: Map<String, Value>) -> AdapterError {
    let mut warnings = Vec::new();
    let rejections: Vec<PayerErrorInfo> =
        take_items(&mut object, "errors", patch_error, &mut warnings);
    if !rejections.is_empty() {
        return AdapterError::Rejected { errors: rejections };
    }
    if is_transient(status) {
        return unusable(status);
    }
    let error = object.get("error");
    let text = |v: Option<&Value>, key: &str| {
        v.and_then(|v| v.get(key))
            .and_then(Value::as_str)
            .map(sanitize_message)
    };
    let code = text(error, "code").unwrap_or_else(|| format!("http-{status}"));
    let message = text(error, "message").unwrap_or_default();
    let fields = error
        .and_then(|e| e.get("fields"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if let (400, Some(first)) = (status, fields.first()) {
        if let Some(field) = text(Some(first), "path").and_then(field_path) {
            return AdapterError::InvalidRequest {
                field,
                message: refused_field_message(fields.len()),
            };
        }
    }
    if matches!(status, 401 | 403) {
        return unusable(status);
    }
    AdapterError::Envelope {
        code,
        message,
        retryable: false,
    }
}

/// A v3 error answer: `{"errors": [{"field", "code", "description", ...}]}`.
fn errors_list(status: u16, mut object: Map<String, Value>) -> AdapterError {
    if is_transient(status) || matches!(status, 401 | 403) {
        return unusable(status);
    }
    let list = object
        .get("errors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let Some(first) = list.first() else {
        return unusable(status);
    };
    let text = |key: &str| first.get(key).and_then(Value::as_str).map(sanitize_message);
    if let (400, Some(field)) = (status, text("field").and_then(field_path)) {
        return AdapterError::InvalidRequest {
            field,
            message: refused_field_message(list.len()),
        };
    }
    if status == 422 {
        let mut warnings = Vec::new();
        let errors = take_items(&mut object, "errors", patch_error, &mut warnings);
        if !errors.is_empty() {
            return AdapterError::Rejected { errors };
        }
    }
    AdapterError::Envelope {
        code: text("code").unwrap_or_else(|| format!("http-{status}")),
        message: text("description")
            .or_else(|| text("message"))
            .unwrap_or_default(),
        retryable: false,
    }
}

/// The control numbers a gateway like ours reports in `meta.x12[0]`.
fn meta_exchange(object: &Map<String, Value>) -> ExchangeInfo {
    object
        .get("meta")
        .and_then(|m| m.get("x12"))
        .and_then(|x| x.get(0))
        .and_then(|first| serde_json::from_value::<ExchangeInfo>(first.clone()).ok())
        .unwrap_or_default()
}

/// Reads the answer field by field, leaving out (with a warning) what does not fit.
fn lenient_response(mut object: Map<String, Value>) -> EligibilityResponse {
    let mut warnings = Vec::new();
    let mut response = EligibilityResponse {
        control_number: take_string(&mut object, "controlNumber").unwrap_or_default(),
        trading_partner_service_id: take_string(&mut object, "tradingPartnerServiceId"),
        provider: take_one(&mut object, "provider", &mut warnings),
        subscriber: take_one(&mut object, "subscriber", &mut warnings),
        payer: take_one(&mut object, "payer", &mut warnings),
        plan_information: take_one(&mut object, "planInformation", &mut warnings),
        ..EligibilityResponse::default()
    };
    response.dependents =
        take_items::<ResponseMember>(&mut object, "dependents", |_| {}, &mut warnings);
    dates_to_list(&mut object, "planDateInformation");
    response.plan_date_information =
        take_items::<DateInformation>(&mut object, "planDateInformation", |_| {}, &mut warnings);
    response.plan_status =
        take_items::<PlanStatus>(&mut object, "planStatus", |_| {}, &mut warnings);
    response.benefits_information = take_items::<BenefitInformation>(
        &mut object,
        "benefitsInformation",
        patch_benefit,
        &mut warnings,
    );
    response.errors = take_items(&mut object, "errors", patch_error, &mut warnings);
    let mut theirs: Vec<Warning> = take_items(&mut object, "warnings", |_| {}, &mut Vec::new());
    theirs.append(&mut warnings);
    response.warnings = theirs;
    let coverage: Option<Coverage> = take_one(&mut object, "coverage", &mut response.warnings);
    response.coverage = coverage.unwrap_or_else(|| payer_x12::summarize(&response));
    response
}

fn take_string(object: &mut Map<String, Value>, key: &str) -> Option<String> {
    match object.remove(key) {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// An object field; left out with a warning when it does not fit.
fn take_one<T: DeserializeOwned>(
    object: &mut Map<String, Value>,
    key: &str,
    warnings: &mut Vec<Warning>,
) -> Option<T> {
    match object.remove(key) {
        None | Some(Value::Null) => None,
        Some(value) => fit(value, key, warnings),
    }
}

/// A list field, entry by entry (each patched first); entries that do not fit are left out with a warning.
fn take_items<T: DeserializeOwned>(
    object: &mut Map<String, Value>,
    key: &str,
    patch: fn(&mut Value),
    warnings: &mut Vec<Warning>,
) -> Vec<T> {
    match object.remove(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .filter_map(|(i, mut item)| {
                patch(&mut item);
                fit(item, &format!("{key}[{i}]"), warnings)
            })
            .collect(),
        Some(_) => {
            warnings.push(left_out(key));
            Vec::new()
        }
    }
}

/// Reads `value` as a `T`; when one of its fields is what does not fit, that field is left out instead.
fn fit<T: DeserializeOwned>(value: Value, path: &str, warnings: &mut Vec<Warning>) -> Option<T> {
    if let Ok(t) = serde_json::from_value(value.clone()) {
        return Some(t);
    }
    if let Value::Object(map) = value {
        for key in map.keys() {
            let mut trial = map.clone();
            trial.remove(key);
            if let Ok(t) = serde_json::from_value(Value::Object(trial)) {
                warnings.push(left_out(&format!("{path}.{key}")));
                return Some(t);
            }
        }
    }
    warnings.push(left_out(path));
    None
}

fn left_out(path: &str) -> Warning {
    Warning {
        code: "unrecognized-shape".to_owned(),
        message: format!("{path} does not have the expected shape and was left out"),
        segment: None,
        position: None,
    }
}

/// The field a payer named as refused, when it is a JSON path (`subscriber.memberId`, `encounter.serviceTypeCodes[0]`)
/// and not free text.
fn field_path(path: String) -> Option<String> {
    let is_path = !path.is_empty()
        && path.len() <= 100
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'[' | b']'));
    is_path.then_some(path)
}

/// What a client is told of a field the payer refused: not the payer's own words, which may quote the value.
fn refused_field_message(fields: usize) -> String {
    match fields {
        0 | 1 => "the payer refused this field".to_owned(),
        count => format!("the payer refused this field (and {} more)", count - 1),
    }
}

/// Fills what our error model requires from the AAA code table: `description` (always the table's, or none
/// for a code it does not know: a payer's own description may quote the inquiry), `location` (the payer's
/// when it is a loop or segment id), `retryable`.
fn patch_error(value: &mut Value) {
    let Value::Object(map) = value else { return };
    let code = map
        .get("code")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let reason = reject_reason(&code);
    let description = reason.map(|r| r.description).unwrap_or_default();
    map.insert("description".into(), Value::String(description.to_owned()));
    let location_is_id = map
        .get("location")
        .and_then(Value::as_str)
        .is_some_and(|l| l.len() <= 8 && l.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !location_is_id {
        map.insert("location".into(), Value::String(String::new()));
    }
    if !map.get("retryable").is_some_and(Value::is_boolean) {
        let retryable = reason.is_some_and(|r| r.retryable);
        map.insert("retryable".into(), Value::Bool(retryable));
    }
}

fn patch_benefit(value: &mut Value) {
    if let Value::Object(map) = value {
        dates_to_list(map, "benefitsDateInformation");
    }
}

/// Turns a date object (`{"planBegin": "20240101", "plan": "20240101-20241231"}`) into a date list.
fn dates_to_list(object: &mut Map<String, Value>, key: &str) {
    let Some(Value::Object(dates)) = object.get(key) else {
        return;
    };
    let list: Vec<Value> = dates
        .iter()
        .filter_map(|(name, value)| {
            let qualifier = DATE_KEYS.iter().find(|(k, _)| k == name)?.1;
            let text = value.as_str()?;
            let (date, end) = match text.split_once('-') {
                Some((begin, end)) => (begin, Some(end)),
                None => (text, None),
            };
            let mut entry = Map::new();
            entry.insert("qualifierCode".into(), Value::String(qualifier.to_owned()));
            if let Some(name) = date_qualifier_name(qualifier) {
                entry.insert("qualifier".into(), Value::String(name.to_owned()));
            }
            entry.insert("date".into(), Value::String(date.to_owned()));
            if let Some(end) = end {
                entry.insert("endDate".into(), Value::String(end.to_owned()));
            }
            Some(Value::Object(entry))
        })
        .collect();
    object.insert(key.to_owned(), Value::Array(list));
}
