//! Refusing a request with an error the client's SDK understands.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use tollgate_core::error::{ErrorFlavor, ErrorReply};

use crate::host::{self, HostError, MapType};

/// Sends `reply` as the response to the current request, in `flavor`: the
/// body and headers of [`ErrorReply::body`] and [`ErrorReply::headers`], and
/// `tollgate_<kind>` as Envoy's response code details. The caller then
/// returns `Action::Pause`.
pub fn send_error(flavor: ErrorFlavor, reply: &ErrorReply) -> Result<(), HostError> {
    send_error_with(flavor, reply, &[])
}

/// [`send_error`] with `extra` response headers after the reply's own
/// (`www-authenticate`, `x-ratelimit-*`, …).
pub fn send_error_with(
    flavor: ErrorFlavor,
    reply: &ErrorReply,
    extra: &[(&str, String)],
) -> Result<(), HostError> {
    let own = reply.headers(flavor);
    let headers: Vec<(&str, &str)> = own
        .iter()
        .chain(extra)
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let details = format!("tollgate_{}", reply.kind.name());
    host::send_local_response(reply.status, &headers, &reply.body(flavor), &details)
}

/// The id of the current request: Envoy's `x-request-id` (which Envoy sets
/// on every request unless told otherwise), or a generated `req_…` id if it
/// is absent or unfit to echo (empty, over 128 bytes, not visible ASCII).
pub fn request_id() -> String {
    match host::header(MapType::HttpRequestHeaders, "x-request-id") {
        Ok(Some(id)) if is_fit_request_id(&id) => id,
        _ => generate_request_id(),
    }
}

/// Whether a client-influenced request id may be echoed in headers, bodies
/// and logs as it is.
fn is_fit_request_id(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic())
}

/// `req_` and 32 hex digits. Unique enough to find a request in the logs;
/// not a secret (`RandomState` is seeded from WASI `random_get`).
fn generate_request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let now = host::now_nanos().unwrap_or_default();
    let state = RandomState::new();
    let mut high = state.build_hasher();
    high.write_u64(now);
    high.write_u64(count);
    let mut low = state.build_hasher();
    low.write_u64(count);
    low.write_u64(now);
    format!("req_{:016x}{:016x}", high.finish(), low.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_request_ids() {
        assert!(is_fit_request_id("req_018EeWyXxfu5pfWkrYcMdjWG"));
        assert!(is_fit_request_id("6f1c2a4e-7d2b-4a53-9f70-0d6c3f5c8a11"));
        assert!(is_fit_request_id(&"a".repeat(128)));
        assert!(!is_fit_request_id(""));
        assert!(!is_fit_request_id(&"a".repeat(129)));
        assert!(!is_fit_request_id("has space"));
        assert!(!is_fit_request_id("tab\there"));
        assert!(!is_fit_request_id("ünï"));
        assert!(!is_fit_request_id("a\"b\u{7f}"));
    }
}
