//! placeholder
pub mod envoy;
pub mod http_client;
pub mod mock_llm;
