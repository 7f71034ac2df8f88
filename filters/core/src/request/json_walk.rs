//! A byte walker over JSON that serde_json has already validated: the spans
//! of strings and values, for the edits that splice a body in place (so
//! every other byte stays as the client sent it). Shared by
//! [`crate::request::extract`] and [`crate::request::usage`].

/// The index of the first non-whitespace byte at or after `i`.
pub(crate) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = b.get(i) {
        i = i.saturating_add(1);
    }
    i
}

/// `start` is at a `"`: the index just past the closing quote.
pub(crate) fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start.checked_add(1)?;
    loop {
        let off = memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        let at = i.checked_add(off)?;
        if *b.get(at)? == b'"' {
            return at.checked_add(1);
        }
        // A backslash: the next byte is escaped (a `\uXXXX` tail holds no
        // quote or backslash, so skipping one byte is enough).
        i = at.checked_add(2)?;
    }
}

/// The index just past the value starting at `i` (whitespace skipped).
pub(crate) fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match *b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth = depth.checked_add(1)?,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return j.checked_add(1);
                        }
                    }
                    _ => {}
                }
                j = j.checked_add(1)?;
            }
        }
        _ => {
            let rest = b.get(i..)?;
            let len = rest
                .iter()
                .position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(rest.len());
            if len == 0 {
                return None;
            }
            i.checked_add(len)
        }
    }
}
