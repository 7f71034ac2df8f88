//! `tollgate-gen-key`: makes a new random API key for the `auth` filter and
//! prints it with its SHA-256 digest and a ready-to-paste key entry; or
//! prints the digest of an existing key. Normally run through
//! `scripts/gen-key`.
//!
//! Keys are `tg-` and 40 characters of base62 read from `/dev/urandom`
//! (238 bits: nothing to brute-force, which is why a plain SHA-256 digest is
//! the right thing for the configuration to hold). The key is printed once:
//! only its digest is kept anywhere, so it cannot be recovered.

// A command-line tool: printing is its job; it runs natively, where the
// clock and the OS random source exist.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

use std::io::{BufRead, Read};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use tollgate_core::auth::keys::{self, KeyEntry};

const USAGE: &str = "\
usage: scripts/gen-key --consumer NAME [--id ID] [--expires-days N] [--json]
       scripts/gen-key --digest [KEY] [--json]

Makes a new random API key for the auth filter and prints it, its SHA-256
digest and a key entry for the auth configuration. The configuration holds
only the digest: the key is shown once and cannot be recovered.

options:
  --consumer NAME     the consumer the key authenticates (required)
  --id ID             the key's id in logs and metrics, [A-Za-z0-9_.-]{1,64}
                      (default: k- and the key's fingerprint)
  --expires-days N    the key stops working N days from now
  --digest [KEY]      print the digest of an existing key instead; with no
                      KEY (or -), read it from the first line of stdin, which
                      keeps it out of shell history and process lists
  --json              print one JSON object
  -h, --help          this text
";

/// The prefix of the keys this tool makes (`looks_like_plaintext_key`
/// knows it, so a key pasted into a digest field gets a clear error).
const PREFIX: &str = "tg-";
/// Random characters after the prefix.
const KEY_CHARS: usize = 40;
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

#[derive(Debug, Default)]
struct Args {
    consumer: Option<String>,
    id: Option<String>,
    expires_days: Option<u64>,
    /// `Some(None)`: digest of a key read from stdin.
    digest: Option<Option<String>>,
    json: bool,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut out = Args::default();
    let mut it = args.into_iter().peekable();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it.next().ok_or_else(|| format!("{name} needs {what}")),
            }
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--json" => out.json = true,
            "--consumer" => out.consumer = Some(value("a name")?),
            "--id" => out.id = Some(value("an id")?),
            "--expires-days" => {
                let v = value("a number of days")?;
                let days = v
                    .parse::<u64>()
                    .ok()
                    .filter(|d| (1..=36_500).contains(d))
                    .ok_or("--expires-days must be a whole number of days from 1 to 36500")?;
                out.expires_days = Some(days);
            }
            "--digest" => {
                let key = match inline {
                    Some(v) => Some(v),
                    // A following argument is the key unless it is an option.
                    None => it.next_if(|next| !next.starts_with("--")),
                };
                out.digest = Some(key.filter(|k| k != "-"));
            }
            other => return Err(format!("unknown argument {other}\n\n{USAGE}")),
        }
    }
    Ok(Some(out))
}

/// A new key: the prefix and base62 characters from `/dev/urandom`, by
/// rejection sampling (bytes of 248 and up are dropped, so each character
/// is uniform).
fn new_key() -> Result<String, String> {
    let mut urandom = std::fs::File::open("/dev/urandom")
        .map_err(|e| format!("cannot open /dev/urandom: {e}"))?;
    let mut key = String::with_capacity(PREFIX.len().saturating_add(KEY_CHARS));
    key.push_str(PREFIX);
    let mut buf = [0u8; 64];
    let mut made = 0usize;
    while made < KEY_CHARS {
        urandom
            .read_exact(&mut buf)
            .map_err(|e| format!("cannot read /dev/urandom: {e}"))?;
        for &b in &buf {
            if made == KEY_CHARS {
                break;
            }
            if b < 248 {
                if let Some(&c) = BASE62.get(usize::from(b % 62)) {
                    key.push(char::from(c));
                    made = made.saturating_add(1);
                }
            }
        }
    }
    Ok(key)
}

/// A key entry in the order people read it, with JSON-escaped values.
fn entry_json(id: &str, sha256: &str, consumer: &str, expires: Option<u64>) -> String {
    let s = |v: &str| serde_json::Value::from(v).to_string();
    let mut out = format!(
        "{{\"id\": {}, \"sha256\": {}, \"consumer\": {}",
        s(id),
        s(sha256),
        s(consumer)
    );
    if let Some(t) = expires {
        out.push_str(&format!(", \"expires\": {t}"));
    }
    out.push('}');
    out
}

fn digest(key: Option<String>, json: bool) -> Result<(), String> {
    let key = match key {
        Some(k) => k,
        None => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    if !keys::is_well_formed(&key) {
        return Err(format!(
            "not a valid key: keys are {} to {} characters of visible ASCII, no spaces",
            keys::MIN_KEY_LEN,
            keys::MAX_KEY_LEN
        ));
    }
    let sha256 = keys::sha256_hex(&key);
    if json {
        let v = serde_json::json!({"sha256": sha256, "fingerprint": keys::fingerprint(&key)});
        println!("{v}");
    } else {
        println!("{sha256}");
    }
    Ok(())
}

fn generate(args: Args) -> Result<(), String> {
    let consumer = args
        .consumer
        .ok_or_else(|| format!("--consumer is required\n\n{USAGE}"))?;
    keys::validate_consumer(&consumer).map_err(|e| format!("--consumer: {e}"))?;
    let key = new_key()?;
    let id = args
        .id
        .unwrap_or_else(|| format!("k-{}", keys::fingerprint(&key)));
    keys::validate_id(&id).map_err(|e| format!("--id: {e}"))?;
    let expires = match args.expires_days {
        Some(days) => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_err(|e| format!("clock before 1970: {e}"))?
                .as_secs();
            Some(now.saturating_add(days.saturating_mul(86_400)))
        }
        None => None,
    };
    let sha256 = keys::sha256_hex(&key);
    let entry = entry_json(&id, &sha256, &consumer, expires);
    // The entry must be what the filter accepts, and must verify the key.
    let parsed: KeyEntry =
        serde_json::from_str(&entry).map_err(|e| format!("internal error: entry: {e}"))?;
    let store = keys::KeyStore::new(vec![parsed]).map_err(|e| format!("internal error: {e}"))?;
    store
        .verify(&key, 0)
        .map_err(|e| format!("internal error: {e}"))?;

    let warning =
        "the key is shown once: only its digest is kept, so it cannot be recovered. Store it now.";
    if args.json {
        let entry_value: serde_json::Value =
            serde_json::from_str(&entry).map_err(|e| format!("internal error: {e}"))?;
        let v = serde_json::json!({
            "key": key,
            "id": id,
            "consumer": consumer,
            "sha256": sha256,
            "fingerprint": keys::fingerprint(&key),
            "expires": expires,
            "entry": entry_value,
        });
        println!("{v}");
        eprintln!("gen-key: warning: {warning}");
    } else {
        println!("New API key for consumer {consumer}:\n");
        println!("    {key}\n");
        println!("Warning: {warning}\n");
        println!("id:          {id}");
        println!("sha256:      {sha256}");
        println!("fingerprint: {}", keys::fingerprint(&key));
        if let (Some(t), Some(days)) = (expires, args.expires_days) {
            println!("expires:     {t} (unix seconds, {days} days from now)");
        }
        println!("\nKey entry for the auth configuration (only the digest, never the key):\n");
        println!("{entry}");
    }
    Ok(())
}

fn run(args: Args) -> Result<(), String> {
    match args.digest {
        Some(key) => digest(key, args.json),
        None => generate(args),
    }
}

fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)) {
        Ok(None) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Some(args)) => match run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("gen-key: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("gen-key: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Result<Option<Args>, String> {
        parse_args(s.iter().map(|s| s.to_string()))
    }

    #[test]
    fn keys_are_prefixed_base62_and_differ() {
        let a = new_key().unwrap();
        let b = new_key().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a.starts_with("tg-"));
        assert!(a[3..].bytes().all(|c| c.is_ascii_alphanumeric()));
        assert!(keys::is_well_formed(&a));
        assert!(keys::looks_like_plaintext_key(&a));
    }

    #[test]
    fn entry_round_trips_through_the_store() {
        let key = new_key().unwrap();
        let entry = entry_json("k-1", &keys::sha256_hex(&key), "a\"b", Some(10));
        let parsed: KeyEntry = serde_json::from_str(&entry).unwrap();
        assert_eq!(parsed.consumer, "a\"b");
        assert_eq!(parsed.expires, Some(10));
        let store = keys::KeyStore::new(vec![parsed]).unwrap();
        assert!(store.verify(&key, 0).is_ok());
        assert!(store.verify(&key, 10).is_err());
    }

    #[test]
    fn argument_parsing() {
        let a = args(&[
            "--consumer",
            "alice",
            "--id=k1",
            "--expires-days",
            "30",
            "--json",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            (
                a.consumer.as_deref(),
                a.id.as_deref(),
                a.expires_days,
                a.json
            ),
            (Some("alice"), Some("k1"), Some(30), true)
        );
        assert!(args(&["--help"]).unwrap().is_none());
        assert!(args(&["--expires-days", "0"]).is_err());
        assert!(args(&["--expires-days", "x"]).is_err());
        assert!(args(&["--consumer"]).is_err());
        assert!(args(&["--bogus"]).is_err());
        let d = |s: &[&str]| args(s).unwrap().unwrap().digest;
        assert_eq!(d(&["--digest"]), Some(None));
        assert_eq!(d(&["--digest", "-"]), Some(None));
        assert_eq!(d(&["--digest", "--json"]), Some(None));
        assert_eq!(
            d(&["--digest", "tg-abc12345"]),
            Some(Some("tg-abc12345".into()))
        );
        assert_eq!(
            d(&["--digest=tg-a=b12345"]),
            Some(Some("tg-a=b12345".into()))
        );
    }
}
