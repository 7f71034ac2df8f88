//! A minimal HTTP/1.1 client for tests, std only.
//!
//! ```no_run
//! use tollgate_tools::http_client::{request, Body};
//! let resp = request("POST", "http://127.0.0.1:10000/v1/chat/completions",
//!     &[("content-type", "application/json")],
//!     Body::Bytes(br#"{"model":"m","stream":true,"messages":[]}"#.to_vec()))?;
//! for event in resp.sse_events() { println!("{:?}", event.data); }
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! Why not a client crate: end-to-end tests need to see *how* a body travelled
//! (request bodies sent in timed pieces, response chunks with their arrival
//! times), which general-purpose clients hide. [`request`] opens one
//! connection per request (`connection: close`); [`Connection`] keeps one
//! alive for load generation. Every read and write has a timeout (30 s by
//! default) so a test never hangs. The HTTP/1.1 framing helpers here are also
//! used by the [`crate::mock_llm`] server.

// Test infrastructure runs natively: it needs the real clock.
#![allow(clippy::disallowed_methods)]

use anyhow::{anyhow, bail, Context, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// The timeout [`request`] applies to connecting and to the whole exchange.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Longest request/status line or header line accepted, and the most headers.
const MAX_LINE: usize = 64 * 1024;
const MAX_HEADERS: usize = 256;
/// The largest body either side will buffer (a test never needs more).
pub(crate) const MAX_BODY: usize = 256 * 1024 * 1024;

/// A request body and how it is framed on the wire.
#[derive(Clone, Debug, Default)]
pub enum Body {
    /// No body (no content-length header either).
    #[default]
    None,
    /// Sent at once with `content-length`.
    Bytes(Vec<u8>),
    /// Sent with `transfer-encoding: chunked`, one HTTP chunk per element,
    /// each written and flushed, pausing for the duration between them, so a
    /// proxy sees the body arrive in pieces. Empty elements are skipped (an
    /// empty chunk would end the body).
    Chunks(Vec<Vec<u8>>, Duration),
}

impl Body {
    /// A JSON body with content-length.
    pub fn json(value: &serde_json::Value) -> Body {
        Body::Bytes(value.to_string().into_bytes())
    }
}

/// A response, fully read.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    /// Header names lowercased, in order received.
    pub headers: Vec<(String, String)>,
    /// The whole body, de-chunked.
    pub body: Vec<u8>,
    /// The body as it arrived: one entry per HTTP chunk for chunked bodies,
    /// one per socket read otherwise, with the time since the request was
    /// fully sent.
    pub chunks: Vec<(Duration, Vec<u8>)>,
}

impl Response {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// All values of a header, in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON; the error quotes the body.
    pub fn json(&self) -> Result<serde_json::Value> {
        serde_json::from_slice(&self.body).with_context(|| {
            format!(
                "response body (status {}) is not JSON: {:?}",
                self.status,
                truncate(&self.text(), 2000)
            )
        })
    }

    /// The body parsed as server-sent events.
    pub fn sse_events(&self) -> Vec<SseEvent> {
        parse_sse(&self.text())
    }
}

/// One server-sent event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, if the event had one.
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

impl SseEvent {
    /// The data parsed as JSON (fails for e.g. OpenAI's `[DONE]`).
    pub fn json(&self) -> Result<serde_json::Value> {
        serde_json::from_str(&self.data)
            .with_context(|| format!("SSE data is not JSON: {:?}", truncate(&self.data, 500)))
    }
}

/// Parses a complete `text/event-stream` body with the filters' own parser
/// (`tollgate_core::request::sse`, WHATWG rules; `id` and `retry` dropped
/// here). Events without data lines are dropped, as a browser would; a
/// stream cut before its final blank line still yields its last event.
pub fn parse_sse(text: &str) -> Vec<SseEvent> {
    use tollgate_core::request::sse::{SseItem, SseParser};
    let mut parser = SseParser::new(usize::MAX);
    let mut items = Vec::new();
    if parser.push(text.as_bytes(), &mut items).is_err() || parser.finish(&mut items).is_err() {
        return Vec::new();
    }
    items
        .into_iter()
        .filter_map(|item| match item {
            SseItem::Event(e) => e.data.map(|data| SseEvent {
                event: e.event,
                data,
            }),
            SseItem::Comment(_) => None,
        })
        .collect()
}

/// Sends one request on a fresh connection (`connection: close`) and reads
/// the whole response, with [`DEFAULT_TIMEOUT`].
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Body) -> Result<Response> {
    request_with_timeout(method, url, headers, body, DEFAULT_TIMEOUT)
}

/// [`request`] with a timeout for the whole exchange.
pub fn request_with_timeout(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Body,
    timeout: Duration,
) -> Result<Response> {
    let target = Url::parse(url)?;
    let addr = target.socket_addr()?;
    let deadline = Instant::now()
        .checked_add(timeout)
        .context("timeout too large")?;
    let mut conn = Connection::open_with_timeout(addr, timeout)
        .with_context(|| format!("{method} {url}: connecting"))?;
    conn.host = target.authority.clone();
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    if find_header_str(headers, "connection").is_none() {
        all.push(("connection", "close"));
    }
    conn.send_until(method, &target.path, &all, body, deadline)
        .with_context(|| format!("{method} {url}"))
}

/// `GET url`.
pub fn get(url: &str) -> Result<Response> {
    request("GET", url, &[], Body::None)
}

/// `POST url` with a JSON body (`content-type: application/json` is added).
pub fn post_json(
    url: &str,
    headers: &[(&str, &str)],
    body: &serde_json::Value,
) -> Result<Response> {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    request("POST", url, &all, Body::json(body))
}

/// One client connection that may carry several requests (keep-alive), for
/// load generation. Each [`Connection::send`] has the connection's timeout.
#[derive(Debug)]
pub struct Connection {
    reader: BufReader<TcpStream>,
    host: String,
    timeout: Duration,
    closed: bool,
}

impl Connection {
    /// Connects with [`DEFAULT_TIMEOUT`].
    pub fn open(addr: SocketAddr) -> Result<Connection> {
        Self::open_with_timeout(addr, DEFAULT_TIMEOUT)
    }

    /// Connects; `timeout` bounds the connect and each later exchange.
    pub fn open_with_timeout(addr: SocketAddr, timeout: Duration) -> Result<Connection> {
        let stream = TcpStream::connect_timeout(&addr, timeout)
            .with_context(|| format!("connecting to {addr}"))?;
        stream.set_nodelay(true)?;
        stream.set_write_timeout(Some(timeout))?;
        stream.set_read_timeout(Some(timeout))?;
        Ok(Connection {
            reader: BufReader::new(stream),
            host: addr.to_string(),
            timeout,
            closed: false,
        })
    }

    /// Whether the server closed (or asked to close) the connection; a
    /// closed connection cannot send again.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Sends a request for `path` (origin form, e.g. `/v1/models`) and reads
    /// the response.
    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Body,
    ) -> Result<Response> {
        let deadline = Instant::now()
            .checked_add(self.timeout)
            .context("timeout too large")?;
        self.send_until(method, path, headers, body, deadline)
    }

    fn send_until(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Body,
        deadline: Instant,
    ) -> Result<Response> {
        if self.closed {
            bail!("connection already closed");
        }
        let mut head = format!("{method} {path} HTTP/1.1\r\n");
        if find_header_str(headers, "host").is_none() {
            head.push_str(&format!("host: {}\r\n", self.host));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        match &body {
            Body::None => {}
            Body::Bytes(b) => head.push_str(&format!("content-length: {}\r\n", b.len())),
            Body::Chunks(..) => head.push_str("transfer-encoding: chunked\r\n"),
        }
        head.push_str("\r\n");
        let stream = self.reader.get_mut();
        match body {
            Body::None => {
                stream.write_all(head.as_bytes())?;
            }
            Body::Bytes(b) => {
                let mut all = head.into_bytes();
                all.extend_from_slice(&b);
                stream.write_all(&all)?;
            }
            Body::Chunks(chunks, pause) => {
                stream.write_all(head.as_bytes())?;
                stream.flush()?;
                let mut first = true;
                for chunk in chunks.iter().filter(|c| !c.is_empty()) {
                    if !first {
                        std::thread::sleep(pause);
                    }
                    first = false;
                    write_chunk(stream, chunk)?;
                }
                stream.write_all(b"0\r\n\r\n")?;
            }
        }
        stream.flush().context("sending the request")?;
        let sent = Instant::now();

        let head = loop {
            let head = read_head(&mut self.reader)?
                .ok_or_else(|| anyhow!("connection closed before a response"))?;
            let status = parse_status(&head.start_line)?;
            // Interim responses (100 Continue, 103 Early Hints) precede the real one.
            if (100..200).contains(&status) && status != 101 {
                continue;
            }
            break head;
        };
        let status = parse_status(&head.start_line)?;
        let headers = head.headers;
        let mut body = Vec::new();
        let mut chunks = Vec::new();
        let no_body = method.eq_ignore_ascii_case("HEAD") || status == 204 || status == 304;
        let chunked = find_header(&headers, "transfer-encoding")
            .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
        let mut close = find_header(&headers, "connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"))
            || head.start_line.starts_with("HTTP/1.0");
        if no_body {
        } else if chunked {
            read_chunked(&mut self.reader, deadline, |piece| {
                body.extend_from_slice(piece);
                chunks.push((sent.elapsed(), piece.to_vec()));
            })?;
        } else if let Some(len) = find_header(&headers, "content-length") {
            let len: usize = len
                .trim()
                .parse()
                .with_context(|| format!("bad content-length {len:?}"))?;
            if len > MAX_BODY {
                bail!("response body of {len} bytes is over the {MAX_BODY} limit");
            }
            let mut buf = vec![0u8; 64 * 1024];
            while body.len() < len {
                check_deadline(deadline)?;
                let want = buf.len().min(len.saturating_sub(body.len()));
                let slice = buf.get_mut(..want).context("buffer slice")?;
                let n = self.reader.read(slice).context("reading the body")?;
                if n == 0 {
                    bail!("connection closed after {} of {len} body bytes", body.len());
                }
                let piece = slice.get(..n).context("buffer slice")?;
                body.extend_from_slice(piece);
                chunks.push((sent.elapsed(), piece.to_vec()));
            }
        } else {
            // No framing: the body runs to the end of the connection.
            close = true;
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                check_deadline(deadline)?;
                let n = self.reader.read(&mut buf).context("reading the body")?;
                if n == 0 {
                    break;
                }
                let piece = buf.get(..n).context("buffer slice")?;
                if body.len().saturating_add(n) > MAX_BODY {
                    bail!("response body is over the {MAX_BODY} limit");
                }
                body.extend_from_slice(piece);
                chunks.push((sent.elapsed(), piece.to_vec()));
            }
        }
        self.closed = close;
        Ok(Response {
            status,
            headers,
            body,
            chunks,
        })
    }
}

/// An `http://host:port/path` URL.
#[derive(Clone, Debug)]
pub(crate) struct Url {
    pub(crate) https: bool,
    pub(crate) host: String,
    pub(crate) port: u16,
    /// `host:port` as given (for the Host header).
    pub(crate) authority: String,
    /// Starts with `/`; includes the query.
    pub(crate) path: String,
}

impl Url {
    /// Parses `http://` and `https://` URLs (the client itself speaks plain
    /// HTTP only; the test bed uses `https` for its upstream).
    pub(crate) fn parse(url: &str) -> Result<Url> {
        let (https, rest) = if let Some(rest) = url.strip_prefix("http://") {
            (false, rest)
        } else if let Some(rest) = url.strip_prefix("https://") {
            (true, rest)
        } else {
            bail!("unsupported URL {url:?}: expected http://host[:port]/path");
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, "/"),
        };
        if authority.is_empty() {
            bail!("URL {url:?} has no host");
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => {
                let port = p
                    .parse::<u16>()
                    .with_context(|| format!("bad port in URL {url:?}"))?;
                (h, port)
            }
            _ => (authority, if https { 443 } else { 80 }),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        Ok(Url {
            https,
            host: host.to_string(),
            port,
            authority: authority.to_string(),
            path: path.to_string(),
        })
    }

    fn socket_addr(&self) -> Result<SocketAddr> {
        if self.https {
            bail!("https URLs are not supported by this client");
        }
        (self.host.as_str(), self.port)
            .to_socket_addrs()
            .with_context(|| format!("resolving {}", self.host))?
            .next()
            .ok_or_else(|| anyhow!("{} resolves to no address", self.host))
    }
}

/// The start line and headers of a request or response.
#[derive(Debug)]
pub(crate) struct Head {
    pub(crate) start_line: String,
    /// Names lowercased.
    pub(crate) headers: Vec<(String, String)>,
}

/// Reads a message head; `None` if the peer closed before sending a byte.
pub(crate) fn read_head<R: BufRead>(r: &mut R) -> Result<Option<Head>> {
    let start_line = match read_line(r)? {
        None => return Ok(None),
        Some(l) => l,
    };
    let mut headers = Vec::new();
    loop {
        let line = read_line(r)?.ok_or_else(|| anyhow!("connection closed inside headers"))?;
        if line.is_empty() {
            break;
        }
        if headers.len() >= MAX_HEADERS {
            bail!("more than {MAX_HEADERS} headers");
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| anyhow!("malformed header line {line:?}"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    Ok(Some(Head {
        start_line,
        headers,
    }))
}

/// One CRLF- (or LF-) terminated line without its terminator; `None` at EOF.
fn read_line<R: BufRead>(r: &mut R) -> Result<Option<String>> {
    let mut buf = Vec::new();
    let n = r
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut buf)
        .context("reading a line")?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') {
        if buf.len() >= MAX_LINE {
            bail!("line longer than {MAX_LINE} bytes");
        }
        bail!("connection closed mid-line");
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// Decodes a chunked body, calling `on_chunk` once per non-empty chunk as it
/// completes; trailers are read and dropped.
pub(crate) fn read_chunked<R: BufRead>(
    r: &mut R,
    deadline: Instant,
    mut on_chunk: impl FnMut(&[u8]),
) -> Result<()> {
    let mut total = 0usize;
    loop {
        check_deadline(deadline)?;
        let line =
            read_line(r)?.ok_or_else(|| anyhow!("connection closed inside a chunked body"))?;
        let size_hex = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16)
            .with_context(|| format!("bad chunk size line {line:?}"))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while let Some(l) = read_line(r)? {
                if l.is_empty() {
                    break;
                }
            }
            return Ok(());
        }
        total = total.saturating_add(size);
        if total > MAX_BODY {
            bail!("chunked body is over the {MAX_BODY} limit");
        }
        let mut chunk = vec![0u8; size];
        r.read_exact(&mut chunk).context("reading a chunk")?;
        let crlf = read_line(r)?.ok_or_else(|| anyhow!("connection closed after a chunk"))?;
        if !crlf.is_empty() {
            bail!("chunk not followed by CRLF");
        }
        on_chunk(&chunk);
    }
}

/// Writes one HTTP chunk (must be non-empty) and flushes it.
pub(crate) fn write_chunk<W: Write>(w: &mut W, data: &[u8]) -> std::io::Result<()> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    w.write_all(&out)?;
    w.flush()
}

/// The first header with this name (names are stored lowercased).
pub(crate) fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn find_header_str<'a>(headers: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

fn parse_status(line: &str) -> Result<u16> {
    let mut parts = line.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some(v), Some(code)) if v.starts_with("HTTP/") => code
            .parse()
            .with_context(|| format!("bad status line {line:?}")),
        _ => bail!("bad status line {line:?}"),
    }
}

fn check_deadline(deadline: Instant) -> Result<()> {
    if Instant::now() > deadline {
        bail!("timed out");
    }
    Ok(())
}

pub(crate) fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max_chars).collect();
    t.push('…');
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn parses_sse_with_event_lines_comments_and_multiline_data() {
        let text = ": comment\r\nevent: ping\r\ndata: {\"a\":1}\r\n\r\ndata: one\ndata: two\n\ndata: [DONE]\n\nevent: orphan\n\n";
        let events = parse_sse(text);
        assert_eq!(
            events,
            vec![
                SseEvent {
                    event: Some("ping".into()),
                    data: "{\"a\":1}".into()
                },
                SseEvent {
                    event: None,
                    data: "one\ntwo".into()
                },
                SseEvent {
                    event: None,
                    data: "[DONE]".into()
                },
            ]
        );
    }

    #[test]
    fn parses_urls() {
        let u = Url::parse("http://127.0.0.1:8080/v1/x?y=1").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("127.0.0.1", 8080, "/v1/x?y=1")
        );
        let u = Url::parse("https://api.openai.com").unwrap();
        assert_eq!(
            (u.https, u.host.as_str(), u.port, u.path.as_str()),
            (true, "api.openai.com", 443, "/")
        );
        let u = Url::parse("http://[::1]:9/").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 9));
        assert!(Url::parse("ftp://x").is_err());
    }

    /// A one-shot server that records the raw request and replies with `reply`.
    fn one_shot(reply: &'static [u8]) -> (SocketAddr, std::thread::JoinHandle<Vec<u8>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let handle = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            let head = read_head(&mut reader).unwrap().unwrap();
            let mut raw = head.start_line.clone().into_bytes();
            for (n, v) in &head.headers {
                raw.extend_from_slice(format!("\n{n}: {v}").as_bytes());
            }
            raw.extend_from_slice(b"\n\n");
            if find_header(&head.headers, "transfer-encoding").is_some() {
                read_chunked(&mut reader, Instant::now() + DEFAULT_TIMEOUT, |c| {
                    raw.extend_from_slice(b"[");
                    raw.extend_from_slice(c);
                    raw.extend_from_slice(b"]");
                })
                .unwrap();
            } else if let Some(len) = find_header(&head.headers, "content-length") {
                let mut body = vec![0; len.parse().unwrap()];
                reader.read_exact(&mut body).unwrap();
                raw.extend_from_slice(&body);
            }
            reader.get_mut().write_all(reply).unwrap();
            raw
        });
        (addr, handle)
    }

    #[test]
    fn sends_chunked_bodies_and_decodes_chunked_replies() {
        let (addr, server) = one_shot(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nx-trailer: 1\r\n\r\n",
        );
        let resp = request(
            "POST",
            &format!("http://{addr}/p"),
            &[("x-test", "1")],
            Body::Chunks(
                vec![b"he".to_vec(), vec![], b"llo".to_vec()],
                Duration::from_millis(1),
            ),
        )
        .unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.header("X-A"), Some("b"));
        assert_eq!(resp.text(), "abcde");
        let pieces: Vec<&[u8]> = resp.chunks.iter().map(|(_, c)| c.as_slice()).collect();
        assert_eq!(pieces, vec![&b"abc"[..], &b"de"[..]]);
        let raw = String::from_utf8(server.join().unwrap()).unwrap();
        assert!(
            raw.starts_with("POST /p HTTP/1.1\nhost: 127.0.0.1:"),
            "{raw}"
        );
        assert!(
            raw.contains("\nx-test: 1\nconnection: close\ntransfer-encoding: chunked\n"),
            "{raw}"
        );
        assert!(raw.ends_with("\n\n[he][llo]"), "{raw}");
    }

    #[test]
    fn reads_content_length_and_read_to_close_bodies() {
        let (addr, _s) = one_shot(b"HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\n{\"a\"");
        let resp = request(
            "POST",
            &format!("http://{addr}/"),
            &[],
            Body::Bytes(b"xyz".to_vec()),
        )
        .unwrap();
        assert_eq!((resp.status, resp.text().as_str()), (201, "{\"a\""));
        let (addr, _s) = one_shot(b"HTTP/1.0 200 OK\r\n\r\nuntil close");
        let resp = get(&format!("http://{addr}/")).unwrap();
        assert_eq!(resp.text(), "until close");
    }

    #[test]
    fn times_out_instead_of_hanging() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let started = Instant::now();
        let err = request_with_timeout(
            "GET",
            &format!("http://{addr}/"),
            &[],
            Body::None,
            Duration::from_millis(200),
        )
        .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10), "{err:#}");
        drop(listener);
    }
}
