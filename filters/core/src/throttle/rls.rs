//! Envoy's rate-limit service protocol (RLS v3): the messages `throttle`
//! sends and reads, encoded and decoded by hand.
//!
//! ```
//! use tollgate_core::throttle::rls::{self, Code, Descriptor};
//!
//! // What `throttle` sends to `envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit`
//! // (as the body of a gRPC call the host makes).
//! let descriptor = Descriptor { entries: vec![("tenant".into(), "acme".into())] };
//! let request = rls::encode_request("tollgate", &[descriptor], 1);
//! assert_eq!(request.first(), Some(&0x0a)); // field 1 (domain), length-delimited
//!
//! // What the service answers: here `overall_code: OVER_LIMIT` alone.
//! let response = rls::decode_response(&[0x08, 0x02]).unwrap();
//! assert_eq!(response.overall_code, Code::OverLimit);
//! ```
//!
//! # Why by hand
//! The filter runs as a wasm module inside every Envoy worker. A protobuf
//! runtime (prost and its derive output) adds code size and start-up work to
//! every VM for three small messages whose wire format has been frozen since
//! Envoy's v3 API (field numbers are part of the API's compatibility
//! promise). The codec here is a few hundred lines, allocation-light, and its
//! encoder is checked byte for byte against prost's output by the
//! `tollgate-test-rls` interop test (`host-tests/rls`).
//!
//! # What is encoded
//! `RateLimitRequest { domain = 1, descriptors = 2, hits_addend = 3 }`, each
//! descriptor a `RateLimitDescriptor { entries = 1 }` of
//! `Entry { key = 1, value = 2 }`. Like every proto3 encoder, fields holding
//! their default (empty string, zero) are left out, so the bytes equal what
//! prost produces for the same message. `hits_addend` is sent whenever it is
//! above zero; zero is left out, and the service reads an absent
//! `hits_addend` as 1. The descriptor's own `limit`, `hits_addend` and
//! `is_negative_hits` fields are not sent: this filter does not use them.
//!
//! # What is decoded, and the limits
//! `RateLimitResponse { overall_code = 1, statuses = 2,
//! response_headers_to_add = 3, request_headers_to_add = 4 }` with
//! `DescriptorStatus { code = 1, current_limit = 2, limit_remaining = 3,
//! duration_until_reset = 4 }`, `RateLimit { requests_per_unit = 1, unit = 2,
//! name = 3 }`, `google.protobuf.Duration { seconds = 1, nanos = 2 }` and
//! `envoy.config.core.v3.HeaderValue { key = 1, value = 2, raw_value = 3 }`.
//! Everything else (`raw_body`, `dynamic_metadata`, `quota`) is skipped.
//!
//! The response comes from the network, so it is untrusted: the decoder is
//! linear in the input, never panics, and bounds what it keeps: at most
//! [`MAX_STATUSES`] statuses, [`MAX_HEADERS`] headers in each header list,
//! and strings of at most [`MAX_STRING_BYTES`] bytes. Exceeding a bound is a
//! [`DecodeError`], as is anything malformed: a truncated or over-long
//! varint, a length past the end, a field number 0, a wire type that does
//! not match a known field, invalid UTF-8 in a string, and the deprecated
//! group wire types (3 and 4), which no proto3 message contains. Unknown
//! fields of the other wire types are skipped as the protobuf specification
//! requires; unknown enum values read as [`Code::Unknown`] / [`Unit::Unknown`].
//! A singular field that appears twice takes the last value (for a message
//! field, the two are merged), as protobuf parsers do.
//!
//! # Kuadrant Limitador's check-then-report service
//! Limitador (`limitador-server`) serves, next to
//! [`SERVICE`]`/`[`METHOD`], its own `kuadrant.service.ratelimit.v1.RateLimitService`
//! (`limitador-server/proto/kuadrantrls.proto`). Its `CheckRateLimit` and
//! `Report` methods take and return the very same
//! `envoy.service.ratelimit.v3.RateLimitRequest` / `RateLimitResponse`, so
//! [`encode_request`] and [`decode_response`] serve them unchanged:
//! `CheckRateLimit` only checks (it does not count, and in the server source
//! read it checks with a delta of 1 whatever `hits_addend` says), `Report` only
//! counts (`update_counters` with `hits_addend`, 0 read as 1) and always
//! answers `OK`. Neither fills `statuses`; `ShouldRateLimit` fills only
//! `overall_code` and, when Limitador runs with `--rate-limit-headers
//! DRAFT_VERSION_03`, `response_headers_to_add` (`X-RateLimit-Limit`,
//! `X-RateLimit-Remaining`, `X-RateLimit-Reset`). Newer Limitador versions
//! (Kuadrant/limitador#506, PR #515) add `Reserve` and `Commit` to that
//! service with messages of their own (`ReserveRequest { domain = 1,
//! descriptors = 2, amount = 3 (uint64), ttl = 4 (Duration) }`,
//! `ReserveResponse { code = 1, reservation_id = 2 }`, `CommitRequest {
//! domain = 1, descriptors = 2, reservation_id = 3, actual_amount = 4 }`,
//! `CommitResponse { reservation_released = 1 }`); those are not encoded here.

use thiserror::Error;

/// The gRPC service `throttle` calls: Envoy's rate-limit service, v3.
pub const SERVICE: &str = "envoy.service.ratelimit.v3.RateLimitService";
/// The method of [`SERVICE`]: check the descriptors and count `hits_addend`
/// against them in one call.
pub const METHOD: &str = "ShouldRateLimit";

/// Kuadrant Limitador's own service: the same request and response messages
/// as [`SERVICE`], split into a check and a report (see the module docs).
pub const KUADRANT_SERVICE: &str = "kuadrant.service.ratelimit.v1.RateLimitService";
/// The method of [`KUADRANT_SERVICE`] that checks without counting.
pub const KUADRANT_CHECK_METHOD: &str = "CheckRateLimit";
/// The method of [`KUADRANT_SERVICE`] that counts `hits_addend` without
/// checking (always answers `OK`).
pub const KUADRANT_REPORT_METHOD: &str = "Report";

/// At most this many descriptor statuses are decoded from one response.
pub const MAX_STATUSES: usize = 64;
/// At most this many headers are decoded in each of the two header lists.
pub const MAX_HEADERS: usize = 64;
/// At most this many bytes are accepted in one decoded string.
pub const MAX_STRING_BYTES: usize = 8 * 1024;

/// One rate-limit descriptor (`envoy.extensions.common.ratelimit.v3.RateLimitDescriptor`):
/// an ordered list of key/value entries the service matches its limits
/// against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Descriptor {
    /// The `(key, value)` entries, in order.
    pub entries: Vec<(String, String)>,
}

/// A service's verdict (`RateLimitResponse.Code`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Code {
    /// Not known: absent, 0, or a value this codec does not know.
    #[default]
    Unknown,
    /// Under the limit.
    Ok,
    /// Over the limit.
    OverLimit,
}

impl Code {
    fn from_wire(value: u64) -> Self {
        match value {
            1 => Self::Ok,
            2 => Self::OverLimit,
            _ => Self::Unknown,
        }
    }
}

/// The unit of a limit's window (`RateLimitResponse.RateLimit.Unit`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Unit {
    /// Not known: absent, 0, or a value this codec does not know.
    #[default]
    Unknown,
    /// A second.
    Second,
    /// A minute.
    Minute,
    /// An hour.
    Hour,
    /// A day.
    Day,
    /// A week (wire value 7, added to the proto after `Year`).
    Week,
    /// A month.
    Month,
    /// A year.
    Year,
}

impl Unit {
    fn from_wire(value: u64) -> Self {
        match value {
            1 => Self::Second,
            2 => Self::Minute,
            3 => Self::Hour,
            4 => Self::Day,
            5 => Self::Month,
            6 => Self::Year,
            7 => Self::Week,
            _ => Self::Unknown,
        }
    }

    /// The unit's length in seconds, `None` for [`Unit::Unknown`]. A month is
    /// 30 days and a year 365 days, the lengths Envoy's reference rate-limit
    /// service (envoyproxy/ratelimit) uses for its windows.
    #[must_use]
    pub fn seconds(self) -> Option<u64> {
        match self {
            Self::Unknown => None,
            Self::Second => Some(1),
            Self::Minute => Some(60),
            Self::Hour => Some(3_600),
            Self::Day => Some(86_400),
            Self::Week => Some(604_800),
            Self::Month => Some(2_592_000),
            Self::Year => Some(31_536_000),
        }
    }
}

/// The limit a descriptor matched (`RateLimitResponse.RateLimit`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// The limit's name, empty when the service gives none.
    pub name: String,
    /// How many requests (hits) the limit allows per [`RateLimit::unit`].
    pub requests_per_unit: u32,
    /// The window's unit.
    pub unit: Unit,
}

/// The service's answer for one descriptor (`RateLimitResponse.DescriptorStatus`),
/// in the order the descriptors were sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescriptorStatus {
    /// This descriptor's verdict.
    pub code: Code,
    /// The limit that applied, when the service says.
    pub current_limit: Option<RateLimit>,
    /// Hits left in the current window.
    pub limit_remaining: u32,
    /// Whole seconds until the window resets, rounded up (a reset in 0.2 s
    /// reads as 1 s, so a `Retry-After` built from it is never too early);
    /// a negative duration reads as 0. `None` when the service does not say.
    pub duration_until_reset_secs: Option<u64>,
}

/// A decoded `RateLimitResponse` (the fields `throttle` uses).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// The verdict over all descriptors.
    pub overall_code: Code,
    /// One status per descriptor sent, when the service fills them.
    pub statuses: Vec<DescriptorStatus>,
    /// Headers the service asks to add to the response sent downstream.
    pub response_headers_to_add: Vec<(String, String)>,
    /// Headers the service asks to add to the request sent upstream.
    pub request_headers_to_add: Vec<(String, String)>,
}

/// Why a response could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The input ended inside a field.
    #[error("message truncated")]
    Truncated,
    /// A varint ran past 10 bytes or past 64 bits.
    #[error("varint longer than 64 bits")]
    VarintOverflow,
    /// A field key carried field number 0.
    #[error("field number 0")]
    FieldZero,
    /// A group (wire type 3 or 4): proto3 messages contain none.
    #[error("group wire type {0} (not used by proto3)")]
    Group(u8),
    /// Wire type 6 or 7, which do not exist.
    #[error("invalid wire type {0}")]
    InvalidWireType(u8),
    /// A known field arrived with another wire type than its declared one.
    #[error("field {field} has wire type {wire_type}")]
    WrongWireType {
        /// The field number.
        field: u32,
        /// The wire type found.
        wire_type: u8,
    },
    /// A string was longer than [`MAX_STRING_BYTES`].
    #[error("string longer than {MAX_STRING_BYTES} bytes")]
    StringTooLong,
    /// A string was not valid UTF-8.
    #[error("string is not UTF-8")]
    InvalidUtf8,
    /// More statuses than [`MAX_STATUSES`] or more headers than
    /// [`MAX_HEADERS`] in one list.
    #[error("more than {0} {1}")]
    TooMany(usize, &'static str),
}

// ---------------------------------------------------------------- encoding

const WIRE_VARINT: u8 = 0;
const WIRE_FIXED64: u8 = 1;
const WIRE_LEN: u8 = 2;
const WIRE_START_GROUP: u8 = 3;
const WIRE_END_GROUP: u8 = 4;
const WIRE_FIXED32: u8 = 5;

/// Bytes a varint of `value` takes (1 to 10).
fn varint_len(value: u64) -> usize {
    // 7 bits per byte; `| 1` makes 0 take one byte.
    let bits = 64usize.saturating_sub((value | 1).leading_zeros() as usize);
    bits.saturating_add(6) / 7
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        // Low 7 bits with the continuation bit; truncation is the intent.
        out.push((value & 0x7f) as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The key of `field` (< 16 here, so one byte) with `wire_type`.
fn put_key(out: &mut Vec<u8>, field: u8, wire_type: u8) {
    out.push(field.wrapping_shl(3) | wire_type);
}

/// Bytes a length-delimited field of `len` payload bytes takes, key
/// included (keys of fields below 16 take one byte).
fn len_field_size(len: usize) -> usize {
    1usize
        .saturating_add(varint_len(len as u64))
        .saturating_add(len)
}

/// Bytes a string field takes, 0 when it is empty (proto3 leaves it out).
fn string_field_size(s: &str) -> usize {
    if s.is_empty() {
        0
    } else {
        len_field_size(s.len())
    }
}

fn put_string_field(out: &mut Vec<u8>, field: u8, s: &str) {
    if !s.is_empty() {
        put_key(out, field, WIRE_LEN);
        put_varint(out, s.len() as u64);
        out.extend_from_slice(s.as_bytes());
    }
}

fn entry_size(key: &str, value: &str) -> usize {
    string_field_size(key).saturating_add(string_field_size(value))
}

fn descriptor_size(descriptor: &Descriptor) -> usize {
    descriptor.entries.iter().fold(0usize, |acc, (k, v)| {
        acc.saturating_add(len_field_size(entry_size(k, v)))
    })
}

/// Encodes a `RateLimitRequest` (the protobuf body of a
/// [`SERVICE`]`/`[`METHOD`] call, without gRPC's 5-byte frame prefix).
///
/// An empty `domain` is left out (the service then answers `UNKNOWN`);
/// `hits_addend` is sent when above zero (zero is left out and the service
/// counts 1). The output is sized exactly before it is written: one
/// allocation.
#[must_use]
pub fn encode_request(domain: &str, descriptors: &[Descriptor], hits_addend: u32) -> Vec<u8> {
    let mut size = string_field_size(domain);
    for descriptor in descriptors {
        size = size.saturating_add(len_field_size(descriptor_size(descriptor)));
    }
    if hits_addend > 0 {
        size = size
            .saturating_add(1)
            .saturating_add(varint_len(u64::from(hits_addend)));
    }
    let mut out = Vec::with_capacity(size);
    put_string_field(&mut out, 1, domain);
    for descriptor in descriptors {
        put_key(&mut out, 2, WIRE_LEN);
        put_varint(&mut out, descriptor_size(descriptor) as u64);
        for (key, value) in &descriptor.entries {
            put_key(&mut out, 1, WIRE_LEN);
            put_varint(&mut out, entry_size(key, value) as u64);
            put_string_field(&mut out, 1, key);
            put_string_field(&mut out, 2, value);
        }
    }
    if hits_addend > 0 {
        put_key(&mut out, 3, WIRE_VARINT);
        put_varint(&mut out, u64::from(hits_addend));
    }
    out
}

// ---------------------------------------------------------------- decoding

/// A cursor over one message's bytes.
struct Reader<'a> {
    rest: &'a [u8],
}

/// One field's payload, by wire type.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    /// Fixed 32 or 64 bits: no known field here uses them.
    Fixed,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut value = 0u64;
        for (i, byte) in self.rest.iter().enumerate().take(10) {
            let bits = u64::from(byte & 0x7f);
            // The 10th byte may carry only the 64th bit.
            if i == 9 && bits > 1 {
                return Err(DecodeError::VarintOverflow);
            }
            value |= bits.wrapping_shl(7u32.wrapping_mul(i as u32));
            if byte & 0x80 == 0 {
                self.rest = self.rest.get(i.wrapping_add(1)..).unwrap_or_default();
                return Ok(value);
            }
        }
        if self.rest.len() >= 10 {
            Err(DecodeError::VarintOverflow)
        } else {
            Err(DecodeError::Truncated)
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        match (self.rest.get(..n), self.rest.get(n..)) {
            (Some(head), Some(tail)) => {
                self.rest = tail;
                Ok(head)
            }
            _ => Err(DecodeError::Truncated),
        }
    }

    /// The next field, `None` at the end of the message.
    fn field(&mut self) -> Result<Option<(u32, Value<'a>)>, DecodeError> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let wire_type = (key & 7) as u8;
        let field = u32::try_from(key >> 3).map_err(|_| DecodeError::VarintOverflow)?;
        if field == 0 {
            return Err(DecodeError::FieldZero);
        }
        let value = match wire_type {
            WIRE_VARINT => Value::Varint(self.varint()?),
            WIRE_FIXED64 => {
                self.take(8)?;
                Value::Fixed
            }
            WIRE_LEN => {
                let len = usize::try_from(self.varint()?).map_err(|_| DecodeError::Truncated)?;
                Value::Bytes(self.take(len)?)
            }
            WIRE_START_GROUP | WIRE_END_GROUP => return Err(DecodeError::Group(wire_type)),
            WIRE_FIXED32 => {
                self.take(4)?;
                Value::Fixed
            }
            other => return Err(DecodeError::InvalidWireType(other)),
        };
        Ok(Some((field, value)))
    }
}

fn wire_type_of(value: &Value<'_>) -> u8 {
    match value {
        Value::Varint(_) => WIRE_VARINT,
        Value::Bytes(_) => WIRE_LEN,
        Value::Fixed => WIRE_FIXED64,
    }
}

fn expect_varint(field: u32, value: &Value<'_>) -> Result<u64, DecodeError> {
    match value {
        Value::Varint(v) => Ok(*v),
        other => Err(DecodeError::WrongWireType {
            field,
            wire_type: wire_type_of(other),
        }),
    }
}

fn expect_bytes<'a>(field: u32, value: &Value<'a>) -> Result<&'a [u8], DecodeError> {
    match value {
        Value::Bytes(b) => Ok(b),
        other => Err(DecodeError::WrongWireType {
            field,
            wire_type: wire_type_of(other),
        }),
    }
}

fn expect_string(field: u32, value: &Value<'_>) -> Result<String, DecodeError> {
    let bytes = expect_bytes(field, value)?;
    bounded_string(bytes)
}

fn bounded_string(bytes: &[u8]) -> Result<String, DecodeError> {
    if bytes.len() > MAX_STRING_BYTES {
        return Err(DecodeError::StringTooLong);
    }
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|_| DecodeError::InvalidUtf8)
}

/// A `uint32` field: protobuf parsers keep the low 32 bits of a wider varint.
fn low_u32(value: u64) -> u32 {
    (value & u64::from(u32::MAX)) as u32
}

fn decode_rate_limit(bytes: &[u8], limit: &mut RateLimit) -> Result<(), DecodeError> {
    let mut reader = Reader::new(bytes);
    while let Some((field, value)) = reader.field()? {
        match field {
            1 => limit.requests_per_unit = low_u32(expect_varint(field, &value)?),
            2 => limit.unit = Unit::from_wire(expect_varint(field, &value)?),
            3 => limit.name = expect_string(field, &value)?,
            _ => {}
        }
    }
    Ok(())
}

/// A `google.protobuf.Duration` as whole seconds, rounded up, negative as 0.
fn decode_duration_secs(bytes: &[u8]) -> Result<u64, DecodeError> {
    let mut seconds = 0i64;
    let mut nanos = 0i32;
    let mut reader = Reader::new(bytes);
    while let Some((field, value)) = reader.field()? {
        match field {
            // int64 and int32 are two's complement in a 64-bit varint.
            1 => seconds = expect_varint(field, &value)? as i64,
            2 => nanos = expect_varint(field, &value)? as i32,
            _ => {}
        }
    }
    let whole = u64::try_from(seconds).unwrap_or(0);
    Ok(if nanos > 0 {
        whole.saturating_add(1)
    } else {
        whole
    })
}

fn decode_status(bytes: &[u8], status: &mut DescriptorStatus) -> Result<(), DecodeError> {
    let mut reader = Reader::new(bytes);
    while let Some((field, value)) = reader.field()? {
        match field {
            1 => status.code = Code::from_wire(expect_varint(field, &value)?),
            2 => {
                let bytes = expect_bytes(field, &value)?;
                let limit = status.current_limit.get_or_insert_with(RateLimit::default);
                decode_rate_limit(bytes, limit)?;
            }
            3 => status.limit_remaining = low_u32(expect_varint(field, &value)?),
            4 => {
                let bytes = expect_bytes(field, &value)?;
                status.duration_until_reset_secs = Some(decode_duration_secs(bytes)?);
            }
            _ => {}
        }
    }
    Ok(())
}

/// An `envoy.config.core.v3.HeaderValue`; `raw_value` (bytes) is used when
/// `value` is empty, and must then be UTF-8 too.
fn decode_header(bytes: &[u8]) -> Result<(String, String), DecodeError> {
    let mut key = String::new();
    let mut value = String::new();
    let mut raw_value = String::new();
    let mut reader = Reader::new(bytes);
    while let Some((field, v)) = reader.field()? {
        match field {
            1 => key = expect_string(field, &v)?,
            2 => value = expect_string(field, &v)?,
            3 => raw_value = expect_string(field, &v)?,
            _ => {}
        }
    }
    if value.is_empty() {
        value = raw_value;
    }
    Ok((key, value))
}

fn push_header(
    list: &mut Vec<(String, String)>,
    field: u32,
    value: &Value<'_>,
) -> Result<(), DecodeError> {
    if list.len() >= MAX_HEADERS {
        return Err(DecodeError::TooMany(MAX_HEADERS, "headers"));
    }
    list.push(decode_header(expect_bytes(field, value)?)?);
    Ok(())
}

/// Decodes a `RateLimitResponse` (the protobuf body of the gRPC reply,
/// without gRPC's 5-byte frame prefix).
///
/// # Errors
/// A [`DecodeError`] for malformed input or input past the bounds in the
/// module docs; the decoder never panics.
pub fn decode_response(bytes: &[u8]) -> Result<Response, DecodeError> {
    let mut response = Response::default();
    let mut reader = Reader::new(bytes);
    while let Some((field, value)) = reader.field()? {
        match field {
            1 => response.overall_code = Code::from_wire(expect_varint(field, &value)?),
            2 => {
                if response.statuses.len() >= MAX_STATUSES {
                    return Err(DecodeError::TooMany(MAX_STATUSES, "statuses"));
                }
                let mut status = DescriptorStatus::default();
                decode_status(expect_bytes(field, &value)?, &mut status)?;
                response.statuses.push(status);
            }
            3 => push_header(&mut response.response_headers_to_add, field, &value)?,
            4 => push_header(&mut response.request_headers_to_add, field, &value)?,
            _ => {}
        }
    }
    Ok(response)
}

/// What a service's draft-03 rate-limit headers say (Limitador with
/// `--rate-limit-headers DRAFT_VERSION_03`): `X-RateLimit-Limit` (its first
/// value: `10, 10;w=60` is 10), `X-RateLimit-Remaining`, and
/// `X-RateLimit-Reset` (whole seconds until the window resets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Draft03 {
    /// The limit, when given.
    pub limit: Option<u64>,
    /// Hits left, when given.
    pub remaining: Option<u64>,
    /// Milliseconds until the reset, never early: the header is whole
    /// seconds rounded down (Limitador's `as_secs`), so one second is
    /// added.
    pub reset_ms: Option<u64>,
}

impl Response {
    /// The draft-03 headers among `response_headers_to_add` (names in any
    /// case); `None` when there is none of them.
    #[must_use]
    pub fn draft03(&self) -> Option<Draft03> {
        let get = |name: &str| {
            self.response_headers_to_add
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let first_number = |v: &str| {
            v.split([',', ';'])
                .next()
                .and_then(|n| n.trim().parse::<u64>().ok())
        };
        let out = Draft03 {
            limit: get("x-ratelimit-limit").and_then(first_number),
            remaining: get("x-ratelimit-remaining").and_then(first_number),
            reset_ms: get("x-ratelimit-reset")
                .and_then(first_number)
                .map(|s| s.saturating_add(1).saturating_mul(1000)),
        };
        (out.limit.is_some() || out.remaining.is_some() || out.reset_ms.is_some()).then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft03_headers_are_read_never_early() {
        let r = Response {
            response_headers_to_add: vec![
                ("X-RateLimit-Limit".into(), "10, 10;w=60".into()),
                ("x-ratelimit-remaining".into(), "0".into()),
                ("X-RateLimit-Reset".into(), "41".into()),
            ],
            ..Response::default()
        };
        assert_eq!(
            r.draft03(),
            Some(Draft03 {
                limit: Some(10),
                remaining: Some(0),
                reset_ms: Some(42_000)
            })
        );
        assert_eq!(Response::default().draft03(), None);
    }

    // ---- a test-only encoder for responses (the service side), written
    // field by field so the tests control every byte.

    fn len_field(out: &mut Vec<u8>, field: u8, payload: &[u8]) {
        put_key(out, field, WIRE_LEN);
        put_varint(out, payload.len() as u64);
        out.extend_from_slice(payload);
    }

    fn varint_field(out: &mut Vec<u8>, field: u8, value: u64) {
        if value != 0 {
            put_key(out, field, WIRE_VARINT);
            put_varint(out, value);
        }
    }

    fn code_wire(code: Code) -> u64 {
        match code {
            Code::Unknown => 0,
            Code::Ok => 1,
            Code::OverLimit => 2,
        }
    }

    fn unit_wire(unit: Unit) -> u64 {
        match unit {
            Unit::Unknown => 0,
            Unit::Second => 1,
            Unit::Minute => 2,
            Unit::Hour => 3,
            Unit::Day => 4,
            Unit::Month => 5,
            Unit::Year => 6,
            Unit::Week => 7,
        }
    }

    fn encode_header(key: &str, value: &str) -> Vec<u8> {
        let mut out = Vec::new();
        put_string_field(&mut out, 1, key);
        put_string_field(&mut out, 2, value);
        out
    }

    fn encode_response(response: &Response) -> Vec<u8> {
        let mut out = Vec::new();
        varint_field(&mut out, 1, code_wire(response.overall_code));
        for status in &response.statuses {
            let mut s = Vec::new();
            varint_field(&mut s, 1, code_wire(status.code));
            if let Some(limit) = &status.current_limit {
                let mut l = Vec::new();
                varint_field(&mut l, 1, u64::from(limit.requests_per_unit));
                varint_field(&mut l, 2, unit_wire(limit.unit));
                put_string_field(&mut l, 3, &limit.name);
                len_field(&mut s, 2, &l);
            }
            varint_field(&mut s, 3, u64::from(status.limit_remaining));
            if let Some(secs) = status.duration_until_reset_secs {
                let mut d = Vec::new();
                varint_field(&mut d, 1, secs);
                len_field(&mut s, 4, &d);
            }
            len_field(&mut out, 2, &s);
        }
        for (k, v) in &response.response_headers_to_add {
            len_field(&mut out, 3, &encode_header(k, v));
        }
        for (k, v) in &response.request_headers_to_add {
            len_field(&mut out, 4, &encode_header(k, v));
        }
        out
    }

    fn sample_response() -> Response {
        Response {
            overall_code: Code::OverLimit,
            statuses: vec![
                DescriptorStatus {
                    code: Code::Ok,
                    current_limit: Some(RateLimit {
                        name: "per-tenant".into(),
                        requests_per_unit: 100,
                        unit: Unit::Minute,
                    }),
                    limit_remaining: 42,
                    duration_until_reset_secs: Some(17),
                },
                DescriptorStatus {
                    code: Code::OverLimit,
                    current_limit: Some(RateLimit {
                        name: String::new(),
                        requests_per_unit: 5,
                        unit: Unit::Week,
                    }),
                    limit_remaining: 0,
                    duration_until_reset_secs: Some(0),
                },
                DescriptorStatus::default(),
            ],
            response_headers_to_add: vec![
                ("x-ratelimit-limit".into(), "100, 100;w=60".into()),
                ("x-ratelimit-remaining".into(), "42".into()),
            ],
            request_headers_to_add: vec![("x-tenant-over".into(), "yes".into())],
        }
    }

    // ---- encoding

    #[test]
    fn golden_request_bytes() {
        let descriptors = [Descriptor {
            entries: vec![("k".into(), "v".into())],
        }];
        let got = encode_request("tollgate", &descriptors, 1);
        #[rustfmt::skip]
        let want: &[u8] = &[
            0x0a, 0x08, b't', b'o', b'l', b'l', b'g', b'a', b't', b'e', // domain = 1
            0x12, 0x08,                                                   // descriptors = 2, 8 bytes
                0x0a, 0x06,                                               //   entries = 1, 6 bytes
                    0x0a, 0x01, b'k',                                     //     key = 1
                    0x12, 0x01, b'v',                                     //     value = 2
            0x18, 0x01,                                                   // hits_addend = 3
        ];
        assert_eq!(got, want);
        assert_eq!(got.capacity(), got.len(), "sized exactly up front");
    }

    #[test]
    fn golden_request_two_descriptors_multibyte_hits() {
        let descriptors = [
            Descriptor {
                entries: vec![("a".into(), "1".into()), ("b".into(), String::new())],
            },
            Descriptor { entries: vec![] },
        ];
        let got = encode_request("d", &descriptors, 300);
        #[rustfmt::skip]
        let want: &[u8] = &[
            0x0a, 0x01, b'd',
            0x12, 0x0d,                                       // 8 + 5 bytes
                0x0a, 0x06, 0x0a, 0x01, b'a', 0x12, 0x01, b'1',
                0x0a, 0x03, 0x0a, 0x01, b'b',                 // empty value left out
            0x12, 0x00,                                       // an empty descriptor is still sent
            0x18, 0xac, 0x02,                                 // 300 = 0b10_0101100
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn defaults_are_left_out() {
        assert_eq!(encode_request("", &[], 0), Vec::<u8>::new());
        assert_eq!(
            encode_request("", &[], u32::MAX),
            vec![0x18, 0xff, 0xff, 0xff, 0xff, 0x0f]
        );
    }

    #[test]
    fn long_strings_take_multibyte_lengths() {
        let value = "x".repeat(200);
        let descriptors = [Descriptor {
            entries: vec![("key".into(), value.clone())],
        }];
        let got = encode_request("dom", &descriptors, 2);
        assert_eq!(got.capacity(), got.len());
        // Read it back with the decoder's own reader.
        let mut r = Reader::new(&got);
        let Some((1, Value::Bytes(b"dom"))) = r.field().unwrap() else {
            panic!()
        };
        let Some((2, Value::Bytes(desc))) = r.field().unwrap() else {
            panic!()
        };
        let Some((3, Value::Varint(2))) = r.field().unwrap() else {
            panic!()
        };
        assert!(r.field().unwrap().is_none());
        let mut r = Reader::new(desc);
        let Some((1, Value::Bytes(entry))) = r.field().unwrap() else {
            panic!()
        };
        assert!(r.field().unwrap().is_none());
        assert_eq!(decode_header(entry).unwrap(), ("key".into(), value));
    }

    #[test]
    fn varint_len_matches_put_varint() {
        for v in [
            0u64,
            1,
            127,
            128,
            16_383,
            16_384,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            assert_eq!(out.len(), varint_len(v), "{v}");
            assert_eq!(Reader::new(&out).varint().unwrap(), v);
        }
    }

    // ---- decoding

    #[test]
    fn round_trip_response() {
        let response = sample_response();
        let bytes = encode_response(&response);
        assert_eq!(decode_response(&bytes).unwrap(), response);
    }

    #[test]
    fn empty_response_is_unknown() {
        assert_eq!(decode_response(&[]).unwrap(), Response::default());
    }

    #[test]
    fn unknown_fields_of_every_wire_type_are_skipped() {
        let mut bytes = encode_response(&sample_response());
        // field 5 raw_body (len), 6 dynamic_metadata (len), 7 quota (len),
        // and made-up fields: 9 varint, 10 fixed64, 11 fixed32, 1000 len.
        len_field(&mut bytes, 5, b"body");
        len_field(&mut bytes, 6, &[0x0a, 0x00]);
        len_field(&mut bytes, 7, &[0x08, 0x05]);
        bytes.extend_from_slice(&[9 << 3, 0x96, 0x01]);
        bytes.push(10 << 3 | 1);
        bytes.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
        bytes.push(11 << 3 | 5);
        bytes.extend_from_slice(&[1, 2, 3, 4]);
        put_varint(&mut bytes, 1000 << 3 | 2);
        bytes.extend_from_slice(&[2, 0xff, 0xff]);
        assert_eq!(decode_response(&bytes).unwrap(), sample_response());
    }

    #[test]
    fn groups_and_bad_wire_types_are_errors() {
        assert_eq!(decode_response(&[9 << 3 | 3]), Err(DecodeError::Group(3)));
        assert_eq!(decode_response(&[9 << 3 | 4]), Err(DecodeError::Group(4)));
        assert_eq!(
            decode_response(&[9 << 3 | 6]),
            Err(DecodeError::InvalidWireType(6))
        );
        assert_eq!(
            decode_response(&[9 << 3 | 7]),
            Err(DecodeError::InvalidWireType(7))
        );
        assert_eq!(decode_response(&[0x00, 0x00]), Err(DecodeError::FieldZero));
        // overall_code as a length-delimited field.
        assert_eq!(
            decode_response(&[0x0a, 0x00]),
            Err(DecodeError::WrongWireType {
                field: 1,
                wire_type: 2
            })
        );
        // A status as a varint.
        assert_eq!(
            decode_response(&[0x10, 0x01]),
            Err(DecodeError::WrongWireType {
                field: 2,
                wire_type: 0
            })
        );
        // A group inside a nested message.
        assert_eq!(
            decode_response(&[0x12, 0x01, 0x0b]),
            Err(DecodeError::Group(3))
        );
    }

    #[test]
    fn varint_overflow_and_truncation() {
        let mut eleven = vec![0x08];
        eleven.extend_from_slice(&[0xff; 10]);
        eleven.push(0x01);
        assert_eq!(decode_response(&eleven), Err(DecodeError::VarintOverflow));
        let mut tenth_too_big = vec![0x08];
        tenth_too_big.extend_from_slice(&[0xff; 9]);
        tenth_too_big.push(0x02);
        assert_eq!(
            decode_response(&tenth_too_big),
            Err(DecodeError::VarintOverflow)
        );
        let mut max = vec![0x08];
        max.extend_from_slice(&[0xff; 9]);
        max.push(0x01);
        assert_eq!(decode_response(&max).unwrap().overall_code, Code::Unknown);
        assert_eq!(decode_response(&[0x08, 0x80]), Err(DecodeError::Truncated));
        assert_eq!(
            decode_response(&[0x12, 0x05, 0x08]),
            Err(DecodeError::Truncated)
        );
        // A length near u64::MAX must not overflow an addition.
        let mut huge = vec![0x12];
        put_varint(&mut huge, u64::MAX);
        assert_eq!(decode_response(&huge), Err(DecodeError::Truncated));
    }

    #[test]
    fn enums_unknown_values_and_wide_uint32() {
        let mut status = Vec::new();
        varint_field(&mut status, 1, 9); // unknown code
        let mut limit = Vec::new();
        varint_field(&mut limit, 1, (1u64 << 32) | 7); // low 32 bits kept
        varint_field(&mut limit, 2, 99); // unknown unit
        len_field(&mut status, 2, &limit);
        let mut bytes = Vec::new();
        varint_field(&mut bytes, 1, 3);
        len_field(&mut bytes, 2, &status);
        let got = decode_response(&bytes).unwrap();
        assert_eq!(got.overall_code, Code::Unknown);
        let status = &got.statuses[0];
        assert_eq!(status.code, Code::Unknown);
        let limit = status.current_limit.as_ref().unwrap();
        assert_eq!((limit.requests_per_unit, limit.unit), (7, Unit::Unknown));
    }

    #[test]
    fn duration_rounds_up_and_clamps_negative() {
        let status_with = |duration: &[u8]| {
            let mut status = Vec::new();
            len_field(&mut status, 4, duration);
            let mut bytes = Vec::new();
            len_field(&mut bytes, 2, &status);
            decode_response(&bytes).unwrap().statuses[0].duration_until_reset_secs
        };
        assert_eq!(status_with(&[0x08, 0x05, 0x10, 0x01]), Some(6));
        assert_eq!(status_with(&[0x10, 0x01]), Some(1));
        assert_eq!(status_with(&[]), Some(0));
        let mut negative = vec![0x08];
        put_varint(&mut negative, (-5i64) as u64);
        assert_eq!(status_with(&negative), Some(0));
    }

    #[test]
    fn last_value_wins_and_messages_merge() {
        let mut status = Vec::new();
        len_field(&mut status, 2, &[0x08, 0x0a]); // requests_per_unit 10
        len_field(&mut status, 2, &[0x10, 0x02]); // unit MINUTE, merged
        varint_field(&mut status, 3, 4);
        varint_field(&mut status, 3, 3);
        let mut bytes = Vec::new();
        varint_field(&mut bytes, 1, 2);
        varint_field(&mut bytes, 1, 1);
        len_field(&mut bytes, 2, &status);
        let got = decode_response(&bytes).unwrap();
        assert_eq!(got.overall_code, Code::Ok);
        let status = &got.statuses[0];
        assert_eq!(status.limit_remaining, 3);
        let limit = status.current_limit.as_ref().unwrap();
        assert_eq!((limit.requests_per_unit, limit.unit), (10, Unit::Minute));
    }

    #[test]
    fn header_raw_value_is_used_when_value_is_empty() {
        let mut header = Vec::new();
        put_string_field(&mut header, 1, "k");
        len_field(&mut header, 3, b"raw");
        let mut bytes = Vec::new();
        len_field(&mut bytes, 3, &header);
        assert_eq!(
            decode_response(&bytes).unwrap().response_headers_to_add,
            vec![("k".to_string(), "raw".to_string())]
        );
    }

    #[test]
    fn bounds() {
        let ok = |n: usize| Response {
            statuses: vec![DescriptorStatus::default(); n],
            ..Response::default()
        };
        assert!(decode_response(&encode_response(&ok(MAX_STATUSES))).is_ok());
        assert_eq!(
            decode_response(&encode_response(&ok(MAX_STATUSES + 1))),
            Err(DecodeError::TooMany(MAX_STATUSES, "statuses"))
        );
        let headers = |n: usize| vec![("k".to_string(), "v".to_string()); n];
        for request_side in [false, true] {
            let with = |n: usize| {
                let mut r = Response::default();
                if request_side {
                    r.request_headers_to_add = headers(n);
                } else {
                    r.response_headers_to_add = headers(n);
                }
                encode_response(&r)
            };
            assert!(decode_response(&with(MAX_HEADERS)).is_ok());
            assert_eq!(
                decode_response(&with(MAX_HEADERS + 1)),
                Err(DecodeError::TooMany(MAX_HEADERS, "headers"))
            );
        }
        let long = |n: usize| Response {
            response_headers_to_add: vec![("k".into(), "v".repeat(n))],
            ..Response::default()
        };
        assert!(decode_response(&encode_response(&long(MAX_STRING_BYTES))).is_ok());
        assert_eq!(
            decode_response(&encode_response(&long(MAX_STRING_BYTES + 1))),
            Err(DecodeError::StringTooLong)
        );
        let mut bad_utf8 = Vec::new();
        len_field(&mut bad_utf8, 1, &[0xff]);
        let mut bytes = Vec::new();
        len_field(&mut bytes, 3, &bad_utf8);
        assert_eq!(decode_response(&bytes), Err(DecodeError::InvalidUtf8));
    }

    #[test]
    fn every_prefix_decodes_or_fails_without_panic() {
        let bytes = encode_response(&sample_response());
        let mut errors = 0;
        for end in 0..=bytes.len() {
            if decode_response(&bytes[..end]).is_err() {
                errors += 1;
            }
        }
        // Most prefixes end inside a field.
        assert!(errors > bytes.len() / 2, "{errors} of {}", bytes.len());
        assert_eq!(decode_response(&bytes).unwrap(), sample_response());
    }

    #[test]
    fn random_and_mutated_bytes_never_panic() {
        // A small xorshift: deterministic, no dependency.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let base = encode_response(&sample_response());
        for round in 0..20_000 {
            let bytes: Vec<u8> = if round % 2 == 0 {
                let len = (next() % 64) as usize;
                (0..len).map(|_| next() as u8).collect()
            } else {
                let mut b = base.clone();
                for _ in 0..1 + next() % 4 {
                    let i = (next() as usize) % b.len();
                    b[i] = next() as u8;
                }
                b
            };
            let _ = decode_response(&bytes);
        }
    }

    #[test]
    fn unit_seconds() {
        assert_eq!(Unit::Unknown.seconds(), None);
        assert_eq!(Unit::Second.seconds(), Some(1));
        assert_eq!(Unit::Minute.seconds(), Some(60));
        assert_eq!(Unit::Hour.seconds(), Some(3600));
        assert_eq!(Unit::Day.seconds(), Some(86_400));
        assert_eq!(Unit::Week.seconds(), Some(7 * 86_400));
        assert_eq!(Unit::Month.seconds(), Some(30 * 86_400));
        assert_eq!(Unit::Year.seconds(), Some(365 * 86_400));
    }
}
