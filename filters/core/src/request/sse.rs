//! An incremental Server-Sent Events parser and encoder, and the error event
//! that ends a blocked stream.
//!
//! ```
//! use tollgate_core::request::sse::{encode_event, SseItem, SseParser};
//!
//! let mut parser = SseParser::new(1 << 20);
//! let mut items = Vec::new();
//! // Bytes arrive in any chunking: here split inside "\r\n" and inside "é".
//! parser.push(b"event: delta\r", &mut items)?;
//! parser.push(b"\ndata: caf\xc3", &mut items)?;
//! parser.push(b"\xa9\r\n\r\n", &mut items)?;
//! let [SseItem::Event(ev)] = items.as_slice() else { panic!() };
//! assert_eq!(ev.event.as_deref(), Some("delta"));
//! assert_eq!(ev.data.as_deref(), Some("café"));
//! let mut out = Vec::new();
//! encode_event(ev, &mut out);
//! assert_eq!(out, "event: delta\ndata: café\n\n".as_bytes());
//! # Ok::<(), tollgate_core::request::sse::SseError>(())
//! ```
//!
//! # Design
//! - **Any chunking.** The parser keeps only the current, incomplete line and
//!   the fields of the current, undispatched event between calls. A line is
//!   decoded once it is complete, so a chunk boundary inside a UTF-8 sequence
//!   costs nothing; a `\r` at the end of a chunk ends the line and a `\n`
//!   opening the next chunk is skipped, so a split `\r\n` is one line ending,
//!   not two.
//! - **The spec's interpretation** (WHATWG HTML, "event stream
//!   interpretation"): LF, CRLF and CR line endings; one leading BOM stripped;
//!   `event`, `data` (several lines joined with `\n`), `id` (ignored if it
//!   holds NUL), `retry` (digits only), comments (`:`), unknown fields
//!   ignored; an event with no `data` line is not dispatched (but its `id` /
//!   `retry` are kept, see [`SseEvent`]). Invalid UTF-8 is decoded with
//!   U+FFFD, as the spec says.
//! - **Bounded memory.** An event (or a single line, comments included) over
//!   `max_event_bytes` is an error: such an event cannot be inspected and
//!   must not be forwarded.
//! - **Canonical re-encoding.** [`encode_event`] writes LF endings and
//!   `field: value` lines. The stream inspector forwards what it parsed, in
//!   this form, never the upstream's raw bytes: what the client parses is
//!   byte for byte what was inspected, so no difference between two SSE
//!   parsers (a stray CR, a BOM, a NUL in an id) can smuggle text past it.
//! - **End of stream.** [`SseParser::finish`] treats the stream as if it
//!   ended with a blank line: a last event without its final blank line (or
//!   even its final line ending) is dispatched, so it is inspected rather
//!   than silently dropped. The spec would discard it; a truncated JSON
//!   payload then fails to parse and the stream inspector blocks.

use serde_json::{Map, Value};

use crate::error::{ErrorFlavor, ErrorKind, ErrorReply};
use crate::request::api::ApiKind;

/// One dispatched Server-Sent Event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field (the event type), if any.
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`; `None` when the event had no
    /// `data` line (then it only carries `id` / `retry`).
    pub data: Option<String>,
    /// The `id:` field, if any.
    pub id: Option<String>,
    /// The `retry:` field (milliseconds), if any.
    pub retry: Option<u64>,
}

impl SseEvent {
    /// An event with only data.
    pub fn data(data: impl Into<String>) -> Self {
        Self {
            data: Some(data.into()),
            ..Self::default()
        }
    }

    /// An event with a type and data.
    pub fn named(event: impl Into<String>, data: impl Into<String>) -> Self {
        Self {
            event: Some(event.into()),
            data: Some(data.into()),
            ..Self::default()
        }
    }
}

/// What the parser yields, in stream order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SseItem {
    /// A complete event.
    Event(SseEvent),
    /// A comment line (`:` and the text after it, without the colon).
    Comment(String),
}

/// Why a stream cannot be parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    /// An event (or one line) is over the configured bound.
    #[error("server-sent event larger than {max} bytes")]
    EventTooLarge {
        /// The bound.
        max: usize,
    },
    /// A binary framing read as SSE (the AWS event stream) is corrupt,
    /// or carries a payload that is not UTF-8.
    #[error("stream framing cannot be decoded")]
    Undecodable,
}

/// The fields of the event being read.
#[derive(Debug, Default)]
struct Pending {
    event: Option<String>,
    data: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
}

/// An incremental SSE parser: feed bytes in any chunking, collect
/// [`SseItem`]s.
#[derive(Debug)]
pub struct SseParser {
    max_event_bytes: usize,
    /// The current, incomplete line.
    line: Vec<u8>,
    /// The last chunk ended with `\r`: a `\n` at the start of the next one
    /// belongs to the same line ending.
    skip_lf: bool,
    /// The first line has been seen (a BOM can only open it).
    started: bool,
    /// Bytes of the completed lines of the current event.
    event_bytes: usize,
    pending: Pending,
    failed: Option<SseError>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl SseParser {
    /// A parser that refuses events (and lines) over `max_event_bytes`.
    pub fn new(max_event_bytes: usize) -> Self {
        Self {
            max_event_bytes,
            line: Vec::new(),
            skip_lf: false,
            started: false,
            event_bytes: 0,
            pending: Pending::default(),
            failed: None,
        }
    }

    /// Bytes held for an incomplete line or event.
    pub fn buffered_bytes(&self) -> usize {
        self.event_bytes.saturating_add(self.line.len())
    }

    /// Parse `bytes`, appending every item completed by them to `out`.
    ///
    /// On error the items completed before the offending event are in
    /// `out`; the parser stays failed (later calls return the same error).
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<SseItem>) -> Result<(), SseError> {
        if let Some(err) = self.failed {
            return Err(err);
        }
        let mut rest = bytes;
        if self.skip_lf && !rest.is_empty() {
            self.skip_lf = false;
            if let Some((b'\n', tail)) = rest.split_first() {
                rest = tail;
            }
        }
        while !rest.is_empty() {
            let Some(pos) = memchr::memchr2(b'\n', b'\r', rest) else {
                self.line.extend_from_slice(rest);
                self.check_size()?;
                break;
            };
            let (head, tail) = rest.split_at_checked(pos).unwrap_or((rest, &[]));
            // A line wholly in this chunk is read where it lies, not copied.
            let direct = self.line.is_empty();
            if direct {
                self.check_line(head.len())?;
            } else {
                self.line.extend_from_slice(head);
                self.check_size()?;
            }
            // `tail` starts with the line ending.
            let (ending, after) = tail
                .split_first()
                .map_or((b'\n', &[][..]), |(b, a)| (*b, a));
            rest = after;
            if ending == b'\r' {
                match rest.split_first() {
                    Some((b'\n', after_lf)) => rest = after_lf,
                    None => self.skip_lf = true,
                    Some(_) => {}
                }
            }
            if direct {
                self.line_done(head, out);
            } else {
                let line = std::mem::take(&mut self.line);
                self.line_done(&line, out);
                self.line = line;
                self.line.clear();
            }
        }
        Ok(())
    }

    /// End of stream: the last line and event are completed as if the
    /// stream had ended with a blank line, and dispatched.
    pub fn finish(&mut self, out: &mut Vec<SseItem>) -> Result<(), SseError> {
        if let Some(err) = self.failed {
            return Err(err);
        }
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.line_done(&line, out);
        }
        self.dispatch(out);
        self.skip_lf = false;
        Ok(())
    }

    fn check_size(&mut self) -> Result<(), SseError> {
        self.check_line(self.line.len())
    }

    /// Whether a line of `len` bytes keeps the event within its bound.
    fn check_line(&mut self, len: usize) -> Result<(), SseError> {
        if len.saturating_add(self.event_bytes) > self.max_event_bytes {
            let err = SseError::EventTooLarge {
                max: self.max_event_bytes,
            };
            self.failed = Some(err);
            self.line = Vec::new();
            self.pending = Pending::default();
            return Err(err);
        }
        Ok(())
    }

    fn line_done(&mut self, raw: &[u8], out: &mut Vec<SseItem>) {
        let mut bytes = raw;
        if !self.started {
            self.started = true;
            bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
        }
        if bytes.is_empty() {
            self.dispatch(out);
            return;
        }
        // `from_utf8` checks ASCII a word at a time; `from_utf8_lossy`
        // walks every byte even when there is nothing to replace.
        let text = match std::str::from_utf8(bytes) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        if let Some(comment) = text.strip_prefix(':') {
            out.push(SseItem::Comment(comment.to_owned()));
            return;
        }
        self.event_bytes = self
            .event_bytes
            .saturating_add(bytes.len())
            .saturating_add(1);
        let (field, value) = text.split_once(':').unwrap_or((&text, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => self.pending.event = Some(value.to_owned()),
            "data" => match &mut self.pending.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.pending.data = Some(value.to_owned()),
            },
            "id" if !value.contains('\0') => self.pending.id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(ms) = value.parse() {
                    self.pending.retry = Some(ms);
                }
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<SseItem>) {
        let pending = std::mem::take(&mut self.pending);
        self.event_bytes = 0;
        // No data: not an event (the spec); keep it only for its id / retry,
        // which a reconnecting client needs.
        if pending.data.is_some() || pending.id.is_some() || pending.retry.is_some() {
            out.push(SseItem::Event(SseEvent {
                event: pending.event.filter(|_| pending.data.is_some()),
                data: pending.data,
                id: pending.id,
                retry: pending.retry,
            }));
        }
    }
}

/// Append one field line, splitting a value that holds line breaks into one
/// line per piece (the only way SSE can carry them; `data` is rejoined with
/// `\n` by the client).
fn push_field(out: &mut Vec<u8>, name: &str, value: &str) {
    // One line per piece between line breaks (`\r` and `\n` each break).
    let mut rest = value.as_bytes();
    // One line without a break, nearly always, and the event's blank line:
    // one allocation at most.
    out.reserve(name.len().saturating_add(rest.len()).saturating_add(4));
    loop {
        let brk = memchr::memchr2(b'\n', b'\r', rest);
        let piece = rest.get(..brk.unwrap_or(rest.len())).unwrap_or_default();
        out.extend_from_slice(name.as_bytes());
        if piece.is_empty() {
            out.extend_from_slice(b":\n");
        } else {
            out.extend_from_slice(b": ");
            out.extend_from_slice(piece);
            out.push(b'\n');
        }
        match brk {
            Some(i) => rest = rest.get(i.saturating_add(1)..).unwrap_or_default(),
            None => break,
        }
    }
}

/// Append `ev`, in canonical form (LF endings, `field: value`), ending with
/// the blank line that dispatches it.
pub fn encode_event(ev: &SseEvent, out: &mut Vec<u8>) {
    if let Some(event) = ev.event.as_deref().filter(|e| !e.is_empty()) {
        // An event type cannot span lines; a line break would start a field.
        push_field(out, "event", event.split(['\n', '\r']).next().unwrap_or(""));
    }
    if let Some(id) = &ev.id {
        push_field(out, "id", id.split(['\n', '\r']).next().unwrap_or(""));
    }
    if let Some(retry) = ev.retry {
        push_field(out, "retry", &retry.to_string());
    }
    if let Some(data) = &ev.data {
        if memchr::memchr(b'\r', data.as_bytes()).is_some() {
            // `\r\n` is one break, as the parser reads it.
            push_field(out, "data", &data.replace("\r\n", "\n"));
        } else {
            push_field(out, "data", data);
        }
    }
    out.push(b'\n');
}

/// Append a comment line. No blank line follows: an extra blank line can
/// make some clients dispatch an empty event (the openai Python SDK does once
/// it has seen an `id`).
pub fn encode_comment(comment: &str, out: &mut Vec<u8>) {
    out.push(b':');
    out.extend_from_slice(comment.split(['\n', '\r']).next().unwrap_or("").as_bytes());
    out.push(b'\n');
}

/// Append an item, as [`encode_event`] / [`encode_comment`].
pub fn encode_item(item: &SseItem, out: &mut Vec<u8>) {
    match item {
        SseItem::Event(ev) => encode_event(ev, out),
        SseItem::Comment(c) => encode_comment(c, out),
    }
}

/// The SSE bytes that end a blocked stream, in the shape the API's SDK
/// raises as an error:
///
/// | API | bytes | client |
/// |---|---|---|
/// | chat / completions (and anything not below) | `data: {"error":{…}}` then `data: [DONE]` | the openai SDKs raise `APIError` on a data object with an `error` key; the `[DONE]` lets clients that wait for the terminator (hand-written loops, some frameworks) end cleanly |
/// | Anthropic messages | `event: error` with `{"type":"error","error":{"type","message"},…}` | the anthropic SDKs raise the status error for an `error` event |
/// | Ollama, Gemini | `data:` one object in the API's error shape (no terminator) | the `ollama` client raises `ResponseError`, google-genai its API error |
/// | Bedrock | `event: exception:<type>` with `{"message":…}`, written as an event stream exception message | botocore raises `EventStreamError` (a `ClientError`) with the type as its code |
/// | responses | `event: error` with `{"type":"error","code","message","param","sequence_number","error":{…}}` | the documented flat `ResponseErrorEvent` fields for typed clients, and the nested `error` object the live API actually sends, on which the openai Python SDK raises `APIError` |
///
/// The responses event's `sequence_number` is 0 here;
/// [`super::stream::StreamInspector`] renumbers it to follow the last event
/// it forwarded.
pub fn error_event(api: ApiKind, reply: &ErrorReply) -> Vec<u8> {
    let mut out = Vec::new();
    match api {
        ApiKind::Messages => {
            let body = String::from_utf8_lossy(&reply.body(ErrorFlavor::Anthropic)).into_owned();
            encode_event(&SseEvent::named("error", body), &mut out);
        }
        ApiKind::Responses => {
            let opt = |v: Option<&String>| v.map_or(Value::Null, |s| Value::String(s.clone()));
            let mut error = Map::new();
            error.insert(
                "type".into(),
                Value::String(reply.kind.type_str(ErrorFlavor::OpenAi).into()),
            );
            error.insert("code".into(), opt(reply.code.as_ref()));
            error.insert("message".into(), Value::String(reply.message.clone()));
            error.insert("param".into(), opt(reply.param.as_ref()));
            let mut event = Map::new();
            event.insert("type".into(), Value::String("error".into()));
            event.insert("code".into(), opt(reply.code.as_ref()));
            event.insert("message".into(), Value::String(reply.message.clone()));
            event.insert("param".into(), opt(reply.param.as_ref()));
            event.insert("sequence_number".into(), Value::from(0u64));
            event.insert("error".into(), Value::Object(error));
            let body = serde_json::to_string(&Value::Object(event)).unwrap_or_else(|_| {
                r#"{"type":"error","code":null,"message":"internal error","param":null,"sequence_number":0,"error":{"type":"server_error","code":null,"message":"internal error","param":null}}"#.to_owned()
            });
            encode_event(&SseEvent::named("error", body), &mut out);
        }
        // One object in the API's own error shape: Ollama's client raises
        // `ResponseError` on a line with `error` (NDJSON: the event's data
        // becomes the line), google-genai raises on a chunk with `error`.
        api @ (ApiKind::OllamaChat
        | ApiKind::OllamaGenerate
        | ApiKind::OllamaEmbed
        | ApiKind::Gemini
        | ApiKind::GeminiEmbed) => {
            let body = String::from_utf8_lossy(&reply.body(api.flavor())).into_owned();
            encode_event(&SseEvent::data(body), &mut out);
        }
        // An exception message of the event stream (see
        // `request::eventstream`): botocore raises `EventStreamError` with
        // its type as the error code, one of those the stream's API model
        // declares.
        ApiKind::BedrockConverse | ApiKind::BedrockInvoke => {
            let ty = match reply.kind {
                ErrorKind::RateLimited { .. } => "throttlingException",
                ErrorKind::Unavailable => "serviceUnavailableException",
                ErrorKind::Internal => "internalServerException",
                _ => "validationException",
            };
            let body = String::from_utf8_lossy(&reply.body(ErrorFlavor::Bedrock)).into_owned();
            encode_event(&SseEvent::named(format!("exception:{ty}"), body), &mut out);
        }
        _ => {
            let body = String::from_utf8_lossy(&reply.body(ErrorFlavor::OpenAi)).into_owned();
            encode_event(&SseEvent::data(body), &mut out);
            encode_event(&SseEvent::data("[DONE]"), &mut out);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn parse_all(chunks: &[&[u8]], max: usize) -> (Vec<SseItem>, Result<(), SseError>) {
        let mut p = SseParser::new(max);
        let mut items = Vec::new();
        for c in chunks {
            if let Err(e) = p.push(c, &mut items) {
                return (items, Err(e));
            }
        }
        let r = p.finish(&mut items);
        (items, r)
    }

    fn events(items: &[SseItem]) -> Vec<SseEvent> {
        items
            .iter()
            .filter_map(|i| match i {
                SseItem::Event(e) => Some(e.clone()),
                SseItem::Comment(_) => None,
            })
            .collect()
    }

    const STREAM: &[u8] = "\u{feff}: hello\r\nevent: a\r\ndata: one\r\ndata:two\r\nid: 7\r\n\r\ndata: caf\u{e9} \u{1f600}\n\ndata: x\rretry: 300\r\r:c2\nevent: b\ndata:  sp\n\n".as_bytes();

    fn expected() -> Vec<SseItem> {
        vec![
            SseItem::Comment(" hello".into()),
            SseItem::Event(SseEvent {
                event: Some("a".into()),
                data: Some("one\ntwo".into()),
                id: Some("7".into()),
                retry: None,
            }),
            SseItem::Event(SseEvent::data("caf\u{e9} \u{1f600}")),
            SseItem::Event(SseEvent {
                data: Some("x".into()),
                retry: Some(300),
                ..SseEvent::default()
            }),
            SseItem::Comment("c2".into()),
            SseItem::Event(SseEvent::named("b", " sp")),
        ]
    }

    #[test]
    fn parses_fields_endings_bom_and_comments() {
        let (items, r) = parse_all(&[STREAM], 1 << 20);
        r.unwrap();
        assert_eq!(items, expected());
    }

    #[test]
    fn every_split_point_and_byte_at_a_time_give_the_same_items() {
        for cut in 0..=STREAM.len() {
            let (a, b) = STREAM.split_at(cut);
            let (items, r) = parse_all(&[a, b], 1 << 20);
            r.unwrap();
            assert_eq!(items, expected(), "cut at {cut}");
        }
        let bytes: Vec<&[u8]> = STREAM.chunks(1).collect();
        let (items, r) = parse_all(&bytes, 1 << 20);
        r.unwrap();
        assert_eq!(items, expected());
    }

    #[test]
    fn crlf_split_across_chunks_is_one_line_ending() {
        let (items, r) = parse_all(&[b"data: a\r", b"\n", b"\r", b"\ndata: b\r\n\r\n"], 64);
        r.unwrap();
        assert_eq!(
            events(&items),
            vec![SseEvent::data("a"), SseEvent::data("b")]
        );
    }

    #[test]
    fn bom_only_at_the_start_and_split() {
        let (items, _) = parse_all(&[b"\xEF", b"\xBB", b"\xBFdata: x\n\n"], 64);
        assert_eq!(events(&items), vec![SseEvent::data("x")]);
        // A BOM later is part of the field name: an unknown field, ignored.
        let (items, _) = parse_all(&[b"data: x\n\n\xEF\xBB\xBFdata: y\n\n"], 64);
        assert_eq!(events(&items), vec![SseEvent::data("x")]);
    }

    #[test]
    fn spec_edge_cases() {
        // No data: not dispatched unless it carries id / retry.
        let (items, _) = parse_all(&[b"event: x\n\nid: 5\n\n"], 64);
        assert_eq!(
            events(&items),
            vec![SseEvent {
                id: Some("5".into()),
                ..SseEvent::default()
            }]
        );
        // Empty data line dispatches an empty data; field without colon.
        let (items, _) = parse_all(&[b"data\n\ndata:\ndata:\n\n"], 64);
        assert_eq!(
            events(&items),
            vec![SseEvent::data(""), SseEvent::data("\n")]
        );
        // NUL in id ignored, bad retry ignored, unknown fields ignored.
        let (items, _) = parse_all(&[b"id: a\0b\nretry: 1x\nfoo: bar\ndata: d\n\n"], 64);
        assert_eq!(events(&items), vec![SseEvent::data("d")]);
        // Invalid UTF-8 becomes U+FFFD.
        let (items, _) = parse_all(&[b"data: \xff\n\n"], 64);
        assert_eq!(events(&items), vec![SseEvent::data("\u{fffd}")]);
    }

    #[test]
    fn end_of_stream_dispatches_the_last_event() {
        let (items, _) = parse_all(&[b"data: a\n\ndata: [DONE]"], 64);
        assert_eq!(
            events(&items),
            vec![SseEvent::data("a"), SseEvent::data("[DONE]")]
        );
        let (items, _) = parse_all(&[b"data: a\r"], 64);
        assert_eq!(events(&items), vec![SseEvent::data("a")]);
    }

    #[test]
    fn oversize_event_and_line_are_errors_after_the_good_events() {
        let (items, r) = parse_all(&[b"data: ok\n\ndata: 0123456789\ndata: 0123456789\n"], 24);
        assert_eq!(events(&items), vec![SseEvent::data("ok")]);
        assert_eq!(r, Err(SseError::EventTooLarge { max: 24 }));
        let mut p = SseParser::new(8);
        let mut items = Vec::new();
        assert!(p.push(b": a very long comment", &mut items).is_err());
        // Stays failed.
        assert!(p.push(b"\n\n", &mut items).is_err());
        assert!(p.finish(&mut items).is_err());
        // A long line split over chunks is caught before it ends.
        let mut p = SseParser::new(8);
        assert!(p.push(b"data: 1234", &mut items).is_err());
    }

    #[test]
    fn encode_round_trips() {
        let evs = vec![
            SseEvent {
                event: Some("e".into()),
                data: Some("l1\nl2\n\n l4".into()),
                id: Some("9".into()),
                retry: Some(5),
            },
            SseEvent::data(""),
            SseEvent::data("a\r\nb\rc"),
        ];
        let mut out = Vec::new();
        for e in &evs {
            encode_event(e, &mut out);
        }
        encode_comment("note", &mut out);
        let (items, r) = parse_all(&[&out], 1 << 10);
        r.unwrap();
        let mut want = evs.clone();
        want[2] = SseEvent::data("a\nb\nc");
        assert_eq!(events(&items), want);
        assert_eq!(items.last(), Some(&SseItem::Comment("note".into())));
    }

    fn one_event(bytes: &[u8]) -> Vec<SseEvent> {
        let (items, r) = parse_all(&[bytes], 1 << 16);
        r.unwrap();
        events(&items)
    }

    #[test]
    fn error_events_per_api() {
        let reply = ErrorReply::new(ErrorKind::InvalidRequest, "blocked by policy", "req_1")
            .with_code("content_blocked");
        // OpenAI chat: data {"error":...} then [DONE].
        let evs = one_event(&error_event(ApiKind::ChatCompletions, &reply));
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[0].event, None);
        let v: Value = serde_json::from_str(evs[0].data.as_deref().unwrap()).unwrap();
        assert_eq!(v["error"]["message"], "blocked by policy");
        assert_eq!(v["error"]["code"], "content_blocked");
        assert_eq!(v["error"]["type"], "invalid_request_error");
        assert_eq!(evs[1].data.as_deref(), Some("[DONE]"));
        // Anthropic.
        let evs = one_event(&error_event(ApiKind::Messages, &reply));
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].event.as_deref(), Some("error"));
        let v: Value = serde_json::from_str(evs[0].data.as_deref().unwrap()).unwrap();
        assert_eq!(v["type"], "error");
        assert_eq!(v["error"]["type"], "invalid_request_error");
        assert_eq!(v["error"]["message"], "blocked by policy");
        // Responses.
        let evs = one_event(&error_event(ApiKind::Responses, &reply));
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].event.as_deref(), Some("error"));
        let v: Value = serde_json::from_str(evs[0].data.as_deref().unwrap()).unwrap();
        assert_eq!(v["type"], "error");
        assert_eq!(v["code"], "content_blocked");
        assert_eq!(v["message"], "blocked by policy");
        assert_eq!(v["param"], Value::Null);
        assert_eq!(v["sequence_number"], 0);
        assert_eq!(v["error"]["message"], "blocked by policy");
        assert_eq!(v["error"]["type"], "invalid_request_error");
    }
}
