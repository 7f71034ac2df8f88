//! Bounded decompression of `gzip` / `deflate` bodies.
//!
//! A compressed request body is inflated before inspection, or refused; it
//! is never passed on uninspected. Client bytes decide how much a body
//! inflates to (a 100 KB gzip member can hold 100 MB of zeros), so the bound
//! is enforced while inflating, not after: the output buffer grows by
//! doubling, reserved exactly, and never past `limit + 1` bytes. A body that
//! would inflate past `limit` is [`DecompressError::TooLarge`] after at most
//! about `limit` bytes were allocated (plus the inflater's ~11 KB state).
//!
//! # Design choices
//! - **gzip** (RFC 1952): the header is parsed here (magic, method 8, the
//!   `FTEXT`/`FHCRC`/`FEXTRA`/`FNAME`/`FCOMMENT` flags, reserved bits must be
//!   zero), the raw deflate stream is inflated with `miniz_oxide`'s streaming
//!   core (which reports how many input bytes the stream used, so the trailer
//!   can be found), and the trailer's CRC-32 and `ISIZE` are verified with a
//!   small table-driven CRC-32. Concatenated members are accepted (what
//!   `gzip -d` does); any other trailing byte is an error, not ignored,
//!   because bytes the filter did not read must not reach the upstream.
//! - **deflate**: HTTP's `deflate` is zlib-wrapped (RFC 1950) and that is
//!   tried first, with its Adler-32 checked; raw deflate (RFC 1951), which
//!   some clients send under the same name, is the fallback.
//! - **`content-encoding` lists**: `identity` entries are ignored; one
//!   supported coding is accepted; a chain of two codings (`gzip, gzip`,
//!   `deflate, br`) is refused by name rather than half-decoded.

use miniz_oxide::inflate::core::{decompress as inflate_core, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

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
    ///
    /// The value is a comma-separated list of the codings applied, in order.
    /// Empty entries and `identity` are ignored (`"gzip, identity"` is
    /// gzip); more than one remaining coding is a chain and unsupported.
    pub fn from_header(value: &str) -> Result<Self, String> {
        let mut codings = value
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty() && !c.eq_ignore_ascii_case("identity"));
        let Some(first) = codings.next() else {
            return Ok(Self::Identity);
        };
        if codings.next().is_some() {
            return Err(format!("chained content codings: {}", value.trim()));
        }
        if first.eq_ignore_ascii_case("gzip") || first.eq_ignore_ascii_case("x-gzip") {
            Ok(Self::Gzip)
        } else if first.eq_ignore_ascii_case("deflate") {
            Ok(Self::Deflate)
        } else {
            Err(first.to_ascii_lowercase())
        }
    }

    /// The coding's name, as it appears in errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Gzip => "gzip",
            Self::Deflate => "deflate",
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
pub fn decompress(
    encoding: Encoding,
    data: &[u8],
    limit: usize,
) -> Result<Vec<u8>, DecompressError> {
    let mut out = Vec::new();
    match encoding {
        Encoding::Identity if data.len() > limit => {
            return Err(DecompressError::TooLarge { limit })
        }
        Encoding::Identity => out.extend_from_slice(data),
        Encoding::Gzip => gunzip_into(data, limit, &mut out)?,
        Encoding::Deflate => inflate_http_deflate(data, limit, &mut out)?,
    }
    Ok(out)
}

const GZIP: &str = "gzip";
const DEFLATE: &str = "deflate";

fn corrupt(coding: &'static str, detail: impl Into<String>) -> DecompressError {
    DecompressError::Corrupt {
        coding,
        detail: detail.into(),
    }
}

// gzip header flags (RFC 1952 §2.3.1).
const FTEXT: u8 = 0x01;
const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;
const FRESERVED: u8 = !(FTEXT | FHCRC | FEXTRA | FNAME | FCOMMENT);

/// Inflate every gzip member of `data` into `out` (which must start empty).
fn gunzip_into(data: &[u8], limit: usize, out: &mut Vec<u8>) -> Result<(), DecompressError> {
    if data.is_empty() {
        return Err(corrupt(GZIP, "empty body"));
    }
    let mut rest = data;
    while !rest.is_empty() {
        let header = match gzip_header_len(rest) {
            None => return Err(corrupt(GZIP, "truncated header")),
            Some(Err(e)) => return Err(e),
            Some(Ok(n)) => n,
        };
        let body = rest.get(header..).unwrap_or_default();
        let member_start = out.len();
        let used = inflate_into(body, false, out, limit, GZIP)?;
        let trailer = body
            .get(used..)
            .and_then(|t| t.get(..8))
            .ok_or_else(|| corrupt(GZIP, "truncated trailer"))?;
        let (crc, isize_) = trailer.split_at(4);
        let member = out.get(member_start..).unwrap_or_default();
        if le32(crc) != crc32(member) {
            return Err(corrupt(GZIP, "CRC-32 mismatch"));
        }
        // ISIZE is the length modulo 2^32 (truncation intended).
        if le32(isize_) != member.len() as u32 {
            return Err(corrupt(GZIP, "ISIZE mismatch"));
        }
        rest = body.get(used.saturating_add(8)..).unwrap_or_default();
    }
    Ok(())
}

/// The length of the gzip member header at the start of `data`: `None` if
/// it is cut short, `Some(Err)` if it is not a gzip header.
fn gzip_header_len(data: &[u8]) -> Option<Result<usize, DecompressError>> {
    let fixed = data.get(..10)?;
    let [id1, id2, cm, flg, ..] = *fixed else {
        return None;
    };
    if (id1, id2) != (0x1f, 0x8b) {
        return Some(Err(corrupt(GZIP, "bad magic (not a gzip member)")));
    }
    if cm != 8 {
        return Some(Err(corrupt(GZIP, format!("unknown method {cm}"))));
    }
    if flg & FRESERVED != 0 {
        return Some(Err(corrupt(GZIP, "reserved header flag set")));
    }
    let mut pos = 10usize;
    if flg & FEXTRA != 0 {
        let xlen = data.get(pos..pos.checked_add(2)?)?;
        let xlen = u16::from_le_bytes([*xlen.first()?, *xlen.get(1)?]);
        pos = pos.checked_add(2)?.checked_add(usize::from(xlen))?;
    }
    for flag in [FNAME, FCOMMENT] {
        if flg & flag != 0 {
            let nul = memchr::memchr(0, data.get(pos..)?)?;
            pos = pos.checked_add(nul)?.checked_add(1)?;
        }
    }
    if flg & FHCRC != 0 {
        let stored = data.get(pos..pos.checked_add(2)?)?;
        let stored = u16::from_le_bytes([*stored.first()?, *stored.get(1)?]);
        // The low 16 bits of the CRC-32 of the header up to here.
        if stored != crc32(data.get(..pos)?) as u16 {
            return Some(Err(corrupt(GZIP, "header CRC mismatch")));
        }
        pos = pos.checked_add(2)?;
    }
    if pos > data.len() {
        return None;
    }
    Some(Ok(pos))
}

fn le32(b: &[u8]) -> u32 {
    let mut word = [0u8; 4];
    for (w, b) in word.iter_mut().zip(b) {
        *w = *b;
    }
    u32::from_le_bytes(word)
}

/// HTTP `deflate`: zlib-wrapped if the first two bytes are a valid zlib
/// header, else (or if that fails as corrupt) raw deflate.
fn inflate_http_deflate(
    data: &[u8],
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<(), DecompressError> {
    let zlib_err = if looks_like_zlib(data) {
        match inflate_whole(data, true, limit, out) {
            Ok(()) => return Ok(()),
            Err(e @ DecompressError::TooLarge { .. }) => return Err(e),
            Err(e) => e,
        }
    } else {
        corrupt(DEFLATE, "no zlib header")
    };
    out.clear();
    match inflate_whole(data, false, limit, out) {
        Ok(()) => Ok(()),
        Err(e @ DecompressError::TooLarge { .. }) => Err(e),
        // Report the zlib error when the data looked like zlib: it is the
        // more likely intent.
        Err(_) if looks_like_zlib(data) => Err(zlib_err),
        Err(raw_err) => Err(raw_err),
    }
}

fn inflate_whole(
    data: &[u8],
    zlib: bool,
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<(), DecompressError> {
    let used = inflate_into(data, zlib, out, limit, DEFLATE)?;
    if used != data.len() {
        return Err(corrupt(DEFLATE, "trailing data after the stream"));
    }
    Ok(())
}

/// A zlib header (RFC 1950 §2.2): method 8, window ≤ 32 KB, the check bits,
/// and no preset dictionary (HTTP has no way to supply one).
fn looks_like_zlib(data: &[u8]) -> bool {
    let (Some(&cmf), Some(&flg)) = (data.first(), data.get(1)) else {
        return false;
    };
    cmf & 0x0f == 8
        && cmf >> 4 <= 7
        && (u16::from(cmf) << 8 | u16::from(flg)) % 31 == 0
        && flg & 0x20 == 0
}

/// Inflate one deflate (or zlib) stream from the start of `input`, appending
/// to `out` without letting `out` grow past `limit + 1` bytes; returns how
/// many input bytes the stream used.
fn inflate_into(
    input: &[u8],
    zlib: bool,
    out: &mut Vec<u8>,
    limit: usize,
    coding: &'static str,
) -> Result<usize, DecompressError> {
    use inflate_flags::*;
    let mut flags = TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    if zlib {
        flags |= TINFL_FLAG_PARSE_ZLIB_HEADER | TINFL_FLAG_COMPUTE_ADLER32;
    }
    // One byte over the limit tells "exactly the limit" from "more".
    let cap = limit.saturating_add(1);
    let start = out.len();
    let mut out_pos = start;
    let mut in_pos = 0usize;
    let mut state = Box::<DecompressorOxide>::default();
    loop {
        if out.len() <= out_pos {
            if out.len() >= cap {
                out.truncate(out_pos);
                return Err(DecompressError::TooLarge { limit });
            }
            let grown = out
                .len()
                .saturating_mul(2)
                .max(out.len().saturating_add(input.len().saturating_mul(2)))
                .max(out.len().saturating_add(4096))
                .min(cap);
            out.reserve_exact(grown.saturating_sub(out.len()));
            out.resize(grown, 0);
        }
        let window = out.get_mut(start..).unwrap_or_default();
        let rest = input.get(in_pos..).unwrap_or_default();
        let (status, used, written) = inflate_core(
            &mut state,
            rest,
            window,
            out_pos.saturating_sub(start),
            flags,
        );
        in_pos = in_pos.saturating_add(used);
        out_pos = out_pos.saturating_add(written);
        match status {
            TINFLStatus::Done => {
                out.truncate(out_pos);
                if out_pos > limit {
                    return Err(DecompressError::TooLarge { limit });
                }
                return Ok(in_pos);
            }
            TINFLStatus::HasMoreOutput => {}
            TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
                out.truncate(out_pos);
                return Err(corrupt(coding, "truncated stream"));
            }
            TINFLStatus::Adler32Mismatch => {
                out.truncate(out_pos);
                return Err(corrupt(coding, "Adler-32 mismatch"));
            }
            TINFLStatus::Failed | TINFLStatus::BadParam => {
                out.truncate(out_pos);
                return Err(corrupt(coding, "invalid deflate data"));
            }
        }
    }
}

/// CRC-32 (IEEE 802.3), as gzip uses (`crc32fast`).
pub fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use miniz_oxide::deflate::{compress_to_vec, compress_to_vec_zlib};

    /// A gzip member with the given flags and optional header fields.
    fn gzip_member(data: &[u8], flags: u8, name: Option<&[u8]>, extra: Option<&[u8]>) -> Vec<u8> {
        let mut m = vec![0x1f, 0x8b, 8, flags, 1, 2, 3, 4, 0, 3];
        if let Some(extra) = extra {
            m.extend_from_slice(&(extra.len() as u16).to_le_bytes());
            m.extend_from_slice(extra);
        }
        if let Some(name) = name {
            m.extend_from_slice(name);
            m.push(0);
        }
        if flags & FCOMMENT != 0 {
            m.extend_from_slice(b"a comment\0");
        }
        if flags & FHCRC != 0 {
            let c = crc32(&m) as u16;
            m.extend_from_slice(&c.to_le_bytes());
        }
        m.extend_from_slice(&compress_to_vec(data, 6));
        m.extend_from_slice(&crc32(data).to_le_bytes());
        m.extend_from_slice(&(data.len() as u32).to_le_bytes());
        m
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        gzip_member(data, 0, None, None)
    }

    fn sample() -> Vec<u8> {
        let mut s = Vec::new();
        for i in 0..2000u32 {
            s.extend_from_slice(format!("{{\"n\":{i},\"text\":\"hello wörld\"}}\n").as_bytes());
        }
        s
    }

    #[test]
    fn crc32_known_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    #[test]
    fn from_header_table() {
        let cases: &[(&str, Result<Encoding, &str>)] = &[
            ("", Ok(Encoding::Identity)),
            ("identity", Ok(Encoding::Identity)),
            ("  Identity ", Ok(Encoding::Identity)),
            ("gzip", Ok(Encoding::Gzip)),
            ("GZIP", Ok(Encoding::Gzip)),
            ("x-gzip", Ok(Encoding::Gzip)),
            ("gzip, identity", Ok(Encoding::Gzip)),
            ("identity,deflate", Ok(Encoding::Deflate)),
            ("deflate", Ok(Encoding::Deflate)),
            ("br", Err("br")),
            ("zstd", Err("zstd")),
            ("Compress", Err("compress")),
        ];
        for (value, want) in cases {
            let got = Encoding::from_header(value);
            match want {
                Ok(e) => assert_eq!(got, Ok(*e), "{value:?}"),
                Err(name) => assert_eq!(got, Err(name.to_string()), "{value:?}"),
            }
        }
        for chain in ["gzip, gzip", "deflate, gzip", "gzip,br"] {
            let err = Encoding::from_header(chain).unwrap_err();
            assert!(err.contains(chain), "{chain}: {err}");
        }
    }

    #[test]
    fn identity_is_bounded() {
        assert_eq!(decompress(Encoding::Identity, b"abc", 3).unwrap(), b"abc");
        assert_eq!(
            decompress(Encoding::Identity, b"abcd", 3),
            Err(DecompressError::TooLarge { limit: 3 })
        );
    }

    #[test]
    fn gzip_round_trip() {
        let data = sample();
        assert_eq!(
            decompress(Encoding::Gzip, &gzip(&data), 1 << 20).unwrap(),
            data
        );
        assert_eq!(decompress(Encoding::Gzip, &gzip(b""), 10).unwrap(), b"");
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn gzip_header_flags() {
        let data = b"some body text";
        let cases: &[(&str, u8, Option<&[u8]>, Option<&[u8]>)] = &[
            ("ftext", FTEXT, None, None),
            ("fname", FNAME, Some(b"file.json"), None),
            ("fextra", FEXTRA, None, Some(b"AB\x02\x00xy")),
            ("fcomment", FCOMMENT, None, None),
            ("fhcrc", FHCRC, None, None),
            (
                "all",
                FTEXT | FHCRC | FEXTRA | FNAME | FCOMMENT,
                Some(b"n"),
                Some(b"e"),
            ),
        ];
        for (name, flags, fname, extra) in cases {
            let m = gzip_member(data, *flags, *fname, *extra);
            assert_eq!(decompress(Encoding::Gzip, &m, 100).unwrap(), data, "{name}");
        }
        // A wrong header CRC.
        let mut m = gzip_member(data, FHCRC, None, None);
        m[10] ^= 0xff;
        assert!(matches!(
            decompress(Encoding::Gzip, &m, 100),
            Err(DecompressError::Corrupt { detail, .. }) if detail.contains("header CRC")
        ));
        // A reserved flag.
        let mut m = gzip(data);
        m[3] = 0x20;
        assert!(decompress(Encoding::Gzip, &m, 100).is_err());
    }

    #[test]
    fn gzip_concatenated_members() {
        let mut m = gzip(b"hello ");
        m.extend_from_slice(&gzip_member(b"world", FNAME, Some(b"x"), None));
        assert_eq!(decompress(Encoding::Gzip, &m, 100).unwrap(), b"hello world");
        // The limit is over the whole output, not per member.
        assert_eq!(
            decompress(Encoding::Gzip, &m, 10),
            Err(DecompressError::TooLarge { limit: 10 })
        );
    }

    #[test]
    fn gzip_corrupt_and_truncated() {
        let data = sample();
        let good = gzip(&data);
        let err = |bytes: &[u8]| match decompress(Encoding::Gzip, bytes, 1 << 20) {
            Err(DecompressError::Corrupt { coding, detail }) => {
                assert_eq!(coding, "gzip");
                detail
            }
            other => panic!("expected Corrupt, got {other:?}"),
        };
        assert!(err(b"").contains("empty"));
        assert!(err(b"{\"json\":1}").contains("magic"));
        let mut bad_method = good.clone();
        bad_method[2] = 7;
        assert!(err(&bad_method).contains("method"));
        // Truncated at every interesting point: header, stream, trailer.
        for cut in [1, 5, 9, 12, good.len() / 2, good.len() - 9, good.len() - 1] {
            let detail = err(&good[..cut]);
            assert!(detail.contains("truncated"), "cut {cut}: {detail}");
        }
        // CRC and ISIZE mismatches.
        let n = good.len();
        let mut bad_crc = good.clone();
        bad_crc[n - 8] ^= 1;
        assert!(err(&bad_crc).contains("CRC-32"));
        let mut bad_size = good.clone();
        bad_size[n - 4] ^= 1;
        assert!(err(&bad_size).contains("ISIZE"));
        // Garbage inside the deflate stream.
        let mut garbage = good.clone();
        for b in &mut garbage[10..40] {
            *b = 0xff;
        }
        err(&garbage);
        // Trailing bytes that are not another member.
        let mut trailing = good.clone();
        trailing.extend_from_slice(b"\0\0\0");
        err(&trailing);
    }

    #[test]
    fn deflate_zlib_and_raw() {
        let data = sample();
        let zlib = compress_to_vec_zlib(&data, 6);
        assert_eq!(decompress(Encoding::Deflate, &zlib, 1 << 20).unwrap(), data);
        let raw = compress_to_vec(&data, 6);
        assert_eq!(decompress(Encoding::Deflate, &raw, 1 << 20).unwrap(), data);
        // Adler-32 mismatch.
        let mut bad = zlib.clone();
        let n = bad.len();
        bad[n - 1] ^= 1;
        assert!(matches!(
            decompress(Encoding::Deflate, &bad, 1 << 20),
            Err(DecompressError::Corrupt {
                coding: "deflate",
                ..
            })
        ));
        // Truncated and trailing data.
        assert!(decompress(Encoding::Deflate, &zlib[..zlib.len() / 2], 1 << 20).is_err());
        let mut trailing = zlib.clone();
        trailing.push(0);
        assert!(decompress(Encoding::Deflate, &trailing, 1 << 20).is_err());
        assert!(decompress(Encoding::Deflate, b"", 10).is_err());
        assert!(decompress(Encoding::Deflate, b"not compressed at all", 100).is_err());
    }

    #[test]
    fn limit_exactly_at_size() {
        let data = sample();
        let n = data.len();
        for enc in [Encoding::Gzip, Encoding::Deflate] {
            let packed = match enc {
                Encoding::Gzip => gzip(&data),
                _ => compress_to_vec_zlib(&data, 6),
            };
            assert_eq!(decompress(enc, &packed, n).unwrap(), data, "{enc:?}");
            assert_eq!(
                decompress(enc, &packed, n - 1),
                Err(DecompressError::TooLarge { limit: n - 1 }),
                "{enc:?}"
            );
            assert_eq!(
                decompress(enc, &packed, 0),
                Err(DecompressError::TooLarge { limit: 0 })
            );
        }
    }

    #[test]
    fn bomb_fails_without_allocating_past_the_limit() {
        let zeros = vec![0u8; 100 << 20];
        let bomb = gzip(&zeros);
        drop(zeros);
        assert!(bomb.len() < 200 << 10, "bomb is {} bytes", bomb.len());
        let limit = 1 << 20;
        let mut out = Vec::new();
        assert_eq!(
            gunzip_into(&bomb, limit, &mut out),
            Err(DecompressError::TooLarge { limit })
        );
        assert!(out.capacity() <= limit + 1, "capacity {}", out.capacity());

        let zbomb = compress_to_vec_zlib(&vec![0u8; 100 << 20], 6);
        let mut out = Vec::new();
        assert_eq!(
            inflate_http_deflate(&zbomb, limit, &mut out),
            Err(DecompressError::TooLarge { limit })
        );
        assert!(out.capacity() <= limit + 1, "capacity {}", out.capacity());
    }
}
