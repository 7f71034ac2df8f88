//! JSON whose objects never repeat a key, at any depth: parsers disagree on
//! which duplicate wins, so a token, a key set or a request body must mean
//! the same thing here as upstream. [`object`] reads a `serde_json` value
//! (tokens, key sets); the request reader's own tree checks its objects
//! with [`duplicate_key`]. Nesting depth is bounded by `serde_json`'s
//! recursion limit (128).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A JSON object from `bytes`, or `None` when it is not one (or has a
/// duplicated key anywhere, or trailing bytes).
pub(crate) fn object(bytes: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice::<Strict>(bytes).ok()?.0 {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// A `serde_json::Value` that refuses duplicate keys.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON without duplicate keys")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            if out.insert(key, value).is_some() {
                // No key text in the error: it may be client data.
                return Err(de::Error::custom("duplicate key"));
            }
        }
        Ok(Value::Object(out))
    }
}

/// The first key given twice among `keys` (in order), if any.
pub(crate) fn duplicate_key<'k>(keys: impl Iterator<Item = &'k str> + Clone) -> Option<&'k str> {
    let mut all: Vec<&str> = keys.collect();
    if all.len() <= 8 {
        for (i, k) in all.iter().enumerate() {
            if all.iter().skip(i.saturating_add(1)).any(|o| o == k) {
                return Some(k);
            }
        }
        return None;
    }
    crate::sort::sort(&mut all);
    all.windows(2).find_map(|w| match w {
        [a, b] if a == b => Some(*a),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::object;

    #[test]
    fn objects_only_and_no_duplicates_at_any_depth() {
        assert!(object(br#"{"a":1,"b":{"c":[1,{"d":null}]}}"#).is_some());
        assert!(object(br#"{"a":1,"a":1}"#).is_none());
        assert!(object(br#"{"a":{"b":1,"b":2}}"#).is_none());
        assert!(object(br#"{"a":[{"b":1,"b":2}]}"#).is_none());
        assert!(object(br#"[1]"#).is_none());
        assert!(object(br#"{"a":1} x"#).is_none());
        assert!(object(b"{\"a\":\"\xff\"}").is_none());
        // Escaped and plain spellings of one key are one key.
        assert!(object(br#"{"alg":1,"\u0061lg":2}"#).is_none());
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(object(format!("{{\"a\":{deep}}}").as_bytes()).is_none());
    }
}
