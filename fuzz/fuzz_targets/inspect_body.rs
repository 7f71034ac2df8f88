//! Arbitrary bytes as a request or response body of each API: extraction
//! returns segments or an error, never panics; every segment can be written
//! back, and writing each text back unchanged gives the same JSON value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_core::request::api::ApiKind;
use tollgate_core::request::extract;

const APIS: [ApiKind; 7] = [
    ApiKind::ChatCompletions,
    ApiKind::Completions,
    ApiKind::Responses,
    ApiKind::Embeddings,
    ApiKind::Models,
    ApiKind::Messages,
    ApiKind::Unknown,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let api = APIS[usize::from(selector) % APIS.len()];
    for extracted in [extract::request(api, body), extract::response(api, body)] {
        let Ok(x) = extracted else { continue };
        let edits: Vec<_> = x
            .segments
            .iter()
            .filter(|s| !s.loc.0.is_empty() && s.form == tollgate_core::request::TextForm::Plain)
            .map(|s| (s.loc.clone(), s.text.clone()))
            .collect();
        if edits.is_empty() {
            continue;
        }
        let rewritten = extract::rewrite(body, &edits).expect("every segment's loc can be written");
        let before: serde_json::Value = serde_json::from_slice(body).expect("it was JSON");
        let after: serde_json::Value = serde_json::from_slice(&rewritten).expect("still JSON");
        assert_eq!(before, after, "identity rewrite changed the document");
    }
    let _ = extract::append_system(api, body, "canary-123456");
});
