//! **A TEST DOUBLE** of a production rate-limit service, for testing
//! Tollgate's `throttle` filter: Envoy's rate-limit service protocol (RLS v3,
//! `envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit`) over gRPC,
//! reading Limitador's limits file and counting as Limitador counts (fixed
//! windows; check-and-count atomic in memory, read-then-increment in Redis
//! as Limitador's storages do, see [`counters`]), in Redis (shared between
//! instances) or in memory. All of it is written here ([`limits`],
//! [`counters`]); it is not Limitador and is not hardened.
//!
//! It exists so that tests talk to the protocol and the limits file format a
//! mesh would run in production (Limitador), without a container.
//!
//! # What it does like `limitador-server`
//! - The limits file is Limitador's `LIMITS_FILE`: a YAML (or JSON) list of
//!   limits with `namespace`, `max_value`, `seconds`, `conditions`,
//!   `variables` and optional `name`. Conditions and variables are read in
//!   the CEL subset [`limits`] documents; anything else is refused when the
//!   file is read.
//! - The request's `domain` is the limit's `namespace`; an empty domain
//!   answers `UNKNOWN` with nothing else.
//! - The descriptors are the list `descriptors`: descriptor `i` maps each
//!   entry's key to its value (`descriptors[0]['tenant']`,
//!   `descriptors[0].tenant`). A missing key makes a condition false and a
//!   limit with that variable not apply; an index past the request's
//!   descriptors is an evaluation error (Limitador panics on it: guard it,
//!   `size(descriptors) > 1 && descriptors[1].model == 'big'`), answered
//!   with gRPC `INTERNAL`.
//! - `hits_addend` 0 counts as 1; the check and the count are one step
//!   (nothing is counted when any limit would be exceeded); a counter's
//!   window starts at its first hit and lasts `seconds`.
//! - A storage error answers gRPC `UNAVAILABLE`.
//! - With `rate_limit_headers` on (`--rate-limit-headers DRAFT_VERSION_03`,
//!   Limitador's flag name) the response carries `X-RateLimit-Limit`,
//!   `X-RateLimit-Remaining` and `X-RateLimit-Reset` (draft 03).
//!
//! # What it does beyond `limitador-server`
//! `limitador-server` leaves `statuses` empty, and so does this double by
//! default (`--statuses none`). With `--statuses fill` (as
//! envoyproxy/ratelimit does) it fills one status
//! per descriptor, in request order, so the filter's use of them can be
//! tested: a limit counts for descriptor `i` when one of its conditions or
//! variables mentions `descriptors[i]` (a limit that mentions no descriptor
//! counts for every descriptor). Of the counters that count for a
//! descriptor, the status reports the most restrictive: an over-limit one
//! first, else the one with the fewest hits remaining. `current_limit` is
//! `{ name, requests_per_unit: max_value, unit }` with the unit from the
//! limit's `seconds` when it is 1, 60, 3600, 86400 or 604800 (`UNKNOWN`
//! otherwise); `limit_remaining` is what is left after this call's hits
//! (when nothing was counted because the call is over a limit, what was left
//! before it); `duration_until_reset` is the counter's time to expiry. A
//! descriptor no limit counts for is `OK` with no `current_limit`.

pub mod counters;
pub mod limits;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use envoy_types::pb::envoy::config::core::v3::HeaderValue;
use envoy_types::pb::envoy::service::ratelimit::v3::rate_limit_response::rate_limit::Unit;
use envoy_types::pb::envoy::service::ratelimit::v3::rate_limit_response::{
    Code, DescriptorStatus, RateLimit,
};
use envoy_types::pb::envoy::service::ratelimit::v3::rate_limit_service_server::{
    RateLimitService, RateLimitServiceServer,
};
use envoy_types::pb::envoy::service::ratelimit::v3::{RateLimitRequest, RateLimitResponse};
use envoy_types::pb::google::protobuf::Duration as PbDuration;
use tonic::{Request, Response, Status};

pub use counters::Store;
pub use limits::{parse_limits, Limit};

/// A counter a call touched.
#[derive(Debug, Clone)]
pub struct Counter {
    limit: Limit,
    value: u64,
    expires_in: Option<Duration>,
}

impl Counter {
    /// Its limit.
    pub fn limit(&self) -> &Limit {
        &self.limit
    }

    /// Hits allowed per window.
    pub fn max_value(&self) -> u64 {
        self.limit.max_value
    }

    /// Hits left in the window.
    pub fn remaining(&self) -> u64 {
        self.limit.max_value.saturating_sub(self.value)
    }

    /// Time until the window ends.
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_in
    }
}

/// What a call did.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// Over a limit: nothing was counted.
    pub limited: bool,
    /// Every counter it touched.
    pub counters: Vec<Counter>,
}

/// The limits and where their counters are.
#[derive(Debug)]
pub struct Limiter {
    store: Store,
    limits: RwLock<Vec<Limit>>,
}

impl Limiter {
    /// A limiter over Redis at `redis_url` (read then incremented, as
    /// Limitador's `redis` storage), or in memory when `None`.
    pub async fn new(redis_url: Option<&str>) -> Result<Self, String> {
        Self::with_mode(redis_url, counters::RedisMode::Racy).await
    }

    /// [`Limiter::new`] with the Redis storage of `mode`.
    pub async fn with_mode(
        redis_url: Option<&str>,
        mode: counters::RedisMode,
    ) -> Result<Self, String> {
        let store = match redis_url {
            None => Store::memory(),
            Some(url) => Store::redis(url, mode).await?,
        };
        Ok(Self {
            store,
            limits: RwLock::new(Vec::new()),
        })
    }

    /// Replaces the limits.
    pub async fn configure_with(&self, limits: Vec<Limit>) -> Result<(), String> {
        *self.limits.write().map_err(|_| "poisoned".to_owned())? = limits;
        Ok(())
    }

    /// Checks the limits of `namespace` that apply to `descriptors` and
    /// counts `delta` in them unless one would go over. `Err(Internal)`
    /// for an evaluation error, `Err(Unavailable)` for a storage error.
    async fn check_rate_limited_and_update(
        &self,
        namespace: &str,
        descriptors: &[HashMap<String, String>],
        delta: u64,
    ) -> Result<CheckResult, Status> {
        let mut applying: Vec<(Limit, counters::Touch)> = Vec::new();
        {
            let limits = self
                .limits
                .read()
                .map_err(|_| Status::internal("poisoned"))?;
            for (i, limit) in limits.iter().enumerate() {
                if limit.namespace != namespace {
                    continue;
                }
                let Some(values) = limit
                    .applies(descriptors)
                    .map_err(|e| Status::internal(format!("limit {i}: {e}")))?
                else {
                    continue;
                };
                let mut key = format!(
                    "tollgate-test-rls:{}:{namespace}:{i}:{}:{}",
                    namespace.len(),
                    limit.max_value,
                    limit.seconds
                );
                for v in &values {
                    key.push_str(&format!(":{}:{v}", v.len()));
                }
                applying.push((
                    limit.clone(),
                    counters::Touch {
                        key,
                        max: limit.max_value,
                        seconds: limit.seconds,
                    },
                ));
            }
        }
        let touch: Vec<counters::Touch> = applying.iter().map(|(_, t)| t.clone()).collect();
        let (limited, seen) = self
            .store
            .check_and_count(&touch, delta)
            .await
            .map_err(|e| Status::unavailable(format!("limiter: {e}")))?;
        Ok(CheckResult {
            limited,
            counters: applying
                .into_iter()
                .zip(seen)
                .map(|((limit, _), s)| Counter {
                    limit,
                    value: s.value,
                    expires_in: s.expires_in,
                })
                .collect(),
        })
    }
}

/// Reads a Limitador limits file (YAML, or JSON, which YAML reads too).
pub fn load_limits(path: &Path) -> Result<Vec<Limit>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_limits(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The gRPC service: `ShouldRateLimit` over a [`Limiter`].
#[derive(Debug, Clone)]
pub struct RlsService {
    limiter: Arc<Limiter>,
    rate_limit_headers: bool,
    statuses: bool,
}

impl RlsService {
    /// A service over `limiter`; `rate_limit_headers` adds Limitador's
    /// draft-03 `X-RateLimit-*` response headers.
    pub fn new(limiter: Arc<Limiter>, rate_limit_headers: bool) -> Self {
        Self {
            limiter,
            rate_limit_headers,
            statuses: true,
        }
    }

    /// Whether `statuses` are filled (as envoyproxy/ratelimit does; `false`:
    /// as Limitador, which leaves them empty).
    #[must_use]
    pub fn with_statuses(mut self, statuses: bool) -> Self {
        self.statuses = statuses;
        self
    }

    /// The tonic server wrapping this service.
    pub fn into_server(self) -> RateLimitServiceServer<Self> {
        RateLimitServiceServer::new(self)
    }

    /// Answers one request (what the gRPC method does, callable directly).
    pub async fn answer(&self, req: RateLimitRequest) -> Result<RateLimitResponse, Status> {
        if req.domain.is_empty() {
            return Ok(response(Code::Unknown, Vec::new(), Vec::new()));
        }
        let values: Vec<HashMap<String, String>> = req
            .descriptors
            .iter()
            .map(|d| {
                d.entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.clone()))
                    .collect()
            })
            .collect();
        let delta = u64::from(req.hits_addend.max(1));
        let result = self
            .limiter
            .check_rate_limited_and_update(&req.domain, &values, delta)
            .await?;

        let statuses = if self.statuses {
            statuses(&result, req.descriptors.len(), delta)
        } else {
            Vec::new()
        };
        let code = if result.limited {
            Code::OverLimit
        } else {
            Code::Ok
        };
        let headers = if self.rate_limit_headers {
            header_values(&result)
        } else {
            Vec::new()
        };
        Ok(response(code, statuses, headers))
    }
}

#[tonic::async_trait]
impl RateLimitService for RlsService {
    async fn should_rate_limit(
        &self,
        request: Request<RateLimitRequest>,
    ) -> Result<Response<RateLimitResponse>, Status> {
        self.answer(request.into_inner()).await.map(Response::new)
    }
}

fn response(
    code: Code,
    statuses: Vec<DescriptorStatus>,
    response_headers_to_add: Vec<HeaderValue>,
) -> RateLimitResponse {
    RateLimitResponse {
        overall_code: code.into(),
        statuses,
        response_headers_to_add,
        ..RateLimitResponse::default()
    }
}

/// Draft-03 rate-limit headers of the most restrictive counter (the one
/// with the fewest hits left), every window listed in `X-RateLimit-Limit`.
fn header_values(result: &CheckResult) -> Vec<HeaderValue> {
    let Some(tightest) = result.counters.iter().min_by_key(|c| c.remaining()) else {
        return Vec::new();
    };
    let mut windows = vec![tightest.max_value().to_string()];
    for c in &result.counters {
        windows.push(format!("{};w={}", c.max_value(), c.limit().seconds));
    }
    let mut headers = vec![
        ("X-RateLimit-Limit", windows.join(", ")),
        ("X-RateLimit-Remaining", tightest.remaining().to_string()),
        (
            "X-RateLimit-Reset",
            tightest.expires_in().map_or(0, |d| d.as_secs()).to_string(),
        ),
    ];
    headers.sort_by(|a, b| a.0.cmp(b.0));
    headers
        .into_iter()
        .map(|(key, value)| HeaderValue {
            key: key.to_owned(),
            value,
            ..HeaderValue::default()
        })
        .collect()
}

/// The descriptor indices `i` a limit mentions as `descriptors[i]`.
pub fn descriptor_indices(limit: &Limit) -> HashSet<usize> {
    let mut out = HashSet::new();
    for source in limit.conditions().iter().chain(limit.variables().iter()) {
        let mut rest = source.as_str();
        while let Some(at) = rest.find("descriptors[") {
            rest = &rest[at + "descriptors[".len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if rest[digits.len()..].starts_with(']') {
                if let Ok(i) = digits.parse() {
                    out.insert(i);
                }
            }
        }
    }
    out
}

/// The protobuf unit of a window of `seconds`, when there is one.
pub fn unit_of(seconds: u64) -> Unit {
    match seconds {
        1 => Unit::Second,
        60 => Unit::Minute,
        3_600 => Unit::Hour,
        86_400 => Unit::Day,
        604_800 => Unit::Week,
        _ => Unit::Unknown,
    }
}

fn statuses(result: &CheckResult, descriptors: usize, delta: u64) -> Vec<DescriptorStatus> {
    // Per counter: which descriptors it counts for, and whether it is the
    // reason the call is over the limit.
    let counters: Vec<(&Counter, HashSet<usize>, bool)> = result
        .counters
        .iter()
        .map(|c| {
            let over = result.limited && c.remaining() < delta;
            (c, descriptor_indices(c.limit()), over)
        })
        .collect();
    (0..descriptors)
        .map(|i| {
            let mine = counters
                .iter()
                .filter(|(_, indices, _)| indices.is_empty() || indices.contains(&i));
            let chosen = mine.min_by_key(|(c, _, over)| (!*over, c.remaining()));
            match chosen {
                None => DescriptorStatus {
                    code: Code::Ok.into(),
                    ..DescriptorStatus::default()
                },
                Some((c, _, over)) => DescriptorStatus {
                    code: if *over { Code::OverLimit } else { Code::Ok }.into(),
                    current_limit: Some(RateLimit {
                        name: c.limit().name().unwrap_or_default().to_string(),
                        requests_per_unit: u32::try_from(c.max_value()).unwrap_or(u32::MAX),
                        unit: unit_of(c.limit().seconds).into(),
                    }),
                    limit_remaining: u32::try_from(c.remaining()).unwrap_or(u32::MAX),
                    duration_until_reset: c.expires_in().map(pb_duration),
                    quota: None,
                },
            }
        })
        .collect()
}

fn pb_duration(d: Duration) -> PbDuration {
    PbDuration {
        seconds: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        nanos: i32::try_from(d.subsec_nanos()).unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_types::pb::envoy::extensions::common::ratelimit::v3::rate_limit_descriptor::Entry;
    use envoy_types::pb::envoy::extensions::common::ratelimit::v3::RateLimitDescriptor;

    const LIMITS: &str = r#"
- namespace: tollgate
  max_value: 2
  seconds: 60
  name: per-tenant
  conditions:
    - "descriptors[0]['route'] == 'chat'"
  variables:
    - "descriptors[0]['tenant']"
- namespace: tollgate
  max_value: 1
  seconds: 3600
  conditions:
    - "size(descriptors) > 1 && descriptors[1].model == 'big'"
  variables: []
"#;

    fn descriptor(entries: &[(&str, &str)]) -> RateLimitDescriptor {
        RateLimitDescriptor {
            entries: entries
                .iter()
                .map(|(k, v)| Entry {
                    key: k.to_string(),
                    value: v.to_string(),
                })
                .collect(),
            ..RateLimitDescriptor::default()
        }
    }

    fn request(descriptors: Vec<RateLimitDescriptor>, hits: u32) -> RateLimitRequest {
        RateLimitRequest {
            domain: "tollgate".into(),
            descriptors,
            hits_addend: hits,
        }
    }

    async fn service(limits: &str, headers: bool) -> RlsService {
        let limiter = Limiter::new(None).await.unwrap();
        limiter
            .configure_with(parse_limits(limits).unwrap())
            .await
            .unwrap();
        RlsService::new(Arc::new(limiter), headers)
    }

    #[test]
    fn yaml_and_json_limits_files() {
        let limits = parse_limits(LIMITS).unwrap();
        assert_eq!(limits.len(), 2);
        let json = r#"[{"namespace":"n","max_value":3,"seconds":1,"conditions":[],"variables":["descriptors[0].k"],"name":"x"}]"#;
        let limits = parse_limits(json).unwrap();
        assert_eq!(limits[0].max_value, 3);
        assert_eq!(limits[0].name(), Some("x"));
        assert!(
            parse_limits("- namespace: n\n  seconds: 1\n  conditions: ['(']\n  variables: []")
                .is_err()
        );
    }

    #[test]
    fn indices_and_units() {
        let limits = parse_limits(LIMITS).unwrap();
        let all: Vec<HashSet<usize>> = limits.iter().map(descriptor_indices).collect();
        assert!(all.contains(&HashSet::from([0])));
        assert!(all.contains(&HashSet::from([1])));
        assert_eq!(unit_of(60), Unit::Minute);
        assert_eq!(unit_of(61), Unit::Unknown);
    }

    #[tokio::test]
    async fn counts_per_tenant_and_fills_statuses() {
        let svc = service(LIMITS, true).await;
        let acme = || descriptor(&[("route", "chat"), ("tenant", "acme")]);
        let first = svc.answer(request(vec![acme()], 0)).await.unwrap();
        assert_eq!(first.overall_code, i32::from(Code::Ok));
        let s = &first.statuses[0];
        assert_eq!(s.limit_remaining, 1);
        let limit = s.current_limit.as_ref().unwrap();
        assert_eq!(
            (limit.name.as_str(), limit.requests_per_unit),
            ("per-tenant", 2)
        );
        assert_eq!(limit.unit, i32::from(Unit::Minute));
        assert!(s.duration_until_reset.unwrap().seconds <= 60);
        let keys: Vec<&str> = first
            .response_headers_to_add
            .iter()
            .map(|h| h.key.as_str())
            .collect();
        assert!(keys.contains(&"X-RateLimit-Remaining"), "{keys:?}");

        let second = svc.answer(request(vec![acme()], 1)).await.unwrap();
        assert_eq!(second.overall_code, i32::from(Code::Ok));
        assert_eq!(second.statuses[0].limit_remaining, 0);
        let third = svc.answer(request(vec![acme()], 1)).await.unwrap();
        assert_eq!(third.overall_code, i32::from(Code::OverLimit));
        assert_eq!(third.statuses[0].code, i32::from(Code::OverLimit));

        // Another tenant has its own counter.
        let other = descriptor(&[("route", "chat"), ("tenant", "other")]);
        let r = svc.answer(request(vec![other], 2)).await.unwrap();
        assert_eq!(r.overall_code, i32::from(Code::Ok));
        assert_eq!(r.statuses[0].limit_remaining, 0);
    }

    #[tokio::test]
    async fn second_descriptor_and_unmatched_descriptor() {
        let svc = service(LIMITS, false).await;
        let d0 = || descriptor(&[("route", "embeddings")]);
        let d1 = || descriptor(&[("model", "big")]);
        let r = svc.answer(request(vec![d0(), d1()], 1)).await.unwrap();
        assert_eq!(r.overall_code, i32::from(Code::Ok));
        assert_eq!(r.statuses.len(), 2);
        assert_eq!(r.statuses[0].current_limit, None);
        assert_eq!(
            r.statuses[1].current_limit.as_ref().unwrap().unit,
            i32::from(Unit::Hour)
        );
        assert!(r.response_headers_to_add.is_empty());
        let r = svc.answer(request(vec![d0(), d1()], 1)).await.unwrap();
        assert_eq!(r.overall_code, i32::from(Code::OverLimit));
        assert_eq!(r.statuses[0].code, i32::from(Code::Ok));
        assert_eq!(r.statuses[1].code, i32::from(Code::OverLimit));
        // Only one descriptor: the guarded `descriptors[1]` does not apply.
        let r = svc.answer(request(vec![d1()], 1)).await.unwrap();
        assert_eq!(r.overall_code, i32::from(Code::Ok));
    }

    #[tokio::test]
    async fn unguarded_index_past_the_descriptors_is_internal() {
        // An index past the descriptors: Limitador fails such a call (it
        // unwraps the CEL error); this double answers INTERNAL.
        let limits = "- namespace: tollgate\n  max_value: 1\n  seconds: 60\n  conditions: [\"descriptors[1].model == 'big'\"]\n  variables: []\n";
        let svc = service(limits, false).await;
        let err = svc
            .answer(request(vec![descriptor(&[("model", "big")])], 1))
            .await
            .unwrap_err();
        assert_eq!(err.code(), tonic::Code::Internal);
        let r = svc
            .answer(request(
                vec![descriptor(&[]), descriptor(&[("model", "big")])],
                1,
            ))
            .await
            .unwrap();
        assert_eq!(r.overall_code, i32::from(Code::Ok));
    }

    #[tokio::test]
    async fn empty_domain_is_unknown() {
        let svc = service(LIMITS, true).await;
        let mut req = request(vec![descriptor(&[("route", "chat")])], 1);
        req.domain.clear();
        let r = svc.answer(req).await.unwrap();
        assert_eq!(r.overall_code, i32::from(Code::Unknown));
        assert!(r.statuses.is_empty());
    }
}
