//! Typed host calls: the only place Tollgate touches the proxy-wasm ABI.
//!
//! Every call returns `Result<_, HostError>`; none panics. That is why this
//! module declares the ABI imports itself instead of calling
//! `proxy_wasm::hostcalls`: in proxy-wasm 0.2.5 those functions `panic!` on
//! any status they do not expect — `BadArgument` from reading a header map
//! that does not exist in the current phase, a non-UTF-8 header value, a
//! buffer range past the end — and a panic is a VM trap that fails every
//! later request on the worker. Here `BadArgument` becomes
//! [`HostError::NotAvailable`], and a caller decides.
//!
//! The imports are the same ones the SDK uses (ABI 0.2.1), so a module built
//! with this adapter needs nothing more from a host. Buffers the host returns
//! are allocated through the SDK's exported `proxy_on_memory_allocate` and
//! owned here.

// The ABI is foreign functions and raw pointers; this module is where the
// `unsafe` lives, each block with the reason it is sound.
#![allow(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]

use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use proxy_wasm::types::{BufferType, LogLevel, MapType, MetricType};

/// Why a host call did not do what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    /// The host answered `BadArgument`. In a stream callback this almost
    /// always means the thing is not available in this phase (response
    /// headers while the request is being processed, a map already sent); for
    /// [`dispatch_http_call`] it means an unknown cluster or a request without
    /// `:method`, `:path` or `:authority`.
    #[error("not available in this phase")]
    NotAvailable,
    /// The host answered `NotFound` where absence is an error (an unknown
    /// metric id); where absence is normal the call returns `Ok(None)`.
    #[error("not found")]
    NotFound,
    /// A compare-and-swap on shared data lost: someone wrote in between.
    #[error("compare-and-swap mismatch")]
    CasMismatch,
    /// Data crossing the ABI could not be encoded or decoded: a value over
    /// 4 GiB, a truncated map from the host, text that is not UTF-8.
    #[error("malformed data across the host ABI")]
    Malformed,
    /// Any other status, by its ABI number (`InternalFailure` is 10).
    #[error("host returned status {0}")]
    Other(u32),
}

/// A metric defined with [`define_metric`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MetricId(pub u32);

type Result<T> = std::result::Result<T, HostError>;

mod abi {
    #[link(wasm_import_module = "env")]
    extern "C" {
        pub fn proxy_log(level: u32, message_data: *const u8, message_size: usize) -> u32;
        pub fn proxy_get_log_level(return_level: *mut u32) -> u32;
        pub fn proxy_get_current_time_nanoseconds(return_time: *mut u64) -> u32;
        pub fn proxy_get_buffer_bytes(
            buffer_type: u32,
            start: usize,
            max_size: usize,
            return_buffer_data: *mut *mut u8,
            return_buffer_size: *mut usize,
        ) -> u32;
        pub fn proxy_set_buffer_bytes(
            buffer_type: u32,
            start: usize,
            size: usize,
            buffer_data: *const u8,
            buffer_size: usize,
        ) -> u32;
        pub fn proxy_get_header_map_pairs(
            map_type: u32,
            return_map_data: *mut *mut u8,
            return_map_size: *mut usize,
        ) -> u32;
        pub fn proxy_set_header_map_pairs(
            map_type: u32,
            map_data: *const u8,
            map_size: usize,
        ) -> u32;
        pub fn proxy_get_header_map_value(
            map_type: u32,
            key_data: *const u8,
            key_size: usize,
            return_value_data: *mut *mut u8,
            return_value_size: *mut usize,
        ) -> u32;
        pub fn proxy_replace_header_map_value(
            map_type: u32,
            key_data: *const u8,
            key_size: usize,
            value_data: *const u8,
            value_size: usize,
        ) -> u32;
        pub fn proxy_add_header_map_value(
            map_type: u32,
            key_data: *const u8,
            key_size: usize,
            value_data: *const u8,
            value_size: usize,
        ) -> u32;
        pub fn proxy_remove_header_map_value(
            map_type: u32,
            key_data: *const u8,
            key_size: usize,
        ) -> u32;
        pub fn proxy_get_property(
            path_data: *const u8,
            path_size: usize,
            return_value_data: *mut *mut u8,
            return_value_size: *mut usize,
        ) -> u32;
        pub fn proxy_set_property(
            path_data: *const u8,
            path_size: usize,
            value_data: *const u8,
            value_size: usize,
        ) -> u32;
        pub fn proxy_get_shared_data(
            key_data: *const u8,
            key_size: usize,
            return_value_data: *mut *mut u8,
            return_value_size: *mut usize,
            return_cas: *mut u32,
        ) -> u32;
        pub fn proxy_set_shared_data(
            key_data: *const u8,
            key_size: usize,
            value_data: *const u8,
            value_size: usize,
            cas: u32,
        ) -> u32;
        #[allow(clippy::too_many_arguments)]
        pub fn proxy_send_local_response(
            status_code: u32,
            status_code_details_data: *const u8,
            status_code_details_size: usize,
            body_data: *const u8,
            body_size: usize,
            headers_data: *const u8,
            headers_size: usize,
            grpc_status: i32,
        ) -> u32;
        #[allow(clippy::too_many_arguments)]
        pub fn proxy_http_call(
            upstream_data: *const u8,
            upstream_size: usize,
            headers_data: *const u8,
            headers_size: usize,
            body_data: *const u8,
            body_size: usize,
            trailers_data: *const u8,
            trailers_size: usize,
            timeout: u32,
            return_token: *mut u32,
        ) -> u32;
        pub fn proxy_define_metric(
            metric_type: u32,
            name_data: *const u8,
            name_size: usize,
            return_id: *mut u32,
        ) -> u32;
        pub fn proxy_increment_metric(metric_id: u32, offset: i64) -> u32;
        pub fn proxy_record_metric(metric_id: u32, value: u64) -> u32;
        pub fn proxy_continue_stream(stream_type: u32) -> u32;
        pub fn proxy_set_tick_period_milliseconds(period: u32) -> u32;
    }
}

const OK: u32 = 0;
const NOT_FOUND: u32 = 1;
const BAD_ARGUMENT: u32 = 2;
const CAS_MISMATCH: u32 = 8;

fn check(status: u32) -> Result<()> {
    match status {
        OK => Ok(()),
        NOT_FOUND => Err(HostError::NotFound),
        BAD_ARGUMENT => Err(HostError::NotAvailable),
        CAS_MISMATCH => Err(HostError::CasMismatch),
        other => Err(HostError::Other(other)),
    }
}

/// `Ok(None)` for `NotFound`, where absence is normal.
fn check_found(status: u32) -> Result<Option<()>> {
    match check(status) {
        Ok(()) => Ok(Some(())),
        Err(HostError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Takes ownership of a buffer the host wrote back.
///
/// # Safety
/// `data` is null or was returned by the SDK's `proxy_on_memory_allocate`
/// for exactly `size` bytes (a boxed slice, so length = capacity = `size`),
/// which the host filled and handed over; nothing else owns it.
unsafe fn take(data: *mut u8, size: usize) -> Vec<u8> {
    if data.is_null() {
        Vec::new()
    } else {
        // SAFETY: per this function's contract.
        unsafe { Vec::from_raw_parts(data, size, size) }
    }
}

/// Writes a log line at `level`, ignoring the level filter of the `log`
/// crate (the panic hook uses this).
pub fn log(level: LogLevel, message: &str) -> Result<()> {
    // SAFETY: the pointer and length describe `message`, alive for the call.
    check(unsafe { abi::proxy_log(level as u32, message.as_ptr(), message.len()) })
}

/// The host's current log level for this plugin.
pub fn log_level() -> Result<LogLevel> {
    let mut level = 0u32;
    // SAFETY: the host writes one u32 to a local that outlives the call.
    check(unsafe { abi::proxy_get_log_level(&mut level) })?;
    Ok(match level {
        0 => LogLevel::Trace,
        1 => LogLevel::Debug,
        2 => LogLevel::Info,
        3 => LogLevel::Warn,
        4 => LogLevel::Error,
        5 => LogLevel::Critical,
        _ => return Err(HostError::Malformed),
    })
}

/// The host's wall clock, in nanoseconds since the Unix epoch. (Core takes
/// `now` as an argument: this is where it comes from.)
pub fn now_nanos() -> Result<u64> {
    let mut nanos = 0u64;
    // SAFETY: the host writes one u64 to a local that outlives the call.
    check(unsafe { abi::proxy_get_current_time_nanoseconds(&mut nanos) })?;
    Ok(nanos)
}

/// The host's wall clock.
pub fn now() -> Result<SystemTime> {
    UNIX_EPOCH
        .checked_add(Duration::from_nanos(now_nanos()?))
        .ok_or(HostError::Malformed)
}

/// Up to `max_size` bytes of a buffer (a body, the plugin configuration, an
/// HTTP call's response body) from `start`; empty if there is no such buffer.
pub fn buffer(buffer: BufferType, start: usize, max_size: usize) -> Result<Vec<u8>> {
    let mut data = null_mut();
    let mut size = 0usize;
    // SAFETY: the host writes a pointer and a size to locals that outlive
    // the call.
    let status = unsafe {
        abi::proxy_get_buffer_bytes(buffer as u32, start, max_size, &mut data, &mut size)
    };
    match check_found(status)? {
        // SAFETY: on success the host handed over a buffer it allocated
        // through proxy_on_memory_allocate, of `size` bytes (or null).
        Some(()) => Ok(unsafe { take(data, size) }),
        None => Ok(Vec::new()),
    }
}

/// The buffer [`track_size`] follows (`u32::MAX`: none) and its size.
static TRACKED: AtomicU32 = AtomicU32::new(u32::MAX);
static TRACKED_SIZE: AtomicUsize = AtomicUsize::new(0);

/// From now on [`set_buffer`] keeps `buffer`'s size, `size` now, up to
/// date, for [`tracked_size`]: a module of several filters
/// (`filters/combined`) tells the next filter a body's size after one
/// rewrote it, without reading the body back.
pub fn track_size(buffer: BufferType, size: usize) {
    TRACKED.store(buffer as u32, Ordering::Relaxed);
    TRACKED_SIZE.store(size, Ordering::Relaxed);
}

/// The size of the buffer [`track_size`] follows.
pub fn tracked_size() -> usize {
    TRACKED_SIZE.load(Ordering::Relaxed)
}

/// Replaces `size` bytes of a buffer from `start` with `value` (`start = 0`,
/// `size` = the buffer's length replaces it all).
pub fn set_buffer(buffer: BufferType, start: usize, size: usize, value: &[u8]) -> Result<()> {
    if buffer == BufferType::HttpRequestBody {
        crate::request::body_changed();
    }
    // SAFETY: the pointer and length describe `value`, alive for the call.
    check(unsafe {
        abi::proxy_set_buffer_bytes(buffer as u32, start, size, value.as_ptr(), value.len())
    })?;
    if TRACKED.load(Ordering::Relaxed) == buffer as u32 {
        // As hosts apply it: `size` bytes from `start` (clamped to the end)
        // replaced, so prepend (0, 0), replace all (0, >= len) and append
        // (>= len, _) alike; a host refuses anything else, which returns
        // above.
        let now = TRACKED_SIZE.load(Ordering::Relaxed);
        let removed = size.min(now.saturating_sub(start));
        TRACKED_SIZE.store(
            now.saturating_sub(removed).saturating_add(value.len()),
            Ordering::Relaxed,
        );
    }
    Ok(())
}

/// All entries of a header map, in order, values as bytes (a header value
/// may be any octets but CR, LF and NUL).
pub fn headers(map: MapType) -> Result<Vec<(String, Vec<u8>)>> {
    let mut data = null_mut();
    let mut size = 0usize;
    // SAFETY: the host writes a pointer and a size to locals that outlive
    // the call.
    check(unsafe { abi::proxy_get_header_map_pairs(map as u32, &mut data, &mut size) })?;
    // SAFETY: on success the host handed over a buffer it allocated through
    // proxy_on_memory_allocate, of `size` bytes (or null).
    let bytes = unsafe { take(data, size) };
    decode_map(&bytes)
        .ok_or(HostError::Malformed)?
        .into_iter()
        .map(|(name, value)| {
            Ok((
                String::from_utf8(name).map_err(|_| HostError::Malformed)?,
                value,
            ))
        })
        .collect()
}

/// Replaces a whole header map.
pub fn set_headers(map: MapType, headers: &[(&str, &str)]) -> Result<()> {
    let bytes = encode_map(headers)?;
    // SAFETY: the pointer and length describe `bytes`, alive for the call.
    check(unsafe { abi::proxy_set_header_map_pairs(map as u32, bytes.as_ptr(), bytes.len()) })
}

/// One header's value as bytes; `None` if absent.
pub fn header_bytes(map: MapType, name: &str) -> Result<Option<Vec<u8>>> {
    let mut data = null_mut();
    let mut size = 0usize;
    // SAFETY: the name's pointer and length describe `name`; the host writes
    // a pointer and a size to locals; all outlive the call.
    let status = unsafe {
        abi::proxy_get_header_map_value(map as u32, name.as_ptr(), name.len(), &mut data, &mut size)
    };
    match check_found(status)? {
        // SAFETY: on success the host handed over a buffer it allocated
        // through proxy_on_memory_allocate, of `size` bytes (or null).
        Some(()) => Ok(Some(unsafe { take(data, size) })),
        None => Ok(None),
    }
}

/// One header's value as text; `None` if absent, [`HostError::Malformed`] if
/// it is not UTF-8.
pub fn header(map: MapType, name: &str) -> Result<Option<String>> {
    header_bytes(map, name)?
        .map(|value| String::from_utf8(value).map_err(|_| HostError::Malformed))
        .transpose()
}

/// Sets a header, replacing any values it had.
pub fn set_header(map: MapType, name: &str, value: &str) -> Result<()> {
    // SAFETY: pointers and lengths describe `name` and `value`, alive for
    // the call.
    check(unsafe {
        abi::proxy_replace_header_map_value(
            map as u32,
            name.as_ptr(),
            name.len(),
            value.as_ptr(),
            value.len(),
        )
    })
}

/// Adds a value to a header, keeping those it had.
pub fn add_header(map: MapType, name: &str, value: &str) -> Result<()> {
    // SAFETY: pointers and lengths describe `name` and `value`, alive for
    // the call.
    check(unsafe {
        abi::proxy_add_header_map_value(
            map as u32,
            name.as_ptr(),
            name.len(),
            value.as_ptr(),
            value.len(),
        )
    })
}

/// Removes a header (every value of it); removing an absent header is fine.
pub fn remove_header(map: MapType, name: &str) -> Result<()> {
    // SAFETY: the pointer and length describe `name`, alive for the call.
    check(unsafe { abi::proxy_remove_header_map_value(map as u32, name.as_ptr(), name.len()) })
}

/// A property (`["request", "path"]`, `["filter_state", "k"]`, …) in the
/// host's serialisation; `None` if the host has no such property.
pub fn property(path: &[&str]) -> Result<Option<Vec<u8>>> {
    let path = path.join("\0");
    let mut data = null_mut();
    let mut size = 0usize;
    // SAFETY: the path's pointer and length describe `path`; the host writes
    // a pointer and a size to locals; all outlive the call.
    let status =
        unsafe { abi::proxy_get_property(path.as_ptr(), path.len(), &mut data, &mut size) };
    match check_found(status)? {
        // SAFETY: on success the host handed over a buffer it allocated
        // through proxy_on_memory_allocate, of `size` bytes (or null).
        Some(()) => Ok(Some(unsafe { take(data, size) })),
        None => Ok(None),
    }
}

/// Sets a property (in Envoy, filter state readable by access logs and
/// later filters).
pub fn set_property(path: &[&str], value: &[u8]) -> Result<()> {
    let path = path.join("\0");
    // SAFETY: pointers and lengths describe `path` and `value`, alive for
    // the call.
    check(unsafe {
        abi::proxy_set_property(path.as_ptr(), path.len(), value.as_ptr(), value.len())
    })
}

/// A shared-data entry (shared by the VMs of all workers) and its CAS token;
/// `None` if absent.
pub fn shared_data(key: &str) -> Result<Option<(Vec<u8>, u32)>> {
    let mut data = null_mut();
    let mut size = 0usize;
    let mut cas = 0u32;
    // SAFETY: the key's pointer and length describe `key`; the host writes a
    // pointer, a size and a token to locals; all outlive the call.
    let status = unsafe {
        abi::proxy_get_shared_data(key.as_ptr(), key.len(), &mut data, &mut size, &mut cas)
    };
    match check_found(status)? {
        // SAFETY: on success the host handed over a buffer it allocated
        // through proxy_on_memory_allocate, of `size` bytes (or null).
        Some(()) => Ok(Some((unsafe { take(data, size) }, cas))),
        None => Ok(None),
    }
}

/// Writes a shared-data entry. With `cas = Some(token)` (from
/// [`shared_data`]) the write happens only if nobody wrote since, else
/// [`HostError::CasMismatch`]; `None` writes unconditionally.
pub fn set_shared_data(key: &str, value: &[u8], cas: Option<u32>) -> Result<()> {
    // SAFETY: pointers and lengths describe `key` and `value`, alive for the
    // call.
    check(unsafe {
        abi::proxy_set_shared_data(
            key.as_ptr(),
            key.len(),
            value.as_ptr(),
            value.len(),
            cas.unwrap_or(0),
        )
    })
}

/// Answers the client directly instead of forwarding the request.
/// `details` is a token without whitespace that Envoy logs as
/// `%RESPONSE_CODE_DETAILS%`.
pub fn send_local_response(
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    details: &str,
) -> Result<()> {
    let headers = encode_map(headers)?;
    // SAFETY: pointers and lengths describe `details`, `body` and `headers`,
    // alive for the call.
    check(unsafe {
        abi::proxy_send_local_response(
            u32::from(status),
            details.as_ptr(),
            details.len(),
            body.as_ptr(),
            body.len(),
            headers.as_ptr(),
            headers.len(),
            -1, // not a gRPC response
        )
    })
}

/// Which half of the stream to resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// The request (downstream to upstream).
    Request = 0,
    /// The response (upstream to downstream).
    Response = 1,
}

/// Set by a module of several filters (`filters/combined`): a filter's
/// [`resume`] is noted in [`RESUMED`] for that module to carry the stream
/// through the filters behind it, which then resumes it with
/// [`resume_now`].
static DEFER_RESUMES: AtomicBool = AtomicBool::new(false);
/// Bit `1 << stream` for each stream a filter resumed while deferred.
static RESUMED: AtomicU32 = AtomicU32::new(0);

/// From now on [`resume`] only notes the resume, for [`take_resumed`].
pub fn defer_resumes() {
    DEFER_RESUMES.store(true, Ordering::Relaxed);
}

/// Whether a filter resumed `stream` since the last call (clears it).
pub fn take_resumed(stream: Stream) -> bool {
    let bit = 1u32 << (stream as u32);
    RESUMED.fetch_and(!bit, Ordering::Relaxed) & bit != 0
}

/// Resumes a stream a callback paused (after an HTTP call, say). Unlike the
/// SDK's `resume_http_request`, an unexpected status is an error, not a
/// panic. After [`defer_resumes`], only notes it (see [`take_resumed`]).
pub fn resume(stream: Stream) -> Result<()> {
    if DEFER_RESUMES.load(Ordering::Relaxed) {
        RESUMED.fetch_or(1u32 << (stream as u32), Ordering::Relaxed);
        return Ok(());
    }
    resume_now(stream)
}

/// Resumes a stream, deferred or not.
pub fn resume_now(stream: Stream) -> Result<()> {
    // SAFETY: a plain value, no memory is shared.
    check(unsafe { abi::proxy_continue_stream(stream as u32) })
}

/// Set by a module of several filters (`filters/combined`), whose filters
/// share one root context and so one tick: see [`set_tick_period`].
static SHARED_TICK: AtomicBool = AtomicBool::new(false);
/// The tick period set so far (ms), 0 for none.
static TICK_MS: AtomicU32 = AtomicU32::new(0);

/// From now on [`set_tick_period`] keeps the shortest period any filter of
/// this VM asked for (each filter's `on_tick` must then expect to be called
/// more often than it asked: Tollgate's check whether work is due).
pub fn share_tick() {
    SHARED_TICK.store(true, Ordering::Relaxed);
}

/// Asks for `on_tick` of the current root context every `period` (at
/// least 1 ms). After [`share_tick`], a longer period than one already
/// set keeps the shorter.
pub fn set_tick_period(period: Duration) -> Result<()> {
    let mut ms = u32::try_from(period.as_millis()).unwrap_or(u32::MAX).max(1);
    let set = TICK_MS.load(Ordering::Relaxed);
    if SHARED_TICK.load(Ordering::Relaxed) && set != 0 {
        ms = ms.min(set);
    }
    TICK_MS.store(ms, Ordering::Relaxed);
    // SAFETY: a plain value, no memory is shared.
    check(unsafe { abi::proxy_set_tick_period_milliseconds(ms) })
}

/// Defines (or finds, if already defined) a metric; Envoy exposes it with a
/// `wasmcustom` prefix. Call from `on_configure`, not per request.
pub fn define_metric(kind: MetricType, name: &str) -> Result<MetricId> {
    let mut id = 0u32;
    // SAFETY: the name's pointer and length describe `name`; the host writes
    // one u32 to a local; all outlive the call.
    check(unsafe { abi::proxy_define_metric(kind as u32, name.as_ptr(), name.len(), &mut id) })?;
    Ok(MetricId(id))
}

/// Adds `offset` to a counter or gauge.
pub fn increment_metric(metric: MetricId, offset: i64) -> Result<()> {
    // SAFETY: plain values, no memory is shared.
    check(unsafe { abi::proxy_increment_metric(metric.0, offset) })
}

/// Sets a gauge, or records a histogram sample.
pub fn record_metric(metric: MetricId, value: u64) -> Result<()> {
    // SAFETY: plain values, no memory is shared.
    check(unsafe { abi::proxy_record_metric(metric.0, value) })
}

/// A filter whose answer should arrive in its own context's
/// `on_http_call_response` must use the SDK's `Context::dispatch_http_call`
/// instead: the SDK delivers answers only for tokens it registered, and
/// traps on any other.
///
/// Starts an HTTP call to the Envoy cluster `upstream`; the answer arrives in
/// `on_http_call_response` with the returned token. `headers` must include
/// `:method`, `:path` and `:authority`. A timeout over `u32::MAX` ms is
/// clamped.
pub fn dispatch_http_call(
    upstream: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
    trailers: &[(&str, &str)],
    timeout: Duration,
) -> Result<u32> {
    let headers = encode_map(headers)?;
    let trailers = encode_map(trailers)?;
    let body = body.unwrap_or_default();
    let timeout_ms = u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX);
    let mut token = 0u32;
    // SAFETY: pointers and lengths describe `upstream`, `headers`, `body` and
    // `trailers`; the host writes one u32 to a local; all outlive the call.
    check(unsafe {
        abi::proxy_http_call(
            upstream.as_ptr(),
            upstream.len(),
            headers.as_ptr(),
            headers.len(),
            body.as_ptr(),
            body.len(),
            trailers.as_ptr(),
            trailers.len(),
            timeout_ms,
            &mut token,
        )
    })?;
    Ok(token)
}

/// The ABI's map encoding: entry count, then (name length, value length) per
/// entry, all u32 little-endian, then each name and value followed by NUL.
fn encode_map(pairs: &[(&str, &str)]) -> Result<Vec<u8>> {
    let len = |n: usize| u32::try_from(n).map_err(|_| HostError::Malformed);
    let mut out = Vec::new();
    out.extend_from_slice(&len(pairs.len())?.to_le_bytes());
    for (name, value) in pairs {
        out.extend_from_slice(&len(name.len())?.to_le_bytes());
        out.extend_from_slice(&len(value.len())?.to_le_bytes());
    }
    for (name, value) in pairs {
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        out.extend_from_slice(value.as_bytes());
        out.push(0);
    }
    Ok(out)
}

/// Decodes [`encode_map`]'s format; `None` if it is truncated or
/// inconsistent. Every length is checked against the bytes present.
fn decode_map(bytes: &[u8]) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    if bytes.is_empty() {
        return Some(Vec::new());
    }
    let (count, rest) = bytes.split_first_chunk::<4>()?;
    let count = usize::try_from(u32::from_le_bytes(*count)).ok()?;
    let (sizes, mut data) = rest.split_at_checked(count.checked_mul(8)?)?;
    let mut take_field = |size: &[u8; 4]| -> Option<Vec<u8>> {
        let size = usize::try_from(u32::from_le_bytes(*size)).ok()?;
        let (field, rest) = data.split_at_checked(size)?;
        let (&nul, rest) = rest.split_first()?;
        if nul != 0 {
            return None;
        }
        data = rest;
        Some(field.to_vec())
    };
    let mut out = Vec::with_capacity(count);
    for entry in sizes.chunks_exact(8) {
        let (name_size, value_size) = entry.split_first_chunk::<4>()?;
        let value_size: &[u8; 4] = value_size.try_into().ok()?;
        let name = take_field(name_size)?;
        let value = take_field(value_size)?;
        out.push((name, value));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_round_trip() {
        let pairs = [(":path", "/v1/messages"), ("x-empty", ""), ("", "v")];
        let bytes = encode_map(&pairs).unwrap();
        let decoded = decode_map(&bytes).unwrap();
        let want: Vec<(Vec<u8>, Vec<u8>)> = pairs
            .iter()
            .map(|(n, v)| (n.as_bytes().to_vec(), v.as_bytes().to_vec()))
            .collect();
        assert_eq!(decoded, want);
        assert_eq!(decode_map(&encode_map(&[]).unwrap()).unwrap(), []);
        assert_eq!(decode_map(&[]).unwrap(), []);
    }

    #[test]
    fn map_layout_is_the_abi_one() {
        let bytes = encode_map(&[("ab", "c")]).unwrap();
        assert_eq!(
            bytes,
            [1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, b'a', b'b', 0, b'c', 0]
        );
    }

    #[test]
    fn decode_rejects_every_truncation_and_lie() {
        let bytes = encode_map(&[("name", "value"), ("k", "v")]).unwrap();
        for cut in 1..bytes.len() {
            assert_eq!(decode_map(&bytes[..cut]), None, "cut at {cut}");
        }
        // A count far beyond the bytes present.
        let mut lie = bytes.clone();
        lie[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode_map(&lie), None);
        // A name length beyond the bytes present.
        let mut lie = bytes.clone();
        lie[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode_map(&lie), None);
        // A missing NUL terminator.
        let mut lie = bytes;
        let nul = 4 + 16 + 4;
        assert_eq!(lie[nul], 0);
        lie[nul] = b'x';
        assert_eq!(decode_map(&lie), None);
    }

    #[test]
    fn status_mapping() {
        assert_eq!(check(0), Ok(()));
        assert_eq!(check(1), Err(HostError::NotFound));
        assert_eq!(check(2), Err(HostError::NotAvailable));
        assert_eq!(check(8), Err(HostError::CasMismatch));
        assert_eq!(check(10), Err(HostError::Other(10)));
        assert_eq!(check_found(1), Ok(None));
        assert_eq!(check_found(2), Err(HostError::NotAvailable));
    }
}
