//! What operators watch Tollgate with, generated from one place: the Envoy
//! `stats_tags` that turn the labels in metric names into Prometheus labels,
//! the JSON access-log format, and their Istio forms (`extraStatTags`, an
//! access-log provider and a `Telemetry` resource). `mesh-config/observability/`
//! holds the rendered files ([`write`]; `scripts/render-mesh
//! --write-observability`), beside the hand-written alert rules, their
//! `promtool` tests and the Grafana dashboard.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{json, Map, Value};
use tollgate_core::metrics::{tag_regex, Label};

/// The access-log provider's name in Istio's mesh config.
pub const ACCESS_LOG_PROVIDER: &str = "tollgate-json";

/// The JSON access-log format, field by field: name, Envoy command, meaning.
/// Content never appears: no body, no query string (a Gemini key can ride in
/// `?key=`), no credential header; the decision objects hold rule ids,
/// counts and fingerprints only.
pub const ACCESS_LOG_FIELDS: &[(&str, &str, &str)] = &[
    ("start_time", "%START_TIME%", "when the request started (RFC 3339)"),
    ("request_id", "%REQ(X-REQUEST-ID)%", "Envoy's request id (also in Tollgate's error bodies and audit lines)"),
    ("method", "%REQ(:METHOD)%", "HTTP method"),
    ("authority", "%REQ(:AUTHORITY)%", "host the client called"),
    ("path", "%PATH(NQ)%", "path without the query string"),
    ("protocol", "%PROTOCOL%", "HTTP/1.1, HTTP/2"),
    ("status", "%RESPONSE_CODE%", "status sent to the client (a number)"),
    ("details", "%RESPONSE_CODE_DETAILS%", "why: `via_upstream`, or the refusal's code (`tollgate_invalid_api_key`, `tollgate_rate_limited`, …)"),
    ("flags", "%RESPONSE_FLAGS%", "Envoy's response flags (`UF` upstream failure, `UT` timeout, …)"),
    ("bytes_received", "%BYTES_RECEIVED%", "request body bytes"),
    ("bytes_sent", "%BYTES_SENT%", "response body bytes"),
    ("duration_ms", "%DURATION%", "milliseconds from the first byte received to the last sent"),
    ("upstream_host", "%UPSTREAM_HOST%", "the upstream address used"),
    ("source_principal", "%DOWNSTREAM_PEER_URI_SAN%", "the caller's SPIFFE identity under mTLS"),
    ("source_address", "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", "the caller's address"),
    ("consumer", "%REQ(X-TOLLGATE-CONSUMER)%", "the consumer auth authenticated"),
    ("auth", "%FILTER_STATE(wasm.tollgate_auth:PLAIN)%", "auth's decision (a JSON object in a string): route, consumer, via (api_key, jwt, mtls), credential (key id or JWT kid), decision, reason"),
    ("throttle", "%FILTER_STATE(wasm.tollgate_throttle:PLAIN)%", "throttle's decision (a JSON object in a string): route, decision, consumer, model, rule (the one that refused), shadow_rules, spike, reserved_tokens, and once the response ended input_tokens, output_tokens, estimated"),
    ("inspect", "%FILTER_STATE(wasm.tollgate_inspect:PLAIN)%", "inspect's decision (a JSON object in a string): route, and per direction its outcome, reason and rules (`family/rule` with counts)"),
];

/// The access log's `json_format`.
pub fn access_log_json_format() -> Value {
    let mut m = Map::new();
    for (name, command, _) in ACCESS_LOG_FIELDS {
        m.insert((*name).to_owned(), Value::String((*command).to_owned()));
    }
    Value::Object(m)
}

/// Envoy `stats_tags`: one per label of [`tollgate_core::metrics`], the
/// regex Istio generates for a name in `extraStatTags`.
pub fn stats_tags() -> Value {
    Value::Array(
        Label::ALL
            .iter()
            .map(|l| json!({"tag_name": l.key(), "regex": tag_regex(*l)}))
            .collect(),
    )
}

/// The label keys, for Istio's `extraStatTags`.
pub fn extra_stat_tags() -> Vec<&'static str> {
    Label::ALL.iter().map(|l| l.key()).collect()
}

/// Istio, mesh-wide: `meshConfig` for an `IstioOperator` (or the `istiod`
/// Helm chart's `meshConfig` value): the stat tags for every proxy and the
/// access-log provider.
pub fn istio_operator() -> Value {
    json!({
        "apiVersion": "install.istio.io/v1alpha1",
        "kind": "IstioOperator",
        "metadata": {"name": "tollgate-observability", "namespace": "istio-system"},
        "spec": {"meshConfig": {
            "defaultConfig": {"extraStatTags": extra_stat_tags()},
            "extensionProviders": [{
                "name": ACCESS_LOG_PROVIDER,
                "envoyFileAccessLog": {
                    "path": "/dev/stdout",
                    "logFormat": {"labels": access_log_json_format()},
                },
            }],
        }},
    })
}

/// Istio: the access log on for the whole mesh (apply in the root
/// namespace; one per namespace instead narrows it).
pub fn telemetry() -> Value {
    json!({
        "apiVersion": "telemetry.istio.io/v1",
        "kind": "Telemetry",
        "metadata": {"name": "tollgate-access-log", "namespace": "istio-system"},
        "spec": {"accessLogging": [{"providers": [{"name": ACCESS_LOG_PROVIDER}]}]},
    })
}

/// Istio, per pod (when the mesh-wide setting cannot change): the
/// annotation on the workload's pod template.
pub fn pod_annotation() -> Value {
    let config = json!({"extraStatTags": extra_stat_tags()}).to_string();
    json!({"spec": {"template": {"metadata": {"annotations": {"proxy.istio.io/config": config}}}}})
}

/// Plain Envoy: the bootstrap's `stats_config` and the HTTP connection
/// manager's access log.
pub fn envoy_snippet() -> Value {
    json!({
        "stats_config": {"stats_tags": stats_tags()},
        "access_log": [{
            "name": "envoy.access_loggers.file",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog",
                "path": "/dev/stdout",
                "log_format": {"json_format": access_log_json_format()},
            },
        }],
    })
}

/// The rendered files and their contents.
pub fn rendered() -> Result<Vec<(&'static str, String)>> {
    let header = "# Generated by `scripts/render-mesh --write-observability` from\n\
                  # tollgate_core::metrics and tools/src/observability.rs: do not edit.\n";
    let yaml = |v: &Value| serde_yaml::to_string(v).context("rendering YAML");
    let istio = format!(
        "{header}# Mesh-wide: the label of every Tollgate metric as an Envoy stat tag, and the\n\
         # JSON access log as a provider. Merge into your IstioOperator / istiod values.\n\
         {}---\n\
         # Turn the access log on (root namespace: the whole mesh).\n\
         {}",
        yaml(&istio_operator())?,
        yaml(&telemetry())?,
    );
    let pod = format!(
        "{header}# Per workload instead of mesh-wide: patch the Deployment's pod template\n\
         # (kubectl patch deployment <name> --type merge --patch-file istio-pod-annotation.yaml).\n{}",
        yaml(&pod_annotation())?
    );
    let envoy = format!(
        "{header}# Plain Envoy: `stats_config` goes in the bootstrap, `access_log` in the\n\
         # HTTP connection manager (scripts/run and the tests use exactly these).\n{}",
        yaml(&envoy_snippet())?
    );
    Ok(vec![
        ("istio-mesh.yaml", istio),
        ("istio-pod-annotation.yaml", pod),
        ("envoy.yaml", envoy),
    ])
}

/// Writes [`rendered`] into `dir`; returns the paths.
pub fn write(dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut out = Vec::new();
    for (name, text) in rendered()? {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        out.push(path);
    }
    Ok(out)
}

/// `mesh-config/observability/` of this checkout.
pub fn dir() -> PathBuf {
    crate::mesh::mesh_config_dir().join("observability")
}

/// The README's metric table (checked to be there verbatim by the
/// observability tests): name, type, labels, meaning.
pub fn metric_table() -> String {
    let mut out = String::from("| metric | type | labels | meaning |\n|---|---|---|---|\n");
    for m in tollgate_core::metrics::METRICS {
        let labels: Vec<&str> = m.labels.iter().map(|l| l.key()).collect();
        let labels = if labels.is_empty() {
            "—".to_owned()
        } else {
            labels.join(", ")
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            m.name(),
            m.kind.as_str(),
            labels,
            m.help
        ));
    }
    out
}
