//! Mesh workload identity: a caller inside the mesh is identified by its
//! mTLS peer identity (a SPIFFE ID such as
//! `spiffe://cluster.local/ns/team-a/sa/chatbot`, which Envoy exposes as the
//! `connection.uri_san_peer_certificate` property and Istio as
//! `source.principal`), mapped to a consumer, so in-mesh services need no API
//! key at all.
//!
//! The identity is only as good as the mTLS that carries it: in a mesh with
//! `PeerAuthentication` in `STRICT` mode the peer certificate is the
//! workload's; in `PERMISSIVE` mode a plaintext caller has none, and gets no
//! consumer from this method.

pub use crate::config::auth::MeshPrincipal;

/// Why a principal table cannot be used, naming the entry.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("principals[{index}]: {message}")]
pub struct MeshError {
    /// The entry.
    pub index: usize,
    /// What is wrong.
    pub message: String,
}

/// The built principal table: exact IDs first, then patterns, longest
/// prefix first.
#[derive(Clone, Debug, Default)]
pub struct MeshIdentity {
    exact: Vec<(String, String)>,
    prefixes: Vec<(String, String)>,
}

impl MeshIdentity {
    /// Check and build the table.
    pub fn new(principals: &[MeshPrincipal]) -> Result<Self, MeshError> {
        let mut table = Self::default();
        for (index, p) in principals.iter().enumerate() {
            let err = |message: &str| MeshError {
                index,
                message: message.to_owned(),
            };
            let Some(rest) = p.principal.strip_prefix("spiffe://") else {
                return Err(err("principal must be a SPIFFE ID (spiffe://…)"));
            };
            if rest.is_empty() || p.principal.len() > 2048 {
                return Err(err(
                    "principal must name a trust domain, at most 2048 bytes",
                ));
            }
            if crate::auth::keys::validate_consumer(&p.consumer).is_err() {
                return Err(err("consumer must be 1 to 128 visible ASCII characters"));
            }
            match p.principal.strip_suffix('*') {
                Some(prefix) if prefix.contains('*') => {
                    return Err(err("only a final * is allowed"));
                }
                Some(prefix) => table.prefixes.push((prefix.to_owned(), p.consumer.clone())),
                None if p.principal.contains('*') => return Err(err("only a final * is allowed")),
                None => {
                    if table.exact.iter().any(|(e, _)| *e == p.principal) {
                        return Err(err("duplicate principal"));
                    }
                    table.exact.push((p.principal.clone(), p.consumer.clone()));
                }
            }
        }
        crate::sort::sort_by_key(&mut table.prefixes, |p| std::cmp::Reverse(p.0.len()));
        Ok(table)
    }

    /// Whether the table is empty (the method is off).
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.prefixes.is_empty()
    }

    /// The consumer of a peer's principal: an exact entry, else the longest
    /// matching pattern. A value that is not a SPIFFE ID matches nothing.
    pub fn consumer_for(&self, principal: &str) -> Option<&str> {
        let principal = principal.trim();
        if !principal.starts_with("spiffe://") {
            return None;
        }
        if let Some((_, c)) = self.exact.iter().find(|(p, _)| p == principal) {
            return Some(c);
        }
        self.prefixes
            .iter()
            .find(|(prefix, _)| principal.starts_with(prefix.as_str()))
            .map(|(_, c)| c.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(principal: &str, consumer: &str) -> MeshPrincipal {
        MeshPrincipal {
            principal: principal.into(),
            consumer: consumer.into(),
        }
    }

    #[test]
    fn exact_then_longest_pattern() {
        let m = MeshIdentity::new(&[
            p("spiffe://cluster.local/ns/team-a/*", "team-a"),
            p("spiffe://cluster.local/ns/team-a/sa/batch*", "team-a-batch"),
            p("spiffe://cluster.local/ns/team-a/sa/chatbot", "chatbot"),
        ])
        .unwrap();
        assert_eq!(
            m.consumer_for("spiffe://cluster.local/ns/team-a/sa/chatbot"),
            Some("chatbot")
        );
        assert_eq!(
            m.consumer_for("spiffe://cluster.local/ns/team-a/sa/batch-2"),
            Some("team-a-batch")
        );
        assert_eq!(
            m.consumer_for("spiffe://cluster.local/ns/team-a/sa/web"),
            Some("team-a")
        );
        assert_eq!(
            m.consumer_for("spiffe://cluster.local/ns/team-b/sa/web"),
            None
        );
        assert_eq!(m.consumer_for("cluster.local/ns/team-a/sa/web"), None);
        assert_eq!(m.consumer_for(""), None);
    }

    #[test]
    fn bad_entries_are_named() {
        let e = MeshIdentity::new(&[p("spiffe://x/ns/a/sa/b", "a"), p("ns/a", "b")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "principals[1]: principal must be a SPIFFE ID (spiffe://…)"
        );
        let e = MeshIdentity::new(&[p("spiffe://x/*/sa/b", "a")]).unwrap_err();
        assert_eq!(e.to_string(), "principals[0]: only a final * is allowed");
        let e = MeshIdentity::new(&[p("spiffe://x/a", "a"), p("spiffe://x/a", "b")]).unwrap_err();
        assert_eq!(e.to_string(), "principals[1]: duplicate principal");
        let e = MeshIdentity::new(&[p("spiffe://x/a", "")]).unwrap_err();
        assert!(e.to_string().contains("consumer"));
    }
}
