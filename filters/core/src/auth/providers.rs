//! Provider credential injection: per upstream host or route, `auth` sets
//! the provider's auth header from a VM environment variable that Istio
//! fills from a Kubernetes Secret (`vmConfig.env`), so the workload never
//! holds the provider key. Configuration names the variable, never the key:
//! a rule with a `value` is refused.
//!
//! A variable that is missing (a Secret not wired to the sidecar, a key not
//! yet created) does not stop the filter from loading: in Istio a refused
//! configuration leaves the pod with a filter that never becomes ready, and
//! every other route (and every other provider) would go down with it.
//! Instead the requests that would need that key are answered 503
//! (`provider_credential_unavailable`), counted, and logged with the
//! variable's name ([`Injection::Unavailable`]).

pub use crate::config::auth::{ProviderHeader, ProviderRule};

impl ProviderHeader {
    /// The header name.
    pub fn name(self) -> &'static str {
        match self {
            ProviderHeader::Authorization => "authorization",
            ProviderHeader::XApiKey => "x-api-key",
            ProviderHeader::ApiKey => "api-key",
            ProviderHeader::XGoogApiKey => "x-goog-api-key",
        }
    }
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

/// The rules with their keys read from the environment (`None`: the
/// variable is missing or unusable).
#[derive(Clone, Default)]
pub struct Providers {
    rules: Vec<(ProviderRule, Option<String>)>,
}

/// What a request gets injected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Injection {
    /// Set this header to this value.
    Key(&'static str, String),
    /// The matching rule's variable is missing or unusable: the request
    /// cannot reach the provider with its key.
    Unavailable {
        /// The variable's name (for logs; never the key).
        env: String,
    },
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
    /// Resolve each rule's key with `env` (the VM environment). A missing,
    /// empty or non-header-safe variable leaves the rule without a key (see
    /// [`Providers::missing`] and [`Injection::Unavailable`]); a rule that
    /// cannot be meant (a plaintext `value`, a bad variable name, a path not
    /// starting with `/`) is an error.
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
                .filter(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_graphic()));
            out.push((rule.clone(), key));
        }
        Ok(Self { rules: out })
    }

    /// Whether there are rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The variables rules name that are missing (or empty, or not
    /// header-safe), each once.
    pub fn missing(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (rule, key) in &self.rules {
            if key.is_none() && !out.contains(&rule.env.as_str()) {
                out.push(&rule.env);
            }
        }
        out
    }

    /// What to inject for a request to `authority` on `path`: the first rule
    /// that matches, with its key (with `Bearer ` for `authorization`), or
    /// [`Injection::Unavailable`] when its variable is missing; `None` when
    /// no rule matches.
    pub fn for_request(&self, authority: &str, path: &str) -> Option<Injection> {
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
            .map(|(rule, key)| match key {
                Some(key) => {
                    let value = match rule.header {
                        ProviderHeader::Authorization => format!("Bearer {key}"),
                        _ => key.clone(),
                    };
                    Injection::Key(rule.header.name(), value)
                }
                None => Injection::Unavailable {
                    env: rule.env.clone(),
                },
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
            Some(Injection::Key(
                "x-api-key",
                "key-of-ANTHROPIC_KEY".to_owned()
            ))
        );
        assert_eq!(
            p.for_request("gw", "/openai/deployments/d/chat/completions"),
            Some(Injection::Key("api-key", "key-of-AZURE_KEY".to_owned()))
        );
        assert_eq!(
            p.for_request("api.openai.com", "/openaix/v1"),
            Some(Injection::Key(
                "authorization",
                "Bearer key-of-OPENAI_KEY".to_owned()
            ))
        );
        assert!(!format!("{p:?}").contains("key-of"));
    }

    #[test]
    fn a_missing_key_leaves_its_rule_unavailable_not_the_filter() {
        let rules = [
            rule(
                r#"{"hosts": ["api.anthropic.com"], "header": "x-api-key", "env": "ANTHROPIC_KEY"}"#,
            ),
            rule(r#"{"header": "authorization", "env": "OPENAI_KEY"}"#),
        ];
        let env = |name: &str| (name == "OPENAI_KEY").then(|| "sk-test".to_owned());
        let p = Providers::new(&rules, env).unwrap();
        assert_eq!(p.missing(), ["ANTHROPIC_KEY"]);
        assert_eq!(
            p.for_request("api.anthropic.com", "/v1/messages"),
            Some(Injection::Unavailable {
                env: "ANTHROPIC_KEY".into()
            })
        );
        assert!(matches!(
            p.for_request("api.openai.com", "/v1/chat/completions"),
            Some(Injection::Key(..))
        ));
        let blank = Providers::new(&rules, |_| Some("has space".into())).unwrap();
        assert_eq!(blank.missing(), ["ANTHROPIC_KEY", "OPENAI_KEY"]);
    }

    #[test]
    fn plaintext_keys_and_bad_names_are_refused_by_name() {
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
