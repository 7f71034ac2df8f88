//! The limits: which rules apply to a request, what it reserves, whether it
//! fits, and the charge when it ends.
//!
//! ```
//! use tollgate_core::config::{self, ThrottleConfig};
//! use tollgate_core::throttle::counters::MemoryStore;
//! use tollgate_core::throttle::limiter::{Facts, Limiter, Verdict};
//! use tollgate_core::request::usage::Usage;
//!
//! let cfg: ThrottleConfig = config::parse(br#"{"rules": [{"name": "tpm", "key": ["consumer"],
//!     "limits": [{"tokens": 1000, "per": "minute"}]}]}"#).unwrap();
//! let limiter = Limiter::new(&cfg, 0);
//! let store = MemoryStore::default(); // the host's shared data in the filter
//! let facts = Facts { consumer: Some("team-a"), ..Facts::default() };
//! let applied = limiter.applying(&facts);
//!
//! // 100 prompt tokens and max_tokens 500: reserve 600 of the 1000.
//! let want = limiter.reserve_amounts(Some("m"), 100, Some(500));
//! let first = limiter.admit(&store, &applied, &want, 0).unwrap();
//! assert!(matches!(first.verdict, Verdict::Admit));
//! // A second, concurrent one does not fit: 600 + 600 > 1000.
//! let second = limiter.admit(&store, &applied, &want, 0).unwrap();
//! assert!(matches!(second.verdict, Verdict::Deny(_)));
//!
//! // The first used 100 + 50: the rest of its reservation comes back.
//! let used = Usage { input_tokens: 100, output_tokens: 50, ..Usage::default() };
//! limiter.settle(&store, &first.reservation, &limiter.charge_amounts(Some("m"), &used), 10).unwrap();
//! let third = limiter.admit(&store, &applied, &want, 20).unwrap();
//! assert!(matches!(third.verdict, Verdict::Admit));
//! ```
//!
//! # Windows
//! Local counters use fixed windows aligned to the epoch: a minute window
//! resets at :00, so `x-ratelimit-reset-*` and `retry-after` are exact. A
//! rate-limit service's windows are its own (Limitador's start at a key's
//! first hit): the filter takes their reset from the service, or assumes
//! what `rls.windows` says ([`Limiter::window_ms`], [`Limiter::reset_ms`]). A reservation is held in the window it was made in; when that
//! window is over by the time the response ends, a charge above the
//! reservation goes to the current window and a refund is dropped (the old
//! window no longer limits anything).
//!
//! # Several rules
//! A request is admitted only if every applying rule admits it. Rules
//! reserve one after the other; when a later one refuses, the earlier
//! reservations are released before the refusal is returned, so a refused
//! request holds nothing. Shadow rules always reserve (their counters follow
//! the real traffic) and report what they would have refused.

use crate::config::throttle::{
    cost_units, KeyPart, MatchConfig, Metric, Price, RuleConfig, Store, ThrottleConfig, Window,
};
use crate::glob::glob_match;
use crate::request::usage::Usage;
use crate::throttle::counters::{Change, Record, SharedStore, StoreError, Table, TableStats};
use crate::throttle::rls::Descriptor;
use crate::throttle::spike::{self, Baseline, SpikeParams, Verdict as SpikeVerdict};

/// The descriptor entry naming the rule, in every RLS descriptor.
pub const RULE_ENTRY: &str = "tollgate_rule";
/// The descriptor entry naming the metric (`requests`, `tokens`, …).
pub const METRIC_ENTRY: &str = "metric";

/// One call to the rate-limit service: one applying RLS rule and one metric
/// it limits, as one descriptor, with the amount as `hits_addend`.
///
/// One descriptor per call, not every rule's in one: Limitador's limits
/// name a descriptor by its index (`descriptors[0].consumer`), so a rule's
/// descriptor must always be at the same index, and a call's single
/// `hits_addend` must be that metric's amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RlsCall {
    /// What the call counts.
    pub metric: Metric,
    /// The amount (`hits_addend`).
    pub hits: u32,
    /// One per rule, in the order of `rules`.
    pub descriptors: Vec<Descriptor>,
    /// Indexes into [`Limiter::rules`].
    pub rules: Vec<usize>,
}

/// What is known about a request when the rules are applied.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts<'a> {
    /// The consumer `auth` identified.
    pub consumer: Option<&'a str>,
    /// The model the request names.
    pub model: Option<&'a str>,
    /// The normalised path without its query.
    pub route: &'a str,
    /// The route's canonical path ([`crate::request::catalogue::Route::canonical_path`]),
    /// or the normalised path for a route outside the catalogue.
    pub canonical: &'a str,
    /// The caller's namespace.
    pub namespace: Option<&'a str>,
    /// The caller's mTLS principal.
    pub principal: Option<&'a str>,
    /// Consumer labels set by `auth` (name, value).
    pub labels: &'a [(String, String)],
    /// The request headers named by the rules (name, value).
    pub headers: &'a [(String, String)],
}

/// One limit of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// What it counts.
    pub metric: Metric,
    /// How much per window (cost in millionths).
    pub value: u64,
    /// The window.
    pub window: Window,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its name.
    pub name: String,
    when: MatchConfig,
    key: Vec<KeyPart>,
    /// Its limits, in configuration order.
    pub limits: Vec<Limit>,
    /// Most requests in flight per key.
    pub in_flight: Option<u32>,
    /// Report, never refuse.
    pub shadow: bool,
    /// Where its counters live.
    pub store: Store,
    /// The metrics and windows of its limits: part of the counter key, so a
    /// configuration that changes them starts fresh counters.
    shape: String,
    /// Its key has a part the client chooses (model, route, header): its
    /// counters live in a region of their own, where a new key never evicts
    /// a live one.
    pub client_keyed: bool,
}

impl Rule {
    /// The longest window of its limits, in seconds (a minute when it has
    /// none: an in-flight cap only).
    pub fn longest_window_secs(&self) -> u64 {
        self.limits
            .iter()
            .map(|l| l.window.seconds())
            .max()
            .unwrap_or(60)
    }

    fn new(cfg: &RuleConfig, shadow_all: bool) -> Self {
        let limits: Vec<Limit> = cfg
            .limits
            .iter()
            .filter_map(|l| {
                l.metric().map(|(metric, value)| Limit {
                    metric,
                    value,
                    window: l.per,
                })
            })
            .collect();
        let shape = limits
            .iter()
            .map(|l| format!("{}/{}", l.metric.as_str(), l.window.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        Self {
            name: cfg.name.clone(),
            when: cfg.when.clone(),
            key: cfg.key.iter().filter_map(|k| KeyPart::parse(k)).collect(),
            limits,
            in_flight: cfg.in_flight,
            shadow: cfg.shadow || shadow_all,
            store: cfg.store,
            client_keyed: cfg
                .key
                .iter()
                .filter_map(|k| KeyPart::parse(k))
                .any(|k| matches!(k, KeyPart::Model | KeyPart::Route | KeyPart::Header(_))),
            shape,
        }
    }

    /// Whether deciding the rule needs the request body: a token or cost
    /// limit, or the model in its match or key. A rule that does not is
    /// decided at the request headers.
    pub fn needs_body(&self) -> bool {
        self.limits.iter().any(|l| l.metric != Metric::Requests)
            || !self.when.models.is_empty()
            || self.key.contains(&KeyPart::Model)
    }

    /// Whether the rule applies to a request with these facts.
    pub fn applies(&self, f: &Facts<'_>) -> bool {
        let w = &self.when;
        (w.consumers.is_empty()
            || f.consumer
                .is_some_and(|c| w.consumers.iter().any(|x| x == c)))
            && (w.models.is_empty()
                || f.model
                    .is_some_and(|m| w.models.iter().any(|p| glob_match(p, m))))
            && (w.routes.is_empty()
                || w.routes
                    .iter()
                    .any(|r| route_matches(f.route, r) || route_matches(f.canonical, r)))
            && (w.namespaces.is_empty()
                || f.namespace
                    .is_some_and(|n| w.namespaces.iter().any(|x| x == n)))
            && (w.principals.is_empty()
                || f.principal
                    .is_some_and(|p| w.principals.iter().any(|x| glob_match(x, p))))
            && w.labels
                .iter()
                .all(|(k, v)| lookup(f.labels, k) == Some(v.as_str()))
            && w.headers
                .iter()
                .all(|(k, v)| lookup(f.headers, k) == Some(v.as_str()))
    }

    /// The value of each key part for these facts (empty when unknown).
    pub fn key_values<'f>(&self, f: &Facts<'f>) -> Vec<(&KeyPart, &'f str)> {
        self.key
            .iter()
            .map(|part| {
                let v = match part {
                    KeyPart::Consumer => f.consumer,
                    KeyPart::Model => f.model,
                    KeyPart::Route => Some(f.canonical),
                    KeyPart::Namespace => f.namespace,
                    KeyPart::Principal => f.principal,
                    KeyPart::Label(n) => lookup(f.labels, n),
                    KeyPart::Header(n) => lookup(f.headers, n),
                };
                (part, v.unwrap_or(""))
            })
            .collect()
    }

    /// The counter key: the rule, its limits' shape and each key value,
    /// length-prefixed so no value can pose as two.
    fn counter_key(&self, f: &Facts<'_>) -> String {
        let mut key = format!("r|{}|{}", self.name, self.shape);
        for (_, v) in self.key_values(f) {
            key.push_str(&format!("|{}:{v}", v.len()));
        }
        key
    }
}

/// Whether the normalised request path `route` is `pattern` or continues it
/// by whole segments (`/v1/chat` matches `/v1/chat/completions`, not
/// `/v1/chatty`); a trailing `*` continues the last segment.
fn route_matches(route: &str, pattern: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix('*') {
        return route.starts_with(prefix);
    }
    let prefix = pattern.trim_end_matches('/');
    prefix.is_empty()
        || route == prefix
        || route
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn lookup<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A rule that applies to a request, with its counter key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Index into [`Limiter::rules`].
    pub rule: usize,
    /// The counter key.
    pub key: String,
    /// Whose request it is (the consumer, `-` when none): a client-keyed
    /// rule caps the new keys each owner creates.
    pub owner: String,
}

/// Amounts a request reserves or is charged, per metric.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Amounts {
    /// Requests (1, or 0 for a charge that only adjusts tokens).
    pub requests: u64,
    /// Input tokens.
    pub input_tokens: u64,
    /// Output tokens.
    pub output_tokens: u64,
    /// Cost in millionths.
    pub cost: u64,
}

impl Amounts {
    /// The amount of `metric`.
    pub fn get(&self, metric: Metric) -> u64 {
        match metric {
            Metric::Requests => self.requests,
            Metric::InputTokens => self.input_tokens,
            Metric::OutputTokens => self.output_tokens,
            Metric::Tokens => self.input_tokens.saturating_add(self.output_tokens),
            Metric::Cost => self.cost,
        }
    }
}

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    /// The rule.
    pub rule: String,
    /// What was exceeded; `None` for the in-flight limit.
    pub limit: Option<Limit>,
    /// Seconds until a retry can succeed; `None` when it never can (the
    /// request alone needs more than the limit).
    pub retry_after_secs: Option<u64>,
    /// The same in milliseconds (for `retry-after-ms`, which the OpenAI
    /// SDKs prefer).
    pub retry_after_ms: Option<u64>,
    /// Refused because the rule's region holds as many distinct keys as it
    /// may (values the client chooses: models, headers, routes).
    pub too_many_keys: bool,
}

impl Denial {
    /// A message for the client, naming the rule and what was exceeded but
    /// no counts of anyone else.
    pub fn message(&self) -> String {
        if self.too_many_keys {
            return format!(
                "too many distinct values are counted under rule `{}` (models, headers or routes the client chooses); this new one is refused until older ones go idle",
                self.rule
            );
        }
        match (self.limit, self.retry_after_secs) {
            (None, _) => format!("too many requests in flight (rule `{}`)", self.rule),
            (Some(l), None) => format!(
                "request needs more {} than the limit of {} per {} allows (rule `{}`)",
                metric_words(l.metric),
                display_value(l),
                l.window.as_str(),
                self.rule
            ),
            (Some(l), Some(_)) => format!(
                "rate limit reached: {} {} per {} (rule `{}`)",
                display_value(l),
                metric_words(l.metric),
                l.window.as_str(),
                self.rule
            ),
        }
    }
}

fn metric_words(m: Metric) -> &'static str {
    match m {
        Metric::Requests => "requests",
        Metric::InputTokens => "input tokens",
        Metric::OutputTokens => "output tokens",
        Metric::Tokens => "tokens",
        Metric::Cost => "cost",
    }
}

fn display_value(l: Limit) -> String {
    if l.metric == Metric::Cost {
        format!(
            "{:.2}",
            l.value as f64 / crate::config::throttle::COST_SCALE
        )
    } else {
        l.value.to_string()
    }
}

/// Whether a request may go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Yes.
    Admit,
    /// No: answer 429.
    Deny(Denial),
}

/// The tightest limit of a kind after a decision, for `x-ratelimit-*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remaining {
    /// The limit.
    pub limit: u64,
    /// What is left of it.
    pub remaining: u64,
    /// Milliseconds until its window resets.
    pub reset_ms: u64,
}

/// The request and token limits closest to running out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateStatus {
    /// Among request limits.
    pub requests: Option<Remaining>,
    /// Among token limits (input, output or total).
    pub tokens: Option<Remaining>,
}

impl RateStatus {
    /// Folds another status in (the two phases of a decision).
    pub fn merge(&mut self, other: &RateStatus) {
        if let Some(r) = other.requests {
            self.consider(Metric::Requests, r);
        }
        if let Some(r) = other.tokens {
            self.consider(Metric::Tokens, r);
        }
    }

    /// Folds one limit's state in, keeping the one with least remaining.
    pub fn consider(&mut self, metric: Metric, r: Remaining) {
        let slot = match metric {
            Metric::Requests => &mut self.requests,
            m if m.is_tokens() => &mut self.tokens,
            _ => return,
        };
        if slot.is_none_or(|old| r.remaining < old.remaining) {
            *slot = Some(r);
        }
    }
}

/// What one rule holds for a request until it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// Index into [`Limiter::rules`].
    pub rule: usize,
    /// The counter key.
    pub key: String,
    /// The end of the window each limit's reservation went to.
    pub windows: Vec<u64>,
    /// Whether it counts as in flight.
    pub in_flight: bool,
}

/// Everything a request holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reservation {
    /// What was reserved.
    pub amounts: Amounts,
    /// Per rule.
    pub held: Vec<Held>,
}

/// The outcome of [`Limiter::admit`].
#[derive(Debug, Clone)]
pub struct Admission {
    /// Admit or refuse.
    pub verdict: Verdict,
    /// What the request holds (empty when refused).
    pub reservation: Reservation,
    /// For the `x-ratelimit-*` headers.
    pub status: RateStatus,
    /// What shadow rules would have refused.
    pub shadow_denials: Vec<Denial>,
    /// Shared-data retries and evictions.
    pub stats: TableStats,
}

/// The compiled limits.
#[derive(Debug, Clone)]
pub struct Limiter {
    /// The rules, in configuration order.
    pub rules: Vec<Rule>,
    /// (pattern, price), exact names first, then longer patterns first.
    prices: Vec<(String, Price)>,
    default_max_tokens: u64,
    in_flight_timeout_ms: u64,
    table: Table,
    /// Per rule: its own region when it is client-keyed.
    regions: Vec<Option<Table>>,
    /// New keys one owner may create per window in a client-keyed rule.
    keys_per_owner: u64,
    /// Records awaiting a later request (deferred reservations, batch
    /// input files): never evicted while live.
    pending: Table,
    /// Batch input files one owner may upload per day.
    pending_per_owner: u64,
}

const PAYLOAD_HEADER: usize = 12;
const PAYLOAD_PER_LIMIT: usize = 16;

/// A rule's counters as stored: in-flight count, when it last changed, and
/// (end of the window in seconds since the epoch, used) per limit. Ends
/// rather than indexes, so that any record says by itself whether it is
/// idle, whatever rule wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Counters {
    in_flight: u32,
    in_flight_ms: u64,
    windows: Vec<(u64, u64)>,
}

impl Counters {
    fn fresh(n: usize) -> Self {
        Self {
            in_flight: 0,
            in_flight_ms: 0,
            windows: vec![(0, 0); n],
        }
    }

    fn decode(bytes: &[u8], n: usize) -> Option<Self> {
        let c = Self::decode_any(bytes)?;
        (c.windows.len() == n).then_some(c)
    }

    fn decode_any(bytes: &[u8]) -> Option<Self> {
        if bytes.len() < PAYLOAD_HEADER
            || (bytes.len().checked_sub(PAYLOAD_HEADER)?) % PAYLOAD_PER_LIMIT != 0
        {
            return None;
        }
        let (head, rest) = bytes.split_at_checked(PAYLOAD_HEADER)?;
        let u64_at = |b: &[u8], at: usize| -> Option<u64> {
            Some(u64::from_le_bytes(
                b.get(at..at.checked_add(8)?)?.try_into().ok()?,
            ))
        };
        let windows = rest
            .chunks_exact(PAYLOAD_PER_LIMIT)
            .map(|c| Some((u64_at(c, 0)?, u64_at(c, 8)?)))
            .collect::<Option<Vec<_>>>()?;
        Some(Self {
            in_flight: u32::from_le_bytes(head.get(..4)?.try_into().ok()?),
            in_flight_ms: u64_at(head, 4)?,
            windows,
        })
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            PAYLOAD_HEADER.saturating_add(self.windows.len().saturating_mul(PAYLOAD_PER_LIMIT)),
        );
        out.extend_from_slice(&self.in_flight.to_le_bytes());
        out.extend_from_slice(&self.in_flight_ms.to_le_bytes());
        for (w, used) in &self.windows {
            out.extend_from_slice(&w.to_le_bytes());
            out.extend_from_slice(&used.to_le_bytes());
        }
        out
    }
}

/// The end, in seconds since the epoch, of the `window` that holds `now_ms`.
fn window_end(window: Window, now_ms: u64) -> u64 {
    let len = window.seconds();
    (now_ms / 1000)
        .checked_div(len)
        .unwrap_or(0)
        .saturating_add(1)
        .saturating_mul(len)
}

fn reset_ms(window: Window, now_ms: u64) -> u64 {
    let len = window.seconds().saturating_mul(1000);
    len.saturating_sub(now_ms.checked_rem(len).unwrap_or(0))
}

impl Limiter {
    /// Compiles a validated configuration. `seed` spreads counter keys over
    /// the table's slots; every worker must use the same one.
    pub fn new(cfg: &ThrottleConfig, seed: u64) -> Self {
        let mut prices: Vec<(String, Price)> =
            cfg.prices.iter().map(|(k, v)| (k.clone(), *v)).collect();
        crate::sort::sort_by_key(&mut prices, |(p, _)| {
            let glob = p.contains(['*', '?']);
            (glob, std::cmp::Reverse(p.len()))
        });
        let mut rules: Vec<Rule> = cfg.rules.iter().map(|r| Rule::new(r, cfg.shadow)).collect();
        // Each `local_cap` is a local rule of its own: the RLS rule's match
        // and key, its limits scaled by the cap, counted in this sidecar.
        rules.extend(
            cfg.rules
                .iter()
                .filter_map(local_cap_rule)
                .map(|r| Rule::new(&r, cfg.shadow)),
        );
        // A client-keyed rule's region has twice its cap in slots: a new key
        // finds a free slot among its probes with good odds until the cap is
        // near (and no live key is ever evicted for it).
        let regions = rules
            .iter()
            .map(|r| {
                r.client_keyed.then(|| {
                    Table::named(
                        &format!("tollgate.throttle.rule.{}.", r.name),
                        cfg.local.max_client_keys.saturating_mul(2),
                        seed ^ crate::throttle::counters::hash(seed, r.name.as_bytes()),
                    )
                })
            })
            .collect();
        Self {
            rules,
            prices,
            default_max_tokens: u64::from(cfg.default_max_tokens),
            in_flight_timeout_ms: u64::from(cfg.local.in_flight_timeout_secs).saturating_mul(1000),
            table: Table::new(cfg.local.max_keys, seed),
            regions,
            keys_per_owner: u64::from(cfg.local.client_keys_per_consumer()),
            pending: Table::named(
                "tollgate.throttle.pending.",
                cfg.local.max_pending.saturating_mul(2),
                seed ^ 0x7065_6e64_696e_6721,
            ),
            pending_per_owner: u64::from(cfg.local.pending_per_consumer()),
        }
    }

    /// Takes one of `cap` units `owner` has of `kind` in the current
    /// `window_secs` window (a record in the main table); `false` when none
    /// is left.
    fn take_quota(
        &self,
        store: &dyn SharedStore,
        kind: &str,
        owner: &str,
        cap: u64,
        window_secs: u64,
        now_ms: u64,
    ) -> Result<bool, StoreError> {
        let end = (now_ms / 1000)
            .checked_div(window_secs)
            .unwrap_or(0)
            .saturating_add(1)
            .saturating_mul(window_secs);
        let key = format!("q|{kind}|{}:{owner}", owner.len());
        let (ok, _) = self.table.update(
            store,
            &key,
            now_ms,
            true,
            &|r, now| self.idle(r, now),
            &mut |old| {
                let (w, used) = old
                    .and_then(|b| {
                        let w = u64::from_le_bytes(b.get(..8)?.try_into().ok()?);
                        let u = u64::from_le_bytes(b.get(8..16)?.try_into().ok()?);
                        Some((w, u))
                    })
                    .filter(|(w, _)| *w == end)
                    .unwrap_or((end, 0));
                if used >= cap {
                    return Change::Keep(false);
                }
                let mut bytes = w.to_le_bytes().to_vec();
                bytes.extend_from_slice(&used.saturating_add(1).to_le_bytes());
                Change::Write(bytes, true)
            },
        )?;
        Ok(ok)
    }

    /// Takes one of the batch input files `owner` may upload today;
    /// `false` when the day's are used.
    pub fn take_file_quota(
        &self,
        store: &dyn SharedStore,
        owner: &str,
        now_ms: u64,
    ) -> Result<bool, StoreError> {
        self.take_quota(
            store,
            "files",
            owner,
            self.pending_per_owner,
            86_400,
            now_ms,
        )
    }

    /// Records that `owner` uploaded batch input file `file_id` through
    /// this gateway (read, charged): one batch may run it.
    /// [`StoreError::Full`] when the pending region is full of live
    /// records.
    pub fn record_file(
        &self,
        store: &dyn SharedStore,
        owner: &str,
        file_id: &str,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        let key = format!("f|{}:{owner}|{file_id}", owner.len());
        self.pending
            .update(
                store,
                &key,
                now_ms,
                false,
                &|r, now| self.idle(r, now),
                &mut |_| Change::Write(vec![1], ()),
            )
            .map(drop)
    }

    /// Takes the record of batch input file `file_id` uploaded by `owner`
    /// (once: a second batch of the same file finds none). `false` when
    /// there is none: never uploaded here, by another consumer, or used.
    pub fn take_file(
        &self,
        store: &dyn SharedStore,
        owner: &str,
        file_id: &str,
        now_ms: u64,
    ) -> Result<bool, StoreError> {
        let key = format!("f|{}:{owner}|{file_id}", owner.len());
        Ok(self
            .take_pending(store, &key, now_ms, |b| (b == [1]).then_some(()))?
            .is_some())
    }

    /// Takes the pending record `key` once (emptied as it is read):
    /// `decode` of its payload, `None` when there is none or it does not
    /// decode.
    fn take_pending<T>(
        &self,
        store: &dyn SharedStore,
        key: &str,
        now_ms: u64,
        decode: impl Fn(&[u8]) -> Option<T>,
    ) -> Result<Option<T>, StoreError> {
        if self.pending.read(store, key)?.is_none() {
            return Ok(None);
        }
        let (found, _) = self.pending.update(
            store,
            key,
            now_ms,
            false,
            &|r, now| self.idle(r, now),
            &mut |old| match old.and_then(&decode) {
                Some(v) => Change::Write(Vec::new(), Some(v)),
                None => Change::Keep(None),
            },
        )?;
        Ok(found)
    }

    /// The slot table (spike detection keeps its records there too).
    pub fn table(&self) -> &Table {
        &self.table
    }

    /// Where rule `rule` keeps its counters, and whether a new key there
    /// may evict a live one (never in a client-keyed rule's region).
    fn table_of(&self, rule: usize) -> (&Table, bool) {
        match self.regions.get(rule) {
            Some(Some(region)) => (region, false),
            _ => (&self.table, true),
        }
    }

    /// The request headers the rules read (match or key).
    pub fn header_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for r in &self.rules {
            let from_key = r.key.iter().filter_map(|k| match k {
                KeyPart::Header(n) => Some(n.clone()),
                _ => None,
            });
            for n in r.when.headers.keys().cloned().chain(from_key) {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        names
    }

    /// Whether any rule needs the request body: a token or cost limit, or a
    /// model in its match or key. When none does, a request can be decided
    /// at its headers.
    pub fn needs_body(&self) -> bool {
        self.rules.iter().any(Rule::needs_body)
    }

    /// Whether any rule matches or keys on the model (a request that names
    /// none cannot be placed under it).
    pub fn model_scoped(&self) -> bool {
        self.rules
            .iter()
            .any(|r| !r.when.models.is_empty() || r.key.contains(&KeyPart::Model))
    }

    /// The rules that apply to a request, with their counter keys.
    pub fn applying(&self, facts: &Facts<'_>) -> Vec<Applied> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.applies(facts))
            .map(|(i, r)| Applied {
                rule: i,
                key: r.counter_key(facts),
                owner: facts.consumer.unwrap_or("-").to_owned(),
            })
            .collect()
    }

    /// The price of `model`: exact name, else the longest matching pattern.
    pub fn price(&self, model: Option<&str>) -> Option<Price> {
        let model = model.unwrap_or("");
        self.prices
            .iter()
            .find(|(p, _)| p == model || glob_match(p, model))
            .map(|(_, price)| *price)
    }

    /// What a request reserves: one request, the prompt estimate, the
    /// output it asked for (or `default_max_tokens`), and their cost.
    pub fn reserve_amounts(
        &self,
        model: Option<&str>,
        input_estimate: u64,
        requested_output: Option<u64>,
    ) -> Amounts {
        let output = requested_output.unwrap_or(self.default_max_tokens);
        let usage = Usage {
            input_tokens: input_estimate,
            cached_input_tokens: 0,
            output_tokens: output,
            estimated: true,
        };
        Amounts {
            requests: 1,
            input_tokens: input_estimate,
            output_tokens: output,
            cost: self.cost(model, &usage),
        }
    }

    /// What a finished request is charged.
    pub fn charge_amounts(&self, model: Option<&str>, usage: &Usage) -> Amounts {
        Amounts {
            requests: 1,
            input_tokens: usage.input_tokens,
            output_tokens: usage.output_tokens,
            cost: self.cost(model, usage),
        }
    }

    /// The cost of `usage` in millionths (0 when no price applies: with a
    /// cost limit the configuration has a `*` price).
    pub fn cost(&self, model: Option<&str>, usage: &Usage) -> u64 {
        let Some(p) = self.price(model) else {
            return 0;
        };
        let cached = usage.cached_input_tokens.min(usage.input_tokens);
        let fresh = usage.input_tokens.saturating_sub(cached);
        // Prices are per million tokens and costs are counted in millionths:
        // tokens × price is the cost in millionths.
        let micro = fresh as f64 * p.input
            + cached as f64 * p.cached_input.unwrap_or(p.input)
            + usage.output_tokens as f64 * p.output;
        cost_units(micro / crate::config::throttle::COST_SCALE)
    }

    /// Reserves `amounts` in every applying local rule, or none of them.
    /// Rules with `"store": "rls"` in `applied` are skipped (the caller asks
    /// the service), unless `rls_fallback` says to count them here.
    pub fn admit(
        &self,
        store: &dyn SharedStore,
        applied: &[Applied],
        amounts: &Amounts,
        now_ms: u64,
    ) -> Result<Admission, StoreError> {
        self.admit_with(store, applied, amounts, now_ms, false)
    }

    /// [`Limiter::admit`], counting RLS rules locally too when
    /// `rls_locally` (the `local` failure mode of the service).
    pub fn admit_with(
        &self,
        store: &dyn SharedStore,
        applied: &[Applied],
        amounts: &Amounts,
        now_ms: u64,
        rls_locally: bool,
    ) -> Result<Admission, StoreError> {
        let mut out = Admission {
            verdict: Verdict::Admit,
            reservation: Reservation {
                amounts: *amounts,
                held: Vec::new(),
            },
            status: RateStatus::default(),
            shadow_denials: Vec::new(),
            stats: TableStats::default(),
        };
        for a in applied {
            let Some(rule) = self.rules.get(a.rule) else {
                continue;
            };
            if rule.store == Store::Rls && !rls_locally {
                continue;
            }
            let (table, evict_live) = self.table_of(a.rule);
            // A new key of a client-keyed rule takes one of its owner's
            // keys for the rule's longest window: one consumer inventing
            // values fills its own share, never the region.
            let over_quota = rule.client_keyed
                && table.read(store, &a.key)?.is_none()
                && !self.take_quota(
                    store,
                    &format!("k.{}", rule.name),
                    &a.owner,
                    self.keys_per_owner,
                    rule.longest_window_secs(),
                    now_ms,
                )?;
            let updated = if over_quota {
                Err(StoreError::Full)
            } else {
                table.update(
                    store,
                    &a.key,
                    now_ms,
                    evict_live,
                    &|r, now| self.idle(r, now),
                    &mut |old| self.reserve_in(rule, old, amounts, now_ms),
                )
            };
            let (result, stats) = match updated {
                Err(StoreError::Full) => {
                    // The region is full of live keys: this new one is
                    // refused, as a limit refuses (shadow rules only say so).
                    let d = Denial {
                        rule: rule.name.clone(),
                        limit: None,
                        retry_after_secs: None,
                        retry_after_ms: None,
                        too_many_keys: true,
                    };
                    if rule.shadow {
                        out.shadow_denials.push(d);
                        continue;
                    }
                    let held = std::mem::take(&mut out.reservation.held);
                    let release = Reservation {
                        amounts: *amounts,
                        held,
                    };
                    let stats = self.settle(store, &release, &Amounts::default(), now_ms)?;
                    add_stats(&mut out.stats, stats);
                    out.verdict = Verdict::Deny(d);
                    return Ok(out);
                }
                other => other?,
            };
            add_stats(&mut out.stats, stats);
            let (denial, windows, status) = result;
            for (metric, r) in status {
                out.status.consider(metric, r);
            }
            match denial {
                Some(d) if rule.shadow => {
                    out.shadow_denials.push(d);
                    out.reservation.held.push(Held {
                        rule: a.rule,
                        key: a.key.clone(),
                        windows,
                        in_flight: rule.in_flight.is_some(),
                    });
                }
                Some(d) => {
                    let held = std::mem::take(&mut out.reservation.held);
                    let none = Amounts::default();
                    let release = Reservation {
                        amounts: *amounts,
                        held,
                    };
                    let stats = self.settle(store, &release, &none, now_ms)?;
                    add_stats(&mut out.stats, stats);
                    out.verdict = Verdict::Deny(d);
                    return Ok(out);
                }
                None => out.reservation.held.push(Held {
                    rule: a.rule,
                    key: a.key.clone(),
                    windows,
                    in_flight: rule.in_flight.is_some(),
                }),
            }
        }
        Ok(out)
    }

    /// Whether a record holds nothing that still limits, so evicting it
    /// loses nothing: a rule's record whose windows are all over and with
    /// nothing in flight, or another kind's record unused for a day.
    pub fn idle(&self, rec: &Record, now_ms: u64) -> bool {
        if !rec.key.starts_with("r|") {
            return now_ms.saturating_sub(rec.last_used_ms) > 86_400_000;
        }
        let Some(c) = Counters::decode_any(&rec.payload) else {
            return true;
        };
        let in_flight_live =
            c.in_flight > 0 && now_ms.saturating_sub(c.in_flight_ms) < self.in_flight_timeout_ms;
        !in_flight_live
            && c.windows
                .iter()
                .all(|(end, _)| end.saturating_mul(1000) <= now_ms)
    }

    #[expect(clippy::type_complexity, reason = "one private call site")]
    fn reserve_in(
        &self,
        rule: &Rule,
        old: Option<&[u8]>,
        amounts: &Amounts,
        now_ms: u64,
    ) -> Change<(Option<Denial>, Vec<u64>, Vec<(Metric, Remaining)>)> {
        let n = rule.limits.len();
        let mut c = old
            .and_then(|b| Counters::decode(b, n))
            .unwrap_or_else(|| Counters::fresh(n));
        if now_ms.saturating_sub(c.in_flight_ms) >= self.in_flight_timeout_ms {
            c.in_flight = 0;
        }
        let mut denial: Option<Denial> = None;
        let mut windows = Vec::with_capacity(n);
        let mut status = Vec::with_capacity(n);
        for (limit, (w, used)) in rule.limits.iter().zip(c.windows.iter_mut()) {
            let current = window_end(limit.window, now_ms);
            if *w != current {
                *w = current;
                *used = 0;
            }
            windows.push(current);
            let need = amounts.get(limit.metric);
            let after = used.saturating_add(need);
            let reset = reset_ms(limit.window, now_ms);
            if after > limit.value && denial.is_none() {
                denial = Some(Denial {
                    rule: rule.name.clone(),
                    limit: Some(*limit),
                    retry_after_secs: (need <= limit.value).then(|| reset.div_ceil(1000).max(1)),
                    retry_after_ms: (need <= limit.value).then_some(reset),
                    too_many_keys: false,
                });
            }
            status.push((
                limit.metric,
                Remaining {
                    limit: limit.value,
                    remaining: limit.value.saturating_sub(after),
                    reset_ms: reset,
                },
            ));
        }
        if let Some(max) = rule.in_flight {
            if c.in_flight >= max && denial.is_none() {
                denial = Some(Denial {
                    rule: rule.name.clone(),
                    limit: None,
                    retry_after_secs: Some(1),
                    retry_after_ms: Some(1000),
                    too_many_keys: false,
                });
            }
        }
        if denial.is_some() && !rule.shadow {
            // Refused: nothing is counted; report what is left as it is.
            // The record is still written (unchanged counts, a new
            // last-used time), so that a key being refused is never the
            // least recently used one to evict: evicting it would reset it.
            for ((_, r), (limit, (_, used))) in
                status.iter_mut().zip(rule.limits.iter().zip(&c.windows))
            {
                r.remaining = limit.value.saturating_sub(*used);
            }
            return Change::Write(c.encode(), (denial, windows, status));
        }
        for (limit, (_, used)) in rule.limits.iter().zip(c.windows.iter_mut()) {
            *used = used.saturating_add(amounts.get(limit.metric));
        }
        if rule.in_flight.is_some() {
            c.in_flight = c.in_flight.saturating_add(1);
            c.in_flight_ms = now_ms;
        }
        Change::Write(c.encode(), (denial, windows, status))
    }

    /// Replaces a reservation by the real charge: the difference is added
    /// to (or taken back from) each window the reservation went to, and the
    /// request leaves the in-flight count. A settle with zero `actual`
    /// releases the reservation whole (a refused or failed request).
    pub fn settle(
        &self,
        store: &dyn SharedStore,
        reservation: &Reservation,
        actual: &Amounts,
        now_ms: u64,
    ) -> Result<TableStats, StoreError> {
        let mut total = TableStats::default();
        for held in &reservation.held {
            let Some(rule) = self.rules.get(held.rule) else {
                continue;
            };
            let (table, evict_live) = self.table_of(held.rule);
            let ((), stats) = table.update(
                store,
                &held.key,
                now_ms,
                evict_live,
                &|r, now| self.idle(r, now),
                &mut |old| {
                    let n = rule.limits.len();
                    let Some(mut c) = old.and_then(|b| Counters::decode(b, n)) else {
                        // Evicted meanwhile: nothing to give back.
                        return Change::Keep(());
                    };
                    for ((limit, (w, used)), reserved_in) in rule
                        .limits
                        .iter()
                        .zip(c.windows.iter_mut())
                        .zip(&held.windows)
                    {
                        let reserved = reservation.amounts.get(limit.metric);
                        let charged = actual.get(limit.metric);
                        let current = window_end(limit.window, now_ms);
                        if *reserved_in == current && *w == current {
                            *used = used.saturating_sub(reserved).saturating_add(charged);
                        } else if charged > reserved {
                            if *w != current {
                                *w = current;
                                *used = 0;
                            }
                            *used = used.saturating_add(charged.saturating_sub(reserved));
                        }
                    }
                    if held.in_flight {
                        c.in_flight = c.in_flight.saturating_sub(1);
                        c.in_flight_ms = now_ms;
                    }
                    Change::Write(c.encode(), ())
                },
            )?;
            add_stats(&mut total, stats);
        }
        Ok(total)
    }

    /// The remaining amount of each limit of `rule` for `key`, without
    /// changing anything (for tests and the demo).
    pub fn peek(
        &self,
        store: &dyn SharedStore,
        rule: usize,
        key: &str,
        now_ms: u64,
    ) -> Result<Vec<u64>, StoreError> {
        let Some(r) = self.rules.get(rule) else {
            return Ok(Vec::new());
        };
        let c = self
            .table_of(rule)
            .0
            .read(store, key)?
            .and_then(|b| Counters::decode(&b, r.limits.len()))
            .unwrap_or_else(|| Counters::fresh(r.limits.len()));
        Ok(r.limits
            .iter()
            .zip(&c.windows)
            .map(|(l, (w, used))| {
                if *w == window_end(l.window, now_ms) {
                    l.value.saturating_sub(*used)
                } else {
                    l.value
                }
            })
            .collect())
    }
}

impl Limiter {
    /// The calls that ask the rate-limit service about the applying RLS
    /// rules: one per rule and metric it limits, carrying `amounts` of it.
    /// A metric whose amount is 0 is not asked about (the service would
    /// read 0 as 1). Descriptors are `tollgate_rule`, `metric`, then each
    /// key part (`consumer`, `model`, `label.<name>`, `header.<name>`, …).
    pub fn rls_calls(
        &self,
        applied: &[Applied],
        facts: &Facts<'_>,
        amounts: &Amounts,
    ) -> Vec<RlsCall> {
        let mut calls: Vec<RlsCall> = Vec::new();
        for a in applied {
            let Some(rule) = self.rules.get(a.rule) else {
                continue;
            };
            if rule.store != Store::Rls {
                continue;
            }
            let mut metrics: Vec<Metric> = rule.limits.iter().map(|l| l.metric).collect();
            crate::sort::sort(&mut metrics);
            metrics.dedup();
            for metric in metrics {
                let hits = u32::try_from(amounts.get(metric)).unwrap_or(u32::MAX);
                if hits == 0 {
                    continue;
                }
                let mut entries = vec![
                    (RULE_ENTRY.to_owned(), rule.name.clone()),
                    (METRIC_ENTRY.to_owned(), metric.as_str().to_owned()),
                ];
                for (part, value) in rule.key_values(facts) {
                    entries.push((part.descriptor_key(), value.to_owned()));
                }
                calls.push(RlsCall {
                    metric,
                    hits,
                    descriptors: vec![Descriptor { entries }],
                    rules: vec![a.rule],
                });
            }
        }
        calls
    }

    /// Whether any applying rule counts with the rate-limit service.
    pub fn any_rls(&self, applied: &[Applied]) -> bool {
        applied.iter().any(|a| {
            self.rules
                .get(a.rule)
                .is_some_and(|r| r.store == Store::Rls)
        })
    }

    /// The applying rules that count with the rate-limit service.
    pub fn only_rls(&self, applied: &[Applied]) -> Vec<Applied> {
        applied
            .iter()
            .filter(|a| {
                self.rules
                    .get(a.rule)
                    .is_some_and(|r| r.store == Store::Rls)
            })
            .cloned()
            .collect()
    }

    /// The length of the longest window of `rule`'s limits on `metric`, in
    /// milliseconds (a second when it has none): the most a window that
    /// started at an unknown time can have left.
    pub fn window_ms(&self, rule: usize, metric: Metric) -> u64 {
        self.rules
            .get(rule)
            .and_then(|r| {
                r.limits
                    .iter()
                    .filter(|l| l.metric == metric)
                    .map(|l| l.window.seconds().saturating_mul(1000))
                    .max()
            })
            .unwrap_or(1000)
    }

    /// Milliseconds until the longest window of `rule`'s limits on
    /// `metric` resets, windows aligned on the epoch: a `retry-after` when
    /// the service does not say which limit refused (a retry before it
    /// could meet the same limit).
    pub fn reset_ms(&self, rule: usize, metric: Metric, now_ms: u64) -> u64 {
        self.rules
            .get(rule)
            .and_then(|r| {
                r.limits
                    .iter()
                    .filter(|l| l.metric == metric)
                    .map(|l| reset_ms(l.window, now_ms))
                    .max()
            })
            .unwrap_or(1000)
    }
}

/// The local rule a `local_cap` stands for: `<name>-local-cap`, local, its
/// limits the RLS rule's times the cap (rounded up, at least 1).
fn local_cap_rule(r: &RuleConfig) -> Option<RuleConfig> {
    let cap = r.local_cap?;
    let scale = |v: u64| ((v as f64 * cap).ceil() as u64).max(1);
    Some(RuleConfig {
        name: format!("{}-local-cap", r.name),
        store: Store::Local,
        local_cap: None,
        limits: r
            .limits
            .iter()
            .map(|l| crate::config::throttle::LimitConfig {
                requests: l.requests.map(scale),
                input_tokens: l.input_tokens.map(scale),
                output_tokens: l.output_tokens.map(scale),
                tokens: l.tokens.map(scale),
                cost: l.cost.map(|c| c * cap),
                per: l.per,
            })
            .collect(),
        ..r.clone()
    })
}

/// Which series of a consumer and model a spike observation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    /// Requests per period.
    Requests,
    /// Tokens per period.
    Tokens,
}

impl Limiter {
    /// Adds `amount` to the `series` of (`consumer`, `model`) in the shared
    /// table and returns the detector's verdict and the current period's
    /// count. Both series of a pair share one record (two baselines).
    pub fn observe_spike(
        &self,
        store: &dyn SharedStore,
        pair: (&str, &str),
        series: Series,
        amount: f64,
        now_ms: u64,
        params: &SpikeParams,
    ) -> Result<(SpikeVerdict, f64), StoreError> {
        let (consumer, model) = pair;
        let key = format!("s|{}:{consumer}|{}:{model}", consumer.len(), model.len());
        // A spike baseline never evicts a live counter: its key holds a
        // client-chosen model name, and evicting counters would reset limits.
        let (result, _) = self.table.update(
            store,
            &key,
            now_ms,
            false,
            &|r, now| self.idle(r, now),
            &mut |old| {
                let decode = |at: usize| {
                    old.and_then(|b| b.get(at..at.saturating_add(spike::ENCODED_LEN)))
                        .and_then(Baseline::decode)
                };
                let mut pair = [
                    decode(0).unwrap_or_else(|| Baseline::new(now_ms, params)),
                    decode(spike::ENCODED_LEN).unwrap_or_else(|| Baseline::new(now_ms, params)),
                ];
                let [requests, tokens] = &mut pair;
                let b = match series {
                    Series::Requests => requests,
                    Series::Tokens => tokens,
                };
                let verdict = b.observe(now_ms, amount, params);
                let count = b.count();
                let mut bytes = Vec::with_capacity(spike::ENCODED_LEN.saturating_mul(2));
                for b in &pair {
                    bytes.extend_from_slice(&b.encode());
                }
                Change::Write(bytes, (verdict, count))
            },
        )?;
        Ok(result)
    }
}

/// The key prefix of a deferred reservation's record.
const DEFERRED: &str = "d|";

/// A reservation kept past its response: a generation that runs in the
/// background, whose usage a later retrieve reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deferred {
    /// The model it was reserved for (for cost).
    pub model: Option<String>,
    /// What it holds (nothing in flight any more).
    pub reservation: Reservation,
}

impl Deferred {
    /// Bytes for shared data.
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let model = self.model.as_deref().unwrap_or("");
        let push_str = |out: &mut Vec<u8>, s: &str| {
            let b = s.as_bytes();
            let n = u16::try_from(b.len()).unwrap_or(u16::MAX);
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(b.get(..usize::from(n)).unwrap_or(b));
        };
        push_str(&mut out, model);
        let a = &self.reservation.amounts;
        for v in [a.requests, a.input_tokens, a.output_tokens, a.cost] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let held = u16::try_from(self.reservation.held.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&held.to_le_bytes());
        for h in self.reservation.held.iter().take(usize::from(held)) {
            out.extend_from_slice(&u32::try_from(h.rule).unwrap_or(u32::MAX).to_le_bytes());
            push_str(&mut out, &h.key);
            let n = u16::try_from(h.windows.len()).unwrap_or(u16::MAX);
            out.extend_from_slice(&n.to_le_bytes());
            for w in h.windows.iter().take(usize::from(n)) {
                out.extend_from_slice(&w.to_le_bytes());
            }
        }
        out
    }

    /// Reads [`Deferred::encode`]'s bytes; `None` for anything else (an
    /// empty payload is a record already reconciled).
    fn decode(b: &[u8]) -> Option<Self> {
        struct R<'a>(&'a [u8]);
        impl R<'_> {
            fn take(&mut self, n: usize) -> Option<&[u8]> {
                let (head, rest) = self.0.split_at_checked(n)?;
                self.0 = rest;
                Some(head)
            }
            fn u16(&mut self) -> Option<u16> {
                Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
            }
            fn u32(&mut self) -> Option<u32> {
                Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
            }
            fn u64(&mut self) -> Option<u64> {
                Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
            }
            fn str(&mut self) -> Option<String> {
                let n = usize::from(self.u16()?);
                String::from_utf8(self.take(n)?.to_vec()).ok()
            }
        }
        if b.is_empty() {
            return None;
        }
        let mut r = R(b);
        let model = r.str()?;
        let amounts = Amounts {
            requests: r.u64()?,
            input_tokens: r.u64()?,
            output_tokens: r.u64()?,
            cost: r.u64()?,
        };
        let mut held = Vec::new();
        for _ in 0..r.u16()? {
            let rule = usize::try_from(r.u32()?).ok()?;
            let key = r.str()?;
            let mut windows = Vec::new();
            for _ in 0..r.u16()? {
                windows.push(r.u64()?);
            }
            held.push(Held {
                rule,
                key,
                windows,
                in_flight: false,
            });
        }
        r.0.is_empty().then_some(Self {
            model: (!model.is_empty()).then_some(model),
            reservation: Reservation { amounts, held },
        })
    }
}

impl Limiter {
    /// Keeps `reservation` (already settled as charged in full, nothing in
    /// flight) under `id`, so that [`Limiter::reconcile`] can replace it by
    /// the real usage when a retrieve reports it. The record lives in the
    /// slot table and goes idle a day after it was written (the reservation
    /// then simply stands).
    pub fn defer(
        &self,
        store: &dyn SharedStore,
        owner: &str,
        id: &str,
        model: Option<&str>,
        reservation: &Reservation,
        now_ms: u64,
    ) -> Result<TableStats, StoreError> {
        let deferred = Deferred {
            model: model.map(str::to_owned),
            reservation: Reservation {
                amounts: reservation.amounts,
                held: reservation
                    .held
                    .iter()
                    .map(|h| Held {
                        in_flight: false,
                        ..h.clone()
                    })
                    .collect(),
            },
        };
        let bytes = deferred.encode();
        // In the pending region, where no live record is evicted (so a
        // flood of background requests cannot push out anyone's counters),
        // under its owner (a retrieve by another consumer, or an id the
        // client chose twice, does not reconcile it). When the region is
        // full the caller's charge (the reservation) simply stands.
        let ((), stats) = self.pending.update(
            store,
            &format!("{DEFERRED}{}:{owner}|{id}", owner.len()),
            now_ms,
            false,
            &|r, now| self.idle(r, now),
            &mut |old| match old {
                // An id already pending is not overwritten.
                Some(b) if !b.is_empty() => Change::Keep(()),
                _ => Change::Write(bytes.clone(), ()),
            },
        )?;
        Ok(stats)
    }

    /// Takes the reservation deferred under `id` (once: the record is
    /// emptied) and replaces it in the counters by `actual` (computed by
    /// the caller from the model it returns). `None` when nothing is
    /// deferred under `id` (never, already reconciled, or gone idle).
    pub fn take_deferred(
        &self,
        store: &dyn SharedStore,
        owner: &str,
        id: &str,
        now_ms: u64,
    ) -> Result<Option<Deferred>, StoreError> {
        let key = format!("{DEFERRED}{}:{owner}|{id}", owner.len());
        self.take_pending(store, &key, now_ms, Deferred::decode)
    }

    /// Replaces a deferred reservation by what was used: the difference is
    /// given back to (or added to) the windows it was reserved in, when they
    /// are still current.
    pub fn reconcile(
        &self,
        store: &dyn SharedStore,
        deferred: &Deferred,
        actual: &Amounts,
        now_ms: u64,
    ) -> Result<TableStats, StoreError> {
        self.settle(store, &deferred.reservation, actual, now_ms)
    }
}

fn add_stats(total: &mut TableStats, s: TableStats) {
    total.cas_retries = total.cas_retries.saturating_add(s.cas_retries);
    total.evictions = total.evictions.saturating_add(s.evictions);
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::config::parse;
    use crate::throttle::counters::MemoryStore;

    fn limiter(json: &str) -> Limiter {
        Limiter::new(&parse::<ThrottleConfig>(json.as_bytes()).unwrap(), 1)
    }

    fn facts(consumer: &'static str) -> Facts<'static> {
        Facts {
            consumer: Some(consumer),
            model: Some("gpt-4o-mini"),
            route: "/v1/chat/completions",
            canonical: "/v1/chat/completions",
            ..Facts::default()
        }
    }

    fn admitted(a: &Admission) -> bool {
        matches!(a.verdict, Verdict::Admit)
    }

    const RPM: &str =
        r#"{"rules":[{"name":"rpm","key":["consumer"],"limits":[{"requests":3,"per":"minute"}]}]}"#;

    #[test]
    fn a_local_cap_is_a_local_rule_with_the_share_of_each_limit() {
        let l = limiter(
            r#"{"rls": {"cluster": "rl"}, "rules": [{"name": "mesh", "store": "rls",
                "key": ["consumer"], "local_cap": 0.5,
                "limits": [{"requests": 5, "per": "minute"}, {"tokens": 1000, "per": "hour"}]}]}"#,
        );
        let cap = l.rules.iter().find(|r| r.name == "mesh-local-cap").unwrap();
        assert_eq!(cap.store, Store::Local);
        let values: Vec<u64> = cap.limits.iter().map(|lim| lim.value).collect();
        assert_eq!(values, [3, 500], "rounded up");
        // The RLS rule is the service's; the cap counts here.
        let s = MemoryStore::default();
        let one = Amounts {
            requests: 1,
            ..Amounts::default()
        };
        let a = l.applying(&facts("a"));
        assert_eq!(a.len(), 2);
        for _ in 0..3 {
            assert!(admitted(&l.admit(&s, &a, &one, 0).unwrap()));
        }
        match l.admit(&s, &a, &one, 0).unwrap().verdict {
            Verdict::Deny(d) => assert_eq!(d.rule, "mesh-local-cap"),
            Verdict::Admit => panic!("the fourth is over the cap"),
        }
        assert!(l
            .rules
            .iter()
            .find(|r| r.name == "mesh")
            .unwrap()
            .needs_body());
        let bad = parse::<ThrottleConfig>(
            br#"{"rules": [{"name": "x", "local_cap": 0.5, "limits": [{"requests": 1, "per": "second"}]}]}"#,
        );
        assert!(bad.unwrap_err().to_string().contains("local_cap"));
        let bad = parse::<ThrottleConfig>(
            br#"{"rls": {"cluster": "rl"}, "rules": [{"name": "x", "store": "rls", "local_cap": 1.5, "limits": [{"requests": 1, "per": "second"}]}]}"#,
        );
        assert!(bad.is_err());
    }

    #[test]
    fn requests_are_limited_per_key_and_the_window_resets_on_the_minute() {
        let l = limiter(RPM);
        let s = MemoryStore::default();
        let one = Amounts {
            requests: 1,
            ..Amounts::default()
        };
        let a = l.applying(&facts("a"));
        let b = l.applying(&facts("b"));
        let t0 = 120_000; // 12:02:00
        for i in 0..3 {
            let got = l.admit(&s, &a, &one, t0 + i * 1000).unwrap();
            assert!(admitted(&got));
            assert_eq!(got.status.requests.unwrap().remaining, 2 - i);
        }
        let denied = l.admit(&s, &a, &one, t0 + 45_500).unwrap();
        let Verdict::Deny(d) = &denied.verdict else {
            panic!()
        };
        assert_eq!(
            d.retry_after_secs,
            Some(15),
            "ceil of 14.5 s to the next minute"
        );
        assert_eq!(d.rule, "rpm");
        assert_eq!(denied.status.requests.unwrap().remaining, 0);
        assert_eq!(denied.status.requests.unwrap().reset_ms, 14_500);
        // Another key is untouched.
        assert!(admitted(&l.admit(&s, &b, &one, t0 + 45_500).unwrap()));
        // The last millisecond of the window is still in it; the next is not.
        assert!(!admitted(&l.admit(&s, &a, &one, t0 + 59_999).unwrap()));
        assert!(admitted(&l.admit(&s, &a, &one, t0 + 60_000).unwrap()));
    }

    #[test]
    fn concurrent_reservations_cannot_overshoot_and_refunds_come_back() {
        let l = limiter(
            r#"{"rules":[{"name":"tpm","key":["consumer"],"limits":[{"tokens":10000,"per":"minute"}]}]}"#,
        );
        let s = MemoryStore::default();
        let a = l.applying(&facts("a"));
        let want = l.reserve_amounts(Some("m"), 1000, Some(2000)); // 3000 each
        let mut held = Vec::new();
        // Ten requests arrive before any finishes: post-hoc charging would
        // admit all ten (30000 tokens against 10000); reservations admit 3.
        for _ in 0..10 {
            let got = l.admit(&s, &a, &want, 1000).unwrap();
            if admitted(&got) {
                held.push(got.reservation);
            }
        }
        assert_eq!(held.len(), 3);
        assert_eq!(l.peek(&s, 0, &a[0].key, 1000).unwrap(), vec![1000]);
        // Each used 1000 + 100: 1900 each comes back.
        let used = l.charge_amounts(
            Some("m"),
            &Usage {
                input_tokens: 1000,
                output_tokens: 100,
                ..Usage::default()
            },
        );
        for r in &held {
            l.settle(&s, r, &used, 2000).unwrap();
        }
        assert_eq!(l.peek(&s, 0, &a[0].key, 2000).unwrap(), vec![10000 - 3300]);
        // A response that used more than reserved is charged in full.
        let got = l.admit(&s, &a, &want, 3000).unwrap();
        let big = Amounts {
            requests: 1,
            input_tokens: 1000,
            output_tokens: 5000,
            cost: 0,
        };
        l.settle(&s, &got.reservation, &big, 4000).unwrap();
        assert_eq!(
            l.peek(&s, 0, &a[0].key, 4000).unwrap(),
            vec![10000 - 3300 - 6000]
        );
    }

    #[test]
    fn a_settle_after_the_window_charges_only_the_excess_to_the_new_one() {
        let l = limiter(r#"{"rules":[{"name":"tpm","limits":[{"tokens":10000,"per":"minute"}]}]}"#);
        let s = MemoryStore::default();
        let a = l.applying(&facts("a"));
        let want = l.reserve_amounts(None, 100, Some(100));
        let r = l.admit(&s, &a, &want, 59_000).unwrap().reservation;
        let used = Amounts {
            requests: 1,
            input_tokens: 100,
            output_tokens: 700,
            cost: 0,
        };
        l.settle(&s, &r, &used, 61_000).unwrap();
        assert_eq!(l.peek(&s, 0, &a[0].key, 61_000).unwrap(), vec![10000 - 600]);
        // A refund to a window that is over is dropped.
        let r = l.admit(&s, &a, &want, 62_000).unwrap().reservation;
        l.settle(&s, &r, &Amounts::default(), 125_000).unwrap();
        assert_eq!(l.peek(&s, 0, &a[0].key, 125_000).unwrap(), vec![10000]);
    }

    #[test]
    fn a_request_larger_than_the_limit_gets_no_retry_after() {
        let l = limiter(r#"{"rules":[{"name":"t","limits":[{"tokens":100,"per":"minute"}]}]}"#);
        let s = MemoryStore::default();
        let a = l.applying(&facts("a"));
        let got = l
            .admit(&s, &a, &l.reserve_amounts(None, 50, Some(80)), 0)
            .unwrap();
        let Verdict::Deny(d) = got.verdict else {
            panic!()
        };
        assert_eq!(d.retry_after_secs, None);
        assert!(d
            .message()
            .contains("needs more tokens than the limit of 100 per minute"));
    }

    #[test]
    fn a_refusal_by_a_later_rule_releases_the_earlier_reservations() {
        let l = limiter(
            r#"{"rules":[
                {"name":"wide","limits":[{"requests":100,"per":"minute"}],"in_flight":50},
                {"name":"narrow","key":["consumer"],"limits":[{"requests":1,"per":"minute"}]}]}"#,
        );
        let s = MemoryStore::default();
        let one = Amounts {
            requests: 1,
            ..Amounts::default()
        };
        let a = l.applying(&facts("a"));
        assert!(admitted(&l.admit(&s, &a, &one, 0).unwrap()));
        for _ in 0..5 {
            let got = l.admit(&s, &a, &one, 0).unwrap();
            assert!(matches!(&got.verdict, Verdict::Deny(d) if d.rule == "narrow"));
            assert!(got.reservation.held.is_empty());
        }
        assert_eq!(
            l.peek(&s, 0, &a[0].key, 0).unwrap(),
            vec![99],
            "only the admitted one"
        );
    }

    #[test]
    fn in_flight_limits_count_until_settled_and_time_out() {
        let l = limiter(
            r#"{"rules":[{"name":"conc","key":["consumer"],"in_flight":2}],
                "local":{"in_flight_timeout_secs":60}}"#,
        );
        let s = MemoryStore::default();
        let a = l.applying(&facts("a"));
        let one = Amounts {
            requests: 1,
            ..Amounts::default()
        };
        let r1 = l.admit(&s, &a, &one, 0).unwrap();
        let r2 = l.admit(&s, &a, &one, 0).unwrap();
        assert!(admitted(&r1) && admitted(&r2));
        let r3 = l.admit(&s, &a, &one, 0).unwrap();
        let Verdict::Deny(d) = &r3.verdict else {
            panic!()
        };
        assert!(d.message().contains("in flight"));
        l.settle(&s, &r1.reservation, &one, 10).unwrap();
        assert!(admitted(&l.admit(&s, &a, &one, 20).unwrap()));
        assert!(!admitted(&l.admit(&s, &a, &one, 30).unwrap()));
        // Two never finish (a VM died): after the timeout they stop counting.
        assert!(admitted(&l.admit(&s, &a, &one, 60_100).unwrap()));
    }

    #[test]
    fn shadow_rules_count_and_report_but_admit() {
        let l = limiter(
            r#"{"rules":[{"name":"rpm","shadow":true,"limits":[{"requests":1,"per":"minute"}]}]}"#,
        );
        let s = MemoryStore::default();
        let one = Amounts {
            requests: 1,
            ..Amounts::default()
        };
        let a = l.applying(&facts("a"));
        assert!(l.admit(&s, &a, &one, 0).unwrap().shadow_denials.is_empty());
        let got = l.admit(&s, &a, &one, 0).unwrap();
        assert!(admitted(&got));
        assert_eq!(got.shadow_denials.len(), 1);
        assert_eq!(got.reservation.held.len(), 1);
        // The global switch makes every rule a shadow rule.
        let l = limiter(&RPM.replacen('{', r#"{"shadow":true,"#, 1));
        for _ in 0..5 {
            assert!(admitted(
                &l.admit(&s, &l.applying(&facts("z")), &one, 0).unwrap()
            ));
        }
    }

    #[test]
    fn matches_select_and_keys_separate() {
        let l = limiter(
            r#"{"rules":[{"name":"free","match":{"labels":{"tier":"free"},"models":["gpt-4o*"],
                 "routes":["/v1/chat/"],"headers":{"x-env":"prod"}},
                 "key":["consumer","model","header:x-team"],"limits":[{"requests":1,"per":"hour"}]}]}"#,
        );
        assert_eq!(
            l.header_names(),
            vec!["x-env".to_owned(), "x-team".to_owned()]
        );
        let labels = vec![("tier".to_owned(), "free".to_owned())];
        let headers = vec![
            ("x-env".to_owned(), "prod".to_owned()),
            ("x-team".to_owned(), "t1".to_owned()),
        ];
        let f = Facts {
            labels: &labels,
            headers: &headers,
            ..facts("a")
        };
        assert_eq!(l.applying(&f).len(), 1);
        assert!(l
            .applying(&Facts {
                model: Some("claude-3"),
                ..f
            })
            .is_empty());
        assert!(l.applying(&Facts { model: None, ..f }).is_empty());
        assert!(l
            .applying(&Facts {
                route: "/v1/embeddings",
                canonical: "/v1/embeddings",
                ..f
            })
            .is_empty());
        // Another root of the same route: the rule's route matches its
        // canonical path.
        assert_eq!(
            l.applying(&Facts {
                route: "/openai/v1/chat/completions",
                ..f
            })
            .len(),
            1
        );
        assert!(l.applying(&Facts { labels: &[], ..f }).is_empty());
        let k1 = &l.applying(&f)[0].key;
        let k2 = &l.applying(&Facts {
            model: Some("gpt-4o"),
            ..f
        })[0]
            .key;
        assert_ne!(k1, k2);
        // Length prefixes: ("ab", "c") and ("a", "bc") are different keys.
        let l2 = limiter(
            r#"{"rules":[{"name":"x","key":["consumer","model"],"limits":[{"requests":1,"per":"hour"}]}]}"#,
        );
        let x = l2.applying(&Facts {
            consumer: Some("a|1:b"),
            model: Some("c"),
            ..f
        });
        let y = l2.applying(&Facts {
            consumer: Some("a"),
            model: Some("b|1:c"),
            ..f
        });
        assert_ne!(x[0].key, y[0].key);
    }

    #[test]
    fn costs_use_the_most_specific_price() {
        let l = limiter(
            r#"{"rules":[{"name":"budget","limits":[{"cost":1.0,"per":"day"}]}],
                "prices":{"gpt-4o-mini":{"input":0.15,"cached_input":0.075,"output":0.6},
                          "gpt-4o*":{"input":2.5,"output":10},"*":{"input":100,"output":100}}}"#,
        );
        let u = Usage {
            input_tokens: 1_000_000,
            cached_input_tokens: 500_000,
            output_tokens: 1_000_000,
            estimated: false,
        };
        assert_eq!(l.cost(Some("gpt-4o-mini"), &u), 75_000 + 37_500 + 600_000);
        assert_eq!(l.cost(Some("gpt-4o-2024"), &u), 12_500_000);
        assert_eq!(l.cost(Some("other"), &u), 200_000_000);
        assert_eq!(l.cost(None, &u), 200_000_000);
        // A day budget of 1.00 refuses the second 0.75 reservation.
        let s = MemoryStore::default();
        let a = l.applying(&facts("a"));
        let want = l.reserve_amounts(Some("gpt-4o-mini"), 1_000_000, Some(1_000_000)); // 0.75
        assert_eq!(want.cost, 750_000);
        assert!(admitted(&l.admit(&s, &a, &want, 0).unwrap()));
        let got = l.admit(&s, &a, &want, 0).unwrap();
        let Verdict::Deny(d) = got.verdict else {
            panic!()
        };
        assert!(d.message().contains("1.00 cost per day"), "{}", d.message());
    }

    #[test]
    fn rls_rules_are_left_to_the_service_unless_falling_back() {
        let l = limiter(
            r#"{"rules":[{"name":"mesh","store":"rls","limits":[{"requests":1,"per":"minute"}]}],
                "rls":{"cluster":"rl"}}"#,
        );
        let s = MemoryStore::default();
        let one = Amounts {
            requests: 1,
            ..Amounts::default()
        };
        let a = l.applying(&facts("a"));
        for _ in 0..3 {
            assert!(admitted(&l.admit(&s, &a, &one, 0).unwrap()));
        }
        assert!(s.is_empty());
        assert!(admitted(&l.admit_with(&s, &a, &one, 0, true).unwrap()));
        assert!(!admitted(&l.admit_with(&s, &a, &one, 0, true).unwrap()));
    }

    #[test]
    fn rls_calls_are_one_per_rule_and_metric() {
        let l = limiter(
            r#"{"rules":[
                {"name":"a","store":"rls","key":["consumer","label:tier"],
                 "limits":[{"requests":5,"per":"minute"},{"tokens":100,"per":"minute"},{"requests":50,"per":"hour"}]},
                {"name":"b","store":"rls","key":["model"],"limits":[{"tokens":1000,"per":"day"}]},
                {"name":"c","limits":[{"requests":1,"per":"second"}]}],
                "rls":{"cluster":"rl"}}"#,
        );
        let labels = vec![("tier".to_owned(), "gold".to_owned())];
        let f = Facts {
            labels: &labels,
            ..facts("team-a")
        };
        let applied = l.applying(&f);
        assert!(l.any_rls(&applied));
        assert_eq!(l.only_rls(&applied).len(), 2);
        let amounts = Amounts {
            requests: 1,
            input_tokens: 30,
            output_tokens: 70,
            cost: 0,
        };
        let calls = l.rls_calls(&applied, &f, &amounts);
        assert_eq!(calls.len(), 3);
        assert_eq!(
            (calls[0].metric, calls[0].hits, calls[0].rules.clone()),
            (Metric::Requests, 1, vec![0])
        );
        assert_eq!(
            calls[0].descriptors[0].entries,
            vec![
                ("tollgate_rule".to_owned(), "a".to_owned()),
                ("metric".to_owned(), "requests".to_owned()),
                ("consumer".to_owned(), "team-a".to_owned()),
                ("label.tier".to_owned(), "gold".to_owned()),
            ]
        );
        assert_eq!(
            (calls[1].metric, calls[1].hits, calls[1].rules.clone()),
            (Metric::Tokens, 100, vec![0])
        );
        assert_eq!(
            (calls[2].metric, calls[2].rules.clone()),
            (Metric::Tokens, vec![1])
        );
        assert_eq!(calls[2].descriptors.len(), 1);
        assert_eq!(
            calls[2].descriptors[0].entries[2],
            ("model".to_owned(), "gpt-4o-mini".to_owned())
        );
        // Nothing to count, no call.
        let none = Amounts {
            requests: 1,
            ..Amounts::default()
        };
        assert_eq!(l.rls_calls(&applied, &f, &none).len(), 1);
    }

    #[test]
    fn spike_series_are_kept_per_pair_in_the_shared_table() {
        let l = limiter(RPM);
        let s = MemoryStore::default();
        let p = SpikeParams {
            warmup_periods: 2,
            min_rate: 5.0,
            ..SpikeParams::default()
        };
        // Three quiet periods of 2 requests, then a burst in the fourth.
        for period in 0..3u64 {
            for i in 0..2u64 {
                let (v, _) = l
                    .observe_spike(
                        &s,
                        ("a", "m"),
                        Series::Requests,
                        1.0,
                        period * 10_000 + i,
                        &p,
                    )
                    .unwrap();
                assert!(v.anomaly.is_none());
            }
        }
        let mut newly = 0;
        for i in 0..50u64 {
            let (v, count) = l
                .observe_spike(&s, ("a", "m"), Series::Requests, 1.0, 30_000 + i, &p)
                .unwrap();
            assert_eq!(count, (i + 1) as f64);
            newly += usize::from(v.newly);
        }
        assert_eq!(newly, 1);
        // The other pair and the token series are untouched.
        let (v, count) = l
            .observe_spike(&s, ("b", "m"), Series::Requests, 1.0, 30_100, &p)
            .unwrap();
        assert!(v.anomaly.is_none() && count == 1.0);
        let (v, _) = l
            .observe_spike(
                &s,
                ("a", "m"),
                Series::Tokens,
                10.0,
                30_100,
                &SpikeParams::tokens(),
            )
            .unwrap();
        assert!(!v.active);
    }

    #[test]
    fn a_changed_limit_shape_starts_fresh_counters() {
        let s = MemoryStore::default();
        let one = Amounts {
            requests: 1,
            ..Amounts::default()
        };
        let l1 = limiter(RPM);
        let a1 = l1.applying(&facts("a"));
        for _ in 0..3 {
            l1.admit(&s, &a1, &one, 0).unwrap();
        }
        // Same windows, new value: counts carry over.
        let l2 = limiter(&RPM.replace("\"requests\":3", "\"requests\":4"));
        assert!(admitted(
            &l2.admit(&s, &l2.applying(&facts("a")), &one, 0).unwrap()
        ));
        assert!(!admitted(
            &l2.admit(&s, &l2.applying(&facts("a")), &one, 0).unwrap()
        ));
        // A new window: a new key.
        let l3 = limiter(&RPM.replace("minute", "hour"));
        assert!(admitted(
            &l3.admit(&s, &l3.applying(&facts("a")), &one, 0).unwrap()
        ));
    }

    #[test]
    fn a_client_keyed_rule_never_evicts_a_live_key_and_caps_new_ones() {
        let l = limiter(
            r#"{"local":{"max_keys":16,"max_client_keys":16},"rules":[
                {"name":"per-model","key":["consumer","model"],"limits":[{"requests":100,"per":"minute"}]},
                {"name":"per-consumer","key":["consumer"],"limits":[{"requests":1000,"per":"minute"}]}]}"#,
        );
        assert!(l.rules[0].client_keyed && !l.rules[1].client_keyed);
        let store = MemoryStore::default();
        let want = l.reserve_amounts(None, 0, Some(0));
        // The victim's key is live.
        let victim = Facts {
            consumer: Some("victim"),
            model: Some("gpt-4o-mini"),
            ..Facts::default()
        };
        let applied = l.applying(&victim);
        assert!(admitted(&l.admit(&store, &applied, &want, 0).unwrap()));
        // An attacker invents models until refused.
        let mut refused = 0;
        let names: Vec<String> = (0..200).map(|i| format!("m{i}")).collect();
        for name in &names {
            let f = Facts {
                consumer: Some("attacker"),
                model: Some(name),
                ..Facts::default()
            };
            let a = l.admit(&store, &l.applying(&f), &want, 1).unwrap();
            if let Verdict::Deny(d) = &a.verdict {
                assert!(d.too_many_keys, "{d:?}");
                assert!(d.message().contains("too many distinct values"));
                refused += 1;
            }
        }
        assert!(
            refused > 150,
            "the region holds at most 32 slots: {refused} refused"
        );
        // The victim's counters were never touched.
        let left = l.peek(&store, 0, &applied[0].key, 2).unwrap();
        assert_eq!(left, [99]);
        // The shared table holds only the consumers' keys.
        let left = l.peek(&store, 1, &applied[1].key, 2).unwrap();
        assert_eq!(left, [999]);
    }

    #[test]
    fn routes_match_whole_segments_of_the_normalised_path() {
        assert!(route_matches("/v1/chat/completions", "/v1/chat"));
        assert!(route_matches("/v1/chat/completions", "/v1/chat/"));
        assert!(route_matches("/v1/chat", "/v1/chat"));
        assert!(!route_matches("/v1/chatty", "/v1/chat"));
        assert!(route_matches("/v1/chatty", "/v1/chat*"));
        assert!(route_matches("/anything", "/"));
    }

    #[test]
    fn deferred_records_never_push_out_counters() {
        // A tiny main table: a flood of background responses used to evict
        // live counters and reset them.
        let l = limiter(
            r#"{"local":{"max_keys":16,"max_pending":16,"max_pending_per_consumer":16},
                "rules":[{"name":"tpd","key":["consumer"],"limits":[{"tokens":1000,"per":"day"}]}]}"#,
        );
        let store = MemoryStore::default();
        let victim = l.applying(&facts("victim"));
        let spent = l.reserve_amounts(None, 900, Some(0));
        let a = l.admit(&store, &victim, &spent, 0).unwrap();
        l.settle(&store, &a.reservation, &spent, 1).unwrap();
        let flood = l.applying(&facts("flooder"));
        let one = l.reserve_amounts(None, 1, Some(1));
        for i in 0..200 {
            let a = l.admit(&store, &flood, &one, 2).unwrap();
            l.settle(&store, &a.reservation, &one, 3).unwrap();
            // Past the pending region's room, a record is not placed (the
            // charge stands); it never evicts.
            let _ = l.defer(
                &store,
                "flooder",
                &format!("resp_{i}"),
                None,
                &a.reservation,
                3,
            );
        }
        // 100 of 1000 left: the victim's counter was not reset.
        assert_eq!(l.peek(&store, 0, &victim[0].key, 4).unwrap(), [100]);
        let more = l.reserve_amounts(None, 900, Some(0));
        assert!(!admitted(&l.admit(&store, &victim, &more, 5).unwrap()));
    }

    #[test]
    fn one_consumer_cannot_fill_a_client_keyed_region_for_all() {
        let l = limiter(
            r#"{"local":{"max_client_keys":16,"max_client_keys_per_consumer":4},
                "rules":[{"name":"per-model","key":["consumer","model"],
                          "limits":[{"requests":100,"per":"day"}]}]}"#,
        );
        let store = MemoryStore::default();
        let one = l.reserve_amounts(None, 1, Some(1));
        let mut refused = 0;
        for i in 0..50 {
            let model = format!("invented-{i}");
            let f = Facts {
                model: Some(&model),
                ..facts("attacker")
            };
            if !admitted(&l.admit(&store, &l.applying(&f), &one, 0).unwrap()) {
                refused += 1;
            }
        }
        assert_eq!(refused, 46, "four new values a day for the attacker");
        for victim in ["v1", "v2", "v3"] {
            assert!(admitted(
                &l.admit(&store, &l.applying(&facts(victim)), &one, 1)
                    .unwrap()
            ));
        }
    }

    #[test]
    fn a_batch_file_runs_once_and_only_for_its_uploader() {
        let l = limiter(r#"{"local":{"max_pending_per_consumer":2}}"#);
        let store = MemoryStore::default();
        assert!(l.take_file_quota(&store, "a", 0).unwrap());
        l.record_file(&store, "a", "file-1", 0).unwrap();
        assert!(!l.take_file(&store, "b", "file-1", 1).unwrap());
        assert!(!l.take_file(&store, "a", "file-2", 1).unwrap());
        assert!(l.take_file(&store, "a", "file-1", 1).unwrap());
        assert!(!l.take_file(&store, "a", "file-1", 2).unwrap(), "once");
        assert!(l.take_file_quota(&store, "a", 3).unwrap());
        assert!(!l.take_file_quota(&store, "a", 4).unwrap(), "two a day");
        assert!(
            l.take_file_quota(&store, "a", 86_400_000).unwrap(),
            "a new day"
        );
    }

    #[test]
    fn a_deferred_reservation_is_reconciled_once() {
        let l = limiter(
            r#"{"rules":[{"name":"tpm","key":["consumer"],"limits":[{"tokens":1000,"per":"minute"}]}]}"#,
        );
        let store = MemoryStore::default();
        let f = facts("a");
        let applied = l.applying(&f);
        let want = l.reserve_amounts(Some("m"), 100, Some(500));
        let a = l.admit(&store, &applied, &want, 0).unwrap();
        // The response said "queued": the reservation is charged whole and
        // kept under the response id.
        l.settle(&store, &a.reservation, &want, 10).unwrap();
        l.defer(&store, "a", "resp_1", Some("m"), &a.reservation, 10)
            .unwrap();
        assert_eq!(l.peek(&store, 0, &applied[0].key, 20).unwrap(), [400]);
        // A retrieve reports 150 tokens: 450 come back, once.
        // Another consumer's retrieve of the same id reconciles nothing.
        assert!(l
            .take_deferred(&store, "b", "resp_1", 25)
            .unwrap()
            .is_none());
        let d = l.take_deferred(&store, "a", "resp_1", 30).unwrap().unwrap();
        assert_eq!(d.model.as_deref(), Some("m"));
        let used = Usage {
            input_tokens: 100,
            output_tokens: 50,
            ..Usage::default()
        };
        l.reconcile(&store, &d, &l.charge_amounts(d.model.as_deref(), &used), 30)
            .unwrap();
        assert_eq!(l.peek(&store, 0, &applied[0].key, 40).unwrap(), [850]);
        assert!(l
            .take_deferred(&store, "a", "resp_1", 50)
            .unwrap()
            .is_none());
        assert!(l
            .take_deferred(&store, "a", "resp_2", 50)
            .unwrap()
            .is_none());
        // Garbage never decodes.
        assert!(Deferred::decode(b"\x05\x00ab").is_none());
        let round = Deferred {
            model: None,
            reservation: a.reservation.clone(),
        };
        let mut back = round.clone();
        back.reservation
            .held
            .iter_mut()
            .for_each(|h| h.in_flight = false);
        assert_eq!(Deferred::decode(&round.encode()), Some(back));
    }
}
