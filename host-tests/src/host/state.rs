//! The host's state: what one VM (worker) holds in its wasmtime `Store`, and
//! what all VMs of one plugin share (shared data, queues, metrics, logs, the
//! virtual clock, outstanding calls).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use wasmtime::{Memory, TypedFunc};

/// proxy-wasm ABI status codes (`WasmResult` in Envoy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Status {
    Ok = 0,
    NotFound = 1,
    BadArgument = 2,
    ParseFailure = 4,
    InvalidMemoryAccess = 6,
    Empty = 7,
    CasMismatch = 8,
    InternalFailure = 10,
    BrokenConnection = 11,
    Unimplemented = 12,
}

/// Log levels as the proxy-wasm ABI numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
    Critical = 5,
}

impl LogLevel {
    pub(crate) fn from_u32(v: u32) -> Option<LogLevel> {
        Some(match v {
            0 => LogLevel::Trace,
            1 => LogLevel::Debug,
            2 => LogLevel::Info,
            3 => LogLevel::Warn,
            4 => LogLevel::Error,
            5 => LogLevel::Critical,
            _ => return None,
        })
    }
}

/// One line a filter logged (through `proxy_log`, or WASI stdout/stderr).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub worker: usize,
    pub level: LogLevel,
    pub message: String,
}

/// An ordered multimap of headers with lower-cased names, as Envoy keeps them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderMap(pub Vec<(String, Vec<u8>)>);

impl HeaderMap {
    pub fn from_pairs<K: AsRef<str>, V: AsRef<[u8]>>(pairs: &[(K, V)]) -> HeaderMap {
        HeaderMap(
            pairs
                .iter()
                .map(|(k, v)| (k.as_ref().to_ascii_lowercase(), v.as_ref().to_vec()))
                .collect(),
        )
    }
    /// The first value, as Envoy's `getHeaderMapValue` returns it.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        let name = name.to_ascii_lowercase();
        self.0
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_slice())
    }
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| std::str::from_utf8(v).ok())
    }
    pub fn get_all(&self, name: &str) -> Vec<&[u8]> {
        let name = name.to_ascii_lowercase();
        self.0
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.as_slice())
            .collect()
    }
    pub fn add(&mut self, name: &str, value: &[u8]) {
        self.0.push((name.to_ascii_lowercase(), value.to_vec()));
    }
    /// Envoy's `setCopy`: the first entry takes the value, the others go.
    pub fn replace(&mut self, name: &str, value: &[u8]) {
        let name = name.to_ascii_lowercase();
        match self.0.iter().position(|(k, _)| *k == name) {
            Some(first) => {
                let mut i = 0;
                self.0.retain(|(k, _)| {
                    let keep = *k != name || i == first;
                    i += 1;
                    keep
                });
                if let Some(entry) = self.0.iter_mut().find(|(k, _)| *k == name) {
                    entry.1 = value.to_vec();
                }
            }
            None => self.0.push((name, value.to_vec())),
        }
    }
    pub fn remove(&mut self, name: &str) {
        let name = name.to_ascii_lowercase();
        self.0.retain(|(k, _)| *k != name);
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Pairs as strings (values decoded lossily), for assertions.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned()))
            .collect()
    }
    /// proxy-wasm's map serialisation: count, (key len, value len)*, then
    /// each key and value followed by a NUL.
    pub(crate) fn serialize(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&(self.0.len() as u32).to_le_bytes());
        for (k, v) in &self.0 {
            out.extend_from_slice(&(k.len() as u32).to_le_bytes());
            out.extend_from_slice(&(v.len() as u32).to_le_bytes());
        }
        for (k, v) in &self.0 {
            out.extend_from_slice(k.as_bytes());
            out.push(0);
            out.extend_from_slice(v);
            out.push(0);
        }
        out
    }
    /// The inverse of [`HeaderMap::serialize`], with every length checked.
    pub(crate) fn deserialize(bytes: &[u8]) -> Option<HeaderMap> {
        if bytes.is_empty() {
            return Some(HeaderMap::default());
        }
        let u32_at = |at: usize| -> Option<usize> {
            let b = bytes.get(at..at.checked_add(4)?)?;
            Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        };
        let n = u32_at(0)?;
        let mut sizes = Vec::with_capacity(n.min(1024));
        let mut at = 4usize;
        for _ in 0..n {
            sizes.push((u32_at(at)?, u32_at(at + 4)?));
            at = at.checked_add(8)?;
        }
        let mut pairs = Vec::with_capacity(sizes.len());
        for (kl, vl) in sizes {
            let k = bytes.get(at..at.checked_add(kl)?)?;
            at = at.checked_add(kl)?.checked_add(1)?;
            let v = bytes.get(at..at.checked_add(vl)?)?;
            at = at.checked_add(vl)?.checked_add(1)?;
            pairs.push((String::from_utf8_lossy(k).to_ascii_lowercase(), v.to_vec()));
        }
        Some(HeaderMap(pairs))
    }
}

/// A metric as the filter defined it, with its current value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricValue {
    Counter(u64),
    Gauge(i64),
    Histogram(Vec<u64>),
}

#[derive(Debug, Clone)]
pub(crate) struct Metric {
    pub name: String,
    pub value: MetricValue,
}

/// A request the filter sent with `proxy_http_call`.
#[derive(Debug, Clone)]
pub struct HttpCall {
    pub token: u32,
    pub worker: usize,
    pub context_id: u32,
    pub cluster: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub trailers: HeaderMap,
    pub timeout: Duration,
    /// Virtual time (since the host started) at which it was sent.
    pub sent_at: Duration,
}

impl HttpCall {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get_str(name)
    }
    pub fn path(&self) -> Option<&str> {
        self.header(":path")
    }
}

/// A unary gRPC call the filter sent with `proxy_grpc_call`.
#[derive(Debug, Clone)]
pub struct GrpcCall {
    pub token: u32,
    pub worker: usize,
    pub context_id: u32,
    /// The `upstream` argument: a cluster name, or a serialised GrpcService.
    pub upstream: Vec<u8>,
    pub service: String,
    pub method: String,
    pub metadata: HeaderMap,
    pub message: Vec<u8>,
    pub timeout: Duration,
    pub sent_at: Duration,
}

/// How a scripted HTTP call ends.
#[derive(Debug, Clone)]
pub enum HttpCallOutcome {
    /// The cluster answered.
    Response {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        trailers: Vec<(String, String)>,
    },
    /// No answer within the call's timeout: Envoy's async client answers 504
    /// itself ("upstream request timeout").
    Timeout,
    /// The connection could not be made: Envoy's async client answers 503.
    ConnectionFailure,
    /// The stream was reset: the guest gets no headers and no body.
    Reset,
}

/// A scripted reply to an HTTP call: an outcome, delivered after `delay` of
/// virtual time (at once when zero, after the dispatching callback returns).
#[derive(Debug, Clone)]
pub struct HttpCallReply {
    pub outcome: HttpCallOutcome,
    pub delay: Duration,
}

impl HttpCallReply {
    pub fn ok(body: impl Into<Vec<u8>>) -> HttpCallReply {
        HttpCallReply::status(200, body)
    }
    pub fn status(status: u16, body: impl Into<Vec<u8>>) -> HttpCallReply {
        HttpCallReply {
            outcome: HttpCallOutcome::Response {
                status,
                headers: Vec::new(),
                body: body.into(),
                trailers: Vec::new(),
            },
            delay: Duration::ZERO,
        }
    }
    pub fn timeout() -> HttpCallReply {
        HttpCallReply {
            outcome: HttpCallOutcome::Timeout,
            delay: Duration::ZERO,
        }
    }
    pub fn connection_failure() -> HttpCallReply {
        HttpCallReply {
            outcome: HttpCallOutcome::ConnectionFailure,
            delay: Duration::ZERO,
        }
    }
    pub fn reset() -> HttpCallReply {
        HttpCallReply {
            outcome: HttpCallOutcome::Reset,
            delay: Duration::ZERO,
        }
    }
    pub fn header(mut self, name: &str, value: &str) -> HttpCallReply {
        if let HttpCallOutcome::Response { headers, .. } = &mut self.outcome {
            headers.push((name.to_ascii_lowercase(), value.to_string()));
        }
        self
    }
    pub fn delay(mut self, delay: Duration) -> HttpCallReply {
        self.delay = delay;
        self
    }
}

/// A scripted reply to a unary gRPC call.
#[derive(Debug, Clone)]
pub struct GrpcCallReply {
    /// gRPC status code (0 = OK).
    pub status: u32,
    pub message: Vec<u8>,
    /// The status message a failed call reports through `proxy_get_status`.
    pub status_message: String,
    pub delay: Duration,
    /// Never answered: the call times out (DEADLINE_EXCEEDED) after its timeout.
    pub timeout: bool,
}

impl GrpcCallReply {
    pub fn ok(message: impl Into<Vec<u8>>) -> GrpcCallReply {
        GrpcCallReply {
            status: 0,
            message: message.into(),
            status_message: String::new(),
            delay: Duration::ZERO,
            timeout: false,
        }
    }
    pub fn error(status: u32, status_message: &str) -> GrpcCallReply {
        GrpcCallReply {
            status,
            message: Vec::new(),
            status_message: status_message.to_string(),
            delay: Duration::ZERO,
            timeout: false,
        }
    }
    /// The service is down: UNAVAILABLE (14), as Envoy reports a failed connection.
    pub fn unavailable() -> GrpcCallReply {
        GrpcCallReply::error(
            14,
            "upstream connect error or disconnect/reset before headers",
        )
    }
    pub fn timeout() -> GrpcCallReply {
        GrpcCallReply {
            timeout: true,
            ..GrpcCallReply::error(4, "timeout")
        }
    }
    pub fn delay(mut self, delay: Duration) -> GrpcCallReply {
        self.delay = delay;
        self
    }
}

pub(crate) type HttpResponder = Box<dyn Fn(&HttpCall) -> Option<HttpCallReply> + Send>;
pub(crate) type GrpcResponder = Box<dyn Fn(&GrpcCall) -> Option<GrpcCallReply> + Send>;

/// Something due at a virtual time: a call reply or a call timeout.
#[derive(Debug, Clone)]
pub(crate) enum Due {
    Http(u32, HttpCallOutcome),
    Grpc(u32, GrpcCallReply),
}

/// What every VM of one plugin shares, as Envoy shares it across workers.
#[derive(Default)]
pub(crate) struct Shared {
    /// Virtual time since the host started.
    pub elapsed: Duration,
    /// Wall-clock time at `elapsed == 0`, in nanoseconds since the epoch.
    pub epoch_nanos: u64,
    pub shared_data: HashMap<Vec<u8>, (Vec<u8>, u32)>,
    pub next_cas: u32,
    /// (vm_id, name) → queue id; queue id → (owning worker, messages).
    pub queue_ids: HashMap<(String, String), u32>,
    pub queues: BTreeMap<u32, (usize, std::collections::VecDeque<Vec<u8>>)>,
    pub queue_ready: Vec<(usize, u32)>,
    pub metrics: Vec<Metric>,
    pub logs: Vec<LogLine>,
    pub next_token: u32,
    pub http_calls: BTreeMap<u32, HttpCall>,
    pub grpc_calls: BTreeMap<u32, GrpcCall>,
    pub http_responders: Vec<HttpResponder>,
    pub grpc_responders: Vec<GrpcResponder>,
    /// (due at, what) in insertion order; delivered in time order.
    pub due: Vec<(Duration, Due)>,
    pub clusters: Vec<String>,
    pub trace: Option<Vec<HostCallRecord>>,
}

/// One host call, recorded when strict call tracing is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostCallRecord {
    pub worker: usize,
    pub context_id: u32,
    pub name: &'static str,
    pub status: u32,
}

pub(crate) type SharedRef = Arc<Mutex<Shared>>;

pub(crate) fn lock(shared: &SharedRef) -> MutexGuard<'_, Shared> {
    // A poisoned lock means a test already panicked; its data is still the
    // best evidence we have, so keep going.
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// A local reply the filter asked for with `proxy_send_local_response`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalReply {
    pub status: u16,
    pub details: String,
    pub body: Vec<u8>,
    pub headers: HeaderMap,
    pub grpc_status: i32,
}

/// One direction of an HTTP stream as the filter sees it.
#[derive(Debug, Default, Clone)]
pub(crate) struct Direction {
    pub headers: HeaderMap,
    pub trailers: HeaderMap,
    /// Body bytes received from the peer that the filter has not let through
    /// yet (the current chunk, plus what Envoy buffered after a `Pause`).
    pub buffer: Vec<u8>,
    pub headers_received: bool,
    /// The headers carried end of stream (no body).
    pub headers_end: bool,
    pub end_received: bool,
    pub trailers_received: bool,
    /// Headers have gone on to the next hop.
    pub headers_forwarded: bool,
    /// The end of stream has gone on to the next hop.
    pub end_forwarded: bool,
    /// Iteration is stopped: the filter paused and has not resumed.
    pub stopped: bool,
    /// The headers callback paused: Envoy maps that to
    /// StopAllIterationAndWatermark, buffering body chunks without calling
    /// the filter until it resumes.
    pub stopped_all: bool,
    /// The filter asked to resume (`proxy_continue_stream`).
    pub resume_requested: bool,
}

/// Per-stream state a VM keeps.
#[derive(Debug, Default, Clone)]
pub(crate) struct StreamState {
    pub request: Direction,
    pub response: Direction,
    pub local_reply: Option<LocalReply>,
    pub local_reply_pending: Option<LocalReply>,
    pub reset_requested: bool,
    /// Properties set by the test for this stream, and by the filter.
    pub properties: HashMap<String, Vec<u8>>,
}

/// What a callback may read besides the stream: the body and headers of an
/// HTTP call reply, a gRPC message, foreign-function arguments.
#[derive(Debug, Default)]
pub(crate) struct CallbackScope {
    pub http_call_headers: Option<HeaderMap>,
    pub http_call_body: Option<Vec<u8>>,
    pub http_call_trailers: Option<HeaderMap>,
    pub grpc_receive: Option<Vec<u8>>,
}

/// Everything one VM holds; the data of its wasmtime `Store`.
pub(crate) struct VmState {
    pub shared: SharedRef,
    pub worker: usize,
    pub vm_id: String,
    pub plugin_configuration: Vec<u8>,
    pub vm_configuration: Vec<u8>,
    pub env: Vec<(String, String)>,
    pub args: Vec<String>,
    pub root_context_id: u32,
    pub effective_context: u32,
    pub streams: HashMap<u32, StreamState>,
    pub scope: CallbackScope,
    pub status: (u32, Vec<u8>),
    pub tick_period: Option<Duration>,
    pub next_tick: Duration,
    pub rng: u64,
    pub log_level: LogLevel,
    pub properties: HashMap<String, Vec<u8>>,
    /// Envoy's `allow_on_headers_stop_iteration` plugin option.
    pub allow_headers_stop_iteration: bool,
    pub memory: Option<Memory>,
    pub alloc: Option<TypedFunc<u32, u32>>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub exit_code: Option<u32>,
    pub done_called: bool,
}

impl VmState {
    pub(crate) fn stream(&mut self) -> Option<&mut StreamState> {
        let id = self.effective_context;
        self.streams.get_mut(&id)
    }

    pub(crate) fn log(&mut self, level: LogLevel, message: String) {
        lock(&self.shared).logs.push(LogLine {
            worker: self.worker,
            level,
            message,
        });
    }

    /// splitmix64: deterministic per seed, good enough for hash-map keys.
    pub(crate) fn next_random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The property path as the guest serialises it: segments joined by NUL.
pub(crate) fn property_key(segments: &[&str]) -> String {
    segments.join("\0")
}
