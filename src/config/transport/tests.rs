//! The `[transport]` kinds: the shipped templates load, and every problem names the file and the key.
use std::path::{Path, PathBuf};

use crate::config::{load_from, TransportConfig};

/// A directory of payer files, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new() -> Dir {
        let path = std::env::temp_dir().join(format!(
            "gateway-transport-config-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(path.join("payers")).unwrap();
        Dir(path)
    }

    fn payer(&self, name: &str, text: &str) -> String {
        let path = self.0.join("payers").join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    fn gateway(&self, payers: &Path) -> PathBuf {
        let path = self.0.join("gateway.toml");
        std::fs::write(
            &path,
            format!(
                "[payers]\nembedded = false\ndir = \"{}\"\n",
                payers.display()
            ),
        )
        .unwrap();
        path
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config/payers/examples")
}

const CORE: &str = "id = \"acme\"\nname = \"Acme\"\n[transport]\nkind = \"x12-core-soap\"\nurl = \"https://core.acme.example/rt\"\nsender_id = \"SUBMITTER\"\nreceiver_id = \"ACME\"\nusage = \"P\"\nusername = \"u\"\npassword_env = \"ACME_PASSWORD\"\n";

/// The one problem reported for a payer file holding `text`, as `(file, line)`.
fn problem(text: &str) -> (String, String) {
    let dir = Dir::new();
    let file = dir.payer("acme.toml", text);
    let gateway = dir.gateway(&dir.0.join("payers"));
    let error = load_from(Some(&gateway), &[]).unwrap_err().to_string();
    (file, error)
}

#[test]
fn the_shipped_templates_load_with_their_kinds() {
    let dir = Dir::new();
    let gateway = dir.gateway(&examples());
    let settings = load_from(Some(&gateway), &[]).unwrap();
    let kinds: Vec<(&str, &str)> = settings
        .payers
        .iter()
        .map(|p| (p.id.as_str(), p.transport.kind()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("sandbox-chc-json", "chc-json"),
            ("sandbox-core-mime", "x12-core-mime"),
            ("sandbox-core-soap", "x12-core-soap"),
            ("sandbox-x12-http", "x12-http"),
        ]
    );
    let soap = settings.payer("sandbox-core-soap").unwrap();
    let TransportConfig::CoreSoap(core) = &soap.transport else {
        panic!("not CORE SOAP")
    };
    assert_eq!(core.password_env, "SANDBOX_PAYER_PASSWORD");
    assert_eq!(core.url, "http://127.0.0.1:9090/core/soap");
    assert!(soap.transport.sends_x12());
    assert!(!settings
        .payer("sandbox-chc-json")
        .unwrap()
        .transport
        .sends_x12());
}

#[test]
fn an_environment_variable_overrides_a_transport_key() {
    let dir = Dir::new();
    let gateway = dir.gateway(&examples());
    let env = [(
        "GATEWAY__PAYERS__SANDBOX_X12_HTTP__TRANSPORT__URL".to_owned(),
        "http://127.0.0.1:1/x12".to_owned(),
    )];
    let settings = load_from(Some(&gateway), &env).unwrap();
    let TransportConfig::X12Http(config) = &settings.payer("sandbox-x12-http").unwrap().transport
    else {
        panic!("not x12-http")
    };
    assert_eq!(config.url, "http://127.0.0.1:1/x12");
}

#[test]
fn problems_name_the_file_and_the_transport_key() {
    let cases = [
        (CORE.replace("url = \"https://core.acme.example/rt\"\n", ""), "transport.url: is required"),
        (CORE.replace("https://core", "ftp://core"), "transport.url: must be an http or https URL"),
        (CORE.replace("https://core", "https://user:pw@core"), "transport.url: must not hold credentials"),
        (CORE.replace("SUBMITTER", "SUBMITTER-WAY-TOO-LONG"), "transport.sender_id: must have 1 to 15 characters"),
        (CORE.replace("usage = \"P\"", "usage = \"X\""), "transport.usage"),
        (format!("{CORE}bogus = 1\n"), "transport.bogus: unknown field"),
        (format!("{CORE}connect_timeout_ms = 0\n"), "transport.connect_timeout_ms: must be above 0"),
        (format!("{CORE}client_cert_pem = \"/tmp/cert.pem\"\n"), "transport.client_key_pem: is required when client_cert_pem is set"),
        (CORE.replace("x12-core-soap", "x12-http").replace("password_env = \"ACME_PASSWORD\"\n", ""), "transport.password_env: is required when username is set"),
        ("id = \"acme\"\nname = \"Acme\"\n[transport]\nkind = \"chc-json\"\nurl = \"https://api.example/v3\"\nclient_id = \"c\"\nclient_secret_env = \"S\"\n".to_owned(), "transport.token_url: is required"),
        ("id = \"acme\"\nname = \"Acme\"\n[transport]\nkind = \"chc-json\"\nurl = \"https://api.example/v3\"\ntoken_url = \"https://api.example/token\"\nclient_id = \" \"\nclient_secret_env = \"S\"\n".to_owned(), "transport.client_id: is required"),
        (CORE.replace("x12-core-soap", "x12-carrier-pigeon"), "transport.kind: unknown transport `x12-carrier-pigeon`"),
    ];
    for (text, expected) in cases {
        let (file, error) = problem(&text);
        assert!(
            error.contains(&format!("{file}: {expected}")),
            "expected `{file}: {expected}` in:\n{error}"
        );
    }
}

#[tokio::test]
async fn an_unset_secret_stops_the_build_naming_the_file_key_and_variable() {
    let dir = Dir::new();
    let variable = format!("GATEWAY_TEST_UNSET_{}", uuid::Uuid::new_v4().simple());
    let soap = dir.payer("acme.toml", &CORE.replace("ACME_PASSWORD", &variable));
    let gateway = dir.gateway(&dir.0.join("payers"));
    let settings = load_from(Some(&gateway), &[]).unwrap();
    let error = format!("{:#}", crate::router::build(&settings).await.err().unwrap());
    assert!(
        error.contains(&format!(
            "{soap}: transport.password_env: environment variable {variable} is not set"
        )),
        "{error}"
    );

    std::fs::remove_file(&soap).unwrap();
    let json = dir.payer("json.toml", &format!("id = \"json\"\nname = \"Json\"\n[transport]\nkind = \"chc-json\"\nurl = \"https://api.example/v3\"\ntoken_url = \"https://api.example/token\"\nclient_id = \"c\"\nclient_secret_env = \"{variable}\"\n"));
    let settings = load_from(Some(&gateway), &[]).unwrap();
    let error = format!("{:#}", crate::router::build(&settings).await.err().unwrap());
    assert!(
        error.contains(&format!(
            "{json}: transport.client_secret_env: environment variable {variable}"
        )),
        "{error}"
    );
}

#[tokio::test]
async fn an_x12_payer_name_with_a_delimiter_stops_the_build() {
    let dir = Dir::new();
    let file = dir.payer(
        "acme.toml",
        &CORE
            .replace("name = \"Acme\"", "name = \"Acme*Health\"")
            .replace("ACME_PASSWORD", "PATH"),
    );
    let gateway = dir.gateway(&dir.0.join("payers"));
    let settings = load_from(Some(&gateway), &[]).unwrap();
    let error = format!("{:#}", crate::router::build(&settings).await.err().unwrap());
    assert!(error.contains(&format!("{file}: name: must be")), "{error}");
}
