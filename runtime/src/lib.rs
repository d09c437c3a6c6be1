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
//! Every generated type implements `Serialize` and `Deserialize`, for any serializer and
//! deserializer: none reads or writes through a `serde_json::Value` first, and none needs a
//! feature.
//!
//! - A struct decodes from a map (any deserializer that can hand one: serde_json's readers of a
//!   `&str`, a `&[u8]` or an `io::Read`, `serde_json::from_value`, other self-describing
//!   formats), in one pass, its fields in any order. A key the struct does not know is skipped
//!   (and noted in a [`DriftReport`] when one is being made); a key sent twice keeps its last
//!   value; an optional field that is `null` is `None`, except an optional `any` field, which
//!   keeps it as `Some(Value::Null)`. A missing required field is an error that names it.
//! - A struct encodes as a map of its fields in schema order, leaving out optional fields that
//!   are `None`, and says up front how many entries it writes (a format that needs the length
//!   of a map before its entries gets it).
//! - A string enum is a string: a value the bindings do not know is kept in the fallback
//!   variant, and written back unchanged. A newtype is what it wraps.
//! - The protocol's `any` fields and objects without properties are `serde_json::Value`s and
//!   maps, built by whatever deserializer reads them. [`UnknownEvent`] keeps an event's params
//!   as raw JSON text ([`RawValue`]), which only serde_json's own deserializers can hand over:
//!   the root `Event`'s [`EventSet`] impl and [`decode_message`] read it from a message's text.
//!
//! The fastest path is the one the protocol uses: [`decode_message`] and [`Response::decode`]
//! read straight from the message's text with serde_json's `&str` reader (strings without
//! escapes are borrowed while a key is matched, never copied), and [`encode_request`] writes
//! with serde_json's writer into the request's buffer.
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
