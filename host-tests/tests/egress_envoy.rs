//! The governed path is the only path: the rendered egress resources of
//! `team-egress`, translated into the Envoy listeners and clusters istiod
//! builds from them for a sidecar, in a real Envoy.
//!
//! - `main` is the sidecar's outbound listener on the governed port
//!   (18080, from the `ServiceEntry`): the namespace's plugins, one
//!   virtual host per provider host (`host`, `host:18080`) whose route
//!   rewrites `:authority` (the `VirtualService`) to a cluster that
//!   originates TLS with the provider's SNI, validating its certificate
//!   (the `DestinationRule`); unknown hosts get Istio's `block_all`
//!   (502) under `REGISTRY_ONLY` (the `Sidecar`).
//! - `outbound-443` is the sidecar's capture of everything else: no
//!   registry entry has the providers on 443, so a direct
//!   `https://api.openai.com` lands on the default chain, which is
//!   `BlackHoleCluster` under `REGISTRY_ONLY` and the original
//!   destination (`PassthroughCluster`) under `ALLOW_ANY`.
//! - The provider (test double): a TLS listener with a certificate for the
//!   provider hosts from a throwaway CA, in front of the mock LLM.
//!
//! The translation follows istiod (`pilot/pkg/networking/core`:
//! `BlackHoleCluster`, `PassthroughCluster`, `block_all`); Istio itself is
//! not run here (no cluster).

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};
use tollgate_host::envoy::Envoy;
use tollgate_host::http_client::{self, Body};
use tollgate_host::mesh::{self, NamespaceRender, Renderer, FILTERS};
use tollgate_host::mock_llm::MockLlm;
use tollgate_host::wasm_dir;

const CLIENT_KEY: &str = tollgate_host::demo::DEMO_KEY;
const PROVIDER_KEY: &str = "sk-provider-key-from-the-secret";

fn render(ns: &str) -> NamespaceRender {
    let digests = FILTERS
        .iter()
        .map(|f| (f.to_string(), "ab".repeat(32)))
        .collect();
    Renderer::new(mesh::mesh_config_dir(), "registry.example.com", digests)
        .render_namespace(ns)
        .unwrap()
}

/// The first object of `kind` whose `spec.hosts` (or `spec.host`) names
/// `host`.
fn find<'a>(render: &'a NamespaceRender, kind: &str, host: &str) -> &'a Value {
    render
        .objects()
        .into_iter()
        .find(|o| {
            o["kind"] == kind
                && (o["spec"]["host"] == host
                    || o["spec"]["hosts"]
                        .as_array()
                        .is_some_and(|h| h.iter().any(|x| x == host)))
        })
        .unwrap_or_else(|| panic!("no {kind} for {host}"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A throwaway CA and a certificate for `hosts` signed by it (openssl).
struct Certs {
    dir: PathBuf,
}

impl Certs {
    fn new(tag: &str, hosts: &[&str]) -> Certs {
        let dir =
            std::env::temp_dir().join(format!("tollgate-egress-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(&dir)
                .output()
                .expect("openssl");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            &format!("/CN=tollgate test CA {tag}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ]);
        run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=provider",
        ]);
        let san: Vec<String> = hosts.iter().map(|h| format!("DNS:{h}")).collect();
        std::fs::write(
            dir.join("leaf.ext"),
            format!(
                "subjectAltName={}\nextendedKeyUsage=serverAuth\n",
                san.join(",")
            ),
        )
        .unwrap();
        run(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ]);
        Certs { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Certs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn router() -> Value {
    json!([{
        "name": "envoy.filters.http.router",
        "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"},
    }])
}

fn tcp_proxy(cluster: &str) -> Value {
    json!({
        "name": "envoy.filters.network.tcp_proxy",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
            "stat_prefix": cluster,
            "cluster": cluster,
        },
    })
}

fn static_cluster(name: &str, addr: SocketAddr) -> Value {
    json!({
        "name": name,
        "type": "STATIC",
        "connect_timeout": "2s",
        "load_assignment": {"cluster_name": name, "endpoints": [{"lb_endpoints": [{"endpoint": {"address": {
            "socket_address": {"address": addr.ip().to_string(), "port_value": addr.port()}}}}]}]},
    })
}

/// The provider (test double): TLS with the test certificate, then the
/// mock LLM.
fn tls_server(certs: &Certs) -> Value {
    json!({
        "name": "envoy.transport_sockets.tls",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
            "common_tls_context": {"tls_certificates": [{
                "certificate_chain": {"filename": certs.path("leaf.pem")},
                "private_key": {"filename": certs.path("leaf.key")},
            }]},
        },
    })
}

/// TLS originated to `sni`, the peer's certificate validated against
/// `certs`' CA.
fn tls_client(certs: &Certs, sni: &str) -> Value {
    json!({
        "name": "envoy.transport_sockets.tls",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
            "sni": sni,
            "common_tls_context": {"validation_context": {
                "trusted_ca": {"filename": certs.path("ca.pem")},
                "match_typed_subject_alt_names": [{"san_type": "DNS", "matcher": {"exact": sni}}],
            }},
        },
    })
}

fn provider_listener(certs: &Certs, port: u16) -> Value {
    json!({
        "name": "provider",
        "address": {"socket_address": {"address": "127.0.0.1", "port_value": port}},
        "filter_chains": [{
            "transport_socket": {
                "name": "envoy.transport_sockets.tls",
                "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
                    "common_tls_context": {"tls_certificates": [{
                        "certificate_chain": {"filename": certs.path("leaf.pem")},
                        "private_key": {"filename": certs.path("leaf.key")},
                    }]},
                },
            },
            "filters": [{
                "name": "envoy.filters.network.http_connection_manager",
                "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    "stat_prefix": "provider",
                    "route_config": {"virtual_hosts": [{"name": "provider", "domains": ["*"],
                        "routes": [{"match": {"prefix": "/"}, "route": {"cluster": "provider-backend"}}]}]},
                    "http_filters": router(),
                },
            }],
        }],
    })
}

/// The sidecar's capture of port 443 traffic: the registry has no
/// provider on 443, so every TLS connection takes the default chain.
fn outbound_443(name: &str, port: u16, policy: &str) -> Value {
    let cluster = match policy {
        "REGISTRY_ONLY" => "BlackHoleCluster",
        _ => "PassthroughCluster",
    };
    json!({
        "name": name,
        "address": {"socket_address": {"address": "127.0.0.1", "port_value": port}},
        "listener_filters": [{
            "name": "envoy.filters.listener.tls_inspector",
            "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"},
        }],
        "filter_chains": [],
        "default_filter_chain": {"filters": [tcp_proxy(cluster)]},
    })
}

/// `curl https://<host>:<port><path>` resolved to 127.0.0.1, trusting the
/// test CA, as a workload calling the provider directly would; returns
/// (curl's exit code, HTTP status or 0).
fn direct_https(certs: &Certs, host: &str, port: u16, path: &str) -> (i32, u16) {
    direct_https_as(certs, host, port, path, "gpt-4o-mini")
}

fn direct_https_as(certs: &Certs, host: &str, port: u16, path: &str, model: &str) -> (i32, u16) {
    let out = Command::new("curl")
        .args([
            "-sS",
            "--max-time",
            "10",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
        ])
        .arg("--resolve")
        .arg(format!("{host}:{port}:127.0.0.1"))
        .arg("--cacert")
        .arg(certs.path("ca.pem"))
        .args(["-H", "content-type: application/json"])
        .args(["-H", &format!("authorization: Bearer {CLIENT_KEY}")])
        .args([
            "-d",
            &json!({"model": model, "messages": [{"role": "user", "content": "hello"}]})
                .to_string(),
        ])
        .arg(format!("https://{host}:{port}{path}"))
        .output()
        .expect("curl");
    let code = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    (out.status.code().unwrap_or(-1), code)
}

#[test]
fn only_the_governed_port_reaches_the_provider_and_direct_https_is_refused() {
    let render = render("team-egress");
    let provider = render
        .providers
        .iter()
        .find(|p| p.name == "openai")
        .unwrap()
        .clone();
    let host = provider.host.as_str();
    // The rendered resources, read as istiod reads them.
    let entry = find(&render, "ServiceEntry", host);
    let port = entry["spec"]["ports"][0]["number"].as_u64().unwrap();
    assert_eq!(entry["spec"]["ports"][0]["targetPort"], 443);
    assert_eq!(entry["spec"]["exportTo"], json!(["."]));
    let tls =
        &find(&render, "DestinationRule", host)["spec"]["trafficPolicy"]["portLevelSettings"][0];
    assert_eq!(tls["port"]["number"], port);
    assert_eq!(tls["tls"]["mode"], "SIMPLE");
    let sni = tls["tls"]["sni"].as_str().unwrap();
    let authority = find(&render, "VirtualService", host)["spec"]["http"][0]["rewrite"]
        ["authority"]
        .as_str()
        .unwrap()
        .to_owned();
    let sidecar = render
        .objects()
        .into_iter()
        .find(|o| o["kind"] == "Sidecar")
        .expect("a Sidecar");
    let policy = sidecar["spec"]["outboundTrafficPolicy"]["mode"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(policy, "REGISTRY_ONLY");

    let certs = Certs::new("provider", &[host]);
    let mock = MockLlm::start().unwrap();
    let provider_port = free_port();
    let provider_addr: SocketAddr = ([127, 0, 0, 1], provider_port).into();
    let (blocked_port, open_port) = (free_port(), free_port());

    // The namespace's plugins, with the test's key added to auth.
    let mut builder = Envoy::builder()
        .upstream(provider_addr)
        .process_env("OPENAI_API_KEY", PROVIDER_KEY)
        .process_env("ANTHROPIC_API_KEY", PROVIDER_KEY);
    for p in &render.plugins {
        let mut p = p.clone();
        if p.filter == "auth" {
            let mut config = p.manifest["spec"]["pluginConfig"].clone();
            config["consumers"]["egress-test"] = json!({"models": ["gpt-4o-mini"]});
            let with_key =
                tollgate_host::demo::with_demo_key(&config.to_string(), "egress-test").unwrap();
            p.manifest["spec"]["pluginConfig"] = serde_json::from_str(&with_key).unwrap();
        }
        builder = builder.filter(p.istio_filter(wasm_dir().join(format!("{}.wasm", p.filter))));
    }
    let envoy = builder
        // The ServiceEntry's host on its port; the VirtualService's rewrite.
        .virtual_hosts(vec![
            json!({
                "name": format!("{host}:{port}"),
                "domains": [host, format!("{host}:{port}")],
                "routes": [{"match": {"prefix": "/"},
                            "route": {"cluster": "upstream", "host_rewrite_literal": authority}}],
            }),
            // REGISTRY_ONLY on an HTTP port: istiod's `block_all`.
            json!({
                "name": "block_all",
                "domains": ["*"],
                "routes": [{"match": {"prefix": "/"}, "direct_response": {"status": 502}}],
            }),
        ])
        // The DestinationRule: TLS to 443 with the provider's SNI, its
        // certificate validated.
        .upstream_transport_socket(json!({
            "name": "envoy.transport_sockets.tls",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                "sni": sni,
                "common_tls_context": {"validation_context": {
                    "trusted_ca": {"filename": certs.path("ca.pem")},
                    "match_typed_subject_alt_names": [{"san_type": "DNS", "matcher": {"exact": sni}}],
                }},
            },
        }))
        .listener(provider_listener(&certs, provider_port))
        .raw_cluster(static_cluster("provider-backend", mock.addr()))
        .listener(outbound_443("outbound-443", blocked_port, &policy))
        .listener(outbound_443("outbound-443-allow-any", open_port, "ALLOW_ANY"))
        .raw_cluster(json!({"name": "BlackHoleCluster", "type": "STATIC", "connect_timeout": "1s"}))
        .raw_cluster(static_cluster("PassthroughCluster", provider_addr))
        .start()
        .unwrap();

    // 1. The governed path: plain HTTP to host:18080, as the SDKs are
    //    pointed (OPENAI_BASE_URL=http://api.openai.com:18080/v1).
    let host_port = format!("{host}:{port}");
    let call = |model: &str, to: &str| {
        http_client::request(
            "POST",
            &envoy.url("/v1/chat/completions"),
            &[
                ("host", to),
                ("content-type", "application/json"),
                ("authorization", &format!("Bearer {CLIENT_KEY}")),
            ],
            Body::json(&json!({"model": model, "max_tokens": 5,
                               "messages": [{"role": "user", "content": "hello"}]})),
        )
        .unwrap()
    };
    let ok = call("gpt-4o-mini", &host_port);
    assert_eq!(ok.status, 200, "{}", ok.text());
    let seen = mock.last_request().unwrap();
    assert_eq!(
        seen.header("host"),
        Some(host),
        "authority rewritten to the bare host"
    );
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {PROVIDER_KEY}").as_str()),
        "the client's key stripped, the provider's injected"
    );
    assert!(
        envoy
            .stat("cluster.upstream.ssl.handshake")
            .unwrap()
            .unwrap_or(0)
            >= 1,
        "TLS originated by the sidecar"
    );
    // The plugins decide on that path.
    let forbidden = call("gpt-4o", &host_port);
    assert_eq!(forbidden.status, 403, "{}", forbidden.text());
    // A host the registry does not list, on the governed port.
    let before = mock.requests().len();
    let elsewhere = call("gpt-4o-mini", "llm.example.net:18080");
    assert_eq!(elsewhere.status, 502, "{}", elsewhere.text());
    assert_eq!(mock.requests().len(), before);

    // 2. Direct HTTPS under the rendered policy: refused, nothing reaches
    //    the provider.
    let (exit, status) = direct_https(&certs, host, blocked_port, "/v1/chat/completions");
    assert_ne!(exit, 0, "the TLS handshake cannot complete");
    assert_eq!(status, 0);
    assert_eq!(
        mock.requests().len(),
        before,
        "nothing reached the provider"
    );
    assert!(
        envoy
            .stat("cluster.BlackHoleCluster.upstream_cx_none_healthy")
            .unwrap()
            .unwrap_or(0)
            >= 1,
        "sent to BlackHoleCluster"
    );

    // 3. What the Sidecar prevents: under ALLOW_ANY the same call reaches
    //    the provider with the workload's own credential, ungoverned.
    let (exit, status) = direct_https(&certs, host, open_port, "/v1/chat/completions");
    assert_eq!((exit, status), (0, 200));
    let seen = mock.last_request().unwrap();
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {CLIENT_KEY}").as_str()),
        "no plugin ran on the direct path"
    );
}

/// The egress-gateway variant, for clients that keep
/// `https://api.openai.com`: the client namespace's sidecar routes that TLS
/// by SNI to the gateway (the `VirtualService`'s `tls` route on `mesh`),
/// the gateway terminates it with the organisation's certificate for the
/// provider host (the `Gateway`'s `credentialName`), runs the plugins and
/// originates TLS to the provider (the gateway-only `DestinationRule`);
/// any other TLS leaves for `BlackHoleCluster` (`REGISTRY_ONLY`). The
/// `NetworkPolicy` stopping a pod that bypasses its sidecar is the CNI's
/// to enforce and is not exercised here.
#[test]
fn through_the_egress_gateway_an_unchanged_base_url_is_governed() {
    let gateway = render("llm-egress");
    let client = render("team-legacy");
    assert!(client.plugins.is_empty(), "the gateway runs the plugins");
    let host = "api.openai.com";
    let gw = gateway
        .objects()
        .into_iter()
        .find(|o| o["kind"] == "Gateway")
        .unwrap()
        .clone();
    let server = &gw["spec"]["servers"][0];
    assert_eq!(server["tls"]["mode"], "SIMPLE");
    assert!(server["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h == host));
    let vs = find(&gateway, "VirtualService", host);
    let sni_hosts = vs["spec"]["tls"][0]["match"][0]["sniHosts"].clone();
    assert_eq!(
        vs["spec"]["tls"][0]["match"][0]["gateways"],
        json!(["mesh"])
    );
    assert!(vs["spec"]["exportTo"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n == "team-legacy"));
    let origination = find(&gateway, "DestinationRule", host);
    assert_eq!(
        origination["spec"]["exportTo"],
        json!(["."]),
        "client sidecars must not originate TLS too"
    );
    let sni = origination["spec"]["trafficPolicy"]["portLevelSettings"][0]["tls"]["sni"]
        .as_str()
        .unwrap()
        .to_owned();
    let sidecar = client
        .objects()
        .into_iter()
        .find(|o| o["kind"] == "Sidecar")
        .unwrap()
        .clone();
    assert_eq!(
        sidecar["spec"]["outboundTrafficPolicy"]["mode"],
        "REGISTRY_ONLY"
    );
    assert!(sidecar["spec"]["egress"][0]["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h == "llm-egress/*"));

    let org = Certs::new("org", &[host]);
    let public = Certs::new("public", &[host]);
    let mock = MockLlm::start().unwrap();
    let provider_port = free_port();
    let provider_addr: SocketAddr = ([127, 0, 0, 1], provider_port).into();
    let gateway_port = free_port();
    let outbound_port = free_port();
    let mut builder = Envoy::builder()
        .listen_port(gateway_port)
        .upstream(provider_addr)
        .process_env("OPENAI_API_KEY", PROVIDER_KEY)
        .process_env("ANTHROPIC_API_KEY", PROVIDER_KEY);
    for p in &gateway.plugins {
        let mut p = p.clone();
        if p.filter == "auth" {
            let mut config = p.manifest["spec"]["pluginConfig"].clone();
            config["consumers"]["egress-test"] = json!({"models": ["gpt-4o-mini"]});
            let with_key =
                tollgate_host::demo::with_demo_key(&config.to_string(), "egress-test").unwrap();
            p.manifest["spec"]["pluginConfig"] = serde_json::from_str(&with_key).unwrap();
        }
        builder = builder.filter(p.istio_filter(wasm_dir().join(format!("{}.wasm", p.filter))));
    }
    // The client sidecar's port-443 capture: the VirtualService's SNI
    // route to the gateway, the rest to BlackHoleCluster.
    let mut outbound = outbound_443("client-outbound-443", outbound_port, "REGISTRY_ONLY");
    outbound["filter_chains"] = json!([{
        "filter_chain_match": {"server_names": sni_hosts},
        "filters": [tcp_proxy("gateway")],
    }]);
    let envoy = builder
        .main_transport_socket(tls_server(&org))
        // The Gateway's hosts; the port a client names is ignored, as
        // istiod's gateway listeners do (`strip_any_host_port`).
        .virtual_hosts(vec![json!({
            "name": "gateway",
            "domains": server["hosts"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|h| [h.clone(), json!(format!("{}:*", h.as_str().unwrap()))])
                .collect::<Vec<_>>(),
            "routes": [{"match": {"prefix": "/"}, "route": {"cluster": "upstream"}}],
        })])
        .upstream_transport_socket(tls_client(&public, &sni))
        .listener(provider_listener(&public, provider_port))
        .raw_cluster(static_cluster("provider-backend", mock.addr()))
        .listener(outbound)
        .raw_cluster(static_cluster(
            "gateway",
            ([127, 0, 0, 1], gateway_port).into(),
        ))
        .raw_cluster(json!({"name": "BlackHoleCluster", "type": "STATIC", "connect_timeout": "1s"}))
        .start()
        .unwrap();

    // The unchanged client: https://api.openai.com, trusting the
    // organisation's CA.
    let (exit, status) = direct_https(&org, host, outbound_port, "/v1/chat/completions");
    assert_eq!((exit, status), (0, 200));
    let seen = mock.last_request().unwrap();
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {PROVIDER_KEY}").as_str()),
        "the plugins ran at the gateway: client key stripped, provider key injected"
    );
    // (The client names the test's port; on 443 it names none.)
    assert!(seen.header("host").unwrap().starts_with(host));
    let before = mock.requests().len();
    let (_, status) = direct_https_as(&org, host, outbound_port, "/v1/chat/completions", "gpt-4o");
    assert_eq!(
        status, 403,
        "the gateway's auth refuses a model the consumer may not use"
    );
    // A client that does not trust the organisation's CA cannot talk to
    // the gateway (and nothing else leaves).
    let (exit, _) = direct_https(&public, host, outbound_port, "/v1/chat/completions");
    assert_eq!(exit, 60, "curl: peer certificate cannot be authenticated");
    // Any other host over TLS: BlackHoleCluster.
    let (exit, status) = direct_https(
        &org,
        "llm.example.net",
        outbound_port,
        "/v1/chat/completions",
    );
    assert_ne!(exit, 0);
    assert_eq!(status, 0);
    assert_eq!(mock.requests().len(), before);
    assert!(
        envoy
            .stat("cluster.BlackHoleCluster.upstream_cx_none_healthy")
            .unwrap()
            .unwrap_or(0)
            >= 1
    );
}
