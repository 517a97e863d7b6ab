//! The body of a check answered from the cache, written from the stored bytes without decoding the answer.
//!
//! It holds the same members as the [`CheckBody`](super::eligibility::CheckBody) of a decoded answer: the
//! check's own `controlNumber`, the stored answer's members, `x12` when asked for and kept, and `meta`.
//!
//! The stored members are not copied: the body hands the HTTP server slices of the shared answer, at most
//! [`CHUNK_BYTES`] each. The server copies each into the connection's write buffer, which starts at 8 KiB,
//! doubles when a piece does not fit, and keeps the size it grew to for the connection's life: one 21 KB
//! piece grows it to 32 KiB, and 10,000 open connections keep 320 MB. With the server flushing once
//! [`FLUSH_AT_BYTES`] are buffered, the response head and one piece fit 16 KiB (one doubling), and a
//! typical answer takes two writes (smaller pieces, which would keep 8 KiB, cost a write each: measured
//! slower on the cached path).
use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::web::Bytes;

use crate::cache::StoredAnswer;
use crate::error::ApiError;
use crate::router::{Meta, UnreadableAnswer};

/// The largest piece of a body handed to the HTTP server at once (with a response head of up to 1 KiB,
/// within 16 KiB).
pub const CHUNK_BYTES: usize = 15 * 1024;
/// The HTTP server's `h1_write_buffer_size`: it writes to the socket once this much is buffered.
pub const FLUSH_AT_BYTES: usize = 8 * 1024;

/// The JSON body of a cached answer for the check with `control_number`.
pub fn write(
    answer: &Arc<StoredAnswer>,
    control_number: &str,
    include_x12: bool,
    meta: &Meta,
) -> Result<StoredBody, ApiError> {
    let unexpected = |error: anyhow::Error| ApiError::Unexpected(error);
    let mut head = Vec::with_capacity(64);
    head.extend_from_slice(br#"{"controlNumber":"#);
    serde_json::to_writer(&mut head, control_number).map_err(|e| unexpected(e.into()))?;
    let mut tail = Vec::with_capacity(512);
    if include_x12 {
        if let Some(x12) = answer.x12() {
            let x12 = x12.map_err(|_| unexpected(UnreadableAnswer.into()))?;
            tail.extend_from_slice(br#","x12":"#);
            serde_json::to_writer(&mut tail, x12).map_err(|e| unexpected(e.into()))?;
        }
    }
    tail.extend_from_slice(br#","meta":"#);
    serde_json::to_writer(&mut tail, meta).map_err(|e| unexpected(e.into()))?;
    tail.push(b'}');
    let members = Bytes::from_owner(Members(Arc::clone(answer)));
    Ok(StoredBody::new([
        Bytes::from(head),
        members,
        Bytes::from(tail),
    ]))
}

/// The stored answer's JSON members, as bytes that share the answer.
struct Members(Arc<StoredAnswer>);

impl AsRef<[u8]> for Members {
    fn as_ref(&self) -> &[u8] {
        self.0.members()
    }
}

/// A response body made of pieces, handed out at most [`CHUNK_BYTES`] at a time.
pub struct StoredBody {
    pieces: VecDeque<Bytes>,
    size: u64,
}

impl StoredBody {
    fn new(pieces: impl IntoIterator<Item = Bytes>) -> StoredBody {
        let pieces: VecDeque<Bytes> = pieces.into_iter().filter(|p| !p.is_empty()).collect();
        let size = pieces.iter().map(|piece| piece.len() as u64).sum();
        StoredBody { pieces, size }
    }
}

impl MessageBody for StoredBody {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.size)
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Infallible>>> {
        let pieces = &mut self.get_mut().pieces;
        let chunk = match pieces.front_mut() {
            Some(piece) if piece.len() > CHUNK_BYTES => Some(piece.split_to(CHUNK_BYTES)),
            _ => pieces.pop_front(),
        };
        Poll::Ready(chunk.map(Ok))
    }
}

#[cfg(test)]
mod tests {
    use payer_core::{
        BenefitInformation, Coverage, CoverageStatus, EligibilityResponse, Phi, ResponseMember,
    };
    use serde_json::Value;

    use super::*;
    use crate::router::CacheMeta;
    use crate::routes::eligibility::CheckBody;

    fn answer(status: CoverageStatus) -> EligibilityResponse {
        EligibilityResponse {
            control_number: "STORED-BY-ANOTHER-CHECK".into(),
            subscriber: Some(ResponseMember {
                member_id: Some(Phi::new("ACT1234 \"quoted\"".into())),
                ..ResponseMember::default()
            }),
            benefits_information: vec![BenefitInformation {
                code: "1".into(),
                service_type_codes: ["30"].into(),
                ..BenefitInformation::default()
            }],
            coverage: Coverage {
                status,
                ..Coverage::default()
            },
            x12: Some("ISA*00*~ST*271*0001~".into()),
            ..EligibilityResponse::default()
        }
    }

    fn meta() -> Meta {
        Meta {
            trace_id: "trace-1".into(),
            cache: CacheMeta {
                hit: true,
                age_seconds: Some(3),
                stale: false,
            },
            payer_latency_ms: None,
            attempts: 0,
            x12: Vec::new(),
        }
    }

    /// What the route writes for a decoded answer.
    fn decoded_body(response: EligibilityResponse, include_x12: bool) -> Value {
        let mut body = CheckBody {
            response,
            meta: meta(),
        };
        if !include_x12 {
            body.response.x12 = None;
        }
        serde_json::to_value(&body).unwrap()
    }

    /// Every chunk a body hands out, checked against its announced size and [`CHUNK_BYTES`].
    fn chunks(mut body: StoredBody) -> Vec<Bytes> {
        let BodySize::Sized(size) = body.size() else {
            panic!("a stored body has a size");
        };
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut chunks = Vec::new();
        while let Poll::Ready(Some(Ok(chunk))) = Pin::new(&mut body).poll_next(&mut cx) {
            assert!(chunk.len() <= CHUNK_BYTES && !chunk.is_empty());
            chunks.push(chunk);
        }
        let total: usize = chunks.iter().map(Bytes::len).sum();
        assert_eq!(total as u64, size);
        chunks
    }

    fn written(stored: &Arc<StoredAnswer>, control: &str, include_x12: bool) -> Vec<u8> {
        chunks(write(stored, control, include_x12, &meta()).unwrap()).concat()
    }

    #[test]
    fn a_stored_body_is_the_decoded_body_with_this_checks_control_number() {
        for status in [CoverageStatus::Active, CoverageStatus::Unknown] {
            let stored = Arc::new(StoredAnswer::new(answer(status)).unwrap());
            assert_eq!(stored.status(), status);
            for include_x12 in [false, true] {
                let control = "0000\"4711\\";
                let written: Value =
                    serde_json::from_slice(&written(&stored, control, include_x12)).unwrap();
                let mut expected = answer(status);
                expected.control_number = control.into();
                assert_eq!(written, decoded_body(expected.clone(), include_x12));
                let decoded = stored.decode(control, include_x12).unwrap();
                if !include_x12 {
                    expected.x12 = None;
                }
                assert_eq!(decoded, expected);
            }
        }
    }

    #[test]
    fn a_large_answer_is_handed_out_in_small_chunks_without_copying_it() {
        let mut large = answer(CoverageStatus::Active);
        large.benefits_information = vec![large.benefits_information[0].clone(); 2_000];
        let stored = Arc::new(StoredAnswer::new(large).unwrap());
        let body = chunks(write(&stored, "1", false, &meta()).unwrap());
        assert!(body.len() > stored.members().len() / CHUNK_BYTES);
        let members = stored.members().as_ptr_range();
        assert!(
            body.iter().any(|chunk| members.contains(&chunk.as_ptr())),
            "the members are slices of the stored answer"
        );
        let whole: Value = serde_json::from_slice(&body.concat()).unwrap();
        assert_eq!(
            whole["benefitsInformation"].as_array().map(Vec::len),
            Some(2_000)
        );
    }

    #[test]
    fn stored_bytes_round_trip_and_damaged_ones_are_refused() {
        let stored = StoredAnswer::new(answer(CoverageStatus::Active)).unwrap();
        let again = StoredAnswer::from_bytes(stored.as_bytes().to_vec()).unwrap();
        assert_eq!(again, stored);
        let mut bytes = stored.as_bytes().to_vec();
        for damage in [0usize, 1] {
            let mut bad = bytes.clone();
            bad[damage] = 9;
            assert!(StoredAnswer::from_bytes(bad).is_err(), "byte {damage}");
        }
        bytes[2..6].copy_from_slice(&u32::MAX.wrapping_sub(1).to_le_bytes());
        assert!(
            StoredAnswer::from_bytes(bytes).is_err(),
            "x12 longer than the value"
        );
        assert!(StoredAnswer::from_bytes(vec![1, 0]).is_err(), "too short");
        assert!(
            !format!("{stored:?}").contains("ACT1234"),
            "Debug shows no member data"
        );
    }
}
