//! The request model: one understanding of an LLM request, shared by every
//! filter, so that a request is governed the same way whichever filter
//! looks at it and however it is spelled.
//!
//! - [`path`]: one path normalisation (percent-decoding of unreserved
//!   characters, dot segments, repeated slashes; ambiguous encodings
//!   refused).
//! - [`catalogue`]: the route table (which API, which endpoint class, where
//!   its models are, how its body is read and billed) and the classifier.
//! - [`decompress`]: the one bounded inflater for request bodies.
//! - [`extract`]: the body parsed once into [`Segment`]s and facts (models,
//!   stream flag, output limits, opaque parts).
//! - [`sse`]: the Server-Sent Events parser and encoder every stream reader
//!   uses.
//! - [`api`]: the API dialects ([`api::ApiKind`]) bodies and streams speak.

pub mod api;
pub mod catalogue;
pub(crate) mod chunk_read;
pub mod decompress;
pub mod eventstream;
pub mod extract;
pub mod framing;
pub(crate) mod json_template;
pub(crate) mod json_walk;
pub mod multipart;
pub mod path;
pub mod sse;
pub(crate) mod strict_json;
pub mod usage;

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::RoutesConfig;
use crate::error::{ErrorFlavor, ErrorKind, ErrorReply};
use api::ApiKind;
use catalogue::{ClassifyError, Endpoint, ModelAt, Route, Shape};
use path::RequestPath;

/// The longest model name read from a request.
pub const MAX_MODEL_LEN: usize = 256;

/// Whether a model name can be checked: 1 to 256 bytes, no control
/// characters.
pub fn valid_model(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_MODEL_LEN && !name.chars().any(char::is_control)
}

/// What every filter knows of a request from its headers, computed the
/// same way by each: the route, the normalised path, the models named
/// outside the body, and the dialect its errors are written in.
///
/// ```
/// use tollgate_core::request::Head;
///
/// let head = Head::read("GET", "/openai/realtime?api-version=1&deployment=gpt-rt", false).unwrap();
/// assert_eq!(head.route_id(), "openai.realtime.connect");
/// assert_eq!(head.models().unwrap(), ["gpt-rt"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The route, `None` for one the catalogue does not know.
    pub route: Option<&'static Route>,
    /// The normalised path.
    pub path: RequestPath,
    /// The route's `{}` segments.
    pub params: Vec<String>,
    /// The dialect of errors.
    pub flavor: ErrorFlavor,
    /// The model a request naming none means (`routes.served_model`).
    pub served_model: Option<String>,
}

impl Head {
    /// Classifies a request from its method, raw `:path`, and whether it
    /// carries `anthropic-version`.
    pub fn read(method: &str, raw_path: &str, anthropic: bool) -> Result<Self, ClassifyError> {
        let c = catalogue::classify(method, raw_path)?;
        let flavor = match c.route {
            Some(r) => r.flavor(anthropic),
            None if anthropic => ErrorFlavor::Anthropic,
            None => ErrorFlavor::OpenAi,
        };
        Ok(Self {
            route: c.route,
            path: c.path,
            params: c.params,
            flavor,
            served_model: None,
        })
    }

    /// The dialect of errors for a path that could not even be classified.
    pub fn flavor_of_unreadable(anthropic: bool) -> ErrorFlavor {
        if anthropic {
            ErrorFlavor::Anthropic
        } else {
            ErrorFlavor::OpenAi
        }
    }

    /// The route's id, `unknown` for none.
    pub fn route_id(&self) -> &'static str {
        self.route.map_or("unknown", |r| r.id)
    }

    /// The endpoint class (`other` for an allowed unknown route).
    pub fn endpoint(&self) -> Endpoint {
        self.route.map_or(Endpoint::Other, |r| r.endpoint)
    }

    /// The API responses and streams speak ([`ApiKind::Unknown`]: read
    /// generically).
    pub fn api(&self) -> ApiKind {
        self.route.map_or(ApiKind::Unknown, |r| r.response)
    }

    /// How the request body is read (an unknown route's generically).
    pub fn shape(&self) -> Shape {
        self.route.map_or(Shape::None, |r| r.shape)
    }

    /// Whether the request is on a route the catalogue does not know and
    /// the configuration does not allow.
    /// Takes the configuration's `served_model` (the model of a request
    /// naming none).
    pub fn serving(mut self, routes: &RoutesConfig) -> Self {
        self.served_model = routes.served_model.clone();
        self
    }

    pub fn refused(&self, routes: &RoutesConfig) -> bool {
        self.route.is_none() && !routes.allows(&self.path)
    }

    /// The models the path and query name (Azure deployments,
    /// `/models/{id}`, `?model=`), decoded. `Err` names what cannot be
    /// read: a parameter given twice, a name that does not decode or is not
    /// a valid model name.
    pub fn models(&self) -> Result<Vec<String>, &'static str> {
        let Some(route) = self.route else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for at in route.models {
            match at {
                ModelAt::Param(i) => {
                    let seg = self.params.get(*i).ok_or("a model in the path")?;
                    let name = percent_decode(seg).ok_or("a badly encoded model in the path")?;
                    out.push(name);
                }
                ModelAt::Query(names) => {
                    for name in names.iter() {
                        match self.path.query_param(name) {
                            Ok(Some(v)) => out.push(v),
                            Ok(None) => {}
                            Err(()) => {
                                return Err("a model query parameter given twice or badly encoded")
                            }
                        }
                    }
                }
            }
        }
        if out.iter().any(|m| !valid_model(m)) {
            return Err("a model name of 1 to 256 characters, none a control character");
        }
        Ok(out)
    }

    /// What a log line may say of the path: its first two segments (cut
    /// to 32 characters each) and how many more there are, never a query.
    pub fn class(&self) -> String {
        let segs = self.path.segments();
        let mut out = String::new();
        for s in segs.iter().take(2) {
            out.push('/');
            out.extend(s.chars().take(32));
        }
        if segs.len() > 2 {
            out.push_str(&format!("/…(+{})", segs.len().saturating_sub(2)));
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }

    /// The refusal of a route the catalogue does not know.
    pub fn unknown_route_reply(request_id: impl Into<String>) -> ErrorReply {
        ErrorReply::new(
            ErrorKind::PermissionDenied,
            "this endpoint is not one the gateway governs; it must be allowed in the configuration (routes.allow)",
            request_id,
        )
        .with_code("unknown_route")
    }
}

/// Full percent-decoding of a path segment into UTF-8 (the path was
/// normalised first, so every escape is well formed).
fn percent_decode(seg: &str) -> Option<String> {
    percent_encoding::percent_decode_str(seg)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

/// Who wrote a piece of text, as the model sees it. Policy can treat them
/// differently: tool results and retrieved documents are where indirect
/// injection arrives; system text is the developer's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// System / developer instructions, tool definitions.
    System,
    /// The end user's text.
    User,
    /// Model output: completions, earlier assistant turns, tool-call
    /// arguments the model wrote.
    Assistant,
    /// Tool results, function outputs, attached documents: text the model
    /// reads but no person in the conversation wrote.
    Tool,
    /// Text whose author the API shape does not say (embeddings input,
    /// legacy completions prompts, unknown APIs).
    Other,
}

impl Role {
    /// Every role, in a fixed order.
    pub const ALL: [Role; 5] = [
        Role::System,
        Role::User,
        Role::Assistant,
        Role::Tool,
        Role::Other,
    ];

    /// The name used in config, metrics and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
            Role::Other => "other",
        }
    }
}

/// One step of a path into a JSON document.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// An object member.
    Key(Arc<str>),
    /// An array element.
    Index(usize),
    /// A part of a `multipart/form-data` body.
    Part(usize),
    /// A line of a JSON Lines file.
    Line(usize),
}

/// Where a [`Segment`]'s text lives in its JSON document: the path to a JSON
/// string value. Empty for a body that is not JSON (the whole body is the
/// text).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Loc(pub Vec<PathStep>);

impl fmt::Display for Loc {
    /// A JSON-pointer-like rendering, e.g. `/messages/1/content/0/text`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("/");
        }
        for step in &self.0 {
            match step {
                PathStep::Key(k) => write!(f, "/{k}")?,
                PathStep::Index(i) => write!(f, "/{i}")?,
                PathStep::Part(i) => write!(f, "/part[{i}]")?,
                PathStep::Line(i) => write!(f, "/line[{i}]")?,
            }
        }
        Ok(())
    }
}

/// A piece of text a model will read (or wrote), with its author and place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Who wrote it.
    pub role: Role,
    /// The text: the JSON string value, unescaped.
    pub text: String,
    /// Where it is in the document.
    pub loc: Loc,
    /// How the text is written at `loc`.
    pub form: TextForm,
}

impl Segment {
    /// Text written as it is (a JSON string value, a form field, a file).
    pub fn plain(role: Role, text: impl Into<String>, loc: Loc) -> Self {
        Self {
            role,
            text: text.into(),
            loc,
            form: TextForm::Plain,
        }
    }

    /// The value to write at [`Segment::loc`] for `new_text`: the text
    /// itself, or re-encoded as the original was (base64). `None` for text
    /// that cannot be rewritten (object keys).
    pub fn encode(&self, new_text: &str) -> Option<String> {
        use base64::Engine as _;
        match &self.form {
            TextForm::Plain => Some(new_text.to_owned()),
            TextForm::Base64 { prefix } => Some(format!(
                "{prefix}{}",
                base64::engine::general_purpose::STANDARD.encode(new_text)
            )),
            TextForm::Keys => None,
        }
    }
}

/// How a [`Segment`]'s text is written in the body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TextForm {
    /// As it is.
    #[default]
    Plain,
    /// Base64 after `prefix` (a `data:text/plain;base64,` URL, or nothing
    /// for Anthropic's `source.data`): the decoded text is scanned, a
    /// redaction is encoded back.
    Base64 {
        /// What precedes the base64.
        prefix: Arc<str>,
    },
    /// The object keys of a tool's schema, joined: the model reads them,
    /// but they cannot be redacted (a renamed key is another schema), so a
    /// redaction there blocks.
    Keys,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loc_renders_as_a_pointer() {
        let loc = Loc(vec![
            PathStep::Key("messages".into()),
            PathStep::Index(1),
            PathStep::Key("content".into()),
        ]);
        assert_eq!(loc.to_string(), "/messages/1/content");
        assert_eq!(Loc::default().to_string(), "/");
    }
}
