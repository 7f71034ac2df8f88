//! Mesh-wide limits: **two Envoy processes**, each with `throttle` and its
//! own instance of the test RLS server (a TEST DOUBLE of Limitador, written
//! here: its limits file and fixed-window counting), both instances keeping
//! their counters in one
//! `redis-server`. A limit counted through one Envoy is spent in the other:
//! the two sidecars share it. The RLS limits are the ones
//! `ThrottleConfig::limitador_limits` renders from the filter's own
//! configuration (`scripts/rls-limits`), read as Limitador's limits file.
//!
//! Needs `redis-server` (Debian package) and the modules (`scripts/build`).

// Tests against a real Envoy run on real time.
#![allow(clippy::disallowed_methods)]

mod common;

use std::net::SocketAddr;

use common::{start_redis, start_rls, write_limits};
use serde_json::json;
use tollgate_core::config::{self, ThrottleConfig};
use tollgate_tools::envoy::{Envoy, WasmFilter};
use tollgate_tools::http_client::{self, Body};
use tollgate_tools::mock_llm::MockLlm;
use tollgate_tools::wasm_dir;

fn chat(envoy: &Envoy, consumer: &str, max_tokens: u64) -> http_client::Response {
    let body = json!({"model": "gpt-4o-mini", "max_tokens": max_tokens,
                      "messages": [{"role": "user", "content": "hello"}]});
    http_client::request(
        "POST",
        &envoy.url("/v1/chat/completions"),
        &[
            ("content-type", "application/json"),
            ("x-tollgate-consumer", consumer),
        ],
        Body::json(&body),
    )
    .unwrap()
}

fn header<'r>(r: &'r http_client::Response, name: &str) -> Option<&'r str> {
    r.headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn two_envoys_share_one_limit_through_the_rate_limit_service() {
    let throttle = json!({
        "rls": {"cluster": "ratelimit", "domain": "tollgate", "timeout_ms": 2000, "on_failure": "deny"},
        "rules": [
            {"name": "mesh-rpm", "store": "rls", "match": {"consumers": ["team-a"]}, "key": ["consumer"],
             "limits": [{"requests": 4, "per": "minute"}]},
            {"name": "mesh-tpm", "store": "rls", "match": {"consumers": ["team-t"]}, "key": ["consumer"],
             "limits": [{"tokens": 300, "per": "minute"}]}
        ]
    });
    let cfg: ThrottleConfig = config::parse(throttle.to_string().as_bytes()).unwrap();
    let limits = write_limits(
        "mesh.json",
        &serde_json::to_string_pretty(&cfg.limitador_limits()).unwrap(),
    );
    let (_redis, redis_url) = start_redis();
    let (_rls_a, url_a) = start_rls(&limits, Some(&redis_url));
    let (_rls_b, url_b) = start_rls(&limits, Some(&redis_url));
    let mock = MockLlm::start().unwrap();
    let envoy = |rls_url: &str| {
        let addr: SocketAddr = rls_url.trim_start_matches("http://").parse().unwrap();
        Envoy::builder()
            .upstream(mock.addr())
            .cluster("ratelimit", addr, true)
            .filter(WasmFilter::new(
                "throttle",
                wasm_dir().join("throttle.wasm"),
                &throttle.to_string(),
            ))
            .start()
            .unwrap()
    };
    let a = envoy(&url_a);
    let b = envoy(&url_b);

    // Four requests a minute for team-a, whichever sidecar they pass.
    let mut seen = Vec::new();
    for (i, e) in [&a, &b, &a, &b, &a, &b].into_iter().enumerate() {
        let r = chat(e, "team-a", 10);
        seen.push((
            r.status,
            header(&r, "x-ratelimit-remaining-requests").map(str::to_owned),
        ));
        if i >= 4 {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(body["error"]["code"], "rate_limit_exceeded", "{body}");
            let retry: u64 = header(&r, "retry-after").unwrap().parse().unwrap();
            assert!((1..=60).contains(&retry));
        }
    }
    let statuses: Vec<u16> = seen.iter().map(|(s, _)| *s).collect();
    assert_eq!(statuses, [200, 200, 200, 200, 429, 429], "{seen:?}");
    let remaining: Vec<Option<String>> = seen.iter().take(4).map(|(_, r)| r.clone()).collect();
    assert_eq!(
        remaining,
        ["3", "2", "1", "0"].map(|s| Some(s.to_owned())),
        "the count runs down across both Envoys"
    );

    // Tokens: each request reserves its prompt (~8 tokens) and max_tokens
    // 100 in the shared 300 a minute; the third does not fit, on either.
    let r1 = chat(&a, "team-t", 100);
    let r2 = chat(&b, "team-t", 100);
    let r3 = chat(&a, "team-t", 100);
    let r4 = chat(&b, "team-t", 100);
    assert_eq!(
        [r1.status, r2.status, r3.status, r4.status],
        [200, 200, 429, 429]
    );
    let body: serde_json::Value = serde_json::from_slice(&r4.body).unwrap();
    assert_eq!(body["error"]["code"], "tokens_limit_exceeded", "{body}");
    assert_eq!(body["error"]["type"], "tokens");

    for e in [&a, &b] {
        let stats = e.stats().unwrap();
        assert!(
            stats.contains("wasmcustom.tollgate_throttle_rls_over_limit_total: 2"),
            "{stats}"
        );
        assert!(
            stats.contains("wasmcustom.tollgate_throttle_rls_errors_total: 0"),
            "{stats}"
        );
    }
    // Refused requests never reached the upstream: 4 + 2 did.
    assert_eq!(mock.requests().len(), 6);
}

/// The combined module (`filters/combined`) in Envoy with a rate-limit
/// service: throttle holds the request for the service's answer, and when
/// it resumes, the module carries the request on through inspect (which
/// redacts the prompt's key) before Envoy forwards it. Without that carry
/// the request would go upstream unread by inspect.
#[test]
fn a_request_held_for_the_rate_limit_service_still_passes_inspect_in_the_combined_module() {
    const AWS_KEY: &str = "AKIAQYLPMN5HHHFPZAM2";
    let throttle = json!({
        "rls": {"cluster": "ratelimit", "domain": "tollgate", "timeout_ms": 2000, "on_failure": "deny"},
        "rules": [{"name": "mesh-rpm", "store": "rls", "key": ["consumer"],
                   "limits": [{"requests": 2, "per": "minute"}]}]
    });
    let cfg: ThrottleConfig = config::parse(throttle.to_string().as_bytes()).unwrap();
    let limits = write_limits(
        "combined.json",
        &serde_json::to_string_pretty(&cfg.limitador_limits()).unwrap(),
    );
    let (_rls, url) = start_rls(&limits, None);
    let mock = MockLlm::start().unwrap();
    let addr: SocketAddr = url.trim_start_matches("http://").parse().unwrap();
    let envoy = Envoy::builder()
        .upstream(mock.addr())
        .cluster("ratelimit", addr, true)
        .filter(WasmFilter::combined(
            &json!({"anonymous": "team-a"}),
            &throttle,
            &json!({}),
        ))
        .start()
        .unwrap();
    let send = || {
        let body = json!({"model": "gpt-4o-mini", "max_tokens": 10,
            "messages": [{"role": "user", "content": format!("deploy with {AWS_KEY} please")}]});
        http_client::request(
            "POST",
            &envoy.url("/v1/chat/completions"),
            &[("content-type", "application/json")],
            Body::json(&body),
        )
        .unwrap()
    };
    let r = send();
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(header(&r, "x-ratelimit-remaining-requests"), Some("1"));
    let seen = mock.last_request().unwrap();
    let text = String::from_utf8_lossy(&seen.body).into_owned();
    assert!(
        !text.contains(AWS_KEY) && text.contains("[REDACTED:aws_access_key]"),
        "{text}"
    );
    assert_eq!(send().status, 200);
    assert_eq!(send().status, 429, "the service's limit holds");
}
