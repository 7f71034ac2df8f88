//! The route catalogue: every endpoint of the providers' public APIs that
//! Tollgate governs, in one table, and the one function that classifies a
//! request against it.
//!
//! ```
//! use tollgate_core::request::catalogue::{classify, Endpoint};
//!
//! let c = classify("POST", "/openai/deployments/gpt-4o/chat/completions?api-version=1").unwrap();
//! let route = c.route.unwrap();
//! assert_eq!(route.id, "azure.chat.create");
//! assert_eq!(route.endpoint, Endpoint::Chat);
//! assert_eq!(c.params, ["gpt-4o"]);
//! // Spelled another way, the same route.
//! assert_eq!(classify("POST", "//v1/%63hat/completions").unwrap().route.unwrap().id, "openai.chat.create");
//! // Not an endpoint of the catalogue: no route (refused unless configured).
//! assert!(classify("POST", "/v1/nope").unwrap().route.is_none());
//! ```
//!
//! # How a path is matched
//! After [`super::path::normalize`], each route's pattern (`chat/completions`,
//! `deployments/{}/chat/completions`) is matched against the *end* of the
//! path, and what comes before it — the API root — must be empty or end in
//! one of [`ROOT_MARKERS`] (`v1`, `openai`, `v1beta`, …). That covers the
//! roots the providers and the compatible servers use (`/v1/chat/completions`,
//! `/chat/completions`, `/openai/v1/responses`, `/openai/responses`,
//! `/v1beta/openai/chat/completions`, `/api/v1/chat/completions`, Azure's
//! `/openai/deployments/{d}/…` and `/models/chat/completions`) without
//! letting an id stand for a root (`/v1/threads/{t}/messages` is the
//! Assistants API, not Anthropic's `/v1/messages`). The method must be the
//! route's.
//!
//! When several routes match, the longest pattern wins, and at equal length
//! the one with more literal segments (`threads/runs` over `threads/{}`);
//! if another match (not outranked that way) disagrees on the endpoint
//! class, the shape or the API, the request is ambiguous and refused
//! ([`ClassifyError::Ambiguous`]): the filters and the upstream could read
//! it differently.
//!
//! # What a route says
//! Its endpoint class (what permissions name), the shape its request body
//! is read as ([`Shape`]), where its models are ([`ModelAt`]), the API its
//! responses and streams speak, how it is billed ([`Billing`]), and whose
//! error dialect it answers in. A new API is new rows here and, if its body
//! is a new shape, a reader in [`super::facts`]; never filter code.
//!
//! The table is [`ROUTES`]; the README's "Route catalogue" section lists it.

use std::borrow::Cow;
use std::sync::OnceLock;

use super::path::{normalize, PathError, RequestPath};
use crate::error::ErrorFlavor;
use crate::request::api::ApiKind;

/// Last segments of an API root: a route's pattern matches only after one
/// of these (or at the very start of the path).
pub const ROOT_MARKERS: &[&str] = &[
    "v1",
    "v1beta",
    "v1alpha",
    "v2",
    "openai",
    "openapi",
    "models",
    "anthropic",
];

/// A class of endpoints, for consumers' permissions (`endpoints` in
/// `auth`'s configuration) and throttle rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// Chat completions and stored completions.
    Chat,
    /// Legacy completions.
    Completions,
    /// The Responses API.
    Responses,
    /// Conversations (state the Responses API reads).
    Conversations,
    /// Embeddings.
    Embeddings,
    /// Anthropic Messages (and token counting).
    Messages,
    /// Model listing and retrieval.
    Models,
    /// Image generation and edits.
    Images,
    /// Speech, transcription, translation.
    Audio,
    /// Video generation.
    Videos,
    /// Moderations.
    Moderations,
    /// File uploads and downloads.
    Files,
    /// Batch jobs (OpenAI batches, Anthropic message batches).
    Batches,
    /// Realtime sessions.
    Realtime,
    /// Fine-tuning jobs and deleting fine-tuned models: denied unless listed.
    FineTuning,
    /// Assistants, threads and runs.
    Assistants,
    /// Vector stores.
    VectorStores,
    /// Model management on a model server (Ollama's pull, push, create,
    /// copy, delete): denied unless listed.
    Admin,
    /// Routes outside the catalogue that the configuration allows.
    Other,
}

impl Endpoint {
    /// Every class, in a fixed order.
    pub const ALL: [Endpoint; 19] = [
        Self::Chat,
        Self::Completions,
        Self::Responses,
        Self::Conversations,
        Self::Embeddings,
        Self::Messages,
        Self::Models,
        Self::Images,
        Self::Audio,
        Self::Videos,
        Self::Moderations,
        Self::Files,
        Self::Batches,
        Self::Realtime,
        Self::FineTuning,
        Self::Assistants,
        Self::VectorStores,
        Self::Admin,
        Self::Other,
    ];

    /// The class's configuration name (`chat`, `fine_tuning`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::Completions => "completions",
            Self::Responses => "responses",
            Self::Conversations => "conversations",
            Self::Embeddings => "embeddings",
            Self::Messages => "messages",
            Self::Models => "models",
            Self::Images => "images",
            Self::Audio => "audio",
            Self::Videos => "videos",
            Self::Moderations => "moderations",
            Self::Files => "files",
            Self::Batches => "batches",
            Self::Realtime => "realtime",
            Self::FineTuning => "fine_tuning",
            Self::Assistants => "assistants",
            Self::VectorStores => "vector_stores",
            Self::Admin => "admin",
            Self::Other => "other",
        }
    }

    /// Whether a consumer with no `endpoints` list may call it: every class
    /// but fine-tuning (which trains on data and deletes models).
    pub fn allowed_by_default(self) -> bool {
        // Opt-in: fine-tuning (trains on data no filter reads later);
        // realtime (WebSocket traffic no filter can inspect, and
        // `client_secrets` mint ephemeral provider keys used outside the
        // mesh); assistants (runs execute later and report usage only when
        // polled).
        !matches!(
            self,
            Self::FineTuning | Self::Realtime | Self::Assistants | Self::Admin
        )
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whose API a route is, for the dialect of its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// OpenAI (and Azure OpenAI, and the OpenAI-compatible servers).
    OpenAi,
    /// Anthropic.
    Anthropic,
    /// Both serve it (models, files): Anthropic's dialect when the request
    /// carries `anthropic-version`, else OpenAI's.
    Shared,
    /// Ollama's native API.
    Ollama,
    /// Google's Gemini API.
    Gemini,
    /// A model server's native API (TGI, llama.cpp, Triton, vLLM's
    /// extras): errors as `{"error": …}`.
    Native,
    /// Amazon Bedrock's runtime API.
    Bedrock,
}

/// How a request body is read ([`super::facts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// No body is expected (listings, retrievals, deletions, cancellations).
    /// A body that comes anyway is read like [`Shape::Json`] with no model.
    None,
    /// One of the text APIs' request shapes.
    Api(ApiKind),
    /// A JSON object read generically: every string value is text the
    /// model may read ([`crate::request::Role::Other`]); `models` are the
    /// JSON paths that name a model.
    Json {
        /// Paths of model names (`[["model"]]`, `[["session", "model"]]`).
        models: &'static [&'static [&'static str]],
    },
    /// The Conversations API: Responses input items under `items`.
    Items,
    /// Anthropic Message Batches: `requests[].params`, each a Messages
    /// request.
    MessageBatches,
    /// OpenAI batch creation: its `endpoint` names the route every line of
    /// the input file calls.
    BatchCreate,
    /// `multipart/form-data` with a `file` (uploads: a `purpose: batch`
    /// file's lines are read as the requests they are).
    Upload,
    /// `multipart/form-data` of fields and media (audio, images): `model`
    /// and `prompt` fields are read, files are media.
    Form,
    /// Bytes no detector can read, which may carry text (upload parts,
    /// realtime SDP offers).
    Opaque,
    /// An Assistants run: a JSON object read generically, its `model`
    /// named, and its output limit (`max_completion_tokens`) a generation.
    Run,
}

/// Where a route names models besides its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelAt {
    /// The path parameter with this index (`deployments/{}`, `models/{}`).
    Param(usize),
    /// The first query parameter of these names that is present
    /// (`model`, Azure's `deployment`).
    Query(&'static [&'static str]),
}

/// How a route is billed by `throttle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billing {
    /// Nothing is generated: the request counts, no tokens.
    None,
    /// A generation: the prompt estimate and the output limit are reserved,
    /// the upstream's usage is charged.
    Tokens,
    /// A model runs but has no output limit to reserve (images, speech,
    /// moderation, token counting): the request counts and any usage the
    /// response reports is charged.
    Reported,
    /// Asynchronous work whose usage is never seen on this stream (batch
    /// input files, message batches): the reservation is the charge.
    Deferred,
    /// Retrieves (or cancels) a generation that may have run in the
    /// background: a `usage` in the response settles what its creation
    /// reserved.
    Reconcile,
}

/// One endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// A stable id, `provider.resource.action` (in metrics, logs,
    /// decision metadata).
    pub id: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path after the API root, `{}` for one segment of any value.
    pub pattern: &'static str,
    /// The permission class.
    pub endpoint: Endpoint,
    /// How the request body is read.
    pub shape: Shape,
    /// Models named outside the body.
    pub models: &'static [ModelAt],
    /// The request must name a model (when a consumer's models are
    /// limited, a request naming none is refused).
    pub model_required: bool,
    /// The API its responses and streams speak ([`ApiKind::Unknown`]:
    /// read generically).
    pub response: ApiKind,
    /// How `throttle` bills it.
    pub billing: Billing,
    /// Whose dialect its errors speak.
    pub provider: Provider,
    /// The route upgrades to a WebSocket (realtime): what flows over it
    /// cannot be inspected.
    pub upgrade: bool,
    /// The pattern's segments and its literal ones (all but `{}`),
    /// computed with the table: every filter classifies every request, and
    /// splitting the patterns each time was most of that.
    segment_count: u8,
    literal_count: u8,
}

/// `(segments, literal segments)` of a pattern.
// Evaluated at compile time only (it initialises the `ROUTES` constant):
// an out-of-bounds index or an overflow would fail the build, never panic
// or wrap at run time.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]
const fn pattern_shape(pattern: &str) -> (u8, u8) {
    let b = pattern.as_bytes();
    let (mut segments, mut literals) = (1, 0);
    let mut start = 0;
    let mut i = 0;
    while i <= b.len() {
        if i == b.len() || b[i] == b'/' {
            let is_param = i - start == 2 && b[start] == b'{' && b[start + 1] == b'}';
            if !is_param {
                literals += 1;
            }
            if i < b.len() {
                segments += 1;
                start = i + 1;
            }
        }
        i += 1;
    }
    assert!(segments < 256 && literals < 256, "segments fit a u8");
    (segments as u8, literals as u8)
}

impl Route {
    /// The route's canonical path, `/v1/<pattern>` (ids as `{}`): what
    /// route-scoped configuration also matches, so a rule written for
    /// `/v1/chat/completions` covers `/chat/completions`,
    /// `/openai/v1/chat/completions` and every other root of the route,
    /// and what a counter keyed by route counts (one per route, not one per
    /// id).
    pub fn canonical_path(&self) -> String {
        if self.pattern.is_empty() {
            return "/".to_owned();
        }
        format!("/v1/{}", self.pattern)
    }

    const fn new(
        id: &'static str,
        method: &'static str,
        pattern: &'static str,
        endpoint: Endpoint,
    ) -> Self {
        let (segment_count, literal_count) = pattern_shape(pattern);
        Self {
            id,
            method,
            pattern,
            endpoint,
            shape: Shape::None,
            models: &[],
            model_required: false,
            response: ApiKind::Unknown,
            billing: Billing::None,
            provider: Provider::OpenAi,
            upgrade: false,
            segment_count,
            literal_count,
        }
    }

    /// A text API: its request shape, response dialect and token billing.
    const fn api(mut self, api: ApiKind) -> Self {
        self.shape = Shape::Api(api);
        self.response = api;
        self.billing = Billing::Tokens;
        self.model_required = true;
        self
    }

    const fn shape(mut self, shape: Shape) -> Self {
        self.shape = shape;
        self
    }

    const fn json(mut self) -> Self {
        self.shape = Shape::Json {
            models: &[&["model"]],
        };
        self
    }

    const fn reply(mut self, api: ApiKind) -> Self {
        self.response = api;
        self
    }

    const fn bill(mut self, billing: Billing) -> Self {
        self.billing = billing;
        self
    }

    const fn at(mut self, models: &'static [ModelAt]) -> Self {
        self.models = models;
        self
    }

    const fn requires_model(mut self) -> Self {
        self.model_required = true;
        self
    }

    const fn optional_model(mut self) -> Self {
        self.model_required = false;
        self
    }

    const fn anthropic(mut self) -> Self {
        self.provider = Provider::Anthropic;
        self
    }

    const fn provider(mut self, provider: Provider) -> Self {
        self.provider = provider;
        self
    }

    const fn shared(mut self) -> Self {
        self.provider = Provider::Shared;
        self
    }

    const fn upgrade(mut self) -> Self {
        self.upgrade = true;
        self
    }

    /// Whether a body of this route is JSON the filters read.
    pub fn reads_json(&self) -> bool {
        matches!(
            self.shape,
            Shape::Api(_)
                | Shape::Json { .. }
                | Shape::Items
                | Shape::MessageBatches
                | Shape::BatchCreate
        )
    }

    /// The dialect of this route's errors, given whether the request
    /// carries `anthropic-version`.
    pub fn flavor(&self, anthropic_header: bool) -> ErrorFlavor {
        match self.provider {
            Provider::Anthropic => ErrorFlavor::Anthropic,
            Provider::Shared if anthropic_header => ErrorFlavor::Anthropic,
            Provider::Ollama => ErrorFlavor::Ollama,
            Provider::Gemini => ErrorFlavor::Gemini,
            Provider::Native => ErrorFlavor::Ollama,
            Provider::Bedrock => ErrorFlavor::Bedrock,
            _ => ErrorFlavor::OpenAi,
        }
    }

    fn segments(&self) -> impl DoubleEndedIterator<Item = &'static str> + Clone {
        self.pattern.split('/')
    }
}

use ApiKind::{
    ChatCompletions as CHAT, Completions as COMPL, Embeddings as EMB, Messages as MSG,
    Responses as RESP,
};
use Endpoint as E;

const DEPLOYMENT: &[ModelAt] = &[ModelAt::Param(0)];
const MODEL_PARAM: &[ModelAt] = &[ModelAt::Param(0)];
const MODEL_QUERY: &[ModelAt] = &[ModelAt::Query(&["model", "deployment"])];

/// Every route Tollgate governs. Ids are stable: they appear in metrics,
/// logs and decision metadata.
pub const ROUTES: &[Route] = &[
    // --- OpenAI chat completions (and Azure deployments) ---------------
    Route::new("openai.chat.create", "POST", "chat/completions", E::Chat).api(CHAT),
    Route::new(
        "azure.chat.create",
        "POST",
        "deployments/{}/chat/completions",
        E::Chat,
    )
    .api(CHAT)
    .at(DEPLOYMENT)
    .optional_model(),
    Route::new(
        "azure.extensions.chat.create",
        "POST",
        "deployments/{}/extensions/chat/completions",
        E::Chat,
    )
    .api(CHAT)
    .at(DEPLOYMENT)
    .optional_model(),
    Route::new("openai.chat.list", "GET", "chat/completions", E::Chat),
    Route::new(
        "openai.chat.retrieve",
        "GET",
        "chat/completions/{}",
        E::Chat,
    )
    .reply(CHAT),
    Route::new("openai.chat.update", "POST", "chat/completions/{}", E::Chat)
        .json()
        .reply(CHAT),
    Route::new(
        "openai.chat.delete",
        "DELETE",
        "chat/completions/{}",
        E::Chat,
    ),
    Route::new(
        "openai.chat.messages",
        "GET",
        "chat/completions/{}/messages",
        E::Chat,
    ),
    // --- Legacy completions ---------------------------------------------
    Route::new(
        "openai.completions.create",
        "POST",
        "completions",
        E::Completions,
    )
    .api(COMPL),
    Route::new(
        "azure.completions.create",
        "POST",
        "deployments/{}/completions",
        E::Completions,
    )
    .api(COMPL)
    .at(DEPLOYMENT)
    .optional_model(),
    // --- Responses -------------------------------------------------------
    Route::new("openai.responses.create", "POST", "responses", E::Responses).api(RESP),
    Route::new(
        "openai.responses.retrieve",
        "GET",
        "responses/{}",
        E::Responses,
    )
    .reply(RESP)
    .bill(Billing::Reconcile),
    Route::new(
        "openai.responses.cancel",
        "POST",
        "responses/{}/cancel",
        E::Responses,
    )
    .reply(RESP)
    .bill(Billing::Reconcile),
    Route::new(
        "openai.responses.delete",
        "DELETE",
        "responses/{}",
        E::Responses,
    ),
    Route::new(
        "openai.responses.input_items",
        "GET",
        "responses/{}/input_items",
        E::Responses,
    ),
    Route::new(
        "openai.responses.input_tokens",
        "POST",
        "responses/input_tokens",
        E::Responses,
    )
    .api(RESP)
    .reply(ApiKind::Unknown)
    .bill(Billing::Reported)
    .optional_model(),
    Route::new(
        "openai.responses.compact",
        "POST",
        "responses/compact",
        E::Responses,
    )
    .api(RESP)
    .bill(Billing::Reported),
    // --- Conversations ---------------------------------------------------
    Route::new(
        "openai.conversations.create",
        "POST",
        "conversations",
        E::Conversations,
    )
    .shape(Shape::Items),
    Route::new(
        "openai.conversations.retrieve",
        "GET",
        "conversations/{}",
        E::Conversations,
    ),
    Route::new(
        "openai.conversations.update",
        "POST",
        "conversations/{}",
        E::Conversations,
    )
    .json(),
    Route::new(
        "openai.conversations.delete",
        "DELETE",
        "conversations/{}",
        E::Conversations,
    ),
    Route::new(
        "openai.conversations.items.create",
        "POST",
        "conversations/{}/items",
        E::Conversations,
    )
    .shape(Shape::Items),
    Route::new(
        "openai.conversations.items.list",
        "GET",
        "conversations/{}/items",
        E::Conversations,
    ),
    Route::new(
        "openai.conversations.items.retrieve",
        "GET",
        "conversations/{}/items/{}",
        E::Conversations,
    ),
    Route::new(
        "openai.conversations.items.delete",
        "DELETE",
        "conversations/{}/items/{}",
        E::Conversations,
    ),
    // --- Embeddings, moderations ----------------------------------------
    Route::new(
        "openai.embeddings.create",
        "POST",
        "embeddings",
        E::Embeddings,
    )
    .api(EMB),
    Route::new(
        "azure.embeddings.create",
        "POST",
        "deployments/{}/embeddings",
        E::Embeddings,
    )
    .api(EMB)
    .at(DEPLOYMENT)
    .optional_model(),
    Route::new(
        "openai.moderations.create",
        "POST",
        "moderations",
        E::Moderations,
    )
    .json()
    .bill(Billing::Reported),
    // --- Images ----------------------------------------------------------
    Route::new(
        "openai.images.generate",
        "POST",
        "images/generations",
        E::Images,
    )
    .json()
    .requires_model()
    .bill(Billing::Reported),
    Route::new(
        "azure.images.generate",
        "POST",
        "deployments/{}/images/generations",
        E::Images,
    )
    .json()
    .at(DEPLOYMENT)
    .bill(Billing::Reported),
    Route::new("openai.images.edit", "POST", "images/edits", E::Images)
        .shape(Shape::Form)
        .bill(Billing::Reported),
    Route::new(
        "azure.images.edit",
        "POST",
        "deployments/{}/images/edits",
        E::Images,
    )
    .shape(Shape::Form)
    .at(DEPLOYMENT)
    .bill(Billing::Reported),
    Route::new(
        "openai.images.variation",
        "POST",
        "images/variations",
        E::Images,
    )
    .shape(Shape::Form)
    .bill(Billing::Reported),
    // --- Audio -----------------------------------------------------------
    Route::new("openai.audio.speech", "POST", "audio/speech", E::Audio)
        .json()
        .requires_model()
        .bill(Billing::Reported),
    Route::new(
        "azure.audio.speech",
        "POST",
        "deployments/{}/audio/speech",
        E::Audio,
    )
    .json()
    .at(DEPLOYMENT)
    .bill(Billing::Reported),
    Route::new(
        "openai.audio.transcribe",
        "POST",
        "audio/transcriptions",
        E::Audio,
    )
    .shape(Shape::Form)
    .requires_model()
    .bill(Billing::Reported),
    Route::new(
        "azure.audio.transcribe",
        "POST",
        "deployments/{}/audio/transcriptions",
        E::Audio,
    )
    .shape(Shape::Form)
    .at(DEPLOYMENT)
    .bill(Billing::Reported),
    Route::new(
        "openai.audio.translate",
        "POST",
        "audio/translations",
        E::Audio,
    )
    .shape(Shape::Form)
    .requires_model()
    .bill(Billing::Reported),
    Route::new(
        "azure.audio.translate",
        "POST",
        "deployments/{}/audio/translations",
        E::Audio,
    )
    .shape(Shape::Form)
    .at(DEPLOYMENT)
    .bill(Billing::Reported),
    // --- Videos ----------------------------------------------------------
    Route::new("openai.videos.create", "POST", "videos", E::Videos)
        .shape(Shape::Form)
        .requires_model()
        .bill(Billing::Reported),
    Route::new("openai.videos.remix", "POST", "videos/{}/remix", E::Videos)
        .json()
        .bill(Billing::Reported),
    Route::new("openai.videos.list", "GET", "videos", E::Videos),
    Route::new("openai.videos.retrieve", "GET", "videos/{}", E::Videos),
    Route::new("openai.videos.delete", "DELETE", "videos/{}", E::Videos),
    Route::new(
        "openai.videos.content",
        "GET",
        "videos/{}/content",
        E::Videos,
    ),
    // --- Files and uploads (Anthropic's files API has the same paths) ----
    Route::new("files.upload", "POST", "files", E::Files)
        .shape(Shape::Upload)
        .bill(Billing::Deferred)
        .shared(),
    Route::new("files.list", "GET", "files", E::Files).shared(),
    Route::new("files.retrieve", "GET", "files/{}", E::Files).shared(),
    Route::new("files.delete", "DELETE", "files/{}", E::Files).shared(),
    Route::new("files.content", "GET", "files/{}/content", E::Files).shared(),
    Route::new("openai.uploads.create", "POST", "uploads", E::Files).json(),
    Route::new("openai.uploads.part", "POST", "uploads/{}/parts", E::Files).shape(Shape::Opaque),
    Route::new(
        "openai.uploads.complete",
        "POST",
        "uploads/{}/complete",
        E::Files,
    )
    .json(),
    Route::new(
        "openai.uploads.cancel",
        "POST",
        "uploads/{}/cancel",
        E::Files,
    ),
    // --- Batches ---------------------------------------------------------
    Route::new("openai.batches.create", "POST", "batches", E::Batches).shape(Shape::BatchCreate),
    Route::new("openai.batches.list", "GET", "batches", E::Batches),
    Route::new("openai.batches.retrieve", "GET", "batches/{}", E::Batches),
    Route::new(
        "openai.batches.cancel",
        "POST",
        "batches/{}/cancel",
        E::Batches,
    ),
    // --- Models (both providers) ----------------------------------------
    Route::new("models.list", "GET", "models", E::Models).shared(),
    Route::new("models.retrieve", "GET", "models/{}", E::Models)
        .at(MODEL_PARAM)
        .shared(),
    Route::new("openai.models.delete", "DELETE", "models/{}", E::FineTuning).at(MODEL_PARAM),
    // --- Fine-tuning -----------------------------------------------------
    Route::new(
        "openai.fine_tuning.create",
        "POST",
        "fine_tuning/jobs",
        E::FineTuning,
    )
    .json()
    .requires_model(),
    Route::new(
        "openai.fine_tuning.list",
        "GET",
        "fine_tuning/jobs",
        E::FineTuning,
    ),
    Route::new(
        "openai.fine_tuning.retrieve",
        "GET",
        "fine_tuning/jobs/{}",
        E::FineTuning,
    ),
    Route::new(
        "openai.fine_tuning.events",
        "GET",
        "fine_tuning/jobs/{}/events",
        E::FineTuning,
    ),
    Route::new(
        "openai.fine_tuning.checkpoints",
        "GET",
        "fine_tuning/jobs/{}/checkpoints",
        E::FineTuning,
    ),
    Route::new(
        "openai.fine_tuning.cancel",
        "POST",
        "fine_tuning/jobs/{}/cancel",
        E::FineTuning,
    ),
    Route::new(
        "openai.fine_tuning.pause",
        "POST",
        "fine_tuning/jobs/{}/pause",
        E::FineTuning,
    ),
    Route::new(
        "openai.fine_tuning.resume",
        "POST",
        "fine_tuning/jobs/{}/resume",
        E::FineTuning,
    ),
    // --- Ollama (native API; its OpenAI-compatible /v1 is above) ----------
    Route::new("ollama.chat", "POST", "api/chat", E::Chat)
        .api(ApiKind::OllamaChat)
        .provider(Provider::Ollama),
    Route::new("ollama.generate", "POST", "api/generate", E::Completions)
        .api(ApiKind::OllamaGenerate)
        .provider(Provider::Ollama),
    Route::new("ollama.embed", "POST", "api/embed", E::Embeddings)
        .api(ApiKind::OllamaEmbed)
        .bill(Billing::Reported)
        .provider(Provider::Ollama),
    Route::new("ollama.embeddings", "POST", "api/embeddings", E::Embeddings)
        .api(ApiKind::OllamaEmbed)
        .bill(Billing::Reported)
        .provider(Provider::Ollama),
    Route::new("ollama.show", "POST", "api/show", E::Models)
        .shape(Shape::Json {
            models: &[&["model"], &["name"]],
        })
        .provider(Provider::Ollama),
    Route::new("ollama.tags", "GET", "api/tags", E::Models).provider(Provider::Ollama),
    Route::new("ollama.ps", "GET", "api/ps", E::Models).provider(Provider::Ollama),
    Route::new("ollama.version", "GET", "api/version", E::Models).provider(Provider::Ollama),
    Route::new("ollama.pull", "POST", "api/pull", E::Admin)
        .shape(Shape::Json {
            models: &[&["model"], &["name"]],
        })
        .provider(Provider::Ollama),
    Route::new("ollama.push", "POST", "api/push", E::Admin)
        .shape(Shape::Json {
            models: &[&["model"], &["name"]],
        })
        .provider(Provider::Ollama),
    Route::new("ollama.create", "POST", "api/create", E::Admin)
        .shape(Shape::Json {
            models: &[&["model"], &["name"], &["from"]],
        })
        .provider(Provider::Ollama),
    Route::new("ollama.copy", "POST", "api/copy", E::Admin)
        .shape(Shape::Json {
            models: &[&["source"], &["destination"]],
        })
        .provider(Provider::Ollama),
    Route::new("ollama.delete", "DELETE", "api/delete", E::Admin)
        .shape(Shape::Json {
            models: &[&["model"], &["name"]],
        })
        .provider(Provider::Ollama),
    // --- Gemini (native API; its OpenAI-compatible v1beta/openai is above) --
    // The model is the path segment before `:method`.
    Route::new(
        "gemini.generate",
        "POST",
        "models/{}:generateContent",
        E::Chat,
    )
    .api(ApiKind::Gemini)
    .at(MODEL_PARAM)
    .provider(Provider::Gemini),
    Route::new(
        "gemini.stream",
        "POST",
        "models/{}:streamGenerateContent",
        E::Chat,
    )
    .api(ApiKind::Gemini)
    .at(MODEL_PARAM)
    .provider(Provider::Gemini),
    Route::new(
        "gemini.tuned.generate",
        "POST",
        "tunedModels/{}:generateContent",
        E::Chat,
    )
    .api(ApiKind::Gemini)
    .at(MODEL_PARAM)
    .provider(Provider::Gemini),
    Route::new(
        "gemini.tuned.stream",
        "POST",
        "tunedModels/{}:streamGenerateContent",
        E::Chat,
    )
    .api(ApiKind::Gemini)
    .at(MODEL_PARAM)
    .provider(Provider::Gemini),
    Route::new(
        "gemini.count_tokens",
        "POST",
        "models/{}:countTokens",
        E::Chat,
    )
    .api(ApiKind::Gemini)
    .bill(Billing::None)
    .at(MODEL_PARAM)
    .provider(Provider::Gemini),
    Route::new(
        "gemini.embed",
        "POST",
        "models/{}:embedContent",
        E::Embeddings,
    )
    .api(ApiKind::GeminiEmbed)
    .bill(Billing::Reported)
    .at(MODEL_PARAM)
    .provider(Provider::Gemini),
    Route::new(
        "gemini.batch_embed",
        "POST",
        "models/{}:batchEmbedContents",
        E::Embeddings,
    )
    .api(ApiKind::GeminiEmbed)
    .bill(Billing::Reported)
    .at(MODEL_PARAM)
    .provider(Provider::Gemini),
    // Stored context a later request names by id: read when stored.
    Route::new(
        "gemini.cached_contents.create",
        "POST",
        "cachedContents",
        E::Files,
    )
    .api(ApiKind::Gemini)
    .bill(Billing::None)
    .provider(Provider::Gemini),
    // --- Amazon Bedrock runtime (model ids in the path, `:` escaped) -------
    Route::new("bedrock.converse", "POST", "model/{}/converse", E::Chat)
        .api(ApiKind::BedrockConverse)
        .at(MODEL_PARAM)
        .provider(Provider::Bedrock),
    Route::new(
        "bedrock.converse_stream",
        "POST",
        "model/{}/converse-stream",
        E::Chat,
    )
    .api(ApiKind::BedrockConverse)
    .at(MODEL_PARAM)
    .provider(Provider::Bedrock),
    Route::new("bedrock.invoke", "POST", "model/{}/invoke", E::Chat)
        .api(ApiKind::BedrockInvoke)
        .at(MODEL_PARAM)
        .provider(Provider::Bedrock),
    Route::new(
        "bedrock.invoke_stream",
        "POST",
        "model/{}/invoke-with-response-stream",
        E::Chat,
    )
    .api(ApiKind::BedrockInvoke)
    .at(MODEL_PARAM)
    .provider(Provider::Bedrock),
    // `{"input":{"converse":{…}}}` or `{"input":{"invokeModel":{"body":…}}}`.
    Route::new(
        "bedrock.count_tokens",
        "POST",
        "model/{}/count-tokens",
        E::Chat,
    )
    .shape(Shape::Json { models: &[] })
    .bill(Billing::None)
    .at(MODEL_PARAM)
    .provider(Provider::Bedrock),
    // A guardrail run on text the caller sends: read like a prompt.
    Route::new(
        "bedrock.guardrail.apply",
        "POST",
        "guardrail/{}/version/{}/apply",
        E::Moderations,
    )
    .shape(Shape::Json { models: &[] })
    .bill(Billing::Reported)
    .provider(Provider::Bedrock),
    // Asynchronous invocations (video generation): the model in the body.
    Route::new(
        "bedrock.async_invoke.start",
        "POST",
        "async-invoke",
        E::Videos,
    )
    .shape(Shape::Json {
        models: &[&["modelId"]],
    })
    .bill(Billing::Reported)
    .provider(Provider::Bedrock),
    Route::new(
        "bedrock.async_invoke.list",
        "GET",
        "async-invoke",
        E::Videos,
    )
    .provider(Provider::Bedrock),
    Route::new(
        "bedrock.async_invoke.get",
        "GET",
        "async-invoke/{}",
        E::Videos,
    )
    .provider(Provider::Bedrock),
    // --- Hugging Face TGI (its /v1 is above; the model is the server's:
    // routes.served_model) ----------------------------------------------------
    // `POST /`: generate or generate_stream, as `stream` says (what
    // huggingface_hub's InferenceClient calls for a server URL).
    Route::new("tgi.compat", "POST", "", E::Completions)
        .api(ApiKind::TgiGenerate)
        .provider(Provider::Native),
    Route::new("tgi.generate", "POST", "generate", E::Completions)
        .api(ApiKind::TgiGenerate)
        .provider(Provider::Native),
    Route::new(
        "tgi.generate_stream",
        "POST",
        "generate_stream",
        E::Completions,
    )
    .api(ApiKind::TgiGenerate)
    .provider(Provider::Native),
    // --- llama.cpp server ------------------------------------------------
    Route::new("llama.completion", "POST", "completion", E::Completions)
        .api(ApiKind::LlamaCompletion)
        .provider(Provider::Native),
    Route::new("llama.infill", "POST", "infill", E::Completions)
        .api(ApiKind::LlamaCompletion)
        .provider(Provider::Native),
    Route::new("llama.embedding", "POST", "embedding", E::Embeddings)
        .json()
        .bill(Billing::Reported)
        .provider(Provider::Native),
    // --- vLLM and llama.cpp utilities, vLLM's pooling models ---------------
    Route::new("server.tokenize", "POST", "tokenize", E::Models)
        .json()
        .provider(Provider::Native),
    Route::new("server.detokenize", "POST", "detokenize", E::Models)
        .json()
        .provider(Provider::Native),
    Route::new("vllm.pooling", "POST", "pooling", E::Embeddings)
        .json()
        .bill(Billing::Reported)
        .provider(Provider::Native),
    Route::new("vllm.score", "POST", "score", E::Embeddings)
        .json()
        .bill(Billing::Reported)
        .provider(Provider::Native),
    Route::new("vllm.rerank", "POST", "rerank", E::Embeddings)
        .json()
        .bill(Billing::Reported)
        .provider(Provider::Native),
    // --- KServe / Triton (v2 protocol, generate extension, v1 predict) -----
    Route::new(
        "triton.generate",
        "POST",
        "models/{}/generate",
        E::Completions,
    )
    .api(ApiKind::TritonGenerate)
    .at(MODEL_PARAM)
    .provider(Provider::Native),
    Route::new(
        "triton.generate_stream",
        "POST",
        "models/{}/generate_stream",
        E::Completions,
    )
    .api(ApiKind::TritonGenerate)
    .at(MODEL_PARAM)
    .provider(Provider::Native),
    Route::new(
        "triton.versioned.generate",
        "POST",
        "models/{}/versions/{}/generate",
        E::Completions,
    )
    .api(ApiKind::TritonGenerate)
    .at(MODEL_PARAM)
    .provider(Provider::Native),
    Route::new("triton.infer", "POST", "models/{}/infer", E::Completions)
        .api(ApiKind::TritonInfer)
        .bill(Billing::Reported)
        .at(MODEL_PARAM)
        .provider(Provider::Native),
    Route::new(
        "triton.versioned.infer",
        "POST",
        "models/{}/versions/{}/infer",
        E::Completions,
    )
    .api(ApiKind::TritonInfer)
    .bill(Billing::Reported)
    .at(MODEL_PARAM)
    .provider(Provider::Native),
    Route::new("triton.model.ready", "GET", "models/{}/ready", E::Models)
        .at(MODEL_PARAM)
        .provider(Provider::Native),
    Route::new("triton.health.ready", "GET", "health/ready", E::Models).provider(Provider::Native),
    Route::new("triton.health.live", "GET", "health/live", E::Models).provider(Provider::Native),
    Route::new(
        "kserve.v1.predict",
        "POST",
        "models/{}:predict",
        E::Completions,
    )
    .json()
    .bill(Billing::Reported)
    .at(MODEL_PARAM)
    .requires_model()
    .provider(Provider::Native),
    // --- Realtime --------------------------------------------------------
    Route::new("openai.realtime.connect", "GET", "realtime", E::Realtime)
        .at(MODEL_QUERY)
        .requires_model()
        .upgrade(),
    Route::new(
        "openai.realtime.client_secrets",
        "POST",
        "realtime/client_secrets",
        E::Realtime,
    )
    .shape(Shape::Json {
        models: &[&["session", "model"], &["model"]],
    }),
    Route::new(
        "openai.realtime.sessions",
        "POST",
        "realtime/sessions",
        E::Realtime,
    )
    .json(),
    Route::new(
        "openai.realtime.transcription_sessions",
        "POST",
        "realtime/transcription_sessions",
        E::Realtime,
    )
    .shape(Shape::Json {
        models: &[&["input_audio_transcription", "model"], &["model"]],
    }),
    // multipart (`sdp` and a `session` JSON naming the model) or a bare
    // `application/sdp` offer (opaque).
    Route::new(
        "openai.realtime.calls",
        "POST",
        "realtime/calls",
        E::Realtime,
    )
    .shape(Shape::Form)
    .at(MODEL_QUERY),
    // --- Assistants, threads, runs (beta; still served by Azure) --------
    Route::new(
        "openai.assistants.create",
        "POST",
        "assistants",
        E::Assistants,
    )
    .json()
    .requires_model(),
    Route::new("openai.assistants.list", "GET", "assistants", E::Assistants),
    Route::new(
        "openai.assistants.retrieve",
        "GET",
        "assistants/{}",
        E::Assistants,
    ),
    Route::new(
        "openai.assistants.update",
        "POST",
        "assistants/{}",
        E::Assistants,
    )
    .json(),
    Route::new(
        "openai.assistants.delete",
        "DELETE",
        "assistants/{}",
        E::Assistants,
    ),
    Route::new("openai.threads.create", "POST", "threads", E::Assistants).json(),
    // A run executes later and reports usage only when polled: its
    // reservation (prompt estimate and output limit) is the charge.
    Route::new(
        "openai.threads.create_and_run",
        "POST",
        "threads/runs",
        E::Assistants,
    )
    .shape(Shape::Run)
    .bill(Billing::Deferred),
    Route::new(
        "openai.threads.retrieve",
        "GET",
        "threads/{}",
        E::Assistants,
    ),
    Route::new("openai.threads.update", "POST", "threads/{}", E::Assistants).json(),
    Route::new(
        "openai.threads.delete",
        "DELETE",
        "threads/{}",
        E::Assistants,
    ),
    Route::new(
        "openai.threads.messages.create",
        "POST",
        "threads/{}/messages",
        E::Assistants,
    )
    .json(),
    Route::new(
        "openai.threads.messages.list",
        "GET",
        "threads/{}/messages",
        E::Assistants,
    ),
    Route::new(
        "openai.threads.messages.retrieve",
        "GET",
        "threads/{}/messages/{}",
        E::Assistants,
    ),
    Route::new(
        "openai.threads.messages.update",
        "POST",
        "threads/{}/messages/{}",
        E::Assistants,
    )
    .json(),
    Route::new(
        "openai.threads.messages.delete",
        "DELETE",
        "threads/{}/messages/{}",
        E::Assistants,
    ),
    Route::new(
        "openai.threads.runs.create",
        "POST",
        "threads/{}/runs",
        E::Assistants,
    )
    .shape(Shape::Run)
    .bill(Billing::Deferred),
    Route::new(
        "openai.threads.runs.list",
        "GET",
        "threads/{}/runs",
        E::Assistants,
    ),
    Route::new(
        "openai.threads.runs.retrieve",
        "GET",
        "threads/{}/runs/{}",
        E::Assistants,
    ),
    Route::new(
        "openai.threads.runs.update",
        "POST",
        "threads/{}/runs/{}",
        E::Assistants,
    )
    .json(),
    Route::new(
        "openai.threads.runs.submit_tool_outputs",
        "POST",
        "threads/{}/runs/{}/submit_tool_outputs",
        E::Assistants,
    )
    .shape(Shape::Run)
    .bill(Billing::Deferred),
    Route::new(
        "openai.threads.runs.cancel",
        "POST",
        "threads/{}/runs/{}/cancel",
        E::Assistants,
    ),
    Route::new(
        "openai.threads.runs.steps.list",
        "GET",
        "threads/{}/runs/{}/steps",
        E::Assistants,
    ),
    Route::new(
        "openai.threads.runs.steps.retrieve",
        "GET",
        "threads/{}/runs/{}/steps/{}",
        E::Assistants,
    ),
    // --- Vector stores ---------------------------------------------------
    Route::new(
        "openai.vector_stores.create",
        "POST",
        "vector_stores",
        E::VectorStores,
    )
    .json(),
    Route::new(
        "openai.vector_stores.list",
        "GET",
        "vector_stores",
        E::VectorStores,
    ),
    Route::new(
        "openai.vector_stores.retrieve",
        "GET",
        "vector_stores/{}",
        E::VectorStores,
    ),
    Route::new(
        "openai.vector_stores.update",
        "POST",
        "vector_stores/{}",
        E::VectorStores,
    )
    .json(),
    Route::new(
        "openai.vector_stores.delete",
        "DELETE",
        "vector_stores/{}",
        E::VectorStores,
    ),
    Route::new(
        "openai.vector_stores.search",
        "POST",
        "vector_stores/{}/search",
        E::VectorStores,
    )
    .json()
    .bill(Billing::Reported),
    Route::new(
        "openai.vector_stores.files.create",
        "POST",
        "vector_stores/{}/files",
        E::VectorStores,
    )
    .json(),
    Route::new(
        "openai.vector_stores.files.list",
        "GET",
        "vector_stores/{}/files",
        E::VectorStores,
    ),
    Route::new(
        "openai.vector_stores.files.retrieve",
        "GET",
        "vector_stores/{}/files/{}",
        E::VectorStores,
    ),
    Route::new(
        "openai.vector_stores.files.update",
        "POST",
        "vector_stores/{}/files/{}",
        E::VectorStores,
    )
    .json(),
    Route::new(
        "openai.vector_stores.files.delete",
        "DELETE",
        "vector_stores/{}/files/{}",
        E::VectorStores,
    ),
    Route::new(
        "openai.vector_stores.files.content",
        "GET",
        "vector_stores/{}/files/{}/content",
        E::VectorStores,
    ),
    Route::new(
        "openai.vector_stores.file_batches.create",
        "POST",
        "vector_stores/{}/file_batches",
        E::VectorStores,
    )
    .json(),
    Route::new(
        "openai.vector_stores.file_batches.retrieve",
        "GET",
        "vector_stores/{}/file_batches/{}",
        E::VectorStores,
    ),
    Route::new(
        "openai.vector_stores.file_batches.cancel",
        "POST",
        "vector_stores/{}/file_batches/{}/cancel",
        E::VectorStores,
    ),
    Route::new(
        "openai.vector_stores.file_batches.files",
        "GET",
        "vector_stores/{}/file_batches/{}/files",
        E::VectorStores,
    ),
    // --- Anthropic -------------------------------------------------------
    Route::new("anthropic.messages.create", "POST", "messages", E::Messages)
        .api(MSG)
        .anthropic(),
    Route::new(
        "anthropic.messages.count_tokens",
        "POST",
        "messages/count_tokens",
        E::Messages,
    )
    .api(MSG)
    .reply(ApiKind::Unknown)
    .bill(Billing::Reported)
    .anthropic(),
    Route::new(
        "anthropic.batches.create",
        "POST",
        "messages/batches",
        E::Batches,
    )
    .shape(Shape::MessageBatches)
    .bill(Billing::Deferred)
    .anthropic(),
    Route::new(
        "anthropic.batches.list",
        "GET",
        "messages/batches",
        E::Batches,
    )
    .anthropic(),
    Route::new(
        "anthropic.batches.retrieve",
        "GET",
        "messages/batches/{}",
        E::Batches,
    )
    .anthropic(),
    Route::new(
        "anthropic.batches.results",
        "GET",
        "messages/batches/{}/results",
        E::Batches,
    )
    .anthropic(),
    Route::new(
        "anthropic.batches.cancel",
        "POST",
        "messages/batches/{}/cancel",
        E::Batches,
    )
    .anthropic(),
    Route::new(
        "anthropic.batches.delete",
        "DELETE",
        "messages/batches/{}",
        E::Batches,
    )
    .anthropic(),
];

/// A request, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    /// The route, or `None` for a path the catalogue does not know.
    pub route: Option<&'static Route>,
    /// The normalised path.
    pub path: RequestPath,
    /// The values of the route's `{}` segments, in order.
    pub params: Vec<String>,
}

/// Why a request cannot be classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClassifyError {
    /// The path cannot be normalised.
    #[error(transparent)]
    Path(#[from] PathError),
    /// Routes of different classes match: the path could mean either.
    #[error("the path matches endpoints of different kinds")]
    Ambiguous,
}

impl ClassifyError {
    /// A short fixed name for metrics and logs.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Path(e) => e.reason(),
            Self::Ambiguous => "ambiguous_route",
        }
    }
}

/// A request path's segments as [`match_route`] reads them: raw (for the
/// API root) and decoded once, as the server reads them: escapes the
/// normaliser kept (`%3A`) decoded, so Bedrock's `anthropic.claude-v2%3A1`
/// is the model `anthropic.claude-v2:1` and Gemini's `m%3AgenerateContent`
/// is `:generateContent` (`%2F` never gets here: refused). `None`: not
/// UTF-8 once decoded, which no route matches.
struct Segments<'a> {
    raw: &'a [String],
    decoded: Vec<Option<Cow<'a, str>>>,
}

impl<'a> Segments<'a> {
    fn new(raw: &'a [String]) -> Self {
        let decoded = raw
            .iter()
            .map(|s| percent_encoding::percent_decode_str(s).decode_utf8().ok())
            .collect();
        Self { raw, decoded }
    }
}

/// Matches `route` against the end of `segments`: the params when it
/// matches after an API root.
fn match_route(route: &Route, segments: &Segments<'_>) -> Option<Vec<String>> {
    // The root itself (TGI's `POST /`): only the empty path.
    if route.pattern.is_empty() {
        return segments.raw.is_empty().then(Vec::new);
    }
    let start = segments
        .raw
        .len()
        .checked_sub(usize::from(route.segment_count))?;
    if let Some(last) = start.checked_sub(1).and_then(|i| segments.raw.get(i)) {
        if !ROOT_MARKERS.contains(&last.as_str()) {
            return None;
        }
    }
    let tail = segments.decoded.get(start..)?;
    let mut params = Vec::new();
    for (want, got) in route.segments().zip(tail) {
        let got = got.as_deref()?;
        if want == "{}" {
            params.push(got.to_owned());
        } else if let Some(suffix) = want.strip_prefix("{}") {
            // `{}:generateContent`: a segment ending in the suffix, the
            // part before it the parameter.
            let value = got.strip_suffix(suffix).filter(|v| !v.is_empty())?;
            params.push(value.to_owned());
        } else if want != got {
            return None;
        }
    }
    Some(params)
}

/// Which routes a path can match, by its last segments, so that
/// classifying a request compares a few bytes per route and fully matches
/// a handful, rather than walking every route's pattern: in Envoy a
/// filter's first pass over the whole table in a request cost about 9 µs
/// of CPU (its bytes are out of the cache by then), against about 1 µs for
/// a second pass in the same request.
///
/// A route whose pattern ends in a literal segment can only match a path
/// ending in that segment; one ending in `{}` after a literal, a path whose
/// last-but-one segment is that literal; one ending in `{}:suffix`, a path
/// whose last segment ends in that suffix from its last `:`. The rest (the
/// root route, a pattern of parameters only) are candidates for every path.
/// One entry per route, in table order (which the tie-breaks of
/// [`classify_path`] depend on), scanned linearly: a hash map or a sorted
/// list with bisection made every module 12-15 KB larger for no gain a
/// request could see at this size.
struct RouteIndex(Vec<(Key, u16)>);

#[derive(Clone, Copy)]
enum Key {
    Last(&'static str),
    BeforeParam(&'static str),
    Suffix(&'static str),
    Always,
}

impl RouteIndex {
    fn get() -> &'static Self {
        static INDEX: OnceLock<RouteIndex> = OnceLock::new();
        INDEX.get_or_init(Self::build)
    }

    fn build() -> Self {
        let mut keys = Vec::with_capacity(ROUTES.len());
        for (i, route) in ROUTES.iter().enumerate() {
            let Ok(i) = u16::try_from(i) else {
                continue;
            };
            let mut segs = route.segments().rev();
            let last = segs.next().unwrap_or_default();
            let before = segs.next();
            let key = if route.pattern.is_empty() {
                Key::Always
            } else if last == "{}" {
                match before {
                    Some(b) if !b.starts_with("{}") => Key::BeforeParam(b),
                    _ => Key::Always,
                }
            } else if let Some(suffix) = last.strip_prefix("{}") {
                if suffix.starts_with(':') && suffix.matches(':').count() == 1 {
                    Key::Suffix(suffix)
                } else {
                    Key::Always
                }
            } else {
                Key::Last(last)
            };
            keys.push((key, i));
        }
        Self(keys)
    }

    /// The routes `segments` may match, in table order.
    fn candidates(&self, segments: &Segments<'_>) -> Vec<&'static Route> {
        let n = segments.decoded.len();
        let at = |back: usize| {
            n.checked_sub(back)
                .and_then(|i| segments.decoded.get(i))
                .and_then(|s| s.as_deref())
        };
        let (last, before) = (at(1), at(2));
        let suffix = last.and_then(|l| l.rfind(':').and_then(|c| l.get(c..)));
        self.0
            .iter()
            .filter(|(key, _)| match *key {
                Key::Last(k) => last == Some(k),
                Key::BeforeParam(k) => before == Some(k),
                Key::Suffix(k) => suffix == Some(k),
                Key::Always => true,
            })
            .filter_map(|(_, i)| ROUTES.get(usize::from(*i)))
            .collect()
    }
}

/// Classifies a request by method and raw `:path` (see the module docs).
pub fn classify(method: &str, raw_path: &str) -> Result<Classified, ClassifyError> {
    let path = normalize(raw_path)?;
    classify_path(method, path)
}

/// [`classify`] for an already normalised path.
pub fn classify_path(method: &str, path: RequestPath) -> Result<Classified, ClassifyError> {
    classify_among(method, path, |segments| {
        RouteIndex::get().candidates(segments)
    })
}

/// [`classify_path`] against the routes `among` picks for the path (in
/// table order): the index's candidates, or (in tests) every route.
fn classify_among(
    method: &str,
    path: RequestPath,
    among: impl FnOnce(&Segments<'_>) -> Vec<&'static Route>,
) -> Result<Classified, ClassifyError> {
    // (route, params, (segments, literal segments)).
    let mut matches: Vec<(&'static Route, Vec<String>, (usize, usize))> = Vec::new();
    let segments = Segments::new(path.segments());
    for route in among(&segments) {
        if !route.method.eq_ignore_ascii_case(method) {
            continue;
        }
        let Some(params) = match_route(route, &segments) else {
            continue;
        };
        let spec = (
            usize::from(route.segment_count),
            usize::from(route.literal_count),
        );
        matches.push((route, params, spec));
    }
    // The longest pattern wins; at equal length, the one with more
    // literal segments (`threads/runs` over `threads/{}`), which no
    // server reads as the other (ids are never the literal word).
    let best_at = matches
        .iter()
        .enumerate()
        .max_by_key(|(i, (_, _, spec))| (*spec, std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    let mut best = best_at.map(|i| matches.swap_remove(i));
    if let Some((b, _, (len, literals))) = &best {
        let disagree = matches.iter().any(|(r, _, (l, lit))| {
            let outranked = l == len && lit < literals;
            !outranked
                && (b.endpoint != r.endpoint || b.response != r.response || b.shape != r.shape)
        });
        if disagree {
            return Err(ClassifyError::Ambiguous);
        }
    }
    let best = best.take().map(|(r, p, (len, _))| (r, p, len));
    Ok(match best {
        Some((route, params, _)) => Classified {
            route: Some(route),
            path,
            params,
        },
        None => Classified {
            route: None,
            path,
            params: Vec::new(),
        },
    })
}

/// The canonical path of the route `path` is, whatever the method (a
/// pattern names the same resource for every method); `None` outside the
/// catalogue or when ambiguous.
pub fn canonical_path_of(path: &RequestPath) -> Option<String> {
    ["POST", "GET", "DELETE"].iter().find_map(|m| {
        classify_path(m, path.clone())
            .ok()
            .and_then(|c| c.route)
            .map(Route::canonical_path)
    })
}

/// The route with this id.
pub fn by_id(id: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.id == id)
}

/// The catalogue as a Markdown table (the README's "Route catalogue"):
/// method and path after the API root, id, endpoint class and whether a
/// consumer with no `endpoints` list may call it, where its models are,
/// and how `throttle` bills it.
pub fn markdown() -> String {
    let mut out = String::from(
        "| method | path | id | class | models from | billed |\n|---|---|---|---|---|---|\n",
    );
    for r in ROUTES {
        let mut models: Vec<String> = Vec::new();
        match r.shape {
            Shape::Api(_)
            | Shape::Json {
                models: &[&["model"]],
            } => models.push("body".into()),
            Shape::Json { models: paths } => {
                models.extend(paths.iter().map(|p| format!("body `{}`", p.join("."))));
            }
            Shape::MessageBatches => models.push("each request".into()),
            Shape::Upload => models.push("batch-file lines".into()),
            Shape::Form => models.push("form field".into()),
            Shape::Run => models.push("`model`".into()),
            Shape::None | Shape::Items | Shape::BatchCreate | Shape::Opaque => {}
        }
        for m in r.models {
            models.push(match m {
                ModelAt::Param(_) => "path".into(),
                ModelAt::Query(names) => format!("query `{}`", names.join("`/`")),
            });
        }
        let billed = match r.billing {
            Billing::None => "requests",
            Billing::Tokens => "tokens",
            Billing::Reported => "reported usage",
            Billing::Deferred => "reservation",
            Billing::Reconcile => "reconciles",
        };
        let class = if r.endpoint.allowed_by_default() {
            r.endpoint.as_str().to_owned()
        } else {
            format!("{} (opt-in)", r.endpoint.as_str())
        };
        out.push_str(&format!(
            "| {} | `{}` | `{}` | {} | {} | {} |\n",
            r.method,
            r.pattern,
            r.id,
            class,
            if models.is_empty() {
                "-".to_owned()
            } else {
                models.join(", ")
            },
            billed
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(method: &str, path: &str) -> Option<&'static str> {
        classify(method, path).unwrap().route.map(|r| r.id)
    }

    /// The index picks every route the whole table would: the same route,
    /// params and errors as a scan of every route, over every pattern with
    /// parameters filled in, under several roots, with segments dropped,
    /// added and swapped, and a vocabulary of junk.
    #[test]
    fn the_index_classifies_as_a_scan_of_every_route() {
        let scan = |method: &str, raw: &str| {
            normalize(raw)
                .map_err(ClassifyError::from)
                .and_then(|p| classify_among(method, p, |_| ROUTES.iter().collect()))
                .map(|c| (c.route.map(|r| r.id), c.params))
        };
        let indexed = |method: &str, raw: &str| {
            classify(method, raw).map(|c| (c.route.map(|r| r.id), c.params))
        };
        let fills = [
            "gpt-4o-mini",
            "x",
            "a:b",
            "m%3AgenerateContent",
            "{}",
            "cancel",
            "models",
            // Not UTF-8 once decoded: no route matches through them.
            "%FF",
            "%C3",
            "x%FF",
        ];
        let roots = [
            "",
            "/v1",
            "/openai",
            "/v1beta",
            "/api/v1",
            "/x/y",
            "/openai/deployments/d",
        ];
        let mut vocab: Vec<String> = fills.iter().map(|s| (*s).to_owned()).collect();
        for r in ROUTES {
            vocab.extend(r.segments().map(str::to_owned));
        }
        vocab.sort();
        vocab.dedup();
        let mut paths: Vec<String> = Vec::new();
        for r in ROUTES {
            for fill in fills {
                let segs: Vec<String> = r
                    .segments()
                    .map(|s| match s.strip_prefix("{}") {
                        Some(suffix) => format!("{fill}{suffix}"),
                        None => s.to_owned(),
                    })
                    .collect();
                let joined = segs.join("/");
                for root in roots {
                    paths.push(format!("{root}/{joined}"));
                    paths.push(format!("{root}/{joined}/{fill}"));
                    if let Some((_, rest)) = joined.split_once('/') {
                        paths.push(format!("{root}/{rest}"));
                    }
                }
            }
        }
        // Pairs and triples of the vocabulary, deterministically sampled.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % u64::try_from(n).unwrap()).unwrap()
        };
        for _ in 0..20_000 {
            let k = 1 + next(4);
            let segs: Vec<&str> = (0..k).map(|_| vocab[next(vocab.len())].as_str()).collect();
            paths.push(format!("/{}", segs.join("/")));
        }
        paths.push("/".into());
        let mut compared = 0;
        for path in &paths {
            for method in ["POST", "GET", "DELETE", "PUT"] {
                assert_eq!(indexed(method, path), scan(method, path), "{method} {path}");
                compared += 1;
            }
        }
        assert!(compared > 100_000, "{compared}");
    }

    #[test]
    fn spellings_of_one_route() {
        let chat = [
            "/v1/chat/completions",
            "/chat/completions",
            "//v1//chat/completions/",
            "/v1/%63hat/completions",
            "/v1/chat/completions?stream=true",
            "/openai/v1/chat/completions",
            "/v1beta/openai/chat/completions",
            "/api/v1/chat/completions",
            "/inference/v1/chat/completions",
            "/models/chat/completions",
            "/v1/projects/p/locations/l/endpoints/openapi/chat/completions",
        ];
        for p in chat {
            assert_eq!(id("POST", p), Some("openai.chat.create"), "{p}");
            assert_eq!(id("post", p), Some("openai.chat.create"), "{p}");
        }
        assert_eq!(
            id(
                "POST",
                "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
            ),
            Some("azure.chat.create")
        );
        assert_eq!(
            id("POST", "/openai/responses?api-version=2025-03-01-preview"),
            Some("openai.responses.create")
        );
        assert_eq!(
            id("POST", "/openai/v1/responses"),
            Some("openai.responses.create")
        );
    }

    #[test]
    fn not_in_the_catalogue() {
        for (m, p) in [
            ("POST", "/v1/nope"),
            ("POST", "/V1/Chat/Completions"),
            ("POST", "/litellm/chat/completions"),
            ("PUT", "/v1/chat/completions"),
            ("POST", "/healthz"),
            ("GET", "/"),
            ("POST", "/v1/chat/completions;x=1"),
            ("POST", "/v1/chat/completions%20"),
        ] {
            assert_eq!(id(m, p), None, "{m} {p}");
        }
    }

    #[test]
    fn ids_are_not_roots() {
        assert_eq!(
            id("POST", "/v1/threads/thread_1/messages"),
            Some("openai.threads.messages.create")
        );
        assert_eq!(
            id("POST", "/v1/messages"),
            Some("anthropic.messages.create")
        );
        assert_eq!(
            id("POST", "/v1/messages/count_tokens"),
            Some("anthropic.messages.count_tokens")
        );
        assert_eq!(
            id("POST", "/v1/messages/batches"),
            Some("anthropic.batches.create")
        );
        assert_eq!(
            id("GET", "/v1/chat/completions/chatcmpl-1"),
            Some("openai.chat.retrieve")
        );
        assert_eq!(
            id("GET", "/v1/responses/resp_1"),
            Some("openai.responses.retrieve")
        );
        assert_eq!(
            id("GET", "/v1/models/ft:gpt-4o-mini:org::1"),
            Some("models.retrieve")
        );
        assert_eq!(
            id("DELETE", "/v1/models/ft:x"),
            Some("openai.models.delete")
        );
        assert_eq!(
            id("GET", "/v1/realtime?model=gpt-realtime"),
            Some("openai.realtime.connect")
        );
    }

    #[test]
    fn disagreeing_matches_are_ambiguous() {
        // Assistants messages under a thread named like a root, or
        // Anthropic messages under a root named like a thread?
        assert_eq!(
            classify("POST", "/v1/threads/v1/messages").unwrap_err(),
            ClassifyError::Ambiguous
        );
        // A deployment named like a root is still one route's class.
        let c = classify("POST", "/openai/deployments/v1/chat/completions").unwrap();
        assert_eq!(c.route.map(|r| r.id), Some("azure.chat.create"));
        assert_eq!(c.params, ["v1"]);
    }

    #[test]
    fn path_errors_are_refusals() {
        assert_eq!(
            classify("POST", "/v1/chat%2Fcompletions"),
            Err(ClassifyError::Path(PathError::EncodedSeparator))
        );
    }

    #[test]
    fn the_readme_lists_the_catalogue() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
                .expect("README.md");
        let table = markdown();
        assert!(
            readme.contains(&table),
            "README.md's route catalogue is stale; replace it with:\n{table}"
        );
    }

    #[test]
    fn the_table_is_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for r in ROUTES {
            assert!(seen.insert(r.id), "duplicate id {}", r.id);
            assert!(matches!(r.method, "GET" | "POST" | "DELETE"), "{}", r.id);
            assert!(
                !r.pattern.starts_with('/') && !r.pattern.ends_with('/'),
                "{}",
                r.id
            );
            let params = r.segments().filter(|s| s.starts_with("{}")).count();
            for m in r.models {
                if let ModelAt::Param(i) = m {
                    assert!(*i < params, "{}: model param {i}", r.id);
                }
            }
            // Every route is reachable by its own canonical path (the
            // root route by `/`).
            let path = if r.pattern.is_empty() {
                "/".to_owned()
            } else {
                format!("/v1/{}", r.pattern.replace("{}", "x_1"))
            };
            let got = classify(r.method, &path)
                .unwrap_or_else(|e| panic!("{path}: {e:?}"))
                .route
                .map(|r| r.id);
            assert_eq!(got, Some(r.id), "{path}");
            // No two routes share method and pattern.
            for o in ROUTES {
                if o.id != r.id {
                    assert!(
                        !(o.method == r.method && o.pattern == r.pattern),
                        "{} and {}",
                        r.id,
                        o.id
                    );
                }
            }
        }
    }
}
