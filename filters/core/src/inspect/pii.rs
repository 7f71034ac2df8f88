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
//! What each kind requires (the false-positive budget). "Cue" means a
//! context word within 48 bytes before the number, matched as a whole word
//! (`pan` in `company` is no cue); a number that a cue names as an
//! identifier and that fails that identifier's check digits is not then
//! reported as a phone number either.
//! - `credit_card`: 13–19 digits, either contiguous (15 or 16 digits, or
//!   any length after a word like `card`/`visa`) or grouped 4-4-4-4(-3),
//!   4-6-5 or 4-6-4 with one consistent separator; an issuer prefix (Visa,
//!   Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro); Luhn. The
//!   best-known processor test numbers and runs of one digit are treated as
//!   placeholders. A number grouped like a card that fails is skipped
//!   whole: its groups are never read again as an Aadhaar or a phone.
//! - `iban`: the country's exact length, then mod-97 = 1; an IBAN-shaped
//!   run with a wrong checksum is skipped whole the same way.
//! - `us_ssn`: `AAA-GG-SSSS` (or spaces), area not 000/666/900–999, group not
//!   00, serial not 0000, and not the famous invalid ones (078-05-1120,
//!   219-09-9999, 123-45-6789); nine bare digits only with a cue (`ssn`,
//!   `social security`).
//! - `us_itin`: `9XX-GG-SSSS` with the group in the IRS ranges (50–65,
//!   70–88, 90–92, 94–99); bare with the cue `itin`.
//! - `ca_sin`: `NNN-NNN-NNN` (or spaces), Luhn, not starting 0 or 8; bare
//!   with a cue.
//! - `in_aadhaar`: `NNNN NNNN NNNN`, first digit 2–9, Verhoeff; bare with a
//!   cue.
//! - `in_pan`: `AAAPA9999A` with a valid holder-type letter, **with a cue**
//!   (`PAN`, `income tax`): no check digit is published, and ten-character
//!   codes are common.
//! - `uk_nino`: `AB123456C` with the letter rules of HMRC.
//! - `uk_nhs`: 10 digits (`NNN NNN NNNN` or bare), mod 11, **with a cue**
//!   (`NHS`): the spaced form is also a NANP phone layout.
//! - `es_dni` / `es_nie`: 8 digits (or X/Y/Z + 7) and the mod-23 letter.
//! - `es_cif`: entity letter + 7 digits + control (digit or letter as the
//!   type requires), **with a cue** (`CIF`, `NIF`, `IVA`): nine-character
//!   codes of that shape are common part numbers.
//! - `es_nss`: `PP/NNNNNNNN/CC` (slashes, spaces or dashes), mod 97, province
//!   01–53; 12 bare digits with a cue.
//! - `fr_nir`: 15 characters, contiguous or `1 84 12 76 451 089 46`; sex,
//!   month and the key 97 − n mod 97 (Corsica `2A`/`2B` as 19/18). The key
//!   and the structure are strong enough alone.
//! - `de_steuer_id`: 11 digits (bare or `12 345 678 901`), the digit
//!   repetition rule and ISO 7064 MOD 11,10, **with a cue**: eleven digits
//!   grouped 2-3-3-3 are also amounts in the European thousands style.
//! - `it_codice_fiscale`: 16 characters with the month letter, the day
//!   ranges, omocodia letters and the check letter; uppercase only.
//! - `nl_bsn`: 9 digits (bare, `1234.56.789`, `123 456 789`), 11-test,
//!   **with a cue** (`BSN`, `burgerservicenummer`).
//! - `pl_pesel`: 11 digits, a valid date and the weighted check digit, **with
//!   a cue** (`PESEL`).
//! - `pt_nif`: 9 digits, holder-type first digit, mod 11, **with a cue**
//!   (`NIF`, `contribuinte`).
//! - `br_cpf`: `NNN.NNN.NNN-NN` alone, 11 bare digits with the cue `CPF`;
//!   two mod-11 digits; runs of one digit rejected.
//! - `br_cnpj`: `NN.NNN.NNN/NNNN-NN` alone, 14 bare digits with the cue
//!   `CNPJ`; two mod-11 digits.
//! - `phone_number`: see [`phone`]: international numbers against a table of
//!   country lengths and leading digits, national ones with their trunk
//!   prefix and area code, a few distinctive national groupings; ambiguous
//!   groupings and bare runs only with a phone word (in the table's
//!   languages); placeholder digits and numbers right after `order`,
//!   `invoice`, `part no`... are not phones.
//! - `ipv4` / `ipv6`: valid addresses; private, loopback, link-local,
//!   shared, documentation, multicast and reserved ranges only when
//!   `private_ips` is set.
//! - `email`: a dot-atom local part, a domain of valid labels, and a
//!   top-level domain that is a known generic one or a two-letter country
//!   code (not `js`, `py`, `md`...: file names are not addresses); not the
//!   user part of a URL (`https://user:pw@host`) nor `git@host:` SSH
//!   remotes. Not reported, so that the rule can redact by default:
//!   - documentation domains (RFC 2606 / 6761): `example.com`, `.org`,
//!     `.net` and their subdomains, and the `.example`, `.test`,
//!     `.invalid`, `.localhost` top-level domains. (Until 2026-12 these
//!     were flagged; the policy changed with the issue that made the
//!     detectors redact by default: documentation addresses are the most
//!     common false positive in prompts about code.)
//!   - role and automated mailboxes (`info@`, `support@`, `sales@`,
//!     `noreply@`, `no-reply@`, `donotreply@`, `postmaster@`, `abuse@`,
//!     `admin@`, `webmaster@`, `security@`... with or without a `+tag`):
//!     they name a function, not a person.
//! - `ipv4`: not after a word that makes it a version (`firmware 10.4.2.1`,
//!   `version 9.8.0.12`, `... or later`): four dotted numbers are as often a
//!   four-part version as an address, and the word decides.

use std::net::Ipv6Addr;
use std::str::FromStr;

use super::patterns::{
    context_has, context_word, is_placeholder, luhn, Builtin, Ctx, Finder, Severity,
};
use super::Family;

mod national;
mod phone;

/// Number of numeric kinds.
pub(crate) const NUM_KINDS: usize = 24;
/// Ids of the numeric kinds, in priority order (index = kind).
pub(crate) const NUM_IDS: [&str; NUM_KINDS] = [
    "credit_card",
    "iban",
    "us_ssn",
    "us_itin",
    "ca_sin",
    "in_aadhaar",
    "in_pan",
    "uk_nino",
    "uk_nhs",
    "es_dni",
    "es_nie",
    "es_cif",
    "es_nss",
    "fr_nir",
    "de_steuer_id",
    "it_codice_fiscale",
    "nl_bsn",
    "pl_pesel",
    "pt_nif",
    "br_cpf",
    "br_cnpj",
    "phone_number",
    "ipv4",
    "ipv6",
];
const CARD: usize = 0;
const IBAN: usize = 1;
const SSN: usize = 2;
const ITIN: usize = 3;
const SIN: usize = 4;
const AADHAAR: usize = 5;
const PAN: usize = 6;
const NINO: usize = 7;
const NHS: usize = 8;
const DNI: usize = 9;
const NIE: usize = 10;
const CIF: usize = 11;
const NSS: usize = 12;
const NIR: usize = 13;
const STEUER: usize = 14;
const CF: usize = 15;
const BSN: usize = 16;
const PESEL: usize = 17;
const PT_NIF: usize = 18;
const CPF: usize = 19;
const CNPJ: usize = 20;
const PHONE: usize = 21;
const IPV4: usize = 22;
const IPV6: usize = 23;
/// Not a kind: a number shaped like a card or an IBAN whose checksum
/// fails. Its span is skipped whole, so no other kind reads its parts.
const SKIP: usize = usize::MAX;

/// The severity of a PII rule id, `None` for an id that is not one:
/// contact data (email, phone, IP address) medium; payment data and
/// national identifiers high.
pub(crate) fn severity(id: &str) -> Option<Severity> {
    match id {
        "email" | "phone_number" | "ipv4" | "ipv6" => Some(Severity::Medium),
        _ if NUM_IDS.contains(&id) => Some(Severity::High),
        _ => None,
    }
}

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

/// Role and automated mailboxes: they name a function, not a person.
const ROLE_MAILBOXES: [&[u8]; 40] = [
    b"info",
    b"support",
    b"sales",
    b"noreply",
    b"no-reply",
    b"no_reply",
    b"donotreply",
    b"do-not-reply",
    b"do_not_reply",
    b"postmaster",
    b"abuse",
    b"admin",
    b"administrator",
    b"webmaster",
    b"hostmaster",
    b"mailer-daemon",
    b"contact",
    b"hello",
    b"help",
    b"helpdesk",
    b"billing",
    b"accounts",
    b"security",
    b"privacy",
    b"press",
    b"marketing",
    b"newsletter",
    b"notifications",
    b"notification",
    b"alerts",
    b"jobs",
    b"careers",
    b"office",
    b"team",
    b"service",
    b"feedback",
    b"enquiries",
    b"inquiries",
    b"bounce",
    b"bounces",
];

/// The domains of RFC 2606 / RFC 6761 (`example.com`, `.org`, `.net` and
/// their subdomains; the `.example`, `.test`, `.invalid`, `.localhost`
/// top-level domains): documentation, never a person's mailbox.
fn documentation_domain(labels: &[&[u8]]) -> bool {
    let lower = |l: &[u8]| l.to_ascii_lowercase();
    let Some(tld) = labels.last().map(|l| lower(l)) else {
        return false;
    };
    if RESERVED_TLDS.iter().any(|t| t.as_bytes() == tld.as_slice()) {
        return true;
    }
    let n = labels.len();
    let sld = n
        .checked_sub(2)
        .and_then(|i| labels.get(i))
        .map(|l| lower(l))
        .unwrap_or_default();
    sld == b"example" && matches!(tld.as_slice(), b"com" | b"org" | b"net")
}

/// A role mailbox: the local part (before any `+tag`) is one of
/// [`ROLE_MAILBOXES`].
fn role_mailbox(local: &[u8]) -> bool {
    let base = local.split(|&c| c == b'+').next().unwrap_or_default();
    let lower = base.to_ascii_lowercase();
    ROLE_MAILBOXES.contains(&lower.as_slice())
}

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
    if !tld_ok(labels.last()?) || documentation_domain(&labels) || role_mailbox(local) {
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

/// The ASCII digits and colons of eight bytes (see [`super::swar`]).
pub(crate) fn digit_or_colon(x: u64) -> u64 {
    let (x, is_ascii) = super::swar::ascii(x);
    (super::swar::in_range(x, b'0', b'9') | super::swar::equal(x, b':')) & is_ascii
}

/// One linear pass over `ctx`'s bytes from `from` (0 for the whole
/// text); `emit(start, end, kind)` for each number found. `enabled[kind]`
/// selects the kinds.
///
/// The pass moves from position to position: from a digit (or a colon) by
/// a *step* over the number read there (its digit run, or the span found,
/// which may begin before it: letters before digits, an IPv6 address's
/// first groups), from any other byte to the next digit or colon. No step
/// covers a lowercase ASCII letter `g`..=`z` ([`is_step_free`]): numbers
/// are digits and separators, their letters uppercase (IBAN, NINO, NIE,
/// DNI, codice fiscale, PAN, CIF, a NIR's `2A`/`2B`), an IPv6 address's
/// hex digits (`a`..=`f`). So a pass started at such a letter visits
/// every position after it that a pass from 0 visits, and finds the same
/// numbers there ([`super::patterns::Patterns::scan_window`] resumes a
/// stream window's pass that way).
pub(crate) fn scan_numeric(
    ctx: &Ctx<'_>,
    enabled: &[bool; NUM_KINDS],
    from: usize,
    emit: &mut dyn FnMut(usize, usize, usize),
) {
    let b = ctx.bytes();
    let on = |k: usize| enabled.get(k).copied().unwrap_or(false);
    let mut i = from;
    while i < b.len() {
        let c = ctx.at(i);
        if c.is_ascii_digit() {
            let glen = digit_run(b, i).max(1);
            let prev = ctx.before(i);
            let next_i = i.saturating_add(glen);
            if prev.is_ascii_alphabetic() {
                if let Some((s, e, k)) = letter_prefixed(ctx, i, enabled) {
                    if k != SKIP {
                        emit(s, e, k);
                    }
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
            if on(NIR) && matches!(c, b'1' | b'2' | b'7' | b'8') {
                if let Some(e) = nir_at(ctx, i) {
                    emit(i, e, NIR);
                    i = e;
                    continue;
                }
            }
            match numeric_span(ctx, i, enabled) {
                Some((s, e, k)) => {
                    if k != SKIP {
                        emit(s, e, k);
                    }
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
        i = super::find_byte(b, i.saturating_add(1), digit_or_colon, |c| {
            c.is_ascii_digit() || c == b':'
        })
        .unwrap_or(b.len());
    }
}

/// A byte no step of [`scan_numeric`] covers: a pass may start there.
pub(crate) fn is_step_free(c: u8) -> bool {
    matches!(c, b'g'..=b'z')
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
    let whole = num.truncated(num.n);
    if card_shaped(ctx, &whole) {
        // Grouped like a card: a card or nothing (a Luhn-invalid card's
        // groups are not read as an Aadhaar or a phone number).
        return classify(ctx, &whole, enabled).or(Some((whole.start(), whole.end(), SKIP)));
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

/// `4-4-4-4(-3)`, `4-6-5`, `4-6-4` digit groups with one separator, 13 to
/// 19 digits: only a card is written like that.
fn card_shaped(ctx: &Ctx<'_>, num: &Num) -> bool {
    let mut buf = [0u8; 24];
    let nd = num.digits(ctx, &mut buf);
    num.n > 1
        && (13..=19).contains(&nd)
        && num.seps_uniform(ctx, &[b" ", b"-"])
        && ((num.n >= 4
            && num.lens().take(num.n.saturating_sub(1)).all(|l| l == 4)
            && (1..=4).contains(&num.glen(num.n.saturating_sub(1))))
            || num.lens_are(&[4, 6, 5])
            || num.lens_are(&[4, 6, 4]))
}

/// Context words of the kinds that need one, within [`CONTEXT_SPAN`] bytes
/// before the number, matched as whole words.
const SSN_WORDS: [&str; 4] = ["ssn", "social security", "ss#", "ssn#"];
const ITIN_WORDS: [&str; 3] = ["itin", "taxpayer", "tin"];
const SIN_WORDS: [&str; 4] = ["sin", "social insurance", "nas", "assurance sociale"];
const AADHAAR_WORDS: [&str; 4] = ["aadhaar", "aadhar", "uidai", "uid"];
const NHS_WORDS: [&str; 3] = ["nhs", "nhs no", "nhs_no"];
const NSS_WORDS: [&str; 6] = [
    "nss",
    "naf",
    "seguridad social",
    "afiliación",
    "afiliacion",
    "s.s.",
];
const STEUER_WORDS: [&str; 8] = [
    "steuer-id",
    "steuerid",
    "steuer id",
    "idnr",
    "identifikationsnummer",
    "steueridentifikationsnummer",
    "tax id",
    "tin",
];
const BSN_WORDS: [&str; 4] = ["bsn", "burgerservicenummer", "sofinummer", "sofi"];
const PESEL_WORDS: [&str; 1] = ["pesel"];
const PT_NIF_WORDS: [&str; 5] = ["nif", "contribuinte", "nipc", "fiscal", "nif:"];
const CPF_WORDS: [&str; 1] = ["cpf"];
const CNPJ_WORDS: [&str; 1] = ["cnpj"];
/// How far back context words are looked for.
const CONTEXT_SPAN: usize = 48;

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
    // Whether a cue word of an identifier was seen: a number so named that
    // fails its check digits is not then reported as a phone number.
    let cued = std::cell::Cell::new(false);
    let cue = |words: &[&str]| {
        let found = context_word(ctx, s, CONTEXT_SPAN, words);
        if found {
            cued.set(true);
        }
        found
    };
    // A national identifier is the whole number, never a prefix of a longer
    // run of groups.
    let whole = num.n == num.span_n;
    let bare = num.n == 1;
    let sep = |k: usize| num.sep(ctx, k);

    if on(CARD) && (13..=19).contains(&nd) && card_ok(d) {
        let grouped = card_shaped(ctx, num);
        let bare_card = bare
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
        if grouped || bare_card {
            return Some((s, e, CARD));
        }
    }
    if card_shaped(ctx, num) {
        return None;
    }
    // Brazil: CPF `123.456.789-09`, CNPJ `12.345.678/0001-95`; bare with
    // the word.
    if on(CPF) && whole && nd == 11 {
        let formatted =
            num.lens_are(&[3, 3, 3, 2]) && sep(0) == b"." && sep(1) == b"." && sep(2) == b"-";
        if (formatted || (bare && cue(&CPF_WORDS))) && national::br_cpf_ok(d) {
            return Some((s, e, CPF));
        }
    }
    if on(CNPJ) && whole && nd == 14 {
        let formatted = num.lens_are(&[2, 3, 3, 4, 2])
            && sep(0) == b"."
            && sep(1) == b"."
            && sep(2) == b"/"
            && sep(3) == b"-";
        if (formatted || (bare && cue(&CNPJ_WORDS))) && national::br_cnpj_ok(d) {
            return Some((s, e, CNPJ));
        }
    }
    // Nine digits: SSN and ITIN (`AAA-GG-SSSS`), SIN (`NNN NNN NNN`),
    // BSN and NIF (with their word).
    if whole && nd == 9 {
        let ssn_shape = num.lens_are(&[3, 2, 4]) && num.seps_uniform(ctx, &[b"-", b" "]);
        let sin_shape = num.lens_are(&[3, 3, 3]) && num.seps_uniform(ctx, &[b"-", b" "]);
        let bsn_shape = bare
            || (num.lens_are(&[4, 2, 3]) && num.seps_uniform(ctx, &[b"."]))
            || (sin_shape || (num.lens_are(&[3, 3, 3]) && num.seps_uniform(ctx, &[b"."])));
        if on(BSN) && bsn_shape && cue(&BSN_WORDS) && national::nl_bsn_ok(d) {
            return Some((s, e, BSN));
        }
        if on(PT_NIF) && (bare || sin_shape) && cue(&PT_NIF_WORDS) && national::pt_nif_ok(d) {
            return Some((s, e, PT_NIF));
        }
        if on(ITIN) && (ssn_shape || (bare && cue(&ITIN_WORDS))) && national::us_itin_ok(d) {
            return Some((s, e, ITIN));
        }
        if on(SSN) && (ssn_shape || (bare && cue(&SSN_WORDS))) && ssn_ok(d) {
            return Some((s, e, SSN));
        }
        if on(SIN) && (sin_shape || (bare && cue(&SIN_WORDS))) && sin_ok(d) {
            return Some((s, e, SIN));
        }
    }
    // Ten digits: NHS number (`NNN NNN NNNN`, with its word).
    if on(NHS) && whole && nd == 10 {
        let shape = bare || (num.lens_are(&[3, 3, 4]) && num.seps_uniform(ctx, &[b" ", b"-"]));
        if shape && cue(&NHS_WORDS) && national::uk_nhs_ok(d) {
            return Some((s, e, NHS));
        }
    }
    // Eleven digits: PESEL and Steuer-ID, with their words.
    if whole && nd == 11 {
        if on(PESEL) && bare && cue(&PESEL_WORDS) && national::pl_pesel_ok(d) {
            return Some((s, e, PESEL));
        }
        let steuer_shape =
            bare || (num.lens_are(&[2, 3, 3, 3]) && num.seps_uniform(ctx, &[b" ", b"/", b"."]));
        if on(STEUER) && steuer_shape && cue(&STEUER_WORDS) && national::de_steuer_id_ok(d) {
            return Some((s, e, STEUER));
        }
    }
    // Twelve digits: Aadhaar (`NNNN NNNN NNNN`), Spanish NSS
    // (`28/12345678/40`; bare with its word).
    if whole && nd == 12 {
        if on(NSS) {
            let formatted = num.lens_are(&[2, 8, 2]) && num.seps_uniform(ctx, &[b"/", b" ", b"-"]);
            if (formatted || (bare && cue(&NSS_WORDS))) && national::es_nss_ok(d) {
                return Some((s, e, NSS));
            }
        }
        if on(AADHAAR) {
            let formatted = num.lens_are(&[4, 4, 4]) && num.seps_uniform(ctx, &[b" ", b"-"]);
            if (formatted || (bare && cue(&AADHAAR_WORDS))) && aadhaar_ok(d) {
                return Some((s, e, AADHAAR));
            }
        }
    }
    if on(PHONE) && (!cued.get() || context(&phone::PHONE_WORDS)) {
        if let Some(start) = phone::phone(ctx, num, d, prev, &context) {
            return Some((start, e, PHONE));
        }
    }
    None
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn num_of(d: &[u8]) -> u32 {
    d.iter().fold(0u32, |acc, &c| {
        acc.wrapping_mul(10)
            .wrapping_add(u32::from(c.wrapping_sub(b'0')))
    })
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

const CIF_WORDS: [&str; 6] = ["cif", "nif", "c.i.f", "n.i.f", "vat", "iva"];
const PAN_WORDS: [&str; 4] = ["pan", "permanent account", "income tax", "pan card"];

/// Letters then digits: IBAN (`GB82WEST...`), NINO (`AB123456C`), NIE
/// (`X1234567L`), CIF (`B12345674`), PAN (`ABCPD1234E`), codice fiscale
/// (`RSSMRA85T10A562S`). `i` is the first digit. An IBAN-shaped run with a
/// wrong checksum is returned as [`SKIP`].
fn letter_prefixed(
    ctx: &Ctx<'_>,
    i: usize,
    enabled: &[bool; NUM_KINDS],
) -> Option<(usize, usize, usize)> {
    let on = |k: usize| enabled.get(k).copied().unwrap_or(false);
    let b = ctx.bytes();
    let l2 = ctx.before(i);
    let l1 = ctx.before(i.saturating_sub(1));
    let two_letters = i >= 2
        && l1.is_ascii_uppercase()
        && l2.is_ascii_uppercase()
        && !is_word_byte(ctx.before(i.saturating_sub(2)));
    if two_letters && on(IBAN) {
        if let Some((e, valid)) = iban_at(ctx, i.saturating_sub(2)) {
            return Some((i.saturating_sub(2), e, if valid { IBAN } else { SKIP }));
        }
    }
    if two_letters && on(NINO) {
        if let Some((s, e)) = nino_at(ctx, i.saturating_sub(2), false) {
            return Some((s, e, NINO));
        }
    }
    let one_letter = l2.is_ascii_uppercase() && !is_word_byte(l1);
    if one_letter && matches!(l2, b'X' | b'Y' | b'Z') && on(NIE) {
        if let Some(e) = nie_at(ctx, i.saturating_sub(1)) {
            return Some((i.saturating_sub(1), e, NIE));
        }
    }
    // The uppercase letters right before the digits.
    let mut ls = i;
    while ls > 0 && i.saturating_sub(ls) < 16 && ctx.before(ls).is_ascii_uppercase() {
        ls = ls.saturating_sub(1);
    }
    if is_word_byte(ctx.before(ls)) {
        return None;
    }
    let letters = i.saturating_sub(ls);
    let word_end = |from: usize, n: usize| -> Option<usize> {
        let e = from.checked_add(n)?;
        (!is_word_byte(ctx.at(e))).then_some(e)
    };
    if letters == 1 && on(CIF) {
        if let Some(e) = word_end(ls, 9) {
            let cand = b.get(ls..e)?;
            if national::es_cif_ok(cand) && context_word(ctx, ls, CONTEXT_SPAN, &CIF_WORDS) {
                return Some((ls, e, CIF));
            }
        }
    }
    if letters == 5 && on(PAN) {
        if let Some(e) = word_end(ls, 10) {
            let cand = b.get(ls..e)?;
            if national::in_pan_ok(cand)
                && !is_placeholder(cand)
                && context_word(ctx, ls, CONTEXT_SPAN, &PAN_WORDS)
            {
                return Some((ls, e, PAN));
            }
        }
    }
    if letters >= 6 && on(CF) {
        if let Some(e) = word_end(ls, 16) {
            let cand = b.get(ls..e)?;
            if national::it_cf_ok(cand) && !is_placeholder(cand) {
                return Some((ls, e, CF));
            }
        }
    }
    None
}

/// France, NIR at `s` (a digit 1, 2, 7 or 8): 15 characters, contiguous or
/// grouped `1 84 12 76 451 089 46` (single spaces, dots or dashes at the
/// usual places), the department possibly `2A`/`2B`. Its end, if
/// [`national::fr_nir_ok`].
fn nir_at(ctx: &Ctx<'_>, s: usize) -> Option<usize> {
    // Group boundaries of the spaced form: after 1, 3, 5, 7, 10, 13.
    const BREAKS: [usize; 6] = [1, 3, 5, 7, 10, 13];
    let mut chars = [0u8; 15];
    let mut n = 0usize;
    let mut p = s;
    let mut sep: Option<u8> = None;
    while n < 15 {
        let c = ctx.at(p);
        let corsican = (n == 5 && c == b'2') || (n == 6 && matches!(c, b'A' | b'B'));
        if c.is_ascii_digit() || corsican {
            *chars.get_mut(n)? = c;
            n = n.saturating_add(1);
            p = p.saturating_add(1);
            continue;
        }
        if matches!(c, b' ' | b'.' | b'-') && BREAKS.contains(&n) && sep.is_none_or(|x| x == c) {
            if sep.is_none() && n != 1 {
                return None;
            }
            sep = Some(c);
            p = p.saturating_add(1);
            continue;
        }
        return None;
    }
    if is_word_byte(ctx.at(p)) {
        return None;
    }
    // Spaced: every break present.
    if sep.is_some() {
        let text = ctx.bytes().get(s..p)?;
        let seps = text.iter().filter(|c| !c.is_ascii_alphanumeric()).count();
        if seps != BREAKS.len() {
            return None;
        }
    }
    national::fr_nir_ok(&chars).then_some(p)
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

/// An IBAN-shaped run from `s` (the country code: its length, groups of
/// four): its end, and whether mod-97 holds.
fn iban_at(ctx: &Ctx<'_>, s: usize) -> Option<(usize, bool)> {
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
    Some((p, iban_mod97(iban)))
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
    // 2000::/3 only (not ULA fc00::/7, link-local, loopback), and not the
    // documentation prefixes 2001:db8::/32 and 3fff::/20 (RFC 9637).
    (first & 0xe000) == 0x2000
        && !(first == 0x2001 && second == 0x0db8)
        && !(first == 0x3fff && second < 0x1000)
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
