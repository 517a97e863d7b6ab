//! ANSI X12 005010X279A1 eligibility codec: turns an inquiry into a 270 and any payer's 271, 999 or TA1 into
//! the normalized answer of `payer-core`.
//!
//! - [`tokenizer`]: delimiter detection from the ISA and a zero-copy segment and element splitter.
//! - [`error`]: [`X12Error`], naming the segment and its position, never its content.
//! - [`codes`]: the X12 code tables with their names (service types, EB01, AAA reasons, ...).
//! - [`envelope`]: [`envelope::InterchangeHeader`], the ISA/GS/ST framing every encoder writes.
//! - [`writer`]: an X12 segment writer that refuses data containing a delimiter.
//! - [`inquiry`]: the 270: encode from an `EligibilityRequest`, and decode back.
//! - [`response`]: the 271: decode the 005010X279A1 loop hierarchy, normalize, summarize coverage; and encode.
//! - [`ack`]: 999 and TA1: decode rejections into normalized errors, and encode them.
//! - [`reply`]: [`decode`], any payer reply (271, 999, TA1, several per interchange) into a [`Reply`].
//!
//! The codec has no I/O and no runtime: it depends on `payer-core` and nothing of the gateway.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]

pub mod ack;
pub mod codes;
pub mod envelope;
pub mod error;
pub mod inquiry;
pub mod reply;
pub mod response;
pub mod tokenizer;
pub mod writer;

pub use error::{X12Error, X12ErrorKind};
pub use reply::{decode, decode_271, Reply};
pub use response::summarize;
