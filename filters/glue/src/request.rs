//! The request as every filter reads it: its head classified by the route
//! catalogue, and its body buffered and inflated the same way, with the
//! same bounds, and read by the request model, whichever filter asks.

use std::cell::RefCell;
use std::rc::Rc;

use tollgate_core::error::{ErrorFlavor, ErrorKind, ErrorReply};
use tollgate_core::request::catalogue::{ClassifyError, Shape};
use tollgate_core::request::decompress::{self, DecompressError, Encoding};
use tollgate_core::request::extract::{self, ExtractError, Extracted};
use tollgate_core::request::Head;

use crate::host::{self, BufferType, HostError, MapType};

fn header(name: &str) -> Option<String> {
    host::header(MapType::HttpRequestHeaders, name)
        .ok()
        .flatten()
}

/// The request's head: classified, or why it cannot be.
#[derive(Debug)]
pub struct RequestHead {
    /// The classification; `Err` for a path that cannot be governed
    /// (encoded separators, bad escapes, an ambiguous route).
    pub head: Result<Head, ClassifyError>,
    /// The dialect errors are written in.
    pub flavor: ErrorFlavor,
    /// `:method`.
    pub method: String,
    /// `:path`, as sent.
    pub raw_path: String,
    /// `content-type`, or empty.
    pub content_type: String,
}

/// Reads and classifies the request head (call from the request-headers
/// callback).
pub fn head() -> RequestHead {
    let method = header(":method").unwrap_or_default();
    let raw_path = header(":path").unwrap_or_default();
    let anthropic = header("anthropic-version").is_some();
    let head = Head::read(&method, &raw_path, anthropic);
    let flavor = match &head {
        Ok(h) => h.flavor,
        Err(_) => Head::flavor_of_unreadable(anthropic),
    };
    RequestHead {
        head,
        flavor,
        method,
        raw_path,
        content_type: header("content-type").unwrap_or_default(),
    }
}

/// The refusal of a path that cannot be governed (400).
pub fn unreadable_path_reply(e: ClassifyError, request_id: impl Into<String>) -> ErrorReply {
    ErrorReply::new(ErrorKind::InvalidRequest, e.to_string(), request_id).with_code("invalid_path")
}

/// The request's `content-encoding`: `Err` names a coding no filter reads.
pub fn encoding() -> Result<Encoding, String> {
    match header("content-encoding") {
        None => Ok(Encoding::Identity),
        Some(v) => Encoding::from_header(&v),
    }
}

/// Why a request body cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// Over the bound, before or after inflating (413).
    #[error("request body is larger than {0} bytes")]
    TooLarge(usize),
    /// Compressed, and corrupt (400).
    #[error("{0}")]
    Corrupt(String),
    /// The host refused the read.
    #[error("cannot read the request body: {0}")]
    Host(#[from] HostError),
}

impl RequestHead {
    /// The raw `:path` without its query (as sent: not normalised).
    pub fn path_without_query(&self) -> String {
        self.raw_path
            .split('?')
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

impl BodyError {
    /// The refusal to send for it.
    pub fn reply(&self, request_id: impl Into<String>) -> ErrorReply {
        let kind = match self {
            Self::TooLarge(_) => ErrorKind::PayloadTooLarge,
            Self::Corrupt(_) => ErrorKind::InvalidRequest,
            Self::Host(_) => ErrorKind::Internal,
        };
        ErrorReply::new(kind, self.to_string(), request_id)
    }
}

/// A whole request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The bytes, inflated when the request was compressed.
    pub bytes: Vec<u8>,
    /// They were inflated: the upstream must get these bytes (and no
    /// `content-encoding`), not the compressed ones.
    pub inflated: bool,
}

/// Reads the buffered request body of `size` bytes and inflates it if
/// `encoding` says so, never past `max` bytes either way.
pub fn body(size: usize, encoding: Encoding, max: usize) -> Result<Body, BodyError> {
    if size > max {
        return Err(BodyError::TooLarge(max));
    }
    let raw = host::buffer(BufferType::HttpRequestBody, 0, size)?;
    if encoding == Encoding::Identity {
        return Ok(Body {
            bytes: raw,
            inflated: false,
        });
    }
    match decompress::decompress(encoding, &raw, max) {
        Ok(bytes) => Ok(Body {
            bytes,
            inflated: true,
        }),
        Err(DecompressError::TooLarge { .. }) => Err(BodyError::TooLarge(max)),
        Err(e @ DecompressError::Corrupt { .. }) => Err(BodyError::Corrupt(e.to_string())),
    }
}

/// The size of the whole buffered request body (for a body that ends in
/// trailers, whose last body callback never said end of stream).
pub fn buffered_size() -> usize {
    host::buffer(BufferType::HttpRequestBody, 0, usize::MAX >> 1)
        .map(|b| b.len())
        .unwrap_or_default()
}

/// A body's reading by the request model, and as what and of how many
/// bytes it was read.
struct Reading {
    shape: Shape,
    content_type: String,
    len: usize,
    read: Result<Rc<Extracted>, ExtractError>,
}

thread_local! {
    /// Inside [`one_reading`]: the last body read there, if any.
    static SCOPE: RefCell<Option<Option<Reading>>> = const { RefCell::new(None) };
}

/// Runs `f` — one host callback of one request passed through several
/// filters in one VM (`filters/combined`) — with the request body read by
/// the request model at most once: a filter that [`read`]s the body after
/// another did gets that reading instead of parsing the same bytes again.
///
/// Exact by construction: within one callback of one request nothing but
/// the filters themselves changes the body, and every change goes through
/// [`crate::host::set_buffer`], which forgets the reading; the reading is
/// forgotten when `f` returns, so no other callback or request sees it.
pub fn one_reading<R>(f: impl FnOnce() -> R) -> R {
    SCOPE.with_borrow_mut(|scope| *scope = Some(None));
    let out = f();
    SCOPE.with_borrow_mut(|scope| *scope = None);
    out
}

/// The request body changed (a filter rewrote it): what was read of it
/// before no longer holds.
pub(crate) fn body_changed() {
    SCOPE.with_borrow_mut(|scope| {
        if let Some(last) = scope {
            *last = None;
        }
    });
}

/// `bytes`, the whole request body, read as `shape` by the request model
/// ([`extract::read`]; `content_type` is the request's) — inside
/// [`one_reading`], once for all the filters that ask.
pub fn read(shape: Shape, content_type: &str, bytes: &[u8]) -> Result<Rc<Extracted>, ExtractError> {
    SCOPE.with_borrow_mut(|scope| {
        let Some(last) = scope else {
            return extract::read(shape, content_type, bytes).map(Rc::new);
        };
        if let Some(r) = last
            .as_ref()
            .filter(|r| r.shape == shape && r.content_type == content_type && r.len == bytes.len())
        {
            return r.read.clone();
        }
        let read = extract::read(shape, content_type, bytes).map(Rc::new);
        *last = Some(Reading {
            shape,
            content_type: content_type.to_owned(),
            len: bytes.len(),
            read: read.clone(),
        });
        read
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tollgate_core::request::api::ApiKind;

    const CHAT: Shape = Shape::Api(ApiKind::ChatCompletions);

    fn chat(text: &str) -> Vec<u8> {
        format!(r#"{{"model":"m","messages":[{{"role":"user","content":"{text}"}}]}}"#).into_bytes()
    }

    #[test]
    fn one_reading_per_callback_and_body() {
        let a = chat("one");
        let json = "application/json";
        // Outside a callback that shares: every read parses.
        let x = read(CHAT, json, &a).expect("reads");
        assert!(!Rc::ptr_eq(&x, &read(CHAT, json, &a).expect("reads")));
        one_reading(|| {
            let first = read(CHAT, json, &a).expect("reads");
            // The same body again: the same reading, not a second parse.
            assert!(Rc::ptr_eq(&first, &read(CHAT, json, &a).expect("reads")));
            // Anything of the key differs: read afresh, and right.
            let longer = chat("one more");
            for (shape, content_type, bytes) in [
                (CHAT, "text/plain", &a),
                (CHAT, json, &longer),
                (Shape::Api(ApiKind::Completions), json, &a),
            ] {
                // Each against a kept reading of the first body.
                let kept = read(CHAT, json, &a).expect("reads");
                let got = read(shape, content_type, bytes);
                let want = extract::read(shape, content_type, bytes);
                assert_eq!(
                    got.as_deref().map_err(Clone::clone),
                    want.as_ref().map_err(Clone::clone)
                );
                assert!(got.map_or(true, |g| !Rc::ptr_eq(&g, &kept)));
            }
            // A filter rewrote the body (the same length here): read afresh.
            let kept = read(CHAT, json, &a).expect("reads");
            body_changed();
            let b = chat("two");
            let got = read(CHAT, json, &b).expect("reads");
            assert!(!Rc::ptr_eq(&got, &kept));
            assert_eq!(*got, extract::read(CHAT, json, &b).expect("reads"));
            // A body that does not read: its error, kept the same way.
            let broken = b"{\"model\": ".to_vec();
            let e = read(CHAT, json, &broken).expect_err("unreadable");
            assert_eq!(read(CHAT, json, &broken).expect_err("unreadable"), e);
            assert_eq!(
                extract::read(CHAT, json, &broken).expect_err("unreadable"),
                e
            );
        });
        // Forgotten when the callback ends.
        assert!(SCOPE.with_borrow(Option::is_none));
        let y = read(CHAT, json, &a).expect("reads");
        assert!(!Rc::ptr_eq(&y, &read(CHAT, json, &a).expect("reads")));
    }
}
