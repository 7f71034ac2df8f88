//! The `auth` filter in tollgate-host: every identity method and rejection
//! reason, header stripping and spoofing, provider keys from the VM
//! environment, model allowlists and token limits per API shape, and JWTs
//! with inline and remote key sets (fetch, refresh, outage) on the virtual
//! clock.

use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use p256::ecdsa::signature::Signer;
use serde_json::{json, Value};
use tollgate_host::{Host, HttpCallReply, LogLevel, Module, Request, Response};

const KEY: &str = "tg-test-key-team-a-0123456789";
const OTHER_KEY: &str = "tg-test-key-team-b-0123456789";
const CHAT: &str = "/v1/chat/completions";
/// The virtual clock's start: 2026-11-26T00:00:00Z.
const START: u64 = 1_795_651_200;

/// SHA-256 hex of a key, as `scripts/gen-key` prints it.
fn sha256(key: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn config() -> Value {
    json!({
        "api_keys": {"keys": [
            {"id": "a1", "sha256": sha256(KEY), "consumer": "team-a"},
            {"id": "b1", "sha256": sha256(OTHER_KEY), "consumer": "team-b", "expires": START + 3600},
            {"id": "old", "sha256": sha256("tg-revoked-key-000000000"), "consumer": "team-a", "disabled": true}
        ]},
        "mesh": [{"principal": "spiffe://cluster.local/ns/batch/*", "consumer": "batch"}],
        "consumers": {
            "team-a": {"models": ["gpt-4o-mini", "claude-*", "text-embedding-*"], "labels": {"tier": "gold"}},
            "team-b": {"endpoints": ["embeddings"], "max_output_tokens": 100, "on_excess": "clamp"}
        },
        "providers": [
            {"paths": ["/v1/messages"], "header": "x-api-key", "env": "ANTHROPIC_API_KEY"},
            {"header": "authorization", "env": "OPENAI_API_KEY"}
        ]
    })
}

fn host_with(config: &Value) -> Host {
    let module = Module::named("auth").unwrap();
    Host::builder(&module)
        .json_configuration(config)
        .env("OPENAI_API_KEY", "sk-provider-openai-test")
        .env("ANTHROPIC_API_KEY", "sk-ant-provider-test")
        .start_time(UNIX_EPOCH + Duration::from_secs(START))
        .cluster("idp")
        .build()
        .unwrap()
}

fn chat(model: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": "hi"}]})
}

#[test]
fn a_valid_key_in_any_header_passes_with_the_consumer_and_the_provider_key() {
    let mut h = host_with(&config());
    for (name, value) in [
        ("authorization", format!("Bearer {KEY}")),
        ("x-api-key", KEY.to_owned()),
        ("api-key", KEY.to_owned()),
    ] {
        let mut s = h.stream();
        s.send_request(
            Request::post(CHAT)
                .header(name, &value)
                .header("x-tollgate-consumer", "admin")
                .header("x-tollgate-label-tier", "platinum")
                .json(&chat("gpt-4o-mini")),
        );
        let up = s.upstream();
        assert!(up.complete, "{name}: {:?}", s.local_reply());
        assert_eq!(
            up.header("x-tollgate-consumer"),
            Some("team-a"),
            "spoofing is undone"
        );
        assert_eq!(up.header("x-tollgate-label-tier"), Some("gold"));
        assert_eq!(
            up.header("authorization"),
            Some("Bearer sk-provider-openai-test")
        );
        assert_eq!(
            up.header("x-api-key"),
            None,
            "client credentials are stripped"
        );
        assert_eq!(up.header("api-key"), None);
    }
    // Anthropic's route gets Anthropic's header.
    let mut s = h.stream();
    s.send_request(
        Request::post("/v1/messages")
            .header("x-api-key", KEY)
            .json(&json!({"model": "claude-sonnet-4-5", "max_tokens": 10, "messages": []})),
    );
    assert_eq!(
        s.upstream().header("x-api-key"),
        Some("sk-ant-provider-test")
    );
    assert_eq!(s.upstream().header("authorization"), None);
    let decisions = "tollgate_auth_decisions_total";
    assert_eq!(h.sum(decisions, &[("outcome", "allowed")]), 4);
    assert_eq!(
        h.sum(
            decisions,
            &[
                ("outcome", "allowed"),
                ("reason", "none"),
                ("consumer", "team-a")
            ]
        ),
        4
    );
    assert!(!h.log_text().contains(KEY), "the key is never logged");
}

#[test]
fn every_rejection_is_a_401_in_the_apis_shape_and_never_echoes_the_key() {
    let mut h = host_with(&config());
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (vec![], "missing"),
        (
            vec![("authorization", "Bearer tg-unknown-key-00000000".into())],
            "unknown",
        ),
        (
            vec![("x-api-key", "tg-revoked-key-000000000".into())],
            "disabled",
        ),
        (vec![("authorization", "Bearer sh".into())], "malformed"),
        (
            vec![
                ("authorization", format!("Bearer {KEY}")),
                ("x-api-key", OTHER_KEY.into()),
            ],
            "ambiguous",
        ),
    ];
    for (headers, reason) in cases {
        let mut req = Request::post(CHAT).json(&chat("gpt-4o-mini"));
        for (n, v) in &headers {
            req = req.header(n, v);
        }
        let mut s = h.stream();
        s.send_request(req);
        let reply = s
            .local_reply()
            .unwrap_or_else(|| panic!("{reason} passed"))
            .clone();
        assert_eq!(reply.status, 401, "{reason}");
        assert_eq!(
            reply.headers.get_str("www-authenticate"),
            Some("Bearer realm=\"tollgate\""),
            "{reason}"
        );
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body["error"]["code"], "invalid_api_key", "{reason}");
        assert!(
            !String::from_utf8_lossy(&reply.body).contains("tg-"),
            "{reason}"
        );
        assert!(!s.upstream().complete);
        assert_eq!(
            h.sum(
                "tollgate_auth_decisions_total",
                &[("outcome", "denied"), ("reason", reason)]
            ),
            1,
            "{reason}"
        );
    }
    // Anthropic's shape on Anthropic's route.
    let mut s = h.stream();
    s.send_request(
        Request::post("/v1/messages").json(&json!({"model": "claude-x", "max_tokens": 1})),
    );
    let body: Value = serde_json::from_slice(&s.local_reply().unwrap().body).unwrap();
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "authentication_error");
    assert!(!h.log_text().contains("tg-unknown-key"));
}

#[test]
fn keys_expire_on_the_clock() {
    let mut h = host_with(&config());
    let mut s = h.stream();
    s.send_request(
        Request::post("/v1/embeddings")
            .header("x-api-key", OTHER_KEY)
            .json(&json!({"model": "e", "input": "x"})),
    );
    assert!(s.upstream().complete);
    h.advance(Duration::from_secs(3601));
    let mut s = h.stream();
    s.send_request(
        Request::post("/v1/embeddings")
            .header("x-api-key", OTHER_KEY)
            .json(&json!({"model": "e", "input": "x"})),
    );
    assert_eq!(s.local_reply().map(|r| r.status), Some(401));
    assert_eq!(
        h.sum(
            "tollgate_auth_decisions_total",
            &[("outcome", "denied"), ("reason", "expired")]
        ),
        1
    );
}

#[test]
fn models_endpoints_and_token_limits_per_api_shape() {
    let mut h = host_with(&config());
    let allowed_denied: Vec<(&str, Value, Option<u16>)> = vec![
        (CHAT, chat("gpt-4o-mini"), None),
        (CHAT, chat("gpt-4o"), Some(403)),
        (
            "/v1/completions",
            json!({"model": "gpt-4o", "prompt": "x"}),
            Some(403),
        ),
        (
            "/v1/responses",
            json!({"model": "o3", "input": "x"}),
            Some(403),
        ),
        (
            "/v1/embeddings",
            json!({"model": "text-embedding-3-small", "input": "x"}),
            None,
        ),
        (
            "/v1/messages",
            json!({"model": "claude-sonnet-4-5", "max_tokens": 5, "messages": []}),
            None,
        ),
        (
            "/v1/messages",
            json!({"model": "gpt-4o-mini-impostor", "max_tokens": 5, "messages": []}),
            Some(403),
        ),
        (
            "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
            json!({"messages": []}),
            Some(403),
        ),
    ];
    for (path, body, status) in allowed_denied {
        let mut s = h.stream();
        s.send_request(Request::post(path).header("x-api-key", KEY).json(&body));
        assert_eq!(s.local_reply().map(|r| r.status), status, "{path} {body}");
        if let Some(r) = s.local_reply() {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            let code = v["error"]["code"].as_str().map(str::to_owned);
            let kind = v["error"]["type"].as_str().unwrap_or_default().to_owned();
            assert!(
                code.as_deref() == Some("model_not_allowed") || kind == "permission_error",
                "{path}: {v}"
            );
        }
    }
    // team-b: embeddings only, and output tokens clamped to 100.
    let mut s = h.stream();
    s.send_request(
        Request::post(CHAT)
            .header("x-api-key", OTHER_KEY)
            .json(&chat("gpt-4o-mini")),
    );
    let v: Value = serde_json::from_slice(&s.local_reply().unwrap().body).unwrap();
    assert_eq!(v["error"]["code"], "endpoint_not_allowed");
    let mut cfg = config();
    cfg["consumers"]["team-b"]["endpoints"] = json!(["chat"]);
    let mut h = host_with(&cfg);
    let mut s = h.stream();
    let mut body = chat("gpt-4o-mini");
    body["max_completion_tokens"] = json!(5000);
    s.send_request(
        Request::post(CHAT)
            .header("x-api-key", OTHER_KEY)
            .json(&body),
    );
    let sent: Value = s.upstream().json().unwrap();
    assert_eq!(sent["max_completion_tokens"], 100);
    assert_eq!(s.upstream().header("content-length"), None);
}

#[test]
fn mesh_identity_from_the_peer_certificate() {
    let mut h = host_with(&config());
    let mut s = h.stream();
    s.property(
        &["connection", "uri_san_peer_certificate"],
        "spiffe://cluster.local/ns/batch/sa/nightly",
    );
    s.send_request(Request::post("/v1/embeddings").json(&json!({"model": "e", "input": "x"})));
    assert_eq!(s.upstream().header("x-tollgate-consumer"), Some("batch"));
    let mut s = h.stream();
    s.property(
        &["connection", "uri_san_peer_certificate"],
        "spiffe://cluster.local/ns/web/sa/x",
    );
    s.send_request(Request::post("/v1/embeddings").json(&json!({"model": "e", "input": "x"})));
    assert_eq!(s.local_reply().map(|r| r.status), Some(401));
}

#[test]
fn provider_keys_must_come_from_the_environment() {
    let module = Module::named("auth").unwrap();
    // A missing variable: the filter loads, says which variable, and its
    // routes get 503 (issue 18).
    let (mut h, ok) = Host::builder(&module)
        .json_configuration(&json!({"anonymous": "guest",
            "providers": [{"header": "authorization", "env": "NOPE"}]}))
        .build_unchecked()
        .unwrap();
    assert!(ok);
    assert!(h.logged(
        LogLevel::Warn,
        "the VM environment variable NOPE is not set"
    ));
    let mut s = h.stream();
    s.send_request(Request::post(CHAT).json(&chat("gpt-4o-mini")));
    let reply = s.local_reply().expect("refused");
    assert_eq!(reply.status, 503);
    assert!(String::from_utf8_lossy(&reply.body).contains("provider_credential_unavailable"));
    assert_eq!(
        h.counter("tollgate_auth_provider_unavailable_total"),
        Some(1)
    );
    let (h, ok) = Host::builder(&module)
        .json_configuration(
            &json!({"providers": [{"header": "x-api-key", "env": "K", "value": "sk-ant-plain"}]}),
        )
        .build_unchecked()
        .unwrap();
    assert!(!ok);
    assert!(h.logged(
        LogLevel::Error,
        "providers[0].value: plaintext keys are refused"
    ));
    assert!(!h.log_text().contains("sk-ant-plain"));
}

// ------------------------------------------------------------------ JWTs

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn signing_key() -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap()
}

fn jwks() -> Value {
    let point = signing_key().verifying_key().to_encoded_point(false);
    json!({"keys": [{"kty": "EC", "crv": "P-256", "kid": "k1", "alg": "ES256",
        "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap())}]})
}

fn token(claims: &Value) -> String {
    let header = b64(br#"{"alg":"ES256","typ":"JWT","kid":"k1"}"#);
    let payload = b64(claims.to_string().as_bytes());
    let input = format!("{header}.{payload}");
    let sig: p256::ecdsa::Signature = signing_key().sign(input.as_bytes());
    format!("{input}.{}", b64(&sig.to_bytes()))
}

fn claims(exp_in: i64) -> Value {
    json!({"iss": "https://idp.example", "aud": "llm", "sub": "svc-reports",
        "iat": START, "exp": (START as i64 + exp_in)})
}

fn jwt_config(jwks_source: Value) -> Value {
    json!({"jwt": {"issuer": "https://idp.example", "audiences": ["llm"], "algorithms": ["ES256"],
        "jwks": jwks_source}})
}

fn send_token(h: &mut Host, token: &str) -> Option<u16> {
    let mut s = h.stream();
    s.send_request(
        Request::post(CHAT)
            .header("authorization", &format!("Bearer {token}"))
            .json(&chat("m")),
    );
    s.local_reply().map(|r| r.status)
}

#[test]
fn jwts_with_an_inline_key_set_and_the_attack_suite() {
    let mut h = host_with(&jwt_config(json!({"inline": jwks()})));
    let good = token(&claims(600));
    let mut s = h.stream();
    s.send_request(
        Request::post(CHAT)
            .header("authorization", &format!("Bearer {good}"))
            .json(&chat("m")),
    );
    assert_eq!(
        s.upstream().header("x-tollgate-consumer"),
        Some("svc-reports")
    );
    assert_eq!(s.upstream().header("authorization"), None);
    let mut c = claims(600);
    c["iss"] = json!("https://evil.example");
    let wrong_issuer = token(&c);
    let mut c = claims(600);
    c["aud"] = json!("other");
    let wrong_audience = token(&c);
    let (head, rest) = good.split_once('.').unwrap();
    let tampered = format!(
        "{head}.{}{}",
        b64(br#"{"sub":"admin"}"#),
        &rest[rest.find('.').unwrap()..]
    );
    let none = format!(
        "{}.{}.",
        b64(br#"{"alg":"none"}"#),
        b64(claims(600).to_string().as_bytes())
    );
    let cases = [
        (token(&claims(-600)), "expired"),
        (wrong_issuer, "wrong_issuer"),
        (wrong_audience, "wrong_audience"),
        (tampered, "bad_signature"),
        (good[..good.len() - 10].to_owned(), "truncated"),
        (none, "alg none"),
        (format!("eyJ{}", "A".repeat(100 * 1024)), "100 KB"),
    ];
    for (t, what) in cases {
        assert_eq!(send_token(&mut h, &t), Some(401), "{what}");
    }
    // Unknown kid; an HS256 token (HMAC keyed with the public key's
    // coordinates: algorithm confusion) when only ES256 is allowed.
    let unknown_kid = {
        let header = b64(br#"{"alg":"ES256","typ":"JWT","kid":"k9"}"#);
        let input = format!("{header}.{}", b64(claims(600).to_string().as_bytes()));
        let sig: p256::ecdsa::Signature = signing_key().sign(input.as_bytes());
        format!("{input}.{}", b64(&sig.to_bytes()))
    };
    assert_eq!(send_token(&mut h, &unknown_kid), Some(401), "unknown kid");
    let confused = {
        use sha2::Digest;
        let header = b64(br#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#);
        let input = format!("{header}.{}", b64(claims(600).to_string().as_bytes()));
        // Not a real HMAC: any signature is refused before it is checked.
        let fake = sha2::Sha256::digest(input.as_bytes());
        format!("{input}.{}", b64(&fake))
    };
    assert_eq!(send_token(&mut h, &confused), Some(401), "HS/ES confusion");
    assert!(
        h.sum(
            "tollgate_auth_decisions_total",
            &[("outcome", "denied"), ("reason", "unknown_kid")]
        ) > 0
    );
    let mut c = claims(600);
    c["nbf"] = json!(START + 3600);
    assert_eq!(send_token(&mut h, &token(&c)), Some(401), "not yet valid");
    assert!(
        !h.log_text().contains(&good[..40]),
        "tokens are never logged"
    );
    // A verified token is cached, but never past its expiry.
    assert_eq!(send_token(&mut h, &good), None);
    assert_eq!(send_token(&mut h, &good), None);
    h.advance(Duration::from_secs(600 + 61));
    assert_eq!(
        send_token(&mut h, &good),
        Some(401),
        "expired, cached or not"
    );
}

#[test]
fn a_remote_key_set_is_fetched_refreshed_and_outlives_an_outage_until_stale() {
    let config = jwt_config(json!({"remote": {"cluster": "idp", "path": "/jwks",
        "refresh_secs": 60, "max_stale_secs": 300}}));
    let mut h = host_with(&config);
    // Before the first fetch: a JWT fails closed.
    let good = token(&claims(86_400));
    assert_eq!(send_token(&mut h, &good), Some(503));
    let body = jwks().to_string();
    let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let up2 = up.clone();
    h.on_http_call(move |call| {
        assert_eq!(call.cluster, "idp");
        Some(if up2.load(std::sync::atomic::Ordering::SeqCst) {
            HttpCallReply::ok(body.clone())
        } else {
            HttpCallReply::status(500, "down")
        })
    });
    h.advance(Duration::from_secs(1));
    assert_eq!(h.http_calls().len(), 1);
    assert_eq!(send_token(&mut h, &good), None, "accepted once fetched");
    assert_eq!(h.counter("tollgate_auth_jwks_fetches_total"), Some(1));
    // Refreshed on the timer.
    h.advance(Duration::from_secs(61));
    assert_eq!(h.http_calls().len(), 2);
    // The endpoint goes down: the last good set serves until max_stale.
    up.store(false, std::sync::atomic::Ordering::SeqCst);
    h.advance(Duration::from_secs(120));
    assert!(h.counter("tollgate_auth_jwks_errors_total").unwrap() >= 1);
    assert_eq!(
        send_token(&mut h, &good),
        None,
        "stale but within max_stale"
    );
    h.advance(Duration::from_secs(300));
    assert_eq!(
        send_token(&mut h, &good),
        Some(503),
        "too stale: fail closed"
    );
}

#[test]
fn responses_pass_untouched() {
    let mut h = host_with(&config());
    let mut s = h.stream();
    s.send_request(
        Request::post(CHAT)
            .header("x-api-key", KEY)
            .json(&chat("gpt-4o-mini")),
    );
    s.send_response(Response::ok().body("{\"ok\":true}"));
    assert_eq!(s.downstream().body_str(), "{\"ok\":true}");
}

#[test]
fn header_stage_checks_trailers_batches_and_whitespace() {
    let mut h = host_with(&config());
    // A body ending in trailers is still checked (and never leaves unchecked).
    let mut s = h.stream();
    s.send_request(
        Request::post(CHAT)
            .header("x-api-key", KEY)
            .body(chat("gpt-4o").to_string())
            .chunk_size(7)
            .trailer("x-end", "1"),
    );
    assert_eq!(
        s.local_reply().map(|r| r.status),
        Some(403),
        "model checked on trailers"
    );
    // The endpoint is checked on the headers: a body that never comes cannot
    // carry a forbidden request upstream.
    let mut s = h.stream();
    s.request_headers(
        &[
            (":method", "DELETE"),
            (":path", "/v1/files/file-123"),
            (":authority", "llm"),
            ("x-api-key", OTHER_KEY),
            ("content-length", "10"),
        ],
        false,
    );
    assert_eq!(s.local_reply().map(|r| r.status), Some(403));
    assert!(s.upstream().headers.is_none());
    // A message batch: every request's model is checked (issue 11).
    let mut s = h.stream();
    s.send_request(
        Request::post("/v1/messages/batches")
            .header("x-api-key", KEY)
            .json(&json!({"requests": [
                {"custom_id": "1", "params": {"model": "claude-opus-4", "max_tokens": 10, "messages": []}},
                {"custom_id": "2", "params": {"model": "gpt-4o", "max_tokens": 10, "messages": []}}]})),
    );
    assert_eq!(s.local_reply().map(|r| r.status), Some(403));
    let mut s = h.stream();
    s.send_request(
        Request::post("/v1/messages/batches")
            .header("x-api-key", KEY)
            .json(&json!({"requests": [
                {"custom_id": "1", "params": {"model": "claude-opus-4", "max_tokens": 10, "messages": []}}]})),
    );
    assert!(s.upstream().complete, "every model allowed");
    // Encoded slashes: refused before anything is decided on the path.
    let mut s = h.stream();
    s.send_request(
        Request::post("/v1/chat%2Fcompletions")
            .header("x-api-key", KEY)
            .json(&chat("gpt-4o-mini")),
    );
    assert_eq!(s.local_reply().map(|r| r.status), Some(400));
    // `Bearer<TAB><expired JWT>` is a JWT, refused: never a fall-through.
    let mut h = host_with(&json!({"anonymous": "guest",
        "jwt": {"issuer": "https://idp.example", "audiences": "any", "algorithms": ["ES256"], "jwks": {"inline": jwks()}}}));
    let expired = token(&claims(-600));
    let mut s = h.stream();
    s.send_request(
        Request::post(CHAT)
            .header("authorization", &format!("Bearer\t{expired}"))
            .json(&chat("m")),
    );
    assert_eq!(s.local_reply().map(|r| r.status), Some(401));
}
