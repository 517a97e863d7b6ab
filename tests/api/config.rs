//! The binary refuses a configuration it cannot honour, naming the key, and never starts listening.
use std::time::Duration;

use crate::helpers::{run_to_exit, write_config, TempDir};

fn refuses(extra: &str, env: &[(&str, &str)], key: &str) {
    let dir = TempDir::new();
    let config = write_config(&dir, "info", extra);
    let config = config.to_str().unwrap();
    let (status, stdout, stderr) = run_to_exit(
        &["serve", "--config", config, "--listen", "127.0.0.1:0"],
        env,
        Duration::from_secs(30),
    );
    assert!(!status.success(), "started with {extra:?} {env:?}");
    assert!(!stdout.contains("listening on"), "{stdout}");
    assert!(
        stderr.contains(key),
        "the error does not name {key}: {stderr}"
    );
}

#[test]
fn a_value_of_the_wrong_type_is_refused_by_key() {
    refuses(
        "[server]\nmax_body_bytes = \"lots\"\n",
        &[],
        "server.max_body_bytes",
    );
}

#[test]
fn an_unknown_key_is_refused_by_name() {
    refuses("[server]\nlisten_port = 8080\n", &[], "listen_port");
}

#[test]
fn a_bad_environment_override_is_refused_by_key() {
    refuses(
        "",
        &[("GATEWAY__SERVER__MAX_DEADLINE_MS", "fast")],
        "max_deadline_ms",
    );
}

#[test]
fn a_missing_config_file_is_refused() {
    let (status, _, stderr) = run_to_exit(
        &[
            "serve",
            "--config",
            "/nonexistent/gateway.toml",
            "--listen",
            "127.0.0.1:0",
        ],
        &[],
        Duration::from_secs(30),
    );
    assert!(!status.success());
    assert!(stderr.contains("/nonexistent/gateway.toml"), "{stderr}");
}
