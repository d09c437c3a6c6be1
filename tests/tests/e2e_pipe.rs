//! End to end over `--remote-debugging-pipe`: a real Chromium, typed commands and events.
//!
//! Without a `chromium` binary these tests print `SKIPPED: ..` and return; under `CI=true`
//! they fail instead (see `common::chromium`).

use cdp_test_support as common;

use std::time::Duration;

use cdp_bindings::background_service::{
    self as bs, RecordingStateChangedEvent, ServiceName, StartObservingParams,
};
use cdp_bindings::Event;
use cdp_transport::protocol::browser::GetVersionParams;
use cdp_transport::protocol::target::CreateTargetParams;
use cdp_transport::{Connection, Error, LaunchOptions, SessionEvent};

use common::WAIT;

fn launch(options: &LaunchOptions) -> Connection<Event> {
    let mut connection = Connection::launch(options).expect("Chromium launches over the pipe");
    connection.set_timeout(WAIT);
    connection
}

/// The next recordingStateChanged, skipping the events of other domains (the browser also
/// reports `Target.attachedToTarget`, which these bindings keep as `Event::Unknown`).
fn next_recording_state(
    connection: &mut Connection<Event>,
) -> (Option<String>, RecordingStateChangedEvent) {
    loop {
        let SessionEvent { session_id, event } = connection.next_event(WAIT).unwrap();
        match event {
            Event::BackgroundService(bs::Event::RecordingStateChanged(change)) => {
                return (session_id, change)
            }
            Event::Unknown(other) => assert!(!other.method.starts_with("BackgroundService.")),
            other => panic!("expected recordingStateChanged, got {other:?}"),
        }
    }
}

#[test]
fn pipe_launch_and_browser_get_version_decodes() {
    let Some(options) = common::chromium("pipe_launch_and_browser_get_version_decodes") else {
        return;
    };
    let connection = launch(&options);
    let version = connection.call(&GetVersionParams::new()).unwrap();
    assert_eq!(version.protocol_version, "1.3");
    assert!(version.product.starts_with("Chrome/"), "{version:?}");
    assert!(version.user_agent.contains("HeadlessChrome"), "{version:?}");
    assert!(!version.js_version.is_empty());
    connection.close().unwrap();
}

#[test]
fn recording_state_changes_arrive_typed_in_order_on_the_page_session() {
    let Some(options) =
        common::chromium("recording_state_changes_arrive_typed_in_order_on_the_page_session")
    else {
        return;
    };
    let mut connection = launch(&options);
    let page = common::record_background_sync(&mut connection);

    // Chromium sends each change before the answer to the command that caused it, so both
    // were queued while the commands waited, and come out in their order.
    let (session, stopped) = next_recording_state(&mut connection);
    assert_eq!(session.as_deref(), Some(page.id()));
    assert_eq!(
        stopped,
        RecordingStateChangedEvent {
            is_recording: false,
            service: ServiceName::BackgroundSync
        }
    );
    let (session, started) = next_recording_state(&mut connection);
    assert_eq!(session.as_deref(), Some(page.id()));
    assert!(started.is_recording);
    assert_eq!(started.service, ServiceName::BackgroundSync);
}

#[test]
fn background_sync_events_arrive_typed_for_the_page_origin_and_tag() {
    let Some(options) =
        common::chromium("background_sync_events_arrive_typed_for_the_page_origin_and_tag")
    else {
        return;
    };
    let tag = common::unique_tag("pipe");
    let server = common::PageServer::start(&tag);
    let mut connection = launch(&options);
    let events = common::background_sync_events(&mut connection, &server, &tag);
    common::assert_sync_events(&events, &server.origin(), &tag);
    connection.close().unwrap();
}

#[test]
fn an_unknown_service_is_refused_with_invalid_params_and_the_connection_goes_on() {
    let Some(options) = common::chromium(
        "an_unknown_service_is_refused_with_invalid_params_and_the_connection_goes_on",
    ) else {
        return;
    };
    let connection = launch(&options);
    let page = connection.new_page().unwrap();
    let err = connection
        .call_on(
            page.id(),
            &StartObservingParams::new(ServiceName::Unknown("someFutureService".into())),
        )
        .unwrap_err();
    let Error::Protocol { method, error } = &err else {
        panic!("expected a protocol error, got {err}");
    };
    assert_eq!(*method, "BackgroundService.startObserving");
    assert_eq!(error.code, -32602);
    assert_eq!(error.message, "Invalid service name");
    assert_eq!(
        err.to_string(),
        "`BackgroundService.startObserving` failed: protocol error -32602: Invalid service name"
    );
    connection.call(&GetVersionParams::new()).unwrap();
}

#[test]
fn a_missing_binary_is_a_clear_launch_error() {
    let err = Connection::<Event>::launch(&LaunchOptions::new().binary("/x/y")).unwrap_err();
    assert!(matches!(err, Error::NoSuchBinary { .. }), "{err:?}");
    assert_eq!(err.to_string(), "no such binary: /x/y");
}

#[test]
fn a_timeout_names_the_command_and_a_late_answer_is_ignored() {
    let Some(options) =
        common::chromium("a_timeout_names_the_command_and_a_late_answer_is_ignored")
    else {
        return;
    };
    let mut connection = launch(&options);
    let err = connection
        .call_with(None, &GetVersionParams::new(), Duration::ZERO)
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert!(
        err.to_string().starts_with(
            "timed out after 0ns waiting for the response to `Browser.getVersion` (id "
        ),
        "{err}"
    );
    // The late answer to the first request arrives first and is skipped: taken for the answer
    // to this other command, it would not decode (a getVersion answer has no `targetId`).
    let created = connection
        .call(&CreateTargetParams::new("about:blank"))
        .unwrap();
    assert!(!created.target_id.0.is_empty(), "{created:?}");
    // The late answer is expected, so it is not reported in the event stream either.
    // Waiting for an event that does not come is bounded too.
    let err = connection
        .next_event(Duration::from_millis(200))
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

#[test]
fn commands_after_the_browser_dies_fail_with_its_exit_status() {
    let Some(options) =
        common::chromium("commands_after_the_browser_dies_fail_with_its_exit_status")
    else {
        return;
    };
    let connection = launch(&options);
    connection.call(&GetVersionParams::new()).unwrap();
    let pid = connection.browser().unwrap().pid() as libc::pid_t;
    // SAFETY: `kill` takes no pointers; the pid is the browser's, which is not reaped yet.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);

    let err = connection.call(&GetVersionParams::new()).unwrap_err();
    let Error::BrowserExited { status, .. } = &err else {
        panic!("expected BrowserExited, got {err:?}");
    };
    let status = status.expect("the browser has exited");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(libc::SIGKILL)
    );
    assert!(
        err.to_string().starts_with("the browser exited (signal: 9"),
        "{err}"
    );
    // It says how the connection ended, as the pipe saw it.
    assert!(
        err.to_string().contains("the browser closed the pipe"),
        "{err}"
    );
    // And it stays failed, without hanging: the exit was awaited once, and is known now.
    let started = std::time::Instant::now();
    let again = connection.call(&GetVersionParams::new()).unwrap_err();
    assert!(again.is_closed(), "{again}");
    assert_eq!(again.to_string(), err.to_string());
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn dropping_the_connection_leaves_no_process_and_no_profile() {
    let Some(options) =
        common::chromium("dropping_the_connection_leaves_no_process_and_no_profile")
    else {
        return;
    };
    let connection = launch(&options);
    // A page, so that renderers are running too.
    connection.new_page().unwrap();
    let browser = connection.browser().unwrap();
    assert!(browser.is_temporary_profile());
    let profile = browser.user_data_dir().to_owned();
    let needle = format!("--user-data-dir={}", profile.display());
    assert!(profile.is_dir());
    assert!(!common::processes_mentioning(&needle).is_empty());

    drop(connection);
    assert!(!profile.exists(), "{} is left", profile.display());
    // Every process of the browser's group got SIGKILL and the browser itself is reaped; its
    // helpers may take a moment more to finish dying.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut left = common::processes_mentioning(&needle);
    while !left.is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        left = common::processes_mentioning(&needle);
    }
    assert!(left.is_empty(), "processes left: {left:#?}");
}

#[test]
fn close_asks_the_browser_to_exit_and_removes_the_profile() {
    let Some(options) = common::chromium("close_asks_the_browser_to_exit_and_removes_the_profile")
    else {
        return;
    };
    let connection = launch(&options);
    let profile = connection.browser().unwrap().user_data_dir().to_owned();
    let status = connection
        .close()
        .unwrap()
        .expect("the status of the launched browser");
    // It exited on its own, on `Browser.close`, and was not killed after the grace period.
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        None,
        "{status}"
    );
    assert!(status.success(), "{status}");
    assert!(!profile.exists());
}
