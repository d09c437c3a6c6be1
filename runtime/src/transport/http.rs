//! Just enough HTTP/1.1 to ask a browser's DevTools server for `/json/version`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The largest answer read, in bytes; `/json/version` is well under 1 KiB.
const MAX_BODY: usize = 1 << 20;

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

/// `GET path` on `host_port`; returns the body of a 200 answer.
pub(crate) fn get(host_port: &str, path: &str, timeout: Duration) -> Result<String, String> {
    let mut stream = connect(host_port, timeout)?;
    let io_error = |err: io::Error| format!("GET {path}: {err}");
    stream.set_read_timeout(Some(timeout)).map_err(io_error)?;
    stream.set_write_timeout(Some(timeout)).map_err(io_error)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host_port}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )
    .map_err(io_error)?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).map_err(io_error)?;
    let status = status_line.split_whitespace().nth(1).unwrap_or("");
    if status != "200" {
        return Err(format!(
            "GET {path} answered {:?}, expected HTTP 200",
            status_line.trim_end()
        ));
    }
    let mut content_length = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_err(io_error)? == 0 {
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

    #[test]
    fn another_status_is_an_error_that_quotes_it() {
        let address = serve_once("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        let err = get(&address, "/json/version", Duration::from_secs(5)).unwrap_err();
        assert!(err.contains("404 Not Found"), "{err}");
    }
}
