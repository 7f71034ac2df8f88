//! The external guard: a classifier service `inspect` asks about each
//! request after its own detectors pass (the contract, both ways).
//!
//! ```
//! use tollgate_core::inspect::guard::{self, Answer};
//! use tollgate_core::request::{Loc, Role, Segment};
//!
//! let segments = vec![Segment::plain(Role::User, "call Ana on 555-0100", Loc::default())];
//! let payload = guard::payload("chat_completions", "/v1/chat/completions", "req_1", &segments);
//! assert!(String::from_utf8(payload).unwrap().contains(r#""direction":"request""#));
//!
//! let answer = guard::answer(br#"{"action":"mask","spans":[{"segment":0,"start":5,"end":8,"label":"name"}]}"#);
//! let Some(Answer::Mask(spans)) = answer else { panic!() };
//! let edits = guard::mask_edits(&segments, &spans).unwrap();
//! assert_eq!(edits[0].1, "call [REDACTED:name] on 555-0100");
//! ```
//!
//! # The contract
//! `POST <guard.path>` with `{"direction":"request","api":…,"path":…,
//! "request_id":…,"segments":[{"role":"user","text":…},…]}` (the segments
//! as they will be forwarded, after in-proxy redaction). The service answers
//! `200` with `{"action":"pass"}`, `{"action":"reject","reason":…}` (the
//! reason is logged, never sent to the client) or `{"action":"mask","spans":
//! [{"segment":0,"start":4,"end":9,"label":"name"}]}`: offsets in Unicode
//! scalar values of that segment's text, replaced with
//! `[REDACTED:<label>]`. Anything else is a failure, handled by the
//! configured fail mode.

use crate::request::{Loc, Segment};

use super::{redaction_label, replace_ranges};

/// A guard's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Let it through.
    Pass,
    /// Refuse it; the reason is for the logs.
    Reject(String),
    /// Replace these spans.
    Mask(Vec<Span>),
}

/// A span to mask.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// Index into the segments sent.
    pub segment: usize,
    /// Start, in characters.
    pub start: usize,
    /// End (exclusive), in characters.
    pub end: usize,
    /// The redaction label (letters, digits, `_`).
    pub label: String,
}

/// The request body sent to the guard.
pub fn payload(api: &str, path: &str, request_id: &str, segments: &[Segment]) -> Vec<u8> {
    let value = serde_json::json!({
        "direction": "request",
        "api": api,
        "path": path,
        "request_id": request_id,
        "segments": segments
            .iter()
            .map(|s| serde_json::json!({"role": s.role.as_str(), "text": s.text}))
            .collect::<Vec<_>>(),
    });
    serde_json::to_vec(&value).unwrap_or_default()
}

/// Reads a guard's `200` body; `None` for anything outside the contract.
pub fn answer(body: &[u8]) -> Option<Answer> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    match value.get("action")?.as_str()? {
        "pass" => Some(Answer::Pass),
        "reject" => Some(Answer::Reject(
            value
                .get("reason")
                .and_then(|r| r.as_str())
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect(),
        )),
        "mask" => {
            let mut spans = Vec::new();
            for span in value.get("spans")?.as_array()? {
                let num = |k: &str| {
                    span.get(k)
                        .and_then(serde_json::Value::as_u64)
                        .and_then(|n| usize::try_from(n).ok())
                };
                let (segment, start, end) = (num("segment")?, num("start")?, num("end")?);
                let label = span
                    .get("label")
                    .and_then(|l| l.as_str())
                    .unwrap_or("guard");
                if end < start || label.is_empty() || label.len() > 64 {
                    return None;
                }
                let label: String = label
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                spans.push(Span {
                    segment,
                    start,
                    end,
                    label,
                });
            }
            Some(Answer::Mask(spans))
        }
        _ => None,
    }
}

/// The edits that apply `spans` to `segments` (each segment's new value at
/// its location, encoded as the segment was); `None` when a span names no
/// segment, falls outside its text, or lands on text that cannot be
/// rewritten.
pub fn mask_edits(segments: &[Segment], spans: &[Span]) -> Option<Vec<(Loc, String)>> {
    if spans.iter().any(|s| s.segment >= segments.len()) {
        return None;
    }
    let mut edits = Vec::new();
    for (index, segment) in segments.iter().enumerate() {
        let chars = segment.text.chars().count();
        let byte = |c: usize| -> Option<usize> {
            if c == chars {
                return Some(segment.text.len());
            }
            segment.text.char_indices().nth(c).map(|(i, _)| i)
        };
        let mut ranges: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        for span in spans.iter().filter(|s| s.segment == index) {
            ranges.push((
                byte(span.start)?..byte(span.end)?,
                redaction_label(&span.label),
            ));
        }
        if ranges.is_empty() {
            continue;
        }
        crate::sort::sort_by_key(&mut ranges, |(r, _)| r.start);
        let refs: Vec<_> = ranges
            .iter()
            .map(|(r, l)| (r.clone(), l.as_str()))
            .collect();
        let text = replace_ranges(&segment.text, &refs);
        edits.push((segment.loc.clone(), segment.encode(&text)?));
    }
    Some(edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Role;

    #[test]
    fn answers_outside_the_contract_are_failures() {
        for body in [
            &b"nope"[..],
            br#"{}"#,
            br#"{"action":"maybe"}"#,
            br#"{"action":"mask"}"#,
            br#"{"action":"mask","spans":[{"segment":0,"start":5,"end":2}]}"#,
            br#"{"action":"mask","spans":[{"segment":-1,"start":0,"end":2}]}"#,
        ] {
            assert_eq!(answer(body), None, "{}", String::from_utf8_lossy(body));
        }
        assert_eq!(answer(br#"{"action":"pass"}"#), Some(Answer::Pass));
        assert_eq!(
            answer(br#"{"action":"reject","reason":"bad"}"#),
            Some(Answer::Reject("bad".into()))
        );
    }

    #[test]
    fn masks_count_characters_not_bytes() {
        let segs = vec![Segment::plain(Role::User, "héllo wörld", Loc::default())];
        let spans = [Span {
            segment: 0,
            start: 6,
            end: 11,
            label: "x".into(),
        }];
        assert_eq!(
            mask_edits(&segs, &spans).unwrap()[0].1,
            "héllo [REDACTED:x]"
        );
        let out_of_range = [Span {
            segment: 0,
            start: 6,
            end: 99,
            label: "x".into(),
        }];
        assert_eq!(mask_edits(&segs, &out_of_range), None);
        let no_segment = [Span {
            segment: 3,
            start: 0,
            end: 1,
            label: "x".into(),
        }];
        assert_eq!(mask_edits(&segs, &no_segment), None);
    }
}
