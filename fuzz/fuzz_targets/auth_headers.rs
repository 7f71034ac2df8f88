//! Arbitrary bytes as credential headers and as request bodies: key
//! extraction, the model and endpoint readers and the permission check
//! (with its clamp) return a decision, never panic; a clamped body is still
//! JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_core::request::api::ApiKind;
use tollgate_core::auth::keys::{extract, KeySource};
use tollgate_core::auth::permissions::{check, model_of, Decision, Permissions};

const APIS: [ApiKind; 6] = [
    ApiKind::ChatCompletions,
    ApiKind::Completions,
    ApiKind::Responses,
    ApiKind::Embeddings,
    ApiKind::Messages,
    ApiKind::Unknown,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let split = rest.len() / 3;
    let (a, b) = rest.split_at(split);
    let headers = [
        ("authorization", a.to_vec()),
        ("x-api-key", b.get(..b.len() / 2).unwrap_or_default().to_vec()),
    ];
    let _ = extract(KeySource::DEFAULT_ORDER, headers.iter());
    let api = APIS[usize::from(selector) % APIS.len()];
    let path = "/openai/deployments/d/chat/completions";
    let _ = model_of(api, path, rest);
    let perms: Permissions = serde_json::from_str(
        r#"{"models": ["gpt-4o*"], "max_output_tokens": 100, "on_excess": "clamp"}"#,
    )
    .expect("fixed permissions");
    if let Decision::Clamp(body) = check(&perms, api, "/v1/chat/completions", rest) {
        assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok(), "clamped body is JSON");
    }
});
