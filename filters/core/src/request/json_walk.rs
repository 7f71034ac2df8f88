//! A byte walker over JSON that serde_json has already validated: the spans
//! of strings and values, for the edits that splice a body in place (so
//! every other byte stays as the client sent it), the members of an object,
//! and the one splicer. Shared by [`crate::request::extract`],
//! [`crate::request::usage`] and `auth`'s token-limit rewrite.

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

/// One member of an object: its key's span (quotes included) and its
/// value's span.
pub(crate) type Member = (std::ops::Range<usize>, std::ops::Range<usize>);

/// The members of the object opening at `open` (a `{`), in order, and the
/// offset just after the brace. `None` when `open` is not an object or the
/// bytes are not what `serde_json` accepted.
pub(crate) fn members(b: &[u8], open: usize) -> Option<(usize, Vec<Member>)> {
    if b.get(open)? != &b'{' {
        return None;
    }
    let after = open.checked_add(1)?;
    let mut i = skip_ws(b, after);
    let mut out = Vec::new();
    if b.get(i)? == &b'}' {
        return Some((after, out));
    }
    loop {
        let key_end = string_end(b, i)?;
        let key = i..key_end;
        i = skip_ws(b, key_end);
        if b.get(i)? != &b':' {
            return None;
        }
        let start = skip_ws(b, i.checked_add(1)?);
        let end = value_end(b, start)?;
        out.push((key, start..end));
        i = skip_ws(b, end);
        match b.get(i)? {
            b',' => i = skip_ws(b, i.checked_add(1)?),
            b'}' => return Some((after, out)),
            _ => return None,
        }
    }
}

/// The spans of the elements of the array opening at `open` (a `[`), in
/// order. `None` when `open` is not an array or the bytes are not what
/// `serde_json` accepted.
pub(crate) fn elements(b: &[u8], open: usize) -> Option<Vec<std::ops::Range<usize>>> {
    if b.get(open)? != &b'[' {
        return None;
    }
    let mut i = skip_ws(b, open.checked_add(1)?);
    let mut out = Vec::new();
    if b.get(i)? == &b']' {
        return Some(out);
    }
    loop {
        let end = value_end(b, i)?;
        out.push(i..end);
        i = skip_ws(b, end);
        match b.get(i)? {
            b',' => i = skip_ws(b, i.checked_add(1)?),
            b']' => return Some(out),
            _ => return None,
        }
    }
}

/// Whether the string token `raw` (quotes included) decodes to `name`.
pub(crate) fn key_is(raw: &[u8], name: &str) -> bool {
    let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
    if !inner.contains(&b'\\') {
        return inner == name.as_bytes();
    }
    serde_json::from_slice::<String>(raw).is_ok_and(|k| k == name)
}

/// The value span of member `name` of the object at `open`: `Ok(None)`
/// when absent, `Err(())` when the object is not one or names it twice
/// (parsers disagree on which copy wins).
pub(crate) fn member(
    b: &[u8],
    open: usize,
    name: &str,
) -> Result<Option<std::ops::Range<usize>>, ()> {
    let (_, all) = members(b, open).ok_or(())?;
    let mut found = None;
    for (k, v) in all {
        if key_is(b.get(k).ok_or(())?, name) {
            if found.is_some() {
                return Err(());
            }
            found = Some(v);
        }
    }
    Ok(found)
}

/// `body` with each range replaced by its bytes (an empty range inserts);
/// every other byte kept. `None` when ranges overlap or fall outside.
pub(crate) fn splice(body: &[u8], edits: &[(std::ops::Range<usize>, &[u8])]) -> Option<Vec<u8>> {
    let mut sorted: Vec<&(std::ops::Range<usize>, &[u8])> = edits.iter().collect();
    crate::sort::sort_by_key(&mut sorted, |(r, _)| r.start);
    let extra: usize = edits.iter().map(|(_, b)| b.len()).sum();
    let mut out = Vec::with_capacity(body.len().saturating_add(extra));
    let mut at = 0usize;
    for (range, bytes) in sorted {
        if range.start < at || range.end < range.start {
            return None;
        }
        out.extend_from_slice(body.get(at..range.start)?);
        out.extend_from_slice(bytes);
        at = range.end;
    }
    out.extend_from_slice(body.get(at..)?);
    Some(out)
}
