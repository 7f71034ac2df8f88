//! Per-consumer permissions: which models and endpoints a consumer may call,
//! how many output tokens one request may ask for, and the labels passed on
//! to `throttle`.
//!
//! ```
//! use tollgate_core::request::api::ApiKind;
//! use tollgate_core::auth::permissions::{check, Decision, DenyReason, Permissions};
//!
//! let perms: Permissions = serde_json::from_str(
//!     r#"{"models": ["gpt-4o-mini", "claude-*-haiku-*"], "max_output_tokens": 1000,
//!         "on_excess": "clamp", "labels": {"tier": "free"}}"#,
//! )?;
//! let path = "/v1/chat/completions";
//! let api = ApiKind::from_path(path);
//!
//! let body = br#"{"model": "gpt-4o", "messages": []}"#;
//! assert_eq!(
//!     check(&perms, api, path, body),
//!     Decision::Deny(DenyReason::ModelNotAllowed { model: "gpt-4o".into() })
//! );
//!
//! // Clamping rewrites the number and nothing else.
//! let body = br#"{"model": "gpt-4o-mini", "max_tokens": 4096, "messages": []}"#;
//! assert_eq!(
//!     check(&perms, api, path, body),
//!     Decision::Clamp(br#"{"model": "gpt-4o-mini", "max_tokens": 1000, "messages": []}"#.to_vec())
//! );
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Design
//!
//! - **Where the model is read.** The top-level `model` of the JSON body for
//!   OpenAI chat completions, completions, responses and embeddings and
//!   Anthropic messages; the deployment name in Azure paths
//!   (`…/deployments/{name}/…`, which Azure uses instead of `model`); the
//!   `{model}` of `/v1/models/{model}`. When a request names a model in
//!   both its path and its body, *every* name must be allowed: an
//!   OpenAI-compatible server behind an Azure-style path may read either.
//!   Path segments are percent-decoded first, as the upstream would.
//! - **Reading the body.** One `serde_json` pass into a struct holding only
//!   `model` and the token fields; everything else is skipped without being
//!   kept. A body that is not a JSON object, names a field twice (a filter
//!   reading the first `model` and an upstream the last is the classic
//!   smuggling trick), or gives a field the wrong type is refused as
//!   [`DenyReason::Malformed`] whenever a rule needs the body, rather than
//!   passed on unread.
//! - **Clamping.** The number is replaced in the raw bytes (a small scan of
//!   the top-level object finds the value's span, decoding escaped keys as
//!   `serde_json` does), so every other byte of the request stays as the
//!   client sent it: signatures, key order, number formatting and the
//!   inspect filter's offsets are untouched. A request that sets no limit
//!   would get the model's default, which may be far above the maximum, so
//!   with a maximum configured the filter inserts one, in both modes:
//!   `max_completion_tokens` for chat completions (the field OpenAI's
//!   reasoning models require; older Azure API versions know only
//!   `max_tokens`, a known limit), `max_tokens` for completions,
//!   `max_output_tokens` for responses. Anthropic messages require
//!   `max_tokens`, so a request without it is passed on for the upstream to
//!   refuse. A field set to `null` (the default) is replaced by the maximum.
//! - **Globs.** `*` (any run of characters) and `?` (one character),
//!   case-sensitive, on whole names. Matching takes the literal prefix and
//!   suffix, then finds the pieces between stars leftmost-first: no
//!   backtracking, `O(len(name) × len(pattern))` at worst, with both bounded
//!   to 256 bytes.
//! - **Endpoints.** Classified by path ([`endpoint_of`]); `other` is every
//!   path that is none of the named classes (assistants, batches,
//!   moderations, fine-tuning, …).
//! - **Deliberate limits.** The model of a multipart request (audio
//!   transcriptions, file uploads) is not read: restrict those with
//!   `endpoints`. The model of a JSON request to an endpoint outside the
//!   known APIs (image generation, `count_tokens`) is checked when its body
//!   has a top-level `model`.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::config::{ConfigError, Validate};
use crate::request::api::ApiKind;

/// The longest model pattern, and the longest model name read from a
/// request.
pub const MAX_MODEL_LEN: usize = 256;
/// The most labels one consumer may carry.
pub const MAX_LABELS: usize = 32;
/// The longest label name.
pub const MAX_LABEL_NAME_LEN: usize = 64;
/// The longest label value.
pub const MAX_LABEL_VALUE_LEN: usize = 256;

/// What one consumer (or group) may do.
///
/// An absent `models` or `endpoints` means "no restriction" on that axis; a
/// present list is an allowlist and may not be empty (to lock a consumer out,
/// disable its keys).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Permissions {
    /// Allowed models: exact names or globs (`gpt-4o*`,
    /// `claude-*-sonnet-*`, `*`), case-sensitive.
    pub models: Option<Vec<String>>,
    /// Allowed endpoint classes.
    pub endpoints: Option<Vec<Endpoint>>,
    /// The most output tokens one request may ask for (at least 1).
    pub max_output_tokens: Option<u32>,
    /// What to do with a request asking for more than `max_output_tokens`.
    pub on_excess: OnExcess,
    /// Labels passed on to `throttle` (`tier`, `team`, …).
    pub labels: BTreeMap<String, String>,
}

/// A class of endpoints, for [`Permissions::endpoints`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `/v1/chat/…` (chat completions, stored completions).
    Chat,
    /// `/v1/completions` (legacy).
    Completions,
    /// `/v1/responses…`.
    Responses,
    /// `/v1/embeddings`.
    Embeddings,
    /// `/v1/messages…` (Anthropic).
    Messages,
    /// `/v1/models…`.
    Models,
    /// `/v1/images/…`.
    Images,
    /// `/v1/audio/…`.
    Audio,
    /// `/v1/files…`, `/v1/uploads…`.
    Files,
    /// Anything else.
    Other,
}

impl Endpoint {
    /// The class's configuration name (`chat`, `images`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::Completions => "completions",
            Self::Responses => "responses",
            Self::Embeddings => "embeddings",
            Self::Messages => "messages",
            Self::Models => "models",
            Self::Images => "images",
            Self::Audio => "audio",
            Self::Files => "files",
            Self::Other => "other",
        }
    }

    /// The class named by an API path's first own segment.
    fn of_segment(seg: &str) -> Self {
        match seg {
            "chat" => Self::Chat,
            "completions" => Self::Completions,
            "responses" => Self::Responses,
            "embeddings" => Self::Embeddings,
            "messages" => Self::Messages,
            "models" => Self::Models,
            "images" => Self::Images,
            "audio" => Self::Audio,
            "files" | "uploads" => Self::Files,
            _ => Self::Other,
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to do with a request asking for more output tokens than allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnExcess {
    /// Refuse it ([`DenyReason::TooManyTokens`]).
    #[default]
    Reject,
    /// Lower it to the maximum ([`Decision::Clamp`]).
    Clamp,
}

impl Validate for Permissions {
    fn validate(&self) -> Result<(), ConfigError> {
        if let Some(models) = &self.models {
            if models.is_empty() {
                return Err(ConfigError::invalid(
                    "models",
                    "must not be empty (omit it to allow every model)",
                ));
            }
            for (i, pattern) in models.iter().enumerate() {
                validate_pattern(pattern)
                    .map_err(|r| ConfigError::invalid(format!("models[{i}]"), r))?;
            }
        }
        if self.endpoints.as_ref().is_some_and(Vec::is_empty) {
            return Err(ConfigError::invalid(
                "endpoints",
                "must not be empty (omit it to allow every endpoint)",
            ));
        }
        if self.max_output_tokens == Some(0) {
            return Err(ConfigError::invalid(
                "max_output_tokens",
                "must be at least 1",
            ));
        }
        if self.labels.len() > MAX_LABELS {
            return Err(ConfigError::invalid(
                "labels",
                "must hold at most 32 labels",
            ));
        }
        for (name, value) in &self.labels {
            if name.is_empty()
                || name.len() > MAX_LABEL_NAME_LEN
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            {
                return Err(ConfigError::invalid(
                    "labels",
                    "names must be 1 to 64 characters of letters, digits, `_`, `.` and `-`",
                ));
            }
            if value.is_empty()
                || value.len() > MAX_LABEL_VALUE_LEN
                || !value.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
            {
                return Err(ConfigError::invalid(
                    format!("labels.{name}"),
                    "must be 1 to 256 printable ASCII characters",
                ));
            }
        }
        Ok(())
    }
}

fn validate_pattern(p: &str) -> Result<(), &'static str> {
    if p.is_empty() || p.len() > MAX_MODEL_LEN {
        Err("must be 1 to 256 bytes")
    } else if p.chars().any(char::is_control) {
        Err("must not hold control characters")
    } else {
        Ok(())
    }
}

impl Permissions {
    /// Whether `model` matches one of the allowed patterns (true when
    /// `models` is absent).
    pub fn allows_model(&self, model: &str) -> bool {
        self.models
            .as_ref()
            .is_none_or(|ps| ps.iter().any(|p| glob_match(p, model)))
    }

    /// Whether the endpoint class is allowed (true when `endpoints` is
    /// absent).
    pub fn allows_endpoint(&self, endpoint: Endpoint) -> bool {
        self.endpoints
            .as_ref()
            .is_none_or(|es| es.contains(&endpoint))
    }

    /// Whether [`check`] needs the request body for a request of kind `api`:
    /// a model allowlist other than `*` (except on the model listing, whose
    /// models are in the path), or a `max_output_tokens` on an API with a
    /// limit field. When it does not, the filter can decide at request
    /// headers with `check(perms, api, path, b"")` and never buffer the body.
    pub fn needs_body(&self, api: ApiKind) -> bool {
        (!self.any_model() && api != ApiKind::Models)
            || (self.max_output_tokens.is_some() && token_fields(api).is_some())
    }

    /// Whether every model, named or not, is allowed: no `models`, or a `*`.
    fn any_model(&self) -> bool {
        self.models
            .as_ref()
            .is_none_or(|ps| ps.iter().any(|p| p == "*"))
    }
}

/// Whether `text` matches `pattern`: `*` matches any run of characters
/// (none included), `?` exactly one character, anything else itself;
/// case-sensitive, anchored at both ends. No backtracking: at worst
/// `O(len(text) × len(pattern))`.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or_default();
    let Some(mut middle_and_last) = pattern.get(first.len()..).and_then(|r| r.strip_prefix('*'))
    else {
        // No star: the whole text against the one piece.
        return match_at(first, text, 0) == Some(text.len());
    };
    let Some(mut pos) = match_at(first, text, 0) else {
        return false;
    };
    // The last piece is anchored at the end of the text.
    let last = middle_and_last.rsplit('*').next().unwrap_or_default();
    let Some(end) = match_suffix(last, text) else {
        return false;
    };
    if end < pos {
        return false;
    }
    middle_and_last = middle_and_last
        .get(..middle_and_last.len().saturating_sub(last.len()))
        .unwrap_or_default();
    // The pieces between stars, each at its leftmost place after the
    // previous one: if any placement fits, the leftmost ones do.
    for piece in middle_and_last.split('*').filter(|p| !p.is_empty()) {
        let Some(after) = find_piece(piece, text, pos, end) else {
            return false;
        };
        pos = after;
    }
    true
}

/// Matches `piece` (no `*`) at byte `at` of `text`: the end of the match.
fn match_at(piece: &str, text: &str, at: usize) -> Option<usize> {
    let mut j = at;
    for c in piece.chars() {
        let next = text.get(j..)?.chars().next()?;
        if c != '?' && c != next {
            return None;
        }
        j = j.checked_add(next.len_utf8())?;
    }
    Some(j)
}

/// Matches `piece` (no `*`) against the end of `text`: where the match
/// starts.
fn match_suffix(piece: &str, text: &str) -> Option<usize> {
    let mut j = text.len();
    for c in piece.chars().rev() {
        let prev = text.get(..j)?.chars().next_back()?;
        if c != '?' && c != prev {
            return None;
        }
        j = j.checked_sub(prev.len_utf8())?;
    }
    Some(j)
}

/// The end of the leftmost match of `piece` starting in `from..` and ending
/// by `limit`.
fn find_piece(piece: &str, text: &str, from: usize, limit: usize) -> Option<usize> {
    let window = text.get(..limit)?;
    let starts = window.get(from..)?.char_indices().map(|(i, _)| i);
    for offset in starts {
        let start = from.checked_add(offset)?;
        if let Some(end) = match_at(piece, window, start) {
            return Some(end);
        }
    }
    None
}

/// The endpoint class of a request.
///
/// The known APIs map directly; other paths are classified by their first
/// segment after `v1`, after an Azure `deployments/{name}`, or after an
/// Azure `openai` prefix: `/v1/images/generations` is `images`,
/// `/openai/deployments/d/audio/transcriptions` is `audio`,
/// `/v1/messages/count_tokens` is `messages`, `/v1/threads/…` is `other`.
pub fn endpoint_of(api: ApiKind, path: &str) -> Endpoint {
    match api {
        ApiKind::ChatCompletions => Endpoint::Chat,
        ApiKind::Completions => Endpoint::Completions,
        ApiKind::Responses => Endpoint::Responses,
        ApiKind::Embeddings => Endpoint::Embeddings,
        ApiKind::Models => Endpoint::Models,
        ApiKind::Messages => Endpoint::Messages,
        ApiKind::Unknown => endpoint_by_path(path),
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split(['?', '#'])
        .next()
        .unwrap_or_default()
        .split('/')
        .filter(|s| !s.is_empty())
}

fn endpoint_by_path(path: &str) -> Endpoint {
    let mut segs = segments(path).peekable();
    while let Some(seg) = segs.next() {
        match seg {
            "v1" => return segs.next().map_or(Endpoint::Other, Endpoint::of_segment),
            "deployments" => {
                segs.next();
                return segs.next().map_or(Endpoint::Other, Endpoint::of_segment);
            }
            "openai" => match segs.peek() {
                Some(&"v1") | Some(&"deployments") => {}
                Some(next) => return Endpoint::of_segment(next),
                None => return Endpoint::Other,
            },
            _ => {}
        }
    }
    Endpoint::Other
}

/// The model a request names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelRef {
    /// This model (percent-decoded when read from the path).
    Named(String),
    /// The request is of a kind that names no model (a listing, a file).
    NotApplicable,
    /// The API requires a model and the request names none.
    Missing,
    /// The model cannot be read: the body is not a JSON object, names a
    /// field twice or gives `model` another type than a string; the name is
    /// empty, longer than 256 bytes or holds control characters; or a path
    /// segment is badly percent-encoded.
    Malformed,
}

/// The model a request names, from its path or its body (see the module
/// docs for where each API puts it). For an Azure path the deployment name
/// is returned even when the body also has a `model`; [`check`] checks both.
pub fn model_of(api: ApiKind, path: &str, body: &[u8]) -> ModelRef {
    let from_path = match path_models(path, endpoint_of(api, path)) {
        Ok(names) => names,
        Err(()) => return ModelRef::Malformed,
    };
    if let Some(name) = from_path.into_iter().last() {
        return ModelRef::Named(name);
    }
    match read_body(api, body) {
        BodyRead::Probe(probe) => match probe.model {
            Some(m) if valid_model(&m) => ModelRef::Named(m),
            Some(_) => ModelRef::Malformed,
            None if body_api(api) => ModelRef::Missing,
            None => ModelRef::NotApplicable,
        },
        BodyRead::Unread => ModelRef::NotApplicable,
        BodyRead::Malformed => ModelRef::Malformed,
    }
}

/// Whether the API carries its model (and token limits) in a JSON body.
fn body_api(api: ApiKind) -> bool {
    matches!(
        api,
        ApiKind::ChatCompletions
            | ApiKind::Completions
            | ApiKind::Responses
            | ApiKind::Embeddings
            | ApiKind::Messages
    )
}

fn valid_model(m: &str) -> bool {
    !m.is_empty() && m.len() <= MAX_MODEL_LEN && !m.chars().any(char::is_control)
}

/// The models named in the path: every Azure deployment segment, and the
/// `{model}` of `/v1/models/{model}`. `Err` for a segment that does not
/// decode to a valid name.
fn path_models(path: &str, endpoint: Endpoint) -> Result<Vec<String>, ()> {
    let mut out = Vec::new();
    let mut segs = segments(path);
    while let Some(seg) = segs.next() {
        if seg == "deployments" {
            if let Some(name) = segs.next() {
                out.push(decode_segment(name).ok_or(())?);
            }
        }
    }
    if endpoint == Endpoint::Models {
        let mut segs = segments(path).skip_while(|s| *s != "models").skip(1);
        if let Some(name) = segs.next() {
            out.push(decode_segment(name).ok_or(())?);
        }
    }
    Ok(out)
}

/// Percent-decodes a path segment into a valid model name.
fn decode_segment(seg: &str) -> Option<String> {
    let name = if seg.contains('%') {
        let mut out = Vec::with_capacity(seg.len());
        let mut bytes = seg.bytes();
        while let Some(b) = bytes.next() {
            if b == b'%' {
                let hi = hex_digit(bytes.next()?)?;
                let lo = hex_digit(bytes.next()?)?;
                out.push((hi << 4) | lo);
            } else {
                out.push(b);
            }
        }
        String::from_utf8(out).ok()?
    } else {
        seg.to_owned()
    };
    valid_model(&name).then_some(name)
}

fn hex_digit(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// The fields of a request body the permissions read; the rest is skipped.
#[derive(Debug, Default, Deserialize)]
struct Probe {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    max_tokens: TokenField,
    #[serde(default)]
    max_completion_tokens: TokenField,
    #[serde(default)]
    max_output_tokens: TokenField,
    /// Chat and completions: completions generated per request.
    #[serde(default)]
    n: TokenField,
    /// Completions: candidates generated server-side per completion.
    #[serde(default)]
    best_of: TokenField,
}

impl Probe {
    /// How many completions one request generates: the limit applies to
    /// their sum, so `n: 8` divides it by eight.
    fn choices(&self) -> u64 {
        [self.n, self.best_of]
            .iter()
            .filter_map(|f| match f {
                TokenField::Value(v) => Some(*v),
                _ => None,
            })
            .max()
            .unwrap_or(1)
            .max(1)
    }
}

/// A token-limit field: absent, `null`, or a non-negative integer (anything
/// else fails the parse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum TokenField {
    #[default]
    Absent,
    Null,
    Value(u64),
}

impl<'de> Deserialize<'de> for TokenField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TokenField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer or null")
            }
            fn visit_unit<E: de::Error>(self) -> Result<TokenField, E> {
                Ok(TokenField::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<TokenField, E> {
                Ok(TokenField::Null)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TokenField, E> {
                Ok(TokenField::Value(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TokenField, E> {
                u64::try_from(v)
                    .map(TokenField::Value)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

enum BodyRead {
    Probe(Probe),
    /// Not read: an API without a JSON body, and no JSON object to read.
    Unread,
    Malformed,
}

fn read_body(api: ApiKind, body: &[u8]) -> BodyRead {
    let is_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if !is_object {
        // A JSON array would be read into the struct positionally: only
        // objects are requests.
        return if body_api(api) {
            BodyRead::Malformed
        } else {
            BodyRead::Unread
        };
    }
    match serde_json::from_slice::<Probe>(body) {
        Ok(p) => BodyRead::Probe(p),
        Err(_) => BodyRead::Malformed,
    }
}

/// What to do with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Pass it on unchanged.
    Allow,
    /// Pass on this body instead: the original with its output-token limit
    /// lowered (or inserted), every other byte unchanged. The caller
    /// replaces the request body and fixes `content-length`.
    Clamp(Vec<u8>),
    /// Refuse it.
    Deny(DenyReason),
}

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DenyReason {
    /// The endpoint class is not in the consumer's `endpoints`.
    #[error("endpoint `{endpoint}` is not allowed for this consumer")]
    EndpointNotAllowed {
        /// The class of the request's endpoint.
        endpoint: Endpoint,
    },
    /// A model the request names matches none of the consumer's `models`.
    #[error("model `{model}` is not allowed for this consumer")]
    ModelNotAllowed {
        /// The model, as the client named it (at most 256 bytes, no control
        /// characters).
        model: String,
    },
    /// The consumer may use only some models and the request names none.
    #[error("the request must name a model")]
    ModelMissing,
    /// The request asks for more output tokens than allowed
    /// (`on_excess: reject`).
    #[error("the request asks for {asked} output tokens; at most {max} are allowed")]
    TooManyTokens {
        /// The largest limit the request sets.
        asked: u64,
        /// The consumer's `max_output_tokens`.
        max: u32,
    },
    /// A rule needs the body and it cannot be read (see [`ModelRef::Malformed`];
    /// also a token field that is not a non-negative integer or `null`).
    #[error("the request body cannot be read: {what}")]
    Malformed {
        /// What could not be read.
        what: &'static str,
    },
}

impl DenyReason {
    /// A short fixed name for metrics labels and log fields:
    /// `endpoint_not_allowed`, `model_not_allowed`, `model_missing`,
    /// `too_many_tokens`, `malformed`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::EndpointNotAllowed { .. } => "endpoint_not_allowed",
            Self::ModelNotAllowed { .. } => "model_not_allowed",
            Self::ModelMissing => "model_missing",
            Self::TooManyTokens { .. } => "too_many_tokens",
            Self::Malformed { .. } => "malformed",
        }
    }

    /// The suggested HTTP status: 403 for a request the consumer may not
    /// make (the SDKs raise `PermissionDeniedError`), 400 for one that
    /// cannot be read.
    pub fn status(&self) -> u16 {
        match self {
            Self::EndpointNotAllowed { .. }
            | Self::ModelNotAllowed { .. }
            | Self::TooManyTokens { .. } => 403,
            Self::ModelMissing | Self::Malformed { .. } => 400,
        }
    }
}

/// Checks a request against a consumer's permissions: endpoint, then models,
/// then the output-token limit. `api` is the request's kind
/// ([`ApiKind::from_request`]), `path` its `:path`, `body` the whole request
/// body (empty for a request without one).
///
/// The body is parsed only when a rule needs it: a model allowlist other
/// than `*`, or a `max_output_tokens` on an API that has a limit field.
pub fn check(perms: &Permissions, api: ApiKind, path: &str, body: &[u8]) -> Decision {
    let endpoint = endpoint_of(api, path);
    if !perms.allows_endpoint(endpoint) {
        return Decision::Deny(DenyReason::EndpointNotAllowed { endpoint });
    }
    let check_models = !perms.any_model();
    let limit = perms
        .max_output_tokens
        .and_then(|max| token_fields(api).map(|fields| (max, fields)));
    if !check_models && limit.is_none() {
        return Decision::Allow;
    }
    let probe = match read_body(api, body) {
        BodyRead::Probe(p) => Some(p),
        BodyRead::Unread => None,
        BodyRead::Malformed => {
            return Decision::Deny(DenyReason::Malformed {
                what: "not a JSON object with a string `model` and integer token limits, each at most once",
            })
        }
    };
    if check_models {
        if let Some(deny) = check_models_of(perms, api, path, endpoint, probe.as_ref()) {
            return Decision::Deny(deny);
        }
    }
    match (limit, probe) {
        (Some((max, fields)), Some(probe)) => {
            limit_tokens(perms.on_excess, max, fields, &probe, body)
        }
        _ => Decision::Allow,
    }
}

fn check_models_of(
    perms: &Permissions,
    api: ApiKind,
    path: &str,
    endpoint: Endpoint,
    probe: Option<&Probe>,
) -> Option<DenyReason> {
    let Ok(mut named) = path_models(path, endpoint) else {
        return Some(DenyReason::Malformed {
            what: "badly encoded model in the path",
        });
    };
    if let Some(m) = probe.and_then(|p| p.model.as_ref()) {
        if !valid_model(m) {
            return Some(DenyReason::Malformed {
                what: "`model` must be 1 to 256 characters, none a control character",
            });
        }
        named.push(m.clone());
    }
    if named.is_empty() {
        // The model listing names none; a body API must.
        let needs_model = body_api(api) && endpoint != Endpoint::Models;
        return needs_model.then_some(DenyReason::ModelMissing);
    }
    named
        .into_iter()
        .find(|m| !perms.allows_model(m))
        .map(|model| DenyReason::ModelNotAllowed { model })
}

/// Which token field names an API uses, and the one to insert when none is
/// set (`None`: leave the request alone).
struct TokenFields {
    names: &'static [&'static str],
    insert: Option<&'static str>,
}

fn token_fields(api: ApiKind) -> Option<TokenFields> {
    match api {
        ApiKind::ChatCompletions => Some(TokenFields {
            names: &["max_completion_tokens", "max_tokens"],
            insert: Some("max_completion_tokens"),
        }),
        ApiKind::Completions => Some(TokenFields {
            names: &["max_tokens"],
            insert: Some("max_tokens"),
        }),
        ApiKind::Responses => Some(TokenFields {
            names: &["max_output_tokens"],
            insert: Some("max_output_tokens"),
        }),
        ApiKind::Messages => Some(TokenFields {
            names: &["max_tokens"],
            insert: None,
        }),
        _ => None,
    }
}

fn field_of(probe: &Probe, name: &str) -> TokenField {
    match name {
        "max_tokens" => probe.max_tokens,
        "max_completion_tokens" => probe.max_completion_tokens,
        "max_output_tokens" => probe.max_output_tokens,
        _ => TokenField::Absent,
    }
}

fn limit_tokens(
    on_excess: OnExcess,
    max: u32,
    fields: TokenFields,
    probe: &Probe,
    body: &[u8],
) -> Decision {
    // The limit is for the whole request: with several completions (`n`,
    // `best_of`) each gets its share.
    let choices = probe.choices();
    if choices > 1 {
        let share = u64::from(max).checked_div(choices).unwrap_or(0);
        if share == 0 {
            return Decision::Deny(DenyReason::TooManyTokens {
                asked: choices,
                max,
            });
        }
        let share = u32::try_from(share).unwrap_or(max);
        return limit_tokens_each(on_excess, share, max, fields, probe, body);
    }
    limit_tokens_each(on_excess, max, max, fields, probe, body)
}

/// [`limit_tokens`] with `max` per completion; `total` is the consumer's
/// limit, reported in a refusal.
fn limit_tokens_each(
    on_excess: OnExcess,
    max: u32,
    total: u32,
    fields: TokenFields,
    probe: &Probe,
    body: &[u8],
) -> Decision {
    let max64 = u64::from(max);
    let mut asked: Option<u64> = None;
    // Fields over the limit, and fields set to `null` (the default): the
    // nulls are rewritten only when no field sets a number, so a request
    // never ends up with two limits where it had one.
    let mut over: Vec<&'static str> = Vec::new();
    let mut nulls: Vec<&'static str> = Vec::new();
    for &name in fields.names {
        match field_of(probe, name) {
            TokenField::Absent => {}
            TokenField::Null => nulls.push(name),
            TokenField::Value(v) => {
                asked = Some(asked.map_or(v, |a| a.max(v)));
                if v > max64 {
                    over.push(name);
                }
            }
        }
    }
    let present = asked.is_some() || !nulls.is_empty();
    let rewrite = if asked.is_some() { over } else { nulls };
    let asked = asked.unwrap_or_default();
    if asked > max64 && on_excess == OnExcess::Reject {
        let asked = asked.saturating_mul(probe.choices());
        return Decision::Deny(DenyReason::TooManyTokens { asked, max: total });
    }
    let edited = if present {
        if rewrite.is_empty() {
            return Decision::Allow;
        }
        replace_values(body, &rewrite, &max.to_string())
    } else {
        match fields.insert {
            Some(name) => insert_member(body, name, &max.to_string()),
            None => return Decision::Allow,
        }
    };
    match edited {
        Some(b) => Decision::Clamp(b),
        // The scan disagrees with serde_json's parse: refuse rather than
        // forward a limit that was not applied.
        None => Decision::Deny(DenyReason::Malformed {
            what: "the token limit could not be rewritten",
        }),
    }
}

/// A top-level member: its key's span (with quotes) and its value's span.
type Member = (Range<usize>, Range<usize>);

/// A scan of the top level of a JSON object, trusting that `serde_json`
/// accepted it (it still never panics, and returns `None` on surprises).
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn bump(&mut self) {
        self.i = self.i.saturating_add(1);
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.bump())
    }

    /// Skips a string (at its opening quote); its span with the quotes.
    fn string(&mut self) -> Option<Range<usize>> {
        let start = self.i;
        self.eat(b'"')?;
        loop {
            match self.peek()? {
                b'"' => {
                    self.bump();
                    return Some(start..self.i);
                }
                b'\\' => {
                    self.bump();
                    self.bump();
                }
                _ => self.bump(),
            }
        }
    }

    /// Skips any value; its span.
    fn value(&mut self) -> Option<Range<usize>> {
        let start = self.i;
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth = depth.checked_add(1)?,
                        b'}' | b']' => {
                            depth = depth.checked_sub(1)?;
                            if depth == 0 {
                                self.bump();
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.bump();
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.bump();
                }
            }
        }
        (self.i > start).then_some(start..self.i)
    }

    /// The top-level members: (key span with quotes, value span), and the
    /// offset just after the opening brace.
    fn members(mut self) -> Option<(usize, Vec<Member>)> {
        self.ws();
        self.eat(b'{')?;
        let open = self.i;
        let mut out = Vec::new();
        self.ws();
        if self.eat(b'}').is_some() {
            return Some((open, out));
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            let value = self.value()?;
            out.push((key, value));
            self.ws();
            match self.peek()? {
                b',' => self.bump(),
                b'}' => return Some((open, out)),
                _ => return None,
            }
        }
    }
}

/// Whether a key span (with quotes) decodes to `name`.
fn key_is(body: &[u8], span: &Range<usize>, name: &str) -> bool {
    let Some(raw) = body.get(span.clone()) else {
        return false;
    };
    if !raw.contains(&b'\\') {
        return raw.get(1..raw.len().saturating_sub(1)) == Some(name.as_bytes());
    }
    serde_json::from_slice::<String>(raw).is_ok_and(|k| k == name)
}

/// `body` with the values of the top-level members `names` replaced by
/// `with`; `None` if one is not found.
fn replace_values(body: &[u8], names: &[&str], with: &str) -> Option<Vec<u8>> {
    let (_, members) = Scan { b: body, i: 0 }.members()?;
    let mut spans: Vec<Range<usize>> = Vec::with_capacity(names.len());
    for name in names {
        let (_, value) = members.iter().find(|(k, _)| key_is(body, k, name))?;
        spans.push(value.clone());
    }
    spans.sort_by_key(|r| r.start);
    let mut out = Vec::with_capacity(body.len());
    let mut at = 0usize;
    for span in spans {
        out.extend_from_slice(body.get(at..span.start)?);
        out.extend_from_slice(with.as_bytes());
        at = span.end;
    }
    out.extend_from_slice(body.get(at..)?);
    Some(out)
}

/// `body` with `"name":value` inserted as the first member of the top-level
/// object.
fn insert_member(body: &[u8], name: &str, value: &str) -> Option<Vec<u8>> {
    let (open, members) = Scan { b: body, i: 0 }.members()?;
    let (head, tail) = body.split_at_checked(open)?;
    let mut out = Vec::with_capacity(body.len().saturating_add(name.len()).saturating_add(16));
    out.extend_from_slice(head);
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
    out.extend_from_slice(value.as_bytes());
    if !members.is_empty() {
        out.push(b',');
    }
    out.extend_from_slice(tail);
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn several_completions_share_the_token_limit() {
        let perms: Permissions =
            serde_json::from_str(r#"{"max_output_tokens": 100, "on_excess": "clamp"}"#).unwrap();
        let body = br#"{"model":"m","n":4,"max_completion_tokens":100,"messages":[]}"#;
        match check(
            &perms,
            ApiKind::ChatCompletions,
            "/v1/chat/completions",
            body,
        ) {
            Decision::Clamp(b) => {
                let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
                assert_eq!(v["max_completion_tokens"], 25);
            }
            other => panic!("{other:?}"),
        }
        let perms: Permissions = serde_json::from_str(r#"{"max_output_tokens": 100}"#).unwrap();
        let body = br#"{"model":"m","n":4,"max_tokens":50,"prompt":"x"}"#;
        assert_eq!(
            check(&perms, ApiKind::Completions, "/v1/completions", body),
            Decision::Deny(DenyReason::TooManyTokens {
                asked: 200,
                max: 100
            })
        );
        let body = br#"{"model":"m","n":200,"prompt":"x"}"#;
        assert!(matches!(
            check(&perms, ApiKind::Completions, "/v1/completions", body),
            Decision::Deny(DenyReason::TooManyTokens { .. })
        ));
    }

    use super::*;
    use ApiKind::*;

    fn perms(json: &str) -> Permissions {
        let p: Permissions = serde_json::from_str(json).unwrap();
        p.validate().unwrap();
        p
    }

    #[test]
    fn globs() {
        let cases: &[(&str, &str, bool)] = &[
            ("gpt-4o", "gpt-4o", true),
            ("gpt-4o", "gpt-4o-mini", false),
            ("gpt-4o", "gpt-4", false),
            ("gpt-4o*", "gpt-4o", true),
            ("gpt-4o*", "gpt-4o-mini", true),
            ("gpt-4o*", "gpt-4", false),
            ("*", "", true),
            ("*", "anything", true),
            ("", "", true),
            ("", "x", false),
            ("**", "x", true),
            ("claude-*-sonnet-*", "claude-3-5-sonnet-20241022", true),
            ("claude-*-sonnet-*", "claude-sonnet-4", false),
            ("claude-*-sonnet-*", "claude-3-5-haiku-20241022", false),
            ("*-mini", "gpt-4o-mini", true),
            ("*-mini", "gpt-4o-mini-2024", false),
            ("gpt-?o", "gpt-4o", true),
            ("gpt-?o", "gpt-44o", false),
            ("gpt-?o", "gpt-o", false),
            ("?", "é", true),
            ("é*", "éa", true),
            ("*é", "aé", true),
            ("a?c", "aéc", true),
            ("a*b*c", "abc", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "acb", false),
            ("a*a", "a", false),
            ("a*a", "aa", true),
            ("*a*", "bab", true),
            ("*ab*ab*", "abab", true),
            ("*ab*ab*", "aba", false),
            ("GPT-4o", "gpt-4o", false),
            ("*?", "", false),
            ("*?", "x", true),
            ("?*?", "x", false),
            ("ab*?", "ab", false),
            ("ab*?", "abc", true),
        ];
        for (p, t, want) in cases {
            assert_eq!(glob_match(p, t), *want, "{p:?} ~ {t:?}");
        }
    }

    #[test]
    fn globs_pathological() {
        // Classic blow-ups for backtracking matchers.
        let text = "a".repeat(256);
        let pattern = format!("{}b", "a*".repeat(100));
        assert!(!glob_match(&pattern, &text));
        let pattern = "*a".repeat(128);
        assert!(glob_match(&pattern, &text));
        let pattern = format!("{}*b", "*?".repeat(100));
        assert!(!glob_match(&pattern, &text));
        let text = format!("{}b", "a".repeat(255));
        assert!(glob_match(&format!("{}b", "a*".repeat(100)), &text));
    }

    #[test]
    fn endpoints() {
        let cases: &[(&str, Endpoint)] = &[
            ("/v1/chat/completions", Endpoint::Chat),
            ("/v1/chat/completions/abc", Endpoint::Chat),
            ("/v1/completions", Endpoint::Completions),
            ("/v1/responses", Endpoint::Responses),
            ("/v1/responses/resp_1", Endpoint::Responses),
            ("/v1/embeddings", Endpoint::Embeddings),
            ("/v1/messages", Endpoint::Messages),
            ("/v1/messages/count_tokens", Endpoint::Messages),
            ("/v1/models", Endpoint::Models),
            ("/v1/models/gpt-4o", Endpoint::Models),
            ("/v1/images/generations", Endpoint::Images),
            ("/v1/images/edits?x=1", Endpoint::Images),
            ("/v1/audio/transcriptions", Endpoint::Audio),
            ("/v1/audio/speech", Endpoint::Audio),
            ("/v1/files", Endpoint::Files),
            ("/v1/files/file-abc/content", Endpoint::Files),
            ("/v1/uploads", Endpoint::Files),
            ("/proxy/v1/images/generations", Endpoint::Images),
            ("/openai/deployments/d/chat/completions", Endpoint::Chat),
            (
                "/openai/deployments/dalle/images/generations",
                Endpoint::Images,
            ),
            (
                "/openai/deployments/w/audio/transcriptions",
                Endpoint::Audio,
            ),
            ("/openai/files?api-version=2024-10-21", Endpoint::Files),
            ("/openai/v1/files", Endpoint::Files),
            ("/v1/threads/t/messages", Endpoint::Other),
            ("/v1/batches", Endpoint::Other),
            ("/v1/moderations", Endpoint::Other),
            ("/healthz", Endpoint::Other),
            ("/", Endpoint::Other),
            ("", Endpoint::Other),
            ("/v1", Endpoint::Other),
        ];
        for (path, want) in cases {
            let api = ApiKind::from_path(path);
            assert_eq!(endpoint_of(api, path), *want, "{path}");
            // The method-aware kind (GET on a POST path is Unknown) agrees.
            assert_eq!(
                endpoint_of(ApiKind::from_request("GET", path), path),
                *want,
                "GET {path}"
            );
        }
    }

    #[test]
    fn model_of_every_shape() {
        let m = |s: &str| ModelRef::Named(s.into());
        let cases: &[(&str, &str, &str, ModelRef)] = &[
            (
                "chat",
                "/v1/chat/completions",
                r#"{"model":"gpt-4o","messages":[]}"#,
                m("gpt-4o"),
            ),
            (
                "completions",
                "/v1/completions",
                r#"{"prompt":"x","model":"gpt-3.5-turbo-instruct"}"#,
                m("gpt-3.5-turbo-instruct"),
            ),
            (
                "responses",
                "/v1/responses",
                r#"{"model":"o3","input":"hi"}"#,
                m("o3"),
            ),
            (
                "embeddings",
                "/v1/embeddings",
                r#"{"model":"text-embedding-3-small","input":["a"]}"#,
                m("text-embedding-3-small"),
            ),
            (
                "messages",
                "/v1/messages",
                r#"{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[]}"#,
                m("claude-sonnet-4-5"),
            ),
            (
                "escaped",
                "/v1/chat/completions",
                r#"{"mod\u0065l":"gpt-\u0034o"}"#,
                m("gpt-4o"),
            ),
            (
                "nested model ignored",
                "/v1/chat/completions",
                r#"{"messages":[{"model":"x"}],"model":"y"}"#,
                m("y"),
            ),
            (
                "slash in name",
                "/v1/chat/completions",
                r#"{"model":"meta-llama/Llama-3.1-8B"}"#,
                m("meta-llama/Llama-3.1-8B"),
            ),
            (
                "missing",
                "/v1/chat/completions",
                r#"{"messages":[]}"#,
                ModelRef::Missing,
            ),
            (
                "null",
                "/v1/messages",
                r#"{"model":null}"#,
                ModelRef::Missing,
            ),
            (
                "number",
                "/v1/chat/completions",
                r#"{"model":4}"#,
                ModelRef::Malformed,
            ),
            (
                "empty",
                "/v1/chat/completions",
                r#"{"model":""}"#,
                ModelRef::Malformed,
            ),
            (
                "control",
                "/v1/chat/completions",
                r#"{"model":"a\nb"}"#,
                ModelRef::Malformed,
            ),
            (
                "duplicate",
                "/v1/chat/completions",
                r#"{"model":"a","model":"b"}"#,
                ModelRef::Malformed,
            ),
            (
                "array",
                "/v1/chat/completions",
                r#"["gpt-4o"]"#,
                ModelRef::Malformed,
            ),
            (
                "not json",
                "/v1/chat/completions",
                "model=gpt-4o",
                ModelRef::Malformed,
            ),
            (
                "empty body",
                "/v1/chat/completions",
                "",
                ModelRef::Malformed,
            ),
            (
                "trailing",
                "/v1/chat/completions",
                r#"{"model":"a"} {"model":"b"}"#,
                ModelRef::Malformed,
            ),
            (
                "azure",
                "/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21",
                r#"{"messages":[]}"#,
                m("gpt-4o-prod"),
            ),
            (
                "azure wins over body",
                "/openai/deployments/gpt-4o-prod/chat/completions",
                r#"{"model":"other"}"#,
                m("gpt-4o-prod"),
            ),
            (
                "azure encoded",
                "/openai/deployments/gpt%2D4o/embeddings",
                "{}",
                m("gpt-4o"),
            ),
            (
                "azure bad encoding",
                "/openai/deployments/gpt%2/embeddings",
                "{}",
                ModelRef::Malformed,
            ),
            (
                "azure encoded control",
                "/openai/deployments/a%0Ab/embeddings",
                "{}",
                ModelRef::Malformed,
            ),
            (
                "azure images",
                "/openai/deployments/dalle3/images/generations",
                "{}",
                m("dalle3"),
            ),
            ("model get", "/v1/models/gpt-4o", "", m("gpt-4o")),
            (
                "model get encoded",
                "/v1/models/ft%3Agpt-4o%3Aorg",
                "",
                m("ft:gpt-4o:org"),
            ),
            ("model list", "/v1/models", "", ModelRef::NotApplicable),
            (
                "images json",
                "/v1/images/generations",
                r#"{"model":"gpt-image-1","prompt":"x"}"#,
                m("gpt-image-1"),
            ),
            (
                "count tokens",
                "/v1/messages/count_tokens",
                r#"{"model":"claude-x","messages":[]}"#,
                m("claude-x"),
            ),
            (
                "multipart",
                "/v1/audio/transcriptions",
                "--boundary\r\n...",
                ModelRef::NotApplicable,
            ),
            (
                "unknown json without model",
                "/v1/files",
                r#"{"purpose":"x"}"#,
                ModelRef::NotApplicable,
            ),
            (
                "unknown json duplicate",
                "/v1/images/generations",
                r#"{"model":"a","model":"b"}"#,
                ModelRef::Malformed,
            ),
        ];
        for (name, path, body, want) in cases {
            let api = ApiKind::from_path(path);
            assert_eq!(model_of(api, path, body.as_bytes()), *want, "{name}");
        }
    }

    #[test]
    fn validation_names_the_field() {
        let cases: &[(&str, &str)] = &[
            (r#"{"models":[]}"#, "models: must not be empty"),
            (
                r#"{"models":["a",""]}"#,
                "models[1]: must be 1 to 256 bytes",
            ),
            (
                r#"{"models":["a\u0000"]}"#,
                "models[0]: must not hold control",
            ),
            (r#"{"endpoints":[]}"#, "endpoints: must not be empty"),
            (
                r#"{"max_output_tokens":0}"#,
                "max_output_tokens: must be at least 1",
            ),
            (r#"{"labels":{"a b":"x"}}"#, "labels: names must be"),
            (r#"{"labels":{"tier":""}}"#, "labels.tier: must be 1 to 256"),
            (
                r#"{"labels":{"tier":"a\u0001"}}"#,
                "labels.tier: must be 1 to 256",
            ),
        ];
        for (json, want) in cases {
            let p: Permissions = serde_json::from_str(json).unwrap();
            let err = p.validate().unwrap_err().to_string();
            assert!(err.starts_with(want), "{json}: {err}");
        }
        let many: BTreeMap<String, String> =
            (0..33).map(|i| (format!("l{i}"), "v".into())).collect();
        let p = Permissions {
            labels: many,
            ..Permissions::default()
        };
        assert!(p
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("labels: must hold at most 32"));
        // Shape errors come from serde (config::parse names the path).
        for bad in [
            r#"{"endpoints":["chatty"]}"#,
            r#"{"on_excess":"truncate"}"#,
            r#"{"modles":[]}"#,
            r#"{"max_output_tokens":-1}"#,
        ] {
            assert!(serde_json::from_str::<Permissions>(bad).is_err(), "{bad}");
        }
        let p = perms(
            r#"{"models":["*"],"endpoints":["chat","images"],"max_output_tokens":5,"on_excess":"clamp","labels":{"tier":"gold","team":"ml-infra"}}"#,
        );
        assert_eq!(p.on_excess, OnExcess::Clamp);
        assert_eq!(p.labels.get("team").map(String::as_str), Some("ml-infra"));
        assert_eq!(Permissions::default().on_excess, OnExcess::Reject);
    }

    fn deny(r: DenyReason) -> Decision {
        Decision::Deny(r)
    }

    #[test]
    fn check_models_and_endpoints() {
        let p = perms(
            r#"{"models":["gpt-4o-mini","claude-*"],"endpoints":["chat","messages","models","embeddings"]}"#,
        );
        let na = |m: &str| deny(DenyReason::ModelNotAllowed { model: m.into() });
        let cases: &[(&str, &str, &str, &str, Decision)] = &[
            (
                "allowed",
                "POST",
                "/v1/chat/completions",
                r#"{"model":"gpt-4o-mini"}"#,
                Decision::Allow,
            ),
            (
                "forbidden",
                "POST",
                "/v1/chat/completions",
                r#"{"model":"gpt-4o"}"#,
                na("gpt-4o"),
            ),
            (
                "anthropic",
                "POST",
                "/v1/messages",
                r#"{"model":"claude-opus-4","max_tokens":9}"#,
                Decision::Allow,
            ),
            (
                "anthropic forbidden",
                "POST",
                "/v1/messages",
                r#"{"model":"gpt-4o-mini-x","max_tokens":9}"#,
                na("gpt-4o-mini-x"),
            ),
            (
                "missing",
                "POST",
                "/v1/chat/completions",
                r#"{"messages":[]}"#,
                deny(DenyReason::ModelMissing),
            ),
            (
                "endpoint",
                "POST",
                "/v1/completions",
                r#"{"model":"gpt-4o-mini"}"#,
                deny(DenyReason::EndpointNotAllowed {
                    endpoint: Endpoint::Completions,
                }),
            ),
            (
                "images",
                "POST",
                "/v1/images/generations",
                r#"{"model":"gpt-4o-mini"}"#,
                deny(DenyReason::EndpointNotAllowed {
                    endpoint: Endpoint::Images,
                }),
            ),
            ("list models", "GET", "/v1/models", "", Decision::Allow),
            (
                "get model",
                "GET",
                "/v1/models/gpt-4o-mini",
                "",
                Decision::Allow,
            ),
            (
                "get forbidden model",
                "GET",
                "/v1/models/gpt-4o",
                "",
                na("gpt-4o"),
            ),
            (
                "azure allowed",
                "POST",
                "/openai/deployments/gpt-4o-mini/chat/completions",
                r#"{"messages":[]}"#,
                Decision::Allow,
            ),
            (
                "azure forbidden",
                "POST",
                "/openai/deployments/gpt-4o/chat/completions",
                r#"{"messages":[]}"#,
                na("gpt-4o"),
            ),
            (
                "azure path ok, body not",
                "POST",
                "/openai/deployments/gpt-4o-mini/chat/completions",
                r#"{"model":"gpt-4o"}"#,
                na("gpt-4o"),
            ),
            (
                "azure body ok, path not",
                "POST",
                "/openai/deployments/gpt-4o/embeddings",
                r#"{"model":"gpt-4o-mini"}"#,
                na("gpt-4o"),
            ),
            (
                "duplicate model",
                "POST",
                "/v1/chat/completions",
                r#"{"model":"gpt-4o-mini","model":"gpt-4o"}"#,
                deny(DenyReason::Malformed { what: "" }),
            ),
            (
                "not json",
                "POST",
                "/v1/chat/completions",
                "gpt-4o-mini",
                deny(DenyReason::Malformed { what: "" }),
            ),
            (
                "bad path encoding",
                "GET",
                "/v1/models/%zz",
                "",
                deny(DenyReason::Malformed { what: "" }),
            ),
            (
                "model too long",
                "POST",
                "/v1/chat/completions",
                &format!(r#"{{"model":"claude-{}"}}"#, "x".repeat(300)),
                deny(DenyReason::Malformed { what: "" }),
            ),
        ];
        for (name, method, path, body, want) in cases {
            let api = ApiKind::from_request(method, path);
            let got = check(&p, api, path, body.as_bytes());
            match (&got, want) {
                (
                    Decision::Deny(DenyReason::Malformed { .. }),
                    Decision::Deny(DenyReason::Malformed { .. }),
                ) => {}
                _ => assert_eq!(&got, want, "{name}"),
            }
        }
        // No restriction: nothing is read, even a body that is not JSON.
        let open = perms("{}");
        assert_eq!(
            check(&open, ChatCompletions, "/v1/chat/completions", b"garbage"),
            Decision::Allow
        );
        let star = perms(r#"{"models":["*"]}"#);
        assert_eq!(
            check(&star, ChatCompletions, "/v1/chat/completions", b"{}"),
            Decision::Allow
        );
    }

    #[test]
    fn needs_body() {
        let open = perms("{}");
        let star = perms(r#"{"models":["*"],"endpoints":["chat"]}"#);
        let models = perms(r#"{"models":["gpt-*"]}"#);
        let tokens = perms(r#"{"max_output_tokens":10}"#);
        for api in [
            ChatCompletions,
            Completions,
            Responses,
            Embeddings,
            Messages,
            Models,
            Unknown,
        ] {
            assert!(!open.needs_body(api), "{api:?}");
            assert!(!star.needs_body(api), "{api:?}");
            assert_eq!(models.needs_body(api), api != Models, "{api:?}");
            assert_eq!(
                tokens.needs_body(api),
                !matches!(api, Embeddings | Models | Unknown),
                "{api:?}"
            );
        }
        // Deciding without the body when it is not needed gives the answer.
        let path = "/v1/models/gpt-4o";
        assert_eq!(check(&models, Models, path, b""), Decision::Allow);
        let path = "/v1/images/generations";
        assert_eq!(
            check(&star, Unknown, path, b""),
            deny(DenyReason::EndpointNotAllowed {
                endpoint: Endpoint::Images
            })
        );
    }

    #[test]
    fn deny_reasons_and_statuses() {
        let cases = [
            (
                DenyReason::EndpointNotAllowed {
                    endpoint: Endpoint::Images,
                },
                "endpoint_not_allowed",
                403,
                "endpoint `images` is not allowed for this consumer",
            ),
            (
                DenyReason::ModelNotAllowed {
                    model: "gpt-4o".into(),
                },
                "model_not_allowed",
                403,
                "model `gpt-4o` is not allowed for this consumer",
            ),
            (
                DenyReason::ModelMissing,
                "model_missing",
                400,
                "the request must name a model",
            ),
            (
                DenyReason::TooManyTokens { asked: 9, max: 5 },
                "too_many_tokens",
                403,
                "the request asks for 9 output tokens; at most 5 are allowed",
            ),
            (
                DenyReason::Malformed { what: "x" },
                "malformed",
                400,
                "the request body cannot be read: x",
            ),
        ];
        for (r, name, status, msg) in cases {
            assert_eq!(
                (r.reason(), r.status(), r.to_string().as_str()),
                (name, status, msg)
            );
        }
    }

    fn clamp(p: &Permissions, path: &str, body: &str) -> Decision {
        check(p, ApiKind::from_path(path), path, body.as_bytes())
    }

    fn clamped(s: &str) -> Decision {
        Decision::Clamp(s.as_bytes().to_vec())
    }

    #[test]
    fn tokens_reject() {
        let p = perms(r#"{"max_output_tokens":100}"#);
        let too = |asked| deny(DenyReason::TooManyTokens { asked, max: 100 });
        let cases: &[(&str, &str, Decision)] = &[
            (
                "/v1/chat/completions",
                r#"{"max_tokens":100}"#,
                Decision::Allow,
            ),
            ("/v1/chat/completions", r#"{"max_tokens":101}"#, too(101)),
            (
                "/v1/chat/completions",
                r#"{"max_completion_tokens":5000}"#,
                too(5000),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":5,"max_completion_tokens":500}"#,
                too(500),
            ),
            ("/v1/completions", r#"{"max_tokens":101}"#, too(101)),
            (
                "/v1/completions",
                r#"{"max_output_tokens":101,"max_tokens":1}"#,
                Decision::Allow,
            ),
            ("/v1/responses", r#"{"max_output_tokens":101}"#, too(101)),
            (
                "/v1/responses",
                r#"{"max_tokens":101}"#,
                clamped(r#"{"max_output_tokens":100,"max_tokens":101}"#),
            ),
            ("/v1/messages", r#"{"max_tokens":4096}"#, too(4096)),
            ("/v1/messages", r#"{"max_tokens":1}"#, Decision::Allow),
            ("/v1/embeddings", r#"{"max_tokens":1000}"#, Decision::Allow),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":1e9}"#,
                deny(DenyReason::Malformed { what: "" }),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":-1}"#,
                deny(DenyReason::Malformed { what: "" }),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":"1"}"#,
                deny(DenyReason::Malformed { what: "" }),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":1,"max_tokens":1000}"#,
                deny(DenyReason::Malformed { what: "" }),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":99999999999999999999999}"#,
                deny(DenyReason::Malformed { what: "" }),
            ),
            // No limit set: one is inserted, in reject mode too.
            (
                "/v1/chat/completions",
                r#"{"model":"m"}"#,
                clamped(r#"{"max_completion_tokens":100,"model":"m"}"#),
            ),
            ("/v1/messages", r#"{"model":"m"}"#, Decision::Allow),
        ];
        for (path, body, want) in cases {
            let got = clamp(&p, path, body);
            match (&got, want) {
                (
                    Decision::Deny(DenyReason::Malformed { .. }),
                    Decision::Deny(DenyReason::Malformed { .. }),
                ) => {}
                _ => assert_eq!(&got, want, "{path} {body}"),
            }
        }
    }

    #[test]
    fn tokens_clamp_keeps_every_other_byte() {
        let p = perms(r#"{"max_output_tokens":256,"on_excess":"clamp"}"#);
        let cases: &[(&str, &str, Decision)] = &[
            (
                "/v1/chat/completions",
                "{\n  \"model\" : \"gpt-4o\",\n  \"max_tokens\" :  4096 ,\n  \"messages\": [{\"role\":\"user\",\"content\":\"max_tokens: 9999 \\\"}\"}]\n}",
                clamped("{\n  \"model\" : \"gpt-4o\",\n  \"max_tokens\" :  256 ,\n  \"messages\": [{\"role\":\"user\",\"content\":\"max_tokens: 9999 \\\"}\"}]\n}"),
            ),
            (
                "/v1/chat/completions",
                r#"{"metadata":{"max_tokens":5000},"max_completion_tokens":5000,"max_tokens":10}"#,
                clamped(r#"{"metadata":{"max_tokens":5000},"max_completion_tokens":256,"max_tokens":10}"#),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_completion_tokens":5000,"max_tokens":7000}"#,
                clamped(r#"{"max_completion_tokens":256,"max_tokens":256}"#),
            ),
            (
                "/v1/chat/completions",
                r#"{"max\u005ftokens":4096,"n":1}"#,
                clamped(r#"{"max\u005ftokens":256,"n":1}"#),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":null}"#,
                clamped(r#"{"max_tokens":256}"#),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":null,"max_completion_tokens":null}"#,
                clamped(r#"{"max_tokens":256,"max_completion_tokens":256}"#),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":50,"max_completion_tokens":null}"#,
                Decision::Allow,
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":500,"max_completion_tokens":null}"#,
                clamped(r#"{"max_tokens":256,"max_completion_tokens":null}"#),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":4096.0}"#,
                deny(DenyReason::Malformed { what: "" }),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":200}"#,
                Decision::Allow,
            ),
            ("/v1/completions", r#"{"max_tokens":1e2}"#, deny(DenyReason::Malformed { what: "" })),
            ("/v1/completions", r#"{"prompt":"x","max_tokens":300}"#, clamped(r#"{"prompt":"x","max_tokens":256}"#)),
            ("/v1/responses", r#"{"input":[1,[2,{"a":"}"}]],"max_output_tokens":300}"#, clamped(r#"{"input":[1,[2,{"a":"}"}]],"max_output_tokens":256}"#)),
            ("/v1/messages", "{\"max_tokens\":8192\t}", clamped("{\"max_tokens\":256\t}")),
            ("/v1/messages", r#"{"model":"claude"}"#, Decision::Allow),
            ("/v1/chat/completions", "{}", clamped(r#"{"max_completion_tokens":256}"#)),
            ("/v1/chat/completions", " { } ", clamped(r#" {"max_completion_tokens":256 } "#)),
            ("/v1/completions", r#"{"prompt":"x"}"#, clamped(r#"{"max_tokens":256,"prompt":"x"}"#)),
            ("/v1/responses", "{\n\"input\":\"x\"}", clamped("{\"max_output_tokens\":256,\n\"input\":\"x\"}")),
            ("/openai/deployments/d/chat/completions", r#"{"messages":[]}"#, clamped(r#"{"max_completion_tokens":256,"messages":[]}"#)),
        ];
        for (path, body, want) in cases {
            let got = clamp(&p, path, body);
            match (&got, want) {
                (
                    Decision::Deny(DenyReason::Malformed { .. }),
                    Decision::Deny(DenyReason::Malformed { .. }),
                ) => {}
                _ => assert_eq!(&got, want, "{path} {body}"),
            }
            // Every clamped body is still JSON and now within the limit.
            if let Decision::Clamp(b) = &got {
                let v: serde_json::Value = serde_json::from_slice(b).unwrap();
                for f in ["max_tokens", "max_completion_tokens", "max_output_tokens"] {
                    if let Some(n) = v.get(f).and_then(serde_json::Value::as_u64) {
                        assert!(n <= 256, "{path} {body}");
                    }
                }
                // And a second pass leaves it alone.
                assert_eq!(
                    check(&p, ApiKind::from_path(path), path, b),
                    Decision::Allow,
                    "{path} {body}"
                );
            }
        }
    }

    #[test]
    fn scan_never_panics_on_odd_input() {
        for body in [
            "",
            "{",
            "{\"a",
            "{\"a\":",
            "{\"a\":1",
            "{\"a\":1,",
            "{\"a\" 1}",
            "[",
            "{\"a\":\"\\",
            "{\"a\":[{]}",
            "}}}",
        ] {
            assert!(
                replace_values(body.as_bytes(), &["a"], "1").is_none(),
                "{body}"
            );
            let _ = insert_member(body.as_bytes(), "a", "1");
        }
        assert_eq!(insert_member(b"{}", "a", "1").unwrap(), b"{\"a\":1}");
        assert_eq!(
            replace_values(b"{\"a\":[1,2],\"b\":\"x\"}", &["a", "b"], "0").unwrap(),
            b"{\"a\":0,\"b\":0}"
        );
    }
}
