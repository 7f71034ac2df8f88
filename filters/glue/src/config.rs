//! Loading a filter's configuration in `on_configure`.

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

/// [`load`] for the plugin configuration of `on_configure(size)`.
pub fn load_plugin_configuration<T>(filter: &str, size: usize) -> Option<T>
where
    T: DeserializeOwned + Validate + Default,
{
    match host::buffer(BufferType::PluginConfiguration, 0, size) {
        Ok(bytes) => load(filter, &bytes),
        Err(e) => {
            log::error!("{filter}: cannot read the plugin configuration: {e}");
            None
        }
    }
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
