//! An answer's body written in pieces when many checks are in flight, so that each connection's write
//! buffer stays at the HTTP server's initial 8 KiB instead of growing to its largest answer.
//!
//! actix-web copies a body into the connection's write buffer and keeps that buffer, at the size it grew to,
//! for the connection's life (up to 128 KiB). One piece is the cheapest way to send an answer (one copy, one
//! write), and the gateway does that while few checks are in flight. But a typical answer is about 21 KB, so
//! at 10,000 open connections the buffers alone hold 320 MB. From `server.small_writes_above_in_flight` other
//! checks in flight on, an answer larger than [`PIECE_BYTES`] goes out as a sized stream of such pieces: the
//! server flushes each one (it is set to flush at [`PIECE_BYTES`], see `startup`), and its buffer never
//! grows. That costs a write per piece (three for a typical answer) where memory, not a system call, is what
//! runs out.
use std::convert::Infallible;

use actix_web::body::SizedStream;
use actix_web::http::header::ContentType;
use actix_web::web::Bytes;
use actix_web::HttpResponse;

/// The size of a piece: with the response head (about 400 bytes), one piece fits the server's initial
/// 8 KiB write buffer.
pub const PIECE_BYTES: usize = 7 * 1024;

/// A 200 with the JSON `body`: in one piece, or in pieces of [`PIECE_BYTES`] when `in_pieces`.
pub fn json_ok(body: Vec<u8>, in_pieces: bool) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.content_type(ContentType::json());
    if !in_pieces || body.len() <= PIECE_BYTES {
        return response.body(body);
    }
    let body = Bytes::from(body);
    let length = body.len() as u64;
    let pieces = (0..body.len()).step_by(PIECE_BYTES).map(move |start| {
        let end = body.len().min(start + PIECE_BYTES);
        Ok::<_, Infallible>(body.slice(start..end))
    });
    response.body(SizedStream::new(length, futures::stream::iter(pieces)))
}

#[cfg(test)]
mod tests {
    use actix_web::body::{to_bytes, BodySize, MessageBody};

    use super::*;

    /// The chunks a body yields, in order.
    async fn chunks(body: impl MessageBody + Unpin) -> Vec<Bytes> {
        let mut body = std::pin::pin!(body);
        let mut chunks = Vec::new();
        while let Some(chunk) = std::future::poll_fn(|cx| body.as_mut().poll_next(cx)).await {
            chunks.extend(chunk.ok());
        }
        chunks
    }

    #[actix_web::test]
    async fn pieces_make_up_the_whole_body_with_its_length() {
        let pieces = PIECE_BYTES * 3 + 5;
        for (length, in_pieces, count) in [(100, true, 1), (pieces, true, 4), (pieces, false, 1)] {
            let body: Vec<u8> = (0..length).map(|i| (i % 251) as u8).collect();
            let content = json_ok(body.clone(), in_pieces).into_body();
            assert_eq!(content.size(), BodySize::Sized(length as u64));
            let chunks = chunks(content).await;
            assert_eq!(
                chunks.len(),
                count,
                "{length} bytes, in pieces: {in_pieces}"
            );
            if in_pieces {
                assert!(chunks.iter().all(|chunk| chunk.len() <= PIECE_BYTES));
            }
            assert_eq!(chunks.concat(), body);
        }
        let whole = json_ok(b"{}".to_vec(), true).into_body();
        assert_eq!(to_bytes(whole).await.ok(), Some(Bytes::from_static(b"{}")));
    }
}
