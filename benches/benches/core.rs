//! Core engines, natively: `cargo bench -p tollgate-benches --bench core`.
//!
//! Each case is timed against a baseline measured in the same run on the same
//! input, and the table shows the ratio: absolute nanoseconds depend on the
//! machine, ratios much less. Cases are grouped as in STYLE.md: what runs
//! once per VM in `on_configure`, and what runs per request.
//!
//! Method: calibrate a batch to ~5 ms, warm up, time 15 batches, report the
//! median time per iteration. A benchmark, never a test: it fails on nothing.

use std::collections::HashMap;
use std::hint::black_box;

use serde_json::Value;
use tollgate_benches::{print_table, time, Row};
use tollgate_core::config::{self, AuthConfig, InspectConfig, ThrottleConfig};
use tollgate_core::error::{ErrorFlavor, ErrorKind, ErrorReply};
use tollgate_core::request::api::ApiKind;

fn main() {
    let mut configure = Vec::new();
    let mut request = Vec::new();

    // on_configure: parse + validate, against parsing the same bytes into an
    // untyped serde_json::Value (what any JSON reader must at least do).
    let auth = br#"{"consumer_header": "x-tollgate-consumer", "strip_client_identity": true}"#;
    let throttle = br#"{"consumer_header": "x-team", "shadow": true}"#;
    let inspect = br#"{"max_body_bytes": 1048576, "shadow": false}"#;
    let value = |bytes: &'static [u8]| move || serde_json::from_slice::<Value>(black_box(bytes));
    configure.push(Row {
        case: "config::parse::<AuthConfig>".into(),
        ns: time(|| config::parse::<AuthConfig>(black_box(auth))),
        baseline: "serde_json Value, same bytes",
        baseline_ns: time(value(auth)),
    });
    configure.push(Row {
        case: "config::parse::<ThrottleConfig>".into(),
        ns: time(|| config::parse::<ThrottleConfig>(black_box(throttle))),
        baseline: "serde_json Value, same bytes",
        baseline_ns: time(value(throttle)),
    });
    configure.push(Row {
        case: "config::parse::<InspectConfig>".into(),
        ns: time(|| config::parse::<InspectConfig>(black_box(inspect))),
        baseline: "serde_json Value, same bytes",
        baseline_ns: time(value(inspect)),
    });
    let bad = br#"{"limits": 1, "shadow": "yes"}"#;
    configure.push(Row {
        case: "config::parse, unknown field error".into(),
        ns: time(|| config::parse::<ThrottleConfig>(black_box(bad))),
        baseline: "serde_json Value, same bytes",
        baseline_ns: time(value(bad)),
    });

    // Per request: error bodies, against serialising the same JSON as a
    // serde_json::Value.
    let reply = ErrorReply::new(
        ErrorKind::RateLimited {
            retry_after_secs: 30,
            tokens: false,
        },
        "Rate limit reached for consumer team-a on requests per minute",
        "req_0123456789abcdef0123456789abcdef",
    )
    .with_code("rate_limit_exceeded");
    for flavor in [ErrorFlavor::OpenAi, ErrorFlavor::Anthropic] {
        let same: Value = serde_json::from_slice(&reply.body(flavor)).expect("valid body");
        request.push(Row {
            case: format!("ErrorReply::body({flavor:?})"),
            ns: time(|| black_box(&reply).body(flavor)),
            baseline: "serde_json::to_vec, same Value",
            baseline_ns: time(|| serde_json::to_vec(black_box(&same))),
        });
    }
    // Per request: API classification, against an exact-match hash lookup of
    // the path (what a classifier without the leniency would cost).
    let exact: HashMap<&str, ApiKind> = [
        ("/v1/chat/completions", ApiKind::ChatCompletions),
        ("/v1/completions", ApiKind::Completions),
        ("/v1/responses", ApiKind::Responses),
        ("/v1/embeddings", ApiKind::Embeddings),
        ("/v1/models", ApiKind::Models),
        ("/v1/messages", ApiKind::Messages),
    ]
    .into_iter()
    .collect();
    for path in [
        "/v1/chat/completions",
        "/v1/messages?beta=true",
        "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
        "/healthz",
    ] {
        request.push(Row {
            case: format!("ApiKind::from_path({path})"),
            ns: time(|| ApiKind::from_path(black_box(path))),
            baseline: "HashMap exact-path lookup",
            baseline_ns: time(|| {
                exact
                    .get(black_box(path))
                    .copied()
                    .unwrap_or(ApiKind::Unknown)
            }),
        });
    }

    print_table("once per VM (on_configure)", &configure);
    print_table("per request", &request);
    print_table(
        "per stream (256 events of 8 characters, one per chunk)",
        &stream_rows(),
    );
}

/// A streamed OpenAI chat: 256 delta events, the usage event throttle
/// asked for, `[DONE]`; one event per chunk, as the mock LLM and most
/// servers flush them.
fn openai_stream() -> Vec<Vec<u8>> {
    let mut events: Vec<Vec<u8>> = (0..256)
        .map(|i| {
            let chunk = serde_json::json!({"id": "chatcmpl-1", "object": "chat.completion.chunk",
                "created": 1, "model": "gpt-4o-mini", "system_fingerprint": "fp_1",
                "choices": [{"index": 0, "delta": {"content": format!("tok{i:04} ")},
                             "logprobs": null, "finish_reason": null}], "usage": null});
            format!("data: {chunk}\n\n").into_bytes()
        })
        .collect();
    events.push(
        br#"data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":256,"total_tokens":266}}

"#
        .to_vec(),
    );
    events.push(b"data: [DONE]\n\n".to_vec());
    events
}

/// throttle's stream meter, against the least any reader of the stream
/// must do: find each event's data and parse it as JSON.
fn stream_rows() -> Vec<Row> {
    use tollgate_core::throttle::stream::StreamMeter;
    let events = openai_stream();
    let parse_each = || {
        let mut n = 0usize;
        for e in &events {
            let data = e.strip_prefix(b"data: ").unwrap_or(e);
            if let Ok(v) = serde_json::from_slice::<Value>(data.trim_ascii_end()) {
                n += usize::from(v.is_object());
            }
        }
        n
    };
    let mut rows = Vec::new();
    for (case, drop_usage) in [
        ("StreamMeter, usage event kept", false),
        ("StreamMeter, injected usage event dropped", true),
    ] {
        rows.push(Row {
            case: case.into(),
            ns: time(|| {
                let mut m = StreamMeter::new(ApiKind::ChatCompletions, 10, drop_usage, false);
                let last = events.len() - 1;
                for (i, e) in events.iter().enumerate() {
                    black_box(m.push(black_box(e), i == last, None, &Vec::new));
                }
                m.usage()
            }),
            baseline: "serde_json::from_slice of each event's data",
            baseline_ns: time(parse_each),
        });
    }
    rows
}
