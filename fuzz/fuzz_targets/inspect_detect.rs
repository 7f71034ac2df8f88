//! Arbitrary text through every detector with the default policy: matches
//! are in bounds and on char boundaries, the hold-back offset is a char
//! boundary within the text, and injection scoring terminates.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tollgate_core::config::InspectConfig;
use tollgate_core::inspect::engine::Engine;
use tollgate_core::inspect::stream::TextScanner;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(&InspectConfig::default()).expect("the default builds"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let scanner = engine().stream_scanner("/v1/chat/completions", None);
    let mut found = Vec::new();
    scanner.scan(&text, &mut found);
    for f in &found {
        assert!(f.m.start <= f.m.end && f.m.end <= text.len());
        assert!(text.is_char_boundary(f.m.start) && text.is_char_boundary(f.m.end));
    }
    let hold = scanner.hold_from(&text);
    assert!(hold <= text.len() && text.is_char_boundary(hold));
    let chat = serde_json::json!({"model": "m", "messages": [{"role": "user", "content": text}]});
    let _ = engine().request(
        tollgate_core::request::catalogue::Shape::Api(
            tollgate_core::request::api::ApiKind::ChatCompletions,
        ),
        "application/json",
        "/v1/chat/completions",
        chat.to_string().as_bytes(),
    );
});
