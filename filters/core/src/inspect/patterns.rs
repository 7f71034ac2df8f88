//! The literal-anchor pattern engine behind [`super::secrets`] and
//! [`super::pii`]: one Aho-Corasick pass over the text finds candidate
//! anchors; small hand-written scanners, validators and (for custom rules)
//! regex-lite regexes run only in windows around them. Built once per VM in
//! `on_configure`.
//!
//! ```
//! use tollgate_core::inspect::patterns::{PatternOptions, Patterns};
//!
//! let patterns = Patterns::new(&PatternOptions::default()).unwrap();
//! let mut hits = Vec::new();
//! patterns.scan("key: AKIAZ7VQ3XKD4TLMN2RB, mail bob@corp.io", &mut hits);
//! assert_eq!(&*hits[0].kind, "aws_access_key");
//! assert_eq!(&*hits[1].kind, "email");
//! ```
//!
//! # Why it is built this way
//! - **One anchor pass.** Every rule names literal anchors (`AKIA`, `ghp_`,
//!   `-----BEGIN `, `password`, `://`, `@`, ...). All anchors of all rules go
//!   into one ASCII-case-insensitive Aho-Corasick automaton; a case-sensitive
//!   anchor is confirmed with one byte comparison after the automaton reports
//!   it. So the text is read once however many rules there are.
//! - **Work only near anchors.** A rule's scanner starts at its anchor and
//!   reads at most a bounded window (a token's maximum length, a PEM block's
//!   16 KiB, a custom regex's [`CUSTOM_WINDOW_BEFORE`] +
//!   [`CUSTOM_WINDOW_AFTER`] bytes). No regex ever runs over the whole text:
//!   built-in rules are hand-written scanners (faster and stricter than
//!   regexes), custom rules run their regex in the window.
//! - **Numbers without anchors.** Cards, phones, SSNs, IBANs, national IDs
//!   and IP addresses have no literal prefix, so [`super::pii`] finds them
//!   with one linear byte loop over digit runs (and `:` for IPv6), then
//!   validates (Luhn, mod-97, Verhoeff, issuance rules, formats).
//! - **Automaton kind.** The anchor set is small (~150 short literals), so
//!   the automaton is built as a DFA when it stays under
//!   [`DFA_MEMORY_LIMIT`] (it is ~0.96 of native speed in wasm against
//!   ~0.75 for an NFA) and falls back to the contiguous NFA otherwise (large
//!   custom anchor sets). The built-in set measures in the unit tests.
//! - **Encoded secrets.** One more linear pass ([`super::encoded`]) finds
//!   base64, hex and percent-encoded runs that decode to text, and token
//!   stretches split by zero-width characters or written in fullwidth
//!   forms; the decoded or folded text is scanned again with the same rules
//!   (secret rules only, two levels deep, 64 KiB of decoded text per scan)
//!   and a secret found inside redacts the whole encoded run. The same pass
//!   finds Discord bot tokens, which have no literal to anchor on.
//! - **Severity.** Every built-in rule has a [`Severity`]
//!   ([`Patterns::severity`]): all redact; the level is for records and
//!   policies (a Stripe test key is `low`).
//! - **Overlaps.** Candidates from all rules are resolved so that the longer
//!   match wins, and on equal length the more specific rule (the earlier one
//!   in the built-in order: vendor tokens before generic assignments).
//!
//! # Limits
//! - Case-insensitive anchors fold ASCII only.
//! - Some rules read a little text before their match for context (e.g.
//!   `ssn` before a bare nine-digit number within 40 bytes, `sv=` before an
//!   Azure SAS signature within 256): up to [`CONTEXT_BEFORE`] bytes. A streaming caller that
//!   wants the same results across chunk boundaries keeps that much
//!   already-released text in front of what it scans.

use std::sync::Arc;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{Anchored, Input, MatchKind};
use regex_lite::{Regex, RegexBuilder};

use super::{Family, Match};

pub use crate::config::inspect::CustomRule;

/// Bytes of already-seen text some rules read before a match for context.
pub const CONTEXT_BEFORE: usize = 256;
/// A custom rule's regex runs from this many bytes before its anchor...
pub const CUSTOM_WINDOW_BEFORE: usize = 128;
/// ...to this many bytes after it.
pub const CUSTOM_WINDOW_AFTER: usize = 512;
/// The anchor automaton is a DFA only below this many bytes of heap.
pub const DFA_MEMORY_LIMIT: usize = 512 * 1024;
/// Compiled size limit of one custom regex.
const CUSTOM_REGEX_SIZE_LIMIT: usize = 256 * 1024;

/// What to build.
#[derive(Clone, Debug, PartialEq)]
pub struct PatternOptions {
    /// Build the built-in secrets rules.
    pub secrets: bool,
    /// Build the built-in PII rules.
    pub pii: bool,
    /// Built-in rule ids to leave out.
    pub disabled: Vec<String>,
    /// Extra rules.
    pub custom: Vec<CustomRule>,
    /// Report private, loopback and link-local IP addresses too (default:
    /// only public ones).
    pub private_ips: bool,
}

impl Default for PatternOptions {
    fn default() -> Self {
        Self {
            secrets: true,
            pii: true,
            disabled: Vec::new(),
            custom: Vec::new(),
            private_ips: false,
        }
    }
}

/// A rule that cannot be built, naming it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{rule}: {message}")]
pub struct PatternError {
    /// The rule id.
    pub rule: String,
    /// What is wrong.
    pub message: String,
}

impl PatternError {
    fn new(rule: &str, message: impl Into<String>) -> Self {
        Self {
            rule: rule.to_owned(),
            message: message.into(),
        }
    }
}

/// What a rule's scanner sees: the text and per-scan memo.
#[derive(Debug)]
pub(crate) struct Ctx<'t> {
    /// The scanned text.
    pub text: &'t str,
    /// Report private addresses too.
    pub private_ips: bool,
    /// Memo for PEM blocks: (searched from, next `-----END ` at or after).
    pub pem_end: std::cell::Cell<Option<(usize, Option<usize>)>>,
    /// Memo for Kubernetes Secret manifests: the end of the last document
    /// read (an anchor inside it is not read again) and how many were read
    /// (at most `K8S_MAX_DOCS` per scan, in `secrets/files.rs`).
    pub k8s_read: std::cell::Cell<(usize, u16)>,
}

impl Ctx<'_> {
    /// The text's bytes.
    pub fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }
    /// The byte at `i`, or 0 out of bounds.
    pub fn at(&self, i: usize) -> u8 {
        self.bytes().get(i).copied().unwrap_or(0)
    }
    /// The byte before `i`, or 0 at the start.
    pub fn before(&self, i: usize) -> u8 {
        i.checked_sub(1).map_or(0, |j| self.at(j))
    }
}

/// A built-in scanner: given the anchor's range, the match's range.
pub(crate) type FindFn = fn(&Ctx<'_>, usize, usize) -> Option<(usize, usize)>;

/// A built-in scanner that may report several ranges from one anchor (the
/// values of a Kubernetes secret manifest).
pub(crate) type MultiFn = fn(&Ctx<'_>, usize, usize, &mut dyn FnMut(usize, usize));

/// How bad a leak of a rule's match is. Every built-in rule has one
/// ([`Patterns::severity`]); all of them redact by default, the severity is
/// for audit records, metrics and policies that treat them differently
/// (a Stripe *test* key is a secret, but not a live credential).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Test-mode credentials and the like: redact, low priority.
    Low,
    /// Generic assignments, passwords, contact data.
    Medium,
    /// Verified vendor tokens, private keys, cloud credentials, national
    /// identifiers and payment data.
    High,
}

impl Severity {
    /// `low`, `medium`, `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// A token that starts with its anchor: `prefix` + a run of `charset`
/// characters whose length (after the prefix) is in `min..=max`.
#[derive(Debug)]
pub(crate) struct TokenSpec {
    /// Which bytes the body may hold.
    pub charset: fn(u8) -> bool,
    /// Minimum body length.
    pub min: usize,
    /// Maximum body length (a longer run is part of something else).
    pub max: usize,
    /// Extra validation of the body (checksum, entropy, shape).
    pub check: fn(&[u8]) -> bool,
}

/// How a rule finds its match from an anchor.
#[derive(Debug)]
pub(crate) enum Finder {
    /// A prefixed token.
    Token(&'static TokenSpec),
    /// A hand-written scanner.
    Func(FindFn),
    /// A hand-written scanner with several matches per anchor.
    Multi(MultiFn),
}

/// A built-in anchored rule.
#[derive(Debug)]
pub(crate) struct Builtin {
    /// Rule id.
    pub id: &'static str,
    /// Family.
    pub family: Family,
    /// Literal anchors.
    pub anchors: &'static [&'static str],
    /// Anchors must match case exactly.
    pub case_sensitive: bool,
    /// The scanner.
    pub finder: Finder,
}

#[derive(Debug)]
enum RuleImpl {
    Builtin(Finder),
    Regex(Box<Regex>),
    /// Found by the numeric pass, not by anchors.
    Numeric,
    /// Found by the encoded-run pass ([`super::encoded`]), not by anchors.
    Structural,
}

/// (anchor lowercased, rule index, exact bytes when case-sensitive).
type AnchorSpec = (Vec<u8>, u16, Option<Box<[u8]>>);

#[derive(Debug)]
struct AnchorRef {
    rule: u16,
    /// The exact bytes for a case-sensitive anchor.
    exact: Option<Box<[u8]>>,
}

/// The built automaton and rules.
#[derive(Debug)]
pub struct Patterns {
    /// Distinct ids, in rule order.
    kinds: Vec<(Arc<str>, Family)>,
    /// Per rule: its id (several rules may share one).
    rule_kinds: Vec<(Arc<str>, Family)>,
    /// Same indexing as `rule_kinds`; the index is also the tie-break
    /// priority.
    rules: Vec<RuleImpl>,
    ac: Option<Anchors>,
    /// Per automaton pattern: the rules anchored on it.
    anchors: Vec<Vec<AnchorRef>>,
    /// Per numeric kind ([`super::pii::NUM_KINDS`]): the rule index, if built.
    numeric: [Option<u16>; super::pii::NUM_KINDS],
    /// Per structural kind ([`super::secrets::STRUCT_IDS`]): the rule index.
    structural: [Option<u16>; super::secrets::STRUCT_KINDS],
    /// Some secret rule is built: decode encoded runs and rescan them.
    decode: bool,
    private_ips: bool,
}

/// What the patterns found in a stream channel's window, kept from one
/// scan of it to the next ([`Patterns::scan_window`]): the anchor
/// automaton's hits, and where the search for encoded runs resumes
/// ([`super::encoded::RunMemo`]).
///
/// The hits are exact, because a hit is where an anchor's bytes are: the hits in the
/// bytes read before stay hits at the same place (less what left the front
/// of the window), and every new hit ends in the new bytes, so starts at
/// most the longest anchor's length before them. The automaton, resumed in
/// the state it was left in (or started that far back), is in the state a
/// scan from the window's start would be in at every new byte, so it
/// reports the new hits in the same order too.
/// `tests::the_anchor_memo_finds_what_a_full_scan_finds` checks it against
/// a full scan over generated windows.
#[derive(Clone, Debug, Default)]
pub struct WindowMemo {
    hits: Vec<AnchorHit>,
    /// The window's bytes already read.
    read: usize,
    /// The automaton's state after them (`None`: not kept).
    state: Option<StateID>,
    runs: super::encoded::RunMemo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct AnchorHit {
    start: usize,
    end: usize,
    pattern: usize,
}

impl WindowMemo {
    /// The window lost its first `n` bytes.
    pub fn drain_front(&mut self, n: usize) {
        self.hits.retain(|h| h.start >= n);
        for h in &mut self.hits {
            h.start = h.start.saturating_sub(n);
            h.end = h.end.saturating_sub(n);
        }
        self.read = self.read.saturating_sub(n);
        self.runs.drain_front(n);
    }

    /// Reads what `text` (the window) gained since the last call.
    ///
    /// The automaton resumes in the state it was left in when the bytes
    /// read before are at least the longest anchor: its state depends on
    /// the last bytes read only (the longest of them that begins an
    /// anchor), which the window still holds, so it is the state a scan
    /// from the window's start would reach. Otherwise it starts again the
    /// longest anchor's length before the new bytes.
    fn read(&mut self, ac: &Anchors, text: &str) {
        if self.read > text.len() {
            // Not the window this memo followed: read it whole.
            *self = Self::default();
        }
        let read = self.read;
        let bytes = text.as_bytes();
        let (from, state) = match self.state {
            Some(sid) if read >= ac.max_pattern_len() => (read, sid),
            _ => {
                let from = read.saturating_sub(ac.max_pattern_len().saturating_sub(1));
                let Some(start) = ac.start() else {
                    // Never: the automaton is built unanchored.
                    *self = Self::default();
                    return;
                };
                (from, start)
            }
        };
        let hits = &mut self.hits;
        self.state = ac.step_from(state, bytes, from, &mut |start, end, pattern| {
            if end > read {
                hits.push(AnchorHit {
                    start,
                    end,
                    pattern,
                });
            }
        });
        self.read = text.len();
    }
}

/// The anchor automaton, as the `aho_corasick` automaton it is built as
/// (a DFA, or a contiguous NFA past [`DFA_MEMORY_LIMIT`]): a stream
/// window's scan steps its states by hand and keeps the last one
/// ([`WindowMemo`]).
#[derive(Clone, Debug)]
enum Anchors {
    Dfa(aho_corasick::dfa::DFA),
    Nfa(aho_corasick::nfa::contiguous::NFA),
}

/// `f` applied to the automaton behind an [`Anchors`].
macro_rules! with_automaton {
    ($anchors:expr, $a:ident => $body:expr) => {
        match $anchors {
            Anchors::Dfa($a) => $body,
            Anchors::Nfa($a) => $body,
        }
    };
}

impl Anchors {
    fn build(literals: &[Vec<u8>]) -> Result<Self, PatternError> {
        let dfa = aho_corasick::dfa::Builder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(literals)
            .ok()
            .filter(|a| a.memory_usage() <= DFA_MEMORY_LIMIT);
        match dfa {
            Some(a) => Ok(Self::Dfa(a)),
            None => aho_corasick::nfa::contiguous::Builder::new()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(true)
                .build(literals)
                .map(Self::Nfa)
                .map_err(|e| PatternError::new("anchors", e.to_string())),
        }
    }

    fn memory_usage(&self) -> usize {
        with_automaton!(self, a => a.memory_usage())
    }

    fn max_pattern_len(&self) -> usize {
        with_automaton!(self, a => a.max_pattern_len())
    }

    fn start(&self) -> Option<StateID> {
        with_automaton!(self, a => a.start_state(Anchored::No).ok())
    }

    /// Every match in `hay`, overlapping ones included, in the order
    /// `AhoCorasick::find_overlapping_iter` reports them: `f(start, end,
    /// pattern)`.
    fn overlapping(&self, hay: &[u8], f: &mut dyn FnMut(usize, usize, usize)) {
        with_automaton!(self, a => {
            if let Ok(matches) = a.try_find_overlapping_iter(Input::new(hay)) {
                for m in matches {
                    f(m.start(), m.end(), m.pattern().as_usize());
                }
            }
        })
    }

    /// The automaton stepped from state `sid` over `bytes[from..]`: each
    /// match ending there, in order, to `f(start, end, pattern)` (offsets
    /// into `bytes`); the state after the last byte, `None` if it died.
    fn step_from(
        &self,
        sid: StateID,
        bytes: &[u8],
        from: usize,
        f: &mut dyn FnMut(usize, usize, usize),
    ) -> Option<StateID> {
        with_automaton!(self, a => {
            let mut sid = sid;
            for (i, &b) in bytes.get(from..).unwrap_or_default().iter().enumerate() {
                sid = a.next_state(Anchored::No, sid, b);
                if a.is_special(sid) {
                    if a.is_dead(sid) {
                        return None;
                    }
                    if !a.is_match(sid) {
                        continue;
                    }
                    let end = from.saturating_add(i).saturating_add(1);
                    for k in 0..a.match_len(sid) {
                        let pattern = a.match_pattern(sid, k);
                        let len = a.pattern_len(pattern);
                        f(end.saturating_sub(len), end, pattern.as_usize());
                    }
                }
            }
            Some(sid)
        })
    }
}

/// Where a stream window's numeric pass may start when the matches ending
/// at or before `released` are not wanted: the last byte before `released`
/// that no number covers ([`super::pii::is_step_free`]) and no hit in
/// `hits` (every other match of the window) covers; 0 if there is none,
/// or if [`RESUME_TRIES`] such bytes were covered (a text full of matches
/// is read whole, as before, rather than its matches tested again and
/// again).
///
/// Exact: a pass from 0 reaches the first digit or colon after that byte
/// (no step crosses it), as the pass started there does, and both go on
/// alike. The numbers the resumed pass skips end before that byte, so
/// before `released`, and overlap nothing the resumed pass or `hits` have
/// after it: [`Patterns::resolve`] settles overlaps between matches that
/// share bytes, so it keeps the same matches after the byte either way.
fn numeric_resume(text: &[u8], released: usize, hits: &[Hit]) -> usize {
    let mut at = released.min(text.len());
    let mut tries = 0usize;
    while let Some(z) = at.checked_sub(1) {
        at = z;
        if !text.get(z).copied().is_some_and(super::pii::is_step_free) {
            continue;
        }
        match hits.iter().find(|h| h.start <= z && z < h.end) {
            None => return z,
            Some(h) => at = at.min(h.start),
        }
        tries = tries.saturating_add(1);
        if tries >= RESUME_TRIES {
            break;
        }
    }
    0
}

/// Covered candidates [`numeric_resume`] tries before reading the window
/// whole.
const RESUME_TRIES: usize = 8;

/// A candidate before overlap resolution.
#[derive(Clone, Copy, Debug)]
struct Hit {
    start: usize,
    end: usize,
    rule: u16,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl Patterns {
    /// Build the rules `options` asks for.
    pub fn new(options: &PatternOptions) -> Result<Self, PatternError> {
        let secrets = super::secrets::rules();
        let pii = super::pii::rules();
        let numeric_ids = super::pii::NUM_IDS;
        let struct_ids = super::secrets::STRUCT_IDS;
        for d in &options.disabled {
            let known = secrets.iter().any(|r| r.id == d)
                || pii.iter().any(|r| r.id == d)
                || numeric_ids.contains(&d.as_str())
                || struct_ids.contains(&d.as_str());
            if !known {
                return Err(PatternError::new(
                    d,
                    "disabled: no built-in rule has this id",
                ));
            }
        }
        let enabled = |id: &str| !options.disabled.iter().any(|d| d == id);

        let mut kinds: Vec<(Arc<str>, Family)> = Vec::new();
        let mut rules: Vec<RuleImpl> = Vec::new();
        // (anchor lowercased, rule, exact bytes if case-sensitive)
        let mut anchor_list: Vec<AnchorSpec> = Vec::new();
        let mut numeric = [None; super::pii::NUM_KINDS];
        let mut structural = [None; super::secrets::STRUCT_KINDS];

        let add_builtins = |list: Vec<Builtin>,
                            kinds: &mut Vec<(Arc<str>, Family)>,
                            rules: &mut Vec<RuleImpl>,
                            anchor_list: &mut Vec<AnchorSpec>|
         -> Result<(), PatternError> {
            for r in list {
                if !enabled(r.id) {
                    continue;
                }
                let idx = u16::try_from(rules.len())
                    .map_err(|_| PatternError::new(r.id, "too many rules"))?;
                kinds.push((Arc::from(r.id), r.family));
                for a in r.anchors {
                    let exact = r.case_sensitive.then(|| Box::from(a.as_bytes()));
                    anchor_list.push((a.as_bytes().to_ascii_lowercase(), idx, exact));
                }
                rules.push(RuleImpl::Builtin(r.finder));
            }
            Ok(())
        };
        if options.secrets {
            // Structural kinds first: a Discord token is more specific than
            // the `token = <value>` assignment that also covers it.
            for (n, id) in struct_ids.iter().enumerate() {
                if !enabled(id) {
                    continue;
                }
                let idx = u16::try_from(rules.len())
                    .map_err(|_| PatternError::new(id, "too many rules"))?;
                kinds.push((Arc::from(*id), Family::Secrets));
                rules.push(RuleImpl::Structural);
                if let Some(slot) = structural.get_mut(n) {
                    *slot = Some(idx);
                }
            }
            add_builtins(secrets, &mut kinds, &mut rules, &mut anchor_list)?;
        }
        if options.pii {
            add_builtins(pii, &mut kinds, &mut rules, &mut anchor_list)?;
            for (n, id) in numeric_ids.iter().enumerate() {
                if !enabled(id) {
                    continue;
                }
                let idx = u16::try_from(rules.len())
                    .map_err(|_| PatternError::new(id, "too many rules"))?;
                kinds.push((Arc::from(*id), Family::Pii));
                rules.push(RuleImpl::Numeric);
                if let Some(slot) = numeric.get_mut(n) {
                    *slot = Some(idx);
                }
            }
        }
        for c in &options.custom {
            if !valid_id(&c.id) {
                return Err(PatternError::new(&c.id, "id must match [a-z0-9_]+"));
            }
            if !matches!(c.family, Family::Secrets | Family::Pii) {
                return Err(PatternError::new(&c.id, "family must be secrets or pii"));
            }
            if kinds.iter().any(|(k, _)| **k == *c.id)
                || options
                    .custom
                    .iter()
                    .filter(|o| o.id == c.id)
                    .nth(1)
                    .is_some()
            {
                return Err(PatternError::new(&c.id, "duplicate rule id"));
            }
            if c.anchors.is_empty() || c.anchors.iter().any(String::is_empty) {
                return Err(PatternError::new(
                    &c.id,
                    "needs at least one anchor, and no empty anchor",
                ));
            }
            let regex = RegexBuilder::new(&c.pattern)
                .size_limit(CUSTOM_REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| PatternError::new(&c.id, format!("pattern: {e}")))?;
            let idx = u16::try_from(rules.len())
                .map_err(|_| PatternError::new(&c.id, "too many rules"))?;
            kinds.push((Arc::from(c.id.as_str()), c.family));
            rules.push(RuleImpl::Regex(Box::new(regex)));
            for a in &c.anchors {
                let exact = (!c.case_insensitive).then(|| Box::from(a.as_bytes()));
                anchor_list.push((a.as_bytes().to_ascii_lowercase(), idx, exact));
            }
        }

        // Deduplicate anchors: one automaton pattern per distinct literal.
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut anchors: Vec<Vec<AnchorRef>> = Vec::new();
        for (lit, rule, exact) in anchor_list {
            let slot = match literals.iter().position(|l| *l == lit) {
                Some(p) => p,
                None => {
                    literals.push(lit);
                    anchors.push(Vec::new());
                    anchors.len().saturating_sub(1)
                }
            };
            if let Some(list) = anchors.get_mut(slot) {
                list.push(AnchorRef { rule, exact });
            }
        }
        let ac = if literals.is_empty() {
            None
        } else {
            Some(Anchors::build(&literals)?)
        };
        let mut distinct: Vec<(Arc<str>, Family)> = Vec::with_capacity(kinds.len());
        for k in &kinds {
            if !distinct.iter().any(|d| d.0 == k.0) {
                distinct.push(k.clone());
            }
        }
        let decode = kinds.iter().any(|(_, f)| *f == Family::Secrets);
        Ok(Self {
            kinds: distinct,
            rule_kinds: kinds,
            rules,
            ac,
            anchors,
            numeric,
            structural,
            decode,
            private_ips: options.private_ips,
        })
    }

    /// The ids and families of every built-in rule.
    pub fn builtin_kinds() -> Vec<(&'static str, Family)> {
        let mut v: Vec<(&'static str, Family)> = super::secrets::rules()
            .iter()
            .map(|r| (r.id, r.family))
            .collect();
        v.extend(super::pii::rules().iter().map(|r| (r.id, r.family)));
        v.extend(
            super::secrets::STRUCT_IDS
                .iter()
                .map(|id| (*id, Family::Secrets)),
        );
        v.extend(super::pii::NUM_IDS.iter().map(|id| (*id, Family::Pii)));
        let mut distinct: Vec<(&'static str, Family)> = Vec::with_capacity(v.len());
        for k in v {
            if !distinct.iter().any(|d| d.0 == k.0) {
                distinct.push(k);
            }
        }
        distinct
    }

    /// The ids and families of the rules this set was built with.
    pub fn kinds(&self) -> &[(Arc<str>, Family)] {
        &self.kinds
    }

    /// The severity of a rule id: the built-in table for built-in rules,
    /// [`Severity::High`] for custom rules (configured on purpose) and for
    /// unknown ids.
    pub fn severity(kind: &str) -> Severity {
        super::secrets::severity(kind)
            .or_else(|| super::pii::severity(kind))
            .unwrap_or(Severity::High)
    }

    /// Heap bytes held by the anchor automaton (for build-cost reports).
    pub fn automaton_memory(&self) -> usize {
        self.ac.as_ref().map_or(0, Anchors::memory_usage)
    }

    /// Whether the anchor automaton was built as a DFA.
    pub fn automaton_is_dfa(&self) -> bool {
        matches!(self.ac, Some(Anchors::Dfa(_)))
    }

    /// Append every match in `text` to `out`, sorted by start, overlapping
    /// matches resolved (the longer one wins).
    pub fn scan(&self, text: &str, out: &mut Vec<Match>) {
        let mut hits: Vec<Hit> = Vec::new();
        let mut budget = super::encoded::BUDGET;
        self.collect(text, 0, &mut budget, &mut hits);
        self.resolve(hits, out);
    }

    /// [`Patterns::scan`] of a stream channel's window, which between two
    /// calls only grows at its end and loses bytes at its front (told to
    /// `memo` with [`WindowMemo::drain_front`]), for the matches that end
    /// after `released` (the caller's context: text forwarded before,
    /// whose matches it has handled). Those are the matches
    /// [`Patterns::scan`] finds ending there, in the same order; matches
    /// ending at or before `released` may be missing.
    ///
    /// The anchor automaton reads only the bytes it has not read before
    /// (and the longest anchor's length before them), where a stream event
    /// rescanned the whole window each time. The numeric pass starts at the
    /// last byte before `released` that no number can cover and no other
    /// match covers ([`numeric_resume`]), where it read the whole window.
    pub fn scan_window(
        &self,
        text: &str,
        released: usize,
        memo: &mut WindowMemo,
        out: &mut Vec<Match>,
    ) {
        let mut hits: Vec<Hit> = Vec::new();
        let mut budget = super::encoded::BUDGET;
        self.collect_with(text, 0, &mut budget, &mut hits, Some((memo, released)));
        self.resolve(hits, out);
    }

    /// Every candidate in `text`. `depth` > 0 is decoded text (see
    /// [`super::encoded`]): no numeric pass there, and only secret rules
    /// count.
    fn collect(&self, text: &str, depth: u8, budget: &mut usize, hits: &mut Vec<Hit>) {
        self.collect_with(text, depth, budget, hits, None);
    }

    /// [`Patterns::collect`]; for a stream window (`window`: its memo and
    /// what was released, see [`Patterns::scan_window`]) the anchors' hits
    /// kept in the memo and the numeric pass resumed.
    fn collect_with(
        &self,
        text: &str,
        depth: u8,
        budget: &mut usize,
        hits: &mut Vec<Hit>,
        window: Option<(&mut WindowMemo, usize)>,
    ) {
        let ctx = Ctx {
            text,
            private_ips: self.private_ips,
            pem_end: std::cell::Cell::new(None),
            k8s_read: std::cell::Cell::new((0, 0)),
        };
        let (mut memo, released) = match window {
            Some((memo, released)) => (Some(memo), Some(released)),
            None => (None, None),
        };
        if let Some(ac) = &self.ac {
            match memo.as_deref_mut() {
                Some(memo) => {
                    memo.read(ac, text);
                    for a in &memo.hits {
                        self.anchored(&ctx, a.start, a.end, a.pattern, hits);
                    }
                }
                None => {
                    ac.overlapping(text.as_bytes(), &mut |start, end, pattern| {
                        self.anchored(&ctx, start, end, pattern, hits);
                    });
                }
            }
        }
        // The encoded runs before the numeric pass: a window's numeric pass
        // resumes where no other match lies (the order of `hits` does not
        // matter to `resolve`).
        if self.decode {
            let runs = memo.map(|m| &mut m.runs);
            self.collect_encoded(text, depth, budget, hits, runs);
        }
        if depth == 0 && self.numeric.iter().any(Option::is_some) {
            let mut enabled = [false; super::pii::NUM_KINDS];
            for (e, n) in enabled.iter_mut().zip(self.numeric.iter()) {
                *e = n.is_some();
            }
            let from = released.map_or(0, |r| numeric_resume(text.as_bytes(), r, hits));
            super::pii::scan_numeric(&ctx, &enabled, from, &mut |start, end, kind| {
                if let Some(Some(rule)) = self.numeric.get(kind) {
                    if start < end && text.is_char_boundary(start) && text.is_char_boundary(end) {
                        hits.push(Hit {
                            start,
                            end,
                            rule: *rule,
                        });
                    }
                }
            });
        }
    }

    /// The rules anchored on automaton pattern `pattern`, found at
    /// `start..end` of the text: their matches, to `hits`.
    fn anchored(
        &self,
        ctx: &Ctx<'_>,
        start: usize,
        end: usize,
        pattern: usize,
        hits: &mut Vec<Hit>,
    ) {
        let text = ctx.text;
        let Some(refs) = self.anchors.get(pattern) else {
            return;
        };
        for r in refs {
            if let Some(exact) = &r.exact {
                if text.as_bytes().get(start..end) != Some(&exact[..]) {
                    continue;
                }
            }
            let found = match self.rules.get(usize::from(r.rule)) {
                Some(RuleImpl::Builtin(Finder::Token(spec))) => find_token(ctx, start, end, spec),
                Some(RuleImpl::Builtin(Finder::Func(f))) => f(ctx, start, end),
                Some(RuleImpl::Builtin(Finder::Multi(f))) => {
                    f(ctx, start, end, &mut |s, e| {
                        if s < e && text.is_char_boundary(s) && text.is_char_boundary(e) {
                            hits.push(Hit {
                                start: s,
                                end: e,
                                rule: r.rule,
                            });
                        }
                    });
                    None
                }
                Some(RuleImpl::Regex(re)) => find_regex(text, start, end, re),
                Some(RuleImpl::Numeric | RuleImpl::Structural) | None => None,
            };
            if let Some((s, e)) = found {
                if s < e && text.is_char_boundary(s) && text.is_char_boundary(e) {
                    hits.push(Hit {
                        start: s,
                        end: e,
                        rule: r.rule,
                    });
                }
            }
        }
    }

    /// Structural tokens, and secrets inside encoded runs and normalised
    /// stretches (see [`super::encoded`]).
    fn collect_encoded(
        &self,
        text: &str,
        depth: u8,
        budget: &mut usize,
        hits: &mut Vec<Hit>,
        runs: Option<&mut super::encoded::RunMemo>,
    ) {
        use super::encoded::Found;
        let mut found: Vec<Found> = Vec::new();
        super::encoded::scan_with(text, budget, &mut |f| found.push(f), runs);
        for f in found {
            match f {
                Found::Discord(start, end) => {
                    if let Some(Some(rule)) = self.structural.first() {
                        hits.push(Hit {
                            start,
                            end,
                            rule: *rule,
                        });
                    }
                }
                Found::Decoded {
                    start,
                    end,
                    text: decoded,
                } if depth < super::encoded::MAX_DEPTH => {
                    let mut inner = Vec::new();
                    self.collect(&decoded, depth.saturating_add(1), budget, &mut inner);
                    let best = inner
                        .iter()
                        .filter(|h| self.is_secret_rule(h.rule))
                        .min_by_key(|h| h.rule);
                    if let Some(h) = best {
                        hits.push(Hit {
                            start,
                            end,
                            rule: h.rule,
                        });
                    }
                }
                Found::Normalized { text: norm, map } if depth < super::encoded::MAX_DEPTH => {
                    let mut inner = Vec::new();
                    self.collect(&norm, depth.saturating_add(1), budget, &mut inner);
                    for h in inner.iter().filter(|h| self.is_secret_rule(h.rule)) {
                        let (Some(&start), Some(&last)) =
                            (map.get(h.start), map.get(h.end.saturating_sub(1)))
                        else {
                            continue;
                        };
                        let width = text
                            .get(last..)
                            .and_then(|t| t.chars().next())
                            .map_or(1, char::len_utf8);
                        hits.push(Hit {
                            start,
                            end: last.saturating_add(width),
                            rule: h.rule,
                        });
                    }
                }
                Found::Decoded { .. } | Found::Normalized { .. } => {}
            }
        }
    }

    fn is_secret_rule(&self, rule: u16) -> bool {
        self.rule_kinds
            .get(usize::from(rule))
            .is_some_and(|(_, f)| *f == Family::Secrets)
    }

    /// Longer wins; on equal length the lower rule index (more specific).
    fn resolve(&self, mut hits: Vec<Hit>, out: &mut Vec<Match>) {
        if hits.is_empty() {
            return;
        }
        crate::sort::sort_by(&mut hits, |a, b| {
            let la = a.end.saturating_sub(a.start);
            let lb = b.end.saturating_sub(b.start);
            lb.cmp(&la)
                .then(a.rule.cmp(&b.rule))
                .then(a.start.cmp(&b.start))
        });
        // Accepted, kept sorted by start; none overlap.
        let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
        for h in hits {
            let pos = kept.partition_point(|k| k.start < h.start);
            let clash_next = kept.get(pos).is_some_and(|k| k.start < h.end);
            let clash_prev = pos
                .checked_sub(1)
                .and_then(|p| kept.get(p))
                .is_some_and(|k| k.end > h.start);
            if !clash_next && !clash_prev {
                kept.insert(pos, h);
            }
        }
        for h in kept {
            if let Some((kind, family)) = self.rule_kinds.get(usize::from(h.rule)) {
                out.push(Match {
                    family: *family,
                    kind: Arc::clone(kind),
                    start: h.start,
                    end: h.end,
                });
            }
        }
    }

    /// For streams: the earliest byte offset of `text` from which bytes must
    /// be held back because a match could start there and is not complete yet
    /// (a trailing token, an anchor like `password=` whose value has not
    /// arrived, an open `-----BEGIN ... PRIVATE KEY-----` block).
    /// `text.len()` when nothing needs holding. Always a char boundary.
    ///
    /// What is held: the trailing run of token characters (letters, digits
    /// and `_-.+/=%:@`, so URLs, emails and tokens), extended back over a
    /// trailing number with separators (`+44 20 79`), over a keyword and its
    /// separator (`password: `, `Authorization: Bearer `, `my password is `)
    /// and to an unterminated private-key block in the last 16 KiB. The
    /// caller caps the hold.
    pub fn hold_from(&self, text: &str) -> usize {
        let b = text.as_bytes();
        let mut from = b.len();
        // 1. Trailing token run (zero-width and fullwidth characters
        //    included: a token may be split or written with them, see
        //    `encoded`).
        loop {
            if from > 0
                && b.get(from.saturating_sub(1))
                    .is_some_and(|&c| is_hold_byte(c))
            {
                from = from.saturating_sub(1);
                continue;
            }
            let folded = text
                .get(..from)
                .and_then(|t| t.chars().next_back())
                .filter(|&c| super::encoded::is_folded(c));
            match folded {
                Some(c) => from = from.saturating_sub(c.len_utf8()),
                None => break,
            }
        }
        // 2. Numbers with separators before it: `+1 (415) 555-`.
        loop {
            let mut p = from;
            let mut seps = 0usize;
            while p > 0
                && seps < 3
                && b.get(p.saturating_sub(1))
                    .is_some_and(|&c| matches!(c, b' ' | b'-' | b'.' | b'(' | b')' | b'/'))
            {
                p = p.saturating_sub(1);
                seps = seps.saturating_add(1);
            }
            let digits_end = p;
            while p > 0 && b.get(p.saturating_sub(1)).is_some_and(u8::is_ascii_digit) {
                p = p.saturating_sub(1);
            }
            let only_seps_after = b.get(from..).is_some_and(|t| {
                t.iter()
                    .all(|c| c.is_ascii_digit() || !c.is_ascii_alphabetic())
            });
            if p < digits_end && only_seps_after && (seps > 0 || from == b.len()) {
                // The whole token the digits end (a key ending in digits,
                // IBAN `GB82`), and a `+` or `(` before a phone number.
                while p > 0
                    && digits_end.saturating_sub(p) < 512
                    && b.get(p.saturating_sub(1))
                        .is_some_and(|&c| is_hold_byte(c) || c == b'(')
                {
                    p = p.saturating_sub(1);
                }
                if p < from {
                    from = p;
                    continue;
                }
            }
            break;
        }
        // 3. A keyword whose value has not arrived or is still arriving
        //    (`password: `, `Bearer `, `password is `).
        let mut p = from;
        let mut pending = false;
        for _ in 0..4 {
            let mut q = p;
            let mut skipped = 0usize;
            while q > 0
                && skipped < 8
                && b.get(q.saturating_sub(1)).is_some_and(|&c| {
                    matches!(
                        c,
                        b' ' | b'\t' | b'"' | b'\'' | b'=' | b':' | b'>' | b'<' | b'\\'
                    )
                })
            {
                q = q.saturating_sub(1);
                skipped = skipped.saturating_add(1);
            }
            let word_end = q;
            while q > 0
                && b.get(q.saturating_sub(1))
                    .is_some_and(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
            {
                q = q.saturating_sub(1);
            }
            // The word's last 16 bytes, lowercased (the longest keyword
            // has 13; `is` and `was` are whole words), on the stack: this
            // runs with every streamed event.
            let raw = b.get(q..word_end).unwrap_or_default();
            let tail = raw.get(raw.len().saturating_sub(16)..).unwrap_or_default();
            let mut buf = [0u8; 16];
            let word = buf.get_mut(..tail.len()).unwrap_or_default();
            word.copy_from_slice(tail);
            word.make_ascii_lowercase();
            let word = &*word;
            if word.is_empty() {
                break;
            }
            if !pending && (word == b"is" || word == b"was") {
                pending = true;
            } else if is_hold_keyword(word) {
                from = from.min(q);
                pending = false;
            } else {
                break;
            }
            p = q;
        }
        // 4. An open private-key block.
        let window_start = b.len().saturating_sub(16 * 1024);
        if let Some(tail) = b.get(window_start..) {
            if let Some(begin) = rfind_marker(tail, b"BEGIN ") {
                let after = tail.get(begin..).unwrap_or_default();
                let head_end = after.len().min(64);
                let head = after.get(..head_end).unwrap_or_default();
                let is_key = memchr::memmem::find(head, b"PRIVATE KEY").is_some()
                    || !head.iter().skip(11).any(|&c| c == b'\n');
                if is_key && rfind_marker(after, b"END ").is_none() {
                    from = from.min(window_start.saturating_add(begin));
                }
            }
        }
        while from > 0 && !text.is_char_boundary(from) {
            from = from.saturating_sub(1);
        }
        from.min(text.len())
    }
}

/// Where the last `-----<word>` starts in `hay` (`word` begins with an
/// uppercase letter). A search for that letter, not `memmem`: a stream runs
/// this for every event, and building a searcher cost more than searching
/// its window.
fn rfind_marker(hay: &[u8], word: &[u8]) -> Option<usize> {
    let first = *word.first()?;
    let mut end = hay.len();
    while let Some(i) = super::rfind_byte(
        hay,
        end,
        |x| super::swar::equal(super::swar::ascii(x).0, first),
        |c| c == first,
    ) {
        if let Some(start) = i.checked_sub(5) {
            if hay.get(start..i) == Some(b"-----".as_slice())
                && hay.get(i..).is_some_and(|t| t.starts_with(word))
            {
                return Some(start);
            }
        }
        end = i;
    }
    None
}

/// Token characters held back at the end of a stream chunk.
fn is_hold_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'_' | b'-' | b'.' | b'+' | b'/' | b'=' | b'%' | b':' | b'@'
        )
}

/// Words after which a value may follow (`word` lowercased; suffix match).
fn is_hold_keyword(word: &[u8]) -> bool {
    const KEYS: [&[u8]; 11] = [
        b"password",
        b"passwd",
        b"pwd",
        b"passphrase",
        b"secret",
        b"token",
        b"key",
        b"bearer",
        b"basic",
        b"authorization",
        b"accountkey",
    ];
    KEYS.iter().any(|k| word.ends_with(k))
}

/// A prefixed token: the anchor, then `spec.charset` bytes.
fn find_token(
    ctx: &Ctx<'_>,
    a_start: usize,
    a_end: usize,
    spec: &TokenSpec,
) -> Option<(usize, usize)> {
    let prev = ctx.before(a_start);
    if prev.is_ascii_alphanumeric() {
        return None;
    }
    let body = run_len(ctx.bytes(), a_end, spec.charset, spec.max.saturating_add(1));
    if body < spec.min || body > spec.max {
        return None;
    }
    let end = a_end.checked_add(body)?;
    let token = ctx.bytes().get(a_end..end)?;
    (spec.check)(token).then_some((a_start, end))
}

/// Length of the run of `charset` bytes from `from`, at most `max`.
pub(crate) fn run_len(b: &[u8], from: usize, charset: impl Fn(u8) -> bool, max: usize) -> usize {
    b.get(from..).map_or(0, |t| {
        t.iter().take(max).take_while(|&&c| charset(c)).count()
    })
}

/// A custom rule: its regex in a window around the anchor; the first match
/// that covers the anchor.
fn find_regex(text: &str, a_start: usize, a_end: usize, re: &Regex) -> Option<(usize, usize)> {
    let mut ws = a_start.saturating_sub(CUSTOM_WINDOW_BEFORE);
    while ws > 0 && !text.is_char_boundary(ws) {
        ws = ws.saturating_sub(1);
    }
    let mut we = a_end.saturating_add(CUSTOM_WINDOW_AFTER).min(text.len());
    while we < text.len() && !text.is_char_boundary(we) {
        we = we.saturating_add(1);
    }
    let window = text.get(ws..we)?;
    re.find_iter(window)
        .map(|m| (ws.saturating_add(m.start()), ws.saturating_add(m.end())))
        .find(|&(s, e)| s <= a_start && e >= a_end && s < e)
}

// ---------------------------------------------------------------------------
// Shared validators used by the secrets and PII rules.

/// `[A-Za-z0-9]`
pub(crate) fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}
/// `[A-Za-z0-9_-]`: base64url and most token alphabets.
pub(crate) fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}
/// `[A-Za-z0-9+/]`: standard base64 without padding.
pub(crate) fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'+' || c == b'/'
}
/// `[0-9a-f]`
pub(crate) fn is_hex_lower(c: u8) -> bool {
    c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
}

/// Shannon entropy in bits per byte.
pub(crate) fn entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &c in s {
        if let Some(n) = counts.get_mut(usize::from(c)) {
            *n = n.saturating_add(1);
        }
    }
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = f64::from(n) / len;
            -p * p.log2()
        })
        .sum()
}

/// How many of lower, upper, digit, other the value uses.
pub(crate) fn char_classes(s: &[u8]) -> u8 {
    let (mut l, mut u, mut d, mut o) = (0u8, 0u8, 0u8, 0u8);
    for &c in s {
        if c.is_ascii_lowercase() {
            l = 1;
        } else if c.is_ascii_uppercase() {
            u = 1;
        } else if c.is_ascii_digit() {
            d = 1;
        } else if c != b' ' {
            o = 1;
        }
    }
    l.saturating_add(u).saturating_add(d).saturating_add(o)
}

/// Documentation values, templates and masks: not secrets.
///
/// Words like `example`, `xxxx`, `your_`, `placeholder`, `redacted`,
/// `dummy`, `sample`, `changeme`; template syntax (`<...>`, `${...}`,
/// `{{...}}`, `%s`); masks (`***`, `...`); a run of 5 identical bytes; a
/// run of 5 ascending or descending bytes (`12345`, `abcde`); fewer than 4
/// distinct bytes in 8 or more.
pub(crate) fn is_placeholder(s: &[u8]) -> bool {
    const WORDS: [&[u8]; 21] = [
        b"example",
        b"xxxx",
        b"placeholder",
        b"your_",
        b"your-",
        b"yourkey",
        b"yourtoken",
        b"yourpass",
        b"redacted",
        b"dummy",
        b"sample",
        b"changeme",
        b"change_me",
        b"replace",
        b"insert",
        b"${",
        b"{{",
        b"***",
        b"...",
        b"\xe2\x80\xa6",
        b"fake",
    ];
    let lower = s.to_ascii_lowercase();
    if WORDS
        .iter()
        .any(|w| memchr::memmem::find(&lower, w).is_some())
    {
        return true;
    }
    if s.first() == Some(&b'<') || s.last() == Some(&b'>') {
        return true;
    }
    // A printf `%s` is lowercase and ends a word: matched on the original
    // bytes, so `G%S^A` inside a random password is not a template.
    let mut from = 0usize;
    while let Some(rel) = s.get(from..).and_then(|t| memchr::memmem::find(t, b"%s")) {
        let at = from.saturating_add(rel);
        let next = s.get(at.saturating_add(2)).copied().unwrap_or(b' ');
        let prev = at
            .checked_sub(1)
            .and_then(|j| s.get(j))
            .copied()
            .unwrap_or(b' ');
        if !next.is_ascii_alphanumeric() && prev != b'%' {
            return true;
        }
        from = at.saturating_add(2);
    }
    let (mut same, mut up, mut down) = (1usize, 1usize, 1usize);
    for w in s.windows(2) {
        let (a, b) = match w {
            [a, b] => (*a, *b),
            _ => continue,
        };
        same = if a == b { same.saturating_add(1) } else { 1 };
        up = if a.checked_add(1) == Some(b) && a.is_ascii_alphanumeric() {
            up.saturating_add(1)
        } else {
            1
        };
        down = if b.checked_add(1) == Some(a) && a.is_ascii_alphanumeric() {
            down.saturating_add(1)
        } else {
            1
        };
        if same >= 5 || up >= 5 || down >= 5 {
            return true;
        }
    }
    if s.len() >= 8 {
        let mut seen = [false; 256];
        let mut distinct = 0usize;
        for &c in s {
            if let Some(f) = seen.get_mut(usize::from(c)) {
                if !*f {
                    *f = true;
                    distinct = distinct.saturating_add(1);
                }
            }
        }
        if distinct < 4 {
            return true;
        }
    }
    false
}

/// A random-looking token body: not a placeholder, at least `min_entropy`
/// bits per byte.
pub(crate) fn looks_random(s: &[u8], min_entropy: f64) -> bool {
    !is_placeholder(s) && entropy(s) >= min_entropy
}

/// Luhn checksum over ASCII digits.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &c) in digits.iter().rev().enumerate() {
        let Some(d) = c.checked_sub(b'0').filter(|d| *d <= 9) else {
            return false;
        };
        let d = u32::from(d);
        let v = if i % 2 == 1 {
            let x = d.saturating_mul(2);
            if x > 9 {
                x.saturating_sub(9)
            } else {
                x
            }
        } else {
            d
        };
        sum = sum.saturating_add(v);
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// CRC-32 (IEEE 802.3, as zlib).
pub(crate) fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

/// Decode a base62 number (`0-9A-Za-z`).
pub(crate) fn base62_decode(s: &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for &c in s {
        let d = match c {
            b'0'..=b'9' => c.wrapping_sub(b'0'),
            b'A'..=b'Z' => c.wrapping_sub(b'A').wrapping_add(10),
            b'a'..=b'z' => c.wrapping_sub(b'a').wrapping_add(36),
            _ => return None,
        };
        v = v.checked_mul(62)?.checked_add(u64::from(d))?;
    }
    Some(v)
}

/// Whether the lowercased `span` bytes (at most [`CONTEXT_BEFORE`]) before
/// `at` contain any of `words` (lowercase ASCII).
pub(crate) fn context_has(ctx: &Ctx<'_>, at: usize, span: usize, words: &[&str]) -> bool {
    let start = at.saturating_sub(span.min(CONTEXT_BEFORE));
    let Some(w) = ctx.bytes().get(start..at) else {
        return false;
    };
    let mut buf = [0u8; CONTEXT_BEFORE];
    let n = w.len().min(CONTEXT_BEFORE);
    for (d, s) in buf.iter_mut().zip(w.iter()) {
        *d = s.to_ascii_lowercase();
    }
    let hay = buf.get(..n).unwrap_or_default();
    words
        .iter()
        .any(|word| memchr::memmem::find(hay, word.as_bytes()).is_some())
}

/// Whether one of `words` (lowercase ASCII, or UTF-8 matched as bytes)
/// stands as a word in the `span` bytes before `at`: no ASCII letter or
/// digit right before or after it. For short cue words that are parts of
/// longer ones (`pan` in `company`, `nif` in `significant`, `sin` in
/// `using`).
pub(crate) fn context_word(ctx: &Ctx<'_>, at: usize, span: usize, words: &[&str]) -> bool {
    let start = at.saturating_sub(span.min(CONTEXT_BEFORE));
    let Some(w) = ctx.bytes().get(start..at) else {
        return false;
    };
    let mut buf = [0u8; CONTEXT_BEFORE];
    let n = w.len().min(CONTEXT_BEFORE);
    for (d, s) in buf.iter_mut().zip(w.iter()) {
        *d = s.to_ascii_lowercase();
    }
    let hay = buf.get(..n).unwrap_or_default();
    words.iter().any(|word| {
        let wb = word.as_bytes();
        memchr::memmem::find_iter(hay, wb).any(|p| {
            let before = p
                .checked_sub(1)
                .and_then(|j| hay.get(j))
                .copied()
                .unwrap_or(b' ');
            let after = hay.get(p.saturating_add(wb.len())).copied().unwrap_or(b' ');
            !before.is_ascii_alphanumeric() && !after.is_ascii_alphanumeric()
        })
    })
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn scan_with(p: &Patterns, text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        p.scan(text, &mut out);
        for w in out.windows(2) {
            assert!(w[0].end <= w[1].start, "sorted, no overlaps: {out:?}");
        }
        out.iter()
            .map(|m| {
                assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
                (m.kind.to_string(), text[m.start..m.end].to_string())
            })
            .collect()
    }

    #[test]
    fn the_anchor_memo_finds_what_a_full_scan_finds() {
        // A window as a stream channel keeps it: text appended at its end,
        // bytes dropped from its front; scanned with the memo after every
        // change, and compared with a fresh scan of the same window.
        let p = default_patterns();
        let ac = p.ac.as_ref().unwrap();
        let mut words: Vec<String> = super::super::secrets::rules()
            .iter()
            .chain(super::super::pii::rules().iter())
            .flat_map(|r| r.anchors.iter().map(|a| (*a).to_owned()))
            .collect();
        words.extend(
            [
                " ",
                "the ",
                "key ",
                "\n",
                "é",
                "✓",
                "0",
                "1234",
                "-",
                "=",
                ":",
                "@",
                ".",
                "sk-proj-abcdefghijklmnopqrstuvwxyz012345",
                "ghp_0123456789abcdefghijABCDEFGHIJ0123",
                "alice@example.com ",
                "+1 415 555 0100 ",
                "4111 1111 1111 1111 ",
                "password=hunter2 ",
                "machine h login u password p ",
                // Encoded runs, short and long, split anywhere.
                "QUJDREVGR0hJSktMTU5PUA== ",
                "aGVsbG8gd29ybGQ",
                "abcdefghijkl",
                "Zm9v",
                "c2stcHJvai1hYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NQ== ",
                "%41%42%43",
            ]
            .map(str::to_owned),
        );
        let mut seed = 0x853c_49e6_748f_ea9bu64;
        let mut next = |n: usize| {
            crate::inspect::tests::xorshift(&mut seed);
            (seed % n as u64) as usize
        };
        let (mut steps, mut anchors_seen, mut matches_seen) = (0usize, 0usize, 0usize);
        for _ in 0..300 {
            // The round's text, then appended in pieces cut anywhere (an
            // anchor split across two appends is the case to get right).
            let mut text = String::new();
            while text.len() < 3_000 {
                let w = &words[next(words.len())];
                // Anchors in either case (the automaton ignores ASCII case).
                if next(4) == 0 {
                    text.push_str(&w.to_ascii_uppercase());
                } else {
                    text.push_str(w);
                }
            }
            as_a_window(&text, &mut next, &mut |window, memo, _| {
                let mut with = Vec::new();
                p.scan_window(window, 0, memo, &mut with);
                let mut fresh = Vec::new();
                p.scan(window, &mut fresh);
                assert_eq!(with, fresh, "{window:?}");
                // The library's own overlapping search of the whole window.
                let mut all: Vec<AnchorHit> = Vec::new();
                ac.overlapping(window.as_bytes(), &mut |start, end, pattern| {
                    all.push(AnchorHit {
                        start,
                        end,
                        pattern,
                    });
                });
                assert_eq!(memo.hits, all, "{window:?}");
                steps += 1;
                anchors_seen += all.len();
                matches_seen += fresh.len();
            });
        }
        assert!(
            steps == 18_000 && anchors_seen > 100_000 && matches_seen > 10_000,
            "{anchors_seen} {matches_seen}"
        );
    }

    /// `text` appended to a window as a stream channel's grows, in pieces
    /// of 1 to 40 bytes cut anywhere, its front dropped past 300 bytes (and
    /// told to the memo); `step(window, memo, next)` after each of 60
    /// pieces.
    #[allow(clippy::type_complexity)]
    fn as_a_window(
        text: &str,
        next: &mut dyn FnMut(usize) -> usize,
        step: &mut dyn FnMut(&str, &mut WindowMemo, &mut dyn FnMut(usize) -> usize),
    ) {
        let mut window = String::new();
        let mut memo = WindowMemo::default();
        let mut at = 0;
        for _ in 0..60 {
            let mut end = (at + 1 + next(40)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            window.push_str(&text[at..end]);
            at = end;
            if window.len() > 300 {
                let mut drop = window.len() - 256 + next(40);
                while !window.is_char_boundary(drop.min(window.len())) {
                    drop += 1;
                }
                let drop = drop.min(window.len());
                window.drain(..drop);
                memo.drain_front(drop);
            }
            step(&window, &mut memo, next);
        }
    }

    #[test]
    fn a_window_resumed_past_its_context_finds_what_a_full_scan_finds() {
        // `scan_window` resumes the numeric pass at the last lowercase
        // letter before what was released (`numeric_resume`): the matches
        // ending after that point must be a full scan's. Number-dense text
        // (every PII corpus row, numbers in every shape the pass reads,
        // their letters, separators and cue words glued or spaced), cut
        // into a window as a stream channel keeps it, compared at every
        // step at a random release point.
        let p = default_patterns();
        let mut pieces: Vec<String> = include_str!("../../../../corpus/pii.jsonl")
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_owned))
            .collect();
        pieces.extend(
            [
                " ",
                " ",
                "\n",
                "0",
                "7",
                "12",
                "1234",
                "123456789",
                "-",
                ".",
                "/",
                ":",
                "::",
                "(",
                ")",
                ") ",
                " (",
                "+",
                ",",
                "@",
                "e",
                "f",
                "g",
                "x",
                "z",
                "ab",
                "GB",
                "ES",
                "AB",
                "C",
                "Z",
                "X",
                "2A",
                "fe80::",
                "ext",
                "ssn ",
                "SSN: ",
                "iban ",
                "cpf ",
                "nif ",
                "steuer id ",
                "bsn ",
                "pesel ",
                "aadhaar ",
                "card ",
                "tel ",
                "é",
                "1.2.3.4",
                "GB82 WEST 1234 5698 7654 32",
                "AB 12 34 56 C",
                "12345678Z",
                "X1234567L",
                "RSSMRA85T10A562S",
                "ABCDE1234F",
                "1 84 12 76 451 089 46",
                "4111 1111 1111 1111",
                "2001:db8::1",
                "2a00:1450:4007:80e::200e",
                "+1 (415) 555-0100",
                "+44 20 7946 0958",
            ]
            .map(str::to_owned),
        );
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            crate::inspect::tests::xorshift(&mut seed);
            (seed % n as u64) as usize
        };
        let (mut steps, mut resumed, mut kept) = (0usize, 0usize, 0usize);
        for _ in 0..200 {
            let mut text = String::new();
            while text.len() < 3_000 {
                let piece = &pieces[next(pieces.len())];
                // Whole corpus rows are long: a slice of one, cut anywhere.
                let (a, b) = if piece.len() > 40 {
                    let a = next(piece.len());
                    (a, (a + 1 + next(40)).min(piece.len()))
                } else {
                    (0, piece.len())
                };
                let (mut a, mut b) = (a, b);
                while !piece.is_char_boundary(a) {
                    a -= 1;
                }
                while !piece.is_char_boundary(b) {
                    b += 1;
                }
                text.push_str(&piece[a..b]);
                if next(3) == 0 {
                    text.push(' ');
                }
            }
            as_a_window(&text, &mut next, &mut |window, memo, next| {
                let released = next(window.len() + 1);
                let mut with = Vec::new();
                p.scan_window(window, released, memo, &mut with);
                with.retain(|m| m.end > released);
                let mut fresh = Vec::new();
                p.scan(window, &mut fresh);
                fresh.retain(|m| m.end > released);
                assert_eq!(with, fresh, "{window:?} released {released}");
                steps += 1;
                kept += fresh.iter().filter(|m| m.family == Family::Pii).count();
                let mut hits = Vec::new();
                let mut budget = super::super::encoded::BUDGET;
                p.collect_encoded(window, 0, &mut budget, &mut hits, None);
                resumed += usize::from(numeric_resume(window.as_bytes(), released, &hits) > 0);
            });
        }
        // The pass resumed in most steps, and numbers were found.
        assert!(
            steps == 12_000 && resumed > steps / 2 && kept > 5_000,
            "{resumed} {kept}"
        );
    }

    #[test]
    fn the_numeric_pass_resumes_before_other_matches() {
        let hit = |start, end| Hit {
            start,
            end,
            rule: 0,
        };
        // The last lowercase letter before the release point…
        assert_eq!(numeric_resume(b"ghi 123 jkl", 11, &[]), 10);
        assert_eq!(numeric_resume(b"ghi 123 jkl", 9, &[]), 8);
        // …none of `a`..=`f` (an IPv6 address's hex digits)…
        assert_eq!(numeric_resume(b"ghi fe80::1 ab", 14, &[]), 2);
        // …before any other match that covers it…
        assert_eq!(numeric_resume(b"ghi jkl", 7, &[hit(4, 7)]), 2);
        assert_eq!(numeric_resume(b"ghi jkl", 7, &[hit(5, 7), hit(0, 6)]), 0);
        // …and not past a text full of matches.
        let text = "g".repeat(100);
        let hits: Vec<Hit> = (0..100).map(|i| hit(i, i + 1)).collect();
        assert_eq!(numeric_resume(text.as_bytes(), 100, &hits), 0);
        assert_eq!(numeric_resume(text.as_bytes(), 100, &hits[93..]), 92);
    }

    fn default_patterns() -> &'static Patterns {
        static P: std::sync::OnceLock<Patterns> = std::sync::OnceLock::new();
        P.get_or_init(|| Patterns::new(&PatternOptions::default()).unwrap())
    }

    fn scan(text: &str) -> Vec<(String, String)> {
        scan_with(default_patterns(), text)
    }

    #[track_caller]
    fn hit(text: &str, kind: &str, matched: &str) {
        let got = scan(text);
        assert!(
            got.iter().any(|(k, m)| k == kind && m == matched),
            "expected {kind} {matched:?} in {text:?}, got {got:?}"
        );
    }

    #[track_caller]
    fn none(text: &str) {
        let got = scan(text);
        assert!(got.is_empty(), "expected nothing in {text:?}, got {got:?}");
    }

    #[test]
    fn luhn_crc_base62_entropy_placeholders() {
        assert!(luhn(b"79927398713"));
        assert!(!luhn(b"79927398710"));
        assert!(!luhn(b""));
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(base62_decode(b"0000z"), Some(61));
        assert_eq!(base62_decode(b"10"), Some(62));
        assert_eq!(base62_decode(b"a-"), None);
        assert!(entropy(b"aaaa") < 0.01);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
        for p in [
            &b"AKIAIOSFODNN7EXAMPLE"[..],
            b"xxxxxxxxxxxx",
            b"<your-token>",
            b"${DB_PASSWORD}",
            b"your_api_key_here",
            b"aaaaaaaaaaaa",
            b"abcdefghij",
            b"1234567890",
            b"abababababab",
        ] {
            assert!(is_placeholder(p), "{}", String::from_utf8_lossy(p));
        }
        assert!(!is_placeholder(b"q8Zt3LmVw2XkR7pN"));
    }

    #[test]
    fn aws() {
        hit(
            "aws_access_key_id = AKIAZ7VQ3XKD4TLMN2RB",
            "aws_access_key",
            "AKIAZ7VQ3XKD4TLMN2RB",
        );
        hit(
            "ASIAQ2W3E4R5T6Y7U2IO.",
            "aws_access_key",
            "ASIAQ2W3E4R5T6Y7U2IO",
        );
        none("AKIAIOSFODNN7EXAMPLE");
        none("xAKIAZ7VQ3XKD4TLMN2RB");
        none("AKIAZ7VQ3XKD4TLMN2RBQ"); // too long
        hit(
            "aws_secret_access_key = Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa/Qe+Ur8T",
            "aws_secret_key",
            "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa/Qe+Ur8T",
        );
        none("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        none("Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa/Qe+Ur8T with no context");
    }

    #[test]
    fn github_and_npm_checksums() {
        let t = super::super::secrets::tests::checksummed("ghp_", "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0");
        hit(&format!("token {t} here"), "github_token", &t);
        let mut bad = t.clone();
        bad.pop();
        bad.push(if t.ends_with('a') { 'b' } else { 'a' });
        none(&format!("token {bad}"));
        none("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        let n = super::super::secrets::tests::checksummed("npm_", "Pa7Qe2Ur8Ti4Yo6Zq8Lm3Rt7Wv2Xy5");
        hit(
            &format!("//registry.npmjs.org/:_authToken={n}"),
            "npm_token",
            &n,
        );
        let pat = format!(
            "github_pat_{}_{}",
            "A1b2C3d4E5f6G7h8I9j0K1",
            "Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8Ti4Yo6Zq8Lm3Rt7Wv2Xy5Nb9K"
        );
        hit(&pat, "github_pat", &pat);
    }

    #[test]
    fn vendor_tokens() {
        let cases = [
            ("gcp_api_key", "AIzaSyD4kQ9vL2mX7pR3tW8nB5cJ1hF6gZ0aE2s"),
            ("gitlab_token", "glpat-x9Kd3LmQ7vR2tW8nB5cJ"),
            ("slack_token", "xoxb-483920174625-5839201746251-Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6"),
            ("stripe_key", "sk_live_51Hq8Lm3Rt7Wv2Xy5Nb9Kc4Hd"),
            ("stripe_key", "rk_live_51Hq8Lm3Rt7Wv2Xy5Nb9Kc4Hd"),
            ("anthropic_key", "sk-ant-api03-Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8Ti4Yo6Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8Ti4Yo6AA"),
            ("openai_key", "sk-proj-Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8Ti4Yo6T3BlbkFJZq8Lm3Rt7Wv2Xy5Nb9"),
            ("openai_key", "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"),
            ("openai_key", "sk-svcacct-Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8Ti4Yo6"),
            ("huggingface_token", "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"),
            ("pypi_token", "pypi-AgEIcHlwaS5vcmcCJDg3ZTQ5YjE2LTM4NmItNGQ1Yy1hMzE5LWQ2ZjBmNzU0ZGQyZQACKlsz"),
            ("sendgrid_api_key", "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"),
            ("twilio_api_key", "SK3f9a1c7e2b8d4f6a0c5e9b3d7f1a8c2e"),
            ("shopify_token", "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"),
            ("digitalocean_token", "dop_v1_3f9a1c7e2b8d4f6a0c5e9b3d7f1a8c2e3f9a1c7e2b8d4f6a0c5e9b3d7f1a8c2e"),
            ("databricks_token", "dapi3f9a1c7e2b8d4f6a0c5e9b3d7f1a8c2e"),
            ("linear_api_key", "lin_api_Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8T"),
            ("mailgun_api_key", "key-3f9a1c7e2b8d4f6a0c5e9b3d7f1a8c2q"),
            ("vault_token", "hvs.CAESIZq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Q"),
            ("google_oauth_token", "ya29.a0AfB_byZq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2"),
            ("age_secret_key", "AGE-SECRET-KEY-1QZ8LM3RT7WV2XY5NB9KC4HD6JF1GS0PA7QE2UR8TI4YO6ZQ8LM3RT7WV2X"),
        ];
        for (kind, tok) in cases {
            hit(&format!("here: {tok} (rotated)"), kind, tok);
            hit(&format!("\"{tok}\""), kind, tok);
        }
        none("the sk-learn and task-sk-123 and risk-skew words");
        none("key-value store, key-prefix");
        none("SKU SK-1 ASK");
    }

    #[test]
    fn azure_and_slack_webhook() {
        let key = "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8Ti4Yo6Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8==";
        hit(
            &format!("DefaultEndpointsProtocol=https;AccountName=a;AccountKey={key};EndpointSuffix=core.windows.net"),
            "azure_storage_key",
            key,
        );
        let sig = "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8Ti4%3D";
        hit(
            &format!(
                "https://a.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&se=2030-01-01&sig={sig}"
            ),
            "azure_sas_token",
            sig,
        );
        none("https://example.net/page?q=1&sig=Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8Ti4");
        let url = "https://hooks.slack.com/services/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";
        hit(&format!("post to {url} now"), "slack_webhook", url);
    }

    #[test]
    fn private_keys() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8";
        for label in [
            "RSA PRIVATE KEY",
            "EC PRIVATE KEY",
            "PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY",
            "OPENSSH PRIVATE KEY",
            "DSA PRIVATE KEY",
        ] {
            let block = format!("-----BEGIN {label}-----\n{body}\n{body}\n-----END {label}-----");
            hit(&format!("key:\n{block}\nthanks"), "private_key", &block);
            // Escaped newlines (a JSON document pasted as text).
            let esc = block.replace('\n', "\\n");
            hit(&format!("\"{esc}\""), "private_key", &esc);
        }
        // Unterminated: header and body.
        let open = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n{body}");
        hit(&format!("{open}\n"), "private_key", &open);
        none(&format!(
            "-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----"
        ));
        none("A key file starts with -----BEGIN RSA PRIVATE KEY----- and ends with -----END RSA PRIVATE KEY-----.");
        // Many BEGIN lines: linear, and each block found.
        let many =
            format!("-----BEGIN EC PRIVATE KEY-----\n{body}\n-----END EC PRIVATE KEY-----\n")
                .repeat(50);
        assert_eq!(scan(&many).len(), 50);
    }

    #[test]
    fn gcp_service_account_wins_over_inner_pem() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8";
        let value = format!("-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----\\n");
        let doc = format!("{{\"type\": \"service_account\", \"private_key\": \"{value}\", \"client_email\": \"x@p.iam.gserviceaccount.com\"}}");
        let got = scan(&doc);
        assert_eq!(got[0], ("gcp_service_account_key".to_string(), value));
    }

    #[test]
    fn jwt() {
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFuYSJ9.Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8Ti4Y";
        hit(&format!("Authorization: Bearer {jwt}"), "jwt", jwt);
        // Header that is not JSON with alg.
        none("eyJmb28iOiJiYXIifQ.eyJzdWIiOiIxMjM0In0.Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6");
        none("eyJhbGciOiJub25lIn0 alone");
    }

    #[test]
    fn connection_strings_redact_the_password_only() {
        hit(
            "postgres://app:Zq8!Lm3Rt7@db.internal:5432/app",
            "connection_string_password",
            "Zq8!Lm3Rt7",
        );
        hit(
            "mongodb+srv://svc:Pa7Qe2Ur8@cluster0.mongodb.net/x",
            "connection_string_password",
            "Pa7Qe2Ur8",
        );
        hit(
            "jdbc:mysql://root:s3cr3t-Pw@10.0.0.1/shop",
            "connection_string_password",
            "s3cr3t-Pw",
        );
        // `@` inside the password: the last `@` ends the userinfo.
        hit(
            "redis://:Ab1@Cd2@cache:6379",
            "connection_string_password",
            "Ab1@Cd2",
        );
        none("postgres://user:password@localhost:5432/mydb");
        none("postgres://localhost:5432/mydb");
        none("redis://:${REDIS_PASSWORD}@cache:6379");
        none("https://github.com/acme/repo");
    }

    #[test]
    fn password_assignments() {
        hit("DB_PASSWORD=Tr0ub4dor#3", "password", "Tr0ub4dor#3");
        hit("password: \"hunter2!x\"", "password", "hunter2!x");
        hit("{\"password\": \"K7#mQ2vL9x\"}", "password", "K7#mQ2vL9x");
        hit("<password>K7#mQ2vL9x</password>", "password", "K7#mQ2vL9x");
        hit("mysql --password K7mQ2vL9x", "password", "K7mQ2vL9x");
        hit("the wifi password is K7mQ2vL9x.", "password", "K7mQ2vL9x");
        hit("PASSWORD := 'Zq8Lm3Rt'", "password", "Zq8Lm3Rt");
        hit(
            "\\\"password\\\": \\\"K7#mQ2vL9x\\\"",
            "password",
            "K7#mQ2vL9x",
        );
        none("password = request.form['password']");
        none("password: ${DB_PASSWORD}");
        none("password=********");
        none("password: str = Field(min_length=12)");
        none("The password must contain a digit.");
        none("my password is not working");
        none("password_min_length = 14");
        none("password_hash = '$2b$12$Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8Ti4Yo6Zq8Lm3R'");
        none("PWD=/home/dana");
        none("if password == \"K7mQ2vL9x\":");
        hit(
            "client_secret = \"Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6\"",
            "generic_secret",
            "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6",
        );
        hit(
            "API_KEY=Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6",
            "generic_secret",
            "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6",
        );
        none("max_tokens: 4096");
        none("token_type: bearer");
        none("api_key = os.environ['KEY']");
        none("secret_name: prod/db/credentials");
    }

    #[test]
    fn connection_strings_with_punctuation_drivers_and_raw_hash() {
        // Driver suffixes (SQLAlchemy), and passwords pasted unencoded with
        // `#`, `?`, `%`, `^`, `+`, `.`, `-` in them.
        hit(
            "DATABASE_URL=postgresql+psycopg2://etl:Vq3.-+Rk9Lw2@pg.prod.local:5432/warehouse",
            "connection_string_password",
            "Vq3.-+Rk9Lw2",
        );
        hit(
            "broker: amqps://svc:Hk4#mP9?x2Lq@rabbit.internal:5671/vhost",
            "connection_string_password",
            "Hk4#mP9?x2Lq",
        );
        hit(
            "rediss://:Tz7#Qw2^Lp@cache.local:6380",
            "connection_string_password",
            "Tz7#Qw2^Lp",
        );
        hit(
            "mongodb://root:Xy7%Pq#3Lm@mongo-0.mongo:27017/admin",
            "connection_string_password",
            "Xy7%Pq#3Lm",
        );
        // Hard negatives: a query or fragment holding `@`, references,
        // placeholder words, a driver suffix on an unknown service.
        none("https://docs.local:8443?next=page@section");
        none("https://shop.local/#contact@team");
        none("redis://cache#primary@v2");
        none("postgresql+psycopg2://etl:${PGPASS}@db/x");
        none("mysql+pymysql://app:password@localhost/app");
        none("foo+bar://app:Vq3Rk9Lw2@host");
    }

    #[test]
    fn password_assignments_with_special_characters() {
        hit(
            "[mysqld]\npassword = Qm7^rT-2%Lx!p",
            "password",
            "Qm7^rT-2%Lx!p",
        );
        hit("DB_PASSWD=Wq9%S^z!Tk", "password", "Wq9%S^z!Tk");
        hit("{\"password\": \"Lk3%S-q^Wz!\"}", "password", "Lk3%S-q^Wz!");
        hit("password = \"Rv5!%Sx^Pq-\"", "password", "Rv5!%Sx^Pq-");
        hit("smtp_password: 9f%dK2&x", "password", "9f%dK2");
        // Placeholders, templates and references stay quiet. `changeme` and
        // friends are documentation values, not credentials.
        none("password = <your-password>");
        none("password = ${DB_PASSWORD}");
        none("password: $(cat /run/secrets/db)");
        none("password = changeme");
        none("password: \"%s\"");
        none("password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6231386438");
        none("password: !Ref DbPasswordParam");
        none("client_secret: kv/prod/app:oauth_secret");
        none("password_policy = min12!Chars");
    }

    #[test]
    fn mysql_client_password_glued_to_dash_p() {
        hit(
            "mysqldump -u backup -p'Xw3.Kq9zLm' shop > shop.sql",
            "password",
            "Xw3.Kq9zLm",
        );
        hit("mysql -h db -uroot -pR7t!kW2q app", "password", "R7t!kW2q");
        // `-p` alone prompts; `-P` is the port; a reference is not a value.
        none("mysql -u root -p shop");
        none("mysql -u root -p\"$MYSQL_PWD\" -h db");
        none("mysql -u root -P 3306 -h db");
    }

    #[test]
    fn prose_password_with_words_before_is() {
        hit(
            "the vpn password for the staging cluster is Tq8#Lz2Wm, don't share",
            "password",
            "Tq8#Lz2Wm",
        );
        none("the password for the admin account is reset every week");
        none("the password for this form must be 12 chars: Ab1!");
        none("the password policy for new users is Min8Chars!");
        none("the password you chose is Weak1234");
        none("the password for the router is printed on the label");
    }

    #[test]
    fn name_value_env_lists() {
        hit(
            "        - name: AWS_SECRET_ACCESS_KEY\n          value: Hq7vT2pLx9Wm3Rk8Zt5Ny4Bc6Df1Gj0Ks2Qe7Uw/",
            "aws_secret_key",
            "Hq7vT2pLx9Wm3Rk8Zt5Ny4Bc6Df1Gj0Ks2Qe7Uw/",
        );
        hit(
            "{\"name\": \"DB_PASSWORD\", \"value\": \"Vk8#pQ2!mZ\"}",
            "password",
            "Vk8#pQ2!mZ",
        );
        hit(
            "--environment Name=API_TOKEN,Value=Rq7Lx2Wm9Tz4Kp8Nv3",
            "generic_secret",
            "Rq7Lx2Wm9Tz4Kp8Nv3",
        );
        none("- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db");
        none("- name: AWS_SECRET_ACCESS_KEY\n- name: AWS_REGION\n  value: us-east-1");
        none("- name: DB_PASSWORD_FILE\n  value: /run/secrets/db");
    }

    #[test]
    fn twilio_auth_token_needs_twilio_context() {
        let tok = "e4d2c9b7a1f30864c5e7d9b2a6f1c038";
        hit(
            &format!("tw = TwilioRestClient('AC0b3e91f4c2d87a6e5f10b9c8d7e6a5f4', '{tok}')"),
            "twilio_auth_token",
            tok,
        );
        hit(
            &format!("my twilio auth token {tok}"),
            "twilio_auth_token",
            tok,
        );
        none(&format!("md5 {tok}"));
        none("AC0b3e91f4c2d87a6e5f10b9c8d7e6a5f4 is the account sid");
        none("twilio message SM0b3e91f4c2d87a6e5f10b9c8d7e6a5f4 delivered");
        none("AC0b3e91f4c2d87a6e5f10b9c8d7e6a5f4\ne4d2c9b7a1f30864c5e7d9b2a6f1c038");
    }

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn new_vendor_tokens() {
        let groq = "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";
        assert_eq!(groq.len(), 4 + 52);
        hit(&format!("GROQ_API_KEY={groq}"), "groq_api_key", groq);
        none("GROQ_API_KEY=gsk_...");
        none("gsk_Zq8Lm3Rt7W"); // too short
        let mc = "3f9a1c7e2b8d4f6a0c5e9b3d7f1a8c2e-us14";
        hit(&format!("key {mc} here"), "mailchimp_api_key", mc);
        none("locale=en-us and 3f9a1c7e2b8d4f6a0c5e9b3d7f1a8c2e-use-cache");
        none("00000000000000000000000000000000-us6");
        let tg = "7341109284:AAHq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7";
        hit(
            &format!("TELEGRAM_BOT_TOKEN={tg}"),
            "telegram_bot_token",
            tg,
        );
        hit(
            &format!("https://api.telegram.org/bot{tg}/sendMessage"),
            "telegram_bot_token",
            tg,
        );
        none("chat 987654321:AA is not a token, nor 12:AAHq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7");
        let r8 = "r8_Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur";
        hit(&format!("token={r8}"), "replicate_api_token", r8);
        none("r8_YOUR_TOKEN_HERE and r8_ prefix");
        let gocspx = "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";
        hit(
            &format!("\"client_secret\": \"{gocspx}\""),
            "google_oauth_client_secret",
            gocspx,
        );
        none("GOCSPX-xxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        let test_key = "sk_test_51Hq8Lm3Rt7Wv2Xy5Nb9Kc4Hd";
        hit(
            &format!("stripe.api_key = '{test_key}'"),
            "stripe_test_key",
            test_key,
        );
        assert_eq!(Patterns::severity("stripe_test_key"), Severity::Low);
        assert_eq!(Patterns::severity("stripe_key"), Severity::High);
        assert_eq!(Patterns::severity("password"), Severity::Medium);
        assert_eq!(Patterns::severity("email"), Severity::Medium);
        assert_eq!(Patterns::severity("fr_nir"), Severity::High);
        none("STRIPE_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx");
        let testpypi = format!(
            "pypi-AgENdGVzdC5weXBpLm9yZw{}",
            "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8Ti4Yo6Zq8Lm3R"
        );
        hit(&format!("password = {testpypi}"), "pypi_token", &testpypi);
    }

    #[test]
    fn discord_tokens() {
        let id = base64::engine::general_purpose::STANDARD_NO_PAD.encode("1161659234968834162");
        let tok = format!("{id}.JACKTF.DayOSAguhfnCixKP09AnqjYFGuMLBqGoTvYzhF");
        hit(&format!("client.run('{tok}')"), "discord_bot_token", &tok);
        hit(&format!("DISCORD_TOKEN={tok}"), "discord_bot_token", &tok);
        hit(
            &format!("Authorization: Bot {tok}"),
            "discord_bot_token",
            &tok,
        );
        // The first part must decode to a user id.
        let word = base64::engine::general_purpose::STANDARD_NO_PAD.encode("hello-world-snowflk");
        none(&format!(
            "{word}.JACKTF.DayOSAguhfnCixKP09AnqjYFGuMLBqGoTvYzhF"
        ));
        none("Discord snowflake 541839973818382231 joined");
    }

    #[test]
    fn curl_netrc_pgpass_and_authorization_headers() {
        hit(
            "curl -u deploy:Tr0ub4dor3x https://x.acme.dev",
            "curl_user_password",
            "Tr0ub4dor3x",
        );
        hit(
            "curl --user 'ci:Vq3.Rk9Lw2' https://x",
            "curl_user_password",
            "Vq3.Rk9Lw2",
        );
        hit(
            "curl --user=ci:Vq3.Rk9Lw2 https://x",
            "curl_user_password",
            "Vq3.Rk9Lw2",
        );
        hit(
            "curl -X POST https://j.acme.dev/build \\\n  --user admin:d^f3xUz7r2D.TU \\\n  -d x=1",
            "curl_user_password",
            "d^f3xUz7r2D.TU",
        );
        none("curl -u admin:admin http://localhost");
        none("curl -u user:password https://httpbin.org");
        none("curl -u \"$USER:$PASS\" https://ci");
        none("docker run -u 1000:1000 node; git push -u origin main");
        none("curl https://x.acme.dev\nmysql -u root:Tr0ub4dor3x");
        hit(
            "curl -H 'Authorization: token 17110e4f7860f84ea6009be9734024e5c9292585' https://api.github.com",
            "authorization_header",
            "17110e4f7860f84ea6009be9734024e5c9292585",
        );
        hit(
            "Authorization: ApiKey Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0==",
            "authorization_header",
            "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0==",
        );
        none("Authorization: token <token>");
        none("Authorization: Digest username=\"x\", realm=\"y\"");
        none("authorization: required for every call");
        // Words joined by dashes name a scheme or a flow, not a credential.
        none("authorization: 'session-cookie-based-flow-v2'");
        hit(
            "machine api.acme.dev login ops password 51dc66f2-c4fb-7ad8-51b0-94c2ee56c294",
            "netrc_password",
            "51dc66f2-c4fb-7ad8-51b0-94c2ee56c294",
        );
        hit(
            "machine git.acme.dev\n  login ci\n  password Zjnf2_rIl32eB\n",
            "netrc_password",
            "Zjnf2_rIl32eB",
        );
        none("machine github.com login ci password ${NETRC_TOKEN}");
        none("The format is machine <host> login <user> password <password>");
        hit(
            "db.internal:5432:billing:svc:K3nXEVpUeJHeK5f",
            "pgpass_password",
            "K3nXEVpUeJHeK5f",
        );
        hit(
            "*:*:*:replicator:83JPZEil8hO#_7s",
            "pgpass_password",
            "83JPZEil8hO#_7s",
        );
        hit(
            "my .pgpass line is pg:6432:db:etl:03pYaEY.6EJx and",
            "pgpass_password",
            "03pYaEY.6EJx",
        );
        none("localhost:5432:*:postgres:*");
        none("hostname:port:database:username:password is the format");
        none("Connect on db.internal:5432 as app.");
    }

    #[test]
    fn kubernetes_secrets() {
        let pw = b64("Vk8#pQ2!mZx");
        let yaml = format!("apiVersion: v1\ndata:\n  password: {pw}\n  username: {}\nkind: Secret\nmetadata:\n  name: db\n", b64("app"));
        let got = scan(&yaml);
        assert_eq!(got, vec![("k8s_secret".to_string(), pw.clone())]);
        let tok = b64("Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa");
        let two = format!("kind: Secret\ndata:\n  token: {tok}\n  api-key: {pw}\n");
        assert_eq!(scan(&two).len(), 2, "{:?}", scan(&two));
        hit(
            "kind: Secret\nstringData:\n  SMTP_PASSWORD: \"0^FB7.oTyFkm\"\n",
            "k8s_secret",
            "0^FB7.oTyFkm",
        );
        let json = format!("{{\"kind\": \"Secret\", \"data\": {{\"token\": \"{tok}\"}}}}");
        hit(&json, "k8s_secret", &tok);
        none("kind: Secret\ndata:\n  password: {{ .Values.db.password | b64enc }}\n");
        none("kind: Secret\nstringData:\n  DB_PASSWORD: ${DB_PASSWORD}\n");
        // Not a Secret: the manifest rule stays out (a `password:` line is
        // still a password assignment).
        let spc = scan(&format!(
            "kind: SecretProviderClass\ndata:\n  token: {pw}\n"
        ));
        assert!(!spc.iter().any(|(k, _)| k == "k8s_secret"), "{spc:?}");
        none(&format!(
            "kind: ConfigMap\ndata:\n  flags: {}\n",
            b64("beta,dark-mode")
        ));
        let cert = b64("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0\n-----END CERTIFICATE-----");
        none(&format!(
            "kind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.crt: {cert}\n"
        ));
    }

    #[test]
    fn env_files() {
        hit(
            "STRIPE_WEBHOOK_KEY=R7dPbR2W1UCz8LBI08oBFGIF26Te\n",
            "env_secret",
            "R7dPbR2W1UCz8LBI08oBFGIF26Te",
        );
        hit(
            "  - POSTGRES_PASS=j2JIQuwIDOvmPYj\n",
            "env_secret",
            "j2JIQuwIDOvmPYj",
        );
        hit(
            "export SIGNING_KEY='LK+c0z+AGcvTOxnbZZGy3qA0'",
            "env_secret",
            "LK+c0z+AGcvTOxnbZZGy3qA0",
        );
        hit("SMTP_AUTH=0wnDQhMgq#RI", "env_secret", "0wnDQhMgq#RI");
        none("SESSION_KEY=${SESSION_KEY}");
        none("CACHE_KEY=user-profile-v2\nSORT_KEY=created_at\nPRIMARY_KEY=id_v2_x9");
        none("STRIPE_PUBLISHABLE_KEY=pk_live_XxCFGvaQfFFxRU5qSAwjcnIm");
        none("NEXT_PUBLIC_SITE_KEY=6LcgDi6CobLHkWlYeS0itOVUDpTU8rdz47tWsVfm");
        none("KMS_KEY=arn:aws:kms:eu-west-1:123456789012:key/abcd-1234");
        none("BASIC_AUTH=false\nTOKEN_TTL=3600");
        none("API_KEY=\"${API_KEY:-}\"");
        // Names under a generic `*_KEY` are not secrets; random values are.
        none("REGION_KEY=eu-west-1b\nEXPORT_KEY=reports_2024_q1\nGPG_KEY=0x4AEE18F83AFDEB23");
        none("DEPLOY_KEY=deploy-key-prod-2024\nLICENSE_KEY=team-edition-2025");
        hit(
            "DEPLOY_KEY=Zq8Lm3Rt7Wv2Xy5Nb9Kc4H",
            "env_secret",
            "Zq8Lm3Rt7Wv2Xy5Nb9Kc4H",
        );
        // A checksum-invalid GitHub token is a fixture, whatever the key.
        let gh =
            super::super::secrets::tests::checksummed("ghp_", "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0");
        let mut bad = gh.clone();
        bad.pop();
        bad.push(if gh.ends_with('a') { 'b' } else { 'a' });
        none(&format!("export GH_TOKEN={bad}"));
        hit(&format!("export GH_TOKEN={gh}"), "github_token", &gh);
    }

    #[test]
    fn cloud_cli_files() {
        let session = format!(
            "IQoJb3JpZ2luX2VjE{}",
            "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8Ti4Yo6/+".repeat(6)
        );
        hit(
            &format!("[default]\naws_session_token = {session}\n"),
            "aws_session_token",
            &session,
        );
        let key = "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8Ti4Yo6Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa7Qe2Ur8==";
        hit(
            &format!("az storage blob upload --account-key {key} -c logs"),
            "azure_storage_key",
            key,
        );
        none("aws_session_token = <paste from the console>");
    }

    #[test]
    fn encoded_secrets_redact_the_encoded_run() {
        let gh =
            super::super::secrets::tests::checksummed("ghp_", "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0");
        let enc = b64(&gh);
        hit(&format!("echo {enc} | base64 -d"), "github_token", &enc);
        let hexed: String = "AKIAZ7VQ3XKD4TLMN2RB"
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect();
        hit(&format!("payload {hexed}!"), "aws_access_key", &hexed);
        let pct: String = gh.bytes().map(|b| format!("%{b:02X}")).collect();
        hit(&format!("GET /cb?t={pct} HTTP/1.1"), "github_token", &pct);
        // Zero-width splits and fullwidth forms: the original span, with
        // the invisible characters inside it.
        let split = "A\u{200b}KIAZ7VQ3\u{200d}XKD4TLMN2RB";
        hit(&format!("key {split} ok"), "aws_access_key", split);
        let wide: String = "AKIAZ7VQ3XKD4TLMN2RB"
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect();
        hit(&format!("clé : {wide}。"), "aws_access_key", &wide);
        // Double encoding: a docker config whose auth is base64 again.
        let cfg = b64(&format!(
            "{{\"auths\":{{\"ghcr.io\":{{\"auth\":\"{}\"}}}}}}",
            b64(&format!("bot:{gh}"))
        ));
        hit(&format!("config: {cfg}"), "github_token", &cfg);
        // Encoded look-alikes stay quiet.
        none(&format!(
            "echo {} | base64 -d",
            b64("Hello from the build server, all checks passed.")
        ));
        none(&format!("{} is the docs key", b64("AKIAIOSFODNN7EXAMPLE")));
        none("hex 54686520717569636b2062726f776e20666f78206a756d7073206f76657220746865206c617a7920646f67");
        none("q=%E3%83%86%E3%82%B9%E3%83%88%20%E8%B3%87%E6%96%99&lang=ja");
        none("ＡＰＩキーは管理画面で発行してください。");
        none("Family emoji 👨\u{200d}👩\u{200d}👧 and a zero\u{200b}width space.");
    }

    #[test]
    fn national_ids_with_check_digits() {
        // Values from the corpus generator (an independent implementation).
        hit("CIF A26859959 (proveedor)", "es_cif", "A26859959");
        none("CIF A26859958");
        none("ref A26859959"); // no context word
        hit("NSS 17/56625835/67", "es_nss", "17/56625835/67");
        none("NSS 17/56625835/68");
        hit(
            "NIR 1 76 03 92 104 972 77",
            "fr_nir",
            "1 76 03 92 104 972 77",
        );
        hit(
            "n° 2 79 01 2A 073 896 12",
            "fr_nir",
            "2 79 01 2A 073 896 12",
        );
        hit("insee=179072B15365068", "fr_nir", "179072B15365068");
        none("NIR 1 76 03 92 104 972 78");
        hit("Steuer-ID: 59473010625", "de_steuer_id", "59473010625");
        hit("IdNr 92 023 516 846", "de_steuer_id", "92 023 516 846");
        none("Steuer-ID 59473010626");
        none("ticket 59473010625"); // no context word
        hit(
            "CF: RNLRNL84D43L757I",
            "it_codice_fiscale",
            "RNLRNL84D43L757I",
        );
        hit(
            "cf=RVZSST78M59BMQTL",
            "it_codice_fiscale",
            "RVZSST78M59BMQTL",
        );
        none("CF RNLRNL84D43L757J");
        hit("BSN: 204974653", "nl_bsn", "204974653");
        hit("burgerservicenummer 2049.74.653", "nl_bsn", "2049.74.653");
        none("BSN 204974654");
        hit("PESEL 51081229176", "pl_pesel", "51081229176");
        none("PESEL 51081229177");
        hit("NIF 134236670", "pt_nif", "134236670");
        none("NIF 134236671");
        hit("NHS number: 427 684 2689", "uk_nhs", "427 684 2689");
        none("NHS number: 427 684 2688");
        hit("ITIN 912-70-1234", "us_itin", "912-70-1234");
        none("ITIN 912-34-1234");
        hit("CPF 465.632.122-20", "br_cpf", "465.632.122-20");
        hit("cpf 46563212220", "br_cpf", "46563212220");
        none("CPF 465.632.122-21");
        none("CPF 111.111.111-11");
        hit("CNPJ 33.079.244/0001-60", "br_cnpj", "33.079.244/0001-60");
        none("CNPJ 33.079.244/0001-61");
        hit("PAN: ABCPD1234E", "in_pan", "ABCPD1234E");
        none("company ABCPD1234E order"); // `pan` inside `company` is no cue
        none("PAN format: AAAAA9999A");
    }

    #[test]
    fn phones_by_country() {
        for (text, want) in [
            ("Llámame al +34 612 84 50 20", "+34 612 84 50 20"),
            ("móvil 612 84 51 39", "612 84 51 39"),
            ("tel. 91 234 55 40", "91 234 55 40"),
            ("Portable : +33 6 71 34 50 11", "+33 6 71 34 50 11"),
            ("Handy: +49 151 23456559", "+49 151 23456559"),
            ("Telefon 089/1234620", "089/1234620"),
            ("Rufen Sie an: (030) 1234769", "(030) 1234769"),
            ("Tel.: +49 (0)89 1234620", "+49 (0)89 1234620"),
            ("Ufficio: +39 06 6982 1738", "+39 06 6982 1738"),
            ("Chiamami al 347 123 4999", "347 123 4999"),
            ("mobiel: 06-12395491", "06-12395491"),
            ("Zadzwoń: +48 512 345 369", "+48 512 345 369"),
            ("tel. 22 123 47 48", "22 123 47 48"),
            ("Telemóvel +351 912 345 375", "+351 912 345 375"),
            ("Celular: (11) 91234-5586", "(11) 91234-5586"),
            ("Telefone fixo (21) 2345-6021", "(21) 2345-6021"),
            ("Delhi 011 2345 6832", "011 2345 6832"),
            ("Sydney (02) 9876 5483", "(02) 9876 5483"),
            ("mob 0412 345 858", "0412 345 858"),
            ("携帯: +81 90-1234-5028", "+81 90-1234-5028"),
            ("電話番号 03-1234-5748", "03-1234-5748"),
            ("CDMX (55) 1234 5116", "(55) 1234 5116"),
            ("dial 0044 20 7946 0050", "0044 20 7946 0050"),
        ] {
            hit(text, "phone_number", want);
        }
        for t in [
            "+44 20 7946 095 is short",
            "+1 212 124 1509", // exchange 124
            "Reference: 01 02 2024, batch 07",
            "Lottery numbers: 04 11 23 35 42 49",
            "Totals: 612 345 678 units",
            "Order 0171 2345678 was split",
            "Part no. 0612-345-678 (rev B)",
            "The Woolworth number 078-05-1120",
        ] {
            none(t);
        }
        // The plain 3-3-3 grouping needs a phone word.
        hit("teléfono 612 345 678", "phone_number", "612 345 678");
    }

    #[test]
    fn bad_checksums_are_quiet_for_every_rule() {
        for t in [
            "card 4539 1488 0343 6468",
            "cc_number=6011 8355 4795 4897",
            "IBAN DE89 3704 0044 0532 0130 01",
            "IBAN GB83 WEST 1234 5698 7654 32",
            "IBAN ES91 2100 0418 4502 0005 1334",
            "Karte: 4389394815233427",
        ] {
            none(t);
        }
    }

    #[test]
    fn documentation_domains_and_role_mailboxes_are_not_flagged() {
        for t in [
            "write to noor.haddad@clinic.test today",
            "cc: k.ito@mail.example,",
            "<t.berg@acme.invalid>",
            "dev@box.localhost",
            "ana.ruiz@example.com and li@sub.example.org, sam@example.net",
            "user@localhost",
            "logo@2x.test.js",
            "info@acme.io, support@acme.io, sales@acme.io, noreply@acme.io",
            "no-reply@acme.io donotreply@acme.io postmaster@acme.io abuse@acme.io",
            "admin@acme.io webmaster@acme.io support+eu@acme.io",
        ] {
            none(t);
        }
        // Look-alikes that are people.
        hit("mail ana@example-corp.io", "email", "ana@example-corp.io");
        hit("infoline: li.info@acme.io", "email", "li.info@acme.io");
    }

    #[test]
    fn ssn_after_a_csv_comma_and_versions_are_not_ips() {
        hit(
            "id,name,ssn\n7,Lena Vogt,521-48-7730\n",
            "us_ssn",
            "521-48-7730",
        );
        hit("Vogt,521-48-7730", "us_ssn", "521-48-7730");
        none("totals 1,521-48-7730");
        none("Requires firmware 7.2.0.14 or newer.");
        none("fixed in version 8.8.4.4 of the agent");
        none("runs 6.1.0.9 or later");
        hit("ping 8.8.4.4 from the office", "ipv4", "8.8.4.4");
        hit(
            "ssh to 81.2.69.160 after the upgrade",
            "ipv4",
            "81.2.69.160",
        );
    }

    #[test]
    fn bearer_and_basic() {
        hit(
            "Authorization: Bearer Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0",
            "bearer_token",
            "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0",
        );
        none("Authorization: Bearer <token>");
        none("Bearer tokens are sent in a header");
        // "deploy:Zq8Lm3Rt7!"
        hit(
            "Authorization: Basic ZGVwbG95OlpxOExtM1J0NyE=",
            "basic_auth",
            "ZGVwbG95OlpxOExtM1J0NyE=",
        );
        none("Basic ZGVwbG95OlpxOExtM1J0NyE= without the header");
    }

    #[test]
    fn emails() {
        hit(
            "mail ana.ruiz+tag@acme.co.uk now",
            "email",
            "ana.ruiz+tag@acme.co.uk",
        );
        hit("<li.wei@gmail.com>", "email", "li.wei@gmail.com");
        hit("ana@uni-heidelberg.de.", "email", "ana@uni-heidelberg.de");
        none("@app.route and @scope/pkg and pkg@1.2.3");
        none("logo@2x.png and main@file.js");
        none("git@github.com:acme/repo.git");
        none("user@localhost");
        none("https://user:pw@host.com/x"); // placeholder password, and not an email
    }

    #[test]
    fn phones() {
        for p in [
            "(415) 555-0132",
            "415-555-0132",
            "415.555.0132",
            "+1 415 555 0132",
            "1-415-555-0132",
            "+1 (415) 555-0132",
            "+44 20 7946 0958",
            "020 7946 0958",
            "07700 900123",
            "+49 30 12345678",
            "030 12345678",
            "01 42 20 63 81",
            "+33 1 42 20 63 81",
            "+91 98213 45670",
            "98213 45670",
            "+4915123456789",
        ] {
            hit(&format!("call {p} today"), "phone_number", p);
        }
        hit("phone 4155550132", "phone_number", "4155550132");
        // Placeholder digits: one run end to end, or five equal digits.
        none("call 01 23 45 67 89 today");
        none("call 98765 43210 today");
        none("call 0800 000 000 today");
        none("id 4155550132");
        none("123-456-7890");
        none("2024-01-15 and 12:30:45");
        none("call 911");
        none("v1.2.3 and 10.0.19041.1");
    }

    #[test]
    fn cards() {
        hit(
            "card 4539 1488 0343 6467 ok",
            "credit_card",
            "4539 1488 0343 6467",
        );
        hit("4539-1488-0343-6467", "credit_card", "4539-1488-0343-6467");
        hit("4539148803436467", "credit_card", "4539148803436467");
        hit("amex 3782 822463 12936", "credit_card", "3782 822463 12936");
        hit("mc 5425233430109903.", "credit_card", "5425233430109903");
        none("4539 1488 0343 6468"); // Luhn
        none("4111 1111 1111 1111"); // test number
        none("4242424242424242");
        none("9539148803436467"); // no issuer
        none("45391488034364671234"); // too long
    }

    #[test]
    fn ibans() {
        hit(
            "IBAN GB82 WEST 1234 5698 7654 32.",
            "iban",
            "GB82 WEST 1234 5698 7654 32",
        );
        hit("DE89370400440532013000", "iban", "DE89370400440532013000");
        hit(
            "FR1420041010050500013M02606",
            "iban",
            "FR1420041010050500013M02606",
        );
        none("GB83WEST12345698765432");
        none("DE8937040044053201300"); // short
    }

    #[test]
    fn national_ids() {
        hit("SSN 536-22-1947", "us_ssn", "536-22-1947");
        hit("ssn: 536221947", "us_ssn", "536221947");
        none("536221947");
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "912-34-5678",
            "536-00-1947",
            "536-22-0000",
            "078-05-1120",
            "123-45-6789",
        ] {
            none(bad);
        }
        hit("SIN 130 692 544", "ca_sin", "130 692 544");
        none("SIN 130 692 545");
        hit("Aadhaar 2341 2341 2346", "in_aadhaar", "2341 2341 2346");
        none("2341 2341 2347");
        hit("NI AB123456C ok", "uk_nino", "AB123456C");
        hit("NI AB 12 34 56 C ok", "uk_nino", "AB 12 34 56 C");
        none("GB123456A BG123456A DA123456A");
        hit("DNI 12345678Z", "es_dni", "12345678Z");
        none("DNI 12345678A");
        hit("NIE X1234567L", "es_nie", "X1234567L");
        none("NIE X1234567A");
    }

    #[test]
    fn ips() {
        hit("from 81.2.69.160 port", "ipv4", "81.2.69.160");
        hit("[2a01:4f8:c17:1::2]:443", "ipv6", "2a01:4f8:c17:1::2");
        none("192.168.1.1 10.0.0.5 127.0.0.1 169.254.1.1 192.0.2.4 100.64.0.1");
        none("2001:db8::1 fe80::1 ::1 fc00::5");
        none("1.2.3.4.5 and 256.1.1.1 and 01.02.03.04x");
        none("std::vector Vec::new() 12:30:45 00:1A:2B:3C:4D:5E");
        let p = Patterns::new(&PatternOptions {
            private_ips: true,
            ..PatternOptions::default()
        })
        .unwrap();
        let got = scan_with(&p, "at 192.168.1.1 and fe80::1 and 2001:db8::1");
        assert_eq!(got.len(), 3, "{got:?}");
    }

    #[test]
    fn not_pii_or_secrets() {
        for t in [
            "550e8400-e29b-41d4-a716-446655440000",
            "12345678-1234-5678-1234-567812345678",
            "commit 3f9a1c7e2b8d4f6a0c5e9b3d7f1a8c2e3f9a1c7e",
            "sha256:3f9a1c7e2b8d4f6a0c5e9b3d7f1a8c2e3f9a1c7e2b8d4f6a0c5e9b3d7f1a8c2e",
            "version 4.11.1, build 20240511.4",
            "2024-01-15T13:45:30+02:00",
            "created_at=1715769600",
            "Order #4829301",
            "$1,299.99",
            "ISBN 978-3-16-148410-0",
        ] {
            none(t);
        }
    }

    #[test]
    fn overlaps_longer_wins_and_specific_breaks_ties() {
        // The aws rule and the generic `secret` assignment find the same
        // value: the specific rule wins the tie.
        let got = scan("aws_secret_access_key=Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0Pa/Qe+Ur8T");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "aws_secret_key");
        // A bearer JWT: same span, jwt is more specific.
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0";
        let got = scan(&format!("Authorization: Bearer {jwt}"));
        assert_eq!(got, vec![("jwt".to_string(), jwt.to_string())]);
        // A connection string's userinfo is not an email.
        let got = scan("postgres://app:Zq8!Lm3Rt7@db.acme.io/app");
        assert_eq!(
            got,
            vec![(
                "connection_string_password".to_string(),
                "Zq8!Lm3Rt7".to_string()
            )]
        );
    }

    #[test]
    fn utf8_around_matches() {
        let text = "Ключ: AKIAZ7VQ3XKD4TLMN2RB — почта: ана@mail.ru, 電話 +44 20 7946 0958 ✓ 🎉bob@corp.io";
        let got = scan(text);
        assert!(got.contains(&("aws_access_key".into(), "AKIAZ7VQ3XKD4TLMN2RB".into())));
        assert!(got.contains(&("phone_number".into(), "+44 20 7946 0958".into())));
        assert!(got.contains(&("email".into(), "bob@corp.io".into())));
    }

    #[test]
    fn hold_from_cases() {
        let p = default_patterns();
        let h = |t: &str| -> String {
            let i = p.hold_from(t);
            assert!(t.is_char_boundary(i));
            t[i..].to_string()
        };
        assert_eq!(h("all done. "), "");
        assert_eq!(h("here is AKIAZ7VQ"), "AKIAZ7VQ");
        assert_eq!(h("use ghp_Zq8L"), "ghp_Zq8L");
        assert_eq!(h("config password="), "password=");
        assert_eq!(h("config password: \"Zq8"), "password: \"Zq8");
        assert_eq!(h("Authorization: Bearer "), "Authorization: Bearer ");
        assert_eq!(h("my password is "), "password is ");
        assert_eq!(h("call +44 20 79"), "+44 20 79");
        assert_eq!(h("call (415) 555-"), "(415) 555-");
        assert_eq!(h("db postgres://app:Zq8"), "postgres://app:Zq8");
        assert_eq!(h("mail ana@acm"), "ana@acm");
        let open = "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nMIIE";
        assert_eq!(h(open), open[2..]);
        let closed = format!("{open}\n-----END RSA PRIVATE KEY-----\nok ");
        assert_eq!(h(&closed), "");
        assert_eq!(h("über ключ"), "");
        assert_eq!(h("ключ abc"), "abc");
        assert_eq!(h("日本語"), "");
    }

    /// The streaming contract: whatever `hold_from` lets go of, at any split
    /// point, scans to matches that the whole text also has (nothing is
    /// released half-seen), and it is always a char boundary.
    #[test]
    fn hold_from_never_releases_part_of_a_match() {
        let p = default_patterns();
        let gh =
            super::super::secrets::tests::checksummed("ghp_", "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0");
        let texts = [
            format!("Ключ {gh} и AKIAZ7VQ3XKD4TLMN2RB, ок."),
            "トークンは ｇｈｐ＿ｔＰＡｎ５ｎＬ６ｂｐｎＤＭｈａｆｙｐＺＬｕｍ９ｖＨｖｂＴ５Ｚ３ＪＥ８Ｘ０ です。 \
             and g\u{200b}sk_\u{200d}4UMH5yVP64SobvXlkWGlQE0nE6EG4HwoIWUzSjOqzwzU5frtx4a3 ok"
                .to_string(),
            format!("echo {} | base64 -d; done", base64::engine::general_purpose::STANDARD.encode(&gh)),
            "config:\n  password: \"K7#mQ2vL9x\"\n  DB=postgres://app:Zq8!Lm3Rt7@db:5432/x ✓"
                .to_string(),
            "call +44 20 7946 0958 or (415) 555-0132; card 4539 1488 0343 6467, mail ana@acme.io."
                .to_string(),
            "Authorization: Bearer Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0 end".to_string(),
        ];
        for text in &texts {
            let mut full = Vec::new();
            p.scan(text, &mut full);
            assert!(!full.is_empty());
            for k in (0..=text.len()).filter(|&k| text.is_char_boundary(k)) {
                let prefix = &text[..k];
                let h = p.hold_from(prefix);
                assert!(h <= k && prefix.is_char_boundary(h));
                let mut part = Vec::new();
                p.scan(&text[..h], &mut part);
                for m in &part {
                    assert!(
                        full.contains(m),
                        "split at {k}, released {:?}: {m:?} not in the full scan",
                        &text[..h]
                    );
                }
                // Every full match that ends before the release point is
                // seen whole in the released text.
                for m in full.iter().filter(|m| m.end < h) {
                    assert!(part.contains(m), "split at {k}: lost {m:?}");
                }
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics() {
        let p = default_patterns();
        let alphabet: Vec<char> =
            "aZ09_-.:/@+=%()[]{}\"' \n\t#$é字🎉-----BEGIN PRIVATE KEY eyJ sk- ghp_ password= ://"
                .chars()
                .collect();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..300 {
            let mut s = String::new();
            for _ in 0..200 {
                crate::inspect::tests::xorshift(&mut seed);
                s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let mut out = Vec::new();
            p.scan(&s, &mut out);
            let h = p.hold_from(&s);
            assert!(s.is_char_boundary(h));
        }
    }

    #[test]
    fn custom_rules_and_errors() {
        let rule = |id: &str, pattern: &str, anchors: &[&str]| CustomRule {
            id: id.into(),
            family: Family::Secrets,
            pattern: pattern.into(),
            anchors: anchors.iter().map(|s| s.to_string()).collect(),
            case_insensitive: false,
        };
        let p = Patterns::new(&PatternOptions {
            custom: vec![rule("acme_key", r"ACME-[0-9A-F]{16}", &["ACME-"])],
            ..PatternOptions::default()
        })
        .unwrap();
        assert_eq!(
            scan_with(&p, "k=ACME-0123456789ABCDEF."),
            vec![("acme_key".into(), "ACME-0123456789ABCDEF".into())]
        );
        assert!(scan_with(&p, "k=acme-0123456789ABCDEF.").is_empty());
        assert!(p
            .kinds()
            .iter()
            .any(|(k, f)| &**k == "acme_key" && *f == Family::Secrets));

        let err = |o: PatternOptions| Patterns::new(&o).unwrap_err();
        let e = err(PatternOptions {
            custom: vec![rule("Bad-Id", "x", &["x"])],
            ..Default::default()
        });
        assert_eq!(e.rule, "Bad-Id");
        let e = err(PatternOptions {
            custom: vec![rule("no_anchor", "x", &[])],
            ..Default::default()
        });
        assert_eq!(e.rule, "no_anchor");
        let e = err(PatternOptions {
            custom: vec![rule("bad_re", "(", &["x"])],
            ..Default::default()
        });
        assert_eq!(e.rule, "bad_re");
        let e = err(PatternOptions {
            custom: vec![rule("dup", "x", &["x"]), rule("dup", "y", &["y"])],
            ..Default::default()
        });
        assert_eq!(e.rule, "dup");
        let e = err(PatternOptions {
            custom: vec![rule("email", "x", &["x"])],
            ..Default::default()
        });
        assert_eq!(e.rule, "email");
        let e = err(PatternOptions {
            disabled: vec!["nope".into()],
            ..Default::default()
        });
        assert_eq!(e.rule, "nope");
        // A disabled built-in can be replaced by a custom rule of that id.
        let p = Patterns::new(&PatternOptions {
            disabled: vec!["email".into()],
            custom: vec![CustomRule {
                family: Family::Pii,
                ..rule("email", r"[a-z]+@corp\.io", &["@corp.io"])
            }],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            scan_with(&p, "bob@corp.io ann@gmail.com"),
            vec![("email".into(), "bob@corp.io".into())]
        );
        // Case-insensitive anchors.
        let mut r = rule("ci", r"(?i)tok-[0-9]{6}", &["TOK-"]);
        r.case_insensitive = true;
        let p = Patterns::new(&PatternOptions {
            custom: vec![r],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(scan_with(&p, "tok-123456").len(), 1);
    }

    #[test]
    fn disabled_and_families() {
        let p = Patterns::new(&PatternOptions {
            disabled: vec!["email".into(), "credit_card".into()],
            ..Default::default()
        })
        .unwrap();
        assert!(scan_with(&p, "bob@corp.io 4539148803436467").is_empty());
        assert!(!p.kinds().iter().any(|(k, _)| &**k == "email"));
        let p = Patterns::new(&PatternOptions {
            secrets: false,
            ..Default::default()
        })
        .unwrap();
        assert!(scan_with(&p, "AKIAZ7VQ3XKD4TLMN2RB").is_empty());
        assert!(p.kinds().iter().all(|(_, f)| *f == Family::Pii));
        let p = Patterns::new(&PatternOptions {
            secrets: false,
            pii: false,
            ..Default::default()
        })
        .unwrap();
        assert!(scan_with(&p, "AKIAZ7VQ3XKD4TLMN2RB bob@corp.io").is_empty());
        let all = Patterns::builtin_kinds();
        assert!(all.len() >= 45, "{}", all.len());
        let built = default_patterns().kinds();
        assert_eq!(built.len(), all.len());
    }

    fn benign_64k() -> String {
        let para = "The quarterly report covers revenue, churn and hiring. Version 4.11.2 \
            shipped on 2024-05-15 with build 20240515.3; see commit 3f9a1c7e2b8d4f6a0c5e9b3d7f1a8c2e \
            and request 550e8400-e29b-41d4-a716-446655440000. The token limit is 128000 tokens \
            and max_tokens=4096. Passwords must be rotated every 90 days; never share your \
            password or secret key. Use std::vector and Vec::new(); decorators like @property \
            work. Prices: $1,299.99 and 3.14159. Server 10.0.0.5:8080 is internal. Таблица \
            данных обновлена ✓. Call the help desk during office hours. Order #4829301, \
            ticket JIRA-4521, room 2.114, port range 30000-32767.\n";
        let mut s = String::new();
        while s.len() < 64 * 1024 {
            s.push_str(para);
        }
        s
    }

    #[test]
    fn benign_64k_has_no_matches() {
        let text = benign_64k();
        let got = scan(&text);
        assert!(got.is_empty(), "{:?}", &got[..got.len().min(5)]);
        assert_eq!(default_patterns().hold_from(&text), text.len());
    }

    #[test]
    #[allow(clippy::disallowed_methods)]
    fn build_cost_and_scan_speed() {
        let t0 = std::time::Instant::now();
        let p = Patterns::new(&PatternOptions::default()).unwrap();
        let build = t0.elapsed();
        let text = benign_64k();
        let t1 = std::time::Instant::now();
        let mut out = Vec::new();
        for _ in 0..10 {
            out.clear();
            p.scan(&text, &mut out);
        }
        let per = t1.elapsed() / 10;
        println!(
            "patterns: build {build:?}, automaton {} bytes ({}), {} kinds; scan 64 KiB benign {per:?}",
            p.automaton_memory(),
            if p.automaton_is_dfa() { "DFA" } else { "NFA" },
            p.kinds().len()
        );
        for (name, opts) in [
            (
                "secrets only",
                PatternOptions {
                    pii: false,
                    ..Default::default()
                },
            ),
            (
                "pii only",
                PatternOptions {
                    secrets: false,
                    ..Default::default()
                },
            ),
        ] {
            let q = Patterns::new(&opts).unwrap();
            let t = std::time::Instant::now();
            for _ in 0..10 {
                out.clear();
                q.scan(&text, &mut out);
            }
            println!(
                "patterns: {name}: scan 64 KiB benign {:?}",
                t.elapsed() / 10
            );
        }
        assert!(p.automaton_memory() <= DFA_MEMORY_LIMIT * 2);
    }

    #[derive(serde::Deserialize)]
    struct Record {
        text: String,
        label: String,
        kind: String,
    }

    /// (recall, false-positive rate, misses) over a corpus for one family.
    fn evaluate(jsonl: &str, family: Family) -> (f64, f64, Vec<String>) {
        let (mut pos, mut tp, mut neg, mut fp) = (0, 0, 0, 0);
        let mut misses = Vec::new();
        for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
            let r: Record = serde_json::from_str(line).unwrap();
            let mut out = Vec::new();
            default_patterns().scan(&r.text, &mut out);
            let flagged = out.iter().any(|m| m.family == family);
            if r.label == "none" {
                neg += 1;
                if flagged {
                    fp += 1;
                    misses.push(format!(
                        "FP {}: {:?} -> {:?}",
                        r.kind,
                        r.text,
                        out.iter()
                            .map(|m| (&*m.kind, &r.text[m.range()]))
                            .collect::<Vec<_>>()
                    ));
                }
            } else {
                pos += 1;
                if flagged {
                    tp += 1;
                } else {
                    misses.push(format!("FN {}: {:?}", r.kind, r.text));
                }
            }
        }
        (
            f64::from(tp) / f64::from(pos),
            f64::from(fp) / f64::from(neg),
            misses,
        )
    }

    /// Per positive record, whether the rule its `kind` names is among
    /// the matches (kinds that name no rule are skipped).
    fn kind_misses(jsonl: &str) -> Vec<String> {
        let ids: Vec<&str> = Patterns::builtin_kinds().iter().map(|(k, _)| *k).collect();
        let mut misses = Vec::new();
        for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
            let r: Record = serde_json::from_str(line).unwrap();
            if r.label == "none" || !ids.contains(&r.kind.as_str()) {
                continue;
            }
            let mut out = Vec::new();
            default_patterns().scan(&r.text, &mut out);
            if !out.iter().any(|m| *m.kind == *r.kind) {
                misses.push(format!(
                    "{}: {:?} -> {:?}",
                    r.kind,
                    r.text,
                    out.iter().map(|m| &*m.kind).collect::<Vec<_>>()
                ));
            }
        }
        misses
    }

    /// The rule each positive names is the one that fires (not only some
    /// rule of its family), and hard negatives are quiet for every family:
    /// a bad-Luhn card or a bad IBAN must not come back as a phone number,
    /// an Aadhaar or a generic secret.
    #[test]
    fn corpus_kinds_and_cross_family_negatives() {
        let secrets = include_str!("../../../../corpus/secrets.jsonl");
        let pii = include_str!("../../../../corpus/pii.jsonl");
        let mut misses = kind_misses(secrets);
        misses.extend(kind_misses(pii));
        for line in pii.lines().filter(|l| !l.trim().is_empty()) {
            let r: Record = serde_json::from_str(line).unwrap();
            let mut out = Vec::new();
            default_patterns().scan(&r.text, &mut out);
            if r.label == "none" && !out.is_empty() {
                misses.push(format!("pii negative {:?} flagged: {out:?}", r.text));
            }
        }
        for line in secrets.lines().filter(|l| !l.trim().is_empty()) {
            let r: Record = serde_json::from_str(line).unwrap();
            let mut out = Vec::new();
            default_patterns().scan(&r.text, &mut out);
            if r.label == "none" && out.iter().any(|m| m.family == Family::Secrets) {
                misses.push(format!("secrets negative {:?} flagged: {out:?}", r.text));
            }
        }
        assert!(misses.is_empty(), "{}", misses.join("\n"));
    }

    #[test]
    fn corpus_secrets() {
        let (recall, fpr, misses) = evaluate(
            include_str!("../../../../corpus/secrets.jsonl"),
            Family::Secrets,
        );
        println!(
            "secrets corpus: recall {recall:.3}, FPR {fpr:.3}\n{}",
            misses.join("\n")
        );
        assert!(
            recall >= 0.97 && fpr <= 0.02,
            "recall {recall}, fpr {fpr}\n{}",
            misses.join("\n")
        );
    }

    #[test]
    fn corpus_pii() {
        let (recall, fpr, misses) =
            evaluate(include_str!("../../../../corpus/pii.jsonl"), Family::Pii);
        println!(
            "pii corpus: recall {recall:.3}, FPR {fpr:.3}\n{}",
            misses.join("\n")
        );
        assert!(
            recall >= 0.97 && fpr <= 0.02,
            "recall {recall}, fpr {fpr}\n{}",
            misses.join("\n")
        );
    }
}
