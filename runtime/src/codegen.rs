//! What generated code uses, in one stable place.
//!
//! Generated bindings name only `::cdp_runtime::codegen::..` paths, so a crate that holds them
//! needs no direct dependency on `serde` or `serde_json`. Nothing here is meant to be called by
//! hand.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Visitor};
use serde::Deserializer;

pub use crate::{Command, Event, EventSet, UnknownEvent};
pub use serde;
pub use serde_json;

/// Decodes a string enum whose type converts from any string, known or not.
///
/// Known values borrow the input; only a value the enum does not know is copied, into the
/// enum's fallback variant.
pub fn deserialize_string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct StringEnumVisitor<T>(PhantomData<T>);

    impl<T> Visitor<'_> for StringEnumVisitor<T>
    where
        T: for<'a> From<&'a str> + From<String>,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }

        fn visit_string<E: de::Error>(self, value: String) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(StringEnumVisitor(PhantomData))
}

/// Decodes the params of an event the bindings do not know, keeping them whole.
pub fn unknown_event<'de, D, E>(method: &str, params: D) -> Result<E, D::Error>
where
    D: Deserializer<'de>,
    E: From<UnknownEvent>,
{
    <UnknownEvent as EventSet>::deserialize_event(method, params).map(E::from)
}
