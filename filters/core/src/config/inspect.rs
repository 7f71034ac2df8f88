use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::{validate_header_name, ConfigError, RoutesConfig, Validate, DEFAULT_CONSUMER_HEADER};
use crate::request::Role;

/// Configuration of the `inspect` filter: what goes in and what comes out.
///
/// Every field has a default; `{}` turns on the built-in policy: prompt
/// injection blocked in requests, secrets redacted both ways, PII audited,
/// malicious output (exfiltration images, script, canary leaks) blocked in
/// responses.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct InspectConfig {
    /// The largest body `inspect` reads, in bytes (after decompression for
    /// compressed requests); a larger request is refused with 413, a larger
    /// non-streamed response is replaced by an error, never passed
    /// uninspected. Between 1 KiB and 64 MiB
    /// ([`InspectConfig::MAX_BODY_BYTES_RANGE`]). Default: 1 MiB (1048576).
    pub max_body_bytes: u32,
    /// Shadow mode: detect and record (metrics, logs, metadata) but never
    /// block or redact, to try a policy out on live traffic. Default:
    /// `false`.
    pub shadow: bool,
    /// What to do with a body that cannot be read as the API its path
    /// declares (not JSON, not UTF-8, wrong shape): `block` (400) or
    /// `allow`. Default: `block`: nothing passes unread.
    pub on_unparsable: Disposition,
    /// What to do with media in a request the detectors cannot read
    /// (images, audio, video): `allow` or `block`. Default: `allow`.
    pub on_opaque: Disposition,
    /// What to do with text the model reads in a form the detectors cannot
    /// read: token-id prompts, binary documents (PDF, office files), files
    /// the provider fetches by URL, undecodable text files, realtime
    /// (WebSocket) sessions and multipart upload parts: `allow` or `block`
    /// (refused with 400; a realtime session with 403). Default: `block`:
    /// nothing the model reads passes unread unless allowed on purpose.
    pub on_opaque_text: Disposition,
    /// Request bodies with `content-encoding: gzip`/`deflate`: `decompress`
    /// (bounded by `max_body_bytes`; the upstream still gets them
    /// uncompressed) or `reject` (415). Other codings are always 415.
    /// Default: `decompress`.
    pub compressed_requests: Compressed,
    /// Ask the upstream for uncompressed responses (`accept-encoding:
    /// identity`) so they can be inspected without inflating them; a response
    /// that arrives compressed anyway is decompressed. Default: `true`.
    pub identity_responses: bool,
    /// Envoy honours `StopIteration` from header callbacks: set when the
    /// plugin runs with `allow_on_headers_stop_iteration: true` (Envoy's
    /// `PluginConfig`). Then `inspect` holds headers until it has decided on
    /// the body: a blocked request never reaches the upstream at all, and a
    /// blocked non-streamed response gets a real error status. Without it,
    /// request headers go upstream before the body is decided (the upstream
    /// request is reset on a block), and a blocked non-streamed response
    /// keeps the upstream's status with its body replaced by the error
    /// object. Default: `false` (what Istio's `WasmPlugin` gives).
    pub hold_headers: bool,
    /// Status of a blocked request: 400 (OpenAI SDKs raise `BadRequestError`)
    /// or 403 (`PermissionDeniedError`). Default: 400.
    pub block_status: u16,
    /// The message of a block. By default it does not say what matched (that
    /// would tell an attacker which rule to evade); the request id in the
    /// reply finds the audit record. Default: `"request blocked by content
    /// policy"`.
    pub block_message: String,
    /// The request header carrying the consumer `auth` authenticated, for
    /// audit records. Default: `x-tollgate-consumer`.
    pub consumer_header: String,
    /// Prompt injection and jailbreaks.
    pub injection: InjectionPolicy,
    /// Credentials, private keys, tokens, passwords.
    pub secrets: PatternPolicy,
    /// Personal data.
    pub pii: PiiPolicy,
    /// Extra secrets / PII rules: a regex with literal anchors.
    pub custom_patterns: Vec<CustomRule>,
    /// Checks on completions: exfiltration links, HTML, system-prompt leaks.
    pub output: OutputPolicy,
    /// Per-route and per-role exceptions to the family actions, first match
    /// wins.
    pub overrides: Vec<Override>,
    /// An external classifier called for every inspected request.
    pub guard: Option<GuardConfig>,
    /// Streamed responses.
    pub stream: StreamConfig,
    /// Requests on routes the catalogue does not know: refused (403)
    /// unless allowed here (then read generically). Default: refused.
    pub routes: RoutesConfig,
    /// One log line per decision that found something, with the consumer,
    /// the rule ids and hashed fingerprints of what matched (never the text).
    /// Default: `true`.
    pub audit_log: bool,
    /// Memory per VM, in KiB, for what the detectors found in request texts
    /// already seen, so the history a chat client resends on every turn is
    /// not scanned again (the same verdicts). Kept per consumer (the
    /// `consumer_header`), so one client cannot time whether another sent a
    /// text; requests without a consumer are not memoised. The header is
    /// only trustworthy behind `auth`. See `tollgate_core::inspect::memo`.
    /// `0` turns it off. At most 65536 ([`InspectConfig::MEMO_KIB_MAX`]).
    /// Default: 2048.
    pub memo_kib: u32,
}

/// Allow or block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// Let it through.
    Allow,
    /// Refuse it.
    Block,
}

/// What to do with a compressed request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Compressed {
    /// Inflate it (bounded) and send it on uncompressed.
    Decompress,
    /// Refuse it with 415.
    Reject,
}

/// What happens when a detector finds something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Do not run the detector.
    Off,
    /// Pass, but record (metrics, metadata, audit log).
    Audit,
    /// Replace what matched with `[REDACTED:<rule>]`.
    Redact,
    /// Refuse the request / end the response with an error.
    Block,
}

impl Action {
    /// The name used in config, metrics and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Off => "off",
            Action::Audit => "audit",
            Action::Redact => "redact",
            Action::Block => "block",
        }
    }
}

/// How readily the learned injection scorer flags: an operating point
/// chosen on held-out benign text (see
/// `filters/core/src/inspect/injection/model.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Fewest false positives: 0.5% of held-out benign training texts.
    Low,
    /// 1% of held-out benign training texts.
    #[default]
    Default,
    /// Most recall: 3% of held-out benign training texts.
    High,
}

/// Prompt-injection policy.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct InjectionPolicy {
    /// On prompts. Default: `block`.
    pub request: Action,
    /// On completions. Default: `off`: injection is an attack on a model,
    /// and it arrives in prompts and tool results (checked on requests,
    /// including earlier assistant turns sent back); completions are guarded
    /// by the output checks. Turn it on to record (or stop) a model that
    /// repeats injected instructions onward; on a stream it scores every
    /// released window, which costs more than the other detectors.
    pub response: Action,
    /// Score at or above which a text is flagged. Default: 1.0.
    pub threshold: f32,
    /// Thresholds of their own for some roles. Default: `{"system": 3.0}`:
    /// system and developer messages and tool definitions legitimately
    /// hold imperatives ("never reveal…", "you are…"); on the 1,192 benign
    /// system prompts of the training corpus 12.1% score 1.0 or more and
    /// 0.2% score 3.0 or more, while a pasted jailbreak still scores far
    /// above it (RAG context pasted into a system prompt is where indirect
    /// injection arrives there). Entries given replace the default's entry
    /// for their role only.
    pub role_thresholds: BTreeMap<Role, f32>,
    /// Score with the built-in learned model beside the rules (a text is
    /// flagged if either flags it). Default: `true`. The only switch for
    /// it: `threshold` and `builtin: false` concern the rules.
    pub learned: bool,
    /// The learned model's operating point. Default: `default`.
    pub sensitivity: Sensitivity,
    /// Operating points of their own for some roles. Default:
    /// `{"system": "low"}` (system prompts are imperatives to the model);
    /// entries given replace the default's entry for their role only.
    pub role_sensitivity: BTreeMap<Role, Sensitivity>,
    /// Whose text is checked. Default: every role (system text with its
    /// own threshold, see `role_thresholds`).
    pub roles: Vec<Role>,
    /// Start from the built-in rules. Default: `true`.
    pub builtin: bool,
    /// Built-in rule ids to leave out.
    pub disabled: Vec<String>,
    /// Extra rules; one with a built-in id replaces it.
    pub rules: Vec<InjectionRule>,
}

/// The least severe findings a secrets or PII policy acts on; see each
/// rule's severity in `filters/core/src/inspect/secrets.rs` and `pii.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MinSeverity {
    /// Every rule (test-mode keys too). The default.
    #[default]
    Low,
    /// Generic assignments, passwords, contact data and up.
    Medium,
    /// Only verified vendor tokens, private keys, cloud credentials,
    /// national identifiers and payment data: the fewest false positives.
    High,
}

/// Secrets policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PatternPolicy {
    /// On prompts. Default: `redact`.
    pub request: Action,
    /// On completions. Default: `redact`.
    pub response: Action,
    /// Built-in rule ids to leave out.
    pub disabled: Vec<String>,
    /// The sensitivity: the least severe findings acted on. Default: `low`
    /// (all of them).
    pub min_severity: MinSeverity,
}

/// PII policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PiiPolicy {
    /// On prompts. Default: `audit`.
    pub request: Action,
    /// On completions. Default: `audit`.
    pub response: Action,
    /// Built-in rule ids to leave out.
    pub disabled: Vec<String>,
    /// The sensitivity: the least severe findings acted on. Default: `low`
    /// (all of them).
    pub min_severity: MinSeverity,
    /// Report private, loopback and link-local IP addresses too. Default:
    /// `false` (only public addresses are personal data worth flagging).
    pub private_ips: bool,
}

/// Output checks (responses only).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct OutputPolicy {
    /// On completions. Default: `block`.
    pub response: Action,
    /// Domains markdown images and links may point to (`example.com` covers
    /// its subdomains). Default: none.
    pub link_allowlist: Vec<String>,
    /// Check markdown links, not only images. Default: `false`.
    pub links: bool,
    /// Flag HTML/script in completions. Default: `true`.
    pub html: bool,
    /// A canary token to insert into every request's system prompt; seeing it
    /// in a completion is a system-prompt leak. 8 to 128 characters.
    /// Default: none.
    pub canary: Option<String>,
    /// Flag a verbatim overlap of at least this many characters between the
    /// request's system prompt and the completion; 0 turns it off. Default:
    /// 0.
    pub overlap_min_chars: u32,
}

/// An exception to the family actions for some routes and roles.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Path prefixes it applies to (`/v1/embeddings`; a trailing `*` is
    /// allowed and means the same). Empty: every path.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Roles it applies to. Empty: every role.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// The detector family.
    pub family: Family,
    /// The direction. Absent: both.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// What to do instead.
    pub action: Action,
}

/// Failure mode of a call out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FailMode {
    /// The request passes (the in-proxy detectors have still run).
    Open,
    /// The request is refused with 503.
    Closed,
}

/// The optional external guard: a classifier service `inspect` calls with
/// the prompt's segments (see the filter's docs for the JSON contract).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GuardConfig {
    /// The Envoy cluster of the service.
    pub cluster: String,
    /// The request path. Default: `/v1/guard`.
    #[serde(default = "GuardConfig::default_path")]
    pub path: String,
    /// The `:authority`. Default: the cluster name.
    #[serde(default)]
    pub authority: Option<String>,
    /// Timeout, 1..=10000 ms. Default: 500.
    #[serde(default = "GuardConfig::default_timeout_ms")]
    pub timeout_ms: u32,
    /// What a timeout or an unusable answer does. Default: `closed`.
    #[serde(default = "GuardConfig::default_fail")]
    pub fail: FailMode,
}

impl GuardConfig {
    fn default_path() -> String {
        "/v1/guard".to_owned()
    }
    fn default_timeout_ms() -> u32 {
        500
    }
    fn default_fail() -> FailMode {
        FailMode::Closed
    }
}

/// Streamed responses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct StreamConfig {
    /// The most text held back per choice / content block while a possible
    /// match completes, 64..=65536 bytes. Larger catches longer secrets split
    /// across chunks (a PEM key is ~1.7-3.3 KB); smaller forwards tokens
    /// sooner. Default: 4096.
    pub max_hold_bytes: u32,
}

impl Default for StreamConfig {
    fn default() -> Self {
        Self {
            max_hold_bytes: 4096,
        }
    }
}

impl Default for InjectionPolicy {
    fn default() -> Self {
        Self {
            request: Action::Block,
            response: Action::Off,
            threshold: 1.0,
            role_thresholds: BTreeMap::from([(Role::System, 3.0)]),
            learned: true,
            sensitivity: Sensitivity::Default,
            role_sensitivity: BTreeMap::from([(Role::System, Sensitivity::Low)]),
            roles: Role::ALL.to_vec(),
            builtin: true,
            disabled: Vec::new(),
            rules: Vec::new(),
        }
    }
}

impl Default for PatternPolicy {
    fn default() -> Self {
        Self {
            request: Action::Redact,
            response: Action::Redact,
            disabled: Vec::new(),
            min_severity: MinSeverity::Low,
        }
    }
}

impl Default for PiiPolicy {
    fn default() -> Self {
        Self {
            request: Action::Audit,
            response: Action::Audit,
            disabled: Vec::new(),
            min_severity: MinSeverity::Low,
            private_ips: false,
        }
    }
}

impl Default for OutputPolicy {
    fn default() -> Self {
        Self {
            response: Action::Block,
            link_allowlist: Vec::new(),
            links: false,
            html: true,
            canary: None,
            overlap_min_chars: 0,
        }
    }
}

impl InspectConfig {
    /// The values `max_body_bytes` may take: 1 KiB ..= 64 MiB. Bodies are
    /// buffered in the VM, once per worker, so the bound is also a memory
    /// bound.
    pub const MAX_BODY_BYTES_RANGE: RangeInclusive<u32> = 1024..=64 * 1024 * 1024;
    /// The default `max_body_bytes`: 1 MiB.
    pub const DEFAULT_MAX_BODY_BYTES: u32 = 1024 * 1024;
    /// The largest `memo_kib`: 64 MiB.
    pub const MEMO_KIB_MAX: u32 = 64 * 1024;
    /// The default `memo_kib`: 2 MiB.
    pub const DEFAULT_MEMO_KIB: u32 = 2048;
    /// The default `block_message`.
    pub const DEFAULT_BLOCK_MESSAGE: &'static str = "request blocked by content policy";
}

impl Default for InspectConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            shadow: false,
            on_unparsable: Disposition::Block,
            on_opaque: Disposition::Allow,
            on_opaque_text: Disposition::Block,
            compressed_requests: Compressed::Decompress,
            identity_responses: true,
            hold_headers: false,
            block_status: 400,
            block_message: Self::DEFAULT_BLOCK_MESSAGE.to_owned(),
            consumer_header: DEFAULT_CONSUMER_HEADER.to_owned(),
            injection: InjectionPolicy::default(),
            secrets: PatternPolicy::default(),
            pii: PiiPolicy::default(),
            custom_patterns: Vec::new(),
            output: OutputPolicy::default(),
            overrides: Vec::new(),
            guard: None,
            stream: StreamConfig::default(),
            routes: RoutesConfig::default(),
            audit_log: true,
            memo_kib: Self::DEFAULT_MEMO_KIB,
        }
    }
}

impl Validate for InspectConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        self.routes.validate().map_err(|e| e.nested("routes"))?;
        let range = Self::MAX_BODY_BYTES_RANGE;
        if !range.contains(&self.max_body_bytes) {
            return Err(ConfigError::invalid(
                "max_body_bytes",
                format!("must be between {} and {}", range.start(), range.end()),
            ));
        }
        if self.memo_kib > Self::MEMO_KIB_MAX {
            return Err(ConfigError::invalid(
                "memo_kib",
                format!("must be at most {}", Self::MEMO_KIB_MAX),
            ));
        }
        if !matches!(self.block_status, 400 | 403) {
            return Err(ConfigError::invalid("block_status", "must be 400 or 403"));
        }
        if self.block_message.trim().is_empty() || self.block_message.len() > 512 {
            return Err(ConfigError::invalid(
                "block_message",
                "must be 1 to 512 characters",
            ));
        }
        validate_header_name("consumer_header", &self.consumer_header)?;
        let inj = &self.injection;
        if inj.request == Action::Redact || inj.response == Action::Redact {
            let field = if inj.request == Action::Redact {
                "injection.request"
            } else {
                "injection.response"
            };
            return Err(ConfigError::invalid(
                field,
                "injection supports block, audit or off (an injection has no span to redact)",
            ));
        }
        if !inj.threshold.is_finite() || inj.threshold <= 0.0 {
            return Err(ConfigError::invalid(
                "injection.threshold",
                "must be a positive number",
            ));
        }
        for (role, t) in &inj.role_thresholds {
            if !t.is_finite() || *t <= 0.0 {
                return Err(ConfigError::invalid(
                    format!("injection.role_thresholds.{}", role.as_str()),
                    "must be a positive number",
                ));
            }
        }
        if self.output.response == Action::Redact {
            return Err(ConfigError::invalid(
                "output.response",
                "output checks support block, audit or off",
            ));
        }
        if let Some(canary) = &self.output.canary {
            let n = canary.chars().count();
            if !(8..=128).contains(&n) || canary.chars().any(char::is_whitespace) {
                return Err(ConfigError::invalid(
                    "output.canary",
                    "must be 8 to 128 characters without whitespace",
                ));
            }
        }
        if self.output.overlap_min_chars != 0
            && !(20..=10_000).contains(&self.output.overlap_min_chars)
        {
            return Err(ConfigError::invalid(
                "output.overlap_min_chars",
                "must be 0 (off) or between 20 and 10000",
            ));
        }
        for (i, o) in self.overrides.iter().enumerate() {
            for (j, p) in o.paths.iter().enumerate() {
                if !p.starts_with('/') {
                    return Err(ConfigError::invalid(
                        format!("overrides[{i}].paths[{j}]"),
                        "must start with /",
                    ));
                }
            }
            if o.action == Action::Redact && matches!(o.family, Family::Injection | Family::Output)
            {
                return Err(ConfigError::invalid(
                    format!("overrides[{i}].action"),
                    "injection and output support block, audit or off",
                ));
            }
        }
        if let Some(guard) = &self.guard {
            if guard.cluster.is_empty() {
                return Err(ConfigError::invalid("guard.cluster", "must not be empty"));
            }
            if !guard.path.starts_with('/') {
                return Err(ConfigError::invalid("guard.path", "must start with /"));
            }
            if !(1..=10_000).contains(&guard.timeout_ms) {
                return Err(ConfigError::invalid(
                    "guard.timeout_ms",
                    "must be between 1 and 10000",
                ));
            }
        }
        if !(64..=65_536).contains(&self.stream.max_hold_bytes) {
            return Err(ConfigError::invalid(
                "stream.max_hold_bytes",
                "must be between 64 and 65536",
            ));
        }
        Ok(())
    }
}

/// A detector family. Policy (block / redact / audit / off) is set per family
/// and direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Prompt injection and jailbreaks.
    Injection,
    /// Credentials, private keys, tokens, passwords.
    Secrets,
    /// Personal data: emails, phone numbers, cards, IBANs, national IDs, IPs.
    Pii,
    /// Malicious output: exfiltration links, HTML/script, system-prompt leaks.
    Output,
}

impl Family {
    /// Every family, in a fixed order.
    pub const ALL: [Family; 4] = [
        Family::Injection,
        Family::Secrets,
        Family::Pii,
        Family::Output,
    ];

    /// The name used in config, metrics and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Injection => "injection",
            Family::Secrets => "secrets",
            Family::Pii => "pii",
            Family::Output => "output",
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which way the bytes travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Client to model: prompts.
    Request,
    /// Model to client: completions.
    Response,
}

impl Direction {
    /// The name used in config, metrics and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

/// A rule from configuration; a rule with a built-in id replaces it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InjectionRule {
    /// Rule id (`[a-z0-9_]+`).
    pub id: String,
    /// The attack family it signals, e.g. `instruction_override`
    /// (`[a-z0-9_]+`). Signals of one category add up with diminishing
    /// weight.
    pub category: String,
    /// Its weight in the score, between -10 and 10. A negative weight
    /// lowers the score (context that makes an attack less likely).
    pub weight: f32,
    /// Phrases, matched on the word view (see the module docs for the
    /// syntax). Default: none.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// Literals, matched on the text view (punctuation kept; `^` and `$`
    /// anchor to line start and end). Default: none.
    #[serde(default)]
    pub literals: Vec<String>,
    /// The most words a `*` in a phrase allows. Default: 3; at most 16.
    #[serde(default)]
    pub gap: Option<u8>,
}

/// A rule added from configuration.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
