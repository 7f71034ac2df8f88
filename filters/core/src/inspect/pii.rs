//! Built-in PII rules (emails, phone numbers, payment cards, IBANs, national
//! IDs, IP addresses) for [`super::patterns`], with their validators.
//!
//! Emails are anchored on `@` like the secret rules. Numbers have no literal
//! prefix worth anchoring on, so `scan_numeric` makes one linear pass over
//! the bytes: at the start of each digit run it collects the run and the
//! runs joined to it by single separators (` `, `-`, `.`, `/`, `(..)`), then
//! asks each validator whether that number, or a prefix of it ending at a
//! space, is one of its formats. A number is only ever started at a word
//! boundary, or after a space: the inner runs of `2024-01-15`, UUIDs,
//! versions and hashes are never candidates.
//!
//! What each kind requires (the false-positive budget):
//! - `credit_card`: 13–19 digits, either contiguous (15 or 16 digits, or
//!   any length after a word like `card`/`visa`) or grouped 4-4-4-4(-3),
//!   4-6-5 or 4-6-4 with one consistent separator; an issuer prefix (Visa,
//!   Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro); Luhn. The
//!   best-known processor test numbers and runs of one digit are treated as
//!   placeholders.
//! - `iban`: the country's exact length, then mod-97 = 1.
//! - `us_ssn`: `AAA-GG-SSSS` (or spaces), area not 000/666/900–999, group not
//!   00, serial not 0000, and not the famous invalid ones (078-05-1120,
//!   219-09-9999, 123-45-6789); nine bare digits only after `ssn`/`social
//!   security`.
//! - `ca_sin`: `NNN-NNN-NNN` (or spaces), Luhn, not starting 0 or 8.
//! - `in_aadhaar`: `NNNN NNNN NNNN`, first digit 2–9, Verhoeff.
//! - `uk_nino`: `AB123456C` with the letter rules of HMRC.
//! - `es_dni` / `es_nie`: 8 digits (or X/Y/Z + 7) and the mod-23 letter.
//! - `phone_number`: `+CC ...` with plausible national lengths; NANP
//!   `(NXX) NXX-XXXX` / `NXX-NXX-XXXX` with area and exchange rules;
//!   national trunk-prefix formats (`020 7946 0958`, `030 12345678`,
//!   `01 23 45 67 89`); Indian `98765 43210`. Bare digit runs only after a
//!   word like `phone`, `tel`, `call`, `mobile`.
//! - `ipv4` / `ipv6`: valid addresses; private, loopback, link-local,
//!   shared, documentation, multicast and reserved ranges only when
//!   `private_ips` is set.
//! - `email`: a dot-atom local part, a domain of valid labels, and a
//!   top-level domain that is a known generic one or a two-letter country
//!   code (not `js`, `py`, `md`...: file names are not addresses), or one
//!   of the reserved names of RFC 2606 / 6761 (`example`, `test`,
//!   `invalid`, `localhost`); not the user part of a URL
//!   (`https://user:pw@host`) nor `git@host:` SSH remotes.
//!
//!   Reserved top-level domains are flagged on purpose: for policy an
//!   address in a prompt at any syntactically valid domain is personal data
//!   (the local part names a person whatever the domain), real traffic never
//!   carries those domains, so flagging them costs nothing in production,
//!   and test prompts that use them should see the behaviour real addresses
//!   get. A bare `user@localhost` (one label) is still not an address.
//! - `ipv4`: not after a word that makes it a version (`firmware 10.4.2.1`,
//!   `version 9.8.0.12`, `... or later`): four dotted numbers are as often a
//!   four-part version as an address, and the word decides.

use std::net::Ipv6Addr;
use std::str::FromStr;

use super::patterns::{context_has, is_placeholder, luhn, Builtin, Ctx, Finder};
use super::Family;

/// Number of numeric kinds.
pub(crate) const NUM_KINDS: usize = 11;
/// Ids of the numeric kinds, in priority order (index = kind).
pub(crate) const NUM_IDS: [&str; NUM_KINDS] = [
    "credit_card",
    "iban",
    "us_ssn",
    "ca_sin",
    "in_aadhaar",
    "uk_nino",
    "es_dni",
    "es_nie",
    "phone_number",
    "ipv4",
    "ipv6",
];
const CARD: usize = 0;
const IBAN: usize = 1;
const SSN: usize = 2;
const SIN: usize = 3;
const AADHAAR: usize = 4;
const NINO: usize = 5;
const DNI: usize = 6;
const NIE: usize = 7;
const PHONE: usize = 8;
const IPV4: usize = 9;
const IPV6: usize = 10;

/// The anchored PII rules (the numeric ones are [`NUM_IDS`]).
pub(crate) fn rules() -> Vec<Builtin> {
    vec![Builtin {
        id: "email",
        family: Family::Pii,
        anchors: &["@"],
        case_sensitive: true,
        finder: Finder::Func(find_email),
    }]
}

// ---------------------------------------------------------------------------
// Email.

const GENERIC_TLDS: [&str; 96] = [
    "com",
    "net",
    "org",
    "edu",
    "gov",
    "mil",
    "int",
    "info",
    "biz",
    "name",
    "pro",
    "mobi",
    "app",
    "dev",
    "online",
    "site",
    "store",
    "tech",
    "xyz",
    "cloud",
    "email",
    "digital",
    "agency",
    "solutions",
    "services",
    "company",
    "group",
    "global",
    "live",
    "life",
    "world",
    "today",
    "news",
    "blog",
    "shop",
    "media",
    "network",
    "systems",
    "software",
    "studio",
    "design",
    "academy",
    "center",
    "works",
    "tools",
    "zone",
    "team",
    "space",
    "website",
    "one",
    "top",
    "club",
    "inc",
    "ltd",
    "llc",
    "gmbh",
    "health",
    "bank",
    "law",
    "legal",
    "finance",
    "capital",
    "money",
    "travel",
    "church",
    "school",
    "university",
    "college",
    "museum",
    "science",
    "art",
    "photo",
    "page",
    "link",
    "click",
    "help",
    "support",
    "mail",
    "love",
    "fun",
    "run",
    "wiki",
    "guru",
    "expert",
    "consulting",
    "partners",
    "ventures",
    "fund",
    "energy",
    "city",
    "london",
    "nyc",
    "berlin",
    "paris",
    "tokyo",
    "asia",
];
/// Two-letter endings that are file extensions far more often than ccTLDs.
const NOT_CCTLDS: [&str; 14] = [
    "js", "py", "rs", "md", "sh", "ts", "cs", "rb", "pl", "gz", "xz", "db", "so", "mk",
];

/// Reserved top-level domains (RFC 2606, RFC 6761): flagged like real ones
/// (see the module docs for why).
const RESERVED_TLDS: [&str; 4] = ["example", "test", "invalid", "localhost"];

fn tld_ok(tld: &[u8]) -> bool {
    if !tld.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let lower = tld.to_ascii_lowercase();
    let Ok(t) = std::str::from_utf8(&lower) else {
        return false;
    };
    if t.len() == 2 {
        return !NOT_CCTLDS.contains(&t);
    }
    GENERIC_TLDS.contains(&t) || RESERVED_TLDS.contains(&t)
}

fn is_local_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}
fn is_domain_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-')
}

fn find_email(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let b = ctx.bytes();
    let mut ls = a_start;
    while ls > 0 && a_start.saturating_sub(ls) < 64 && is_local_byte(ctx.before(ls)) {
        ls = ls.saturating_sub(1);
    }
    if is_local_byte(ctx.before(ls)) {
        return None;
    }
    let local = b.get(ls..a_start)?;
    if local.is_empty()
        || local.first() == Some(&b'.')
        || local.last() == Some(&b'.')
        || memchr::memmem::find(local, b"..").is_some()
    {
        return None;
    }
    // The user part of a URL (`scheme://user:pw@host`) is not an address.
    let mut w = ls;
    while w > 0 && ls.saturating_sub(w) < 256 && !ctx.before(w).is_ascii_whitespace() {
        w = w.saturating_sub(1);
    }
    if b.get(w..ls)
        .is_some_and(|pre| memchr::memmem::find(pre, b"://").is_some())
    {
        return None;
    }
    let mut de = a_end;
    while de < b.len() && de.saturating_sub(a_end) < 253 && is_domain_byte(ctx.at(de)) {
        de = de.saturating_add(1);
    }
    while de > a_end && matches!(ctx.before(de), b'.' | b'-') {
        de = de.saturating_sub(1);
    }
    let domain = b.get(a_end..de)?;
    let labels: Vec<&[u8]> = domain.split(|&c| c == b'.').collect();
    if labels.len() < 2
        || labels.iter().any(|l| {
            l.is_empty() || l.len() > 63 || l.first() == Some(&b'-') || l.last() == Some(&b'-')
        })
    {
        return None;
    }
    if !tld_ok(labels.last()?) {
        return None;
    }
    let next = ctx.at(de);
    if next == b'@' || next == b'_' || (next == b':' && local == b"git") {
        return None;
    }
    Some((ls, de))
}

// ---------------------------------------------------------------------------
// The numeric pass.

const MAX_GROUPS: usize = 12;

/// One linear pass over `ctx`'s bytes; `emit(start, end, kind)` for each
/// number found. `enabled[kind]` selects the kinds.
pub(crate) fn scan_numeric(
    ctx: &Ctx<'_>,
    enabled: &[bool; NUM_KINDS],
    emit: &mut dyn FnMut(usize, usize, usize),
) {
    let b = ctx.bytes();
    let on = |k: usize| enabled.get(k).copied().unwrap_or(false);
    let mut i = 0usize;
    while i < b.len() {
        let c = ctx.at(i);
        if c.is_ascii_digit() {
            let glen = digit_run(b, i).max(1);
            let prev = ctx.before(i);
            let next_i = i.saturating_add(glen);
            if prev.is_ascii_alphabetic() {
                if let Some((s, e, k)) = letter_prefixed(ctx, i, enabled) {
                    emit(s, e, k);
                    i = e.max(next_i);
                } else {
                    i = next_i;
                }
                continue;
            }
            if prev.is_ascii_digit() || prev == b'_' {
                i = next_i;
                continue;
            }
            // An inner run of `2024-01-15`, `1.2.3`, `a-123`, `1,299`: never
            // a start. A comma after a letter is a field separator (`Ruiz,
            // 402-30-6833` in a CSV row), so the number after it is a start.
            let before_prev = ctx.before(i.saturating_sub(1));
            if (matches!(prev, b'-' | b'.' | b'/' | b':') && before_prev.is_ascii_alphanumeric())
                || (prev == b',' && before_prev.is_ascii_digit())
            {
                i = next_i;
                continue;
            }
            if prev == b' ' && on(NINO) {
                if let Some((s, e)) = nino_at(ctx, i.saturating_sub(3), true) {
                    emit(s, e, NINO);
                    i = e;
                    continue;
                }
            }
            match numeric_span(ctx, i, enabled) {
                Some((s, e, k)) => {
                    emit(s, e, k);
                    i = e.max(next_i);
                }
                None => i = next_i,
            }
            continue;
        }
        if c == b':' && on(IPV6) {
            if let Some((s, e, ok)) = ipv6_at(ctx, i) {
                if ok {
                    emit(s, e, IPV6);
                }
                i = e.max(i.saturating_add(1));
                continue;
            }
        }
        // Skip to the next digit or colon.
        i = i.saturating_add(1);
        i = b
            .get(i..)
            .and_then(|t| t.iter().position(|&c| c.is_ascii_digit() || c == b':'))
            .map_or(b.len(), |off| i.saturating_add(off));
    }
}

fn digit_run(b: &[u8], from: usize) -> usize {
    b.get(from..)
        .map_or(0, |t| t.iter().take_while(|c| c.is_ascii_digit()).count())
}

/// Separator between two digit groups at `p` (only if a digit follows).
fn sep_len(ctx: &Ctx<'_>, p: usize) -> usize {
    let b = ctx.bytes();
    let rest = b.get(p..).unwrap_or_default();
    let len = if rest.starts_with(b") ") || rest.starts_with(b" (") || rest.starts_with(b")-") {
        2
    } else if matches!(rest.first(), Some(b' ' | b'-' | b'.' | b'/' | b')')) {
        1
    } else {
        0
    };
    if len > 0 && ctx.at(p.saturating_add(len)).is_ascii_digit() {
        len
    } else {
        0
    }
}

/// A number's digit groups and the separators between them.
#[derive(Debug, Clone, Copy)]
struct Num {
    groups: [(usize, usize); MAX_GROUPS],
    seps: [(usize, usize); MAX_GROUPS],
    n: usize,
    /// Groups in the whole run (`n` may be a prefix of it).
    span_n: usize,
}

impl Num {
    fn group(&self, k: usize) -> (usize, usize) {
        self.groups.get(k).copied().unwrap_or((0, 0))
    }
    fn glen(&self, k: usize) -> usize {
        let (s, e) = self.group(k);
        e.saturating_sub(s)
    }
    fn lens(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.n).map(|k| self.glen(k))
    }
    fn lens_are(&self, want: &[usize]) -> bool {
        self.n == want.len() && self.lens().zip(want.iter()).all(|(a, b)| a == *b)
    }
    fn sep<'a>(&self, ctx: &Ctx<'a>, k: usize) -> &'a [u8] {
        let (s, e) = self.seps.get(k).copied().unwrap_or((0, 0));
        ctx.text.as_bytes().get(s..e).unwrap_or_default()
    }
    /// All separators equal and one of `allowed`.
    fn seps_uniform(&self, ctx: &Ctx<'_>, allowed: &[&[u8]]) -> bool {
        let Some(first) = (self.n > 1).then(|| self.sep(ctx, 0)) else {
            return true;
        };
        allowed.contains(&first) && (1..self.n.saturating_sub(1)).all(|k| self.sep(ctx, k) == first)
    }
    fn start(&self) -> usize {
        self.group(0).0
    }
    fn end(&self) -> usize {
        self.group(self.n.saturating_sub(1)).1
    }
    /// The digits, concatenated (at most 24).
    fn digits(&self, ctx: &Ctx<'_>, buf: &mut [u8; 24]) -> usize {
        let mut k = 0usize;
        for g in 0..self.n {
            let (s, e) = self.group(g);
            for &c in ctx.bytes().get(s..e).unwrap_or_default() {
                if let Some(slot) = buf.get_mut(k) {
                    *slot = c;
                    k = k.saturating_add(1);
                }
            }
        }
        k
    }
    fn truncated(&self, n: usize) -> Num {
        let mut c = *self;
        c.n = n.min(self.n);
        c.span_n = self.n;
        c
    }
}

/// Collect the number starting at digit `s` and classify it, longest
/// prefix (ending at a space) first.
fn numeric_span(
    ctx: &Ctx<'_>,
    s: usize,
    enabled: &[bool; NUM_KINDS],
) -> Option<(usize, usize, usize)> {
    let b = ctx.bytes();
    let mut num = Num {
        groups: [(0, 0); MAX_GROUPS],
        seps: [(0, 0); MAX_GROUPS],
        n: 0,
        span_n: 0,
    };
    let mut p = s;
    loop {
        let gl = digit_run(b, p);
        if gl == 0 {
            break;
        }
        if gl > 19 {
            if num.n == 0 {
                return None;
            }
            // A long run glued by `-`/`.`: part of an id, not a number.
            if num.sep(ctx, num.n.saturating_sub(1)) != b" " {
                return None;
            }
            break;
        }
        let end = p.saturating_add(gl);
        if let Some(slot) = num.groups.get_mut(num.n) {
            *slot = (p, end);
        }
        num.n = num.n.saturating_add(1);
        p = end;
        if num.n >= MAX_GROUPS || p.saturating_sub(s) > 48 {
            break;
        }
        let sl = sep_len(ctx, p);
        if sl == 0 {
            break;
        }
        if let Some(slot) = num.seps.get_mut(num.n.saturating_sub(1)) {
            *slot = (p, p.saturating_add(sl));
        }
        p = p.saturating_add(sl);
    }
    if num.n == 0 {
        return None;
    }
    for last in (1..=num.n).rev() {
        if last < num.n && num.sep(ctx, last.saturating_sub(1)) != b" " {
            continue;
        }
        let cand = num.truncated(last);
        if let Some(hit) = classify(ctx, &cand, enabled) {
            return Some(hit);
        }
    }
    None
}

const PHONE_WORDS: [&str; 12] = [
    "phone", "tel", "call", "mobile", "cell", "fax", "whatsapp", "sms", "contact", "ph:", "mob",
    "text me",
];

fn classify(
    ctx: &Ctx<'_>,
    num: &Num,
    enabled: &[bool; NUM_KINDS],
) -> Option<(usize, usize, usize)> {
    let on = |k: usize| enabled.get(k).copied().unwrap_or(false);
    let (s, e) = (num.start(), num.end());
    let next = ctx.at(e);
    let mut buf = [0u8; 24];
    let nd = num.digits(ctx, &mut buf);
    let d = buf.get(..nd).unwrap_or_default();
    let prev = ctx.before(s);

    // DNI: 8 digits and a letter (the only kind that ends in a letter).
    if num.n == 1 && nd == 8 && on(DNI) {
        let (letter_at, letter) = if next == b'-' {
            (e.saturating_add(1), ctx.at(e.saturating_add(1)))
        } else {
            (e, next)
        };
        if letter.is_ascii_uppercase() && !is_word_byte(ctx.at(letter_at.saturating_add(1))) {
            return (dni_letter(d) == Some(letter)).then_some((
                s,
                letter_at.saturating_add(1),
                DNI,
            ));
        }
    }
    if is_word_byte(next) || next == b'@' {
        return None;
    }
    // `.5`, `,5` after: a decimal or a list of numbers.
    if matches!(next, b'.' | b',') && ctx.at(e.saturating_add(1)).is_ascii_digit() {
        return None;
    }
    let all_dots = num.n > 1 && num.seps_uniform(ctx, &[b"."]);

    if num.n == 4 && all_dots {
        if num.lens().all(|l| l <= 3) && on(IPV4) {
            return (ipv4_ok(ctx, s, e) && !is_version(ctx, s, e)).then_some((s, e, IPV4));
        }
        return None;
    }
    let context = |words: &[&str]| context_has(ctx, s, 40, words);

    if on(CARD) && (13..=19).contains(&nd) && card_ok(d) {
        let grouped = num.n > 1
            && num.seps_uniform(ctx, &[b" ", b"-"])
            && (num.lens().take(num.n.saturating_sub(1)).all(|l| l == 4)
                && (1..=4).contains(&num.glen(num.n.saturating_sub(1)))
                || num.lens_are(&[4, 6, 5])
                || num.lens_are(&[4, 6, 4]));
        let bare = num.n == 1
            && (nd == 15
                || nd == 16
                || context(&[
                    "card",
                    "visa",
                    "mastercard",
                    "amex",
                    "credit",
                    "debit",
                    "pan",
                ]));
        if grouped || bare {
            return Some((s, e, CARD));
        }
    }
    if on(SSN) {
        let formatted = num.lens_are(&[3, 2, 4]) && num.seps_uniform(ctx, &[b"-", b" "]);
        let bare = num.n == 1 && nd == 9 && context(&["ssn", "social security", "ss#"]);
        if (formatted || bare) && ssn_ok(d) {
            return Some((s, e, SSN));
        }
    }
    if on(SIN) {
        let formatted = num.lens_are(&[3, 3, 3]) && num.seps_uniform(ctx, &[b"-", b" "]);
        let bare = num.n == 1 && nd == 9 && context(&["sin", "social insurance", "nas"]);
        if (formatted || bare) && sin_ok(d) {
            return Some((s, e, SIN));
        }
    }
    if on(AADHAAR) {
        let formatted = num.lens_are(&[4, 4, 4]) && num.seps_uniform(ctx, &[b" ", b"-"]);
        let bare = num.n == 1 && nd == 12 && context(&["aadhaar", "aadhar", "uidai", "uid"]);
        if (formatted || bare) && aadhaar_ok(d) {
            return Some((s, e, AADHAAR));
        }
    }
    if on(PHONE) {
        if let Some(start) = phone(ctx, num, d, prev, &context) {
            return Some((start, e, PHONE));
        }
    }
    None
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

// --- Phones.

const CC2: [u16; 44] = [
    20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56,
    57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
];

fn num_of(d: &[u8]) -> u32 {
    d.iter().fold(0u32, |acc, &c| {
        acc.wrapping_mul(10)
            .wrapping_add(u32::from(c.wrapping_sub(b'0')))
    })
}

/// NANP: `NXX NXX XXXX`, area and exchange not starting 0/1 nor `N11`.
fn nanp_ok(d: &[u8]) -> bool {
    let [a0, a1, a2, e0, e1, e2, ..] = d else {
        return false;
    };
    d.len() == 10
        && (b'2'..=b'9').contains(a0)
        && !(*a1 == b'1' && *a2 == b'1')
        && (b'2'..=b'9').contains(e0)
        && !(*e1 == b'1' && *e2 == b'1')
}

fn e164_ok(d: &[u8]) -> bool {
    if !(8..=15).contains(&d.len()) {
        return false;
    }
    match d.first() {
        Some(b'1') => d.len() == 11 && nanp_ok(d.get(1..).unwrap_or_default()),
        Some(b'7') => d.len() == 11,
        Some(b'0') | None => false,
        Some(_) => {
            let cc2 = u16::try_from(num_of(d.get(..2).unwrap_or_default())).unwrap_or(0);
            if CC2.contains(&cc2) {
                let nat = d.len().saturating_sub(2);
                let nat0 = d.get(2).copied().unwrap_or(b'0');
                nat0 != b'0'
                    && match cc2 {
                        44 => (9..=10).contains(&nat),
                        33 => nat == 9,
                        91 => nat == 10,
                        49 => (6..=13).contains(&nat),
                        86 => (10..=11).contains(&nat),
                        _ => (7..=12).contains(&nat),
                    }
            } else {
                (9..=15).contains(&d.len())
            }
        }
    }
}

fn phone(
    ctx: &Ctx<'_>,
    num: &Num,
    d: &[u8],
    prev: u8,
    context: &dyn Fn(&[&str]) -> bool,
) -> Option<usize> {
    let s = num.start();
    let seps_ok = (0..num.n.saturating_sub(1)).all(|k| {
        matches!(
            num.sep(ctx, k),
            b" " | b"-" | b"." | b") " | b" (" | b")" | b")-"
        )
    });
    if !seps_ok {
        return None;
    }
    let dots = (0..num.n.saturating_sub(1)).any(|k| num.sep(ctx, k) == b".");
    // +CC ...
    if prev == b'+' {
        let before_plus = ctx.before(s.saturating_sub(1));
        if !is_word_byte(before_plus) && e164_ok(d) {
            return Some(s.saturating_sub(1));
        }
        return None;
    }
    // (NXX) NXX-XXXX
    if prev == b'(' {
        let ok = num.lens_are(&[3, 3, 4])
            && matches!(num.sep(ctx, 0), b")" | b") " | b")-")
            && matches!(num.sep(ctx, 1), b"-" | b" " | b".")
            && nanp_ok(d);
        return ok.then_some(s.saturating_sub(1));
    }
    // NXX-NXX-XXXX, 1-NXX-NXX-XXXX
    let uniform = num.seps_uniform(ctx, &[b"-", b".", b" "]);
    if uniform && num.lens_are(&[3, 3, 4]) && nanp_ok(d) {
        return Some(s);
    }
    if uniform
        && num.lens_are(&[1, 3, 3, 4])
        && d.first() == Some(&b'1')
        && nanp_ok(d.get(1..).unwrap_or_default())
    {
        return Some(s);
    }
    // 1 (NXX) NXX-XXXX
    if num.lens_are(&[1, 3, 3, 4])
        && num.sep(ctx, 0) == b" ("
        && d.first() == Some(&b'1')
        && nanp_ok(d.get(1..).unwrap_or_default())
    {
        return Some(s);
    }
    // National trunk prefix: 020 7946 0958, 030 12345678, 01 23 45 67 89.
    let trunk = d.first() == Some(&b'0') && d.get(1).is_some_and(|c| *c != b'0');
    if trunk && num.n >= 2 && (10..=12).contains(&d.len()) && num.glen(0) <= 5 {
        // Five pairs, and not a prefix of a longer list of pairs.
        let fr = num.n == 5
            && num.span_n == 5
            && num.lens().all(|l| l == 2)
            && num.seps_uniform(ctx, &[b" ", b".", b"-"]);
        // 0 + area code, then groups of 3 or more: 020 7946 0958.
        let spaced = !dots
            && num.seps_uniform(ctx, &[b" ", b"-"])
            && (3..=5).contains(&num.glen(0))
            && num.lens().skip(1).all(|l| l >= 3);
        if fr || spaced {
            return Some(s);
        }
    }
    // Indian mobile: 98765 43210.
    if num.lens_are(&[5, 5])
        && num.seps_uniform(ctx, &[b" ", b"-"])
        && d.first().is_some_and(|c| (b'6'..=b'9').contains(c))
    {
        return Some(s);
    }
    // Bare runs: only with a word that says so.
    if num.n == 1 {
        let shape = (d.len() == 10 && nanp_ok(d))
            || (d.len() == 11
                && d.first() == Some(&b'1')
                && nanp_ok(d.get(1..).unwrap_or_default()))
            || (trunk && (10..=11).contains(&d.len()));
        if shape && context(&PHONE_WORDS) {
            return Some(s);
        }
    }
    None
}

// --- Cards.

/// Issuer identification ranges by length.
fn card_ok(d: &[u8]) -> bool {
    let n = d.len();
    let p = |k: usize| num_of(d.get(..k).unwrap_or_default());
    let brand = (d.first() == Some(&b'4') && matches!(n, 13 | 16 | 19))
        || (((51..=55).contains(&p(2)) || (2221..=2720).contains(&p(4))) && n == 16)
        || (matches!(p(2), 34 | 37) && n == 15)
        || ((p(4) == 6011 || (644..=649).contains(&p(3)) || p(2) == 65) && (16..=19).contains(&n))
        || ((3528..=3589).contains(&p(4)) && (16..=19).contains(&n))
        || (((300..=305).contains(&p(3)) || matches!(p(2), 36 | 38 | 39))
            && (14..=19).contains(&n))
        || (p(2) == 62 && (16..=19).contains(&n))
        || ((p(2) == 50 || (56..=69).contains(&p(2))) && (13..=19).contains(&n));
    if !brand || !luhn(d) {
        return false;
    }
    // Runs of one digit (4111 1111 1111 1111) and published test numbers.
    let mut run = 1usize;
    for w in d.windows(2) {
        run = if w.first() == w.get(1) {
            run.saturating_add(1)
        } else {
            1
        };
        if run >= 6 {
            return false;
        }
    }
    const TEST_PANS: [&[u8]; 11] = [
        b"4242424242424242",
        b"378282246310005",
        b"371449635398431",
        b"5105105105105100",
        b"5200828282828210",
        b"4000056655665556",
        b"6011000990139424",
        b"3566002020360505",
        b"30569309025904",
        b"38520000023237",
        b"6200000000000005",
    ];
    !TEST_PANS.contains(&d)
}

// --- National ids.

fn ssn_ok(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let area = num_of(d.get(..3).unwrap_or_default());
    let group = num_of(d.get(3..5).unwrap_or_default());
    let serial = num_of(d.get(5..).unwrap_or_default());
    const FAMOUS: [&[u8]; 3] = [b"078051120", b"219099999", b"123456789"];
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0 && !FAMOUS.contains(&d)
}

fn sin_ok(d: &[u8]) -> bool {
    d.len() == 9 && !matches!(d.first(), Some(b'0' | b'8')) && luhn(d) && !is_placeholder(d)
}

/// Verhoeff check digit validation (Aadhaar).
pub(crate) fn verhoeff(d: &[u8]) -> bool {
    const MUL: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const PERM: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 8, 7, 6, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    let mut c = 0u8;
    for (i, &ch) in d.iter().rev().enumerate() {
        let Some(digit) = ch.checked_sub(b'0').filter(|x| *x <= 9) else {
            return false;
        };
        let p = PERM
            .get(i % 8)
            .and_then(|row| row.get(usize::from(digit)))
            .copied()
            .unwrap_or(0);
        c = MUL
            .get(usize::from(c))
            .and_then(|row| row.get(usize::from(p)))
            .copied()
            .unwrap_or(0);
    }
    !d.is_empty() && c == 0
}

fn aadhaar_ok(d: &[u8]) -> bool {
    d.len() == 12
        && d.first().is_some_and(|c| (b'2'..=b'9').contains(c))
        && verhoeff(d)
        && !is_placeholder(d)
}

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

fn dni_letter(d: &[u8]) -> Option<u8> {
    let n = usize::try_from(num_of(d)).ok()?;
    DNI_LETTERS.get(n % 23).copied()
}

/// Letters then digits: IBAN (`GB82WEST...`), NINO (`AB123456C`), NIE
/// (`X1234567L`). `i` is the first digit.
fn letter_prefixed(
    ctx: &Ctx<'_>,
    i: usize,
    enabled: &[bool; NUM_KINDS],
) -> Option<(usize, usize, usize)> {
    let on = |k: usize| enabled.get(k).copied().unwrap_or(false);
    let l2 = ctx.before(i);
    let l1 = ctx.before(i.saturating_sub(1));
    let two_letters = i >= 2
        && l1.is_ascii_uppercase()
        && l2.is_ascii_uppercase()
        && !is_word_byte(ctx.before(i.saturating_sub(2)));
    if two_letters && on(IBAN) {
        if let Some(e) = iban_at(ctx, i.saturating_sub(2)) {
            return Some((i.saturating_sub(2), e, IBAN));
        }
    }
    if two_letters && on(NINO) {
        if let Some((s, e)) = nino_at(ctx, i.saturating_sub(2), false) {
            return Some((s, e, NINO));
        }
    }
    let one_letter = matches!(l2, b'X' | b'Y' | b'Z') && !is_word_byte(l1);
    if one_letter && on(NIE) {
        if let Some(e) = nie_at(ctx, i.saturating_sub(1)) {
            return Some((i.saturating_sub(1), e, NIE));
        }
    }
    None
}

/// IBAN lengths by country (ISO 13616 registry).
const IBAN_LENGTHS: [(&[u8; 2], u8); 59] = [
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BR", 29),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MT", 31),
    (b"MU", 30),
    (b"NL", 18),
    (b"NO", 15),
    (b"PK", 24),
    (b"PL", 28),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"SA", 24),
    (b"SE", 24),
];
const IBAN_LENGTHS_MORE: [(&[u8; 2], u8); 8] = [
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VG", 24),
    (b"XK", 20),
];

fn iban_len(cc: &[u8]) -> Option<usize> {
    IBAN_LENGTHS
        .iter()
        .chain(IBAN_LENGTHS_MORE.iter())
        .find(|(c, _)| c.as_slice() == cc)
        .map(|(_, l)| usize::from(*l))
}

/// An IBAN from `s` (the country code): its end, if length and mod-97 hold.
fn iban_at(ctx: &Ctx<'_>, s: usize) -> Option<usize> {
    let b = ctx.bytes();
    let want = iban_len(b.get(s..s.checked_add(2)?)?)?;
    let mut chars = [0u8; 34];
    let mut n = 0usize;
    let mut p = s;
    while n < want {
        let c = ctx.at(p);
        if c.is_ascii_uppercase() || c.is_ascii_digit() {
            *chars.get_mut(n)? = c;
            n = n.saturating_add(1);
            p = p.saturating_add(1);
        } else if c == b' ' && n.is_multiple_of(4) && n > 0 {
            p = p.saturating_add(1);
        } else {
            return None;
        }
    }
    if is_word_byte(ctx.at(p)) {
        return None;
    }
    let iban = chars.get(..n)?;
    iban_mod97(iban).then_some(p)
}

/// ISO 7064 mod 97-10 over the rearranged IBAN.
pub(crate) fn iban_mod97(iban: &[u8]) -> bool {
    if iban.len() < 5 {
        return false;
    }
    let (head, tail) = iban.split_at(4);
    let mut rem = 0u32;
    for &c in tail.iter().chain(head.iter()) {
        let v = match c {
            b'0'..=b'9' => u32::from(c.wrapping_sub(b'0')),
            b'A'..=b'Z' => u32::from(c.wrapping_sub(b'A')).wrapping_add(10),
            _ => return false,
        };
        rem = if v >= 10 {
            rem.wrapping_mul(100).wrapping_add(v) % 97
        } else {
            rem.wrapping_mul(10).wrapping_add(v) % 97
        };
    }
    rem == 1
}

/// UK National Insurance number at `s`: `AB123456C`, or `AB 12 34 56 C`
/// when `spaced`.
fn nino_at(ctx: &Ctx<'_>, s: usize, spaced: bool) -> Option<(usize, usize)> {
    let (a, b) = (ctx.at(s), ctx.at(s.saturating_add(1)));
    if !a.is_ascii_uppercase() || !b.is_ascii_uppercase() || is_word_byte(ctx.before(s)) {
        return None;
    }
    if matches!(a, b'D' | b'F' | b'I' | b'Q' | b'U' | b'V')
        || matches!(b, b'D' | b'F' | b'I' | b'O' | b'Q' | b'U' | b'V')
    {
        return None;
    }
    if matches!(
        [a, b],
        [b'B', b'G']
            | [b'G', b'B']
            | [b'K', b'N']
            | [b'N', b'K']
            | [b'N', b'T']
            | [b'T', b'N']
            | [b'Z', b'Z']
    ) {
        return None;
    }
    let mut p = s.saturating_add(2);
    let mut digits = 0usize;
    let mut pattern_ok = true;
    while digits < 6 {
        if spaced && digits.is_multiple_of(2) {
            if ctx.at(p) != b' ' {
                pattern_ok = false;
                break;
            }
            p = p.saturating_add(1);
        }
        if !ctx.at(p).is_ascii_digit() {
            pattern_ok = false;
            break;
        }
        digits = digits.saturating_add(1);
        p = p.saturating_add(1);
    }
    if !pattern_ok {
        return None;
    }
    if spaced {
        if ctx.at(p) != b' ' {
            return None;
        }
        p = p.saturating_add(1);
    }
    let suffix = ctx.at(p);
    if !matches!(suffix, b'A'..=b'D') || is_word_byte(ctx.at(p.saturating_add(1))) {
        return None;
    }
    Some((s, p.saturating_add(1)))
}

/// Spanish NIE at `s` (the X/Y/Z): its end, if the letter checks.
fn nie_at(ctx: &Ctx<'_>, s: usize) -> Option<usize> {
    let lead = match ctx.at(s) {
        b'X' => b'0',
        b'Y' => b'1',
        b'Z' => b'2',
        _ => return None,
    };
    let mut p = s.saturating_add(1);
    if ctx.at(p) == b'-' {
        p = p.saturating_add(1);
    }
    let n = digit_run(ctx.bytes(), p);
    if n != 7 {
        return None;
    }
    let mut d = [lead; 8];
    for (slot, c) in d
        .iter_mut()
        .skip(1)
        .zip(ctx.bytes().get(p..p.checked_add(7)?)?)
    {
        *slot = *c;
    }
    p = p.saturating_add(7);
    if ctx.at(p) == b'-' {
        p = p.saturating_add(1);
    }
    let letter = ctx.at(p);
    if is_word_byte(ctx.at(p.saturating_add(1))) {
        return None;
    }
    (dni_letter(&d) == Some(letter)).then_some(p.saturating_add(1))
}

// --- IP addresses.

fn ipv4_ok(ctx: &Ctx<'_>, s: usize, e: usize) -> bool {
    let Some(text) = ctx.text.get(s..e) else {
        return false;
    };
    let Ok(ip) = std::net::Ipv4Addr::from_str(text) else {
        return false;
    };
    // `v1.2.3.4`-style versions are excluded by the caller's boundary rules.
    ctx.private_ips || ipv4_public(ip)
}

/// Words before (within 48 bytes) or after (within 16) four dotted numbers
/// that make them a software or firmware version, not an address.
fn is_version(ctx: &Ctx<'_>, s: usize, e: usize) -> bool {
    const BEFORE: [&str; 7] = [
        "version",
        "firmware",
        "release",
        "upgrade to",
        "update to",
        "downgrade to",
        "ver.",
    ];
    const AFTER: [&[u8]; 5] = [
        b" or later",
        b" or newer",
        b" or higher",
        b" or above",
        b" or earlier",
    ];
    if context_has(ctx, s, 48, &BEFORE) {
        return true;
    }
    let b = ctx.bytes();
    let after = b
        .get(e..e.saturating_add(16).min(b.len()))
        .unwrap_or_default();
    AFTER.iter().any(|w| after.starts_with(w))
}

fn ipv4_public(ip: std::net::Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_unspecified()
        || a == 0
        || a >= 240
        || (a == 100 && (64..=127).contains(&b))
        || (a == 192 && b == 0 && c == 2)
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || (a == 198 && (18..=19).contains(&b)))
}

fn ipv6_public(ip: Ipv6Addr) -> bool {
    let seg = ip.segments();
    let first = seg.first().copied().unwrap_or(0);
    let second = seg.get(1).copied().unwrap_or(0);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return ipv4_public(v4);
    }
    (first & 0xe000) == 0x2000 && !(first == 0x2001 && second == 0x0db8)
}

fn is_v6_byte(c: u8) -> bool {
    c.is_ascii_hexdigit() || c == b':'
}

/// An IPv6 candidate around the colon at `i`: (start, end, report it).
fn ipv6_at(ctx: &Ctx<'_>, i: usize) -> Option<(usize, usize, bool)> {
    let b = ctx.bytes();
    let mut s = i;
    while s > 0 && i.saturating_sub(s) < 39 && is_v6_byte(ctx.before(s)) {
        s = s.saturating_sub(1);
    }
    let mut e = i;
    while e < b.len() && e.saturating_sub(s) < 45 && (is_v6_byte(ctx.at(e)) || ctx.at(e) == b'.') {
        e = e.saturating_add(1);
    }
    while e > i && matches!(ctx.before(e), b'.') {
        e = e.saturating_sub(1);
    }
    let cand = b.get(s..e)?;
    let colons = cand.iter().filter(|&&c| c == b':').count();
    if colons < 2 || is_word_byte(ctx.before(s)) || is_word_byte(ctx.at(e)) {
        return Some((s, e, false));
    }
    if !cand.iter().any(u8::is_ascii_digit) {
        return Some((s, e, false));
    }
    let Some(ip) = ctx.text.get(s..e).and_then(|t| Ipv6Addr::from_str(t).ok()) else {
        return Some((s, e, false));
    };
    Some((s, e, ctx.private_ips || ipv6_public(ip)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verhoeff_and_mod97_and_dni() {
        assert!(verhoeff(b"2363"));
        assert!(!verhoeff(b"2364"));
        assert!(iban_mod97(b"GB82WEST12345698765432"));
        assert!(!iban_mod97(b"GB83WEST12345698765432"));
        assert_eq!(dni_letter(b"12345678"), Some(b'Z'));
    }
}
