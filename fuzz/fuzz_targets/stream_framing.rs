//! The stream decoders on their own: arbitrary bytes as an NDJSON or AWS
//! event-stream body, decoded into SSE by `request::framing::Deframer` and
//! metered by `throttle::stream::StreamMeter` (what a stream is charged),
//! each under two different chunkings. Properties: never a panic; the SSE
//! a body decodes to does not depend on where its chunks were cut (or it
//! fails under both); and neither does the usage the meter reads, so a
//! client or an upstream cannot lower a charge by how it splits writes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_core::request::api::ApiKind;
use tollgate_core::request::framing::{Deframer, Framing};
use tollgate_core::throttle::stream::StreamMeter;

const APIS: [ApiKind; 8] = [
    ApiKind::ChatCompletions,
    ApiKind::Messages,
    ApiKind::OllamaChat,
    ApiKind::OllamaGenerate,
    ApiKind::Gemini,
    ApiKind::BedrockConverse,
    ApiKind::BedrockInvoke,
    ApiKind::LlamaCompletion,
];
const FRAMINGS: [Framing; 3] = [Framing::Sse, Framing::Ndjson, Framing::EventStream];

/// The decoded SSE of `body` cut into `size`-byte chunks, or `None` if
/// decoding failed.
fn decode(framing: Framing, body: &[u8], size: usize) -> Option<Vec<u8>> {
    let mut d = Deframer::new(framing, 4096)?;
    let mut out = Vec::new();
    let chunks: Vec<&[u8]> = body.chunks(size).collect();
    if chunks.is_empty() {
        return {
            let mut out = Vec::new();
            d.push(&[], true, &mut out).ok().map(|()| out)
        };
    }
    for (i, c) in chunks.iter().enumerate() {
        d.push(c, i + 1 == chunks.len(), &mut out).ok()?;
    }
    Some(out)
}

fn meter(api: ApiKind, framing: Framing, body: &[u8], size: usize) -> (u64, u64, u64, bool) {
    let mut m = StreamMeter::framed(api, framing, 7, false, false);
    let chunks: Vec<&[u8]> = body.chunks(size).collect();
    if chunks.is_empty() {
        m.push(&[], true, None, &Vec::new);
    }
    for (i, c) in chunks.iter().enumerate() {
        m.push(c, i + 1 == chunks.len(), None, &Vec::new);
    }
    let u = m.usage();
    (
        u.input_tokens,
        u.cached_input_tokens,
        u.output_tokens,
        u.estimated,
    )
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Some((&cuts, body)) = rest.split_first() else {
        return;
    };
    let api = APIS[usize::from(selector) % APIS.len()];
    let framing = FRAMINGS[usize::from(selector >> 4) % FRAMINGS.len()];
    let a = usize::from(cuts & 0x0f) + 1;
    let b = usize::from(cuts >> 4) + 1;
    if framing != Framing::Sse {
        assert_eq!(
            decode(framing, body, a),
            decode(framing, body, b),
            "{framing:?}: chunks of {a} and {b} decode differently"
        );
    }
    assert_eq!(
        meter(api, framing, body, a),
        meter(api, framing, body, b),
        "{api:?} {framing:?}: chunks of {a} and {b} meter differently"
    );
    assert_eq!(
        meter(api, framing, body, a),
        meter(api, framing, body, body.len().max(1)),
        "{api:?} {framing:?}: chunks of {a} and the whole body meter differently"
    );
});
