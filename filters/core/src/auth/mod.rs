//! The `auth` engines: who is calling, and what they may do.
//!
//! - [`keys`]: API keys presented in `Authorization: Bearer`, `x-api-key` or
//!   `api-key`, checked against SHA-256 digests (configuration never holds a
//!   key), with ids, consumers, expiry and a disabled flag.
//! - [`jwt`]: JSON Web Tokens verified against a JWKS (RS256/384/512, PS256,
//!   ES256/384, EdDSA; HS256 only when enabled), with the claim checks.
//! - [`permissions`]: per-consumer model and endpoint allowlists and
//!   `max_tokens` limits, read from every supported API shape.
//! - [`mesh`]: mTLS peer identities (SPIFFE IDs) mapped to consumers.
//! - [`providers`]: the provider key to inject per host or route, read from
//!   the VM environment.
//!
//! Pure functions, no host calls: the filter (`filters/auth`) gathers
//! headers, properties and the body, and carries the decision out.

pub mod engine;
pub mod jwt;
pub mod keys;
pub mod mesh;
pub mod permissions;
pub mod providers;
