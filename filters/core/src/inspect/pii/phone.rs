//! Phone numbers, validated against a compact numbering table written for
//! this crate (country code → national significant number lengths and
//! leading digits; trunk-prefix and grouping conventions) instead of the
//! `phonenumber` crate: linked into the wasm32-wasip1 release module of
//! `inspect`, that crate (libphonenumber's metadata and its regexes) grew
//! it from 1,651,880 to 3,654,437 bytes (+2.0 MB, measured 2026-12), five
//! times the module budget, for a filter that only needs "is this
//! plausibly a phone number of that country". The table covers the
//! countries below; other country codes get the generic E.164 length rule.
//!
//! | country | cc | national number | trunk | common national formats |
//! |---|---|---|---|---|
//! | US/CA | 1 | 10, NANP (`NXX NXX XXXX`) | 1 | `(415) 555-0132`, `415-555-0132` |
//! | GB | 44 | 10 (1, 2, 3, 5, 7, 8, 9), 9 (1, 8) | 0 | `020 7946 0958`, `07700 900123` |
//! | DE | 49 | 6–12 (2–9); mobile 15x/16x/17x: 10–11 | 0 | `030 12345678`, `089/1234567`, `(030) 1234567` |
//! | FR | 33 | 9 | 0 | `01 23 45 67 89` |
//! | ES | 34 | 9 (6, 7, 8, 9) | – | `612 34 56 78`, `91 234 56 78` |
//! | IT | 39 | 9–11 with the leading 0 (fixed), 9–10 (mobile 3) | – | `06 6982 1234`, `347 123 4567` |
//! | NL | 31 | 9 | 0 | `06-12345678`, `020 123 4567` |
//! | PL | 48 | 9 | – | `512 345 678`, `22 123 45 67` |
//! | PT | 351 | 9 (2, 3, 7, 8, 9) | – | `912 345 678` |
//! | BR | 55 | 10–11: area 11–99, mobile 9 + 8 | 0 | `(11) 91234-5678`, `(21) 2345-6789` |
//! | IN | 91 | 10 | 0 | `98765 43210`, `011 2345 6789` |
//! | AU | 61 | 9 (2, 3, 4, 7, 8) | 0 | `(02) 9876 5432`, `0412 345 678` |
//! | JP | 81 | 9; 10 for 50/70/80/90 | 0 | `03-1234-5678`, `090-1234-5678` |
//! | MX | 52 | 10 (11 with the old mobile 1) | – | `55 1234 5678`, `(55) 1234 5678` |
//!
//! Which shapes are accepted, and with what evidence:
//! - international (`+CC`, `00CC`, `+CC (0)…`): the table (or the generic
//!   rule), any grouping;
//! - national with a trunk prefix (`0…`): some trunk country must accept
//!   the length, the leading digits and the first group (the area code);
//!   grouped, or bare with a phone word nearby;
//! - national without a trunk prefix: NANP shapes; Spanish `6xx xx xx xx`
//!   and `9x xxx xx xx`; Polish `xx xxx xx xx`; Italian mobiles `3xx xxx
//!   xxxx`; Indian mobiles `9xxxx xxxxx`; Brazilian `(xx) 9xxxx-xxxx`;
//!   Mexican `55 xxxx xxxx`. A plain `xxx xxx xxx` (Spain, Portugal,
//!   Poland) is a phone only with a phone word nearby: it is as often a
//!   grouped amount (`612 345 678 units`).
//!
//! Limits: the table knows lengths and leading digits, not every allocated
//! range; a well-formed unallocated number passes. Extensions (`x123`),
//! vanity letters and numbers written with words are not read.

use super::{Ctx, Num};

// The national formats below are vetoed by words such as "order" or
// "invoice" right before them ([`NOT_PHONE_WORDS`]); international ones
// (`+CC`) are not: nothing else is written that way.

/// Words that make a bare digit run (or an ambiguous grouping) a phone
/// number, in the languages of the table.
pub(super) const PHONE_WORDS: [&str; 40] = [
    "phone",
    "tel",
    "call",
    "mobile",
    "cell",
    "fax",
    "whatsapp",
    "sms",
    "contact",
    "ph:",
    "mob",
    "text me",
    "llam",
    "teléfono",
    "telefono",
    "móvil",
    "movil",
    "téléphone",
    "telephone",
    "portable",
    "appel",
    "telefon",
    "handy",
    "rufnummer",
    "anruf",
    "cellulare",
    "chiama",
    "bel ",
    "mobiel",
    "telefoon",
    "zadzwo",
    "komórk",
    "telemóvel",
    "telemovel",
    "ligue",
    "celular",
    "電話",
    "携帯",
    "फ़ोन",
    "whats",
];

fn num_of(d: &[u8]) -> u32 {
    d.iter().fold(0u32, |acc, &c| {
        acc.wrapping_mul(10)
            .wrapping_add(u32::from(c.wrapping_sub(b'0')))
    })
}

fn first(d: &[u8]) -> u8 {
    d.first().copied().unwrap_or(0)
}

/// NANP: `NXX NXX XXXX`, area and exchange not starting 0/1 nor `N11`.
pub(super) fn nanp_ok(d: &[u8]) -> bool {
    let [a0, a1, a2, e0, e1, e2, ..] = d else {
        return false;
    };
    d.len() == 10
        && (b'2'..=b'9').contains(a0)
        && !(*a1 == b'1' && *a2 == b'1')
        && (b'2'..=b'9').contains(e0)
        && !(*e1 == b'1' && *e2 == b'1')
}

/// Brazil: area code 11–99 (no 0 in it), then 9 + 8 digits (mobile) or
/// 2–5 + 7 digits (fixed).
fn br_ok(nsn: &[u8]) -> bool {
    let area_ok = nsn.get(1).is_some_and(|&c| c != b'0') && first(nsn) != b'0';
    let third = nsn.get(2).copied().unwrap_or(0);
    area_ok
        && match nsn.len() {
            11 => third == b'9',
            10 => (b'2'..=b'5').contains(&third),
            _ => false,
        }
}

/// A national significant number of country `cc` (one of the table).
fn nsn_ok(cc: u32, nsn: &[u8]) -> Option<bool> {
    let n = nsn.len();
    let f = first(nsn);
    Some(match cc {
        1 => nanp_ok(nsn),
        7 => n == 10 && f != b'0',
        33 | 31 | 48 => n == 9 && f != b'0',
        34 => n == 9 && (b'6'..=b'9').contains(&f),
        39 => match f {
            b'0' => (9..=11).contains(&n),
            b'3' => (9..=10).contains(&n),
            b'8' => (6..=10).contains(&n),
            _ => false,
        },
        44 => (n == 10 && b"1235789".contains(&f)) || (n == 9 && matches!(f, b'1' | b'8')),
        49 => match (f, nsn.get(1).copied().unwrap_or(0)) {
            (b'1', b'5' | b'6' | b'7') => (10..=11).contains(&n),
            (b'1' | b'0', _) => false,
            _ => (6..=12).contains(&n),
        },
        351 => n == 9 && b"23789".contains(&f),
        52 => (n == 10 && f != b'0') || (n == 11 && f == b'1'),
        55 => br_ok(nsn),
        61 => n == 9 && b"23478".contains(&f),
        81 => {
            (n == 9 && f != b'0') || (n == 10 && b"5789".contains(&f) && nsn.get(1) == Some(&b'0'))
        }
        91 => n == 10 && f != b'0',
        _ => return None,
    })
}

/// Country codes of the table, longest first.
const TABLE_CC: [u32; 15] = [351, 1, 7, 31, 33, 34, 39, 44, 48, 49, 52, 55, 61, 81, 91];

/// Other two-digit country codes (generic length rule: 7–12).
const CC2: [u16; 31] = [
    20, 27, 30, 32, 36, 40, 41, 43, 45, 46, 47, 51, 53, 54, 56, 57, 58, 60, 62, 63, 64, 65, 66, 82,
    84, 86, 90, 92, 93, 94, 98,
];

/// Digits after `+` (or `00`): a country code and a valid national number.
pub(super) fn international_ok(d: &[u8]) -> bool {
    if !(8..=15).contains(&d.len()) || first(d) == b'0' {
        return false;
    }
    for cc in TABLE_CC {
        let width = if cc >= 100 {
            3
        } else if cc >= 10 {
            2
        } else {
            1
        };
        if d.get(..width).map(num_of) == Some(cc) {
            let nsn = d.get(width..).unwrap_or_default();
            return nsn_ok(cc, nsn).unwrap_or(false);
        }
    }
    let cc2 = u16::try_from(num_of(d.get(..2).unwrap_or_default())).unwrap_or(0);
    if CC2.contains(&cc2) {
        let nat = d.len().saturating_sub(2);
        return d.get(2) != Some(&b'0')
            && match cc2 {
                86 => (10..=11).contains(&nat),
                _ => (7..=12).contains(&nat),
            };
    }
    (9..=15).contains(&d.len())
}

/// A national number written with its trunk prefix (`0` + national
/// number), whose first group (the prefix and area code) is `area` digits
/// long (0: not grouped). Accepted when some country of the table takes
/// that length, leading digit and area-code length.
pub(super) fn trunk_ok(d: &[u8], area: usize) -> bool {
    if first(d) != b'0' || d.get(1).is_none_or(|&c| c == b'0') {
        return false;
    }
    let nsn = d.get(1..).unwrap_or_default();
    let n = nsn.len();
    let f = first(nsn);
    let area_in = |lo: usize, hi: usize| area == 0 || (lo..=hi).contains(&area);
    let gb = ((n == 10 && b"1235789".contains(&f)) || (n == 9 && matches!(f, b'1' | b'8')))
        && area_in(3, 6);
    let de = nsn_ok(49, nsn) == Some(true) && area_in(3, 6);
    let fr = n == 9 && area_in(2, 2);
    let nl = n == 9 && area_in(2, 4);
    let au = n == 9 && b"23478".contains(&f) && area_in(2, 4);
    let jp = nsn_ok(81, nsn) == Some(true) && area_in(2, 5);
    let india = n == 10 && area_in(3, 6);
    let br = br_ok(nsn) && area_in(3, 3);
    // Italy keeps its 0 in the number: 02/06 are the only two-digit area
    // codes, the others have 3 or 4 digits with the 0.
    let it_two = d.starts_with(b"02") || d.starts_with(b"06");
    let it = (9..=11).contains(&d.len())
        && if area == 0 {
            true
        } else if it_two {
            area == 2
        } else {
            (3..=4).contains(&area)
        };
    gb || de || fr || nl || au || jp || india || br || it
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Placeholder digits: a run of five equal digits (`0800 000 000`), fewer
/// than four distinct digits, or one ascending or descending run from end
/// to end (`0123 4567`). Sequences inside a number (`030 12345678`) are
/// kept: the example numbers of many manuals look like that, and so do
/// some real ones.
fn placeholder(d: &[u8]) -> bool {
    let mut same = 1usize;
    for w in d.windows(2) {
        same = if w.first() == w.get(1) {
            same.saturating_add(1)
        } else {
            1
        };
        if same >= 5 {
            return true;
        }
    }
    let mut seen = [false; 10];
    for &c in d {
        if let Some(f) = seen.get_mut(usize::from(c.wrapping_sub(b'0'))) {
            *f = true;
        }
    }
    let distinct = seen.iter().filter(|&&x| x).count();
    let step = |up: bool| {
        d.windows(2).all(|w| match w {
            [a, b] => {
                if up {
                    a.checked_add(1) == Some(*b)
                } else {
                    b.checked_add(1) == Some(*a)
                }
            }
            _ => true,
        })
    };
    distinct < 4 || (d.len() >= 6 && (step(true) || step(false)))
}

/// Words right before a national-format number that say it is something
/// else (an order, a part, a build): they veto it unless a phone word is
/// near too.
const NOT_PHONE_WORDS: [&str; 16] = [
    "order",
    "invoice",
    "part no",
    "ref",
    "tracking",
    "ticket",
    "build",
    "version",
    "isbn",
    "serial",
    "sku",
    "batch",
    "lot ",
    "account",
    "meeting id",
    "passcode",
];

/// Whether the number `num` (digits `d`, byte before it `prev`) is a phone
/// number: its start (the `+` or `(` included), or `None`.
pub(super) fn phone(
    ctx: &Ctx<'_>,
    num: &Num,
    d: &[u8],
    prev: u8,
    context: &dyn Fn(&[&str]) -> bool,
) -> Option<usize> {
    let s = num.start();
    if placeholder(d) {
        return None;
    }
    let vetoed = || super::context_has(ctx, s, 24, &NOT_PHONE_WORDS) && !context(&PHONE_WORDS);
    let seps_ok = (0..num.n.saturating_sub(1)).all(|k| {
        matches!(
            num.sep(ctx, k),
            b" " | b"-" | b"." | b") " | b" (" | b")" | b")-" | b"/"
        )
    });
    if !seps_ok {
        return None;
    }
    let slashes = (0..num.n.saturating_sub(1))
        .filter(|&k| num.sep(ctx, k) == b"/")
        .count();
    // A slash only between the area code and the number (`089/1234567`).
    if slashes > 1 || (slashes == 1 && num.sep(ctx, 0) != b"/") {
        return None;
    }
    let dots = (0..num.n.saturating_sub(1)).any(|k| num.sep(ctx, k) == b".");
    // `+CC (0) …`: the trunk 0 in parentheses is not part of the number.
    let mut buf = [0u8; 24];
    let intl_digits = |buf: &mut [u8; 24]| -> usize {
        let mut k = 0usize;
        for g in 0..num.n {
            let (gs, ge) = num.group(g);
            let group = ctx.bytes().get(gs..ge).unwrap_or_default();
            if g == 1 && group == b"0" && num.sep(ctx, 0) == b" (" && num.sep(ctx, 1) == b")" {
                continue;
            }
            for &c in group {
                if let Some(slot) = buf.get_mut(k) {
                    *slot = c;
                    k = k.saturating_add(1);
                }
            }
        }
        k
    };
    // +CC ...
    if prev == b'+' {
        let before_plus = ctx.before(s.saturating_sub(1));
        let k = intl_digits(&mut buf);
        if !is_word_byte(before_plus) && international_ok(buf.get(..k).unwrap_or_default()) {
            return Some(s.saturating_sub(1));
        }
        return None;
    }
    // 00CC ... (the international call prefix).
    if d.starts_with(b"00") && num.n >= 2 && num.glen(0) <= 5 {
        let k = intl_digits(&mut buf);
        let rest = buf.get(2..k).unwrap_or_default();
        return (first(rest) != b'0' && international_ok(rest)).then_some(s);
    }
    let start = national(ctx, num, d, prev, context, dots)?;
    (!vetoed()).then_some(start)
}

/// The national formats (no `+`/`00`): the start, before the veto words
/// are checked.
fn national(
    ctx: &Ctx<'_>,
    num: &Num,
    d: &[u8],
    prev: u8,
    context: &dyn Fn(&[&str]) -> bool,
    dots: bool,
) -> Option<usize> {
    let s = num.start();
    // (NXX) NXX-XXXX, (0xx) xxxx xxxx, (xx) xxxx-xxxx.
    if prev == b'(' {
        let closes = matches!(num.sep(ctx, 0), b")" | b") " | b")-");
        let rest_ok =
            (1..num.n.saturating_sub(1)).all(|k| matches!(num.sep(ctx, k), b"-" | b" " | b"."));
        if !closes || !rest_ok || num.n < 2 {
            return None;
        }
        let nanp = num.lens_are(&[3, 3, 4]) && nanp_ok(d);
        let trunk = first(d) == b'0' && trunk_ok(d, num.glen(0));
        // Brazil and Mexico write the two-digit area code in parentheses.
        let two = num.glen(0) == 2 && first(d) != b'0';
        let br = two && br_ok(d);
        let mx = two && d.len() == 10 && num.lens().skip(1).all(|l| l == 4);
        return (nanp || trunk || br || mx).then_some(s.saturating_sub(1));
    }
    let uniform = num.seps_uniform(ctx, &[b"-", b".", b" "]);
    // NXX-NXX-XXXX, 1-NXX-NXX-XXXX, 1 (NXX) NXX-XXXX.
    if uniform && num.lens_are(&[3, 3, 4]) && nanp_ok(d) {
        return Some(s);
    }
    let one_nanp = d.first() == Some(&b'1') && nanp_ok(d.get(1..).unwrap_or_default());
    if num.lens_are(&[1, 3, 3, 4]) && one_nanp && (uniform || num.sep(ctx, 0) == b" (") {
        return Some(s);
    }
    let grouped_seps = num.n >= 2
        && (0..num.n.saturating_sub(1)).all(|k| matches!(num.sep(ctx, k), b" " | b"-" | b"/"));
    // National trunk prefix: 020 7946 0958, 030 12345678, 06-12345678,
    // 01 23 45 67 89 (FR pairs, dots too), 03-1234-5678.
    let trunk = first(d) == b'0' && d.get(1).is_some_and(|c| *c != b'0');
    if trunk && num.n >= 2 {
        let pairs = num.n == 5
            && num.span_n == 5
            && num.lens().all(|l| l == 2)
            && num.seps_uniform(ctx, &[b" ", b".", b"-"]);
        // After the area code, groups of three or more (pairs only as the
        // French and Dutch five pairs above): `078-05-1120` is an SSN shape
        // and `04 11 23 35 42` a list.
        let groups_ok = !dots && grouped_seps && num.lens().skip(1).all(|l| l >= 3);
        if (pairs || groups_ok) && trunk_ok(d, num.glen(0)) {
            return Some(s);
        }
    }
    let f = first(d);
    let spaced = num.seps_uniform(ctx, &[b" ", b"-"]);
    // Spain: 6xx xx xx xx, 9x xxx xx xx.
    let es = d.len() == 9
        && spaced
        && ((num.lens_are(&[3, 2, 2, 2]) && (b'6'..=b'9').contains(&f))
            || (num.lens_are(&[2, 3, 2, 2]) && (b'8'..=b'9').contains(&f)));
    // Poland: xx xxx xx xx (area code first).
    let pl = d.len() == 9 && spaced && num.lens_are(&[2, 3, 2, 2]) && f != b'0';
    // Italian mobiles: 3xx xxx xxxx.
    let it = d.len() == 10 && spaced && num.lens_are(&[3, 3, 4]) && f == b'3';
    // Indian mobiles: 98765 43210.
    let india = num.lens_are(&[5, 5]) && spaced && (b'6'..=b'9').contains(&f);
    // Brazil without parentheses: 11 91234-5678.
    let br = num.lens_are(&[2, 5, 4]) && br_ok(d) && num.sep(ctx, 1) == b"-";
    // Mexico: 55 1234 5678 (Mexico City, Guadalajara, Monterrey).
    let mx = num.lens_are(&[2, 4, 4])
        && spaced
        && matches!(num_of(d.get(..2).unwrap_or_default()), 33 | 55 | 56 | 81);
    if es || pl || it || india || br || mx {
        return Some(s);
    }
    // Ambiguous groupings and bare runs: only with a word that says so.
    let ambiguous = d.len() == 9
        && spaced
        && (num.lens_are(&[3, 3, 3]) || num.lens_are(&[2, 3, 4]))
        && (nsn_ok(34, d) == Some(true)
            || nsn_ok(351, d) == Some(true)
            || nsn_ok(48, d) == Some(true));
    let bare = num.n == 1
        && ((d.len() == 10 && nanp_ok(d))
            || (d.len() == 11 && one_nanp)
            || (trunk && (10..=11).contains(&d.len()) && trunk_ok(d, 0))
            || (d.len() == 9 && (nsn_ok(34, d) == Some(true) || nsn_ok(351, d) == Some(true)))
            || (d.len() == 10 && f == b'3')
            || (d.len() == 10 && (b'6'..=b'9').contains(&f)));
    if (ambiguous || bare) && context(&PHONE_WORDS) {
        return Some(s);
    }
    None
}
