use super::*;
use serde_json::{json, Value};

fn err<T>(json: &str) -> ConfigError
where
    T: DeserializeOwned + Validate + Default + std::fmt::Debug,
{
    parse::<T>(json.as_bytes()).expect_err(json)
}

#[test]
fn empty_or_whitespace_input_is_the_default() {
    for input in ["", " ", "\n\t \r\n"] {
        assert_eq!(
            parse::<AuthConfig>(input.as_bytes()).unwrap(),
            AuthConfig::default()
        );
        assert_eq!(
            parse::<ThrottleConfig>(input.as_bytes()).unwrap(),
            ThrottleConfig::default()
        );
        assert_eq!(
            parse::<InspectConfig>(input.as_bytes()).unwrap(),
            InspectConfig::default()
        );
    }
}

#[test]
fn empty_object_is_the_default() {
    assert_eq!(parse::<AuthConfig>(b"{}").unwrap(), AuthConfig::default());
    assert_eq!(
        parse::<ThrottleConfig>(b" { } ").unwrap(),
        ThrottleConfig::default()
    );
    assert_eq!(
        parse::<InspectConfig>(b"{}").unwrap(),
        InspectConfig::default()
    );
}

#[test]
fn defaults_are_the_documented_ones() {
    let auth = AuthConfig::default();
    assert_eq!(auth.consumer_header, "x-tollgate-consumer");
    assert!(auth.strip_client_identity);
    let throttle = ThrottleConfig::default();
    assert_eq!(throttle.consumer_header, "x-tollgate-consumer");
    assert!(!throttle.shadow);
    let inspect = InspectConfig::default();
    assert_eq!(inspect.max_body_bytes, 1_048_576);
    assert!(!inspect.shadow);
    // The defaults pass their own validation.
    auth.validate().unwrap();
    throttle.validate().unwrap();
    inspect.validate().unwrap();
}

#[test]
fn every_field_is_read() {
    let auth: AuthConfig =
        parse(br#"{"consumer_header": "x-team", "strip_client_identity": false}"#).unwrap();
    assert_eq!(
        auth,
        AuthConfig {
            consumer_header: "x-team".into(),
            strip_client_identity: false,
            ..AuthConfig::default()
        }
    );
    let throttle: ThrottleConfig =
        parse(br#"{"consumer_header": "x-team", "shadow": true}"#).unwrap();
    assert_eq!(
        throttle,
        ThrottleConfig {
            consumer_header: "x-team".into(),
            shadow: true,
            ..ThrottleConfig::default()
        }
    );
    let inspect: InspectConfig = parse(
        br#"{"max_body_bytes": 2048, "shadow": true, "on_unparsable": "allow",
            "on_opaque": "block", "compressed_requests": "reject", "identity_responses": false,
            "hold_headers": true, "block_status": 403, "block_message": "no",
            "consumer_header": "x-team",
            "injection": {"request": "audit", "response": "off", "threshold": 2.5,
                "roles": ["user"], "builtin": false, "disabled": ["x"],
                "rules": [{"id": "r", "category": "c", "weight": 1.0, "phrases": ["p"]}]},
            "secrets": {"request": "block", "response": "audit", "disabled": ["jwt"]},
            "pii": {"request": "redact", "response": "off", "disabled": ["email"], "private_ips": true},
            "custom_patterns": [{"id": "acme", "family": "secrets", "pattern": "ACME-[0-9]{6}",
                "anchors": ["ACME-"]}],
            "output": {"response": "audit", "link_allowlist": ["example.com"], "links": true,
                "html": false, "canary": "tollgate-canary-1", "overlap_min_chars": 40},
            "overrides": [{"paths": ["/v1/embeddings"], "roles": ["tool"], "family": "pii",
                "direction": "request", "action": "off"}],
            "guard": {"cluster": "guard", "path": "/check", "authority": "g", "timeout_ms": 100,
                "fail": "open"},
            "stream": {"max_hold_bytes": 128},
            "audit_log": false}"#,
    )
    .unwrap();
    assert_eq!(inspect.max_body_bytes, 2048);
    assert!(inspect.shadow && inspect.hold_headers && !inspect.audit_log);
    assert!(!inspect.identity_responses);
    assert_eq!(inspect.on_unparsable, inspect::Disposition::Allow);
    assert_eq!(inspect.on_opaque, inspect::Disposition::Block);
    assert_eq!(inspect.compressed_requests, inspect::Compressed::Reject);
    assert_eq!(
        (inspect.block_status, inspect.block_message.as_str()),
        (403, "no")
    );
    assert_eq!(inspect.consumer_header, "x-team");
    assert_eq!(inspect.injection.threshold, 2.5);
    assert_eq!(inspect.injection.rules[0].phrases, ["p"]);
    assert_eq!(inspect.secrets.request, inspect::Action::Block);
    assert!(inspect.pii.private_ips);
    assert_eq!(inspect.custom_patterns[0].anchors, ["ACME-"]);
    assert_eq!(inspect.output.canary.as_deref(), Some("tollgate-canary-1"));
    assert_eq!(inspect.overrides[0].action, inspect::Action::Off);
    let guard = inspect.guard.unwrap();
    assert_eq!(
        (guard.timeout_ms, guard.fail),
        (100, inspect::FailMode::Open)
    );
    assert_eq!(inspect.stream.max_hold_bytes, 128);
}

#[test]
fn inspect_semantic_rules_name_the_field() {
    let cases: &[(&str, &str)] = &[
        (r#"{"block_status": 500}"#, "block_status: must be 400 or 403"),
        (r#"{"block_message": " "}"#, "block_message: must be 1 to 512 characters"),
        (r#"{"injection": {"request": "redact"}}"#, "injection.request: injection supports block, audit or off (an injection has no span to redact)"),
        (r#"{"injection": {"threshold": 0}}"#, "injection.threshold: must be a positive number"),
        (r#"{"output": {"response": "redact"}}"#, "output.response: output checks support block, audit or off"),
        (r#"{"output": {"canary": "short"}}"#, "output.canary: must be 8 to 128 characters without whitespace"),
        (r#"{"output": {"overlap_min_chars": 5}}"#, "output.overlap_min_chars: must be 0 (off) or between 20 and 10000"),
        (r#"{"overrides": [{"paths": ["v1"], "family": "pii", "action": "off"}]}"#, "overrides[0].paths[0]: must start with /"),
        (r#"{"overrides": [{"family": "injection", "action": "redact"}]}"#, "overrides[0].action: injection and output support block, audit or off"),
        (r#"{"guard": {"cluster": ""}}"#, "guard.cluster: must not be empty"),
        (r#"{"guard": {"cluster": "g", "timeout_ms": 0}}"#, "guard.timeout_ms: must be between 1 and 10000"),
        (r#"{"stream": {"max_hold_bytes": 1}}"#, "stream.max_hold_bytes: must be between 64 and 65536"),
        (r#"{"consumer_header": "X"}"#, "consumer_header: must be lowercase"),
    ];
    for (json, want) in cases {
        assert_eq!(err::<InspectConfig>(json).to_string(), *want, "{json}");
    }
}

#[test]
fn max_body_bytes_bounds_are_inclusive() {
    for ok in [1024, 65_536, 67_108_864] {
        let c: InspectConfig = parse(format!(r#"{{"max_body_bytes": {ok}}}"#).as_bytes()).unwrap();
        assert_eq!(c.max_body_bytes, ok);
    }
    for bad in [0, 1023, 67_108_865, u32::MAX] {
        let e = err::<InspectConfig>(&format!(r#"{{"max_body_bytes": {bad}}}"#));
        assert_eq!(
            e.to_string(),
            "max_body_bytes: must be between 1024 and 67108864"
        );
    }
}

#[test]
fn memo_kib_is_bounded_and_zero_turns_it_off() {
    assert_eq!(parse::<InspectConfig>(b"{}").unwrap().memo_kib, 2048);
    for ok in [0, 1, 65_536] {
        let c: InspectConfig = parse(format!(r#"{{"memo_kib": {ok}}}"#).as_bytes()).unwrap();
        assert_eq!(c.memo_kib, ok);
    }
    for bad in [65_537, u32::MAX] {
        let e = err::<InspectConfig>(&format!(r#"{{"memo_kib": {bad}}}"#));
        assert_eq!(e.to_string(), "memo_kib: must be at most 65536");
    }
}

/// Each field's error names its path; named cases, one per field and failure.
#[test]
fn errors_name_the_field() {
    let cases: &[(&str, ConfigError)] = &[
        (
            "auth consumer_header wrong type",
            err::<AuthConfig>(r#"{"consumer_header": 5}"#),
        ),
        (
            "auth consumer_header uppercase",
            err::<AuthConfig>(r#"{"consumer_header": "X-Consumer"}"#),
        ),
        (
            "auth strip_client_identity wrong type",
            err::<AuthConfig>(r#"{"strip_client_identity": "yes"}"#),
        ),
        (
            "throttle consumer_header empty",
            err::<ThrottleConfig>(r#"{"consumer_header": ""}"#),
        ),
        (
            "throttle shadow wrong type",
            err::<ThrottleConfig>(r#"{"shadow": 1}"#),
        ),
        (
            "inspect max_body_bytes too small",
            err::<InspectConfig>(r#"{"max_body_bytes": 1}"#),
        ),
        (
            "inspect max_body_bytes negative",
            err::<InspectConfig>(r#"{"max_body_bytes": -1}"#),
        ),
        (
            "inspect max_body_bytes beyond u32",
            err::<InspectConfig>(r#"{"max_body_bytes": 4294967296}"#),
        ),
        (
            "inspect max_body_bytes fractional",
            err::<InspectConfig>(r#"{"max_body_bytes": 2048.5}"#),
        ),
        (
            "inspect shadow null",
            err::<InspectConfig>(r#"{"shadow": null}"#),
        ),
    ];
    let expected = [
        "consumer_header: invalid type: integer, expected a string",
        "consumer_header: must be lowercase",
        "strip_client_identity: invalid type: string, expected a boolean",
        "consumer_header: must not be empty",
        "shadow: invalid type: integer, expected a boolean",
        "max_body_bytes: must be between 1024 and 67108864",
        "max_body_bytes: invalid integer, expected u32",
        "max_body_bytes: invalid integer, expected u32",
        "max_body_bytes: invalid type: floating point, expected u32",
        "shadow: invalid type: null, expected a boolean",
    ];
    assert_eq!(cases.len(), expected.len());
    for ((name, got), want) in cases.iter().zip(expected) {
        assert_eq!(got.to_string(), want, "case {name}");
    }
}

#[test]
fn unknown_field_is_named_with_the_allowed_ones() {
    let e = err::<ThrottleConfig>(r#"{"shadow": true, "rls": {"cluster": "x", "timeot_ms": 1}}"#);
    assert_eq!(e.path, "rls.timeot_ms");
    assert_eq!(
        e.kind,
        ConfigErrorKind::UnknownField {
            expected:
                "expected one of `cluster`, `domain`, `timeout_ms`, `on_failure`, `usage_reports`, `windows`, `breaker`"
                    .into()
        }
    );
    assert_eq!(
        e.to_string(),
        "rls.timeot_ms: unknown field, expected one of `cluster`, `domain`, `timeout_ms`, `on_failure`, `usage_reports`, `windows`, `breaker`"
    );
}

#[test]
fn wrong_type_is_a_type_error() {
    let e = err::<ThrottleConfig>(r#"{"shadow": "yes"}"#);
    assert_eq!(
        e,
        ConfigError::new(
            "shadow",
            ConfigErrorKind::InvalidType {
                found: "string".into(),
                expected: "a boolean".into()
            }
        )
    );
}

#[test]
fn the_configuration_must_be_an_object() {
    for (input, found) in [
        ("[]", "array"),
        ("[\"x-a\", true]", "array"),
        ("\"{}\"", "string"),
        ("true", "boolean"),
        ("null", "null"),
        ("-1", "number"),
        ("  42", "number"),
    ] {
        let e = err::<AuthConfig>(input);
        assert_eq!(e.path, "", "{input}");
        assert_eq!(
            e.to_string(),
            format!("invalid type: {found}, expected a JSON object"),
            "{input}"
        );
    }
}

#[test]
fn malformed_json_is_a_syntax_error_with_its_position() {
    for (input, path, message) in [
        (
            r#"{"shadow": tru}"#,
            "shadow",
            "shadow: invalid JSON: expected ident at line 1 column 15",
        ),
        (
            r#"{"shadow": true"#,
            "",
            "invalid JSON: EOF while parsing an object at line 1 column 15",
        ),
        (
            r#"{"shadow": true} x"#,
            "",
            "invalid JSON: trailing characters at line 1 column 18",
        ),
        ("xyz", "", "invalid JSON: expected value at line 1 column 1"),
    ] {
        let e = err::<ThrottleConfig>(input);
        assert!(
            matches!(e.kind, ConfigErrorKind::Syntax { .. }),
            "{input}: {e:?}"
        );
        assert_eq!(e.path, path, "{input}");
        assert_eq!(e.to_string(), message, "{input}");
    }
}

#[test]
fn duplicate_field_is_named() {
    let e = err::<ThrottleConfig>(r#"{"shadow": true, "shadow": false}"#);
    assert_eq!(e.to_string(), "shadow: duplicate field");
}

#[test]
fn messages_never_quote_configured_values() {
    let secret = "sk-live-0123456789abcdef";
    for input in [
        format!(r#"{{"shadow": "{secret}"}}"#),
        format!(r#"{{"max_body_bytes": "{secret}"}}"#),
        format!(r#"{{"consumer_header": "{secret}"}}"#),
        format!(r#"{{"shadow": "{secret}", "expected ": 1}}"#),
        format!(r#"{{"shadow": ["{secret}"]}}"#),
    ] {
        for message in [
            parse::<ThrottleConfig>(input.as_bytes()).map(drop),
            parse::<InspectConfig>(input.as_bytes()).map(drop),
            parse::<AuthConfig>(input.as_bytes()).map(drop),
        ]
        .into_iter()
        .filter_map(Result::err)
        .map(|e| format!("{e} {e:?}"))
        {
            assert!(!message.contains(secret), "{message}");
        }
    }
}

#[test]
fn missing_field_path_names_the_field() {
    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Limit {
        #[allow(dead_code)]
        window: u32,
    }
    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct Outer {
        #[allow(dead_code)]
        limits: Vec<Limit>,
    }
    impl Validate for Outer {
        fn validate(&self) -> Result<(), ConfigError> {
            Ok(())
        }
    }
    let e = err::<Outer>(r#"{"limits": [{"window": 1}, {"window": 2}, {}]}"#);
    assert_eq!(e, ConfigError::missing("limits[2].window"));
    assert_eq!(e.to_string(), "limits[2].window: required field is missing");
    let e = err::<Outer>(r#"{"limits": [{"window": 1}, {"window": "60s"}]}"#);
    assert_eq!(
        e.to_string(),
        "limits[1].window: invalid type: string, expected u32"
    );
    let e = err::<Outer>(r#"{"limits": [{"windw": 1}]}"#);
    assert_eq!(e.path, "limits[0].windw");
}

#[test]
fn nested_prefixes_the_parent_path() {
    let e = ConfigError::invalid("window", "must be > 0").nested("limits[2]");
    assert_eq!(e.to_string(), "limits[2].window: must be > 0");
    let e = ConfigError::invalid("[0]", "bad").nested("keys");
    assert_eq!(e.path, "keys[0]");
    let e = ConfigError::invalid("", "bad").nested("keys");
    assert_eq!(e.path, "keys");
    let e = ConfigError::invalid("x", "bad").nested("");
    assert_eq!(e.path, "x");
}

#[test]
fn header_names() {
    for ok in [
        "x-tollgate-consumer",
        "x-a",
        "a",
        "x_consumer",
        "x.c0nsumer!#$%&'*+^`|~",
    ] {
        validate_header_name("h", ok).unwrap();
    }
    for (bad, reason) in [
        ("", "must not be empty"),
        (":authority", "must not be a pseudo-header"),
        ("X-Consumer", "must be lowercase"),
        ("x consumer", "must be an HTTP header name"),
        ("x-consumer:", "must be an HTTP header name"),
        ("x-ümlaut", "must be an HTTP header name"),
        ("x-a\r\nx-b", "must be an HTTP header name"),
    ] {
        let e = validate_header_name("consumer_header", bad).unwrap_err();
        assert_eq!(e.path, "consumer_header", "{bad:?}");
        assert!(
            e.to_string()
                .starts_with(&format!("consumer_header: {reason}")),
            "{bad:?}: {e}"
        );
    }
}

#[test]
fn without_value_drops_the_quoted_part() {
    assert_eq!(without_value("string \"a `b` \\\"c\""), "string");
    assert_eq!(without_value("integer `5`"), "integer");
    assert_eq!(without_value("floating point `1.5`"), "floating point");
    assert_eq!(without_value("map"), "map");
    assert_eq!(without_value("null"), "null");
}

#[test]
fn auth_configuration_reads_every_method_and_names_bad_fields() {
    let digest = crate::auth::keys::sha256_hex("tg-example-key-0123456789");
    let json = format!(
        r#"{{"methods": ["mesh", "api_key", "jwt"],
            "api_keys": {{"headers": ["x-api-key"], "keys": [{{"id": "k1", "sha256": "{digest}", "consumer": "team-a"}}]}},
            "jwt": {{"issuer": "https://issuer.example", "audiences": ["llm"],
                     "jwks": {{"remote": {{"cluster": "idp", "refresh_secs": 60}}}}}},
            "mesh": [{{"principal": "spiffe://cluster.local/ns/a/*", "consumer": "team-a"}}],
            "anonymous": "guest",
            "consumers": {{"team-a": {{"models": ["gpt-4o*"], "max_output_tokens": 512, "on_excess": "clamp",
                                       "labels": {{"tier": "gold"}}}}}},
            "providers": [{{"header": "authorization", "env": "OPENAI_API_KEY"}}]}}"#
    );
    let c: AuthConfig = parse(json.as_bytes()).unwrap();
    assert_eq!(c.methods.len(), 3);
    assert_eq!(c.api_keys.keys[0].consumer, "team-a");
    assert_eq!(c.anonymous.as_deref(), Some("guest"));
    assert!(matches!(
        c.jwt.as_ref().unwrap().jwks,
        super::auth::JwksSource::Remote(ref r) if r.refresh_secs == 60 && r.path == "/.well-known/jwks.json"
    ));
    let cases: &[(&str, &str)] = &[
        (r#"{"methods": ["jwt", "jwt"]}"#, "methods[1]: listed twice"),
        (r#"{"api_keys": {"keys": [{"id": "k", "sha256": "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789", "consumer": "a"}]}}"#,
         "api_keys.keys[0].sha256: holds what looks like a key, not its digest: configuration holds only SHA-256 digests (scripts/gen-key prints one)"),
        (r#"{"providers": [{"header": "x-api-key", "env": "K", "value": "sk-ant-secret"}]}"#,
         "providers[0].value: plaintext keys are refused: put the key in a Kubernetes Secret, expose it to the sidecar, and name its VM environment variable in `env`"),
        (r#"{"jwt": {"issuer": "i", "audiences": "any", "jwks": {"remote": {"cluster": "c", "refresh_secs": 1}}}}"#,
         "jwt.jwks.remote.refresh_secs: must be between 10 and 86400"),
    ];
    for (json, want) in cases {
        let e = err::<AuthConfig>(json);
        assert_eq!(e.to_string(), *want, "{json}");
        assert!(!e.to_string().contains("sk-ant-secret"));
    }
    let e = err::<AuthConfig>(r#"{"consumers": {"team-a": {"models": []}}}"#);
    assert!(e.to_string().starts_with("consumers.team-a.models"), "{e}");
    // What only building the runtime objects finds (principals, key digests,
    // inline JWKS) is found once, by the compile step, with the same paths.
    let compile = |json: &str| {
        let c: AuthConfig = parse(json.as_bytes()).unwrap();
        crate::auth::engine::Authenticator::new(&c, |_| None)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        compile(r#"{"mesh": [{"principal": "team-a", "consumer": "a"}]}"#),
        "mesh[0]: principal must be a SPIFFE ID (spiffe://…)"
    );
    let twice = format!(
        r#"{{"api_keys": {{"keys": [{{"id": "a", "sha256": "{digest}", "consumer": "x"}},
                                  {{"id": "b", "sha256": "{digest}", "consumer": "y"}}]}}}}"#
    );
    assert!(
        compile(&twice).starts_with("api_keys.keys[1].sha256"),
        "{}",
        compile(&twice)
    );
    assert!(compile(
        r#"{"jwt": {"issuer": "i", "audiences": "any", "jwks": {"inline": {"keys": 3}}}}"#
    )
    .starts_with("jwt.jwks.inline"));
}

/// The path `serde_path_to_error` (the tracked deserialisation this crate
/// used before `Position`) names for `bytes`, the way `parse` reports it:
/// `None` when deserialisation succeeds.
fn oracle_path<T: DeserializeOwned>(bytes: &[u8]) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let e = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(_) => return de.end().err().map(|_| String::new()),
        Err(e) => e,
    };
    let mut path = String::new();
    for segment in e.path().iter() {
        match segment {
            Segment::Seq { index } => path.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    let msg = e.inner().to_string();
    for prefix in ["missing field `", "duplicate field `"] {
        if let Some(field) = msg.strip_prefix(prefix).and_then(|m| m.split('`').next()) {
            return Some(join(&path, field));
        }
    }
    Some(path)
}

fn same_path_as_the_oracle<T>(bytes: &[u8], failures: &mut Vec<String>)
where
    T: DeserializeOwned + Validate + Default,
{
    let Some(&first) = bytes.iter().find(|b| !b.is_ascii_whitespace()) else {
        return;
    };
    if json_kind(first).is_some() {
        return;
    }
    let Some(want) = oracle_path::<T>(bytes) else {
        return;
    };
    let got = match parse::<T>(bytes) {
        Err(e) => e.path,
        Ok(_) => "(accepted)".to_owned(),
    };
    // Where serde_json reports an error inside a value that a custom
    // deserializer reads (model globs, key lists), the position names the
    // value, not the element in it: a shorter path, never another place.
    let within = want.starts_with(got.as_str())
        && matches!(want.as_bytes().get(got.len()), Some(b'[' | b'.'));
    // An unknown field inside an object read whole (the JWT settings) is
    // named where tracking could only name the object.
    let named = parse::<T>(bytes).err().is_some_and(|e| {
        got.strip_prefix(want.as_str()).is_some_and(|rest| {
            let field = rest.strip_prefix('.').unwrap_or(rest);
            (want.is_empty() || rest.starts_with('.'))
                && !field.contains(['.', '['])
                && e.to_string().contains(&format!("unknown field `{field}`"))
        })
    });
    // A map keyed by an enum (`role_thresholds`): tracking cannot name the
    // key (its segment is `Unknown`); the position can, and the value
    // there must be the one the message describes.
    let keyed = got
        .strip_prefix(want.as_str())
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|key| {
            let found = parse::<T>(bytes).err().and_then(|e| match e.kind {
                ConfigErrorKind::InvalidType { found, .. } => Some(found),
                _ => None,
            });
            // The value after `"key":` in the text (the document may be
            // cut short), by its first byte.
            let text = String::from_utf8_lossy(bytes);
            let first = text
                .split(&format!("\"{key}\":"))
                .nth(1)
                .and_then(|rest| rest.trim_start().bytes().next());
            let kind = match first {
                Some(b'"') => "string",
                Some(b't' | b'f') => "boolean",
                Some(b'[') => "sequence",
                Some(b'{') => "map",
                Some(b'n') => "null",
                _ => "number",
            };
            !key.contains(['.', '['])
                && found.is_some_and(|f| f == kind || (kind == "number" && f != "string"))
        });
    if got != want && !within && !named && !keyed {
        let text = String::from_utf8_lossy(bytes);
        let tail: String = text
            .chars()
            .rev()
            .take(60)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        failures.push(format!(
            "{}: …{tail:?}: path {got:?}, tracked deserialisation said {want:?} ({})",
            std::any::type_name::<T>().rsplit("::").next().unwrap_or(""),
            parse::<T>(bytes)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        ));
        if let Err(e) = serde_json::from_slice::<T>(bytes) {
            let at = offset_of(bytes, e.line(), e.column()).saturating_sub(1);
            failures.push(format!(
                "   at {at}: {:?}",
                String::from_utf8_lossy(
                    &bytes[at.saturating_sub(30)..at.saturating_add(10).min(bytes.len())]
                )
            ));
        }
    }
}

/// Every value of `v` replaced by each wrong type, every object given an
/// unknown member, every member removed: the documents a typo makes.
fn mutations(v: &Value) -> Vec<Value> {
    fn walk(root: &Value, at: &mut Vec<PathStep>, out: &mut Vec<Value>) {
        let here = get(root, at).cloned().unwrap_or(Value::Null);
        for wrong in [
            json!(5),
            json!(-1),
            json!("x"),
            json!(true),
            json!([]),
            json!({}),
            json!(null),
            json!(1.5),
        ] {
            if let Some(m) = set(root, at, Some(wrong)) {
                out.push(m);
            }
        }
        match &here {
            Value::Object(map) => {
                // An unknown member sorted first, and one sorted last.
                for unknown in ["aaa_unknown", "zzz_unknown"] {
                    let mut extra = here.clone();
                    if let Some(o) = extra.as_object_mut() {
                        o.insert(unknown.into(), json!(1));
                    }
                    if let Some(m) = set(root, at, Some(extra)) {
                        out.push(m);
                    }
                }
                for k in map.keys() {
                    at.push(PathStep::Key(k.clone()));
                    if let Some(m) = set(root, at, None) {
                        out.push(m);
                    }
                    walk(root, at, out);
                    at.pop();
                }
            }
            Value::Array(items) => {
                for i in 0..items.len() {
                    at.push(PathStep::Index(i));
                    walk(root, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    #[derive(Clone)]
    enum PathStep {
        Key(String),
        Index(usize),
    }
    fn get<'a>(v: &'a Value, at: &[PathStep]) -> Option<&'a Value> {
        at.iter().try_fold(v, |v, s| match s {
            PathStep::Key(k) => v.get(k),
            PathStep::Index(i) => v.get(i),
        })
    }
    fn set(root: &Value, at: &[PathStep], to: Option<Value>) -> Option<Value> {
        let mut out = root.clone();
        let Some((last, parents)) = at.split_last() else {
            return to;
        };
        let mut cur = &mut out;
        for s in parents {
            cur = match s {
                PathStep::Key(k) => cur.get_mut(k)?,
                PathStep::Index(i) => cur.get_mut(i)?,
            };
        }
        match (last, to) {
            (PathStep::Key(k), Some(v)) => {
                cur.as_object_mut()?.insert(k.clone(), v);
            }
            (PathStep::Key(k), None) => {
                cur.as_object_mut()?.remove(k);
            }
            (PathStep::Index(i), Some(v)) => *cur.get_mut(i)? = v,
            (PathStep::Index(_), None) => return None,
        }
        Some(out)
    }
    let mut out = Vec::new();
    walk(v, &mut Vec::new(), &mut out);
    out
}

/// `parse` finds an error's path from serde_json's position rather than by
/// tracking it (40–45 KB less per module); it must name the same path as
/// tracking did, for every mutation of rich configurations of each filter
/// (and the same documents written with other whitespace, duplicated keys
/// and cut short), and for the fuzz seed corpus of `config_parse`.
#[test]
fn error_paths_agree_with_tracked_deserialisation() {
    let auth = json!({
        "consumer_header": "x-consumer",
        "api_keys": {"keys": [{"id": "a", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "consumer": "team-a"}]},
        "consumers": {"team-a": {"models": ["gpt-4o*"], "labels": {"tier": "free"}}},
        "jwt": {"issuer": "https://idp.example", "audiences": ["llm"], "algorithms": ["ES256"],
                "jwks": {"remote": {"cluster": "idp", "refresh_secs": 60}}},
        "methods": ["api_key", "jwt"]
    });
    let throttle = json!({
        "rules": [
            {"name": "per-consumer", "key": ["consumer"],
             "limits": [{"requests": 60, "per": "minute"}, {"tokens": 100000, "per": "minute"}],
             "in_flight": 8},
            {"name": "free", "match": {"labels": {"tier": "free"}, "models": ["gpt-4o*"]},
             "key": ["consumer", "model"], "limits": [{"output_tokens": 20000, "per": "hour"}],
             "store": "rls"}
        ],
        "prices": {"gpt-4o-mini": {"input": 0.15, "output": 0.6}},
        "rls": {"cluster": "ratelimit", "timeout_ms": 100, "on_failure": "local",
                "breaker": {"failures": 3, "cooldown_ms": 500}}
    });
    let inspect = json!({
        "max_body_bytes": 1048576, "shadow": false, "on_unparsable": "block",
        "injection": {"request": "block", "threshold": 0.8, "role_thresholds": {"tool": 0.6}},
        "secrets": {"request": "redact", "response": "redact", "disabled": ["jwt"]},
        "custom_patterns": [{"id": "ticket", "family": "secrets", "pattern": "TCK-[0-9]{6}", "anchors": ["TCK-"]}],
        "guard": {"cluster": "guard", "timeout_ms": 300, "fail": "open"},
        "stream": {"max_hold_bytes": 2048}
    });
    let mut failures = Vec::new();
    let mut checked = 0usize;
    let mut check_all = |doc: &str, failures: &mut Vec<String>| {
        checked += 1;
        same_path_as_the_oracle::<AuthConfig>(doc.as_bytes(), failures);
        same_path_as_the_oracle::<ThrottleConfig>(doc.as_bytes(), failures);
        same_path_as_the_oracle::<InspectConfig>(doc.as_bytes(), failures);
    };
    assert!(parse::<AuthConfig>(auth.to_string().as_bytes()).is_ok());
    assert!(parse::<ThrottleConfig>(throttle.to_string().as_bytes()).is_ok());
    if let Err(e) = parse::<InspectConfig>(inspect.to_string().as_bytes()) {
        panic!("{e}");
    }
    for base in [&auth, &throttle, &inspect] {
        for m in mutations(base) {
            let compact = m.to_string();
            check_all(&compact, &mut failures);
            let pretty = serde_json::to_string_pretty(&m).unwrap();
            check_all(&pretty, &mut failures);
            // CRLF line ends, and multi-byte characters before anything
            // (serde_json's columns count bytes).
            check_all(&pretty.replace('\n', "\r\n"), &mut failures);
            check_all(
                &compact.replacen('{', r#"{"consumer_header":"x-é€😀","#, 1),
                &mut failures,
            );
            // Cut short, and a member written twice.
            for cut in [compact.len() / 3, compact.len() / 2, compact.len() - 1] {
                check_all(&compact[..cut], &mut failures);
            }
            if let Some(rest) = compact.strip_prefix('{') {
                if let Some((first, _)) = rest.split_once(',') {
                    check_all(&format!("{{{first},{rest}"), &mut failures);
                }
            }
        }
    }
    // Escaped keys, a value equal to its key, an escaped quote.
    for doc in [
        r#"{"r\u006cs": {"cluster": 5}}"#,
        r#"{"rls": {"cl\u0075ster": "a", "on_failure": "on_failure"}}"#,
        r#"{"rules": [{"name": "a", "limits": [{"requests": 1, "per": "per"}]}]}"#,
        r#"{"rules": [{"name": "a\"b", "limits": [{"requests": 1, "per": "minute"}], "zzz": 1}]}"#,
    ] {
        check_all(doc, &mut failures);
    }
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/corpus/config_parse"
    );
    for entry in std::fs::read_dir(corpus).expect("the config_parse seed corpus") {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        checked += 1;
        same_path_as_the_oracle::<AuthConfig>(&bytes, &mut failures);
        same_path_as_the_oracle::<ThrottleConfig>(&bytes, &mut failures);
        same_path_as_the_oracle::<InspectConfig>(&bytes, &mut failures);
    }
    assert!(checked > 1000, "{checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked} documents disagree:\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
