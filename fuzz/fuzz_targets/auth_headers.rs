//! Arbitrary bytes as credential headers and as request bodies: key
//! extraction and the permission check on each route (with its clamp)
//! return a decision, never panic; a clamped body is still JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_core::auth::keys::{extract, KeySource};
use tollgate_core::auth::permissions::{check_request, Decision, Permissions};

const PATHS: [&str; 7] = [
    "/v1/chat/completions",
    "/openai/deployments/gpt-4o-mini/chat/completions",
    "/v1/completions",
    "/v1/responses",
    "/v1/messages",
    "/v1/messages/batches",
    "/v1/files",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let split = rest.len() / 3;
    let (a, b) = rest.split_at(split);
    let headers = [
        ("authorization", a.to_vec()),
        (
            "x-api-key",
            b.get(..b.len() / 2).unwrap_or_default().to_vec(),
        ),
    ];
    let _ = extract(KeySource::DEFAULT_ORDER, headers.iter());
    let path = PATHS[usize::from(selector) % PATHS.len()];
    let perms: Permissions = serde_json::from_str(
        r#"{"models": ["gpt-4o*"], "max_output_tokens": 100, "on_excess": "clamp"}"#,
    )
    .expect("fixed permissions");
    let ct = if selector & 0x80 == 0 {
        "application/json"
    } else {
        "multipart/form-data; boundary=B"
    };
    if let Decision::Clamp(body) = check_request(&perms, "POST", path, ct, rest) {
        assert!(
            serde_json::from_slice::<serde_json::Value>(&body).is_ok(),
            "clamped body is JSON"
        );
    }
});
