//! The demo consumer that `scripts/run`, `scripts/bench-envoy` and the
//! filter tests use when no configuration is given: `auth` refuses every
//! request without a credential, so an unconfigured demo needs a key.
//!
//! [`DEMO_KEY`] is published here on purpose: it is a demo credential, not a
//! secret, and must never be configured outside a demo.

/// The demo API key (not a secret).
pub const DEMO_KEY: &str = "tg-demo-0000-not-a-secret-see-README-0000";
/// Its SHA-256 digest, as the configuration holds it.
pub const DEMO_KEY_SHA256: &str =
    "f2566032fe0c192d57c652b0673d1f7c90dbbf4934459ecf80843e6d0b2d57c7";
/// The consumer the demo key authenticates.
pub const DEMO_CONSUMER: &str = "demo";

/// The `auth` configuration with the demo consumer, allowed one model of each
/// API the demo shows (`gpt-4o-mini`, `claude-*`, `llama3.2`,
/// `gemini-2.5-flash`, Bedrock's Claude 3.5 Haiku) and no other (so the demo
/// can show a forbidden model: `gpt-4o`).
pub fn auth_config() -> String {
    serde_json::json!({
        "api_keys": {"keys": [{"id": "demo", "sha256": DEMO_KEY_SHA256, "consumer": DEMO_CONSUMER}]},
        // One model of each API `scripts/run --upstream-api` shows.
        "consumers": {DEMO_CONSUMER: {"models": ["gpt-4o-mini", "claude-*", "llama3.2*",
            "gemini-2.5-flash", "anthropic.claude-3-5-haiku-*"], "labels": {"tier": "demo"}}}
    })
    .to_string()
}

/// The `throttle` configuration of the demo: small limits, so that a few
/// requests show the `x-ratelimit-*` headers running down and a 429.
/// Per consumer: 3 requests a second, 60 a minute, 20 000 tokens a minute.
pub fn throttle_config() -> String {
    serde_json::json!({
        "rules": [
            {"name": "demo-burst", "key": ["consumer"], "limits": [{"requests": 3, "per": "second"}]},
            {"name": "demo-minute", "key": ["consumer"], "limits": [
                {"requests": 60, "per": "minute"}, {"tokens": 20000, "per": "minute"}]}
        ]
    })
    .to_string()
}

/// The default configuration of filter `name` for the demo (for the
/// combined module, `filters/combined`, the three as its members).
pub fn default_config(name: &str) -> String {
    match name {
        "auth" => auth_config(),
        "throttle" => throttle_config(),
        "combined" => combined_of(default_config),
        _ => "{}".to_owned(),
    }
}

/// The combined module's configuration: `config(filter)` as each member.
fn combined_of(config: fn(&str) -> String) -> String {
    let part =
        |name: &str| serde_json::from_str::<serde_json::Value>(&config(name)).unwrap_or_default();
    serde_json::json!({"auth": part("auth"), "throttle": part("throttle"), "inspect": part("inspect")})
        .to_string()
}

/// The configuration of filter `name` for benchmarks: the demo's, with
/// `throttle`'s limits too high to be reached (the same work per request,
/// no 429s) and `inspect`'s memo off: the benchmarks cycle through a few
/// dozen texts, which a memo would answer from memory after the first
/// round, so their figures are what a text costs the first time it is seen
/// (the memo's own gain is measured on conversations that grow, in the host
/// benchmark).
pub fn bench_config(name: &str) -> String {
    match name {
        "inspect" => serde_json::json!({"memo_kib": 0}).to_string(),
        "throttle" => serde_json::json!({
            "rules": [
                {"name": "bench-burst", "key": ["consumer"], "limits": [{"requests": 1000000000u64, "per": "second"}]},
                {"name": "bench-minute", "key": ["consumer"], "limits": [
                    {"requests": 1000000000u64, "per": "minute"}, {"tokens": 1000000000000u64, "per": "minute"}]}
            ]
        })
        .to_string(),
        "combined" => combined_of(bench_config),
        _ => default_config(name),
    }
}

/// The combined module's configuration in which `auth` lowers the demo
/// consumer's `max_tokens` to 1000 (`on_excess: clamp`) and `throttle`
/// counts tokens per consumer: the tests that show a body one filter
/// rewrote is read again by the ones behind it (in tollgate-host and in
/// Envoy) send 5000 and 1000 and compare what throttle reserved.
pub fn clamping_combined_config() -> String {
    serde_json::json!({
        "auth": {
            "api_keys": {"keys": [{"id": "demo", "sha256": DEMO_KEY_SHA256, "consumer": DEMO_CONSUMER}]},
            "consumers": {DEMO_CONSUMER: {"models": ["gpt-4o-mini"],
                "max_output_tokens": 1000, "on_excess": "clamp"}}
        },
        "throttle": {"rules": [{"name": "tokens", "key": ["consumer"],
            "limits": [{"tokens": 100000, "per": "minute"}]}]},
        "inspect": {}
    })
    .to_string()
}

/// `auth`'s pluginConfig with the demo key added to its API keys for
/// `consumer` (who must be one of its consumers, and API keys one of its
/// methods): the one change `--demo-key` makes to a namespace's policy.
pub fn with_demo_key(config: &str, consumer: &str) -> anyhow::Result<String> {
    let mut v: serde_json::Value = serde_json::from_str(config)?;
    if v.pointer(&format!(
        "/consumers/{}",
        consumer.replace('~', "~0").replace('/', "~1")
    ))
    .is_none()
    {
        anyhow::bail!("{consumer} is not one of this namespace's consumers");
    }
    if let Some(methods) = v.get("methods").and_then(serde_json::Value::as_array) {
        if !methods.iter().any(|m| m == "api_key") {
            anyhow::bail!("this namespace's auth does not take API keys (methods: {methods:?})");
        }
    }
    let keys = v
        .pointer_mut("/api_keys/keys")
        .and_then(serde_json::Value::as_array_mut)
        .ok_or_else(|| anyhow::anyhow!("this namespace's auth has no api_keys.keys"))?;
    keys.push(serde_json::json!({
        "id": "tollgate-run-demo",
        "sha256": DEMO_KEY_SHA256,
        "consumer": consumer,
    }));
    Ok(v.to_string())
}

/// Deterministic ASCII prose of `bytes` bytes, the prompts the native and
/// host benchmarks send: [`prose_of`] these words (numbers, dates,
/// versions, code, a URL; no secrets).
pub fn prose(bytes: usize) -> String {
    prose_of(
        &[
            "the",
            "model",
            "request",
            "please",
            "summarise",
            "report",
            "quarter",
            "revenue",
            "grew",
            "by",
            "12.5%",
            "in",
            "2024-03-31",
            "while",
            "costs",
            "fell",
            "version",
            "v1.42.0",
            "deploy",
            "to",
            "cluster",
            "us-east-1",
            "with",
            "3",
            "replicas",
            "and",
            "check",
            "https://docs.example.com/guide",
            "for",
            "details",
            "fn",
            "main()",
            "{",
            "println!(\"hi\");",
            "}",
            "thanks",
            "regards",
            "team",
            "order",
            "#48213",
            "shipped",
        ],
        bytes,
    )
}

/// `bytes` bytes of `words` in pseudo-random order (fixed seed), separated
/// by spaces and now and then a line break. Benchmarks cut different
/// prompts from it for different requests (`tollgate-bench-envoy`,
/// `tollgate_benches::proses`): one prompt repeated lets a CPU learn it.
pub fn prose_of(words: &[&str], bytes: usize) -> String {
    let mut out = String::with_capacity(bytes.saturating_add(64));
    let mut seed = 0x9e37_79b9_u64;
    while out.len() < bytes && !words.is_empty() {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let pick = usize::try_from(seed >> 33).unwrap_or(0) % words.len();
        out.push_str(words.get(pick).copied().unwrap_or_default());
        out.push(if (seed >> 20).is_multiple_of(13) {
            '\n'
        } else {
            ' '
        });
    }
    out.truncate(bytes);
    out
}
