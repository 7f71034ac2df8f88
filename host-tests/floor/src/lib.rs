//! The floor: a benchmark fixture, never shipped. It does the least any
//! body-reading policy filter must do and nothing else: it buffers the
//! request body and reads it once, and reads the response body once (each
//! event of a streamed reply as it passes, since buffering a stream would
//! change what the client sees). `scripts/bench-envoy` and the host bench
//! report Tollgate's filters as multiples of this floor, measured in the same
//! run, so the figures say what Tollgate's own work costs beyond the
//! unavoidable copy of the bytes into the VM.

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, BufferType, ContextType, LogLevel, MapType};

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Warn);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Floor) });
}}

struct Floor;

impl Context for Floor {}

impl RootContext for Floor {
    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Request {
            streamed: false,
            read: 0,
        }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

struct Request {
    /// The reply is an event stream: read each chunk, never buffer.
    streamed: bool,
    /// Bytes read, kept so the reads cannot be optimised away.
    read: usize,
}

impl Request {
    fn read(&mut self, buffer: BufferType, size: usize) {
        let bytes = hostcalls::get_buffer(buffer, 0, size)
            .ok()
            .flatten()
            .unwrap_or_default();
        self.read = self.read.wrapping_add(bytes.len());
    }
}

impl Context for Request {}

impl HttpContext for Request {
    fn on_http_request_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        if !end_of_stream {
            return Action::Pause;
        }
        self.read(BufferType::HttpRequestBody, body_size);
        Action::Continue
    }

    fn on_http_response_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        self.streamed = hostcalls::get_map_value(MapType::HttpResponseHeaders, "content-type")
            .ok()
            .flatten()
            .is_some_and(|t| t.starts_with("text/event-stream"));
        Action::Continue
    }

    fn on_http_response_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        if self.streamed {
            self.read(BufferType::HttpResponseBody, body_size);
            return Action::Continue;
        }
        if !end_of_stream {
            return Action::Pause;
        }
        self.read(BufferType::HttpResponseBody, body_size);
        Action::Continue
    }

    fn on_log(&mut self) {
        std::hint::black_box(self.read);
    }
}
