//! Prompt-injection and jailbreak scoring: weighted signals across attack
//! families over normalised text, rules as data (a built-in set, extensible
//! and overridable from config).
//!
//! CONTRACT (stub; filled in by the injection work).

use std::sync::Arc;

use serde::Deserialize;

/// A rule from configuration; a rule with a built-in id replaces it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InjectionRule {
    /// Rule id (`[a-z0-9_]+`).
    pub id: String,
    /// The attack family it signals, e.g. `instruction_override`.
    pub category: String,
    /// Its weight in the score.
    pub weight: f32,
    /// Phrases, matched on normalised text.
    pub phrases: Vec<String>,
}

/// What to build.
#[derive(Clone, Debug, PartialEq)]
pub struct InjectionOptions {
    /// Score at or above which a text is flagged.
    pub threshold: f32,
    /// Start from the built-in rules.
    pub builtin: bool,
    /// Built-in rule ids to leave out.
    pub disabled: Vec<String>,
    /// Extra or replacing rules.
    pub rules: Vec<InjectionRule>,
}

impl Default for InjectionOptions {
    fn default() -> Self {
        Self {
            threshold: 1.0,
            builtin: true,
            disabled: Vec::new(),
            rules: Vec::new(),
        }
    }
}

/// A rule that cannot be built, naming it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{rule}: {message}")]
pub struct InjectionError {
    /// The rule id.
    pub rule: String,
    /// What is wrong.
    pub message: String,
}

/// One signal that fired.
#[derive(Clone, Debug, PartialEq)]
pub struct Signal {
    /// The rule id.
    pub rule: Arc<str>,
    /// Its attack family.
    pub category: Arc<str>,
    /// Its weight.
    pub weight: f32,
}

/// The score of one text and the signals behind it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Score {
    /// The combined score.
    pub score: f32,
    /// Every signal that fired.
    pub signals: Vec<Signal>,
}

/// The built detector.
#[derive(Debug)]
pub struct Injection {
    threshold: f32,
}

impl Injection {
    /// Build the rules `options` asks for.
    pub fn new(options: &InjectionOptions) -> Result<Self, InjectionError> {
        Ok(Self {
            threshold: options.threshold,
        })
    }

    /// Score `text`.
    pub fn score(&self, text: &str) -> Score {
        let _ = text;
        Score::default()
    }

    /// Whether `score` is at or above the threshold.
    pub fn flagged(&self, score: &Score) -> bool {
        score.score >= self.threshold && !score.signals.is_empty()
    }
}
