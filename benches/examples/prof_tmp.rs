use serde_json::json;
use std::hint::black_box;
use tollgate_core::config::InspectConfig;
use tollgate_core::inspect::engine::Engine;
use tollgate_core::inspect::stream::{StreamInspector, StreamLimits};
use tollgate_core::request::api::ApiKind;
fn main() {
    let words = [
        "the",
        "model",
        "request",
        "please",
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
        "fell",
        "version",
        "v1.42.0",
        "deploy",
        "to",
        "cluster",
        "us-east-1",
        "with",
        "3",
        "replicas",
        "and",
        "check",
        "https://docs.example.com/guide",
        "for",
        "details",
    ];
    let mut s = String::new();
    let mut i = 0usize;
    while s.len() < 16000 {
        s.push_str(words[(i * 7) % words.len()]);
        s.push(' ');
        i += 1;
    }
    let events: Vec<Vec<u8>> = s
        .as_bytes()
        .chunks(8)
        .map(|c| {
            format!(
                "data: {}\n\n",
                json!({"choices": [{"index": 0, "delta": {"content": String::from_utf8_lossy(c)}}]})
            )
            .into_bytes()
        })
        .collect();
    let engine = Engine::new(&InspectConfig::default()).unwrap();
    let scanner = engine.stream_scanner("/v1/chat/completions", None);
    let t = std::time::Instant::now();
    let mut runs = 0;
    while t.elapsed().as_secs() < 8 {
        let mut st = StreamInspector::new(
            ApiKind::ChatCompletions,
            StreamLimits::default(),
            Vec::new(),
        );
        for (i, e) in events.iter().enumerate() {
            black_box(st.push(&scanner, e, i + 1 == events.len()).out.len());
        }
        runs += 1;
    }
    println!(
        "{:.2} us per event",
        t.elapsed().as_secs_f64() * 1e6 / (runs * events.len()) as f64
    );
}
