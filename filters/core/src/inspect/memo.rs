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
//!   (never a digest that two texts could share), and a memo serves one
//!   built engine: the filter keeps it beside the engine and a new
//!   configuration builds both anew.
//! - **No side channel between consumers**: an answer from the memo is
//!   faster than a scan, so one client could time whether a text (a guessed
//!   prompt with a guessed secret in it) was sent before. Entries are kept
//!   per *scope* (the filter uses the consumer `auth` authenticated, and
//!   memoises nothing for a request without one), and a lookup only sees
//!   its own scope's entries.
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

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

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

/// A memo and the scope its lookups see: what [`super::engine::Engine`]
/// takes to reuse results.
#[derive(Debug)]
pub struct Recall<'a> {
    /// The memo.
    pub memo: &'a mut Memo,
    /// Whose texts these are (the filter passes the consumer).
    pub scope: &'a str,
}

/// One kept result.
struct Entry {
    scope: Box<str>,
    text: Box<str>,
    scanned: Scanned,
}

impl Entry {
    fn is(&self, scope: &str, text: &str) -> bool {
        same(self.text.as_bytes(), text.as_bytes()) && *self.scope == *scope
    }

    fn bytes(&self) -> usize {
        cost(&self.scope, &self.text).saturating_add(self.scanned.bytes())
    }
}

/// Whether two byte strings are equal, eight bytes at a time: `==` on
/// slices is `memcmp`, a byte loop in wasm, which measured a quarter of a
/// request whose texts all came from the memo.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a_words, a_rest) = a.as_chunks::<8>();
    let (b_words, b_rest) = b.as_chunks::<8>();
    a_words
        .iter()
        .zip(b_words)
        .all(|(x, y)| u64::from_ne_bytes(*x) == u64::from_ne_bytes(*y))
        && a_rest == b_rest
}

/// The maps' hasher for keys that already are a keyed hash (of the scope
/// and text, computed once per lookup and reused to insert).
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed here; anything else still spreads.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// One generation: the keyed hash of (scope, text) → the entries with that
/// hash (compared in full: a collision is two entries, never a wrong one).
#[derive(Default)]
struct Generation {
    map: HashMap<u64, Vec<Entry>, BuildHasherDefault<Prehashed>>,
    bytes: usize,
}

impl Generation {
    fn find(&mut self, hash: u64, scope: &str, text: &str) -> Option<&mut Entry> {
        self.map
            .get_mut(&hash)?
            .iter_mut()
            .find(|e| e.is(scope, text))
    }

    fn remove(&mut self, hash: u64, scope: &str, text: &str) -> Option<Entry> {
        let entries = self.map.get_mut(&hash)?;
        let at = entries.iter().position(|e| e.is(scope, text))?;
        let entry = entries.swap_remove(at);
        if entries.is_empty() {
            self.map.remove(&hash);
        }
        self.bytes = self.bytes.saturating_sub(entry.bytes());
        Some(entry)
    }

    fn insert(&mut self, hash: u64, entry: Entry) {
        self.bytes = self.bytes.saturating_add(entry.bytes());
        self.map.entry(hash).or_default().push(entry);
    }
}

fn cost(scope: &str, text: &str) -> usize {
    text.len()
        .saturating_add(scope.len())
        .saturating_add(ENTRY_OVERHEAD)
}

/// The memo of one engine (one per VM: Envoy runs one per worker).
#[derive(Default)]
pub struct Memo {
    budget: usize,
    /// Seeded from the host's randomness (WASI `random_get`) once per memo.
    keys: RandomState,
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

    /// The result for `text` in `scope`: `complete` is given what is kept
    /// (or `None`) and returns the whole result, which is kept (so it can
    /// add what a kept result lacks, such as an injection score first asked
    /// for by another role).
    pub fn recall(
        &mut self,
        scope: &str,
        text: &str,
        complete: impl FnOnce(Option<Scanned>) -> Scanned,
    ) -> Scanned {
        if !self.keeps(text) {
            return complete(None);
        }
        let hash = {
            let mut h = self.keys.build_hasher();
            h.write(scope.as_bytes());
            h.write_u8(0xff);
            h.write(text.as_bytes());
            h.finish()
        };
        if let Some(entry) = self.young.find(hash, scope, text) {
            self.hits = self.hits.saturating_add(1);
            let had_score = entry.scanned.score.is_some();
            let scanned = complete(Some(entry.scanned.clone()));
            if !had_score && scanned.score.is_some() {
                let before = entry.bytes();
                entry.scanned = scanned.clone();
                let grown = entry.bytes().saturating_sub(before);
                self.young.bytes = self.young.bytes.saturating_add(grown);
            }
            return scanned;
        }
        let kept = self.old.remove(hash, scope, text);
        if kept.is_some() {
            self.hits = self.hits.saturating_add(1);
        } else {
            self.misses = self.misses.saturating_add(1);
        }
        let scanned = complete(kept.map(|e| e.scanned));
        self.put(hash, scope, text, scanned.clone());
        scanned
    }

    fn put(&mut self, hash: u64, scope: &str, text: &str, scanned: Scanned) {
        let entry = Entry {
            scope: Box::from(scope),
            text: Box::from(text),
            scanned,
        };
        let half = self.budget / 2;
        let cost = entry.bytes();
        if cost > half {
            return;
        }
        if self.young.bytes.saturating_add(cost) > half {
            self.old = std::mem::take(&mut self.young);
        }
        self.young.insert(hash, entry);
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

    /// What `memo` kept for `text` in `scope` (then kept as `fresh` if
    /// nothing was).
    fn kept(memo: &mut Memo, scope: &str, text: &str, fresh: usize) -> Option<usize> {
        let mut seen = None;
        memo.recall(scope, text, |kept| {
            seen = kept.as_ref().map(|k| k.matches[0].start);
            kept.unwrap_or_else(|| found(fresh))
        });
        seen
    }

    #[test]
    fn an_entry_is_seen_only_from_its_own_scope() {
        let mut memo = Memo::new(1 << 20);
        assert_eq!(kept(&mut memo, "alice", &text(1), 1), None);
        assert_eq!(kept(&mut memo, "bob", &text(1), 2), None);
        assert_eq!(kept(&mut memo, "", &text(1), 3), None);
        assert_eq!(kept(&mut memo, "alice", &text(1), 9), Some(1));
        assert_eq!(kept(&mut memo, "bob", &text(1), 9), Some(2));
        // The scope and text are not read as one string.
        assert_eq!(kept(&mut memo, "alic", &format!("e{}", text(1)), 4), None);
        assert_eq!(memo.counts(), (2, 4));
    }

    #[test]
    fn keys_are_whole_texts() {
        let mut memo = Memo::new(1 << 20);
        let a = text(7);
        kept(&mut memo, "s", &a, 1);
        let mut longer = a.clone();
        longer.push('!');
        assert_eq!(kept(&mut memo, "s", &longer, 2), None);
        assert_eq!(kept(&mut memo, "s", &a[..a.len() - 1], 3), None);
        // One byte different in the middle, in the last word, in the tail.
        for at in [a.len() / 2, a.len() - 9, a.len() - 1] {
            let mut b = a.clone().into_bytes();
            b[at] ^= 1;
            let b = String::from_utf8(b).unwrap();
            assert_eq!(kept(&mut memo, "s", &b, 4), None, "{at}");
        }
        assert_eq!(kept(&mut memo, "s", &a, 9), Some(1));
    }

    #[test]
    fn words_compare_like_bytes() {
        for n in 0..40 {
            let a: Vec<u8> = (0..n).map(|i| i as u8).collect();
            assert!(same(&a, &a.clone()));
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x80;
                assert!(!same(&a, &b), "{n} {at}");
            }
            assert!(!same(&a, &a[..n.saturating_sub(1)]) || n == 0);
        }
    }

    #[test]
    fn a_result_completed_later_is_kept_completed() {
        let mut memo = Memo::new(1 << 20);
        memo.recall("s", &text(1), |_| found(1));
        let score = Score {
            score: 1.0,
            signals: Vec::new(),
            learned: 0.5,
        };
        let got = memo.recall("s", &text(1), |kept| {
            let mut k = kept.unwrap();
            assert!(k.score.is_none());
            k.score = Some(score.clone());
            k
        });
        assert_eq!(got.score.as_ref(), Some(&score));
        memo.recall("s", &text(1), |kept| {
            assert_eq!(kept.as_ref().and_then(|k| k.score.as_ref()), Some(&score));
            kept.unwrap()
        });
    }

    #[test]
    fn memory_stays_within_the_budget_and_recent_entries_stay() {
        let budget = 64 * 1024;
        let mut memo = Memo::new(budget);
        for i in 0..10_000 {
            kept(&mut memo, "s", &text(i), i);
            assert!(memo.bytes() <= budget, "{} > {budget}", memo.bytes());
            // The first text is used on every turn, as a system prompt is.
            assert_eq!(kept(&mut memo, "s", &text(0), 1), Some(0), "{i}");
        }
        assert_eq!(kept(&mut memo, "s", &text(9_999), 0), Some(9_999));
        assert_eq!(kept(&mut memo, "s", &text(10), 0), None, "long unused");
        assert!(memo.bytes() > budget / 4, "the budget is used");
    }

    #[test]
    fn short_texts_and_a_zero_budget_keep_nothing() {
        let mut memo = Memo::new(0);
        kept(&mut memo, "s", &text(1), 1);
        assert_eq!(kept(&mut memo, "s", &text(1), 2), None);
        assert_eq!(memo.counts(), (0, 0));
        let mut memo = Memo::new(1 << 20);
        kept(&mut memo, "s", "short", 1);
        assert_eq!(kept(&mut memo, "s", "short", 2), None);
        assert_eq!(memo.bytes(), 0);
    }
}
