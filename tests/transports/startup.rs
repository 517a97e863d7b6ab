//! Startup on both sides: the sandbox payer refuses settings it cannot honour, naming the key; the gateway
//! refuses a payer template whose secret's environment variable is unset, naming the file and key, and the
//! embedded defaults (which never read the templates) start with no secret set.
use std::time::Duration;

use crate::helpers::*;

#[test]
fn settings_problems_stop_the_sandbox_payer_naming_the_key() {
    let limit = Duration::from_secs(20);
    let cases: [(&[&str], &str); 4] = [
        (
            &["--config", "config/sandbox-payer.toml"],
            "credentials.password_env: environment variable SANDBOX_PAYER_PASSWORD is not set",
        ),
        (
            &["--fault-reset", "0.7", "--fault-http-500", "0.7"],
            "faults: the shares add up to",
        ),
        (
            &["--fault-timeout", "2"],
            "faults.timeout: must be a share from 0 to 1",
        ),
        (
            &["--username", "u"],
            "credentials.password_env: is required with credentials.username",
        ),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["sandbox-payer", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(flags);
        let (success, output) = run_to_exit(&args, &[], limit);
        assert!(!success, "{args:?}");
        assert!(output.contains(expected), "{expected} in {output}");
    }
    let (success, output) = run_to_exit(&["sandbox-payer", "--latency", "soon"], &[], limit);
    assert!(!success);
    assert!(output.contains("--latency"), "{output}");
}

#[test]
fn the_gateway_refuses_a_template_whose_secret_is_unset_and_serves_without_templates() {
    let dir = TempDir::new();
    let config = dir.path().join("gateway.toml");
    std::fs::write(
        &config,
        format!(
            "[payers]\ndir = \"{}\"\n",
            root().join("config/payers/examples").display()
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    let (success, output) = run_to_exit(
        &["serve", "--config", &config, "--listen", "127.0.0.1:0"],
        &[],
        Duration::from_secs(20),
    );
    assert!(!success);
    // Every template whose secret is unset is named in the one start, not only the first.
    let json = root().join("config/payers/examples/sandbox-chc-json.toml");
    let mime = root().join("config/payers/examples/sandbox-core-mime.toml");
    for expected in [
        format!(
            "{}: transport.client_secret_env: environment variable SANDBOX_PAYER_CLIENT_SECRET is not set",
            json.display()
        ),
        format!(
            "{}: transport.password_env: environment variable SANDBOX_PAYER_PASSWORD is not set",
            mime.display()
        ),
    ] {
        assert!(output.contains(&expected), "{expected} in {output}");
    }
    let (success, output) = run_to_exit(
        &["serve", "--config", &config, "--listen", "127.0.0.1:0"],
        &vars(&[("SANDBOX_PAYER_CLIENT_SECRET", "set")]),
        Duration::from_secs(20),
    );
    assert!(!success);
    assert!(!output.contains("SANDBOX_PAYER_CLIENT_SECRET"), "{output}");
    assert!(
        output.contains(&format!(
            "{}: transport.password_env: environment variable SANDBOX_PAYER_PASSWORD is not set",
            mime.display()
        )),
        "{output}"
    );
    // The embedded defaults never read the templates: serve starts with no secret in the environment.
    let default = Process::start(
        &["serve", "--listen", "127.0.0.1:0"],
        &vars(&[
            ("SANDBOX_PAYER_PASSWORD", ""),
            ("SANDBOX_PAYER_CLIENT_SECRET", ""),
        ]),
    );
    assert!(default.address.starts_with("http://127.0.0.1:"));
}
