//! Tollgate `combined`: `auth`, `throttle` and `inspect` in one module, run
//! by one VM per worker as one Envoy filter (one Istio `WasmPlugin`),
//! shipped beside the three modules.
//!
//! Why: in Envoy each filter pays a cold first pass over its code and
//! tables in every request, and the three share most of theirs (the
//! request model, the glue, serde_json, std); in one VM that code runs warm
//! after the first filter. Measured with `scripts/bench-envoy`:
//! 16-21% less Envoy CPU per request than the chain of three at 1-4 KiB,
//! one VM of 4.4 MiB where three hold 7.2 (README "Speed and size"). The
//! three modules stay the way to run one or two of the filters, to phase
//! them apart in Istio, or to roll one out alone.
//!
//! The three filters are compiled from their own sources, unchanged (each a
//! module here: the `tollgate_combined` cfg of this crate's build script
//! leaves out their entry points and gives each a `root` constructor), and
//! each reads its member of the plugin configuration: `{"auth": {…},
//! "throttle": {…}, "inspect": {…}}` (`config::read_sections`). Each
//! copies the body, but the request model reads it once per callback: a
//! filter that reads the body another read before it (and no one
//! rewrote since) gets that reading (`request::one_reading`).
//!
//! The calls follow Envoy's chain: a request passes auth, throttle, inspect
//! in turn, and a filter that pauses holds the ones behind it until it goes
//! on (the ones behind get their request headers then, and the buffered
//! body); a response passes them in reverse, only those that saw the
//! request. When a filter rewrote a body, the next is told its new size
//! (the glue follows the size through `set_buffer`: `host::track_size`;
//! nothing is read back).
//! A filter that waits for a callout (throttle's rate-limit service,
//! inspect's guard) resumes through the glue, which only notes it here
//! (`host::defer_resumes`): this module carries the stream on through the
//! filters behind it and resumes it when all let it through. The three share
//! one root context and so one tick: the shortest period any asks for
//! (`host::share_tick`; their ticks check whether work is due). A filter
//! that let a body chunk through while one behind it buffers would see the
//! chunk again with the next (Envoy hands this module one buffer); none of
//! the three does: each buffers a request body whole, and a streamed reply's
//! chunks pass inspect and throttle, which copy them out as they go, before
//! auth, which does not read them. `host-tests/tests/combined.rs` shows
//! the chain's behaviour; `filters.rs` the module in Envoy.

use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType};
use tollgate_glue::host::{self, BufferType, Stream};

#[path = "../../auth/src/lib.rs"]
mod auth;
#[path = "../../inspect/src/lib.rs"]
mod inspect;
#[path = "../../throttle/src/lib.rs"]
mod throttle;

proxy_wasm::main! {{
    tollgate_glue::logger::install_panic_hook("combined");
    tollgate_glue::config::read_sections();
    tollgate_glue::host::defer_resumes();
    tollgate_glue::host::share_tick();
    proxy_wasm::set_root_context(|context_id| Box::new(Root {
        parts: vec![auth::root(context_id), throttle::root(context_id), inspect::root(context_id)],
    }));
}}

/// Calls `f` on every part (none skipped when one says no) and says
/// whether all said yes.
fn every<T: ?Sized>(parts: &mut [Box<T>], mut f: impl FnMut(&mut T) -> bool) -> bool {
    let mut all = true;
    for part in parts {
        all &= f(part);
    }
    all
}

/// The three roots, in chain order.
struct Root {
    parts: Vec<Box<dyn RootContext>>,
}

impl Context for Root {
    fn on_http_call_response(&mut self, token: u32, headers: usize, body: usize, trailers: usize) {
        for part in &mut self.parts {
            part.on_http_call_response(token, headers, body, trailers);
        }
    }

    fn on_grpc_call_response(&mut self, token: u32, status: u32, size: usize) {
        for part in &mut self.parts {
            part.on_grpc_call_response(token, status, size);
        }
    }

    fn on_done(&mut self) -> bool {
        every(&mut self.parts, |p| p.on_done())
    }
}

impl RootContext for Root {
    fn on_vm_start(&mut self, size: usize) -> bool {
        every(&mut self.parts, |p| p.on_vm_start(size))
    }

    fn on_configure(&mut self, size: usize) -> bool {
        every(&mut self.parts, |p| p.on_configure(size))
    }

    fn on_tick(&mut self) {
        for part in &mut self.parts {
            part.on_tick();
        }
    }

    fn on_queue_ready(&mut self, queue: u32) {
        for part in &mut self.parts {
            part.on_queue_ready(queue);
        }
    }

    fn create_http_context(&self, context_id: u32) -> Option<Box<dyn HttpContext>> {
        let parts = self
            .parts
            .iter()
            .map(|p| p.create_http_context(context_id))
            .collect::<Option<Vec<_>>>()?;
        Some(Box::new(Request {
            parts,
            request: Leg::default(),
            response: Leg::default(),
        }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

/// Where a stream (one way) stands.
#[derive(Clone, Copy, Debug, Default)]
struct Leg {
    /// The headers callback's arguments, for the filters that get them
    /// late.
    headers: (usize, bool),
    /// How many filters (in this way's order) have had the headers.
    seen: usize,
    /// The filter (by place in this way's order) that paused the stream,
    /// and the callback it paused in.
    held: Option<(usize, Phase)>,
}

/// A callback of one way of the stream.
#[derive(Clone, Copy, Debug)]
enum Phase {
    Headers,
    Body { size: usize, end: bool },
    Trailers(usize),
}

/// Which way a callback runs.
#[derive(Clone, Copy, Debug)]
enum Way {
    Request,
    Response,
}

impl Way {
    fn buffer(self) -> BufferType {
        match self {
            Way::Request => BufferType::HttpRequestBody,
            Way::Response => BufferType::HttpResponseBody,
        }
    }

    fn stream(self) -> Stream {
        match self {
            Way::Request => Stream::Request,
            Way::Response => Stream::Response,
        }
    }
}

/// One request through the three filters.
struct Request {
    parts: Vec<Box<dyn HttpContext>>,
    request: Leg,
    response: Leg,
}

impl Request {
    fn leg(&mut self, way: Way) -> &mut Leg {
        match way {
            Way::Request => &mut self.request,
            Way::Response => &mut self.response,
        }
    }

    /// The filter at place `k` of `way`'s order: a request passes the
    /// filters in chain order, a response those that saw the request, in
    /// reverse.
    fn part(&mut self, way: Way, k: usize) -> Option<&mut Box<dyn HttpContext>> {
        let i = match way {
            Way::Request => k,
            Way::Response => self.request.seen.checked_sub(k.checked_add(1)?)?,
        };
        self.parts.get_mut(i)
    }

    fn len(&self, way: Way) -> usize {
        match way {
            Way::Request => self.parts.len(),
            Way::Response => self.request.seen,
        }
    }

    /// One callback through the filters of `way` from place `from`: each
    /// not yet past its headers gets them first (a filter before it held
    /// them), and a body is passed on at its size after any rewrite. The
    /// first filter that does not continue holds the stream.
    fn run(&mut self, way: Way, from: usize, phase: Phase) -> Action {
        tollgate_glue::request::one_reading(|| self.run_parts(way, from, phase))
    }

    /// [`Request::run`], the request body read once for all of them.
    fn run_parts(&mut self, way: Way, from: usize, mut phase: Phase) -> Action {
        for k in from..self.len(way) {
            let leg = *self.leg(way);
            let late = k >= leg.seen;
            if late {
                self.leg(way).seen = k.saturating_add(1);
            }
            if let Phase::Body { size, .. } = phase {
                host::track_size(way.buffer(), size);
            }
            let Some(part) = self.part(way, k) else {
                continue;
            };
            let (n, end) = leg.headers;
            let headers = |part: &mut Box<dyn HttpContext>| match way {
                Way::Request => part.on_http_request_headers(n, end),
                Way::Response => part.on_http_response_headers(n, end),
            };
            let action = match phase {
                Phase::Headers => headers(part),
                Phase::Body { size, end } => {
                    if late {
                        // Paused or not, it gets the buffered body next.
                        let _ = headers(part);
                    }
                    match way {
                        Way::Request => part.on_http_request_body(size, end),
                        Way::Response => part.on_http_response_body(size, end),
                    }
                }
                Phase::Trailers(count) => {
                    if late {
                        let _ = headers(part);
                        let size = buffered(way);
                        let _ = match way {
                            Way::Request => part.on_http_request_body(size, false),
                            Way::Response => part.on_http_response_body(size, false),
                        };
                    }
                    match way {
                        Way::Request => part.on_http_request_trailers(count),
                        Way::Response => part.on_http_response_trailers(count),
                    }
                }
            };
            if let Phase::Body { size, .. } = &mut phase {
                *size = host::tracked_size();
            }
            if action != Action::Continue {
                self.leg(way).held = Some((k, phase));
                return action;
            }
        }
        self.leg(way).held = None;
        Action::Continue
    }

    /// After a callout's answer: if the filter holding a way resumed it,
    /// carry the stream through the filters behind it, and resume it when
    /// all let it through.
    fn carry_resumed(&mut self) {
        for way in [Way::Request, Way::Response] {
            if !host::take_resumed(way.stream()) {
                continue;
            }
            let Some((k, phase)) = self.leg(way).held else {
                let _ = host::resume_now(way.stream());
                continue;
            };
            // The filter may have rewritten the body while paused.
            let phase = match phase {
                Phase::Body { end, .. } => Phase::Body {
                    size: buffered(way),
                    end,
                },
                other => other,
            };
            if self.run(way, k.saturating_add(1), phase) == Action::Continue {
                let _ = host::resume_now(way.stream());
            }
        }
    }
}

/// The whole buffered body of `way`.
fn buffered(way: Way) -> usize {
    host::buffer(way.buffer(), 0, usize::MAX >> 1).map_or(0, |b| b.len())
}

impl Context for Request {
    fn on_http_call_response(&mut self, token: u32, headers: usize, body: usize, trailers: usize) {
        for part in &mut self.parts {
            part.on_http_call_response(token, headers, body, trailers);
        }
        self.carry_resumed();
    }

    fn on_grpc_call_response(&mut self, token: u32, status: u32, size: usize) {
        for part in &mut self.parts {
            part.on_grpc_call_response(token, status, size);
        }
        self.carry_resumed();
    }

    fn on_done(&mut self) -> bool {
        every(&mut self.parts, |p| p.on_done())
    }
}

impl HttpContext for Request {
    fn on_http_request_headers(&mut self, n: usize, end: bool) -> Action {
        self.request.headers = (n, end);
        self.run(Way::Request, 0, Phase::Headers)
    }

    fn on_http_request_body(&mut self, size: usize, end: bool) -> Action {
        self.run(Way::Request, 0, Phase::Body { size, end })
    }

    fn on_http_request_trailers(&mut self, n: usize) -> Action {
        self.run(Way::Request, 0, Phase::Trailers(n))
    }

    fn on_http_response_headers(&mut self, n: usize, end: bool) -> Action {
        self.response.headers = (n, end);
        self.run(Way::Response, 0, Phase::Headers)
    }

    fn on_http_response_body(&mut self, size: usize, end: bool) -> Action {
        self.run(Way::Response, 0, Phase::Body { size, end })
    }

    fn on_http_response_trailers(&mut self, n: usize) -> Action {
        self.run(Way::Response, 0, Phase::Trailers(n))
    }

    fn on_log(&mut self) {
        for part in &mut self.parts {
            part.on_log();
        }
    }
}
