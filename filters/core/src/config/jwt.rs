//! The `jwt.validation` part of `auth`'s configuration: what a valid token
//! must satisfy. The verifier is [`crate::auth::jwt`].

use serde::{Deserialize, Deserializer};

/// Largest `max_token_bytes` a configuration may set.
pub const MAX_TOKEN_BYTES_LIMIT: usize = 64 * 1024;

/// Largest `leeway_secs` a configuration may set (one hour).
pub const MAX_LEEWAY_SECS: u64 = 3600;

/// A JWS signature algorithm this verifier supports (RFC 7518 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Alg {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
    PS256,
    /// ECDSA on P-256 with SHA-256 (raw `r||s`, 64 bytes).
    ES256,
    /// ECDSA on P-384 with SHA-384 (raw `r||s`, 96 bytes).
    ES384,
    /// Ed25519 (RFC 8037).
    EdDSA,
    /// HMAC with SHA-256: only when enabled, and only with an `oct` key.
    HS256,
}

impl Alg {
    /// The RFC 7518 name, as it appears in a token header.
    pub fn name(self) -> &'static str {
        match self {
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
            Alg::PS256 => "PS256",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::EdDSA => "EdDSA",
            Alg::HS256 => "HS256",
        }
    }

    /// The algorithm with this exact (case-sensitive) RFC 7518 name.
    pub fn from_name(name: &str) -> Option<Alg> {
        Some(match name {
            "RS256" => Alg::RS256,
            "RS384" => Alg::RS384,
            "RS512" => Alg::RS512,
            "PS256" => Alg::PS256,
            "ES256" => Alg::ES256,
            "ES384" => Alg::ES384,
            "EdDSA" => Alg::EdDSA,
            "HS256" => Alg::HS256,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Alg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a valid token must satisfy (the `jwt` part of the `auth` config).
///
/// Defaults: `audiences` empty (audience not checked), `algorithms`
/// `["RS256", "ES256"]`, `allow_hs256` false, `leeway_secs` 60,
/// `required_claims` empty, `consumer_claim` `"sub"`, `max_token_bytes` 8192,
/// `require_exp` true. `issuer` has no default. Call [`Validation::check`]
/// after deserializing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Validation {
    /// Accepted `iss` values: a string or a list (required, non-empty).
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "schema", schemars(schema_with = "one_or_many_schema"))]
    pub issuer: Vec<String>,
    /// Accepted audiences: a token passes if any of its `aud` values is
    /// listed. Required: an issuer mints tokens for many apps, and one
    /// minted for another must not pass here. `"any"` accepts every
    /// audience, on purpose.
    #[serde(default)]
    pub audiences: Audiences,
    /// Algorithms a token may use. HS256 counts only with `allow_hs256`.
    #[serde(default = "default_algorithms")]
    pub algorithms: Vec<Alg>,
    /// The second switch HS256 needs (shared secrets are easy to leak).
    #[serde(default)]
    pub allow_hs256: bool,
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
    #[serde(default = "default_leeway")]
    pub leeway_secs: u64,
    /// Claims that must be present (and not `null`).
    #[serde(default)]
    pub required_claims: Vec<String>,
    /// The claim naming the consumer.
    #[serde(default = "default_consumer_claim")]
    pub consumer_claim: String,
    /// Longest token accepted, in bytes, checked before any decoding.
    #[serde(default = "default_max_token_bytes")]
    pub max_token_bytes: usize,
    /// Whether a token without `exp` is refused.
    #[serde(default = "default_true")]
    pub require_exp: bool,
}

/// The audiences a token may be for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audiences {
    /// Any audience (`"audiences": "any"`).
    Any,
    /// One of these (an empty list is refused by [`Validation::check`]).
    List(Vec<String>),
}

impl Default for Audiences {
    fn default() -> Self {
        Self::List(Vec::new())
    }
}

impl<'de> Deserialize<'de> for Audiences {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            List(Vec<String>),
        }
        match Raw::deserialize(d)? {
            Raw::Word(w) if w == "any" => Ok(Self::Any),
            Raw::Word(_) => Err(serde::de::Error::custom(
                "expected a list of audiences or \"any\"",
            )),
            Raw::List(l) => Ok(Self::List(l)),
        }
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Audiences {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Audiences".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [
                {"const": "any"},
                {"type": "array", "items": {"type": "string"}, "minItems": 1}
            ]
        })
    }
}

fn default_algorithms() -> Vec<Alg> {
    vec![Alg::RS256, Alg::ES256]
}

fn default_leeway() -> u64 {
    60
}

fn default_consumer_claim() -> String {
    "sub".to_string()
}

fn default_max_token_bytes() -> usize {
    8192
}

fn default_true() -> bool {
    true
}

/// The schema of what [`one_or_many`] reads: a string or a list of them.
#[cfg(feature = "schema")]
fn one_or_many_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}}
        ]
    })
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => Ok(vec![s]),
        OneOrMany::Many(v) => Ok(v),
    }
}

/// A [`Validation`] that cannot work as written: `field: problem`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct ValidationError {
    /// The offending field.
    pub field: &'static str,
    /// What is wrong with it.
    pub problem: &'static str,
}

impl Validation {
    /// The defaults, with the given accepted issuers.
    pub fn new(issuers: Vec<String>) -> Validation {
        Validation {
            issuer: issuers,
            audiences: Audiences::Any,
            algorithms: default_algorithms(),
            allow_hs256: false,
            leeway_secs: default_leeway(),
            required_claims: Vec::new(),
            consumer_claim: default_consumer_claim(),
            max_token_bytes: default_max_token_bytes(),
            require_exp: true,
        }
    }

    /// Refuse settings that cannot be meant: no issuer, no algorithm, HS256
    /// listed without `allow_hs256` (or the reverse), limits out of range.
    pub fn check(&self) -> Result<(), ValidationError> {
        let bad = |field, problem| Err(ValidationError { field, problem });
        if self.issuer.is_empty() || self.issuer.iter().any(String::is_empty) {
            return bad("issuer", "must name at least one non-empty issuer");
        }
        match &self.audiences {
            Audiences::Any => {}
            Audiences::List(l) if l.is_empty() => {
                return bad(
                    "audiences",
                    "must list the audiences this gateway accepts (or be \"any\", on purpose): \
                     without it a token the issuer minted for any other app passes",
                )
            }
            Audiences::List(l) if l.iter().any(String::is_empty) => {
                return bad("audiences", "empty audience")
            }
            Audiences::List(_) => {}
        }
        if self.algorithms.is_empty() {
            return bad("algorithms", "must list at least one algorithm");
        }
        let hs = self.algorithms.contains(&Alg::HS256);
        if hs && !self.allow_hs256 {
            return bad("algorithms", "HS256 is listed but allow_hs256 is not true");
        }
        if self.allow_hs256 && !hs {
            return bad("allow_hs256", "true but HS256 is not in algorithms");
        }
        if self.leeway_secs > MAX_LEEWAY_SECS {
            return bad("leeway_secs", "must be at most 3600");
        }
        if self.consumer_claim.is_empty() {
            return bad("consumer_claim", "must not be empty");
        }
        if self.required_claims.iter().any(String::is_empty) {
            return bad("required_claims", "empty claim name");
        }
        if self.max_token_bytes == 0 || self.max_token_bytes > MAX_TOKEN_BYTES_LIMIT {
            return bad("max_token_bytes", "must be between 1 and 65536");
        }
        Ok(())
    }

    pub(crate) fn allows(&self, alg: Alg) -> bool {
        self.algorithms.contains(&alg) && (alg != Alg::HS256 || self.allow_hs256)
    }
}
