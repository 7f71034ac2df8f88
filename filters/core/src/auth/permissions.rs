//! Per-consumer permissions: which models and endpoints a consumer may call,
//! how many output tokens one request may ask for, and the labels passed on
//! to `throttle`.
//!
//! ```
//! use tollgate_core::auth::permissions::{check_request, Decision, DenyReason, Permissions};
//!
//! let perms: Permissions = serde_json::from_str(
//!     r#"{"models": ["gpt-4o-mini", "claude-*-haiku-*"], "max_output_tokens": 1000,
//!         "on_excess": "clamp", "labels": {"tier": "free"}}"#,
//! )?;
//! let check = |path: &str, body: &[u8]| check_request(&perms, "POST", path, "application/json", body);
//!
//! let body = br#"{"model": "gpt-4o", "messages": []}"#;
//! assert_eq!(
//!     check("/v1/chat/completions", body),
//!     Decision::Deny(DenyReason::ModelNotAllowed { model: "gpt-4o".into() })
//! );
//! // However the path is spelled, and wherever the model is.
//! assert_eq!(
//!     check("/openai/deployments/gpt-4o/chat/completions", b"{\"messages\": []}"),
//!     Decision::Deny(DenyReason::ModelNotAllowed { model: "gpt-4o".into() })
//! );
//!
//! // Clamping rewrites the number and nothing else.
//! let body = br#"{"model": "gpt-4o-mini", "max_tokens": 4096, "messages": []}"#;
//! assert_eq!(
//!     check("//v1/chat/completions", body),
//!     Decision::Clamp(br#"{"model": "gpt-4o-mini", "max_tokens": 1000, "messages": []}"#.to_vec())
//! );
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Design
//!
//! - **One reading of the request.** The route comes from the catalogue
//!   ([`crate::request::catalogue`]) after the shared path normalisation,
//!   and the body's facts from the one body reader
//!   ([`crate::request::extract`]): `auth` sees the models, limits and
//!   endpoint `throttle` and `inspect` see.
//! - **Where the model is read.** Wherever the route puts it: the body's
//!   `model` (every request of a batch, each line of a batch file), a nested
//!   `session.model`, a multipart `model` field, an Azure deployment in the
//!   path, `/models/{id}`, realtime's `?model=` / `?deployment=`. When a
//!   request names several, *every* one must be allowed: an
//!   OpenAI-compatible server behind an Azure-style path may read either.
//! - **Reading the body.** A body that is not its route's shape, names a
//!   field twice (a filter reading the first `model` and an upstream the
//!   last is the classic smuggling trick), or gives a field a type no server
//!   reads is refused as [`DenyReason::Malformed`] whenever a rule needs the
//!   body, rather than passed on unread.
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
//!   A batch is never rewritten: each of its requests must set a limit
//!   within the maximum.
//! - **Globs.** `*` (any run of characters) and `?` (one character),
//!   case-sensitive, on whole names. Matching takes the literal prefix and
//!   suffix, then finds the pieces between stars leftmost-first: no
//!   backtracking, `O(len(name) × len(pattern))` at worst, with both bounded
//!   to 256 bytes.
//! - **Endpoints.** The route's class ([`Endpoint`]); with no `endpoints`
//!   list every class but `fine_tuning` is allowed. A batch's `endpoint`
//!   must be allowed too.

use std::ops::Range;

use crate::request::api::ApiKind;
use crate::request::catalogue::{self, Endpoint, Shape};
use crate::request::extract::{self, Extracted, Generation, TokenField};
use crate::request::{json_walk, valid_model, Head};

impl Permissions {
    /// Whether `model` matches one of the allowed patterns (true when
    /// `models` is absent).
    pub fn allows_model(&self, model: &str) -> bool {
        self.models
            .as_ref()
            .is_none_or(|ps| ps.iter().any(|p| glob_match(p, model)))
    }

    /// Whether the endpoint class is allowed: listed in `endpoints`, or,
    /// when `endpoints` is absent, allowed by default (every class but
    /// `fine_tuning`).
    pub fn allows_endpoint(&self, endpoint: Endpoint) -> bool {
        match &self.endpoints {
            Some(es) => es.contains(&endpoint),
            None => endpoint.allowed_by_default(),
        }
    }

    /// Whether [`check_body`] needs the request body: a model allowlist
    /// other than `*` on a route whose body may name models, a
    /// `max_output_tokens` on a route that generates, or an `endpoints`
    /// list on a batch creation (its target endpoint is in the body). When it does not, the
    /// filter decides at the headers ([`check_head`], and [`check_body`]
    /// on no facts) and never buffers the body.
    pub fn needs_body(&self, head: &Head) -> bool {
        let shape = head.shape();
        let has_body = !matches!(shape, Shape::None | Shape::Opaque) || head.route.is_none();
        let generates = match shape {
            Shape::Api(api) => !extract::output_fields(api).is_empty(),
            Shape::MessageBatches | Shape::Upload | Shape::Run => true,
            _ => false,
        };
        let batch = shape == Shape::BatchCreate && self.endpoints.is_some();
        batch
            || unreadable_upload(head)
            || (has_body && (!self.any_model() || (self.max_output_tokens.is_some() && generates)))
    }

    /// Whether every model, named or not, is allowed: no `models`, or a `*`.
    fn any_model(&self) -> bool {
        self.models
            .as_ref()
            .is_none_or(|ps| ps.iter().any(|p| p == "*"))
    }
}

pub use crate::glob::glob_match;

pub use crate::config::auth::{
    OnExcess, Permissions, MAX_LABELS, MAX_LABEL_NAME_LEN, MAX_LABEL_VALUE_LEN, MAX_MODEL_LEN,
};

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
    /// Several requests in one body (a batch) and one sets no output limit
    /// while the consumer has one.
    #[error("every request of a batch must set an output-token limit of at most {max}")]
    UnboundedOutput {
        /// The consumer's `max_output_tokens`.
        max: u32,
    },
    /// A rule needs the body and it cannot be read (not the API's shape, a
    /// duplicated member, a bad count), or a model cannot be read.
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
            Self::TooManyTokens { .. } | Self::UnboundedOutput { .. } => "too_many_tokens",
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
            | Self::TooManyTokens { .. }
            | Self::UnboundedOutput { .. } => 403,
            Self::ModelMissing | Self::Malformed { .. } => 400,
        }
    }
}

/// The checks that need only the headers: the endpoint class, and the
/// models the path and query name (Azure deployments, `/models/{id}`,
/// realtime's `?model=`).
pub fn check_head(perms: &Permissions, head: &Head) -> Result<(), DenyReason> {
    let endpoint = head.endpoint();
    if !perms.allows_endpoint(endpoint) {
        return Err(DenyReason::EndpointNotAllowed { endpoint });
    }
    let models = head
        .models()
        .map_err(|what| DenyReason::Malformed { what })?;
    match models.into_iter().find(|m| !perms.allows_model(m)) {
        Some(model) => Err(DenyReason::ModelNotAllowed { model }),
        None => Ok(()),
    }
}

/// The checks on the body, after [`check_head`]: every model the body
/// names (a batch names one per request), a batch's target endpoint, a
/// model where the route requires one, and the output-token limit (which
/// may rewrite the body: [`Decision::Clamp`]). `facts` is the body read
/// once ([`crate::request::extract::read`]); `body` its bytes (after
/// decompression).
pub fn check_body(perms: &Permissions, head: &Head, facts: &Extracted, body: &[u8]) -> Decision {
    if let Some(target) = &facts.endpoint {
        let route = catalogue::classify("POST", target)
            .ok()
            .and_then(|c| c.route);
        let Some(route) = route else {
            return Decision::Deny(DenyReason::Malformed {
                what: "a batch endpoint outside the catalogue",
            });
        };
        if !perms.allows_endpoint(route.endpoint) {
            return Decision::Deny(DenyReason::EndpointNotAllowed {
                endpoint: route.endpoint,
            });
        }
    }
    // A batch input file must arrive where it can be read: the Uploads
    // API sends it in parts no filter can put back together.
    if unreadable_upload(head) && facts.purpose.as_deref() == Some("batch") {
        return Decision::Deny(DenyReason::Malformed {
            what: "batch input files must be uploaded with POST /v1/files, which the gateway reads, not the Uploads API",
        });
    }
    if !perms.any_model() {
        for m in &facts.models {
            if !valid_model(&m.name) {
                return Decision::Deny(DenyReason::Malformed {
                    what: "`model` must be 1 to 256 characters, none a control character",
                });
            }
            if !perms.allows_model(&m.name) {
                return Decision::Deny(DenyReason::ModelNotAllowed {
                    model: m.name.clone(),
                });
            }
        }
        let named = facts
            .models
            .len()
            .saturating_add(head.models().map_or(0, |m| m.len()));
        // A request that runs a model and names none gets the upstream's
        // default model, which the allowlist never saw — unless the
        // configuration says which model the server serves.
        if named == 0 {
            match &head.served_model {
                Some(m) if !perms.allows_model(m) => {
                    return Decision::Deny(DenyReason::ModelNotAllowed { model: m.clone() })
                }
                Some(_) => {}
                None if head.route.is_some_and(runs_default_model) => {
                    return Decision::Deny(DenyReason::ModelMissing)
                }
                None => {}
            }
        }
    }
    match perms.max_output_tokens {
        Some(max) => limit_tokens(perms.on_excess, max, head, facts, body),
        None => Decision::Allow,
    }
}

/// Whether a route runs a model the upstream picks when the request names
/// none: it requires one, or it is billed as a generation or by reported
/// usage (images, speech, moderations, realtime sessions), or it queues
/// work (message batches). Not uploads (a file runs nothing by itself)
/// nor Assistants runs (the assistant's model, checked when it was made).
fn runs_default_model(route: &catalogue::Route) -> bool {
    use crate::request::catalogue::Billing;
    route.model_required
        || matches!(route.billing, Billing::Tokens | Billing::Reported)
        || route.endpoint == Endpoint::Realtime
        || (route.billing == Billing::Deferred
            && !matches!(route.shape, Shape::Upload | Shape::Run))
}

/// A JSON route of the files class (the Uploads API's creation): its
/// `purpose` is read, a batch refused.
fn unreadable_upload(head: &Head) -> bool {
    head.route
        .is_some_and(|r| r.endpoint == Endpoint::Files && matches!(r.shape, Shape::Json { .. }))
}

/// [`check_head`] and [`check_body`] on a whole request (`content_type`
/// for multipart bodies): what the filter does, in one call.
pub fn check_request(
    perms: &Permissions,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> Decision {
    let head = match Head::read(method, path, false) {
        Ok(h) => h,
        Err(_) => {
            return Decision::Deny(DenyReason::Malformed {
                what: "the path cannot be read",
            })
        }
    };
    if let Err(reason) = check_head(perms, &head) {
        return Decision::Deny(reason);
    }
    if !perms.needs_body(&head) {
        return check_body(perms, &head, &Extracted::default(), b"");
    }
    match extract::read(head.shape(), content_type, body) {
        Ok(facts) => check_body(perms, &head, &facts, body),
        Err(_) => Decision::Deny(DenyReason::Malformed {
            what: "the body is not a valid request of its API",
        }),
    }
}

/// The field a clamp inserts when a request sets no limit (`None`: the API
/// requires one, so the upstream refuses the request anyway).
fn insert_field(api: ApiKind) -> Option<&'static str> {
    match api {
        ApiKind::ChatCompletions => Some("max_completion_tokens"),
        ApiKind::Completions => Some("max_tokens"),
        ApiKind::Responses => Some("max_output_tokens"),
        ApiKind::OllamaChat | ApiKind::OllamaGenerate => Some("options.num_predict"),
        ApiKind::Gemini => Some("generationConfig.maxOutputTokens"),
        ApiKind::TgiGenerate => Some("parameters.max_new_tokens"),
        ApiKind::LlamaCompletion => Some("n_predict"),
        ApiKind::TritonGenerate => Some("parameters.max_tokens"),
        ApiKind::BedrockConverse => Some("inferenceConfig.maxTokens"),
        _ => None,
    }
}

fn limit_tokens(
    on_excess: OnExcess,
    max: u32,
    head: &Head,
    facts: &Extracted,
    body: &[u8],
) -> Decision {
    let single = match head.shape() {
        Shape::Api(api) if facts.generations.len() == 1 => {
            facts.generations.first().map(|g| (api, g))
        }
        _ => None,
    };
    if let Some((api, g)) = single {
        return limit_one(on_excess, max, api, g, body);
    }
    // Several requests in one body (batches): each must set a limit within
    // the maximum; nothing is rewritten.
    for g in &facts.generations {
        match g.requested() {
            None => return Decision::Deny(DenyReason::UnboundedOutput { max }),
            Some(asked) if asked > u64::from(max) => {
                return Decision::Deny(DenyReason::TooManyTokens { asked, max })
            }
            Some(_) => {}
        }
    }
    Decision::Allow
}

fn limit_one(on_excess: OnExcess, max: u32, api: ApiKind, g: &Generation, body: &[u8]) -> Decision {
    // The limit is for the whole request: with several completions (`n`,
    // `best_of`) each gets its share.
    let choices = g.choices.max(1);
    if choices > 1 {
        let share = u64::from(max).checked_div(choices).unwrap_or(0);
        if share == 0 {
            return Decision::Deny(DenyReason::TooManyTokens {
                asked: choices,
                max,
            });
        }
        let share = u32::try_from(share).unwrap_or(max);
        return limit_each(on_excess, share, max, api, g, body);
    }
    limit_each(on_excess, max, max, api, g, body)
}

/// [`limit_one`] with `max` per completion; `total` is the consumer's
/// limit, reported in a refusal.
fn limit_each(
    on_excess: OnExcess,
    max: u32,
    total: u32,
    api: ApiKind,
    g: &Generation,
    body: &[u8],
) -> Decision {
    let max64 = u64::from(max);
    let mut asked: Option<u64> = None;
    // Fields over the limit, and fields set to `null` (the default): the
    // nulls are rewritten only when no field sets a number, so a request
    // never ends up with two limits where it had one.
    let mut over: Vec<&'static str> = Vec::new();
    let mut nulls: Vec<&'static str> = Vec::new();
    for &(name, field) in &g.limits {
        match field {
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
        let asked = asked.saturating_mul(g.choices.max(1));
        return Decision::Deny(DenyReason::TooManyTokens { asked, max: total });
    }
    let edited = if present {
        if rewrite.is_empty() {
            return Decision::Allow;
        }
        replace_values(body, &rewrite, &max.to_string())
    } else {
        match insert_field(api) {
            Some(name) => insert_member(body, name, &max.to_string()),
            // Bedrock's InvokeModel: each family names its limit its own
            // way and some default to thousands; one that sets none cannot
            // be held to the maximum (Claude's requires `max_tokens`).
            None if api == ApiKind::BedrockInvoke => {
                return Decision::Deny(DenyReason::UnboundedOutput { max: total })
            }
            None => return Decision::Allow,
        }
    };
    match edited {
        Some(b) => Decision::Clamp(b),
        // The scan disagrees with the parse: refuse rather than forward a
        // limit that was not applied.
        None => Decision::Deny(DenyReason::Malformed {
            what: "the token limit could not be rewritten",
        }),
    }
}

/// The value span of member `name` of `body`'s top-level object; a dotted
/// name (`options.num_predict`) is a member of a member object.
fn member_span(body: &[u8], name: &str) -> Option<Range<usize>> {
    let root = json_walk::skip_ws(body, 0);
    match name.split_once('.') {
        None => json_walk::member(body, root, name).ok()?,
        Some((outer, inner)) => {
            let obj = json_walk::member(body, root, outer).ok()??;
            json_walk::member(body, obj.start, inner).ok()?
        }
    }
}

/// `body` with the values of the members `names` (dotted: nested) replaced
/// by `with`; `None` if one is not found (or is given twice).
fn replace_values(body: &[u8], names: &[&str], with: &str) -> Option<Vec<u8>> {
    let mut edits: Vec<(Range<usize>, &[u8])> = Vec::with_capacity(names.len());
    for name in names {
        edits.push((member_span(body, name)?, with.as_bytes()));
    }
    json_walk::splice(body, &edits)
}

/// `body` with `"name":value` inserted as the first member of the top-level
/// object; a dotted name goes into its member object, created if absent.
fn insert_member(body: &[u8], name: &str, value: &str) -> Option<Vec<u8>> {
    let root = json_walk::skip_ws(body, 0);
    let (open, members) = json_walk::members(body, root)?;
    let sep = if members.is_empty() { "" } else { "," };
    let insert = match name.split_once('.') {
        None => format!("\"{name}\":{value}{sep}"),
        Some((outer, inner)) => match json_walk::member(body, root, outer).ok()? {
            // `null` is replaced by the object.
            Some(obj) if body.get(obj.start) == Some(&b'n') => {
                let object = format!("{{\"{inner}\":{value}}}");
                return json_walk::splice(body, &[(obj, object.as_bytes())]);
            }
            Some(obj) => {
                let (after, inner_members) = json_walk::members(body, obj.start)?;
                let sep = if inner_members.is_empty() { "" } else { "," };
                let insert = format!("\"{inner}\":{value}{sep}");
                return json_walk::splice(body, &[(after..after, insert.as_bytes())]);
            }
            None => format!("\"{outer}\":{{\"{inner}\":{value}}}{sep}"),
        },
    };
    json_walk::splice(body, &[(open..open, insert.as_bytes())])
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
    use crate::config::Validate;
    use std::collections::BTreeMap;
    use ApiKind::*;

    /// The decision on a JSON request; `api` only says the method (the
    /// model listing is a GET).
    fn check(p: &Permissions, api: ApiKind, path: &str, body: &[u8]) -> Decision {
        let method = if api == Models { "GET" } else { "POST" };
        check_request(p, method, path, "application/json", body)
    }

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
        let cases: &[(&str, &str, Endpoint)] = &[
            ("POST", "/v1/chat/completions", Endpoint::Chat),
            ("GET", "/v1/chat/completions/abc", Endpoint::Chat),
            ("POST", "/v1/completions", Endpoint::Completions),
            ("POST", "/v1/responses", Endpoint::Responses),
            ("GET", "/v1/responses/resp_1", Endpoint::Responses),
            ("POST", "/v1/embeddings", Endpoint::Embeddings),
            ("POST", "/v1/messages", Endpoint::Messages),
            ("POST", "/v1/messages/count_tokens", Endpoint::Messages),
            ("POST", "/v1/messages/batches", Endpoint::Batches),
            ("GET", "/v1/models", Endpoint::Models),
            ("GET", "/v1/models/gpt-4o", Endpoint::Models),
            ("DELETE", "/v1/models/ft:gpt-4o:x", Endpoint::FineTuning),
            ("POST", "/v1/images/generations", Endpoint::Images),
            ("POST", "/v1/images/edits?x=1", Endpoint::Images),
            ("POST", "/v1/audio/transcriptions", Endpoint::Audio),
            ("POST", "/v1/audio/speech", Endpoint::Audio),
            ("POST", "/v1/files", Endpoint::Files),
            ("GET", "/v1/files/file-abc/content", Endpoint::Files),
            ("POST", "/v1/uploads", Endpoint::Files),
            ("POST", "/v1/batches", Endpoint::Batches),
            ("POST", "/v1/moderations", Endpoint::Moderations),
            ("GET", "/v1/realtime?model=m", Endpoint::Realtime),
            ("POST", "/v1/fine_tuning/jobs", Endpoint::FineTuning),
            ("POST", "/v1/threads/t/messages", Endpoint::Assistants),
            (
                "POST",
                "/openai/deployments/d/chat/completions",
                Endpoint::Chat,
            ),
            (
                "POST",
                "/openai/deployments/dalle/images/generations",
                Endpoint::Images,
            ),
            (
                "POST",
                "/openai/deployments/w/audio/transcriptions",
                Endpoint::Audio,
            ),
            (
                "GET",
                "/openai/files?api-version=2024-10-21",
                Endpoint::Files,
            ),
            ("GET", "/openai/v1/files", Endpoint::Files),
            ("POST", "/healthz", Endpoint::Other),
            ("GET", "/", Endpoint::Other),
        ];
        for (method, path, want) in cases {
            let head = Head::read(method, path, false).unwrap();
            assert_eq!(head.endpoint(), *want, "{method} {path}");
        }
        let open = perms("{}");
        assert!(
            !open.allows_endpoint(Endpoint::FineTuning),
            "fine-tuning is opt-in"
        );
        assert!(open.allows_endpoint(Endpoint::Chat));
        assert!(perms(r#"{"endpoints":["fine_tuning"]}"#).allows_endpoint(Endpoint::FineTuning));
    }

    #[test]
    fn models_of_every_shape() {
        // Only `ok` is allowed: a named model is refused by name, a missing
        // one where the route needs one, an unreadable one as malformed.
        let m = |s: &str| Some(DenyReason::ModelNotAllowed { model: s.into() });
        let missing = Some(DenyReason::ModelMissing);
        let malformed = Some(DenyReason::Malformed { what: "" });
        let cases: &[(&str, &str, &str, Option<DenyReason>)] = &[
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
                r#"{"messages":[{"role":"user","model":"x"}],"model":"y"}"#,
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
                missing.clone(),
            ),
            ("null", "/v1/messages", r#"{"model":null}"#, missing.clone()),
            (
                "number",
                "/v1/chat/completions",
                r#"{"model":4}"#,
                malformed.clone(),
            ),
            (
                "empty",
                "/v1/chat/completions",
                r#"{"model":""}"#,
                malformed.clone(),
            ),
            (
                "control",
                "/v1/chat/completions",
                r#"{"model":"a\nb"}"#,
                malformed.clone(),
            ),
            (
                "duplicate",
                "/v1/chat/completions",
                r#"{"model":"a","model":"b"}"#,
                malformed.clone(),
            ),
            (
                "array",
                "/v1/chat/completions",
                r#"["gpt-4o"]"#,
                malformed.clone(),
            ),
            (
                "not json",
                "/v1/chat/completions",
                "model=gpt-4o",
                malformed.clone(),
            ),
            ("empty body", "/v1/chat/completions", "", malformed.clone()),
            (
                "trailing",
                "/v1/chat/completions",
                r#"{"model":"a"} {"model":"b"}"#,
                malformed.clone(),
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
                malformed.clone(),
            ),
            (
                "azure encoded control",
                "/openai/deployments/a%0Ab/embeddings",
                "{}",
                malformed.clone(),
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
            ("model list", "/v1/models", "", None),
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
                "not multipart",
                "/v1/audio/transcriptions",
                "--boundary\r\n...",
                malformed.clone(),
            ),
            // The upstream would pick its default model, which the
            // allowlist never saw.
            (
                "optional model",
                "/v1/moderations",
                r#"{"input":"x"}"#,
                Some(DenyReason::ModelMissing),
            ),
            (
                "unknown json duplicate",
                "/v1/images/generations",
                r#"{"model":"a","model":"b"}"#,
                malformed.clone(),
            ),
        ];
        let p = perms(r#"{"models":["ok"]}"#);
        for (name, path, body, want) in cases {
            let method = if path.contains("/models") {
                "GET"
            } else {
                "POST"
            };
            let got = match check_request(&p, method, path, "application/json", body.as_bytes()) {
                Decision::Deny(DenyReason::Malformed { .. }) => malformed.clone(),
                Decision::Deny(r) => Some(r),
                Decision::Allow => None,
                other => panic!("{name}: {other:?}"),
            };
            assert_eq!(got, *want, "{name}");
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
        let star = perms(r#"{"models":["*"],"endpoints":["chat", "images"]}"#);
        let models = perms(r#"{"models":["gpt-*"]}"#);
        let tokens = perms(r#"{"max_output_tokens":10}"#);
        let cases: &[(&str, &str, bool, bool)] = &[
            // (method, path, body needed for models, for tokens)
            ("POST", "/v1/chat/completions", true, true),
            ("POST", "/v1/completions", true, true),
            ("POST", "/v1/responses", true, true),
            ("POST", "/v1/messages", true, true),
            ("POST", "/v1/messages/batches", true, true),
            ("POST", "/v1/files", true, true),
            ("POST", "/v1/embeddings", true, false),
            ("POST", "/v1/images/generations", true, false),
            ("GET", "/v1/models", false, false),
            ("GET", "/v1/models/gpt-4o", false, false),
            ("GET", "/v1/responses/r", false, false),
            ("POST", "/v1/uploads/u/parts", false, false),
            ("POST", "/anything", true, false),
        ];
        for (method, path, m, t) in cases {
            let head = Head::read(method, path, false).unwrap();
            assert!(!open.needs_body(&head), "{path}");
            assert!(!star.needs_body(&head), "{path}");
            assert_eq!(models.needs_body(&head), *m, "{path}");
            assert_eq!(tokens.needs_body(&head), *t, "{path}");
        }
        // Deciding without the body when it is not needed gives the answer.
        let path = "/v1/models/gpt-4o";
        assert_eq!(check(&models, Models, path, b""), Decision::Allow);
        assert_eq!(
            check(&models, Models, "/v1/models/o3", b""),
            deny(DenyReason::ModelNotAllowed { model: "o3".into() })
        );
        let path = "/v1/embeddings";
        assert_eq!(
            check(&star, Unknown, path, b""),
            deny(DenyReason::EndpointNotAllowed {
                endpoint: Endpoint::Embeddings
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
                too(1_000_000_000),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":-1}"#,
                deny(DenyReason::Malformed { what: "" }),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":"1"}"#,
                Decision::Allow,
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
                clamped(r#"{"max_tokens":256}"#),
            ),
            (
                "/v1/chat/completions",
                r#"{"max_tokens":200}"#,
                Decision::Allow,
            ),
            ("/v1/completions", r#"{"max_tokens":1e3}"#, clamped(r#"{"max_tokens":256}"#)),
            ("/v1/completions", r#"{"prompt":"x","max_tokens":300}"#, clamped(r#"{"prompt":"x","max_tokens":256}"#)),
            ("/v1/responses", r#"{"metadata":{"x":[1,[2,{"a":"}"}]]},"max_output_tokens":300}"#, clamped(r#"{"metadata":{"x":[1,[2,{"a":"}"}]]},"max_output_tokens":256}"#)),
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

    #[test]
    fn models_wherever_they_are() {
        // Realtime and assistants are opt-in classes: listed here.
        let p = perms(
            r#"{"models":["gpt-4o-mini","claude-*"],"max_output_tokens":100,
                "endpoints":["chat","completions","responses","messages","audio","images",
                             "batches","files","realtime","assistants"]}"#,
        );
        let denied = |m: &str| deny(DenyReason::ModelNotAllowed { model: m.into() });
        let req = |method: &str, path: &str, ct: &str, body: &[u8]| {
            check_request(&p, method, path, ct, body)
        };
        // Realtime: the query names the model (Azure: `deployment`).
        assert_eq!(
            req("GET", "/v1/realtime?model=gpt-realtime", "", b""),
            denied("gpt-realtime")
        );
        assert_eq!(
            req("GET", "/openai/realtime?deployment=gpt-4o-mini", "", b""),
            Decision::Allow
        );
        assert!(matches!(
            req(
                "GET",
                "/v1/realtime?model=gpt-4o-mini&model=gpt-realtime",
                "",
                b""
            ),
            Decision::Deny(DenyReason::Malformed { .. })
        ));
        assert_eq!(
            req("GET", "/v1/realtime", "", b""),
            deny(DenyReason::ModelMissing)
        );
        // A nested session model.
        let body = br#"{"session":{"type":"realtime","model":"gpt-realtime"}}"#;
        assert_eq!(
            req(
                "POST",
                "/v1/realtime/client_secrets",
                "application/json",
                body
            ),
            denied("gpt-realtime")
        );
        // A multipart field.
        let form =
            b"--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--B--";
        assert_eq!(
            req(
                "POST",
                "/v1/audio/transcriptions",
                "multipart/form-data; boundary=B",
                form
            ),
            denied("whisper-1")
        );
        // Every request of a message batch, each limited.
        let batch = |m: &str, max: &str| {
            format!(
                r#"{{"requests":[{{"custom_id":"a","params":{{"model":"claude-x","max_tokens":5,"messages":[]}}}},
                {{"custom_id":"b","params":{{"model":"{m}"{max},"messages":[]}}}}]}}"#
            )
        };
        let b = batch("gpt-4o", r#","max_tokens":5"#);
        assert_eq!(
            req(
                "POST",
                "/v1/messages/batches",
                "application/json",
                b.as_bytes()
            ),
            denied("gpt-4o")
        );
        let b = batch("claude-y", "");
        assert_eq!(
            req(
                "POST",
                "/v1/messages/batches",
                "application/json",
                b.as_bytes()
            ),
            deny(DenyReason::UnboundedOutput { max: 100 })
        );
        let b = batch("claude-y", r#","max_tokens":500"#);
        assert_eq!(
            req(
                "POST",
                "/v1/messages/batches",
                "application/json",
                b.as_bytes()
            ),
            deny(DenyReason::TooManyTokens {
                asked: 500,
                max: 100
            })
        );
        // A realtime call's session names the model (multipart).
        let call = b"--B\r\nContent-Disposition: form-data; name=\"sdp\"\r\n\r\nv=0\r\n\
--B\r\nContent-Disposition: form-data; name=\"session\"\r\n\r\n{\"model\":\"gpt-realtime\"}\r\n--B--";
        assert_eq!(
            req(
                "POST",
                "/v1/realtime/calls",
                "multipart/form-data; boundary=B",
                call
            ),
            denied("gpt-realtime")
        );
        // No model: the upstream's default, never allowed by an allowlist.
        assert_eq!(
            req(
                "POST",
                "/v1/realtime/client_secrets",
                "application/json",
                b"{}"
            ),
            deny(DenyReason::ModelMissing)
        );
        let edit = b"--B\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nhat\r\n--B--";
        assert_eq!(
            req(
                "POST",
                "/v1/images/edits",
                "multipart/form-data; boundary=B",
                edit
            ),
            deny(DenyReason::ModelMissing)
        );
        // `filename=""` does not hide the model field.
        let hidden = b"--B\r\nContent-Disposition: form-data; name=\"model\"; filename=\"\"\r\n\r\ngpt-image-1\r\n\
--B\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nhat\r\n--B--";
        assert_eq!(
            req(
                "POST",
                "/v1/images/edits",
                "multipart/form-data; boundary=B",
                hidden
            ),
            denied("gpt-image-1")
        );
        // An Assistants run: its output limit is the consumer's.
        assert_eq!(
            req(
                "POST",
                "/v1/threads/t1/runs",
                "application/json",
                br#"{"assistant_id":"a"}"#
            ),
            deny(DenyReason::UnboundedOutput { max: 100 })
        );
        assert_eq!(
            req(
                "POST",
                "/v1/threads/t1/runs",
                "application/json",
                br#"{"assistant_id":"a","max_completion_tokens":50}"#
            ),
            Decision::Allow
        );
        // A batch file cannot go through the Uploads API.
        assert!(matches!(
            req(
                "POST",
                "/v1/uploads",
                "application/json",
                br#"{"purpose":"batch","filename":"b.jsonl","bytes":10,"mime_type":"text/jsonl"}"#
            ),
            Decision::Deny(DenyReason::Malformed { .. })
        ));
        // Realtime is opt-in.
        let default = perms(r#"{"models":["gpt-realtime"]}"#);
        assert_eq!(
            check_request(&default, "GET", "/v1/realtime?model=gpt-realtime", "", b""),
            deny(DenyReason::EndpointNotAllowed {
                endpoint: Endpoint::Realtime
            })
        );
        let b = batch("claude-y", r#","max_tokens":50"#);
        assert_eq!(
            req(
                "POST",
                "/v1/messages/batches",
                "application/json",
                b.as_bytes()
            ),
            Decision::Allow
        );
        // A batch file's lines.
        let line = r#"{"custom_id":"1","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o","max_tokens":5,"messages":[]}}"#;
        let upload = format!(
            "--B\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n\
             --B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.jsonl\"\r\n\r\n{line}\r\n--B--"
        );
        assert_eq!(
            req(
                "POST",
                "/v1/files",
                "multipart/form-data; boundary=B",
                upload.as_bytes()
            ),
            denied("gpt-4o")
        );
    }

    #[test]
    fn a_batch_must_target_an_allowed_endpoint() {
        let p = perms(r#"{"endpoints":["chat","batches","files"]}"#);
        let create = |endpoint: &str| {
            let body = format!(
                r#"{{"input_file_id":"file-1","endpoint":"{endpoint}","completion_window":"24h"}}"#
            );
            check_request(
                &p,
                "POST",
                "/v1/batches",
                "application/json",
                body.as_bytes(),
            )
        };
        assert_eq!(create("/v1/chat/completions"), Decision::Allow);
        assert_eq!(
            create("/v1/embeddings"),
            deny(DenyReason::EndpointNotAllowed {
                endpoint: Endpoint::Embeddings
            })
        );
        assert!(matches!(
            create("/v1/secret"),
            Decision::Deny(DenyReason::Malformed { .. })
        ));
    }
}
