//! The observability assets in `mesh-config/observability/`: the rendered
//! files are current, the alert rules pass `promtool check rules` and their
//! unit tests (`promtool test rules`), every metric and label the rules and
//! the dashboard use exists, and the README's metric table is the
//! catalogue's. (Against real traffic: `host-tests/tests/observability_envoy.rs`.)

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;
use tollgate_core::metrics::METRICS;
use tollgate_tools::observability;

fn promtool(args: &[&str]) -> (bool, String) {
    let out = Command::new("promtool")
        .args(args)
        .current_dir(observability::dir())
        .output()
        .expect("promtool (Debian package prometheus; scripts/test installs it)");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn rendered_files_are_current() {
    for (name, text) in observability::rendered().unwrap() {
        let path = observability::dir().join(name);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            on_disk,
            text,
            "{} is stale: run scripts/render-mesh --write-observability",
            path.display()
        );
    }
}

#[test]
fn alert_rules_pass_promtool_and_their_unit_tests() {
    let (ok, out) = promtool(&["check", "rules", "alerts.yaml"]);
    assert!(ok, "{out}");
    assert!(out.contains("SUCCESS: 12 rules found"), "{out}");
    let (ok, out) = promtool(&["test", "rules", "alerts.test.yaml"]);
    assert!(ok, "{out}");
}

#[test]
fn the_unit_tests_can_fail() {
    // A rule file whose thresholds are off must fail its unit tests: the
    // tests compare alerts, not just syntax.
    let dir = std::env::temp_dir().join(format!("tollgate-alerts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = std::fs::read_to_string(observability::dir().join("alerts.yaml")).unwrap();
    std::fs::write(dir.join("alerts.yaml"), rules.replace(">= 20", ">= 60")).unwrap();
    std::fs::copy(
        observability::dir().join("alerts.test.yaml"),
        dir.join("alerts.test.yaml"),
    )
    .unwrap();
    let out = Command::new("promtool")
        .args(["test", "rules", "alerts.test.yaml"])
        .current_dir(&dir)
        .output()
        .expect("promtool");
    let _ = std::fs::remove_dir_all(&dir);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("TollgateCredentialStuffing"), "{text}");
}

/// Every `tollgate_…` metric an expression names, with the label keys its
/// selectors use.
fn uses(expr: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let bytes = expr.as_bytes();
    let mut i = 0;
    while let Some(at) = expr.get(i..).and_then(|r| r.find("tollgate_")) {
        let start = i + at;
        let end = start
            + expr[start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(expr.len() - start);
        let name = expr[start..end].to_owned();
        let mut keys = Vec::new();
        if bytes.get(end) == Some(&b'{') {
            let close = expr[end..].find('}').map_or(expr.len(), |c| end + c);
            for matcher in expr[end + 1..close].split(',') {
                let key: String = matcher
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !key.is_empty() {
                    keys.push(key);
                }
            }
        }
        out.push((name, keys));
        i = end;
    }
    out
}

fn check_expr(expr: &str, what: &str, problems: &mut Vec<String>) -> usize {
    let mut n = 0;
    for (name, keys) in uses(expr) {
        n += 1;
        let base = ["_bucket", "_count", "_sum"]
            .iter()
            .find_map(|s| name.strip_suffix(s))
            .unwrap_or(&name);
        let Some(metric) = METRICS
            .iter()
            .find(|m| m.name() == name || m.name() == base)
        else {
            problems.push(format!("{what}: no metric {name}"));
            continue;
        };
        for key in keys {
            if key != "le" && !metric.labels.iter().any(|l| l.key() == key) {
                problems.push(format!("{what}: {name} has no label {key}"));
            }
        }
    }
    n
}

#[test]
fn rules_and_dashboard_use_only_metrics_and_labels_that_exist() {
    let mut problems = Vec::new();
    let rules: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(observability::dir().join("alerts.yaml")).unwrap(),
    )
    .unwrap();
    let mut alerts = BTreeSet::new();
    let mut used = 0;
    for group in rules["groups"].as_sequence().unwrap() {
        for rule in group["rules"].as_sequence().unwrap() {
            let name = rule["alert"].as_str().unwrap();
            alerts.insert(name.to_owned());
            used += check_expr(rule["expr"].as_str().unwrap(), name, &mut problems);
            assert!(rule["labels"]["severity"].is_string(), "{name}: severity");
            assert!(
                rule["annotations"]["summary"].is_string(),
                "{name}: summary"
            );
        }
    }
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(observability::dir().join("dashboard.json")).unwrap(),
    )
    .unwrap();
    for panel in dashboard["panels"].as_array().unwrap() {
        for t in panel["targets"].as_array().into_iter().flatten() {
            let title = panel["title"].as_str().unwrap();
            used += check_expr(t["expr"].as_str().unwrap(), title, &mut problems);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(used > 30, "{used} metric uses checked");
    // Every alert has a unit test.
    let tests = std::fs::read_to_string(observability::dir().join("alerts.test.yaml")).unwrap();
    for a in &alerts {
        assert!(
            tests.contains(&format!("alertname: {a}")),
            "{a} has no unit test"
        );
    }
    // The checker does catch a typo.
    let mut caught = Vec::new();
    check_expr(
        "rate(tollgate_auth_decision_total{outcome=\"x\"}[1m])",
        "typo",
        &mut caught,
    );
    check_expr(
        "tollgate_auth_decisions_total{consumr=\"x\"}",
        "typo",
        &mut caught,
    );
    assert_eq!(caught.len(), 2, "{caught:?}");
}

#[test]
fn the_readme_metric_table_is_the_catalogue() {
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"),
    )
    .unwrap();
    let table = observability::metric_table();
    assert!(
        readme.contains(&table),
        "README's metric table differs from tollgate_core::metrics; it should read:\n{table}"
    );
}
