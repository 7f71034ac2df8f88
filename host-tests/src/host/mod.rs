//! `tollgate-host`: a proxy-wasm host (ABI 0.2.1) on wasmtime, with Envoy's
//! semantics, for testing filters natively.
//!
//! A [`Host`] is one plugin deployed on one or more workers (one VM each,
//! sharing data, queues and metrics as Envoy's workers do). Tests drive HTTP
//! streams through it the way Envoy would and then assert on outcomes: the
//! action each callback returned, what went upstream, what came back to the
//! client, local replies, metrics and logs. Time is virtual: timers, call
//! timeouts and delayed replies fire only when the test calls
//! [`Host::advance`].
//!
//! ```no_run
//! use tollgate_host::{Host, Module, Request, Response};
//! let module = Module::named("fixture").unwrap();
//! let mut host = Host::builder(&module).configuration(r#"{}"#).build().unwrap();
//! let mut s = host.stream();
//! s.send_request(Request::post("/v1/chat/completions").body(r#"{"model":"m"}"#));
//! assert!(s.upstream().complete);
//! s.send_response(Response::ok().body("hi"));
//! assert_eq!(s.downstream().status(), Some(200));
//! ```
//!
//! Semantics that matter and how they were established are documented on
//! each driver method; where Envoy and this host were compared, the scenario
//! lives in `host-tests/tests/agreement.rs` and runs in both.

mod abi;
mod guest;
mod state;
mod wasi;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context as _};
use wasmtime::{Config, Engine, Instance, InstancePre, Linker, Store, WasmParams, WasmResults};

use state::{lock, CallbackScope, Due, Shared, SharedRef, StreamState, VmState};
pub use state::{
    GrpcCall, GrpcCallReply, HeaderMap, HostCallRecord, HttpCall, HttpCallOutcome, HttpCallReply,
    LocalReply, LogLevel, LogLine, MetricValue,
};

pub use tollgate_tools::wasm_dir;

/// The engine of metered VMs (every callback gets a fuel budget, so a loop
/// that never ends fails the test instead of hanging it) or of unmetered
/// ones (what Envoy runs: V8 counts nothing). Fuel is an instruction count
/// compiled into every basic block, so it makes scanning loops about a fifth
/// slower (inspect 156 against 120 us per 4 KiB request, measured in one run
/// of the host bench): benchmarks use [`HostBuilder::unmetered`].
fn engine(metered: bool) -> &'static Engine {
    static METERED: OnceLock<Engine> = OnceLock::new();
    static UNMETERED: OnceLock<Engine> = OnceLock::new();
    let cell = if metered { &METERED } else { &UNMETERED };
    cell.get_or_init(|| {
        let mut config = Config::new();
        config.consume_fuel(metered);
        #[cfg(feature = "profiling")]
        if std::env::var_os("TOLLGATE_HOST_PERFMAP").is_some() {
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        // A failure to build the engine is a broken installation, not a test
        // outcome: there is nothing to recover.
        Engine::new(&config).unwrap_or_else(|e| panic!("cannot create the wasmtime engine: {e}"))
    })
}

struct ModuleInner {
    name: String,
    path: PathBuf,
    pre: InstancePre<VmState>,
    /// The same module compiled for the unmetered engine, on first use.
    unmetered: OnceLock<Result<InstancePre<VmState>, String>>,
}

/// A compiled proxy-wasm module, ready to instantiate. Each path is compiled
/// once per process, however many tests load it.
#[derive(Clone)]
pub struct Module(Arc<ModuleInner>);

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("path", &self.0.path)
            .finish()
    }
}

type ModuleCell = Arc<OnceLock<Result<Module, String>>>;

impl Module {
    /// `<wasm_dir>/<name>.wasm`, e.g. `Module::named("auth")`.
    pub fn named(name: &str) -> anyhow::Result<Module> {
        Module::load(wasm_dir().join(format!("{name}.wasm")))
    }

    /// Loads and compiles a module, or returns the copy compiled earlier.
    pub fn load(path: impl AsRef<Path>) -> anyhow::Result<Module> {
        static CACHE: OnceLock<Mutex<HashMap<PathBuf, ModuleCell>>> = OnceLock::new();
        let path = path.as_ref().to_path_buf();
        let cell = {
            let mut cache = CACHE
                .get_or_init(Default::default)
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            cache.entry(path.clone()).or_default().clone()
        };
        cell.get_or_init(|| Module::compile(&path).map_err(|e| format!("{e:#}")))
            .clone()
            .map_err(|e| anyhow!(e))
    }

    fn compile(path: &Path) -> anyhow::Result<Module> {
        let pre = Self::instance_pre(path, true)?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(Module(Arc::new(ModuleInner {
            name,
            path: path.to_path_buf(),
            pre,
            unmetered: OnceLock::new(),
        })))
    }

    fn instance_pre(path: &Path, metered: bool) -> anyhow::Result<InstancePre<VmState>> {
        let bytes = std::fs::read(path).with_context(|| {
            format!(
                "cannot read {} (build the modules first: scripts/build)",
                path.display()
            )
        })?;
        let engine = engine(metered);
        let module = wasmtime::Module::new(engine, &bytes)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cannot compile {}", path.display()))?;
        let has_abi = module.exports().any(|e| {
            e.name() == "proxy_abi_version_0_2_1" || e.name() == "proxy_abi_version_0_2_0"
        });
        if !has_abi {
            bail!(
                "{} is not a proxy-wasm module: it exports no proxy_abi_version_0_2_x",
                path.display()
            );
        }
        let mut linker: Linker<VmState> = Linker::new(engine);
        abi::add_to_linker(&mut linker).map_err(anyhow::Error::from)?;
        wasi::add_to_linker(&mut linker).map_err(anyhow::Error::from)?;
        linker.instantiate_pre(&module).map_err(|e| {
            anyhow!(
                "{} imports something tollgate-host does not implement: {e}",
                path.display()
            )
        })
    }

    /// What instantiates this module in a metered or unmetered store.
    fn pre(&self, metered: bool) -> anyhow::Result<&InstancePre<VmState>> {
        if metered {
            return Ok(&self.0.pre);
        }
        self.0
            .unmetered
            .get_or_init(|| Self::instance_pre(&self.0.path, false).map_err(|e| format!("{e:#}")))
            .as_ref()
            .map_err(|e| anyhow!("{e}"))
    }

    pub fn name(&self) -> &str {
        &self.0.name
    }
}

/// What a filter callback returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Continue,
    /// `Pause` from the SDK: stop iteration (headers) or stop and buffer (body).
    Pause,
    /// Any other value (the SDK never returns one).
    Other(u32),
    /// The VM trapped during the callback.
    Trapped,
    /// Envoy would not call the filter now (e.g. after a local reply).
    NotCalled,
}

impl Action {
    fn from_u32(v: u32) -> Action {
        match v {
            0 => Action::Continue,
            1 => Action::Pause,
            v => Action::Other(v),
        }
    }
}

/// A stream phase, for the record of actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    RequestHeaders,
    RequestBody,
    RequestTrailers,
    ResponseHeaders,
    ResponseBody,
    ResponseTrailers,
}

/// What left the filter in one direction.
#[derive(Debug, Clone, Default)]
pub struct Forwarded {
    /// The headers as they left, once they did.
    pub headers: Option<HeaderMap>,
    /// Body bytes as they left, one entry per release.
    pub chunks: Vec<Vec<u8>>,
    pub trailers: Option<HeaderMap>,
    /// The end of stream left too.
    pub complete: bool,
}

impl Forwarded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.as_ref().and_then(|h| h.get_str(name))
    }
    pub fn body(&self) -> Vec<u8> {
        self.chunks.concat()
    }
    pub fn body_str(&self) -> String {
        String::from_utf8_lossy(&self.body()).into_owned()
    }
    pub fn json(&self) -> anyhow::Result<serde_json::Value> {
        Ok(serde_json::from_slice(&self.body())?)
    }
    /// `:status` (responses).
    pub fn status(&self) -> Option<u16> {
        self.header(":status").and_then(|s| s.parse().ok())
    }
}

/// Everything observable about one stream.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub actions: Vec<(Phase, Action)>,
    pub upstream: Forwarded,
    pub downstream: Forwarded,
    /// A local reply the filter (or Envoy on its behalf) sent.
    pub local_reply: Option<LocalReply>,
    /// The stream was reset (closed by the filter, or a local reply came too late).
    pub reset: bool,
    /// `proxy_on_log`, `proxy_on_done` and `proxy_on_delete` ran.
    pub finished: bool,
}

impl Outcome {
    pub fn action(&self, phase: Phase) -> Option<Action> {
        self.actions
            .iter()
            .rev()
            .find(|(p, _)| *p == phase)
            .map(|(_, a)| *a)
    }
}

/// Identifies a stream: the worker (VM) and the context id there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamId {
    pub worker: usize,
    pub context: u32,
}

/// A request as a client sends it.
#[derive(Debug, Clone)]
pub struct Request {
    headers: Vec<(String, String)>,
    chunks: Vec<Vec<u8>>,
    trailers: Vec<(String, String)>,
    content_length: bool,
}

impl Request {
    pub fn new(method: &str, path: &str) -> Request {
        Request {
            headers: vec![
                (":method".into(), method.into()),
                (":path".into(), path.into()),
                (":authority".into(), "llm.tollgate.test".into()),
                (":scheme".into(), "http".into()),
            ],
            chunks: Vec::new(),
            trailers: Vec::new(),
            content_length: true,
        }
    }
    pub fn get(path: &str) -> Request {
        Request::new("GET", path)
    }
    pub fn post(path: &str) -> Request {
        Request::new("POST", path)
    }
    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }
    /// Replaces any header of that name.
    pub fn set_header(mut self, name: &str, value: &str) -> Request {
        let name = name.to_ascii_lowercase();
        self.headers.retain(|(k, _)| *k != name);
        self.headers.push((name, value.into()));
        self
    }
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.chunks = vec![body.into()];
        self
    }
    pub fn json(self, value: &serde_json::Value) -> Request {
        self.set_header("content-type", "application/json")
            .body(value.to_string())
    }
    /// Delivers the body in these chunks (no content-length, as a chunked
    /// client sends it).
    pub fn chunks<I, C>(mut self, chunks: I) -> Request
    where
        I: IntoIterator<Item = C>,
        C: Into<Vec<u8>>,
    {
        self.chunks = chunks.into_iter().map(Into::into).collect();
        self.content_length = false;
        self
    }
    /// Splits the body into chunks of `size` bytes.
    pub fn chunk_size(mut self, size: usize) -> Request {
        let body = self.chunks.concat();
        self.chunks = body.chunks(size.max(1)).map(<[u8]>::to_vec).collect();
        self.content_length = false;
        self
    }
    pub fn trailer(mut self, name: &str, value: &str) -> Request {
        self.trailers
            .push((name.to_ascii_lowercase(), value.into()));
        self
    }
}

/// A response as the upstream sends it.
#[derive(Debug, Clone)]
pub struct Response {
    headers: Vec<(String, String)>,
    chunks: Vec<Vec<u8>>,
    trailers: Vec<(String, String)>,
    content_length: bool,
}

impl Response {
    pub fn status(status: u16) -> Response {
        Response {
            headers: vec![(":status".into(), status.to_string())],
            chunks: Vec::new(),
            trailers: Vec::new(),
            content_length: true,
        }
    }
    pub fn ok() -> Response {
        Response::status(200)
    }
    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.chunks = vec![body.into()];
        self
    }
    pub fn json(self, value: &serde_json::Value) -> Response {
        self.header("content-type", "application/json")
            .body(value.to_string())
    }
    /// A server-sent-event stream, one chunk per event (`data: …\n\n`).
    pub fn sse<I, S>(mut self, events: I) -> Response
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.headers
            .push(("content-type".into(), "text/event-stream".into()));
        self.chunks = events
            .into_iter()
            .map(|e| format!("data: {}\n\n", e.as_ref()).into_bytes())
            .collect();
        self.content_length = false;
        self
    }
    pub fn chunks<I, C>(mut self, chunks: I) -> Response
    where
        I: IntoIterator<Item = C>,
        C: Into<Vec<u8>>,
    {
        self.chunks = chunks.into_iter().map(Into::into).collect();
        self.content_length = false;
        self
    }
    pub fn chunk_size(mut self, size: usize) -> Response {
        let body = self.chunks.concat();
        self.chunks = body.chunks(size.max(1)).map(<[u8]>::to_vec).collect();
        self.content_length = false;
        self
    }
    pub fn trailer(mut self, name: &str, value: &str) -> Response {
        self.trailers
            .push((name.to_ascii_lowercase(), value.into()));
        self
    }
}

/// Configures and starts a [`Host`].
pub struct HostBuilder {
    module: Module,
    configuration: Vec<u8>,
    vm_configuration: Vec<u8>,
    env: Vec<(String, String)>,
    workers: usize,
    properties: HashMap<String, Vec<u8>>,
    clusters: Vec<String>,
    /// `None`: unmetered.
    fuel: Option<u64>,
    buffer_limit: usize,
    fail_open: bool,
    log_level: LogLevel,
    start: SystemTime,
    seed: u64,
    plugin_name: Option<String>,
    root_id: String,
    vm_id: String,
    trace: bool,
    allow_headers_stop_iteration: bool,
}

impl std::fmt::Debug for HostBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostBuilder")
            .field("module", &self.module)
            .field("workers", &self.workers)
            .finish_non_exhaustive()
    }
}

impl HostBuilder {
    /// The plugin configuration `on_configure` reads (Istio `pluginConfig`).
    pub fn configuration(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.configuration = bytes.into();
        self
    }
    pub fn json_configuration(self, value: &serde_json::Value) -> Self {
        self.configuration(value.to_string())
    }
    pub fn vm_configuration(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.vm_configuration = bytes.into();
        self
    }
    /// A VM environment variable (Istio `vmConfig.env`), read through WASI.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }
    /// How many workers (VMs) run the plugin; they share data and metrics.
    pub fn workers(mut self, n: usize) -> Self {
        self.workers = n.max(1);
        self
    }
    /// A property every stream can read, e.g. `&["node", "id"]`.
    pub fn property(mut self, path: &[&str], value: impl Into<Vec<u8>>) -> Self {
        self.properties
            .insert(state::property_key(path), value.into());
        self
    }
    /// A cluster `proxy_http_call` / `proxy_grpc_call` may name; calls to
    /// any other are refused with BadArgument, as in Envoy.
    pub fn cluster(mut self, name: &str) -> Self {
        self.clusters.push(name.into());
        self
    }
    /// Instructions each callback may execute before it is stopped as a
    /// runaway (default 2e9).
    pub fn fuel(mut self, fuel: u64) -> Self {
        self.fuel = Some(fuel);
        self
    }
    /// No fuel: callbacks run as in Envoy, with nothing counted and no
    /// runaway stopped. For benchmarks (fuel makes scanning loops about a
    /// fifth slower, see [`engine`]); tests keep the default budget.
    pub fn unmetered(mut self) -> Self {
        self.fuel = None;
        self
    }
    /// Envoy's per-connection buffer limit (default 1 MiB): a paused body
    /// that grows past it gets a 413 (request) or 500 (response).
    pub fn buffer_limit(mut self, bytes: usize) -> Self {
        self.buffer_limit = bytes;
        self
    }
    /// Envoy's `fail_open`: what a stream gets after the VM trapped.
    pub fn fail_open(mut self, open: bool) -> Self {
        self.fail_open = open;
        self
    }
    pub fn log_level(mut self, level: LogLevel) -> Self {
        self.log_level = level;
        self
    }
    /// Wall-clock time at the start (default: 2026-01-01T00:00:00Z).
    pub fn start_time(mut self, t: SystemTime) -> Self {
        self.start = t;
        self
    }
    /// Seed of `random_get` (deterministic per seed).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    pub fn plugin_name(mut self, name: &str) -> Self {
        self.plugin_name = Some(name.into());
        self
    }
    pub fn root_id(mut self, id: &str) -> Self {
        self.root_id = id.into();
        self
    }
    pub fn vm_id(mut self, id: &str) -> Self {
        self.vm_id = id.into();
        self
    }
    /// Envoy's `allow_on_headers_stop_iteration` (default false): a Pause
    /// from a headers callback then stops only the headers, and body chunks
    /// still reach the filter.
    pub fn allow_headers_stop_iteration(mut self, allow: bool) -> Self {
        self.allow_headers_stop_iteration = allow;
        self
    }
    /// Record every host call (opt-in strict checks: [`Host::host_calls`]).
    pub fn trace_host_calls(mut self) -> Self {
        self.trace = true;
        self
    }

    /// Starts every VM and configures the plugin; an `on_configure` that
    /// returns false is an error carrying the filter's log.
    pub fn build(self) -> anyhow::Result<Host> {
        let mut host = self.start()?;
        for w in 0..host.vms.len() {
            if !host.configure_vm(w)? {
                bail!(
                    "the plugin rejected its configuration (on_configure returned false) on worker {w}; its log:\n{}",
                    host.log_text()
                );
            }
        }
        Ok(host)
    }

    /// Like [`HostBuilder::build`], but returns the host even when
    /// `on_configure` returned false, with that result.
    pub fn build_unchecked(self) -> anyhow::Result<(Host, bool)> {
        let mut host = self.start()?;
        let mut all = true;
        for w in 0..host.vms.len() {
            all &= host.configure_vm(w)?;
        }
        Ok((host, all))
    }

    fn start(self) -> anyhow::Result<Host> {
        let epoch_nanos = self
            .start
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let shared: SharedRef = Arc::new(Mutex::new(Shared {
            epoch_nanos,
            clusters: self.clusters.clone(),
            trace: self.trace.then(Vec::new),
            ..Shared::default()
        }));
        let mut properties = self.properties.clone();
        let plugin_name = self
            .plugin_name
            .clone()
            .unwrap_or_else(|| self.module.name().to_string());
        properties.insert("plugin_name".into(), plugin_name.into_bytes());
        properties.insert("plugin_root_id".into(), self.root_id.clone().into_bytes());
        properties.insert("plugin_vm_id".into(), self.vm_id.clone().into_bytes());
        let mut vms = Vec::with_capacity(self.workers);
        for worker in 0..self.workers {
            let state = VmState {
                shared: shared.clone(),
                worker,
                vm_id: self.vm_id.clone(),
                plugin_configuration: self.configuration.clone(),
                vm_configuration: self.vm_configuration.clone(),
                env: self.env.clone(),
                args: Vec::new(),
                root_context_id: ROOT_CONTEXT_ID,
                effective_context: ROOT_CONTEXT_ID,
                streams: HashMap::new(),
                scope: CallbackScope::default(),
                status: (0, Vec::new()),
                tick_period: None,
                next_tick: Duration::ZERO,
                rng: self.seed ^ (worker as u64).wrapping_mul(0x9E37_79B9),
                log_level: self.log_level,
                properties: properties.clone(),
                allow_headers_stop_iteration: self.allow_headers_stop_iteration,
                memory: None,
                alloc: None,
                stdout: Vec::new(),
                stderr: Vec::new(),
                exit_code: None,
                done_called: false,
            };
            let mut store = Store::new(engine(self.fuel.is_some()), state);
            if let Some(fuel) = self.fuel {
                store.set_fuel(fuel).map_err(anyhow::Error::from)?;
            }
            let instance = self
                .module
                .pre(self.fuel.is_some())?
                .instantiate(&mut store)
                .map_err(anyhow::Error::from)
                .with_context(|| format!("cannot instantiate {}", self.module.name()))?;
            vms.push(Vm {
                store,
                instance,
                next_context: ROOT_CONTEXT_ID + 1,
                fuel_used: 0,
                failed: None,
            });
        }
        let mut host = Host {
            shared,
            vms,
            fuel: self.fuel,
            buffer_limit: self.buffer_limit,
            fail_open: self.fail_open,
            outcomes: HashMap::new(),
            next_request_id: 1,
        };
        for w in 0..host.vms.len() {
            // As proxy-wasm-cpp-host: `_initialize` (the SDK's `main!`), then
            // `main(0, 0)` if exported, else `_start`.
            if host.vms[w].has_export("_initialize") {
                host.call::<(), ()>(w, "_initialize", ())
                    .ok_or_else(|| host.trap_error(w))?;
            }
            if host.vms[w].has_export("main") {
                host.call::<(u32, u32), u32>(w, "main", (0, 0))
                    .ok_or_else(|| host.trap_error(w))?;
            } else if host.vms[w].has_export("_start") {
                host.call::<(), ()>(w, "_start", ())
                    .ok_or_else(|| host.trap_error(w))?;
            }
        }
        Ok(host)
    }
}

/// The root context id of the plugin in every VM (context ids start at 1).
const ROOT_CONTEXT_ID: u32 = 1;

struct Vm {
    store: Store<VmState>,
    instance: Instance,
    next_context: u32,
    failed: Option<String>,
    /// Fuel the VM's calls have burnt (metered hosts).
    fuel_used: u64,
}

impl Vm {
    fn has_export(&mut self, name: &str) -> bool {
        self.instance.get_func(&mut self.store, name).is_some()
    }
}

/// One plugin running on one or more workers; see the module docs.
pub struct Host {
    shared: SharedRef,
    vms: Vec<Vm>,
    /// `None`: unmetered.
    fuel: Option<u64>,
    buffer_limit: usize,
    fail_open: bool,
    outcomes: HashMap<StreamId, Outcome>,
    next_request_id: u64,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("workers", &self.vms.len())
            .finish_non_exhaustive()
    }
}

impl Host {
    pub fn builder(module: &Module) -> HostBuilder {
        HostBuilder {
            module: module.clone(),
            configuration: Vec::new(),
            vm_configuration: Vec::new(),
            env: Vec::new(),
            workers: 1,
            properties: HashMap::new(),
            clusters: Vec::new(),
            fuel: Some(2_000_000_000),
            buffer_limit: 1024 * 1024,
            fail_open: false,
            log_level: LogLevel::Trace,
            // 2026-01-01T00:00:00Z
            start: UNIX_EPOCH + Duration::from_secs(1_767_225_600),
            seed: 0x746f_6c6c_6761_7465,
            plugin_name: None,
            root_id: String::new(),
            vm_id: String::new(),
            trace: false,
            allow_headers_stop_iteration: false,
        }
    }

    // --- calling into the guest ---------------------------------------------

    /// Calls an export with a fresh fuel budget. `None` if the export is
    /// missing or the VM trapped (the VM is then failed, as in Envoy).
    fn call<P: WasmParams, R: WasmResults>(
        &mut self,
        worker: usize,
        name: &str,
        params: P,
    ) -> Option<R> {
        let fuel = self.fuel;
        let vm = self.vms.get_mut(worker)?;
        if vm.failed.is_some() {
            return None;
        }
        let func = vm
            .instance
            .get_typed_func::<P, R>(&mut vm.store, name)
            .ok()?;
        if let Some(fuel) = fuel {
            vm.store.set_fuel(fuel).ok()?;
        }
        let result = func.call(&mut vm.store, params);
        if let Some(fuel) = fuel {
            let left = vm.store.get_fuel().unwrap_or(0);
            vm.fuel_used = vm.fuel_used.saturating_add(fuel.saturating_sub(left));
        }
        match result {
            Ok(r) => Some(r),
            Err(e) => {
                let msg = format!("{e:?}");
                let out_of_fuel = matches!(
                    e.downcast_ref::<wasmtime::Trap>(),
                    Some(wasmtime::Trap::OutOfFuel)
                );
                let message = if out_of_fuel {
                    format!(
                        "VM trapped in {name}: out of fuel after {} instructions (a loop that never ends?)",
                        fuel.unwrap_or_default()
                    )
                } else {
                    format!("VM trapped in {name}: {msg}")
                };
                vm.store
                    .data_mut()
                    .log(LogLevel::Critical, format!("tollgate-host: {message}"));
                vm.failed = Some(message);
                None
            }
        }
    }

    fn set_context(&mut self, worker: usize, context: u32) {
        if let Some(vm) = self.vms.get_mut(worker) {
            vm.store.data_mut().effective_context = context;
        }
    }

    fn configure_vm(&mut self, w: usize) -> anyhow::Result<bool> {
        let (root, vm_cfg, plugin_cfg) = {
            let d = self.vms[w].store.data();
            (
                d.root_context_id,
                d.vm_configuration.len() as u32,
                d.plugin_configuration.len() as u32,
            )
        };
        self.set_context(w, root);
        self.call::<(u32, u32), ()>(w, "proxy_on_context_create", (root, 0))
            .ok_or_else(|| self.trap_error(w))?;
        let started = self
            .call::<(u32, u32), u32>(w, "proxy_on_vm_start", (root, vm_cfg))
            .ok_or_else(|| self.trap_error(w))?;
        if started == 0 {
            return Ok(false);
        }
        let configured = self
            .call::<(u32, u32), u32>(w, "proxy_on_configure", (root, plugin_cfg))
            .ok_or_else(|| self.trap_error(w))?;
        self.pump();
        Ok(configured != 0)
    }

    fn trap_error(&self, w: usize) -> anyhow::Error {
        anyhow!(
            "{}\nlog:\n{}",
            self.vms[w].failed.clone().unwrap_or_default(),
            self.log_text()
        )
    }

    // --- streams -------------------------------------------------------------

    /// Opens a stream on worker 0.
    pub fn stream(&mut self) -> Stream<'_> {
        self.stream_on(0)
    }

    /// Opens a stream on the given worker (VM).
    pub fn stream_on(&mut self, worker: usize) -> Stream<'_> {
        let id = self.open_stream(worker);
        Stream { host: self, id }
    }

    /// Re-borrows an open stream.
    pub fn stream_ref(&mut self, id: StreamId) -> Stream<'_> {
        Stream { host: self, id }
    }

    pub fn open_stream(&mut self, worker: usize) -> StreamId {
        assert!(worker < self.vms.len(), "no worker {worker}");
        let vm = &mut self.vms[worker];
        let context = vm.next_context;
        vm.next_context += 1;
        let root = vm.store.data().root_context_id;
        vm.store
            .data_mut()
            .streams
            .insert(context, StreamState::default());
        let id = StreamId { worker, context };
        self.outcomes.insert(id, Outcome::default());
        self.set_context(worker, context);
        self.call::<(u32, u32), ()>(worker, "proxy_on_context_create", (context, root));
        id
    }

    pub fn outcome(&self, id: StreamId) -> &Outcome {
        self.outcomes
            .get(&id)
            .unwrap_or_else(|| panic!("no stream {id:?}"))
    }

    fn outcome_mut(&mut self, id: StreamId) -> &mut Outcome {
        self.outcomes.entry(id).or_default()
    }

    fn stream_state(&mut self, id: StreamId) -> Option<&mut StreamState> {
        self.vms
            .get_mut(id.worker)?
            .store
            .data_mut()
            .streams
            .get_mut(&id.context)
    }

    fn is_closed(&self, id: StreamId) -> bool {
        let o = self.outcome(id);
        o.local_reply.is_some() || o.reset || o.finished
    }

    /// Envoy's answer for a stream on a failed VM: 503 unless fail_open.
    fn failed_vm(&mut self, id: StreamId) -> bool {
        if self.vms[id.worker].failed.is_none() {
            return false;
        }
        if !self.fail_open && self.outcome(id).local_reply.is_none() && !self.outcome(id).reset {
            self.local_reply_by_envoy(id, 503, "wasm_fail_stream");
        }
        true
    }

    /// Delivers request headers. Continue forwards them; Pause holds them
    /// (and, in Envoy, body chunks still reach the filter).
    pub fn request_headers(&mut self, id: StreamId, headers: HeaderMap, end: bool) -> Action {
        if self.is_closed(id) {
            return Action::NotCalled;
        }
        let mut headers = headers;
        if headers.get("x-request-id").is_none() {
            // Envoy's connection manager adds one before any filter runs.
            let rid = format!("00000000-0000-4000-8000-{:012x}", self.next_request_id);
            self.next_request_id += 1;
            headers.add("x-request-id", rid.as_bytes());
        }
        if let Some(s) = self.stream_state(id) {
            s.request.headers = headers;
            s.request.headers_received = true;
            s.request.headers_end = end;
            s.request.end_received = end;
        }
        let n = self.stream_header_count(id, false);
        if self.failed_vm(id) {
            return self.passthrough_if_open(id, Phase::RequestHeaders, true);
        }
        self.set_context(id.worker, id.context);
        let action = self
            .call::<(u32, u32, u32), u32>(
                id.worker,
                "proxy_on_request_headers",
                (id.context, n, u32::from(end)),
            )
            .map_or(Action::Trapped, Action::from_u32);
        self.after_callback(id, Phase::RequestHeaders, action);
        self.pump();
        action
    }

    fn passthrough_if_open(&mut self, id: StreamId, phase: Phase, request: bool) -> Action {
        if self.fail_open {
            self.outcome_mut(id)
                .actions
                .push((phase, Action::NotCalled));
            if request {
                self.forward_request(id);
            } else {
                self.forward_response(id);
            }
        }
        Action::NotCalled
    }

    fn stream_header_count(&mut self, id: StreamId, response: bool) -> u32 {
        self.stream_state(id)
            .map(|s| {
                if response {
                    s.response.headers.len()
                } else {
                    s.request.headers.len()
                }
            })
            .unwrap_or(0) as u32
    }

    /// Delivers one request body chunk. The filter sees everything Envoy has
    /// buffered for it so far plus this chunk; Continue releases all of it,
    /// Pause keeps buffering (StopIterationAndBuffer).
    pub fn request_body(&mut self, id: StreamId, chunk: &[u8], end: bool) -> Action {
        self.body(id, chunk, end, false)
    }

    pub fn response_body(&mut self, id: StreamId, chunk: &[u8], end: bool) -> Action {
        self.body(id, chunk, end, true)
    }

    fn body(&mut self, id: StreamId, chunk: &[u8], end: bool, response: bool) -> Action {
        if self.is_closed(id) && !(response && self.local_reply_in_flight(id)) {
            return Action::NotCalled;
        }
        let phase = if response {
            Phase::ResponseBody
        } else {
            Phase::RequestBody
        };
        let size = match self.stream_state(id) {
            Some(s) => {
                let dir = if response {
                    &mut s.response
                } else {
                    &mut s.request
                };
                dir.buffer.extend_from_slice(chunk);
                dir.end_received |= end;
                if dir.stopped_all {
                    // Envoy buffers (with flow control) and does not call
                    // the filter until it resumes.
                    return Action::NotCalled;
                }
                dir.buffer.len() as u32
            }
            None => return Action::NotCalled,
        };
        if self.failed_vm(id) {
            return self.passthrough_if_open(id, phase, !response);
        }
        self.set_context(id.worker, id.context);
        let export = if response {
            "proxy_on_response_body"
        } else {
            "proxy_on_request_body"
        };
        let action = self
            .call::<(u32, u32, u32), u32>(id.worker, export, (id.context, size, u32::from(end)))
            .map_or(Action::Trapped, Action::from_u32);
        self.after_callback(id, phase, action);
        self.pump();
        action
    }

    pub fn request_trailers(&mut self, id: StreamId, trailers: HeaderMap) -> Action {
        self.trailers(id, trailers, false)
    }

    pub fn response_trailers(&mut self, id: StreamId, trailers: HeaderMap) -> Action {
        self.trailers(id, trailers, true)
    }

    fn trailers(&mut self, id: StreamId, trailers: HeaderMap, response: bool) -> Action {
        if self.is_closed(id) {
            return Action::NotCalled;
        }
        let phase = if response {
            Phase::ResponseTrailers
        } else {
            Phase::RequestTrailers
        };
        let n = trailers.len() as u32;
        if let Some(s) = self.stream_state(id) {
            let dir = if response {
                &mut s.response
            } else {
                &mut s.request
            };
            dir.trailers = trailers;
            dir.trailers_received = true;
            dir.end_received = true;
            if dir.stopped_all {
                return Action::NotCalled;
            }
        }
        if self.failed_vm(id) {
            return self.passthrough_if_open(id, phase, !response);
        }
        self.set_context(id.worker, id.context);
        let export = if response {
            "proxy_on_response_trailers"
        } else {
            "proxy_on_request_trailers"
        };
        let action = self
            .call::<(u32, u32), u32>(id.worker, export, (id.context, n))
            .map_or(Action::Trapped, Action::from_u32);
        self.after_callback(id, phase, action);
        self.pump();
        action
    }

    /// Delivers response headers from the upstream.
    ///
    /// Panics if the request never left the filter: no upstream could answer.
    #[track_caller]
    pub fn response_headers(&mut self, id: StreamId, headers: HeaderMap, end: bool) -> Action {
        assert!(
            self.outcome(id).upstream.headers.is_some() || self.local_reply_in_flight(id),
            "no upstream request to answer: the filter has not let the request headers through (actions so far: {:?})",
            self.outcome(id).actions
        );
        if self.is_closed(id) && !self.local_reply_in_flight(id) {
            return Action::NotCalled;
        }
        if let Some(s) = self.stream_state(id) {
            s.response.headers = headers;
            s.response.headers_received = true;
            s.response.headers_end = end;
            s.response.end_received = end;
        }
        let n = self.stream_header_count(id, true);
        if self.failed_vm(id) {
            return self.passthrough_if_open(id, Phase::ResponseHeaders, false);
        }
        self.set_context(id.worker, id.context);
        let action = self
            .call::<(u32, u32, u32), u32>(
                id.worker,
                "proxy_on_response_headers",
                (id.context, n, u32::from(end)),
            )
            .map_or(Action::Trapped, Action::from_u32);
        self.after_callback(id, Phase::ResponseHeaders, action);
        self.pump();
        action
    }

    fn local_reply_in_flight(&self, id: StreamId) -> bool {
        let o = self.outcome(id);
        o.local_reply.is_some() && !o.downstream.complete && !o.reset
    }

    /// What Envoy does after a filter callback returns: carry out a local
    /// reply or reset the filter asked for, forward on Continue, hold on
    /// Pause (a paused body over the buffer limit is answered by Envoy), and
    /// resume if the filter asked to during the callback.
    fn after_callback(&mut self, id: StreamId, phase: Phase, action: Action) {
        self.outcome_mut(id).actions.push((phase, action));
        let response = matches!(
            phase,
            Phase::ResponseHeaders | Phase::ResponseBody | Phase::ResponseTrailers
        );
        if action == Action::Trapped {
            if self.fail_open {
                if response {
                    self.forward_response(id);
                } else {
                    self.forward_request(id);
                }
            } else {
                self.local_reply_by_envoy(id, 503, "wasm_fail_stream");
            }
            return;
        }
        if self.apply_requested(id) {
            return;
        }
        match action {
            Action::Continue => {
                if response {
                    self.forward_response(id)
                } else {
                    self.forward_request(id)
                }
            }
            _ => {
                let over = self
                    .stream_state(id)
                    .map(|s| {
                        let dir = if response { &s.response } else { &s.request };
                        dir.buffer.len()
                    })
                    .unwrap_or(0)
                    > self.buffer_limit;
                let headers_phase = matches!(phase, Phase::RequestHeaders | Phase::ResponseHeaders);
                let stop_all = headers_phase
                    && !self.vms[id.worker]
                        .store
                        .data()
                        .allow_headers_stop_iteration;
                if let Some(s) = self.stream_state(id) {
                    let dir = if response {
                        &mut s.response
                    } else {
                        &mut s.request
                    };
                    dir.stopped = true;
                    dir.stopped_all |= stop_all;
                }
                if over {
                    if response {
                        self.local_reply_by_envoy(id, 500, "response_payload_too_large");
                    } else {
                        self.local_reply_by_envoy(id, 413, "request_payload_too_large");
                    }
                }
            }
        }
        self.apply_requested(id);
    }

    /// Carries out what the filter asked for with host calls: a local reply,
    /// a reset, a resume. Returns true if the stream is now answered or gone.
    fn apply_requested(&mut self, id: StreamId) -> bool {
        let Some(s) = self.stream_state(id) else {
            return true;
        };
        let reply = s.local_reply_pending.take();
        let reset = std::mem::take(&mut s.reset_requested);
        let resume_req = std::mem::take(&mut s.request.resume_requested);
        let resume_resp = std::mem::take(&mut s.response.resume_requested);
        if let Some(reply) = reply {
            self.send_local_reply(id, reply);
            return true;
        }
        if reset {
            self.outcome_mut(id).reset = true;
            self.finish(id);
            return true;
        }
        if resume_req {
            self.forward_request(id);
        }
        if resume_resp {
            self.forward_response(id);
        }
        false
    }

    fn forward_request(&mut self, id: StreamId) {
        self.forward(id, false);
    }

    fn forward_response(&mut self, id: StreamId) {
        self.forward(id, true);
    }

    fn forward(&mut self, id: StreamId, response: bool) {
        let Some(s) = self.stream_state(id) else {
            return;
        };
        let dir = if response {
            &mut s.response
        } else {
            &mut s.request
        };
        if !dir.headers_received {
            return;
        }
        dir.stopped = false;
        if std::mem::take(&mut dir.stopped_all) {
            self.resume_stopped_all(id, response);
            return;
        }
        let headers = (!dir.headers_forwarded).then(|| dir.headers.clone());
        dir.headers_forwarded = true;
        let body = std::mem::take(&mut dir.buffer);
        let trailers = (dir.trailers_received && !dir.end_forwarded).then(|| dir.trailers.clone());
        let end = dir.end_received && !dir.end_forwarded;
        dir.end_forwarded |= end;
        let out = self.outcome_mut(id);
        let fwd = if response {
            &mut out.downstream
        } else {
            &mut out.upstream
        };
        if let Some(h) = headers {
            fwd.headers = Some(h);
        }
        if !body.is_empty() {
            fwd.chunks.push(body);
        }
        if let Some(t) = trailers {
            fwd.trailers = Some(t);
        }
        if end {
            fwd.complete = true;
        }
        if response && end {
            self.finish(id);
        }
    }

    /// Resuming after a headers Pause (StopAllIterationAndWatermark): the
    /// headers go on, then the filter gets one body callback with all Envoy
    /// buffered meanwhile (or its trailers callback, or nothing if the
    /// headers ended the stream).
    fn resume_stopped_all(&mut self, id: StreamId, response: bool) {
        let Some(s) = self.stream_state(id) else {
            return;
        };
        let dir = if response {
            &mut s.response
        } else {
            &mut s.request
        };
        let headers = dir.headers.clone();
        dir.headers_forwarded = true;
        let body_due = !dir.buffer.is_empty()
            || (dir.end_received && !dir.headers_end && !dir.trailers_received);
        let (size, end) = (
            dir.buffer.len() as u32,
            dir.end_received && !dir.trailers_received,
        );
        let trailers_due = dir.trailers_received;
        let n_trailers = dir.trailers.len() as u32;
        let only_headers = dir.headers_end;
        if only_headers {
            dir.end_forwarded = true;
        }
        let out = self.outcome_mut(id);
        let fwd = if response {
            &mut out.downstream
        } else {
            &mut out.upstream
        };
        fwd.headers = Some(headers);
        if only_headers {
            fwd.complete = true;
            if response {
                self.finish(id);
            }
            return;
        }
        self.set_context(id.worker, id.context);
        let (phase, export) = match (body_due, response) {
            (true, false) => (Phase::RequestBody, "proxy_on_request_body"),
            (true, true) => (Phase::ResponseBody, "proxy_on_response_body"),
            (false, false) if trailers_due => (Phase::RequestTrailers, "proxy_on_request_trailers"),
            (false, true) if trailers_due => {
                (Phase::ResponseTrailers, "proxy_on_response_trailers")
            }
            _ => return,
        };
        let action = if body_due {
            self.call::<(u32, u32, u32), u32>(id.worker, export, (id.context, size, u32::from(end)))
        } else {
            self.call::<(u32, u32), u32>(id.worker, export, (id.context, n_trailers))
        }
        .map_or(Action::Trapped, Action::from_u32);
        self.after_callback(id, phase, action);
    }

    /// A local reply Envoy itself sends (buffer overflow, failed VM).
    fn local_reply_by_envoy(&mut self, id: StreamId, status: u16, details: &str) {
        let reason = match status {
            413 => "Payload Too Large",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            _ => "",
        };
        let body = if details == "wasm_fail_stream" {
            Vec::new()
        } else {
            reason.as_bytes().to_vec()
        };
        self.send_local_reply(
            id,
            LocalReply {
                status,
                details: details.into(),
                body,
                headers: HeaderMap::default(),
                grpc_status: -1,
            },
        );
    }

    /// Sends a local reply as Envoy does: the request goes no further; if
    /// response headers already left, the stream is reset instead; otherwise
    /// the reply runs through this filter's response callbacks on its way to
    /// the client.
    fn send_local_reply(&mut self, id: StreamId, reply: LocalReply) {
        let headers_sent = self.outcome(id).downstream.headers.is_some();
        self.outcome_mut(id).local_reply = Some(reply.clone());
        if headers_sent {
            self.outcome_mut(id).reset = true;
            self.finish(id);
            return;
        }
        // Envoy's prepareLocalReply: the filter's headers (added), then
        // content-length and, unless given, content-type: text/plain.
        let mut headers = HeaderMap::default();
        headers.add(":status", reply.status.to_string().as_bytes());
        for (k, v) in &reply.headers.0 {
            headers.add(k, v);
        }
        if !reply.body.is_empty() {
            headers.replace("content-length", reply.body.len().to_string().as_bytes());
            if headers.get("content-type").is_none() {
                headers.add("content-type", b"text/plain");
            }
        }
        let in_response_phase = self
            .stream_state(id)
            .map(|s| s.response.headers_received)
            .unwrap_or(false);
        if let Some(s) = self.stream_state(id) {
            s.request.stopped = true;
            s.request.buffer.clear();
            s.response = Default::default();
        }
        if in_response_phase || self.vms[id.worker].failed.is_some() {
            // A reply from a response callback (or on a failed VM) goes
            // straight to the client.
            let out = self.outcome_mut(id);
            out.downstream.headers = Some(headers);
            if !reply.body.is_empty() {
                out.downstream.chunks.push(reply.body);
            }
            out.downstream.complete = true;
            self.finish(id);
            return;
        }
        let body_empty = reply.body.is_empty();
        self.response_headers(id, headers, body_empty);
        if !body_empty {
            self.response_body(id, &reply.body, true);
        }
    }

    /// Ends a stream: `proxy_on_log`, `proxy_on_done`, `proxy_on_delete`,
    /// and outstanding calls of that context are cancelled.
    fn finish(&mut self, id: StreamId) {
        if self.outcome(id).finished {
            return;
        }
        self.outcome_mut(id).finished = true;
        self.set_context(id.worker, id.context);
        self.call::<(u32,), ()>(id.worker, "proxy_on_log", (id.context,));
        self.call::<(u32,), u32>(id.worker, "proxy_on_done", (id.context,));
        self.call::<(u32,), ()>(id.worker, "proxy_on_delete", (id.context,));
        if let Some(vm) = self.vms.get_mut(id.worker) {
            vm.store.data_mut().streams.remove(&id.context);
        }
        let mut shared = lock(&self.shared);
        let calls: Vec<u32> = shared
            .http_calls
            .values()
            .filter(|c| c.worker == id.worker && c.context_id == id.context)
            .map(|c| c.token)
            .chain(
                shared
                    .grpc_calls
                    .values()
                    .filter(|c| c.worker == id.worker && c.context_id == id.context)
                    .map(|c| c.token),
            )
            .collect();
        shared
            .due
            .retain(|(_, d)| !matches!(d, Due::Http(t, _) | Due::Grpc(t, _) if calls.contains(t)));
    }

    /// Resets a stream from the client side (Envoy calls on_log/on_done/on_delete).
    pub fn reset(&mut self, id: StreamId) {
        self.outcome_mut(id).reset = true;
        self.finish(id);
    }

    // --- time and events -------------------------------------------------------

    /// Virtual time since the host started.
    pub fn elapsed(&self) -> Duration {
        lock(&self.shared).elapsed
    }

    /// Wall-clock time as the filter sees it.
    pub fn now(&self) -> SystemTime {
        let s = lock(&self.shared);
        UNIX_EPOCH + Duration::from_nanos(s.epoch_nanos) + s.elapsed
    }

    /// Moves the virtual clock forward, firing ticks, delayed call replies and
    /// call timeouts in time order.
    pub fn advance(&mut self, by: Duration) {
        let target = self.elapsed() + by;
        loop {
            let next_due = lock(&self.shared).due.iter().map(|(t, _)| *t).min();
            let next_tick = self
                .vms
                .iter()
                .filter(|vm| vm.failed.is_none())
                .filter_map(|vm| {
                    let d = vm.store.data();
                    d.tick_period.map(|_| d.next_tick)
                })
                .min();
            let next = match (next_due, next_tick) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => match a.or(b) {
                    Some(t) => t,
                    None => break,
                },
            };
            if next > target {
                break;
            }
            lock(&self.shared).elapsed = next.max(self.elapsed());
            self.pump();
            for w in 0..self.vms.len() {
                let due = {
                    let d = self.vms[w].store.data();
                    d.tick_period.filter(|_| d.next_tick <= next)
                };
                if let Some(period) = due {
                    if self.vms[w].failed.is_some() {
                        continue;
                    }
                    self.vms[w].store.data_mut().next_tick = next + period;
                    let root = self.vms[w].store.data().root_context_id;
                    self.set_context(w, root);
                    self.call::<(u32,), ()>(w, "proxy_on_tick", (root,));
                    self.pump();
                }
            }
        }
        lock(&self.shared).elapsed = target;
        self.pump();
    }

    /// Delivers everything due now: call replies and queue notifications.
    fn pump(&mut self) {
        for _ in 0..10_000 {
            let item = {
                let mut shared = lock(&self.shared);
                let now = shared.elapsed;
                let pos = shared.due.iter().position(|(t, _)| *t <= now);
                match pos {
                    Some(i) => Some(Event::Due(shared.due.remove(i).1)),
                    None if !shared.queue_ready.is_empty() => {
                        Some(Event::Queue(shared.queue_ready.remove(0)))
                    }
                    None => None,
                }
            };
            match item {
                Some(Event::Due(Due::Http(token, outcome))) => self.deliver_http(token, outcome),
                Some(Event::Due(Due::Grpc(token, reply))) => self.deliver_grpc(token, reply),
                Some(Event::Queue((worker, queue))) => {
                    let root = self.vms[worker].store.data().root_context_id;
                    self.set_context(worker, root);
                    self.call::<(u32, u32), ()>(worker, "proxy_on_queue_ready", (root, queue));
                }
                None => return,
            }
        }
    }

    fn after_async(&mut self, worker: usize, context: u32) {
        let id = StreamId { worker, context };
        if self.outcomes.contains_key(&id) && !self.outcome(id).finished {
            self.apply_requested(id);
        }
    }

    fn deliver_http(&mut self, token: u32, outcome: HttpCallOutcome) {
        let Some(call) = lock(&self.shared).http_calls.get(&token).cloned() else {
            return;
        };
        // Envoy's async client answers timeouts and failed connections
        // itself, as ordinary responses.
        let (headers, body, trailers) = match outcome {
            HttpCallOutcome::Response {
                status,
                headers,
                body,
                trailers,
            } => {
                let mut h = HeaderMap::default();
                h.add(":status", status.to_string().as_bytes());
                for (k, v) in &headers {
                    h.add(k, v.as_bytes());
                }
                if h.get("content-length").is_none() && !body.is_empty() {
                    h.add("content-length", body.len().to_string().as_bytes());
                }
                (Some(h), Some(body), Some(HeaderMap::from_pairs(&trailers)))
            }
            HttpCallOutcome::Timeout => {
                let body = b"upstream request timeout".to_vec();
                (Some(envoy_reply_headers(504, &body)), Some(body), None)
            }
            HttpCallOutcome::ConnectionFailure => {
                let body = b"upstream connect error or disconnect/reset before headers. reset reason: connection failure".to_vec();
                (Some(envoy_reply_headers(503, &body)), Some(body), None)
            }
            HttpCallOutcome::Reset => (None, None, None),
        };
        let n_headers = headers.as_ref().map_or(0, HeaderMap::len) as u32;
        let body_len = body.as_ref().map_or(0, Vec::len) as u32;
        let n_trailers = trailers.as_ref().map_or(0, HeaderMap::len) as u32;
        let w = call.worker;
        {
            let vm = self.vms[w].store.data_mut();
            vm.scope = CallbackScope {
                http_call_headers: headers,
                http_call_body: body,
                http_call_trailers: trailers,
                grpc_receive: None,
            };
            vm.status = if n_headers == 0 {
                (state::Status::BrokenConnection as u32, b"reset".to_vec())
            } else {
                (0, Vec::new())
            };
        }
        // Calls run on the root context in Envoy: the callback names the
        // root, and the SDK switches to the stream with
        // proxy_set_effective_context itself.
        let root = self.vms[w].store.data().root_context_id;
        self.set_context(w, root);
        self.call::<(u32, u32, u32, u32, u32), ()>(
            w,
            "proxy_on_http_call_response",
            (root, token, n_headers, body_len, n_trailers),
        );
        self.vms[w].store.data_mut().scope = CallbackScope::default();
        self.after_async(w, call.context_id);
    }

    fn deliver_grpc(&mut self, token: u32, reply: GrpcCallReply) {
        let Some(call) = lock(&self.shared).grpc_calls.get(&token).cloned() else {
            return;
        };
        let w = call.worker;
        let root = self.vms[w].store.data().root_context_id;
        self.set_context(w, root);
        // A unary call that succeeds gets only on_grpc_receive; one that
        // fails only on_grpc_close, its message through proxy_get_status.
        if reply.status == 0 {
            let len = reply.message.len() as u32;
            self.vms[w].store.data_mut().scope.grpc_receive = Some(reply.message);
            self.call::<(u32, u32, u32), ()>(w, "proxy_on_grpc_receive", (root, token, len));
        } else {
            self.vms[w].store.data_mut().status = (reply.status, reply.status_message.into_bytes());
            self.call::<(u32, u32, u32), ()>(w, "proxy_on_grpc_close", (root, token, reply.status));
        }
        let vm = self.vms[w].store.data_mut();
        vm.scope = CallbackScope::default();
        vm.status = (0, Vec::new());
        self.after_async(w, call.context_id);
    }

    // --- scripting calls out -----------------------------------------------------

    /// Answers matching HTTP calls with the reply `f` returns (first
    /// responder that returns `Some` wins). Unanswered calls time out.
    pub fn on_http_call(
        &mut self,
        f: impl Fn(&HttpCall) -> Option<HttpCallReply> + Send + 'static,
    ) -> &mut Self {
        lock(&self.shared).http_responders.push(Box::new(f));
        self
    }

    pub fn on_grpc_call(
        &mut self,
        f: impl Fn(&GrpcCall) -> Option<GrpcCallReply> + Send + 'static,
    ) -> &mut Self {
        lock(&self.shared).grpc_responders.push(Box::new(f));
        self
    }

    /// Every HTTP call dispatched so far.
    pub fn http_calls(&self) -> Vec<HttpCall> {
        lock(&self.shared).http_calls.values().cloned().collect()
    }

    pub fn grpc_calls(&self) -> Vec<GrpcCall> {
        lock(&self.shared).grpc_calls.values().cloned().collect()
    }

    /// Replies to an outstanding HTTP call now (replacing its timeout).
    pub fn reply_http_call(&mut self, token: u32, reply: HttpCallReply) {
        {
            let mut shared = lock(&self.shared);
            shared
                .due
                .retain(|(_, d)| !matches!(d, Due::Http(t, _) if *t == token));
            let at = shared.elapsed + reply.delay;
            shared.due.push((at, Due::Http(token, reply.outcome)));
        }
        self.pump();
    }

    pub fn reply_grpc_call(&mut self, token: u32, reply: GrpcCallReply) {
        {
            let mut shared = lock(&self.shared);
            shared
                .due
                .retain(|(_, d)| !matches!(d, Due::Grpc(t, _) if *t == token));
            let at = shared.elapsed + reply.delay;
            shared.due.push((at, Due::Grpc(token, reply)));
        }
        self.pump();
    }

    // --- observing --------------------------------------------------------------

    pub fn metric(&self, name: &str) -> Option<MetricValue> {
        lock(&self.shared)
            .metrics
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.value.clone())
    }

    /// A counter's value (None if the filter never defined it).
    pub fn counter(&self, name: &str) -> Option<u64> {
        match self.metric(name)? {
            MetricValue::Counter(v) => Some(v),
            _ => None,
        }
    }

    /// The sum of a metric's counter (or non-negative gauge) series whose
    /// labels include `labels`; 0 if none exists. `name` is the name
    /// Prometheus shows (labels taken out): see `tollgate_core::metrics`.
    pub fn sum(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        let shared = lock(&self.shared);
        let series = shared.metrics.iter().filter_map(|m| match m.value {
            MetricValue::Counter(v) => Some((m.name.as_str(), v)),
            MetricValue::Gauge(v) => Some((m.name.as_str(), u64::try_from(v).unwrap_or(0))),
            MetricValue::Histogram(_) => None,
        });
        tollgate_tools::envoy::sum_series(series, name, labels)
    }

    /// A labelled histogram's samples (the series with exactly `labels`).
    pub fn histogram_series(&self, name: &str, labels: &[(&str, &str)]) -> Option<Vec<u64>> {
        let shared = lock(&self.shared);
        shared.metrics.iter().find_map(|m| {
            let (metric, have) = tollgate_core::metrics::parse_series(&m.name)?;
            let same = metric == name
                && have.len() == labels.len()
                && labels
                    .iter()
                    .all(|(k, v)| have.iter().any(|(hk, hv)| hk == k && hv == v));
            match (&m.value, same) {
                (MetricValue::Histogram(v), true) => Some(v.clone()),
                _ => None,
            }
        })
    }

    pub fn gauge(&self, name: &str) -> Option<i64> {
        match self.metric(name)? {
            MetricValue::Gauge(v) => Some(v),
            _ => None,
        }
    }

    pub fn histogram(&self, name: &str) -> Option<Vec<u64>> {
        match self.metric(name)? {
            MetricValue::Histogram(v) => Some(v),
            _ => None,
        }
    }

    pub fn metric_names(&self) -> Vec<String> {
        lock(&self.shared)
            .metrics
            .iter()
            .map(|m| m.name.clone())
            .collect()
    }

    pub fn logs(&self) -> Vec<LogLine> {
        lock(&self.shared).logs.clone()
    }

    /// The log as text, one `[worker level] message` per line.
    pub fn log_text(&self) -> String {
        self.logs()
            .iter()
            .map(|l| format!("[{} {:?}] {}", l.worker, l.level, l.message))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// True if some log line at `level` or above contains `needle`.
    pub fn logged(&self, level: LogLevel, needle: &str) -> bool {
        self.logs()
            .iter()
            .any(|l| l.level >= level && l.message.contains(needle))
    }

    /// Why a worker's VM failed (trapped), if it did.
    pub fn vm_failure(&self, worker: usize) -> Option<String> {
        self.vms.get(worker).and_then(|vm| vm.failed.clone())
    }

    pub fn shared_data(&self, key: &[u8]) -> Option<(Vec<u8>, u32)> {
        lock(&self.shared).shared_data.get(key).cloned()
    }

    pub fn set_shared_data(&mut self, key: &[u8], value: &[u8]) {
        let mut shared = lock(&self.shared);
        shared.next_cas = shared.next_cas.wrapping_add(1).max(1);
        let cas = shared.next_cas;
        shared
            .shared_data
            .insert(key.to_vec(), (value.to_vec(), cas));
    }

    /// Enqueues onto a queue a VM registered (as another plugin would).
    pub fn enqueue(&mut self, vm_id: &str, queue: &str, value: &[u8]) -> anyhow::Result<()> {
        {
            let mut shared = lock(&self.shared);
            let id = *shared
                .queue_ids
                .get(&(vm_id.to_string(), queue.to_string()))
                .ok_or_else(|| anyhow!("no queue {queue:?} registered in vm {vm_id:?}"))?;
            let owner = match shared.queues.get_mut(&id) {
                Some((owner, q)) => {
                    q.push_back(value.to_vec());
                    *owner
                }
                None => bail!("queue {id} vanished"),
            };
            shared.queue_ready.push((owner, id));
        }
        self.pump();
        Ok(())
    }

    /// The size of a worker's VM linear memory in bytes (what the VM holds:
    /// wasm memory only grows, so this is its high-water mark).
    pub fn memory_bytes(&mut self, worker: usize) -> Option<usize> {
        let vm = self.vms.get_mut(worker)?;
        let memory = vm.instance.get_memory(&mut vm.store, "memory")?;
        Some(memory.data_size(&vm.store))
    }

    /// The fuel a worker's VM has burnt so far, roughly one unit per wasm
    /// instruction run (wasmtime's count): work measured without the
    /// machine's timing noise, for comparing builds. `None` unmetered (see
    /// [`HostBuilder::unmetered`]).
    pub fn fuel_used(&self, worker: usize) -> Option<u64> {
        self.fuel?;
        Some(self.vms.get(worker)?.fuel_used)
    }

    /// The tick period a worker's root context set, if any.
    pub fn tick_period(&self, worker: usize) -> Option<Duration> {
        self.vms.get(worker)?.store.data().tick_period
    }

    /// Every host call so far (only with [`HostBuilder::trace_host_calls`]).
    pub fn host_calls(&self) -> Vec<HostCallRecord> {
        lock(&self.shared).trace.clone().unwrap_or_default()
    }

    /// Strict check: the names of the host calls made so far, in order, are
    /// exactly `expected` (only with [`HostBuilder::trace_host_calls`]).
    #[track_caller]
    pub fn assert_host_calls(&self, expected: &[&str]) {
        let got: Vec<&str> = self.host_calls().iter().map(|c| c.name).collect();
        assert_eq!(got, expected, "host calls differ");
    }

    pub fn clear_host_calls(&mut self) {
        if let Some(t) = lock(&self.shared).trace.as_mut() {
            t.clear();
        }
    }

    pub fn workers(&self) -> usize {
        self.vms.len()
    }
}

enum Event {
    Due(Due),
    Queue((usize, u32)),
}

fn envoy_reply_headers(status: u16, body: &[u8]) -> HeaderMap {
    let mut h = HeaderMap::default();
    h.add(":status", status.to_string().as_bytes());
    h.add("content-length", body.len().to_string().as_bytes());
    h.add("content-type", b"text/plain");
    h
}

/// A stream being driven through a [`Host`]; see the module docs.
pub struct Stream<'h> {
    host: &'h mut Host,
    id: StreamId,
}

impl std::fmt::Debug for Stream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("id", &self.id)
            .field("outcome", self.host.outcome(self.id))
            .finish()
    }
}

impl Stream<'_> {
    pub fn id(&self) -> StreamId {
        self.id
    }

    pub fn host(&mut self) -> &mut Host {
        self.host
    }

    /// A property this stream's callbacks can read (e.g. `source.address`,
    /// `connection.uri_san_peer_certificate`).
    pub fn property(&mut self, path: &[&str], value: impl Into<Vec<u8>>) -> &mut Self {
        let key = state::property_key(path);
        if let Some(s) = self.host.stream_state(self.id) {
            s.properties.insert(key, value.into());
        }
        self
    }

    /// A property this stream holds: set by the test, or by the filter with
    /// `proxy_set_property` (Envoy's filter state, what access logs read).
    pub fn get_property(&mut self, path: &[&str]) -> Option<Vec<u8>> {
        let key = state::property_key(path);
        self.host
            .stream_state(self.id)
            .and_then(|s| s.properties.get(&key).cloned())
    }

    pub fn request_headers(&mut self, headers: &[(&str, &str)], end: bool) -> Action {
        self.host
            .request_headers(self.id, HeaderMap::from_pairs(headers), end)
    }

    pub fn request_body(&mut self, chunk: impl AsRef<[u8]>, end: bool) -> Action {
        self.host.request_body(self.id, chunk.as_ref(), end)
    }

    pub fn request_trailers(&mut self, trailers: &[(&str, &str)]) -> Action {
        self.host
            .request_trailers(self.id, HeaderMap::from_pairs(trailers))
    }

    #[track_caller]
    pub fn response_headers(&mut self, headers: &[(&str, &str)], end: bool) -> Action {
        self.host
            .response_headers(self.id, HeaderMap::from_pairs(headers), end)
    }

    pub fn response_body(&mut self, chunk: impl AsRef<[u8]>, end: bool) -> Action {
        self.host.response_body(self.id, chunk.as_ref(), end)
    }

    pub fn response_trailers(&mut self, trailers: &[(&str, &str)]) -> Action {
        self.host
            .response_trailers(self.id, HeaderMap::from_pairs(trailers))
    }

    /// Sends a whole request: headers, each body chunk, trailers.
    pub fn send_request(&mut self, request: Request) -> &mut Self {
        let mut headers = HeaderMap::from_pairs(&request.headers);
        let body_len: usize = request.chunks.iter().map(Vec::len).sum();
        if request.content_length && body_len > 0 && headers.get("content-length").is_none() {
            headers.add("content-length", body_len.to_string().as_bytes());
        }
        let chunks: Vec<Vec<u8>> = request
            .chunks
            .into_iter()
            .filter(|c| !c.is_empty())
            .collect();
        let has_trailers = !request.trailers.is_empty();
        self.host
            .request_headers(self.id, headers, chunks.is_empty() && !has_trailers);
        let n = chunks.len();
        for (i, chunk) in chunks.iter().enumerate() {
            self.host
                .request_body(self.id, chunk, i + 1 == n && !has_trailers);
        }
        if has_trailers {
            self.host
                .request_trailers(self.id, HeaderMap::from_pairs(&request.trailers));
        }
        self
    }

    /// Sends a whole response from the upstream.
    #[track_caller]
    pub fn send_response(&mut self, response: Response) -> &mut Self {
        let mut headers = HeaderMap::from_pairs(&response.headers);
        let body_len: usize = response.chunks.iter().map(Vec::len).sum();
        if response.content_length && headers.get("content-length").is_none() {
            headers.add("content-length", body_len.to_string().as_bytes());
        }
        let chunks: Vec<Vec<u8>> = response
            .chunks
            .into_iter()
            .filter(|c| !c.is_empty())
            .collect();
        let has_trailers = !response.trailers.is_empty();
        self.host
            .response_headers(self.id, headers, chunks.is_empty() && !has_trailers);
        let n = chunks.len();
        for (i, chunk) in chunks.iter().enumerate() {
            self.host
                .response_body(self.id, chunk, i + 1 == n && !has_trailers);
        }
        if has_trailers {
            self.host
                .response_trailers(self.id, HeaderMap::from_pairs(&response.trailers));
        }
        self
    }

    pub fn advance(&mut self, by: Duration) -> &mut Self {
        self.host.advance(by);
        self
    }

    pub fn outcome(&self) -> &Outcome {
        self.host.outcome(self.id)
    }

    /// What reached the upstream.
    pub fn upstream(&self) -> &Forwarded {
        &self.outcome().upstream
    }

    /// What reached the client.
    pub fn downstream(&self) -> &Forwarded {
        &self.outcome().downstream
    }

    pub fn local_reply(&self) -> Option<&LocalReply> {
        self.outcome().local_reply.as_ref()
    }

    pub fn action(&self, phase: Phase) -> Option<Action> {
        self.outcome().action(phase)
    }

    /// Resets the stream from the client side.
    pub fn reset(&mut self) {
        self.host.reset(self.id);
    }
}
