//! Spike detection: a baseline of a series' rate per period, and a verdict
//! on each event whether the current period is far above it.
//!
//! ```
//! use tollgate_core::throttle::spike::{Baseline, SpikeParams};
//!
//! let p = SpikeParams::default(); // requests: 10 s periods, 4 sigmas
//! let mut b = Baseline::new(0, &p);
//! // Ten minutes of 100 requests per period…
//! for period in 0..60u64 {
//!     for i in 0..100u64 {
//!         let v = b.observe(period * 10_000 + i * 100, 1.0, &p);
//!         assert!(v.anomaly.is_none());
//!     }
//! }
//! // …then a burst: flagged after ~150 requests, 1.5 s into the period.
//! let start = 60 * 10_000;
//! let first = (0..1000u64)
//!     .position(|i| b.observe(start + i * 10, 1.0, &p).newly)
//!     .unwrap();
//! assert!(first < 200);
//! // The state is a small fixed-size record for proxy-wasm shared data.
//! let bytes = b.encode();
//! assert_eq!(Baseline::decode(&bytes), Some(b));
//! ```
//!
//! # The model
//! A *series* (one per consumer and model, one for requests and one for
//! tokens) counts what arrives in fixed periods of [`SpikeParams::period_secs`]
//! (aligned on the epoch, so every worker and every sidecar cuts periods at
//! the same instants). When a period ends its count is folded into an
//! exponentially weighted mean and variance of per-period counts
//! (Welford-style: `mean' = mean + a·(x − mean)`,
//! `var' = (1 − a)·(var + a·(x − mean)²)`). Each event adds to the current
//! period's count, and the *partial* count is compared with
//! `mean + sigmas·sd`: the count only grows during a period, so a burst is
//! flagged on the event that crosses the threshold, seconds after it starts,
//! not when its period ends. With 10 s periods, a 10x burst on a steady
//! series of 100 per period is flagged 1.5 s in (the 146th request).
//!
//! The state is [`ENCODED_LEN`] bytes, every update is a pure function of
//! the old state, the event and `now` ([`Baseline::observe`]), so workers
//! share a series through proxy-wasm shared data with compare-and-swap:
//! decode, observe, encode, `set_shared_data` with the CAS token, retry on
//! mismatch. Nothing runs on a timer: periods without events are folded in,
//! as zeros, by the next event (see *Gaps*).
//!
//! # The threshold, and its floor
//! An anomaly is a count `x` in the current period with
//! - at least [`SpikeParams::warmup_periods`] periods folded in (before
//!   that, the baseline means little, and no verdict is given);
//! - `x >= min_rate` (small series are noise, whatever their variance);
//! - `x > mean + sigmas·sd_eff`, where
//!   `sd_eff = max(sd, sqrt(unit·mean), unit)`.
//!
//! The floor matters: a perfectly flat series (a synthetic client, a cron
//! job) has `sd ≈ 0`, and every small bump would be "infinitely many
//! sigmas" above it. Independent arrivals are Poisson, whose sd is
//! `sqrt(mean)`; a sum of events of size about `unit` (tokens) is compound
//! Poisson with sd about `sqrt(unit·mean)`. So the floor is the noise an
//! honest series of that mean would have anyway, and `unit` keeps the floor
//! at least one event wide when the mean is near 0. The EWMA variance is an
//! estimate from about `2/alpha` periods, noisy itself; the floor also keeps
//! an underestimate from turning into false positives. Measured (tests):
//! Poisson traffic at 25, 30, 100 and 1000 per period gives no anomaly in
//! 1000 periods (highest score 3.8). Traffic three times as noisy as
//! Poisson, where the floor does not help, gave 5 anomalous periods in
//! 30 000 (one per ~17 hours per series): the EWMA variance is an estimate
//! from few periods and its errors make the tails fatter than Gaussian.
//!
//! # Defaults, and why
//! - `period_secs = 10`: fine enough that a burst is seen well within the
//!   minute the issue asks for, coarse enough that a period holds enough
//!   events for a count to mean something.
//! - `alpha = 0.1`: the baseline remembers about 10 periods (a 100 s time
//!   constant; the variance uses about 20). Shorter forgets a normal
//!   rhythm, longer takes long to accept a real change. For the first
//!   periods the weight is `1/(n+1)` (a plain average) while that exceeds
//!   `alpha`, so the first periods do not pull the mean towards 0.
//! - `sigmas = 4.5`: with an estimated variance, 4 gave about one false
//!   anomaly per 600 periods (under two hours) on bursty traffic in a
//!   simulation, 4.5 one per 6000; a burst of 2x or more on a series of
//!   100 per period is still flagged in its period, and 1.5x is flagged
//!   for one period.
//! - `min_rate`: 20 requests per period (2 per second), or
//!   [`DEFAULT_TOKEN_MIN_RATE`] tokens for token series
//!   ([`SpikeParams::tokens`]). Requests and tokens need separate
//!   thresholds (and separate `unit`): the filter keeps one [`SpikeParams`]
//!   per kind of series.
//! - `warmup_periods = 6`: one minute of baseline before any verdict.
//! - `hold_secs = 300`: an anomaly stays active five minutes after the last
//!   event that raised it, long enough for a tighter limit to matter and
//!   for dashboards to catch it.
//!
//! # Anomalous periods in the baseline
//! Folded in unchanged, a sustained attack becomes the new normal within
//! minutes: a 10x period adds `(9·mean)²/10` to the variance and the next
//! threshold already sits far higher. Folded at a reduced weight, the same
//! happens a few periods later (the variance, not the mean, is what a large
//! outlier moves). Left out entirely, a real change of level (a new
//! customer's batch job going live) would be an anomaly forever.
//!
//! So a period whose count was anomalous is folded in *clamped to the
//! threshold and into the mean only*: the mean moves by `a·sigmas·sd_eff`
//! per period, the variance is left as it was. A lasting new level is
//! accepted at a bounded speed, linear in sd rather than exponential. A
//! step to 1.5x on a 100 per period series is flagged for one period; a
//! sustained 10x attack on the same series stays an anomaly (and the hold
//! keeps being extended, with one `newly`) for 870 s, about 15 minutes,
//! then is the new baseline; the hold then runs out
//! [`SpikeParams::hold_secs`] later (measured in the tests). When the
//! attack stops, the mean falls back with ordinary weight; the drop widens
//! the variance, so the series is less sensitive for a few minutes after.
//!
//! # Ramps
//! A plain EWMA variance never flags a steady exponential ramp, however
//! fast: the mean lags the ramp by a constant fraction, the lag enters the
//! variance as deviations, and the score settles near
//! `sqrt(1/(a·(1−a)))` (3.3 for `a = 0.1`). Simulated, traffic doubling
//! every minute from 100 per period was never flagged. So once warm, a
//! *rise* above the mean enters the variance clipped at
//! [`RISE_CLIP_SIGMAS`] standard deviations (a one-sided winsorized
//! estimate, divided by its expectation under normal noise so that noise is
//! still estimated without bias). The sd can then grow at most about 12%
//! per period, and faster growth is flagged: doubling every minute from
//! 1000 per period is flagged in its second period (tested), from 100 in
//! about 30 s (simulated). Doubling in an hour is not flagged, at 50 or
//! 5000 per period (tested). Drops are not clipped, so a gap folds in
//! closed form.
//!
//! # Gaps
//! Periods without events are zeros, and folding them is what makes a
//! series decay. `k` zeros in a row have a closed form (constant weight
//! `a`, `b = 1 − a`): `mean_k = bᵏ·mean`,
//! `var_k = bᵏ·(var + mean²·(1 − bᵏ))`; in the plain-average phase,
//! merging `k` zeros into `n` samples is exact too. So a gap of a day or a
//! year costs the same as one period. There is no reset after a long gap:
//! a consumer idle for a day has a baseline near 0, and its return above
//! `min_rate` *is* flagged. That is meant (a dormant key suddenly used is
//! a classic abuse); a consumer known to run daily batches wants a higher
//! `min_rate`.
//!
//! The period a series is created in is partial (the series began during
//! it) and is not folded in, so it does not drag the first mean down.
//!
//! # Limits
//! - Only rises are anomalies; a drop to zero is not reported.
//! - A slow ramp is not a spike (see "Ramps"): doubling every ten minutes
//!   is flagged only on large series (10 000 per period, simulated); a
//!   patient attacker who ramps slowly is for the limits, not for this
//!   detector.
//! - A new series' first verdicts (just after warm-up) rest on a variance
//!   from six periods: they are the least reliable.
//! - Time going backwards (workers' clocks, a CAS retry with an older
//!   `now`) adds to the current period; periods never move back.
//! - A period's count is capped at [`MAX_COUNT`] so that sums and squares
//!   stay finite; amounts that are negative, NaN or infinite count as 0.
//! - Periods are aligned on the epoch, not on the series' first event, so
//!   the first verdicts come 6 to 7 periods after a series starts.

pub use crate::config::throttle::{
    ParamError, SpikeParams, DEFAULT_REQUEST_MIN_RATE, DEFAULT_TOKEN_MIN_RATE, DEFAULT_TOKEN_UNIT,
};

/// Format version of [`Baseline::encode`], the first byte.
pub const VERSION: u8 = 1;

/// Bytes of an encoded [`Baseline`]: version, flags, period index (u64),
/// count, mean, variance (f64), periods folded (u32), anomaly end (u64 ms).
pub const ENCODED_LEN: usize = 46;

/// A period's count is capped here, so that squares of differences stay
/// finite in f64 (1e15 tokens in ten seconds is not a real series).
pub const MAX_COUNT: f64 = 1e15;

/// In the variance update, a rise above the mean counts at most this many
/// (floored) standard deviations: see "Ramps" in the module docs.
pub const RISE_CLIP_SIGMAS: f64 = 2.0;

/// `E[z²]` with the positive side of a standard normal `z` clipped at
/// [`RISE_CLIP_SIGMAS`] (`1/2 + (P(|z|<2) − 4φ(2) + 4·P(|z|>2))/2`): dividing
/// the clipped square by it keeps the variance of normal noise unbiased.
const RISE_CLIP_CONSISTENCY: f64 = 0.960_268_5;

/// Flag bit: the current period is the one the series was created in, and
/// is not folded into the baseline when it ends.
const FLAG_PARTIAL: u8 = 1;

impl SpikeParams {
    fn period_ms(&self) -> u64 {
        u64::from(self.period_secs.max(1)).saturating_mul(1000)
    }

    fn hold_ms(&self) -> u64 {
        u64::from(self.hold_secs).saturating_mul(1000)
    }

    /// Periods folded with the plain-average weight `1/(n+1)` before the
    /// constant `alpha` takes over: the smallest `n` with `1/(n+1) <= alpha`.
    fn average_periods(&self) -> u32 {
        if self.alpha.is_finite() && self.alpha > 0.0 {
            // Saturating float-to-int cast.
            ((1.0 / self.alpha).ceil() - 1.0).max(0.0) as u32
        } else {
            0
        }
    }

    /// The weight of the period folded when `n` are already in.
    fn weight(&self, n: u32) -> f64 {
        if n < self.average_periods() {
            1.0 / (f64::from(n) + 1.0)
        } else {
            self.alpha
        }
    }
}

/// What one event says about its series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verdict {
    /// The current period's count is anomalous (after this event).
    pub anomaly: Option<Anomaly>,
    /// `true` only on the event that raised an anomaly while none was
    /// active: log and count the anomaly on this one.
    pub newly: bool,
    /// An anomaly raised by this event or in the last `hold_secs` is active
    /// (for a temporary tighter limit, decision metadata, a gauge).
    pub active: bool,
}

/// The numbers behind an anomaly, for the log line and decision metadata.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anomaly {
    /// The current period's count so far.
    pub count: f64,
    /// The baseline's mean count per period.
    pub mean: f64,
    /// The standard deviation used (the estimate or its floor, the larger).
    pub sd: f64,
    /// How many of those standard deviations `count` is above `mean`.
    pub score: f64,
}

/// The baseline of one series (see the module docs): a fixed-size record,
/// updated only by [`Baseline::observe`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Baseline {
    /// Index of the current period (`now_ms / period_ms`).
    period: u64,
    /// What arrived in the current period so far.
    count: f64,
    /// EWMA of per-period counts.
    mean: f64,
    /// EWMA variance of per-period counts.
    var: f64,
    /// Periods folded in (saturating).
    periods: u32,
    /// The anomaly is active while `now_ms < anomaly_until_ms`.
    anomaly_until_ms: u64,
    /// [`FLAG_PARTIAL`].
    flags: u8,
}

impl Baseline {
    /// An empty series whose first event comes at `now_ms` (milliseconds
    /// since the epoch). Its current period is partial and not folded in.
    pub fn new(now_ms: u64, p: &SpikeParams) -> Self {
        Self {
            period: period_index(now_ms, p),
            count: 0.0,
            mean: 0.0,
            var: 0.0,
            periods: 0,
            anomaly_until_ms: 0,
            flags: FLAG_PARTIAL,
        }
    }

    /// Adds `amount` (1 for a request, a count of tokens) at `now_ms` and
    /// says whether the current period is anomalous. Ends the periods that
    /// `now_ms` is past first, folding them (and any empty ones) into the
    /// baseline. `amount` that is negative or not finite counts as 0, so
    /// `observe(now, 0.0, p)` only asks.
    pub fn observe(&mut self, now_ms: u64, amount: f64, p: &SpikeParams) -> Verdict {
        self.advance(now_ms, p);
        if amount.is_finite() && amount > 0.0 {
            self.count = (self.count + amount).min(MAX_COUNT);
        }
        let was_active = self.is_active(now_ms);
        let anomaly = self.check(p);
        if anomaly.is_some() {
            self.anomaly_until_ms = self
                .anomaly_until_ms
                .max(now_ms.saturating_add(p.hold_ms()));
        }
        self.sanitize();
        Verdict {
            anomaly,
            newly: anomaly.is_some() && !was_active,
            active: self.is_active(now_ms),
        }
    }

    /// Whether an anomaly is active at `now_ms` (for a gauge, or a tighter
    /// limit on requests that are not observed).
    pub fn is_active(&self, now_ms: u64) -> bool {
        now_ms < self.anomaly_until_ms
    }

    /// The count per period above which the current period is an anomaly
    /// (once warm and at least `min_rate`): `mean + sigmas·sd_eff`. A
    /// temporary tighter limit can be derived from it.
    pub fn threshold(&self, p: &SpikeParams) -> f64 {
        self.mean + p.sigmas * self.sd_eff(p)
    }

    /// Index of the current period (`now_ms / (period_secs·1000)`).
    pub fn period(&self) -> u64 {
        self.period
    }

    /// What arrived in the current period so far.
    pub fn count(&self) -> f64 {
        self.count
    }

    /// The baseline's mean count per period.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The baseline's variance of per-period counts (before any floor).
    pub fn variance(&self) -> f64 {
        self.var
    }

    /// Periods folded into the baseline (saturating at `u32::MAX`).
    pub fn periods(&self) -> u32 {
        self.periods
    }

    /// When the active anomaly ends, in ms since the epoch (0 or in the
    /// past: none).
    pub fn anomaly_until_ms(&self) -> u64 {
        self.anomaly_until_ms
    }

    /// The state as [`ENCODED_LEN`] little-endian bytes, [`VERSION`] first.
    pub fn encode(&self) -> [u8; ENCODED_LEN] {
        let mut out = [0u8; ENCODED_LEN];
        let bytes = [VERSION, self.flags]
            .into_iter()
            .chain(self.period.to_le_bytes())
            .chain(self.count.to_le_bytes())
            .chain(self.mean.to_le_bytes())
            .chain(self.var.to_le_bytes())
            .chain(self.periods.to_le_bytes())
            .chain(self.anomaly_until_ms.to_le_bytes());
        for (dst, src) in out.iter_mut().zip(bytes) {
            *dst = src;
        }
        out
    }

    /// Reads what [`Baseline::encode`] wrote. `None` for another length or
    /// version, unknown flags, or numbers that `observe` never produces
    /// (NaN, infinities, negatives, a count above [`MAX_COUNT`]): the caller
    /// then starts the series afresh.
    pub fn decode(bytes: &[u8]) -> Option<Baseline> {
        if bytes.len() != ENCODED_LEN {
            return None;
        }
        let (&[version, flags], rest) = bytes.split_first_chunk::<2>()?;
        if version != VERSION || flags & !FLAG_PARTIAL != 0 {
            return None;
        }
        let (period, rest) = rest.split_first_chunk::<8>()?;
        let (count, rest) = rest.split_first_chunk::<8>()?;
        let (mean, rest) = rest.split_first_chunk::<8>()?;
        let (var, rest) = rest.split_first_chunk::<8>()?;
        let (periods, rest) = rest.split_first_chunk::<4>()?;
        let (until, _) = rest.split_first_chunk::<8>()?;
        let b = Baseline {
            period: u64::from_le_bytes(*period),
            count: f64::from_le_bytes(*count),
            mean: f64::from_le_bytes(*mean),
            var: f64::from_le_bytes(*var),
            periods: u32::from_le_bytes(*periods),
            anomaly_until_ms: u64::from_le_bytes(*until),
            flags,
        };
        b.is_sane().then_some(b)
    }

    fn is_sane(&self) -> bool {
        let ok = |x: f64| x.is_finite() && x >= 0.0;
        ok(self.count) && self.count <= MAX_COUNT && ok(self.mean) && ok(self.var)
    }

    /// Never let NaN or infinities into the state (they can only come from
    /// parameters that fail validation): forget the baseline instead.
    fn sanitize(&mut self) {
        if !self.is_sane() {
            self.count = 0.0;
            self.mean = 0.0;
            self.var = 0.0;
            self.periods = 0;
        }
    }

    /// `max(sd, sqrt(unit·mean), unit)`: see "The threshold, and its floor".
    fn sd_eff(&self, p: &SpikeParams) -> f64 {
        self.var.sqrt().max((p.unit * self.mean).sqrt()).max(p.unit)
    }

    /// Whether a period count of `x` is an anomaly against the baseline.
    fn anomaly_for(&self, x: f64, p: &SpikeParams) -> Option<Anomaly> {
        // Written so that a NaN `min_rate` means "never".
        let enough = x >= p.min_rate;
        if self.periods < p.warmup_periods || !enough {
            return None;
        }
        let sd = self.sd_eff(p);
        let score = (x - self.mean) / sd;
        (score > p.sigmas && score.is_finite()).then_some(Anomaly {
            count: x,
            mean: self.mean,
            sd,
            score,
        })
    }

    fn check(&self, p: &SpikeParams) -> Option<Anomaly> {
        self.anomaly_for(self.count, p)
    }

    /// Ends the current period and any empty ones before `now_ms`'s.
    fn advance(&mut self, now_ms: u64, p: &SpikeParams) {
        let now = period_index(now_ms, p);
        let Some(gap) = now.checked_sub(self.period).filter(|&g| g > 0) else {
            return; // the same period, or the clock went back
        };
        if self.flags & FLAG_PARTIAL != 0 {
            self.flags &= !FLAG_PARTIAL;
        } else {
            self.fold(self.count, p);
        }
        self.fold_zeros(gap.saturating_sub(1), p);
        self.period = now;
        self.count = 0.0;
    }

    /// Folds one ended period with count `x`.
    fn fold(&mut self, x: f64, p: &SpikeParams) {
        let a = p.weight(self.periods);
        if self.anomaly_for(x, p).is_some() {
            // Clamped to the threshold, mean only: see "Anomalous periods".
            let t = self.threshold(p);
            self.mean += a * (t - self.mean);
        } else {
            let d = x - self.mean;
            let dd = if d > 0.0 && self.periods >= p.warmup_periods {
                // Rises clipped: see "Ramps".
                let clip = RISE_CLIP_SIGMAS * self.sd_eff(p);
                d.min(clip) * d.min(clip) / RISE_CLIP_CONSISTENCY
            } else {
                d * d
            };
            self.mean += a * d;
            self.var = (1.0 - a) * (self.var + a * dd);
        }
        self.periods = self.periods.saturating_add(1);
    }

    /// Folds `k` periods with a count of 0, in closed form (see "Gaps").
    fn fold_zeros(&mut self, k: u64, p: &SpikeParams) {
        if k == 0 {
            return;
        }
        let n = self.periods;
        // Plain-average phase: merge k1 zeros into n samples, exactly.
        let k1 = u64::from(p.average_periods().saturating_sub(n)).min(k);
        if k1 > 0 {
            let nf = f64::from(n);
            let total = nf + k1 as f64;
            let mean = nf * self.mean / total;
            self.var = (nf * (self.var + self.mean * self.mean) / total - mean * mean).max(0.0);
            self.mean = mean;
        }
        // Constant-weight phase.
        let k2 = k.saturating_sub(k1);
        if k2 > 0 {
            let b = 1.0 - p.alpha;
            let bk = b.powf(k2 as f64);
            self.var = (bk * (self.var + self.mean * self.mean * (1.0 - bk))).max(0.0);
            self.mean *= bk;
        }
        let k32 = u32::try_from(k).unwrap_or(u32::MAX);
        self.periods = self.periods.saturating_add(k32);
    }
}

fn period_index(now_ms: u64, p: &SpikeParams) -> u64 {
    now_ms.checked_div(p.period_ms()).unwrap_or(0)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    const P: u64 = 10_000; // default period in ms

    /// A tiny deterministic PRNG (xorshift64*), so tests need no seed files.
    struct Rng(u64);

    impl Rng {
        fn next_f64(&mut self) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
            (x >> 11) as f64 / (1u64 << 53) as f64
        }

        /// A Poisson sample (Knuth for small means, a rounded normal for
        /// large ones: close enough for a false-positive test).
        fn poisson(&mut self, mean: f64) -> u64 {
            if mean < 60.0 {
                let l = (-mean).exp();
                let mut k = 0;
                let mut prod = self.next_f64();
                while prod > l {
                    k += 1;
                    prod *= self.next_f64();
                }
                k
            } else {
                // Box-Muller
                let u1 = self.next_f64().max(1e-300);
                let u2 = self.next_f64();
                let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
                (mean + z * mean.sqrt()).round().max(0.0) as u64
            }
        }
    }

    /// Feeds `n` events of `amount` spread evenly over period `period`,
    /// returning every verdict.
    fn feed(b: &mut Baseline, p: &SpikeParams, period: u64, n: u64, amount: f64) -> Vec<Verdict> {
        let step = p.period_ms() / n.max(1);
        (0..n)
            .map(|i| b.observe(period * p.period_ms() + i * step, amount, p))
            .collect()
    }

    /// A baseline warmed with `periods` periods of `rate` events each,
    /// starting at period 1 (period 0 is the partial first one).
    fn steady(p: &SpikeParams, rate: u64, periods: u64) -> Baseline {
        let mut b = Baseline::new(0, p);
        for period in 1..=periods {
            for v in feed(&mut b, p, period, rate, 1.0) {
                assert!(v.anomaly.is_none(), "steady period {period}");
            }
        }
        b
    }

    #[test]
    fn defaults_validate() {
        assert_eq!(SpikeParams::default().validate(), Ok(()));
        assert_eq!(SpikeParams::tokens().validate(), Ok(()));
    }

    #[test]
    fn validation_names_the_field() {
        let d = SpikeParams::default();
        let cases = [
            (
                "period_secs",
                SpikeParams {
                    period_secs: 0,
                    ..d
                },
            ),
            (
                "period_secs",
                SpikeParams {
                    period_secs: 100_000,
                    ..d
                },
            ),
            ("alpha", SpikeParams { alpha: 0.0, ..d }),
            ("alpha", SpikeParams { alpha: 1.5, ..d }),
            (
                "alpha",
                SpikeParams {
                    alpha: f64::NAN,
                    ..d
                },
            ),
            ("sigmas", SpikeParams { sigmas: 0.0, ..d }),
            (
                "sigmas",
                SpikeParams {
                    sigmas: f64::INFINITY,
                    ..d
                },
            ),
            (
                "min_rate",
                SpikeParams {
                    min_rate: -1.0,
                    ..d
                },
            ),
            ("unit", SpikeParams { unit: 0.0, ..d }),
            ("hold_secs", SpikeParams { hold_secs: 0, ..d }),
        ];
        for (field, p) in cases {
            assert_eq!(p.validate().unwrap_err().field, field, "{p:?}");
        }
        assert_eq!(SpikeParams { alpha: 1.0, ..d }.validate(), Ok(()));
        let e = SpikeParams { alpha: 0.0, ..d }.validate().unwrap_err();
        assert_eq!(e.to_string(), "alpha: must be > 0 and <= 1");
    }

    #[test]
    fn burst_is_flagged_within_its_period() {
        let p = SpikeParams::default();
        let mut b = steady(&p, 100, 30);
        assert!((b.mean() - 100.0).abs() < 1e-6);
        let verdicts = feed(&mut b, &p, 31, 1000, 1.0);
        let first = verdicts.iter().position(|v| v.anomaly.is_some()).unwrap();
        // mean 100, sd floor 10: the 146th request crosses 145, 1.5 s in.
        assert_eq!(first, 145);
        let a = verdicts[first].anomaly.unwrap();
        assert_eq!((a.count, a.mean, a.sd), (146.0, 100.0, 10.0));
        assert!((a.score - 4.6).abs() < 1e-9);
        assert!(verdicts[first].newly && verdicts[first].active);
        // Every later event of the burst is anomalous, none is newly.
        assert!(verdicts[first..]
            .iter()
            .all(|v| v.anomaly.is_some() && v.active));
        assert_eq!(verdicts.iter().filter(|v| v.newly).count(), 1);
        assert!(verdicts[..first].iter().all(|v| !v.active));
    }

    #[test]
    fn poisson_noise_gives_no_false_positive() {
        for (rate, seed) in [(30.0, 1u64), (100.0, 2), (1000.0, 3), (100.0, 4), (25.0, 5)] {
            let p = SpikeParams::default();
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
            let mut b = Baseline::new(0, &p);
            let mut max_score = f64::MIN;
            for period in 1..=1000u64 {
                let n = rng.poisson(rate);
                for v in feed(&mut b, &p, period, n, 1.0) {
                    assert!(v.anomaly.is_none(), "rate {rate} period {period}: {v:?}");
                }
                if b.periods() >= p.warmup_periods {
                    let sd = b.sd_eff(&p);
                    max_score = max_score.max((b.count() - b.mean()) / sd);
                }
            }
            assert!(max_score < 4.5, "rate {rate}: {max_score}");
        }
    }

    #[test]
    fn bursty_noise_gives_rare_false_positives() {
        // Three times the Poisson sd: the floor does not help, only the
        // estimated variance does, and it is itself an estimate from about
        // 20 periods (fat tails). Measured: see the module docs.
        let mut flagged = 0;
        let mut series = 0;
        for seed in 0..10u64 {
            for rate in [30.0f64, 100.0, 1000.0] {
                let p = SpikeParams::default();
                let mut rng = Rng(0x1234_5678 ^ (seed * 131 + rate as u64));
                let mut b = Baseline::new(0, &p);
                series += 1;
                for period in 1..=1000u64 {
                    let z = rng.poisson(1e6) as f64 - 1e6; // about N(0, 1000²)
                    let n = (rate + 3.0 * rate.sqrt() * z / 1000.0).round().max(0.0) as u64;
                    let v = feed(&mut b, &p, period, n, 1.0);
                    flagged += usize::from(v.iter().any(|v| v.anomaly.is_some()));
                }
            }
        }
        assert!(flagged <= 10, "{flagged} in {series}000 periods");
    }

    #[test]
    fn warmup_gives_no_verdict() {
        let p = SpikeParams::default();
        let mut b = Baseline::new(0, &p);
        // The partial period 0, then periods 1..=6: 6 periods folded only
        // when period 7 begins.
        for period in 0..=6u64 {
            let n = if period % 2 == 0 { 30 } else { 3000 };
            for v in feed(&mut b, &p, period, n, 1.0) {
                assert_eq!(
                    v,
                    Verdict {
                        anomaly: None,
                        newly: false,
                        active: false
                    }
                );
            }
        }
        assert_eq!(b.periods(), 5);
        feed(&mut b, &p, 7, 1, 1.0);
        assert_eq!(b.periods(), 6);
        // The first period was left out: the mean is that of periods 1..=6.
        assert!((b.mean() - 1515.0).abs() < 1e-6, "{}", b.mean());
        // Warm now: a count far above the (wild) baseline is flagged.
        let v = feed(&mut b, &p, 8, 20_000, 1.0);
        assert!(v.iter().any(|v| v.newly));
    }

    #[test]
    fn below_min_rate_is_never_an_anomaly() {
        let p = SpikeParams::default();
        let mut b = steady(&p, 1, 20);
        let v = feed(&mut b, &p, 21, 19, 1.0);
        assert!(v.iter().all(|v| v.anomaly.is_none()));
        let v = b.observe(21 * P + 9_999, 1.0, &p);
        assert_eq!(v.anomaly.unwrap().count, 20.0);
    }

    #[test]
    fn a_day_gap_decays_in_closed_form() {
        let p = SpikeParams::default();
        let mut b = steady(&p, 100, 30);
        let before = b;
        // 8640 periods in a day: one observe, no loop.
        let day = 8640u64;
        b.observe((31 + day) * P, 0.0, &p);
        assert_eq!(b.period(), 31 + day);
        assert_eq!(b.periods(), before.periods() + 1 + day as u32);
        assert!(b.mean() < 1e-300 && b.variance() < 1e-300);
        // Same as folding zeros one at a time, for a short gap.
        let (mut fast, mut slow) = (before, before);
        fast.observe(31 * P + 50 * P, 0.0, &p);
        slow.observe(31 * P, 0.0, &p);
        for k in 1..=50 {
            slow.observe((31 + k) * P, 0.0, &p);
        }
        assert!((fast.mean() - slow.mean()).abs() < 1e-9 * before.mean());
        assert!((fast.variance() - slow.variance()).abs() < 1e-9 * slow.variance());
        // And through the plain-average phase (few periods folded yet).
        let mut fast = Baseline::new(0, &p);
        feed(&mut fast, &p, 1, 50, 1.0);
        feed(&mut fast, &p, 2, 70, 1.0);
        let mut slow = fast;
        fast.observe(20 * P, 0.0, &p);
        for k in 3..=20 {
            slow.observe(k * P, 0.0, &p);
        }
        assert_eq!(fast.periods(), slow.periods());
        assert!(
            (fast.mean() - slow.mean()).abs() < 1e-9,
            "{fast:?} {slow:?}"
        );
        assert!(
            (fast.variance() - slow.variance()).abs() < 1e-9,
            "{fast:?} {slow:?}"
        );
        // A gap of u64 periods does not loop or overflow.
        let mut b = before;
        b.observe(u64::MAX, 1.0, &p);
        assert_eq!(b.periods(), u32::MAX);
        assert_eq!(b.mean(), 0.0);
    }

    #[test]
    fn a_dormant_consumer_bursting_is_flagged() {
        let p = SpikeParams::default();
        let mut b = steady(&p, 100, 30);
        let v = feed(&mut b, &p, 31 + 8640, 100, 1.0);
        let first = v.iter().position(|v| v.newly).unwrap();
        assert_eq!(first, 19, "min_rate 20 is the first anomaly");
    }

    #[test]
    fn a_slow_ramp_is_not_flagged() {
        // Doubling in an hour (360 periods), with Poisson noise, at a low
        // and a high rate.
        for (start, seed) in [(50.0, 7u64), (5000.0, 8)] {
            let p = SpikeParams::default();
            let mut rng = Rng(0xDEAD_BEEF ^ seed);
            let mut b = Baseline::new(0, &p);
            for period in 1..=720u64 {
                let rate = start * 2f64.powf(period as f64 / 360.0);
                let n = rng.poisson(rate);
                for v in feed(&mut b, &p, period, n, 1.0) {
                    assert!(v.anomaly.is_none(), "start {start} period {period}");
                }
            }
            // Four times the rate after two hours, and the mean follows.
            assert!(b.mean() > 3.7 * start, "{}", b.mean());
        }
    }

    #[test]
    fn a_fast_ramp_is_flagged() {
        // Doubling every minute from a steady 1000 per period: flagged
        // within two minutes, because rises are clipped in the variance.
        let p = SpikeParams::default();
        let mut b = steady(&p, 1000, 30);
        let first = (31..60u64).find(|&period| {
            let rate = 1000.0 * 2f64.powf((period - 30) as f64 / 6.0);
            feed(&mut b, &p, period, rate as u64, 1.0)
                .iter()
                .any(|v| v.newly)
        });
        assert!(first.is_some_and(|f| f <= 42), "{first:?}");
    }

    #[test]
    fn newly_once_and_hold_expires() {
        let p = SpikeParams::default();
        let mut b = steady(&p, 100, 30);
        let v = feed(&mut b, &p, 31, 1000, 1.0);
        assert_eq!(v.iter().filter(|v| v.newly).count(), 1);
        let last_anomaly = 31 * P + 999 * 10;
        assert_eq!(b.anomaly_until_ms(), last_anomaly + 300_000);
        // Back to normal: no anomaly, but active for the hold.
        let mut t = 32 * P;
        while t < last_anomaly + 300_000 {
            let v = b.observe(t, 1.0, &p);
            assert!(v.anomaly.is_none() && !v.newly && v.active, "{t}");
            t += 1000;
        }
        let v = b.observe(last_anomaly + 300_000, 1.0, &p);
        assert!(!v.active && !b.is_active(last_anomaly + 300_000));
        assert!(b.is_active(last_anomaly + 299_999));
        // A new burst after the hold is newly again.
        let period = (last_anomaly + 300_000) / P + 1;
        let v = feed(&mut b, &p, period, 2000, 1.0);
        assert_eq!(v.iter().filter(|v| v.newly).count(), 1);
    }

    #[test]
    fn a_sustained_attack_stays_flagged_then_becomes_normal() {
        let p = SpikeParams::default();
        let mut b = steady(&p, 100, 30);
        let mut newly = 0;
        let mut last_anomalous = 0;
        let start = 31u64;
        for period in start..start + 360 {
            for v in feed(&mut b, &p, period, 1000, 1.0) {
                newly += usize::from(v.newly);
                if v.anomaly.is_some() {
                    last_anomalous = period;
                }
            }
        }
        assert_eq!(newly, 1, "one log line for the whole attack");
        let flagged_secs = (last_anomalous + 1 - start) * 10;
        // At least the hold, and bounded: the new level is accepted.
        assert!(flagged_secs >= 300, "{flagged_secs}");
        assert!((600..=1200).contains(&flagged_secs), "{flagged_secs}");
        assert!(!b.is_active((start + 360) * P));
        assert!((b.mean() - 1000.0).abs() < 50.0, "{}", b.mean());
        // The attack stops: a drop is no anomaly.
        for period in start + 360..start + 400 {
            assert!(feed(&mut b, &p, period, 100, 1.0)
                .iter()
                .all(|v| v.anomaly.is_none()));
        }
    }

    #[test]
    fn a_modest_step_is_accepted_quickly() {
        let p = SpikeParams::default();
        let mut b = steady(&p, 100, 30);
        let mut flagged = 0;
        for period in 31..61 {
            if feed(&mut b, &p, period, 150, 1.0)
                .iter()
                .any(|v| v.anomaly.is_some())
            {
                flagged += 1;
            }
        }
        assert!((1..=4).contains(&flagged), "{flagged}");
    }

    #[test]
    fn tokens_use_their_own_floor() {
        let p = SpikeParams::tokens();
        let mut b = Baseline::new(0, &p);
        // 10 requests of ~1000 tokens per period, exactly flat.
        for period in 1..=20u64 {
            feed(&mut b, &p, period, 10, 1000.0);
        }
        assert_eq!(b.variance(), 0.0);
        // sd floor sqrt(1000 * 10000) = 3162: threshold 24 230 tokens.
        assert!((b.threshold(&p) - (10_000.0 + 4.5 * 10_000_000f64.sqrt())).abs() < 1e-6);
        assert!(feed(&mut b, &p, 21, 22, 1000.0)
            .iter()
            .all(|v| v.anomaly.is_none()));
        let v = b.observe(22 * P, 100_000.0, &p);
        assert!(v.newly, "one 100k-token request on a 10k baseline");
    }

    #[test]
    fn clock_going_back_adds_to_the_current_period() {
        let p = SpikeParams::default();
        let mut b = steady(&p, 100, 10);
        b.observe(11 * P + 5000, 1.0, &p);
        let v = b.observe(3 * P, 1.0, &p);
        assert_eq!((b.period(), b.count()), (11, 2.0));
        assert!(v.anomaly.is_none());
    }

    #[test]
    fn bad_amounts_count_as_zero() {
        let p = SpikeParams::default();
        let mut b = steady(&p, 100, 10);
        for a in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -5.0, 0.0] {
            b.observe(11 * P, a, &p);
        }
        assert_eq!(b.count(), 0.0);
        b.observe(11 * P, 1e300, &p);
        assert_eq!(b.count(), MAX_COUNT);
        b.observe(12 * P, 1e300, &p);
        assert!(Baseline::decode(&b.encode()).is_some());
    }

    #[test]
    fn bad_params_never_produce_nan() {
        let d = SpikeParams::default();
        for p in [
            SpikeParams {
                alpha: f64::NAN,
                ..d
            },
            SpikeParams { alpha: 0.0, ..d },
            SpikeParams { alpha: -1.0, ..d },
            SpikeParams {
                unit: 0.0,
                min_rate: 0.0,
                ..d
            },
            SpikeParams {
                sigmas: f64::NAN,
                ..d
            },
            SpikeParams {
                period_secs: 0,
                hold_secs: 0,
                warmup_periods: 0,
                ..d
            },
        ] {
            let mut b = Baseline::new(0, &p);
            for period in 1..30 {
                feed(&mut b, &p, period, 50, 1.0);
                b.observe(period * P + 20 * P, 1e6, &p);
            }
            assert!(Baseline::decode(&b.encode()).is_some(), "{p:?}: {b:?}");
        }
    }

    #[test]
    fn encode_decode_round_trip() {
        let p = SpikeParams::default();
        let fresh = Baseline::new(123_456, &p);
        assert_eq!(Baseline::decode(&fresh.encode()), Some(fresh));
        let mut b = steady(&p, 100, 30);
        feed(&mut b, &p, 31, 1000, 1.0);
        let bytes = b.encode();
        assert_eq!(bytes.len(), ENCODED_LEN);
        assert_eq!(bytes[0], VERSION);
        assert_eq!(Baseline::decode(&bytes), Some(b));
        // Decoded, it goes on exactly like the original.
        let mut c = Baseline::decode(&bytes).unwrap();
        assert_eq!(c.observe(32 * P, 1.0, &p), b.observe(32 * P, 1.0, &p));
        assert_eq!(c, b);
    }

    #[test]
    fn decode_rejects_garbage() {
        let p = SpikeParams::default();
        let good = steady(&p, 100, 10).encode();
        assert!(Baseline::decode(&[]).is_none());
        assert!(Baseline::decode(&good[..ENCODED_LEN - 1]).is_none());
        let mut long = good.to_vec();
        long.push(0);
        assert!(Baseline::decode(&long).is_none());
        let mut bad = good;
        bad[0] = 2;
        assert!(Baseline::decode(&bad).is_none(), "version");
        let mut bad = good;
        bad[1] = 0x80;
        assert!(Baseline::decode(&bad).is_none(), "flags");
        // count, mean, var at 10, 18, 26.
        for at in [10, 18, 26] {
            for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0] {
                let mut bad = good;
                bad[at..at + 8].copy_from_slice(&x.to_le_bytes());
                assert!(Baseline::decode(&bad).is_none(), "{at} {x}");
            }
        }
        let mut bad = good;
        bad[10..18].copy_from_slice(&(MAX_COUNT * 2.0).to_le_bytes());
        assert!(Baseline::decode(&bad).is_none());
        // Random bytes of the right length: never a panic; accepted only
        // when every number is sane.
        let mut rng = Rng(42);
        for _ in 0..10_000 {
            let mut bytes = [0u8; ENCODED_LEN];
            for byte in bytes.iter_mut() {
                *byte = (rng.next_f64() * 256.0) as u8;
            }
            bytes[0] = VERSION;
            bytes[1] &= 1;
            if let Some(b) = Baseline::decode(&bytes) {
                assert!(b.is_sane());
            }
        }
    }
}
