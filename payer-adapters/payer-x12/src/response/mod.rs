//! The 271 eligibility response: decode the 005010X279A1 loop hierarchy, normalize, summarize, and encode.
//!
//! - `decode`: the loop model, segment by segment into [`payer_core::EligibilityResponse`]s.
//! - `normalize`: one segment into its part of the response (names, dates, benefits, AAA errors).
//! - [`summarize`]: the coverage summary, usable on any transport's normalized response.
//! - `encode`: a response back into a 271.

mod coverage;
mod decode;
mod encode;
mod loops;
mod normalize;
mod number;
mod service_index;

pub use coverage::summarize;
pub(crate) use decode::decode_transaction;
pub use encode::encode_271;
