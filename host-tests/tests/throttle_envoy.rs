//! `throttle` end to end in a real Envoy 1.40 (V8), in front of the mock LLM
//! (a test double), with the official `openai` Python SDK as the client:
//! a token limit holds across streamed and non-streamed calls (the SDK
//! raises `RateLimitError`), and the SDK's own retry waits as `retry-after`
//! says and then succeeds.

// Tests against a real Envoy run on real time.
#![allow(clippy::disallowed_methods)]

use std::process::Command;

use serde_json::{json, Value};
use tollgate_host::envoy::{Envoy, WasmFilter};
use tollgate_host::mock_llm::MockLlm;
use tollgate_host::wasm_dir;

/// throttle with `config`, alone, or with `Some(consumers)` as the
/// combined module (`filters/combined`) with auth in front giving each
/// consumer the API key `sk-<consumer>`.
fn throttle_filter(config: &Value, consumers: Option<&[&str]>) -> WasmFilter {
    let Some(consumers) = consumers else {
        return WasmFilter::new(
            "throttle",
            wasm_dir().join("throttle.wasm"),
            &config.to_string(),
        );
    };
    let keys: Vec<Value> = consumers
        .iter()
        .map(|c| json!({"id": c, "sha256": tollgate_host::key_sha256(&format!("sk-{c}")), "consumer": c}))
        .collect();
    let named: serde_json::Map<String, Value> = consumers
        .iter()
        .map(|c| (c.to_string(), json!({})))
        .collect();
    let auth = json!({"api_keys": {"keys": keys}, "consumers": named});
    WasmFilter::combined(&auth, config, &json!({}))
}

/// Runs a scenario of host-tests/e2e/throttle_sdk.py; `key_per_consumer`
/// when auth is in front (the combined module).
fn sdk(envoy: &Envoy, scenario: &str, consumer: &str, key_per_consumer: bool) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/e2e/throttle_sdk.py");
    let mut command = Command::new("python3");
    if key_per_consumer {
        command.env("TOLLGATE_KEY_PER_CONSUMER", "1");
    }
    let out = command
        .args([script, &envoy.url(""), scenario, consumer])
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the SDK script failed (pip install openai?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn token_limits_and_retries_through_envoy_with_the_openai_sdk() {
    token_limits_and_retries_as(false);
}

/// The same through the combined module (`filters/combined`), auth in
/// front giving each consumer its key: throttle's stream rewrites
/// (`include_usage` asked for, its event removed) pass between filters of
/// one VM.
#[test]
fn token_limits_and_retries_through_the_combined_module() {
    token_limits_and_retries_as(true);
}

fn token_limits_and_retries_as(combined: bool) {
    // Per day, so that no window edge falls inside the test.
    let config = json!({"rules": [
        {"name": "tpd", "match": {"consumers": ["drain"]}, "key": ["consumer"],
         "limits": [{"tokens": 400, "per": "day"}]},
        {"name": "rps", "match": {"consumers": ["retry"]}, "key": ["consumer"],
         "limits": [{"requests": 1, "per": "second"}]}
    ]});
    let filter = throttle_filter(&config, combined.then_some(&["drain", "retry"][..]));
    let mock = MockLlm::start().unwrap();
    let envoy = Envoy::builder()
        .upstream(mock.addr())
        .concurrency(2)
        .filter(filter)
        .start()
        .unwrap();

    // Every call reserves its prompt estimate (9 tokens) and max_tokens 50;
    // the mock reports what its reply used, and the stats below are what
    // Envoy charged.
    let r = sdk(&envoy, "drain", "drain", combined);
    let calls = r["calls"].as_array().unwrap();
    assert!(calls.len() >= 3, "{r}");
    assert!(
        calls.iter().any(|c| c["stream"] == true) && calls.iter().any(|c| c["stream"] == false)
    );
    for c in calls {
        assert!(!c["text"].as_str().unwrap().is_empty(), "{r}");
        assert!(
            c["remaining_tokens"]
                .as_str()
                .unwrap()
                .parse::<u64>()
                .unwrap()
                < 400
        );
    }
    let e = &r["error"];
    assert_eq!(e["exception"], "RateLimitError", "{r}");
    assert_eq!(e["status"], 429);
    assert_eq!(e["body"]["code"], "tokens_limit_exceeded");
    assert!(e["retry_after"].as_str().unwrap().parse::<u64>().unwrap() > 0);
    let stats = envoy.stats().unwrap();
    let metric = |name: &str, labels: &[(&str, &str)]| envoy.metric_sum(name, labels).unwrap();
    let stat = |name: &str| metric(name, &[]);
    let limited = || {
        metric(
            "tollgate_throttle_decisions_total",
            &[("outcome", "limited")],
        )
    };
    // Both token types, every consumer and model.
    let used = metric("tollgate_gen_ai_client_token_usage_total", &[]);
    // The streamed calls were charged the upstream's own count (asked for
    // with include_usage, the extra event removed), not an estimate.
    assert_eq!(
        stat("tollgate_throttle_usage_estimated_total"),
        0,
        "{stats}"
    );
    assert!(used > 0 && used <= 400, "charged {used} of 400: {stats}");
    // The refused call would not have fitted: what was left was less than
    // its reservation.
    let left: u64 = e["remaining_tokens"].as_str().unwrap().parse().unwrap();
    assert_eq!(left, 400 - used);
    assert!(left < 50 + 9, "{r}");
    assert_eq!(limited(), 1);

    // One request a second, three calls, the SDK's default retries: each
    // refusal is retried after retry-after and then succeeds.
    mock.clear_requests();
    let before = limited();
    let r = sdk(&envoy, "retry", "retry", combined);
    assert!(r.get("error").is_none(), "{r}");
    let calls = r["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 3);
    let retries: u64 = calls
        .iter()
        .map(|c| c["retries_taken"].as_u64().unwrap())
        .sum();
    assert!(retries >= 1, "{r}");
    for c in calls
        .iter()
        .filter(|c| c["retries_taken"].as_u64() > Some(0))
    {
        // The SDK waited for the next second, as retry-after-ms said, not
        // its own exponential backoff from 0.5 s.
        assert!(c["seconds"].as_f64().unwrap() <= 1.5, "{r}");
    }
    let after = limited();
    assert_eq!(after - before, retries, "every retry followed one 429");
    assert_eq!(
        mock.requests().len(),
        3,
        "refused calls never reached the upstream"
    );
}

#[test]
fn parallel_workers_lose_no_update_in_shared_data() {
    parallel_workers_as(false);
}

/// The same through the combined module, auth in front (its key is the
/// consumer's): one VM per worker still shares throttle's counters.
#[test]
fn parallel_workers_lose_no_update_through_the_combined_module() {
    parallel_workers_as(true);
}

fn parallel_workers_as(combined: bool) {
    // Two Envoy workers run their VMs on two threads at once: their
    // compare-and-swaps on the one counter race. Of 240 requests sent by 8
    // clients in parallel against a limit of 100, exactly 100 pass.
    let config = json!({"rules": [{"name": "exact", "key": ["consumer"],
                                   "limits": [{"requests": 100, "per": "day"}]}]});
    let filter = throttle_filter(&config, combined.then_some(&["racer"][..]));
    let mock = MockLlm::start().unwrap();
    let envoy = Envoy::builder()
        .upstream(mock.addr())
        .concurrency(2)
        .filter(filter)
        .start()
        .unwrap();
    let url = envoy.url("/v1/chat/completions");
    let body = json!({"model": "gpt-4o-mini", "max_tokens": 5,
                      "messages": [{"role": "user", "content": "hi"}]});
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let url = url.clone();
            let body = body.clone();
            std::thread::spawn(move || {
                let mut ok = 0;
                for _ in 0..30 {
                    let r = tollgate_host::http_client::request(
                        "POST",
                        &url,
                        &[
                            ("content-type", "application/json"),
                            ("x-tollgate-consumer", "racer"),
                            ("authorization", "Bearer sk-racer"),
                        ],
                        tollgate_host::http_client::Body::json(&body),
                    )
                    .unwrap();
                    assert!(r.status == 200 || r.status == 429, "{}", r.status);
                    ok += usize::from(r.status == 200);
                }
                ok
            })
        })
        .collect();
    let admitted: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(admitted, 100);
    let decisions = |outcome: &str| {
        envoy
            .metric_sum("tollgate_throttle_decisions_total", &[("outcome", outcome)])
            .unwrap()
    };
    assert_eq!(decisions("admitted"), 100);
    assert_eq!(decisions("limited"), 140);
}
