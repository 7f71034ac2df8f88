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
//! The first steady event of a shape is parsed ([`read`]); it then serves
//! as the [`Template`] of the next ones, which differ from it only in their
//! string values and are read by comparing bytes (a quarter of inspect's
//! work per event went to the parse).
//!
//! The general path stays the reference: `stream`'s tests run generated
//! streams through both and compare every event.

use std::borrow::Cow;
use std::ops::Range;

use serde::de::DeserializeSeed;

use crate::request::chunk_read;
use crate::request::json_template;
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
///
/// One serde_json pass ([`one_pass`]) validates the event as a `Value`
/// parse would, checks its shape and finds the content's string token by
/// where serde_json's borrowed slice lies in `data`; content with escapes
/// (serde_json decodes it into a buffer of its own) is found by walking
/// the bytes instead ([`walk`]), as is every event before 2026-12-07.
pub(crate) fn read(data: &str) -> Option<Steady<'_>> {
    match one_pass(data)? {
        Pass::Steady(s) => Some(s),
        Pass::Escaped => walk(data),
    }
}

/// The last steady event [`read_with`] read, as the template of the next
/// ([`json_template`]): [`one_pass`] decides on keys, on types and on
/// non-string values, never on what a string value says but the
/// content's, which it returns — so an event of the template's shape is
/// the steady event with the same index and `meta_only`, its content at
/// the template's content place.
#[derive(Debug)]
pub(crate) struct Template {
    shape: json_template::Template,
    /// Which string value is the content.
    content: usize,
    index: u64,
    meta_only: bool,
}

impl Template {
    /// The template of `data`, read as `got`.
    fn of(data: &str, got: &Steady<'_>) -> Option<Template> {
        let (shape, slots) = json_template::Template::of(data)?;
        let content = slots.iter().position(|s| *s == got.span)?;
        Some(Template {
            shape,
            content,
            index: got.index,
            meta_only: got.meta_only,
        })
    }

    /// `data` read as the steady event, if it is this template's shape.
    fn read<'a>(&self, data: &'a str) -> Option<Steady<'a>> {
        let mut content = None;
        let same = self.shape.read(data, |k, span, _| {
            if k == self.content {
                content = Some(span);
            }
            true
        });
        let span = content.filter(|_| same)?;
        let content = string(data, &span)?;
        Some(Steady {
            index: self.index,
            content,
            span,
            meta_only: self.meta_only,
        })
    }
}

/// [`read`], through `template`: an event of the last steady event's shape
/// is read from the template, any other by [`read`], whose steady events
/// become the template.
pub(crate) fn read_with<'a>(data: &'a str, template: &mut Option<Template>) -> Option<Steady<'a>> {
    if let Some(got) = template.as_ref().and_then(|t| t.read(data)) {
        return Some(got);
    }
    let got = read(data)?;
    *template = Template::of(data, &got);
    Some(got)
}

/// What [`one_pass`] made of a shape it accepts.
enum Pass<'a> {
    Steady(Steady<'a>),
    /// The steady shape, its content with escapes: its span is not known.
    Escaped,
}

/// The steady event read in one serde_json pass; `None` for any other.
fn one_pass(data: &str) -> Option<Pass<'_>> {
    let mut de = serde_json::Deserializer::from_str(data);
    let got = pass::Root { data }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    got
}

/// The bytes walked with `json_walk` after a validating parse.
fn walk(data: &str) -> Option<Steady<'_>> {
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

/// The visitors of [`one_pass`]: each reads one member of the shape and
/// every other value as `Value` would ([`chunk_read::Strict`]), so that
/// the pass accepts exactly what a `Value` parse accepts.
mod pass {
    use std::borrow::Cow;
    use std::fmt;

    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

    use super::{Pass, Steady};
    use crate::request::chunk_read::Strict;

    /// The top-level keys read: `choices`, `usage`, `error`, then
    /// [`super::META`].
    pub(super) const ROOT: &[&str] = &[
        "choices",
        "usage",
        "error",
        "id",
        "object",
        "created",
        "model",
        "system_fingerprint",
        "service_tier",
        "obfuscation",
    ];

    /// A seed read through `deserialize_any`, as `Value` is.
    macro_rules! any_seed {
        ($l:lifetime, $seed:ty, $value:ty) => {
            impl<$l> DeserializeSeed<$l> for $seed {
                type Value = $value;
                fn deserialize<D: Deserializer<$l>>(self, d: D) -> Result<Self::Value, D::Error> {
                    d.deserialize_any(self)
                }
            }
        };
    }

    /// The scalar visits of a seed that reads one type and takes any other
    /// scalar as `$other`.
    macro_rules! scalars {
        ($other:expr) => {
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok($other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok($other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok($other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok($other)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok($other)
            }
        };
    }

    /// A string taken as `$other`.
    macro_rules! strs {
        ($other:expr) => {
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok($other)
            }
        };
    }

    /// An array read through as `Value` would, taken as `$other`.
    macro_rules! seqs {
        ($other:expr) => {
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                drain_seq(seq).map(|()| $other)
            }
        };
    }

    /// An object read through as `Value` would, taken as `$other`.
    macro_rules! maps {
        ($other:expr) => {
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                drain_map(map).map(|()| $other)
            }
        };
    }

    /// Reads a container through, keeping nothing.
    fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Strict)?.is_some() {}
        Ok(())
    }

    fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Strict)?.is_some() {
            map.next_value_seed(Strict)?;
        }
        Ok(())
    }

    /// A key, decoded: which of `names` it is.
    struct Key(&'static [&'static str]);

    any_seed!('de, Key, Option<usize>);

    impl Visitor<'_> for Key {
        type Value = Option<usize>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a key")
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(self.0.iter().position(|n| *n == v))
        }
    }

    /// Whether a value is `null`.
    struct IsNull;

    any_seed!('de, IsNull, bool);

    impl<'de> Visitor<'de> for IsNull {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(true)
        }
        strs!(false);
        seqs!(false);
        maps!(false);
    }

    /// A choice's `index`: the `u64` it is, if it is one.
    struct Index;

    any_seed!('de, Index, Option<u64>);

    impl<'de> Visitor<'de> for Index {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        strs!(None);
        seqs!(None);
        maps!(None);
    }

    /// The content string: where it lies in the data, if serde_json lent
    /// a slice of it (no escapes).
    #[derive(Debug)]
    pub(super) enum Content<'a> {
        At(usize, &'a str),
        Escaped,
        NotText,
    }

    struct ContentSeed<'a> {
        data: &'a str,
    }

    any_seed!('de, ContentSeed<'de>, Content<'de>);

    impl<'de> Visitor<'de> for ContentSeed<'de> {
        type Value = Content<'de>;
        scalars!(Content::NotText);
        fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
            // The slice serde_json lends is part of the data: its offset.
            Ok(match crate::request::chunk_read::lent_at(self.data, v) {
                Some(at) => Content::At(at, v),
                None => Content::Escaped,
            })
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Content::Escaped)
        }
        seqs!(Content::NotText);
        maps!(Content::NotText);
    }

    /// A choice or a delta as the steady shape wants it, or `None`.
    struct Delta<'a> {
        data: &'a str,
    }

    /// The delta's content, and whether it has a role besides.
    type DeltaGot<'a> = Option<(Content<'a>, bool)>;

    any_seed!('de, Delta<'de>, DeltaGot<'de>);

    impl<'de> Visitor<'de> for Delta<'de> {
        type Value = DeltaGot<'de>;
        scalars!(None);
        strs!(None);
        seqs!(None);
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let (mut content, mut role, mut ok) = (None, false, true);
            while let Some(k) = map.next_key_seed(Key(&["content", "role"]))? {
                match k {
                    Some(0) => {
                        let c = map.next_value_seed(ContentSeed { data: self.data })?;
                        ok &= content.replace(c).is_none();
                    }
                    Some(_) => {
                        map.next_value_seed(Strict)?;
                        ok &= !role;
                        role = true;
                    }
                    None => {
                        map.next_value_seed(Strict)?;
                        ok = false;
                    }
                }
            }
            Ok(content.filter(|_| ok).map(|c| (c, role)))
        }
    }

    /// The choice: its index, content and role.
    type ChoiceGot<'a> = Option<(Option<u64>, Content<'a>, bool)>;

    struct Choice<'a> {
        data: &'a str,
    }

    any_seed!('de, Choice<'de>, ChoiceGot<'de>);

    impl<'de> Visitor<'de> for Choice<'de> {
        type Value = ChoiceGot<'de>;
        scalars!(None);
        strs!(None);
        seqs!(None);
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            const NAMES: &[&str] = &["index", "delta", "finish_reason", "logprobs"];
            let (mut index, mut delta, mut seen, mut ok) = (None, None, [false; 4], true);
            while let Some(k) = map.next_key_seed(Key(NAMES))? {
                if let Some(slot) = k.and_then(|i| seen.get_mut(i)) {
                    ok &= !*slot;
                    *slot = true;
                }
                match k {
                    Some(0) => index = map.next_value_seed(Index)?,
                    Some(1) => delta = map.next_value_seed(Delta { data: self.data })?,
                    Some(_) => ok &= map.next_value_seed(IsNull)?,
                    None => {
                        map.next_value_seed(Strict)?;
                        ok = false;
                    }
                }
            }
            Ok(delta
                .filter(|_| ok)
                .map(|(content, role)| (index, content, role)))
        }
    }

    /// `choices`: its one element, read as a [`Choice`].
    struct Choices<'a> {
        data: &'a str,
    }

    any_seed!('de, Choices<'de>, ChoiceGot<'de>);

    impl<'de> Visitor<'de> for Choices<'de> {
        type Value = ChoiceGot<'de>;
        scalars!(None);
        strs!(None);
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let first = seq.next_element_seed(Choice { data: self.data })?.flatten();
            let more = seq.next_element_seed(Strict)?.is_some();
            drain_seq(seq)?;
            Ok(first.filter(|_| !more))
        }
        maps!(None);
    }

    /// The event.
    pub(super) struct Root<'a> {
        pub(super) data: &'a str,
    }

    any_seed!('de, Root<'de>, Option<Pass<'de>>);

    impl<'de> Visitor<'de> for Root<'de> {
        type Value = Option<Pass<'de>>;
        scalars!(None);
        strs!(None);
        seqs!(None);
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let (mut choice, mut seen, mut ok, mut meta_only) = (None, [false; 3], true, true);
            while let Some(k) = map.next_key_seed(Key(ROOT))? {
                if let Some(slot) = k.and_then(|i| seen.get_mut(i)) {
                    ok &= !*slot;
                    *slot = true;
                }
                match k {
                    Some(0) => choice = map.next_value_seed(Choices { data: self.data })?,
                    // `usage`: null only.
                    Some(1) => ok &= map.next_value_seed(IsNull)?,
                    // `error`.
                    Some(2) => {
                        map.next_value_seed(Strict)?;
                        ok = false;
                    }
                    // One of META.
                    Some(_) => map.next_value_seed(Strict)?,
                    None => {
                        map.next_value_seed(Strict)?;
                        meta_only = false;
                    }
                }
            }
            let Some((index, content, role)) = choice.filter(|_| ok) else {
                return Ok(None);
            };
            Ok(match content {
                Content::At(at, text) => Some(Pass::Steady(Steady {
                    index: index.unwrap_or(0),
                    content: Cow::Borrowed(text),
                    span: at.saturating_sub(1)..at.saturating_add(text.len()).saturating_add(1),
                    meta_only: meta_only && !role,
                })),
                Content::Escaped => Some(Pass::Escaped),
                Content::NotText => None,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keys_read_end_with_the_metadata_keys() {
        assert_eq!(pass::ROOT.get(3..), Some(META));
    }

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
    #[allow(clippy::arithmetic_side_effects)]
    fn one_pass_reads_what_the_byte_walk_reads() {
        // Events of the steady shape and near it: every member the shape
        // reads, repeated, null, of another type, escaped, or invalid.
        let values = [
            r#""hi there""#,
            r#""line\nbreak""#,
            r#""caf\u00e9""#,
            r#""\ud800""#,
            r#""""#,
            "null",
            "0",
            "-1",
            "2.5",
            "1e400",
            "true",
            "[]",
            "{}",
            r#"[1,{"a":"b"}]"#,
            r#"{"content":"x"}"#,
        ];
        let keys = [
            "content",
            "role",
            "refusal",
            "index",
            "delta",
            "finish_reason",
            "logprobs",
            "choices",
            "usage",
            "error",
            "id",
            "model",
            "extra",
            "cont\\u0065nt",
        ];
        let mut seed = 0x853c_49e6_748f_ea9b_u64;
        let mut next = |n: usize| {
            crate::inspect::tests::xorshift(&mut seed);
            (seed % n as u64) as usize
        };
        let member = |next: &mut dyn FnMut(usize) -> usize, fixed: &str| -> String {
            if next(3) == 0 {
                format!(
                    r#""{}":{}"#,
                    keys[next(keys.len())],
                    values[next(values.len())]
                )
            } else {
                fixed.to_owned()
            }
        };
        let (mut steady, mut compared) = (0, 0);
        for _ in 0..60_000 {
            let content = if next(2) == 0 {
                r#""a few words""#
            } else {
                values[next(values.len())]
            };
            let delta = format!(
                "{{{},{}}}",
                member(&mut next, &format!(r#""content":{content}"#)),
                member(&mut next, r#""role":"assistant""#)
            );
            let choice = format!(
                "{{{},{},{}}}",
                member(&mut next, r#""index":0"#),
                member(&mut next, &format!(r#""delta":{delta}"#)),
                member(&mut next, r#""finish_reason":null"#)
            );
            let choices = if next(8) == 0 {
                format!("[{choice},{choice}]")
            } else {
                format!("[{choice}]")
            };
            let data = format!(
                "{{{},{},{}}}{}",
                member(&mut next, r#""id":"c""#),
                member(&mut next, &format!(r#""choices":{choices}"#)),
                member(&mut next, r#""usage":null"#),
                if next(20) == 0 { " x" } else { "" }
            );
            let want = walk(&data);
            assert_eq!(read(&data), want, "{data}");
            steady += usize::from(want.is_some());
            compared += 1;
        }
        assert!(compared == 60_000 && steady > 2_000, "{steady}");
    }

    #[test]
    #[allow(clippy::arithmetic_side_effects)]
    fn the_template_reads_what_a_parse_reads() {
        // Streams of events in a few shapes, their string values (and now
        // and then a key, a number or the layout) changed from event to
        // event, some invalid: read through one template as a stream does,
        // each must read as `read` reads it alone.
        let strings = [
            r#""a few words""#,
            r#""""#,
            r#"" ""#,
            r#""line\nbreak""#,
            r#""quote \" inside""#,
            r#""back\\slash""#,
            r#""caf\u00e9 \ud83d\ude00""#,
            r#""\ud800""#,
            r#""\udc00x""#,
            r#""bad \x escape""#,
            "\"tab\tinside\"",
            "\"nul\u{0}inside\"",
            "\"é ✓ 😀\"",
            r#""\""#,
            r#""unterminated"#,
            r#""ends in backslash\"#,
            "null",
            "7",
            "{}",
        ];
        let shapes = [
            r#"{"id":S,"object":S,"created":1,"model":S,"choices":[{"index":0,"delta":{"content":S},"logprobs":null,"finish_reason":null}]}"#,
            r#"{"id":S,"choices":[{"index":1,"delta":{"content":S},"finish_reason":null}],"obfuscation":S}"#,
            r#"{"choices":[{"delta":{"role":S,"content":S}}],"extra":S}"#,
            r#" { "choices" : [ { "delta" : { "content" : S } } ] , "id" : S } "#,
            r#"{"choices":[{"delta":{"content":S}}],"usage":null,"model":S}"#,
            r#"{"choices":[{"delta":{"content":S}}],"usage":S}"#,
            r#"{"choices":[{"delta":{"content":S},"finish_reason":S}]}"#,
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            crate::inspect::tests::xorshift(&mut seed);
            (seed % n as u64) as usize
        };
        let (mut events, mut from_template) = (0usize, 0usize);
        for _ in 0..3_000 {
            let mut template = None;
            let mut shape = shapes[next(shapes.len())];
            for _ in 0..20 {
                if next(10) == 0 {
                    shape = shapes[next(shapes.len())];
                }
                let mut data = String::new();
                for (k, piece) in shape.split('S').enumerate() {
                    if k > 0 {
                        // Mostly valid text, as streams send.
                        let s = if next(3) == 0 {
                            strings[next(strings.len())].to_owned()
                        } else {
                            format!("\"w{}\"", next(1000))
                        };
                        data.push_str(&s);
                    }
                    data.push_str(piece);
                }
                if next(30) == 0 {
                    data.push_str([" ", " x", "}"][next(3)]);
                }
                if next(30) == 0 {
                    // A changed key, number or layout.
                    let at = next(data.len());
                    if data.is_char_boundary(at) {
                        data.insert(at, ['x', '1', ' ', '"', '}'][next(5)]);
                    }
                }
                let had = template.is_some();
                let got = read_with(&data, &mut template);
                assert_eq!(got, read(&data), "{data}");
                events += 1;
                from_template += usize::from(had && got.is_some());
            }
        }
        assert!(
            events == 60_000 && from_template > 20_000,
            "{from_template}"
        );
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
