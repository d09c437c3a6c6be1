//! Taking one event type out of a set of events, as it was decoded.

/// An event type, or a set of them, that can be taken out of the event set `E` (the root
/// `Event` of the same bindings) as it is, without decoding again.
///
/// Generated code implements it for every `XEvent` struct and every domain's `Event` enum,
/// against the root `Event` of the same output; every type is `EventOf` itself. Transports
/// use it to hand each subscriber the events of the type it asked for.
///
/// ```
/// use cdp_runtime::{decode_message, EventOf, Message, UnknownEvent};
///
/// // Every event set is `EventOf` itself, and accepts every method.
/// let text = r#"{"method":"Page.loadEventFired","params":{"timestamp":1.5}}"#;
/// let Ok(Message::Event { event, .. }) = decode_message::<UnknownEvent>(text) else {
///     unreachable!()
/// };
/// assert_eq!(UnknownEvent::from_set(&event), Some(&event));
/// assert!(<UnknownEvent as EventOf<UnknownEvent>>::accepts("Page.loadEventFired"));
/// ```
pub trait EventOf<E>: Sized {
    /// The event inside `event`, when `event` is one of this type.
    fn from_set(event: &E) -> Option<&Self>;

    /// Whether an event with this method is one of this type. Transports use it to route a
    /// message that could not be decoded to the subscriptions it concerns.
    fn accepts(method: &str) -> bool;
}

impl<E> EventOf<E> for E {
    fn from_set(event: &E) -> Option<&E> {
        Some(event)
    }

    fn accepts(_method: &str) -> bool {
        true
    }
}
