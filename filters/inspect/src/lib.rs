//! Tollgate `inspect`: what goes in and what comes out (Istio phase
//! UNSPECIFIED, after authorization).
//!
//! A thin adapter over [`tollgate_core::inspect::engine::Engine`]: it gathers
//! bodies, asks the engine for a verdict, and carries it out: forward, rewrite
//! (redactions, a canary in the system prompt), or refuse with an error the
//! client's SDK understands.
//!
//! # Requests
//! The request is read through the shared request model
//! ([`tollgate_core::request`]): the path normalised and classified by the
//! route catalogue (a path that cannot be governed is a 400, a route the
//! catalogue does not know a 403 unless `routes` allows it), the body
//! buffered to its end (bounded by `max_body_bytes`: over it, 413),
//! decompressed if it is `gzip`/`deflate` (or refused with 415), read as
//! its route's shape, and inspected. A realtime session (a WebSocket the
//! filter cannot read) is refused with 403 unless `on_opaque_text` allows
//! it. Redactions are written into the body in place (JSON values, form
//! parts, JSON Lines, base64 parts encoded back). Because a rewritten body
//! changes length, `content-length` is removed on the request headers (the
//! upstream gets a chunked body) unless `hold_headers` is on, in which case
//! the headers are held until the body is decided and `content-length` is
//! set to the new length.
//!
//! # Responses
//! `text/event-stream` responses are inspected chunk by chunk through
//! [`tollgate_core::inspect::stream::StreamInspector`]: each chunk is
//! replaced by what may be forwarded now, so tokens keep flowing while a
//! bounded window is held back for matches that may still be completing,
//! whatever the request asked for, in the route's API (per JSON path for a
//! route outside the catalogue). A block ends the stream with the API's
//! error event, and the next chunk resets the stream, which stops the
//! upstream; the upstream's usage seen before the block is left in filter
//! state `wasm.tollgate_upstream` for `throttle`. Any other response is
//! buffered to its end and inspected whole. The response's status line has
//! then already left unless `hold_headers` is on: without it a blocked
//! non-streamed response keeps the upstream's status, with its body replaced
//! by the error object.
//!
//! # The external guard
//! With `guard` configured, the request's segments (after redaction) are
//! POSTed to a classifier service after the in-proxy detectors pass; the
//! contract is in [`tollgate_core::inspect::guard`]. A failure (no answer
//! within `timeout_ms`, anything outside the contract) is handled by
//! `fail`.
//!
//! # What it records
//! - Metrics (the `INSPECT_*` entries of `tollgate_core::metrics`):
//!   `tollgate_inspect_findings_total{direction, family, action, rule,
//!   consumer}` counting findings; unlabelled `…_requests_total`,
//!   `…_blocked_total`, `…_rewritten_total`, `…_unreadable_total`,
//!   `…_oversize_total`, `…_guard_errors_total`, `…_opaque_total`
//!   (requests and responses with parts no detector reads: media, binary
//!   documents, realtime sessions), `…_unknown_routes_total`;
//!   `…_memo_texts_total{outcome}` counting request texts found (`hit`) or
//!   not (`miss`) in the memo (`memo_kib`: what the detectors found in texts
//!   a consumer sent before, so a conversation's history is not scanned
//!   again; see `tollgate_core::inspect::memo`).
//! - Decision metadata for access logs: the property `tollgate_inspect`
//!   (Envoy filter state `wasm.tollgate_inspect`), a JSON object with the
//!   route id and each direction's outcome and rule ids with counts, never
//!   matched text.
//! - An audit log line (info) per decision that found something: request id,
//!   consumer (the `consumer_header` set by `auth`), direction, outcome, and
//!   per finding its family, rule, role, JSON location, action and
//!   fingerprint.
//!
//! The consumer is read from a request header: that is only trustworthy
//! when `auth` runs first and strips any client-supplied value, as it does by
//! default.
//!
//! # Known limits
//! - A schema's object keys are scanned (as one text per tool) but cannot
//!   be redacted: a redaction there blocks.
//! - A streamed response that ends in trailers: text still held back when
//!   the trailers arrive is flushed from the trailers callback, where Envoy
//!   may no longer accept body writes (it is then lost, never leaked).
//! - Injection detection is phrase-based (see the README's figures on an
//!   independent set); the external guard is the second line.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;
use std::time::Duration;

use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType};
use tollgate_core::config::inspect::{Action as Act, Compressed, Disposition, FailMode};
use tollgate_core::config::InspectConfig;
use tollgate_core::error::{ErrorFlavor, ErrorKind, ErrorReply};
use tollgate_core::inspect::engine::{BlockReason, Engine, Finding, Outcome, Verdict};
use tollgate_core::inspect::guard::{self, Answer};
use tollgate_core::inspect::memo::{Memo, Recall};
use tollgate_core::inspect::output::SystemPrompt;
use tollgate_core::inspect::stream::{StreamInspector, StreamLimits};
use tollgate_core::inspect::{Direction, Family};
use tollgate_core::metrics;
use tollgate_core::request::api::ApiKind;
use tollgate_core::request::catalogue::Shape;
use tollgate_core::request::decompress::{self, Encoding};
use tollgate_core::request::framing::Framing;
use tollgate_core::request::usage::{self, UpstreamReport, UPSTREAM_PROPERTY};
use tollgate_core::request::{extract, sse, Head, Segment};
use tollgate_glue::host::{self, BufferType, MapType, MetricId};
use tollgate_glue::logger::{self, Tag};
use tollgate_glue::metrics::Registry;
use tollgate_glue::reply;
use tollgate_glue::request as req;

// The request model's reading of the body: in the combined module, one for
// the filters that read it (`tollgate_glue::request::read`); alone, this
// filter's own.
#[cfg(not(tollgate_combined))]
use tollgate_core::request::extract::read as read_body;
#[cfg(tollgate_combined)]
use tollgate_glue::request::read as read_body;

const FILTER: &str = "inspect";

#[cfg(not(tollgate_combined))]
proxy_wasm::main! {{
    logger::install_panic_hook(FILTER);
    proxy_wasm::set_root_context(|context_id| Box::new(Root { context_id, filter: None }));
}}

/// The root context, for a module that runs several filters in one VM
/// (`filters/combined`).
#[cfg(tollgate_combined)]
pub(crate) fn root(context_id: u32) -> Box<dyn RootContext> {
    Box::new(Root {
        context_id,
        filter: None,
    })
}

/// The metric ids `on_configure` defines; findings (labelled) through
/// [`Registry`].
struct Metrics {
    requests: MetricId,
    blocked: MetricId,
    rewritten: MetricId,
    unreadable: MetricId,
    oversize: MetricId,
    guard_errors: MetricId,
    opaque: MetricId,
    unknown_routes: MetricId,
    labelled: Registry,
}

impl Metrics {
    fn define() -> Result<Self, host::HostError> {
        let labelled = Registry::new();
        let d = |m: &metrics::Metric| labelled.define(m);
        Ok(Self {
            requests: d(&metrics::INSPECT_REQUESTS)?,
            blocked: d(&metrics::INSPECT_BLOCKED)?,
            rewritten: d(&metrics::INSPECT_REWRITTEN)?,
            unreadable: d(&metrics::INSPECT_UNREADABLE)?,
            oversize: d(&metrics::INSPECT_OVERSIZE)?,
            guard_errors: d(&metrics::INSPECT_GUARD_ERRORS)?,
            opaque: d(&metrics::INSPECT_OPAQUE)?,
            unknown_routes: d(&metrics::INSPECT_UNKNOWN_ROUTES)?,
            labelled,
        })
    }

    fn bump(&self, metric: MetricId, tag: Tag) {
        if let Err(e) = host::increment_metric(metric, 1) {
            log::debug!("{tag}: cannot count: {e}");
        }
    }
}

/// What `on_configure` builds and every request shares.
struct Filter {
    engine: Engine,
    metrics: Metrics,
    /// What the detectors found in request texts already seen, per
    /// consumer (`memo_kib`; see [`tollgate_core::inspect::memo`]).
    memo: RefCell<Memo>,
}

impl Filter {
    fn config(&self) -> &InspectConfig {
        self.engine.config()
    }
}

struct Root {
    context_id: u32,
    /// `None` until `on_configure` succeeds; Envoy creates no stream before.
    filter: Option<Rc<Filter>>,
}

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, size: usize) -> bool {
        logger::init(FILTER);
        let tag = Tag::new(FILTER, self.context_id);
        let Some(config) =
            tollgate_glue::config::load_plugin_configuration::<InspectConfig>(FILTER, size)
        else {
            return false;
        };
        let Some(engine) =
            tollgate_glue::config::step(tag, "invalid configuration", Engine::new(&config))
        else {
            return false;
        };
        let Some(metrics) =
            tollgate_glue::config::step(tag, "cannot define metrics", Metrics::define())
        else {
            return false;
        };
        let memo = RefCell::new(Memo::new(
            usize::try_from(config.memo_kib)
                .unwrap_or(0)
                .saturating_mul(1024),
        ));
        self.filter = Some(Rc::new(Filter {
            engine,
            metrics,
            memo,
        }));
        true
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }

    fn create_http_context(&self, context_id: u32) -> Option<Box<dyn HttpContext>> {
        let filter = self.filter.clone()?;
        Some(Box::new(Request {
            tag: Tag::new(FILTER, context_id),
            filter,
            head: None,
            flavor: ErrorFlavor::OpenAi,
            canary_api: ApiKind::Unknown,
            signed: false,
            content_type: String::new(),
            reset_upstream: false,
            path: String::new(),
            request_id: String::new(),
            consumer: None,
            request_encoding: Encoding::Identity,
            request_done: false,
            replied: false,
            system_prompt: None,
            response: ResponseMode::Pass,
            response_api: ApiKind::Unknown,
            response_status: 0,
            guard: None,
            metadata: Metadata::default(),
        }))
    }
}

/// How the response body is handled.
enum ResponseMode {
    /// Not inspected (no body, our own local reply).
    Pass,
    /// Buffered to the end and inspected whole.
    Buffer { encoding: Encoding },
    /// Inspected chunk by chunk.
    Stream(Box<StreamInspector>),
    /// A body that cannot be inspected (unknown coding, over the bound): it
    /// is drained and replaced by the error (an error event for a stream).
    Refuse { stream: bool },
}

/// A guard call in flight.
struct GuardCall {
    token: u32,
    segments: Vec<Segment>,
    /// The request body as it stands (after the in-proxy rewrite).
    body: Vec<u8>,
    /// Its multipart boundary, if it is a form.
    boundary: Option<String>,
}

/// Decision metadata for access logs, one summary per direction.
#[derive(Default)]
struct Metadata {
    request: Option<String>,
    response: Option<String>,
}

struct Request {
    tag: Tag,
    filter: Rc<Filter>,
    /// The request as the route catalogue reads it.
    head: Option<Head>,
    /// The dialect of errors.
    flavor: ErrorFlavor,
    /// The API whose system prompt takes the canary (the request's, when
    /// its body is one of the text APIs).
    canary_api: ApiKind,
    /// The request is signed over its body (AWS SigV4: an `authorization`
    /// of `AWS4-HMAC-SHA256`, or a presigned URL): its body cannot be
    /// changed without breaking the signature, so a change the policy
    /// would make (redaction, masks, inflation) refuses it instead, and no
    /// canary is added.
    signed: bool,
    content_type: String,
    /// A blocked stream's error event has gone: reset the stream at the
    /// next chunk, which stops the upstream generating.
    reset_upstream: bool,
    /// The normalised request path.
    path: String,
    request_id: String,
    consumer: Option<String>,
    request_encoding: Encoding,
    /// The request body has been decided (or there was none).
    request_done: bool,
    /// We sent a local reply: its response passes through us unread.
    replied: bool,
    system_prompt: Option<SystemPrompt>,
    response: ResponseMode,
    /// The API responses are read as: the route's (generic for a route
    /// the catalogue does not know).
    response_api: ApiKind,
    /// The upstream's `:status`.
    response_status: u16,
    guard: Option<GuardCall>,
    metadata: Metadata,
}

impl Context for Request {
    fn on_http_call_response(&mut self, token: u32, _headers: usize, body_size: usize, _: usize) {
        let Some(call) = self.guard.take() else {
            return;
        };
        if call.token != token {
            self.guard = Some(call);
            return;
        }
        let status = host::header(MapType::HttpCallResponseHeaders, ":status")
            .ok()
            .flatten();
        let body = host::buffer(BufferType::HttpCallResponseBody, 0, body_size).unwrap_or_default();
        match (status.as_deref(), guard::answer(&body)) {
            (Some("200"), Some(Answer::Pass)) => {}
            (Some("200"), Some(Answer::Reject(reason))) => {
                log::info!(
                    "{}: guard rejected request_id={} reason={:?}",
                    self.tag,
                    self.request_id,
                    reason
                );
                // Counted as a finding of the injection family (rule
                // `guard`), so surges the guard catches show with the rest.
                let consumer = self.consumer.as_deref().unwrap_or("anonymous");
                self.filter.metrics.labelled.add(
                    &metrics::INSPECT_FINDINGS,
                    &["request", "injection", "block", "guard", consumer],
                    1,
                );
                self.set_metadata(Direction::Request, "block", "guard", &[]);
                self.block(Direction::Request, BlockReason::Detector(Family::Injection));
                return;
            }
            (Some("200"), Some(Answer::Mask(_))) if self.signed => {
                self.refuse_signed();
                return;
            }
            (Some("200"), Some(Answer::Mask(spans))) => {
                let masked = guard::mask_edits(&call.segments, &spans).and_then(|edits| {
                    extract::rewrite_body(call.boundary.as_deref(), &call.body, &edits).ok()
                });
                match masked {
                    Some(bytes) => {
                        let bytes = self.canary(&bytes).unwrap_or(bytes);
                        if let Err(e) = self.replace_request_body(&bytes) {
                            log::warn!("{}: cannot write the guard's masks: {e}", self.tag);
                            self.refuse(ErrorKind::Internal, "request could not be inspected");
                            return;
                        }
                        if let Err(e) = host_resume_request() {
                            log::warn!("{}: cannot resume: {e}", self.tag);
                        }
                        return;
                    }
                    None => {
                        self.guard = Some(call);
                        self.guard_failed(&format!("unusable mask spans ({} spans)", spans.len()));
                        return;
                    }
                }
            }
            (status, _) => {
                self.guard = Some(call);
                self.guard_failed(&format!("status {}", status.unwrap_or("none")));
                return;
            }
        }
        // Passed: the canary goes in last, on the body as forwarded.
        if let Some(bytes) = self.canary(&call.body) {
            if let Err(e) = self.replace_request_body(&bytes) {
                log::warn!("{}: cannot add the canary: {e}", self.tag);
            }
        }
        if let Err(e) = host_resume_request() {
            log::warn!("{}: cannot resume: {e}", self.tag);
        }
    }
}

fn host_resume_request() -> Result<(), host::HostError> {
    host::resume(host::Stream::Request)
}

impl HttpContext for Request {
    fn on_http_request_headers(&mut self, _headers: usize, end_of_stream: bool) -> Action {
        let filter = Rc::clone(&self.filter);
        let config = filter.config();
        filter.metrics.bump(filter.metrics.requests, self.tag);
        let read = req::head();
        self.flavor = read.flavor;
        self.path = read.path_without_query();
        self.content_type = read.content_type;
        self.request_id = reply::request_id();
        // Logged: only a short, printable value (without `auth` in front the
        // header is the client's to write).
        self.consumer = host::header(MapType::HttpRequestHeaders, &config.consumer_header)
            .ok()
            .flatten()
            .map(|c| {
                if (1..=128).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_graphic()) {
                    c
                } else {
                    "(unprintable)".to_owned()
                }
            });
        // The same reading of the request as every other filter.
        let head = match read.head {
            Ok(head) => head.serving(&filter.config().routes),
            Err(e) => {
                let reply = req::unreadable_path_reply(e, self.request_id.clone());
                return self.send(&reply);
            }
        };
        self.path = head.path.as_str();
        self.response_api = head.api();
        if let Shape::Api(api) = head.shape() {
            self.canary_api = api;
        }
        self.signed = host::header(MapType::HttpRequestHeaders, "authorization")
            .ok()
            .flatten()
            .is_some_and(|a| {
                a.get(..16)
                    .is_some_and(|p| p.eq_ignore_ascii_case("AWS4-HMAC-SHA256"))
            })
            || read.raw_path.contains("X-Amz-Signature=");
        if head.refused(&config.routes) {
            filter.metrics.bump(filter.metrics.unknown_routes, self.tag);
            log::info!(
                "{}: unknown route request_id={} path={}",
                self.tag,
                self.request_id,
                head.class()
            );
            self.head = Some(head);
            self.publish_metadata();
            let reply = Head::unknown_route_reply(self.request_id.clone());
            return self.send(&reply);
        }
        let upgrades = head.route.is_some_and(|r| r.upgrade);
        let unknown = head.route.is_none();
        self.head = Some(head);
        self.publish_metadata();
        if config.identity_responses {
            self.set_request_header("accept-encoding", "identity");
        }
        if upgrades {
            // A realtime session: what flows over the socket is text no
            // detector here reads.
            filter.metrics.bump(filter.metrics.opaque, self.tag);
            if filter.engine.refuses_sessions() {
                let reply = ErrorReply::new(
                    ErrorKind::PermissionDenied,
                    "realtime sessions cannot be inspected; they are refused unless on_opaque_text allows them",
                    self.request_id.clone(),
                )
                .with_code("content_policy_violation");
                return self.send(&reply);
            }
            self.request_done = true;
            return Action::Continue;
        }
        if end_of_stream {
            self.request_done = true;
            return Action::Continue;
        }
        // A route's body is read as its shape, whatever its content type
        // says (upstreams parse it regardless); only a route the catalogue
        // does not know, allowed on purpose, may carry a binary body.
        if unknown && is_binary(&self.content_type) {
            filter.metrics.bump(filter.metrics.opaque, self.tag);
            if config.on_opaque_text == Disposition::Block {
                return self.refuse(
                    ErrorKind::UnsupportedMediaType,
                    "request bodies of this content type cannot be inspected",
                );
            }
            self.request_done = true;
            return Action::Continue;
        }
        let coding = host::header(MapType::HttpRequestHeaders, "content-encoding")
            .ok()
            .flatten()
            .unwrap_or_default();
        match Encoding::from_header(&coding) {
            Ok(Encoding::Identity) => {}
            Ok(_) if config.compressed_requests == Compressed::Reject => {
                return self.refuse(
                    ErrorKind::UnsupportedMediaType,
                    "compressed request bodies are not accepted; send it uncompressed",
                );
            }
            Ok(encoding) => {
                self.request_encoding = encoding;
                // The upstream gets the inspected, uncompressed body.
                self.remove_request_header("content-encoding");
            }
            Err(coding) => {
                return self.refuse(
                    ErrorKind::UnsupportedMediaType,
                    &format!(
                        "content-encoding {:?} cannot be inspected; send gzip, deflate or identity",
                        coding.chars().take(32).collect::<String>()
                    ),
                );
            }
        }
        let declared = host::header(MapType::HttpRequestHeaders, "content-length")
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > u64::from(config.max_body_bytes)) {
            return self.too_large();
        }
        if config.hold_headers {
            // Envoy honours StopIteration (allow_on_headers_stop_iteration):
            // the body still arrives, and content-length is fixed at the end.
            return Action::Pause;
        }
        self.remove_request_header("content-length");
        Action::Continue
    }

    fn on_http_request_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        if self.request_done {
            return Action::Continue;
        }
        if self.replied {
            return Action::Pause;
        }
        let filter = Rc::clone(&self.filter);
        let config = filter.config();
        let max = usize::try_from(config.max_body_bytes).unwrap_or(usize::MAX);
        if body_size > max {
            return self.too_large();
        }
        if !end_of_stream {
            return Action::Pause;
        }
        self.decide_request(body_size)
    }

    fn on_http_request_trailers(&mut self, _trailers: usize) -> Action {
        // A body followed by trailers never sees end_of_stream in a body
        // callback: it ends here.
        if self.request_done || self.replied {
            return Action::Continue;
        }
        let size = host::buffer(BufferType::HttpRequestBody, 0, usize::MAX >> 1)
            .map(|b| b.len())
            .unwrap_or_default();
        match self.decide_request(size) {
            Action::Continue => Action::Continue,
            _ => Action::Pause,
        }
    }

    fn on_http_response_headers(&mut self, _headers: usize, end_of_stream: bool) -> Action {
        self.response_headers(end_of_stream)
    }

    fn on_http_response_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        self.response_body(body_size, end_of_stream)
    }

    fn on_http_response_trailers(&mut self, _trailers: usize) -> Action {
        // As for requests: a buffered body followed by trailers ends here.
        if matches!(self.response, ResponseMode::Pass) {
            return Action::Continue;
        }
        let size = host::buffer(BufferType::HttpResponseBody, 0, usize::MAX >> 1)
            .map(|b| b.len())
            .unwrap_or_default();
        self.response_body(size, true);
        Action::Continue
    }
}

impl Request {
    /// The whole request body is here: inspect it and carry the verdict out.
    fn decide_request(&mut self, body_size: usize) -> Action {
        let filter = Rc::clone(&self.filter);
        let config = filter.config();
        let max = usize::try_from(config.max_body_bytes).unwrap_or(usize::MAX);
        self.request_done = true;
        let body = match req::body(body_size, self.request_encoding, max) {
            Ok(b) => b,
            Err(req::BodyError::TooLarge(_)) => return self.too_large(),
            Err(e) => {
                filter.metrics.bump(filter.metrics.unreadable, self.tag);
                log::info!("{}: request body unreadable: {e}", self.tag);
                let reply = e.reply(self.request_id.clone());
                return self.send(&reply);
            }
        };
        let decompressed = body.inflated;
        let body = body.bytes;
        let shape = self.head.as_ref().map_or(Shape::None, Head::shape);
        let read = read_body(shape, &self.content_type, &body);
        let verdict = {
            let mut memo = filter.memo.borrow_mut();
            let before = memo.counts();
            // Scoped by consumer: `auth`'s names are what `consumer` keeps
            // as is (1 to 128 visible characters). A request without one is
            // not memoised: it has no scope of its own (see `memo_kib`).
            let recall = self.consumer.as_deref().map(|scope| Recall {
                memo: &mut memo,
                scope,
            });
            let read = read.as_ref().map(Borrow::borrow);
            let verdict = filter
                .engine
                .request_recalled(read, &self.path, &body, recall);
            let after = memo.counts();
            for (outcome, n) in [
                ("hit", after.0.saturating_sub(before.0)),
                ("miss", after.1.saturating_sub(before.1)),
            ] {
                if n > 0 {
                    filter
                        .metrics
                        .labelled
                        .add(&metrics::INSPECT_MEMO, &[outcome], n);
                }
            }
            verdict
        };
        if verdict.opaque > 0 {
            filter.metrics.bump(filter.metrics.opaque, self.tag);
        }
        self.system_prompt = verdict.system_prompt;
        let verdict = Verdict {
            system_prompt: None,
            ..verdict
        };
        self.record(Direction::Request, &verdict);
        let mut new_body = match &verdict.outcome {
            Outcome::Block(reason) => return self.block(Direction::Request, *reason),
            Outcome::Rewrite(_) if self.signed => return self.refuse_signed(),
            Outcome::Pass if decompressed && self.signed => return self.refuse_signed(),
            Outcome::Rewrite(bytes) => Some(bytes.clone()),
            Outcome::Pass if decompressed => Some(body.clone()),
            Outcome::Pass => None,
        };
        let guard = config.guard.as_ref().filter(|_| !config.shadow);
        if guard.is_none() {
            // The canary goes in last (after the guard's masks, when there
            // is a guard: see on_http_call_response).
            let current = new_body.as_deref().unwrap_or(&body);
            if let Some(bytes) = self.canary(current) {
                new_body = Some(bytes);
            }
        }
        if let Some(bytes) = &new_body {
            if let Err(e) = self.replace_request_body(bytes) {
                log::warn!("{}: cannot rewrite the request body: {e}", self.tag);
                return self.refuse(ErrorKind::Internal, "request could not be inspected");
            }
        } else if config.hold_headers {
            self.set_request_header("content-length", &body_size.to_string());
        }
        if let Some(guard) = guard {
            let forwarded = new_body.unwrap_or(body);
            return self.call_guard(guard, verdict.segments, forwarded, verdict.boundary);
        }
        Action::Continue
    }

    fn response_headers(&mut self, end_of_stream: bool) -> Action {
        if self.replied || end_of_stream {
            return Action::Continue;
        }
        self.response_status = host::header(MapType::HttpResponseHeaders, ":status")
            .ok()
            .flatten()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let filter = Rc::clone(&self.filter);
        let config = filter.config();
        let content_type = host::header(MapType::HttpResponseHeaders, "content-type")
            .ok()
            .flatten()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let coding = host::header(MapType::HttpResponseHeaders, "content-encoding")
            .ok()
            .flatten()
            .unwrap_or_default();
        let encoding = Encoding::from_header(&coding);
        if is_binary(&content_type) {
            // Speech, images, files: passed as they are (counted).
            filter.metrics.bump(filter.metrics.opaque, self.tag);
            return Action::Continue;
        }
        if let Some(framing) = Framing::of(&content_type) {
            self.remove_response_header("content-length");
            if encoding != Ok(Encoding::Identity) {
                // A compressed stream cannot be inspected chunk by chunk here:
                // it is replaced by the error event, never passed unread.
                self.remove_response_header("content-encoding");
                self.response = ResponseMode::Refuse { stream: true };
                return Action::Continue;
            }
            let limits = StreamLimits {
                max_hold_bytes: usize::try_from(config.stream.max_hold_bytes).unwrap_or(4096),
                max_event_bytes: usize::try_from(config.max_body_bytes).unwrap_or(usize::MAX),
            };
            let error = self.error_reply(Direction::Response);
            let event = sse::error_event(self.response_api, &error);
            self.response = ResponseMode::Stream(Box::new(StreamInspector::framed(
                self.response_api,
                framing,
                limits,
                event,
            )));
            return Action::Continue;
        }
        let encoding = match encoding {
            Ok(e) => e,
            Err(_) => {
                // A coding we cannot read: the body is refused at its end.
                self.remove_response_header("content-encoding");
                self.remove_response_header("content-length");
                self.response = ResponseMode::Refuse { stream: false };
                return if config.hold_headers {
                    Action::Pause
                } else {
                    Action::Continue
                };
            }
        };
        if encoding != Encoding::Identity {
            self.remove_response_header("content-encoding");
        }
        self.response = ResponseMode::Buffer { encoding };
        // Removed even when headers are held: a body replaced before the
        // end (over the bound) releases them early; the exact length is
        // set again when the body is decided.
        self.remove_response_header("content-length");
        if config.hold_headers {
            return Action::Pause;
        }
        Action::Continue
    }

    fn response_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        let filter = Rc::clone(&self.filter);
        let config = filter.config();
        let max = usize::try_from(config.max_body_bytes).unwrap_or(usize::MAX);
        match &mut self.response {
            ResponseMode::Pass => Action::Continue,
            ResponseMode::Refuse { stream } => {
                let stream = *stream;
                if !end_of_stream {
                    let _ = host::set_buffer(BufferType::HttpResponseBody, 0, body_size, b"");
                    return Action::Continue;
                }
                filter.metrics.bump(filter.metrics.unreadable, self.tag);
                // Throttle (after this filter on the response) sees only
                // the error: the upstream answered, usage unknown, so it
                // keeps the reservation.
                self.report_upstream(None);
                if stream {
                    let event =
                        sse::error_event(self.response_api, &self.error_reply(Direction::Response));
                    let _ = host::set_buffer(BufferType::HttpResponseBody, 0, body_size, &event);
                } else {
                    self.replace_response_with_error(body_size);
                }
                self.response = ResponseMode::Pass;
                Action::Continue
            }
            ResponseMode::Stream(inspector) => {
                if inspector.is_done() && self.reset_upstream {
                    // The client has the error event; a local reply after
                    // the response headers resets the stream, which stops
                    // the upstream generating what nobody will read.
                    let _ = host::set_buffer(BufferType::HttpResponseBody, 0, body_size, b"");
                    if !end_of_stream {
                        self.reset_upstream = false;
                        let _ = host::send_local_response(400, &[], b"", "tollgate_stream_blocked");
                    }
                    return Action::Continue;
                }
                let chunk = match host::buffer(BufferType::HttpResponseBody, 0, body_size) {
                    Ok(c) => c,
                    Err(e) => {
                        log::warn!("{}: cannot read a response chunk: {e}", self.tag);
                        Vec::new()
                    }
                };
                let scanner = filter
                    .engine
                    .stream_scanner(&self.path, self.system_prompt.as_ref());
                let step = inspector.push(&scanner, &chunk, end_of_stream);
                let usage = inspector.usage();
                if let Err(e) =
                    host::set_buffer(BufferType::HttpResponseBody, 0, body_size, &step.out)
                {
                    log::warn!("{}: cannot rewrite a response chunk: {e}", self.tag);
                }
                if let Some(verdict) = filter.engine.stream_verdict(&step) {
                    self.record(Direction::Response, &verdict);
                }
                if step.blocked {
                    filter.metrics.bump(filter.metrics.blocked, self.tag);
                    // What the upstream reported before the block, for
                    // throttle: the rest of the stream never reaches it.
                    self.report_upstream((!usage.estimated).then_some(usage));
                    self.reset_upstream = !end_of_stream;
                }
                Action::Continue
            }
            ResponseMode::Buffer { encoding } => {
                let encoding = *encoding;
                if body_size > max {
                    filter.metrics.bump(filter.metrics.oversize, self.tag);
                    self.response = ResponseMode::Refuse { stream: false };
                    let _ = host::set_buffer(BufferType::HttpResponseBody, 0, body_size, b"");
                    if end_of_stream {
                        self.replace_response_with_error(0);
                        self.response = ResponseMode::Pass;
                        return Action::Continue;
                    }
                    return Action::Continue;
                }
                if !end_of_stream {
                    return Action::Pause;
                }
                self.response = ResponseMode::Pass;
                let raw =
                    host::buffer(BufferType::HttpResponseBody, 0, body_size).unwrap_or_default();
                let body = match decompress::decompress(encoding, &raw, max) {
                    Ok(b) => b,
                    Err(e) => {
                        log::warn!("{}: cannot decompress the response: {e}", self.tag);
                        filter.metrics.bump(filter.metrics.unreadable, self.tag);
                        self.replace_response_with_error(body_size);
                        return Action::Continue;
                    }
                };
                let mut verdict = filter.engine.response(
                    self.response_api,
                    &self.path,
                    &body,
                    self.system_prompt.as_ref(),
                );
                if verdict.outcome == Outcome::Block(BlockReason::Unparsable)
                    && self.response_status >= 400
                {
                    // An error in the upstream's (or Envoy's) own format is
                    // not a completion that failed to parse: it is read as
                    // plain text instead, and still inspected.
                    verdict = filter.engine.response(
                        ApiKind::Unknown,
                        &self.path,
                        &body,
                        self.system_prompt.as_ref(),
                    );
                }
                self.record(Direction::Response, &verdict);
                let new_body = match verdict.outcome {
                    Outcome::Block(_) => {
                        filter.metrics.bump(filter.metrics.blocked, self.tag);
                        // Tell throttle what the upstream generated: it sees
                        // only the error from here on.
                        self.report_upstream(usage::usage_from_response(self.response_api, &body));
                        self.replace_response_with_error(body_size);
                        return Action::Continue;
                    }
                    Outcome::Rewrite(bytes) => Some(bytes),
                    Outcome::Pass if encoding != Encoding::Identity => Some(body),
                    Outcome::Pass => None,
                };
                match new_body {
                    Some(bytes) => {
                        if config.hold_headers {
                            self.set_response_header("content-length", &bytes.len().to_string());
                        }
                        if let Err(e) =
                            host::set_buffer(BufferType::HttpResponseBody, 0, body_size, &bytes)
                        {
                            log::warn!("{}: cannot rewrite the response: {e}", self.tag);
                        }
                    }
                    None if config.hold_headers => {
                        self.set_response_header("content-length", &body_size.to_string());
                    }
                    None => {}
                }
                Action::Continue
            }
        }
    }
}

impl Request {
    /// Leaves throttle (before this filter on the request, after it on the
    /// response) the upstream's status and usage of a response this filter
    /// blocked: it sees only the error.
    fn report_upstream(&self, usage: Option<usage::Usage>) {
        let report = UpstreamReport {
            status: self.response_status,
            usage,
        };
        if let Err(e) = host::set_property(&[UPSTREAM_PROPERTY], &report.encode()) {
            log::debug!("{}: cannot leave the upstream report: {e}", self.tag);
        }
    }

    fn set_request_header(&self, name: &str, value: &str) {
        if let Err(e) = host::set_header(MapType::HttpRequestHeaders, name, value) {
            log::debug!("{}: cannot set {name}: {e}", self.tag);
        }
    }

    fn remove_request_header(&self, name: &str) {
        if let Err(e) = host::remove_header(MapType::HttpRequestHeaders, name) {
            log::debug!("{}: cannot remove {name}: {e}", self.tag);
        }
    }

    fn set_response_header(&self, name: &str, value: &str) {
        if let Err(e) = host::set_header(MapType::HttpResponseHeaders, name, value) {
            log::debug!("{}: cannot set response {name}: {e}", self.tag);
        }
    }

    fn remove_response_header(&self, name: &str) {
        if let Err(e) = host::remove_header(MapType::HttpResponseHeaders, name) {
            log::debug!("{}: cannot remove response {name}: {e}", self.tag);
        }
    }

    /// The body with the canary in its system prompt, if one is configured
    /// and the body may change (not a signed request).
    fn canary(&self, body: &[u8]) -> Option<Vec<u8>> {
        if self.signed {
            return None;
        }
        self.filter.engine.with_canary(self.canary_api, body)
    }

    /// A signed request the policy would change: refused (400
    /// `signed_body_rewrite`), never forwarded with a broken signature.
    fn refuse_signed(&mut self) -> Action {
        log::info!(
            "{}: request_id={} signed body would change: refused",
            self.tag,
            self.request_id
        );
        let reply = ErrorReply::new(
            ErrorKind::InvalidRequest,
            "the request is signed over its body (AWS SigV4) and the policy would change the body (redaction): send it with a key the gateway replaces instead (a Bedrock API key), or without what the policy redacts",
            self.request_id.clone(),
        )
        .with_code("signed_body_rewrite");
        self.send(&reply)
    }

    /// Replace the whole buffered request body (and fix content-length when
    /// headers are held).
    fn replace_request_body(&self, bytes: &[u8]) -> Result<(), host::HostError> {
        // The size argument covers the whole buffer: Envoy and tollgate-host
        // replace [start, start+size) and a size past the end means "to the
        // end".
        host::set_buffer(BufferType::HttpRequestBody, 0, usize::MAX >> 1, bytes)?;
        if self.filter.config().hold_headers {
            self.set_request_header("content-length", &bytes.len().to_string());
        }
        Ok(())
    }

    /// The error a block sends, in the API's dialect.
    fn error_reply(&self, direction: Direction) -> ErrorReply {
        let config = self.filter.config();
        let kind = if config.block_status == 403 {
            ErrorKind::PermissionDenied
        } else {
            ErrorKind::InvalidRequest
        };
        let message = match direction {
            Direction::Request => config.block_message.clone(),
            Direction::Response => config.block_message.replacen("request", "response", 1),
        };
        ErrorReply::new(kind, message, self.request_id.clone())
            .with_code("content_policy_violation")
    }

    /// Refuse the request with a policy block.
    fn block(&mut self, direction: Direction, reason: BlockReason) -> Action {
        let filter = Rc::clone(&self.filter);
        filter.metrics.bump(filter.metrics.blocked, self.tag);
        match reason {
            BlockReason::Detector(_) => {
                let reply = self.error_reply(direction);
                self.send(&reply)
            }
            BlockReason::Unparsable => self.refuse(
                ErrorKind::InvalidRequest,
                &format!(
                    "request body cannot be read as a {} request",
                    self.head.as_ref().map_or("unknown", Head::route_id)
                ),
            ),
            BlockReason::Opaque => self.refuse(
                ErrorKind::InvalidRequest,
                "request has parts that cannot be inspected (images, audio, files or token ids)",
            ),
        }
    }

    fn too_large(&mut self) -> Action {
        let filter = Rc::clone(&self.filter);
        filter.metrics.bump(filter.metrics.oversize, self.tag);
        let max = filter.config().max_body_bytes;
        self.refuse(
            ErrorKind::PayloadTooLarge,
            &format!("request body is larger than {max} bytes"),
        )
    }

    fn refuse(&mut self, kind: ErrorKind, message: &str) -> Action {
        if self.request_id.is_empty() {
            self.request_id = reply::request_id();
        }
        let reply = ErrorReply::new(kind, message, self.request_id.clone());
        self.send(&reply)
    }

    fn send(&mut self, reply: &ErrorReply) -> Action {
        self.replied = true;
        self.request_done = true;
        if let Err(e) = reply::send_error(self.flavor, reply) {
            log::warn!("{}: cannot send the error reply: {e}", self.tag);
        }
        Action::Pause
    }

    /// Replace a buffered response with the block error (status too, when
    /// headers are held).
    fn replace_response_with_error(&mut self, body_size: usize) {
        let reply = self.error_reply(Direction::Response);
        let flavor = self.flavor;
        let body = reply.body(flavor);
        if self.filter.config().hold_headers {
            self.set_response_header(":status", &reply.status.to_string());
            self.set_response_header("content-length", &body.len().to_string());
            for (name, value) in reply.headers(flavor) {
                self.set_response_header(name, &value);
            }
        }
        self.set_response_header("content-type", "application/json");
        if let Err(e) = host::set_buffer(BufferType::HttpResponseBody, 0, body_size, &body) {
            log::warn!("{}: cannot replace the response: {e}", self.tag);
        }
    }

    fn call_guard(
        &mut self,
        guard: &tollgate_core::config::inspect::GuardConfig,
        segments: Vec<Segment>,
        body: Vec<u8>,
        boundary: Option<String>,
    ) -> Action {
        let route = self.head.as_ref().map_or("unknown", Head::route_id);
        let payload = guard::payload(route, &self.path, &self.request_id, &segments);
        let authority = guard.authority.as_deref().unwrap_or(&guard.cluster);
        let headers = [
            (":method", "POST"),
            (":path", guard.path.as_str()),
            (":authority", authority),
            ("content-type", "application/json"),
            ("x-request-id", self.request_id.as_str()),
        ];
        // The SDK's dispatch, not glue's: the SDK routes the answer to this
        // context only for tokens it registered itself.
        match self.dispatch_http_call(
            &guard.cluster,
            headers.to_vec(),
            Some(&payload),
            Vec::new(),
            Duration::from_millis(u64::from(guard.timeout_ms)),
        ) {
            Ok(token) => {
                self.guard = Some(GuardCall {
                    token,
                    segments,
                    body,
                    boundary,
                });
                Action::Pause
            }
            Err(e) => {
                self.guard_failed(&format!("cannot call cluster: {e:?}"));
                if self.replied {
                    return Action::Pause;
                }
                if let Some(bytes) = self.canary(&body) {
                    if let Err(e) = self.replace_request_body(&bytes) {
                        log::warn!("{}: cannot add the canary: {e}", self.tag);
                    }
                }
                Action::Continue
            }
        }
    }

    /// The guard did not answer usefully: apply its failure mode.
    fn guard_failed(&mut self, why: &str) {
        // In a call's answer the request is paused and must be resumed here;
        // when the call could not even start, the body callback that tried
        // returns Continue itself.
        let call = self.guard.take();
        let filter = Rc::clone(&self.filter);
        filter.metrics.bump(filter.metrics.guard_errors, self.tag);
        let fail = filter
            .config()
            .guard
            .as_ref()
            .map_or(FailMode::Closed, |g| g.fail);
        log::warn!(
            "{}: guard failed ({why}), failing {}",
            self.tag,
            if fail == FailMode::Open {
                "open"
            } else {
                "closed"
            }
        );
        match (fail, call) {
            (FailMode::Open, Some(call)) => {
                if let Some(bytes) = self.canary(&call.body) {
                    if let Err(e) = self.replace_request_body(&bytes) {
                        log::warn!("{}: cannot add the canary: {e}", self.tag);
                    }
                }
                if let Err(e) = host_resume_request() {
                    log::debug!("{}: resume: {e}", self.tag);
                }
            }
            (FailMode::Open, None) => {}
            (FailMode::Closed, _) => {
                self.refuse(ErrorKind::Unavailable, "content inspection is unavailable");
            }
        }
    }

    /// Metrics, decision metadata and the audit line for a verdict.
    fn record(&mut self, direction: Direction, verdict: &Verdict) {
        let filter = Rc::clone(&self.filter);
        let config = filter.config();
        if let Some(e) = &verdict.unreadable {
            filter.metrics.bump(filter.metrics.unreadable, self.tag);
            log::info!(
                "{}: {} body unreadable request_id={}: {e}",
                self.tag,
                direction.as_str(),
                self.request_id
            );
        }
        let consumer = self.consumer.as_deref().unwrap_or("anonymous");
        for f in &verdict.findings {
            filter.metrics.labelled.add(
                &metrics::INSPECT_FINDINGS,
                &[
                    direction.as_str(),
                    f.family.as_str(),
                    f.action.as_str(),
                    &f.kind,
                    consumer,
                ],
                1,
            );
        }
        let outcome = match (&verdict.outcome, config.shadow) {
            (Outcome::Block(_), _) => "block",
            (Outcome::Rewrite(_), _) if verdict.has_action(Act::Redact) => "redact",
            (Outcome::Rewrite(_), _) => "rewrite",
            (Outcome::Pass, true) if !verdict.findings.is_empty() => "shadow",
            (Outcome::Pass, _) if verdict.unreadable.is_some() => "unreadable",
            (Outcome::Pass, _) if !verdict.findings.is_empty() => "audit",
            (Outcome::Pass, _) => "pass",
        };
        if matches!(verdict.outcome, Outcome::Rewrite(_)) && direction == Direction::Request {
            filter.metrics.bump(filter.metrics.rewritten, self.tag);
        }
        let reason = match &verdict.outcome {
            Outcome::Block(r) => r.as_str(),
            _ => "",
        };
        self.set_metadata(direction, outcome, reason, &verdict.findings);
        if config.audit_log && (!verdict.findings.is_empty() || !reason.is_empty()) {
            let mut line = String::new();
            for f in &verdict.findings {
                let _ = write!(
                    line,
                    " {}/{}@{}:{}:{}",
                    f.family,
                    f.kind,
                    f.role.as_str(),
                    f.loc,
                    f.action.as_str()
                );
                if !f.fingerprint.is_empty() {
                    let _ = write!(line, "#{}", f.fingerprint);
                }
            }
            if verdict.more_findings > 0 {
                let _ = write!(line, " (+{} more)", verdict.more_findings);
            }
            log::info!(
                "{}: audit request_id={} consumer={} api={} direction={} outcome={}{}{} findings:{}",
                self.tag,
                self.request_id,
                self.consumer.as_deref().unwrap_or("-"),
                self.head.as_ref().map_or("unknown", Head::route_id),
                direction.as_str(),
                outcome,
                if reason.is_empty() { "" } else { " reason=" },
                reason,
                line
            );
        }
    }

    fn set_metadata(
        &mut self,
        direction: Direction,
        outcome: &str,
        reason: &str,
        findings: &[Finding],
    ) {
        let mut rules: Vec<(String, u32)> = Vec::new();
        for f in findings {
            let key = format!("{}/{}", f.family, f.kind);
            match rules.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n = n.saturating_add(1),
                None => rules.push((key, 1)),
            }
        }
        // Inserted one by one: collecting into the map would sort the keys
        // with a sort compiled for this call alone (7 KB; the map orders them
        // anyway, and they are unique).
        let mut counts = serde_json::Map::new();
        for (k, n) in rules {
            counts.insert(k, serde_json::Value::from(n));
        }
        let summary = serde_json::json!({
            "outcome": outcome,
            "reason": reason,
            "rules": counts,
        });
        let summary = summary.to_string();
        match direction {
            Direction::Request => self.metadata.request = Some(summary),
            Direction::Response => self.metadata.response = Some(summary),
        }
        self.publish_metadata();
    }

    /// Writes the decision metadata: the route (set as soon as the request
    /// is classified) and each direction's summary so far.
    fn publish_metadata(&self) {
        let value = format!(
            "{{\"route\":\"{}\",\"request\":{},\"response\":{}}}",
            self.head.as_ref().map_or("unknown", Head::route_id),
            self.metadata.request.as_deref().unwrap_or("null"),
            self.metadata.response.as_deref().unwrap_or("null")
        );
        if let Err(e) = host::set_property(&["tollgate_inspect"], value.as_bytes()) {
            log::debug!("{}: cannot set decision metadata: {e}", self.tag);
        }
    }
}

/// Content types with no text for a detector: multipart uploads, audio,
/// images, video, raw bytes.
fn is_binary(content_type: &str) -> bool {
    let ct = content_type.trim().to_ascii_lowercase();
    [
        "multipart/",
        "audio/",
        "image/",
        "video/",
        "application/octet-stream",
    ]
    .iter()
    .any(|p| ct.starts_with(p))
}
