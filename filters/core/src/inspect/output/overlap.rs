//! System-prompt overlap: normalised character stream and a rolling hash over it.

#[allow(unused_imports)]
use super::*;

// ---- overlap helpers -----------------------------------------------------------

/// Zero-width and other invisible characters, dropped before comparing.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// Normalised characters of a text with their source byte ranges:
/// lowercase, whitespace runs as one `' '`, invisible characters dropped.
#[derive(Clone, Debug)]
pub(super) struct Norm<'a> {
    pub(super) text: &'a str,
    pub(super) pos: usize,
    pub(super) pend: [char; 3],
    pub(super) pend_len: usize,
    pub(super) pend_i: usize,
    pub(super) pend_span: (usize, usize),
}

impl<'a> Norm<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            pend: ['\0'; 3],
            pend_len: 0,
            pend_i: 0,
            pend_span: (0, 0),
        }
    }
}

impl Iterator for Norm<'_> {
    type Item = (char, usize, usize);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pend_i < self.pend_len {
            let c = self.pend.get(self.pend_i).copied()?;
            self.pend_i = self.pend_i.saturating_add(1);
            return Some((c, self.pend_span.0, self.pend_span.1));
        }
        loop {
            let rest = self.text.get(self.pos..)?;
            let mut chars = rest.chars();
            let ch = chars.next()?;
            let start = self.pos;
            let end = start.saturating_add(ch.len_utf8());
            self.pos = end;
            if is_invisible(ch) {
                continue;
            }
            if ch.is_whitespace() {
                for c in chars {
                    if c.is_whitespace() || is_invisible(c) {
                        self.pos = self.pos.saturating_add(c.len_utf8());
                    } else {
                        break;
                    }
                }
                return Some((' ', start, self.pos));
            }
            if ch.is_ascii() {
                return Some((ch.to_ascii_lowercase(), start, end));
            }
            let mut lower = ch.to_lowercase();
            let first = lower.next().unwrap_or(ch);
            self.pend_len = 0;
            self.pend_i = 0;
            for (slot, c) in self.pend.iter_mut().zip(lower) {
                *slot = c;
                self.pend_len = self.pend_len.saturating_add(1);
            }
            self.pend_span = (start, end);
            return Some((first, start, end));
        }
    }
}

/// Mersenne prime 2^61 - 1: the rolling hash's modulus.
pub(super) const MOD: u64 = (1 << 61) - 1;
/// The rolling hash's base.
pub(super) const BASE: u64 = 0x0F35_A7C9_3B2D_4E61;

pub(super) fn unit(c: char) -> u64 {
    u64::from(c).saturating_add(1)
}

/// `a * b mod MOD` for `a, b < MOD`, with the Mersenne reduction (no
/// 128-bit division).
pub(super) fn mul_mod(a: u64, b: u64) -> u64 {
    let p = u128::from(a).wrapping_mul(u128::from(b));
    let s = ((p as u64) & MOD).wrapping_add((p >> 61) as u64);
    let s = (s & MOD).wrapping_add(s >> 61);
    if s >= MOD {
        s.wrapping_sub(MOD)
    } else {
        s
    }
}

pub(super) fn add_mod(a: u64, b: u64) -> u64 {
    let s = a.wrapping_add(b);
    if s >= MOD {
        s.wrapping_sub(MOD)
    } else {
        s
    }
}

pub(super) fn sub_mod(a: u64, b: u64) -> u64 {
    add_mod(a, MOD.wrapping_sub(b % MOD))
}

pub(super) fn pow_mod(mut b: u64, mut e: usize) -> u64 {
    let mut r = 1u64;
    while e > 0 {
        if e & 1 == 1 {
            r = mul_mod(r, b);
        }
        b = mul_mod(b, b);
        e >>= 1;
    }
    r
}
