//! Launching a browser: the options, finding the binary, and the process guard that leaves
//! nothing behind.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{self, BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, ExitStatus, Stdio};
#[cfg(feature = "websocket")]
use std::sync::mpsc::RecvTimeoutError;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::error::Error;
use super::temp_dir::TempDir;

/// The arguments every launch passes by default, in this order: headless and quiet on a closed
/// network. `--no-sandbox` because Chromium's sandbox cannot start as root or in most
/// containers; drop it from [`LaunchOptions::args`] where the sandbox works.
pub const DEFAULT_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The names looked for on `PATH` when neither [`LaunchOptions::binary`] nor `CHROMIUM` is set.
pub const BINARY_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome-stable",
    "google-chrome",
    "chrome",
];

/// The environment variable that names the browser binary when [`LaunchOptions::binary`] is
/// not set.
pub const BINARY_ENV: &str = "CHROMIUM";

/// How long a launch waits for the browser to become ready, by default.
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// How many of the browser's last standard-error lines are kept for error messages.
const STDERR_LINES: usize = 40;

/// How to launch the browser.
///
/// The defaults suit headless use on a closed network:
///
/// | field | default |
/// |---|---|
/// | `binary` | `None`: `$CHROMIUM`, else the first of [`BINARY_NAMES`] on `PATH` |
/// | `args` | [`DEFAULT_ARGS`] |
/// | `user_data_dir` | `None`: a fresh temporary directory, removed when the browser is dropped |
/// | `startup_timeout` | [`DEFAULT_STARTUP_TIMEOUT`] (30 s) |
/// | `echo_stderr` | `false`: the browser's standard error is kept (last lines) for error messages |
///
/// The launch adds `--user-data-dir=..`, the flag of the transport (`--remote-debugging-pipe`
/// or `--remote-debugging-port=0`) and `about:blank` as the first tab after `args`.
///
/// ```
/// use cdp_runtime::transport::LaunchOptions;
///
/// let options = LaunchOptions::new().binary("/usr/bin/chromium").arg("--lang=en-US");
/// assert!(options.args.iter().any(|arg| arg == "--headless"));
/// assert_eq!(options.args.last().map(String::as_str), Some("--lang=en-US"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LaunchOptions {
    /// The browser binary.
    pub binary: Option<PathBuf>,
    /// The browser's arguments, before the ones the launch adds.
    pub args: Vec<String>,
    /// The profile directory; `None` for a fresh temporary one.
    pub user_data_dir: Option<PathBuf>,
    /// How long to wait for the browser to become ready: for a WebSocket launch, to print
    /// its DevTools address and accept the connection. (Over the pipe, the first command's
    /// timeout covers the start.)
    pub startup_timeout: Duration,
    /// Copy the browser's standard error to this process's standard error.
    pub echo_stderr: bool,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        LaunchOptions {
            binary: None,
            args: DEFAULT_ARGS.iter().map(|&arg| arg.to_owned()).collect(),
            user_data_dir: None,
            startup_timeout: DEFAULT_STARTUP_TIMEOUT,
            echo_stderr: false,
        }
    }
}

impl LaunchOptions {
    /// The defaults (see the table above).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the browser binary.
    pub fn binary(mut self, binary: impl Into<PathBuf>) -> Self {
        self.binary = Some(binary.into());
        self
    }

    /// Appends one argument.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Uses this profile directory, which is kept, instead of a fresh temporary one.
    pub fn user_data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.user_data_dir = Some(dir.into());
        self
    }

    /// Sets how long to wait for the browser to become ready.
    pub fn startup_timeout(mut self, timeout: Duration) -> Self {
        self.startup_timeout = timeout;
        self
    }

    /// Copies the browser's standard error to this process's.
    pub fn echo_stderr(mut self, echo: bool) -> Self {
        self.echo_stderr = echo;
        self
    }

    /// The binary a launch would run: [`LaunchOptions::binary`], else `$CHROMIUM`, else the
    /// first of [`BINARY_NAMES`] found on `PATH`.
    ///
    /// Fails with [`Error::NoSuchBinary`] when the binary named by the options or by
    /// `CHROMIUM` does not exist, and with [`Error::BrowserNotFound`] when nothing is named
    /// and nothing is found.
    pub fn find_binary(&self) -> Result<PathBuf, Error> {
        if let Some(binary) = &self.binary {
            return existing(binary.as_os_str().to_owned());
        }
        match std::env::var_os(BINARY_ENV) {
            Some(binary) if !binary.is_empty() => existing(binary),
            _ => BINARY_NAMES
                .iter()
                .find_map(|name| search_path(name.as_ref()))
                .ok_or(Error::BrowserNotFound {
                    searched: BINARY_NAMES.to_vec(),
                }),
        }
    }
}

/// The browser binary the default [`LaunchOptions`] would run; see
/// [`LaunchOptions::find_binary`].
pub fn find_browser() -> Result<PathBuf, Error> {
    LaunchOptions::default().find_binary()
}

/// A path as given (when it names a directory) or searched on `PATH` (a bare name).
fn existing(binary: OsString) -> Result<PathBuf, Error> {
    let path = PathBuf::from(&binary);
    let found = if path.components().count() > 1 {
        path.is_file().then(|| path.clone())
    } else {
        search_path(&binary)
    };
    found.ok_or(Error::NoSuchBinary { path })
}

fn search_path(name: &std::ffi::OsStr) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// The last lines the browser wrote to its standard error.
#[derive(Debug, Default)]
struct StderrTail {
    lines: VecDeque<String>,
}

impl StderrTail {
    fn push(&mut self, line: String) {
        if self.lines.len() == STDERR_LINES {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
    }

    fn text(&self) -> String {
        let mut text = String::new();
        for line in &self.lines {
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}

/// A running browser, owned: dropping it kills the browser and every process it started, waits
/// for it, and removes its temporary profile.
///
/// The browser is started in a process group of its own, so that its helpers (zygotes,
/// renderers, GPU and utility processes) can be killed with it. Chromium's crash handler
/// detaches into its own session and exits by itself once the browser is gone.
#[derive(Debug)]
pub struct BrowserProcess {
    child: Child,
    binary: PathBuf,
    user_data_dir: PathBuf,
    temp_dir: Option<TempDir>,
    stderr: Arc<Mutex<StderrTail>>,
    devtools_url: Option<Receiver<String>>,
    status: Option<ExitStatus>,
}

impl BrowserProcess {
    /// Launches the browser with `--remote-debugging-port=0` and waits for the WebSocket
    /// address it prints on standard error, for up to [`LaunchOptions::startup_timeout`].
    ///
    /// Returns the browser and that address: connect to it with
    /// [`Connection::connect`](super::Connection::connect), or use
    /// [`Connection::launch_websocket`](super::Connection::launch_websocket) for both at once.
    #[cfg(feature = "websocket")]
    pub fn launch_with_port(options: &LaunchOptions) -> Result<(BrowserProcess, String), Error> {
        let mut browser = BrowserProcess::spawn(options, &["--remote-debugging-port=0"], |_| {})?;
        let url = browser.wait_for_websocket_url(options.startup_timeout)?;
        Ok((browser, url))
    }

    /// Spawns the browser with the launch's arguments plus `transport_args`; `configure` may
    /// adjust the command further (the pipe transport maps its file descriptors there).
    pub(crate) fn spawn(
        options: &LaunchOptions,
        transport_args: &[&str],
        configure: impl FnOnce(&mut Command),
    ) -> Result<BrowserProcess, Error> {
        let binary = options.find_binary()?;
        let (user_data_dir, temp_dir) = match &options.user_data_dir {
            Some(dir) => (dir.clone(), None),
            None => {
                let temp_dir = TempDir::new()
                    .map_err(|err| Error::io("cannot create a temporary profile directory", err))?;
                (temp_dir.path().to_owned(), Some(temp_dir))
            }
        };
        let mut command = Command::new(&binary);
        command
            .args(&options.args)
            .arg({
                let mut arg = OsString::from("--user-data-dir=");
                arg.push(&user_data_dir);
                arg
            })
            .args(transport_args)
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            // A group of its own, so that the browser's helpers can be killed with it.
            .process_group(0);
        configure(&mut command);
        let mut child = command.spawn().map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => Error::NoSuchBinary {
                path: binary.clone(),
            },
            _ => Error::Launch {
                path: binary.clone(),
                source,
            },
        })?;
        let stderr = Arc::new(Mutex::new(StderrTail::default()));
        let (url_sender, url_receiver) = mpsc::sync_channel(1);
        if let Some(pipe) = child.stderr.take() {
            let tail = Arc::clone(&stderr);
            let echo = options.echo_stderr;
            let spawned = std::thread::Builder::new()
                .name("cdp-browser-stderr".into())
                .spawn(move || read_stderr(pipe, &tail, echo, url_sender));
            if let Err(err) = spawned {
                let mut browser = BrowserProcess::new(child, binary, user_data_dir, temp_dir);
                browser.kill();
                return Err(Error::io("cannot start the stderr reader thread", err));
            }
        }
        let mut browser = BrowserProcess::new(child, binary, user_data_dir, temp_dir);
        browser.stderr = stderr;
        browser.devtools_url = Some(url_receiver);
        Ok(browser)
    }

    fn new(
        child: Child,
        binary: PathBuf,
        user_data_dir: PathBuf,
        temp_dir: Option<TempDir>,
    ) -> BrowserProcess {
        BrowserProcess {
            child,
            binary,
            user_data_dir,
            temp_dir,
            stderr: Arc::default(),
            devtools_url: None,
            status: None,
        }
    }

    /// Waits for the `DevTools listening on ws://..` line.
    #[cfg(feature = "websocket")]
    fn wait_for_websocket_url(&mut self, timeout: Duration) -> Result<String, Error> {
        let deadline = Instant::now() + timeout;
        let startup_error = |browser: &BrowserProcess, reason: String| Error::Startup {
            path: browser.binary.clone(),
            reason,
            stderr: browser.stderr_tail(),
        };
        let Some(receiver) = self.devtools_url.take() else {
            return Err(startup_error(
                self,
                "its standard error is not captured".into(),
            ));
        };
        loop {
            match receiver.recv_timeout(Duration::from_millis(50)) {
                Ok(url) => return Ok(url),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.wait_for_exit(Duration::from_secs(1));
                    let reason = match status {
                        Some(status) => {
                            format!("it exited ({status}) before printing its DevTools address")
                        }
                        None => "it closed its standard error before printing its DevTools address"
                            .into(),
                    };
                    return Err(startup_error(self, reason));
                }
            }
            if let Some(status) = self.poll_exit() {
                let reason = format!("it exited ({status}) before printing its DevTools address");
                return Err(startup_error(self, reason));
            }
            if Instant::now() >= deadline {
                let reason = format!("no DevTools address on its standard error after {timeout:?}");
                return Err(startup_error(self, reason));
            }
        }
    }

    /// The binary that runs.
    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// The browser's process id (also its process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The profile directory in use.
    pub fn user_data_dir(&self) -> &Path {
        &self.user_data_dir
    }

    /// Whether the profile directory is a temporary one that is removed on drop.
    pub fn is_temporary_profile(&self) -> bool {
        self.temp_dir.is_some()
    }

    /// The last lines (up to 40) the browser wrote to its standard error.
    pub fn stderr_tail(&self) -> String {
        match self.stderr.lock() {
            Ok(tail) => tail.text(),
            Err(poisoned) => poisoned.into_inner().text(),
        }
    }

    /// How the browser exited, if it has. Once it has, its helper processes are killed too.
    pub fn poll_exit(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() && self.has_exited() {
            // The exited leader is not reaped yet, so its process group id still names our
            // group and no other: kill the helpers first, then reap.
            self.kill();
        }
        self.status
    }

    /// Waits up to `timeout` for the browser to exit by itself.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.poll_exit() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Kills the browser and every process of its group, and waits for it. Does nothing when
    /// it was already reaped. Returns how it exited.
    pub fn kill(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            kill_group(self.child.id());
            self.status = self.child.wait().ok();
        }
        self.status
    }

    /// Kills the browser (see [`BrowserProcess::kill`]) and removes its temporary profile,
    /// reporting a profile that could not be removed.
    pub fn close(mut self) -> Result<Option<ExitStatus>, Error> {
        let status = self.kill();
        if let Some(mut dir) = self.temp_dir.take() {
            dir.remove().map_err(|err| {
                Error::io(
                    format!(
                        "cannot remove the temporary profile {}",
                        dir.path().display()
                    ),
                    err,
                )
            })?;
        }
        Ok(status)
    }

    /// Whether the leader has exited, without reaping it.
    #[cfg(target_os = "linux")]
    fn has_exited(&mut self) -> bool {
        let pid: libc::id_t = self.child.id();
        // SAFETY: `waitid` only writes into `info`, a zeroed `siginfo_t` we own; `WNOWAIT`
        // leaves the child waitable, so `Child::wait` still reaps it later.
        unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
            if libc::waitid(libc::P_PID, pid, &mut info, flags) != 0 {
                // ECHILD: there is nothing left to wait for.
                return true;
            }
            info.si_pid() != 0
        }
    }

    /// Whether the leader has exited. Elsewhere than on Linux it is reaped at once, so its
    /// helpers are killed by a group id that is, for a short while, free for reuse.
    #[cfg(not(target_os = "linux"))]
    fn has_exited(&mut self) -> bool {
        match self.child.try_wait() {
            Ok(Some(status)) => {
                kill_group(self.child.id());
                self.status = Some(status);
                true
            }
            Ok(None) => false,
            Err(_) => true,
        }
    }
}

impl Drop for BrowserProcess {
    fn drop(&mut self) {
        self.kill();
        // `temp_dir` is dropped after this, which removes the profile.
    }
}

/// Sends SIGKILL to the process group `pid` leads.
fn kill_group(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: `kill` takes no pointers; a negative pid names the process group. The caller
    // guarantees the leader is not reaped yet, so the group is still the browser's.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
}

/// Keeps the last lines of the browser's standard error and passes on its DevTools address.
fn read_stderr(
    pipe: ChildStderr,
    tail: &Mutex<StderrTail>,
    echo: bool,
    devtools_url: SyncSender<String>,
) {
    const PREFIX: &str = "DevTools listening on ";
    let mut reader = BufReader::new(pipe);
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        match reader.read_until(b'\n', &mut bytes) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&bytes);
        let line = line.trim_end_matches(['\r', '\n']);
        if echo {
            eprintln!("{line}");
        }
        if let Some(url) = line.strip_prefix(PREFIX) {
            // Only the first address matters; a full channel means it was sent already.
            let _ = devtools_url.try_send(url.trim().to_owned());
        }
        match tail.lock() {
            Ok(mut tail) => tail.push(line.to_owned()),
            Err(poisoned) => poisoned.into_inner().push(line.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_binary_is_reported_by_path() {
        let options = LaunchOptions::new().binary("/x/y");
        let err = options.find_binary().unwrap_err();
        assert_eq!(err.to_string(), "no such binary: /x/y");
    }

    #[test]
    fn defaults_are_headless_and_quiet() {
        let options = LaunchOptions::default();
        for arg in DEFAULT_ARGS {
            assert!(options.args.iter().any(|given| given == arg), "{arg}");
        }
        assert_eq!(options.binary, None);
        assert_eq!(options.user_data_dir, None);
    }

    #[test]
    fn the_stderr_tail_keeps_the_last_lines() {
        let mut tail = StderrTail::default();
        for n in 0..100 {
            tail.push(n.to_string());
        }
        let text = tail.text();
        assert!(text.starts_with("60\n"));
        assert!(text.ends_with("99\n"));
    }
}
