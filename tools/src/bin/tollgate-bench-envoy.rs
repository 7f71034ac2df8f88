//! `tollgate-bench-envoy`: a load benchmark of Envoy without filters (the
//! baseline) and with Tollgate's filters, in the same run, against the same
//! mock upstream. Prints latency percentiles and throughput for each and the
//! filtered/baseline ratios. A benchmark, not a test: it never fails on speed.
//! Normally started through `scripts/bench-envoy`, which builds the filters.

// A command-line tool: printing is its job, and it measures with the real clock.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

use anyhow::{bail, Context, Result};
use serde_json::json;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tollgate_tools::envoy::{Envoy, WasmFilter};
use tollgate_tools::http_client::{Body, Connection};
use tollgate_tools::mock_llm::MockLlm;

const USAGE: &str = "\
usage: scripts/bench-envoy [options]

Load-tests Envoy without filters (baseline) and with Tollgate's filters, same
run, same mock upstream, over loopback; prints p50/p90/p99 latency, throughput
and the filtered/baseline ratios.

options:
  --connections N   concurrent keep-alive connections (default 8, max 256)
  --requests N      measured requests per scenario (default 5000, max 1000000)
  --warmup N        unmeasured requests per scenario first (default 500)
  --body-bytes N    request body size, padded chat completion (default 1024)
  --stream          ask for streamed (SSE) replies
  --filters LIST    filters of the filtered scenario (default auth,throttle,inspect)
  --config-dir DIR  filter configuration from DIR/<filter>.json (default: the
                    demo consumer for auth, `{}` for the others)
  --wasm-dir DIR    where the .wasm files are (default target/tollgate-wasm)
  --concurrency N   Envoy worker threads (default 1)
  -h, --help        this text
";

struct Args {
    connections: usize,
    requests: usize,
    warmup: usize,
    body_bytes: usize,
    stream: bool,
    filters: Vec<String>,
    config_dir: Option<PathBuf>,
    wasm_dir: PathBuf,
    concurrency: u32,
}

fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        connections: 8,
        requests: 5000,
        warmup: 500,
        body_bytes: 1024,
        stream: false,
        filters: vec!["auth".into(), "throttle".into(), "inspect".into()],
        config_dir: None,
        wasm_dir: repo_root().join("target/tollgate-wasm"),
        concurrency: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String> {
            match inline.clone().or_else(|| it.next()) {
                Some(v) => Ok(v),
                None => bail!("{name} needs a value\n\n{USAGE}"),
            }
        };
        let mut number = |name: &str| -> Result<usize> {
            value(name)?
                .parse()
                .with_context(|| format!("{name}: expected a number"))
        };
        match flag.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            "--connections" => args.connections = number("--connections")?,
            "--requests" => args.requests = number("--requests")?,
            "--warmup" => args.warmup = number("--warmup")?,
            "--body-bytes" => args.body_bytes = number("--body-bytes")?,
            "--concurrency" => {
                args.concurrency =
                    u32::try_from(number("--concurrency")?).context("--concurrency: too large")?
            }
            "--stream" => args.stream = true,
            "--filters" => {
                args.filters = value("--filters")?
                    .split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .map(String::from)
                    .collect()
            }
            "--config-dir" => args.config_dir = Some(PathBuf::from(value("--config-dir")?)),
            "--wasm-dir" => args.wasm_dir = PathBuf::from(value("--wasm-dir")?),
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    if !(1..=256).contains(&args.connections) {
        bail!("--connections must be 1..=256");
    }
    if !(1..=1_000_000).contains(&args.requests) || args.warmup > 1_000_000 {
        bail!("--requests must be 1..=1000000 and --warmup at most 1000000");
    }
    if args.body_bytes > 64 * 1024 * 1024 {
        bail!("--body-bytes must be at most 64 MiB");
    }
    if args.filters.is_empty() {
        bail!("--filters: name at least one filter (the baseline has none)");
    }
    Ok(args)
}

/// A chat completion request padded to about `bytes` bytes.
fn request_body(bytes: usize, stream: bool) -> Vec<u8> {
    let make = |content: &str| {
        json!({
            "model": "gpt-4o-mini",
            "stream": stream,
            "messages": [
                {"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": content},
            ],
        })
        .to_string()
        .into_bytes()
    };
    let empty = make("").len();
    let words = "the quick brown fox jumps over the lazy dog ";
    let content: String = words
        .chars()
        .cycle()
        .take(bytes.saturating_sub(empty))
        .collect();
    make(&content)
}

/// Latencies and wall time of one scenario.
struct Measurement {
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
    wall: Duration,
}

impl Measurement {
    fn percentile(&self, p: f64) -> Duration {
        // Nearest rank over sorted latencies.
        let n = self.latencies.len();
        if n == 0 {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        let i = rank.clamp(1, n) - 1;
        self.latencies.get(i).copied().unwrap_or_default()
    }

    fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64().max(1e-9)
    }
}

/// Sends `total` requests over `connections` keep-alive connections.
fn load(addr: SocketAddr, connections: usize, total: usize, body: &Arc<Vec<u8>>) -> Measurement {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let next = Arc::clone(&next);
            let body = Arc::clone(body);
            std::thread::spawn(move || {
                // The demo consumer's key (auth's default demo configuration);
                // ignored when auth is not in the chain.
                let auth_header = format!("Bearer {}", tollgate_tools::demo::DEMO_KEY);
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                let mut first_error = None;
                let mut conn: Option<Connection> = None;
                while next.fetch_add(1, Ordering::Relaxed) < total {
                    let c = match conn.take().filter(|c| !c.is_closed()) {
                        Some(c) => Ok(c),
                        None => Connection::open(addr),
                    };
                    let mut c = match c {
                        Ok(c) => c,
                        Err(e) => {
                            errors += 1;
                            first_error.get_or_insert_with(|| format!("{e:#}"));
                            continue;
                        }
                    };
                    let sent = Instant::now();
                    let resp = c.send(
                        "POST",
                        "/v1/chat/completions",
                        &[
                            ("content-type", "application/json"),
                            ("authorization", &auth_header),
                        ],
                        Body::Bytes(body.to_vec()),
                    );
                    let took = sent.elapsed();
                    match resp {
                        Ok(r) if r.status == 200 => {
                            latencies.push(took);
                            conn = Some(c);
                        }
                        Ok(r) => {
                            errors += 1;
                            first_error.get_or_insert_with(|| {
                                format!("status {}: {}", r.status, r.text())
                            });
                            conn = Some(c);
                        }
                        Err(e) => {
                            errors += 1;
                            first_error.get_or_insert_with(|| format!("{e:#}"));
                        }
                    }
                }
                (latencies, errors, first_error)
            })
        })
        .collect();
    let mut m = Measurement {
        latencies: Vec::with_capacity(total),
        errors: 0,
        first_error: None,
        wall: Duration::ZERO,
    };
    for w in workers {
        match w.join() {
            Ok((l, e, f)) => {
                m.latencies.extend(l);
                m.errors += e;
                if m.first_error.is_none() {
                    m.first_error = f;
                }
            }
            Err(_) => {
                m.errors += 1;
                m.first_error
                    .get_or_insert_with(|| "a load thread panicked".into());
            }
        }
    }
    m.wall = started.elapsed();
    m.latencies.sort();
    m
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn report(name: &str, m: &Measurement) {
    println!(
        "{name:<32} {:>8} {:>7} {:>10.0} {:>11} {:>11} {:>11}",
        m.latencies.len(),
        m.errors,
        m.throughput(),
        ms(m.percentile(50.0)),
        ms(m.percentile(90.0)),
        ms(m.percentile(99.0)),
    );
    if let Some(e) = &m.first_error {
        println!("  first error: {e}");
    }
}

fn run_scenario(name: &str, envoy: &Envoy, args: &Args, body: &Arc<Vec<u8>>) -> Measurement {
    eprintln!("{name}: warming up ({} requests)...", args.warmup);
    if args.warmup > 0 {
        let _ = load(envoy.addr(), args.connections, args.warmup, body);
    }
    eprintln!("{name}: measuring ({} requests)...", args.requests);
    load(envoy.addr(), args.connections, args.requests, body)
}

fn main() {
    if let Err(e) = run() {
        eprintln!("tollgate-bench-envoy: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args = parse_args()?;
    let mut filtered = Envoy::builder();
    for name in &args.filters {
        let wasm = args.wasm_dir.join(format!("{name}.wasm"));
        if !wasm.is_file() {
            bail!(
                "{} does not exist: build the filters with scripts/build",
                wasm.display()
            );
        }
        let configuration = match &args.config_dir {
            None => tollgate_tools::demo::bench_config(name),
            Some(dir) => std::fs::read_to_string(dir.join(format!("{name}.json")))
                .with_context(|| format!("reading {name}.json in {}", dir.display()))?,
        };
        filtered = filtered.filter(WasmFilter::new(name, wasm, &configuration));
    }
    let mock = MockLlm::start()?;
    mock.set_recording(false);
    let baseline = Envoy::builder()
        .upstream(mock.addr())
        .concurrency(args.concurrency)
        .log_level("warning")
        .start()
        .context("starting the baseline Envoy")?;
    let filtered = filtered
        .upstream(mock.addr())
        .concurrency(args.concurrency)
        .log_level("warning")
        .start()
        .context("starting the filtered Envoy")?;
    let body = Arc::new(request_body(args.body_bytes, args.stream));
    println!(
        "Envoy {} worker(s), {} connections, {} requests (+{} warm-up) per scenario, {}-byte {} chat completions\n",
        args.concurrency,
        args.connections,
        args.requests,
        args.warmup,
        body.len(),
        if args.stream { "streamed" } else { "JSON" }
    );
    let filtered_name = format!("filters {}", args.filters.join(","));
    let base = run_scenario("baseline (no filters)", &baseline, &args, &body);
    let with = run_scenario(&filtered_name, &filtered, &args, &body);

    println!(
        "\n{:<32} {:>8} {:>7} {:>10} {:>11} {:>11} {:>11}",
        "scenario", "ok", "errors", "req/s", "p50", "p90", "p99"
    );
    report("baseline (no filters)", &base);
    report(&filtered_name, &with);
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-12);
    println!(
        "\nfiltered / baseline: p50 {:.2}x, p90 {:.2}x, p99 {:.2}x, throughput {:.2}x",
        ratio(with.percentile(50.0), base.percentile(50.0)),
        ratio(with.percentile(90.0), base.percentile(90.0)),
        ratio(with.percentile(99.0), base.percentile(99.0)),
        with.throughput() / base.throughput().max(1e-12),
    );
    println!(
        "added latency at p50: {}",
        ms(with.percentile(50.0).saturating_sub(base.percentile(50.0)))
    );
    if args.filters.iter().any(|f| f == "throttle") {
        // Real contention: Envoy's workers run their VMs in parallel, so
        // shared-data writes race and lose compare-and-swaps.
        let stat = |name: &str| filtered.stat(&format!("wasmcustom.{name}")).ok().flatten();
        println!(
            "throttle shared data: {} CAS retries over {} admitted requests ({} workers)",
            stat("tollgate_throttle_cas_retries_total").unwrap_or(0),
            stat("tollgate_throttle_admitted_total").unwrap_or(0),
            args.concurrency
        );
    }
    Ok(())
}
