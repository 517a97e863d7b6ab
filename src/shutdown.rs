//! Graceful shutdown: on SIGTERM (or ctrl-c) the gateway stops accepting connections, lets in-flight checks
//! finish within `server.shutdown_grace_s`, cancels what is still running then, and exits cleanly.
//!
//! actix-web's own signal handling is turned off so that the gateway knows when shutdown starts: the signal
//! task ([`stop_on_signal`]) first triggers [`Shutdown`] (batches then start no new check: the checks not
//! started yet are answered `cancelled`, the running ones finish, and the stream ends), then asks the server
//! to stop gracefully. The server stops accepting at once and waits for open requests up to the grace
//! period (`HttpServer::shutdown_timeout`); past it, the workers are stopped and every request future still
//! running is dropped, which cancels its payer calls.
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use tokio::sync::watch;

/// The shutdown signal shared by the handlers; cheap to clone.
#[derive(Debug, Clone)]
pub struct Shutdown {
    sender: Arc<watch::Sender<bool>>,
}

// === impl Shutdown ===

impl Shutdown {
    /// Not triggered yet.
    pub fn new() -> Shutdown {
        let (sender, _) = watch::channel(false);
        Shutdown {
            sender: Arc::new(sender),
        }
    }

    /// Starts the shutdown.
    pub fn trigger(&self) {
        self.sender.send_replace(true);
    }

    /// Whether the shutdown started.
    pub fn is_triggered(&self) -> bool {
        *self.sender.borrow()
    }

    /// Waits until the shutdown starts.
    pub async fn triggered(&self) {
        let mut receiver = self.sender.subscribe();
        // `wait_for` fails only when the sender is gone, which `self` prevents.
        let _ = receiver.wait_for(|triggered| *triggered).await;
    }
}

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown::new()
    }
}

/// Waits for SIGTERM or ctrl-c (SIGINT), then triggers `shutdown` and stops `server` gracefully.
pub async fn stop_on_signal(shutdown: Shutdown, server: ServerHandle) {
    let signal = wait_for_signal().await;
    tracing::info!(
        signal,
        "shutting down: no new connections; in-flight checks may finish"
    );
    shutdown.trigger();
    server.stop(true).await;
}

#[cfg(unix)]
async fn wait_for_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = tokio::signal::ctrl_c() => "SIGINT",
        },
        Err(error) => {
            tracing::warn!(%error, "cannot listen for SIGTERM; only ctrl-c stops the gateway gracefully");
            let _ = tokio::signal::ctrl_c().await;
            "SIGINT"
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() -> &'static str {
    let _ = tokio::signal::ctrl_c().await;
    "ctrl-c"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn triggering_wakes_every_waiter() {
        let shutdown = Shutdown::new();
        assert!(!shutdown.is_triggered());
        let waiter = tokio::spawn({
            let shutdown = shutdown.clone();
            async move { shutdown.triggered().await }
        });
        shutdown.trigger();
        waiter.await.unwrap();
        assert!(shutdown.is_triggered());
        shutdown.triggered().await;
    }
}
