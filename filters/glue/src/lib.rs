//! The proxy-wasm plumbing every Tollgate filter shares.
//!
//! A filter crate is a thin adapter: it registers its contexts, and in each
//! callback gathers what it needs through [`host`], asks `tollgate-core` for
//! a decision and carries it out. This crate is the part of that adapter that
//! is the same for every filter:
//!
//! - [`host`]: typed host calls that return `Result` and never panic (the
//!   SDK's own would trap the VM on an unexpected status);
//! - [`logger`]: the host log level, a panic hook that logs why a VM trapped,
//!   and the `#<context> <filter>` log-line prefix;
//! - [`config`]: configuration loading in `on_configure`, one log line on
//!   error, never the configuration itself;
//! - [`metrics`]: labelled metrics, one host metric per series, values
//!   capped;
//! - [`reply`]: refusals in the dialect of the API the client called;
//! - [`request`]: the request head classified by the route catalogue, the
//!   one body reader (buffer, bounded inflate) every filter uses, and the
//!   request model's reading of the body, once per callback for the
//!   filters of a combined module ([`request::one_reading`]).
//!
//! ```ignore
//! // The shape of a filter's on_configure (needs a proxy-wasm host to run).
//! fn on_configure(&mut self, size: usize) -> bool {
//!     tollgate_glue::logger::init(FILTER);
//!     let Some(config) = tollgate_glue::config::load_plugin_configuration::<AuthConfig>(FILTER, size)
//!     else {
//!         return false;
//!     };
//!     // … compile `config` into what requests use, keep it in an Rc …
//!     true
//! }
//! ```

pub mod config;
pub mod host;
pub mod logger;
pub mod metrics;
pub mod reply;
pub mod request;
