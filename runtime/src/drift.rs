//! The drift report: what the browser sent that the bindings do not know.
//!
//! Bindings decode a newer browser's messages without losing them: an unknown event becomes
//! the root `Event`'s `Unknown`, an unknown enum value the enum's fallback variant, and an
//! unknown field is skipped. [`DriftReport`] says which, how often, and where first, so that
//! drift is reported instead of hidden.
//!
//! Generated code notes drift only on those rare paths (an unknown key, an unknown value, an
//! unknown method), into a buffer of the decoding thread that exists only while a report is
//! being made: decoding without a report costs nothing more, and with one, a message that does
//! not drift costs two writes of a thread-local.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;

use crate::error::{DecodeError, DecodeErrorKind};
use crate::json_path::path_at;
use crate::message::Message;
use crate::traits::EventSet;

/// One thing the bindings did not know, noted while decoding.
enum Note {
    Field { ty: &'static str, key: String },
    Value { ty: &'static str, value: String },
    Method(String),
}

/// A note with where it was made in the params, when that is being tracked.
type Placed = (Note, Option<usize>);

thread_local! {
    /// Whether a report is being made: the one thing a message that does not drift touches.
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    /// The notes of the message being decoded, while a report is being made.
    static NOTES: RefCell<Vec<Placed>> = const { RefCell::new(Vec::new()) };
    /// The address and length of the params being decoded, while the first place of some
    /// drift is being looked for.
    static PARAMS: Cell<Option<(usize, usize)>> = const { Cell::new(None) };
    /// Where the last key read ended in the params, while looking: the place of a string
    /// value that is not borrowed from them (it held escapes) is taken to be its key's.
    static LAST_KEY: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Where `read` ends in the params being looked at, past its closing quote, when it lies in
/// them.
fn end_in_params(read: &str) -> Option<usize> {
    PARAMS.with(Cell::get).and_then(|(start, len)| {
        let end = (read.as_ptr() as usize).checked_sub(start)? + read.len() + 1;
        (end <= len).then_some(end)
    })
}

/// Whether the first places of drift are being looked for: then the decoder of structs tells
/// [`key_read`] each key it reads.
pub(crate) fn locating() -> bool {
    PARAMS.with(Cell::get).is_some()
}

/// The decoder of structs read `key`, while [`locating`].
pub(crate) fn key_read(key: &str) {
    LAST_KEY.with(|last| last.set(end_in_params(key)));
}

/// Notes drift, made where the decoder read `read`: a key or a string value, which the decoder
/// borrows from the params it decodes unless it holds escapes.
fn note(read: &str, make: impl FnOnce() -> Note) {
    if ACTIVE.with(Cell::get) {
        let at = end_in_params(read).or_else(|| LAST_KEY.with(Cell::get));
        NOTES.with(|notes| notes.borrow_mut().push((make(), at)));
    }
}

/// Notes are taken while it lives, even if decoding panics: it stops them when dropped, and
/// forgets where it was looking.
struct Noting;

impl Noting {
    fn start() -> Noting {
        // Whatever a decoding that panicked left.
        NOTES.with(|notes| notes.borrow_mut().clear());
        ACTIVE.with(|active| active.set(true));
        Noting
    }

    /// Notes are taken, with their place in `params`, which is being decoded.
    fn looking_in(params: &str) -> Noting {
        PARAMS.with(|at| at.set(Some((params.as_ptr() as usize, params.len()))));
        Noting::start()
    }
}

impl Drop for Noting {
    fn drop(&mut self) {
        ACTIVE.with(|active| active.set(false));
        PARAMS.with(|at| at.set(None));
        LAST_KEY.with(|last| last.set(None));
    }
}

/// The notes taken since the last call.
fn take_notes() -> Vec<Placed> {
    NOTES.with(|notes| {
        let mut notes = notes.borrow_mut();
        if notes.is_empty() {
            Vec::new()
        } else {
            std::mem::take(&mut *notes)
        }
    })
}

/// The JSON path in the message of each note that decoding `text`'s params again makes, in
/// order; empty when the message has no params to decode again.
fn locate<E: EventSet>(text: &str) -> Vec<Option<String>> {
    let Ok(Message::Event { event, .. }) =
        crate::message::decode_message::<crate::UnknownEvent>(text)
    else {
        return Vec::new();
    };
    let params = event.params.get();
    let notes = {
        let _looking = Noting::looking_in(params);
        let mut reader = crate::read::Reader::new(params);
        let _ = E::decode_event(&event.method, &mut reader);
        take_notes()
    };
    notes
        .into_iter()
        .filter(|(note, _)| !matches!(note, Note::Method(_)))
        .map(|(_, at)| at.map(|at| join("params", &path_at(params, at))))
        .collect()
}

fn join(prefix: &str, path: &str) -> String {
    match path {
        "" => prefix.to_owned(),
        _ if path.starts_with('[') => format!("{prefix}{path}"),
        _ => format!("{prefix}.{path}"),
    }
}

/// Generated code: a struct described by `what` (`` an object: `Network.Response` ``) met a
/// key it does not know.
pub(crate) fn unknown_field(what: &'static str, key: &str) {
    note(key, || Note::Field {
        ty: what,
        key: key.to_owned(),
    });
}

/// Generated code: the string enum `ty` met a value it does not know.
pub(crate) fn unknown_value(ty: &'static str, value: &str) {
    note(value, || Note::Value {
        ty,
        value: value.to_owned(),
    });
}

/// An event whose method the bindings do not know.
pub(crate) fn unknown_method(method: &str) {
    note(method, || Note::Method(method.to_owned()));
}

/// How often one kind of drift was seen, and where first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// How many times.
    pub count: u64,
    /// The first time: the method of the message and the JSON path in it
    /// (`Network.responseReceived params.response.charset`), or for a failed event, the error.
    pub first: String,
}

/// What the browser sent that the bindings do not know, with counts and the first example of
/// each: the answer to "do my bindings fit this browser?", from the messages themselves.
///
/// ```
/// use cdp_runtime::{DriftReport, UnknownEvent};
///
/// let mut drift = DriftReport::default();
/// drift.decode::<UnknownEvent>(r#"{"method":"Page.loadEventFired","params":{"timestamp":1}}"#)?;
/// // `UnknownEvent` knows no method at all: every event is drift.
/// assert_eq!(drift.unknown_methods["Page.loadEventFired"].count, 1);
/// # Ok::<(), cdp_runtime::DecodeError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DriftReport {
    /// Events whose method the bindings do not know (kept as the root `Event`'s `Unknown`),
    /// by method.
    pub unknown_methods: BTreeMap<String, Seen>,
    /// Fields the bindings do not know (skipped), by protocol type and field name:
    /// `("Network.Response", "charset")`.
    pub unknown_fields: BTreeMap<(String, String), Seen>,
    /// Values that landed in an enum's fallback variant, by protocol type and value:
    /// `("Network.ResourceType", "Preflight")`.
    pub fallback_values: BTreeMap<(String, String), Seen>,
    /// Events of a method the bindings know whose params did not decode, by method; `first`
    /// holds the first error.
    pub failed_events: BTreeMap<String, Seen>,
    /// How many messages were decoded with this report.
    pub messages: u64,
}

fn count(
    map_entry: std::collections::btree_map::Entry<'_, impl Ord, Seen>,
    first: impl FnOnce() -> String,
) {
    map_entry
        .and_modify(|seen| seen.count += 1)
        .or_insert_with(|| Seen {
            count: 1,
            first: first(),
        });
}

/// The protocol name in a description such as `` an object: `Network.Response` ``.
fn type_name(what: &str) -> &str {
    what.split('`').nth(1).unwrap_or(what)
}

impl DriftReport {
    /// Decodes one message as [`decode_message`](crate::decode_message) does (through
    /// [`EventSet::decode_message`]), noting its drift in the report.
    pub fn decode<E: EventSet>(&mut self, text: &str) -> Result<Message<E>, DecodeError> {
        // No closure around the decoding: the message is large, and each move of it a copy.
        let noting = Noting::start();
        let decoded = E::decode_message(text);
        drop(noting);
        let notes = take_notes();
        self.messages += 1;
        // A message that did not decode counts once, as a failure: what was noted before its
        // error is left out.
        if !notes.is_empty() && decoded.is_ok() {
            self.add::<E>(text, notes.into_iter().map(|(note, _)| note).collect());
        }
        if let Err(err) = &decoded {
            if let (Some(method), DecodeErrorKind::Data) = (err.method(), err.kind()) {
                if !self.unknown_methods.contains_key(method) {
                    count(self.failed_events.entry(method.to_owned()), || {
                        err.to_string()
                    });
                }
            }
        }
        decoded
    }

    fn add<E: EventSet>(&mut self, text: &str, notes: Vec<Note>) {
        let method = crate::Envelope::probe(text).method.unwrap_or_default();
        // Where each note was made is found only for drift seen for the first time, by
        // decoding the params once more, counting bytes.
        let any_first = notes.iter().any(|note| match note {
            Note::Field { ty, key } => !self
                .unknown_fields
                .contains_key(&(type_name(ty).to_owned(), key.clone())),
            Note::Value { ty, value } => !self
                .fallback_values
                .contains_key(&((*ty).to_owned(), value.clone())),
            Note::Method(_) => false,
        });
        let mut places = if any_first {
            locate::<E>(text)
        } else {
            Vec::new()
        }
        .into_iter();
        let mut place = |first: bool| -> String {
            let path = places.next().flatten().unwrap_or_default();
            if first {
                format!("{method} {path}")
            } else {
                String::new()
            }
        };
        for note in notes {
            match note {
                Note::Method(name) => count(self.unknown_methods.entry(name), String::new),
                Note::Field { ty, key } => {
                    let key = (type_name(ty).to_owned(), key);
                    let first = !self.unknown_fields.contains_key(&key);
                    let found = place(first);
                    count(self.unknown_fields.entry(key), || found);
                }
                Note::Value { ty, value } => {
                    let key = (ty.to_owned(), value);
                    let first = !self.fallback_values.contains_key(&key);
                    let found = place(first);
                    count(self.fallback_values.entry(key), || found);
                }
            }
        }
    }

    /// Whether nothing drifted.
    pub fn is_empty(&self) -> bool {
        self.unknown_methods.is_empty()
            && self.unknown_fields.is_empty()
            && self.fallback_values.is_empty()
            && self.failed_events.is_empty()
    }

    /// Adds another report's counts to this one's (the first examples of this one stay).
    pub fn merge(&mut self, other: &DriftReport) {
        fn merge_map<K: Ord + Clone>(into: &mut BTreeMap<K, Seen>, from: &BTreeMap<K, Seen>) {
            for (key, seen) in from {
                into.entry(key.clone())
                    .and_modify(|mine| mine.count += seen.count)
                    .or_insert_with(|| seen.clone());
            }
        }
        merge_map(&mut self.unknown_methods, &other.unknown_methods);
        merge_map(&mut self.unknown_fields, &other.unknown_fields);
        merge_map(&mut self.fallback_values, &other.fallback_values);
        merge_map(&mut self.failed_events, &other.failed_events);
        self.messages += other.messages;
    }
}

impl fmt::Display for DriftReport {
    /// A line per kind of drift, most frequent first within each section.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return write!(f, "no drift in {} message(s)", self.messages);
        }
        writeln!(f, "drift in {} message(s):", self.messages)?;
        for (method, seen) in &self.unknown_methods {
            writeln!(f, "  unknown event {method}: {}x", seen.count)?;
        }
        for ((ty, field), seen) in &self.unknown_fields {
            writeln!(
                f,
                "  unknown field {ty}.{field}: {}x, first at {}",
                seen.count, seen.first
            )?;
        }
        for ((ty, value), seen) in &self.fallback_values {
            writeln!(
                f,
                "  unknown value {ty} {value:?}: {}x, first at {}",
                seen.count, seen.first
            )?;
        }
        for (method, seen) in &self.failed_events {
            writeln!(
                f,
                "  undecodable event {method}: {}x, first: {}",
                seen.count, seen.first
            )?;
        }
        Ok(())
    }
}
