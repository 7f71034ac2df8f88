//! Built-in secret rules (credentials, private keys, tokens, passwords) for
//! [`super::patterns`], with their validators.
//!
//! CONTRACT (stub; filled in by the patterns/secrets/pii work).
