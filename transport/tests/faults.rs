//! Faults a fake browser found (issue 23), each with the test that shows it fixed: an answer
//! that is not UTF-8 fails its call at once; `close` ends the calls pending elsewhere at once;
//! the launched browser dies with this process; the one-line signal handler of the README
//! leaves nothing behind.
//!
//! The fake browser speaks the pipe protocol (NUL-terminated JSON on fds 3 and 4). It is this
//! test binary itself: [`launch`] gives the transport a shell script that runs the binary's
//! [`fake_browser`] test alone, with [`FAKE`] in its environment, and `fake_browser` then
//! plays the browser instead of returning. The same way, [`helper`] plays a program that uses
//! the transport, for the tests in which that program dies. Linux: the fake opens its pipe
//! ends as `/dev/fd/3` and `/dev/fd/4`, and the parent-death signal is Linux's.

#![cfg(all(feature = "pipe", target_os = "linux"))]

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cdp_runtime::UnknownEvent;
use cdp_transport::protocol::browser::GetVersionParams;
use cdp_transport::{Connection, Error, LaunchOptions};
use serde_json::{json, Value};

/// The environment variable that makes [`fake_browser`] a browser, and says how it behaves:
///
/// - `not-utf8`: answers every command with a message that is not UTF-8;
/// - `stall-on-version`: answers every command (a page `T1` on session `S1`), except
///   `Browser.getVersion` and `Browser.close`, which it never answers.
///
/// Either way, once the pipe closes it stays, as a browser that does not exit then.
const FAKE: &str = "CDP_TRANSPORT_FAKE_BROWSER";

/// The environment variable that makes [`helper`] a program using the transport:
///
/// - `launch`: launches a fake browser (`stall-on-version`) and waits;
/// - `ctrlc`: the same, with the README's signal handler installed.
///
/// It prints `browser PID PROFILE` once the browser runs.
const HELPER: &str = "CDP_TRANSPORT_HELPER";

/// Not a test: the fake browser's entry point, which does nothing in a test run.
#[test]
fn fake_browser() {
    let Ok(behaviour) = std::env::var(FAKE) else {
        return;
    };
    let input = File::open("/dev/fd/3").expect("the pipe the browser reads, as fd 3");
    let output = OpenOptions::new()
        .write(true)
        .open("/dev/fd/4")
        .expect("the pipe the browser writes, as fd 4");
    serve(&behaviour, input, output);
    // The pipe is closed: a browser that does not exit then stays.
    std::thread::sleep(Duration::from_secs(60));
    std::process::exit(0);
}

/// Plays the browser until the pipe closes.
fn serve(behaviour: &str, input: File, mut output: File) {
    let mut input = BufReader::new(input);
    loop {
        let mut message = Vec::new();
        match input.read_until(0, &mut message) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        message.pop();
        let Ok(request) = serde_json::from_slice::<Value>(&message) else {
            continue;
        };
        let id = request["id"].as_u64().unwrap_or_default();
        let mut answer = match (behaviour, request["method"].as_str().unwrap_or_default()) {
            ("not-utf8", _) => {
                let mut answer = format!(r#"{{"id":{id},"result":{{"product":""#).into_bytes();
                answer.extend_from_slice(b"\xff\xfe\"}}");
                answer
            }
            (_, "Browser.getVersion" | "Browser.close") => continue,
            (_, method) => {
                let result = match method {
                    "Target.createTarget" => json!({ "targetId": "T1" }),
                    "Target.attachToTarget" => json!({ "sessionId": "S1" }),
                    _ => json!({}),
                };
                let mut answer = json!({ "id": id, "result": result });
                if let Some(session) = request.get("sessionId") {
                    answer["sessionId"] = session.clone();
                }
                answer.to_string().into_bytes()
            }
        };
        answer.push(0);
        if output.write_all(&answer).is_err() {
            return;
        }
    }
}

/// Launch options whose "browser" is the fake, behaving as `behaviour`.
fn fake(behaviour: &str) -> LaunchOptions {
    let binary = std::env::current_exe().expect("the test binary's path");
    let mut options = LaunchOptions::new().binary("/bin/sh");
    options.args = vec![
        "-c".into(),
        format!(
            "export {FAKE}={behaviour}; exec '{}' --exact fake_browser --test-threads=1 -q",
            binary.display()
        ),
    ];
    options
}

fn launch(behaviour: &str) -> Connection<UnknownEvent> {
    let mut connection = Connection::launch(&fake(behaviour)).expect("the fake browser starts");
    connection.set_timeout(Duration::from_secs(20));
    connection
}

#[test]
fn an_answer_that_is_not_utf8_fails_its_call_at_once_with_the_reason() {
    let connection = launch("not-utf8");
    for _ in 0..2 {
        let started = Instant::now();
        let err = connection.call(&GetVersionParams::new()).unwrap_err();
        let took = started.elapsed();
        let Error::Decode(decode) = &err else {
            panic!("expected a decode error, got {err:?}");
        };
        assert!(
            decode.reason().starts_with("the message is not UTF-8"),
            "{err}"
        );
        assert!(decode.raw().contains('\u{fffd}'), "{}", decode.raw());
        // Not the call's 20 s timeout: the answer came, and says why it is no good.
        assert!(took < Duration::from_secs(5), "it took {took:?}: {err}");
    }
}

#[test]
fn close_ends_the_calls_pending_on_pages_at_once() {
    let connection = launch("stall-on-version");
    let page = connection.new_page().unwrap();
    std::thread::scope(|scope| {
        let pending = scope.spawn(|| {
            let answer = page.call(&GetVersionParams::new());
            (answer, Instant::now())
        });
        // The call is on its way, and will never be answered.
        std::thread::sleep(Duration::from_millis(300));
        let closing = Instant::now();
        let status = connection.close().unwrap();
        // The fake does not close: it was given 5 s, then killed.
        assert_eq!(
            status.and_then(|status| std::os::unix::process::ExitStatusExt::signal(&status)),
            Some(9)
        );
        let (answer, ended) = pending.join().unwrap();
        let err = answer.unwrap_err();
        assert_eq!(
            err.to_string(),
            "the connection is closed: the connection was closed"
        );
        let waited = ended.saturating_duration_since(closing);
        assert!(waited < Duration::from_secs(1), "it waited {waited:?}");
    });
}

#[cfg(feature = "tokio")]
#[test]
fn close_ends_the_calls_pending_through_clones_at_once() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let connection =
            cdp_transport::tokio::Connection::<UnknownEvent>::launch(&fake("stall-on-version"))
                .await
                .unwrap();
        let clone = connection.clone();
        let pending = tokio::spawn(async move {
            let answer = clone.call(&GetVersionParams::new()).await;
            (answer, Instant::now())
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        let closing = Instant::now();
        connection.close().await.unwrap();
        let (answer, ended) = pending.await.unwrap();
        let err = answer.unwrap_err();
        assert_eq!(
            err.to_string(),
            "the connection is closed: the connection was closed"
        );
        let waited = ended.saturating_duration_since(closing);
        assert!(waited < Duration::from_secs(1), "it waited {waited:?}");
    });
}

/// Not a test: a program that uses the transport, for the tests in which it dies.
#[test]
fn helper() {
    let Ok(what) = std::env::var(HELPER) else {
        return;
    };
    let connection = launch("stall-on-version");
    if what == "ctrlc" {
        // As the README shows it.
        ctrlc::set_handler({
            let cleanup = connection.cleanup_handle();
            move || cleanup.exit(130)
        })
        .expect("the signal handler");
    }
    let browser = connection.browser().expect("a launched browser");
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "browser {} {}",
        browser.pid(),
        browser.user_data_dir().display()
    );
    let _ = stdout.flush();
    drop(stdout);
    std::thread::sleep(Duration::from_secs(60));
    std::process::exit(0);
}

/// A program that uses the transport, running [`helper`] as `what`, and its browser's process
/// id and profile.
struct Program {
    child: Child,
    browser: u32,
    profile: PathBuf,
}

impl Program {
    fn start(what: &str) -> Program {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "helper", "--nocapture", "--test-threads=1"])
            .env(HELPER, what)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        for line in stdout.lines() {
            let line = line.unwrap();
            // After the harness's `test helper ... `, on the same line.
            if let Some((_, rest)) = line.split_once("browser ") {
                let (pid, profile) = rest.split_once(' ').unwrap();
                return Program {
                    child,
                    browser: pid.parse().unwrap(),
                    profile: PathBuf::from(profile),
                };
            }
        }
        let status = child.wait().unwrap();
        panic!("the helper ended ({status}) before its browser ran");
    }

    /// Waits up to 10 s for the browser to be gone; whether it is.
    fn browser_gone(&self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while alive(self.browser) {
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        true
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // What a failed test left behind.
        if alive(self.browser) {
            let _ = Command::new("kill")
                .args(["-KILL", &self.browser.to_string()])
                .status();
        }
        if let Some(root) = self.profile.parent() {
            let _ = std::fs::remove_dir_all(root);
        }
    }
}

/// Whether the process `pid` lives: it exists and is not a zombie (which whoever reaps orphans
/// here may leave for a while).
fn alive(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // `pid (comm) state ..`: the state follows the last parenthesis.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .is_some_and(|state| state != "Z")
}

fn exists(path: &Path) -> bool {
    path.try_exists().unwrap_or(true)
}

#[test]
fn the_launched_browser_dies_with_the_program() {
    let mut program = Program::start("launch");
    assert!(alive(program.browser));
    // SIGKILL: no destructor, no handler runs.
    program.child.kill().unwrap();
    program.child.wait().unwrap();
    assert!(
        program.browser_gone(),
        "the browser {} outlived the program",
        program.browser
    );
}

#[test]
fn the_readme_signal_handler_kills_the_browser_and_removes_its_profile() {
    let mut program = Program::start("ctrlc");
    assert!(exists(&program.profile));
    let signalled = Command::new("kill")
        .args(["-TERM", &program.child.id().to_string()])
        .status()
        .unwrap();
    assert!(signalled.success());
    let status = program.child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status}");
    assert!(program.browser_gone(), "the browser outlived the program");
    let root = program.profile.parent().unwrap().to_owned();
    assert!(!exists(&root), "{} is left behind", root.display());
}
