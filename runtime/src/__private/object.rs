//! Structs: one loop reads the keys of every struct, and each struct adds the list of its fields
//! and one function that reads a field into its place.
//!
//! `object!` gives each struct a static list of its fields' protocol names ([`Struct::KEYS`])
//! and which of them are required, and implements [`Fields::read_field`], which reads the value
//! of field `i` straight into the struct: a `match` with an arm per field. A struct decodes by
//! making a value of placeholders ([`Decode::placeholder`]: an empty string, zero, `None`),
//! which [`read_struct`] (one loop for all structs) fills in: it reads each key, finds its
//! field, lets `read_field` read the value, skips (and notes as drift) a key the struct does not
//! know, and checks that every required field came. The placeholder value is a struct literal,
//! which names each field once: a list that misses a field, or names one twice, does not
//! compile; and `read_field` borrows each field, which a union's would need `unsafe` for.
//!
//! Nothing here is generic over a deserializer: a struct's decoding is two small non-generic
//! functions, compiled once in the crate that holds the bindings. Encoding goes through serde
//! ([`serialize_fields`] writes what [`Out`] makes of each field, in schema order), and so does
//! decoding with any other deserializer than the protocol's reader: [`deserialize`] takes the
//! value's JSON text from serde_json's deserializers (reading a `serde_json::Value` first from
//! other ones) and decodes it with the reader.
//!
//! Everything here, and everything `object!` expands to, is safe code.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::read::{Decode, Fault, Read, ReadError, Reader};

/// A struct that `object!` decodes and encodes. Only `object!` implements it.
pub trait Struct: Fields + Decode {
    /// What the struct is, for errors and drift notes (`` an object: `Network.Cookie` ``).
    const WHAT: &'static str;
    /// The protocol names of its fields, in schema order.
    const KEYS: &'static [&'static str];
    /// Whether each of [`Struct::KEYS`] is required.
    const REQUIRED: &'static [bool];
}

/// Reads the value of one field of a struct into its place.
pub trait Fields {
    /// Reads the value of field `field` (an index into [`Struct::KEYS`]) into the struct,
    /// dropping what it held: when a key comes twice, the last value stands.
    fn read_field(&mut self, field: usize, reader: &mut Reader<'_>) -> Read<()>;
}

/// Reads a required field's value.
#[inline]
pub fn read_req<F: Decode>(place: &mut F, reader: &mut Reader<'_>) -> Read<()> {
    *place = F::decode(reader)?;
    Ok(())
}

/// Reads an optional field's value (`opt` in `object!`): `null` leaves it unset.
#[inline]
pub fn read_opt<F: Decode>(place: &mut Option<F>, reader: &mut Reader<'_>) -> Read<()> {
    *place = if reader.null()? {
        None
    } else {
        Some(F::decode(reader)?)
    };
    Ok(())
}

/// Reads an optional `any` field's value (`any` in `object!`): an explicit `null` is kept as
/// `Some(Value::Null)`, so that it encodes back as `null` rather than disappearing.
#[inline]
pub fn read_any(place: &mut Option<serde_json::Value>, reader: &mut Reader<'_>) -> Read<()> {
    *place = Some(serde_json::Value::decode(reader)?);
    Ok(())
}

/// The index of the field named `key`, looked for from `next` on first: Chromium sends the
/// fields of an object in schema order, so the field after the last one found is most often it.
#[inline]
fn find(keys: &[&str], key: &str, next: usize) -> Option<usize> {
    let (before, after) = keys.split_at(next.min(keys.len()));
    match after.iter().position(|known| *known == key) {
        Some(at) => Some(next + at),
        None => before.iter().position(|known| *known == key),
    }
}

/// Which fields of a struct have been read: a bit each, on the heap only past 128 fields.
enum Seen {
    Few(u128),
    Many(Vec<bool>),
}

impl Seen {
    fn new(len: usize) -> Seen {
        if len <= 128 {
            Seen::Few(0)
        } else {
            Seen::Many(vec![false; len])
        }
    }

    fn set(&mut self, at: usize) {
        match self {
            Seen::Few(bits) => *bits |= 1 << at,
            Seen::Many(seen) => seen[at] = true,
        }
    }

    fn get(&self, at: usize) -> bool {
        match self {
            Seen::Few(bits) => bits & (1 << at) != 0,
            Seen::Many(seen) => seen[at],
        }
    }
}

/// Reads an object into `target`, the struct `what` whose fields are `keys` (`required` says
/// which must come): each known key's value through [`Fields::read_field`], skipping (and
/// noting as drift) the keys it does not know, and checks that every required field came.
///
/// Never inlined: it is one loop for all structs, and a copy in each struct's decoder would
/// make every struct pay for it again in code size.
#[inline(never)]
pub fn read_struct(
    reader: &mut Reader<'_>,
    what: &'static str,
    keys: &'static [&'static str],
    required: &'static [bool],
    target: &mut dyn Fields,
) -> Read<()> {
    reader.begin_object(what)?;
    let locating = crate::drift::locating();
    let mut seen = Seen::new(keys.len());
    let mut next = 0;
    let mut first = true;
    while let Some(key) = reader.next_key(&mut first)? {
        if locating {
            crate::drift::key_read(&key);
        }
        match find(keys, &key, next) {
            Some(at) => {
                target.read_field(at, reader)?;
                seen.set(at);
                next = at + 1;
            }
            None => {
                crate::drift::unknown_field(what, &key);
                reader.skip()?;
            }
        }
    }
    match keys
        .iter()
        .zip(required)
        .enumerate()
        .find(|(at, (_, required))| **required && !seen.get(*at))
    {
        Some((_, (key, _))) => Err(reader.data_error(format!("missing field `{key}`"))),
        None => Ok(()),
    }
}

/// Decodes a struct with no fields the bindings know, such as most command results: any
/// fields it holds are skipped, and noted as drift.
pub fn read_empty(reader: &mut Reader<'_>, what: &'static str) -> Read<()> {
    struct NoFields;
    impl Fields for NoFields {
        fn read_field(&mut self, _: usize, _: &mut Reader<'_>) -> Read<()> {
            Ok(())
        }
    }
    read_struct(reader, what, &[], &[], &mut NoFields)
}

/// The `Deserialize` of a generated struct, for every deserializer: the value's JSON text,
/// decoded with the reader.
///
/// serde_json's deserializers hand over the text itself (borrowed from a `&str` or `&[u8]`
/// input, copied from an `io::Read`, printed from a `Value`), through the same request that
/// serde_json's `RawValue` makes; any other deserializer's value is read as a
/// `serde_json::Value` first and printed. Then the text decodes as in a protocol message.
///
/// On an error, the reader's own (its kind, and where in the value it arose) is kept for
/// [`Response::decode`](crate::Response::decode), which takes it with [`take_fault`] to name
/// the field path; serde's error carries its reason.
pub fn deserialize<'de, D: Deserializer<'de>, T: Decode>(deserializer: D) -> Result<T, D::Error> {
    let text = deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, TextVisitor)?;
    decode_text(&text).map_err(de::Error::custom)
}

thread_local! {
    /// The last error of [`deserialize`] on this thread: the address and length of the text it
    /// read, and the reader's error.
    static FAULT: std::cell::RefCell<Option<(usize, usize, Fault)>> =
        const { std::cell::RefCell::new(None) };
}

/// Forgets the last error of [`deserialize`] on this thread, before a decoding whose error
/// [`take_fault`] will look for.
pub fn forget_fault() {
    FAULT.with(|last| last.borrow_mut().take());
}

/// The reader's error from the last failed [`deserialize`] on this thread, when it read a
/// value that lies in `text` (its offset then counts from `text`'s start).
pub fn take_fault(text: &str) -> Option<Fault> {
    let (start, len, mut fault) = FAULT.with(|last| last.borrow_mut().take())?;
    let offset = start.checked_sub(text.as_ptr() as usize)?;
    if offset + len > text.len() {
        return None;
    }
    fault.at += offset;
    Some(fault)
}

/// The name under which serde_json hands a value's text to whoever asks, as its `RawValue`
/// does (serde_json's `raw_value` feature, which this crate turns on).
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// Decodes a whole text as `T`, for [`deserialize`]: the error is the reason and where in the
/// value it arose.
fn decode_text<T: Decode>(text: &str) -> Result<T, String> {
    let mut reader = Reader::new(text);
    T::decode(&mut reader)
        .and_then(|value| reader.end().map(|()| value))
        .map_err(|err| describe(text, err))
}

#[cold]
fn describe(text: &str, err: ReadError) -> String {
    let path = crate::json_path::path_at(text, err.offset());
    let fault = err.into_fault();
    let mut reason = fault.reason.clone();
    FAULT.with(|last| *last.borrow_mut() = Some((text.as_ptr() as usize, text.len(), fault)));
    if !path.is_empty() {
        reason = format!("{reason} (at `{path}`)");
    }
    reason
}

/// The JSON text of one value, from whatever deserializer [`deserialize`] was given.
struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    // serde_json answers the raw-value request with a map of one entry, the token and the text.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some(key) = map.next_key::<super::FieldKey<'de>>()? else {
            return Ok(Cow::Borrowed("{}"));
        };
        if key.as_str() == RAW_VALUE_TOKEN {
            return map.next_value::<TextOf<'de>>().map(|text| text.0);
        }
        // Another deserializer's map: read it whole as a `Value`.
        let mut object = serde_json::Map::new();
        object.insert(key.as_str().to_owned(), map.next_value()?);
        while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
            object.insert(key, value);
        }
        Ok(Cow::Owned(serde_json::Value::Object(object).to_string()))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        serde_json::Value::deserialize(d).map(|value| Cow::Owned(value.to_string()))
    }
}

/// The text serde_json gives for a raw value: borrowed when it can.
struct TextOf<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for TextOf<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = TextOf<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the text of a JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(TextOf(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TextOf(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(TextOf(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(StrVisitor)
    }
}

/// How one field is encoded: `object!` gives [`serialize_fields`] each required field as it is
/// (every `Serialize` value is written), and each optional one in a [`Skip`].
pub trait Out<M: SerializeMap> {
    /// Whether the field is written (an optional field that is `None` is left out).
    fn is_written(&self) -> bool;

    /// Writes the field under `key`, unless it is left out.
    fn write(&self, key: &'static str, map: &mut M) -> Result<(), M::Error>;
}

/// An optional field, left out when `None` (`opt` in `object!`; and `any`, whose
/// `Some(Value::Null)` is written as `null`).
pub struct Skip<'s, F>(pub &'s Option<F>);

impl<M: SerializeMap, F: Serialize> Out<M> for F {
    fn is_written(&self) -> bool {
        true
    }

    fn write(&self, key: &'static str, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry(key, self)
    }
}

impl<M: SerializeMap, F: Serialize> Out<M> for Skip<'_, F> {
    fn is_written(&self) -> bool {
        self.0.is_some()
    }

    fn write(&self, key: &'static str, map: &mut M) -> Result<(), M::Error> {
        match self.0 {
            Some(value) => map.serialize_entry(key, value),
            None => Ok(()),
        }
    }
}

/// Encodes a struct whose fields are `keys`, with what `values` makes of each (in the same
/// order): a map of the fields that are written, in schema order, whose length is given up
/// front.
pub fn serialize_fields<S: Serializer>(
    serializer: S,
    keys: &'static [&'static str],
    values: &[&dyn Out<S::SerializeMap>],
) -> Result<S::Ok, S::Error> {
    let len = values.iter().filter(|value| value.is_written()).count();
    let mut map = serializer.serialize_map(Some(len))?;
    for (key, value) in keys.iter().zip(values) {
        value.write(key, &mut map)?;
    }
    map.end()
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use serde::{Deserialize, Serialize};

    use crate::__private::Decode;
    use serde_json::{json, Value};

    thread_local! {
        static DROPS: Cell<usize> = const { Cell::new(0) };
    }

    fn drops() -> usize {
        DROPS.with(Cell::get)
    }

    /// A string that counts its drops, to check that a failed decode drops what it decoded
    /// exactly once.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(transparent)]
    struct Counted(String);

    impl Drop for Counted {
        fn drop(&mut self) {
            // The empty placeholder a struct starts from is not a decoded value.
            if !self.0.is_empty() {
                DROPS.with(|drops| drops.set(drops.get() + 1));
            }
        }
    }

    impl crate::__private::Decode for Counted {
        fn decode(reader: &mut crate::__private::Reader<'_>) -> crate::__private::Read<Self> {
            String::decode(reader).map(Counted)
        }
        fn placeholder() -> Self {
            Counted(String::new())
        }
    }

    #[derive(Debug, PartialEq)]
    struct Sample {
        name: Counted,
        size: Option<i64>,
        tags: Vec<String>,
        extra: Option<Value>,
    }

    crate::__private::object!(Sample "an object: `Test.Sample`" {
        req 0 name "name",
        opt 1 size "size",
        req 2 tags "tags",
        any 3 extra "extra",
    });

    #[derive(Debug, PartialEq)]
    struct Outer {
        inner: Box<Sample>,
        list: Vec<Sample>,
    }

    crate::__private::object!(Outer "an object: `Test.Outer`" {
        req 0 inner "inner",
        req 1 list "list",
    });

    fn sample(name: &str, size: Option<i64>, tags: &[&str], extra: Option<Value>) -> Sample {
        Sample {
            name: Counted(name.to_owned()),
            size,
            tags: tags.iter().map(|tag| (*tag).to_owned()).collect(),
            extra,
        }
    }

    /// Decodes with the protocol's reader; an error is its reason and the path where it arose.
    fn decode<T: Decode>(text: &str) -> Result<T, String> {
        super::decode_text(text)
    }

    #[test]
    fn fields_decode_in_any_order_and_unknown_keys_are_skipped() {
        for text in [
            r#"{"name":"a","size":3,"tags":["x","y"],"extra":{"k":[1]}}"#,
            r#"{"extra":{"k":[1]},"tags":["x","y"],"size":3,"name":"a"}"#,
            r#"{"new":1,"tags":["x","y"],"name":"a","later":{"a":[null]},"extra":{"k":[1]},"size":3}"#,
        ] {
            let expected = sample("a", Some(3), &["x", "y"], Some(json!({"k": [1]})));
            assert_eq!(decode::<Sample>(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn absent_and_null_optional_fields() {
        assert_eq!(
            decode::<Sample>(r#"{"name":"a","tags":[]}"#),
            Ok(sample("a", None, &[], None))
        );
        assert_eq!(
            decode::<Sample>(r#"{"name":"a","tags":[],"size":null,"extra":null}"#),
            Ok(sample("a", None, &[], Some(Value::Null))),
            "`null` is absent for an optional field, and kept for an `any`"
        );
        assert_eq!(
            decode::<Sample>(r#"{"name":"a","tags":[],"size":4,"size":null}"#),
            Ok(sample("a", None, &[], None)),
            "a later `null` unsets an optional field"
        );
    }

    #[test]
    fn a_missing_required_field_is_an_error_and_drops_what_was_decoded_once() {
        let before = drops();
        let err = decode::<Sample>(r#"{"name":"a","size":1}"#).unwrap_err();
        assert_eq!(err, "missing field `tags`");
        assert_eq!(
            drops() - before,
            1,
            "`name` was decoded, so it is dropped once"
        );
        let err = decode::<Sample>(r#"{"size":1}"#).unwrap_err();
        assert_eq!(
            err, "missing field `name`",
            "the first missing field in schema order"
        );
    }

    #[test]
    fn a_bad_value_is_an_error_and_drops_what_was_decoded_once() {
        let before = drops();
        let err = decode::<Sample>(r#"{"name":"a","tags":[1]}"#).unwrap_err();
        assert_eq!(
            err,
            "invalid type: integer `1`, expected a string (at `tags[0]`)"
        );
        assert_eq!(drops() - before, 1);
        let err = decode::<Sample>(r#"{"tags":[],"name":5}"#).unwrap_err();
        assert_eq!(
            err,
            "invalid type: integer `5`, expected a string (at `name`)"
        );
        assert_eq!(drops() - before, 1, "a value that failed was never made");
        let err = decode::<Sample>("[]").unwrap_err();
        assert!(
            err.starts_with("invalid type: sequence, expected an object: `Test.Sample`"),
            "{err}"
        );
    }

    #[test]
    fn a_key_sent_twice_keeps_the_last_value_and_drops_the_first() {
        let before = drops();
        let decoded = decode::<Sample>(r#"{"name":"first","tags":[],"name":"last"}"#);
        assert_eq!(
            drops() - before,
            1,
            "the first `name` is dropped when the second comes"
        );
        assert_eq!(decoded, Ok(sample("last", None, &[], None)));
    }

    #[test]
    fn nested_and_boxed_structs_decode() {
        let text = r#"{"list":[{"name":"b","tags":["t"]},{"name":"c","tags":[],"size":-1}],
            "inner":{"name":"a","tags":[]}}"#;
        assert_eq!(
            decode::<Outer>(text),
            Ok(Outer {
                inner: Box::new(sample("a", None, &[], None)),
                list: vec![
                    sample("b", None, &["t"], None),
                    sample("c", Some(-1), &[], None)
                ],
            })
        );
        let before = drops();
        let err = decode::<Outer>(
            r#"{"inner":{"name":"a","tags":[]},"list":[{"name":"b","tags":[]},{"name":"c"}]}"#,
        )
        .unwrap_err();
        assert_eq!(err, "missing field `tags` (at `list[1]`)");
        assert_eq!(
            drops() - before,
            3,
            "`inner`, the first element and the second's name"
        );
    }

    #[test]
    fn other_deserializers_decode_directly() {
        let value = json!({"tags": ["x"], "name": "a", "unknown": true, "extra": null});
        let from_value = serde_json::from_value::<Sample>(value);
        assert_eq!(
            from_value.map_err(|err| err.to_string()),
            Ok(sample("a", None, &["x"], Some(Value::Null)))
        );
        let err = serde_json::from_value::<Sample>(json!({"name": "a"})).unwrap_err();
        assert_eq!(err.to_string(), "missing field `tags`");
        let from_slice =
            serde_json::from_slice::<Outer>(br#"{"inner":{"name":"a","tags":[]},"list":[]}"#);
        assert!(from_slice.is_ok(), "{from_slice:?}");
        let from_reader = serde_json::from_reader::<_, Sample>(&br#"{"name":"r","tags":[]}"#[..]);
        assert_eq!(
            from_reader.map_err(|err| err.to_string()),
            Ok(sample("r", None, &[], None))
        );
    }

    #[test]
    fn encoding_writes_every_set_field_in_schema_order() {
        let value = sample("a", None, &["x"], Some(Value::Null));
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(text, r#"{"name":"a","tags":["x"],"extra":null}"#);
        // Other serializers get the same, in the same order.
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(
            pretty,
            "{\n  \"name\": \"a\",\n  \"tags\": [\n    \"x\"\n  ],\n  \"extra\": null\n}"
        );
        let outer = Outer {
            inner: Box::new(sample("b", Some(2), &[], None)),
            list: vec![value],
        };
        assert_eq!(
            serde_json::to_value(&outer).unwrap(),
            json!({"inner": {"name": "b", "size": 2, "tags": []},
                   "list": [{"name": "a", "tags": ["x"], "extra": null}]})
        );
        let mut pretty = Vec::new();
        let mut out = serde_json::Serializer::pretty(&mut pretty);
        serde::Serialize::serialize(&outer, &mut out).unwrap();
        let pretty = String::from_utf8(pretty).unwrap();
        assert!(
            pretty.starts_with("{\n  \"inner\": {\n    \"name\": \"b\",\n    \"size\": 2,"),
            "{pretty}"
        );
    }

    /// A serializer that records the length each map announces and the keys written into it.
    #[derive(Default)]
    struct Lengths {
        maps: Vec<(Option<usize>, usize)>,
    }

    impl serde::ser::SerializeMap for &mut Lengths {
        type Ok = ();
        type Error = serde_json::Error;

        fn serialize_key<T: Serialize + ?Sized>(&mut self, _key: &T) -> Result<(), Self::Error> {
            if let Some(map) = self.maps.last_mut() {
                map.1 += 1;
            }
            Ok(())
        }

        fn serialize_value<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), Self::Error> {
            Ok(())
        }

        fn end(self) -> Result<(), Self::Error> {
            Ok(())
        }
    }

    impl<'a> serde::Serializer for &'a mut Lengths {
        type Ok = ();
        type Error = serde_json::Error;
        type SerializeSeq = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeTuple = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeTupleStruct = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeTupleVariant = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeMap = &'a mut Lengths;
        type SerializeStruct = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeStructVariant = serde::ser::Impossible<(), serde_json::Error>;

        fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
            self.maps.push((len, 0));
            Ok(self)
        }

        fn serialize_bool(self, _: bool) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_i8(self, _: i8) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_i16(self, _: i16) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_i32(self, _: i32) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_i64(self, _: i64) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_u8(self, _: u8) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_u16(self, _: u16) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_u32(self, _: u32) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_u64(self, _: u64) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_f32(self, _: f32) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_f64(self, _: f64) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_char(self, _: char) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_str(self, _: &str) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_none(self) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_unit(self) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
        ) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: &T,
        ) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), Self::Error> {
            Ok(())
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
            Err(serde::ser::Error::custom("no sequences"))
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
            Err(serde::ser::Error::custom("no tuples"))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, Self::Error> {
            Err(serde::ser::Error::custom("no tuples"))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Self::Error> {
            Err(serde::ser::Error::custom("no tuples"))
        }
        fn serialize_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStruct, Self::Error> {
            Err(serde::ser::Error::custom("no structs"))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Self::Error> {
            Err(serde::ser::Error::custom("no structs"))
        }
    }

    #[test]
    fn a_struct_announces_as_many_entries_as_it_writes() {
        for (value, written) in [
            (sample("a", None, &[], None), 2),
            (sample("a", Some(1), &[], None), 3),
            (sample("a", Some(1), &[], Some(Value::Null)), 4),
        ] {
            let mut lengths = Lengths::default();
            value.serialize(&mut lengths).unwrap();
            assert_eq!(lengths.maps, [(Some(written), written)]);
        }
    }

    /// A value whose decoding panics on `"boom"`.
    struct Boom;

    impl<'de> Deserialize<'de> for Boom {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let text = String::deserialize(deserializer)?;
            assert_ne!(text, "boom", "boom");
            Ok(Boom)
        }
    }

    impl crate::__private::Decode for Boom {
        fn decode(reader: &mut crate::__private::Reader<'_>) -> crate::__private::Read<Self> {
            let text = String::decode(reader)?;
            assert_ne!(text, "boom", "boom");
            Ok(Boom)
        }
        fn placeholder() -> Self {
            Boom
        }
    }

    impl Serialize for Boom {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str("ok")
        }
    }

    struct Fragile {
        name: Counted,
        boom: Boom,
    }

    crate::__private::object!(Fragile "an object: `Test.Fragile`" {
        req 0 name "name",
        req 1 boom "boom",
    });

    #[test]
    fn a_panic_while_decoding_drops_what_was_decoded_once() {
        let before = drops();
        let result =
            std::panic::catch_unwind(|| decode::<Fragile>(r#"{"name":"a","boom":"boom"}"#));
        assert!(result.is_err(), "the field's decoder panicked");
        assert_eq!(
            drops() - before,
            1,
            "`name` was decoded, so it is dropped once"
        );
        let fine = decode::<Fragile>(r#"{"name":"b","boom":"fine"}"#)
            .map(|fragile| fragile.name.0.clone());
        assert_eq!(fine, Ok("b".to_owned()));
    }

    #[test]
    fn the_struct_lists_its_keys_in_schema_order() {
        use super::Struct;
        assert_eq!(Sample::KEYS, ["name", "size", "tags", "extra"]);
        assert_eq!(Sample::WHAT, "an object: `Test.Sample`");
    }

    /// A struct of more than 64 fields (the limit of the field tables that came before).
    #[rustfmt::skip]
    #[derive(Debug, Default, PartialEq)]
    struct Wide {
        f00: Option<i64>, f01: Option<i64>, f02: Option<i64>, f03: Option<i64>, f04: Option<i64>,
        f05: Option<i64>, f06: Option<i64>, f07: Option<i64>, f08: Option<i64>, f09: Option<i64>,
        f10: Option<i64>, f11: Option<i64>, f12: Option<i64>, f13: Option<i64>, f14: Option<i64>,
        f15: Option<i64>, f16: Option<i64>, f17: Option<i64>, f18: Option<i64>, f19: Option<i64>,
        f20: Option<i64>, f21: Option<i64>, f22: Option<i64>, f23: Option<i64>, f24: Option<i64>,
        f25: Option<i64>, f26: Option<i64>, f27: Option<i64>, f28: Option<i64>, f29: Option<i64>,
        f30: Option<i64>, f31: Option<i64>, f32: Option<i64>, f33: Option<i64>, f34: Option<i64>,
        f35: Option<i64>, f36: Option<i64>, f37: Option<i64>, f38: Option<i64>, f39: Option<i64>,
        f40: Option<i64>, f41: Option<i64>, f42: Option<i64>, f43: Option<i64>, f44: Option<i64>,
        f45: Option<i64>, f46: Option<i64>, f47: Option<i64>, f48: Option<i64>, f49: Option<i64>,
        f50: Option<i64>, f51: Option<i64>, f52: Option<i64>, f53: Option<i64>, f54: Option<i64>,
        f55: Option<i64>, f56: Option<i64>, f57: Option<i64>, f58: Option<i64>, f59: Option<i64>,
        f60: Option<i64>, f61: Option<i64>, f62: Option<i64>, f63: Option<i64>, f64: Option<i64>,
        f65: i64, f66: i64,
    }

    crate::__private::object!(Wide "an object: `Test.Wide`" {
        opt 0 f00 "f00", opt 1 f01 "f01", opt 2 f02 "f02", opt 3 f03 "f03", opt 4 f04 "f04",
        opt 5 f05 "f05", opt 6 f06 "f06", opt 7 f07 "f07", opt 8 f08 "f08", opt 9 f09 "f09",
        opt 10 f10 "f10", opt 11 f11 "f11", opt 12 f12 "f12", opt 13 f13 "f13", opt 14 f14 "f14",
        opt 15 f15 "f15", opt 16 f16 "f16", opt 17 f17 "f17", opt 18 f18 "f18", opt 19 f19 "f19",
        opt 20 f20 "f20", opt 21 f21 "f21", opt 22 f22 "f22", opt 23 f23 "f23", opt 24 f24 "f24",
        opt 25 f25 "f25", opt 26 f26 "f26", opt 27 f27 "f27", opt 28 f28 "f28", opt 29 f29 "f29",
        opt 30 f30 "f30", opt 31 f31 "f31", opt 32 f32 "f32", opt 33 f33 "f33", opt 34 f34 "f34",
        opt 35 f35 "f35", opt 36 f36 "f36", opt 37 f37 "f37", opt 38 f38 "f38", opt 39 f39 "f39",
        opt 40 f40 "f40", opt 41 f41 "f41", opt 42 f42 "f42", opt 43 f43 "f43", opt 44 f44 "f44",
        opt 45 f45 "f45", opt 46 f46 "f46", opt 47 f47 "f47", opt 48 f48 "f48", opt 49 f49 "f49",
        opt 50 f50 "f50", opt 51 f51 "f51", opt 52 f52 "f52", opt 53 f53 "f53", opt 54 f54 "f54",
        opt 55 f55 "f55", opt 56 f56 "f56", opt 57 f57 "f57", opt 58 f58 "f58", opt 59 f59 "f59",
        opt 60 f60 "f60", opt 61 f61 "f61", opt 62 f62 "f62", opt 63 f63 "f63", opt 64 f64 "f64",
        req 65 f65 "f65", req 66 f66 "f66",
    });

    #[test]
    fn a_struct_may_have_more_than_64_fields() {
        let wide: Wide = serde_json::from_str(r#"{"f66":2,"f64":1,"f65":3,"f00":4}"#).unwrap();
        assert_eq!(
            (wide.f00, wide.f64, wide.f65, wide.f66),
            (Some(4), Some(1), 3, 2)
        );
        let err = decode::<Wide>(r#"{"f65":3}"#).unwrap_err();
        assert_eq!(err, "missing field `f66`");
        assert_eq!(
            serde_json::to_string(&wide).unwrap(),
            r#"{"f00":4,"f64":1,"f65":3,"f66":2}"#
        );
    }

    proptest::proptest! {
        #[test]
        fn any_order_and_any_unknown_keys_decode_to_the_same_struct(
            name in "[a-z\\\\\"\u{e9}]{0,6}",
            size in proptest::option::of(proptest::option::of(proptest::num::i64::ANY)),
            tags in proptest::collection::vec("[a-z]{0,3}", 0..4),
            extra in proptest::option::of(proptest::option::of(0u32..9)),
            unknown in proptest::collection::vec(("[a-z]{1,5}", 0u8..3), 0..4),
            seed in proptest::num::u64::ANY,
        ) {
            let mut entries = vec![
                format!("\"name\":{}", serde_json::to_string(&name).unwrap()),
                format!("\"tags\":{}", serde_json::to_string(&tags).unwrap()),
            ];
            match size {
                None => {}
                Some(None) => entries.push("\"size\":null".to_owned()),
                Some(Some(size)) => entries.push(format!("\"size\":{size}")),
            }
            match extra {
                None => {}
                Some(None) => entries.push("\"extra\":null".to_owned()),
                Some(Some(extra)) => entries.push(format!("\"extra\":[{extra}]")),
            }
            for (key, kind) in &unknown {
                let value = ["1", "{\"a\":[null,\"\\u0041\"]}", "\"x\""][usize::from(*kind)];
                entries.push(format!("\"x{key}\":{value}"));
            }
            // A shuffle from the seed: the order of the keys must not matter.
            let mut order: Vec<(u64, String)> = entries
                .into_iter()
                .enumerate()
                .map(|(at, entry)| (seed.rotate_left(at as u32 * 7) ^ at as u64, entry))
                .collect();
            order.sort();
            let text = format!(
                "{{{}}}",
                order.into_iter().map(|(_, entry)| entry).collect::<Vec<_>>().join(",")
            );
            let expected = Sample {
                name: Counted(name),
                size: size.flatten(),
                tags,
                extra: extra.map(|extra| extra.map_or(Value::Null, |extra| json!([extra]))),
            };
            proptest::prop_assert_eq!(decode::<Sample>(&text), Ok(expected), "{}", text);
        }
    }
}
