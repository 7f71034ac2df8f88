//! Tollgate `inspect`: what goes in and what comes out (Istio phase
//! UNSPECIFIED, after authorization).
//!
//! It will detect prompt injection and jailbreaks, find secrets and PII in
//! prompts and completions (block, redact or audit), streamed responses
//! included, and check outputs for malicious content, with bodies bounded by
//! `max_body_bytes`. Those features land in later issues.
//!
//! Today it loads and validates its configuration
//! ([`tollgate_core::config::InspectConfig`]) in `on_configure` — a bad one
//! makes Envoy reject the plugin — and passes every request through,
//! counting it in `tollgate_inspect_requests_total`.

use std::rc::Rc;

use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType};
use tollgate_core::config::InspectConfig;
use tollgate_glue::host::{self, MetricId, MetricType};
use tollgate_glue::logger::{self, Tag};

const FILTER: &str = "inspect";

proxy_wasm::main! {{
    logger::install_panic_hook(FILTER);
    proxy_wasm::set_root_context(|context_id| Box::new(Root { context_id, filter: None }));
}}

/// What `on_configure` builds and every request shares.
struct Filter {
    #[expect(dead_code, reason = "read by the features of later issues")]
    config: InspectConfig,
    requests_total: MetricId,
}

struct Root {
    context_id: u32,
    /// `None` until `on_configure` succeeds; Envoy creates no stream before.
    filter: Option<Rc<Filter>>,
}

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, size: usize) -> bool {
        logger::init(FILTER);
        let Some(config) = tollgate_glue::config::load_plugin_configuration(FILTER, size) else {
            return false;
        };
        let requests_total =
            match host::define_metric(MetricType::Counter, "tollgate_inspect_requests_total") {
                Ok(id) => id,
                Err(e) => {
                    log::error!(
                        "{}: cannot define metrics: {e}",
                        Tag::new(FILTER, self.context_id)
                    );
                    return false;
                }
            };
        self.filter = Some(Rc::new(Filter {
            config,
            requests_total,
        }));
        true
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }

    fn create_http_context(&self, context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Request {
            tag: Tag::new(FILTER, context_id),
            filter: self.filter.clone(),
        }))
    }
}

struct Request {
    tag: Tag,
    filter: Option<Rc<Filter>>,
}

impl Context for Request {}

impl HttpContext for Request {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        if let Some(filter) = &self.filter {
            if let Err(e) = host::increment_metric(filter.requests_total, 1) {
                log::debug!("{}: cannot count the request: {e}", self.tag);
            }
        }
        Action::Continue
    }
}
