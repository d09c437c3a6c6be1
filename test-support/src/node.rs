//! Finding Node.js or skipping, and a Node.js process whose inspector listens on a port of
//! its own, for the tests that drive a DevTools endpoint other than a browser's.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::{in_ci, skipped, WAIT};

/// The environment variable that names the Node.js binary; `node` on `PATH` otherwise.
pub const NODE_ENV: &str = "NODE";

/// The Node.js binary the tests use, or `None` when there is none and the test is to be
/// skipped: it then says so on stderr. Under `CI=true` a missing Node.js fails the test
/// instead. `NODE` names the binary; otherwise `node` is looked for on `PATH`.
pub fn node(test: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(NODE_ENV).filter(|path| !path.is_empty()) {
        let path = PathBuf::from(path);
        // NODE names a binary that is not there: a broken setup, never a skip.
        assert!(
            path.is_file(),
            "{test}: {NODE_ENV}={} does not exist",
            path.display()
        );
        return Some(path);
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("node"))
            .find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        assert!(
            !in_ci(),
            "{test}: CI=true but no node on PATH (set {NODE_ENV}=/path)"
        );
        skipped(test, "node not found (set NODE=/path or install Node.js)");
    }
    found
}

/// A Node.js process running a script with `--inspect=127.0.0.1:0`: its inspector listens on
/// a port the system chose, which it prints on its standard error. Killed when dropped, with
/// the script's file removed.
pub struct NodeInspector {
    child: Child,
    script: PathBuf,
    web_socket: String,
}

impl NodeInspector {
    /// Writes `source` to a file of its own and runs it with `node --inspect=127.0.0.1:0`,
    /// waiting (up to [`WAIT`]) for the inspector's address.
    pub fn start(node: &Path, source: &str) -> NodeInspector {
        let script =
            std::env::temp_dir().join(format!("{}.js", crate::unique_tag("cdp-node-inspector")));
        std::fs::write(&script, source).expect("write the script");
        let mut child = Command::new(node)
            .arg("--inspect=127.0.0.1:0")
            .arg(&script)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("start {}: {err}", node.display()));
        let stderr = child.stderr.take().expect("piped stderr");
        let (found, address) = mpsc::channel();
        // Reads stderr to its end, so that node never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stderr);
            let mut seen = String::new();
            let mut line = String::new();
            while lines.read_line(&mut line).is_ok_and(|read| read > 0) {
                if let Some(at) = line.find("ws://") {
                    let _ = found.send(Ok(line[at..].trim().to_owned()));
                }
                seen.push_str(&line);
                line.clear();
            }
            let _ = lines.read_to_string(&mut seen);
            let _ = found.send(Err(seen));
        });
        let web_socket = match address.recv_timeout(WAIT) {
            Ok(Ok(url)) => url,
            Ok(Err(stderr)) => panic!("node exited without an inspector address:\n{stderr}"),
            Err(_) => panic!("node printed no inspector address within {WAIT:?}"),
        };
        NodeInspector {
            child,
            script,
            web_socket,
        }
    }

    /// The inspector's WebSocket, `ws://127.0.0.1:PORT/UUID`, as node printed it.
    pub fn web_socket_url(&self) -> &str {
        &self.web_socket
    }

    /// The inspector's HTTP endpoint, `http://127.0.0.1:PORT`.
    pub fn http_endpoint(&self) -> String {
        let authority = self.web_socket["ws://".len()..]
            .split('/')
            .next()
            .unwrap_or_default();
        format!("http://{authority}")
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The script's path.
    pub fn script(&self) -> &Path {
        &self.script
    }

    /// Waits up to `timeout` for node to exit by itself; its status, if it did.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if std::time::Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for NodeInspector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.script);
    }
}
