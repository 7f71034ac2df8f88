//! A JSON document's shape, kept to read the next document of the same
//! shape without parsing it: the bytes of a stream's events repeat but for
//! their string values.
//!
//! A stream sends one event shape again and again — the same keys in the
//! same order, the same numbers and `null`s — and only its string values
//! change: the text, and OpenAI's per-event `obfuscation` padding. A
//! [`Template`] is one parsed event's bytes with its string *values* (not
//! its keys) marked. A later event whose bytes are the template's but for
//! those values ([`Template::read`]) is a valid document exactly when each
//! of its values is a valid string token, and then it has the same members
//! with values of the same types as the template's: JSON's grammar lets a
//! string token stand wherever another one stands. A reader whose result
//! depends on keys, types and non-string values, and on string values only
//! through what it reads of the values it is handed back, gets from the
//! template what a parse would give it — without the parse, which was most
//! of a filter's work per streamed event.
//!
//! Valid string tokens are decided as serde_json decides them: without an
//! escape, no control character (U+0000 to U+001F); with one, serde_json
//! decodes the token (escapes, `\u` surrogate pairs).

use std::ops::Range;

/// The most string values a template marks (an event with more gets none).
const MAX_SLOTS: usize = 16;
/// The largest document kept as a template: a stream's steady events are a
/// few hundred bytes, and a template is kept per stream.
const MAX_BYTES: usize = 4096;

/// One document's shape: its bytes, its string values marked.
#[derive(Debug)]
pub(crate) struct Template {
    bytes: String,
    /// The bytes between the string values: one more than the values.
    fixed: Vec<Range<usize>>,
}

impl Template {
    /// The template of `data`, which must be JSON a parse accepted (`None`
    /// if it has more than [`MAX_SLOTS`] string values or [`MAX_BYTES`]
    /// bytes), and the spans of
    /// its string values, quotes included, in order.
    pub(crate) fn of(data: &str) -> Option<(Template, Vec<Range<usize>>)> {
        if data.len() > MAX_BYTES {
            return None;
        }
        let b = data.as_bytes();
        let mut fixed = Vec::new();
        let mut slots = Vec::new();
        let (mut from, mut i) = (0usize, 0usize);
        while i < b.len() {
            if b.get(i) != Some(&b'"') {
                i = i.saturating_add(1);
                continue;
            }
            let (end, _) = string_token(b, i)?;
            let after = super::json_walk::skip_ws(b, end);
            if b.get(after) != Some(&b':') {
                // A value, not a key.
                if slots.len() >= MAX_SLOTS {
                    return None;
                }
                fixed.push(from..i);
                slots.push(i..end);
                from = end;
            }
            i = end;
        }
        fixed.push(from..b.len());
        Some((
            Template {
                bytes: data.to_owned(),
                fixed,
            },
            slots,
        ))
    }

    /// Whether `data` is this template's shape with valid string values;
    /// `slot(k, span, escaped)` is told of each value, in order, as it is
    /// read (a `false` return stops the read: `data` is not taken).
    pub(crate) fn read(
        &self,
        data: &str,
        mut slot: impl FnMut(usize, Range<usize>, bool) -> bool,
    ) -> bool {
        let b = data.as_bytes();
        let t = self.bytes.as_bytes();
        let Some(last) = self.fixed.len().checked_sub(1) else {
            return false;
        };
        let mut pos = 0usize;
        for (k, piece) in self.fixed.iter().enumerate() {
            let Some(want) = t.get(piece.clone()) else {
                return false;
            };
            let Some(end) = pos.checked_add(want.len()) else {
                return false;
            };
            if !b.get(pos..end).is_some_and(|got| same_bytes(got, want)) {
                return false;
            }
            pos = end;
            if k == last {
                break;
            }
            let Some((end, escaped)) = string_token(b, pos) else {
                return false;
            };
            if !slot(k, pos..end, escaped) {
                return false;
            }
            pos = end;
        }
        pos == b.len()
    }
}

/// `a == b` for slices of one length, eight bytes at a time (wasm's
/// `memcmp` compares byte by byte).
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0usize;
    while let (Some(x), Some(y)) = (
        crate::inspect::swar::chunk(a, i),
        crate::inspect::swar::chunk(b, i),
    ) {
        if x != y {
            return false;
        }
        i = i.saturating_add(8);
    }
    a.get(i..) == b.get(i..)
}

/// The JSON string token starting at `at` (a `"`): its end, and whether it
/// has escapes; `None` if it is not a valid token.
pub(crate) fn string_token(b: &[u8], at: usize) -> Option<(usize, bool)> {
    use crate::inspect::swar;
    if b.get(at) != Some(&b'"') {
        return None;
    }
    // The bytes that end a stretch of plain string bytes, eight at a time.
    let special = |x: u64| {
        let (x, _) = swar::ascii(x);
        swar::equal(x, b'"')
            | swar::equal(x, b'\\')
            | swar::equal(x, 0)
            | swar::in_range(x, 1, 0x1f)
    };
    let mut i = at.checked_add(1)?;
    let mut escaped = false;
    loop {
        i = crate::inspect::find_byte(b, i, special, |c| c == b'"' || c == b'\\' || c < 0x20)?;
        match *b.get(i)? {
            b'"' => break,
            b'\\' => {
                escaped = true;
                i = i.checked_add(2)?;
            }
            _ => return None,
        }
    }
    let end = i.checked_add(1)?;
    if escaped {
        let token = std::str::from_utf8(b.get(at..end)?).ok()?;
        serde_json::from_str::<String>(token).ok()?;
    }
    Some((end, escaped))
}

/// The decoded length of a valid string token (`escaped` as
/// [`string_token`] said).
pub(crate) fn decoded_len(token: &str, escaped: bool) -> Option<usize> {
    if escaped {
        serde_json::from_str::<String>(token).ok().map(|s| s.len())
    } else {
        token.len().checked_sub(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_values_not_keys() {
        let data = r#"{"a":"x","b":[1,"y",{"c":"z\"q"}],"d":null}"#;
        let (t, slots) = Template::of(data).unwrap();
        let values: Vec<&str> = slots.iter().map(|s| &data[s.clone()]).collect();
        assert_eq!(values, [r#""x""#, r#""y""#, r#""z\"q""#]);
        let mut seen = Vec::new();
        let other = r#"{"a":"","b":[1,"\u00e9",{"c":"long text"}],"d":null}"#;
        assert!(t.read(other, |k, span, escaped| {
            seen.push((k, other[span].to_owned(), escaped));
            true
        }));
        assert_eq!(
            seen,
            [
                (0, r#""""#.to_owned(), false),
                (1, r#""\u00e9""#.to_owned(), true),
                (2, r#""long text""#.to_owned(), false)
            ]
        );
        for not in [
            r#"{"a":"x","b":[1,"y",{"c":"z"}],"d":null} "#,
            r#"{"a":"x","b":[2,"y",{"c":"z"}],"d":null}"#,
            r#"{"a":1,"b":[1,"y",{"c":"z"}],"d":null}"#,
            r#"{"a":"x","b":[1,"\ud800",{"c":"z"}],"d":null}"#,
            "{\"a\":\"x\ty\",\"b\":[1,\"y\",{\"c\":\"z\"}],\"d\":null}",
            r#"{"a":"x","b":[1,"y",{"c":"z"}],"d":nul"#,
        ] {
            assert!(!t.read(not, |_, _, _| true), "{not}");
        }
        assert!(!t.read(data, |k, _, _| k != 1));
    }
}
