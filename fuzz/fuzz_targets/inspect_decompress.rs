//! Arbitrary bytes as gzip and deflate bodies: decompression returns data
//! within the bound or an error, never panics, never allocates past the
//! bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_core::request::decompress::{decompress, Encoding};

fuzz_target!(|data: &[u8]| {
    for encoding in [Encoding::Gzip, Encoding::Deflate] {
        if let Ok(out) = decompress(encoding, data, 1 << 20) {
            assert!(out.len() <= 1 << 20);
        }
    }
});
