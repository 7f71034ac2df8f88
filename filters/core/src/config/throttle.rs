//! Configuration of `throttle`: rules, limits, prices, the rate-limit
//! service and spike detection.
//!
//! ```json
//! {
//!   "rules": [
//!     {"name": "per-consumer", "key": ["consumer"],
//!      "limits": [{"requests": 60, "per": "minute"},
//!                 {"tokens": 100000, "per": "minute"},
//!                 {"cost": 5.0, "per": "day"}],
//!      "in_flight": 8},
//!     {"name": "free-tier-gpt4o", "match": {"labels": {"tier": "free"}, "models": ["gpt-4o*"]},
//!      "key": ["consumer", "model"], "limits": [{"output_tokens": 20000, "per": "hour"}],
//!      "store": "rls"}
//!   ],
//!   "prices": {"gpt-4o-mini": {"input": 0.15, "cached_input": 0.075, "output": 0.6},
//!              "*": {"input": 5.0, "output": 15.0}},
//!   "rls": {"cluster": "ratelimit", "domain": "tollgate", "timeout_ms": 100, "on_failure": "local"}
//! }
//! ```
//!
//! A rule applies to the requests its `match` selects (every request when it
//! has none) and keeps one set of counters per distinct value of its `key`
//! (one set in all when the key is empty). Every limit of every applying
//! rule must admit a request; one refusal refuses it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::{validate_header_name, ConfigError, RoutesConfig, Validate, DEFAULT_CONSUMER_HEADER};

/// Most rules a configuration may hold: every request walks all of them.
pub const MAX_RULES: usize = 64;
/// Most limits one rule may hold (they share one counter record).
pub const MAX_LIMITS_PER_RULE: usize = 8;
/// Smallest cap on counter records.
pub const MIN_MAX_KEYS: u32 = 16;
/// Largest cap on counter records (each is at most a few hundred bytes of
/// shared data).
pub const MAX_MAX_KEYS: u32 = 100_000;

/// Configuration of the `throttle` filter: how much a consumer may use.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleConfig {
    /// The request header to read the consumer from; `auth` sets it (see
    /// `AuthConfig::consumer_header`). Both must agree. A lowercase HTTP
    /// header name, not a pseudo-header. Default: `x-tollgate-consumer`.
    pub consumer_header: String,
    /// Shadow mode for every rule: decide and record (metrics, logs,
    /// headers) but never refuse a request. Default: `false`.
    pub shadow: bool,
    /// The limits, in order. Default: none (the filter only meters).
    pub rules: Vec<RuleConfig>,
    /// Prices per model name pattern (`*` and `?` globs; first match in
    /// key order is not used: the exact name wins, then the longest
    /// pattern). Required, with a `*` entry, when any limit is on `cost`.
    pub prices: BTreeMap<String, Price>,
    /// Output tokens to reserve for a request that does not say how many it
    /// wants (no `max_tokens`). Default: 4096.
    pub default_max_tokens: u32,
    /// Counters kept in the sidecar's shared data (every worker sees them).
    pub local: LocalConfig,
    /// The rate-limit service for rules with `"store": "rls"`.
    pub rls: Option<RlsConfig>,
    /// Send `x-ratelimit-*` headers on admitted responses too (refusals
    /// always carry them). Default: `true`.
    pub response_headers: bool,
    /// Streams: usage accounting.
    pub stream: StreamConfig,
    /// Spike detection per consumer and model; off when absent.
    pub spike: Option<SpikeConfig>,
    /// Requests on routes the catalogue does not know: refused (403)
    /// unless allowed here. Default: refused.
    pub routes: RoutesConfig,
    /// The largest request body read for its model and tokens, after
    /// decompression; a larger one is refused with 413. Between 1 KiB and
    /// 64 MiB. Default: 16 MiB.
    pub max_body_bytes: u32,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            consumer_header: DEFAULT_CONSUMER_HEADER.to_owned(),
            shadow: false,
            rules: Vec::new(),
            prices: BTreeMap::new(),
            default_max_tokens: 4096,
            local: LocalConfig::default(),
            rls: None,
            response_headers: true,
            stream: StreamConfig::default(),
            spike: None,
            routes: RoutesConfig::default(),
            max_body_bytes: super::DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// One rule: which requests, counted per what, limited how.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Unique name: in metrics, logs, RLS descriptors and error messages.
    /// 1 to 64 of `a-z`, `0-9`, `_`, `-`.
    pub name: String,
    /// Which requests the rule applies to; all of its conditions must hold.
    #[serde(default, rename = "match")]
    pub when: MatchConfig,
    /// What a separate set of counters is kept for: `consumer`, `model`,
    /// `route`, `namespace`, `principal`, `label:<name>`, `header:<name>`.
    #[serde(default)]
    pub key: Vec<String>,
    /// Limits on requests, tokens or cost, each over a window.
    #[serde(default)]
    pub limits: Vec<LimitConfig>,
    /// Most requests of one key in flight at once (local counters only).
    #[serde(default)]
    pub in_flight: Option<u32>,
    /// Decide and report, never refuse. Default: `false`.
    #[serde(default)]
    pub shadow: bool,
    /// Where the counters live. Default: `local`.
    #[serde(default)]
    pub store: Store,
    /// With `"store": "rls"`: this sidecar also counts the rule locally,
    /// allowing at most this share (0 to 1) of each limit per window, so a
    /// burst that races the service (check-then-increment storage) cannot
    /// take more than `sidecars × local_cap × limit`. A refusal by it names
    /// the rule `<name>-local-cap`.
    #[serde(default)]
    pub local_cap: Option<f64>,
}

/// Conditions a request must meet for a rule to apply; an empty list or map
/// is no condition.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct MatchConfig {
    /// Consumer names (exact).
    pub consumers: Vec<String>,
    /// Model name patterns (`*`, `?`).
    pub models: Vec<String>,
    /// Path prefixes, matched against the normalised path by whole
    /// segments (`/v1/chat` matches `/v1/chat/completions`, not
    /// `/v1/chatty`; a trailing `*` continues the last segment).
    pub routes: Vec<String>,
    /// Namespaces (exact).
    pub namespaces: Vec<String>,
    /// Source principals (SPIFFE IDs, `*` globs).
    pub principals: Vec<String>,
    /// Consumer labels set by `auth`, each of which must have this value.
    pub labels: BTreeMap<String, String>,
    /// Request headers, each of which must have this value.
    pub headers: BTreeMap<String, String>,
}

/// A limit: exactly one of the amounts, over a window.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LimitConfig {
    /// Requests.
    #[serde(default)]
    pub requests: Option<u64>,
    /// Input (prompt) tokens.
    #[serde(default)]
    pub input_tokens: Option<u64>,
    /// Output (completion) tokens.
    #[serde(default)]
    pub output_tokens: Option<u64>,
    /// Input plus output tokens.
    #[serde(default)]
    pub tokens: Option<u64>,
    /// Cost in currency units (as in `prices`).
    #[serde(default)]
    pub cost: Option<f64>,
    /// The window.
    pub per: Window,
}

/// What a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// Requests.
    Requests,
    /// Input tokens.
    InputTokens,
    /// Output tokens.
    OutputTokens,
    /// Input plus output tokens.
    Tokens,
    /// Cost in millionths of a currency unit.
    Cost,
}

impl Metric {
    /// The name in configuration, metrics and RLS descriptors.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requests => "requests",
            Self::InputTokens => "input_tokens",
            Self::OutputTokens => "output_tokens",
            Self::Tokens => "tokens",
            Self::Cost => "cost",
        }
    }

    /// Whether this counts tokens of some kind.
    pub fn is_tokens(self) -> bool {
        matches!(self, Self::InputTokens | Self::OutputTokens | Self::Tokens)
    }
}

/// Millionths of a currency unit per unit: costs are counted as integers.
pub const COST_SCALE: f64 = 1_000_000.0;

impl LimitConfig {
    /// The metric and the limit in counter units (cost in millionths), if
    /// exactly one amount is set.
    pub fn metric(&self) -> Option<(Metric, u64)> {
        let mut set = [
            self.requests.map(|v| (Metric::Requests, v)),
            self.input_tokens.map(|v| (Metric::InputTokens, v)),
            self.output_tokens.map(|v| (Metric::OutputTokens, v)),
            self.tokens.map(|v| (Metric::Tokens, v)),
            self.cost.map(|c| (Metric::Cost, cost_units(c))),
        ]
        .into_iter()
        .flatten();
        let first = set.next()?;
        set.next().is_none().then_some(first)
    }
}

/// A cost in currency units as counter units (millionths), rounded up,
/// saturating.
pub fn cost_units(cost: f64) -> u64 {
    let scaled = (cost * COST_SCALE).ceil();
    if scaled.is_nan() || scaled <= 0.0 {
        0
    } else if scaled >= u64::MAX as f64 {
        u64::MAX
    } else {
        scaled as u64
    }
}

/// A fixed window, aligned to the epoch (a minute window resets at :00, as
/// rate-limit services do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// One second.
    Second,
    /// One minute.
    Minute,
    /// One hour.
    Hour,
    /// One day (UTC).
    Day,
}

impl Window {
    /// Its length in seconds.
    pub fn seconds(self) -> u64 {
        match self {
            Self::Second => 1,
            Self::Minute => 60,
            Self::Hour => 3600,
            Self::Day => 86_400,
        }
    }

    /// Its name, as in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Second => "second",
            Self::Minute => "minute",
            Self::Hour => "hour",
            Self::Day => "day",
        }
    }
}

/// Where a rule's counters live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Store {
    /// This sidecar's shared data: every worker of the sidecar, no other.
    #[default]
    Local,
    /// The rate-limit service (`rls`): every sidecar that calls it.
    Rls,
}

/// Per-million-token prices of a model, in currency units.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Per million input tokens not read from a cache.
    pub input: f64,
    /// Per million input tokens read from a cache. Default: `input`.
    #[serde(default)]
    pub cached_input: Option<f64>,
    /// Per million output tokens.
    pub output: f64,
}

/// Counters in shared data.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct LocalConfig {
    /// Most counter records (distinct rule keys, plus one per consumer and
    /// model for spike detection). A new key past the cap evicts the record
    /// of its slot set that was used least recently. Default: 10000.
    pub max_keys: u32,
    /// An in-flight count not touched for this long is reset (a VM that
    /// crashed mid-request cannot leave its requests counted forever).
    /// Default: 600.
    pub in_flight_timeout_secs: u32,
    /// Most distinct keys a rule keyed by a value the client chooses
    /// (`model`, `route`, `header:…`) counts at once. Such a rule keeps its
    /// counters in a region of its own (twice this many slots), where a new
    /// key never evicts a live one: past about this many live keys a new
    /// one is refused with 429 (counted), so a client inventing values can
    /// neither reset anyone's counters nor grow memory. Default: 1000.
    pub max_client_keys: u32,
    /// Most new keys one consumer may create in such a rule per window of
    /// the rule (its longest): past it, that consumer's new values are
    /// refused with 429 and everyone else's still counted, so one consumer
    /// cannot fill the region for all. Default: 100, or
    /// `max_client_keys` when that is smaller.
    pub max_client_keys_per_consumer: Option<u32>,
    /// Most records awaiting a later request: background responses waiting
    /// to be reconciled with the usage a retrieve reports, and batch input
    /// files waiting for their batch. They live in a region of their own
    /// (twice this many slots) that never evicts a live record. Default:
    /// 1000.
    pub max_pending: u32,
    /// Most batch input files one consumer may upload per day (each waits
    /// in that region for its batch). Default: 100, or `max_pending` when
    /// that is smaller.
    pub max_pending_per_consumer: Option<u32>,
}

impl LocalConfig {
    /// `max_client_keys_per_consumer` or its default.
    pub fn client_keys_per_consumer(&self) -> u32 {
        self.max_client_keys_per_consumer
            .unwrap_or_else(|| self.max_client_keys.min(100))
    }

    /// `max_pending_per_consumer` or its default.
    pub fn pending_per_consumer(&self) -> u32 {
        self.max_pending_per_consumer
            .unwrap_or_else(|| self.max_pending.min(100))
    }
}

impl Default for LocalConfig {
    fn default() -> Self {
        Self {
            max_keys: 10_000,
            in_flight_timeout_secs: 600,
            max_client_keys: 1000,
            max_client_keys_per_consumer: None,
            max_pending: 1000,
            max_pending_per_consumer: None,
        }
    }
}

/// The rate-limit service (Envoy RLS v3 over gRPC).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RlsConfig {
    /// The Envoy cluster of the service (HTTP/2).
    pub cluster: String,
    /// The RLS domain. Default: `tollgate`.
    #[serde(default = "default_domain")]
    pub domain: String,
    /// How long to wait for an answer. Default: 100 ms.
    #[serde(default = "default_rls_timeout")]
    pub timeout_ms: u32,
    /// What to do when the service does not answer (timeout, error).
    /// Default: `deny`.
    #[serde(default)]
    pub on_failure: RlsFailure,
    /// How usage above a reservation is reported when a response ends.
    /// Default: `should_rate_limit`.
    #[serde(default)]
    pub usage_reports: UsageReports,
    /// How the service's windows are aligned: what `retry-after` and
    /// `x-ratelimit-reset-*` say when the service does not. Default:
    /// `from_service`.
    #[serde(default)]
    pub windows: RlsWindows,
    /// Fail fast while the service is down. Default: open after 5
    /// consecutive failures, for 5 s.
    #[serde(default)]
    pub breaker: BreakerConfig,
}

/// Where a service's windows start, for when it does not say when one
/// resets. Whatever this says, a reset the service gives is used first:
/// its statuses' `duration_until_reset` (envoyproxy/ratelimit), else
/// Limitador's draft-03 `X-RateLimit-Reset` header
/// (`--rate-limit-headers DRAFT_VERSION_03`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RlsWindows {
    /// The service says (its statuses or headers); when it does not, the
    /// whole window is assumed left (a retry is never too early) and
    /// `tollgate_throttle_rls_reset_unknown_total` counts it, so a service
    /// that should say and does not is seen.
    #[default]
    FromService,
    /// Windows start at a key's first hit (Limitador): when the service
    /// does not say, the whole window is assumed left.
    FirstHit,
    /// Windows are aligned on the epoch (a minute resets at :00): the
    /// reset is computed here when the service does not say.
    Epoch,
}

/// The circuit breaker in front of the rate-limit service: after
/// `failures` consecutive failed calls (timeouts, errors, `UNKNOWN`) the
/// failure mode applies at once, without calling, for `cooldown_ms`; then
/// one request probes the service, and a success closes the breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct BreakerConfig {
    /// Consecutive failures that open it; 0 turns the breaker off.
    pub failures: u32,
    /// How long it stays open before a probe, in milliseconds.
    pub cooldown_ms: u32,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            failures: 5,
            cooldown_ms: 5_000,
        }
    }
}

/// The method usage reports are sent with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UsageReports {
    /// `ShouldRateLimit` with the excess as `hits_addend`: any RLS v3
    /// service. A service that counts all or nothing (Limitador) drops a
    /// report that crosses the limit — exactly the one that matters; those
    /// are counted in `tollgate_throttle_rls_reports_refused_total`.
    #[default]
    ShouldRateLimit,
    /// Limitador's `kuadrant.service.ratelimit.v1.RateLimitService/Report`,
    /// which always counts.
    LimitadorReport,
}

fn default_domain() -> String {
    "tollgate".to_owned()
}

fn default_rls_timeout() -> u32 {
    100
}

/// What to do when the rate-limit service fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RlsFailure {
    /// Refuse with 503.
    #[default]
    Deny,
    /// Admit.
    Allow,
    /// Apply the rule's limits with this sidecar's local counters.
    Local,
}

/// Streams.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct StreamConfig {
    /// Ask OpenAI-style streams for a final usage event
    /// (`stream_options.include_usage`) and remove that event if the client
    /// did not ask for it. Default: `true`.
    pub include_usage: bool,
    /// End a stream whose output passes what the token limits allow it
    /// (its reservation and what remained of the tightest token limit):
    /// an error event (`tokens_limit_exceeded`), then a reset that stops
    /// the upstream. Default: `false`.
    pub cut_off: bool,
}

impl Default for StreamConfig {
    fn default() -> Self {
        Self {
            include_usage: true,
            cut_off: false,
        }
    }
}

/// Spike detection: a baseline per consumer and model (see
/// [`crate::throttle::spike`] for the model and why these defaults).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SpikeConfig {
    /// The length of one baseline period. Default: 10.
    pub period_secs: u32,
    /// EWMA weight of each new period, in (0, 1]. Default: 0.1.
    pub alpha: f64,
    /// How many standard deviations above the baseline is a spike.
    /// Default: 4.5.
    pub sigmas: f64,
    /// Requests per period below which nothing is a spike. Default: 20.
    pub min_requests: f64,
    /// Tokens per period below which nothing is a spike. Default: 20000.
    pub min_tokens: f64,
    /// A typical request's tokens, for the token series' noise floor.
    /// Default: 1000.
    pub token_unit: f64,
    /// Periods of baseline before any verdict. Default: 6.
    pub warmup_periods: u32,
    /// How long a spike stays active after the last anomalous event.
    /// Default: 300.
    pub hold_secs: u32,
    /// While a spike is active, at most this many requests per period for
    /// that consumer and model (the rest get 429); absent: only report.
    pub limit_requests: Option<u64>,
}

impl Default for SpikeConfig {
    fn default() -> Self {
        Self {
            period_secs: 10,
            alpha: 0.1,
            sigmas: 4.5,
            min_requests: 20.0,
            min_tokens: 20_000.0,
            token_unit: 1000.0,
            warmup_periods: 6,
            hold_secs: 300,
            limit_requests: None,
        }
    }
}

impl SpikeConfig {
    /// The detector's parameters for request series and for token series.
    pub fn params(&self) -> (SpikeParams, SpikeParams) {
        let requests = SpikeParams {
            period_secs: self.period_secs,
            alpha: self.alpha,
            sigmas: self.sigmas,
            min_rate: self.min_requests,
            unit: 1.0,
            warmup_periods: self.warmup_periods,
            hold_secs: self.hold_secs,
        };
        let tokens = SpikeParams {
            min_rate: self.min_tokens,
            unit: self.token_unit,
            ..requests
        };
        (requests, tokens)
    }
}

/// What a rule's key is made of.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyPart {
    /// The consumer `auth` identified.
    Consumer,
    /// The model the request names.
    Model,
    /// The path, without its query.
    Route,
    /// The caller's namespace.
    Namespace,
    /// The caller's mTLS principal.
    Principal,
    /// A consumer label set by `auth`.
    Label(String),
    /// A request header.
    Header(String),
}

impl KeyPart {
    /// Parses `consumer`, `label:tier`, `header:x-team`, ….
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "consumer" => Self::Consumer,
            "model" => Self::Model,
            "route" => Self::Route,
            "namespace" => Self::Namespace,
            "principal" => Self::Principal,
            _ => {
                if let Some(name) = s.strip_prefix("label:") {
                    valid_label_name(name).then(|| Self::Label(name.to_owned()))?
                } else if let Some(name) = s.strip_prefix("header:") {
                    validate_header_name("", name).ok()?;
                    Self::Header(name.to_owned())
                } else {
                    return None;
                }
            }
        })
    }

    /// The descriptor entry key for RLS: `consumer`, `label.tier`,
    /// `header.x-team`.
    pub fn descriptor_key(&self) -> String {
        match self {
            Self::Consumer => "consumer".to_owned(),
            Self::Model => "model".to_owned(),
            Self::Route => "route".to_owned(),
            Self::Namespace => "namespace".to_owned(),
            Self::Principal => "principal".to_owned(),
            Self::Label(n) => format!("label.{n}"),
            Self::Header(n) => format!("header.{n}"),
        }
    }
}

fn valid_label_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

fn valid_rule_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-'))
}

fn valid_price(p: f64) -> bool {
    p.is_finite() && (0.0..=1.0e9).contains(&p)
}

impl ThrottleConfig {
    /// The limits a rate-limit service must hold for the rules with
    /// `"store": "rls"`, in the format of Limitador's `LIMITS_FILE` (a JSON
    /// array; JSON is YAML): one limit per rule and limit, in the RLS
    /// domain's namespace, matching the descriptor `throttle` sends for
    /// that rule and metric (`tollgate_rule`, `metric`), counted per key
    /// part. Costs are in millionths, as the filter counts them.
    pub fn limitador_limits(&self) -> serde_json::Value {
        let domain = self
            .rls
            .as_ref()
            .map_or_else(default_domain, |r| r.domain.clone());
        let mut out = Vec::new();
        for rule in self.rules.iter().filter(|r| r.store == Store::Rls) {
            for limit in &rule.limits {
                let Some((metric, value)) = limit.metric() else {
                    continue;
                };
                let variables: Vec<String> = rule
                    .key
                    .iter()
                    .filter_map(|k| KeyPart::parse(k))
                    .map(|k| format!("descriptors[0]['{}']", k.descriptor_key()))
                    .collect();
                out.push(serde_json::json!({
                    "namespace": domain,
                    "name": format!("{}/{}/{}", rule.name, metric.as_str(), limit.per.as_str()),
                    "max_value": value,
                    "seconds": limit.per.seconds(),
                    "conditions": [
                        format!("descriptors[0]['tollgate_rule'] == '{}'", rule.name),
                        format!("descriptors[0]['metric'] == '{}'", metric.as_str()),
                    ],
                    "variables": variables,
                }));
            }
        }
        serde_json::Value::Array(out)
    }
}

impl Validate for ThrottleConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        validate_header_name("consumer_header", &self.consumer_header)?;
        self.routes.validate().map_err(|e| e.nested("routes"))?;
        super::validate_body_bytes(self.max_body_bytes)?;
        if self.rules.len() > MAX_RULES {
            return Err(ConfigError::invalid("rules", "must hold at most 64 rules"));
        }
        let mut names = BTreeSet::new();
        let mut any_cost = false;
        let mut any_rls = false;
        for (i, rule) in self.rules.iter().enumerate() {
            let at = format!("rules[{i}]");
            rule.validate().map_err(|e| e.nested(&at))?;
            if !names.insert(rule.name.as_str()) {
                return Err(ConfigError::invalid(
                    format!("{at}.name"),
                    "must be unique among the rules",
                ));
            }
            any_cost |= rule.limits.iter().any(|l| l.cost.is_some());
            any_rls |= rule.store == Store::Rls;
        }
        for (pattern, price) in &self.prices {
            let at = format!("prices.{pattern}");
            if pattern.is_empty() || pattern.len() > 256 {
                return Err(ConfigError::invalid(
                    at,
                    "model patterns must be 1 to 256 bytes",
                ));
            }
            if !valid_price(price.input) {
                return Err(ConfigError::invalid(
                    format!("{at}.input"),
                    "must be a number from 0 to 1e9",
                ));
            }
            if !valid_price(price.output) {
                return Err(ConfigError::invalid(
                    format!("{at}.output"),
                    "must be a number from 0 to 1e9",
                ));
            }
            if price.cached_input.is_some_and(|p| !valid_price(p)) {
                return Err(ConfigError::invalid(
                    format!("{at}.cached_input"),
                    "must be a number from 0 to 1e9",
                ));
            }
        }
        if any_cost && !self.prices.contains_key("*") {
            return Err(ConfigError::invalid(
                "prices",
                "must have a `*` entry when a limit is on cost (the price of models not listed; \
                 an unpriced model must not escape a budget)",
            ));
        }
        if self.default_max_tokens == 0 {
            return Err(ConfigError::invalid(
                "default_max_tokens",
                "must be at least 1",
            ));
        }
        if !(MIN_MAX_KEYS..=MAX_MAX_KEYS).contains(&self.local.max_keys) {
            return Err(ConfigError::invalid(
                "local.max_keys",
                "must be between 16 and 100000",
            ));
        }
        if self.local.in_flight_timeout_secs == 0 {
            return Err(ConfigError::invalid(
                "local.in_flight_timeout_secs",
                "must be at least 1",
            ));
        }
        if !(MIN_MAX_KEYS..=MAX_MAX_KEYS).contains(&self.local.max_client_keys) {
            return Err(ConfigError::invalid(
                "local.max_client_keys",
                "must be between 16 and 100000",
            ));
        }
        let per = self.local.client_keys_per_consumer();
        if per == 0 || per > self.local.max_client_keys {
            return Err(ConfigError::invalid(
                "local.max_client_keys_per_consumer",
                "must be between 1 and local.max_client_keys",
            ));
        }
        if !(MIN_MAX_KEYS..=MAX_MAX_KEYS).contains(&self.local.max_pending) {
            return Err(ConfigError::invalid(
                "local.max_pending",
                "must be between 16 and 100000",
            ));
        }
        let per = self.local.pending_per_consumer();
        if per == 0 || per > self.local.max_pending {
            return Err(ConfigError::invalid(
                "local.max_pending_per_consumer",
                "must be between 1 and local.max_pending",
            ));
        }
        match &self.rls {
            Some(rls) => {
                if rls.cluster.is_empty() {
                    return Err(ConfigError::invalid("rls.cluster", "must not be empty"));
                }
                if rls.domain.is_empty() || rls.domain.len() > 256 {
                    return Err(ConfigError::invalid("rls.domain", "must be 1 to 256 bytes"));
                }
                if !(1..=60_000).contains(&rls.timeout_ms) {
                    return Err(ConfigError::invalid(
                        "rls.timeout_ms",
                        "must be between 1 and 60000",
                    ));
                }
            }
            None if any_rls => {
                return Err(ConfigError::invalid(
                    "rls",
                    "is required when a rule has `\"store\": \"rls\"`",
                ));
            }
            None => {}
        }
        if let Some(spike) = &self.spike {
            spike.validate().map_err(|e| e.nested("spike"))?;
        }
        Ok(())
    }
}

impl Validate for RuleConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if !valid_rule_name(&self.name) {
            return Err(ConfigError::invalid(
                "name",
                "must be 1 to 64 of a-z, 0-9, `_` and `-`",
            ));
        }
        if self.limits.is_empty() && self.in_flight.is_none() {
            return Err(ConfigError::invalid(
                "limits",
                "must not be empty (or set `in_flight`): a rule with no limit limits nothing",
            ));
        }
        if self.limits.len() > MAX_LIMITS_PER_RULE {
            return Err(ConfigError::invalid("limits", "must hold at most 8 limits"));
        }
        for (i, limit) in self.limits.iter().enumerate() {
            let Some((_, value)) = limit.metric() else {
                return Err(ConfigError::invalid(
                    format!("limits[{i}]"),
                    "must set exactly one of `requests`, `input_tokens`, `output_tokens`, \
                     `tokens`, `cost`",
                ));
            };
            if limit.cost.is_some_and(|c| !c.is_finite() || c <= 0.0) || value == 0 {
                return Err(ConfigError::invalid(
                    format!("limits[{i}]"),
                    "must be more than 0",
                ));
            }
        }
        if self.in_flight == Some(0) {
            return Err(ConfigError::invalid("in_flight", "must be at least 1"));
        }
        if let Some(cap) = self.local_cap {
            if self.store != Store::Rls {
                return Err(ConfigError::invalid(
                    "local_cap",
                    "caps a rule with `\"store\": \"rls\"` locally: a local rule is exact already",
                ));
            }
            if !(cap > 0.0 && cap <= 1.0) {
                return Err(ConfigError::invalid(
                    "local_cap",
                    "must be more than 0 and at most 1 (a share of each limit)",
                ));
            }
        }
        if self.store == Store::Rls && self.in_flight.is_some() {
            return Err(ConfigError::invalid(
                "in_flight",
                "is counted locally only: put it in a rule with `\"store\": \"local\"`",
            ));
        }
        if self.key.len() > 8 {
            return Err(ConfigError::invalid("key", "must have at most 8 parts"));
        }
        let mut seen = BTreeSet::new();
        for (i, part) in self.key.iter().enumerate() {
            let Some(parsed) = KeyPart::parse(part) else {
                return Err(ConfigError::invalid(
                    format!("key[{i}]"),
                    "must be `consumer`, `model`, `route`, `namespace`, `principal`, \
                     `label:<name>` or `header:<lowercase-name>`",
                ));
            };
            if !seen.insert(parsed) {
                return Err(ConfigError::invalid(format!("key[{i}]"), "is repeated"));
            }
        }
        self.when.validate().map_err(|e| e.nested("match"))
    }
}

impl Validate for MatchConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        for (field, list) in [
            ("consumers", &self.consumers),
            ("models", &self.models),
            ("routes", &self.routes),
            ("namespaces", &self.namespaces),
            ("principals", &self.principals),
        ] {
            for (i, v) in list.iter().enumerate() {
                if v.is_empty() || v.len() > 256 || v.chars().any(char::is_control) {
                    return Err(ConfigError::invalid(
                        format!("{field}[{i}]"),
                        "must be 1 to 256 bytes with no control characters",
                    ));
                }
            }
        }
        for (i, route) in self.routes.iter().enumerate() {
            if !route.starts_with('/') {
                return Err(ConfigError::invalid(
                    format!("routes[{i}]"),
                    "must start with `/`",
                ));
            }
        }
        for name in self.labels.keys() {
            if !valid_label_name(name) {
                return Err(ConfigError::invalid(
                    "labels",
                    "names must be 1 to 64 characters of letters, digits, `_`, `.` and `-`",
                ));
            }
        }
        for name in self.headers.keys() {
            validate_header_name("headers", name)?;
        }
        Ok(())
    }
}

impl Validate for SpikeConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if !(1..=3600).contains(&self.period_secs) {
            return Err(ConfigError::invalid(
                "period_secs",
                "must be between 1 and 3600",
            ));
        }
        if !(self.token_unit.is_finite() && self.token_unit > 0.0) {
            return Err(ConfigError::invalid("token_unit", "must be more than 0"));
        }
        let (requests, tokens) = self.params();
        for (p, min_field) in [(requests, "min_requests"), (tokens, "min_tokens")] {
            if let Err(e) = p.validate() {
                let field = if e.field == "min_rate" {
                    min_field
                } else {
                    e.field
                };
                return Err(ConfigError::invalid(field, e.reason));
            }
        }
        if self.limit_requests == Some(0) {
            return Err(ConfigError::invalid("limit_requests", "must be at least 1"));
        }
        Ok(())
    }
}

/// [`SpikeParams::min_rate`] for request series: requests per period.
pub const DEFAULT_REQUEST_MIN_RATE: f64 = 20.0;

/// [`SpikeParams::min_rate`] for token series ([`SpikeParams::tokens`]):
/// tokens per period, about 20 requests of [`DEFAULT_TOKEN_UNIT`] tokens.
pub const DEFAULT_TOKEN_MIN_RATE: f64 = 20_000.0;

/// [`SpikeParams::unit`] for token series: a typical request's tokens
/// (prompt plus output), the size of one "event" in the noise floor.
pub const DEFAULT_TOKEN_UNIT: f64 = 1000.0;

/// Tuning of one kind of series (requests, or tokens). See the module docs
/// for the defaults and why.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpikeParams {
    /// Length of a period in seconds, periods aligned on the epoch. Default
    /// 10.
    pub period_secs: u32,
    /// Weight of each new period in the EWMA mean and variance, in (0, 1].
    /// Default 0.1 (about 10 periods of memory).
    pub alpha: f64,
    /// How many (floored) standard deviations above the mean a period's
    /// count must be to be an anomaly. Default 4.5.
    pub sigmas: f64,
    /// A period count below this is never an anomaly (per period, in the
    /// series' own unit: requests or tokens). Default 20 requests.
    pub min_rate: f64,
    /// Size of one event in the series' unit, for the noise floor
    /// `sd >= sqrt(unit·mean)` and `sd >= unit`: 1 for requests, a typical
    /// request's tokens for tokens. Default 1.
    pub unit: f64,
    /// Periods that must be folded in before any verdict. Default 6.
    pub warmup_periods: u32,
    /// How long an anomaly stays active after the last event that raised
    /// it, in seconds; at least 1. Default 300.
    pub hold_secs: u32,
}

impl Default for SpikeParams {
    /// The defaults for request series.
    fn default() -> Self {
        Self {
            period_secs: 10,
            alpha: 0.1,
            sigmas: 4.5,
            min_rate: DEFAULT_REQUEST_MIN_RATE,
            unit: 1.0,
            warmup_periods: 6,
            hold_secs: 300,
        }
    }
}

/// A parameter that breaks a rule: which one, and the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamError {
    /// The field's name in [`SpikeParams`].
    pub field: &'static str,
    /// The rule it breaks.
    pub reason: &'static str,
}

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for ParamError {}

impl SpikeParams {
    /// The defaults for token series: [`DEFAULT_TOKEN_MIN_RATE`] and
    /// [`DEFAULT_TOKEN_UNIT`], the rest as [`SpikeParams::default`].
    pub fn tokens() -> Self {
        Self {
            min_rate: DEFAULT_TOKEN_MIN_RATE,
            unit: DEFAULT_TOKEN_UNIT,
            ..Self::default()
        }
    }

    /// Checks the rules on each field; the error names the first field that
    /// breaks one (the config layer prefixes its path). [`Baseline`] never
    /// panics on bad parameters, but its verdicts mean nothing with them.
    pub fn validate(&self) -> Result<(), ParamError> {
        let err = |field, reason| Err(ParamError { field, reason });
        if self.period_secs == 0 {
            return err("period_secs", "must be at least 1");
        }
        if self.period_secs > 86_400 {
            return err("period_secs", "must be at most 86400 (a day)");
        }
        if !(self.alpha.is_finite() && self.alpha > 0.0 && self.alpha <= 1.0) {
            return err("alpha", "must be > 0 and <= 1");
        }
        if !(self.sigmas.is_finite() && self.sigmas > 0.0) {
            return err("sigmas", "must be a number > 0");
        }
        if !(self.min_rate.is_finite() && self.min_rate >= 0.0) {
            return err("min_rate", "must be a number >= 0");
        }
        if !(self.unit.is_finite() && self.unit > 0.0) {
            return err("unit", "must be a number > 0");
        }
        if self.hold_secs == 0 {
            return err("hold_secs", "must be at least 1");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    fn err(json: &str) -> String {
        parse::<ThrottleConfig>(json.as_bytes())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_full_configuration_parses() {
        let c: ThrottleConfig = parse(
            br#"{"rules": [
                {"name": "per-consumer", "key": ["consumer"],
                 "limits": [{"requests": 60, "per": "minute"}, {"tokens": 100000, "per": "minute"},
                            {"cost": 5.0, "per": "day"}], "in_flight": 8},
                {"name": "free", "match": {"labels": {"tier": "free"}, "models": ["gpt-4o*"]},
                 "key": ["consumer", "model", "label:tier", "header:x-team"],
                 "limits": [{"output_tokens": 20000, "per": "hour"}], "store": "rls", "shadow": true}],
               "prices": {"gpt-4o-mini": {"input": 0.15, "cached_input": 0.075, "output": 0.6},
                          "*": {"input": 5, "output": 15}},
               "rls": {"cluster": "ratelimit", "on_failure": "local"},
               "spike": {"limit_requests": 5}}"#,
        )
        .unwrap();
        assert_eq!(c.rules.len(), 2);
        assert_eq!(
            c.rules[0].limits[2].metric(),
            Some((Metric::Cost, 5_000_000))
        );
        assert_eq!(c.rules[1].store, Store::Rls);
        let rls = c.rls.unwrap();
        assert_eq!((rls.domain.as_str(), rls.timeout_ms), ("tollgate", 100));
        assert_eq!(rls.on_failure, RlsFailure::Local);
        assert_eq!(c.spike.unwrap().limit_requests, Some(5));
    }

    #[test]
    fn bad_rules_name_the_field() {
        let cases = [
            (
                r#"{"rules":[{"name":"A","limits":[{"requests":1,"per":"second"}]}]}"#,
                "rules[0].name",
            ),
            (
                r#"{"rules":[{"name":"a"}]}"#,
                "rules[0].limits: must not be empty",
            ),
            (
                r#"{"rules":[{"name":"a","limits":[{"requests":1,"tokens":2,"per":"second"}]}]}"#,
                "rules[0].limits[0]: must set exactly one",
            ),
            (
                r#"{"rules":[{"name":"a","limits":[{"requests":0,"per":"second"}]}]}"#,
                "more than 0",
            ),
            (
                r#"{"rules":[{"name":"a","limits":[{"requests":1,"per":"week"}]}]}"#,
                "rules[0].limits[0].per",
            ),
            (
                r#"{"rules":[{"name":"a","key":["consumer","tier"],"limits":[{"requests":1,"per":"second"}]}]}"#,
                "rules[0].key[1]",
            ),
            (
                r#"{"rules":[{"name":"a","key":["header:X-Team"],"limits":[{"requests":1,"per":"second"}]}]}"#,
                "rules[0].key[0]",
            ),
            (
                r#"{"rules":[{"name":"a","limits":[{"requests":1,"per":"second"}]},{"name":"a","in_flight":1}]}"#,
                "rules[1].name: must be unique",
            ),
            (
                r#"{"rules":[{"name":"a","limits":[{"cost":1,"per":"day"}]}]}"#,
                "prices: must have a `*`",
            ),
            (
                r#"{"rules":[{"name":"a","store":"rls","limits":[{"requests":1,"per":"second"}]}]}"#,
                "rls: is required",
            ),
            (
                r#"{"rules":[{"name":"a","match":{"routes":["v1"]},"in_flight":1}]}"#,
                "rules[0].match.routes[0]",
            ),
            (
                r#"{"prices":{"m":{"input":-1,"output":1}}}"#,
                "prices.m.input",
            ),
            (r#"{"spike":{"alpha":0}}"#, "spike.alpha"),
            (r#"{"local":{"max_keys":1}}"#, "local.max_keys"),
        ];
        for (json, want) in cases {
            let got = err(json);
            assert!(got.contains(want), "{json}: {got}");
        }
    }

    #[test]
    fn limitador_limits_mirror_the_rls_rules() {
        let c: ThrottleConfig = parse(
            br#"{"rls": {"cluster": "rl", "domain": "mesh"}, "prices": {"*": {"input": 1, "output": 1}},
                 "rules": [{"name": "team", "store": "rls", "key": ["consumer", "label:tier"],
                            "limits": [{"requests": 5, "per": "minute"}, {"cost": 2.5, "per": "day"}]},
                           {"name": "local", "limits": [{"requests": 1, "per": "second"}]}]}"#,
        )
        .unwrap();
        let limits = c.limitador_limits();
        assert_eq!(limits.as_array().unwrap().len(), 2);
        assert_eq!(
            limits[0],
            serde_json::json!({
                "namespace": "mesh", "name": "team/requests/minute", "max_value": 5, "seconds": 60,
                "conditions": ["descriptors[0]['tollgate_rule'] == 'team'", "descriptors[0]['metric'] == 'requests'"],
                "variables": ["descriptors[0]['consumer']", "descriptors[0]['label.tier']"]
            })
        );
        assert_eq!(limits[1]["max_value"], 2_500_000);
        assert_eq!(limits[1]["seconds"], 86_400);
    }

    #[test]
    fn key_parts_parse() {
        assert_eq!(
            KeyPart::parse("label:tier"),
            Some(KeyPart::Label("tier".into()))
        );
        assert_eq!(
            KeyPart::parse("header:x-a"),
            Some(KeyPart::Header("x-a".into()))
        );
        assert_eq!(KeyPart::parse("label:"), None);
        assert_eq!(KeyPart::parse(":path"), None);
        assert_eq!(KeyPart::Header("x-a".into()).descriptor_key(), "header.x-a");
    }

    #[test]
    fn cost_units_round_up_and_saturate() {
        assert_eq!(cost_units(0.000_001), 1);
        assert_eq!(cost_units(0.000_000_1), 1);
        assert_eq!(cost_units(0.0), 0);
        assert_eq!(cost_units(f64::NAN), 0);
        assert_eq!(cost_units(1e30), u64::MAX);
    }
}
