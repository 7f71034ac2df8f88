//! Istio `WasmPlugin` manifests per namespace: rendering and the checks a
//! manifest passes before it ships.
//!
//! Layout (`mesh-config/`):
//!
//! - `base/<filter>.yaml`: one complete `WasmPlugin` per filter, with the
//!   phase, priority, failure strategy, traffic match and default
//!   `pluginConfig`; its `url` is `oci://REGISTRY/tollgate/<filter>@sha256:DIGEST`
//!   and its `sha256` is `DIGEST`, placeholders filled in here.
//! - `namespaces/<ns>/namespace.yaml` (optional): `filters` (the plugins the
//!   namespace gets; default all three) and `spec`, merged over every
//!   filter's base spec (selector, match, failStrategy, …).
//! - `namespaces/<ns>/<filter>.yaml|.yml|.json` (optional): merged over that
//!   filter's base `pluginConfig`.
//!
//! Merging is JSON Merge Patch (RFC 7386): objects merge key by key, a
//! `null` removes a key, anything else (arrays included) replaces. Arrays
//! replace rather than append so that an override states the whole list it
//! means (`rules`, `keys`): appending would make a namespace's effective
//! limits depend on a base it does not show.
//!
//! Every rendered `pluginConfig` is parsed and validated by
//! [`tollgate_core::config::parse`] for its filter, exactly as `on_configure`
//! will, and a failure names the namespace, the filter and the field:
//! `strict/throttle: rules[0].limits[0].per: unknown variant, expected …`.
//! The manifest is then checked against the rules of Istio's CRD that a JSON
//! Schema cannot express ([`check_cel_rules`]); the CRD's JSON Schema itself
//! is checked by the tests with the published `@kubernetes-models/istio`
//! validator, and each `pluginConfig` against the filter's JSON Schema
//! ([`config_schema`], generated from the Rust types).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// The filters, in the order they run.
pub const FILTERS: [&str; 3] = ["auth", "throttle", "inspect"];

/// The URL schemes Istio's CRD accepts for `spec.url`.
pub const URL_SCHEMES: [&str; 4] = ["oci", "file", "http", "https"];

/// The checkout's root directory.
fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `mesh-config/` of this checkout.
pub fn mesh_config_dir() -> PathBuf {
    repo_root().join("mesh-config")
}

/// Where rendered manifests go by default: `target/mesh/`.
pub fn default_out_dir() -> PathBuf {
    repo_root().join("target").join("mesh")
}

/// The fields of a `WasmPlugin` spec in Istio's CRD. The API server prunes
/// unknown fields and `kubectl apply` (strict field validation) refuses
/// them; JSON Schema validators of the CRD let them through, so a typo in a
/// namespace's `spec` would otherwise go unnoticed.
pub const SPEC_FIELDS: [&str; 16] = [
    "failStrategy",
    "imagePullPolicy",
    "imagePullSecret",
    "match",
    "phase",
    "pluginConfig",
    "pluginName",
    "priority",
    "selector",
    "sha256",
    "targetRef",
    "targetRefs",
    "type",
    "url",
    "verificationKey",
    "vmConfig",
];

/// JSON Merge Patch (RFC 7386): `patch` merged into `target`.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(key);
            } else {
                merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// Reads the digests file: a JSON object from filter name to the OCI
/// manifest digest of its image, `"sha256:<64 hex>"` or the bare hex.
pub fn read_digests(path: &Path) -> Result<BTreeMap<String, String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let raw: BTreeMap<String, String> = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: expected a JSON object {{\"auth\": \"sha256:<hex>\", …}}",
            path.display()
        )
    })?;
    let mut out = BTreeMap::new();
    for (filter, digest) in raw {
        let hex = digest.strip_prefix("sha256:").unwrap_or(&digest);
        if !is_sha256_hex(hex) {
            bail!(
                "{}: {filter}: a digest is sha256:<64 lowercase hex digits>",
                path.display()
            );
        }
        out.insert(filter, hex.to_owned());
    }
    Ok(out)
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// One rendered `WasmPlugin`.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The Kubernetes namespace.
    pub namespace: String,
    /// The filter (`auth`, `throttle`, `inspect`).
    pub filter: String,
    /// The whole manifest.
    pub manifest: Value,
}

impl Rendered {
    /// `spec.pluginConfig` as the JSON bytes `on_configure` receives.
    pub fn plugin_config(&self) -> String {
        self.manifest
            .pointer("/spec/pluginConfig")
            .map(Value::to_string)
            .unwrap_or_default()
    }

    /// The names of `spec.vmConfig.env` entries (the VM environment).
    pub fn vm_env_names(&self) -> Vec<String> {
        self.manifest
            .pointer("/spec/vmConfig/env")
            .and_then(Value::as_array)
            .map(|env| {
                env.iter()
                    .filter_map(|e| e.get("name").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `<ns>/<filter>`, the prefix of every message about this manifest.
    pub fn label(&self) -> String {
        format!("{}/{}", self.namespace, self.filter)
    }

    /// Writes `<out>/<ns>/<filter>.yaml` (the manifest, for `kubectl apply
    /// -f`, which reads only the manifests there) and
    /// `<out>/<ns>/config/<filter>.json` (the bare pluginConfig, for
    /// running the namespace's policy in a local Envoy); returns the
    /// manifest's path.
    pub fn write(&self, out: &Path) -> Result<PathBuf> {
        let dir = out.join(&self.namespace);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(format!("{}.yaml", self.filter));
        let yaml = serde_yaml::to_string(&self.manifest)?;
        let header = format!(
            "# Rendered by scripts/render-mesh from mesh-config/base/{f}.yaml and \
             mesh-config/namespaces/{ns}/; do not edit.\n",
            f = self.filter,
            ns = self.namespace
        );
        std::fs::write(&path, format!("{header}{yaml}"))
            .with_context(|| format!("writing {}", path.display()))?;
        // In a subdirectory: `kubectl apply -f <out>/<ns>/` reads every
        // .json/.yaml file of the directory (not of subdirectories), and a
        // bare pluginConfig is not a Kubernetes object.
        let config_dir = dir.join("config");
        std::fs::create_dir_all(&config_dir)
            .with_context(|| format!("creating {}", config_dir.display()))?;
        let config = config_dir.join(format!("{}.json", self.filter));
        let pretty = self
            .manifest
            .pointer("/spec/pluginConfig")
            .map(serde_json::to_string_pretty)
            .transpose()?
            .unwrap_or_default();
        std::fs::write(&config, pretty + "\n")
            .with_context(|| format!("writing {}", config.display()))?;
        Ok(path)
    }
}

/// `namespace.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct NamespaceFile {
    filters: Option<Vec<String>>,
    spec: Option<Value>,
}

/// Renders namespaces from a `mesh-config/` directory.
#[derive(Debug, Clone)]
pub struct Renderer {
    root: PathBuf,
    registry: String,
    digests: BTreeMap<String, String>,
}

impl Renderer {
    /// A renderer of `root` (a `mesh-config/` directory) for images in
    /// `registry` (`host[:port][/path]`) with these manifest digests.
    pub fn new(
        root: impl Into<PathBuf>,
        registry: &str,
        digests: BTreeMap<String, String>,
    ) -> Self {
        Renderer {
            root: root.into(),
            registry: registry.trim_end_matches('/').to_owned(),
            digests,
        }
    }

    /// The namespaces that have a directory under `namespaces/`, sorted.
    pub fn namespaces(&self) -> Result<Vec<String>> {
        let dir = self.root.join("namespaces");
        let mut out = Vec::new();
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                out.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        out.sort();
        Ok(out)
    }

    /// Renders and checks every `WasmPlugin` of namespace `ns`.
    pub fn render(&self, ns: &str) -> Result<Vec<Rendered>> {
        if !is_dns_label(ns) {
            bail!("{ns}: not a Kubernetes namespace name (a DNS-1123 label)");
        }
        let dir = self.root.join("namespaces").join(ns);
        if !dir.is_dir() {
            bail!("{ns}: no directory {}", dir.display());
        }
        let ns_file: NamespaceFile = match read_doc(&dir, "namespace")? {
            Some(v) => {
                serde_json::from_value(v).map_err(|e| anyhow!("{ns}/namespace.yaml: {e}"))?
            }
            None => NamespaceFile::default(),
        };
        let filters = ns_file
            .filters
            .unwrap_or_else(|| FILTERS.iter().map(|f| (*f).to_owned()).collect());
        for f in &filters {
            if !FILTERS.contains(&f.as_str()) {
                bail!("{ns}/namespace.yaml: filters: unknown filter {f}, expected one of auth, throttle, inspect");
            }
        }
        if let Some(spec) = &ns_file.spec {
            if !spec.is_object() {
                bail!("{ns}/namespace.yaml: spec: must be a map");
            }
            if spec.get("pluginConfig").is_some() {
                bail!("{ns}/namespace.yaml: spec.pluginConfig: put a filter's pluginConfig in {ns}/<filter>.yaml");
            }
        }
        // A filter file with no filter enabled is a mistake worth naming.
        for f in FILTERS {
            if !filters.iter().any(|x| x == f) && read_doc(&dir, f)?.is_some() {
                bail!("{ns}/{f}: has an override but is not in namespace.yaml filters");
            }
        }
        let mut out = Vec::new();
        for filter in FILTERS.iter().filter(|f| filters.iter().any(|x| x == *f)) {
            out.push(self.render_one(ns, filter, &dir, ns_file.spec.as_ref())?);
        }
        check_together(&out)?;
        Ok(out)
    }

    fn render_one(
        &self,
        ns: &str,
        filter: &str,
        dir: &Path,
        spec: Option<&Value>,
    ) -> Result<Rendered> {
        let label = format!("{ns}/{filter}");
        let mut manifest = read_doc(&self.root.join("base"), filter)?
            .ok_or_else(|| anyhow!("{label}: no base/{filter}.yaml"))?;
        if let Some(spec) = spec {
            let mut patch = spec.clone();
            if let Some(p) = patch.as_object_mut() {
                p.remove("pluginConfig");
            }
            merge_patch(
                manifest
                    .get_mut("spec")
                    .ok_or_else(|| anyhow!("{label}: base has no spec"))?,
                &patch,
            );
        }
        if let Some(patch) = read_doc(dir, filter)? {
            if !patch.is_object() {
                bail!("{label}: the override must be a map of pluginConfig fields");
            }
            let spec = manifest
                .get_mut("spec")
                .ok_or_else(|| anyhow!("{label}: base has no spec"))?;
            let config = spec
                .as_object_mut()
                .ok_or_else(|| anyhow!("{label}: spec must be a map"))?
                .entry("pluginConfig")
                .or_insert_with(|| json!({}));
            merge_patch(config, &patch);
        }
        if let Some(meta) = manifest.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("namespace".into(), Value::String(ns.to_owned()));
        } else {
            bail!("{label}: base has no metadata");
        }
        let digest = self.digests.get(filter).ok_or_else(|| {
            anyhow!("{label}: no digest for {filter}: pass --digests FILE (JSON {{\"{filter}\": \"sha256:<hex>\"}})")
        })?;
        let digest = digest.strip_prefix("sha256:").unwrap_or(digest);
        if !is_sha256_hex(digest) {
            bail!("{label}: the digest of {filter} is not sha256:<64 lowercase hex digits>");
        }
        for field in ["url", "sha256"] {
            if let Some(Value::String(s)) = manifest.pointer_mut(&format!("/spec/{field}")) {
                *s = s
                    .replace("REGISTRY", &self.registry)
                    .replace("DIGEST", digest);
            }
        }
        let rendered = Rendered {
            namespace: ns.to_owned(),
            filter: filter.to_owned(),
            manifest,
        };
        check_plugin_config(filter, &rendered.plugin_config())
            .map_err(|e| anyhow!("{label}: {e}"))?;
        check_env(&rendered).map_err(|e| anyhow!("{label}: {e}"))?;
        check_cel_rules(&rendered.manifest).map_err(|e| anyhow!("{label}: {e}"))?;
        Ok(rendered)
    }
}

/// Reads `<dir>/<stem>.yaml`, `.yml` or `.json`; none is `None`, two are an
/// error (which one wins would be a guess).
fn read_doc(dir: &Path, stem: &str) -> Result<Option<Value>> {
    let found: Vec<PathBuf> = ["yaml", "yml", "json"]
        .iter()
        .map(|ext| dir.join(format!("{stem}.{ext}")))
        .filter(|p| p.is_file())
        .collect();
    let path = match found.as_slice() {
        [] => return Ok(None),
        [one] => one,
        _ => bail!(
            "{}: more than one of {stem}.yaml, .yml, .json",
            dir.display()
        ),
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let value: Value = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).with_context(|| format!("{}: invalid JSON", path.display()))?
    } else {
        serde_yaml::from_str(&text).with_context(|| format!("{}: invalid YAML", path.display()))?
    };
    // An empty YAML file is "no override".
    Ok(if value.is_null() {
        Some(json!({}))
    } else {
        Some(value)
    })
}

/// Parses and validates `config` as `filter`'s configuration, as its
/// `on_configure` does. The error names the field.
pub fn check_plugin_config(filter: &str, config: &str) -> Result<()> {
    use tollgate_core::config::{parse, AuthConfig, InspectConfig, ThrottleConfig};
    let bytes = config.as_bytes();
    let result = match filter {
        "auth" => parse::<AuthConfig>(bytes).map(drop),
        "throttle" => parse::<ThrottleConfig>(bytes).map(drop),
        "inspect" => parse::<InspectConfig>(bytes).map(drop),
        other => bail!("unknown filter {other}"),
    };
    result.map_err(|e| anyhow!("{e}"))
}

/// What the filters of one namespace must agree on: `throttle` and `inspect`
/// read the consumer from the header `auth` sets, so a different
/// `consumer_header` would make every caller anonymous to them; and
/// `inspect`'s `hold_headers` needs Envoy's `allow_on_headers_stop_iteration`,
/// which a `WasmPlugin` cannot set.
fn check_together(rendered: &[Rendered]) -> Result<()> {
    let header = |r: &Rendered| {
        r.manifest
            .pointer("/spec/pluginConfig/consumer_header")
            .and_then(Value::as_str)
            .unwrap_or(tollgate_core::config::DEFAULT_CONSUMER_HEADER)
            .to_owned()
    };
    if let Some(auth) = rendered.iter().find(|r| r.filter == "auth") {
        let want = header(auth);
        for r in rendered.iter().filter(|r| r.filter != "auth") {
            if header(r) != want {
                bail!(
                    "{}: consumer_header: must be the header auth sets ({want}), or every caller is unknown to {}",
                    r.label(),
                    r.filter
                );
            }
        }
    }
    for r in rendered.iter().filter(|r| r.filter == "inspect") {
        if r.manifest.pointer("/spec/pluginConfig/hold_headers") == Some(&Value::Bool(true)) {
            bail!(
                "{}: hold_headers: needs Envoy's allow_on_headers_stop_iteration, which an Istio WasmPlugin cannot set",
                r.label()
            );
        }
    }
    Ok(())
}

/// `auth` reads provider keys from the VM environment: each variable a
/// provider rule names must be exported by `vmConfig.env`, or the filter
/// refuses its configuration in the sidecar.
fn check_env(r: &Rendered) -> Result<()> {
    let names = r.vm_env_names();
    let providers = r
        .manifest
        .pointer("/spec/pluginConfig/providers")
        .and_then(Value::as_array);
    for (i, p) in providers.into_iter().flatten().enumerate() {
        if let Some(env) = p.get("env").and_then(Value::as_str) {
            if !names.iter().any(|n| n == env) {
                bail!("providers[{i}].env: {env} is not exported to the VM: add it to spec.vmConfig.env (valueFrom: HOST)");
            }
        }
    }
    Ok(())
}

/// The rules of Istio's `WasmPlugin` CRD that are CEL
/// (`x-kubernetes-validations`) rather than JSON Schema, and so are not
/// checked by a JSON Schema validator, plus what `kubectl apply` needs:
///
/// - `spec.url`: scheme one of oci, file, http, https (a URL without a
///   scheme is read as http);
/// - at most one of `spec.selector`, `spec.targetRef`, `spec.targetRefs`;
/// - `targetRef(s)`: kind `Service` (group `""` or `core`) or
///   `gateway.networking.k8s.io` `Gateway`; no cross-namespace `namespace`;
/// - `selector.matchLabels`: no `*` in keys or values, no empty key;
/// - `vmConfig.env[]`: `value` only when `valueFrom` is not `HOST`;
/// - `metadata.name` and `metadata.namespace` set, no unknown spec field
///   ([`SPEC_FIELDS`]).
pub fn check_cel_rules(manifest: &Value) -> Result<()> {
    let spec = manifest
        .get("spec")
        .ok_or_else(|| anyhow!("spec: required"))?;
    for key in spec.as_object().into_iter().flat_map(Map::keys) {
        if !SPEC_FIELDS.contains(&key.as_str()) {
            bail!("spec.{key}: unknown field of a WasmPlugin spec");
        }
    }
    for field in ["name", "namespace"] {
        if manifest
            .pointer(&format!("/metadata/{field}"))
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            bail!("metadata.{field}: required");
        }
    }
    // The enums and types the CRD's schema fixes, checked here too so that
    // scripts/render-mesh refuses them before anything is written (the
    // tests also run Istio's own published schema).
    let one_of = |path: &str, allowed: &[&str]| -> Result<()> {
        match spec.pointer(path) {
            None => Ok(()),
            Some(Value::String(v)) if allowed.contains(&v.as_str()) => Ok(()),
            Some(_) => bail!(
                "spec{}: must be one of {}",
                path.replace('/', "."),
                allowed.join(", ")
            ),
        }
    };
    one_of("/phase", &["UNSPECIFIED_PHASE", "AUTHN", "AUTHZ", "STATS"])?;
    one_of("/failStrategy", &["FAIL_CLOSE", "FAIL_OPEN", "FAIL_RELOAD"])?;
    one_of(
        "/imagePullPolicy",
        &["UNSPECIFIED_POLICY", "IfNotPresent", "Always"],
    )?;
    one_of("/type", &["UNSPECIFIED_PLUGIN_TYPE", "HTTP", "NETWORK"])?;
    if spec.get("priority").is_some_and(|p| !p.is_i64()) {
        bail!("spec.priority: must be an integer");
    }
    for (i, m) in spec
        .get("match")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(mode) = m.get("mode") {
            if !mode.as_str().is_some_and(|v| {
                ["UNDEFINED", "CLIENT", "SERVER", "CLIENT_AND_SERVER"].contains(&v)
            }) {
                bail!("spec.match[{i}].mode: must be one of UNDEFINED, CLIENT, SERVER, CLIENT_AND_SERVER");
            }
        }
    }
    let url = spec
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("spec.url: required"))?;
    let scheme = url.split_once("://").map_or("http", |(s, _)| s);
    if !URL_SCHEMES.contains(&scheme) {
        bail!("spec.url: url must have schema one of [http, https, file, oci]");
    }
    if url.contains("REGISTRY") || url.contains("DIGEST") {
        bail!("spec.url: placeholder not filled in");
    }
    let targets = ["selector", "targetRef", "targetRefs"]
        .iter()
        .filter(|k| spec.get(**k).is_some())
        .count();
    if targets > 1 {
        bail!("spec: only one of targetRefs or selector can be set");
    }
    let refs: Vec<&Value> = spec
        .get("targetRef")
        .into_iter()
        .chain(
            spec.get("targetRefs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
        .collect();
    for r in refs {
        let group = r.get("group").and_then(Value::as_str).unwrap_or("");
        let kind = r.get("kind").and_then(Value::as_str).unwrap_or("");
        let ok = matches!(
            (group, kind),
            ("" | "core", "Service") | ("gateway.networking.k8s.io", "Gateway")
        );
        if !ok {
            bail!("spec.targetRefs: Support kinds are core/Service and gateway.networking.k8s.io/Gateway");
        }
        if r.get("namespace")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.is_empty())
        {
            bail!(
                "spec.targetRefs.namespace: cross namespace referencing is not currently supported"
            );
        }
    }
    if let Some(labels) = spec
        .pointer("/selector/matchLabels")
        .and_then(Value::as_object)
    {
        for (k, v) in labels {
            if k.is_empty() {
                bail!("spec.selector.matchLabels: key must not be empty");
            }
            if k.contains('*') {
                bail!("spec.selector.matchLabels: wildcard not allowed in label key match");
            }
            if v.as_str().is_some_and(|v| v.contains('*')) {
                bail!("spec.selector.matchLabels.{k}: wildcard not allowed in label value match");
            }
        }
    }
    let env = spec.pointer("/vmConfig/env").and_then(Value::as_array);
    for (i, e) in env.into_iter().flatten().enumerate() {
        let host = e.get("valueFrom").and_then(Value::as_str) == Some("HOST");
        if host && e.get("value").is_some() {
            bail!("spec.vmConfig.env[{i}]: value may only be set when valueFrom is INLINE");
        }
    }
    Ok(())
}

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// The JSON Schema of `filter`'s configuration, generated from its Rust
/// configuration type (`tollgate-core` feature `schema`).
pub fn config_schema(filter: &str) -> Result<Value> {
    use tollgate_core::config::{AuthConfig, InspectConfig, ThrottleConfig};
    let schema = match filter {
        "auth" => schemars::schema_for!(AuthConfig),
        "throttle" => schemars::schema_for!(ThrottleConfig),
        "inspect" => schemars::schema_for!(InspectConfig),
        other => bail!("unknown filter {other}"),
    };
    Ok(serde_json::to_value(schema)?)
}

/// Writes `<dir>/<filter>.schema.json` for every filter; returns the paths.
pub fn write_schemas(dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut out = Vec::new();
    for f in FILTERS {
        let path = dir.join(format!("{f}.schema.json"));
        let text = serde_json::to_string_pretty(&config_schema(f)?)? + "\n";
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        out.push(path);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch_is_rfc_7386() {
        let mut t = json!({"a": {"b": 1, "c": [1, 2]}, "d": 1});
        merge_patch(&mut t, &json!({"a": {"b": null, "c": [3]}, "e": {"f": 1}}));
        assert_eq!(t, json!({"a": {"c": [3]}, "d": 1, "e": {"f": 1}}));
    }

    #[test]
    fn cel_rules_catch_what_a_json_schema_does_not() {
        let ok = json!({"metadata": {"name": "x", "namespace": "n"},
                        "spec": {"url": "oci://r/x@sha256:00", "selector": {"matchLabels": {"a": "b"}}}});
        check_cel_rules(&ok).unwrap();
        let mut bad = ok.clone();
        bad["spec"]["url"] = json!("ftp://r/x");
        assert!(check_cel_rules(&bad)
            .unwrap_err()
            .to_string()
            .contains("spec.url"));
        let mut bad = ok.clone();
        bad["spec"]["targetRefs"] = json!([{"kind": "Service", "name": "s"}]);
        assert!(check_cel_rules(&bad)
            .unwrap_err()
            .to_string()
            .contains("only one of"));
        let mut bad = ok.clone();
        bad["spec"]["vmConfig"] =
            json!({"env": [{"name": "K", "valueFrom": "HOST", "value": "v"}]});
        assert!(check_cel_rules(&bad)
            .unwrap_err()
            .to_string()
            .contains("vmConfig.env[0]"));
    }
}
