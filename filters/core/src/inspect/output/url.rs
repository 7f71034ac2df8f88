//! URLs as browsers read them: entities, WHATWG cleaning, schemes, hosts (IPv4 forms, punycode), allow-list entries.
//!
//! Written here rather than with the `url` crate: only the host and scheme
//! are needed, and `url` brings IDNA tables (hundreds of KiB of wasm) for
//! what `punycode` does in a hundred lines.

#[allow(unused_imports)]
use super::*;

// ---- URL helpers ---------------------------------------------------------------

/// Decode what the renderer decodes in context `ctx`.
pub(super) fn decode(raw: &str, ctx: Ctx) -> Cow<'_, str> {
    let markdown = ctx == Ctx::Markdown;
    if ctx == Ctx::Raw || !(raw.contains('&') || (markdown && raw.contains('\\'))) {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        let after = rest.get(c.len_utf8()..).unwrap_or_default();
        if markdown && c == '\\' {
            if let Some(n) = after.chars().next().filter(char::is_ascii_punctuation) {
                out.push(n);
                rest = after.get(1..).unwrap_or_default();
                continue;
            }
        }
        if c == '&' {
            if let Some((decoded, used)) = entity(after, !markdown) {
                out.push(decoded);
                rest = after.get(used..).unwrap_or_default();
                continue;
            }
        }
        out.push(c);
        rest = after;
    }
    Cow::Owned(out)
}

/// Named references a renderer decodes (the ones that matter in URLs).
pub(super) const NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("colon", ':'),
    ("sol", '/'),
    ("bsol", '\\'),
    ("period", '.'),
    ("commat", '@'),
    ("num", '#'),
    ("quest", '?'),
    ("Tab", '\t'),
    ("NewLine", '\n'),
    ("nbsp", '\u{a0}'),
    ("lpar", '('),
    ("rpar", ')'),
    ("excl", '!'),
    ("percnt", '%'),
    ("equals", '='),
    ("plus", '+'),
    ("comma", ','),
    ("semi", ';'),
    ("lowbar", '_'),
    ("dollar", '$'),
    ("ast", '*'),
    ("lsqb", '['),
    ("rsqb", ']'),
    ("lbrack", '['),
    ("rbrack", ']'),
    ("verbar", '|'),
    ("vert", '|'),
    ("grave", '`'),
    ("Hat", '^'),
    ("hyphen", '\u{2010}'),
    ("dash", '\u{2010}'),
];

/// A character reference after `&`: `(char, bytes used)`. `lenient`: HTML
/// rules (numeric references need no `;`, a few legacy names neither);
/// otherwise CommonMark rules.
pub(super) fn entity(s: &str, lenient: bool) -> Option<(char, usize)> {
    let b = s.as_bytes();
    if b.first() == Some(&b'#') {
        let hex = matches!(b.get(1), Some(b'x' | b'X'));
        let ds = if hex { 2 } else { 1 };
        let mut i = ds;
        let mut value: u32 = 0;
        while let Some(&d) = b.get(i) {
            let digit = if hex {
                (d as char).to_digit(16)
            } else {
                (d as char).to_digit(10)
            };
            let Some(digit) = digit else { break };
            value = value
                .saturating_mul(if hex { 16 } else { 10 })
                .saturating_add(digit);
            i = i.saturating_add(1);
        }
        let digits = i.saturating_sub(ds);
        let max_digits = if hex { 6 } else { 7 };
        if digits == 0 || (!lenient && digits > max_digits) {
            return None;
        }
        let used = if b.get(i) == Some(&b';') {
            i.saturating_add(1)
        } else if lenient {
            i
        } else {
            return None;
        };
        let c = match char::from_u32(value) {
            Some(c) if value != 0 => c,
            _ => '\u{fffd}',
        };
        return Some((c, used));
    }
    let name_len = b
        .iter()
        .take(32)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let name = s.get(..name_len)?;
    let (_, c) = NAMED.iter().find(|(n, _)| *n == name)?;
    if b.get(name_len) == Some(&b';') {
        Some((*c, name_len.saturating_add(1)))
    } else if lenient && matches!(name, "amp" | "lt" | "gt" | "quot" | "nbsp") {
        Some((*c, name_len))
    } else {
        None
    }
}

/// WHATWG URL preprocessing: trim C0 controls and spaces, drop tabs and
/// newlines.
pub(super) fn whatwg_clean(s: &str) -> Cow<'_, str> {
    let t = s.trim_matches(|c: char| c <= ' ');
    if t.contains(['\t', '\n', '\r']) {
        Cow::Owned(
            t.chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect(),
        )
    } else {
        Cow::Borrowed(t)
    }
}

/// `(lowercase scheme, rest after ':')`.
pub(super) fn split_scheme(s: &str) -> Option<(String, &str)> {
    let b = s.as_bytes();
    if !b.first()?.is_ascii_alphabetic() {
        return None;
    }
    let n = b
        .iter()
        .take(33)
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        .count();
    if n > 32 || b.get(n) != Some(&b':') {
        return None;
    }
    let scheme = s.get(..n)?.to_ascii_lowercase();
    Some((scheme, s.get(n.saturating_add(1)..)?))
}

/// A `data:` URL whose media type can run script.
pub(super) fn dangerous_data(rest: &str) -> bool {
    let media: String = rest
        .trim_start()
        .chars()
        .take_while(|&c| c != ';' && c != ',')
        .take(64)
        .collect::<String>()
        .trim()
        .to_ascii_lowercase();
    const BAD: [&str; 11] = [
        "text/html",
        "application/xhtml",
        "image/svg",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "text/ecmascript",
        "application/ecmascript",
        "text/vbscript",
    ];
    BAD.iter().any(|b| media.starts_with(b))
}

/// Percent-decode a host; `None` if the result is not UTF-8.
pub(super) fn percent_decode(raw: &str) -> Option<Cow<'_, str>> {
    // Lenient, as browsers are: a `%` not followed by two hex digits stays.
    percent_encoding::percent_decode_str(raw).decode_utf8().ok()
}

pub(super) fn map_dot(c: char) -> char {
    match c {
        '\u{3002}' | '\u{ff0e}' | '\u{ff61}' => '.',
        c => c,
    }
}

/// A host as a browser would use it: `(host, is an IP address)`, or `None`
/// when it is not a plain host name or address.
pub(super) fn canonical_host(raw: &str) -> Option<(String, bool)> {
    let decoded = percent_decode(raw)?;
    if let Some(inner) = decoded.strip_prefix('[') {
        let addr: Ipv6Addr = inner.strip_suffix(']')?.parse().ok()?;
        return Some((format!("[{addr}]"), true));
    }
    let mapped: String = if decoded.is_ascii() {
        decoded.to_ascii_lowercase()
    } else {
        decoded
            .chars()
            .map(map_dot)
            .nfkc()
            .flat_map(char::to_lowercase)
            .map(map_dot)
            .collect()
    };
    let name = mapped.strip_suffix('.').unwrap_or(&mapped);
    if name.is_empty() || name.len() > 1024 {
        return None;
    }
    let mut out = String::with_capacity(name.len());
    for label in name.split('.') {
        if label.is_empty() {
            return None;
        }
        if !out.is_empty() {
            out.push('.');
        }
        let before = out.len();
        if label.is_ascii() {
            if !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return None;
            }
            out.push_str(label);
        } else {
            if !label.chars().all(|c| c.is_alphanumeric() || c == '-') {
                return None;
            }
            out.push_str("xn--");
            out.push_str(&punycode(label)?);
        }
        if out.len().saturating_sub(before) > 63 {
            return None;
        }
    }
    if ends_in_number(&out) {
        return parse_ipv4(&out).map(|ip| (ip.to_string(), true));
    }
    if out.len() > 253 {
        return None;
    }
    Some((out, false))
}

/// WHATWG "ends in a number": the last label is decimal or `0x` hex.
pub(super) fn ends_in_number(host: &str) -> bool {
    let last = host.rsplit('.').next().unwrap_or_default();
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    match last.strip_prefix("0x").or_else(|| last.strip_prefix("0X")) {
        Some(hex) => hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

/// WHATWG IPv4 parsing: 1 to 4 parts, each decimal, `0x` hex or `0` octal.
pub(super) fn parse_ipv4(host: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut nums = Vec::with_capacity(parts.len());
    for p in &parts {
        nums.push(parse_ipv4_number(p)?);
    }
    let (last, init) = nums.split_last()?;
    if init.iter().any(|&n| n > 255) {
        return None;
    }
    let room = 5usize.saturating_sub(nums.len());
    let limit = 256u64.checked_pow(u32::try_from(room).ok()?)?;
    if *last >= limit {
        return None;
    }
    let mut value = *last;
    for (i, &n) in init.iter().enumerate() {
        let shift = 8u32.checked_mul(3u32.checked_sub(u32::try_from(i).ok()?)?)?;
        value = value.checked_add(n.checked_shl(shift)?)?;
    }
    Some(Ipv4Addr::from(u32::try_from(value).ok()?))
}

pub(super) fn parse_ipv4_number(p: &str) -> Option<u64> {
    if p.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X")) {
        (h, 16)
    } else if p.len() > 1 && p.starts_with('0') {
        (p.get(1..)?, 8)
    } else {
        (p, 10)
    };
    if digits.is_empty() {
        return Some(0);
    }
    let mut v: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        v = v.checked_mul(u64::from(radix))?.checked_add(u64::from(d))?;
    }
    Some(v)
}

/// RFC 3492 punycode encoding of one label (without `xn--`).
pub(super) fn punycode(label: &str) -> Option<String> {
    const BASE_P: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    pub(super) fn digit(d: u32) -> Option<char> {
        match d {
            0..=25 => char::from_u32(u32::from(b'a').checked_add(d)?),
            26..=35 => char::from_u32(u32::from(b'0').checked_add(d.checked_sub(26)?)?),
            _ => None,
        }
    }
    pub(super) fn adapt(delta: u32, points: u32, first: bool) -> Option<u32> {
        let mut delta = if first { delta / 700 } else { delta / 2 };
        delta = delta.checked_add(delta.checked_div(points)?)?;
        let mut k = 0u32;
        while delta > ((BASE_P - TMIN) * TMAX) / 2 {
            delta /= BASE_P - TMIN;
            k = k.checked_add(BASE_P)?;
        }
        k.checked_add(
            ((BASE_P - TMIN + 1).checked_mul(delta)?).checked_div(delta.checked_add(38)?)?,
        )
    }
    let input: Vec<u32> = label.chars().map(u32::from).collect();
    let mut out: String = label.chars().filter(char::is_ascii).collect();
    let basic = u32::try_from(out.len()).ok()?;
    if basic > 0 {
        out.push('-');
    }
    let total = u32::try_from(input.len()).ok()?;
    let mut n: u32 = 128;
    let mut delta: u32 = 0;
    let mut bias: u32 = 72;
    let mut h = basic;
    while h < total {
        let m = input.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add(m.checked_sub(n)?.checked_mul(h.checked_add(1)?)?)?;
        n = m;
        for &c in &input {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE_P;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias.checked_add(TMAX)? {
                        TMAX
                    } else {
                        k.checked_sub(bias)?
                    };
                    if q < t {
                        break;
                    }
                    let span = BASE_P.checked_sub(t)?;
                    out.push(digit(t.checked_add(q.checked_sub(t)?.checked_rem(span)?)?)?);
                    q = q.checked_sub(t)?.checked_div(span)?;
                    k = k.checked_add(BASE_P)?;
                }
                out.push(digit(q)?);
                bias = adapt(delta, h.checked_add(1)?, h == basic)?;
                delta = 0;
                h = h.checked_add(1)?;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

pub(super) fn parse_allow_entry(entry: &str) -> Result<Allowed, String> {
    let e = entry.trim();
    if e.is_empty() {
        return Err("must not be empty".into());
    }
    if e.contains("://") {
        return Err("a host name, not a URL: write `example.com` (it covers subdomains)".into());
    }
    if !e.starts_with('[') {
        if let Some(c) = e.chars().find(|c| {
            matches!(
                c,
                '/' | ':' | '@' | '*' | '?' | '#' | '\\' | '%' | '&' | '[' | ']'
            ) || c.is_whitespace()
        }) {
            return Err(format!(
                "`{c}` is not allowed: write a host name such as `example.com` (it covers subdomains) or an IP address"
            ));
        }
    }
    let (host, exact) =
        canonical_host(e).ok_or_else(|| "not a valid host name or IP address".to_string())?;
    Ok(Allowed { host, exact })
}
