//! The canary: a configured marker whose appearance in a response means the system prompt leaked.

#[allow(unused_imports)]
use super::*;

// ---- canary helpers ----------------------------------------------------------

impl Canary {
    pub(super) fn new(raw: &str) -> Result<Self, String> {
        let mut pat = Vec::new();
        for ch in raw.chars() {
            match canary_unit(ch) {
                Some(0) => {
                    return Err("must be ASCII letters and digits (separators allowed)".into())
                }
                Some(u) => pat.push(u),
                None => {}
            }
        }
        if pat.len() < MIN_CANARY_CHARS || pat.len() > MAX_CANARY_CHARS {
            return Err(format!(
                "must have between {MIN_CANARY_CHARS} and {MAX_CANARY_CHARS} ASCII letters and digits"
            ));
        }
        let mut fail = vec![0usize; pat.len()];
        let mut k = 0usize;
        for i in 1..pat.len() {
            let c = pat.get(i).copied();
            while k > 0 && pat.get(k).copied() != c {
                k = k
                    .checked_sub(1)
                    .and_then(|j| fail.get(j))
                    .copied()
                    .unwrap_or(0);
            }
            if pat.get(k).copied() == c {
                k = k.saturating_add(1);
            }
            if let Some(slot) = fail.get_mut(i) {
                *slot = k;
            }
        }
        Ok(Self { pat, fail })
    }
}

/// A character as the canary matcher sees it: `None` to skip (whitespace,
/// punctuation, invisible characters), `Some(0)` for a letter no canary
/// has, else the lowercase ASCII byte.
pub(super) fn canary_unit(ch: char) -> Option<u8> {
    let ch = match u32::from(ch) {
        c @ 0xFF01..=0xFF5E => char::from_u32(c.wrapping_sub(0xFEE0)).unwrap_or(ch),
        _ => ch,
    };
    if ch.is_ascii_alphanumeric() {
        Some(ch.to_ascii_lowercase() as u8)
    } else if ch.is_alphanumeric() {
        Some(0)
    } else {
        None
    }
}
