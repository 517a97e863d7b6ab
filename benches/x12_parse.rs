//! Criterion benchmark of 271 decoding (being written).
fn main() {}
