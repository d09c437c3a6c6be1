//! `cdp-codegen fetch`: the protocol from the pinned npm package and from a real Chromium, its
//! stable bytes and recorded source, and the exit codes and messages of bad input.
//!
//! Tests that need npm or Chromium print `SKIPPED: <why>` and pass where they are missing, but
//! fail under `CI`, which must run them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The devtools-protocol version the project pins.
fn pinned() -> &'static str {
    cdp_test_support::DEVTOOLS_PROTOCOL_VERSION
}

fn cdp_codegen(args: &[&str], tmpdir: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cdp-codegen"));
    command.args(args);
    if let Some(tmpdir) = tmpdir {
        command.env("TMPDIR", tmpdir);
    }
    command.output().expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh directory under the target directory's scratch space, for this test alone.
fn scratch(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "fetch-{name}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// The npm cache the tests share: packages are renamed into it whole, so tests may race.
fn shared_npm_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("npm-cache")
}

/// Whether a tool the test needs is here; prints `SKIPPED` when not, and panics under `CI`.
fn available(what: &str, found: Result<(), String>) -> bool {
    match found {
        Ok(()) => true,
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("{what} is needed under CI: {why}")
        }
        Err(why) => {
            // Straight to the stderr handle: the test harness captures `println!` of passing
            // tests.
            let line = format!("SKIPPED: {what} is not available: {why}\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
            false
        }
    }
}

fn npm_available() -> bool {
    let found = match Command::new("npm").arg("--version").output() {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => Err(format!("`npm --version` failed: {}", stderr(&output))),
        Err(err) => Err(format!("cannot run npm: {err}")),
    };
    available("npm", found)
}

/// `$CHROMIUM`, else `chromium` on `PATH`, else `/usr/bin/chromium`.
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join("chromium"))
                    .find(|path| path.is_file())
            })
        })
        .or_else(|| Some(PathBuf::from("/usr/bin/chromium")))
        .filter(|path| path.is_file())
        .ok_or_else(|| "no $CHROMIUM, no chromium on PATH, no /usr/bin/chromium".to_owned());
    match found {
        Ok(path) => Some(path),
        Err(why) => {
            available("chromium", Err(why));
            None
        }
    }
}

fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("the fetched file");
    serde_json::from_str(&text).expect("the fetched file is JSON")
}

/// Generates the full bindings from `path` and checks a few modules every version has.
fn assert_generates(path: &Path) {
    let code = cdp_codegen::Config::new()
        .protocol(path)
        .generate_string()
        .unwrap_or_else(|err| panic!("{} does not generate: {err}", path.display()));
    for module in [
        "pub mod runtime",
        "pub mod page",
        "pub mod debugger",
        "pub mod dom",
    ] {
        assert!(code.contains(module), "no `{module}` in the bindings");
    }
}

#[test]
fn npm_fetch_writes_the_merged_protocol_with_its_source_and_it_generates() {
    if !npm_available() {
        return;
    }
    let dir = scratch("npm");
    let out = dir.join("protocol.json");
    let cache = shared_npm_cache();
    let output = cdp_codegen(
        &[
            "fetch",
            "--npm",
            pinned(),
            "--cache-dir",
            cache.to_str().expect("UTF-8 path"),
            "--out",
            out.to_str().expect("UTF-8 path"),
        ],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let json = read_json(&out);
    assert_eq!(
        json["source"],
        serde_json::json!({ "npm": format!("devtools-protocol@{}", pinned()) })
    );
    let domains: Vec<&str> = json["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .filter_map(|domain| domain["domain"].as_str())
        .collect();
    // Browser and JS protocols merged: Page is in the one, Runtime in the other.
    assert!(
        domains.contains(&"Page") && domains.contains(&"Runtime"),
        "{domains:?}"
    );
    assert_generates(&out);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn npm_fetch_twice_gives_identical_bytes_from_a_cold_and_a_warm_cache() {
    if !npm_available() {
        return;
    }
    let dir = scratch("npm-twice");
    let cache = dir.join("cache");
    let mut written = Vec::new();
    for (attempt, out) in ["first.json", "second.json"].iter().enumerate() {
        let out = dir.join(out);
        let output = cdp_codegen(
            &[
                "fetch",
                "--npm",
                pinned(),
                "--cache-dir",
                cache.to_str().expect("UTF-8 path"),
                "--out",
                out.to_str().expect("UTF-8 path"),
            ],
            None,
        );
        assert!(
            output.status.success(),
            "attempt {attempt}: {}",
            stderr(&output)
        );
        written.push(std::fs::read(&out).expect("written"));
    }
    assert!(written[0] == written[1], "the two fetches differ");
    // The package was unpacked once, into its final place, with no leftovers beside it.
    let entries: Vec<String> = std::fs::read_dir(&cache)
        .expect("cache")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(entries, [pinned()]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn browser_fetch_names_the_browser_generates_and_leaves_nothing_behind() {
    let Some(binary) = chromium() else {
        return;
    };
    let dir = scratch("browser");
    // The browser's profile goes into TMPDIR: a directory of our own shows what is left. It is
    // short, because the browser puts a Unix socket (107 bytes at most) a few levels below it.
    let tmpdir = std::env::temp_dir().join(format!("cdpt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmpdir);
    std::fs::create_dir(&tmpdir).expect("tmpdir");
    let out = dir.join("chromium.json");
    let output = cdp_codegen(
        &[
            "fetch",
            "--browser",
            binary.to_str().expect("UTF-8 path"),
            "--out",
            out.to_str().expect("UTF-8 path"),
        ],
        Some(&tmpdir),
    );
    assert!(output.status.success(), "{}", stderr(&output));

    let json = read_json(&out);
    let product = json["source"]["browser"].as_str().expect("source.browser");
    let version = Command::new(&binary)
        .arg("--version")
        .output()
        .expect("--version");
    let version = String::from_utf8_lossy(&version.stdout);
    // `Chrome/156.0.8078.79` against `Chromium 156.0.8078.79 built on Debian ...`.
    let number = product.rsplit('/').next().unwrap_or_default();
    assert!(
        !number.is_empty() && version.contains(number),
        "source.browser {product:?} does not match `--version`: {version}"
    );
    assert!(
        json["source"]["protocolVersion"].is_string(),
        "{}",
        json["source"]
    );

    let left: Vec<PathBuf> = std::fs::read_dir(&tmpdir)
        .expect("tmpdir")
        .map(|entry| entry.expect("entry").path())
        .collect();
    assert!(left.is_empty(), "the profile was left behind: {left:?}");
    let running = processes_mentioning(&tmpdir);
    assert!(
        running.is_empty(),
        "browser processes left running: {running:?}"
    );

    assert_generates(&out);
    let _ = std::fs::remove_dir_all(&tmpdir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn url_fetch_from_a_running_browser_gives_the_same_bytes_as_launching_it() {
    let Some(binary) = chromium() else {
        return;
    };
    let dir = scratch("url");
    let profile = dir.join("profile");
    let mut browser = Command::new(&binary)
        // The default arguments, with `--no-sandbox` where the sandbox cannot start (as root).
        .args(cdp_transport::LaunchOptions::new().browser_args())
        .arg("--remote-debugging-port=0")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // `DevTools listening on ws://127.0.0.1:PORT/devtools/browser/..` on stderr.
    let log = browser.stderr.take().expect("piped stderr");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(log).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("DevTools listening on ws://") {
                let _ = sender.send(rest.split('/').next().unwrap_or_default().to_owned());
            }
        }
    });
    let address = receiver.recv_timeout(std::time::Duration::from_secs(60));
    let fetched = address.map(|address| {
        let url = format!("http://{address}");
        let out = dir.join("from-url.json");
        let output = cdp_codegen(
            &[
                "fetch",
                "--url",
                &url,
                "--out",
                out.to_str().expect("UTF-8 path"),
            ],
            None,
        );
        (url, out, output)
    });
    let _ = browser.kill();
    let _ = browser.wait();
    let (url, from_url, output) = fetched.expect("the browser printed its DevTools address");
    assert!(
        output.status.success(),
        "fetch --url {url}: {}",
        stderr(&output)
    );
    let json = read_json(&from_url);
    assert!(
        json["source"]["browser"]
            .as_str()
            .is_some_and(|product| product.contains('/')),
        "{}",
        json["source"]
    );

    // The same browser launched by `fetch --browser`: the same protocol, byte for byte.
    let launched = dir.join("from-browser.json");
    let output = cdp_codegen(
        &[
            "fetch",
            "--browser",
            binary.to_str().expect("UTF-8 path"),
            "--out",
            launched.to_str().expect("UTF-8 path"),
        ],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        std::fs::read(&from_url).expect("from --url")
            == std::fs::read(&launched).expect("from --browser"),
        "fetch --url and fetch --browser wrote different bytes for the same browser"
    );
    assert_generates(&from_url);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Live processes whose command line mentions `path` (Linux; elsewhere, none are found).
fn processes_mentioning(path: &Path) -> Vec<String> {
    let needle = path.to_string_lossy().into_owned();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| std::fs::read(entry.path().join("cmdline")).ok())
        .map(|cmdline| String::from_utf8_lossy(&cmdline).replace('\0', " "))
        .filter(|cmdline| cmdline.contains(&needle))
        .collect()
}

#[test]
fn bad_versions_are_refused_with_exit_2_before_npm_runs() {
    let dir = scratch("bad-version");
    let cache = dir.join("cache");
    for version in [
        "latest",
        "^0.0.1",
        "0.0.1;ls",
        "../x",
        "0..1",
        "",
        "--registry=x",
    ] {
        let output = cdp_codegen(
            &[
                "fetch",
                &format!("--npm={version}"),
                "--cache-dir",
                cache.to_str().expect("UTF-8 path"),
                "--out",
                dir.join("x.json").to_str().expect("UTF-8 path"),
            ],
            None,
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "{version:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(&format!(
                "bad devtools-protocol version `{version}`: expected digits separated by dots"
            )),
            "{version:?}: {}",
            stderr(&output)
        );
    }
    assert!(!cache.exists(), "nothing may be fetched for a bad version");
    assert!(!dir.join("x.json").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_version_fails_with_exit_1_and_npm_says_why() {
    if !npm_available() {
        return;
    }
    let dir = scratch("unknown-version");
    let output = cdp_codegen(
        &[
            "fetch",
            "--npm",
            "0.0.0",
            "--cache-dir",
            dir.join("cache").to_str().expect("UTF-8 path"),
            "--out",
            dir.join("x.json").to_str().expect("UTF-8 path"),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.starts_with("error: npm pack devtools-protocol@0.0.0 failed"),
        "{message}"
    );
    // npm's own words: `No matching version found for devtools-protocol@0.0.0.`
    assert!(message.contains("devtools-protocol@0.0.0."), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_browser_binary_fails_with_exit_1_and_says_no_such_file() {
    let dir = scratch("no-browser");
    let output = cdp_codegen(
        &[
            "fetch",
            "--browser",
            "/nonexistent/bin/chromium",
            "--out",
            dir.join("x.json").to_str().expect("UTF-8 path"),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "error: cannot launch /nonexistent/bin/chromium: no such file\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_url_is_refused_with_exit_2_and_nothing_listening_fails_with_exit_1() {
    let dir = scratch("url");
    let out = dir.join("x.json");
    let out = out.to_str().expect("UTF-8 path");
    let output = cdp_codegen(
        &["fetch", "--url", "ws://127.0.0.1:9222", "--out", out],
        None,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("bad browser address `ws://127.0.0.1:9222`"),
        "{}",
        stderr(&output)
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let output = cdp_codegen(
        &["fetch", "--url", &url, "--timeout", "1", "--out", out],
        None,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("GET {url}/json/version")),
        "{}",
        stderr(&output)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fetch_takes_exactly_one_source_and_cache_dir_only_with_npm() {
    let none = cdp_codegen(&["fetch", "--out", "x.json"], None);
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains("--browser"), "{}", stderr(&none));
    let two = cdp_codegen(
        &["fetch", "--npm", "1", "--browser", "x", "--out", "x.json"],
        None,
    );
    assert_eq!(two.status.code(), Some(2));
    assert!(
        stderr(&two).contains("cannot be used with"),
        "{}",
        stderr(&two)
    );
    let stray = cdp_codegen(
        &[
            "fetch",
            "--browser",
            "x",
            "--cache-dir",
            "d",
            "--out",
            "x.json",
        ],
        None,
    );
    assert_eq!(stray.status.code(), Some(2));
    assert!(stderr(&stray).contains("--cache-dir applies to --npm only"));
}
