//! Tollgate `auth`: who is calling (Istio phase AUTHN).
//!
//! It will verify API keys (stored as SHA-256 digests) and JWTs (JWKS), check
//! which models and endpoints the caller may use, strip client credentials,
//! set the consumer header for the filters after it, and inject the upstream
//! provider's credentials, which the workload never sees. Those features land
//! in later issues.
//!
//! Today it loads and validates its configuration
//! ([`tollgate_core::config::AuthConfig`]) in `on_configure` — a bad one
//! makes Envoy reject the plugin — and passes every request through,
//! counting it in `tollgate_auth_requests_total`.

use std::rc::Rc;

use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType};
use tollgate_core::config::AuthConfig;
use tollgate_glue::host::{self, MetricId, MetricType};
use tollgate_glue::logger::{self, Tag};

const FILTER: &str = "auth";

proxy_wasm::main! {{
    logger::install_panic_hook(FILTER);
    proxy_wasm::set_root_context(|context_id| Box::new(Root { context_id, filter: None }));
}}

/// What `on_configure` builds and every request shares.
struct Filter {
    #[expect(dead_code, reason = "read by the features of later issues")]
    config: AuthConfig,
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
            match host::define_metric(MetricType::Counter, "tollgate_auth_requests_total") {
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
