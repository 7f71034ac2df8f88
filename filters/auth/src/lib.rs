//! Tollgate `auth`: who is calling, and what they may do (Istio phase
//! AUTHN).
//!
//! A thin adapter over [`tollgate_core::auth::engine::Authenticator`]:
//!
//! 1. Client-supplied identity (the consumer header, `x-tollgate-label-*`)
//!    is removed first, so no client can pose as a consumer.
//! 2. The caller is identified by the configured methods in order (API key,
//!    JWT, mTLS peer principal; anonymous only when configured). A refusal
//!    is a 401 with `www-authenticate` in the API's error shape (the SDKs
//!    raise `AuthenticationError`); a JWT with no usable key set is a 503.
//! 3. The request is read through the shared request model
//!    ([`tollgate_core::request`]): a path that cannot be governed is a 400,
//!    a route the catalogue does not know a 403 (`unknown_route`) unless
//!    `routes` allows it. The consumer's permissions are checked: the
//!    endpoint class and the models in the path or query at the headers,
//!    every model the body names and `max_tokens` on the body when a rule
//!    needs it (403, which the SDKs raise as `PermissionDeniedError`; a
//!    clamp rewrites the body; a compressed body is checked, and forwarded,
//!    inflated).
//! 4. The consumer header and `x-tollgate-label-<name>` headers are set for
//!    `throttle` and the upstream, the client's credentials are removed, and
//!    the provider's key is injected from the VM environment.
//!
//! Verified JWTs are cached per VM (by the token's SHA-256, until their
//! `exp`; emptied when the key set changes): a signature check costs about
//! a millisecond in a wasm VM, and clients reuse their tokens.
//!
//! Remote JWKS are fetched from the root context with `dispatch_http_call`
//! on a timer (first within a second of start, then every `refresh_secs`);
//! a failed fetch keeps the last good set, which serves until
//! `max_stale_secs` after it was fetched.
//!
//! No log line, metric or error ever holds a presented key or token: only a
//! key id, a JWK kid or a key fingerprint.
//!
//! Metrics (the `AUTH_*` entries of `tollgate_core::metrics`): requests,
//! `tollgate_auth_decisions_total{outcome, reason, consumer}`,
//! `tollgate_auth_source_denials_total{source}`, JWKS fetches and errors,
//! unknown routes, provider credentials unavailable.
//! Decision metadata: the property `tollgate_auth` (filter state
//! `wasm.tollgate_auth`):
//! `{"route","consumer","via","credential","decision","reason"}`.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType};
use tollgate_core::auth::engine::{Authenticator, Identity, JwtCache, Rejection};
use tollgate_core::auth::jwt::Jwks;
use tollgate_core::auth::permissions::{self, Decision};
use tollgate_core::auth::providers::Injection;
use tollgate_core::config::AuthConfig;
use tollgate_core::error::{ErrorFlavor, ErrorKind, ErrorReply};
use tollgate_core::metrics;
use tollgate_core::request::catalogue::Provider;
use tollgate_core::request::decompress::Encoding;
use tollgate_core::request::extract::Extracted;
use tollgate_core::request::path::without_query_param;
use tollgate_core::request::Head;
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

const FILTER: &str = "auth";
/// Headers carrying labels for `throttle`: `x-tollgate-label-<name>`.
const LABEL_PREFIX: &str = "x-tollgate-label-";

#[cfg(not(tollgate_combined))]
proxy_wasm::main! {{
    logger::install_panic_hook(FILTER);
    proxy_wasm::set_root_context(|context_id| Box::new(Root { context_id, filter: None, pending: None }));
}}

/// The root context, for a module that runs several filters in one VM
/// (`filters/combined`).
#[cfg(tollgate_combined)]
pub(crate) fn root(context_id: u32) -> Box<dyn RootContext> {
    Box::new(Root {
        context_id,
        filter: None,
        pending: None,
    })
}

/// The remote key set, shared by the root (which fetches it) and requests.
#[derive(Default)]
struct JwksState {
    jwks: Option<Rc<Jwks>>,
    /// Unix seconds of the last good fetch.
    fetched_at: u64,
    /// Unix seconds of the last attempt.
    tried_at: u64,
}

struct Metrics {
    requests: MetricId,
    jwks_fetches: MetricId,
    jwks_errors: MetricId,
    unknown_routes: MetricId,
    provider_unavailable: MetricId,
    /// The labelled ones (decisions, denials by source), per series.
    labelled: Registry,
}

impl Metrics {
    fn define() -> Result<Self, host::HostError> {
        let labelled = Registry::new();
        Ok(Self {
            requests: labelled.define(&metrics::AUTH_REQUESTS)?,
            jwks_fetches: labelled.define(&metrics::AUTH_JWKS_FETCHES)?,
            jwks_errors: labelled.define(&metrics::AUTH_JWKS_ERRORS)?,
            unknown_routes: labelled.define(&metrics::AUTH_UNKNOWN_ROUTES)?,
            provider_unavailable: labelled.define(&metrics::AUTH_PROVIDER_UNAVAILABLE)?,
            labelled,
        })
    }

    fn bump(&self, metric: MetricId) {
        let _ = host::increment_metric(metric, 1);
    }

    /// One decision: `reason` is `none` when allowed.
    fn decision(&self, outcome: &str, reason: &str, consumer: &str) {
        self.labelled
            .add(&metrics::AUTH_DECISIONS, &[outcome, reason, consumer], 1);
    }
}

/// What `on_configure` builds and every request shares.
struct Filter {
    auth: Authenticator,
    metrics: Metrics,
    jwks: RefCell<JwksState>,
    /// Verified tokens (emptied when the key set changes).
    tokens: RefCell<JwtCache>,
}

impl Filter {
    fn config(&self) -> &AuthConfig {
        self.auth.config()
    }

    /// The remote key set if it is fresh enough to use.
    fn current_jwks(&self, now: u64) -> Option<Rc<Jwks>> {
        let remote = self.auth.remote_jwks()?;
        let state = self.jwks.try_borrow().ok()?;
        let jwks = state.jwks.clone()?;
        let age = now.saturating_sub(state.fetched_at);
        (age <= u64::from(remote.max_stale_secs)).then_some(jwks)
    }
}

struct Root {
    context_id: u32,
    /// `None` until `on_configure` succeeds; Envoy creates no stream before.
    filter: Option<Rc<Filter>>,
    /// The JWKS fetch in flight.
    pending: Option<u32>,
}

fn now_unix() -> u64 {
    host::now_nanos().map_or(0, |n| n / 1_000_000_000)
}

impl Context for Root {
    fn on_http_call_response(&mut self, token: u32, _headers: usize, body_size: usize, _: usize) {
        if self.pending != Some(token) {
            return;
        }
        self.pending = None;
        let Some(filter) = self.filter.clone() else {
            return;
        };
        let tag = Tag::new(FILTER, self.context_id);
        let status = host::header(MapType::HttpCallResponseHeaders, ":status")
            .ok()
            .flatten();
        let body = host::buffer(BufferType::HttpCallResponseBody, 0, body_size).unwrap_or_default();
        let parsed = match status.as_deref() {
            Some("200") => Jwks::parse(&body).map_err(|e| e.to_string()),
            other => Err(format!("status {}", other.unwrap_or("none (reset)"))),
        };
        match parsed {
            Ok(jwks) => {
                log::info!("{tag}: JWKS fetched: {} keys", jwks.len());
                filter.metrics.bump(filter.metrics.jwks_fetches);
                if let Ok(mut state) = filter.jwks.try_borrow_mut() {
                    state.jwks = Some(Rc::new(jwks));
                    state.fetched_at = now_unix();
                }
                if let Ok(mut tokens) = filter.tokens.try_borrow_mut() {
                    tokens.clear();
                }
            }
            Err(e) => {
                // The last good set keeps serving until it is too stale.
                log::warn!("{tag}: JWKS fetch failed: {e}");
                filter.metrics.bump(filter.metrics.jwks_errors);
            }
        }
    }
}

impl RootContext for Root {
    fn on_configure(&mut self, size: usize) -> bool {
        logger::init(FILTER);
        let tag = Tag::new(FILTER, self.context_id);
        let Some(config) =
            tollgate_glue::config::load_plugin_configuration::<AuthConfig>(FILTER, size)
        else {
            return false;
        };
        let Some(auth) = tollgate_glue::config::step(
            tag,
            "invalid configuration",
            Authenticator::new(&config, |name| std::env::var(name).ok()),
        ) else {
            return false;
        };
        let Some(metrics) =
            tollgate_glue::config::step(tag, "cannot define metrics", Metrics::define())
        else {
            return false;
        };
        for env in auth.providers().missing() {
            // Loaded all the same: only the routes that need this key fail
            // (503), and the log says which variable to wire.
            log::warn!(
                "{tag}: the VM environment variable {env} is not set: requests that need it will be refused with 503 (provider_credential_unavailable)"
            );
        }
        let remote = auth.remote_jwks().is_some();
        self.filter = Some(Rc::new(Filter {
            auth,
            metrics,
            jwks: RefCell::new(JwksState::default()),
            tokens: RefCell::new(JwtCache::default()),
        }));
        if remote {
            // Every second: fetch when due (at once, then every
            // refresh_secs; retried every 5 s while failing).
            if let Err(e) = host::set_tick_period(Duration::from_secs(1)) {
                log::error!("{tag}: cannot set the tick period: {e}");
                return false;
            }
        }
        true
    }

    fn on_tick(&mut self) {
        let Some(filter) = self.filter.clone() else {
            return;
        };
        let Some(remote) = filter.auth.remote_jwks() else {
            return;
        };
        if self.pending.is_some() {
            return;
        }
        let now = now_unix();
        let due = match filter.jwks.try_borrow() {
            Ok(state) if state.jwks.is_none() => now.saturating_sub(state.tried_at) >= 5,
            Ok(state) => {
                now.saturating_sub(state.fetched_at) >= u64::from(remote.refresh_secs)
                    && now.saturating_sub(state.tried_at) >= 5
            }
            Err(_) => false,
        };
        if !due {
            return;
        }
        if let Ok(mut state) = filter.jwks.try_borrow_mut() {
            state.tried_at = now;
        }
        let authority = remote.authority.as_deref().unwrap_or(&remote.cluster);
        let headers = vec![
            (":method", "GET"),
            (":path", remote.path.as_str()),
            (":authority", authority),
            ("accept", "application/json"),
        ];
        match self.dispatch_http_call(
            &remote.cluster,
            headers,
            None,
            Vec::new(),
            Duration::from_millis(u64::from(remote.timeout_ms)),
        ) {
            Ok(token) => self.pending = Some(token),
            Err(e) => {
                log::warn!(
                    "{}: cannot fetch the JWKS from cluster {}: {e:?}",
                    Tag::new(FILTER, self.context_id),
                    remote.cluster
                );
                filter.metrics.bump(filter.metrics.jwks_errors);
            }
        }
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
            path: String::new(),
            content_type: String::new(),
            encoding: Encoding::Identity,
            identity: None,
            peer: None,
            body_check: false,
            done: false,
        }))
    }
}

struct Request {
    tag: Tag,
    filter: Rc<Filter>,
    /// The request as the route catalogue reads it (`None` until the
    /// headers, or when the path cannot be governed).
    head: Option<Head>,
    /// The dialect of errors.
    flavor: ErrorFlavor,
    /// The normalised path (for logs and provider rules).
    path: String,
    content_type: String,
    /// The request body's coding: a compressed body is read inflated and
    /// forwarded inflated.
    encoding: Encoding,
    identity: Option<Identity>,
    /// The caller's mTLS principal, if any.
    peer: Option<String>,
    /// The body must be read for a permission rule (model, max tokens).
    body_check: bool,
    /// A reply was sent or the body was decided.
    done: bool,
}

impl Context for Request {}

impl HttpContext for Request {
    fn on_http_request_headers(&mut self, _headers: usize, end_of_stream: bool) -> Action {
        let filter = Rc::clone(&self.filter);
        let config = filter.config();
        filter.metrics.bump(filter.metrics.requests);
        let header = |name: &str| {
            host::header(MapType::HttpRequestHeaders, name)
                .ok()
                .flatten()
        };
        let read = req::head();
        self.flavor = read.flavor;
        self.path = read.path_without_query();
        self.content_type = read.content_type;
        if config.strip_client_identity {
            self.remove(&config.consumer_header);
            if let Ok(all) = host::headers(MapType::HttpRequestHeaders) {
                for (name, _) in all {
                    if name.starts_with(LABEL_PREFIX) {
                        self.remove(&name);
                    }
                }
            }
        }
        let peer = host::property(&["connection", "uri_san_peer_certificate"])
            .ok()
            .flatten()
            .or_else(|| host::property(&["source", "principal"]).ok().flatten())
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        self.peer.clone_from(&peer);
        let now = now_unix();
        let jwks = filter.current_jwks(now);
        let result = match filter.tokens.try_borrow_mut() {
            Ok(mut tokens) => filter.auth.authenticate_cached(
                &header,
                peer.as_deref(),
                jwks.as_deref(),
                now,
                Some(&mut tokens),
            ),
            Err(_) => filter
                .auth
                .authenticate(&header, peer.as_deref(), jwks.as_deref(), now),
        };
        let identity = match result {
            Ok(identity) => identity,
            Err(rejection) => return self.unauthenticated(&rejection),
        };
        let perms = filter.auth.permissions(&identity.consumer);
        self.identity = Some(identity);
        // A path that cannot be governed (encoded slashes, bad escapes, a
        // path two routes could mean) means one thing here and another to
        // some upstream: refused.
        let head = match read.head {
            Ok(head) => head.serving(&filter.config().routes),
            Err(e) => {
                let reason = e.reason();
                let reply = req::unreadable_path_reply(e, reply::request_id());
                return self.deny(reason, reply, false);
            }
        };
        self.path = head.path.as_str();
        if head.refused(&config.routes) {
            filter.metrics.bump(filter.metrics.unknown_routes);
            log::info!(
                "{}: unknown route method={} path={}",
                self.tag,
                read.method.chars().take(16).collect::<String>(),
                head.class()
            );
            self.head = Some(head);
            let reply = Head::unknown_route_reply(reply::request_id());
            return self.deny("unknown_route", reply, false);
        }
        // What can be decided on the headers is decided here, before they
        // leave: the endpoint and the models the path and query name.
        if let Err(reason) = permissions::check_head(perms, &head) {
            self.head = Some(head);
            return self.forbidden(&reason);
        }
        if perms.needs_body(&head) && !end_of_stream {
            self.encoding = match req::encoding() {
                Ok(e) => e,
                Err(coding) => {
                    self.head = Some(head);
                    let reply = ErrorReply::new(
                        ErrorKind::UnsupportedMediaType,
                        format!(
                            "content-encoding {:?} cannot be read; send gzip, deflate or identity",
                            coding.chars().take(32).collect::<String>()
                        ),
                        reply::request_id(),
                    );
                    return self.deny("unsupported_encoding", reply, false);
                }
            };
            if self.encoding != Encoding::Identity {
                // Read inflated, forwarded inflated: the upstream reads what
                // was checked.
                self.remove("content-encoding");
            }
            // Decided on the body: it may be clamped, so its length may change.
            self.body_check = true;
            self.remove("content-length");
        } else if let Decision::Deny(reason) =
            permissions::check_body(perms, &head, &Extracted::default(), b"")
        {
            self.head = Some(head);
            return self.forbidden(&reason);
        }
        self.head = Some(head);
        if let Err(env) = self.pass_on() {
            return self.provider_unavailable(&env);
        }
        if !self.body_check {
            self.allowed();
        }
        Action::Continue
    }

    fn on_http_request_trailers(&mut self, _trailers: usize) -> Action {
        // A body followed by trailers never sees end_of_stream in a body
        // callback: it is decided here.
        if !self.body_check || self.done {
            return Action::Continue;
        }
        let size = host::buffer(BufferType::HttpRequestBody, 0, usize::MAX >> 1)
            .map(|b| b.len())
            .unwrap_or_default();
        self.decide_body(size)
    }

    fn on_http_request_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        if !self.body_check || self.done {
            return Action::Continue;
        }
        if !end_of_stream {
            return Action::Pause;
        }
        self.decide_body(body_size)
    }
}

impl Request {
    /// The whole body is here: the model and token checks, and the clamp.
    fn decide_body(&mut self, body_size: usize) -> Action {
        self.done = true;
        let filter = Rc::clone(&self.filter);
        let (Some(identity), Some(head)) = (&self.identity, &self.head) else {
            return Action::Continue;
        };
        let perms = filter.auth.permissions(&identity.consumer);
        let max = usize::try_from(filter.config().max_body_bytes).unwrap_or(usize::MAX);
        let body = match req::body(body_size, self.encoding, max) {
            Ok(b) => b,
            Err(e) => {
                let reply = e.reply(reply::request_id());
                return self.deny("unreadable_body", reply, false);
            }
        };
        let decision = match read_body(head.shape(), &self.content_type, &body.bytes) {
            Ok(facts) => permissions::check_body(perms, head, &facts, &body.bytes),
            Err(_) => Decision::Deny(permissions::DenyReason::Malformed {
                what: "the body is not a valid request of its API",
            }),
        };
        let forward = match decision {
            Decision::Allow if body.inflated => Some(body.bytes),
            Decision::Allow => None,
            Decision::Clamp(bytes) => Some(bytes),
            Decision::Deny(reason) => return self.forbidden(&reason),
        };
        if let Some(bytes) = forward {
            if let Err(e) = host::set_buffer(BufferType::HttpRequestBody, 0, body_size, &bytes) {
                // Never forward the unchecked body.
                log::warn!("{}: cannot rewrite the body: {e}", self.tag);
                let reply = ErrorReply::new(
                    ErrorKind::Internal,
                    "the request could not be limited",
                    reply::request_id(),
                );
                return self.deny("clamp_failed", reply, false);
            }
        }
        self.allowed();
        Action::Continue
    }
}

impl Request {
    fn remove(&self, name: &str) {
        if let Err(e) = host::remove_header(MapType::HttpRequestHeaders, name) {
            log::debug!("{}: cannot remove {name}: {e}", self.tag);
        }
    }

    fn set(&self, name: &str, value: &str) {
        if let Err(e) = host::set_header(MapType::HttpRequestHeaders, name, value) {
            log::debug!("{}: cannot set {name}: {e}", self.tag);
        }
    }

    /// Consumer and labels on, client credentials off, provider key in.
    /// `Err(variable)` when the provider key this request needs is missing
    /// from the VM environment.
    fn pass_on(&self) -> Result<(), String> {
        let filter = Rc::clone(&self.filter);
        let config = filter.config();
        let Some(identity) = &self.identity else {
            return Ok(());
        };
        self.set(&config.consumer_header, &identity.consumer);
        for (name, value) in &filter.auth.permissions(&identity.consumer).labels {
            self.set(&format!("{LABEL_PREFIX}{name}"), value);
        }
        if config.strip_credentials {
            for name in filter.auth.credential_headers() {
                self.remove(name);
            }
            // Google's clients may put the key in the URL (`?key=`): it
            // does not travel on either.
            let gemini = self
                .head
                .as_ref()
                .and_then(|h| h.route)
                .is_some_and(|r| r.provider == Provider::Gemini);
            if gemini {
                let raw = host::header(MapType::HttpRequestHeaders, ":path")
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                if let Some(clean) = without_query_param(&raw, "key") {
                    self.set(":path", &clean);
                }
            }
        }
        let authority = host::header(MapType::HttpRequestHeaders, ":authority")
            .ok()
            .flatten()
            .unwrap_or_default();
        match filter.auth.providers().for_request(&authority, &self.path) {
            Some(Injection::Key(name, value)) => self.set(name, &value),
            Some(Injection::Unavailable { env }) => return Err(env),
            None => {}
        }
        Ok(())
    }

    /// The provider key this request needs is missing: 503, never a
    /// request forwarded without it (or with the client's).
    fn provider_unavailable(&mut self, env: &str) -> Action {
        let filter = Rc::clone(&self.filter);
        filter.metrics.bump(filter.metrics.provider_unavailable);
        log::warn!(
            "{}: the provider key for this route is unavailable: the VM environment variable {env} is not set (wire it from a Secret to the istio-proxy container)",
            self.tag
        );
        let reply = ErrorReply::new(
            ErrorKind::Unavailable,
            "the gateway has no provider credential for this route",
            reply::request_id(),
        )
        .with_code("provider_credential_unavailable");
        self.deny("provider_credential_unavailable", reply, false)
    }

    fn metadata(&self, decision: &str, reason: &str) {
        let identity = self.identity.as_ref();
        let value = serde_json::json!({
            "route": self.head.as_ref().map_or("unknown", Head::route_id),
            "consumer": identity.map(|i| i.consumer.as_str()),
            "via": identity.map(|i| i.via.as_str()),
            "credential": identity.and_then(|i| i.credential_id.as_deref()),
            "decision": decision,
            "reason": reason,
        });
        let _ = host::set_property(&["tollgate_auth"], value.to_string().as_bytes());
    }

    /// Where the request came from, for the denials-by-source metric: the
    /// mTLS principal, else the peer's IP address (no port: one client
    /// opens many connections).
    fn source(&self) -> String {
        if let Some(peer) = &self.peer {
            return peer.clone();
        }
        let address = host::property(&["source", "address"])
            .ok()
            .flatten()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        match address.rsplit_once(':') {
            // `[::1]:5000` and `10.0.0.1:5000`
            Some((ip, port)) if port.bytes().all(|b| b.is_ascii_digit()) => {
                ip.trim_start_matches('[').trim_end_matches(']').to_owned()
            }
            _ => address,
        }
    }

    fn allowed(&self) {
        let filter = &self.filter;
        let consumer = self
            .identity
            .as_ref()
            .map_or(metrics::UNKNOWN, |i| i.consumer.as_str());
        filter.metrics.decision("allowed", "none", consumer);
        if let Some(identity) = &self.identity {
            log::debug!(
                "{}: allowed consumer={} via={} credential={} fingerprint={}",
                self.tag,
                identity.consumer,
                identity.via.as_str(),
                identity.credential_id.as_deref().unwrap_or("-"),
                identity.fingerprint.as_deref().unwrap_or("-")
            );
        }
        self.metadata("allow", "");
    }

    fn deny(&mut self, reason: &str, reply: ErrorReply, authenticate: bool) -> Action {
        let filter = Rc::clone(&self.filter);
        let consumer = self
            .identity
            .as_ref()
            .map_or(metrics::UNKNOWN, |i| i.consumer.as_str());
        filter.metrics.decision("denied", reason, consumer);
        if authenticate {
            // Credential failures only (401): a forbidden model or a
            // missing provider key is not someone guessing keys.
            filter
                .metrics
                .labelled
                .add(&metrics::AUTH_SOURCE_DENIALS, &[&self.source()], 1);
        }
        self.metadata("deny", reason);
        log::info!(
            "{}: denied reason={reason} consumer={} path={}",
            self.tag,
            self.identity.as_ref().map_or("-", |i| i.consumer.as_str()),
            self.head
                .as_ref()
                .map_or_else(|| "-".to_owned(), Head::class)
        );
        self.done = true;
        let challenge = [("www-authenticate", "Bearer realm=\"tollgate\"".to_owned())];
        let extra: &[(&str, String)] = if authenticate { &challenge } else { &[] };
        if let Err(e) = reply::send_error_with(self.flavor, &reply, extra) {
            log::warn!("{}: cannot send the reply: {e}", self.tag);
        }
        Action::Pause
    }

    fn unauthenticated(&mut self, rejection: &Rejection) -> Action {
        let request_id = reply::request_id();
        let (kind, message, code) = match rejection {
            Rejection::JwksUnavailable => (
                ErrorKind::Unavailable,
                "authentication is unavailable: no usable signing keys",
                "jwks_unavailable",
            ),
            Rejection::Missing => (
                ErrorKind::Authentication,
                "missing credentials: send an API key or a token",
                "invalid_api_key",
            ),
            _ => (
                ErrorKind::Authentication,
                "invalid credentials",
                "invalid_api_key",
            ),
        };
        let reply = ErrorReply::new(kind, message, request_id).with_code(code);
        let authenticate = rejection.status() == 401;
        self.deny(rejection.reason(), reply, authenticate)
    }

    fn forbidden(&mut self, reason: &permissions::DenyReason) -> Action {
        let kind = if reason.status() == 403 {
            ErrorKind::PermissionDenied
        } else {
            ErrorKind::InvalidRequest
        };
        let reply = ErrorReply::new(kind, reason.to_string(), reply::request_id())
            .with_code(reason.reason());
        self.deny(reason.reason(), reply, false)
    }
}
