//! The 270 eligibility inquiry: encode and decode.

mod decode;
mod encode;
