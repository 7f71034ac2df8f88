//! JSON Web Tokens: a pure, host-call-free verifier for the `auth` filter.
//!
//! ```
//! use tollgate_core::auth::jwt::{verify, Jwks, Validation};
//!
//! let jwks = Jwks::parse(br#"{"keys":[{"kty":"oct","kid":"k1","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}]}"#).unwrap();
//! let validation: Validation = serde_json::from_str(
//!     r#"{"issuer": "https://idp.example", "algorithms": ["HS256"], "allow_hs256": true}"#,
//! ).unwrap();
//! // A token signed by someone else is refused with a reason, never with its content.
//! let err = verify("e30.e30.AAAA", &jwks, &validation, 1_700_000_000).unwrap_err();
//! assert_eq!(err.reason(), "malformed");
//! ```
//!
//! The filter gathers the token (from `Authorization: Bearer`), the JWKS (inline
//! or fetched and cached by the filter) and the clock (`now_unix` from the host),
//! and calls [`verify`]. Everything here is a pure function of those inputs, so
//! the whole attack suite runs as unit tests.
//!
//! # Design choices, and why
//! - **The algorithm comes from configuration, not from the token.** The header's
//!   `alg` is only *checked*: it must be in [`Validation::algorithms`], agree with
//!   the key's type and with the JWK's own `alg` when it has one. That closes the
//!   classic confusion where an HMAC token is "verified" with an RSA public key
//!   used as the secret ([`JwtReject::AlgKeyMismatch`]). HS256 needs two switches
//!   (listed *and* `allow_hs256: true`) and an `oct` key.
//! - **Keys never come from the token.** `jwk`, `jku`, `x5u`, `x5c` headers are
//!   ignored; only the configured [`Jwks`] is used.
//! - **Strict encodings.** Base64url without padding and with canonical trailing
//!   bits; header and payload must be JSON objects, and a duplicated key anywhere
//!   in them is refused: two parsers that keep different duplicates would let a
//!   token mean one thing here and another upstream.
//! - **Signature before claims.** The payload is decoded only after the
//!   signature has verified, so unauthenticated bytes never reach the claim logic.
//! - **Bounded work.** The token is refused before any decoding when longer than
//!   `max_token_bytes` (default 8 KiB); a JWKS is at most 64 KiB and 64 keys;
//!   without a `kid`, at most [`MAX_KEY_TRIES`] keys of the right type are tried.
//! - **No client text in errors.** [`JwtReject`]'s `Display` names a reason only;
//!   never the token, the claims or the token's `kid` (client text could forge
//!   log lines). [`Verified::kid`] is the *configured* key's id.
//! - **Signatures** follow RFC 7518: RSA PKCS#1 v1.5 (RS256/384/512), RSA-PSS
//!   with SHA-256, MGF1 and a 32-byte salt (PS256), ECDSA with the raw `r||s`
//!   form (64 bytes for ES256, 96 for ES384; DER is refused), Ed25519 with the
//!   strict check (no small-order keys or non-canonical `R`), HMAC-SHA256 with a
//!   constant-time comparison of the full 32-byte tag.
//!
//! # Deliberate limits
//! - JWE (5-part tokens), unencoded payloads (`b64: false`) and any non-empty
//!   `crit` are refused.
//! - Time claims are NumericDate numbers (fractions allowed); any other type is
//!   refused as malformed. `audiences` is required like `issuer`: without it
//!   a token the issuer minted for any other app would pass; `"any"` turns
//!   the check off, on purpose and visibly in review.
//! - The consumer claim must be a non-empty string of at most
//!   [`MAX_CONSUMER_BYTES`] bytes without control characters (it becomes a
//!   request header).

use crate::request::strict_json as json;
mod jwks;

#[cfg(test)]
mod tests;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};

pub use crate::config::jwt::{
    Alg, Audiences, Validation, ValidationError, MAX_LEEWAY_SECS, MAX_TOKEN_BYTES_LIMIT,
};
pub use jwks::{Jwk, Jwks, JwksError, KeyType, SkipReason, Skipped, MAX_JWKS_BYTES, MAX_JWKS_KEYS};

use jwks::KeyMaterial;

/// Without a `kid` in the token, how many keys of the right type are tried
/// before giving up (each try is a signature verification).
pub const MAX_KEY_TRIES: usize = 4;

/// Longest consumer name taken from a claim (it becomes a header value).
pub const MAX_CONSUMER_BYTES: usize = 256;

impl Alg {
    /// Whether a key of this type can verify this algorithm.
    fn fits(self, key: &KeyMaterial) -> bool {
        matches!(
            (self, key),
            (
                Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256,
                KeyMaterial::Rsa(_)
            ) | (Alg::ES256, KeyMaterial::P256(_))
                | (Alg::ES384, KeyMaterial::P384(_))
                | (Alg::EdDSA, KeyMaterial::Ed25519(_))
                | (Alg::HS256, KeyMaterial::Oct(_))
        )
    }
}

/// A token that verified: who it names, which key, and its claims.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The value of the configured consumer claim.
    pub consumer: String,
    /// The `kid` of the configured key that verified the signature.
    pub kid: Option<String>,
    /// The algorithm used.
    pub alg: Alg,
    /// The payload's claims (for permissions and labels; never log values).
    pub claims: Map<String, Value>,
}

/// Why a token was refused. `Display` names the reason only: no token text,
/// no claim values, no client-supplied `kid`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtReject {
    /// Not three strict-base64url parts of JSON objects, or a header or claim
    /// of the wrong type.
    #[error("malformed token")]
    Malformed,
    /// Longer than `max_token_bytes`.
    #[error("token too large")]
    TooLarge,
    /// `alg: none` (in any case).
    #[error("unsigned token (alg none)")]
    AlgNone,
    /// An algorithm not allowed by configuration; `None`: not one this verifier knows.
    #[error("algorithm {} not allowed", .0.map_or("(unsupported)", Alg::name))]
    AlgNotAllowed(Option<Alg>),
    /// The token's algorithm does not fit the selected key's type, or the
    /// JWK's own `alg` says otherwise.
    #[error("algorithm does not match the key")]
    AlgKeyMismatch,
    /// The token names a `kid` that is not in the key set.
    #[error("unknown key id")]
    UnknownKid,
    /// No `kid`, and no key of the algorithm's type in the key set.
    #[error("no key for this algorithm")]
    NoKey,
    /// The signature does not verify.
    #[error("bad signature")]
    BadSignature,
    /// `exp` is past (beyond the leeway). A missing `exp` is
    /// [`JwtReject::MissingClaim`].
    #[error("token expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("token not yet valid")]
    NotYetValid,
    /// `iat` is in the future (beyond the leeway).
    #[error("token issued in the future")]
    IssuedInFuture,
    /// `iss` missing or not accepted.
    #[error("wrong issuer")]
    WrongIssuer,
    /// No `aud` value is among the accepted audiences.
    #[error("wrong audience")]
    WrongAudience,
    /// A required claim (or `exp` when required) is absent; the configured name.
    #[error("missing claim {0}")]
    MissingClaim(String),
    /// The consumer claim is absent, not a string, empty, too long or has
    /// control characters.
    #[error("no consumer in token")]
    NoConsumer,
    /// A header this verifier does not implement: a non-empty `crit`, or a
    /// `typ` other than JWT / at+jwt. The header name.
    #[error("unsupported header {0}")]
    UnsupportedHeader(&'static str),
}

impl JwtReject {
    /// A short stable label for metrics and logs (`"bad_signature"` …).
    pub fn reason(&self) -> &'static str {
        match self {
            JwtReject::Malformed => "malformed",
            JwtReject::TooLarge => "too_large",
            JwtReject::AlgNone => "alg_none",
            JwtReject::AlgNotAllowed(_) => "alg_not_allowed",
            JwtReject::AlgKeyMismatch => "alg_key_mismatch",
            JwtReject::UnknownKid => "unknown_kid",
            JwtReject::NoKey => "no_key",
            JwtReject::BadSignature => "bad_signature",
            JwtReject::Expired => "expired",
            JwtReject::NotYetValid => "not_yet_valid",
            JwtReject::IssuedInFuture => "issued_in_future",
            JwtReject::WrongIssuer => "wrong_issuer",
            JwtReject::WrongAudience => "wrong_audience",
            JwtReject::MissingClaim(_) => "missing_claim",
            JwtReject::NoConsumer => "no_consumer",
            JwtReject::UnsupportedHeader(_) => "unsupported_header",
        }
    }
}

/// Strict base64url: no padding, no whitespace, canonical trailing bits.
fn b64(part: &str) -> Result<Vec<u8>, JwtReject> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JwtReject::Malformed)
}

/// Verify `token` (the compact JWS, without `Bearer `) against `jwks` and
/// `validation` at time `now_unix` (seconds since the epoch, from the host).
pub fn verify(
    token: &str,
    jwks: &Jwks,
    validation: &Validation,
    now_unix: u64,
) -> Result<Verified, JwtReject> {
    if token.len() > validation.max_token_bytes {
        return Err(JwtReject::TooLarge);
    }
    let mut parts = token.split('.');
    let (Some(h64), Some(p64), Some(s64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtReject::Malformed);
    };
    let header = json::object(&b64(h64)?).ok_or(JwtReject::Malformed)?;
    let alg = header_alg(&header, validation)?;
    check_header(&header)?;
    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(k)) => Some(k.as_str()),
        Some(_) => return Err(JwtReject::Malformed),
    };
    let signature = b64(s64)?;
    // The signing input is the ASCII text `header.payload`, as received.
    let signing_input = token
        .len()
        .checked_sub(s64.len())
        .and_then(|end| end.checked_sub(1))
        .and_then(|end| token.get(..end))
        .ok_or(JwtReject::Malformed)?;
    let key = check_signature(alg, kid, signing_input.as_bytes(), &signature, jwks)?;
    let claims = json::object(&b64(p64)?).ok_or(JwtReject::Malformed)?;
    check_claims(&claims, validation, now_unix)?;
    let consumer = consumer(&claims, &validation.consumer_claim)?;
    Ok(Verified {
        consumer,
        kid: key.kid().map(str::to_string),
        alg,
        claims,
    })
}

fn header_alg(header: &Map<String, Value>, validation: &Validation) -> Result<Alg, JwtReject> {
    let Some(Value::String(name)) = header.get("alg") else {
        return Err(JwtReject::Malformed);
    };
    if name.eq_ignore_ascii_case("none") {
        return Err(JwtReject::AlgNone);
    }
    let alg = Alg::from_name(name).ok_or(JwtReject::AlgNotAllowed(None))?;
    if !validation.allows(alg) {
        return Err(JwtReject::AlgNotAllowed(Some(alg)));
    }
    Ok(alg)
}

fn check_header(header: &Map<String, Value>) -> Result<(), JwtReject> {
    match header.get("typ") {
        None => {}
        Some(Value::String(t)) => {
            let t = strip_prefix_ignore_case(t, "application/").unwrap_or(t);
            if !(t.eq_ignore_ascii_case("jwt") || t.eq_ignore_ascii_case("at+jwt")) {
                return Err(JwtReject::UnsupportedHeader("typ"));
            }
        }
        Some(_) => return Err(JwtReject::Malformed),
    }
    match header.get("crit") {
        None => {}
        Some(Value::Array(a)) if a.is_empty() => {}
        Some(_) => return Err(JwtReject::UnsupportedHeader("crit")),
    }
    match header.get("b64") {
        None | Some(Value::Bool(true)) => {}
        Some(_) => return Err(JwtReject::UnsupportedHeader("b64")),
    }
    Ok(())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let (head, tail) = s.split_at_checked(prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then_some(tail)
}

/// Select the key(s) and verify; the key that verified.
fn check_signature<'k>(
    alg: Alg,
    kid: Option<&str>,
    input: &[u8],
    signature: &[u8],
    jwks: &'k Jwks,
) -> Result<&'k Jwk, JwtReject> {
    // A key fits when its type suits the algorithm and its own `alg`, if any, agrees.
    let fits = |k: &Jwk| alg.fits(k.material()) && k.alg().is_none_or(|a| a == alg);
    match kid {
        Some(kid) => {
            let mut named = jwks
                .keys()
                .iter()
                .filter(|k| k.kid() == Some(kid))
                .peekable();
            if named.peek().is_none() {
                return Err(JwtReject::UnknownKid);
            }
            let mut fitting = named.filter(|k| fits(k)).take(MAX_KEY_TRIES).peekable();
            if fitting.peek().is_none() {
                return Err(JwtReject::AlgKeyMismatch);
            }
            fitting
                .find(|k| signature_ok(alg, k.material(), input, signature))
                .ok_or(JwtReject::BadSignature)
        }
        None => {
            let mut fitting = jwks
                .keys()
                .iter()
                .filter(|k| fits(k))
                .take(MAX_KEY_TRIES)
                .peekable();
            if fitting.peek().is_none() {
                return Err(JwtReject::NoKey);
            }
            fitting
                .find(|k| signature_ok(alg, k.material(), input, signature))
                .ok_or(JwtReject::BadSignature)
        }
    }
}

fn signature_ok(alg: Alg, key: &KeyMaterial, input: &[u8], sig: &[u8]) -> bool {
    use rsa::traits::PublicKeyParts as _;
    use rsa::{Pkcs1v15Sign, Pss};
    match (alg, key) {
        (Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256, KeyMaterial::Rsa(pk)) => {
            // A signature is exactly as long as the modulus (RFC 8017 8.2.2).
            if sig.len() != pk.size() {
                return false;
            }
            match alg {
                Alg::RS256 => pk
                    .verify(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(input), sig)
                    .is_ok(),
                Alg::RS384 => pk
                    .verify(Pkcs1v15Sign::new::<Sha384>(), &Sha384::digest(input), sig)
                    .is_ok(),
                Alg::RS512 => pk
                    .verify(Pkcs1v15Sign::new::<Sha512>(), &Sha512::digest(input), sig)
                    .is_ok(),
                Alg::PS256 => pk
                    .verify(
                        Pss::new_with_salt::<Sha256>(32),
                        &Sha256::digest(input),
                        sig,
                    )
                    .is_ok(),
                _ => false,
            }
        }
        (Alg::ES256, KeyMaterial::P256(vk)) => {
            use p256::ecdsa::signature::Verifier as _;
            // Raw r||s only: a DER signature has another length (or fails as r||s).
            if sig.len() != 64 {
                return false;
            }
            p256::ecdsa::Signature::from_slice(sig).is_ok_and(|s| vk.verify(input, &s).is_ok())
        }
        (Alg::ES384, KeyMaterial::P384(vk)) => {
            use p384::ecdsa::signature::Verifier as _;
            if sig.len() != 96 {
                return false;
            }
            p384::ecdsa::Signature::from_slice(sig).is_ok_and(|s| vk.verify(input, &s).is_ok())
        }
        (Alg::EdDSA, KeyMaterial::Ed25519(vk)) => <[u8; 64]>::try_from(sig).is_ok_and(|b| {
            vk.verify_strict(input, &ed25519_dalek::Signature::from_bytes(&b))
                .is_ok()
        }),
        (Alg::HS256, KeyMaterial::Oct(secret)) => {
            use hmac::Mac as _;
            let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(secret) else {
                return false;
            };
            mac.update(input);
            // Full-length tag, compared in constant time.
            mac.verify_slice(sig).is_ok()
        }
        _ => false,
    }
}

/// A NumericDate claim as seconds (fractions allowed); `Err` when not a number.
fn time_claim(claims: &Map<String, Value>, name: &str) -> Result<Option<f64>, JwtReject> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or(JwtReject::Malformed),
        Some(_) => Err(JwtReject::Malformed),
    }
}

fn check_claims(
    claims: &Map<String, Value>,
    validation: &Validation,
    now_unix: u64,
) -> Result<(), JwtReject> {
    // Floats: exact for every realistic time, and fractional NumericDates work.
    let now = now_unix as f64;
    let leeway = validation.leeway_secs as f64;
    match time_claim(claims, "exp")? {
        Some(exp) if now >= exp + leeway => return Err(JwtReject::Expired),
        Some(_) => {}
        None if validation.require_exp => return Err(JwtReject::MissingClaim("exp".into())),
        None => {}
    }
    if time_claim(claims, "nbf")?.is_some_and(|nbf| nbf > now + leeway) {
        return Err(JwtReject::NotYetValid);
    }
    if time_claim(claims, "iat")?.is_some_and(|iat| iat > now + leeway) {
        return Err(JwtReject::IssuedInFuture);
    }
    match claims.get("iss") {
        Some(Value::String(iss)) if validation.issuer.iter().any(|i| i == iss) => {}
        _ => return Err(JwtReject::WrongIssuer),
    }
    if let Audiences::List(audiences) = &validation.audiences {
        let accepted = |a: &Value| a.as_str().is_some_and(|a| audiences.iter().any(|x| x == a));
        let ok = match claims.get("aud") {
            Some(a @ Value::String(_)) => accepted(a),
            Some(Value::Array(list)) => list.iter().any(accepted),
            _ => false,
        };
        if !ok {
            return Err(JwtReject::WrongAudience);
        }
    }
    for name in &validation.required_claims {
        if claims.get(name).is_none_or(Value::is_null) {
            return Err(JwtReject::MissingClaim(name.clone()));
        }
    }
    Ok(())
}

fn consumer(claims: &Map<String, Value>, claim: &str) -> Result<String, JwtReject> {
    match claims.get(claim) {
        // The consumer becomes a header value and a permissions key: visible
        // ASCII only, so an upstream that trims or folds it reads the same
        // name the permissions were looked up by (` admin` is not `admin`).
        Some(Value::String(c))
            if !c.is_empty()
                && c.len() <= MAX_CONSUMER_BYTES
                && c.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(c.clone())
        }
        _ => Err(JwtReject::NoConsumer),
    }
}
