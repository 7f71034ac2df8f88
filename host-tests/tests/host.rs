//! tollgate-host's own tests, on the fixture filter (host-tests/fixture):
//! every host call, proven independently of Tollgate's product filters.
//! The modules come from `scripts/build` (target/tollgate-wasm/).

use std::time::Duration;

use tollgate_host::{
    Action, GrpcCallReply, Host, HttpCallReply, LogLevel, Module, Phase, Request, Response,
};

fn fixture() -> Module {
    Module::named("fixture").expect("fixture module (run scripts/build)")
}

fn host() -> Host {
    Host::builder(&fixture())
        .cluster("fixture_upstream")
        .cluster("fixture_grpc")
        .plugin_name("fixture-plugin")
        .root_id("fixture-root")
        .env("FIXTURE_SECRET", "s3cret")
        .build()
        .expect("host")
}

fn chat() -> Request {
    Request::post("/v1/chat/completions").header("content-type", "application/json")
}

#[test]
fn module_is_compiled_once_per_process() {
    let a = Module::named("fixture").unwrap();
    let b = Module::named("fixture").unwrap();
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    let err = Module::load("/nonexistent/x.wasm").unwrap_err().to_string();
    assert!(err.contains("scripts/build"), "{err}");
}

#[test]
fn lifecycle_configures_each_worker_and_rejects_bad_configuration() {
    let host = Host::builder(&fixture())
        .workers(3)
        .configuration(r#"{"log":"hello from config"}"#)
        .build()
        .unwrap();
    assert_eq!(host.workers(), 3);
    let starts = host
        .logs()
        .iter()
        .filter(|l| l.message == "fixture: vm start")
        .count();
    assert_eq!(starts, 3);
    assert!(host.logged(LogLevel::Info, "hello from config"));

    let err = Host::builder(&fixture())
        .configuration(r#"{"reject":true}"#)
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("on_configure returned false"), "{err}");
    assert!(err.contains("configuration rejected on purpose"), "{err}");

    let (_, ok) = Host::builder(&fixture())
        .configuration("{not json")
        .build_unchecked()
        .unwrap();
    assert!(!ok);
}

#[test]
fn passes_a_request_and_response_through_and_counts_it() {
    let mut host = host();
    let mut s = host.stream();
    s.send_request(chat().body(r#"{"model":"m"}"#));
    assert_eq!(s.action(Phase::RequestHeaders), Some(Action::Continue));
    assert_eq!(s.action(Phase::RequestBody), Some(Action::Continue));
    assert!(s.upstream().complete);
    assert_eq!(s.upstream().body_str(), r#"{"model":"m"}"#);
    assert!(s.upstream().header("x-request-id").is_some());
    s.send_response(Response::ok().body("hello"));
    assert_eq!(s.downstream().status(), Some(200));
    assert_eq!(s.downstream().header("x-fixture-response"), Some("seen"));
    assert_eq!(s.downstream().body_str(), "hello");
    assert!(s.outcome().finished);
    assert_eq!(host.counter("fixture_requests_total"), Some(1));
    assert_eq!(host.gauge("fixture_inflight"), Some(0));
    assert_eq!(host.histogram("fixture_request_body_bytes"), Some(vec![13]));
    assert!(host.logged(LogLevel::Info, "request /v1/chat/completions"));
    assert!(host.logged(LogLevel::Info, "done"));
}

#[test]
fn properties_and_vm_environment_reach_the_filter() {
    let mut host = host();
    let mut s = host.stream();
    s.send_request(Request::get("/v1/models?x=1").header("x-fixture", "props,env:FIXTURE_SECRET"));
    let up = s.upstream();
    assert_eq!(up.header("x-fixture-prop-path"), Some("/v1/models?x=1"));
    assert_eq!(up.header("x-fixture-prop-method"), Some("GET"));
    assert_eq!(
        up.header("x-fixture-prop-plugin-name"),
        Some("fixture-plugin")
    );
    assert_eq!(up.header("x-fixture-prop-root-id"), Some("fixture-root"));
    assert_eq!(up.header("x-fixture-env"), Some("s3cret"));
}

#[test]
fn shared_data_compare_and_swap_is_shared_across_workers() {
    let mut host = Host::builder(&fixture()).workers(2).build().unwrap();
    let mut seen = Vec::new();
    for i in 0..6 {
        let mut s = host.stream_on(i % 2);
        s.send_request(Request::get("/").header("x-fixture", "count"));
        seen.push(s.upstream().header("x-fixture-count").unwrap().to_string());
    }
    assert_eq!(seen, ["1", "2", "3", "4", "5", "6"]);
    assert_eq!(host.shared_data(b"fixture.count").unwrap().0, b"6");
}

#[test]
fn local_reply_from_request_headers_runs_through_the_response_path() {
    let mut host = host();
    let mut s = host.stream();
    s.send_request(chat().header("x-fixture", "reply-headers:429").body("{}"));
    let reply = s.local_reply().expect("local reply");
    assert_eq!(reply.status, 429);
    assert!(s.upstream().headers.is_none(), "nothing went upstream");
    let down = s.downstream();
    assert_eq!(down.status(), Some(429));
    assert_eq!(down.header("content-type"), Some("application/json"));
    assert_eq!(down.header("x-fixture-reply"), Some("headers"));
    assert_eq!(down.header("x-fixture-response"), Some("seen"));
    assert_eq!(down.body_str(), r#"{"error":"fixture"}"#);
    // The body never reached the filter.
    assert_eq!(s.action(Phase::RequestBody), None);
}

#[test]
fn a_paused_headers_callback_holds_the_body_as_envoy_does() {
    let mut host = host();
    let mut s = host.stream();
    s.send_request(
        chat()
            .header("x-fixture", "pause-headers")
            .chunks(["ab", "cd"]),
    );
    assert_eq!(s.action(Phase::RequestHeaders), Some(Action::Pause));
    // StopAllIterationAndWatermark: no body callback until the filter resumes.
    assert_eq!(s.action(Phase::RequestBody), None);
    assert!(s.upstream().headers.is_none());
}

#[test]
fn a_paused_headers_callback_may_opt_into_stop_iteration() {
    let mut host = Host::builder(&fixture())
        .allow_headers_stop_iteration(true)
        .build()
        .unwrap();
    let mut s = host.stream();
    s.send_request(
        chat()
            .header("x-fixture", "pause-headers")
            .chunks(["ab", "cd"]),
    );
    assert_eq!(s.action(Phase::RequestBody), Some(Action::Continue));
    assert!(s.upstream().complete);
    assert_eq!(s.upstream().body_str(), "abcd");
}

#[test]
fn buffered_body_accumulates_for_the_filter_and_leaves_once() {
    let mut host = host();
    let mut s = host.stream();
    s.send_request(
        chat()
            .header("x-fixture", "buffer-body")
            .chunks(["abc", "def", "ghi"]),
    );
    assert_eq!(s.upstream().chunks, vec![b"abcdefghi".to_vec()]);
    s.send_response(Response::ok());
    assert_eq!(s.downstream().header("x-fixture-body-sizes"), Some("3 6 9"));
    assert_eq!(s.downstream().header("x-fixture-body-calls"), Some("3"));
}

#[test]
fn body_decisions_hold_for_every_chunking() {
    let body = r#"{"messages":[{"role":"user","content":"please say forbidden words"}]}"#;
    let mut splits: Vec<Vec<Vec<u8>>> = vec![vec![body.as_bytes().to_vec()]];
    splits.push(body.bytes().map(|b| vec![b]).collect());
    let mut seed = 0x1234_5678_u64;
    for _ in 0..20 {
        let mut chunks = Vec::new();
        let mut rest = body.as_bytes();
        while !rest.is_empty() {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let n = 1 + (seed >> 33) as usize % 17;
            let (a, b) = rest.split_at(n.min(rest.len()));
            chunks.push(a.to_vec());
            rest = b;
        }
        splits.push(chunks);
    }
    for chunks in splits {
        let n = chunks.len();
        let mut host = host();
        let mut s = host.stream();
        s.send_request(
            chat()
                .header("x-fixture", "deny-body:forbidden")
                .chunks(chunks.clone()),
        );
        assert_eq!(s.local_reply().map(|r| r.status), Some(403), "{n} chunks");
        assert_eq!(s.downstream().body_str(), "denied: body contains forbidden");
        assert_eq!(s.downstream().header("x-fixture-reply"), Some("body"));
        assert!(
            s.upstream().headers.is_some(),
            "headers left before the body"
        );
        assert!(
            !s.upstream().complete,
            "the request never completed upstream"
        );

        let mut s = host.stream();
        s.send_request(
            chat()
                .header("x-fixture", "rewrite-body:forbidden:[gone]")
                .chunks(chunks),
        );
        assert!(s.upstream().complete);
        assert_eq!(
            s.upstream().body_str(),
            body.replace("forbidden", "[gone]"),
            "{n} chunks"
        );
        assert_eq!(s.upstream().header("content-length"), None);
    }
}

#[test]
fn response_bodies_can_be_buffered_and_rewritten() {
    let mut host = host();
    let mut s = host.stream();
    s.send_request(Request::get("/").header("x-fixture", "rewrite-response:cat:dog"));
    s.send_response(
        Response::ok()
            .body("the cat sat on the cat mat")
            .chunk_size(4),
    );
    assert_eq!(s.downstream().body_str(), "the dog sat on the dog mat");
    assert_eq!(s.downstream().header("content-length"), None);
    assert_eq!(s.downstream().chunks.len(), 1);
    assert!(s.downstream().complete);
}

#[test]
fn streamed_responses_leave_chunk_by_chunk() {
    let mut host = host();
    let mut s = host.stream();
    s.send_request(Request::get("/"));
    s.response_headers(&[(":status", "200")], false);
    for (i, piece) in ["a", "b", "c"].iter().enumerate() {
        s.response_body(piece, i == 2);
        assert_eq!(s.downstream().chunks.len(), i + 1, "chunk {i} left at once");
    }
}

#[test]
fn request_headers_are_gone_once_they_left() {
    let mut host = host();
    let mut s = host.stream();
    s.send_request(Request::get("/"));
    s.send_response(Response::ok());
    assert_eq!(
        s.downstream().header("x-fixture-late-request-header"),
        Some("BadArgument")
    );
}

#[test]
fn http_callouts_are_scripted_delayed_and_time_out() {
    // Answered after 50 ms of virtual time.
    let mut host = host();
    host.on_http_call(|call| {
        (call.path() == Some("/auth")).then(|| {
            HttpCallReply::ok("granted")
                .header("x-reply", "1")
                .delay(Duration::from_millis(50))
        })
    });
    let mut s = host.stream();
    s.send_request(Request::get("/").header("x-fixture", "callout:/auth:1000"));
    assert_eq!(s.action(Phase::RequestHeaders), Some(Action::Pause));
    assert!(s.upstream().headers.is_none());
    s.advance(Duration::from_millis(49));
    assert!(s.upstream().headers.is_none());
    s.advance(Duration::from_millis(1));
    assert_eq!(
        s.upstream().header("x-fixture-callout"),
        Some("status=200;body=7;headers=true")
    );
    assert!(s.upstream().complete);
    let calls = host.http_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].cluster, "fixture_upstream");
    assert_eq!(calls[0].header(":authority"), Some("fixture-upstream"));

    // Unanswered: Envoy's async client answers 504 at the timeout.
    let mut host = host_fresh();
    let mut s = host.stream();
    s.send_request(Request::get("/").header("x-fixture", "callout:/slow:200"));
    s.advance(Duration::from_millis(199));
    assert!(s.upstream().headers.is_none());
    s.advance(Duration::from_millis(1));
    assert_eq!(
        s.upstream().header("x-fixture-callout"),
        Some("status=504;body=24;headers=true")
    );

    // A connection failure is a 503 from Envoy; a reset has no headers.
    let mut host = host_fresh();
    host.on_http_call(|_| Some(HttpCallReply::connection_failure()));
    let mut s = host.stream();
    s.send_request(Request::get("/").header("x-fixture", "callout:/x:1000"));
    assert!(s
        .upstream()
        .header("x-fixture-callout")
        .unwrap()
        .starts_with("status=503;"));
    let mut host = host_fresh();
    let mut s = host.stream();
    s.send_request(Request::get("/").header("x-fixture", "callout:/x:1000"));
    let token = s.host().http_calls()[0].token;
    s.host().reply_http_call(token, HttpCallReply::reset());
    assert_eq!(
        s.upstream().header("x-fixture-callout"),
        Some("status=none;body=0;headers=false")
    );
}

fn host_fresh() -> Host {
    host()
}

#[test]
fn http_calls_to_unknown_clusters_are_refused() {
    let mut host = Host::builder(&fixture()).build().unwrap();
    let mut s = host.stream();
    s.send_request(Request::get("/").header("x-fixture", "callout:/x:1000"));
    assert_eq!(
        s.upstream().header("x-fixture-callout"),
        Some("error=BadArgument")
    );
}

#[test]
fn grpc_calls_are_scripted_and_fail_with_status() {
    let mut host = host();
    host.on_grpc_call(|call| {
        assert_eq!(call.service, "tollgate.Fixture");
        assert_eq!(call.method, "Check");
        Some(GrpcCallReply::ok(b"pong".to_vec()))
    });
    let mut s = host.stream();
    s.send_request(Request::get("/").header("x-fixture", "grpc:500"));
    assert_eq!(s.upstream().header("x-fixture-grpc"), Some("ok:pong"));

    let mut host = host_fresh();
    host.on_grpc_call(|_| Some(GrpcCallReply::unavailable()));
    let mut s = host.stream();
    s.send_request(Request::get("/").header("x-fixture", "grpc:500"));
    assert!(s
        .upstream()
        .header("x-fixture-grpc")
        .unwrap()
        .starts_with("status=14;message=upstream connect error"));

    let mut host = host_fresh();
    let mut s = host.stream();
    s.send_request(Request::get("/").header("x-fixture", "grpc:500"));
    s.advance(Duration::from_millis(500));
    assert_eq!(
        s.upstream().header("x-fixture-grpc"),
        Some("status=4;message=timeout")
    );
}

#[test]
fn ticks_follow_the_virtual_clock_and_feed_the_queue() {
    let mut host = Host::builder(&fixture())
        .workers(2)
        .configuration(r#"{"tick_ms":100}"#)
        .build()
        .unwrap();
    assert_eq!(host.tick_period(0), Some(Duration::from_millis(100)));
    host.advance(Duration::from_millis(99));
    assert_eq!(host.counter("fixture_ticks_total"), Some(0));
    host.advance(Duration::from_millis(1));
    assert_eq!(
        host.counter("fixture_ticks_total"),
        Some(2),
        "one per worker"
    );
    host.advance(Duration::from_secs(1));
    assert_eq!(host.counter("fixture_ticks_total"), Some(22));
    // The clock the filter reads moved too: 2026-01-01 + 1.1 s.
    assert!(host.logged(LogLevel::Info, "dequeued tick at 1767225601100"));
}

#[test]
fn a_trapped_vm_fails_closed_like_envoy() {
    let mut host = host();
    let mut s = host.stream();
    s.send_request(Request::get("/").header("x-fixture", "panic"));
    assert_eq!(s.action(Phase::RequestHeaders), Some(Action::Trapped));
    assert_eq!(s.downstream().status(), Some(503));
    let failure = host.vm_failure(0).unwrap();
    assert!(failure.contains("proxy_on_request_headers"), "{failure}");
    assert!(host.logged(LogLevel::Critical, "panicked"));
    // Every later stream on that worker fails too.
    let mut s = host.stream();
    s.send_request(Request::get("/"));
    assert_eq!(s.downstream().status(), Some(503));
    assert!(s.upstream().headers.is_none());

    let mut host = Host::builder(&fixture()).fail_open(true).build().unwrap();
    host.stream()
        .send_request(Request::get("/").header("x-fixture", "panic"));
    let mut s = host.stream();
    s.send_request(Request::get("/"));
    assert!(s.upstream().complete, "fail open: the filter is skipped");
}

#[test]
fn a_looping_filter_runs_out_of_fuel_instead_of_hanging() {
    let mut host = Host::builder(&fixture()).fuel(5_000_000).build().unwrap();
    let mut s = host.stream();
    s.send_request(Request::get("/").header("x-fixture", "spin"));
    assert_eq!(s.action(Phase::RequestHeaders), Some(Action::Trapped));
    assert!(host.vm_failure(0).unwrap().contains("out of fuel"));
}

#[test]
fn a_paused_body_over_the_buffer_limit_gets_413() {
    let mut host = Host::builder(&fixture()).buffer_limit(8).build().unwrap();
    let mut s = host.stream();
    s.send_request(
        chat()
            .header("x-fixture", "buffer-body")
            .chunks(["12345", "67890", "x"]),
    );
    assert_eq!(s.downstream().status(), Some(413));
    assert_eq!(s.downstream().body_str(), "Payload Too Large");
    assert_eq!(
        s.local_reply().map(|r| r.details.as_str()),
        Some("request_payload_too_large")
    );
}

#[test]
fn responding_without_an_upstream_request_is_a_test_bug() {
    let mut host = host();
    let mut s = host.stream();
    s.request_headers(
        &[
            (":method", "GET"),
            (":path", "/"),
            ("x-fixture", "pause-headers"),
        ],
        true,
    );
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        s.send_response(Response::ok());
    }));
    assert!(caught.is_err());
}

#[test]
fn host_calls_can_be_checked_strictly() {
    let mut host = Host::builder(&fixture())
        .trace_host_calls()
        .build()
        .unwrap();
    host.clear_host_calls();
    let mut s = host.stream();
    s.request_headers(&[(":method", "GET"), (":path", "/")], true);
    let names: Vec<&str> = host.host_calls().iter().map(|c| c.name).collect();
    assert_eq!(names.first(), Some(&"proxy_increment_metric"));
    assert!(names.contains(&"proxy_get_header_map_value"));
    assert!(names.contains(&"proxy_get_property"));
    assert!(!names.contains(&"proxy_http_call"));
}
