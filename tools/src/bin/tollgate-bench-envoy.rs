//! `tollgate-bench-envoy`: a load benchmark of Tollgate's filters in Envoy,
//! each scenario measured in the same run against the same mock upstream:
//! Envoy with no filter, the **floor** (a no-op wasm filter that buffers both
//! bodies and reads them once: `host-tests/floor`, a benchmark fixture, never
//! shipped), the floor three times (what any chain of three body-reading
//! filters pays), each Tollgate filter alone, the chain, and the three as
//! one module in one VM (`filters/combined`). For each body
//! size and a streamed completion, at one connection (latency) and at
//! saturation (throughput), it prints added p50/p99 over no filter, the
//! throughput ratio, and each filter's added p50 as a multiple of the floor's.
//! Rounds are interleaved (every scenario once per round, the median round
//! reported) so that drift of the machine hits all scenarios alike.
//! A benchmark, not a test: it never fails on speed.
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

Load-tests Envoy with no filter, with the floor (a no-op filter buffering both
bodies), with three floors, with each filter alone and with the chain; same
run, same mock upstream, over loopback, rounds interleaved. Prints for each
case and load the added p50/p99 over no filter, throughput as a fraction of
no filter's, and added p50 as a multiple of the floor's (the chain against
three floors).

options:
  --sizes LIST      request bodies: byte counts, and `stream` for a 1 KiB
                    request with a streamed (SSE) reply of about 2 KB in
                    8-character deltas (per-event cost: against the 1 KiB
                    JSON case of the same run)
                    (default 1024,4096,65536,stream)
  --body-bytes N    same as --sizes N
  --stream          stream the replies (with --body-bytes: that body size)
  --connections N   connections of the saturation load (default 8, max 256);
                    the latency load always uses one
  --loads LIST      latency,saturation (default both)
  --requests N      measured requests per scenario and round (default 2000)
  --warmup N        unmeasured requests per scenario first (default 300)
  --rounds N        interleaved rounds, the median reported (default 3)
  --filters LIST    the chain (default auth,throttle,inspect); each filter
                    of it is also measured alone. NAME~TAG is filter NAME
                    from NAME~TAG.wasm in the wasm directory (another build
                    of it, to compare in one run: --filters inspect,inspect~old).
                    Builds of the combined module (combined,combined~old)
                    are each measured alone, against three floors
  --config-dir DIR  filter configuration from DIR/<filter>.json (default: the
                    demo consumer for auth, `{}` for the others); a variant
                    NAME~TAG reads NAME~TAG.json if there is one
  --wasm-dir DIR    where the .wasm files are (default target/tollgate-wasm)
  --no-combined     do not measure the combined module (by default
                    auth, throttle and inspect are also measured as one
                    module in one VM, combined.wasm: filters/combined,
                    against the same floors as the chain; its configuration
                    has a member per filter, each that filter's own);
                    implied by --filters
  --combined        measure it even with --filters
  --concurrency N   Envoy worker threads (default 1)
  -h, --help        this text
";

/// One request shape of the matrix.
#[derive(Clone, Debug)]
struct Case {
    body_bytes: usize,
    stream: bool,
}

impl Case {
    fn label(&self) -> String {
        let kib = |n: usize| {
            if n.is_multiple_of(1024) {
                format!("{} KiB", n / 1024)
            } else {
                format!("{n} B")
            }
        };
        if self.stream {
            format!("{} chat, streamed reply", kib(self.body_bytes))
        } else {
            format!("{} chat", kib(self.body_bytes))
        }
    }
}

struct Args {
    cases: Vec<Case>,
    connections: usize,
    latency: bool,
    saturation: bool,
    requests: usize,
    warmup: usize,
    rounds: usize,
    filters: Vec<String>,
    config_dir: Option<PathBuf>,
    wasm_dir: PathBuf,
    concurrency: u32,
    combined: bool,
}

fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn parse_sizes(list: &str) -> Result<Vec<Case>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s {
            "stream" => Ok(Case {
                body_bytes: 1024,
                stream: true,
            }),
            n => Ok(Case {
                body_bytes: n
                    .parse()
                    .with_context(|| format!("--sizes: {n:?} is neither a number nor `stream`"))?,
                stream: false,
            }),
        })
        .collect()
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        cases: parse_sizes("1024,4096,65536,stream")?,
        connections: 8,
        latency: true,
        saturation: true,
        requests: 2000,
        warmup: 300,
        rounds: 3,
        filters: vec!["auth".into(), "throttle".into(), "inspect".into()],
        config_dir: None,
        wasm_dir: repo_root().join("target/tollgate-wasm"),
        concurrency: 1,
        combined: true,
    };
    let mut combined: Option<bool> = None;
    let mut filters_given = false;
    let mut body_bytes: Option<usize> = None;
    let mut stream = false;
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
            "--sizes" => args.cases = parse_sizes(&value("--sizes")?)?,
            "--body-bytes" => body_bytes = Some(number("--body-bytes")?),
            "--stream" => stream = true,
            "--connections" => args.connections = number("--connections")?,
            "--loads" => {
                let loads = value("--loads")?;
                args.latency = false;
                args.saturation = false;
                for l in loads.split(',').map(str::trim).filter(|l| !l.is_empty()) {
                    match l {
                        "latency" => args.latency = true,
                        "saturation" => args.saturation = true,
                        other => bail!("--loads: {other:?} is neither latency nor saturation"),
                    }
                }
            }
            "--requests" => args.requests = number("--requests")?,
            "--warmup" => args.warmup = number("--warmup")?,
            "--rounds" => args.rounds = number("--rounds")?,
            "--concurrency" => {
                args.concurrency =
                    u32::try_from(number("--concurrency")?).context("--concurrency: too large")?
            }
            "--filters" => {
                filters_given = true;
                args.filters = value("--filters")?
                    .split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .map(String::from)
                    .collect()
            }
            "--config-dir" => args.config_dir = Some(PathBuf::from(value("--config-dir")?)),
            "--wasm-dir" => args.wasm_dir = PathBuf::from(value("--wasm-dir")?),
            "--combined" => combined = Some(true),
            "--no-combined" => combined = Some(false),
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    match (body_bytes, stream) {
        (Some(n), s) => {
            args.cases = vec![Case {
                body_bytes: n,
                stream: s,
            }]
        }
        (None, true) => args.cases.iter_mut().for_each(|c| c.stream = true),
        (None, false) => {}
    }
    if args.cases.is_empty() {
        bail!("--sizes: name at least one body size");
    }
    if !(1..=256).contains(&args.connections) {
        bail!("--connections must be 1..=256");
    }
    if !(1..=1_000_000).contains(&args.requests) || args.warmup > 1_000_000 {
        bail!("--requests must be 1..=1000000 and --warmup at most 1000000");
    }
    if !(1..=99).contains(&args.rounds) {
        bail!("--rounds must be 1..=99");
    }
    if args.cases.iter().any(|c| c.body_bytes > 64 * 1024 * 1024) {
        bail!("a body must be at most 64 MiB");
    }
    if args.filters.is_empty() {
        bail!("--filters: name at least one filter");
    }
    if !args.latency && !args.saturation {
        bail!("--loads: name latency, saturation or both");
    }
    // The combined module is the three filters: measured by default, beside
    // a chain of other filters only when asked for.
    args.combined = combined.unwrap_or(!filters_given);
    Ok(args)
}

/// Different request bodies each scenario cycles through, one per request
/// (fewer for bodies over 256 KiB: at most 16 MiB of them).
const BODY_VARIANTS: usize = 64;

/// Up to [`BODY_VARIANTS`] chat completion requests of about `bytes` bytes each,
/// their user messages different pieces of one deterministic prose. Real
/// prompts differ from request to request: one body sent over and over
/// (or a sentence repeated to length, as this bench did before 2026-12-07)
/// lets the CPU's branch predictor learn the text, and made `inspect` look
/// cheaper than it is on traffic (`benches/inspect.rs` measured the same
/// effect natively: 1.6-2.3x at 4 KiB).
fn request_bodies(bytes: usize, stream: bool) -> Vec<Vec<u8>> {
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
    let len = bytes.saturating_sub(make("").len());
    let variants = ((16 << 20) / len.max(1)).clamp(1, BODY_VARIANTS);
    let text = prose(len.saturating_mul(variants));
    (0..variants)
        .map(|i| make(text.get(i * len..(i + 1) * len).unwrap_or_default()))
        .collect()
}

/// The prose the prompts are cut from: words, numbers, a URL, code,
/// punctuation and line breaks (fixed seed). Its own words, not
/// `demo::prose`'s: capitals and punctuation as chat prompts have them
/// (the README's Envoy figures since 2026-12-07 are measured on this).
fn prose(bytes: usize) -> String {
    const WORDS: &[&str] = &[
        "the",
        "model",
        "request",
        "Please",
        "summarise",
        "report",
        "quarter",
        "revenue",
        "grew",
        "by",
        "12.5%",
        "in",
        "2024-03-31",
        "while",
        "costs",
        "fell.",
        "version",
        "v1.42.0",
        "deploy",
        "to",
        "cluster",
        "us-east-1",
        "with",
        "3",
        "replicas,",
        "and",
        "check",
        "https://docs.example.com/guide",
        "for",
        "details:",
        "fn",
        "main()",
        "{",
        "println!(\"hi\");",
        "}",
        "Thanks",
        "regards",
        "team",
        "order",
        "#48213",
        "shipped",
        "a",
        "customer",
        "asked",
        "about",
        "invoice",
        "when",
        "is",
        "it",
        "due?",
    ];
    tollgate_tools::demo::prose_of(WORDS, bytes)
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
/// The completions a streamed case asks the mock for (`x-mock-content`),
/// one per request in turn: [`BODY_VARIANTS`] pieces of prose of 2 KB, so
/// a reply is some 250 events of 8 characters (different text per request,
/// for the reason given at [`request_bodies`]; header values hold no line
/// breaks).
fn streamed_completions() -> Vec<String> {
    let text = prose(2048 * BODY_VARIANTS).replace('\n', " ");
    (0..BODY_VARIANTS)
        .map(|i| {
            text.get(i * 2048..(i + 1) * 2048)
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// Sends one chat completion request of the benchmark on `c`: the demo
/// consumer's key (auth's bench configuration; ignored when auth is not in
/// the chain) and, for a streamed case, the completion the mock streams.
fn send_chat(
    c: &mut Connection,
    body: &[u8],
    completion: Option<&str>,
) -> Result<tollgate_tools::http_client::Response> {
    let auth_header = format!("Bearer {}", tollgate_tools::demo::DEMO_KEY);
    let mut headers = vec![
        ("content-type", "application/json"),
        ("authorization", auth_header.as_str()),
    ];
    if let Some(text) = completion {
        headers.push(("x-mock-content", text));
    }
    c.send(
        "POST",
        "/v1/chat/completions",
        &headers,
        Body::Bytes(body.to_vec()),
    )
}

fn load(
    addr: SocketAddr,
    connections: usize,
    total: usize,
    bodies: &Arc<Vec<Vec<u8>>>,
    completions: &Arc<Vec<String>>,
) -> Measurement {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let next = Arc::clone(&next);
            let bodies = Arc::clone(bodies);
            let completions = Arc::clone(completions);
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                let mut first_error = None;
                let mut conn: Option<Connection> = None;
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        break;
                    }
                    let body = bodies
                        .get(n % bodies.len().max(1))
                        .map_or(&[][..], Vec::as_slice);
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
                    let completion = completions.get(n % completions.len().max(1));
                    let resp = send_chat(&mut c, body, completion.map(String::as_str));
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

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

/// `a - b` in microseconds, signed (noise can make a filter look free).
fn added(a: Duration, b: Duration) -> f64 {
    (a.as_secs_f64() - b.as_secs_f64()) * 1e6
}

/// One Envoy of the comparison.
struct Scenario {
    name: String,
    envoy: Envoy,
    /// Its Tollgate filters (`auth`, `throttle`, `inspect`), whose request
    /// counters must show every request answered 200 went through them.
    tollgate: Vec<String>,
    /// Requests it answered with 200.
    answered: usize,
    /// The floor scenario this one is compared with (`None`: it is a floor
    /// or the no-filter baseline).
    floor: Option<usize>,
}

/// The median-round figures of one scenario for one case and load.
#[derive(Clone, Copy, Default)]
struct Figures {
    p50: Duration,
    p99: Duration,
    throughput: f64,
    errors: usize,
    /// Envoy's CPU time per request, microseconds (all its threads), when
    /// the platform tells it.
    cpu_us: Option<f64>,
}

fn median<T: Copy + PartialOrd>(mut v: Vec<T>) -> Option<T> {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v.get(v.len() / 2).copied()
}

/// Server-sent events in one reply of `envoy` streaming `completion`.
fn events_per_reply(envoy: &Envoy, body: &[u8], completion: &str) -> Result<usize> {
    let mut c = Connection::open(envoy.addr())?;
    let r = send_chat(&mut c, body, Some(completion))?;
    if r.status != 200 {
        bail!("status {}: {}", r.status, r.text());
    }
    Ok(r.text().matches("data:").count())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("tollgate-bench-envoy: {e:#}");
        std::process::exit(1);
    }
}

/// The filters of the combined module (`--combined`), in chain order.
const COMBINED: [&str; 3] = ["auth", "throttle", "inspect"];

/// The configuration of filter `name` (`base`, or a variant `base~tag`).
fn configuration_of(args: &Args, name: &str, base: &str) -> Result<String> {
    Ok(match (&args.config_dir, base) {
        (_, "floor") => "{}".to_string(),
        (None, _) => tollgate_tools::demo::bench_config(base),
        // A variant's own configuration if it has one.
        (Some(dir), _) => {
            let own = dir.join(format!("{name}.json"));
            let file = if own.is_file() {
                own
            } else {
                dir.join(format!("{base}.json"))
            };
            std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?
        }
    })
}

fn start_envoy(args: &Args, mock: &MockLlm, filters: &[&str], what: &str) -> Result<Envoy> {
    let mut builder = Envoy::builder();
    for (i, name) in filters.iter().enumerate() {
        let wasm = args.wasm_dir.join(format!("{name}.wasm"));
        // `inspect~old`: the inspect filter, from inspect~old.wasm.
        let (base, variant) = name.split_once('~').unwrap_or((name, ""));
        if !wasm.is_file() {
            bail!(
                "{} does not exist: build it with scripts/build {name}",
                wasm.display()
            );
        }
        let configuration = if base == "combined" {
            // One member per filter, each what the filter alone is given.
            let mut all = serde_json::Map::new();
            for part in COMBINED {
                let text = configuration_of(args, part, part)?;
                let value: serde_json::Value = serde_json::from_str(&text)
                    .with_context(|| format!("the {part} configuration is not JSON"))?;
                all.insert(part.to_string(), value);
            }
            serde_json::Value::Object(all).to_string()
        } else {
            configuration_of(args, name, base)?
        };
        // Filter names must differ within one chain (three floors).
        let id = if filters.iter().filter(|f| *f == name).count() > 1 {
            format!("{base}-{i}")
        } else if variant.is_empty() {
            base.to_string()
        } else {
            format!("{base}-{variant}")
        };
        builder = builder.filter(WasmFilter::new(&id, wasm, &configuration));
    }
    builder
        .upstream(mock.addr())
        .concurrency(args.concurrency)
        .log_level("warning")
        .start()
        .with_context(|| format!("starting Envoy ({what})"))
}

fn run() -> Result<()> {
    let args = parse_args()?;
    let mock = MockLlm::start()?;
    mock.set_recording(false);

    // The scenarios: no filter, the floor, as many floors as the chain has
    // filters, each filter alone (against one floor), the chain (against
    // the floors).
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut add = |name: String, filters: Vec<&str>, floor: Option<usize>| -> Result<usize> {
        eprintln!("starting Envoy: {name}");
        let envoy = start_envoy(&args, &mock, &filters, &name)?;
        let tollgate = filters
            .iter()
            .map(|f| f.split_once('~').map_or(*f, |(base, _)| base))
            .flat_map(|f| {
                if f == "combined" {
                    COMBINED.to_vec()
                } else {
                    vec![f]
                }
            })
            .filter(|f| matches!(*f, "auth" | "throttle" | "inspect"))
            .map(str::to_owned)
            .collect();
        scenarios.push(Scenario {
            name,
            envoy,
            tollgate,
            answered: 0,
            floor,
        });
        Ok(scenarios.len() - 1)
    };
    add("no filter".into(), vec![], None)?;
    let floor = add("floor (no-op, buffers bodies)".into(), vec!["floor"], None)?;
    // Builds of the combined module (`--filters combined,combined~old`) are
    // each measured alone, against three floors: two modules holding auth
    // cannot be chained (the first strips the credentials the next needs).
    let modules = args
        .filters
        .iter()
        .any(|f| f.split('~').next() == Some("combined"));
    let n = if modules {
        COMBINED.len()
    } else {
        args.filters.len()
    };
    let floors = if n > 1 {
        add(format!("{n} floors"), vec!["floor"; n], None)?
    } else {
        floor
    };
    if modules {
        for f in &args.filters {
            add(f.clone(), vec![f.as_str()], Some(floors))?;
        }
    } else {
        if n > 1 {
            for f in &args.filters {
                add(f.clone(), vec![f.as_str()], Some(floor))?;
            }
        }
        add(
            args.filters.join(" + "),
            args.filters.iter().map(String::as_str).collect(),
            Some(floors),
        )?;
    }
    if args.combined {
        add(
            format!("{}, one module", COMBINED.join(" + ")),
            vec!["combined"],
            Some(floors),
        )?;
    }

    println!(
        "Envoy {}, {} worker(s); mock LLM upstream over loopback; {} rounds of {} requests (+{} warm-up) per scenario, interleaved, median round shown",
        tollgate_tools::envoy::envoy_binary()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        args.concurrency,
        args.rounds,
        args.requests,
        args.warmup,
    );
    println!(
        "added = over no filter; x floor = added p50 / the floor's added p50 (the chain: / {n} floors')"
    );

    let mut loads = Vec::new();
    if args.latency {
        loads.push(("1 connection (latency)", 1usize));
    }
    if args.saturation {
        loads.push(("saturation", args.connections));
    }
    // JSON figures by (body size, connections): the per-event cost of a
    // streamed case is its added latency beyond the same request's JSON one.
    let mut json_figures: Vec<((usize, usize), Vec<Figures>)> = Vec::new();
    for case in &args.cases {
        let bodies = Arc::new(request_bodies(case.body_bytes, case.stream));
        // A streamed case's completions, one per request in turn (none: the
        // mock's default JSON reply).
        let completions = Arc::new(if case.stream {
            streamed_completions()
        } else {
            Vec::new()
        });
        let events = match (bodies.first(), completions.first()) {
            (Some(body), Some(completion)) => {
                events_per_reply(&scenarios[0].envoy, body, completion)
                    .context("a streamed reply")?
            }
            _ => 0,
        };
        for (load_name, connections) in &loads {
            let mut rounds: Vec<Vec<Figures>> = vec![Vec::new(); scenarios.len()];
            for round in 0..args.rounds {
                for (i, s) in scenarios.iter_mut().enumerate() {
                    eprintln!(
                        "{}, {load_name}, round {}/{}: {}",
                        case.label(),
                        round + 1,
                        args.rounds,
                        s.name
                    );
                    if args.warmup > 0 {
                        let w = load(
                            s.envoy.addr(),
                            *connections,
                            args.warmup,
                            &bodies,
                            &completions,
                        );
                        s.answered += w.latencies.len();
                    }
                    let cpu_before = s.envoy.cpu_ns();
                    let m = load(
                        s.envoy.addr(),
                        *connections,
                        args.requests,
                        &bodies,
                        &completions,
                    );
                    // Per request answered (errors are reported below).
                    let answered = m.latencies.len().max(1) as f64;
                    let cpu_us = cpu_before
                        .zip(s.envoy.cpu_ns())
                        .map(|(a, b)| b.saturating_sub(a) as f64 / 1e3 / answered);
                    s.answered += m.latencies.len();
                    if let Some(e) = &m.first_error {
                        eprintln!("  {} errors; first: {e}", m.errors);
                    }
                    rounds[i].push(Figures {
                        p50: m.percentile(50.0),
                        p99: m.percentile(99.0),
                        throughput: m.throughput(),
                        errors: m.errors,
                        cpu_us,
                    });
                }
            }
            let figures: Vec<Figures> = rounds
                .into_iter()
                .map(|r| Figures {
                    p50: median(r.iter().map(|f| f.p50).collect()).unwrap_or_default(),
                    p99: median(r.iter().map(|f| f.p99).collect()).unwrap_or_default(),
                    throughput: median(r.iter().map(|f| f.throughput).collect()).unwrap_or(0.0),
                    errors: r.iter().map(|f| f.errors).sum(),
                    cpu_us: median(r.iter().filter_map(|f| f.cpu_us).collect()),
                })
                .collect();
            let json = json_figures
                .iter()
                .find(|(k, _)| *k == (case.body_bytes, *connections))
                .map(|(_, f)| f.as_slice());
            print_table(
                case,
                events,
                load_name,
                *connections,
                &scenarios,
                &figures,
                json,
            );
            if !case.stream {
                json_figures.push(((case.body_bytes, *connections), figures));
            }
        }
    }
    // Every figure is only the filters' if the filters ran: a module that
    // failed to load in one Envoy would make its scenario look free.
    let mut idle = Vec::new();
    for s in &scenarios {
        for f in &s.tollgate {
            // Counted in each filter's request-headers callback: this shows
            // the filter ran on every request, not that every phase did.
            let counted = s
                .envoy
                .metric_sum(&format!("tollgate_{f}_requests_total"), &[]);
            match counted {
                Ok(seen) if seen >= u64::try_from(s.answered).unwrap_or(u64::MAX) => {}
                Ok(seen) => idle.push(format!(
                    "{f} in \"{}\" counted {seen} requests of {} answered",
                    s.name, s.answered
                )),
                Err(e) => idle.push(format!(
                    "{f} in \"{}\": its request counter could not be read: {e:#}",
                    s.name
                )),
            }
        }
    }
    if !idle.is_empty() {
        bail!(
            "a filter did not see every request, so its figures are not its own: {}",
            idle.join("; ")
        );
    }
    if args.filters.iter().any(|f| f == "throttle") {
        // Real contention: Envoy's workers run their VMs in parallel, so
        // shared-data writes race and lose compare-and-swaps.
        if let Some(chain) = scenarios.last() {
            let stat = |name: &str, labels: &[(&str, &str)]| {
                chain.envoy.metric_sum(name, labels).unwrap_or(0)
            };
            println!(
                "\nthrottle shared data (chain): {} CAS retries over {} admitted requests ({} workers)",
                stat("tollgate_throttle_cas_retries_total", &[]),
                stat("tollgate_throttle_decisions_total", &[("outcome", "admitted")]),
                args.concurrency
            );
        }
    }
    Ok(())
}

fn print_table(
    case: &Case,
    events: usize,
    load_name: &str,
    connections: usize,
    scenarios: &[Scenario],
    figures: &[Figures],
    json: Option<&[Figures]>,
) {
    let Some(base) = figures.first().copied() else {
        return;
    };
    let events_note = if events > 0 {
        format!(", {events} events per reply")
    } else {
        String::new()
    };
    println!(
        "\n{}{events_note}, {load_name}, {connections} connection(s)",
        case.label()
    );
    println!(
        "  {:<32} {:>8} {:>8} {:>11} {:>11} {:>9} {:>9} {:>7} {:>12} {:>9}",
        "scenario",
        "p50",
        "p99",
        "added p50",
        "added p99",
        "req/s",
        "vs none",
        "x floor",
        "added cpu",
        "cpu x fl"
    );
    for (i, (s, f)) in scenarios.iter().zip(figures).enumerate() {
        let a50 = added(f.p50, base.p50);
        let a99 = added(f.p99, base.p99);
        let floor = s
            .floor
            .and_then(|i| figures.get(i))
            .map(|fl| added(fl.p50, base.p50));
        let multiple = match floor {
            Some(fl) if fl > 0.5 => format!("{:.1}", a50 / fl),
            Some(_) => "-".into(),
            None => String::new(),
        };
        // The same as Envoy CPU time per request over no filter's.
        let cpu = f.cpu_us.zip(base.cpu_us).map(|(c, b)| c - b);
        let cpu_floor = s
            .floor
            .and_then(|i| figures.get(i))
            .and_then(|fl| fl.cpu_us.zip(base.cpu_us).map(|(c, b)| c - b));
        let cpu_multiple = match (cpu, cpu_floor) {
            (Some(c), Some(fl)) if fl > 0.5 => format!("{:.1}", c / fl),
            (Some(_), Some(_)) => "-".into(),
            _ => String::new(),
        };
        println!(
            "  {:<32} {:>8} {:>8} {:>8.0} µs {:>8.0} µs {:>9.0} {:>9.2} {:>7} {:>12} {:>9}{}",
            s.name,
            us(f.p50),
            us(f.p99),
            a50,
            a99,
            f.throughput,
            f.throughput / base.throughput.max(1e-9),
            multiple,
            cpu.map_or_else(|| "-".into(), |c| format!("{c:.1} µs")),
            cpu_multiple,
            if f.errors > 0 {
                format!("  ({} errors)", f.errors)
            } else {
                String::new()
            }
        );
        // Per event: what the streamed reply adds beyond the same request
        // answered in JSON (no filter's difference taken out).
        let json_added = json.and_then(|j| Some(added(j.get(i)?.p50, j.first()?.p50)));
        if let (true, true, Some(j)) = (events > 0, connections == 1, json_added) {
            if i > 0 {
                println!(
                    "  {:<32} {:.2} µs per event (beyond its JSON reply)",
                    "",
                    (a50 - j) / events as f64
                );
            }
        }
    }
}
