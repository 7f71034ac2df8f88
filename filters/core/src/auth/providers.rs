//! Provider credential injection: per upstream host or route, `auth` sets
//! the provider's auth header from a VM environment variable that Istio
//! fills from a Kubernetes Secret (`vmConfig.env`), so the workload never
//! holds the provider key. Configuration names the variable, never the key:
//! a rule with a `value` is refused.

use serde::Deserialize;

/// Where the provider wants its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ProviderHeader {
    /// `authorization: Bearer <key>` (OpenAI and compatible).
    Authorization,
    /// `x-api-key: <key>` (Anthropic).
    XApiKey,
    /// `api-key: <key>` (Azure OpenAI).
    ApiKey,
}

impl ProviderHeader {
    /// The header name.
    pub fn name(self) -> &'static str {
        match self {
            ProviderHeader::Authorization => "authorization",
            ProviderHeader::XApiKey => "x-api-key",
            ProviderHeader::ApiKey => "api-key",
        }
    }
}

/// One injection rule (configuration).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProviderRule {
    /// `:authority` values it applies to (a port is ignored; empty: any).
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Path prefixes it applies to, on whole segments (empty: any).
    #[serde(default)]
    pub paths: Vec<String>,
    /// The header to set.
    pub header: ProviderHeader,
    /// The VM environment variable holding the key.
    pub env: String,
    /// Refused when present: plaintext keys do not belong in pluginConfig.
    #[serde(default)]
    pub value: Option<String>,
}

/// Why the rules cannot be used, naming the rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("providers[{index}].{field}: {message}")]
pub struct ProviderError {
    /// The rule.
    pub index: usize,
    /// The field.
    pub field: &'static str,
    /// What is wrong (never the key).
    pub message: String,
}

/// The rules with their keys read from the environment.
#[derive(Clone, Default)]
pub struct Providers {
    rules: Vec<(ProviderRule, String)>,
}

impl std::fmt::Debug for Providers {
    /// Never prints a key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Providers")
            .field("rules", &self.rules.len())
            .finish()
    }
}

impl Providers {
    /// Resolve each rule's key with `env` (the VM environment). A missing or
    /// empty variable is an error: a gateway that would forward requests
    /// without the provider's key is misconfigured, and says so at start.
    pub fn new(
        rules: &[ProviderRule],
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ProviderError> {
        let mut out = Vec::with_capacity(rules.len());
        for (index, rule) in rules.iter().enumerate() {
            let err = |field: &'static str, message: String| ProviderError {
                index,
                field,
                message,
            };
            if rule.value.is_some() {
                return Err(err(
                    "value",
                    "plaintext keys are refused: put the key in a Kubernetes Secret, expose it \
                     to the sidecar, and name its VM environment variable in `env`"
                        .to_owned(),
                ));
            }
            let valid_name = !rule.env.is_empty()
                && rule
                    .env
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !valid_name {
                return Err(err(
                    "env",
                    "must be an environment variable name".to_owned(),
                ));
            }
            for (j, p) in rule.paths.iter().enumerate() {
                if !p.starts_with('/') {
                    return Err(err("paths", format!("[{j}] must start with /")));
                }
            }
            let key = env(&rule.env)
                .map(|k| k.trim().to_owned())
                .unwrap_or_default();
            if key.is_empty() {
                return Err(err(
                    "env",
                    format!("the VM environment variable {} is not set", rule.env),
                ));
            }
            if key.bytes().any(|b| !b.is_ascii_graphic()) {
                return Err(err(
                    "env",
                    format!("the value of {} is not a header-safe key", rule.env),
                ));
            }
            out.push((rule.clone(), key));
        }
        Ok(Self { rules: out })
    }

    /// Whether there are rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The header to set for a request to `authority` on `path`: the first
    /// rule that matches. The value is the key (with `Bearer ` for
    /// `authorization`).
    pub fn for_request(&self, authority: &str, path: &str) -> Option<(&'static str, String)> {
        let host = authority
            .rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(authority, |(h, _)| h)
            .to_ascii_lowercase();
        let path = path.split(['?', '#']).next().unwrap_or_default();
        self.rules
            .iter()
            .find(|(rule, _)| {
                (rule.hosts.is_empty() || rule.hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)))
                    && (rule.paths.is_empty()
                        || rule.paths.iter().any(|p| {
                            let p = p.strip_suffix('/').unwrap_or(p);
                            path.strip_prefix(p)
                                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                        }))
            })
            .map(|(rule, key)| {
                let value = match rule.header {
                    ProviderHeader::Authorization => format!("Bearer {key}"),
                    _ => key.clone(),
                };
                (rule.header.name(), value)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: &str) -> ProviderRule {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn keys_come_from_the_environment_and_match_by_host_and_path() {
        let rules = [
            rule(
                r#"{"hosts": ["api.anthropic.com"], "header": "x-api-key", "env": "ANTHROPIC_KEY"}"#,
            ),
            rule(r#"{"paths": ["/openai"], "header": "api-key", "env": "AZURE_KEY"}"#),
            rule(r#"{"header": "authorization", "env": "OPENAI_KEY"}"#),
        ];
        let env = |name: &str| Some(format!("key-of-{name}"));
        let p = Providers::new(&rules, env).unwrap();
        assert_eq!(
            p.for_request("api.anthropic.com:443", "/v1/messages"),
            Some(("x-api-key", "key-of-ANTHROPIC_KEY".to_owned()))
        );
        assert_eq!(
            p.for_request("gw", "/openai/deployments/d/chat/completions"),
            Some(("api-key", "key-of-AZURE_KEY".to_owned()))
        );
        assert_eq!(
            p.for_request("api.openai.com", "/openaix/v1"),
            Some(("authorization", "Bearer key-of-OPENAI_KEY".to_owned()))
        );
        assert!(!format!("{p:?}").contains("key-of"));
    }

    #[test]
    fn plaintext_and_missing_keys_are_refused_by_name() {
        let e = Providers::new(
            &[rule(
                r#"{"header": "authorization", "env": "K", "value": "sk-live"}"#,
            )],
            |_| Some("x".into()),
        )
        .unwrap_err();
        assert!(e
            .to_string()
            .starts_with("providers[0].value: plaintext keys are refused"));
        assert!(!e.to_string().contains("sk-live"));
        let e = Providers::new(
            &[rule(r#"{"header": "authorization", "env": "K"}"#)],
            |_| None,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "providers[0].env: the VM environment variable K is not set"
        );
        let e = Providers::new(
            &[rule(r#"{"header": "authorization", "env": "a b"}"#)],
            |_| None,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "providers[0].env: must be an environment variable name"
        );
    }
}
