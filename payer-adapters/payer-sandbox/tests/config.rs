//! Tests of the sandbox transport settings: TOML as a payer file writes it, defaults, validation, latency draws.
use std::time::Duration;

use payer_sandbox::config::{
    DEFAULT_LATENCY_MS, DEFAULT_PAYER_NAME, DEFAULT_SLOW_DELAY_MS, DEFAULT_TIMEOUT_DELAY_MS,
};
use payer_sandbox::{Latency, SandboxConfig};
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::Deserialize;

/// The way a gateway payer file embeds the transport: an enum tagged by `kind`.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum Transport {
    Sandbox(SandboxConfig),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PayerFile {
    id: String,
    transport: Transport,
}

fn parse(text: &str) -> Result<SandboxConfig, toml::de::Error> {
    let file: PayerFile = toml::from_str(text)?;
    assert_eq!(file.id, "SANDBOX");
    let Transport::Sandbox(config) = file.transport;
    Ok(config)
}

#[test]
fn kind_alone_gives_the_documented_defaults() {
    let config = parse("id = \"SANDBOX\"\n[transport]\nkind = \"sandbox\"\n").unwrap();
    assert_eq!(config, SandboxConfig::default());
    assert_eq!(config.payer_name, DEFAULT_PAYER_NAME);
    assert_eq!(
        config.latency,
        Latency::Fixed {
            ms: DEFAULT_LATENCY_MS
        }
    );
    assert_eq!(
        config.slow_delay(),
        Duration::from_millis(DEFAULT_SLOW_DELAY_MS)
    );
    assert_eq!(
        config.timeout_delay(),
        Duration::from_millis(DEFAULT_TIMEOUT_DELAY_MS)
    );
    config.validate().unwrap();
}

#[test]
fn every_field_and_distribution_parses() {
    let config = parse(
        r#"
        id = "SANDBOX"
        [transport]
        kind = "sandbox"
        payer_name = "ACME HEALTH"
        slow_delay_ms = 1500
        timeout_delay_ms = 45000
        latency = { distribution = "log-normal", median_ms = 120, p99_ms = 900 }
        "#,
    )
    .unwrap();
    assert_eq!(config.payer_name, "ACME HEALTH");
    assert_eq!(config.slow_delay_ms, 1500);
    assert_eq!(config.timeout_delay_ms, 45000);
    assert_eq!(
        config.latency,
        Latency::LogNormal {
            median_ms: 120,
            p99_ms: 900
        }
    );
    config.validate().unwrap();

    let uniform = parse(
        "id = \"SANDBOX\"\n[transport]\nkind = \"sandbox\"\n[transport.latency]\ndistribution = \"uniform\"\nmin_ms = 5\nmax_ms = 9\n",
    )
    .unwrap();
    assert_eq!(
        uniform.latency,
        Latency::Uniform {
            min_ms: 5,
            max_ms: 9
        }
    );
    let fixed = parse("id = \"SANDBOX\"\n[transport]\nkind = \"sandbox\"\nlatency = { distribution = \"fixed\", ms = 0 }\n")
        .unwrap();
    assert_eq!(fixed.latency, Latency::Fixed { ms: 0 });
}

#[test]
fn unknown_keys_are_errors_naming_the_key() {
    let error =
        parse("id = \"SANDBOX\"\n[transport]\nkind = \"sandbox\"\nlatency_ms = 5\n").unwrap_err();
    assert!(error.to_string().contains("latency_ms"), "{error}");
    let error = parse(
        "id = \"SANDBOX\"\n[transport]\nkind = \"sandbox\"\nlatency = { distribution = \"fixed\", ms = 1, p99_ms = 3 }\n",
    )
    .unwrap_err();
    assert!(error.to_string().contains("p99_ms"), "{error}");
    let error =
        parse("id = \"SANDBOX\"\n[transport]\nkind = \"sandbox\"\nlatency = { distribution = \"gamma\" }\n").unwrap_err();
    assert!(error.to_string().contains("gamma"), "{error}");
}

#[test]
fn validation_names_the_key() {
    let cases = [
        (
            SandboxConfig {
                payer_name: "ACME*HEALTH".into(),
                ..SandboxConfig::default()
            },
            "payer_name",
        ),
        (
            SandboxConfig {
                payer_name: "  ".into(),
                ..SandboxConfig::default()
            },
            "payer_name",
        ),
        (
            SandboxConfig {
                slow_delay_ms: 4_000_000,
                ..SandboxConfig::default()
            },
            "slow_delay_ms",
        ),
        (
            SandboxConfig {
                timeout_delay_ms: 4_000_000,
                ..SandboxConfig::default()
            },
            "timeout_delay_ms",
        ),
        (
            SandboxConfig {
                latency: Latency::Uniform {
                    min_ms: 10,
                    max_ms: 5,
                },
                ..SandboxConfig::default()
            },
            "latency.max_ms",
        ),
        (
            SandboxConfig {
                latency: Latency::LogNormal {
                    median_ms: 0,
                    p99_ms: 5,
                },
                ..SandboxConfig::default()
            },
            "latency.median_ms",
        ),
        (
            SandboxConfig {
                latency: Latency::LogNormal {
                    median_ms: 50,
                    p99_ms: 5,
                },
                ..SandboxConfig::default()
            },
            "latency.p99_ms",
        ),
    ];
    for (config, key) in cases {
        let error = config.validate().unwrap_err();
        assert_eq!(error.key, key);
        assert!(error.to_string().contains(key), "{error}");
    }
}

#[test]
fn latency_draws_follow_their_distribution() {
    let mut rng = StdRng::seed_from_u64(7);
    assert_eq!(
        Latency::Fixed { ms: 42 }.sample(&mut rng),
        Duration::from_millis(42)
    );

    let uniform = Latency::Uniform {
        min_ms: 10,
        max_ms: 20,
    };
    let draws: Vec<Duration> = (0..1000).map(|_| uniform.sample(&mut rng)).collect();
    assert!(draws
        .iter()
        .all(|d| (Duration::from_millis(10)..=Duration::from_millis(20)).contains(d)));
    assert!(
        draws.iter().any(|d| *d < Duration::from_millis(13))
            && draws.iter().any(|d| *d > Duration::from_millis(17))
    );

    let log_normal = Latency::LogNormal {
        median_ms: 100,
        p99_ms: 800,
    };
    let mut draws: Vec<Duration> = (0..20_000).map(|_| log_normal.sample(&mut rng)).collect();
    draws.sort();
    let median = draws[draws.len() / 2].as_secs_f64() * 1000.0;
    let p99 = draws[draws.len() * 99 / 100].as_secs_f64() * 1000.0;
    assert!((85.0..115.0).contains(&median), "median {median} ms");
    assert!((650.0..1000.0).contains(&p99), "p99 {p99} ms");
    assert!(draws.iter().all(|d| *d <= Duration::from_millis(8000)));
}
