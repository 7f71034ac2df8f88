//! Loading a filter's configuration in `on_configure`.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::de::DeserializeOwned;
use tollgate_core::config::{self, Validate};

use crate::host::{self, BufferType};

/// Parses and validates a configuration with [`tollgate_core::config::parse`].
/// On error logs one line, `<filter>: invalid configuration: <path>:
/// <message>`, and returns `None`: `on_configure` then returns `false` and
/// Envoy rejects the plugin. The configuration itself is never logged: it
/// may hold secrets.
pub fn load<T>(filter: &str, bytes: &[u8]) -> Option<T>
where
    T: DeserializeOwned + Validate + Default,
{
    match config::parse(bytes) {
        Ok(config) => Some(config),
        Err(e) => {
            log::error!("{filter}: invalid configuration: {e}");
            None
        }
    }
}

/// Whether the plugin configuration holds one member per filter (a module
/// of several filters in one VM); see [`read_sections`].
static SECTIONS: AtomicBool = AtomicBool::new(false);

/// From now on each filter of this VM reads its member of the plugin
/// configuration (`{"auth": {...}, "inspect": {...}}`), not all of it: for a
/// module that runs several filters in one VM (`filters/combined`).
pub fn read_sections() {
    SECTIONS.store(true, Ordering::Relaxed);
}

/// The plugin configuration of `on_configure(size)` (this filter's member
/// of it after [`read_sections`]), or `None` after logging why not.
pub fn plugin_configuration(filter: &str, size: usize) -> Option<Vec<u8>> {
    let bytes = match host::buffer(BufferType::PluginConfiguration, 0, size) {
        Ok(bytes) => bytes,
        Err(e) => {
            log::error!("{filter}: cannot read the plugin configuration: {e}");
            return None;
        }
    };
    if !SECTIONS.load(Ordering::Relaxed) {
        return Some(bytes);
    }
    let member = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&bytes)
        .ok()
        .and_then(|mut all| all.remove(filter))
        .and_then(|member| serde_json::to_vec(&member).ok());
    if member.is_none() {
        log::error!(
            "{filter}: invalid configuration: the plugin configuration is not an object with a member {filter:?}"
        );
    }
    member
}

/// [`load`] for the plugin configuration of `on_configure(size)`.
pub fn load_plugin_configuration<T>(filter: &str, size: usize) -> Option<T>
where
    T: DeserializeOwned + Validate + Default,
{
    load(filter, &plugin_configuration(filter, size)?)
}

/// The value of `step` (compiling the configuration into the filter's
/// runtime objects, defining its metrics), or `None` after logging
/// `<tag>: <what>: <error>`: the one way `on_configure` reports a step that
/// fails (it then returns `false` and Envoy rejects the plugin).
pub fn step<T, E: std::fmt::Display>(
    tag: impl std::fmt::Display,
    what: &str,
    step: Result<T, E>,
) -> Option<T> {
    match step {
        Ok(v) => Some(v),
        Err(e) => {
            log::error!("{tag}: {what}: {e}");
            None
        }
    }
}
