//! Tests sign their own tokens: every key comes from a fixed seed (the RSA key
//! is generated once per test binary from a seeded RNG), so runs are
//! reproducible and no key is checked in.

use std::sync::OnceLock;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rand::{rngs::StdRng, SeedableRng};
use rsa::traits::PublicKeyParts as _;
use rsa::{Pkcs1v15Sign, Pss, RsaPrivateKey};
use serde_json::json;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::*;

const NOW: u64 = 1_750_000_000;
const ISS: &str = "https://idp.example";

fn b64e(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

fn rsa_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut StdRng::seed_from_u64(42), 2048).unwrap())
}
fn p256_key() -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap()
}
fn p256_other() -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&[8u8; 32]).unwrap()
}
fn p384_key() -> p384::ecdsa::SigningKey {
    p384::ecdsa::SigningKey::from_slice(&[7u8; 48]).unwrap()
}
fn ed_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[9u8; 32])
}
const HS_SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-hs256";

fn rsa_jwk(kid: &str, alg: Option<&str>) -> serde_json::Value {
    let pk = rsa_key().to_public_key();
    let mut v = json!({"kty":"RSA","kid":kid,"use":"sig",
        "n": b64e(&pk.n().to_bytes_be()), "e": b64e(&pk.e().to_bytes_be())});
    if let Some(a) = alg {
        v["alg"] = json!(a);
    }
    v
}
fn p256_jwk(kid: &str, sk: &p256::ecdsa::SigningKey) -> serde_json::Value {
    let pt = sk.verifying_key().to_encoded_point(false);
    json!({"kty":"EC","crv":"P-256","kid":kid,"x":b64e(pt.x().unwrap()),"y":b64e(pt.y().unwrap())})
}
fn p384_jwk(kid: &str) -> serde_json::Value {
    let pt = p384_key().verifying_key().to_encoded_point(false);
    json!({"kty":"EC","crv":"P-384","kid":kid,"x":b64e(pt.x().unwrap()),"y":b64e(pt.y().unwrap())})
}
fn ed_jwk(kid: &str) -> serde_json::Value {
    json!({"kty":"OKP","crv":"Ed25519","kid":kid,"x":b64e(ed_key().verifying_key().as_bytes())})
}
fn hs_jwk(kid: &str) -> serde_json::Value {
    json!({"kty":"oct","kid":kid,"k":b64e(HS_SECRET)})
}

fn jwks_of(keys: Vec<serde_json::Value>) -> Jwks {
    Jwks::parse(json!({ "keys": keys }).to_string().as_bytes()).unwrap()
}
fn all_keys() -> Jwks {
    jwks_of(vec![
        rsa_jwk("rsa1", None),
        p256_jwk("ec256", &p256_key()),
        p384_jwk("ec384"),
        ed_jwk("ed1"),
        hs_jwk("hs1"),
    ])
}

fn validation() -> Validation {
    let mut v = Validation::new(vec![ISS.into()]);
    v.audiences = Audiences::List(vec!["tollgate".into()]);
    v
}
fn all_algs() -> Validation {
    let mut v = validation();
    v.algorithms = vec![
        Alg::RS256,
        Alg::RS384,
        Alg::RS512,
        Alg::PS256,
        Alg::ES256,
        Alg::ES384,
        Alg::EdDSA,
        Alg::HS256,
    ];
    v.allow_hs256 = true;
    v
}

fn claims() -> serde_json::Value {
    json!({"iss":ISS,"aud":"tollgate","sub":"team-a","exp":NOW + 600,"iat":NOW - 10})
}

/// The signature of `input` under `alg` with the test key for it.
fn sign(alg: &str, input: &[u8]) -> Vec<u8> {
    use p256::ecdsa::signature::Signer as _;
    let rsa = rsa_key();
    match alg {
        "RS256" => rsa
            .sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(input))
            .unwrap(),
        "RS384" => rsa
            .sign(Pkcs1v15Sign::new::<Sha384>(), &Sha384::digest(input))
            .unwrap(),
        "RS512" => rsa
            .sign(Pkcs1v15Sign::new::<Sha512>(), &Sha512::digest(input))
            .unwrap(),
        "PS256" => rsa
            .sign_with_rng(
                &mut StdRng::seed_from_u64(1),
                Pss::new_with_salt::<Sha256>(32),
                &Sha256::digest(input),
            )
            .unwrap(),
        "ES256" => {
            let s: p256::ecdsa::Signature = p256_key().sign(input);
            s.to_bytes().to_vec()
        }
        "ES384" => {
            let s: p384::ecdsa::Signature = p384_key().sign(input);
            s.to_bytes().to_vec()
        }
        "EdDSA" => ed_key().sign(input).to_bytes().to_vec(),
        "HS256" => hmac_sha256(HS_SECRET, input),
        _ => Vec::new(),
    }
}
fn hmac_sha256(key: &[u8], input: &[u8]) -> Vec<u8> {
    use hmac::Mac as _;
    let mut m = hmac::Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(input);
    m.finalize().into_bytes().to_vec()
}

fn token_with(header: &str, payload: &str, sig: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let input = format!("{}.{}", b64e(header.as_bytes()), b64e(payload.as_bytes()));
    let s = sig(input.as_bytes());
    format!("{input}.{}", b64e(&s))
}
/// A token for `alg` with key `kid` and `claims`, signed properly.
fn token(alg: &str, kid: Option<&str>, claims: &serde_json::Value) -> String {
    let mut h = json!({"alg": alg, "typ": "JWT"});
    if let Some(k) = kid {
        h["kid"] = json!(k);
    }
    token_with(&h.to_string(), &claims.to_string(), |i| sign(alg, i))
}
fn kid_for(alg: &str) -> &'static str {
    match alg {
        "ES256" => "ec256",
        "ES384" => "ec384",
        "EdDSA" => "ed1",
        "HS256" => "hs1",
        _ => "rsa1",
    }
}

fn check(t: &str) -> Result<Verified, JwtReject> {
    verify(t, &all_keys(), &all_algs(), NOW)
}

const ALGS: [&str; 8] = [
    "RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA", "HS256",
];

// ---------------------------------------------------------------- happy paths

#[test]
fn every_algorithm_verifies_with_and_without_kid() {
    for alg in ALGS {
        for kid in [Some(kid_for(alg)), None] {
            let v =
                check(&token(alg, kid, &claims())).unwrap_or_else(|e| panic!("{alg} {kid:?}: {e}"));
            assert_eq!(v.consumer, "team-a");
            assert_eq!(v.alg.name(), alg);
            assert_eq!(
                v.kid.as_deref(),
                Some(kid_for(alg)),
                "{alg}: the verifying key's kid"
            );
            assert_eq!(v.claims["iss"], ISS);
        }
    }
}

#[test]
fn default_algorithms_are_rs256_and_es256() {
    let v = validation();
    for alg in ALGS {
        let r = verify(
            &token(alg, Some(kid_for(alg)), &claims()),
            &all_keys(),
            &v,
            NOW,
        );
        match alg {
            "RS256" | "ES256" => assert!(r.is_ok(), "{alg}"),
            _ => assert_eq!(
                r.unwrap_err(),
                JwtReject::AlgNotAllowed(Alg::from_name(alg)),
                "{alg}"
            ),
        }
    }
}

#[test]
fn typ_variants() {
    for typ in [
        "JWT",
        "jwt",
        "at+jwt",
        "AT+JWT",
        "application/at+jwt",
        "application/JWT",
    ] {
        let h = json!({"alg":"ES256","typ":typ}).to_string();
        let t = token_with(&h, &claims().to_string(), |i| sign("ES256", i));
        assert!(check(&t).is_ok(), "{typ}");
    }
    for typ in ["JWE", "", "application/json", "jwtx"] {
        let h = json!({"alg":"ES256","typ":typ}).to_string();
        let t = token_with(&h, &claims().to_string(), |i| sign("ES256", i));
        assert_eq!(
            check(&t).unwrap_err(),
            JwtReject::UnsupportedHeader("typ"),
            "{typ}"
        );
    }
    let t = token_with(r#"{"alg":"ES256","typ":1}"#, &claims().to_string(), |i| {
        sign("ES256", i)
    });
    assert_eq!(check(&t).unwrap_err(), JwtReject::Malformed);
}

// ---------------------------------------------------------------- attack suite

#[test]
fn alg_none_in_any_case() {
    for alg in ["none", "None", "NONE", "nOnE"] {
        let h = json!({"alg": alg, "typ": "JWT"}).to_string();
        let unsigned = token_with(&h, &claims().to_string(), |_| Vec::new());
        assert!(unsigned.ends_with('.'));
        assert_eq!(check(&unsigned).unwrap_err(), JwtReject::AlgNone, "{alg}");
        // Even with a (meaningless) signature appended.
        let signed = token_with(&h, &claims().to_string(), |i| sign("HS256", i));
        assert_eq!(check(&signed).unwrap_err(), JwtReject::AlgNone, "{alg}");
    }
}

#[test]
fn hs_rs_confusion() {
    // The attacker HMACs with the RSA public key as the secret, in the forms a
    // confused library might use: the JWK `n`, the DER-ish modulus bytes, the JWK text.
    let pk = rsa_key().to_public_key();
    let secrets: Vec<Vec<u8>> = vec![
        pk.n().to_bytes_be(),
        rsa_jwk("rsa1", None).to_string().into_bytes(),
        b64e(&pk.n().to_bytes_be()).into_bytes(),
    ];
    for secret in secrets {
        let h = json!({"alg":"HS256","kid":"rsa1"}).to_string();
        let t = token_with(&h, &claims().to_string(), |i| hmac_sha256(&secret, i));
        // HS256 not enabled (the default): refused on the algorithm.
        assert_eq!(
            verify(&t, &all_keys(), &validation(), NOW).unwrap_err(),
            JwtReject::AlgNotAllowed(Some(Alg::HS256))
        );
        // Enabled: the named key is RSA, so the algorithm does not fit it.
        assert_eq!(check(&t).unwrap_err(), JwtReject::AlgKeyMismatch);
        // Enabled, no kid, and only asymmetric keys: no key to check with.
        let h = json!({"alg":"HS256"}).to_string();
        let t = token_with(&h, &claims().to_string(), |i| hmac_sha256(&secret, i));
        let rsa_only = jwks_of(vec![rsa_jwk("rsa1", None)]);
        assert_eq!(
            verify(&t, &rsa_only, &all_algs(), NOW).unwrap_err(),
            JwtReject::NoKey
        );
        // And against a set with an oct key, the wrong secret fails the signature.
        assert_eq!(check(&t).unwrap_err(), JwtReject::BadSignature);
    }
}

#[test]
fn rsa_token_against_ec_key_and_jwk_alg_disagreement() {
    let t = token("RS256", Some("ec256"), &claims());
    assert_eq!(check(&t).unwrap_err(), JwtReject::AlgKeyMismatch);
    let t = token("ES384", Some("ec256"), &claims());
    assert_eq!(check(&t).unwrap_err(), JwtReject::AlgKeyMismatch);
    // The JWK pins RS256; a PS256 token signed by the same key is refused.
    let pinned = jwks_of(vec![rsa_jwk("rsa1", Some("RS256"))]);
    let t = token("PS256", Some("rsa1"), &claims());
    assert_eq!(
        verify(&t, &pinned, &all_algs(), NOW).unwrap_err(),
        JwtReject::AlgKeyMismatch
    );
    let t = token("PS256", None, &claims());
    assert_eq!(
        verify(&t, &pinned, &all_algs(), NOW).unwrap_err(),
        JwtReject::NoKey
    );
    assert!(verify(
        &token("RS256", Some("rsa1"), &claims()),
        &pinned,
        &all_algs(),
        NOW
    )
    .is_ok());
}

#[test]
fn time_claims_with_leeway() {
    let at = |name: &str, value: serde_json::Value| {
        let mut c = claims();
        c[name] = value;
        check(&token("ES256", None, &c))
    };
    assert_eq!(at("exp", json!(NOW - 61)).unwrap_err(), JwtReject::Expired);
    assert_eq!(at("exp", json!(NOW - 60)).unwrap_err(), JwtReject::Expired);
    assert!(at("exp", json!(NOW - 59)).is_ok(), "within the leeway");
    assert!(
        at("exp", json!(NOW as f64 + 0.5)).is_ok(),
        "fractional NumericDate"
    );
    assert_eq!(
        at("exp", json!("tomorrow")).unwrap_err(),
        JwtReject::Malformed
    );
    assert_eq!(
        at("nbf", json!(NOW + 61)).unwrap_err(),
        JwtReject::NotYetValid
    );
    assert!(at("nbf", json!(NOW + 60)).is_ok());
    assert_eq!(
        at("iat", json!(NOW + 61)).unwrap_err(),
        JwtReject::IssuedInFuture
    );
    assert!(at("iat", json!(NOW + 30)).is_ok());
    assert_eq!(at("nbf", json!(null)).unwrap_err(), JwtReject::Malformed);

    let mut c = claims();
    c.as_object_mut().unwrap().remove("exp");
    assert_eq!(
        check(&token("ES256", None, &c)).unwrap_err(),
        JwtReject::MissingClaim("exp".into())
    );
    let mut v = all_algs();
    v.require_exp = false;
    assert!(verify(&token("ES256", None, &c), &all_keys(), &v, NOW).is_ok());
    v.leeway_secs = 0;
    let mut c = claims();
    c["exp"] = json!(NOW);
    assert_eq!(
        verify(&token("ES256", None, &c), &all_keys(), &v, NOW).unwrap_err(),
        JwtReject::Expired
    );
}

#[test]
fn issuer_and_audience() {
    let with = |name: &str, value: serde_json::Value| {
        let mut c = claims();
        c[name] = value;
        check(&token("ES256", None, &c))
    };
    assert_eq!(
        with("iss", json!("https://evil.example")).unwrap_err(),
        JwtReject::WrongIssuer
    );
    assert_eq!(
        with("iss", json!([ISS])).unwrap_err(),
        JwtReject::WrongIssuer
    );
    let mut c = claims();
    c.as_object_mut().unwrap().remove("iss");
    assert_eq!(
        check(&token("ES256", None, &c)).unwrap_err(),
        JwtReject::WrongIssuer
    );

    assert_eq!(
        with("aud", json!("other")).unwrap_err(),
        JwtReject::WrongAudience
    );
    assert_eq!(
        with("aud", json!(["a", "b"])).unwrap_err(),
        JwtReject::WrongAudience
    );
    assert_eq!(with("aud", json!(7)).unwrap_err(), JwtReject::WrongAudience);
    assert!(with("aud", json!(["a", "tollgate"])).is_ok());
    c = claims();
    c.as_object_mut().unwrap().remove("aud");
    assert_eq!(
        check(&token("ES256", None, &c)).unwrap_err(),
        JwtReject::WrongAudience
    );
    // `"audiences": "any"`, said on purpose: not checked.
    let mut v = all_algs();
    v.audiences = Audiences::Any;
    assert!(verify(&token("ES256", None, &c), &all_keys(), &v, NOW).is_ok());
    // Several issuers.
    v.issuer = vec!["https://a.example".into(), ISS.into()];
    assert!(verify(&token("ES256", None, &c), &all_keys(), &v, NOW).is_ok());
}

#[test]
fn unknown_kid() {
    assert_eq!(
        check(&token("ES256", Some("nope"), &claims())).unwrap_err(),
        JwtReject::UnknownKid
    );
    let h = json!({"alg":"ES256","kid":5}).to_string();
    let t = token_with(&h, &claims().to_string(), |i| sign("ES256", i));
    assert_eq!(check(&t).unwrap_err(), JwtReject::Malformed);
}

#[test]
fn tampered_payload_and_signatures() {
    for alg in ALGS {
        let t = token(alg, Some(kid_for(alg)), &claims());
        let parts: Vec<&str> = t.split('.').collect();
        let mut evil = claims();
        evil["sub"] = json!("admin");
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            b64e(evil.to_string().as_bytes()),
            parts[2]
        );
        assert_eq!(
            check(&tampered).unwrap_err(),
            JwtReject::BadSignature,
            "{alg}"
        );
        // Truncated signature: drop 4 characters (3 bytes) and the last one alone.
        let sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        for cut in [1, 3, sig.len() / 2] {
            let short = format!(
                "{}.{}.{}",
                parts[0],
                parts[1],
                b64e(&sig[..sig.len() - cut])
            );
            assert_eq!(
                check(&short).unwrap_err(),
                JwtReject::BadSignature,
                "{alg} -{cut}"
            );
        }
        let empty = format!("{}.{}.", parts[0], parts[1]);
        assert_eq!(
            check(&empty).unwrap_err(),
            JwtReject::BadSignature,
            "{alg} empty"
        );
        let mut flipped = sig.clone();
        flipped[0] ^= 1;
        let flipped = format!("{}.{}.{}", parts[0], parts[1], b64e(&flipped));
        assert_eq!(
            check(&flipped).unwrap_err(),
            JwtReject::BadSignature,
            "{alg} flipped"
        );
    }
    // Signed by another P-256 key.
    let other = p256_other();
    let t = token_with(r#"{"alg":"ES256"}"#, &claims().to_string(), |i| {
        use p256::ecdsa::signature::Signer as _;
        let s: p256::ecdsa::Signature = other.sign(i);
        s.to_bytes().to_vec()
    });
    assert_eq!(check(&t).unwrap_err(), JwtReject::BadSignature);
}

#[test]
fn oversized_token() {
    let mut c = claims();
    c["pad"] = json!("x".repeat(100 * 1024));
    let t = token("ES256", None, &c);
    assert!(t.len() > 100 * 1024);
    assert_eq!(check(&t).unwrap_err(), JwtReject::TooLarge);
    let mut v = all_algs();
    v.max_token_bytes = 200 * 1024;
    assert!(
        verify(&t, &all_keys(), &v, NOW).is_ok(),
        "the limit is the only reason"
    );
    assert_eq!(check(&"a".repeat(8193)).unwrap_err(), JwtReject::TooLarge);
}

#[test]
fn non_canonical_base64() {
    let t = token("HS256", None, &claims());
    let parts: Vec<&str> = t.split('.').collect();
    // A 32-byte tag is 43 characters whose last carries 2 unused bits: set one.
    let sig = parts[2];
    let last = sig.chars().last().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let idx = alphabet.find(last).unwrap();
    assert_eq!(idx & 3, 0, "canonical");
    let odd = alphabet.chars().nth(idx | 1).unwrap();
    let noncanon = format!("{}.{}.{}{odd}", parts[0], parts[1], &sig[..sig.len() - 1]);
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode(&noncanon[noncanon.rfind('.').unwrap() + 1..])
            .ok(),
        None
    );
    assert_eq!(check(&noncanon).unwrap_err(), JwtReject::Malformed);
    // Padding, standard alphabet, whitespace.
    assert_eq!(check(&format!("{t}=")).unwrap_err(), JwtReject::Malformed);
    let std_sig = STANDARD.encode(URL_SAFE_NO_PAD.decode(sig).unwrap());
    let std_tok = format!("{}.{}.{std_sig}", parts[0], parts[1]);
    assert_eq!(check(&std_tok).unwrap_err(), JwtReject::Malformed);
    assert_eq!(
        check(&format!("{} .{}.{}", parts[0], parts[1], parts[2])).unwrap_err(),
        JwtReject::Malformed
    );
    // A properly signed payload whose base64 is non-canonical is still refused.
    let mut payload = claims().to_string();
    if payload.len().is_multiple_of(3) {
        payload.push(' ');
    }
    let enc = b64e(payload.as_bytes());
    let last = alphabet.find(enc.chars().last().unwrap()).unwrap();
    let bumped = format!(
        "{}{}",
        &enc[..enc.len() - 1],
        alphabet.chars().nth(last + 1).unwrap()
    );
    let input = format!("{}.{bumped}", b64e(br#"{"alg":"HS256"}"#));
    let signed = format!(
        "{input}.{}",
        b64e(&hmac_sha256(HS_SECRET, input.as_bytes()))
    );
    assert_eq!(check(&signed).unwrap_err(), JwtReject::Malformed);
    // The payload is decoded only after the signature: altered, it fails there.
    assert_eq!(
        check(&format!("{}.{} .{}", parts[0], parts[1], parts[2])).unwrap_err(),
        JwtReject::BadSignature
    );
    // Header with padding.
    let padded = format!("{}=.{}.{}", parts[0], parts[1], parts[2]);
    assert_eq!(check(&padded).unwrap_err(), JwtReject::Malformed);
}

#[test]
fn der_encoded_es256_signature_is_refused() {
    use p256::ecdsa::signature::Signer as _;
    let t = token_with(r#"{"alg":"ES256"}"#, &claims().to_string(), |i| {
        let s: p256::ecdsa::Signature = p256_key().sign(i);
        s.to_der().as_bytes().to_vec()
    });
    assert_eq!(check(&t).unwrap_err(), JwtReject::BadSignature);
    let t = token_with(r#"{"alg":"ES384"}"#, &claims().to_string(), |i| {
        let s: p384::ecdsa::Signature = p384_key().sign(i);
        s.to_der().as_bytes().to_vec()
    });
    assert_eq!(check(&t).unwrap_err(), JwtReject::BadSignature);
}

#[test]
fn crit_and_b64_headers() {
    let t = token_with(
        r#"{"alg":"ES256","crit":["exp"],"exp":1}"#,
        &claims().to_string(),
        |i| sign("ES256", i),
    );
    assert_eq!(check(&t).unwrap_err(), JwtReject::UnsupportedHeader("crit"));
    let t = token_with(
        r#"{"alg":"ES256","crit":"b64"}"#,
        &claims().to_string(),
        |i| sign("ES256", i),
    );
    assert_eq!(check(&t).unwrap_err(), JwtReject::UnsupportedHeader("crit"));
    let t = token_with(r#"{"alg":"ES256","crit":[]}"#, &claims().to_string(), |i| {
        sign("ES256", i)
    });
    assert!(check(&t).is_ok());
    let t = token_with(
        r#"{"alg":"ES256","b64":false}"#,
        &claims().to_string(),
        |i| sign("ES256", i),
    );
    assert_eq!(check(&t).unwrap_err(), JwtReject::UnsupportedHeader("b64"));
}

#[test]
fn duplicate_keys_in_header_or_payload() {
    let t = token_with(
        r#"{"alg":"ES256","alg":"none"}"#,
        &claims().to_string(),
        |i| sign("ES256", i),
    );
    assert_eq!(check(&t).unwrap_err(), JwtReject::Malformed);
    let t = token_with(
        r#"{"alg":"none","alg":"ES256"}"#,
        &claims().to_string(),
        |i| sign("ES256", i),
    );
    assert_eq!(check(&t).unwrap_err(), JwtReject::Malformed);
    let payload = format!(
        r#"{{"iss":"{ISS}","aud":"tollgate","sub":"team-a","sub":"admin","exp":{}}}"#,
        NOW + 60
    );
    let t = token_with(r#"{"alg":"ES256"}"#, &payload, |i| sign("ES256", i));
    assert_eq!(check(&t).unwrap_err(), JwtReject::Malformed);
    let payload = format!(
        r#"{{"iss":"{ISS}","aud":"tollgate","sub":"team-a","x":{{"r":1,"r":2}},"exp":{}}}"#,
        NOW + 60
    );
    let t = token_with(r#"{"alg":"ES256"}"#, &payload, |i| sign("ES256", i));
    assert_eq!(check(&t).unwrap_err(), JwtReject::Malformed);
}

#[test]
fn malformed_shapes() {
    let good = token("ES256", None, &claims());
    let p: Vec<&str> = good.split('.').collect();
    for bad in [
        String::new(),
        "abc".to_string(),
        format!("{}.{}", p[0], p[1]),
        format!("{}.{}.{}.{}", p[0], p[1], p[2], p[2]),
        format!("{}.{}.{}.x.y", p[0], p[1], p[2]), // JWE shape
        format!("{}.{}.{}", b64e(b"[1]"), p[1], p[2]),
        format!("{}.{}.{}", b64e(b"not json"), p[1], p[2]),
        format!("{}.{}.{}", b64e(br#"{"typ":"JWT"}"#), p[1], p[2]),
        format!("{}.{}.{}", b64e(br#"{"alg":256}"#), p[1], p[2]),
    ] {
        assert_eq!(check(&bad).unwrap_err(), JwtReject::Malformed, "{bad}");
    }
    // A signed payload that is not a JSON object.
    let t = token_with(r#"{"alg":"ES256"}"#, "[1,2]", |i| sign("ES256", i));
    assert_eq!(check(&t).unwrap_err(), JwtReject::Malformed);
    // Unknown and case-varied algorithm names.
    for alg in ["rs256", "ES512", "HS512", "RSA-OAEP", ""] {
        let h = json!({"alg": alg}).to_string();
        let t = token_with(&h, &claims().to_string(), |i| sign("ES256", i));
        assert_eq!(
            check(&t).unwrap_err(),
            JwtReject::AlgNotAllowed(None),
            "{alg}"
        );
    }
}

#[test]
fn required_claims_and_consumer() {
    let mut v = all_algs();
    v.required_claims = vec!["scope".into()];
    let t = token("ES256", None, &claims());
    assert_eq!(
        verify(&t, &all_keys(), &v, NOW).unwrap_err(),
        JwtReject::MissingClaim("scope".into())
    );
    let mut c = claims();
    c["scope"] = json!(null);
    assert_eq!(
        verify(&token("ES256", None, &c), &all_keys(), &v, NOW).unwrap_err(),
        JwtReject::MissingClaim("scope".into())
    );
    c["scope"] = json!("chat");
    assert!(verify(&token("ES256", None, &c), &all_keys(), &v, NOW).is_ok());

    v.consumer_claim = "client_id".into();
    assert_eq!(
        verify(&token("ES256", None, &c), &all_keys(), &v, NOW).unwrap_err(),
        JwtReject::NoConsumer
    );
    c["client_id"] = json!("svc-b");
    assert_eq!(
        verify(&token("ES256", None, &c), &all_keys(), &v, NOW)
            .unwrap()
            .consumer,
        "svc-b"
    );
    for bad in [
        json!(""),
        json!(42),
        json!("a\r\nx-tollgate-consumer: admin"),
        json!("x".repeat(257)),
        json!(" admin"),
        json!("admin "),
        json!("ädmin"),
    ] {
        c["client_id"] = bad;
        assert_eq!(
            verify(&token("ES256", None, &c), &all_keys(), &v, NOW).unwrap_err(),
            JwtReject::NoConsumer
        );
    }
}

#[test]
fn without_kid_a_bounded_number_of_keys_is_tried() {
    let keys: Vec<_> = (1..=6u8)
        .map(|i| {
            p256_jwk(
                &format!("k{i}"),
                &p256::ecdsa::SigningKey::from_slice(&[i; 32]).unwrap(),
            )
        })
        .collect();
    let set = jwks_of(keys);
    let signed_by = |seed: u8, kid: Option<&str>| {
        let sk = p256::ecdsa::SigningKey::from_slice(&[seed; 32]).unwrap();
        let mut h = json!({"alg":"ES256"});
        if let Some(k) = kid {
            h["kid"] = json!(k);
        }
        token_with(&h.to_string(), &claims().to_string(), |i| {
            use p256::ecdsa::signature::Signer as _;
            let s: p256::ecdsa::Signature = sk.sign(i);
            s.to_bytes().to_vec()
        })
    };
    let v = all_algs();
    assert_eq!(
        verify(&signed_by(4, None), &set, &v, NOW)
            .unwrap()
            .kid
            .as_deref(),
        Some("k4")
    );
    assert_eq!(
        verify(&signed_by(5, None), &set, &v, NOW).unwrap_err(),
        JwtReject::BadSignature
    );
    assert_eq!(
        verify(&signed_by(5, Some("k5")), &set, &v, NOW)
            .unwrap()
            .kid
            .as_deref(),
        Some("k5")
    );
    assert_eq!(
        verify(&signed_by(5, Some("k4")), &set, &v, NOW).unwrap_err(),
        JwtReject::BadSignature
    );
}

#[test]
fn pss_with_another_salt_length_is_refused() {
    let t = token_with(r#"{"alg":"PS256"}"#, &claims().to_string(), |i| {
        rsa_key()
            .sign_with_rng(
                &mut StdRng::seed_from_u64(2),
                Pss::new_with_salt::<Sha256>(20),
                &Sha256::digest(i),
            )
            .unwrap()
    });
    assert_eq!(check(&t).unwrap_err(), JwtReject::BadSignature);
}

#[test]
fn display_names_reasons_never_token_text() {
    let secret_sub = "SECRET-SUBJECT-VALUE";
    let mut c = claims();
    c["sub"] = json!(secret_sub);
    c["exp"] = json!(NOW - 1000);
    let evil_kid = "KID-\n-INJECTED";
    let mut cases = vec![
        check(&token("ES256", None, &c)).unwrap_err(),
        check(&token("ES256", Some(evil_kid), &claims())).unwrap_err(),
    ];
    let h = json!({"alg":"ALG-FROM-CLIENT"}).to_string();
    cases.push(check(&token_with(&h, &c.to_string(), |_| vec![1])).unwrap_err());
    for e in cases {
        let s = e.to_string();
        assert!(
            !s.contains(secret_sub) && !s.contains("KID-") && !s.contains("CLIENT"),
            "{s}"
        );
        assert!(!e.reason().is_empty());
    }
    assert_eq!(
        JwtReject::AlgNotAllowed(Some(Alg::HS256)).to_string(),
        "algorithm HS256 not allowed"
    );
    assert_eq!(
        JwtReject::AlgNotAllowed(None).to_string(),
        "algorithm (unsupported) not allowed"
    );
    assert_eq!(
        JwtReject::MissingClaim("scope".into()).to_string(),
        "missing claim scope"
    );
    // A key's Debug shows no secret.
    let dbg = format!("{:?}", all_keys());
    assert!(!dbg.contains("0123456789abcdef"), "{dbg}");
}

// ---------------------------------------------------------------- configuration

#[test]
fn validation_config_defaults_and_checks() {
    // No audiences: refused (a token minted for any app of the issuer
    // would pass), unless "any" says so on purpose (issue 11).
    let v: Validation = serde_json::from_str(r#"{"issuer":"https://idp.example"}"#).unwrap();
    assert_eq!(v.check().unwrap_err().field, "audiences");
    let v: Validation =
        serde_json::from_str(r#"{"issuer":"https://idp.example","audiences":[]}"#).unwrap();
    assert_eq!(v.check().unwrap_err().field, "audiences");
    assert!(serde_json::from_str::<Validation>(
        r#"{"issuer":"https://idp.example","audiences":"all"}"#
    )
    .is_err());
    let v: Validation =
        serde_json::from_str(r#"{"issuer":"https://idp.example","audiences":"any"}"#).unwrap();
    assert_eq!(v, Validation::new(vec![ISS.into()]));
    assert_eq!(v.algorithms, vec![Alg::RS256, Alg::ES256]);
    assert_eq!(
        (v.leeway_secs, v.max_token_bytes, v.require_exp),
        (60, 8192, true)
    );
    assert_eq!(v.consumer_claim, "sub");
    assert!(v.check().is_ok());
    let v: Validation = serde_json::from_str(
        r#"{"issuer":["a","b"],"audiences":["x"],"algorithms":["EdDSA","HS256"],"allow_hs256":true,
            "leeway_secs":5,"required_claims":["scope"],"consumer_claim":"azp","max_token_bytes":4096,"require_exp":false}"#,
    )
    .unwrap();
    assert!(v.check().is_ok());
    assert_eq!(v.issuer, vec!["a", "b"]);
    assert!(serde_json::from_str::<Validation>(r#"{"issuer":"a","isuser":"b"}"#).is_err());
    assert!(serde_json::from_str::<Validation>(r#"{"audiences":["a"]}"#).is_err());
    assert!(serde_json::from_str::<Validation>(r#"{"issuer":"a","algorithms":["none"]}"#).is_err());
    let bad = |json: &str, field: &str| {
        let v: Validation = serde_json::from_str(json).unwrap();
        assert_eq!(v.check().unwrap_err().field, field, "{json}");
    };
    bad(r#"{"issuer":[]}"#, "issuer");
    bad(r#"{"issuer":""}"#, "issuer");
    bad(
        r#"{"issuer":"a","audiences":"any","algorithms":[]}"#,
        "algorithms",
    );
    bad(
        r#"{"issuer":"a","audiences":"any","algorithms":["HS256"]}"#,
        "algorithms",
    );
    bad(
        r#"{"issuer":"a","audiences":"any","allow_hs256":true}"#,
        "allow_hs256",
    );
    bad(
        r#"{"issuer":"a","audiences":"any","leeway_secs":86400}"#,
        "leeway_secs",
    );
    bad(
        r#"{"issuer":"a","audiences":"any","max_token_bytes":0}"#,
        "max_token_bytes",
    );
    bad(
        r#"{"issuer":"a","audiences":"any","max_token_bytes":100000}"#,
        "max_token_bytes",
    );
    bad(
        r#"{"issuer":"a","audiences":"any","consumer_claim":""}"#,
        "consumer_claim",
    );
    // HS256 listed but not allowed: verify refuses it even without check().
    let mut v = all_algs();
    v.allow_hs256 = false;
    assert_eq!(
        verify(&token("HS256", None, &claims()), &all_keys(), &v, NOW).unwrap_err(),
        JwtReject::AlgNotAllowed(Some(Alg::HS256))
    );
}

// ---------------------------------------------------------------- JWKS parsing

fn parse(keys: Vec<serde_json::Value>) -> Result<Jwks, JwksError> {
    Jwks::parse(json!({ "keys": keys }).to_string().as_bytes())
}

#[test]
fn jwks_key_types() {
    let set = all_keys();
    let types: Vec<KeyType> = set.keys().iter().map(Jwk::key_type).collect();
    assert_eq!(
        types,
        vec![
            KeyType::Rsa { bits: 2048 },
            KeyType::EcP256,
            KeyType::EcP384,
            KeyType::Ed25519,
            KeyType::Oct
        ]
    );
    assert_eq!(set.len(), 5);
    assert!(set.skipped().is_empty());
    let pinned = parse(vec![rsa_jwk("r", Some("PS256"))]).unwrap();
    assert_eq!(pinned.keys()[0].alg(), Some(Alg::PS256));
}

#[test]
fn jwks_skips_unusable_keys_and_counts_them() {
    let pk = rsa_key().to_public_key();
    let mut private = rsa_jwk("priv", None);
    private["d"] = json!("AAAA");
    let mut enc = rsa_jwk("enc", None);
    enc["use"] = json!("enc");
    let mut ops = rsa_jwk("ops", None);
    ops["key_ops"] = json!(["encrypt"]);
    let mut oaep = rsa_jwk("oaep", None);
    oaep["alg"] = json!("RSA-OAEP");
    let mut es_on_rsa = rsa_jwk("esrsa", None);
    es_on_rsa["alg"] = json!("ES256");
    let small = json!({"kty":"RSA","kid":"small","n":b64e(&[0xffu8; 128]),"e":"AQAB"});
    let huge = json!({"kty":"RSA","kid":"huge","n":b64e(&[0xffu8; 1025]),"e":"AQAB"});
    let padded_n =
        json!({"kty":"RSA","kid":"pad","n":format!("{}=", b64e(&pk.n().to_bytes_be())),"e":"AQAB"});
    let mut ec_short = p256_jwk("ecshort", &p256_key());
    ec_short["x"] = json!(b64e(&[1u8; 31]));
    let mut off_curve = p256_jwk("offcurve", &p256_key());
    off_curve["y"] = json!(b64e(&[1u8; 32]));
    let k1 =
        json!({"kty":"EC","crv":"secp256k1","kid":"k1","x":b64e(&[1u8;32]),"y":b64e(&[1u8;32])});
    let x25519 = json!({"kty":"OKP","crv":"X25519","kid":"x","x":b64e(&[1u8;32])});
    let short_oct = json!({"kty":"oct","kid":"weak","k":b64e(b"short")});
    let cases = vec![
        (json!({"kty":"foo","kid":"foo"}), SkipReason::UnknownKeyType),
        (json!({"kid":"nokty"}), SkipReason::NotAKey),
        (json!("a string"), SkipReason::NotAKey),
        (private, SkipReason::PrivateKey),
        (enc, SkipReason::NotForSignatures),
        (ops, SkipReason::NotForSignatures),
        (oaep, SkipReason::UnsupportedAlg),
        (es_on_rsa, SkipReason::UnsupportedAlg),
        (small, SkipReason::RsaModulusSize),
        (huge, SkipReason::RsaModulusSize),
        (padded_n, SkipReason::BadKeyMaterial),
        (ec_short, SkipReason::BadKeyMaterial),
        (off_curve, SkipReason::BadKeyMaterial),
        (k1, SkipReason::UnsupportedCurve),
        (x25519, SkipReason::UnsupportedCurve),
        (short_oct, SkipReason::OctSize),
        (
            json!({"kty":"oct","kid":"\u{7}bell","k":b64e(HS_SECRET)}),
            SkipReason::BadKid,
        ),
    ];
    let n = cases.len();
    let mut keys: Vec<_> = cases.iter().map(|(k, _)| k.clone()).collect();
    keys.push(ed_jwk("good"));
    let set = parse(keys).unwrap();
    assert_eq!(set.len(), 1);
    assert_eq!(set.keys()[0].kid(), Some("good"));
    assert_eq!(set.skipped().len(), n);
    for (i, (_, reason)) in cases.iter().enumerate() {
        assert_eq!(set.skipped()[i].index, i);
        assert_eq!(
            set.skipped()[i].reason,
            *reason,
            "case {i}: {:?}",
            set.skipped()[i].kid
        );
    }
    // Only unusable keys: an error, so a cached set is kept.
    let only_bad = parse(vec![json!({"kty":"foo"}), json!({"kty":"RSA"})]).unwrap_err();
    assert_eq!(only_bad, JwksError::NoUsableKeys { skipped: 2 });
}

#[test]
fn jwks_set_level_errors() {
    assert_eq!(Jwks::parse(b"nope").unwrap_err(), JwksError::NotJson);
    assert_eq!(Jwks::parse(b"[]").unwrap_err(), JwksError::NotJson);
    assert_eq!(
        Jwks::parse(br#"{"keys":{}}"#).unwrap_err(),
        JwksError::NoKeys
    );
    assert_eq!(Jwks::parse(br#"{}"#).unwrap_err(), JwksError::NoKeys);
    assert_eq!(
        Jwks::parse(br#"{"keys":[]}"#).unwrap_err(),
        JwksError::NoUsableKeys { skipped: 0 }
    );
    assert_eq!(
        Jwks::parse(br#"{"keys":[],"keys":[]}"#).unwrap_err(),
        JwksError::NotJson
    );
    let many: Vec<_> = (0..65).map(|i| ed_jwk(&format!("k{i}"))).collect();
    assert_eq!(parse(many).unwrap_err(), JwksError::TooManyKeys);
    let sixty_four: Vec<_> = (0..64).map(|i| ed_jwk(&format!("k{i}"))).collect();
    assert_eq!(parse(sixty_four).unwrap().len(), 64);
    let big = format!(r#"{{"keys":[],"pad":"{}"}}"#, "x".repeat(MAX_JWKS_BYTES));
    assert_eq!(
        Jwks::parse(big.as_bytes()).unwrap_err(),
        JwksError::TooLarge
    );
    // Members other than `keys` are ignored.
    let extra = json!({"keys":[ed_jwk("a")], "issuer": "x"}).to_string();
    assert_eq!(Jwks::parse(extra.as_bytes()).unwrap().len(), 1);
}

// ---------------------------------------------------------------- interop

// Keys and tokens made once by OpenSSL, through Python's `cryptography` 48
// (fresh RSA-2048, P-256 and Ed25519 keys; PKCS#1 v1.5, PSS with a 32-byte
// salt, ECDSA converted from DER to r||s, Ed25519), with claims
// {"iss":"https://idp.example","aud":"tollgate","sub":"openssl-signed",
// "exp":NOW+600,"iat":NOW}. They show the verifier agrees with another
// implementation, not only with the RustCrypto signers above.
const OPENSSL_JWKS: &str = r#"{"keys":[{"kty":"RSA","kid":"r","n":"rbL4maNT88m9fsBtge2uqKkUjVr_XBCxXDReaxCcRl4BuR9tbu_P23O1S_wVWE7f9V-hTdEA_rQFrlcRhvHSSAsbKNNcaS4m81sc_pWQwMQ5AujODcr6ojnyOC-vW4V2RTVD1Vj3duqCoiOVn9mN8m95Wpo7-y9yPJ2QZon8MSkMl4eNb55C0dmMfzEedMyFx1Dib_B4LUHTm0xxkujpSOfBpTqhEpBua7jCJVi-UhDdw9N_Tk-iVoRBRzl1VydPjWZohPKMxZDqU8mdTA1fz_Reh6LoFmeCb9kmNI5XLen4iXTlo2F0jZrekmuy9WidZKLDOSXkQP-ctNNcRjmV3w","e":"AQAB"},{"kty":"EC","crv":"P-256","kid":"e","x":"hRI6ffHVcqOwxIL0J8zMq0BWmOA1eb0WaOgntqvC4nA","y":"8solh5qYlofEzZrqnI-ecU70zwgLa-GsCl1uZdfh678"},{"kty":"OKP","crv":"Ed25519","kid":"d","x":"_aa8XOLzX9O4ACs-67lmrYzMTA5UkNDg0ZuSNGiMxj0"}]}"#;
const OPENSSL_TOKENS: [(&str, &str); 5] = [
    ("RS256", "eyJhbGciOiJSUzI1NiIsImtpZCI6InIiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIiwiYXVkIjoidG9sbGdhdGUiLCJzdWIiOiJvcGVuc3NsLXNpZ25lZCIsImV4cCI6MTc1MDAwMDYwMCwiaWF0IjoxNzUwMDAwMDAwfQ.c2F0eXD9ImbLRlhwibSCuga54pUAu3szMhsqAaVLvCMtTsgbEzbhrYXPHtTqvp2jdIgUlhjP6wq7t5VHcE36PUaZ5KLF87vtlqINQRWlh-g3faOrhDbTQgUjVqWrsu2RAUHvh_q5beujgvNsq4Ps7rSJo9Cu2B9IcWn0fEMEFMmnVH6pCKTU46ckrPlnXim9jhzb24SLzGi0_qVQ1A5KVim8dWuaNJWujswYwL6VQDwdXqegmPxjBeXZ_O884RR4xRP404gADjOJOmkq4z4Y39252vxlMVjwzjTdyEUGmJi0qMgWJROB21Mx2v1BKfBtu1Uy-0dZqtQYfvtZgu950g"),
    ("RS512", "eyJhbGciOiJSUzUxMiIsImtpZCI6InIiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIiwiYXVkIjoidG9sbGdhdGUiLCJzdWIiOiJvcGVuc3NsLXNpZ25lZCIsImV4cCI6MTc1MDAwMDYwMCwiaWF0IjoxNzUwMDAwMDAwfQ.SeafgI9RGGIkZYpAHnMr5Cbd8jHJPZxsVhehFpWOkHMDxgX3QSfX0eQaxDTRPt2zavRxdLZ_UDUpIY87OPTFSaj74z4jPiIidN89wB33uoqymIDH-SmUIMaM28BkJ9LG61Cj-K8ruAkGJMIflEDn5Xq-K-NKbWFaXUuaZv1mzoURnooiOXHyarcQDZOkRm7zfFbbI8HCLZ7019U58nV2bxQQ9AYkZk974mP27BM6XvUH6mTfqvL1I4PrkoFheDQxaHS9uITAxiFAwJ_17cW7JgbaHPnmw1kEdC3Cd8ZC_VdoUZu36jT2okHLYEv5nOqSvMyL1nwoS2YWkJVZJfF2wA"),
    ("PS256", "eyJhbGciOiJQUzI1NiIsImtpZCI6InIiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIiwiYXVkIjoidG9sbGdhdGUiLCJzdWIiOiJvcGVuc3NsLXNpZ25lZCIsImV4cCI6MTc1MDAwMDYwMCwiaWF0IjoxNzUwMDAwMDAwfQ.T3iFZ5zDKrHUPBzw2sJsMuHY7EKQz_pFlFhLKwKY2irPcxz4Pt64W6X-AGYYAwplzVHyjG49UNmPBA6xrpTXUmIIt0UlMDMnPYk7FzGXWRyuhnhe4Pw1LbOgOKBxP4lLn-knBxEESgyRYHIjVnrjJG7_8WmqsBf0CBGOcMKoeSpJEj6GO_SP4n9Wf6kiBCNa3QTnEBXkobAKK7ssUw-wCOVWCRuSNpmriaZrjW0X4lCtpguCwd3EAOraMI8tgzFzUBkZsup0EOALlfd2M5vlCAEpTTib8uVVfXD_JMmbD_BAcKoo4-sxVfUukZkfs-J3ztvyeruftI-c-ooeEWtlaA"),
    ("ES256", "eyJhbGciOiJFUzI1NiIsImtpZCI6ImUiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIiwiYXVkIjoidG9sbGdhdGUiLCJzdWIiOiJvcGVuc3NsLXNpZ25lZCIsImV4cCI6MTc1MDAwMDYwMCwiaWF0IjoxNzUwMDAwMDAwfQ.Xnrhk2I_48D7wB98WHjugXjTbpTrGhyGkKvgu45bM1-ooprbY_YLvrsSvAu26Bp28UO0Upn17FUBy7c2aukTDQ"),
    ("EdDSA", "eyJhbGciOiJFZERTQSIsImtpZCI6ImQiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIiwiYXVkIjoidG9sbGdhdGUiLCJzdWIiOiJvcGVuc3NsLXNpZ25lZCIsImV4cCI6MTc1MDAwMDYwMCwiaWF0IjoxNzUwMDAwMDAwfQ.nIiws4_nDkZ_fxkLwSSLA8dm19uq8EQcSQg9bx7A7j92g4kxzpJ9YmKp2NfYfDsIRC9iG_BQqeHjES592436Aw"),
];

#[test]
fn tokens_signed_by_openssl_verify() {
    let set = Jwks::parse(OPENSSL_JWKS.as_bytes()).unwrap();
    for (alg, t) in OPENSSL_TOKENS {
        let v = verify(t, &set, &all_algs(), NOW).unwrap_or_else(|e| panic!("{alg}: {e}"));
        assert_eq!((v.consumer.as_str(), v.alg.name()), ("openssl-signed", alg));
        // One flipped payload bit fails.
        let mut b = t.as_bytes().to_vec();
        let dot = t.find('.').unwrap();
        b[dot + 2] ^= 1;
        let bad = String::from_utf8(b).unwrap();
        assert!(verify(&bad, &set, &all_algs(), NOW).is_err(), "{alg}");
    }
}
