//! Arbitrary bodies read as every route shape (JSON, multipart forms and
//! uploads, batches): never a panic; every plain segment can be written
//! back where it was read, and writing it back unchanged leaves the body
//! readable with the same models.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_core::request::api::ApiKind;
use tollgate_core::request::catalogue::Shape;
use tollgate_core::request::{extract, TextForm};

const SHAPES: [Shape; 12] = [
    Shape::None,
    Shape::Api(ApiKind::ChatCompletions),
    Shape::Api(ApiKind::Completions),
    Shape::Api(ApiKind::Responses),
    Shape::Api(ApiKind::Embeddings),
    Shape::Api(ApiKind::Messages),
    Shape::Json {
        models: &[&["session", "model"], &["model"]],
    },
    Shape::Items,
    Shape::MessageBatches,
    Shape::BatchCreate,
    Shape::Upload,
    Shape::Form,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let shape = SHAPES[usize::from(selector) % SHAPES.len()];
    let content_type = if selector & 0x80 == 0 {
        "multipart/form-data; boundary=B"
    } else {
        "application/json"
    };
    let Ok(x) = extract::read(shape, content_type, body) else {
        return;
    };
    let _ = x.requested_output(4096);
    let edits: Vec<_> = x
        .segments
        .iter()
        .filter(|s| !s.loc.0.is_empty() && s.form == TextForm::Plain)
        .map(|s| (s.loc.clone(), s.text.clone()))
        .collect();
    if edits.is_empty() {
        return;
    }
    let Ok(rewritten) = x.rewrite(body, &edits) else {
        // A text file part whose line structure the rewrite keeps differently
        // is the only refusal the reader allows; JSON always rewrites.
        assert!(x.boundary.is_some(), "a JSON body refused its own segments");
        return;
    };
    let again = extract::read(shape, content_type, &rewritten).expect("still readable");
    assert_eq!(again.models, x.models);
});
