//! A real Prometheus (Debian package `prometheus`) scraping an Envoy's
//! `/stats/prometheus`, with Tollgate's alert rules loaded: the
//! observability tests query it over its HTTP API, and `scripts/run
//! --prometheus` starts one against the demo.
//!
//! ```no_run
//! use tollgate_tools::prometheus::Prometheus;
//! let prom = Prometheus::builder()
//!     .scrape("envoy", "127.0.0.1:9901", "/stats/prometheus")
//!     .start()?;
//! let up = prom.query("up")?;
//! # Ok::<(), anyhow::Error>(())
//! ```

// Test infrastructure runs natively: it needs the real clock.
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

use crate::http_client;

/// How long [`PrometheusBuilder::start`] waits for `/-/ready`.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The `prometheus` binary: `$PROMETHEUS_BIN`, else `prometheus` on `PATH`.
pub fn binary() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("PROMETHEUS_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("prometheus"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            anyhow!("prometheus is not on PATH: install it with `apt-get install prometheus` (scripts/test does), or set PROMETHEUS_BIN")
        })
}

/// One sample of an instant query: its labels and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Labels, `__name__` included when the result keeps it.
    pub labels: serde_json::Map<String, Value>,
    /// The value (`NaN` and infinities as Prometheus reports them).
    pub value: f64,
}

impl Sample {
    /// A label's value, or "".
    pub fn label(&self, name: &str) -> &str {
        self.labels.get(name).and_then(Value::as_str).unwrap_or("")
    }
}

/// What to start.
#[derive(Debug, Default)]
pub struct PrometheusBuilder {
    scrapes: Vec<(String, String, String)>,
    rule_files: Vec<PathBuf>,
    interval_secs: u32,
    port: Option<u16>,
    dir: Option<PathBuf>,
}

impl PrometheusBuilder {
    /// Scrape `target` (`host:port`) at `path` as job `job`.
    pub fn scrape(mut self, job: &str, target: &str, path: &str) -> Self {
        self.scrapes
            .push((job.to_owned(), target.to_owned(), path.to_owned()));
        self
    }

    /// Load a rule file (evaluated every scrape interval).
    pub fn rule_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.rule_files.push(path.into());
        self
    }

    /// Scrape and evaluation interval (default 1 s).
    pub fn interval_secs(mut self, secs: u32) -> Self {
        self.interval_secs = secs;
        self
    }

    /// Listen on this port (default: a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Keep the configuration and data in `dir` (default: a fresh
    /// directory under the system temp dir, removed on drop).
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// The configuration file's text.
    pub fn config(&self) -> Result<String> {
        let interval = self.interval_secs.max(1);
        let rules: Vec<String> = self
            .rule_files
            .iter()
            .map(|p| {
                p.canonicalize()
                    .map(|p| p.display().to_string())
                    .with_context(|| format!("rule file {}", p.display()))
            })
            .collect::<Result<_>>()?;
        let config = serde_json::json!({
            "global": {"scrape_interval": format!("{interval}s"), "evaluation_interval": format!("{interval}s")},
            "rule_files": rules,
            "scrape_configs": self.scrapes.iter().map(|(job, target, path)| serde_json::json!({
                "job_name": job,
                "metrics_path": path,
                "static_configs": [{"targets": [target]}],
            })).collect::<Vec<_>>(),
        });
        // JSON is YAML.
        Ok(serde_json::to_string_pretty(&config)?)
    }

    /// Starts Prometheus and waits until it is ready.
    pub fn start(self) -> Result<Prometheus> {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let (dir, owned) = match &self.dir {
            Some(d) => (d.clone(), false),
            None => (
                std::env::temp_dir().join(format!(
                    "tollgate-prometheus-{}-{}",
                    std::process::id(),
                    SEQ.fetch_add(1, Ordering::Relaxed)
                )),
                true,
            ),
        };
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let config_path = dir.join("prometheus.yml");
        fs::write(&config_path, self.config()?)
            .with_context(|| format!("writing {}", config_path.display()))?;
        let port = match self.port {
            Some(p) => p,
            None => free_port()?,
        };
        let log_path = dir.join("prometheus.log");
        let log = fs::File::create(&log_path)?;
        let child = Command::new(binary()?)
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting prometheus")?;
        let mut prom = Prometheus {
            child: Some(child),
            port,
            dir,
            owned,
            log_path,
        };
        prom.wait_ready()?;
        Ok(prom)
    }
}

fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(l.local_addr()?.port())
}

/// A running Prometheus; stopped on drop.
#[derive(Debug)]
pub struct Prometheus {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
    owned: bool,
    log_path: PathBuf,
}

impl Prometheus {
    /// What to start.
    pub fn builder() -> PrometheusBuilder {
        PrometheusBuilder::default()
    }

    /// Its base URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Its directory (configuration, data, log).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Its log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    fn wait_ready(&mut self) -> Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(child) = &mut self.child {
                if let Some(status) = child.try_wait()? {
                    bail!("prometheus exited ({status}):\n{}", self.log());
                }
            }
            if http_client::get(&format!("{}/-/ready", self.url())).is_ok_and(|r| r.status == 200) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "prometheus not ready after {START_TIMEOUT:?}:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// GET an API path, returning `data` of a successful answer.
    pub fn api(&self, path_and_query: &str) -> Result<Value> {
        let r = http_client::get(&format!("{}{path_and_query}", self.url()))?;
        let body: Value = r
            .json()
            .with_context(|| format!("{path_and_query}: {} {}", r.status, r.text()))?;
        if body["status"] != "success" {
            bail!("{path_and_query}: {body}");
        }
        Ok(body["data"].clone())
    }

    /// An instant query's samples (a vector or scalar result).
    pub fn query(&self, expr: &str) -> Result<Vec<Sample>> {
        let data = self.api(&format!("/api/v1/query?query={}", encode(expr)))?;
        let parse = |v: &Value| -> f64 {
            v.get(1)
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<f64>().ok())
                .unwrap_or(f64::NAN)
        };
        match data["resultType"].as_str() {
            Some("vector") => Ok(data["result"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|s| Sample {
                            labels: s["metric"].as_object().cloned().unwrap_or_default(),
                            value: parse(&s["value"]),
                        })
                        .collect()
                })
                .unwrap_or_default()),
            Some("scalar") => Ok(vec![Sample {
                labels: serde_json::Map::new(),
                value: parse(&data["result"]),
            }]),
            other => bail!("{expr}: unexpected result type {other:?}"),
        }
    }

    /// Polls `expr` until `done` accepts its samples, for at most `timeout`;
    /// returns the last samples either way.
    pub fn query_until(
        &self,
        expr: &str,
        timeout: Duration,
        done: impl Fn(&[Sample]) -> bool,
    ) -> Result<Vec<Sample>> {
        let deadline = Instant::now() + timeout;
        loop {
            let samples = self.query(expr)?;
            if done(&samples) || Instant::now() > deadline {
                return Ok(samples);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The loaded rule groups (`/api/v1/rules`).
    pub fn rules(&self) -> Result<Value> {
        self.api("/api/v1/rules")
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if self.owned {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Percent-encodes a query parameter value.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode("sum by (a) (x{b=\"c\"})"),
            "sum%20by%20%28a%29%20%28x%7Bb%3D%22c%22%7D%29"
        );
    }
}
