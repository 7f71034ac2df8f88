//! Streamed responses: rebuild each choice's / content block's text across
//! SSE events, scan it with a bounded hold-back window, rewrite the events.
//!
//! # How a stream is inspected
//! [`StreamInspector::push`] parses the chunk with [`crate::request::sse::SseParser`]
//! and handles each complete event in order. An event's text lives in
//! *channels*, one per stream of text the client concatenates:
//!
//! | API | channel | text field |
//! |---|---|---|
//! | chat | (choice, field) | `choices[i].delta.content` / `.refusal` / `.reasoning_content` / `.reasoning`, `.tool_calls[j].function.arguments` (one channel per `j`), `.function_call.arguments` |
//! | completions | choice | `choices[i].text` |
//! | responses | (event kind, `output_index`, `content_index` / `summary_index`) | `delta` of every `response.*.delta` event but `response.audio.delta` (base64 audio) |
//! | messages | block `index` | `content_block_start.content_block.text` / `.thinking`, `content_block_delta.delta.text` / `.thinking` / `.partial_json` |
//!
//! Each channel keeps its *pending* text (received, not yet forwarded) and a
//! short *context*: the last [`CONTEXT_BYTES`] of text already forwarded.
//! After each event the scanner runs over `context + pending`; the text
//! before [`TextScanner::hold_from`] is released with its redactions, the
//! rest waits for the next event. A channel never holds more than
//! [`StreamLimits::max_hold_bytes`]: past it the excess is released anyway,
//! so one endless token cannot stall a stream or grow memory. A match that
//! straddles the release point is released whole (redacted), never cut.
//! The context lets a match that began in text already forwarded (possible
//! only past the cap) still be seen and the rest of it redacted; findings
//! that lie wholly in the context were handled before and are ignored.
//!
//! Released text is written back into the event's own text field and the
//! event re-serialised (serde_json; other fields kept, key order becomes
//! alphabetical, which no JSON client depends on). An event left with empty
//! text and nothing else a client needs (no role, finish reason, usage, tool
//! call id or name, …) is dropped. When a channel ends (a `finish_reason`,
//! `data: [DONE]`, `content_block_stop`, `message_stop`, a responses `.done`,
//! `response.output_item.done`, `response.completed` / `incomplete` /
//! `failed`, an upstream error, or the end of the body) whatever it still
//! holds is scanned and released in a synthetic delta event built from that
//! channel's first delta event, placed *before* the event that ended it.
//!
//! # Why events are re-encoded
//! Every event is forwarded as [`crate::request::sse::encode_event`] writes it from
//! what was parsed, not as the upstream's bytes: the client reads exactly
//! what was inspected (no parser differential), and comment lines are kept.
//!
//! # Responses API full-text events
//! `response.*.done`, `response.content_part.done`,
//! `response.output_item.done`, `response.completed` (and every other
//! non-delta responses event) repeat the full text. Their text fields
//! (`text`, `refusal`, `arguments`, `code`, `input`, `transcript`, `output`;
//! not the echoed request: `instructions`, `tools`, `metadata`, `prompt`) are
//! scanned as they arrive, which is work proportional to the event, and
//! redacted with the same rules. A finding there is reported only when the
//! text is not one a channel already streamed (a SHA-256 of each channel's
//! raw text tells), so each secret is counted once. The `sequence_number`s
//! are renumbered after a synthetic event so they keep increasing; the
//! error event is numbered after the last event forwarded.
//!
//! # Logprobs
//! Log-probabilities carry the tokens of the text. A choice's (or responses
//! event's) `logprobs` are forwarded only when its text was forwarded
//! unchanged in the same event; otherwise they are cleared (`null` / `[]`),
//! so held or redacted text cannot leak through them. Deliberate limit: the
//! alternative tokens in `top_logprobs` of unchanged text are not scanned.
//!
//! # Blocking
//! A `Block` finding ends the stream with the error event (see
//! [`crate::request::sse::error_event`]); nothing after it is forwarded and later
//! pushes return nothing. So does anything that cannot be inspected: an
//! event over [`StreamLimits::max_event_bytes`], or a data payload that is
//! not JSON (other than `[DONE]`) on an API that promises JSON.
//!
//! # Cost
//! Per event: reading its JSON, and a scan of the channel window (`context +
//! pending`, at most `CONTEXT_BYTES + max_hold_bytes` plus the new text).
//! Nothing already released is scanned again, beyond the context. When the
//! scanner holds everything new, no scan runs at all. The chat event nearly
//! every chat stream is made of (one choice adding to `delta.content`) is
//! read in one pass and the released text spliced into it
//! (`inspect::steady`), after the first of its shape without a parse
//! (`request::json_template`: the bytes of the last one, its string values
//! aside); every other event is parsed into a `Value` and serialised again
//! when what it carries changed. The scanner keeps what it found in the
//! window's bytes between scans ([`WindowMemo`]: the anchor automaton and
//! the search for encoded runs read only new bytes), and the numeric pass
//! starts shortly before the released text ([`TextScanner::scan_window`]'s
//! `released`); the output pass still reads the whole window.
//!
//! # Deliberate limits
//! In chat, completions and messages events only the text fields above are
//! scanned; ids, model names, finish reasons, usage, vendor extension fields
//! and Anthropic `citations_delta` / `signature_delta` are forwarded as
//! they are (they are not model prose, and scanning every string of every
//! chunk would multiply the per-token cost). The held text of a channel
//! evicted past [`MAX_CHANNELS`] is released then, so a match spanning that
//! point is seen only through the context tail.
//!
//! Other APIs (embeddings, models, unknown) have no channels: each event's
//! JSON strings (or the whole data, if not JSON) are scanned on their own,
//! with no hold-back across events.

use std::ops::Range;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::request::api::ApiKind;
use crate::request::framing::{Deframer, Framing};
use crate::request::json_walk;
use crate::request::usage::{StreamUsage, Usage};

use super::patterns::WindowMemo;
use super::{redaction_label, replace_ranges, steady, Match};
use crate::request::sse::{encode_comment, encode_event, SseEvent, SseItem, SseParser};

/// Bytes of already released text each channel keeps as scan context:
/// enough for a left anchor (`aws_secret_access_key = "`, `Bearer `) or a
/// word boundary before a match, and equal to the furthest any pattern rule
/// looks back ([`super::patterns::CONTEXT_BEFORE`]: an Azure SAS signature's
/// context). It is scanned again with every release, so it sets the
/// per-event overhead: with 4-byte deltas the scanner sees about 65 bytes per
/// new byte, all of it in a window that stays in cache (the stream benchmark
/// measures it).
pub const CONTEXT_BYTES: usize = super::patterns::CONTEXT_BEFORE;
/// Live channels kept before the oldest is flushed and forgotten (a response
/// with more parallel tool calls or choices than this loses only the
/// cross-event protection of the flushed one, and only if it continues).
pub const MAX_CHANNELS: usize = 64;
/// Digests of streamed texts kept to recognise them in responses `.done`
/// events.
const MAX_DIGESTS: usize = 256;

/// What to do with a finding in a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamAction {
    /// Replace the matched text with [`super::redaction_label`].
    Redact,
    /// End the stream with the error event.
    Block,
    /// Forward unchanged, but report.
    Audit,
}

/// A finding with the action policy chose for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamFinding {
    /// What matched, with offsets into the text passed to
    /// [`TextScanner::scan`].
    pub m: Match,
    /// What to do.
    pub action: StreamAction,
}

/// The detectors and policy, as a stream sees them.
pub trait TextScanner {
    /// Append every finding in `text` to `out`.
    fn scan(&self, text: &str, out: &mut Vec<StreamFinding>);
    /// [`TextScanner::scan`] of a channel's window, which between calls
    /// only grows at its end and loses bytes at its front (told to `memo`):
    /// a scanner may keep in `memo` what it found in the bytes it read
    /// before ([`super::patterns::Patterns::scan_window`]). `kept` is what
    /// [`TextScanner::hold_from_window`] found in this same window in this
    /// same step, if it ran. Findings ending at or before `released` (the
    /// window's context, forwarded before) are dropped by the caller, so
    /// a scanner need not find them.
    fn scan_window(
        &self,
        text: &str,
        released: usize,
        memo: &mut WindowMemo,
        kept: Option<Vec<Match>>,
        out: &mut Vec<StreamFinding>,
    ) {
        let _ = (released, memo, kept);
        self.scan(text, out);
    }
    /// The earliest byte offset of `text` from which bytes must be held back
    /// because a match could start there and is not complete yet.
    fn hold_from(&self, text: &str) -> usize;
    /// [`TextScanner::hold_from`] of a channel's window, which the step may
    /// scan next: a scanner may put in `kept` what it found on the way, and
    /// the step hands it to [`TextScanner::scan_window`].
    fn hold_from_window(&self, text: &str, kept: &mut Option<Vec<Match>>) -> usize {
        let _ = kept;
        self.hold_from(text)
    }
}

/// `S` reading every window whole and working out what to hold on its
/// own, keeping nothing between steps: the reference what a scanner keeps
/// in a [`WindowMemo`] is checked against (tests and fuzzing).
#[derive(Debug)]
pub struct WholeWindows<S>(pub S);

impl<S: TextScanner> TextScanner for WholeWindows<S> {
    fn scan(&self, text: &str, out: &mut Vec<StreamFinding>) {
        self.0.scan(text, out);
    }

    fn hold_from(&self, text: &str) -> usize {
        self.0.hold_from(text)
    }
}

/// Bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamLimits {
    /// The most text held back per channel before it is scanned and released
    /// regardless.
    pub max_hold_bytes: usize,
    /// The largest SSE event accepted.
    pub max_event_bytes: usize,
}

impl Default for StreamLimits {
    fn default() -> Self {
        Self {
            max_hold_bytes: 4096,
            max_event_bytes: 1024 * 1024,
        }
    }
}

/// What one push produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamStep {
    /// Bytes to forward now, in place of the chunk.
    pub out: Vec<u8>,
    /// Findings in the text released by this push.
    pub findings: Vec<StreamFinding>,
    /// The stream was ended with the error event; forward nothing after.
    pub blocked: bool,
}

/// Which text field of a chat / completions choice.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Field {
    /// `delta.<name>` (chat).
    Delta(&'static str),
    /// `delta.tool_calls[index].function.arguments` (chat).
    ToolArgs(u64),
    /// `delta.function_call.arguments` (chat, legacy functions).
    FunctionCall,
    /// `delta.audio.transcript` (chat with audio output).
    AudioTranscript,
    /// `text` (completions).
    Text,
    /// An Anthropic content block.
    Block,
    /// A responses delta event kind (`response.output_text`, …).
    Resp(Box<str>),
    /// A string at this JSON pointer of an event of an API the catalogue
    /// does not know: the text at one place across events is one channel.
    Path(Box<str>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct ChannelKey {
    /// Choice index, `output_index`, or block index.
    group: u64,
    /// `content_index` / `summary_index` (responses), else 0.
    sub: u64,
    field: Field,
}

/// Which channels an event ends.
#[derive(Clone, Debug)]
enum End {
    All,
    Group(u64),
    GroupSub(u64, u64),
    Exact(ChannelKey),
    /// The generic layout's channels under this JSON pointer prefix.
    Prefix(String),
}

impl End {
    fn covers(&self, key: &ChannelKey) -> bool {
        match self {
            End::All => true,
            End::Group(g) => key.group == *g,
            End::GroupSub(g, s) => key.group == *g && key.sub == *s,
            End::Exact(k) => k == key,
            End::Prefix(p) => {
                matches!(&key.field, Field::Path(path) if path.starts_with(p.as_str()))
            }
        }
    }
}

/// One text field of the event being handled.
#[derive(Debug)]
struct Slot {
    key: ChannelKey,
    /// JSON pointer to the string in this event.
    pointer: String,
    text: String,
    /// JSON pointer to the object whose `logprobs` describe this text.
    logprobs_at: Option<String>,
    /// For a new channel: the skeleton of its synthetic delta event and the
    /// pointer to the text in it.
    template: Option<(Value, String)>,
}

#[derive(Debug)]
struct Channel {
    key: ChannelKey,
    /// The scan window: the tail of what was released, unredacted, for
    /// scan context (`..context`), then what was received and not yet
    /// released (`context..`). One buffer, so an event's scan needs no copy.
    window: String,
    /// Where the pending text starts in [`Channel::window`].
    context: usize,
    /// What the scanner keeps of the window between scans.
    memo: WindowMemo,
    /// SHA-256 of all the channel's raw text (responses API only).
    hasher: Option<Sha256>,
    template: Value,
    template_pointer: String,
    event_name: Option<String>,
}

/// Why a stream is blocked: a finding, or `None` for a stream that cannot be
/// inspected.
#[derive(Debug)]
struct Blocked(Option<StreamFinding>);

fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i = i.saturating_sub(1);
    }
    i
}

fn ceil_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i = i.saturating_add(1);
    }
    i
}

/// Apply the redactions among `found` (offsets into `text`) to `text`.
fn redact_all(text: &str, found: &[StreamFinding]) -> Option<String> {
    let labels: Vec<(Range<usize>, String)> = found
        .iter()
        .filter(|f| f.action == StreamAction::Redact)
        .map(|f| {
            (
                floor_boundary(text, f.m.start)..ceil_boundary(text, f.m.end),
                redaction_label(&f.m.kind),
            )
        })
        .collect();
    if labels.is_empty() {
        return None;
    }
    let edits: Vec<(Range<usize>, &str)> = labels
        .iter()
        .map(|(r, l)| (r.clone(), l.as_str()))
        .collect();
    Some(replace_ranges(text, &edits))
}

impl Channel {
    fn append(&mut self, text: &str) {
        self.window.push_str(text);
        if let Some(h) = &mut self.hasher {
            h.update(text.as_bytes());
        }
    }

    /// Scan the window and release what may go; with `end`, release all.
    fn advance<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        end: bool,
        max_hold: usize,
        found: &mut Vec<StreamFinding>,
        applied: &mut Vec<StreamFinding>,
    ) -> Result<String, Blocked> {
        let ctx = self.context;
        let text = self.window.as_str();
        let len = text.len();
        if len <= ctx {
            return Ok(String::new());
        }
        // What the scanner finds while working out what to hold, for its
        // scan of this window in this step.
        let mut kept = None;
        let mut release_to = if end {
            len
        } else {
            let hold = floor_boundary(text, scanner.hold_from_window(text, &mut kept)).max(ctx);
            let cap = ceil_boundary(text, len.saturating_sub(max_hold));
            hold.max(cap)
        };
        if release_to <= ctx {
            // Everything new is held: nothing to scan yet.
            return Ok(String::new());
        }
        found.clear();
        scanner.scan_window(text, ctx, &mut self.memo, kept, found);
        found.retain(|f| f.m.end > ctx && f.m.start < f.m.end && f.m.end <= len);
        if let Some(b) = found.iter().find(|f| f.action == StreamAction::Block) {
            return Err(Blocked(Some(b.clone())));
        }
        crate::sort::sort_by_key(found, |f| (f.m.start, f.m.end));
        for f in found.iter() {
            if f.m.start < release_to && f.m.end > release_to {
                release_to = ceil_boundary(text, f.m.end);
            }
        }
        let mut labels: Vec<(Range<usize>, String)> = Vec::new();
        for f in found.iter().filter(|f| f.m.start < release_to) {
            applied.push(f.clone());
            if f.action == StreamAction::Redact {
                let start = floor_boundary(text, f.m.start.max(ctx)).max(ctx);
                let end = ceil_boundary(text, f.m.end);
                labels.push((
                    start.saturating_sub(ctx)..end.saturating_sub(ctx),
                    redaction_label(&f.m.kind),
                ));
            }
        }
        let pending = text.get(ctx..).unwrap_or_default();
        let mut cut = release_to.saturating_sub(ctx).min(pending.len());
        if !pending.is_char_boundary(cut) {
            cut = pending.len();
        }
        let raw = pending.get(..cut).unwrap_or_default();
        let released = if labels.is_empty() {
            raw.to_owned()
        } else {
            let edits: Vec<(Range<usize>, &str)> = labels
                .iter()
                .map(|(r, l)| (r.clone(), l.as_str()))
                .collect();
            replace_ranges(raw, &edits)
        };
        // What was released becomes context; keep the last CONTEXT_BYTES.
        self.context = ctx.saturating_add(cut);
        if self.context > CONTEXT_BYTES {
            let drop = ceil_boundary(&self.window, self.context.saturating_sub(CONTEXT_BYTES));
            self.window.drain(..drop);
            self.memo.drain_front(drop);
            self.context = self.context.saturating_sub(drop);
        }
        Ok(released)
    }
}

/// One streamed response being inspected.
#[derive(Debug)]
pub struct StreamInspector {
    /// NDJSON or an event stream read as SSE (`None`: the stream is SSE).
    deframer: Option<Deframer>,
    api: ApiKind,
    limits: StreamLimits,
    error_event: Vec<u8>,
    parser: SseParser,
    channels: Vec<Channel>,
    /// SHA-256 of texts already streamed or reported (responses API).
    seen: Vec<[u8; 32]>,
    /// Added to upstream `sequence_number`s (responses API): the synthetic
    /// events inserted so far.
    seq_shift: u64,
    /// The last `sequence_number` forwarded.
    last_seq: Option<u64>,
    done: bool,
    items: Vec<SseItem>,
    found: Vec<StreamFinding>,
    /// The upstream's usage, as its events report it.
    usage: StreamUsage,
    /// Read the steady chat event in place ([`super::steady`]); off only
    /// in tests that compare it with the general path.
    steady: bool,
    /// The last steady event's shape ([`steady::Template`]).
    template: Option<steady::Template>,
}

/// Keys of the responses API whose string values are model text.
const RESP_TEXT_KEYS: &[&str] = &[
    "text",
    "refusal",
    "arguments",
    "code",
    "input",
    "transcript",
    "output",
];
/// Keys of the responses API that echo the request, not model output.
const RESP_SKIP_KEYS: &[&str] = &["instructions", "tools", "metadata", "prompt", "usage"];

/// Keys whose string values are identifiers, not text, in events of APIs
/// the catalogue does not know.
const GENERIC_SKIP_KEYS: &[&str] = &[
    "id",
    "object",
    "model",
    "type",
    "role",
    "finish_reason",
    "stop_reason",
    "system_fingerprint",
    "created",
    // Per-event metadata of the native APIs (Ollama, Gemini): a timestamp
    // held back as text would be glued to the next event's (the bad-input
    // catalogue found `created_at` doubled and emptied).
    "created_at",
    "done_reason",
    "createTime",
    "modelVersion",
    "responseId",
    "finishReason",
];

/// Whether `pointer` lies inside a tool call's arguments (Ollama
/// `tool_calls[].function.arguments`, Gemini `functionCall.args`), whose
/// keys the model writes.
fn in_model_arguments(pointer: &str) -> bool {
    pointer.contains("/arguments") || pointer.contains("/args")
}

/// Which channels of a native API's stream this event ends, so that what
/// they hold is released in it (or before it), not after it: a client
/// stops reading at Ollama's `done: true`, and text after it is lost.
/// Ollama `done`, llama.cpp `stop` and TGI's final `generated_text` end
/// all; Gemini's `finishReason` ends its own candidate's (another
/// candidate may still be holding the start of a secret).
fn generic_ends(v: &Value, ends: &mut Vec<End>) {
    if v.get("done").and_then(Value::as_bool) == Some(true)
        || v.get("stop").and_then(Value::as_bool) == Some(true)
        || v.get("generated_text").is_some_and(Value::is_string)
    {
        ends.push(End::All);
        return;
    }
    let candidates = v.get("candidates").and_then(Value::as_array);
    for (k, c) in candidates.into_iter().flatten().enumerate() {
        if !is_null_or_absent(c.get("finishReason")) {
            let i = c
                .get("index")
                .and_then(Value::as_u64)
                .unwrap_or(u64::try_from(k).unwrap_or(u64::MAX));
            ends.push(End::Prefix(format!("/candidates/{i}/")));
        }
    }
}

/// `v` with every string emptied (the skeleton of a synthetic event).
fn blank_strings(v: &mut Value) {
    match v {
        Value::String(s) => s.clear(),
        Value::Array(items) => items.iter_mut().for_each(blank_strings),
        Value::Object(map) => map.values_mut().for_each(blank_strings),
        _ => {}
    }
}

/// Chat delta fields that carry text.
const CHAT_TEXT_FIELDS: [&str; 4] = ["content", "refusal", "reasoning_content", "reasoning"];

fn ptr_key(key: &str) -> String {
    if key.contains(['~', '/']) {
        key.replace('~', "~0").replace('/', "~1")
    } else {
        key.to_owned()
    }
}

/// [`Value::pointer_mut`] without its two allocations per token (a token is
/// unescaped only when it holds `~`): it was an eighth of a streamed
/// event's cost, every event reaching its text fields through pointers.
fn pointer_mut<'a>(v: &'a mut Value, pointer: &str) -> Option<&'a mut Value> {
    if pointer.is_empty() {
        return Some(v);
    }
    pointer
        .strip_prefix('/')?
        .split('/')
        .try_fold(v, |target, token| {
            let token: std::borrow::Cow<'_, str> = if token.contains('~') {
                token.replace("~1", "/").replace("~0", "~").into()
            } else {
                token.into()
            };
            match target {
                Value::Object(map) => map.get_mut(token.as_ref()),
                Value::Array(list) => pointer_index(&token).and_then(move |i| list.get_mut(i)),
                _ => None,
            }
        })
}

/// An array index as RFC 6901 spells it (no sign, no leading zero).
fn pointer_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

fn as_index(v: Option<&Value>, default: usize) -> u64 {
    v.and_then(Value::as_u64)
        .unwrap_or(u64::try_from(default).unwrap_or(u64::MAX))
}

fn is_null_or_absent(v: Option<&Value>) -> bool {
    v.is_none_or(Value::is_null)
}

fn is_empty_text(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    }
}

/// Every string under `v` is empty (a Converse delta whose text was all
/// held back).
fn all_text_empty(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Object(m) => m.values().all(all_text_empty),
        Value::Array(a) => a.iter().all(all_text_empty),
        _ => true,
    }
}

/// Top-level fields of a chat / completions chunk a client does not need
/// when the chunk carries no text.
fn chunk_meta_only(
    obj: &Map<String, Value>,
    choice_ok: impl Fn(&Map<String, Value>) -> bool,
) -> bool {
    obj.iter().all(|(k, v)| match k.as_str() {
        "id" | "object" | "created" | "model" | "system_fingerprint" | "service_tier"
        | "obfuscation" => true,
        "usage" => v.is_null(),
        "choices" => v.as_array().is_some_and(|choices| {
            !choices.is_empty()
                && choices
                    .iter()
                    .all(|c| c.as_object().is_some_and(&choice_ok))
        }),
        _ => false,
    })
}

fn chat_choice_empty(choice: &Map<String, Value>) -> bool {
    choice.iter().all(|(k, v)| match k.as_str() {
        "index" => true,
        "finish_reason" | "logprobs" => v.is_null(),
        "delta" => v.as_object().is_some_and(|delta| {
            delta.iter().all(|(dk, dv)| match dk.as_str() {
                "content" | "refusal" | "reasoning_content" | "reasoning" => {
                    is_empty_text(Some(dv))
                }
                "tool_calls" => dv.as_array().is_some_and(|calls| {
                    calls.iter().all(|call| {
                        call.as_object().is_some_and(|call| {
                            call.iter().all(|(ck, cv)| match ck.as_str() {
                                "index" => true,
                                "function" => function_args_only(cv),
                                _ => false,
                            })
                        })
                    })
                }),
                "function_call" => function_args_only(dv),
                _ => false,
            })
        }),
        _ => false,
    })
}

fn function_args_only(v: &Value) -> bool {
    v.as_object().is_some_and(|f| {
        f.iter()
            .all(|(k, v)| k == "arguments" && is_empty_text(Some(v)))
    })
}

fn completions_choice_empty(choice: &Map<String, Value>) -> bool {
    choice.iter().all(|(k, v)| match k.as_str() {
        "index" => true,
        "text" => is_empty_text(Some(v)),
        "finish_reason" | "logprobs" => v.is_null(),
        _ => false,
    })
}

/// The event's type: the JSON `type`, else the SSE event name.
fn event_type(v: &Value, ev: &SseEvent) -> String {
    v.get("type")
        .and_then(Value::as_str)
        .or(ev.event.as_deref())
        .unwrap_or("")
        .to_owned()
}

impl StreamInspector {
    /// Inspect a stream of API `api`; `error_event` is the complete SSE event
    /// (see [`crate::request::sse::error_event`]) that ends a blocked stream.
    pub fn new(api: ApiKind, limits: StreamLimits, error_event: Vec<u8>) -> Self {
        Self::framed(api, Framing::Sse, limits, error_event)
    }

    /// This inspector with every event read through the general path (a
    /// `Value`), the reference the steady chat event's path
    /// (`inspect::steady`) is checked against: for tests and fuzzing.
    #[must_use]
    pub fn general_path_only(mut self) -> Self {
        self.steady = false;
        self
    }

    /// [`StreamInspector::new`] for a stream framed as `framing`: NDJSON is
    /// read as SSE and written back as lines (see
    /// [`crate::request::framing`]).
    pub fn framed(
        api: ApiKind,
        framing: Framing,
        limits: StreamLimits,
        error_event: Vec<u8>,
    ) -> Self {
        Self {
            deframer: Deframer::new(framing, limits.max_event_bytes),
            api,
            limits,
            error_event,
            parser: SseParser::new(limits.max_event_bytes),
            channels: Vec::new(),
            seen: Vec::new(),
            seq_shift: 0,
            last_seq: None,
            done: false,
            items: Vec::new(),
            found: Vec::new(),
            usage: StreamUsage::new(0),
            steady: true,
            template: None,
        }
    }

    /// The usage the upstream reported in the events seen so far (output
    /// estimated from their text where it reported none), read before any
    /// event was changed: what `throttle` charges for a stream this
    /// inspector ended or rewrote.
    pub fn usage(&self) -> Usage {
        self.usage.finish()
    }

    /// Text held back across all channels, plus bytes of an incomplete
    /// event: what this stream costs in memory beyond the current chunk.
    pub fn held_bytes(&self) -> usize {
        let buffered = self
            .parser
            .buffered_bytes()
            .saturating_add(self.deframer.as_ref().map_or(0, Deframer::buffered_bytes));
        self.channels.iter().fold(buffered, |n, c| {
            n.saturating_add(c.window.len().saturating_sub(c.context))
        })
    }

    /// The stream has ended (blocked, or end of stream seen): later pushes
    /// return nothing.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Feed the next chunk of the response body.
    pub fn push<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        chunk: &[u8],
        end_of_stream: bool,
    ) -> StreamStep {
        if let Some(mut frames) = self.deframer.take() {
            let mut sse = Vec::new();
            let mut step = match frames.push(chunk, end_of_stream, &mut sse) {
                Ok(()) => self.push_sse(scanner, &sse, end_of_stream),
                Err(_) => {
                    // A line or message too large to inspect, or corrupt.
                    let mut step = StreamStep::default();
                    if !self.done {
                        self.block(None, &mut step);
                    }
                    step
                }
            };
            step.out = frames.reframe(&step.out);
            self.deframer = Some(frames);
            return step;
        }
        self.push_sse(scanner, chunk, end_of_stream)
    }

    fn push_sse<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        chunk: &[u8],
        end_of_stream: bool,
    ) -> StreamStep {
        let mut step = StreamStep::default();
        if self.done {
            return step;
        }
        let mut items = std::mem::take(&mut self.items);
        items.clear();
        let mut parsed = self.parser.push(chunk, &mut items);
        if parsed.is_ok() && end_of_stream {
            parsed = self.parser.finish(&mut items);
        }
        let mut result = Ok(());
        for item in items.drain(..) {
            result = match item {
                SseItem::Comment(c) => {
                    encode_comment(&c, &mut step.out);
                    Ok(())
                }
                SseItem::Event(ev) => self.event(scanner, ev, &mut step),
            };
            if result.is_err() {
                break;
            }
        }
        self.items = items;
        if result.is_ok() && parsed.is_err() {
            // An event too large to inspect.
            result = Err(Blocked(None));
        }
        if result.is_ok() && end_of_stream {
            result = self.flush(scanner, |_| true, &mut step);
            self.done = true;
        }
        if let Err(Blocked(finding)) = result {
            self.block(finding, &mut step);
        }
        step
    }

    fn block(&mut self, finding: Option<StreamFinding>, step: &mut StreamStep) {
        step.findings.extend(finding);
        step.blocked = true;
        self.done = true;
        self.channels.clear();
        if self.api == ApiKind::Responses {
            step.out.extend_from_slice(&self.renumbered_error_event());
        } else {
            step.out.extend_from_slice(&self.error_event);
        }
    }

    /// The error event with its `sequence_number` after the last forwarded.
    fn renumbered_error_event(&self) -> Vec<u8> {
        let mut parser = SseParser::new(self.error_event.len().saturating_add(16));
        let mut items = Vec::new();
        if parser.push(&self.error_event, &mut items).is_err() || parser.finish(&mut items).is_err()
        {
            return self.error_event.clone();
        }
        let next = self.last_seq.map_or(0, |n| n.saturating_add(1));
        let mut out = Vec::new();
        for item in &mut items {
            if let SseItem::Event(ev) = item {
                if let Some(Ok(mut v)) = ev.data.as_deref().map(serde_json::from_str::<Value>) {
                    if let Some(seq) = v.get_mut("sequence_number") {
                        *seq = Value::from(next);
                        if let Ok(data) = serde_json::to_string(&v) {
                            ev.data = Some(data);
                        }
                    }
                }
            }
            crate::request::sse::encode_item(item, &mut out);
        }
        out
    }

    fn event<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        ev: SseEvent,
        step: &mut StreamStep,
    ) -> Result<(), Blocked> {
        let Some(data) = ev.data.as_deref() else {
            encode_event(&ev, &mut step.out);
            return Ok(());
        };
        if data.trim() == "[DONE]" {
            self.flush(scanner, |_| true, step)?;
            encode_event(&ev, &mut step.out);
            return Ok(());
        }
        let mut ev = ev;
        if self.steady && self.api == ApiKind::ChatCompletions {
            match self.steady_event(scanner, ev, step) {
                Ok(done) => return done,
                Err(general) => ev = general,
            }
        }
        let data = ev.data.as_deref().unwrap_or_default();
        let json = serde_json::from_str::<Value>(data);
        let promises_json = self.api.known();
        let mut v = match json {
            Ok(v) => v,
            Err(_) if promises_json => return Err(Blocked(None)),
            Err(_) => return self.opaque_text(scanner, ev, step),
        };
        // APIs whose events are laid out here by their shape (Bedrock's
        // InvokeModel chunks when they are Claude's typed events); the
        // native APIs (Ollama, Gemini) promise JSON too but are read per
        // JSON path (their text is at one path across events:
        // `message.content`, `candidates[i].content.parts[j].text`).
        let known = match self.api {
            ApiKind::ChatCompletions
            | ApiKind::Completions
            | ApiKind::Responses
            | ApiKind::Messages
            | ApiKind::BedrockConverse => true,
            ApiKind::BedrockInvoke => v.get("type").is_some_and(Value::is_string),
            _ => false,
        };
        // The upstream's usage, read before anything is changed.
        self.usage.observe(self.api, ev.event.as_deref(), &v);
        if !v.is_object() {
            let changed = self.rescan(scanner, &mut v, None, step)?;
            return self.emit_json(ev, &mut v, changed, step);
        }
        let mut slots = Vec::new();
        let mut ends = Vec::new();
        let mut changed = false;
        match self.api {
            _ if !known => {
                Self::layout_generic(&v, "", &v, &mut slots);
                generic_ends(&v, &mut ends);
            }
            ApiKind::ChatCompletions => self.layout_chat(&v, &mut slots, &mut ends),
            ApiKind::Completions => self.layout_completions(&v, &mut slots, &mut ends),
            ApiKind::Responses => {
                let ty = event_type(&v, &ev);
                self.layout_responses(&ty, &v, &mut slots, &mut ends);
            }
            ApiKind::BedrockConverse => {
                let ty = ev.event.clone().unwrap_or_default();
                changed |=
                    self.layout_converse(scanner, &ty, &mut v, &mut slots, &mut ends, step)?;
            }
            _ => {
                let ty = event_type(&v, &ev);
                changed |=
                    self.layout_messages(scanner, &ty, &mut v, &mut slots, &mut ends, step)?;
            }
        }
        // Channels this event ends but carries no text for: flush them first.
        let ending = |key: &ChannelKey| ends.iter().any(|e| e.covers(key));
        self.flush(
            scanner,
            |key| ending(key) && !slots.iter().any(|s| s.key == *key),
            step,
        )?;
        if slots.is_empty() {
            if self.api == ApiKind::Responses {
                // Every non-delta event may repeat text in full. Scanned
                // after the flush, so the channels it repeats are known.
                changed |= self.rescan(scanner, &mut v, Some(RESP_TEXT_KEYS), step)?;
            }
            return self.emit_json(ev, &mut v, changed, step);
        }
        let busy: Vec<ChannelKey> = slots.iter().map(|s| s.key.clone()).collect();
        let mut all_empty = true;
        let mut altered_logprobs: Vec<String> = Vec::new();
        for slot in slots {
            let end = ending(&slot.key);
            let released = self.release_slot(scanner, &slot, end, &busy, step)?;
            if released != slot.text {
                changed = true;
                if let Some(at) = slot.logprobs_at {
                    altered_logprobs.push(at);
                }
            }
            if !released.is_empty() {
                all_empty = false;
            }
            if let Some(target) = pointer_mut(&mut v, &slot.pointer) {
                *target = Value::String(released);
            }
        }
        // Channels that ended with text in this event are done.
        self.remove_channels(|key| ending(key));
        for at in altered_logprobs {
            if let Some(lp) = pointer_mut(&mut v, &at).and_then(|o| o.get_mut("logprobs")) {
                *lp = if lp.is_array() {
                    Value::Array(Vec::new())
                } else {
                    Value::Null
                };
            }
        }
        if all_empty && self.droppable(&v) {
            return Ok(());
        }
        self.emit_json(ev, &mut v, changed, step)
    }

    /// `ev` when it is the steady chat event ([`super::steady`]) of a
    /// channel that exists: what [`StreamInspector::event`] does with it,
    /// without a `Value` — the same text released, the same event dropped,
    /// and the released text spliced over the content where the general
    /// path serialises the whole event again. `Err(ev)` hands any other
    /// event back to the general path.
    fn steady_event<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        mut ev: SseEvent,
        step: &mut StreamStep,
    ) -> Result<Result<(), Blocked>, SseEvent> {
        let Some(data) = ev.data.take() else {
            return Err(ev);
        };
        let found = steady::read_with(&data, &mut self.template).and_then(|c| {
            let key = ChannelKey {
                group: c.index,
                sub: 0,
                field: Field::Delta("content"),
            };
            let pos = self.channels.iter().position(|ch| ch.key == key)?;
            Some((pos, c))
        });
        let Some((pos, c)) = found else {
            ev.data = Some(data);
            return Err(ev);
        };
        self.usage.count_output(&c.content);
        let max_hold = self.limits.max_hold_bytes;
        let Some(channel) = self.channels.get_mut(pos) else {
            return Ok(Err(Blocked(None)));
        };
        channel.append(&c.content);
        let released = match channel.advance(
            scanner,
            false,
            max_hold,
            &mut self.found,
            &mut step.findings,
        ) {
            Ok(r) => r,
            Err(b) => return Ok(Err(b)),
        };
        if released.is_empty() && c.meta_only {
            return Ok(Ok(()));
        }
        let spliced = if released == c.content {
            None
        } else {
            let Ok(token) = serde_json::to_string(&released) else {
                return Ok(Err(Blocked(None)));
            };
            let spliced = json_walk::splice(data.as_bytes(), &[(c.span.clone(), token.as_bytes())])
                .and_then(|b| String::from_utf8(b).ok());
            match spliced {
                Some(s) => Some(s),
                None => return Ok(Err(Blocked(None))),
            }
        };
        drop(c);
        ev.data = Some(spliced.unwrap_or(data));
        encode_event(&ev, &mut step.out);
        Ok(Ok(()))
    }

    /// Append the slot's text to its channel (created on first use) and
    /// release what may go.
    fn release_slot<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        slot: &Slot,
        end: bool,
        busy: &[ChannelKey],
        step: &mut StreamStep,
    ) -> Result<String, Blocked> {
        let pos = match self.channels.iter().position(|c| c.key == slot.key) {
            Some(pos) => pos,
            None => {
                if self.channels.len() >= MAX_CHANNELS {
                    self.evict_oldest(scanner, busy, step)?;
                }
                let (template, template_pointer) = slot
                    .template
                    .clone()
                    .unwrap_or((Value::Null, String::new()));
                // Synthetic events of typed streams carry their type as the
                // SSE event name too, as the upstream's do.
                let event_name = match self.api {
                    ApiKind::Messages | ApiKind::Responses => template
                        .get("type")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    // The event stream's `:event-type`.
                    ApiKind::BedrockConverse => Some("contentBlockDelta".to_owned()),
                    ApiKind::BedrockInvoke => Some("chunk".to_owned()),
                    _ => None,
                };
                self.channels.push(Channel {
                    key: slot.key.clone(),
                    window: String::new(),
                    context: 0,
                    memo: WindowMemo::default(),
                    hasher: (self.api == ApiKind::Responses).then(Sha256::new),
                    template,
                    template_pointer,
                    event_name,
                });
                self.channels.len().saturating_sub(1)
            }
        };
        let max_hold = self.limits.max_hold_bytes;
        let Some(channel) = self.channels.get_mut(pos) else {
            return Err(Blocked(None));
        };
        channel.append(&slot.text);
        channel.advance(scanner, end, max_hold, &mut self.found, &mut step.findings)
    }

    /// Flush (as a synthetic event) and forget the oldest channel that the
    /// current event does not carry text for (a synthetic event for one it
    /// does would land before text released earlier). If every channel is
    /// busy, nothing is evicted: the bound is then exceeded by at most the
    /// event's own slot count.
    fn evict_oldest<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        busy: &[ChannelKey],
        step: &mut StreamStep,
    ) -> Result<(), Blocked> {
        let Some(oldest) = self
            .channels
            .iter()
            .map(|c| c.key.clone())
            .find(|k| !busy.contains(k))
        else {
            return Ok(());
        };
        self.flush(scanner, |k| *k == oldest, step)
    }

    /// Release everything the matching channels hold, as synthetic events,
    /// and forget them.
    fn flush<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        matches: impl Fn(&ChannelKey) -> bool,
        step: &mut StreamStep,
    ) -> Result<(), Blocked> {
        let max_hold = self.limits.max_hold_bytes;
        let mut i = 0usize;
        while let Some(channel) = self.channels.get_mut(i) {
            if !matches(&channel.key) {
                i = i.saturating_add(1);
                continue;
            }
            let released =
                channel.advance(scanner, true, max_hold, &mut self.found, &mut step.findings)?;
            if !released.is_empty() && !channel.template.is_null() {
                let mut v = channel.template.clone();
                let ev = SseEvent {
                    event: channel.event_name.clone(),
                    ..SseEvent::default()
                };
                if let Some(target) = pointer_mut(&mut v, &channel.template_pointer) {
                    *target = Value::String(released);
                }
                if self.api == ApiKind::Responses {
                    if let Some(seq) = v.get_mut("sequence_number") {
                        self.seq_shift = self.seq_shift.saturating_add(1);
                        let next = self.last_seq.map_or(0, |n| n.saturating_add(1));
                        *seq = Value::from(next);
                        self.last_seq = Some(next);
                    }
                }
                let data = serde_json::to_string(&v).map_err(|_| Blocked(None))?;
                encode_event(
                    &SseEvent {
                        data: Some(data),
                        ..ev
                    },
                    &mut step.out,
                );
            }
            self.remove_at(i);
        }
        Ok(())
    }

    fn remove_channels(&mut self, matches: impl Fn(&ChannelKey) -> bool) {
        let mut i = 0usize;
        while let Some(channel) = self.channels.get(i) {
            if matches(&channel.key) {
                self.remove_at(i);
            } else {
                i = i.saturating_add(1);
            }
        }
    }

    fn remove_at(&mut self, i: usize) {
        if i >= self.channels.len() {
            return;
        }
        let channel = self.channels.remove(i);
        if let Some(hasher) = channel.hasher {
            self.remember(hasher.finalize().into());
        }
    }

    fn remember(&mut self, digest: [u8; 32]) {
        if self.seen.len() >= MAX_DIGESTS {
            self.seen.remove(0);
        }
        self.seen.push(digest);
    }

    /// Forward an event whose JSON is `v`: re-serialised if `changed` (or
    /// renumbered), else its original data.
    fn emit_json(
        &mut self,
        mut ev: SseEvent,
        v: &mut Value,
        mut changed: bool,
        step: &mut StreamStep,
    ) -> Result<(), Blocked> {
        if self.api == ApiKind::Responses {
            if let Some(seq) = v.get_mut("sequence_number") {
                if let Some(n) = seq.as_u64() {
                    let n = n.saturating_add(self.seq_shift);
                    if self.seq_shift > 0 {
                        *seq = Value::from(n);
                        changed = true;
                    }
                    self.last_seq = Some(self.last_seq.map_or(n, |last| last.max(n)));
                }
            }
        }
        if changed {
            ev.data = Some(serde_json::to_string(v).map_err(|_| Blocked(None))?);
        }
        encode_event(&ev, &mut step.out);
        Ok(())
    }

    /// A non-JSON data payload on an API with no JSON promise: scan it whole.
    fn opaque_text<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        mut ev: SseEvent,
        step: &mut StreamStep,
    ) -> Result<(), Blocked> {
        if let Some(data) = ev.data.take() {
            let out = self.scan_full(scanner, &data, step)?;
            ev.data = Some(out.unwrap_or(data));
        }
        encode_event(&ev, &mut step.out);
        Ok(())
    }

    /// Scan a whole text that arrived in one piece; `Some(redacted)` if it
    /// changed. Findings are reported unless the text is one already
    /// streamed or reported (responses `.done` events repeat it).
    fn scan_full<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        text: &str,
        step: &mut StreamStep,
    ) -> Result<Option<String>, Blocked> {
        if text.is_empty() {
            return Ok(None);
        }
        self.found.clear();
        scanner.scan(text, &mut self.found);
        let len = text.len();
        self.found.retain(|f| f.m.start < f.m.end && f.m.end <= len);
        if let Some(b) = self.found.iter().find(|f| f.action == StreamAction::Block) {
            return Err(Blocked(Some(b.clone())));
        }
        if self.found.is_empty() {
            return Ok(None);
        }
        crate::sort::sort_by_key(&mut self.found, |f| (f.m.start, f.m.end));
        let digest: [u8; 32] = Sha256::digest(text.as_bytes()).into();
        if !self.seen.contains(&digest) {
            step.findings.extend(self.found.iter().cloned());
            self.remember(digest);
        }
        Ok(redact_all(text, &self.found))
    }

    /// Scan every string of `v` (under `keys`, if given), redacting in
    /// place; `true` if anything changed. Clears the `logprobs` beside any
    /// text that changed.
    fn rescan<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        v: &mut Value,
        keys: Option<&[&str]>,
        step: &mut StreamStep,
    ) -> Result<bool, Blocked> {
        match v {
            Value::String(s) if keys.is_none() => {
                if let Some(out) = self.scan_full(scanner, s, step)? {
                    *s = out;
                    return Ok(true);
                }
                Ok(false)
            }
            Value::Array(items) => {
                let mut changed = false;
                for item in items {
                    changed |= self.rescan(scanner, item, keys, step)?;
                }
                Ok(changed)
            }
            Value::Object(map) => {
                let mut changed = false;
                let mut text_changed = false;
                for (k, item) in map.iter_mut() {
                    if keys.is_some() && RESP_SKIP_KEYS.contains(&k.as_str()) {
                        continue;
                    }
                    if let (Value::String(s), Some(keys)) = (&mut *item, keys) {
                        if keys.contains(&k.as_str()) {
                            if let Some(out) = self.scan_full(scanner, s, step)? {
                                *s = out;
                                text_changed = true;
                            }
                        }
                        continue;
                    }
                    let item_changed = self.rescan(scanner, item, keys, step)?;
                    text_changed |= item_changed && item.is_string();
                    changed |= item_changed;
                }
                if text_changed {
                    if let Some(lp) = map.get_mut("logprobs") {
                        *lp = if lp.is_array() {
                            Value::Array(Vec::new())
                        } else {
                            Value::Null
                        };
                    }
                }
                Ok(changed || text_changed)
            }
            _ => Ok(false),
        }
    }

    fn has_channel(&self, key: &ChannelKey) -> bool {
        self.channels.iter().any(|c| c.key == *key)
    }

    /// A chat / completions chunk's top-level fields, as a synthetic event's
    /// skeleton around `choice`.
    fn chunk_template(v: &Value, choice: Value) -> Value {
        let mut top = v.as_object().cloned().unwrap_or_default();
        if let Some(usage) = top.get_mut("usage") {
            *usage = Value::Null;
        }
        top.remove("obfuscation");
        top.insert("choices".into(), Value::Array(vec![choice]));
        Value::Object(top)
    }

    fn layout_chat(&self, v: &Value, slots: &mut Vec<Slot>, ends: &mut Vec<End>) {
        if v.get("error").is_some_and(|e| !e.is_null()) {
            ends.push(End::All);
        }
        let Some(choices) = v.get("choices").and_then(Value::as_array) else {
            return;
        };
        for (k, choice) in choices.iter().enumerate() {
            let i = as_index(choice.get("index"), k);
            if !is_null_or_absent(choice.get("finish_reason")) {
                ends.push(End::Group(i));
            }
            let Some(delta) = choice.get("delta").and_then(Value::as_object) else {
                continue;
            };
            let base = format!("/choices/{k}");
            let skeleton = |delta: Value| {
                let mut c = Map::new();
                c.insert("index".into(), Value::from(i));
                c.insert("delta".into(), delta);
                c.insert("finish_reason".into(), Value::Null);
                if choice.get("logprobs").is_some() {
                    c.insert("logprobs".into(), Value::Null);
                }
                Self::chunk_template(v, Value::Object(c))
            };
            for field in CHAT_TEXT_FIELDS {
                let Some(Value::String(text)) = delta.get(field) else {
                    continue;
                };
                let key = ChannelKey {
                    group: i,
                    sub: 0,
                    field: Field::Delta(field),
                };
                let template = (!self.has_channel(&key)).then(|| {
                    let mut d = Map::new();
                    d.insert(field.into(), Value::String(String::new()));
                    (
                        skeleton(Value::Object(d)),
                        format!("/choices/0/delta/{field}"),
                    )
                });
                slots.push(Slot {
                    key,
                    pointer: format!("{base}/delta/{field}"),
                    text: text.clone(),
                    logprobs_at: Some(base.clone()),
                    template,
                });
            }
            // Text one object deep in the delta, `delta.<outer>.<inner>`: the
            // audio transcript (the completion's text when it speaks) and
            // legacy `function_call.arguments`.
            let nested = |outer: &str, inner: &str, field: Field| -> Option<Slot> {
                let Some(Value::String(text)) = delta.get(outer).and_then(|o| o.get(inner)) else {
                    return None;
                };
                let key = ChannelKey {
                    group: i,
                    sub: 0,
                    field,
                };
                let template = (!self.has_channel(&key)).then(|| {
                    let mut o = Map::new();
                    o.insert(inner.into(), Value::String(String::new()));
                    let mut d = Map::new();
                    d.insert(outer.into(), Value::Object(o));
                    (
                        skeleton(Value::Object(d)),
                        format!("/choices/0/delta/{outer}/{inner}"),
                    )
                });
                Some(Slot {
                    key,
                    pointer: format!("{base}/delta/{outer}/{inner}"),
                    text: text.clone(),
                    logprobs_at: Some(base.clone()),
                    template,
                })
            };
            slots.extend(nested("audio", "transcript", Field::AudioTranscript));
            if let Some(calls) = delta.get("tool_calls").and_then(Value::as_array) {
                for (m, call) in calls.iter().enumerate() {
                    let Some(Value::String(text)) =
                        call.get("function").and_then(|f| f.get("arguments"))
                    else {
                        continue;
                    };
                    let j = as_index(call.get("index"), m);
                    let key = ChannelKey {
                        group: i,
                        sub: 0,
                        field: Field::ToolArgs(j),
                    };
                    let template = (!self.has_channel(&key)).then(|| {
                        let mut f = Map::new();
                        f.insert("arguments".into(), Value::String(String::new()));
                        let mut c = Map::new();
                        c.insert("index".into(), Value::from(j));
                        c.insert("function".into(), Value::Object(f));
                        let mut d = Map::new();
                        d.insert("tool_calls".into(), Value::Array(vec![Value::Object(c)]));
                        (
                            skeleton(Value::Object(d)),
                            "/choices/0/delta/tool_calls/0/function/arguments".to_owned(),
                        )
                    });
                    slots.push(Slot {
                        key,
                        pointer: format!("{base}/delta/tool_calls/{m}/function/arguments"),
                        text: text.clone(),
                        logprobs_at: Some(base.clone()),
                        template,
                    });
                }
            }
            slots.extend(nested("function_call", "arguments", Field::FunctionCall));
        }
    }

    /// An event of an API the catalogue does not know: every string but
    /// identifiers is a channel keyed by its JSON pointer, so text streamed
    /// at one place across events is held back and scanned as one text (a
    /// TGI `token.text`, a proxy's own delta shape). Such channels end with
    /// the stream. A synthetic event is the first event with every other
    /// string emptied.
    fn layout_generic(root: &Value, pointer: &str, v: &Value, slots: &mut Vec<Slot>) {
        match v {
            Value::String(text) => {
                let mut template = root.clone();
                blank_strings(&mut template);
                slots.push(Slot {
                    key: ChannelKey {
                        group: 0,
                        sub: 0,
                        field: Field::Path(pointer.into()),
                    },
                    pointer: pointer.to_owned(),
                    text: text.clone(),
                    logprobs_at: None,
                    template: Some((template, pointer.to_owned())),
                });
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    Self::layout_generic(root, &format!("{pointer}/{i}"), item, slots);
                }
            }
            Value::Object(map) => {
                for (k, item) in map {
                    // Metadata keys are skipped, but not inside what the
                    // model writes as a tool call's arguments: there it
                    // chooses the keys (`{"created_at": "AKIA…"}`).
                    if item.is_string()
                        && GENERIC_SKIP_KEYS.contains(&k.as_str())
                        && !in_model_arguments(pointer)
                    {
                        continue;
                    }
                    Self::layout_generic(root, &format!("{pointer}/{}", ptr_key(k)), item, slots);
                }
            }
            _ => {}
        }
    }

    fn layout_completions(&self, v: &Value, slots: &mut Vec<Slot>, ends: &mut Vec<End>) {
        if v.get("error").is_some_and(|e| !e.is_null()) {
            ends.push(End::All);
        }
        let Some(choices) = v.get("choices").and_then(Value::as_array) else {
            return;
        };
        for (k, choice) in choices.iter().enumerate() {
            let i = as_index(choice.get("index"), k);
            if !is_null_or_absent(choice.get("finish_reason")) {
                ends.push(End::Group(i));
            }
            let Some(Value::String(text)) = choice.get("text") else {
                continue;
            };
            let key = ChannelKey {
                group: i,
                sub: 0,
                field: Field::Text,
            };
            let template = (!self.has_channel(&key)).then(|| {
                let mut c = Map::new();
                c.insert("index".into(), Value::from(i));
                c.insert("text".into(), Value::String(String::new()));
                c.insert("logprobs".into(), Value::Null);
                c.insert("finish_reason".into(), Value::Null);
                (
                    Self::chunk_template(v, Value::Object(c)),
                    "/choices/0/text".to_owned(),
                )
            });
            slots.push(Slot {
                key,
                pointer: format!("/choices/{k}/text"),
                text: text.clone(),
                logprobs_at: Some(format!("/choices/{k}")),
                template,
            });
        }
    }

    fn layout_responses(&self, ty: &str, v: &Value, slots: &mut Vec<Slot>, ends: &mut Vec<End>) {
        let group = as_index(v.get("output_index"), 0);
        let sub = as_index(v.get("content_index").or(v.get("summary_index")), 0);
        if let Some(prefix) = ty.strip_suffix(".delta") {
            let Some(Value::String(text)) = v.get("delta") else {
                return;
            };
            if ty == "response.audio.delta" {
                return;
            }
            let key = ChannelKey {
                group,
                sub,
                field: Field::Resp(prefix.into()),
            };
            let template = (!self.has_channel(&key)).then(|| {
                let mut t = v.clone();
                if let Some(obj) = t.as_object_mut() {
                    obj.insert("delta".into(), Value::String(String::new()));
                    obj.remove("obfuscation");
                    if let Some(lp) = obj.get_mut("logprobs") {
                        *lp = Value::Array(Vec::new());
                    }
                }
                (t, "/delta".to_owned())
            });
            slots.push(Slot {
                key,
                pointer: "/delta".to_owned(),
                text: text.clone(),
                logprobs_at: Some(String::new()),
                template,
            });
            return;
        }
        match ty {
            "response.content_part.done" => ends.push(End::GroupSub(group, sub)),
            "response.reasoning_summary_part.done" => ends.push(End::GroupSub(group, sub)),
            "response.output_item.done" => ends.push(End::Group(group)),
            "response.completed" | "response.incomplete" | "response.failed" | "error" => {
                ends.push(End::All)
            }
            _ => {
                if let Some(prefix) = ty.strip_suffix(".done") {
                    ends.push(End::Exact(ChannelKey {
                        group,
                        sub,
                        field: Field::Resp(prefix.into()),
                    }));
                }
            }
        }
    }

    /// Anthropic messages; full-text parts of `message_start` and a tool
    /// block's start `input` are rescanned here.
    fn layout_messages<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        ty: &str,
        v: &mut Value,
        slots: &mut Vec<Slot>,
        ends: &mut Vec<End>,
        step: &mut StreamStep,
    ) -> Result<bool, Blocked> {
        let i = as_index(v.get("index"), 0);
        let key = ChannelKey {
            group: i,
            sub: 0,
            field: Field::Block,
        };
        let skeleton = |delta_type: &str, field: &str| {
            let mut d = Map::new();
            d.insert("type".into(), Value::String(delta_type.into()));
            d.insert(field.into(), Value::String(String::new()));
            let mut e = Map::new();
            e.insert("type".into(), Value::String("content_block_delta".into()));
            e.insert("index".into(), Value::from(i));
            e.insert("delta".into(), Value::Object(d));
            (Value::Object(e), format!("/delta/{}", ptr_key(field)))
        };
        let mut changed = false;
        match ty {
            "content_block_start" => {
                let block_type = v
                    .pointer("/content_block/type")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let field = match block_type {
                    "text" => Some(("text_delta", "text")),
                    "thinking" => Some(("thinking_delta", "thinking")),
                    _ => None,
                };
                match field {
                    Some((delta_type, field)) => {
                        if let Some(Value::String(text)) =
                            v.get("content_block").and_then(|b| b.get(field))
                        {
                            slots.push(Slot {
                                key: key.clone(),
                                pointer: format!("/content_block/{field}"),
                                text: text.clone(),
                                logprobs_at: None,
                                template: (!self.has_channel(&key))
                                    .then(|| skeleton(delta_type, field)),
                            });
                        }
                    }
                    None => {
                        // Tool use, server tool results (web search, web
                        // fetch, code execution), documents: every string,
                        // as the non-streamed reading scans them.
                        if let Some(block) = v.pointer_mut("/content_block") {
                            changed |= self.rescan(scanner, block, None, step)?;
                        }
                    }
                }
            }
            "content_block_delta" => {
                let delta_type = v
                    .pointer("/delta/type")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                let delta_type = delta_type.as_str();
                let field = match delta_type {
                    "text_delta" => Some("text"),
                    "thinking_delta" => Some("thinking"),
                    "input_json_delta" => Some("partial_json"),
                    _ => None,
                };
                if field.is_none() && delta_type != "signature_delta" {
                    // `citations_delta` (the quoted text) and any delta
                    // kind not known here: scanned whole.
                    if let Some(delta) = v.pointer_mut("/delta") {
                        changed |= self.rescan(scanner, delta, None, step)?;
                    }
                }
                if let Some(field) = field {
                    if let Some(Value::String(text)) = v.get("delta").and_then(|d| d.get(field)) {
                        slots.push(Slot {
                            key: key.clone(),
                            pointer: format!("/delta/{field}"),
                            text: text.clone(),
                            logprobs_at: None,
                            template: (!self.has_channel(&key))
                                .then(|| skeleton(delta_type, field)),
                        });
                    }
                }
            }
            "content_block_stop" => ends.push(End::Group(i)),
            "message_stop" | "error" => ends.push(End::All),
            "message_start" => {
                if let Some(content) = v.pointer_mut("/message/content") {
                    changed |= self.rescan(scanner, content, None, step)?;
                }
            }
            _ => {}
        }
        Ok(changed)
    }

    /// Converse stream events (their `:event-type` is the SSE event
    /// name): each content block's text deltas are one channel —
    /// `delta.text`, `delta.reasoningContent.text` or `delta.toolUse.input`;
    /// a block ends at `contentBlockStop`, all at `messageStop` or an
    /// exception; other deltas (citations) and a tool call's start are
    /// scanned whole.
    fn layout_converse<S: TextScanner + ?Sized>(
        &mut self,
        scanner: &S,
        ty: &str,
        v: &mut Value,
        slots: &mut Vec<Slot>,
        ends: &mut Vec<End>,
        step: &mut StreamStep,
    ) -> Result<bool, Blocked> {
        let i = as_index(v.get("contentBlockIndex"), 0);
        let key = ChannelKey {
            group: i,
            sub: 0,
            field: Field::Block,
        };
        let mut changed = false;
        match ty {
            "contentBlockDelta" => {
                const TEXTS: [&str; 3] = ["/text", "/reasoningContent/text", "/toolUse/input"];
                let mut found = false;
                for at in TEXTS {
                    let Some(Value::String(text)) = v.pointer(&format!("/delta{at}")) else {
                        continue;
                    };
                    found = true;
                    let template = (!self.has_channel(&key)).then(|| {
                        let mut t = serde_json::json!({ "contentBlockIndex": i, "delta": {} });
                        let mut inner = Value::String(String::new());
                        for part in at.rsplit('/').filter(|p| !p.is_empty()) {
                            let mut m = Map::new();
                            m.insert(part.to_owned(), inner);
                            inner = Value::Object(m);
                        }
                        if let Some(d) = t.get_mut("delta") {
                            *d = inner;
                        }
                        (t, format!("/delta{at}"))
                    });
                    slots.push(Slot {
                        key: key.clone(),
                        pointer: format!("/delta{at}"),
                        text: text.clone(),
                        logprobs_at: None,
                        template,
                    });
                }
                let signature_only = v
                    .pointer("/delta/reasoningContent")
                    .and_then(Value::as_object)
                    .is_some_and(|r| r.keys().all(|k| k == "signature" || k == "redactedContent"));
                if !found && !signature_only {
                    if let Some(delta) = v.pointer_mut("/delta") {
                        changed |= self.rescan(scanner, delta, None, step)?;
                    }
                }
            }
            "contentBlockStart" => {
                if let Some(start) = v.pointer_mut("/start") {
                    changed |= self.rescan(scanner, start, None, step)?;
                }
            }
            "contentBlockStop" => ends.push(End::Group(i)),
            "messageStop" => {
                ends.push(End::All);
                if let Some(extra) = v.pointer_mut("/additionalModelResponseFields") {
                    changed |= self.rescan(scanner, extra, None, step)?;
                }
            }
            t if t.starts_with("exception:") || t.starts_with("error:") => ends.push(End::All),
            _ => {}
        }
        Ok(changed)
    }

    /// Whether an event whose text slots all came out empty can be dropped:
    /// it carries nothing else a client needs.
    fn droppable(&self, v: &Value) -> bool {
        let Some(obj) = v.as_object() else {
            return false;
        };
        match self.api {
            ApiKind::ChatCompletions => chunk_meta_only(obj, chat_choice_empty),
            ApiKind::Completions => chunk_meta_only(obj, completions_choice_empty),
            ApiKind::Responses => {
                obj.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.ends_with(".delta"))
                    && is_empty_text(obj.get("delta"))
            }
            ApiKind::BedrockConverse => obj.get("delta").is_some_and(all_text_empty),
            ApiKind::Messages | ApiKind::BedrockInvoke => {
                obj.get("type").and_then(Value::as_str) == Some("content_block_delta")
                    && obj
                        .get("delta")
                        .and_then(Value::as_object)
                        .is_some_and(|d| {
                            d.iter().all(|(k, v)| k == "type" || is_empty_text(Some(v)))
                        })
            }
            _ => false,
        }
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::error::{ErrorKind, ErrorReply};
    use crate::inspect::Family;
    use crate::request::sse::error_event;

    const SECRET: &str = "sk-SECRET0123456789";

    /// A test double for the detectors: literal rules (a key to redact, a
    /// word to block, a word to audit) and emails; holds back the trailing
    /// run of token characters, as the real pattern engine does for a token
    /// that may still grow.
    struct TestDoubleScanner;

    const LITERALS: [(&str, &str, StreamAction); 3] = [
        (SECRET, "test_key", StreamAction::Redact),
        ("BLOCK-ME-NOW", "blocked_word", StreamAction::Block),
        ("AUDIT-ME", "audited", StreamAction::Audit),
    ];

    fn is_token(c: char) -> bool {
        c.is_ascii_alphanumeric() || "-_.@+".contains(c)
    }

    fn finding(kind: &str, start: usize, end: usize, action: StreamAction) -> StreamFinding {
        StreamFinding {
            m: Match {
                family: Family::Secrets,
                kind: kind.into(),
                start,
                end,
            },
            action,
        }
    }

    impl TextScanner for TestDoubleScanner {
        fn scan(&self, text: &str, out: &mut Vec<StreamFinding>) {
            for (lit, kind, action) in LITERALS {
                for (i, _) in text.match_indices(lit) {
                    out.push(finding(kind, i, i + lit.len(), action));
                }
            }
            // Emails: a token run with a local part, '@' and a dotted domain.
            let mut start = None;
            for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
                match (is_token(c), start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        let run = text[s..i].trim_end_matches('.');
                        if let Some(at) = run.find('@') {
                            let domain = &run[at + 1..];
                            if at > 0 && domain.contains('.') && !domain.starts_with('.') {
                                out.push(finding("email", s, s + run.len(), StreamAction::Redact));
                            }
                        }
                        start = None;
                    }
                    _ => {}
                }
            }
        }

        fn hold_from(&self, text: &str) -> usize {
            let mut hold = text.len();
            for (i, c) in text.char_indices().rev() {
                if !is_token(c) {
                    break;
                }
                hold = i;
            }
            hold
        }
    }

    /// The whole text redacted in one go: what the stream must add up to.
    fn redacted(text: &str) -> String {
        let mut found = Vec::new();
        TestDoubleScanner.scan(text, &mut found);
        found.sort_by_key(|f| (f.m.start, f.m.end));
        redact_all(text, &found).unwrap_or_else(|| text.to_owned())
    }

    fn reply() -> ErrorReply {
        ErrorReply::new(ErrorKind::InvalidRequest, "blocked by policy", "req_1")
            .with_code("content_blocked")
    }

    #[derive(Debug)]
    struct Outcome {
        out: Vec<u8>,
        findings: Vec<StreamFinding>,
        blocked: bool,
        /// Output produced before end_of_stream.
        before_end: usize,
    }

    fn run_with(api: ApiKind, limits: StreamLimits, stream: &[u8], cuts: &[usize]) -> Outcome {
        let mut insp = StreamInspector::new(api, limits, error_event(api, &reply()));
        let mut out = Vec::new();
        let mut findings = Vec::new();
        let mut blocked = false;
        let mut prev = 0;
        for &cut in cuts.iter().chain([stream.len()].iter()) {
            let step = insp.push(&TestDoubleScanner, &stream[prev..cut], false);
            if blocked {
                assert_eq!(step, StreamStep::default(), "output after block");
            }
            blocked |= step.blocked;
            out.extend(step.out);
            findings.extend(step.findings);
            prev = cut;
        }
        let before_end = out.len();
        let step = insp.push(&TestDoubleScanner, &[], true);
        if blocked {
            assert_eq!(step, StreamStep::default(), "output after block");
        }
        blocked |= step.blocked;
        out.extend(step.out);
        findings.extend(step.findings);
        assert!(insp.is_done());
        assert_eq!(
            insp.push(&TestDoubleScanner, b"data: {}\n\n", true),
            StreamStep::default()
        );
        Outcome {
            out,
            findings,
            blocked,
            before_end,
        }
    }

    /// One push as a reader of the output sees it: each event's name, its
    /// data as JSON (or raw, when not JSON), then the findings and whether
    /// it blocked.
    type SeenStep = (
        Vec<(Option<String>, Option<Value>, Option<String>)>,
        Vec<StreamFinding>,
        bool,
    );

    /// Runs `stream` (cut at `cuts`) through an inspector with the steady
    /// chat path on or off: every step's output and findings, the blocks
    /// and the usage.
    fn run_paths(
        stream: &[u8],
        cuts: &[usize],
        steady: bool,
        limits: StreamLimits,
    ) -> (Vec<SeenStep>, Usage) {
        let api = ApiKind::ChatCompletions;
        let mut insp = StreamInspector::new(api, limits, error_event(api, &reply()));
        if !steady {
            insp = insp.general_path_only();
        }
        let mut steps = Vec::new();
        let mut prev = 0;
        let ends: Vec<usize> = cuts.iter().copied().chain([stream.len()]).collect();
        for (k, &cut) in ends.iter().enumerate() {
            let last = k == cuts.len();
            let step = insp.push(&TestDoubleScanner, &stream[prev..cut], last);
            // Events as a reader of the output sees them: the JSON of each.
            let mut parser = SseParser::new(1 << 20);
            let mut items = Vec::new();
            parser
                .push(&step.out, &mut items)
                .expect("our output parses");
            parser.finish(&mut items).expect("our output ends events");
            let events = items
                .into_iter()
                .map(|item| match item {
                    SseItem::Event(ev) => {
                        let json = ev
                            .data
                            .as_deref()
                            .and_then(|d| serde_json::from_str(d).ok());
                        let raw = if json.is_some() { None } else { ev.data };
                        (ev.event, json, raw)
                    }
                    SseItem::Comment(c) => (None, None, Some(c)),
                })
                .collect();
            steps.push((events, step.findings, step.blocked));
            prev = cut;
        }
        (steps, insp.usage())
    }

    #[test]
    fn the_steady_chat_path_does_what_the_general_path_does() {
        struct Gen(u64);
        impl Gen {
            fn next(&mut self) -> u64 {
                crate::inspect::tests::xorshift(&mut self.0);
                self.0
            }
            fn below(&mut self, n: usize) -> usize {
                (self.next() % n as u64) as usize
            }
        }
        // Text with what the test scanner redacts, blocks and audits,
        // escapes, and multi-byte characters, cut into pieces anywhere.
        let words = [
            "the ",
            "quick ",
            "brown ",
            "fox",
            " jumps",
            r"\n",
            r"\\",
            r#"\"q\" "#,
            r"caf\u00e9 ",
            "✓ ",
            "déjà ",
            SECRET,
            " ",
            "mail bob@example.com ",
            "AUDIT-ME ",
            "a.b@c.d",
            "sk-",
            "SECRET01",
            "23456789 ",
            "",
            "  ",
        ];
        let mut g = Gen(0x2545_f491_4f6c_dd1d);
        let (mut compared, mut blocked, mut found, mut steady_events) = (0, 0, 0, 0);
        for round in 0..1_500 {
            let mut stream = String::new();
            let ev = |stream: &mut String, json: &str| {
                stream.push_str("data: ");
                stream.push_str(json);
                stream.push_str("\n\n");
            };
            ev(
                &mut stream,
                r#"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"#,
            );
            for _ in 0..g.below(40) {
                let mut text = String::new();
                for _ in 0..1 + g.below(3) {
                    text.push_str(words[g.below(words.len())]);
                }
                if round % 50 == 0 && g.below(20) == 0 {
                    text.push_str("BLOCK-ME-NOW");
                }
                let index = if g.below(15) == 0 { 1 } else { 0 };
                let json = match g.below(22) {
                    0 => format!(
                        r#"{{"choices":[{{"index":{index},"delta":{{"content":"{text}"}}}}],"usage":null}}"#
                    ),
                    1 => format!(
                        r#"{{"choices":[{{"delta":{{"content":"{text}","role":"assistant"}},"index":{index}}}],"x":[1,{{"y":"z"}}]}}"#
                    ),
                    2 => format!(
                        r#"{{"choices":[{{"index":{index},"delta":{{"content":"{text}"}},"logprobs":{{"content":[]}}}}]}}"#
                    ),
                    3 => format!(
                        r#"{{"choices":[{{"index":0,"delta":{{"content":"{text}"}}}},{{"index":1,"delta":{{"content":"{text}"}}}}]}}"#
                    ),
                    4 => format!(
                        r#"{{ "choices" : [ {{ "index" : {index} , "delta" : {{ "content" : "{text}" }} }} ] , "id" : "c1" }}"#
                    ),
                    5 => format!(
                        r#"{{"choices":[{{"index":{index},"delta":{{"content":"{text}","content":"{text}x"}}}}]}}"#
                    ),
                    6 => format!(
                        r#"{{"choices":[{{"index":{index},"delta":{{"content":"{text}","refusal":null}}}}]}}"#
                    ),
                    7 => format!(
                        r#"{{"choices":[{{"index":"{index}","delta":{{"content":"{text}"}}}}],"id":"a","id":"b"}}"#
                    ),
                    8 => format!(
                        r#"{{"choices":[{{"index":{index},"delta":{{"role":"assistant","content":"{text}"}}}}]}}"#
                    ),
                    9 => format!(
                        r#"{{"choices":[{{"index":{index},"delta":{{"content":"{text}"}},"finish_reason":"length"}}]}}"#
                    ),
                    10 => format!(
                        r#"{{"choices":[{{"index":{index},"delta":{{"content":"{text}"}}}}],"error":{{"message":"x"}}}}"#
                    ),
                    11 => format!(
                        r#"{{"choices":[{{"index":{index},"delta":{{"content":"{text}"}}}}],"usage":{{"prompt_tokens":1,"completion_tokens":2}}}}"#
                    ),
                    12 => format!(
                        r#"{{"choices":[{{"index":{index},"delta":{{"content":"{text}"}}}}],"error":null}}"#
                    ),
                    _ => format!(
                        r#"{{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{{"index":{index},"delta":{{"content":"{text}"}},"logprobs":null,"finish_reason":null}}]}}"#
                    ),
                };
                if crate::inspect::steady::read(&json).is_some() {
                    steady_events += 1;
                }
                ev(&mut stream, &json);
            }
            if g.below(2) == 0 {
                ev(
                    &mut stream,
                    r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
                );
                ev(
                    &mut stream,
                    r#"{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7}}"#,
                );
            }
            ev(&mut stream, "[DONE]");
            let bytes = stream.as_bytes();
            let mut cuts: Vec<usize> = (0..g.below(12)).map(|_| g.below(bytes.len())).collect();
            cuts.sort_unstable();
            let limits = StreamLimits {
                max_hold_bytes: if round % 3 == 0 { 16 } else { 4096 },
                ..StreamLimits::default()
            };
            let general = run_paths(bytes, &cuts, false, limits);
            let steady = run_paths(bytes, &cuts, true, limits);
            assert_eq!(steady, general, "{stream}\ncuts {cuts:?}");
            compared += 1;
            blocked += usize::from(general.0.iter().any(|s| s.2));
            found += usize::from(general.0.iter().any(|s| !s.1.is_empty()));
        }
        assert!(
            compared == 1_500 && blocked > 5 && found > 500 && steady_events > 10_000,
            "{blocked} {found} {steady_events}"
        );
    }

    fn run(api: ApiKind, stream: &[u8], cuts: &[usize]) -> Outcome {
        run_with(api, StreamLimits::default(), stream, cuts)
    }

    /// A strict reading of our output: canonical SSE (LF only, every event
    /// complete), as `(event, data)` pairs.
    fn strict_parse(out: &[u8]) -> Vec<(Option<String>, String)> {
        let s = std::str::from_utf8(out).expect("output is UTF-8");
        assert!(!s.contains('\r'), "output is LF-only");
        assert!(s.is_empty() || s.ends_with('\n'), "output ends a line");
        let mut events = Vec::new();
        let (mut event, mut data): (Option<String>, Option<String>) = (None, None);
        for line in s[..s.len().saturating_sub(1)].split('\n') {
            if line.is_empty() {
                let d = data.take().expect("an event with data");
                events.push((event.take(), d));
            } else if line.starts_with(':') {
            } else if let Some(v) = line.strip_prefix("event: ") {
                event = Some(v.to_owned());
            } else if let Some(v) = line.strip_prefix("data: ") {
                data = Some(match data {
                    Some(d) => format!("{d}\n{v}"),
                    None => v.to_owned(),
                });
            } else {
                panic!("unexpected line {line:?}");
            }
        }
        assert!(
            event.is_none() && data.is_none(),
            "no incomplete event at the end"
        );
        events
    }

    fn json_events(out: &[u8]) -> Vec<(Option<String>, Value)> {
        strict_parse(out)
            .into_iter()
            .filter(|(_, d)| d != "[DONE]")
            .map(|(e, d)| (e, serde_json::from_str(&d).expect("data is JSON")))
            .collect()
    }

    fn assert_no_secret(out: &[u8]) {
        let s = String::from_utf8_lossy(out);
        for bad in ["SECRET", "0123456789", "bob@", "example.com"] {
            assert!(!s.contains(bad), "{bad:?} leaked in {s}");
        }
    }

    /// Ollama's NDJSON (the bad-input catalogue's finding): held text is
    /// released before or in the `done` line, never after it (a client
    /// stops reading there), and per-line metadata is not text: each
    /// line's `created_at` comes out as it went in. At every cut.
    #[test]
    fn native_stream_releases_before_its_last_line_and_keeps_metadata() {
        let line = |t: &str, content: &str, done: bool| {
            let mut v = serde_json::json!({"model": "llama3", "created_at": t,
                "message": {"role": "assistant", "content": content}, "done": done});
            if done {
                v["done_reason"] = "stop".into();
                v["eval_count"] = 5.into();
            }
            format!("{v}\n")
        };
        let stream = [
            line("2026-01-01T00:00:01Z", "Key sk-SECRET01", false),
            line("2026-01-01T00:00:02Z", "23456789 ok", false),
            line("2026-01-01T00:00:03Z", "", true),
        ]
        .concat();
        for cut in 0..=stream.len() {
            let mut insp = StreamInspector::framed(
                ApiKind::OllamaChat,
                Framing::Ndjson,
                StreamLimits::default(),
                error_event(ApiKind::OllamaChat, &reply()),
            );
            let mut out = insp
                .push(&TestDoubleScanner, &stream.as_bytes()[..cut], false)
                .out;
            out.extend(
                insp.push(&TestDoubleScanner, &stream.as_bytes()[cut..], true)
                    .out,
            );
            let lines: Vec<Value> = std::str::from_utf8(&out)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            let text: String = lines
                .iter()
                .map(|l| l["message"]["content"].as_str().unwrap())
                .collect();
            assert_eq!(text, redacted("Key sk-SECRET0123456789 ok"), "cut {cut}");
            assert_eq!(lines.last().unwrap()["done"], true, "cut {cut}: {lines:?}");
            assert_eq!(
                lines.iter().filter(|l| l["done"] == true).count(),
                1,
                "cut {cut}"
            );
            for l in &lines {
                let t = l["created_at"].as_str().unwrap();
                assert!(
                    t.starts_with("2026-01-01T00:00:0") && t.len() == 20,
                    "cut {cut}: {t:?}"
                );
            }
            assert_eq!(lines.last().unwrap()["done_reason"], "stop");
        }
    }

    /// Metadata keys are not skipped inside a tool call's arguments, where
    /// the model picks the keys (found in review).
    #[test]
    fn a_secret_under_a_metadata_key_in_tool_arguments_is_redacted() {
        let line = serde_json::json!({"model": "llama3", "created_at": "2026-01-01T00:00:01Z",
            "message": {"role": "assistant", "content": "",
                "tool_calls": [{"function": {"name": "f",
                    "arguments": {"created_at": SECRET, "id": SECRET}}}]},
            "done": true, "eval_count": 5});
        let stream = format!("{line}\n");
        let mut insp = StreamInspector::framed(
            ApiKind::OllamaChat,
            Framing::Ndjson,
            StreamLimits::default(),
            error_event(ApiKind::OllamaChat, &reply()),
        );
        let out = insp.push(&TestDoubleScanner, stream.as_bytes(), true).out;
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains("SECRET"), "{out}");
        assert!(out.contains("2026-01-01T00:00:01Z"), "{out}");
    }

    /// Gemini with two candidates: the first finishing does not release
    /// the start of a secret the second is holding (found in review).
    #[test]
    fn one_gemini_candidate_finishing_leaves_the_others_held() {
        let chunk = |a: &str, b: &str, first_done: bool, second_done: bool| {
            let cand = |i: u64, t: &str, done: bool| {
                let mut c = serde_json::json!({"index": i,
                    "content": {"role": "model", "parts": [{"text": t}]}});
                if done {
                    c["finishReason"] = "STOP".into();
                }
                c
            };
            let v = serde_json::json!({"candidates": [cand(0, a, first_done), cand(1, b, second_done)]});
            format!("data: {v}\n\n")
        };
        let stream = [
            chunk("Hello", "Key sk-SECRET01", false, false),
            chunk(" done", "", true, false),
            chunk("", "23456789 ok", false, true),
        ]
        .concat();
        for cut in 0..=stream.len() {
            let out = run(ApiKind::Gemini, stream.as_bytes(), &[cut]).out;
            assert_no_secret(&out);
        }
    }

    /// Cut points: every single offset, then pseudo-random multi-splits.
    fn splits(len: usize) -> Vec<Vec<usize>> {
        let mut all: Vec<Vec<usize>> = (0..=len).map(|c| vec![c]).collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            crate::inspect::tests::xorshift(&mut seed);
            seed
        };
        for _ in 0..200 {
            let n = (next() % 12) as usize + 1;
            let mut cuts: Vec<usize> = (0..n).map(|_| (next() as usize) % (len + 1)).collect();
            cuts.sort_unstable();
            all.push(cuts);
        }
        all.push((1..len).collect());
        all
    }

    fn pieces(text: &str, sizes: &[usize]) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = text;
        let mut i = 0;
        while !rest.is_empty() {
            let mut n = sizes[i % sizes.len()].min(rest.len());
            while !rest.is_char_boundary(n) {
                n += 1;
            }
            out.push(rest[..n].to_owned());
            rest = &rest[n..];
            i += 1;
        }
        out
    }

    fn sse(data: &Value) -> String {
        format!("data: {data}\n\n")
    }

    fn named(event: &str, data: &Value) -> String {
        format!("event: {event}\ndata: {data}\n\n")
    }

    const TEXT: &str =
        "Hello, your key is sk-SECRET0123456789 and mail bob@example.com, AUDIT-ME ok. caf\u{e9}! bye";
    const ARGS: &str = r#"{"key":"sk-SECRET0123456789","to":"bob@example.com"}"#;

    fn chat_stream() -> String {
        let base = |choices: Value| serde_json::json!({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt","choices":choices});
        let mut s = String::new();
        s.push_str(&sse(&base(serde_json::json!([{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]))));
        for p in pieces(TEXT, &[3, 5, 2, 7]) {
            s.push_str(&sse(&base(serde_json::json!([{"index":0,"delta":{"content":p},"logprobs":null,"finish_reason":null}]))));
        }
        s.push_str(&sse(&base(serde_json::json!([{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"send","arguments":""}}]},"finish_reason":null}]))));
        for p in pieces(ARGS, &[4, 6]) {
            s.push_str(&sse(&base(serde_json::json!([{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":p}}]},"finish_reason":null}]))));
        }
        s.push_str(&sse(&base(
            serde_json::json!([{"index":0,"delta":{},"finish_reason":"stop"}]),
        )));
        s.push_str(&sse(&serde_json::json!({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}})));
        s.push_str("data: [DONE]\n\n");
        s
    }

    /// Content and tool arguments of choice 0, and whether the finish and
    /// usage chunks came after all text, and [DONE] last.
    fn chat_reassemble(out: &[u8]) -> (String, String) {
        let events = strict_parse(out);
        assert_eq!(events.last().map(|e| e.1.as_str()), Some("[DONE]"));
        let (mut content, mut args) = (String::new(), String::new());
        let mut finished = false;
        let mut role_seen = false;
        for (_, data) in &events[..events.len() - 1] {
            let v: Value = serde_json::from_str(data).unwrap();
            for c in v["choices"].as_array().unwrap() {
                let delta = &c["delta"];
                if delta.get("role").is_some() {
                    role_seen = true;
                }
                if let Some(t) = delta["content"].as_str() {
                    assert!(!finished || t.is_empty(), "text after finish");
                    content.push_str(t);
                }
                for call in delta["tool_calls"].as_array().into_iter().flatten() {
                    assert_eq!(call["index"], 0);
                    if let Some(t) = call["function"]["arguments"].as_str() {
                        assert!(!finished || t.is_empty(), "args after finish");
                        args.push_str(t);
                    }
                }
                if !c["finish_reason"].is_null() {
                    finished = true;
                }
            }
        }
        assert!(role_seen && finished);
        (content, args)
    }

    #[test]
    fn pointer_mut_agrees_with_serde_json() {
        let doc = serde_json::json!({"a": {"b/c": [1, {"d~e": 2}], "": 3, "01": 4}, "x": [[5]]});
        for p in [
            "",
            "/a",
            "/a/b~1c",
            "/a/b~1c/0",
            "/a/b~1c/1/d~0e",
            "/a/",
            "/a/01",
            "/x/0/0",
            "/x/00",
            "/x/+0",
            "/x/1",
            "/a/b/c",
            "a",
            "/nope",
            "/x/0/0/0",
            "/a/b~1c/-1",
        ] {
            let (mut ours, mut theirs) = (doc.clone(), doc.clone());
            assert_eq!(
                pointer_mut(&mut ours, p).map(|v| v.clone()),
                theirs.pointer_mut(p).map(|v| v.clone()),
                "{p}"
            );
        }
        assert_eq!(ptr_key("a/b~c"), "a~1b~0c");
        assert_eq!(ptr_key("plain"), "plain");
    }

    #[test]
    fn chat_secret_split_across_events_and_every_chunking() {
        let stream = chat_stream();
        let want = (redacted(TEXT), redacted(ARGS));
        assert!(want.0.contains("[REDACTED:test_key]") && want.0.contains("[REDACTED:email]"));
        for cuts in splits(stream.len()) {
            let o = run(ApiKind::ChatCompletions, stream.as_bytes(), &cuts);
            assert!(!o.blocked);
            assert_eq!(chat_reassemble(&o.out), want, "cuts {cuts:?}");
            assert_no_secret(&o.out);
            // Each match reported once: key, email, audit in text; key, email in args.
            let mut kinds: Vec<&str> = o.findings.iter().map(|f| &*f.m.kind).collect();
            kinds.sort_unstable();
            assert_eq!(
                kinds,
                ["audited", "email", "email", "test_key", "test_key"],
                "cuts {cuts:?}"
            );
        }
    }

    #[test]
    fn chat_crlf_and_cr_line_endings() {
        let text = "key sk-SECRET0123456789 end";
        let mut stream = String::new();
        for p in pieces(text, &[5, 7]) {
            stream.push_str(&sse(
                &serde_json::json!({"choices":[{"index":0,"delta":{"content":p}}]}),
            ));
        }
        stream.push_str("data: [DONE]\n\n");
        for ending in ["\r\n", "\r"] {
            let s = stream.replace('\n', ending);
            for cuts in splits(s.len()) {
                let o = run(ApiKind::ChatCompletions, s.as_bytes(), &cuts);
                let events = strict_parse(&o.out);
                assert_eq!(events.last().unwrap().1, "[DONE]");
                let got: String = json_events(&o.out)
                    .iter()
                    .map(|(_, v)| {
                        v["choices"][0]["delta"]["content"]
                            .as_str()
                            .unwrap()
                            .to_owned()
                    })
                    .collect();
                assert_eq!(got, "key [REDACTED:test_key] end");
                assert_no_secret(&o.out);
            }
        }
    }

    /// Counts the bytes the inspector hands to the scanner.
    struct CountingScanner {
        scanned: std::cell::Cell<usize>,
        held: std::cell::Cell<usize>,
    }

    impl TextScanner for CountingScanner {
        fn scan(&self, text: &str, out: &mut Vec<StreamFinding>) {
            self.scanned.set(self.scanned.get() + text.len());
            TestDoubleScanner.scan(text, out);
        }
        fn hold_from(&self, text: &str) -> usize {
            self.held.set(self.held.get() + text.len());
            TestDoubleScanner.hold_from(text)
        }
    }

    #[test]
    fn work_per_event_does_not_grow_with_the_stream() {
        let per_event = |events: usize| {
            let scanner = CountingScanner {
                scanned: 0.into(),
                held: 0.into(),
            };
            let mut insp = StreamInspector::new(
                ApiKind::ChatCompletions,
                StreamLimits::default(),
                Vec::new(),
            );
            let words = [
                "the ",
                "cat",
                " sat",
                " on ",
                "mat.",
                " sk-SEC",
                "RET0123456789 ",
            ];
            for i in 0..events {
                let ev = sse(
                    &serde_json::json!({"choices":[{"index":0,"delta":{"content":words[i % words.len()]}}]}),
                );
                let step = insp.push(&scanner, ev.as_bytes(), false);
                assert!(!String::from_utf8_lossy(&step.out).contains("SECRET"));
            }
            (scanner.scanned.get() / events, scanner.held.get() / events)
        };
        let small = per_event(2000);
        let large = per_event(8000);
        // Equal but for the first events, whose context is still filling.
        assert!(
            large.0.abs_diff(small.0) <= 4 && large.1.abs_diff(small.1) <= 4,
            "per-event work is constant: {small:?} vs {large:?}"
        );
        assert!(
            small.0 <= CONTEXT_BYTES + 16 && small.1 <= CONTEXT_BYTES + 32,
            "{small:?}"
        );
    }

    #[test]
    fn chat_audio_transcripts_are_a_channel() {
        let secret = "sk-SECRET0123456789";
        let events: Vec<String> = ["Here: sk-SEC", "RET0123456789 done"]
            .iter()
            .map(|t| {
                sse(&serde_json::json!({"choices": [{"index": 0,
                    "delta": {"audio": {"id": "a", "transcript": t}}}]}))
            })
            .collect();
        let mut insp = StreamInspector::new(
            ApiKind::ChatCompletions,
            StreamLimits::default(),
            Vec::new(),
        );
        let scanner = TestDoubleScanner;
        let mut out = Vec::new();
        for (i, e) in events.iter().enumerate() {
            out.extend(insp.push(&scanner, e.as_bytes(), i + 1 == events.len()).out);
        }
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains(secret), "{out}");
        assert!(out.contains("[REDACTED:"), "{out}");
    }

    #[test]
    fn chat_event_shapes_are_kept() {
        let o = run(ApiKind::ChatCompletions, chat_stream().as_bytes(), &[]);
        let events = json_events(&o.out);
        // Role chunk kept (empty content), finish chunk, usage chunk kept.
        assert_eq!(events[0].1["choices"][0]["delta"]["role"], "assistant");
        assert_eq!(events[0].1["id"], "chatcmpl-1");
        let finish = events
            .iter()
            .position(|(_, v)| v["choices"][0]["finish_reason"] == "stop")
            .unwrap();
        assert_eq!(finish, events.len() - 2);
        assert_eq!(events[events.len() - 1].1["usage"]["total_tokens"], 3);
        // The tool call's opening delta keeps its id and name.
        assert!(events
            .iter()
            .any(
                |(_, v)| v["choices"][0]["delta"]["tool_calls"][0]["id"] == "call_1"
                    && v["choices"][0]["delta"]["tool_calls"][0]["function"]["name"] == "send"
            ));
        // Every chunk keeps the model and object.
        assert!(events
            .iter()
            .all(|(_, v)| v["model"] == "gpt" && v["object"] == "chat.completion.chunk"));
    }

    #[test]
    fn time_to_first_token_does_not_wait_for_the_end() {
        let base =
            |t: &str| sse(&serde_json::json!({"choices":[{"index":0,"delta":{"content":t}}]}));
        let mut insp = StreamInspector::new(
            ApiKind::ChatCompletions,
            StreamLimits::default(),
            error_event(ApiKind::ChatCompletions, &reply()),
        );
        let step = insp.push(&TestDoubleScanner, base("Hello there, ").as_bytes(), false);
        let events = json_events(&step.out);
        assert_eq!(
            events[0].1["choices"][0]["delta"]["content"],
            "Hello there, "
        );
        // A trailing word is held until it is known to be complete.
        let step = insp.push(&TestDoubleScanner, base("how are").as_bytes(), false);
        assert_eq!(
            json_events(&step.out)[0].1["choices"][0]["delta"]["content"],
            "how "
        );
        let step = insp.push(&TestDoubleScanner, base(" you").as_bytes(), false);
        assert_eq!(
            json_events(&step.out)[0].1["choices"][0]["delta"]["content"],
            "are "
        );
        // The end flushes the rest as a synthetic delta before [DONE].
        let step = insp.push(&TestDoubleScanner, b"data: [DONE]\n\n", false);
        let events = strict_parse(&step.out);
        assert_eq!(events.len(), 2);
        let v: Value = serde_json::from_str(&events[0].1).unwrap();
        assert_eq!(v["choices"][0]["delta"]["content"], "you");
        assert_eq!(events[1].1, "[DONE]");
        // A held secret in the main test stream: output flows before the end.
        let o = run(ApiKind::ChatCompletions, chat_stream().as_bytes(), &[]);
        assert_eq!(o.before_end, o.out.len());
    }

    #[test]
    fn chat_block_mid_stream_ends_with_an_error_event() {
        let text = "Safe words first. Then BLOCK-ME-NOW and sk-SECRET0123456789 after.";
        let mut s = String::new();
        for p in pieces(text, &[4, 3]) {
            s.push_str(&sse(
                &serde_json::json!({"choices":[{"index":0,"delta":{"content":p}}]}),
            ));
        }
        s.push_str("data: [DONE]\n\n");
        for cuts in splits(s.len()) {
            let o = run(ApiKind::ChatCompletions, s.as_bytes(), &cuts);
            assert!(o.blocked);
            assert_no_secret(&o.out);
            let events = strict_parse(&o.out);
            let n = events.len();
            assert_eq!(events[n - 1].1, "[DONE]");
            let err: Value = serde_json::from_str(&events[n - 2].1).unwrap();
            assert_eq!(err["error"]["message"], "blocked by policy");
            assert_eq!(err["error"]["code"], "content_blocked");
            let released: String = events[..n - 2]
                .iter()
                .map(|(_, d)| {
                    let v: Value = serde_json::from_str(d).unwrap();
                    v["choices"][0]["delta"]["content"]
                        .as_str()
                        .unwrap()
                        .to_owned()
                })
                .collect();
            assert!(
                text.starts_with(&released) && !released.contains("BLOCK"),
                "{released:?}"
            );
            assert!(o.findings.iter().any(|f| f.action == StreamAction::Block));
        }
    }

    #[test]
    fn max_hold_caps_what_a_channel_holds() {
        let limits = StreamLimits {
            max_hold_bytes: 32,
            ..StreamLimits::default()
        };
        let mut insp = StreamInspector::new(
            ApiKind::ChatCompletions,
            limits,
            error_event(ApiKind::ChatCompletions, &reply()),
        );
        let token = "abcdefghij".repeat(50);
        let mut out = Vec::new();
        for p in pieces(&token, &[7]) {
            let ev = sse(&serde_json::json!({"choices":[{"index":0,"delta":{"content":p}}]}));
            let step = insp.push(&TestDoubleScanner, ev.as_bytes(), false);
            assert!(insp.held_bytes() <= 32, "held {}", insp.held_bytes());
            out.extend(step.out);
        }
        // Most of the endless token went out before the end.
        let early: String = json_events(&out)
            .iter()
            .map(|(_, v)| {
                v["choices"][0]["delta"]["content"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert!(early.len() >= token.len() - 32);
        let step = insp.push(&TestDoubleScanner, &[], true);
        out.extend(step.out);
        let all: String = json_events(&out)
            .iter()
            .map(|(_, v)| {
                v["choices"][0]["delta"]["content"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(all, token);
    }

    #[test]
    fn a_match_straddling_the_cap_is_released_whole_and_redacted() {
        let limits = StreamLimits {
            max_hold_bytes: 8,
            ..StreamLimits::default()
        };
        let text = format!("xx{SECRET}yy tail");
        let mut s = String::new();
        for p in pieces(&text, &[3]) {
            s.push_str(&sse(
                &serde_json::json!({"choices":[{"index":0,"delta":{"content":p}}]}),
            ));
        }
        for cut in 0..=s.len() {
            let o = run_with(ApiKind::ChatCompletions, limits, s.as_bytes(), &[cut]);
            assert!(!String::from_utf8_lossy(&o.out).contains("SECRET0123456789"));
        }
    }

    fn completions_stream() -> String {
        let mut s = String::new();
        for p in pieces(TEXT, &[4, 9, 1]) {
            s.push_str(&sse(&serde_json::json!({"id":"cmpl-1","object":"text_completion","model":"m","choices":[{"index":0,"text":p,"logprobs":null,"finish_reason":null}]})));
        }
        s.push_str(&sse(&serde_json::json!({"id":"cmpl-1","object":"text_completion","model":"m","choices":[{"index":0,"text":"","logprobs":null,"finish_reason":"length"}]})));
        s.push_str("data: [DONE]\n\n");
        s
    }

    #[test]
    fn completions_every_chunking() {
        let s = completions_stream();
        let want = redacted(TEXT);
        for cuts in splits(s.len()) {
            let o = run(ApiKind::Completions, s.as_bytes(), &cuts);
            let events = json_events(&o.out);
            let text: String = events
                .iter()
                .map(|(_, v)| v["choices"][0]["text"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(text, want);
            assert_eq!(
                events.last().unwrap().1["choices"][0]["finish_reason"],
                "length"
            );
            assert_no_secret(&o.out);
        }
    }

    fn responses_stream() -> String {
        let mut seq = 0u64;
        let mut next = || {
            seq += 1;
            seq - 1
        };
        let mut s = String::new();
        let mut ev = |v: Value| {
            let ty = v["type"].as_str().unwrap().to_owned();
            s.push_str(&named(&ty, &v));
        };
        ev(
            serde_json::json!({"type":"response.created","sequence_number":next(),"response":{"id":"resp_1","status":"in_progress","output":[],"instructions":"be nice"}}),
        );
        ev(
            serde_json::json!({"type":"response.output_item.added","sequence_number":next(),"output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","content":[]}}),
        );
        ev(
            serde_json::json!({"type":"response.content_part.added","sequence_number":next(),"output_index":0,"content_index":0,"item_id":"msg_1","part":{"type":"output_text","text":"","annotations":[]}}),
        );
        for p in pieces(TEXT, &[5, 2, 6]) {
            ev(
                serde_json::json!({"type":"response.output_text.delta","sequence_number":next(),"output_index":0,"content_index":0,"item_id":"msg_1","delta":p,"logprobs":[]}),
            );
        }
        ev(
            serde_json::json!({"type":"response.output_text.done","sequence_number":next(),"output_index":0,"content_index":0,"item_id":"msg_1","text":TEXT,"logprobs":[]}),
        );
        ev(
            serde_json::json!({"type":"response.content_part.done","sequence_number":next(),"output_index":0,"content_index":0,"item_id":"msg_1","part":{"type":"output_text","text":TEXT,"annotations":[]}}),
        );
        ev(
            serde_json::json!({"type":"response.output_item.done","sequence_number":next(),"output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":TEXT,"annotations":[]}]}}),
        );
        ev(
            serde_json::json!({"type":"response.output_item.added","sequence_number":next(),"output_index":1,"item":{"id":"fc_1","type":"function_call","name":"send","arguments":"","call_id":"call_1"}}),
        );
        for p in pieces(ARGS, &[3, 8]) {
            ev(
                serde_json::json!({"type":"response.function_call_arguments.delta","sequence_number":next(),"output_index":1,"item_id":"fc_1","delta":p}),
            );
        }
        ev(
            serde_json::json!({"type":"response.function_call_arguments.done","sequence_number":next(),"output_index":1,"item_id":"fc_1","arguments":ARGS}),
        );
        ev(
            serde_json::json!({"type":"response.output_item.done","sequence_number":next(),"output_index":1,"item":{"id":"fc_1","type":"function_call","name":"send","arguments":ARGS,"call_id":"call_1"}}),
        );
        ev(
            serde_json::json!({"type":"response.completed","sequence_number":next(),"response":{"id":"resp_1","status":"completed","instructions":"be nice","output":[
            {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":TEXT,"annotations":[]}]},
            {"id":"fc_1","type":"function_call","name":"send","arguments":ARGS,"call_id":"call_1"}]}}),
        );
        s
    }

    #[test]
    fn responses_deltas_and_full_text_events_every_chunking() {
        let s = responses_stream();
        let (want_text, want_args) = (redacted(TEXT), redacted(ARGS));
        for cuts in splits(s.len()) {
            let o = run(ApiKind::Responses, s.as_bytes(), &cuts);
            assert!(!o.blocked);
            assert_no_secret(&o.out);
            let events = json_events(&o.out);
            let mut last_seq = None;
            let (mut text, mut args) = (String::new(), String::new());
            let mut done_seen = 0;
            for (name, v) in &events {
                let ty = v["type"].as_str().unwrap();
                assert_eq!(name.as_deref(), Some(ty), "event name matches type");
                let seq = v["sequence_number"].as_u64().unwrap();
                assert!(
                    last_seq.is_none_or(|l| seq > l),
                    "sequence numbers increase"
                );
                last_seq = Some(seq);
                match ty {
                    "response.output_text.delta" => {
                        // Synthetic deltas (the held "bye") keep the item's ids.
                        assert_eq!(
                            (&v["item_id"], &v["content_index"]),
                            (&Value::from("msg_1"), &Value::from(0))
                        );
                        text.push_str(v["delta"].as_str().unwrap())
                    }
                    "response.function_call_arguments.delta" => {
                        args.push_str(v["delta"].as_str().unwrap())
                    }
                    "response.output_text.done" => {
                        assert_eq!(text, want_text, "deltas complete before .done");
                        assert_eq!(v["text"], want_text.as_str());
                        done_seen += 1;
                    }
                    "response.content_part.done" => {
                        assert_eq!(v["part"]["text"], want_text.as_str());
                        done_seen += 1;
                    }
                    "response.function_call_arguments.done" => {
                        assert_eq!(args, want_args);
                        assert_eq!(v["arguments"], want_args.as_str());
                        done_seen += 1;
                    }
                    "response.output_item.done" => done_seen += 1,
                    "response.completed" => {
                        let out = &v["response"]["output"];
                        assert_eq!(out[0]["content"][0]["text"], want_text.as_str());
                        assert_eq!(out[1]["arguments"], want_args.as_str());
                        assert_eq!(v["response"]["instructions"], "be nice");
                        done_seen += 1;
                    }
                    _ => {}
                }
            }
            assert_eq!(done_seen, 6);
            assert_eq!((text, args), (want_text.clone(), want_args.clone()));
            // Full-text events repeat what the deltas streamed: no double count.
            let mut kinds: Vec<&str> = o.findings.iter().map(|f| &*f.m.kind).collect();
            kinds.sort_unstable();
            assert_eq!(
                kinds,
                ["audited", "email", "email", "test_key", "test_key"],
                "cuts {cuts:?}"
            );
        }
    }

    #[test]
    fn responses_full_text_that_was_never_streamed_is_scanned_and_reported() {
        let s = named(
            "response.output_text.done",
            &serde_json::json!({"type":"response.output_text.done","sequence_number":3,"output_index":0,"content_index":0,"text":TEXT}),
        );
        let o = run(ApiKind::Responses, s.as_bytes(), &[]);
        assert_no_secret(&o.out);
        assert_eq!(json_events(&o.out)[0].1["text"], redacted(TEXT).as_str());
        assert_eq!(o.findings.len(), 3);
    }

    #[test]
    fn responses_block_is_an_error_event_numbered_after_the_last() {
        let mut s = String::new();
        for (i, p) in pieces("fine text BLOCK-ME-NOW more", &[4])
            .into_iter()
            .enumerate()
        {
            s.push_str(&named("response.output_text.delta", &serde_json::json!({"type":"response.output_text.delta","sequence_number":10 + i,"output_index":0,"content_index":0,"delta":p})));
        }
        for cut in 0..=s.len() {
            let o = run(ApiKind::Responses, s.as_bytes(), &[cut]);
            assert!(o.blocked);
            let events = json_events(&o.out);
            let (name, err) = events.last().unwrap();
            assert_eq!(name.as_deref(), Some("error"));
            assert_eq!(err["message"], "blocked by policy");
            assert_eq!(err["error"]["message"], "blocked by policy");
            let prev = events[..events.len() - 1]
                .iter()
                .map(|(_, v)| v["sequence_number"].as_u64().unwrap())
                .max();
            assert_eq!(
                err["sequence_number"].as_u64(),
                Some(prev.map_or(0, |p| p + 1))
            );
        }
    }

    fn messages_stream() -> String {
        let mut s = String::new();
        let mut ev = |v: Value| {
            let ty = v["type"].as_str().unwrap().to_owned();
            s.push_str(&named(&ty, &v));
        };
        ev(
            serde_json::json!({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","usage":{"input_tokens":1,"output_tokens":1}}}),
        );
        ev(
            serde_json::json!({"type":"content_block_start","index":0,"content_block":{"type":"text","text":"Hi sk-SEC"}}),
        );
        ev(serde_json::json!({"type":"ping"}));
        for p in pieces(TEXT, &[6, 1, 4]) {
            ev(
                serde_json::json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":p}}),
            );
        }
        ev(serde_json::json!({"type":"content_block_stop","index":0}));
        ev(
            serde_json::json!({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"send","input":{}}}),
        );
        for p in pieces(ARGS, &[5, 3]) {
            ev(
                serde_json::json!({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":p}}),
            );
        }
        ev(serde_json::json!({"type":"content_block_stop","index":1}));
        ev(
            serde_json::json!({"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}),
        );
        ev(serde_json::json!({"type":"message_stop"}));
        s
    }

    #[test]
    fn messages_every_chunking() {
        let s = messages_stream();
        // "Hi sk-SEC" + "Hello…": the start's text is a channel too, and the
        // held "sk-SEC" joins the first delta ("sk-SECHello,").
        let want0 = redacted(&format!("Hi sk-SEC{TEXT}"));
        let want1 = redacted(ARGS);
        for cuts in splits(s.len()) {
            let o = run(ApiKind::Messages, s.as_bytes(), &cuts);
            assert!(!o.blocked);
            assert!(!String::from_utf8_lossy(&o.out).contains("SECRET0123456789"));
            assert!(!String::from_utf8_lossy(&o.out).contains("bob@"));
            let events = json_events(&o.out);
            let (mut b0, mut b1) = (String::new(), String::new());
            let mut stopped = [false, false];
            let types: Vec<&str> = events
                .iter()
                .map(|(_, v)| v["type"].as_str().unwrap())
                .collect();
            for (name, v) in &events {
                assert_eq!(name.as_deref(), v["type"].as_str());
                match v["type"].as_str().unwrap() {
                    "content_block_start" if v["index"] == 0 => {
                        b0.push_str(v["content_block"]["text"].as_str().unwrap())
                    }
                    "content_block_delta" => {
                        let i = v["index"].as_u64().unwrap() as usize;
                        assert!(!stopped[i], "delta after stop");
                        match i {
                            0 => b0.push_str(v["delta"]["text"].as_str().unwrap()),
                            _ => b1.push_str(v["delta"]["partial_json"].as_str().unwrap()),
                        }
                    }
                    "content_block_stop" => stopped[v["index"].as_u64().unwrap() as usize] = true,
                    _ => {}
                }
            }
            assert_eq!((b0, b1), (want0.clone(), want1.clone()), "cuts {cuts:?}");
            assert_eq!(types.first(), Some(&"message_start"));
            assert!(types.contains(&"ping"));
            assert_eq!(&types[types.len() - 2..], ["message_delta", "message_stop"]);
        }
    }

    #[test]
    fn messages_block_is_an_anthropic_error_event() {
        let mut s = String::new();
        for p in pieces("ok then BLOCK-ME-NOW", &[5]) {
            s.push_str(&named("content_block_delta", &serde_json::json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":p}})));
        }
        s.push_str(&named(
            "message_stop",
            &serde_json::json!({"type":"message_stop"}),
        ));
        let o = run(ApiKind::Messages, s.as_bytes(), &[7]);
        assert!(o.blocked);
        let events = json_events(&o.out);
        let (name, err) = events.last().unwrap();
        assert_eq!(name.as_deref(), Some("error"));
        assert_eq!(err["type"], "error");
        assert_eq!(err["error"]["message"], "blocked by policy");
        assert!(!events.iter().any(|(_, v)| v["type"] == "message_stop"));
    }

    #[test]
    fn unknown_events_and_comments_pass_through_in_order() {
        let s = format!(
            ": keepalive\n\n{}event: future_thing\ndata: {{\"type\":\"future_thing\",\"x\":[1,2]}}\nid: 42\n\n{}",
            named("content_block_delta", &serde_json::json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello "}})),
            named("message_stop", &serde_json::json!({"type":"message_stop"})),
        );
        let o = run(ApiKind::Messages, s.as_bytes(), &[]);
        let out = String::from_utf8(o.out).unwrap();
        let keep = out.find(": keepalive").unwrap();
        let hello = out.find("Hello ").unwrap();
        let future = out
            .find("event: future_thing\nid: 42\ndata: {\"type\":\"future_thing\",\"x\":[1,2]}\n\n")
            .unwrap();
        let stop = out.find("message_stop").unwrap();
        assert!(keep < hello && hello < future && future < stop, "{out}");
    }

    #[test]
    fn what_cannot_be_inspected_is_blocked() {
        // Not JSON where JSON is promised.
        for api in [
            ApiKind::ChatCompletions,
            ApiKind::Responses,
            ApiKind::Messages,
            ApiKind::Completions,
        ] {
            let o = run(api, b"data: {\"choices\":[{\"delta\":{\"content\":\"hi \"}}]}\n\ndata: sk-SECRET0123456789\n\n", &[]);
            assert!(o.blocked, "{api:?}");
            assert_no_secret(&o.out);
        }
        // Oversize event.
        let limits = StreamLimits {
            max_event_bytes: 64,
            ..StreamLimits::default()
        };
        let big =
            sse(&serde_json::json!({"choices":[{"index":0,"delta":{"content":"x".repeat(100)}}]}));
        let o = run_with(ApiKind::ChatCompletions, limits, big.as_bytes(), &[10]);
        assert!(o.blocked);
        assert!(!String::from_utf8_lossy(&o.out).contains("xxxx"));
        // A truncated last event at end of stream.
        let o = run(
            ApiKind::ChatCompletions,
            b"data: {\"choices\":[{\"delta\":{\"content\":\"sk-SECRET01",
            &[],
        );
        assert!(o.blocked);
        assert_no_secret(&o.out);
    }

    #[test]
    fn end_of_stream_flushes_held_text_and_a_last_event_without_blank_line() {
        let s = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a b\"}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" c\"}}]}";
        let o = run(ApiKind::ChatCompletions, s.as_bytes(), &[]);
        let text: String = json_events(&o.out)
            .iter()
            .map(|(_, v)| {
                v["choices"][0]["delta"]["content"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(text, "a b c");
    }

    #[test]
    fn logprobs_are_cleared_when_text_is_held_or_redacted() {
        let ev = |t: &str| {
            sse(
                &serde_json::json!({"choices":[{"index":0,"delta":{"content":t},"logprobs":{"content":[{"token":t}]}}]}),
            )
        };
        let s = format!("{}{}{}", ev("plain "), ev("sk-SEC"), ev("RET0123456789 x"));
        let o = run(ApiKind::ChatCompletions, s.as_bytes(), &[]);
        let events = json_events(&o.out);
        assert_eq!(
            events[0].1["choices"][0]["logprobs"]["content"][0]["token"],
            "plain "
        );
        for (_, v) in &events[1..] {
            assert!(v["choices"][0]["logprobs"].is_null());
        }
        assert_no_secret(&o.out);
    }

    #[test]
    fn parallel_choices_are_separate_channels() {
        let ev = |i: u32, t: &str| {
            sse(&serde_json::json!({"choices":[{"index":i,"delta":{"content":t}}]}))
        };
        let s = format!(
            "{}{}{}{}{}data: [DONE]\n\n",
            ev(0, "key sk-SECR"),
            ev(1, "mail bob@exa"),
            ev(0, "ET0123456789 end"),
            ev(1, "mple.com end"),
            sse(
                &serde_json::json!({"choices":[{"index":0,"delta":{},"finish_reason":"stop"},{"index":1,"delta":{},"finish_reason":"stop"}]})
            ),
        );
        for cut in 0..=s.len() {
            let o = run(ApiKind::ChatCompletions, s.as_bytes(), &[cut]);
            assert_no_secret(&o.out);
            let mut texts = [String::new(), String::new()];
            for (_, v) in json_events(&o.out) {
                for c in v["choices"].as_array().unwrap() {
                    if let Some(t) = c["delta"]["content"].as_str() {
                        texts[c["index"].as_u64().unwrap() as usize].push_str(t);
                    }
                }
            }
            assert_eq!(
                texts,
                ["key [REDACTED:test_key] end", "mail [REDACTED:email] end"]
            );
        }
    }

    #[test]
    fn many_channels_are_bounded() {
        let mut s = String::new();
        for j in 0..200u32 {
            s.push_str(&sse(&serde_json::json!({"choices":[{"index":0,"delta":{"tool_calls":[{"index":j,"function":{"arguments":"{\"a\":1"}}]}}]})));
        }
        let mut insp = StreamInspector::new(
            ApiKind::ChatCompletions,
            StreamLimits::default(),
            Vec::new(),
        );
        let step = insp.push(&TestDoubleScanner, s.as_bytes(), false);
        assert!(insp.channels.len() <= MAX_CHANNELS);
        let step2 = insp.push(&TestDoubleScanner, b"data: [DONE]\n\n", true);
        let mut out = step.out;
        out.extend(step2.out);
        let mut args = vec![String::new(); 200];
        for (_, v) in json_events(&out) {
            for call in v["choices"][0]["delta"]["tool_calls"].as_array().unwrap() {
                args[call["index"].as_u64().unwrap() as usize]
                    .push_str(call["function"]["arguments"].as_str().unwrap());
            }
        }
        assert!(args.iter().all(|a| a == "{\"a\":1"));
    }

    #[test]
    fn streams_of_apis_the_catalogue_does_not_know_are_held_back_too() {
        // A TGI-like stream: one token per event at `token.text`.
        let pieces = ["Use ", "sk-SEC", "RET01", "23456789", " now"];
        let mut stream = String::new();
        for p in pieces {
            stream.push_str(&format!(
                "data: {{\"token\":{{\"id\":1,\"text\":{}}},\"generated_text\":null}}\n\n",
                serde_json::to_string(p).unwrap()
            ));
        }
        for cuts in [vec![], (1..stream.len()).collect::<Vec<_>>()] {
            let o = run(ApiKind::Unknown, stream.as_bytes(), &cuts);
            let text: String = strict_parse(&o.out)
                .iter()
                .filter_map(|(_, d)| serde_json::from_str::<Value>(d).ok())
                .filter_map(|v| {
                    v.pointer("/token/text")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .collect();
            assert_eq!(text, "Use [REDACTED:test_key] now", "{} cuts", cuts.len());
            assert!(!String::from_utf8_lossy(&o.out).contains("RET01"));
            assert_eq!(o.findings.len(), 1);
        }
    }

    #[test]
    fn anthropic_tool_results_and_citations_are_scanned_in_streams() {
        let stream = format!(
            "event: content_block_start\ndata: {{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{{\"type\":\"web_fetch_tool_result\",\"tool_use_id\":\"srvtoolu_1\",\"content\":{{\"type\":\"web_fetch_result\",\"url\":\"https://x\",\"content\":{{\"type\":\"document\",\"source\":{{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"page says {SECRET}\"}}}}}}}}}}\n\n\
             event: content_block_stop\ndata: {{\"type\":\"content_block_stop\",\"index\":0}}\n\n\
             event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{{\"type\":\"citations_delta\",\"citation\":{{\"type\":\"char_location\",\"cited_text\":\"quote {SECRET}\",\"document_index\":0}}}}}}\n\n\
             event: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n"
        );
        let o = run(ApiKind::Messages, stream.as_bytes(), &[]);
        let out = String::from_utf8(o.out).unwrap();
        assert!(!out.contains(SECRET), "{out}");
        assert_eq!(out.matches("[REDACTED:test_key]").count(), 2, "{out}");
    }

    #[test]
    fn the_upstream_usage_is_read_before_any_change() {
        let stream =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"BLOCK-ME-NOW\"}}]}\n\n\
             data: {\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":22}}\n\n";
        let mut insp = StreamInspector::new(
            ApiKind::ChatCompletions,
            StreamLimits::default(),
            error_event(ApiKind::ChatCompletions, &reply()),
        );
        let cut = stream.find("data: {\"choices\":[]").unwrap();
        let step = insp.push(&TestDoubleScanner, &stream.as_bytes()[..cut], true);
        assert!(step.blocked);
        // Blocked before the usage event: the estimate from what was seen.
        let u = insp.usage();
        assert!(u.estimated);
        let mut insp = StreamInspector::new(
            ApiKind::ChatCompletions,
            StreamLimits::default(),
            error_event(ApiKind::ChatCompletions, &reply()),
        );
        let clean = stream.replace("BLOCK-ME-NOW", "fine");
        insp.push(&TestDoubleScanner, clean.as_bytes(), true);
        let u = insp.usage();
        assert_eq!(
            (u.input_tokens, u.output_tokens, u.estimated),
            (11, 22, false)
        );
    }
}
