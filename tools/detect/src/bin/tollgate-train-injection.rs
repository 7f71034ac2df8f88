//! `tollgate-train-injection`: trains the learned injection scorer
//! (`filters/core/src/inspect/injection/model.rs`) from the training corpus
//! and writes its weights, byte for byte the same for the same corpus.
//! Normally run through `scripts/train-injection`.
//!
//! # What it does
//! 1. Reads `attacks.jsonl` and `benign.jsonl` (fields `text`, `label`,
//!    `category`, `transform`; see the corpus README) and drops duplicate
//!    texts. Attack rows whose payload no view the runtime scores can show
//!    in clear (Morse, acrostics) are
//!    left out: the model would learn that gibberish is an attack.
//! 2. Splits every row by a hash of its text: 15% of each label is held
//!    out, never trained on. The held-out *benign* rows (documents,
//!    security-topic text, innocent trigger words, system prompts among
//!    them) choose the operating points; the held-out attacks report
//!    recall.
//! 3. Every row is turned into what the runtime scores: the word views
//!    `Injection::learned_views` returns (the text, hidden tag text, decoded
//!    payloads), each cut into the model's windows.
//! 4. Logistic regression with AdaGrad over hashed features, every benign
//!    window a negative (their ROT13 and reversed views too: gibberish is
//!    not an attack); positives by multiple-instance learning: round 0
//!    trains on plain attacks that are one window long, then each round takes, for
//!    every attack, its highest-scoring window under the previous model as
//!    the positive (the instruction inside a long document, not the
//!    document) and trains again from zero. Shuffles use a fixed seed;
//!    arithmetic is plain IEEE (no library `exp`), single-threaded, so the
//!    weights are the same on every machine.
//! 5. Quantises to `i8`, scores the held-out rows through the runtime's own
//!    `Model::score`, picks the three logit thresholds (false-positive rate
//!    0.5%, 1%, 3% of held-out benign texts), writes the blob and a report.

// A command-line tool on the host: printing is its job, and it may read
// the clock (the wasm-clock rule is for the filters).
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tollgate_core::inspect::injection::model::{self, Blob, Model, FLAG_TRIGRAMS, MIN_FEATURES};
use tollgate_core::inspect::injection::{Injection, InjectionOptions};

const USAGE: &str = "\
usage: scripts/train-injection [--data DIR] [--extra FILE] [--calibrate FILE]... [--out FILE] [--report FILE] [--check]
                               [--bits N] [--window N] [--epochs N] [--rounds N] [--no-trigrams]
  --data DIR     the training corpus (default: $TOLLGATE_INJECTION_TRAIN,
                 else ../shared/data/injection-train beside the repository)
  --extra FILE   rows written for this project, trained on too; repeatable
                 (default: corpus/train/benign-extra.jsonl and
                 attacks-extra.jsonl, see corpus/train/README.md)
  --out FILE     where the weights go (default: the shipped
                 filters/core/src/inspect/injection/model.bin)
  --calibrate F  a labelled set (eval-detect format) whose benign rows the
                 operating points must also hold on; repeatable (default:
                 corpus/injection.jsonl and corpus/heldout/injection.jsonl,
                 never corpus/heldout2 or heldout3)
  --report FILE  the training report (default: model.md beside --out)
  --check        write nothing; exit 1 unless the weights trained now are
                 byte for byte the shipped ones
  --bits N       2^N weight buckets (default 16)
  --window N     words per window (default 16)
  --epochs N     passes per round (default 4)
  --rounds N     multiple-instance rounds after the first (default 2)
  --no-trigrams  word unigrams and bigrams only (the character trigrams
                 of words cost a third more scoring time; they raised the
                 model's recall on the hand-written development attacks
                 from 194 to 208 of 322 at the default point, 113 to 200 at
                 the low one)
  --score FILE...  (alone) every record's learned logit and rules score
                 with the shipped model, tab-separated
  (five-byte stems, skip-bigrams and four-byte affixes were tried and
  dropped: no gain on the development attacks)";

/// Held out of training: this many per thousand rows of each label.
const HOLDOUT_PER_MILLE: u64 = 150;
/// False-positive rates of the three operating points (low, default, high).
const POINT_FPR: [f64; 3] = [0.005, 0.01, 0.03];
/// Transforms whose payload no scored view shows in clear (ROT13 and
/// reversed text are undone by views of their own).
const OPAQUE_TRANSFORMS: [&str; 2] = ["obfuscated:morse", "obfuscated:acrostic"];
const SEED: u64 = 0x7011_6A7E_2026_1206;

struct Args {
    data: PathBuf,
    out: PathBuf,
    extra: Vec<PathBuf>,
    calibrate: Vec<PathBuf>,
    /// Everyday requests: a benign set of its own the points must hold on.
    everyday: PathBuf,
    report: PathBuf,
    check: bool,
    bits: u8,
    window: u8,
    epochs: u32,
    rounds: u32,
    trigrams: bool,
}

fn parse_args() -> Result<Option<Args>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let default_data = std::env::var_os("TOLLGATE_INJECTION_TRAIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/data/injection-train"));
    let shipped = root.join("filters/core/src/inspect/injection/model.bin");
    let mut args = Args {
        data: default_data,
        out: shipped,
        extra: Vec::new(),
        calibrate: Vec::new(),
        everyday: PathBuf::new(),
        report: PathBuf::new(),
        check: false,
        bits: 16,
        window: 16,
        epochs: 4,
        rounds: 2,
        trigrams: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().with_context(|| format!("{name} needs a value"));
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--data" => args.data = value("--data")?.into(),
            "--out" => args.out = value("--out")?.into(),
            "--extra" => args.extra.push(value("--extra")?.into()),
            "--calibrate" => args.calibrate.push(value("--calibrate")?.into()),
            "--report" => args.report = value("--report")?.into(),
            "--check" => args.check = true,
            "--bits" => args.bits = value("--bits")?.parse().context("--bits")?,
            "--window" => args.window = value("--window")?.parse().context("--window")?,
            "--epochs" => args.epochs = value("--epochs")?.parse().context("--epochs")?,
            "--rounds" => args.rounds = value("--rounds")?.parse().context("--rounds")?,
            "--no-trigrams" => args.trigrams = false,
            "--trigrams" => args.trigrams = true,
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    if !(10..=24).contains(&args.bits) {
        bail!("--bits must be between 10 and 24");
    }
    if args.window < 4 {
        bail!("--window must be at least 4");
    }
    if args.extra.is_empty() {
        args.extra = vec![
            root.join("corpus/train/benign-extra.jsonl"),
            root.join("corpus/train/attacks-extra.jsonl"),
        ];
    }
    if args.calibrate.is_empty() {
        args.calibrate = vec![
            root.join("corpus/injection.jsonl"),
            root.join("corpus/heldout/injection.jsonl"),
        ];
        args.everyday = root.join("corpus/train/everyday-benign.jsonl");
    }
    if args.report.as_os_str().is_empty() {
        args.report = args.out.with_extension("md");
    }
    Ok(Some(args))
}

#[derive(Deserialize)]
struct Row {
    text: String,
    label: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    transform: Option<String>,
}

/// One training text after the runtime's views.
struct Text {
    attack: bool,
    /// Not transformed (no encoding, not embedded in a document).
    plain: bool,
    category: String,
    holdout: bool,
    /// The views it is scored on.
    views: Vec<String>,
    /// Per view, the feature offsets of each word (n_words + 1) in
    /// [`Corpus::features`].
    offsets: Vec<Vec<u32>>,
}

struct Corpus {
    texts: Vec<Text>,
    features: Vec<u32>,
}

/// A window: features `[start, end)` of [`Corpus::features`].
#[derive(Clone, Copy)]
struct Example {
    start: u32,
    end: u32,
    attack: bool,
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("train-injection: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode> {
    if std::env::args().nth(1).as_deref() == Some("--score") {
        return score_files(std::env::args().skip(2));
    }
    let Some(args) = parse_args()? else {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    };
    let started = std::time::Instant::now();
    let mask = u32::try_from((1u64 << args.bits) - 1)?;
    let flags = if args.trigrams { FLAG_TRIGRAMS } else { 0 };
    let window = usize::from(args.window);
    // The rules engine without a model: the views and segmentation only.
    let injection = Injection::new(&InjectionOptions {
        learned: false,
        ..InjectionOptions::default()
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let corpus = load(&args, &injection, mask, flags)?;
    let train: Vec<usize> = (0..corpus.texts.len())
        .filter(|&i| !corpus.texts[i].holdout)
        .collect();
    eprintln!(
        "train-injection: {} texts ({} held out), {} features, {:.1}s",
        corpus.texts.len(),
        corpus.texts.len() - train.len(),
        corpus.features.len(),
        started.elapsed().as_secs_f64()
    );
    // Negatives: every window of every benign view. Positives: see rounds.
    let mut negatives = Vec::new();
    let mut single = Vec::new();
    for &i in &train {
        let t = &corpus.texts[i];
        for (v, offsets) in t.offsets.iter().enumerate() {
            let n = offsets.len() - 1;
            for w in model::windows(n, window) {
                let e = Example {
                    start: offsets[w.start],
                    end: offsets[w.end],
                    attack: t.attack,
                };
                if !t.attack {
                    negatives.push(e);
                } else if v == 0 && t.plain && n <= window {
                    // The text's own view, one window long.
                    single.push(e);
                }
            }
        }
    }
    let mut weights = vec![0f32; 1 << args.bits];
    let mut bias = 0f32;
    let mut positives = single;
    for round in 0..=args.rounds {
        (weights, bias) = train_round(&corpus.features, &positives, &negatives, &args);
        eprintln!(
            "train-injection: round {round}: {} positives, {} negatives, {:.1}s",
            positives.len(),
            negatives.len(),
            started.elapsed().as_secs_f64()
        );
        if round == args.rounds {
            break;
        }
        // Each attack's best window under this model.
        positives = train
            .iter()
            .filter(|&&i| corpus.texts[i].attack)
            .filter_map(|&i| best_window(&corpus, &corpus.texts[i], window, &weights, bias))
            .collect();
    }
    // Quantise.
    let max = weights.iter().fold(0f32, |m, w| m.max(w.abs()));
    let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
    let quantised: Vec<i8> = weights
        .iter()
        .map(|w| (w / scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    let mut blob = Blob {
        bits: args.bits,
        window: args.window,
        flags,
        bias,
        scale,
        points: [f32::MAX, f32::MAX, f32::MAX],
        weights: quantised,
    };
    // Held-out texts scored the way the runtime scores them.
    let bytes = blob.to_bytes();
    let m = Model::parse(&bytes).context("the blob just written does not parse")?;
    let scored: Vec<(usize, f32)> = corpus
        .texts
        .iter()
        .enumerate()
        .filter(|(_, t)| t.holdout)
        .map(|(i, t)| (i, best_logit(&m, &t.views)))
        .collect();
    // Benign sets the points must hold on: the held-out split, and each
    // calibration file's benign rows (scored through the runtime too).
    let mut sets: Vec<(String, Vec<f32>)> = vec![(
        "training corpus, held-out split".to_owned(),
        scored
            .iter()
            .filter(|(i, _)| !corpus.texts[*i].attack)
            .map(|(_, s)| *s)
            .collect(),
    )];
    // The calibration files are pooled: one set of hand-written benign
    // text (a set of 60 would allow no false positive below 1.7%).
    let mut pooled = Vec::new();
    let mut pooled_attacks = Vec::new();
    for path in &args.calibrate {
        let (benign, attacks) = labelled_logits(path, &injection, &m)?;
        pooled.extend(benign);
        pooled_attacks.extend(attacks);
    }
    let names: Vec<String> = args.calibrate.iter().map(|p| display(p)).collect();
    sets.push((names.join(" + "), pooled));
    if !args.everyday.as_os_str().is_empty() {
        let (benign, _) = labelled_logits(&args.everyday, &injection, &m)?;
        sets.push((display(&args.everyday), benign));
    }
    for (k, fpr) in POINT_FPR.iter().enumerate() {
        let mut point = f32::MIN;
        for (_, scores) in &mut sets {
            scores.sort_by(|a, b| b.total_cmp(a));
            // At most floor(fpr * n) texts of the set at or above it.
            let at = (fpr * scores.len() as f64).floor() as usize;
            point = point.max(next_up(scores.get(at).copied().unwrap_or(f32::MIN)));
        }
        blob.points[k] = point;
    }
    let mut caught = [0usize; 3];
    for (k, p) in blob.points.iter().enumerate() {
        caught[k] = pooled_attacks.iter().filter(|s| **s >= *p).count();
    }
    eprintln!(
        "train-injection: calibration files' attacks caught by the model alone: {:?} of {}",
        caught,
        pooled_attacks.len()
    );
    let calibration: Vec<(String, usize, [usize; 3])> = sets
        .iter()
        .map(|(name, scores)| {
            let mut flagged = [0usize; 3];
            for (k, p) in blob.points.iter().enumerate() {
                flagged[k] = scores.iter().filter(|s| **s >= *p).count();
            }
            (name.clone(), scores.len(), flagged)
        })
        .collect();
    let bytes = blob.to_bytes();
    let digest = hex(&Sha256::digest(&bytes));
    let report = report(&args, &corpus, &scored, &blob, &digest, &calibration);
    eprintln!(
        "train-injection: done in {:.1}s, {} bytes, sha256 {digest}",
        started.elapsed().as_secs_f64(),
        bytes.len()
    );
    print!("{report}");
    if args.check {
        let shipped =
            std::fs::read(&args.out).with_context(|| format!("reading {}", args.out.display()))?;
        if shipped != bytes {
            eprintln!(
                "train-injection: {} differs from what the corpus trains (sha256 {} vs {digest})",
                args.out.display(),
                hex(&Sha256::digest(&shipped))
            );
            return Ok(ExitCode::from(1));
        }
        eprintln!(
            "train-injection: {} reproduced byte for byte",
            args.out.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
    std::fs::write(&args.report, &report)
        .with_context(|| format!("writing {}", args.report.display()))?;
    eprintln!(
        "train-injection: wrote {} and {}",
        args.out.display(),
        args.report.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `--score FILE...`: every record's learned logit and rules score with the
/// shipped model, tab-separated, for looking at what it does.
fn score_files(files: impl Iterator<Item = String>) -> Result<ExitCode> {
    let injection =
        Injection::new(&InjectionOptions::default()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let m = injection.model().context("no model")?;
    println!(
        "# points: low {:.3} default {:.3} high {:.3}",
        m.points()[0],
        m.points()[1],
        m.points()[2]
    );
    for file in files {
        let body = std::fs::read_to_string(&file).with_context(|| format!("reading {file}"))?;
        for (n, line) in body.lines().enumerate() {
            let v: serde_json::Value = serde_json::from_str(line)?;
            let text = v["text"].as_str().unwrap_or_default();
            let s = injection.score(text);
            let short: String = text
                .chars()
                .take(90)
                .collect::<String>()
                .replace(['\n', '\t'], " ");
            println!(
                "{file}:{}\t{}\t{}\t{:.3}\t{:.2}\t{short}",
                n + 1,
                v["label"].as_str().unwrap_or_default(),
                v["kind"].as_str().unwrap_or_default(),
                s.learned,
                s.score
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn load(args: &Args, injection: &Injection, mask: u32, flags: u8) -> Result<Corpus> {
    let mut seen = HashSet::new();
    let mut corpus = Corpus {
        texts: Vec::new(),
        features: Vec::new(),
    };
    let mut files = vec![
        args.data.join("attacks.jsonl"),
        args.data.join("benign.jsonl"),
    ];
    files.extend(args.extra.iter().cloned());
    for path in files {
        let body = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "reading {} (the training corpus; --data or $TOLLGATE_INJECTION_TRAIN)",
                path.display()
            )
        })?;
        for (n, line) in body.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let row: Row = serde_json::from_str(line)
                .with_context(|| format!("{}:{}", path.display(), n + 1))?;
            let attack = match row.label.as_str() {
                "attack" => true,
                "benign" => false,
                other => bail!("{}:{}: unknown label {other:?}", path.display(), n + 1),
            };
            if !seen.insert(row.text.clone()) {
                continue;
            }
            if attack
                && row
                    .transform
                    .as_deref()
                    .is_some_and(|t| OPAQUE_TRANSFORMS.contains(&t))
            {
                continue;
            }
            let holdout = fnv64(row.text.as_bytes()) % 1000 < HOLDOUT_PER_MILLE;
            let views = injection.learned_views(&row.text);
            let mut offsets = Vec::with_capacity(views.len());
            for view in &views {
                let mut per_word: Vec<u32> = vec![u32::try_from(corpus.features.len())?];
                let base = corpus.features.len();
                let mut words: Vec<Vec<u32>> = Vec::new();
                model::features(view, mask, flags, |w, b| {
                    if w >= words.len() {
                        words.resize(w + 1, Vec::new());
                    }
                    words[w].push(b);
                });
                let _ = base;
                for w in words {
                    corpus.features.extend_from_slice(&w);
                    per_word.push(u32::try_from(corpus.features.len())?);
                }
                offsets.push(per_word);
            }
            corpus.texts.push(Text {
                attack,
                plain: row.transform.is_none(),
                category: if row.category.is_empty() {
                    row.label.clone()
                } else {
                    row.category.clone()
                },
                holdout,
                views,
                offsets,
            });
        }
    }
    Ok(corpus)
}

/// One round of training from zero: AdaGrad over shuffled examples, the
/// two classes weighted to the same total.
fn train_round(
    features: &[u32],
    positives: &[Example],
    negatives: &[Example],
    args: &Args,
) -> (Vec<f32>, f32) {
    let size = 1usize << args.bits;
    let mut w = vec![0f32; size];
    let mut g2 = vec![0f32; size];
    let (mut bias, mut bias_g2) = (0f32, 0f32);
    let pos_weight = if positives.is_empty() {
        1.0
    } else {
        negatives.len() as f32 / positives.len() as f32
    };
    let mut order: Vec<Example> = positives.iter().chain(negatives).copied().collect();
    let mut rng = SEED;
    const RATE: f32 = 0.1;
    const EPS: f32 = 1e-6;
    for _ in 0..args.epochs {
        shuffle(&mut order, &mut rng);
        for e in &order {
            let f = &features[e.start as usize..e.end as usize];
            if f.is_empty() {
                continue;
            }
            let norm = 1.0 / (f.len().max(MIN_FEATURES as usize) as f32).sqrt();
            let mut z = f64::from(bias);
            let mut sum = 0f64;
            for &b in f {
                sum += f64::from(w[b as usize]);
            }
            z += sum * f64::from(norm);
            let p = sigmoid(z) as f32;
            let (y, weight) = if e.attack {
                (1.0, pos_weight)
            } else {
                (0.0, 1.0)
            };
            let g = (p - y) * weight;
            let gf = g * norm;
            for &b in f {
                let b = b as usize;
                g2[b] += gf * gf;
                w[b] -= RATE * gf / (g2[b] + EPS).sqrt();
            }
            bias_g2 += g * g;
            bias -= RATE * g / (bias_g2 + EPS).sqrt();
        }
    }
    (w, bias)
}

/// An attack's highest-scoring window under `(w, bias)` (float weights).
fn best_window(
    corpus: &Corpus,
    text: &Text,
    window: usize,
    w: &[f32],
    bias: f32,
) -> Option<Example> {
    let mut best: Option<(f64, Example)> = None;
    for offsets in &text.offsets {
        let n = offsets.len() - 1;
        for r in model::windows(n, window) {
            let (start, end) = (offsets[r.start], offsets[r.end]);
            let f = &corpus.features[start as usize..end as usize];
            if f.is_empty() {
                continue;
            }
            let sum: f64 = f.iter().map(|&b| f64::from(w[b as usize])).sum();
            let z = f64::from(bias) + sum / (f.len().max(MIN_FEATURES as usize) as f64).sqrt();
            if best.as_ref().is_none_or(|(s, _)| z > *s) {
                best = Some((
                    z,
                    Example {
                        start,
                        end,
                        attack: true,
                    },
                ));
            }
        }
    }
    best.map(|(_, e)| e)
}

fn report(
    args: &Args,
    corpus: &Corpus,
    scored: &[(usize, f32)],
    blob: &Blob,
    digest: &str,
    calibration: &[(String, usize, [usize; 3])],
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# The learned injection scorer: training report\n\n\
         Written by `scripts/train-injection` with the shipped `model.bin`; \
         `scripts/train-injection --check` retrains and compares byte for byte.\n\n\
         - sha256 of `model.bin`: `{digest}`\n\
         - buckets: 2^{} ({} bytes of weights), window {} words, trigrams {}, \
         epochs {}, multiple-instance rounds {}, seed {SEED:#x}\n\
         - texts: {} after de-duplication and leaving out opaque transforms; \
         {} held out ({}% of each label by a hash of the text)\n\
         - operating points (logit; the highest that keeps the benign \
         false-positive rate at or under {}%, {}%, {}% on every set below): \
         low {:.4}, default {:.4}, high {:.4}\n",
        blob.bits,
        blob.weights.len(),
        blob.window,
        args.trigrams,
        args.epochs,
        args.rounds,
        corpus.texts.len(),
        scored.len(),
        HOLDOUT_PER_MILLE / 10,
        POINT_FPR[0] * 100.0,
        POINT_FPR[1] * 100.0,
        POINT_FPR[2] * 100.0,
        blob.points[0],
        blob.points[1],
        blob.points[2],
    );
    let _ = writeln!(
        out,
        "Benign texts flagged by the learned scorer alone at each point:\n\n\
         | benign set | n | low | default | high |\n|---|---|---|---|---|"
    );
    for (name, n, f) in calibration {
        let _ = writeln!(out, "| {name} | {n} | {} | {} | {} |", f[0], f[1], f[2]);
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Held-out rows flagged by the learned scorer alone, per category:\n\n\
         | category | label | n | low | default | high |\n|---|---|---|---|---|---|"
    );
    let mut by: BTreeMap<(bool, &str), (u32, [u32; 3])> = BTreeMap::new();
    for &(i, s) in scored {
        let t = &corpus.texts[i];
        let e = by.entry((!t.attack, t.category.as_str())).or_default();
        e.0 += 1;
        for (k, p) in blob.points.iter().enumerate() {
            if s >= *p {
                e.1[k] += 1;
            }
        }
    }
    let mut totals: BTreeMap<bool, (u32, [u32; 3])> = BTreeMap::new();
    for ((benign, category), (n, f)) in &by {
        let pct = |x: u32| format!("{:.1}%", 100.0 * f64::from(x) / f64::from(*n));
        let _ = writeln!(
            out,
            "| {category} | {} | {n} | {} | {} | {} |",
            if *benign { "benign" } else { "attack" },
            pct(f[0]),
            pct(f[1]),
            pct(f[2])
        );
        let t = totals.entry(*benign).or_default();
        t.0 += n;
        for (total, x) in t.1.iter_mut().zip(f) {
            *total += x;
        }
    }
    for (benign, (n, f)) in totals {
        let pct = |x: u32| format!("{:.1}%", 100.0 * f64::from(x) / f64::from(n));
        let _ = writeln!(
            out,
            "| **all** | {} | {n} | {} | {} | {} |",
            if benign { "benign" } else { "attack" },
            pct(f[0]),
            pct(f[1]),
            pct(f[2])
        );
    }
    out
}

/// The highest learned logit over the views the runtime scores.
fn best_logit(m: &Model<'_>, views: &[String]) -> f32 {
    views.iter().map(|v| m.score(v)).fold(f32::MIN, f32::max)
}

/// Every record of a labelled file (eval-detect format) scored as the
/// runtime scores it: the benign logits and the others'.
fn labelled_logits(
    path: &std::path::Path,
    injection: &Injection,
    m: &Model<'_>,
) -> Result<(Vec<f32>, Vec<f32>)> {
    let body =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let (mut benign, mut other) = (Vec::new(), Vec::new());
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        let row: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{}: {line}", path.display()))?;
        let text = row["text"].as_str().unwrap_or_default();
        let logit = best_logit(m, &injection.learned_views(text));
        if row["label"] == "benign" {
            benign.push(logit);
        } else {
            other.push(logit);
        }
    }
    Ok((benign, other))
}

/// A path as the report shows it: from the repository root when inside.
fn display(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    match text.find("/../../") {
        Some(at) => text[at + "/../../".len()..].to_owned(),
        None => text,
    }
}

/// Fisher-Yates with xorshift64*.
fn shuffle<T>(items: &mut [T], state: &mut u64) {
    for i in (1..items.len()).rev() {
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        let r = state.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let j = (r % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// The logistic function from IEEE basic operations only (no library
/// `exp`, whose last bit may differ between C libraries).
fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + exp(-z))
}

fn exp(x: f64) -> f64 {
    let x = x.clamp(-700.0, 700.0);
    const LN2: f64 = std::f64::consts::LN_2;
    let k = (x / LN2).round();
    let r = x - k * LN2;
    // Taylor series of e^r, |r| <= ln2/2: 14 terms reach f64 precision.
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..15 {
        term = term * r / f64::from(n);
        sum += term;
    }
    sum * f64::from_bits(((k as i64 + 1023) as u64) << 52)
}

/// The next `f32` above `x`.
fn next_up(x: f32) -> f32 {
    if x.is_nan() || x == f32::INFINITY {
        return x;
    }
    if x == 0.0 {
        return f32::from_bits(1);
    }
    let bits = x.to_bits();
    f32::from_bits(if x > 0.0 { bits + 1 } else { bits - 1 })
}

fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
