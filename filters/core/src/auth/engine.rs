//! Who is calling: the identity methods in their configured order, over what
//! the filter gathered (a header lookup, the mTLS peer principal, the current
//! JWKS, the time).
//!
//! The first method that finds a credential decides: a bad key or token is
//! refused (401), never passed on to the next method, so that a client
//! cannot turn a revoked key into an anonymous request by adding a second
//! credential. A request with no credential at all is anonymous: refused
//! unless `anonymous` names a consumer.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::auth::jwt::{self, Jwks, JwtReject, Validation};
use crate::auth::keys::{self, KeyReject, KeySource, KeyStore};
use crate::auth::mesh::MeshIdentity;
use crate::auth::permissions::Permissions;
use crate::auth::providers::Providers;
use crate::config::auth::{AuthConfig, JwksSource, Method, RemoteJwks};
use crate::config::ConfigError;

/// How a consumer was identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// An API key.
    ApiKey,
    /// A JWT.
    Jwt,
    /// The mTLS peer identity.
    Mesh,
    /// No credential; `anonymous` is configured.
    Anonymous,
}

impl Via {
    /// The name used in metrics, metadata and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::ApiKey => "api_key",
            Via::Jwt => "jwt",
            Via::Mesh => "mesh",
            Via::Anonymous => "anonymous",
        }
    }
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The consumer.
    pub consumer: String,
    /// How.
    pub via: Via,
    /// The key id (API keys) or the JWK's kid (JWTs), for logs.
    pub credential_id: Option<String>,
    /// A fingerprint of the presented key (API keys), for logs.
    pub fingerprint: Option<String>,
}

/// Why a caller is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// No credential, and no anonymous access.
    #[error("no credential")]
    Missing,
    /// A bad API key.
    #[error("API key: {0}")]
    Key(KeyReject),
    /// A bad JWT.
    #[error("JWT: {0}")]
    Jwt(JwtReject),
    /// A JWT arrived and there is no usable key set (not fetched yet, or
    /// stale past `max_stale_secs`).
    #[error("no JWKS available")]
    JwksUnavailable,
}

impl Rejection {
    /// A short fixed name for metrics and logs.
    pub fn reason(&self) -> &'static str {
        match self {
            Rejection::Missing => "missing",
            Rejection::Key(k) => k.reason(),
            Rejection::Jwt(j) => j.reason(),
            Rejection::JwksUnavailable => "jwks_unavailable",
        }
    }

    /// 401, or 503 when the key set is unavailable (fail closed).
    pub fn status(&self) -> u16 {
        match self {
            Rejection::JwksUnavailable => 503,
            _ => 401,
        }
    }
}

/// Tokens already verified, so a client reusing its JWT (as clients do,
/// for minutes) pays for one signature check, not one per request: a
/// signature check is ~1 ms in a wasm VM. Keyed by the token's SHA-256; an
/// entry holds the consumer, the kid and the validity window, and is used
/// only inside `[nbf, exp)` (with the leeway). Bounded: when full it is
/// emptied. Clear it whenever the key set changes.
#[derive(Debug, Default)]
pub struct JwtCache {
    entries: HashMap<[u8; 32], CachedToken>,
}

#[derive(Debug, Clone)]
struct CachedToken {
    consumer: String,
    kid: Option<String>,
    /// Usable from / until (unix seconds).
    from: u64,
    until: u64,
}

impl JwtCache {
    /// The most tokens kept.
    pub const CAPACITY: usize = 1024;

    /// Forget every token (the key set changed).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Tokens held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The built identity methods, permissions and provider keys.
#[derive(Debug)]
pub struct Authenticator {
    config: AuthConfig,
    keys: KeyStore,
    mesh: MeshIdentity,
    providers: Providers,
    validation: Option<Validation>,
    inline_jwks: Option<Jwks>,
}

impl Authenticator {
    /// Build from a validated configuration; `env` reads the VM environment
    /// (provider keys).
    pub fn new(
        config: &AuthConfig,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let keys = KeyStore::new(config.api_keys.keys.clone())
            .map_err(|e| ConfigError::from(e).nested("api_keys.keys"))?;
        let mesh = MeshIdentity::new(&config.mesh)
            .map_err(|e| ConfigError::invalid(format!("mesh[{}]", e.index), e.message))?;
        let providers = Providers::new(&config.providers, env).map_err(|e| {
            ConfigError::invalid(format!("providers[{}].{}", e.index, e.field), e.message)
        })?;
        let (validation, inline_jwks) = match &config.jwt {
            None => (None, None),
            Some(j) => {
                let inline =
                    match &j.jwks {
                        JwksSource::Inline(v) => {
                            let bytes = serde_json::to_vec(v).unwrap_or_default();
                            Some(Jwks::parse(&bytes).map_err(|e| {
                                ConfigError::invalid("jwt.jwks.inline", e.to_string())
                            })?)
                        }
                        JwksSource::Remote(_) => None,
                    };
                (Some(j.validation.clone()), inline)
            }
        };
        Ok(Self {
            config: config.clone(),
            keys,
            mesh,
            providers,
            validation,
            inline_jwks,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// The remote JWKS to fetch, if any.
    pub fn remote_jwks(&self) -> Option<&RemoteJwks> {
        match &self.config.jwt.as_ref()?.jwks {
            JwksSource::Remote(r) => Some(r),
            JwksSource::Inline(_) => None,
        }
    }

    /// The provider keys.
    pub fn providers(&self) -> &Providers {
        &self.providers
    }

    /// The headers that carry client credentials.
    pub fn credential_headers(&self) -> [&'static str; 4] {
        [
            KeySource::Bearer.header_name(),
            KeySource::XApiKey.header_name(),
            KeySource::ApiKey.header_name(),
            KeySource::GoogApiKey.header_name(),
        ]
    }

    /// The permissions of `consumer`: its own entry, else its group's, else
    /// `default_permissions`.
    pub fn permissions(&self, consumer: &str) -> &Permissions {
        let c = &self.config;
        c.consumers
            .get(consumer)
            .or_else(|| {
                c.groups
                    .iter()
                    .find(|(_, members)| members.iter().any(|m| m == consumer))
                    .and_then(|(group, _)| c.consumers.get(group))
            })
            .unwrap_or(&c.default_permissions)
    }

    /// Identify the caller. `header(name)` returns a request header
    /// (lowercase name); `peer` is the mTLS peer principal, if any; `jwks`
    /// the current remote key set (ignored when the set is inline).
    pub fn authenticate(
        &self,
        header: &dyn Fn(&str) -> Option<String>,
        peer: Option<&str>,
        jwks: Option<&Jwks>,
        now_unix: u64,
    ) -> Result<Identity, Rejection> {
        self.authenticate_cached(header, peer, jwks, now_unix, None)
    }

    /// [`Authenticator::authenticate`] with a cache of verified tokens.
    pub fn authenticate_cached(
        &self,
        header: &dyn Fn(&str) -> Option<String>,
        peer: Option<&str>,
        jwks: Option<&Jwks>,
        now_unix: u64,
        mut cache: Option<&mut JwtCache>,
    ) -> Result<Identity, Rejection> {
        for method in &self.config.methods {
            match method {
                Method::ApiKey if !self.keys.is_empty() => {
                    match keys::extract_with(&self.config.api_keys.headers, header) {
                        Ok(presented) => {
                            let entry = self
                                .keys
                                .verify(presented.as_str(), now_unix)
                                .map_err(Rejection::Key)?;
                            return Ok(Identity {
                                consumer: entry.consumer.clone(),
                                via: Via::ApiKey,
                                credential_id: Some(entry.id.clone()),
                                fingerprint: Some(presented.fingerprint()),
                            });
                        }
                        Err(KeyReject::Missing) => {}
                        Err(e) => return Err(Rejection::Key(e)),
                    }
                }
                Method::Jwt => {
                    let Some(validation) = &self.validation else {
                        continue;
                    };
                    let Some(token) = bearer_jwt(header) else {
                        continue;
                    };
                    let Some(set) = self.inline_jwks.as_ref().or(jwks) else {
                        return Err(Rejection::JwksUnavailable);
                    };
                    let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
                    if let Some(hit) = cache.as_deref().and_then(|c| c.entries.get(&digest)) {
                        if (hit.from..hit.until).contains(&now_unix) {
                            return Ok(Identity {
                                consumer: hit.consumer.clone(),
                                via: Via::Jwt,
                                credential_id: hit.kid.clone(),
                                fingerprint: None,
                            });
                        }
                    }
                    let verified =
                        jwt::verify(&token, set, validation, now_unix).map_err(Rejection::Jwt)?;
                    if let Some(cache) = cache.as_deref_mut() {
                        let leeway = validation.leeway_secs;
                        let claim = |name: &str| verified.claims.get(name).and_then(|v| v.as_f64());
                        // Only tokens with an expiry are cached: the entry
                        // must stop working when the token does.
                        if let Some(exp) = claim("exp") {
                            let until = (exp.max(0.0) as u64).saturating_add(leeway);
                            let from = claim("nbf")
                                .map_or(0, |nbf| (nbf.max(0.0) as u64).saturating_sub(leeway));
                            if cache.entries.len() >= JwtCache::CAPACITY {
                                cache.entries.clear();
                            }
                            cache.entries.insert(
                                digest,
                                CachedToken {
                                    consumer: verified.consumer.clone(),
                                    kid: verified.kid.clone(),
                                    from,
                                    until,
                                },
                            );
                        }
                    }
                    return Ok(Identity {
                        consumer: verified.consumer,
                        via: Via::Jwt,
                        credential_id: verified.kid,
                        fingerprint: None,
                    });
                }
                Method::Mesh => {
                    if let Some(consumer) = peer.and_then(|p| self.mesh.consumer_for(p)) {
                        return Ok(Identity {
                            consumer: consumer.to_owned(),
                            via: Via::Mesh,
                            credential_id: None,
                            fingerprint: None,
                        });
                    }
                }
                Method::ApiKey => {}
            }
        }
        match &self.config.anonymous {
            Some(consumer) => Ok(Identity {
                consumer: consumer.clone(),
                via: Via::Anonymous,
                credential_id: None,
                fingerprint: None,
            }),
            None => Err(Rejection::Missing),
        }
    }
}

/// A bearer token shaped like a JWT in `authorization`.
fn bearer_jwt(header: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let value = header("authorization")?;
    // Any whitespace after the scheme: `Bearer\t<jwt>` must not slip past
    // the JWT method (and then past every method, as no credential).
    let value = value.trim();
    let split = value.find(|c: char| c.is_ascii_whitespace())?;
    let (scheme, token) = value.split_at(split);
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && keys::looks_like_jwt(token.as_bytes()))
        .then(|| token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::providers::Injection;
    use crate::config;

    fn build(json: &str) -> Authenticator {
        let c: AuthConfig = config::parse(json.as_bytes()).unwrap();
        Authenticator::new(&c, |name| {
            (name == "OPENAI_API_KEY").then(|| "sk-provider".into())
        })
        .unwrap()
    }

    fn headers(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn methods_in_order_first_credential_decides() {
        let digest = keys::sha256_hex("tg-key-for-team-a-0123456789");
        let a = build(&format!(
            r#"{{"methods": ["api_key", "mesh"],
                "api_keys": {{"keys": [{{"id": "k1", "sha256": "{digest}", "consumer": "team-a"}}]}},
                "mesh": [{{"principal": "spiffe://cluster.local/ns/b/*", "consumer": "team-b"}}]}}"#
        ));
        let ok = a
            .authenticate(
                &headers(&[("authorization", "Bearer tg-key-for-team-a-0123456789")]),
                None,
                None,
                0,
            )
            .unwrap();
        assert_eq!((ok.consumer.as_str(), ok.via), ("team-a", Via::ApiKey));
        assert_eq!(ok.credential_id.as_deref(), Some("k1"));
        // A bad key is refused even from a known peer: no fall-through.
        let bad = a.authenticate(
            &headers(&[("x-api-key", "tg-wrong-key-000000000000")]),
            Some("spiffe://cluster.local/ns/b/sa/x"),
            None,
            0,
        );
        assert_eq!(bad.unwrap_err(), Rejection::Key(KeyReject::Unknown));
        // No key: the mesh identity.
        let mesh = a
            .authenticate(
                &headers(&[]),
                Some("spiffe://cluster.local/ns/b/sa/x"),
                None,
                0,
            )
            .unwrap();
        assert_eq!((mesh.consumer.as_str(), mesh.via), ("team-b", Via::Mesh));
        // Nothing: refused, unless anonymous is configured.
        assert_eq!(
            a.authenticate(&headers(&[]), None, None, 0).unwrap_err(),
            Rejection::Missing
        );
        let anon = build(r#"{"anonymous": "guest"}"#);
        assert_eq!(
            anon.authenticate(&headers(&[]), None, None, 0).unwrap().via,
            Via::Anonymous
        );
    }

    #[test]
    fn permissions_by_consumer_then_group_then_default() {
        let a = build(
            r#"{"groups": {"research": ["alice", "bob"]},
                "consumers": {"research": {"models": ["o3"]}, "bob": {"models": ["gpt-4o"]}},
                "default_permissions": {"models": ["gpt-4o-mini"]}}"#,
        );
        assert!(a.permissions("alice").allows_model("o3"));
        assert!(a.permissions("bob").allows_model("gpt-4o"));
        assert!(!a.permissions("bob").allows_model("o3"));
        assert!(a.permissions("carol").allows_model("gpt-4o-mini"));
        let e =
            config::parse::<AuthConfig>(br#"{"groups": {"a": ["x"], "b": ["x"]}}"#).unwrap_err();
        assert_eq!(e.to_string(), "groups.b[0]: consumer is already in group a");
    }

    #[test]
    fn a_jwt_without_a_key_set_fails_closed() {
        let a = build(
            r#"{"jwt": {"issuer": "https://idp.example", "audiences": ["llm"], "jwks": {"remote": {"cluster": "idp"}}}}"#,
        );
        assert!(a.remote_jwks().is_some());
        let token = "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
        let h = move |name: &str| (name == "authorization").then(|| token.to_owned());
        let r = a.authenticate(&h, None, None, 0).unwrap_err();
        assert_eq!((r.reason(), r.status()), ("jwks_unavailable", 503));
    }

    #[test]
    fn provider_keys_come_from_the_environment() {
        let a = build(r#"{"providers": [{"header": "authorization", "env": "OPENAI_API_KEY"}]}"#);
        assert_eq!(
            a.providers()
                .for_request("api.openai.com", "/v1/chat/completions"),
            Some(Injection::Key(
                "authorization",
                "Bearer sk-provider".to_owned()
            ))
        );
        // A missing variable does not stop the filter: its routes are
        // unavailable (503 in the filter), the rest work.
        let c: AuthConfig =
            config::parse(br#"{"providers": [{"header": "x-api-key", "env": "MISSING"}]}"#)
                .unwrap();
        let a = Authenticator::new(&c, |_| None).unwrap();
        assert_eq!(a.providers().missing(), ["MISSING"]);
    }
}
