//! The circuit breaker in front of the rate-limit service.
//!
//! A service that is down (its storage gone, its pods restarting) makes
//! every call wait the whole `timeout_ms` before the failure mode applies.
//! After `failures` consecutive failures the breaker *opens*: calls are not
//! made, the failure mode applies at once, for `cooldown_ms`. Then one
//! request *probes* (its call is made; the others still skip); a success
//! closes the breaker, a failure opens it for another cool-down.
//!
//! ```
//! use tollgate_core::throttle::breaker::{Breaker, Permit};
//!
//! let mut b = Breaker::new(2, 1_000);
//! assert_eq!(b.permit(0), Permit::Call);
//! b.failure(0);
//! b.failure(10);
//! assert_eq!(b.permit(20), Permit::Skip); // open: fail fast
//! assert_eq!(b.permit(1_010), Permit::Probe); // cooled down: one probe
//! assert_eq!(b.permit(1_011), Permit::Skip); // the others wait for it
//! b.success();
//! assert_eq!(b.permit(1_012), Permit::Call);
//! ```
//!
//! One breaker per VM (an Envoy worker): each worker learns of an outage
//! from its own calls, so a sidecar with W workers makes at most
//! W × `failures` slow calls before every worker fails fast.

/// Whether a call to the service may be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permit {
    /// Closed: call.
    Call,
    /// Cooled down: this call probes whether the service is back.
    Probe,
    /// Open (or a probe is out): do not call; apply the failure mode.
    Skip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed,
    Open { until_ms: u64 },
    Probing,
}

/// A consecutive-failure circuit breaker (see the module docs).
#[derive(Debug, Clone)]
pub struct Breaker {
    threshold: u32,
    cooldown_ms: u64,
    consecutive: u32,
    state: State,
}

impl Breaker {
    /// A breaker opening after `failures` consecutive failures (0: never)
    /// for `cooldown_ms`.
    pub fn new(failures: u32, cooldown_ms: u64) -> Self {
        Self {
            threshold: failures,
            cooldown_ms,
            consecutive: 0,
            state: State::Closed,
        }
    }

    /// Whether a call may be made at `now_ms`.
    pub fn permit(&mut self, now_ms: u64) -> Permit {
        match self.state {
            State::Closed => Permit::Call,
            State::Open { until_ms } if now_ms >= until_ms => {
                self.state = State::Probing;
                Permit::Probe
            }
            State::Open { .. } | State::Probing => Permit::Skip,
        }
    }

    /// A call succeeded: closed.
    pub fn success(&mut self) {
        self.consecutive = 0;
        self.state = State::Closed;
    }

    /// A call failed at `now_ms`. `true` when this failure opened the
    /// breaker (it was closed or probing).
    pub fn failure(&mut self, now_ms: u64) -> bool {
        self.consecutive = self.consecutive.saturating_add(1);
        let opens = match self.state {
            State::Probing => true,
            State::Closed => self.threshold > 0 && self.consecutive >= self.threshold,
            State::Open { .. } => false,
        };
        if opens {
            self.state = State::Open {
                until_ms: now_ms.saturating_add(self.cooldown_ms),
            };
        }
        opens
    }

    /// Whether calls are being skipped.
    pub fn is_open(&self) -> bool {
        !matches!(self.state, State::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_consecutive_failures_and_a_failed_probe_reopens() {
        let mut b = Breaker::new(3, 100);
        b.failure(0);
        b.failure(0);
        b.success();
        assert!(!b.failure(1), "a success in between resets the count");
        assert!(!b.failure(2));
        assert!(b.failure(3), "the third in a row opens it");
        assert_eq!(b.permit(50), Permit::Skip);
        assert_eq!(b.permit(103), Permit::Probe);
        assert!(b.failure(110), "a failed probe opens it again");
        assert_eq!(b.permit(150), Permit::Skip);
        assert_eq!(b.permit(210), Permit::Probe);
        b.success();
        assert!(!b.is_open());
        let mut never = Breaker::new(0, 100);
        for t in 0..100 {
            never.failure(t);
        }
        assert_eq!(never.permit(100), Permit::Call);
    }
}
