//! The literal-anchor pattern engine behind [`super::secrets`] and
//! [`super::pii`]: one Aho-Corasick pass over the text finds candidate
//! anchors; small regex-lite regexes and validators run only in windows
//! around them. Built once per VM in `on_configure`.
//!
//! CONTRACT (stub; filled in by the patterns/secrets/pii work).

use std::sync::Arc;

use serde::Deserialize;

use super::{Family, Match};

/// A rule added from configuration.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomRule {
    /// Rule id: the redaction label and metric name (`[a-z0-9_]+`).
    pub id: String,
    /// `secrets` or `pii`.
    pub family: Family,
    /// A regex-lite pattern for the whole match.
    pub pattern: String,
    /// Literal anchors, at least one: the regex runs only near them.
    pub anchors: Vec<String>,
    /// Case-insensitive anchors. Default: `false`.
    #[serde(default)]
    pub case_insensitive: bool,
}

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

/// The built automaton and rules.
#[derive(Debug)]
pub struct Patterns {
    kinds: Vec<(Arc<str>, Family)>,
}

impl Patterns {
    /// Build the rules `options` asks for.
    pub fn new(options: &PatternOptions) -> Result<Self, PatternError> {
        let _ = options;
        Ok(Self { kinds: Vec::new() })
    }

    /// The ids and families of every built-in rule.
    pub fn builtin_kinds() -> Vec<(&'static str, Family)> {
        Vec::new()
    }

    /// The ids and families of the rules this set was built with.
    pub fn kinds(&self) -> &[(Arc<str>, Family)] {
        &self.kinds
    }

    /// Append every match in `text` to `out`, sorted by start, overlapping
    /// matches resolved (the longer one wins).
    pub fn scan(&self, text: &str, out: &mut Vec<Match>) {
        let _ = (text, out);
    }

    /// For streams: the earliest byte offset of `text` from which bytes must
    /// be held back because a match could start there and is not complete yet
    /// (a trailing token, an anchor like `password=` whose value has not
    /// arrived, an open `-----BEGIN ... PRIVATE KEY-----` block).
    /// `text.len()` when nothing needs holding. Always a char boundary.
    pub fn hold_from(&self, text: &str) -> usize {
        text.len()
    }
}
