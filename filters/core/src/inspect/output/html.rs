//! HTML tags and the destinations of inline links, as a renderer reads them.

#[allow(unused_imports)]
use super::*;

/// The result of [`OutputChecker::lex_tag`].
#[derive(Debug)]
pub(super) struct Tag {
    /// After the `>` (or where reading stopped).
    pub(super) end: usize,
    /// The `>` was found.
    pub(super) complete: bool,
    pub(super) html: bool,
    pub(super) link: bool,
}

/// Tags that are dangerous whatever their attributes.
pub(super) const DANGEROUS_TAGS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "base", "meta",
    "link", "portal",
];
/// Attributes whose URL the browser loads without a click.
pub(super) const RESOURCE_ATTRS: &[&str] = &[
    "src",
    "poster",
    "background",
    "data",
    "lowsrc",
    "dynsrc",
    "codebase",
    "archive",
    "classid",
    "manifest",
    "icon",
];
/// Tags whose `href` is loaded without a click.
pub(super) const RESOURCE_HREF_TAGS: &[&str] = &["image", "use", "link", "feimage", "script"];
/// Attributes that are followed on a click or submit.
pub(super) const LINK_ATTRS: &[&str] = &["action", "formaction", "ping", "cite", "longdesc"];

pub(super) fn is_dangerous_tag(name: &str) -> bool {
    eq_any(name, DANGEROUS_TAGS)
}

pub(super) fn eq_any(s: &str, list: &[&str]) -> bool {
    list.iter().any(|x| s.eq_ignore_ascii_case(x))
}

pub(super) fn is_tag_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The largest char boundary of `s` at or below `i`.
pub(super) fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i = i.saturating_sub(1);
    }
    i
}

/// An odd number of backslashes precedes `i`.
pub(super) fn is_escaped(bytes: &[u8], i: usize) -> bool {
    let mut n = 0usize;
    let mut j = i;
    while let Some(p) = j.checked_sub(1) {
        if bytes.get(p) != Some(&b'\\') {
            break;
        }
        n = n.saturating_add(1);
        j = p;
    }
    n % 2 == 1
}

/// How many bytes a `\` at `i` covers: 2 before ASCII punctuation, else 1.
pub(super) fn escape_width(bytes: &[u8], i: usize) -> usize {
    if bytes
        .get(i.saturating_add(1))
        .is_some_and(u8::is_ascii_punctuation)
    {
        2
    } else {
        1
    }
}

/// Where a trailing prefix of `http://`, `https://` or `www.` starts.
pub(super) fn trailing_url_prefix(bytes: &[u8]) -> Option<usize> {
    let mut start = bytes.len();
    while let Some(p) = start.checked_sub(1) {
        let b = bytes.get(p)?;
        if !(b.is_ascii_alphabetic() || matches!(b, b':' | b'/' | b'.'))
            || bytes.len().saturating_sub(p) > 8
        {
            break;
        }
        start = p;
    }
    let word = bytes.get(start..)?;
    if word.is_empty() {
        return None;
    }
    let prefix_of = |full: &[u8]| {
        word.len() <= full.len()
            && full
                .get(..word.len())
                .is_some_and(|f| f.eq_ignore_ascii_case(word))
    };
    (prefix_of(b"https://") || prefix_of(b"http://") || prefix_of(b"www.")).then_some(start)
}

/// Skip spaces and tabs, at most one line ending, spaces and tabs.
pub(super) fn skip_ws_one_newline(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i = i.saturating_add(1);
    }
    if bytes.get(i) == Some(&b'\r') {
        i = i.saturating_add(1);
    }
    if bytes.get(i) == Some(&b'\n') {
        i = i.saturating_add(1);
        while matches!(bytes.get(i), Some(b' ' | b'\t')) {
            i = i.saturating_add(1);
        }
    }
    i
}

/// An inline destination after `(`.
#[derive(Debug)]
pub(super) enum Dest {
    /// Not a destination.
    Invalid,
    /// The text ends before the construct does.
    Incomplete {
        dest: Option<std::ops::Range<usize>>,
        resume: usize,
    },
    /// `dest` read; the construct ends at `end`; scanning resumes at
    /// `resume`.
    Done {
        dest: std::ops::Range<usize>,
        end: usize,
        resume: usize,
    },
}

pub(super) fn parse_inline_dest(bytes: &[u8], from: usize) -> Dest {
    let len = bytes.len();
    let i = skip_ws_one_newline(bytes, from);
    let (dest, after) = match bytes.get(i) {
        None => {
            return Dest::Incomplete {
                dest: None,
                resume: len,
            }
        }
        Some(b')') => {
            let end = i.saturating_add(1);
            return Dest::Done {
                dest: i..i,
                end,
                resume: end,
            };
        }
        Some(b'<') => {
            let ds = i.saturating_add(1);
            let mut j = ds;
            loop {
                match bytes.get(j) {
                    None => {
                        return Dest::Incomplete {
                            dest: Some(ds..len),
                            resume: len,
                        }
                    }
                    Some(b'>') => break,
                    Some(b'\n' | b'<') => return Dest::Invalid,
                    Some(b'\\') => j = j.saturating_add(escape_width(bytes, j)),
                    Some(_) => j = j.saturating_add(1),
                }
            }
            (ds..j, j.saturating_add(1))
        }
        Some(_) => {
            let mut j = i;
            let mut depth = 0u32;
            loop {
                match bytes.get(j) {
                    None => {
                        return Dest::Incomplete {
                            dest: Some(i..len),
                            resume: len,
                        }
                    }
                    Some(b'\\') => j = j.saturating_add(escape_width(bytes, j)),
                    Some(&b) if b <= b' ' || b == 0x7f => break,
                    Some(b'(') => {
                        depth = depth.saturating_add(1);
                        j = j.saturating_add(1);
                    }
                    Some(b')') => {
                        if depth == 0 {
                            break;
                        }
                        depth = depth.saturating_sub(1);
                        j = j.saturating_add(1);
                    }
                    Some(_) => j = j.saturating_add(1),
                }
            }
            (i..j, j)
        }
    };
    let de = dest.end;
    let k = skip_ws_one_newline(bytes, after);
    match bytes.get(k) {
        None => Dest::Incomplete {
            dest: Some(dest),
            resume: after.min(len),
        },
        Some(b')') => {
            let end = k.saturating_add(1);
            Dest::Done {
                dest,
                end,
                resume: end,
            }
        }
        Some(&q @ (b'"' | b'\'' | b'(')) => {
            let close = if q == b'(' { b')' } else { q };
            let ts = k.saturating_add(1);
            let te = ts.saturating_add(MAX_TITLE).min(len);
            match bytes.get(ts..te).and_then(|t| memchr::memchr(close, t)) {
                Some(off) => {
                    let c = ts.saturating_add(off).saturating_add(1);
                    let c = skip_ws_one_newline(bytes, c);
                    match bytes.get(c) {
                        Some(b')') => {
                            let end = c.saturating_add(1);
                            Dest::Done {
                                dest,
                                end,
                                resume: end,
                            }
                        }
                        None => Dest::Incomplete {
                            dest: Some(dest),
                            resume: after,
                        },
                        Some(_) => Dest::Done {
                            dest,
                            end: de,
                            resume: after,
                        },
                    }
                }
                None if te >= len => Dest::Incomplete {
                    dest: Some(dest),
                    resume: after,
                },
                None => Dest::Done {
                    dest,
                    end: de,
                    resume: after,
                },
            }
        }
        // Not a link for CommonMark; still judged (over-eager on purpose).
        Some(_) => Dest::Done {
            dest,
            end: de,
            resume: after,
        },
    }
}
