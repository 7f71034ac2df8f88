//! The real-Envoy test bed itself, without any wasm module: Envoy proxies the
//! mock LLM's JSON and SSE replies, streams stay streams, and a broken
//! configuration fails `start()` with Envoy's own words.

use serde_json::{json, Value};
use std::time::Duration;
use tollgate_host::envoy::{validate, Envoy, EnvoyBuilder, WasmFilter, ENVOY_ADDED_HEADERS};
use tollgate_host::http_client::{post_json, request, Body};
use tollgate_host::mock_llm::MockLlm;

fn chat(stream: bool) -> Value {
    json!({
        "model": "gpt-4o-mini",
        "stream": stream,
        "messages": [{"role": "user", "content": "Say hello"}],
    })
}

#[test]
fn proxies_a_json_chat_completion_to_the_mock() {
    let llm = MockLlm::start().unwrap();
    let envoy = Envoy::builder().upstream(llm.addr()).start().unwrap();
    let resp = post_json(
        &envoy.url("/v1/chat/completions"),
        &[("x-mock-content", "through envoy"), ("x-client", "1")],
        &chat(false),
    )
    .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.text());
    let v = resp.json().unwrap();
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["model"], "gpt-4o-mini");
    assert_eq!(v["choices"][0]["message"]["content"], "through envoy");
    assert!(resp.header("x-envoy-upstream-service-time").is_some());

    let seen = llm.wait_for_requests(1, Duration::from_secs(5));
    assert_eq!(seen.len(), 1);
    let req = &seen[0];
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(req.json().unwrap(), chat(false));
    assert_eq!(req.header("x-client"), Some("1"));
    // What Envoy adds on the way: tests comparing headers must ignore these.
    for name in ENVOY_ADDED_HEADERS {
        assert!(
            req.header(name).is_some(),
            "{name} missing: {:?}",
            req.headers
        );
    }
    assert_eq!(req.header("x-forwarded-proto"), Some("http"));
    assert_eq!(req.header("x-envoy-expected-rq-timeout-ms"), Some("60000"));

    assert_eq!(
        envoy.stat("cluster.upstream.upstream_rq_200").unwrap(),
        Some(1)
    );
    assert_eq!(envoy.stat("no.such.stat").unwrap(), None);
}

#[test]
fn streams_sse_replies_event_by_event() {
    let llm = MockLlm::start().unwrap();
    let envoy = Envoy::builder()
        .upstream(llm.addr())
        .route_timeout(Duration::ZERO)
        .start()
        .unwrap();
    let mut body = chat(true);
    body["stream_options"] = json!({"include_usage": true});
    let resp = post_json(
        &envoy.url("/v1/chat/completions"),
        &[
            ("x-mock-content", "0123456789abcdef"),
            ("x-mock-chunk-size", "4"),
            ("x-mock-delay-ms", "40"),
        ],
        &body,
    )
    .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.header("content-type"),
        Some("text/event-stream; charset=utf-8")
    );
    let events = resp.sse_events();
    // role, 4 pieces, finish, usage, [DONE]
    assert_eq!(events.len(), 8, "{events:?}");
    assert_eq!(events.last().unwrap().data, "[DONE]");
    let text: String = events[..7]
        .iter()
        .filter_map(|e| {
            e.json().unwrap()["choices"][0]["delta"]["content"]
                .as_str()
                .map(String::from)
        })
        .collect();
    assert_eq!(text, "0123456789abcdef");
    assert_eq!(events[6].json().unwrap()["usage"]["completion_tokens"], 4);

    // Envoy forwarded the events as they came, not as one buffered body: the
    // mock pauses between events, so they reach the client in several chunks.
    assert!(resp.chunks.len() >= 4, "{} chunks", resp.chunks.len());
    assert!(resp.chunks.windows(2).all(|w| w[0].0 <= w[1].0));
    assert!(resp.chunks.first().unwrap().0 < resp.chunks.last().unwrap().0);
    let first = String::from_utf8_lossy(&resp.chunks[0].1).into_owned();
    assert!(first.contains("\"role\":\"assistant\""), "{first}");

    // The route timeout is off, so Envoy does not announce one upstream.
    let req = llm.last_request().unwrap();
    assert_eq!(req.header("x-envoy-expected-rq-timeout-ms"), None);
}

#[test]
fn streams_anthropic_messages_and_chunked_request_bodies() {
    let llm = MockLlm::start().unwrap();
    let envoy = Envoy::builder().upstream(llm.addr()).start().unwrap();
    let body = json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 100,
        "stream": true,
        "messages": [{"role": "user", "content": "hi"}],
    })
    .to_string()
    .into_bytes();
    let pieces = body.chunks(10).map(<[u8]>::to_vec).collect();
    let resp = request(
        "POST",
        &envoy.url("/v1/messages"),
        &[
            ("content-type", "application/json"),
            ("x-mock-delay-ms", "10"),
        ],
        Body::Chunks(pieces, Duration::from_millis(5)),
    )
    .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.text());
    let names: Vec<String> = resp
        .sse_events()
        .into_iter()
        .filter_map(|e| e.event)
        .collect();
    assert_eq!(names.first().map(String::as_str), Some("message_start"));
    assert_eq!(names.last().map(String::as_str), Some("message_stop"));
    let seen = llm.last_request().unwrap();
    assert_eq!(seen.body, body);
}

#[test]
fn a_bad_filter_path_fails_start_with_the_envoy_log() {
    let llm = MockLlm::start().unwrap();
    let err = Envoy::builder()
        .upstream(llm.addr())
        .filter(WasmFilter::new(
            "auth",
            "/nonexistent/tollgate/auth.wasm",
            "{}",
        ))
        .start()
        .unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains("Envoy did not start"), "{message}");
    assert!(
        message.contains("/nonexistent/tollgate/auth.wasm"),
        "{message}"
    );
    assert!(message.contains("Envoy log tail"), "{message}");
}

#[test]
fn generated_bootstraps_pass_envoy_validation() {
    let llm = MockLlm::start().unwrap();
    let dir = std::env::temp_dir().join(format!("tollgate-validate-{}", std::process::id()));
    let builder = EnvoyBuilder::default()
        .upstream(llm.addr())
        .cluster("ratelimit", llm.addr(), true)
        .listen_port(0);
    let config = builder.write_config(&dir).unwrap();
    validate(&config).unwrap();
    let tls = Envoy::builder().upstream_url("https://api.openai.com/base");
    let path = tls.write_config(&dir).unwrap();
    validate(&path).unwrap();
    let v = tls.bootstrap_json().unwrap();
    let route = &v.pointer("/static_resources/listeners/0/filter_chains/0/filters/0/typed_config/route_config/virtual_hosts/0/routes/0/route").unwrap();
    assert_eq!(route["prefix_rewrite"], "/base/");
    assert_eq!(route["auto_host_rewrite"], true);
    assert!(Envoy::builder().bootstrap_json().is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}
