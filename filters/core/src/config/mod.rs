//! Configuration: the filters' typed configurations, their parsing and their
//! validation.
//!
//! Every configuration is JSON (Istio `WasmPlugin.pluginConfig`, Envoy
//! `configuration`), read once in `on_configure` by [`parse`]. A configuration
//! that is wrong is rejected there, whole, with a [`ConfigError`] whose path
//! names the offending field (`limits[2].window`); no request ever sees a
//! half-understood configuration.
//!
//! Messages never quote a configured value: a configuration may hold secrets
//! (or a secret typed into the wrong field), and these messages go to logs.

pub mod auth;
pub mod inspect;
pub mod jwt;
pub mod throttle;

pub use auth::AuthConfig;
pub use inspect::InspectConfig;
pub use throttle::ThrottleConfig;

use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

/// The header that carries the authenticated consumer from `auth` to the
/// filters after it, unless configured otherwise.
pub const DEFAULT_CONSUMER_HEADER: &str = "x-tollgate-consumer";

/// What every filter does with a request the route catalogue
/// ([`crate::request::catalogue`]) does not know: the same setting in
/// `auth`, `throttle` and `inspect`, so that each fails closed on its own.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RoutesConfig {
    /// `block` (403 in the API's error shape; the default) or `allow`.
    pub unknown: UnknownRoutes,
    /// Paths allowed although the catalogue does not know them: prefixes
    /// of the normalised path by whole segments (`/internal/v1` allows
    /// `/internal/v1/x`, not `/internal/v1x`), a trailing `*` continuing
    /// the last segment. Such a request is governed as endpoint class
    /// `other`: authenticated, counted, its body read generically.
    pub allow: Vec<String>,
    /// The model a request means when it names none: what a single-model
    /// server serves (TGI's `/generate`, llama.cpp's `/completion`). Such
    /// a request is permitted and counted as this model; without it, a
    /// consumer whose models are limited cannot call those routes.
    pub served_model: Option<String>,
}

/// Unknown routes: refused or let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnknownRoutes {
    /// Refuse (403).
    #[default]
    Block,
    /// Let through, governed as endpoint class `other`.
    Allow,
}

impl RoutesConfig {
    /// Whether a request on `path`, unknown to the catalogue, may pass.
    pub fn allows(&self, path: &crate::request::path::RequestPath) -> bool {
        self.unknown == UnknownRoutes::Allow || self.allow.iter().any(|p| path.starts_with(p))
    }
}

impl Validate for RoutesConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if let Some(m) = &self.served_model {
            if !crate::request::valid_model(m) {
                return Err(ConfigError::invalid(
                    "served_model",
                    "must be 1 to 256 characters, none a control character",
                ));
            }
        }
        for (i, p) in self.allow.iter().enumerate() {
            let base = p.strip_suffix('*').unwrap_or(p);
            if crate::request::path::normalize(base).is_err() {
                return Err(ConfigError::invalid(
                    format!("allow[{i}]"),
                    "must be a path starting with / (a trailing * allowed)",
                ));
            }
        }
        Ok(())
    }
}

/// The default bound on request bodies `auth` and `throttle` read.
pub const DEFAULT_MAX_BODY_BYTES: u32 = 16 * 1024 * 1024;

/// Checks a `max_body_bytes` (1 KiB to 64 MiB).
fn validate_body_bytes(n: u32) -> Result<(), ConfigError> {
    if (1024..=64 * 1024 * 1024).contains(&n) {
        Ok(())
    } else {
        Err(ConfigError::invalid(
            "max_body_bytes",
            "must be between 1024 and 67108864",
        ))
    }
}

/// Semantic rules a configuration must satisfy beyond its JSON shape.
pub trait Validate {
    /// Checks the rules; the error's path names the field that breaks one.
    fn validate(&self) -> Result<(), ConfigError>;
}

/// Parses and validates a filter configuration.
///
/// Empty or all-whitespace input means "no configuration" and yields
/// `T::default()` (Envoy passes an empty buffer when `configuration` is not
/// set). Anything else must be a JSON object; type errors and unknown fields
/// report the path where they occur, and then [`Validate::validate`] checks
/// the semantic rules.
pub fn parse<T>(bytes: &[u8]) -> Result<T, ConfigError>
where
    T: DeserializeOwned + Validate + Default,
{
    let Some(&first) = bytes.iter().find(|b| !b.is_ascii_whitespace()) else {
        return Ok(T::default());
    };
    if let Some(found) = json_kind(first) {
        return Err(ConfigError::new(
            "",
            ConfigErrorKind::InvalidType {
                found: found.to_owned(),
                expected: "a JSON object".to_owned(),
            },
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(from_serde)?;
    de.end().map_err(|e| ConfigError::new("", syntax(&e)))?;
    value.validate()?;
    Ok(value)
}

/// Checks that `name` can be used as an HTTP header name by the filters: a
/// non-empty, lowercase token (RFC 9110) that is not a pseudo-header. Lowercase
/// because HTTP/2 and Envoy's header maps are lowercase, so a mixed-case name
/// would never match.
pub fn validate_header_name(path: &str, name: &str) -> Result<(), ConfigError> {
    let reason = if name.is_empty() {
        "must not be empty"
    } else if name.starts_with(':') {
        "must not be a pseudo-header"
    } else if name.bytes().any(|b| b.is_ascii_uppercase()) {
        "must be lowercase"
    } else if !name.bytes().all(is_token_byte) {
        "must be an HTTP header name (lowercase letters, digits and !#$%&'*+-.^_`|~)"
    } else {
        return Ok(());
    };
    Err(ConfigError::invalid(path, reason))
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A configuration that cannot be used, and where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{kind}", PathPrefix(path))]
pub struct ConfigError {
    /// Where: a path such as `limits[2].window`; empty for the configuration
    /// as a whole.
    pub path: String,
    /// What is wrong there.
    pub kind: ConfigErrorKind,
}

/// What is wrong with a configuration. No variant carries a configured value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigErrorKind {
    /// Not well-formed JSON.
    #[error("invalid JSON: {reason}")]
    Syntax {
        /// The parser's message, with line and column.
        reason: String,
    },
    /// A field the configuration type does not have (often a typo).
    #[error("unknown field, {expected}")]
    UnknownField {
        /// The fields that are allowed there: "expected one of `a`, `b`".
        expected: String,
    },
    /// A JSON value of the wrong type.
    #[error("invalid type: {found}, expected {expected}")]
    InvalidType {
        /// The JSON type given: "string", "integer", "map", ….
        found: String,
        /// What the field takes.
        expected: String,
    },
    /// A value of the right type that breaks a rule.
    #[error("{reason}")]
    InvalidValue {
        /// The rule: "must be between 1024 and 67108864".
        reason: String,
    },
    /// A required field that is absent.
    #[error("required field is missing")]
    Missing,
}

impl ConfigError {
    /// An error at `path`.
    pub fn new(path: impl Into<String>, kind: ConfigErrorKind) -> Self {
        Self {
            path: path.into(),
            kind,
        }
    }

    /// A value at `path` that breaks the rule `reason`.
    pub fn invalid(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::new(
            path,
            ConfigErrorKind::InvalidValue {
                reason: reason.into(),
            },
        )
    }

    /// A required field at `path` that is absent.
    pub fn missing(path: impl Into<String>) -> Self {
        Self::new(path, ConfigErrorKind::Missing)
    }

    /// The same error seen from the enclosing value at `parent`, for nested
    /// validation: `ConfigError::invalid("window", …).nested("limits[2]")` is
    /// at `limits[2].window`.
    #[must_use]
    pub fn nested(mut self, parent: &str) -> Self {
        self.path = join(parent, &self.path);
        self
    }
}

/// Displays `path: ` before a message, or nothing for the root.
struct PathPrefix<'a>(&'a str);

impl std::fmt::Display for PathPrefix<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            Ok(())
        } else {
            write!(f, "{}: ", self.0)
        }
    }
}

fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else if child.is_empty() {
        parent.to_owned()
    } else if child.starts_with('[') {
        format!("{parent}{child}")
    } else {
        format!("{parent}.{child}")
    }
}

/// The JSON type a value starting with `first` has, if it is not an object
/// (serde would happily read a JSON array into a struct, positionally).
fn json_kind(first: u8) -> Option<&'static str> {
    match first {
        b'{' => None,
        b'[' => Some("array"),
        b'"' => Some("string"),
        b't' | b'f' => Some("boolean"),
        b'n' => Some("null"),
        b'-' | b'0'..=b'9' => Some("number"),
        // Not JSON at all: let the parser say where.
        _ => None,
    }
}

fn syntax(e: &serde_json::Error) -> ConfigErrorKind {
    ConfigErrorKind::Syntax {
        reason: e.to_string(),
    }
}

/// Turns serde's error into a [`ConfigError`]. serde_json keeps only a
/// formatted message, so this reads serde's standard message forms (stable
/// since serde 1.0) and drops the values they quote.
fn from_serde(e: serde_path_to_error::Error<serde_json::Error>) -> ConfigError {
    let path = render_path(e.path());
    let last_key = match e.path().iter().next_back() {
        Some(Segment::Map { key }) => Some(key.clone()),
        _ => None,
    };
    let inner = e.into_inner();
    if !inner.is_data() {
        return ConfigError::new(path, syntax(&inner));
    }
    let full = inner.to_string();
    let suffix = format!(" at line {} column {}", inner.line(), inner.column());
    let msg = full.strip_suffix(suffix.as_str()).unwrap_or(&full);
    data_error(path, last_key.as_deref(), msg)
}

fn data_error(path: String, last_key: Option<&str>, msg: &str) -> ConfigError {
    if let Some(rest) = last_key.and_then(|key| {
        msg.strip_prefix("unknown field `")
            .and_then(|m| m.strip_prefix(key))
            .and_then(|m| m.strip_prefix("`, "))
    }) {
        return ConfigError::new(
            path,
            ConfigErrorKind::UnknownField {
                expected: rest.to_owned(),
            },
        );
    }
    if let Some(field) = backticked(msg, "missing field `") {
        return ConfigError::missing(join(&path, field));
    }
    if let Some(field) = backticked(msg, "duplicate field `") {
        return ConfigError::invalid(join(&path, field), "duplicate field");
    }
    if let Some((found, expected)) = msg
        .strip_prefix("invalid type: ")
        .and_then(|m| m.rsplit_once(", expected "))
    {
        return ConfigError::new(
            path,
            ConfigErrorKind::InvalidType {
                found: without_value(found).to_owned(),
                expected: expected.to_owned(),
            },
        );
    }
    if let Some((found, expected)) = msg
        .strip_prefix("invalid value: ")
        .and_then(|m| m.rsplit_once(", expected "))
    {
        let found = without_value(found);
        return ConfigError::invalid(path, format!("invalid {found}, expected {expected}"));
    }
    if msg.starts_with("unknown variant `") {
        let reason = match msg.rsplit_once(", expected ") {
            Some((_, expected)) => format!("unknown variant, expected {expected}"),
            None => "unknown variant".to_owned(),
        };
        return ConfigError::invalid(path, reason);
    }
    // "invalid length N, expected …" and messages of our own deserializers,
    // which never quote values.
    ConfigError::invalid(path, msg)
}

/// The name in "<prefix>name`" when `msg` has that form.
fn backticked<'m>(msg: &'m str, prefix: &str) -> Option<&'m str> {
    msg.strip_prefix(prefix)?.strip_suffix('`')
}

/// serde's description of an unexpected value without the value:
/// `string "hunter2"` → `string`, ``integer `5` `` → `integer`.
fn without_value(unexpected: &str) -> &str {
    let end = unexpected
        .find(" `")
        .into_iter()
        .chain(unexpected.find(" \""))
        .min()
        .unwrap_or(unexpected.len());
    unexpected.get(..end).unwrap_or(unexpected)
}

fn render_path(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Enum { variant } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(variant);
            }
            Segment::Unknown => {}
        }
    }
    out
}

#[cfg(test)]
mod tests;
