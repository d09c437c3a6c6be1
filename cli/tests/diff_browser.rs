//! `cdp-codegen diff` with the new protocol taken from a browser: `--browser PATH` launches
//! one, `--url` asks one that runs. What it reports must be what `diff` of the same protocol
//! fetched into a file (`cdp-codegen fetch`) reports, led by the wire class: asked of a
//! browser, `diff` answers "do my bindings fit it?".
//!
//! Tests that need Chromium print `SKIPPED: <why>` and pass where it is missing, but fail under
//! `CI=true`; those that need the devtools-protocol package from npm do the same.

mod common;

use std::path::{Path, PathBuf};

use cdp_codegen::diff::{Class, Format};
use common::{run, stderr, stdout};

/// The browser binary, or `None` (after `SKIPPED`) when there is none.
fn chromium(test: &str) -> Option<PathBuf> {
    let options = cdp_test_support::chromium(test)?;
    Some(options.find_binary().expect("chromium() found it"))
}

fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("diff-browser-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The embedded BackgroundService schema, written to a file.
fn embedded_schema(dir: &Path) -> String {
    let path = dir.join("background_service.json");
    std::fs::write(&path, cdp_codegen::EMBEDDED_SCHEMA).unwrap();
    path.to_str().unwrap().to_owned()
}

fn path(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

#[test]
fn the_embedded_background_service_schema_has_no_breaking_change_against_chromium() {
    // Neither on the wire (bindings generated from it fit this browser) nor in source.
    let Some(binary) = chromium("diff_browser_embedded") else {
        return;
    };
    let dir = scratch("embedded");
    let old = embedded_schema(&dir);
    let output = run(&[
        "diff",
        &old,
        "--browser",
        path(&binary),
        "--domain",
        "BackgroundService",
        "--fail-on",
        "wire,source",
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let text = stdout(&output);
    assert!(
        text == "No changes.\n"
            || text.contains(" changes: 0 wire-breaking, 0 source-breaking;")
            || text.contains(" change: 0 wire-breaking, 0 source-breaking;"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diff_with_a_launched_browser_reports_what_diff_with_its_fetched_protocol_reports() {
    let Some(binary) = chromium("diff_browser_old_version") else {
        return;
    };
    let Some(package) = cdp_test_support::devtools_protocol("0.0.1200039") else {
        return;
    };
    let dir = scratch("old-version");
    let fetched = dir.join("fetched.json");
    let fetch = run(&["fetch", "--browser", path(&binary), "--out", path(&fetched)]);
    assert!(fetch.status.success(), "{}", stderr(&fetch));

    let (browser_json, js_json) = (
        package.join("json/browser_protocol.json"),
        package.join("json/js_protocol.json"),
    );
    let old = ["--old", path(&browser_json), "--old", path(&js_json)];
    // JSON has no lead: the same document either way.
    let from_file = run(&diff_args(
        &old,
        &["--new", path(&fetched), "--format", "json"],
    ));
    let from_browser = run(&diff_args(
        &old,
        &["--browser", path(&binary), "--format", "json"],
    ));
    for output in [&from_file, &from_browser] {
        assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    }
    assert!(
        stdout(&from_browser) == stdout(&from_file),
        "diff --browser and diff of the fetched file differ:\n--- browser\n{}\n--- file\n{}",
        stdout(&from_browser),
        stdout(&from_file)
    );
    // Text from a browser is the same diff led by the wire class; from two files, by the
    // source class.
    let model = |files: &[&Path]| {
        let mut config = cdp_codegen::Config::new();
        for file in files {
            config.protocol(file);
        }
        config.model().unwrap_or_else(|err| panic!("{err}"))
    };
    let diff =
        cdp_codegen::diff::diff(&model(&[&browser_json, &js_json]), &model(&[&fetched]), &[])
            .unwrap();
    let text = stdout(&run(&diff_args(&old, &["--browser", path(&binary)])));
    assert_eq!(text, diff.render_led_by(Format::Text, Class::Wire));
    let file_text = stdout(&run(&diff_args(&old, &["--new", path(&fetched)])));
    assert_eq!(file_text, diff.render(Format::Text));
    // Three years of changes, some of which the old bindings cannot survive on the wire (a
    // command removed, at least), the two fields the 0.0.1200039 patch is for among them.
    let wire = diff.breaking(Class::Wire).count();
    assert!(wire > 0, "{text}");
    assert!(
        text.contains(&format!(
            " changes: {wire} wire-breaking, {} source-breaking; semver bump: major.\n\
             wire-breaking: ",
            diff.breaking(Class::Source).count()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("\nWIRE-BREAKING ({wire})\n")),
        "{text}"
    );
    for path in [
        "Network.ClientSecurityState.privateNetworkRequestPolicy",
        "Network.responseReceivedExtraInfo.parameters.cookiePartitionKey",
    ] {
        assert!(text.contains(path), "no change at {path}:\n{text}");
    }
    // With --fail-on wire, those changes fail the run.
    let failing = run(&diff_args(
        &old,
        &["--browser", path(&binary), "--fail-on", "wire"],
    ));
    assert_eq!(failing.status.code(), Some(1), "{}", stderr(&failing));
    assert_eq!(
        stderr(&failing),
        format!("error: {wire} wire-breaking change(s) (--fail-on wire)\n")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `diff --old .. ARGS`: the arguments of a diff, `diff` first.
fn diff_args<'a>(old: &[&'a str], rest: &[&'a str]) -> Vec<&'a str> {
    [&["diff"][..], old, rest].concat()
}

#[test]
fn diff_with_a_running_browser_reports_what_diff_with_its_fetched_protocol_reports() {
    let Some(options) = cdp_test_support::chromium("diff_url") else {
        return;
    };
    let dir = scratch("url");
    let old = embedded_schema(&dir);
    let (browser, websocket) =
        cdp_transport::BrowserProcess::launch_with_port(&options).expect("chromium starts");
    // ws://127.0.0.1:PORT/devtools/browser/<id> -> http://127.0.0.1:PORT
    let address = websocket
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .expect("a ws:// address");
    let url = format!("http://{address}");
    let fetched = dir.join("fetched.json");
    let fetch = run(&["fetch", "--url", &url, "--out", path(&fetched)]);
    let from_url = run(&diff_args(
        &[&old],
        &[
            "--url",
            &url,
            "--domain",
            "BackgroundService",
            "--format",
            "json",
        ],
    ));
    let _ = browser.close();
    assert!(fetch.status.success(), "{}", stderr(&fetch));
    assert_eq!(from_url.status.code(), Some(0), "{}", stderr(&from_url));
    let from_file = run(&diff_args(
        &[&old],
        &[
            path(&fetched),
            "--domain",
            "BackgroundService",
            "--format",
            "json",
        ],
    ));
    assert_eq!(from_file.status.code(), Some(0), "{}", stderr(&from_file));
    assert_eq!(stdout(&from_url), stdout(&from_file));
    let value: serde_json::Value = serde_json::from_str(&stdout(&from_url)).unwrap();
    assert_eq!(value["format_version"], 1);
    assert_eq!(value["summary"]["wire_breaking"], 0, "{value}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_browser_that_cannot_be_asked_is_bad_input_with_status_2_not_a_breaking_change() {
    let dir = scratch("bad");
    let old = embedded_schema(&dir);
    for (args, message) in [
        (
            vec!["--browser", "/nonexistent/chromium"],
            "error: in the new protocol: cannot launch /nonexistent/chromium: no such file",
        ),
        (
            vec!["--url", "ftp://127.0.0.1:9222"],
            "error: in the new protocol: bad browser address `ftp://127.0.0.1:9222`",
        ),
        // Port 1 on the loopback: nothing listens there.
        (
            vec!["--url", "http://127.0.0.1:1", "--timeout", "5"],
            "error: in the new protocol: GET http://127.0.0.1:1/json/version failed",
        ),
    ] {
        let output = run(&diff_args(&[&old], &args));
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).starts_with(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    // One new version only: a file and a browser are refused by the argument parser.
    let both = run(&diff_args(&[&old, &old], &["--browser", "chromium"]));
    assert_eq!(both.status.code(), Some(2));
    assert!(
        stderr(&both).contains("cannot be used with"),
        "{}",
        stderr(&both)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
