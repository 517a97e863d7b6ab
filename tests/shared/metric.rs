//! Reading one series out of the gateway's `/metrics` text, for the test binaries that check metrics.

/// The value of `series` (its name with any labels, as rendered) in a Prometheus text (0 when absent).
pub fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0.0)
}
