//! The recorder against a browser that misbehaves (see [`crate::fake_browser`]): one that
//! floods it, stalls, dies, or sends text made to attack a terminal; and against a reader of
//! its output that stops reading. None of these needs Chromium.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::fake_browser::{self, hostile_events, BEHAVIOUR, LOG};
use crate::recording::{fresh_dir, Recording, Start};
use crate::terminal_safe;

/// The page the fake browser "opens": it never loads anything.
const PAGE: &str = "http://fake.test/";

/// Starts the recorder on a fake browser that behaves as `behaviour`.
fn record(behaviour: &str, args: &[&str], start: Start<'static>) -> Recording {
    let browser = fake_browser::browser();
    let mut all = vec!["--chromium", browser.to_str().unwrap()];
    all.extend_from_slice(args);
    all.push(PAGE);
    let mut start = start;
    start.env.push((BEHAVIOUR, behaviour.to_owned()));
    Recording::start_with(&all, start)
}

#[test]
fn hostile_text_is_escaped_in_the_table_and_the_summary() {
    let mut recording = record("hostile", &[], Start::default());
    recording.read_until("third event", |line| line.contains("Future"));
    recording.signal("INT");
    let status = recording.wait();
    let stderr = recording.stderr_text();
    assert!(status.success(), "{status}; stderr: {stderr}");
    let table = recording.lines.join("\n");
    assert!(terminal_safe(&table), "{table:?}");
    assert!(terminal_safe(&stderr), "{stderr:?}");
    // A header and one row per event: no line break got through to forge one.
    assert_eq!(recording.lines.len(), 4, "{table}");
    for escaped in [
        "\\u{1b}[2J\\u{1b}]0;owned\\u{7}cleared",
        "line\\u{d}\\u{a}forged row",
        "\\u{202e}evil=\\u{9b}31mred",
        "\\u{202e}txt.exe\\u{9b}31m\\u{2028}x",
        "\\u{200b}",
        "futureService\\u{1b}[31m",
    ] {
        assert!(table.contains(escaped), "{escaped} in {table}");
    }
    assert!(
        stderr.contains("  futureService\\u{1b}[31m        1"),
        "{stderr}"
    );
}

#[test]
fn json_output_is_each_event_as_the_browser_sent_it() {
    let dir = fresh_dir("json-as-sent");
    let saved = dir.join("events.json");
    let mut recording = record(
        "hostile",
        &["--json", "--save", saved.to_str().unwrap()],
        Start::default(),
    );
    recording.read_until("third event", |line| line.contains("Future"));
    recording.signal("INT");
    let status = recording.wait();
    assert!(status.success(), "{status}; {}", recording.stderr_text());
    let sent = hostile_events();
    let lines = &recording.lines;
    assert_eq!(lines.len(), 3, "{lines:#?}");
    // Byte for byte, unknown field included, when the browser wrote plain ASCII.
    assert_eq!(lines[0], sent[0]);
    assert_eq!(lines[2], sent[2]);
    // With raw characters a terminal acts on, the same JSON value on one safe line.
    assert!(terminal_safe(&lines[1]), "{:?}", lines[1]);
    let value = |text: &str| serde_json::from_str::<Value>(text).unwrap();
    assert_eq!(value(&lines[1]), value(&sent[1]));
    // --save holds the same events, as one JSON array.
    let saved = std::fs::read_to_string(&saved).unwrap();
    let saved: Vec<Value> = serde_json::from_str(&saved).unwrap();
    let printed: Vec<Value> = lines.iter().map(|line| value(line)).collect();
    assert_eq!(saved, printed);
    assert_eq!(
        saved[0]["futureField"],
        serde_json::json!({"nested": [1, "x"]})
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The events the summary on stderr says were recorded.
fn recorded(stderr: &str) -> u64 {
    stderr
        .lines()
        .find_map(|line| line.strip_prefix("recorded ")?.strip_suffix(" event(s)"))
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("no summary in {stderr}"))
}

#[test]
fn a_flood_is_written_in_full_and_the_run_ends_on_time() {
    let started = Instant::now();
    let mut recording = record("flood", &["--json", "--duration", "2"], Start::default());
    let status = recording.wait_within(Duration::from_secs(15));
    let elapsed = started.elapsed();
    let stderr = recording.stderr_text();
    assert!(status.success(), "{status}; stderr: {stderr}");
    assert!(elapsed < Duration::from_secs(10), "it took {elapsed:?}");
    let lines = &recording.lines;
    assert!(lines.len() > 1000, "{} events; {stderr}", lines.len());
    for line in lines {
        serde_json::from_str::<Value>(line).unwrap_or_else(|err| panic!("{err}: {line}"));
    }
    assert_eq!(recorded(&stderr), lines.len() as u64, "{stderr}");
    assert!(!stderr.contains("not written"), "{stderr}");
}

/// Runs the recorder on a flood with standard output piped to a reader that never reads,
/// stopped by `stop` (after `--duration 2`, or a signal 2 s in): it must end soon after, and
/// say how many events it could not write.
fn stalled_reader(args: &[&str], signal: Option<&str>) {
    let started = Instant::now();
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let start = Start {
        stalled_stdout: true,
        ..Start::default()
    };
    let mut recording = record("flood", &all, start);
    if let Some(signal) = signal {
        std::thread::sleep(Duration::from_secs(2));
        recording.signal(signal);
    }
    let status = recording.wait_within(Duration::from_secs(20));
    let elapsed = started.elapsed();
    let stderr = recording.stderr_text();
    assert!(
        elapsed < Duration::from_secs(10),
        "it took {elapsed:?}: {stderr}"
    );
    assert_eq!(status.code(), Some(1), "{stderr}");
    let unwritten = stderr
        .lines()
        .find(|line| line.ends_with("event(s) not written to standard output: it did not keep up"))
        .unwrap_or_else(|| panic!("no count of what was not written: {stderr}"));
    let (count, rest) = unwritten.split_once(" of ").unwrap();
    let total: u64 = rest.split_whitespace().next().unwrap().parse().unwrap();
    assert!(count.parse::<u64>().unwrap() > 0, "{unwritten}");
    assert_eq!(total, recorded(&stderr), "{stderr}");
    assert!(
        stderr.contains("error: not every event was written"),
        "{stderr}"
    );
}

#[test]
fn a_stalled_reader_does_not_hold_up_the_end_of_the_duration() {
    stalled_reader(&["--duration", "2"], None);
}

#[test]
fn a_stalled_reader_does_not_hold_up_the_first_sigterm() {
    stalled_reader(&[], Some("TERM"));
}

#[test]
fn a_stop_while_the_browser_is_slow_ends_the_setup_at_once() {
    let dir = fresh_dir("slow-setup");
    let log = dir.join("commands.log");
    let start = Start {
        env: vec![(LOG, log.to_str().unwrap().to_owned())],
        ..Start::default()
    };
    let mut recording = record("stall", &["--timeout", "60s"], start);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(&log).is_ok_and(|log| log.contains("Target.createTarget")) {
        assert!(Instant::now() < deadline, "{}", recording.stderr_text());
        std::thread::sleep(Duration::from_millis(20));
    }
    recording.signal("TERM");
    let stopped = Instant::now();
    let status = recording.wait();
    let elapsed = stopped.elapsed();
    let stderr = recording.stderr_text();
    assert!(
        elapsed < Duration::from_secs(3),
        "it took {elapsed:?}: {stderr}"
    );
    assert!(status.success(), "{status}: {stderr}");
    assert!(
        stderr.contains("stopped before recording began"),
        "{stderr}"
    );
    // Nothing was sent after the stop: no page attached, no service observed, no navigation.
    let commands = std::fs::read_to_string(&log).unwrap();
    assert_eq!(commands, "Target.createTarget\n");
    recording.assert_nothing_left();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_clean_up_that_runs_out_of_its_budget_says_so() {
    // The clean-up's first command takes 2 s of its 5 s; the next one is never answered, and
    // times out with the 3 s left.
    let started = Instant::now();
    let mut recording = record("slow-cleanup", &["--duration", "1"], Start::default());
    let status = recording.wait_within(Duration::from_secs(30));
    let elapsed = started.elapsed();
    let stderr = recording.stderr_text();
    assert_eq!(status.code(), Some(1), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(
            "error: timed out after 5s waiting for the clean-up after recording (its budget, \
             for all its commands): the response to `BackgroundService.stopObserving` (id "
        ) && last.ends_with(") did not come"),
        "{stderr}"
    );
    // The budget holds for the clean-up as a whole: 1 s of recording, 5 s of clean-up.
    assert!(
        elapsed >= Duration::from_secs(6) - Duration::from_millis(100)
            && elapsed < Duration::from_secs(15),
        "it took {elapsed:?}: {stderr}"
    );
    recording.assert_nothing_left();
}

#[test]
fn a_browser_that_dies_still_gets_the_summary() {
    let mut recording = record("die", &["--json"], Start::default());
    let status = recording.wait();
    let stderr = recording.stderr_text();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert_eq!(recording.lines.len(), 3, "{:#?}", recording.lines);
    assert!(
        stderr.contains("recorded 3 event(s)\n  backgroundFetch                0\n  backgroundSync                 3\n"),
        "{stderr}"
    );
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: the browser exited"), "{stderr}");
    recording.assert_nothing_left();
}

#[test]
fn drift_lists_what_the_browser_sent_that_the_bindings_do_not_know() {
    let mut recording = record("hostile", &["--drift"], Start::default());
    recording.read_until("third event", |line| line.contains("Future"));
    recording.signal("INT");
    let status = recording.wait();
    let stderr = recording.stderr_text();
    assert!(status.success(), "{status}; stderr: {stderr}");
    assert!(terminal_safe(&stderr), "{stderr:?}");
    for expected in [
        "unknown field BackgroundService.BackgroundServiceEvent.futureField: 1x, first at \
         BackgroundService.backgroundServiceEventReceived params.backgroundServiceEvent.futureField",
        "unknown value BackgroundService.ServiceName \"futureService\\u{1b}[31m\": 1x, first at \
         BackgroundService.backgroundServiceEventReceived params.backgroundServiceEvent.service",
    ] {
        assert!(stderr.contains(expected), "{expected}\nin\n{stderr}");
    }
}
