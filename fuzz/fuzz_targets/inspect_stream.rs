//! Arbitrary bytes as a streamed response of each API in each framing (SSE,
//! NDJSON, the AWS event stream), cut into arbitrary chunks, through the
//! stream inspector with the default policy: never a panic, and nothing is
//! forwarded after a block.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tollgate_core::config::InspectConfig;
use tollgate_core::inspect::engine::Engine;
use tollgate_core::inspect::stream::{StreamInspector, StreamLimits};
use tollgate_core::request::api::ApiKind;
use tollgate_core::request::framing::Framing;

const APIS: [ApiKind; 13] = [
    ApiKind::ChatCompletions,
    ApiKind::Completions,
    ApiKind::Responses,
    ApiKind::Messages,
    ApiKind::OllamaChat,
    ApiKind::Gemini,
    ApiKind::TgiGenerate,
    ApiKind::LlamaCompletion,
    ApiKind::TritonGenerate,
    ApiKind::BedrockConverse,
    ApiKind::BedrockInvoke,
    ApiKind::Unknown,
    ApiKind::OllamaGenerate,
];
const FRAMINGS: [Framing; 3] = [Framing::Sse, Framing::Ndjson, Framing::EventStream];

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(&InspectConfig::default()).expect("the default builds"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Some((&cut, body)) = rest.split_first() else {
        return;
    };
    let api = APIS[usize::from(selector) % APIS.len()];
    let limits = StreamLimits {
        max_hold_bytes: 64,
        max_event_bytes: 4096,
    };
    let framing = FRAMINGS[usize::from(cut >> 4) % FRAMINGS.len()];
    let mut inspector =
        StreamInspector::framed(api, framing, limits, b"data: {\"error\":{}}\n\n".to_vec());
    let scanner = engine().stream_scanner("/v1/chat/completions", None);
    let size = usize::from(cut % 16) + 1;
    let chunks: Vec<&[u8]> = body.chunks(size).collect();
    let mut blocked = false;
    for (i, chunk) in chunks.iter().enumerate() {
        let step = inspector.push(&scanner, chunk, i + 1 == chunks.len());
        if blocked {
            assert!(step.out.is_empty(), "output after a block");
        }
        blocked |= step.blocked;
    }
});
