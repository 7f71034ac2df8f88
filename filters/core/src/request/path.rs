//! One path normalisation for every filter: what a request path *means*,
//! whatever way it is spelled.
//!
//! ```
//! use tollgate_core::request::path::{normalize, PathError};
//!
//! let p = normalize("//v1/%63hat//completions/?api-version=1").unwrap();
//! assert_eq!(p.as_str(), "/v1/chat/completions");
//! assert_eq!(p.query(), "api-version=1");
//! assert_eq!(normalize("/v1/chat%2Fcompletions"), Err(PathError::EncodedSeparator));
//! assert_eq!(normalize("/v1/threads/../messages"), Err(PathError::DotSegment));
//! ```
//!
//! # Why normalise
//! A filter that matches `/v1/chat/completions` literally is side-stepped by
//! `/v1/%63hat/completions` or `//v1/chat/completions`, which servers route
//! to the same handler or refuse.
//! So the route catalogue, permissions, throttle rules and inspect
//! overrides all match the *normalised* path, computed here once. The path
//! forwarded upstream is never rewritten: the normalised form only decides
//! how the request is governed.
//!
//! # The rules
//! - The query (`?…`) is split off first; a fragment (`#…`, which no client
//!   sends) ends the path.
//! - Percent-encoded *unreserved* characters (RFC 3986: letters, digits,
//!   `-`, `.`, `_`, `~`) are decoded, as RFC 3986 says every normaliser
//!   may; other escapes are kept, with upper-case hex, so `%2a` and `%2A`
//!   are one segment.
//! - An encoded `/` or `\` (`%2F`, `%5C`) is refused
//!   ([`PathError::EncodedSeparator`]): servers disagree on whether it
//!   separates segments, so the path would mean one thing here and another
//!   upstream (Envoy's `path_with_escaped_slashes_action: REJECT_REQUEST`
//!   does the same). So is a literal `\` (some servers treat it as `/`),
//!   a bad escape (`%zz`, `%4`), an escaped or raw control character, and a
//!   path that does not start with `/`.
//! - Dot segments (`.`, `..`, after decoding, so `%2e%2e` too) are refused
//!   ([`PathError::DotSegment`]): RFC 3986 says to remove them, but
//!   Starlette/uvicorn, axum and Express do not, and Envoy does not unless
//!   `normalize_path` is set; `/v1/threads/../messages` would be
//!   `messages` here and a thread named `..` upstream. No client sends
//!   them.
//! - Empty segments (repeated and trailing slashes) are dropped.
//! - Case is kept: `/V1/Chat/Completions` is another path, which the route
//!   catalogue does not know (and so refuses unless told otherwise).

use std::fmt;

/// The longest path accepted, in bytes (Envoy's default header limit is
/// 60 KiB for all headers; a longer `:path` is not a real API call).
pub const MAX_PATH_BYTES: usize = 16 * 1024;

/// Why a path cannot be governed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The path does not start with `/` (or is empty).
    #[error("the path must start with /")]
    NotAbsolute,
    /// `%2F` or `%5C`: a separator servers read differently.
    #[error("encoded slashes in the path are not accepted")]
    EncodedSeparator,
    /// A raw `\`.
    #[error("backslashes in the path are not accepted")]
    Backslash,
    /// A `%` not followed by two hex digits.
    #[error("the path has a malformed percent-encoding")]
    BadEscape,
    /// A control character, raw or escaped.
    #[error("the path has control characters")]
    Control,
    /// Longer than [`MAX_PATH_BYTES`].
    #[error("the path is too long")]
    TooLong,
    /// A `.` or `..` segment, raw or encoded.
    #[error("dot segments in the path are not accepted")]
    DotSegment,
}

impl PathError {
    /// A short fixed name for metrics and logs.
    pub fn reason(self) -> &'static str {
        match self {
            Self::NotAbsolute => "path_not_absolute",
            Self::EncodedSeparator => "encoded_separator",
            Self::Backslash => "backslash",
            Self::BadEscape => "bad_escape",
            Self::Control => "control_character",
            Self::TooLong => "path_too_long",
            Self::DotSegment => "dot_segment",
        }
    }
}

/// A request path as the filters understand it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestPath {
    segments: Vec<String>,
    query: String,
}

impl RequestPath {
    /// The segments, decoded as described in the module docs.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The raw query string, without the `?` (empty when there is none).
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The normalised path: `/` and the segments joined by `/`.
    pub fn as_str(&self) -> String {
        self.to_string()
    }

    /// Whether the path is `prefix` or continues it by whole segments
    /// (`/v1/chat` matches `/v1/chat` and `/v1/chat/completions`, not
    /// `/v1/chatty`); a trailing `*` in `prefix` matches any continuation
    /// of its last segment (`/v1/chat*` matches `/v1/chatty`). `prefix` is
    /// normalised like a path (so a configured `/v1//chat/` works); one that
    /// cannot be never matches.
    pub fn starts_with(&self, prefix: &str) -> bool {
        let (prefix, star) = match prefix.strip_suffix('*') {
            Some(p) => (p, true),
            None => (prefix, false),
        };
        let Ok(pattern) = normalize(prefix) else {
            return false;
        };
        let want = pattern.segments();
        if star && !prefix.ends_with('/') {
            let Some((last, init)) = want.split_last() else {
                return true;
            };
            return self.segments.len() >= want.len()
                && self.segments.iter().zip(init).all(|(a, b)| a == b)
                && self
                    .segments
                    .get(init.len())
                    .is_some_and(|s| s.starts_with(last.as_str()));
        }
        self.segments.len() >= want.len() && self.segments.iter().zip(want).all(|(a, b)| a == b)
    }

    /// The decoded value of query parameter `name` (`+` is a space, `%XX`
    /// decoded): `Ok(None)` when absent, `Err(())` when it is given twice
    /// (servers disagree on which one counts) or does not decode to UTF-8.
    #[allow(clippy::result_unit_err)]
    pub fn query_param(&self, name: &str) -> Result<Option<String>, ()> {
        let mut found = None;
        for pair in self.query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if form_decode(k).as_deref() != Some(name) {
                continue;
            }
            if found.is_some() {
                return Err(());
            }
            found = Some(form_decode(v).ok_or(())?);
        }
        Ok(found)
    }
}

/// The raw `:path` with every query parameter named `name` (decoded
/// name) removed, or `None` when it has none: a credential a client put in
/// the URL (`?key=` of Google APIs) does not travel on.
pub fn without_query_param(raw: &str, name: &str) -> Option<String> {
    let (path, query) = raw.split_once('?')?;
    let mut kept: Vec<&str> = Vec::new();
    let mut removed = false;
    for pair in query.split('&') {
        let key = pair.split_once('=').map_or(pair, |(k, _)| k);
        if form_decode(key).as_deref() == Some(name) {
            removed = true;
        } else if !pair.is_empty() {
            kept.push(pair);
        }
    }
    if !removed {
        return None;
    }
    Some(if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    })
}

impl fmt::Display for RequestPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str("/");
        }
        for s in &self.segments {
            f.write_str("/")?;
            f.write_str(s)?;
        }
        Ok(())
    }
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// `application/x-www-form-urlencoded` decoding of one name or value;
/// strict: a `%` not followed by two hex digits is refused (`None`) rather
/// than read one way here and another upstream.
fn form_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let well_formed = s.match_indices('%').all(|(i, _)| {
        b.get(i.saturating_add(1))
            .is_some_and(u8::is_ascii_hexdigit)
            && b.get(i.saturating_add(2))
                .is_some_and(u8::is_ascii_hexdigit)
    });
    if !well_formed {
        return None;
    }
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Checks one raw segment and decodes it (see the module docs).
fn segment(raw: &str) -> Result<String, PathError> {
    let mut bytes = raw.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'%' => {
                let (Some(hi), Some(lo)) = (bytes.next().and_then(hex), bytes.next().and_then(hex))
                else {
                    return Err(PathError::BadEscape);
                };
                let c = (hi << 4) | lo;
                if c == b'/' || c == b'\\' {
                    return Err(PathError::EncodedSeparator);
                }
                if c.is_ascii_control() {
                    return Err(PathError::Control);
                }
            }
            b'\\' => return Err(PathError::Backslash),
            b if b.is_ascii_control() => return Err(PathError::Control),
            _ => {}
        }
    }
    Ok(rebuild(raw))
}

/// Rebuilds a validated segment: escapes of unreserved characters decoded,
/// other escapes upper-cased, everything else as it was.
fn rebuild(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('%') {
        out.push_str(rest.get(..i).unwrap_or_default());
        let esc = rest.get(i..i.saturating_add(3)).unwrap_or_default();
        let b = esc.as_bytes();
        let decoded = match (
            b.get(1).copied().and_then(hex),
            b.get(2).copied().and_then(hex),
        ) {
            (Some(hi), Some(lo)) => Some((hi << 4) | lo),
            _ => None,
        };
        match decoded {
            Some(c) if unreserved(c) => out.push(char::from(c)),
            _ => out.push_str(&esc.to_ascii_uppercase()),
        }
        rest = rest.get(i.saturating_add(3)..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// Normalises a request's `:path` (see the module docs).
pub fn normalize(raw: &str) -> Result<RequestPath, PathError> {
    if raw.len() > MAX_PATH_BYTES {
        return Err(PathError::TooLong);
    }
    let (path, query) = match raw.split_once('?') {
        Some((p, q)) => (p, q.split('#').next().unwrap_or_default()),
        None => (raw, ""),
    };
    let path = path.split('#').next().unwrap_or_default();
    if !path.starts_with('/') {
        return Err(PathError::NotAbsolute);
    }
    if query.bytes().any(|b| b.is_ascii_control()) {
        return Err(PathError::Control);
    }
    let mut segments: Vec<String> = Vec::new();
    for raw_seg in path.split('/') {
        if raw_seg.is_empty() {
            continue;
        }
        let seg = segment(raw_seg)?;
        if seg == "." || seg == ".." {
            return Err(PathError::DotSegment);
        }
        segments.push(seg);
    }
    Ok(RequestPath {
        segments,
        query: query.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_credential_is_removed() {
        assert_eq!(
            without_query_param("/v1beta/models/m:generateContent?key=AIza1&alt=sse", "key"),
            Some("/v1beta/models/m:generateContent?alt=sse".into())
        );
        assert_eq!(
            without_query_param("/x?%6Bey=a&key=b", "key"),
            Some("/x".into())
        );
        assert_eq!(without_query_param("/x?alt=sse", "key"), None);
        assert_eq!(without_query_param("/x", "key"), None);
    }

    #[test]
    fn normalize_table() {
        let ok: &[(&str, &str, &str)] = &[
            ("/v1/chat/completions", "/v1/chat/completions", ""),
            ("//v1//chat/completions//", "/v1/chat/completions", ""),
            ("/v1/%63hat/completions", "/v1/chat/completions", ""),
            ("/v1/%7e%41", "/v1/~A", ""),
            ("/v1/a%2ab", "/v1/a%2Ab", ""),
            ("/v1/a%20b", "/v1/a%20b", ""),
            (
                "/v1/chat/completions?a=1&b",
                "/v1/chat/completions",
                "a=1&b",
            ),
            ("/v1/chat/completions#frag", "/v1/chat/completions", ""),
            ("/v1/r?x=1#f", "/v1/r", "x=1"),
            ("/", "/", ""),
            ("/V1/Chat", "/V1/Chat", ""),
            (
                "/v1/models/ft:gpt-4o:org::1",
                "/v1/models/ft:gpt-4o:org::1",
                "",
            ),
            ("/v1/caf\u{e9}", "/v1/caf\u{e9}", ""),
        ];
        for (raw, want, query) in ok {
            let p = normalize(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(p.as_str(), *want, "{raw}");
            assert_eq!(p.query(), *query, "{raw}");
        }
        let bad: &[(&str, PathError)] = &[
            ("", PathError::NotAbsolute),
            ("v1/chat", PathError::NotAbsolute),
            ("*", PathError::NotAbsolute),
            ("http://x/v1/chat", PathError::NotAbsolute),
            ("/v1/chat%2Fcompletions", PathError::EncodedSeparator),
            ("/v1/chat%2fcompletions", PathError::EncodedSeparator),
            ("/v1%5cchat", PathError::EncodedSeparator),
            ("/v1\\chat", PathError::Backslash),
            ("/v1/%zz", PathError::BadEscape),
            ("/v1/%4", PathError::BadEscape),
            ("/v1/%", PathError::BadEscape),
            ("/v1/%00", PathError::Control),
            ("/v1/\u{7}", PathError::Control),
            ("/v1/a?b=\n", PathError::Control),
            ("/v1/./chat/completions", PathError::DotSegment),
            ("/v1/threads/../messages", PathError::DotSegment),
            ("/../../v1/chat/completions", PathError::DotSegment),
            ("/v1/%2e/chat/completions", PathError::DotSegment),
            ("/v1/threads/%2E%2E/messages", PathError::DotSegment),
            ("/v1/threads/.%2e/messages", PathError::DotSegment),
            ("/v1/chat/completions/.", PathError::DotSegment),
        ];
        for (raw, want) in bad {
            assert_eq!(normalize(raw), Err(*want), "{raw:?}");
        }
        assert_eq!(
            normalize(&format!("/{}", "a".repeat(MAX_PATH_BYTES))),
            Err(PathError::TooLong)
        );
    }

    #[test]
    fn prefixes_match_whole_segments() {
        let p = normalize("/v1/chat/completions").unwrap();
        assert!(p.starts_with("/v1/chat"));
        assert!(p.starts_with("/v1/chat/"));
        assert!(p.starts_with("/v1//chat"));
        assert!(p.starts_with("/"));
        assert!(p.starts_with("/v1/ch*"));
        assert!(!p.starts_with("/v1/cha"));
        assert!(!p.starts_with("/v1/chat/completions/x"));
        assert!(!p.starts_with("/v2"));
        assert!(!p.starts_with("nope"));
    }

    #[test]
    fn query_params() {
        let p = normalize("/v1/realtime?model=gpt-4o%2Drealtime&x=a+b&e").unwrap();
        assert_eq!(p.query_param("model"), Ok(Some("gpt-4o-realtime".into())));
        assert_eq!(p.query_param("x"), Ok(Some("a b".into())));
        assert_eq!(p.query_param("e"), Ok(Some(String::new())));
        assert_eq!(p.query_param("nope"), Ok(None));
        let twice = normalize("/r?model=a&model=b").unwrap();
        assert_eq!(twice.query_param("model"), Err(()));
        let encoded_name = normalize("/r?mod%65l=a&model=b").unwrap();
        assert_eq!(
            encoded_name.query_param("model"),
            Err(()),
            "a name spelled two ways is still twice"
        );
        assert_eq!(
            normalize("/r?model=%ff").unwrap().query_param("model"),
            Err(())
        );
    }
}
