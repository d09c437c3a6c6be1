//! Runtime support for Rust bindings generated from the Chrome DevTools Protocol (CDP).
//!
//! The generated crate (`cdp-bindings`, or whatever a user's `build.rs` produces with
//! `cdp-codegen`) holds the types. This crate holds what those types need at run time:
//!
//! - the traits the generated items implement: [`Command`], [`Event`] and [`EventSet`], and
//!   [`Newtype`], by which ids convert between two sets of bindings;
//! - [`encode_request`], which writes a command as a protocol message;
//! - [`decode_message`], which reads one message from the browser in a single pass, straight
//!   into the typed event, and reports a [`DecodeError`] naming the method and the field when it
//!   cannot;
//! - [`Client`], a sans-IO client that numbers requests and matches responses to them.
//!
//! The crate does no I/O of its own: give [`Client`] the text your transport receives and send
//! the text it returns (`cdp-transport` drives a real browser with it). Its dependencies are
//! serde and serde_json (re-exported as [`serde_json`], for the protocol's `any` fields), and
//! `itoa`. It is safe Rust (`#![forbid(unsafe_code)]`), and so is everything its macros expand
//! to in generated code.
//!
//! # Generated types and serde
//!
//! Protocol messages decode with this crate's own JSON reader, not through serde: a struct
//! decodes with a small non-generic function of its own that hands each field to one loop all
//! structs share, so a program that decodes every event of the protocol compiles that loop
//! once, and not a copy of it per struct and per deserializer. The reader reads `&str` text,
//! borrows strings without escapes while a key is matched, checks the whole JSON grammar, and
//! accepts what serde_json accepts; [`decode_message`], the root `Event`'s [`EventSet`] impl
//! and [`Response::decode`] go through it.
//!
//! Every generated type also implements `Serialize` and `Deserialize`, for any serializer and
//! deserializer, with no feature to turn on:
//!
//! - A struct decodes in one pass, its fields in any order. A key the struct does not know is
//!   skipped (and noted in a [`DriftReport`] when one is being made); a key sent twice keeps
//!   its last value; an optional field that is `null` is `None`, except an optional `any`
//!   field, which keeps it as `Some(Value::Null)`. A missing required field is an error that
//!   names it, and the path of the field at fault.
//! - How a struct's `Deserialize` gets there depends on the deserializer. serde_json's own
//!   (`from_str`, `from_slice`, `from_reader`, `from_value`) hand over the value's JSON text,
//!   through the same request as serde_json's [`RawValue`]: borrowed from a `&str` or `&[u8]`,
//!   copied from an `io::Read`, printed from a `Value`. The text then decodes with the reader,
//!   so `serde_json::from_str` of a struct costs one pass to find the value's end and one to
//!   decode it. **Any other deserializer reads a `serde_json::Value` first**, which is printed
//!   and decoded: correct, and slower.
//! - A struct encodes through serde, with any serializer and no `Value` between: a map of its
//!   fields in schema order, leaving out optional fields that are `None`, that says up front
//!   how many entries it writes (a format that needs the length of a map before its entries
//!   gets it).
//! - A string enum is a string: a value the bindings do not know is kept in the fallback
//!   variant, and written back unchanged. A newtype is what it wraps. Both decode straight
//!   from any deserializer.
//! - The protocol's `any` fields and objects without properties are `serde_json::Value`s and
//!   maps. [`UnknownEvent`] keeps an event's params as raw JSON text ([`RawValue`]).
//!
//! [`encode_request`] writes with serde_json's writer into the request's buffer.
//!
//! # Features
//!
//! None: everything above is always there.
//!
//! # Example
//!
//! Generated bindings implement [`Command`] and [`EventSet`] for you; here a command is written
//! by hand, and [`UnknownEvent`] stands in for a root `Event`:
//!
//! ```
//! use cdp_runtime::{decode_message, encode_request, Command, Message, UnknownEvent};
//!
//! #[derive(serde::Serialize)]
//! struct GetVersion {}
//! #[derive(serde::Deserialize)]
//! struct Version {
//!     product: String,
//! }
//! impl Command for GetVersion {
//!     const METHOD: &'static str = "Browser.getVersion";
//!     type Response = Version;
//! }
//!
//! let request = encode_request(7, None, &GetVersion {});
//! assert_eq!(request, r#"{"id":7,"method":"Browser.getVersion","params":{}}"#);
//!
//! let answer = r#"{"id":7,"result":{"product":"Chrome/156"}}"#;
//! let Message::Response(response) = decode_message::<UnknownEvent>(answer)? else {
//!     panic!("expected a response");
//! };
//! assert_eq!(response.decode::<GetVersion>()?.product, "Chrome/156");
//!
//! let event = r#"{"method":"Page.loadEventFired","params":{"timestamp":1.5}}"#;
//! let Message::Event { event, .. } = decode_message::<UnknownEvent>(event)? else {
//!     panic!("expected an event");
//! };
//! assert_eq!(event.method, "Page.loadEventFired");
//! # Ok::<(), cdp_runtime::DecodeError>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[doc(hidden)]
pub mod __private;
mod binary;
mod client;
mod drift;
mod error;
mod event_of;
mod json_path;
mod message;
mod newtype;
mod probe;
mod read;
mod traits;

pub use binary::Binary;
pub use client::{
    Client, ClientError, Incoming, OutgoingRequest, PendingResponse, Undecodable, UndecodableEvent,
};
pub use drift::{DriftReport, Seen};
pub use error::{DecodeError, DecodeErrorKind};
pub use event_of::EventOf;
pub use message::{
    decode_message, encode_request, try_encode_request, Message, ProtocolError, Response,
    UnknownEvent, MAX_MESSAGE_LEN, MAX_NESTING_DEPTH,
};
pub use newtype::Newtype;
pub use probe::Envelope;
pub use traits::{Command, Event, EventSet};

/// The JSON text of a value, kept as it arrived (re-exported from `serde_json`).
pub use serde_json::value::RawValue;

/// `serde_json`, whose `Value` generated bindings use for the protocol's `any` fields: a crate
/// that holds bindings needs no dependency of its own to build or read one.
pub use serde_json;
