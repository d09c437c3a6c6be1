//! Launching a browser: the options, finding the binary, and the process guard that leaves
//! nothing behind.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::error::{Error, StartupFailure};
use super::temp_dir::{remove_tree, TempDir};

/// The arguments every launch passes by default, in this order: headless and quiet on a closed
/// network.
///
/// `--no-sandbox` is not among them: Chromium's sandbox stays on, unless this process runs as
/// root (where Chromium refuses to start with it) or [`LaunchOptions::sandbox`] turns it off;
/// the launch then adds `--no-sandbox` (see [`Sandbox`]).
pub const DEFAULT_ARGS: &[&str] = &[
    "--headless",
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

/// The argument that turns Chromium's sandbox off.
const NO_SANDBOX: &str = "--no-sandbox";

/// Whether Chromium's sandbox runs: [`LaunchOptions::sandbox`].
///
/// The sandbox confines the browser's renderers; it needs either user namespaces or a setuid
/// helper, and Chromium refuses to start as root with it. Off means `--no-sandbox`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Sandbox {
    /// On, except when this process runs as root (effective user id 0), where it is off.
    #[default]
    Auto,
    /// On, even as root (where Chromium then does not start).
    On,
    /// Off (`--no-sandbox`): e.g. in a container where the sandbox cannot start.
    Off,
}

impl Sandbox {
    /// Whether the sandbox is off for a process that runs as root (`root`) or not.
    fn is_off(self, root: bool) -> bool {
        match self {
            Sandbox::Auto => root,
            Sandbox::On => false,
            Sandbox::Off => true,
        }
    }
}

/// Whether this process runs as root: its effective user id is 0.
fn running_as_root() -> bool {
    // SAFETY: `geteuid` takes no arguments and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// How many of the browser's last standard-error lines are kept for error messages.
const STDERR_LINES: usize = 40;

/// The longest standard-error line kept, in bytes; the rest of a longer line is skipped. With
/// [`STDERR_LINES`], this bounds the memory the tail takes.
const MAX_STDERR_LINE: usize = 16 * 1024;

/// How to launch the browser.
///
/// The defaults suit headless use on a closed network:
///
/// | field | default |
/// |---|---|
/// | `binary` | `None`: `$CHROMIUM`, else the first of [`BINARY_NAMES`] on `PATH` |
/// | `args` | [`DEFAULT_ARGS`] |
/// | `sandbox` | [`Sandbox::Auto`]: on, unless this process runs as root (then `--no-sandbox`) |
/// | `user_data_dir` | `None`: a fresh temporary directory, removed when the browser is dropped |
/// | `startup_timeout` | [`DEFAULT_STARTUP_TIMEOUT`] (30 s) |
/// | `echo_stderr` | `false`: the browser's standard error is kept (last lines) for error messages |
///
/// The launch adds `--no-sandbox` when the sandbox is off, then `--user-data-dir=..`, the flag
/// of the transport (`--remote-debugging-pipe` or `--remote-debugging-port=0`) and
/// `about:blank` as the first tab after `args`. With a temporary profile, the browser's
/// `TMPDIR` is a directory beside the profile, so that the files Chromium keeps there are
/// removed with it even when the browser is killed.
///
/// Chromium's sandbox stays on by default: it is turned off only when this process runs as
/// root (effective user id 0), where Chromium cannot start with it, or when asked with
/// [`LaunchOptions::sandbox`]`(false)`.
///
/// ```
/// use cdp_transport::LaunchOptions;
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
    /// Whether Chromium's sandbox runs; see [`Sandbox`].
    pub sandbox: Sandbox,
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
            sandbox: Sandbox::Auto,
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

    /// Turns Chromium's sandbox on (`true`, even as root) or off (`false`: `--no-sandbox`),
    /// instead of [`Sandbox::Auto`], which turns it off only as root.
    pub fn sandbox(mut self, on: bool) -> Self {
        self.sandbox = if on { Sandbox::On } else { Sandbox::Off };
        self
    }

    /// The arguments the launch passes before the ones it adds for the profile and the
    /// transport: [`LaunchOptions::args`], then `--no-sandbox` when the sandbox is off for this
    /// process (see [`Sandbox`]) and `args` do not have it already.
    pub fn browser_args(&self) -> Vec<String> {
        self.browser_args_as(running_as_root())
    }

    fn browser_args_as(&self, root: bool) -> Vec<String> {
        let mut args = self.args.clone();
        if self.sandbox.is_off(root) && !args.iter().any(|arg| arg == NO_SANDBOX) {
            args.push(NO_SANDBOX.to_owned());
        }
        args
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

/// The browser's standard error as the reader thread keeps it, and a signal for the end of
/// the pipe.
#[derive(Debug, Default)]
struct Stderr {
    tail: Mutex<StderrTail>,
    ended: Condvar,
}

/// The last lines the browser wrote to its standard error.
#[derive(Debug, Default)]
struct StderrTail {
    lines: VecDeque<String>,
    /// Whether the reader has reached the end of the pipe: nothing more will come.
    ended: bool,
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
///
/// On Linux the browser also dies when this process ends, however it ends (SIGKILL from the
/// kernel, a parent-death signal), and its helpers with it; a temporary profile is then left
/// behind, unless a signal handler removes it: see [`CleanupHandle`].
#[derive(Debug)]
pub struct BrowserProcess {
    child: Child,
    binary: PathBuf,
    user_data_dir: PathBuf,
    temp_dir: Option<TempDir>,
    stderr: Arc<Stderr>,
    devtools_url: Option<Receiver<String>>,
    status: Option<ExitStatus>,
    /// Whether the browser (the group's leader) is reaped, shared with the [`KillHandle`]s:
    /// from then on its process id and group id may name other processes, and nothing may be
    /// sent to them. The lock is held across each kill-and-reap, so that a handle never kills
    /// a group that is being reaped.
    reaped: Arc<Mutex<bool>>,
}

/// A handle that kills a [`BrowserProcess`] and removes its temporary profile from another
/// thread, when its owner cannot: typically the signal handler of a program that is about to
/// exit without running destructors (`std::process::exit`).
///
/// ```no_run
/// # #[cfg(feature = "pipe")]
/// # fn main() -> Result<(), cdp_transport::Error> {
/// use cdp_transport::{Connection, LaunchOptions};
/// use cdp_runtime::UnknownEvent;
///
/// let connection = Connection::<UnknownEvent>::launch(&LaunchOptions::new())?;
/// let handle = connection.browser().map(|browser| browser.kill_handle());
/// // In a signal handler thread, instead of leaving a browser and a profile behind:
/// if let Some(handle) = &handle {
///     handle.kill_and_remove_profile();
/// }
/// std::process::exit(130);
/// # }
/// # #[cfg(not(feature = "pipe"))]
/// # fn main() {}
/// ```
#[derive(Debug, Clone)]
pub struct KillHandle {
    pid: u32,
    reaped: Arc<Mutex<bool>>,
    temporary_profile: Option<PathBuf>,
}

impl KillHandle {
    /// Sends SIGKILL to the browser's process group, unless the browser is reaped already
    /// (its group id may then name someone else's processes), and removes its temporary
    /// profile, if it has one. Best effort, for a program on its way out: failures are
    /// ignored.
    pub fn kill_and_remove_profile(&self) {
        {
            let reaped = lock(&self.reaped);
            if !*reaped {
                kill_group(self.pid);
            }
        }
        if let Some(profile) = &self.temporary_profile {
            // The killed processes write nothing more; a crash handler outside the group may
            // for a moment, which `remove_tree` retries.
            let _ = remove_tree(profile);
        }
    }
}

/// What a program's signal handler needs so that an interrupted program leaves nothing behind:
/// from [`Connection::cleanup_handle`](crate::Connection::cleanup_handle) (or the async
/// connection's).
///
/// A program ended by Ctrl-C (SIGINT) or SIGTERM runs no destructors, so the connection cannot
/// remove the browser's temporary profile. On Linux the browser dies with the program anyway
/// (it gets SIGKILL when the program ends: a parent-death signal), but the profile stays;
/// elsewhere both stay. One line in `main` deals with both, with the `ctrlc` crate (its
/// `termination` feature covers SIGTERM and SIGHUP too):
///
/// ```no_run
/// # #[cfg(feature = "pipe")]
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use cdp_runtime::UnknownEvent;
/// use cdp_transport::{Connection, LaunchOptions};
///
/// let connection = Connection::<UnknownEvent>::launch(&LaunchOptions::new())?;
/// ctrlc::set_handler({ let cleanup = connection.cleanup_handle(); move || cleanup.exit(130) })?;
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "pipe"))]
/// # fn main() {}
/// ```
///
/// For a connection that launched no browser, it only exits.
#[derive(Debug, Clone)]
pub struct CleanupHandle {
    browser: Option<KillHandle>,
}

impl CleanupHandle {
    pub(crate) fn new(browser: Option<KillHandle>) -> Self {
        CleanupHandle { browser }
    }

    /// Kills the browser the connection launched, with every process of its group, and
    /// removes its temporary profile (see [`KillHandle::kill_and_remove_profile`]). Best
    /// effort, for a program on its way out; the connection's calls then fail as the
    /// browser's end.
    pub fn clean_up(&self) {
        if let Some(browser) = &self.browser {
            browser.kill_and_remove_profile();
        }
    }

    /// [`clean_up`](Self::clean_up), then ends the process with `code`
    /// ([`std::process::exit`]): 130 is what shells report for a program ended by SIGINT.
    pub fn exit(&self, code: i32) -> ! {
        self.clean_up();
        std::process::exit(code)
    }
}

/// What became of the browser, the group's leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leader {
    Running,
    /// It exited (and, except on Linux, was reaped: see `leader`).
    Exited,
    /// There is nothing to wait for (ECHILD): someone else reaped it, so its status is unknown
    /// and its group id may be anyone's by now.
    Gone,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl BrowserProcess {
    /// Launches the browser with `--remote-debugging-port=0` and waits for the WebSocket
    /// address it prints on standard error, for up to [`LaunchOptions::startup_timeout`].
    ///
    /// Returns the browser and that address, `ws://127.0.0.1:PORT/devtools/browser/..`:
    /// connect to it with `Connection::connect` (feature `websocket`), or use
    /// `Connection::launch_websocket` for both at once; or ask its HTTP server through
    /// [`discovery`](crate::discovery) ([`Endpoint::from_websocket_url`]).
    ///
    /// Fails with [`Error::Startup`] when the browser exits, or closes its standard error,
    /// before it prints the address, or does not print it in time.
    ///
    /// [`Endpoint::from_websocket_url`]: crate::discovery::Endpoint::from_websocket_url
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
                let temp_dir = temporary_profile()?;
                (temp_dir.path().join(PROFILE), Some(temp_dir))
            }
        };
        let mut command = Command::new(&binary);
        if let Some(temp_dir) = &temp_dir {
            command.env("TMPDIR", temp_dir.path().join(TMP));
        }
        command
            .args(options.browser_args())
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
        #[cfg(target_os = "linux")]
        let spawned = {
            die_with_parent(&mut command);
            spawn_from_launcher(command)
        };
        #[cfg(not(target_os = "linux"))]
        let spawned = command.spawn();
        let mut child = spawned.map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => Error::NoSuchBinary {
                path: binary.clone(),
            },
            _ => Error::Launch {
                path: binary.clone(),
                source,
            },
        })?;
        let stderr = Arc::new(Stderr::default());
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
            reaped: Arc::default(),
        }
    }

    /// Waits for the `DevTools listening on ws://..` line.
    fn wait_for_websocket_url(&mut self, timeout: Duration) -> Result<String, Error> {
        let deadline = Instant::now() + timeout;
        let startup_error = |browser: &BrowserProcess, reason: StartupFailure| Error::Startup {
            path: browser.binary.clone(),
            reason,
            stderr: browser.stderr_tail(),
        };
        let Some(receiver) = self.devtools_url.take() else {
            return Err(startup_error(self, StartupFailure::StderrClosed));
        };
        loop {
            match receiver.recv_timeout(Duration::from_millis(50)) {
                Ok(url) => return Ok(url),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    // The reader has kept every line by now: the pipe is at its end.
                    let reason = match self.wait_for_exit(Duration::from_secs(1)) {
                        Some(status) => StartupFailure::Exited(status),
                        None => StartupFailure::StderrClosed,
                    };
                    return Err(startup_error(self, reason));
                }
            }
            if let Some(status) = self.poll_exit() {
                return Err(startup_error(self, StartupFailure::Exited(status)));
            }
            if Instant::now() >= deadline {
                return Err(startup_error(self, StartupFailure::TimedOut(timeout)));
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

    /// A handle that can kill this browser and remove its temporary profile from any thread:
    /// see [`KillHandle`].
    pub fn kill_handle(&self) -> KillHandle {
        KillHandle {
            pid: self.child.id(),
            reaped: Arc::clone(&self.reaped),
            temporary_profile: self.temp_dir.as_ref().map(|dir| dir.path().to_owned()),
        }
    }

    /// The last lines (up to 40) the browser wrote to its standard error. Once the browser is
    /// known to have exited, waits (up to half a second) for the reader to take in the last
    /// lines, which often say why.
    pub fn stderr_tail(&self) -> String {
        let tail = lock(&self.stderr.tail);
        if self.status.is_none() {
            return tail.text();
        }
        let (tail, _) = self
            .stderr
            .ended
            .wait_timeout_while(tail, Duration::from_millis(500), |tail| !tail.ended)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        tail.text()
    }

    /// How the browser exited, if it has. Once it has, its helper processes are killed too.
    ///
    /// `None` as well when someone else reaped it (its status is then unknown, and its helpers
    /// are left alone: their group id may name other processes by now).
    pub fn poll_exit(&mut self) -> Option<ExitStatus> {
        if !self.is_reaped() {
            match self.leader() {
                Leader::Running => {}
                // The exited leader is not reaped yet (on Linux), so its process group id
                // still names our group and no other: kill the helpers first, then reap.
                Leader::Exited => {
                    self.kill();
                }
                Leader::Gone => *lock(&self.reaped) = true,
            }
        }
        self.status
    }

    /// Waits up to `timeout` for the browser to exit by itself. `None` when it did not, or
    /// when someone else reaped it (see [`poll_exit`](BrowserProcess::poll_exit)).
    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.poll_exit() {
                return Some(status);
            }
            if self.is_reaped() || Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Kills the browser and every process of its group, and waits for it. Does nothing when
    /// it was already reaped, by us or by someone else. Returns how it exited.
    pub fn kill(&mut self) -> Option<ExitStatus> {
        let reaped = Arc::clone(&self.reaped);
        let mut reaped = lock(&reaped);
        if !*reaped {
            if self.leader() != Leader::Gone {
                kill_group(self.child.id());
                self.status = self.child.wait().ok();
            }
            *reaped = true;
        }
        self.status
    }

    fn is_reaped(&self) -> bool {
        *lock(&self.reaped)
    }

    /// Kills the browser (see [`BrowserProcess::kill`]) and removes its temporary profile,
    /// reporting a profile that could not be removed.
    pub fn close(mut self) -> Result<Option<ExitStatus>, Error> {
        let status = self.kill();
        if let Some(dir) = self.temp_dir.take() {
            let context = format!(
                "cannot remove the temporary profile {}",
                dir.path().display()
            );
            dir.remove().map_err(|err| Error::io(context, err))?;
        }
        Ok(status)
    }

    /// What became of the leader, without reaping it.
    #[cfg(target_os = "linux")]
    fn leader(&mut self) -> Leader {
        let pid: libc::id_t = self.child.id();
        loop {
            // SAFETY: `waitid` only writes into `info`, a zeroed `siginfo_t` we own; `WNOWAIT`
            // leaves the child waitable, so `Child::wait` still reaps it later.
            let (result, info) = unsafe {
                let mut info: libc::siginfo_t = std::mem::zeroed();
                let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
                (libc::waitid(libc::P_PID, pid, &mut info, flags), info)
            };
            if result == 0 {
                // SAFETY: `waitid` succeeded, so `info` is initialised (zeroed when no child
                // has exited, `si_pid` included).
                return if unsafe { info.si_pid() } != 0 {
                    Leader::Exited
                } else {
                    Leader::Running
                };
            }
            match io::Error::last_os_error().raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::ECHILD) => return Leader::Gone,
                // Nothing says it exited: treat it as running (a kill reaps it in any case).
                _ => return Leader::Running,
            }
        }
    }

    /// What became of the leader. Elsewhere than on Linux it is reaped at once when it has
    /// exited, so its helpers are killed by a group id that is, for a short while, free for
    /// reuse.
    #[cfg(not(target_os = "linux"))]
    fn leader(&mut self) -> Leader {
        match self.child.try_wait() {
            Ok(Some(status)) => {
                let reaped = Arc::clone(&self.reaped);
                let mut reaped = lock(&reaped);
                if !*reaped {
                    kill_group(self.child.id());
                    self.status = Some(status);
                    *reaped = true;
                }
                Leader::Exited
            }
            Ok(None) => Leader::Running,
            Err(err) if err.raw_os_error() == Some(libc::ECHILD) => Leader::Gone,
            Err(_) => Leader::Running,
        }
    }
}

impl Drop for BrowserProcess {
    fn drop(&mut self) {
        self.kill();
        // `temp_dir` is dropped after this, which removes the profile.
    }
}

/// The directories inside a temporary profile's [`TempDir`]: the profile itself, and the
/// browser's `TMPDIR`.
const PROFILE: &str = "profile";
const TMP: &str = "tmp";

/// A fresh [`TempDir`] holding an empty profile directory and an empty `TMPDIR` for the
/// browser: the files Chromium keeps in `TMPDIR` (`.org.chromium.Chromium.*`) outlive a killed
/// browser, and are removed with the profile this way.
fn temporary_profile() -> Result<TempDir, Error> {
    let temp_dir = TempDir::new()
        .map_err(|err| Error::io("cannot create a temporary profile directory", err))?;
    for name in [PROFILE, TMP] {
        let dir = temp_dir.path().join(name);
        std::fs::create_dir(&dir)
            .map_err(|err| Error::io(format!("cannot create {}", dir.display()), err))?;
    }
    Ok(temp_dir)
}

/// Makes the launched browser die with this process: SIGKILL from the kernel when its parent
/// ends (`PR_SET_PDEATHSIG`), for a browser that would not exit by itself when its pipe closes.
/// It runs in a process group of its own, so the signals a terminal sends to ours never reach
/// it.
///
/// The kernel ties the signal to the thread that forked the child, not to the process: the
/// browser is therefore forked by [`spawn_from_launcher`], whose thread lasts as long as the
/// process, and not by the caller's, which may end first (a tokio blocking thread does).
#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut Command) {
    let parent = libc::pid_t::try_from(std::process::id()).ok();
    // SAFETY: the closure runs in the child between fork and exec, where only
    // async-signal-safe calls are allowed: it makes two system calls, `prctl` and `getppid`,
    // and builds its error without allocating. `PR_SET_PDEATHSIG` takes the signal as its
    // second argument, and ignores the other three (given as 0, as the manual asks). A parent
    // that died before the call has made the child an orphan, whose `getppid` is no longer
    // ours: then the signal never comes, and the child does not start.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            ) != 0
            {
                return Err(io::Error::last_os_error());
            }
            if parent.is_some_and(|parent| libc::getppid() != parent) {
                return Err(io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
}

/// A command for the launcher thread to spawn, and where the child goes.
#[cfg(target_os = "linux")]
type Launch = (Command, SyncSender<io::Result<Child>>);

/// Spawns `command` from the launcher thread: one thread, started by the first launch, that
/// lasts as long as the process, so that the parent-death signal of [`die_with_parent`] comes
/// when the process ends, and only then.
#[cfg(target_os = "linux")]
fn spawn_from_launcher(command: Command) -> io::Result<Child> {
    // Never dropped: the thread waits for the next launch until the process ends.
    static LAUNCHER: Mutex<Option<mpsc::Sender<Launch>>> = Mutex::new(None);
    let stopped = || io::Error::other("the cdp-transport launcher thread has stopped");
    let launcher = {
        let mut launcher = lock(&LAUNCHER);
        match &*launcher {
            Some(launcher) => launcher.clone(),
            None => {
                let (sender, launches) = mpsc::channel::<Launch>();
                std::thread::Builder::new()
                    .name("cdp-transport launcher".into())
                    .spawn(move || {
                        for (mut command, child) in launches {
                            // The launch may have been given up; its child is dropped then.
                            let _ = child.send(command.spawn());
                        }
                    })?;
                launcher.insert(sender).clone()
            }
        }
    };
    let (child, spawned) = mpsc::sync_channel(1);
    launcher.send((command, child)).map_err(|_| stopped())?;
    spawned.recv().map_err(|_| stopped())?
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
fn read_stderr(pipe: ChildStderr, stderr: &Stderr, echo: bool, devtools_url: SyncSender<String>) {
    const PREFIX: &str = "DevTools listening on ";
    let mut reader = BufReader::new(pipe);
    let mut bytes = Vec::new();
    // Stops at the end of the pipe, or when it cannot be read.
    while let Ok(Some(cut)) = read_capped_line(&mut reader, &mut bytes, MAX_STDERR_LINE) {
        let line = String::from_utf8_lossy(&bytes);
        let mut line = line.trim_end_matches(['\r', '\n']).to_owned();
        if cut {
            line.push_str(" [cut: the line goes on]");
        }
        if echo {
            eprintln!("{line}");
        }
        if let Some(url) = line.strip_prefix(PREFIX) {
            // Only the first address matters; a full channel means it was sent already.
            let _ = devtools_url.try_send(url.trim().to_owned());
        }
        lock(&stderr.tail).push(line);
    }
    lock(&stderr.tail).ended = true;
    stderr.ended.notify_all();
}

/// Reads one line (up to and with its `\n`) into `line`, but no more than `limit` bytes of it:
/// the rest of a longer line is skipped. `Ok(None)` at the end of the input; otherwise whether
/// the line was cut.
fn read_capped_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<bool>> {
    line.clear();
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    if reader.by_ref().take(limit).read_until(b'\n', line)? == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') || (line.len() as u64) < limit {
        // A whole line, or the last one, without its `\n`.
        return Ok(Some(false));
    }
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if available.is_empty() {
            return Ok(Some(true));
        }
        match available.iter().position(|&byte| byte == b'\n') {
            Some(end) => {
                reader.consume(end + 1);
                return Ok(Some(true));
            }
            None => {
                let len = available.len();
                reader.consume(len);
            }
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
    fn stderr_lines_are_read_up_to_a_limit_and_the_rest_is_skipped() {
        let long = "x".repeat(100);
        let input = format!("short\n{long}\nnext\nlast");
        let mut reader = io::Cursor::new(input.into_bytes());
        let mut line = Vec::new();
        let mut lines = Vec::new();
        while let Some(cut) = read_capped_line(&mut reader, &mut line, 10).unwrap() {
            lines.push((String::from_utf8(line.clone()).unwrap(), cut));
        }
        assert_eq!(
            lines,
            [
                ("short\n".to_owned(), false),
                ("x".repeat(10), true),
                ("next\n".to_owned(), false),
                ("last".to_owned(), false),
            ]
        );
    }

    /// A "browser" that is a shell running `script`, with the launch's arguments as `$0..`.
    #[cfg(target_os = "linux")]
    fn fake_browser(script: &str) -> BrowserProcess {
        let mut options = LaunchOptions::new().binary("/bin/sh");
        options.args = vec!["-c".into(), script.into()];
        BrowserProcess::spawn(&options, &[], |_| {}).unwrap()
    }

    /// Whether the process group `pgid` still has a live member (zombies aside: whether they
    /// are reaped soon depends on the system's init).
    #[cfg(target_os = "linux")]
    fn group_exists(pgid: u32) -> bool {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return false;
        };
        entries.flatten().any(|entry| {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                return false;
            };
            // `pid (comm) state ppid pgrp ..`; `comm` may hold anything, so split after it.
            let Some((_, rest)) = stat.rsplit_once(')') else {
                return false;
            };
            let fields: Vec<&str> = rest.split_whitespace().collect();
            fields.len() > 2 && fields[0] != "Z" && fields[2] == pgid.to_string()
        })
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_browser_reaped_elsewhere_is_not_killed_by_group() {
        // The leader exits at once, leaving a helper in its group.
        let mut browser = fake_browser("sleep 30 & exit 3");
        let pid = browser.pid();
        let mut status = 0;
        // Someone else reaps the leader: its group id is no longer ours to use.
        // SAFETY: `waitpid` writes into the `c_int` we own.
        let reaped = unsafe { libc::waitpid(pid as libc::pid_t, &mut status, 0) };
        assert_eq!(reaped, pid as libc::pid_t);
        assert!(group_exists(pid));

        assert_eq!(browser.poll_exit(), None);
        assert_eq!(browser.wait_for_exit(Duration::from_secs(5)), None);
        assert_eq!(browser.kill(), None);
        browser.kill_handle().kill_and_remove_profile();
        let profile = browser.user_data_dir().to_owned();
        drop(browser);
        assert!(
            group_exists(pid),
            "the group was killed after its leader was reaped"
        );
        assert!(!profile.exists());
        // SAFETY: as in `group_exists`; this test's own helper.
        unsafe { libc::kill(-(pid as libc::pid_t), libc::SIGKILL) };
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_kill_handle_kills_the_group_and_removes_the_profile() {
        let mut browser = fake_browser("sleep 30 & exec sleep 30");
        let pid = browser.pid();
        let profile = browser.user_data_dir().to_owned();
        assert!(profile.is_dir());
        let handle = browser.kill_handle();
        std::thread::spawn(move || handle.kill_and_remove_profile())
            .join()
            .unwrap();
        assert!(!profile.exists());
        let status = browser.wait_for_exit(Duration::from_secs(5)).unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(libc::SIGKILL)
        );
        // Helpers die with the leader (give the kernel a moment to finish them).
        let deadline = Instant::now() + Duration::from_secs(5);
        while group_exists(pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!group_exists(pid));
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_browser_launched_from_a_thread_that_ends_outlives_the_thread() {
        // The parent-death signal follows the thread that forked: were it this short-lived
        // one, the browser would get SIGKILL as soon as the thread ends.
        let mut browser = std::thread::spawn(|| fake_browser("exec sleep 30"))
            .join()
            .unwrap();
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(
            browser.poll_exit(),
            None,
            "the browser died with its thread"
        );
        let status = browser.kill().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(libc::SIGKILL)
        );
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_cleanup_handle_kills_the_browser_and_removes_its_profile() {
        let mut browser = fake_browser("exec sleep 30");
        let profile = browser.user_data_dir().to_owned();
        let cleanup = CleanupHandle::new(Some(browser.kill_handle()));
        std::thread::spawn(move || cleanup.clean_up())
            .join()
            .unwrap();
        assert!(!profile.exists());
        let status = browser.wait_for_exit(Duration::from_secs(5)).unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(libc::SIGKILL)
        );
        // Without a browser, there is nothing to do.
        CleanupHandle::new(None).clean_up();
    }

    /// How often `--no-sandbox` is in the launch's arguments for a process that runs as root
    /// (`root`) or not.
    fn no_sandbox_count(options: &LaunchOptions, root: bool) -> usize {
        let args = options.browser_args_as(root);
        args.iter().filter(|arg| *arg == "--no-sandbox").count()
    }

    #[test]
    fn the_sandbox_stays_on_by_default_and_is_off_as_root() {
        assert!(!DEFAULT_ARGS.contains(&"--no-sandbox"));
        let options = LaunchOptions::new();
        assert_eq!(options.sandbox, Sandbox::Auto);
        assert_eq!(no_sandbox_count(&options, false), 0);
        assert_eq!(no_sandbox_count(&options, true), 1);
        // The given arguments come first, unchanged.
        assert_eq!(
            options.browser_args_as(true)[..DEFAULT_ARGS.len()],
            *DEFAULT_ARGS
        );
    }

    #[test]
    fn the_sandbox_is_off_when_asked_and_on_when_asked_even_as_root() {
        let off = LaunchOptions::new().sandbox(false);
        assert_eq!(off.sandbox, Sandbox::Off);
        assert_eq!(no_sandbox_count(&off, false), 1);
        assert_eq!(no_sandbox_count(&off, true), 1);
        let on = LaunchOptions::new().sandbox(true);
        assert_eq!(on.sandbox, Sandbox::On);
        assert_eq!(no_sandbox_count(&on, false), 0);
        assert_eq!(no_sandbox_count(&on, true), 0);
        // Given among the arguments already: not twice.
        let given = LaunchOptions::new().arg("--no-sandbox");
        assert_eq!(no_sandbox_count(&given, true), 1);
        assert_eq!(no_sandbox_count(&given.sandbox(false), false), 1);
    }

    #[test]
    fn the_launch_arguments_follow_the_effective_user_id() {
        // SAFETY: `geteuid` takes no arguments and cannot fail.
        let root = unsafe { libc::geteuid() } == 0;
        let args = LaunchOptions::new().browser_args();
        assert_eq!(
            args.iter().any(|arg| arg == "--no-sandbox"),
            root,
            "{args:?}"
        );
    }

    #[test]
    fn a_browser_that_exits_before_its_address_is_one_line_with_its_stderr_apart() {
        let mut options = LaunchOptions::new()
            .binary("/bin/sh")
            .startup_timeout(Duration::from_secs(20));
        options.args = vec![
            "-c".into(),
            "echo 'starting' >&2; echo 'FATAL: cannot open display' >&2; exit 1".into(),
        ];
        let err = BrowserProcess::launch_with_port(&options).unwrap_err();
        let Error::Startup { reason, .. } = &err else {
            panic!("expected Startup, got {err:?}");
        };
        assert!(matches!(reason, StartupFailure::Exited(status) if status.code() == Some(1)));
        assert_eq!(
            err.to_string(),
            "/bin/sh did not start: it exited (exit status: 1) before printing its DevTools \
             address"
        );
        assert_eq!(err.stderr(), Some("starting\nFATAL: cannot open display\n"));
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_temporary_profile_has_a_tmpdir_beside_it_that_goes_with_it() {
        let browser = fake_browser(r#"echo "TMPDIR=$TMPDIR" >&2; exec sleep 30"#);
        let tmpdir = browser.user_data_dir().parent().unwrap().join("tmp");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !browser.stderr_tail().contains("TMPDIR=") && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(
            browser.stderr_tail(),
            format!("TMPDIR={}\n", tmpdir.display())
        );
        assert!(tmpdir.is_dir() && browser.user_data_dir().is_dir());
        let root = tmpdir.parent().unwrap().to_owned();
        drop(browser);
        assert!(!root.exists());
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
