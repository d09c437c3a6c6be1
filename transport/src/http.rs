//! Just enough HTTP/1.1 to ask a browser's DevTools server for `/json/version`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// The largest answer read, in bytes; `/json/version` is well under 1 KiB.
const MAX_BODY: usize = 1 << 20;

/// The longest status or header line read, in bytes.
const MAX_LINE: usize = 64 * 1024;

/// Opens a TCP connection to `host_port` (`127.0.0.1:9222`, `[::1]:9222`, `localhost:9222`),
/// trying each address it resolves to, with Nagle's algorithm off: the protocol sends small
/// messages and waits for each answer.
pub(crate) fn connect(host_port: &str, timeout: Duration) -> Result<TcpStream, String> {
    let addresses = host_port
        .to_socket_addrs()
        .map_err(|err| format!("cannot resolve {host_port}: {err}"))?;
    let mut last_error = format!("{host_port} resolves to no address");
    for address in addresses {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(stream) => {
                stream
                    .set_nodelay(true)
                    .map_err(|err| format!("cannot set TCP_NODELAY: {err}"))?;
                return Ok(stream);
            }
            Err(err) => last_error = format!("TCP connection to {address} failed: {err}"),
        }
    }
    Err(last_error)
}

/// `GET path` on `host_port`; returns the body of a 200 answer. The whole exchange, from
/// connecting to the last byte of the body, takes at most `timeout`, however slowly the server
/// answers, and reads at most [`MAX_LINE`] bytes per line and [`MAX_BODY`] bytes of body.
pub(crate) fn get(host_port: &str, path: &str, timeout: Duration) -> Result<String, String> {
    let deadline = Instant::now() + timeout;
    let mut stream = connect(host_port, timeout)?;
    let io_error = |err: io::Error| match err.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            format!("GET {path}: no complete answer within {timeout:?}")
        }
        _ => format!("GET {path}: {err}"),
    };
    stream.set_write_timeout(Some(timeout)).map_err(io_error)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host_port}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )
    .map_err(io_error)?;
    let mut reader = BufReader::new(UntilDeadline {
        stream: &stream,
        deadline,
    });
    let status_line = read_line(&mut reader, path, io_error)?;
    let status = status_line.split_whitespace().nth(1).unwrap_or("");
    if status != "200" {
        return Err(format!(
            "GET {path} answered {:?}, expected HTTP 200",
            status_line.trim_end()
        ));
    }
    let mut content_length = None;
    loop {
        let header = read_line(&mut reader, path, io_error)?;
        if header.is_empty() {
            return Err(format!("GET {path}: the answer ends inside its headers"));
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                let length = value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("GET {path}: bad Content-Length {value:?}"))?;
                content_length = Some(length);
            }
        }
    }
    let mut body = Vec::new();
    match content_length {
        Some(length) if length > MAX_BODY => {
            return Err(format!(
                "GET {path}: the answer is {length} bytes, more than expected"
            ))
        }
        Some(length) => {
            body.resize(length, 0);
            reader.read_exact(&mut body).map_err(io_error)?;
        }
        None => {
            reader
                .take(MAX_BODY as u64)
                .read_to_end(&mut body)
                .map_err(io_error)?;
        }
    }
    String::from_utf8(body).map_err(|_| format!("GET {path}: the answer is not UTF-8"))
}

/// One line with its line ending; empty at the end of the answer. A line longer than
/// [`MAX_LINE`] is an error.
fn read_line(
    reader: &mut impl BufRead,
    path: &str,
    io_error: impl Fn(io::Error) -> String,
) -> Result<String, String> {
    let mut line = Vec::new();
    reader
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut line)
        .map_err(io_error)?;
    if line.len() > MAX_LINE {
        return Err(format!(
            "GET {path}: the answer has a line longer than {MAX_LINE} bytes"
        ));
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// Reads the stream until `deadline`: each read waits only for what is left of the time, so
/// that a server that sends a byte now and then cannot make the answer last forever.
struct UntilDeadline<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl Read for UntilDeadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn serve_once(answer: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0; 1024];
            let _ = stream.read(&mut request);
            stream.write_all(answer.as_bytes()).unwrap();
        });
        address
    }

    #[test]
    fn a_200_answer_yields_its_body() {
        let address = serve_once("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nContent-Type: application/json\r\n\r\n{\"a\":1}");
        assert_eq!(
            get(&address, "/json/version", Duration::from_secs(5)).unwrap(),
            r#"{"a":1}"#
        );
    }

    /// Accepts one connection and writes `head`, then `drip` one byte at a time every 50 ms
    /// until the client goes.
    fn serve_slowly(head: Vec<u8>, drip: &'static [u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0; 1024];
            let _ = stream.read(&mut request);
            if stream.write_all(&head).is_err() {
                return;
            }
            for byte in drip.iter().cycle() {
                std::thread::sleep(Duration::from_millis(50));
                if stream.write_all(&[*byte]).is_err() {
                    return;
                }
            }
        });
        address
    }

    #[test]
    fn a_line_longer_than_the_limit_is_refused() {
        let mut head = b"HTTP/1.1 200 OK\r\nX-Long: ".to_vec();
        head.resize(head.len() + 2 * MAX_LINE, b'a');
        let address = serve_slowly(head, b"a");
        let err = get(&address, "/json/version", Duration::from_secs(5)).unwrap_err();
        assert!(err.contains("a line longer than 65536 bytes"), "{err}");
    }

    #[test]
    fn a_server_that_answers_a_byte_at_a_time_is_given_up_at_the_deadline() {
        let address = serve_slowly(b"HTTP/1.1 200 OK\r\n".to_vec(), b"X-Slow: a\r\n");
        let started = Instant::now();
        let err = get(&address, "/json/version", Duration::from_millis(500)).unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert!(err.contains("no complete answer within 500ms"), "{err}");
    }

    #[test]
    fn another_status_is_an_error_that_quotes_it() {
        let address = serve_once("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        let err = get(&address, "/json/version", Duration::from_secs(5)).unwrap_err();
        assert!(err.contains("404 Not Found"), "{err}");
    }
}
