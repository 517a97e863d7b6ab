//! The 270 eligibility inquiry: encode an [`EligibilityRequest`](payer_core::EligibilityRequest) as a
//! 005010X279A1 270, and decode a 270 back into requests (what a payer, such as the sandbox, receives).

mod decode;
mod encode;
mod name;

pub use decode::{decode_270, decode_270_each};
pub use encode::{encode_270, encode_270_with_payer_name, VERSION_270};
pub use name::{normalize_last_name, NormalizedName};
