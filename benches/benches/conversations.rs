//! What inspect's memo (`memo_kib`) saves in a real Envoy 1.40 (V8):
//! `cargo bench -p tollgate-benches --bench conversations` (needs the
//! modules, `scripts/build`, and Envoy, which `scripts/test` installs).
//!
//! Conversations that grow, sent in order on one connection as a chat client
//! sends them (turn `t` carries a system prompt shared by all, `t` user
//! messages and `t - 1` replies, 1,000 bytes each, every new message text
//! never sent before), through auth and inspect with the memo off, with it
//! on, and through auth alone (the baseline: what the rest of Envoy and the
//! chain cost for the same bodies). Printed: Envoy's own CPU per request
//! (all its threads, `/proc/<pid>/task/*/schedstat`) and what inspect adds
//! over the baseline, in two interleaved rounds. A benchmark, never a test.
// A benchmark measures wall time and prints its table.
#![allow(clippy::disallowed_methods, clippy::print_stdout)]

use anyhow::{bail, Context};
use tollgate_host::envoy::{Envoy, WasmFilter};
use tollgate_host::http_client::{Body, Connection};
use tollgate_host::mock_llm::MockLlm;

const TURNS: usize = 8;
const CONVERSATIONS: usize = 24;
const MESSAGE: usize = 1000;

/// Every turn of every conversation, in the order a client sends them.
fn bodies() -> Vec<Vec<u8>> {
    let all = tollgate_benches::prose(MESSAGE * (1 + CONVERSATIONS * 2 * TURNS));
    let pieces: Vec<String> = all
        .as_bytes()
        .chunks(MESSAGE)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let piece = |i: usize| pieces.get(i).cloned().unwrap_or_default();
    let mut bodies = Vec::new();
    for c in 0..CONVERSATIONS {
        let mut messages = vec![serde_json::json!({"role": "system", "content": piece(0)})];
        for t in 0..TURNS {
            let at = 1 + (c * TURNS + t) * 2;
            messages.push(serde_json::json!({"role": "user", "content": piece(at)}));
            let body = serde_json::json!({"model": "gpt-4o-mini", "messages": messages});
            bodies.push(body.to_string().into_bytes());
            messages.push(serde_json::json!({"role": "assistant", "content": piece(at + 1)}));
        }
    }
    bodies
}

/// Envoy CPU per request (µs) over `bodies` through auth and, if given,
/// inspect configured with `memo_kib`.
fn run(mock: &MockLlm, inspect: Option<u32>, bodies: &[Vec<u8>]) -> anyhow::Result<f64> {
    let dir = tollgate_host::wasm_dir();
    let auth = tollgate_tools::demo::bench_config("auth");
    let mut builder = Envoy::builder()
        .upstream(mock.addr())
        .filter(WasmFilter::new("auth", dir.join("auth.wasm"), &auth));
    if let Some(kib) = inspect {
        let config = serde_json::json!({"memo_kib": kib}).to_string();
        builder = builder.filter(WasmFilter::new(
            "inspect",
            dir.join("inspect.wasm"),
            &config,
        ));
    }
    let envoy = builder.start()?;
    let addr = envoy
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()?;
    let mut c = Connection::open(addr)?;
    let key = format!("Bearer {}", tollgate_tools::demo::DEMO_KEY);
    let headers = [
        ("content-type", "application/json"),
        ("authorization", key.as_str()),
    ];
    let mut send = |body: &[u8]| -> anyhow::Result<()> {
        let r = c.send(
            "POST",
            "/v1/chat/completions",
            &headers,
            Body::Bytes(body.to_vec()),
        )?;
        if r.status != 200 {
            bail!("status {}: {}", r.status, r.text());
        }
        Ok(())
    };
    // Warm-up: short prompts no conversation holds.
    for _ in 0..50 {
        send(br#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#)?;
    }
    let before = envoy.cpu_ns().context("Envoy's CPU time (Linux only)")?;
    for body in bodies {
        send(body)?;
    }
    let used = envoy
        .cpu_ns()
        .context("Envoy's CPU time")?
        .saturating_sub(before);
    Ok(used as f64 / 1e3 / bodies.len() as f64)
}

fn main() -> anyhow::Result<()> {
    let mock = MockLlm::start()?;
    let bodies = bodies();
    println!(
        "{CONVERSATIONS} conversations of {TURNS} turns, {MESSAGE} B a message, {} requests; Envoy CPU per request",
        bodies.len()
    );
    println!(
        "{:<7} {:>12} {:>12} {:>12} {:>14} {:>13} {:>7}",
        "round", "auth alone", "memo off", "memo on", "inspect off", "inspect on", "ratio"
    );
    for round in 1..=2 {
        let base = run(&mock, None, &bodies)?;
        let off = run(&mock, Some(0), &bodies)?;
        let on = run(&mock, Some(2048), &bodies)?;
        println!(
            "{round:<7} {base:>10.1}us {off:>10.1}us {on:>10.1}us {:>12.1}us {:>11.1}us {:>7.2}",
            off - base,
            on - base,
            (on - base) / (off - base)
        );
    }
    println!("(inspect off/on: what inspect adds over auth alone, memo off and on)");
    Ok(())
}
