//! Test infrastructure for Tollgate's filters:
//!
//! - [`host`]: a proxy-wasm host (ABI 0.2.1) on wasmtime with Envoy's
//!   semantics, to run the compiled filters natively in tests;
//! - re-exported from `tollgate-tools` (the product's tools, which build
//!   without wasmtime): [`envoy`] (the real-Envoy test bed), [`mock_llm`]
//!   (a test double of an OpenAI/Anthropic-compatible upstream),
//!   [`http_client`], [`oci`], [`mesh`], [`demo`].
//!
//! Not shipped: nothing here runs in a sidecar (the OCI images carry only
//! the modules).

pub mod host;

pub use tollgate_tools::{
    demo, envoy, http_client, key_sha256, mesh, mock_llm, observability, oci, prometheus,
};

pub use host::{
    wasm_dir, Action, Forwarded, GrpcCall, GrpcCallReply, HeaderMap, Host, HostBuilder, HttpCall,
    HttpCallOutcome, HttpCallReply, LocalReply, LogLevel, LogLine, MetricValue, Module, Outcome,
    Phase, Request, Response, Stream, StreamId,
};
