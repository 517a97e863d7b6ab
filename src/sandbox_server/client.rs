//! Noticing that a client went away while the sandbox payer holds its answer (engineer J, issue 6), so that
//! `/stats` can count requests the gateway cancelled (a hedge that lost, a discovery that found its active
//! payer, a client that disconnected). actix-web does not drop a handler when its client disconnects, so the
//! connection is watched instead: a duplicate of its socket, registered with the runtime, is peeked at, which
//! answers at once when the client closes the connection (end of stream) or resets it.
use std::time::Duration;

/// Waits `delay`, or until the client closes the connection if that comes first; `true` when it did.
pub(super) async fn wait_unless_closed(socket: Option<&socket2::Socket>, delay: Duration) -> bool {
    let sleep = tokio::time::sleep(delay);
    tokio::pin!(sleep);
    // Closing the duplicate (on drop) leaves the connection open: the original descriptor keeps it.
    let watched = socket
        .and_then(|socket| socket.try_clone().ok())
        .and_then(|socket| tokio::net::TcpStream::from_std(socket.into()).ok());
    let Some(watched) = watched else {
        sleep.await;
        return false;
    };
    let mut probe = [0u8; 1];
    tokio::select! {
        () = &mut sleep => false,
        peeked = watched.peek(&mut probe) => match peeked {
            // End of stream (the client closed its side) or a reset.
            Ok(0) | Err(_) => true,
            // Bytes waiting (a pipelined request): the client is still there.
            Ok(_) => {
                sleep.await;
                false
            }
        },
    }
}
