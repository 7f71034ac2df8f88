//! Error replies, in the shape the clients' SDKs parse.
//!
//! A filter that refuses a request answers in the dialect of the API the
//! client called, so that the official SDKs raise their usual exception (they
//! choose it by status code) with our message, and the client's retry logic
//! sees `retry-after`:
//!
//! | flavor | body |
//! |---|---|
//! | OpenAI | `{"error":{"message":…,"type":…,"param":…,"code":…}}`, request id in the `x-request-id` header |
//! | Anthropic | `{"type":"error","error":{"type":…,"message":…},"request_id":…}`, and the `request-id` header |
//! | Ollama | `{"error":…}` (the `ollama` client raises `ResponseError` with it) |
//! | Gemini | `{"error":{"code":…,"message":…,"status":…}}` (google-genai raises `ClientError`/`ServerError`) |
//! | Bedrock | `{"message":…}` with the type in `x-amzn-errortype` (botocore raises `client.exceptions.<Type>`) |

use serde::Serialize;

/// Which API dialect an error body speaks; see [`crate::request::api::ApiKind::flavor`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorFlavor {
    /// OpenAI and OpenAI-compatible APIs (also Azure OpenAI).
    OpenAi,
    /// Anthropic's Messages API.
    Anthropic,
    /// Ollama's native API.
    Ollama,
    /// Google's Gemini API (Google API error shape).
    Gemini,
    /// Amazon Bedrock (AWS REST-JSON: the type in a header).
    Bedrock,
}

/// Why a request is refused; each kind has one status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// 400: the request is malformed or breaks a rule.
    InvalidRequest,
    /// 401: no valid credential.
    Authentication,
    /// 403: a valid credential that may not do this (model, endpoint).
    PermissionDenied,
    /// 404: no such endpoint or model.
    NotFound,
    /// 413: the body is over the configured bound.
    PayloadTooLarge,
    /// 415: a body that cannot be inspected (content type, encoding).
    UnsupportedMediaType,
    /// 429: over a limit; the client may retry after the given time (0: no
    /// `retry-after`, retrying cannot help).
    RateLimited {
        /// Seconds until a retry may succeed, sent as `retry-after`.
        retry_after_secs: u64,
        /// A token limit (OpenAI's `type` is then `tokens`), not a request
        /// limit (`requests`).
        tokens: bool,
    },
    /// 503: a dependency (rate-limit service, JWKS, guard) is unavailable and
    /// the filter fails closed.
    Unavailable,
    /// 500: a bug or an impossible host state.
    Internal,
}

impl ErrorKind {
    /// The HTTP status code of this kind.
    pub fn status(self) -> u16 {
        match self {
            Self::InvalidRequest => 400,
            Self::Authentication => 401,
            Self::PermissionDenied => 403,
            Self::NotFound => 404,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::RateLimited { .. } => 429,
            Self::Unavailable => 503,
            Self::Internal => 500,
        }
    }

    /// A snake_case name for logs, metrics and Envoy's response code details:
    /// `rate_limited`, `payload_too_large`, ….
    pub fn name(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::Authentication => "authentication",
            Self::PermissionDenied => "permission_denied",
            Self::NotFound => "not_found",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }

    /// The `error.type` string in the given flavor.
    ///
    /// OpenAI's own API uses `invalid_request_error` for every 4xx but 429
    /// (an unknown or missing key is `invalid_request_error` with code
    /// `invalid_api_key`), `requests` or `tokens` for rate limits, and
    /// `server_error` for 5xx; its SDKs pick the exception class from the
    /// status alone, so `code` is where a filter says more. Anthropic's types
    /// are one per status, as in its API documentation.
    pub fn type_str(self, flavor: ErrorFlavor) -> &'static str {
        match flavor {
            ErrorFlavor::OpenAi => match self {
                Self::InvalidRequest
                | Self::Authentication
                | Self::PermissionDenied
                | Self::NotFound
                | Self::PayloadTooLarge
                | Self::UnsupportedMediaType => "invalid_request_error",
                Self::RateLimited { tokens: true, .. } => "tokens",
                Self::RateLimited { .. } => "requests",
                Self::Unavailable | Self::Internal => "server_error",
            },
            ErrorFlavor::Anthropic => match self {
                Self::InvalidRequest | Self::UnsupportedMediaType => "invalid_request_error",
                Self::Authentication => "authentication_error",
                Self::PermissionDenied => "permission_error",
                Self::NotFound => "not_found_error",
                Self::PayloadTooLarge => "request_too_large",
                Self::RateLimited { .. } => "rate_limit_error",
                Self::Unavailable => "overloaded_error",
                Self::Internal => "api_error",
            },
            // Ollama's errors carry no type.
            ErrorFlavor::Ollama => "",
            // Google's canonical status names.
            ErrorFlavor::Gemini => match self {
                Self::InvalidRequest | Self::UnsupportedMediaType | Self::PayloadTooLarge => {
                    "INVALID_ARGUMENT"
                }
                Self::Authentication => "UNAUTHENTICATED",
                Self::PermissionDenied => "PERMISSION_DENIED",
                Self::NotFound => "NOT_FOUND",
                Self::RateLimited { .. } => "RESOURCE_EXHAUSTED",
                Self::Unavailable => "UNAVAILABLE",
                Self::Internal => "INTERNAL",
            },
            // The exception shapes of the Bedrock runtime's API model.
            ErrorFlavor::Bedrock => match self {
                Self::InvalidRequest | Self::UnsupportedMediaType | Self::PayloadTooLarge => {
                    "ValidationException"
                }
                Self::Authentication | Self::PermissionDenied => "AccessDeniedException",
                Self::NotFound => "ResourceNotFoundException",
                Self::RateLimited { .. } => "ThrottlingException",
                Self::Unavailable => "ServiceUnavailableException",
                Self::Internal => "InternalServerException",
            },
        }
    }
}

/// A refusal to send to the client instead of forwarding the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReply {
    /// HTTP status; [`ErrorReply::new`] sets it from `kind`.
    pub status: u16,
    /// Why.
    pub kind: ErrorKind,
    /// For the human reading the client's exception. Never a secret, prompt
    /// or completion.
    pub message: String,
    /// A machine-readable reason (`invalid_api_key`, `model_not_allowed`, …),
    /// OpenAI flavor only; Anthropic errors have no such field.
    pub code: Option<String>,
    /// The request parameter at fault (`model`, `max_tokens`), OpenAI flavor
    /// only.
    pub param: Option<String>,
    /// The request's id, so an operator can find it in the logs.
    pub request_id: String,
}

/// Sent when serialising a reply fails, which the types here rule out; kept
/// so that the impossible case still produces a valid error body.
const FALLBACK_OPENAI: &[u8] =
    br#"{"error":{"message":"internal error","type":"server_error","param":null,"code":null}}"#;
const FALLBACK_ANTHROPIC: &[u8] =
    br#"{"type":"error","error":{"type":"api_error","message":"internal error"}}"#;
const FALLBACK_OLLAMA: &[u8] = br#"{"error":"internal error"}"#;
const FALLBACK_BEDROCK: &[u8] = br#"{"message":"internal error"}"#;
const FALLBACK_GEMINI: &[u8] =
    br#"{"error":{"code":500,"message":"internal error","status":"INTERNAL"}}"#;

impl ErrorReply {
    /// A reply of `kind`, with the status code of that kind.
    pub fn new(kind: ErrorKind, message: impl Into<String>, request_id: impl Into<String>) -> Self {
        Self {
            status: kind.status(),
            kind,
            message: message.into(),
            code: None,
            param: None,
            request_id: request_id.into(),
        }
    }

    /// Sets the machine-readable `code` (OpenAI flavor).
    #[must_use]
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Sets the request parameter at fault (OpenAI flavor).
    #[must_use]
    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// The JSON body in the given flavor.
    pub fn body(&self, flavor: ErrorFlavor) -> Vec<u8> {
        let r#type = self.kind.type_str(flavor);
        let message = self.message.as_str();
        let (result, fallback) = match flavor {
            ErrorFlavor::OpenAi => (
                serde_json::to_vec(&OpenAiBody {
                    error: OpenAiError {
                        message,
                        r#type,
                        param: self.param.as_deref(),
                        code: self.code.as_deref(),
                    },
                }),
                FALLBACK_OPENAI,
            ),
            ErrorFlavor::Anthropic => (
                serde_json::to_vec(&AnthropicBody {
                    r#type: "error",
                    error: AnthropicError { r#type, message },
                    request_id: &self.request_id,
                }),
                FALLBACK_ANTHROPIC,
            ),
            ErrorFlavor::Ollama => (
                serde_json::to_vec(&OllamaBody { error: message }),
                FALLBACK_OLLAMA,
            ),
            ErrorFlavor::Gemini => (
                serde_json::to_vec(&GeminiBody {
                    error: GeminiError {
                        code: self.status,
                        message,
                        status: r#type,
                    },
                }),
                FALLBACK_GEMINI,
            ),
            ErrorFlavor::Bedrock => (
                serde_json::to_vec(&BedrockBody { message }),
                FALLBACK_BEDROCK,
            ),
        };
        result.unwrap_or_else(|_| fallback.to_vec())
    }

    /// The response headers to send with [`ErrorReply::body`]: the content
    /// type, the request id under the name the flavor's SDK reads
    /// (`x-request-id` always, `request-id` too for Anthropic),
    /// `x-tollgate-code` when there is a code, and `retry-after` on 429.
    pub fn headers(&self, flavor: ErrorFlavor) -> Vec<(&'static str, String)> {
        let mut headers = vec![
            ("content-type", "application/json".to_owned()),
            ("x-request-id", self.request_id.clone()),
        ];
        if flavor == ErrorFlavor::Anthropic {
            headers.push(("request-id", self.request_id.clone()));
        }
        // botocore reads the error code from this header first, the
        // request id from the next.
        if flavor == ErrorFlavor::Bedrock {
            headers.push(("x-amzn-errortype", self.kind.type_str(flavor).to_owned()));
            headers.push(("x-amzn-requestid", self.request_id.clone()));
        }
        // The machine-readable reason in both flavors: Anthropic's error
        // body has no field for it, and operators grep one header.
        if let Some(code) = &self.code {
            headers.push(("x-tollgate-code", code.clone()));
        }
        // 0: no time would help (the request can never fit): no header.
        if let ErrorKind::RateLimited {
            retry_after_secs, ..
        } = self.kind
        {
            if retry_after_secs > 0 {
                headers.push(("retry-after", retry_after_secs.to_string()));
            }
        }
        headers
    }
}

#[derive(Serialize)]
struct OpenAiBody<'a> {
    error: OpenAiError<'a>,
}

/// OpenAI always sends `param` and `code`, as `null` when absent.
#[derive(Serialize)]
struct OpenAiError<'a> {
    message: &'a str,
    r#type: &'static str,
    param: Option<&'a str>,
    code: Option<&'a str>,
}

#[derive(Serialize)]
struct AnthropicBody<'a> {
    r#type: &'static str,
    error: AnthropicError<'a>,
    request_id: &'a str,
}

#[derive(Serialize)]
struct AnthropicError<'a> {
    r#type: &'static str,
    message: &'a str,
}

#[derive(Serialize)]
struct BedrockBody<'a> {
    message: &'a str,
}

#[derive(Serialize)]
struct OllamaBody<'a> {
    error: &'a str,
}

#[derive(Serialize)]
struct GeminiBody<'a> {
    error: GeminiError<'a>,
}

#[derive(Serialize)]
struct GeminiError<'a> {
    code: u16,
    message: &'a str,
    status: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const ALL: [ErrorKind; 9] = [
        ErrorKind::InvalidRequest,
        ErrorKind::Authentication,
        ErrorKind::PermissionDenied,
        ErrorKind::NotFound,
        ErrorKind::PayloadTooLarge,
        ErrorKind::UnsupportedMediaType,
        ErrorKind::RateLimited {
            retry_after_secs: 7,
            tokens: false,
        },
        ErrorKind::Unavailable,
        ErrorKind::Internal,
    ];

    fn parsed(reply: &ErrorReply, flavor: ErrorFlavor) -> Value {
        serde_json::from_slice(&reply.body(flavor)).unwrap()
    }

    #[test]
    fn status_codes() {
        let statuses: Vec<u16> = ALL.iter().map(|k| k.status()).collect();
        assert_eq!(statuses, [400, 401, 403, 404, 413, 415, 429, 503, 500]);
        for kind in ALL {
            assert_eq!(ErrorReply::new(kind, "m", "r").status, kind.status());
        }
    }

    #[test]
    fn names_are_distinct_snake_case() {
        let names: std::collections::HashSet<&str> = ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), ALL.len());
        assert!(names
            .iter()
            .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
    }

    #[test]
    fn openai_body_has_exactly_the_sdk_fields() {
        let reply = ErrorReply::new(ErrorKind::Authentication, "invalid API key", "req_1")
            .with_code("invalid_api_key");
        assert_eq!(
            parsed(&reply, ErrorFlavor::OpenAi),
            json!({"error": {
                "message": "invalid API key",
                "type": "invalid_request_error",
                "param": null,
                "code": "invalid_api_key",
            }})
        );
        let reply =
            ErrorReply::new(ErrorKind::InvalidRequest, "bad model", "req_2").with_param("model");
        assert_eq!(
            parsed(&reply, ErrorFlavor::OpenAi),
            json!({"error": {"message": "bad model", "type": "invalid_request_error",
                             "param": "model", "code": null}})
        );
    }

    #[test]
    fn anthropic_body_has_exactly_the_sdk_fields() {
        let reply = ErrorReply::new(ErrorKind::Authentication, "invalid x-api-key", "req_1")
            .with_code("ignored");
        assert_eq!(
            parsed(&reply, ErrorFlavor::Anthropic),
            json!({
                "type": "error",
                "error": {"type": "authentication_error", "message": "invalid x-api-key"},
                "request_id": "req_1",
            })
        );
    }

    #[test]
    fn type_strings_per_kind_and_flavor() {
        let openai: Vec<&str> = ALL
            .iter()
            .map(|k| k.type_str(ErrorFlavor::OpenAi))
            .collect();
        assert_eq!(
            openai,
            [
                "invalid_request_error",
                "invalid_request_error",
                "invalid_request_error",
                "invalid_request_error",
                "invalid_request_error",
                "invalid_request_error",
                "requests",
                "server_error",
                "server_error",
            ]
        );
        let anthropic: Vec<&str> = ALL
            .iter()
            .map(|k| k.type_str(ErrorFlavor::Anthropic))
            .collect();
        assert_eq!(
            anthropic,
            [
                "invalid_request_error",
                "authentication_error",
                "permission_error",
                "not_found_error",
                "request_too_large",
                "invalid_request_error",
                "rate_limit_error",
                "overloaded_error",
                "api_error",
            ]
        );
        for kind in ALL {
            for flavor in [ErrorFlavor::OpenAi, ErrorFlavor::Anthropic] {
                let body = parsed(&ErrorReply::new(kind, "m", "r"), flavor);
                assert_eq!(body["error"]["type"], kind.type_str(flavor));
                assert_eq!(body["error"]["message"], "m");
            }
        }
    }

    #[test]
    fn message_is_json_escaped() {
        let nasty = "quote \" backslash \\ newline \n nul \u{0} é </script>";
        let reply = ErrorReply::new(ErrorKind::InvalidRequest, nasty, "id \"x\"");
        for flavor in [ErrorFlavor::OpenAi, ErrorFlavor::Anthropic] {
            assert_eq!(parsed(&reply, flavor)["error"]["message"], nasty);
        }
        assert_eq!(
            parsed(&reply, ErrorFlavor::Anthropic)["request_id"],
            "id \"x\""
        );
    }

    #[test]
    fn headers() {
        let reply = ErrorReply::new(ErrorKind::NotFound, "m", "req_9");
        assert_eq!(
            reply.headers(ErrorFlavor::OpenAi),
            [
                ("content-type", "application/json".to_owned()),
                ("x-request-id", "req_9".to_owned())
            ]
        );
        assert_eq!(
            reply.headers(ErrorFlavor::Anthropic),
            [
                ("content-type", "application/json".to_owned()),
                ("x-request-id", "req_9".to_owned()),
                ("request-id", "req_9".to_owned())
            ]
        );
        let coded = reply.clone().with_code("model_not_allowed");
        assert!(coded
            .headers(ErrorFlavor::Anthropic)
            .contains(&("x-tollgate-code", "model_not_allowed".to_owned())));
        let limited = ErrorReply::new(
            ErrorKind::RateLimited {
                retry_after_secs: 30,
                tokens: false,
            },
            "slow down",
            "req_9",
        );
        for flavor in [ErrorFlavor::OpenAi, ErrorFlavor::Anthropic] {
            assert!(limited
                .headers(flavor)
                .contains(&("retry-after", "30".to_owned())));
            assert!(!reply
                .headers(flavor)
                .iter()
                .any(|(name, _)| *name == "retry-after"));
        }
    }

    #[test]
    fn fallbacks_are_valid_bodies() {
        let openai: Value = serde_json::from_slice(FALLBACK_OPENAI).unwrap();
        assert_eq!(openai["error"]["type"], "server_error");
        let anthropic: Value = serde_json::from_slice(FALLBACK_ANTHROPIC).unwrap();
        assert_eq!(anthropic["type"], "error");
    }
}
