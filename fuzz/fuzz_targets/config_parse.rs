//! Arbitrary bytes as a filter configuration: `parse` must return `Ok` or a
//! `ConfigError` for every input, never panic, and what it accepts must pass
//! its own validation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_core::config::{self, AuthConfig, InspectConfig, ThrottleConfig, Validate};

fuzz_target!(|data: &[u8]| {
    check::<AuthConfig>(data);
    check::<ThrottleConfig>(data);
    check::<InspectConfig>(data);
});

fn check<T>(data: &[u8])
where
    T: serde::de::DeserializeOwned + Validate + Default,
{
    match config::parse::<T>(data) {
        Ok(config) => assert!(config.validate().is_ok()),
        // Display must not panic either (Envoy's log line is built from it).
        Err(e) => drop(e.to_string()),
    }
}
