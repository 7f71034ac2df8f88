//! `scripts/run --upstream-api all`: the banner prints ready-to-paste
//! requests for every API the mock LLM (a test double) serves, and each one
//! works as printed: run here with bash, through the demo's auth, throttle
//! (paced under its 3 requests a second) and inspect, each must answer 200
//! (the boto3 one must print the completion).
//!
//! Needs the modules (`scripts/build`), curl, and boto3
//! (host-tests/e2e/requirements.txt).

// Test infrastructure runs natively: it needs the real clock.
#![allow(clippy::disallowed_methods)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// The examples under `# <api>: …` comments, as (comment, command).
fn api_examples(banner: &str, apis: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = banner.lines().peekable();
    while let Some(line) = lines.next() {
        let comment = line.trim();
        let Some(rest) = comment.strip_prefix("# ") else {
            continue;
        };
        if !apis.iter().any(|a| rest.starts_with(&format!("{a}:"))) {
            continue;
        }
        let mut command = String::new();
        while let Some(next) = lines.peek() {
            if next.trim().is_empty() || next.trim().starts_with('#') {
                break;
            }
            command.push_str(next.trim().trim_end_matches('\\'));
            command.push(' ');
            lines.next();
        }
        out.push((comment.to_owned(), command.trim().to_owned()));
    }
    out
}

#[test]
fn every_api_example_the_banner_prints_works_as_printed() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tollgate-run"))
        .args(["--upstream-api", "all", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut banner = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.starts_with("Press Ctrl-C") {
            break;
        }
    }
    let apis = [
        "openai",
        "anthropic",
        "ollama",
        "gemini",
        "bedrock",
        "tgi",
        "llama-cpp",
        "vllm",
        "triton",
    ];
    let examples = api_examples(&banner, &apis);
    let mut failures = Vec::new();
    for api in apis {
        if !examples
            .iter()
            .any(|(c, _)| c.starts_with(&format!("# {api}:")))
        {
            failures.push(format!("{api}: no example printed"));
        }
    }
    for (comment, command) in &examples {
        // The demo allows 3 requests a second: paced under it.
        std::thread::sleep(std::time::Duration::from_millis(400));
        let script = if command.starts_with("curl") {
            format!("{command} -o /dev/null -w '%{{http_code}}'")
        } else {
            command.clone()
        };
        let out = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let ok = if command.starts_with("curl") {
            stdout == "200"
        } else {
            out.status.success() && !stdout.is_empty()
        };
        if !ok {
            failures.push(format!(
                "{comment}\n  {command}\n  -> {stdout} {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    // SAFETY: signalling our own child process.
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(i32::try_from(child.id()).unwrap(), libc::SIGTERM)
    };
    let _ = child.wait();
    assert!(
        failures.is_empty(),
        "{}\n\nbanner:\n{banner}",
        failures.join("\n")
    );
    assert!(examples.len() >= 15, "{examples:?}");
}
