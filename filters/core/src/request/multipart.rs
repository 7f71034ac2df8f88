//! `multipart/form-data` (RFC 7578), read strictly: file uploads, audio
//! transcriptions and image edits are multipart, and what a filter does not
//! parse the way the upstream does is a way around it.
//!
//! ```
//! use tollgate_core::request::multipart::{boundary, parse};
//!
//! let ct = "multipart/form-data; boundary=XyZ";
//! let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n\
//! --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\
//! Content-Type: audio/wav\r\n\r\nRIFF....\r\n--XyZ--\r\n";
//! let form = parse(body, &boundary(ct).unwrap()).unwrap();
//! assert_eq!(form.field("model", body).unwrap(), Some("whisper-1"));
//! assert_eq!(form.parts[1].filename.as_deref(), Some("a.wav"));
//! ```
//!
//! # Why by hand, and why strict
//! The crates that parse multipart (`multer`, `multipart`) are asynchronous
//! or unmaintained, and pull in far more than a wasm module should carry;
//! the format needs ~200 lines. Strict, because parsers disagree on the
//! edges: a part whose name appears twice, a header folded over lines, a
//! `Content-Transfer-Encoding`, LF-only line ends, a missing closing
//! delimiter or a nested `multipart/mixed` could each make this reader and
//! the upstream's see different fields. All of them are refused
//! ([`FormError`]) rather than guessed at. Bytes before the first delimiter
//! (the preamble) and after the last (the epilogue) are ignored, as RFC 2046
//! says; neither is a part.
//!
//! # Rebuilding
//! [`Form::rebuild`] writes the body again with some parts' content
//! replaced (a redaction), every other byte as it was: delimiters carry no
//! length, so a part may change size.

use std::ops::Range;

/// Why a body is not a multipart form this reader accepts.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// No `boundary` parameter, or one RFC 2046 does not allow.
    #[error("multipart body without a valid boundary")]
    Boundary,
    /// The first delimiter or a part's header block is missing or broken.
    #[error("malformed multipart body: {0}")]
    Malformed(&'static str),
    /// A construct parsers read differently.
    #[error("multipart body not accepted: {0}")]
    Ambiguous(&'static str),
}

/// One part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The `name` of its `Content-Disposition`.
    pub name: String,
    /// The `filename`, when it is a file.
    pub filename: Option<String>,
    /// Its `Content-Type` (lower-cased, parameters kept), if any.
    pub content_type: Option<String>,
    /// Where its content lies in the body.
    pub content: Range<usize>,
}

/// A parsed form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// The parts, in order.
    pub parts: Vec<Part>,
    boundary: String,
}

/// The boundary of a `multipart/form-data` content type, or `None` when the
/// content type is not one (or has no usable boundary).
pub fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let kind = params.next()?.trim();
    if !kind.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    let mut found = None;
    for p in params {
        let Some((k, v)) = p.split_once('=') else {
            continue;
        };
        if k.trim().eq_ignore_ascii_case("boundary") {
            if found.is_some() {
                return None;
            }
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            found = Some(v.to_owned());
        }
    }
    let b = found?;
    // RFC 2046: 1 to 70 characters of a restricted set, not ending in space.
    let ok = (1..=70).contains(&b.len())
        && !b.ends_with(' ')
        && b.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&c));
    ok.then_some(b)
}

/// Whether `content_type` is `multipart/…` of any kind.
pub fn is_multipart(content_type: &str) -> bool {
    content_type
        .trim_start()
        .get(..10)
        .is_some_and(|p| p.eq_ignore_ascii_case("multipart/"))
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let rest = hay.get(from..)?;
    memchr::memmem::find(rest, needle).and_then(|i| from.checked_add(i))
}

/// Parses `body` as `multipart/form-data` delimited by `boundary`.
pub fn parse(body: &[u8], boundary: &str) -> Result<Form, FormError> {
    let delimiter = format!("--{boundary}");
    let first = find(body, delimiter.as_bytes(), 0).ok_or(FormError::Malformed("no delimiter"))?;
    // The first delimiter starts the body or a line (after the preamble).
    if first != 0 && body.get(..first).is_some_and(|p| !p.ends_with(b"\r\n")) {
        return Err(FormError::Malformed(
            "the first delimiter does not start a line",
        ));
    }
    let next_delimiter = format!("\r\n--{boundary}");
    let mut parts: Vec<Part> = Vec::new();
    let mut i = first.saturating_add(delimiter.len());
    loop {
        // After a delimiter: `--` closes the form, CRLF opens a part
        // (transport padding, spaces and tabs, may come first).
        if body.get(i..i.saturating_add(2)) == Some(b"--") {
            return Ok(Form {
                parts,
                boundary: boundary.to_owned(),
            });
        }
        while matches!(body.get(i), Some(b' ' | b'\t')) {
            i = i.saturating_add(1);
        }
        if body.get(i..i.saturating_add(2)) != Some(b"\r\n") {
            return Err(FormError::Malformed("a delimiter is not followed by CRLF"));
        }
        i = i.saturating_add(2);
        let head_end =
            find(body, b"\r\n\r\n", i).ok_or(FormError::Malformed("a part has no header end"))?;
        let head = body
            .get(i..head_end)
            .ok_or(FormError::Malformed("part header"))?;
        let content_start = head_end.saturating_add(4);
        let content_end = find(body, next_delimiter.as_bytes(), content_start)
            .ok_or(FormError::Malformed("no closing delimiter"))?;
        let part = part_head(head, content_start..content_end)?;
        // A name given twice is one value here and another upstream (the
        // first, the last, a list), unless it is a list by its own name
        // (`image[]`, `timestamp_granularities[]`); a filename does not
        // make it another field (Go reads `filename=""` as a value).
        if !part.name.ends_with("[]") && parts.iter().any(|p| p.name == part.name) {
            return Err(FormError::Ambiguous("a field is given twice"));
        }
        parts.push(part);
        i = content_end.saturating_add(next_delimiter.len());
        if i > body.len() {
            return Err(FormError::Malformed("truncated"));
        }
    }
}

/// Sets `slot` to `value`, refusing a second value.
fn set_once<T>(slot: &mut Option<T>, value: T, twice: &'static str) -> Result<(), FormError> {
    match slot.replace(value) {
        Some(_) => Err(FormError::Ambiguous(twice)),
        None => Ok(()),
    }
}

/// Reads a part's header block.
fn part_head(head: &[u8], content: Range<usize>) -> Result<Part, FormError> {
    let head =
        std::str::from_utf8(head).map_err(|_| FormError::Malformed("part header not UTF-8"))?;
    let mut disposition: Option<&str> = None;
    let mut content_type: Option<String> = None;
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            return Err(FormError::Ambiguous("a folded part header"));
        }
        if line.contains('\n') || line.contains('\r') {
            return Err(FormError::Ambiguous("a bare line end in a part header"));
        }
        let (name, value) = line
            .split_once(':')
            .ok_or(FormError::Malformed("a part header without a colon"))?;
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-disposition" => {
                set_once(&mut disposition, value, "two Content-Disposition headers")?
            }
            "content-type" => {
                let ct = value.to_ascii_lowercase();
                if is_multipart(&ct) {
                    return Err(FormError::Ambiguous("a nested multipart part"));
                }
                set_once(&mut content_type, ct, "two Content-Type headers")?;
            }
            "content-transfer-encoding"
                if !matches!(
                    value.to_ascii_lowercase().as_str(),
                    "binary" | "8bit" | "7bit"
                ) =>
            {
                return Err(FormError::Ambiguous("a Content-Transfer-Encoding"));
            }
            _ => {}
        }
    }
    let disposition =
        disposition.ok_or(FormError::Malformed("a part without Content-Disposition"))?;
    let mut params = disposition.split(';');
    if !params
        .next()
        .is_some_and(|k| k.trim().eq_ignore_ascii_case("form-data"))
    {
        return Err(FormError::Malformed("a part that is not form-data"));
    }
    let mut name = None;
    let mut filename = None;
    for p in params {
        let Some((k, v)) = p.split_once('=') else {
            continue;
        };
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        if v.contains('"') || v.contains('\\') {
            return Err(FormError::Ambiguous("quotes or backslashes in a part name"));
        }
        match k.trim().to_ascii_lowercase().as_str() {
            "name" => set_once(&mut name, v.to_owned(), "a part named twice")?,
            "filename" => set_once(&mut filename, v.to_owned(), "a part with two filenames")?,
            "filename*" => return Err(FormError::Ambiguous("an encoded filename*")),
            // Older parsers (Python's `email` parameters) decode `name*`
            // as the name: refused rather than guessed.
            "name*" => return Err(FormError::Ambiguous("an encoded name*")),
            _ => {}
        }
    }
    Ok(Part {
        name: name.ok_or(FormError::Malformed("a part without a name"))?,
        filename,
        content_type,
        content,
    })
}

impl Form {
    /// The text of field `name` (with or without a filename: servers read
    /// `name="model"; filename=""` as the field): `Ok(None)` when absent,
    /// `Err` when it is not UTF-8.
    pub fn field<'b>(&self, name: &str, body: &'b [u8]) -> Result<Option<&'b str>, FormError> {
        let Some(part) = self.parts.iter().find(|p| p.name == name) else {
            return Ok(None);
        };
        let bytes = body
            .get(part.content.clone())
            .ok_or(FormError::Malformed("part out of range"))?;
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| FormError::Malformed("a field that is not UTF-8"))
    }

    /// The body with part `i`'s content replaced by `new` for each
    /// `(i, new)` (sorted or not); everything else byte for byte.
    pub fn rebuild(&self, body: &[u8], replace: &[(usize, Vec<u8>)]) -> Option<Vec<u8>> {
        let mut edits: Vec<(&Range<usize>, &[u8])> = Vec::new();
        for (i, new) in replace {
            edits.push((&self.parts.get(*i)?.content, new));
        }
        crate::sort::sort_by_key(&mut edits, |(r, _)| r.start);
        let mut out = Vec::with_capacity(body.len());
        let mut pos = 0usize;
        for (range, new) in edits {
            if range.start < pos {
                return None;
            }
            out.extend_from_slice(body.get(pos..range.start)?);
            // A replacement must not contain the delimiter.
            if find(new, self.boundary.as_bytes(), 0).is_some() {
                return None;
            }
            out.extend_from_slice(new);
            pos = range.end;
        }
        out.extend_from_slice(body.get(pos..)?);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: &str = "multipart/form-data; boundary=b0und";

    fn form(parts: &[(&str, Option<&str>, Option<&str>, &str)]) -> Vec<u8> {
        let mut out = String::from("preamble\r\n");
        for (name, filename, ct, content) in parts {
            out.push_str("--b0und\r\nContent-Disposition: form-data; name=\"");
            out.push_str(name);
            out.push('"');
            if let Some(f) = filename {
                out.push_str(&format!("; filename=\"{f}\""));
            }
            out.push_str("\r\n");
            if let Some(ct) = ct {
                out.push_str(&format!("Content-Type: {ct}\r\n"));
            }
            out.push_str("\r\n");
            out.push_str(content);
            out.push_str("\r\n");
        }
        out.push_str("--b0und--\r\nepilogue");
        out.into_bytes()
    }

    #[test]
    fn reads_fields_and_files() {
        let body = form(&[
            ("purpose", None, None, "batch"),
            (
                "file",
                Some("in.jsonl"),
                Some("application/jsonl"),
                "{\"a\":1}\n{\"b\":2}\n",
            ),
            ("empty", None, None, ""),
        ]);
        let f = parse(&body, &boundary(CT).unwrap()).unwrap();
        assert_eq!(f.parts.len(), 3);
        assert_eq!(f.field("purpose", &body).unwrap(), Some("batch"));
        assert_eq!(f.field("empty", &body).unwrap(), Some(""));
        assert_eq!(f.field("nope", &body).unwrap(), None);
        let file = &f.parts[1];
        assert_eq!(file.filename.as_deref(), Some("in.jsonl"));
        assert_eq!(file.content_type.as_deref(), Some("application/jsonl"));
        assert_eq!(&body[file.content.clone()], b"{\"a\":1}\n{\"b\":2}\n");
    }

    #[test]
    fn content_may_hold_the_boundary_text_not_at_a_line_start() {
        let body = form(&[("prompt", None, None, "a --b0und b\r\nc")]);
        let f = parse(&body, "b0und").unwrap();
        assert_eq!(f.field("prompt", &body).unwrap(), Some("a --b0und b\r\nc"));
    }

    #[test]
    fn boundaries() {
        assert_eq!(boundary(CT).as_deref(), Some("b0und"));
        assert_eq!(
            boundary("Multipart/Form-Data;boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("multipart/form-data"), None);
        assert_eq!(
            boundary("multipart/form-data; boundary=a; boundary=b"),
            None
        );
        assert_eq!(boundary("multipart/mixed; boundary=a"), None);
        assert_eq!(boundary("multipart/form-data; boundary=a\u{7f}"), None);
        assert_eq!(
            boundary(&format!("multipart/form-data; boundary={}", "a".repeat(71))),
            None
        );
        assert!(is_multipart(" MULTIPART/mixed"));
        assert!(!is_multipart("application/json"));
    }

    #[test]
    fn refuses_what_parsers_read_differently() {
        let cases: &[(&str, &[u8])] = &[
            ("duplicate field", b"--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\na\r\n--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nb\r\n--b--"),
            ("folded header", b"--b\r\nContent-Disposition: form-data;\r\n name=\"model\"\r\n\r\na\r\n--b--"),
            ("transfer encoding", b"--b\r\nContent-Disposition: form-data; name=\"m\"\r\nContent-Transfer-Encoding: base64\r\n\r\nYQ==\r\n--b--"),
            ("nested", b"--b\r\nContent-Disposition: form-data; name=\"m\"\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\nx\r\n--b--"),
            ("lf only", b"--b\nContent-Disposition: form-data; name=\"m\"\n\nx\n--b--"),
            ("no close", b"--b\r\nContent-Disposition: form-data; name=\"m\"\r\n\r\nx"),
            ("no disposition", b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"),
            ("filename*", b"--b\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''a\r\n\r\nx\r\n--b--"),
            ("two names", b"--b\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\nx\r\n--b--"),
            ("no delimiter", b"nothing here"),
            ("delimiter mid-line", b"x--b\r\nContent-Disposition: form-data; name=\"m\"\r\n\r\nx\r\n--b--"),
        ];
        for (name, body) in cases {
            assert!(parse(body, "b").is_err(), "{name}");
        }
    }

    #[test]
    fn rebuild_replaces_content_only() {
        let body = form(&[
            ("a", None, None, "one"),
            ("b", Some("f.txt"), Some("text/plain"), "two"),
        ]);
        let f = parse(&body, "b0und").unwrap();
        let out = f.rebuild(&body, &[(1, b"TWO!".to_vec())]).unwrap();
        let g = parse(&out, "b0und").unwrap();
        assert_eq!(&out[g.parts[1].content.clone()], b"TWO!");
        assert_eq!(g.field("a", &out).unwrap(), Some("one"));
        assert!(f.rebuild(&body, &[(0, b"x\r\n--b0und".to_vec())]).is_none());
        assert!(f.rebuild(&body, &[(9, Vec::new())]).is_none());
    }

    #[test]
    fn never_panics_on_any_prefix() {
        let body = form(&[
            ("a", None, None, "one"),
            ("b", Some("f.txt"), Some("text/plain"), "two"),
        ]);
        for n in 0..body.len() {
            let _ = parse(&body[..n], "b0und");
        }
    }
}
