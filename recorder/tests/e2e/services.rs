//! Each background service, for real: a page of [`ServiceSite`] whose service worker does the
//! work, run through the recorder in headless Chromium, with the permissions (`--grant`) and
//! the triggers (`--push`, `--sync`, `--periodic-sync`) the service needs. Each test asserts
//! the exact event names Chromium records (those of the installed Chromium 156), their
//! metadata, and that `--save` holds what `--json` printed. Each reports how long it took.
//!
//! Without Chromium these tests print `SKIPPED: ..` and return; under `CI=true` they fail.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use cdp_bindings::background_service::{BackgroundServiceEvent, EventMetadata, ServiceName};
use cdp_test_support::{self as common, ServiceSite};

use crate::recording::{fresh_dir, report, Recording};

/// What one run recorded.
struct Recorded {
    events: Vec<BackgroundServiceEvent>,
    stderr: String,
}

impl Recorded {
    /// The events named `name`.
    fn named(&self, name: &str) -> Vec<&BackgroundServiceEvent> {
        self.events
            .iter()
            .filter(|event| event.event_name == name)
            .collect()
    }

    /// The one event named `name`.
    fn one(&self, name: &str) -> &BackgroundServiceEvent {
        match self.named(name)[..] {
            [event] => event,
            _ => panic!("not one {name:?} among {:#?}", self.events),
        }
    }
}

/// The metadata of `event` as a map: Chromium's order of the keys varies from run to run.
fn metadata(event: &BackgroundServiceEvent) -> BTreeMap<&str, &str> {
    event
        .event_metadata
        .iter()
        .map(|EventMetadata { key, value, .. }| (key.as_str(), value.as_str()))
        .collect()
}

/// Records `page` of `site` with `args` (plus `--json`, `--save`, the browser), until the
/// events named `expected` (each as many times as it is listed) have all come, then stops
/// the recorder with Ctrl-C. Checks that every event is of `service` and the site's origin,
/// that the names are exactly `expected` (in any order), and that the saved file holds what
/// was printed. `None` when the test is skipped.
fn record(
    test: &str,
    site: &ServiceSite,
    page: &str,
    service: ServiceName,
    args: &[&str],
    expected: &[&str],
) -> Option<Recorded> {
    let options = common::chromium(test)?;
    let started = Instant::now();
    let binary = options.find_binary().unwrap();
    let dir = fresh_dir(test);
    let saved = dir.join("events.json");
    let url = site.url(page);
    let mut all = vec![
        "--json",
        "--save",
        saved.to_str().unwrap(),
        "--service",
        service.as_str(),
        "--chromium",
        binary.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    all.push(&url);
    let mut recording = Recording::start(&all);
    let mut missing: Vec<String> = expected.iter().map(|name| name.to_string()).collect();
    recording.read_until(&format!("{expected:?}"), |line| {
        let event: BackgroundServiceEvent =
            serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}"));
        if let Some(index) = missing.iter().position(|name| *name == event.event_name) {
            missing.remove(index);
        }
        missing.is_empty()
    });
    recording.signal("INT");
    let status = recording.wait();
    let stderr = recording.stderr_text();
    assert!(status.success(), "{status}; stderr: {stderr}");
    recording.assert_nothing_left();

    let events: Vec<BackgroundServiceEvent> = recording
        .lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let mut names: Vec<&str> = events
        .iter()
        .map(|event| event.event_name.as_str())
        .collect();
    names.sort_unstable();
    let mut expected_names = expected.to_vec();
    expected_names.sort_unstable();
    assert_eq!(names, expected_names, "{events:#?}");
    for event in &events {
        assert_eq!(event.service, service);
        assert_eq!(event.origin, site.event_origin());
        assert_eq!(event.storage_key, site.event_origin());
    }
    let saved: Vec<BackgroundServiceEvent> =
        serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(saved, events);
    assert!(
        stderr.contains(&format!(
            "recorded {} event(s)\n  {:<24}{:>8}\n",
            events.len(),
            service.as_str(),
            events.len()
        )),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    report(&format!(
        "TIMING: {test}: {:.1} s, {} event(s)",
        started.elapsed().as_secs_f64(),
        events.len()
    ));
    Some(Recorded { events, stderr })
}

#[test]
fn background_fetch_records_the_fetch_of_a_file_by_the_service_worker() {
    let site = ServiceSite::start();
    let tag = common::unique_tag("fetch");
    let Some(recorded) = record(
        "background_fetch_records_the_fetch_of_a_file_by_the_service_worker",
        &site,
        &format!("/fetch.html?tag={tag}"),
        ServiceName::BackgroundFetch,
        &["--grant"],
        &[
            "Background Fetch registered",
            "Background Fetch started",
            "Request processing started",
            "Request processing completed",
            "Background Fetch completed",
        ],
    ) else {
        return;
    };
    for event in &recorded.events {
        assert_eq!(event.instance_id, tag);
    }
    let file = site.url("/fetched.txt");
    assert_eq!(
        metadata(recorded.one("Background Fetch registered")),
        BTreeMap::from([("Start Paused", "No"), ("Total Requests", "1")])
    );
    assert_eq!(
        metadata(recorded.one("Request processing started")),
        BTreeMap::from([("Request Index", "0"), ("URL", file.as_str())])
    );
    assert_eq!(
        metadata(recorded.one("Request processing completed")),
        BTreeMap::from([
            ("Request Index", "0"),
            ("Response Size (bytes)", "26"),
            ("Response Status", "200"),
            ("URL", file.as_str()),
        ])
    );
    assert_eq!(
        metadata(recorded.one("Background Fetch completed")),
        BTreeMap::from([("Event Type", "BackgroundFetchSuccessEvent")])
    );
}

#[test]
fn background_sync_records_the_page_s_sync_and_the_one_sync_dispatches() {
    let site = ServiceSite::start();
    let tag = common::unique_tag("sync");
    let dispatched = format!("{tag}-button");
    let Some(recorded) = record(
        "background_sync_records_the_page_s_sync_and_the_one_sync_dispatches",
        &site,
        &format!("/sync.html?tag={tag}"),
        ServiceName::BackgroundSync,
        &["--sync", &dispatched],
        &[
            "Registered sync",
            "Dispatched sync event",
            "Sync completed",
            "Dispatched sync event",
        ],
    ) else {
        return;
    };
    assert_eq!(recorded.one("Registered sync").instance_id, tag);
    assert_eq!(
        metadata(recorded.one("Sync completed")),
        BTreeMap::from([("Status", "succeeded")])
    );
    // The page's sync is not its last chance; DevTools' Sync button says it is.
    let dispatches: BTreeMap<&str, BTreeMap<&str, &str>> = recorded
        .named("Dispatched sync event")
        .into_iter()
        .map(|event| (event.instance_id.as_str(), metadata(event)))
        .collect();
    assert_eq!(
        dispatches,
        BTreeMap::from([
            (tag.as_str(), BTreeMap::from([("Last Chance", "No")])),
            (
                dispatched.as_str(),
                BTreeMap::from([("Last Chance", "Yes")])
            ),
        ])
    );
    assert!(recorded.stderr.contains(&format!(
        "sent --sync {dispatched} to the service worker of {}",
        site.origin()
    )));
}

#[test]
fn periodic_sync_records_the_registration_and_the_dispatched_event() {
    let site = ServiceSite::start();
    let tag = common::unique_tag("periodic");
    let dispatched = format!("{tag}-button");
    let Some(recorded) = record(
        "periodic_sync_records_the_registration_and_the_dispatched_event",
        &site,
        &format!("/periodic-sync.html?tag={tag}"),
        ServiceName::PeriodicBackgroundSync,
        &["--grant", "--periodic-sync", &dispatched],
        &[
            "Got next event delay",
            "Registered periodicsync",
            "Dispatched periodicsync event",
        ],
    ) else {
        return;
    };
    assert_eq!(recorded.one("Registered periodicsync").instance_id, tag);
    assert_eq!(
        metadata(recorded.one("Registered periodicsync")),
        BTreeMap::from([("minInterval", "1000")])
    );
    let delay = recorded.one("Got next event delay");
    assert_eq!(delay.instance_id, tag);
    assert_eq!(
        metadata(delay).keys().collect::<Vec<_>>(),
        [&"Next Attempt Delay (ms)"]
    );
    let dispatch = recorded.one("Dispatched periodicsync event");
    assert_eq!(dispatch.instance_id, dispatched);
    assert!(dispatch.event_metadata.is_empty());
}

#[test]
fn notifications_records_the_notification_the_service_worker_shows() {
    let site = ServiceSite::start();
    let tag = common::unique_tag("note");
    let Some(recorded) = record(
        "notifications_records_the_notification_the_service_worker_shows",
        &site,
        &format!("/notification.html?tag={tag}"),
        ServiceName::Notifications,
        &["--grant"],
        &["Notification displayed"],
    ) else {
        return;
    };
    let shown = recorded.one("Notification displayed");
    assert_eq!(shown.instance_id, tag);
    let title = format!("Hello {tag}");
    let body = format!("Body of {tag}");
    assert_eq!(
        metadata(shown),
        BTreeMap::from([("Body", body.as_str()), ("Title", title.as_str())])
    );
}

#[test]
fn push_messaging_records_the_push_message_delivered_to_the_worker() {
    let site = ServiceSite::start();
    let data = common::unique_tag("push-data");
    let Some(recorded) = record(
        "push_messaging_records_the_push_message_delivered_to_the_worker",
        &site,
        "/worker.html",
        ServiceName::PushMessaging,
        // The worker shows each push message as a notification, which needs the permission.
        &["--grant", "--push", &data],
        &["Push event dispatched", "Push event completed"],
    ) else {
        return;
    };
    assert_eq!(
        metadata(recorded.one("Push event dispatched")),
        BTreeMap::from([("Payload", data.as_str())])
    );
    assert_eq!(
        metadata(recorded.one("Push event completed")),
        BTreeMap::from([("Status", "Success")])
    );
}

#[test]
fn payment_handler_records_the_install_and_the_payment_request() {
    let site = ServiceSite::start();
    let Some(recorded) = record(
        "payment_handler_records_the_install_and_the_payment_request",
        &site,
        "/payment.html",
        ServiceName::PaymentHandler,
        &[],
        &[
            "Install payment handler",
            "Install payment handler result",
            "Payment request",
            "Payment response",
        ],
    ) else {
        return;
    };
    // One payment: every event carries the same instance id.
    let instance = &recorded.events[0].instance_id;
    assert!(!instance.is_empty());
    assert!(recorded
        .events
        .iter()
        .all(|event| event.instance_id == *instance));
    let origin = site.event_origin();
    let method = site.url("/pay");
    let install = metadata(recorded.one("Install payment handler"));
    assert_eq!(install["Method Name"], method);
    assert_eq!(install["Payment Handler Name"], "Test Pay");
    assert_eq!(install["Service Worker Scope"], origin);
    assert_eq!(
        metadata(recorded.one("Install payment handler result")),
        BTreeMap::from([("Payment Handler Install Success", "true")])
    );
    let request = metadata(recorded.one("Payment request"));
    assert_eq!(request["Total Value"], "1.00");
    assert_eq!(request["Total Currency"], "USD");
    assert_eq!(request["Merchant Top Origin"], origin);
    assert_eq!(
        metadata(recorded.one("Payment response")),
        BTreeMap::from([
            ("Details", r#"{"paid":"1.00"}"#),
            ("Method Name", method.as_str()),
            ("Type", "PAYMENT_EVENT_SUCCESS"),
        ])
    );
}

#[test]
fn every_service_records_in_one_run_of_a_page_that_exercises_them_all() {
    let test = "every_service_records_in_one_run_of_a_page_that_exercises_them_all";
    let Some(options) = common::chromium(test) else {
        return;
    };
    let started = Instant::now();
    let binary = options.find_binary().unwrap();
    let site = ServiceSite::start();
    let tag = common::unique_tag("all");
    let url = site.url(&format!("/all.html?tag={tag}"));
    let mut recording = Recording::start(&[
        "--json",
        "--grant",
        "--push",
        "all-push",
        "--sync",
        "all-sync",
        "--periodic-sync",
        "all-periodic",
        "--chromium",
        binary.to_str().unwrap(),
        &url,
    ]);
    // The last event of each service that this page and these triggers cause.
    let mut last = vec![
        "Background Fetch completed",
        "Sync completed",
        "Push event completed",
        "Dispatched periodicsync event",
        "Payment response",
    ];
    recording.read_until("the last event of every service", |line| {
        let event: BackgroundServiceEvent = serde_json::from_str(line).unwrap();
        last.retain(|name| *name != event.event_name);
        last.is_empty()
    });
    // Notifications come before the push completes (the worker shows one for the push).
    recording.signal("INT");
    let status = recording.wait();
    let stderr = recording.stderr_text();
    assert!(status.success(), "{status}; stderr: {stderr}");
    let mut per_service: BTreeMap<String, usize> = BTreeMap::new();
    for line in &recording.lines {
        let event: BackgroundServiceEvent = serde_json::from_str(line).unwrap();
        *per_service
            .entry(event.service.as_str().to_owned())
            .or_default() += 1;
    }
    for service in ServiceName::KNOWN {
        assert!(
            per_service
                .get(service.as_str())
                .is_some_and(|count| *count > 0),
            "no {service} event: {per_service:?}; {stderr}"
        );
    }
    let elapsed = started.elapsed();
    let mut table = String::from("TIMING: every service in one run, events per service:");
    for (service, count) in &per_service {
        table.push_str(&format!(" {service}={count}"));
    }
    report(&format!("{table} ({:.1} s)", elapsed.as_secs_f64()));
    // Every count the summary prints matches what was printed.
    for (service, count) in &per_service {
        assert!(
            stderr.contains(&format!("  {service:<24}{count:>8}\n")),
            "{service} {count} in {stderr}"
        );
    }
}

#[test]
fn without_a_service_worker_the_triggers_wait_out_the_timeout_and_fail() {
    let test = "without_a_service_worker_the_triggers_wait_out_the_timeout_and_fail";
    let Some(options) = common::chromium(test) else {
        return;
    };
    let binary = options.find_binary().unwrap();
    let site = ServiceSite::start();
    let url = site.url("/no-worker.html");
    let started = Instant::now();
    let mut recording = Recording::start(&[
        "--push",
        "nobody",
        "--sync",
        "listens",
        "--timeout",
        "3s",
        "--chromium",
        binary.to_str().unwrap(),
        &url,
    ]);
    let status = recording.wait();
    let stderr = recording.stderr_text();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(15), "{stderr}");
    let expected = format!(
        "error: waited 3s (--timeout) for a service worker of {} to be registered, activated \
         and running, to send it --push, --sync: the page registered none that ran",
        site.origin()
    );
    assert_eq!(stderr.lines().last(), Some(expected.as_str()), "{stderr}");
    assert!(stderr.contains("recorded 0 event(s)\n"), "{stderr}");
    recording.assert_nothing_left();
}
