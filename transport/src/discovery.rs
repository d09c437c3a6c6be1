//! Endpoint discovery: what a DevTools HTTP server (a browser's `--remote-debugging-port`,
//! Node.js's `--inspect`) says at `/json/version`, `/json/list` and `/json/protocol`.
//!
//! Just enough HTTP/1.1 for that: plain TCP, `Connection: close`, a body sized by
//! `Content-Length`, chunked, or read to the end. Every request is bounded in time (the
//! [`Client`]'s deadline, however slowly the server answers) and in size (64 KiB of headers,
//! [`MAX_VERSION_BODY`] or [`MAX_PROTOCOL_BODY`] of body).
//!
//! ```no_run
//! use std::time::Duration;
//! use cdp_transport::discovery::{Client, Endpoint};
//!
//! # fn main() -> Result<(), cdp_transport::discovery::DiscoveryError> {
//! let endpoint = Endpoint::parse("http://127.0.0.1:9222")?;
//! let client = Client::new(endpoint, Duration::from_secs(10));
//! let version = client.version()?;
//! println!("{} at {}", version.browser()?, version.web_socket_debugger_url()?);
//! let protocol_json = client.protocol()?;
//! # let _ = protocol_json;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

/// The largest `/json/version` body read, in bytes; it is well under 1 KiB.
pub const MAX_VERSION_BODY: usize = 1 << 20;

/// The largest `/json/protocol` body read, in bytes; Chromium's is about 1.6 MB.
pub const MAX_PROTOCOL_BODY: usize = 64 << 20;

/// The largest `/json/list` body read, in bytes: about 600 bytes a target.
pub const MAX_LIST_BODY: usize = 16 << 20;

/// The most bytes of status line and headers read (also the longest chunk-size line).
const MAX_HEAD: usize = 64 * 1024;

/// How long to wait before trying again a connection that was refused.
const RETRY_AFTER: Duration = Duration::from_millis(50);

/// Why asking a DevTools server failed. Each message names the address asked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// The address is not `http://HOST:PORT`.
    BadAddress {
        /// The address as given.
        address: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The request did not complete before the [`Client`]'s deadline.
    Timeout {
        /// The URL asked.
        url: String,
        /// The client's time limit.
        after: Duration,
        /// What had happened by then, e.g. "timed out after 512 bytes of the answer".
        reason: String,
    },
    /// The request failed: no connection, or an answer that is not a whole HTTP 200 answer
    /// within the size limit, or whose body is not what the path must give.
    Failed {
        /// The URL asked.
        url: String,
        /// Why it failed.
        reason: String,
    },
}

impl fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiscoveryError::BadAddress { address, reason } => write!(
                f,
                "bad DevTools address `{address}`: {reason}; expected e.g. `http://127.0.0.1:9222`"
            ),
            DiscoveryError::Timeout { url, after, reason } => {
                write!(f, "GET {url} did not finish within {after:?}: {reason}")
            }
            DiscoveryError::Failed { url, reason } => write!(f, "GET {url} failed: {reason}"),
        }
    }
}

impl std::error::Error for DiscoveryError {}

/// Where a DevTools HTTP server listens: `http://HOST:PORT`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    host: String,
    port: u16,
}

impl Endpoint {
    /// Reads `http://HOST:PORT`, with an optional trailing `/`. HOST is a name, an IPv4
    /// address or a bracketed IPv6 address (`[::1]`). Anything else (another scheme, a path,
    /// no port) is a [`DiscoveryError::BadAddress`] that says what is wrong.
    pub fn parse(url: &str) -> Result<Endpoint, DiscoveryError> {
        Endpoint::parse_reason(url).map_err(|reason| DiscoveryError::BadAddress {
            address: url.to_owned(),
            reason,
        })
    }

    fn parse_reason(url: &str) -> Result<Endpoint, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or("it must start with `http://`")?;
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains(['/', '?', '#', '@']) {
            return Err("give only the scheme, host and port, without a path".into());
        }
        Endpoint::from_authority(authority)
    }

    /// The HTTP server of a browser whose WebSocket is `ws://HOST:PORT/devtools/browser/..`,
    /// as [`BrowserProcess::launch_with_port`](crate::BrowserProcess::launch_with_port)
    /// returns it.
    pub fn from_websocket_url(url: &str) -> Result<Endpoint, DiscoveryError> {
        let bad = |reason: String| DiscoveryError::BadAddress {
            address: url.to_owned(),
            reason,
        };
        let rest = url
            .strip_prefix("ws://")
            .ok_or_else(|| bad("it must start with `ws://`".into()))?;
        Endpoint::from_authority(rest.split('/').next().unwrap_or_default()).map_err(bad)
    }

    /// `HOST:PORT`, with the host checked as [`Endpoint::parse`] describes.
    pub(crate) fn from_authority(authority: &str) -> Result<Endpoint, String> {
        let (host, port) = authority
            .rsplit_once(':')
            .filter(|(_, port)| !port.ends_with(']'))
            .ok_or("it has no port (`:PORT`)")?;
        if host.is_empty() {
            return Err("it has no host".into());
        }
        let bracketed = host.starts_with('[') && host.ends_with(']');
        if host.contains(':') && !bracketed {
            return Err("an IPv6 host must be written in brackets, e.g. `[::1]`".into());
        }
        let legal = |c: char| c.is_ascii_alphanumeric() || "-._:[]".contains(c);
        if !host.chars().all(legal) {
            return Err(format!(
                "the host `{host}` has characters a host cannot have"
            ));
        }
        let port: u16 = port
            .parse()
            .ok()
            .filter(|&port| port != 0)
            .ok_or_else(|| format!("the port `{port}` is not a number from 1 to 65535"))?;
        Ok(Endpoint {
            host: host.to_owned(),
            port,
        })
    }

    /// The host as written, e.g. `127.0.0.1`, `localhost` or `[::1]`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://HOST:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}:{}{path}", self.host, self.port)
    }

    fn host_port(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}:{}", self.host, self.port)
    }
}

/// Asks one DevTools server, with one deadline for every request made through it.
#[derive(Debug, Clone)]
pub struct Client {
    endpoint: Endpoint,
    timeout: Duration,
    deadline: Instant,
    wait_for_listener: bool,
}

impl Client {
    /// A client whose requests all end within `timeout` from now, together: the deadline is
    /// set here, not per request.
    pub fn new(endpoint: Endpoint, timeout: Duration) -> Client {
        Client {
            endpoint,
            timeout,
            deadline: Instant::now() + timeout,
            wait_for_listener: false,
        }
    }

    /// With `true`, a refused connection is tried again until the deadline: a browser that
    /// has just printed its port may not accept yet. With `false` (the default), it fails at
    /// once, suggesting `--remote-debugging-port`.
    pub fn wait_for_listener(mut self, wait: bool) -> Client {
        self.wait_for_listener = wait;
        self
    }

    /// The server asked.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// `/json/version`: the browser's name and version and its WebSocket address.
    pub fn version(&self) -> Result<Version, DiscoveryError> {
        const PATH: &str = "/json/version";
        let text = self.get_text(PATH, MAX_VERSION_BODY)?;
        let failed = |reason: String| DiscoveryError::Failed {
            url: self.endpoint.url(PATH),
            reason,
        };
        match serde_json::from_str(&text) {
            Ok(Value::Object(fields)) => Ok(Version {
                url: self.endpoint.url(PATH),
                fields,
            }),
            Ok(_) => Err(failed("the answer is not a JSON object".into())),
            Err(err) => Err(failed(format!("the answer is not JSON: {err}"))),
        }
    }

    /// `/json/list`: the targets the server offers, each with its own WebSocket address. A
    /// browser lists its pages (and other targets); Node.js lists its one process.
    pub fn list(&self) -> Result<Vec<ListedTarget>, DiscoveryError> {
        const PATH: &str = "/json/list";
        let text = self.get_text(PATH, MAX_LIST_BODY)?;
        let failed = |reason: String| DiscoveryError::Failed {
            url: self.endpoint.url(PATH),
            reason,
        };
        match serde_json::from_str(&text) {
            Ok(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(index, item)| match item {
                    Value::Object(fields) => Ok(ListedTarget { fields }),
                    _ => Err(failed(format!("item {index} is not a JSON object"))),
                })
                .collect(),
            Ok(_) => Err(failed("the answer is not a JSON array".into())),
            Err(err) => Err(failed(format!("the answer is not JSON: {err}"))),
        }
    }

    /// The text of `/json/protocol`: the protocol schema the browser speaks, about 1.6 MB of
    /// JSON. It is not parsed here.
    pub fn protocol(&self) -> Result<String, DiscoveryError> {
        self.get_text("/json/protocol", MAX_PROTOCOL_BODY)
    }

    /// `GET path`: the body of a 200 answer, of at most `max_body` bytes, as UTF-8 text.
    pub fn get_text(&self, path: &str, max_body: usize) -> Result<String, DiscoveryError> {
        let body = self.get(path, max_body)?;
        String::from_utf8(body).map_err(|_| DiscoveryError::Failed {
            url: self.endpoint.url(path),
            reason: "the answer is not UTF-8".into(),
        })
    }

    /// `GET path`: the body of a 200 answer, of at most `max_body` bytes.
    pub fn get(&self, path: &str, max_body: usize) -> Result<Vec<u8>, DiscoveryError> {
        self.try_get(path, max_body).map_err(|reason| {
            let url = self.endpoint.url(path);
            if Instant::now() >= self.deadline {
                DiscoveryError::Timeout {
                    url,
                    after: self.timeout,
                    reason,
                }
            } else {
                DiscoveryError::Failed { url, reason }
            }
        })
    }

    fn try_get(&self, path: &str, max_body: usize) -> Result<Vec<u8>, String> {
        let host_port = self.endpoint.host_port();
        loop {
            match connect(&host_port, self.deadline) {
                Ok(stream) => return exchange(&stream, &host_port, path, self.deadline, max_body),
                Err(Connect::Refused(reason)) if self.wait_for_listener => {
                    let Some(left) = time_left(self.deadline) else {
                        return Err(reason);
                    };
                    std::thread::sleep(left.min(RETRY_AFTER));
                    if time_left(self.deadline).is_none() {
                        return Err(reason);
                    }
                }
                Err(Connect::Refused(reason)) => {
                    return Err(format!(
                        "{reason}; is a browser running with --remote-debugging-port={}?",
                        self.endpoint.port
                    ))
                }
                Err(Connect::Failed(reason)) => return Err(reason),
            }
        }
    }
}

/// What a browser says at `/json/version`, e.g. `{"Browser": "Chrome/156.0.8078.79",
/// "Protocol-Version": "1.3", "webSocketDebuggerUrl": "ws://127.0.0.1:9222/devtools/browser/.."}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    url: String,
    fields: Map<String, Value>,
}

impl Version {
    /// `Browser`, e.g. `Chrome/156.0.8078.79`.
    pub fn browser(&self) -> Result<&str, DiscoveryError> {
        self.required("Browser")
    }

    /// `Protocol-Version`, e.g. `1.3`.
    pub fn protocol_version(&self) -> Result<&str, DiscoveryError> {
        self.required("Protocol-Version")
    }

    /// `webSocketDebuggerUrl`, the browser's WebSocket.
    pub fn web_socket_debugger_url(&self) -> Result<&str, DiscoveryError> {
        self.required("webSocketDebuggerUrl")
    }

    /// Any string field, e.g. `User-Agent`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }

    fn required(&self, name: &str) -> Result<&str, DiscoveryError> {
        self.field(name).ok_or_else(|| DiscoveryError::Failed {
            url: self.url.clone(),
            reason: format!("the answer has no string `{name}`"),
        })
    }
}

/// One target of `/json/list`, e.g. Node.js's `{"type": "node", "title": "script.js",
/// "webSocketDebuggerUrl": "ws://127.0.0.1:9229/0f2c..", ..}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedTarget {
    fields: Map<String, Value>,
}

impl ListedTarget {
    /// `id`, the target's id.
    pub fn id(&self) -> Option<&str> {
        self.field("id")
    }

    /// `type`, e.g. `page`, `service_worker` or `node`.
    pub fn target_type(&self) -> Option<&str> {
        self.field("type")
    }

    /// `title`.
    pub fn title(&self) -> Option<&str> {
        self.field("title")
    }

    /// `url`: the page's address, or the script's.
    pub fn url(&self) -> Option<&str> {
        self.field("url")
    }

    /// `webSocketDebuggerUrl`, the target's own WebSocket; a server may leave it out (of a
    /// target a client is attached to already, say).
    pub fn web_socket_debugger_url(&self) -> Option<&str> {
        self.field("webSocketDebuggerUrl")
    }

    /// Any string field.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }
}

/// Why a TCP connection could not be opened.
pub(crate) enum Connect {
    /// Nothing listens (yet): worth trying again for a browser that is starting.
    Refused(String),
    Failed(String),
}

impl Connect {
    #[cfg(feature = "websocket")]
    pub(crate) fn into_reason(self) -> String {
        match self {
            Connect::Refused(reason) | Connect::Failed(reason) => reason,
        }
    }
}

/// Opens a TCP connection to `host_port` (`127.0.0.1:9222`, `[::1]:9222`, `localhost:9222`)
/// before `deadline`, trying each address it resolves to, with Nagle's algorithm off: the
/// protocol sends small messages and waits for each answer.
pub(crate) fn connect(host_port: &str, deadline: Instant) -> Result<TcpStream, Connect> {
    let addresses = host_port
        .to_socket_addrs()
        .map_err(|err| Connect::Failed(format!("cannot resolve {host_port}: {err}")))?;
    let mut last_error = Connect::Failed(format!("{host_port} resolves to no address"));
    for address in addresses {
        let Some(left) = time_left(deadline) else {
            return Err(Connect::Failed(format!(
                "no time left to connect to {address}"
            )));
        };
        match TcpStream::connect_timeout(&address, left) {
            Ok(stream) => {
                stream.set_nodelay(true).map_err(|err| {
                    Connect::Failed(format!("cannot set TCP_NODELAY on {address}: {err}"))
                })?;
                return Ok(stream);
            }
            Err(err) => {
                let reason = format!("cannot connect to {address}: {err}");
                last_error = if err.kind() == io::ErrorKind::ConnectionRefused {
                    Connect::Refused(reason)
                } else {
                    Connect::Failed(reason)
                };
            }
        }
    }
    Err(last_error)
}

fn time_left(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|left| !left.is_zero())
}

/// Sends `GET path` on `stream` and reads the answer. Chromium keeps the connection open after
/// answering, `Connection: close` or not, so a body sized by `Content-Length` or chunked ends
/// with its last byte; only a body with neither ends when the server closes the connection.
fn exchange(
    stream: &TcpStream,
    host_port: &str,
    path: &str,
    deadline: Instant,
    max_body: usize,
) -> Result<Vec<u8>, String> {
    let left = time_left(deadline).ok_or("no time left to send the request")?;
    stream
        .set_write_timeout(Some(left))
        .map_err(|err| err.to_string())?;
    // Chromium refuses a Host that is neither an IP address nor `localhost`, which guards
    // against DNS rebinding; the host as the user wrote it is one of those.
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host_port}\r\nAccept: application/json\r\n\
         Connection: close\r\n\r\n"
    );
    let mut writer = stream;
    writer
        .write_all(request.as_bytes())
        .map_err(|err| format!("cannot send the request: {err}"))?;
    let mut reader = BufReader::new(UntilDeadline {
        stream,
        deadline,
        read: 0,
    });
    let (status_line, headers) = read_head(&mut reader)?;
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let status = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(format!("not an HTTP/1.x answer: {status_line:?}"));
    }
    let mut chunked = false;
    let mut length = None;
    for (name, value) in &headers {
        if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value
                .split(',')
                .any(|coding| coding.trim().eq_ignore_ascii_case("chunked"));
        } else if name.eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| format!("bad Content-Length {value:?}"))?,
            );
        }
    }
    let body = if chunked {
        read_chunked(&mut reader, max_body)?
    } else if let Some(length) = length {
        read_sized(&mut reader, length, max_body)?
    } else {
        read_to_end(&mut reader, max_body)?
    };
    if status != "200" {
        let snippet = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
        return Err(format!(
            "the answer is {status_line:?}, expected status 200: {}",
            snippet.trim()
        ));
    }
    Ok(body)
}

/// The status line and the headers, up to the blank line that ends them.
fn read_head(reader: &mut impl BufRead) -> Result<(String, Vec<(String, String)>), String> {
    let mut left = MAX_HEAD;
    let mut status_line = None;
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader, left)?;
        if line.is_empty() {
            return Err("the answer ends inside its headers (no blank line)".into());
        }
        left -= line.len();
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        if status_line.is_none() {
            status_line = Some(line.to_owned());
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    Ok((status_line.unwrap_or_default(), headers))
}

/// One line with its line ending, of at most `limit` bytes; empty at the end of the answer.
fn read_line(reader: &mut impl BufRead, limit: usize) -> Result<String, String> {
    let mut line = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_until(b'\n', &mut line)
        .map_err(read_error)?;
    if line.len() > limit {
        return Err(format!(
            "the answer's headers (or a chunk size) are longer than {MAX_HEAD} bytes"
        ));
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

fn too_large(max_body: usize) -> String {
    format!("the answer is larger than {max_body} bytes")
}

fn read_sized(reader: &mut impl Read, length: usize, max_body: usize) -> Result<Vec<u8>, String> {
    if length > max_body {
        return Err(format!(
            "the answer is {length} bytes, larger than the {max_body} expected at most"
        ));
    }
    let mut body = Vec::with_capacity(length);
    reader
        .take(length as u64)
        .read_to_end(&mut body)
        .map_err(read_error)?;
    if body.len() < length {
        return Err(format!(
            "the answer ends after {} of its {length} bytes",
            body.len()
        ));
    }
    Ok(body)
}

fn read_to_end(reader: &mut impl Read, max_body: usize) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    reader
        .take(max_body as u64 + 1)
        .read_to_end(&mut body)
        .map_err(read_error)?;
    if body.len() > max_body {
        return Err(too_large(max_body));
    }
    Ok(body)
}

/// A chunked body: `SIZE[;ext]\r\nDATA\r\n` .. `0\r\n`. What follows the last chunk (trailers)
/// carries nothing needed, and is not waited for.
fn read_chunked(reader: &mut impl BufRead, max_body: usize) -> Result<Vec<u8>, String> {
    const CUT: &str = "the chunked answer is cut off";
    let mut body = Vec::new();
    loop {
        let line = read_line(reader, MAX_HEAD)?;
        if line.is_empty() {
            return Err(CUT.into());
        }
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        if size == 0 {
            return Ok(body);
        }
        if body.len().saturating_add(size) > max_body {
            return Err(too_large(max_body));
        }
        let start = body.len();
        reader
            .take(size as u64 + 2)
            .read_to_end(&mut body)
            .map_err(read_error)?;
        if body.len() < start + size + 2 {
            return Err(CUT.into());
        }
        if body[start + size..] != *b"\r\n" {
            return Err("a chunk does not end with CRLF".into());
        }
        body.truncate(start + size);
    }
}

fn read_error(err: io::Error) -> String {
    err.to_string()
}

/// Reads the stream until `deadline`: each read waits only for what is left of the time, so
/// that a server that sends a byte now and then cannot make the answer last forever.
struct UntilDeadline<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
    /// How many bytes were read, for the message of a timeout.
    read: usize,
}

impl Read for UntilDeadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let timed_out = |read: usize| {
            io::Error::new(
                io::ErrorKind::TimedOut,
                format!("timed out after {read} bytes of the answer"),
            )
        };
        let left = time_left(self.deadline).ok_or_else(|| timed_out(self.read))?;
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        match stream.read(buf) {
            Ok(read) => {
                self.read += read;
                Ok(read)
            }
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Err(timed_out(self.read))
            }
            Err(err) => Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// Accepts one connection, reads the request, writes `answer`, then writes `drip` one
    /// byte every 50 ms until the client goes (or, when `drip` is empty, keeps the connection
    /// open, as Chromium does, until the client goes).
    fn serve(answer: Vec<u8>, drip: &'static [u8]) -> Endpoint {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0; 1024];
            let _ = stream.read(&mut request);
            if stream.write_all(&answer).is_err() {
                return;
            }
            if drip.is_empty() {
                let _ = stream.read(&mut request);
                return;
            }
            for byte in drip.iter().cycle() {
                std::thread::sleep(Duration::from_millis(50));
                if stream.write_all(&[*byte]).is_err() {
                    return;
                }
            }
        });
        Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap()
    }

    /// Like [`serve`], but closes the connection after the answer.
    fn serve_and_close(answer: &[u8]) -> Endpoint {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let answer = answer.to_vec();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0; 1024];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(&answer);
        });
        Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap()
    }

    fn get(endpoint: Endpoint, max_body: usize) -> Result<Vec<u8>, DiscoveryError> {
        Client::new(endpoint, Duration::from_secs(5)).get("/json/version", max_body)
    }

    fn reason(err: DiscoveryError) -> String {
        match err {
            DiscoveryError::Failed { reason, .. } | DiscoveryError::Timeout { reason, .. } => {
                reason
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn endpoints_are_http_host_and_port_only() {
        let endpoint = Endpoint::parse("http://127.0.0.1:9222/").unwrap();
        assert_eq!((endpoint.host(), endpoint.port()), ("127.0.0.1", 9222));
        assert_eq!(endpoint.url("/json"), "http://127.0.0.1:9222/json");
        assert_eq!(
            Endpoint::parse("http://[::1]:9222").unwrap().host(),
            "[::1]"
        );
        for bad in [
            "https://127.0.0.1:9222",
            "127.0.0.1:9222",
            "http://127.0.0.1",
            "http://[::1]",
            "http://127.0.0.1:0",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:9222/json",
            "http://:9222",
            "http://::1:9222",
            "http://a b:1",
            "http://user@host:1",
        ] {
            let err = Endpoint::parse(bad).expect_err(bad);
            assert!(
                matches!(&err, DiscoveryError::BadAddress { address, .. } if address == bad),
                "{err:?}"
            );
        }
    }

    #[test]
    fn a_websocket_url_names_its_http_endpoint() {
        let endpoint =
            Endpoint::from_websocket_url("ws://127.0.0.1:41234/devtools/browser/4a6c").unwrap();
        assert_eq!(endpoint.to_string(), "http://127.0.0.1:41234");
        assert!(Endpoint::from_websocket_url("http://127.0.0.1:1/").is_err());
    }

    #[test]
    fn a_body_sized_by_content_length_is_complete_without_the_end_of_the_connection() {
        let endpoint = serve(
            b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nContent-Type: application/json\r\n\r\n{\"a\":1}"
                .to_vec(),
            b"",
        );
        assert_eq!(get(endpoint, 100).unwrap(), br#"{"a":1}"#);
    }

    #[test]
    fn a_chunked_body_is_decoded_and_complete_at_its_last_chunk() {
        let endpoint = serve(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
              3;ext=1\r\n{\"a\r\n4\r\n\": 1\r\n1\r\n}\r\n0\r\n"
                .to_vec(),
            b"",
        );
        assert_eq!(get(endpoint, 100).unwrap(), b"{\"a\": 1}");
    }

    #[test]
    fn a_body_without_length_is_read_to_the_end_of_the_connection() {
        let endpoint =
            serve_and_close(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n[1]");
        assert_eq!(get(endpoint, 100).unwrap(), b"[1]");
    }

    #[test]
    fn cut_or_malformed_answers_are_errors_that_say_how() {
        for (answer, expected) in [
            (
                &b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}"[..],
                "the answer ends after 2 of its 10 bytes",
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n{}",
                "the chunked answer is cut off",
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}",
                "bad chunk size \"ZZ\"",
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
                "bad Content-Length \"x\"",
            ),
            (b"HTTP/1.1 200 OK\r\n", "the answer ends inside its headers"),
            (b"SPDY 200 OK\r\n\r\n", "not an HTTP/1.x answer"),
            (
                b"HTTP/1.1 404 Not Found\r\n\r\nUnknown url",
                "the answer is \"HTTP/1.1 404 Not Found\", expected status 200: Unknown url",
            ),
        ] {
            let err = reason(get(serve_and_close(answer), 100).unwrap_err());
            assert!(err.contains(expected), "{err}");
        }
    }

    #[test]
    fn a_body_over_the_limit_is_refused_however_it_is_sized() {
        let sized = serve_and_close(b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n");
        let err = reason(get(sized, 10).unwrap_err());
        assert!(err.contains("larger than the 10 expected at most"), "{err}");
        let unsized_answer = serve_and_close(b"HTTP/1.1 200 OK\r\n\r\n01234567890");
        let err = reason(get(unsized_answer, 10).unwrap_err());
        assert_eq!(err, "the answer is larger than 10 bytes");
        let chunked =
            serve_and_close(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nB\r\n");
        let err = reason(get(chunked, 10).unwrap_err());
        assert_eq!(err, "the answer is larger than 10 bytes");
    }

    #[test]
    fn headers_longer_than_the_limit_are_refused() {
        let mut head = b"HTTP/1.1 200 OK\r\nX-Long: ".to_vec();
        head.resize(head.len() + 2 * MAX_HEAD, b'a');
        let err = reason(get(serve(head, b"a"), 100).unwrap_err());
        assert!(err.contains("longer than 65536 bytes"), "{err}");
    }

    #[test]
    fn a_server_that_answers_a_byte_at_a_time_is_given_up_at_the_deadline() {
        let endpoint = serve(b"HTTP/1.1 200 OK\r\n".to_vec(), b"X-Slow: a\r\n");
        let started = Instant::now();
        let err = Client::new(endpoint, Duration::from_millis(500))
            .get("/json/version", 100)
            .unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        let DiscoveryError::Timeout { after, reason, .. } = &err else {
            panic!("expected a timeout, got {err:?}");
        };
        assert_eq!(*after, Duration::from_millis(500));
        assert!(reason.starts_with("timed out after "), "{err}");
        assert!(
            err.to_string().contains("did not finish within 500ms"),
            "{err}"
        );
    }

    #[test]
    fn nothing_listening_fails_at_once_or_is_waited_for_until_the_deadline() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let endpoint = Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap();
        let err = Client::new(endpoint.clone(), Duration::from_secs(30))
            .version()
            .unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "GET http://127.0.0.1:{port}/json/version failed: cannot connect"
            )),
            "{message}"
        );
        assert!(message.contains("--remote-debugging-port"), "{message}");

        let started = Instant::now();
        let err = Client::new(endpoint, Duration::from_millis(300))
            .wait_for_listener(true)
            .version()
            .unwrap_err();
        assert!(
            started.elapsed() >= Duration::from_millis(200),
            "{:?}",
            started.elapsed()
        );
        assert!(matches!(err, DiscoveryError::Timeout { .. }), "{err:?}");
    }

    fn answer(body: &str) -> Vec<u8> {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    #[test]
    fn list_reads_each_target_and_refuses_what_is_not_a_list_of_objects() {
        let body = r#"[{"id": "7a", "type": "node", "title": "app.js", "url": "file:///app.js",
            "webSocketDebuggerUrl": "ws://127.0.0.1:9229/7a"}, {"id": "7b", "type": "page"}]"#;
        let targets = Client::new(serve(answer(body), b""), Duration::from_secs(5))
            .list()
            .unwrap();
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[0].id(), Some("7a"));
        assert_eq!(targets[0].target_type(), Some("node"));
        assert_eq!(targets[0].title(), Some("app.js"));
        assert_eq!(targets[0].url(), Some("file:///app.js"));
        assert_eq!(
            targets[0].web_socket_debugger_url(),
            Some("ws://127.0.0.1:9229/7a")
        );
        assert_eq!(targets[1].web_socket_debugger_url(), None);
        for (body, expected) in [
            (r#"{"id": 1}"#, "the answer is not a JSON array"),
            (r#"[{"id": "a"}, 3]"#, "item 1 is not a JSON object"),
            ("[", "the answer is not JSON"),
        ] {
            let err = Client::new(serve(answer(body), b""), Duration::from_secs(5))
                .list()
                .unwrap_err();
            assert!(reason(err).contains(expected), "{body}");
        }
    }

    #[test]
    fn version_fields_are_read_and_a_missing_one_is_named() {
        let body = r#"{"Browser": "Chrome/1.2.3.4", "Protocol-Version": "1.3"}"#;
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let endpoint = serve(answer.into_bytes(), b"");
        let version = Client::new(endpoint.clone(), Duration::from_secs(5))
            .version()
            .unwrap();
        assert_eq!(version.browser().unwrap(), "Chrome/1.2.3.4");
        assert_eq!(version.protocol_version().unwrap(), "1.3");
        assert_eq!(
            version.web_socket_debugger_url().unwrap_err().to_string(),
            format!(
                "GET {} failed: the answer has no string `webSocketDebuggerUrl`",
                endpoint.url("/json/version")
            )
        );
    }
}
