//! The learned injection scorer: a hashed word n-gram linear model over the
//! word view, scored in windows, combined with the rules (never replacing
//! them).
//!
//! # What it is
//! A logistic-regression model over hashed features of the *word view*
//! ([`super::super::normalize::Views::words`], the same folded text the rules
//! read, so leetspeak, homoglyphs, fullwidth, zero-width and spaced-out
//! letters are undone before it looks): for every word, its unigram, the
//! bigram with the word before it, and (for words of three letters or more)
//! the character trigrams of the word framed by `<` and `>`. Each feature is
//! a bucket of a table of `2^bits` signed 8-bit weights; the table, a bias,
//! a scale and the operating points are the [`BUILTIN`] blob, written by
//! `tollgate-train-injection` (`scripts/train-injection`) from the training
//! corpus, deterministically (the same corpus gives the same bytes).
//!
//! # Windows
//! A long text is scored in windows of `window` words, every `window / 4`
//! words, and the highest window decides: one instruction inside a long
//! benign document is scored on the few sentences around it, not washed
//! out by the rest, and a benign document is not flagged for being long
//! (its windows are scored like any other benign text). A window's logit is
//! `bias + scale * sum(weights) / sqrt(max(features, 8))`; since the model is
//! linear, each word's contribution is computed once and every window is a
//! difference of prefix sums, so scoring is linear in the text whatever the
//! number of windows. All of it is integer arithmetic until the last
//! division, so the score is the same on every platform.
//!
//! # Operating points
//! The blob carries three logit thresholds (`low`, `default`, `high`
//! sensitivity), chosen by the trainer on *benign* text the model never
//! saw: the held-out 15% of the training corpus (documents, security-topic
//! text, innocent trigger words, system prompts among them) and the benign
//! rows of `corpus/injection.jsonl` and `corpus/heldout/injection.jsonl`
//! (hand-written hard negatives). Each point is the lowest logit at which
//! *every* one of those sets stays at or under a false-positive rate of
//! 0.5%, 1% and 3%. The hand-written sets decide: the training corpus's
//! benign rows are easier than what people type (at its own 1% point the
//! model flagged 6% of the hand-written hard negatives). The independent
//! evaluation sets (`corpus/heldout2`, `corpus/heldout3`) are never read.
//! How the model and the rules combine is [`super::Injection::decide`]:
//! either flags.
//!
//! # Cost
//! One hash and one table read per feature (about `2 + letters` per word);
//! the table is `2^bits` bytes, read-only, shared by nothing else.

use std::ops::Range;

/// The shipped model (see `scripts/train-injection`).
pub static BUILTIN: &[u8] = include_bytes!("model.bin");

const MAGIC: &[u8; 4] = b"TGIM";
const VERSION: u8 = 1;
/// Header: magic, version, bits, window, flags, bias, scale, three points.
const HEADER: usize = 4 + 4 + 4 * 5;
/// Bucket-count exponents the format allows.
const BITS: Range<u8> = 10..25;

/// A window's sum is divided by the square root of its feature count, but
/// never of fewer than this: a text of one or two words has too little
/// evidence for one word's weight to decide ("thanks" alone scored as an
/// attack before this floor).
pub const MIN_FEATURES: u64 = 8;

/// Words longer than this get no character trigrams.
pub const MAX_TRIGRAM_WORD: usize = 20;

/// Flag: character trigrams of words.
pub const FLAG_TRIGRAMS: u8 = 1;

/// Sensitivity levels, index into [`Model::points`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Fewest false positives.
    Low = 0,
    /// The default.
    Default = 1,
    /// Most recall.
    High = 2,
}

/// A parsed model: weights borrowed from the blob.
#[derive(Clone, Copy, Debug)]
pub struct Model<'a> {
    /// Two's-complement `i8` weights, read as bytes (`unsafe` is denied
    /// here, and a view needs no copy).
    weights: &'a [u8],
    mask: u32,
    window: usize,
    flags: u8,
    bias: f32,
    scale: f32,
    points: [f32; 3],
}

/// What a model blob is made of, for the trainer to write one.
#[derive(Clone, Debug, PartialEq)]
pub struct Blob {
    /// Buckets are `2^bits`.
    pub bits: u8,
    /// Words per window.
    pub window: u8,
    /// [`FLAG_TRIGRAMS`].
    pub flags: u8,
    /// The logit's bias.
    pub bias: f32,
    /// What one weight unit is worth.
    pub scale: f32,
    /// Logit thresholds: low, default, high sensitivity.
    pub points: [f32; 3],
    /// `2^bits` quantised weights.
    pub weights: Vec<i8>,
}

impl Blob {
    /// The bytes of the blob.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER.saturating_add(self.weights.len()));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&[VERSION, self.bits, self.window, self.flags]);
        for v in [self.bias, self.scale].iter().chain(self.points.iter()) {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend(self.weights.iter().map(|w| w.to_le_bytes()[0]));
        out
    }
}

impl<'a> Model<'a> {
    /// Parse a blob; `None` if it is not one this version reads.
    pub fn parse(bytes: &'a [u8]) -> Option<Self> {
        let (head, rest) = bytes.split_at_checked(HEADER)?;
        let (magic, head) = head.split_at_checked(4)?;
        if magic != MAGIC {
            return None;
        }
        let [version, bits, window, flags, ..] = *head else {
            return None;
        };
        if version != VERSION || !BITS.contains(&bits) || window < 4 {
            return None;
        }
        let float = |i: usize| -> Option<f32> {
            let at = i.checked_mul(4)?.checked_add(4)?;
            let b: [u8; 4] = head.get(at..at.checked_add(4)?)?.try_into().ok()?;
            Some(f32::from_le_bytes(b))
        };
        let size = 1usize.checked_shl(u32::from(bits))?;
        if rest.len() != size {
            return None;
        }
        let weights = rest;
        let points = [float(2)?, float(3)?, float(4)?];
        let (bias, scale) = (float(0)?, float(1)?);
        if ![bias, scale].iter().chain(&points).all(|v| v.is_finite()) {
            return None;
        }
        Some(Self {
            weights,
            mask: u32::try_from(size.saturating_sub(1)).ok()?,
            window: usize::from(window),
            flags,
            bias,
            scale,
            points,
        })
    }

    /// The logit threshold of a sensitivity level.
    pub fn point(&self, level: Level) -> f32 {
        self.points.get(level as usize).copied().unwrap_or(f32::MAX)
    }

    /// The three logit thresholds.
    pub fn points(&self) -> [f32; 3] {
        self.points
    }

    /// Words per window.
    pub fn window(&self) -> usize {
        self.window
    }

    /// The highest window logit of a word view (`f32::MIN` for no words).
    pub fn score(&self, words: &str) -> f32 {
        // Prefix sums over words of the features' weights and their number:
        // `prefix[k]` holds the totals before word `k` (every word has at
        // least its unigram, so a word's first feature closes the ones
        // before it).
        let mut sums = Sums {
            weights: self.weights,
            prefix: Vec::with_capacity((words.len() / 4).saturating_add(2)),
            sum: 0,
            count: 0,
        };
        walk(words, self.mask, self.flags, &mut sums);
        let Sums {
            mut prefix,
            sum,
            count,
            ..
        } = sums;
        prefix.push((sum, count));
        let n_words = prefix.len().saturating_sub(1);
        let mut best = f32::MIN;
        for range in windows(n_words, self.window) {
            let (Some(a), Some(b)) = (prefix.get(range.start), prefix.get(range.end)) else {
                continue;
            };
            let n = b.1.saturating_sub(a.1);
            if n == 0 {
                continue;
            }
            let logit = self.logit(b.0.saturating_sub(a.0), n);
            if logit > best {
                best = logit;
            }
        }
        best
    }

    /// The logit of a window whose weights sum to `sum` over `n` features.
    #[allow(clippy::cast_precision_loss, clippy::arithmetic_side_effects)]
    fn logit(&self, sum: i64, n: u64) -> f32 {
        // f64 for the division: exact for every sum a window can reach.
        let v = sum as f64 / (n.max(MIN_FEATURES) as f64).sqrt();
        self.bias + self.scale * (v as f32)
    }
}

/// Texts shorter than this many words are left to the rules: a few common
/// words carry too little evidence for a bag of words ("what is this"
/// scored as an attack), and the rules know the short attacks.
pub const MIN_WORDS: usize = 6;

/// The windows of a text of `n` words: none under [`MIN_WORDS`], the whole
/// text if it has at most `window` words, else windows of `window` words
/// every `window / 4` words, the last one ending at the last word.
pub fn windows(n: usize, window: usize) -> impl Iterator<Item = Range<usize>> {
    let window = window.max(1);
    let stride = (window / 4).max(1);
    let last = n.saturating_sub(window);
    let count = if n < MIN_WORDS {
        0
    } else if n <= window {
        1
    } else {
        last.div_ceil(stride).saturating_add(1)
    };
    (0..count).map(move |i| {
        let start = i.saturating_mul(stride).min(last);
        start..start.saturating_add(window).min(n)
    })
}

/// What [`walk`] tells: each word's start, then each of its features.
trait Sink {
    /// Word `index` starts (words are numbered from 0, empty ones skipped).
    fn word(&mut self, index: usize);
    /// One feature of the current word, its bucket masked.
    fn feature(&mut self, bucket: u32);
}

/// [`Model::score`]'s running totals: `prefix[k]` holds the weights' sum and
/// the features' number before word `k`.
struct Sums<'a> {
    weights: &'a [u8],
    prefix: Vec<(i64, u64)>,
    sum: i64,
    count: u64,
}

impl Sink for Sums<'_> {
    fn word(&mut self, _index: usize) {
        self.prefix.push((self.sum, self.count));
    }

    fn feature(&mut self, bucket: u32) {
        let w = self
            .weights
            .get(bucket as usize)
            .map_or(0, |b| i8::from_le_bytes([*b]));
        // Plain (wrapping) additions, which cannot wrap: a word of `l`
        // bytes has at most `l + 3` features, so a text of `L` bytes sums at
        // most `4L` weights of magnitude at most 128, far inside `i64` for
        // any text a computer holds (`L` would need 2^53 bytes). Saturating
        // ones cost a dozen more wasm instructions per feature, a sixth of
        // the scorer's work.
        self.sum = self.sum.wrapping_add(i64::from(w));
        self.count = self.count.wrapping_add(1);
    }
}

/// Call `emit(word_index, bucket)` for every feature of a word view.
pub fn features(words: &str, mask: u32, flags: u8, emit: impl FnMut(usize, u32)) {
    struct Emit<F> {
        index: usize,
        emit: F,
    }
    impl<F: FnMut(usize, u32)> Sink for Emit<F> {
        fn word(&mut self, index: usize) {
            self.index = index;
        }
        fn feature(&mut self, bucket: u32) {
            (self.emit)(self.index, bucket);
        }
    }
    walk(words, mask, flags, &mut Emit { index: 0, emit });
}

/// The features of a word view, word by word, into `sink` (the scorer
/// learns of a word's start once, not at every feature: a test per
/// feature was a tenth of its instructions).
fn walk(words: &str, mask: u32, flags: u8, sink: &mut impl Sink) {
    let trigrams = flags & FLAG_TRIGRAMS != 0;
    let mut prev: Option<u32> = None;
    // Split on bytes: `str::split(' ')` finds each space with a call to
    // `memchr` and a `memcmp` of the match, which on words of a few bytes
    // cost more than the hashing (the same pieces: a space byte is never
    // part of a multi-byte character).
    let pieces = words.as_bytes().split(|&b| b == b' ');
    for (i, bytes) in pieces.filter(|w| !w.is_empty()).enumerate() {
        sink.word(i);
        // One pass over the bytes: the word's FNV-1a hash and, for words of
        // three bytes or more, the trigrams of `<word>` (a rolling 24-bit
        // window, one multiply each, its high bits rotated down: the low
        // bits of a product only see the low bits of its input).
        let mut h: u32 = 0x811C_9DC5;
        let mut t = u32::from(b'<');
        // Not for tokens longer than a word: a hash or a run of letters
        // would outweigh every word of its window (one trigram each).
        let tri = trigrams && (3..=MAX_TRIGRAM_WORD).contains(&bytes.len());
        for (j, &c) in bytes.iter().enumerate() {
            h ^= u32::from(c);
            h = h.wrapping_mul(0x0100_0193);
            if tri {
                t = ((t << 8) | u32::from(c)) & 0x00FF_FFFF;
                if j >= 1 {
                    sink.feature(trigram(t) & mask);
                }
            }
        }
        if tri {
            t = ((t << 8) | u32::from(b'>')) & 0x00FF_FFFF;
            sink.feature(trigram(t) & mask);
        }
        sink.feature(mix(h) & mask);
        if let Some(p) = prev {
            sink.feature(mix(p.rotate_left(13) ^ h ^ 0x9E37_79B9) & mask);
        }
        prev = Some(h);
    }
}

/// A trigram's bucket before masking.
fn trigram(t: u32) -> u32 {
    (t ^ 0x7F4A_7C15).wrapping_mul(0x9E37_79B1).rotate_right(15)
}

/// A finaliser that spreads every input bit over the output.
fn mix(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x7FEB_352D);
    h ^= h >> 15;
    h = h.wrapping_mul(0x846C_A68B);
    h ^ (h >> 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_the_text() {
        assert_eq!(windows(0, 32).count(), 0);
        assert_eq!(windows(MIN_WORDS - 1, 32).count(), 0);
        assert_eq!(windows(10, 32).collect::<Vec<_>>(), vec![0..10]);
        let w: Vec<_> = windows(100, 32).collect();
        assert_eq!(w.first(), Some(&(0..32)));
        assert_eq!(w.last(), Some(&(68..100)));
        assert!(w.windows(2).all(|p| p[1].start - p[0].start <= 8));
    }

    #[test]
    fn the_shipped_weights_are_the_ones_the_training_report_records() {
        use sha2::{Digest, Sha256};
        let digest: String = Sha256::digest(BUILTIN)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let report = include_str!("model.md");
        assert!(
            report.contains(&format!("sha256 of `model.bin`: `{digest}`")),
            "model.bin (sha256 {digest}) is not what model.md records: retrain with scripts/train-injection"
        );
    }

    #[test]
    fn the_builtin_model_parses() {
        let m = Model::parse(BUILTIN).expect("model.bin parses");
        let [low, default, high] = m.points();
        assert!(low >= default && default >= high, "{:?}", m.points());
    }

    #[test]
    fn a_blob_round_trips_and_bad_ones_are_refused() {
        let blob = Blob {
            bits: 10,
            window: 8,
            flags: 0,
            bias: -1.0,
            scale: 0.5,
            points: [3.0, 2.0, 1.0],
            weights: vec![0; 1024],
        };
        let bytes = blob.to_bytes();
        let m = Model::parse(&bytes).expect("parses");
        assert_eq!(m.window(), 8);
        assert!(Model::parse(&bytes[..bytes.len() - 1]).is_none());
        let mut bad = bytes.clone();
        bad[0] = b'X';
        assert!(Model::parse(&bad).is_none());
    }

    #[test]
    fn a_window_scores_its_features() {
        let mut weights = vec![0i8; 1024];
        let mut hit = Vec::new();
        features(" evil ", 1023, 0, |_, b| hit.push(b));
        for b in &hit {
            weights[*b as usize] = 100;
        }
        let blob = Blob {
            bits: 10,
            window: 8,
            flags: 0,
            bias: -1.0,
            scale: 0.01,
            points: [0.0; 3],
            weights,
        };
        let bytes = blob.to_bytes();
        let m = Model::parse(&bytes).expect("parses");
        // Six words, eleven features (unigrams and bigrams), one weighted.
        let six = " calm calm calm calm calm evil ";
        let expected = -1.0 + 1.0 / 11f32.sqrt();
        assert!((m.score(six) - expected).abs() < 1e-6, "{}", m.score(six));
        // Too short for the model: left to the rules.
        assert_eq!(m.score(" evil "), f32::MIN);
        // In a long text the best window still holds it.
        let long = format!(" {} evil {} ", "calm ".repeat(40), "calm ".repeat(40));
        assert!(m.score(&long) > -1.0);
        assert!(m.score(" calm calm calm calm calm calm ") < -0.5);
    }
}
