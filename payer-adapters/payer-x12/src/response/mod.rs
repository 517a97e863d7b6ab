//! The 271 eligibility response: decode, normalize, summarize and encode.

mod coverage;
mod decode;
mod encode;
mod normalize;
