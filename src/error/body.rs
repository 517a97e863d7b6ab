//! The JSON bodies of errors: [`ErrorBody`] (`{"error": {...}}`) and [`RejectedAnswerBody`] (a payer's whole
//! answer plus `error`).
use payer_core::PayerErrorInfo;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::FieldError;
use crate::routes::eligibility::CheckBody;

/// The JSON error body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
    /// The payer's normalized rejections (422 after a 999 or TA1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<PayerErrorInfo>,
    /// The payer's raw answer (502), only when the client asked for it with `x12=true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x12: Option<String>,
}

/// What went wrong.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code (see the table in the API description).
    #[schema(example = "invalid_request")]
    pub code: String,
    /// A sentence for a person. Never contains member data.
    #[schema(example = "the request has 1 invalid field")]
    pub message: String,
    /// The offending fields, each named by its JSON path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// The 422 body when the payer's 271 rejected the inquiry: the whole normalized answer plus `error`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RejectedAnswerBody {
    /// The answer, with its `errors` (AAA) and `meta`.
    #[serde(flatten)]
    pub answer: CheckBody,
    /// Why this is an error.
    pub error: ErrorDetail,
}
