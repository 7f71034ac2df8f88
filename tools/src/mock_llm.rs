//! `MockLlm`: a **test double** of an OpenAI-, Anthropic-, Ollama-,
//! Gemini-, Bedrock- and model-server-compatible LLM upstream. It generates nothing: it answers every request with a canned
//! completion, shaped exactly like the real APIs, so the filters' parsers,
//! usage accounting and stream handling meet the same bytes they meet in
//! production.
//!
//! ```no_run
//! use tollgate_tools::{http_client, mock_llm::MockLlm};
//! let llm = MockLlm::start()?;
//! let resp = http_client::post_json(&llm.url("/v1/chat/completions"), &[("x-mock-content", "hi")],
//!     &serde_json::json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "ping"}]}))?;
//! assert_eq!(resp.json()?["choices"][0]["message"]["content"], "hi");
//! assert_eq!(llm.last_request().map(|r| r.path), Some("/v1/chat/completions".to_string()));
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! A std-only threaded HTTP/1.1 server: one thread per connection,
//! keep-alive, request bodies framed by content-length or chunked encoding.
//! Every request is recorded before it is answered.
//!
//! # Routes
//! | route | answer |
//! |---|---|
//! | `POST /v1/chat/completions` | OpenAI `chat.completion`, or `chat.completion.chunk` SSE |
//! | `POST /v1/completions` | OpenAI `text_completion` (JSON or SSE) |
//! | `POST /v1/embeddings` | OpenAI `list` of `embedding`s: deterministic unit vectors, 8 dims (or `dimensions`), floats or `encoding_format: "base64"` |
//! | `POST /v1/responses` | OpenAI `response` (JSON or SSE `response.*` events) |
//! | `POST /v1/messages` | Anthropic `message` (JSON or SSE with `event:` lines) |
//! | `POST /v1/messages/count_tokens` | Anthropic `{"input_tokens"}` |
//! | `GET /v1/models`, `GET /v1/models/{id}` | OpenAI model list / model |
//! | `POST /v1/files` (multipart) | an OpenAI `file` object (the content is not kept) |
//! | `POST /v1/batches`, `POST /v1/messages/batches` | an OpenAI `batch` / Anthropic `message_batch` object |
//! | `POST /v1/responses` with `"background": true` | a `queued` response without usage; `GET /v1/responses/{id}` then returns it completed, with usage |
//! | `POST /api/chat`, `POST /api/generate` | Ollama (JSON, or NDJSON lines when `stream` is absent or true: Ollama's default), counts in the final object |
//! | `POST /api/embed`, `POST /api/embeddings`, `GET /api/tags` | Ollama embeddings and model list |
//! | `POST …/models/{m}:generateContent`, `:streamGenerateContent` | Gemini (JSON, or SSE chunks with the running `usageMetadata`) |
//! | `POST …/models/{m}:embedContent`, `:batchEmbedContents`, `:countTokens` | Gemini embeddings and token count |
//! | `POST /model/{id}/converse`, `converse-stream` | Bedrock Converse (JSON, or an AWS event stream: `messageStart`, `contentBlockDelta`…, `metadata` with usage) |
//! | `POST /model/{id}/invoke`, `invoke-with-response-stream` | Bedrock InvokeModel: Claude's Messages shape for a body with `anthropic_version` (streamed as `chunk` events of base64 Anthropic events, the last with `amazon-bedrock-invocationMetrics`), else Llama's `generation` shape |
//! | `POST …/tokenize` | vLLM's and llama.cpp's tokenizer: `{"count","max_model_len","tokens"}` |
//! | any `/__mock/echo[/...]` | 200 `{"method","path","headers":{..},"body":"<utf8 lossy>"}` |
//! | `GET /healthz` | 200 `ok` |
//! | anything else | 404 in OpenAI's error shape (Anthropic's under `/v1/messages`) |
//!
//! Paths are routed by their end after a lenient normalisation (percent
//! decoding, dot segments, repeated slashes), as servers behind gateways
//! are reached: `/chat/completions`, `/openai/deployments/d/chat/completions`
//! and `/v1beta/openai/chat/completions` are chat completions.
//!
//! `"stream": true` (or `"true"`, as pydantic reads it) in the request body selects SSE (`text/event-stream;
//! charset=utf-8`, chunked, one HTTP chunk per event, flushed at once). OpenAI
//! streams send a usage chunk (`"choices":[]`) only if
//! `stream_options.include_usage` is true, and then `"usage":null` on every
//! other chunk, as OpenAI does.
//!
//! # Token counts
//! Deterministic stand-ins for a tokenizer: prompt tokens = ceil(chars of all
//! prompt text / 4), completion tokens = ceil(chars of the completion / 4).
//! Prompt text is every string reached through `messages[].content` (strings,
//! or parts' `text`), Anthropic `system`, Responses `instructions` and
//! `input`, completions `prompt`, embeddings `input`; a pre-tokenized prompt
//! (an array of token ids) counts one token per id. Anthropic's
//! `message_start` carries `output_tokens: 1` and `message_delta` the
//! cumulative total, as the real API does. A request's `max_tokens`
//! (`max_completion_tokens`, `max_output_tokens`) truncates the completion to
//! that many tokens' worth of chars and reports `length` / `max_tokens` /
//! `incomplete`.
//!
//! # Controls (request headers, so they pass through Envoy)
//! | header | effect |
//! |---|---|
//! | `x-mock-content` | the completion text (default [`DEFAULT_CONTENT`]) |
//! | `x-mock-chunk-size` | chars per streamed delta (default 8) |
//! | `x-mock-stream-bytes` | write a stream in HTTP chunks of this many bytes, cut anywhere: inside an event, a line, an event stream message's prelude, a UTF-8 character |
//! | `x-mock-delay-ms` | sleep before the reply and between SSE events (default 0) |
//! | `x-mock-status` | reply with this status (≥ 400) and the provider's error body; 429 adds `retry-after: 1` |
//! | `x-mock-usage` | `none` omits usage everywhere; `<prompt>,<completion>` overrides the counts |
//!
//! `POST /__mock/guard` is a test double of an external guard for `inspect`
//! (see [`guard`]); `GET /__mock/jwks` serves the key set given to
//! [`MockLlm::set_jwks`] (a test double of an identity provider).
//!
//! A malformed control or request body is answered with a 400 in the
//! provider's error shape: a test double should be loud.

// Test infrastructure runs natively: it needs the real clock.
#![allow(clippy::disallowed_methods)]

use crate::http_client::{find_header, read_chunked, read_head, write_chunk, MAX_BODY};
use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};
use std::io::{BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The completion text when `x-mock-content` is absent.
pub const DEFAULT_CONTENT: &str = "Hello! This is the Tollgate mock LLM.";
/// Chars per streamed delta when `x-mock-chunk-size` is absent.
pub const DEFAULT_CHUNK_SIZE: usize = 8;
/// Embedding dimensions when the request has no `dimensions`.
pub const DEFAULT_EMBEDDING_DIMS: usize = 8;
/// The model echoed when a request names none.
pub const DEFAULT_MODEL: &str = "mock-model";
/// Models listed by `GET /v1/models`.
pub const MODELS: &[&str] = &[
    "gpt-4o-mini",
    "gpt-4o",
    "text-embedding-3-small",
    "claude-3-5-haiku-latest",
    "claude-sonnet-4-5",
];

/// A request as the mock received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// The request target as sent, query included.
    pub path: String,
    /// Names lowercased, in order received.
    pub headers: Vec<(String, String)>,
    /// De-chunked.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<Value> {
        serde_json::from_slice(&self.body).with_context(|| {
            format!(
                "{} {}: body is not JSON: {:?}",
                self.method,
                self.path,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// The mock server; stops accepting and joins its threads when dropped.
#[derive(Debug)]
pub struct MockLlm {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

#[derive(Debug)]
struct Shared {
    stop: AtomicBool,
    recording: AtomicBool,
    logging: AtomicBool,
    next_id: AtomicU64,
    requests: Mutex<Vec<RecordedRequest>>,
    arrived: Condvar,
    /// Open connections: a clone of the socket (to shut it down on drop) and
    /// the thread serving it.
    conns: Mutex<Vec<(TcpStream, JoinHandle<()>)>>,
    /// What `GET /__mock/jwks` serves (a test double of an identity
    /// provider's key set); 404 until set.
    jwks: Mutex<Option<Value>>,
    /// Background responses, by id: what a later retrieve returns.
    background: Mutex<std::collections::HashMap<String, Value>>,
}

/// Locks, recovering from a poisoned lock (a panicking test thread must not
/// turn every later assertion into a poison error).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl MockLlm {
    /// Starts on `127.0.0.1:0` (a free port).
    pub fn start() -> Result<MockLlm> {
        Self::start_on("127.0.0.1:0")
    }

    /// Starts on `addr`, e.g. `127.0.0.1:8081`.
    pub fn start_on(addr: &str) -> Result<MockLlm> {
        let listener = TcpListener::bind(addr).with_context(|| format!("binding {addr}"))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            recording: AtomicBool::new(true),
            logging: AtomicBool::new(false),
            next_id: AtomicU64::new(1),
            requests: Mutex::new(Vec::new()),
            arrived: Condvar::new(),
            conns: Mutex::new(Vec::new()),
            jwks: Mutex::new(None),
            background: Mutex::new(std::collections::HashMap::new()),
        });
        let accept_shared = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name(format!("mock-llm-accept-{}", addr.port()))
            .spawn(move || accept_loop(listener, accept_shared))
            .context("spawning the accept thread")?;
        Ok(MockLlm {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Everything received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// The latest request received.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        lock(&self.shared.requests).last().cloned()
    }

    /// Waits until at least `n` requests have arrived or `timeout` passes,
    /// then returns all of them (possibly fewer than `n`: assert on it).
    pub fn wait_for_requests(&self, n: usize, timeout: Duration) -> Vec<RecordedRequest> {
        let deadline = Instant::now().checked_add(timeout);
        let mut requests = lock(&self.shared.requests);
        while requests.len() < n {
            let left = match deadline {
                Some(d) => d.saturating_duration_since(Instant::now()),
                None => Duration::from_secs(3600),
            };
            if left.is_zero() {
                break;
            }
            requests = match self.shared.arrived.wait_timeout(requests, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        requests.clone()
    }

    /// Forgets the requests recorded so far.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// Turns recording on (the default) or off; load generation turns it off
    /// so memory stays flat.
    pub fn set_recording(&self, on: bool) {
        self.shared.recording.store(on, Ordering::SeqCst);
    }

    /// Logs `method path status` of each request to stderr (off by default).
    pub fn set_logging(&self, on: bool) {
        self.shared.logging.store(on, Ordering::SeqCst);
    }

    /// Serve `jwks` at `GET /__mock/jwks` (an identity provider's key set,
    /// for `auth`'s remote JWKS); `None` makes it a 503, as an outage.
    pub fn set_jwks(&self, jwks: Option<Value>) {
        *lock(&self.shared.jwks) = jwks;
    }
}

impl Drop for MockLlm {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept() so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        let conns = std::mem::take(&mut *lock(&self.shared.conns));
        for (stream, handle) in conns {
            let _ = stream.shutdown(Shutdown::Both);
            let _ = handle.join();
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let Ok(clone) = stream.try_clone() else {
            continue;
        };
        let conn_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("mock-llm-conn".into())
            .spawn(move || {
                // A broken connection only ends that connection.
                let _ = serve_connection(stream, &conn_shared);
            });
        if let Ok(handle) = spawned {
            let mut conns = lock(&shared.conns);
            conns.retain(|(_, h)| !h.is_finished());
            conns.push((clone, handle));
        }
    }
}

fn serve_connection(stream: TcpStream, shared: &Shared) -> Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let Some(head) = read_head(&mut reader)? else {
            return Ok(());
        };
        let mut parts = head.start_line.split_whitespace();
        let (method, path, version) = match (parts.next(), parts.next(), parts.next()) {
            (Some(m), Some(p), Some(v)) => (m.to_string(), p.to_string(), v.to_string()),
            _ => bail!("bad request line {:?}", head.start_line),
        };
        if find_header(&head.headers, "expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
        {
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            writer.flush()?;
        }
        let mut body = Vec::new();
        if find_header(&head.headers, "transfer-encoding")
            .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"))
        {
            let forever = Instant::now()
                .checked_add(Duration::from_secs(24 * 3600))
                .ok_or_else(|| anyhow!("clock overflow"))?;
            read_chunked(&mut reader, forever, |c| body.extend_from_slice(c))?;
        } else if let Some(len) = find_header(&head.headers, "content-length") {
            let len: usize = len.trim().parse().context("bad content-length")?;
            if len > MAX_BODY {
                bail!("request body of {len} bytes is over the limit");
            }
            body = vec![0; len];
            reader.read_exact(&mut body)?;
        }
        let connection = find_header(&head.headers, "connection").map(str::to_ascii_lowercase);
        let keep_alive = if version == "HTTP/1.0" {
            connection.as_deref() == Some("keep-alive")
        } else {
            connection.as_deref() != Some("close")
        };
        let request = RecordedRequest {
            method,
            path,
            headers: head.headers,
            body,
        };
        if shared.recording.load(Ordering::SeqCst) {
            lock(&shared.requests).push(request.clone());
            shared.arrived.notify_all();
        }
        let (reply, delay) = respond(&request, shared);
        let status = reply.status();
        if shared.logging.load(Ordering::SeqCst) {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("{} {} {}", request.method, request.path, status);
            }
        }
        write_reply(&mut writer, reply, delay, keep_alive)?;
        if !keep_alive {
            let _ = writer.shutdown(Shutdown::Write);
            return Ok(());
        }
    }
}

/// What to send back.
#[derive(Debug)]
enum Reply {
    Json {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Value,
    },
    Text {
        status: u16,
        body: String,
    },
    /// Formatted events, one HTTP chunk each.
    Sse(Vec<String>),
    /// JSON lines (Ollama), one HTTP chunk each.
    Ndjson(Vec<String>),
    /// AWS event stream messages (Bedrock), one HTTP chunk each.
    EventStream(Vec<Vec<u8>>),
    /// A stream re-cut at arbitrary bytes (`x-mock-stream-bytes`).
    Bytes {
        content_type: &'static str,
        chunks: Vec<Vec<u8>>,
    },
}

impl Reply {
    fn status(&self) -> u16 {
        match self {
            Reply::Json { status, .. } | Reply::Text { status, .. } => *status,
            Reply::Sse(_) | Reply::Ndjson(_) | Reply::EventStream(_) | Reply::Bytes { .. } => 200,
        }
    }

    /// A streamed reply's content type and chunks (`None`: not a stream).
    fn stream_parts(self) -> std::result::Result<(&'static str, Vec<Vec<u8>>), Reply> {
        match self {
            Reply::Sse(events) | Reply::Ndjson(events) => {
                let ct = if events.first().is_some_and(|e| e.starts_with('{')) {
                    "application/x-ndjson"
                } else {
                    "text/event-stream; charset=utf-8"
                };
                Ok((ct, events.into_iter().map(String::into_bytes).collect()))
            }
            Reply::EventStream(messages) => Ok(("application/vnd.amazon.eventstream", messages)),
            Reply::Bytes {
                content_type,
                chunks,
            } => Ok((content_type, chunks)),
            other => Err(other),
        }
    }

    /// The same stream cut into `n`-byte chunks.
    fn recut(self, n: usize) -> Reply {
        match self.stream_parts() {
            Ok((content_type, chunks)) => Reply::Bytes {
                content_type,
                chunks: chunks.concat().chunks(n).map(<[u8]>::to_vec).collect(),
            },
            Err(other) => other,
        }
    }

    fn json(body: Value) -> Reply {
        Reply::Json {
            status: 200,
            headers: Vec::new(),
            body,
        }
    }
}

fn write_reply(w: &mut TcpStream, reply: Reply, delay: Duration, keep_alive: bool) -> Result<()> {
    if !delay.is_zero() {
        std::thread::sleep(delay);
    }
    let connection = if keep_alive { "keep-alive" } else { "close" };
    match reply {
        Reply::Json {
            status,
            headers,
            body,
        } => {
            let body = body.to_string();
            let mut out = format!(
                "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: {connection}\r\n",
                reason(status),
                body.len()
            );
            for (name, value) in headers {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
            out.push_str("\r\n");
            out.push_str(&body);
            w.write_all(out.as_bytes())?;
            w.flush()?;
        }
        Reply::Text { status, body } => {
            let out = format!(
                "HTTP/1.1 {status} {}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: {connection}\r\n\r\n{body}",
                reason(status),
                body.len()
            );
            w.write_all(out.as_bytes())?;
            w.flush()?;
        }
        stream => {
            if let Ok((ct, chunks)) = stream.stream_parts() {
                write_stream(w, ct, &chunks, delay, connection)?;
            }
        }
    }
    Ok(())
}

/// A chunked streaming reply: one HTTP chunk per event, `delay` apart.
fn write_stream(
    w: &mut TcpStream,
    ct: &str,
    events: &[Vec<u8>],
    delay: Duration,
    connection: &str,
) -> Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {ct}\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\nconnection: {connection}\r\n\r\n"
    );
    w.write_all(head.as_bytes())?;
    w.flush()?;
    for (i, event) in events.iter().enumerate() {
        if i > 0 && !delay.is_zero() {
            std::thread::sleep(delay);
        }
        write_chunk(w, event)?;
    }
    w.write_all(b"0\r\n\r\n")?;
    w.flush()?;
    Ok(())
}

/// One AWS event stream message (the mock's own encoder: a test double
/// does not borrow the product's): string headers `:event-type` (or
/// `:exception-type`), `:content-type`, `:message-type`, then the payload,
/// with the prelude's and the message's CRC-32.
fn aws_event(event_type: &str, payload: &Value) -> Vec<u8> {
    let payload = payload.to_string().into_bytes();
    let mut headers = Vec::new();
    for (name, value) in [
        (":event-type", event_type),
        (":content-type", "application/json"),
        (":message-type", "event"),
    ] {
        headers.push(name.len() as u8);
        headers.extend_from_slice(name.as_bytes());
        headers.push(7);
        headers.extend_from_slice(&(value.len() as u16).to_be_bytes());
        headers.extend_from_slice(value.as_bytes());
    }
    let total = 12 + headers.len() + payload.len() + 4;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&(headers.len() as u32).to_be_bytes());
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    out.extend_from_slice(&headers);
    out.extend_from_slice(&payload);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        529 => "Overloaded",
        _ => "Status",
    }
}

/// Which provider's error shape a route uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavor {
    OpenAi,
    Anthropic,
    Ollama,
    Gemini,
    Bedrock,
}

/// The LLM endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Api {
    Chat,
    Completions,
    Embeddings,
    Responses,
    Messages,
    CountTokens,
    MessageBatches,
    Files,
    Batches,
    OllamaChat,
    OllamaGenerate,
    OllamaEmbed,
    OllamaEmbeddings,
    OllamaTags,
    GeminiGenerate,
    GeminiStream,
    GeminiEmbed,
    GeminiCountTokens,
    Tgi,
    TgiStream,
    Llama,
    TritonInfer,
    TritonGenerate,
    TritonGenerateStream,
    BedrockConverse,
    BedrockConverseStream,
    BedrockInvoke,
    BedrockInvokeStream,
    Tokenize,
}

impl Api {
    /// Routes by the end of the path, after the lenient normalisation most
    /// servers apply ([`lenient_path`]): `/chat/completions`,
    /// `/openai/deployments/d/chat/completions`, `/v1beta/openai/…` all
    /// reach the same handler, as they do behind real gateways.
    fn from_path(path: &str) -> Option<Api> {
        let p = lenient_path(path);
        let ends = |suffix: &str| p == suffix || p.ends_with(&format!("/{suffix}"));
        let bedrock = p.starts_with("model/") || p.contains("/model/");
        Some(if ends("tokenize") {
            Api::Tokenize
        } else if bedrock && ends("converse") {
            Api::BedrockConverse
        } else if bedrock && ends("converse-stream") {
            Api::BedrockConverseStream
        } else if bedrock && ends("invoke") {
            Api::BedrockInvoke
        } else if bedrock && ends("invoke-with-response-stream") {
            Api::BedrockInvokeStream
        } else if p.is_empty()
            || ends("generate") && !p.contains("models/") && !ends("api/generate")
        {
            // TGI: `POST /` (stream or not as the body says) and `/generate`.
            Api::Tgi
        } else if ends("generate_stream") && !p.contains("models/") {
            Api::TgiStream
        } else if ends("completion") || ends("infill") {
            Api::Llama
        } else if p.contains("models/") && ends("infer") {
            Api::TritonInfer
        } else if p.contains("models/") && ends("generate_stream") {
            Api::TritonGenerateStream
        } else if p.contains("models/") && ends("generate") {
            Api::TritonGenerate
        } else if ends("api/chat") {
            Api::OllamaChat
        } else if ends("api/generate") {
            Api::OllamaGenerate
        } else if ends("api/embed") {
            Api::OllamaEmbed
        } else if ends("api/embeddings") {
            Api::OllamaEmbeddings
        } else if ends("api/tags") {
            Api::OllamaTags
        } else if p.ends_with(":generateContent") {
            Api::GeminiGenerate
        } else if p.ends_with(":streamGenerateContent") {
            Api::GeminiStream
        } else if p.ends_with(":embedContent") || p.ends_with(":batchEmbedContents") {
            Api::GeminiEmbed
        } else if p.ends_with(":countTokens") {
            Api::GeminiCountTokens
        } else if ends("chat/completions") {
            Api::Chat
        } else if ends("completions") {
            Api::Completions
        } else if ends("embeddings") {
            Api::Embeddings
        } else if ends("responses") {
            Api::Responses
        } else if ends("messages/count_tokens") {
            Api::CountTokens
        } else if ends("messages/batches") {
            Api::MessageBatches
        } else if ends("messages") && !p.contains("/threads/") {
            Api::Messages
        } else if ends("files") {
            Api::Files
        } else if ends("batches") {
            Api::Batches
        } else {
            return None;
        })
    }

    fn flavor(self) -> Flavor {
        match self {
            Api::Messages | Api::CountTokens | Api::MessageBatches => Flavor::Anthropic,
            Api::OllamaChat
            | Api::OllamaGenerate
            | Api::OllamaEmbed
            | Api::OllamaEmbeddings
            | Api::OllamaTags => Flavor::Ollama,
            Api::GeminiGenerate | Api::GeminiStream | Api::GeminiEmbed | Api::GeminiCountTokens => {
                Flavor::Gemini
            }
            Api::Tgi
            | Api::TgiStream
            | Api::Llama
            | Api::TritonInfer
            | Api::TritonGenerate
            | Api::TritonGenerateStream => Flavor::Ollama,
            Api::BedrockConverse
            | Api::BedrockConverseStream
            | Api::BedrockInvoke
            | Api::BedrockInvokeStream => Flavor::Bedrock,
            _ => Flavor::OpenAi,
        }
    }

    /// Whether a body that says nothing about `stream` streams (Ollama).
    fn streams_by_default(self) -> bool {
        matches!(self, Api::OllamaChat | Api::OllamaGenerate)
    }
}

/// The path as a lenient server reads it: percent-decoded, repeated slashes
/// and dot segments removed, without a leading slash.
fn lenient_path(path: &str) -> String {
    let mut bytes = Vec::new();
    let raw = path.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 2 < raw.len() {
            if let Ok(b) = u8::from_str_radix(path.get(i + 1..i + 3).unwrap_or("zz"), 16) {
                bytes.push(b);
                i += 3;
                continue;
            }
        }
        bytes.push(raw[i]);
        i += 1;
    }
    let decoded = String::from_utf8_lossy(&bytes).into_owned();
    let mut segs: Vec<&str> = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    segs.join("/")
}

/// What the `x-mock-usage` header asked for.
#[derive(Clone, Copy, Debug)]
enum UsageCtl {
    Computed,
    Omitted,
    Fixed(u64, u64),
}

/// The `x-mock-*` controls of one request.
#[derive(Debug)]
struct Controls {
    content: String,
    chunk_size: usize,
    /// Re-cut a stream's bytes into HTTP chunks of this many bytes, across
    /// event, line, message and UTF-8 boundaries.
    stream_bytes: Option<usize>,
    status: Option<u16>,
    usage: UsageCtl,
}

/// Reads the controls; the error message names the bad header.
fn controls(req: &RecordedRequest) -> std::result::Result<(Controls, Duration), String> {
    let content = req
        .header("x-mock-content")
        .map_or_else(|| DEFAULT_CONTENT.to_string(), str::to_string);
    let chunk_size = match req.header("x-mock-chunk-size") {
        None => DEFAULT_CHUNK_SIZE,
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                return Err(format!(
                    "x-mock-chunk-size: expected a positive integer, got {v:?}"
                ))
            }
        },
    };
    let delay = match req.header("x-mock-delay-ms") {
        None => Duration::ZERO,
        Some(v) => match v.trim().parse::<u64>() {
            Ok(ms) => Duration::from_millis(ms),
            _ => return Err(format!("x-mock-delay-ms: expected milliseconds, got {v:?}")),
        },
    };
    let status = match req.header("x-mock-status") {
        None => None,
        Some(v) => match v.trim().parse::<u16>() {
            Ok(s) if (400..=599).contains(&s) => Some(s),
            _ => {
                return Err(format!(
                    "x-mock-status: expected a status 400..=599, got {v:?}"
                ))
            }
        },
    };
    let stream_bytes = match req.header("x-mock-stream-bytes") {
        None => None,
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                return Err(format!(
                    "x-mock-stream-bytes: expected a positive integer, got {v:?}"
                ))
            }
        },
    };
    let usage = match req.header("x-mock-usage").map(str::trim) {
        None => UsageCtl::Computed,
        Some("none") => UsageCtl::Omitted,
        Some(v) => {
            let parsed = v.split_once(',').and_then(|(p, c)| {
                Some((p.trim().parse::<u64>().ok()?, c.trim().parse::<u64>().ok()?))
            });
            match parsed {
                Some((p, c)) => UsageCtl::Fixed(p, c),
                None => {
                    return Err(format!(
                        "x-mock-usage: expected `none` or `<prompt>,<completion>`, got {v:?}"
                    ))
                }
            }
        }
    };
    Ok((
        Controls {
            content,
            chunk_size,
            stream_bytes,
            status,
            usage,
        },
        delay,
    ))
}

/// Routes a request to its reply and the delay to apply.
fn respond(req: &RecordedRequest, shared: &Shared) -> (Reply, Duration) {
    let path = req.path.split('?').next().unwrap_or("");
    let method = req.method.as_str();
    if path == "/__mock/echo" || path.starts_with("/__mock/echo/") {
        return (echo(req), Duration::ZERO);
    }
    if path == "/__mock/jwks" && method == "GET" {
        return (
            match lock(&shared.jwks).clone() {
                Some(jwks) => Reply::json(jwks),
                None => Reply::Text {
                    status: 503,
                    body: "no key set".into(),
                },
            },
            Duration::ZERO,
        );
    }
    if path == "/__mock/guard" && method == "POST" {
        return (guard(req), Duration::ZERO);
    }
    if path == "/healthz" && method == "GET" {
        return (
            Reply::Text {
                status: 200,
                body: "ok".into(),
            },
            Duration::ZERO,
        );
    }
    let lenient = lenient_path(path);
    if method == "GET" {
        if let Some(id) = lenient
            .rsplit_once("responses/")
            .map(|(_, id)| id.to_string())
        {
            // A retrieve of a background response: done by now.
            return match lock(&shared.background).get(&id).cloned() {
                Some(v) => (Reply::json(v), Duration::ZERO),
                None => (
                    error_reply(Flavor::OpenAi, 404, &format!("No response with id '{id}'")),
                    Duration::ZERO,
                ),
            };
        }
    }
    let api = Api::from_path(path);
    let is_models = api.is_none() && (path == "/v1/models" || path.starts_with("/v1/models/"));
    let flavor = match api {
        Some(api) => api.flavor(),
        None if path.starts_with("/v1/messages") => Flavor::Anthropic,
        None => Flavor::OpenAi,
    };
    if api.is_none() && !is_models {
        let message = format!("Invalid URL ({method} {path})");
        return (error_reply(flavor, 404, &message), Duration::ZERO);
    }
    let (ctl, delay) = match controls(req) {
        Ok(c) => c,
        Err(message) => return (error_reply(flavor, 400, &message), Duration::ZERO),
    };
    if let Some(status) = ctl.status {
        let message = format!("Mock error: status {status} requested by x-mock-status");
        return (error_reply(flavor, status, &message), delay);
    }
    let want = if is_models || api == Some(Api::OllamaTags) {
        "GET"
    } else {
        "POST"
    };
    if api == Some(Api::OllamaTags) && method == "GET" {
        return (
            Reply::json(
                json!({"models": [{"name": "llama3.2:latest", "model": "llama3.2:latest",
                "size": 2_019_393_189u64, "digest": "mock", "details": {"format": "gguf"}}]}),
            ),
            delay,
        );
    }
    if method != want {
        let message = format!("Method {method} not allowed for {path}; use {want}");
        return (error_reply(flavor, 405, &message), delay);
    }
    let Some(api) = api else {
        return (models(path), delay);
    };
    let n = shared.next_id.fetch_add(1, Ordering::SeqCst);
    if api == Api::Files {
        // A multipart upload: the file object (the content is not kept).
        let purpose = String::from_utf8_lossy(&req.body)
            .split("name=\"purpose\"\r\n\r\n")
            .nth(1)
            .and_then(|rest| rest.split("\r\n").next())
            .unwrap_or("user_data")
            .to_string();
        return (
            Reply::json(json!({"id": format!("file-mock{n}"), "object": "file",
                "bytes": req.body.len(), "created_at": 1_700_000_000u64,
                "filename": "upload", "purpose": purpose})),
            delay,
        );
    }
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            let message =
                "We could not parse the JSON body of your request. The mock expects a JSON object.";
            return (error_reply(flavor, 400, message), delay);
        }
    };
    let gen = Gen::new(&body, &ctl, n);
    // Lenient, as pydantic-based servers are: `"stream": "true"` streams.
    let stream = match body.get("stream") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => api.streams_by_default(),
    };
    let gemini_model = lenient
        .rsplit('/')
        .next()
        .and_then(|last| last.split_once(':'))
        .map(|(m, _)| m.to_string());
    // Bedrock's model is the path segment after `model/`.
    let bedrock_model = lenient
        .split_once("model/")
        .and_then(|(_, rest)| rest.rsplit_once('/'))
        .map(|(m, _)| m.to_string());
    let gen = match (&gemini_model, &bedrock_model, api.flavor()) {
        (Some(m), _, Flavor::Gemini) => gen.with_model(m),
        (_, Some(m), Flavor::Bedrock) => gen.with_model(m),
        _ => gen,
    };
    if api == Api::Responses
        && body.get("background").and_then(Value::as_bool) == Some(true)
        && !stream
    {
        // Queued: the usage comes with a later retrieve.
        let done = match gen.responses_json() {
            Reply::Json { body, .. } => body,
            _ => json!({}),
        };
        let id = done["id"].as_str().unwrap_or_default().to_string();
        let mut queued = done.clone();
        queued["status"] = json!("queued");
        queued["output"] = json!([]);
        queued["usage"] = Value::Null;
        queued["background"] = json!(true);
        lock(&shared.background).insert(id, done);
        return (Reply::json(queued), delay);
    }
    let reply = match (api, stream) {
        (Api::Chat, false) => gen.chat_json(),
        (Api::Chat, true) => gen.chat_sse(),
        (Api::Completions, false) => gen.completions_json(),
        (Api::Completions, true) => gen.completions_sse(),
        (Api::Responses, false) => gen.responses_json(),
        (Api::Responses, true) => gen.responses_sse(),
        (Api::Messages, false) => gen.messages_json(),
        (Api::Messages, true) => gen.messages_sse(),
        (Api::Embeddings, _) => gen.embeddings(),
        (Api::CountTokens, _) => Reply::json(json!({"input_tokens": gen.prompt_tokens})),
        (Api::MessageBatches, _) => Reply::json(json!({"id": format!("msgbatch_mock{n}"),
            "type": "message_batch", "processing_status": "in_progress"})),
        (Api::Batches, _) => Reply::json(json!({"id": format!("batch_mock{n}"), "object": "batch",
            "endpoint": body["endpoint"], "input_file_id": body["input_file_id"],
            "status": "validating"})),
        (Api::Files, _) => unreachable!("handled above"),
        (Api::OllamaTags, _) => unreachable!("handled above"),
        (Api::OllamaChat | Api::OllamaGenerate, false) => gen.ollama_json(api == Api::OllamaChat),
        (Api::OllamaChat | Api::OllamaGenerate, true) => gen.ollama_ndjson(api == Api::OllamaChat),
        (Api::OllamaEmbed, _) => gen.ollama_embed(),
        (Api::OllamaEmbeddings, _) => Reply::json(
            json!({"embedding": embedding(&body["prompt"].to_string(), DEFAULT_EMBEDDING_DIMS)}),
        ),
        (Api::GeminiGenerate, _) => gen.gemini_json(),
        (Api::GeminiStream, _) => gen.gemini_sse(),
        (Api::GeminiEmbed, _) => gen.gemini_embed(),
        (Api::GeminiCountTokens, _) => Reply::json(json!({"totalTokens": gen.prompt_tokens})),
        (Api::Tgi, false) => gen.tgi_json(),
        (Api::Tgi, true) | (Api::TgiStream, _) => gen.tgi_sse(),
        (Api::Llama, false) => gen.llama_json(),
        (Api::Llama, true) => gen.llama_sse(),
        (Api::TritonInfer, _) => gen.triton_infer(&lenient),
        (Api::TritonGenerate, _) => gen.triton_generate(&lenient, false),
        (Api::TritonGenerateStream, _) => gen.triton_generate(&lenient, true),
        (Api::BedrockConverse, _) => gen.converse_json(),
        (Api::BedrockConverseStream, _) => gen.converse_stream(),
        (Api::BedrockInvoke, _) => gen.invoke_json(),
        (Api::BedrockInvokeStream, _) => gen.invoke_stream(),
        // vLLM's (`prompt`) and llama.cpp's (`content`) tokenizers: one id
        // per 4 chars, as the mock's tokenizer counts.
        (Api::Tokenize, _) => {
            let text = body["prompt"]
                .as_str()
                .or(body["content"].as_str())
                .unwrap_or("");
            let n = tokens(text.chars().count());
            Reply::json(json!({"count": n, "max_model_len": 8192,
                "tokens": (0..n).map(|i| 1000 + i).collect::<Vec<u64>>()}))
        }
    };
    let reply = match ctl.stream_bytes {
        Some(n) => reply.recut(n),
        None => reply,
    };
    (reply, delay)
}

fn echo(req: &RecordedRequest) -> Reply {
    let mut headers = serde_json::Map::new();
    for (name, value) in &req.headers {
        let joined = match headers.get(name).and_then(Value::as_str) {
            Some(prev) => format!("{prev},{value}"),
            None => value.clone(),
        };
        headers.insert(name.clone(), Value::String(joined));
    }
    Reply::json(json!({
        "method": req.method,
        "path": req.path,
        "headers": headers,
        "body": String::from_utf8_lossy(&req.body),
    }))
}

/// A test double of an external guard (`inspect`'s classifier contract):
/// rejects when any segment contains `GUARD-REJECT`, masks every
/// `GUARD-MASK` (label `guard_test`), passes otherwise.
fn guard(req: &RecordedRequest) -> Reply {
    let Ok(v) = serde_json::from_slice::<Value>(&req.body) else {
        return Reply::Text {
            status: 400,
            body: "not JSON".into(),
        };
    };
    let segments = v["segments"].as_array().cloned().unwrap_or_default();
    let mut spans = Vec::new();
    for (i, s) in segments.iter().enumerate() {
        let text = s["text"].as_str().unwrap_or_default();
        if text.contains("GUARD-REJECT") {
            return Reply::json(json!({"action": "reject", "reason": "test double"}));
        }
        let mut from = 0;
        while let Some(at) = text[from..].find("GUARD-MASK") {
            let start = text[..from + at].chars().count();
            spans.push(
                json!({"segment": i, "start": start, "end": start + 10, "label": "guard_test"}),
            );
            from += at + 10;
        }
    }
    if spans.is_empty() {
        Reply::json(json!({"action": "pass"}))
    } else {
        Reply::json(json!({"action": "mask", "spans": spans}))
    }
}

fn models(path: &str) -> Reply {
    let model = |id: &str| json!({"id": id, "object": "model", "created": 1_700_000_000u64, "owned_by": "tollgate-mock"});
    match path.strip_prefix("/v1/models/") {
        None => Reply::json(json!({
            "object": "list",
            "data": MODELS.iter().map(|m| model(m)).collect::<Vec<_>>(),
        })),
        Some(id) if !id.is_empty() => Reply::json(model(id)),
        Some(_) => error_reply(Flavor::OpenAi, 404, "Invalid URL (GET /v1/models/)"),
    }
}

/// A provider-shaped error reply.
fn error_reply(flavor: Flavor, status: u16, message: &str) -> Reply {
    let mut headers = Vec::new();
    if status == 429 {
        headers.push(("retry-after", "1".to_string()));
    }
    let body = match flavor {
        Flavor::OpenAi => {
            let (kind, code) = match status {
                401 => ("invalid_request_error", Some("invalid_api_key")),
                403 => ("invalid_request_error", Some("permission_denied")),
                404 => ("invalid_request_error", None),
                429 => ("requests", Some("rate_limit_exceeded")),
                500..=599 => ("server_error", None),
                _ => ("invalid_request_error", None),
            };
            json!({"error": {"message": message, "type": kind, "param": null, "code": code}})
        }
        Flavor::Anthropic => {
            let kind = match status {
                401 => "authentication_error",
                403 => "permission_error",
                404 => "not_found_error",
                413 => "request_too_large",
                429 => "rate_limit_error",
                529 | 503 => "overloaded_error",
                500..=599 => "api_error",
                _ => "invalid_request_error",
            };
            json!({"type": "error", "error": {"type": kind, "message": message}})
        }
        Flavor::Ollama => json!({"error": message}),
        Flavor::Gemini => {
            let status_name = match status {
                400 => "INVALID_ARGUMENT",
                401 => "UNAUTHENTICATED",
                403 => "PERMISSION_DENIED",
                404 => "NOT_FOUND",
                429 => "RESOURCE_EXHAUSTED",
                503 => "UNAVAILABLE",
                _ => "INTERNAL",
            };
            json!({"error": {"code": status, "message": message, "status": status_name}})
        }
        Flavor::Bedrock => {
            let ty = match status {
                400 | 413 => "ValidationException",
                401 | 403 => "AccessDeniedException",
                404 => "ResourceNotFoundException",
                429 => "ThrottlingException",
                503 => "ServiceUnavailableException",
                _ => "InternalServerException",
            };
            headers.push(("x-amzn-errortype", ty.to_string()));
            json!({"message": message})
        }
    };
    Reply::Json {
        status,
        headers,
        body,
    }
}

/// ceil(chars / 4): the mock's tokenizer.
fn tokens(chars: usize) -> u64 {
    u64::try_from(chars.div_ceil(4)).unwrap_or(u64::MAX)
}

/// Chars of prompt text in a JSON value (see the module docs).
fn text_chars(v: &Value) -> usize {
    match v {
        Value::String(s) => s.chars().count(),
        Value::Array(items) => items.iter().map(text_chars).fold(0, usize::saturating_add),
        Value::Object(o) => o
            .get("text")
            .or_else(|| o.get("content"))
            .map_or(0, text_chars),
        // A token id in a pre-tokenized prompt: one token.
        Value::Number(_) => 4,
        _ => 0,
    }
}

/// Builds the replies of one request.
struct Gen<'a> {
    body: &'a Value,
    model: String,
    /// The completion, truncated to the request's max tokens.
    content: String,
    truncated: bool,
    chunk_size: usize,
    prompt_tokens: u64,
    completion_tokens: u64,
    usage: bool,
    n: u64,
    created: u64,
}

impl<'a> Gen<'a> {
    fn new(body: &'a Value, ctl: &Controls, n: u64) -> Gen<'a> {
        let field = |k: &str| body.get(k).unwrap_or(&Value::Null);
        let prompt_chars = text_chars(field("messages"))
            .saturating_add(text_chars(field("system")))
            .saturating_add(text_chars(field("instructions")))
            .saturating_add(text_chars(field("input")))
            .saturating_add(text_chars(field("prompt")))
            .saturating_add(gemini_chars(field("contents")))
            .saturating_add(text_chars(field("inputs")))
            .saturating_add(text_chars(field("text_input")))
            .saturating_add(gemini_chars(field("systemInstruction")));
        let max_tokens = ["max_completion_tokens", "max_tokens", "max_output_tokens"]
            .iter()
            .find_map(|k| body.get(*k).and_then(Value::as_u64))
            .or_else(|| body.pointer("/options/num_predict").and_then(Value::as_u64))
            .or_else(|| {
                body.pointer("/parameters/max_new_tokens")
                    .and_then(Value::as_u64)
            })
            .or_else(|| {
                body.pointer("/parameters/max_tokens")
                    .and_then(Value::as_u64)
            })
            .or_else(|| body.get("n_predict").and_then(Value::as_u64))
            .or_else(|| {
                body.pointer("/generationConfig/maxOutputTokens")
                    .and_then(Value::as_u64)
            })
            .or_else(|| {
                body.pointer("/inferenceConfig/maxTokens")
                    .and_then(Value::as_u64)
            })
            .or_else(|| body.get("max_gen_len").and_then(Value::as_u64));
        let mut content = ctl.content.clone();
        let mut truncated = false;
        if let Some(max) = max_tokens {
            if tokens(content.chars().count()) > max {
                let keep = usize::try_from(max.saturating_mul(4)).unwrap_or(usize::MAX);
                content = content.chars().take(keep).collect();
                truncated = true;
            }
        }
        let (prompt_tokens, completion_tokens) = match ctl.usage {
            UsageCtl::Fixed(p, c) => (p, c),
            _ => (tokens(prompt_chars), tokens(content.chars().count())),
        };
        let created = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Gen {
            body,
            model: body
                .get("model")
                .and_then(Value::as_str)
                .unwrap_or(DEFAULT_MODEL)
                .to_string(),
            content,
            truncated,
            chunk_size: ctl.chunk_size,
            prompt_tokens,
            completion_tokens,
            usage: !matches!(ctl.usage, UsageCtl::Omitted),
            n,
            created,
        }
    }

    fn total_tokens(&self) -> u64 {
        self.prompt_tokens.saturating_add(self.completion_tokens)
    }

    /// The completion in `chunk_size`-char pieces (none if it is empty).
    fn pieces(&self) -> Vec<String> {
        let chars: Vec<char> = self.content.chars().collect();
        chars
            .chunks(self.chunk_size)
            .map(|c| c.iter().collect())
            .collect()
    }

    fn include_usage(&self) -> bool {
        self.body
            .pointer("/stream_options/include_usage")
            .and_then(Value::as_bool)
            == Some(true)
    }

    fn openai_usage(&self) -> Value {
        json!({
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens(),
        })
    }

    fn finish_reason(&self) -> &'static str {
        if self.truncated {
            "length"
        } else {
            "stop"
        }
    }

    /// Inserts `"usage": usage` when usage is on.
    fn with_usage(&self, mut v: Value, usage: Value) -> Value {
        if self.usage {
            if let Some(o) = v.as_object_mut() {
                o.insert("usage".into(), usage);
            }
        }
        v
    }

    fn chat_json(&self) -> Reply {
        let v = json!({
            "id": format!("chatcmpl-mock{}", self.n),
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": self.content, "refusal": null},
                "logprobs": null,
                "finish_reason": self.finish_reason(),
            }],
            "system_fingerprint": "fp_tollgate_mock",
        });
        Reply::json(self.with_usage(v, self.openai_usage()))
    }

    /// OpenAI chat and completions streams share this frame.
    fn openai_sse(
        &self,
        object: &str,
        id: String,
        choice: &dyn Fn(Option<&str>, Value) -> Value,
        first: Option<Value>,
    ) -> Reply {
        let include_usage = self.usage && self.include_usage();
        let chunk = |choices: Value| {
            let mut v = json!({
                "id": id,
                "object": object,
                "created": self.created,
                "model": self.model,
                "system_fingerprint": "fp_tollgate_mock",
                "choices": choices,
            });
            if include_usage {
                if let Some(o) = v.as_object_mut() {
                    o.insert("usage".into(), Value::Null);
                }
            }
            v
        };
        let mut events = Vec::new();
        if let Some(first) = first {
            events.push(data_event(&chunk(json!([choice(None, first)]))));
        }
        for piece in self.pieces() {
            events.push(data_event(&chunk(json!([choice(
                None,
                Value::String(piece)
            )]))));
        }
        events.push(data_event(&chunk(json!([choice(
            Some(self.finish_reason()),
            Value::Null
        )]))));
        if include_usage {
            let mut last = chunk(json!([]));
            if let Some(o) = last.as_object_mut() {
                o.insert("usage".into(), self.openai_usage());
            }
            events.push(data_event(&last));
        }
        events.push("data: [DONE]\n\n".to_string());
        Reply::Sse(events)
    }

    fn chat_sse(&self) -> Reply {
        // `delta` is the content piece; Null marks the final chunk; an object is the role chunk.
        let choice = |finish: Option<&str>, delta: Value| {
            let delta = match delta {
                Value::String(s) => json!({"content": s}),
                Value::Null => json!({}),
                other => other,
            };
            json!({"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish})
        };
        let role = json!({"role": "assistant", "content": "", "refusal": null});
        self.openai_sse(
            "chat.completion.chunk",
            format!("chatcmpl-mock{}", self.n),
            &choice,
            Some(role),
        )
    }

    fn completions_json(&self) -> Reply {
        let v = json!({
            "id": format!("cmpl-mock{}", self.n),
            "object": "text_completion",
            "created": self.created,
            "model": self.model,
            "choices": [{
                "text": self.content,
                "index": 0,
                "logprobs": null,
                "finish_reason": self.finish_reason(),
            }],
            "system_fingerprint": "fp_tollgate_mock",
        });
        Reply::json(self.with_usage(v, self.openai_usage()))
    }

    fn completions_sse(&self) -> Reply {
        let choice = |finish: Option<&str>, text: Value| {
            let text = text.as_str().unwrap_or("").to_string();
            json!({"text": text, "index": 0, "logprobs": null, "finish_reason": finish})
        };
        self.openai_sse(
            "text_completion",
            format!("cmpl-mock{}", self.n),
            &choice,
            None,
        )
    }

    fn responses_usage(&self) -> Value {
        json!({
            "input_tokens": self.prompt_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": self.completion_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": self.total_tokens(),
        })
    }

    fn response_object(&self, status: &str, output: Value, usage: bool) -> Value {
        let incomplete = if status == "incomplete" {
            json!({"reason": "max_output_tokens"})
        } else {
            Value::Null
        };
        let v = json!({
            "id": format!("resp_mock{}", self.n),
            "object": "response",
            "created_at": self.created,
            "status": status,
            "error": null,
            "incomplete_details": incomplete,
            "instructions": self.body.get("instructions").cloned().unwrap_or(Value::Null),
            "model": self.model,
            "output": output,
        });
        if usage {
            self.with_usage(v, self.responses_usage())
        } else {
            let mut v = v;
            if let Some(o) = v.as_object_mut() {
                o.insert("usage".into(), Value::Null);
            }
            v
        }
    }

    fn response_message(&self, status: &str, content: Value) -> Value {
        json!({
            "type": "message",
            "id": format!("msg_mock{}", self.n),
            "status": status,
            "role": "assistant",
            "content": content,
        })
    }

    fn output_text(&self) -> Value {
        json!({"type": "output_text", "text": self.content, "annotations": []})
    }

    fn final_status(&self) -> &'static str {
        if self.truncated {
            "incomplete"
        } else {
            "completed"
        }
    }

    fn responses_json(&self) -> Reply {
        let message = self.response_message(self.final_status(), json!([self.output_text()]));
        Reply::json(self.response_object(self.final_status(), json!([message]), true))
    }

    fn responses_sse(&self) -> Reply {
        let mut events = Vec::new();
        let mut seq = 0u64;
        let mut push = |kind: &str, mut v: Value| {
            if let Some(o) = v.as_object_mut() {
                o.insert("type".into(), json!(kind));
                o.insert("sequence_number".into(), json!(seq));
            }
            seq = seq.saturating_add(1);
            events.push(named_event(kind, &v));
        };
        let item_id = format!("msg_mock{}", self.n);
        let in_progress = self.response_object("in_progress", json!([]), false);
        push("response.created", json!({"response": in_progress}));
        push("response.in_progress", json!({"response": in_progress}));
        push(
            "response.output_item.added",
            json!({"output_index": 0, "item": self.response_message("in_progress", json!([]))}),
        );
        push(
            "response.content_part.added",
            json!({"item_id": item_id, "output_index": 0, "content_index": 0,
                   "part": {"type": "output_text", "text": "", "annotations": []}}),
        );
        for piece in self.pieces() {
            push(
                "response.output_text.delta",
                json!({"item_id": item_id, "output_index": 0, "content_index": 0, "delta": piece}),
            );
        }
        push(
            "response.output_text.done",
            json!({"item_id": item_id, "output_index": 0, "content_index": 0, "text": self.content}),
        );
        push(
            "response.content_part.done",
            json!({"item_id": item_id, "output_index": 0, "content_index": 0, "part": self.output_text()}),
        );
        let message = self.response_message(self.final_status(), json!([self.output_text()]));
        push(
            "response.output_item.done",
            json!({"output_index": 0, "item": message}),
        );
        let done = self.response_object(self.final_status(), json!([message]), true);
        let kind = if self.truncated {
            "response.incomplete"
        } else {
            "response.completed"
        };
        push(kind, json!({"response": done}));
        Reply::Sse(events)
    }

    fn stop_reason(&self) -> &'static str {
        if self.truncated {
            "max_tokens"
        } else {
            "end_turn"
        }
    }

    fn messages_json(&self) -> Reply {
        let v = json!({
            "id": format!("msg_mock{}", self.n),
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": [{"type": "text", "text": self.content}],
            "stop_reason": self.stop_reason(),
            "stop_sequence": null,
        });
        let usage =
            json!({"input_tokens": self.prompt_tokens, "output_tokens": self.completion_tokens});
        Reply::json(self.with_usage(v, usage))
    }

    fn messages_sse(&self) -> Reply {
        let start_usage = json!({"input_tokens": self.prompt_tokens, "output_tokens": self.completion_tokens.min(1)});
        let message = self.with_usage(
            json!({
                "id": format!("msg_mock{}", self.n),
                "type": "message",
                "role": "assistant",
                "model": self.model,
                "content": [],
                "stop_reason": null,
                "stop_sequence": null,
            }),
            start_usage,
        );
        let mut events = vec![
            named_event(
                "message_start",
                &json!({"type": "message_start", "message": message}),
            ),
            named_event(
                "content_block_start",
                &json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
            ),
            named_event("ping", &json!({"type": "ping"})),
        ];
        for piece in self.pieces() {
            events.push(named_event(
                "content_block_delta",
                &json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}}),
            ));
        }
        events.push(named_event(
            "content_block_stop",
            &json!({"type": "content_block_stop", "index": 0}),
        ));
        let delta = self.with_usage(
            json!({"type": "message_delta", "delta": {"stop_reason": self.stop_reason(), "stop_sequence": null}}),
            json!({"output_tokens": self.completion_tokens}),
        );
        events.push(named_event("message_delta", &delta));
        events.push(named_event(
            "message_stop",
            &json!({"type": "message_stop"}),
        ));
        Reply::Sse(events)
    }

    fn embeddings(&self) -> Reply {
        let inputs: Vec<&Value> = match self.body.get("input") {
            Some(Value::Array(items)) if items.iter().all(|i| !i.is_number()) => {
                items.iter().collect()
            }
            Some(v) => vec![v],
            None => Vec::new(),
        };
        let dims = self
            .body
            .get("dimensions")
            .and_then(Value::as_u64)
            .and_then(|d| usize::try_from(d).ok())
            .filter(|d| (1..=4096).contains(d))
            .unwrap_or(DEFAULT_EMBEDDING_DIMS);
        let base64 = self.body.get("encoding_format").and_then(Value::as_str) == Some("base64");
        let data: Vec<Value> = inputs
            .iter()
            .enumerate()
            .map(|(index, input)| {
                let vector = embedding(&input.to_string(), dims);
                let embedding = if base64 {
                    let bytes: Vec<u8> = vector.iter().flat_map(|f| f.to_le_bytes()).collect();
                    Value::String(base64_encode(&bytes))
                } else {
                    json!(vector)
                };
                json!({"object": "embedding", "index": index, "embedding": embedding})
            })
            .collect();
        let v = json!({"object": "list", "data": data, "model": self.model});
        let usage =
            json!({"prompt_tokens": self.prompt_tokens, "total_tokens": self.prompt_tokens});
        Reply::json(self.with_usage(v, usage))
    }
}

impl Gen<'_> {
    fn with_model(mut self, model: &str) -> Self {
        self.model = model.to_string();
        self
    }

    fn rfc3339_now(&self) -> String {
        format!("2026-01-01T00:00:{:02}Z", self.created % 60)
    }

    /// The final Ollama object's counts.
    fn ollama_counts(&self, v: &mut Value) {
        if self.usage {
            v["prompt_eval_count"] = json!(self.prompt_tokens);
            v["eval_count"] = json!(self.completion_tokens);
        }
        v["total_duration"] = json!(1_000_000u64);
        v["load_duration"] = json!(1000u64);
        v["prompt_eval_duration"] = json!(1000u64);
        v["eval_duration"] = json!(1000u64);
    }

    fn ollama_done_reason(&self) -> &'static str {
        if self.truncated {
            "length"
        } else {
            "stop"
        }
    }

    /// Ollama `/api/chat` (`chat`) or `/api/generate`, not streamed.
    fn ollama_json(&self, chat: bool) -> Reply {
        let mut v = json!({"model": self.model, "created_at": self.rfc3339_now(),
            "done": true, "done_reason": self.ollama_done_reason()});
        if chat {
            v["message"] = json!({"role": "assistant", "content": self.content});
        } else {
            v["response"] = json!(self.content);
            v["context"] = json!([1, 2, 3]);
        }
        self.ollama_counts(&mut v);
        Reply::json(v)
    }

    /// Ollama streamed: one JSON line per piece, then the final object.
    fn ollama_ndjson(&self, chat: bool) -> Reply {
        let mut lines = Vec::new();
        let piece = |text: &str| {
            let mut v =
                json!({"model": self.model, "created_at": self.rfc3339_now(), "done": false});
            if chat {
                v["message"] = json!({"role": "assistant", "content": text});
            } else {
                v["response"] = json!(text);
            }
            format!("{v}\n")
        };
        for p in self.pieces() {
            lines.push(piece(&p));
        }
        let mut last = json!({"model": self.model, "created_at": self.rfc3339_now(),
            "done": true, "done_reason": self.ollama_done_reason()});
        if chat {
            last["message"] = json!({"role": "assistant", "content": ""});
        } else {
            last["response"] = json!("");
            last["context"] = json!([1, 2, 3]);
        }
        self.ollama_counts(&mut last);
        lines.push(format!("{last}\n"));
        Reply::Ndjson(lines)
    }

    fn ollama_embed(&self) -> Reply {
        let inputs: Vec<String> = match self.body.get("input") {
            Some(Value::Array(items)) => items.iter().map(Value::to_string).collect(),
            Some(v) => vec![v.to_string()],
            None => Vec::new(),
        };
        let vectors: Vec<Vec<f32>> = inputs
            .iter()
            .map(|i| embedding(i, DEFAULT_EMBEDDING_DIMS))
            .collect();
        let mut v = json!({"model": self.model, "embeddings": vectors});
        if self.usage {
            v["prompt_eval_count"] = json!(self.prompt_tokens);
        }
        Reply::json(v)
    }

    fn gemini_usage(&self, candidates: bool) -> Value {
        if candidates {
            json!({"promptTokenCount": self.prompt_tokens,
                   "candidatesTokenCount": self.completion_tokens,
                   "totalTokenCount": self.total_tokens()})
        } else {
            json!({"promptTokenCount": self.prompt_tokens, "totalTokenCount": self.prompt_tokens})
        }
    }

    fn gemini_finish(&self) -> &'static str {
        if self.truncated {
            "MAX_TOKENS"
        } else {
            "STOP"
        }
    }

    /// Gemini `:generateContent`.
    fn gemini_json(&self) -> Reply {
        let mut v = json!({"candidates": [{"content": {"parts": [{"text": self.content}], "role": "model"},
                "finishReason": self.gemini_finish(), "index": 0}],
            "modelVersion": self.model, "responseId": format!("mock-{}", self.n)});
        if self.usage {
            v["usageMetadata"] = self.gemini_usage(true);
        }
        Reply::json(v)
    }

    /// Gemini `:streamGenerateContent?alt=sse`: one chunk per piece, each
    /// with the running usage, the last with the finish reason.
    fn gemini_sse(&self) -> Reply {
        let pieces = self.pieces();
        let count = pieces.len().max(1);
        let mut events = Vec::new();
        for i in 0..count {
            let text = pieces.get(i).cloned().unwrap_or_default();
            let last = i + 1 == count;
            let mut candidate =
                json!({"content": {"parts": [{"text": text}], "role": "model"}, "index": 0});
            if last {
                candidate["finishReason"] = json!(self.gemini_finish());
            }
            let mut v = json!({"candidates": [candidate], "modelVersion": self.model,
                "responseId": format!("mock-{}", self.n)});
            if self.usage {
                v["usageMetadata"] = self.gemini_usage(last);
            }
            events.push(data_event(&v));
        }
        Reply::Sse(events)
    }

    // --- Bedrock ---------------------------------------------------------

    fn converse_usage(&self) -> Value {
        json!({"inputTokens": self.prompt_tokens, "outputTokens": self.completion_tokens,
            "totalTokens": self.total_tokens()})
    }

    fn converse_json(&self) -> Reply {
        let mut v = json!({
            "output": {"message": {"role": "assistant", "content": [{"text": self.content}]}},
            "stopReason": self.stop_reason(),
            "metrics": {"latencyMs": 1},
        });
        if self.usage {
            v["usage"] = self.converse_usage();
        }
        Reply::json(v)
    }

    fn converse_stream(&self) -> Reply {
        let mut events = vec![aws_event("messageStart", &json!({"role": "assistant"}))];
        for piece in self.pieces() {
            events.push(aws_event(
                "contentBlockDelta",
                &json!({"contentBlockIndex": 0, "delta": {"text": piece}}),
            ));
        }
        events.push(aws_event(
            "contentBlockStop",
            &json!({"contentBlockIndex": 0}),
        ));
        events.push(aws_event(
            "messageStop",
            &json!({"stopReason": self.stop_reason()}),
        ));
        let mut metadata = json!({"metrics": {"latencyMs": 1}});
        if self.usage {
            metadata["usage"] = self.converse_usage();
        }
        events.push(aws_event("metadata", &metadata));
        Reply::EventStream(events)
    }

    /// Claude's body (`anthropic_version`) or another family's (Llama's
    /// `generation` shape stands for them).
    fn claude(&self) -> bool {
        self.body.get("anthropic_version").is_some()
    }

    fn invoke_json(&self) -> Reply {
        if self.claude() {
            return self.messages_json();
        }
        let mut v = json!({"generation": self.content,
            "stop_reason": if self.truncated { "length" } else { "stop" }});
        if self.usage {
            v["prompt_token_count"] = json!(self.prompt_tokens);
            v["generation_token_count"] = json!(self.completion_tokens);
        }
        Reply::json(v)
    }

    fn invoke_stream(&self) -> Reply {
        let mut chunks: Vec<Value> = Vec::new();
        if self.claude() {
            let Reply::Sse(events) = self.messages_sse() else {
                return self.invoke_json();
            };
            for event in events {
                if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: ")) {
                    if let Ok(v) = serde_json::from_str::<Value>(data) {
                        chunks.push(v);
                    }
                }
            }
        } else {
            for piece in self.pieces() {
                chunks.push(json!({"generation": piece, "stop_reason": null}));
            }
            chunks.push(json!({"generation": "",
                "stop_reason": if self.truncated { "length" } else { "stop" }}));
        }
        if self.usage {
            if let Some(last) = chunks.last_mut() {
                last["amazon-bedrock-invocationMetrics"] = json!({
                    "inputTokenCount": self.prompt_tokens,
                    "outputTokenCount": self.completion_tokens,
                    "invocationLatency": 1, "firstByteLatency": 1});
            }
        }
        use base64::Engine as _;
        let events = chunks
            .iter()
            .map(|c| {
                let bytes = base64::engine::general_purpose::STANDARD.encode(c.to_string());
                aws_event("chunk", &json!({ "bytes": bytes }))
            })
            .collect();
        Reply::EventStream(events)
    }

    fn gemini_embed(&self) -> Reply {
        let values = embedding(&self.body.to_string(), DEFAULT_EMBEDDING_DIMS);
        match self.body.get("requests").and_then(Value::as_array) {
            Some(reqs) => Reply::json(
                json!({"embeddings": reqs.iter().map(|_| json!({"values": values})).collect::<Vec<_>>()}),
            ),
            None => Reply::json(json!({"embedding": {"values": values}})),
        }
    }
}

impl Gen<'_> {
    /// TGI `/generate`: the text and, as TGI sends them, its details.
    fn tgi_json(&self) -> Reply {
        let finish = if self.truncated {
            "length"
        } else {
            "eos_token"
        };
        let tokens: Vec<Value> = self
            .pieces()
            .iter()
            .enumerate()
            .map(|(i, t)| json!({"id": i, "text": t, "logprob": -0.1, "special": false}))
            .collect();
        let mut v = json!({"generated_text": self.content});
        if self.usage {
            v["details"] = json!({"finish_reason": finish, "generated_tokens": self.completion_tokens,
                "seed": null, "prefill": [], "tokens": tokens});
        }
        Reply::json(v)
    }

    /// TGI `/generate_stream`: one event per token, the last with the whole
    /// text and the details.
    fn tgi_sse(&self) -> Reply {
        let pieces = self.pieces();
        let last = pieces.len().saturating_sub(1);
        let finish = if self.truncated {
            "length"
        } else {
            "eos_token"
        };
        let events = pieces
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut v = json!({"index": i, "token": {"id": i, "text": t, "logprob": -0.1, "special": false},
                    "generated_text": null, "details": null, "top_tokens": null});
                if i == last {
                    v["generated_text"] = json!(self.content);
                    if self.usage {
                        v["details"] = json!({"finish_reason": finish,
                            "generated_tokens": self.completion_tokens, "seed": null});
                    }
                }
                data_event(&v)
            })
            .collect();
        Reply::Sse(events)
    }

    fn llama_counts(&self, v: &mut Value) {
        if self.usage {
            v["tokens_predicted"] = json!(self.completion_tokens);
            v["tokens_evaluated"] = json!(self.prompt_tokens);
            v["timings"] =
                json!({"prompt_n": self.prompt_tokens, "predicted_n": self.completion_tokens});
        }
    }

    /// llama.cpp `/completion`.
    fn llama_json(&self) -> Reply {
        let mut v = json!({"content": self.content, "stop": true, "model": self.model,
            "stop_type": if self.truncated { "limit" } else { "eos" }});
        self.llama_counts(&mut v);
        Reply::json(v)
    }

    fn llama_sse(&self) -> Reply {
        let mut events: Vec<String> = self
            .pieces()
            .iter()
            .map(|t| data_event(&json!({"content": t, "stop": false})))
            .collect();
        let mut last = json!({"content": "", "stop": true, "model": self.model});
        self.llama_counts(&mut last);
        events.push(data_event(&last));
        Reply::Sse(events)
    }

    /// The model of a `…/models/{m}/…` path.
    fn path_model(path: &str) -> String {
        path.split("models/")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or(DEFAULT_MODEL)
            .to_string()
    }

    /// Triton v2 `infer`: the completion as a BYTES tensor `text_output`.
    fn triton_infer(&self, path: &str) -> Reply {
        Reply::json(
            json!({"model_name": Self::path_model(path), "model_version": "1",
            "outputs": [{"name": "text_output", "datatype": "BYTES", "shape": [1], "data": [self.content]}]}),
        )
    }

    /// Triton's generate extension (and `generate_stream`, SSE).
    fn triton_generate(&self, path: &str, stream: bool) -> Reply {
        let model = Self::path_model(path);
        if !stream {
            return Reply::json(json!({"model_name": model, "model_version": "1",
                "text_output": self.content}));
        }
        Reply::Sse(
            self.pieces()
                .iter()
                .map(|t| {
                    data_event(
                        &json!({"model_name": model, "model_version": "1", "text_output": t}),
                    )
                })
                .collect(),
        )
    }
}

/// Chars of text in Gemini `contents` (or one `Content`): its parts' text.
fn gemini_chars(v: &Value) -> usize {
    match v {
        Value::Array(items) => items
            .iter()
            .map(gemini_chars)
            .fold(0, usize::saturating_add),
        Value::Object(o) => o.get("parts").and_then(Value::as_array).map_or(0, |parts| {
            parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .map(|t| t.chars().count())
                .fold(0, usize::saturating_add)
        }),
        _ => 0,
    }
}

fn data_event(v: &Value) -> String {
    format!("data: {v}\n\n")
}

fn named_event(name: &str, v: &Value) -> String {
    format!("event: {name}\ndata: {v}\n\n")
}

/// A deterministic unit vector derived from `text` (FNV-1a seeding xorshift).
pub fn embedding(text: &str, dims: usize) -> Vec<f32> {
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        state ^= u64::from(b);
        state = state.wrapping_mul(0x0100_0000_01b3);
    }
    if state == 0 {
        state = 1;
    }
    let raw: Vec<f64> = (0..dims)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // 53 random bits in [0, 1), mapped to [-1, 1).
            (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        })
        .collect();
    let norm = raw
        .iter()
        .map(|x| x * x)
        .sum::<f64>()
        .sqrt()
        .max(f64::MIN_POSITIVE);
    raw.iter().map(|x| (x / norm) as f32).collect()
}

fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sym = |i: u32| char::from(ALPHABET.get((i & 63) as usize).copied().unwrap_or(b'='));
    let mut out = String::with_capacity(bytes.len().div_ceil(3).saturating_mul(4));
    for group in bytes.chunks(3) {
        let b = |i: usize| u32::from(group.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sym(n >> 18));
        out.push(sym(n >> 12));
        out.push(if group.len() > 1 { sym(n >> 6) } else { '=' });
        out.push(if group.len() > 2 { sym(n) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_client::{post_json, request, Body, Connection, Response};

    fn post(llm: &MockLlm, path: &str, headers: &[(&str, &str)], body: Value) -> Response {
        post_json(&llm.url(path), headers, &body).unwrap()
    }

    fn chat_body(stream: bool) -> Value {
        json!({
            "model": "gpt-4o-mini",
            "stream": stream,
            // 16 + 12 = 28 chars -> 7 prompt tokens
            "messages": [
                {"role": "system", "content": "You are helpful."},
                {"role": "user", "content": [{"type": "text", "text": "Say hello!!!"}]},
            ],
        })
    }

    /// The JSON payloads of an OpenAI stream, which must end in `[DONE]`.
    fn openai_chunks(resp: &Response) -> Vec<Value> {
        assert_eq!(resp.status, 200, "{}", resp.text());
        assert_eq!(
            resp.header("content-type"),
            Some("text/event-stream; charset=utf-8")
        );
        assert_eq!(resp.header("transfer-encoding"), Some("chunked"));
        let events = resp.sse_events();
        assert_eq!(events.last().map(|e| e.data.as_str()), Some("[DONE]"));
        assert!(events.iter().all(|e| e.event.is_none()));
        events[..events.len() - 1]
            .iter()
            .map(|e| e.json().unwrap())
            .collect()
    }

    #[test]
    fn chat_completion_json() {
        let llm = MockLlm::start().unwrap();
        let resp = post(&llm, "/v1/chat/completions", &[], chat_body(false));
        assert_eq!(resp.status, 200);
        assert_eq!(resp.header("content-type"), Some("application/json"));
        let v = resp.json().unwrap();
        assert!(v["id"].as_str().unwrap().starts_with("chatcmpl-"));
        assert_eq!(v["object"], "chat.completion");
        assert!(v["created"].as_u64().unwrap() > 1_600_000_000);
        assert_eq!(v["model"], "gpt-4o-mini");
        assert_eq!(v["choices"][0]["message"]["role"], "assistant");
        assert_eq!(v["choices"][0]["message"]["content"], DEFAULT_CONTENT);
        assert_eq!(v["choices"][0]["finish_reason"], "stop");
        // 37 chars -> 10 tokens
        assert_eq!(
            v["usage"],
            json!({"prompt_tokens": 7, "completion_tokens": 10, "total_tokens": 17})
        );
        let seen = llm.last_request().unwrap();
        assert_eq!(
            (seen.method.as_str(), seen.path.as_str()),
            ("POST", "/v1/chat/completions")
        );
        assert_eq!(seen.header("Content-Type"), Some("application/json"));
        assert_eq!(seen.json().unwrap(), chat_body(false));
    }

    #[test]
    fn chat_completion_sse_without_and_with_usage() {
        let llm = MockLlm::start().unwrap();
        let resp = post(
            &llm,
            "/v1/chat/completions",
            &[("x-mock-content", "abcdefghij"), ("x-mock-chunk-size", "4")],
            chat_body(true),
        );
        let chunks = openai_chunks(&resp);
        assert_eq!(chunks.len(), 5, "role, 3 pieces, finish: {chunks:?}");
        for c in &chunks {
            assert_eq!(c["object"], "chat.completion.chunk");
            assert_eq!(c["model"], "gpt-4o-mini");
            assert_eq!(c["id"], chunks[0]["id"]);
            assert!(c.get("usage").is_none());
        }
        assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
        let text: String = chunks
            .iter()
            .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
            .collect();
        assert_eq!(text, "abcdefghij");
        assert_eq!(chunks[1]["choices"][0]["delta"], json!({"content": "abcd"}));
        assert_eq!(chunks[4]["choices"][0]["finish_reason"], "stop");
        assert_eq!(chunks[4]["choices"][0]["delta"], json!({}));

        let mut body = chat_body(true);
        body["stream_options"] = json!({"include_usage": true});
        let resp = post(
            &llm,
            "/v1/chat/completions",
            &[("x-mock-content", "abcdefghij")],
            body,
        );
        let chunks = openai_chunks(&resp);
        let last = chunks.last().unwrap();
        assert_eq!(last["choices"], json!([]));
        assert_eq!(
            last["usage"],
            json!({"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10})
        );
        assert!(chunks[..chunks.len() - 1]
            .iter()
            .all(|c| c["usage"].is_null()));
    }

    #[test]
    fn completions_json_and_sse() {
        let llm = MockLlm::start().unwrap();
        let body = json!({"model": "gpt-3.5-turbo-instruct", "prompt": "12345678"});
        let v = post(&llm, "/v1/completions", &[], body.clone())
            .json()
            .unwrap();
        assert_eq!(v["object"], "text_completion");
        assert!(v["id"].as_str().unwrap().starts_with("cmpl-"));
        assert_eq!(v["choices"][0]["text"], DEFAULT_CONTENT);
        assert_eq!(v["choices"][0]["finish_reason"], "stop");
        assert_eq!(v["usage"]["prompt_tokens"], 2);

        let mut body = body;
        body["stream"] = json!(true);
        body["stream_options"] = json!({"include_usage": true});
        let resp = post(
            &llm,
            "/v1/completions",
            &[("x-mock-content", "hello world")],
            body,
        );
        let chunks = openai_chunks(&resp);
        let text: String = chunks
            .iter()
            .filter_map(|c| c["choices"][0]["text"].as_str())
            .collect();
        assert_eq!(text, "hello world");
        assert!(chunks.iter().all(|c| c["object"] == "text_completion"));
        assert_eq!(
            chunks[chunks.len() - 2]["choices"][0]["finish_reason"],
            "stop"
        );
        assert_eq!(chunks.last().unwrap()["usage"]["completion_tokens"], 3);
    }

    #[test]
    fn anthropic_messages_json_and_sse() {
        let llm = MockLlm::start().unwrap();
        let body = json!({
            "model": "claude-sonnet-4-5",
            "max_tokens": 1024,
            "system": "Be brief.",                     // 9 chars
            "messages": [{"role": "user", "content": "Hi there"}],  // 8 chars -> 17 -> 5 tokens
        });
        let resp = post(&llm, "/v1/messages", &[], body.clone());
        let v = resp.json().unwrap();
        assert_eq!(v["type"], "message");
        assert_eq!(v["role"], "assistant");
        assert!(v["id"].as_str().unwrap().starts_with("msg_"));
        assert_eq!(v["model"], "claude-sonnet-4-5");
        assert_eq!(
            v["content"],
            json!([{"type": "text", "text": DEFAULT_CONTENT}])
        );
        assert_eq!(v["stop_reason"], "end_turn");
        assert_eq!(v["usage"], json!({"input_tokens": 5, "output_tokens": 10}));

        let mut body = body;
        body["stream"] = json!(true);
        let resp = post(
            &llm,
            "/v1/messages",
            &[("x-mock-content", "0123456789"), ("x-mock-chunk-size", "5")],
            body,
        );
        assert_eq!(
            resp.header("content-type"),
            Some("text/event-stream; charset=utf-8")
        );
        let events = resp.sse_events();
        let names: Vec<&str> = events.iter().map(|e| e.event.as_deref().unwrap()).collect();
        assert_eq!(
            names,
            [
                "message_start",
                "content_block_start",
                "ping",
                "content_block_delta",
                "content_block_delta",
                "content_block_stop",
                "message_delta",
                "message_stop"
            ]
        );
        let data: Vec<Value> = events.iter().map(|e| e.json().unwrap()).collect();
        for (name, d) in names.iter().zip(&data) {
            assert_eq!(d["type"], *name);
        }
        assert_eq!(data[0]["message"]["usage"]["input_tokens"], 5);
        assert_eq!(
            data[3]["delta"],
            json!({"type": "text_delta", "text": "01234"})
        );
        assert_eq!(data[4]["delta"]["text"], "56789");
        assert_eq!(data[6]["delta"]["stop_reason"], "end_turn");
        assert_eq!(data[6]["usage"]["output_tokens"], 3);
    }

    #[test]
    fn responses_json_and_sse() {
        let llm = MockLlm::start().unwrap();
        let body = json!({"model": "gpt-4o", "instructions": "abcd", "input": "efgh"});
        let v = post(&llm, "/v1/responses", &[], body.clone())
            .json()
            .unwrap();
        assert_eq!(v["object"], "response");
        assert_eq!(v["status"], "completed");
        assert!(v["id"].as_str().unwrap().starts_with("resp_"));
        assert_eq!(v["output"][0]["type"], "message");
        assert_eq!(v["output"][0]["role"], "assistant");
        assert_eq!(v["output"][0]["content"][0]["type"], "output_text");
        assert_eq!(v["output"][0]["content"][0]["text"], DEFAULT_CONTENT);
        assert_eq!(v["usage"]["input_tokens"], 2);
        assert_eq!(v["usage"]["output_tokens"], 10);
        assert_eq!(v["usage"]["total_tokens"], 12);

        let mut body = body;
        body["stream"] = json!(true);
        let resp = post(
            &llm,
            "/v1/responses",
            &[("x-mock-content", "abcdefghijk")],
            body,
        );
        let events = resp.sse_events();
        let data: Vec<Value> = events.iter().map(|e| e.json().unwrap()).collect();
        for (i, (e, d)) in events.iter().zip(&data).enumerate() {
            assert_eq!(e.event.as_deref(), d["type"].as_str());
            assert_eq!(d["sequence_number"], i);
        }
        assert_eq!(events[0].event.as_deref(), Some("response.created"));
        let deltas: String = data
            .iter()
            .filter(|d| d["type"] == "response.output_text.delta")
            .map(|d| d["delta"].as_str().unwrap())
            .collect();
        assert_eq!(deltas, "abcdefghijk");
        let done = data
            .iter()
            .find(|d| d["type"] == "response.output_text.done")
            .unwrap();
        assert_eq!(done["text"], "abcdefghijk");
        let completed = data.last().unwrap();
        assert_eq!(completed["type"], "response.completed");
        assert_eq!(completed["response"]["usage"]["output_tokens"], 3);
        assert_eq!(
            completed["response"]["output"][0]["content"][0]["text"],
            "abcdefghijk"
        );
    }

    #[test]
    fn embeddings_are_deterministic_unit_vectors() {
        let llm = MockLlm::start().unwrap();
        let body = json!({"model": "text-embedding-3-small", "input": ["hello", "world"]});
        let a = post(&llm, "/v1/embeddings", &[], body.clone())
            .json()
            .unwrap();
        let b = post(&llm, "/v1/embeddings", &[], body).json().unwrap();
        assert_eq!(a["data"], b["data"]);
        assert_eq!(a["object"], "list");
        assert_eq!(a["data"][1]["index"], 1);
        assert_eq!(a["data"][0]["object"], "embedding");
        let v: Vec<f64> = a["data"][0]["embedding"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        assert_eq!(v.len(), 8);
        assert!((v.iter().map(|x| x * x).sum::<f64>() - 1.0).abs() < 1e-4);
        assert_ne!(a["data"][0]["embedding"], a["data"][1]["embedding"]);
        assert_eq!(a["usage"], json!({"prompt_tokens": 3, "total_tokens": 3}));

        let body =
            json!({"model": "m", "input": "x", "encoding_format": "base64", "dimensions": 3});
        let v = post(&llm, "/v1/embeddings", &[], body).json().unwrap();
        assert_eq!(v["data"][0]["embedding"].as_str().unwrap().len(), 16); // 12 bytes
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
    }

    #[test]
    fn models_echo_health_and_unknown_paths() {
        let llm = MockLlm::start().unwrap();
        let v = crate::http_client::get(&llm.url("/v1/models"))
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(v["object"], "list");
        assert_eq!(v["data"][0]["object"], "model");
        assert_eq!(
            crate::http_client::get(&llm.url("/healthz"))
                .unwrap()
                .text(),
            "ok"
        );

        let resp = request(
            "PUT",
            &llm.url("/__mock/echo/x?q=1"),
            &[("X-Custom", "a")],
            Body::Bytes(b"payload".to_vec()),
        )
        .unwrap();
        let v = resp.json().unwrap();
        assert_eq!(v["method"], "PUT");
        assert_eq!(v["path"], "/__mock/echo/x?q=1");
        assert_eq!(v["headers"]["x-custom"], "a");
        assert_eq!(v["body"], "payload");

        let resp = post(&llm, "/v1/nope", &[], json!({}));
        assert_eq!(resp.status, 404);
        assert_eq!(
            resp.json().unwrap()["error"]["message"],
            "Invalid URL (POST /v1/nope)"
        );
        assert_eq!(
            resp.json().unwrap()["error"]["type"],
            "invalid_request_error"
        );

        let resp = request(
            "POST",
            &llm.url("/v1/chat/completions"),
            &[],
            Body::Bytes(b"{not json".to_vec()),
        )
        .unwrap();
        assert_eq!(resp.status, 400);
        assert!(resp.json().unwrap()["error"]["message"].is_string());
        assert_eq!(llm.requests().len(), 5);
    }

    #[test]
    fn status_control_uses_the_providers_error_shape() {
        let llm = MockLlm::start().unwrap();
        let resp = post(
            &llm,
            "/v1/chat/completions",
            &[("x-mock-status", "429")],
            chat_body(false),
        );
        assert_eq!(resp.status, 429);
        assert_eq!(resp.header("retry-after"), Some("1"));
        let e = resp.json().unwrap();
        assert_eq!(e["error"]["code"], "rate_limit_exceeded");
        assert!(e["error"]["message"].is_string());
        assert!(e["error"].as_object().unwrap().contains_key("param"));
        assert!(e["error"].as_object().unwrap().contains_key("type"));

        let resp = post(
            &llm,
            "/v1/messages",
            &[("x-mock-status", "529")],
            json!({"stream": true}),
        );
        assert_eq!(resp.status, 529);
        let e = resp.json().unwrap();
        assert_eq!(e["type"], "error");
        assert_eq!(e["error"]["type"], "overloaded_error");

        let resp = post(
            &llm,
            "/v1/messages",
            &[("x-mock-chunk-size", "zero")],
            json!({}),
        );
        assert_eq!(resp.status, 400);
        assert!(resp.json().unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("x-mock-chunk-size"));
    }

    #[test]
    fn usage_control_overrides_or_omits() {
        let llm = MockLlm::start().unwrap();
        let v = post(
            &llm,
            "/v1/chat/completions",
            &[("x-mock-usage", "100, 20")],
            chat_body(false),
        )
        .json()
        .unwrap();
        assert_eq!(
            v["usage"],
            json!({"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120})
        );
        let v = post(
            &llm,
            "/v1/chat/completions",
            &[("x-mock-usage", "none")],
            chat_body(false),
        )
        .json()
        .unwrap();
        assert!(v.get("usage").is_none());

        let mut body = chat_body(true);
        body["stream_options"] = json!({"include_usage": true});
        let chunks = openai_chunks(&post(
            &llm,
            "/v1/chat/completions",
            &[("x-mock-usage", "none")],
            body,
        ));
        assert!(chunks
            .iter()
            .all(|c| c.get("usage").is_none() && c["choices"] != json!([])));

        let resp = post(
            &llm,
            "/v1/messages",
            &[("x-mock-usage", "none")],
            json!({"stream": true, "messages": []}),
        );
        assert!(resp.sse_events().iter().all(|e| !e.data.contains("usage")));
        let resp = post(
            &llm,
            "/v1/messages",
            &[("x-mock-usage", "7,9")],
            json!({"stream": true, "messages": []}),
        );
        let delta = resp
            .sse_events()
            .into_iter()
            .find(|e| e.event.as_deref() == Some("message_delta"))
            .unwrap();
        assert_eq!(delta.json().unwrap()["usage"]["output_tokens"], 9);
    }

    #[test]
    fn max_tokens_truncates_the_completion() {
        let llm = MockLlm::start().unwrap();
        let mut body = chat_body(false);
        body["max_tokens"] = json!(2);
        let v = post(&llm, "/v1/chat/completions", &[], body)
            .json()
            .unwrap();
        assert_eq!(v["choices"][0]["message"]["content"], "Hello! T");
        assert_eq!(v["choices"][0]["finish_reason"], "length");
        assert_eq!(v["usage"]["completion_tokens"], 2);
        let v = post(
            &llm,
            "/v1/messages",
            &[],
            json!({"max_tokens": 1, "messages": []}),
        )
        .json()
        .unwrap();
        assert_eq!(v["stop_reason"], "max_tokens");
        let v = post(
            &llm,
            "/v1/responses",
            &[],
            json!({"max_output_tokens": 1, "input": "x"}),
        )
        .json()
        .unwrap();
        assert_eq!(v["status"], "incomplete");
    }

    #[test]
    fn delay_spaces_sse_events_and_chunked_keepalive_requests_work() {
        let llm = MockLlm::start().unwrap();
        let mut conn = Connection::open(llm.addr()).unwrap();
        // A chunked request body on a kept-alive connection, twice.
        for _ in 0..2 {
            let resp = conn
                .send(
                    "POST",
                    "/v1/chat/completions",
                    &[("x-mock-delay-ms", "30"), ("x-mock-chunk-size", "10")],
                    Body::Chunks(
                        vec![
                            chat_body(true).to_string().into_bytes()[..10].to_vec(),
                            chat_body(true).to_string().into_bytes()[10..].to_vec(),
                        ],
                        Duration::from_millis(5),
                    ),
                )
                .unwrap();
            assert!(!conn.is_closed());
            let chunks = openai_chunks(&resp);
            assert_eq!(chunks.len(), 6);
            // One HTTP chunk per event, arriving in order and spread over time.
            assert_eq!(resp.chunks.len(), 7);
            assert!(resp.chunks.windows(2).all(|w| w[0].0 <= w[1].0));
            assert!(resp.chunks.first().unwrap().0 < resp.chunks.last().unwrap().0);
        }
        let seen = llm.wait_for_requests(2, Duration::from_secs(5));
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[1].json().unwrap(), chat_body(true));
        assert_eq!(seen[1].header("transfer-encoding"), Some("chunked"));
    }

    #[test]
    fn drop_stops_the_server() {
        let llm = MockLlm::start().unwrap();
        let addr = llm.addr();
        let _idle = Connection::open(addr).unwrap();
        drop(llm);
        assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err());
    }
}
