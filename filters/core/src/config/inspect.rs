use std::ops::RangeInclusive;

use serde::Deserialize;

use super::{ConfigError, Validate};

/// Configuration of the `inspect` filter: what goes in and what comes out.
///
/// Detectors (prompt injection, secrets, PII, malicious output) land in later
/// issues.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InspectConfig {
    /// The largest request body `inspect` reads, in bytes; a larger body is
    /// refused with 413, never passed uninspected. Between 1 KiB and 64 MiB
    /// ([`InspectConfig::MAX_BODY_BYTES_RANGE`]). Default: 1 MiB (1048576).
    pub max_body_bytes: u32,
    /// Shadow mode: detect and record (metrics, logs) but never block or
    /// redact, to try detectors out on live traffic. Default: `false`.
    pub shadow: bool,
}

impl InspectConfig {
    /// The values `max_body_bytes` may take: 1 KiB ..= 64 MiB. Bodies are
    /// buffered in the VM, once per worker, so the bound is also a memory
    /// bound.
    pub const MAX_BODY_BYTES_RANGE: RangeInclusive<u32> = 1024..=64 * 1024 * 1024;
    /// The default `max_body_bytes`: 1 MiB.
    pub const DEFAULT_MAX_BODY_BYTES: u32 = 1024 * 1024;
}

impl Default for InspectConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            shadow: false,
        }
    }
}

impl Validate for InspectConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        let range = Self::MAX_BODY_BYTES_RANGE;
        if !range.contains(&self.max_body_bytes) {
            return Err(ConfigError::invalid(
                "max_body_bytes",
                format!("must be between {} and {}", range.start(), range.end()),
            ));
        }
        Ok(())
    }
}
