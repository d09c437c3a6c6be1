//! `EventOf`: one event type, or one domain's events, taken out of the root `Event` as it was
//! decoded, which is what typed subscriptions hand their subscribers.

use cdp_bindings::background_service::{self as bs, ServiceName};
use cdp_bindings::cdp_runtime::{EventOf, Message};
use cdp_bindings::Event;

fn decode(text: &str) -> Event {
    match Event::decode_message(text).unwrap() {
        Message::Event { event, .. } => event,
        Message::Response(response) => panic!("expected an event, got {response:?}"),
    }
}

#[test]
fn an_event_struct_is_taken_out_of_the_root_event_only_when_it_is_one() {
    let event = decode(
        r#"{"method":"BackgroundService.recordingStateChanged","params":{"isRecording":true,"service":"backgroundSync"}}"#,
    );
    let changed = bs::RecordingStateChangedEvent::from_set(&event).expect("it is one");
    assert!(changed.is_recording);
    assert_eq!(changed.service, ServiceName::BackgroundSync);
    assert_eq!(
        bs::BackgroundServiceEventReceivedEvent::from_set(&event),
        None
    );
    let domain = bs::Event::from_set(&event).expect("a BackgroundService event");
    assert_eq!(domain.method(), "BackgroundService.recordingStateChanged");
    assert_eq!(Event::from_set(&event), Some(&event));
}

#[test]
fn an_unknown_event_is_taken_by_no_struct_and_no_domain() {
    let event = decode(r#"{"method":"Page.loadEventFired","params":{"timestamp":1}}"#);
    assert_eq!(bs::RecordingStateChangedEvent::from_set(&event), None);
    assert_eq!(bs::Event::from_set(&event), None);
    assert!(matches!(Event::from_set(&event), Some(Event::Unknown(_))));
}

#[test]
fn each_type_accepts_the_methods_of_its_events() {
    type Changed = bs::RecordingStateChangedEvent;
    assert!(<Changed as EventOf<Event>>::accepts(
        "BackgroundService.recordingStateChanged"
    ));
    assert!(!<Changed as EventOf<Event>>::accepts(
        "BackgroundService.backgroundServiceEventReceived"
    ));
    assert!(<bs::Event as EventOf<Event>>::accepts(
        "BackgroundService.backgroundServiceEventReceived"
    ));
    assert!(!<bs::Event as EventOf<Event>>::accepts(
        "BackgroundServiceX.y"
    ));
    assert!(!<bs::Event as EventOf<Event>>::accepts(
        "Page.loadEventFired"
    ));
    assert!(<Event as EventOf<Event>>::accepts("Page.loadEventFired"));
}
