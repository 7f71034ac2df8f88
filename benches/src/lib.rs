//! Benchmarks and measurements of Tollgate: `benches/core.rs` and
//! `benches/host.rs` (speed, as ratios to baselines measured in the same run)
//! and the `tollgate-eval-detect` binary (detection quality over the labelled
//! corpus, `scripts/eval-detect`).
//!
//! The timing harness the native benchmarks share is here: [`time`] gives
//! the median nanoseconds of a call (calibrated batches, 15 samples), and
//! [`print_table`] prints each case next to its same-run baseline, with the
//! ratio.

// A benchmark measures wall time and prints its table.
#![allow(clippy::disallowed_methods, clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Texts a case cycles through (see [`proses`]).
pub const VARIANTS: usize = 64;

/// Deterministic prose with the things real prompts carry (numbers, dates,
/// versions, code, a URL; no secrets): `tollgate_tools::demo::prose`.
pub use tollgate_tools::demo::prose;

/// [`VARIANTS`] different texts of `bytes` each: consecutive pieces of one
/// [`prose`] (ASCII, so any cut is a character boundary).
///
/// Benchmarks cycle through them, as traffic does: timing one text over
/// and over lets the branch predictor learn it. On 2026-12-07 the
/// same-text figures of the inspect engines were 1.6-2.3x optimistic at 4
/// KiB (the text views 7.9 against 18.1 us, `engine.request` 74 against
/// 119 us), and tuning against them rewards code that only runs fast on a
/// text the predictor has seen.
pub fn proses(bytes: usize) -> Vec<String> {
    let all = prose(bytes.saturating_mul(VARIANTS));
    all.as_bytes()
        .chunks(bytes.max(1))
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}

/// Calls `f` with each of `items` in turn, one per call: for [`time`].
pub fn cycling<'a, T, R>(
    items: &'a [T],
    mut f: impl FnMut(&'a T) -> R + 'a,
) -> impl FnMut() -> R + 'a {
    let mut i = 0usize;
    move || {
        i = (i + 1) % items.len();
        f(&items[i])
    }
}

const BATCH_TARGET: Duration = Duration::from_millis(5);
const SAMPLES: usize = 15;

/// Median nanoseconds per call of `f`: the batch grows until it takes 5 ms
/// (which warms up), then 15 batches are timed.
pub fn time<R>(mut f: impl FnMut() -> R) -> f64 {
    let mut batch: u32 = 1;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            black_box(f());
        }
        if start.elapsed() >= BATCH_TARGET || batch >= 1 << 26 {
            break;
        }
        batch *= 2;
    }
    let mut per_iter: Vec<f64> = (0..SAMPLES)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                black_box(f());
            }
            start.elapsed().as_nanos() as f64 / f64::from(batch)
        })
        .collect();
    per_iter.sort_by(f64::total_cmp);
    per_iter.get(SAMPLES / 2).copied().unwrap_or(f64::NAN)
}

/// One case of a table: its time and its baseline's.
#[derive(Debug)]
pub struct Row {
    /// What was timed.
    pub case: String,
    /// Nanoseconds per call.
    pub ns: f64,
    /// What it is compared with.
    pub baseline: &'static str,
    /// The baseline's nanoseconds per call, same run.
    pub baseline_ns: f64,
}

/// Prints `rows` under `title`, each with its ratio to its baseline.
pub fn print_table(title: &str, rows: &[Row]) {
    let width = rows.iter().map(|r| r.case.len()).max().unwrap_or(0);
    let base_width = rows.iter().map(|r| r.baseline.len()).max().unwrap_or(0);
    println!("\n{title}");
    println!(
        "  {:width$}  {:>12}  {:base_width$}  {:>12}  {:>8}",
        "case", "ns/iter", "baseline", "ns/iter", "ratio"
    );
    for row in rows {
        println!(
            "  {:width$}  {:>12.1}  {:base_width$}  {:>12.1}  {:>8.2}",
            row.case,
            row.ns,
            row.baseline,
            row.baseline_ns,
            row.ns / row.baseline_ns
        );
    }
}
