//! Unit tests of the metric set: registration, names, labels, rendering.
use prometheus::Registry;

use super::*;

#[test]
fn every_series_registers_once_and_renders_in_the_text_format() {
    let registry = Registry::new();
    let metrics = Metrics::register(&registry).unwrap();
    assert!(
        Metrics::register(&registry).is_err(),
        "a second registration in the same registry must fail"
    );
    metrics.init_payer("sandbox");
    metrics
        .checks
        .with_label_values(&["sandbox", CheckOutcome::Active.as_str()])
        .inc();
    events::CheckCompleted {
        payer: "sandbox",
        outcome: CheckOutcome::Rejected,
        from_cache: false,
        elapsed: std::time::Duration::from_millis(12),
    }
    .emit(&metrics);
    let (text, content_type) = render(&registry).unwrap();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    assert!(text.contains(r#"eligibility_checks_total{outcome="active",payer="sandbox"} 1"#));
    assert!(text.contains(r#"eligibility_checks_total{outcome="rejected",payer="sandbox"} 1"#));
    assert!(text.contains(r#"eligibility_checks_total{outcome="timeout",payer="sandbox"} 0"#));
    assert!(text.contains(r#"eligibility_check_duration_seconds_count{payer="sandbox"} 1"#));
    assert!(text.contains("# TYPE eligibility_checks_in_flight gauge"));
    assert!(text.contains(r#"eligibility_circuit_state{payer="sandbox"} 0"#));
}

#[test]
fn outcome_labels_are_distinct_snake_case_words() {
    let labels: Vec<&str> = CheckOutcome::ALL.iter().map(|o| o.as_str()).collect();
    let mut unique = labels.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), labels.len());
    for label in labels {
        assert!(
            label.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{label}"
        );
    }
    for outcome in PayerOutcome::ALL {
        assert_eq!(outcome.as_str(), CheckOutcome::from(outcome).as_str());
    }
}

#[test]
fn the_grafana_dashboard_queries_only_series_that_exist() {
    let dashboard: serde_json::Value = serde_json::from_str(include_str!(
        "../../config/grafana/eligibility-gateway.json"
    ))
    .unwrap();
    let registry = Registry::new();
    let metrics = Metrics::register(&registry).unwrap();
    metrics.init_payer("sandbox");
    metrics.batch_checks.with_label_values(&["active"]);
    metrics.api_rejections.with_label_values(&["quota"]);
    metrics.audit_records.with_label_values(&["written"]);
    let exported: Vec<String> = registry
        .gather()
        .iter()
        .map(|family| family.name().to_owned())
        .collect();
    let mut queried = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            for (index, _) in expr.match_indices("eligibility_") {
                let name: String = expr[index..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let family = ["_bucket", "_count", "_sum"]
                    .iter()
                    .find_map(|suffix| name.strip_suffix(suffix))
                    .unwrap_or(&name);
                assert!(exported.iter().any(|e| e == family), "{name} in {expr}");
                queried += 1;
            }
        }
    }
    assert!(queried > 20);
}

#[test]
fn counts_kept_elsewhere_are_caught_up_once_and_never_go_down() {
    let registry = Registry::new();
    let metrics = Metrics::register(&registry).unwrap();
    metrics.catch_up(None, 3);
    metrics.catch_up(None, 3);
    assert_eq!(
        metrics.cache_errors.get(),
        3,
        "the same total is added once"
    );
    metrics.catch_up(None, 5);
    metrics.catch_up(None, 1);
    assert_eq!(
        metrics.cache_errors.get(),
        5,
        "a counter follows the total up, never down"
    );
    let (text, _) = render(&registry).unwrap();
    assert!(text.contains("eligibility_cache_errors_total 5"), "{text}");
}
