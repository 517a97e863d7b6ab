//! The eligibility gateway (placeholder until the gateway modules land).

pub mod cache;
pub mod config;
pub mod layers;
pub mod registry;
pub mod router;
