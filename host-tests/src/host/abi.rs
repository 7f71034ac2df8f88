// The ABI glue is a table of host functions with many arguments, written as
// immediately-called closures inside a macro so each records its status.
#![allow(clippy::redundant_closure_call, clippy::too_many_arguments)]
//! The host side of proxy-wasm ABI 0.2.1 (`env.proxy_*`), with Envoy's
//! semantics where the spec leaves room. Each function returns a status to
//! the guest; a wasmtime error (a trap) only for host-internal failures.

use std::time::Duration;

use wasmtime::Linker;

use super::guest::{read, read_string, return_bytes, write_u32, write_u64, Ctx};
use super::state::{
    lock, Due, GrpcCall, HeaderMap, HostCallRecord, HttpCall, LocalReply, LogLevel, Metric,
    MetricValue, Status, VmState,
};

type R = wasmtime::Result<u32>;

macro_rules! tri {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(status) => return Ok(status as u32),
        }
    };
}

fn record(caller: &Ctx<'_>, name: &'static str, status: u32) -> u32 {
    let data = caller.data();
    let mut shared = lock(&data.shared);
    if let Some(trace) = shared.trace.as_mut() {
        trace.push(HostCallRecord {
            worker: data.worker,
            context_id: data.effective_context,
            name,
            status,
        });
    }
    status
}

/// Registers a host function and records each call when tracing is on.
macro_rules! host_fn {
    ($linker:expr, $name:literal, |$caller:ident $(, $arg:ident : $ty:ty)*| $body:block) => {
        #[allow(unused_mut)]
        $linker.func_wrap("env", $name, |mut $caller: Ctx<'_> $(, $arg: $ty)*| -> R {
            let status: u32 = (|| -> R { $body })()?;
            Ok(record(&$caller, $name, status))
        })?;
    };
}

#[derive(Clone, Copy)]
enum MapType {
    RequestHeaders,
    RequestTrailers,
    ResponseHeaders,
    ResponseTrailers,
    GrpcInitialMetadata,
    GrpcTrailingMetadata,
    HttpCallHeaders,
    HttpCallTrailers,
}

fn map_type(v: u32) -> Option<MapType> {
    Some(match v {
        0 => MapType::RequestHeaders,
        1 => MapType::RequestTrailers,
        2 => MapType::ResponseHeaders,
        3 => MapType::ResponseTrailers,
        4 => MapType::GrpcInitialMetadata,
        5 => MapType::GrpcTrailingMetadata,
        6 => MapType::HttpCallHeaders,
        7 => MapType::HttpCallTrailers,
        _ => return None,
    })
}

/// The header map a call refers to, if it exists in the current phase.
fn map_mut(vm: &mut VmState, t: u32) -> Result<&mut HeaderMap, Status> {
    let t = map_type(t).ok_or(Status::BadArgument)?;
    match t {
        MapType::HttpCallHeaders => vm.scope.http_call_headers.as_mut().ok_or(Status::NotFound),
        MapType::HttpCallTrailers => vm.scope.http_call_trailers.as_mut().ok_or(Status::NotFound),
        MapType::GrpcInitialMetadata | MapType::GrpcTrailingMetadata => Err(Status::NotFound),
        _ => {
            let stream = vm.stream().ok_or(Status::BadArgument)?;
            let (dir, trailers) = match t {
                MapType::RequestHeaders => (&mut stream.request, false),
                MapType::RequestTrailers => (&mut stream.request, true),
                MapType::ResponseHeaders => (&mut stream.response, false),
                _ => (&mut stream.response, true),
            };
            // Envoy drops its pointer to a header map once the filter lets
            // it go (Continue): later reads and writes are BadArgument.
            if trailers {
                if !dir.trailers_received || dir.end_forwarded {
                    return Err(Status::BadArgument);
                }
                Ok(&mut dir.trailers)
            } else {
                if !dir.headers_received || dir.headers_forwarded {
                    return Err(Status::BadArgument);
                }
                Ok(&mut dir.headers)
            }
        }
    }
}

fn map_writable(vm: &mut VmState, t: u32) -> Result<&mut HeaderMap, Status> {
    map_mut(vm, t)
}

enum BufferRef<'a> {
    Mutable(&'a mut Vec<u8>),
    ReadOnly(&'a [u8]),
}

fn buffer(vm: &mut VmState, t: u32) -> Result<BufferRef<'_>, Status> {
    match t {
        0 | 1 => {
            let Some(stream) = vm.stream() else {
                return Ok(BufferRef::ReadOnly(&[]));
            };
            let dir = if t == 0 {
                &mut stream.request
            } else {
                &mut stream.response
            };
            Ok(BufferRef::Mutable(&mut dir.buffer))
        }
        4 => vm
            .scope
            .http_call_body
            .as_deref()
            .map(BufferRef::ReadOnly)
            .ok_or(Status::NotFound),
        5 => vm
            .scope
            .grpc_receive
            .as_deref()
            .map(BufferRef::ReadOnly)
            .ok_or(Status::NotFound),
        6 => Ok(BufferRef::ReadOnly(&vm.vm_configuration)),
        7 => Ok(BufferRef::ReadOnly(&vm.plugin_configuration)),
        2 | 3 | 8 => Err(Status::NotFound),
        // Envoy: other types up to CallData are NotFound, above that BadArgument.
        _ => Err(Status::BadArgument),
    }
}

fn lookup_property(vm: &mut VmState, key: &str) -> Option<Vec<u8>> {
    if let Some(stream) = vm.stream() {
        if let Some(v) = stream.properties.get(key) {
            return Some(v.clone());
        }
        let released = stream.request.headers_forwarded;
        let req = &stream.request.headers;
        // Envoy answers these from the request headers, which it only holds
        // until the filter lets them go.
        let header = |name: &str| {
            if released {
                None
            } else {
                req.get(name).map(<[u8]>::to_vec)
            }
        };
        let derived = match key {
            "request\0path" => header(":path"),
            "request\0url_path" => header(":path").map(|p| {
                let end = p.iter().position(|b| *b == b'?').unwrap_or(p.len());
                p[..end].to_vec()
            }),
            "request\0host" => header(":authority"),
            "request\0method" => header(":method"),
            "request\0scheme" => header(":scheme"),
            "request\0id" => header("x-request-id"),
            "request\0protocol" => Some(b"HTTP/1.1".to_vec()),
            "request\0headers" if !released => Some(req.serialize()),
            "response\0code" => stream
                .response
                .headers
                .get_str(":status")
                .and_then(|s| s.parse::<u64>().ok())
                .map(|c| c.to_le_bytes().to_vec()),
            "response\0headers" if stream.response.headers_received => {
                Some(stream.response.headers.serialize())
            }
            _ => {
                if let Some(name) = key.strip_prefix("request\0headers\0") {
                    header(name)
                } else if let Some(name) = key.strip_prefix("response\0headers\0") {
                    stream.response.headers.get(name).map(<[u8]>::to_vec)
                } else {
                    None
                }
            }
        };
        if derived.is_some() {
            return derived;
        }
    }
    vm.properties.get(key).cloned()
}

pub(crate) fn add_to_linker(linker: &mut Linker<VmState>) -> wasmtime::Result<()> {
    host_fn!(
        linker,
        "proxy_log",
        |caller, level: u32, ptr: u32, len: u32| {
            let msg = tri!(read_string(&mut caller, ptr, len));
            let level = tri!(LogLevel::from_u32(level).ok_or(Status::BadArgument));
            caller.data_mut().log(level, msg);
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(linker, "proxy_get_log_level", |caller, ret: u32| {
        let level = caller.data().log_level as u32;
        tri!(write_u32(&mut caller, ret, level));
        Ok(Status::Ok as u32)
    });
    host_fn!(
        linker,
        "proxy_get_current_time_nanoseconds",
        |caller, ret: u32| {
            let now = {
                let shared = lock(&caller.data().shared);
                shared
                    .epoch_nanos
                    .saturating_add(shared.elapsed.as_nanos() as u64)
            };
            tri!(write_u64(&mut caller, ret, now));
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_set_tick_period_milliseconds",
        |caller, period: u32| {
            // Envoy keeps one timer per root context; a stream context that
            // calls this sets its root's timer.
            let vm = caller.data_mut();
            let elapsed = lock(&vm.shared).elapsed;
            if period == 0 {
                vm.tick_period = None;
            } else {
                let p = Duration::from_millis(u64::from(period));
                vm.tick_period = Some(p);
                vm.next_tick = elapsed + p;
            }
            Ok(Status::Ok as u32)
        }
    );

    // --- buffers -----------------------------------------------------------
    host_fn!(
        linker,
        "proxy_get_buffer_bytes",
        |caller, t: u32, start: u32, max: u32, ptr_ptr: u32, size_ptr: u32| {
            let bytes = {
                let vm = caller.data_mut();
                let buf = tri!(buffer(vm, t));
                let data: &[u8] = match &buf {
                    BufferRef::Mutable(v) => v.as_slice(),
                    BufferRef::ReadOnly(v) => v,
                };
                if start.checked_add(max).is_none() {
                    return Ok(Status::BadArgument as u32);
                }
                let start = (start as usize).min(data.len());
                let end = start.saturating_add(max as usize).min(data.len());
                data[start..end].to_vec()
            };
            // Envoy writes nothing for an empty range: the guest sees "no data".
            if bytes.is_empty() {
                return Ok(Status::Ok as u32);
            }
            Ok(return_bytes(&mut caller, &bytes, ptr_ptr, size_ptr)? as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_set_buffer_bytes",
        |caller, t: u32, start: u32, len: u32, ptr: u32, size: u32| {
            let data = tri!(read(&mut caller, ptr, size));
            let vm = caller.data_mut();
            match tri!(buffer(vm, t)) {
                BufferRef::ReadOnly(_) => Ok(Status::BadArgument as u32),
                BufferRef::Mutable(buf) => {
                    // Envoy's Buffer::copyFrom: start 0 drains `len` bytes and
                    // prepends; a start at or past the end appends; anything
                    // else is refused.
                    let start = start as usize;
                    if start == 0 {
                        let drain = (len as usize).min(buf.len());
                        buf.drain(..drain);
                        buf.splice(0..0, data);
                    } else if start >= buf.len() {
                        buf.extend_from_slice(&data);
                    } else {
                        return Ok(Status::BadArgument as u32);
                    }
                    Ok(Status::Ok as u32)
                }
            }
        }
    );

    // --- header maps -------------------------------------------------------
    host_fn!(
        linker,
        "proxy_get_header_map_pairs",
        |caller, t: u32, ptr_ptr: u32, size_ptr: u32| {
            // Envoy answers a map it no longer holds with an empty one.
            let bytes = match map_mut(caller.data_mut(), t) {
                Ok(map) => map.serialize(),
                Err(Status::BadArgument) if t <= 3 => HeaderMap::default().serialize(),
                Err(status) => return Ok(status as u32),
            };
            Ok(return_bytes(&mut caller, &bytes, ptr_ptr, size_ptr)? as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_set_header_map_pairs",
        |caller, t: u32, ptr: u32, size: u32| {
            let bytes = tri!(read(&mut caller, ptr, size));
            let new = tri!(HeaderMap::deserialize(&bytes).ok_or(Status::BadArgument));
            *tri!(map_writable(caller.data_mut(), t)) = new;
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_get_header_map_value",
        |caller, t: u32, kp: u32, kl: u32, ptr_ptr: u32, size_ptr: u32| {
            let key = tri!(read_string(&mut caller, kp, kl));
            let value = {
                let map = tri!(map_mut(caller.data_mut(), t));
                tri!(map.get(&key).map(<[u8]>::to_vec).ok_or(Status::NotFound))
            };
            Ok(return_bytes(&mut caller, &value, ptr_ptr, size_ptr)? as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_replace_header_map_value",
        |caller, t: u32, kp: u32, kl: u32, vp: u32, vl: u32| {
            let key = tri!(read_string(&mut caller, kp, kl));
            let value = tri!(read(&mut caller, vp, vl));
            tri!(map_writable(caller.data_mut(), t)).replace(&key, &value);
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_add_header_map_value",
        |caller, t: u32, kp: u32, kl: u32, vp: u32, vl: u32| {
            let key = tri!(read_string(&mut caller, kp, kl));
            let value = tri!(read(&mut caller, vp, vl));
            tri!(map_writable(caller.data_mut(), t)).add(&key, &value);
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_remove_header_map_value",
        |caller, t: u32, kp: u32, kl: u32| {
            let key = tri!(read_string(&mut caller, kp, kl));
            tri!(map_writable(caller.data_mut(), t)).remove(&key);
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_get_header_map_size",
        |caller, t: u32, ret: u32| {
            let size = tri!(map_mut(caller.data_mut(), t)).serialize().len() as u32;
            tri!(write_u32(&mut caller, ret, size));
            Ok(Status::Ok as u32)
        }
    );

    // --- properties --------------------------------------------------------
    host_fn!(
        linker,
        "proxy_get_property",
        |caller, pp: u32, pl: u32, ptr_ptr: u32, size_ptr: u32| {
            let key = tri!(read_string(&mut caller, pp, pl));
            let value = tri!(lookup_property(caller.data_mut(), &key).ok_or(Status::NotFound));
            Ok(return_bytes(&mut caller, &value, ptr_ptr, size_ptr)? as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_set_property",
        |caller, pp: u32, pl: u32, vp: u32, vl: u32| {
            let key = tri!(read_string(&mut caller, pp, pl));
            let value = tri!(read(&mut caller, vp, vl));
            let vm = caller.data_mut();
            match vm.stream() {
                Some(stream) => {
                    stream.properties.insert(key, value);
                }
                // Envoy keeps properties in the stream's filter state; a root
                // context has none.
                None => return Ok(Status::NotFound as u32),
            }
            Ok(Status::Ok as u32)
        }
    );

    // --- shared data and queues ---------------------------------------------
    host_fn!(
        linker,
        "proxy_get_shared_data",
        |caller, kp: u32, kl: u32, ptr_ptr: u32, size_ptr: u32, cas_ptr: u32| {
            let key = tri!(read(&mut caller, kp, kl));
            let entry = lock(&caller.data().shared).shared_data.get(&key).cloned();
            let (value, cas) = tri!(entry.ok_or(Status::NotFound));
            tri!(write_u32(&mut caller, cas_ptr, cas));
            Ok(return_bytes(&mut caller, &value, ptr_ptr, size_ptr)? as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_set_shared_data",
        |caller, kp: u32, kl: u32, vp: u32, vl: u32, cas: u32| {
            let key = tri!(read(&mut caller, kp, kl));
            let value = tri!(read(&mut caller, vp, vl));
            let mut shared = lock(&caller.data().shared);
            let current = shared.shared_data.get(&key).map(|(_, c)| *c);
            if cas != 0 && current.is_some_and(|c| c != cas) {
                return Ok(Status::CasMismatch as u32);
            }
            shared.next_cas = shared.next_cas.wrapping_add(1).max(1);
            let next = shared.next_cas;
            shared.shared_data.insert(key, (value, next));
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_register_shared_queue",
        |caller, np: u32, nl: u32, ret: u32| {
            let name = tri!(read_string(&mut caller, np, nl));
            let (vm_id, worker) = (caller.data().vm_id.clone(), caller.data().worker);
            let id = {
                let mut shared = lock(&caller.data().shared);
                let next = shared.queue_ids.len() as u32 + 1;
                let id = *shared.queue_ids.entry((vm_id, name)).or_insert(next);
                let queue = shared.queues.entry(id).or_default();
                // The most recent registration owns the queue, as in Envoy.
                queue.0 = worker;
                id
            };
            tri!(write_u32(&mut caller, ret, id));
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_resolve_shared_queue",
        |caller, vp: u32, vl: u32, np: u32, nl: u32, ret: u32| {
            let vm_id = tri!(read_string(&mut caller, vp, vl));
            let name = tri!(read_string(&mut caller, np, nl));
            let id = lock(&caller.data().shared)
                .queue_ids
                .get(&(vm_id, name))
                .copied();
            let id = tri!(id.ok_or(Status::NotFound));
            tri!(write_u32(&mut caller, ret, id));
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_enqueue_shared_queue",
        |caller, id: u32, vp: u32, vl: u32| {
            let value = tri!(read(&mut caller, vp, vl));
            let mut shared = lock(&caller.data().shared);
            let owner = match shared.queues.get_mut(&id) {
                Some((owner, q)) => {
                    q.push_back(value);
                    *owner
                }
                None => return Ok(Status::NotFound as u32),
            };
            shared.queue_ready.push((owner, id));
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_dequeue_shared_queue",
        |caller, id: u32, ptr_ptr: u32, size_ptr: u32| {
            let item = {
                let mut shared = lock(&caller.data().shared);
                match shared.queues.get_mut(&id) {
                    Some((_, q)) => q.pop_front(),
                    None => return Ok(Status::NotFound as u32),
                }
            };
            let item = tri!(item.ok_or(Status::Empty));
            Ok(return_bytes(&mut caller, &item, ptr_ptr, size_ptr)? as u32)
        }
    );

    // --- stream control ----------------------------------------------------
    host_fn!(linker, "proxy_continue_stream", |caller, t: u32| {
        let stream = tri!(caller.data_mut().stream().ok_or(Status::NotFound));
        match t {
            0 => stream.request.resume_requested = true,
            1 => stream.response.resume_requested = true,
            _ => return Ok(Status::BadArgument as u32),
        }
        Ok(Status::Ok as u32)
    });
    // ABI 0.2.0 names, still imported by older SDKs.
    host_fn!(linker, "proxy_continue_request", |caller| {
        let stream = tri!(caller.data_mut().stream().ok_or(Status::NotFound));
        stream.request.resume_requested = true;
        Ok(Status::Ok as u32)
    });
    host_fn!(linker, "proxy_continue_response", |caller| {
        let stream = tri!(caller.data_mut().stream().ok_or(Status::NotFound));
        stream.response.resume_requested = true;
        Ok(Status::Ok as u32)
    });
    host_fn!(linker, "proxy_close_stream", |caller, _t: u32| {
        let stream = tri!(caller.data_mut().stream().ok_or(Status::NotFound));
        stream.reset_requested = true;
        Ok(Status::Ok as u32)
    });
    host_fn!(
        linker,
        "proxy_send_local_response",
        |caller,
         status: u32,
         dp: u32,
         dl: u32,
         bp: u32,
         bl: u32,
         hp: u32,
         hl: u32,
         grpc_status: i32| {
            let details = tri!(read_string(&mut caller, dp, dl));
            let body = tri!(read(&mut caller, bp, bl));
            let hbytes = tri!(read(&mut caller, hp, hl));
            let headers = tri!(HeaderMap::deserialize(&hbytes).ok_or(Status::BadArgument));
            let status = tri!(u16::try_from(status).map_err(|_| Status::BadArgument));
            let stream = tri!(caller.data_mut().stream().ok_or(Status::NotFound));
            if stream.local_reply.is_some() || stream.local_reply_pending.is_some() {
                return Ok(Status::BadArgument as u32);
            }
            stream.local_reply_pending = Some(LocalReply {
                status,
                details,
                body,
                headers,
                grpc_status,
            });
            Ok(Status::Ok as u32)
        }
    );

    // --- calls out -----------------------------------------------------------
    host_fn!(
        linker,
        "proxy_http_call",
        |caller,
         up: u32,
         ul: u32,
         hp: u32,
         hl: u32,
         bp: u32,
         bl: u32,
         tp: u32,
         tl: u32,
         timeout_ms: u32,
         ret: u32| {
            let cluster = tri!(read_string(&mut caller, up, ul));
            let hbytes = tri!(read(&mut caller, hp, hl));
            let headers = tri!(HeaderMap::deserialize(&hbytes).ok_or(Status::BadArgument));
            let body = tri!(read(&mut caller, bp, bl));
            let tbytes = tri!(read(&mut caller, tp, tl));
            let trailers = tri!(HeaderMap::deserialize(&tbytes).ok_or(Status::BadArgument));
            // Envoy refuses a call without these, or to a cluster it does not know.
            for required in [":method", ":path", ":authority"] {
                if headers.get(required).is_none_or(<[u8]>::is_empty) {
                    return Ok(Status::BadArgument as u32);
                }
            }
            let (worker, context_id) = (caller.data().worker, caller.data().effective_context);
            let token = {
                let mut shared = lock(&caller.data().shared);
                if !shared.clusters.contains(&cluster) {
                    return Ok(Status::BadArgument as u32);
                }
                shared.next_token += 1;
                let token = shared.next_token;
                let call = HttpCall {
                    token,
                    worker,
                    context_id,
                    cluster,
                    headers,
                    body,
                    trailers,
                    timeout: Duration::from_millis(u64::from(timeout_ms)),
                    sent_at: shared.elapsed,
                };
                let scripted = shared.http_responders.iter().find_map(|r| r(&call));
                let now = shared.elapsed;
                let timeout_at = now + call.timeout;
                match scripted {
                    Some(reply) if reply.delay < call.timeout || call.timeout.is_zero() => {
                        let outcome = match reply.outcome {
                            super::state::HttpCallOutcome::Timeout => {
                                shared
                                    .due
                                    .push((timeout_at, Due::Http(token, reply.outcome)));
                                None
                            }
                            o => Some(o),
                        };
                        if let Some(o) = outcome {
                            shared.due.push((now + reply.delay, Due::Http(token, o)));
                        }
                    }
                    _ => {
                        // Unscripted (or too slow): the timeout answers, unless
                        // the test replies first with `Host::reply_http_call`.
                        if !call.timeout.is_zero() {
                            shared.due.push((
                                timeout_at,
                                Due::Http(token, super::state::HttpCallOutcome::Timeout),
                            ));
                        }
                    }
                }
                shared.http_calls.insert(token, call);
                token
            };
            tri!(write_u32(&mut caller, ret, token));
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_grpc_call",
        |caller,
         up: u32,
         ul: u32,
         sp: u32,
         sl: u32,
         mp: u32,
         ml: u32,
         ip: u32,
         il: u32,
         msgp: u32,
         msgl: u32,
         timeout_ms: u32,
         ret: u32| {
            let upstream = tri!(read(&mut caller, up, ul));
            let service = tri!(read_string(&mut caller, sp, sl));
            let method = tri!(read_string(&mut caller, mp, ml));
            let mbytes = tri!(read(&mut caller, ip, il));
            let metadata = tri!(HeaderMap::deserialize(&mbytes).ok_or(Status::BadArgument));
            let message = tri!(read(&mut caller, msgp, msgl));
            let (worker, context_id) = (caller.data().worker, caller.data().effective_context);
            let token = {
                let mut shared = lock(&caller.data().shared);
                // Envoy parses `upstream` as a GrpcService, else a cluster name;
                // an unknown cluster is ParseFailure.
                let name = String::from_utf8_lossy(&upstream).into_owned();
                if !shared.clusters.contains(&name) {
                    return Ok(Status::ParseFailure as u32);
                }
                shared.next_token += 1;
                let token = shared.next_token;
                let call = GrpcCall {
                    token,
                    worker,
                    context_id,
                    upstream,
                    service,
                    method,
                    metadata,
                    message,
                    timeout: Duration::from_millis(u64::from(timeout_ms)),
                    sent_at: shared.elapsed,
                };
                let now = shared.elapsed;
                let timeout_at = now + call.timeout;
                let scripted = shared.grpc_responders.iter().find_map(|r| r(&call));
                match scripted {
                    Some(reply)
                        if !reply.timeout
                            && (reply.delay < call.timeout || call.timeout.is_zero()) =>
                    {
                        shared
                            .due
                            .push((now + reply.delay, Due::Grpc(token, reply)));
                    }
                    _ => {
                        if !call.timeout.is_zero() {
                            shared.due.push((
                                timeout_at,
                                Due::Grpc(token, super::state::GrpcCallReply::timeout()),
                            ));
                        }
                    }
                }
                shared.grpc_calls.insert(token, call);
                token
            };
            tri!(write_u32(&mut caller, ret, token));
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_grpc_stream",
        |_caller,
         _a: u32,
         _b: u32,
         _c: u32,
         _d: u32,
         _e: u32,
         _f: u32,
         _g: u32,
         _h: u32,
         _ret: u32| { Ok(Status::Unimplemented as u32) }
    );
    host_fn!(
        linker,
        "proxy_grpc_send",
        |_caller, _t: u32, _p: u32, _l: u32, _e: u32| { Ok(Status::Unimplemented as u32) }
    );
    host_fn!(linker, "proxy_grpc_cancel", |caller, token: u32| {
        cancel_call(&caller, token)
    });
    host_fn!(linker, "proxy_grpc_close", |caller, token: u32| {
        cancel_call(&caller, token)
    });
    host_fn!(
        linker,
        "proxy_get_status",
        |caller, code_ptr: u32, ptr_ptr: u32, size_ptr: u32| {
            let (code, msg) = caller.data().status.clone();
            tri!(write_u32(&mut caller, code_ptr, code));
            Ok(return_bytes(&mut caller, &msg, ptr_ptr, size_ptr)? as u32)
        }
    );
    host_fn!(linker, "proxy_set_effective_context", |caller, id: u32| {
        let vm = caller.data_mut();
        if id != vm.root_context_id && id != 0 && !vm.streams.contains_key(&id) {
            return Ok(Status::BadArgument as u32);
        }
        vm.effective_context = id;
        Ok(Status::Ok as u32)
    });
    host_fn!(linker, "proxy_done", |caller| {
        caller.data_mut().done_called = true;
        Ok(Status::Ok as u32)
    });
    host_fn!(
        linker,
        "proxy_call_foreign_function",
        |_caller, _np: u32, _nl: u32, _ap: u32, _al: u32, _rp: u32, _rl: u32| {
            Ok(Status::NotFound as u32)
        }
    );

    // --- metrics -------------------------------------------------------------
    host_fn!(
        linker,
        "proxy_define_metric",
        |caller, kind: u32, np: u32, nl: u32, ret: u32| {
            let name = tri!(read_string(&mut caller, np, nl));
            let value = match kind {
                0 => MetricValue::Counter(0),
                1 => MetricValue::Gauge(0),
                2 => MetricValue::Histogram(Vec::new()),
                _ => return Ok(Status::BadArgument as u32),
            };
            let id = {
                let mut shared = lock(&caller.data().shared);
                match shared.metrics.iter().position(|m| m.name == name) {
                    Some(i) => i as u32 + 1,
                    None => {
                        shared.metrics.push(Metric { name, value });
                        shared.metrics.len() as u32
                    }
                }
            };
            tri!(write_u32(&mut caller, ret, id));
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_increment_metric",
        |caller, id: u32, offset: i64| {
            let mut shared = lock(&caller.data().shared);
            let Some(metric) = shared.metrics.get_mut((id as usize).wrapping_sub(1)) else {
                return Ok(Status::NotFound as u32);
            };
            match &mut metric.value {
                MetricValue::Counter(v) => {
                    if offset <= 0 {
                        return Ok(Status::BadArgument as u32);
                    }
                    *v = v.saturating_add(offset as u64);
                }
                MetricValue::Gauge(v) => *v = v.saturating_add(offset),
                MetricValue::Histogram(_) => return Ok(Status::BadArgument as u32),
            }
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(
        linker,
        "proxy_record_metric",
        |caller, id: u32, value: u64| {
            let mut shared = lock(&caller.data().shared);
            let Some(metric) = shared.metrics.get_mut((id as usize).wrapping_sub(1)) else {
                return Ok(Status::NotFound as u32);
            };
            match &mut metric.value {
                MetricValue::Counter(v) => *v = value,
                MetricValue::Gauge(v) => *v = value as i64,
                MetricValue::Histogram(h) => h.push(value),
            }
            Ok(Status::Ok as u32)
        }
    );
    host_fn!(linker, "proxy_get_metric", |caller, id: u32, ret: u32| {
        let value = {
            let shared = lock(&caller.data().shared);
            match shared
                .metrics
                .get((id as usize).wrapping_sub(1))
                .map(|m| &m.value)
            {
                Some(MetricValue::Counter(v)) => *v,
                Some(MetricValue::Gauge(v)) => *v as u64,
                Some(MetricValue::Histogram(_)) => return Ok(Status::BadArgument as u32),
                None => return Ok(Status::NotFound as u32),
            }
        };
        tri!(write_u64(&mut caller, ret, value));
        Ok(Status::Ok as u32)
    });
    Ok(())
}

fn cancel_call(caller: &Ctx<'_>, token: u32) -> R {
    let mut shared = lock(&caller.data().shared);
    let before = shared.due.len();
    shared
        .due
        .retain(|(_, d)| !matches!(d, Due::Grpc(t, _) | Due::Http(t, _) if *t == token));
    if shared.due.len() == before {
        return Ok(Status::NotFound as u32);
    }
    Ok(Status::Ok as u32)
}
