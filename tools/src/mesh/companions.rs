//! The Istio resources a namespace needs besides its `WasmPlugin`s, so that
//! the governed path is the only path and the prerequisites are shipped
//! rather than described:
//!
//! - **egress through the sidecar** (`egress.enforce: sidecar`, the
//!   default): per provider a `ServiceEntry` giving the provider host the
//!   plain-HTTP port the plugins match (18080, TLS originated to 443 by a
//!   `DestinationRule`) and a `VirtualService` rewriting `:authority` back
//!   to the bare host; a `Sidecar` with `outboundTrafficPolicy:
//!   REGISTRY_ONLY` and only this namespace and `istio-system` visible, so
//!   a direct `https://api.openai.com` (or any other host the registry does
//!   not list) goes to Istio's `BlackHoleCluster`. Everything is
//!   `exportTo: ["."]`: another namespace does not inherit the route.
//! - **egress through a gateway** (a namespace with `gateway:`, and clients
//!   with `egress.enforce: gateway`): for workloads whose base URL cannot
//!   change. The client's TLS to `api.openai.com:443` is routed by SNI to a
//!   dedicated egress gateway that terminates it with a certificate the
//!   clients trust (`gateway.credential`, issued by the organisation's CA),
//!   runs the plugins, and originates TLS to the provider. Clients get the
//!   same `REGISTRY_ONLY` `Sidecar` and a `NetworkPolicy` that lets them
//!   reach only in-cluster addresses and DNS, so a pod that bypasses its
//!   sidecar still cannot reach the provider.
//! - **inbound** (`inbound:`, model servers): a `PeerAuthentication`
//!   `STRICT` (the `mesh` identity method reads the mTLS peer) and an
//!   `AuthorizationPolicy` allowing only the principals `auth` maps.
//! - **prerequisites**: the `istio-proxy` env wiring of the provider keys
//!   from a Secret, as a strategic-merge patch (`optional: true`: a missing
//!   Secret leaves the pod running and `auth` answering 503
//!   `provider_credential_unavailable` on the routes that need it).
//!
//! The Istio semantics relied on, from Istio's source (1.26–1.28): a
//! `WasmPlugin` `match.mode` `CLIENT` matches sidecar outbound *and* gateway
//! listeners, `SERVER` sidecar inbound only (`pilot/pkg/model/extensions.go`,
//! `workloadModeForListenerClass`); `REGISTRY_ONLY` turns the outbound
//! passthrough chain into `BlackHoleCluster`; `Sidecar.egress.hosts`
//! limits which namespaces' exported services a proxy knows; phases run
//! AUTHN plugins → Istio authn → AUTHZ plugins → Istio RBAC → STATS plugins
//! → Istio stats.

use std::collections::BTreeSet;

use anyhow::{anyhow, bail, Result};
use serde::Deserialize;
use serde_json::{json, Value};

/// The plain-HTTP port provider hosts get in the mesh by default.
pub const EGRESS_PORT: u16 = 18080;

/// Labels on every companion resource.
fn labels() -> Value {
    json!({"app.kubernetes.io/part-of": "tollgate"})
}

/// A provider the renderer knows by name.
#[derive(Clone, Copy, Debug)]
pub struct KnownProvider {
    /// The name used in `namespace.yaml`.
    pub name: &'static str,
    /// Its API host.
    pub host: &'static str,
    /// How its official clients are pointed at another base URL; `{origin}`
    /// is `http://<host>:<port>`.
    pub client: &'static str,
}

/// The providers `egress.providers` may name; others are given as
/// `{name, host}`.
pub const KNOWN_PROVIDERS: [KnownProvider; 4] = [
    KnownProvider {
        name: "openai",
        host: "api.openai.com",
        client: "OPENAI_BASE_URL={origin}/v1 (openai Python/Node SDKs)",
    },
    KnownProvider {
        name: "anthropic",
        host: "api.anthropic.com",
        client: "ANTHROPIC_BASE_URL={origin} (anthropic Python/TypeScript SDKs)",
    },
    KnownProvider {
        name: "gemini",
        host: "generativelanguage.googleapis.com",
        client: "GOOGLE_GEMINI_BASE_URL={origin} (google-genai)",
    },
    KnownProvider {
        name: "mistral",
        host: "api.mistral.ai",
        client: "Mistral(server_url=\"{origin}\") (mistralai)",
    },
];

/// One entry of `egress.providers` / `gateway.providers`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum ProviderRef {
    /// A [`KNOWN_PROVIDERS`] name.
    Known(String),
    /// Any other host (Azure OpenAI resources, self-hosted gateways, …).
    Custom {
        /// A DNS label naming the resources (`tollgate-<name>`).
        name: String,
        /// The API host.
        host: String,
        /// How its clients are pointed elsewhere (free text; `{origin}`
        /// is replaced).
        #[serde(default)]
        client: Option<String>,
    },
}

/// A resolved provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provider {
    /// DNS label.
    pub name: String,
    /// API host.
    pub host: String,
    /// Client hint with `{origin}` left in.
    pub client: String,
}

impl ProviderRef {
    fn resolve(&self) -> Result<Provider> {
        match self {
            ProviderRef::Known(n) => {
                let p = KNOWN_PROVIDERS
                    .iter()
                    .find(|p| p.name == n)
                    .ok_or_else(|| {
                        let names: Vec<&str> = KNOWN_PROVIDERS.iter().map(|p| p.name).collect();
                        anyhow!(
                            "unknown provider {n}: one of {}, or {{name, host}}",
                            names.join(", ")
                        )
                    })?;
                Ok(Provider {
                    name: p.name.into(),
                    host: p.host.into(),
                    client: p.client.into(),
                })
            }
            ProviderRef::Custom { name, host, client } => {
                if !super::is_dns_label(name) {
                    bail!("{name}: a provider name is a DNS label (lowercase, digits, -)");
                }
                if !is_dns_name(host) {
                    bail!("{host}: not a host name");
                }
                Ok(Provider {
                    name: name.clone(),
                    host: host.clone(),
                    client: client
                        .clone()
                        .unwrap_or_else(|| "base URL {origin}".to_owned()),
                })
            }
        }
    }
}

/// Resolves a provider list, refusing duplicates.
pub fn resolve_providers(refs: &[ProviderRef]) -> Result<Vec<Provider>> {
    if refs.is_empty() {
        bail!("providers: at least one");
    }
    let mut out: Vec<Provider> = Vec::new();
    for (i, r) in refs.iter().enumerate() {
        let p = r.resolve().map_err(|e| anyhow!("providers[{i}]: {e}"))?;
        if out.iter().any(|o| o.name == p.name || o.host == p.host) {
            bail!("providers[{i}]: {} is listed twice", p.host);
        }
        out.push(p);
    }
    Ok(out)
}

fn is_dns_name(s: &str) -> bool {
    s.len() <= 253 && s.contains('.') && s.split('.').all(super::is_dns_label)
}

/// How the governed path is made the only path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Enforce {
    /// `REGISTRY_ONLY` in this namespace's sidecars; the plugins run there.
    #[default]
    Sidecar,
    /// Through the egress gateway of `egress.gateway`; the plugins run
    /// there.
    Gateway,
    /// Not enforced: direct HTTPS to the providers leaves ungoverned (the
    /// report says so).
    None,
}

/// `egress:` of `namespace.yaml` (namespaces whose workloads call
/// providers).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EgressSpec {
    /// The providers the workloads call.
    pub providers: Vec<ProviderRef>,
    /// Default `sidecar`.
    #[serde(default)]
    pub enforce: Enforce,
    /// With `enforce: gateway`: the namespace of the egress gateway (a
    /// directory of `mesh-config/namespaces/` with `gateway:`).
    #[serde(default)]
    pub gateway: Option<String>,
    /// Namespaces whose services the workloads may still reach, besides
    /// their own and `istio-system` (the `Sidecar`'s egress hosts). Never
    /// list a namespace that exports a `ServiceEntry` for a provider host.
    #[serde(default)]
    pub reachable_namespaces: Vec<String>,
    /// The plain-HTTP port of the provider hosts (default 18080).
    #[serde(default = "egress_port")]
    pub port: u16,
}

fn egress_port() -> u16 {
    EGRESS_PORT
}

/// `gateway:` of `namespace.yaml` (the namespace of a dedicated egress
/// gateway that runs the plugins).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewaySpec {
    /// The providers it serves.
    pub providers: Vec<ProviderRef>,
    /// The gateway's `Service` (in this namespace).
    pub service: String,
    /// The pod label `istio` of the gateway deployment (the `Gateway`'s
    /// selector); default: `service`.
    #[serde(default)]
    pub selector: Option<String>,
    /// The TLS Secret (in this namespace) with a certificate for every
    /// provider host, issued by a CA the clients trust.
    pub credential: String,
    /// The namespaces whose workloads are routed through it.
    pub clients: Vec<String>,
}

/// mTLS mode of `inbound.mtls`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Mtls {
    /// Render a `PeerAuthentication` `STRICT` for the selected workloads.
    #[serde(rename = "STRICT")]
    Strict,
    /// A mesh-wide `STRICT` `PeerAuthentication` (in the root namespace)
    /// already covers them; nothing is rendered, the report says how to
    /// check.
    #[serde(rename = "mesh")]
    Mesh,
}

/// `inbound:` of `namespace.yaml` (model servers).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboundSpec {
    /// Default `STRICT`.
    #[serde(default = "strict")]
    pub mtls: Mtls,
    /// Render an `AuthorizationPolicy` allowing only the principals
    /// `auth`'s `mesh` table maps (default true).
    #[serde(default = "yes")]
    pub authorize: bool,
}

fn strict() -> Mtls {
    Mtls::Strict
}

fn yes() -> bool {
    true
}

/// `secrets:` of `namespace.yaml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsSpec {
    /// The Secret holding the provider keys, one data key per variable
    /// name (default `tollgate-provider-keys`).
    #[serde(default = "provider_keys_secret")]
    pub provider_keys: String,
}

/// The default provider-key Secret.
pub fn provider_keys_secret() -> String {
    "tollgate-provider-keys".into()
}

impl Default for SecretsSpec {
    fn default() -> Self {
        SecretsSpec {
            provider_keys: provider_keys_secret(),
        }
    }
}

/// A file of Kubernetes objects (`---`-separated YAML).
#[derive(Clone, Debug)]
pub struct Objects {
    /// The file name (under `<out>/<ns>/`).
    pub file: String,
    /// The objects.
    pub docs: Vec<Value>,
}

fn object(kind: &str, api: &str, name: &str, ns: &str, spec: Value) -> Value {
    json!({
        "apiVersion": api,
        "kind": kind,
        "metadata": {"name": name, "namespace": ns, "labels": labels()},
        "spec": spec,
    })
}

/// The `DestinationRule` `<name>-tls` originating TLS to `host` (its SNI,
/// its certificate validated) on `port`, for this namespace only.
fn tls_origination(ns: &str, name: &str, host: &str, port: u16) -> Value {
    object(
        "DestinationRule",
        "networking.istio.io/v1",
        &format!("{name}-tls"),
        ns,
        json!({
            "host": host,
            "exportTo": ["."],
            "trafficPolicy": {"portLevelSettings": [{
                "port": {"number": port},
                "tls": {"mode": "SIMPLE", "sni": host},
            }]},
        }),
    )
}

/// `http://<host>:<port>`.
pub fn origin(host: &str, port: u16) -> String {
    format!("http://{host}:{port}")
}

/// The egress resources of a namespace enforced in its own sidecars (or
/// not enforced: everything but the `Sidecar`).
pub fn sidecar_egress(
    ns: &str,
    providers: &[Provider],
    egress: &EgressSpec,
    workload_labels: Option<&Value>,
) -> Objects {
    let port = egress.port;
    let mut docs = Vec::new();
    for p in providers {
        let name = format!("tollgate-{}", p.name);
        docs.push(object(
            "ServiceEntry",
            "networking.istio.io/v1",
            &name,
            ns,
            json!({
                "hosts": [p.host],
                "exportTo": ["."],
                "location": "MESH_EXTERNAL",
                "resolution": "DNS",
                "ports": [{"number": port, "name": format!("http-{}", p.name), "protocol": "HTTP", "targetPort": 443}],
            }),
        ));
        docs.push(tls_origination(ns, &name, &p.host, port));
        // The router applies it after every HTTP filter: the plugins see
        // `host:port`, the provider its bare host.
        docs.push(object(
            "VirtualService",
            "networking.istio.io/v1",
            &name,
            ns,
            json!({
                "hosts": [p.host],
                "exportTo": ["."],
                "http": [{
                    "match": [{"port": port}],
                    "rewrite": {"authority": p.host},
                    "route": [{"destination": {"host": p.host, "port": {"number": port}}}],
                }],
            }),
        ));
    }
    if egress.enforce == Enforce::Sidecar {
        docs.push(registry_only_sidecar(ns, egress, workload_labels, None));
    }
    Objects {
        file: "egress.yaml".into(),
        docs,
    }
}

/// The `Sidecar` that makes the registry the only way out.
fn registry_only_sidecar(
    ns: &str,
    egress: &EgressSpec,
    workload_labels: Option<&Value>,
    gateway_ns: Option<&str>,
) -> Value {
    let mut hosts = vec!["./*".to_owned(), "istio-system/*".to_owned()];
    for n in gateway_ns
        .into_iter()
        .chain(egress.reachable_namespaces.iter().map(String::as_str))
    {
        let h = format!("{n}/*");
        if !hosts.contains(&h) {
            hosts.push(h);
        }
    }
    let mut spec = json!({
        "outboundTrafficPolicy": {"mode": "REGISTRY_ONLY"},
        "egress": [{"hosts": hosts}],
    });
    if let Some(l) = workload_labels {
        spec["workloadSelector"] = json!({"labels": l});
    }
    object(
        "Sidecar",
        "networking.istio.io/v1",
        "tollgate-egress",
        ns,
        spec,
    )
}

/// The resources of a client namespace routed through an egress gateway:
/// the `REGISTRY_ONLY` `Sidecar` and a `NetworkPolicy` allowing in-cluster
/// destinations and DNS only.
pub fn gateway_client(
    ns: &str,
    egress: &EgressSpec,
    gateway_ns: &str,
    workload_labels: Option<&Value>,
) -> Objects {
    let sidecar = registry_only_sidecar(ns, egress, workload_labels, Some(gateway_ns));
    let pod_selector = match workload_labels {
        Some(l) => json!({"matchLabels": l}),
        None => json!({}),
    };
    let policy = json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "tollgate-egress", "namespace": ns, "labels": labels()},
        "spec": {
            "podSelector": pod_selector,
            "policyTypes": ["Egress"],
            "egress": [
                {"to": [{"namespaceSelector": {}}]},
                {"ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]},
            ],
        },
    });
    Objects {
        file: "egress.yaml".into(),
        docs: vec![sidecar, policy],
    }
}

/// The egress gateway's resources.
pub fn gateway(ns: &str, g: &GatewaySpec, providers: &[Provider]) -> Objects {
    let service = format!("{}.{ns}.svc.cluster.local", g.service);
    let selector = g.selector.clone().unwrap_or_else(|| g.service.clone());
    let hosts: Vec<&str> = providers.iter().map(|p| p.host.as_str()).collect();
    let mut export: Vec<String> = vec![".".into()];
    export.extend(g.clients.iter().cloned());
    let mut docs = vec![object(
        "Gateway",
        "networking.istio.io/v1",
        "tollgate-egress",
        ns,
        json!({
            "selector": {"istio": selector},
            "servers": [{
                "port": {"number": 443, "name": "https-tollgate", "protocol": "HTTPS"},
                "hosts": hosts,
                "tls": {"mode": "SIMPLE", "credentialName": g.credential},
            }],
        }),
    )];
    // Client sidecars pass the workload's own TLS through to the gateway:
    // no Istio mTLS around it (the gateway's listener terminates the
    // client's TLS, not Istio's).
    docs.push(object(
        "DestinationRule",
        "networking.istio.io/v1",
        "tollgate-egress-gateway",
        ns,
        json!({
            "host": service,
            "exportTo": export,
            "trafficPolicy": {"portLevelSettings": [{"port": {"number": 443}, "tls": {"mode": "DISABLE"}}]},
        }),
    ));
    for p in providers {
        let name = format!("tollgate-{}", p.name);
        docs.push(object(
            "ServiceEntry",
            "networking.istio.io/v1",
            &name,
            ns,
            json!({
                "hosts": [p.host],
                "exportTo": export,
                "location": "MESH_EXTERNAL",
                "resolution": "DNS",
                "ports": [{"number": 443, "name": format!("tls-{}", p.name), "protocol": "TLS"}],
            }),
        ));
        // TLS origination from the gateway only: a client sidecar must
        // not wrap the workload's TLS in another.
        docs.push(tls_origination(ns, &name, &p.host, 443));
        docs.push(object(
            "VirtualService",
            "networking.istio.io/v1",
            &name,
            ns,
            json!({
                "hosts": [p.host],
                "exportTo": export,
                "gateways": ["mesh", "tollgate-egress"],
                "tls": [{
                    "match": [{"gateways": ["mesh"], "port": 443, "sniHosts": [p.host]}],
                    "route": [{"destination": {"host": service, "port": {"number": 443}}}],
                }],
                "http": [{
                    "match": [{"gateways": ["tollgate-egress"], "port": 443}],
                    "route": [{"destination": {"host": p.host, "port": {"number": 443}}}],
                }],
            }),
        ));
    }
    Objects {
        file: "gateway.yaml".into(),
        docs,
    }
}

/// `source.principals` of an `AuthorizationPolicy` from `auth`'s `mesh`
/// table: the SPIFFE ID without `spiffe://`, a trailing `*` kept (Istio
/// matches it as a prefix).
pub fn principals(auth_config: &Value) -> Vec<String> {
    let mut out = BTreeSet::new();
    for m in auth_config
        .get("mesh")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(p) = m.get("principal").and_then(Value::as_str) {
            out.insert(p.strip_prefix("spiffe://").unwrap_or(p).to_owned());
        }
    }
    out.into_iter().collect()
}

/// The inbound resources of a model-server namespace.
pub fn inbound(
    ns: &str,
    spec: &InboundSpec,
    workload_labels: Option<&Value>,
    ports: &[u64],
    principals: &[String],
) -> Objects {
    let selector = workload_labels.map(|l| json!({"matchLabels": l}));
    let mut docs = Vec::new();
    if spec.mtls == Mtls::Strict {
        let mut s = json!({"mtls": {"mode": "STRICT"}});
        if let Some(sel) = &selector {
            s["selector"] = sel.clone();
        }
        docs.push(object(
            "PeerAuthentication",
            "security.istio.io/v1",
            "tollgate-mtls",
            ns,
            s,
        ));
    }
    if spec.authorize {
        let ports: Vec<String> = ports.iter().map(u64::to_string).collect();
        let mut rule = json!({"from": [{"source": {"principals": principals}}]});
        if !ports.is_empty() {
            rule["to"] = json!([{"operation": {"ports": ports}}]);
        }
        let mut s = json!({"action": "ALLOW", "rules": [rule]});
        if let Some(sel) = &selector {
            s["selector"] = sel.clone();
        }
        docs.push(object(
            "AuthorizationPolicy",
            "security.istio.io/v1",
            "tollgate-callers",
            ns,
            s,
        ));
    }
    Objects {
        file: "inbound.yaml".into(),
        docs,
    }
}

/// The strategic-merge patch giving a workload's `istio-proxy` container
/// the provider keys from `secret` (one data key per variable).
pub fn istio_proxy_env_patch(secret: &str, vars: &[String]) -> Value {
    let env: Vec<Value> = vars
        .iter()
        .map(|v| {
            json!({
                "name": v,
                "valueFrom": {"secretKeyRef": {"name": secret, "key": v, "optional": true}},
            })
        })
        .collect();
    json!({
        "spec": {"template": {"spec": {"containers": [{"name": "istio-proxy", "env": env}]}}},
    })
}
