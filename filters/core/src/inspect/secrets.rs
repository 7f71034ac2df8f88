//! Built-in secret rules (credentials, private keys, tokens, passwords) for
//! [`super::patterns`], with their validators.
//!
//! Every rule is anchored on a literal (a vendor prefix such as `ghp_`, a
//! keyword such as `password`, a delimiter such as `://`) and checks what
//! follows with a hand-written scanner: exact alphabets and lengths, the
//! checksum where the format has one (GitHub and npm tokens carry a CRC-32 of
//! their random part in their last six base62 characters), entropy where it
//! does not, and a placeholder filter (`patterns::is_placeholder`:
//! the AWS documentation keys, `EXAMPLE`, `xxxx`, `<...>`, `${...}`,
//! `your_...`, runs of one character, sequences). The order of the list is
//! the tie-break when two rules match the same span: vendor-specific rules
//! first, generic assignments last.
//!
//! Shapes the assignment and URL scanners accept, and why:
//! - `key = value` in INI/TOML/YAML/.env/JSON with any printable value
//!   (`%`, `^`, `!`, `#` included: people use them in passwords); a printf
//!   `%s` is a placeholder only in lowercase at a word end, so `G%S^A` in a
//!   random password is not one.
//! - `name: KEY` then `value: X` (Kubernetes/Compose env lists, the
//!   `{"name":..,"value":..}` JSON and `Name=..,Value=..` CLI forms): the key
//!   sits in a `name` field and the secret in the `value` field that follows.
//! - prose with words between the key and `is` (`the wifi password for the
//!   guest network is X`): up to six plain words, none that describes the
//!   secret (`policy`, `length`, `must`, `not`...), and a value of at least
//!   three character classes, since prose is where false positives live.
//! - `mysql -p'X'` / `-pX` after a MySQL client name: the client's own
//!   syntax for a password on the command line.
//! - URLs: a scheme with a driver suffix (`mysql+pymysql://`) is read by its
//!   base; a password with a raw `#` or `?` (which a strict URL parser would
//!   end the authority at) is accepted when what surrounds it is shaped like
//!   credentials (a plain user, no `?key=`, a host after the `@`).
//! - Twilio auth tokens are bare 32-hex strings, so they need Twilio context:
//!   an account SID (`AC` + 32 hex) or the word `twilio` earlier on the line.
//!
//! References are not secrets: `${VAR}`, `$(cmd)`, `%VAR%`, `{{ tpl }}`, a
//! YAML tag (`!vault |`, `!Ref Param`), a lowercase secret-manager path
//! (`kv/data/app:db_password`), identifiers, and placeholder words
//! (`changeme`, `<your-password>`, `example`...). `changeme` is treated as a
//! placeholder on purpose: it is the documented default of countless
//! templates, so flagging it would fire on documentation far more often than
//! on a live credential.
//!
//! GitHub and npm tokens with a wrong checksum are not reported, on purpose:
//! the services never issue them, so such a string is a hand-made fixture
//! (and the checksum is what lets the rule stay quiet on test data). The
//! assignment rules do not pick such a value up either
//! (`GH_TOKEN=ghp_<bad checksum>` is quiet).
//!
//! Vendor formats added in the 2026-12 round, and what proves them:
//! - `groq_api_key`: `gsk_` + 52 base62; `replicate_api_token`: `r8_` + 37
//!   base62; `google_oauth_client_secret`: `GOCSPX-` + 28 base64url;
//!   `pypi_token` also with the TestPyPI prefix. Entropy and the
//!   placeholder filter, no checksum (none is published).
//! - `stripe_test_key`: `sk_test_`/`rk_test_`, a rule of its own with
//!   [`Severity::Low`]: redacted like any secret, reported apart from live
//!   keys.
//! - `mailchimp_api_key`: 32 lowercase hex + `-us<1-2 digits>`, anchored on
//!   `-us`, the hex standing alone.
//! - `telegram_bot_token`: `<8-10 digit bot id>:AA<33 base64url>`, also
//!   inside `api.telegram.org/bot<token>/` URLs.
//! - `discord_bot_token`: no literal prefix; found structurally by
//!   [`super::encoded`] (three base64url parts, the first decoding to a
//!   numeric user id).
//!
//! Command lines and files ([`files`]): `curl -u user:pass` (only after
//! `curl`, so `docker run -u 1000:1000` is never read), `Authorization:
//! token|Bot|ApiKey|… <credential>` (`authorization_header`; Bearer and
//! Basic keep their rules), `.netrc` `machine … login … password …`,
//! `.pgpass` `host:port:db:user:password`, Kubernetes `kind: Secret`
//! manifests (`data:` values base64-decoded and judged, `stringData:` as
//! written, one match per value; `k8s_secret`), `.env` lines whose
//! UPPER_SNAKE key ends in `_KEY`, `_TOKEN`, `_SECRET`, `_PASS`... and holds
//! a literal (`env_secret`), `aws_session_token` read to its real length,
//! Azure account keys given as `--account-key`/`account_key`.
//!
//! Encoded secrets (base64, hex, percent-encoding, zero-width splits,
//! fullwidth forms) are decoded or folded and rescanned by
//! [`super::encoded`]; such a match is reported with the rule that found it
//! inside and redacts the whole encoded run.
//!
//! Severities ([`severity`]): `stripe_test_key` low; `password`,
//! `generic_secret`, `env_secret`, `bearer_token`, `basic_auth`,
//! `authorization_header`, `curl_user_password`, `netrc_password`,
//! `pgpass_password`, `connection_string_password` medium (found by shape
//! and context); every other rule high. All of them redact.
//!
//! Limits: `.pgpass` lines are anchored on the usual PostgreSQL ports
//! (5432–5435, 6432, 25060, 26257) and `*`; a line with another port is
//! missed. A `.netrc` or `.env` value made of letters only is taken for an
//! identifier. In a streamed response a Kubernetes manifest's values that
//! were released before its `kind: Secret` line arrived (more than
//! [`super::patterns::CONTEXT_BEFORE`] bytes earlier) cannot be redacted.
//!
//! Redaction spans, deliberately:
//! - a token or key: the whole token, prefix included;
//! - a private key: the whole `-----BEGIN ... -----END ...-----` block (or,
//!   when the end never comes, the header and the key body that follows);
//! - a connection string (`postgres://user:pass@host/db`): the password only,
//!   so the scheme, user and host stay readable for debugging;
//! - an assignment (`password = "..."`, `"api_key": "..."`, `PASSWORD: ...`,
//!   `--password ...`, `<password>...</password>`, `the password is ...`):
//!   the value only, without its quotes;
//! - an Azure SAS URL or connection string: the signature or the key value;
//! - `curl -u user:pass`, `.netrc`, `.pgpass`: the password only;
//! - a Kubernetes secret: each secret value as written (base64 included),
//!   keys and metadata kept;
//! - a secret inside an encoded run: the whole run.

use base64::Engine as _;

use super::patterns::{
    base62_decode, char_classes, context_has, crc32, entropy, is_alnum, is_b64, is_b64url,
    is_hex_lower, is_placeholder, looks_random, run_len, Builtin, Ctx, Finder, Severity, TokenSpec,
};
use super::Family;

mod files;

/// Password values that are documentation, not credentials.
const DOC_PASSWORDS: [&[u8]; 8] = [
    b"password",
    b"pass",
    b"passwd",
    b"pwd",
    b"secret",
    b"pw",
    b"pass123",
    b"mypassword",
];

/// Number of structural secret kinds (found by [`super::encoded`], not by
/// an anchor).
pub(crate) const STRUCT_KINDS: usize = 1;
/// Ids of the structural kinds.
pub(crate) const STRUCT_IDS: [&str; STRUCT_KINDS] = ["discord_bot_token"];

/// The severity of a secret rule id, `None` for an id that is not one.
/// Stripe test-mode keys are low (a leak costs a rotation, not money);
/// passwords and generic assignments medium (they are found by shape and
/// context, not by a format that proves them); every vendor token, private
/// key and cloud credential high.
pub(crate) fn severity(id: &str) -> Option<Severity> {
    match id {
        "stripe_test_key" => Some(Severity::Low),
        "password"
        | "generic_secret"
        | "env_secret"
        | "bearer_token"
        | "basic_auth"
        | "authorization_header"
        | "curl_user_password"
        | "netrc_password"
        | "pgpass_password"
        | "connection_string_password" => Some(Severity::Medium),
        _ if STRUCT_IDS.contains(&id) || rules().iter().any(|r| r.id == id) => Some(Severity::High),
        _ => None,
    }
}

/// The built-in secret rules, most specific first.
pub(crate) fn rules() -> Vec<Builtin> {
    fn tok(
        id: &'static str,
        anchors: &'static [&'static str],
        spec: &'static TokenSpec,
    ) -> Builtin {
        Builtin {
            id,
            family: Family::Secrets,
            anchors,
            case_sensitive: true,
            finder: Finder::Token(spec),
        }
    }
    fn func(
        id: &'static str,
        anchors: &'static [&'static str],
        case_sensitive: bool,
        f: super::patterns::FindFn,
    ) -> Builtin {
        Builtin {
            id,
            family: Family::Secrets,
            anchors,
            case_sensitive,
            finder: Finder::Func(f),
        }
    }
    fn multi(
        id: &'static str,
        anchors: &'static [&'static str],
        f: super::patterns::MultiFn,
    ) -> Builtin {
        Builtin {
            id,
            family: Family::Secrets,
            anchors,
            case_sensitive: true,
            finder: Finder::Multi(f),
        }
    }
    vec![
        // A service-account key is more specific than the PEM block it
        // holds: on the same span, it wins.
        func(
            "gcp_service_account_key",
            &["\"private_key\""],
            true,
            find_gcp_sa,
        ),
        func("private_key", &["-----BEGIN "], true, find_pem),
        tok(
            "aws_access_key",
            &["AKIA", "ASIA", "ABIA", "ACCA"],
            &AWS_KEY_ID,
        ),
        func(
            "aws_secret_key",
            &[
                "aws_secret_access_key",
                "secret_access_key",
                "secretaccesskey",
                "aws_secret_key",
                "aws_secret",
            ],
            false,
            find_aws_secret,
        ),
        tok("gcp_api_key", &["AIza"], &GCP_API_KEY),
        tok("google_oauth_token", &["ya29."], &GOOGLE_OAUTH),
        func(
            "azure_storage_key",
            &["accountkey="],
            false,
            find_azure_account_key,
        ),
        func(
            "azure_storage_key",
            &[
                "account-key",
                "account_key",
                "azure_storage_key",
                "storage_account_key",
            ],
            false,
            files::find_azure_key_option,
        ),
        func(
            "aws_session_token",
            &["aws_session_token", "aws_security_token"],
            false,
            files::find_aws_session_token,
        ),
        func(
            "azure_shared_access_key",
            &["sharedaccesskey="],
            false,
            find_azure_shared_key,
        ),
        func("azure_sas_token", &["sig="], true, find_azure_sas),
        tok(
            "github_token",
            &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
            &GITHUB_TOKEN,
        ),
        tok("github_pat", &["github_pat_"], &GITHUB_PAT),
        tok(
            "gitlab_token",
            &["glpat-", "gldt-", "glrt-", "glptt-"],
            &GITLAB,
        ),
        tok(
            "slack_token",
            &[
                "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xapp-",
            ],
            &SLACK,
        ),
        func(
            "slack_webhook",
            &["hooks.slack.com/"],
            true,
            find_slack_webhook,
        ),
        tok("stripe_key", &["sk_live_", "rk_live_"], &STRIPE),
        tok("stripe_test_key", &["sk_test_", "rk_test_"], &STRIPE),
        tok("groq_api_key", &["gsk_"], &GROQ),
        tok("replicate_api_token", &["r8_"], &REPLICATE),
        tok("google_oauth_client_secret", &["GOCSPX-"], &GOCSPX),
        func("mailchimp_api_key", &["-us"], true, find_mailchimp),
        func("telegram_bot_token", &[":AA"], true, find_telegram),
        func("anthropic_key", &["sk-ant-"], true, find_anthropic),
        func("openai_key", &["sk-"], true, find_openai),
        tok("huggingface_token", &["hf_"], &HUGGINGFACE),
        tok("npm_token", &["npm_"], &NPM),
        tok(
            "pypi_token",
            &["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"],
            &PYPI,
        ),
        tok("sendgrid_api_key", &["SG."], &SENDGRID),
        tok("twilio_api_key", &["SK"], &TWILIO),
        func(
            "twilio_auth_token",
            &["AC", "twilio", "Twilio", "TWILIO"],
            true,
            find_twilio_auth_token,
        ),
        tok(
            "shopify_token",
            &["shpat_", "shpca_", "shppa_", "shpss_"],
            &SHOPIFY,
        ),
        tok(
            "digitalocean_token",
            &["dop_v1_", "doo_v1_", "dor_v1_"],
            &DIGITALOCEAN,
        ),
        tok("databricks_token", &["dapi"], &DATABRICKS),
        tok("linear_api_key", &["lin_api_"], &LINEAR),
        tok("mailgun_api_key", &["key-"], &MAILGUN),
        tok("vault_token", &["hvs.", "hvb.", "hvr."], &VAULT),
        tok("age_secret_key", &["AGE-SECRET-KEY-1"], &AGE),
        func(
            "datadog_api_key",
            &[
                "dd_api_key",
                "datadog_api_key",
                "dd-api-key",
                "dd_app_key",
                "dd_application_key",
                "datadog_app_key",
                "dd-application-key",
            ],
            false,
            find_datadog,
        ),
        func("jwt", &["eyJ"], true, find_jwt),
        func(
            "connection_string_password",
            &["://"],
            true,
            find_url_password,
        ),
        multi(
            "k8s_secret",
            &[
                "kind: Secret",
                "kind: \"Secret\"",
                "\"kind\": \"Secret\"",
                "\"kind\":\"Secret\"",
            ],
            files::find_k8s_secret,
        ),
        func("bearer_token", &["bearer "], false, find_bearer),
        func("basic_auth", &["basic "], false, find_basic),
        func(
            "authorization_header",
            &["authorization"],
            false,
            files::find_authorization,
        ),
        func(
            "curl_user_password",
            &["curl"],
            false,
            files::find_curl_user,
        ),
        func("netrc_password", &["password"], false, files::find_netrc),
        func(
            "pgpass_password",
            &[
                ":5432:", ":5433:", ":5434:", ":5435:", ":6432:", ":26257:", ":25060:", ":*:",
            ],
            true,
            files::find_pgpass,
        ),
        func(
            "password",
            &["password", "passwd", "pwd", "passphrase"],
            false,
            find_password,
        ),
        func(
            "password",
            &["mysql", "mysqldump", "mysqladmin", "mariadb"],
            false,
            find_mysql_cli_password,
        ),
        func(
            "generic_secret",
            &[
                "secret",
                "token",
                "api_key",
                "apikey",
                "api-key",
                "access_key",
                "auth_key",
            ],
            false,
            find_generic_secret,
        ),
        func(
            "env_secret",
            &[
                "_KEY",
                "_TOKEN",
                "_SECRET",
                "_PASS",
                "_PASSWORD",
                "_PASSWD",
                "_PWD",
                "_AUTH",
                "_CREDENTIALS",
                "_PASSPHRASE",
                "_APIKEY",
            ],
            true,
            files::find_env_secret,
        ),
    ]
}

// ---------------------------------------------------------------------------
// Token specs.

fn is_base32_upper(c: u8) -> bool {
    c.is_ascii_uppercase() || (b'2'..=b'7').contains(&c)
}
fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}
fn is_dotted_b64url(c: u8) -> bool {
    is_b64url(c) || c == b'.'
}
fn is_slack(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}
fn is_lower_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}
fn is_upper_alnum(c: u8) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

fn random_30(t: &[u8]) -> bool {
    looks_random(t, 3.0)
}
fn random_35(t: &[u8]) -> bool {
    looks_random(t, 3.5)
}
fn random_40(t: &[u8]) -> bool {
    looks_random(t, 4.0)
}
fn no_check(_: &[u8]) -> bool {
    true
}

/// GitHub and npm tokens: 30 random base62 characters, then the CRC-32 of
/// those 30 as 6 base62 digits (`0-9A-Za-z`).
pub(crate) fn crc32_base62_ok(body: &[u8]) -> bool {
    let Some((random, check)) = body.split_at_checked(body.len().saturating_sub(6)) else {
        return false;
    };
    random.len() >= 20
        && !is_placeholder(random)
        && base62_decode(check) == Some(u64::from(crc32(random)))
}

fn slack_ok(t: &[u8]) -> bool {
    t.iter().filter(|&&c| c == b'-').count() >= 2
        && t.iter().any(u8::is_ascii_digit)
        && looks_random(t, 3.0)
}
fn sendgrid_ok(t: &[u8]) -> bool {
    t.get(22) == Some(&b'.') && t.iter().filter(|&&c| c == b'.').count() == 1 && random_35(t)
}
fn mailgun_ok(t: &[u8]) -> bool {
    t.iter().any(u8::is_ascii_digit) && t.iter().any(u8::is_ascii_lowercase) && random_35(t)
}

static AWS_KEY_ID: TokenSpec = TokenSpec {
    charset: is_base32_upper,
    min: 16,
    max: 16,
    check: random_30,
};
static GCP_API_KEY: TokenSpec = TokenSpec {
    charset: is_b64url,
    min: 35,
    max: 35,
    check: random_30,
};
static GOOGLE_OAUTH: TokenSpec = TokenSpec {
    charset: is_b64url,
    min: 30,
    max: 512,
    check: random_35,
};
static GITHUB_TOKEN: TokenSpec = TokenSpec {
    charset: is_alnum,
    min: 36,
    max: 36,
    check: crc32_base62_ok,
};
static NPM: TokenSpec = TokenSpec {
    charset: is_alnum,
    min: 36,
    max: 36,
    check: crc32_base62_ok,
};
static GITHUB_PAT: TokenSpec = TokenSpec {
    charset: is_word,
    min: 70,
    max: 100,
    check: random_40,
};
static GITLAB: TokenSpec = TokenSpec {
    charset: is_dotted_b64url,
    min: 20,
    max: 120,
    check: random_35,
};
static SLACK: TokenSpec = TokenSpec {
    charset: is_slack,
    min: 10,
    max: 250,
    check: slack_ok,
};
static STRIPE: TokenSpec = TokenSpec {
    charset: is_alnum,
    min: 20,
    max: 247,
    check: random_35,
};
static HUGGINGFACE: TokenSpec = TokenSpec {
    charset: is_alnum,
    min: 30,
    max: 40,
    check: random_35,
};
static PYPI: TokenSpec = TokenSpec {
    charset: is_b64url,
    min: 50,
    max: 400,
    check: random_35,
};
static SENDGRID: TokenSpec = TokenSpec {
    charset: is_dotted_b64url,
    min: 66,
    max: 66,
    check: sendgrid_ok,
};
static TWILIO: TokenSpec = TokenSpec {
    charset: is_hex_lower,
    min: 32,
    max: 32,
    check: random_30,
};
static SHOPIFY: TokenSpec = TokenSpec {
    charset: is_hex_lower,
    min: 32,
    max: 32,
    check: random_30,
};
static DIGITALOCEAN: TokenSpec = TokenSpec {
    charset: is_hex_lower,
    min: 64,
    max: 64,
    check: random_30,
};
static DATABRICKS: TokenSpec = TokenSpec {
    charset: is_hex_lower,
    min: 32,
    max: 32,
    check: random_30,
};
static LINEAR: TokenSpec = TokenSpec {
    charset: is_alnum,
    min: 40,
    max: 40,
    check: random_35,
};
static MAILGUN: TokenSpec = TokenSpec {
    charset: is_lower_alnum,
    min: 32,
    max: 32,
    check: mailgun_ok,
};
static VAULT: TokenSpec = TokenSpec {
    charset: is_b64url,
    min: 24,
    max: 256,
    check: random_35,
};
/// Groq: `gsk_` and 52 base62 characters.
static GROQ: TokenSpec = TokenSpec {
    charset: is_alnum,
    min: 52,
    max: 52,
    check: random_40,
};
/// Replicate: `r8_` and 37 base62 characters (36 to 40 accepted).
static REPLICATE: TokenSpec = TokenSpec {
    charset: is_alnum,
    min: 36,
    max: 40,
    check: random_35,
};
/// Google OAuth client secrets: `GOCSPX-` and 28 base64url characters.
static GOCSPX: TokenSpec = TokenSpec {
    charset: is_b64url,
    min: 24,
    max: 32,
    check: random_35,
};
static AGE: TokenSpec = TokenSpec {
    charset: is_upper_alnum,
    min: 58,
    max: 58,
    check: no_check,
};

// ---------------------------------------------------------------------------
// Scanners.

/// `-----BEGIN <...>PRIVATE KEY-----` to its `-----END` line.
fn find_pem(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    const MAX_BLOCK: usize = 16 * 1024;
    let b = ctx.bytes();
    let head = b.get(a_end..)?;
    let label_len = memchr::memmem::find(head.get(..head.len().min(48))?, b"-----")?;
    let label = head.get(..label_len)?;
    if !(label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK")) {
        return None;
    }
    let body_start = a_end.checked_add(label_len)?.checked_add(5)?;
    // The next `-----END ` at or after body_start, memoised for the scan so
    // many BEGIN lines cost one search.
    let next_end = match ctx.pem_end.get() {
        Some((from, found)) if from <= body_start && found.is_none_or(|q| q >= body_start) => found,
        _ => {
            let found = b
                .get(body_start..)
                .and_then(|t| memchr::memmem::find(t, b"-----END "))
                .and_then(|q| body_start.checked_add(q));
            ctx.pem_end.set(Some((body_start, found)));
            found
        }
    };
    let base64_count = |range: &[u8]| range.iter().filter(|&&c| is_b64(c)).count();
    if let Some(q) = next_end.filter(|q| q.saturating_sub(body_start) <= MAX_BLOCK) {
        let label_at = q.checked_add(9)?;
        let after = b.get(label_at..)?;
        if after.starts_with(label) && after.get(label.len()..)?.starts_with(b"-----") {
            let end = label_at.checked_add(label.len())?.checked_add(5)?;
            if base64_count(b.get(body_start..q)?) >= 64 {
                return Some((a_start, end));
            }
            return None;
        }
    }
    // No end line: the header and the key body that follows.
    let body = run_len(
        b,
        body_start,
        |c| {
            is_b64(c)
                || matches!(
                    c,
                    b'=' | b'\r' | b'\n' | b' ' | b'\t' | b'\\' | b':' | b',' | b'-'
                )
        },
        MAX_BLOCK,
    );
    let end = body_start.checked_add(body)?;
    let slice = b.get(body_start..end)?;
    let trimmed = slice.len().saturating_sub(
        slice
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_whitespace() || **c == b'-' || **c == b'\\')
            .count(),
    );
    (base64_count(slice) >= 64).then_some((a_start, body_start.checked_add(trimmed)?))
}

/// A service-account JSON: the `"private_key": "..."` string value.
fn find_gcp_sa(ctx: &Ctx<'_>, _a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let b = ctx.bytes();
    let mut p = a_end;
    p = p.saturating_add(run_len(b, p, |c| c == b' ' || c == b'\t', 8));
    if ctx.at(p) != b':' {
        return None;
    }
    p = p.saturating_add(1);
    p = p.saturating_add(run_len(b, p, |c| c == b' ' || c == b'\t', 8));
    if ctx.at(p) != b'"' {
        return None;
    }
    let start = p.saturating_add(1);
    let mut i = start;
    let limit = start.saturating_add(8192).min(b.len());
    while i < limit {
        match ctx.at(i) {
            b'\\' => i = i.saturating_add(2),
            b'"' => {
                let value = b.get(start..i)?;
                return memchr::memmem::find(value, b"PRIVATE KEY")
                    .is_some()
                    .then_some((start, i));
            }
            b'\n' => return None,
            _ => i = i.saturating_add(1),
        }
    }
    None
}

/// The value of a `key <sep> value` assignment, found from a keyword anchor.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Assignment {
    /// The whole key identifier around the anchor.
    pub key: (usize, usize),
    /// The value, without quotes.
    pub value: (usize, usize),
    /// The value was quoted.
    pub quoted: bool,
    /// `the password is X`: prose, so the value must look stronger.
    pub natural: bool,
    /// `the wifi password for the guest network is X`: words between the
    /// key and `is`, so the value must look stronger still.
    pub gap: bool,
}

/// Words between a key and `is` in prose: at most this many...
const GAP_WORDS: usize = 6;
/// ...within this many bytes.
const GAP_BYTES: usize = 48;

/// `password for the guest network is`: from `p` (just after the key),
/// up to [`GAP_WORDS`] plain lowercase words on the same line, then `is ` or
/// `was `. The position after it, or `None`. A word that describes the
/// secret rather than naming what it protects (`policy`, `length`, `hash`,
/// `must`, `not`...) ends the search: then the value is not the secret.
fn prose_gap(b: &[u8], p: usize) -> Option<usize> {
    const STOP: [&[u8]; 12] = [
        b"not", b"must", b"should", b"will", b"can", b"cannot", b"never", b"that", b"which", b"if",
        b"when", b"you",
    ];
    let mut q = p;
    if b.get(q) != Some(&b' ') {
        return None;
    }
    for _ in 0..=GAP_WORDS {
        q = q.saturating_add(1);
        if q.saturating_sub(p) > GAP_BYTES {
            return None;
        }
        let w = run_len(b, q, |c| c.is_ascii_lowercase() || c == b'-', 24);
        let word = b.get(q..q.saturating_add(w))?;
        if word.is_empty() {
            return None;
        }
        let end = q.saturating_add(w);
        if b.get(end) != Some(&b' ') {
            return None;
        }
        if word == b"is" || word == b"was" {
            return (q > p.saturating_add(1)).then_some(end.saturating_add(1));
        }
        if STOP.contains(&word) || key_is_metadata(word) {
            return None;
        }
        q = end;
    }
    None
}

/// `name: KEY` then `value: X` (a Kubernetes or Compose env list, also
/// `{"name": "KEY", "value": "X"}` and `Name=KEY,Value=X`): the key is the
/// value of a `name` field, the secret is in the `value` field that follows
/// (on the same line or the next ones, within 96 bytes). Given the key's
/// start `ks` and the position `p` after its closing quote, the position
/// after the `value` field's separator.
fn name_value_form(ctx: &Ctx<'_>, ks: usize, p: usize) -> Option<usize> {
    let b = ctx.bytes();
    // Before the key: `name` + optional quote + spaces + `:`/`=` + spaces +
    // optional quote.
    let mut j = ks;
    if matches!(ctx.before(j), b'"' | b'\'') {
        j = j.saturating_sub(1);
    }
    let mut n = 0usize;
    while n < 6 && matches!(ctx.before(j), b' ' | b'\t') {
        j = j.saturating_sub(1);
        n = n.saturating_add(1);
    }
    if !matches!(ctx.before(j), b':' | b'=') {
        return None;
    }
    j = j.saturating_sub(1);
    n = 0;
    while n < 6 && matches!(ctx.before(j), b' ' | b'\t') {
        j = j.saturating_sub(1);
        n = n.saturating_add(1);
    }
    if matches!(ctx.before(j), b'"' | b'\'') {
        j = j.saturating_sub(1);
    }
    let name_start = j.checked_sub(4)?;
    if !b.get(name_start..j)?.eq_ignore_ascii_case(b"name") || is_key_byte(ctx.before(name_start)) {
        return None;
    }
    // After the key: spaces, an optional comma, any whitespace (newlines
    // too), an optional `- ` is NOT allowed (that is the next list item),
    // then `value` + optional quote + spaces + `:`/`=`.
    let mut q = p.saturating_add(run_len(b, p, |c| c == b' ' || c == b'\t', 8));
    if ctx.at(q) == b',' {
        q = q.saturating_add(1);
    }
    q = q.saturating_add(run_len(b, q, |c| c.is_ascii_whitespace(), 96));
    if matches!(ctx.at(q), b'"' | b'\'') {
        q = q.saturating_add(1);
    }
    if !b.get(q..q.checked_add(5)?)?.eq_ignore_ascii_case(b"value") {
        return None;
    }
    q = q.saturating_add(5);
    if matches!(ctx.at(q), b'"' | b'\'') {
        q = q.saturating_add(1);
    }
    q = q.saturating_add(run_len(b, q, |c| c == b' ' || c == b'\t', 6));
    match ctx.at(q) {
        b':' | b'=' => Some(q.saturating_add(1)),
        _ => None,
    }
}

fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
}

/// Parse `key = value`, `key: value`, `"key": "value"`, `key := value`,
/// `key => value`, `<key>value<`, `--key value`, `key is value` around an
/// anchor inside `key`.
pub(crate) fn parse_assignment(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<Assignment> {
    let b = ctx.bytes();
    let mut ks = a_start;
    let mut n = 0usize;
    while ks > 0 && n < 48 && is_key_byte(ctx.before(ks)) {
        ks = ks.saturating_sub(1);
        n = n.saturating_add(1);
    }
    let ke = a_end.saturating_add(run_len(b, a_end, is_key_byte, 48));
    // `${DB_PASSWORD:-default}`, `{{ .Values.password }}`: the key is a
    // variable being referenced, not assigned.
    if matches!(ctx.before(ks), b'{' | b'$')
        || (ctx.before(ks) == b'.' && ctx.before(ks.saturating_sub(1)) == b' ')
    {
        return None;
    }
    let key_start_plain = ks.saturating_add(run_len(b, ks, |c| c == b'-', 2));
    let dashes = key_start_plain.saturating_sub(ks);
    let mut p = ke;
    // Closing quote of the key (also JSON-escaped `\"`).
    if ctx.at(p) == b'\\' && ctx.at(p.saturating_add(1)) == b'"' {
        p = p.saturating_add(2);
    } else if matches!(ctx.at(p), b'"' | b'\'' | b'`') {
        p = p.saturating_add(1);
    }
    let ws = |p: usize| p.saturating_add(run_len(b, p, |c| c == b' ' || c == b'\t', 6));
    let q = ws(p);
    let mut natural = false;
    let mut gap = false;
    let xml = ctx.before(ks) == b'<';
    let after_sep = match (ctx.at(q), ctx.at(q.saturating_add(1))) {
        (b':', b'=') | (b'=', b'>') => q.saturating_add(2),
        (b'=', b'=') | (b':', b':') => return None,
        (b'=', _) | (b':', _) => q.saturating_add(1),
        (b'>', _) if xml && q == p => q.saturating_add(1),
        _ => {
            let rest = b.get(q..)?;
            if q > p && (rest.starts_with(b"is ") || rest.starts_with(b"was ")) {
                natural = true;
                q.saturating_add(if rest.starts_with(b"is ") { 3 } else { 4 })
            } else if q > p && dashes == 2 {
                q
            } else if let Some(after) = name_value_form(ctx, ks, p) {
                after
            } else if let Some(after) = prose_gap(b, p) {
                natural = true;
                gap = true;
                after
            } else {
                return None;
            }
        }
    };
    let mut v = ws(after_sep);
    let (close, quoted): (&[u8], bool) =
        if ctx.at(v) == b'\\' && ctx.at(v.saturating_add(1)) == b'"' {
            v = v.saturating_add(2);
            (b"\\\"", true)
        } else {
            match ctx.at(v) {
                b'"' => {
                    v = v.saturating_add(1);
                    (b"\"", true)
                }
                b'\'' => {
                    v = v.saturating_add(1);
                    (b"'", true)
                }
                b'`' => {
                    v = v.saturating_add(1);
                    (b"`", true)
                }
                _ => (b"", false),
            }
        };
    let value_end = if quoted {
        let window = b.get(v..v.saturating_add(256).min(b.len()))?;
        let rel = memchr::memmem::find(window, close)?;
        if window.get(..rel)?.contains(&b'\n') {
            return None;
        }
        v.saturating_add(rel)
    } else {
        let stop = |c: u8| {
            c.is_ascii_whitespace()
                || matches!(
                    c,
                    b',' | b';'
                        | b'&'
                        | b'"'
                        | b'\''
                        | b'<'
                        | b'>'
                        | b'('
                        | b')'
                        | b'['
                        | b']'
                        | b'{'
                        | b'}'
                        | b'`'
                )
        };
        let mut e = v.saturating_add(run_len(b, v, |c| !stop(c), 256));
        if natural || xml {
            while e > v
                && matches!(
                    ctx.at(e.saturating_sub(1)),
                    b'.' | b',' | b'!' | b'?' | b':'
                )
            {
                e = e.saturating_sub(1);
            }
        }
        e
    };
    if value_end <= v {
        return None;
    }
    Some(Assignment {
        key: (ks, ke),
        value: (v, value_end),
        quoted,
        natural,
        gap,
    })
}

/// Keys that hold metadata about a secret, not the secret.
fn key_is_metadata(key: &[u8]) -> bool {
    const WORDS: [&[u8]; 30] = [
        b"hash",
        b"length",
        b"len",
        b"policy",
        b"min",
        b"max",
        b"reset",
        b"expir",
        b"field",
        b"label",
        b"hint",
        b"prompt",
        b"placeholder",
        b"type",
        b"regex",
        b"pattern",
        b"rule",
        b"requir",
        b"strength",
        b"count",
        b"limit",
        b"file",
        b"path",
        b"usage",
        b"tokeniz",
        b"tokens",
        b"name",
        b"_id",
        b"format",
        b"url",
    ];
    let k = key.to_ascii_lowercase();
    WORDS.iter().any(|w| memchr::memmem::find(&k, w).is_some())
}

/// A vendor token whose format carries a checksum, with a wrong one: a
/// hand-made fixture the vendor never issued (`ghp_` + 36 characters
/// failing their CRC-32, npm likewise). No rule reports it, the
/// assignment rules included.
fn checksum_invalid_token(v: &[u8]) -> bool {
    const PREFIXES: [&[u8]; 6] = [b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"npm_"];
    PREFIXES.iter().any(|p| {
        v.strip_prefix(*p).is_some_and(|body| {
            body.len() == 36 && body.iter().all(u8::is_ascii_alphanumeric) && !crc32_base62_ok(body)
        })
    })
}

/// A value that refers to a secret rather than holding one.
fn value_is_reference(v: &[u8], quoted: bool) -> bool {
    if checksum_invalid_token(v) {
        return true;
    }
    let first = v.first().copied().unwrap_or(b' ');
    if matches!(
        first,
        b'$' | b'%' | b'{' | b'[' | b'(' | b'<' | b'/' | b'~' | b'@' | b'*'
    ) {
        return true;
    }
    if v.contains(&b'(') || memchr::memmem::find(v, b"://").is_some() {
        return true;
    }
    // A YAML tag (`!vault |`, `!Ref DbPassword`, `!secret db_pw`, `!env_var
    // X`): the value is whatever the tag resolves, not these bytes.
    if let Some((b'!', tag)) = v.split_first() {
        if !tag.is_empty() && tag.iter().all(|c| c.is_ascii_alphabetic() || *c == b'_') {
            return true;
        }
    }
    // A lowercase path (`kv/data/app:db_password`, `prod/payments/stripe`):
    // the name of a secret in a vault or secret manager. Random secrets that
    // hold `/` are base64 and mix cases.
    if v.contains(&b'/')
        && v.iter().any(u8::is_ascii_lowercase)
        && v.iter().all(|c| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || matches!(c, b'_' | b'-' | b'.' | b':' | b'/')
        })
    {
        return true;
    }
    if !quoted {
        // An identifier or dotted path: `request.form`, `None`, `str`.
        if v.iter()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'.' | b'-'))
        {
            return true;
        }
        if v.starts_with(b"./") || v.starts_with(b"os.") || v.starts_with(b"process.") {
            return true;
        }
    }
    false
}

fn password_value_ok(a: &Assignment, v: &[u8]) -> bool {
    let min = if a.natural { 8 } else { 6 };
    if v.len() < min || v.len() > 128 || is_placeholder(v) || value_is_reference(v, a.quoted) {
        return false;
    }
    let classes = char_classes(v);
    if a.gap {
        return classes >= 3 && !v.contains(&b' ') && entropy(v) >= 3.0;
    }
    if a.natural {
        return classes >= 2 && v.iter().any(|c| !c.is_ascii_alphabetic()) && !v.contains(&b' ');
    }
    if v.contains(&b' ') && classes < 3 {
        return false;
    }
    classes >= 2
}

fn find_password(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let a = parse_assignment(ctx, a_start, a_end)?;
    let key = ctx.bytes().get(a.key.0..a.key.1)?;
    if key_is_metadata(key) {
        return None;
    }
    let v = ctx.bytes().get(a.value.0..a.value.1)?;
    password_value_ok(&a, v).then_some(a.value)
}

/// `mysql -u root -pS3cr3t!` / `-p'S3cr3t!'`: the MySQL clients take the
/// password glued to `-p` (a space after `-p` means "prompt", and the next
/// word is the database). From a client-name anchor, the same line's first
/// `-p` option within 256 bytes.
fn find_mysql_cli_password(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let b = ctx.bytes();
    if is_key_byte(ctx.before(a_start)) && ctx.before(a_start) != b'-' {
        return None;
    }
    let line_end = a_end.saturating_add(run_len(b, a_end, |c| c != b'\n', 256));
    let line = b.get(a_end..line_end)?;
    let rel = memchr::memmem::find(line, b" -p")?;
    let mut v = a_end.checked_add(rel)?.checked_add(3)?;
    let close = match ctx.at(v) {
        q @ (b'\'' | b'"') => {
            v = v.saturating_add(1);
            Some(q)
        }
        _ => None,
    };
    let e = match close {
        Some(q) => v.saturating_add(run_len(b, v, |c| c != q && c != b'\n', 128)),
        None => v.saturating_add(run_len(
            b,
            v,
            |c| !c.is_ascii_whitespace() && c != b';',
            128,
        )),
    };
    if close.is_some_and(|q| ctx.at(e) != q) {
        return None;
    }
    let val = b.get(v..e)?;
    let a = Assignment {
        key: (a_start, a_end),
        value: (v, e),
        quoted: close.is_some(),
        natural: false,
        gap: false,
    };
    password_value_ok(&a, val).then_some((v, e))
}

/// Mailchimp: `<32 lowercase hex>-us<N>` (the data-centre suffix, 1 or 2
/// digits). From the `-us` anchor: the 32 hex before it, standing alone.
fn find_mailchimp(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let b = ctx.bytes();
    let s = a_start.checked_sub(32)?;
    let key = b.get(s..a_start)?;
    if !key.iter().all(|&c| is_hex_lower(c)) || is_b64url(ctx.before(s)) {
        return None;
    }
    let n = run_len(b, a_end, |c| c.is_ascii_digit(), 3);
    let e = a_end.checked_add(n)?;
    let ok = (1..=2).contains(&n) && !is_b64url(ctx.at(e)) && looks_random(key, 3.0);
    ok.then_some((s, e))
}

/// Telegram bot tokens: `<bot id>:<35 base64url>`, the id 8 to 10 digits,
/// the secret starting `AA` (every token BotFather issues today). Also
/// inside Bot API URLs (`api.telegram.org/bot<token>/`): the id may follow
/// `bot`. The id and secret, not the `bot` prefix.
fn find_telegram(ctx: &Ctx<'_>, a_start: usize, _a_end: usize) -> Option<(usize, usize)> {
    let b = ctx.bytes();
    let mut ds = a_start;
    while ds > 0 && a_start.saturating_sub(ds) <= 10 && ctx.before(ds).is_ascii_digit() {
        ds = ds.saturating_sub(1);
    }
    let nd = a_start.saturating_sub(ds);
    if !(8..=10).contains(&nd) {
        return None;
    }
    let pre = ctx.before(ds);
    let after_bot = ds >= 3
        && b.get(ds.saturating_sub(3)..ds)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"bot"));
    if (pre.is_ascii_alphanumeric() || pre == b'_') && !after_bot {
        return None;
    }
    let s = a_start.checked_add(1)?;
    let n = run_len(b, s, is_b64url, 36);
    let secret = b.get(s..s.checked_add(n)?)?;
    (n == 35 && looks_random(secret, 3.5)).then_some((ds, s.checked_add(n)?))
}

/// Twilio auth tokens: 32 lowercase hex, which alone look like any hash,
/// so only with Twilio context: after an account SID (`AC` + 32 hex, the
/// token's usual companion: `Client("AC...", "<token>")`) or after the word
/// `twilio`, the first standalone 32-hex run on the same line within 96
/// bytes. The SID itself is an identifier, not a secret.
fn find_twilio_auth_token(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let b = ctx.bytes();
    if ctx.before(a_start).is_ascii_alphanumeric() {
        return None;
    }
    let from = if b.get(a_start..a_end) == Some(b"AC") {
        let n = run_len(b, a_end, is_hex_lower, 33);
        if n != 32 {
            return None;
        }
        a_end.saturating_add(n)
    } else {
        a_end
    };
    if ctx.at(from).is_ascii_alphanumeric() {
        return None;
    }
    let limit = from.saturating_add(96).min(b.len());
    let mut i = from;
    while i < limit {
        let c = ctx.at(i);
        if c == b'\n' {
            return None;
        }
        if c.is_ascii_alphanumeric() {
            let n = run_len(b, i, |c| c.is_ascii_alphanumeric(), 64);
            let e = i.saturating_add(n);
            let tok = b.get(i..e)?;
            if n == 32
                && tok.iter().all(|&c| is_hex_lower(c))
                && !ctx.before(i).is_ascii_alphanumeric()
                && looks_random(tok, 3.0)
            {
                return Some((i, e));
            }
            i = e;
        } else {
            i = i.saturating_add(1);
        }
    }
    None
}

fn find_generic_secret(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let a = parse_assignment(ctx, a_start, a_end)?;
    if a.natural {
        return None;
    }
    let key = ctx.bytes().get(a.key.0..a.key.1)?;
    if key_is_metadata(key) {
        return None;
    }
    let v = ctx.bytes().get(a.value.0..a.value.1)?;
    let ok = v.len() >= 12
        && v.len() <= 256
        && !v.contains(&b' ')
        && !is_placeholder(v)
        && !value_is_reference(v, a.quoted)
        && char_classes(v) >= 2
        && entropy(v) >= 3.0;
    ok.then_some(a.value)
}

fn find_aws_secret(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let a = parse_assignment(ctx, a_start, a_end)?;
    let v = ctx.bytes().get(a.value.0..a.value.1)?;
    let ok = v.len() == 40
        && v.iter().all(|&c| is_b64(c))
        && char_classes(v) >= 2
        && looks_random(v, 4.0);
    ok.then_some(a.value)
}

fn find_datadog(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let a = parse_assignment(ctx, a_start, a_end)?;
    let v = ctx.bytes().get(a.value.0..a.value.1)?;
    let ok = (v.len() == 32 || v.len() == 40)
        && v.iter().all(|&c| is_hex_lower(c))
        && looks_random(v, 3.0);
    ok.then_some(a.value)
}

/// `AccountKey=<86 base64>==`: the value.
fn find_azure_account_key(ctx: &Ctx<'_>, _a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let n = run_len(ctx.bytes(), a_end, |c| is_b64(c) || c == b'=', 100);
    let v = ctx.bytes().get(a_end..a_end.checked_add(n)?)?;
    ((86..=90).contains(&n) && looks_random(v, 4.0)).then_some((a_end, a_end.checked_add(n)?))
}

/// `SharedAccessKey=<44 base64>`: the value.
fn find_azure_shared_key(ctx: &Ctx<'_>, _a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let n = run_len(ctx.bytes(), a_end, |c| is_b64(c) || c == b'=', 60);
    let v = ctx.bytes().get(a_end..a_end.checked_add(n)?)?;
    ((43..=46).contains(&n) && looks_random(v, 4.0)).then_some((a_end, a_end.checked_add(n)?))
}

/// A SAS URL's `sig=`: only in a query that also has `sv=`/`sp=`/`se=`.
fn find_azure_sas(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    if !matches!(ctx.before(a_start), b'?' | b'&') {
        return None;
    }
    if !context_has(ctx, a_start, 256, &["sv=", "sp=", "se=", "spr="]) {
        return None;
    }
    let n = run_len(
        ctx.bytes(),
        a_end,
        |c| is_b64(c) || matches!(c, b'%' | b'='),
        128,
    );
    let v = ctx.bytes().get(a_end..a_end.checked_add(n)?)?;
    ((30..=128).contains(&n) && looks_random(v, 3.5)).then_some((a_end, a_end.checked_add(n)?))
}

/// `https://hooks.slack.com/services/T../B../...`: the whole URL.
fn find_slack_webhook(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let b = ctx.bytes();
    let n = run_len(b, a_end, |c| c.is_ascii_alphanumeric() || c == b'/', 200);
    let path = b.get(a_end..a_end.checked_add(n)?)?;
    let mut segs = path.split(|&c| c == b'/');
    let kind = segs.next()?;
    if !matches!(kind, b"services" | b"workflows" | b"triggers") {
        return None;
    }
    let rest: Vec<&[u8]> = segs.filter(|s| !s.is_empty()).collect();
    let last = rest.last()?;
    if rest.len() < 3 || last.len() < 20 || !looks_random(last, 3.5) {
        return None;
    }
    let start = if a_start >= 8 && b.get(a_start.saturating_sub(8)..a_start) == Some(b"https://") {
        a_start.saturating_sub(8)
    } else {
        a_start
    };
    Some((start, a_end.checked_add(n)?))
}

/// `sk-ant-api03-...`, `sk-ant-admin01-...`.
fn find_anthropic(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    if is_b64url(ctx.before(a_start)) {
        return None;
    }
    let n = run_len(ctx.bytes(), a_end, is_b64url, 301);
    let body = ctx.bytes().get(a_end..a_end.checked_add(n)?)?;
    ((40..=300).contains(&n) && looks_random(body, 3.5)).then_some((a_start, a_end.checked_add(n)?))
}

/// `sk-proj-`, `sk-svcacct-`, `sk-admin-`, `sk-None-` keys, and legacy
/// `sk-` keys (48 characters holding `T3BlbkFJ`, base64 of `OpenAI`).
fn find_openai(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    if is_b64url(ctx.before(a_start)) {
        return None;
    }
    let n = run_len(ctx.bytes(), a_end, is_b64url, 301);
    let body = ctx.bytes().get(a_end..a_end.checked_add(n)?)?;
    if body.starts_with(b"ant-") || n > 300 {
        return None;
    }
    let marker = memchr::memmem::find(body, b"T3BlbkFJ").is_some();
    let prefixed = [&b"proj-"[..], b"svcacct-", b"admin-", b"None-"]
        .iter()
        .find(|p| body.starts_with(p))
        .map(|p| p.len());
    let ok = match prefixed {
        Some(plen) => {
            let rest = body.get(plen..).unwrap_or_default();
            rest.len() >= 40 && looks_random(rest, 3.5)
        }
        None => marker && n >= 40 && looks_random(body, 3.5),
    };
    ok.then_some((a_start, a_end.checked_add(n)?))
}

/// Three base64url parts; the header decodes to a JSON object with `alg`.
fn find_jwt(ctx: &Ctx<'_>, a_start: usize, _a_end: usize) -> Option<(usize, usize)> {
    let prev = ctx.before(a_start);
    if is_b64url(prev) || prev == b'.' {
        return None;
    }
    let b = ctx.bytes();
    let h = run_len(b, a_start, is_b64url, 2049);
    let dot1 = a_start.checked_add(h)?;
    if !(10..=2048).contains(&h) || ctx.at(dot1) != b'.' {
        return None;
    }
    let p_start = dot1.checked_add(1)?;
    let p = run_len(b, p_start, is_b64url, 16385);
    let dot2 = p_start.checked_add(p)?;
    if !(2..=16384).contains(&p) || ctx.at(dot2) != b'.' {
        return None;
    }
    let s_start = dot2.checked_add(1)?;
    let s = run_len(b, s_start, is_b64url, 2049);
    if s > 2048 {
        return None;
    }
    let header = b.get(a_start..dot1)?;
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .ok()?;
    let obj: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&decoded).ok()?;
    obj.contains_key("alg")
        .then_some((a_start, s_start.checked_add(s)?))
}

/// Schemes whose URLs carry credentials in their userinfo.
const URL_SCHEMES: [&[u8]; 40] = [
    b"postgres",
    b"postgresql",
    b"mysql",
    b"mariadb",
    b"mongodb",
    b"mongodb+srv",
    b"redis",
    b"rediss",
    b"amqp",
    b"amqps",
    b"mssql",
    b"sqlserver",
    b"oracle",
    b"clickhouse",
    b"cockroachdb",
    b"couchdb",
    b"neo4j",
    b"neo4j+s",
    b"bolt",
    b"cassandra",
    b"elasticsearch",
    b"kafka",
    b"nats",
    b"mqtt",
    b"mqtts",
    b"memcached",
    b"snowflake",
    b"db2",
    b"ftp",
    b"ftps",
    b"sftp",
    b"smtp",
    b"smtps",
    b"imap",
    b"imaps",
    b"ldap",
    b"ldaps",
    b"http",
    b"https",
    b"ssh",
];

/// `scheme://user:password@host`: the password.
fn find_url_password(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    let b = ctx.bytes();
    // Both readings of the authority below (the strict one and
    // [`relaxed_userinfo`]) lie within this run and need an `@` in it:
    // a URL without one, nearly every URL in prose, is settled here,
    // before its scheme is read and copied.
    let run = run_len(b, a_end, in_relaxed_authority, 256);
    memchr::memchr(b'@', b.get(a_end..a_end.checked_add(run)?)?)?;
    let mut s = a_start;
    while s > 0
        && a_start.saturating_sub(s) < 32
        && ctx
            .before(s)
            .is_ascii_alphanumeric()
            .then_some(())
            .or_else(|| matches!(ctx.before(s), b'+' | b'.' | b'-').then_some(()))
            .is_some()
    {
        s = s.saturating_sub(1);
    }
    let scheme = b.get(s..a_start)?.to_ascii_lowercase();
    // `mysql+pymysql://`, `postgresql+psycopg2://` (SQLAlchemy driver
    // suffixes): the part before the first `+` names the service.
    let base = scheme.split(|&c| c == b'+').next().unwrap_or_default();
    if !URL_SCHEMES.contains(&scheme.as_slice()) && !URL_SCHEMES.contains(&base) {
        return None;
    }
    let n = run_len(
        b,
        a_end,
        |c| {
            !(c.is_ascii_whitespace()
                || matches!(
                    c,
                    b'/' | b'?' | b'#' | b'"' | b'\'' | b'<' | b'>' | b'`' | b'\\'
                ))
        },
        256,
    );
    let authority = b.get(a_end..a_end.checked_add(n)?)?;
    let (userinfo, at, relaxed) = match memchr::memrchr(b'@', authority) {
        Some(at) => (authority.get(..at)?, at, false),
        None => relaxed_userinfo(b, a_end)?,
    };
    let colon = memchr::memchr(b':', userinfo)?;
    let pw = userinfo.get(colon.checked_add(1)?..)?;
    if pw.is_empty() || is_placeholder(pw) || value_is_reference(pw, true) {
        return None;
    }
    if relaxed && char_classes(pw) < 2 {
        return None;
    }
    let lower = pw.to_ascii_lowercase();
    if DOC_PASSWORDS.contains(&lower.as_slice()) {
        return None;
    }
    let start = a_end.checked_add(colon)?.checked_add(1)?;
    Some((start, a_end.checked_add(at)?))
}

/// Passwords are often pasted into URLs unencoded, with `#` or `?` in them
/// (`redis://:ab#cd@host`), where a strict parser ends the authority. This
/// second reading lets `#` and `?` into the userinfo (still not `/`, space or
/// quotes), and accepts the result only if it is shaped like credentials: a
/// plain user name (or none) before the first `:`, no `?key=` query before
/// the `@`, and a host name right after it. Returns the userinfo, the `@`'s
/// offset from `from`, and `true`.
fn relaxed_userinfo(b: &[u8], from: usize) -> Option<(&[u8], usize, bool)> {
    let n = run_len(b, from, in_relaxed_authority, 256);
    let authority = b.get(from..from.checked_add(n)?)?;
    let at = memchr::memrchr(b'@', authority)?;
    let userinfo = authority.get(..at)?;
    let colon = memchr::memchr(b':', userinfo)?;
    let user = userinfo.get(..colon)?;
    if !user
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-' | b'%'))
    {
        return None;
    }
    let pw = userinfo.get(colon.checked_add(1)?..)?;
    if let Some(qm) = memchr::memchr(b'?', pw) {
        if pw.get(qm..).is_some_and(|t| t.contains(&b'=')) {
            return None;
        }
    }
    let host = authority.get(at.checked_add(1)?..)?;
    let first = host.first().copied().unwrap_or(0);
    if !(first.is_ascii_alphanumeric() || first == b'[') {
        return None;
    }
    Some((userinfo, at, true))
}

/// The bytes [`relaxed_userinfo`]'s authority is made of: all but
/// whitespace, `/`, `"`, `'`, a backtick, `<`, `>` and `\` (the strict
/// reading also stops at `?` and `#`).
fn in_relaxed_authority(c: u8) -> bool {
    !(c.is_ascii_whitespace() || matches!(c, b'/' | b'"' | b'\'' | b'<' | b'>' | b'`' | b'\\'))
}

/// `Bearer <token>`.
fn find_bearer(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    if ctx.before(a_start).is_ascii_alphanumeric() {
        return None;
    }
    let n = run_len(
        ctx.bytes(),
        a_end,
        |c| is_b64url(c) || matches!(c, b'.' | b'~' | b'+' | b'/' | b'='),
        4097,
    );
    let v = ctx.bytes().get(a_end..a_end.checked_add(n)?)?;
    let ok = (16..=4096).contains(&n) && char_classes(v) >= 2 && looks_random(v, 3.0);
    ok.then_some((a_end, a_end.checked_add(n)?))
}

/// `Authorization: Basic <base64 of user:password>`.
fn find_basic(ctx: &Ctx<'_>, a_start: usize, a_end: usize) -> Option<(usize, usize)> {
    if !context_has(ctx, a_start, 32, &["authorization"]) {
        return None;
    }
    let n = run_len(ctx.bytes(), a_end, |c| is_b64(c) || c == b'=', 513);
    let v = ctx.bytes().get(a_end..a_end.checked_add(n)?)?;
    if !(8..=512).contains(&n) {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(v).ok()?;
    let colon = memchr::memchr(b':', &decoded)?;
    let pw = decoded.get(colon.checked_add(1)?..)?;
    (!pw.is_empty() && !is_placeholder(pw)).then_some((a_end, a_end.checked_add(n)?))
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
pub(crate) mod tests {
    use super::*;

    /// A GitHub-format token for tests: prefix + 30 chars + CRC-32 base62.
    pub(crate) fn checksummed(prefix: &str, random30: &str) -> String {
        assert_eq!(random30.len(), 30);
        let mut crc = u64::from(crc32(random30.as_bytes()));
        const ALPHA: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut out = [b'0'; 6];
        for slot in out.iter_mut().rev() {
            *slot = ALPHA[(crc % 62) as usize];
            crc /= 62;
        }
        format!("{prefix}{random30}{}", std::str::from_utf8(&out).unwrap())
    }

    #[test]
    fn repeated_secret_manifests_are_read_once_each_and_bounded() {
        use crate::inspect::patterns::{PatternOptions, Patterns};
        let p = Patterns::new(&PatternOptions::default()).unwrap();
        let one = "kind: Secret\nstringData:\n  password: Pa55w0rd!x\n";
        let mut found = Vec::new();
        p.scan(one, &mut found);
        assert_eq!(found.len(), 1, "{found:?}");
        // Repeated: every anchor used to re-read its 16 KiB window and
        // re-report what it held (8 M hits on 1 MiB).
        let many = one.repeat(1500);
        found.clear();
        p.scan(&many, &mut found);
        assert!(
            found.len() <= 1500,
            "{} findings for 1500 values",
            found.len()
        );
        let anchors = "data:\n kind: Secret\n".repeat(3000);
        found.clear();
        p.scan(&anchors, &mut found);
        assert!(found.is_empty());
    }

    #[test]
    fn crc32_matches_the_zlib_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn github_checksum_validates() {
        let t = checksummed("ghp_", "Zq8Lm3Rt7Wv2Xy5Nb9Kc4Hd6Jf1Gs0");
        assert!(crc32_base62_ok(t.as_bytes().get(4..).unwrap()));
        let mut bad = t.clone().into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'a' { b'b' } else { b'a' };
        assert!(!crc32_base62_ok(&bad[4..]));
    }
}
