//! CDP over a WebSocket: one text message per protocol message.

use std::io;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use super::discovery::{self, Client, Endpoint};
use super::error::Error;
use super::{ReceiveHalf, SendHalf, Transport};
use cdp_runtime::MAX_MESSAGE_LEN;

/// A blocking WebSocket connection to a browser's DevTools endpoint.
///
/// Each wait sets the socket's read timeout to what is left of it; `tungstenite` keeps a
/// frame that is cut by a timeout and completes it on the next read. A send that times out
/// keeps the rest of its message, which goes out before the next one.
///
/// A binary message is taken as text when it is UTF-8, and reported as one undecodable
/// message ([`Error::Decode`]) when it is not. After anything that leaves the stream of
/// messages unusable (the browser closing it, a message over
/// [`MAX_MESSAGE_LEN`], a protocol violation, a text message that is
/// not UTF-8, an I/O error), the transport is closed and says why on every later call.
#[derive(Debug)]
pub struct WebSocketTransport {
    socket: WebSocket<TcpStream>,
    url: String,
    closed: Option<String>,
    /// The socket's write timeout, as last set.
    write_timeout: Option<Duration>,
    /// Whether dropping it sends a close frame: the sending half's job, once split.
    closes_on_drop: bool,
}

/// The WebSocket address of a DevTools endpoint, within `timeout`:
///
/// - `ws://..`: any WebSocket address (a browser's `ws://HOST:PORT/devtools/browser/..`, a
///   page's `ws://HOST:PORT/devtools/page/..`, Node.js's `ws://HOST:PORT/UUID`), used as it
///   is given.
/// - `http://HOST:PORT`, a browser's HTTP endpoint: the `webSocketDebuggerUrl` that its
///   `/json/version` names, the browser's own.
/// - `http://HOST:PORT`, a single-target HTTP endpoint, such as Node.js's `--inspect`, whose
///   `/json/version` names no WebSocket: the `webSocketDebuggerUrl` of the one target its
///   `/json/list` names. When it lists several, this fails with [`Error::Endpoint`] listing
///   each target's type, title and address: connect to one of them by its `ws://` address.
pub fn resolve_endpoint(endpoint: &str, timeout: Duration) -> Result<String, Error> {
    let endpoint_error = |reason: String| Error::Endpoint {
        url: endpoint.to_owned(),
        reason,
    };
    let (scheme, rest) = endpoint.split_once("://").ok_or_else(|| {
        endpoint_error("expected ws://HOST:PORT/devtools/browser/.. or http://HOST:PORT".into())
    })?;
    match scheme.to_ascii_lowercase().as_str() {
        "ws" => Ok(endpoint.to_owned()),
        "http" => {
            let host_port = with_port(rest.split('/').next().unwrap_or(""), 80);
            let endpoint = Endpoint::from_authority(&host_port).map_err(endpoint_error)?;
            let client = Client::new(endpoint, timeout);
            let version = client
                .version()
                .map_err(|err| endpoint_error(err.to_string()))?;
            if let Some(url) = version.field("webSocketDebuggerUrl") {
                return Ok(url.to_owned());
            }
            // A server of one target (Node.js) names its WebSocket in `/json/list` only.
            let targets = client
                .list()
                .map_err(|err| endpoint_error(err.to_string()))?;
            only_target(&targets).map_err(endpoint_error)
        }
        "wss" | "https" => Err(endpoint_error(
            "TLS is not supported: use ws:// or http:// (DevTools listens on plain TCP)".into(),
        )),
        other => Err(endpoint_error(format!(
            "unsupported scheme {other:?}: expected ws://HOST:PORT/devtools/browser/.. or \
             http://HOST:PORT"
        ))),
    }
}

/// The WebSocket address of the one target of `/json/list`, or why there is none to choose.
fn only_target(targets: &[discovery::ListedTarget]) -> Result<String, String> {
    let addresses: Vec<(&discovery::ListedTarget, &str)> = targets
        .iter()
        .filter_map(|target| Some((target, target.web_socket_debugger_url()?)))
        .collect();
    match addresses.as_slice() {
        [(_, url)] => Ok((*url).to_owned()),
        [] => Err(format!(
            "/json/version names no WebSocket (`webSocketDebuggerUrl`), and /json/list names \
             none either ({} target(s) listed, none open to a client)",
            targets.len()
        )),
        several => {
            let listed: Vec<String> = several
                .iter()
                .map(|(target, url)| {
                    format!(
                        "{} {:?}: {url}",
                        target.target_type().unwrap_or("?"),
                        target.title().unwrap_or_default()
                    )
                })
                .collect();
            Err(format!(
                "/json/version names no WebSocket, and /json/list names {} targets; connect to \
                 one of them by its ws:// address: {}",
                several.len(),
                listed.join("; ")
            ))
        }
    }
}

/// `host` with `:default` appended when it names no port (`[::1]` counts as no port).
fn with_port(host: &str, default: u16) -> String {
    let port_part = host.rsplit_once(']').map_or(host, |(_, after)| after);
    if port_part.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:{default}")
    }
}

impl WebSocketTransport {
    /// Connects to `endpoint` (see [`resolve_endpoint`]), waiting up to `timeout` for the TCP
    /// connection and for each step of the handshake.
    pub fn connect(endpoint: &str, timeout: Duration) -> Result<WebSocketTransport, Error> {
        let url = resolve_endpoint(endpoint, timeout)?;
        let endpoint_error = |reason: String| Error::Endpoint {
            url: url.clone(),
            reason,
        };
        let rest = url.split_once("://").map_or("", |(_, rest)| rest);
        let host_port = with_port(rest.split('/').next().unwrap_or(""), 80);
        let stream = discovery::connect(&host_port, Instant::now() + timeout)
            .map_err(|err| endpoint_error(err.into_reason()))?;
        let io_error = |err: io::Error| Error::io(format!("WebSocket {url}"), err);
        stream.set_read_timeout(Some(timeout)).map_err(io_error)?;
        stream.set_write_timeout(Some(timeout)).map_err(io_error)?;
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_MESSAGE_LEN))
            .max_frame_size(Some(MAX_MESSAGE_LEN));
        let (socket, _response) =
            tungstenite::client::client_with_config(url.as_str(), stream, Some(config)).map_err(
                |err| match err {
                    tungstenite::HandshakeError::Interrupted(_) => Error::Timeout {
                        waiting_for: format!("the WebSocket handshake with {url}"),
                        after: timeout,
                    },
                    tungstenite::HandshakeError::Failure(source) => Error::WebSocket {
                        url: url.clone(),
                        source: Box::new(source),
                    },
                },
            )?;
        Ok(WebSocketTransport {
            socket,
            url,
            closed: None,
            write_timeout: Some(timeout),
            closes_on_drop: true,
        })
    }

    /// The WebSocket address connected to.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn closed(&self) -> Error {
        Error::Closed {
            reason: self
                .closed
                .clone()
                .unwrap_or_else(|| "the WebSocket is closed".into()),
        }
    }

    /// Turns an error of `tungstenite` (other than a timeout) into ours. Whatever leaves the
    /// stream of messages unusable closes the transport, with the reason.
    fn fail(&mut self, err: tungstenite::Error) -> Error {
        let reason = match err {
            tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
                "the browser closed the WebSocket".to_owned()
            }
            tungstenite::Error::Io(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::BrokenPipe
                        | io::ErrorKind::ConnectionReset
                        | io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::UnexpectedEof
                ) =>
            {
                format!("the WebSocket connection ended: {err}")
            }
            // Apart from timeouts (handled by the callers), I/O errors on the socket are fatal.
            tungstenite::Error::Io(err) => format!("the WebSocket connection failed: {err}"),
            tungstenite::Error::Capacity(err) => format!(
                "the browser sent a message over the limit of {MAX_MESSAGE_LEN} bytes ({err})"
            ),
            tungstenite::Error::Protocol(err) => {
                format!("the browser broke the WebSocket protocol: {err}")
            }
            // RFC 6455 fails the connection on such a message; its frames may not even be
            // over (`tungstenite` cannot resume in the middle of one).
            tungstenite::Error::Utf8(err) => {
                format!("the browser sent a text message that is not UTF-8: {err}")
            }
            err => {
                return Error::WebSocket {
                    url: self.url.clone(),
                    source: Box::new(err),
                }
            }
        };
        self.closed = Some(reason);
        self.closed()
    }
}

impl Transport for WebSocketTransport {
    /// The transport keeps reading (its buffer may hold the start of the next message); a
    /// second WebSocket over a copy of its socket writes. Only the reading half answers the
    /// browser's control frames (a ping, the closing handshake), which Chromium sends none of
    /// while a connection is in use.
    fn split(mut self) -> (Box<dyn SendHalf>, Box<dyn ReceiveHalf>) {
        let stream = match self.socket.get_ref().try_clone() {
            Ok(stream) => stream,
            // Without a second descriptor, both halves share the one transport.
            Err(_) => {
                let shared = std::sync::Arc::new(std::sync::Mutex::new(self));
                return (
                    Box::new(crate::Shared(std::sync::Arc::clone(&shared))),
                    Box::new(crate::Shared(shared)),
                );
            }
        };
        let writer = WebSocketTransport {
            socket: WebSocket::from_raw_socket(
                stream,
                tungstenite::protocol::Role::Client,
                Some(*self.socket.get_config()),
            ),
            url: self.url.clone(),
            closed: None,
            write_timeout: self.write_timeout,
            closes_on_drop: true,
        };
        self.closes_on_drop = false;
        (Box::new(Half(writer)), Box::new(Half(self)))
    }

    fn send(&mut self, message: &str, timeout: Duration) -> Result<(), Error> {
        if self.closed.is_some() {
            return Err(self.closed());
        }
        // A zero write timeout is refused by the OS call, so allow at least a millisecond.
        let timeout = timeout.max(Duration::from_millis(1));
        if self.write_timeout != Some(timeout) {
            if let Err(err) = self.socket.get_mut().set_write_timeout(Some(timeout)) {
                return Err(Error::io(format!("WebSocket {}", self.url), err));
            }
            self.write_timeout = Some(timeout);
        }
        match self.socket.send(Message::text(message)) {
            Ok(()) => Ok(()),
            // `tungstenite` queued the whole frame before writing: what is left goes out with
            // the next message.
            Err(tungstenite::Error::Io(err))
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Err(Error::Timeout {
                    waiting_for: format!(
                        "the browser to read a message of {} bytes from its WebSocket",
                        message.len()
                    ),
                    after: timeout,
                })
            }
            Err(err) => Err(self.fail(err)),
        }
    }

    fn receive(&mut self, timeout: Duration) -> Result<Option<String>, Error> {
        if self.closed.is_some() {
            return Err(self.closed());
        }
        let deadline = Instant::now() + timeout;
        loop {
            // A zero read timeout is refused by the OS call, so wait at least a millisecond.
            let left = deadline
                .saturating_duration_since(Instant::now())
                .max(Duration::from_millis(1));
            if let Err(err) = self.socket.get_mut().set_read_timeout(Some(left)) {
                return Err(Error::io(format!("WebSocket {}", self.url), err));
            }
            match self.socket.read() {
                Ok(Message::Text(text)) => return Ok(Some(text.as_str().to_owned())),
                Ok(Message::Binary(bytes)) => {
                    // One bad message; the next one is read as usual.
                    return match std::str::from_utf8(&bytes) {
                        Ok(text) => Ok(Some(text.to_owned())),
                        Err(_) => Err(super::not_utf8(&bytes)),
                    };
                }
                Ok(Message::Close(frame)) => {
                    self.closed = Some(match frame {
                        Some(frame) => format!(
                            "the browser closed the WebSocket ({}: {})",
                            frame.code, frame.reason
                        ),
                        None => "the browser closed the WebSocket".into(),
                    });
                    return Err(self.closed());
                }
                Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => {}
                Err(tungstenite::Error::Io(err))
                    if matches!(
                        err.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) => {}
                Err(err) => return Err(self.fail(err)),
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
        }
    }
}

/// One half of a split [`WebSocketTransport`]: the sending one, or the receiving one.
struct Half(WebSocketTransport);

impl SendHalf for Half {
    fn send(&mut self, message: &str, timeout: Duration) -> Result<(), Error> {
        self.0.send(message, timeout)
    }
}

impl ReceiveHalf for Half {
    fn receive(&mut self, timeout: Duration) -> Result<Option<String>, Error> {
        self.0.receive(timeout)
    }
}

impl Drop for WebSocketTransport {
    fn drop(&mut self) {
        if self.closed.is_none() && self.closes_on_drop {
            // A polite close frame; the browser may be gone already, and that is fine.
            let _ = self.socket.close(None);
            let _ = self.socket.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    /// A WebSocket server on 127.0.0.1 that plays `script` with the one client it accepts;
    /// returns its address.
    fn serve(script: impl FnOnce(WebSocket<TcpStream>) + Send + 'static) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "ws://{}/devtools/browser/test",
            listener.local_addr().unwrap()
        );
        std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            script(tungstenite::accept(stream).unwrap());
        });
        url
    }

    const WAIT: Duration = Duration::from_secs(5);

    /// An HTTP server on 127.0.0.1 that answers every `GET` with what `route` gives for its
    /// path (a 404 for `None`); returns its address, `http://127.0.0.1:PORT`.
    fn http(route: fn(&str) -> Option<String>) -> String {
        use std::io::{BufRead, BufReader};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut request = String::new();
                let _ = BufReader::new(&stream).read_line(&mut request);
                let path = request.split_whitespace().nth(1).unwrap_or_default();
                let answer = match route(path) {
                    Some(body) => format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    ),
                    None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".into(),
                };
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        address
    }

    const NODE_VERSION: &str = r#"{"Browser": "node.js/v20.20.2", "Protocol-Version": "1.1"}"#;

    #[test]
    fn an_http_endpoint_of_one_target_resolves_to_that_target() {
        let address = http(|path| match path {
            "/json/version" => Some(NODE_VERSION.into()),
            "/json/list" => Some(
                r#"[{"id": "4c", "type": "node", "title": "app.js",
                     "webSocketDebuggerUrl": "ws://127.0.0.1:9229/4c"}]"#
                    .into(),
            ),
            _ => None,
        });
        assert_eq!(
            resolve_endpoint(&address, WAIT).unwrap(),
            "ws://127.0.0.1:9229/4c"
        );
    }

    #[test]
    fn a_browser_endpoint_resolves_through_its_version_without_the_list() {
        let address = http(|path| {
            match path {
            "/json/version" => Some(
                r#"{"Browser": "Chrome/1", "webSocketDebuggerUrl": "ws://127.0.0.1:1/devtools/browser/b"}"#
                    .into(),
            ),
            _ => None,
        }
        });
        assert_eq!(
            resolve_endpoint(&address, WAIT).unwrap(),
            "ws://127.0.0.1:1/devtools/browser/b"
        );
    }

    #[test]
    fn an_http_endpoint_of_several_targets_or_none_is_an_error_that_lists_them() {
        let several = http(|path| match path {
            "/json/version" => Some(NODE_VERSION.into()),
            "/json/list" => Some(
                r#"[{"type": "node", "title": "a.js", "webSocketDebuggerUrl": "ws://h:1/a"},
                    {"type": "node", "title": "b.js", "webSocketDebuggerUrl": "ws://h:1/b"},
                    {"type": "node", "title": "c.js"}]"#
                    .into(),
            ),
            _ => None,
        });
        let err = resolve_endpoint(&several, WAIT).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "cannot connect to {several}: /json/version names no WebSocket, and /json/list \
                 names 2 targets; connect to one of them by its ws:// address: \
                 node \"a.js\": ws://h:1/a; node \"b.js\": ws://h:1/b"
            )
        );
        let none = http(|path| match path {
            "/json/version" => Some(NODE_VERSION.into()),
            "/json/list" => Some("[]".into()),
            _ => None,
        });
        let err = resolve_endpoint(&none, WAIT).unwrap_err().to_string();
        assert!(
            err.contains("/json/list names none either (0 target(s) listed"),
            "{err}"
        );
    }

    #[test]
    fn a_binary_message_that_is_not_utf8_is_one_bad_message_and_the_next_ones_arrive() {
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let url = serve(move |mut socket| {
            socket
                .send(Message::binary(
                    &b"{\"method\":\"X.y\",\"params\":\"\xff\"}"[..],
                ))
                .unwrap();
            socket
                .send(Message::binary(&b"{\"id\":1,\"result\":{}}"[..]))
                .unwrap();
            socket
                .send(Message::text(r#"{"id":2,"result":{}}"#))
                .unwrap();
            let _ = finished.recv();
        });
        let mut transport = WebSocketTransport::connect(&url, WAIT).unwrap();
        let err = transport.receive(WAIT).unwrap_err();
        let Error::Decode(err) = &err else {
            panic!("expected a decode error, got {err:?}");
        };
        assert_eq!(err.method(), Some("X.y"));
        assert_eq!(err.raw(), "{\"method\":\"X.y\",\"params\":\"\u{fffd}\"}");
        for expected in [r#"{"id":1,"result":{}}"#, r#"{"id":2,"result":{}}"#] {
            assert_eq!(transport.receive(WAIT).unwrap().as_deref(), Some(expected));
        }
        drop(done);
    }

    #[test]
    fn a_protocol_violation_closes_the_transport_with_its_reason() {
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let url = serve(move |mut socket| {
            // A text frame with a reserved bit set, which no extension was agreed for.
            socket.get_mut().write_all(&[0xC1, 0x00]).unwrap();
            let _ = finished.recv();
        });
        let mut transport = WebSocketTransport::connect(&url, WAIT).unwrap();
        let err = transport.receive(WAIT).unwrap_err();
        assert!(err.is_closed(), "{err:?}");
        let first = err.to_string();
        assert!(first.contains("broke the WebSocket protocol"), "{first}");
        // Every later call says the same, without touching the socket again.
        let err = transport.receive(WAIT).unwrap_err();
        assert_eq!(err.to_string(), first);
        let err = transport.send("{}", WAIT).unwrap_err();
        assert_eq!(err.to_string(), first);
        drop(done);
    }

    #[test]
    fn a_browser_that_does_not_read_makes_a_send_time_out() {
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let url = serve(move |socket| {
            // Reads nothing until the test is over.
            let _ = finished.recv();
            drop(socket);
        });
        let mut transport = WebSocketTransport::connect(&url, WAIT).unwrap();
        // More than the socket buffers on both sides hold.
        let large = "x".repeat(64 << 20);
        let started = Instant::now();
        let err = transport
            .send(&large, Duration::from_millis(200))
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert!(started.elapsed() < WAIT);
        // The transport goes on: it keeps the rest of the message to send.
        assert_eq!(transport.receive(Duration::from_millis(10)).unwrap(), None);
        drop(done);
    }

    #[test]
    fn a_port_is_added_only_when_missing() {
        assert_eq!(with_port("127.0.0.1:9222", 80), "127.0.0.1:9222");
        assert_eq!(with_port("localhost", 80), "localhost:80");
        assert_eq!(with_port("[::1]", 80), "[::1]:80");
        assert_eq!(with_port("[::1]:9222", 80), "[::1]:9222");
    }

    #[test]
    fn ws_addresses_are_used_as_they_are() {
        let url = "ws://127.0.0.1:9222/devtools/browser/abc";
        assert_eq!(resolve_endpoint(url, Duration::from_secs(1)).unwrap(), url);
    }

    #[test]
    fn other_schemes_are_refused_with_the_expected_forms() {
        for endpoint in ["wss://127.0.0.1:1/x", "ftp://127.0.0.1:1", "127.0.0.1:9222"] {
            let err = resolve_endpoint(endpoint, Duration::from_secs(1)).unwrap_err();
            assert!(matches!(err, Error::Endpoint { .. }), "{err}");
            assert!(err.to_string().starts_with("cannot connect to "), "{err}");
        }
    }
}
