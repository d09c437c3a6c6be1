//! The `cdp-background-services` recorder, run as a process against the page that registers a
//! background sync: it prints the sync events as a table, and as JSON lines with `--json`.
//!
//! `cargo test --workspace --all-features` builds the recorder (it is a binary of
//! cdp-bindings, behind its `recorder` feature). Without a `chromium` binary, or without the
//! recorder built, these tests print `SKIPPED: ..` and return; under `CI=true` they fail.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use cdp_bindings::background_service::BackgroundServiceEvent;

use common::WAIT;

const RECORDER: &str = "cdp-background-services";

/// The recorder next to this test's own binary (`target/<profile>/deps/..`), or `None` when
/// it is not built and the test is to be skipped.
fn recorder(test: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().expect("the test's own path");
    let path = exe.parent()?.parent()?.join(RECORDER);
    if path.is_file() {
        return Some(path);
    }
    let reason = format!(
        "{} is not built (cargo build -p cdp-bindings --features recorder)",
        path.display()
    );
    assert!(!common::in_ci(), "{test}: CI=true but {reason}");
    common::skipped(test, &reason);
    None
}

/// A running recorder, its output read line by line as it comes.
struct Recording {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    lines: Vec<String>,
}

impl Recording {
    fn start(recorder: &PathBuf, args: &[&str]) -> Recording {
        let mut child = Command::new(recorder)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the recorder starts");
        let stdout = lines_of(child.stdout.take().expect("piped stdout"));
        let stderr = lines_of(child.stderr.take().expect("piped stderr"));
        Recording {
            child,
            stdout,
            stderr,
            lines: Vec::new(),
        }
    }

    /// Reads stdout until a line satisfies `done`.
    fn read_until(&mut self, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) => {
                    let finished = done(&line);
                    self.lines.push(line);
                    if finished {
                        return;
                    }
                }
                Err(_) => panic!(
                    "the recorder printed no final sync event within {WAIT:?}; stdout: {:#?}; stderr: {}",
                    self.lines,
                    self.stderr_text()
                ),
            }
        }
    }

    /// Waits for the recorder to exit by itself (killing it after WAIT), then reads the rest
    /// of its output.
    fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the recorder's status") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "the recorder did not exit within {WAIT:?}; stderr: {}",
                    self.stderr_text()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        while let Ok(line) = self.stdout.recv_timeout(Duration::from_secs(5)) {
            self.lines.push(line);
        }
        status
    }

    fn interrupt(&self) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: `kill` takes no pointers; the recorder is our child and not reaped yet.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    }

    fn stderr_text(&self) -> String {
        let mut text = String::new();
        while let Ok(line) = self.stderr.recv_timeout(Duration::from_millis(200)) {
            text.push_str(&line);
            text.push('\n');
        }
        text
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        // A recorder left by a failed assertion must not outlive the test.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines_of(pipe: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { return };
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    receiver
}

#[test]
fn the_recorder_prints_sync_events_as_a_table_until_ctrl_c() {
    let test = "the_recorder_prints_sync_events_as_a_table_until_ctrl_c";
    let Some(options) = common::chromium(test) else {
        return;
    };
    let Some(recorder) = recorder(test) else {
        return;
    };
    let tag = common::unique_tag("table");
    let server = common::PageServer::start(&tag);
    let binary = options.find_binary().unwrap();
    let url = server.url();
    // All six services (the default), until Ctrl-C.
    let mut recording =
        Recording::start(&recorder, &["--chromium", binary.to_str().unwrap(), &url]);
    recording.read_until(|line| line.contains("Sync completed"));
    recording.interrupt();
    let status = recording.wait();
    assert!(
        status.success(),
        "{status}; stderr: {}",
        recording.stderr_text()
    );

    let lines = &recording.lines;
    assert!(lines[0].starts_with("TIME (UTC)"), "{lines:#?}");
    for header in ["SERVICE", "EVENT", "INSTANCE", "ORIGIN", "METADATA"] {
        assert!(lines[0].contains(header), "{header} in {}", lines[0]);
    }
    let row = |name: &str| {
        lines
            .iter()
            .find(|line| line.contains(name))
            .unwrap_or_else(|| panic!("no {name:?} row in {lines:#?}"))
    };
    for name in ["Registered sync", "Dispatched sync event", "Sync completed"] {
        let row = row(name);
        for field in ["backgroundSync", tag.as_str(), server.origin().as_str()] {
            assert!(row.contains(field), "{field} in {row}");
        }
    }
    assert!(row("Dispatched sync event").contains("Last Chance=No"));
    assert!(row("Sync completed").contains("Status=succeeded"));
}

#[test]
fn the_recorder_prints_sync_events_as_json_lines_for_the_duration() {
    let test = "the_recorder_prints_sync_events_as_json_lines_for_the_duration";
    let Some(options) = common::chromium(test) else {
        return;
    };
    let Some(recorder) = recorder(test) else {
        return;
    };
    let tag = common::unique_tag("json");
    let server = common::PageServer::start(&tag);
    let binary = options.find_binary().unwrap();
    let url = server.url();
    let mut recording = Recording::start(
        &recorder,
        &[
            "--json",
            "--clear",
            "--service",
            "backgroundSync",
            "--duration",
            "6",
            "--chromium",
            binary.to_str().unwrap(),
            &url,
        ],
    );
    let status = recording.wait();
    assert!(
        status.success(),
        "{status}; stderr: {}",
        recording.stderr_text()
    );

    let events: Vec<BackgroundServiceEvent> = recording
        .lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect();
    common::assert_sync_events(&events, &server.origin(), &tag);
}
