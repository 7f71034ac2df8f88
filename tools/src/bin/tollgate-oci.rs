//! `tollgate-oci`: the filters as OCI images (see `tollgate_tools::oci`).
//!
//! ```text
//! tollgate-oci package [--out DIR] [--wasm-dir DIR] [FILTER...]
//! tollgate-oci push REGISTRY [--plain-http] [--out DIR] [FILTER...]
//! tollgate-oci verify REGISTRY --digests FILE [--plain-http] [FILTER...]
//! ```
//!
//! `package` reads `<wasm-dir>/<filter>.wasm` (default `target/tollgate-wasm`)
//! and writes `<out>/<filter>/{compat,wasm}/` (default `target/oci`), OCI
//! image layouts, printing each manifest digest, and `<out>/digests.json`
//! (the compat images' digests, for `scripts/render-mesh --digests`). `push` sends those layouts
//! to `REGISTRY/tollgate/<filter>` tagged `compat` and `wasm`, and prints the
//! `oci://…@sha256:<manifest digest>` URL a WasmPlugin pins. `verify`
//! fetches each filter's image by the digest in FILE from the registry
//! and reads the module out as istio-agent does: run it before applying
//! manifests rendered with those digests, since a module istio-agent cannot
//! fetch becomes a deny-all filter under FAIL_CLOSE (istio/istio#53363).
//! Filters default to auth, throttle, inspect and combined (the three in one
//! module). `scripts/package`,
//! `scripts/push` and `scripts/verify-images` run it.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use tollgate_tools::oci::{self, Registry, Variant};

/// The shipped modules: the three filters and the combined module.
const FILTERS: [&str; 4] = ["auth", "throttle", "inspect", "combined"];
const USAGE: &str = "usage: tollgate-oci package [--out DIR] [--wasm-dir DIR] [FILTER...]\n       tollgate-oci push REGISTRY [--plain-http] [--out DIR] [FILTER...]\n       tollgate-oci verify REGISTRY --digests FILE [--plain-http] [FILTER...]";

fn main() {
    if let Err(e) = run() {
        eprintln!("tollgate-oci: {e:#}");
        std::process::exit(2);
    }
}

struct Args {
    command: String,
    registry: Option<String>,
    plain_http: bool,
    out: PathBuf,
    wasm_dir: PathBuf,
    digests: Option<PathBuf>,
    filters: Vec<String>,
}

fn parse_args() -> Result<Args> {
    let mut it = std::env::args().skip(1);
    let command = it.next().context(USAGE)?;
    let mut args = Args {
        command,
        registry: None,
        plain_http: false,
        // target/oci, next to target/tollgate-wasm (without the `..`).
        out: tollgate_tools::wasm_dir()
            .parent()
            .and_then(|t| t.canonicalize().ok())
            .unwrap_or_else(|| PathBuf::from("target"))
            .join("oci"),
        wasm_dir: tollgate_tools::wasm_dir(),
        digests: None,
        filters: Vec::new(),
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--plain-http" => args.plain_http = true,
            "--out" => args.out = it.next().context("--out needs a directory")?.into(),
            "--wasm-dir" => {
                args.wasm_dir = it.next().context("--wasm-dir needs a directory")?.into()
            }
            "--digests" => args.digests = Some(it.next().context("--digests needs a file")?.into()),
            "-h" | "--help" => bail!("{USAGE}"),
            s if s.starts_with('-') => bail!("unknown option {s}\n{USAGE}"),
            _ if (args.command == "push" || args.command == "verify")
                && args.registry.is_none() =>
            {
                args.registry = Some(a)
            }
            _ => args.filters.push(a),
        }
    }
    if args.filters.is_empty() {
        args.filters = FILTERS.iter().map(|s| (*s).to_owned()).collect();
    }
    Ok(args)
}

fn run() -> Result<()> {
    let args = parse_args()?;
    match args.command.as_str() {
        "package" => package(&args),
        "push" => push(&args),
        "verify" => verify(&args),
        other => bail!("unknown command {other}\n{USAGE}"),
    }
}

fn package(args: &Args) -> Result<()> {
    // The compat images' digests, in the form scripts/render-mesh --digests
    // reads: the variant every registry and Istio version takes.
    let mut digests = serde_json::Map::new();
    for filter in &args.filters {
        let path = args.wasm_dir.join(format!("{filter}.wasm"));
        let module = std::fs::read(&path)
            .with_context(|| format!("reading {} (run scripts/build)", path.display()))?;
        for variant in Variant::ALL {
            let image = oci::build_image(variant, &module)?;
            let dir = args.out.join(filter).join(variant.name());
            oci::write_layout(&image, &dir)?;
            if variant == Variant::Compat {
                digests.insert(filter.clone(), serde_json::Value::String(image.digest()));
            }
            let blob_bytes: usize = image.blobs.values().map(Vec::len).sum();
            println!(
                "{filter:<9} {:<7} {}  manifest {} B, blobs {} B  {}",
                variant.name(),
                image.digest(),
                image.manifest.len(),
                blob_bytes,
                dir.display()
            );
        }
    }
    let path = args.out.join("digests.json");
    std::fs::create_dir_all(&args.out)?;
    std::fs::write(&path, serde_json::to_string_pretty(&digests)? + "\n")
        .with_context(|| format!("writing {}", path.display()))?;
    println!(
        "digests for scripts/render-mesh --digests: {}",
        path.display()
    );
    Ok(())
}

/// Fetches every filter's image by its digest and reads the module out as
/// istio-agent would; fails naming the first filter that would not load.
fn verify(args: &Args) -> Result<()> {
    let host = args.registry.as_deref().context(USAGE)?;
    let path = args
        .digests
        .as_ref()
        .context("verify needs --digests FILE (the digests the manifests were rendered with)")?;
    let digests = tollgate_tools::mesh::read_digests(path)?;
    let registry = Registry::new(host, args.plain_http);
    for filter in &args.filters {
        let hex = digests
            .get(filter)
            .with_context(|| format!("{}: no digest for {filter}", path.display()))?;
        let digest = format!("sha256:{hex}");
        let repo = format!("tollgate/{filter}");
        let url = format!("oci://{host}/{repo}@{digest}");
        let (manifest, _) = registry
            .manifest(&repo, &digest)
            .with_context(|| format!("{filter}: {url}: istio-agent could not fetch it"))?;
        oci::check_digest(&digest, &manifest).with_context(|| format!("{filter}: {url}"))?;
        let (how, module) = oci::extract_like_istio(&manifest, |d| registry.blob(&repo, d))
            .with_context(|| {
                format!("{filter}: {url}: istio-agent could not read a module out of it")
            })?;
        if !module.starts_with(b"\0asm") {
            bail!("{filter}: {url}: plugin.wasm is not a wasm module");
        }
        println!(
            "{filter:<9} ok  {url}  ({how:?}, module {} bytes)",
            module.len()
        );
    }
    Ok(())
}

fn push(args: &Args) -> Result<()> {
    let host = args.registry.as_deref().context(USAGE)?;
    let registry = Registry::new(host, args.plain_http);
    for filter in &args.filters {
        let repo = format!("tollgate/{filter}");
        for variant in Variant::ALL {
            let dir = args.out.join(filter).join(variant.name());
            let image = oci::read_layout(&dir)
                .with_context(|| format!("{} (run scripts/package)", dir.display()))?;
            let digest = registry
                .push(&repo, &image, &image.tag)
                .with_context(|| format!("pushing {} to {host}/{repo}", dir.display()))?;
            println!(
                "{filter:<9} {:<7} oci://{host}/{repo}@{digest}  oci://{host}/{repo}:{}",
                variant.name(),
                image.tag
            );
        }
    }
    Ok(())
}
