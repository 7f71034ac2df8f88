//! Secrets that are not written plainly: one linear pass over the text for
//! runs that are encoded or obfuscated, decoded (or normalised) so that
//! [`super::patterns`] can scan them again with the same rules.
//!
//! What it finds, and what the rescan reports:
//! - **base64** (standard or URL alphabet, padded or not) runs of at least
//!   [`MIN_B64`] characters that decode to text (valid UTF-8, no control
//!   characters but tab and newlines): `echo Z2hwX3...= | base64 -d`, a
//!   docker `auth` value, a base64 `.env` file;
//! - **hex** runs of at least [`MIN_HEX`] digits (even length, at least one
//!   letter) that decode to text;
//! - **percent-encoded** runs (at least four `%XX` escapes covering a third
//!   of the run): `t=%78%6F%78%62%2D...`;
//! - **zero-width splits and fullwidth forms**: a stretch of token
//!   characters interleaved with U+200B–U+200D, U+2060, U+FEFF, U+00AD,
//!   U+180E, or written in fullwidth forms (U+FF01–U+FF5E), is normalised to
//!   ASCII (invisible characters dropped, fullwidth folded) with a map back
//!   to the original bytes;
//! - **Discord bot tokens**, which have no literal prefix: three base64url
//!   parts (23–28, 6, 27–40 characters) whose first part decodes to a
//!   17–20 digit user id. Being structural, they are found here rather than
//!   by an anchor (an anchor on `MT`/`Nz`/`OD`... would fire on every `nd`
//!   of English text).
//!
//! Redaction spans: a secret found inside a decoded run redacts the **whole
//! encoded run** (a partial base64 or hex run cannot be redacted
//! meaningfully, and the rest of it would still decode to part of the
//! secret); one found in a normalised stretch redacts the original bytes
//! from its first to its last character, invisible characters in between
//! included.
//!
//! Bounded work: a run longer than [`MAX_RUN`] bytes is not decoded, at most
//! [`BUDGET`] decoded bytes are rescanned per scanned text, and decoded text
//! is itself searched for encoded runs at most [`MAX_DEPTH`] levels deep
//! (base64 of a docker config whose `auth` is base64 again). Only
//! secret-family rules are reported from decoded text: a base64 blob that
//! holds an email address is not a leak of a secret.
//!
//! Limits: base64 wrapped over several lines (76-column `base64` output) is
//! read line by line, so a secret whose encoding spans a line break is only
//! found if one line's run decodes to text holding it; homoglyphs other
//! than fullwidth forms (Cyrillic, mathematical alphanumerics) are not
//! folded.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

/// Shortest base64 run decoded (15 bytes of text).
pub const MIN_B64: usize = 20;
/// Shortest hex run decoded (16 bytes of text).
pub const MIN_HEX: usize = 32;
/// Longest run decoded.
pub const MAX_RUN: usize = 16 * 1024;
/// Decoded bytes rescanned per scanned text, at most.
pub const BUDGET: usize = 64 * 1024;
/// Decoding levels.
pub const MAX_DEPTH: u8 = 2;

/// Something the pass found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// A Discord bot token at this byte range.
    Discord(usize, usize),
    /// The run at `start..end` decodes to `text`.
    Decoded {
        /// Start of the encoded run.
        start: usize,
        /// End of the encoded run.
        end: usize,
        /// What it decodes to.
        text: String,
    },
    /// `text` is the ASCII normalisation of a stretch; `map[i]` is the
    /// offset in the scanned text of the character that gave byte `i`.
    Normalized {
        /// The normalised stretch.
        text: String,
        /// Original offsets, one per byte of `text`.
        map: Vec<usize>,
    },
}

fn b64_engine(url: bool) -> GeneralPurpose {
    let config = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    if url {
        GeneralPurpose::new(&alphabet::URL_SAFE, config)
    } else {
        GeneralPurpose::new(&alphabet::STANDARD, config)
    }
}

/// Bytes of an encoded run: base64 (both alphabets), hex and `%XX`.
fn is_run_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'_' | b'-' | b'%')
}

/// [`is_run_byte`] of each byte of a chunk (see [`super::find_run`]).
fn run_bytes(x: u64) -> u64 {
    let (ascii, is_ascii) = super::swar::ascii(x);
    super::swar::base64(x) | (super::swar::equal(ascii, b'%') & is_ascii)
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// Decoded bytes that read as text: valid UTF-8 without control characters
/// other than tab, CR and LF.
fn texty(bytes: &[u8]) -> Option<String> {
    if bytes.len() < 8 {
        return None;
    }
    let s = std::str::from_utf8(bytes).ok()?;
    s.chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .then(|| s.to_owned())
}

/// `%XX` escapes in `run`.
fn percent_escapes(run: &[u8]) -> usize {
    run.windows(3)
        .filter(|w| matches!(w, [b'%', a, b] if a.is_ascii_hexdigit() && b.is_ascii_hexdigit()))
        .count()
}

/// Decode one run, or `None` when it is not an encoding of text.
fn decode_run(run: &[u8]) -> Option<String> {
    // Cheap rejects first: base64 of text mixes cases, hex has a letter,
    // percent-encoding has `%`.
    let has_pct = run.contains(&b'%');
    let has_upper = run.iter().any(u8::is_ascii_uppercase);
    let all_hex = run.iter().all(u8::is_ascii_hexdigit);
    if !has_pct && !has_upper && !all_hex {
        return None;
    }
    let escapes = if has_pct { percent_escapes(run) } else { 0 };
    if escapes >= 4 && escapes.saturating_mul(9) >= run.len() {
        let decoded: Vec<u8> = percent_encoding::percent_decode(run).collect();
        return texty(&decoded);
    }
    if escapes > 0 {
        // A few escapes in a longer run: URL-encoded base64 padding or
        // separators (`QUtJ...%3D`, `ghp%5F...`). Undo them and read the
        // result as a run again (once: it holds no `%` escapes now, or
        // they were literal).
        let decoded: Vec<u8> = percent_encoding::percent_decode(run).collect();
        if decoded.len() < run.len() && !decoded.contains(&b'%') {
            return decode_run(&decoded).or_else(|| texty(&decoded));
        }
        return None;
    }
    let has_letter = run.iter().any(u8::is_ascii_alphabetic);
    if run.len() >= MIN_HEX
        && run.len().is_multiple_of(2)
        && run.iter().all(u8::is_ascii_hexdigit)
        && has_letter
    {
        return texty(&hex::decode(run).ok()?);
    }
    let std_chars = run.iter().any(|c| matches!(c, b'+' | b'/'));
    let url_chars = run.iter().any(|c| matches!(c, b'_' | b'-'));
    let body_len = run.iter().take_while(|&&c| c != b'=').count();
    if run.len() < MIN_B64 || (std_chars && url_chars) || body_len % 4 == 1 {
        return None;
    }
    let body = run.get(..body_len)?;
    if !body
        .iter()
        .any(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        || !body.iter().any(u8::is_ascii_uppercase)
    {
        return None;
    }
    let decoded = b64_engine(url_chars).decode(body).ok()?;
    texty(&decoded)
}

/// A `data:<type>;base64,` URI's payload starts at `at` and it is an
/// image, audio, video or font: never decoded (a `data:text/plain` or
/// `application/json` payload is).
fn is_data_uri(b: &[u8], at: usize) -> bool {
    let from = at.saturating_sub(64);
    let Some(before) = b.get(from..at) else {
        return false;
    };
    if !before.ends_with(b";base64,") {
        return false;
    }
    let Some(d) = memchr::memmem::rfind(before, b"data:") else {
        return false;
    };
    let media = before.get(d.saturating_add(5)..).unwrap_or_default();
    [
        &b"image/"[..],
        b"audio/",
        b"video/",
        b"font/",
        b"application/font",
        b"application/x-font",
    ]
    .iter()
    .any(|m| {
        media.len() >= m.len()
            && media
                .get(..m.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(m))
    })
}

/// A Discord bot token starting at `s`: its end.
fn discord_at(b: &[u8], s: usize) -> Option<usize> {
    let seg = |from: usize| {
        b.get(from..).map_or(0, |t| {
            t.iter().take(64).take_while(|&&c| is_b64url(c)).count()
        })
    };
    let l1 = seg(s);
    let d1 = s.checked_add(l1)?;
    if !(23..=28).contains(&l1) || b.get(d1) != Some(&b'.') {
        return None;
    }
    let s2 = d1.checked_add(1)?;
    let l2 = seg(s2);
    let d2 = s2.checked_add(l2)?;
    if l2 != 6 || b.get(d2) != Some(&b'.') {
        return None;
    }
    let s3 = d2.checked_add(1)?;
    let l3 = seg(s3);
    let end = s3.checked_add(l3)?;
    if !(27..=40).contains(&l3) || b.get(end).is_some_and(|&c| c == b'.' || is_b64url(c)) {
        return None;
    }
    let id = b64_engine(true).decode(b.get(s..d1)?).ok()?;
    let id_ok = (17..=20).contains(&id.len())
        && id.iter().all(u8::is_ascii_digit)
        && id.first() != Some(&b'0');
    let hmac = b.get(s3..end)?;
    let random = super::patterns::looks_random(hmac, 3.5)
        && hmac.iter().any(u8::is_ascii_uppercase)
        && hmac.iter().any(u8::is_ascii_lowercase);
    (id_ok && random).then_some(end)
}

/// The ASCII form of a zero-width or fullwidth character: `Some(None)` for
/// an invisible one (dropped), `Some(Some(b))` for a fullwidth form.
fn fold_char(c: char) -> Option<Option<u8>> {
    match c {
        '\u{180E}' => Some(None),
        // Every character the injection views drop (bidi marks, variation
        // selectors, combining grapheme joiner, invisible operators, tags),
        // not only the zero-width ones: any of them splits a token.
        c if super::normalize::is_invisible(c) => Some(None),
        '\u{FF01}'..='\u{FF5E}' => {
            let v = u32::from(c).checked_sub(0xFEE0)?;
            Some(Some(u8::try_from(v).ok()?))
        }
        _ => None,
    }
}

/// A zero-width or fullwidth character that [`scan`] folds (streams hold
/// them back like token bytes).
pub(crate) fn is_folded(c: char) -> bool {
    fold_char(c).is_some()
}

/// A byte of a token inside a stretch to normalise.
fn is_stretch_ascii(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'_' | b'-' | b'+' | b'/' | b'=' | b'.' | b':' | b'%' | b'~' | b'@'
        )
}

/// Lead bytes of the characters [`fold_char`] handles (U+00AD is `C2 AD`,
/// U+034F `CD 8F`, U+061C `D8 9C`, U+115F/U+17B4/U+180E `E1`, U+200x and
/// U+206x `E2`, U+3164 `E3`, U+FE0x/U+FEFF/U+FFxx `EF`, U+1BCA0 and
/// U+1D173 `F0`, tags and U+E01xx `F3`).
pub(crate) fn may_fold(c: u8) -> bool {
    matches!(
        c,
        0xC2 | 0xCD | 0xD8 | 0xE1 | 0xE2 | 0xE3 | 0xEF | 0xF0 | 0xF3
    )
}

/// Normalise the stretches of `text` that hold zero-width or fullwidth
/// characters among token characters. Work is proportional to the number
/// of such characters: each one found is widened to its stretch, and the
/// scan resumes after it.
fn normalize_stretches(text: &str, budget: &mut usize, f: &mut dyn FnMut(Found)) {
    let b = text.as_bytes();
    let is_part = |c: char| {
        fold_char(c).is_some_and(|a| a.is_none_or(is_stretch_ascii))
            || u8::try_from(u32::from(c)).is_ok_and(|a| a.is_ascii() && is_stretch_ascii(a))
    };
    let mut from = 0usize;
    // Every byte `may_fold` accepts is above 0x7F: ASCII chunks are skipped.
    while let Some(at) = super::find_byte(b, from, |x| x, may_fold) {
        let folds = text
            .get(at..)
            .and_then(|t| t.chars().next())
            .is_some_and(|c| fold_char(c).is_some_and(|a| a.is_none_or(is_stretch_ascii)));
        if !folds {
            from = at.saturating_add(1);
            continue;
        }
        // Widen to the stretch: back, then forward (at most 4 KiB).
        let mut start = at;
        while let Some(c) = text.get(..start).and_then(|t| t.chars().next_back()) {
            if !is_part(c) || at.saturating_sub(start) > 4096 {
                break;
            }
            start = start.saturating_sub(c.len_utf8());
        }
        let mut norm = String::new();
        let mut map: Vec<usize> = Vec::new();
        let mut end = start;
        for (i, c) in text.get(start..).unwrap_or_default().char_indices() {
            if !is_part(c) || norm.len() > 4096 {
                break;
            }
            let off = start.saturating_add(i);
            if let Some(a) = fold_char(c).unwrap_or_else(|| u8::try_from(u32::from(c)).ok()) {
                norm.push(char::from(a));
                map.push(off);
            }
            end = off.saturating_add(c.len_utf8());
        }
        if (8..=4096).contains(&norm.len()) && *budget >= norm.len() {
            *budget = budget.saturating_sub(norm.len());
            f(Found::Normalized { text: norm, map });
        }
        from = end.max(at.saturating_add(1));
    }
}

/// One pass over `text`: every Discord token, decodable run and normalised
/// stretch, to `f`. `budget` is the decoded bytes still allowed.
#[cfg(test)]
pub(crate) fn scan(text: &str, budget: &mut usize, f: &mut dyn FnMut(Found)) {
    scan_with(text, budget, f, None);
}

/// Where the search for runs of `scan` resumes in a stream channel's
/// window, which only grows at its end and loses bytes at its front
/// between scans (`patterns::WindowMemo`).
///
/// Exact: a run is `is_run_byte`s, so while the bytes read held no run
/// of 16 (then no run was decoded, and the budget is untouched), a run of
/// 16 can only be one that the new bytes complete — it starts at the run
/// that ends the bytes read (or in the new bytes), and the search resumes
/// there. Once the window holds a long run, every scan reads it whole.
#[derive(Clone, Debug, Default)]
pub struct RunMemo {
    /// The bytes read held no run of 16.
    clean: bool,
    /// Where the run that ends the bytes read starts.
    resume: usize,
    /// The bytes read.
    read: usize,
}

impl RunMemo {
    /// The window lost its first `n` bytes.
    pub(crate) fn drain_front(&mut self, n: usize) {
        self.resume = self.resume.saturating_sub(n);
        self.read = self.read.saturating_sub(n);
    }
}

/// [`scan`], resuming the search for runs where `runs` says.
pub(crate) fn scan_with(
    text: &str,
    budget: &mut usize,
    f: &mut dyn FnMut(Found),
    runs: Option<&mut RunMemo>,
) {
    let b = text.as_bytes();
    let mut from = match &runs {
        Some(m) if m.clean && m.read <= b.len() => m.resume,
        _ => 0,
    };
    let mut long = false;
    // Runs under 16 bytes are neither decoded nor Discord tokens (23): go
    // straight to the next run that long.
    while let Some(i) = super::find_run(b, from, 16, run_bytes) {
        long = true;
        from = run_at(b, i, budget, f);
    }
    if let Some(m) = runs {
        let tail = b.iter().rev().take_while(|&&c| is_run_byte(c)).count();
        *m = RunMemo {
            clean: !long,
            resume: b.len().saturating_sub(tail),
            read: b.len(),
        };
    }
    // A budget of its own: decoys spent on base64 runs must not leave a
    // zero-width-split token unread (the work is linear either way).
    let mut stretches = BUDGET;
    normalize_stretches(text, &mut stretches, f);
}

/// The run of [`is_run_byte`]s at `i` (at most [`MAX_RUN`] + 1 bytes of
/// it): a Discord token or a decodable run, to `f`. Returns where the
/// search for the next run resumes.
fn run_at(b: &[u8], i: usize, budget: &mut usize, f: &mut dyn FnMut(Found)) -> usize {
    let prev = i
        .checked_sub(1)
        .and_then(|j| b.get(j))
        .copied()
        .unwrap_or(0);
    let len = b.get(i..).map_or(0, |t| {
        t.iter()
            .take(MAX_RUN.saturating_add(1))
            .take_while(|&&c| is_run_byte(c))
            .count()
    });
    let mut end = i.saturating_add(len);
    // Padding ends a base64 run; `=` followed by more run bytes is an
    // assignment (`key=value`), and the value is a run of its own.
    let pad = b
        .get(end..)
        .map_or(0, |t| t.iter().take(3).take_while(|&&c| c == b'=').count());
    if pad > 0
        && pad <= 2
        && !b
            .get(end.saturating_add(pad))
            .is_some_and(|&c| is_run_byte(c))
    {
        end = end.saturating_add(pad);
    }
    if len >= 23 && prev != b'.' && !is_b64url(prev) {
        if let Some(e) = discord_at(b, i) {
            f(Found::Discord(i, e));
            return e;
        }
    }
    if (16..=MAX_RUN).contains(&len) && *budget > 0 && !is_data_uri(b, i) {
        if let Some(decoded) = b.get(i..end).and_then(decode_run) {
            if decoded.len() <= *budget {
                *budget = budget.saturating_sub(decoded.len());
                f(Found::Decoded {
                    start: i,
                    end,
                    text: decoded,
                });
            }
        }
    }
    end.max(i.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`scan`]'s runs as first found, stopping at every run byte: the
    /// oracle of the run-probing search (stretches left out: unchanged).
    #[allow(clippy::arithmetic_side_effects)]
    fn runs_bytewise(text: &str) -> Vec<String> {
        let b = text.as_bytes();
        let mut budget = BUDGET;
        let mut out = Vec::new();
        let mut i = 0usize;
        while i < b.len() {
            if !is_run_byte(b[i]) {
                i += 1;
                continue;
            }
            i = run_at(b, i, &mut budget, &mut |f| out.push(format!("{f:?}")));
        }
        out
    }

    #[test]
    #[allow(clippy::arithmetic_side_effects)]
    fn a_resumed_search_finds_the_runs_a_whole_scan_finds() {
        // A stream window: pieces appended (cut anywhere), the front
        // dropped; every scan with the memo against one without.
        let pieces = [
            "aGVsbG8g", "d29ybGQg", "c2VjcmV0", "IHRva2Vu", " ", "the ", "%41%42", "QUJD", "=",
            "==", "-", "_", "é", "MTAxMDEw", "ODAwODAw",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            crate::inspect::tests::xorshift(&mut seed);
            (seed % n as u64) as usize
        };
        let (mut scans, mut decoded, mut resumed) = (0, 0, 0);
        for round in 0..400 {
            // Runs often, or rarely (windows without a long run, where
            // the search resumes).
            let runs_one_in = if round % 2 == 0 { 2 } else { 30 };
            let mut text = String::new();
            while text.len() < 2_000 {
                // Prose between the runs, so that windows without a long
                // run (where the search resumes) come as often as others.
                if next(runs_one_in) != 0 {
                    text.push_str(["the ", "word ", ". ", "a b c "][next(4)]);
                } else {
                    text.push_str(pieces[next(pieces.len())]);
                }
            }
            let (mut window, mut memo, mut at) = (String::new(), RunMemo::default(), 0);
            while at < text.len() {
                let mut end = (at + 1 + next(24)).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                window.push_str(&text[at..end]);
                at = end;
                if window.len() > 300 {
                    let mut drop = window.len() - 256;
                    while !window.is_char_boundary(drop) {
                        drop += 1;
                    }
                    window.drain(..drop);
                    memo.drain_front(drop);
                }
                let (mut with, mut whole) = (Vec::new(), Vec::new());
                scan_with(
                    &window,
                    &mut BUDGET.clone(),
                    &mut |f| with.push(f),
                    Some(&mut memo),
                );
                scan(&window, &mut BUDGET.clone(), &mut |f| whole.push(f));
                assert_eq!(with, whole, "{window:?}");
                scans += 1;
                resumed += usize::from(memo.clean);
                decoded += whole
                    .iter()
                    .filter(|f| matches!(f, Found::Decoded { .. }))
                    .count();
            }
        }
        assert!(
            scans > 50_000 && decoded > 20_000 && resumed > 10_000,
            "{scans} {decoded} {resumed}"
        );
    }

    #[test]
    fn run_bytes_reads_eight_bytes_as_is_run_byte_reads_one() {
        crate::inspect::tests::assert_class_agrees(is_run_byte, run_bytes);
    }

    #[test]
    #[allow(clippy::arithmetic_side_effects)]
    fn the_run_search_finds_what_a_byte_by_byte_search_finds() {
        // Base64 of readable text, hex, a Discord-shaped token, `=` padding
        // and `key=value`, cut and glued at random among prose.
        const PIECES: [&str; 12] = [
            "aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnM=",
            "69676e6f726520616c6c2070726576696f7573",
            "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0",
            "==",
            "key=",
            " the ",
            ".",
            "%41%42",
            "abcdefghijklmnop",
            "x",
            "-_+/",
            "\n",
        ];
        let mut seed = 0x5851_f42d_4c95_7f2d_u64;
        let mut found = 0;
        for _ in 0..4000 {
            let mut text = String::new();
            crate::inspect::tests::xorshift(&mut seed);
            for _ in 0..(seed % 9) {
                crate::inspect::tests::xorshift(&mut seed);
                let piece = PIECES[(seed >> 8) as usize % PIECES.len()];
                let cut = (seed >> 20) as usize % (piece.len() + 1);
                text.push_str(if seed.is_multiple_of(5) {
                    &piece[cut..]
                } else {
                    piece
                });
                if seed.is_multiple_of(2) {
                    text.push(' ');
                }
            }
            let mut budget = BUDGET;
            let mut got = Vec::new();
            let b = text.as_bytes();
            let mut from = 0;
            while let Some(i) = super::super::find_run(b, from, 16, run_bytes) {
                from = run_at(b, i, &mut budget, &mut |f| got.push(format!("{f:?}")));
            }
            let want = runs_bytewise(&text);
            found += want.len();
            assert_eq!(got, want, "{text:?}");
        }
        assert!(found > 500, "the cases decode: {found}");
    }

    fn found(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut budget = BUDGET;
        scan(text, &mut budget, &mut |f| {
            out.push(match f {
                Found::Discord(s, e) => format!("discord:{}", &text[s..e]),
                Found::Decoded { text: t, .. } => format!("decoded:{t}"),
                Found::Normalized { text: t, map } => {
                    assert_eq!(t.len(), map.len());
                    format!("norm:{t}")
                }
            })
        });
        out
    }

    #[test]
    fn decodes_base64_hex_and_percent_runs() {
        assert_eq!(
            found("echo aGVsbG8gd29ybGQsIGhlbGxvIGFnYWlu | base64 -d"),
            vec!["decoded:hello world, hello again"]
        );
        assert_eq!(
            found("x=68656c6c6f20776f726c642c2068656c6c6f20616761696e!"),
            vec!["decoded:hello world, hello again"]
        );
        assert_eq!(
            found("q=%68%65%6C%6C%6F%20%77%6F%72%6C%64&x=1"),
            vec!["decoded:hello world"]
        );
        // Binary after decoding (hashes, images), and data URIs: nothing.
        assert!(
            found("sha256 3f9a1c7e2b8d4f6a0c5e9b3d7f1a8c2e3f9a1c7e2b8d4f6a0c5e9b3d7f1a8c2e")
                .is_empty()
        );
        assert!(found("data:image/png;base64,aGVsbG8gd29ybGQsIGhlbGxvIGFnYWlu").is_empty());
        // A text data URI is read: a secret can travel in one.
        assert_eq!(
            found("data:text/plain;base64,aGVsbG8gd29ybGQsIGhlbGxvIGFnYWlu"),
            vec!["decoded:hello world, hello again"]
        );
        // A few escapes in a longer run are undone and the run read again.
        assert_eq!(
            found("v=aGVsbG8gd29ybGQsIGhlbGxvIGFnYWlu%3D%3D!"),
            vec!["decoded:hello world, hello again"]
        );
        // Identifiers and paths are valid base64 but decode to binary.
        assert!(found("some_long_function_name_here /usr/local/lib/python3.12").is_empty());
    }

    #[test]
    fn every_invisible_character_folds_out_of_a_token() {
        for sep in [
            '\u{200E}',
            '\u{2062}',
            '\u{034F}',
            '\u{FE0F}',
            '\u{202C}',
            '\u{E0041}',
        ] {
            let split: String = "AKIAQYLPMN5HHHFPZAM2"
                .chars()
                .flat_map(|c| [c, sep])
                .collect();
            assert_eq!(
                found(&split),
                vec!["norm:AKIAQYLPMN5HHHFPZAM2"],
                "{:?}",
                sep
            );
        }
    }

    #[test]
    fn decoys_do_not_spend_the_zero_width_budget() {
        let split: String = "AKIAQYLPMN5HHHFPZAM2"
            .chars()
            .flat_map(|c| [c, '\u{200B}'])
            .collect();
        let text = format!("{split} {}", "c3VubnkgYW5kIHdhcm0hIQ== ".repeat(4200));
        assert!(found(&text).contains(&"norm:AKIAQYLPMN5HHHFPZAM2".to_owned()));
    }

    #[test]
    fn discord_tokens_need_a_numeric_id() {
        let id = base64::engine::general_purpose::STANDARD_NO_PAD.encode("1161659234968834162");
        let tok = format!("{id}.JACKTF.DayOSAguhfnCixKP09AnqjYFGuMLBqGoTvYzhF");
        assert_eq!(
            found(&format!("run('{tok}')")),
            vec![format!("discord:{tok}")]
        );
        let not_id = base64::engine::general_purpose::STANDARD_NO_PAD.encode("abcdefghijklmnopqrs");
        assert!(found(&format!(
            "{not_id}.JACKTF.DayOSAguhfnCixKP09AnqjYFGuMLBqGoTvYzhF"
        ))
        .iter()
        .all(|f| !f.starts_with("discord")));
    }

    #[test]
    fn normalises_zero_width_and_fullwidth() {
        assert_eq!(
            found("k: g\u{200b}hp_ab\u{200d}cd_ef ok"),
            vec!["norm:ghp_abcd_ef"]
        );
        assert_eq!(found("ＡＫＩＡ１２３４ｘｙ"), vec!["norm:AKIA1234xy"]);
        // Nothing to fold, or too short: nothing.
        assert!(found("plain text, nothing folded").is_empty());
        assert!(found("ａｂ").is_empty());
    }
}
