//! `tollgate-test-rls`: **a TEST DOUBLE** of a production rate-limit
//! service (see the library docs).
//!
//! ```text
//! tollgate-test-rls --listen 127.0.0.1:0 [--redis redis://127.0.0.1:PORT]
//!                   [--redis-mode racy|atomic|cached] [--statuses none|fill]
//!                   --limits FILE [--rate-limit-headers DRAFT_VERSION_03]
//! ```
//!
//! `--redis-mode`: `racy` (default) reads then increments, as Limitador's
//! `redis` storage; `atomic` checks and counts in one script; `cached`
//! counts in a per-instance cache flushed every 100 ms, as Limitador's
//! `redis_cached`. `--statuses`: `none` (default) leaves the response's
//! statuses empty, as Limitador; `fill` fills them, as envoyproxy/ratelimit.
//!
//! Prints `listening on ADDR` on stdout once bound, then serves until
//! killed. Without `--redis` the counters are in memory.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use tollgate_test_rls::counters::RedisMode;
use tollgate_test_rls::{load_limits, Limiter, RlsService};

const USAGE: &str = "usage: tollgate-test-rls --listen ADDR [--redis URL] \
                     [--redis-mode racy|atomic|cached] [--statuses none|fill] --limits FILE \
                     [--rate-limit-headers NONE|DRAFT_VERSION_03]";

struct Args {
    listen: String,
    redis: Option<String>,
    limits: PathBuf,
    rate_limit_headers: bool,
    redis_mode: RedisMode,
    statuses: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut listen = None;
    let mut redis = None;
    let mut limits = None;
    let mut rate_limit_headers = false;
    let mut redis_mode = RedisMode::Racy;
    let mut statuses = false;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => listen = Some(value()?),
            "--redis" => redis = Some(value()?),
            "--limits" => limits = Some(PathBuf::from(value()?)),
            "--rate-limit-headers" => {
                rate_limit_headers = match value()?.as_str() {
                    "NONE" => false,
                    "DRAFT_VERSION_03" => true,
                    other => return Err(format!("unknown --rate-limit-headers {other}")),
                }
            }
            "--redis-mode" => {
                redis_mode = match value()?.as_str() {
                    "racy" => RedisMode::Racy,
                    "atomic" => RedisMode::Atomic,
                    "cached" => RedisMode::Cached,
                    other => return Err(format!("unknown --redis-mode {other}")),
                }
            }
            "--statuses" => {
                statuses = match value()?.as_str() {
                    "none" => false,
                    "fill" => true,
                    other => return Err(format!("unknown --statuses {other}")),
                }
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(Args {
        listen: listen.ok_or_else(|| format!("--listen is required\n{USAGE}"))?,
        redis,
        limits: limits.ok_or_else(|| format!("--limits is required\n{USAGE}"))?,
        rate_limit_headers,
        redis_mode,
        statuses,
    })
}

async fn run(args: Args) -> Result<(), String> {
    let limits = load_limits(&args.limits)?;
    let limiter = Limiter::with_mode(args.redis.as_deref(), args.redis_mode).await?;
    limiter.configure_with(limits).await?;
    let service =
        RlsService::new(Arc::new(limiter), args.rate_limit_headers).with_statuses(args.statuses);

    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| format!("bind {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {addr}").map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
    }
    tonic::transport::Server::builder()
        .add_service(service.into_server())
        .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener))
        .await
        .map_err(|e| format!("serve: {e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tollgate-test-rls: {e}");
            ExitCode::FAILURE
        }
    }
}
