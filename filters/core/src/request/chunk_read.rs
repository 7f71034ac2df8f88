//! What token accounting reads of an OpenAI-shaped stream event, read while
//! serde_json parses the event: no `serde_json::Value` is built.
//!
//! Throttle meters every event of every stream it admits
//! ([`crate::throttle::stream::StreamMeter`]). For the chat family
//! ([`super::usage::StreamUsage::observe`]'s `observe_chat`) it needs the
//! byte length of a few strings (`choices[].text`,
//! `choices[].delta.{content,refusal,reasoning_content,reasoning}`,
//! `choices[].delta.tool_calls[].function.arguments`) and the `usage`
//! object, and building a `Value` of the whole event for that was most of
//! its cost per event (0.8 of 1.1 µs in tollgate-host: a `String` per key,
//! a map per object, all freed again).
//!
//! The reader is exact by construction, not by approximation:
//!
//! - **It accepts what `Value` accepts.** Every value is read through
//!   `deserialize_any` (numbers parsed and range-checked, strings decoded
//!   and their escapes checked, keys too, the same recursion limit), as
//!   `Value`'s own visitor does; members it does not need are read by
//!   [`Strict`], which builds nothing. (`serde::de::IgnoredAny` would not
//!   do: serde_json skips ignored values without checking `\u` escapes or
//!   number ranges, so it accepts events a `Value` parse refuses.)
//! - **A duplicated key counts once, its last copy**, as a `Value` map
//!   keeps the last; each member's contribution is overwritten, not added.
//! - **A member of the wrong type counts nothing**, as `Value::get` and
//!   `Value::as_str` give `None` for it: a string where an object is read
//!   adds 0, and so does an object where a string is read.
//!
//! `tests::reads_what_a_value_reads` checks it against `Value` on
//! generated events with every one of those cases.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

/// Where the counted strings are, as `observe_chat` reads them.
enum Shape {
    /// A string whose byte length counts.
    Text,
    /// An object: the members that matter, by key.
    Members(&'static [(&'static str, Shape)]),
    /// An array: each element read as the shape.
    Each(&'static Shape),
    /// The `usage` object, kept as a `Value` (one event of a stream).
    Usage,
}

const FUNCTION: Shape = Shape::Members(&[("arguments", Shape::Text)]);
const CALL: Shape = Shape::Members(&[("function", FUNCTION)]);
const DELTA: Shape = Shape::Members(&[
    ("content", Shape::Text),
    ("refusal", Shape::Text),
    ("reasoning_content", Shape::Text),
    ("reasoning", Shape::Text),
    ("tool_calls", Shape::Each(&CALL)),
]);
const CHOICE: Shape = Shape::Members(&[("text", Shape::Text), ("delta", DELTA)]);
const CHUNK: Shape = Shape::Members(&[("choices", Shape::Each(&CHOICE)), ("usage", Shape::Usage)]);

/// What one chat-family event holds for token accounting.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Chunk {
    /// Bytes of the model's text in it (decoded, as `str::len`).
    pub text_bytes: u64,
    /// Its `usage` member, when there is one (the last, if repeated).
    pub usage: Option<Value>,
    /// Its `choices` is an array with no elements.
    pub no_choices: bool,
}

/// Reads `data` (an event's `data:`), or `None` when it is not JSON that
/// `serde_json::from_str::<Value>` would accept; and where the strings it
/// counted lie in `data` (their contents' offsets; `None` if one of them
/// had escapes).
fn parse(data: &str) -> Option<(Chunk, Option<Vec<usize>>)> {
    let mut de = serde_json::Deserializer::from_str(data);
    let got = Node {
        shape: &CHUNK,
        data,
    }
    .deserialize(&mut de)
    .ok()?;
    de.end().ok()?;
    Some(match got {
        Got::Members {
            text,
            first_len,
            usage,
            at,
        } => (
            Chunk {
                text_bytes: text,
                usage,
                no_choices: first_len == Some(0),
            },
            at,
        ),
        _ => (Chunk::default(), Some(Vec::new())),
    })
}

/// The last event [`read_with`] read, as the template of the next
/// ([`super::json_template`]): the reader decides on keys, types and
/// non-string values, and reads of a string value only its length where it
/// counts — so an event of the template's shape counts the lengths of its
/// strings at the places the template's counted, and has its `choices` and
/// `usage` (which a template keeps only when it is absent or `null`).
#[derive(Debug)]
pub(crate) struct Template {
    shape: super::json_template::Template,
    /// Which string values count, by index.
    counted: Vec<usize>,
    usage: Option<Value>,
    no_choices: bool,
}

impl Template {
    fn of(data: &str, chunk: &Chunk, at: &[usize]) -> Option<Template> {
        if chunk.usage.as_ref().is_some_and(|u| !u.is_null()) {
            return None;
        }
        let (shape, slots) = super::json_template::Template::of(data)?;
        let counted = at
            .iter()
            .map(|&a| slots.iter().position(|s| s.start.checked_add(1) == Some(a)))
            .collect::<Option<Vec<usize>>>()?;
        Some(Template {
            shape,
            counted,
            usage: chunk.usage.clone(),
            no_choices: chunk.no_choices,
        })
    }

    fn read(&self, data: &str) -> Option<Chunk> {
        let mut text = 0u64;
        let mut ok = true;
        let same = self.shape.read(data, |k, span, escaped| {
            if self.counted.contains(&k) {
                match data
                    .get(span)
                    .and_then(|token| super::json_template::decoded_len(token, escaped))
                {
                    Some(n) => text = text.saturating_add(u64::try_from(n).unwrap_or(u64::MAX)),
                    None => ok = false,
                }
            }
            ok
        });
        (same && ok).then(|| Chunk {
            text_bytes: text,
            usage: self.usage.clone(),
            no_choices: self.no_choices,
        })
    }
}

/// Reads `data` (an event's `data:`), or `None` when it is not JSON that
/// `serde_json::from_str::<Value>` would accept — through `template`: an
/// event of the last event's shape is read from the template, any other
/// parsed, and becomes the template.
pub(crate) fn read_with(data: &str, template: &mut Option<Template>) -> Option<Chunk> {
    if let Some(chunk) = template.as_ref().and_then(|t| t.read(data)) {
        return Some(chunk);
    }
    let (chunk, at) = parse(data)?;
    *template = at.and_then(|at| Template::of(data, &chunk, &at));
    Some(chunk)
}

/// The most members a [`Shape::Members`] reads (a fixed array per object,
/// not a `Vec`: throttle reads every event of a stream).
const MAX_FIELDS: usize = 5;

/// Whether `data` is JSON that `serde_json::from_str::<Value>` accepts,
/// building nothing (for readers that then walk its bytes, see
/// `json_walk`).
pub(crate) fn is_json(data: &str) -> bool {
    let mut de = serde_json::Deserializer::from_str(data);
    Strict.deserialize(&mut de).is_ok() && de.end().is_ok()
}

/// What a value read as a [`Shape`] gave.
#[derive(Debug)]
enum Got {
    /// Of another type than the shape reads (or a `null`).
    Nothing,
    /// A string read as [`Shape::Text`]: its length, and where its content
    /// starts in the data (`None`: it had escapes).
    Text(u64, Option<usize>),
    /// An object read as [`Shape::Members`]: the text of each member's
    /// last copy, the length of its first member when that is an array
    /// (`choices` in [`CHUNK`]), a [`Shape::Usage`] member's value, and
    /// where the counted strings start (`None`: one had escapes).
    Members {
        text: u64,
        first_len: Option<usize>,
        usage: Option<Value>,
        at: Option<Vec<usize>>,
    },
    /// An array read as [`Shape::Each`]: its length, text and where.
    Each {
        len: usize,
        text: u64,
        at: Option<Vec<usize>>,
    },
    /// A value read as [`Shape::Usage`].
    Usage(Value),
}

impl Got {
    fn text_bytes(&self) -> u64 {
        match self {
            Self::Text(n, _) => *n,
            Self::Each { text, .. } => *text,
            Self::Members { text, .. } => *text,
            Self::Nothing | Self::Usage(_) => 0,
        }
    }

    /// Adds where this value's counted strings start to `to`.
    fn add_at(&self, to: &mut Option<Vec<usize>>) {
        match self {
            Self::Text(_, Some(a)) => {
                if let Some(v) = to {
                    v.push(*a);
                }
            }
            Self::Text(_, None) => *to = None,
            Self::Each { at, .. } | Self::Members { at, .. } => match (to.as_mut(), at) {
                (Some(v), Some(more)) => v.extend_from_slice(more),
                (_, None) => *to = None,
                (None, Some(_)) => {}
            },
            Self::Nothing | Self::Usage(_) => {}
        }
    }
}

/// Reads one value as `shape`.
struct Node<'a> {
    shape: &'static Shape,
    /// The whole data (to place the strings serde_json lends).
    data: &'a str,
}

impl<'de> DeserializeSeed<'de> for Node<'de> {
    type Value = Got;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Got, D::Error> {
        if matches!(self.shape, Shape::Usage) {
            return Value::deserialize(d).map(Got::Usage);
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'de> {
    type Value = Got;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Got, E> {
        Ok(Got::Nothing)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Got, E> {
        Ok(Got::Nothing)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Got, E> {
        Ok(Got::Nothing)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Got, E> {
        Ok(Got::Nothing)
    }

    fn visit_unit<E>(self) -> Result<Got, E> {
        Ok(Got::Nothing)
    }

    fn visit_str<E>(self, v: &str) -> Result<Got, E> {
        Ok(match self.shape {
            Shape::Text => Got::Text(u64::try_from(v.len()).unwrap_or(u64::MAX), None),
            _ => Got::Nothing,
        })
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Got, E> {
        Ok(match self.shape {
            Shape::Text => Got::Text(
                u64::try_from(v.len()).unwrap_or(u64::MAX),
                lent_at(self.data, v),
            ),
            _ => Got::Nothing,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Got, A::Error> {
        let Shape::Each(inner) = self.shape else {
            while seq.next_element_seed(Strict)?.is_some() {}
            return Ok(Got::Nothing);
        };
        let (mut len, mut text, mut at) = (0usize, 0u64, Some(Vec::new()));
        while let Some(got) = seq.next_element_seed(Node {
            shape: inner,
            data: self.data,
        })? {
            len = len.saturating_add(1);
            text = text.saturating_add(got.text_bytes());
            got.add_at(&mut at);
        }
        Ok(Got::Each { len, text, at })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Got, A::Error> {
        let Shape::Members(fields) = self.shape else {
            while map.next_key_seed(Strict)?.is_some() {
                map.next_value_seed(Strict)?;
            }
            return Ok(Got::Nothing);
        };
        let mut got: [Option<Got>; MAX_FIELDS] = Default::default();
        while let Some(key) = map.next_key_seed(Key { fields })? {
            match key.and_then(|i| fields.get(i).map(|(_, s)| (i, s))) {
                Some((i, shape)) => {
                    let value = map.next_value_seed(Node {
                        shape,
                        data: self.data,
                    })?;
                    if let Some(slot) = got.get_mut(i) {
                        *slot = Some(value);
                    }
                }
                None => map.next_value_seed(Strict)?,
            }
        }
        let text = got
            .iter()
            .flatten()
            .fold(0u64, |n, g| n.saturating_add(g.text_bytes()));
        let mut at = Some(Vec::new());
        for g in got.iter().flatten() {
            g.add_at(&mut at);
        }
        let first_len = match got.first() {
            Some(Some(Got::Each { len, .. })) => Some(*len),
            _ => None,
        };
        let usage = got.iter_mut().find_map(|g| match g.take() {
            Some(Got::Usage(v)) => Some(v),
            _ => None,
        });
        Ok(Got::Members {
            text,
            first_len,
            usage,
            at,
        })
    }
}

/// A member's key: the index of the field it names, if any.
struct Key {
    fields: &'static [(&'static str, Shape)],
}

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_any(self)
    }
}

impl Visitor<'_> for Key {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.fields.iter().position(|(name, _)| *name == v))
    }
}

/// Where `v`, a string serde_json lent while parsing `data` (one without
/// escapes, borrowed from the input), starts in `data`; `None` if it is
/// not a slice of it.
pub(crate) fn lent_at(data: &str, v: &str) -> Option<usize> {
    let at = (v.as_ptr() as usize).wrapping_sub(data.as_ptr() as usize);
    data.get(at..)
        .is_some_and(|rest| std::ptr::eq(rest.as_ptr(), v.as_ptr()) && rest.len() >= v.len())
        .then_some(at)
}

/// Reads any value as `Value` would, keeping nothing.
pub(crate) struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Strict)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Strict)?.is_some() {
            map.next_value_seed(Strict)?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::request::api::ApiKind;
    use crate::request::usage::{is_injected_usage_chunk, StreamUsage};

    /// A small deterministic generator (xorshift).
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            crate::inspect::tests::xorshift(&mut self.0);
            self.0
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            let n = u64::try_from(from.len()).unwrap_or(1);
            let i = usize::try_from(self.next() % n).unwrap_or(0);
            from.get(i).copied().unwrap_or_default()
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// Keys the reader reads, ones it does not, and escaped spellings.
    const KEYS: &[&str] = &[
        "choices",
        "usage",
        "text",
        "delta",
        "content",
        "refusal",
        "reasoning_content",
        "reasoning",
        "tool_calls",
        "function",
        "arguments",
        "prompt_tokens",
        "completion_tokens",
        "id",
        "index",
        "cont\\u0065nt",
        "\\u0075sage",
        "choices ",
    ];

    /// Scalars, valid and not (a lone surrogate, a number out of range).
    const SCALARS: &[&str] = &[
        "\"abcdefgh\"",
        "\"\"",
        "\"line\\nbreak \\\"quoted\\\" \\\\ \\/\"",
        "\"caf\\u00e9 \\ud83d\\ude00\"",
        "\"déjà vu ✓\"",
        "\"\\ud800 lone\"",
        "\"bad \\x escape\"",
        "0",
        "12",
        "-3",
        "2.5",
        "1e400",
        "18446744073709551616",
        "true",
        "null",
    ];

    fn value(g: &mut Gen, depth: u32, out: &mut String) {
        let kind = if depth > 5 { 0 } else { g.below(5) };
        match kind {
            0 | 1 => out.push_str(g.pick(SCALARS)),
            2 => {
                out.push('[');
                for i in 0..g.below(4) {
                    if i > 0 {
                        out.push(',');
                    }
                    value(g, depth + 1, out);
                }
                out.push(']');
            }
            _ => object(g, depth, out),
        }
    }

    fn object(g: &mut Gen, depth: u32, out: &mut String) {
        out.push('{');
        for i in 0..g.below(5) {
            if i > 0 {
                out.push_str(if g.below(8) == 0 { " , " } else { "," });
            }
            out.push('"');
            out.push_str(g.pick(KEYS));
            out.push_str("\":");
            value(g, depth + 1, out);
        }
        out.push('}');
    }

    /// The reference: a `Value`, as `StreamUsage::observe` reads it.
    fn by_value(api: ApiKind, data: &str) -> Option<(StreamUsage, bool)> {
        let v = serde_json::from_str::<Value>(data).ok()?;
        let mut s = StreamUsage::new(7);
        s.observe(api, None, &v);
        Some((s, is_injected_usage_chunk(&v)))
    }

    fn by_reader(api: ApiKind, data: &str) -> Option<(StreamUsage, bool)> {
        let mut s = StreamUsage::new(7);
        let usage_only = s.observe_data(api, None, data)?;
        Some((s, usage_only))
    }

    #[test]
    fn the_template_reads_what_a_value_reads() {
        // Events of one random shape, their string values replaced event
        // by event (by valid strings of other lengths, escaped ones, invalid
        // ones, other types): read through one template as a stream's are,
        // each must count what a `Value` counts.
        const STRINGS: &[&str] = &[
            "\"\"",
            "\"x\"",
            "\"a longer piece of text\"",
            "\"déjà vu ✓\"",
            "\"caf\\u00e9\"",
            "\"quote \\\" and \\\\\"",
            "\"\\ud800\"",
            "\"tab\tin it\"",
            "\"\\\"",
            "null",
            "7",
        ];
        let mut g = Gen(0x2545_f491_4f6c_dd1d);
        let (mut events, mut templated, mut counted) = (0usize, 0usize, 0usize);
        let mut template = None;
        for _ in 0..4_000u32 {
            let mut data = String::new();
            data.push_str("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":");
            object(&mut g, 2, &mut data);
            data.push_str(",\"text\":");
            value(&mut g, 4, &mut data);
            data.push_str("}],\"usage\":");
            data.push_str(g.pick(&["null", "{\"prompt_tokens\":3}", "\"x\""]));
            data.push('}');
            let Some((_, slots)) = serde_json::from_str::<Value>(&data)
                .ok()
                .and_then(|_| crate::request::json_template::Template::of(&data))
            else {
                continue;
            };
            for _ in 0..12 {
                let mut variant = String::new();
                let mut from = 0;
                for s in &slots {
                    variant.push_str(&data[from..s.start]);
                    if g.below(2) == 0 {
                        variant.push_str(&data[s.clone()]);
                    } else if g.below(6) == 0 {
                        variant.push_str(g.pick(STRINGS));
                    } else {
                        variant.push_str(&format!("\"w{}\"", "o".repeat(g.below(9) as usize)));
                    }
                    from = s.end;
                }
                variant.push_str(&data[from..]);
                let had = template.is_some();
                let mut s = StreamUsage::new(7);
                let got = s
                    .observe_data_with(ApiKind::ChatCompletions, None, &variant, &mut template)
                    .map(|usage_only| (s, usage_only));
                let want = by_value(ApiKind::ChatCompletions, &variant);
                assert_eq!(got, want, "{variant}");
                events += 1;
                templated += usize::from(had && template.is_some() && want.is_some());
                counted += usize::from(want.is_some_and(|(s, _)| s.finish().output_tokens > 0));
            }
        }
        assert!(
            events > 15_000 && templated > 4_000 && counted > 3_000,
            "{events} {templated} {counted}"
        );
    }

    #[test]
    fn reads_what_a_value_reads() {
        let mut g = Gen(0x9e37_79b9_7f4a_7c15);
        let mut accepted = 0usize;
        let mut counted = 0usize;
        let mut usage_only = 0usize;
        for i in 0..40_000u32 {
            let mut data = String::new();
            if i % 4 == 3 {
                // Text where the chunk carries it, and a repeated key.
                data.push_str("{\"choices\":[{\"delta\":{\"content\":");
                value(&mut g, 3, &mut data);
                data.push_str(",\"tool_calls\":[{\"function\":{\"arguments\":");
                value(&mut g, 3, &mut data);
                data.push_str("}}],\"");
                data.push_str(g.pick(KEYS));
                data.push_str("\":");
                value(&mut g, 3, &mut data);
                data.push_str("}}]}");
            } else if i % 3 == 0 {
                // The chunk's own shape, filled at random.
                data.push_str("{\"choices\":[{\"delta\":");
                object(&mut g, 2, &mut data);
                data.push_str(",\"text\":");
                value(&mut g, 3, &mut data);
                data.push_str("}],\"usage\":");
                value(&mut g, 1, &mut data);
                data.push('}');
            } else if i % 3 == 1 {
                // The usage-only chunk's shape, or nearly.
                data.push_str("{\"choices\":[");
                if g.below(3) == 0 {
                    value(&mut g, 2, &mut data);
                }
                data.push_str("],\"usage\":");
                object(&mut g, 1, &mut data);
                data.push('}');
            } else {
                value(&mut g, 0, &mut data);
            }
            match g.below(10) {
                // Cut short, or followed by more.
                0 => {
                    let mut cut = usize::try_from(g.below(data.len() as u64 + 1)).unwrap_or(0);
                    while !data.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    data.truncate(cut);
                }
                1 => data.push_str(" x"),
                2 => data.push_str(" \n"),
                _ => {}
            }
            for api in [ApiKind::ChatCompletions, ApiKind::Completions] {
                let want = by_value(api, &data);
                let got = by_reader(api, &data);
                assert_eq!(got, want, "{api:?} {data}");
                if let Some((s, only)) = &want {
                    accepted += 1;
                    counted += usize::from(s.finish().output_tokens > 0);
                    usage_only += usize::from(*only);
                }
            }
        }
        // The generator reaches every case the comparison is about.
        assert!(
            accepted > 20_000 && counted > 2_000 && usage_only > 2_000,
            "{accepted} {counted} {usage_only}"
        );
    }

    #[test]
    fn every_shape_fits_the_members_read() {
        for shape in [&CHUNK, &CHOICE, &DELTA, &CALL, &FUNCTION] {
            let Shape::Members(fields) = shape else {
                panic!("an object shape");
            };
            assert!(fields.len() <= MAX_FIELDS);
        }
    }

    #[test]
    fn refuses_what_a_value_refuses() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let deep_object = format!("{{\"choices\":{}{}}}", "[".repeat(200), "]".repeat(200));
        for data in [
            "",
            "{",
            "{\"choices\":[{\"delta\":{\"content\":\"\\ud800\"}}]}",
            "{\"id\":\"\\udc00\",\"choices\":[]}",
            "{\"created\":1e400}",
            "{\"choices\":[]} {}",
            "{\"a\":1,}",
            deep.as_str(),
            deep_object.as_str(),
        ] {
            assert!(serde_json::from_str::<Value>(data).is_err(), "{data}");
            assert_eq!(parse(data).map(|(c, _)| c), None, "{data}");
        }
    }

    #[test]
    fn counts_the_last_copy_of_a_repeated_key() {
        let data = r#"{"choices":[{"delta":{"content":"abcd","content":"ab"}}],"choices":[{"text":"xyz"}]}"#;
        let got = parse(data).map(|(c, _)| c).unwrap_or_default();
        assert_eq!(got.text_bytes, 3);
        assert_eq!(
            by_reader(ApiKind::ChatCompletions, data),
            by_value(ApiKind::ChatCompletions, data)
        );
    }

    #[test]
    fn every_api_reads_its_events_as_observe_does() {
        // For the APIs read as chat chunks and for the others alike.
        let events = [
            r#"{"choices":[{"index":0,"delta":{"content":"hello wor","tool_calls":[{"function":{"arguments":"{\"a\":1}"}}]}}]}"#,
            r#"{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":12,"prompt_tokens_details":{"cached_tokens":3}}}"#,
            r#"{"type":"content_block_delta","delta":{"type":"text_delta","text":"hi there"}}"#,
            r#"{"type":"message_delta","usage":{"output_tokens":5}}"#,
            r#"{"message":{"content":"abc"},"prompt_eval_count":4,"eval_count":6}"#,
            r#"{"candidates":[{"content":{"parts":[{"text":"abcdef"}]}}],"usageMetadata":{"promptTokenCount":3}}"#,
            r#"{"delta":"abc","type":"response.output_text.delta"}"#,
            r#"{"token":{"text":"ab"},"details":{"generated_tokens":2}}"#,
            r#"{"contentBlockDelta":{"delta":{"text":"x"}},"usage":{"inputTokens":1,"outputTokens":2}}"#,
        ];
        for api in ApiKind::ALL {
            for data in events {
                assert_eq!(by_reader(api, data), by_value(api, data), "{api:?} {data}");
            }
        }
    }
}
