//! Benchmarks and measurements of Tollgate: `benches/core.rs` and
//! `benches/host.rs` (speed, as ratios to baselines measured in the same run)
//! and the `tollgate-eval-detect` binary (detection quality over the labelled
//! corpus, `scripts/eval-detect`).
