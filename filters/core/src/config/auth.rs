use serde::Deserialize;

use super::{validate_header_name, ConfigError, Validate, DEFAULT_CONSUMER_HEADER};

/// Configuration of the `auth` filter: who is calling.
///
/// Keys, JWT issuers and per-consumer permissions land in later issues; this
/// is the part every later field builds on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// The request header `auth` sets to the authenticated consumer's name,
    /// for the filters after it and the upstream. A lowercase HTTP header
    /// name, not a pseudo-header. Default: `x-tollgate-consumer`.
    pub consumer_header: String,
    /// Whether to remove client-supplied identity (the consumer header above,
    /// and later the credentials `auth` verified) before the request goes on,
    /// so that no client can pose as a consumer downstream of `auth`.
    /// Default: `true`.
    pub strip_client_identity: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            consumer_header: DEFAULT_CONSUMER_HEADER.to_owned(),
            strip_client_identity: true,
        }
    }
}

impl Validate for AuthConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        validate_header_name("consumer_header", &self.consumer_header)
    }
}
