//! Issue 11: every entry of the route catalogue is classified identically
//! by all three filters. Each route's canonical request goes through auth,
//! throttle and inspect (each in tollgate-host), and the route id each
//! records in its decision metadata must be the catalogue's.

use serde_json::{json, Value};
use tollgate_core::request::api::ApiKind;
use tollgate_core::request::catalogue::{Shape, ROUTES};
use tollgate_host::{Host, Module, Request};

const KEY: &str = "tg-test-key-catalogue-0123456789";

fn sha256(key: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Configurations under which every route passes every filter.
fn config(filter: &str) -> Value {
    match filter {
        "auth" => json!({
            "api_keys": {"keys": [{"id": "k", "sha256": sha256(KEY), "consumer": "c"}]},
            "default_permissions": {"endpoints": [
                "chat", "completions", "responses", "conversations", "embeddings", "messages",
                "models", "images", "audio", "videos", "moderations", "files", "batches",
                "realtime", "fine_tuning", "assistants", "vector_stores", "admin", "other"]}
        }),
        "throttle" => json!({"rules": [{"name": "all", "key": ["consumer"],
            "limits": [{"requests": 1000000, "per": "day"}]}]}),
        _ => json!({"on_opaque_text": "allow"}),
    }
}

/// A body of the route's shape.
fn body(shape: Shape) -> Option<(String, Vec<u8>)> {
    let json = |v: Value| Some(("application/json".to_owned(), v.to_string().into_bytes()));
    match shape {
        Shape::None => None,
        Shape::Api(ApiKind::ChatCompletions) => {
            json(json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}))
        }
        Shape::Api(ApiKind::Completions) => json(json!({"model": "m", "prompt": "hi"})),
        Shape::Api(ApiKind::Responses) => json(json!({"model": "m", "input": "hi"})),
        Shape::Api(ApiKind::Embeddings) => json(json!({"model": "m", "input": "hi"})),
        Shape::Api(ApiKind::Messages) => json(
            json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}),
        ),
        Shape::Api(_) | Shape::Json { .. } | Shape::Run => {
            json(json!({"model": "m", "note": "hi"}))
        }
        Shape::Items => json(json!({"items": [{"role": "user", "content": "hi"}]})),
        Shape::MessageBatches => json(json!({"requests": [{"custom_id": "a",
            "params": {"model": "m", "max_tokens": 5, "messages": []}}]})),
        Shape::BatchCreate => json(
            json!({"input_file_id": "f", "endpoint": "/v1/chat/completions",
            "completion_window": "24h"}),
        ),
        Shape::Upload | Shape::Form => Some((
            "multipart/form-data; boundary=B".to_owned(),
            b"--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nm\r\n--B\r\n\
              Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
              Content-Type: text/plain\r\n\r\nhello\r\n--B--\r\n"
                .to_vec(),
        )),
        Shape::Opaque => Some(("application/octet-stream".to_owned(), b"v=0".to_vec())),
    }
}

fn route_recorded(filter: &str, meta: &Value) -> Option<String> {
    let _ = filter;
    meta.get("route").and_then(Value::as_str).map(str::to_owned)
}

#[test]
fn every_route_is_classified_identically_by_all_three_filters() {
    let mut hosts: Vec<(&str, Host)> = ["auth", "throttle", "inspect"]
        .into_iter()
        .map(|f| {
            let module = Module::named(f).unwrap();
            let host = Host::builder(&module)
                .json_configuration(&config(f))
                .build()
                .unwrap();
            (f, host)
        })
        .collect();
    let mut wrong = Vec::new();
    for route in ROUTES {
        let path = route.canonical_path().replace("{}", "m");
        let path = if route.upgrade {
            format!("{path}?model=m")
        } else {
            path
        };
        for (filter, host) in &mut hosts {
            let mut request = Request::new(route.method, &path)
                .header("authorization", &format!("Bearer {KEY}"))
                .header("x-tollgate-consumer", "c");
            if let Some((ct, bytes)) = body(route.shape) {
                request = request.header("content-type", &ct).body(bytes);
            }
            let mut s = host.stream();
            s.send_request(request);
            let property = format!("tollgate_{filter}");
            let meta = s
                .get_property(&[property.as_str()])
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .unwrap_or(Value::Null);
            let got = route_recorded(filter, &meta);
            if got.as_deref() != Some(route.id) {
                wrong.push(format!(
                    "{filter}: {} {path}: recorded {got:?}, want {} (metadata {meta}, reply {:?})",
                    route.method,
                    route.id,
                    s.local_reply()
                        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} disagreements:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
