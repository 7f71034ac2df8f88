//! The product filters together: each loads, validates its configuration (a
//! bad one is rejected naming the field) and passes a legitimate request
//! through, counting it — in tollgate-host and in real Envoy, where all three
//! are chained in front of the mock LLM. `auth` runs with the demo consumer
//! (`tollgate_host::demo`) and every request carries its key.

use std::time::Duration;

use tollgate_host::demo;
use tollgate_host::envoy::{self, Envoy, WasmFilter};
use tollgate_host::http_client::{self, Body};
use tollgate_host::mock_llm::MockLlm;
use tollgate_host::{wasm_dir, Host, LogLevel, Module, Request, Response};

const FILTERS: [&str; 3] = ["auth", "throttle", "inspect"];

/// A configuration each filter must refuse, and the field its error names.
fn bad_config(filter: &str) -> (&'static str, &'static str) {
    match filter {
        "auth" => (r#"{"consumer_header": ":path"}"#, "consumer_header"),
        "throttle" => (r#"{"shadow": "yes"}"#, "shadow"),
        _ => (r#"{"max_body_bytes": 10}"#, "max_body_bytes"),
    }
}

#[test]
fn each_filter_loads_passes_traffic_and_counts_it() {
    for filter in FILTERS {
        let module = Module::named(filter).unwrap();
        let mut host = Host::builder(&module)
            .configuration(demo::default_config(filter))
            .build()
            .unwrap();
        for _ in 0..2 {
            let mut s = host.stream();
            s.send_request(
                Request::post("/v1/chat/completions")
                    .header("authorization", &format!("Bearer {}", demo::DEMO_KEY))
                    .json(&serde_json::json!({"model": "gpt-4o-mini", "messages": []})),
            );
            assert!(s.upstream().complete, "{filter}: request passed");
            s.send_response(Response::ok().body("{}"));
            assert_eq!(s.downstream().status(), Some(200), "{filter}");
        }
        assert_eq!(
            host.counter(&format!("tollgate_{filter}_requests_total")),
            Some(2),
            "{filter}"
        );
        assert!(
            !host.logged(LogLevel::Error, ""),
            "{filter}: {}",
            host.log_text()
        );
    }
}

#[test]
fn each_filter_rejects_a_bad_configuration_naming_the_field() {
    for filter in FILTERS {
        let module = Module::named(filter).unwrap();
        let (config, field) = bad_config(filter);
        let (host, ok) = Host::builder(&module)
            .configuration(config)
            .build_unchecked()
            .unwrap();
        assert!(!ok, "{filter} accepted {config}");
        assert!(
            host.logged(LogLevel::Error, field),
            "{filter}: the error names {field}: {}",
            host.log_text()
        );
        assert!(
            !host.log_text().contains(config),
            "{filter}: the configuration itself is never logged"
        );
    }
}

#[test]
fn envoy_validates_each_filter_with_its_configuration() {
    let mock = MockLlm::start().unwrap();
    for filter in FILTERS {
        let dir =
            std::env::temp_dir().join(format!("tollgate-validate-{}-{filter}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = Envoy::builder()
            .upstream(mock.addr())
            .filter(WasmFilter::new(
                filter,
                wasm_dir().join(format!("{filter}.wasm")),
                &demo::default_config(filter),
            ))
            .write_config(&dir.join("good"))
            .unwrap();
        envoy::validate(&good).unwrap_or_else(|e| panic!("{filter}: {e:#}"));
        let (config, field) = bad_config(filter);
        let bad = Envoy::builder()
            .upstream(mock.addr())
            .filter(WasmFilter::new(
                filter,
                wasm_dir().join(format!("{filter}.wasm")),
                config,
            ))
            .write_config(&dir.join("bad"))
            .unwrap();
        let err = format!("{:#}", envoy::validate(&bad).unwrap_err());
        assert!(
            err.contains(field),
            "{filter}: Envoy's output names {field}: {err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn envoy_serves_chat_completions_through_all_three_filters() {
    let mock = MockLlm::start().unwrap();
    let mut builder = Envoy::builder().upstream(mock.addr());
    for filter in FILTERS {
        builder = builder.filter(WasmFilter::new(
            filter,
            wasm_dir().join(format!("{filter}.wasm")),
            &demo::default_config(filter),
        ));
    }
    serves_chat_completions(&builder.start().unwrap(), &mock);
}

/// The three filters as one module in one VM (`filters/combined`): the
/// same traffic passes and each filter counts it.
#[test]
fn envoy_serves_chat_completions_through_the_combined_module() {
    let mock = MockLlm::start().unwrap();
    let envoy = combined_envoy(&mock, &demo::default_config("combined"));
    serves_chat_completions(&envoy, &mock);
}

/// An Envoy with the combined module configured by `config`, in front of
/// `mock`.
fn combined_envoy(mock: &MockLlm, config: &str) -> Envoy {
    Envoy::builder()
        .upstream(mock.addr())
        .filter(WasmFilter::new(
            "combined",
            wasm_dir().join("combined.wasm"),
            config,
        ))
        .start()
        .unwrap()
}

/// In Envoy, the combined module reads a body once for its filters, and a
/// body one of them rewrites is read again by the ones behind it: auth
/// lowers `max_tokens` to the consumer's maximum, to a number of as many
/// digits (the body keeps its length), and throttle reserves what was
/// lowered — the same as for a client that asked for the maximum (a
/// stale reading would reserve 4,000 tokens more).
#[test]
fn a_body_auth_rewrote_is_read_again_through_the_combined_module() {
    let config = demo::clamping_combined_config();
    let remaining = |max_tokens: u32| {
        let mock = MockLlm::start().unwrap();
        let envoy = combined_envoy(&mock, &config);
        let resp = http_client::request(
            "POST",
            &envoy.url("/v1/chat/completions"),
            &[
                ("content-type", "application/json"),
                ("authorization", &format!("Bearer {}", demo::DEMO_KEY)),
            ],
            Body::json(
                &serde_json::json!({"model": "gpt-4o-mini", "max_tokens": max_tokens,
                "messages": [{"role": "user", "content": "hello"}]}),
            ),
        )
        .unwrap();
        assert_eq!(resp.status, 200, "{}", resp.text());
        let sent: serde_json::Value =
            serde_json::from_slice(&mock.last_request().unwrap().body).unwrap();
        assert_eq!(sent["max_tokens"], 1000);
        resp.header("x-ratelimit-remaining-tokens")
            .map(str::to_owned)
            .expect("throttle's remaining-tokens header")
    };
    assert_eq!(remaining(5000), remaining(1000));
}

/// A chat completion and a streamed one through `envoy`, counted by each
/// filter.
fn serves_chat_completions(envoy: &Envoy, mock: &MockLlm) {
    let key = format!("Bearer {}", demo::DEMO_KEY);
    let body = serde_json::json!({
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "Say hello"}],
    });
    let resp = http_client::request(
        "POST",
        &envoy.url("/v1/chat/completions"),
        &[
            ("content-type", "application/json"),
            ("authorization", &key),
        ],
        Body::json(&body),
    )
    .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.text());
    let json = resp.json().unwrap();
    assert_eq!(json["object"], "chat.completion");
    assert!(json["usage"]["total_tokens"].as_u64().unwrap() > 0);

    let mut stream = body.clone();
    stream["stream"] = true.into();
    stream["stream_options"] = serde_json::json!({"include_usage": true});
    let resp = http_client::request(
        "POST",
        &envoy.url("/v1/chat/completions"),
        &[
            ("content-type", "application/json"),
            ("x-mock-delay-ms", "20"),
            ("authorization", &key),
        ],
        Body::json(&stream),
    )
    .unwrap();
    assert_eq!(resp.status, 200);
    let events = resp.sse_events();
    assert_eq!(events.last().map(|e| e.data.as_str()), Some("[DONE]"));
    assert!(
        resp.chunks.len() > 2,
        "the stream arrived in pieces, not buffered"
    );
    for filter in FILTERS {
        let stat = format!("wasmcustom.tollgate_{filter}_requests_total");
        assert_eq!(envoy.stat(&stat).unwrap(), Some(2), "{stat}");
    }
    assert_eq!(mock.wait_for_requests(2, Duration::from_secs(5)).len(), 2);
}
