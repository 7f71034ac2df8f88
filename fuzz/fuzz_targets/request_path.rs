//! Arbitrary `:path`s and methods through the one path normalisation and
//! the route catalogue: never a panic; a normalised path normalises to
//! itself and classifies as the raw one did (what a filter decides on is
//! stable).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_core::request::catalogue::classify;
use tollgate_core::request::path::normalize;

const METHODS: [&str; 4] = ["GET", "POST", "DELETE", "PUT"];

fuzz_target!(|data: &[u8]| {
    let Some((&m, rest)) = data.split_first() else {
        return;
    };
    let Ok(raw) = std::str::from_utf8(rest) else {
        return;
    };
    let method = METHODS[usize::from(m) % METHODS.len()];
    let Ok(path) = normalize(raw) else {
        return;
    };
    let again = normalize(&path.as_str()).expect("a normalised path normalises");
    assert_eq!(again.segments(), path.segments(), "{raw:?}");
    let first = classify(method, raw).map(|c| c.route.map(|r| r.id));
    let second = classify(method, &path.as_str()).map(|c| c.route.map(|r| r.id));
    assert_eq!(first, second, "{raw:?}");
    let _ = path.query_param("model");
});
