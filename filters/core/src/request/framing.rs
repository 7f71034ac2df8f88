//! How a streamed response is framed, and the one adapter that lets every
//! stream reader work on Server-Sent Events.
//!
//! | framing | content type | who |
//! |---|---|---|
//! | SSE | `text/event-stream` | OpenAI, Anthropic, Gemini (`alt=sse`), vLLM, TGI, llama.cpp |
//! | NDJSON | `application/x-ndjson` (and `application/jsonl`, `application/ndjson`) | Ollama |
//! | AWS event stream | `application/vnd.amazon.eventstream` | Amazon Bedrock |
//!
//! An NDJSON stream is read as SSE: each complete line becomes one event
//! whose `data` is the line ([`NdjsonIn`]); what the reader forwards (whole
//! SSE events) is written back as one line per event's data ([`to_ndjson`]).
//! An event stream's binary messages become events the same way (see
//! [`super::eventstream`]). So the inspection, hold-back, redaction and
//! usage of SSE streams apply unchanged, and the client reads the framing
//! the server writes. [`Deframer`] is the one entry point for both.

use super::eventstream::{to_eventstream, EventStreamIn, CONTENT_TYPE as EVENTSTREAM};
use super::sse::{SseError, SseItem, SseParser};

/// How a streamed response is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Server-Sent Events.
    Sse,
    /// Newline-delimited JSON.
    Ndjson,
    /// The AWS event stream (binary messages with CRCs).
    EventStream,
}

impl Framing {
    /// The framing of a response with this `content-type`, if it streams.
    pub fn of(content_type: &str) -> Option<Framing> {
        let ct = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match ct.as_str() {
            "text/event-stream" => Some(Framing::Sse),
            "application/x-ndjson"
            | "application/ndjson"
            | "application/jsonl"
            | "application/json-lines"
            | "application/x-jsonlines" => Some(Framing::Ndjson),
            EVENTSTREAM => Some(Framing::EventStream),
            _ => None,
        }
    }
}

/// A stream that is not SSE, read as SSE and written back in its framing.
#[derive(Debug)]
pub enum Deframer {
    /// NDJSON lines.
    Ndjson(NdjsonIn),
    /// AWS event stream messages.
    EventStream(EventStreamIn),
}

impl Deframer {
    /// The adapter for `framing` (`None` for SSE, read as it is), refusing
    /// a line or message over `max` bytes.
    pub fn new(framing: Framing, max: usize) -> Option<Self> {
        match framing {
            Framing::Sse => None,
            Framing::Ndjson => Some(Self::Ndjson(NdjsonIn::new(max))),
            Framing::EventStream => Some(Self::EventStream(EventStreamIn::new(max))),
        }
    }

    /// Appends to `out` the SSE bytes of what `bytes` completes (at `end`,
    /// of the rest), the events complete before an error (a corrupt message
    /// or an over-long line) included: what a body decodes to does not
    /// depend on how it was cut into chunks. An error is final.
    pub fn push(&mut self, bytes: &[u8], end: bool, out: &mut Vec<u8>) -> Result<(), SseError> {
        match self {
            Self::Ndjson(a) => a.push(bytes, end, out),
            Self::EventStream(a) => a.push(bytes, end, out),
        }
    }

    /// Bytes held of an incomplete line or message.
    pub fn buffered_bytes(&self) -> usize {
        match self {
            Self::Ndjson(a) => a.buffered_bytes(),
            Self::EventStream(a) => a.buffered_bytes(),
        }
    }

    /// Whole SSE events written back in this framing.
    pub fn reframe(&self, sse: &[u8]) -> Vec<u8> {
        match self {
            Self::Ndjson(_) => to_ndjson(sse),
            Self::EventStream(_) => to_eventstream(sse),
        }
    }
}

/// NDJSON in, SSE out: complete lines become `data: <line>` events; a line
/// over `max_line` bytes is an error (the stream cannot be inspected).
#[derive(Debug)]
pub struct NdjsonIn {
    line: Vec<u8>,
    max_line: usize,
    /// A line was too large: the stream ends here.
    failed: bool,
}

impl NdjsonIn {
    /// An adapter refusing lines over `max_line` bytes.
    pub fn new(max_line: usize) -> Self {
        Self {
            line: Vec::new(),
            max_line,
            failed: false,
        }
    }

    /// Bytes held of an incomplete line.
    pub fn buffered_bytes(&self) -> usize {
        self.line.len()
    }

    /// Appends to `out` the SSE bytes of the complete lines in `bytes`
    /// (and, at `end`, of the last line even without its newline); blank
    /// lines are dropped. The lines before an over-long one are kept; the
    /// error is final.
    pub fn push(&mut self, bytes: &[u8], end: bool, out: &mut Vec<u8>) -> Result<(), SseError> {
        let too_large = SseError::EventTooLarge { max: self.max_line };
        if self.failed {
            return Err(too_large);
        }
        let mut rest = bytes;
        loop {
            let (head, tail, complete) = match memchr::memchr(b'\n', rest) {
                Some(at) => {
                    let (head, tail) = rest.split_at(at);
                    (head, tail.get(1..).unwrap_or_default(), true)
                }
                None => (rest, &[][..], false),
            };
            // A line is too large once it is, complete or not: the bound
            // does not depend on where the chunks were cut.
            if self.line.len().saturating_add(head.len()) > self.max_line {
                self.failed = true;
                self.line.clear();
                return Err(too_large);
            }
            self.line.extend_from_slice(head);
            if !complete {
                break;
            }
            self.emit(out);
            rest = tail;
        }
        if end {
            self.emit(out);
        }
        Ok(())
    }

    fn emit(&mut self, out: &mut Vec<u8>) {
        let line = std::mem::take(&mut self.line);
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(line);
        out.extend_from_slice(b"\n\n");
    }
}

/// Whole SSE events (as a stream reader forwards them) written as NDJSON:
/// each event's data on a line; comments and events without data dropped.
pub fn to_ndjson(sse: &[u8]) -> Vec<u8> {
    let mut parser = SseParser::new(usize::MAX);
    let mut items = Vec::new();
    if parser.push(sse, &mut items).is_err() || parser.finish(&mut items).is_err() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(sse.len());
    for item in items {
        if let SseItem::Event(ev) = item {
            if let Some(data) = ev.data {
                out.extend_from_slice(data.as_bytes());
                out.push(b'\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndjson_round_trips_through_sse_at_any_cut() {
        let stream = "{\"a\":1}\n{\"b\":\"x\"}\r\n\n{\"c\":3}";
        for cut in 0..=stream.len() {
            let (x, y) = stream.as_bytes().split_at(cut);
            let mut a = NdjsonIn::new(1024);
            let mut sse = Vec::new();
            a.push(x, false, &mut sse).unwrap();
            a.push(y, true, &mut sse).unwrap();
            assert_eq!(
                String::from_utf8(to_ndjson(&sse)).unwrap(),
                "{\"a\":1}\n{\"b\":\"x\"}\n{\"c\":3}\n",
                "cut at {cut}"
            );
        }
        let mut a = NdjsonIn::new(4);
        assert!(a.push(b"{\"long\":1", false, &mut Vec::new()).is_err());
        assert_eq!(Framing::of("application/x-ndjson"), Some(Framing::Ndjson));
        assert_eq!(
            Framing::of("text/event-stream; charset=utf-8"),
            Some(Framing::Sse)
        );
        assert_eq!(Framing::of("application/json"), None);
    }
}
