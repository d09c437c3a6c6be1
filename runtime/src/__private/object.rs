//! Structs: one loop reads the keys of every struct, and each struct adds the list of its fields
//! and a slot per field.
//!
//! `object!` gives each struct a static list of its fields' protocol names ([`Struct::KEYS`])
//! and a [`Struct::visit`] that holds a slot per field, in one tuple: an `Option` for a required
//! field, an [`Opt`] for an optional one, an [`Any`] for an optional `any`. It hands the slots,
//! as `&mut dyn Slot`, to [`read_fields`], which is one loop for all structs: it reads each key,
//! finds its field, lets the field's slot read the value, skips (and notes as drift) a key the
//! struct does not know, and checks that every required field came. `visit` then builds the
//! struct from its slots with a struct literal, which names each field once: a list that misses
//! a field, or names one twice, does not compile. Encoding is the same the other way:
//! [`serialize_fields`] writes what [`Out`] makes of each field, in schema order.
//!
//! The cost of this safety is code per struct: `visit` and serde's `deserialize_map` are
//! instantiated for each struct that a program decodes (with the tables of unsafe field offsets
//! this replaced, a struct added only data): `BENCHMARKS.md`, at the repository's root, says
//! what that costs in build time and binary size.
//!
//! Everything here, and everything `object!` expands to, is safe code. It is generic over
//! serde's `MapAccess` and `SerializeMap`, so a struct decodes and encodes the same way on every
//! deserializer and serializer, straight from and into the format: on serde_json's reader (what
//! `decode_message`, `Response::decode` and `serde_json::from_str` use) values are read from
//! the text as they come, and nothing goes through a `serde_json::Value`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use super::FieldKey;

/// A struct that `object!` decodes and encodes. Only `object!` implements it.
pub trait Struct: Sized {
    /// What the struct is, for errors and drift notes (`` an object: `Network.Cookie` ``).
    const WHAT: &'static str;
    /// The protocol names of its fields, in schema order.
    const KEYS: &'static [&'static str];

    /// Decodes the struct from the entries of `map`, through [`read_fields`].
    fn visit<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Where the value of one field goes while its struct is decoded: an `Option` for a required
/// field (`req` in `object!`), an [`Opt`] or an [`Any`] for an optional one.
pub trait Slot<'de, A: MapAccess<'de>> {
    /// Reads the field's value from `map` into the slot, dropping what it held: when a key
    /// comes twice, the last value stands.
    fn read(&mut self, map: &mut A) -> Result<(), A::Error>;

    /// Whether the field is required and was not read.
    fn missing(&self) -> bool;
}

/// The slot of an optional field (`opt` in `object!`): `null` leaves it unset.
pub struct Opt<F>(pub Option<F>);

/// The slot of an optional `any` field (`any` in `object!`): an explicit `null` is kept as
/// `Some(Value::Null)`, so that it encodes back as `null` rather than disappearing.
pub struct Any(pub Option<serde_json::Value>);

impl<'de, A: MapAccess<'de>, F: Deserialize<'de>> Slot<'de, A> for Option<F> {
    fn read(&mut self, map: &mut A) -> Result<(), A::Error> {
        *self = Some(map.next_value()?);
        Ok(())
    }

    fn missing(&self) -> bool {
        self.is_none()
    }
}

impl<'de, A: MapAccess<'de>, F: Deserialize<'de>> Slot<'de, A> for Opt<F> {
    fn read(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.0 = map.next_value()?;
        Ok(())
    }

    fn missing(&self) -> bool {
        false
    }
}

impl<'de, A: MapAccess<'de>> Slot<'de, A> for Any {
    fn read(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.0 = Some(map.next_value()?);
        Ok(())
    }

    fn missing(&self) -> bool {
        false
    }
}

/// The visitor of a [`Struct`], which `object!`'s `Deserialize` impl hands to
/// `deserialize_map`.
pub struct StructVisitor<T>(PhantomData<T>);

impl<T> StructVisitor<T> {
    /// The visitor.
    pub const NEW: Self = StructVisitor(PhantomData);
}

impl<'de, T: Struct> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::WHAT)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit(map)
    }
}

/// The index of the field named `key`, looked for from `next` on first: Chromium sends the
/// fields of an object in schema order, so the field after the last one found is most often it.
fn find(keys: &[&str], key: &str, next: usize) -> Option<usize> {
    let (before, after) = keys.split_at(next.min(keys.len()));
    match after.iter().position(|known| *known == key) {
        Some(at) => Some(next + at),
        None => before.iter().position(|known| *known == key),
    }
}

/// Reads the entries of `map` into `slots`, the slot of each of `keys` (the fields of the
/// struct `what`, in the same order), skipping the keys it does not know, and checks that every
/// required field came.
///
/// Never inlined: it is one loop for all structs, and a copy in each struct's decoder would
/// make every struct pay for it again in code size.
#[inline(never)]
pub fn read_fields<'de, A: MapAccess<'de>>(
    map: &mut A,
    what: &'static str,
    keys: &'static [&'static str],
    slots: &mut [&mut dyn Slot<'de, A>],
) -> Result<(), A::Error> {
    let locating = crate::drift::locating();
    let mut next = 0;
    while let Some(key) = map.next_key::<FieldKey<'de>>()? {
        if locating {
            crate::drift::key_read(key.as_str());
        }
        let found = find(keys, key.as_str(), next);
        match found.and_then(|at| Some((at, slots.get_mut(at)?))) {
            Some((at, slot)) => {
                slot.read(map)?;
                next = at + 1;
            }
            None => super::skip_value(map, what, key.as_str())?,
        }
    }
    match keys
        .iter()
        .zip(slots.iter())
        .find(|(_, slot)| slot.missing())
    {
        Some((key, _)) => Err(de::Error::missing_field(key)),
        None => Ok(()),
    }
}

/// The error `object!` returns for a required field whose slot is empty after [`read_fields`]
/// succeeded, which cannot happen: it is there so that the struct is built without a panic.
#[cold]
pub fn unset<E: de::Error>(what: &'static str) -> E {
    E::custom(format_args!("{what}: a required field was not decoded"))
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
            DROPS.with(|drops| drops.set(drops.get() + 1));
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
        req name "name",
        opt size "size",
        req tags "tags",
        any extra "extra",
    });

    #[derive(Debug, PartialEq)]
    struct Outer {
        inner: Box<Sample>,
        list: Vec<Sample>,
    }

    crate::__private::object!(Outer "an object: `Test.Outer`" {
        req inner "inner",
        req list "list",
    });

    fn sample(name: &str, size: Option<i64>, tags: &[&str], extra: Option<Value>) -> Sample {
        Sample {
            name: Counted(name.to_owned()),
            size,
            tags: tags.iter().map(|tag| (*tag).to_owned()).collect(),
            extra,
        }
    }

    fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|err| err.to_string())
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
        assert_eq!(err, "missing field `tags` at line 1 column 21");
        assert_eq!(
            drops() - before,
            1,
            "`name` was decoded, so it is dropped once"
        );
        let err = decode::<Sample>(r#"{"size":1}"#).unwrap_err();
        assert_eq!(
            err, "missing field `name` at line 1 column 10",
            "the first missing field in schema order"
        );
    }

    #[test]
    fn a_bad_value_is_an_error_and_drops_what_was_decoded_once() {
        let before = drops();
        let err = decode::<Sample>(r#"{"name":"a","tags":[1]}"#).unwrap_err();
        assert_eq!(
            err,
            "invalid type: integer `1`, expected a string at line 1 column 21"
        );
        assert_eq!(drops() - before, 1);
        let err = decode::<Sample>(r#"{"tags":[],"name":5}"#).unwrap_err();
        assert_eq!(
            err,
            "invalid type: integer `5`, expected a string at line 1 column 19"
        );
        assert_eq!(drops() - before, 1, "a value that failed was never made");
        let err = decode::<Sample>("[]").unwrap_err();
        assert!(
            err.starts_with("invalid type: sequence, expected an object: `Test.Sample` at line 1"),
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
        assert_eq!(err, "missing field `tags` at line 1 column 75");
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
        req name "name",
        req boom "boom",
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
        f00: Option<u8>, f01: Option<u8>, f02: Option<u8>, f03: Option<u8>, f04: Option<u8>,
        f05: Option<u8>, f06: Option<u8>, f07: Option<u8>, f08: Option<u8>, f09: Option<u8>,
        f10: Option<u8>, f11: Option<u8>, f12: Option<u8>, f13: Option<u8>, f14: Option<u8>,
        f15: Option<u8>, f16: Option<u8>, f17: Option<u8>, f18: Option<u8>, f19: Option<u8>,
        f20: Option<u8>, f21: Option<u8>, f22: Option<u8>, f23: Option<u8>, f24: Option<u8>,
        f25: Option<u8>, f26: Option<u8>, f27: Option<u8>, f28: Option<u8>, f29: Option<u8>,
        f30: Option<u8>, f31: Option<u8>, f32: Option<u8>, f33: Option<u8>, f34: Option<u8>,
        f35: Option<u8>, f36: Option<u8>, f37: Option<u8>, f38: Option<u8>, f39: Option<u8>,
        f40: Option<u8>, f41: Option<u8>, f42: Option<u8>, f43: Option<u8>, f44: Option<u8>,
        f45: Option<u8>, f46: Option<u8>, f47: Option<u8>, f48: Option<u8>, f49: Option<u8>,
        f50: Option<u8>, f51: Option<u8>, f52: Option<u8>, f53: Option<u8>, f54: Option<u8>,
        f55: Option<u8>, f56: Option<u8>, f57: Option<u8>, f58: Option<u8>, f59: Option<u8>,
        f60: Option<u8>, f61: Option<u8>, f62: Option<u8>, f63: Option<u8>, f64: Option<u8>,
        f65: u8, f66: u8,
    }

    crate::__private::object!(Wide "an object: `Test.Wide`" {
        opt f00 "f00", opt f01 "f01", opt f02 "f02", opt f03 "f03", opt f04 "f04",
        opt f05 "f05", opt f06 "f06", opt f07 "f07", opt f08 "f08", opt f09 "f09",
        opt f10 "f10", opt f11 "f11", opt f12 "f12", opt f13 "f13", opt f14 "f14",
        opt f15 "f15", opt f16 "f16", opt f17 "f17", opt f18 "f18", opt f19 "f19",
        opt f20 "f20", opt f21 "f21", opt f22 "f22", opt f23 "f23", opt f24 "f24",
        opt f25 "f25", opt f26 "f26", opt f27 "f27", opt f28 "f28", opt f29 "f29",
        opt f30 "f30", opt f31 "f31", opt f32 "f32", opt f33 "f33", opt f34 "f34",
        opt f35 "f35", opt f36 "f36", opt f37 "f37", opt f38 "f38", opt f39 "f39",
        opt f40 "f40", opt f41 "f41", opt f42 "f42", opt f43 "f43", opt f44 "f44",
        opt f45 "f45", opt f46 "f46", opt f47 "f47", opt f48 "f48", opt f49 "f49",
        opt f50 "f50", opt f51 "f51", opt f52 "f52", opt f53 "f53", opt f54 "f54",
        opt f55 "f55", opt f56 "f56", opt f57 "f57", opt f58 "f58", opt f59 "f59",
        opt f60 "f60", opt f61 "f61", opt f62 "f62", opt f63 "f63", opt f64 "f64",
        req f65 "f65", req f66 "f66",
    });

    #[test]
    fn a_struct_may_have_more_than_64_fields() {
        let wide: Wide = serde_json::from_str(r#"{"f66":2,"f64":1,"f65":3,"f00":4}"#).unwrap();
        assert_eq!(
            (wide.f00, wide.f64, wide.f65, wide.f66),
            (Some(4), Some(1), 3, 2)
        );
        let err = decode::<Wide>(r#"{"f65":3}"#).unwrap_err();
        assert_eq!(err, "missing field `f66` at line 1 column 9");
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
