//! The page that registers a background sync, recorded: the sync events as a table, and as
//! JSON lines with `--json`; a signal stops the recorder cleanly, a second one at once, and
//! neither leaves a browser process or a temporary profile behind.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cdp_bindings::background_service::BackgroundServiceEvent;

use crate::recording::{entries, fresh_dir, script, Recording, Start};
use cdp_test_support as common;

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
    let stderr = recording.stderr_text();
    assert!(
        stderr.contains("recorded 0 event(s)\n  backgroundSync"),
        "{stderr}"
    );
    recording.assert_nothing_left();
}

/// A shell script that runs `binary` with the arguments it is given, with `before` and
/// `after` around it: a browser that is slow to start or slow to exit. It stays the browser's
/// parent, in the process group the recorder kills.
fn browser_wrapper(binary: &std::path::Path, name: &str, before: &str, after: &str) -> PathBuf {
    script(
        name,
        &format!("{before}\n'{}' \"$@\"\n{after}", binary.display()),
    )
}

/// Runs the recorder on the browser `wrapper` (see [`browser_wrapper`]) until `ready`, then
/// presses Ctrl-C twice, the second once the first has been handled (so that the two are not
/// merged into one pending signal). The recorder must exit with status 130, say so, and leave
/// nothing behind. Returns its stderr and how long it took to exit after the second Ctrl-C.
fn interrupt_twice(
    wrapper: &std::path::Path,
    url: &str,
    start: Start<'_>,
    ready: impl FnOnce(&mut Recording),
) -> (String, Duration) {
    let mut recording = Recording::start_with(
        &[
            "--service",
            "backgroundSync",
            "--chromium",
            wrapper.to_str().unwrap(),
            url,
        ],
        start,
    );
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
    let (_, elapsed) = interrupt_twice(&wrapper, "about:blank", Start::default(), |recording| {
        recording.read_until("table header", |line| line.starts_with("TIME (UTC)"));
    });
    assert!(
        elapsed < Duration::from_secs(4),
        "it took {elapsed:?} to stop"
    );
}

#[test]
fn a_ctrl_c_while_the_browser_starts_stops_at_once_and_closes_it() {
    let test = "a_ctrl_c_while_the_browser_starts_stops_at_once_and_closes_it";
    let Some(options) = common::chromium(test) else {
        return;
    };
    let binary = options.find_binary().unwrap();
    // A browser that takes 3 s to start: the signal comes before it answers anything. The
    // first Ctrl-C ends the wait for the browser's first answer at once (it used to wait for
    // it), and the browser, which does not answer, is killed rather than asked to close.
    let wrapper = browser_wrapper(&binary, "slow-start", "sleep 3", "");
    let mut recording = Recording::start(&[
        "--service",
        "backgroundSync",
        "--chromium",
        wrapper.to_str().unwrap(),
        "about:blank",
    ]);
    // The Ctrl-C handler is installed before the browser is launched.
    recording.wait_for_browser_process();
    recording.signal("INT");
    let stopped = Instant::now();
    let status = recording.wait();
    let elapsed = stopped.elapsed();
    let stderr = recording.stderr_text();
    assert!(status.success(), "{status}; stderr: {stderr}");
    assert!(
        elapsed < Duration::from_secs(2),
        "it took {elapsed:?}: {stderr}"
    );
    assert!(
        stderr.contains("stopped before recording began"),
        "{stderr}"
    );
    assert!(
        !stderr.lines().any(|line| line.starts_with("recording ")),
        "it never got to record: {stderr}"
    );
    recording.assert_nothing_left();
    let _ = std::fs::remove_file(wrapper);
}

#[test]
fn a_hard_stop_leaves_nothing_in_the_temporary_directory() {
    let test = "a_hard_stop_leaves_nothing_in_the_temporary_directory";
    let Some(options) = common::chromium(test) else {
        return;
    };
    let binary = options.find_binary().unwrap();
    let tag = common::unique_tag("hard-stop");
    let server = common::PageServer::start(&tag);
    // The recorder's own TMPDIR, which nothing else uses: whatever the browser and the
    // recorder leave there shows. Chromium keeps `.org.chromium.Chromium.*` files in its
    // TMPDIR, which outlive a killed browser unless they are inside its profile.
    let temp_dir = fresh_dir("hs");
    let wrapper = browser_wrapper(&binary, "hard-stop", "", "sleep 10");
    let start = Start {
        temp_dir: Some(temp_dir.clone()),
        ..Start::default()
    };
    let seen = std::cell::RefCell::new(Vec::new());
    interrupt_twice(&wrapper, &server.url(), start, |recording| {
        // Once the page's sync has run, the browser is well under way.
        recording.read_until("sync event", |line| line.contains("Sync completed"));
        // The browser's TMPDIR is `tmp` beside its profile, in the recorder's TMPDIR.
        for profile in entries(&temp_dir) {
            let tmp = temp_dir.join(profile).join("tmp");
            if tmp.is_dir() {
                seen.borrow_mut().extend(entries(&tmp));
            }
        }
    });
    assert!(
        seen.borrow()
            .iter()
            .any(|name| name.starts_with("org.chromium.Chromium.")),
        "Chromium's own temporary files, in {}: {:?}",
        temp_dir.display(),
        seen.borrow()
    );
    assert_eq!(
        entries(&temp_dir),
        Vec::<String>::new(),
        "left in {}",
        temp_dir.display()
    );
    let _ = std::fs::remove_dir(&temp_dir);
}
