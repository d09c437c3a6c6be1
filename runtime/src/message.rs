//! Protocol messages: encoding requests and decoding what the browser sends.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeStruct as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::error::{DecodeError, DecodeErrorKind};
use crate::read::{Read, Reader};
use crate::traits::{Command, EventSet};

/// The largest message [`decode_message`] accepts, in bytes (256 MiB).
///
/// A longer text is refused before any of it is read, with a [`DecodeError`] of kind
/// [`DecodeErrorKind::TooLarge`] that keeps only the message's first kilobyte. Chromium's own
/// limit for a message on its DevTools pipe is of the same order, so no real message comes near
/// it. Decoding takes time and memory in proportion to the length, so this bound also bounds
/// them.
pub const MAX_MESSAGE_LEN: usize = 256 * 1024 * 1024;

/// The deepest nesting of arrays and objects that [`decode_message`] decodes (127).
///
/// This is `serde_json`'s recursion limit, which bounds the stack that decoding uses. It counts
/// the containers open around a value that is decoded into a type, the message's own object
/// included (when `params` comes before `method`, counting starts at `params`). Going deeper
/// is a [`DecodeError`] of kind [`DecodeErrorKind::TooDeep`], never a stack overflow.
///
/// The stack that the deepest decodable value needs depends on the types: with bindings for
/// the whole protocol, a `DOM.setChildNodes` tree of 61 nested `DOM.Node`s (the most the limit
/// lets through) took about 1.3 MiB unoptimised and far less optimised, so a thread's default
/// 2 MiB is enough; a thread with a smaller stack should decode optimised code or be given
/// more.
///
/// Values that are skipped or kept as raw text, such as keys the bindings do not know and the
/// params of an [`UnknownEvent`], are walked without recursion: they may nest as deep as the
/// message's length allows, which costs no stack.
pub const MAX_NESTING_DEPTH: usize = 127;

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
            Ok(raw) => {
                crate::__private::forget_fault();
                serde_json::from_str(raw.get()).map_err(|err| {
                    let method = Some(C::METHOD.to_owned());
                    // A generated type's own error says where in the result it arose.
                    match crate::__private::take_fault(raw.get()) {
                        Some(fault) => DecodeError::from_fault(fault, raw.get(), method, "result"),
                        None => DecodeError::from_json(err, raw.get(), method, "result"),
                    }
                })
            }
            Err(error) => Err(DecodeError::protocol(C::METHOD, error.clone())),
        }
    }
}

/// An error answer from the browser: `{"code": .., "message": .., "data": ..}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    /// The JSON-RPC error code, e.g. `-32602` for invalid parameters.
    pub code: i64,
    /// The browser's message.
    pub message: String,
    /// More detail, when the browser gives it.
    pub data: Option<serde_json::Value>,
}

// serde's traits are written by hand, as the derive would write them (`data` left out when
// `None`; a key given twice refused), so that this crate compiles no proc macro.

impl Serialize for ProtocolError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = 2 + usize::from(self.data.is_some());
        let mut error = serializer.serialize_struct("ProtocolError", len)?;
        error.serialize_field("code", &self.code)?;
        error.serialize_field("message", &self.message)?;
        if let Some(data) = &self.data {
            error.serialize_field("data", data)?;
        }
        error.end()
    }
}

impl<'de> Deserialize<'de> for ProtocolError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ProtocolErrorVisitor;
        impl<'de> Visitor<'de> for ProtocolErrorVisitor {
            type Value = ProtocolError;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("struct ProtocolError")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ProtocolError, A::Error> {
                let (mut code, mut message, mut data) = (None, None, None);
                while let Some(key) = map.next_key::<StrCow<'de>>()? {
                    match &*key.0 {
                        "code" if code.is_some() => return Err(de::Error::duplicate_field("code")),
                        "code" => code = Some(map.next_value()?),
                        "message" if message.is_some() => {
                            return Err(de::Error::duplicate_field("message"))
                        }
                        "message" => message = Some(map.next_value()?),
                        "data" if data.is_some() => return Err(de::Error::duplicate_field("data")),
                        "data" => data = Some(map.next_value::<Option<serde_json::Value>>()?),
                        _ => drop(map.next_value::<IgnoredAny>()?),
                    }
                }
                Ok(ProtocolError {
                    code: code.ok_or_else(|| de::Error::missing_field("code"))?,
                    message: message.ok_or_else(|| de::Error::missing_field("message"))?,
                    data: data.flatten(),
                })
            }
        }
        deserializer.deserialize_map(ProtocolErrorVisitor)
    }
}

impl ProtocolError {
    /// Reads the error object of a response.
    fn read(reader: &mut Reader<'_>) -> Read<ProtocolError> {
        reader.begin_object("struct ProtocolError")?;
        let (mut code, mut message, mut data) = (None, None, None);
        let mut first = true;
        while let Some(key) = reader.next_key(&mut first)? {
            match &*key {
                "code" => {
                    let value = reader.i64()?;
                    set_once(reader, &mut code, "code", value)?;
                }
                "message" => {
                    let value = reader.str()?.into_owned();
                    set_once(reader, &mut message, "message", value)?;
                }
                "data" => {
                    let value = if reader.null()? {
                        None
                    } else {
                        Some(<serde_json::Value as crate::read::Decode>::decode(reader)?)
                    };
                    set_once(reader, &mut data, "data", value)?;
                }
                _ => reader.skip()?,
            }
        }
        Ok(ProtocolError {
            code: code.ok_or_else(|| reader.data_error("missing field `code`".to_owned()))?,
            message: message
                .ok_or_else(|| reader.data_error("missing field `message`".to_owned()))?,
            data: data.flatten(),
        })
    }
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
    fn decode_event(method: &str, params: &mut Reader<'_>) -> Read<Self> {
        crate::drift::unknown_method(method);
        let raw = params.raw()?;
        Ok(UnknownEvent {
            method: method.to_owned(),
            params: raw_value(params, raw)?,
        })
    }

    fn method(&self) -> &str {
        &self.method
    }
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
    // Written by hand around the params: serializing a `{id, method, params, sessionId}` struct
    // cost more than the params themselves (four keys and two strings escaped byte by byte, and
    // a reallocation once the text outgrew serde_json's first 128 bytes).
    let mut out = Vec::with_capacity(
        PARAMS_CAPACITY + ENVELOPE_LEN + C::METHOD.len() + session_id.map_or(0, str::len),
    );
    out.extend_from_slice(b"{\"id\":");
    out.extend_from_slice(itoa::Buffer::new().format(id).as_bytes());
    // Checked once per command type, at compile time.
    if const { !needs_escape(C::METHOD.as_bytes()) } {
        out.extend_from_slice(b",\"method\":\"");
        out.extend_from_slice(C::METHOD.as_bytes());
        out.extend_from_slice(b"\",\"params\":");
    } else {
        out.extend_from_slice(b",\"method\":");
        serde_json::to_writer(&mut out, C::METHOD)?;
        out.extend_from_slice(b",\"params\":");
    }
    serde_json::to_writer(&mut out, params)?;
    match session_id {
        Some(session_id) if !needs_escape_fast(session_id.as_bytes()) => {
            out.extend_from_slice(b",\"sessionId\":\"");
            out.extend_from_slice(session_id.as_bytes());
            out.extend_from_slice(b"\"}");
        }
        Some(session_id) => {
            out.extend_from_slice(b",\"sessionId\":");
            serde_json::to_writer(&mut out, session_id)?;
            out.push(b'}');
        }
        None => out.push(b'}'),
    }
    // serde_json writes UTF-8, and the rest is ASCII or copied whole from a `&str`, so this
    // checks what cannot fail (at a cost too small to measure beside the encoding).
    String::from_utf8(out).map_err(serde::ser::Error::custom)
}

/// Room for the params that [`try_encode_request`] reserves: what `serde_json::to_string` starts
/// with, so that encoding a request allocates no more often than serializing its params.
const PARAMS_CAPACITY: usize = 128;

/// The envelope's own bytes: `{"id":`, 20 digits, `,"method":""`, `,"params":`,
/// `,"sessionId":""` and `}`.
const ENVELOPE_LEN: usize = 6 + 20 + 12 + 10 + 15 + 1;

/// Whether JSON needs a byte of `text` escaped: a control character, `"` or `\`.
const fn needs_escape(text: &[u8]) -> bool {
    let mut at = 0;
    while at < text.len() {
        let b = text[at];
        if b < 0x20 || b == b'"' || b == b'\\' {
            return true;
        }
        at += 1;
    }
    false
}

/// [`needs_escape`], 16 bytes at a time without branches, which compiles to vector compares.
/// A session id (32 hex digits from Chromium) never needs escaping, but must be checked.
fn needs_escape_fast(text: &[u8]) -> bool {
    let escape = |b: u8| (b < 0x20) | (b == b'"') | (b == b'\\');
    let mut chunks = text.chunks_exact(16);
    let mut found = false;
    for chunk in &mut chunks {
        found |= chunk.iter().fold(false, |found, &b| found | escape(b));
    }
    chunks
        .remainder()
        .iter()
        .fold(found, |found, &b| found | escape(b))
}

/// Decodes one message from the browser.
///
/// The envelope is read once. When `method` comes before `params`, as Chromium sends it, the
/// params are decoded in the same pass straight into the typed event; when they come first they
/// are kept as raw text and decoded as soon as the method is known. Keys the protocol does not
/// define are ignored.
///
/// # Limits
///
/// Whatever the input, decoding returns a message or an error, without panicking or
/// overflowing the stack, in time proportional to the input's length. A message longer than [`MAX_MESSAGE_LEN`] bytes is a
/// [`DecodeErrorKind::TooLarge`] error, and a decoded value nested deeper than
/// [`MAX_NESTING_DEPTH`] is a [`DecodeErrorKind::TooDeep`] error.
///
/// A message that cannot be decoded is a [`DecodeError`] that keeps the raw text and names
/// the method whenever the envelope got as far as reading it, even when the JSON is cut short
/// or invalid further on. Two shapes are refused as [`DecodeErrorKind::Envelope`] errors rather
/// than guessed at:
///
/// - a message with both `id` and `method` is neither a response nor an event (the error names
///   the method; a transport can still read the `id` to fail the request it answers);
/// - an `error` without an `id` answers no request (the error keeps the browser's error text).
pub fn decode_message<E: EventSet>(text: &str) -> Result<Message<E>, DecodeError> {
    if text.len() > MAX_MESSAGE_LEN {
        return Err(DecodeError::too_large(text, MAX_MESSAGE_LEN));
    }
    // The method as the envelope visitor read it, kept outside the envelope so that an error
    // later in the message can still name it. Borrowed from `text` unless it has escapes: the
    // success path allocates nothing for it; only the error path turns it into a `String`.
    let mut method = None;
    // The event, when its params follow its method (as Chromium sends them), decoded into a slot
    // that the envelope only points to. The root `Event` of a whole protocol is as large as its
    // largest event (3.3 KB with today's protocol), and every move of it is a copy: carried
    // inside the envelope through serde's return values, it was copied about ten times per
    // message, which took longer than decoding a small event's params.
    let mut event = None;
    let mut reader = Reader::new(text);
    let envelope = read_envelope(&mut reader, &mut method, &mut event)
        .and_then(|envelope| reader.end().map(|()| envelope));
    let envelope = match envelope {
        Ok(envelope) => envelope,
        Err(err) => {
            return Err(DecodeError::from_fault(
                err.into_fault(),
                text,
                method.map(Cow::into_owned),
                "",
            ))
        }
    };
    // An event whose params were decoded moves from its slot into the message; everything else
    // (a response, params before the method or none, a bad envelope) is sorted out below.
    if envelope.id.is_none() && method.is_some() {
        if let Some(event) = event {
            return Ok(Message::Event {
                session_id: envelope.session_id,
                event,
            });
        }
    }
    envelope.into_message(method, text)
}

/// The envelope of a message. Params that come after the method are decoded into the caller's
/// event slot instead (see [`decode_message`]); those that come before it are kept raw here.
struct Envelope<'de> {
    id: Option<u64>,
    session_id: Option<String>,
    raw_params: Option<&'de str>,
    result: Option<&'de str>,
    error: Option<ProtocolError>,
}

impl<'de> Envelope<'de> {
    fn into_message<E: EventSet>(
        self,
        method: Option<Cow<'de, str>>,
        text: &str,
    ) -> Result<Message<E>, DecodeError> {
        let envelope_error = |method: Option<&str>, reason: String| {
            Err(DecodeError::new(
                DecodeErrorKind::Envelope,
                method.map(str::to_owned),
                String::new(),
                reason,
                text,
            ))
        };
        match (self.id, method) {
            // Not a response whose event part could be dropped, nor an event whose id could
            // be: refused whole, so that nothing is lost without a word.
            (Some(_), Some(method)) => envelope_error(
                Some(&method),
                "a message has both `id` and `method`: it is neither a response nor an event"
                    .to_owned(),
            ),
            (Some(id), None) => {
                let result = match (self.result, self.error) {
                    (Some(result), None) => match RawValue::from_string(result.to_owned()) {
                        Ok(result) => Ok(result),
                        Err(err) => return envelope_error(None, err.to_string()),
                    },
                    (None, Some(error)) => Err(error),
                    (Some(_), Some(_)) => {
                        return envelope_error(
                            None,
                            "a response has both `result` and `error`".to_owned(),
                        )
                    }
                    (None, None) => {
                        return envelope_error(
                            None,
                            "a response needs `result` or `error`".to_owned(),
                        )
                    }
                };
                Ok(Message::Response(Response {
                    id,
                    session_id: self.session_id,
                    result,
                }))
            }
            // Params that came before the method, or none (an event whose params followed its
            // method never gets here: `decode_message` took it).
            (None, Some(method)) => {
                let params = self.raw_params.unwrap_or("{}");
                decode_params(&method, params, text).map(|event| Message::Event {
                    session_id: self.session_id,
                    event,
                })
            }
            (None, None) => match self.error {
                // What the browser says is the one useful part of such a message: keep it.
                Some(error) => envelope_error(
                    None,
                    format!("an error answers no request (it has no `id`): {error}"),
                ),
                None => envelope_error(
                    None,
                    "expected a response (with `id`) or an event (with `method`)".to_owned(),
                ),
            },
        }
    }
}

/// Decodes params that arrived before their method, or were absent.
fn decode_params<E: EventSet>(method: &str, params: &str, text: &str) -> Result<E, DecodeError> {
    let mut reader = Reader::new(params);
    E::decode_event(method, &mut reader)
        .and_then(|event| reader.end().map(|()| event))
        .map_err(|err| {
            DecodeError::from_fault(err.into_fault(), params, Some(method.to_owned()), "params")
        })
        .map_err(|err| err.with_raw(text))
}

/// Reads the envelope. The method goes to a slot the caller owns, so that it outlives an error;
/// the event goes to another, so that it is not copied along with the envelope.
fn read_envelope<'de, E: EventSet>(
    reader: &mut Reader<'de>,
    method: &mut Option<Cow<'de, str>>,
    event: &mut Option<E>,
) -> Read<Envelope<'de>> {
    reader.begin_object("a protocol message (a JSON object)")?;
    let mut envelope = Envelope {
        id: None,
        session_id: None,
        raw_params: None,
        result: None,
        error: None,
    };
    let mut first = true;
    while let Some(key) = reader.next_key(&mut first)? {
        match &*key {
            "id" => {
                let id = reader.u64()?;
                set_once(reader, &mut envelope.id, "id", id)?;
            }
            "method" => {
                let value = reader.str()?;
                set_once(reader, method, "method", value)?;
            }
            "sessionId" => {
                let session_id = reader.str()?.into_owned();
                set_once(reader, &mut envelope.session_id, "sessionId", session_id)?;
            }
            "result" => {
                let result = reader.raw()?;
                set_once(reader, &mut envelope.result, "result", result)?;
            }
            "error" => {
                let error = ProtocolError::read(reader)?;
                set_once(reader, &mut envelope.error, "error", error)?;
            }
            "params" => {
                if event.is_some() || envelope.raw_params.is_some() {
                    return Err(reader.data_error("duplicate field `params`".to_owned()));
                }
                match method.as_deref() {
                    Some(method) => *event = Some(E::decode_event(method, reader)?),
                    None => envelope.raw_params = Some(reader.raw()?),
                }
            }
            _ => reader.skip()?,
        }
    }
    Ok(envelope)
}

fn set_once<T>(reader: &Reader<'_>, slot: &mut Option<T>, key: &'static str, value: T) -> Read<()> {
    if slot.is_some() {
        return Err(reader.data_error(format!("duplicate field `{key}`")));
    }
    *slot = Some(value);
    Ok(())
}

/// `raw` (a value the reader checked) as a `RawValue`.
fn raw_value(reader: &Reader<'_>, raw: &str) -> Read<Box<RawValue>> {
    RawValue::from_string(raw.to_owned()).map_err(|err| reader.data_error(err.to_string()))
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

#[cfg(test)]
mod envelope_tests {
    use super::*;

    fn error(text: &str) -> DecodeError {
        decode_message::<UnknownEvent>(text).unwrap_err()
    }

    #[test]
    fn invalid_or_truncated_json_names_the_method_read_before_the_fault() {
        for text in [
            r#"{"method":"X.y","params":{"a":"#,
            r#"{"method":"X.y","params":{"a":1} trailing"#,
            r#"{"sessionId":"S","method":"X.y","params":{"a":tru}}"#,
            r#"{"method":"X\u002ey","params":{"#,
        ] {
            let err = error(text);
            assert_eq!(err.method(), Some("X.y"), "{text}: {err}");
            assert!(err.to_string().starts_with("cannot decode `X.y`"), "{err}");
            assert_eq!(err.raw(), text);
        }
        // A method that comes after the fault is not known.
        assert_eq!(
            error(r#"{"params":{"a":tru},"method":"X.y"}"#).method(),
            None
        );
    }

    #[test]
    fn a_message_with_both_id_and_method_is_refused_naming_the_method() {
        let text = r#"{"id":3,"method":"X.y","params":{"a":1}}"#;
        let err = error(text);
        assert_eq!(err.kind(), DecodeErrorKind::Envelope);
        assert_eq!(err.method(), Some("X.y"));
        assert!(err.reason().contains("both `id` and `method`"), "{err}");
        assert_eq!(err.raw(), text);
    }

    #[derive(Debug)]
    struct Item {
        name: String,
    }
    crate::__private::object!(Item "an object: `Test.Item`" { req 0 name "name" });

    #[derive(Debug)]
    struct Answer {
        items: Vec<Item>,
    }
    crate::__private::object!(Answer "the result of `Test.ask`" { req 0 items "items" });

    struct Ask {}
    crate::__private::object!(Ask "the params of `Test.ask`" {});
    crate::__private::command!(Ask -> Answer "Test.ask");

    fn answer(result: &str) -> Result<Answer, DecodeError> {
        let text = format!(r#"{{"id":1,"result":{result}}}"#);
        match decode_message::<UnknownEvent>(&text) {
            Ok(Message::Response(response)) => response.decode::<Ask>(),
            other => panic!("expected a response: {other:?}"),
        }
    }

    #[test]
    fn a_result_that_does_not_decode_names_the_field_path() {
        let ok = answer(r#"{"items":[{"name":"a"}]}"#).unwrap();
        assert_eq!(ok.items[0].name, "a");
        let err = answer(r#"{"items":[{"name":"a"},{"name":5}]}"#).unwrap_err();
        assert_eq!(err.kind(), DecodeErrorKind::Data);
        assert_eq!(err.method(), Some("Test.ask"));
        assert_eq!(err.path(), "result.items[1].name");
        assert_eq!(err.reason(), "invalid type: integer `5`, expected a string");
        let err = answer(r#" {"items":[{},{"name":"b"}]}"#).unwrap_err();
        assert_eq!(err.path(), "result.items[0].name");
        assert_eq!(err.reason(), "missing field `name`");
        let err = answer(r#"{"items":[{"name":"a"}],"items":{}}"#).unwrap_err();
        assert_eq!(err.path(), "result.items");
        // A result that is not even the right JSON shape: serde_json's own error.
        let err = answer("[]").unwrap_err();
        assert_eq!(err.path(), "result");
    }

    #[test]
    fn an_error_without_an_id_keeps_the_browser_s_error() {
        let err = error(r#"{"error":{"code":-32700,"message":"Parse error","data":"at 3"}}"#);
        assert_eq!(err.kind(), DecodeErrorKind::Envelope);
        assert_eq!(
            err.reason(),
            "an error answers no request (it has no `id`): protocol error -32700: Parse error \
             (at 3)"
        );
    }
}
