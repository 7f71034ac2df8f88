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
pub mod normalize;
pub mod output;
pub mod patterns;
pub mod pii;
pub mod secrets;
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

/// The start of the first run of at least `min_len` consecutive bytes of
/// `bytes` at or after `from` that satisfy `is` (a run may begin at `from`
/// even if the byte before it satisfies `is` too).
///
/// Looks at one byte in every `min_len` and measures a run only around a
/// probe inside one: a run that long covers a probe, so prose (short words
/// between separators) costs a look or two per word instead of a test and
/// a hard-to-predict branch per byte. Detectors that only care about long
/// runs (encoded payloads, token-shaped strings) use it to skip the rest.
pub(crate) fn find_run(
    bytes: &[u8],
    from: usize,
    min_len: usize,
    is: impl Fn(u8) -> bool,
) -> Option<usize> {
    let step = min_len.max(1);
    let test = |i: usize| bytes.get(i).is_some_and(|&b| is(b));
    // Every run that could start before `lo` has been decided.
    let mut lo = from;
    let mut probe = from.saturating_add(step.saturating_sub(1));
    while probe < bytes.len() {
        if !test(probe) {
            lo = probe.saturating_add(1);
            probe = probe.saturating_add(step);
            continue;
        }
        let mut start = probe;
        while start > lo && test(start.saturating_sub(1)) {
            start = start.saturating_sub(1);
        }
        let mut end = probe.saturating_add(1);
        while end.saturating_sub(start) < step && test(end) {
            end = end.saturating_add(1);
        }
        if end.saturating_sub(start) >= step {
            return Some(start);
        }
        // `end` is not in a run: the next run long enough covers
        // `end + step`.
        lo = end.saturating_add(1);
        probe = end.saturating_add(step);
    }
    None
}

#[cfg(test)]
mod tests {
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
    #[allow(clippy::arithmetic_side_effects)]
    fn find_run_agrees_with_a_byte_by_byte_search() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut found = 0;
        for len in 0..120usize {
            for _ in 0..200 {
                // Runs of `a` of every length among separators.
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        if seed.is_multiple_of(9) {
                            b' '
                        } else {
                            b'a'
                        }
                    })
                    .collect();
                for min_len in [0, 1, 2, 5, 16, 23] {
                    for from in [0, 1, 7, len / 2] {
                        let want = find_run_bytewise(&bytes, from, min_len, |b| b == b'a');
                        found += usize::from(want.is_some());
                        assert_eq!(
                            super::find_run(&bytes, from, min_len, |b| b == b'a'),
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
