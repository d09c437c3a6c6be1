//! Runs each example against a page this test serves on 127.0.0.1 and checks what it
//! prints or writes, as a user would run it.
//!
//! The examples are built by `cargo build --examples` from the test itself (cargo does not
//! hand integration tests the paths of examples, and a binary left from an earlier build
//! could be stale). Without a `chromium` binary the tests that need one print `SKIPPED: ..`
//! and return; under `CI=true` they fail (see `cdp_test_support::chromium`).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use cdp_test_support::{self as support, PageServer};

/// The longest an example may run before it is killed and the test fails.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// The example binaries, by name, built once for all the tests.
fn example(name: &str) -> PathBuf {
    static BUILT: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["build", "--package", "cdp-examples", "--examples"])
            .arg("--message-format=json-render-diagnostics")
            .stderr(Stdio::inherit());
        if !cfg!(debug_assertions) {
            build.arg("--release");
        }
        let output = build.output().expect("run cargo build --examples");
        assert!(output.status.success(), "cargo build --examples failed");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|message| message["reason"] == "compiler-artifact")
            .filter(|message| message["target"]["kind"][0] == "example")
            .filter_map(|message| {
                let name = message["target"]["name"].as_str()?.to_owned();
                let executable = message["executable"].as_str()?.into();
                Some((name, executable))
            })
            .collect()
    });
    built
        .get(name)
        .unwrap_or_else(|| panic!("cargo built no example `{name}`: {built:?}"))
        .clone()
}

/// What an example did.
struct Run {
    status: std::process::ExitStatus,
    stdout: String,
    stderr: String,
}

impl Run {
    fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// Fails the test, showing everything the example printed.
    #[track_caller]
    fn assert(&self, holds: bool, what: &str) {
        assert!(
            holds,
            "{what}\nstatus: {}\n--- stdout\n{}--- stderr\n{}",
            self.status, self.stdout, self.stderr
        );
    }
}

/// Runs an example to its end, killing it after [`RUN_LIMIT`].
fn run(name: &str, args: &[&str]) -> Run {
    let mut child = Command::new(example(name))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("start example {name}: {err}"));
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = read(Box::new(child.stderr.take().expect("piped stderr")));
    let deadline = Instant::now() + RUN_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the example") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "example {name} {args:?} still ran after {RUN_LIMIT:?}; stderr:\n{}",
                stderr.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// A page that logs to the console and fetches a second resource, served by a thread of the
/// test for as long as the test runs.
fn console_site() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            // One thread per connection: the browser may open one it never uses.
            std::thread::spawn(move || serve(stream));
        }
    });
    base
}

const CONSOLE_PAGE: &str = "<!doctype html>
<html><head><meta charset=\"utf-8\"><title>console</title></head>
<body style=\"background: #2a6\"><h1>console and network</h1>
<script>
console.log('hello', 42);
fetch('/data.txt').then((response) => response.text()).then((text) => console.info(text));
</script>
</body></html>
";

/// Answers one request: `/`, `/data.txt`, else 404.
fn serve(stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|read| read > 2) {
        header.clear();
    }
    let (status, content_type, body) = match request_line.split_whitespace().nth(1) {
        Some("/") => ("200 OK", "text/html; charset=utf-8", CONSOLE_PAGE),
        Some("/data.txt") => ("200 OK", "text/plain", "fetched"),
        _ => ("404 Not Found", "text/plain", ""),
    };
    let answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = (&stream).write_all(answer.as_bytes());
}

#[test]
fn screenshot_writes_a_png_of_the_page() {
    if support::chromium("screenshot_writes_a_png_of_the_page").is_none() {
        return;
    }
    let site = console_site();
    let dir = std::env::temp_dir().join(format!("cdp-examples-screenshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let out = dir.join("page.png");
    let run = run(
        "screenshot",
        &[&format!("{site}/"), out.to_str().expect("UTF-8 path")],
    );
    run.assert(run.status.success(), "screenshot failed");
    let png = std::fs::read(&out).expect("the PNG written");
    let _ = std::fs::remove_dir_all(&dir);
    run.assert(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    run.assert(
        png.len() > 1000,
        &format!("a PNG of only {} bytes", png.len()),
    );
}

#[test]
fn console_prints_the_console_messages_and_the_requests_with_their_status() {
    if support::chromium("console_prints_the_console_messages_and_the_requests_with_their_status")
        .is_none()
    {
        return;
    }
    let site = console_site();
    let run = run("console", &[&format!("{site}/")]);
    run.assert(run.status.success(), "console failed");
    let lines = run.lines();
    run.assert(
        lines.contains(&"console.log: hello 42"),
        "no console.log line",
    );
    run.assert(
        lines.contains(&format!("GET 200 {site}/").as_str()),
        "no line for the page's request",
    );
    run.assert(
        lines.contains(&format!("GET 200 {site}/data.txt").as_str()),
        "no line for the fetch",
    );
    // The fetch's answer is logged after the page has loaded: the example waited for it.
    run.assert(
        lines.contains(&"console.info: fetched"),
        "no console.info line",
    );
}

#[test]
fn background_sync_prints_the_registration_of_the_pages_sync() {
    if support::chromium("background_sync_prints_the_registration_of_the_pages_sync").is_none() {
        return;
    }
    let tag = support::unique_tag("examples");
    let server = PageServer::start(&tag);
    let run = run("background_sync", &[&server.url(), "--duration", "5"]);
    run.assert(run.status.success(), "background_sync failed");
    let registered = format!("Registered sync: origin {}, tag {tag}", server.origin());
    run.assert(
        run.lines().contains(&registered.as_str()),
        &format!("no line `{registered}`"),
    );
}

/// A script with one hot function, whose name the profile must give.
const HOT_SCRIPT: &str = "\
function burnCpuForTheProfile(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.sqrt(i) * Math.sin(i);
  return x;
}
let total = 0;
for (let round = 0; round < 30; round++) total += burnCpuForTheProfile(1e6);
console.log(Number.isFinite(total));
";

#[test]
fn node_profile_prints_the_hottest_function_of_the_script_first() {
    if support::node("node_profile_prints_the_hottest_function_of_the_script_first").is_none() {
        return;
    }
    let script = std::env::temp_dir().join(format!(
        "{}.js",
        support::unique_tag("cdp-examples-node-profile")
    ));
    std::fs::write(&script, HOT_SCRIPT).expect("write the script");
    let run = run("node_profile", &[script.to_str().expect("UTF-8 path")]);
    let _ = std::fs::remove_file(&script);
    run.assert(run.status.success(), "node_profile failed");
    let lines = run.lines();
    // The script's own output, then the table: the hot function first, where it is.
    run.assert(
        lines.first() == Some(&"true"),
        "the script did not run to its end",
    );
    run.assert(
        lines.get(1) == Some(&"   self ms  share  function"),
        "no table header",
    );
    let hottest = lines.get(2).copied().unwrap_or_default();
    run.assert(
        hottest.contains(&format!(
            "burnCpuForTheProfile  file://{}:1",
            script.display()
        )),
        "the first function is not the script's hot one",
    );
    let share: f64 = hottest
        .split_whitespace()
        .nth(1)
        .and_then(|share| share.trim_end_matches('%').parse().ok())
        .unwrap_or_default();
    run.assert(share > 50.0, "the hot function has less than half the time");
}

#[test]
fn bad_arguments_print_the_usage_and_exit_with_status_2() {
    for (name, args) in [
        ("screenshot", &["http://127.0.0.1/"][..]),
        ("console", &[][..]),
        (
            "background_sync",
            &["http://127.0.0.1/", "--duration", "soon"][..],
        ),
        ("node_profile", &[][..]),
        ("node_profile", &["--for", "soon", "app.js"][..]),
    ] {
        let run = run(name, args);
        run.assert(run.status.code() == Some(2), &format!("{name} {args:?}"));
        run.assert(run.stderr.contains("usage: "), &format!("{name} {args:?}"));
    }
}
