use std::collections::BTreeMap;

use serde::Deserialize;

use super::{validate_header_name, ConfigError, RoutesConfig, Validate, DEFAULT_CONSUMER_HEADER};
use crate::auth::jwt::Validation;
use crate::auth::keys::{looks_like_plaintext_key, KeyEntry, KeySource, KeyStore};
use crate::auth::mesh::{MeshIdentity, MeshPrincipal};
use crate::auth::permissions::Permissions;
use crate::auth::providers::ProviderRule;

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
        KeyStore::new(self.api_keys.keys.clone()).map_err(|e| {
            ConfigError::invalid(
                format!("api_keys.keys[{}].{}", e.index, e.field),
                e.reason.to_string(),
            )
        })?;
        if let Some(jwt) = &self.jwt {
            jwt.validation
                .check()
                .map_err(|e| ConfigError::invalid(format!("jwt.{}", e.field), e.problem))?;
            match &jwt.jwks {
                JwksSource::Inline(v) => {
                    let bytes = serde_json::to_vec(v).unwrap_or_default();
                    crate::auth::jwt::Jwks::parse(&bytes)
                        .map_err(|e| ConfigError::invalid("jwt.jwks.inline", e.to_string()))?;
                }
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
        MeshIdentity::new(&self.mesh)
            .map_err(|e| ConfigError::invalid(format!("mesh[{}]", e.index), e.message))?;
        if let Some(a) = &self.anonymous {
            crate::auth::keys::validate_consumer(a)
                .map_err(|e| ConfigError::invalid("anonymous", e.to_string()))?;
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
