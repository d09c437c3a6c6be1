//! Just enough HTTP/1.1 to ask a DevTools server for `/json/protocol` and `/json/version`:
//! plain TCP, `Connection: close`, a body sized by `Content-Length`, chunked, or read to the end.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// The largest answer read, in bytes. Today's `/json/protocol` is about 1.5 MB.
const MAX_RESPONSE: usize = 64 << 20;

/// Where a DevTools HTTP server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// The host as written, e.g. `127.0.0.1`, `localhost` or `[::1]`.
    pub host: String,
    /// The TCP port.
    pub port: u16,
}

impl Endpoint {
    /// Reads `http://HOST:PORT`, with an optional trailing `/`. Anything else (another scheme,
    /// a path, no port) is refused with the reason.
    pub(crate) fn parse(url: &str) -> Result<Endpoint, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or("it must start with `http://`")?;
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains(['/', '?', '#', '@']) {
            return Err("give only the scheme, host and port, without a path".into());
        }
        let (host, port) = authority
            .rsplit_once(':')
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

    /// `http://HOST:PORT` followed by `path`, for messages.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}:{}{path}", self.host, self.port)
    }

    fn host_port(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// `GET path` until `deadline`; returns the body of a 200 answer. With `wait_for_listener`
    /// a refused connection is tried again (a browser that has just printed its port may not
    /// accept yet); without it, it fails at once.
    pub(crate) fn get(
        &self,
        path: &str,
        deadline: Instant,
        wait_for_listener: bool,
    ) -> Result<Vec<u8>, String> {
        let addresses: Vec<SocketAddr> = self
            .host_port()
            .to_socket_addrs()
            .map_err(|err| format!("cannot resolve {}: {err}", self.host))?
            .collect();
        if addresses.is_empty() {
            return Err(format!("{} resolves to no address", self.host));
        }
        let mut last_error = String::from("no time left to connect");
        loop {
            for address in &addresses {
                if Instant::now() >= deadline {
                    return Err(last_error);
                }
                match self.get_once(address, path, deadline) {
                    Ok(body) => return Ok(body),
                    Err(Failure::Refused(reason)) if wait_for_listener => last_error = reason,
                    Err(Failure::Refused(reason)) => {
                        return Err(format!(
                            "{reason}; is a browser running with --remote-debugging-port={}?",
                            self.port
                        ))
                    }
                    Err(Failure::Other(reason)) => return Err(reason),
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn get_once(
        &self,
        address: &SocketAddr,
        path: &str,
        deadline: Instant,
    ) -> Result<Vec<u8>, Failure> {
        let remaining =
            time_left(deadline).ok_or_else(|| Failure::Other("no time left to connect".into()))?;
        let mut stream = TcpStream::connect_timeout(address, remaining).map_err(|err| {
            let reason = format!("cannot connect to {address}: {err}");
            if err.kind() == std::io::ErrorKind::ConnectionRefused {
                Failure::Refused(reason)
            } else {
                Failure::Other(reason)
            }
        })?;
        let other = |err: std::io::Error| Failure::Other(err.to_string());
        stream.set_write_timeout(Some(remaining)).map_err(other)?;
        // Chromium refuses a Host that is neither an IP address nor `localhost`, which guards
        // against DNS rebinding; the host as the user wrote it is one of those.
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\n\
             Connection: close\r\n\r\n",
            self.host_port()
        );
        stream.write_all(request.as_bytes()).map_err(other)?;
        let mut response = Vec::new();
        let mut buffer = [0u8; 64 * 1024];
        loop {
            let remaining = time_left(deadline).ok_or_else(|| {
                Failure::Other(format!(
                    "timed out after {} bytes of the answer",
                    response.len()
                ))
            })?;
            stream.set_read_timeout(Some(remaining)).map_err(other)?;
            let eof = match stream.read(&mut buffer) {
                Ok(0) => true,
                Ok(read) => {
                    response.extend_from_slice(&buffer[..read]);
                    if response.len() > MAX_RESPONSE {
                        return Err(Failure::Other(format!(
                            "the answer is larger than {MAX_RESPONSE} bytes"
                        )));
                    }
                    false
                }
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Err(Failure::Other(format!(
                        "timed out after {} bytes of the answer",
                        response.len()
                    )))
                }
                Err(err) => return Err(Failure::Other(err.to_string())),
            };
            match parse_response(&response, eof).map_err(Failure::Other)? {
                Parsed::Complete(body) => return Ok(body),
                Parsed::Incomplete => {}
            }
        }
    }
}

enum Failure {
    /// Worth trying again: nothing listens yet.
    Refused(String),
    Other(String),
}

fn time_left(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|left| !left.is_zero())
}

/// How far a response has been read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Parsed {
    /// The whole body of a 200 answer.
    Complete(Vec<u8>),
    /// More bytes are needed.
    Incomplete,
}

/// Reads the HTTP/1.x response in `response`, which must have status 200. Chromium keeps the
/// connection open after answering, `Connection: close` or not, so a body sized by
/// `Content-Length` or chunked is complete once its bytes are in; only a body with neither ends
/// at `eof`, when the server has closed the connection.
pub(crate) fn parse_response(response: &[u8], eof: bool) -> Result<Parsed, String> {
    let Some(head_end) = find(response, b"\r\n\r\n") else {
        return if eof {
            Err("the answer ends inside its headers (no blank line)".into())
        } else {
            Ok(Parsed::Incomplete)
        };
    };
    let head = std::str::from_utf8(&response[..head_end])
        .map_err(|_| "the answer's headers are not UTF-8".to_owned())?;
    let raw_body = &response[head_end + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let status = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(format!("not an HTTP/1.x answer: {status_line:?}"));
    }
    let mut chunked = false;
    let mut length = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
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
        match dechunk(raw_body)? {
            Some(body) => body,
            None if eof => return Err("the chunked answer is cut off".into()),
            None => return Ok(Parsed::Incomplete),
        }
    } else {
        match length {
            Some(length) if raw_body.len() >= length => raw_body[..length].to_vec(),
            Some(length) if eof => {
                return Err(format!(
                    "the answer ends after {} of its {length} bytes",
                    raw_body.len()
                ))
            }
            None if eof => raw_body.to_vec(),
            _ => return Ok(Parsed::Incomplete),
        }
    };
    if status != "200" {
        let snippet = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
        return Err(format!(
            "the answer is {status_line:?}, expected status 200: {}",
            snippet.trim()
        ));
    }
    Ok(Parsed::Complete(body))
}

/// Decodes a chunked body: `SIZE[;ext]\r\nDATA\r\n` .. `0\r\n[trailers]\r\n`. `None` while
/// the last chunk has not arrived.
pub(crate) fn dechunk(mut body: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = find(body, b"\r\n") else {
            return Ok(None);
        };
        let line = std::str::from_utf8(&body[..line_end])
            .map_err(|_| "a chunk size is not text".to_owned())?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        body = &body[line_end + 2..];
        if size == 0 {
            // Trailers, if any, carry nothing we need.
            return Ok(Some(out));
        }
        if body.len() < size.saturating_add(2) {
            return Ok(None);
        }
        if &body[size..size + 2] != b"\r\n" {
            return Err("a chunk does not end with CRLF".into());
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_accepts_host_and_port_only() {
        let endpoint = Endpoint::parse("http://127.0.0.1:9222/").expect("valid");
        assert_eq!(endpoint.host, "127.0.0.1");
        assert_eq!(endpoint.port, 9222);
        assert_eq!(
            Endpoint::parse("http://[::1]:9222").expect("valid").host,
            "[::1]"
        );
        for bad in [
            "https://127.0.0.1:9222",
            "127.0.0.1:9222",
            "http://127.0.0.1",
            "http://127.0.0.1:0",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:9222/json",
            "http://:9222",
            "http://::1:9222",
            "http://a b:1",
            "http://user@host:1",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad} must be refused");
        }
    }

    fn complete(response: &[u8]) -> Result<Vec<u8>, String> {
        match parse_response(response, true)? {
            Parsed::Complete(body) => Ok(body),
            Parsed::Incomplete => Err("incomplete at the end".into()),
        }
    }

    #[test]
    fn response_with_content_length_is_complete_without_eof() {
        let response = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(
            parse_response(response, false),
            Ok(Parsed::Complete(b"{}".to_vec()))
        );
        assert_eq!(
            parse_response(&response[..response.len() - 1], false),
            Ok(Parsed::Incomplete)
        );
        assert_eq!(
            parse_response(b"HTTP/1.1 200 OK\r\n", false),
            Ok(Parsed::Incomplete)
        );
    }

    #[test]
    fn response_without_length_is_read_to_the_end() {
        let response = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n[1]";
        assert_eq!(parse_response(response, false), Ok(Parsed::Incomplete));
        assert_eq!(complete(response).expect("ok"), b"[1]");
    }

    #[test]
    fn chunked_response_is_decoded() {
        let response = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
                         3;ext=1\r\n{\"a\r\n4\r\n\": 1\r\n1\r\n}\r\n0\r\nX-Trailer: y\r\n\r\n";
        assert_eq!(
            parse_response(response, false),
            Ok(Parsed::Complete(b"{\"a\": 1}".to_vec()))
        );
        let cut = &response[..response.len() - 20];
        assert_eq!(parse_response(cut, false), Ok(Parsed::Incomplete));
    }

    #[test]
    fn truncated_or_failed_responses_are_errors() {
        let short = complete(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}");
        assert!(short.expect_err("short").contains("2 of its 10 bytes"));
        let cut = complete(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n{}");
        assert!(cut.expect_err("cut").contains("cut off"));
        let bad = complete(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}");
        assert!(bad.expect_err("bad size").contains("bad chunk size"));
        let missing = complete(b"HTTP/1.1 404 Not Found\r\n\r\nUnknown url");
        let missing = missing.expect_err("404");
        assert!(
            missing.contains("404") && missing.contains("Unknown url"),
            "{missing}"
        );
        assert!(complete(b"garbage").is_err());
        assert!(complete(b"SPDY 200 OK\r\n\r\n").is_err());
    }
}
