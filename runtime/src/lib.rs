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
//! the text it returns.

#![deny(missing_docs)]

mod binary;
mod client;
pub mod codegen;
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
