//! `tollgate-rls-limits CONFIG.json`: prints the limits a rate-limit service
//! must hold for `throttle`'s mesh-wide rules (`"store": "rls"`), in the
//! format of Limitador's `LIMITS_FILE` (JSON, which is YAML). See
//! `ThrottleConfig::limitador_limits` and the README's "Mesh-wide limits".

use anyhow::{Context, Result};
use tollgate_core::config::{self, ThrottleConfig};

fn main() {
    if let Err(e) = run() {
        eprintln!("tollgate-rls-limits: {e:#}");
        std::process::exit(2);
    }
}

fn run() -> Result<()> {
    let path = std::env::args()
        .nth(1)
        .context("usage: tollgate-rls-limits THROTTLE-CONFIG.json")?;
    let bytes = std::fs::read(&path).with_context(|| format!("reading {path}"))?;
    let cfg: ThrottleConfig = config::parse(&bytes).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
    let limits = cfg.limitador_limits();
    if limits.as_array().is_none_or(Vec::is_empty) {
        eprintln!("tollgate-rls-limits: {path} has no rule with \"store\": \"rls\"");
    }
    println!("{}", serde_json::to_string_pretty(&limits)?);
    Ok(())
}
