//! The async API (`cdp_transport::tokio`) and the blocking one's new powers, against a real
//! Chromium: many calls in flight from many tasks and threads, typed subscriptions that see
//! what a command causes, `goto` that waits for its own navigation, a slow subscriber told
//! what it missed while memory stays bounded, and a dead browser ending every call and stream
//! at once.
//!
//! Without a `chromium` binary these tests print `SKIPPED: ..` and return; under `CI=true`
//! they fail (see `common::chromium`).

use std::time::{Duration, Instant};

use cdp_runtime::UnknownEvent;
use cdp_test_support::{self as common, PageServer, Route, WAIT};
use cdp_transport::protocol::{page, runtime, Event};
use cdp_transport::{Error, RecvError};

const PAGE: &str = "<!doctype html><html><head><title>one</title></head><body>one</body></html>";

fn site() -> PageServer {
    PageServer::serving(vec![
        Route::html("/one.html", PAGE),
        Route::html(
            "/two.html",
            "<!doctype html><html><head><title>two</title></head><body>two</body></html>",
        )
        // Slow, so that a wait that returned on the first page's events would be seen.
        .delayed(Duration::from_millis(800)),
    ])
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

#[test]
fn concurrent_calls_from_many_tasks_each_get_their_own_answer() {
    let Some(options) =
        common::chromium("concurrent_calls_from_many_tasks_each_get_their_own_answer")
    else {
        return;
    };
    runtime().block_on(async {
        let browser = cdp_transport::tokio::Connection::<Event>::launch(&options)
            .await
            .unwrap();
        let page = std::sync::Arc::new(browser.new_page().await.unwrap());
        let tasks: Vec<_> = (0..8)
            .map(|task| {
                let page = std::sync::Arc::clone(&page);
                tokio::spawn(async move {
                    let mut answers = Vec::new();
                    for call in 0..20 {
                        let n = task * 100 + call;
                        let value: i64 = page.evaluate(&format!("{n} * 2")).await.unwrap();
                        answers.push((n, value));
                    }
                    answers
                })
            })
            .collect();
        let mut seen = 0;
        for task in tasks {
            for (n, value) in task.await.unwrap() {
                assert_eq!(value, n * 2);
                seen += 1;
            }
        }
        assert_eq!(seen, 160);
        browser.close().await.unwrap();
    });
}

#[test]
fn concurrent_calls_from_many_threads_each_get_their_own_answer() {
    let Some(options) =
        common::chromium("concurrent_calls_from_many_threads_each_get_their_own_answer")
    else {
        return;
    };
    let connection = cdp_transport::Connection::<Event>::launch(&options).unwrap();
    let page = connection.new_page().unwrap();
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..4i64)
            .map(|thread| {
                let page = &page;
                scope.spawn(move || {
                    for call in 0..20 {
                        let n = thread * 100 + call;
                        let value: i64 = page.evaluate(&format!("{n} + 1")).unwrap();
                        assert_eq!(value, n + 1);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
    });
    connection.close().unwrap();
}

#[test]
fn a_subscription_made_before_navigation_sees_load_event_fired() {
    let Some(options) =
        common::chromium("a_subscription_made_before_navigation_sees_load_event_fired")
    else {
        return;
    };
    let site = site();
    runtime().block_on(async {
        let browser = cdp_transport::tokio::Connection::<Event>::launch(&options)
            .await
            .unwrap();
        let page = browser.new_page().await.unwrap();
        let mut loads = page.subscribe::<page::LoadEventFiredEvent>();
        page.call(&page::EnableParams::new()).await.unwrap();
        page.call(&page::NavigateParams::new(site.url_of("/one.html")))
            .await
            .unwrap();
        let load = tokio::time::timeout(WAIT, loads.recv())
            .await
            .expect("Page.loadEventFired within the wait")
            .expect("the stream goes on")
            .expect("an event");
        assert!(load.timestamp.0 > 0.0, "{load:?}");
        assert_eq!(load.session_id.as_deref(), Some(page.id()));
        browser.close().await.unwrap();
    });
}

#[test]
fn goto_twice_in_a_row_waits_for_each_navigation() {
    let Some(options) = common::chromium("goto_twice_in_a_row_waits_for_each_navigation") else {
        return;
    };
    let site = site();
    runtime().block_on(async {
        let browser = cdp_transport::tokio::Connection::<Event>::launch(&options)
            .await
            .unwrap();
        let page = browser.new_page().await.unwrap();
        page.goto(&site.url_of("/one.html")).await.unwrap();
        let title: String = page.evaluate("document.title").await.unwrap();
        assert_eq!(title, "one");
        let started = Instant::now();
        page.goto(&site.url_of("/two.html")).await.unwrap();
        // The second page is served after 800 ms: a wait satisfied by the first page's stale
        // events would return before it exists.
        assert!(
            started.elapsed() >= Duration::from_millis(800),
            "{:?}",
            started.elapsed()
        );
        let (title, state): (String, String) = page
            .evaluate("[document.title, document.readyState]")
            .await
            .unwrap();
        assert_eq!((title.as_str(), state.as_str()), ("two", "complete"));
        browser.close().await.unwrap();
    });
}

#[test]
fn a_failed_navigation_and_a_throwing_expression_are_errors_that_say_why() {
    let Some(options) =
        common::chromium("a_failed_navigation_and_a_throwing_expression_are_errors_that_say_why")
    else {
        return;
    };
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let connection = cdp_transport::Connection::<Event>::launch(&options).unwrap();
    let page = connection.new_page().unwrap();
    let url = format!("http://127.0.0.1:{port}/");
    let err = page.goto(&url).unwrap_err();
    assert!(
        matches!(&err, Error::Navigation { reason, .. } if reason == "net::ERR_CONNECTION_REFUSED"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("the navigation to {url} failed: net::ERR_CONNECTION_REFUSED")
    );
    let err = page
        .evaluate::<i64>("(() => { throw new TypeError('no such thing'); })()")
        .unwrap_err();
    assert!(
        err.to_string().contains("TypeError: no such thing"),
        "{err}"
    );
    let err = page.evaluate::<i64>("'text'").unwrap_err();
    assert!(err.to_string().contains("does not decode as i64"), "{err}");
    let png = page.screenshot().unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{:?}",
        &png[..8.min(png.len())]
    );
    connection.close().unwrap();
}

#[test]
fn a_slow_subscriber_lags_and_is_told_how_many_it_missed() {
    let Some(options) = common::chromium("a_slow_subscriber_lags_and_is_told_how_many_it_missed")
    else {
        return;
    };
    const LOGGED: u64 = 3000;
    const CAPACITY: usize = 16;
    let mut connection = cdp_transport::Connection::<UnknownEvent>::launch(&options).unwrap();
    connection.set_event_capacity(CAPACITY);
    let page = connection.new_page().unwrap();
    // Every event of the page, kept by nobody until the flood is over.
    let slow = page.subscribe::<UnknownEvent>();
    page.call(&runtime::EnableParams::new()).unwrap();
    let done: bool = page
        .evaluate(&format!(
            "(() => {{ for (let i = 0; i < {LOGGED}; i++) console.log(i); return true; }})()"
        ))
        .unwrap();
    assert!(done);
    // The last console events arrive before the evaluation's answer, on the same pipe.
    assert!(slow.len() <= CAPACITY, "{} events held", slow.len());
    let missed = match slow.recv_timeout(WAIT) {
        Err(RecvError::Lagged { missed }) => missed,
        other => panic!("expected a lag notice first, got {other:?}"),
    };
    let mut console = 0;
    while let Ok(event) = slow.try_recv() {
        if event.method == "Runtime.consoleAPICalled" {
            console += 1;
        }
    }
    // Every console event was either missed or received, and no more were held than the
    // capacity (other events of the page count among the missed too).
    assert!(console <= CAPACITY as u64, "{console}");
    assert!(
        missed + console >= LOGGED,
        "missed {missed}, received {console}"
    );
    assert!(missed >= LOGGED - CAPACITY as u64, "missed {missed}");
    connection.close().unwrap();
}

#[test]
fn killing_the_browser_mid_call_ends_calls_and_streams_within_a_second() {
    let Some(options) =
        common::chromium("killing_the_browser_mid_call_ends_calls_and_streams_within_a_second")
    else {
        return;
    };
    runtime().block_on(async {
        let browser = cdp_transport::tokio::Connection::<Event>::launch(&options)
            .await
            .unwrap();
        let page = browser.new_page().await.unwrap();
        let mut events = browser.subscribe::<Event>();
        let kill = browser.browser().expect("launched").kill_handle();
        // A promise that never settles: the call waits until the browser goes.
        let call = tokio::spawn(async move { page.evaluate::<i64>("new Promise(() => {})").await });
        tokio::time::sleep(Duration::from_millis(300)).await;
        let killed = Instant::now();
        std::thread::spawn(move || kill.kill_and_remove_profile());
        let err = tokio::time::timeout(Duration::from_secs(5), call)
            .await
            .expect("the call ends")
            .unwrap()
            .unwrap_err();
        let call_ended = killed.elapsed();
        assert!(err.is_closed(), "{err:?}");
        let ended = loop {
            match tokio::time::timeout(Duration::from_secs(5), events.recv())
                .await
                .expect("the stream ends")
            {
                Some(Err(RecvError::Ended(err))) => break err,
                Some(_) => {}
                None => panic!("the stream ended without saying why"),
            }
        };
        let stream_ended = killed.elapsed();
        assert!(ended.is_closed(), "{ended:?}");
        assert!(events.recv().await.is_none());
        assert!(call_ended < Duration::from_secs(1), "{call_ended:?}");
        assert!(stream_ended < Duration::from_secs(1), "{stream_ended:?}");
        // A call after the end fails at once, with the same error.
        let started = Instant::now();
        let err = browser
            .call(&cdp_transport::protocol::browser::GetVersionParams::new())
            .await
            .unwrap_err();
        assert!(err.is_closed(), "{err:?}");
        assert!(started.elapsed() < Duration::from_millis(100));
    });
}

#[test]
fn a_dropped_call_forgets_its_request_and_its_late_answer_is_no_error() {
    let Some(options) =
        common::chromium("a_dropped_call_forgets_its_request_and_its_late_answer_is_no_error")
    else {
        return;
    };
    runtime().block_on(async {
        let browser = cdp_transport::tokio::Connection::<UnknownEvent>::launch(&options)
            .await
            .unwrap();
        let page = browser.new_page().await.unwrap();
        let mut everything = browser.subscribe::<UnknownEvent>();
        // Answered after 300 ms; its future is dropped after 50.
        let dropped = tokio::time::timeout(
            Duration::from_millis(50),
            page.evaluate::<i64>("new Promise(resolve => setTimeout(() => resolve(1), 300))"),
        )
        .await;
        assert!(dropped.is_err(), "the call should still have been waiting");
        tokio::time::sleep(Duration::from_millis(600)).await;
        let value: i64 = page.evaluate("2").await.unwrap();
        assert_eq!(value, 2);
        // The late answer was dropped: no unexpected response in the stream.
        while let Ok(Some(item)) = tokio::time::timeout(Duration::ZERO, everything.recv()).await {
            assert!(item.is_ok(), "{item:?}");
        }
        browser.close().await.unwrap();
    });
}

#[test]
fn a_connection_reports_the_events_its_bindings_do_not_know() {
    let Some(options) =
        common::chromium("a_connection_reports_the_events_its_bindings_do_not_know")
    else {
        return;
    };
    let site = site();
    // Bindings of BackgroundService alone: every Page event is drift to them.
    let connection = cdp_transport::Connection::<cdp_bindings::Event>::launch(&options).unwrap();
    assert!(connection.drift().is_none());
    connection.report_drift();
    let page = connection.new_page().unwrap();
    page.goto(&site.url_of("/one.html")).unwrap();
    let drift = connection.drift().expect("reported");
    for method in [
        "Page.lifecycleEvent",
        "Page.frameNavigated",
        "Page.loadEventFired",
    ] {
        let seen = drift
            .unknown_methods
            .get(method)
            .unwrap_or_else(|| panic!("{method} not reported:\n{drift}"));
        assert!(seen.count >= 1);
    }
    assert!(drift.unknown_fields.is_empty(), "{drift}");
    assert!(drift.failed_events.is_empty(), "{drift}");
    assert!(drift.messages >= 3, "{drift}");
    connection.close().unwrap();
}
