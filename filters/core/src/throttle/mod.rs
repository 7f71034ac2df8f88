//! Request and token limits (issue 5): the pure parts, with no host calls.
//!
//! - [`usage`]: honest token accounting. At request time, an estimate of the
//!   prompt's tokens and the output tokens the client asked for (what a
//!   limiter reserves); when the response ends, the tokens the upstream
//!   reports, from a JSON body or a stream of SSE events, or an estimate when
//!   it reports none (what a limiter charges, releasing the rest).

pub mod counters;
pub mod limiter;
pub mod rls;
pub mod spike;
pub mod usage;
