//! Everything in Tollgate that is not a host call.
//!
//! ```
//! use tollgate_core::request::api::ApiKind;
//! use tollgate_core::config::{self, InspectConfig};
//! use tollgate_core::error::{ErrorFlavor, ErrorKind, ErrorReply};
//!
//! // What `on_configure` does with the plugin configuration.
//! let config: InspectConfig = config::parse(br#"{"max_body_bytes": 65536}"#)?;
//! assert_eq!(config.max_body_bytes, 65536);
//!
//! // A bad configuration names the field it is about.
//! let err = config::parse::<InspectConfig>(br#"{"max_body_bytes": 10}"#).unwrap_err();
//! assert_eq!(err.to_string(), "max_body_bytes: must be between 1024 and 67108864");
//!
//! // What a request callback does when it has to refuse a request.
//! let kind = ApiKind::from_path("/v1/messages");
//! assert_eq!(kind.flavor(), ErrorFlavor::Anthropic);
//! let reply = ErrorReply::new(ErrorKind::PayloadTooLarge, "request body too large", "req_1");
//! assert_eq!(reply.status, 413);
//! let body = reply.body(kind.flavor());
//! assert!(body.starts_with(br#"{"type":"error""#));
//! # Ok::<(), tollgate_core::config::ConfigError>(())
//! ```
//!
//! # Why there is no proxy-wasm here
//!
//! The filter crates are thin adapters: they gather headers, bodies and
//! properties through host calls, ask a pure function in this crate for a
//! decision, and carry it out. Keeping host calls out of this crate means every
//! decision can be unit-tested, fuzzed and benchmarked natively, with no wasm
//! host in the loop, and that a mistake here cannot reach into the host ABI.
//! The same reason keeps clocks out: functions that need the time take `now`
//! as an argument (wasm has no std clock; the host supplies it).
//!
//! # Modules
//! - [`config`]: the filters' configuration types, their parsing and
//!   validation, with errors that name the offending field.
//! - [`request`]: the request model every filter shares: path
//!   normalisation, the route catalogue, body reading.
//! - [`error`]: error replies in the shape the OpenAI and Anthropic SDKs parse.
//! - [`glob`]: the `*`/`?` patterns models and principals are named by.
//! - [`sort`]: one compiled stable sort for every list the filters sort.
//! - [`metrics`]: every metric the filters export, and how labels travel
//!   in a proxy-wasm metric's name.
//! - [`auth`], [`throttle`], [`inspect`]: each filter's engines; they
//!   depend on `config`, `request` and `glob`, never on one another.

pub mod auth;
pub mod config;
pub mod error;
pub mod glob;
pub mod inspect;
pub mod metrics;
pub mod request;
pub mod sort;
pub mod throttle;
