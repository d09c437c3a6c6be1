//! Drift, reported instead of hidden: `DriftReport` names every unknown event method, unknown
//! field (with where it was first seen), value that fell back to an enum's fallback variant,
//! and known event that did not decode; the `Client` keeps such an event in its place
//! (`Undecodable::Deliver`, the default) or fails (`Undecodable::Error`).

use cdp_bindings::background_service::{self as bs, ServiceName};
use cdp_bindings::cdp_runtime::{Client, ClientError, DriftReport, Incoming, Message, Undecodable};
use cdp_bindings::Event;

const KNOWN: &str = r#"{"method":"BackgroundService.recordingStateChanged","params":{"isRecording":true,"service":"backgroundSync"}}"#;
const NEW_FIELD_AND_VALUE: &str = r#"{"method":"BackgroundService.backgroundServiceEventReceived","params":{"backgroundServiceEvent":{"timestamp":1,"origin":"o","serviceWorkerRegistrationId":"1","service":"teleportation","eventName":"e","instanceId":"i","eventMetadata":[],"storageKey":"k","newField":{"a":1}},"alsoNew":true}}"#;
const UNKNOWN_METHOD: &str = r#"{"method":"Foo.bar","params":{}}"#;
const BROKEN: &str = r#"{"method":"BackgroundService.recordingStateChanged","params":{"isRecording":"yes","service":"backgroundSync"}}"#;
const RESPONSE_WITH_NEW_FIELD: &str = r#"{"id":1,"result":{"surprise":1}}"#;

#[test]
fn a_message_that_does_not_drift_leaves_the_report_empty() {
    let mut drift = DriftReport::default();
    let decoded = drift.decode::<Event>(KNOWN).unwrap();
    assert!(matches!(decoded, Message::Event { .. }));
    assert!(drift.is_empty(), "{drift}");
    assert_eq!(drift.messages, 1);
    assert_eq!(drift.to_string(), "no drift in 1 message(s)");
}

#[test]
fn unknown_methods_fields_values_and_undecodable_events_are_counted_with_their_first_place() {
    let mut drift = DriftReport::default();
    for text in [
        NEW_FIELD_AND_VALUE,
        NEW_FIELD_AND_VALUE,
        UNKNOWN_METHOD,
        KNOWN,
    ] {
        drift.decode::<Event>(text).unwrap();
    }
    drift.decode::<Event>(BROKEN).unwrap_err();
    drift.decode::<Event>(RESPONSE_WITH_NEW_FIELD).unwrap();
    assert_eq!(drift.messages, 6);

    let methods: Vec<(&str, u64)> = drift
        .unknown_methods
        .iter()
        .map(|(method, seen)| (method.as_str(), seen.count))
        .collect();
    assert_eq!(methods, [("Foo.bar", 1)]);

    let fields: Vec<(String, u64, &str)> = drift
        .unknown_fields
        .iter()
        .map(|((ty, field), seen)| (format!("{ty}.{field}"), seen.count, seen.first.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            (
                "BackgroundService.BackgroundServiceEvent.newField".to_owned(),
                2,
                "BackgroundService.backgroundServiceEventReceived params.backgroundServiceEvent.newField"
            ),
            (
                "BackgroundService.backgroundServiceEventReceived.alsoNew".to_owned(),
                2,
                "BackgroundService.backgroundServiceEventReceived params.alsoNew"
            ),
        ]
    );

    let values: Vec<(String, u64, &str)> = drift
        .fallback_values
        .iter()
        .map(|((ty, value), seen)| (format!("{ty} {value}"), seen.count, seen.first.as_str()))
        .collect();
    assert_eq!(
        values,
        [(
            "BackgroundService.ServiceName teleportation".to_owned(),
            2,
            "BackgroundService.backgroundServiceEventReceived params.backgroundServiceEvent.service"
        )]
    );

    let failed: Vec<(&str, u64)> = drift
        .failed_events
        .iter()
        .map(|(method, seen)| (method.as_str(), seen.count))
        .collect();
    assert_eq!(failed, [("BackgroundService.recordingStateChanged", 1)]);
    assert!(
        drift.failed_events["BackgroundService.recordingStateChanged"]
            .first
            .contains("params.isRecording"),
        "{drift}"
    );
    let text = drift.to_string();
    assert!(text.starts_with("drift in 6 message(s):\n"), "{text}");
    assert!(
        text.contains("  unknown value BackgroundService.ServiceName \"teleportation\": 2x"),
        "{text}"
    );
}

#[test]
fn a_value_that_fell_back_decodes_and_encodes_unchanged_while_it_is_reported() {
    let mut drift = DriftReport::default();
    let Message::Event {
        event: Event::BackgroundService(bs::Event::BackgroundServiceEventReceived(received)),
        ..
    } = drift.decode::<Event>(NEW_FIELD_AND_VALUE).unwrap()
    else {
        panic!("expected backgroundServiceEventReceived");
    };
    let service = &received.background_service_event.service;
    assert_eq!(service, &ServiceName::Unknown("teleportation".into()));
    assert_eq!(
        cdp_bindings::cdp_runtime::serde_json::to_string(service).unwrap(),
        r#""teleportation""#
    );
}

#[test]
fn the_client_delivers_an_undecodable_event_in_its_place_by_default() {
    let mut client = Client::<Event>::new();
    client.report_drift();
    assert!(matches!(client.receive(KNOWN), Ok(Incoming::Event { .. })));
    let Ok(Incoming::Undecodable(undecodable)) = client.receive(BROKEN) else {
        panic!("expected the event kept as undecodable");
    };
    assert_eq!(
        undecodable.event.method,
        "BackgroundService.recordingStateChanged"
    );
    assert_eq!(
        undecodable.event.params.get(),
        r#"{"isRecording":"yes","service":"backgroundSync"}"#
    );
    assert_eq!(undecodable.error.path(), "params.isRecording");
    assert!(matches!(client.receive(KNOWN), Ok(Incoming::Event { .. })));
    let drift = client.drift().expect("reported");
    assert_eq!(drift.messages, 3);
    assert_eq!(
        drift.failed_events["BackgroundService.recordingStateChanged"].count,
        1
    );
}

#[test]
fn the_client_fails_on_an_undecodable_event_when_asked_to() {
    let mut client = Client::<Event>::new();
    client.set_undecodable(Undecodable::Error);
    let Err(ClientError::Decode(error)) = client.receive(BROKEN) else {
        panic!("expected a decode error");
    };
    assert_eq!(
        error.method(),
        Some("BackgroundService.recordingStateChanged")
    );
    assert_eq!(error.raw(), BROKEN);
    // A message that is no message at all fails under either policy.
    let mut client = Client::<Event>::new();
    assert!(matches!(
        client.receive("{not json"),
        Err(ClientError::Decode(_))
    ));
}
