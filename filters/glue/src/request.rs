//! The request as every filter reads it: its head classified by the route
//! catalogue, and its body buffered and inflated the same way, with the
//! same bounds, whichever filter asks.

use tollgate_core::error::{ErrorFlavor, ErrorKind, ErrorReply};
use tollgate_core::request::catalogue::ClassifyError;
use tollgate_core::request::decompress::{self, DecompressError, Encoding};
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
