//! The body, query and path extractors' errors, turned into [`ApiError`]s so that they keep the API's
//! error shape: 413 too large, 415 not JSON, 400 not parseable.
use super::{ApiError, FieldError};

/// `JsonConfig::error_handler`: body errors in the API's error shape (413, 415, 400).
pub fn json_error_handler(
    error: actix_web::error::JsonPayloadError,
    _request: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError;
    let api_error = match &error {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge { limit: *limit },
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
        JsonPayloadError::Deserialize(json_error) => ApiError::BadRequest {
            code: "invalid_json",
            message: describe_json_error(json_error),
            fields: Vec::new(),
        },
        _ => ApiError::BadRequest {
            code: "invalid_json",
            message: "the body could not be read".to_owned(),
            fields: Vec::new(),
        },
    };
    api_error.into()
}

/// Where a body stops being JSON, without quoting it.
fn describe_json_error(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match error.classify() {
        Category::Eof => "the body is not valid JSON: it ends too early".to_owned(),
        Category::Syntax | Category::Data | Category::Io => format!(
            "the body is not valid JSON: syntax error at line {}, column {}",
            error.line(),
            error.column()
        ),
    }
}

/// `QueryConfig::error_handler`: an unusable query string is a 400 in the API's error shape.
pub fn query_error_handler(
    _error: actix_web::error::QueryPayloadError,
    request: &actix_web::HttpRequest,
) -> actix_web::Error {
    // `x12` is the only parameter that can be of the wrong type (`q` takes any text).
    let x12_given = request
        .query_string()
        .split('&')
        .any(|pair| pair.split('=').next() == Some("x12"));
    let fields = if x12_given {
        vec![FieldError::new("x12", "must be true or false")]
    } else {
        Vec::new()
    };
    ApiError::BadRequest {
        code: "invalid_query",
        message: "the query string is invalid; see /openapi.json for the parameters".to_owned(),
        fields,
    }
    .into()
}

/// `PathConfig::error_handler`: an unusable path segment is a 404.
pub fn path_error_handler(
    _error: actix_web::error::PathError,
    _request: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::NotFound.into()
}
