//! `tollgate-mock-llm [--listen 127.0.0.1:PORT]`: runs the mock LLM (a test
//! double of an OpenAI/Anthropic-compatible upstream; see
//! `tollgate_tools::mock_llm`) until killed, logging each request to stderr.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use anyhow::{bail, Result};
use std::io::Write;
use tollgate_tools::mock_llm::MockLlm;

fn main() {
    if let Err(e) = run() {
        eprintln!("tollgate-mock-llm: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let mut listen = "127.0.0.1:0".to_string();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--listen" => match it.next() {
                Some(addr) => listen = addr,
                None => bail!("--listen needs an address, e.g. 127.0.0.1:8081"),
            },
            a if a.starts_with("--listen=") => listen = a.trim_start_matches("--listen=").into(),
            "-h" | "--help" => {
                println!("usage: tollgate-mock-llm [--listen 127.0.0.1:PORT]");
                return Ok(());
            }
            other => bail!(
                "unknown argument {other:?}; usage: tollgate-mock-llm [--listen 127.0.0.1:PORT]"
            ),
        }
    }
    let mock = MockLlm::start_on(&listen)?;
    mock.set_recording(false);
    mock.set_logging(true);
    println!("tollgate-mock-llm listening on http://{}", mock.addr());
    std::io::stdout().flush()?;
    loop {
        std::thread::park();
    }
}
