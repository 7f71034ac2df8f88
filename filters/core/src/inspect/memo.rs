//! What the text detectors found in texts already seen, so a conversation's
//! history is not scanned again on every turn.
//!
//! Chat APIs are stateless: each request carries the whole conversation, so
//! turn *n* resends the *n − 1* messages before it, and scanning every
//! message of every request costs the square of a conversation's length.
//! The detectors that read text alone ([`super::injection`]'s score and
//! [`super::patterns`]' matches) are pure functions of the text, so their
//! result for a text can be kept and reused; everything that depends on
//! policy (actions per role, path and direction, redaction, fingerprints)
//! is still worked out per request from the kept result, so a request gets
//! exactly the verdict it would get without the memo.
//!
//! # What it must get right
//! - **The same answer**: keys are the texts themselves, compared in full
//!   (never a digest that two texts could share), and the memo belongs to
//!   one built engine: a new configuration builds a new engine and an empty
//!   memo.
//! - **No side channel between consumers**: an answer from the memo is
//!   faster than a scan, so one client could time whether a text (a guessed
//!   prompt with a guessed secret in it) was sent before. Entries are kept
//!   per *scope* (the filter uses the consumer `auth` authenticated), and a
//!   lookup only sees its own scope's entries.
//! - **Bounded memory**: at most the configured bytes (texts, scopes,
//!   results and a per-entry overhead counted), in two generations: entries
//!   go into the young one; when it holds half the budget, the old one is
//!   dropped and the young one becomes old; a hit in the old one moves the
//!   entry back into the young one. What a conversation keeps using stays.
//! - **Hash flooding**: the maps hash with `RandomState`, seeded per VM
//!   from the host's randomness, so a client cannot choose texts that
//!   collide.
//!
//! Texts shorter than [`MIN_TEXT`] are not kept: scanning them costs about
//! what keeping them would.

use std::collections::HashMap;

use super::injection::Score;
use super::Match;

/// The shortest text kept, in bytes.
pub const MIN_TEXT: usize = 128;

/// Bytes counted per entry beyond its texts and results: the map's slot,
/// the boxes' and vectors' headers and the allocator's rounding.
const ENTRY_OVERHEAD: usize = 160;

/// What the text-only detectors found in one text.
#[derive(Clone, Debug, Default)]
pub struct Scanned {
    /// The injection score, when it was asked for (an `off` injection policy
    /// for every role that sent the text never computes it).
    pub score: Option<Score>,
    /// The secrets, PII and custom pattern matches.
    pub matches: Vec<Match>,
}

impl Scanned {
    fn bytes(&self) -> usize {
        let signals = self.score.as_ref().map_or(0, |s| {
            s.signals
                .len()
                .saturating_mul(std::mem::size_of::<super::injection::Signal>())
        });
        self.matches
            .len()
            .saturating_mul(std::mem::size_of::<Match>())
            .saturating_add(signals)
    }
}

/// One generation: text → the scopes that sent it, each with its result.
#[derive(Default)]
struct Generation {
    map: HashMap<Box<str>, Vec<(Box<str>, Scanned)>>,
    bytes: usize,
}

impl Generation {
    fn take(&mut self, scope: &str, text: &str) -> Option<Scanned> {
        let entries = self.map.get_mut(text)?;
        let at = entries.iter().position(|(s, _)| &**s == scope)?;
        let (_, scanned) = entries.swap_remove(at);
        if entries.is_empty() {
            self.map.remove(text);
        }
        self.bytes = self
            .bytes
            .saturating_sub(cost(scope, text).saturating_add(scanned.bytes()));
        Some(scanned)
    }
}

fn cost(scope: &str, text: &str) -> usize {
    text.len()
        .saturating_add(scope.len())
        .saturating_add(ENTRY_OVERHEAD)
}

/// A memo and the scope its lookups see: what [`super::engine::Engine`]
/// takes to reuse results.
#[derive(Debug)]
pub struct Recall<'a> {
    /// The memo.
    pub memo: &'a mut Memo,
    /// Whose texts these are (the filter passes the consumer).
    pub scope: &'a str,
}

/// The memo of one engine (one per VM: Envoy runs one per worker).
#[derive(Default)]
pub struct Memo {
    budget: usize,
    young: Generation,
    old: Generation,
    hits: u64,
    misses: u64,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the texts.
        f.debug_struct("Memo")
            .field("budget", &self.budget)
            .field("bytes", &self.bytes())
            .field("hits", &self.hits)
            .field("misses", &self.misses)
            .finish()
    }
}

impl Memo {
    /// A memo of at most `budget` bytes; `0` keeps nothing.
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            ..Self::default()
        }
    }

    /// The bytes held (as counted against the budget).
    pub fn bytes(&self) -> usize {
        self.young.bytes.saturating_add(self.old.bytes)
    }

    /// Texts answered from the memo, and texts looked up and not found
    /// (texts too short to keep are neither), since it was built.
    pub fn counts(&self) -> (u64, u64) {
        (self.hits, self.misses)
    }

    /// Whether `text` is long enough to be kept and the memo keeps anything.
    pub fn keeps(&self, text: &str) -> bool {
        self.budget > 0 && text.len() >= MIN_TEXT
    }

    /// The result kept for `text` in `scope`, taken out (give it back with
    /// [`Memo::put`]).
    pub fn take(&mut self, scope: &str, text: &str) -> Option<Scanned> {
        if !self.keeps(text) {
            return None;
        }
        let found = self
            .young
            .take(scope, text)
            .or_else(|| self.old.take(scope, text));
        if found.is_some() {
            self.hits = self.hits.saturating_add(1);
        } else {
            self.misses = self.misses.saturating_add(1);
        }
        found
    }

    /// Keep `scanned` as the result for `text` in `scope`.
    pub fn put(&mut self, scope: &str, text: &str, scanned: Scanned) {
        if !self.keeps(text) {
            return;
        }
        let cost = cost(scope, text).saturating_add(scanned.bytes());
        let half = self.budget / 2;
        if cost > half {
            return;
        }
        if self.young.bytes.saturating_add(cost) > half {
            self.old = std::mem::take(&mut self.young);
        }
        // A text put twice (two segments of one request alike) is kept once.
        let _ = self.young.take(scope, text);
        self.young.bytes = self.young.bytes.saturating_add(cost);
        self.young
            .map
            .entry(Box::from(text))
            .or_default()
            .push((Box::from(scope), scanned));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn text(i: usize) -> String {
        format!("{i:>8} {}", "lorem ipsum dolor sit amet ".repeat(8))
    }

    fn found(start: usize) -> Scanned {
        Scanned {
            score: None,
            matches: vec![Match {
                family: super::super::Family::Pii,
                kind: Arc::from("email"),
                start,
                end: start.saturating_add(1),
            }],
        }
    }

    #[test]
    fn an_entry_is_seen_only_from_its_own_scope() {
        let mut memo = Memo::new(1 << 20);
        memo.put("alice", &text(1), found(1));
        assert!(memo.take("bob", &text(1)).is_none());
        assert!(memo.take("", &text(1)).is_none());
        let got = memo.take("alice", &text(1)).expect("alice's entry");
        assert_eq!(got.matches[0].start, 1);
        // The same text from two scopes: two entries, each its own result.
        memo.put("alice", &text(1), found(1));
        memo.put("bob", &text(1), found(2));
        assert_eq!(memo.take("bob", &text(1)).unwrap().matches[0].start, 2);
        assert_eq!(memo.take("alice", &text(1)).unwrap().matches[0].start, 1);
        assert_eq!(memo.counts(), (3, 2));
    }

    #[test]
    fn keys_are_whole_texts() {
        let mut memo = Memo::new(1 << 20);
        let a = text(7);
        let mut b = a.clone();
        b.push('!');
        memo.put("s", &a, found(1));
        assert!(memo.take("s", &b).is_none());
        assert!(memo.take("s", &a[..a.len() - 1]).is_none());
        assert!(memo.take("s", &a).is_some());
    }

    #[test]
    fn memory_stays_within_the_budget_and_recent_entries_stay() {
        let budget = 64 * 1024;
        let mut memo = Memo::new(budget);
        for i in 0..10_000 {
            memo.put("s", &text(i), found(i));
            assert!(memo.bytes() <= budget, "{} > {budget}", memo.bytes());
            // The first text is used on every turn, as a system prompt is.
            if i > 0 {
                let first = memo.take("s", &text(0)).expect("kept while in use");
                memo.put("s", &text(0), first);
            }
        }
        assert!(memo.take("s", &text(9_999)).is_some());
        assert!(memo.take("s", &text(10)).is_none(), "long unused");
        assert!(memo.bytes() > budget / 4, "the budget is used");
    }

    #[test]
    fn short_texts_and_a_zero_budget_keep_nothing() {
        let mut memo = Memo::new(0);
        memo.put("s", &text(1), found(1));
        assert!(memo.take("s", &text(1)).is_none());
        assert_eq!(memo.counts(), (0, 0));
        let mut memo = Memo::new(1 << 20);
        memo.put("s", "short", found(1));
        assert!(memo.take("s", "short").is_none());
        assert_eq!(memo.bytes(), 0);
    }
}
