//! Labelled metrics on the host: a [`tollgate_core::metrics::Metric`] with
//! label values becomes one host metric per series, defined on first use.
//!
//! Unlabelled metrics are defined once in `on_configure`
//! ([`Registry::define`]) and counted by id, so the hot path formats no
//! name. A labelled series costs one name and one hash lookup per update;
//! client-controlled label values are capped per VM
//! ([`tollgate_core::metrics::Cardinality`]).

use std::cell::RefCell;
use std::collections::HashMap;

use tollgate_core::metrics::{Cardinality, Kind, Metric};

use crate::host::{self, HostError, MetricId, MetricType};

fn host_type(kind: Kind) -> MetricType {
    match kind {
        Kind::Counter => MetricType::Counter,
        Kind::Gauge => MetricType::Gauge,
        Kind::Histogram => MetricType::Histogram,
    }
}

/// Raw label values kept in the fast lookup at most this long (each).
const FAST_VALUE_BYTES: usize = 64;
/// Entries in the fast lookup at most.
const FAST_ENTRIES: usize = 4096;

/// The series a filter has defined, by name.
#[derive(Debug, Default)]
pub struct Registry {
    series: RefCell<HashMap<String, Option<MetricId>>>,
    cardinality: RefCell<Cardinality>,
    /// The id for a metric and its raw values (as the caller passed them),
    /// so a repeated series costs one key and one lookup instead of
    /// sanitising, capping and naming (that made throttle's per-request
    /// metrics a fifth of its cost in the host bench). Bounded: short
    /// values only, at most [`FAST_ENTRIES`].
    fast: RefCell<HashMap<String, Option<MetricId>>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Defines an unlabelled metric (from `on_configure`).
    pub fn define(&self, metric: &Metric) -> Result<MetricId, HostError> {
        debug_assert!(metric.labels.is_empty(), "{} has labels", metric.name());
        host::define_metric(host_type(metric.kind), &metric.name())
    }

    /// Adds `n` to the series of a labelled counter (or gauge). `values`:
    /// one per label, in the metric's label order.
    pub fn add(&self, metric: &Metric, values: &[&str], n: u64) {
        if n == 0 {
            return;
        }
        if let Some(id) = self.id(metric, values) {
            let _ = host::increment_metric(id, i64::try_from(n).unwrap_or(i64::MAX));
        }
    }

    /// Records a histogram sample, or sets a gauge, on a labelled series.
    pub fn record(&self, metric: &Metric, values: &[&str], value: u64) {
        if let Some(id) = self.id(metric, values) {
            let _ = host::record_metric(id, value);
        }
    }

    fn id(&self, metric: &Metric, values: &[&str]) -> Option<MetricId> {
        let cacheable = values.iter().all(|v| v.len() <= FAST_VALUE_BYTES);
        let key = cacheable.then(|| {
            let mut key = String::with_capacity(96);
            key.push_str(metric.prefix);
            key.push_str(metric.stem);
            for v in values {
                key.push('\0');
                key.push_str(v);
            }
            key
        });
        if let Some(key) = &key {
            if let Some(id) = self.fast.try_borrow().ok()?.get(key) {
                return *id;
            }
        }
        let id = self.slow_id(metric, values);
        if let (Some(key), Ok(mut fast)) = (key, self.fast.try_borrow_mut()) {
            if fast.len() < FAST_ENTRIES {
                fast.insert(key, id);
            }
        }
        id
    }

    fn slow_id(&self, metric: &Metric, values: &[&str]) -> Option<MetricId> {
        let mut series = self.series.try_borrow_mut().ok()?;
        let name = self
            .cardinality
            .try_borrow_mut()
            .ok()?
            .name(metric, values, |n| series.contains_key(n));
        if let Some(id) = series.get(&name) {
            return *id;
        }
        let id = host::define_metric(host_type(metric.kind), &name).ok();
        series.insert(name, id);
        id
    }
}
