//! Decoding and encoding messages: forward compatibility, error texts, exact request bytes.

use cdp_bindings::background_service::{self as bs, ServiceName};
use cdp_bindings::cdp_runtime::{
    decode_message, encode_request, DecodeError, DecodeErrorKind, EventSet, Message,
};
use cdp_bindings::Event;

fn event(text: &str) -> Event {
    match decode_message::<Event>(text) {
        Ok(Message::Event { event, .. }) => event,
        other => panic!("expected an event, got {other:?}"),
    }
}

fn error(text: &str) -> DecodeError {
    decode_message::<Event>(text).expect_err("the message must not decode")
}

const RECORDING: &str = r#"{"method":"BackgroundService.recordingStateChanged","params":{"isRecording":true,"service":"backgroundSync"},"sessionId":"S1"}"#;

#[test]
fn an_unknown_enum_value_decodes_and_encodes_back_unchanged() {
    let text = r#"{"method":"BackgroundService.recordingStateChanged","params":{"isRecording":true,"service":"someFutureService"}}"#;
    let Event::BackgroundService(bs::Event::RecordingStateChanged(change)) = event(text) else {
        panic!("expected recordingStateChanged");
    };
    assert_eq!(
        change.service,
        ServiceName::Unknown("someFutureService".into())
    );
    assert_eq!(change.service.as_str(), "someFutureService");
    assert_eq!(
        serde_json::to_string(&change).unwrap(),
        r#"{"isRecording":true,"service":"someFutureService"}"#
    );
}

#[test]
fn known_enum_values_round_trip_through_strings() {
    for service in ServiceName::KNOWN {
        let json = serde_json::to_string(service).unwrap();
        assert_eq!(json, format!("\"{service}\""));
        assert_eq!(
            &serde_json::from_str::<ServiceName>(&json).unwrap(),
            service
        );
        assert_eq!(&service.as_str().parse::<ServiceName>().unwrap(), service);
    }
    assert_eq!(ServiceName::KNOWN.len(), 6);
    assert!(ServiceName::KNOWN.contains(&ServiceName::PeriodicBackgroundSync));
}

#[test]
fn unknown_fields_are_ignored_at_every_level() {
    let text = r#"{"method":"BackgroundService.backgroundServiceEventReceived","future":[1,{"a":2}],"params":{"extra":true,"backgroundServiceEvent":{"timestamp":1.5,"origin":"o","serviceWorkerRegistrationId":"7","service":"pushMessaging","eventName":"n","instanceId":"i","eventMetadata":[{"key":"k","value":"v","more":null}],"storageKey":"s","newField":{"x":1}}}}"#;
    let Event::BackgroundService(bs::Event::BackgroundServiceEventReceived(received)) = event(text)
    else {
        panic!("expected backgroundServiceEventReceived");
    };
    let inner = received.background_service_event;
    assert_eq!(inner.service, ServiceName::PushMessaging);
    assert_eq!(inner.event_metadata, vec![bs::EventMetadata::new("k", "v")]);
    assert_eq!(inner.storage_key, "s");
}

#[test]
fn an_unknown_method_keeps_its_raw_params() {
    let params = r#"{"a": [1, 2.50, "x"], "b": {"nested": null}}"#;
    for method in [
        "Future.somethingHappened",
        "BackgroundService.newEvent",
        "nodot",
    ] {
        let text = format!(r#"{{"method":"{method}","params":{params},"sessionId":"S"}}"#);
        let Ok(Message::Event {
            session_id,
            event: Event::Unknown(unknown),
        }) = decode_message::<Event>(&text)
        else {
            panic!("{method} must decode as unknown");
        };
        assert_eq!(unknown.method, method);
        assert_eq!(
            unknown.params.get(),
            params,
            "params must be kept byte for byte"
        );
        assert_eq!(session_id.as_deref(), Some("S"));
        assert_eq!(Event::Unknown(unknown).method(), method);
    }
}

#[test]
fn params_before_method_decode_the_same() {
    let reordered = r#"{"sessionId":"S1","params":{"service":"backgroundSync","isRecording":true},"method":"BackgroundService.recordingStateChanged"}"#;
    assert_eq!(
        decode_message::<Event>(reordered).unwrap(),
        decode_message::<Event>(RECORDING).unwrap()
    );
    let unknown_first = r#"{"params":{"z":1},"method":"X.y"}"#;
    let Event::Unknown(unknown) = event(unknown_first) else {
        panic!("expected unknown")
    };
    assert_eq!(unknown.params.get(), r#"{"z":1}"#);
}

#[test]
fn an_event_without_params_decodes_when_it_has_no_required_fields() {
    let Event::Unknown(unknown) = event(r#"{"method":"X.y"}"#) else {
        panic!("expected unknown")
    };
    assert_eq!(unknown.params.get(), "{}");
    let err = error(r#"{"method":"BackgroundService.recordingStateChanged"}"#);
    assert_eq!(err.path(), "params.isRecording");
}

#[test]
fn a_missing_required_field_names_the_method_and_the_field() {
    let err = error(
        r#"{"method":"BackgroundService.recordingStateChanged","params":{"isRecording":true}}"#,
    );
    assert_eq!(err.kind(), DecodeErrorKind::Data);
    assert_eq!(
        err.method(),
        Some("BackgroundService.recordingStateChanged")
    );
    assert_eq!(err.path(), "params.service");
    assert_eq!(
        err.to_string(),
        "cannot decode `BackgroundService.recordingStateChanged` at `params.service`: missing field `service`"
    );
}

#[test]
fn a_wrong_type_names_the_method_the_field_and_what_was_expected() {
    let text = r#"{"method":"BackgroundService.recordingStateChanged","params":{"isRecording":"yes","service":"backgroundSync"}}"#;
    let err = error(text);
    assert_eq!(err.path(), "params.isRecording");
    assert_eq!(
        err.to_string(),
        "cannot decode `BackgroundService.recordingStateChanged` at `params.isRecording`: invalid type: string \"yes\", expected a boolean"
    );
    assert_eq!(err.raw(), text, "the raw message is kept");
}

#[test]
fn a_wrong_type_deep_inside_names_the_whole_path() {
    let text = r#"{"method":"BackgroundService.backgroundServiceEventReceived","params":{"backgroundServiceEvent":{"timestamp":1,"origin":"o","serviceWorkerRegistrationId":"7","service":"backgroundSync","eventName":"n","instanceId":"i","eventMetadata":[{"key":"k","value":"v"},{"key":5,"value":"v"}],"storageKey":"s"}}}"#;
    let err = error(text);
    assert_eq!(
        err.path(),
        "params.backgroundServiceEvent.eventMetadata[1].key"
    );
    assert!(
        err.reason()
            .starts_with("invalid type: integer `5`, expected a string"),
        "{err}"
    );
}

#[test]
fn errors_in_params_that_come_first_name_the_field_too() {
    let err = error(
        r#"{"params":{"isRecording":1,"service":"backgroundSync"},"method":"BackgroundService.recordingStateChanged"}"#,
    );
    assert_eq!(
        err.method(),
        Some("BackgroundService.recordingStateChanged")
    );
    assert_eq!(err.path(), "params.isRecording");
}

#[test]
fn malformed_messages_give_typed_errors_that_keep_the_text() {
    let cases = [
        ("not json", DecodeErrorKind::Syntax),
        (r#"{"method":"X.y","params":{"#, DecodeErrorKind::Truncated),
        ("{}", DecodeErrorKind::Envelope),
        (r#"{"id":1}"#, DecodeErrorKind::Envelope),
        (
            r#"{"id":1,"result":{},"error":{"code":1,"message":"m"}}"#,
            DecodeErrorKind::Envelope,
        ),
        ("[1,2]", DecodeErrorKind::Data),
        (r#"{"id":-1,"result":{}}"#, DecodeErrorKind::Data),
        (r#"{"method":"X.y","method":"X.z"}"#, DecodeErrorKind::Data),
        (r#"{"id":1,"result":{}} trailing"#, DecodeErrorKind::Syntax),
    ];
    for (text, kind) in cases {
        let err = error(text);
        assert_eq!(err.kind(), kind, "{text}: {err}");
        assert_eq!(err.raw(), text);
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn deep_nesting_never_overflows_the_stack() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    // Values that are only skipped or kept raw are walked without recursion: they decode.
    let kept = format!(r#"{{"method":"X.y","params":{{"a":{deep}}}}}"#);
    let Event::Unknown(unknown) = event(&kept) else {
        panic!("expected unknown")
    };
    assert_eq!(unknown.params.get().len(), 200_006);
    let skipped = format!(
        r#"{{"method":"BackgroundService.recordingStateChanged","params":{{"isRecording":true,"service":"backgroundSync","extra":{deep}}},"x":{deep}}}"#
    );
    assert!(matches!(event(&skipped), Event::BackgroundService(_)));
    // Values decoded into a type stop at serde_json's depth limit with an error.
    let typed = format!(
        r#"{{"method":"BackgroundService.backgroundServiceEventReceived","params":{{"backgroundServiceEvent":{}}}}}"#,
        "[".repeat(100_000)
    );
    assert_eq!(error(&typed).kind(), DecodeErrorKind::Data);
}

#[test]
fn encode_request_writes_exactly_the_protocol_envelope() {
    let params = bs::SetRecordingParams::new(true, ServiceName::BackgroundSync);
    assert_eq!(
        encode_request(7, None, &params),
        r#"{"id":7,"method":"BackgroundService.setRecording","params":{"shouldRecord":true,"service":"backgroundSync"}}"#
    );
    assert_eq!(
        encode_request(
            8,
            Some("SESSION"),
            &bs::ClearEventsParams::new(ServiceName::Unknown("x".into()))
        ),
        r#"{"id":8,"method":"BackgroundService.clearEvents","params":{"service":"x"},"sessionId":"SESSION"}"#
    );
}

#[test]
fn encode_request_escapes_any_session_id_that_needs_it_and_no_other() {
    // Every character JSON escapes, and some it does not, at every place of ids from 1 to 40
    // bytes long: the envelope is written by hand, eight bytes of the session id at a time.
    let mut specials: Vec<char> = (0u8..0x20).map(char::from).collect();
    specials.extend(['"', '\\', ' ', '/', '\u{7f}', 'é', '€', '😀']);
    let params = bs::StartObservingParams::new(ServiceName::BackgroundSync);
    for len in 1..=40 {
        for at in 0..len {
            for &special in &specials {
                let session: String = (0..len)
                    .map(|i| if i == at { special } else { 'A' })
                    .collect();
                let text = encode_request(u64::MAX, Some(&session), &params);
                let value: serde_json::Value = serde_json::from_str(&text)
                    .unwrap_or_else(|err| panic!("{text:?} is not JSON: {err}"));
                assert_eq!(value["sessionId"], session.as_str(), "{text}");
                assert_eq!(value["id"], u64::MAX, "{text}");
                assert_eq!(value["params"]["service"], "backgroundSync", "{text}");
                let plain = special >= ' ' && special != '"' && special != '\\';
                assert_eq!(
                    text.ends_with(&format!(",\"sessionId\":\"{session}\"}}")),
                    plain,
                    "{text}"
                );
            }
        }
    }
}

/// A command of a hand-written protocol, with a method of any text.
#[derive(serde::Serialize)]
struct Odd<const N: usize>;

macro_rules! odd_method {
    ($n:literal, $method:expr) => {
        impl cdp_bindings::cdp_runtime::Command for Odd<$n> {
            const METHOD: &'static str = $method;
            type Response = serde_json::Value;
        }
    };
}
odd_method!(0, "Plain.method");
odd_method!(1, "Quoted.\"method\"\n");
// Longer than the compile-time prefix has room for.
odd_method!(2, "Long.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
odd_method!(3, "");

#[test]
fn encode_request_writes_any_method_as_a_json_string() {
    fn check<C: cdp_bindings::cdp_runtime::Command>(params: &C) {
        let text = encode_request(3, None, params);
        let value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("{text:?} is not JSON: {err}"));
        assert_eq!(value["method"], C::METHOD, "{text}");
        assert_eq!(value["id"], 3, "{text}");
        assert_eq!(value["params"], serde_json::Value::Null, "{text}");
    }
    check(&Odd::<0>);
    check(&Odd::<1>);
    check(&Odd::<2>);
    check(&Odd::<3>);
    assert_eq!(
        encode_request(1, None, &Odd::<0>),
        r#"{"id":1,"method":"Plain.method","params":null}"#
    );
    assert_eq!(
        encode_request(1, None, &Odd::<1>),
        r#"{"id":1,"method":"Quoted.\"method\"\n","params":null}"#
    );
}

#[test]
fn responses_keep_their_session_and_raw_result() {
    let Message::Response(response) =
        decode_message::<Event>(r#"{"id":3,"result":{"a":1},"sessionId":"S"}"#).unwrap()
    else {
        panic!("expected a response");
    };
    assert_eq!(response.id, 3);
    assert_eq!(response.session_id.as_deref(), Some("S"));
    assert_eq!(response.result.unwrap().get(), r#"{"a":1}"#);
}

#[test]
fn a_result_of_the_wrong_shape_names_the_command_and_the_field() {
    // startObserving returns nothing, so any object is fine; a string is not.
    let Message::Response(response) = decode_message::<Event>(r#"{"id":3,"result":"x"}"#).unwrap()
    else {
        panic!("expected a response");
    };
    let err = response.decode::<bs::StartObservingParams>().unwrap_err();
    assert_eq!(err.method(), Some("BackgroundService.startObserving"));
    assert_eq!(err.path(), "result");
}

#[test]
fn decode_message_on_the_bindings_is_the_same_decoder() {
    assert_eq!(
        Event::decode_message(RECORDING).unwrap(),
        decode_message::<Event>(RECORDING).unwrap()
    );
}

#[test]
fn types_decode_through_any_deserializer() {
    // Structs decode from any deserializer and get the same struct: serde_json's hand over the
    // value's text, others' values are read as a `serde_json::Value` first.
    let text = r#"{"timestamp":1.5,"origin":"https://a.test","serviceWorkerRegistrationId":"7","service":"pushMessaging","eventName":"push","instanceId":"i","eventMetadata":[{"key":"k","value":"v"}],"storageKey":"s"}"#;
    let from_str: bs::BackgroundServiceEvent = serde_json::from_str(text).unwrap();
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let from_value: bs::BackgroundServiceEvent = serde_json::from_value(value).unwrap();
    let from_slice: bs::BackgroundServiceEvent = serde_json::from_slice(text.as_bytes()).unwrap();
    assert_eq!(from_value, from_str);
    assert_eq!(from_slice, from_str);
    assert_eq!(from_str.event_metadata[0].value, "v");
    assert_eq!(serde_json::to_string(&from_str).unwrap(), text);

    // A deserializer that is not serde_json's: serde's own, of a map of strings.
    use serde::de::{value::MapDeserializer, Deserialize};
    let entries = [("value", "v"), ("key", "k"), ("unknown", "u")];
    let map = MapDeserializer::<_, serde::de::value::Error>::new(entries.into_iter());
    let metadata = bs::EventMetadata::deserialize(map).unwrap();
    assert_eq!((metadata.key.as_str(), metadata.value.as_str()), ("k", "v"));
    let map = MapDeserializer::<_, serde::de::value::Error>::new([("key", "k")].into_iter());
    let err = bs::EventMetadata::deserialize(map).unwrap_err();
    assert_eq!(err.to_string(), "missing field `value`");
}
