//! Secrets in command lines and configuration files whose syntax is not a
//! `key = value` assignment: `curl -u user:pass` and `Authorization:`
//! headers, `.netrc` and `.pgpass` lines, Kubernetes `Secret` manifests,
//! `.env` files, AWS session tokens and Azure account keys passed as
//! options.
//!
//! Every scanner here starts at a literal anchor (see the rule list in
//! [`super::rules`]) and reads a bounded window around it; what each one
//! accepts, and why, is in its doc comment. The values go through the same
//! reference and placeholder filters as the assignment rules
//! ([`super::value_is_reference`], [`is_placeholder`]).

use base64::Engine as _;

use super::super::patterns::{
    char_classes, context_has, entropy, is_b64, is_b64url, is_placeholder, looks_random, run_len,
    Ctx,
};
use super::{is_key_byte, parse_assignment, value_is_reference};

/// Besides [`super::DOC_PASSWORDS`], values that on a command line or in a
/// credentials file are a user name or a demo, not a password.
const DEMO_PASSWORDS: [&[u8]; 2] = [b"admin", b"root"];

/// A password taken from a command line or a credentials file: long enough,
/// two character classes (or long and random), not a placeholder, a
/// reference or a documentation word.
fn credential_ok(v: &[u8], quoted: bool) -> bool {
    if v.len() < 6 || v.len() > 256 || is_placeholder(v) || value_is_reference(v, quoted) {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if (super::DOC_PASSWORDS.contains(&lower.as_slice())
        || DEMO_PASSWORDS.contains(&lower.as_slice()))
        || memchr::memmem::find(&lower, b"password").is_some()
    {
        return false;
    }
    char_classes(v) >= 2 || (v.len() >= 16 && entropy(v) >= 3.0)
}

fn skip_blanks(b: &[u8], p: usize, max: usize) -> usize {
    p.saturating_add(run_len(b, p, |c| c == b' ' || c == b'\t', max))
}

/// A value at `v`: quoted (`'...'`, `"..."`) or a run of non-blank bytes.
/// `(start, end, quoted)`, quotes excluded.
fn word_at(ctx: &Ctx<'_>, v: usize, max: usize) -> Option<(usize, usize, bool)> {
    let b = ctx.bytes();
    match ctx.at(v) {
        q @ (b'\'' | b'"') => {
            let s = v.checked_add(1)?;
            let n = run_len(b, s, |c| c != q && c != b'\n', max.saturating_add(1));
            let e = s.checked_add(n)?;
            (ctx.at(e) == q && n <= max).then_some((s, e, true))
        }
        _ => {
            let n = run_len(
                b,
                v,
                |c| !c.is_ascii_whitespace() && !matches!(c, b'"' | b'\'' | b'`'),
                max.saturating_add(1),
            );
            (n > 0 && n <= max).then_some((v, v.checked_add(n)?, false))
        }
    }
}

/// `curl -u user:pass`, `--user user:pass`, `--user=user:pass`, quoted or
/// not, on the command's line (lines continued with `\` included, up to
/// 2 KiB; a pipe, `;` or `&&` ends the command). The password part only.
/// `-u` belongs to curl here: the anchor is the `curl` command, so
/// `docker run -u 1000:1000` and `git push -u origin` are never read.
pub(super) fn find_curl_user(
    ctx: &Ctx<'_>,
    a_start: usize,
    a_end: usize,
) -> Option<(usize, usize)> {
    let b = ctx.bytes();
    if is_key_byte(ctx.before(a_start)) || is_key_byte(ctx.at(a_end)) {
        return None;
    }
    let limit = a_end.saturating_add(2048).min(b.len());
    let mut p = a_end;
    while p < limit {
        let c = ctx.at(p);
        match c {
            b'\n' => {
                let mut q = p;
                if ctx.before(q) == b'\r' {
                    q = q.saturating_sub(1);
                }
                if ctx.before(q) != b'\\' {
                    return None;
                }
            }
            b'|' | b';' => return None,
            b'&' if ctx.at(p.saturating_add(1)) == b'&' => return None,
            // The next command: its own anchor reads it (so a run of
            // `curl` words costs one walk, not one per word).
            b'c' if b.get(p..).is_some_and(|r| r.starts_with(b"curl ")) => return None,
            b'-' if ctx.before(p).is_ascii_whitespace() => {
                let rest = b.get(p..).unwrap_or_default();
                let opt_end =
                    if rest.starts_with(b"--user") && !is_key_byte(ctx.at(p.saturating_add(6))) {
                        Some(p.saturating_add(6))
                    } else if rest.starts_with(b"-u") {
                        Some(p.saturating_add(2))
                    } else {
                        None
                    };
                if let Some(mut v) = opt_end {
                    if ctx.at(v) == b'=' {
                        v = v.saturating_add(1);
                    }
                    v = skip_blanks(b, v, 8);
                    let (s, e, quoted) = word_at(ctx, v, 256)?;
                    let value = b.get(s..e)?;
                    let colon = memchr::memchr(b':', value)?;
                    let user = value.get(..colon)?;
                    let pass = value.get(colon.checked_add(1)?..)?;
                    if pass == user || !credential_ok(pass, quoted) {
                        return None;
                    }
                    return Some((s.checked_add(colon)?.checked_add(1)?, e));
                }
            }
            _ => {}
        }
        p = p.saturating_add(1);
    }
    None
}

/// Schemes of an `Authorization` header other than Bearer and Basic (which
/// have their own rules), followed by a credential.
const AUTH_SCHEMES: [&[u8]; 9] = [
    b"token",
    b"bot",
    b"apikey",
    b"api-key",
    b"key",
    b"sso-key",
    b"ssws",
    b"splunk",
    b"zoho-oauthtoken",
];

/// `Authorization: token <x>` (GitHub), `Bot`, `ApiKey`, `SSWS`... and a
/// bare credential (`Authorization: <x>`), in headers, `curl -H`, JSON and
/// code. Bearer and Basic are left to their rules; a credential with two
/// dots is left to the JWT and Discord rules. The credential only.
pub(super) fn find_authorization(
    ctx: &Ctx<'_>,
    a_start: usize,
    a_end: usize,
) -> Option<(usize, usize)> {
    let b = ctx.bytes();
    if ctx.before(a_start).is_ascii_alphanumeric() || is_key_byte(ctx.at(a_end)) {
        return None;
    }
    let mut p = a_end;
    if ctx.at(p) == b'\\' && ctx.at(p.saturating_add(1)) == b'"' {
        p = p.saturating_add(2);
    } else if matches!(ctx.at(p), b'"' | b'\'') {
        p = p.saturating_add(1);
    }
    p = skip_blanks(b, p, 4);
    if !matches!(ctx.at(p), b':' | b'=') {
        return None;
    }
    p = skip_blanks(b, p.saturating_add(1), 4);
    if ctx.at(p) == b'\\' && ctx.at(p.saturating_add(1)) == b'"' {
        p = p.saturating_add(2);
    } else if matches!(ctx.at(p), b'"' | b'\'') {
        p = p.saturating_add(1);
    }
    let w = run_len(b, p, |c| c.is_ascii_alphabetic() || c == b'-', 24);
    let word = b.get(p..p.checked_add(w)?)?.to_ascii_lowercase();
    if matches!(
        word.as_slice(),
        b"bearer" | b"basic" | b"digest" | b"negotiate" | b"ntlm"
    ) {
        return None;
    }
    let (cred, min) =
        if AUTH_SCHEMES.contains(&word.as_slice()) && ctx.at(p.checked_add(w)?) == b' ' {
            (p.checked_add(w)?.checked_add(1)?, 16)
        } else {
            (p, 20)
        };
    let n = run_len(
        b,
        cred,
        |c| is_b64url(c) || matches!(c, b'.' | b'~' | b'+' | b'/' | b'=' | b':'),
        513,
    );
    let v = b.get(cred..cred.checked_add(n)?)?;
    let dots = v.iter().filter(|&&c| c == b'.').count();
    let ok = (min..=512).contains(&n)
        && dots < 2
        && !value_is_reference(v, true)
        && char_classes(v) >= 2
        && !is_wordy(&v.to_ascii_lowercase())
        && looks_random(v, if min == 16 { 3.0 } else { 3.5 });
    ok.then_some((cred, cred.checked_add(n)?))
}

/// `.netrc`: `machine <host> login <user> password <secret>`, on one line
/// or several. From the `password` keyword (a whole word, then blanks, no
/// `=`/`:`), with `machine`/`default` and `login` in the 256 bytes before.
/// The value only.
pub(super) fn find_netrc(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let b = ctx.bytes();
    if !matches!(ctx.before(a_start), 0 | b' ' | b'\t' | b'\n') {
        return None;
    }
    if b.get(a_start..a_end) != Some(b"password") {
        return None;
    }
    let blanks = run_len(b, a_end, |c| c == b' ' || c == b'\t', 16);
    if blanks == 0 {
        return None;
    }
    if !context_has(ctx, a_start, 256, &["machine ", "default "])
        || !context_has(ctx, a_start, 256, &["login "])
    {
        return None;
    }
    let (s, e, quoted) = word_at(ctx, a_end.checked_add(blanks)?, 256)?;
    credential_ok(b.get(s..e)?, quoted).then_some((s, e))
}

/// `.pgpass`: `host:port:database:user:password`, from a port anchor
/// (`:5432:`, `:6432:`, ...) or `:*:`. The five fields must all be there,
/// the host a host name or `*`, the port digits or `*`; `\:` escapes a
/// colon. At the start of a line the password runs to the line's end (it
/// may hold blanks); inside prose, to the next blank. The password only.
pub(super) fn find_pgpass(ctx: &Ctx<'_>, a_start: usize, _a_end: usize) -> Option<(usize, usize)> {
    let b = ctx.bytes();
    let mut s = a_start;
    let mut n = 0usize;
    while s > 0
        && n < 256
        && !ctx.before(s).is_ascii_whitespace()
        && !matches!(ctx.before(s), b'"' | b'\'' | b'`' | b'(' | b'=')
    {
        s = s.saturating_sub(1);
        n = n.saturating_add(1);
    }
    let at_line_start = {
        let mut q = s;
        while q > 0 && matches!(ctx.before(q), b' ' | b'\t') {
            q = q.saturating_sub(1);
        }
        q == 0 || ctx.before(q) == b'\n'
    };
    // Field boundaries.
    let mut colons = [0usize; 4];
    let mut k = 0usize;
    let mut p = s;
    let limit = s.saturating_add(512).min(b.len());
    while p < limit && k < 4 {
        match ctx.at(p) {
            b'\\' => p = p.saturating_add(1),
            b':' => {
                if let Some(slot) = colons.get_mut(k) {
                    *slot = p;
                }
                k = k.saturating_add(1);
            }
            c if c.is_ascii_whitespace() => return None,
            _ => {}
        }
        p = p.saturating_add(1);
    }
    let [c1, c2, c3, c4] = colons;
    if k < 4 || c4 < a_start {
        return None;
    }
    let host = b.get(s..c1)?;
    let port = b.get(c1.checked_add(1)?..c2)?;
    let db = b.get(c2.checked_add(1)?..c3)?;
    let user = b.get(c3.checked_add(1)?..c4)?;
    let host_ok = host == b"*"
        || (!host.is_empty()
            && host
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_')));
    let port_ok = port == b"*" || (!port.is_empty() && port.iter().all(u8::is_ascii_digit));
    if !host_ok || !port_ok || db.is_empty() || user.is_empty() {
        return None;
    }
    let ps = c4.checked_add(1)?;
    let pe = if at_line_start {
        let n = run_len(b, ps, |c| c != b'\n' && c != b'\r', 256);
        let mut e = ps.saturating_add(n);
        while e > ps && matches!(ctx.before(e), b' ' | b'\t') {
            e = e.saturating_sub(1);
        }
        e
    } else {
        ps.saturating_add(run_len(b, ps, |c| !c.is_ascii_whitespace(), 256))
    };
    let mut pe = pe;
    if !at_line_start {
        while pe > ps && matches!(ctx.before(pe), b'.' | b',' | b')' | b'"' | b'\'') {
            pe = pe.saturating_sub(1);
        }
    }
    credential_ok(b.get(ps..pe)?, true).then_some((ps, pe))
}

/// Secret-bearing key names in a Kubernetes secret.
const K8S_SECRET_WORDS: [&[u8]; 13] = [
    b"pass",
    b"pwd",
    b"secret",
    b"token",
    b"key",
    b"credential",
    b"auth",
    b"private",
    b"dsn",
    b"dockerconfig",
    b"dockercfg",
    b"connection",
    b"cookie",
];

/// Whether a secret manifest's value (decoded for `data:`) is a secret:
/// under a key that names one and not a placeholder, or random-looking
/// whatever its key. Certificates (public) are not secrets.
fn k8s_value_is_secret(key: &[u8], raw: &[u8]) -> bool {
    // A JSON document (`.dockerconfigjson`, a credentials file) is a value,
    // not a reference; `${VAR}` and templates are.
    let reference = if raw.first() == Some(&b'{') {
        raw.starts_with(b"{{")
    } else {
        value_is_reference(raw, true)
    };
    if raw.is_empty() || is_placeholder(raw) || reference {
        return false;
    }
    if memchr::memmem::find(raw, b"CERTIFICATE-----").is_some()
        && memchr::memmem::find(raw, b"PRIVATE KEY").is_none()
    {
        return false;
    }
    let k = key.to_ascii_lowercase();
    let named = K8S_SECRET_WORDS
        .iter()
        .any(|w| memchr::memmem::find(&k, w).is_some())
        && !k.ends_with(b".crt")
        && !k.ends_with(b"_id")
        && !k.ends_with(b"-id");
    let lower = raw.to_ascii_lowercase();
    let word = matches!(
        lower.as_slice(),
        b"true" | b"false" | b"yes" | b"no" | b"none" | b"null"
    );
    (named && raw.len() >= 4 && !word)
        || (raw.len() >= 16 && char_classes(raw) >= 2 && looks_random(raw, 3.5))
}

/// Decode a `data:` value (standard base64, padding optional).
fn k8s_decode(v: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let engine = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    engine.decode(v).ok()
}

/// Bytes of a manifest read around a `kind: Secret` anchor, each way.
const K8S_WINDOW: usize = 8 * 1024;

/// Secret manifests read per scan: each is read once (an anchor inside a
/// document already read is skipped), and no more than this many, so a
/// body of repeated anchors costs linear time and bounded findings (before
/// this, every anchor re-read its 16 KiB window and re-reported its
/// values: 64 KiB of `kind: Secret` lines took 1000x prose and a 1 MiB
/// body hundreds of MB of hits).
pub(in crate::inspect) const K8S_MAX_DOCS: u16 = 32;

/// A Kubernetes `Secret` manifest (YAML or JSON): every value of its
/// `data:` (base64, decoded before judging) and `stringData:` maps that is
/// a secret (see [`k8s_value_is_secret`]), each reported on its own. The
/// manifest is the YAML document around the anchor (between `---` lines,
/// at most 8 KiB each way: `kubectl get -o yaml` prints `data:` before
/// `kind:`). Not `SecretProviderClass`, `SealedSecret` (encrypted) or
/// `ConfigMap`. The encoded value as written.
pub(super) fn find_k8s_secret(
    ctx: &Ctx<'_>,
    a_start: usize,
    a_end: usize,
    emit: &mut dyn FnMut(usize, usize),
) {
    let b = ctx.bytes();
    if is_key_byte(ctx.at(a_end)) || is_key_byte(ctx.before(a_start)) {
        return;
    }
    let (read_until, docs) = ctx.k8s_read.get();
    if a_start < read_until || docs >= K8S_MAX_DOCS {
        return;
    }
    let lo = a_start.saturating_sub(K8S_WINDOW);
    let hi = a_end.saturating_add(K8S_WINDOW).min(b.len());
    let before = b.get(lo..a_start).unwrap_or_default();
    let doc_start = memchr::memmem::rfind(before, b"\n---")
        .map_or(lo, |q| lo.saturating_add(q).saturating_add(4));
    let after = b.get(a_end..hi).unwrap_or_default();
    let doc_end = memchr::memmem::find(after, b"\n---").map_or(hi, |q| a_end.saturating_add(q));
    // The part before this anchor may belong to a document already read.
    let doc_start = doc_start.max(read_until);
    let Some(doc) = b.get(doc_start..doc_end) else {
        return;
    };
    ctx.k8s_read.set((doc_end, docs.saturating_add(1)));
    if ctx.at(a_start) == b'"' {
        for field in [&b"\"data\""[..], b"\"stringData\""] {
            if let Some(q) = memchr::memmem::find(doc, field) {
                k8s_json_map(
                    ctx,
                    doc_start.saturating_add(q).saturating_add(field.len()),
                    field.len() == 6,
                    emit,
                );
            }
        }
        return;
    }
    for field in [&b"data:"[..], b"stringData:"] {
        let mut from = 0usize;
        while let Some(q) = doc.get(from..).and_then(|t| memchr::memmem::find(t, field)) {
            let at = doc_start.saturating_add(from).saturating_add(q);
            from = from.saturating_add(q).saturating_add(field.len());
            // At a line start (after indentation), and the line ends there.
            let mut ls = at;
            while ls > doc_start && matches!(ctx.before(ls), b' ') {
                ls = ls.saturating_sub(1);
            }
            if ls > 0 && ctx.before(ls) != b'\n' {
                continue;
            }
            let indent = at.saturating_sub(ls);
            let line_end = at.saturating_add(field.len());
            let trail = skip_blanks(b, line_end, 8);
            if !matches!(ctx.at(trail), b'\n' | b'\r') {
                continue;
            }
            k8s_yaml_map(ctx, trail, doc_end, indent, field.len() == 5, emit);
        }
    }
}

/// The entries of a YAML map whose header line ended at `p`: lines indented
/// deeper than `indent`, `key: value`, each value judged.
fn k8s_yaml_map(
    ctx: &Ctx<'_>,
    mut p: usize,
    end: usize,
    indent: usize,
    base64: bool,
    emit: &mut dyn FnMut(usize, usize),
) {
    let b = ctx.bytes();
    let mut child: Option<usize> = None;
    let mut entries = 0usize;
    while p < end && entries < 64 {
        // Next line.
        let Some(nl) = b.get(p..end).and_then(|t| memchr::memchr(b'\n', t)) else {
            return;
        };
        let ls = p.saturating_add(nl).saturating_add(1);
        let ind = run_len(b, ls, |c| c == b' ', 64);
        let ks = ls.saturating_add(ind);
        p = ks;
        if matches!(ctx.at(ks), b'\n' | b'\r') {
            continue;
        }
        if ind <= indent || ks >= end {
            return;
        }
        if *child.get_or_insert(ind) != ind {
            continue;
        }
        entries = entries.saturating_add(1);
        let klen = run_len(b, ks, |c| !matches!(c, b':' | b'\n' | b' '), 253);
        let ke = ks.saturating_add(klen);
        if ctx.at(ke) != b':' {
            continue;
        }
        let key = b.get(ks..ke).unwrap_or_default();
        let key = key
            .strip_prefix(b"\"")
            .and_then(|k| k.strip_suffix(b"\""))
            .unwrap_or(key);
        let v = skip_blanks(b, ke.saturating_add(1), 8);
        let Some((s, e, _)) = word_at(ctx, v, 16 * 1024) else {
            continue;
        };
        let value = b.get(s..e).unwrap_or_default();
        if value == b"|" || value == b">" || value == b"|-" || value == b">-" {
            // A block scalar: the lines indented deeper than the key.
            let mut q = e;
            let mut last = e;
            let mut first: Option<usize> = None;
            while let Some(nl) = b.get(q..end).and_then(|t| memchr::memchr(b'\n', t)) {
                let l = q.saturating_add(nl).saturating_add(1);
                let li = run_len(b, l, |c| c == b' ', 64);
                let content = l.saturating_add(li);
                if matches!(ctx.at(content), b'\n' | b'\r') {
                    q = content;
                    continue;
                }
                if li <= ind || content >= end {
                    break;
                }
                first.get_or_insert(content);
                last =
                    content.saturating_add(run_len(b, content, |c| c != b'\n' && c != b'\r', 4096));
                q = last;
            }
            if let Some(f) = first {
                let block = b.get(f..last).unwrap_or_default();
                let raw = if base64 {
                    let joined: Vec<u8> = block
                        .iter()
                        .copied()
                        .filter(|c| !c.is_ascii_whitespace())
                        .collect();
                    k8s_decode(&joined)
                } else {
                    Some(block.to_vec())
                };
                if raw.is_some_and(|r| k8s_value_is_secret(key, &r)) {
                    emit(f, last);
                }
                p = last;
            }
            continue;
        }
        let raw = if base64 {
            k8s_decode(value)
        } else {
            Some(value.to_vec())
        };
        if raw.is_some_and(|r| k8s_value_is_secret(key, &r)) {
            emit(s, e);
        }
        p = e;
    }
}

/// The entries of a JSON object after `"data"` (at `p`): `"key": "value"`
/// pairs, each value judged.
fn k8s_json_map(ctx: &Ctx<'_>, p: usize, base64: bool, emit: &mut dyn FnMut(usize, usize)) {
    let b = ctx.bytes();
    let ws = |p: usize| p.saturating_add(run_len(b, p, |c| c.is_ascii_whitespace(), 64));
    let mut p = ws(p);
    if ctx.at(p) != b':' {
        return;
    }
    p = ws(p.saturating_add(1));
    if ctx.at(p) != b'{' {
        return;
    }
    p = p.saturating_add(1);
    for _ in 0..64 {
        p = ws(p);
        let Some((ks, ke, true)) = word_at(ctx, p, 253) else {
            return;
        };
        p = ws(ke.saturating_add(1));
        if ctx.at(p) != b':' {
            return;
        }
        p = ws(p.saturating_add(1));
        let Some((vs, ve, true)) = word_at(ctx, p, 16 * 1024) else {
            return;
        };
        let key = b.get(ks..ke).unwrap_or_default();
        let value = b.get(vs..ve).unwrap_or_default();
        let raw = if base64 {
            k8s_decode(value)
        } else {
            Some(value.to_vec())
        };
        if raw.is_some_and(|r| k8s_value_is_secret(key, &r)) {
            emit(vs, ve);
        }
        p = ws(ve.saturating_add(1));
        if ctx.at(p) != b',' {
            return;
        }
        p = p.saturating_add(1);
    }
}

fn is_env_key_byte(c: u8) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_'
}

/// Words before `_KEY` that name a key of something other than a secret.
const ENV_NOT_SECRET: [&[u8]; 32] = [
    b"CACHE",
    b"SORT",
    b"PARTITION",
    b"PRIMARY",
    b"FOREIGN",
    b"ROUTING",
    b"OBJECT",
    b"IDEMPOTENCY",
    b"LOOKUP",
    b"I18N",
    b"TRANSLATION",
    b"S3",
    b"MAP",
    b"QUEUE",
    b"REDIS",
    b"LOCK",
    b"SHARD",
    b"HASH",
    b"RANGE",
    b"GROUP",
    b"DEDUP",
    b"LABEL",
    b"METRIC",
    b"SITE",
    b"ENTRY",
    b"INDEX",
    b"HOT",
    b"SEARCH",
    b"GPG",
    b"PGP",
    b"REGION",
    b"EXPORT",
];

/// Words before `_KEY` that name a secret outright; any other `*_KEY`
/// (`DEPLOY_KEY`, `LICENSE_KEY`...) is a secret only if its value looks
/// random (not words joined by `-`/`_`/`.`, at least 16 bytes).
const ENV_SECRET_KEY_WORDS: [&[u8]; 12] = [
    b"API",
    b"SECRET",
    b"ACCESS",
    b"PRIVATE",
    b"AUTH",
    b"SIGNING",
    b"ENCRYPTION",
    b"MASTER",
    b"CLIENT",
    b"SERVICE",
    b"WEBHOOK",
    b"ACCOUNT",
];

/// Words (lowercase letters) or short numbers joined by `-`, `_` or `.`:
/// a name (`deploy-key-prod-2024`, `eu-west-1b`), not a random key.
fn is_wordy(v: &[u8]) -> bool {
    v.split(|&c| matches!(c, b'-' | b'_' | b'.')).all(|part| {
        part.iter().all(|c| c.is_ascii_lowercase())
            || (part.len() <= 4 && part.iter().all(u8::is_ascii_alphanumeric))
    })
}

/// `.env` files and environment blocks: `SOME_KEY=value`, `X_TOKEN: value`,
/// `export X_SECRET='value'`, `- X_PASS=value` (Compose), where the
/// UPPER_SNAKE key ends in `_KEY`, `_TOKEN`, `_SECRET`, `_PASS`,
/// `_PASSWORD`, `_PASSWD`, `_PWD`, `_AUTH`, `_CREDENTIALS`, `_PASSPHRASE`
/// or `_APIKEY`. The key names a secret, so the value needs less than a
/// generic assignment: 8 characters of two classes, no blank. Not
/// references (`${VAR}`, `$VAR`, paths, `arn:` ids, identifiers),
/// placeholders, or keys that are public or not secrets (`*_PUBLIC_*`,
/// `*PUBLISHABLE*`, `CACHE_KEY`, `SORT_KEY`, `SITE_KEY`...). The value only.
pub(super) fn find_env_secret(
    ctx: &Ctx<'_>,
    a_start: usize,
    a_end: usize,
) -> Option<(usize, usize)> {
    let b = ctx.bytes();
    if is_env_key_byte(ctx.at(a_end)) || ctx.at(a_end).is_ascii_lowercase() {
        return None;
    }
    let mut ks = a_start;
    let mut n = 0usize;
    while ks > 0 && n < 64 && is_env_key_byte(ctx.before(ks)) {
        ks = ks.saturating_sub(1);
        n = n.saturating_add(1);
    }
    if !ctx.at(ks).is_ascii_uppercase()
        || ctx.before(ks).is_ascii_alphanumeric()
        || matches!(ctx.before(ks), b'$' | b'{' | b'.' | b'-' | b'/')
    {
        return None;
    }
    let key = b.get(ks..a_end)?;
    if memchr::memmem::find(key, b"PUBLIC").is_some()
        || memchr::memmem::find(key, b"PUBLISHABLE").is_some()
        || key.starts_with(b"PUB_")
    {
        return None;
    }
    let mut generic_key = false;
    if let Some(word) = key.strip_suffix(b"_KEY") {
        let last = word.rsplit(|&c| c == b'_').next().unwrap_or_default();
        if ENV_NOT_SECRET.contains(&last) {
            return None;
        }
        generic_key = !ENV_SECRET_KEY_WORDS.contains(&last);
    }
    let a = parse_assignment(ctx, a_start, a_end)?;
    if a.natural || a.gap || a.key.1 != a_end {
        return None;
    }
    let v = b.get(a.value.0..a.value.1)?;
    let lower = v.to_ascii_lowercase();
    let ok = (8..=256).contains(&v.len())
        && !v.contains(&b' ')
        && !is_placeholder(v)
        && !value_is_reference(v, a.quoted)
        && !lower.starts_with(b"arn:")
        && !matches!(
            lower.as_slice(),
            b"true" | b"false" | b"enabled" | b"disabled"
        )
        && char_classes(v) >= 2
        && entropy(v) >= 2.5
        && (!generic_key || (v.len() >= 16 && !is_wordy(&lower) && looks_random(v, 3.0)));
    ok.then_some(a.value)
}

/// `aws_session_token = IQoJb3JpZ2luX2Vj...` (and `aws_security_token`):
/// session tokens run to several hundred base64 characters, longer than an
/// assignment value is read, so the value is read here to its end (up to
/// 4 KiB).
pub(super) fn find_aws_session_token(
    ctx: &Ctx<'_>,
    a_start: usize,
    a_end: usize,
) -> Option<(usize, usize)> {
    let a = parse_assignment(ctx, a_start, a_end)?;
    if a.natural {
        return None;
    }
    let s = a.value.0;
    let n = run_len(ctx.bytes(), s, |c| is_b64(c) || c == b'=', 4097);
    let v = ctx.bytes().get(s..s.checked_add(n)?)?;
    ((100..=4096).contains(&n) && looks_random(v, 4.0)).then_some((s, s.checked_add(n)?))
}

/// An Azure storage account key given as an option or setting
/// (`--account-key <key>`, `account_key = "<key>"`,
/// `AZURE_STORAGE_KEY=<key>`): 86 base64 characters and `==`.
pub(super) fn find_azure_key_option(
    ctx: &Ctx<'_>,
    a_start: usize,
    a_end: usize,
) -> Option<(usize, usize)> {
    let a = parse_assignment(ctx, a_start, a_end)?;
    let s = a.value.0;
    let n = run_len(ctx.bytes(), s, |c| is_b64(c) || c == b'=', 100);
    let v = ctx.bytes().get(s..s.checked_add(n)?)?;
    ((86..=90).contains(&n) && looks_random(v, 4.0)).then_some((s, s.checked_add(n)?))
}
