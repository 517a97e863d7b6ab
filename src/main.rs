//! The `eligibility-gateway` binary.
fn main() {}
