//! `auth` end to end in a real Envoy 1.40 (V8), in front of the mock LLM (a
//! test double), with the official `openai` and `anthropic` Python SDKs as
//! clients: a valid key gets a completion, a bad key raises the SDK's
//! authentication error, a disallowed model its permission error, and the
//! upstream sees the provider key injected from the VM environment, never
//! the client's.

use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};
use sha2::Digest;
use tollgate_host::envoy::{Envoy, WasmFilter};
use tollgate_host::mock_llm::MockLlm;
use tollgate_host::wasm_dir;

const KEY: &str = "tg-e2e-key-team-a-0123456789";
const OPENAI_PROVIDER_KEY: &str = "sk-provider-openai-e2e";
const ANTHROPIC_PROVIDER_KEY: &str = "sk-ant-provider-e2e";

fn sdk(envoy: &Envoy, which: &str, key: &str, model: &str) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/e2e/auth_sdk.py");
    let out = Command::new("python3")
        .args([script, &envoy.url(""), which, key, model])
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the SDK script failed (pip install openai anthropic?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn through_envoy_with_the_official_sdks() {
    let digest: String = sha2::Sha256::digest(KEY.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let config = json!({
        "api_keys": {"keys": [{"id": "e2e", "sha256": digest, "consumer": "team-a"}]},
        "consumers": {"team-a": {"models": ["gpt-4o-mini", "claude-sonnet-*"]}},
        "providers": [
            {"paths": ["/v1/messages"], "header": "x-api-key", "env": "ANTHROPIC_API_KEY"},
            {"header": "authorization", "env": "OPENAI_API_KEY"}
        ]
    });
    let mock = MockLlm::start().unwrap();
    let envoy = Envoy::builder()
        .upstream(mock.addr())
        .filter(
            WasmFilter::new("auth", wasm_dir().join("auth.wasm"), &config.to_string())
                .env("OPENAI_API_KEY", OPENAI_PROVIDER_KEY)
                .env("ANTHROPIC_API_KEY", ANTHROPIC_PROVIDER_KEY),
        )
        .start()
        .unwrap();

    // A valid key gets a completion; the upstream sees the provider's key.
    for (which, model, header, provider) in [
        (
            "openai",
            "gpt-4o-mini",
            "authorization",
            format!("Bearer {OPENAI_PROVIDER_KEY}"),
        ),
        (
            "anthropic",
            "claude-sonnet-4-5",
            "x-api-key",
            ANTHROPIC_PROVIDER_KEY.to_owned(),
        ),
    ] {
        mock.clear_requests();
        let r = sdk(&envoy, which, KEY, model);
        assert!(r["text"].is_string(), "{which}: {r}");
        let seen = mock.wait_for_requests(1, Duration::from_secs(5));
        let req = &seen[0];
        assert_eq!(req.header(header), Some(provider.as_str()), "{which}");
        assert_eq!(req.header("x-tollgate-consumer"), Some("team-a"));
        let all: String = req
            .headers
            .iter()
            .map(|(n, v)| format!("{n}:{v}\n"))
            .collect();
        assert!(
            !all.contains(KEY),
            "{which}: the client's key never reaches the upstream"
        );

        // A bad key: the SDK's authentication error.
        let r = sdk(&envoy, which, "tg-wrong-key-0000000000", model);
        assert_eq!(r["exception"], "AuthenticationError", "{which}: {r}");
        assert_eq!(r["status"], 401);
    }
    // A disallowed model: the SDK's permission error.
    let r = sdk(&envoy, "openai", KEY, "gpt-4o");
    assert_eq!(r["exception"], "PermissionDeniedError", "{r}");
    assert_eq!(r["body"]["code"], "model_not_allowed");
    let r = sdk(&envoy, "anthropic", KEY, "claude-opus-4");
    assert_eq!(r["exception"], "PermissionDeniedError", "{r}");
    let stats = envoy.stats().unwrap();
    assert!(
        stats.contains("wasmcustom.tollgate_auth_allowed_total: 2"),
        "{stats}"
    );
    assert!(
        stats.contains("wasmcustom.tollgate_auth_denied_unknown_total: 2"),
        "{stats}"
    );
    assert!(!envoy.log().contains(KEY), "the key is never logged");
}
