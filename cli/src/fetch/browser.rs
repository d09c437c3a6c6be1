//! The protocol a browser speaks: launch it headless with a throwaway profile, or ask one that
//! already runs, for `/json/protocol` and `/json/version`. Launching and asking are
//! cdp-transport's ([`BrowserProcess::launch_with_port`], [`cdp_transport::discovery`]); this
//! module turns their answers into stable JSON and their errors into [`FetchError`]s.

use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

use cdp_transport::discovery::{Client, DiscoveryError, Endpoint};
use cdp_transport::{BrowserProcess, LaunchOptions, StartupFailure};
use serde_json::Value;

use super::{stable, tail, to_stable_json, FetchError, Origin};

/// The flags a browser is launched with, before `--remote-debugging-port=0` and
/// `--user-data-dir=<fresh temporary directory>`: headless, and quiet on the network. The
/// runtime's transports launch with the same list, [`cdp_transport::DEFAULT_ARGS`], and the
/// same sandbox rule: `--no-sandbox` is added only when running as root (see
/// [`cdp_transport::Sandbox`]).
pub const BROWSER_FLAGS: &[&str] = cdp_transport::DEFAULT_ARGS;

/// How many lines of the browser's standard error an error message quotes.
const STDERR_LINES: usize = 20;

/// Launches `binary` headless with a fresh profile, reads its `/json/protocol` and
/// `/json/version`, and returns the protocol as stable JSON whose `"source"` names the browser
/// and its protocol version.
///
/// The profile and the browser's `TMPDIR` are in one fresh temporary directory. Whatever
/// happens, the browser and every process of its group are killed and waited for, and that
/// directory is removed, before this returns. `timeout` bounds the whole call.
pub fn browser(binary: &Path, timeout: Duration) -> Result<String, FetchError> {
    let started = Instant::now();
    let options = LaunchOptions::new().binary(binary).startup_timeout(timeout);
    let (browser, websocket_url) = BrowserProcess::launch_with_port(&options)
        .map_err(|err| transport_error(binary, timeout, err))?;
    let result = Endpoint::from_websocket_url(&websocket_url)
        .map_err(|err| discovery_error(err, timeout))
        .and_then(|endpoint| {
            // A browser that has just printed its port may not accept yet.
            let client = Client::new(endpoint, timeout.saturating_sub(started.elapsed()))
                .wait_for_listener(true);
            fetch(&client, timeout)
        });
    let closed = browser.close().map_err(|err| match err {
        cdp_transport::Error::Io { context, source } => FetchError::Io {
            what: context,
            source,
        },
        other => transport_error(binary, timeout, other),
    });
    let json = result?;
    closed?;
    Ok(json)
}

/// Asks a browser that already runs with `--remote-debugging-port` at `http_base`
/// (`http://127.0.0.1:9222`) for its protocol; returns it as stable JSON like [`browser`].
pub fn url(http_base: &str, timeout: Duration) -> Result<String, FetchError> {
    let endpoint = Endpoint::parse(http_base).map_err(|err| discovery_error(err, timeout))?;
    fetch(&Client::new(endpoint, timeout), timeout)
}

/// `/json/version` and `/json/protocol` of a DevTools server, as stable JSON. `timeout` is the
/// time limit of the whole fetch, for messages.
fn fetch(client: &Client, timeout: Duration) -> Result<String, FetchError> {
    let error = |err| discovery_error(err, timeout);
    let version = client.version().map_err(error)?;
    let origin = Origin::Browser {
        product: version.browser().map_err(error)?.to_owned(),
        protocol_version: version.protocol_version().map_err(error)?.to_owned(),
    };
    let protocol_url = client.endpoint().url("/json/protocol");
    let protocol = stable::parse_schema(&protocol_url, &client.protocol().map_err(error)?)?;
    to_stable_json(&Value::Object(protocol), &origin)
}

/// A failed request as the CLI reports it: a bad address is bad input (exit 2), a timeout
/// names the time limit of the whole fetch.
fn discovery_error(err: DiscoveryError, timeout: Duration) -> FetchError {
    match err {
        DiscoveryError::BadAddress { address, reason } => FetchError::BadUrl {
            url: address,
            reason,
        },
        DiscoveryError::Timeout { url, reason, .. } => FetchError::Timeout {
            what: format!("GET {url}"),
            after: timeout,
            detail: format!(": {reason}"),
        },
        DiscoveryError::Failed { url, reason } => FetchError::Http { url, reason },
        other => FetchError::Discovery(other),
    }
}

/// A browser that could not be launched, or did not open its DevTools port, as the CLI
/// reports it: with the last lines of its standard error.
fn transport_error(binary: &Path, timeout: Duration, err: cdp_transport::Error) -> FetchError {
    use cdp_transport::Error;
    match err {
        Error::NoSuchBinary { path } => FetchError::Launch {
            binary: path,
            source: io::ErrorKind::NotFound.into(),
        },
        Error::Launch { path, source } => FetchError::Launch {
            binary: path,
            source,
        },
        Error::Startup {
            path,
            reason: StartupFailure::Exited(status),
            stderr,
        } => FetchError::BrowserExited {
            binary: path,
            status: status.to_string(),
            stderr: tail(&stderr, STDERR_LINES),
        },
        Error::Startup {
            reason: StartupFailure::TimedOut(_),
            stderr,
            ..
        } => {
            let output = tail(&stderr, STDERR_LINES);
            FetchError::Timeout {
                what: format!("{} opening its DevTools port", binary.display()),
                after: timeout,
                detail: if output.is_empty() {
                    String::new()
                } else {
                    format!("; its last output:\n{output}")
                },
            }
        }
        other => FetchError::Browser(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    #[test]
    fn missing_binary_is_a_launch_error() {
        let err = browser(
            Path::new("/nonexistent/cdp-codegen/browser"),
            Duration::from_secs(5),
        )
        .expect_err("no such binary");
        assert_eq!(
            err.to_string(),
            "cannot launch /nonexistent/cdp-codegen/browser: no such file"
        );
    }

    #[cfg(unix)]
    #[test]
    fn browser_that_exits_early_is_reported_with_its_output() {
        // `false` ignores the flags and exits 1 at once.
        let err = browser(Path::new("/bin/false"), Duration::from_secs(5)).expect_err("exits");
        assert!(
            matches!(err, FetchError::BrowserExited { .. }),
            "unexpected: {err}"
        );
        assert!(err.to_string().contains("exited"), "{err}");
    }

    /// A DevTools server stand-in answering `answers.len()` requests, in order, one per
    /// connection.
    fn serve(answers: Vec<Vec<u8>>) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("addr").port()
        );
        let handle = std::thread::spawn(move || {
            let mut requests = Vec::new();
            for answer in answers {
                let (mut stream, _) = listener.accept().expect("accept");
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.ends_with(b"\r\n\r\n") {
                    let read = stream.read(&mut buffer).expect("read");
                    if read == 0 {
                        break;
                    }
                    request.extend_from_slice(&buffer[..read]);
                }
                requests.push(String::from_utf8_lossy(&request).into_owned());
                stream.write_all(&answer).expect("write");
            }
            requests
        });
        (base, handle)
    }

    #[test]
    fn url_reads_version_and_chunked_protocol() {
        let version = br#"{"Browser": "Chrome/1.2.3.4", "Protocol-Version": "1.3"}"#;
        let mut version_answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
            version.len()
        )
        .into_bytes();
        version_answer.extend_from_slice(version);
        let protocol = r#"{"domains": [{"domain": "A"}], "version": {"major": "1", "minor": "3"}}"#;
        let mut protocol_answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for chunk in protocol.as_bytes().chunks(16) {
            protocol_answer.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            protocol_answer.extend_from_slice(chunk);
            protocol_answer.extend_from_slice(b"\r\n");
        }
        protocol_answer.extend_from_slice(b"0\r\n\r\n");
        let (base, server) = serve(vec![version_answer, protocol_answer]);
        let json = url(&format!("{base}/"), Duration::from_secs(10)).expect("fetched");
        let requests = server.join().expect("server");
        assert!(requests[0].starts_with("GET /json/version HTTP/1.1\r\n"));
        assert!(requests[1].starts_with("GET /json/protocol HTTP/1.1\r\n"));
        assert!(requests[1].contains("Connection: close\r\n"));
        let value: Value = serde_json::from_str(&json).expect("json");
        assert_eq!(value["source"]["browser"], "Chrome/1.2.3.4");
        assert_eq!(value["source"]["protocolVersion"], "1.3");
        assert_eq!(value["domains"][0]["domain"], "A");
        assert!(json.starts_with("{\n  \"source\": {\n"), "{json}");
    }

    #[test]
    fn url_reports_http_errors_and_bad_addresses() {
        let (base, server) = serve(vec![b"HTTP/1.1 404 Not Found\r\n\r\nno such page".to_vec()]);
        let err = url(&base, Duration::from_secs(10)).expect_err("404");
        server.join().expect("server");
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("GET {base}/json/version failed")),
            "{message}"
        );
        assert!(message.contains("404"), "{message}");

        let err = url("ws://127.0.0.1:9222", Duration::from_secs(1)).expect_err("scheme");
        assert!(err.is_bad_input());
        assert!(err.to_string().contains("http://"), "{err}");
    }

    #[test]
    fn url_with_nothing_listening_fails_at_once_with_the_reason() {
        // Bind and drop, so the port is very likely closed.
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let started = Instant::now();
        let err =
            url(&format!("http://127.0.0.1:{port}"), Duration::from_secs(30)).expect_err("refused");
        assert!(started.elapsed() < Duration::from_secs(10), "it waited");
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("GET http://127.0.0.1:{port}/json/version failed")),
            "{message}"
        );
        assert!(message.contains("cannot connect"), "{message}");
    }
}
