//! The `inspect` engines: what goes in to a model and what comes out.
//!
//! Everything here is pure: bytes in, a decision out. The filter
//! (`filters/inspect`) gathers bodies and carries the decision out.
//!
//! # How a body is inspected
//! 1. [`decompress`]: a `gzip`/`deflate` request body is inflated with a bound
//!    (a compression bomb is an error, never an out-of-memory).
//! 2. [`extract`]: the JSON body is read the way the upstream will read it
//!    (OpenAI chat / completions / responses / embeddings, Anthropic
//!    messages) into [`Segment`]s: each piece of text with its [`Role`] and
//!    its location in the document, so a redaction can be written back and
//!    the JSON stays valid.
//! 3. Detectors run over each segment:
//!    - [`patterns`] is the one literal-anchor pass (Aho-Corasick) with small
//!      regexes and validators around candidate hits, holding the rules of
//!      [`secrets`] (credentials, private keys, tokens, passwords) and
//!      [`pii`] (emails, phones, cards, IBANs, national IDs, IPs);
//!    - [`injection`] scores prompt-injection and jailbreak signals over
//!      [`normalize`]d text (Unicode folding, confusables, leetspeak,
//!      invisible characters, encoded payloads);
//!    - [`output`] checks completions: links and images to domains outside
//!      an allowlist, HTML/script, system-prompt leaks.
//! 4. [`engine`] applies the policy (per family, direction, route and role:
//!    block, redact, audit, off; shadow mode) and returns a [`engine::Verdict`].
//!
//! Streamed responses go through [`sse`] (an incremental Server-Sent Events
//! parser) and [`stream`], which rebuilds the text of each choice / content
//! block across events and scans it with a bounded hold-back window, so a
//! secret split over any number of chunks is redacted before it is forwarded.

pub mod encoded;
pub mod engine;
pub mod guard;
pub mod injection;
pub mod memo;
pub mod normalize;
pub mod output;
pub mod patterns;
pub mod pii;
pub mod secrets;
mod steady;
pub mod stream;

use std::sync::Arc;

pub use crate::config::inspect::{Direction, Family};

/// A detector hit inside one text: a byte range with the rule that matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// The family of the rule.
    pub family: Family,
    /// The rule id, e.g. `aws_access_key`, `email`, `instruction_override`.
    /// This is what redactions are labelled with (`[REDACTED:aws_access_key]`)
    /// and what metrics and logs name. Never the matched text.
    pub kind: Arc<str>,
    /// Start byte offset in the scanned text (on a char boundary).
    pub start: usize,
    /// End byte offset, exclusive (on a char boundary).
    pub end: usize,
}

impl Match {
    /// The matched bytes' range.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// The text a redaction leaves: `[REDACTED:<kind>]`.
pub fn redaction_label(kind: &str) -> String {
    format!("[REDACTED:{kind}]")
}

/// Replace each `(range, replacement)` in `text`. Ranges must be sorted by
/// start; overlapping ranges are merged into the first one's replacement.
/// Ranges out of bounds or not on char boundaries are skipped (never a
/// panic).
pub fn replace_ranges(text: &str, edits: &[(std::ops::Range<usize>, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0usize;
    for (range, replacement) in edits {
        if range.start < pos || range.end < range.start {
            // Overlaps the previous edit (already replaced) or is reversed:
            // extend the previous edit over it.
            if range.end > pos && text.is_char_boundary(range.end) {
                pos = range.end;
            }
            continue;
        }
        let (Some(keep), true) = (text.get(pos..range.start), text.is_char_boundary(range.end))
        else {
            continue;
        };
        if range.end > text.len() {
            continue;
        }
        out.push_str(keep);
        out.push_str(replacement);
        pos = range.end;
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    out
}

/// The index of the first byte at or after `from` that `is` accepts,
/// read eight bytes at a time: `maybe` marks (the high bit of each byte,
/// as the [`swar`] tests do) the bytes of a chunk that `is` may accept, and
/// must mark every one it accepts; a chunk with none marked is skipped
/// whole. For the searches that skip prose to the next digit or non-ASCII
/// byte (`pii::scan_numeric`, `encoded`'s stretches), where a byte loop
/// took a branch per byte.
pub(crate) fn find_byte(
    bytes: &[u8],
    from: usize,
    maybe: impl Fn(u64) -> u64,
    is: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut i = from;
    while let Some(x) = swar::chunk(bytes, i) {
        let mut marked = maybe(x) & swar::HIGH;
        while marked != 0 {
            let at = i.saturating_add(swar::first(marked));
            if bytes.get(at).is_some_and(|&b| is(b)) {
                return Some(at);
            }
            marked &= marked.wrapping_sub(1);
        }
        i = i.saturating_add(8);
    }
    while let Some(&b) = bytes.get(i) {
        if is(b) {
            return Some(i);
        }
        i = i.saturating_add(1);
    }
    None
}

/// The start of the first run of at least `min_len` consecutive bytes of
/// `bytes` at or after `from` in `class` (a [`swar`] test: the mask of the
/// bytes of a chunk in the class; a run may begin at `from` even if the
/// byte before it is in the class too).
///
/// A run longer than eight bytes fills an aligned chunk of eight, so for
/// such runs (the encoded payloads and runs this is for: 16 and 23 bytes)
/// the text is read a chunk at a time, keeping the length of the run that
/// reaches the chunk's end: prose costs a few operations per eight bytes,
/// with no branch that depends on where its words end. Shorter minimums
/// look at every byte.
pub(crate) fn find_run(
    bytes: &[u8],
    from: usize,
    min_len: usize,
    class: impl Fn(u64) -> u64,
) -> Option<usize> {
    let min_len = min_len.max(1);
    // The length of the run of satisfying bytes that ends at `i`.
    let mut run = 0usize;
    let mut i = from;
    if min_len > 8 {
        while let Some(x) = swar::chunk(bytes, i) {
            let outside = !class(x) & swar::HIGH;
            if outside == 0 {
                run = run.saturating_add(8);
            } else {
                // The run continues over the chunk's first bytes, then
                // what follows its last byte outside starts a new one (a
                // run inside the chunk is at most 7 < min_len bytes).
                let head = (outside.trailing_zeros() / 8) as usize;
                if run.saturating_add(head) >= min_len {
                    return Some(i.saturating_sub(run));
                }
                run = (outside.leading_zeros() / 8) as usize;
            }
            if run >= min_len {
                return Some(i.saturating_add(8).saturating_sub(run));
            }
            i = i.saturating_add(8);
        }
    }
    while let Some(&b) = bytes.get(i) {
        // One byte is a chunk whose first byte is `b`.
        let is = class(u64::from(b)) & 0x80 != 0;
        run = if is { run.saturating_add(1) } else { 0 };
        i = i.saturating_add(1);
        if run >= min_len {
            return Some(i.saturating_sub(run));
        }
    }
    None
}

/// Byte tests on eight ASCII bytes at once, in a `u64` ("SIMD within a
/// register"): safe code, and as fast in wasm32 without SIMD as natively.
/// Each test leaves the high bit of every byte that passes; every byte
/// must be below 0x80, so no sum carries into the next byte ([`ascii`]
/// masks the others out).
/// The index of the last byte before `end` that `is` accepts, read eight
/// bytes at a time from the end: [`find_byte`] backwards (`maybe` as
/// there).
pub(crate) fn rfind_byte(
    bytes: &[u8],
    end: usize,
    maybe: impl Fn(u64) -> u64,
    is: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut i = end.min(bytes.len());
    while let Some(from) = i.checked_sub(8) {
        let Some(x) = swar::chunk(bytes, from) else {
            break;
        };
        let mut marked = maybe(x) & swar::HIGH;
        while marked != 0 {
            // The last marked byte: the highest set bit's.
            let bit = 63u32.saturating_sub(marked.leading_zeros());
            let at = from.saturating_add(usize::try_from(bit / 8).unwrap_or(0));
            if bytes.get(at).is_some_and(|&b| is(b)) {
                return Some(at);
            }
            marked &= !(1u64.wrapping_shl(bit));
        }
        i = from;
    }
    while let Some(j) = i.checked_sub(1) {
        if bytes.get(j).is_some_and(|&b| is(b)) {
            return Some(j);
        }
        i = j;
    }
    None
}

pub(crate) mod swar {
    const LOW: u64 = 0x0101_0101_0101_0101;
    /// The high bit of every byte.
    pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;

    /// Eight bytes of `bytes` from `at` (byte `k` in bits `8k..8k + 8`).
    #[inline]
    pub(crate) fn chunk(bytes: &[u8], at: usize) -> Option<u64> {
        let eight: [u8; 8] = bytes.get(at..at.checked_add(8)?)?.try_into().ok()?;
        Some(u64::from_le_bytes(eight))
    }

    /// Bytes of `x` that are at least `lo` (`lo` in `1..=0x80`).
    #[inline]
    fn at_least(x: u64, lo: u8) -> u64 {
        x.wrapping_add(LOW.wrapping_mul(u64::from(0x80u8.wrapping_sub(lo)))) & HIGH
    }

    /// Bytes of `x` in `lo..=hi` (`1 <= lo <= hi < 0x80`).
    #[inline]
    pub(crate) fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
        at_least(x, lo) & !at_least(x, hi.wrapping_add(1))
    }

    /// Bytes of `x` equal to `b` (`b < 0x80`).
    #[inline]
    pub(crate) fn equal(x: u64, b: u8) -> u64 {
        !(x ^ LOW.wrapping_mul(u64::from(b))).wrapping_add(LOW.wrapping_mul(0x7F)) & HIGH
    }

    /// Bytes of `x` equal to `b`, whatever the bytes of `x` (the exact
    /// zero-byte test: no carry leaves a byte).
    #[inline]
    pub(crate) fn equal_any(x: u64, b: u8) -> u64 {
        const SEVEN: u64 = !HIGH;
        let y = x ^ LOW.wrapping_mul(u64::from(b));
        !((y & SEVEN).wrapping_add(SEVEN) | y | SEVEN)
    }

    /// Bytes of `x` in either base64 alphabet (`A-Z a-z 0-9 + / - _`),
    /// whatever the bytes of `x`.
    #[inline]
    pub(crate) fn base64(x: u64) -> u64 {
        let (x, is_ascii) = ascii(x);
        (in_range(x, b'0', b'9')
            | in_range(x, b'A', b'Z')
            | in_range(x, b'a', b'z')
            | equal(x, b'+')
            | equal(x, b'/')
            | equal(x, b'-')
            | equal(x, b'_'))
            & is_ascii
    }

    /// `x` with the high bit of every byte cleared (for the tests above),
    /// and the mask of its bytes that were ASCII.
    #[inline]
    pub(crate) fn ascii(x: u64) -> (u64, u64) {
        (x & !HIGH, !x & HIGH)
    }

    /// The index of the first byte marked in `mask` (non-zero).
    #[inline]
    pub(crate) fn first(mask: u64) -> usize {
        (mask.trailing_zeros() / 8) as usize
    }
}

#[cfg(test)]
pub(crate) mod tests {
    /// [`super::find_run`] by looking at every byte: its oracle.
    #[allow(clippy::arithmetic_side_effects)]
    fn find_run_bytewise(
        bytes: &[u8],
        from: usize,
        min_len: usize,
        is: impl Fn(u8) -> bool,
    ) -> Option<usize> {
        let mut run = 0usize;
        for (i, &b) in bytes.iter().enumerate().skip(from) {
            run = if is(b) { run + 1 } else { 0 };
            if run >= min_len.max(1) {
                return Some(i + 1 - run);
            }
        }
        None
    }

    #[test]
    fn rfind_byte_finds_the_last_byte_a_loop_finds() {
        let mut seed = 0x1234_5678_9abc_def1u64;
        for _ in 0..2_000 {
            xorshift(&mut seed);
            let len = (seed % 70) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    xorshift(&mut seed);
                    [b'B', b'-', b'x', 0xC2, b'b', 0xC2 ^ 0x80 ^ b'B'][(seed % 6) as usize]
                })
                .collect();
            xorshift(&mut seed);
            let end = (seed % (len as u64 + 2)) as usize;
            let want = bytes[..end.min(len)].iter().rposition(|&c| c == b'B');
            let got = super::rfind_byte(
                &bytes,
                end,
                |x| super::swar::equal(super::swar::ascii(x).0, b'B'),
                |c| c == b'B',
            );
            assert_eq!(got, want, "{bytes:?} {end}");
        }
    }

    /// The next state of a xorshift64 generator: the tests' deterministic
    /// random inputs.
    pub(crate) fn xorshift(seed: &mut u64) {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
    }

    /// Checks that `class` marks exactly the bytes `is` accepts, every
    /// byte value at every position of a chunk, among bytes `is` accepts
    /// and bytes it does not.
    #[allow(clippy::arithmetic_side_effects)]
    pub(crate) fn assert_class_agrees(is: impl Fn(u8) -> bool, class: impl Fn(u64) -> u64) {
        let accepted = (0..=255u8).find(|&b| is(b)).expect("a class with a byte");
        let refused = (0..=255u8)
            .find(|&b| !is(b))
            .expect("a class without every byte");
        for filler in [accepted, refused, 0x00, 0x80, 0xFF] {
            for b in 0..=255u8 {
                for k in 0..8 {
                    let mut eight = [filler; 8];
                    eight[k] = b;
                    let mask = class(u64::from_le_bytes(eight));
                    for (j, &byte) in eight.iter().enumerate() {
                        let marked = mask & (0x80 << (8 * j)) != 0;
                        assert_eq!(
                            marked,
                            is(byte),
                            "byte {byte:#04x} at {j} among {filler:#04x}"
                        );
                    }
                    assert_eq!(mask & !swar::HIGH, 0, "only high bits");
                }
            }
        }
    }

    #[test]
    #[allow(clippy::arithmetic_side_effects)]
    fn find_byte_agrees_with_a_byte_by_byte_search() {
        // Its two uses: digits and colons (a class exact on every byte),
        // and the lead bytes of characters that may fold (marked only as
        // "not ASCII").
        crate::inspect::tests::assert_class_agrees(
            |b| b.is_ascii_digit() || b == b':',
            super::pii::digit_or_colon,
        );
        let digit = |b: u8| b.is_ascii_digit() || b == b':';
        let pool = [b'a', b' ', b'5', b':', 0xE2, 0x80, 0xC2, 0xF0, b'/', 0xFF];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut found = 0;
        for len in 0..70usize {
            for _ in 0..300 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        crate::inspect::tests::xorshift(&mut seed);
                        // Mostly prose, as the searches skip it.
                        if seed.is_multiple_of(5) {
                            pool[(seed / 5 % pool.len() as u64) as usize]
                        } else {
                            b'e'
                        }
                    })
                    .collect();
                for from in [0, 1, 3, 8, len / 2, len] {
                    let want = |is: &dyn Fn(u8) -> bool| {
                        bytes
                            .iter()
                            .skip(from)
                            .position(|&b| is(b))
                            .map(|i| i + from)
                    };
                    let got = find_byte(&bytes, from, super::pii::digit_or_colon, digit);
                    assert_eq!(got, want(&digit), "{bytes:?} from {from}");
                    let folds = super::encoded::may_fold;
                    assert_eq!(find_byte(&bytes, from, |x| x, folds), want(&folds));
                    found += usize::from(got.is_some());
                }
            }
        }
        assert!(found > 50_000, "{found}");
    }

    #[test]
    #[allow(clippy::arithmetic_side_effects)]
    fn find_run_agrees_with_a_byte_by_byte_search() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut found = 0;
        for len in 0..120usize {
            for _ in 0..200 {
                // Runs of `a` of every length among separators.
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        crate::inspect::tests::xorshift(&mut seed);
                        // 0xE1 is `a` with the high bit set: not `a`.
                        match seed % 11 {
                            0 => b' ',
                            1 => 0xE1,
                            _ => b'a',
                        }
                    })
                    .collect();
                for min_len in [0, 1, 2, 5, 9, 16, 23] {
                    for from in [0, 1, 7, len / 2] {
                        let want = find_run_bytewise(&bytes, from, min_len, |b| b == b'a');
                        found += usize::from(want.is_some());
                        let class = |x: u64| {
                            let (x, ascii) = swar::ascii(x);
                            swar::equal(x, b'a') & ascii
                        };
                        assert_eq!(
                            super::find_run(&bytes, from, min_len, class),
                            want,
                            "{:?} from {from} min {min_len}",
                            String::from_utf8_lossy(&bytes)
                        );
                    }
                }
            }
        }
        assert!(found > 10_000, "the cases hold runs: {found}");
    }

    use super::*;

    #[test]
    fn replace_ranges_replaces_merges_and_skips_bad_ranges() {
        let text = "key AKIA123 and ghp_456 end";
        let out = replace_ranges(text, &[(4..11, "[A]"), (16..23, "[G]")]);
        assert_eq!(out, "key [A] and [G] end");
        // Overlap: the second range is swallowed by the first.
        let out = replace_ranges(text, &[(4..11, "[A]"), (8..15, "[B]")]);
        assert_eq!(out, "key [A] ghp_456 end");
        // Out of bounds and non-boundary ranges are skipped.
        assert_eq!(replace_ranges("héllo", &[(2..3, "x")]), "héllo");
        assert_eq!(replace_ranges("abc", &[(1..10, "x")]), "abc");
    }
}
