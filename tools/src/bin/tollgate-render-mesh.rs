//! `scripts/render-mesh`: renders each namespace's Istio `WasmPlugin`
//! manifests from `mesh-config/` into `target/mesh/<ns>/<filter>.yaml`,
//! refusing any whose `pluginConfig` its filter would refuse (see
//! `tollgate_tools::mesh`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use tollgate_tools::mesh::{self, report, Renderer};

const USAGE: &str = "\
usage: scripts/render-mesh [--registry R] [--digests FILE] [--pull-secret NAME]
                           [--root DIR] [--out DIR] [--check] (--all | NS…)
       scripts/render-mesh --write-schemas [DIR]
       scripts/render-mesh --write-observability [DIR]

Renders mesh-config/base/<filter>.yaml with mesh-config/namespaces/<ns>/ merged
over it into OUT/<ns>/<filter>.yaml (and config/<filter>.json, the bare
pluginConfig), after validating every pluginConfig as its filter does, and the
resources that make the governed path the only one (OUT/<ns>/egress.yaml,
gateway.yaml or inbound.yaml), the istio-proxy env patch wiring the provider
keys from a Secret and a report of what to do before applying
(OUT/<ns>/prerequisites/).

  --registry R     the OCI registry (and path) the images are in
                   (required, or $TOLLGATE_REGISTRY: a default would make pods pull
                   from somewhere else than where the images are)
  --digests FILE   JSON {\"auth\": \"sha256:<hex>\", …}: each image's manifest
                   digest (default: $TOLLGATE_DIGESTS)
  --root DIR       the mesh-config directory (default: this checkout's)
  --out DIR        output directory (default: target/mesh)
  --pull-secret N  set imagePullSecret N (a docker-registry Secret in each
                   namespace) on every WasmPlugin, for a private registry
  --check          write nothing; print what each namespace needs before its
                   manifests are applied (Secrets, patches, client base URLs,
                   Istio versions, warnings)
  --all            every namespace under mesh-config/namespaces/
  --write-schemas  write each filter's configuration JSON Schema
                   (default DIR: mesh-config/schemas)
  --write-observability  write the Envoy stat tags, JSON access log and
                   their Istio forms (default DIR: mesh-config/observability)
";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("render-mesh: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let mut registry = std::env::var("TOLLGATE_REGISTRY").ok();
    let mut digests = std::env::var_os("TOLLGATE_DIGESTS").map(PathBuf::from);
    let mut root = mesh::mesh_config_dir();
    let mut out = mesh::default_out_dir();
    let mut all = false;
    let mut check = false;
    let mut pull_secret = None;
    let mut namespaces = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().with_context(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(());
            }
            "--registry" => registry = Some(value("--registry")?),
            "--digests" => digests = Some(PathBuf::from(value("--digests")?)),
            "--root" => root = PathBuf::from(value("--root")?),
            "--out" => out = PathBuf::from(value("--out")?),
            "--all" => all = true,
            "--check" => check = true,
            "--pull-secret" => pull_secret = Some(value("--pull-secret")?),
            "--write-schemas" => {
                let dir = args
                    .next()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| mesh::mesh_config_dir().join("schemas"));
                for p in mesh::write_schemas(&dir)? {
                    println!("{}", p.display());
                }
                return Ok(());
            }
            "--write-observability" => {
                let dir = args
                    .next()
                    .map(PathBuf::from)
                    .unwrap_or_else(tollgate_tools::observability::dir);
                for p in tollgate_tools::observability::write(&dir)? {
                    println!("{}", p.display());
                }
                return Ok(());
            }
            a if a.starts_with('-') => bail!("unknown option {a}\n{USAGE}"),
            ns => namespaces.push(ns.to_owned()),
        }
    }
    let digests = match digests {
        Some(path) => mesh::read_digests(&path)?,
        None => bail!("no --digests FILE: the manifests pin each image by its OCI manifest digest"),
    };
    let registry = registry.context(
        "no --registry: name the registry the images were pushed to (or set $TOLLGATE_REGISTRY)",
    )?;
    let mut renderer = Renderer::new(root, &registry, digests);
    if let Some(name) = &pull_secret {
        renderer = renderer.pull_secret(name)?;
    }
    if all {
        namespaces.extend(renderer.namespaces()?);
    }
    if namespaces.is_empty() {
        bail!("no namespace given\n{USAGE}");
    }
    // Render everything before writing anything: one bad namespace leaves no
    // half-written output behind.
    let mut rendered = Vec::new();
    for ns in &namespaces {
        eprintln!("render-mesh: {ns}");
        rendered.push(renderer.render_namespace(ns)?);
    }
    if check {
        for r in &rendered {
            println!("{}", report::text(r, &out));
        }
        return Ok(());
    }
    for r in &rendered {
        for path in r.write(&out)? {
            println!("{}", path.display());
        }
    }
    let warnings = report::warnings(&rendered);
    for w in &warnings {
        eprintln!("render-mesh: warning: {w}");
    }
    eprintln!(
        "render-mesh: {} namespace(s) rendered into {}; before applying, read <ns>/prerequisites/CHECK.txt (or run with --check)",
        rendered.len(),
        out.display()
    );
    Ok(())
}
