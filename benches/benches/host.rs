//! Per-request cost of each filter inside tollgate-host, as a ratio to the
//! fixture filter's pass-through measured in the same run. Needs the modules
//! (`scripts/build`). Speed here is wasmtime's, not V8's: read the ratios.
// A benchmark measures wall time; the no-std-clock rule is for filter code.
#![allow(clippy::disallowed_methods)]

use std::time::Instant;

use tollgate_host::{Host, Module, Request, Response};

const ITERS: u32 = 2_000;

fn per_request(name: &str, body: &str) -> anyhow::Result<f64> {
    let module = Module::named(name)?;
    let mut host = Host::builder(&module).configuration("{}").build()?;
    let run = |host: &mut Host| {
        let mut s = host.stream();
        s.send_request(
            Request::post("/v1/chat/completions")
                .header("content-type", "application/json")
                .body(body.to_string()),
        );
        s.send_response(Response::ok().body("{}"));
    };
    for _ in 0..200 {
        run(&mut host);
    }
    let start = Instant::now();
    for _ in 0..ITERS {
        run(&mut host);
    }
    Ok(start.elapsed().as_secs_f64() * 1e6 / f64::from(ITERS))
}

fn main() -> anyhow::Result<()> {
    let content = "x".repeat(4000);
    let body = serde_json::json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": content}]})
        .to_string();
    let baseline = per_request("fixture", &body)?;
    println!("{:<10} {:>12} {:>8}", "filter", "us/request", "ratio");
    println!(
        "{:<10} {:>12.2} {:>8.2}  (baseline: fixture pass-through)",
        "fixture", baseline, 1.0
    );
    for f in ["auth", "throttle", "inspect"] {
        let t = per_request(f, &body)?;
        println!("{f:<10} {t:>12.2} {:>8.2}", t / baseline);
    }
    Ok(())
}
