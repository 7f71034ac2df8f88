//! `auth` end to end in a real Envoy 1.40 (V8), in front of the mock LLM (a
//! test double), with the official `openai` and `anthropic` Python SDKs as
//! clients: a valid key gets a completion, a bad key raises the SDK's
//! authentication error, a disallowed model its permission error, and the
//! upstream sees the provider key injected from the VM environment, never
//! the client's.

// Tests against a real Envoy run on real time.
#![allow(clippy::disallowed_methods)]

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
    through_envoy_with_the_official_sdks_as(false);
}

/// The same through the combined module (`filters/combined`): auth first,
/// throttle (no rules) and inspect behind it in one VM.
#[test]
fn through_the_combined_module_with_the_official_sdks() {
    through_envoy_with_the_official_sdks_as(true);
}

fn through_envoy_with_the_official_sdks_as(combined: bool) {
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
    let filter = if combined {
        let all = json!({"auth": config, "throttle": {}, "inspect": {}});
        WasmFilter::new(
            "combined",
            wasm_dir().join("combined.wasm"),
            &all.to_string(),
        )
    } else {
        WasmFilter::new("auth", wasm_dir().join("auth.wasm"), &config.to_string())
    };
    let envoy = Envoy::builder()
        .upstream(mock.addr())
        .filter(
            filter
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
    let decisions = |labels: &[(&str, &str)]| {
        envoy
            .metric_sum("tollgate_auth_decisions_total", labels)
            .unwrap()
    };
    assert_eq!(decisions(&[("outcome", "allowed")]), 2);
    assert_eq!(
        decisions(&[("outcome", "denied"), ("reason", "unknown")]),
        2
    );
    assert!(!envoy.log().contains(KEY), "the key is never logged");
}

#[test]
fn jwts_with_a_key_set_fetched_from_a_cluster_in_envoy() {
    jwts_with_a_remote_key_set_as(false);
}

/// The same through the combined module: the key set is fetched from its
/// root context, whose callout answer it hands to auth's root.
#[test]
fn jwts_with_a_key_set_fetched_from_a_cluster_through_the_combined_module() {
    jwts_with_a_remote_key_set_as(true);
}

fn jwts_with_a_remote_key_set_as(combined: bool) {
    use base64::Engine as _;
    use p256::ecdsa::signature::Signer;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let key = p256::ecdsa::SigningKey::from_slice(&[9u8; 32]).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    let jwks = json!({"keys": [{"kty": "EC", "crv": "P-256", "kid": "e2e", "alg": "ES256",
        "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap())}]});
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({"iss": "https://idp.example", "aud": "llm", "sub": "svc-e2e",
        "iat": now, "exp": now + 600});
    let input = format!(
        "{}.{}",
        b64(br#"{"alg":"ES256","typ":"JWT","kid":"e2e"}"#),
        b64(claims.to_string().as_bytes())
    );
    let sig: p256::ecdsa::Signature = key.sign(input.as_bytes());
    let token = format!("{input}.{}", b64(&sig.to_bytes()));

    let mock = MockLlm::start().unwrap();
    mock.set_jwks(Some(jwks));
    let config = json!({"jwt": {"issuer": "https://idp.example", "audiences": ["llm"],
        "algorithms": ["ES256"],
        "jwks": {"remote": {"cluster": "idp", "path": "/__mock/jwks", "refresh_secs": 10}}}});
    let filter = if combined {
        WasmFilter::combined(&config, &json!({}), &json!({}))
    } else {
        WasmFilter::new("auth", wasm_dir().join("auth.wasm"), &config.to_string())
    };
    let envoy = Envoy::builder()
        .upstream(mock.addr())
        .cluster("idp", mock.addr(), false)
        .filter(filter)
        .start()
        .unwrap();
    // The key set is fetched within a second or two of start (by every VM:
    // Envoy's main thread and each worker run one).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let stat = "wasmcustom.tollgate_auth_jwks_fetches_total";
    while envoy.stat(stat).unwrap().unwrap_or(0) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "JWKS never fetched: {}",
            envoy
                .stats()
                .unwrap()
                .lines()
                .filter(|l| l.contains("tollgate"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let chat = json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]});
    let bearer = format!("Bearer {token}");
    // The counter counts fetches *started*: until the worker's answer has
    // arrived, auth fails closed (503 `jwks_unavailable`), as it must. On a
    // loaded machine that window outlasted the wait above (one run in four
    // here), so a 503 of that kind is retried until the same deadline; any
    // other answer, or keys that never arrive, still fail the test.
    let r = loop {
        let r = tollgate_host::http_client::post_json(
            &envoy.url("/v1/chat/completions"),
            &[("authorization", &bearer)],
            &chat,
        )
        .unwrap();
        if r.status != 503
            || !r.text().contains("jwks_unavailable")
            || std::time::Instant::now() >= deadline
        {
            break r;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        mock.last_request().unwrap().header("x-tollgate-consumer"),
        Some("svc-e2e")
    );
    let tampered = format!("Bearer {}x", &token[..token.len() - 1]);
    let r = tollgate_host::http_client::post_json(
        &envoy.url("/v1/chat/completions"),
        &[("authorization", &tampered)],
        &chat,
    )
    .unwrap();
    assert_eq!(r.status, 401);
}

/// Issue 18: a provider key missing from the sidecar's environment does not
/// stop the filter from loading (in Istio a rejected configuration leaves
/// the pod's filter unconfigured): the routes that need that key get 503
/// `provider_credential_unavailable`, the log names the variable, and the
/// routes whose key is there work.
#[test]
fn a_missing_provider_key_is_a_503_on_its_routes_not_a_rejected_config() {
    let digest: String = sha2::Sha256::digest(KEY.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let config = json!({
        "api_keys": {"keys": [{"id": "e2e", "sha256": digest, "consumer": "team-a"}]},
        "providers": [
            {"paths": ["/v1/messages"], "header": "x-api-key", "env": "ANTHROPIC_API_KEY"},
            {"header": "authorization", "env": "OPENAI_API_KEY"}
        ]
    });
    let mock = MockLlm::start().unwrap();
    // Only the OpenAI key is wired; the Anthropic one is not.
    let envoy = Envoy::builder()
        .upstream(mock.addr())
        .filter(
            WasmFilter::new("auth", wasm_dir().join("auth.wasm"), &config.to_string())
                .env("OPENAI_API_KEY", OPENAI_PROVIDER_KEY),
        )
        .start()
        .expect("the configuration loads without the variable");
    let auth = format!("Bearer {KEY}");
    let headers = [
        ("authorization", auth.as_str()),
        ("anthropic-version", "2023-06-01"),
    ];
    let r = tollgate_host::http_client::post_json(
        &envoy.url("/v1/messages"),
        &headers,
        &json!({"model": "claude-sonnet-4-5", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}),
    )
    .unwrap();
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.text().contains("provider credential"), "{}", r.text());
    assert!(
        mock.requests().is_empty(),
        "never forwarded without its key"
    );
    assert_eq!(
        envoy
            .stat("wasmcustom.tollgate_auth_provider_unavailable_total")
            .unwrap(),
        Some(1)
    );
    let mut named = false;
    for _ in 0..50 {
        named = envoy.log().contains("ANTHROPIC_API_KEY is not set");
        if named {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(named, "the log names the variable");
    let r = tollgate_host::http_client::post_json(
        &envoy.url("/v1/chat/completions"),
        &[("authorization", auth.as_str())],
        &json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}),
    )
    .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    let seen = mock.wait_for_requests(1, Duration::from_secs(5));
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {OPENAI_PROVIDER_KEY}").as_str())
    );
}
