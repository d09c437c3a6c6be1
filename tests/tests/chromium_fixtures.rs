//! Messages captured from a real headless Chromium (see `fixtures/chromium_background_service.*`)
//! decode into the generated types.

use cdp_bindings::background_service::{self as bs, ServiceName};
use cdp_bindings::cdp_runtime::{decode_message, DecodeErrorKind, Message, Response};
use cdp_bindings::service_worker::RegistrationId;
use cdp_bindings::Event;

const FIXTURE: &str = include_str!("../fixtures/chromium_background_service.jsonl");

fn messages() -> Vec<Message<Event>> {
    FIXTURE
        .lines()
        .enumerate()
        .map(|(index, line)| {
            decode_message::<Event>(line)
                .unwrap_or_else(|err| panic!("fixture line {}: {err}", index + 1))
        })
        .collect()
}

fn events() -> Vec<(Option<String>, bs::Event)> {
    messages()
        .into_iter()
        .filter_map(|message| match message {
            Message::Event {
                session_id,
                event: Event::BackgroundService(event),
            } => Some((session_id, event)),
            _ => None,
        })
        .collect()
}

fn responses() -> Vec<Response> {
    messages()
        .into_iter()
        .filter_map(|message| match message {
            Message::Response(response) => Some(response),
            _ => None,
        })
        .collect()
}

#[test]
fn every_captured_message_decodes_and_none_is_unknown() {
    for message in messages() {
        if let Message::Event {
            event: Event::Unknown(unknown),
            ..
        } = message
        {
            panic!("{} decoded as unknown", unknown.method);
        }
    }
    assert_eq!(messages().len(), 10);
}

#[test]
fn recording_state_changed_decodes_with_its_flag_and_service() {
    let changes: Vec<(bool, ServiceName, bool)> = events()
        .into_iter()
        .filter_map(|(session, event)| match event {
            bs::Event::RecordingStateChanged(change) => {
                Some((change.is_recording, change.service, session.is_some()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            (false, ServiceName::BackgroundSync, true),
            (true, ServiceName::BackgroundSync, true)
        ]
    );
}

#[test]
fn background_service_event_received_decodes_with_its_metadata() {
    let received: Vec<bs::BackgroundServiceEvent> = events()
        .into_iter()
        .filter_map(|(_, event)| match event {
            bs::Event::BackgroundServiceEventReceived(received) => {
                Some(received.background_service_event)
            }
            _ => None,
        })
        .collect();
    let names: Vec<&str> = received.iter().map(|e| e.event_name.as_str()).collect();
    assert_eq!(
        names,
        ["Registered sync", "Dispatched sync event", "Sync completed"]
    );
    let dispatched = &received[1];
    assert_eq!(dispatched.service, ServiceName::BackgroundSync);
    assert_eq!(dispatched.instance_id, "fixture-tag");
    assert_eq!(
        dispatched.service_worker_registration_id,
        RegistrationId("0".into())
    );
    assert!(dispatched.origin.starts_with("http://127.0.0.1:"));
    assert_eq!(dispatched.storage_key, dispatched.origin);
    assert!(dispatched.timestamp.0 > 1.7e9, "seconds since the epoch");
    assert_eq!(
        dispatched.event_metadata,
        vec![bs::EventMetadata::new("Last Chance", "No")]
    );
    assert_eq!(
        received[2].event_metadata,
        vec![bs::EventMetadata::new("Status", "succeeded")]
    );
    assert!(received[0].event_metadata.is_empty());
}

#[test]
fn an_empty_result_decodes_as_the_commands_returns() {
    let response = &responses()[1];
    assert_eq!(response.id, 4);
    assert!(response.session_id.is_some());
    assert_eq!(response.result.as_ref().unwrap().get(), "{}");
    let _: bs::StartObservingReturns = response.decode::<bs::StartObservingParams>().unwrap();
}

#[test]
fn invalid_params_error_keeps_code_message_and_data() {
    let response = &responses()[4];
    assert_eq!(response.id, 7);
    let error = response.result.as_ref().unwrap_err();
    assert_eq!(error.code, -32602);
    assert_eq!(error.message, "Invalid parameters");
    let data = error.data.as_ref().and_then(|data| data.as_str()).unwrap();
    assert!(
        data.starts_with("Failed to deserialize params.shouldRecord"),
        "{data}"
    );

    let err = response.decode::<bs::SetRecordingParams>().unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::Protocol);
    assert_eq!(err.method(), Some("BackgroundService.setRecording"));
    assert_eq!(err.protocol_error(), Some(error));
    assert!(err.to_string().contains("-32602"), "{err}");
}

#[test]
fn invalid_service_error_without_data_decodes() {
    let error = responses()[3].result.clone().unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str(), error.data),
        (-32602, "Invalid service name", None)
    );
}

#[test]
fn browser_version_reply_keeps_its_raw_result() {
    let response = &responses()[0];
    assert_eq!((response.id, response.session_id.as_deref()), (1, None));
    let result: serde_json::Value =
        serde_json::from_str(response.result.as_ref().unwrap().get()).unwrap();
    assert_eq!(result["protocolVersion"], "1.3");
    assert!(result["product"].as_str().unwrap().starts_with("Chrome/"));
}
