//! Arbitrary bytes as a bearer JWT against a fixed key set, and as a JWKS
//! document: verification returns a verified token or a reason, never
//! panics; a key set parses or is refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tollgate_core::auth::jwt::{verify, Alg, Jwks, Validation};

fn keys() -> &'static (Jwks, Validation) {
    static KEYS: OnceLock<(Jwks, Validation)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let jwks = Jwks::parse(include_bytes!("../../benches/data/jwt-openssl.jwks.json"))
            .expect("the fixture key set parses");
        let mut v = Validation::new(vec!["https://idp.example".into()]);
        v.algorithms = vec![Alg::RS256, Alg::ES256, Alg::EdDSA, Alg::PS256];
        (jwks, v)
    })
}

fuzz_target!(|data: &[u8]| {
    let (jwks, validation) = keys();
    let token = String::from_utf8_lossy(data);
    if let Err(e) = verify(&token, jwks, validation, 1_750_000_000) {
        let _ = e.to_string();
    }
    let _ = Jwks::parse(data);
});
