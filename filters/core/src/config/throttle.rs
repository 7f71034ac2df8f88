use serde::Deserialize;

use super::{validate_header_name, ConfigError, Validate, DEFAULT_CONSUMER_HEADER};

/// Configuration of the `throttle` filter: how much a consumer may use.
///
/// Request and token limits, the rate-limit service and spike detection land
/// in later issues.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleConfig {
    /// The request header to read the consumer from; `auth` sets it (see
    /// `AuthConfig::consumer_header`). Both must agree. A lowercase HTTP
    /// header name, not a pseudo-header. Default: `x-tollgate-consumer`.
    pub consumer_header: String,
    /// Shadow mode: decide and record (metrics, logs) but never refuse a
    /// request, to try limits out on live traffic. Default: `false`.
    pub shadow: bool,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            consumer_header: DEFAULT_CONSUMER_HEADER.to_owned(),
            shadow: false,
        }
    }
}

impl Validate for ThrottleConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        validate_header_name("consumer_header", &self.consumer_header)
    }
}
