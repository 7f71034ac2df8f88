//! Text normalisation for injection detection: Unicode compatibility
//! folding, case folding, invisible characters, confusables, leetspeak,
//! collapsed whitespace.
//!
//! CONTRACT (stub; filled in by the injection work).

/// The normalised form of `text` that injection rules match against.
pub fn normalize(text: &str) -> String {
    text.to_lowercase()
}
