//! Unit tests of the sandbox payer server's pure parts: latency specs, fault shares, settings layering.
use payer_sandbox::Latency;
use rand::SeedableRng;

use super::faults::{Fault, FaultShares};
use super::settings::{parse_latency, Options, ServerSettings};
use super::Protocol;

#[test]
fn latency_specs_read_as_fixed_uniform_and_log_normal() {
    assert_eq!(parse_latency("50"), Ok(Latency::Fixed { ms: 50 }));
    assert_eq!(
        parse_latency("20-200"),
        Ok(Latency::Uniform {
            min_ms: 20,
            max_ms: 200
        })
    );
    assert_eq!(
        parse_latency("log-normal:120:900"),
        Ok(Latency::LogNormal {
            median_ms: 120,
            p99_ms: 900
        })
    );
    for bad in [
        "",
        "soon",
        "200-20",
        "log-normal:120",
        "log-normal:900:120",
        "-5",
    ] {
        assert!(parse_latency(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn fault_shares_are_drawn_in_proportion_and_only_where_they_apply() {
    let shares = FaultShares::new(&[("reset", Some(0.25)), ("soap_fault", Some(0.25))]).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let draws = 20_000;
    let mut resets = 0;
    let mut soap_faults = 0;
    for _ in 0..draws {
        match shares.draw(&mut rng, Protocol::CoreSoap) {
            Some(Fault::Reset) => resets += 1,
            Some(Fault::SoapFault) => soap_faults += 1,
            None => {}
            Some(other) => panic!("{other:?} has no share"),
        }
    }
    for count in [resets, soap_faults] {
        let share = f64::from(count) / f64::from(draws);
        assert!((0.23..0.27).contains(&share), "{share}");
    }
    // A SOAP fault cannot happen on the raw X12 endpoint: that request is answered normally.
    for _ in 0..1_000 {
        assert_ne!(
            shares.draw(&mut rng, Protocol::X12Http),
            Some(Fault::SoapFault)
        );
    }
    assert_eq!(
        FaultShares::new(&[])
            .unwrap()
            .draw(&mut rng, Protocol::ChcJson),
        None
    );
    let always = FaultShares::new(&[("oversize", Some(1.0))]).unwrap();
    assert_eq!(
        always.draw(&mut rng, Protocol::ChcJson),
        Some(Fault::Oversize)
    );
    assert!(FaultShares::new(&[("reset", Some(0.6)), ("ta1", Some(0.6))]).is_err());
    assert!(FaultShares::new(&[("reset", Some(-0.1))]).is_err());
    assert!(FaultShares::new(&[("reset", Some(f64::NAN))]).is_err());
}

#[test]
fn flags_override_the_file_and_secrets_come_from_the_environment() {
    let dir = std::env::temp_dir().join(format!(
        "sandbox-settings-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sandbox.toml");
    std::fs::write(
        &file,
        "payer_id = \"FILEPAYER\"\nkeep_last = 7\n[payer]\nlatency = { distribution = \"fixed\", ms = 5 }\n[credentials]\nusername = \"u\"\npassword_env = \"PW\"\n[faults]\nreset = 0.5\n",
    )
    .unwrap();
    let options = Options {
        config: Some(file.clone()),
        payer_id: Some("FLAGPAYER".to_owned()),
        fault_reset: Some(0.1),
        ..Options::default()
    };
    let env = |var: &str| (var == "PW").then(|| "secret".to_owned());
    let settings = ServerSettings::load(&options, &env).unwrap();
    assert_eq!(settings.payer_id, "FLAGPAYER");
    assert_eq!(settings.keep_last, 7);
    assert_eq!(settings.payer.latency, Latency::Fixed { ms: 5 });
    assert_eq!(settings.basic.as_ref().map(|(u, _)| u.as_str()), Some("u"));
    assert_eq!(
        settings.faults,
        FaultShares::new(&[("reset", Some(0.1))]).unwrap()
    );

    let error = ServerSettings::load(&options, &|_: &str| None).unwrap_err();
    assert!(format!("{error:#}").contains("credentials.password_env: environment variable PW"));
    std::fs::write(&file, "colour = \"red\"\n").unwrap();
    let error = ServerSettings::load(&options, &env).unwrap_err();
    assert!(
        format!("{error:#}").contains("unknown field `colour`"),
        "{error:#}"
    );
    let bad_id = Options {
        payer_id: Some("NOT*AN*ID".to_owned()),
        ..Options::default()
    };
    assert!(ServerSettings::load(&bad_id, &env).is_err());
    let _ = std::fs::remove_dir_all(dir);
}

/// Engineer J (issue 6): `faults.spread = "even"` holds the shares over every run of requests.
#[test]
fn even_spread_alternates_a_half_share_and_spaces_a_quarter() {
    use super::faults::van_der_corput;
    let shares = FaultShares::new(&[("timeout", Some(0.5))]).unwrap();
    let faults: Vec<bool> = (0..16)
        .map(|n| {
            shares
                .draw_at(van_der_corput(n), Protocol::X12Http)
                .is_some()
        })
        .collect();
    assert!(
        faults.windows(2).all(|pair| pair[0] != pair[1]),
        "{faults:?}"
    );
    let quarter = FaultShares::new(&[("http_500", Some(0.25))]).unwrap();
    let hits: Vec<u64> = (0..32)
        .filter(|n| {
            quarter
                .draw_at(van_der_corput(*n), Protocol::X12Http)
                .is_some()
        })
        .collect();
    assert_eq!(hits.len(), 8);
    assert!(
        hits.windows(2).all(|pair| pair[1] - pair[0] == 4),
        "{hits:?}"
    );
}
