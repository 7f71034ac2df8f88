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
        // A comment continued on the next line: `# (…)`.
        while lines.peek().is_some_and(|l| l.trim().starts_with("# (")) {
            lines.next();
        }
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
    // The inspect examples do what their comments say, and the metrics
    // line shows the labelled series the requests above made.
    let run = |command: &str| {
        std::thread::sleep(std::time::Duration::from_millis(400));
        let out = Command::new("bash")
            .arg("-c")
            .arg(command)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let inspect = api_examples(&banner, &["inspect"]);
    let redacted = inspect
        .iter()
        .find(|(c, _)| c.contains("redacted before it leaves"))
        .map(|(_, cmd)| run(cmd));
    match redacted {
        Some(out) if out.contains("[REDACTED:aws_access_key]") && !out.contains("AKIA") => {}
        other => failures.push(format!("inspect redaction example: {other:?}")),
    }
    let blocked = inspect
        .iter()
        .find(|(c, _)| c.contains("jailbreak is blocked"))
        .map(|(_, cmd)| run(cmd));
    match blocked {
        Some(out) if out.contains("content_policy_violation") => {}
        other => failures.push(format!("inspect jailbreak example: {other:?}")),
    }
    let metrics = banner
        .lines()
        .find(|l| l.contains("/stats/prometheus | grep"))
        .map(|l| run(l.trim()));
    match metrics {
        Some(out)
            if out.contains(
                "tollgate_gen_ai_client_token_usage_total{token_type=\"input\",consumer=\"demo\"",
            ) && out.contains(
                "tollgate_inspect_findings_total{direction=\"request\",family=\"secrets\"",
            ) => {}
        other => failures.push(format!("metrics example: {other:?}")),
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
