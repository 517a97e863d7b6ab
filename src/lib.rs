//! The eligibility gateway (placeholder until the gateway modules land).
