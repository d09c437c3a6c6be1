//! CDP over a WebSocket: one text message per protocol message.

use std::io;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde::Deserialize;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use super::error::Error;
use super::http;
use super::Transport;
use crate::message::MAX_MESSAGE_LEN;

/// A blocking WebSocket connection to a browser's DevTools endpoint.
///
/// Each wait sets the socket's read timeout to what is left of it; `tungstenite` keeps a
/// frame that is cut by a timeout and completes it on the next read.
#[derive(Debug)]
pub struct WebSocketTransport {
    socket: WebSocket<TcpStream>,
    url: String,
    closed: Option<String>,
}

/// The part of `/json/version` that names the browser's WebSocket.
#[derive(Deserialize)]
struct Version {
    #[serde(rename = "webSocketDebuggerUrl")]
    web_socket_debugger_url: String,
}

/// The WebSocket address of a browser endpoint: a `ws://HOST:PORT/devtools/browser/..` address
/// as it is, or for `http://HOST:PORT` the `webSocketDebuggerUrl` that its `/json/version`
/// names.
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
            let body = http::get(&host_port, "/json/version", timeout).map_err(endpoint_error)?;
            let version: Version = serde_json::from_str(&body).map_err(|err| {
                endpoint_error(format!(
                    "/json/version has no usable webSocketDebuggerUrl ({err}): {body}"
                ))
            })?;
            Ok(version.web_socket_debugger_url)
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
        let stream = http::connect(&host_port, timeout).map_err(endpoint_error)?;
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

    fn fail(&mut self, err: tungstenite::Error) -> Error {
        match err {
            tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
                self.closed = Some("the browser closed the WebSocket".into());
                self.closed()
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
                self.closed = Some(format!("the WebSocket connection ended: {err}"));
                self.closed()
            }
            err => Error::WebSocket {
                url: self.url.clone(),
                source: Box::new(err),
            },
        }
    }
}

impl Transport for WebSocketTransport {
    fn send(&mut self, message: &str) -> Result<(), Error> {
        if self.closed.is_some() {
            return Err(self.closed());
        }
        self.socket
            .send(Message::text(message))
            .map_err(|err| self.fail(err))
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
                    return String::from_utf8(bytes.to_vec()).map(Some).map_err(|_| {
                        Error::io(
                            format!("a binary WebSocket message from {}", self.url),
                            io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8"),
                        )
                    })
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

impl Drop for WebSocketTransport {
    fn drop(&mut self) {
        if self.closed.is_none() {
            // A polite close frame; the browser may be gone already, and that is fine.
            let _ = self.socket.close(None);
            let _ = self.socket.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
