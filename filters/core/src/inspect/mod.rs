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

#[cfg(test)]
mod tests {
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
