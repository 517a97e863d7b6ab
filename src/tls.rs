//! HTTPS for the API: rustls with the certificate and key of `[server.tls]`, reloaded on SIGHUP.
//!
//! [`ReloadingCert`] is the server's certificate resolver: it holds the current `CertifiedKey` behind a lock
//! and hands it to every new connection. On SIGHUP ([`reload_on_sighup`]) it reads both files again; a pair
//! that does not load (a half-written file, a key that does not match the certificate) is refused with an
//! error in the log and the previous certificate stays in use, so a botched renewal never takes HTTPS down.
//! Connections already open keep the certificate they started with.
//!
//! TLS 1.2 and 1.3 only (rustls' safe defaults), the `ring` provider, no client certificates.
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use anyhow::Context;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::ServerConfig;

use crate::config::TlsConfig;

/// The server certificate, swapped on reload.
pub struct ReloadingCert {
    cert_pem: PathBuf,
    key_pem: PathBuf,
    provider: Arc<CryptoProvider>,
    current: RwLock<Arc<CertifiedKey>>,
}

// === impl ReloadingCert ===

impl ReloadingCert {
    /// Loads the certificate chain and key; fails, naming the file, when either does not load.
    pub fn load(config: &TlsConfig) -> anyhow::Result<Arc<ReloadingCert>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = load_pair(&config.cert_pem, &config.key_pem, &provider)?;
        Ok(Arc::new(ReloadingCert {
            cert_pem: config.cert_pem.clone(),
            key_pem: config.key_pem.clone(),
            provider,
            current: RwLock::new(Arc::new(key)),
        }))
    }

    /// Reads the files again and, if they load, serves the new pair to new connections.
    pub fn reload(&self) -> anyhow::Result<()> {
        let key = load_pair(&self.cert_pem, &self.key_pem, &self.provider)?;
        match self.current.write() {
            Ok(mut current) => *current = Arc::new(key),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(key),
        }
        Ok(())
    }

    /// The rustls server configuration that resolves through this certificate.
    pub fn server_config(self: &Arc<Self>) -> anyhow::Result<ServerConfig> {
        let resolver: Arc<dyn ResolvesServerCert> = Arc::clone(self) as Arc<dyn ResolvesServerCert>;
        let config = ServerConfig::builder_with_provider(Arc::clone(&self.provider))
            .with_safe_default_protocol_versions()
            .context("the TLS provider supports no safe protocol version")?
            .with_no_client_auth()
            .with_cert_resolver(resolver);
        Ok(config)
    }
}

impl ResolvesServerCert for ReloadingCert {
    fn resolve(&self, _client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let current = match self.current.read() {
            Ok(current) => current,
            Err(poisoned) => poisoned.into_inner(),
        };
        Some(Arc::clone(&current))
    }
}

impl std::fmt::Debug for ReloadingCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReloadingCert")
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &self.key_pem)
            .finish()
    }
}

/// Reloads `cert` on every SIGHUP until the process ends (spawn it on the runtime that serves).
#[cfg(unix)]
pub async fn reload_on_sighup(cert: Arc<ReloadingCert>) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hangups = match signal(SignalKind::hangup()) {
        Ok(hangups) => hangups,
        Err(error) => {
            tracing::error!(%error, "could not listen for SIGHUP: the TLS certificate will not be reloaded");
            return;
        }
    };
    while hangups.recv().await.is_some() {
        match cert.reload() {
            Ok(()) => {
                tracing::info!(cert_pem = %cert.cert_pem.display(), "TLS certificate reloaded")
            }
            Err(error) => tracing::error!(
                error = format!("{error:#}"),
                "TLS certificate not reloaded; the previous one stays in use"
            ),
        }
    }
}

/// SIGHUP does not exist here: the certificate is loaded once.
#[cfg(not(unix))]
pub async fn reload_on_sighup(_cert: Arc<ReloadingCert>) {}

fn load_pair(
    cert_pem: &Path,
    key_pem: &Path,
    provider: &CryptoProvider,
) -> anyhow::Result<CertifiedKey> {
    let chain = CertificateDer::pem_file_iter(cert_pem)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|error| anyhow::anyhow!("server.tls.cert_pem: {}: {error}", cert_pem.display()))?;
    if chain.is_empty() {
        anyhow::bail!(
            "server.tls.cert_pem: {}: holds no certificate",
            cert_pem.display()
        );
    }
    let key = PrivateKeyDer::from_pem_file(key_pem)
        .map_err(|error| anyhow::anyhow!("server.tls.key_pem: {}: {error}", key_pem.display()))?;
    CertifiedKey::from_der(chain, key, provider).map_err(|error| {
        anyhow::anyhow!(
            "server.tls: {} and {} do not make a usable pair: {error}",
            cert_pem.display(),
            key_pem.display()
        )
    })
}
