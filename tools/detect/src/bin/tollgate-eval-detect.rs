//! `tollgate-eval-detect`: detection quality of the `inspect` engine over
//! labelled JSON Lines. Normally run through `scripts/eval-detect`.
//!
//! Each line is `{"text": …, "label": …, "kind": …}` with label `attack` /
//! `benign` (injection), `secret` / `none` (secrets) or `pii` / `none` (PII);
//! `kind` is optional. A record is *flagged* when the chosen detector family
//! finds anything in its text, run as the user's text of a chat request with
//! the given configuration (default: the built-in one). Recall is reported
//! for the positive labels (`attack`, `secret`, `pii`), the false-positive
//! rate for the negative ones (`benign`, `none`).

// A command-line tool: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use tollgate_core::config::{self, InspectConfig};
use tollgate_core::inspect::engine::Engine;
use tollgate_core::inspect::{Direction, Family};
use tollgate_core::request::Role;

const USAGE: &str = "\
usage: scripts/eval-detect [options] [FILE.jsonl...]

Runs the inspect engine over labelled JSON Lines ({\"text\", \"label\", \"kind\"})
and prints recall and false-positive rate per label and per kind.
With no FILE, evaluates the corpus in corpus/ (each file with its detector).

options:
  --detector NAME   injection | secrets | pii: the family whose firing counts
                    as flagged (default: inferred from each file's labels:
                    attack/benign -> injection, secret -> secrets, pii -> pii)
  --config FILE     an inspect configuration (JSON) instead of the default
  --json            print one JSON object: for each label and each kind, the
                    number of records and the number flagged
  -h, --help        this text
";

struct Args {
    detector: Option<Family>,
    config: Option<PathBuf>,
    json: bool,
    files: Vec<PathBuf>,
}

fn parse_args() -> Result<Option<Args>> {
    let mut args = Args {
        detector: None,
        config: None,
        json: false,
        files: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--json" => args.json = true,
            "--detector" => {
                let v = it.next().context("--detector needs a value")?;
                args.detector = Some(family(&v)?);
            }
            "--config" => {
                args.config = Some(it.next().context("--config needs a file")?.into());
            }
            s if s.starts_with("--detector=") => {
                args.detector = Some(family(s.trim_start_matches("--detector="))?);
            }
            s if s.starts_with("--config=") => {
                args.config = Some(s.trim_start_matches("--config=").into());
            }
            s if s.starts_with('-') => bail!("unknown option {s}\n\n{USAGE}"),
            _ => args.files.push(arg.into()),
        }
    }
    Ok(Some(args))
}

fn family(name: &str) -> Result<Family> {
    Ok(match name {
        "injection" => Family::Injection,
        "secrets" => Family::Secrets,
        "pii" => Family::Pii,
        other => bail!("--detector must be injection, secrets or pii, not {other:?}"),
    })
}

struct Record {
    line: usize,
    text: String,
    label: String,
    kind: Option<String>,
}

fn read(path: &Path) -> Result<Vec<Record>> {
    let data =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in data.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{n}: not a JSON object", path.display()))?;
        let text = v["text"]
            .as_str()
            .with_context(|| format!("{}:{n}: \"text\" must be a string", path.display()))?;
        let label = v["label"]
            .as_str()
            .with_context(|| format!("{}:{n}: \"label\" must be a string", path.display()))?;
        if !["attack", "benign", "secret", "pii", "none"].contains(&label) {
            bail!(
                "{}:{n}: label {label:?} is not one of attack, benign, secret, pii, none",
                path.display()
            );
        }
        out.push(Record {
            line: n,
            text: text.to_owned(),
            label: label.to_owned(),
            kind: v["kind"].as_str().map(str::to_owned),
        });
    }
    Ok(out)
}

fn infer(path: &Path, records: &[Record]) -> Result<Family> {
    let has = |l: &str| records.iter().any(|r| r.label == l);
    let found: Vec<Family> = [
        (has("attack") || has("benign"), Family::Injection),
        (has("secret"), Family::Secrets),
        (has("pii"), Family::Pii),
    ]
    .into_iter()
    .filter_map(|(yes, f)| yes.then_some(f))
    .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => bail!(
            "{}: only `none` labels; say which detector with --detector",
            path.display()
        ),
        _ => bail!(
            "{}: labels of several detectors; say which with --detector",
            path.display()
        ),
    }
}

#[derive(Default, Clone, Copy)]
struct Count {
    n: u64,
    flagged: u64,
}

fn is_positive(label: &str) -> bool {
    matches!(label, "attack" | "secret" | "pii")
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("eval-detect: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The repository: this crate is `tools/detect`, two levels down.
fn repo_root() -> Result<PathBuf> {
    Ok(Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .context("repository root")?
        .to_path_buf())
}

fn run() -> Result<()> {
    let Some(mut args) = parse_args()? else {
        print!("{USAGE}");
        return Ok(());
    };
    let root = repo_root()?;

    if args.files.is_empty() {
        let corpus = root.join("corpus");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
            .with_context(|| format!("reading {}", corpus.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        args.files = files;
    }
    let (config, config_name) = match &args.config {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let c: InspectConfig =
                config::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            (c, path.display().to_string())
        }
        None => (
            InspectConfig::default(),
            "the default configuration".to_owned(),
        ),
    };
    let engine = Engine::new(&config).map_err(|e| anyhow::anyhow!("configuration: {e}"))?;

    let mut labels: BTreeMap<String, Count> = BTreeMap::new();
    let mut kinds: BTreeMap<String, (String, Count)> = BTreeMap::new();
    let mut misses: Vec<String> = Vec::new();
    for path in &args.files {
        let records = read(path)?;
        let detector = match args.detector {
            Some(d) => d,
            None => infer(path, &records)?,
        };
        let mut file_labels: BTreeMap<String, Count> = BTreeMap::new();
        for r in &records {
            let flagged = engine
                .detect(
                    Direction::Request,
                    "/v1/chat/completions",
                    Role::User,
                    &r.text,
                )
                .iter()
                .any(|f| f.family == detector);
            let bump = |c: &mut Count| {
                c.n += 1;
                c.flagged += u64::from(flagged);
            };
            bump(labels.entry(r.label.clone()).or_default());
            bump(file_labels.entry(r.label.clone()).or_default());
            let kind = r.kind.clone().unwrap_or_else(|| "(none)".to_owned());
            let entry = kinds
                .entry(kind)
                .or_insert_with(|| (r.label.clone(), Count::default()));
            bump(&mut entry.1);
            if flagged != is_positive(&r.label) && misses.len() < 2000 {
                misses.push(format!(
                    "{}:{} {} ({}{})",
                    path.display(),
                    r.line,
                    if flagged { "false positive" } else { "missed" },
                    r.label,
                    r.kind
                        .as_deref()
                        .map(|k| format!(", {k}"))
                        .unwrap_or_default()
                ));
            }
        }
        if !args.json {
            println!(
                "{} — detector {} ({config_name}), {} records",
                path.strip_prefix(&root).unwrap_or(path).display(),
                detector.as_str(),
                records.len()
            );
            for (label, c) in &file_labels {
                println!("  {}", line(label, label, *c));
            }
            println!("  {}", summary(&file_labels));
        }
    }
    if args.json {
        let labels: serde_json::Map<String, Value> = labels
            .iter()
            .map(|(k, c)| (k.clone(), json!({"n": c.n, "flagged": c.flagged})))
            .collect();
        let kinds: serde_json::Map<String, Value> = kinds
            .iter()
            .map(|(k, (_, c))| (k.clone(), json!({"n": c.n, "flagged": c.flagged})))
            .collect();
        println!("{}", json!({"labels": labels, "kinds": kinds}));
        return Ok(());
    }
    println!("\nall files: {}", summary(&labels));
    println!("\nby kind:");
    for (kind, (label, c)) in &kinds {
        println!("  {}", line(kind, label, *c));
    }
    if std::env::var_os("EVAL_VERBOSE").is_some() {
        println!("\nrecords counted against the detector:");
        for m in &misses {
            println!("  {m}");
        }
    } else if !misses.is_empty() {
        println!(
            "\n{} records counted against the detector (EVAL_VERBOSE=1 lists them)",
            misses.len()
        );
    }
    Ok(())
}

/// Precision, recall and false-positive rate over positive and negative
/// labels together.
fn summary(labels: &BTreeMap<String, Count>) -> String {
    let (mut tp, mut pos, mut fp, mut neg) = (0u64, 0u64, 0u64, 0u64);
    for (label, c) in labels {
        if is_positive(label) {
            tp += c.flagged;
            pos += c.n;
        } else {
            fp += c.flagged;
            neg += c.n;
        }
    }
    let pct = |a: u64, b: u64| {
        if b == 0 {
            "-".to_owned()
        } else {
            format!("{:.1}%", 100.0 * a as f64 / b as f64)
        }
    };
    format!(
        "precision {} ({tp}/{}), recall {} ({tp}/{pos}), false-positive rate {} ({fp}/{neg})",
        pct(tp, tp + fp),
        tp + fp,
        pct(tp, pos),
        pct(fp, neg)
    )
}

fn line(name: &str, label: &str, c: Count) -> String {
    let rate = if c.n == 0 {
        0.0
    } else {
        100.0 * c.flagged as f64 / c.n as f64
    };
    let what = if is_positive(label) {
        "recall"
    } else {
        "false positives"
    };
    format!(
        "{name:<28} n={:<5} flagged={:<5} {rate:5.1}% {what}",
        c.n, c.flagged
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `scripts/eval-detect` with no file reads `corpus/` at the root (it
    /// once looked in `tools/corpus/` after the crate moved).
    #[test]
    fn the_default_corpus_is_the_repositorys() {
        let corpus = repo_root().unwrap().join("corpus");
        assert!(
            corpus.join("injection.jsonl").is_file(),
            "{}",
            corpus.display()
        );
    }
}
