//! Which LLM API a request is for.
//!
//! Classification is by path, tolerant of what a client, a gateway or Envoy
//! may add: a query string, repeated or trailing slashes, and a prefix before
//! the API's own path (`/openai/v1/chat/completions` behind a path-routing
//! gateway). Leniency is deliberate: a request the upstream would serve as a
//! chat completion must not slip past the filters as `Unknown`.
//!
//! Recognised paths (`…` is any prefix, `{d}` an Azure deployment name):
//!
//! | kind | path |
//! |---|---|
//! | [`ApiKind::ChatCompletions`] | `…/v1/chat/completions`, `…/deployments/{d}/chat/completions` |
//! | [`ApiKind::Completions`] | `…/v1/completions`, `…/deployments/{d}/completions` |
//! | [`ApiKind::Responses`] | `…/v1/responses` |
//! | [`ApiKind::Embeddings`] | `…/v1/embeddings`, `…/deployments/{d}/embeddings` |
//! | [`ApiKind::Models`] | `…/v1/models`, `…/v1/models/{model}` |
//! | [`ApiKind::Messages`] | `…/v1/messages` (Anthropic) |

use crate::error::ErrorFlavor;

/// The API a request calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiKind {
    /// OpenAI Chat Completions (`POST /v1/chat/completions`).
    ChatCompletions,
    /// OpenAI legacy Completions (`POST /v1/completions`).
    Completions,
    /// OpenAI Responses (`POST /v1/responses`).
    Responses,
    /// OpenAI Embeddings (`POST /v1/embeddings`).
    Embeddings,
    /// OpenAI model listing (`GET /v1/models`, `GET /v1/models/{model}`).
    Models,
    /// Anthropic Messages (`POST /v1/messages`).
    Messages,
    /// Ollama chat (`POST /api/chat`).
    OllamaChat,
    /// Ollama generate (`POST /api/generate`).
    OllamaGenerate,
    /// Ollama embeddings (`POST /api/embed`, `POST /api/embeddings`).
    OllamaEmbed,
    /// Gemini `models/{m}:generateContent` and `:streamGenerateContent`.
    Gemini,
    /// Gemini `models/{m}:embedContent` and `:batchEmbedContents`.
    GeminiEmbed,
    /// Hugging Face TGI `/generate` and `/generate_stream`.
    TgiGenerate,
    /// llama.cpp server `/completion` and `/infill`.
    LlamaCompletion,
    /// KServe / Triton generate extension (`v2/models/{m}/generate`,
    /// `generate_stream`).
    TritonGenerate,
    /// KServe / Triton v2 inference (`v2/models/{m}/infer`): text in BYTES
    /// tensors.
    TritonInfer,
    /// Amazon Bedrock `model/{m}/converse` and `converse-stream`.
    BedrockConverse,
    /// Amazon Bedrock `model/{m}/invoke` and `invoke-with-response-stream`:
    /// the body is the model's own (Anthropic Messages for Claude, read as
    /// such; other families read field by field).
    BedrockInvoke,
    /// Anything else: not an LLM call the filters know.
    Unknown,
}

impl ApiKind {
    /// Every kind, in declaration order (for tests and tools that go
    /// through them all; `tests::all_lists_every_kind` keeps it whole).
    pub const ALL: [ApiKind; 18] = [
        Self::ChatCompletions,
        Self::Completions,
        Self::Responses,
        Self::Embeddings,
        Self::Models,
        Self::Messages,
        Self::OllamaChat,
        Self::OllamaGenerate,
        Self::OllamaEmbed,
        Self::Gemini,
        Self::GeminiEmbed,
        Self::TgiGenerate,
        Self::LlamaCompletion,
        Self::TritonGenerate,
        Self::TritonInfer,
        Self::BedrockConverse,
        Self::BedrockInvoke,
        Self::Unknown,
    ];

    /// Classifies a request path (`:path`, query string allowed).
    pub fn from_path(path: &str) -> Self {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        // The last four non-empty segments, last first: enough for every
        // rule, and no allocation.
        let mut tail = path.rsplit('/').filter(|s| !s.is_empty());
        let last = tail.next().unwrap_or_default();
        let second = tail.next().unwrap_or_default();
        let third = tail.next().unwrap_or_default();
        let fourth = tail.next().unwrap_or_default();
        // The segment(s) before an endpoint name that mark it as an API path:
        // `v1`, or Azure's `deployments/{d}`.
        let versioned = |before: &str, before_that: &str| {
            before == "v1" || (before_that == "deployments" && !before.is_empty())
        };
        match (last, second) {
            ("completions", "chat") if versioned(third, fourth) => Self::ChatCompletions,
            ("completions", _) if versioned(second, third) => Self::Completions,
            ("embeddings", _) if versioned(second, third) => Self::Embeddings,
            ("responses", "v1") => Self::Responses,
            ("messages", "v1") => Self::Messages,
            ("models", "v1") => Self::Models,
            (_, "models") if third == "v1" => Self::Models,
            _ => Self::Unknown,
        }
    }

    /// Classifies a request by method and path: the kind, if `method` is the
    /// one that API defines (`GET` for [`ApiKind::Models`], `POST` for the
    /// others), else [`ApiKind::Unknown`]. `GET /v1/chat/completions` lists
    /// stored completions: it is not a chat completion to meter or inspect.
    pub fn from_request(method: &str, path: &str) -> Self {
        let kind = Self::from_path(path);
        let expected = match kind {
            Self::Models => "GET",
            Self::Unknown => return Self::Unknown,
            _ => "POST",
        };
        if method.eq_ignore_ascii_case(expected) {
            kind
        } else {
            Self::Unknown
        }
    }

    /// The dialect errors on this API are written in: Anthropic for
    /// [`ApiKind::Messages`], OpenAI for everything else (the de-facto common
    /// shape of OpenAI-compatible servers, and what an unknown route gets),
    /// Ollama's, Gemini's and Bedrock's own for theirs.
    pub fn flavor(self) -> ErrorFlavor {
        match self {
            Self::Messages => ErrorFlavor::Anthropic,
            Self::OllamaChat | Self::OllamaGenerate | Self::OllamaEmbed => ErrorFlavor::Ollama,
            Self::Gemini | Self::GeminiEmbed => ErrorFlavor::Gemini,
            // TGI `{"error","error_type"}`, llama.cpp, Triton: a JSON
            // `error` their clients raise on; Ollama's shape is that.
            Self::TgiGenerate
            | Self::LlamaCompletion
            | Self::TritonGenerate
            | Self::TritonInfer => ErrorFlavor::Ollama,
            Self::BedrockConverse | Self::BedrockInvoke => ErrorFlavor::Bedrock,
            _ => ErrorFlavor::OpenAi,
        }
    }

    /// Whether a body of this API that does not say `stream` streams:
    /// Ollama's chat and generate stream unless told `"stream": false`.
    pub fn streams_by_default(self) -> bool {
        matches!(self, Self::OllamaChat | Self::OllamaGenerate)
    }

    /// Whether this API's responses and stream events are JSON the filters
    /// read in its own shape (a non-JSON event is then refused, not read
    /// as text).
    pub fn known(self) -> bool {
        !matches!(self, Self::Models | Self::Unknown)
    }

    /// Whether its responses report the prompt's tokens (TGI, llama.cpp's
    /// stream and Triton do not: the prompt estimate stands for them).
    pub fn reports_input(self) -> bool {
        !matches!(
            self,
            Self::TgiGenerate | Self::TritonGenerate | Self::TritonInfer
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_kind() {
        // A kind added to the enum fails to compile here until it is
        // placed, and then must be in ALL at that place.
        let place = |k: ApiKind| match k {
            ApiKind::ChatCompletions => 0,
            ApiKind::Completions => 1,
            ApiKind::Responses => 2,
            ApiKind::Embeddings => 3,
            ApiKind::Models => 4,
            ApiKind::Messages => 5,
            ApiKind::OllamaChat => 6,
            ApiKind::OllamaGenerate => 7,
            ApiKind::OllamaEmbed => 8,
            ApiKind::Gemini => 9,
            ApiKind::GeminiEmbed => 10,
            ApiKind::TgiGenerate => 11,
            ApiKind::LlamaCompletion => 12,
            ApiKind::TritonGenerate => 13,
            ApiKind::TritonInfer => 14,
            ApiKind::BedrockConverse => 15,
            ApiKind::BedrockInvoke => 16,
            ApiKind::Unknown => 17,
        };
        for (i, k) in ApiKind::ALL.iter().enumerate() {
            assert_eq!(place(*k), i, "{k:?}");
        }
    }
    use ApiKind::*;

    #[test]
    fn from_path_table() {
        let cases: &[(&str, &str, ApiKind)] = &[
            ("chat", "/v1/chat/completions", ChatCompletions),
            (
                "chat query",
                "/v1/chat/completions?stream=true",
                ChatCompletions,
            ),
            (
                "chat trailing slash",
                "/v1/chat/completions/",
                ChatCompletions,
            ),
            (
                "chat double slash",
                "//v1//chat/completions",
                ChatCompletions,
            ),
            ("chat fragment", "/v1/chat/completions#x", ChatCompletions),
            (
                "chat prefixed",
                "/openai/v1/chat/completions",
                ChatCompletions,
            ),
            (
                "chat azure",
                "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
                ChatCompletions,
            ),
            (
                "chat stored completion",
                "/v1/chat/completions/abc",
                Unknown,
            ),
            (
                "chat messages of stored",
                "/v1/chat/completions/abc/messages",
                Unknown,
            ),
            ("chat unversioned", "/chat/completions", Unknown),
            ("completions", "/v1/completions", Completions),
            (
                "completions azure",
                "/openai/deployments/d/completions",
                Completions,
            ),
            ("completions unversioned", "/completions", Unknown),
            ("responses", "/v1/responses", Responses),
            ("responses query", "/v1/responses?x=1", Responses),
            ("responses retrieve", "/v1/responses/resp_123", Unknown),
            ("embeddings", "/v1/embeddings", Embeddings),
            (
                "embeddings azure",
                "/openai/deployments/e/embeddings",
                Embeddings,
            ),
            ("models", "/v1/models", Models),
            ("model", "/v1/models/gpt-4o", Models),
            ("model trailing slash", "/v1/models/gpt-4o/", Models),
            ("messages", "/v1/messages", Messages),
            ("messages query", "/v1/messages?beta=true", Messages),
            (
                "messages count tokens",
                "/v1/messages/count_tokens",
                Unknown,
            ),
            (
                "assistants thread messages",
                "/v1/threads/t/messages",
                Unknown,
            ),
            ("root", "/", Unknown),
            ("empty", "", Unknown),
            ("v1 only", "/v1", Unknown),
            ("health", "/healthz", Unknown),
            ("case matters", "/V1/Chat/Completions", Unknown),
            (
                "azure deployment named chat",
                "/openai/deployments/chat/completions",
                Completions,
            ),
            (
                "azure chat on deployment named chat",
                "/openai/deployments/chat/chat/completions",
                ChatCompletions,
            ),
        ];
        for (name, path, want) in cases {
            assert_eq!(ApiKind::from_path(path), *want, "case {name}: {path}");
        }
    }

    #[test]
    fn from_request_checks_the_method() {
        let cases: &[(&str, &str, ApiKind)] = &[
            ("POST", "/v1/chat/completions", ChatCompletions),
            ("post", "/v1/chat/completions", ChatCompletions),
            ("GET", "/v1/chat/completions", Unknown),
            ("OPTIONS", "/v1/messages", Unknown),
            ("POST", "/v1/messages", Messages),
            ("GET", "/v1/models", Models),
            ("POST", "/v1/models", Unknown),
            ("POST", "/v1/embeddings", Embeddings),
            ("POST", "/nope", Unknown),
        ];
        for (method, path, want) in cases {
            assert_eq!(
                ApiKind::from_request(method, path),
                *want,
                "{method} {path}"
            );
        }
    }

    #[test]
    fn flavor() {
        assert_eq!(Messages.flavor(), ErrorFlavor::Anthropic);
        for kind in [
            ChatCompletions,
            Completions,
            Responses,
            Embeddings,
            Models,
            Unknown,
        ] {
            assert_eq!(kind.flavor(), ErrorFlavor::OpenAi, "{kind:?}");
        }
    }
}
