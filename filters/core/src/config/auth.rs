use std::collections::BTreeMap;

use serde::Deserialize;

use super::{validate_header_name, ConfigError, RoutesConfig, Validate, DEFAULT_CONSUMER_HEADER};
use crate::config::jwt::Validation;
use crate::request::catalogue::Endpoint;

/// Configuration of the `auth` filter: who is calling, and what they may do.
///
/// Identity methods are tried in `methods` order; the first that finds a
/// credential decides (a bad credential is a 401, never a fall-through to
/// the next method). With no credential at all the request is anonymous:
/// refused with 401 unless `anonymous` names a consumer for it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// The request header `auth` sets to the authenticated consumer's name,
    /// for the filters after it and the upstream. A lowercase HTTP header
    /// name, not a pseudo-header. Default: `x-tollgate-consumer`.
    pub consumer_header: String,
    /// Remove client-supplied identity (the consumer header above) before
    /// anything else, so that no client can pose as a consumer downstream of
    /// `auth`. Default: `true`.
    pub strip_client_identity: bool,
    /// Remove the client's credentials (`authorization`, `x-api-key`,
    /// `api-key`) before the request goes upstream. Default: `true`.
    pub strip_credentials: bool,
    /// The order identity methods are tried in. Default: `api_key`, `jwt`,
    /// `mesh` (a method with nothing configured is skipped).
    pub methods: Vec<Method>,
    /// API keys.
    pub api_keys: ApiKeys,
    /// JWTs.
    pub jwt: Option<JwtConfig>,
    /// Mesh workload identities: mTLS peer principals mapped to consumers.
    pub mesh: Vec<MeshPrincipal>,
    /// The consumer a request with no credential becomes. Default: none
    /// (such a request gets 401).
    pub anonymous: Option<String>,
    /// Permissions per consumer or per group (a key of `groups`).
    pub consumers: BTreeMap<String, Permissions>,
    /// Groups of consumers: `{"research": ["alice-bot", "bob-bot"]}`. A
    /// consumer without its own entry in `consumers` takes its group's.
    /// A consumer may be in one group only.
    pub groups: BTreeMap<String, Vec<String>>,
    /// Permissions of consumers not in `consumers`. Default: no restriction.
    pub default_permissions: Permissions,
    /// Provider keys to inject, per host or route, from VM environment
    /// variables.
    pub providers: Vec<ProviderRule>,
    /// Requests on routes the catalogue does not know: refused (403)
    /// unless allowed here. Default: refused.
    pub routes: RoutesConfig,
    /// The largest request body read for a permission check, after
    /// decompression; a larger one is refused with 413. Between 1 KiB and
    /// 64 MiB. Default: 16 MiB.
    pub max_body_bytes: u32,
}

/// An identity method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// API keys (`api_keys`).
    ApiKey,
    /// JWTs (`jwt`).
    Jwt,
    /// mTLS peer identity (`mesh`).
    Mesh,
}

/// API keys.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ApiKeys {
    /// Headers a key is read from, in order. Default: `authorization`
    /// (Bearer), `x-api-key`, `api-key`.
    pub headers: Vec<KeySource>,
    /// The keys, as SHA-256 digests (`scripts/gen-key` makes one).
    pub keys: Vec<KeyEntry>,
}

impl Default for ApiKeys {
    fn default() -> Self {
        Self {
            headers: KeySource::DEFAULT_ORDER.to_vec(),
            keys: Vec::new(),
        }
    }
}

/// JWTs: the claim checks, and where the keys come from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct JwtConfig {
    /// Issuer, audiences, algorithms, leeway, required claims, the consumer
    /// claim.
    #[serde(flatten)]
    pub validation: Validation,
    /// The key set.
    pub jwks: JwksSource,
}

/// Where the JWKS comes from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum JwksSource {
    /// In the configuration (public keys only).
    Inline(serde_json::Value),
    /// Fetched from an Envoy cluster and refreshed on a timer.
    Remote(RemoteJwks),
}

/// A JWKS fetched with `dispatch_http_call`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RemoteJwks {
    /// The Envoy cluster.
    pub cluster: String,
    /// The path. Default: `/.well-known/jwks.json`.
    #[serde(default = "RemoteJwks::default_path")]
    pub path: String,
    /// The `:authority`. Default: the cluster name.
    #[serde(default)]
    pub authority: Option<String>,
    /// Seconds between refreshes, 10..=86400. Default: 300.
    #[serde(default = "RemoteJwks::default_refresh")]
    pub refresh_secs: u32,
    /// Fetch timeout, 100..=30000 ms. Default: 5000.
    #[serde(default = "RemoteJwks::default_timeout")]
    pub timeout_ms: u32,
    /// While the endpoint is down, the last good key set keeps serving for
    /// this many seconds after it was fetched; after that JWTs are refused
    /// with 503 (fail closed). Default: 86400.
    #[serde(default = "RemoteJwks::default_max_stale")]
    pub max_stale_secs: u32,
}

impl RemoteJwks {
    fn default_path() -> String {
        "/.well-known/jwks.json".to_owned()
    }
    fn default_refresh() -> u32 {
        300
    }
    fn default_timeout() -> u32 {
        5000
    }
    fn default_max_stale() -> u32 {
        86_400
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            consumer_header: DEFAULT_CONSUMER_HEADER.to_owned(),
            strip_client_identity: true,
            strip_credentials: true,
            methods: vec![Method::ApiKey, Method::Jwt, Method::Mesh],
            api_keys: ApiKeys::default(),
            jwt: None,
            mesh: Vec::new(),
            anonymous: None,
            consumers: BTreeMap::new(),
            groups: BTreeMap::new(),
            default_permissions: Permissions::default(),
            providers: Vec::new(),
            routes: RoutesConfig::default(),
            max_body_bytes: super::DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl Validate for AuthConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        validate_header_name("consumer_header", &self.consumer_header)?;
        self.routes.validate().map_err(|e| e.nested("routes"))?;
        super::validate_body_bytes(self.max_body_bytes)?;
        for (i, m) in self.methods.iter().enumerate() {
            if self.methods.iter().take(i).any(|x| x == m) {
                return Err(ConfigError::invalid(
                    format!("methods[{i}]"),
                    "listed twice",
                ));
            }
        }
        if self.api_keys.headers.is_empty() {
            return Err(ConfigError::invalid(
                "api_keys.headers",
                "must name at least one header",
            ));
        }
        for (i, k) in self.api_keys.keys.iter().enumerate() {
            if looks_like_plaintext_key(&k.sha256) || looks_like_plaintext_key(&k.id) {
                return Err(ConfigError::invalid(
                    format!("api_keys.keys[{i}].sha256"),
                    "holds what looks like a key, not its digest: configuration holds only \
                     SHA-256 digests (scripts/gen-key prints one)",
                ));
            }
        }
        // Digests, duplicates and expiries are checked when the key store is
        // built (`Authenticator::new`), once.
        if let Some(jwt) = &self.jwt {
            jwt.validation
                .check()
                .map_err(|e| ConfigError::invalid(format!("jwt.{}", e.field), e.problem))?;
            match &jwt.jwks {
                // Parsed once, when the authenticator is built.
                JwksSource::Inline(_) => {}
                JwksSource::Remote(r) => {
                    if r.cluster.is_empty() {
                        return Err(ConfigError::invalid(
                            "jwt.jwks.remote.cluster",
                            "must not be empty",
                        ));
                    }
                    if !r.path.starts_with('/') {
                        return Err(ConfigError::invalid(
                            "jwt.jwks.remote.path",
                            "must start with /",
                        ));
                    }
                    for (field, value, range) in [
                        ("refresh_secs", r.refresh_secs, 10..=86_400),
                        ("timeout_ms", r.timeout_ms, 100..=30_000),
                        ("max_stale_secs", r.max_stale_secs, 0..=604_800),
                    ] {
                        if !range.contains(&value) {
                            return Err(ConfigError::invalid(
                                format!("jwt.jwks.remote.{field}"),
                                format!("must be between {} and {}", range.start(), range.end()),
                            ));
                        }
                    }
                }
            }
        }
        if let Some(a) = &self.anonymous {
            check_consumer_name(a).map_err(|e| ConfigError::invalid("anonymous", e))?;
        }
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (group, members) in &self.groups {
            for (i, m) in members.iter().enumerate() {
                if let Some(other) = seen.insert(m.as_str(), group.as_str()) {
                    return Err(ConfigError::invalid(
                        format!("groups.{group}[{i}]"),
                        format!("consumer is already in group {other}"),
                    ));
                }
            }
        }
        for (name, perms) in &self.consumers {
            perms
                .validate()
                .map_err(|e| e.nested(&format!("consumers.{name}")))?;
        }
        self.default_permissions
            .validate()
            .map_err(|e| e.nested("default_permissions"))?;
        for (i, p) in self.providers.iter().enumerate() {
            if p.value.is_some() {
                return Err(ConfigError::invalid(
                    format!("providers[{i}].value"),
                    "plaintext keys are refused: put the key in a Kubernetes Secret, expose it \
                     to the sidecar, and name its VM environment variable in `env`",
                ));
            }
        }
        Ok(())
    }
}

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

/// One configured API key: its digest and who it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    /// A short, non-secret label for logs and metrics (`[A-Za-z0-9_.-]{1,64}`),
    /// unique in the store.
    pub id: String,
    /// The SHA-256 digest of the key, 64 lowercase hex digits.
    pub sha256: String,
    /// The consumer the key authenticates: 1 to 128 visible ASCII characters
    /// (it is sent on in a header).
    pub consumer: String,
    /// When the key stops working, in Unix seconds: a request at or after
    /// this second is refused.
    #[serde(default)]
    pub expires: Option<u64>,
    /// A disabled key is refused with its own reason (kept in configuration
    /// to tell "revoked" from "never existed" in logs).
    #[serde(default)]
    pub disabled: bool,
}

/// A request header an API key may be read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum KeySource {
    /// `Authorization: Bearer <key>` (scheme case-insensitive).
    #[serde(rename = "authorization")]
    Bearer,
    /// `x-api-key: <key>` (Anthropic).
    #[serde(rename = "x-api-key")]
    XApiKey,
    /// `api-key: <key>` (Azure OpenAI).
    #[serde(rename = "api-key")]
    ApiKey,
    /// `x-goog-api-key: <key>` (Gemini clients).
    #[serde(rename = "x-goog-api-key")]
    GoogApiKey,
}

/// One principal (or a pattern of principals) and the consumer it is.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MeshPrincipal {
    /// A SPIFFE ID (`spiffe://<trust domain>/ns/<ns>/sa/<sa>`); a final `*`
    /// matches any rest (`spiffe://cluster.local/ns/team-a/*`: every service
    /// account of namespace team-a).
    pub principal: String,
    /// The consumer it is.
    pub consumer: String,
}

/// Where the provider wants its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ProviderHeader {
    /// `authorization: Bearer <key>` (OpenAI and compatible).
    Authorization,
    /// `x-api-key: <key>` (Anthropic).
    XApiKey,
    /// `api-key: <key>` (Azure OpenAI).
    ApiKey,
    /// `x-goog-api-key: <key>` (Gemini).
    XGoogApiKey,
}

/// One injection rule (configuration).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProviderRule {
    /// `:authority` values it applies to (a port is ignored; empty: any).
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Path prefixes it applies to, on whole segments (empty: any).
    #[serde(default)]
    pub paths: Vec<String>,
    /// The header to set.
    pub header: ProviderHeader,
    /// The VM environment variable holding the key.
    pub env: String,
    /// Refused when present: plaintext keys do not belong in pluginConfig.
    #[serde(default)]
    pub value: Option<String>,
}

/// Whether a credential has the shape of a JWT (`eyJ…` base64url JSON header,
/// then two dots), so that it is left to the JWT method.
pub fn looks_like_jwt(s: &[u8]) -> bool {
    s.starts_with(b"eyJ") && s.iter().filter(|&&b| b == b'.').count() == 2
}

/// Well-known prefixes of API keys and tokens (providers', GitHub's,
/// Tollgate's own), lowercase.
const KEY_PREFIXES: &[&str] = &[
    "sk-",   // OpenAI (sk-proj-, sk-svcacct-), Anthropic (sk-ant-), DeepSeek, …
    "sk_",   // Stripe-style
    "tg-",   // Tollgate (scripts/gen-key)
    "xai-",  // xAI
    "gsk_",  // Groq
    "aiza",  // Google API keys
    "pplx-", // Perplexity
    "hf_",   // Hugging Face
    "r8_",   // Replicate
    "ghp_",  // GitHub
    "github_pat_",
    "glpat-",  // GitLab
    "bearer ", // a whole Authorization value
    "basic ",
];

/// Whether `s` looks like a plaintext API key or token rather than a digest,
/// an id or a variable name: it starts with a well-known key prefix
/// (`sk-`, `sk-ant-`, `sk-proj-`, `tg-`, `xai-`, `AIza`, `hf_`, `Bearer `, …)
/// or is a JWT. A heuristic for clearer configuration errors ("you pasted a
/// key"): digest fields are validated strictly anyway, so a key it misses is
/// still refused, only with the generic format message.
pub fn looks_like_plaintext_key(s: &str) -> bool {
    let s = s.trim();
    KEY_PREFIXES.iter().any(|p| {
        s.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    }) || looks_like_jwt(s.as_bytes())
}

/// The longest consumer name.
pub const MAX_CONSUMER_LEN: usize = 128;

/// Checks a consumer name: 1 to 128 visible ASCII characters (it is sent
/// on in a request header and used as a metrics label).
pub fn check_consumer_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > MAX_CONSUMER_LEN {
        return Err("must be 1 to 128 characters");
    }
    if !name.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("must hold only visible ASCII characters (no spaces)");
    }
    Ok(())
}
