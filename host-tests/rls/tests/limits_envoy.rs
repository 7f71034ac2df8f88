//! Issue 19: mesh-wide limits as a production rate-limit service counts
//! them. Envoy 1.40 with `throttle` in front of the test RLS server (a TEST
//! DOUBLE of Limitador: first-hit windows, no statuses, draft-03 headers
//! when asked, and each of Limitador's storages with its atomicity), and
//! `redis-server`:
//!
//! 1. a client that honours `retry-after-ms` after a 429 gets through on
//!    its first retry, whether the service says when its window resets
//!    (draft-03 headers) or not (`rls.windows`); assuming epoch-aligned
//!    windows against it (the old behaviour, now only when configured)
//!    retries into another 429;
//! 2. a parallel burst against a fresh limit, per deployment: how many
//!    pass, against the bound the README states;
//! 3. with the service not answering, the breaker opens after the
//!    configured failures and the failure mode applies without calling;
//! 4. an upstream that answers at the request headers still meets a
//!    request limit (decided before the body).
//!
//! Needs `redis-server` and the modules (`scripts/build`).

// Tests against a real Envoy run on real time.
#![allow(clippy::disallowed_methods)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{start_redis, start_rls_with, write_limits, Proc};
use serde_json::{json, Value};
use tollgate_core::config::{self, ThrottleConfig};
use tollgate_tools::envoy::{Envoy, WasmFilter};
use tollgate_tools::http_client::{self, Body};
use tollgate_tools::mock_llm::MockLlm;
use tollgate_tools::wasm_dir;

fn throttle_envoy(upstream: SocketAddr, rls: Option<SocketAddr>, throttle: &Value) -> Envoy {
    let mut builder = Envoy::builder().upstream(upstream);
    if let Some(addr) = rls {
        builder = builder.cluster("ratelimit", addr, true);
    }
    builder
        .filter(WasmFilter::new(
            "throttle",
            wasm_dir().join("throttle.wasm"),
            &throttle.to_string(),
        ))
        .start()
        .unwrap()
}

/// The double serving the Limitador limits rendered from `throttle`.
fn rls_for(throttle: &Value, redis: Option<&str>, flags: &[&str]) -> (Proc, SocketAddr) {
    let cfg: ThrottleConfig = config::parse(throttle.to_string().as_bytes()).unwrap();
    let limits = write_limits(
        &format!("limits-{}.json", rand_suffix()),
        &serde_json::to_string_pretty(&cfg.limitador_limits()).unwrap(),
    );
    let (proc, url) = start_rls_with(&limits, redis, flags);
    (proc, url.trim_start_matches("http://").parse().unwrap())
}

fn rand_suffix() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn call(envoy: &Envoy, consumer: &str) -> http_client::Response {
    http_client::request(
        "POST",
        &envoy.url("/v1/chat/completions"),
        &[
            ("content-type", "application/json"),
            ("x-tollgate-consumer", consumer),
        ],
        Body::json(&json!({"model": "gpt-4o-mini", "max_tokens": 5,
                           "messages": [{"role": "user", "content": "hi"}]})),
    )
    .unwrap()
}

fn header<'r>(r: &'r http_client::Response, name: &str) -> Option<&'r str> {
    r.headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn stat(envoy: &Envoy, name: &str) -> u64 {
    envoy.metric_sum(name, &[]).unwrap()
}

/// Sleeps until the wall clock is half-way through a second, so a first
/// hit lands there.
fn mid_second() {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_millis();
    let wait = (1500 - ms) % 1000;
    std::thread::sleep(Duration::from_millis(u64::from(wait)));
}

#[test]
fn a_client_honouring_retry_after_gets_through_on_its_first_retry() {
    let mock = MockLlm::start().unwrap();
    // (what the service says, rls.windows, whether the first retry passes)
    let cases = [
        ("draft-03 headers", "from_service", true),
        ("nothing", "first_hit", true),
        ("nothing", "from_service", true),
        // The old assumption, now only on purpose: wrong for this service.
        ("nothing", "epoch", false),
    ];
    let mut report = Vec::new();
    for (i, (says, windows, passes)) in cases.into_iter().enumerate() {
        let throttle = json!({
            "rls": {"cluster": "ratelimit", "timeout_ms": 2000, "windows": windows},
            "rules": [{"name": "mesh-rps", "store": "rls", "key": ["consumer"],
                       "limits": [{"requests": 2, "per": "second"}]}]
        });
        let flags: &[&str] = if says == "nothing" {
            &[]
        } else {
            &["--rate-limit-headers", "DRAFT_VERSION_03"]
        };
        let (_rls, addr) = rls_for(&throttle, None, flags);
        let envoy = throttle_envoy(mock.addr(), Some(addr), &throttle);
        let consumer = format!("retry-{i}");
        // The window starts at the first hit, half-way through a second:
        // an epoch-aligned reset would be half a second early.
        mid_second();
        let got: Vec<u16> = (0..3).map(|_| call(&envoy, &consumer).status).collect();
        assert_eq!(got, [200, 200, 429], "{says}/{windows}");
        let refused = call(&envoy, &consumer);
        assert_eq!(refused.status, 429);
        let wait: u64 = header(&refused, "retry-after-ms")
            .expect("retry-after-ms")
            .parse()
            .unwrap();
        let secs: u64 = header(&refused, "retry-after").unwrap().parse().unwrap();
        assert!(secs.saturating_mul(1000) >= wait, "{secs} s, {wait} ms");
        std::thread::sleep(Duration::from_millis(wait));
        let retry = call(&envoy, &consumer).status;
        report.push(format!(
            "service says {says:<16} windows {windows:<12} retry-after-ms {wait:>5} -> first retry {retry}"
        ));
        assert_eq!(retry == 200, passes, "{says}/{windows}: {report:#?}");
        if says == "nothing" && windows == "from_service" {
            assert!(stat(&envoy, "tollgate_throttle_rls_reset_unknown_total") >= 1);
        }
    }
    println!("{}", report.join("\n"));
}

/// One deployment of the rate-limit service under the burst.
struct Deployment {
    name: &'static str,
    /// `None`: in memory (one instance serves both Envoys).
    redis_mode: Option<&'static str>,
    local_cap: Option<f64>,
    /// The passes the README states, inclusive.
    bound: (usize, usize),
}

#[test]
fn a_burst_passes_within_each_deployments_stated_bound() {
    const LIMIT: usize = 10;
    const BURST: usize = 40;
    let deployments = [
        Deployment {
            name: "Limitador in memory (one instance)",
            redis_mode: None,
            local_cap: None,
            bound: (LIMIT, LIMIT),
        },
        Deployment {
            name: "check and count in one Redis script",
            redis_mode: Some("atomic"),
            local_cap: None,
            bound: (LIMIT, LIMIT),
        },
        Deployment {
            name: "Limitador redis (read, then increment)",
            redis_mode: Some("racy"),
            local_cap: None,
            bound: (LIMIT, BURST),
        },
        Deployment {
            name: "  + local_cap 1.0 (each sidecar at most the limit)",
            redis_mode: Some("racy"),
            local_cap: Some(1.0),
            bound: (LIMIT, 2 * LIMIT),
        },
        Deployment {
            name: "  + local_cap 0.5 (two sidecars)",
            redis_mode: Some("racy"),
            local_cap: Some(0.5),
            bound: (LIMIT, LIMIT),
        },
        Deployment {
            name: "Limitador redis_cached (100 ms flush)",
            redis_mode: Some("cached"),
            local_cap: None,
            bound: (LIMIT, 2 * LIMIT),
        },
    ];
    let mock = MockLlm::start().unwrap();
    let mut report = vec![format!(
        "{BURST} requests at once, half through each of two Envoys, against {LIMIT} a minute:"
    )];
    let mut failures = Vec::new();
    for (i, d) in deployments.iter().enumerate() {
        let mut rule = json!({"name": "mesh-rpm", "store": "rls", "key": ["consumer"],
                              "limits": [{"requests": LIMIT, "per": "minute"}]});
        if let Some(cap) = d.local_cap {
            rule["local_cap"] = json!(cap);
        }
        let throttle =
            json!({"rls": {"cluster": "ratelimit", "timeout_ms": 5000}, "rules": [rule]});
        let redis = d.redis_mode.map(|_| start_redis());
        let url = redis.as_ref().map(|(_, u)| u.as_str());
        let flags: Vec<&str> = d
            .redis_mode
            .map(|m| vec!["--redis-mode", m])
            .unwrap_or_default();
        let (_a, addr_a) = rls_for(&throttle, url, &flags);
        // In memory, one instance counts for both sidecars.
        let second = url.map(|u| rls_for(&throttle, Some(u), &flags));
        let addr_b = second.as_ref().map_or(addr_a, |(_, a)| *a);
        let a = throttle_envoy(mock.addr(), Some(addr_a), &throttle);
        let b = throttle_envoy(mock.addr(), Some(addr_b), &throttle);
        let consumer = format!("burst-{i}");
        let barrier = Arc::new(Barrier::new(BURST));
        let passed: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..BURST)
                .map(|n| {
                    let envoy = if n % 2 == 0 { &a } else { &b };
                    let barrier = Arc::clone(&barrier);
                    let consumer = consumer.as_str();
                    s.spawn(move || {
                        barrier.wait();
                        call(envoy, consumer).status == 200
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| usize::from(h.join().unwrap()))
                .sum()
        });
        report.push(format!(
            "  {:<50} {passed:>2} passed (stated bound {}..={})",
            d.name, d.bound.0, d.bound.1
        ));
        if !(d.bound.0..=d.bound.1).contains(&passed) {
            failures.push(format!("{}: {passed} passed", d.name));
        }
    }
    println!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{failures:?}\n{}", report.join("\n"));
}

/// A gRPC "service" that accepts connections and never answers: calls
/// wait for their timeout, as with Limitador whose Redis is gone.
fn black_hole() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            // Read and drop whatever comes; never write.
            let mut c = conn.try_clone().unwrap();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while matches!(c.read(&mut buf), Ok(n) if n > 0) {}
            });
            held.push(conn);
        }
    });
    addr
}

#[test]
fn the_breaker_fails_fast_while_the_service_does_not_answer() {
    let mock = MockLlm::start().unwrap();
    let throttle = json!({
        "rls": {"cluster": "ratelimit", "timeout_ms": 300, "on_failure": "deny",
                "breaker": {"failures": 3, "cooldown_ms": 1500}},
        "rules": [{"name": "mesh-rpm", "store": "rls", "key": ["consumer"],
                   "limits": [{"requests": 100, "per": "minute"}]}]
    });
    let envoy = throttle_envoy(mock.addr(), Some(black_hole()), &throttle);
    let mut took = Vec::new();
    for _ in 0..8 {
        let started = Instant::now();
        let r = call(&envoy, "breaker");
        took.push(started.elapsed().as_millis());
        assert_eq!(r.status, 503, "{}", String::from_utf8_lossy(&r.body));
        assert!(String::from_utf8_lossy(&r.body).contains("rate_limit_unavailable"));
    }
    println!("each request's time, ms (timeout 300, breaker after 3): {took:?}");
    // Three calls waited for their timeout; the five after them were not
    // made: the failure mode applied at once.
    assert_eq!(stat(&envoy, "tollgate_throttle_rls_calls_total"), 3);
    assert_eq!(
        stat(&envoy, "tollgate_throttle_rls_short_circuits_total"),
        5
    );
    assert_eq!(
        stat(&envoy, "tollgate_throttle_rls_breaker_opened_total"),
        1
    );
    assert_eq!(stat(&envoy, "tollgate_throttle_rls_breaker_open"), 1);
    // After the cool-down one request probes (and finds it still down):
    // the breaker opens again, the next request is not held.
    std::thread::sleep(Duration::from_millis(1600));
    assert_eq!(call(&envoy, "breaker").status, 503);
    assert_eq!(call(&envoy, "breaker").status, 503);
    assert_eq!(stat(&envoy, "tollgate_throttle_rls_calls_total"), 4);
    assert_eq!(
        stat(&envoy, "tollgate_throttle_rls_breaker_opened_total"),
        2
    );
    assert_eq!(
        stat(&envoy, "tollgate_throttle_rls_short_circuits_total"),
        6
    );
}

/// An upstream that answers as soon as it has the request headers, without
/// reading the body (a stub, a misbehaving server).
fn hasty_upstream() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                let mut buf = [0u8; 1024];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf) {
                        Ok(n) if n > 0 => seen.extend_from_slice(&buf[..n]),
                        _ => return,
                    }
                }
                let _ = conn.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
            });
        }
    });
    addr
}

/// Sends the headers and the first byte of a body that never completes;
/// the status Envoy answers with.
fn slow_body(envoy: &Envoy, consumer: &str) -> u16 {
    let mut s = TcpStream::connect(envoy.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let head = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: upstream\r\ncontent-type: application/json\r\n\
         x-tollgate-consumer: {consumer}\r\ncontent-length: 1000\r\n\r\n{{"
    );
    s.write_all(head.as_bytes()).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(n) if n > 0 => got.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&got);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn an_upstream_answering_at_the_headers_still_meets_the_request_limit() {
    let upstream = hasty_upstream();
    // A token limit makes the filter read bodies; the request limit needs
    // none and is decided at the headers, locally and by the service.
    for store in ["local", "rls"] {
        let throttle = json!({
            "rls": {"cluster": "ratelimit", "timeout_ms": 2000},
            "rules": [
                {"name": "rpm", "store": store, "key": ["consumer"],
                 "limits": [{"requests": 2, "per": "minute"}]},
                {"name": "tpm", "key": ["consumer"], "limits": [{"tokens": 100000, "per": "minute"}]}
            ]
        });
        let rls = (store == "rls").then(|| rls_for(&throttle, None, &[]));
        let envoy = throttle_envoy(upstream, rls.as_ref().map(|(_, a)| *a), &throttle);
        let consumer = format!("hasty-{store}");
        let got: Vec<u16> = (0..3).map(|_| slow_body(&envoy, &consumer)).collect();
        assert_eq!(got, [200, 200, 429], "{store}");
    }
}
