//! Mutual TLS: a rustls server (in the test) that trusts only its own CA and requires a client certificate.
//! The client trusts that CA through `ca_bundle_pem` and presents `client_cert_pem`/`client_key_pem`; without
//! them the exchange fails.
use std::path::PathBuf;
use std::sync::Arc;

use payer_core::AdapterError;
use payer_transport::{HttpClient, HttpSettings};
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyPair,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{self, RootCertStore, ServerConfig};
use tokio_rustls::TlsAcceptor;

struct Pki {
    ca: Certificate,
    server: (Certificate, KeyPair),
    client: (Certificate, KeyPair),
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &ca, &ca_key)
        .unwrap();
    let client_key = KeyPair::generate().unwrap();
    let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client = client_params.signed_by(&client_key, &ca, &ca_key).unwrap();
    Pki {
        ca,
        server: (server, server_key),
        client: (client, client_key),
    }
}

/// Serves `200 ok` over TLS to clients with a certificate from the test CA; returns the URL.
async fn mtls_server(pki: &Pki) -> String {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots.add(pki.ca.der().clone()).unwrap();
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.server.1.serialize_der()));
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![pki.server.0.der().clone()], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let _ = tls
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    )
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    format!("https://{addr}/")
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn a_client_certificate_opens_a_server_that_requires_one() {
    let pki = pki();
    let url = mtls_server(&pki).await;
    let dir = std::env::temp_dir().join(format!("payer-transport-mtls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = write(&dir, "ca.pem", &pki.ca.pem());
    let cert = write(&dir, "client.pem", &pki.client.0.pem());
    let key = write(&dir, "client.key", &pki.client.1.serialize_pem());

    let settings = HttpSettings::new(2_000, 5_000, 1_000).unwrap();
    let with_identity = HttpClient::new(
        settings
            .clone()
            .with_tls(Some(cert), Some(key), Some(ca.clone()))
            .unwrap(),
    )
    .unwrap();
    let reply = with_identity
        .send(with_identity.client().get(&url))
        .await
        .unwrap();
    assert_eq!((reply.status, &reply.body[..]), (200, &b"ok"[..]));

    let without_identity =
        HttpClient::new(settings.clone().with_tls(None, None, Some(ca)).unwrap()).unwrap();
    let err = without_identity
        .send(without_identity.client().get(&url))
        .await
        .unwrap_err();
    assert!(matches!(err, AdapterError::Connect(_)), "{err:?}");

    // Without the CA bundle the server's certificate is not trusted at all.
    let untrusting = HttpClient::new(settings).unwrap();
    let err = untrusting
        .send(untrusting.client().get(&url))
        .await
        .unwrap_err();
    assert!(matches!(err, AdapterError::Connect(_)), "{err:?}");
    let _ = std::fs::remove_dir_all(dir);
}
