//! Bounded decompression of `gzip` / `deflate` bodies.
//!
//! CONTRACT (stub; filled in by the extract work).

/// A content coding `inspect` can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// `identity` or no header.
    Identity,
    /// `gzip` / `x-gzip`.
    Gzip,
    /// `deflate` (zlib; raw deflate accepted too).
    Deflate,
}

impl Encoding {
    /// Read a `content-encoding` header value; `Err` names an unsupported
    /// coding (e.g. `br`, `zstd`, or a chain of codings).
    pub fn from_header(value: &str) -> Result<Self, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "identity" => Ok(Self::Identity),
            "gzip" | "x-gzip" => Ok(Self::Gzip),
            "deflate" => Ok(Self::Deflate),
            other => Err(other.to_string()),
        }
    }
}

/// Why a body cannot be decompressed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecompressError {
    /// It inflates past the bound.
    #[error("decompressed body exceeds {limit} bytes")]
    TooLarge {
        /// The bound.
        limit: usize,
    },
    /// It is not valid data for its coding.
    #[error("corrupt {coding} data: {detail}")]
    Corrupt {
        /// `gzip` or `deflate`.
        coding: &'static str,
        /// What is wrong.
        detail: String,
    },
}

/// Decompress `data` to at most `limit` bytes.
pub fn decompress(encoding: Encoding, data: &[u8], limit: usize) -> Result<Vec<u8>, DecompressError> {
    match encoding {
        Encoding::Identity if data.len() > limit => Err(DecompressError::TooLarge { limit }),
        Encoding::Identity => Ok(data.to_vec()),
        Encoding::Gzip | Encoding::Deflate => Err(DecompressError::Corrupt {
            coding: "gzip",
            detail: "not implemented".into(),
        }),
    }
}
