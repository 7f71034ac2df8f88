//! **A TEST DOUBLE** of a production rate-limit service, for testing
//! Tollgate's `throttle` filter: Envoy's rate-limit service protocol (RLS v3,
//! `envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit`) over gRPC,
//! with the counters held by the [`limitador`] crate (the engine Kuadrant's
//! Limitador server runs), in Redis (shared between instances) or in memory.
//!
//! It is not a product and is not hardened: it exists so that tests talk to
//! the same protocol, the same limits file format and the same counting
//! engine a mesh would run in production (Limitador), without a container.
//!
//! # What it does like `limitador-server`
//! - The limits file is Limitador's `LIMITS_FILE`: a YAML (or JSON) list of
//!   limits with `namespace`, `max_value`, `seconds`, `conditions`,
//!   `variables` and optional `name`, read with `serde_yaml` into
//!   [`limitador::limit::Limit`] exactly as `limitador-server` reads it.
//! - The request's `domain` is the limit's `namespace`; an empty domain
//!   answers `UNKNOWN` with nothing else.
//! - The descriptors become the CEL list `descriptors`: descriptor `i` is a
//!   map from each entry's key to its value, so a condition reads
//!   `descriptors[0]['tenant'] == 'acme'` (or `descriptors[0].tenant` when the
//!   key is an identifier) and a variable reads `descriptors[0]['tenant']`.
//!   A missing key makes a condition false and a limit with that variable
//!   not apply. An index past the request's descriptors is different:
//!   limitador unwraps the CEL error (`IndexOutOfBounds`) and panics, so a
//!   limit on `descriptors[1]` must be guarded in one condition,
//!   `size(descriptors) > 1 && descriptors[1].model == 'big'`, when requests
//!   may carry fewer descriptors. This double answers such a panic with gRPC
//!   `INTERNAL` instead of dropping the connection.
//! - `hits_addend` 0 counts as 1; the check and the count are one
//!   `check_rate_limited_and_update` (nothing is counted when any limit
//!   would be exceeded).
//! - A storage error answers gRPC `UNAVAILABLE`.
//! - With `rate_limit_headers` on (`--rate-limit-headers DRAFT_VERSION_03`,
//!   the same flag name as Limitador's) the response carries
//!   `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
//!   built by the limitador crate itself.
//!
//! # What it does beyond `limitador-server`
//! `limitador-server` leaves `statuses` empty. This double fills one status
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

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
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
use limitador::counter::Counter;
use limitador::limit::{Context, Limit};
use limitador::storage::redis::AsyncRedisStorage;
use limitador::{AsyncRateLimiter, CheckResult, RateLimiter};
use tonic::{Request, Response, Status};

/// The counting engine: limitador's in-memory (blocking) limiter, or its
/// async limiter over Redis, as `limitador-server` chooses between them.
pub enum Limiter {
    /// Counters in this process's memory.
    InMemory(RateLimiter),
    /// Counters in Redis, shared by every instance that uses the same Redis.
    Redis(AsyncRateLimiter),
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::InMemory(_) => "Limiter::InMemory",
            Self::Redis(_) => "Limiter::Redis",
        })
    }
}

impl Limiter {
    /// A limiter over Redis at `redis_url` (`AsyncRedisStorage`, the storage
    /// `limitador-server` uses for Redis without a local cache, so every
    /// call reads and writes Redis), or in memory when `None`.
    pub async fn new(redis_url: Option<&str>) -> Result<Self, String> {
        match redis_url {
            None => Ok(Self::InMemory(RateLimiter::new(10_000))),
            Some(url) => {
                let storage = AsyncRedisStorage::new(url)
                    .await
                    .map_err(|e| format!("redis {url}: {e}"))?;
                Ok(Self::Redis(AsyncRateLimiter::new_with_storage(Box::new(
                    storage,
                ))))
            }
        }
    }

    /// Replaces the limits with `limits` (Limitador's `configure_with`).
    pub async fn configure_with(&self, limits: Vec<Limit>) -> Result<(), String> {
        match self {
            Self::InMemory(l) => l.configure_with(limits),
            Self::Redis(l) => l.configure_with(limits).await,
        }
        .map_err(|e| e.to_string())
    }

    async fn check_rate_limited_and_update(
        &self,
        namespace: &str,
        ctx: &Context<'_>,
        delta: u64,
    ) -> Result<CheckResult, String> {
        let namespace = namespace.into();
        match self {
            Self::InMemory(l) => l.check_rate_limited_and_update(&namespace, ctx, delta),
            Self::Redis(l) => {
                l.check_rate_limited_and_update(&namespace, ctx, delta)
                    .await
            }
        }
        .map_err(|e| e.to_string())
    }
}

/// Reads a Limitador limits file (YAML, or JSON, which YAML reads too).
pub fn load_limits(path: &Path) -> Result<Vec<Limit>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_limits(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses the text of a Limitador limits file.
pub fn parse_limits(text: &str) -> Result<Vec<Limit>, String> {
    serde_yaml::from_str(text).map_err(|e| e.to_string())
}

/// The gRPC service: `ShouldRateLimit` over a [`Limiter`].
#[derive(Debug, Clone)]
pub struct RlsService {
    limiter: Arc<Limiter>,
    rate_limit_headers: bool,
}

impl RlsService {
    /// A service over `limiter`; `rate_limit_headers` adds Limitador's
    /// draft-03 `X-RateLimit-*` response headers.
    pub fn new(limiter: Arc<Limiter>, rate_limit_headers: bool) -> Self {
        Self {
            limiter,
            rate_limit_headers,
        }
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

        // limitador unwraps a condition's evaluation error (for example a
        // comparison of mismatched types): run the check on its own task so
        // that a panic answers INTERNAL instead of dropping the connection.
        let limiter = Arc::clone(&self.limiter);
        let domain = req.domain.clone();
        let checked = tokio::spawn(async move {
            let mut ctx = Context::default();
            ctx.list_binding("descriptors".to_string(), values);
            limiter
                .check_rate_limited_and_update(&domain, &ctx, delta)
                .await
        })
        .await;
        let mut result = match checked {
            Ok(Ok(result)) => result,
            Ok(Err(e)) => return Err(Status::unavailable(format!("limiter: {e}"))),
            Err(e) => return Err(Status::internal(format!("limiter panicked: {e}"))),
        };

        let statuses = statuses(&result, req.descriptors.len(), delta);
        let code = if result.limited {
            Code::OverLimit
        } else {
            Code::Ok
        };
        let headers = if self.rate_limit_headers {
            header_values(&mut result)
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

fn header_values(result: &mut CheckResult) -> Vec<HeaderValue> {
    let mut headers: Vec<HeaderValue> = result
        .response_header()
        .into_iter()
        .map(|(key, value)| HeaderValue {
            key,
            value,
            ..HeaderValue::default()
        })
        .collect();
    headers.sort_by(|a, b| a.key.cmp(&b.key));
    headers
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
            let over = result.limited && c.remaining().unwrap_or_else(|| c.max_value()) < delta;
            (c, descriptor_indices(c.limit()), over)
        })
        .collect();
    (0..descriptors)
        .map(|i| {
            let mine = counters
                .iter()
                .filter(|(_, indices, _)| indices.is_empty() || indices.contains(&i));
            let chosen = mine.min_by_key(|(c, _, over)| {
                (!*over, c.remaining().unwrap_or_else(|| c.max_value()))
            });
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
                        unit: unit_of(c.limit().seconds()).into(),
                    }),
                    limit_remaining: u32::try_from(c.remaining().unwrap_or_else(|| c.max_value()))
                        .unwrap_or(u32::MAX),
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
        assert_eq!(limits[0].max_value(), 3);
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
        // limitador unwraps the CEL error IndexOutOfBounds: Limitador itself
        // fails such a call; this double answers INTERNAL.
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
