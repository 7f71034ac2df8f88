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
}
