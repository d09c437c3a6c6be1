//! What generated code uses, in one stable place.
//!
//! Generated bindings name only `::cdp_runtime::codegen::..` paths, so a crate that holds them
//! needs no direct dependency on `serde` or `serde_json`. Nothing here is meant to be called by
//! hand.

use std::fmt;

use std::borrow::Cow;

use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serializer};

pub use crate::binary::Binary;

// The standard items generated code names, under one short path (`__cdp::Option`) that no
// protocol name can shadow.
pub use std::boxed::Box;
pub use std::clone::Clone;
pub use std::cmp::{Eq, PartialEq};
pub use std::convert::{From, Infallible, Into};
pub use std::default::Default;
pub use std::fmt::{Debug, Display, Formatter};
pub use std::hash::Hash;
pub use std::marker::Copy;
pub use std::option::Option::{self, None, Some};
pub use std::result::Result::{self, Err, Ok};
pub use std::str::FromStr;
pub use std::string::String;
pub use std::vec::Vec;

/// `std::fmt::Result`, for `Display` and `Visitor::expecting` impls.
pub type FmtResult = std::fmt::Result;
pub use crate::{Command, Event, EventOf, EventSet, Newtype, UnknownEvent};
pub use serde;
pub use serde_json;

/// Decodes the string enum `ty` (its protocol name): a value `known` recognises becomes its
/// variant, any other the fallback variant (through `From<String>`), and is noted in a
/// [`DriftReport`](crate::DriftReport) when one is being made.
pub fn deserialize_string_enum<'de, D, T>(
    deserializer: D,
    ty: &'static str,
    known: fn(&str) -> Option<T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    struct StringEnumVisitor<T> {
        ty: &'static str,
        known: fn(&str) -> Option<T>,
    }

    impl<T: From<String>> Visitor<'_> for StringEnumVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok((self.known)(value).unwrap_or_else(|| {
                crate::drift::unknown_value(self.ty, value);
                T::from(value.to_owned())
            }))
        }
    }

    deserializer.deserialize_str(StringEnumVisitor { ty, known })
}

/// Decodes the params of an event the bindings do not know, keeping them whole.
pub fn unknown_event<'de, D, E>(method: &str, params: D) -> Result<E, D::Error>
where
    D: Deserializer<'de>,
    E: From<UnknownEvent>,
{
    <UnknownEvent as EventSet>::deserialize_event(method, params).map(E::from)
}

/// The key of an object field, borrowed from the input unless it holds escapes.
///
/// Generated `Deserialize` impls read keys as this one type and match them as strings, so the
/// key-reading code exists once for all structs rather than once per struct.
pub struct FieldKey<'de>(Cow<'de, str>);

impl FieldKey<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for FieldKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = FieldKey<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Borrowed(key)))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Owned(key)))
            }
        }

        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Serde's `missing field` error naming a required field the object did not hold.
pub fn missing_field<E: de::Error>(field: &'static str) -> E {
    E::missing_field(field)
}

/// Reads the value of a field into its slot: a required field, or an optional `any` field,
/// whose explicit `null` is kept as `Some(Value::Null)`.
pub fn field<'de, A, T>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads the value of an optional field into its slot; `null` leaves it unset.
pub fn optional_field<'de, A, T>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    *slot = map.next_value()?;
    Ok(())
}

/// Skips the value of a key the struct described by `what` (`` an object: `Network.Response` ``)
/// does not know, noting it in a [`DriftReport`](crate::DriftReport) when one is being made.
pub fn skip_value<'de, A: MapAccess<'de>>(
    map: &mut A,
    what: &'static str,
    key: &str,
) -> Result<(), A::Error> {
    crate::drift::unknown_field(what, key);
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// Decodes an object that has no fields the bindings know, such as most command results.
/// Any fields it holds are skipped, and noted as drift.
pub fn deserialize_empty<'de, D: Deserializer<'de>>(
    deserializer: D,
    expecting: &'static str,
) -> Result<(), D::Error> {
    struct EmptyVisitor(&'static str);

    impl<'de> Visitor<'de> for EmptyVisitor {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<FieldKey<'de>>()? {
                skip_value(&mut map, self.0, key.as_str())?;
            }
            Ok(())
        }
    }

    deserializer.deserialize_map(EmptyVisitor(expecting))
}

/// Encodes an object with no fields: `{}`.
pub fn serialize_empty<S: Serializer>(serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_map(Some(0))?.end()
}
