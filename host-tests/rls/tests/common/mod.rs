//! Processes the integration tests start: `redis-server` and the test RLS
//! server (a TEST DOUBLE of a production rate-limit service), each killed
//! when its handle drops.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Kills the child when the test ends, pass or fail.
pub struct Proc(Child);

impl Proc {
    pub fn new(child: Child) -> Proc {
        Proc(child)
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn start_redis() -> (Proc, String) {
    // redis-server takes no port 0: pick a free one and release it.
    for _ in 0..5 {
        let port = free_port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server on PATH (apt-get install redis-server)");
        let proc = Proc(child);
        // Up to 10 s (the workspace's clippy.toml disallows std clocks).
        for _ in 0..500 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return (proc, format!("redis://127.0.0.1:{port}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    panic!("redis-server did not start");
}

/// The double as Limitador runs: draft-03 headers on, no statuses,
/// Redis read-then-increment.
pub fn start_rls(limits: &Path, redis: Option<&str>) -> (Proc, String) {
    start_rls_with(limits, redis, &["--rate-limit-headers", "DRAFT_VERSION_03"])
}

/// The double with these extra flags (`--statuses fill`, `--redis-mode`…).
pub fn start_rls_with(limits: &Path, redis: Option<&str>, flags: &[&str]) -> (Proc, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tollgate-test-rls"));
    cmd.args(["--listen", "127.0.0.1:0", "--limits"])
        .arg(limits)
        .args(flags);
    if let Some(url) = redis {
        cmd.args(["--redis", url]);
    }
    let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let proc = Proc(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    (proc, format!("http://{addr}"))
}

pub fn write_limits(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tollgate-test-rls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}
