//! Two instances of the test RLS server (a TEST DOUBLE of a production
//! rate-limit service) against one Redis share one limit, and the
//! hand-written codec in `tollgate_core::throttle::rls` speaks to it: the
//! requests go out as the bytes `encode_request` makes (checked equal to
//! prost's), the responses are read back with `decode_response`.
//!
//! Needs `redis-server` on PATH (Debian package `redis-server`).

mod common;

use common::{start_redis, start_rls_with, write_limits};

use bytes::{Buf, BufMut};
use envoy_types::pb::envoy::extensions::common::ratelimit::v3::rate_limit_descriptor::Entry;
use envoy_types::pb::envoy::extensions::common::ratelimit::v3::RateLimitDescriptor;
use envoy_types::pb::envoy::service::ratelimit::v3::rate_limit_response::Code as PbCode;
use envoy_types::pb::envoy::service::ratelimit::v3::rate_limit_service_client::RateLimitServiceClient;
use envoy_types::pb::envoy::service::ratelimit::v3::RateLimitRequest;
use prost::Message;
use tollgate_core::throttle::rls::{self, Code, Descriptor, Unit};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::Channel;

const LIMITS: &str = r#"
# A Limitador LIMITS_FILE: 5 hits per tenant per minute on the chat route.
- namespace: tollgate
  name: per-tenant
  max_value: 5
  seconds: 60
  conditions:
    - "descriptors[0]['route'] == 'chat'"
  variables:
    - "descriptors[0]['tenant']"
"#;

// ---- a tonic codec that sends and receives raw bytes, so the request on
// the wire is exactly what `rls::encode_request` made.

#[derive(Debug, Clone, Copy, Default)]
struct RawCodec;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;
    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }
    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = tonic::Status;
    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), tonic::Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = tonic::Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, tonic::Status> {
        let mut out = vec![0; src.remaining()];
        src.copy_to_slice(&mut out);
        Ok(Some(out))
    }
}

async fn call_raw(url: &str, body: Vec<u8>) -> Result<Vec<u8>, tonic::Status> {
    let channel = Channel::from_shared(url.to_string())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    let path = format!("/{}/{}", rls::SERVICE, rls::METHOD);
    grpc.unary(tonic::Request::new(body), path.parse().unwrap(), RawCodec)
        .await
        .map(tonic::Response::into_inner)
}

fn tenant(t: &str) -> Descriptor {
    Descriptor {
        entries: vec![("route".into(), "chat".into()), ("tenant".into(), t.into())],
    }
}

/// One hand-encoded call, its response decoded by hand.
async fn hit(url: &str, tenant_name: &str, hits: u32) -> rls::Response {
    let body = rls::encode_request("tollgate", &[tenant(tenant_name)], hits);
    let reply = call_raw(url, body).await.unwrap();
    rls::decode_response(&reply).unwrap()
}

#[tokio::test]
async fn two_instances_share_one_limit_in_redis() {
    let (_redis, redis_url) = start_redis();
    let limits = write_limits("shared.yaml", LIMITS);
    // Statuses filled (as envoyproxy/ratelimit): this test reads them.
    let flags = [
        "--rate-limit-headers",
        "DRAFT_VERSION_03",
        "--statuses",
        "fill",
    ];
    let (_a, url_a) = start_rls_with(&limits, Some(&redis_url), &flags);
    let (_b, url_b) = start_rls_with(&limits, Some(&redis_url), &flags);

    // 3 hits on each instance: the 6th hit is over the limit of 5.
    let mut remaining = Vec::new();
    for url in [&url_a, &url_b, &url_a, &url_b, &url_a] {
        let r = hit(url, "acme", 1).await;
        assert_eq!(r.overall_code, Code::Ok);
        let s = &r.statuses[0];
        assert_eq!(s.code, Code::Ok);
        let limit = s.current_limit.as_ref().unwrap();
        assert_eq!(limit.name, "per-tenant");
        assert_eq!((limit.requests_per_unit, limit.unit), (5, Unit::Minute));
        assert_eq!(limit.unit.seconds(), Some(60));
        let reset = s.duration_until_reset_secs.unwrap();
        assert!((1..=60).contains(&reset), "{reset}");
        remaining.push(s.limit_remaining);
    }
    assert_eq!(remaining, [4, 3, 2, 1, 0]);
    let sixth = hit(&url_b, "acme", 1).await;
    assert_eq!(sixth.overall_code, Code::OverLimit);
    assert_eq!(sixth.statuses[0].code, Code::OverLimit);
    assert_eq!(sixth.statuses[0].limit_remaining, 0);
    // Limitador's draft-03 headers, decoded by hand too.
    let remaining_header = sixth
        .response_headers_to_add
        .iter()
        .find(|(k, _)| k == "X-RateLimit-Remaining")
        .map(|(_, v)| v.as_str());
    assert_eq!(remaining_header, Some("0"));

    // Another tenant has its own counter.
    let other = hit(&url_a, "globex", 1).await;
    assert_eq!(other.overall_code, Code::Ok);
    assert_eq!(other.statuses[0].limit_remaining, 4);

    // hits_addend counts, across instances: 4 on A leaves 1, 2 on B is over
    // (and counts nothing), 1 on B still fits, then 0 (read as 1) is over.
    let r = hit(&url_a, "initech", 4).await;
    assert_eq!(
        (r.overall_code, r.statuses[0].limit_remaining),
        (Code::Ok, 1)
    );
    let r = hit(&url_b, "initech", 2).await;
    assert_eq!(r.overall_code, Code::OverLimit);
    assert_eq!(r.statuses[0].limit_remaining, 1);
    let r = hit(&url_b, "initech", 1).await;
    assert_eq!(
        (r.overall_code, r.statuses[0].limit_remaining),
        (Code::Ok, 0)
    );
    let r = hit(&url_a, "initech", 0).await;
    assert_eq!(r.overall_code, Code::OverLimit);
}

#[tokio::test]
async fn hand_encoded_request_equals_prost_and_both_clients_agree() {
    let limits = write_limits("memory.yaml", LIMITS);
    let (_rls, url) = start_rls_with(&limits, None, &["--statuses", "fill"]);

    let cases: [(&str, Vec<Descriptor>, u32); 4] = [
        ("tollgate", vec![tenant("acme")], 1),
        (
            "tollgate",
            vec![tenant("a"), Descriptor { entries: vec![] }],
            0,
        ),
        ("", vec![], 300),
        (
            "d",
            vec![Descriptor {
                entries: vec![
                    ("k".into(), String::new()),
                    (String::new(), "v".repeat(300)),
                ],
            }],
            u32::MAX,
        ),
    ];
    for (domain, descriptors, hits) in &cases {
        let prost_msg = RateLimitRequest {
            domain: domain.to_string(),
            descriptors: descriptors
                .iter()
                .map(|d| RateLimitDescriptor {
                    entries: d
                        .entries
                        .iter()
                        .map(|(k, v)| Entry {
                            key: k.clone(),
                            value: v.clone(),
                        })
                        .collect(),
                    ..RateLimitDescriptor::default()
                })
                .collect(),
            hits_addend: *hits,
        };
        let ours = rls::encode_request(domain, descriptors, *hits);
        assert_eq!(ours, prost_msg.encode_to_vec(), "{domain:?} {hits}");
        assert_eq!(
            RateLimitRequest::decode(ours.as_slice()).unwrap(),
            prost_msg
        );
    }

    // The prost client and the hand codec see the same answer.
    let mut client = RateLimitServiceClient::connect(url.clone()).await.unwrap();
    let pb = client
        .should_rate_limit(RateLimitRequest {
            domain: "tollgate".into(),
            descriptors: vec![RateLimitDescriptor {
                entries: vec![
                    Entry {
                        key: "route".into(),
                        value: "chat".into(),
                    },
                    Entry {
                        key: "tenant".into(),
                        value: "hooli".into(),
                    },
                ],
                ..RateLimitDescriptor::default()
            }],
            hits_addend: 2,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(pb.overall_code, i32::from(PbCode::Ok));
    assert_eq!(pb.statuses[0].limit_remaining, 3);
    // Re-encode prost's response and decode it by hand: same fields.
    let decoded = rls::decode_response(&pb.encode_to_vec()).unwrap();
    assert_eq!(decoded.overall_code, Code::Ok);
    assert_eq!(decoded.statuses[0].limit_remaining, 3);
    assert_eq!(
        decoded.response_headers_to_add.len(),
        pb.response_headers_to_add.len()
    );

    let r = hit(&url, "hooli", 3).await;
    assert_eq!(
        (r.overall_code, r.statuses[0].limit_remaining),
        (Code::Ok, 0)
    );

    // An empty domain: UNKNOWN, as limitador-server answers.
    let reply = call_raw(&url, rls::encode_request("", &[tenant("x")], 1))
        .await
        .unwrap();
    assert_eq!(
        rls::decode_response(&reply).unwrap().overall_code,
        Code::Unknown
    );

    // A descriptor no limit matches: OK, a status without a limit.
    let body = rls::encode_request(
        "tollgate",
        &[Descriptor {
            entries: vec![("route".into(), "embeddings".into())],
        }],
        1,
    );
    let r = rls::decode_response(&call_raw(&url, body).await.unwrap()).unwrap();
    assert_eq!(r.overall_code, Code::Ok);
    assert_eq!(r.statuses.len(), 1);
    assert_eq!(r.statuses[0].current_limit, None);
}
