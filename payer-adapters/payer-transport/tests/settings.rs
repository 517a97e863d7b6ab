//! Settings validation: timeouts, size limit, TLS file pairs, endpoint URLs and secrets from the environment.
use payer_transport::{parse_url, secret_from_env, ConfigError, HttpClient, HttpSettings};
use secrecy::ExposeSecret;

#[test]
fn zero_limits_and_half_a_client_identity_are_refused() {
    assert!(HttpSettings::new(0, 1, 1).is_err());
    assert!(HttpSettings::new(1, 0, 1).is_err());
    assert!(HttpSettings::new(1, 1, 0).is_err());
    let s = HttpSettings::new(1, 1, 1).unwrap();
    let err = s
        .clone()
        .with_tls(Some("c.pem".into()), None, None)
        .unwrap_err();
    assert!(err.to_string().contains("client_key_pem"), "{err}");
    let err = s.with_tls(None, Some("k.pem".into()), None).unwrap_err();
    assert!(err.to_string().contains("client_cert_pem"), "{err}");
}

#[test]
fn missing_or_broken_tls_files_stop_the_build() {
    let s = HttpSettings::new(1000, 1000, 1000)
        .unwrap()
        .with_tls(None, None, Some("/nonexistent/ca.pem".into()))
        .unwrap();
    match HttpClient::new(s) {
        Err(ConfigError::ReadFile { field, .. }) => assert_eq!(field, "ca_bundle_pem"),
        other => panic!("{other:?}"),
    }
    let dir = std::env::temp_dir().join(format!("payer-transport-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let junk = dir.join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    let s = HttpSettings::new(1000, 1000, 1000)
        .unwrap()
        .with_tls(Some(junk.clone()), Some(junk.clone()), None)
        .unwrap();
    assert!(HttpClient::new(s).is_err());
    let s = HttpSettings::new(1000, 1000, 1000)
        .unwrap()
        .with_tls(None, None, Some(junk))
        .unwrap();
    assert!(HttpClient::new(s).is_err());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn urls_must_be_http_with_a_host_and_no_credentials() {
    assert!(parse_url("url", "https://payer.example/core").is_ok());
    assert!(parse_url("url", "http://127.0.0.1:9000/x12").is_ok());
    assert!(parse_url("url", "ftp://payer.example/").is_err());
    assert!(parse_url("url", "not a url").is_err());
    let err = parse_url("url", "https://user:secret@payer.example/").unwrap_err();
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[test]
fn a_missing_secret_names_its_variable() {
    let env = |var: &str| (var == "ACME_PASSWORD").then(|| "s3cret".to_owned());
    let secret = secret_from_env("ACME_PASSWORD", "password of payer ACME", &env).unwrap();
    assert_eq!(secret.expose_secret(), "s3cret");
    let err = secret_from_env("ACME_OTHER", "password of payer ACME", &env).unwrap_err();
    assert!(matches!(err, ConfigError::MissingEnv { .. }));
    assert!(err.to_string().contains("ACME_OTHER"), "{err}");
    let empty = |_: &str| Some(String::new());
    assert!(secret_from_env("ACME_PASSWORD", "x", &empty).is_err());
}
