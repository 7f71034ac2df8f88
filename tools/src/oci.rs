//! OCI images of the filters, in the two formats Istio's wasm image fetcher
//! accepts (`pkg/wasm/imagefetcher.go`), written as OCI image layouts, pushed
//! with the OCI distribution HTTP API, and read back the way Istio reads them.
//!
//! - **compat** ([`Variant::Compat`]): an ordinary OCI image — config
//!   `application/vnd.oci.image.config.v1+json`, one
//!   `application/vnd.oci.image.layer.v1.tar+gzip` layer holding `plugin.wasm`,
//!   and the manifest annotation `module.wasm.image/variant: compat` the
//!   Wasm image spec asks for. Any registry and any image tool handle it.
//! - **wasm** ([`Variant::Wasm`]): the Wasm artifact format — config
//!   `application/vnd.module.wasm.config.v1+json` and, as layers, that same
//!   runtime-config blob and the raw module
//!   (`application/vnd.module.wasm.content.layer.v1+wasm`). Istio's fetcher
//!   accepts this format only with exactly **two** layers (it checks
//!   `len(layers) == 2`, then picks the wasm one), which is why the runtime
//!   config is listed as a layer as well as being the config, as the Wasm
//!   image spec's example and `wasme` did. One layer would be refused.
//!
//! **Reproducible**: the tar entry has fixed mode 0644, uid/gid 0, mtime 0 and
//! no user names; gzip has mtime 0, no file name, OS byte 255 and a fixed
//! level; every JSON document is serialized from structs (fixed field order)
//! and sorted maps, compactly. The same modules give the same blobs and so
//! the same manifest digests: the digest a WasmPlugin pins for `oci://` URLs
//! (Istio compares the *manifest* digest, not the module's).
//!
//! [`extract_like_istio`] is Istio's selection logic, for checking images:
//! a Docker schema 2 manifest → the last layer must be a Docker tar.gz; else
//! the last layer as an OCI tar+gzip holding `plugin.wasm` (compat); else
//! exactly two layers, one of them the wasm content layer (oci). Istio does
//! not read the variant annotation; it selects by media types only.
//!
//! Limits, deliberate: [`Registry`] speaks anonymous or HTTP basic auth
//! (`TOLLGATE_REGISTRY_USER`/`TOLLGATE_REGISTRY_PASSWORD`, also used to get
//! a bearer token when the registry asks for one), uploads each blob in one
//! request (monolithic POST + PUT), and reads at most [`MAX_BLOB`] per blob.
//! The tar reader handles plain ustar/GNU entries (it skips PAX and GNU long
//! name records rather than applying them), enough for images built here and
//! by common tools with short names.

// Host-side code follows the filters' rules: no panics, no overflow.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use anyhow::{anyhow, bail, Context, Result};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

/// OCI image manifest media type.
pub const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index media type (the layout's `index.json`).
pub const INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Docker image manifest (schema 2) media type, which Istio treats apart.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// OCI image config media type (compat variant).
pub const IMAGE_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// OCI gzipped tar layer media type (compat variant).
pub const LAYER_TAR_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
/// Docker gzipped tar layer media type (Istio's Docker path).
pub const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
/// Wasm runtime config media type (wasm variant).
pub const WASM_CONFIG: &str = "application/vnd.module.wasm.config.v1+json";
/// Wasm module layer media type (wasm variant): the raw module.
pub const WASM_LAYER: &str = "application/vnd.module.wasm.content.layer.v1+wasm";
/// The manifest annotation naming the compat variant.
pub const VARIANT_ANNOTATION: &str = "module.wasm.image/variant";
/// The file the compat layer holds.
pub const PLUGIN_FILE: &str = "plugin.wasm";
/// The largest blob (or extracted file) read back: far above any module.
pub const MAX_BLOB: u64 = 256 * 1024 * 1024;
/// The largest manifest read back.
const MAX_MANIFEST: u64 = 4 * 1024 * 1024;
/// The proxy-wasm ABI the filters export (proxy-wasm Rust SDK 0.2).
const ABI_VERSION: &str = "proxy_abi_version_0_2_1";

/// The two image formats Istio accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// One OCI tar+gzip layer holding `plugin.wasm`.
    Compat,
    /// Wasm artifact: runtime config + raw module layer.
    Wasm,
}

impl Variant {
    /// Both, in the order they are written and pushed.
    pub const ALL: [Variant; 2] = [Variant::Compat, Variant::Wasm];

    /// The name used for the layout directory and the registry tag.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Compat => "compat",
            Variant::Wasm => "wasm",
        }
    }
}

/// A descriptor as written in manifests and indexes (fixed field order).
#[derive(Serialize)]
struct Descriptor {
    #[serde(rename = "mediaType")]
    media_type: &'static str,
    digest: String,
    size: u64,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<&'static str, String>,
}

impl Descriptor {
    fn of(media_type: &'static str, bytes: &[u8]) -> Descriptor {
        Descriptor {
            media_type,
            digest: digest(bytes),
            size: bytes.len() as u64,
            annotations: BTreeMap::new(),
        }
    }

    fn annotated(mut self, key: &'static str, value: &str) -> Descriptor {
        self.annotations.insert(key, value.to_owned());
        self
    }
}

#[derive(Serialize)]
struct Manifest {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType")]
    media_type: &'static str,
    config: Descriptor,
    layers: Vec<Descriptor>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct Index {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType")]
    media_type: &'static str,
    manifests: Vec<Descriptor>,
}

#[derive(Serialize)]
struct ImageConfig {
    architecture: &'static str,
    os: &'static str,
    rootfs: RootFs,
}

#[derive(Serialize)]
struct RootFs {
    #[serde(rename = "type")]
    kind: &'static str,
    diff_ids: Vec<String>,
}

#[derive(Serialize)]
struct WasmRuntimeConfig {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "abiVersions")]
    abi_versions: Vec<&'static str>,
    config: BTreeMap<&'static str, Value>,
}

/// One image: its manifest and every blob it references (config and layers).
#[derive(Clone, Debug)]
pub struct Image {
    /// The tag it is pushed under (the variant's name for images built here).
    pub tag: String,
    /// The manifest's exact bytes (the digest is over these).
    pub manifest: Vec<u8>,
    /// Blobs by digest (`sha256:<hex>`).
    pub blobs: BTreeMap<String, Vec<u8>>,
}

impl Image {
    /// The manifest digest, `sha256:<hex>`: what `oci://…@sha256:` pins.
    pub fn digest(&self) -> String {
        digest(&self.manifest)
    }
}

/// `sha256:<hex>` of the bytes.
pub fn digest(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for b in Sha256::digest(bytes) {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Builds the image of `module` in the given variant.
pub fn build_image(variant: Variant, module: &[u8]) -> Result<Image> {
    let mut blobs = BTreeMap::new();
    let (config, layers, annotations) = match variant {
        Variant::Compat => {
            let tar = tar_one_file(PLUGIN_FILE, module)?;
            let layer = gzip(&tar)?;
            let config = to_json(&ImageConfig {
                architecture: "wasm",
                os: "wasip1",
                rootfs: RootFs {
                    kind: "layers",
                    diff_ids: vec![digest(&tar)],
                },
            })?;
            let config_d = Descriptor::of(IMAGE_CONFIG, &config);
            let layer_d = Descriptor::of(LAYER_TAR_GZIP, &layer);
            blobs.insert(config_d.digest.clone(), config);
            blobs.insert(layer_d.digest.clone(), layer);
            let mut annotations = BTreeMap::new();
            annotations.insert(VARIANT_ANNOTATION, "compat".to_owned());
            (config_d, vec![layer_d], annotations)
        }
        Variant::Wasm => {
            let config = to_json(&WasmRuntimeConfig {
                kind: "envoy_proxy",
                abi_versions: vec![ABI_VERSION],
                config: BTreeMap::new(),
            })?;
            let config_d = Descriptor::of(WASM_CONFIG, &config);
            let config_layer = Descriptor::of(WASM_CONFIG, &config)
                .annotated("org.opencontainers.image.title", "runtime-config.json");
            let module_layer = Descriptor::of(WASM_LAYER, module)
                .annotated("org.opencontainers.image.title", PLUGIN_FILE);
            blobs.insert(config_d.digest.clone(), config);
            blobs.insert(module_layer.digest.clone(), module.to_vec());
            (config_d, vec![config_layer, module_layer], BTreeMap::new())
        }
    };
    let manifest = to_json(&Manifest {
        schema_version: 2,
        media_type: MANIFEST,
        config,
        layers,
        annotations,
    })?;
    Ok(Image {
        tag: variant.name().to_owned(),
        manifest,
        blobs,
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).context("serializing JSON")
}

/// A ustar archive holding one regular file, reproducibly: mode 0644,
/// uid/gid 0, mtime 0, no user or group names, then the two zero blocks.
pub fn tar_one_file(name: &str, data: &[u8]) -> Result<Vec<u8>> {
    let mut header = [0u8; 512];
    put(&mut header, 0, 100, name.as_bytes())?;
    put_octal(&mut header, 100, 8, 0o644)?;
    put_octal(&mut header, 108, 8, 0)?;
    put_octal(&mut header, 116, 8, 0)?;
    put_octal(&mut header, 124, 12, data.len() as u64)?;
    put_octal(&mut header, 136, 12, 0)?;
    put(&mut header, 148, 8, b"        ")?;
    put(&mut header, 156, 1, b"0")?;
    put(&mut header, 257, 8, b"ustar\x0000")?;
    let sum: u64 = header.iter().map(|&b| u64::from(b)).sum();
    // Six octal digits, NUL, space (the checksum field's customary form).
    put(&mut header, 148, 8, format!("{sum:06o}\0 ").as_bytes())?;

    let padding = 512usize.wrapping_sub(data.len() % 512) % 512;
    let mut out = Vec::with_capacity(data.len().saturating_add(padding).saturating_add(3 * 512));
    out.extend_from_slice(&header);
    out.extend_from_slice(data);
    out.resize(out.len().saturating_add(padding).saturating_add(1024), 0);
    Ok(out)
}

fn put(header: &mut [u8; 512], at: usize, len: usize, value: &[u8]) -> Result<()> {
    if value.len() > len {
        bail!(
            "tar header field at {at}: {} bytes do not fit in {len}",
            value.len()
        );
    }
    let end = at.checked_add(value.len()).context("tar header offset")?;
    header
        .get_mut(at..end)
        .context("tar header offset")?
        .copy_from_slice(value);
    Ok(())
}

fn put_octal(header: &mut [u8; 512], at: usize, len: usize, value: u64) -> Result<()> {
    let digits = len.saturating_sub(1);
    let text = format!("{value:0digits$o}\0");
    put(header, at, len, text.as_bytes())
}

/// Gzip with a fixed header (mtime 0, no name, OS 255) and level 9.
pub fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::best());
    encoder.write_all(data)?;
    Ok(encoder.finish()?)
}

/// Writes `image` as an OCI image layout in `dir` (replacing what was
/// there): `oci-layout`, `index.json` (one manifest, named by its tag with
/// `org.opencontainers.image.ref.name`) and `blobs/sha256/<hex>`.
pub fn write_layout(image: &Image, dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    let blob_dir = dir.join("blobs").join("sha256");
    std::fs::create_dir_all(&blob_dir)
        .with_context(|| format!("creating {}", blob_dir.display()))?;
    let manifest_digest = image.digest();
    let blobs = image.blobs.iter().map(|(d, b)| (d.as_str(), b.as_slice()));
    for (d, bytes) in blobs.chain([(manifest_digest.as_str(), image.manifest.as_slice())]) {
        let hex = d
            .strip_prefix("sha256:")
            .context("blob digest not sha256")?;
        std::fs::write(blob_dir.join(hex), bytes)?;
    }
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#)?;
    let index = Index {
        schema_version: 2,
        media_type: INDEX,
        manifests: vec![Descriptor::of(MANIFEST, &image.manifest)
            .annotated("org.opencontainers.image.ref.name", &image.tag)],
    };
    std::fs::write(dir.join("index.json"), to_json(&index)?)?;
    Ok(())
}

/// Reads the first image of an OCI image layout, checking every digest.
pub fn read_layout(dir: &Path) -> Result<Image> {
    let blob = |d: &str| -> Result<Vec<u8>> {
        let hex = d
            .strip_prefix("sha256:")
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .with_context(|| format!("unsupported digest {d}"))?;
        let path = dir.join("blobs").join("sha256").join(hex);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        check_digest(d, &bytes)?;
        Ok(bytes)
    };
    let index_path = dir.join("index.json");
    let index: Value = serde_json::from_slice(
        &std::fs::read(&index_path).with_context(|| format!("reading {}", index_path.display()))?,
    )?;
    let desc = index
        .get("manifests")
        .and_then(Value::as_array)
        .and_then(|m| m.first())
        .context("index.json lists no manifest")?;
    let manifest = blob(str_field(desc, "digest")?)?;
    let tag = desc
        .pointer("/annotations/org.opencontainers.image.ref.name")
        .and_then(Value::as_str)
        .unwrap_or("latest")
        .to_owned();
    let parsed: Value = serde_json::from_slice(&manifest)?;
    let mut blobs = BTreeMap::new();
    for d in descriptors(&parsed)? {
        let digest = str_field(d, "digest")?;
        blobs.insert(digest.to_owned(), blob(digest)?);
    }
    Ok(Image {
        tag,
        manifest,
        blobs,
    })
}

/// The config and layer descriptors of a manifest.
fn descriptors(manifest: &Value) -> Result<Vec<&Value>> {
    let config = manifest.get("config").context("manifest has no config")?;
    let layers = manifest
        .get("layers")
        .and_then(Value::as_array)
        .context("manifest has no layers")?;
    Ok(std::iter::once(config).chain(layers).collect())
}

fn str_field<'a>(v: &'a Value, key: &str) -> Result<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .with_context(|| format!("descriptor without {key}"))
}

/// Fails unless `bytes` hash to `expected` (`sha256:<hex>`).
pub fn check_digest(expected: &str, bytes: &[u8]) -> Result<()> {
    let actual = digest(bytes);
    if actual != expected {
        bail!("digest mismatch: expected {expected}, content is {actual}");
    }
    Ok(())
}

/// Which of Istio's paths read an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IstioPath {
    /// Docker schema 2 manifest, last layer a Docker tar.gz with `plugin.wasm`.
    Docker,
    /// OCI manifest, last layer an OCI tar+gzip with `plugin.wasm` (compat).
    Compat,
    /// Two layers, one of them the raw wasm content layer (oci variant).
    Artifact,
}

/// Reads the module out of an image the way Istio's image fetcher does
/// (`PrepareFetch`'s binary fetcher): see the module docs. `blob` fetches a
/// blob by digest; each blob's digest and size are checked against its
/// descriptor, as go-containerregistry does.
pub fn extract_like_istio(
    manifest: &[u8],
    mut blob: impl FnMut(&str) -> Result<Vec<u8>>,
) -> Result<(IstioPath, Vec<u8>)> {
    let manifest: Value = serde_json::from_slice(manifest).context("manifest is not JSON")?;
    let layers = manifest
        .get("layers")
        .and_then(Value::as_array)
        .context("manifest has no layers")?;
    let mut fetch = |d: &Value| -> Result<Vec<u8>> {
        let digest = str_field(d, "digest")?;
        let bytes = blob(digest)?;
        check_digest(digest, &bytes)?;
        let size = d.get("size").and_then(Value::as_u64);
        if size != Some(bytes.len() as u64) {
            bail!(
                "blob {digest}: descriptor size {size:?}, content {} bytes",
                bytes.len()
            );
        }
        Ok(bytes)
    };
    fn media(d: &Value) -> &str {
        d.get("mediaType").and_then(Value::as_str).unwrap_or("")
    }

    if manifest.get("mediaType").and_then(Value::as_str) == Some(DOCKER_MANIFEST) {
        let last = layers
            .last()
            .context("number of layers must be greater than zero")?;
        if media(last) != DOCKER_LAYER {
            bail!("invalid media type {} (expect {DOCKER_LAYER})", media(last));
        }
        return Ok((IstioPath::Docker, plugin_from_tar_gz(&fetch(last)?)?));
    }

    let compat = (|| -> Result<Vec<u8>> {
        let last = layers
            .last()
            .context("number of layers must be greater than zero")?;
        if media(last) != LAYER_TAR_GZIP {
            bail!(
                "invalid media type {} (expect {LAYER_TAR_GZIP})",
                media(last)
            );
        }
        plugin_from_tar_gz(&fetch(last)?)
    })();
    let compat_err = match compat {
        Ok(module) => return Ok((IstioPath::Compat, module)),
        Err(e) => e,
    };
    let artifact = (|| -> Result<Vec<u8>> {
        if layers.len() != 2 {
            bail!("number of layers must be 2 but got {}", layers.len());
        }
        let layer = layers
            .iter()
            .find(|l| media(l) == WASM_LAYER)
            .with_context(|| format!("could not find the layer of type {WASM_LAYER}"))?;
        fetch(layer)
    })();
    match artifact {
        Ok(module) => Ok((IstioPath::Artifact, module)),
        Err(e) => Err(anyhow!(
            "invalid image: as compat variant: {compat_err:#}; as oci variant: {e:#}"
        )),
    }
}

/// The first tar entry whose base name is `plugin.wasm`, in a gzipped tar
/// (several gzip members allowed, as Go's reader does).
pub fn plugin_from_tar_gz(layer: &[u8]) -> Result<Vec<u8>> {
    let mut tar = Vec::new();
    flate2::read::MultiGzDecoder::new(layer)
        .take(MAX_BLOB)
        .read_to_end(&mut tar)
        .context("failed to parse layer as tar.gz")?;
    let mut rest = tar.as_slice();
    loop {
        let Some((header, after)) = rest.split_first_chunk::<512>() else {
            bail!("{PLUGIN_FILE} not found in the archive");
        };
        if header.iter().all(|&b| b == 0) {
            bail!("{PLUGIN_FILE} not found in the archive");
        }
        let size = usize::try_from(tar_size(header)?).context("tar entry too large")?;
        let padded = size
            .checked_next_multiple_of(512)
            .context("tar entry too large")?;
        let data = after.get(..size).context("truncated tar entry")?;
        let name = tar_name(header);
        let kind = header.get(156).copied().unwrap_or(0);
        let regular = matches!(kind, 0 | b'0' | b'7');
        if regular && name.rsplit('/').next() == Some(PLUGIN_FILE) {
            return Ok(data.to_vec());
        }
        rest = after.get(padded..).unwrap_or(&[]);
    }
}

fn tar_name(header: &[u8; 512]) -> String {
    let field = |a: usize, b: usize| {
        let f = header.get(a..b).unwrap_or(&[]);
        let end = f.iter().position(|&c| c == 0).unwrap_or(f.len());
        String::from_utf8_lossy(f.get(..end).unwrap_or(&[])).into_owned()
    };
    let name = field(0, 100);
    let prefix = if header.get(257..262) == Some(b"ustar") {
        field(345, 500)
    } else {
        String::new()
    };
    if prefix.is_empty() {
        name
    } else {
        format!("{prefix}/{name}")
    }
}

fn tar_size(header: &[u8; 512]) -> Result<u64> {
    let field = header.get(124..136).context("tar header")?;
    if field.first().is_some_and(|&b| b & 0x80 != 0) {
        // GNU base-256: the remaining bytes, big-endian.
        return field.iter().skip(1).try_fold(0u64, |acc, &b| {
            acc.checked_mul(256)
                .and_then(|v| v.checked_add(u64::from(b)))
                .context("tar size overflows")
        });
    }
    let text: String = field
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| b as char)
        .collect();
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    u64::from_str_radix(text, 8).with_context(|| format!("bad tar size {text:?}"))
}

/// A registry client for the OCI distribution API (push and pull).
#[derive(Debug)]
pub struct Registry {
    /// `http(s)://host[:port]`.
    base: String,
    agent: ureq::Agent,
    /// `user:password` for HTTP basic auth, if given.
    credentials: Option<(String, String)>,
    /// A bearer token obtained from the registry's token service.
    token: std::cell::RefCell<Option<String>>,
}

impl Registry {
    /// A client for `host[:port]`, over HTTPS (system roots) or, with
    /// `plain_http`, HTTP. Credentials come from `TOLLGATE_REGISTRY_USER` and
    /// `TOLLGATE_REGISTRY_PASSWORD` when both are set.
    pub fn new(host: &str, plain_http: bool) -> Registry {
        let scheme = if plain_http { "http" } else { "https" };
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::NativeTls)
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .tls_config(tls)
            .timeout_global(Some(Duration::from_secs(300)))
            .build()
            .into();
        let credentials = match (
            std::env::var("TOLLGATE_REGISTRY_USER"),
            std::env::var("TOLLGATE_REGISTRY_PASSWORD"),
        ) {
            (Ok(u), Ok(p)) => Some((u, p)),
            _ => None,
        };
        Registry {
            base: format!("{scheme}://{}", host.trim_end_matches('/')),
            agent,
            credentials,
            token: std::cell::RefCell::new(None),
        }
    }

    /// Pushes every blob (skipping those the registry has), then the
    /// manifest under `reference` (a tag). Returns the digest the registry
    /// reports, checked against the manifest's own.
    pub fn push(&self, repo: &str, image: &Image, reference: &str) -> Result<String> {
        for (d, bytes) in &image.blobs {
            self.push_blob(repo, d, bytes)
                .with_context(|| format!("pushing blob {d} to {repo}"))?;
        }
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.base);
        let media_type = serde_json::from_slice::<Value>(&image.manifest)
            .ok()
            .and_then(|m| {
                m.get("mediaType")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| MANIFEST.to_owned());
        let (status, headers, body) =
            self.send("PUT", &url, Some(&media_type), &[], Some(&image.manifest))?;
        if status != 201 {
            bail!("PUT {url}: {status} {}", String::from_utf8_lossy(&body));
        }
        let expected = image.digest();
        if let Some(reported) = header(&headers, "docker-content-digest") {
            if reported != expected {
                bail!("registry stored manifest as {reported}, expected {expected}");
            }
        }
        Ok(expected)
    }

    fn push_blob(&self, repo: &str, digest: &str, bytes: &[u8]) -> Result<()> {
        let url = format!("{}/v2/{repo}/blobs/{digest}", self.base);
        let (status, _, _) = self.send("HEAD", &url, None, &[], None)?;
        if status == 200 {
            return Ok(());
        }
        let start = format!("{}/v2/{repo}/blobs/uploads/", self.base);
        let (status, headers, body) = self.send("POST", &start, None, &[], Some(&[]))?;
        if status != 202 {
            bail!("POST {start}: {status} {}", String::from_utf8_lossy(&body));
        }
        let location = header(&headers, "location").context("upload without a location")?;
        let mut url = if location.starts_with("http://") || location.starts_with("https://") {
            location.to_owned()
        } else {
            format!("{}{location}", self.base)
        };
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str("digest=");
        url.push_str(&digest.replace(':', "%3A"));
        let (status, _, body) = self.send(
            "PUT",
            &url,
            Some("application/octet-stream"),
            &[],
            Some(bytes),
        )?;
        if status != 201 {
            bail!("PUT blob: {status} {}", String::from_utf8_lossy(&body));
        }
        Ok(())
    }

    /// The manifest `reference` (tag or digest) of `repo`: its bytes and the
    /// `docker-content-digest` the registry reports.
    pub fn manifest(&self, repo: &str, reference: &str) -> Result<(Vec<u8>, Option<String>)> {
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.base);
        let accept = [("accept", format!("{MANIFEST}, {DOCKER_MANIFEST}"))];
        let (status, headers, body) = self.send("GET", &url, None, &accept, None)?;
        if status != 200 {
            bail!("GET {url}: {status} {}", String::from_utf8_lossy(&body));
        }
        if body.len() as u64 > MAX_MANIFEST {
            bail!("GET {url}: manifest over {MAX_MANIFEST} bytes");
        }
        Ok((
            body,
            header(&headers, "docker-content-digest").map(str::to_owned),
        ))
    }

    /// Blob `digest` of `repo`, checked against its digest.
    pub fn blob(&self, repo: &str, digest: &str) -> Result<Vec<u8>> {
        let url = format!("{}/v2/{repo}/blobs/{digest}", self.base);
        let (status, _, body) = self.send("GET", &url, None, &[], None)?;
        if status != 200 {
            bail!("GET {url}: {status}");
        }
        check_digest(digest, &body)?;
        Ok(body)
    }

    /// One request; on 401 with a bearer challenge, gets a token once and
    /// retries. Returns status, headers (lowercased names) and body.
    fn send(
        &self,
        method: &str,
        url: &str,
        content_type: Option<&str>,
        extra: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> Result<Reply> {
        let mut retried = false;
        loop {
            let mut req = ureq::http::Request::builder().method(method).uri(url);
            if let Some(ct) = content_type {
                req = req.header("content-type", ct);
            }
            for (k, v) in extra {
                req = req.header(*k, v.as_str());
            }
            if let Some(auth) = self.authorization() {
                req = req.header("authorization", auth);
            }
            let resp = match body {
                Some(bytes) => self.agent.run(req.body(bytes)?),
                None => self.agent.run(req.body(())?),
            };
            let mut resp = resp.with_context(|| format!("{method} {url}"))?;
            let status = resp.status().as_u16();
            let headers: Vec<(String, String)> = resp
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = if method == "HEAD" {
                Vec::new()
            } else {
                resp.body_mut()
                    .with_config()
                    .limit(MAX_BLOB)
                    .read_to_vec()
                    .with_context(|| format!("{method} {url}: reading the body"))?
            };
            if status == 401 && !retried {
                if let Some(challenge) = header(&headers, "www-authenticate") {
                    if challenge.to_ascii_lowercase().starts_with("bearer ") {
                        self.fetch_token(challenge)?;
                        retried = true;
                        continue;
                    }
                }
            }
            return Ok((status, headers, body));
        }
    }

    fn authorization(&self) -> Option<String> {
        if let Some(token) = self.token.borrow().as_ref() {
            return Some(format!("Bearer {token}"));
        }
        self.credentials
            .as_ref()
            .map(|(u, p)| format!("Basic {}", base64(format!("{u}:{p}").as_bytes())))
    }

    /// The token flow of the distribution spec: GET realm?service=&scope=
    /// (with basic credentials if any), answer `{"token": …}`.
    fn fetch_token(&self, challenge: &str) -> Result<()> {
        let params = challenge_params(challenge);
        let realm = params
            .get("realm")
            .context("bearer challenge without realm")?;
        let mut url = realm.clone();
        let mut sep = if url.contains('?') { '&' } else { '?' };
        for key in ["service", "scope"] {
            if let Some(v) = params.get(key) {
                url.push(sep);
                sep = '&';
                url.push_str(key);
                url.push('=');
                url.push_str(&percent(v));
            }
        }
        let mut req = self.agent.get(&url);
        if let Some((u, p)) = &self.credentials {
            req = req.header(
                "authorization",
                format!("Basic {}", base64(format!("{u}:{p}").as_bytes())),
            );
        }
        let mut resp = req.call().with_context(|| format!("GET {realm}"))?;
        if resp.status().as_u16() != 200 {
            bail!("token service {realm}: {}", resp.status());
        }
        let body: Value = serde_json::from_slice(
            &resp
                .body_mut()
                .with_config()
                .limit(MAX_MANIFEST)
                .read_to_vec()?,
        )?;
        let token = body
            .get("token")
            .or_else(|| body.get("access_token"))
            .and_then(Value::as_str)
            .context("token service answered no token")?;
        *self.token.borrow_mut() = Some(token.to_owned());
        Ok(())
    }
}

/// A reply: status, headers (names lowercased) and body.
type Reply = (u16, Vec<(String, String)>, Vec<u8>);

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `Bearer realm="…",service="…",scope="…"` → its parameters.
fn challenge_params(challenge: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let rest = challenge.split_once(' ').map_or("", |(_, r)| r);
    let mut chars = rest.chars().peekable();
    loop {
        let key: String = chars
            .by_ref()
            .skip_while(|c| *c == ',' || c.is_whitespace())
            .take_while(|c| *c != '=')
            .collect();
        if key.is_empty() {
            return out;
        }
        let value: String = if chars.peek() == Some(&'"') {
            chars.next();
            chars.by_ref().take_while(|c| *c != '"').collect()
        } else {
            chars.by_ref().take_while(|c| *c != ',').collect()
        };
        out.insert(key.trim().to_ascii_lowercase(), value);
    }
}

fn percent(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sym = |i: u32| char::from(ALPHABET.get((i & 63) as usize).copied().unwrap_or(b'='));
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sym(n >> 18));
        out.push(sym(n >> 12));
        out.push(if chunk.len() > 1 { sym(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(n) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tar_round_trip_and_header_checksum() {
        let tar = tar_one_file(PLUGIN_FILE, b"\0asm-bytes").unwrap();
        assert_eq!(tar.len(), 512 * 4);
        let header: &[u8; 512] = tar[..512].try_into().unwrap();
        let mut sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
        sum -= header[148..156].iter().map(|&b| u32::from(b)).sum::<u32>();
        sum += 8 * u32::from(b' ');
        let stored =
            u32::from_str_radix(std::str::from_utf8(&header[148..154]).unwrap(), 8).unwrap();
        assert_eq!(sum, stored);
        let gz = gzip(&tar).unwrap();
        assert_eq!(
            &gz[4..10],
            &[0, 0, 0, 0, 2, 255],
            "mtime 0, XFL best, OS unknown"
        );
        assert_eq!(plugin_from_tar_gz(&gz).unwrap(), b"\0asm-bytes");
    }

    #[test]
    fn images_are_deterministic_and_read_as_istio_does() {
        let module = b"\0asm\x01\0\0\0".to_vec();
        for variant in Variant::ALL {
            let a = build_image(variant, &module).unwrap();
            let b = build_image(variant, &module).unwrap();
            assert_eq!(a.digest(), b.digest());
            let (path, got) = extract_like_istio(&a.manifest, |d| Ok(a.blobs[d].clone())).unwrap();
            assert_eq!(got, module);
            let want = match variant {
                Variant::Compat => IstioPath::Compat,
                Variant::Wasm => IstioPath::Artifact,
            };
            assert_eq!(path, want);
        }
    }

    #[test]
    fn bearer_challenge_and_base64() {
        let p = challenge_params(
            r#"Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull,push""#,
        );
        assert_eq!(p["realm"], "https://auth.example/token");
        assert_eq!(p["scope"], "repository:a/b:pull,push");
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64(b"ab"), "YWI=");
    }
}
