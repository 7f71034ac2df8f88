//! Every example namespace's pluginConfig is accepted by its filter in
//! tollgate-host (the wasmtime host), as `on_configure` will in a sidecar;
//! the rendering itself is tested in `tools/tests/mesh.rs`.

use std::collections::BTreeMap;

use tollgate_host::mesh::{self, Rendered, Renderer, FILTERS};
use tollgate_host::{Host, Module};

fn render_all() -> Vec<Rendered> {
    let digests: BTreeMap<String, String> = FILTERS
        .iter()
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
