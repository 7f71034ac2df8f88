//! Arbitrary text through every detector with the default policy: matches
//! are in bounds and on char boundaries, the hold-back offset is a char
//! boundary within the text, and injection scoring terminates. The text
//! is also sent as a conversation, twice (the second time from the memo),
//! through one memo shared by every input (small, so it turns over): each
//! verdict must be the memo-less one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Mutex, OnceLock};
use tollgate_core::config::InspectConfig;
use tollgate_core::inspect::engine::{Engine, Verdict};
use tollgate_core::inspect::memo::{Memo, Recall};
use tollgate_core::inspect::stream::TextScanner;
use tollgate_core::request::api::ApiKind;
use tollgate_core::request::catalogue::Shape;
use tollgate_core::request::extract;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(&InspectConfig::default()).expect("the default builds"))
}

fn memo() -> &'static Mutex<Memo> {
    static MEMO: OnceLock<Mutex<Memo>> = OnceLock::new();
    MEMO.get_or_init(|| Mutex::new(Memo::new(64 * 1024)))
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
    let shape = Shape::Api(ApiKind::ChatCompletions);
    let path = "/v1/chat/completions";
    let chat = serde_json::json!({"model": "m", "messages": [{"role": "user", "content": text}]});
    let _ = engine().request(shape, "application/json", path, chat.to_string().as_bytes());

    // A conversation: a long system text, the lines as turns, and a message
    // of two parts (read joined as well).
    let long = format!("{text} {text}");
    let mut messages = vec![serde_json::json!({"role": "system", "content": long})];
    for (i, line) in text.split('\n').take(4).enumerate() {
        let role = if i % 2 == 0 { "user" } else { "assistant" };
        messages.push(serde_json::json!({"role": role, "content": line}));
    }
    messages.push(serde_json::json!({"role": "user", "content": [
        {"type": "text", "text": long}, {"type": "text", "text": text}]}));
    let body = serde_json::json!({"model": "m", "messages": messages}).to_string();
    let read = extract::read(shape, "application/json", body.as_bytes());
    let show = |v: &Verdict| format!("{:?} {:?} {}", v.outcome, v.findings, v.more_findings);
    let fresh = show(&engine().request_read(read.as_ref(), path, body.as_bytes()));
    let mut memo = memo().lock().expect("not poisoned");
    for scope in ["a", "a"] {
        let recall = Recall {
            memo: &mut memo,
            scope,
        };
        let kept = engine().request_recalled(read.as_ref(), path, body.as_bytes(), Some(recall));
        assert_eq!(fresh, show(&kept), "the memo changed a verdict");
    }
});
