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
//!   namespace gets; default all three), `spec`, merged over every
//!   filter's base spec (selector, match, failStrategy, …), `specs.<filter>`
//!   over one filter's, and the namespace's role — `egress`, `gateway` or
//!   `inbound` — from which [`companions`] renders the resources that make
//!   the governed path the only one, and `secrets`.
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

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;
use serde_json::{json, Map, Value};

pub mod companions;
pub mod report;

use companions::{EgressSpec, Enforce, GatewaySpec, InboundSpec, Objects, Provider, SecretsSpec};

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

    /// The filter as istiod delivers it to a proxy (see
    /// [`crate::envoy::IstioShape`], Istio's `pilot/pkg/model/extensions.go`):
    /// named `<ns>.<name>`, `root_id` = `spec.pluginName` (empty when
    /// unset), `HOST` variables as `host_env_keys`, `INLINE` ones and
    /// istiod's `ISTIO_META_WASM_*` as key values, the pluginConfig Struct
    /// re-serialised as JSON, the fail strategy as `failure_policy`.
    pub fn istio_filter(&self, wasm: PathBuf) -> crate::envoy::WasmFilter {
        let spec = &self.manifest["spec"];
        let name = format!(
            "{}.{}",
            self.namespace,
            self.manifest
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
        );
        let mut host_env_keys = Vec::new();
        let mut key_values = Vec::new();
        if let Some(secret) = spec.get("imagePullSecret").and_then(Value::as_str) {
            key_values.push((
                "ISTIO_META_WASM_IMAGE_PULL_SECRET".to_owned(),
                format!("kubernetes://{}/{secret}", self.namespace),
            ));
        }
        if let Some(policy) = spec.get("imagePullPolicy").and_then(Value::as_str) {
            key_values.push((
                "ISTIO_META_WASM_IMAGE_PULL_POLICY".to_owned(),
                policy.to_owned(),
            ));
        }
        key_values.push((
            "ISTIO_META_WASM_PLUGIN_RESOURCE_VERSION".to_owned(),
            "1".to_owned(),
        ));
        for e in spec
            .pointer("/vmConfig/env")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(n) = e.get("name").and_then(Value::as_str) else {
                continue;
            };
            if e.get("valueFrom").and_then(Value::as_str) == Some("HOST") {
                host_env_keys.push(n.to_owned());
            } else {
                let v = e.get("value").and_then(Value::as_str).unwrap_or_default();
                key_values.push((n.to_owned(), v.to_owned()));
            }
        }
        let failure_policy = match spec.get("failStrategy").and_then(Value::as_str) {
            Some("FAIL_OPEN") => "FAIL_OPEN",
            Some("FAIL_RELOAD") => "FAIL_RELOAD",
            Some("FAIL_CLOSE") => "FAIL_CLOSED",
            _ => "UNSPECIFIED",
        };
        let config = spec
            .get("pluginConfig")
            .filter(|c| c.as_object().is_some_and(|o| !o.is_empty()))
            .map(crate::envoy::struct_json)
            .unwrap_or_default();
        crate::envoy::WasmFilter::istio(
            &self.filter,
            wasm,
            &config,
            crate::envoy::IstioShape {
                name,
                root_id: spec
                    .get("pluginName")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                host_env_keys,
                key_values,
                failure_policy: failure_policy.to_owned(),
            },
        )
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
    /// `combined`: the three filters as one `WasmPlugin` of the combined
    /// module (`filters/combined`); `separate` (default): one each.
    module: Option<String>,
    spec: Option<Value>,
    /// Per filter, merged over `spec` (e.g. `throttle: {phase: STATS}`).
    specs: BTreeMap<String, Value>,
    egress: Option<EgressSpec>,
    gateway: Option<GatewaySpec>,
    inbound: Option<InboundSpec>,
    secrets: Option<SecretsSpec>,
}

/// Renders namespaces from a `mesh-config/` directory.
#[derive(Debug, Clone)]
pub struct Renderer {
    root: PathBuf,
    registry: String,
    digests: BTreeMap<String, String>,
    pull_secret: Option<String>,
}

/// Everything rendered for one namespace.
#[derive(Debug, Clone)]
pub struct NamespaceRender {
    /// The Kubernetes namespace.
    pub namespace: String,
    /// Its `WasmPlugin`s, in the order they run.
    pub plugins: Vec<Rendered>,
    /// The other Istio (and Kubernetes) resources it needs.
    pub companions: Vec<Objects>,
    /// What the namespace's role is.
    pub role: Role,
    /// The providers reached (egress or gateway).
    pub providers: Vec<Provider>,
    /// The plain-HTTP port of the providers (egress through the sidecar).
    pub egress_port: u16,
    /// The Secret holding the provider keys and the variables it must have.
    pub provider_keys: Option<(String, Vec<String>)>,
    /// `spec.imagePullSecret` of every plugin.
    pub pull_secret: Option<String>,
    /// Warnings for the report.
    pub warnings: Vec<String>,
}

/// What a namespace does in the mesh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Workloads call providers; the plugins run in their sidecars.
    Egress(Enforce),
    /// Workloads call providers through the egress gateway of this
    /// namespace; no plugin runs in their sidecars.
    GatewayClient(String),
    /// A dedicated egress gateway running the plugins.
    Gateway {
        /// Its Service.
        service: String,
        /// The TLS Secret it terminates client TLS with.
        credential: String,
        /// Client namespaces.
        clients: Vec<String>,
    },
    /// Model servers: the plugins run on their inbound side.
    Inbound {
        /// `PeerAuthentication` rendered (false: relies on a mesh-wide one).
        strict: bool,
        /// `AuthorizationPolicy` rendered.
        authorize: bool,
        /// The ports the plugins match.
        ports: Vec<u64>,
    },
}

impl NamespaceRender {
    /// Writes the plugins (`<out>/<ns>/<filter>.yaml`), the companions
    /// (`<out>/<ns>/<file>`) and the prerequisites
    /// (`<out>/<ns>/prerequisites/`: the istio-proxy env patch and the
    /// report); returns the paths written.
    pub fn write(&self, out: &Path) -> Result<Vec<PathBuf>> {
        let mut paths = Vec::new();
        for r in &self.plugins {
            paths.push(r.write(out)?);
        }
        let dir = out.join(&self.namespace);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let header = format!(
            "# Rendered by scripts/render-mesh from mesh-config/namespaces/{}/namespace.yaml; do not edit.\n",
            self.namespace
        );
        for o in &self.companions {
            let path = dir.join(&o.file);
            std::fs::write(&path, header.clone() + &yaml_stream(&o.docs)?)
                .with_context(|| format!("writing {}", path.display()))?;
            paths.push(path);
        }
        // Not applied with `kubectl apply -f <out>/<ns>/`: a patch and a
        // report are not objects of the namespace.
        let pre = dir.join("prerequisites");
        std::fs::create_dir_all(&pre).with_context(|| format!("creating {}", pre.display()))?;
        if let Some((secret, vars)) = &self.provider_keys {
            let path = pre.join("istio-proxy-env.patch.yaml");
            let text = format!(
                "# Gives a workload's istio-proxy container the provider keys from Secret {secret}\n\
                 # (Istio's injector merges a container named istio-proxy into the sidecar):\n\
                 #   kubectl patch deployment NAME -n {ns} --patch-file {file}\n\
                 # optional: true keeps the pod starting without the Secret; auth then\n\
                 # answers 503 provider_credential_unavailable on the routes that need a key.\n{yaml}",
                ns = self.namespace,
                file = path.display(),
                yaml = serde_yaml::to_string(&companions::istio_proxy_env_patch(secret, vars))?,
            );
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            paths.push(path);
        }
        let path = pre.join("CHECK.txt");
        std::fs::write(&path, report::text(self, out))
            .with_context(|| format!("writing {}", path.display()))?;
        paths.push(path);
        Ok(paths)
    }

    /// Every object rendered (plugins and companions).
    pub fn objects(&self) -> Vec<&Value> {
        self.plugins
            .iter()
            .map(|r| &r.manifest)
            .chain(self.companions.iter().flat_map(|o| o.docs.iter()))
            .collect()
    }
}

/// Objects as a YAML stream.
fn yaml_stream(docs: &[Value]) -> Result<String> {
    let mut out = String::new();
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&serde_yaml::to_string(d)?);
    }
    Ok(out)
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
            pull_secret: None,
        }
    }

    /// Sets `spec.imagePullSecret` (a `docker-registry` Secret in each
    /// namespace) on every plugin, for a private registry.
    pub fn pull_secret(mut self, name: &str) -> Result<Self> {
        if !is_dns_subdomain(name) {
            bail!("--pull-secret {name}: not a Kubernetes Secret name");
        }
        self.pull_secret = Some(name.to_owned());
        Ok(self)
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
        Ok(self.render_namespace(ns)?.plugins)
    }

    fn namespace_file(&self, ns: &str) -> Result<NamespaceFile> {
        if !is_dns_label(ns) {
            bail!("{ns}: not a Kubernetes namespace name (a DNS-1123 label)");
        }
        let dir = self.root.join("namespaces").join(ns);
        if !dir.is_dir() {
            bail!("{ns}: no directory {}", dir.display());
        }
        match read_doc(&dir, "namespace")? {
            Some(v) => serde_json::from_value(v).map_err(|e| anyhow!("{ns}/namespace.yaml: {e}")),
            None => Ok(NamespaceFile::default()),
        }
    }

    /// Renders and checks everything namespace `ns` needs: its plugins,
    /// the resources that make the governed path the only one, and the
    /// prerequisites.
    pub fn render_namespace(&self, ns: &str) -> Result<NamespaceRender> {
        let dir = self.root.join("namespaces").join(ns);
        let ns_file = self.namespace_file(ns)?;
        let filters = ns_file
            .filters
            .clone()
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
        for (f, spec) in &ns_file.specs {
            if !filters.iter().any(|x| x == f) {
                bail!("{ns}/namespace.yaml: specs.{f}: not a filter of this namespace");
            }
            if !spec.is_object() || spec.get("pluginConfig").is_some() {
                bail!("{ns}/namespace.yaml: specs.{f}: a map of spec fields (pluginConfig goes in {ns}/{f}.yaml)");
            }
        }
        // A filter file with no filter enabled is a mistake worth naming.
        for f in FILTERS {
            if !filters.iter().any(|x| x == f) && read_doc(&dir, f)?.is_some() {
                bail!("{ns}/{f}: has an override but is not in namespace.yaml filters");
            }
        }
        let mut plugins = Vec::new();
        for filter in FILTERS.iter().filter(|f| filters.iter().any(|x| x == *f)) {
            let mut spec = ns_file.spec.clone().unwrap_or_else(|| json!({}));
            if let Some(own) = ns_file.specs.get(*filter) {
                merge_patch(&mut spec, own);
            }
            plugins.push(self.render_one(ns, filter, &dir, Some(&spec))?);
        }
        check_together(&plugins)?;
        let mut out = self
            .companions(ns, &ns_file, plugins)
            .map_err(|e| anyhow!("{ns}/namespace.yaml: {e:#}"))?;
        match ns_file.module.as_deref() {
            None | Some("separate") => {}
            Some("combined") => {
                if filters.len() != FILTERS.len() {
                    bail!("{ns}/namespace.yaml: module: combined runs all three filters; list them all in filters (or leave filters out)");
                }
                out.plugins = vec![self
                    .combine(ns, &out.plugins)
                    .map_err(|e| anyhow!("{ns}/combined: {e:#}"))?];
            }
            Some(other) => {
                bail!("{ns}/namespace.yaml: module: {other}: expected separate or combined")
            }
        }
        Ok(out)
    }

    /// The three rendered plugins as one `WasmPlugin` of the combined
    /// module: `base/combined.yaml` with auth's place in the chain (phase
    /// and priority) and the workloads and traffic all three select, the
    /// three pluginConfigs as its members and their VM environments
    /// together. Refused where the three would not run on the same traffic.
    fn combine(&self, ns: &str, plugins: &[Rendered]) -> Result<Rendered> {
        // What each plugin's spec says besides its own module, config and
        // place: these must agree, or one module cannot stand for three.
        const OWN: [&str; 7] = [
            "url",
            "sha256",
            "pluginConfig",
            "phase",
            "priority",
            "vmConfig",
            "failStrategy",
        ];
        let rest = |r: &Rendered| -> Value {
            let mut spec = r.manifest.get("spec").cloned().unwrap_or_else(|| json!({}));
            if let Some(o) = spec.as_object_mut() {
                for k in OWN {
                    o.remove(k);
                }
            }
            spec
        };
        let auth = plugins
            .iter()
            .find(|r| r.filter == "auth")
            .ok_or_else(|| anyhow!("no auth plugin to combine"))?;
        for r in plugins {
            if rest(r) != rest(auth) {
                bail!(
                    "{}'s spec differs from auth's in more than its module, pluginConfig, phase, priority, vmConfig and failStrategy (selector, match, …): one module runs the three on the same traffic",
                    r.filter
                );
            }
        }
        let mut manifest = read_doc(&self.root.join("base"), "combined")?
            .ok_or_else(|| anyhow!("no base/combined.yaml"))?;
        let spec = manifest
            .get_mut("spec")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| anyhow!("base/combined.yaml has no spec map"))?;
        if let Some(own) = rest(auth).as_object() {
            for (k, v) in own {
                spec.insert(k.clone(), v.clone());
            }
        }
        for k in ["phase", "priority"] {
            if let Some(v) = auth.manifest.pointer(&format!("/spec/{k}")) {
                spec.insert(k.into(), v.clone());
            }
        }
        // The strictest of the three: closed (Istio's default when unset)
        // over closed-and-reloading over open.
        let strategies: Vec<&str> = plugins
            .iter()
            .map(|r| {
                r.manifest
                    .pointer("/spec/failStrategy")
                    .and_then(Value::as_str)
                    .unwrap_or("FAIL_CLOSE")
            })
            .collect();
        let strategy = ["FAIL_CLOSE", "FAIL_RELOAD"]
            .into_iter()
            .find(|s| strategies.contains(s))
            .unwrap_or("FAIL_OPEN");
        spec.insert("failStrategy".into(), json!(strategy));
        let mut env: Vec<Value> = Vec::new();
        for r in plugins {
            for e in r
                .manifest
                .pointer("/spec/vmConfig/env")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = e.get("name");
                match env.iter().find(|x| x.get("name") == name) {
                    Some(x) if x != e => bail!(
                        "vmConfig.env {}: set differently by two filters",
                        name.and_then(Value::as_str).unwrap_or_default()
                    ),
                    Some(_) => {}
                    None => env.push(e.clone()),
                }
            }
        }
        if !env.is_empty() {
            spec.insert("vmConfig".into(), json!({ "env": env }));
        }
        let mut config = serde_json::Map::new();
        for r in plugins {
            config.insert(
                r.filter.clone(),
                r.manifest
                    .pointer("/spec/pluginConfig")
                    .cloned()
                    .unwrap_or_else(|| json!({})),
            );
        }
        spec.insert("pluginConfig".into(), Value::Object(config));
        if let Some(meta) = manifest.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("namespace".into(), Value::String(ns.to_owned()));
        }
        self.pin(&mut manifest, "combined")?;
        let rendered = Rendered {
            namespace: ns.to_owned(),
            filter: "combined".to_owned(),
            manifest,
        };
        check_plugin_config("combined", &rendered.plugin_config())?;
        check_env(&rendered)?;
        check_cel_rules(&rendered.manifest)?;
        Ok(rendered)
    }

    /// The companions of a rendered namespace, and the checks that tie
    /// them to its plugins.
    fn companions(
        &self,
        ns: &str,
        ns_file: &NamespaceFile,
        plugins: Vec<Rendered>,
    ) -> Result<NamespaceRender> {
        let modes: BTreeSet<String> = plugins
            .iter()
            .flat_map(|r| match_modes(&r.manifest))
            .collect();
        let outbound = modes.iter().any(|m| m != "SERVER");
        let inbound_only = !modes.is_empty() && !outbound;
        let labels = plugins
            .first()
            .and_then(|r| r.manifest.pointer("/spec/selector/matchLabels"))
            .cloned();
        for r in &plugins {
            if r.manifest.pointer("/spec/selector/matchLabels").cloned() != labels {
                bail!(
                    "{}: every plugin of a namespace selects the same workloads",
                    r.label()
                );
            }
        }
        let auth = plugins.iter().find(|r| r.filter == "auth");
        let auth_config = auth
            .and_then(|r| r.manifest.pointer("/spec/pluginConfig"))
            .cloned()
            .unwrap_or_else(|| json!({}));
        let mut warnings = Vec::new();
        let mut out = NamespaceRender {
            namespace: ns.to_owned(),
            plugins: Vec::new(),
            companions: Vec::new(),
            role: Role::Egress(Enforce::None),
            providers: Vec::new(),
            egress_port: companions::EGRESS_PORT,
            provider_keys: None,
            pull_secret: self.pull_secret.clone(),
            warnings: Vec::new(),
        };
        let sections = [
            ns_file.egress.is_some(),
            ns_file.gateway.is_some(),
            ns_file.inbound.is_some(),
        ];
        if sections.iter().filter(|s| **s).count() > 1 {
            bail!("at most one of egress, gateway, inbound: a namespace has one role");
        }
        if let Some(g) = &ns_file.gateway {
            let providers =
                companions::resolve_providers(&g.providers).map_err(|e| anyhow!("gateway.{e}"))?;
            for c in &g.clients {
                let client = self
                    .namespace_file(c)
                    .map_err(|e| anyhow!("gateway.clients: {e}"))?;
                let routed = client.egress.as_ref().is_some_and(|e| {
                    e.enforce == Enforce::Gateway && e.gateway.as_deref() == Some(ns)
                });
                if !routed {
                    bail!("gateway.clients: {c} does not say egress: {{enforce: gateway, gateway: {ns}}}");
                }
            }
            if !is_dns_subdomain(&g.credential) || !is_dns_label(&g.service) {
                bail!("gateway: service is a DNS label, credential a Secret name");
            }
            if plugins.is_empty() {
                bail!("gateway: the gateway runs the plugins: filters must not be empty");
            }
            if modes.contains("SERVER") {
                bail!("gateway: a gateway's listeners match mode CLIENT (Istio's workloadModeForListenerClass), never SERVER");
            }
            out.companions.push(companions::gateway(ns, g, &providers));
            out.role = Role::Gateway {
                service: g.service.clone(),
                credential: g.credential.clone(),
                clients: g.clients.clone(),
            };
            out.providers = providers;
        } else if let Some(e) = &ns_file.egress {
            let providers =
                companions::resolve_providers(&e.providers).map_err(|e| anyhow!("egress.{e}"))?;
            match e.enforce {
                Enforce::Gateway => {
                    let gw = e
                        .gateway
                        .clone()
                        .ok_or_else(|| anyhow!("egress.gateway: the namespace of the egress gateway (enforce: gateway)"))?;
                    if !plugins.is_empty() {
                        bail!("egress.enforce: gateway: the plugins run on the gateway ({gw}); set filters: []");
                    }
                    let g = self
                        .namespace_file(&gw)
                        .map_err(|e| anyhow!("egress.gateway: {e}"))?
                        .gateway
                        .ok_or_else(|| {
                            anyhow!("egress.gateway: {gw}/namespace.yaml has no gateway:")
                        })?;
                    if !g.clients.iter().any(|c| c == ns) {
                        bail!("egress.gateway: {gw} does not list {ns} in gateway.clients");
                    }
                    let served = companions::resolve_providers(&g.providers)?;
                    for p in &providers {
                        if !served.contains(p) {
                            bail!(
                                "egress.providers: {} is not served by the gateway in {gw}",
                                p.host
                            );
                        }
                    }
                    let workload_labels = ns_file
                        .spec
                        .as_ref()
                        .and_then(|s| s.pointer("/selector/matchLabels"));
                    out.companions
                        .push(companions::gateway_client(ns, e, &gw, workload_labels));
                    out.role = Role::GatewayClient(gw);
                }
                Enforce::Sidecar | Enforce::None => {
                    if plugins.is_empty() {
                        bail!("egress: no filter runs in this namespace: list filters, or enforce: gateway");
                    }
                    if modes.contains("SERVER") {
                        bail!("egress: the plugins match SERVER traffic; egress needs mode CLIENT");
                    }
                    // The plugins must run on the governed port, and on
                    // it only: without ports they would meet every
                    // outbound request of the workloads.
                    for r in &plugins {
                        let ports = match_ports(&r.manifest);
                        if !ports.contains(&u64::from(e.port)) {
                            bail!(
                                "{}: spec.match ports {ports:?} do not include the egress port {}: requests to the providers would not pass the plugins",
                                r.label(),
                                e.port
                            );
                        }
                    }
                    if labels.is_some() && e.enforce == Enforce::Sidecar {
                        warnings.push("the plugins select labelled pods only: pods without the labels are neither governed nor held to REGISTRY_ONLY (remove spec.selector to govern the whole namespace)".into());
                    }
                    if e.enforce == Enforce::None {
                        warnings.push("egress.enforce: none: a workload calling https://<provider> directly (port 443) is not governed".into());
                    }
                    out.companions.push(companions::sidecar_egress(
                        ns,
                        &providers,
                        e,
                        labels.as_ref(),
                    ));
                    out.role = Role::Egress(e.enforce);
                    out.egress_port = e.port;
                }
            }
            out.providers = providers;
        } else if inbound_only {
            let ports: Vec<u64> = plugins
                .first()
                .map(|r| match_ports(&r.manifest))
                .unwrap_or_default();
            let uses_mesh = auth_config
                .get("methods")
                .and_then(Value::as_array)
                .is_some_and(|m| m.iter().any(|v| v == "mesh"));
            let spec = match &ns_file.inbound {
                Some(s) => s.clone(),
                None if uses_mesh => bail!("inbound: auth identifies callers by mesh identity, which needs mTLS: add inbound: {{mtls: STRICT}} (or mtls: mesh for a mesh-wide STRICT PeerAuthentication)"),
                None => {
                    warnings.push("no inbound: section: no PeerAuthentication or AuthorizationPolicy is rendered".into());
                    InboundSpec {
                        mtls: companions::Mtls::Mesh,
                        authorize: false,
                    }
                }
            };
            let principals = companions::principals(&auth_config);
            if spec.authorize && principals.is_empty() {
                bail!("inbound.authorize: auth maps no mesh principal: nothing to allow");
            }
            for r in plugins.iter().filter(|r| r.filter != "auth") {
                if r.manifest.pointer("/spec/phase") != Some(&json!("STATS")) {
                    warnings.push(format!(
                        "{}: phase {} runs before Istio's authorization: requests an AuthorizationPolicy denies are still charged and inspected (set specs.{}.phase: STATS)",
                        r.label(),
                        r.manifest.pointer("/spec/phase").and_then(Value::as_str).unwrap_or("UNSPECIFIED_PHASE"),
                        r.filter
                    ));
                }
            }
            let objects = companions::inbound(ns, &spec, labels.as_ref(), &ports, &principals);
            if !objects.docs.is_empty() {
                out.companions.push(objects);
            }
            out.role = Role::Inbound {
                strict: spec.mtls == companions::Mtls::Strict,
                authorize: spec.authorize,
                ports,
            };
        } else if ns_file.inbound.is_some() {
            bail!("inbound: the plugins must match mode SERVER only");
        } else if !plugins.is_empty() {
            bail!("egress: the plugins run on outbound traffic but namespace.yaml has no egress: section (providers, enforce); egress.enforce: none says on purpose that direct HTTPS to the providers is not governed");
        }
        // Provider keys: what auth injects, where from.
        if auth.is_some() {
            let injected: Vec<&Value> = auth_config
                .get("providers")
                .and_then(Value::as_array)
                .map(|v| v.iter().collect())
                .unwrap_or_default();
            // The variables a provider rule reads (check_env made sure
            // vmConfig.env exports them).
            let mut vars: Vec<String> = injected
                .iter()
                .filter_map(|p| p.get("env").and_then(Value::as_str))
                .map(str::to_owned)
                .collect();
            vars.dedup();
            if !vars.is_empty() && !injected.is_empty() {
                let secret = ns_file.secrets.clone().unwrap_or_default().provider_keys;
                if !is_dns_subdomain(&secret) {
                    bail!("secrets.provider_keys: {secret}: not a Secret name");
                }
                out.provider_keys = Some((secret, vars));
            }
            for (i, p) in injected.iter().enumerate() {
                for h in p
                    .get("hosts")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let h = h.as_str().unwrap_or_default();
                    if !out.providers.is_empty() && !out.providers.iter().any(|x| x.host == h) {
                        warnings.push(format!("auth providers[{i}]: host {h} is not an egress provider: the rule never applies"));
                    }
                }
            }
            if matches!(out.role, Role::Egress(_) | Role::Gateway { .. }) {
                for p in &out.providers {
                    let covered = injected.iter().any(|rule| {
                        rule.get("hosts")
                            .and_then(Value::as_array)
                            .is_none_or(|h| h.is_empty() || h.iter().any(|x| x == p.host.as_str()))
                    });
                    if !covered {
                        warnings.push(format!("no auth provider rule injects a key for {}: with strip_credentials its requests reach it with no credential", p.host));
                    }
                }
            }
        }
        if let Some(secret) = &self.pull_secret {
            for r in &plugins {
                if r.manifest.pointer("/spec/imagePullSecret").is_some() {
                    bail!(
                        "{}: spec.imagePullSecret is set and --pull-secret {secret} was given",
                        r.label()
                    );
                }
            }
        }
        let mut plugins = plugins;
        if let Some(secret) = &self.pull_secret {
            for r in &mut plugins {
                if let Some(spec) = r.manifest.get_mut("spec").and_then(Value::as_object_mut) {
                    spec.insert("imagePullSecret".into(), json!(secret));
                }
            }
        }
        out.plugins = plugins;
        out.warnings = warnings;
        Ok(out)
    }

    /// Fills a base manifest's `url` and `sha256` with the registry and
    /// module `module`'s digest.
    fn pin(&self, manifest: &mut Value, module: &str) -> Result<()> {
        let digest = self.digests.get(module).ok_or_else(|| {
            anyhow!("no digest for {module}: pass --digests FILE (JSON {{\"{module}\": \"sha256:<hex>\"}}; scripts/package writes one)")
        })?;
        let digest = digest.strip_prefix("sha256:").unwrap_or(digest);
        if !is_sha256_hex(digest) {
            bail!("the digest of {module} is not sha256:<64 lowercase hex digits>");
        }
        for field in ["url", "sha256"] {
            if let Some(Value::String(s)) = manifest.pointer_mut(&format!("/spec/{field}")) {
                *s = s
                    .replace("REGISTRY", &self.registry)
                    .replace("DIGEST", digest);
            }
        }
        Ok(())
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
        self.pin(&mut manifest, filter)
            .map_err(|e| anyhow!("{label}: {e}"))?;
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
    use tollgate_core::auth::engine::Authenticator;
    use tollgate_core::config::{parse, AuthConfig, InspectConfig, ThrottleConfig};
    use tollgate_core::inspect::engine::Engine;
    let bytes = config.as_bytes();
    // Parsed and validated, then compiled into the filter's runtime objects
    // (key store, JWKS, principals, detectors, custom regexes), as
    // `on_configure` does: what only compiling finds is refused here too.
    let result = match filter {
        "auth" => parse::<AuthConfig>(bytes)
            .and_then(|c| Authenticator::new(&c, |_| Some("set-in-the-sidecar".into())).map(drop)),
        "throttle" => parse::<ThrottleConfig>(bytes).map(drop),
        "inspect" => parse::<InspectConfig>(bytes).and_then(|c| Engine::new(&c).map(drop)),
        // One member per filter, each checked as that filter checks it.
        "combined" => {
            let all: serde_json::Map<String, Value> = serde_json::from_slice(bytes)
                .map_err(|e| anyhow!("not an object of the three filters' configurations: {e}"))?;
            for key in all.keys() {
                if !FILTERS.contains(&key.as_str()) {
                    bail!("{key}: unknown member, expected auth, throttle, inspect");
                }
            }
            for f in FILTERS {
                let member = all
                    .get(f)
                    .ok_or_else(|| anyhow!("{f}: missing (the module configures all three)"))?;
                check_plugin_config(f, &member.to_string()).map_err(|e| anyhow!("{f}: {e}"))?;
            }
            return Ok(());
        }
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
/// provider rule names must be exported by `vmConfig.env`, or every route
/// needing it would answer 503 `provider_credential_unavailable` forever.
fn check_env(r: &Rendered) -> Result<()> {
    let names = r.vm_env_names();
    // The combined module's auth configuration is its `auth` member.
    let providers = r
        .manifest
        .pointer("/spec/pluginConfig/providers")
        .or_else(|| r.manifest.pointer("/spec/pluginConfig/auth/providers"))
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
/// checked by a JSON Schema validator, plus what `kubectl apply` needs and
/// one rule of the renderer's own (target kinds):
///
/// - `spec.url`: scheme one of oci, file, http, https (a URL without a
///   scheme is read as http);
/// - at most one of `spec.selector`, `spec.targetRef`, `spec.targetRefs`;
/// - `targetRef(s)`: no cross-namespace `namespace` (a CEL rule); and, the
///   renderer's own rule rather than the CRD's, kind `Service` (group `""`
///   or `core`) or `gateway.networking.k8s.io` `Gateway` only;
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
            bail!("spec.targetRefs: kind {group}/{kind}: the renderer only targets a core Service or a gateway.networking.k8s.io Gateway (the CRD accepts more kinds; a target Istio does not attach to would leave the plugin unapplied)");
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

/// The `match[].mode`s of a plugin (`UNDEFINED` when unset: both sides).
fn match_modes(manifest: &Value) -> Vec<String> {
    let matches = manifest.pointer("/spec/match").and_then(Value::as_array);
    match matches {
        Some(m) if !m.is_empty() => m
            .iter()
            .map(|x| {
                x.get("mode")
                    .and_then(Value::as_str)
                    .unwrap_or("UNDEFINED")
                    .to_owned()
            })
            .collect(),
        _ => vec!["UNDEFINED".into()],
    }
}

/// The ports a plugin matches (empty: every port).
fn match_ports(manifest: &Value) -> Vec<u64> {
    manifest
        .pointer("/spec/match")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|m| {
            m.get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(|p| p.get("number").and_then(Value::as_u64))
        .collect()
}

/// A DNS-1123 subdomain (Secret names).
fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns_label)
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
