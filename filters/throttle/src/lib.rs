//! Tollgate `throttle`: how much a consumer may use (Istio phase AUTHZ,
//! after `auth`).
//!
//! A thin adapter over [`tollgate_core::throttle`]:
//!
//! 1. At the request headers it gathers the facts the rules match and key
//!    on: the consumer and `x-tollgate-label-*` that `auth` set, the path
//!    (normalised, classified by the route catalogue: a path that cannot be
//!    governed is a 400, an unknown route a 403 unless `routes` allows it),
//!    the caller's namespace and principal, configured headers. Each route
//!    is billed as the catalogue says (tokens, reported usage, a
//!    reservation that stands for batches, a reconciliation on retrieve).
//! 2. Rules that need no body (request counts, in-flight caps, keyed on
//!    the consumer, a header…) are decided at the headers, so a request is
//!    counted whatever the upstream does with its body. When a rule needs
//!    the body (a token or cost limit, a model), its decision waits for the
//!    whole body: the model, an estimate of the
//!    prompt's tokens and the output tokens it asks for (or
//!    `default_max_tokens`). The request *reserves* those, in every applying
//!    rule or in none; a request that does not fit gets 429 with
//!    `retry-after` and `x-ratelimit-*` in the API's error shape, so the
//!    SDKs raise `RateLimitError` and retry after the given time.
//! 3. An OpenAI-style stream is asked for its usage
//!    (`stream_options.include_usage`); the extra usage event is removed
//!    again when the client did not ask for it.
//! 4. When the response ends the reservation is replaced by the real usage
//!    (`usage` in JSON, the stream's usage events, an estimate when the
//!    upstream gives none; nothing for an upstream error), so the unused
//!    part comes back. A response `inspect` blocked is charged what the
//!    upstream reported before the block (`inspect` leaves it in filter
//!    state), else its reservation; a stream cut short without usage at
//!    least its reservation; a background response keeps its reservation
//!    until a retrieve reports the usage.
//!
//! # Trust
//! The consumer and labels come from request headers that `auth` sets after
//! removing the client's own. `throttle` must therefore run after `auth` in
//! the same filter chain (WasmPlugin phase AUTHZ after auth's AUTHN); without
//! `auth` before it, a client can choose its consumer and so its counters.
//!
//! # Counters
//! Local rules count in proxy-wasm shared data, with compare-and-swap, so
//! every worker of the sidecar shares them (see
//! [`tollgate_core::throttle::counters`]).
//!
//! # Metrics
//! The `THROTTLE_*` and `GEN_AI_*` entries of `tollgate_core::metrics`:
//! `tollgate_throttle_decisions_total{outcome, consumer, model}`,
//! `…_rule_decisions_total{rule, outcome}`, `…_budget_used_percent{kind,
//! consumer}` (gauge), `…_spikes_total{consumer, model}`,
//! `…_rls_failures_total{mode}`, `…_cost_microunits_total{consumer, model}`
//! (with `prices`), tokens as
//! `tollgate_gen_ai_client_token_usage_total{token_type, consumer, model}`
//! and histograms after the OpenTelemetry GenAI conventions,
//! `tollgate_gen_ai_server_time_to_first_token_milliseconds{model}` and
//! `…_request_duration_milliseconds{model}`; and unlabelled counters of
//! requests, reservations, estimates, the shared table and the rate-limit
//! service.
//! Decision metadata: the property `tollgate_throttle` (filter state
//! `wasm.tollgate_throttle`, in the access log): route, decision, consumer,
//! model, rule, shadow rules, spike, reserved tokens, and once the response
//! has ended the tokens it used (`input_tokens`, `output_tokens`,
//! `estimated`): set then rather than in `on_log`, so the access log does
//! not depend on the order in which Envoy runs its access loggers and the
//! filters' `on_log`.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType};
use tollgate_core::config::throttle::{RlsFailure, RlsWindows, UsageReports};
use tollgate_core::config::ThrottleConfig;
use tollgate_core::error::{ErrorFlavor, ErrorKind, ErrorReply};
use tollgate_core::metrics;
use tollgate_core::request::api::ApiKind;
use tollgate_core::request::catalogue::{Billing, Shape};
use tollgate_core::request::decompress::Encoding;
use tollgate_core::request::extract;
use tollgate_core::request::framing::Framing;
use tollgate_core::request::sse;
use tollgate_core::request::usage::{self, UpstreamReport, Usage, UPSTREAM_PROPERTY};
use tollgate_core::request::Head;
use tollgate_core::throttle::breaker::{Breaker, Permit};
use tollgate_core::throttle::counters::{SharedStore, StoreError, TableStats};
use tollgate_core::throttle::limiter::Series;
use tollgate_core::throttle::limiter::{
    Amounts, Applied, Denial, Facts, Limit, Limiter, RateStatus, Remaining, Reservation, RlsCall,
    Verdict,
};
use tollgate_core::throttle::rls::{self, Code};
use tollgate_core::throttle::spike::{SpikeParams, Verdict as SpikeVerdict};
use tollgate_core::throttle::stream::StreamMeter;
use tollgate_glue::host::{self, BufferType, HostError, MapType, MetricId};
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

const FILTER: &str = "throttle";
/// Headers carrying `auth`'s consumer labels: `x-tollgate-label-<name>`.
const LABEL_PREFIX: &str = "x-tollgate-label-";
/// Most response bytes kept to read a JSON body's usage; past it only the
/// last [`TAIL_BYTES`] are kept (the `usage` object ends a response).
const MAX_RESPONSE_BYTES: usize = 8 << 20;
/// The tail of an oversized response kept to find its `usage`.
const TAIL_BYTES: usize = 64 << 10;

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

/// The host's shared data as the core's [`SharedStore`].
struct HostStore;

impl SharedStore for HostStore {
    fn get(&self, key: &str) -> Result<Option<(Vec<u8>, u32)>, StoreError> {
        host::shared_data(key).map_err(|e| StoreError::Host(e.to_string()))
    }

    fn set(&self, key: &str, value: &[u8], cas: u32) -> Result<bool, StoreError> {
        match host::set_shared_data(key, value, (cas != 0).then_some(cas)) {
            Ok(()) => Ok(true),
            Err(HostError::CasMismatch) => Ok(false),
            Err(e) => Err(StoreError::Host(e.to_string())),
        }
    }
}

/// The unlabelled metrics by id (defined in `on_configure`); the labelled
/// ones through [`Registry`] (see `tollgate_core::metrics`).
struct Metrics {
    requests: MetricId,
    outstanding: MetricId,
    estimated: MetricId,
    cas_retries: MetricId,
    evictions: MetricId,
    store_errors: MetricId,
    rls_calls: MetricId,
    rls_errors: MetricId,
    rls_over_limit: MetricId,
    rls_latency: MetricId,
    rls_reports: MetricId,
    spike_limited: MetricId,
    streams_cut: MetricId,
    unreadable: MetricId,
    unknown_routes: MetricId,
    keys_refused: MetricId,
    deferred: MetricId,
    reconciled: MetricId,
    rls_reports_refused: MetricId,
    /// An over-limit answer that did not say when its window resets.
    rls_reset_unknown: MetricId,
    /// Calls not made because the breaker is open.
    rls_short_circuits: MetricId,
    /// Times the breaker opened.
    rls_breaker_opened: MetricId,
    /// Workers whose breaker is open (gauge).
    rls_breaker_open: MetricId,
    labelled: Registry,
}

impl Metrics {
    fn define() -> Result<Self, HostError> {
        let labelled = Registry::new();
        let d = |m: &metrics::Metric| labelled.define(m);
        Ok(Self {
            requests: d(&metrics::THROTTLE_REQUESTS)?,
            outstanding: d(&metrics::THROTTLE_OUTSTANDING)?,
            estimated: d(&metrics::THROTTLE_ESTIMATED)?,
            cas_retries: d(&metrics::THROTTLE_CAS_RETRIES)?,
            evictions: d(&metrics::THROTTLE_EVICTIONS)?,
            store_errors: d(&metrics::THROTTLE_STORE_ERRORS)?,
            rls_calls: d(&metrics::THROTTLE_RLS_CALLS)?,
            rls_errors: d(&metrics::THROTTLE_RLS_ERRORS)?,
            rls_over_limit: d(&metrics::THROTTLE_RLS_OVER_LIMIT)?,
            rls_latency: d(&metrics::THROTTLE_RLS_LATENCY)?,
            rls_reports: d(&metrics::THROTTLE_RLS_REPORTS)?,
            spike_limited: d(&metrics::THROTTLE_SPIKE_LIMITED)?,
            streams_cut: d(&metrics::THROTTLE_STREAMS_CUT)?,
            unreadable: d(&metrics::THROTTLE_UNREADABLE)?,
            unknown_routes: d(&metrics::THROTTLE_UNKNOWN_ROUTES)?,
            keys_refused: d(&metrics::THROTTLE_KEYS_REFUSED)?,
            deferred: d(&metrics::THROTTLE_DEFERRED)?,
            reconciled: d(&metrics::THROTTLE_RECONCILED)?,
            rls_reports_refused: d(&metrics::THROTTLE_RLS_REPORTS_REFUSED)?,
            rls_reset_unknown: d(&metrics::THROTTLE_RLS_RESET_UNKNOWN)?,
            rls_short_circuits: d(&metrics::THROTTLE_RLS_SHORT_CIRCUITS)?,
            rls_breaker_opened: d(&metrics::THROTTLE_RLS_BREAKER_OPENED)?,
            rls_breaker_open: d(&metrics::THROTTLE_RLS_BREAKER_OPEN)?,
            labelled,
        })
    }

    fn add(&self, metric: MetricId, n: u64) {
        if n > 0 {
            let _ = host::increment_metric(metric, i64::try_from(n).unwrap_or(i64::MAX));
        }
    }

    fn table(&self, stats: TableStats) {
        self.add(self.cas_retries, u64::from(stats.cas_retries));
        self.add(self.evictions, u64::from(stats.evictions));
    }

    /// One decision on a request (`admitted` / `limited`) on route `api`.
    fn decision(&self, outcome: &str, api: &str, consumer: &str, model: &str) {
        self.labelled.add(
            &metrics::THROTTLE_DECISIONS,
            &[outcome, api, consumer, model],
            1,
        );
    }

    /// One rule's part in a decision (`admitted` / `limited` / `shadow_limited`).
    fn rule(&self, rule: &str, outcome: &str) {
        self.labelled
            .add(&metrics::THROTTLE_RULE_DECISIONS, &[rule, outcome], 1);
    }

    /// The share of the tightest limit of `kind` a consumer has used.
    fn budget(&self, kind: &str, consumer: &str, status: Option<Remaining>) {
        if let Some(r) = status.filter(|r| r.limit > 0) {
            let used = r.limit.saturating_sub(r.remaining);
            let percent = used.saturating_mul(100).checked_div(r.limit).unwrap_or(0);
            self.labelled
                .record(&metrics::THROTTLE_BUDGET_USED, &[kind, consumer], percent);
        }
    }
}

/// What `on_configure` builds and every request shares.
struct Filter {
    config: ThrottleConfig,
    limiter: Limiter,
    header_names: Vec<String>,
    needs_body: bool,
    metrics: Metrics,
    /// Usage above a reservation, to count with the rate-limit service.
    /// Sent by the root on its tick: a call made from a stream's context is
    /// cancelled when the stream ends, and reports are made as it ends.
    reports: RefCell<Vec<Vec<u8>>>,
    /// Spike detection: request and token series, and the tighter limit.
    spike: Option<Spike>,
    /// Fail fast while the rate-limit service is down.
    breaker: RefCell<Breaker>,
    /// What the open-breaker gauge shows for this worker.
    breaker_shown: std::cell::Cell<bool>,
}

impl Filter {
    /// A call to the rate-limit service failed: the breaker counts it.
    fn breaker_failed(&self, tag: Tag) {
        let opened = self.breaker.borrow_mut().failure(now_ms());
        if opened {
            self.metrics.add(self.metrics.rls_breaker_opened, 1);
            log::warn!(
                "{tag}: the rate-limit service keeps failing: its failure mode applies without calling it for {} ms",
                self.config.rls.as_ref().map_or(0, |r| r.breaker.cooldown_ms)
            );
        }
        self.breaker_gauge();
    }

    /// The gauge follows this worker's breaker.
    fn breaker_gauge(&self) {
        let open = self.breaker.borrow().is_open();
        let was = self.breaker_shown.replace(open);
        if open != was {
            let _ =
                host::increment_metric(self.metrics.rls_breaker_open, if open { 1 } else { -1 });
        }
    }
}

struct Spike {
    requests: SpikeParams,
    tokens: SpikeParams,
    limit_requests: Option<u64>,
}

/// Most distinct models one request may name (a batch across more is
/// refused: each is counted under every rule).
const MAX_MODELS: usize = 16;

/// Most usage reports waiting for the root's tick; past it the oldest are
/// dropped (and counted as errors): the service is not keeping up.
const MAX_PENDING_REPORTS: usize = 4096;

struct Root {
    context_id: u32,
    /// `None` until `on_configure` succeeds; Envoy creates no stream before.
    filter: Option<Rc<Filter>>,
}

impl Context for Root {
    fn on_grpc_call_response(&mut self, _token: u32, status: u32, size: usize) {
        // A usage report's answer: count a failure, or a report the service
        // did not count (an all-or-nothing service over its limit).
        let Some(filter) = &self.filter else {
            return;
        };
        if status != 0 {
            filter.metrics.add(filter.metrics.rls_errors, 1);
            filter.breaker_failed(Tag::new(FILTER, self.context_id));
            return;
        }
        let over = host::buffer(BufferType::GrpcReceiveBuffer, 0, size)
            .ok()
            .and_then(|b| rls::decode_response(&b).ok())
            .is_some_and(|r| r.overall_code == Code::OverLimit);
        if over {
            filter.metrics.add(filter.metrics.rls_reports_refused, 1);
        }
    }
}

impl RootContext for Root {
    fn on_configure(&mut self, size: usize) -> bool {
        logger::init(FILTER);
        let tag = Tag::new(FILTER, self.context_id);
        let Some(bytes) = tollgate_glue::config::plugin_configuration(FILTER, size) else {
            return false;
        };
        let Some(config) = tollgate_glue::config::load::<ThrottleConfig>(FILTER, &bytes) else {
            return false;
        };
        // Every worker gets the same configuration, so the same seed: they
        // must agree on where a counter lives.
        let seed = tollgate_core::throttle::counters::hash(0, &bytes);
        let limiter = Limiter::new(&config, seed);
        let Some(metrics) =
            tollgate_glue::config::step(tag, "cannot define metrics", Metrics::define())
        else {
            return false;
        };
        log::info!(
            "{tag}: configured: {} rules, {} slots",
            limiter.rules.len(),
            config.local.max_keys
        );
        if config.rls.is_some() {
            if let Err(e) = host::set_tick_period(Duration::from_millis(200)) {
                log::error!("{tag}: cannot set the tick period: {e}");
                return false;
            }
        }
        let spike = config.spike.as_ref().map(|c| {
            let (requests, tokens) = c.params();
            Spike {
                requests,
                tokens,
                limit_requests: c.limit_requests,
            }
        });
        let breaker = config.rls.as_ref().map_or(Breaker::new(0, 0), |r| {
            Breaker::new(r.breaker.failures, u64::from(r.breaker.cooldown_ms))
        });
        self.filter = Some(Rc::new(Filter {
            spike,
            header_names: limiter.header_names(),
            // Spike baselines are per consumer and model: the model is in
            // the body.
            needs_body: limiter.needs_body() || config.spike.is_some(),
            limiter,
            config,
            breaker: RefCell::new(breaker),
            breaker_shown: std::cell::Cell::new(false),
            metrics,
            reports: RefCell::new(Vec::new()),
        }));
        true
    }

    fn on_tick(&mut self) {
        let Some(filter) = self.filter.clone() else {
            return;
        };
        let Some(rls_config) = &filter.config.rls else {
            return;
        };
        if filter.breaker.borrow().is_open() {
            // Kept (up to the bound) until a request's probe finds the
            // service back.
            return;
        }
        let reports = match filter.reports.try_borrow_mut() {
            Ok(mut r) => std::mem::take(&mut *r),
            Err(_) => return,
        };
        let (service, method) = match rls_config.usage_reports {
            UsageReports::ShouldRateLimit => (rls::SERVICE, rls::METHOD),
            UsageReports::LimitadorReport => (rls::KUADRANT_SERVICE, rls::KUADRANT_REPORT_METHOD),
        };
        for message in reports {
            filter.metrics.add(filter.metrics.rls_reports, 1);
            if let Err(e) = self.dispatch_grpc_call(
                &rls_config.cluster,
                service,
                method,
                Vec::new(),
                Some(&message),
                Duration::from_millis(u64::from(rls_config.timeout_ms)),
            ) {
                filter.metrics.add(filter.metrics.rls_errors, 1);
                log::debug!(
                    "{}: cannot report usage: {e:?}",
                    Tag::new(FILTER, self.context_id)
                );
            }
        }
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }

    fn create_http_context(&self, context_id: u32) -> Option<Box<dyn HttpContext>> {
        let filter = self.filter.clone()?;
        Some(Box::new(Request::new(Tag::new(FILTER, context_id), filter)))
    }
}

/// Where a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Waiting for the whole request body.
    Body,
    /// Waiting for the rate-limit service.
    Rls,
    /// Admitted: holds a reservation until it ends.
    Admitted,
    /// Refused, or nothing to do.
    Done,
}

struct Request {
    tag: Tag,
    filter: Rc<Filter>,
    stage: Stage,
    /// The request as the route catalogue reads it.
    head: Option<Head>,
    /// The dialect of errors.
    flavor: ErrorFlavor,
    /// The normalised path (what `match.routes` and the `route` key see).
    path: String,
    /// The route's canonical path (the path itself outside the catalogue).
    canonical: String,
    content_type: String,
    /// How the route is billed.
    billing: Billing,
    /// The request asked to run in the background.
    background: bool,
    /// A batch input file upload: its id is recorded when the upload
    /// succeeds, for one batch to run.
    batch_upload: bool,
    /// A background response's id, whose reservation is kept for a
    /// retrieve to reconcile.
    defer_id: Option<String>,
    consumer: Option<String>,
    labels: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    namespace: Option<String>,
    principal: Option<String>,
    model: Option<String>,
    /// Every other distinct model the request names (an Azure deployment
    /// and a body model, the requests of a batch): each is counted under
    /// the rules too, and the charge is priced at the dearest.
    other_models: Vec<String>,
    prompt_estimate: u64,
    reservation: Option<Reservation>,
    /// What the rules that need no body reserved at the request headers
    /// (joined to the body's reservation, or settled as a request when the
    /// body never comes).
    pre: Option<Reservation>,
    /// Those rules, with their keys: not applied again at the body.
    pre_applied: Vec<Applied>,
    /// The rate-limit service is answering for the header-time rules.
    early: bool,
    status: RateStatus,
    /// `stream_options.include_usage` was added by us.
    injected_usage: bool,
    response_status: Option<u16>,
    stream: Option<StreamMeter>,
    body: Vec<u8>,
    body_overflow: bool,
    /// Response body bytes seen, all of them.
    body_total: u64,
    /// The request body's coding (a compressed body is read, and
    /// forwarded, inflated).
    request_encoding: Encoding,
    /// The response's `content-encoding` is not identity: its bytes are not
    /// read as JSON or SSE.
    response_encoded: bool,
    started_ms: u64,
    first_byte_ms: Option<u64>,
    /// What the response used, read when it ended (so the access log can
    /// carry it: see the module docs); `settle` charges it.
    final_usage: Option<Usage>,
    shadow: Vec<Denial>,
    /// The rules that apply and what the request reserves.
    applied: Vec<Applied>,
    amounts: Amounts,
    /// Calls to the rate-limit service: made (kept for usage reports) and
    /// still unanswered (token, index into `rls_calls`).
    rls_calls: Vec<RlsCall>,
    rls_pending: Vec<(u32, usize)>,
    rls_sent_ms: u64,
    rls_failed: bool,
    rls_denial: Option<Denial>,
    /// A spike is active for this consumer and model.
    spike: bool,
    /// With `stream.cut_off`: the most output tokens the limits allow this
    /// request (its reservation plus what remained of the tightest token
    /// limit); `None` when no token limit applies.
    allowed_output: Option<u64>,
}

fn now_ms() -> u64 {
    host::now_nanos().unwrap_or_default() / 1_000_000
}

impl Request {
    fn new(tag: Tag, filter: Rc<Filter>) -> Self {
        Self {
            tag,
            filter,
            stage: Stage::Done,
            head: None,
            flavor: ErrorFlavor::OpenAi,
            path: String::new(),
            canonical: String::new(),
            content_type: String::new(),
            billing: Billing::None,
            background: false,
            batch_upload: false,
            defer_id: None,
            consumer: None,
            labels: Vec::new(),
            headers: Vec::new(),
            namespace: None,
            principal: None,
            model: None,
            other_models: Vec::new(),
            prompt_estimate: 0,
            reservation: None,
            pre: None,
            pre_applied: Vec::new(),
            early: false,
            status: RateStatus::default(),
            injected_usage: false,
            response_status: None,
            stream: None,
            body: Vec::new(),
            body_overflow: false,
            body_total: 0,
            request_encoding: Encoding::Identity,
            response_encoded: false,
            started_ms: 0,
            first_byte_ms: None,
            final_usage: None,
            shadow: Vec::new(),
            applied: Vec::new(),
            amounts: Amounts::default(),
            rls_calls: Vec::new(),
            rls_pending: Vec::new(),
            rls_sent_ms: 0,
            rls_failed: false,
            rls_denial: None,
            spike: false,
            allowed_output: None,
        }
    }

    /// Records a model the request names (first: the primary one).
    fn add_model(&mut self, name: String) {
        if self.model.is_none() {
            self.model = Some(name);
        } else if self.model.as_deref() != Some(name.as_str())
            && !self.other_models.contains(&name)
            && self.other_models.len() < MAX_MODELS
        {
            self.other_models.push(name);
        }
    }

    /// The models to count the request under: the primary one (or none),
    /// then the others.
    fn models(&self) -> Vec<Option<String>> {
        std::iter::once(self.model.clone())
            .chain(self.other_models.iter().cloned().map(Some))
            .collect()
    }

    fn facts(&self) -> Facts<'_> {
        Facts {
            consumer: self.consumer.as_deref(),
            model: self.model.as_deref(),
            route: &self.path,
            canonical: &self.canonical,
            namespace: self.namespace.as_deref(),
            principal: self.principal.as_deref(),
            labels: &self.labels,
            headers: &self.headers,
        }
    }
}

fn property_string(path: &[&str]) -> Option<String> {
    host::property(path)
        .ok()
        .flatten()
        .and_then(|b| String::from_utf8(b).ok())
        .filter(|s| !s.is_empty())
}

/// The namespace in a SPIFFE ID `spiffe://<td>/ns/<ns>/sa/<sa>`.
fn spiffe_namespace(principal: &str) -> Option<&str> {
    let rest = principal.strip_prefix("spiffe://")?;
    let mut parts = rest.split('/').skip(1);
    while let Some(p) = parts.next() {
        if p == "ns" {
            return parts.next().filter(|n| !n.is_empty());
        }
    }
    None
}

impl Context for Request {
    fn on_grpc_call_response(&mut self, token: u32, status: u32, size: usize) {
        self.rls_answer(token, status, size);
    }
}

impl HttpContext for Request {
    fn on_http_request_headers(&mut self, _headers: usize, end_of_stream: bool) -> Action {
        let filter = Rc::clone(&self.filter);
        filter.metrics.add(filter.metrics.requests, 1);
        self.started_ms = now_ms();
        let header = |name: &str| {
            host::header(MapType::HttpRequestHeaders, name)
                .ok()
                .flatten()
        };
        let read = req::head();
        self.flavor = read.flavor;
        self.content_type = read.content_type;
        self.consumer = header(&filter.config.consumer_header).filter(|c| !c.is_empty());
        if let Ok(all) = host::headers(MapType::HttpRequestHeaders) {
            for (name, value) in all {
                if let Some(label) = name.strip_prefix(LABEL_PREFIX) {
                    if let Ok(v) = String::from_utf8(value) {
                        self.labels.push((label.to_owned(), v));
                    }
                }
            }
        }
        for name in &filter.header_names {
            if let Some(v) = header(name) {
                self.headers.push((name.clone(), v));
            }
        }
        self.principal = property_string(&["source", "principal"])
            .or_else(|| property_string(&["connection", "uri_san_peer_certificate"]));
        self.namespace = self
            .principal
            .as_deref()
            .and_then(spiffe_namespace)
            .map(str::to_owned)
            .or_else(|| property_string(&["node", "metadata", "NAMESPACE"]));
        // The same reading of the request as every other filter: a path that
        // cannot be governed, or a route the catalogue does not know, is
        // refused rather than counted as something else.
        let head = match read.head {
            Ok(head) => head.serving(&filter.config.routes),
            Err(e) => {
                let reply = req::unreadable_path_reply(e, reply::request_id());
                return self.refuse(&reply, &[], "invalid_path");
            }
        };
        self.path = head.path.as_str();
        self.canonical = head
            .route
            .map_or_else(|| self.path.clone(), |r| r.canonical_path());
        if head.refused(&filter.config.routes) {
            filter.metrics.add(filter.metrics.unknown_routes, 1);
            log::info!("{}: unknown route path={}", self.tag, head.class());
            self.head = Some(head);
            let reply = Head::unknown_route_reply(reply::request_id());
            return self.refuse(&reply, &[], "unknown_route");
        }
        self.billing = head.route.map_or(Billing::None, |r| r.billing);
        match head.models() {
            Ok(models) => {
                for m in models {
                    self.add_model(m);
                }
            }
            Err(what) => {
                self.head = Some(head);
                return self.unreadable(&format!("the request names {what}"));
            }
        }
        let reads_body = !matches!(head.shape(), Shape::None | Shape::Opaque);
        let api = head.api();
        self.head = Some(head);
        // Only bodies that name models or tokens are read: an upload part,
        // a retrieve or a listing is decided at its headers and never held.
        if filter.needs_body && !end_of_stream && reads_body {
            self.request_encoding = match req::encoding() {
                Ok(e) => e,
                Err(coding) => {
                    return self.unreadable(&format!("content-encoding {coding} is not supported"))
                }
            };
            if self.request_encoding != Encoding::Identity {
                // Read inflated, forwarded inflated.
                let _ = host::remove_header(MapType::HttpRequestHeaders, "content-encoding");
            }
            self.stage = Stage::Body;
            // The response is read for its usage: ask for it uncompressed.
            let _ = host::set_header(MapType::HttpRequestHeaders, "accept-encoding", "identity");
            if matches!(api, ApiKind::ChatCompletions | ApiKind::Completions)
                && filter.config.stream.include_usage
                || self.request_encoding != Encoding::Identity
            {
                // The body may grow by `stream_options`, or is inflated.
                let _ = host::remove_header(MapType::HttpRequestHeaders, "content-length");
            }
            return self.decide_early();
        }
        self.decide(None)
    }

    fn on_http_request_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        if self.stage == Stage::Rls {
            // Waiting for the rate-limit service: nothing goes on before it
            // answers (with allow_on_headers_stop_iteration, a Pause at the
            // headers does not hold the body by itself).
            return Action::Pause;
        }
        if self.stage != Stage::Body {
            return Action::Continue;
        }
        if !end_of_stream {
            return Action::Pause;
        }
        self.decide(Some(body_size))
    }

    fn on_http_request_trailers(&mut self, _trailers: usize) -> Action {
        if self.stage == Stage::Rls {
            return Action::Pause;
        }
        // A body followed by trailers never ends in a body callback.
        if self.stage != Stage::Body {
            return Action::Continue;
        }
        let size = host::buffer(BufferType::HttpRequestBody, 0, usize::MAX >> 1)
            .map(|b| b.len())
            .unwrap_or_default();
        self.decide(Some(size))
    }

    fn on_http_response_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        if self.stage != Stage::Admitted {
            return Action::Continue;
        }
        let status = host::header(MapType::HttpResponseHeaders, ":status")
            .ok()
            .flatten()
            .and_then(|s| s.parse::<u16>().ok());
        self.response_status = status;
        self.response_encoded = host::header(MapType::HttpResponseHeaders, "content-encoding")
            .ok()
            .flatten()
            .is_some_and(|e| !matches!(Encoding::from_header(&e), Ok(Encoding::Identity)));
        // Any event stream is metered, whatever the request said.
        let framing = host::header(MapType::HttpResponseHeaders, "content-type")
            .ok()
            .flatten()
            .and_then(|ct| Framing::of(&ct))
            .filter(|_| !self.response_encoded);
        if let Some(framing) = framing {
            let meter = StreamMeter::framed(
                self.api(),
                framing,
                self.prompt_estimate,
                self.injected_usage,
                self.filter.config.stream.cut_off,
            );
            if meter.rewrites() {
                let _ = host::remove_header(MapType::HttpResponseHeaders, "content-length");
            }
            self.stream = Some(meter);
        }
        if self.filter.config.response_headers {
            for (name, value) in rate_headers(&self.status) {
                let _ = host::set_header(MapType::HttpResponseHeaders, name, &value);
            }
        }
        Action::Continue
    }

    fn on_http_response_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        if self.stage != Stage::Admitted {
            return Action::Continue;
        }
        if self.first_byte_ms.is_none() && body_size > 0 {
            self.first_byte_ms = Some(now_ms());
        }
        let chunk = host::buffer(BufferType::HttpResponseBody, 0, body_size).unwrap_or_default();
        let api = self.api();
        let allowed_output = self.allowed_output;
        if let Some(meter) = &mut self.stream {
            let cut_event = || {
                let reply = ErrorReply::new(
                    ErrorKind::RateLimited {
                        retry_after_secs: 0,
                        tokens: true,
                    },
                    "the completion exceeded the tokens the limit allows; the stream was ended",
                    reply::request_id(),
                )
                .with_code("tokens_limit_exceeded");
                sse::error_event(api, &reply)
            };
            let step = meter.push(&chunk, end_of_stream, allowed_output, &cut_event);
            if step.cut_now {
                self.filter.metrics.add(self.filter.metrics.streams_cut, 1);
                log::info!(
                    "{}: stream cut off after ~{} output tokens (allowed {})",
                    self.tag,
                    meter.usage().output_tokens,
                    allowed_output.unwrap_or_default()
                );
            }
            if let Some(out) = step.out {
                if let Err(e) = host::set_buffer(BufferType::HttpResponseBody, 0, body_size, &out) {
                    log::debug!("{}: cannot rewrite the stream: {e}", self.tag);
                }
            }
            if step.reset {
                // The client has its error event: stop the upstream. After
                // the response headers, a local reply resets the stream.
                let _ = host::send_local_response(429, &[], b"", "tollgate_stream_cut_off");
            }
        } else {
            self.body_total = self
                .body_total
                .saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
            self.body.extend_from_slice(&chunk);
            let cap = if self.body_overflow {
                TAIL_BYTES
            } else {
                MAX_RESPONSE_BYTES
            };
            if self.body.len() > cap {
                // Keep the tail, where `usage` is.
                self.body_overflow = true;
                let cut = self.body.len().saturating_sub(TAIL_BYTES);
                self.body.drain(..cut);
            }
        }
        if end_of_stream {
            if let Some(reservation) = self.reservation.clone() {
                self.final_usage = Some(self.usage(&reservation));
                self.metadata("admit", None);
            }
        }
        Action::Continue
    }

    fn on_http_response_trailers(&mut self, _trailers: usize) -> Action {
        // A stream that ends in trailers never sees end_of_stream in a body
        // callback: its last event is read here.
        if let Some(meter) = &mut self.stream {
            meter.trailers();
        }
        Action::Continue
    }

    fn on_log(&mut self) {
        match self.stage {
            Stage::Admitted => self.settle(),
            Stage::Rls => self.release(),
            // The body never came (the upstream answered first, the client
            // went away): the header-time rules keep the request counted.
            Stage::Body => {
                if let Some(pre) = self.pre.take() {
                    let filter = Rc::clone(&self.filter);
                    let one = Amounts {
                        requests: 1,
                        ..Amounts::default()
                    };
                    if let Err(e) = filter.limiter.settle(&HostStore, &pre, &one, now_ms()) {
                        filter.metrics.add(filter.metrics.store_errors, 1);
                        log::warn!("{}: cannot settle the reservation: {e}", self.tag);
                    }
                }
            }
            Stage::Done => {}
        }
    }
}

impl Request {
    /// At the headers of a request whose body is awaited: the rules that
    /// need no body (requests, in flight, keyed on the consumer, a header,
    /// the namespace…) are decided now, the rate-limit service asked while
    /// the request waits. So a request is counted and refused before its
    /// body, whatever the upstream does meanwhile (one that answers at the
    /// headers, a slow client).
    fn decide_early(&mut self) -> Action {
        let filter = Rc::clone(&self.filter);
        let facts = self.facts();
        let applied: Vec<Applied> = filter
            .limiter
            .applying(&facts)
            .into_iter()
            .filter(|a| {
                filter
                    .limiter
                    .rules
                    .get(a.rule)
                    .is_some_and(|r| !r.needs_body())
            })
            .collect();
        if applied.is_empty() {
            return Action::Continue;
        }
        // One request, no tokens: these rules count nothing else.
        let amounts = filter
            .limiter
            .reserve_amounts(self.model.as_deref(), 0, Some(0));
        let calls = filter.limiter.rls_calls(&applied, &facts, &amounts);
        let admission = match filter
            .limiter
            .admit(&HostStore, &applied, &amounts, now_ms())
        {
            Ok(a) => a,
            Err(e) => return self.store_unavailable(&e),
        };
        filter.metrics.table(admission.stats);
        self.note_shadow(&admission.shadow_denials);
        self.shadow.extend(admission.shadow_denials);
        self.status = admission.status;
        match admission.verdict {
            Verdict::Deny(denial) => self.limited(&denial),
            Verdict::Admit if calls.is_empty() => {
                self.pre = Some(admission.reservation);
                self.pre_applied = applied;
                Action::Continue
            }
            Verdict::Admit => {
                self.reservation = Some(admission.reservation);
                self.applied = applied;
                self.amounts = amounts;
                self.early = true;
                self.ask_rls(calls)
            }
        }
    }

    /// Logs and counts what shadow rules would have refused.
    fn note_shadow(&self, denials: &[Denial]) {
        let filter = &self.filter;
        for d in denials {
            filter.metrics.rule(&d.rule, "shadow_limited");
            log::info!(
                "{}: shadow: would limit consumer={} rule={}",
                self.tag,
                self.consumer.as_deref().unwrap_or("-"),
                d.rule
            );
        }
    }

    /// The request is complete enough to decide (headers only, or the whole
    /// body of `body_size` bytes).
    fn decide(&mut self, body_size: Option<usize>) -> Action {
        let filter = Rc::clone(&self.filter);
        self.stage = Stage::Done;
        // Only generations reserve output tokens; what else a model runs on
        // is charged as its response reports.
        let mut requested =
            (!matches!(self.billing, Billing::Tokens | Billing::Deferred)).then_some(0);
        if let Some(size) = body_size {
            let max = usize::try_from(filter.config.max_body_bytes).unwrap_or(usize::MAX);
            let body = match req::body(size, self.request_encoding, max) {
                Ok(b) => b,
                Err(e) => {
                    filter.metrics.add(filter.metrics.unreadable, 1);
                    let reply = e.reply(reply::request_id());
                    return self.refuse(&reply, &[], "unreadable");
                }
            };
            let shape = self.head.as_ref().map_or(Shape::None, Head::shape);
            // A body the limiter cannot read is not admitted: its model and
            // max_tokens would escape the rules.
            let facts = match read_body(shape, &self.content_type, &body.bytes) {
                Ok(f) => f,
                Err(_) => {
                    return self.unreadable("the request body is not a valid request of its API")
                }
            };
            for m in &facts.models {
                self.add_model(m.name.clone());
            }
            if self.model.is_none() {
                // A single-model server: the request means its model.
                if let Some(m) = self.head.as_ref().and_then(|h| h.served_model.clone()) {
                    self.add_model(m);
                }
            }
            if self.other_models.len() >= MAX_MODELS {
                return self.unreadable("the request names too many distinct models");
            }
            let generates = matches!(self.billing, Billing::Tokens | Billing::Deferred);
            if self.model.is_none()
                && self.billing == Billing::Tokens
                && filter.limiter.model_scoped()
            {
                return self.unreadable("the request names no model");
            }
            if self.billing == Billing::Deferred
                && facts.models.is_empty()
                && shape == Shape::Upload
                && facts.purpose.as_deref() != Some("batch")
            {
                // An upload that is not a batch file (a document, an
                // image): nothing will run on it by itself.
                self.billing = Billing::None;
                requested = Some(0);
            } else {
                self.prompt_estimate = usage::estimate_extracted_tokens(&facts);
            }
            self.background = facts.background;
            if let Some(action) = self.batch_files(shape, &facts) {
                return action;
            }
            if generates {
                requested =
                    Some(facts.requested_output(u64::from(filter.config.default_max_tokens)));
            }
            let api = self.api();
            let mut forward = body.inflated.then(|| body.bytes.clone());
            if filter.config.stream.include_usage
                && matches!(api, ApiKind::ChatCompletions | ApiKind::Completions)
                && facts.stream
                && facts.include_usage != Some(true)
            {
                // Ask for the usage event, so the stream ends with the
                // upstream's own count (removed again before the client).
                if let Some(new) = usage::add_include_usage(&body.bytes) {
                    forward = Some(new);
                    self.injected_usage = true;
                }
            }
            if let Some(bytes) = forward {
                if let Err(e) = host::set_buffer(BufferType::HttpRequestBody, 0, size, &bytes) {
                    log::debug!("{}: cannot rewrite the request body: {e}", self.tag);
                    self.injected_usage = false;
                    if body.inflated {
                        return self.unreadable("the request body could not be forwarded");
                    }
                }
            }
        }
        // Every model the request names is counted under the rules (one
        // key once), priced at the dearest.
        let mut applied: Vec<Applied> = Vec::new();
        let mut amounts = Amounts::default();
        let mut calls = Vec::new();
        for model in self.models() {
            let facts = Facts {
                model: model.as_deref(),
                ..self.facts()
            };
            let mine = filter.limiter.applying(&facts);
            let fresh: Vec<Applied> = mine
                .into_iter()
                .filter(|a| {
                    !applied
                        .iter()
                        .chain(&self.pre_applied)
                        .any(|b| b.rule == a.rule && b.key == a.key)
                })
                .collect();
            let these =
                filter
                    .limiter
                    .reserve_amounts(model.as_deref(), self.prompt_estimate, requested);
            if these.cost >= amounts.cost {
                amounts = these;
            }
            calls.extend(filter.limiter.rls_calls(&fresh, &facts, &these));
            applied.extend(fresh);
        }
        let mut admission = match filter
            .limiter
            .admit(&HostStore, &applied, &amounts, now_ms())
        {
            Ok(a) => a,
            Err(e) => {
                // Shared data failing is a host fault: refuse rather than
                // run unlimited.
                return self.store_unavailable(&e);
            }
        };
        filter.metrics.table(admission.stats);
        self.note_shadow(&admission.shadow_denials);
        self.shadow
            .extend(std::mem::take(&mut admission.shadow_denials));
        self.status.merge(&admission.status);
        if matches!(admission.verdict, Verdict::Admit) {
            // What the header-time rules hold goes with the rest.
            if let Some(pre) = self.pre.take() {
                admission.reservation.held.extend(pre.held);
            }
            applied.extend(std::mem::take(&mut self.pre_applied));
        }
        self.applied = applied;
        self.amounts = amounts;
        if matches!(admission.verdict, Verdict::Admit) {
            if let Some(action) = self.spike_check(&admission.reservation) {
                return action;
            }
        }
        match admission.verdict {
            Verdict::Deny(denial) => {
                self.release();
                self.limited(&denial)
            }
            Verdict::Admit if calls.is_empty() => {
                self.admitted(admission.reservation);
                Action::Continue
            }
            Verdict::Admit => {
                self.reservation = Some(admission.reservation);
                self.ask_rls(calls)
            }
        }
    }

    /// Counts the request in its consumer and model's spike baseline;
    /// refuses it when a spike is active and the tighter limit is reached.
    fn spike_check(&mut self, reservation: &Reservation) -> Option<Action> {
        let filter = Rc::clone(&self.filter);
        let spike = filter.spike.as_ref()?;
        let now = now_ms();
        let pair = self.pair();
        let (verdict, count) = match filter.limiter.observe_spike(
            &HostStore,
            (&pair.0, &pair.1),
            Series::Requests,
            1.0,
            now,
            &spike.requests,
        ) {
            Ok(v) => v,
            Err(e) => {
                filter.metrics.add(filter.metrics.store_errors, 1);
                log::debug!("{}: spike baseline unavailable: {e}", self.tag);
                return None;
            }
        };
        self.spike_seen(&verdict, "requests");
        let limit = spike.limit_requests?;
        if !verdict.active || count <= limit as f64 {
            return None;
        }
        // Over the tighter limit while the spike lasts: give back what the
        // limits reserved and refuse.
        if let Err(e) = filter
            .limiter
            .settle(&HostStore, reservation, &Amounts::default(), now)
        {
            log::warn!("{}: cannot release the reservation: {e}", self.tag);
        }
        filter.metrics.add(filter.metrics.spike_limited, 1);
        let (consumer, model) = self.pair();
        filter
            .metrics
            .decision("limited", self.route_id(), &consumer, &model);
        let period = u64::from(spike.requests.period_secs).max(1);
        let retry_ms = period
            .saturating_mul(1000)
            .saturating_sub(now.checked_rem(period.saturating_mul(1000)).unwrap_or(0));
        let retry = retry_ms.div_ceil(1000).max(1);
        let reply = ErrorReply::new(
            ErrorKind::RateLimited {
                retry_after_secs: retry,
                tokens: false,
            },
            format!(
                "unusual traffic: at most {limit} requests per {period} s while it lasts (rule `spike`)"
            ),
            reply::request_id(),
        )
        .with_code("rate_limit_exceeded");
        self.metadata("limit", None);
        Some(self.refuse(
            &reply,
            &[("retry-after-ms", retry_ms.to_string())],
            "rate_limited",
        ))
    }

    /// The consumer and model a spike baseline is kept for.
    fn pair(&self) -> (String, String) {
        (
            self.consumer
                .clone()
                .unwrap_or_else(|| "anonymous".to_owned()),
            self.model.clone().unwrap_or_else(|| "unknown".to_owned()),
        )
    }

    /// Reports a spike verdict: a log line and metrics once when it starts,
    /// decision metadata while it lasts.
    fn spike_seen(&mut self, verdict: &SpikeVerdict, series: &str) {
        self.spike |= verdict.active;
        if !verdict.newly {
            return;
        }
        let filter = Rc::clone(&self.filter);
        let (consumer, model) = self.pair();
        filter
            .metrics
            .labelled
            .add(&metrics::THROTTLE_SPIKES, &[&consumer, &model], 1);
        if let Some(a) = &verdict.anomaly {
            log::warn!(
                "{}: spike: consumer={consumer} model={model} series={series} count={:.0} baseline={:.1} sd={:.1} score={:.1}",
                self.tag,
                a.count,
                a.mean,
                a.sd,
                a.score
            );
        }
    }

    /// Asks the rate-limit service about the RLS rules; the request waits.
    fn ask_rls(&mut self, calls: Vec<RlsCall>) -> Action {
        let filter = Rc::clone(&self.filter);
        let Some(rls_config) = &filter.config.rls else {
            // Validation requires `rls` with RLS rules.
            self.rls_failed = true;
            return self.rls_done();
        };
        self.rls_sent_ms = now_ms();
        for (i, call) in calls.iter().enumerate() {
            let permit = filter.breaker.borrow_mut().permit(self.rls_sent_ms);
            if permit == Permit::Skip {
                // The service is down: the failure mode, now, not after a
                // timeout.
                filter.metrics.add(filter.metrics.rls_short_circuits, 1);
                self.rls_failed |= Self::binding(&filter, call);
                continue;
            }
            let message = rls::encode_request(&rls_config.domain, &call.descriptors, call.hits);
            filter.metrics.add(filter.metrics.rls_calls, 1);
            match self.dispatch_grpc_call(
                &rls_config.cluster,
                rls::SERVICE,
                rls::METHOD,
                Vec::new(),
                Some(&message),
                Duration::from_millis(u64::from(rls_config.timeout_ms)),
            ) {
                Ok(token) => self.rls_pending.push((token, i)),
                Err(e) => {
                    log::warn!("{}: cannot call the rate-limit service: {e:?}", self.tag);
                    filter.metrics.add(filter.metrics.rls_errors, 1);
                    filter.breaker_failed(self.tag);
                    self.rls_failed |= Self::binding(&filter, call);
                }
            }
        }
        self.rls_calls = calls;
        if self.rls_pending.is_empty() {
            return self.rls_done();
        }
        self.stage = Stage::Rls;
        Action::Pause
    }

    /// One answer of the rate-limit service.
    fn rls_answer(&mut self, token: u32, status: u32, size: usize) {
        let Some(at) = self.rls_pending.iter().position(|(t, _)| *t == token) else {
            return;
        };
        let (_, index) = self.rls_pending.swap_remove(at);
        let filter = Rc::clone(&self.filter);
        let _ = host::record_metric(
            filter.metrics.rls_latency,
            now_ms().saturating_sub(self.rls_sent_ms),
        );
        let decoded = if status == 0 {
            host::buffer(BufferType::GrpcReceiveBuffer, 0, size)
                .map_err(|e| e.to_string())
                .and_then(|b| rls::decode_response(&b).map_err(|e| e.to_string()))
        } else {
            Err(format!("gRPC status {status}"))
        };
        match decoded {
            Ok(response) if response.overall_code != Code::Unknown => {
                filter.breaker.borrow_mut().success();
                filter.breaker_gauge();
                self.rls_read(index, &response);
            }
            Ok(_) => {
                filter.metrics.add(filter.metrics.rls_errors, 1);
                filter.breaker_failed(self.tag);
                log::warn!("{}: the rate-limit service answered UNKNOWN", self.tag);
                self.rls_failed |= self.call_binds(index);
            }
            Err(e) => {
                filter.metrics.add(filter.metrics.rls_errors, 1);
                filter.breaker_failed(self.tag);
                log::warn!("{}: the rate-limit service failed: {e}", self.tag);
                self.rls_failed |= self.call_binds(index);
            }
        }
        if self.rls_pending.is_empty() && self.stage == Stage::Rls {
            let action = self.rls_done();
            if action == Action::Continue {
                if let Err(e) = host::resume(host::Stream::Request) {
                    log::warn!("{}: cannot resume the request: {e}", self.tag);
                }
            }
        }
    }

    /// Whether a failure of call `index` matters: it carries a rule that is
    /// not in shadow mode (a shadow rule never refuses, so its service
    /// failing must not either).
    fn call_binds(&self, index: usize) -> bool {
        self.rls_calls
            .get(index)
            .is_none_or(|call| Self::binding(&self.filter, call))
    }

    fn binding(filter: &Filter, call: &RlsCall) -> bool {
        call.rules
            .iter()
            .any(|r| filter.limiter.rules.get(*r).is_none_or(|rule| !rule.shadow))
    }

    /// Reads what the service said about call `index`: remaining amounts
    /// for the headers, and a refusal. Where a window resets comes from the
    /// service (its statuses, else its draft-03 headers), else from
    /// `rls.windows`.
    fn rls_read(&mut self, index: usize, response: &rls::Response) {
        let filter = Rc::clone(&self.filter);
        let Some(call) = self.rls_calls.get(index) else {
            return;
        };
        let now = now_ms();
        let draft = response.draft03();
        for st in &response.statuses {
            if let Some(limit) = &st.current_limit {
                let reset_ms = st
                    .duration_until_reset_secs
                    .map(|s| s.saturating_mul(1000))
                    .or_else(|| draft.and_then(|d| d.reset_ms))
                    .or_else(|| limit.unit.seconds().map(|w| w.saturating_mul(1000)))
                    .unwrap_or(0);
                self.status.consider(
                    call.metric,
                    Remaining {
                        limit: u64::from(limit.requests_per_unit),
                        remaining: u64::from(st.limit_remaining),
                        reset_ms,
                    },
                );
            }
        }
        // Limitador fills no statuses: its headers say the same.
        if response
            .statuses
            .iter()
            .all(|st| st.current_limit.is_none())
        {
            if let Some(d) = draft {
                if let (Some(limit), Some(remaining)) = (d.limit, d.remaining) {
                    self.status.consider(
                        call.metric,
                        Remaining {
                            limit,
                            remaining,
                            reset_ms: d.reset_ms.unwrap_or(0),
                        },
                    );
                }
            }
        }
        if response.overall_code != Code::OverLimit {
            return;
        }
        filter.metrics.add(filter.metrics.rls_over_limit, 1);
        // Which rule: the first descriptor over its limit, when the service
        // says (envoyproxy/ratelimit does; Limitador only answers overall).
        let over = response
            .statuses
            .iter()
            .position(|st| st.code == Code::OverLimit)
            .unwrap_or(0);
        let rule_index = call
            .rules
            .get(over)
            .or_else(|| call.rules.first())
            .copied()
            .unwrap_or(0);
        let Some(rule) = filter.limiter.rules.get(rule_index) else {
            return;
        };
        let told = response
            .statuses
            .get(over)
            .and_then(|st| st.duration_until_reset_secs)
            .map(|s| s.saturating_mul(1000))
            .or_else(|| draft.and_then(|d| d.reset_ms));
        let windows = filter
            .config
            .rls
            .as_ref()
            .map_or(RlsWindows::FromService, |r| r.windows);
        let reset_ms = match (told, windows) {
            (Some(ms), _) => ms,
            (None, RlsWindows::Epoch) => filter.limiter.reset_ms(rule_index, call.metric, now),
            // The window started at a hit this filter did not see: all of
            // it may be left, so a retry after it is never refused again by
            // the same window.
            (None, RlsWindows::FirstHit) => filter.limiter.window_ms(rule_index, call.metric),
            (None, RlsWindows::FromService) => {
                filter.metrics.add(filter.metrics.rls_reset_unknown, 1);
                filter.limiter.window_ms(rule_index, call.metric)
            }
        };
        // The service did not say which limit: the longest window of the
        // metric, so that a retry after it cannot meet the same limit.
        let limit: Option<Limit> = rule
            .limits
            .iter()
            .filter(|l| l.metric == call.metric)
            .max_by_key(|l| l.window.seconds())
            .copied();
        let denial = Denial {
            rule: rule.name.clone(),
            limit,
            retry_after_secs: Some(reset_ms.div_ceil(1000).max(1)),
            retry_after_ms: Some(reset_ms),
            too_many_keys: false,
        };
        if rule.shadow {
            self.shadow.push(denial);
        } else if self.rls_denial.is_none() {
            self.rls_denial = Some(denial);
        }
    }

    /// Every call answered (or failed): admit, refuse, or apply the failure
    /// mode. On `Continue` a paused request must be resumed by the caller.
    fn rls_done(&mut self) -> Action {
        let filter = Rc::clone(&self.filter);
        if let Some(denial) = self.rls_denial.take() {
            self.release();
            return self.limited(&denial);
        }
        if self.rls_failed {
            let mode = filter
                .config
                .rls
                .as_ref()
                .map_or(RlsFailure::Deny, |r| r.on_failure);
            let mode_name = match mode {
                RlsFailure::Deny => "deny",
                RlsFailure::Allow => "allow",
                RlsFailure::Local => "local",
            };
            filter
                .metrics
                .labelled
                .add(&metrics::THROTTLE_RLS_FAILURES, &[mode_name], 1);
            match mode {
                RlsFailure::Allow => {}
                RlsFailure::Deny => {
                    self.release();
                    let reply = ErrorReply::new(
                        ErrorKind::Unavailable,
                        "rate limiting is unavailable",
                        reply::request_id(),
                    )
                    .with_code("rate_limit_unavailable");
                    return self.refuse(&reply, &[], "rls_unavailable");
                }
                RlsFailure::Local => {
                    let rls_rules = filter.limiter.only_rls(&self.applied);
                    match filter.limiter.admit_with(
                        &HostStore,
                        &rls_rules,
                        &self.amounts,
                        now_ms(),
                        true,
                    ) {
                        Ok(local) => {
                            filter.metrics.table(local.stats);
                            for (metric, r) in [
                                (
                                    tollgate_core::config::throttle::Metric::Requests,
                                    local.status.requests,
                                ),
                                (
                                    tollgate_core::config::throttle::Metric::Tokens,
                                    local.status.tokens,
                                ),
                            ] {
                                if let Some(r) = r {
                                    self.status.consider(metric, r);
                                }
                            }
                            self.shadow.extend(local.shadow_denials);
                            match local.verdict {
                                Verdict::Deny(denial) => {
                                    self.release();
                                    return self.limited(&denial);
                                }
                                Verdict::Admit => {
                                    if let Some(r) = &mut self.reservation {
                                        r.held.extend(local.reservation.held);
                                    }
                                }
                            }
                        }
                        Err(e) => {
                            filter.metrics.add(filter.metrics.store_errors, 1);
                            log::warn!("{}: counters unavailable: {e}", self.tag);
                        }
                    }
                }
            }
        }
        if std::mem::take(&mut self.early) {
            // The header-time rules admit it: now the body.
            self.pre = self.reservation.take();
            self.pre_applied = std::mem::take(&mut self.applied);
            self.rls_calls.clear();
            self.stage = Stage::Body;
            return Action::Continue;
        }
        let reservation = self.reservation.take().unwrap_or_default();
        self.admitted(reservation);
        Action::Continue
    }

    /// Gives back everything reserved locally (a refused or abandoned
    /// request).
    fn release(&mut self) {
        self.stage = Stage::Done;
        self.early = false;
        let filter = Rc::clone(&self.filter);
        let pre = self.pre.take();
        self.pre_applied.clear();
        for reservation in self.reservation.take().into_iter().chain(pre) {
            if let Err(e) =
                filter
                    .limiter
                    .settle(&HostStore, &reservation, &Amounts::default(), now_ms())
            {
                filter.metrics.add(filter.metrics.store_errors, 1);
                log::warn!("{}: cannot release the reservation: {e}", self.tag);
            }
        }
    }

    /// Refuses a request whose body cannot be read to apply the limits: 400
    /// in the API's error shape.
    /// Whose records these are: the consumer, `-` when none.
    fn owner(&self) -> String {
        self.consumer.clone().unwrap_or_else(|| "-".to_owned())
    }

    /// A batch runs what its input file says, and that file was read and
    /// charged when it was uploaded here: each upload may run once, for
    /// its uploader. An upload takes one of the consumer's files of the
    /// day; a batch takes its file's record (none: refused).
    fn batch_files(&mut self, shape: Shape, facts: &extract::Extracted) -> Option<Action> {
        let filter = Rc::clone(&self.filter);
        let owner = self.owner();
        let now = now_ms();
        let (taken, what) = if shape == Shape::Upload && facts.purpose.as_deref() == Some("batch") {
            self.batch_upload = true;
            (
                filter.limiter.take_file_quota(&HostStore, &owner, now),
                "upload",
            )
        } else if shape == Shape::BatchCreate {
            let Some(id) = facts.input_file.as_deref() else {
                return Some(self.unreadable("a batch names its input_file_id"));
            };
            (
                filter.limiter.take_file(&HostStore, &owner, id, now),
                "batch",
            )
        } else {
            return None;
        };
        match (taken, what) {
            (Ok(true), _) => None,
            (Ok(false), "upload") => {
                filter.metrics.add(filter.metrics.keys_refused, 1);
                let reply = ErrorReply::new(
                    ErrorKind::RateLimited {
                        retry_after_secs: 3600,
                        tokens: false,
                    },
                    "too many batch input files uploaded today by this consumer",
                    reply::request_id(),
                )
                .with_code("too_many_batch_files");
                Some(self.refuse(&reply, &[], "rate_limited"))
            }
            (Ok(false), _) => {
                let reply = ErrorReply::new(
                    ErrorKind::PermissionDenied,
                    "this input file was not uploaded through the gateway by this consumer, or a batch already ran it: upload it again",
                    reply::request_id(),
                )
                .with_code("unknown_input_file");
                Some(self.refuse(&reply, &[], "unknown_input_file"))
            }
            (Err(e), _) => Some(self.store_unavailable(&e)),
        }
    }

    /// Shared data failed (a host fault): refused with 503, counted.
    fn store_unavailable(&mut self, e: &dyn std::fmt::Display) -> Action {
        self.filter.metrics.add(self.filter.metrics.store_errors, 1);
        log::warn!("{}: counters unavailable: {e}", self.tag);
        let reply = ErrorReply::new(
            ErrorKind::Unavailable,
            "rate limiting is unavailable",
            reply::request_id(),
        )
        .with_code("rate_limit_unavailable");
        self.refuse(&reply, &[], "store_error")
    }

    fn unreadable(&mut self, why: &str) -> Action {
        let filter = Rc::clone(&self.filter);
        filter.metrics.add(filter.metrics.unreadable, 1);
        log::info!("{}: refused: {why}", self.tag);
        let reply = ErrorReply::new(ErrorKind::InvalidRequest, why, reply::request_id())
            .with_code("invalid_request_body");
        self.refuse(&reply, &[], "unreadable")
    }

    /// The API responses and streams of this request speak.
    fn api(&self) -> ApiKind {
        self.head.as_ref().map_or(ApiKind::Unknown, Head::api)
    }

    fn admitted(&mut self, reservation: Reservation) {
        let filter = Rc::clone(&self.filter);
        for a in &self.applied {
            if let Some(rule) = filter.limiter.rules.get(a.rule) {
                filter.metrics.rule(&rule.name, "admitted");
            }
        }
        if filter.config.stream.cut_off {
            self.allowed_output = self.status.tokens.map(|t| {
                reservation
                    .amounts
                    .output_tokens
                    .saturating_add(t.remaining)
            });
        }
        let (consumer, model) = self.pair();
        filter
            .metrics
            .decision("admitted", self.route_id(), &consumer, &model);
        filter
            .metrics
            .budget("requests", &consumer, self.status.requests);
        filter
            .metrics
            .budget("tokens", &consumer, self.status.tokens);
        if !reservation.held.is_empty() {
            let _ = host::increment_metric(filter.metrics.outstanding, 1);
        }
        self.reservation = Some(reservation);
        self.stage = Stage::Admitted;
        self.metadata("admit", None);
    }

    fn limited(&mut self, denial: &Denial) -> Action {
        let filter = Rc::clone(&self.filter);
        let (consumer, model) = self.pair();
        filter
            .metrics
            .decision("limited", self.route_id(), &consumer, &model);
        // The limit that refused is used up, whatever the status says.
        let kind = denial.limit.as_ref().and_then(|l| match l.metric {
            m if m.is_tokens() => Some("tokens"),
            m if m.as_str() == "requests" => Some("requests"),
            _ => None,
        });
        if let Some(kind) = kind {
            filter
                .metrics
                .labelled
                .record(&metrics::THROTTLE_BUDGET_USED, &[kind, &consumer], 100);
        }
        if denial.too_many_keys {
            filter.metrics.add(filter.metrics.keys_refused, 1);
        }
        filter.metrics.rule(&denial.rule, "limited");
        log::info!(
            "{}: limited consumer={} model={} rule={}",
            self.tag,
            self.consumer.as_deref().unwrap_or("-"),
            self.model.as_deref().unwrap_or("-"),
            denial.rule
        );
        // A request that can never fit (it alone needs more than the limit)
        // gets no retry-after: waiting would not help, and an SDK told to
        // wait a window would hang that long before raising. (OpenAI does
        // the same for a request too large for its tokens-per-minute.)
        let retry_after = denial.retry_after_secs.unwrap_or(0);
        let tokens = denial.limit.is_some_and(|l| l.metric.is_tokens());
        let reply = ErrorReply::new(
            ErrorKind::RateLimited {
                retry_after_secs: retry_after,
                tokens,
            },
            denial.message(),
            reply::request_id(),
        )
        .with_code(if tokens {
            "tokens_limit_exceeded"
        } else {
            "rate_limit_exceeded"
        });
        let mut headers = rate_headers(&self.status);
        if let Some(ms) = denial.retry_after_ms {
            headers.push(("retry-after-ms", ms.to_string()));
        }
        self.metadata("limit", Some(denial));
        self.refuse(&reply, &headers, "rate_limited")
    }

    fn refuse(&mut self, reply: &ErrorReply, extra: &[(&str, String)], why: &str) -> Action {
        // A refused request holds nothing (what the header-time rules
        // reserved included).
        self.release();
        if why != "rate_limited" {
            self.metadata(why, None);
        }
        if let Err(e) = reply::send_error_with(self.flavor, reply, extra) {
            log::warn!("{}: cannot send the reply: {e}", self.tag);
        }
        Action::Pause
    }

    /// The catalogue's id of the route (`unknown` before the headers).
    fn route_id(&self) -> &'static str {
        self.head.as_ref().map_or("unknown", Head::route_id)
    }

    fn metadata(&self, decision: &str, denial: Option<&Denial>) {
        let value = serde_json::json!({
            "route": self.head.as_ref().map_or("unknown", Head::route_id),
            "decision": decision,
            "consumer": self.consumer,
            "model": self.model,
            "rule": denial.map(|d| d.rule.as_str()),
            "shadow_rules": self.shadow.iter().map(|d| d.rule.as_str()).collect::<Vec<_>>(),
            "spike": self.spike,
            "reserved_tokens": self.reservation.as_ref().map(|r| r.amounts.input_tokens.saturating_add(r.amounts.output_tokens)),
            "input_tokens": self.final_usage.as_ref().map(|u| u.input_tokens),
            "output_tokens": self.final_usage.as_ref().map(|u| u.output_tokens),
            "estimated": self.final_usage.as_ref().map(|u| u.estimated),
        });
        let _ = host::set_property(&["tollgate_throttle"], value.to_string().as_bytes());
    }

    /// The request ended: its reservation becomes the real charge.
    fn settle(&mut self) {
        self.stage = Stage::Done;
        let filter = Rc::clone(&self.filter);
        let Some(reservation) = self.reservation.take() else {
            return;
        };
        self.reconcile_retrieved();
        let used = match self.final_usage.take() {
            Some(used) => used,
            None => self.usage(&reservation),
        };
        if used.estimated {
            filter.metrics.add(filter.metrics.estimated, 1);
        }
        let charge = self
            .models()
            .iter()
            .map(|m| filter.limiter.charge_amounts(m.as_deref(), &used))
            .max_by_key(|a| a.cost)
            .unwrap_or_else(|| filter.limiter.charge_amounts(None, &used));
        let now = now_ms();
        if !reservation.held.is_empty() {
            let _ = host::increment_metric(filter.metrics.outstanding, -1);
            match filter
                .limiter
                .settle(&HostStore, &reservation, &charge, now)
            {
                Ok(stats) => filter.metrics.table(stats),
                Err(e) => {
                    filter.metrics.add(filter.metrics.store_errors, 1);
                    log::warn!("{}: cannot settle the reservation: {e}", self.tag);
                }
            }
            if let Some(id) = &self.defer_id {
                // Runs on in the background: the reservation stands until a
                // retrieve reports the usage.
                match filter.limiter.defer(
                    &HostStore,
                    &self.owner(),
                    id,
                    self.model.as_deref(),
                    &reservation,
                    now,
                ) {
                    Ok(stats) => {
                        filter.metrics.table(stats);
                        filter.metrics.add(filter.metrics.deferred, 1);
                    }
                    Err(e) => log::debug!("{}: cannot defer the reservation: {e}", self.tag),
                }
            }
        }
        if self.batch_upload
            && self
                .response_status
                .is_some_and(|s| (200..300).contains(&s))
        {
            match usage::object_id(&self.body) {
                Some(id) => {
                    if let Err(e) = filter
                        .limiter
                        .record_file(&HostStore, &self.owner(), &id, now)
                    {
                        filter.metrics.add(filter.metrics.store_errors, 1);
                        log::warn!("{}: cannot record batch file {id}: {e}", self.tag);
                    }
                }
                None => log::warn!("{}: a batch file upload answered without an id", self.tag),
            }
        }
        self.report_excess(&charge);
        if let Some(spike) = &filter.spike {
            let pair = self.pair();
            match filter.limiter.observe_spike(
                &HostStore,
                (&pair.0, &pair.1),
                Series::Tokens,
                used.total_tokens() as f64,
                now,
                &spike.tokens,
            ) {
                Ok((verdict, _)) => self.spike_seen(&verdict, "tokens"),
                Err(e) => log::debug!("{}: spike baseline unavailable: {e}", self.tag),
            }
        }
        let m = &filter.metrics;
        let consumer = self.consumer.as_deref().unwrap_or("anonymous");
        let model = self.model.as_deref().unwrap_or("unknown");
        m.labelled.add(
            &metrics::GEN_AI_TOKEN_USAGE,
            &["input", consumer, model],
            used.input_tokens,
        );
        m.labelled.add(
            &metrics::GEN_AI_TOKEN_USAGE,
            &["output", consumer, model],
            used.output_tokens,
        );
        m.labelled
            .add(&metrics::THROTTLE_COST, &[consumer, model], charge.cost);
        let duration = now.saturating_sub(self.started_ms);
        if let Some(first) = self.first_byte_ms {
            let ttft = first.saturating_sub(self.started_ms);
            m.labelled.record(&metrics::GEN_AI_TTFT, &[model], ttft);
        }
        m.labelled
            .record(&metrics::GEN_AI_DURATION, &[model], duration);
        log::debug!(
            "{}: charged consumer={consumer} model={model} input={} output={} estimated={}",
            self.tag,
            used.input_tokens,
            used.output_tokens,
            used.estimated
        );
    }

    /// A retrieve (or cancel) of a response that ran in the background:
    /// when it reports usage, the reservation its creation kept is replaced
    /// by it.
    fn reconcile_retrieved(&mut self) {
        if self.billing != Billing::Reconcile
            || !self
                .response_status
                .is_some_and(|s| (200..300).contains(&s))
        {
            return;
        }
        let Some(id) = self.head.as_ref().and_then(|h| h.params.first()).cloned() else {
            return;
        };
        let Some(used) = usage::usage_from_response(ApiKind::Responses, &self.body) else {
            return;
        };
        let filter = Rc::clone(&self.filter);
        let now = now_ms();
        match filter
            .limiter
            .take_deferred(&HostStore, &self.owner(), &id, now)
        {
            Ok(Some(deferred)) => {
                let charge = filter
                    .limiter
                    .charge_amounts(deferred.model.as_deref(), &used);
                match filter
                    .limiter
                    .reconcile(&HostStore, &deferred, &charge, now)
                {
                    Ok(stats) => {
                        filter.metrics.table(stats);
                        filter.metrics.add(filter.metrics.reconciled, 1);
                        log::debug!(
                            "{}: reconciled a background response: input={} output={}",
                            self.tag,
                            used.input_tokens,
                            used.output_tokens
                        );
                    }
                    Err(e) => log::warn!("{}: cannot reconcile: {e}", self.tag),
                }
            }
            Ok(None) => {}
            Err(e) => log::debug!("{}: cannot read a deferred reservation: {e}", self.tag),
        }
    }

    /// Usage above what the rate-limit service was told at the request is
    /// counted there too (RLS v3 cannot take back what was reserved and not
    /// used: `hits_addend` is unsigned).
    fn report_excess(&mut self, charge: &Amounts) {
        let filter = Rc::clone(&self.filter);
        let Some(rls_config) = &filter.config.rls else {
            return;
        };
        let Ok(mut reports) = filter.reports.try_borrow_mut() else {
            return;
        };
        for call in &self.rls_calls {
            let excess = charge.get(call.metric).saturating_sub(u64::from(call.hits));
            if excess == 0 {
                continue;
            }
            if reports.len() >= MAX_PENDING_REPORTS {
                reports.remove(0);
                filter.metrics.add(filter.metrics.rls_errors, 1);
            }
            let hits = u32::try_from(excess).unwrap_or(u32::MAX);
            reports.push(rls::encode_request(
                &rls_config.domain,
                &call.descriptors,
                hits,
            ));
        }
    }

    /// The tokens the call used: the upstream's count, else the
    /// reservation where the upstream may have generated more than was
    /// seen, else an estimate; nothing when the upstream failed.
    fn usage(&mut self, reserved: &Reservation) -> Usage {
        let as_reserved = Usage {
            input_tokens: reserved.amounts.input_tokens,
            cached_input_tokens: 0,
            output_tokens: reserved.amounts.output_tokens,
            estimated: true,
        };
        // `inspect` (after this filter) leaves what the upstream sent when
        // it blocked the response: this filter saw only the error.
        let report = host::property(&[UPSTREAM_PROPERTY])
            .ok()
            .flatten()
            .and_then(|b| UpstreamReport::decode(&b));
        let status = report.as_ref().map(|r| r.status).or(self.response_status);
        match status {
            // No response (the client or the upstream reset, or a timeout):
            // the upstream may have generated it all, so the reservation
            // stands.
            None | Some(504) => return as_reserved,
            // The upstream refused or failed: nothing was generated.
            Some(s) if !(200..300).contains(&s) => return Usage::default(),
            Some(_) => {}
        }
        if let Some(report) = report {
            return report.usage.unwrap_or(as_reserved);
        }
        let api = self.api();
        match self.billing {
            // Nothing ran for this request: a retrieve (of a response, a
            // batch, a run) reports usage that was charged when it ran, or
            // is reconciled against its creation's reservation
            // (`reconcile_retrieved`), never charged again to whoever polls.
            Billing::None | Billing::Reconcile => return Usage::default(),
            Billing::Reported => {
                // The model ran on the prompt: its estimate, unless the
                // response says.
                return usage::usage_from_response(api, &self.body).unwrap_or(Usage {
                    input_tokens: self.prompt_estimate,
                    estimated: true,
                    ..Usage::default()
                });
            }
            // Batches: the work happens later, unseen: the reservation is
            // the charge.
            Billing::Deferred => return as_reserved,
            Billing::Tokens => {}
        }
        if let Some(meter) = &self.stream {
            let used = meter.usage();
            // A stream that did not end (the client left, a reset, the
            // cut-off) and sent no usage: the upstream may have generated
            // far more than the visible text (reasoning): at least the
            // reservation, at least what was seen.
            if used.estimated && !meter.complete() {
                return Usage {
                    input_tokens: used.input_tokens.max(as_reserved.input_tokens),
                    output_tokens: used.output_tokens.max(as_reserved.output_tokens),
                    ..as_reserved
                };
            }
            return used;
        }
        if self.response_encoded {
            return as_reserved;
        }
        let mut found = if self.body_overflow {
            usage::usage_in_tail(api, &self.body)
        } else {
            usage::usage_from_response(api, &self.body)
        };
        if let Some(u) = found.as_mut().filter(|_| !api.reports_input()) {
            // The API does not count the prompt (TGI, Triton): the estimate
            // stands for it.
            u.input_tokens = u.input_tokens.max(self.prompt_estimate);
            u.estimated = true;
        }
        if found.is_none() && self.background {
            // Queued to run in the background: keep the reservation under
            // the response's id until a retrieve reports the usage.
            self.defer_id = usage::background_id(&self.body);
            if self.defer_id.is_some() {
                return as_reserved;
            }
        }
        found.unwrap_or(Usage {
            input_tokens: self.prompt_estimate,
            cached_input_tokens: 0,
            output_tokens: self.body_total.div_ceil(usage::BYTES_PER_TOKEN),
            estimated: true,
        })
    }
}

fn rate_headers(status: &RateStatus) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut add = |r: Option<Remaining>, names: [&'static str; 3]| {
        if let Some(r) = r {
            out.push((names[0], r.limit.to_string()));
            out.push((names[1], r.remaining.to_string()));
            out.push((names[2], reset_string(r.reset_ms)));
        }
    };
    add(
        status.requests,
        [
            "x-ratelimit-limit-requests",
            "x-ratelimit-remaining-requests",
            "x-ratelimit-reset-requests",
        ],
    );
    add(
        status.tokens,
        [
            "x-ratelimit-limit-tokens",
            "x-ratelimit-remaining-tokens",
            "x-ratelimit-reset-tokens",
        ],
    );
    out
}

/// A duration as OpenAI writes resets: `20ms`, `1.5s`, `6m0s`, `1h2m3s`.
fn reset_string(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let secs = ms / 1000;
    let frac = ms % 1000;
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let s = if frac == 0 {
        format!("{s}s")
    } else {
        let f = format!("{frac:03}");
        format!("{s}.{}s", f.trim_end_matches('0'))
    };
    if h > 0 {
        format!("{h}h{m}m{s}")
    } else if m > 0 {
        format!("{m}m{s}")
    } else {
        s
    }
}
