//! The recorder, run as a process. Here its command line: bad arguments exit with status 2
//! and say what was expected; a browser that cannot be launched exits with status 1 and says
//! why. None of these needs a browser; `tests/e2e.rs` runs the recorder against a real Chromium.
//!
//! The recorder they run is `CARGO_BIN_EXE_cdp-background-services`, which cargo builds afresh
//! for this package's tests.

use std::process::{Command, Output};

fn recorder(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cdp-background-services"))
        .args(args)
        .env_remove("CHROMIUM")
        .output()
        .expect("the recorder runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn bad_arguments_exit_with_status_2_and_say_what_was_expected() {
    let cases: &[(&[&str], &str)] = &[
        (&[], "<URL>"),
        (
            &["-s", "someFutureService", "http://127.0.0.1/"],
            "possible values",
        ),
        (
            &["--duration", "soon", "http://127.0.0.1/"],
            "expected a duration",
        ),
        (&["127.0.0.1:8000"], "expected an absolute URL"),
        (
            &["--browser-url", "9222", "http://127.0.0.1/"],
            "expected ws://",
        ),
        (&["--no-such-flag", "http://127.0.0.1/"], "--no-such-flag"),
        (
            &[
                "--browser-url",
                "http://127.0.0.1:1",
                "--chromium",
                "/x",
                "http://a/",
            ],
            "cannot be used with",
        ),
    ];
    for (args, expected) in cases {
        let output = recorder(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn help_lists_the_services_and_exits_with_status_0() {
    let output = recorder(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout);
    for name in [
        "backgroundFetch",
        "backgroundSync",
        "pushMessaging",
        "notifications",
        "paymentHandler",
        "periodicBackgroundSync",
        "--json",
        "--duration",
        "--clear",
        "--browser-url",
    ] {
        assert!(help.contains(name), "{name} in {help}");
    }
}

#[test]
fn a_browser_that_does_not_exist_exits_with_status_1_naming_it() {
    let output = recorder(&["--chromium", "/x/y", "http://127.0.0.1/"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stderr(&output).trim_end(), "error: no such binary: /x/y");
}

#[test]
fn a_browser_url_where_nothing_listens_exits_with_status_1() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let output = recorder(&["--browser-url", &url, "http://127.0.0.1/"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).starts_with(&format!("error: cannot connect to {url}")),
        "{}",
        stderr(&output)
    );
}
