//! The `throttle` filter in tollgate-host, with several worker VMs sharing
//! one shared-data store and a virtual clock: window edges, reservations
//! and refunds, concurrent requests that post-hoc charging would let
//! overshoot, streamed usage in every API shape, missing usage, in-flight
//! limits, the key cap and eviction, shadow mode, and the replies (429,
//! `retry-after`, `x-ratelimit-*`, OpenAI and Anthropic shapes).

use std::time::{Duration, UNIX_EPOCH};

use serde_json::{json, Value};
use tollgate_host::{Host, Module, Request, Response, StreamId};

const CHAT: &str = "/v1/chat/completions";
/// The virtual clock's start: 2026-11-26T00:00:00Z (on a minute, hour and
/// day boundary).
const START: u64 = 1_795_651_200;

fn host(config: &Value, workers: usize) -> Host {
    let module = Module::named("throttle").unwrap();
    Host::builder(&module)
        .json_configuration(config)
        .workers(workers)
        .start_time(UNIX_EPOCH + Duration::from_secs(START))
        .cluster("ratelimit")
        .build()
        .unwrap()
}

fn chat(consumer: &str, body: &Value) -> Request {
    Request::post(CHAT)
        .header("x-tollgate-consumer", consumer)
        .json(body)
}

/// Tokens of one type charged so far, every consumer and model.
fn tokens(h: &Host, token_type: &str) -> u64 {
    h.sum(
        "tollgate_gen_ai_client_token_usage_total",
        &[("token_type", token_type)],
    )
}

fn small_chat(max_tokens: u64) -> Value {
    json!({"model": "gpt-4o-mini", "max_tokens": max_tokens,
           "messages": [{"role": "user", "content": "hello there"}]})
}

fn chat_reply(prompt: u64, completion: u64) -> Response {
    Response::ok().json(&json!({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
    }))
}

/// Sends a whole call (request, then reply unless refused); the status the
/// client saw.
fn call(
    h: &mut Host,
    worker: usize,
    req: Request,
    reply: Response,
) -> (u16, tollgate_host::StreamId) {
    let mut s = h.stream_on(worker);
    s.send_request(req);
    if let Some(r) = s.local_reply() {
        return (r.status, s.id());
    }
    s.send_response(reply);
    (s.downstream().status().unwrap_or(0), s.id())
}

fn reply_json(h: &Host, id: StreamId) -> Value {
    serde_json::from_slice(&h.outcome(id).local_reply.as_ref().unwrap().body).unwrap()
}

fn reply_header(h: &Host, id: StreamId, name: &str) -> Option<String> {
    h.outcome(id)
        .local_reply
        .as_ref()?
        .headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

#[test]
fn requests_per_minute_hold_across_workers_and_reset_on_the_minute() {
    let cfg = json!({"rules": [{"name": "rpm", "key": ["consumer"],
                                "limits": [{"requests": 3, "per": "minute"}]}]});
    let mut h = host(&cfg, 3);
    h.advance(Duration::from_secs(30));
    // Three workers, one counter: the 4th request in the minute is refused
    // whichever worker it lands on.
    for i in 0..3 {
        let (status, id) = call(
            &mut h,
            i % 3,
            chat("team-a", &small_chat(10)),
            chat_reply(5, 5),
        );
        assert_eq!(status, 200);
        let down = &h.outcome(id).downstream;
        assert_eq!(down.header("x-ratelimit-limit-requests"), Some("3"));
        assert_eq!(
            down.header("x-ratelimit-remaining-requests"),
            Some(&*(2 - i).to_string())
        );
        assert_eq!(down.header("x-ratelimit-reset-requests"), Some("30s"));
    }
    let (status, id) = call(&mut h, 1, chat("team-a", &small_chat(10)), chat_reply(5, 5));
    assert_eq!(status, 429);
    assert_eq!(reply_header(&h, id, "retry-after").as_deref(), Some("30"));
    assert_eq!(
        reply_header(&h, id, "x-ratelimit-remaining-requests").as_deref(),
        Some("0")
    );
    let body = reply_json(&h, id);
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");
    assert_eq!(body["error"]["type"], "requests");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("3 requests per minute"));
    assert_eq!(
        h.outcome(id).local_reply.as_ref().unwrap().details,
        "tollgate_rate_limited"
    );
    // Another consumer has its own counter.
    assert_eq!(
        call(&mut h, 2, chat("team-b", &small_chat(10)), chat_reply(5, 5)).0,
        200
    );
    // 29.999 s later it is still the same minute; 1 ms more and it is not.
    h.advance(Duration::from_millis(29_999));
    assert_eq!(
        call(&mut h, 0, chat("team-a", &small_chat(10)), chat_reply(5, 5)).0,
        429
    );
    h.advance(Duration::from_millis(1));
    assert_eq!(
        call(&mut h, 0, chat("team-a", &small_chat(10)), chat_reply(5, 5)).0,
        200
    );
    assert_eq!(
        h.sum(
            "tollgate_throttle_decisions_total",
            &[("outcome", "limited")]
        ),
        2
    );
    assert_eq!(
        h.sum(
            "tollgate_throttle_rule_decisions_total",
            &[("rule", "rpm"), ("outcome", "limited")]
        ),
        2
    );
    assert_eq!(
        h.sum(
            "tollgate_throttle_rule_decisions_total",
            &[("rule", "rpm"), ("outcome", "admitted")]
        ),
        5
    );
    let durations = h
        // A request-only rule decides at the headers: the body (and its
        // model) is never read.
        .histogram_series(
            "tollgate_gen_ai_server_request_duration_milliseconds",
            &[("model", "unknown")],
        )
        .unwrap();
    assert_eq!(
        durations.len(),
        5,
        "one duration per admitted call, per model"
    );
}

#[test]
fn anthropic_requests_get_an_anthropic_shaped_429() {
    let cfg = json!({"rules": [{"name": "rpm", "limits": [{"requests": 1, "per": "minute"}]}]});
    let mut h = host(&cfg, 1);
    let msg = json!({"model": "claude-sonnet-4", "max_tokens": 10,
                     "messages": [{"role": "user", "content": "hi"}]});
    let req = || {
        Request::post("/v1/messages")
            .header("x-tollgate-consumer", "a")
            .json(&msg)
    };
    let ok = Response::ok().json(&json!({"type": "message", "content": [],
        "usage": {"input_tokens": 3, "output_tokens": 2}}));
    assert_eq!(call(&mut h, 0, req(), ok.clone()).0, 200);
    let (status, id) = call(&mut h, 0, req(), ok);
    assert_eq!(status, 429);
    let body = reply_json(&h, id);
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "rate_limit_error");
    assert!(reply_header(&h, id, "retry-after").is_some());
    assert!(reply_header(&h, id, "request-id").is_some());
}

/// Opens a stream and sends its request, leaving it in flight.
fn start(h: &mut Host, worker: usize, req: Request) -> StreamId {
    let mut s = h.stream_on(worker);
    s.send_request(req);
    s.id()
}

fn finish(h: &mut Host, id: StreamId, reply: Response) {
    h.stream_ref(id).send_response(reply);
}

#[test]
fn concurrent_requests_cannot_overshoot_a_token_limit() {
    // 10 000 tokens a minute; each request reserves its prompt (~7 tokens)
    // and max_tokens 2000. Ten arrive on four workers before any answer:
    // charging only at the end would admit all ten (20 000+ tokens); the
    // reservations admit four.
    let cfg = json!({"rules": [{"name": "tpm", "key": ["consumer"],
                                "limits": [{"tokens": 10000, "per": "minute"}]}]});
    let mut h = host(&cfg, 4);
    let mut admitted = Vec::new();
    let mut refused = 0;
    for i in 0..10 {
        let id = start(&mut h, i % 4, chat("team-a", &small_chat(2000)));
        if h.outcome(id).local_reply.is_some() {
            refused += 1;
            let body = reply_json(&h, id);
            assert_eq!(body["error"]["code"], "tokens_limit_exceeded");
            assert_eq!(body["error"]["type"], "tokens");
        } else {
            admitted.push(id);
        }
    }
    assert_eq!((admitted.len(), refused), (4, 6));
    assert_eq!(
        h.gauge("tollgate_throttle_reservations_outstanding"),
        Some(4)
    );
    // They used 10 + 100 each: the rest of each reservation comes back, and
    // the next request fits again.
    for id in admitted {
        finish(&mut h, id, chat_reply(10, 100));
    }
    assert_eq!(
        h.gauge("tollgate_throttle_reservations_outstanding"),
        Some(0)
    );
    assert_eq!(tokens(&h, "input"), 40);
    assert_eq!(tokens(&h, "output"), 400);
    let (status, id) = call(
        &mut h,
        2,
        chat("team-a", &small_chat(2000)),
        chat_reply(10, 100),
    );
    assert_eq!(status, 200);
    let remaining: u64 = h
        .outcome(id)
        .downstream
        .header("x-ratelimit-remaining-tokens")
        .unwrap()
        .parse()
        .unwrap();
    // 10000 - 4 × 110 - this request's reservation (7 + 2000).
    assert!((7500..=7560).contains(&remaining), "{remaining}");
    assert_eq!(
        h.sum(
            "tollgate_gen_ai_client_token_usage_total",
            &[
                ("token_type", "output"),
                ("consumer", "team-a"),
                ("model", "gpt-4o-mini")
            ]
        ),
        500
    );
}

#[test]
fn a_response_that_uses_more_than_reserved_is_charged_in_full() {
    let cfg =
        json!({"rules": [{"name": "tpm", "limits": [{"output_tokens": 1000, "per": "hour"}]}]});
    let mut h = host(&cfg, 1);
    // Reserved 100 output tokens, used 900 (an upstream that ignores max_tokens).
    assert_eq!(
        call(&mut h, 0, chat("a", &small_chat(100)), chat_reply(5, 900)).0,
        200
    );
    // 100 left: a request reserving 200 is refused, one reserving 100 fits.
    let (status, id) = call(&mut h, 0, chat("a", &small_chat(200)), chat_reply(5, 5));
    assert_eq!(status, 429);
    assert!(reply_json(&h, id)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("output tokens"));
    assert_eq!(
        call(&mut h, 0, chat("a", &small_chat(100)), chat_reply(5, 5)).0,
        200
    );
}

#[test]
fn a_request_without_max_tokens_reserves_the_default_and_an_error_is_not_charged() {
    let cfg = json!({"default_max_tokens": 500,
                     "rules": [{"name": "t", "limits": [{"tokens": 1200, "per": "minute"}]}]});
    let mut h = host(&cfg, 1);
    let body = json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]});
    let a = start(&mut h, 0, chat("a", &body));
    let b = start(&mut h, 0, chat("a", &body));
    let c = start(&mut h, 0, chat("a", &body));
    assert!(h.outcome(a).local_reply.is_none() && h.outcome(b).local_reply.is_none());
    assert_eq!(h.outcome(c).local_reply.as_ref().unwrap().status, 429);
    // The upstream fails: nothing is charged, both reservations come back.
    finish(
        &mut h,
        a,
        Response::status(500).json(&json!({"error": {"message": "boom"}})),
    );
    finish(
        &mut h,
        b,
        Response::status(429).json(&json!({"error": {"message": "slow down"}})),
    );
    for _ in 0..2 {
        let id = start(&mut h, 0, chat("a", &body));
        assert!(h.outcome(id).local_reply.is_none());
    }
}

fn sse_response(events: &[Value]) -> Response {
    let mut lines: Vec<String> = events.iter().map(Value::to_string).collect();
    lines.push("[DONE]".into());
    Response::ok().sse(lines)
}

#[test]
fn an_openai_stream_is_asked_for_usage_and_the_extra_event_removed() {
    let cfg = json!({"rules": [{"name": "t", "limits": [{"tokens": 100000, "per": "minute"}]}]});
    let mut h = host(&cfg, 1);
    let body = json!({"model": "gpt-4o-mini", "stream": true, "max_tokens": 50,
                      "messages": [{"role": "user", "content": "hi"}]});
    let events = [
        json!({"choices": [{"index": 0, "delta": {"content": "Hel"}}]}),
        json!({"choices": [{"index": 0, "delta": {"content": "lo"}, "finish_reason": "stop"}]}),
        json!({"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 2}}),
    ];
    let mut s = h.stream();
    s.send_request(chat("a", &body));
    let sent = s.upstream().json().unwrap();
    assert_eq!(
        sent["stream_options"]["include_usage"], true,
        "asked for usage"
    );
    // Split the stream at every 7 bytes: events span chunks.
    s.send_response(sse_response(&events).chunk_size(7));
    let got = s.downstream().body_str();
    assert!(got.contains("Hel") && got.contains("\"lo\""));
    assert!(
        !got.contains("usage"),
        "the client did not ask for usage: {got}"
    );
    assert!(got.trim_end().ends_with("data: [DONE]"));
    let id = s.id();
    assert!(h.outcome(id).downstream.header("content-length").is_none());
    assert_eq!(tokens(&h, "input"), 9);
    assert_eq!(tokens(&h, "output"), 2);
    assert_eq!(
        h.counter("tollgate_throttle_usage_estimated_total"),
        Some(0)
    );

    // A client that asked for usage gets the event, untouched.
    let asked = json!({"model": "gpt-4o-mini", "stream": true, "stream_options": {"include_usage": true},
                       "messages": [{"role": "user", "content": "hi"}]});
    let mut s = h.stream();
    s.send_request(chat("a", &asked));
    s.send_response(sse_response(&events));
    assert!(s
        .downstream()
        .body_str()
        .contains("\"completion_tokens\":2"));
    assert_eq!(tokens(&h, "output"), 4);
}

#[test]
fn streamed_usage_is_read_in_every_api_shape() {
    let cfg = json!({"rules": [{"name": "t", "limits": [{"tokens": 100000, "per": "minute"}]}]});
    let mut h = host(&cfg, 1);
    let cases: Vec<(&str, Value, Response, u64, u64)> = vec![
        (
            "/v1/messages",
            json!({"model": "claude-sonnet-4", "max_tokens": 100, "stream": true,
                   "messages": [{"role": "user", "content": "hi"}]}),
            Response::ok().header("content-type", "text/event-stream").body(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":21,\"output_tokens\":1}}}\n\n\
                 event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n\
                 event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":15}}\n\n\
                 event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
            ).chunk_size(5),
            21,
            15,
        ),
        (
            "/v1/responses",
            json!({"model": "gpt-4o", "stream": true, "input": "hi"}),
            Response::ok().header("content-type", "text/event-stream").body(
                "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n\
                 event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":12,\"output_tokens\":4}}}\n\n",
            ).chunk_size(3),
            12,
            4,
        ),
        (
            "/v1/completions",
            json!({"model": "gpt-3.5-turbo-instruct", "stream": true, "prompt": "hi", "max_tokens": 5}),
            sse_response(&[
                json!({"choices": [{"text": "Hi", "index": 0}]}),
                json!({"choices": [], "usage": {"prompt_tokens": 2, "completion_tokens": 1}}),
            ]),
            2,
            1,
        ),
    ];
    let (mut input, mut output) = (0, 0);
    for (path, body, reply, want_in, want_out) in cases {
        let mut s = h.stream();
        s.send_request(
            Request::post(path)
                .header("x-tollgate-consumer", "a")
                .json(&body),
        );
        s.send_response(reply);
        input += want_in;
        output += want_out;
        assert_eq!(tokens(&h, "input"), input, "{path}");
        assert_eq!(tokens(&h, "output"), output, "{path}");
    }
    assert_eq!(
        h.counter("tollgate_throttle_usage_estimated_total"),
        Some(0)
    );
}

#[test]
fn a_stream_without_usage_is_charged_an_estimate() {
    let cfg = json!({"stream": {"include_usage": false},
                     "rules": [{"name": "t", "limits": [{"tokens": 100000, "per": "minute"}]}]});
    let mut h = host(&cfg, 1);
    let body =
        json!({"model": "m", "stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let mut s = h.stream();
    s.send_request(chat("a", &body));
    assert!(
        s.upstream().json().unwrap().get("stream_options").is_none(),
        "not asked when off"
    );
    s.send_response(sse_response(&[
        json!({"choices": [{"delta": {"content": "abcdefghijkl"}}]}),
    ]));
    assert_eq!(
        h.counter("tollgate_throttle_usage_estimated_total"),
        Some(1)
    );
    assert_eq!(tokens(&h, "output"), 3);
}

#[test]
fn in_flight_limits_count_across_workers_until_each_request_ends() {
    let cfg = json!({"rules": [{"name": "conc", "key": ["consumer"], "in_flight": 2}]});
    let mut h = host(&cfg, 2);
    let body = small_chat(10);
    let a = start(&mut h, 0, chat("a", &body));
    let b = start(&mut h, 1, chat("a", &body));
    let c = start(&mut h, 0, chat("a", &body));
    assert!(h.outcome(a).local_reply.is_none() && h.outcome(b).local_reply.is_none());
    let refused = h.outcome(c).local_reply.as_ref().unwrap();
    assert_eq!(refused.status, 429);
    assert!(String::from_utf8_lossy(&refused.body).contains("in flight"));
    // A client reset ends a request too.
    h.reset(a);
    let d = start(&mut h, 1, chat("a", &body));
    assert!(h.outcome(d).local_reply.is_none());
    finish(&mut h, b, chat_reply(1, 1));
    finish(&mut h, d, chat_reply(1, 1));
}

#[test]
fn the_key_table_is_bounded_and_evicts() {
    let cfg = json!({"local": {"max_keys": 16},
                     "rules": [{"name": "rpm", "key": ["consumer"], "limits": [{"requests": 1, "per": "minute"}]}]});
    let mut h = host(&cfg, 2);
    for i in 0..200 {
        assert_eq!(
            call(
                &mut h,
                i % 2,
                chat(&format!("c{i}"), &small_chat(1)),
                chat_reply(1, 1)
            )
            .0,
            200
        );
    }
    let slots = (0..100)
        .filter(|n| {
            h.shared_data(format!("tollgate.throttle.{n}").as_bytes())
                .is_some()
        })
        .count();
    assert_eq!(slots, 16, "never more records than the cap");
    assert!(h.counter("tollgate_throttle_evictions_total").unwrap() >= 184 - 16);
    // The most recent consumer is still counted.
    assert_eq!(
        call(&mut h, 0, chat("c199", &small_chat(1)), chat_reply(1, 1)).0,
        429
    );
}

#[test]
fn shadow_rules_report_and_never_refuse() {
    let cfg = json!({"rules": [{"name": "rpm", "shadow": true, "limits": [{"requests": 1, "per": "minute"}]}]});
    let mut h = host(&cfg, 1);
    for i in 0..3 {
        let mut s = h.stream();
        s.send_request(chat("a", &small_chat(1)));
        assert!(s.local_reply().is_none());
        let meta: Value =
            serde_json::from_slice(&s.get_property(&["tollgate_throttle"]).unwrap()).unwrap();
        assert_eq!(meta["decision"], "admit");
        let rules = if i == 0 { json!([]) } else { json!(["rpm"]) };
        assert_eq!(meta["shadow_rules"], rules);
        s.send_response(chat_reply(1, 1));
    }
    assert_eq!(
        h.sum(
            "tollgate_throttle_rule_decisions_total",
            &[("rule", "rpm"), ("outcome", "shadow_limited")]
        ),
        2
    );
    assert_eq!(
        h.sum(
            "tollgate_throttle_decisions_total",
            &[("outcome", "limited")]
        ),
        0
    );
}

#[test]
fn a_cost_budget_refuses_once_spent() {
    let cfg = json!({
        "prices": {"gpt-4o-mini": {"input": 0.15, "output": 0.6}, "*": {"input": 10, "output": 30}},
        "rules": [{"name": "budget", "key": ["consumer"], "limits": [{"cost": 0.02, "per": "day"}]}]});
    let mut h = host(&cfg, 1);
    // 0.02 a day: an unpriced model at 30 per million output tokens may
    // reserve at most 666 output tokens.
    let body = json!({"model": "other", "max_tokens": 700, "messages": [{"role": "user", "content": "hi"}]});
    assert_eq!(call(&mut h, 0, chat("a", &body), chat_reply(1, 1)).0, 429);
    // gpt-4o-mini: 10 000 output tokens at 0.6 per million is 0.006.
    let body = json!({"model": "gpt-4o-mini", "max_tokens": 10000, "messages": [{"role": "user", "content": "hi"}]});
    for _ in 0..3 {
        let (status, id) = call(&mut h, 0, chat("a", &body), chat_reply(10, 10000));
        assert_eq!(status, 200, "{:?}", h.outcome(id).local_reply);
    }
    // 3 × 0.006 spent: a fourth 0.006 is over the budget.
    let (status, id) = call(&mut h, 0, chat("a", &body), chat_reply(10, 10000));
    assert_eq!(status, 429);
    assert!(reply_json(&h, id)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("0.02 cost per day"));
}

#[test]
fn rules_match_labels_models_and_headers() {
    let cfg = json!({"rules": [{"name": "free", "match": {"labels": {"tier": "free"}, "models": ["gpt-4o*"]},
                                "key": ["consumer", "header:x-team"], "limits": [{"requests": 1, "per": "hour"}]}]});
    let mut h = host(&cfg, 1);
    let free = |model: &str, team: &str| {
        Request::post(CHAT)
            .header("x-tollgate-consumer", "a")
            .header("x-tollgate-label-tier", "free")
            .header("x-team", team)
            .json(&json!({"model": model, "max_tokens": 1, "messages": []}))
    };
    assert_eq!(
        call(&mut h, 0, free("gpt-4o", "t1"), chat_reply(1, 1)).0,
        200
    );
    assert_eq!(
        call(&mut h, 0, free("gpt-4o", "t1"), chat_reply(1, 1)).0,
        429
    );
    assert_eq!(
        call(&mut h, 0, free("gpt-4o", "t2"), chat_reply(1, 1)).0,
        200,
        "keyed by header"
    );
    assert_eq!(
        call(&mut h, 0, free("claude-3", "t1"), chat_reply(1, 1)).0,
        200,
        "model not matched"
    );
    let gold = Request::post(CHAT)
        .header("x-tollgate-consumer", "a")
        .header("x-tollgate-label-tier", "gold")
        .header("x-team", "t1")
        .json(&json!({"model": "gpt-4o", "messages": []}));
    assert_eq!(
        call(&mut h, 0, gold, chat_reply(1, 1)).0,
        200,
        "label not matched"
    );
}

#[test]
fn bad_configurations_are_refused_at_configure() {
    let module = Module::named("throttle").unwrap();
    let (h, ok) = Host::builder(&module)
        .json_configuration(
            &json!({"rules": [{"name": "a", "limits": [{"cost": 1, "per": "day"}]}]}),
        )
        .build_unchecked()
        .unwrap();
    assert!(!ok);
    assert!(
        h.log_text().contains("prices: must have a `*` entry"),
        "{}",
        h.log_text()
    );
}

// --- mesh-wide: the rate-limit service (RLS v3), scripted -------------------

/// A protobuf varint.
fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn field(number: u64, bytes: &[u8], out: &mut Vec<u8>) {
    varint(number << 3 | 2, out);
    varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

/// A RateLimitResponse: overall code (1 OK, 2 OVER_LIMIT) and statuses
/// `(code, requests_per_unit, unit, remaining, reset_secs)`.
fn rls_response(code: u64, statuses: &[(u64, u64, u64, u64, u64)]) -> Vec<u8> {
    let mut out = Vec::new();
    varint(1 << 3, &mut out);
    varint(code, &mut out);
    for &(c, per_unit, unit, remaining, reset) in statuses {
        let mut st = Vec::new();
        varint(1 << 3, &mut st);
        varint(c, &mut st);
        let mut limit = Vec::new();
        varint(1 << 3, &mut limit);
        varint(per_unit, &mut limit);
        varint(2 << 3, &mut limit);
        varint(unit, &mut limit);
        field(2, &limit, &mut st);
        varint(3 << 3, &mut st);
        varint(remaining, &mut st);
        let mut dur = Vec::new();
        varint(1 << 3, &mut dur);
        varint(reset, &mut dur);
        field(4, &dur, &mut st);
        field(2, &st, &mut out);
    }
    out
}

fn rls_config(on_failure: &str) -> Value {
    json!({
        "rls": {"cluster": "ratelimit", "domain": "tollgate", "timeout_ms": 50, "on_failure": on_failure},
        "rules": [{"name": "mesh", "store": "rls", "key": ["consumer"],
                   "limits": [{"requests": 2, "per": "minute"}, {"tokens": 1000, "per": "minute"}]}]
    })
}

#[test]
fn the_rate_limit_service_decides_mesh_wide_rules() {
    let mut h = host(&rls_config("deny"), 2);
    // A test double of the service: two requests a minute, then OVER_LIMIT.
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = seen.clone();
    h.on_grpc_call(move |call| {
        assert_eq!(call.service, "envoy.service.ratelimit.v3.RateLimitService");
        assert_eq!(call.method, "ShouldRateLimit");
        let text = String::from_utf8_lossy(&call.message).into_owned();
        assert!(
            text.contains("tollgate") && text.contains("tollgate_rule") && text.contains("team-a")
        );
        if text.contains("requests") {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            if n > 2 {
                return Some(tollgate_host::GrpcCallReply::ok(rls_response(
                    2,
                    &[(2, 2, 2, 0, 17)],
                )));
            }
            return Some(tollgate_host::GrpcCallReply::ok(rls_response(
                1,
                &[(1, 2, 2, 2 - n, 40)],
            )));
        }
        Some(tollgate_host::GrpcCallReply::ok(rls_response(
            1,
            &[(1, 1000, 2, 500, 40)],
        )))
    });
    for i in 0..2 {
        let (status, id) = call(
            &mut h,
            i,
            chat("team-a", &small_chat(100)),
            chat_reply(5, 5),
        );
        assert_eq!(status, 200);
        let down = &h.outcome(id).downstream;
        assert_eq!(down.header("x-ratelimit-limit-requests"), Some("2"));
        assert_eq!(
            down.header("x-ratelimit-remaining-requests"),
            Some(&*(1 - i).to_string())
        );
        assert_eq!(down.header("x-ratelimit-remaining-tokens"), Some("500"));
        assert_eq!(down.header("x-ratelimit-reset-tokens"), Some("40s"));
    }
    let (status, id) = call(
        &mut h,
        0,
        chat("team-a", &small_chat(100)),
        chat_reply(5, 5),
    );
    assert_eq!(status, 429);
    assert_eq!(reply_header(&h, id, "retry-after").as_deref(), Some("17"));
    assert!(
        h.outcome(id).upstream.headers.is_some(),
        "headers went on; the body never did"
    );
    assert!(!h.outcome(id).upstream.complete);
    assert_eq!(h.counter("tollgate_throttle_rls_over_limit_total"), Some(1));
    // Two calls per request: requests (hits 1) and tokens (the reservation).
    assert_eq!(h.counter("tollgate_throttle_rls_calls_total"), Some(6));
    assert!(h
        .histogram("tollgate_throttle_rls_latency_milliseconds")
        .is_some());
}

#[test]
fn usage_above_the_reservation_is_reported_to_the_service() {
    let mut h = host(&rls_config("deny"), 1);
    h.on_grpc_call(|_| Some(tollgate_host::GrpcCallReply::ok(rls_response(1, &[]))));
    // Reserved ~9 + 100 tokens, used 5 + 900: 796 more are reported.
    assert_eq!(
        call(
            &mut h,
            0,
            chat("team-a", &small_chat(100)),
            chat_reply(5, 900)
        )
        .0,
        200
    );
    let before = h.grpc_calls().len();
    h.advance(Duration::from_millis(250)); // the root's tick sends it
    let calls = h.grpc_calls();
    assert_eq!(calls.len(), before + 1, "one report");
    let report = calls.iter().max_by_key(|c| c.token).unwrap();
    let text = String::from_utf8_lossy(&report.message);
    assert!(text.contains("tokens"), "{text}");
    assert_eq!(h.counter("tollgate_throttle_rls_reports_total"), Some(1));
    // hits_addend (field 3, a varint, last) is the excess: 905 used
    // minus the reservation (100 and the prompt's ~10).
    let at = report.message.iter().rposition(|&b| b == 3 << 3).unwrap();
    let mut hits = 0u64;
    for (i, b) in report.message[at + 1..].iter().enumerate() {
        hits |= u64::from(b & 0x7f) << (7 * i);
    }
    assert!((790..=800).contains(&hits), "{hits}");
}

#[test]
fn when_the_service_fails_the_configured_mode_applies() {
    for (mode, reply) in [
        ("deny", tollgate_host::GrpcCallReply::unavailable()),
        ("deny", tollgate_host::GrpcCallReply::timeout()),
        ("allow", tollgate_host::GrpcCallReply::unavailable()),
        ("allow", tollgate_host::GrpcCallReply::timeout()),
        ("local", tollgate_host::GrpcCallReply::unavailable()),
        ("local", tollgate_host::GrpcCallReply::timeout()),
    ] {
        let mut h = host(&rls_config(mode), 2);
        let r = reply.clone();
        h.on_grpc_call(move |_| Some(r.clone()));
        let mut statuses = Vec::new();
        for i in 0..3 {
            let mut s = h.stream_on(i % 2);
            s.send_request(chat("team-a", &small_chat(100)));
            // A timeout comes after the call's 50 ms.
            s.advance(Duration::from_millis(60));
            if let Some(r) = s.local_reply() {
                statuses.push(r.status);
                continue;
            }
            s.send_response(chat_reply(5, 5));
            statuses.push(s.downstream().status().unwrap());
        }
        let want = match mode {
            "deny" => vec![503, 503, 503],
            "allow" => vec![200, 200, 200],
            // The rule's own limits (2 requests a minute), counted locally.
            _ => vec![200, 200, 429],
        };
        assert_eq!(statuses, want, "{mode} {reply:?}");
        assert_eq!(
            h.sum("tollgate_throttle_rls_failures_total", &[("mode", mode)]),
            3,
            "{mode}"
        );
        assert!(h.counter("tollgate_throttle_rls_errors_total").unwrap() >= 3);
    }
}

#[test]
fn a_client_that_leaves_while_the_service_thinks_holds_nothing() {
    let cfg = json!({
        "rls": {"cluster": "ratelimit", "timeout_ms": 1000},
        "rules": [
            {"name": "mesh", "store": "rls", "limits": [{"requests": 100, "per": "minute"}]},
            {"name": "conc", "key": ["consumer"], "in_flight": 1}]
    });
    let mut h = host(&cfg, 1);
    // No answer scripted: the call stays pending.
    let a = start(&mut h, 0, chat("a", &small_chat(1)));
    assert!(h.outcome(a).local_reply.is_none());
    h.reset(a);
    h.on_grpc_call(|_| Some(tollgate_host::GrpcCallReply::ok(rls_response(1, &[]))));
    let (status, _) = call(&mut h, 0, chat("a", &small_chat(1)), chat_reply(1, 1));
    assert_eq!(status, 200, "the in-flight slot was given back");
}

#[test]
fn a_spike_is_seen_within_its_period_across_workers_and_tightens_the_limit() {
    let cfg = json!({"spike": {"period_secs": 10, "warmup_periods": 3, "min_requests": 5,
                               "hold_secs": 60, "limit_requests": 12}});
    let mut h = host(&cfg, 2);
    h.advance(Duration::from_secs(10));
    // A minute of baseline: 2 requests per 10 s period.
    for period in 0..6 {
        for i in 0..2 {
            assert_eq!(
                call(
                    &mut h,
                    (period + i) % 2,
                    chat("a", &small_chat(1)),
                    chat_reply(1, 1)
                )
                .0,
                200
            );
        }
        h.advance(Duration::from_secs(10));
    }
    assert_eq!(h.sum("tollgate_throttle_spikes_total", &[]), 0);
    // A burst: 20 requests within one second, on both workers.
    let mut statuses = Vec::new();
    let mut flagged_at = None;
    for i in 0..20 {
        let mut s = h.stream_on(i % 2);
        s.send_request(chat("a", &small_chat(1)));
        // A refused stream has ended (its metadata with it): read the
        // decision of the admitted ones.
        if let Some(meta) = s.get_property(&["tollgate_throttle"]) {
            let meta: Value = serde_json::from_slice(&meta).unwrap();
            if meta["spike"] == true && flagged_at.is_none() {
                flagged_at = Some(i);
            }
        }
        if let Some(r) = s.local_reply() {
            statuses.push(r.status);
        } else {
            s.send_response(chat_reply(1, 1));
            statuses.push(s.downstream().status().unwrap());
        }
        s.advance(Duration::from_millis(50));
    }
    let flagged_at = flagged_at.expect("the spike is flagged during its period");
    assert!(flagged_at < 12, "flagged at request {flagged_at}");
    assert_eq!(
        h.sum("tollgate_throttle_spikes_total", &[]),
        1,
        "reported once"
    );
    assert_eq!(
        h.sum(
            "tollgate_throttle_spikes_total",
            &[("consumer", "a"), ("model", "gpt-4o-mini")]
        ),
        1
    );
    assert!(h
        .log_text()
        .contains("spike: consumer=a model=gpt-4o-mini series=requests"));
    // The tighter limit: 12 requests in the period, the rest refused.
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        12,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|&&s| s == 429).count(), 8);
    assert_eq!(h.counter("tollgate_throttle_spike_limited_total"), Some(8));
    // Another consumer is not affected.
    assert_eq!(
        call(&mut h, 0, chat("b", &small_chat(1)), chat_reply(1, 1)).0,
        200
    );
    // After the hold the limit is lifted.
    h.advance(Duration::from_secs(120));
    for _ in 0..3 {
        assert_eq!(
            call(&mut h, 1, chat("a", &small_chat(1)), chat_reply(1, 1)).0,
            200
        );
    }
}

// --- edges found in review ----------------------------------------------------

#[test]
fn unreadable_bodies_are_refused_and_gzip_bodies_are_read() {
    use std::io::Write;
    let cfg = json!({"rules": [{"name": "m", "match": {"models": ["gpt-4o*"]},
                                "limits": [{"requests": 1, "per": "hour"}]}]});
    let mut h = host(&cfg, 1);
    // Not JSON: the limiter cannot tell its model or size: 400.
    let mut s = h.stream();
    s.send_request(
        Request::post(CHAT)
            .header("x-tollgate-consumer", "a")
            .body("{not json"),
    );
    let r = s.local_reply().unwrap();
    assert_eq!(r.status, 400);
    assert!(String::from_utf8_lossy(&r.body).contains("invalid_request_body"));
    // No model while a rule is scoped by model: 400.
    let mut s = h.stream();
    s.send_request(chat("a", &json!({"messages": []})));
    assert_eq!(s.local_reply().unwrap().status, 400);
    // A gzip body is read: its model is limited (the second is refused).
    let gz = |body: &Value| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(body.to_string().as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let req = || {
        Request::post(CHAT)
            .header("x-tollgate-consumer", "a")
            .header("content-encoding", "gzip")
            .body(gz(&json!({"model": "gpt-4o", "messages": []})))
    };
    assert_eq!(call(&mut h, 0, req(), chat_reply(1, 1)).0, 200);
    assert_eq!(call(&mut h, 0, req(), chat_reply(1, 1)).0, 429);
    // An unknown coding: 400, not read as if plain.
    let mut s = h.stream();
    s.send_request(
        Request::post(CHAT)
            .header("x-tollgate-consumer", "a")
            .header("content-encoding", "br")
            .body("xx"),
    );
    assert_eq!(s.local_reply().unwrap().status, 400);
}

#[test]
fn n_without_max_tokens_reserves_the_default_n_times() {
    let cfg = json!({"default_max_tokens": 1000,
                     "rules": [{"name": "t", "limits": [{"output_tokens": 5000, "per": "minute"}]}]});
    let mut h = host(&cfg, 1);
    let (status, id) = call(
        &mut h,
        0,
        chat("a", &json!({"model": "m", "n": 8, "messages": []})),
        chat_reply(1, 1),
    );
    assert_eq!(status, 429, "8 × 1000 > 5000");
    assert!(reply_json(&h, id)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("needs more"));
    // It can never fit: no retry-after (waiting would not help).
    assert!(reply_header(&h, id, "retry-after").is_none());
    assert!(reply_header(&h, id, "retry-after-ms").is_none());
    // A count written as a float is read as lenient servers read it (6e3
    // is 6000, which cannot fit); one no server reads as a count is
    // refused, not read as the default.
    let (status, _) = call(
        &mut h,
        0,
        chat(
            "a",
            &json!({"model": "m", "max_tokens": 6e3, "messages": []}),
        ),
        chat_reply(1, 1),
    );
    assert_eq!(status, 429);
    let (status, _) = call(
        &mut h,
        0,
        chat(
            "a",
            &json!({"model": "m", "max_tokens": 60.5, "messages": []}),
        ),
        chat_reply(1, 1),
    );
    assert_eq!(status, 400);
    // A duplicated member: parsers disagree on which copy counts, so the
    // request is refused rather than read one way here and another upstream.
    let mut s = h.stream();
    s.send_request(
        Request::post(CHAT)
            .header("x-tollgate-consumer", "a")
            .body(r#"{"model":"m","max_tokens":10,"max_tokens":9000,"messages":[]}"#),
    );
    assert_eq!(s.local_reply().unwrap().status, 400);
}

#[test]
fn a_request_that_gets_no_response_is_charged_its_reservation() {
    let cfg = json!({"rules": [{"name": "t", "limits": [{"tokens": 3000, "per": "hour"}]}]});
    let mut h = host(&cfg, 1);
    // The client leaves after admission: the upstream may generate it all.
    let a = start(&mut h, 0, chat("a", &small_chat(1000)));
    h.reset(a);
    let b = start(&mut h, 0, chat("a", &small_chat(1000)));
    finish(
        &mut h,
        b,
        Response::status(504).body("upstream request timeout"),
    );
    // 2 × ~1010 charged: a third reservation of ~1010 does not fit.
    let (status, _) = call(&mut h, 0, chat("a", &small_chat(1000)), chat_reply(1, 1));
    assert_eq!(status, 429);
}

#[test]
fn other_endpoints_are_decided_at_the_headers_and_cost_no_tokens() {
    let cfg = json!({"rules": [{"name": "t", "limits": [{"tokens": 100, "per": "hour"}]}]});
    let mut h = host(&cfg, 1);
    for _ in 0..3 {
        let mut s = h.stream();
        let mut upload = b"--B\r\ncontent-disposition: form-data; name=\"purpose\"\r\n\r\nassistants\r\n--B\r\ncontent-disposition: form-data; name=\"file\"; filename=\"r.pdf\"\r\ncontent-type: application/pdf\r\n\r\n".to_vec();
        upload.extend(vec![b'x'; 100_000]);
        upload.extend(b"\r\n--B--\r\n");
        s.send_request(
            Request::post("/v1/files")
                .header("x-tollgate-consumer", "a")
                .header("content-type", "multipart/form-data; boundary=B")
                .body(upload),
        );
        assert!(s.local_reply().is_none());
        s.send_response(
            Response::ok()
                .header("content-type", "audio/mpeg")
                .body(vec![0u8; 200_000]),
        );
        assert_eq!(s.downstream().status(), Some(200));
    }
    assert_eq!(tokens(&h, "output"), 0);
}

#[test]
fn an_oversized_response_is_charged_what_its_usage_says() {
    let cfg =
        json!({"rules": [{"name": "t", "limits": [{"output_tokens": 100000, "per": "hour"}]}]});
    let mut h = host(&cfg, 1);
    let filler = "x".repeat(9 << 20);
    let body = json!({"choices": [{"message": {"content": filler}}],
                      "usage": {"prompt_tokens": 3, "completion_tokens": 4321}});
    let mut s = h.stream();
    s.send_request(chat("a", &small_chat(5000)));
    s.send_response(Response::ok().json(&body).chunk_size(1 << 20));
    assert_eq!(tokens(&h, "output"), 4321);
    // Without usage: the bytes seen, all of them (9 MiB / 4).
    let body = json!({"choices": [{"message": {"content": "x".repeat(9 << 20)}}]});
    let mut s = h.stream();
    s.send_request(chat("a", &small_chat(5000)));
    s.send_response(Response::ok().json(&body).chunk_size(1 << 20));
    let out = h.sum(
        "tollgate_gen_ai_client_token_usage_total",
        &[("token_type", "output")],
    ) - 4321;
    assert!(out >= (9 << 20) / 4, "{out}");
}

#[test]
fn shadow_rules_never_fail_closed_when_the_service_fails() {
    let cfg = json!({
        "rls": {"cluster": "ratelimit", "timeout_ms": 50, "on_failure": "deny"},
        "rules": [{"name": "try", "store": "rls", "shadow": true, "limits": [{"requests": 5, "per": "minute"}]}]
    });
    let mut h = host(&cfg, 1);
    h.on_grpc_call(|_| Some(tollgate_host::GrpcCallReply::unavailable()));
    assert_eq!(
        call(&mut h, 0, chat("a", &small_chat(1)), chat_reply(1, 1)).0,
        200
    );
}

#[test]
fn usage_reports_can_use_limitadors_report_method() {
    let mut cfg = rls_config("deny");
    cfg["rls"]["usage_reports"] = json!("limitador_report");
    let mut h = host(&cfg, 1);
    h.on_grpc_call(|_| Some(tollgate_host::GrpcCallReply::ok(rls_response(1, &[]))));
    assert_eq!(
        call(
            &mut h,
            0,
            chat("team-a", &small_chat(100)),
            chat_reply(5, 900)
        )
        .0,
        200
    );
    h.advance(Duration::from_millis(250));
    let report = h.grpc_calls().into_iter().max_by_key(|c| c.token).unwrap();
    assert_eq!(
        report.service,
        "kuadrant.service.ratelimit.v1.RateLimitService"
    );
    assert_eq!(report.method, "Report");
}

#[test]
fn a_stream_past_what_the_limit_allows_is_cut_off() {
    let cfg = json!({"stream": {"cut_off": true},
                     "rules": [{"name": "t", "limits": [{"tokens": 1000, "per": "minute"}]}]});
    let mut h = host(&cfg, 1);
    let body = json!({"model": "m", "stream": true, "max_tokens": 50,
                      "messages": [{"role": "user", "content": "hi"}]});
    // An upstream that ignores max_tokens: 15 events of ~100 tokens each.
    let word = "abcd".repeat(100);
    let events: Vec<Value> = (0..15)
        .map(|_| json!({"choices": [{"index": 0, "delta": {"content": word}}]}))
        .collect();
    let mut s = h.stream();
    s.send_request(chat("a", &body));
    s.send_response(sse_response(&events));
    let got = s.downstream().body_str();
    assert!(got.contains("tokens_limit_exceeded"), "{got}");
    let deltas = got.matches("abcd").count() / 100;
    assert!((9..=11).contains(&deltas), "{deltas} deltas before the cut");
    // The error event (and its [DONE]) is the last thing the client gets.
    assert!(got.rfind("abcd") < got.find("tokens_limit_exceeded"));
    assert!(got.trim_end().ends_with("data: [DONE]"));
    let id = s.id();
    assert_eq!(h.counter("tollgate_throttle_streams_cut_total"), Some(1));
    // The stream was reset (a local reply after the headers), stopping the
    // upstream, and what was generated is charged.
    assert!(h.outcome(id).local_reply.is_some());
    assert!(tokens(&h, "output") >= 900);
    // Without cut_off the same stream runs to its end.
    let cfg = json!({"rules": [{"name": "t", "limits": [{"tokens": 1000, "per": "minute"}]}]});
    let mut h = host(&cfg, 1);
    let mut s = h.stream();
    s.send_request(chat("a", &body));
    s.send_response(sse_response(&events));
    assert!(s.downstream().body_str().contains("[DONE]"));
}

#[test]
fn rules_key_on_the_callers_namespace_and_principal() {
    // In a sidecar of namespace `team-a` (node metadata), callers with no
    // mTLS identity count under it; an mTLS caller counts under the
    // namespace of its SPIFFE ID.
    let cfg = json!({"rules": [
        {"name": "ns", "match": {"namespaces": ["team-a", "batch"]}, "key": ["namespace"],
         "limits": [{"requests": 2, "per": "hour"}]},
        {"name": "sa", "match": {"principals": ["spiffe://cluster.local/ns/batch/*"]}, "key": ["principal"],
         "limits": [{"requests": 1, "per": "hour"}]}
    ]});
    let module = Module::named("throttle").unwrap();
    let mut h = Host::builder(&module)
        .json_configuration(&cfg)
        .property(&["node", "metadata", "NAMESPACE"], "team-a")
        .start_time(UNIX_EPOCH + Duration::from_secs(START))
        .build()
        .unwrap();
    let send = |h: &mut Host, principal: Option<&str>| {
        let mut s = h.stream();
        if let Some(p) = principal {
            s.property(&["source", "principal"], p);
        }
        s.send_request(chat("anyone", &small_chat(1)));
        if let Some(r) = s.local_reply() {
            return r.status;
        }
        s.send_response(chat_reply(1, 1));
        s.downstream().status().unwrap()
    };
    assert_eq!(send(&mut h, None), 200);
    assert_eq!(send(&mut h, None), 200);
    assert_eq!(send(&mut h, None), 429, "namespace team-a: 2 an hour");
    let worker = "spiffe://cluster.local/ns/batch/sa/worker";
    assert_eq!(
        send(&mut h, Some(worker)),
        200,
        "namespace batch has its own count"
    );
    assert_eq!(
        send(&mut h, Some(worker)),
        429,
        "the principal's own limit: 1 an hour"
    );
    let other = "spiffe://cluster.local/ns/batch/sa/other";
    assert_eq!(send(&mut h, Some(other)), 200);
    assert_eq!(send(&mut h, Some(other)), 429, "namespace batch: 2 an hour");
}

#[test]
fn metric_labels_clients_choose_are_capped_with_an_other_bucket() {
    // 300 consumers, one worker: the first 256 get their own series, the
    // rest share `other`; every token is still counted.
    let mut h = host(
        &json!({"rules": [{"name": "all", "key": ["consumer"], "limits": [{"requests": 1000, "per": "minute"}]}]}),
        1,
    );
    for i in 0..300 {
        let (status, _) = call(
            &mut h,
            0,
            chat(&format!("c{i:03}"), &small_chat(5)),
            chat_reply(2, 1),
        );
        assert_eq!(status, 200);
    }
    let tokens = "tollgate_gen_ai_client_token_usage_total";
    assert_eq!(h.sum(tokens, &[("token_type", "input")]), 600);
    assert_eq!(
        h.sum(tokens, &[("consumer", "c000"), ("token_type", "input")]),
        2
    );
    assert_eq!(
        h.sum(tokens, &[("consumer", "c255"), ("token_type", "input")]),
        2
    );
    assert_eq!(h.sum(tokens, &[("consumer", "c256")]), 0);
    assert_eq!(
        h.sum(tokens, &[("consumer", "other"), ("token_type", "input")]),
        2 * 44
    );
    let series = h
        .metric_names()
        .into_iter()
        .filter(|n| n.ends_with("client_token_usage_total"))
        .count();
    assert_eq!(
        series,
        2 * 257,
        "256 consumers and `other`, input and output"
    );
}
