//! Reading request and response bodies the way the upstream reads them, into
//! [`Segment`]s, and writing redactions back.
//!
//! CONTRACT (stub; filled in by the extract work).

use crate::api::ApiKind;

use super::{Loc, Segment};

/// Why a body cannot be read as its API.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// Not UTF-8.
    #[error("body is not valid UTF-8")]
    InvalidUtf8,
    /// Not JSON.
    #[error("body is not valid JSON: {0}")]
    NotJson(String),
    /// JSON, but not the shape the API declares.
    #[error("{loc}: {message}")]
    Shape {
        /// Where.
        loc: Loc,
        /// What was expected.
        message: String,
    },
}

/// What a body holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extracted {
    /// Every piece of text, in document order.
    pub segments: Vec<Segment>,
    /// Parts the model reads that are not text (token-id arrays, images,
    /// audio): they cannot be inspected, and policy decides.
    pub opaque: Vec<Loc>,
    /// The system / developer text, concatenated (for output checks).
    pub system: String,
    /// `"stream": true` was asked for.
    pub stream: bool,
}

/// Read a request body of API `api`.
pub fn request(api: ApiKind, body: &[u8]) -> Result<Extracted, ExtractError> {
    let _ = (api, body);
    Ok(Extracted::default())
}

/// Read a (non-streamed) response body of API `api`.
pub fn response(api: ApiKind, body: &[u8]) -> Result<Extracted, ExtractError> {
    let _ = (api, body);
    Ok(Extracted::default())
}

/// Replace the JSON string values at each `Loc` with new text, splicing the
/// raw bytes so everything else stays byte-for-byte as it was. An empty `Loc`
/// replaces the whole (non-JSON) body.
pub fn rewrite(body: &[u8], edits: &[(Loc, String)]) -> Result<Vec<u8>, ExtractError> {
    let _ = edits;
    Ok(body.to_vec())
}

/// Append `text` to the system prompt of a request (adding a system message
/// if there is none), for the canary check.
pub fn append_system(api: ApiKind, body: &[u8], text: &str) -> Result<Vec<u8>, ExtractError> {
    let _ = (api, text);
    Ok(body.to_vec())
}
