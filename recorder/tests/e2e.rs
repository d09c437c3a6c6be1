//! The `cdp-background-services` recorder, run as a process against the page that registers a
//! background sync: it prints the sync events as a table, and as JSON lines with `--json`; a
//! signal stops it cleanly, a second one at once, and neither leaves a browser process or a
//! temporary profile behind.
//!
//! The recorder is the one cargo built for this test target, never a stale one. Without a
//! `chromium` binary these tests print `SKIPPED: ..` and return; under `CI=true` they fail
//! (see `common::chromium`).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use cdp_bindings::background_service::BackgroundServiceEvent;

use cdp_test_support as common;
use common::WAIT;

const RECORDER: &str = env!("CARGO_BIN_EXE_cdp-background-services");

/// How long a recorder gets to exit after a signal before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(15);

/// A running recorder, its output read line by line as it comes.
struct Recording {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    lines: Vec<String>,
    stderr_lines: Vec<String>,
    status: Option<ExitStatus>,
}

impl Recording {
    fn start(args: &[&str]) -> Recording {
        let mut child = Command::new(RECORDER)
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
            stderr_lines: Vec::new(),
            status: None,
        }
    }

    /// Reads stdout until a line satisfies `done`.
    fn read_until(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        if !read_lines_until(&self.stdout, &mut self.lines, done) {
            panic!(
                "the recorder printed no {what} within {WAIT:?}; stdout: {:#?}; stderr: {}",
                self.lines,
                self.stderr_text()
            );
        }
    }

    /// Reads stderr until a line satisfies `done`; the lines read are kept for `stderr_text`.
    fn read_stderr_until(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        if !read_lines_until(&self.stderr, &mut self.stderr_lines, done) {
            panic!(
                "the recorder printed no {what} within {WAIT:?}; stderr: {}",
                self.stderr_text()
            );
        }
    }

    /// Waits up to `timeout` for the recorder to exit by itself.
    fn try_wait(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("the recorder's status") {
                self.status = Some(status);
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the recorder to exit by itself (stopping it after WAIT), then reads the rest
    /// of its output.
    fn wait(&mut self) -> ExitStatus {
        let Some(status) = self.try_wait(WAIT) else {
            self.stop();
            panic!(
                "the recorder did not exit within {WAIT:?}; stderr: {}",
                self.stderr_text()
            );
        };
        while let Ok(line) = self.stdout.recv_timeout(Duration::from_secs(5)) {
            self.lines.push(line);
        }
        status
    }

    /// Sends `signal` (a name `kill -s` takes: INT, TERM).
    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args(["-s", signal, &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -s {signal}: {status}");
    }

    /// Stops a recorder that is still running the way a user would, with Ctrl-C, so that it
    /// cleans up; kills it only when it does not exit within EXIT_GRACE.
    fn stop(&mut self) {
        if self.status.is_some() || self.try_wait(Duration::ZERO).is_some() {
            return;
        }
        self.signal("INT");
        if self.try_wait(EXIT_GRACE).is_none() {
            let _ = self.child.kill();
            self.status = self.child.wait().ok();
        }
    }

    fn stderr_text(&self) -> String {
        let mut text: String = self
            .stderr_lines
            .iter()
            .map(|line| format!("{line}\n"))
            .collect();
        while let Ok(line) = self.stderr.recv_timeout(Duration::from_millis(200)) {
            text.push_str(&line);
            text.push('\n');
        }
        text
    }

    /// The start of the temporary profile's path of a browser the recorder launches:
    /// `cdp-<the recorder's pid>-..` under the temporary directory.
    fn profile_prefix(&self) -> (String, String) {
        let prefix = format!("cdp-{}-", self.child.id());
        let needle = std::env::temp_dir().join(&prefix);
        let needle = needle.to_str().expect("a UTF-8 temporary directory");
        (prefix, needle.to_owned())
    }

    /// Waits until a process of the browser the recorder launches runs.
    fn wait_for_browser_process(&self) {
        let (_, needle) = self.profile_prefix();
        let deadline = Instant::now() + WAIT;
        while common::processes_mentioning(&needle).is_empty() {
            assert!(
                Instant::now() < deadline,
                "no browser process within {WAIT:?}; stderr: {}",
                self.stderr_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Checks that the recorder left no browser process and no temporary profile: they are
    /// named `cdp-<the recorder's pid>-..` under the temporary directory.
    fn assert_nothing_left(&self) {
        let (prefix, needle) = self.profile_prefix();
        let needle = needle.as_str();
        // Killed helpers may take a moment more to finish dying.
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut left = common::processes_mentioning(needle);
        while !left.is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
            left = common::processes_mentioning(needle);
        }
        assert!(left.is_empty(), "processes left: {left:#?}");
        let profiles: Vec<PathBuf> = std::fs::read_dir(std::env::temp_dir())
            .expect("the temporary directory")
            .flatten()
            .filter(|entry| entry.file_name().to_string_lossy().starts_with(&prefix))
            .map(|entry| entry.path())
            .collect();
        assert!(profiles.is_empty(), "profiles left: {profiles:#?}");
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        // A recorder left by a failed assertion must not outlive the test, nor leave its
        // browser and profile behind: a SIGKILL would.
        self.stop();
    }
}

/// Moves lines from `from` into `read` until one satisfies `done` (true) or WAIT passes
/// (false).
fn read_lines_until(
    from: &Receiver<String>,
    read: &mut Vec<String>,
    done: impl Fn(&str) -> bool,
) -> bool {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = from.recv_timeout(left) else {
            return false;
        };
        let finished = done(&line);
        read.push(line);
        if finished {
            return true;
        }
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
    let tag = common::unique_tag("table");
    let server = common::PageServer::start(&tag);
    let binary = options.find_binary().unwrap();
    let url = server.url();
    // All six services (the default), until Ctrl-C.
    let mut recording = Recording::start(&["--chromium", binary.to_str().unwrap(), &url]);
    recording.read_until("final sync event", |line| line.contains("Sync completed"));
    recording.signal("INT");
    let status = recording.wait();
    assert!(
        status.success(),
        "{status}; stderr: {}",
        recording.stderr_text()
    );
    recording.assert_nothing_left();

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
    let tag = common::unique_tag("json");
    let server = common::PageServer::start(&tag);
    let binary = options.find_binary().unwrap();
    let url = server.url();
    let mut recording = Recording::start(&[
        "--json",
        "--clear",
        "--service",
        "backgroundSync",
        "--duration",
        "6",
        "--chromium",
        binary.to_str().unwrap(),
        &url,
    ]);
    let status = recording.wait();
    assert!(
        status.success(),
        "{status}; stderr: {}",
        recording.stderr_text()
    );
    recording.assert_nothing_left();

    let events: Vec<BackgroundServiceEvent> = recording
        .lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect();
    common::assert_sync_events(&events, &server.origin(), &tag);
}

#[test]
fn sigterm_stops_the_recorder_cleanly() {
    let test = "sigterm_stops_the_recorder_cleanly";
    let Some(options) = common::chromium(test) else {
        return;
    };
    let binary = options.find_binary().unwrap();
    let mut recording = Recording::start(&[
        "--service",
        "backgroundSync",
        "--chromium",
        binary.to_str().unwrap(),
        "about:blank",
    ]);
    recording.read_until("table header", |line| line.starts_with("TIME (UTC)"));
    recording.signal("TERM");
    let status = recording.wait();
    assert!(
        status.success(),
        "{status}; stderr: {}",
        recording.stderr_text()
    );
    assert!(recording.stderr_text().contains("recorded 0 event(s)"));
    recording.assert_nothing_left();
}

/// A shell script that runs `binary` with the arguments it is given, with `before` and
/// `after` around it: a browser that is slow to start or slow to exit. It stays the browser's
/// parent, in the process group the recorder kills.
fn browser_wrapper(binary: &std::path::Path, name: &str, before: &str, after: &str) -> PathBuf {
    let wrapper = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{name}-{}.sh", std::process::id()));
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\n{before}\n'{}' \"$@\"\n{after}\n",
            binary.display()
        ),
    )
    .expect("the wrapper is written");
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("the wrapper is executable");
    wrapper
}

/// Runs the recorder on the browser `wrapper` (see [`browser_wrapper`]) until `ready`, then
/// presses Ctrl-C twice, the second once the first has been handled (so that the two are not
/// merged into one pending signal). The recorder must exit with status 130, say so, and leave
/// nothing behind. Returns its stderr and how long it took to exit after the second Ctrl-C.
fn interrupt_twice(
    wrapper: &std::path::Path,
    ready: impl FnOnce(&mut Recording),
) -> (String, Duration) {
    let mut recording = Recording::start(&[
        "--service",
        "backgroundSync",
        "--chromium",
        wrapper.to_str().unwrap(),
        "about:blank",
    ]);
    ready(&mut recording);
    recording.signal("INT");
    recording.read_stderr_until("the notice that the clean-up runs", |line| {
        line.starts_with("stopping: cleaning up")
    });
    let interrupted = Instant::now();
    recording.signal("INT");
    let status = recording.wait();
    let elapsed = interrupted.elapsed();
    let stderr = recording.stderr_text();
    assert_eq!(status.code(), Some(130), "{status}; stderr: {stderr}");
    assert!(
        stderr.contains("interrupted: stopped without cleaning up the page"),
        "{stderr}"
    );
    recording.assert_nothing_left();
    let _ = std::fs::remove_file(wrapper);
    (stderr, elapsed)
}

#[test]
fn a_second_ctrl_c_stops_at_once_and_still_leaves_nothing_behind() {
    let test = "a_second_ctrl_c_stops_at_once_and_still_leaves_nothing_behind";
    let Some(options) = common::chromium(test) else {
        return;
    };
    let binary = options.find_binary().unwrap();
    // A browser whose process outlives `Browser.close` by 10 s: the clean-up waits for it
    // (up to 5 s), so the second signal surely comes while the clean-up runs.
    let wrapper = browser_wrapper(&binary, "slow-exit", "", "sleep 10");
    let (_, elapsed) = interrupt_twice(&wrapper, |recording| {
        recording.read_until("table header", |line| line.starts_with("TIME (UTC)"));
    });
    assert!(
        elapsed < Duration::from_secs(4),
        "it took {elapsed:?} to stop"
    );
}

#[test]
fn a_second_ctrl_c_while_the_browser_starts_still_closes_it() {
    let test = "a_second_ctrl_c_while_the_browser_starts_still_closes_it";
    let Some(options) = common::chromium(test) else {
        return;
    };
    let binary = options.find_binary().unwrap();
    // A browser that takes 2 s to start: both signals come before it answers anything.
    let wrapper = browser_wrapper(&binary, "slow-start", "sleep 2", "");
    // The Ctrl-C handler is installed before the browser is launched.
    let (stderr, _) = interrupt_twice(&wrapper, |recording| recording.wait_for_browser_process());
    assert!(
        !stderr.contains("recording "),
        "it never got to record: {stderr}"
    );
}
