//! The `inspect` engines, natively: `cargo bench -p tollgate-benches --bench
//! inspect`.
//!
//! Scanning throughput of each detector is reported as a ratio to a plain
//! `memchr::memmem` pass over the same bytes, measured in the same run (the
//! floor for "looking at every byte once"); per-request cost as a ratio to
//! parsing the same body into a `serde_json::Value` (the floor for "reading
//! the JSON at all"); the build in `on_configure` as a ratio to one memmem
//! pass over 1 MiB. Method as in `benches/core.rs`: calibrated batches,
//! median of 15. A benchmark, never a test: it fails on nothing.
//!
//! Every scanning and per-request case cycles through 64 different texts
//! of its size, as traffic does (`tollgate_benches::proses` says why).

use std::hint::black_box;

use serde_json::{json, Value};
use tollgate_benches::{cycling, print_table, prose, proses, time, Row};
use tollgate_core::config::InspectConfig;
use tollgate_core::inspect::engine::Engine;
use tollgate_core::inspect::injection::{Injection, InjectionOptions};
use tollgate_core::inspect::output::{OutputChecker, OutputOptions};
use tollgate_core::inspect::patterns::{PatternOptions, Patterns};
use tollgate_core::inspect::stream::{StreamInspector, StreamLimits};
use tollgate_core::inspect::Direction;
use tollgate_core::request::api::ApiKind;
use tollgate_core::request::catalogue::Shape;
use tollgate_core::request::Role;

fn memmem_pass(text: &[u8]) -> usize {
    memchr::memmem::find_iter(black_box(text), b"\x00zq\x01").count()
}

fn main() {
    let mut configure = Vec::new();
    let mut scan = Vec::new();
    let mut request = Vec::new();
    let one_mib = prose(1 << 20);
    let mib_pass = time(|| memmem_pass(one_mib.as_bytes()));

    // on_configure: every automaton, once per VM.
    let config = InspectConfig::default();
    configure.push(Row {
        case: "Engine::new(default config)".into(),
        ns: time(|| Engine::new(black_box(&config)).map(|_| ())),
        baseline: "memmem pass over 1 MiB",
        baseline_ns: mib_pass,
    });
    configure.push(Row {
        case: "Patterns::new (secrets + PII)".into(),
        ns: time(|| Patterns::new(&PatternOptions::default()).map(|_| ())),
        baseline: "memmem pass over 1 MiB",
        baseline_ns: mib_pass,
    });
    configure.push(Row {
        case: "Injection::new".into(),
        ns: time(|| Injection::new(&InjectionOptions::default()).map(|_| ())),
        baseline: "memmem pass over 1 MiB",
        baseline_ns: mib_pass,
    });

    // Scanning throughput over benign text (the common case).
    let patterns = Patterns::new(&PatternOptions::default()).expect("builds");
    let injection = Injection::new(&InjectionOptions::default()).expect("builds");
    let rules_only = Injection::new(&InjectionOptions {
        learned: false,
        ..InjectionOptions::default()
    })
    .expect("builds");
    let model = *injection
        .model()
        .expect("the learned model is on by default");
    let output = OutputChecker::new(&OutputOptions {
        html: true,
        links: true,
        ..OutputOptions::default()
    })
    .expect("builds");
    let engine = Engine::new(&config).expect("builds");
    for size in [4 << 10, 64 << 10] {
        let texts = proses(size);
        let base = time(cycling(&texts, |t: &String| memmem_pass(t.as_bytes())));
        let kb = size >> 10;
        let mut out = Vec::new();
        scan.push(Row {
            case: format!("text views (Views::new), {kb} KiB"),
            ns: time(cycling(&texts, |t: &String| {
                tollgate_core::inspect::normalize::Views::new(black_box(t))
                    .words
                    .len()
            })),
            baseline: "memmem pass, same bytes",
            baseline_ns: base,
        });
        scan.push(Row {
            case: format!("patterns.scan, {kb} KiB"),
            ns: time(cycling(&texts, |t: &String| {
                out.clear();
                patterns.scan(black_box(t), &mut out);
                out.len()
            })),
            baseline: "memmem pass, same bytes",
            baseline_ns: base,
        });
        scan.push(Row {
            case: format!("injection.score, {kb} KiB"),
            ns: time(cycling(&texts, |t: &String| {
                injection.score(black_box(t)).signals.len()
            })),
            baseline: "memmem pass, same bytes",
            baseline_ns: base,
        });
        scan.push(Row {
            case: format!("injection.score without the learned model, {kb} KiB"),
            ns: time(cycling(&texts, |t: &String| {
                rules_only.score(black_box(t)).signals.len()
            })),
            baseline: "memmem pass, same bytes",
            baseline_ns: base,
        });
        // The learned scorer alone, over the word view the rules build
        // anyway (what it adds to injection.score is this).
        let words: Vec<String> = texts
            .iter()
            .map(|t| tollgate_core::inspect::normalize::Views::new(t).words)
            .collect();
        scan.push(Row {
            case: format!("learned scorer alone (word view given), {kb} KiB"),
            ns: time(cycling(&words, |w: &String| {
                model.score(black_box(w)).to_bits() as usize
            })),
            baseline: "memmem pass, same bytes",
            baseline_ns: base,
        });
        scan.push(Row {
            case: format!("output.scan, {kb} KiB"),
            ns: time(cycling(&texts, |t: &String| {
                out.clear();
                output.scan(black_box(t), None, &mut out);
                out.len()
            })),
            baseline: "memmem pass, same bytes",
            baseline_ns: base,
        });
        scan.push(Row {
            case: format!("engine.detect (all families), {kb} KiB"),
            ns: time(cycling(&texts, |t: &String| {
                engine
                    .detect(
                        Direction::Request,
                        "/v1/chat/completions",
                        Role::User,
                        black_box(t),
                    )
                    .len()
            })),
            baseline: "memmem pass, same bytes",
            baseline_ns: base,
        });
    }

    // Per request: a whole chat body, read, inspected, decided.
    for size in [4 << 10, 64 << 10] {
        let bodies: Vec<String> = proses(size - 120)
            .into_iter()
            .map(|text| {
                json!({"model": "gpt-4o-mini", "messages": [
                    {"role": "system", "content": "You are a helpful assistant."},
                    {"role": "user", "content": text}
                ]})
                .to_string()
            })
            .collect();
        let kb = size >> 10;
        request.push(Row {
            case: format!("engine.request, {kb} KiB chat"),
            ns: time(cycling(&bodies, |body: &String| {
                engine
                    .request(
                        Shape::Api(ApiKind::ChatCompletions),
                        "application/json",
                        "/v1/chat/completions",
                        black_box(body.as_bytes()),
                    )
                    .findings
                    .len()
            })),
            baseline: "serde_json Value, same body",
            baseline_ns: time(cycling(&bodies, |body: &String| {
                serde_json::from_slice::<Value>(black_box(body.as_bytes())).map(|_| ())
            })),
        });
    }
    // A streamed completion of 16 KiB in 8-char deltas, one event per push.
    let text = prose(16 << 10);
    let events: Vec<Vec<u8>> = text
        .as_bytes()
        .chunks(8)
        .map(|c| {
            let delta = String::from_utf8_lossy(c);
            format!(
                "data: {}\n\n",
                json!({"choices": [{"index": 0, "delta": {"content": delta}}]})
            )
            .into_bytes()
        })
        .collect();
    let all: Vec<u8> = events.concat();
    let scanner = engine.stream_scanner("/v1/chat/completions", None);
    request.push(Row {
        case: "stream, 16 KiB in 8-char deltas".into(),
        ns: time(|| {
            let mut s = StreamInspector::new(
                ApiKind::ChatCompletions,
                StreamLimits::default(),
                Vec::new(),
            );
            let mut n = 0;
            for (i, e) in events.iter().enumerate() {
                n += s.push(&scanner, e, i + 1 == events.len()).out.len();
            }
            n
        }),
        baseline: "memmem pass, same bytes",
        baseline_ns: time(|| memmem_pass(&all)),
    });

    print_table("once per VM (on_configure)", &configure);
    print_table("scanning benign text", &scan);
    print_table("per request", &request);
}
