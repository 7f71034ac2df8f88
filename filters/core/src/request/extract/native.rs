//! The native APIs of model servers and cloud providers that are not
//! OpenAI's or Anthropic's shapes: Ollama (`/api/chat`, `/api/generate`,
//! `/api/embed`) and Gemini (`models/{m}:generateContent`,
//! `:embedContent`). Each reader records the same facts as the OpenAI
//! readers: every text the model reads with its role, the output limit
//! (nested here: `options.num_predict`, `generationConfig.maxOutputTokens`),
//! choices, the stream flag, and what no detector can read (images, token
//! ids, files by URI).

use super::{Cx, Res, TokenField, J};
use crate::request::api::ApiKind;
use crate::request::extract::{lax_bool, lax_count, OpaqueKind};
use crate::request::Role;

impl Cx {
    /// A nested output limit: `v` is the object holding `field`, whose value
    /// is recorded as the generation's limit `dotted`.
    pub(super) fn nested_limit(&mut self, v: &J, field: &str, dotted: &str) -> Res {
        match v.get(field) {
            Some(value) => self.set_limit(dotted, value),
            None => Ok(()),
        }
    }

    /// Records `value` as the current generation's output limit `name`.
    pub(super) fn set_limit(&mut self, name: &str, value: &J) -> Res {
        let counted = self.limit_value(name, value)?;
        self.set_counted(name, counted);
        Ok(())
    }

    /// An output limit's value, read as the lenient servers read it.
    pub(super) fn limit_value(
        &self,
        name: &str,
        value: &J,
    ) -> Result<TokenField, super::ExtractError> {
        lax_count(value)
            .map_err(|()| self.err(format!("{name} must be a non-negative integer or null")))
    }

    /// Records a read limit as the current generation's `name`.
    pub(super) fn set_counted(&mut self, name: &str, counted: TokenField) {
        if let Some(g) = self
            .generation
            .and_then(|i| self.out.generations.get_mut(i))
        {
            if let Some(slot) = g.limits.iter_mut().find(|(f, _)| *f == name) {
                slot.1 = counted;
            }
        }
    }

    /// `stream` as Ollama reads it: absent is true.
    fn ollama_stream(&mut self, root: &J) {
        self.out.stream = match root.get("stream") {
            None => true,
            Some(v) => lax_bool(v) == Some(true),
        };
    }

    // --- Ollama ----------------------------------------------------------

    pub(super) fn ollama_chat_request(&mut self, root: J) -> Res {
        self.begin(ApiKind::OllamaChat);
        self.ollama_stream(&root);
        for (k, v) in self.object(root, "an Ollama chat request")? {
            self.at_key(&k, |cx| match k.as_str() {
                "model" | "keep_alive" | "stream" | "think" => cx.note(&k, &v).map(drop),
                "messages" => {
                    for (i, m) in cx.array(v, "messages")?.into_iter().enumerate() {
                        cx.at_index(i, |cx| cx.ollama_message(m, None))?;
                    }
                    Ok(())
                }
                "options" => {
                    cx.nested_limit(&v, "num_predict", "options.num_predict")?;
                    cx.generic(v, Role::Other);
                    Ok(())
                }
                "tools" | "format" => {
                    cx.schema(v, Role::System);
                    Ok(())
                }
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }

    /// One chat message: `role` one of Ollama's, `content`, `thinking`,
    /// `images` (base64: media), `tool_calls`.
    fn ollama_message(&mut self, m: J, forced: Option<Role>) -> Res {
        let role = match forced {
            Some(r) => r,
            None => match m.get("role") {
                Some(J::Str(r)) => match r.as_str() {
                    "system" => Role::System,
                    "user" => Role::User,
                    "assistant" => Role::Assistant,
                    "tool" => Role::Tool,
                    _ => return Err(self.err("role must be system, user, assistant or tool")),
                },
                _ => return Err(self.err("a message must have a role")),
            },
        };
        for (k, v) in self.object(m, "a message")? {
            self.at_key(&k, |cx| match k.as_str() {
                "content" | "thinking" => cx.string_field(v, role, &k),
                "images" => {
                    cx.ollama_images(v);
                    Ok(())
                }
                "tool_calls" => {
                    cx.generic(v, Role::Assistant);
                    Ok(())
                }
                _ => cx.rest(&k, v, role),
            })?;
        }
        Ok(())
    }

    /// Images: base64 media, opaque.
    fn ollama_images(&mut self, v: J) {
        if let J::Arr(items) = v {
            for (i, _) in items.into_iter().enumerate() {
                self.at_index(i, |cx| cx.opaque(OpaqueKind::Media));
            }
        }
    }

    pub(super) fn ollama_generate_request(&mut self, root: J) -> Res {
        self.begin(ApiKind::OllamaGenerate);
        self.ollama_stream(&root);
        for (k, v) in self.object(root, "an Ollama generate request")? {
            self.at_key(&k, |cx| match k.as_str() {
                "model" | "keep_alive" | "stream" | "raw" | "think" => cx.note(&k, &v).map(drop),
                "prompt" | "suffix" => cx.string_field(v, Role::User, &k),
                // The template wraps the prompt: the model reads it.
                "system" | "template" => cx.string_field(v, Role::System, &k),
                "images" => {
                    cx.ollama_images(v);
                    Ok(())
                }
                // Token ids of an earlier exchange: text no detector reads.
                "context" => {
                    if !matches!(v, J::Null) {
                        cx.opaque(OpaqueKind::Text);
                    }
                    Ok(())
                }
                "options" => {
                    cx.nested_limit(&v, "num_predict", "options.num_predict")?;
                    cx.generic(v, Role::Other);
                    Ok(())
                }
                "format" => {
                    cx.schema(v, Role::System);
                    Ok(())
                }
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }

    pub(super) fn ollama_embed_request(&mut self, root: J) -> Res {
        self.begin(ApiKind::OllamaEmbed);
        for (k, v) in self.object(root, "an Ollama embed request")? {
            self.at_key(&k, |cx| match k.as_str() {
                "model" => cx.note(&k, &v).map(drop),
                "input" | "prompt" => cx.prompt_like(v, Role::User, &k),
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }

    pub(super) fn ollama_chat_response(&mut self, root: J) -> Res {
        for (k, v) in self.object(root, "an Ollama chat response")? {
            self.at_key(&k, |cx| match k.as_str() {
                "message" => cx.ollama_message(v, Some(Role::Assistant)),
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }

    pub(super) fn ollama_generate_response(&mut self, root: J) -> Res {
        for (k, v) in self.object(root, "an Ollama generate response")? {
            self.at_key(&k, |cx| match k.as_str() {
                "response" | "thinking" => cx.string_field(v, Role::Assistant, &k),
                "context" => Ok(()),
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }

    // --- Gemini ----------------------------------------------------------

    pub(super) fn gemini_request(&mut self, root: J) -> Res {
        self.begin(ApiKind::Gemini);
        for (k, v) in self.object(root, "a Gemini request")? {
            self.at_key(&k, |cx| match k.as_str() {
                // `model` in a body names the model too (batch requests).
                "model" => cx.note(&k, &v).map(drop),
                "contents" => {
                    let contents = match v {
                        J::Arr(items) => items,
                        // A single content object is accepted by the API.
                        obj @ J::Obj(_) => vec![obj],
                        J::Null => Vec::new(),
                        other => {
                            return Err(
                                cx.err(format!("contents must be an array, not {}", other.kind()))
                            )
                        }
                    };
                    for (i, c) in contents.into_iter().enumerate() {
                        cx.at_index(i, |cx| cx.gemini_content(c, None))?;
                    }
                    Ok(())
                }
                "systemInstruction" | "system_instruction" => {
                    cx.gemini_content(v, Some(Role::System))
                }
                "tools" | "toolConfig" | "tool_config" => {
                    cx.schema(v, Role::System);
                    Ok(())
                }
                "generationConfig" | "generation_config" => cx.gemini_generation_config(v),
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }

    fn gemini_generation_config(&mut self, v: J) -> Res {
        self.nested_limit(&v, "maxOutputTokens", "generationConfig.maxOutputTokens")?;
        if let Some(n) = v.get("candidateCount") {
            match lax_count(n) {
                Ok(TokenField::Value(n)) => {
                    if let Some(g) = self
                        .generation
                        .and_then(|i| self.out.generations.get_mut(i))
                    {
                        g.choices = g.choices.max(n).max(1);
                    }
                }
                Ok(_) => {}
                Err(()) => return Err(self.err("candidateCount must be a non-negative integer")),
            }
        }
        let J::Obj(members) = v else {
            return Ok(());
        };
        for (k, v) in members {
            self.at_key(&k, |cx| match k.as_str() {
                "responseSchema" | "responseJsonSchema" | "response_schema" => {
                    cx.schema(v, Role::System);
                    Ok(())
                }
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }

    /// A `Content`: `role` (`user`, `model`, `function`) and `parts`.
    fn gemini_content(&mut self, c: J, forced: Option<Role>) -> Res {
        let role = match forced {
            Some(r) => r,
            None => match c.get("role") {
                None | Some(J::Null) => Role::User,
                Some(J::Str(r)) => match r.as_str() {
                    "user" => Role::User,
                    "model" => Role::Assistant,
                    "function" | "tool" => Role::Tool,
                    _ => return Err(self.err("role must be user, model or function")),
                },
                Some(other) => {
                    return Err(self.err(format!("role must be a string, not {}", other.kind())))
                }
            },
        };
        for (k, v) in self.object(c, "a content")? {
            self.at_key(&k, |cx| match k.as_str() {
                "parts" => {
                    for (i, p) in cx.array(v, "parts")?.into_iter().enumerate() {
                        cx.at_index(i, |cx| cx.gemini_part(p, role))?;
                    }
                    Ok(())
                }
                _ => cx.rest(&k, v, role),
            })?;
        }
        Ok(())
    }

    /// A `Part`: `text`, `inlineData` (base64 with a MIME type: text is
    /// decoded and read), `fileData` (fetched by the provider: opaque),
    /// `functionCall` / `functionResponse` (read whole), code and its result.
    fn gemini_part(&mut self, p: J, role: Role) -> Res {
        for (k, v) in self.object(p, "a part")? {
            self.at_key(&k, |cx| match k.as_str() {
                "text" => cx.string_field(v, role, "text"),
                "inlineData" | "inline_data" => {
                    let mime = match v.get("mimeType").or_else(|| v.get("mime_type")) {
                        Some(J::Str(m)) => m.clone(),
                        _ => String::new(),
                    };
                    let J::Obj(members) = v else {
                        return Err(cx.err("inlineData must be an object"));
                    };
                    for (k, v) in members {
                        cx.at_key(&k, |cx| match k.as_str() {
                            "data" => cx.data_url(v, role, None, &mime),
                            _ => cx.rest(&k, v, role),
                        })?;
                    }
                    Ok(())
                }
                "fileData" | "file_data" => {
                    cx.opaque(OpaqueKind::Text);
                    Ok(())
                }
                "functionCall" | "function_call" => {
                    cx.generic(v, Role::Assistant);
                    Ok(())
                }
                "functionResponse" | "function_response" => {
                    cx.generic(v, Role::Tool);
                    Ok(())
                }
                "executableCode" | "codeExecutionResult" => {
                    cx.generic(v, role);
                    Ok(())
                }
                _ => cx.rest(&k, v, role),
            })?;
        }
        Ok(())
    }

    pub(super) fn gemini_embed_request(&mut self, root: J) -> Res {
        self.begin(ApiKind::GeminiEmbed);
        for (k, v) in self.object(root, "a Gemini embed request")? {
            self.at_key(&k, |cx| match k.as_str() {
                "model" => cx.note(&k, &v).map(drop),
                "content" => cx.gemini_content(v, Some(Role::User)),
                "requests" => {
                    for (i, r) in cx.array(v, "requests")?.into_iter().enumerate() {
                        cx.at_index(i, |cx| -> Res {
                            for (k, v) in cx.object(r, "a request")? {
                                cx.at_key(&k, |cx| match k.as_str() {
                                    "model" => cx.note(&k, &v).map(drop),
                                    "content" => cx.gemini_content(v, Some(Role::User)),
                                    _ => cx.rest(&k, v, Role::Other),
                                })?;
                            }
                            Ok(())
                        })?;
                    }
                    Ok(())
                }
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }

    pub(super) fn gemini_response(&mut self, root: J) -> Res {
        for (k, v) in self.object(root, "a Gemini response")? {
            self.at_key(&k, |cx| match k.as_str() {
                "candidates" => {
                    for (i, c) in cx.array(v, "candidates")?.into_iter().enumerate() {
                        cx.at_index(i, |cx| -> Res {
                            for (k, v) in cx.object(c, "a candidate")? {
                                cx.at_key(&k, |cx| match k.as_str() {
                                    "content" => cx.gemini_content(v, Some(Role::Assistant)),
                                    _ => cx.rest(&k, v, Role::Assistant),
                                })?;
                            }
                            Ok(())
                        })?;
                    }
                    Ok(())
                }
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }
}

impl Cx {
    // --- Hugging Face TGI --------------------------------------------------

    pub(super) fn tgi_request(&mut self, root: J) -> Res {
        self.begin(ApiKind::TgiGenerate);
        for (k, v) in self.object(root, "a TGI generate request")? {
            self.at_key(&k, |cx| match k.as_str() {
                "stream" => cx.note(&k, &v).map(drop),
                "inputs" => cx.string_field(v, Role::User, "inputs"),
                "parameters" => {
                    cx.nested_limit(&v, "max_new_tokens", "parameters.max_new_tokens")?;
                    if let Some(n) = v.get("best_of") {
                        if let Ok(TokenField::Value(n)) = lax_count(n) {
                            if let Some(g) =
                                cx.generation.and_then(|i| cx.out.generations.get_mut(i))
                            {
                                g.choices = g.choices.max(n).max(1);
                            }
                        }
                    }
                    cx.generic_in(v, Role::System, true);
                    Ok(())
                }
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }

    pub(super) fn tgi_response(&mut self, root: J) -> Res {
        // A list: TGI answers `/generate` with one object, some versions
        // with a one-item array.
        let items = match root {
            J::Arr(items) => items,
            other => vec![other],
        };
        for (i, item) in items.into_iter().enumerate() {
            self.at_index(i, |cx| -> Res {
                for (k, v) in cx.object(item, "a TGI response")? {
                    cx.at_key(&k, |cx| match k.as_str() {
                        "generated_text" => cx.string_field(v, Role::Assistant, "generated_text"),
                        _ => {
                            cx.generic(v, Role::Assistant);
                            Ok(())
                        }
                    })?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    // --- llama.cpp server --------------------------------------------------

    pub(super) fn llama_request(&mut self, root: J) -> Res {
        self.begin(ApiKind::LlamaCompletion);
        if let Some(n) = root.get("n_predict") {
            // -1 is llama.cpp's "until the end of the context": no limit.
            let counted = match n {
                J::Num(super::Num::I(v)) if *v < 0 => TokenField::Absent,
                J::Num(super::Num::F(v)) if *v < 0.0 => TokenField::Absent,
                n => lax_count(n).map_err(|()| self.err("n_predict must be an integer or null"))?,
            };
            // -1 is "no limit" in llama.cpp: absent for the limits.
            if let Some(g) = self
                .generation
                .and_then(|i| self.out.generations.get_mut(i))
            {
                if let Some(slot) = g.limits.iter_mut().find(|(f, _)| *f == "n_predict") {
                    slot.1 = counted;
                }
            }
        }
        for (k, v) in self.object(root, "a llama.cpp completion request")? {
            self.at_key(&k, |cx| match k.as_str() {
                "stream" | "model" => cx.note(&k, &v).map(drop),
                "n_predict" => Ok(()),
                "prompt" | "input_prefix" | "input_suffix" => cx.llama_prompt(v),
                "system_prompt" => cx.string_field(v, Role::System, "system_prompt"),
                "grammar" | "json_schema" => {
                    cx.schema(v, Role::System);
                    Ok(())
                }
                "image_data" | "multimodal_data" => {
                    if !matches!(v, J::Null) {
                        cx.opaque(OpaqueKind::Media);
                    }
                    Ok(())
                }
                // Files of a fill-in-the-middle request: text the model reads.
                "input_extra" => {
                    cx.generic_in(v, Role::Tool, true);
                    Ok(())
                }
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }

    /// A llama.cpp prompt: a string, token ids, or a list of either (or of
    /// `{"prompt_string", "multimodal_data"}` objects).
    fn llama_prompt(&mut self, v: J) -> Res {
        match v {
            J::Arr(items) => {
                for (i, item) in items.into_iter().enumerate() {
                    self.at_index(i, |cx| -> Res {
                        match item {
                            J::Str(s) => cx.text(Role::User, s),
                            J::Num(_) | J::Nums => cx.opaque(OpaqueKind::Text),
                            J::Arr(_) => cx.llama_prompt(item)?,
                            J::Obj(members) => {
                                for (k, v) in members {
                                    cx.at_key(&k, |cx| match k.as_str() {
                                        "multimodal_data" => {
                                            cx.opaque(OpaqueKind::Media);
                                            Ok(())
                                        }
                                        _ => cx.rest(&k, v, Role::User),
                                    })?;
                                }
                            }
                            J::Null | J::Bool(_) => {}
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            }
            J::Nums => {
                self.opaque(OpaqueKind::Text);
                Ok(())
            }
            other => self.string_field(other, Role::User, "prompt"),
        }
    }

    pub(super) fn llama_response(&mut self, root: J) -> Res {
        for (k, v) in self.object(root, "a llama.cpp completion")? {
            self.at_key(&k, |cx| match k.as_str() {
                "content" => cx.string_field(v, Role::Assistant, "content"),
                "prompt" | "generation_settings" | "timings" | "tokens" => Ok(()),
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }

    // --- KServe / Triton -----------------------------------------------------

    pub(super) fn triton_generate_request(&mut self, root: J) -> Res {
        self.begin(ApiKind::TritonGenerate);
        for (k, v) in self.object(root, "a generate request")? {
            self.at_key(&k, |cx| match k.as_str() {
                "text_input" | "prompt" => cx.string_field(v, Role::User, &k),
                "parameters" => {
                    cx.nested_limit(&v, "max_tokens", "parameters.max_tokens")?;
                    if let Some(stream) = v.get("stream") {
                        cx.out.stream |= lax_bool(stream) == Some(true);
                    }
                    cx.generic(v, Role::Other);
                    Ok(())
                }
                // Other inputs of the model, by their names.
                _ => cx.rest(&k, v, Role::User),
            })?;
        }
        Ok(())
    }

    pub(super) fn triton_generate_response(&mut self, root: J) -> Res {
        for (k, v) in self.object(root, "a generate response")? {
            self.at_key(&k, |cx| match k.as_str() {
                "text_output" => cx.string_field(v, Role::Assistant, "text_output"),
                "model_name" | "model_version" => Ok(()),
                _ => cx.rest(&k, v, Role::Assistant),
            })?;
        }
        Ok(())
    }

    /// v2 inference: each tensor of `inputs` (`outputs` in a response);
    /// a `BYTES` tensor's strings are text, other datatypes are numbers.
    pub(super) fn triton_infer(&mut self, root: J, role: Role) -> Res {
        if role == Role::User {
            self.begin(ApiKind::TritonInfer);
        }
        let key = if role == Role::User {
            "inputs"
        } else {
            "outputs"
        };
        for (k, v) in self.object(root, "an inference request")? {
            self.at_key(&k, |cx| -> Res {
                if k != key {
                    return cx.rest(&k, v, Role::Other);
                }
                for (i, tensor) in cx.array(v, key)?.into_iter().enumerate() {
                    cx.at_index(i, |cx| -> Res {
                        let bytes =
                            matches!(tensor.get("datatype"), Some(J::Str(d)) if d == "BYTES");
                        for (k, v) in cx.object(tensor, "a tensor")? {
                            cx.at_key(&k, |cx| match k.as_str() {
                                "data" if bytes => {
                                    cx.generic(v, role);
                                    Ok(())
                                }
                                "data" | "shape" => Ok(()),
                                _ => cx.rest(&k, v, Role::Other),
                            })?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::auth::permissions::{check_request, Decision};
    use crate::config::auth::Permissions;
    use crate::request::api::ApiKind;
    use crate::request::catalogue::{classify, Shape};
    use crate::request::extract::{read, request, OpaqueKind, TokenField};
    use crate::request::Role;

    fn texts(api: ApiKind, body: &str) -> Vec<(Role, String, String)> {
        let e = request(api, body.as_bytes()).unwrap();
        e.segments
            .iter()
            .map(|s| (s.role, s.loc.to_string(), s.text.clone()))
            .collect()
    }

    #[test]
    fn ollama_chat_and_generate_read_every_text_with_its_role() {
        let body = r#"{"model":"llama3.2","messages":[
            {"role":"system","content":"be brief"},
            {"role":"user","content":"hi","images":["iVBORw0KGgo="]},
            {"role":"assistant","content":"hello","thinking":"hmm"},
            {"role":"tool","content":"42","tool_name":"calc"}],
            "options":{"num_predict":64,"temperature":0.2},"tools":[{"type":"function","function":{"name":"calc"}}]}"#;
        let t = texts(ApiKind::OllamaChat, body);
        assert!(t.contains(&(
            Role::System,
            "/messages/0/content".into(),
            "be brief".into()
        )));
        assert!(t.contains(&(Role::User, "/messages/1/content".into(), "hi".into())));
        assert!(t.contains(&(Role::Assistant, "/messages/2/thinking".into(), "hmm".into())));
        assert!(t.contains(&(Role::Tool, "/messages/3/content".into(), "42".into())));
        let e = request(ApiKind::OllamaChat, body.as_bytes()).unwrap();
        assert_eq!(e.models[0].name, "llama3.2");
        assert!(e.stream, "Ollama streams unless told not to");
        assert_eq!(e.opaque[0].kind, OpaqueKind::Media);
        assert_eq!(
            e.generations[0].limits,
            [("options.num_predict", TokenField::Value(64))]
        );
        assert!(request(
            ApiKind::OllamaChat,
            br#"{"model":"m","messages":[{"role":"root","content":"x"}]}"#
        )
        .is_err());
        let g = request(
            ApiKind::OllamaGenerate,
            br#"{"model":"m","prompt":"p","system":"s","template":"{{ .Prompt }}","context":[1,2],"stream":false}"#,
        )
        .unwrap();
        assert!(!g.stream);
        assert_eq!(g.opaque[0].kind, OpaqueKind::Text, "token ids");
        assert_eq!(g.segments.len(), 3);
    }

    #[test]
    fn gemini_reads_contents_system_and_limits() {
        let body = r#"{"contents":[{"role":"user","parts":[{"text":"hi"},{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}}]},
            {"role":"model","parts":[{"text":"hello"},{"functionCall":{"name":"f","args":{"q":"x"}}}]},
            {"role":"function","parts":[{"functionResponse":{"name":"f","response":{"r":"y"}}}]}],
            "systemInstruction":{"parts":[{"text":"be brief"}]},
            "generationConfig":{"maxOutputTokens":100,"candidateCount":2}}"#;
        let t = texts(ApiKind::Gemini, body);
        assert!(t.contains(&(Role::User, "/contents/0/parts/0/text".into(), "hi".into())));
        assert!(t.contains(&(
            Role::Assistant,
            "/contents/1/parts/0/text".into(),
            "hello".into()
        )));
        assert!(t.contains(&(
            Role::System,
            "/systemInstruction/parts/0/text".into(),
            "be brief".into()
        )));
        assert!(t.iter().any(|(r, _, x)| *r == Role::Tool && x == "y"));
        let e = request(ApiKind::Gemini, body.as_bytes()).unwrap();
        assert_eq!(e.generations[0].choices, 2);
        assert_eq!(e.requested_output(0), 200);
        assert_eq!(e.opaque[0].kind, OpaqueKind::Media);
        // The model is the path segment before `:generateContent`.
        let c = classify(
            "POST",
            "/v1beta/models/gemini-2.5-flash:generateContent?alt=sse",
        )
        .unwrap();
        assert_eq!(c.route.unwrap().id, "gemini.generate");
        assert_eq!(c.params, ["gemini-2.5-flash"]);
        assert_eq!(c.route.unwrap().shape, Shape::Api(ApiKind::Gemini));
        assert!(classify("POST", "/v1beta/models/:generateContent")
            .unwrap()
            .route
            .is_none());
        let e = read(
            Shape::Api(ApiKind::GeminiEmbed),
            "",
            br#"{"content":{"parts":[{"text":"emb"}]}}"#,
        )
        .unwrap();
        assert_eq!(e.segments[0].text, "emb");
    }

    #[test]
    fn nested_output_limits_are_clamped_in_place() {
        let perms: Permissions =
            serde_json::from_str(r#"{"max_output_tokens": 50, "on_excess": "clamp"}"#).unwrap();
        let clamp = |path: &str, body: &str| match check_request(
            &perms,
            "POST",
            path,
            "application/json",
            body.as_bytes(),
        ) {
            Decision::Clamp(b) => String::from_utf8(b).unwrap(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            clamp(
                "/api/chat",
                r#"{"model":"m","messages":[],"options":{"num_predict":500}}"#
            ),
            r#"{"model":"m","messages":[],"options":{"num_predict":50}}"#
        );
        assert_eq!(
            clamp(
                "/api/chat",
                r#"{"model":"m","messages":[],"options":{"temperature":1}}"#
            ),
            r#"{"model":"m","messages":[],"options":{"num_predict":50,"temperature":1}}"#
        );
        assert_eq!(
            clamp("/api/generate", r#"{"model":"m","prompt":"p"}"#),
            r#"{"options":{"num_predict":50},"model":"m","prompt":"p"}"#
        );
        assert_eq!(
            clamp(
                "/v1beta/models/g:generateContent",
                r#"{"contents":[],"generationConfig":null}"#
            ),
            r#"{"contents":[],"generationConfig":{"maxOutputTokens":50}}"#
        );
    }
}
