//! `scripts/render-mesh --check`: what a namespace needs before its
//! manifests are applied, in one readable report (also written to
//! `<out>/<ns>/prerequisites/CHECK.txt`).

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use super::companions::{origin, Enforce};
use super::{NamespaceRender, Role};

/// The report of one rendered namespace; `out` is where the manifests are
/// (or will be) written.
pub fn text(r: &NamespaceRender, out: &Path) -> String {
    let ns = &r.namespace;
    let dir = out.join(ns);
    let mut s = String::new();
    let role = match &r.role {
        Role::Egress(Enforce::Sidecar) => {
            "calls LLM providers; plugins in its sidecars; direct egress refused (REGISTRY_ONLY)"
                .to_owned()
        }
        Role::Egress(_) => "calls LLM providers; plugins in its sidecars; direct egress NOT refused".to_owned(),
        Role::GatewayClient(gw) => format!(
            "calls LLM providers through the egress gateway in {gw}; direct egress refused (REGISTRY_ONLY, NetworkPolicy)"
        ),
        Role::Gateway { .. } => "egress gateway: terminates client TLS, runs the plugins, originates TLS".to_owned(),
        Role::Inbound { .. } => "serves models; plugins on its inbound side".to_owned(),
    };
    let _ = writeln!(s, "namespace {ns}: {role}");
    let row = |s: &mut String, k: &str, v: &str| {
        let _ = writeln!(s, "  {k:<16} {v}");
    };
    if r.plugins.is_empty() {
        row(&mut s, "plugins", "none in this namespace");
    }
    for p in &r.plugins {
        let spec = &p.manifest["spec"];
        let text = format!(
            "{:<8} {} priority {}, {}, {}",
            p.filter,
            spec["phase"].as_str().unwrap_or("UNSPECIFIED_PHASE"),
            spec["priority"],
            spec["failStrategy"].as_str().unwrap_or("FAIL_CLOSE"),
            spec["url"].as_str().unwrap_or_default(),
        );
        row(&mut s, "plugin", &text);
    }
    let _ = writeln!(s, "\n  before applying:");
    let mut step = 0;
    let mut todo = |s: &mut String, text: &str| {
        step += 1;
        let _ = writeln!(s, "  {step}. {}", text.replace('\n', "\n     "));
    };
    if let Some(secret) = r.pull_secret.as_ref().filter(|_| !r.plugins.is_empty()) {
        todo(
            &mut s,
            &format!(
                "the registry's pull secret, in this namespace (istio-agent reads it through istiod):\n\
                 kubectl create secret docker-registry {secret} -n {ns} --docker-server=… --docker-username=… --docker-password=…"
            ),
        );
    }
    if let Some((secret, vars)) = &r.provider_keys {
        let literals: Vec<String> = vars
            .iter()
            .map(|v| format!("--from-literal={v}=…"))
            .collect();
        todo(
            &mut s,
            &format!(
                "Secret {secret} with one key per provider variable ({}):\n\
                 kubectl create secret generic {secret} -n {ns} {}",
                vars.join(", "),
                literals.join(" ")
            ),
        );
        let who = match &r.role {
            Role::Gateway { service, .. } => format!("the gateway deployment {service}"),
            _ => "each workload".to_owned(),
        };
        todo(
            &mut s,
            &format!(
                "give {who}'s istio-proxy the keys (pods restart; so does a key rotation: env is read at start):\n\
                 kubectl patch deployment NAME -n {ns} --patch-file {}",
                dir.join("prerequisites/istio-proxy-env.patch.yaml").display()
            ),
        );
    }
    match &r.role {
        Role::Egress(enforce) => {
            let hosts: Vec<String> = r
                .providers
                .iter()
                .map(|p| format!("{}:{}", p.host, r.egress_port))
                .collect();
            todo(
                &mut s,
                &format!(
                    "point the clients at the governed port ({}; TLS to 443 is originated by the sidecar):\n{}",
                    hosts.join(", "),
                    r.providers
                        .iter()
                        .map(|p| p.client.replace("{origin}", &origin(&p.host, r.egress_port)))
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
            );
            if *enforce == Enforce::Sidecar {
                todo(
                    &mut s,
                    &format!(
                        "no other Sidecar may select these workloads (one Sidecar per workload; a workload-selecting one wins over a namespace default):\n\
                         kubectl get sidecars.networking.istio.io -n {ns}"
                    ),
                );
            }
        }
        Role::GatewayClient(gw) => {
            todo(
                &mut s,
                &format!(
                    "clients keep their base URLs (https://<provider>) and must trust the CA that issued the gateway's certificate (e.g. SSL_CERT_FILE / REQUESTS_CA_BUNDLE / NODE_EXTRA_CA_CERTS); the gateway in {gw} must be applied first"
                ),
            );
            todo(
                &mut s,
                "the cluster's CNI must enforce NetworkPolicy (Calico, Cilium, …): it is what stops a pod that bypasses its sidecar",
            );
        }
        Role::Gateway {
            service,
            credential,
            clients,
        } => {
            let hosts: Vec<&str> = r.providers.iter().map(|p| p.host.as_str()).collect();
            todo(
                &mut s,
                &format!(
                    "a dedicated egress gateway deployment with Service {service} (label istio={service}), port 443\n\
                     (e.g. helm install {service} istio/gateway -n {ns} --set service.type=ClusterIP)"
                ),
            );
            todo(
                &mut s,
                &format!(
                    "TLS Secret {credential} with a certificate for {} issued by a CA the client workloads trust:\n\
                     kubectl create secret tls {credential} -n {ns} --cert=… --key=…",
                    hosts.join(", ")
                ),
            );
            todo(
                &mut s,
                &format!(
                    "render and apply the client namespaces: {}",
                    clients.join(", ")
                ),
            );
        }
        Role::Inbound {
            strict,
            authorize,
            ports,
        } => {
            if *strict {
                todo(&mut s, "PeerAuthentication tollgate-mtls (STRICT) is rendered: callers without a sidecar are refused at the TLS handshake");
            } else {
                todo(
                    &mut s,
                    "a mesh-wide STRICT PeerAuthentication must exist (mtls: mesh):\n\
                     kubectl get peerauthentication -n istio-system -o jsonpath='{.items[*].spec.mtls.mode}'",
                );
            }
            if *authorize {
                todo(&mut s, &format!("AuthorizationPolicy tollgate-callers allows only the principals auth maps, on ports {ports:?}: every other port of these workloads is denied too"));
            }
        }
    }
    todo(
        &mut s,
        &format!(
            "apply (Istio >= 1.22 for networking/security v1; failStrategy FAIL_RELOAD needs >= 1.27):\n\
             kubectl apply -f {}",
            dir.display()
        ),
    );
    if !r.warnings.is_empty() {
        let _ = writeln!(s, "\n  warnings:");
        for w in &r.warnings {
            let _ = writeln!(s, "  - {w}");
        }
    }
    if !r.plugins.is_empty() {
        let _ = writeln!(
            s,
            "\n  on failure: a module istio-agent cannot fetch (bad digest, registry down, pull secret\n  \
             missing) is replaced by a deny-all filter under FAIL_CLOSE: matched requests get 403,\n  \
             on running pods too (istio/istio#53363). Roll out by digest, one namespace first, and\n  \
             keep the previous digests file to roll back to (README, Deploy to Istio)."
        );
    }
    s
}

/// One line per warning of every namespace (for the renderer's summary).
pub fn warnings(renders: &[NamespaceRender]) -> Vec<String> {
    renders
        .iter()
        .flat_map(|r| {
            r.warnings
                .iter()
                .map(move |w| format!("{}: {w}", r.namespace))
        })
        .collect()
}

/// The `kind/name` of each object, for listings.
pub fn object_names(r: &NamespaceRender) -> Vec<String> {
    r.objects()
        .into_iter()
        .map(|o| {
            format!(
                "{}/{}",
                o.get("kind").and_then(Value::as_str).unwrap_or("?"),
                o.pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
            )
        })
        .collect()
}
