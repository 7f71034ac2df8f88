//! Amazon Bedrock's runtime API: Converse (one shape for every model) and
//! InvokeModel (each model family's own body).
//!
//! Converse: `messages[].content[]` blocks (`text`, `image`, `document`,
//! `video`, `toolUse`, `toolResult`, `guardContent`, `reasoningContent`,
//! `cachePoint`), `system[]`, `inferenceConfig.maxTokens`,
//! `promptVariables` (text a prompt template reads),
//! `additionalModelRequestFields` (passed to the model: read whole).
//!
//! InvokeModel: a body with `anthropic_version` is Anthropic Messages (Claude
//! on Bedrock) and read by that reader; any other family's body is read
//! whole (every string is text the model may read), with the output limits
//! of the families Bedrock serves: `max_tokens` (Mistral, Cohere, AI21),
//! `max_gen_len` (Meta Llama), `textGenerationConfig.maxTokenCount`
//! (Amazon Titan), `inferenceConfig.max_new_tokens` (Amazon Nova). The
//! largest one set is what is reserved; a body setting none of them is
//! refused by a consumer's output limit (nothing to clamp).

use super::{Cx, Res, J};
use crate::request::api::ApiKind;
use crate::request::extract::OpaqueKind;
use crate::request::Role;

impl Cx {
    pub(super) fn converse_request(&mut self, root: J) -> Res {
        self.begin(ApiKind::BedrockConverse);
        for (k, v) in self.object(root, "a Converse request")? {
            self.at_key(&k, |cx| match k.as_str() {
                "messages" => {
                    for (i, m) in cx.array(v, "messages")?.into_iter().enumerate() {
                        cx.at_index(i, |cx| cx.converse_message(m, None))?;
                    }
                    Ok(())
                }
                "system" => {
                    for (i, b) in cx.array(v, "system")?.into_iter().enumerate() {
                        cx.at_index(i, |cx| cx.converse_block(b, Role::System))?;
                    }
                    Ok(())
                }
                "inferenceConfig" => {
                    cx.nested_limit(&v, "maxTokens", "inferenceConfig.maxTokens")?;
                    cx.generic(v, Role::Other);
                    Ok(())
                }
                "toolConfig" => {
                    cx.schema(v, Role::System);
                    Ok(())
                }
                // `{name: {text}}`: values a managed prompt's template
                // renders into what the model reads.
                "promptVariables" => {
                    cx.generic(v, Role::User);
                    Ok(())
                }
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }

    /// A message: `role` `user` or `assistant`, `content` blocks.
    fn converse_message(&mut self, m: J, forced: Option<Role>) -> Res {
        let role = match forced {
            Some(r) => r,
            None => match m.get("role") {
                Some(J::Str(r)) if r == "user" => Role::User,
                Some(J::Str(r)) if r == "assistant" => Role::Assistant,
                _ => return Err(self.err("role must be user or assistant")),
            },
        };
        for (k, v) in self.object(m, "a message")? {
            self.at_key(&k, |cx| match k.as_str() {
                "content" => {
                    for (i, b) in cx.array(v, "content")?.into_iter().enumerate() {
                        cx.at_index(i, |cx| cx.converse_block(b, role))?;
                    }
                    Ok(())
                }
                _ => cx.rest(&k, v, role),
            })?;
        }
        Ok(())
    }

    /// One content block (a union: one member set).
    fn converse_block(&mut self, b: J, role: Role) -> Res {
        for (k, v) in self.object(b, "a content block")? {
            self.at_key(&k, |cx| match k.as_str() {
                "text" => cx.string_field(v, role, "text"),
                "image" | "video" => {
                    cx.opaque(OpaqueKind::Media);
                    Ok(())
                }
                "document" => cx.converse_document(v, role),
                "toolUse" => {
                    cx.generic(v, Role::Assistant);
                    Ok(())
                }
                "toolResult" => {
                    let J::Obj(members) = v else {
                        return Err(cx.err("toolResult must be an object"));
                    };
                    for (k, v) in members {
                        cx.at_key(&k, |cx| match k.as_str() {
                            "content" => {
                                for (i, b) in cx.array(v, "content")?.into_iter().enumerate() {
                                    cx.at_index(i, |cx| cx.converse_block(b, Role::Tool))?;
                                }
                                Ok(())
                            }
                            _ => cx.rest(&k, v, Role::Tool),
                        })?;
                    }
                    Ok(())
                }
                // Structured tool output.
                "json" => {
                    cx.generic(v, role);
                    Ok(())
                }
                "reasoningContent" => {
                    let J::Obj(members) = v else {
                        return Err(cx.err("reasoningContent must be an object"));
                    };
                    for (k, v) in members {
                        cx.at_key(&k, |cx| match k.as_str() {
                            // Encrypted by the provider: nothing to read.
                            "redactedContent" => {
                                cx.opaque(OpaqueKind::Text);
                                Ok(())
                            }
                            _ => cx.rest(&k, v, role),
                        })?;
                    }
                    Ok(())
                }
                "cachePoint" => Ok(()),
                _ => cx.rest(&k, v, role),
            })?;
        }
        Ok(())
    }

    /// A document: `source.bytes` (base64) decoded and read when it is
    /// text, `source.text` / `source.content[].text` read, an S3 location
    /// opaque (the provider fetches it).
    fn converse_document(&mut self, v: J, role: Role) -> Res {
        let format = match v.get("format") {
            Some(J::Str(f)) => f.to_ascii_lowercase(),
            _ => String::new(),
        };
        let mime = match format.as_str() {
            "txt" => "text/plain",
            "md" => "text/markdown",
            "csv" => "text/csv",
            "html" => "text/html",
            "pdf" => "application/pdf",
            _ => "application/octet-stream",
        };
        let J::Obj(members) = v else {
            return Err(self.err("document must be an object"));
        };
        for (k, v) in members {
            self.at_key(&k, |cx| match k.as_str() {
                "source" => {
                    let J::Obj(members) = v else {
                        return Err(cx.err("source must be an object"));
                    };
                    for (k, v) in members {
                        cx.at_key(&k, |cx| match k.as_str() {
                            "bytes" => cx.data_url(v, role, None, mime),
                            "s3Location" => {
                                cx.opaque(OpaqueKind::Text);
                                Ok(())
                            }
                            _ => cx.rest(&k, v, role),
                        })?;
                    }
                    Ok(())
                }
                _ => cx.rest(&k, v, role),
            })?;
        }
        Ok(())
    }

    pub(super) fn converse_response(&mut self, root: J) -> Res {
        for (k, v) in self.object(root, "a Converse response")? {
            self.at_key(&k, |cx| match k.as_str() {
                "output" => {
                    let J::Obj(members) = v else {
                        return Err(cx.err("output must be an object"));
                    };
                    for (k, v) in members {
                        cx.at_key(&k, |cx| match k.as_str() {
                            "message" => cx.converse_message(v, Some(Role::Assistant)),
                            _ => cx.rest(&k, v, Role::Assistant),
                        })?;
                    }
                    Ok(())
                }
                "usage" | "metrics" | "stopReason" => Ok(()),
                _ => cx.rest(&k, v, Role::Other),
            })?;
        }
        Ok(())
    }

    pub(super) fn invoke_request(&mut self, root: J) -> Res {
        if root.get("anthropic_version").is_some() {
            // Claude's body, read as Messages; but whichever model the path
            // names reads its own limit field, so every family's is
            // recorded too (the largest is what may be generated).
            let mut others = Vec::new();
            for (name, v) in [
                ("max_gen_len", root.get("max_gen_len")),
                (
                    "textGenerationConfig.maxTokenCount",
                    root.get("textGenerationConfig")
                        .and_then(|c| c.get("maxTokenCount")),
                ),
                (
                    "inferenceConfig.max_new_tokens",
                    root.get("inferenceConfig")
                        .and_then(|c| c.get("max_new_tokens")),
                ),
            ] {
                if let Some(v) = v {
                    others.push((name, self.limit_value(name, v)?));
                }
            }
            self.messages_request(root)?;
            if let Some(g) = self
                .generation
                .and_then(|i| self.out.generations.get_mut(i))
            {
                let claude = g.field("max_tokens");
                g.limits = super::output_fields(ApiKind::BedrockInvoke)
                    .iter()
                    .map(|f| {
                        (
                            *f,
                            if *f == "max_tokens" {
                                claude
                            } else {
                                super::TokenField::Absent
                            },
                        )
                    })
                    .collect();
            }
            for (name, counted) in others {
                self.set_counted(name, counted);
            }
            return Ok(());
        }
        self.begin(ApiKind::BedrockInvoke);
        for (k, v) in self.object(root, "an InvokeModel body")? {
            self.at_key(&k, |cx| -> Res {
                match k.as_str() {
                    "max_tokens" | "max_gen_len" => cx.set_limit(&k, &v)?,
                    "textGenerationConfig" => {
                        cx.nested_limit(&v, "maxTokenCount", "textGenerationConfig.maxTokenCount")?
                    }
                    "inferenceConfig" => {
                        cx.nested_limit(&v, "max_new_tokens", "inferenceConfig.max_new_tokens")?
                    }
                    _ => {}
                }
                // Every string: the model may read any of them.
                cx.generic(v, Role::User);
                Ok(())
            })?;
        }
        Ok(())
    }

    pub(super) fn invoke_response(&mut self, root: J) -> Res {
        if matches!(root.get("type"), Some(J::Str(t)) if t == "message") {
            return self.messages_response(root);
        }
        self.generic(root, Role::Assistant);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::request::api::ApiKind;
    use crate::request::extract::{request, response, OpaqueKind, TokenField};
    use crate::request::Role;

    fn segs(e: &crate::request::extract::Extracted) -> Vec<(Role, String, String)> {
        e.segments
            .iter()
            .map(|s| (s.role, s.loc.to_string(), s.text.clone()))
            .collect()
    }

    #[test]
    fn converse_reads_every_block_with_its_role() {
        let body = r#"{
            "messages": [
                {"role": "user", "content": [
                    {"text": "hello"},
                    {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}},
                    {"document": {"format": "txt", "name": "notes", "source": {"bytes": "c2VjcmV0IG5vdGVz"}}},
                    {"document": {"format": "pdf", "name": "p", "source": {"s3Location": {"uri": "s3://b/k"}}}},
                    {"guardContent": {"text": {"text": "guarded"}}}
                ]},
                {"role": "assistant", "content": [
                    {"toolUse": {"toolUseId": "t1", "name": "lookup", "input": {"q": "weather"}}},
                    {"reasoningContent": {"reasoningText": {"text": "thinking", "signature": "s"}}}
                ]},
                {"role": "user", "content": [
                    {"toolResult": {"toolUseId": "t1", "content": [{"text": "sunny"}, {"json": {"t": "22C"}}]}}
                ]}
            ],
            "system": [{"text": "be brief"}, {"cachePoint": {"type": "default"}}],
            "inferenceConfig": {"maxTokens": 300, "temperature": 0.2},
            "promptVariables": {"topic": {"text": "cats"}},
            "additionalModelRequestFields": {"top_k": 5, "note": "extra"}
        }"#;
        let e = request(ApiKind::BedrockConverse, body.as_bytes()).unwrap();
        let got = segs(&e);
        let has = |role: Role, text: &str| got.iter().any(|(r, _, t)| *r == role && t == text);
        assert!(has(Role::User, "hello"));
        assert!(has(Role::User, "secret notes"), "{got:?}");
        assert!(has(Role::User, "guarded"));
        assert!(has(Role::Assistant, "weather"));
        assert!(has(Role::Assistant, "thinking"));
        assert!(has(Role::Tool, "sunny"));
        assert!(has(Role::Tool, "22C"));
        assert!(has(Role::System, "be brief"));
        assert!(has(Role::User, "cats"));
        assert!(has(Role::Other, "extra"));
        let opaque: Vec<_> = e
            .opaque
            .iter()
            .map(|o| (o.loc.to_string(), o.kind))
            .collect();
        assert!(opaque.contains(&("/messages/0/content/1/image".into(), OpaqueKind::Media)));
        assert!(opaque.contains(&(
            "/messages/0/content/3/document/source/s3Location".into(),
            OpaqueKind::Text
        )));
        assert_eq!(
            e.generations[0].field("inferenceConfig.maxTokens"),
            TokenField::Value(300)
        );
        assert!(request(
            ApiKind::BedrockConverse,
            br#"{"messages":[{"role":"system","content":[]}]}"#
        )
        .is_err());
    }

    #[test]
    fn invoke_reads_claude_as_messages_and_other_families_whole() {
        let claude = r#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":50,
            "system":"sys","messages":[{"role":"user","content":"hi claude"}]}"#;
        let e = request(ApiKind::BedrockInvoke, claude.as_bytes()).unwrap();
        assert!(segs(&e).contains(&(Role::User, "/messages/0/content".into(), "hi claude".into())));
        assert!(segs(&e).contains(&(Role::System, "/system".into(), "sys".into())));
        assert_eq!(e.generations[0].requested(), Some(50));

        let llama = r#"{"prompt":"hi llama","max_gen_len":128,"max_tokens":4}"#;
        let e = request(ApiKind::BedrockInvoke, llama.as_bytes()).unwrap();
        assert!(segs(&e).contains(&(Role::User, "/prompt".into(), "hi llama".into())));
        // The largest limit set is what may be generated.
        assert_eq!(e.generations[0].requested(), Some(128));

        let titan = r#"{"inputText":"hi titan","textGenerationConfig":{"maxTokenCount":64}}"#;
        let e = request(ApiKind::BedrockInvoke, titan.as_bytes()).unwrap();
        assert_eq!(e.generations[0].requested(), Some(64));
        let nova = r#"{"schemaVersion":"messages-v1","messages":[{"role":"user","content":[{"text":"hi nova"}]}],"inferenceConfig":{"max_new_tokens":32}}"#;
        let e = request(ApiKind::BedrockInvoke, nova.as_bytes()).unwrap();
        assert!(segs(&e)
            .iter()
            .any(|(r, _, t)| *r == Role::User && t == "hi nova"));
        assert_eq!(e.generations[0].requested(), Some(32));
        // A Claude-shaped body sent to a model that reads another limit:
        // that limit counts too.
        let mixed = r#"{"anthropic_version":"x","max_tokens":10,"prompt":"p","max_gen_len":5000,
            "messages":[]}"#;
        let e = request(ApiKind::BedrockInvoke, mixed.as_bytes()).unwrap();
        assert_eq!(e.generations[0].requested(), Some(5000));
        let none = request(ApiKind::BedrockInvoke, br#"{"prompt":"x"}"#).unwrap();
        assert_eq!(none.generations[0].requested(), None);
    }

    #[test]
    fn responses_read_as_model_output() {
        let converse = r#"{"output":{"message":{"role":"assistant","content":[{"text":"answer"}]}},
            "stopReason":"end_turn","usage":{"inputTokens":3,"outputTokens":1,"totalTokens":4}}"#;
        let e = response(ApiKind::BedrockConverse, converse.as_bytes()).unwrap();
        assert_eq!(
            segs(&e),
            vec![(
                Role::Assistant,
                "/output/message/content/0/text".into(),
                "answer".into()
            )]
        );
        let claude = r#"{"type":"message","role":"assistant","content":[{"type":"text","text":"claude says"}],"usage":{"input_tokens":1,"output_tokens":2}}"#;
        let e = response(ApiKind::BedrockInvoke, claude.as_bytes()).unwrap();
        assert!(segs(&e)
            .iter()
            .any(|(r, _, t)| *r == Role::Assistant && t == "claude says"));
        let llama =
            r#"{"generation":"llama says","prompt_token_count":3,"generation_token_count":2}"#;
        let e = response(ApiKind::BedrockInvoke, llama.as_bytes()).unwrap();
        assert!(segs(&e)
            .iter()
            .any(|(r, _, t)| *r == Role::Assistant && t == "llama says"));
    }
}
