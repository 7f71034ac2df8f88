//! The AWS event stream (`application/vnd.amazon.eventstream`): the binary
//! framing of Amazon Bedrock's streaming responses (`ConverseStream`,
//! `InvokeModelWithResponseStream`), read as SSE so that the one stream
//! inspector and meter apply to it (see [`super::framing`]).
//!
//! # The wire format
//! Each message is a prelude — total length and headers length (big-endian
//! `u32`s) and the CRC-32 of those 8 bytes — then the headers, the payload,
//! and the CRC-32 of everything before it. A header is a one-byte name
//! length, the name, a one-byte value type and the value (type 7, a string,
//! is a `u16` length and UTF-8 bytes). Bedrock's messages carry
//! `:message-type` (`event`, `exception` or `error`), `:event-type`
//! (`messageStart`, `contentBlockDelta`, …, `chunk`) or `:exception-type`,
//! and `:content-type`.
//!
//! # As SSE
//! | message | SSE event |
//! |---|---|
//! | event `chunk` (`{"bytes":"<base64>"}`: a model's own stream event, InvokeModelWithResponseStream) | `event: chunk`, `data:` the decoded bytes |
//! | any other event `T` | `event: T`, `data:` the payload |
//! | exception `X` | `event: exception:X`, `data:` the payload (`{"message":…}`) |
//! | error with `:error-code` `C` | `event: error:C`, `data: {"message": :error-message}` |
//!
//! Written back ([`to_eventstream`]), each SSE event becomes the message it
//! came from (an event without a name is a `chunk`), with fresh CRCs; the
//! decoded `chunk` bytes are encoded again. A message whose CRCs do not
//! check, over the size bound, or whose payload is not UTF-8 is an error:
//! the stream cannot be inspected and is refused, never passed unread.

use super::sse::{SseError, SseEvent, SseItem, SseParser};
use base64::Engine as _;

/// Bytes of the prelude: total length, headers length, prelude CRC.
const PRELUDE: usize = 12;
/// Bytes of the message CRC at the end.
const TRAILER: usize = 4;
/// AWS's own bound on one message (16 MiB).
pub const MAX_MESSAGE_BYTES: usize = 16 << 20;

/// The content type of an AWS event stream.
pub const CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";

/// One decoded message: its string headers and payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// Headers whose values are strings, in wire order (others are kept
    /// out: Bedrock sends none).
    pub headers: Vec<(String, String)>,
    /// The payload.
    pub payload: Vec<u8>,
}

impl Message {
    /// The value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The message's bytes on the wire.
    pub fn encode(&self) -> Vec<u8> {
        let mut headers = Vec::new();
        for (name, value) in &self.headers {
            // Names are at most 255 bytes and values 65,535; the headers
            // written here are Bedrock's short fixed ones.
            let name = name.as_bytes().get(..255).unwrap_or(name.as_bytes());
            let value = value.as_bytes().get(..65_535).unwrap_or(value.as_bytes());
            headers.push(u8::try_from(name.len()).unwrap_or(u8::MAX));
            headers.extend_from_slice(name);
            headers.push(7);
            headers
                .extend_from_slice(&u16::try_from(value.len()).unwrap_or(u16::MAX).to_be_bytes());
            headers.extend_from_slice(value);
        }
        let total = PRELUDE
            .saturating_add(headers.len())
            .saturating_add(self.payload.len())
            .saturating_add(TRAILER);
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(&u32::try_from(total).unwrap_or(u32::MAX).to_be_bytes());
        out.extend_from_slice(
            &u32::try_from(headers.len())
                .unwrap_or(u32::MAX)
                .to_be_bytes(),
        );
        let prelude_crc = crc32fast::hash(&out);
        out.extend_from_slice(&prelude_crc.to_be_bytes());
        out.extend_from_slice(&headers);
        out.extend_from_slice(&self.payload);
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_be_bytes());
        out
    }

    /// An event message of type `event_type` with a JSON payload.
    pub fn event(event_type: &str, payload: impl Into<Vec<u8>>) -> Self {
        Self {
            headers: vec![
                (":event-type".into(), event_type.into()),
                (":content-type".into(), "application/json".into()),
                (":message-type".into(), "event".into()),
            ],
            payload: payload.into(),
        }
    }

    /// An exception message of type `exception_type` (`{"message":…}`).
    pub fn exception(exception_type: &str, payload: impl Into<Vec<u8>>) -> Self {
        Self {
            headers: vec![
                (":exception-type".into(), exception_type.into()),
                (":content-type".into(), "application/json".into()),
                (":message-type".into(), "exception".into()),
            ],
            payload: payload.into(),
        }
    }
}

/// Why a stream's bytes are not an event stream this reader can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A CRC does not match.
    #[error("event stream message fails its checksum")]
    Checksum,
    /// A length is impossible or over the bound.
    #[error("event stream message length {0} out of bounds")]
    Length(usize),
    /// A header cannot be read.
    #[error("event stream message header malformed")]
    Header,
    /// The stream ended inside a message.
    #[error("event stream ended inside a message")]
    Truncated,
}

/// Reads messages out of a byte stream cut anywhere.
#[derive(Debug)]
pub struct Decoder {
    buf: Vec<u8>,
    max: usize,
    /// The error that ended the stream, if one did.
    failed: Option<DecodeError>,
}

fn be32(b: &[u8], at: usize) -> Option<usize> {
    let bytes: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    usize::try_from(u32::from_be_bytes(bytes)).ok()
}

impl Decoder {
    /// A decoder refusing messages over `max` bytes.
    pub fn new(max: usize) -> Self {
        Self {
            buf: Vec::new(),
            max: max.min(MAX_MESSAGE_BYTES),
            failed: None,
        }
    }

    /// Bytes held of an incomplete message.
    pub fn buffered_bytes(&self) -> usize {
        self.buf.len()
    }

    /// Appends to `out` the complete messages `bytes` finish; at `end`,
    /// bytes left over are an error. What was decoded before an error stays
    /// in `out`, so what a stream yields does not depend on where its chunks
    /// were cut (the `stream_framing` fuzz target checks it). An error is
    /// final: later pushes return it and decode nothing.
    pub fn push(
        &mut self,
        bytes: &[u8],
        end: bool,
        out: &mut Vec<Message>,
    ) -> Result<(), DecodeError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        self.buf.extend_from_slice(bytes);
        let mut at = 0usize;
        let result = self.decode_from(&mut at, out);
        self.buf.drain(..at.min(self.buf.len()));
        let result = match result {
            Ok(()) if end && !self.buf.is_empty() => Err(DecodeError::Truncated),
            Ok(()) if self.buf.len() > self.max => Err(DecodeError::Length(self.buf.len())),
            other => other,
        };
        if let Err(e) = result {
            self.failed = Some(e);
            self.buf.clear();
        }
        result
    }

    /// Decodes the complete messages of `buf[at..]` into `out`, moving `at`
    /// past each.
    fn decode_from(&self, at: &mut usize, out: &mut Vec<Message>) -> Result<(), DecodeError> {
        loop {
            let rest = self.buf.get(*at..).unwrap_or_default();
            if rest.len() < PRELUDE {
                return Ok(());
            }
            let total = be32(rest, 0).ok_or(DecodeError::Header)?;
            let headers_len = be32(rest, 4).ok_or(DecodeError::Header)?;
            let prelude_crc = be32(rest, 8).ok_or(DecodeError::Header)?;
            let prelude = rest.get(..8).ok_or(DecodeError::Header)?;
            if usize::try_from(crc32fast::hash(prelude)).ok() != Some(prelude_crc) {
                return Err(DecodeError::Checksum);
            }
            let min = PRELUDE.saturating_add(headers_len).saturating_add(TRAILER);
            if total < min || total > self.max {
                return Err(DecodeError::Length(total));
            }
            let Some(message) = rest.get(..total) else {
                return Ok(());
            };
            let body_end = total.saturating_sub(TRAILER);
            let crc = be32(message, body_end).ok_or(DecodeError::Header)?;
            let covered = message.get(..body_end).ok_or(DecodeError::Header)?;
            if usize::try_from(crc32fast::hash(covered)).ok() != Some(crc) {
                return Err(DecodeError::Checksum);
            }
            let headers_end = PRELUDE.saturating_add(headers_len);
            let headers = parse_headers(message.get(PRELUDE..headers_end).unwrap_or_default())?;
            out.push(Message {
                headers,
                payload: message
                    .get(headers_end..body_end)
                    .unwrap_or_default()
                    .to_vec(),
            });
            *at = at.saturating_add(total);
        }
    }
}

/// The string headers of a message; other value types are skipped by their
/// sizes.
fn parse_headers(mut b: &[u8]) -> Result<Vec<(String, String)>, DecodeError> {
    let mut out = Vec::new();
    let take = |b: &mut &[u8], n: usize| -> Result<Vec<u8>, DecodeError> {
        let (head, tail) = b.split_at_checked(n).ok_or(DecodeError::Header)?;
        *b = tail;
        Ok(head.to_vec())
    };
    while !b.is_empty() {
        let name_len = usize::from(*take(&mut b, 1)?.first().ok_or(DecodeError::Header)?);
        let name = String::from_utf8(take(&mut b, name_len)?).map_err(|_| DecodeError::Header)?;
        let ty = *take(&mut b, 1)?.first().ok_or(DecodeError::Header)?;
        let fixed = match ty {
            0 | 1 => Some(0),
            2 => Some(1),
            3 => Some(2),
            4 => Some(4),
            5 | 8 => Some(8),
            9 => Some(16),
            6 | 7 => None,
            _ => return Err(DecodeError::Header),
        };
        if let Some(n) = fixed {
            take(&mut b, n)?;
            continue;
        }
        let len = take(&mut b, 2)?;
        let len = usize::from(u16::from_be_bytes([
            *len.first().ok_or(DecodeError::Header)?,
            *len.get(1).ok_or(DecodeError::Header)?,
        ]));
        let value = take(&mut b, len)?;
        if ty == 7 {
            let value = String::from_utf8(value).map_err(|_| DecodeError::Header)?;
            out.push((name, value));
        }
    }
    Ok(out)
}

/// A message as the SSE event it is read as (see the module docs).
fn to_event(m: &Message) -> Result<SseEvent, SseError> {
    let bad = || SseError::Undecodable;
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| bad());
    match m.header(":message-type").unwrap_or("event") {
        "exception" => Ok(SseEvent::named(
            format!("exception:{}", m.header(":exception-type").unwrap_or("")),
            text(&m.payload)?,
        )),
        "error" => {
            let message =
                serde_json::json!({ "message": m.header(":error-message").unwrap_or("") });
            Ok(SseEvent::named(
                format!("error:{}", m.header(":error-code").unwrap_or("")),
                message.to_string(),
            ))
        }
        _ => {
            let ty = m.header(":event-type").unwrap_or("");
            if ty == "chunk" {
                let v: serde_json::Value = serde_json::from_slice(&m.payload).map_err(|_| bad())?;
                let bytes = v
                    .get("bytes")
                    .and_then(serde_json::Value::as_str)
                    .ok_or_else(bad)?;
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(bytes)
                    .map_err(|_| bad())?;
                return Ok(SseEvent::named("chunk", text(&decoded)?));
            }
            Ok(SseEvent::named(ty, text(&m.payload)?))
        }
    }
}

/// The message an SSE event (as [`EventStreamIn`] makes them) is written
/// back as.
fn to_message(ev: &SseEvent) -> Message {
    let data = ev.data.clone().unwrap_or_default();
    let name = ev
        .event
        .as_deref()
        .filter(|n| !n.is_empty())
        .unwrap_or("chunk");
    if let Some(ty) = name.strip_prefix("exception:") {
        return Message::exception(ty, data);
    }
    if let Some(code) = name.strip_prefix("error:") {
        let message = serde_json::from_str::<serde_json::Value>(&data)
            .ok()
            .and_then(|v| v.get("message").and_then(|m| m.as_str().map(str::to_owned)))
            .unwrap_or_default();
        return Message {
            headers: vec![
                (":error-code".into(), code.into()),
                (":error-message".into(), message),
                (":message-type".into(), "error".into()),
            ],
            payload: Vec::new(),
        };
    }
    if name == "chunk" {
        let bytes = base64::engine::general_purpose::STANDARD.encode(data.as_bytes());
        let payload = serde_json::json!({ "bytes": bytes }).to_string();
        return Message::event("chunk", payload);
    }
    Message::event(name, data)
}

/// Event stream in, SSE out.
#[derive(Debug)]
pub struct EventStreamIn {
    decoder: Decoder,
    /// A message could not be read: the stream ends here.
    failed: bool,
}

impl EventStreamIn {
    /// An adapter refusing messages over `max` bytes.
    pub fn new(max: usize) -> Self {
        Self {
            decoder: Decoder::new(max),
            failed: false,
        }
    }

    /// Bytes held of an incomplete message.
    pub fn buffered_bytes(&self) -> usize {
        self.decoder.buffered_bytes()
    }

    /// Appends to `out` the SSE bytes of the complete messages in `bytes`,
    /// those before an error included (see [`Decoder::push`]); an error is
    /// final.
    pub fn push(&mut self, bytes: &[u8], end: bool, out: &mut Vec<u8>) -> Result<(), SseError> {
        if self.failed {
            return Err(SseError::Undecodable);
        }
        let mut messages = Vec::new();
        let decoded = self.decoder.push(bytes, end, &mut messages);
        for m in &messages {
            match to_event(m) {
                Ok(ev) => super::sse::encode_event(&ev, out),
                Err(e) => {
                    self.failed = true;
                    return Err(e);
                }
            }
        }
        decoded.map_err(|_| {
            self.failed = true;
            SseError::Undecodable
        })
    }
}

/// Whole SSE events (as a stream reader forwards them) written back as
/// event stream messages; comments dropped.
pub fn to_eventstream(sse: &[u8]) -> Vec<u8> {
    let mut parser = SseParser::new(usize::MAX);
    let mut items = Vec::new();
    if parser.push(sse, &mut items).is_err() || parser.finish(&mut items).is_err() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(sse.len());
    for item in items {
        if let SseItem::Event(ev) = item {
            out.extend_from_slice(&to_message(&ev).encode());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What one push appends, or its error.
    fn sse_of(d: &mut EventStreamIn, bytes: &[u8], end: bool) -> Result<Vec<u8>, SseError> {
        let mut out = Vec::new();
        d.push(bytes, end, &mut out).map(|()| out)
    }

    fn stream() -> Vec<u8> {
        let mut s = Vec::new();
        s.extend(Message::event("messageStart", r#"{"role":"assistant"}"#).encode());
        s.extend(
            Message::event(
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"text":"Hel"},"p":"abc"}"#,
            )
            .encode(),
        );
        let inner = base64::engine::general_purpose::STANDARD
            .encode(r#"{"type":"content_block_delta","delta":{"text":"lo"}}"#);
        s.extend(Message::event("chunk", format!(r#"{{"bytes":"{inner}"}}"#)).encode());
        s.extend(Message::exception("throttlingException", r#"{"message":"slow"}"#).encode());
        s
    }

    #[test]
    fn reads_at_any_cut_and_writes_back_what_it_read() {
        let s = stream();
        let mut expected = None;
        for cut in 0..=s.len() {
            let (a, b) = s.split_at(cut);
            let mut d = EventStreamIn::new(1 << 20);
            let mut sse = sse_of(&mut d, a, false).unwrap();
            sse.extend(sse_of(&mut d, b, true).unwrap());
            let text = String::from_utf8(sse.clone()).unwrap();
            match &expected {
                None => expected = Some(text),
                Some(e) => assert_eq!(&text, e, "cut at {cut}"),
            }
            if cut == 0 {
                // Re-encoded and read again: the same events.
                let again = sse_of(
                    &mut EventStreamIn::new(1 << 20),
                    &to_eventstream(&sse),
                    true,
                )
                .unwrap();
                assert_eq!(again, sse);
            }
        }
        let text = expected.unwrap();
        assert!(text.contains("event: messageStart\ndata: {\"role\":\"assistant\"}\n\n"));
        assert!(text.contains("event: chunk\ndata: {\"type\":\"content_block_delta\""));
        assert!(text.contains("event: exception:throttlingException\ndata: {\"message\":\"slow\"}"));
    }

    #[test]
    fn corrupt_truncated_and_oversized_streams_are_errors() {
        let mut s = stream();
        let last = s.len() - 1;
        s[last] ^= 1;
        assert!(sse_of(&mut EventStreamIn::new(1 << 20), &s, true).is_err());
        let s = stream();
        let mut flipped = s.clone();
        flipped[2] ^= 1;
        assert!(sse_of(&mut EventStreamIn::new(1 << 20), &flipped, false).is_err());
        assert!(sse_of(&mut EventStreamIn::new(1 << 20), &s[..s.len() - 3], true).is_err());
        assert!(sse_of(&mut EventStreamIn::new(16), &s, false).is_err());
        // A payload that is not UTF-8.
        let bad = Message::event("contentBlockDelta", vec![0xff, 0xfe]).encode();
        assert!(sse_of(&mut EventStreamIn::new(1 << 20), &bad, true).is_err());
    }

    #[test]
    fn header_types_other_than_strings_are_skipped() {
        let mut m = Message::event("x", "{}").encode();
        // Rebuild with a leading int header (`n`, type 4) before the rest.
        let headers_len = u32::from_be_bytes(m[4..8].try_into().unwrap()) as usize;
        let mut headers = vec![1u8, b'n', 4, 0, 0, 0, 7];
        headers.extend_from_slice(&m[12..12 + headers_len]);
        let payload = m[12 + headers_len..m.len() - 4].to_vec();
        let mut out = Vec::new();
        let total = 12 + headers.len() + payload.len() + 4;
        out.extend_from_slice(&(total as u32).to_be_bytes());
        out.extend_from_slice(&(headers.len() as u32).to_be_bytes());
        out.extend_from_slice(&crc32fast::hash(&out).to_be_bytes());
        out.extend_from_slice(&headers);
        out.extend_from_slice(&payload);
        out.extend_from_slice(&crc32fast::hash(&out).to_be_bytes());
        m = out;
        let mut got = Vec::new();
        Decoder::new(1 << 20).push(&m, true, &mut got).unwrap();
        assert_eq!(got[0].header(":event-type"), Some("x"));
        assert_eq!(got[0].headers.len(), 3);
    }
}
