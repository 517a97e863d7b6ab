//! [`PayerRegistry`]: every configured payer, found by id or alias without regard to case.
//!
//! The registry is configuration made searchable: it holds no connections (the router holds the adapters), so
//! the API can list and describe payers without touching them. Ids and aliases share one namespace, which
//! configuration validation keeps free of collisions.
use std::collections::HashMap;

use serde::Serialize;
use thiserror::Error;
use utoipa::ToSchema;

use crate::config::{PayerConfig, ValidatedSettings};

/// Most close matches an [`UnknownPayer`] suggests.
const MAX_CLOSE_MATCHES: usize = 5;

/// The configured payers.
#[derive(Debug, Clone)]
pub struct PayerRegistry {
    /// Sorted by id.
    entries: Vec<PayerEntry>,
    /// Lowercased id or alias → index in `entries`.
    by_name: HashMap<String, usize>,
}

/// One payer of the registry.
#[derive(Debug, Clone)]
pub struct PayerEntry {
    /// Its validated configuration (transport settings included; no secret values, only variable names).
    pub config: PayerConfig,
}

/// A payer id or alias that no payer has.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown payer `{requested}`")]
pub struct UnknownPayer {
    /// What the client sent.
    pub requested: String,
    /// Ids of payers whose id or alias is close to it (edit distance), best first; possibly empty.
    pub close_matches: Vec<String>,
}

/// What the API shows of a payer: identity, transport kind and limits; never credentials.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PayerView {
    /// The payer id (`tradingPartnerServiceId`).
    #[schema(example = "sandbox")]
    pub id: String,
    /// Display name.
    #[schema(example = "Sandbox Health Plan")]
    pub name: String,
    /// Other accepted ids.
    pub aliases: Vec<String>,
    /// Transport kind (`sandbox`, `x12-core-soap`, ...).
    #[schema(example = "sandbox")]
    pub transport: String,
    /// Service type codes the payer answers for; empty means any.
    pub service_types: Vec<String>,
    /// Most service types sent in one 270; larger checks are split.
    pub max_service_types_per_inquiry: usize,
    /// Longest wait for one payer call, in milliseconds.
    pub timeout_ms: u64,
    /// Configured limits (enforced once rate limiting lands).
    pub rate_limit: RateLimitView,
    /// How long answers are cached, by outcome, in seconds (0: not cached).
    pub cache_ttl_seconds: CacheTtlView,
}

/// A payer's limits, as shown by the API.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitView {
    /// Sustained calls per second.
    pub requests_per_second: f64,
    /// Calls allowed at once above the sustained rate.
    pub burst: u32,
    /// Calls in flight at once.
    pub max_concurrency: u32,
}

/// Cache lifetimes by outcome, in seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CacheTtlView {
    /// Coverage `active`.
    pub active: u64,
    /// Coverage `inactive`.
    pub inactive: u64,
    /// Permanent rejections.
    pub rejected: u64,
}

// === impl PayerRegistry ===

impl PayerRegistry {
    /// Builds the registry from validated payers. Validation already refused colliding names; should one
    /// slip through, the first payer (by id) keeps the name.
    pub fn new(payers: &[PayerConfig]) -> PayerRegistry {
        let mut entries: Vec<PayerEntry> = payers
            .iter()
            .cloned()
            .map(|config| PayerEntry { config })
            .collect();
        entries.sort_by(|a, b| a.config.id.cmp(&b.config.id));
        let mut by_name = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            for name in entry.names() {
                by_name.entry(name.to_lowercase()).or_insert(index);
            }
        }
        PayerRegistry { entries, by_name }
    }

    /// The registry of a configuration.
    pub fn from_settings(settings: &ValidatedSettings) -> PayerRegistry {
        PayerRegistry::new(&settings.payers)
    }

    /// The payer with this id or alias (any case, surrounding spaces ignored).
    pub fn resolve(&self, id_or_alias: &str) -> Result<&PayerEntry, UnknownPayer> {
        let wanted = id_or_alias.trim().to_lowercase();
        self.by_name
            .get(&wanted)
            .and_then(|&index| self.entries.get(index))
            .ok_or_else(|| UnknownPayer {
                requested: id_or_alias.to_owned(),
                close_matches: self.close_matches(&wanted),
            })
    }

    /// The payer with exactly this id (case-sensitive; not aliases).
    pub fn get(&self, id: &str) -> Option<&PayerEntry> {
        self.entries
            .binary_search_by(|entry| entry.config.id.as_str().cmp(id))
            .ok()
            .and_then(|index| self.entries.get(index))
    }

    /// Every payer, sorted by id.
    pub fn list(&self) -> &[PayerEntry] {
        &self.entries
    }

    /// Payers whose id, name or aliases contain every word of `query` (any case), sorted by id; all payers
    /// for an empty query.
    pub fn search(&self, query: &str) -> Vec<&PayerEntry> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        self.entries
            .iter()
            .filter(|entry| {
                let haystack = entry
                    .names()
                    .chain(std::iter::once(entry.config.name.as_str()))
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
                    .join(" ");
                words.iter().all(|word| haystack.contains(word.as_str()))
            })
            .collect()
    }

    /// Ids of payers with an id or alias within a small edit distance of `wanted` (lowercased), or that
    /// contain it or are contained in it, best first.
    fn close_matches(&self, wanted: &str) -> Vec<String> {
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(usize, &str)> = Vec::new();
        for entry in &self.entries {
            let best = entry
                .names()
                .filter_map(|name| closeness(wanted, &name.to_lowercase()))
                .min();
            if let Some(score) = best {
                scored.push((score, &entry.config.id));
            }
        }
        scored.sort();
        scored
            .into_iter()
            .take(MAX_CLOSE_MATCHES)
            .map(|(_, id)| id.to_owned())
            .collect()
    }
}

/// A distance when `candidate` is close enough to suggest: edit distance up to a third of the longer name
/// (at least 1, at most 3), or a substring either way (scored after real typos).
fn closeness(wanted: &str, candidate: &str) -> Option<usize> {
    let distance = strsim::damerau_levenshtein(wanted, candidate);
    let longest = wanted.chars().count().max(candidate.chars().count());
    let allowed = (longest / 3).clamp(1, 3);
    if distance <= allowed {
        return Some(distance);
    }
    if wanted.len() >= 3 && (candidate.contains(wanted) || wanted.contains(candidate)) {
        return Some(allowed + 1 + distance);
    }
    None
}

// === impl PayerEntry ===

impl PayerEntry {
    /// The id, then the aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.config.id.as_str())
            .chain(self.config.aliases.iter().map(String::as_str))
    }

    /// What the API shows.
    pub fn view(&self) -> PayerView {
        let config = &self.config;
        PayerView {
            id: config.id.clone(),
            name: config.name.clone(),
            aliases: config.aliases.clone(),
            transport: config.transport.kind().to_owned(),
            service_types: config.service_types.clone(),
            max_service_types_per_inquiry: config.max_service_types_per_inquiry.get(),
            timeout_ms: u64::try_from(config.timeout.as_millis()).unwrap_or(u64::MAX),
            rate_limit: RateLimitView {
                requests_per_second: config.rate_limit.requests_per_second,
                burst: config.rate_limit.burst.get(),
                max_concurrency: config.rate_limit.max_concurrency.get(),
            },
            cache_ttl_seconds: CacheTtlView {
                active: config.cache_ttl.active.as_secs(),
                inactive: config.cache_ttl.inactive.as_secs(),
                rejected: config.cache_ttl.rejected.as_secs(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load_from;

    fn registry() -> PayerRegistry {
        PayerRegistry::from_settings(&load_from(None, &[]).unwrap())
    }

    #[test]
    fn resolves_ids_and_aliases_in_any_case() {
        let registry = registry();
        assert_eq!(registry.resolve("sandbox").unwrap().config.id, "sandbox");
        assert_eq!(registry.resolve("SBX").unwrap().config.id, "sandbox");
        assert_eq!(registry.resolve(" Demo ").unwrap().config.id, "sandbox");
        assert_eq!(
            registry.resolve("Sandbox-Single").unwrap().config.id,
            "sandbox-single"
        );
        assert_eq!(
            registry.resolve("sbx-single").unwrap().config.id,
            "sandbox-single"
        );
        assert!(registry.get("sandbox").is_some());
        assert!(registry.get("sbx").is_none(), "get takes ids only");
        assert!(registry.get("SANDBOX").is_none(), "get is exact");
    }

    #[test]
    fn unknown_payers_come_with_close_matches() {
        let registry = registry();
        let error = registry.resolve("sandbx").unwrap_err();
        assert_eq!(error.requested, "sandbx");
        assert_eq!(
            error.close_matches.first().map(String::as_str),
            Some("sandbox")
        );
        let error = registry.resolve("sbx-singel").unwrap_err();
        assert_eq!(
            error.close_matches.first().map(String::as_str),
            Some("sandbox-single")
        );
        let error = registry.resolve("aetna").unwrap_err();
        assert!(error.close_matches.is_empty(), "{:?}", error.close_matches);
        assert_eq!(error.to_string(), "unknown payer `aetna`");
        assert!(registry.resolve("").unwrap_err().close_matches.is_empty());
    }

    #[test]
    fn search_matches_names_and_aliases() {
        let registry = registry();
        let ids = |q: &str| {
            registry
                .search(q)
                .iter()
                .map(|e| e.config.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("").len(), registry.list().len());
        assert_eq!(ids("health plan"), ["sandbox"]);
        assert_eq!(ids("DEMO"), ["sandbox"]);
        assert_eq!(ids("single"), ["sandbox-single"]);
        assert_eq!(ids("sandbox").len(), 3);
        assert!(ids("aetna").is_empty());
    }

    #[test]
    fn the_view_shows_limits_and_no_transport_settings() {
        let registry = registry();
        let view = registry.resolve("sbx-single").unwrap().view();
        assert_eq!(view.max_service_types_per_inquiry, 1);
        assert_eq!(view.transport, "sandbox");
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["maxServiceTypesPerInquiry"], 1);
        assert_eq!(json["rateLimit"]["burst"], 1000);
        assert_eq!(json["cacheTtlSeconds"]["active"], 3600);
        assert!(json.get("payer_name").is_none() && !json.to_string().contains("latency"));
    }
}
