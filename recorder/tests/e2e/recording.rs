//! [`Recording`]: the recorder run as a process, its output read line by line as it comes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use cdp_test_support as common;
use common::WAIT;

/// The recorder cargo built for this test target, never a stale one.
pub const RECORDER: &str = env!("CARGO_BIN_EXE_cdp-background-services");

/// How long a recorder gets to exit after a signal before it is killed.
pub const EXIT_GRACE: Duration = Duration::from_secs(15);

/// A running recorder, its output read line by line as it comes.
pub struct Recording {
    pub child: Child,
    stdout: Option<Receiver<String>>,
    stderr: Receiver<String>,
    pub lines: Vec<String>,
    stderr_lines: Vec<String>,
    status: Option<ExitStatus>,
    /// The recorder's temporary directory, where its browser's profile goes.
    temp_dir: PathBuf,
}

/// How to start a recorder.
#[derive(Default)]
pub struct Start<'a> {
    /// Variables of the recorder's environment, on top of this process's.
    pub env: Vec<(&'a str, String)>,
    /// The recorder's `TMPDIR`; `None` for this process's.
    pub temp_dir: Option<PathBuf>,
    /// Leave standard output piped but unread: a reader that stalls.
    pub stalled_stdout: bool,
}

impl Recording {
    pub fn start(args: &[&str]) -> Recording {
        Recording::start_with(args, Start::default())
    }

    pub fn start_with(args: &[&str], start: Start<'_>) -> Recording {
        let mut command = Command::new(RECORDER);
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in &start.env {
            command.env(name, value);
        }
        let temp_dir = match start.temp_dir {
            Some(dir) => {
                command.env("TMPDIR", &dir);
                dir
            }
            None => std::env::temp_dir(),
        };
        let mut child = command.spawn().expect("the recorder starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let stdout = if start.stalled_stdout {
            // Kept open and never read: once the pipe's buffer is full, every write blocks.
            std::mem::forget(stdout);
            None
        } else {
            Some(lines_of(stdout))
        };
        let stderr = lines_of(child.stderr.take().expect("piped stderr"));
        Recording {
            child,
            stdout,
            stderr,
            lines: Vec::new(),
            stderr_lines: Vec::new(),
            status: None,
            temp_dir,
        }
    }

    /// Reads stdout until a line satisfies `done`.
    pub fn read_until(&mut self, what: &str, mut done: impl FnMut(&str) -> bool) {
        let stdout = self.stdout.as_ref().expect("stdout is read");
        if !read_lines_until(stdout, &mut self.lines, &mut done) {
            panic!(
                "the recorder printed no {what} within {WAIT:?}; stdout: {:#?}; stderr: {}",
                self.lines,
                self.stderr_text()
            );
        }
    }

    /// Reads stderr until a line satisfies `done`; the lines read are kept for `stderr_text`.
    pub fn read_stderr_until(&mut self, what: &str, mut done: impl FnMut(&str) -> bool) {
        if !read_lines_until(&self.stderr, &mut self.stderr_lines, &mut done) {
            panic!(
                "the recorder printed no {what} within {WAIT:?}; stderr: {}",
                self.stderr_text()
            );
        }
    }

    /// Waits up to `timeout` for the recorder to exit by itself.
    pub fn try_wait(&mut self, timeout: Duration) -> Option<ExitStatus> {
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
    pub fn wait(&mut self) -> ExitStatus {
        self.wait_within(WAIT)
    }

    /// [`Recording::wait`], for up to `timeout`.
    pub fn wait_within(&mut self, timeout: Duration) -> ExitStatus {
        let Some(status) = self.try_wait(timeout) else {
            self.stop();
            panic!(
                "the recorder did not exit within {timeout:?}; stderr: {}",
                self.stderr_text()
            );
        };
        if let Some(stdout) = &self.stdout {
            while let Ok(line) = stdout.recv_timeout(Duration::from_secs(5)) {
                self.lines.push(line);
            }
        }
        status
    }

    /// Sends `signal` (a name `kill -s` takes: INT, TERM).
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args(["-s", signal, &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -s {signal}: {status}");
    }

    /// Stops a recorder that is still running the way a user would, with Ctrl-C, so that it
    /// cleans up; kills it only when it does not exit within EXIT_GRACE.
    pub fn stop(&mut self) {
        if self.status.is_some() || self.try_wait(Duration::ZERO).is_some() {
            return;
        }
        self.signal("INT");
        if self.try_wait(EXIT_GRACE).is_none() {
            let _ = self.child.kill();
            self.status = self.child.wait().ok();
        }
    }

    /// Everything the recorder wrote to stderr so far (waiting 200 ms for more).
    pub fn stderr_text(&self) -> String {
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
    /// `cdp-<the recorder's pid>-..` under the recorder's temporary directory.
    fn profile_prefix(&self) -> (String, String) {
        let prefix = format!("cdp-{}-", self.child.id());
        let needle = self.temp_dir.join(&prefix);
        let needle = needle.to_str().expect("a UTF-8 temporary directory");
        (prefix, needle.to_owned())
    }

    /// Waits until a process of the browser the recorder launches runs.
    pub fn wait_for_browser_process(&self) {
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
    /// named `cdp-<the recorder's pid>-..` under the recorder's temporary directory.
    pub fn assert_nothing_left(&self) {
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
        let profiles: Vec<PathBuf> = std::fs::read_dir(&self.temp_dir)
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
    done: &mut impl FnMut(&str) -> bool,
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

/// An executable shell script at `CARGO_TARGET_TMPDIR/<name>-<pid>.sh` holding `body`.
pub fn script(name: &str, body: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{name}-{}.sh", std::process::id()));
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("the script is written");
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("the script is executable");
    path
}

/// A fresh, empty directory in the temporary directory, for one test. Its path is short: a
/// browser puts a Unix socket, whose path may not exceed 107 bytes, a few levels below.
pub fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rec-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the directory is created");
    dir
}

/// The names of the entries of `dir`.
pub fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("the directory")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect()
}

/// Writes `line` to this process's stderr at once, past the test harness's capture: for
/// the timings a test reports.
pub fn report(line: &str) {
    use std::io::Write;
    let _ = std::io::stderr()
        .lock()
        .write_all(format!("{line}\n").as_bytes());
}
