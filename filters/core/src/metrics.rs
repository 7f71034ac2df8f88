//! Every metric Tollgate exports, and how a labelled one is named.
//!
//! # Labels in Envoy's tag syntax
//! proxy-wasm metrics have a name and no labels, so a dimension travels in
//! the name, in the syntax Istio's own stats plugin uses: the metric's
//! prefix, then `key=.=value;.;` per label, then the rest of its name —
//! `tollgate_auth_` `outcome=.=denied;.;reason=.=invalid_key;.;consumer=.=unknown;.;`
//! `decisions_total`. Envoy's `stats_tags` (one regex per label key,
//! [`tag_regex`], exactly what Istio generates for each name in
//! `extraStatTags`) take each `key=.=value;.;` out of the name and make it a
//! tag, so `/stats/prometheus` serves
//! `tollgate_auth_decisions_total{outcome="denied",reason="invalid_key",consumer="unknown"}`.
//! Without those `stats_tags` the series still count, under long sanitised
//! names: `mesh-config/` and the Envoy bootstraps Tollgate generates ship
//! them.
//!
//! # Values and cardinality
//! A value keeps `[A-Za-z0-9_.:/@+-]` (anything else becomes `_`, so no
//! value can forge a separator), at most [`MAX_VALUE_BYTES`] bytes; an empty
//! one reads `unknown`. Labels whose values come from what clients send
//! ([`Label::is_client_controlled`]: consumer, model, source) are capped per
//! VM by [`Cardinality`]: past [`MAX_VALUES_PER_LABEL`] distinct values of
//! one label, new ones count as [`OTHER`], so a flood of names cannot grow
//! the stats without bound. Every other label's values come from the
//! configuration or a fixed set.
//!
//! # The catalogue
//! [`METRICS`] lists every metric with its type, labels and meaning: the
//! filters define theirs from it, the README's table is checked against it,
//! and so are the alert rules and dashboards in `mesh-config/observability/`.

use std::collections::{HashMap, HashSet};

/// Between a label key and its value.
pub const VALUE_SEPARATOR: &str = "=.=";
/// After each value.
pub const FIELD_SEPARATOR: &str = ";.;";
/// Longest label value kept (bytes, after sanitising).
pub const MAX_VALUE_BYTES: usize = 64;
/// Distinct values of one client-controlled label per VM before [`OTHER`].
pub const MAX_VALUES_PER_LABEL: usize = 256;
/// The value a capped label's new values share.
pub const OTHER: &str = "other";
/// The value of an empty or absent label.
pub const UNKNOWN: &str = "unknown";

/// A label key. Its position here is its position in every name that
/// carries it, so one series has one name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Label {
    /// The filter: `auth`, `throttle`, `inspect`.
    Filter,
    /// `request` or `response`.
    Direction,
    /// A detector family: `secrets`, `pii`, `injection`, `output`, ….
    Family,
    /// What policy did: `audit`, `redact`, `block`.
    Action,
    /// A rule's name (a throttle rule, a detector's rule or kind).
    Rule,
    /// A decision or result: `allowed` / `denied`, `admitted` / `limited` /
    /// `shadow_limited`, a memo's `hit` / `miss`.
    Outcome,
    /// Why a request was refused.
    Reason,
    /// A failure mode of the rate-limit service: `deny`, `allow`, `local`.
    Mode,
    /// What a budget counts: `requests` or `tokens`.
    Kind,
    /// The route the catalogue matched (`openai.chat.create`,
    /// `anthropic.messages.create`, …; `unknown` before it is known).
    Api,
    /// `input` or `output` (OpenTelemetry's `gen_ai.token.type`).
    TokenType,
    /// The consumer a request was authenticated as: `unknown` in auth when
    /// none was identified; `anonymous` in throttle and inspect when no
    /// consumer header reached them.
    Consumer,
    /// The model a request asked for (`unknown` if none).
    Model,
    /// Where a refused request came from: the caller's SPIFFE principal, or
    /// its address.
    Source,
}

impl Label {
    /// Every label, in name order.
    pub const ALL: [Label; 14] = [
        Label::Filter,
        Label::Direction,
        Label::Family,
        Label::Action,
        Label::Rule,
        Label::Outcome,
        Label::Reason,
        Label::Mode,
        Label::Kind,
        Label::Api,
        Label::TokenType,
        Label::Consumer,
        Label::Model,
        Label::Source,
    ];

    /// The label's key, as Prometheus shows it.
    pub const fn key(self) -> &'static str {
        match self {
            Label::Filter => "filter",
            Label::Direction => "direction",
            Label::Family => "family",
            Label::Action => "action",
            Label::Rule => "rule",
            Label::Outcome => "outcome",
            Label::Reason => "reason",
            Label::Mode => "mode",
            Label::Kind => "kind",
            Label::Api => "api",
            Label::TokenType => "token_type",
            Label::Consumer => "consumer",
            Label::Model => "model",
            Label::Source => "source",
        }
    }

    /// Whether clients choose the values (then they are capped).
    pub const fn is_client_controlled(self) -> bool {
        matches!(self, Label::Consumer | Label::Model | Label::Source)
    }
}

/// The Envoy `stats_tags` regex that turns `key=.=value;.;` into a tag (the
/// one Istio generates for a name in `extraStatTags`).
pub fn tag_regex(label: Label) -> String {
    format!("({}=\\.=(.*?);\\.;)", label.key())
}

/// A metric's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Only goes up.
    Counter,
    /// Set to a value.
    Gauge,
    /// Samples, served as buckets.
    Histogram,
}

impl Kind {
    /// As Prometheus names it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// One metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Metric {
    /// What comes before the labels (`tollgate_auth_`).
    pub prefix: &'static str,
    /// What comes after them (`decisions_total`).
    pub stem: &'static str,
    /// Its type.
    pub kind: Kind,
    /// Its labels, in name order (a subsequence of [`Label::ALL`]).
    pub labels: &'static [Label],
    /// Which filter exports it.
    pub filter: &'static str,
    /// What it counts, with its unit.
    pub help: &'static str,
}

impl Metric {
    /// The name Prometheus shows (labels taken out).
    pub fn name(&self) -> String {
        let mut s = String::with_capacity(self.prefix.len().saturating_add(self.stem.len()));
        s.push_str(self.prefix);
        s.push_str(self.stem);
        s
    }

    /// The name of one series: `values` has one value per label, in
    /// [`Metric::labels`] order (missing ones read [`UNKNOWN`]). Values are
    /// sanitised (see the module docs); capping is [`Cardinality`]'s job.
    pub fn series(&self, values: &[&str]) -> String {
        let mut s = String::with_capacity(
            self.prefix
                .len()
                .saturating_add(self.stem.len())
                .saturating_add(self.labels.len().saturating_mul(24)),
        );
        s.push_str(self.prefix);
        for (i, label) in self.labels.iter().enumerate() {
            s.push_str(label.key());
            s.push_str(VALUE_SEPARATOR);
            push_value(&mut s, values.get(i).copied().unwrap_or(""));
            s.push_str(FIELD_SEPARATOR);
        }
        s.push_str(self.stem);
        s
    }
}

/// A label value as series names carry it: `[A-Za-z0-9_.:/@+-]` kept,
/// anything else `_`, at most [`MAX_VALUE_BYTES`]; empty reads [`UNKNOWN`].
pub fn label_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(MAX_VALUE_BYTES));
    push_value(&mut out, value);
    out
}

fn push_value(out: &mut String, value: &str) {
    let start = out.len();
    for c in value.chars() {
        if out.len().saturating_sub(start) >= MAX_VALUE_BYTES {
            break;
        }
        let keep =
            c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '/' | '@' | '+' | '-');
        out.push(if keep { c } else { '_' });
    }
    if out.len() == start {
        out.push_str(UNKNOWN);
    }
}

/// A series name taken apart: the metric's name and its labels, in name
/// order. `None` if `series` is not in the tag syntax (an unlabelled name
/// comes back with no labels).
pub fn parse_series(series: &str) -> Option<(String, Vec<(String, String)>)> {
    let mut labels = Vec::new();
    let mut name = String::new();
    let mut rest = series;
    while let Some((head, after)) = rest.split_once(VALUE_SEPARATOR) {
        // `head` ends with a label key; what precedes it belongs to the name.
        let (before, key) = split_key(head)?;
        name.push_str(before);
        let (value, tail) = after.split_once(FIELD_SEPARATOR)?;
        labels.push((key.to_owned(), value.to_owned()));
        rest = tail;
    }
    name.push_str(rest);
    Some((name, labels))
}

/// `head` ends with a label key: split it into what precedes (part of the
/// name) and the key (the longest known key it ends with).
fn split_key(head: &str) -> Option<(&str, &str)> {
    Label::ALL
        .iter()
        .map(|l| l.key())
        .filter_map(|k| head.strip_suffix(k).map(|before| (before, k)))
        .max_by_key(|(_, k)| k.len())
}

/// Most series of one metric per VM: past it, a new series has every
/// client-controlled label [`OTHER`] (the labels from the configuration or
/// a fixed set bound the rest).
pub const MAX_SERIES_PER_METRIC: usize = 2048;

/// Caps the distinct values of client-controlled labels (per VM). Give it
/// values already through [`label_value`], so what it keeps is bounded.
#[derive(Debug, Default)]
pub struct Cardinality {
    seen: HashMap<Label, HashSet<String>>,
    /// Series admitted per metric (by prefix and stem).
    series: HashMap<(&'static str, &'static str), usize>,
}

impl Cardinality {
    /// The series name for `values` (one per label, in order): sanitised,
    /// client-controlled values capped per label, and past
    /// [`MAX_SERIES_PER_METRIC`] new series of this metric folded into the
    /// one with every client-controlled label [`OTHER`]. `known` says
    /// whether a name is already in use (it then always stays itself).
    pub fn name(
        &mut self,
        metric: &Metric,
        values: &[&str],
        known: impl Fn(&str) -> bool,
    ) -> String {
        let clean: Vec<String> = (0..metric.labels.len())
            .map(|i| label_value(values.get(i).copied().unwrap_or("")))
            .collect();
        let capped: Vec<&str> = metric
            .labels
            .iter()
            .zip(&clean)
            .map(|(label, v)| self.admit(*label, v))
            .collect();
        let name = metric.series(&capped);
        if known(&name) {
            return name;
        }
        let count = self.series.entry((metric.prefix, metric.stem)).or_default();
        if *count >= MAX_SERIES_PER_METRIC {
            let folded: Vec<&str> = metric
                .labels
                .iter()
                .zip(&capped)
                .map(|(label, v)| {
                    if label.is_client_controlled() {
                        OTHER
                    } else {
                        v
                    }
                })
                .collect();
            return metric.series(&folded);
        }
        *count = count.saturating_add(1);
        name
    }

    /// `value` if `label` may take it, else [`OTHER`]. Labels not client
    /// controlled always may.
    pub fn admit<'a>(&mut self, label: Label, value: &'a str) -> &'a str {
        if !label.is_client_controlled() || value == OTHER {
            return value;
        }
        let seen = self.seen.entry(label).or_default();
        if seen.contains(value) {
            return value;
        }
        if seen.len() >= MAX_VALUES_PER_LABEL {
            return OTHER;
        }
        seen.insert(value.to_owned());
        value
    }
}

use Kind::{Counter, Gauge, Histogram};
use Label::{
    Action, Api, Consumer, Direction, Family, Filter, Kind as KindLabel, Mode, Model, Outcome,
    Reason, Rule, Source, TokenType,
};

const fn m(
    prefix: &'static str,
    stem: &'static str,
    kind: Kind,
    labels: &'static [Label],
    filter: &'static str,
    help: &'static str,
) -> Metric {
    Metric {
        prefix,
        stem,
        kind,
        labels,
        filter,
        help,
    }
}

const AUTH: &str = "tollgate_auth_";
const THROTTLE: &str = "tollgate_throttle_";
const INSPECT: &str = "tollgate_inspect_";
const GEN_AI: &str = "tollgate_gen_ai_";

/// `auth`: requests seen.
pub const AUTH_REQUESTS: Metric = m(
    AUTH,
    "requests_total",
    Counter,
    &[],
    "auth",
    "Requests auth saw.",
);
/// `auth`: each decision.
pub const AUTH_DECISIONS: Metric = m(
    AUTH,
    "decisions_total",
    Counter,
    &[Outcome, Reason, Consumer],
    "auth",
    "Decisions: outcome `allowed` (reason `none`) or `denied` with its reason (`missing`, `unknown` key, `expired`, `bad_signature`, `unknown_kid`, `jwks_unavailable`, `model_not_allowed`, `endpoint_not_allowed`, `unknown_route`, …); consumer `unknown` when none was identified.",
);
/// `auth`: denials by where they came from.
pub const AUTH_SOURCE_DENIALS: Metric = m(
    AUTH,
    "source_denials_total",
    Counter,
    &[Source],
    "auth",
    "Requests refused for their credentials (401: missing, unknown, expired or badly signed) by source: the caller's SPIFFE principal under mTLS, else its IP address (credential stuffing shows here; behind another proxy, that proxy's address).",
);
/// `auth`: JWKS fetches.
pub const AUTH_JWKS_FETCHES: Metric = m(
    AUTH,
    "jwks_fetches_total",
    Counter,
    &[],
    "auth",
    "JWKS fetches started.",
);
/// `auth`: failed JWKS fetches.
pub const AUTH_JWKS_ERRORS: Metric = m(
    AUTH,
    "jwks_errors_total",
    Counter,
    &[],
    "auth",
    "JWKS fetches that failed or returned an unusable key set.",
);
/// `auth`: routes outside the catalogue.
pub const AUTH_UNKNOWN_ROUTES: Metric = m(
    AUTH,
    "unknown_routes_total",
    Counter,
    &[],
    "auth",
    "Requests on routes outside the catalogue.",
);
/// `auth`: provider credential missing.
pub const AUTH_PROVIDER_UNAVAILABLE: Metric = m(
    AUTH,
    "provider_unavailable_total",
    Counter,
    &[],
    "auth",
    "Requests refused because the provider credential to inject was unavailable.",
);

/// `throttle`: requests seen.
pub const THROTTLE_REQUESTS: Metric = m(
    THROTTLE,
    "requests_total",
    Counter,
    &[],
    "throttle",
    "Requests throttle saw.",
);
/// `throttle`: each decision.
pub const THROTTLE_DECISIONS: Metric = m(
    THROTTLE,
    "decisions_total",
    Counter,
    &[Outcome, Api, Consumer, Model],
    "throttle",
    "Decisions: outcome `admitted` or `limited` (a 429), by route (`api`), consumer and model.",
);
/// `throttle`: per rule.
pub const THROTTLE_RULE_DECISIONS: Metric = m(
    THROTTLE,
    "rule_decisions_total",
    Counter,
    &[Rule, Outcome],
    "throttle",
    "Per rule: `admitted`, `limited`, or `shadow_limited` (a shadow rule would have refused).",
);
/// `throttle`: how much of the tightest budget is used.
pub const THROTTLE_BUDGET_USED: Metric = m(
    THROTTLE,
    "budget_used_percent",
    Gauge,
    &[KindLabel, Consumer],
    "throttle",
    "Percent of the tightest request or token limit a consumer has used in its window, as of its last request (100 when refused).",
);
/// Tokens by consumer, model and type.
pub const GEN_AI_TOKEN_USAGE: Metric = m(
    GEN_AI,
    "client_token_usage_total",
    Counter,
    &[TokenType, Consumer, Model],
    "throttle",
    "Tokens charged (OpenTelemetry `gen_ai.client.token.usage`, as a counter): as the upstream reported them, or estimated when it did not.",
);
/// Cost by consumer and model.
pub const THROTTLE_COST: Metric = m(
    THROTTLE,
    "cost_microunits_total",
    Counter,
    &[Consumer, Model],
    "throttle",
    "Cost charged, in millionths of the currency of `prices` (tokens × the model's per-million price); nothing without `prices`.",
);
/// Time to first token by model.
pub const GEN_AI_TTFT: Metric = m(
    GEN_AI,
    "server_time_to_first_token_milliseconds",
    Histogram,
    &[Model],
    "throttle",
    "Milliseconds from the request to the first byte of the response (OpenTelemetry `gen_ai.server.time_to_first_token`).",
);
/// Request duration by model.
pub const GEN_AI_DURATION: Metric = m(
    GEN_AI,
    "server_request_duration_milliseconds",
    Histogram,
    &[Model],
    "throttle",
    "Milliseconds from the request to the end of the response (OpenTelemetry `gen_ai.server.request.duration`).",
);
/// `throttle`: spikes flagged.
pub const THROTTLE_SPIKES: Metric = m(
    THROTTLE,
    "spikes_total",
    Counter,
    &[Consumer, Model],
    "throttle",
    "Spikes flagged (counted once when each starts).",
);
/// `throttle`: refused by a spike's tighter limit.
pub const THROTTLE_SPIKE_LIMITED: Metric = m(
    THROTTLE,
    "spike_limited_total",
    Counter,
    &[],
    "throttle",
    "Requests refused by a spike's tighter limit.",
);
/// `throttle`: rate-limit service failures by fail mode.
pub const THROTTLE_RLS_FAILURES: Metric = m(
    THROTTLE,
    "rls_failures_total",
    Counter,
    &[Mode],
    "throttle",
    "Decisions taken without the rate-limit service, by its fail mode: `deny` (refused), `allow` (fail-open), `local` (local limits only).",
);
/// `throttle`: calls to the rate-limit service.
pub const THROTTLE_RLS_CALLS: Metric = m(
    THROTTLE,
    "rls_calls_total",
    Counter,
    &[],
    "throttle",
    "Calls to the rate-limit service.",
);
/// `throttle`: failed calls.
pub const THROTTLE_RLS_ERRORS: Metric = m(
    THROTTLE,
    "rls_errors_total",
    Counter,
    &[],
    "throttle",
    "Rate-limit service calls that failed (timeout, refused, bad answer).",
);
/// `throttle`: over-limit answers.
pub const THROTTLE_RLS_OVER_LIMIT: Metric = m(
    THROTTLE,
    "rls_over_limit_total",
    Counter,
    &[],
    "throttle",
    "Rate-limit service answers OVER_LIMIT.",
);
/// `throttle`: RLS latency.
pub const THROTTLE_RLS_LATENCY: Metric = m(
    THROTTLE,
    "rls_latency_milliseconds",
    Histogram,
    &[],
    "throttle",
    "Milliseconds a rate-limit service call took.",
);
/// `throttle`: usage reports.
pub const THROTTLE_RLS_REPORTS: Metric = m(
    THROTTLE,
    "rls_reports_total",
    Counter,
    &[],
    "throttle",
    "Usage above a reservation reported to the rate-limit service.",
);
/// `throttle`: refused reports.
pub const THROTTLE_RLS_REPORTS_REFUSED: Metric = m(
    THROTTLE,
    "rls_reports_refused_total",
    Counter,
    &[],
    "throttle",
    "Usage reports the rate-limit service refused.",
);
/// `throttle`: resets the service did not give.
pub const THROTTLE_RLS_RESET_UNKNOWN: Metric = m(
    THROTTLE,
    "rls_reset_unknown_total",
    Counter,
    &[],
    "throttle",
    "Mesh-wide refusals without a reset time (no `retry-after` could be given).",
);
/// `throttle`: calls skipped by the breaker.
pub const THROTTLE_RLS_SHORT_CIRCUITS: Metric = m(
    THROTTLE,
    "rls_short_circuits_total",
    Counter,
    &[],
    "throttle",
    "Calls not made while the breaker was open (the fail mode applied).",
);
/// `throttle`: breaker openings.
pub const THROTTLE_RLS_BREAKER_OPENED: Metric = m(
    THROTTLE,
    "rls_breaker_opened_total",
    Counter,
    &[],
    "throttle",
    "Times a worker's breaker to the rate-limit service opened.",
);
/// `throttle`: open breakers.
pub const THROTTLE_RLS_BREAKER_OPEN: Metric = m(
    THROTTLE,
    "rls_breaker_open",
    Gauge,
    &[],
    "throttle",
    "Workers whose breaker to the rate-limit service is open.",
);
/// `throttle`: streams cut.
pub const THROTTLE_STREAMS_CUT: Metric = m(
    THROTTLE,
    "streams_cut_total",
    Counter,
    &[],
    "throttle",
    "Streams ended at the token budget.",
);
/// `throttle`: unreadable bodies.
pub const THROTTLE_UNREADABLE: Metric = m(
    THROTTLE,
    "unreadable_total",
    Counter,
    &[],
    "throttle",
    "Requests refused because their body could not be read.",
);
/// `throttle`: unknown routes.
pub const THROTTLE_UNKNOWN_ROUTES: Metric = m(
    THROTTLE,
    "unknown_routes_total",
    Counter,
    &[],
    "throttle",
    "Requests on routes outside the catalogue.",
);
/// `throttle`: too many keys.
pub const THROTTLE_KEYS_REFUSED: Metric = m(
    THROTTLE,
    "keys_refused_total",
    Counter,
    &[],
    "throttle",
    "Requests refused because a rule's key table was full.",
);
/// `throttle`: decisions deferred to the body.
pub const THROTTLE_DEFERRED: Metric = m(
    THROTTLE,
    "deferred_total",
    Counter,
    &[],
    "throttle",
    "Decisions deferred from the headers to the body.",
);
/// `throttle`: reconciled.
pub const THROTTLE_RECONCILED: Metric = m(
    THROTTLE,
    "reconciled_total",
    Counter,
    &[],
    "throttle",
    "Background responses whose usage replaced their reservation.",
);
/// `throttle`: reservations held.
pub const THROTTLE_OUTSTANDING: Metric = m(
    THROTTLE,
    "reservations_outstanding",
    Gauge,
    &[],
    "throttle",
    "Reservations held by requests in flight.",
);
/// `throttle`: estimated usage.
pub const THROTTLE_ESTIMATED: Metric = m(
    THROTTLE,
    "usage_estimated_total",
    Counter,
    &[],
    "throttle",
    "Responses charged an estimate (the upstream reported no usage).",
);
/// `throttle`: compare-and-swap retries.
pub const THROTTLE_CAS_RETRIES: Metric = m(
    THROTTLE,
    "cas_retries_total",
    Counter,
    &[],
    "throttle",
    "Shared-counter compare-and-swap retries (contention between workers).",
);
/// `throttle`: evictions.
pub const THROTTLE_EVICTIONS: Metric = m(
    THROTTLE,
    "evictions_total",
    Counter,
    &[],
    "throttle",
    "Counter keys evicted from the shared table.",
);
/// `throttle`: store errors.
pub const THROTTLE_STORE_ERRORS: Metric = m(
    THROTTLE,
    "store_errors_total",
    Counter,
    &[],
    "throttle",
    "Shared-data errors (a charge or record that could not be stored).",
);

/// `inspect`: requests seen.
pub const INSPECT_REQUESTS: Metric = m(
    INSPECT,
    "requests_total",
    Counter,
    &[],
    "inspect",
    "Requests inspect saw.",
);
/// `inspect`: findings.
pub const INSPECT_FINDINGS: Metric = m(
    INSPECT,
    "findings_total",
    Counter,
    &[Direction, Family, Action, Rule, Consumer],
    "inspect",
    "Findings acted on, by direction, family (`secrets`, `pii`, `injection`, `output`), action (`audit`, `redact`, `block`), rule (the detector's kind; `guard` for the external guard's rejections) and consumer.",
);
/// `inspect`: blocked.
pub const INSPECT_BLOCKED: Metric = m(
    INSPECT,
    "blocked_total",
    Counter,
    &[],
    "inspect",
    "Requests or responses blocked.",
);
/// `inspect`: rewritten.
pub const INSPECT_REWRITTEN: Metric = m(
    INSPECT,
    "rewritten_total",
    Counter,
    &[],
    "inspect",
    "Bodies rewritten (redacted).",
);
/// `inspect`: unreadable.
pub const INSPECT_UNREADABLE: Metric = m(
    INSPECT,
    "unreadable_total",
    Counter,
    &[],
    "inspect",
    "Bodies that could not be read (refused, or passed per policy).",
);
/// `inspect`: oversize.
pub const INSPECT_OVERSIZE: Metric = m(
    INSPECT,
    "oversize_total",
    Counter,
    &[],
    "inspect",
    "Bodies over `max_body_bytes`.",
);
/// `inspect`: guard errors.
pub const INSPECT_GUARD_ERRORS: Metric = m(
    INSPECT,
    "guard_errors_total",
    Counter,
    &[],
    "inspect",
    "Calls to the guard model that failed or timed out.",
);
/// `inspect`: opaque bodies.
pub const INSPECT_OPAQUE: Metric = m(
    INSPECT,
    "opaque_total",
    Counter,
    &[],
    "inspect",
    "Bodies in a form inspect cannot read (refused or passed per policy).",
);
/// `inspect`: memo lookups.
pub const INSPECT_MEMO: Metric = m(
    INSPECT,
    "memo_texts_total",
    Counter,
    &[Label::Outcome],
    "inspect",
    "Request texts looked up in the memo (`memo_kib`), by outcome: `hit` (scanned before, not scanned again) or `miss`.",
);
/// `inspect`: unknown routes.
pub const INSPECT_UNKNOWN_ROUTES: Metric = m(
    INSPECT,
    "unknown_routes_total",
    Counter,
    &[],
    "inspect",
    "Requests on routes outside the catalogue.",
);

/// Every filter: VM traps from a panic.
pub const VM_PANICS: Metric = m(
    "tollgate_",
    "vm_panics_total",
    Counter,
    &[Filter],
    "any",
    "Panics in a filter's VM, counted by the panic hook just before the VM traps (under FAIL_CLOSE its worker then fails requests until Envoy replaces the VM).",
);

/// Every metric Tollgate exports.
pub const METRICS: &[Metric] = &[
    VM_PANICS,
    AUTH_REQUESTS,
    AUTH_DECISIONS,
    AUTH_SOURCE_DENIALS,
    AUTH_JWKS_FETCHES,
    AUTH_JWKS_ERRORS,
    AUTH_UNKNOWN_ROUTES,
    AUTH_PROVIDER_UNAVAILABLE,
    THROTTLE_REQUESTS,
    THROTTLE_DECISIONS,
    THROTTLE_RULE_DECISIONS,
    THROTTLE_BUDGET_USED,
    GEN_AI_TOKEN_USAGE,
    THROTTLE_COST,
    GEN_AI_TTFT,
    GEN_AI_DURATION,
    THROTTLE_SPIKES,
    THROTTLE_SPIKE_LIMITED,
    THROTTLE_RLS_FAILURES,
    THROTTLE_RLS_CALLS,
    THROTTLE_RLS_ERRORS,
    THROTTLE_RLS_OVER_LIMIT,
    THROTTLE_RLS_LATENCY,
    THROTTLE_RLS_REPORTS,
    THROTTLE_RLS_REPORTS_REFUSED,
    THROTTLE_RLS_RESET_UNKNOWN,
    THROTTLE_RLS_SHORT_CIRCUITS,
    THROTTLE_RLS_BREAKER_OPENED,
    THROTTLE_RLS_BREAKER_OPEN,
    THROTTLE_STREAMS_CUT,
    THROTTLE_UNREADABLE,
    THROTTLE_UNKNOWN_ROUTES,
    THROTTLE_KEYS_REFUSED,
    THROTTLE_DEFERRED,
    THROTTLE_RECONCILED,
    THROTTLE_OUTSTANDING,
    THROTTLE_ESTIMATED,
    THROTTLE_CAS_RETRIES,
    THROTTLE_EVICTIONS,
    THROTTLE_STORE_ERRORS,
    INSPECT_REQUESTS,
    INSPECT_FINDINGS,
    INSPECT_BLOCKED,
    INSPECT_REWRITTEN,
    INSPECT_UNREADABLE,
    INSPECT_OVERSIZE,
    INSPECT_GUARD_ERRORS,
    INSPECT_OPAQUE,
    INSPECT_MEMO,
    INSPECT_UNKNOWN_ROUTES,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_names_carry_labels_in_the_tag_syntax() {
        assert_eq!(
            AUTH_DECISIONS.series(&["denied", "invalid_key", "team-a"]),
            "tollgate_auth_outcome=.=denied;.;reason=.=invalid_key;.;consumer=.=team-a;.;decisions_total"
        );
        assert_eq!(AUTH_REQUESTS.series(&[]), "tollgate_auth_requests_total");
        // A missing value reads `unknown`; separators cannot be forged.
        assert_eq!(
            THROTTLE_SPIKES.series(&["a;.;model=.=x"]),
            "tollgate_throttle_consumer=.=a_._model_._x;.;model=.=unknown;.;spikes_total"
        );
        let long = "x".repeat(200);
        let name = GEN_AI_TTFT.series(&[&long]);
        assert!(name.contains(&format!("model=.={};.;", "x".repeat(MAX_VALUE_BYTES))));
    }

    #[test]
    fn series_parse_back() {
        let name =
            INSPECT_FINDINGS.series(&["response", "secrets", "redact", "aws_access_key", "team-a"]);
        let (metric, labels) = parse_series(&name).unwrap();
        assert_eq!(metric, "tollgate_inspect_findings_total");
        let keys: Vec<&str> = labels.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["direction", "family", "action", "rule", "consumer"]);
        assert_eq!(labels[3].1, "aws_access_key");
        assert_eq!(
            parse_series("tollgate_auth_requests_total").unwrap(),
            ("tollgate_auth_requests_total".to_owned(), Vec::new())
        );
        let (metric, labels) =
            parse_series(&GEN_AI_TOKEN_USAGE.series(&["input", "a", "m"])).unwrap();
        assert_eq!(metric, "tollgate_gen_ai_client_token_usage_total");
        assert_eq!(labels[0], ("token_type".to_owned(), "input".to_owned()));
    }

    #[test]
    fn client_controlled_labels_are_capped() {
        let mut c = Cardinality::default();
        for i in 0..MAX_VALUES_PER_LABEL {
            let v = format!("c{i}");
            assert_eq!(c.admit(Label::Consumer, &v), v);
        }
        assert_eq!(c.admit(Label::Consumer, "one-too-many"), OTHER);
        assert_eq!(c.admit(Label::Consumer, "c0"), "c0");
        // Another label has its own allowance; fixed labels are not capped.
        assert_eq!(c.admit(Label::Model, "m"), "m");
        for i in 0..1000 {
            let v = format!("r{i}");
            assert_eq!(c.admit(Label::Rule, &v), v);
        }
    }

    #[test]
    fn series_per_metric_are_capped_and_long_values_are_cut_before_they_are_kept() {
        let mut c = Cardinality::default();
        let mut known = HashSet::new();
        // Rules come from the configuration; consumers from clients.
        for i in 0..MAX_SERIES_PER_METRIC + 10 {
            let rule = format!("r{i}");
            let name = c.name(&THROTTLE_RULE_DECISIONS, &[&rule, "admitted"], |n| {
                known.contains(n)
            });
            known.insert(name);
        }
        // Fixed labels only: nothing to fold, every series kept.
        assert_eq!(known.len(), MAX_SERIES_PER_METRIC + 10);
        let mut known = HashSet::new();
        for m in 0..64 {
            for k in 0..64 {
                let (consumer, model) = (format!("c{k}"), format!("m{m}"));
                let name = c.name(&THROTTLE_SPIKES, &[&consumer, &model], |n| {
                    known.contains(n)
                });
                known.insert(name);
            }
        }
        assert!(known.len() <= MAX_SERIES_PER_METRIC + 1, "{}", known.len());
        assert!(known.contains(&THROTTLE_SPIKES.series(&[OTHER, OTHER])));
        // A huge value is cut to MAX_VALUE_BYTES before it is remembered.
        let huge = "x".repeat(60_000);
        let name = c.name(&AUTH_SOURCE_DENIALS, &[&huge], |_| false);
        assert!(name.len() < 200, "{}", name.len());
        assert!(c.seen[&Label::Source]
            .iter()
            .all(|v| v.len() <= MAX_VALUE_BYTES));
    }

    #[test]
    fn the_catalogue_is_consistent() {
        let mut names = HashSet::new();
        for metric in METRICS {
            let name = metric.name();
            assert!(names.insert(name.clone()), "{name} twice");
            assert!(metric.prefix.starts_with("tollgate_") && metric.prefix.ends_with('_'));
            match metric.kind {
                Kind::Counter => {
                    assert!(name.ends_with("_total"), "{name}: a counter ends in _total")
                }
                _ => assert!(
                    !name.ends_with("_total"),
                    "{name}: only counters end in _total"
                ),
            }
            // Labels in the global order, so one series has one name.
            let order: Vec<usize> = metric
                .labels
                .iter()
                .map(|l| Label::ALL.iter().position(|x| x == l).unwrap())
                .collect();
            assert!(
                order.windows(2).all(|w| w[0] < w[1]),
                "{name}: labels out of order"
            );
            assert!(["auth", "throttle", "inspect", "any"].contains(&metric.filter));
        }
    }

    #[test]
    fn tag_regexes_are_istios() {
        assert_eq!(tag_regex(Label::Consumer), "(consumer=\\.=(.*?);\\.;)");
    }
}
