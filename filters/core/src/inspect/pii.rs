//! Built-in PII rules (emails, phone numbers, payment cards, IBANs, national
//! IDs, IP addresses) for [`super::patterns`], with their validators.
//!
//! CONTRACT (stub; filled in by the patterns/secrets/pii work).
