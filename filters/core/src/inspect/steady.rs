//! The event a streamed chat completion sends most: one choice adding text
//! to its `delta.content`, read in place.
//!
//! [`super::stream::StreamInspector`] reads an event by building a
//! `serde_json::Value`, laying out its text slots by JSON pointer, and
//! serialising the `Value` again when it changed what the event carries
//! (when text is held back or redacted). For the chat event that makes up
//! nearly every event of a chat stream —
//! `{"id":…,"choices":[{"index":0,"delta":{"content":"…"},"logprobs":null,"finish_reason":null}]}`
//! — that was most of inspect's work per event besides scanning. [`read`]
//! recognises that shape in the event's bytes (after checking that a
//! `Value` parse would accept them), and the inspector then splices the
//! released text over the content's string token and keeps every other
//! byte as the upstream sent it. Anything else — a second choice, another
//! text field, a finish reason, usage, an error, a repeated key among the
//! members read — is left to the general path, as is the first event of a
//! channel (which sets up its template).
//!
//! The general path stays the reference: `stream`'s tests run generated
//! streams through both and compare every event.

use std::borrow::Cow;
use std::ops::Range;

use crate::request::chunk_read;
use crate::request::json_walk;

/// One choice's `delta.content`, and what the general path would decide
/// from the rest of the event.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Steady<'a> {
    /// The choice's `index` (0 when it has none that is a `u64`, as its
    /// position in `choices`).
    pub index: u64,
    /// The content, decoded.
    pub content: Cow<'a, str>,
    /// The content's string token in the data, quotes included.
    pub span: Range<usize>,
    /// Members other than the content are metadata only (the general
    /// path's `droppable`): the event may be dropped when all its text is
    /// held back.
    pub meta_only: bool,
}

/// Top-level members that make an event with no text droppable.
const META: &[&str] = &[
    "id",
    "object",
    "created",
    "model",
    "system_fingerprint",
    "service_tier",
    "obfuscation",
];

/// `data` read as the steady chat event, or `None` for any other event.
pub(crate) fn read(data: &str) -> Option<Steady<'_>> {
    let b = data.as_bytes();
    if !chunk_read::is_json(data) {
        return None;
    }
    let root = json_walk::skip_ws(b, 0);
    let (_, members) = json_walk::members(b, root)?;
    let mut choices = None;
    let mut usage_seen = false;
    let mut meta_only = true;
    for (k, v) in &members {
        match string(data, k)?.as_ref() {
            "choices" => {
                if choices.replace(v.clone()).is_some() {
                    return None;
                }
            }
            "usage" => {
                // `null` only, and once.
                if usage_seen || b.get(v.clone())? != b"null" {
                    return None;
                }
                usage_seen = true;
            }
            "error" => return None,
            other => meta_only &= META.contains(&other),
        }
    }
    let elements = json_walk::elements(b, choices?.start)?;
    let [choice] = elements.as_slice() else {
        return None;
    };
    let (_, members) = json_walk::members(b, choice.start)?;
    let (mut index, mut delta, mut finish, mut logprobs) = (None, None, false, false);
    for (k, v) in &members {
        let value = b.get(v.clone())?;
        match string(data, k)?.as_ref() {
            "index" => {
                if index.replace(v.clone()).is_some() {
                    return None;
                }
            }
            "delta" => {
                if delta.replace(v.clone()).is_some() {
                    return None;
                }
            }
            "finish_reason" => {
                if finish || value != b"null" {
                    return None;
                }
                finish = true;
            }
            "logprobs" => {
                if logprobs || value != b"null" {
                    return None;
                }
                logprobs = true;
            }
            _ => return None,
        }
    }
    let index = match index {
        Some(span) => serde_json::from_str::<u64>(data.get(span)?).unwrap_or(0),
        None => 0,
    };
    let (_, members) = json_walk::members(b, delta?.start)?;
    let (mut content, mut role) = (None, false);
    for (k, v) in &members {
        match string(data, k)?.as_ref() {
            "content" => {
                if content.replace(v.clone()).is_some() {
                    return None;
                }
            }
            "role" => {
                if role {
                    return None;
                }
                role = true;
                meta_only = false;
            }
            _ => return None,
        }
    }
    let span = content?;
    let content = string(data, &span)?;
    Some(Steady {
        index,
        content,
        span,
        meta_only,
    })
}

/// The string token at `span` of `data`, decoded (borrowed when it has no
/// escapes).
fn string<'a>(data: &'a str, span: &Range<usize>) -> Option<Cow<'a, str>> {
    let raw = data.get(span.clone())?;
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if memchr::memchr(b'\\', inner.as_bytes()).is_some() {
        serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_steady_event() {
        let data = r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":2,"delta":{"content":"hi \"there\""},"logprobs":null,"finish_reason":null}]}"#;
        let got = read(data).unwrap();
        assert_eq!(got.index, 2);
        assert_eq!(got.content, "hi \"there\"");
        assert_eq!(data.get(got.span.clone()), Some(r#""hi \"there\"""#));
        assert!(got.meta_only);
        let with_role = r#"{"choices":[{"delta":{"role":"assistant","content":"x"}}],"extra":1}"#;
        let got = read(with_role).unwrap();
        assert_eq!((got.index, got.meta_only), (0, false));
        // Keys are read decoded, as a `Value` reads them.
        let escaped = r#"{"ch\u006fices":[{"delta":{"cont\u0065nt":"x"}}],"\u0069d":"c"}"#;
        let got = read(escaped).unwrap();
        assert_eq!((got.content.as_ref(), got.meta_only), ("x", true));
    }

    #[test]
    fn leaves_every_other_event_to_the_general_path() {
        for data in [
            r#"{"choices":[{"delta":{"content":"a"},"finish_reason":"stop"}]}"#,
            r#"{"choices":[{"delta":{"content":"a"}},{"delta":{"content":"b"}}]}"#,
            r#"{"choices":[{"delta":{"content":"a","refusal":null}}]}"#,
            r#"{"choices":[{"delta":{"content":"a","content":"b"}}]}"#,
            r#"{"choices":[{"delta":{"content":null}}]}"#,
            r#"{"choices":[{"delta":{"content":"a"},"logprobs":{"content":[]}}]}"#,
            r#"{"choices":[{"delta":{"content":"a"}}],"usage":{"prompt_tokens":1}}"#,
            r#"{"choices":[{"delta":{"content":"a"}}],"error":null}"#,
            r#"{"choices":[{"delta":{"content":"a"}}],"choices":[]}"#,
            r#"{"choices":[{"delta":{"content":"\ud800"}}]}"#,
            r#"{"choices":[{"delta":{"content":"a"}}],"created":1e400}"#,
            r#"{"choices":[{"delta":{"content":"a"}}]} x"#,
            r#"{"choices":[{"delta":{"tool_calls":[]}}]}"#,
            r#"[{"choices":[{"delta":{"content":"a"}}]}]"#,
        ] {
            assert_eq!(read(data), None, "{data}");
        }
    }
}
