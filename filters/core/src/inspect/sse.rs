//! An incremental Server-Sent Events parser and encoder.
//!
//! CONTRACT (stub; filled in by the stream work).

use crate::api::ApiKind;
use crate::error::ErrorReply;

/// The SSE event that ends a blocked stream, in the shape the API's SDK
/// raises as an error (OpenAI: `data: {"error":{...}}`; Anthropic:
/// `event: error` with `{"type":"error",...}`; responses API: an `error`
/// event).
pub fn error_event(api: ApiKind, reply: &ErrorReply) -> Vec<u8> {
    let mut out = b"data: ".to_vec();
    out.extend_from_slice(&reply.body(api.flavor()));
    out.extend_from_slice(b"\n\n");
    out
}
