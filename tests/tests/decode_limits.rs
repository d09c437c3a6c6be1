//! The bounds of `decode_message`: a message too large or a typed value nested too deep is a
//! `DecodeError` of its own kind, never a stack overflow, and values that are only skipped may
//! nest without bound because skipping them uses no stack.
//!
//! The typed events are the BackgroundService bindings' and, for a recursive type, the
//! `Quirks.nodeAdded` event of the synthetic schema (its `Node` holds itself).

use cdp_bindings::background_service as bs;
use cdp_bindings::cdp_runtime::{
    decode_message, DecodeError, DecodeErrorKind, EventSet, Message, MAX_MESSAGE_LEN,
    MAX_NESTING_DEPTH,
};
use cdp_bindings::Event;
use cdp_tests::quirks;

/// The stack the depth tests run on: far less than a thread's default, so that passing shows
/// the limit holds with room to spare, even unoptimised.
const SMALL_STACK: usize = 512 * 1024;

/// Runs `f` on a thread with `stack` bytes of stack. A stack overflow aborts the whole test
/// binary, which fails the test as loudly as it should.
fn on_stack<T: Send + 'static>(stack: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(f)
        .expect("a thread starts")
        .join()
        .expect("the thread does not panic")
}

fn decode<E: EventSet>(text: &str) -> Result<Message<E>, DecodeError> {
    decode_message::<E>(text)
}

/// `depth` arrays, each inside the next: `[[..]]`.
fn arrays(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// A `Quirks.nodeAdded` message whose node has a chain of `parents` parents. The node itself
/// sits `3` containers deep (message, params, node), each parent one deeper.
fn node_chain(parents: usize) -> String {
    let mut node = String::from(r#"{"id":0}"#);
    for id in 1..=parents {
        node = format!(r#"{{"id":{id},"parent":{node}}}"#);
    }
    format!(r#"{{"method":"Quirks.nodeAdded","params":{{"node":{node}}}}}"#)
}

fn parents_of(node: &quirks::quirks::Node) -> usize {
    let mut count = 0;
    let mut current = node;
    while let Some(parent) = &current.parent {
        count += 1;
        current = parent;
    }
    count
}

#[test]
fn a_message_over_the_size_limit_is_refused_and_only_its_start_is_kept() {
    let head = r#"{"method":"BackgroundService.recordingStateChanged","params":{"isRecording":true,"service":"backgroundSync"},"pad":""#;
    let mut text = String::with_capacity(MAX_MESSAGE_LEN + 1);
    text.push_str(head);
    text.push_str(&"x".repeat(MAX_MESSAGE_LEN + 1 - head.len() - 2));
    text.push_str("\"}");
    assert_eq!(text.len(), MAX_MESSAGE_LEN + 1);

    let err = decode::<Event>(&text).expect_err("too large");
    assert_eq!(err.kind(), DecodeErrorKind::TooLarge);
    assert!(err.raw().len() <= 1024, "keeps {} bytes", err.raw().len());
    assert!(text.starts_with(err.raw()));
    assert_eq!(
        err.to_string(),
        format!(
            "cannot decode message: the message is {} bytes, more than the limit of {MAX_MESSAGE_LEN}",
            MAX_MESSAGE_LEN + 1
        )
    );
}

#[test]
fn a_large_message_under_the_limit_decodes_whole() {
    let entries = 100_000;
    let metadata: Vec<String> = (0..entries)
        .map(|i| format!(r#"{{"key":"k{i}","value":"v{i}"}}"#))
        .collect();
    let text = format!(
        r#"{{"method":"BackgroundService.backgroundServiceEventReceived","params":{{"backgroundServiceEvent":{{"timestamp":1.5,"origin":"o","serviceWorkerRegistrationId":"1","service":"backgroundFetch","eventName":"e","instanceId":"i","eventMetadata":[{}],"storageKey":"s"}}}}}}"#,
        metadata.join(",")
    );
    assert!(text.len() > 2_000_000);
    let Ok(Message::Event {
        event: Event::BackgroundService(bs::Event::BackgroundServiceEventReceived(received)),
        ..
    }) = decode::<Event>(&text)
    else {
        panic!("expected backgroundServiceEventReceived");
    };
    let metadata = &received.background_service_event.event_metadata;
    assert_eq!(metadata.len(), entries);
    assert_eq!(metadata[entries - 1].value, format!("v{}", entries - 1));
}

#[test]
fn a_recursive_typed_event_decodes_up_to_the_depth_limit() {
    let parents = MAX_NESTING_DEPTH - 3;
    let text = node_chain(parents);
    let Message::Event {
        event: quirks::Event::Quirks(quirks::quirks::Event::NodeAdded(added)),
        ..
    } = on_stack(SMALL_STACK, move || decode::<quirks::Event>(&text)).unwrap()
    else {
        panic!("expected nodeAdded");
    };
    assert_eq!(parents_of(&added.node), parents);
}

#[test]
fn a_recursive_typed_event_one_level_too_deep_is_a_too_deep_error() {
    let text = node_chain(MAX_NESTING_DEPTH - 2);
    let err = on_stack(SMALL_STACK, move || decode::<quirks::Event>(&text)).expect_err("too deep");
    assert_eq!(err.kind(), DecodeErrorKind::TooDeep, "{err}");
    assert_eq!(err.method(), Some("Quirks.nodeAdded"));
    assert!(
        err.path().starts_with("params.node.parent.parent"),
        "{}",
        err.path()
    );
    assert_eq!(
        err.reason(),
        format!("arrays and objects nest deeper than the limit of {MAX_NESTING_DEPTH}")
    );
}

#[test]
fn a_typed_event_nested_far_too_deep_stops_at_the_limit() {
    // Through arrays of children as well as through parents, and a million levels down: the
    // decoder gives up at the limit, whatever lies below.
    let children = 500_000;
    let text = format!(
        r#"{{"method":"Quirks.nodeAdded","params":{{"node":{}{}}}}}"#,
        r#"{"id":1,"children":["#.repeat(children),
        "]}".repeat(children)
    );
    let err = on_stack(SMALL_STACK, move || decode::<quirks::Event>(&text)).expect_err("too deep");
    assert_eq!(err.kind(), DecodeErrorKind::TooDeep, "{err}");
    assert!(err
        .path()
        .starts_with("params.node.children[0].children[0]"));
}

#[test]
fn the_any_typed_data_of_an_error_response_is_bounded_too() {
    // `error.data` is decoded into a `serde_json::Value`; the message and `error` are the
    // first two levels.
    let response = |depth: usize| {
        format!(
            r#"{{"id":1,"error":{{"code":-32000,"message":"m","data":{}}}}}"#,
            arrays(depth)
        )
    };
    let deepest = response(MAX_NESTING_DEPTH - 2);
    let Message::Response(answer) =
        on_stack(SMALL_STACK, move || decode::<Event>(&deepest)).unwrap()
    else {
        panic!("expected a response");
    };
    assert!(answer.result.unwrap_err().data.is_some());

    let too_deep = response(MAX_NESTING_DEPTH - 1);
    let err = on_stack(SMALL_STACK, move || decode::<Event>(&too_deep)).expect_err("too deep");
    assert_eq!(err.kind(), DecodeErrorKind::TooDeep, "{err}");
    assert!(err.path().starts_with("error.data[0][0]"), "{}", err.path());
}

#[test]
fn values_that_are_only_skipped_nest_without_limit_and_use_no_stack() {
    // A million levels in a key the event does not define, in a key the envelope does not
    // define, and in the params of an event the bindings do not know: all decode, on a stack
    // of 128 KiB, which recursion a million deep would overflow many times over.
    let deep = arrays(1_000_000);
    let text = format!(
        r#"{{"method":"BackgroundService.recordingStateChanged","params":{{"isRecording":true,"extra":{deep},"service":"backgroundSync"}},"future":{deep}}}"#
    );
    let decoded = on_stack(128 * 1024, move || decode::<Event>(&text)).unwrap();
    let Message::Event {
        event: Event::BackgroundService(bs::Event::RecordingStateChanged(change)),
        ..
    } = decoded
    else {
        panic!("expected recordingStateChanged");
    };
    assert!(change.is_recording);

    let unknown = format!(r#"{{"method":"Future.thing","params":{{"tree":{deep}}}}}"#);
    let length = unknown.len();
    let decoded = on_stack(128 * 1024, move || decode::<Event>(&unknown)).unwrap();
    let Message::Event {
        event: Event::Unknown(kept),
        ..
    } = decoded
    else {
        panic!("expected an unknown event");
    };
    assert_eq!(kept.method, "Future.thing");
    assert_eq!(
        kept.params.get().len(),
        length - r#"{"method":"Future.thing","params":}"#.len()
    );
}

#[test]
fn a_deep_message_that_is_also_broken_reports_the_break_without_recursing() {
    // The error path (finding the method and the field path again) must not recurse either.
    let text = format!(
        r#"{{"method":"BackgroundService.recordingStateChanged","params":{{"extra":{},"isRecording":"yes","service":"backgroundSync"}}}}"#,
        arrays(1_000_000)
    );
    let err = on_stack(128 * 1024, move || decode::<Event>(&text)).expect_err("broken");
    assert_eq!(err.kind(), DecodeErrorKind::Data);
    assert_eq!(err.path(), "params.isRecording");
    assert_eq!(
        err.method(),
        Some("BackgroundService.recordingStateChanged")
    );
}
