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

/// The series a filter has defined, by name.
#[derive(Debug, Default)]
pub struct Registry {
    series: RefCell<HashMap<String, Option<MetricId>>>,
    cardinality: RefCell<Cardinality>,
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
