//! Sorting with one compiled sort for the whole module.
//!
//! `slice::sort_by` and its kin are compiled once per element type *and
//! comparison* (every closure is a type of its own): in the inspect module
//! that was 19 copies of the standard library's quick, drift and small
//! sorts, about 124 KB of a 1.84 MB module, for lists that are short —
//! a body's findings, a window's matches, a rewrite's edits. Here the sort
//! itself ([`order`]) is compiled once: it orders the *positions* of a list
//! through a `dyn` comparison, and what each caller compiles is the small
//! rearrangement ([`sort_by`]).
//!
//! Stable, like `slice::sort_by`; O(n log n) comparisons in the worst case
//! (a bottom-up merge sort, with insertion sort for runs of up to
//! [`RUN`]), so no input makes it quadratic. Slower per comparison than the
//! standard sorts (an indirect call each): use it where lists are short or
//! sorting is rare — every product call site; `sort_order_is_std_sort`
//! checks it against `slice::sort_by`.

use std::cmp::Ordering;

/// Runs sorted by insertion before merging: short lists are done there.
const RUN: usize = 16;

/// The positions `0..n` of a list in sorted order (stable): position `a`
/// goes before `b` when `cmp(a, b)` is `Less`, or when it is `Equal` and
/// `a < b`.
pub fn order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    // Insertion sort of each run.
    for run in idx.chunks_mut(RUN) {
        for i in 1..run.len() {
            let mut j = i;
            while let (Some(&a), Some(&b)) = (run.get(j.wrapping_sub(1)), run.get(j)) {
                if cmp(b, a) != Ordering::Less {
                    break;
                }
                run.swap(j.wrapping_sub(1), j);
                j = j.wrapping_sub(1);
            }
        }
    }
    if n <= RUN {
        return idx;
    }
    // Bottom-up merges of neighbouring runs, between two buffers.
    let mut other = vec![0usize; n];
    let mut width = RUN;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = start.saturating_add(width).min(n);
            let end = mid.saturating_add(width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in other.get_mut(start..end).unwrap_or_default() {
                let left = idx.get(i).copied().filter(|_| i < mid);
                let right = idx.get(j).copied().filter(|_| j < end);
                // From the right only when strictly less: stable.
                *slot = match (left, right) {
                    (Some(a), Some(b)) if cmp(b, a) != Ordering::Less => {
                        i = i.saturating_add(1);
                        a
                    }
                    (Some(a), None) => {
                        i = i.saturating_add(1);
                        a
                    }
                    (_, Some(b)) => {
                        j = j.saturating_add(1);
                        b
                    }
                    (None, None) => break,
                };
            }
            start = end;
        }
        std::mem::swap(&mut idx, &mut other);
        width = width.saturating_mul(2);
    }
    idx
}

/// Sorts `v` stably by `cmp`, as `slice::sort_by` does.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let sorted = {
        let items: &[T] = v;
        order(
            items.len(),
            &mut |a, b| match (items.get(a), items.get(b)) {
                (Some(x), Some(y)) => cmp(x, y),
                _ => Ordering::Equal,
            },
        )
    };
    permute(v, &sorted);
}

/// Sorts `v` stably by the key `key` gives, as `slice::sort_by_key` does.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` (stably; for the types sorted here, equal elements are
/// indistinguishable, so as `slice::sort_unstable` does).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Rearranges `v` so that its `i`-th element is the one that was at
/// `sorted[i]` (`sorted` a permutation of `0..v.len()`), by following
/// each cycle of the permutation once.
fn permute<T>(v: &mut [T], sorted: &[usize]) {
    let mut done = vec![false; sorted.len()];
    for start in 0..sorted.len() {
        if done.get(start).copied().unwrap_or(true) {
            continue;
        }
        let mut j = start;
        loop {
            if let Some(d) = done.get_mut(j) {
                *d = true;
            }
            let Some(&k) = sorted.get(j) else { break };
            if k == start {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64*, deterministic.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    #[test]
    fn sort_order_is_std_sort() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for round in 0..3_000usize {
            // Lengths around the run and merge boundaries, and long ones.
            let n = match round % 4 {
                0 => round % 40,
                1 => (round % 7) * RUN + round % 3,
                _ => (next(&mut state) % 700) as usize,
            };
            // Few distinct keys, so stability is tested: (key, original place).
            let keys = 1 + next(&mut state) % 12;
            let mut v: Vec<(u64, usize)> = (0..n).map(|i| (next(&mut state) % keys, i)).collect();
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            sort_by_key(&mut v, |p| p.0);
            assert_eq!(v, want, "n {n}");
            // Reversed comparison, and already sorted input.
            sort_by(&mut v, |a, b| b.0.cmp(&a.0));
            want.sort_by_key(|p| std::cmp::Reverse(p.0));
            assert_eq!(v, want, "n {n}, reversed");
            sort(&mut v);
            want.sort();
            assert_eq!(v, want, "n {n}, sort");
        }
    }
}
