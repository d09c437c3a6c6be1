//! What generated code uses, in one place: not public API.
//!
//! Generated bindings name only `::cdp_runtime::__private::..` paths (as `__cdp::..`), so a crate
//! that holds them needs no direct dependency on `serde` or `serde_json`. Nothing here is meant
//! to be used by hand, and anything here may change in any release, as the generator that
//! writes calls to it changes with it (the same version of `cdp-codegen` and `cdp-runtime`).
//!
//! Most of what each generated item needs besides its definition is written once, here: the
//! macros of [`macros`] expand to the impls of a struct (`object!`), a string enum
//! (`string_enum!`), a newtype (`newtype!`), a command (`command!`) and a domain's events
//! (`events!`), and the code they expand to calls the generic helpers below. Generated text is
//! then mostly the definitions and their docs.
//!
//! Structs decode through one loop for all of them ([`read_struct`]), on the protocol's own
//! reader ([`Reader`]): what a struct adds is the list of its keys and a function that reads
//! field `i` into its place, not a decoder generic over serde's deserializers (see the `object`
//! module).
//! Everything here, and everything the macros expand to, is safe code.

pub mod macros;
mod object;

pub use object::{
    deserialize, forget_fault, read_any, read_empty, read_opt, read_req, read_struct,
    serialize_fields, take_fault, Fields, Out, Skip, Struct,
};

pub use crate::read::{Decode, Read, ReadError, Reader};

pub use crate::{
    __command as command, __events as events, __newtype as newtype, __object as object,
    __string_enum as string_enum,
};

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Visitor};
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

/// A generated string enum: its known values, their protocol text, and its fallback variant.
/// `string_enum!` implements it; the impls every string enum has call the helpers below
/// through it.
pub trait StringEnum: Sized + Clone + 'static {
    /// The protocol name of the enum (`Network.ResourceType`), for drift notes.
    const NAME: &'static str;
    /// Every known value, in schema order.
    const KNOWN: &'static [Self];
    /// The protocol text of each of [`StringEnum::KNOWN`], in the same order.
    const VALUES: &'static [&'static str];

    /// The fallback variant, holding a value the bindings do not know.
    fn fallback(value: String) -> Self;
}

/// The known variant whose protocol text is `value`.
#[inline]
pub fn known<T: StringEnum>(value: &str) -> Option<T> {
    T::VALUES
        .iter()
        .position(|known| *known == value)
        .map(|index| T::KNOWN[index].clone())
}

/// The variant for `value`: a known one, or the fallback holding it.
pub fn string_enum_from<T: StringEnum>(value: &str) -> T {
    known(value).unwrap_or_else(|| T::fallback(value.to_owned()))
}

/// The variant for `value`: a known one, or the fallback holding it, without a copy.
pub fn string_enum_from_string<T: StringEnum>(value: String) -> T {
    known(&value).unwrap_or_else(|| T::fallback(value))
}

/// Decodes the string enum `T`: a value it knows becomes its variant, any other the fallback
/// variant, and is noted in a [`DriftReport`](crate::DriftReport) when one is being made.
pub fn deserialize_string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: StringEnum,
{
    struct StringEnumVisitor<T>(std::marker::PhantomData<T>);

    impl<T: StringEnum> Visitor<'_> for StringEnumVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok(known(value).unwrap_or_else(|| {
                crate::drift::unknown_value(T::NAME, value);
                T::fallback(value.to_owned())
            }))
        }
    }

    deserializer.deserialize_str(StringEnumVisitor(std::marker::PhantomData))
}

/// Reads the string enum `T`, as [`deserialize_string_enum`] does.
pub fn decode_string_enum<T: StringEnum>(reader: &mut Reader<'_>) -> Read<T> {
    let text = reader.str()?;
    Ok(known(&text).unwrap_or_else(|| {
        crate::drift::unknown_value(T::NAME, &text);
        T::fallback(text.into_owned())
    }))
}

/// Checks, at compile time, that `object!`'s field indices count 0, 1, 2.. in order.
pub const fn check_indices(indices: &[usize]) {
    let mut at = 0;
    while at < indices.len() {
        assert!(
            indices[at] == at,
            "object!: the field indices must count 0, 1, 2.. in the order listed"
        );
        at += 1;
    }
}

/// Decodes the params of an event the bindings do not know, keeping them whole.
pub fn unknown_event<E: From<UnknownEvent>>(method: &str, params: &mut Reader<'_>) -> Read<E> {
    <UnknownEvent as EventSet>::decode_event(method, params).map(E::from)
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

/// Encodes an object with no fields: `{}`.
pub fn serialize_empty<S: Serializer>(serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_map(Some(0))?.end()
}

/// An event held as it is in its domain's `Event`: see `events!`.
pub mod inline {
    /// How the domain's `Event` holds it.
    pub type Hold<T> = T;

    /// The event, as held.
    #[inline]
    pub fn wrap<T>(event: T) -> T {
        event
    }

    /// The event inside what holds it.
    #[inline]
    pub fn get<T>(held: &T) -> &T {
        held
    }
}

/// A large event, held boxed in its domain's `Event` so that the enum stays small.
pub mod boxed {
    /// How the domain's `Event` holds it.
    pub type Hold<T> = Box<T>;

    /// The event, as held.
    #[inline]
    pub fn wrap<T>(event: T) -> Box<T> {
        Box::new(event)
    }

    /// The event inside what holds it.
    #[inline]
    #[allow(clippy::borrowed_box)] // `events!` calls `get` on what the variant holds.
    pub fn get<T>(held: &Box<T>) -> &T {
        held
    }
}
