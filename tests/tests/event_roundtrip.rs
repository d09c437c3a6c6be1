//! Every event of the BackgroundService bindings survives the wire: a random value, encoded as
//! a whole event message, decodes through `decode_message` into an equal value, whatever the
//! key order of the envelope and with or without a session.
//!
//! The same property over every event of the full protocol needs bindings generated from it,
//! which this crate does not build; see the full-protocol test crate.

use cdp_bindings::background_service::{self as bs, ServiceName};
use cdp_bindings::cdp_runtime::{decode_message, Event as _, Message};
use cdp_bindings::network::TimeSinceEpoch;
use cdp_bindings::service_worker::RegistrationId;
use cdp_bindings::Event;
use proptest::prelude::*;
use serde::Serialize;

/// The methods the properties below cover.
const COVERED: [&str; 2] = [
    bs::RecordingStateChangedEvent::METHOD,
    bs::BackgroundServiceEventReceivedEvent::METHOD,
];

fn service_name() -> impl Strategy<Value = ServiceName> {
    prop_oneof![
        proptest::sample::select(ServiceName::KNOWN.to_vec()),
        // Any other string is kept in the fallback variant; `From` picks the variant a
        // decoder would, so a known name never hides in the fallback.
        any::<String>().prop_map(ServiceName::from),
    ]
}

/// Finite numbers only: JSON has no infinity and no NaN.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
        // Timestamps as Chromium sends them: seconds with a fraction.
        (0u64..4_000_000_000, 0u32..1_000_000)
            .prop_map(|(seconds, micros)| seconds as f64 + f64::from(micros) / 1e6),
    ]
}

fn recording_state_changed() -> impl Strategy<Value = bs::RecordingStateChangedEvent> {
    (any::<bool>(), service_name()).prop_map(|(is_recording, service)| {
        bs::RecordingStateChangedEvent {
            is_recording,
            service,
        }
    })
}

fn background_service_event_received(
) -> impl Strategy<Value = bs::BackgroundServiceEventReceivedEvent> {
    let metadata = proptest::collection::vec(
        (any::<String>(), any::<String>())
            .prop_map(|(key, value)| bs::EventMetadata::new(key, value)),
        0..4,
    );
    (
        number(),
        any::<String>(),
        any::<String>(),
        service_name(),
        (any::<String>(), any::<String>(), any::<String>()),
        metadata,
    )
        .prop_map(
            |(timestamp, origin, registration, service, (name, instance, storage), metadata)| {
                bs::BackgroundServiceEventReceivedEvent {
                    background_service_event: bs::BackgroundServiceEvent::new(
                        TimeSinceEpoch(timestamp),
                        origin,
                        RegistrationId(registration),
                        service,
                        name,
                        instance,
                        metadata,
                        storage,
                    ),
                }
            },
        )
}

/// The message a browser would send for `params`, with the envelope's keys in either order.
fn message<P: Serialize>(
    method: &str,
    params: &P,
    session: Option<&str>,
    params_first: bool,
) -> String {
    let params = serde_json::to_string(params).expect("generated events encode");
    let method = serde_json::to_string(method).unwrap();
    let session = session
        .map(|id| format!(r#","sessionId":{}"#, serde_json::to_string(id).unwrap()))
        .unwrap_or_default();
    if params_first {
        format!(r#"{{"params":{params}{session},"method":{method}}}"#)
    } else {
        format!(r#"{{"method":{method},"params":{params}{session}}}"#)
    }
}

fn check_round_trip(
    text: &str,
    expected: Event,
    session: Option<String>,
) -> Result<(), TestCaseError> {
    match decode_message::<Event>(text) {
        Ok(Message::Event { session_id, event }) => {
            prop_assert_eq!(session_id, session);
            prop_assert_eq!(event, expected, "{}", text);
        }
        Ok(other) => prop_assert!(false, "decoded {other:?} from {text}"),
        Err(err) => prop_assert!(false, "{err} in {text}"),
    }
    Ok(())
}

/// 256 cases, or `PROPTEST_CASES` for a longer hunt.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

#[test]
fn the_properties_cover_every_background_service_event() {
    let model = cdp_codegen::Config::new()
        .model()
        .expect("the embedded schema");
    let domain = model
        .domains
        .iter()
        .find(|domain| domain.name == "BackgroundService")
        .expect("BackgroundService");
    let mut methods: Vec<String> = domain
        .events
        .iter()
        .map(|event| format!("BackgroundService.{}", event.name))
        .collect();
    methods.sort();
    let mut covered = COVERED.map(str::to_owned).to_vec();
    covered.sort();
    assert_eq!(methods, covered);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn recording_state_changed_decodes_to_what_was_encoded(
        event in recording_state_changed(),
        session in proptest::option::of(any::<String>()),
        params_first in any::<bool>(),
    ) {
        let text = message(bs::RecordingStateChangedEvent::METHOD, &event, session.as_deref(), params_first);
        let expected = Event::BackgroundService(bs::Event::RecordingStateChanged(event));
        check_round_trip(&text, expected, session)?;
    }

    #[test]
    fn background_service_event_received_decodes_to_what_was_encoded(
        event in background_service_event_received(),
        session in proptest::option::of(any::<String>()),
        params_first in any::<bool>(),
    ) {
        let text = message(bs::BackgroundServiceEventReceivedEvent::METHOD, &event, session.as_deref(), params_first);
        let expected = Event::BackgroundService(bs::Event::BackgroundServiceEventReceived(event));
        check_round_trip(&text, expected, session)?;
    }
}
