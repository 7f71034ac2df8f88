//! JSON Web Key Sets (RFC 7517): parsed once (at configure time or after a
//! fetch) into ready-to-verify public keys.
//!
//! A key set from an identity provider often carries keys this verifier cannot
//! or must not use (encryption keys, other curves, RSA-OAEP `alg`s). Those are
//! *skipped and counted* ([`Jwks::skipped`]), never fatal, so one odd key does
//! not take the others down. A set with no usable key at all is an error, so a
//! broken fetch never replaces a working cached set.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rsa::traits::PublicKeyParts as _;
use serde_json::{Map, Value};

use super::Alg;

/// Largest key set accepted, in bytes.
pub const MAX_JWKS_BYTES: usize = 64 * 1024;
/// Most keys (usable or not) in a key set.
pub const MAX_JWKS_KEYS: usize = 64;
/// Smallest RSA modulus accepted, in bits.
const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits (verification cost grows with it).
const MAX_RSA_BITS: usize = 8192;
/// Smallest HS256 secret, in bytes (RFC 7518 3.2: at least the hash size).
const MIN_OCT_BYTES: usize = 32;
/// Largest HS256 secret, in bytes.
const MAX_OCT_BYTES: usize = 512;
/// Longest `kid`, in bytes.
const MAX_KID_BYTES: usize = 256;

/// Why [`Jwks::parse`] refused a key set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwksError {
    /// More than [`MAX_JWKS_BYTES`].
    #[error("key set larger than 65536 bytes")]
    TooLarge,
    /// Not a JSON object (or a duplicated key in it).
    #[error("key set is not a JSON object")]
    NotJson,
    /// No `keys` array.
    #[error("key set has no `keys` array")]
    NoKeys,
    /// More than [`MAX_JWKS_KEYS`] keys.
    #[error("key set has more than 64 keys")]
    TooManyKeys,
    /// Every key was skipped (`skipped` of them).
    #[error("key set has no usable key ({skipped} skipped)")]
    NoUsableKeys {
        /// How many keys were skipped.
        skipped: usize,
    },
}

/// Why one key of a set was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// Not a JSON object, or `kty` missing or not a string.
    NotAKey,
    /// A `kty` other than RSA, EC, OKP, oct.
    UnknownKeyType,
    /// An EC or OKP curve other than P-256, P-384, Ed25519.
    UnsupportedCurve,
    /// `use` other than `sig`, or `key_ops` without `verify`.
    NotForSignatures,
    /// An `alg` this verifier does not implement, or one that does not fit the key type.
    UnsupportedAlg,
    /// Key parameters missing, not strict base64url, of the wrong length, or
    /// not a valid key (point not on the curve…).
    BadKeyMaterial,
    /// An RSA modulus outside 2048..=8192 bits.
    RsaModulusSize,
    /// Private key material (`d`) in a public key set.
    PrivateKey,
    /// An `oct` secret shorter than 32 bytes or longer than 512.
    OctSize,
    /// A `kid` that is not a string, longer than 256 bytes or with control characters.
    BadKid,
}

/// A key that was skipped: its position, its `kid` if readable, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Index in the `keys` array.
    pub index: usize,
    /// The key's `kid`, when it had an acceptable one.
    pub kid: Option<String>,
    /// Why it was skipped.
    pub reason: SkipReason,
}

/// The type of a usable key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// RSA, with its modulus size in bits.
    Rsa {
        /// Modulus size in bits.
        bits: usize,
    },
    /// ECDSA on P-256.
    EcP256,
    /// ECDSA on P-384.
    EcP384,
    /// Ed25519.
    Ed25519,
    /// A shared HMAC secret (usable only when HS256 is enabled).
    Oct,
}

/// The verifying half of a key, ready to use.
#[derive(Clone)]
pub(super) enum KeyMaterial {
    Rsa(rsa::RsaPublicKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
    Oct(Vec<u8>),
}

/// One usable key of a set.
#[derive(Clone)]
pub struct Jwk {
    kid: Option<String>,
    alg: Option<Alg>,
    material: KeyMaterial,
}

impl std::fmt::Debug for Jwk {
    // No key material (an `oct` key is a secret).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwk")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("type", &self.key_type())
            .finish()
    }
}

impl Jwk {
    /// The key's `kid`.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }
    /// The key's own `alg`, when it names one: tokens must then use exactly it.
    pub fn alg(&self) -> Option<Alg> {
        self.alg
    }
    /// The key's type.
    pub fn key_type(&self) -> KeyType {
        match &self.material {
            KeyMaterial::Rsa(k) => KeyType::Rsa { bits: k.n().bits() },
            KeyMaterial::P256(_) => KeyType::EcP256,
            KeyMaterial::P384(_) => KeyType::EcP384,
            KeyMaterial::Ed25519(_) => KeyType::Ed25519,
            KeyMaterial::Oct(_) => KeyType::Oct,
        }
    }
    pub(super) fn material(&self) -> &KeyMaterial {
        &self.material
    }
}

/// A parsed key set: the usable keys and the skipped ones.
#[derive(Debug, Clone, Default)]
pub struct Jwks {
    keys: Vec<Jwk>,
    skipped: Vec<Skipped>,
}

impl Jwks {
    /// Parse an RFC 7517 key set (`{"keys": [...]}`), bounded to
    /// [`MAX_JWKS_BYTES`] and [`MAX_JWKS_KEYS`]; unusable keys are skipped.
    pub fn parse(json: &[u8]) -> Result<Jwks, JwksError> {
        if json.len() > MAX_JWKS_BYTES {
            return Err(JwksError::TooLarge);
        }
        let top = crate::request::strict_json::object(json).ok_or(JwksError::NotJson)?;
        let Some(Value::Array(list)) = top.get("keys") else {
            return Err(JwksError::NoKeys);
        };
        if list.len() > MAX_JWKS_KEYS {
            return Err(JwksError::TooManyKeys);
        }
        let mut set = Jwks::default();
        for (index, key) in list.iter().enumerate() {
            let kid = match key.get("kid") {
                Some(Value::String(k)) if good_kid(k) => Some(k.clone()),
                None => None,
                Some(_) => {
                    set.skipped.push(Skipped {
                        index,
                        kid: None,
                        reason: SkipReason::BadKid,
                    });
                    continue;
                }
            };
            match key.as_object().ok_or(SkipReason::NotAKey).and_then(one) {
                Ok((alg, material)) => set.keys.push(Jwk { kid, alg, material }),
                Err(reason) => set.skipped.push(Skipped { index, kid, reason }),
            }
        }
        if set.keys.is_empty() {
            return Err(JwksError::NoUsableKeys {
                skipped: set.skipped.len(),
            });
        }
        Ok(set)
    }

    /// A key set of the given keys (for tests and for merging sets).
    pub fn from_keys(keys: Vec<Jwk>) -> Jwks {
        Jwks {
            keys,
            skipped: Vec::new(),
        }
    }

    /// The usable keys, in document order.
    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// The keys that were skipped, and why.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// How many usable keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there is no usable key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

fn good_kid(kid: &str) -> bool {
    kid.len() <= MAX_KID_BYTES && !kid.chars().any(char::is_control)
}

/// One key object: its `alg` and material, or why it is skipped.
fn one(key: &Map<String, Value>) -> Result<(Option<Alg>, KeyMaterial), SkipReason> {
    let Some(Value::String(kty)) = key.get("kty") else {
        return Err(SkipReason::NotAKey);
    };
    match key.get("use") {
        None => {}
        Some(Value::String(u)) if u == "sig" => {}
        Some(_) => return Err(SkipReason::NotForSignatures),
    }
    match key.get("key_ops") {
        None => {}
        Some(Value::Array(ops)) if ops.iter().any(|o| o.as_str() == Some("verify")) => {}
        Some(_) => return Err(SkipReason::NotForSignatures),
    }
    let material = match kty.as_str() {
        "RSA" => {
            private(key)?;
            rsa_key(bytes(key, "n")?, bytes(key, "e")?)?
        }
        "EC" => {
            private(key)?;
            let x = bytes(key, "x")?;
            let y = bytes(key, "y")?;
            let sec1 = |len: usize| -> Result<Vec<u8>, SkipReason> {
                if x.len() != len || y.len() != len {
                    return Err(SkipReason::BadKeyMaterial);
                }
                let mut point = Vec::with_capacity(len.saturating_mul(2).saturating_add(1));
                point.push(0x04);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                Ok(point)
            };
            match key.get("crv").and_then(Value::as_str) {
                Some("P-256") => KeyMaterial::P256(
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1(32)?)
                        .map_err(|_| SkipReason::BadKeyMaterial)?,
                ),
                Some("P-384") => KeyMaterial::P384(
                    p384::ecdsa::VerifyingKey::from_sec1_bytes(&sec1(48)?)
                        .map_err(|_| SkipReason::BadKeyMaterial)?,
                ),
                _ => return Err(SkipReason::UnsupportedCurve),
            }
        }
        "OKP" => {
            private(key)?;
            if key.get("crv").and_then(Value::as_str) != Some("Ed25519") {
                return Err(SkipReason::UnsupportedCurve);
            }
            let x = <[u8; 32]>::try_from(bytes(key, "x")?.as_slice())
                .map_err(|_| SkipReason::BadKeyMaterial)?;
            KeyMaterial::Ed25519(
                ed25519_dalek::VerifyingKey::from_bytes(&x)
                    .map_err(|_| SkipReason::BadKeyMaterial)?,
            )
        }
        "oct" => {
            let k = bytes(key, "k")?;
            if k.len() < MIN_OCT_BYTES || k.len() > MAX_OCT_BYTES {
                return Err(SkipReason::OctSize);
            }
            KeyMaterial::Oct(k)
        }
        _ => return Err(SkipReason::UnknownKeyType),
    };
    let alg = match key.get("alg") {
        None => None,
        Some(Value::String(name)) => {
            let alg = Alg::from_name(name).ok_or(SkipReason::UnsupportedAlg)?;
            if !alg.fits(&material) {
                return Err(SkipReason::UnsupportedAlg);
            }
            Some(alg)
        }
        Some(_) => return Err(SkipReason::UnsupportedAlg),
    };
    Ok((alg, material))
}

fn private(key: &Map<String, Value>) -> Result<(), SkipReason> {
    if key.contains_key("d") {
        Err(SkipReason::PrivateKey)
    } else {
        Ok(())
    }
}

/// A strict base64url member.
fn bytes(key: &Map<String, Value>, name: &str) -> Result<Vec<u8>, SkipReason> {
    let Some(Value::String(s)) = key.get(name) else {
        return Err(SkipReason::BadKeyMaterial);
    };
    URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| SkipReason::BadKeyMaterial)
}

fn rsa_key(n: Vec<u8>, e: Vec<u8>) -> Result<KeyMaterial, SkipReason> {
    // A public exponent wider than 8 bytes is not a real key.
    if e.is_empty() || e.len() > 8 {
        return Err(SkipReason::BadKeyMaterial);
    }
    let n = rsa::BigUint::from_bytes_be(&n);
    let bits = n.bits();
    if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
        return Err(SkipReason::RsaModulusSize);
    }
    let e = rsa::BigUint::from_bytes_be(&e);
    rsa::RsaPublicKey::new_with_max_size(n, e, MAX_RSA_BITS)
        .map(KeyMaterial::Rsa)
        .map_err(|_| SkipReason::BadKeyMaterial)
}
