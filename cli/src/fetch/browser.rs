//! The protocol a browser speaks: launch it headless with a throwaway profile, or ask one that
//! already runs, for `/json/protocol` and `/json/version`.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::http::Endpoint;
use super::temp_dir::TempDir;
use super::{stable, tail, to_stable_json, FetchError, Origin};

/// The flags a browser is launched with, before `--remote-debugging-port=0` and
/// `--user-data-dir=<fresh temporary directory>`: headless, and quiet on the network. The
/// runtime's transports launch with the same list, [`cdp_transport::DEFAULT_ARGS`].
pub const BROWSER_FLAGS: &[&str] = cdp_transport::DEFAULT_ARGS;

/// How many lines of the browser's standard error an error message quotes.
const STDERR_LINES: usize = 20;

/// Launches `binary` headless with a fresh profile, reads its `/json/protocol` and
/// `/json/version`, and returns the protocol as stable JSON whose `"source"` names the browser
/// and its protocol version.
///
/// The profile and the browser's `TMPDIR` are one fresh temporary directory. Whatever happens,
/// the browser and every process of its group are killed and waited for, and that directory is
/// removed, before this returns. `timeout` bounds the whole call.
pub fn browser(binary: &Path, timeout: Duration) -> Result<String, FetchError> {
    let deadline = Instant::now() + timeout;
    let profile = TempDir::new_in(&std::env::temp_dir(), "cdp-fetch").map_err(|err| {
        FetchError::io(
            format!(
                "cannot create a profile directory in {}",
                std::env::temp_dir().display()
            ),
            err,
        )
    })?;
    // The browser's own temporary files (`org.chromium.Chromium.*`) outlive a killed browser:
    // they go into our directory too, to be removed with the profile.
    let user_data_dir = profile.path().join("profile");
    let tmpdir = profile.path().join("tmp");
    for dir in [&user_data_dir, &tmpdir] {
        std::fs::create_dir(dir)
            .map_err(|err| FetchError::io(format!("cannot create {}", dir.display()), err))?;
    }
    let mut browser = Browser::launch(binary, &user_data_dir, &tmpdir)?;
    let result = browser
        .wait_for_port(&user_data_dir, deadline, timeout)
        .and_then(|port| {
            let endpoint = Endpoint {
                host: "127.0.0.1".into(),
                port,
            };
            fetch(&endpoint, deadline, timeout, true)
        });
    browser.kill();
    let removed = profile
        .remove()
        .map_err(|err| FetchError::io("cannot remove the browser's temporary profile", err));
    let json = result?;
    removed?;
    Ok(json)
}

/// Asks a browser that already runs with `--remote-debugging-port` at `http_base`
/// (`http://127.0.0.1:9222`) for its protocol; returns it as stable JSON like [`browser`].
pub fn url(http_base: &str, timeout: Duration) -> Result<String, FetchError> {
    let endpoint = Endpoint::parse(http_base).map_err(|reason| FetchError::BadUrl {
        url: http_base.to_owned(),
        reason,
    })?;
    fetch(&endpoint, Instant::now() + timeout, timeout, false)
}

/// `/json/version` and `/json/protocol` of a DevTools server, as stable JSON. With
/// `just_launched`, a refused connection is tried again until `deadline`.
fn fetch(
    endpoint: &Endpoint,
    deadline: Instant,
    timeout: Duration,
    just_launched: bool,
) -> Result<String, FetchError> {
    let get = |path: &str| -> Result<String, FetchError> {
        let url = endpoint.url(path);
        let body = endpoint
            .get(path, deadline, just_launched)
            .map_err(|reason| {
                if Instant::now() >= deadline {
                    FetchError::Timeout {
                        what: format!("GET {url}"),
                        after: timeout,
                        detail: format!(": {reason}"),
                    }
                } else {
                    FetchError::Http {
                        url: url.clone(),
                        reason,
                    }
                }
            })?;
        String::from_utf8(body).map_err(|_| FetchError::Http {
            url,
            reason: "the answer is not UTF-8".into(),
        })
    };
    let version_url = endpoint.url("/json/version");
    let version: Value =
        serde_json::from_str(&get("/json/version")?).map_err(|err| FetchError::Http {
            url: version_url.clone(),
            reason: format!("the answer is not JSON: {err}"),
        })?;
    let field = |name: &str| {
        version
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| FetchError::Http {
                url: version_url.clone(),
                reason: format!("the answer has no string `{name}`"),
            })
    };
    let origin = Origin::Browser {
        product: field("Browser")?,
        protocol_version: field("Protocol-Version")?,
    };
    let protocol_url = endpoint.url("/json/protocol");
    let protocol = stable::parse_schema(&protocol_url, &get("/json/protocol")?)?;
    to_stable_json(&Value::Object(protocol), &origin)
}

/// A launched browser: its process, the group it leads, and what it says on standard error.
struct Browser {
    binary: PathBuf,
    child: Child,
    reaped: bool,
    stderr: Arc<Mutex<String>>,
    port_from_stderr: Receiver<u16>,
    stderr_done: Receiver<()>,
}

impl Browser {
    fn launch(binary: &Path, profile: &Path, tmpdir: &Path) -> Result<Browser, FetchError> {
        let mut user_data_dir = OsString::from("--user-data-dir=");
        user_data_dir.push(profile);
        let mut command = Command::new(binary);
        command
            .args(BROWSER_FLAGS)
            .arg("--remote-debugging-port=0")
            .arg(user_data_dir)
            .arg("about:blank")
            .env("TMPDIR", tmpdir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // A group of its own, so that its helper processes are killed with it.
            command.process_group(0);
        }
        let mut child = command.spawn().map_err(|source| FetchError::Launch {
            binary: binary.to_owned(),
            source,
        })?;
        let pipe = child.stderr.take();
        let (port_sender, port_from_stderr) = mpsc::channel();
        let (done_sender, stderr_done) = mpsc::channel();
        let mut browser = Browser {
            binary: binary.to_owned(),
            child,
            reaped: false,
            stderr: Arc::new(Mutex::new(String::new())),
            port_from_stderr,
            stderr_done,
        };
        if let Some(pipe) = pipe {
            let text = Arc::clone(&browser.stderr);
            // The thread ends when every process holding the pipe has exited; it is not joined,
            // so a helper that outlives the kill cannot block us.
            let spawned = std::thread::Builder::new()
                .name("cdp-codegen-browser-stderr".into())
                .spawn(move || read_stderr(pipe, &text, &port_sender, &done_sender));
            if let Err(err) = spawned {
                browser.kill();
                return Err(FetchError::io(
                    "cannot start a thread to read the browser's output",
                    err,
                ));
            }
        }
        Ok(browser)
    }

    /// The DevTools port, from the `DevToolsActivePort` file of the profile or the
    /// `DevTools listening on ws://..` line, whichever comes first.
    fn wait_for_port(
        &mut self,
        profile: &Path,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<u16, FetchError> {
        let active_port = profile.join("DevToolsActivePort");
        loop {
            if let Ok(port) = self.port_from_stderr.try_recv() {
                return Ok(port);
            }
            if let Some(port) = std::fs::read_to_string(&active_port)
                .ok()
                .and_then(|text| parse_active_port(&text))
            {
                return Ok(port);
            }
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    self.reaped = true;
                    kill_group(self.child.id());
                    // Let the reader catch the last lines before they are quoted.
                    let _ = self.stderr_done.recv_timeout(Duration::from_millis(500));
                    return Err(FetchError::BrowserExited {
                        binary: self.binary.clone(),
                        status: status.to_string(),
                        stderr: self.stderr_tail(),
                    });
                }
                Ok(None) => {}
                Err(err) => {
                    return Err(FetchError::io(
                        format!("cannot wait for {}", self.binary.display()),
                        err,
                    ))
                }
            }
            if Instant::now() >= deadline {
                let output = self.stderr_tail();
                return Err(FetchError::Timeout {
                    what: format!("{} opening its DevTools port", self.binary.display()),
                    after: timeout,
                    detail: if output.is_empty() {
                        String::new()
                    } else {
                        format!("; its last output:\n{output}")
                    },
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stderr_tail(&self) -> String {
        let text = match self.stderr.lock() {
            Ok(text) => text.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        tail(&text, STDERR_LINES)
    }

    /// Kills the browser's whole process group and reaps the browser. Idempotent.
    fn kill(&mut self) {
        if self.reaped {
            return;
        }
        // The leader is not reaped yet, so the group id is still the browser's and no
        // other's: kill the group first, then reap.
        kill_group(self.child.id());
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.reaped = true;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Sends SIGKILL to the process group `pid` leads.
#[cfg(unix)]
fn kill_group(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: `kill` takes no pointers; a negative pid names the process group, which the
    // browser leads (`process_group(0)`). Callers call this before the leader is reaped, or
    // right after reaping it, before its pid can come round again.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
}

#[cfg(not(unix))]
fn kill_group(_pid: u32) {}

/// Keeps the browser's standard error and passes on the port of its `DevTools listening on`
/// line.
fn read_stderr(pipe: ChildStderr, text: &Mutex<String>, port: &Sender<u16>, done: &Sender<()>) {
    const MAX_KEPT: usize = 64 * 1024;
    let mut reader = BufReader::new(pipe);
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        match reader.read_until(b'\n', &mut bytes) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&bytes);
        if let Some(found) = parse_listening_line(&line) {
            let _ = port.send(found);
        }
        if let Ok(mut text) = text.lock() {
            text.push_str(&line);
            if text.len() > MAX_KEPT {
                // Only the tail is ever quoted.
                let cut = text.len() - MAX_KEPT / 2;
                let cut = (cut..text.len())
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(text.len());
                text.drain(..cut);
            }
        }
    }
    let _ = done.send(());
}

/// The port of `DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID`.
fn parse_listening_line(line: &str) -> Option<u16> {
    let rest = line.trim().strip_prefix("DevTools listening on ws://")?;
    let authority = rest.split('/').next()?;
    let (_, port) = authority.rsplit_once(':')?;
    port.parse().ok().filter(|&port| port != 0)
}

/// The port on the first line of `DevToolsActivePort`, once that line is whole.
fn parse_active_port(text: &str) -> Option<u16> {
    let (first, _) = text.split_once('\n')?;
    first.trim().parse().ok().filter(|&port| port != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    #[test]
    fn port_is_read_from_either_source() {
        assert_eq!(
            parse_listening_line(
                "DevTools listening on ws://127.0.0.1:41234/devtools/browser/4a6c\n"
            ),
            Some(41234)
        );
        assert_eq!(parse_listening_line("[1:2:ERROR] something else"), None);
        assert_eq!(
            parse_active_port("41234\n/devtools/browser/4a6c"),
            Some(41234)
        );
        // Not yet written whole.
        assert_eq!(parse_active_port("412"), None);
        assert_eq!(parse_active_port("0\n"), None);
    }

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
        // `sh -c` would need an argument; `false` ignores the flags and exits 1 at once.
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
