//! Logging through the host, and a panic hook that says why a VM trapped.
//!
//! Log lines start with the context id and the filter name ([`Tag`]), so an
//! operator can follow one request through three filters in Envoy's log.
//! The `log` macros check the level before formatting anything, so a
//! `debug!` costs nothing when the host's level is above it.

use std::fmt;
use std::panic::PanicHookInfo;
use std::sync::Once;

use crate::host::{self, LogLevel};

static PANIC_HOOK: Once = Once::new();

/// Installs the panic hook; makes no host call, so it is the one thing
/// `proxy_wasm::main!` may do (Envoy traps any host call made during
/// `_initialize` with `restricted_callback`, which fails the module).
pub fn install_panic_hook(filter: &'static str) {
    PANIC_HOOK.call_once(|| {
        // The SDK installs its own hook the first time its logger is set
        // up: set it up first, so that ours replaces that one.
        proxy_wasm::set_log_level(LogLevel::Info);
        std::panic::set_hook(Box::new(move |info| {
            // Nothing to do if even logging fails: the VM traps next anyway.
            let _ = host::log(LogLevel::Critical, &panic_message(filter, info));
            // And counted, so an alert can see VMs trap (Envoy has no
            // per-plugin counter of traps under FAIL_CLOSE).
            let panics = &tollgate_core::metrics::VM_PANICS;
            if let Ok(id) =
                host::define_metric(host::MetricType::Counter, &panics.series(&[filter]))
            {
                let _ = host::increment_metric(id, 1);
            }
        }));
    });
}

/// Sets the level of the `log` macros to the host's level for this plugin
/// (Info if the host does not say), and installs the panic hook if
/// [`install_panic_hook`] has not. Call it in `on_configure` (each call picks
/// up a level changed since, e.g. Envoy's `--component-log-level wasm:debug`),
/// never in `proxy_wasm::main!`.
pub fn init(filter: &'static str) {
    install_panic_hook(filter);
    proxy_wasm::set_log_level(host::log_level().unwrap_or(LogLevel::Info));
}

/// `panic in <filter>: <message> at <file>:<line>:<column>`: a panic is a VM
/// trap, and this line is how an operator learns why.
fn panic_message(filter: &str, info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    match info.location() {
        Some(at) => format!(
            "panic in {filter}: {message} at {}:{}:{}",
            at.file(),
            at.line(),
            at.column()
        ),
        None => format!("panic in {filter}: {message}"),
    }
}

/// The start of every log line about a context: `#<context id> <filter>`.
///
/// ```
/// let tag = tollgate_glue::logger::Tag::new("auth", 7);
/// assert_eq!(format!("{tag}: request counted"), "#7 auth: request counted");
/// // In a filter: log::debug!("{}: request counted", self.tag);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    /// The filter's name: `auth`, `throttle`, `inspect`.
    pub filter: &'static str,
    /// The proxy-wasm context id (one per stream, one per root).
    pub context_id: u32,
}

impl Tag {
    /// The tag of context `context_id` in `filter`.
    pub fn new(filter: &'static str, context_id: u32) -> Self {
        Self { filter, context_id }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {}", self.context_id, self.filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn panic_message_names_filter_message_and_location() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            sink.lock().unwrap().push(panic_message("auth", info));
        }));
        let line = line!() + 1;
        let _ = std::panic::catch_unwind(|| panic!("boom {}", 42));
        let _ = std::panic::catch_unwind(|| std::panic::panic_any(7u8));
        std::panic::set_hook(previous);
        let seen = seen.lock().unwrap();
        let want = format!("panic in auth: boom 42 at {}:{line}:", file!());
        assert!(seen[0].starts_with(&want), "{}", seen[0]);
        assert!(seen[1].starts_with("panic in auth: (no message) at "));
    }
}
