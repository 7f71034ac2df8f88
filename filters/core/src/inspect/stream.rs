//! Streamed responses: rebuild each choice's / content block's text across
//! SSE events, scan it with a bounded hold-back window, rewrite the events.
//!
//! CONTRACT (stub; filled in by the stream work).

use crate::api::ApiKind;

use super::Match;

/// What to do with a finding in a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamAction {
    /// Replace the matched text with [`super::redaction_label`].
    Redact,
    /// End the stream with the error event.
    Block,
    /// Forward unchanged, but report.
    Audit,
}

/// A finding with the action policy chose for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamFinding {
    /// What matched, with offsets into the text passed to
    /// [`TextScanner::scan`].
    pub m: Match,
    /// What to do.
    pub action: StreamAction,
}

/// The detectors and policy, as a stream sees them.
pub trait TextScanner {
    /// Append every finding in `text` to `out`.
    fn scan(&self, text: &str, out: &mut Vec<StreamFinding>);
    /// The earliest byte offset of `text` from which bytes must be held back
    /// because a match could start there and is not complete yet.
    fn hold_from(&self, text: &str) -> usize;
}

/// Bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamLimits {
    /// The most text held back per channel before it is scanned and released
    /// regardless.
    pub max_hold_bytes: usize,
    /// The largest SSE event accepted.
    pub max_event_bytes: usize,
}

impl Default for StreamLimits {
    fn default() -> Self {
        Self {
            max_hold_bytes: 4096,
            max_event_bytes: 1024 * 1024,
        }
    }
}

/// What one push produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamStep {
    /// Bytes to forward now, in place of the chunk.
    pub out: Vec<u8>,
    /// Findings in the text released by this push.
    pub findings: Vec<StreamFinding>,
    /// The stream was ended with the error event; forward nothing after.
    pub blocked: bool,
}

/// One streamed response being inspected.
#[derive(Debug)]
pub struct StreamInspector {
    done: bool,
}

impl StreamInspector {
    /// Inspect a stream of API `api`; `error_event` is the complete SSE event
    /// (see [`super::sse::error_event`]) that ends a blocked stream.
    pub fn new(api: ApiKind, limits: StreamLimits, error_event: Vec<u8>) -> Self {
        let _ = (api, limits, error_event);
        Self { done: false }
    }

    /// Feed the next chunk of the response body.
    pub fn push<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        chunk: &[u8],
        end_of_stream: bool,
    ) -> StreamStep {
        let _ = (scanner, end_of_stream);
        if self.done {
            return StreamStep::default();
        }
        StreamStep {
            out: chunk.to_vec(),
            ..StreamStep::default()
        }
    }
}
