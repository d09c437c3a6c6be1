//! The sans-IO client numbers requests and matches every answer to its request.

use cdp_bindings::background_service::{self as bs, ServiceName};
use cdp_bindings::cdp_runtime::{Client, ClientError, Incoming};
use cdp_bindings::Event;

#[test]
fn ids_increase_and_each_response_is_matched_to_its_method() {
    let mut client = Client::<Event>::new();
    let first = client.request(
        &bs::StartObservingParams::new(ServiceName::BackgroundSync),
        Some("S"),
    );
    let second = client.request(
        &bs::SetRecordingParams::new(true, ServiceName::BackgroundSync),
        Some("S"),
    );
    assert_eq!((first.id, second.id), (1, 2));
    assert_eq!(first.method, "BackgroundService.startObserving");
    assert!(first.text.ends_with(r#","sessionId":"S"}"#));
    assert_eq!(client.pending_count(), 2);
    assert_eq!(
        client.pending_method(2),
        Some("BackgroundService.setRecording")
    );

    // Answers may come in any order.
    let Incoming::Response(answer) = client
        .receive(r#"{"id":2,"result":{},"sessionId":"S"}"#)
        .unwrap()
    else {
        panic!("expected a response");
    };
    assert_eq!(answer.method, "BackgroundService.setRecording");
    answer.decode::<bs::SetRecordingParams>().unwrap();
    let Incoming::Response(answer) = client
        .receive(r#"{"id":1,"result":{},"sessionId":"S"}"#)
        .unwrap()
    else {
        panic!("expected a response");
    };
    assert_eq!(answer.response.session_id.as_deref(), Some("S"));
    answer.decode::<bs::StartObservingParams>().unwrap();
    assert_eq!(client.pending_count(), 0);
}

#[test]
fn events_pass_through_typed() {
    let mut client = Client::<Event>::new();
    let incoming = client
        .receive(r#"{"method":"BackgroundService.recordingStateChanged","params":{"isRecording":false,"service":"notifications"},"sessionId":"S"}"#)
        .unwrap();
    let Incoming::Event {
        session_id,
        event: Event::BackgroundService(bs::Event::RecordingStateChanged(change)),
    } = incoming
    else {
        panic!("expected recordingStateChanged, got {incoming:?}");
    };
    assert_eq!(session_id.as_deref(), Some("S"));
    assert!(!change.is_recording);
    assert_eq!(change.service, ServiceName::Notifications);
}

#[test]
fn a_response_to_an_id_never_sent_is_an_error() {
    let mut client = Client::<Event>::new();
    let text = r#"{"id":99,"result":{}}"#;
    let err = client.receive(text).unwrap_err();
    assert_eq!(
        err,
        ClientError::UnknownId {
            id: 99,
            raw: text.into()
        }
    );
    assert_eq!(err.to_string(), "response to id 99, which was never sent");
}

#[test]
fn a_second_response_to_the_same_id_is_an_error() {
    let mut client = Client::<Event>::new();
    let request = client.request(
        &bs::StartObservingParams::new(ServiceName::BackgroundFetch),
        None,
    );
    let text = format!(r#"{{"id":{},"result":{{}}}}"#, request.id);
    assert!(client.receive(&text).is_ok());
    let err = client.receive(&text).unwrap_err();
    assert!(
        matches!(err, ClientError::DuplicateId { id: 1, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "response to id 1, which was already answered or cancelled"
    );
}

#[test]
fn a_late_answer_to_a_cancelled_request_is_a_duplicate() {
    let mut client = Client::<Event>::new();
    let request = client.request(
        &bs::StartObservingParams::new(ServiceName::BackgroundFetch),
        None,
    );
    assert!(client.cancel(request.id));
    assert!(!client.cancel(request.id));
    let err = client.receive(r#"{"id":1,"result":{}}"#).unwrap_err();
    assert!(matches!(err, ClientError::DuplicateId { .. }));
}

#[test]
fn decoding_as_another_command_is_refused() {
    let mut client = Client::<Event>::new();
    client.request(
        &bs::StartObservingParams::new(ServiceName::BackgroundFetch),
        None,
    );
    let Incoming::Response(answer) = client.receive(r#"{"id":1,"result":{}}"#).unwrap() else {
        panic!("expected a response");
    };
    let err = answer.decode::<bs::ClearEventsParams>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "request 1 was `BackgroundService.startObserving`, but its response was decoded as `BackgroundService.clearEvents`"
    );
}

#[test]
fn a_protocol_error_answer_is_a_typed_error() {
    let mut client = Client::<Event>::new();
    client.request(
        &bs::StartObservingParams::new(ServiceName::Unknown("someFutureService".into())),
        None,
    );
    let Incoming::Response(answer) = client
        .receive(r#"{"id":1,"error":{"code":-32602,"message":"Invalid service name"}}"#)
        .unwrap()
    else {
        panic!("expected a response");
    };
    let ClientError::Protocol { method, error } =
        answer.decode::<bs::StartObservingParams>().unwrap_err()
    else {
        panic!("expected a protocol error");
    };
    assert_eq!(method, "BackgroundService.startObserving");
    assert_eq!(
        (error.code, error.message.as_str()),
        (-32602, "Invalid service name")
    );
}

#[test]
fn a_bad_message_is_a_decode_error_and_leaves_pending_requests_alone() {
    let mut client = Client::<Event>::new();
    client.request(
        &bs::StartObservingParams::new(ServiceName::BackgroundFetch),
        None,
    );
    let err = client.receive("{oops").unwrap_err();
    assert!(matches!(err, ClientError::Decode(_)), "{err:?}");
    assert_eq!(client.pending_count(), 1);
}
