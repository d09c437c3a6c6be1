//! The traits that generated commands and events implement.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::DecodeError;
use crate::message::Message;

/// A protocol command: its parameters, the method that names it and the type of its result.
///
/// Generated code implements it for every `XParams` struct.
pub trait Command: Serialize {
    /// The protocol method, e.g. `"BackgroundService.startObserving"`.
    const METHOD: &'static str;
    /// What the browser returns on success.
    type Response: DeserializeOwned;
}

/// A protocol event: the parameters of one event method.
///
/// Generated code implements it for every `XEvent` struct.
pub trait Event: DeserializeOwned {
    /// The protocol method, e.g. `"BackgroundService.recordingStateChanged"`.
    const METHOD: &'static str;
}

/// A set of events that can be told apart by their method name.
///
/// The generated root `Event` enum implements it, with a variant for every event of the
/// protocol plus one for methods it does not know, so that no message is lost.
pub trait EventSet: Sized {
    /// Decodes the `params` of an event whose method is `method`, from the protocol reader
    /// positioned on the params value itself, so that it decodes straight into the typed event
    /// without an intermediate `serde_json::Value`. An implementation must accept any method:
    /// one it does not know is kept, not rejected.
    ///
    /// Generated code implements it; the reader is not public API (see [`crate::__private`]).
    #[doc(hidden)]
    fn decode_event(
        method: &str,
        params: &mut crate::__private::Reader<'_>,
    ) -> crate::__private::Read<Self>;

    /// The protocol method of this event.
    fn method(&self) -> &str;

    /// Decodes one message whose events belong to this set: [`crate::decode_message`].
    ///
    /// [`crate::Client`] and the transports decode through this method. Generated sets
    /// override it with the same call, compiled in the bindings crate: the decoder for every
    /// event is then instantiated once, there, and not again in each crate that drives a
    /// connection, which keeps their (release) builds fast.
    fn decode_message(text: &str) -> Result<Message<Self>, DecodeError> {
        crate::message::decode_message(text)
    }
}
