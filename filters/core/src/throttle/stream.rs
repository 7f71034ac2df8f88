//! Metering a streamed response: its usage event by event, the usage event
//! `throttle` asked for removed again, and the optional cut-off when the
//! output passes what the limits allow.
//!
//! ```
//! use tollgate_core::request::api::ApiKind;
//! use tollgate_core::throttle::stream::StreamMeter;
//!
//! // The client did not ask for usage; throttle did, so it is dropped.
//! let mut meter = StreamMeter::new(ApiKind::ChatCompletions, 10, true, false);
//! let chunk = b"data: {\"choices\":[{\"delta\":{\"content\":\"hello\"}}]}\n\n\
//!               data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2}}\n\n\
//!               data: [DONE]\n\n";
//! let step = meter.push(chunk, true, None, &|| Vec::new());
//! let out = String::from_utf8(step.out.unwrap()).unwrap();
//! assert!(out.contains("hello") && !out.contains("usage"));
//! assert_eq!(meter.usage().output_tokens, 2);
//! assert!(meter.complete());
//! ```
//!
//! Its memory is the SSE parser's partial event and a few counters,
//! whatever the stream's length.

use crate::request::api::ApiKind;
use crate::request::chunk_read;
use crate::request::framing::{Deframer, Framing};
use crate::request::sse::{encode_item, SseItem, SseParser};
use crate::request::usage::{StreamUsage, Usage};

/// Largest SSE event read for usage.
pub const MAX_EVENT_BYTES: usize = 1 << 20;

/// The meter of one streamed response.
#[derive(Debug)]
pub struct StreamMeter {
    api: ApiKind,
    /// NDJSON or an event stream read as SSE (`None`: the stream is SSE).
    deframer: Option<Deframer>,
    parser: SseParser,
    usage: StreamUsage,
    /// Forward re-encoded events (to drop the injected usage event, or to
    /// end the stream cleanly when it is cut off).
    rewrite: bool,
    /// Drop the usage event: throttle asked for it, the client did not.
    drop_usage: bool,
    /// Ended by the cut-off: the error event was sent.
    cut: bool,
    /// The body reached its end.
    complete: bool,
    /// The framing could not be read: nothing more is metered.
    broken: bool,
    /// The shape of the last event read ([`chunk_read::Template`]).
    template: Option<chunk_read::Template>,
    /// The events of a chunk (kept to be reused).
    items: Vec<SseItem>,
}

/// What to do with one chunk.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct MeterStep {
    /// Forward these bytes instead of the chunk (`None`: the chunk as it is).
    pub out: Option<Vec<u8>>,
    /// This chunk's output passed what the limits allow: `out` ends with
    /// the error event.
    pub cut_now: bool,
    /// The stream was cut earlier: drop the chunk and reset the stream,
    /// which stops the upstream.
    pub reset: bool,
}

impl StreamMeter {
    /// A meter for a stream of `api` whose prompt was estimated at
    /// `prompt_estimate` tokens. `drop_usage`: remove the usage-only event
    /// (throttle added `include_usage`); `cut_off`: `push` may end the
    /// stream when its output passes what is allowed.
    pub fn new(api: ApiKind, prompt_estimate: u64, drop_usage: bool, cut_off: bool) -> Self {
        Self::framed(api, Framing::Sse, prompt_estimate, drop_usage, cut_off)
    }

    /// [`StreamMeter::new`] for a stream framed as `framing` (NDJSON is
    /// read as SSE and, when rewritten, written back as lines).
    pub fn framed(
        api: ApiKind,
        framing: Framing,
        prompt_estimate: u64,
        drop_usage: bool,
        cut_off: bool,
    ) -> Self {
        Self {
            deframer: Deframer::new(framing, MAX_EVENT_BYTES),
            api,
            parser: SseParser::new(MAX_EVENT_BYTES),
            usage: StreamUsage::new(prompt_estimate),
            rewrite: drop_usage || cut_off,
            drop_usage,
            cut: false,
            complete: false,
            broken: false,
            template: None,
            items: Vec::new(),
        }
    }

    /// Whether chunks may be rewritten (the response's `content-length`
    /// must go).
    pub fn rewrites(&self) -> bool {
        self.rewrite
    }

    /// Takes in one chunk (`end`: the last). `allowed_output` is the most
    /// output tokens the limits allow this request, with `cut_off`;
    /// `error_event` makes the event that ends a cut stream.
    pub fn push(
        &mut self,
        chunk: &[u8],
        end: bool,
        allowed_output: Option<u64>,
        error_event: &dyn Fn() -> Vec<u8>,
    ) -> MeterStep {
        self.complete |= end;
        if self.cut {
            return MeterStep {
                out: Some(Vec::new()),
                cut_now: false,
                reset: !end,
            };
        }
        if self.broken {
            return MeterStep::default();
        }
        let mut converted = Vec::new();
        let (chunk, reframe) = match self.deframer.as_mut() {
            None => (chunk, false),
            Some(d) => {
                if d.push(chunk, end, &mut converted).is_err() {
                    // A corrupt message or a line over the bound: the usage
                    // of the events before it still counts (wherever the
                    // chunks were cut); then the stream is forwarded as it
                    // is and read no further.
                    let mut items = Vec::new();
                    let _ = self.parser.push(&converted, &mut items);
                    let _ = self.parser.finish(&mut items);
                    self.observe(&items);
                    self.rewrite = false;
                    self.broken = true;
                    return MeterStep::default();
                }
                (converted.as_slice(), true)
            }
        };
        // The events' list of the last push, emptied (one allocation per
        // stream, not one per chunk).
        let mut items = std::mem::take(&mut self.items);
        items.clear();
        let mut failed = self.parser.push(chunk, &mut items).is_err();
        if end {
            failed |= self.parser.finish(&mut items).is_err();
        }
        let mut out = Vec::new();
        for item in &items {
            let mut drop_it = false;
            if let SseItem::Event(ev) = item {
                if let Some(data) = ev.data.as_deref() {
                    let usage_only = self.usage.observe_data_with(
                        self.api,
                        ev.event.as_deref(),
                        data,
                        &mut self.template,
                    );
                    drop_it = self.drop_usage && usage_only == Some(true);
                }
            }
            if self.rewrite && !drop_it {
                encode_item(item, &mut out);
            }
        }
        self.items = items;
        if failed {
            // An event over the bound: stop rewriting, forward as it is.
            self.rewrite = false;
            return MeterStep::default();
        }
        let mut cut_now = false;
        if let Some(allowed) = allowed_output.filter(|_| self.rewrite) {
            if self.usage.finish().output_tokens > allowed && !end {
                out.extend_from_slice(&error_event());
                self.cut = true;
                cut_now = true;
            }
        }
        if let Some(d) = self.deframer.as_ref().filter(|_| reframe) {
            out = d.reframe(&out);
        }
        MeterStep {
            out: self.rewrite.then_some(out),
            cut_now,
            reset: false,
        }
    }

    /// Reads the usage of whole events (nothing is forwarded).
    fn observe(&mut self, items: &[SseItem]) {
        for item in items {
            if let SseItem::Event(ev) = item {
                if let Some(data) = ev.data.as_deref() {
                    self.usage.observe_data_with(
                        self.api,
                        ev.event.as_deref(),
                        data,
                        &mut self.template,
                    );
                }
            }
        }
    }

    /// The stream ended in trailers: its last, partial event is read.
    pub fn trailers(&mut self) {
        self.complete = true;
        let mut items = Vec::new();
        let _ = self.parser.finish(&mut items);
        self.observe(&items);
    }

    /// The usage so far: the upstream's where it sent it, else estimates.
    pub fn usage(&self) -> Usage {
        self.usage.finish()
    }

    /// Whether the body reached its end (a stream that did not was cut by
    /// the client or a reset: its usage event may never have come).
    pub fn complete(&self) -> bool {
        self.complete
    }

    /// Whether the stream was cut off.
    pub fn is_cut(&self) -> bool {
        self.cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(delta: &str) -> String {
        format!("data: {{\"choices\":[{{\"delta\":{{\"content\":\"{delta}\"}}}}]}}\n\n")
    }

    #[test]
    fn passes_through_when_nothing_is_rewritten() {
        let mut m = StreamMeter::new(ApiKind::ChatCompletions, 3, false, false);
        assert!(!m.rewrites());
        let step = m.push(chat("abcdefgh").as_bytes(), false, None, &Vec::new);
        assert_eq!(step, MeterStep::default());
        assert!(!m.complete());
        let u = m.usage();
        assert_eq!((u.input_tokens, u.output_tokens, u.estimated), (3, 2, true));
    }

    #[test]
    fn cuts_off_past_the_allowed_output_then_resets() {
        let mut m = StreamMeter::new(ApiKind::ChatCompletions, 3, false, true);
        let big = "x".repeat(40);
        let step = m.push(chat(&big).as_bytes(), false, Some(5), &|| {
            b"data: ERR\n\n".to_vec()
        });
        assert!(step.cut_now);
        assert!(String::from_utf8(step.out.unwrap())
            .unwrap()
            .ends_with("data: ERR\n\n"));
        assert!(m.is_cut());
        let step = m.push(chat("more").as_bytes(), false, Some(5), &Vec::new);
        assert_eq!(
            step,
            MeterStep {
                out: Some(Vec::new()),
                cut_now: false,
                reset: true
            }
        );
        let step = m.push(b"", true, Some(5), &Vec::new);
        assert!(!step.reset, "the end needs no reset");
    }

    #[test]
    fn split_at_every_byte_gives_the_same_usage() {
        let stream = format!(
            "{}{}data: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":7,\"completion_tokens\":4}}}}\n\ndata: [DONE]\n\n",
            chat("ab"),
            chat("cd")
        );
        for cut in 0..stream.len() {
            let mut m = StreamMeter::new(ApiKind::ChatCompletions, 3, true, false);
            let mut out = Vec::new();
            for (i, part) in [&stream[..cut], &stream[cut..]].into_iter().enumerate() {
                let step = m.push(part.as_bytes(), i == 1, None, &Vec::new);
                out.extend(step.out.unwrap());
            }
            let out = String::from_utf8(out).unwrap();
            assert!(!out.contains("usage"), "{cut}: {out}");
            assert!(out.contains("\"ab\"") && out.contains("[DONE]"), "{cut}");
            let u = m.usage();
            assert_eq!(
                (u.input_tokens, u.output_tokens, u.estimated),
                (7, 4, false)
            );
        }
    }

    /// Found by the `stream_framing` fuzz target: a corrupt line after the
    /// usage line hid the usage when both came in one chunk (the stream
    /// was charged its estimate) but not when they came in two.
    #[test]
    fn usage_before_a_corrupt_frame_counts_however_the_chunks_fall() {
        let usage = r#"{"model":"m","done":true,"prompt_eval_count":11,"eval_count":6}"#;
        let body = format!("{usage}\n{}\n", "x".repeat(MAX_EVENT_BYTES + 10));
        for cut in [0, usage.len() + 1, body.len()] {
            let mut m = StreamMeter::framed(ApiKind::OllamaChat, Framing::Ndjson, 3, false, false);
            m.push(&body.as_bytes()[..cut], false, None, &Vec::new);
            m.push(&body.as_bytes()[cut..], true, None, &Vec::new);
            let u = m.usage();
            assert_eq!((u.input_tokens, u.output_tokens), (11, 6), "cut {cut}");
        }
    }

    #[test]
    fn an_oversized_event_stops_the_rewrite() {
        let mut m = StreamMeter::new(ApiKind::ChatCompletions, 0, true, false);
        let huge = format!("data: {}", "x".repeat(MAX_EVENT_BYTES + 10));
        let step = m.push(huge.as_bytes(), false, None, &Vec::new);
        assert_eq!(step.out, None);
        assert!(!m.rewrites());
    }
}
