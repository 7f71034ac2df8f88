//! Request and token limits (issue 5): the pure parts, with no host calls.
//! What a request asks for and what a response reports are read by the
//! shared request model ([`crate::request::extract`],
//! [`crate::request::usage`]).

pub mod breaker;
pub mod counters;
pub mod limiter;
pub mod rls;
pub mod spike;
pub mod stream;
