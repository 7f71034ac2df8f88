//! The fixture filter's scenarios, run in real Envoy (1.40, V8) and in
//! tollgate-host: both must produce the same observation. These pin the
//! host's semantics to Envoy's — pausing on headers then deciding on the
//! body, local replies from header and body callbacks, body rewrites that
//! change the length, response rewrites, calls out with timeouts, traps.
//!
//! Envoy's delivery of a client body depends on TCP timing (a body may come
//! as one call, or as data then an empty end-of-stream call), so per-call
//! body sizes are compared by their largest value and the number of body
//! calls only as zero or not; the host-only tests in `host.rs` check the
//! exact sequences. Envoy reports a filter's metric `m` as
//! `wasmcustom.m` in `/stats`.

use std::collections::BTreeMap;
use std::time::Duration;

use tollgate_host::envoy::{Envoy, WasmFilter};
use tollgate_host::http_client::{self, Body};
use tollgate_host::mock_llm::MockLlm;
use tollgate_host::{wasm_dir, Host, HttpCallReply, Module, Request, Response};

const ECHO: &str = "/__mock/echo";

#[derive(Clone, Copy)]
struct Scenario {
    name: &'static str,
    directives: &'static str,
    method: &'static str,
    chunks: &'static [&'static str],
}

/// What a client and the upstream saw.
#[derive(Debug, PartialEq, Eq)]
struct Observed {
    status: u16,
    /// Response headers named `x-fixture-*`, and content-type.
    headers: BTreeMap<String, String>,
    /// The body, when it did not come from the upstream's echo.
    local_body: Option<String>,
    /// From the echo: the body the upstream received, as the client saw it
    /// (after any response rewrite).
    echoed_body: Option<String>,
    /// What the upstream received: `x-fixture-*` headers, content-length, body.
    upstream: Option<(BTreeMap<String, String>, Option<String>, String)>,
}

fn fixture_headers<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> BTreeMap<String, String> {
    pairs
        .filter(|(k, _)| k.starts_with("x-fixture") && *k != "x-fixture")
        .map(|(k, v)| {
            let v = if k == "x-fixture-body-sizes" {
                v.split(' ')
                    .filter_map(|n| n.parse::<u64>().ok())
                    .max()
                    .unwrap_or(0)
                    .to_string()
            } else {
                v.to_string()
            };
            (k.to_string(), v)
        })
        .collect()
}

fn response_headers<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) -> BTreeMap<String, String> {
    let mut h = fixture_headers(pairs.clone());
    if let Some((_, ct)) = pairs.clone().find(|(k, _)| *k == "content-type") {
        h.insert("content-type".into(), ct.to_string());
    }
    // Envoy's body-call count depends on TCP timing; keep only whether the
    // filter saw a body at all.
    if let Some(n) = h.get_mut("x-fixture-body-calls") {
        *n = if n == "0" { "0".into() } else { "1+".into() };
    }
    h
}

fn observe(
    status: u16,
    headers: BTreeMap<String, String>,
    body: &[u8],
    upstream: Option<(BTreeMap<String, String>, Option<String>, String)>,
) -> Observed {
    let echoed = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .filter(|v| v.get("method").is_some())
        .and_then(|v| v.get("body").and_then(|b| b.as_str()).map(str::to_string));
    Observed {
        status,
        headers,
        local_body: echoed
            .is_none()
            .then(|| String::from_utf8_lossy(body).into_owned()),
        echoed_body: echoed,
        upstream,
    }
}

const SECRET: (&str, &str) = ("FIXTURE_SECRET", "from-vm-env");

fn run_envoy(sc: Scenario) -> Observed {
    let mock = MockLlm::start().expect("mock LLM");
    let envoy = Envoy::builder()
        .upstream(mock.addr())
        .cluster("fixture_upstream", mock.addr(), false)
        .filter(
            WasmFilter::new("fixture", wasm_dir().join("fixture.wasm"), "{}")
                .env(SECRET.0, SECRET.1),
        )
        .start()
        .expect("envoy");
    let headers = [
        ("x-fixture", sc.directives),
        ("content-type", "application/json"),
    ];
    let body = match sc.chunks {
        [] => Body::None,
        [one] => Body::Bytes(one.as_bytes().to_vec()),
        many => Body::Chunks(
            many.iter().map(|c| c.as_bytes().to_vec()).collect(),
            Duration::from_millis(30),
        ),
    };
    let resp =
        http_client::request(sc.method, &envoy.url(ECHO), &headers, body).unwrap_or_else(|e| {
            panic!(
                "{}: request through Envoy failed: {e:#}\n{}",
                sc.name,
                envoy.log()
            )
        });
    let upstream = mock
        .requests()
        .into_iter()
        .find(|r| r.path == ECHO)
        .map(|r| {
            (
                fixture_headers(r.headers.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
                r.header("content-length").map(str::to_string),
                String::from_utf8_lossy(&r.body).into_owned(),
            )
        });
    let obs = observe(
        resp.status,
        response_headers(resp.headers.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        &resp.body,
        upstream,
    );
    if sc.name == "passthrough" {
        // Metrics reach Envoy's stats under the name the filter gave them.
        assert_eq!(
            envoy.stat("wasmcustom.fixture_requests_total").unwrap(),
            Some(1),
            "{}",
            envoy.stats().unwrap_or_default()
        );
    }
    obs
}

fn run_host(sc: Scenario) -> Observed {
    let module = Module::named("fixture").unwrap();
    let mut host = Host::builder(&module)
        .plugin_name("fixture")
        .root_id("fixture")
        .cluster("fixture_upstream")
        .env(SECRET.0, SECRET.1)
        .build()
        .unwrap();
    // The test double answers calls the way MockLlm does.
    host.on_http_call(|call| {
        let delay = call
            .header("x-mock-delay-ms")
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
        (call.path() == Some("/healthz")).then(|| {
            HttpCallReply::ok("ok")
                .header("content-type", "text/plain")
                .delay(Duration::from_millis(delay))
        })
    });
    let mut req = Request::new(sc.method, ECHO)
        .header("x-fixture", sc.directives)
        .header("content-type", "application/json");
    match sc.chunks {
        [] => {}
        [one] => req = req.body(*one),
        many => req = req.chunks(many.iter().copied()),
    }
    let mut s = host.stream();
    s.send_request(req);
    s.advance(Duration::from_secs(5));
    let upstream = s.upstream().complete.then(|| {
        let up = s.upstream();
        let headers = up.headers.clone().unwrap_or_default().pairs();
        (
            fixture_headers(headers.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
            up.header("content-length").map(str::to_string),
            up.body_str(),
        )
    });
    if s.local_reply().is_none() {
        let up = s.upstream().clone();
        let echo = serde_json::json!({
            "method": up.header(":method"),
            "path": up.header(":path"),
            "headers": {},
            "body": up.body_str(),
        });
        s.send_response(Response::ok().json(&echo));
    }
    let down = s.downstream();
    let pairs = down.headers.clone().unwrap_or_default().pairs();
    observe(
        down.status().unwrap_or(0),
        response_headers(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        &down.body(),
        upstream,
    )
}

fn agree(sc: Scenario) -> Observed {
    let in_host = run_host(sc);
    let in_envoy = run_envoy(sc);
    assert_eq!(
        in_envoy, in_host,
        "scenario {}: Envoy (left) and tollgate-host (right) differ",
        sc.name
    );
    in_host
}

#[test]
fn passthrough_with_properties_env_and_shared_data() {
    let o = agree(Scenario {
        name: "passthrough",
        directives: "props,env:FIXTURE_SECRET,count",
        method: "POST",
        chunks: &[r#"{"model":"m"}"#],
    });
    let up = o.upstream.expect("reached upstream").0;
    assert_eq!(up["x-fixture-prop-path"], ECHO);
    assert_eq!(up["x-fixture-env"], "from-vm-env");
    assert_eq!(up["x-fixture-count"], "1");
    assert_eq!(o.headers["x-fixture-late-request-header"], "BadArgument");
}

#[test]
fn local_reply_from_request_headers() {
    let o = agree(Scenario {
        name: "reply-headers",
        directives: "reply-headers:429",
        method: "POST",
        chunks: &["{}"],
    });
    assert_eq!(o.status, 429);
    assert_eq!(o.headers["x-fixture-response"], "seen");
}

#[test]
fn local_reply_from_a_body_callback_after_buffering() {
    let o = agree(Scenario {
        name: "deny-body",
        directives: "deny-body:forbidden",
        method: "POST",
        chunks: &[r#"{"content":"some forb"#, r#"idden words"}"#],
    });
    assert_eq!(o.status, 403);
}

#[test]
fn body_rewrite_that_changes_the_length() {
    let o = agree(Scenario {
        name: "rewrite-body",
        directives: "rewrite-body:cat:tiger",
        method: "POST",
        chunks: &[r#"{"content":"a cat "#, r#"and a cat"}"#],
    });
    assert_eq!(
        o.upstream.unwrap().2,
        r#"{"content":"a tiger and a tiger"}"#
    );
}

#[test]
fn response_body_rewrite() {
    let o = agree(Scenario {
        name: "rewrite-response",
        directives: "rewrite-response:cat:dog",
        method: "POST",
        chunks: &[r#"{"content":"cat"}"#],
    });
    assert_eq!(o.echoed_body.as_deref(), Some(r#"{"content":"dog"}"#));
}

#[test]
fn callout_then_resume_delivers_the_buffered_body() {
    let o = agree(Scenario {
        name: "callout",
        directives: "callout:/healthz:2000:200,buffer-body",
        method: "POST",
        chunks: &[r#"{"model":"m"}"#],
    });
    let up = o.upstream.unwrap().0;
    assert_eq!(up["x-fixture-callout"], "status=200;body=2;headers=true");
}

#[test]
fn callout_timeout_is_envoys_504() {
    let o = agree(Scenario {
        name: "callout-timeout",
        directives: "callout:/v1/models:100:1000",
        method: "GET",
        chunks: &[],
    });
    let up = o.upstream.unwrap().0;
    assert_eq!(up["x-fixture-callout"], "status=504;body=24;headers=true");
}

#[test]
fn a_trap_fails_the_stream_closed() {
    let o = agree(Scenario {
        name: "panic",
        directives: "panic",
        method: "GET",
        chunks: &[],
    });
    assert_eq!(o.status, 503);
    assert!(o.upstream.is_none());
}
