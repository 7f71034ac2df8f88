//! API keys: finding the key a request presents, and checking it against the
//! configured digests.
//!
//! ```
//! use tollgate_core::auth::keys::{self, KeyEntry, KeyReject, KeySource, KeyStore};
//!
//! // Configuration holds the SHA-256 digest of a key, never the key.
//! let entry = KeyEntry {
//!     id: "demo-1".into(),
//!     sha256: keys::sha256_hex("tg-demo-key-0123456789"),
//!     consumer: "demo".into(),
//!     expires: None,
//!     disabled: false,
//! };
//! let store = KeyStore::new(vec![entry])?;
//!
//! let headers = [("authorization", "Bearer tg-demo-key-0123456789")];
//! let presented = keys::extract(KeySource::DEFAULT_ORDER, headers)?;
//! let found = store.verify(presented.as_str(), 1_700_000_000)?;
//! assert_eq!(found.consumer, "demo");
//!
//! let wrong = keys::extract(KeySource::DEFAULT_ORDER, [("x-api-key", "tg-not-a-real-key")])?;
//! assert_eq!(store.verify(wrong.as_str(), 0).unwrap_err(), KeyReject::Unknown);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Design
//!
//! - **Digests only.** A configuration (an Istio `WasmPlugin`, a ConfigMap)
//!   is read by many people and tools; it holds `sha256(key)` in lowercase
//!   hex, so reading it does not let anyone call the API. Keys are meant to
//!   be high-entropy random strings (`scripts/gen-key` makes them: 238 bits),
//!   for which an unsalted fast hash is the right tool: there is nothing to
//!   brute-force, and a slow KDF would cost every request. A plaintext key
//!   pasted into a digest field is refused with its own message
//!   ([`looks_like_plaintext_key`]).
//! - **Timing.** The store is a sorted list of digests; `verify` hashes the
//!   presented key and binary-searches for its digest, then confirms the
//!   match with a constant-time comparison ([`subtle::ConstantTimeEq`]) of
//!   the 32 digest bytes. The search does take time that depends on how the
//!   presented key's digest compares with the stored ones, but that can only
//!   teach an attacker bits of stored *digests*, and turning digest bits into
//!   a key needs a SHA-256 preimage: it leaks nothing usable about any key.
//!   The constant-time confirmation keeps the final equality decision free
//!   of early exits whatever the search does. A sorted list rather than a
//!   hash map also needs no random seed (wasm gets randomness from the host)
//!   and makes lookups deterministic.
//! - **Where keys are read.** `Authorization: Bearer <key>` (OpenAI SDKs),
//!   `x-api-key` (Anthropic SDKs) and `api-key` (Azure OpenAI SDKs), in a
//!   configured order ([`KeySource`]); never the query string, which ends up
//!   in access logs, browser history and proxies' caches. Two *different*
//!   keys in one request are refused ([`KeyReject::Ambiguous`]): whichever
//!   the filter picked, a later hop could pick the other. A bearer value
//!   shaped like a JWT (`eyJ…` with two dots) is not an API key and is left
//!   to the JWT method, so keys and JWTs can be enabled together.
//! - **Nothing secret in messages.** No error, `Debug` or `Display` output
//!   holds a presented key: logs get the key's configured `id`, or a
//!   [`fingerprint`] of a key that matched nothing.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::ConfigError;

pub use crate::config::auth::{
    looks_like_jwt, looks_like_plaintext_key, KeyEntry, KeySource, MAX_CONSUMER_LEN,
};

/// The fewest bytes a presented key may have.
pub const MIN_KEY_LEN: usize = 8;
/// The most bytes a presented key may have: generous for every provider's
/// format, small enough that hashing it is nothing.
pub const MAX_KEY_LEN: usize = 512;
/// The longest key `id`.
pub const MAX_ID_LEN: usize = 64;

impl KeySource {
    /// Every source, in the default order.
    pub const DEFAULT_ORDER: &'static [KeySource] = &[
        KeySource::Bearer,
        KeySource::XApiKey,
        KeySource::ApiKey,
        KeySource::GoogApiKey,
    ];

    /// The (lowercase) header this source reads; also the name used in
    /// configuration.
    pub fn header_name(self) -> &'static str {
        match self {
            Self::Bearer => "authorization",
            Self::XApiKey => "x-api-key",
            Self::ApiKey => "api-key",
            Self::GoogApiKey => "x-goog-api-key",
        }
    }

    /// The key this source finds in one value of its header, if any:
    /// `Ok(None)` when the value is not for this method (another
    /// `Authorization` scheme, a JWT), `Err(Malformed)` when it is meant as
    /// a key but is not a valid one.
    fn key_in(self, value: &[u8]) -> Result<Option<&[u8]>, KeyReject> {
        let value = value.trim_ascii();
        let key = match self {
            Self::Bearer => {
                let Some((scheme, rest)) = split_scheme(value) else {
                    return Ok(None);
                };
                if !scheme.eq_ignore_ascii_case(b"bearer") {
                    return Ok(None);
                }
                if looks_like_jwt(rest) {
                    return Ok(None);
                }
                rest
            }
            Self::XApiKey | Self::ApiKey | Self::GoogApiKey => value,
        };
        check_format(key)?;
        Ok(Some(key))
    }
}

/// `scheme SP+ credentials`, or `scheme` alone (then empty credentials).
fn split_scheme(value: &[u8]) -> Option<(&[u8], &[u8])> {
    if value.is_empty() {
        return None;
    }
    match value.iter().position(|&b| b == b' ' || b == b'\t') {
        Some(at) => {
            let (scheme, rest) = value.split_at_checked(at)?;
            Some((scheme, rest.trim_ascii_start()))
        }
        None => Some((value, &[])),
    }
}

/// Whether `key` has the shape every key must have: 8 to 512 bytes of visible
/// ASCII (no spaces or control characters). A key without it is refused as
/// [`KeyReject::Malformed`] before any digest is computed.
pub fn is_well_formed(key: &str) -> bool {
    check_format(key.as_bytes()).is_ok()
}

/// Checks the shape every presented key must have: 8 to 512 bytes of visible
/// ASCII (no spaces or control characters).
fn check_format(key: &[u8]) -> Result<(), KeyReject> {
    if (MIN_KEY_LEN..=MAX_KEY_LEN).contains(&key.len()) && key.iter().all(u8::is_ascii_graphic) {
        Ok(())
    } else {
        Err(KeyReject::Malformed)
    }
}

/// A key found in a request. Its `Debug` hides the key; read it with
/// [`PresentedKey::as_str`] only to verify it.
#[derive(Clone, PartialEq, Eq)]
pub struct PresentedKey {
    key: String,
    source: KeySource,
}

impl PresentedKey {
    /// The key itself (never log it: log [`PresentedKey::fingerprint`]).
    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// The header it came from (the first in the configured order that held
    /// it).
    pub fn source(&self) -> KeySource {
        self.source
    }

    /// The key's [`fingerprint`], for logs.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.key)
    }
}

impl fmt::Debug for PresentedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresentedKey")
            .field("source", &self.source)
            .field("fingerprint", &self.fingerprint())
            .finish()
    }
}

/// One request header, as a host gives it: `(name, value)` pairs with the
/// name as text and the value as text or bytes (`(String, String)`,
/// `(String, Vec<u8>)`, `(&str, &str)`, …), owned or borrowed.
pub trait Header {
    /// The header's name (any case).
    fn name(&self) -> &str;
    /// The header's value.
    fn value(&self) -> &[u8];
}

impl<N: AsRef<str>, V: AsRef<[u8]>> Header for (N, V) {
    fn name(&self) -> &str {
        self.0.as_ref()
    }
    fn value(&self) -> &[u8] {
        self.1.as_ref()
    }
}

impl<T: Header + ?Sized> Header for &T {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn value(&self) -> &[u8] {
        (**self).value()
    }
}

/// Finds the API key a request presents, looking in the headers of
/// `sources`, in that order.
///
/// `headers` is the request's header list as the host gives it (names in any
/// case, values as text or bytes); a header may occur several times. Every
/// value of every configured source is looked at:
/// - none holds a key: [`KeyReject::Missing`];
/// - one holds something meant as a key that is not a valid one (bad length,
///   spaces, control or non-ASCII bytes, `Bearer` with nothing after it):
///   [`KeyReject::Malformed`];
/// - two hold different keys: [`KeyReject::Ambiguous`] (the same key in
///   several headers, as some SDKs send, is fine).
///
/// Values not meant for this method are skipped: an `Authorization` header
/// with another scheme (`Basic`), or a bearer JWT.
pub fn extract<I>(sources: &[KeySource], headers: I) -> Result<PresentedKey, KeyReject>
where
    I: IntoIterator,
    I::Item: Header,
{
    // (rank in `sources`, key) of the best source seen so far.
    let mut found: Option<(usize, KeySource, Vec<u8>)> = None;
    let mut malformed = false;
    for header in headers {
        let (name, value) = (header.name(), header.value());
        let Some((rank, source)) = sources
            .iter()
            .enumerate()
            .find(|(_, s)| s.header_name().eq_ignore_ascii_case(name))
        else {
            continue;
        };
        let key = match source.key_in(value) {
            Ok(Some(key)) => key,
            Ok(None) => continue,
            Err(_) => {
                malformed = true;
                continue;
            }
        };
        match &mut found {
            None => found = Some((rank, *source, key.to_vec())),
            Some((best, best_source, best_key)) => {
                if best_key.as_slice() != key {
                    return Err(KeyReject::Ambiguous);
                }
                if rank < *best {
                    *best = rank;
                    *best_source = *source;
                }
            }
        }
    }
    if malformed {
        // A malformed value next to a valid key is still two credentials that
        // disagree; refusing is simpler to reason about than picking one.
        return Err(if found.is_some() {
            KeyReject::Ambiguous
        } else {
            KeyReject::Malformed
        });
    }
    let (_, source, key) = found.ok_or(KeyReject::Missing)?;
    // Checked as visible ASCII by `check_format`.
    let key = String::from_utf8(key).map_err(|_| KeyReject::Malformed)?;
    Ok(PresentedKey { key, source })
}

/// [`extract`] for a host that reads one header at a time: `get(name)`
/// returns the value of header `name` (lowercase), if present. A header that
/// occurs several times must be returned joined (Envoy joins with `,`), which
/// then reads as malformed.
pub fn extract_with<F>(sources: &[KeySource], get: F) -> Result<PresentedKey, KeyReject>
where
    F: Fn(&str) -> Option<String>,
{
    let headers = sources.iter().filter_map(|s| {
        let name = s.header_name();
        get(name).map(|v| (name, v))
    });
    extract(sources, headers)
}

/// Why a request's API key was not accepted. No variant holds the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyReject {
    /// No configured header held an API key.
    #[error("no API key presented")]
    Missing,
    /// A header meant to hold a key held something that is not a key.
    #[error("malformed API key")]
    Malformed,
    /// Two different keys (or a key and a malformed one) were presented.
    #[error("more than one API key presented")]
    Ambiguous,
    /// A well-formed key that matches no configured digest.
    #[error("unknown API key")]
    Unknown,
    /// A configured key past its `expires` time.
    #[error("API key {id} has expired")]
    Expired {
        /// The key's configured `id`.
        id: String,
    },
    /// A configured key marked `disabled`.
    #[error("API key {id} is disabled")]
    Disabled {
        /// The key's configured `id`.
        id: String,
    },
}

impl KeyReject {
    /// A short fixed name for metrics labels and log fields: `missing`,
    /// `malformed`, `ambiguous`, `unknown`, `expired`, `disabled`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Malformed => "malformed",
            Self::Ambiguous => "ambiguous",
            Self::Unknown => "unknown",
            Self::Expired { .. } => "expired",
            Self::Disabled { .. } => "disabled",
        }
    }
}

/// The configured keys, ready to verify presented ones.
#[derive(Debug, Clone)]
pub struct KeyStore {
    /// Entries sorted by digest, each with its decoded digest.
    entries: Vec<([u8; 32], KeyEntry)>,
}

impl KeyStore {
    /// Validates `entries` and builds the store. The error names the entry
    /// (its index in `entries`) and the field: an invalid `id` or
    /// `consumer`, a `sha256` that is not 64 lowercase hex digits (or looks
    /// like a key pasted in by mistake), a digest or an `id` used twice.
    pub fn new(entries: Vec<KeyEntry>) -> Result<Self, KeyError> {
        let mut decoded = Vec::with_capacity(entries.len());
        for (index, entry) in entries.into_iter().enumerate() {
            let err = |field, reason| KeyError {
                index,
                field,
                reason,
            };
            validate_id(&entry.id).map_err(|r| err("id", r))?;
            validate_consumer(&entry.consumer).map_err(|r| err("consumer", r))?;
            let digest = parse_digest(&entry.sha256).map_err(|r| err("sha256", r))?;
            decoded.push((index, digest, entry));
        }
        // Duplicate ids: sort a list of (id, index) and look at neighbours.
        let mut ids: Vec<(&str, usize)> = decoded
            .iter()
            .map(|(i, _, e)| (e.id.as_str(), *i))
            .collect();
        crate::sort::sort(&mut ids);
        for pair in ids.windows(2) {
            if let [(a, first), (b, second)] = pair {
                if a == b {
                    return Err(KeyError {
                        index: *second.max(first),
                        field: "id",
                        reason: KeyErrorReason::DuplicateId {
                            first: *second.min(first),
                        },
                    });
                }
            }
        }
        crate::sort::sort_by(&mut decoded, |(i, a, _), (j, b, _)| a.cmp(b).then(i.cmp(j)));
        for pair in decoded.windows(2) {
            if let [(first, a, _), (second, b, _)] = pair {
                if a == b {
                    return Err(KeyError {
                        index: *second,
                        field: "sha256",
                        reason: KeyErrorReason::DuplicateDigest { first: *first },
                    });
                }
            }
        }
        // An id may be a prefix of its key (that is what ids are for), but
        // never a key itself.
        for (index, _, entry) in &decoded {
            let digest: [u8; 32] = Sha256::digest(entry.id.as_bytes()).into();
            if decoded.binary_search_by(|(_, d, _)| d.cmp(&digest)).is_ok() {
                return Err(KeyError {
                    index: *index,
                    field: "id",
                    reason: KeyErrorReason::PlaintextKey,
                });
            }
        }
        Ok(Self {
            entries: decoded.into_iter().map(|(_, d, e)| (d, e)).collect(),
        })
    }

    /// The number of configured keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is configured.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Checks a presented key at time `now_unix` (seconds): the entry it
    /// matches, or why it is refused ([`KeyReject::Malformed`],
    /// [`KeyReject::Unknown`], [`KeyReject::Expired`],
    /// [`KeyReject::Disabled`]). A key is expired from its `expires` second
    /// on. A disabled key is reported as disabled even when also expired.
    pub fn verify(&self, presented: &str, now_unix: u64) -> Result<&KeyEntry, KeyReject> {
        check_format(presented.as_bytes())?;
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let at = self
            .entries
            .binary_search_by(|(d, _)| d.cmp(&digest))
            .map_err(|_| KeyReject::Unknown)?;
        let (stored, entry) = self.entries.get(at).ok_or(KeyReject::Unknown)?;
        if !bool::from(stored.ct_eq(&digest)) {
            return Err(KeyReject::Unknown);
        }
        if entry.disabled {
            return Err(KeyReject::Disabled {
                id: entry.id.clone(),
            });
        }
        if entry.expires.is_some_and(|t| now_unix >= t) {
            return Err(KeyReject::Expired {
                id: entry.id.clone(),
            });
        }
        Ok(entry)
    }

    /// The entries, sorted by digest.
    pub fn entries(&self) -> impl Iterator<Item = &KeyEntry> {
        self.entries.iter().map(|(_, e)| e)
    }
}

/// A key entry that cannot be used: which entry, which field, what is wrong.
/// Never holds a configured value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[{index}].{field}: {reason}")]
pub struct KeyError {
    /// The entry's index in the list given to [`KeyStore::new`].
    pub index: usize,
    /// The field: `id`, `sha256` or `consumer`.
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: KeyErrorReason,
}

/// What is wrong with a key entry's field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyErrorReason {
    /// The field breaks a format rule (the message says which).
    #[error("{0}")]
    Invalid(&'static str),
    /// A plaintext key where its digest belongs (or a key used as an `id`).
    #[error(
        "looks like an API key, not its SHA-256 digest: configuration must never hold a key \
         (print the digest with `scripts/gen-key --digest`, then rotate the key)"
    )]
    PlaintextKey,
    /// The same digest as an earlier entry.
    #[error("same digest as entry [{first}]")]
    DuplicateDigest {
        /// The index of the earlier entry.
        first: usize,
    },
    /// The same id as an earlier entry.
    #[error("same id as entry [{first}]")]
    DuplicateId {
        /// The index of the earlier entry.
        first: usize,
    },
}

impl From<KeyError> for ConfigError {
    /// The error at path `[index].field`; the caller nests it under the
    /// list's own field: `ConfigError::from(e).nested("keys")` is at
    /// `keys[3].sha256`.
    fn from(e: KeyError) -> Self {
        ConfigError::invalid(format!("[{}].{}", e.index, e.field), e.reason.to_string())
    }
}

/// Checks a key `id`: 1 to 64 characters of `[A-Za-z0-9_.-]`.
pub fn validate_id(id: &str) -> Result<(), KeyErrorReason> {
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return Err(KeyErrorReason::Invalid("must be 1 to 64 characters"));
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        return Err(KeyErrorReason::Invalid(
            "must hold only letters, digits, `_`, `.` and `-`",
        ));
    }
    Ok(())
}

/// Checks a consumer name: 1 to 128 visible ASCII characters (it is sent
/// on in a request header and used as a metrics label).
pub fn validate_consumer(name: &str) -> Result<(), KeyErrorReason> {
    crate::config::auth::check_consumer_name(name).map_err(KeyErrorReason::Invalid)
}

/// Decodes a configured digest: 64 lowercase hex digits.
fn parse_digest(hex: &str) -> Result<[u8; 32], KeyErrorReason> {
    if looks_like_plaintext_key(hex) {
        return Err(KeyErrorReason::PlaintextKey);
    }
    let invalid = KeyErrorReason::Invalid("must be 64 lowercase hex digits (a SHA-256 digest)");
    if hex.len() != 64 {
        return Err(invalid);
    }
    if !hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(invalid);
    }
    let mut out = [0u8; 32];
    ::hex::decode_to_slice(hex, &mut out).map_err(|_| invalid)?;
    Ok(out)
}

/// The SHA-256 digest of `key` in lowercase hex: what a [`KeyEntry`]'s
/// `sha256` holds.
pub fn sha256_hex(key: &str) -> String {
    ::hex::encode(Sha256::digest(key.as_bytes()))
}

/// A short fingerprint of a presented key for logs: the first 12 hex digits
/// of its SHA-256 digest. It tells two keys apart in logs without holding
/// either; for a random key (`scripts/gen-key`) 48 digest bits give nothing
/// to guess from.
pub fn fingerprint(presented: &str) -> String {
    let digest = Sha256::digest(presented.as_bytes());
    ::hex::encode(digest.get(..6).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "tg-0123456789abcdefghijABCDEFGHIJ0123456789";

    fn entry(id: &str, key: &str, consumer: &str) -> KeyEntry {
        KeyEntry {
            id: id.into(),
            sha256: sha256_hex(key),
            consumer: consumer.into(),
            expires: None,
            disabled: false,
        }
    }

    fn store() -> KeyStore {
        let mut expired = entry("old", "tg-expired-key-000", "alice");
        expired.expires = Some(1_000);
        let mut disabled = entry("gone", "tg-disabled-key-00", "bob");
        disabled.disabled = true;
        KeyStore::new(vec![
            entry("k1", KEY, "alice"),
            expired,
            disabled,
            entry("k2", "another-key-123", "carol"),
        ])
        .unwrap()
    }

    #[test]
    fn well_formed() {
        assert!(is_well_formed(KEY));
        assert!(is_well_formed("12345678"));
        assert!(!is_well_formed("1234567"));
        assert!(!is_well_formed("1234 5678"));
        assert!(!is_well_formed(&"k".repeat(513)));
    }

    #[test]
    fn sha256_of_known_vector() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(fingerprint("abc"), "ba7816bf8f01");
    }

    #[test]
    fn verify_every_outcome() {
        let s = store();
        assert_eq!(s.len(), 4);
        assert_eq!(s.verify(KEY, 0).unwrap().consumer, "alice");
        assert_eq!(s.verify("another-key-123", 0).unwrap().id, "k2");
        assert_eq!(s.verify("tg-unknown-key", 0), Err(KeyReject::Unknown));
        assert_eq!(s.verify("short", 0), Err(KeyReject::Malformed));
        assert_eq!(s.verify("has a space", 0), Err(KeyReject::Malformed));
        assert_eq!(s.verify(&"x".repeat(513), 0), Err(KeyReject::Malformed));
        assert!(s.verify(&"x".repeat(512), 0).is_err());
        assert_eq!(s.verify("tg-expired-key-000", 999).unwrap().id, "old");
        assert_eq!(
            s.verify("tg-expired-key-000", 1_000),
            Err(KeyReject::Expired { id: "old".into() })
        );
        assert_eq!(
            s.verify("tg-disabled-key-00", 0),
            Err(KeyReject::Disabled { id: "gone".into() })
        );
        // Case matters: a key is a byte string.
        assert_eq!(s.verify(&KEY.to_uppercase(), 0), Err(KeyReject::Unknown));
    }

    #[test]
    fn reject_reasons_and_messages_hold_no_key() {
        let cases = [
            (KeyReject::Missing, "missing"),
            (KeyReject::Malformed, "malformed"),
            (KeyReject::Ambiguous, "ambiguous"),
            (KeyReject::Unknown, "unknown"),
            (KeyReject::Expired { id: "a".into() }, "expired"),
            (KeyReject::Disabled { id: "a".into() }, "disabled"),
        ];
        for (r, name) in cases {
            assert_eq!(r.reason(), name);
            assert!(!r.to_string().contains(KEY));
        }
        let p = extract(KeySource::DEFAULT_ORDER, [("x-api-key", KEY)]).unwrap();
        let debug = format!("{p:?}");
        assert!(!debug.contains(KEY), "{debug}");
        assert!(debug.contains(&fingerprint(KEY)));
    }

    #[test]
    fn constant_time_compare_smoke() {
        // The comparison primitive: equal, one bit off at either end.
        let a = [7u8; 32];
        let mut b = a;
        assert!(bool::from(a.ct_eq(&b)));
        b[0] ^= 1;
        assert!(!bool::from(a.ct_eq(&b)));
        b[0] ^= 1;
        b[31] ^= 0x80;
        assert!(!bool::from(a.ct_eq(&b)));
        // And through the store: a key whose digest differs from a stored
        // one in any byte is unknown.
        let s = store();
        for k in ["tg-0123456789abcdefghijABCDEFGHIJ012345678", "tg-1"] {
            assert!(s.verify(k, 0).is_err());
        }
    }

    #[test]
    fn store_errors_name_entry_and_field() {
        let good = || entry("a", "key-aaaaaaaa", "alice");
        let cases: Vec<(&str, Vec<KeyEntry>, &str)> = vec![
            (
                "bad hex",
                vec![
                    good(),
                    KeyEntry {
                        sha256: "zz".repeat(32),
                        ..entry("b", "x", "c")
                    },
                ],
                "[1].sha256: must be 64 lowercase hex digits (a SHA-256 digest)",
            ),
            (
                "uppercase hex",
                vec![KeyEntry {
                    sha256: sha256_hex("x").to_uppercase(),
                    ..good()
                }],
                "[0].sha256: must be 64 lowercase hex digits (a SHA-256 digest)",
            ),
            (
                "short hex",
                vec![KeyEntry {
                    sha256: "ab".into(),
                    ..good()
                }],
                "[0].sha256: must be 64 lowercase hex digits (a SHA-256 digest)",
            ),
            (
                "plaintext",
                vec![KeyEntry {
                    sha256: "sk-proj-abcdefghijklmnop".into(),
                    ..good()
                }],
                "[0].sha256: looks like an API key",
            ),
            (
                "duplicate digest",
                vec![
                    good(),
                    entry("b", "x1", "c"),
                    entry("c", "key-aaaaaaaa", "d"),
                ],
                "[2].sha256: same digest as entry [0]",
            ),
            (
                "duplicate id",
                vec![good(), entry("b", "x1", "c"), entry("b", "x2", "d")],
                "[2].id: same id as entry [1]",
            ),
            (
                "empty id",
                vec![entry("", "x1", "c")],
                "[0].id: must be 1 to 64 characters",
            ),
            (
                "long id",
                vec![entry(&"i".repeat(65), "x1", "c")],
                "[0].id: must be 1 to 64 characters",
            ),
            (
                "id charset",
                vec![entry("a b", "x1", "c")],
                "[0].id: must hold only",
            ),
            (
                "id is the key",
                vec![good(), entry("key-aaaaaaaa", "x1", "c")],
                "[1].id: looks like an API key",
            ),
            (
                "consumer empty",
                vec![entry("a", "x1", "")],
                "[0].consumer: must be 1 to 128",
            ),
            (
                "consumer control",
                vec![entry("a", "x1", "bob\r\nx-evil: 1")],
                "[0].consumer: must hold only visible ASCII",
            ),
        ];
        for (name, entries, want) in cases {
            let err = KeyStore::new(entries).unwrap_err().to_string();
            assert!(err.starts_with(want), "{name}: {err}");
        }
        let e = KeyStore::new(vec![entry("", "x", "c")]).unwrap_err();
        assert_eq!(
            ConfigError::from(e).nested("keys").to_string(),
            "keys[0].id: must be 1 to 64 characters"
        );
        assert!(KeyStore::new(vec![]).unwrap().is_empty());
    }

    #[test]
    fn entry_deserializes_and_denies_unknown_fields() {
        let e: KeyEntry = serde_json::from_str(
            r#"{"id":"a","sha256":"00","consumer":"c","expires":5,"disabled":true}"#,
        )
        .unwrap();
        assert_eq!(e.expires, Some(5));
        assert!(e.disabled);
        let e: KeyEntry =
            serde_json::from_str(r#"{"id":"a","sha256":"00","consumer":"c"}"#).unwrap();
        assert_eq!((e.expires, e.disabled), (None, false));
        assert!(serde_json::from_str::<KeyEntry>(
            r#"{"id":"a","sha256":"00","consumer":"c","key":"sk-x"}"#
        )
        .is_err());
        let s: Vec<KeySource> =
            serde_json::from_str(r#"["api-key","authorization","x-api-key"]"#).unwrap();
        assert_eq!(
            s,
            [KeySource::ApiKey, KeySource::Bearer, KeySource::XApiKey]
        );
    }

    fn ex(
        sources: &[KeySource],
        headers: &[(&str, &str)],
    ) -> Result<(KeySource, String), KeyReject> {
        extract(sources, headers.iter().copied()).map(|p| (p.source(), p.as_str().to_owned()))
    }

    type Case<'a> = (
        &'a str,
        &'a [KeySource],
        Vec<(&'a str, String)>,
        Result<(KeySource, String), KeyReject>,
    );

    #[test]
    fn extraction_edge_cases() {
        use KeySource::*;
        let all = KeySource::DEFAULT_ORDER;
        let k = KEY.to_owned();
        let bearer = format!("Bearer {KEY}");
        let cases: Vec<Case> = vec![
            (
                "bearer",
                all,
                vec![("authorization", bearer.clone())],
                Ok((Bearer, k.clone())),
            ),
            (
                "bearer lowercase scheme",
                all,
                vec![("authorization", format!("bearer {KEY}"))],
                Ok((Bearer, k.clone())),
            ),
            (
                "bearer shouting",
                all,
                vec![("Authorization", format!("BEARER {KEY}"))],
                Ok((Bearer, k.clone())),
            ),
            (
                "bearer two spaces",
                all,
                vec![("authorization", format!("Bearer  {KEY}"))],
                Ok((Bearer, k.clone())),
            ),
            (
                "bearer tab, trailing space",
                all,
                vec![("authorization", format!("Bearer\t{KEY} "))],
                Ok((Bearer, k.clone())),
            ),
            (
                "x-api-key",
                all,
                vec![("x-api-key", k.clone())],
                Ok((XApiKey, k.clone())),
            ),
            (
                "api-key",
                all,
                vec![("api-key", k.clone())],
                Ok((ApiKey, k.clone())),
            ),
            (
                "none",
                all,
                vec![("content-type", "application/json".into())],
                Err(KeyReject::Missing),
            ),
            ("no headers", all, vec![], Err(KeyReject::Missing)),
            (
                "basic auth is not ours",
                all,
                vec![("authorization", "Basic dXNlcjpwYXNz".into())],
                Err(KeyReject::Missing),
            ),
            (
                "bearer jwt is not ours",
                all,
                vec![("authorization", "Bearer eyJhbGciOi.eyJzdWIi.c2ln".into())],
                Err(KeyReject::Missing),
            ),
            (
                "jwt and a key",
                all,
                vec![
                    ("authorization", "Bearer eyJhbGciOi.eyJzdWIi.c2ln".into()),
                    ("x-api-key", k.clone()),
                ],
                Ok((XApiKey, k.clone())),
            ),
            (
                "bearer alone",
                all,
                vec![("authorization", "Bearer".into())],
                Err(KeyReject::Malformed),
            ),
            (
                "bearer empty",
                all,
                vec![("authorization", "Bearer   ".into())],
                Err(KeyReject::Malformed),
            ),
            (
                "bearer with space inside",
                all,
                vec![("authorization", "Bearer abcdefgh ijklmnop".into())],
                Err(KeyReject::Malformed),
            ),
            (
                "too short",
                all,
                vec![("x-api-key", "short".into())],
                Err(KeyReject::Malformed),
            ),
            (
                "too long",
                all,
                vec![("x-api-key", "k".repeat(513))],
                Err(KeyReject::Malformed),
            ),
            (
                "longest",
                all,
                vec![("x-api-key", "k".repeat(512))],
                Ok((XApiKey, "k".repeat(512))),
            ),
            (
                "shortest",
                all,
                vec![("x-api-key", "k".repeat(8))],
                Ok((XApiKey, "k".repeat(8))),
            ),
            (
                "non-ascii",
                all,
                vec![("x-api-key", "clé-secrète-123".into())],
                Err(KeyReject::Malformed),
            ),
            (
                "control",
                all,
                vec![("x-api-key", "abcdefgh\u{7}ij".into())],
                Err(KeyReject::Malformed),
            ),
            (
                "same key twice",
                all,
                vec![("x-api-key", k.clone()), ("authorization", bearer.clone())],
                Ok((Bearer, k.clone())),
            ),
            (
                "order picks source",
                &[XApiKey, Bearer],
                vec![("authorization", bearer.clone()), ("x-api-key", k.clone())],
                Ok((XApiKey, k.clone())),
            ),
            (
                "two different keys",
                all,
                vec![
                    ("authorization", bearer.clone()),
                    ("api-key", "another-key-123".into()),
                ],
                Err(KeyReject::Ambiguous),
            ),
            (
                "same header twice, different",
                all,
                vec![
                    ("x-api-key", k.clone()),
                    ("x-api-key", "another-key-123".into()),
                ],
                Err(KeyReject::Ambiguous),
            ),
            (
                "key and malformed",
                all,
                vec![("x-api-key", k.clone()), ("api-key", "bad".into())],
                Err(KeyReject::Ambiguous),
            ),
            (
                "unconfigured source ignored",
                &[Bearer],
                vec![("x-api-key", k.clone())],
                Err(KeyReject::Missing),
            ),
            (
                "unconfigured source not ambiguous",
                &[Bearer],
                vec![
                    ("authorization", bearer.clone()),
                    ("x-api-key", "another-key-123".into()),
                ],
                Ok((Bearer, k.clone())),
            ),
            (
                "no sources",
                &[],
                vec![("authorization", bearer.clone())],
                Err(KeyReject::Missing),
            ),
        ];
        for (name, sources, headers, want) in cases {
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
            assert_eq!(ex(sources, &headers), want, "{name}");
        }
    }

    #[test]
    fn extraction_from_bytes_and_closure() {
        let headers: Vec<(String, Vec<u8>)> = vec![
            ("x-api-key".into(), KEY.as_bytes().to_vec()),
            ("x-bin".into(), vec![0xff, 0xfe]),
        ];
        assert_eq!(
            extract(KeySource::DEFAULT_ORDER, &headers)
                .unwrap()
                .as_str(),
            KEY
        );
        let bad: Vec<(String, Vec<u8>)> = vec![(
            "api-key".into(),
            vec![b'a'; 7].into_iter().chain([0xff]).collect(),
        )];
        assert_eq!(
            extract(KeySource::DEFAULT_ORDER, bad).unwrap_err(),
            KeyReject::Malformed
        );
        let got = extract_with(KeySource::DEFAULT_ORDER, |name| {
            (name == "api-key").then(|| KEY.to_owned())
        })
        .unwrap();
        assert_eq!((got.source(), got.as_str()), (KeySource::ApiKey, KEY));
        assert_eq!(
            extract_with(KeySource::DEFAULT_ORDER, |_| None).unwrap_err(),
            KeyReject::Missing
        );
    }

    #[test]
    fn plaintext_key_heuristic() {
        for s in [
            "sk-proj-abc",
            "sk-ant-api03-xyz",
            "sk-abc",
            "SK-ABC",
            "tg-abc",
            "AIzaSyD",
            "hf_abc",
            "Bearer abc",
            "eyJhbGciOi.eyJzdWIi.c2ln",
        ] {
            assert!(looks_like_plaintext_key(s), "{s}");
        }
        for s in [
            &sha256_hex("x") as &str,
            "OPENAI_API_KEY",
            "demo-1",
            "",
            "s",
            "skate",
        ] {
            assert!(!looks_like_plaintext_key(s), "{s}");
        }
    }
}
