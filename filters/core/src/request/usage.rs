//! Honest token accounting: what to reserve before a call, what to charge
//! after it.
//!
//! ```
//! use tollgate_core::request::api::ApiKind;
//! use tollgate_core::request::{extract, usage::{self, StreamUsage}};
//!
//! let api = ApiKind::ChatCompletions;
//! let body = br#"{"model":"m","max_tokens":100,"n":2,"messages":[{"role":"user","content":"hello there"}]}"#;
//! // Reserve: the prompt estimate plus what the client may get back, from
//! // the one reading of the body.
//! let facts = extract::request(api, body).unwrap();
//! let reserve = usage::estimate_extracted_tokens(&facts) + facts.requested_output(256);
//! assert_eq!(facts.requested_output(256), 200);
//! assert!(reserve > 200);
//!
//! // Charge: the upstream's own count, when it gives one.
//! let reply = br#"{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":12}}"#;
//! let got = usage::usage_from_response(api, reply).unwrap();
//! assert_eq!((got.input_tokens, got.output_tokens, got.estimated), (9, 12, false));
//!
//! // A stream that ends without usage is charged an estimate.
//! let mut stream = StreamUsage::new(7);
//! let chunk = serde_json::json!({"choices":[{"delta":{"content":"abcdefgh"}}]});
//! stream.observe(api, None, &chunk);
//! let got = stream.finish();
//! assert_eq!((got.input_tokens, got.output_tokens, got.estimated), (7, 2, true));
//! ```
//!
//! # Why reserve, then charge
//! A limiter that only charges what a response reports admits every request
//! that arrives while earlier ones are still running, so concurrent calls
//! overshoot the limit by as much as they are numerous. Reserving the
//! estimated prompt plus the requested output before admitting, and
//! replacing the reservation with the real usage at the end, bounds the
//! overshoot by the estimation error of the prompt alone.
//!
//! # The estimate
//! [`estimate_prompt_tokens`] reads the text the model reads, with
//! [`crate::request::extract::request`] (the same reading the inspector does,
//! so tool definitions, tool results and system text all count), and counts
//! [`BYTES_PER_TOKEN`] UTF-8 bytes per token, rounded up. Byte length is
//! used rather than character count: for English the two agree (≈ 4
//! characters per token for OpenAI's and Anthropic's tokenizers), and for
//! scripts outside Latin, where a character is often a token or more, three
//! UTF-8 bytes per character make the estimate less of an underestimate than
//! characters would. Each message or input item adds
//! [`MESSAGE_OVERHEAD_TOKENS`] (role markers and separators), each part the
//! model reads but which is not text (image, audio, file, token-id array)
//! adds [`OPAQUE_PART_TOKENS`], and every request adds
//! [`REQUEST_OVERHEAD_TOKENS`]. A body that cannot be read as its API is
//! counted as raw bytes over [`BYTES_PER_TOKEN`]: never zero for a non-empty
//! body, so a malformed request cannot reserve nothing.
//!
//! No tokenizer is embedded: vocabularies are megabytes, differ per model
//! and would have to be loaded into every wasm VM. The reservation only has
//! to be close; the charge at the end is the upstream's own count.
//!
//! # Input tokens, cached tokens
//! [`Usage::input_tokens`] is every prompt token the upstream processed,
//! cached ones included; [`Usage::cached_input_tokens`] is the part read from
//! a prompt cache (priced lower). OpenAI reports it that way already. An
//! Anthropic `input_tokens` excludes cache reads and cache writes, so they
//! are added: `input = input_tokens + cache_read_input_tokens +
//! cache_creation_input_tokens`, `cached = cache_read_input_tokens` (cache
//! writes are priced as input or above, never below).
//!
//! # Streams
//! [`StreamUsage`] is fed each SSE event's parsed JSON. It takes the usage
//! the upstream sends (OpenAI's final chunk when `stream_options.include_usage`
//! was set, the Responses API's terminal `response.*` event, Anthropic's
//! `message_start` and cumulative `message_delta`) and meanwhile counts the
//! bytes of streamed output text, so that a stream that ends without usage
//! (cut, or an upstream that never sends it) is still charged an estimate.
//! Its memory is a few counters, whatever the stream's length.
//!
//! OpenAI sends stream usage only when asked, so the filter asks
//! ([`add_include_usage`], splicing bytes, never re-serialising the body)
//! and, when the client had not asked (`stream_options.include_usage` in the request facts), drops the
//! extra usage-only chunk ([`is_injected_usage_chunk`]) so the client sees
//! the stream it asked for.
//!
//! # Limits
//! - The estimate ignores the tokens a tool schema's *keys* cost (the
//!   extractor reads values only) and guesses images at a flat cost.
//! - Output tokens of a stream without usage are estimated from text only;
//!   reasoning tokens the upstream never streams cannot be seen.

use crate::request::json_walk;
use serde::Deserialize;
use serde_json::Value;

use crate::request::api::ApiKind;
use crate::request::extract;

/// UTF-8 bytes of text counted as one token in estimates.
pub const BYTES_PER_TOKEN: u64 = 4;
/// Tokens added per message or input item (role markers, separators).
pub const MESSAGE_OVERHEAD_TOKENS: u64 = 4;
/// Tokens added per request (reply priming).
pub const REQUEST_OVERHEAD_TOKENS: u64 = 3;
/// Tokens guessed for each part the model reads that is not text (an image,
/// audio, a file, a token-id array).
pub const OPAQUE_PART_TOKENS: u64 = 256;

/// Tokens used by one call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Prompt tokens processed, cached ones included.
    pub input_tokens: u64,
    /// The part of [`Usage::input_tokens`] read from a prompt cache.
    pub cached_input_tokens: u64,
    /// Tokens generated (reasoning tokens included, where reported).
    pub output_tokens: u64,
    /// `true` when some of these numbers are estimates, not the upstream's.
    pub estimated: bool,
}

impl Usage {
    /// Input plus output tokens.
    pub fn total_tokens(&self) -> u64 {
        self.input_tokens.saturating_add(self.output_tokens)
    }
}

/// The property (Envoy filter state `wasm.tollgate_upstream`) in which
/// `inspect` leaves an [`UpstreamReport`] for `throttle`.
pub const UPSTREAM_PROPERTY: &str = "tollgate_upstream";

/// What `inspect` saw of a response it blocked, for `throttle` (which runs
/// before it on the request and after it on the response, so sees only
/// what `inspect` forwarded): the upstream's own status and usage, read
/// before the response was replaced, so that a blocked response is charged
/// what the upstream generated, not nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpstreamReport {
    /// The upstream's `:status`.
    pub status: u16,
    /// Its usage, when it reported one before the block (`None`: it did
    /// not, and the reservation stands).
    pub usage: Option<Usage>,
}

impl UpstreamReport {
    /// The property's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let usage = self.usage.map(|u| {
            serde_json::json!({
                "input_tokens": u.input_tokens,
                "cached_input_tokens": u.cached_input_tokens,
                "output_tokens": u.output_tokens,
            })
        });
        serde_json::json!({"status": self.status, "usage": usage})
            .to_string()
            .into_bytes()
    }

    /// Reads [`UpstreamReport::encode`]'s bytes.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let v: Value = serde_json::from_slice(bytes).ok()?;
        let status = u16::try_from(v.get("status")?.as_u64()?).ok()?;
        let usage = match v.get("usage") {
            None | Some(Value::Null) => None,
            Some(u) => Some(Usage {
                input_tokens: u.get("input_tokens")?.as_u64()?,
                cached_input_tokens: u.get("cached_input_tokens")?.as_u64()?,
                output_tokens: u.get("output_tokens")?.as_u64()?,
                estimated: false,
            }),
        };
        Some(Self { status, usage })
    }
}

/// Tokens for `bytes` bytes of text, rounded up.
fn tokens_for_bytes(bytes: u64) -> u64 {
    bytes.div_ceil(BYTES_PER_TOKEN)
}

fn len_u64(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

/// An estimate of the prompt tokens of request `body` for API `api` (see the
/// module docs for how, and why no tokenizer). Never 0 for a non-empty body.
pub fn estimate_prompt_tokens(api: ApiKind, body: &[u8]) -> u64 {
    match extract::request(api, body) {
        Ok(got) => estimate_extracted_tokens(&got),
        Err(_) => tokens_for_bytes(len_u64(body.len())).saturating_add(REQUEST_OVERHEAD_TOKENS),
    }
}

/// [`estimate_prompt_tokens`] of a request already read with
/// [`extract::request`]: a filter that inspects the body too reads it once.
pub fn estimate_extracted_tokens(got: &extract::Extracted) -> u64 {
    let text_bytes = got
        .segments
        .iter()
        .fold(0u64, |n, s| n.saturating_add(len_u64(s.text.len())));
    // A message (or input item) is the first two steps of a location:
    // `/messages/3/...`, `/input/0/...`. Segments come in document order, so
    // counting changes of that prefix counts messages without allocating.
    let mut messages = 0u64;
    let mut last: Option<&[crate::request::PathStep]> = None;
    for seg in &got.segments {
        let prefix = seg.loc.0.get(..2).unwrap_or(&seg.loc.0);
        if last != Some(prefix) {
            messages = messages.saturating_add(1);
            last = Some(prefix);
        }
    }
    tokens_for_bytes(text_bytes)
        .saturating_add(messages.saturating_mul(MESSAGE_OVERHEAD_TOKENS))
        .saturating_add(len_u64(got.opaque.len()).saturating_mul(OPAQUE_PART_TOKENS))
        .saturating_add(REQUEST_OVERHEAD_TOKENS)
}

/// A `usage` object in any of the shapes the APIs use; the members that are
/// absent in a shape are `None`.
#[derive(Deserialize, Default)]
struct UsageJson {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    prompt_tokens_details: Option<Details>,
    input_tokens_details: Option<Details>,
    cache_read_input_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
}

#[derive(Deserialize, Default)]
struct Details {
    cached_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct WithUsage {
    usage: Option<UsageJson>,
}

/// Partial usage, as an upstream reports it: each part may be missing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Reported {
    input: Option<u64>,
    cached: Option<u64>,
    output: Option<u64>,
}

impl UsageJson {
    fn reported(&self, api: ApiKind) -> Reported {
        let cached_details = |d: &Option<Details>| d.as_ref().and_then(|d| d.cached_tokens);
        match api {
            ApiKind::Messages => {
                let read = self.cache_read_input_tokens;
                let write = self.cache_creation_input_tokens;
                let input = self.input_tokens.map(|i| {
                    i.saturating_add(read.unwrap_or(0))
                        .saturating_add(write.unwrap_or(0))
                });
                Reported {
                    input,
                    cached: read,
                    output: self.output_tokens,
                }
            }
            ApiKind::Responses => Reported {
                input: self.input_tokens,
                cached: cached_details(&self.input_tokens_details),
                output: self.output_tokens,
            },
            ApiKind::Embeddings => Reported {
                input: self.prompt_tokens,
                cached: None,
                output: Some(0),
            },
            _ => Reported {
                input: self.prompt_tokens,
                cached: cached_details(&self.prompt_tokens_details),
                output: self.completion_tokens,
            },
        }
    }
}

fn usage_json(v: &Value) -> Option<UsageJson> {
    if !v.is_object() {
        return None;
    }
    UsageJson::deserialize(v).ok()
}

/// The usage a non-streamed JSON response `body` of API `api` reports, or
/// `None` when it reports none (an error body, not JSON, no `usage` object,
/// or no input/output count in it). An embeddings response has
/// `output_tokens` 0.
pub fn usage_from_response(api: ApiKind, body: &[u8]) -> Option<Usage> {
    let r = match api {
        ApiKind::OllamaChat
        | ApiKind::OllamaGenerate
        | ApiKind::OllamaEmbed
        | ApiKind::Gemini
        | ApiKind::GeminiEmbed
        | ApiKind::TgiGenerate
        | ApiKind::LlamaCompletion
        | ApiKind::TritonGenerate
        | ApiKind::TritonInfer
        | ApiKind::BedrockConverse
        | ApiKind::BedrockInvoke => native_reported(api, &serde_json::from_slice(body).ok()?)?,
        _ => {
            let got: WithUsage = serde_json::from_slice(body).ok()?;
            got.usage?.reported(api)
        }
    };
    if r.input.is_none() && r.output.is_none() {
        return None;
    }
    // A field the upstream left out of an otherwise present usage object
    // counts as 0: the object is the upstream's word on the whole call.
    let input = r.input.unwrap_or(0);
    Some(Usage {
        input_tokens: input,
        cached_input_tokens: r.cached.unwrap_or(0).min(input),
        output_tokens: r.output.unwrap_or(0),
        estimated: false,
    })
}

/// Usage in the native APIs' own places: Ollama's `prompt_eval_count` and
/// `eval_count` at the top of its (final) object, Gemini's `usageMetadata`
/// (`promptTokenCount`, `cachedContentTokenCount`, `candidatesTokenCount`
/// and `thoughtsTokenCount`, which Gemini bills as output). `None` when the
/// value reports none.
fn native_reported(api: ApiKind, v: &Value) -> Option<Reported> {
    let n = |o: &Value, k: &str| o.get(k).and_then(Value::as_u64);
    match api {
        ApiKind::OllamaChat | ApiKind::OllamaGenerate | ApiKind::OllamaEmbed => {
            let input = n(v, "prompt_eval_count");
            let output = n(v, "eval_count");
            (input.is_some() || output.is_some()).then_some(Reported {
                input,
                cached: None,
                output: if api == ApiKind::OllamaEmbed {
                    Some(0)
                } else {
                    output
                },
            })
        }
        ApiKind::Gemini | ApiKind::GeminiEmbed => {
            let m = v.get("usageMetadata")?;
            let input = n(m, "promptTokenCount");
            let candidates = n(m, "candidatesTokenCount");
            let thoughts = n(m, "thoughtsTokenCount");
            let output = match (candidates, thoughts) {
                (None, None) => None,
                (c, t) => Some(c.unwrap_or(0).saturating_add(t.unwrap_or(0))),
            };
            (input.is_some() || output.is_some()).then_some(Reported {
                input,
                cached: n(m, "cachedContentTokenCount"),
                output: if api == ApiKind::GeminiEmbed {
                    Some(0)
                } else {
                    output
                },
            })
        }
        // TGI: `details.generated_tokens` (with `details: true`; a list
        // answer holds one object); the prompt is not counted.
        ApiKind::TgiGenerate => {
            let v = v.as_array().and_then(|a| a.first()).unwrap_or(v);
            let output = v
                .pointer("/details/generated_tokens")
                .and_then(Value::as_u64)?;
            Some(Reported {
                input: None,
                cached: None,
                output: Some(output),
            })
        }
        // llama.cpp: `tokens_evaluated` / `tokens_predicted`, or `timings`.
        ApiKind::LlamaCompletion => {
            let t = v.get("timings");
            let input = n(v, "tokens_evaluated").or_else(|| t.and_then(|t| n(t, "prompt_n")));
            let output = n(v, "tokens_predicted").or_else(|| t.and_then(|t| n(t, "predicted_n")));
            (input.is_some() || output.is_some()).then_some(Reported {
                input,
                cached: None,
                output,
            })
        }
        // Converse: `usage.inputTokens` (cache reads and writes besides),
        // `outputTokens`; the stream's `metadata` event carries the same.
        ApiKind::BedrockConverse => {
            let u = v.get("usage")?;
            let read = n(u, "cacheReadInputTokens");
            let write = n(u, "cacheWriteInputTokens");
            let input = n(u, "inputTokens").map(|i| {
                i.saturating_add(read.unwrap_or(0))
                    .saturating_add(write.unwrap_or(0))
            });
            let output = n(u, "outputTokens");
            (input.is_some() || output.is_some()).then_some(Reported {
                input,
                cached: read,
                output,
            })
        }
        ApiKind::BedrockInvoke => invoke_reported(v),
        _ => None,
    }
}

/// An InvokeModel body's usage, in its model family's place: Bedrock's own
/// `amazon-bedrock-invocationMetrics` (the last stream chunk), Anthropic's
/// `usage`, Nova's `usage.inputTokens`, Llama's `prompt_token_count` /
/// `generation_token_count`, Titan's `inputTextTokenCount` and
/// `results[].tokenCount`, Cohere's `meta.billed_units`.
fn invoke_reported(v: &Value) -> Option<Reported> {
    let n = |o: &Value, k: &str| o.get(k).and_then(Value::as_u64);
    let both = |input: Option<u64>, output: Option<u64>| {
        (input.is_some() || output.is_some()).then_some(Reported {
            input,
            cached: None,
            output,
        })
    };
    if let Some(m) = v.get("amazon-bedrock-invocationMetrics") {
        return both(n(m, "inputTokenCount"), n(m, "outputTokenCount"));
    }
    if let Some(u) = v.get("usage").filter(|u| u.is_object()) {
        if u.get("input_tokens").is_some() || u.get("output_tokens").is_some() {
            return usage_json(u).map(|u| u.reported(ApiKind::Messages));
        }
        return native_reported(ApiKind::BedrockConverse, v);
    }
    if v.get("generation_token_count").is_some() || v.get("prompt_token_count").is_some() {
        return both(n(v, "prompt_token_count"), n(v, "generation_token_count"));
    }
    if let Some(input) = n(v, "inputTextTokenCount") {
        let output = v
            .get("results")
            .and_then(Value::as_array)
            .map(|rs| rs.iter().filter_map(|r| n(r, "tokenCount")).sum::<u64>());
        return both(Some(input), output);
    }
    let billed = v.pointer("/meta/billed_units")?;
    both(n(billed, "input_tokens"), n(billed, "output_tokens"))
}

/// The `usage` object in the tail of a response too large to keep whole:
/// the last `"usage":` member whose value parses as an object.
pub fn usage_in_tail(api: ApiKind, tail: &[u8]) -> Option<Usage> {
    let needle = b"\"usage\"";
    let mut end = tail.len();
    while let Some(at) = memchr::memmem::rfind(tail.get(..end)?, needle) {
        let rest = tail.get(at.saturating_add(needle.len())..)?;
        let rest = rest
            .iter()
            .position(|b| *b == b'{')
            .and_then(|i| rest.get(i..));
        if let Some(rest) = rest {
            let mut values =
                serde_json::Deserializer::from_slice(rest).into_iter::<serde_json::Value>();
            if let Some(Ok(object)) = values.next() {
                let wrapped = serde_json::json!({ "usage": object }).to_string();
                if let Some(u) = usage_from_response(api, wrapped.as_bytes()) {
                    return Some(u);
                }
            }
        }
        end = at;
    }
    None
}

/// The `id` of the object a response body is (an uploaded file's): at most
/// 256 bytes.
pub fn object_id(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let id = v.get("id")?.as_str()?;
    (!id.is_empty() && id.len() <= 256).then(|| id.to_owned())
}

/// The id of a response the Responses API queued to run in the background
/// (`"status": "queued"` or `"in_progress"`, no usage yet): a retrieve of it
/// will report the usage later.
pub fn background_id(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let status = v.get("status")?.as_str()?;
    let usage_null = v.get("usage").is_none_or(Value::is_null);
    if !matches!(status, "queued" | "in_progress") || !usage_null {
        return None;
    }
    let id = v.get("id")?.as_str()?;
    (!id.is_empty() && id.len() <= 256).then(|| id.to_owned())
}

/// Usage of one streamed response, built event by event.
///
/// Feed it every SSE event's parsed `data` with [`StreamUsage::observe`];
/// at the end of the stream, [`StreamUsage::finish`] gives the usage to
/// charge: the upstream's where it sent it, estimates for the parts it did
/// not (the prompt estimate given to [`StreamUsage::new`], and the streamed
/// output text over [`BYTES_PER_TOKEN`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamUsage {
    prompt_estimate: u64,
    reported: Reported,
    output_text_bytes: u64,
}

impl StreamUsage {
    /// A tracker for a stream whose prompt was estimated at
    /// `prompt_estimate` tokens (from [`estimate_prompt_tokens`]).
    pub fn new(prompt_estimate: u64) -> Self {
        Self {
            prompt_estimate,
            ..Self::default()
        }
    }

    /// Takes in one SSE event of a stream of API `api`: `event_name` is its
    /// `event:` field, if any (the Responses API and Anthropic also repeat
    /// it as `type` in the data, which is used when it is absent), `data` its
    /// parsed `data:` JSON. Events that are not JSON objects are ignored.
    pub fn observe(&mut self, api: ApiKind, event_name: Option<&str>, data: &Value) {
        if chat_shaped(api) {
            self.observe_chat(api, data);
            return;
        }
        let kind = event_name
            .or_else(|| data.get("type").and_then(Value::as_str))
            .unwrap_or("");
        match api {
            ApiKind::Messages => self.observe_messages(kind, data),
            ApiKind::Responses => self.observe_responses(kind, data),
            ApiKind::OllamaChat | ApiKind::OllamaGenerate => {
                let msg = data.get("message");
                self.count_text(msg.and_then(|m| m.get("content")));
                self.count_text(msg.and_then(|m| m.get("thinking")));
                self.count_text(data.get("response"));
                self.count_text(data.get("thinking"));
                if let Some(r) = native_reported(api, data) {
                    self.take(r);
                }
            }
            ApiKind::Gemini => {
                let candidates = data.get("candidates").and_then(Value::as_array);
                for c in candidates.into_iter().flatten() {
                    let parts = c
                        .get("content")
                        .and_then(|c| c.get("parts"))
                        .and_then(Value::as_array);
                    for p in parts.into_iter().flatten() {
                        self.count_text(p.get("text"));
                    }
                }
                // Each chunk's `usageMetadata` is the running total.
                if let Some(r) = native_reported(api, data) {
                    self.take(r);
                }
            }
            ApiKind::TgiGenerate => {
                self.count_text(data.pointer("/token/text"));
                if let Some(r) = native_reported(api, data) {
                    self.take(r);
                }
            }
            ApiKind::LlamaCompletion => {
                self.count_text(data.get("content"));
                if let Some(r) = native_reported(api, data) {
                    self.take(r);
                }
            }
            ApiKind::TritonGenerate => self.count_text(data.get("text_output")),
            ApiKind::BedrockConverse => {
                if let Some(delta) = data.get("delta") {
                    self.count_text(delta.get("text"));
                    self.count_text(delta.pointer("/reasoningContent/text"));
                    self.count_text(delta.pointer("/toolUse/input"));
                }
                if let Some(r) = native_reported(api, data) {
                    self.take(r);
                }
            }
            ApiKind::BedrockInvoke => {
                // Each chunk is the model's own stream event: Claude's typed
                // events, or another family's text fields.
                if let Some(ty) = data.get("type").and_then(Value::as_str) {
                    self.observe_messages(ty, data);
                } else {
                    for key in ["generation", "outputText", "completion", "text"] {
                        self.count_text(data.get(key));
                    }
                    for o in data
                        .get("outputs")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        self.count_text(o.get("text"));
                    }
                    self.count_text(data.pointer("/contentBlockDelta/delta/text"));
                }
                // The last chunk's metrics are the whole call's.
                if let Some(m) = data.get("amazon-bedrock-invocationMetrics") {
                    let n = |k: &str| m.get(k).and_then(Value::as_u64);
                    self.take(Reported {
                        input: n("inputTokenCount"),
                        cached: None,
                        output: n("outputTokenCount"),
                    });
                }
            }
            // The chat family: read above.
            _ => {}
        }
    }

    /// Counts `text` as streamed output, as [`StreamUsage::observe`] counts
    /// the text of a chat event that reports no usage.
    pub(crate) fn count_output(&mut self, text: &str) {
        self.output_text_bytes = self.output_text_bytes.saturating_add(len_u64(text.len()));
    }

    /// [`StreamUsage::observe`] for an event's raw `data:` text, which it
    /// parses; `None` when that is not JSON (nothing is observed), else
    /// whether the event is the usage-only chunk
    /// ([`is_injected_usage_chunk`]). The chat family's events are read
    /// without building a `Value` (`request::chunk_read`): throttle meters
    /// every event of every stream with it.
    pub fn observe_data(
        &mut self,
        api: ApiKind,
        event_name: Option<&str>,
        data: &str,
    ) -> Option<bool> {
        self.observe_data_with(api, event_name, data, &mut None)
    }

    /// [`StreamUsage::observe_data`] of one stream's events, which keeps
    /// in `template` the shape of the last one read
    /// ([`super::chunk_read::read_with`]: an event of the same shape is not
    /// parsed again).
    pub(crate) fn observe_data_with(
        &mut self,
        api: ApiKind,
        event_name: Option<&str>,
        data: &str,
        template: &mut Option<super::chunk_read::Template>,
    ) -> Option<bool> {
        if !chat_shaped(api) {
            let value = serde_json::from_str::<Value>(data).ok()?;
            self.observe(api, event_name, &value);
            return Some(is_injected_usage_chunk(&value));
        }
        let chunk = super::chunk_read::read_with(data, template)?;
        self.output_text_bytes = self.output_text_bytes.saturating_add(chunk.text_bytes);
        let usage = chunk.usage.as_ref();
        if let Some(u) = usage.and_then(usage_json) {
            self.take(u.reported(api));
        }
        Some(chunk.no_choices && usage.is_some_and(Value::is_object))
    }

    fn count_text(&mut self, v: Option<&Value>) {
        if let Some(s) = v.and_then(Value::as_str) {
            self.output_text_bytes = self.output_text_bytes.saturating_add(len_u64(s.len()));
        }
    }

    /// Overwrites the parts `r` reports (later reports are cumulative).
    fn take(&mut self, r: Reported) {
        self.reported.input = r.input.or(self.reported.input);
        self.reported.cached = r.cached.or(self.reported.cached);
        self.reported.output = r.output.or(self.reported.output);
    }

    /// The OpenAI chunk shape (`choices`, `usage`): what [`chat_shaped`]
    /// APIs stream. [`super::chunk_read`] reads the same members.
    fn observe_chat(&mut self, api: ApiKind, data: &Value) {
        if let Some(choices) = data.get("choices").and_then(Value::as_array) {
            for choice in choices {
                // Completions stream `text`; chat streams a `delta`.
                self.count_text(choice.get("text"));
                let Some(delta) = choice.get("delta") else {
                    continue;
                };
                for key in ["content", "refusal", "reasoning_content", "reasoning"] {
                    self.count_text(delta.get(key));
                }
                if let Some(calls) = delta.get("tool_calls").and_then(Value::as_array) {
                    for call in calls {
                        self.count_text(call.get("function").and_then(|f| f.get("arguments")));
                    }
                }
            }
        }
        if let Some(u) = data.get("usage").and_then(usage_json) {
            self.take(u.reported(api));
        }
    }

    fn observe_responses(&mut self, kind: &str, data: &Value) {
        // Audio deltas are base64 bytes, not text: their bytes say little
        // about tokens (the transcript delta is counted instead).
        if kind.ends_with(".delta") && kind != "response.audio.delta" {
            // output_text, refusal, function_call_arguments, reasoning
            // summary text...: all model output, all streamed as `delta`.
            self.count_text(data.get("delta"));
            return;
        }
        // `response.completed`, `response.incomplete` and `response.failed`
        // carry the final response object, with its usage.
        if kind.starts_with("response.") {
            let usage = data.get("response").and_then(|r| r.get("usage"));
            if let Some(u) = usage.and_then(usage_json) {
                self.take(u.reported(ApiKind::Responses));
            }
        }
    }

    fn observe_messages(&mut self, kind: &str, data: &Value) {
        let usage = match kind {
            "message_start" => data.get("message").and_then(|m| m.get("usage")),
            "message_delta" => data.get("usage"),
            "content_block_delta" => {
                let delta = data.get("delta");
                for key in ["text", "partial_json", "thinking"] {
                    self.count_text(delta.and_then(|d| d.get(key)));
                }
                return;
            }
            _ => return,
        };
        let Some(u) = usage.and_then(usage_json) else {
            return;
        };
        // `message_delta` repeats the input counts only in newer API
        // versions; when it leaves them out, the `message_start` ones stand.
        // Anthropic's input is the sum of three fields, so it is recomputed
        // only when `input_tokens` itself is present.
        let r = u.reported(ApiKind::Messages);
        // `message_start`'s `output_tokens` is a placeholder (1 or so), not
        // a count: a stream cut before `message_delta` is charged the
        // estimate from its text instead.
        let output = if kind == "message_start" {
            None
        } else {
            r.output
        };
        let cached = if u.input_tokens.is_some() {
            r.cached.or(Some(0))
        } else {
            None
        };
        self.take(Reported {
            input: r.input,
            cached,
            output,
        });
    }

    /// Whether the upstream has reported both input and output tokens.
    pub fn has_usage(&self) -> bool {
        self.reported.input.is_some() && self.reported.output.is_some()
    }

    /// The usage to charge for the stream so far (call at its end).
    /// `estimated` is `true` when the input or the output count is an
    /// estimate.
    pub fn finish(&self) -> Usage {
        let input = self.reported.input.unwrap_or(self.prompt_estimate);
        Usage {
            input_tokens: input,
            cached_input_tokens: self.reported.cached.unwrap_or(0).min(input),
            output_tokens: self
                .reported
                .output
                .unwrap_or_else(|| tokens_for_bytes(self.output_text_bytes)),
            estimated: !self.has_usage(),
        }
    }
}

/// Whether `api` streams OpenAI chunks (`choices[]`, `usage`), as
/// [`StreamUsage::observe`] reads them; the others have their own shapes.
fn chat_shaped(api: ApiKind) -> bool {
    !matches!(
        api,
        ApiKind::Messages
            | ApiKind::Responses
            | ApiKind::OllamaChat
            | ApiKind::OllamaGenerate
            | ApiKind::Gemini
            | ApiKind::TgiGenerate
            | ApiKind::LlamaCompletion
            | ApiKind::TritonGenerate
            | ApiKind::BedrockConverse
            | ApiKind::BedrockInvoke
    )
}

/// `body` with `"stream_options":{"include_usage":true}` added, every other
/// byte kept as it was: the member is inserted first in the top-level
/// object, or `"include_usage":true` first in an existing `stream_options`
/// object, or an existing `include_usage` value replaced by `true` (or a
/// `null` `stream_options` by the object). `Some(body)` unchanged when it
/// already asks. `None` when `body` is not a JSON object, has
/// `stream_options` that is not an object or null, or has a duplicated
/// `stream_options` or `include_usage` key (parsers disagree on which copy
/// wins). OpenAI rejects `stream_options` without `"stream": true`: call
/// this for streaming requests only.
pub fn add_include_usage(body: &[u8]) -> Option<Vec<u8>> {
    // Validate once with serde_json, so the byte walker can assume
    // well-formed JSON and only has to find spans.
    serde_json::from_slice::<serde::de::IgnoredAny>(body).ok()?;
    let root = json_walk::skip_ws(body, 0);
    let (after_root, top) = json_walk::members(body, root)?;
    let (range, insert): (std::ops::Range<usize>, String) =
        match json_walk::member(body, root, "stream_options").ok()? {
            None => {
                let sep = if top.is_empty() { "" } else { "," };
                (
                    after_root..after_root,
                    format!("\"stream_options\":{{\"include_usage\":true}}{sep}"),
                )
            }
            Some(opts) => match body.get(opts.start)? {
                b'n' => (opts, "{\"include_usage\":true}".to_owned()),
                b'{' => {
                    let (after, inner) = json_walk::members(body, opts.start)?;
                    match json_walk::member(body, opts.start, "include_usage").ok()? {
                        Some(v) if body.get(v.clone())? == b"true" => return Some(body.to_vec()),
                        Some(v) => (v, "true".to_owned()),
                        None => {
                            let sep = if inner.is_empty() { "" } else { "," };
                            (after..after, format!("\"include_usage\":true{sep}"))
                        }
                    }
                }
                _ => return None,
            },
        };
    json_walk::splice(body, &[(range, insert.as_bytes())])
}

/// Whether a chat completions stream chunk is the usage-only chunk that
/// `include_usage` adds at the end (`"choices": []` and a `usage` object):
/// the one to drop when the client did not ask for it.
pub fn is_injected_usage_chunk(data: &Value) -> bool {
    let no_choices = data
        .get("choices")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty);
    no_choices && data.get("usage").is_some_and(Value::is_object)
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;
    use ApiKind::*;

    // --- estimates ---

    #[test]
    fn estimate_counts_text_messages_and_overhead() {
        // 8 + 12 bytes of text = 5 tokens; two messages; request overhead.
        let body = br#"{"model":"m","messages":[{"role":"system","content":"abcdefgh"},{"role":"user","content":"abcdefghijkl"}]}"#;
        assert_eq!(
            estimate_prompt_tokens(ChatCompletions, body),
            5 + 2 * MESSAGE_OVERHEAD_TOKENS + REQUEST_OVERHEAD_TOKENS
        );
    }

    #[test]
    fn estimate_counts_content_parts_of_one_message_once() {
        let body = br#"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"abcd"},{"type":"text","text":"efgh"}]}]}"#;
        assert_eq!(
            estimate_prompt_tokens(ChatCompletions, body),
            2 + MESSAGE_OVERHEAD_TOKENS + REQUEST_OVERHEAD_TOKENS
        );
    }

    #[test]
    fn estimate_anthropic_system_and_images() {
        let body = br#"{"model":"m","max_tokens":10,"system":"abcd","messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},{"type":"text","text":"abcd"}]}]}"#;
        let got = estimate_prompt_tokens(Messages, body);
        assert_eq!(
            got,
            2 + 2 * MESSAGE_OVERHEAD_TOKENS + OPAQUE_PART_TOKENS + REQUEST_OVERHEAD_TOKENS
        );
    }

    #[test]
    fn estimate_responses_and_embeddings() {
        let r = br#"{"model":"m","input":"abcdefgh"}"#;
        assert_eq!(
            estimate_prompt_tokens(Responses, r),
            2 + MESSAGE_OVERHEAD_TOKENS + REQUEST_OVERHEAD_TOKENS
        );
        let e = br#"{"model":"m","input":["abcd","abcd"]}"#;
        assert!(estimate_prompt_tokens(Embeddings, e) >= 2);
    }

    #[test]
    fn estimate_counts_bytes_so_non_latin_text_weighs_more() {
        let ascii = r#"{"model":"m","messages":[{"role":"user","content":"abcdefghijkl"}]}"#;
        let cjk =
            r#"{"model":"m","messages":[{"role":"user","content":"漢字漢字漢字漢字漢字漢字"}]}"#;
        assert!(
            estimate_prompt_tokens(ChatCompletions, cjk.as_bytes())
                > estimate_prompt_tokens(ChatCompletions, ascii.as_bytes())
        );
    }

    #[test]
    fn estimate_from_extracted_is_the_same() {
        let body = br#"{"model":"m","messages":[{"role":"user","content":"abcdefgh"}]}"#;
        let got = extract::request(ChatCompletions, body).unwrap();
        assert_eq!(
            estimate_extracted_tokens(&got),
            estimate_prompt_tokens(ChatCompletions, body)
        );
    }

    #[test]
    fn stream_responses_audio_bytes_are_not_text() {
        let got = run(
            Responses,
            1,
            &[
                (
                    None,
                    json!({"type":"response.audio.delta","delta":"QUJDREVGR0hJSktMTU5PUA=="}),
                ),
                (
                    None,
                    json!({"type":"response.audio_transcript.delta","delta":"abcd"}),
                ),
            ],
        );
        assert_eq!(got.output_tokens, 1);
    }

    #[test]
    fn estimate_of_unreadable_body_is_its_bytes() {
        let body = b"not json at all, 32 bytes long!!";
        assert_eq!(
            estimate_prompt_tokens(ChatCompletions, body),
            8 + REQUEST_OVERHEAD_TOKENS
        );
        assert_eq!(
            estimate_prompt_tokens(ChatCompletions, b""),
            REQUEST_OVERHEAD_TOKENS
        );
    }

    // --- requested output ---

    // --- JSON responses ---

    #[test]
    fn usage_chat_with_cached_tokens() {
        let body = br#"{"id":"x","choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150,"prompt_tokens_details":{"cached_tokens":100},"completion_tokens_details":{"reasoning_tokens":10}}}"#;
        assert_eq!(
            usage_from_response(ChatCompletions, body),
            Some(Usage {
                input_tokens: 120,
                cached_input_tokens: 100,
                output_tokens: 30,
                estimated: false
            })
        );
        assert_eq!(
            usage_from_response(Completions, body).map(|u| u.total_tokens()),
            Some(150)
        );
    }

    #[test]
    fn usage_responses_api() {
        let body = br#"{"object":"response","output":[],"usage":{"input_tokens":40,"input_tokens_details":{"cached_tokens":8},"output_tokens":12,"output_tokens_details":{"reasoning_tokens":4},"total_tokens":52}}"#;
        assert_eq!(
            usage_from_response(Responses, body),
            Some(Usage {
                input_tokens: 40,
                cached_input_tokens: 8,
                output_tokens: 12,
                estimated: false
            })
        );
    }

    #[test]
    fn usage_anthropic_adds_cache_reads_and_writes_to_input() {
        let body = br#"{"type":"message","content":[],"usage":{"input_tokens":10,"cache_creation_input_tokens":20,"cache_read_input_tokens":300,"output_tokens":7}}"#;
        assert_eq!(
            usage_from_response(Messages, body),
            Some(Usage {
                input_tokens: 330,
                cached_input_tokens: 300,
                output_tokens: 7,
                estimated: false
            })
        );
        let plain = br#"{"usage":{"input_tokens":10,"output_tokens":7}}"#;
        assert_eq!(
            usage_from_response(Messages, plain).map(|u| (u.input_tokens, u.cached_input_tokens)),
            Some((10, 0))
        );
    }

    #[test]
    fn usage_embeddings() {
        let body = br#"{"object":"list","data":[],"usage":{"prompt_tokens":8,"total_tokens":8}}"#;
        assert_eq!(
            usage_from_response(Embeddings, body),
            Some(Usage {
                input_tokens: 8,
                cached_input_tokens: 0,
                output_tokens: 0,
                estimated: false
            })
        );
    }

    #[test]
    fn usage_missing() {
        for body in [
            &br#"{"error":{"message":"nope","type":"invalid_request_error"}}"#[..],
            br#"{"choices":[]}"#,
            br#"{"choices":[],"usage":null}"#,
            br#"{"usage":{}}"#,
            br#"{"usage":"lots"}"#,
            b"not json",
            b"",
        ] {
            assert_eq!(usage_from_response(ChatCompletions, body), None);
        }
        // The shape of another API reports nothing here.
        assert_eq!(
            usage_from_response(Messages, br#"{"usage":{"prompt_tokens":1}}"#),
            None
        );
    }

    // --- streams ---

    fn run(api: ApiKind, estimate: u64, events: &[(Option<&str>, Value)]) -> Usage {
        let mut s = StreamUsage::new(estimate);
        for (name, data) in events {
            s.observe(api, *name, data);
        }
        s.finish()
    }

    #[test]
    fn stream_chat_final_usage_chunk() {
        let got = run(
            ChatCompletions,
            99,
            &[
                (
                    None,
                    json!({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null}),
                ),
                (
                    None,
                    json!({"choices":[{"index":0,"delta":{"content":"Hello world"}}],"usage":null}),
                ),
                (
                    None,
                    json!({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}),
                ),
                (
                    None,
                    json!({"choices":[],"usage":{"prompt_tokens":20,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":16}}}),
                ),
            ],
        );
        assert_eq!(
            got,
            Usage {
                input_tokens: 20,
                cached_input_tokens: 16,
                output_tokens: 3,
                estimated: false
            }
        );
    }

    #[test]
    fn stream_chat_without_usage_is_estimated() {
        // 16 bytes of content, 8 of tool arguments, 4 of refusal: 7 tokens.
        let got = run(
            ChatCompletions,
            42,
            &[
                (
                    None,
                    json!({"choices":[{"delta":{"content":"abcdefghijklmnop"}}]}),
                ),
                (
                    None,
                    json!({"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":12}"}}]}}]}),
                ),
                (None, json!({"choices":[{"delta":{"refusal":"nope"}}]})),
            ],
        );
        assert_eq!(
            got,
            Usage {
                input_tokens: 42,
                cached_input_tokens: 0,
                output_tokens: 7,
                estimated: true
            }
        );
    }

    #[test]
    fn stream_chat_counts_every_choice() {
        // n=2: both choices' text is output.
        let got = run(
            ChatCompletions,
            1,
            &[(
                None,
                json!({"choices":[{"index":0,"delta":{"content":"abcd"}},{"index":1,"delta":{"content":"efgh"}}]}),
            )],
        );
        assert_eq!(got.output_tokens, 2);
    }

    #[test]
    fn stream_completions() {
        let events = [
            (None, json!({"choices":[{"text":"abcdefgh","index":0}]})),
            (
                None,
                json!({"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}),
            ),
        ];
        let got = run(Completions, 9, &events);
        assert_eq!(
            (got.input_tokens, got.output_tokens, got.estimated),
            (5, 2, false)
        );
        let got = run(Completions, 9, &events[..1]);
        assert_eq!(
            (got.input_tokens, got.output_tokens, got.estimated),
            (9, 2, true)
        );
    }

    #[test]
    fn stream_responses_completed_and_incomplete() {
        for terminal in ["response.completed", "response.incomplete"] {
            let got = run(
                Responses,
                77,
                &[
                    (
                        Some("response.created"),
                        json!({"type":"response.created","response":{"usage":null}}),
                    ),
                    (
                        Some("response.output_text.delta"),
                        json!({"type":"response.output_text.delta","delta":"abcdefgh"}),
                    ),
                    (
                        Some(terminal),
                        json!({"type":terminal,"response":{"usage":{"input_tokens":30,"input_tokens_details":{"cached_tokens":10},"output_tokens":5}}}),
                    ),
                ],
            );
            assert_eq!(
                got,
                Usage {
                    input_tokens: 30,
                    cached_input_tokens: 10,
                    output_tokens: 5,
                    estimated: false
                },
                "{terminal}"
            );
        }
    }

    #[test]
    fn stream_responses_type_from_data_and_estimate() {
        // No `event:` lines: the type comes from the data.
        let got = run(
            Responses,
            77,
            &[
                (
                    None,
                    json!({"type":"response.output_text.delta","delta":"abcdefgh"}),
                ),
                (
                    None,
                    json!({"type":"response.function_call_arguments.delta","delta":"{}ab"}),
                ),
            ],
        );
        assert_eq!(
            got,
            Usage {
                input_tokens: 77,
                cached_input_tokens: 0,
                output_tokens: 3,
                estimated: true
            }
        );
    }

    #[test]
    fn stream_anthropic() {
        let got = run(
            Messages,
            500,
            &[
                (
                    Some("message_start"),
                    json!({"type":"message_start","message":{"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":100,"output_tokens":1}}}),
                ),
                (
                    Some("content_block_delta"),
                    json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}),
                ),
                (
                    Some("message_delta"),
                    json!({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15}}),
                ),
                (
                    Some("message_delta"),
                    json!({"type":"message_delta","delta":{},"usage":{"output_tokens":18}}),
                ),
                (Some("message_stop"), json!({"type":"message_stop"})),
            ],
        );
        assert_eq!(
            got,
            Usage {
                input_tokens: 125,
                cached_input_tokens: 100,
                output_tokens: 18,
                estimated: false
            }
        );
    }

    #[test]
    fn stream_anthropic_delta_with_input_counts_replaces_them() {
        let got = run(
            Messages,
            500,
            &[
                (
                    Some("message_start"),
                    json!({"message":{"usage":{"input_tokens":25,"cache_read_input_tokens":100,"output_tokens":1}}}),
                ),
                (
                    Some("message_delta"),
                    json!({"usage":{"input_tokens":30,"output_tokens":9}}),
                ),
            ],
        );
        assert_eq!(
            (got.input_tokens, got.cached_input_tokens, got.output_tokens),
            (30, 0, 9)
        );
    }

    #[test]
    fn stream_anthropic_cut_after_start_estimates_output() {
        // message_start's output_tokens (1) is a placeholder: the output
        // of a stream cut before message_delta is estimated from its text.
        let got = run(
            Messages,
            500,
            &[
                (
                    None,
                    json!({"type":"message_start","message":{"usage":{"input_tokens":25,"output_tokens":1}}}),
                ),
                (
                    None,
                    json!({"type":"content_block_delta","delta":{"type":"text_delta","text":"abcdefgh"}}),
                ),
                (
                    None,
                    json!({"type":"content_block_delta","delta":{"type":"input_json_delta","partial_json":"{\"x\":"}}),
                ),
            ],
        );
        assert_eq!(
            got,
            Usage {
                input_tokens: 25,
                cached_input_tokens: 0,
                output_tokens: 4,
                estimated: true
            }
        );
    }

    #[test]
    fn stream_empty_is_the_prompt_estimate() {
        let got = StreamUsage::new(12).finish();
        assert_eq!(
            got,
            Usage {
                input_tokens: 12,
                cached_input_tokens: 0,
                output_tokens: 0,
                estimated: true
            }
        );
    }

    #[test]
    fn stream_ignores_non_objects() {
        let mut s = StreamUsage::new(3);
        for api in [ChatCompletions, Responses, Messages] {
            s.observe(api, None, &json!("[DONE]"));
            s.observe(api, None, &json!(null));
            s.observe(api, Some("message_start"), &json!([1, 2]));
        }
        assert_eq!(s, StreamUsage::new(3));
    }

    // --- include_usage ---

    fn add(body: &str) -> Option<String> {
        add_include_usage(body.as_bytes()).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn splice_inserts_member_keeping_other_bytes() {
        let body = "{ \"model\" : \"m\",\n  \"stream\":true, \"temperature\": 1.50 }";
        let got = add(body).unwrap();
        assert_eq!(
            got,
            "{\"stream_options\":{\"include_usage\":true}, \"model\" : \"m\",\n  \"stream\":true, \"temperature\": 1.50 }"
        );
        let facts = crate::request::extract::request(ChatCompletions, got.as_bytes()).unwrap();
        assert_eq!(facts.include_usage, Some(true));
        // Removing the inserted text gives the original back, byte for byte.
        assert_eq!(
            got.replacen("\"stream_options\":{\"include_usage\":true},", "", 1),
            body
        );
    }

    #[test]
    fn splice_into_empty_object() {
        assert_eq!(
            add("  {}  ").unwrap(),
            "  {\"stream_options\":{\"include_usage\":true}}  "
        );
    }

    #[test]
    fn splice_into_existing_stream_options() {
        assert_eq!(
            add(r#"{"stream":true,"stream_options":{"x":1}}"#).unwrap(),
            r#"{"stream":true,"stream_options":{"include_usage":true,"x":1}}"#
        );
        assert_eq!(
            add(r#"{"stream_options":{ },"stream":true}"#).unwrap(),
            r#"{"stream_options":{"include_usage":true },"stream":true}"#
        );
        assert_eq!(
            add(r#"{"stream_options":{"include_usage": false},"a":[1,{"b":"}"}]}"#).unwrap(),
            r#"{"stream_options":{"include_usage": true},"a":[1,{"b":"}"}]}"#
        );
        assert_eq!(
            add(r#"{"stream_options":null,"stream":true}"#).unwrap(),
            r#"{"stream_options":{"include_usage":true},"stream":true}"#
        );
        let already = r#"{"stream_options":{"include_usage":true}}"#;
        assert_eq!(add(already).unwrap(), already);
    }

    #[test]
    fn splice_finds_escaped_keys_and_skips_nested_ones() {
        // An escaped spelling of the key is the same key to any parser.
        assert_eq!(
            add(r#"{"stream\u005foptions":{"a":1}}"#).unwrap(),
            r#"{"stream\u005foptions":{"include_usage":true,"a":1}}"#
        );
        // A nested `stream_options` and one inside a string are not it.
        assert_eq!(
            add(r#"{"m":{"stream_options":1},"s":"\"stream_options\":"}"#).unwrap(),
            r#"{"stream_options":{"include_usage":true},"m":{"stream_options":1},"s":"\"stream_options\":"}"#
        );
    }

    #[test]
    fn splice_refuses() {
        for body in [
            "not json",
            "",
            "{\"a\":1",
            "[1,2]",
            "\"s\"",
            r#"{"stream_options":1}"#,
            r#"{"stream_options":[]}"#,
            r#"{"stream_options":{},"stream_options":{}}"#,
            r#"{"stream_options":{"include_usage":true,"include_usage":false}}"#,
            r#"{"stream_options":{},"stream\u005foptions":{}}"#,
        ] {
            assert_eq!(add(body), None, "{body}");
        }
    }

    #[test]
    fn injected_usage_chunk() {
        assert!(is_injected_usage_chunk(
            &json!({"id":"x","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}})
        ));
        assert!(!is_injected_usage_chunk(
            &json!({"choices":[{"delta":{"content":"a"}}],"usage":{"prompt_tokens":1}})
        ));
        assert!(!is_injected_usage_chunk(
            &json!({"choices":[],"usage":null})
        ));
        assert!(!is_injected_usage_chunk(&json!({"choices":[]})));
        assert!(!is_injected_usage_chunk(
            &json!({"usage":{"prompt_tokens":1}})
        ));
        assert!(!is_injected_usage_chunk(&json!("[DONE]")));
    }

    #[test]
    fn upstream_reports_round_trip() {
        let r = UpstreamReport {
            status: 200,
            usage: Some(Usage {
                input_tokens: 5,
                cached_input_tokens: 1,
                output_tokens: 7,
                estimated: false,
            }),
        };
        assert_eq!(UpstreamReport::decode(&r.encode()), Some(r));
        let none = UpstreamReport {
            status: 503,
            usage: None,
        };
        assert_eq!(UpstreamReport::decode(&none.encode()), Some(none));
        assert_eq!(UpstreamReport::decode(b"{}"), None);
        assert_eq!(UpstreamReport::decode(b"nope"), None);
    }
}
