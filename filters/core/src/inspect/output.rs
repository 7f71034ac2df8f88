//! Output checks on completions: markdown images and links to domains
//! outside an allowlist, HTML/script, system-prompt leaks (canary token and
//! long verbatim overlaps with the request's system prompt).
//!
//! CONTRACT (stub; filled in by the output work).

use super::Match;

/// What to check.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct OutputOptions {
    /// Domains links and images may point to: `example.com` (that host and
    /// its subdomains).
    pub link_allowlist: Vec<String>,
    /// Check markdown links too, not only images.
    pub links: bool,
    /// Flag HTML/script in completions.
    pub html: bool,
    /// A canary token the filter inserts into the system prompt; seeing it in
    /// a completion is a leak.
    pub canary: Option<String>,
    /// Flag a verbatim overlap of at least this many characters between the
    /// request's system prompt and the completion; 0 turns it off.
    pub overlap_min_chars: usize,
}

/// The request's system prompt, indexed for overlap checks.
#[derive(Debug, Default)]
pub struct SystemPrompt {}

impl SystemPrompt {
    /// Index `text` for overlaps of at least `min_chars` characters.
    pub fn new(text: &str, min_chars: usize) -> Self {
        let _ = (text, min_chars);
        Self {}
    }
}

/// The built checker.
#[derive(Debug)]
pub struct OutputChecker {}

/// An option that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct OutputError {
    /// The option.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl OutputChecker {
    /// Build from options.
    pub fn new(options: &OutputOptions) -> Result<Self, OutputError> {
        let _ = options;
        Ok(Self {})
    }

    /// Append every finding in `text` (family `output`) to `out`.
    pub fn scan(&self, text: &str, system: Option<&SystemPrompt>, out: &mut Vec<Match>) {
        let _ = (text, system, out);
    }

    /// For streams, as [`super::patterns::Patterns::hold_from`].
    pub fn hold_from(&self, text: &str) -> usize {
        text.len()
    }
}
