//! Unit tests of configuration: layering, env overrides, validation rules, and file/key naming in errors.
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use super::embedded::EMBEDDED_PAYERS;
use super::settings::*;
use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path =
            std::env::temp_dir().join(format!("gateway-config-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn payers(&self) -> String {
        self.0.join("payers").display().to_string()
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(text.as_bytes()).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn error_lines(error: &ConfigError) -> Vec<String> {
    error.problems.iter().map(ToString::to_string).collect()
}

const ACME: &str = r#"
id = "acme"
name = "Acme Health"
aliases = ["acme-health"]
[transport]
kind = "sandbox"
"#;

#[test]
fn embedded_defaults_load_and_match_the_constants() {
    let settings = load_from(None, &[]).unwrap();
    assert_eq!(settings.server.listen.to_string(), DEFAULT_LISTEN);
    assert_eq!(settings.server.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
    assert_eq!(
        settings.server.default_deadline,
        Duration::from_millis(DEFAULT_DEADLINE_MS)
    );
    assert_eq!(
        settings.server.max_deadline,
        Duration::from_millis(DEFAULT_MAX_DEADLINE_MS)
    );
    assert_eq!(settings.server.workers, None);
    assert_eq!(settings.cache.kind, CacheKind::Memory);
    assert_eq!(settings.cache.bound.entries, DEFAULT_CACHE_CAPACITY);
    assert_eq!(settings.cache.bound.bytes, DEFAULT_CACHE_MAX_MB << 20);
    assert!(settings.cache.hmac_key.is_none());
    assert_eq!(
        settings.cache.ttl.active,
        Duration::from_secs(DEFAULT_TTL_ACTIVE_S)
    );
    assert_eq!(
        settings.cache.ttl.inactive,
        Duration::from_secs(DEFAULT_TTL_INACTIVE_S)
    );
    assert_eq!(
        settings.cache.ttl.rejected,
        Duration::from_secs(DEFAULT_TTL_REJECTED_S)
    );
    assert_eq!(settings.log.level, DEFAULT_LOG_LEVEL);
    assert_eq!(settings.log.format, LogFormat::Pretty);
    // The embedded file says what the built-in defaults say.
    let embedded: Settings = toml::from_str(super::embedded::EMBEDDED_GATEWAY).unwrap();
    assert_eq!(embedded, Settings::default());
}

#[test]
fn embedded_payers_are_all_listed_and_valid() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config/payers");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| format!("config/payers/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|name| name.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = EMBEDDED_PAYERS
        .iter()
        .map(|(path, _)| path.to_string())
        .collect();
    listed.sort();
    assert_eq!(on_disk, listed);

    let settings = load_from(None, &[]).unwrap();
    let ids: Vec<&str> = settings.payers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["sandbox", "sandbox-realistic", "sandbox-single"]);
    let sandbox = settings.payer("sandbox").unwrap();
    assert_eq!(sandbox.name, "Sandbox Health Plan");
    assert_eq!(sandbox.aliases, ["sbx", "demo"]);
    assert_eq!(sandbox.transport.kind(), "sandbox");
    assert_eq!(sandbox.timeout, Duration::from_secs(10));
    let single = settings.payer("sandbox-single").unwrap();
    assert_eq!(single.max_service_types_per_inquiry.get(), 1);
    // Its own cache override, and the gateway-wide value where it has none.
    assert_eq!(single.cache_ttl.active, Duration::from_secs(3600));
    assert_eq!(
        single.cache_ttl.inactive,
        Duration::from_secs(DEFAULT_TTL_INACTIVE_S)
    );
}

#[test]
fn operator_file_and_environment_layer_over_the_defaults() {
    let dir = TempDir::new("layers");
    let file = dir.write(
        "gateway.toml",
        "[server]\nlisten = \"0.0.0.0:9090\"\nworkers = 2\n[log]\nformat = \"json\"\n",
    );
    let settings = load_from(
        Some(&file),
        &env(&[
            ("GATEWAY__SERVER__LISTEN", "127.0.0.1:9000"),
            ("GATEWAY__CACHE__TTL_ACTIVE_S", "60"),
            ("GATEWAY__CACHE__HMAC_KEY", &"ab".repeat(32)),
            ("GATEWAY__PAYERS__SANDBOX_SINGLE__TIMEOUT_MS", "5000"),
            (
                "GATEWAY__PAYERS__SANDBOX__SERVICE_TYPES",
                "[\"30\", \"88\"]",
            ),
            ("UNRELATED", "x"),
        ]),
    )
    .unwrap();
    assert_eq!(settings.server.listen.to_string(), "127.0.0.1:9000");
    assert_eq!(settings.server.workers.map(|w| w.get()), Some(2));
    assert_eq!(settings.log.format, LogFormat::Json);
    assert_eq!(settings.cache.ttl.active, Duration::from_secs(60));
    assert_eq!(
        settings.cache.hmac_key.as_ref().unwrap().expose(),
        &[0xab; 32]
    );
    assert_eq!(
        settings.payer("sandbox-single").unwrap().timeout,
        Duration::from_secs(5)
    );
    assert_eq!(
        settings.payer("sandbox").unwrap().service_types,
        ["30", "88"]
    );
    assert_eq!(settings.sources.len(), 3);
}

#[test]
fn unknown_keys_name_the_file_and_the_key() {
    let dir = TempDir::new("unknown");
    let file = dir.write(
        "gateway.toml",
        "[server]\nlisten = \"127.0.0.1:1\"\nlisten_port = 9\n",
    );
    let error = load_from(Some(&file), &[]).unwrap_err();
    let lines = error_lines(&error);
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].starts_with(&format!(
            "{}: server.listen_port: unknown field `listen_port`",
            file.display()
        )),
        "{lines:?}"
    );

    let error = load_from(None, &env(&[("GATEWAY__CACHE__COLOUR", "blue")])).unwrap_err();
    assert!(
        error_lines(&error)[0].starts_with(
            "environment variable GATEWAY__CACHE__COLOUR: cache.colour: unknown field"
        ),
        "{error}"
    );

    let error = load_from(None, &env(&[("GATEWAY__NOPE", "1")])).unwrap_err();
    assert!(error.mentions_key("nope"), "{error}");
}

#[test]
fn payer_file_errors_name_the_file_and_the_key() {
    let dir = TempDir::new("payers");
    dir.write(
        "payers/acme.toml",
        &format!(
            "{ACME}\n[rate_limit]\nrequests_per_second = 1e-30\nburst = 0\nmax_concurrency = 0\n"
        ),
    );
    dir.write(
        "payers/beta.toml",
        "id = \"beta\"\nname = \"Beta\"\ncolour = \"red\"\n[transport]\nkind = \"sandbox\"\n",
    );
    dir.write("payers/gamma.toml", "id = \"gamma\"\nname = \"Gamma\"\n[transport]\nkind = \"sandbox\"\nlatency = { distribution = \"fixed\", ms = \"fast\" }\n");
    dir.write(
        "payers/delta.toml",
        "id = \"delta\"\nname = \"Delta\"\n[transport]\nkind = \"x12-core-soap\"\n",
    );
    dir.write("payers/notes.txt", "not a payer");
    let gateway = dir.write(
        "gateway.toml",
        &format!("[payers]\ndir = \"{}\"\n", dir.payers()),
    );
    let error = load_from(Some(&gateway), &[]).unwrap_err();
    let lines = error_lines(&error);
    let path = |name: &str| dir.0.join("payers").join(name).display().to_string();
    assert!(
        lines.contains(&format!(
            "{}: rate_limit.burst: must be at least 1",
            path("acme.toml")
        )),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&format!(
            "{}: rate_limit.max_concurrency: must be at least 1",
            path("acme.toml")
        )),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&format!(
            "{}: rate_limit.requests_per_second: must be at least 0.001 (one call in 1,000 s)",
            path("acme.toml")
        )),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "{}: colour: unknown field `colour`",
            path("beta.toml")
        ))),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{}: transport.latency", path("gamma.toml")))),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "{}: transport.url: is required",
            path("delta.toml")
        ))),
        "{lines:#?}"
    );
    assert_eq!(lines.len(), 6, "{lines:#?}");
}

#[test]
fn operator_payers_join_and_replace_embedded_ones() {
    let dir = TempDir::new("replace");
    dir.write("payers/acme.toml", ACME);
    dir.write("payers/sandbox.toml", "id = \"sandbox\"\nname = \"Replaced Sandbox\"\ntimeout_ms = 2500\n[transport]\nkind = \"sandbox\"\n");
    let gateway = dir.write(
        "gateway.toml",
        &format!("[payers]\ndir = \"{}\"\n", dir.payers()),
    );
    let settings = load_from(Some(&gateway), &[]).unwrap();
    let ids: Vec<&str> = settings.payers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        ["acme", "sandbox", "sandbox-realistic", "sandbox-single"]
    );
    let sandbox = settings.payer("sandbox").unwrap();
    assert_eq!(sandbox.name, "Replaced Sandbox");
    assert_eq!(sandbox.timeout, Duration::from_millis(2500));
    assert!(sandbox.aliases.is_empty());

    // Without the embedded payers only the operator's remain.
    let gateway = dir.write(
        "only.toml",
        &format!("[payers]\nembedded = false\ndir = \"{}\"\n", dir.payers()),
    );
    let settings = load_from(Some(&gateway), &[]).unwrap();
    let ids: Vec<&str> = settings.payers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["acme", "sandbox"]);
}

#[test]
fn names_collide_across_payers_without_regard_to_case() {
    let dir = TempDir::new("collide");
    dir.write(
        "payers/acme.toml",
        &ACME.replace("[\"acme-health\"]", "[\"SBX\"]"),
    );
    let gateway = dir.write(
        "gateway.toml",
        &format!("[payers]\ndir = \"{}\"\n", dir.payers()),
    );
    let error = load_from(Some(&gateway), &[]).unwrap_err();
    assert_eq!(error.problems.len(), 1, "{error}");
    let line = error.to_string();
    assert!(
        line.contains(
            "acme.toml: aliases[0]: `SBX` is already the id or an alias of payer `sandbox`"
        ),
        "{line}"
    );
}

#[test]
fn validation_reports_every_problem_at_once() {
    let dir = TempDir::new("many");
    let file = dir.write(
        "gateway.toml",
        "[server]\nlisten = \"localhost\"\ndefault_deadline_ms = 30000\nmax_body_bytes = 10\n[cache]\nhmac_key = \"secret-not-hex\"\ncapacity = 0\nmax_mb = 0\n[log]\nlevel = \"loud\"\n",
    );
    let error = load_from(Some(&file), &[]).unwrap_err();
    for key in [
        "server.listen",
        "server.default_deadline_ms",
        "server.max_body_bytes",
        "cache.hmac_key",
        "cache.capacity",
        "cache.max_mb",
        "log.level",
    ] {
        assert!(error.mentions_key(key), "{key} missing from {error}");
    }
    // The bad key is not echoed.
    assert!(!error.to_string().contains("secret-not-hex"));
    let file = dir.write("int.toml", "[cache]\nhmac_key = 918273645\n");
    let error = load_from(Some(&file), &[]).unwrap_err();
    assert!(
        error
            .to_string()
            .ends_with("cache.hmac_key: must be a string"),
        "{error}"
    );
    assert!(error.to_string().starts_with(&file.display().to_string()));
}

#[test]
fn environment_errors_name_the_variable() {
    let error = load_from(None, &env(&[("GATEWAY__SERVER__WORKERS", "many")])).unwrap_err();
    assert!(
        error.to_string().starts_with(
            "environment variable GATEWAY__SERVER__WORKERS: server.workers: invalid type"
        ),
        "{error}"
    );
    let error = load_from(None, &env(&[("GATEWAY__PAYERS__ACME__TIMEOUT_MS", "1")])).unwrap_err();
    assert!(
        error.to_string().contains("no payer has the id `acme`"),
        "{error}"
    );
    let error = load_from(
        None,
        &env(&[("GATEWAY__PAYERS__SANDBOX__RATE_LIMIT__BURST", "0")]),
    )
    .unwrap_err();
    assert_eq!(error.to_string(), "environment variable GATEWAY__PAYERS__SANDBOX__RATE_LIMIT__BURST: rate_limit.burst: must be at least 1");
    let error = load_from(None, &env(&[("GATEWAY__SERVER____LISTEN", "x")])).unwrap_err();
    assert!(error.to_string().contains("empty key segment"), "{error}");
}

#[test]
fn syntax_errors_and_missing_files_name_the_file() {
    let dir = TempDir::new("syntax");
    let file = dir.write("gateway.toml", "[server\nlisten = 1\n");
    let error = load_from(Some(&file), &[]).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}: not valid TOML (line 1", file.display())),
        "{error}"
    );
    let missing = dir.0.join("missing.toml");
    let error = load_from(Some(&missing), &[]).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}: cannot read the file", missing.display())),
        "{error}"
    );
    let gateway = dir.write("dir.toml", "[payers]\ndir = \"/nonexistent/payers\"\n");
    let error = load_from(Some(&gateway), &[]).unwrap_err();
    assert!(
        error.to_string().starts_with(&format!(
            "{}: payers.dir: cannot read directory",
            gateway.display()
        )),
        "{error}"
    );
}

#[test]
fn a_payer_file_needs_its_required_keys() {
    let dir = TempDir::new("required");
    dir.write("payers/bare.toml", "id = \"bare\"\n");
    let gateway = dir.write(
        "gateway.toml",
        &format!("[payers]\ndir = \"{}\"\n", dir.payers()),
    );
    let error = load_from(Some(&gateway), &[]).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("bare.toml: (top level): missing field `name`"),
        "{error}"
    );

    dir.write(
        "payers/bare.toml",
        "id = \"bare\"\nname = \"Bare\"\n[transport]\nlatency = 5\n",
    );
    let error = load_from(Some(&gateway), &[]).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("bare.toml: transport.kind: is required"),
        "{error}"
    );
}

#[test]
fn no_payers_is_refused() {
    let error = load_from(None, &env(&[("GATEWAY__PAYERS__EMBEDDED", "false")])).unwrap_err();
    assert!(error.mentions_key("payers"), "{error}");
}

#[test]
fn env_values_are_typed_when_they_read_as_toml() {
    use super::layered::env_overrides;
    let mut problems = super::error::Problems::default();
    let overrides = env_overrides(
        [
            ("GATEWAY__A", "12"),
            ("GATEWAY__B", "true"),
            ("GATEWAY__C", "127.0.0.1:80"),
            ("GATEWAY__D", "\"0123\""),
            ("GATEWAY__E", "2024-01-01"),
            ("GATEWAY__F", &"1".repeat(64)),
            ("GATEWAY__CACHE__HMAC_KEY", "1e10"),
        ],
        &mut problems,
    );
    let value = |name: &str| {
        overrides
            .iter()
            .find(|o| o.variable == name)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(value("GATEWAY__A"), toml::Value::Integer(12));
    assert_eq!(value("GATEWAY__B"), toml::Value::Boolean(true));
    assert_eq!(
        value("GATEWAY__C"),
        toml::Value::String("127.0.0.1:80".into())
    );
    assert_eq!(value("GATEWAY__D"), toml::Value::String("0123".into()));
    assert_eq!(
        value("GATEWAY__E"),
        toml::Value::String("2024-01-01".into())
    );
    // A 64-digit key overflows a TOML integer and stays text.
    assert_eq!(value("GATEWAY__F"), toml::Value::String("1".repeat(64)));
    // A key is text even when it reads as a number.
    assert_eq!(
        value("GATEWAY__CACHE__HMAC_KEY"),
        toml::Value::String("1e10".into())
    );
}

#[test]
fn service_types_come_from_the_x12_list() {
    let settings = load_from(
        None,
        &env(&[(
            "GATEWAY__PAYERS__SANDBOX__SERVICE_TYPES",
            "[\"30\", \"mh\"]",
        )]),
    )
    .unwrap();
    assert_eq!(
        settings.payer("sandbox").unwrap().service_types,
        ["30", "MH"]
    );
    let error = load_from(
        None,
        &env(&[(
            "GATEWAY__PAYERS__SANDBOX__SERVICE_TYPES",
            "[\"30\", \"Q9\"]",
        )]),
    )
    .unwrap_err();
    assert!(error.mentions_key("service_types[1]"), "{error}");
}
