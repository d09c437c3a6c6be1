//! Structs decoded from static field tables.
//!
//! `object!` gives each generated struct a [`Table`]: a list of its fields, each with its
//! protocol name, where it lies in the struct, and the [`FieldVt`] of its type. One loop, here,
//! decodes every struct from its table: the code a struct adds to a program is its table and a
//! few lines that call the loop, not a decoder of its own. The decoder of each field type (one
//! for `String`, one for `Vec<network::Cookie>`, ..) is shared by every field of that type.
//!
//! Decoding runs on serde_json's deserializer over a `&str` ([`Json`]), which is what
//! [`decode_message`](crate::decode_message) and [`Response::decode`](crate::Response::decode)
//! use. A struct's `Deserialize` impl recognizes that deserializer (by type id) and runs the
//! table on it directly; any other deserializer (`serde_json::from_value`, a reader, another
//! format) first reads the value as a `serde_json::Value`, which the table then decodes.
//! Encoding is the same the other way: the table writes straight into serde_json's serializer
//! into a `Vec<u8>` (`encode_request`, `serde_json::to_string`), and any other serializer is
//! handed what that writes, in its order.

use std::fmt;
use std::marker::PhantomData;
use std::mem::{ManuallyDrop, MaybeUninit};

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, Visitor};
use serde::ser::{self, SerializeMap};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::FieldKey;

/// serde_json's deserializer over a `&str`: the one a table decodes from.
pub type Json<'de> = serde_json::Deserializer<serde_json::de::StrRead<'de>>;

/// The most fields a table may have: which fields are set is kept in a `u64`.
pub const MAX_FIELDS: usize = 64;

/// serde_json's serializer into a `Vec<u8>`: the one a table encodes with
/// ([`encode_request`](crate::encode_request) and `serde_json::to_string` use it).
pub type JsonOut<'w> = serde_json::Serializer<&'w mut Vec<u8>>;

/// How fields of one type are decoded, filled in when absent, and dropped.
pub struct FieldVt {
    decode: for<'a, 'de> unsafe fn(&'a mut Json<'de>, *mut u8) -> Result<(), serde_json::Error>,
    absent: Option<unsafe fn(*mut u8)>,
    drop: unsafe fn(*mut u8),
}

/// How fields of one type are left out of what is encoded, and encoded.
///
/// Apart from [`FieldVt`], so that a program that only decodes links no encoder (encoding reads
/// the names and offsets of [`Table::FIELDS`], so it links the decoders too).
pub struct OutVt {
    /// Whether the field is left out: set for optional fields.
    skip: Option<unsafe fn(*const u8) -> bool>,
    encode: for<'a, 'w> unsafe fn(*const u8, &'a mut JsonOut<'w>) -> Result<(), serde_json::Error>,
}

/// One field of a [`Table`].
pub struct Field {
    key: &'static str,
    offset: usize,
    vt: &'static FieldVt,
}

impl fmt::Debug for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Field")
            .field("key", &self.key)
            .field("offset", &self.offset)
            .field("required", &self.vt.absent.is_none())
            .finish()
    }
}

/// A struct decoded from its table. Only `object!` implements it.
///
/// `object!` takes each field's type and offset from the field's address, and checks that the
/// field is aligned, so that a `#[repr(packed)]` struct gets no table:
///
/// ```
/// struct Ok { flag: u8, count: u32 }
/// cdp_runtime::codegen::object!(Ok "an object" { req flag "flag", req count "count" });
/// let ok: Ok = serde_json::from_str(r#"{"flag": 1, "count": 2}"#).unwrap();
/// assert_eq!((ok.flag, ok.count), (1, 2));
/// ```
///
/// ```compile_fail
/// #[repr(packed)]
/// struct Packed { flag: u8, count: u32 }
/// cdp_runtime::codegen::object!(Packed "an object" { req flag "flag", req count "count" });
/// let packed: Packed = serde_json::from_str(r#"{"flag": 1, "count": 2}"#).unwrap();
/// ```
///
/// # Safety
///
/// [`Table::FIELDS`] lists every field of the struct exactly once, each at its offset, aligned
/// for its type (the struct is not `#[repr(packed)]`), and with the [`FieldVt`] of its own type:
/// decoding writes each field through that entry, and takes the struct as initialized once every
/// entry is. [`Table::OUT`] has as many entries, in the same order, each the [`OutVt`] of the
/// same field's type: encoding reads each field through it.
pub unsafe trait Table: Sized {
    /// What the struct is, for errors and drift notes (`` an object: `Network.Cookie` ``).
    const WHAT: &'static str;
    /// Its fields, in schema order.
    const FIELDS: &'static [Field];
    /// How each of [`Table::FIELDS`] is encoded, in the same order.
    const OUT: &'static [&'static OutVt];
}

/// The vtables of field type `F`, one per way a field of it can be written.
struct Vt<F>(PhantomData<F>);

impl<F: DeserializeOwned + Serialize> Vt<F> {
    const REQUIRED: FieldVt = FieldVt {
        decode: decode_at::<F>,
        absent: None,
        drop: drop_at::<F>,
    };
    const OPTIONAL: FieldVt = FieldVt {
        decode: decode_at::<Option<F>>,
        absent: Some(write_none::<F>),
        drop: drop_at::<Option<F>>,
    };
    const REQUIRED_OUT: OutVt = OutVt {
        skip: None,
        encode: encode_at::<F>,
    };
    const OPTIONAL_OUT: OutVt = OutVt {
        skip: Some(is_none::<F>),
        encode: encode_at::<Option<F>>,
    };
}

/// An optional `any` field: an explicit `null` is kept as `Some(Value::Null)`.
const ANY: FieldVt = FieldVt {
    decode: decode_some_value,
    absent: Some(write_none::<serde_json::Value>),
    drop: drop_at::<Option<serde_json::Value>>,
};

/// An optional `any` field, set, is encoded even when it is `null`.
const ANY_OUT: OutVt = OutVt {
    skip: Some(is_none::<serde_json::Value>),
    encode: encode_at::<Option<serde_json::Value>>,
};

/// # Safety
///
/// `at` is valid for a write of an `F`, and holds no value that needs dropping.
unsafe fn decode_at<F: DeserializeOwned>(
    json: &mut Json<'_>,
    at: *mut u8,
) -> Result<(), serde_json::Error> {
    let value = F::deserialize(json)?;
    // SAFETY: as the caller promises.
    unsafe { at.cast::<F>().write(value) };
    Ok(())
}

/// # Safety
///
/// As [`decode_at`], for an `Option<serde_json::Value>`.
unsafe fn decode_some_value(json: &mut Json<'_>, at: *mut u8) -> Result<(), serde_json::Error> {
    let value = serde_json::Value::deserialize(json)?;
    // SAFETY: as the caller promises.
    unsafe { at.cast::<Option<serde_json::Value>>().write(Some(value)) };
    Ok(())
}

/// # Safety
///
/// `at` is valid for a write of an `Option<F>`.
unsafe fn write_none<F>(at: *mut u8) {
    // SAFETY: as the caller promises.
    unsafe { at.cast::<Option<F>>().write(None) }
}

/// # Safety
///
/// `at` holds an initialized `F`, which is not used again.
unsafe fn drop_at<F>(at: *mut u8) {
    // SAFETY: as the caller promises.
    unsafe { at.cast::<F>().drop_in_place() }
}

/// # Safety
///
/// `at` holds an initialized `Option<F>`.
unsafe fn is_none<F>(at: *const u8) -> bool {
    // SAFETY: as the caller promises.
    unsafe { (*at.cast::<Option<F>>()).is_none() }
}

/// # Safety
///
/// `at` holds an initialized `F`.
unsafe fn encode_at<F: Serialize>(
    at: *const u8,
    out: &mut JsonOut<'_>,
) -> Result<(), serde_json::Error> {
    // SAFETY: as the caller promises.
    unsafe { &*at.cast::<F>() }.serialize(out)
}

/// `offset`, checked to be where a field of type `F` can lie in a `T`: aligned for `F`, in a
/// `T` aligned at least as strictly. A field of a `#[repr(packed)]` struct fails it, so such a
/// struct does not compile once its table is used (tables are evaluated at compile time).
const fn aligned<T, F>(offset: usize) -> usize {
    assert!(
        offset % std::mem::align_of::<F>() == 0
            && std::mem::align_of::<T>() % std::mem::align_of::<F>() == 0,
        "a table field must be aligned for its type: no #[repr(packed)] struct has a table"
    );
    offset
}

/// Where `field` lies in the value at `base`, checked [`aligned`].
///
/// # Safety
///
/// `field` points to a field of the value `base` points to.
const unsafe fn offset<T, F>(base: *const T, field: *const F) -> usize {
    // SAFETY: both point into the value at `base`, and a field is not before its value.
    let offset = unsafe { field.cast::<u8>().offset_from(base.cast::<u8>()) } as usize;
    aligned::<T, F>(offset)
}

/// The entry of a required field (`req` in `object!`).
///
/// # Safety
///
/// `field` points to a field of the value `base` points to (it need not be initialized); the
/// entry takes the field's type from it.
pub const unsafe fn required<T, F: DeserializeOwned + Serialize>(
    base: *const T,
    field: *const F,
    key: &'static str,
) -> Field {
    Field {
        key,
        // SAFETY: as the caller promises.
        offset: unsafe { offset(base, field) },
        vt: &Vt::<F>::REQUIRED,
    }
}

/// The entry of an optional field (`opt`): absent or `null`, it is `None`.
///
/// # Safety
///
/// As [`required`].
pub const unsafe fn optional<T, F: DeserializeOwned + Serialize>(
    base: *const T,
    field: *const Option<F>,
    key: &'static str,
) -> Field {
    Field {
        key,
        // SAFETY: as the caller promises.
        offset: unsafe { offset(base, field) },
        vt: &Vt::<F>::OPTIONAL,
    }
}

/// The entry of an optional `any` field (`any`): absent, it is `None`; `null` is kept.
///
/// # Safety
///
/// As [`required`].
pub const unsafe fn any<T>(
    base: *const T,
    field: *const Option<serde_json::Value>,
    key: &'static str,
) -> Field {
    Field {
        key,
        // SAFETY: as the caller promises.
        offset: unsafe { offset(base, field) },
        vt: &ANY,
    }
}

/// How a required field of type `F` is encoded (`req` in `object!`'s `Table::OUT`).
pub const fn required_out<F: DeserializeOwned + Serialize>(_field: *const F) -> &'static OutVt {
    &Vt::<F>::REQUIRED_OUT
}

/// How an optional field is encoded (`opt`).
pub const fn optional_out<F: DeserializeOwned + Serialize>(
    _field: *const Option<F>,
) -> &'static OutVt {
    &Vt::<F>::OPTIONAL_OUT
}

/// How an optional `any` field is encoded (`any`).
pub const fn any_out(_field: *const Option<serde_json::Value>) -> &'static OutVt {
    &ANY_OUT
}

/// `value` as a `B`, when `A` and `B` are one type (lifetimes aside); else `value` back.
///
/// # Safety
///
/// Where `A` and `B` differ only in lifetimes, the caller makes sure those of `B` hold.
unsafe fn same_type<A, B>(value: A) -> Result<B, A> {
    if typeid::of::<A>() == typeid::of::<B>() {
        let value = ManuallyDrop::new(value);
        // SAFETY: one type, so one size and layout; `value` is not dropped.
        Ok(unsafe { std::mem::transmute_copy::<A, B>(&value) })
    } else {
        Err(value)
    }
}

/// `deserializer` as the [`Json`] it is, when it is one.
fn as_json<'a, 'de, D: Deserializer<'de> + 'a>(deserializer: D) -> Result<&'a mut Json<'de>, D> {
    // SAFETY: if `D` is `&'x mut Json<'y>`, then `'x: 'a` (`D: 'a`), and `'y` is `'de`:
    // serde_json implements `Deserializer<'de>` for `&mut Deserializer<R>` where
    // `R: Read<'de>`, and `StrRead<'y>` implements `Read<'y>` alone.
    unsafe { same_type::<D, &'a mut Json<'de>>(deserializer) }
}

/// serde_json's error as the error type `E` of the deserializer that was a [`Json`].
fn json_error<E: de::Error>(err: serde_json::Error) -> E {
    // SAFETY: serde_json::Error has no lifetimes.
    match unsafe { same_type::<serde_json::Error, E>(err) } {
        Ok(err) => err,
        Err(err) => E::custom(err),
    }
}

/// Decodes a [`Table`] struct: `object!`'s `Deserialize` impl.
#[inline]
pub fn deserialize_table<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Table,
{
    match as_json(deserializer) {
        Ok(json) => decode_table(json).map_err(json_error),
        Err(other) => {
            let value = serde_json::Value::deserialize(other)?;
            let text = value.to_string();
            decode_table(&mut serde_json::Deserializer::from_str(&text))
                .map_err(|err| de::Error::custom(without_position(&err)))
        }
    }
}

/// serde_json's message for `err` without its position, which is in a text only this module
/// saw.
fn without_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let position = format!(" at line {} column {}", err.line(), err.column());
    match text.strip_suffix(&position) {
        Some(message) => message.to_owned(),
        None => text,
    }
}

/// Decodes a [`Table`] struct from `json`.
fn decode_table<T: Table>(json: &mut Json<'_>) -> Result<T, serde_json::Error> {
    const {
        assert!(
            T::FIELDS.len() <= MAX_FIELDS,
            "a table has at most 64 fields: which are set is kept in a u64"
        );
    }
    let mut value = MaybeUninit::<T>::uninit();
    decode_fields(json, T::WHAT, T::FIELDS, value.as_mut_ptr().cast())?;
    // SAFETY: `decode_fields` succeeded, so it initialized every field of `T::FIELDS`, which
    // are all of `T`'s (`Table`'s contract).
    Ok(unsafe { value.assume_init() })
}

/// Decodes the fields of `fields` from a JSON object into `out`, initializing all of them, or
/// none when it fails.
fn decode_fields(
    json: &mut Json<'_>,
    what: &'static str,
    fields: &'static [Field],
    out: *mut u8,
) -> Result<(), serde_json::Error> {
    if fields.len() > MAX_FIELDS {
        return Err(de::Error::custom(format_args!(
            "{what} has more than {MAX_FIELDS} fields, which bindings cannot decode"
        )));
    }
    let visitor = FieldsVisitor {
        what,
        fields,
        out,
        locating: crate::drift::locating(),
    };
    de::Deserializer::deserialize_map(json, visitor)
}

struct FieldsVisitor {
    what: &'static str,
    fields: &'static [Field],
    out: *mut u8,
    /// Whether a drift report is looking for where its notes were made.
    locating: bool,
}

/// The index of the field named `key`, looked for from `next` on first: Chromium sends the
/// fields of an object in schema order, so the field after the last one found is most often it.
fn find(fields: &[Field], key: &str, next: usize) -> Option<usize> {
    let (before, after) = fields.split_at(next.min(fields.len()));
    match after.iter().position(|field| field.key == key) {
        Some(at) => Some(next + at),
        None => before.iter().position(|field| field.key == key),
    }
}

impl FieldsVisitor {
    /// Drops the fields whose bit is set in `set`.
    ///
    /// # Safety
    ///
    /// The fields whose bit is set are initialized, and not used again.
    unsafe fn drop_set(&self, set: u64) {
        for (at, field) in self.fields.iter().enumerate() {
            if set & (1 << at) != 0 {
                // SAFETY: as the caller promises.
                unsafe { (field.vt.drop)(self.out.add(field.offset)) };
            }
        }
    }

    /// Reads the object's fields; on error, the bits of those it set are left in `set`.
    fn read<'de, A: MapAccess<'de>>(&self, map: &mut A, set: &mut u64) -> Result<(), A::Error> {
        let mut next = 0;
        while let Some(key) = map.next_key::<FieldKey<'de>>()? {
            if self.locating {
                crate::drift::key_read(key.as_str());
            }
            let Some(at) = find(self.fields, key.as_str(), next) else {
                super::skip_value(map, self.what, key.as_str())?;
                continue;
            };
            next = at + 1;
            let field = &self.fields[at];
            // SAFETY: `out` is the struct being decoded, and `offset` that of one of its fields.
            let place = unsafe { self.out.add(field.offset) };
            if *set & (1 << at) != 0 {
                // A key sent twice: the last value stands.
                *set &= !(1 << at);
                // SAFETY: its bit was set, so the field holds a value.
                unsafe { (field.vt.drop)(place) };
            }
            map.next_value_seed(FieldSeed {
                vt: field.vt,
                place,
            })?;
            *set |= 1 << at;
        }
        for (at, field) in self.fields.iter().enumerate() {
            if *set & (1 << at) == 0 {
                match field.vt.absent {
                    // SAFETY: the field is not initialized, and its place is valid for it.
                    Some(absent) => unsafe { absent(self.out.add(field.offset)) },
                    None => return Err(de::Error::missing_field(field.key)),
                }
                *set |= 1 << at;
            }
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Drops the fields decoded so far if reading fails or panics.
        struct Partial<'v> {
            visitor: &'v FieldsVisitor,
            set: u64,
        }

        impl Drop for Partial<'_> {
            fn drop(&mut self) {
                // SAFETY: the bits of `set` are those of the fields decoded and not handed over.
                unsafe { self.visitor.drop_set(self.set) };
            }
        }

        let mut partial = Partial {
            visitor: &self,
            set: 0,
        };
        self.read(&mut map, &mut partial.set)?;
        // Every field is set, and now the caller's.
        partial.set = 0;
        Ok(())
    }
}

/// Decodes one field's value into its place.
struct FieldSeed {
    vt: &'static FieldVt,
    place: *mut u8,
}

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match as_json(deserializer) {
            // SAFETY: `place` is the field's, uninitialized, of the type of `vt`.
            Ok(json) => unsafe { (self.vt.decode)(json, self.place) }.map_err(json_error),
            // Tables only ever run on a `Json`: `decode_fields` is their one entry.
            Err(_) => Err(de::Error::custom(
                "a table field read from a deserializer other than serde_json's over a &str",
            )),
        }
    }
}

/// `serializer` as the [`JsonOut`] it is, when it is one.
fn as_json_out<'a, S: Serializer + 'a>(serializer: S) -> Result<&'a mut JsonOut<'a>, S> {
    // SAFETY: if `S` is `&'x mut JsonOut<'w>`, then `'x: 'a` (`S: 'a`) and `'w: 'x`. Giving the
    // writer the shorter `'a` behind `&mut` is no subtyping step: it holds because the result
    // only ever reaches serde_json's own `Serializer` impls and `encode_at`, which write through
    // the serializer and never store another `JsonOut` in its place. No code may ever do that
    // with it (to send output to a scratch buffer, say).
    unsafe { same_type::<S, &'a mut JsonOut<'a>>(serializer) }
}

/// What a serializer that was a [`JsonOut`] returns, from what the table's encoding returned.
fn json_ok<S: Serializer>(result: Result<(), serde_json::Error>) -> Result<S::Ok, S::Error> {
    match result {
        // SAFETY: `()` has no lifetimes.
        Ok(()) => unsafe { same_type::<(), S::Ok>(()) }
            .map_err(|()| ser::Error::custom("a serializer of serde_json's that returns a value")),
        // SAFETY: serde_json::Error has no lifetimes.
        Err(err) => Err(
            match unsafe { same_type::<serde_json::Error, S::Error>(err) } {
                Ok(err) => err,
                Err(err) => ser::Error::custom(err),
            },
        ),
    }
}

/// Encodes a [`Table`] struct: `object!`'s `Serialize` impl.
///
/// On serde_json's serializer into a `Vec<u8>`, the table writes the object directly; any
/// other serializer (`serde_json::to_value`, a pretty printer, another format) is given what
/// that text holds, in the same order (`serde_transcode`).
#[inline]
pub fn serialize_table<S: Serializer, T: Table>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let at = (value as *const T).cast::<u8>();
    match as_json_out(serializer) {
        // SAFETY: `at` is an initialized `T`, whose fields `T::FIELDS` lists (`Table`).
        Ok(out) => json_ok::<S>(unsafe { encode_fields(out, T::FIELDS, T::OUT, at) }),
        Err(other) => {
            let mut text = Vec::new();
            let out = &mut serde_json::Serializer::new(&mut text);
            // SAFETY: as above.
            unsafe { encode_fields(out, T::FIELDS, T::OUT, at) }.map_err(ser::Error::custom)?;
            // Through serde's data model again, in the same order.
            serde_transcode::transcode(&mut serde_json::Deserializer::from_slice(&text), other)
        }
    }
}

/// Writes the fields of `fields` of the value at `at` as a JSON object, in table order, leaving
/// out the optional fields that are not set.
///
/// # Safety
///
/// `at` is an initialized value whose fields `fields` lists, and `vts` says how to encode
/// each of them.
unsafe fn encode_fields(
    out: &mut JsonOut<'_>,
    fields: &'static [Field],
    vts: &'static [&'static OutVt],
    at: *const u8,
) -> Result<(), serde_json::Error> {
    let mut map = out.serialize_map(None)?;
    for (field, &vt) in fields.iter().zip(vts) {
        // SAFETY: `offset` is that of a field of the value at `at`.
        let place = unsafe { at.add(field.offset) };
        // SAFETY: the field is initialized, of the type of `vt`.
        if vt.skip.is_some_and(|skip| unsafe { skip(place) }) {
            continue;
        }
        map.serialize_key(field.key)?;
        map.serialize_value(&FieldOut { vt, place })?;
    }
    map.end()
}

/// Encodes one field's value.
struct FieldOut {
    vt: &'static OutVt,
    place: *const u8,
}

impl Serialize for FieldOut {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match as_json_out(serializer) {
            // SAFETY: `place` is the field's, initialized, of the type of `vt`.
            Ok(out) => json_ok::<S>(unsafe { (self.vt.encode)(self.place, out) }),
            // A map of a `JsonOut` hands its values to the same `JsonOut`.
            Err(_) => Err(ser::Error::custom(
                "a table field written to a serializer other than serde_json's into a Vec<u8>",
            )),
        }
    }
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

    crate::codegen::object!(Sample "an object: `Test.Sample`" {
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

    crate::codegen::object!(Outer "an object: `Test.Outer`" {
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
    fn nested_and_boxed_tables_decode() {
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
    fn other_deserializers_read_a_value_first() {
        let value = json!({"tags": ["x"], "name": "a", "unknown": true, "extra": null});
        let from_value = serde_json::from_value::<Sample>(value);
        assert_eq!(
            from_value.map_err(|err| err.to_string()),
            Ok(sample("a", None, &["x"], Some(Value::Null)))
        );
        let err = serde_json::from_value::<Sample>(json!({"name": "a"})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "missing field `tags`",
            "no position: it would be in a text the caller never saw"
        );
        let from_slice =
            serde_json::from_slice::<Outer>(br#"{"inner":{"name":"a","tags":[]},"list":[]}"#);
        assert!(from_slice.is_ok(), "{from_slice:?}");
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

    crate::codegen::object!(Fragile "an object: `Test.Fragile`" {
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
    fn the_table_lists_every_field_at_its_offset() {
        use super::Table;
        let fields = Sample::FIELDS;
        let keys: Vec<&str> = fields.iter().map(|field| field.key).collect();
        assert_eq!(keys, ["name", "size", "tags", "extra"]);
        let value = sample("a", None, &[], None);
        let base = std::ptr::addr_of!(value) as usize;
        let offsets: Vec<usize> = fields.iter().map(|field| field.offset).collect();
        assert_eq!(
            offsets,
            [
                std::ptr::addr_of!(value.name) as usize - base,
                std::ptr::addr_of!(value.size) as usize - base,
                std::ptr::addr_of!(value.tags) as usize - base,
                std::ptr::addr_of!(value.extra) as usize - base,
            ]
        );
        let required: Vec<bool> = fields
            .iter()
            .map(|field| field.vt.absent.is_none())
            .collect();
        assert_eq!(required, [true, false, true, false]);
        let skipped: Vec<bool> = Sample::OUT.iter().map(|vt| vt.skip.is_some()).collect();
        assert_eq!(
            skipped,
            [false, true, false, true],
            "optional fields are left out when unset"
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
