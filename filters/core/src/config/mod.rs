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
    let value: T = serde_json::from_slice(bytes).map_err(|e| from_serde(bytes, &e))?;
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

/// Turns serde's error into a [`ConfigError`] naming where it occurred.
/// serde_json keeps only a formatted message and a line and column, so
/// this reads serde's standard message forms (stable since serde 1.0),
/// drops the values they quote, and finds the path at that position with
/// [`Position`]. (Tracking the path while deserialising, as
/// `serde_path_to_error` does, wraps every visitor of every configuration
/// type: 40–45 KB of each module for the error path alone. A test checks
/// that both name the same paths over thousands of broken documents.)
fn from_serde(bytes: &[u8], e: &serde_json::Error) -> ConfigError {
    let msg = e.to_string();
    let msg = msg
        .strip_suffix(format!(" at line {} column {}", e.line(), e.column()).as_str())
        .unwrap_or(&msg);
    // serde_json's column is that of the last byte it read; what came
    // before it is read. At the end of the input, everything is.
    let eof = msg.starts_with("EOF while parsing");
    // The input ended inside a value: the scalar it ended in is not whole.
    let cut_value = msg.starts_with("EOF while parsing a value");
    let end = if eof {
        bytes.len()
    } else {
        offset_of(bytes, e.line(), e.column()).saturating_sub(1)
    };
    // A scalar the walk ends in is whole at the end of the input, or when
    // what follows ends it and the error is not about the scalar itself.
    let in_token = [
        "expected ident",
        "invalid number",
        "number out of range",
        "invalid escape",
        "invalid unicode",
        "control character",
        "lone leading surrogate",
        "unexpected end of hex escape",
    ]
    .iter()
    .any(|p| msg.starts_with(p));
    let ends_scalar = bytes
        .get(end)
        .is_some_and(|c| c.is_ascii_whitespace() || b"{}[],:\"".contains(c));
    let whole = if eof {
        !cut_value
    } else {
        ends_scalar && !in_token
    };
    let mut at = Position::of(bytes.get(..end).unwrap_or(bytes), whole);
    at.eof = eof;
    let closing = matches!(bytes.get(end), Some(b'}' | b']'));
    if !e.is_data() {
        if closing && at.stack.last().is_some_and(|top| top.done) {
            // Raised where a complete object or array closes: past it.
            at.stack.pop();
            if let Some(top) = at.stack.last_mut() {
                top.done = true;
            }
        }
        return ConfigError::new(at.syntax_path(), syntax(e));
    }
    // An error raised where an array or object closes is about it as a
    // whole (a missing field, a wrong length, a value read whole before
    // being deserialised): it names that container, not its last member.
    if bytes.get(end) == Some(&b',') {
        // Raised at the comma before an array's next element (serde_json
        // reads it before it looks at the element): that element's.
        if let Some(Frame {
            index: Some(index), ..
        }) = at.stack.last_mut()
        {
            *index = index.saturating_add(1);
        }
    }
    // An unknown field is raised at its key, whatever follows it; unless
    // the object was read whole first (then the position is its end and
    // its last key may be another).
    let unknown = msg
        .strip_prefix("unknown field `")
        .and_then(|m| m.split('`').next());
    let closing = closing && !(unknown.is_some() && at.member().1 == unknown);
    let container = at.container();
    if closing || msg.starts_with("invalid length") {
        at.stack.pop();
    }
    // An externally tagged enum's unknown variant is read as a key: the
    // place is the enum, not a member named like the variant.
    let variant = msg
        .strip_prefix("unknown variant `")
        .and_then(|m| m.split('`').next());
    if variant.is_some() && at.member().1 == variant {
        if let Some(top) = at.stack.last_mut().filter(|top| top.want_key) {
            // (Read as a key, `{"Variant": …}`; a string value equal to
            // its own key, `"per": "per"`, stays that member's.)
            top.key = None;
        }
    }
    let (path, last_key) = at.member();
    let object = if closing {
        path.clone()
    } else {
        container.clone()
    };
    data_error(path, &object, &container, last_key, msg)
}

/// The byte offset just past serde_json's (one-based) line and column.
fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0usize;
    for _ in 1..line {
        match bytes.get(start..).and_then(|b| memchr::memchr(b'\n', b)) {
            Some(at) => start = start.saturating_add(at).saturating_add(1),
            None => break,
        }
    }
    start.saturating_add(column).min(bytes.len())
}

/// One open container while walking a document.
#[derive(Debug)]
struct Frame {
    /// `Some(index)` for an array (the current element), `None` for an
    /// object.
    index: Option<usize>,
    /// An object's current member: its key, once (partly) read.
    key: Option<String>,
    /// The next string in this object is a key.
    want_key: bool,
    /// The current member's (element's) value has begun.
    started: bool,
    /// ... and is complete.
    done: bool,
}

/// Where a prefix of a document ends: the open containers, each object's
/// current key and each array's current index.
#[derive(Debug)]
struct Position {
    stack: Vec<Frame>,
    /// The walk reached the end of the input.
    eof: bool,
}

impl Position {
    /// Walks `b` (a prefix of a JSON document, possibly ending inside a
    /// token). `whole`: a scalar running to the end of `b` is complete.
    fn of(b: &[u8], whole: bool) -> Position {
        let mut stack: Vec<Frame> = Vec::new();
        let mut in_scalar = false;
        let mut i = 0usize;
        fn begin(stack: &mut [Frame]) {
            if let Some(top) = stack.last_mut() {
                top.started = true;
            }
        }
        fn finish(stack: &mut [Frame]) {
            if let Some(top) = stack.last_mut() {
                top.done = true;
            }
        }
        while let Some(&c) = b.get(i) {
            i = i.saturating_add(1);
            let scalar = !matches!(c, b'{' | b'[' | b'}' | b']' | b':' | b',' | b'"')
                && !c.is_ascii_whitespace();
            if in_scalar && !scalar {
                in_scalar = false;
                finish(&mut stack);
            }
            match c {
                b'{' | b'[' => {
                    begin(&mut stack);
                    stack.push(Frame {
                        index: (c == b'[').then_some(0),
                        key: None,
                        want_key: c == b'{',
                        started: false,
                        done: false,
                    });
                }
                b'}' | b']' => {
                    stack.pop();
                    finish(&mut stack);
                }
                b':' => {
                    if let Some(top) = stack.last_mut() {
                        top.want_key = false;
                    }
                }
                b',' => {
                    if let Some(top) = stack.last_mut() {
                        top.started = false;
                        top.done = false;
                        match &mut top.index {
                            Some(index) => *index = index.saturating_add(1),
                            None => {
                                top.want_key = true;
                                top.key = None;
                            }
                        }
                    }
                }
                b'"' => {
                    let from = i;
                    let mut escaped = false;
                    let mut closed = false;
                    while let Some(&d) = b.get(i) {
                        i = i.saturating_add(1);
                        match (escaped, d) {
                            (true, _) => escaped = false,
                            (false, b'\\') => escaped = true,
                            (false, b'"') => {
                                closed = true;
                                break;
                            }
                            _ => {}
                        }
                    }
                    let raw = b
                        .get(from..i.saturating_sub(usize::from(closed)))
                        .unwrap_or_default();
                    match stack.last_mut() {
                        Some(top) if top.index.is_none() && top.want_key => {
                            // Keys as serde reads them (escapes decoded).
                            let quoted = [b"\"", raw, b"\""].concat();
                            top.key = Some(
                                serde_json::from_slice::<String>(&quoted)
                                    .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned()),
                            );
                        }
                        _ => {
                            begin(&mut stack);
                            if closed {
                                finish(&mut stack);
                            }
                        }
                    }
                }
                _ if scalar => {
                    if !in_scalar {
                        begin(&mut stack);
                    }
                    in_scalar = true;
                }
                _ => {}
            }
        }
        if in_scalar && whole {
            finish(&mut stack);
        }
        Position { stack, eof: false }
    }

    /// The path of the member (element) being read, and its key.
    fn member(&self) -> (String, Option<&str>) {
        render(&self.stack)
    }

    /// The path of the innermost container (named by its parent's member).
    fn container(&self) -> String {
        self.stack
            .split_last()
            .map_or_else(String::new, |(_, outer)| render(outer).0)
    }

    /// Where a syntax error belongs: the member whose value is being read,
    /// else the container (a key not yet followed by its value, or a value
    /// complete, is not yet or no longer a place to point at).
    fn syntax_path(&self) -> String {
        match self.stack.last() {
            // An object's member once its colon is read (its value is
            // being looked for); an array's element once it has begun.
            Some(top) if top.index.is_none() && top.key.is_some() && !top.want_key && !top.done => {
                self.member().0
            }
            // An array's element once it is due (serde asks for it before
            // it reads a byte of it), unless the input ended first.
            Some(top) if top.index.is_some() && !top.done && (top.started || !self.eof) => {
                self.member().0
            }
            _ => self.container(),
        }
    }
}

/// `rules[2].limits[0].per` for these frames, and the last key.
fn render(frames: &[Frame]) -> (String, Option<&str>) {
    let mut path = String::new();
    let mut last_key = None;
    for frame in frames {
        match (frame.index, &frame.key) {
            (Some(index), _) => {
                path.push_str(&format!("[{index}]"));
                last_key = None;
            }
            (None, Some(k)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                last_key = Some(k.as_str());
            }
            (None, None) => {}
        }
    }
    (path, last_key)
}

/// `path`: where the error is; `object`: the object a missing field is
/// missing from; `container`: the object a duplicate key is repeated in.
fn data_error(
    path: String,
    object: &str,
    container: &str,
    last_key: Option<&str>,
    msg: &str,
) -> ConfigError {
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
        return ConfigError::missing(join(object, field));
    }
    if let Some(field) = backticked(msg, "duplicate field `") {
        // Raised at the repeated key: the field is named in the object.
        return ConfigError::invalid(join(container, field), "duplicate field");
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

#[cfg(test)]
mod tests;
