//! A benchmark fixture, never shipped: `auth`, `throttle` and `inspect` in
//! one module, run by one VM per worker as one Envoy filter, to measure what
//! a combined module would save against the chain of three (issue 14:
//! "consider one combined module … decide by measurement").
//!
//! The three filters are compiled from their own sources, unchanged (each a
//! module here, without its entry point), and each reads its member of the
//! plugin configuration: `{"auth": {…}, "throttle": {…}, "inspect": {…}}`.
//! What one VM shares is the code of the crates all three link (the request
//! model, the glue, serde_json, std) and one set of callbacks per request;
//! each filter still copies and parses the body itself, so this measures
//! the saving of one VM alone, not of a shared parse.
//!
//! The calls follow Envoy's chain: a request passes auth, throttle, inspect
//! in turn, and a filter that pauses holds the ones behind it until it goes
//! on (the ones behind get their request headers then, and the buffered
//! body); a response passes them in reverse, only those that saw the
//! request. When a filter rewrote a body, the next is told its new size.
//! What it does not do, and why it is a fixture: a filter that pauses for
//! a callout (a remote JWKS fetch, a rate-limit service) resumes the stream
//! itself, past the filters behind it; and the three share one tick period.
//! The benchmark configurations need neither.

use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType};
use tollgate_glue::host::{self, BufferType};

#[path = "../../../filters/auth/src/lib.rs"]
mod auth;
#[path = "../../../filters/inspect/src/lib.rs"]
mod inspect;
#[path = "../../../filters/throttle/src/lib.rs"]
mod throttle;

proxy_wasm::main! {{
    tollgate_glue::logger::install_panic_hook("combined");
    tollgate_glue::config::read_sections();
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
            request_headers: (0, false),
            request_seen: 0,
            response_headers: (0, false),
            response_seen: 0,
        }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

/// One request through the three filters.
struct Request {
    parts: Vec<Box<dyn HttpContext>>,
    /// The request headers' callback arguments, for the filters that get
    /// them late.
    request_headers: (usize, bool),
    /// How many filters (in chain order) have had the request headers.
    request_seen: usize,
    response_headers: (usize, bool),
    /// How many filters (in reverse order, among those that saw the
    /// request) have had the response headers.
    response_seen: usize,
}

/// Which way a body callback runs.
#[derive(Clone, Copy)]
enum Way {
    Request,
    Response,
}

impl Request {
    /// Filter indices a response passes, in order.
    fn response_order(&self) -> impl Iterator<Item = usize> {
        (0..self.request_seen).rev()
    }

    fn headers(&mut self, way: Way, i: usize) -> Action {
        let Some(part) = self.parts.get_mut(i) else {
            return Action::Continue;
        };
        match way {
            Way::Request => {
                let (n, end) = self.request_headers;
                part.on_http_request_headers(n, end)
            }
            Way::Response => {
                let (n, end) = self.response_headers;
                part.on_http_response_headers(n, end)
            }
        }
    }

    /// A body chunk through the filters of `order`: each filter not yet
    /// past its headers gets them first (the one before it held them).
    fn body(&mut self, way: Way, order: &[usize], mut size: usize, end: bool) -> Action {
        for (k, &i) in order.iter().enumerate() {
            let seen = match way {
                Way::Request => &mut self.request_seen,
                Way::Response => &mut self.response_seen,
            };
            if k >= *seen {
                *seen = k.saturating_add(1);
                // Paused or not, it gets the buffered body next.
                let _ = self.headers(way, i);
            }
            let writes = host::buffer_writes();
            let Some(part) = self.parts.get_mut(i) else {
                continue;
            };
            let action = match way {
                Way::Request => part.on_http_request_body(size, end),
                Way::Response => part.on_http_response_body(size, end),
            };
            if host::buffer_writes() != writes {
                let buffer = match way {
                    Way::Request => BufferType::HttpRequestBody,
                    Way::Response => BufferType::HttpResponseBody,
                };
                size = host::buffer(buffer, 0, usize::MAX >> 1).map_or(size, |b| b.len());
            }
            if action != Action::Continue {
                return action;
            }
        }
        Action::Continue
    }
}

impl Context for Request {
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

impl HttpContext for Request {
    fn on_http_request_headers(&mut self, n: usize, end: bool) -> Action {
        self.request_headers = (n, end);
        for i in 0..self.parts.len() {
            self.request_seen = i.saturating_add(1);
            if self.headers(Way::Request, i) != Action::Continue {
                return Action::Pause;
            }
        }
        Action::Continue
    }

    fn on_http_request_body(&mut self, size: usize, end: bool) -> Action {
        let order: Vec<usize> = (0..self.parts.len()).collect();
        self.body(Way::Request, &order, size, end)
    }

    fn on_http_request_trailers(&mut self, n: usize) -> Action {
        for part in self.parts.iter_mut().take(self.request_seen) {
            if part.on_http_request_trailers(n) != Action::Continue {
                return Action::Pause;
            }
        }
        Action::Continue
    }

    fn on_http_response_headers(&mut self, n: usize, end: bool) -> Action {
        self.response_headers = (n, end);
        let order: Vec<usize> = self.response_order().collect();
        for (k, i) in order.into_iter().enumerate() {
            self.response_seen = k.saturating_add(1);
            if self.headers(Way::Response, i) != Action::Continue {
                return Action::Pause;
            }
        }
        Action::Continue
    }

    fn on_http_response_body(&mut self, size: usize, end: bool) -> Action {
        let order: Vec<usize> = self.response_order().collect();
        self.body(Way::Response, &order, size, end)
    }

    fn on_http_response_trailers(&mut self, n: usize) -> Action {
        let order: Vec<usize> = self.response_order().take(self.response_seen).collect();
        for i in order {
            if let Some(part) = self.parts.get_mut(i) {
                if part.on_http_response_trailers(n) != Action::Continue {
                    return Action::Pause;
                }
            }
        }
        Action::Continue
    }

    fn on_log(&mut self) {
        for part in &mut self.parts {
            part.on_log();
        }
    }
}
