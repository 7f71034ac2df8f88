//! Spike detection: a baseline of request and token rates (being written).
