//! Markdown reference definitions (`[label]: url "title"`).

#[allow(unused_imports)]
use super::*;

// ---- reference definitions ----------------------------------------------------

#[derive(Debug)]
pub(super) struct Def {
    /// The `[`.
    pub(super) bracket: usize,
    /// After the destination.
    pub(super) dest_end: usize,
    pub(super) class: UrlClass,
    pub(super) used_by_image: bool,
    /// The destination reached the end of the text: it may go on.
    pub(super) complete: bool,
}

/// The `[label]: url` definitions of a text.
#[derive(Debug, Default)]
pub(super) struct Defs {
    pub(super) list: Vec<Def>,
    pub(super) by_label: HashMap<String, usize>,
}

impl Defs {
    pub(super) fn collect(checker: &OutputChecker, text: &str, sink: &mut Sink<'_>) -> Self {
        let bytes = text.as_bytes();
        let mut defs = Defs::default();
        // Cheap test first: most completions have no `]:` at all.
        // (A `]` search eight bytes at a time, not `memmem`: a stream runs
        // this for every event, and building a searcher cost more than the
        // search.)
        let mut from = 0usize;
        let has_def = loop {
            let Some(i) = crate::inspect::find_byte(
                bytes,
                from,
                |x| crate::inspect::swar::equal(crate::inspect::swar::ascii(x).0, b']'),
                |c| c == b']',
            ) else {
                break false;
            };
            if bytes.get(i.saturating_add(1)) == Some(&b':') {
                break true;
            }
            from = i.saturating_add(1);
        };
        if !has_def {
            return defs;
        }
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', bytes).map(|i| i.saturating_add(1)));
        for ls in starts {
            let Some((lb, label, dest, complete)) = parse_def(bytes, ls) else {
                continue;
            };
            if !complete {
                sink.hold_at(lb);
            }
            let (Some(label), Some(url)) = (text.get(label), text.get(dest.clone())) else {
                continue;
            };
            let Some(key) = normalize_label(label) else {
                continue;
            };
            let class = checker.classify(url, Ctx::Markdown);
            let index = defs.list.len();
            defs.list.push(Def {
                bracket: lb,
                dest_end: dest.end,
                class,
                used_by_image: false,
                complete,
            });
            defs.by_label.entry(key).or_insert(index);
        }
        defs
    }

    pub(super) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// If a definition starts at `bracket`, where to resume after it.
    pub(super) fn resume_at(&self, bracket: usize) -> Option<usize> {
        let i = self
            .list
            .binary_search_by_key(&bracket, |d| d.bracket)
            .ok()?;
        self.list.get(i).map(|d| d.dest_end)
    }

    pub(super) fn lookup(&self, label: &str) -> Option<usize> {
        if self.list.is_empty() || label.len() > MAX_LABEL {
            return None;
        }
        self.by_label.get(&normalize_label(label)?).copied()
    }

    /// Record a use of definition `i`: its class and whether it is
    /// complete.
    pub(super) fn mark(&mut self, i: usize, image: bool) -> (UrlClass, bool) {
        match self.list.get_mut(i) {
            Some(d) => {
                d.used_by_image |= image;
                (d.class, d.complete)
            }
            None => (UrlClass::Benign, true),
        }
    }

    /// Report the definitions themselves.
    pub(super) fn finish(&self, checker: &OutputChecker, sink: &mut Sink<'_>) {
        for d in &self.list {
            match d.class {
                UrlClass::Benign => {}
                UrlClass::Outside => {
                    if d.used_by_image {
                        sink.emit(&checker.kinds.image, d.bracket, d.dest_end);
                    } else if checker.links {
                        sink.emit(&checker.kinds.link, d.bracket, d.dest_end);
                    }
                }
                UrlClass::Dangerous => {
                    if checker.html {
                        sink.emit(&checker.kinds.html, d.bracket, d.dest_end);
                    }
                }
            }
        }
    }
}

/// A definition line at `ls`: `(the [, label range, destination range,
/// complete)`.
pub(super) fn parse_def(
    bytes: &[u8],
    ls: usize,
) -> Option<(usize, std::ops::Range<usize>, std::ops::Range<usize>, bool)> {
    let len = bytes.len();
    let mut i = ls;
    // Indentation and blockquote markers.
    while matches!(bytes.get(i), Some(b' ' | b'>')) {
        i = i.saturating_add(1);
        if i.saturating_sub(ls) > 16 {
            return None;
        }
    }
    if bytes.get(i) != Some(&b'[') {
        return None;
    }
    let lb = i;
    let mut j = lb.saturating_add(1);
    loop {
        match bytes.get(j)? {
            b']' => break,
            b'[' | b'\n' => return None,
            b'\\' => j = j.saturating_add(escape_width(bytes, j)),
            _ => j = j.saturating_add(1),
        }
        if j.saturating_sub(lb) > MAX_LABEL.saturating_add(1) {
            return None;
        }
    }
    if bytes.get(j.saturating_add(1)) != Some(&b':') {
        return None;
    }
    let label = lb.saturating_add(1)..j;
    let k = skip_ws_one_newline(bytes, j.saturating_add(2));
    match bytes.get(k) {
        None => Some((lb, label, k.min(len)..k.min(len), false)),
        Some(b'<') => {
            let ds = k.saturating_add(1);
            let mut e = ds;
            loop {
                match bytes.get(e) {
                    None => return Some((lb, label, ds..len, false)),
                    Some(b'>') => return Some((lb, label, ds..e, true)),
                    Some(b'\n' | b'<') => return None,
                    Some(b'\\') => e = e.saturating_add(escape_width(bytes, e)),
                    Some(_) => e = e.saturating_add(1),
                }
            }
        }
        Some(_) => {
            let mut e = k;
            while bytes.get(e).is_some_and(|&b| b > b' ' && b != 0x7f) {
                e = e.saturating_add(1);
            }
            if e == k {
                return None;
            }
            Some((lb, label, k..e, e < len))
        }
    }
}

/// CommonMark label matching: trimmed, whitespace collapsed, case folded.
pub(super) fn normalize_label(label: &str) -> Option<String> {
    let mut out = String::with_capacity(label.len());
    for word in label.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    (!out.is_empty()).then_some(out)
}
