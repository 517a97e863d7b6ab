//! The API over TLS: a certificate made by a test CA, checked by a client that trusts only that CA; and a new
//! certificate picked up on SIGHUP without a restart.
// See: issue 7.
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

use crate::helpers::{spawn_app_with, TempDir};

/// A CA, and a server certificate for 127.0.0.1 and localhost that it signed; written as PEM files in `dir`.
/// Returns the CA certificate's PEM.
fn make_pki(dir: &Path, name: &str) -> String {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, format!("{name} test CA"));
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "gateway");
    let server = params.signed_by(&server_key, &ca, &ca_key).unwrap();
    std::fs::write(dir.join("cert.pem"), server.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), server_key.serialize_pem()).unwrap();
    ca.pem()
}

fn client_trusting(ca_pem: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_api_serves_https_verified_by_the_test_ca_and_reloads_its_certificate_on_sighup() {
    let pki = TempDir::new();
    let first_ca = make_pki(pki.path(), "first");
    let tls = format!(
        "[server.tls]\ncert_pem = \"{}\"\nkey_pem = \"{}\"\n",
        pki.path().join("cert.pem").display(),
        pki.path().join("key.pem").display()
    );
    let app = spawn_app_with("info", &tls);
    assert!(
        app.address.starts_with("https://127.0.0.1:"),
        "{}",
        app.address
    );

    let first = client_trusting(&first_ca);
    let response = first
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
    let check = first
        .post(format!("{}/v1/eligibility", app.address))
        .json(&crate::helpers::request(
            "sandbox",
            &crate::helpers::member("ACT"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(check.status().as_u16(), 200);

    // A client that does not trust the test CA is refused.
    let stranger = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .build()
        .unwrap();
    assert!(stranger
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .is_err());
    // Plain HTTP on the TLS port gets no answer.
    let plain = app.address.replacen("https://", "http://", 1);
    let plain = reqwest::get(format!("{plain}/healthz")).await;
    assert!(plain.map(|r| !r.status().is_success()).unwrap_or(true));

    // Renewal: new files, SIGHUP, and new connections get the new certificate.
    let second_ca = make_pki(pki.path(), "second");
    let status = Command::new("kill")
        .args(["-HUP", &app.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let second = client_trusting(&second_ca);
    let mut reloaded = false;
    for _ in 0..50 {
        if second
            .get(format!("{}/healthz", app.address))
            .send()
            .await
            .is_ok()
        {
            reloaded = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        reloaded,
        "the new certificate was not served after SIGHUP: {}",
        app.output()
    );
    // A fresh client trusting only the first CA is now refused.
    let first_again = client_trusting(&first_ca);
    assert!(first_again
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .is_err());

    // A broken renewal keeps the working certificate.
    std::fs::write(pki.path().join("key.pem"), "not a key").unwrap();
    Command::new("kill")
        .args(["-HUP", &app.pid().to_string()])
        .status()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let still = client_trusting(&second_ca);
    assert_eq!(
        still
            .get(format!("{}/healthz", app.address))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    let logs = app.stop();
    assert!(logs.contains("TLS certificate reloaded"), "{logs}");
    assert!(logs.contains("TLS certificate not reloaded"), "{logs}");
}
