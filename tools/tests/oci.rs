//! The OCI round trip: `tollgate-oci package` (twice: identical digests),
//! `tollgate-oci push` to a real registry on loopback (Debian's
//! `docker-registry`, the distribution registry v2), pull back by digest,
//! every digest checked, each image read the way Istio's image fetcher reads
//! it (compat: the tar+gzip layer's `plugin.wasm`; wasm: the raw module
//! layer), the module byte for byte the built one, and the pulled modules
//! loaded into a real Envoy in front of the mock LLM (a test double).

// Real processes on real time.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tollgate_tools::demo::{default_config, DEMO_KEY};
use tollgate_tools::envoy::{Envoy, WasmFilter};
use tollgate_tools::http_client::{request, Body};
use tollgate_tools::mock_llm::MockLlm;
use tollgate_tools::oci::{self, IstioPath, Registry, Variant};
use tollgate_tools::wasm_dir;

const FILTERS: [&str; 3] = ["auth", "throttle", "inspect"];

/// `docker-registry serve` on a free loopback port with storage in a temp
/// dir; killed on drop.
struct TestRegistry {
    child: Child,
    host: String,
    _dir: TempDir,
}

impl TestRegistry {
    fn start() -> TestRegistry {
        let bin = which("docker-registry").unwrap_or_else(|| {
            panic!("docker-registry is not installed: apt-get install -y docker-registry (scripts/test does)")
        });
        let dir = TempDir::new("registry");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let host = format!("127.0.0.1:{port}");
        let config = dir.0.join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: {host}\n",
                dir.0.join("data").display()
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.0.join("registry.log")).unwrap();
        let child = Command::new(bin)
            .arg("serve")
            .arg(&config)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("docker-registry starts");
        let mut reg = TestRegistry {
            child,
            host,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = tollgate_tools::http_client::get(&format!("http://{}/v2/", reg.host)) {
                if r.status == 200 {
                    return reg;
                }
            }
            if let Ok(Some(status)) = reg.child.try_wait() {
                panic!("docker-registry exited ({status}): {}", reg.log());
            }
            assert!(
                Instant::now() < deadline,
                "docker-registry not ready in 20 s: {}",
                reg.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self._dir.0.join("registry.log")).unwrap_or_default()
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir = std::env::temp_dir().join(format!(
            "tollgate-oci-{what}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

/// Runs the `tollgate-oci` binary; its stdout.
fn tollgate_oci(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tollgate-oci"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tollgate-oci {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `package` output → (filter, variant) → manifest digest.
fn package_digests(stdout: &str) -> BTreeMap<(String, String), String> {
    stdout
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<&str>>())
        // The image lines; the last line names digests.json.
        .filter(|f| f.len() > 2 && (f[1] == "compat" || f[1] == "wasm"))
        .map(|f| ((f[0].to_owned(), f[1].to_owned()), f[2].to_owned()))
        .collect()
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn package_push_pull_and_load_in_envoy() {
    let wasm = wasm_dir();
    for f in FILTERS {
        assert!(
            wasm.join(format!("{f}.wasm")).is_file(),
            "run scripts/build first"
        );
    }
    let wasm_arg = wasm.to_str().unwrap();

    // Package twice into two directories: the same digests, the same bytes.
    let (a, b) = (TempDir::new("package-a"), TempDir::new("package-b"));
    let out_a = tollgate_oci(&[
        "package",
        "--wasm-dir",
        wasm_arg,
        "--out",
        a.0.to_str().unwrap(),
    ]);
    let out_b = tollgate_oci(&[
        "package",
        "--wasm-dir",
        wasm_arg,
        "--out",
        b.0.to_str().unwrap(),
    ]);
    let digests = package_digests(&out_a);
    // Two variants of each shipped module: the three and the combined one.
    assert_eq!(digests.len(), 8, "{out_a}");
    // digests.json, for scripts/render-mesh: the compat images' digests.
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.0.join("digests.json")).unwrap()).unwrap();
    for f in ["auth", "throttle", "inspect"] {
        assert_eq!(
            file[f].as_str(),
            digests
                .get(&(f.to_owned(), "compat".to_owned()))
                .map(String::as_str)
        );
    }
    assert_eq!(digests, package_digests(&out_b));
    assert_eq!(
        tree(&a.0),
        tree(&b.0),
        "two packagings differ byte for byte"
    );
    println!("{out_a}");

    // Each layout: digests hold, the index names the tag, the manifest is
    // the variant's format.
    for ((filter, variant), digest) in &digests {
        let image = oci::read_layout(&a.0.join(filter).join(variant)).unwrap();
        assert_eq!(&image.digest(), digest);
        assert_eq!(&image.tag, variant);
        let m: Value = serde_json::from_slice(&image.manifest).unwrap();
        assert_eq!(m["schemaVersion"], 2);
        assert_eq!(m["mediaType"], oci::MANIFEST);
        if variant == "compat" {
            assert_eq!(m["config"]["mediaType"], oci::IMAGE_CONFIG);
            assert_eq!(m["layers"].as_array().unwrap().len(), 1);
            assert_eq!(m["layers"][0]["mediaType"], oci::LAYER_TAR_GZIP);
            assert_eq!(
                m["annotations"],
                json!({"module.wasm.image/variant": "compat"})
            );
        } else {
            assert_eq!(m["config"]["mediaType"], oci::WASM_CONFIG);
            let media: Vec<&str> = m["layers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["mediaType"].as_str().unwrap())
                .collect();
            assert_eq!(media, [oci::WASM_CONFIG, oci::WASM_LAYER]);
        }
    }

    // Push with the binary, as scripts/push does.
    let registry = TestRegistry::start();
    let pushed = tollgate_oci(&[
        "push",
        &registry.host,
        "--plain-http",
        "--out",
        a.0.to_str().unwrap(),
    ]);
    println!("{pushed}");
    let mut urls = BTreeMap::new();
    for line in pushed.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let by_digest = f[2];
        let want = format!(
            "oci://{}/tollgate/{}@{}",
            registry.host,
            f[0],
            digests[&(f[0].to_owned(), f[1].to_owned())]
        );
        assert_eq!(by_digest, want);
        assert_eq!(
            f[3],
            format!("oci://{}/tollgate/{}:{}", registry.host, f[0], f[1])
        );
        urls.insert((f[0].to_owned(), f[1].to_owned()), by_digest.to_owned());
    }
    assert_eq!(urls.len(), 8, "{pushed}");

    // Before applying: the rendered digests are what istio-agent will
    // fetch, and a wrong one is caught here rather than as a deny-all
    // filter in the mesh.
    let digests_file = a.0.join("digests.json");
    let verified = tollgate_oci(&[
        "verify",
        &registry.host,
        "--plain-http",
        "--digests",
        digests_file.to_str().unwrap(),
    ]);
    assert_eq!(
        verified.lines().filter(|l| l.contains(" ok ")).count(),
        4,
        "{verified}"
    );
    let wrong = a.0.join("wrong-digests.json");
    let mut bad = file.clone();
    bad["inspect"] = serde_json::Value::String(format!("sha256:{}", "0".repeat(64)));
    std::fs::write(&wrong, bad.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tollgate-oci"))
        .args(["verify", &registry.host, "--plain-http", "--digests"])
        .arg(&wrong)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("inspect: oci://") && err.contains("could not fetch"),
        "{err}"
    );

    // Pull back by digest and by tag; read as Istio does.
    let client = Registry::new(&registry.host, true);
    let pulled = TempDir::new("pulled");
    let mut modules: BTreeMap<(String, String), PathBuf> = BTreeMap::new();
    for ((filter, variant), digest) in &digests {
        let repo = format!("tollgate/{filter}");
        let (manifest, reported) = client.manifest(&repo, digest).unwrap();
        oci::check_digest(digest, &manifest).unwrap();
        assert_eq!(reported.as_deref(), Some(digest.as_str()));
        let (by_tag, _) = client.manifest(&repo, variant).unwrap();
        assert_eq!(by_tag, manifest, "tag {variant} points at another manifest");

        let (path, module) = oci::extract_like_istio(&manifest, |d| client.blob(&repo, d)).unwrap();
        let want_path = if variant == "compat" {
            IstioPath::Compat
        } else {
            IstioPath::Artifact
        };
        assert_eq!(path, want_path, "{filter} {variant}");
        let built = std::fs::read(wasm.join(format!("{filter}.wasm"))).unwrap();
        assert!(
            module == built,
            "{filter} {variant}: the pulled module differs from the built one"
        );

        let file = pulled.0.join(format!("{filter}-{variant}.wasm"));
        std::fs::write(&file, &module).unwrap();
        modules.insert((filter.clone(), variant.clone()), file);
    }

    // The pulled modules run: one Envoy per variant, the three filters
    // chained as the mesh orders them.
    let mock = MockLlm::start().unwrap();
    for variant in Variant::ALL.map(Variant::name) {
        let mut builder = Envoy::builder().upstream(mock.addr());
        for f in FILTERS {
            let path = &modules[&(f.to_owned(), variant.to_owned())];
            builder = builder.filter(WasmFilter::new(f, path, &default_config(f)));
        }
        let envoy = builder.start().unwrap();
        let body =
            json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hello"}]});
        let auth = format!("Bearer {DEMO_KEY}");
        let resp = request(
            "POST",
            &envoy.url("/v1/chat/completions"),
            &[
                ("content-type", "application/json"),
                ("authorization", &auth),
            ],
            Body::json(&body),
        )
        .unwrap();
        assert_eq!(resp.status, 200, "{variant}: {}", resp.text());
        assert!(
            resp.header("x-ratelimit-limit-requests").is_some(),
            "throttle ran: {:?}",
            resp.headers
        );
        let unauthenticated = request(
            "POST",
            &envoy.url("/v1/chat/completions"),
            &[("content-type", "application/json")],
            Body::json(&body),
        )
        .unwrap();
        assert_eq!(unauthenticated.status, 401, "{variant}: auth ran");
    }
}

#[test]
fn istio_refuses_what_it_would_refuse() {
    // One wasm layer and no runtime-config layer: Istio's fetcher wants two.
    let module = b"\0asm\x01\0\0\0";
    let image = oci::build_image(Variant::Wasm, module).unwrap();
    let mut m: Value = serde_json::from_slice(&image.manifest).unwrap();
    m["layers"].as_array_mut().unwrap().remove(0);
    let one_layer = serde_json::to_vec(&m).unwrap();
    let err = oci::extract_like_istio(&one_layer, |d| Ok(image.blobs[d].clone())).unwrap_err();
    assert!(
        format!("{err:#}").contains("number of layers must be 2 but got 1"),
        "{err:#}"
    );

    // A blob that does not hash to its descriptor's digest is refused.
    let image = oci::build_image(Variant::Compat, module).unwrap();
    let err = oci::extract_like_istio(&image.manifest, |_| Ok(b"tampered".to_vec())).unwrap_err();
    assert!(format!("{err:#}").contains("digest mismatch"), "{err:#}");
}
