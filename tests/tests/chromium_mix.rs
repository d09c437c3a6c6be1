//! A real multi-domain session of headless Chromium (`fixtures/chromium_mix.jsonl`, made by
//! `fixtures/capture_mix.py`, see `fixtures/chromium_mix.README.md`) decodes in full through the
//! default, BackgroundService-only bindings: BackgroundService events are typed, every other
//! event is an `Event::Unknown` that keeps its method and its params byte for byte, and every
//! reply is a `Message::Response`. Nothing is lost and nothing fails.

use std::collections::BTreeMap;

use cdp_bindings::background_service::{self as bs, ServiceName};
use cdp_bindings::cdp_runtime::{decode_message, Message, RawValue, Response, UnknownEvent};
use cdp_bindings::Event;
use serde::Deserialize;

const FIXTURE: &str = include_str!("../fixtures/chromium_mix.jsonl");

/// A line of the fixture, read by `serde_json` alone: what the decoder must reproduce.
#[derive(Deserialize)]
struct Raw<'a> {
    method: Option<String>,
    #[serde(borrow)]
    params: Option<&'a RawValue>,
    #[serde(rename = "sessionId")]
    session_id: Option<String>,
}

fn lines() -> Vec<&'static str> {
    FIXTURE.lines().collect()
}

fn decoded() -> Vec<(&'static str, Message<Event>)> {
    lines()
        .into_iter()
        .enumerate()
        .map(|(index, line)| {
            let message = decode_message::<Event>(line)
                .unwrap_or_else(|err| panic!("chromium_mix.jsonl line {}: {err}", index + 1));
            (line, message)
        })
        .collect()
}

fn unknown_events() -> Vec<(&'static str, Option<String>, UnknownEvent)> {
    decoded()
        .into_iter()
        .filter_map(|(line, message)| match message {
            Message::Event {
                session_id,
                event: Event::Unknown(unknown),
            } => Some((line, session_id, unknown)),
            _ => None,
        })
        .collect()
}

fn background_service_events() -> Vec<bs::Event> {
    decoded()
        .into_iter()
        .filter_map(|(_, message)| match message {
            Message::Event {
                event: Event::BackgroundService(event),
                ..
            } => Some(event),
            _ => None,
        })
        .collect()
}

fn responses() -> Vec<Response> {
    decoded()
        .into_iter()
        .filter_map(|(_, message)| match message {
            Message::Response(response) => Some(response),
            _ => None,
        })
        .collect()
}

fn params_of(unknown: &UnknownEvent) -> serde_json::Value {
    serde_json::from_str(unknown.params.get()).expect("params are JSON")
}

#[test]
fn every_message_of_the_mix_decodes() {
    let decoded = decoded();
    assert_eq!(decoded.len(), 288);
    let (mut responses, mut typed, mut unknown) = (0, 0, 0);
    for (_, message) in &decoded {
        match message {
            Message::Response(_) => responses += 1,
            Message::Event {
                event: Event::BackgroundService(_),
                ..
            } => typed += 1,
            Message::Event {
                event: Event::Unknown(_),
                ..
            } => unknown += 1,
            Message::Event { event, .. } => panic!("unexpected event {event:?}"),
        }
    }
    assert_eq!((responses, typed, unknown), (36, 10, 242));
}

#[test]
fn events_of_other_domains_are_unknown_and_keep_method_and_params_byte_for_byte() {
    let unknown = unknown_events();
    let mut by_domain: BTreeMap<&str, usize> = BTreeMap::new();
    let mut methods: BTreeMap<String, usize> = BTreeMap::new();
    for (line, session_id, event) in &unknown {
        let raw: Raw = serde_json::from_str(line).unwrap();
        assert_eq!(Some(&event.method), raw.method.as_ref(), "{line}");
        assert_eq!(
            Some(event.params.get()),
            raw.params.map(RawValue::get),
            "{line}"
        );
        assert_eq!(session_id, &raw.session_id, "{line}");
        assert!(
            line.contains(event.params.get()),
            "params are a slice of the line"
        );
        let domain = event.method.split_once('.').unwrap().0;
        assert_ne!(domain, "BackgroundService");
        *by_domain.entry(domain).or_default() += 1;
        *methods.entry(event.method.clone()).or_default() += 1;
    }
    assert_eq!(
        by_domain.into_iter().collect::<Vec<_>>(),
        [
            ("CSS", 8),
            ("DOM", 15),
            ("Debugger", 9),
            ("Inspector", 2),
            ("Log", 4),
            ("Network", 89),
            ("Page", 60),
            ("Runtime", 28),
            ("Target", 27),
        ]
    );
    assert_eq!(methods.len(), 49, "distinct unknown methods: {methods:?}");
    assert_eq!(methods["Network.requestWillBeSent"], 15);
    assert_eq!(methods["Page.lifecycleEvent"], 34);
    assert_eq!(methods["Runtime.consoleAPICalled"], 15);
    assert_eq!(methods["Runtime.exceptionThrown"], 3);
    assert_eq!(methods["DOM.setChildNodes"], 3);
    assert_eq!(methods["Debugger.scriptParsed"], 8);
    assert_eq!(methods["Target.attachedToTarget"], 3);
    // Events the browser sends on the browser connection itself carry no session.
    let without_session = unknown.iter().filter(|(_, s, _)| s.is_none()).count();
    assert_eq!(without_session, 23);
}

#[test]
fn unknown_events_keep_what_they_say() {
    let unknown = unknown_events();
    let find = |method: &str| -> Vec<serde_json::Value> {
        unknown
            .iter()
            .filter(|(_, _, event)| event.method == method)
            .map(|(_, _, event)| params_of(event))
            .collect()
    };
    let dialog = &find("Page.javascriptDialogOpening")[0];
    assert_eq!(dialog["message"], "fixture dialog");
    assert_eq!(dialog["type"], "alert");
    let failed = &find("Network.loadingFailed")[0];
    assert_eq!(failed["errorText"], "net::ERR_UNSAFE_PORT");
    let thrown: Vec<String> = find("Runtime.exceptionThrown")
        .iter()
        .map(|p| p["exceptionDetails"]["exception"]["className"].to_string())
        .collect();
    assert_eq!(thrown, ["\"SyntaxError\"", "\"Error\"", "\"TypeError\""]);
    let preflight = find("Network.responseReceived")
        .into_iter()
        .filter(|p| p["type"] == "Preflight")
        .count();
    assert_eq!(preflight, 1);
    let attached: Vec<String> = find("Target.attachedToTarget")
        .iter()
        .map(|p| p["targetInfo"]["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(attached, ["page", "service_worker", "worker"]);
    // Chromium's own number formatting survives: a console timestamp in exponent notation.
    let console = unknown
        .iter()
        .find(|(_, _, event)| event.method == "Runtime.consoleAPICalled")
        .unwrap();
    assert!(
        console.2.params.get().contains("\"timestamp\":1.7"),
        "{}",
        console.2.params.get()
    );
}

#[test]
fn background_service_events_are_typed() {
    let events = background_service_events();
    assert_eq!(events.len(), 10);
    let changes: Vec<(bool, ServiceName)> = events
        .iter()
        .filter_map(|event| match event {
            bs::Event::RecordingStateChanged(change) => {
                Some((change.is_recording, change.service.clone()))
            }
            _ => None,
        })
        .collect();
    // startObserving for every service, in the order the capture asks, then setRecording.
    let mut expected: Vec<(bool, ServiceName)> = ServiceName::KNOWN
        .iter()
        .map(|service| (false, service.clone()))
        .collect();
    expected.push((true, ServiceName::BackgroundSync));
    assert_eq!(changes, expected);

    let received: Vec<&bs::BackgroundServiceEvent> = events
        .iter()
        .filter_map(|event| match event {
            bs::Event::BackgroundServiceEventReceived(received) => {
                Some(&received.background_service_event)
            }
            _ => None,
        })
        .collect();
    let names: Vec<&str> = received.iter().map(|e| e.event_name.as_str()).collect();
    assert_eq!(
        names,
        ["Registered sync", "Dispatched sync event", "Sync completed"]
    );
    for event in &received {
        assert_eq!(event.service, ServiceName::BackgroundSync);
        assert_eq!(event.instance_id, "mix-tag");
        assert!(event.origin.starts_with("http://127.0.0.1:"));
        assert_eq!(event.storage_key, event.origin);
    }
    assert_eq!(
        received[2].event_metadata,
        [bs::EventMetadata::new("Status", "succeeded")]
    );
}

#[test]
fn replies_are_responses_with_their_results_and_errors() {
    let responses = responses();
    let mut ids: Vec<u64> = responses.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=36).collect::<Vec<_>>());
    // Browser-level commands have no session: getVersion, setDiscoverTargets, createTarget,
    // attachToTarget and closeTarget.
    let browser_level: Vec<u64> = responses
        .iter()
        .filter(|r| r.session_id.is_none())
        .map(|r| r.id)
        .collect();
    assert_eq!(browser_level, [1, 2, 3, 4, 36]);

    let version: serde_json::Value =
        serde_json::from_str(responses[0].result.as_ref().unwrap().get()).unwrap();
    assert_eq!(version["protocolVersion"], "1.3");
    assert!(version["product"].as_str().unwrap().starts_with("Chrome/"));

    let empty = responses
        .iter()
        .filter(|r| r.result.as_ref().is_ok_and(|raw| raw.get() == "{}"))
        .count();
    assert_eq!(empty, 19);

    let errors: Vec<(u64, i64, &str, bool)> = responses
        .iter()
        .filter_map(|r| {
            r.result
                .as_ref()
                .err()
                .map(|e| (r.id, e.code, e.message.as_str(), e.data.is_some()))
        })
        .collect();
    assert_eq!(
        errors,
        [
            (32, -32601, "'Nonexistent.method' wasn't found", false),
            (33, -32602, "Invalid parameters", true),
            (34, -32000, "Could not find node with given id", false),
        ]
    );

    let thrown = responses.iter().find(|r| r.id == 30).unwrap();
    let thrown: serde_json::Value =
        serde_json::from_str(thrown.result.as_ref().unwrap().get()).unwrap();
    assert_eq!(thrown["result"]["className"], "TypeError");
    assert!(thrown["exceptionDetails"].is_object());

    // A BackgroundService command's empty reply decodes as its typed returns.
    let start_observing = responses.iter().find(|r| r.id == 14).unwrap();
    let _: bs::StartObservingReturns = start_observing
        .decode::<bs::StartObservingParams>()
        .unwrap();
}
