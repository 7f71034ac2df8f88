//! A chat completion stream (arbitrary bytes, cut into arbitrary chunks)
//! through the stream inspector twice: as it runs — the steady chat event
//! read in place (`inspect::steady`), the scanner keeping what it found in
//! each channel's window (`patterns::WindowMemo`) — and by the reference
//! path, every event through a `serde_json::Value` and every window scanned
//! whole. Both must forward the same events (compared as JSON), find the
//! same things, block alike and count the same usage.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::sync::OnceLock;
use tollgate_core::config::InspectConfig;
use tollgate_core::inspect::engine::Engine;
use tollgate_core::inspect::stream::{StreamInspector, StreamLimits, WholeWindows};
use tollgate_core::request::api::ApiKind;
use tollgate_core::request::sse::{SseItem, SseParser};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(&InspectConfig::default()).expect("the default builds"))
}

/// Numbers as a reader compares them: the general path re-serialises a
/// float, the steady path keeps the upstream's spelling of it.
fn canonical(v: Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => {
            Value::String(format!("{:.12e}", n.as_f64().unwrap_or_default()))
        }
        Value::Array(a) => Value::Array(a.into_iter().map(canonical).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, canonical(v))).collect()),
        other => other,
    }
}

/// An event as a client reads it: its name, id, data as JSON (or raw,
/// when not JSON; a comment's text).
type Seen = (
    Option<String>,
    Option<String>,
    Option<Value>,
    Option<String>,
);

/// The events of `out` as a client reads them.
fn events(out: &[u8]) -> Vec<Seen> {
    let mut parser = SseParser::new(1 << 20);
    let mut items = Vec::new();
    let _ = parser.push(out, &mut items);
    let _ = parser.finish(&mut items);
    items
        .into_iter()
        .map(|item| match item {
            SseItem::Event(ev) => {
                let json = ev
                    .data
                    .as_deref()
                    .and_then(|d| serde_json::from_str::<Value>(d).ok())
                    .map(canonical);
                let raw = if json.is_some() { None } else { ev.data };
                (ev.event, ev.id, json, raw)
            }
            SseItem::Comment(c) => (None, None, None, Some(c)),
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, body)) = data.split_first() else {
        return;
    };
    let limits = StreamLimits {
        max_hold_bytes: if cut & 0x80 == 0 { 64 } else { 4096 },
        max_event_bytes: 4096,
    };
    let error = b"data: {\"error\":{}}\n\n".to_vec();
    let api = ApiKind::ChatCompletions;
    let mut fast = StreamInspector::new(api, limits, error.clone());
    let mut reference = StreamInspector::new(api, limits, error).general_path_only();
    let scanner = engine().stream_scanner("/v1/chat/completions", None);
    let whole = WholeWindows(engine().stream_scanner("/v1/chat/completions", None));
    let size = usize::from(cut % 32) + 1;
    let chunks: Vec<&[u8]> = body.chunks(size).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let last = i + 1 == chunks.len();
        let a = fast.push(&scanner, chunk, last);
        let b = reference.push(&whole, chunk, last);
        assert_eq!(a.blocked, b.blocked, "blocked");
        assert_eq!(a.findings, b.findings, "findings");
        assert_eq!(events(&a.out), events(&b.out), "events");
    }
    assert_eq!(fast.usage(), reference.usage(), "usage");
});
