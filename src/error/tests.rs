//! The status table: every router and adapter error maps to its status and code, with no internals.
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::http::StatusCode;
use actix_web::ResponseError;
use payer_core::{AdapterError, PayerErrorInfo};

use super::ApiError;
use crate::router::CheckError;

fn status_and_code(error: &ApiError) -> (u16, &'static str) {
    (error.status_code().as_u16(), error.code())
}

fn rejection(retryable: bool) -> PayerErrorInfo {
    PayerErrorInfo {
        code: "42".into(),
        description: "Unable to Respond at Current Time".into(),
        location: "2100A".into(),
        retryable,
        ..PayerErrorInfo::default()
    }
}

#[test]
fn adapter_errors_map_by_whose_fault_and_retryability() {
    let cases: Vec<(AdapterError, (u16, &str))> = vec![
        (
            AdapterError::InvalidRequest {
                field: "subscriber.lastName".into(),
                message: "too long".into(),
            },
            (400, "invalid_request"),
        ),
        (
            AdapterError::Connect("refused".into()),
            (503, "payer_unavailable"),
        ),
        (
            AdapterError::Timeout(Duration::from_secs(1)),
            (504, "deadline_exceeded"),
        ),
        (
            AdapterError::HttpStatus { status: 503 },
            (503, "payer_unavailable"),
        ),
        (
            AdapterError::HttpStatus { status: 404 },
            (502, "payer_bad_response"),
        ),
        (
            AdapterError::Envelope {
                code: "Busy".into(),
                message: "later".into(),
                retryable: true,
            },
            (503, "payer_unavailable"),
        ),
        (
            AdapterError::Envelope {
                code: "PayloadTypeIllegal".into(),
                message: "no".into(),
                retryable: false,
            },
            (502, "payer_bad_response"),
        ),
        (
            AdapterError::Malformed {
                detail: "missing segment BHT".into(),
                raw: Some("ISA*...".into()),
            },
            (502, "payer_bad_response"),
        ),
        (
            AdapterError::Rejected {
                errors: vec![rejection(false)],
            },
            (422, "payer_rejected"),
        ),
        (
            AdapterError::Credentials("missing".into()),
            (500, "internal_error"),
        ),
        (
            AdapterError::Internal("bug".into()),
            (500, "internal_error"),
        ),
    ];
    for (error, expected) in cases {
        let label = error.to_string();
        let api = ApiError::from_check(CheckError::Payer(error), false);
        assert_eq!(status_and_code(&api), expected, "{label}");
    }
}

#[test]
fn router_errors_map_to_404_400_and_504() {
    let unknown = ApiError::from_check(
        CheckError::UnknownPayer {
            requested: "sandbx".into(),
            close_matches: vec!["sandbox".into()],
        },
        false,
    );
    assert_eq!(status_and_code(&unknown), (404, "unknown_payer"));
    assert!(unknown.detail().message.contains("sandbox"));
    let unsupported = ApiError::from_check(
        CheckError::ServiceTypeNotSupported {
            payer_id: "p".into(),
            unsupported: vec!["88".into()],
            supported: vec!["30".into()],
        },
        false,
    );
    assert_eq!(status_and_code(&unsupported), (400, "invalid_request"));
    assert_eq!(
        unsupported.detail().fields[0].path,
        "encounter.serviceTypeCodes"
    );
    let late = ApiError::from_check(CheckError::DeadlineExceeded, false);
    assert_eq!(status_and_code(&late), (504, "deadline_exceeded"));
}

#[test]
fn the_raw_payload_is_kept_only_when_asked_for() {
    let malformed = || {
        CheckError::Payer(AdapterError::Malformed {
            detail: "truncated".into(),
            raw: Some("ISA*RAW".into()),
        })
    };
    let body = |error: ApiError| {
        let bytes = error.error_response().into_body().try_into_bytes().unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    };
    assert!(!body(ApiError::from_check(malformed(), false)).contains("ISA*RAW"));
    assert!(body(ApiError::from_check(malformed(), true)).contains("ISA*RAW"));
}

#[test]
fn unavailable_answers_carry_retry_after_and_internals_stay_out_of_bodies() {
    let unavailable = ApiError::from_check(
        CheckError::Payer(AdapterError::Connect("refused".into())),
        false,
    );
    let response = unavailable.error_response();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().get("retry-after").is_some());

    let internal = ApiError::Unexpected(anyhow::anyhow!("secret internal detail"));
    let bytes = internal
        .error_response()
        .into_body()
        .try_into_bytes()
        .unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("secret internal detail"));
    assert!(
        format!("{internal:?}").contains("secret internal detail"),
        "Debug keeps the cause chain"
    );
}
