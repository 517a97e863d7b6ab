//! Validation of one payer file, and of the payer names across files.
use std::collections::HashMap;
use std::num::{NonZeroU32, NonZeroUsize};
use std::time::Duration;

use super::error::Problems;
use super::settings::MIN_REQUESTS_PER_SECOND;
use super::validate::{check_range, ttl, RawPayer};
use super::validate_resilience::validate_resilience;
use super::validated::{CacheTtls, PayerConfig, RateLimit};

/// Longest payer timeout accepted, in milliseconds.
const MAX_PAYER_TIMEOUT_MS: u64 = 600_000;
/// Most service types in one 270 (EQ01 repeats 99 times in 005010X279A1).
const MAX_SERVICE_TYPES_PER_INQUIRY: usize = 99;
/// Longest payer id or alias, in characters.
const MAX_ID_LEN: usize = 64;
/// Payer ids that would collide with `[payers]` keys in environment variable names.
const RESERVED_IDS: &[&str] = &["dir", "embedded"];

pub(super) fn validate_payer(
    payer: RawPayer,
    defaults: Option<CacheTtls>,
    problems: &mut Problems,
) -> Option<PayerConfig> {
    let RawPayer {
        file,
        transport,
        origins,
    } = payer;
    let before = problems.len();
    let at = |key: &str| origins.of(key).to_owned();
    let id = file.id.trim().to_owned();
    if !is_valid_name(&id) {
        problems.push(
            &at("id"),
            "id",
            format!("must be 1 to {MAX_ID_LEN} characters of A-Z a-z 0-9 . _ -"),
        );
    } else if RESERVED_IDS.contains(&id.to_ascii_lowercase().as_str()) {
        problems.push(&at("id"), "id", "is reserved (it names a key of [payers])");
    }
    let name = file.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 120 {
        problems.push(&at("name"), "name", "must be 1 to 120 characters");
    }
    for (index, alias) in file.aliases.iter().enumerate() {
        if !is_valid_name(alias.trim()) {
            problems.push(
                &at("aliases"),
                &format!("aliases[{index}]"),
                format!("must be 1 to {MAX_ID_LEN} characters of A-Z a-z 0-9 . _ -"),
            );
        }
    }
    check_range(
        problems,
        &origins,
        "timeout_ms",
        file.timeout_ms,
        1,
        MAX_PAYER_TIMEOUT_MS,
    );
    let rate = &file.rate_limit;
    if !(rate.requests_per_second.is_finite()
        && rate.requests_per_second >= MIN_REQUESTS_PER_SECOND)
    {
        problems.push(
            &at("rate_limit.requests_per_second"),
            "rate_limit.requests_per_second",
            "must be at least 0.001 (one call in 1,000 s)",
        );
    }
    let burst = NonZeroU32::new(rate.burst);
    if burst.is_none() {
        problems.push(
            &at("rate_limit.burst"),
            "rate_limit.burst",
            "must be at least 1",
        );
    }
    let max_concurrency = NonZeroU32::new(rate.max_concurrency);
    if max_concurrency.is_none() {
        problems.push(
            &at("rate_limit.max_concurrency"),
            "rate_limit.max_concurrency",
            "must be at least 1",
        );
    }
    let max_service_types = NonZeroUsize::new(file.max_service_types_per_inquiry)
        .filter(|n| n.get() <= MAX_SERVICE_TYPES_PER_INQUIRY);
    if max_service_types.is_none() {
        problems.push(
            &at("max_service_types_per_inquiry"),
            "max_service_types_per_inquiry",
            format!("must be 1 to {MAX_SERVICE_TYPES_PER_INQUIRY}"),
        );
    }
    for (index, code) in file.service_types.iter().enumerate() {
        if !is_service_type_code(code) {
            problems.push(
                &at("service_types"),
                &format!("service_types[{index}]"),
                "must be an X12 service type code (005010 table, such as 30, 88 or MH)",
            );
        }
    }
    let overrides = &file.cache;
    let cache_ttl = defaults.map(|defaults| CacheTtls {
        active: overrides.ttl_active_s.map_or(defaults.active, |s| {
            ttl(problems, &at("cache.ttl_active_s"), "cache.ttl_active_s", s)
        }),
        inactive: overrides.ttl_inactive_s.map_or(defaults.inactive, |s| {
            ttl(
                problems,
                &at("cache.ttl_inactive_s"),
                "cache.ttl_inactive_s",
                s,
            )
        }),
        rejected: overrides.ttl_rejected_s.map_or(defaults.rejected, |s| {
            ttl(
                problems,
                &at("cache.ttl_rejected_s"),
                "cache.ttl_rejected_s",
                s,
            )
        }),
    });
    let resilience = validate_resilience(
        &file.retry,
        &file.hedge,
        &file.circuit_breaker,
        &origins,
        problems,
    );
    if problems.len() != before {
        return None;
    }
    Some(PayerConfig {
        id,
        name,
        aliases: file
            .aliases
            .iter()
            .map(|alias| alias.trim().to_owned())
            .collect(),
        transport,
        timeout: Duration::from_millis(file.timeout_ms),
        rate_limit: RateLimit {
            requests_per_second: rate.requests_per_second,
            burst: burst?,
            max_concurrency: max_concurrency?,
        },
        max_service_types_per_inquiry: max_service_types?,
        service_types: file
            .service_types
            .iter()
            .map(|code| code.trim().to_ascii_uppercase())
            .collect(),
        cache_ttl: cache_ttl?,
        resilience: resilience?,
        origin: origins.of("id").to_owned(),
    })
}

/// Ids and aliases are one namespace, compared without regard to case; environment variable names fold
/// `-` and `.` into `_`, so ids must stay apart after that too.
pub(super) fn check_names_unique(payers: &[PayerConfig], problems: &mut Problems) {
    let mut seen: HashMap<String, (&str, &str)> = HashMap::new();
    let mut env_seen: HashMap<String, &str> = HashMap::new();
    for payer in payers {
        let names = std::iter::once(("id".to_owned(), payer.id.as_str())).chain(
            payer
                .aliases
                .iter()
                .enumerate()
                .map(|(i, alias)| (format!("aliases[{i}]"), alias.as_str())),
        );
        for (key, name) in names {
            let folded = name.to_lowercase();
            match seen.get(&folded) {
                Some((owner, _)) if *owner == payer.id && key != "id" => {
                    problems.push(
                        &payer.origin,
                        &key,
                        format!("`{name}` is listed twice for this payer"),
                    );
                }
                Some((owner, origin)) => problems.push(
                    &payer.origin,
                    &key,
                    format!("`{name}` is already the id or an alias of payer `{owner}` ({origin})"),
                ),
                None => {
                    seen.insert(folded, (&payer.id, &payer.origin));
                }
            }
        }
        let env_name = env_segment(&payer.id);
        if let Some(other) = env_seen.insert(env_name, &payer.id) {
            problems.push(
                &payer.origin,
                "id",
                format!("differs from payer `{other}` only in `-`, `.` or case, which environment variable names cannot tell apart"),
            );
        }
    }
}

/// A payer id as it appears in an environment variable name segment (lowercased, `-` and `.` as `_`).
pub(crate) fn env_segment(id: &str) -> String {
    id.to_ascii_lowercase().replace(['-', '.'], "_")
}

fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_ID_LEN
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn is_service_type_code(code: &str) -> bool {
    payer_x12::codes::is_service_type(&code.trim().to_ascii_uppercase())
}
