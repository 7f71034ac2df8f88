//! Model and principal patterns: `*` any run of characters, `?` one.
//!
//! Written here rather than taken from a crate (`wildmatch`, `globset`):
//! it runs on every request for every pattern of every rule, so it neither
//! compiles nor allocates, and it is linear in the text times the pattern
//! with no backtracking; a crate would compile each pattern per call or
//! need a cache of compiled ones across VMs.

/// Whether `text` matches `pattern`: `*` matches any run of characters
/// (none included), `?` exactly one character, anything else itself;
/// case-sensitive, anchored at both ends. No backtracking: at worst
/// `O(len(text) × len(pattern))`.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or_default();
    let Some(mut middle_and_last) = pattern.get(first.len()..).and_then(|r| r.strip_prefix('*'))
    else {
        // No star: the whole text against the one piece.
        return match_at(first, text, 0) == Some(text.len());
    };
    let Some(mut pos) = match_at(first, text, 0) else {
        return false;
    };
    // The last piece is anchored at the end of the text.
    let last = middle_and_last.rsplit('*').next().unwrap_or_default();
    let Some(end) = match_suffix(last, text) else {
        return false;
    };
    if end < pos {
        return false;
    }
    middle_and_last = middle_and_last
        .get(..middle_and_last.len().saturating_sub(last.len()))
        .unwrap_or_default();
    // The pieces between stars, each at its leftmost place after the
    // previous one: if any placement fits, the leftmost ones do.
    for piece in middle_and_last.split('*').filter(|p| !p.is_empty()) {
        let Some(after) = find_piece(piece, text, pos, end) else {
            return false;
        };
        pos = after;
    }
    true
}

/// Matches `piece` (no `*`) at byte `at` of `text`: the end of the match.
fn match_at(piece: &str, text: &str, at: usize) -> Option<usize> {
    let mut j = at;
    for c in piece.chars() {
        let next = text.get(j..)?.chars().next()?;
        if c != '?' && c != next {
            return None;
        }
        j = j.checked_add(next.len_utf8())?;
    }
    Some(j)
}

/// Matches `piece` (no `*`) against the end of `text`: where the match
/// starts.
fn match_suffix(piece: &str, text: &str) -> Option<usize> {
    let mut j = text.len();
    for c in piece.chars().rev() {
        let prev = text.get(..j)?.chars().next_back()?;
        if c != '?' && c != prev {
            return None;
        }
        j = j.checked_sub(prev.len_utf8())?;
    }
    Some(j)
}

/// The end of the leftmost match of `piece` starting in `from..` and ending
/// by `limit`.
fn find_piece(piece: &str, text: &str, from: usize, limit: usize) -> Option<usize> {
    let window = text.get(..limit)?;
    let starts = window.get(from..)?.char_indices().map(|(i, _)| i);
    for offset in starts {
        let start = from.checked_add(offset)?;
        if let Some(end) = match_at(piece, window, start) {
            return Some(end);
        }
    }
    None
}
