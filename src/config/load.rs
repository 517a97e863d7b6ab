//! Reading the layers: the embedded defaults, the operator's file, the payer files and the environment.
//!
//! This is the only part of configuration that does I/O. It parses and merges; [`RawConfig::validate`]
//! then judges the values.
use std::path::{Path, PathBuf};

use toml::Value;

use super::de::deserialize_table;
use super::embedded::{EMBEDDED_GATEWAY, EMBEDDED_GATEWAY_ORIGIN, EMBEDDED_PAYERS};
use super::error::{ConfigError, Problems};
use super::layered::{env_overrides, parse_table, Document, EnvOverride};
use super::payer::PayerFile;
use super::settings::Settings;
use super::transport::TransportConfig;
use super::validate::{RawConfig, RawPayer};
use super::validate_payer::env_segment;

/// Keys of `[payers]` itself; any other `GATEWAY__PAYERS__<X>__...` names payer `<X>`.
const PAYERS_SECTION_KEYS: &[&str] = &["dir", "embedded"];

/// Reads every layer: `operator_file` when given, and the `GATEWAY__*` pairs of `environment`.
///
/// An unreadable operator file or `gateway.toml` key stops here; problems in payer files and environment
/// variables are returned beside what could be read, so validation can report its own problems too.
pub(crate) fn read(
    operator_file: Option<&Path>,
    environment: &[(String, String)],
) -> Result<(RawConfig, Problems), ConfigError> {
    let mut problems = Problems::default();
    let mut sources = vec![EMBEDDED_GATEWAY_ORIGIN.to_owned()];
    let mut document = Document::parse(EMBEDDED_GATEWAY, EMBEDDED_GATEWAY_ORIGIN)?;
    if let Some(path) = operator_file {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| {
            ConfigError::single(&origin, None, format!("cannot read the file: {error}"))
        })?;
        document.merge(parse_table(&text, &origin)?, &origin);
        sources.push(origin);
    }

    let overrides = env_overrides(
        environment
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
        &mut problems,
    );
    if !overrides.is_empty() {
        sources.push(format!("environment ({} variables)", overrides.len()));
    }
    let (payer_overrides, gateway_overrides): (Vec<&EnvOverride>, Vec<&EnvOverride>) =
        overrides.iter().partition(|env| is_payer_override(env));
    for env in gateway_overrides {
        document.apply_env(env, 0, &mut problems);
    }

    let settings: Settings = match deserialize_table(document.table.clone()) {
        Ok(settings) => settings,
        Err((key, message)) => {
            problems.push(document.origins.of(&key), &key, message);
            return Err(problems.into_error());
        }
    };

    let mut texts: Vec<(String, String)> = Vec::new();
    if settings.payers.embedded {
        for (path, text) in EMBEDDED_PAYERS {
            texts.push((format!("{path} (embedded)"), (*text).to_owned()));
        }
    }
    if let Some(dir) = settings.payers.dir.as_deref() {
        match read_payer_dir(Path::new(dir)) {
            Ok(files) => {
                sources.push(format!("{dir} ({} payer files)", files.len()));
                texts.extend(files);
            }
            Err(message) => problems.push(document.origins.of("payers.dir"), "payers.dir", message),
        }
    }

    let mut payers: Vec<RawPayer> = Vec::new();
    let mut unreadable_payers = 0;
    let mut matched = vec![false; payer_overrides.len()];
    for (origin, text) in texts {
        let Some(payer) = read_payer(
            &origin,
            &text,
            &payer_overrides,
            &mut matched,
            &mut problems,
        ) else {
            unreadable_payers += 1;
            continue;
        };
        // A later file (the operator's directory) replaces an earlier one (embedded) with the same id.
        payers.retain(|earlier| !earlier.file.id.eq_ignore_ascii_case(&payer.file.id));
        payers.push(payer);
    }
    for (env, matched) in payer_overrides.iter().zip(matched) {
        if !matched {
            let id = env.path.get(1).map_or("", String::as_str);
            problems.push(
                &format!("environment variable {}", env.variable),
                &env.path.join("."),
                format!("no payer has the id `{id}` (in variable names, write `-` and `.` as `_`)"),
            );
        }
    }

    let raw = RawConfig {
        settings,
        origins: document.origins,
        payers,
        unreadable_payers,
        sources,
    };
    Ok((raw, problems))
}

/// Parses one payer file, applies the environment overrides that name its id, and reads its transport.
fn read_payer(
    origin: &str,
    text: &str,
    overrides: &[&EnvOverride],
    matched: &mut [bool],
    problems: &mut Problems,
) -> Option<RawPayer> {
    let mut document = match Document::parse(text, origin) {
        Ok(document) => document,
        Err(error) => {
            problems.extend(error);
            return None;
        }
    };
    if let Some(Value::String(id)) = document.table.get("id") {
        let segment = env_segment(id);
        for (env, matched) in overrides.iter().zip(matched.iter_mut()) {
            if env.path.get(1) == Some(&segment) {
                *matched = true;
                document.apply_env(env, 2, problems);
            }
        }
    }
    let mut file: PayerFile = match deserialize_table(document.table.clone()) {
        Ok(file) => file,
        Err((key, message)) => {
            problems.push(document.origins.of(&key), &key, message);
            return None;
        }
    };
    let transport = match TransportConfig::parse(std::mem::take(&mut file.transport)) {
        Ok(transport) => transport,
        Err((key, message)) => {
            problems.push(document.origins.of(&key), &key, message);
            return None;
        }
    };
    Some(RawPayer {
        file,
        transport,
        origins: document.origins,
    })
}

/// The `*.toml` files of a directory, sorted by name, as (path, text).
fn read_payer_dir(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot read directory {}: {error}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml") && path.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            std::fs::read_to_string(&path)
                .map(|text| (path.display().to_string(), text))
                .map_err(|error| format!("cannot read {}: {error}", path.display()))
        })
        .collect()
}

fn is_payer_override(env: &EnvOverride) -> bool {
    env.path.len() >= 3
        && env.path.first().is_some_and(|section| section == "payers")
        && env
            .path
            .get(1)
            .is_some_and(|key| !PAYERS_SECTION_KEYS.contains(&key.as_str()))
}
