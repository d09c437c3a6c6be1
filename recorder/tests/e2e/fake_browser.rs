//! A fake browser that speaks the pipe protocol (NUL-terminated JSON, read on fd 3, written
//! on fd 4) and misbehaves on demand: it floods events, stalls, dies, or sends hostile text.
//!
//! It is this test binary itself: [`browser`] writes a script, given to the recorder as
//! `--chromium`, that runs the binary's [`entry`] test alone; with [`BEHAVIOUR`] set in its
//! environment (the recorder passes its own on), `entry` plays the browser instead of
//! returning. The script stays the parent, so that its command line holds the
//! `--user-data-dir` the recorder gave, as a real browser's does.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::FromRawFd;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::{json, Value};

use crate::recording::script;

/// The environment variable that makes [`entry`] a browser, and says how it behaves:
///
/// - `answer`: answers every command (a page `T1` on session `S1`), and sends nothing else;
/// - `flood`: once the page navigates, sends `backgroundSync` events as fast as it can;
/// - `hostile`: once the page navigates, sends [`hostile_events`];
/// - `die`: once the page navigates, sends 3 events and exits with status 3;
/// - `stall`: answers nothing;
/// - `slow-cleanup`: answers the first command of the clean-up (recording turned off) after
///   [`SLOW_CLEANUP`], and nothing after it but `Browser.close`, which it exits on.
pub const BEHAVIOUR: &str = "CDP_RECORDER_FAKE_BROWSER";

/// A file the fake browser appends the method of every command it receives to.
pub const LOG: &str = "CDP_RECORDER_FAKE_LOG";

/// The page's session.
pub const SESSION: &str = "S1";

/// How long `slow-cleanup` keeps the clean-up's first command waiting.
pub const SLOW_CLEANUP: Duration = Duration::from_secs(2);

/// Not a test: the fake browser's entry point, which does nothing in a test run.
#[test]
fn entry() {
    let Ok(behaviour) = std::env::var(BEHAVIOUR) else {
        return;
    };
    // SAFETY: the launcher gave this process (through the script) the pipe's two ends as
    // fds 3 and 4, and nothing else in it uses them.
    let (input, output) = unsafe { (File::from_raw_fd(3), File::from_raw_fd(4)) };
    std::process::exit(serve(&behaviour, input, output));
}

/// The script to give the recorder as `--chromium`, written once: a test that rewrote it
/// while another test's browser runs it would cut that one short.
pub fn browser() -> PathBuf {
    static SCRIPT: OnceLock<PathBuf> = OnceLock::new();
    SCRIPT
        .get_or_init(|| {
            let binary = std::env::current_exe().expect("the test binary's path");
            script(
                "fake-browser",
                &format!(
                    "'{}' --exact fake_browser::entry --test-threads=1 -q >/dev/null",
                    binary.display()
                ),
            )
        })
        .clone()
}

/// Where the fake browser writes. Once it floods, its flood thread does all the writing,
/// answers first: a lock taken in turns by the flood and the answers would let the flood
/// starve the answers.
#[derive(Clone)]
struct Output(Arc<OutputState>);

struct OutputState {
    file: Mutex<File>,
    /// Answers for the flood thread to write, once it floods.
    queued: Mutex<Option<Vec<String>>>,
}

impl Output {
    fn new(file: File) -> Output {
        Output(Arc::new(OutputState {
            file: Mutex::new(file),
            queued: Mutex::new(None),
        }))
    }

    /// Sends one message, or queues it for the flood thread.
    fn send(&self, text: &str) -> std::io::Result<()> {
        // Held while writing, so that the flood cannot start in between (it takes the file
        // only after setting up the queue, and never the other way round while this holds).
        let mut queued = lock(&self.0.queued);
        if let Some(queued) = queued.as_mut() {
            queued.push(text.to_owned());
            return Ok(());
        }
        write_message(&mut lock(&self.0.file), text)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write_message(file: &mut File, text: &str) -> std::io::Result<()> {
    file.write_all(text.as_bytes())?;
    file.write_all(b"\0")
}

/// Plays the browser until the recorder closes the pipe or asks it to close; returns the exit
/// status.
fn serve(behaviour: &str, input: File, output: File) -> i32 {
    let output = Output::new(output);
    let mut log = std::env::var_os(LOG).map(|path| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .expect("the fake browser's log")
    });
    let mut input = BufReader::new(input);
    let mut navigated = false;
    // For `slow-cleanup`: whether the clean-up has begun.
    let mut cleaning_up = false;
    loop {
        let mut message = Vec::new();
        match input.read_until(0, &mut message) {
            Ok(0) | Err(_) => return 0,
            Ok(_) => {}
        }
        message.pop();
        let Ok(request) = serde_json::from_slice::<Value>(&message) else {
            continue;
        };
        let method = request["method"].as_str().unwrap_or_default().to_owned();
        if let Some(log) = &mut log {
            let _ = writeln!(log, "{method}");
        }
        if behaviour == "stall" {
            continue;
        }
        if behaviour == "slow-cleanup" && navigated {
            if method == "Browser.close" {
                return 0;
            }
            if cleaning_up {
                continue;
            }
            if method == "BackgroundService.setRecording"
                && request["params"]["shouldRecord"] == Value::Bool(false)
            {
                cleaning_up = true;
                std::thread::sleep(SLOW_CLEANUP);
            }
        }
        let result = match method.as_str() {
            "Target.createTarget" => json!({ "targetId": "T1" }),
            "Target.attachToTarget" => json!({ "sessionId": SESSION }),
            "Page.navigate" => json!({ "frameId": "F1", "loaderId": "L1" }),
            "Target.closeTarget" => json!({ "success": true }),
            _ => json!({}),
        };
        let mut response = json!({ "id": request["id"], "result": result });
        if let Some(session) = request.get("sessionId") {
            response["sessionId"] = session.clone();
        }
        if output.send(&response.to_string()).is_err() {
            return 0;
        }
        match method.as_str() {
            "Browser.close" => return 0,
            "Page.navigate" if !navigated => {
                navigated = true;
                let output = output.clone();
                match behaviour {
                    "flood" => {
                        std::thread::spawn(move || flood(&output));
                    }
                    "hostile" => {
                        for event in hostile_events() {
                            let _ = output.send(&received(&event));
                        }
                    }
                    "die" => {
                        for n in 0..3 {
                            let _ = output.send(&received(&sync_event(n)));
                        }
                        std::thread::sleep(Duration::from_millis(200));
                        return 3;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// A `backgroundSync` event, as Chromium writes one.
pub fn sync_event(n: u64) -> String {
    format!(
        r#"{{"timestamp":1795319544.{n:03},"origin":"http://fake.test/","serviceWorkerRegistrationId":"0","service":"backgroundSync","eventName":"Dispatched sync event","instanceId":"tag-{n}","eventMetadata":[{{"key":"Last Chance","value":"No"}}],"storageKey":"http://fake.test/"}}"#
    )
}

/// The message that carries `event` on the page's session.
pub fn received(event: &str) -> String {
    format!(
        r#"{{"method":"BackgroundService.backgroundServiceEventReceived","params":{{"backgroundServiceEvent":{event}}},"sessionId":"{SESSION}"}}"#
    )
}

/// Sends events until the pipe breaks: whole batches prepared once, so that even an
/// unoptimized build sends faster than the recorder reads; the answers queued meanwhile go
/// first.
fn flood(output: &Output) {
    let mut batch = Vec::new();
    for n in 0..1000 {
        batch.extend_from_slice(received(&sync_event(n)).as_bytes());
        batch.push(0);
    }
    *lock(&output.0.queued) = Some(Vec::new());
    let mut file = lock(&output.0.file);
    loop {
        let answers = lock(&output.0.queued)
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        for answer in answers {
            if write_message(&mut file, &answer).is_err() {
                return;
            }
        }
        if file.write_all(&batch).is_err() {
            return;
        }
    }
}

/// Events whose text a page could choose, made to attack a terminal:
///
/// 0. plain ASCII JSON, as Chromium writes it, with escape sequences, CR LF and a bidi
///    override as `\u` escapes, and a field no protocol has;
/// 1. the same attacks as raw characters where JSON allows them (U+202E, U+009B, U+2028),
///    and line breaks between the tokens;
/// 2. a service no protocol has, whose name holds an escape sequence.
pub fn hostile_events() -> Vec<String> {
    vec![
        r#"{"timestamp":1795319544.5,"origin":"http://fake.test/","serviceWorkerRegistrationId":"0","service":"backgroundSync","eventName":"\u001b[2J\u001b]0;owned\u0007cleared","instanceId":"line\r\nforged row","eventMetadata":[{"key":"\u202eevil","value":"\u009b31mred"}],"storageKey":"http://fake.test/","futureField":{"nested":[1,"x"]}}"#.to_owned(),
        "{\n  \"timestamp\": 1795319544.6,\n  \"origin\": \"http://fake.test/\",\r\n  \"serviceWorkerRegistrationId\": \"0\",\n  \"service\": \"notifications\",\n  \"eventName\": \"\u{202e}txt.exe\u{9b}31m\u{2028}x\",\n  \"instanceId\": \"\u{200b}\",\n  \"eventMetadata\": [],\n  \"storageKey\": \"http://fake.test/\"\n}".to_owned(),
        r#"{"timestamp":1795319544.7,"origin":"http://fake.test/","serviceWorkerRegistrationId":"0","service":"futureService\u001b[31m","eventName":"Future","instanceId":"","eventMetadata":[],"storageKey":"http://fake.test/"}"#.to_owned(),
    ]
}
