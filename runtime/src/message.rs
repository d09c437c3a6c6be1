//! Protocol messages: encoding requests and decoding what the browser sends.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use crate::error::{DecodeError, DecodeErrorKind};
use crate::traits::{Command, EventSet};

/// The largest message [`decode_message`] accepts, in bytes (256 MiB).
///
/// Chromium's own limit for a message on its DevTools pipe is of the same order. Nesting is
/// bounded too: `serde_json` refuses values nested deeper than 128 levels, and that refusal is
/// reported as a [`DecodeError`], never as a stack overflow.
pub const MAX_MESSAGE_LEN: usize = 256 * 1024 * 1024;

/// One message from the browser: the answer to a request, or an event.
#[derive(Debug, Clone, PartialEq)]
pub enum Message<E> {
    /// The answer to the request with the same `id`.
    Response(Response),
    /// An event, on the browser connection itself or on a session.
    Event {
        /// The session the event belongs to; `None` for the browser connection.
        session_id: Option<String>,
        /// The decoded event.
        event: E,
    },
}

/// The answer to one request.
#[derive(Debug, Clone)]
pub struct Response {
    /// The id of the request this answers.
    pub id: u64,
    /// The session the request was sent on; `None` for the browser connection.
    pub session_id: Option<String>,
    /// The raw `result` on success, or the error the browser returned.
    pub result: Result<Box<RawValue>, ProtocolError>,
}

impl PartialEq for Response {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.session_id == other.session_id
            && match (&self.result, &other.result) {
                (Ok(a), Ok(b)) => a.get() == b.get(),
                (Err(a), Err(b)) => a == b,
                _ => false,
            }
    }
}

impl Response {
    /// Decodes the result as the response type of command `C`.
    ///
    /// An error answer from the browser is returned as a [`DecodeError`] of kind
    /// [`DecodeErrorKind::Protocol`], which keeps the [`ProtocolError`].
    pub fn decode<C: Command>(&self) -> Result<C::Response, DecodeError> {
        match &self.result {
            Ok(raw) => serde_json::from_str(raw.get()).map_err(|err| {
                DecodeError::from_json(err, raw.get(), Some(C::METHOD.to_owned()), "result")
            }),
            Err(error) => Err(DecodeError::protocol(C::METHOD, error.clone())),
        }
    }
}

/// An error answer from the browser: `{"code": .., "message": .., "data": ..}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolError {
    /// The JSON-RPC error code, e.g. `-32602` for invalid parameters.
    pub code: i64,
    /// The browser's message.
    pub message: String,
    /// More detail, when the browser gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "protocol error {}: {}", self.code, self.message)?;
        match &self.data {
            Some(serde_json::Value::String(data)) => write!(f, " ({data})"),
            Some(data) => write!(f, " ({data})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for ProtocolError {}

/// An event whose method the bindings do not know, kept whole so nothing is lost.
#[derive(Debug, Clone)]
pub struct UnknownEvent {
    /// The protocol method, e.g. `"Foo.somethingHappened"`.
    pub method: String,
    /// The params exactly as they arrived.
    pub params: Box<RawValue>,
}

impl PartialEq for UnknownEvent {
    fn eq(&self, other: &Self) -> bool {
        self.method == other.method && self.params.get() == other.params.get()
    }
}

impl Eq for UnknownEvent {}

impl EventSet for UnknownEvent {
    fn deserialize_event<'de, D>(method: &str, params: D) -> Result<Self, D::Error>
    where
        D: Deserializer<'de>,
    {
        Ok(UnknownEvent {
            method: method.to_owned(),
            params: Deserialize::deserialize(params)?,
        })
    }

    fn method(&self) -> &str {
        &self.method
    }
}

#[derive(Serialize)]
struct Request<'a, P> {
    id: u64,
    method: &'a str,
    params: &'a P,
    #[serde(rename = "sessionId", skip_serializing_if = "Option::is_none")]
    session_id: Option<&'a str>,
}

/// Writes a command as a protocol request:
/// `{"id":..,"method":..,"params":..,"sessionId":..}`, with no `sessionId` key when
/// `session_id` is `None`.
///
/// # Panics
///
/// Only if the params' `Serialize` implementation fails, which generated params never do. Use
/// [`try_encode_request`] for hand-written params that can.
pub fn encode_request<C: Command>(id: u64, session_id: Option<&str>, params: &C) -> String {
    match try_encode_request(id, session_id, params) {
        Ok(text) => text,
        Err(err) => panic!("cannot encode {} params: {err}", C::METHOD),
    }
}

/// Like [`encode_request`], but returns the serializer's error instead of panicking.
pub fn try_encode_request<C: Command>(
    id: u64,
    session_id: Option<&str>,
    params: &C,
) -> Result<String, serde_json::Error> {
    serde_json::to_string(&Request {
        id,
        method: C::METHOD,
        params,
        session_id,
    })
}

/// Decodes one message from the browser.
///
/// The envelope is read once. When `method` comes before `params`, as Chromium sends it, the
/// params are decoded in the same pass straight into the typed event; when they come first they
/// are kept as raw text and decoded as soon as the method is known. Keys the protocol does not
/// define are ignored.
pub fn decode_message<E: EventSet>(text: &str) -> Result<Message<E>, DecodeError> {
    if text.len() > MAX_MESSAGE_LEN {
        return Err(DecodeError::too_large(text, MAX_MESSAGE_LEN));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let envelope = EnvelopeSeed::<E>(PhantomData)
        .deserialize(&mut de)
        .and_then(|envelope| de.end().map(|()| envelope))
        .map_err(|err| {
            let method = method_of(text);
            DecodeError::from_json(err, text, method, "")
        })?;
    envelope.into_message(text)
}

/// Finds the method of a message that failed to decode, for the error text only.
fn method_of(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct MethodOnly {
        method: Option<String>,
    }
    serde_json::from_str::<MethodOnly>(text).ok()?.method
}

enum Params<'de, E> {
    Absent,
    Decoded(E),
    Raw(&'de RawValue),
}

struct Envelope<'de, E> {
    id: Option<u64>,
    method: Option<Cow<'de, str>>,
    session_id: Option<String>,
    params: Params<'de, E>,
    result: Option<&'de RawValue>,
    error: Option<ProtocolError>,
}

impl<'de, E: EventSet> Envelope<'de, E> {
    fn into_message(self, text: &str) -> Result<Message<E>, DecodeError> {
        let envelope_error = |method: Option<&str>, reason: &str| {
            Err(DecodeError::new(
                DecodeErrorKind::Envelope,
                method.map(str::to_owned),
                String::new(),
                reason.to_owned(),
                text,
            ))
        };
        match (self.id, self.method) {
            (Some(id), _) => {
                let result = match (self.result, self.error) {
                    (Some(result), None) => Ok(result.to_owned()),
                    (None, Some(error)) => Err(error),
                    (Some(_), Some(_)) => {
                        return envelope_error(None, "a response has both `result` and `error`")
                    }
                    (None, None) => {
                        return envelope_error(None, "a response needs `result` or `error`")
                    }
                };
                Ok(Message::Response(Response {
                    id,
                    session_id: self.session_id,
                    result,
                }))
            }
            (None, Some(method)) => {
                let event = match self.params {
                    Params::Decoded(event) => event,
                    Params::Raw(raw) => decode_params(&method, raw.get(), text)?,
                    Params::Absent => decode_params(&method, "{}", text)?,
                };
                Ok(Message::Event {
                    session_id: self.session_id,
                    event,
                })
            }
            (None, None) => envelope_error(
                None,
                "expected a response (with `id`) or an event (with `method`)",
            ),
        }
    }
}

/// Decodes params that arrived before their method, or were absent.
fn decode_params<E: EventSet>(method: &str, params: &str, text: &str) -> Result<E, DecodeError> {
    let mut de = serde_json::Deserializer::from_str(params);
    E::deserialize_event(method, &mut de)
        .map_err(|err| DecodeError::from_json(err, params, Some(method.to_owned()), "params"))
        .map_err(|err| err.with_raw(text))
}

struct EnvelopeSeed<E>(PhantomData<E>);

impl<'de, E: EventSet> DeserializeSeed<'de> for EnvelopeSeed<E> {
    type Value = Envelope<'de, E>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(EnvelopeVisitor(PhantomData))
    }
}

struct EnvelopeVisitor<E>(PhantomData<E>);

impl<'de, E: EventSet> Visitor<'de> for EnvelopeVisitor<E> {
    type Value = Envelope<'de, E>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a protocol message (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut envelope = Envelope {
            id: None,
            method: None,
            session_id: None,
            params: Params::Absent,
            result: None,
            error: None,
        };
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Id => set_once(&mut envelope.id, "id", map.next_value()?)?,
                Key::Method => {
                    let method = map.next_value::<StrCow<'de>>()?.0;
                    set_once(&mut envelope.method, "method", method)?;
                }
                Key::SessionId => {
                    set_once(&mut envelope.session_id, "sessionId", map.next_value()?)?
                }
                Key::Result => set_once(&mut envelope.result, "result", map.next_value()?)?,
                Key::Error => set_once(&mut envelope.error, "error", map.next_value()?)?,
                Key::Params => {
                    if !matches!(envelope.params, Params::Absent) {
                        return Err(de::Error::duplicate_field("params"));
                    }
                    envelope.params = match &envelope.method {
                        Some(method) => Params::Decoded(map.next_value_seed(EventSeed {
                            method,
                            marker: PhantomData::<E>,
                        })?),
                        None => Params::Raw(map.next_value()?),
                    };
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(envelope)
    }
}

fn set_once<T, Err: de::Error>(
    slot: &mut Option<T>,
    key: &'static str,
    value: T,
) -> Result<(), Err> {
    if slot.is_some() {
        return Err(Err::duplicate_field(key));
    }
    *slot = Some(value);
    Ok(())
}

struct EventSeed<'a, E> {
    method: &'a str,
    marker: PhantomData<E>,
}

impl<'de, E: EventSet> DeserializeSeed<'de> for EventSeed<'_, E> {
    type Value = E;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<E, D::Error> {
        E::deserialize_event(self.method, deserializer)
    }
}

enum Key {
    Id,
    Method,
    SessionId,
    Params,
    Result,
    Error,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a message key")
            }
            fn visit_str<Err: de::Error>(self, key: &str) -> Result<Key, Err> {
                Ok(match key {
                    "id" => Key::Id,
                    "method" => Key::Method,
                    "sessionId" => Key::SessionId,
                    "params" => Key::Params,
                    "result" => Key::Result,
                    "error" => Key::Error,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// A string borrowed from the message when it has no escapes, owned otherwise.
struct StrCow<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for StrCow<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = StrCow<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<Err: de::Error>(self, v: &'de str) -> Result<Self::Value, Err> {
                Ok(StrCow(Cow::Borrowed(v)))
            }
            fn visit_str<Err: de::Error>(self, v: &str) -> Result<Self::Value, Err> {
                Ok(StrCow(Cow::Owned(v.to_owned())))
            }
            fn visit_string<Err: de::Error>(self, v: String) -> Result<Self::Value, Err> {
                Ok(StrCow(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(StrVisitor)
    }
}
