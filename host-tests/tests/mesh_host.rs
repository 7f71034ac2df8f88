//! Every example namespace's pluginConfig is accepted by its filter (or by
//! the combined module) in tollgate-host (the wasmtime host), as
//! `on_configure` will in a sidecar;
//! the rendering itself is tested in `tools/tests/mesh.rs`.

use std::collections::BTreeMap;

use tollgate_host::mesh::{self, Rendered, Renderer, FILTERS};
use tollgate_host::{Host, Module};

fn render_all() -> Vec<Rendered> {
    let digests: BTreeMap<String, String> = FILTERS
        .iter()
        .chain(&["combined"])
        .enumerate()
        .map(|(i, f)| (f.to_string(), format!("{:x}", i + 10).repeat(64)))
        .collect();
    let r = Renderer::new(
        mesh::mesh_config_dir(),
        "registry.example.com/platform",
        digests,
    );
    r.namespaces()
        .unwrap()
        .iter()
        .flat_map(|ns| r.render(ns).unwrap_or_else(|e| panic!("{e:#}")))
        .collect()
}

/// A fake value for each VM environment variable the manifest exports.
fn fake_env(r: &Rendered) -> Vec<(String, String)> {
    r.vm_env_names()
        .into_iter()
        .map(|n| (n.clone(), format!("test-value-of-{n}")))
        .collect()
}

#[test]
fn every_plugin_config_is_accepted_by_its_filter_in_tollgate_host() {
    for r in render_all() {
        let module = Module::named(&r.filter).unwrap();
        let mut builder = Host::builder(&module).configuration(r.plugin_config());
        for (k, v) in fake_env(&r) {
            builder = builder.env(&k, &v);
        }
        let (host, configured) = builder.build_unchecked().unwrap();
        assert!(configured, "{}: {}", r.label(), host.log_text());
    }
    // And the filter refuses what the renderer refuses.
    let module = Module::named("throttle").unwrap();
    let bad = r#"{"rules": [{"name": "x", "limits": [{"requests": 1, "per": "fortnight"}]}]}"#;
    let (_, configured) = Host::builder(&module)
        .configuration(bad)
        .build_unchecked()
        .unwrap();
    assert!(!configured);
}

/// The auth filter with namespace `ns`'s rendered configuration.
fn auth_of(ns: &str) -> Host {
    let r = render_all()
        .into_iter()
        .find(|r| r.namespace == ns && r.filter == "auth")
        .unwrap_or_else(|| panic!("{ns} renders auth"));
    let module = Module::named("auth").unwrap();
    Host::builder(&module)
        .configuration(r.plugin_config())
        .build()
        .unwrap()
}

/// A request from the mesh workload `principal`: the status of the local
/// reply (`None`: forwarded) and the consumer it was forwarded as.
fn from_principal(
    h: &mut Host,
    principal: &str,
    method: &str,
    path: &str,
    body: serde_json::Value,
) -> (Option<u16>, Option<String>) {
    let mut s = h.stream();
    s.property(&["connection", "uri_san_peer_certificate"], principal);
    let request = match method {
        "DELETE" => tollgate_host::Request::new("DELETE", path),
        _ => tollgate_host::Request::post(path),
    };
    s.send_request(request.json(&body));
    match s.local_reply() {
        Some(r) => (Some(r.status), None),
        None => (
            None,
            s.upstream()
                .header("x-tollgate-consumer")
                .map(str::to_owned),
        ),
    }
}

#[test]
fn the_model_server_namespaces_govern_their_native_apis_by_mesh_identity() {
    use serde_json::json;
    let notebook = "spiffe://cluster.local/ns/notebooks/sa/jupyter";
    let manager = "spiffe://cluster.local/ns/ml-platform/sa/model-manager";
    let chatbot = "spiffe://cluster.local/ns/team-egress/sa/chatbot";
    let stranger = "spiffe://cluster.local/ns/elsewhere/sa/x";
    let chat =
        |model: &str| json!({"model": model, "messages": [{"role": "user", "content": "hi"}]});

    let mut h = auth_of("ollama-server");
    let ok = from_principal(&mut h, notebook, "POST", "/api/chat", chat("qwen2.5:7b"));
    assert_eq!(ok, (None, Some("notebooks".into())));
    assert_eq!(
        from_principal(&mut h, notebook, "POST", "/api/chat", chat("mixtral")).0,
        Some(403)
    );
    // Ollama's management API is the model manager's alone.
    let pull = json!({"model": "llama3.2"});
    assert_eq!(
        from_principal(&mut h, manager, "POST", "/api/pull", pull.clone()),
        (None, Some("model-manager".into()))
    );
    assert_eq!(
        from_principal(&mut h, manager, "POST", "/api/chat", chat("llama3.2")).0,
        Some(403),
        "the manager runs no model"
    );
    assert_eq!(
        from_principal(&mut h, notebook, "POST", "/api/pull", pull).0,
        Some(403)
    );
    assert_eq!(
        from_principal(
            &mut h,
            notebook,
            "DELETE",
            "/api/delete",
            json!({"model": "llama3.2"})
        )
        .0,
        Some(403)
    );
    // The default permissions: llama3.2 only.
    assert_eq!(
        from_principal(
            &mut h,
            chatbot,
            "POST",
            "/api/generate",
            json!({"model": "llama3.2", "prompt": "hi"})
        ),
        (None, Some("team-egress/chatbot".into()))
    );
    assert_eq!(
        from_principal(&mut h, stranger, "POST", "/api/chat", chat("llama3.2")).0,
        Some(401)
    );

    // TGI: the body names no model; the served one is checked.
    let mut h = auth_of("tgi-server");
    let generate = json!({"inputs": "hi", "parameters": {"max_new_tokens": 20}});
    let research = "spiffe://cluster.local/ns/research/sa/trainer";
    assert_eq!(
        from_principal(&mut h, research, "POST", "/generate", generate.clone()),
        (None, Some("research".into()))
    );
    assert_eq!(
        from_principal(
            &mut h,
            research,
            "POST",
            "/v1/chat/completions",
            chat("meta-llama/Llama-3.1-8B-Instruct")
        ),
        (None, Some("research".into()))
    );
    assert_eq!(
        from_principal(
            &mut h,
            research,
            "POST",
            "/v1/chat/completions",
            chat("some-other-model")
        )
        .0,
        Some(403)
    );
    let prometheus = "spiffe://cluster.local/ns/monitoring/sa/prometheus";
    assert_eq!(
        from_principal(&mut h, prometheus, "POST", "/generate", generate).0,
        Some(403),
        "monitoring may read metrics, not generate"
    );
}
