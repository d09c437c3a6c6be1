//! The macros generated code calls, one per kind of item: each expands to the impls of one
//! generated item, so that the generated text is its definition, its docs and one call.
//!
//! Inside them every path is absolute (`$crate::..`, `::core::..`): a protocol type named
//! `Option` or `Result` in the calling module changes nothing.

/// `Serialize`, `Deserialize` and [`Decode`](crate::__private::Decode) of a struct, its
/// [`Struct`](crate::__private::Struct) impl, and for values users build, `new` and setters.
///
/// The struct decodes through [`read_struct`](crate::__private::read_struct), one loop for all
/// structs, and encodes through [`serialize_fields`](crate::__private::serialize_fields): what
/// it adds is the list of its keys, a value of placeholders and a `match` that reads field `i`
/// into its place. Its fields must be those listed, each once, or the placeholder value (a struct
/// literal) does not compile; and it must be a struct, as reading into a union's field would
/// need `unsafe`, which nothing here has. The kind of each field is matched literally: `req`,
/// `opt` or `any`; the indices count from 0 in the order listed (checked at compile time).
///
/// ```text
/// object!(Name "what it is, for errors" {
///     req 0 field "protocolName",     // required
///     opt 1 other "otherName",        // optional: left out when None, null reads as None
///     any 2 value "value",            // optional `any`: an explicit null is kept
/// } new {
///     field: Type,                    // the required fields, in schema order
/// } set {                             // left out when there are no optional fields
///     other "otherName": Type,        // a setter per optional field
/// });
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __object {
    ($name:ident $what:literal {}) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                $crate::__private::serialize_empty(serializer)
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                $crate::__private::deserialize(deserializer)
            }
        }
        impl $crate::__private::Decode for $name {
            fn decode(
                reader: &mut $crate::__private::Reader<'_>,
            ) -> $crate::__private::Read<Self> {
                $crate::__private::read_empty(reader, $what).map(|()| $name {})
            }
            fn placeholder() -> Self {
                $name {}
            }
        }
    };
    ($name:ident $what:literal { $($kind:ident $index:literal $field:ident $key:literal),+ $(,)? }) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                $crate::__private::serialize_fields(
                    serializer,
                    <Self as $crate::__private::Struct>::KEYS,
                    &[$($crate::__object!(@out $kind &self.$field)),+],
                )
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                $crate::__private::deserialize(deserializer)
            }
        }
        impl $crate::__private::Struct for $name {
            const WHAT: &'static str = $what;
            const KEYS: &'static [&'static str] = &[$($key),+];
            const REQUIRED: &'static [bool] = &[$($crate::__object!(@required $kind)),+];
        }
        impl $crate::__private::Fields for $name {
            fn read_field(
                &mut self,
                field: usize,
                reader: &mut $crate::__private::Reader<'_>,
            ) -> $crate::__private::Read<()> {
                // The indices are 0, 1, 2.. in the order listed: checked at compile time.
                const _: () = $crate::__private::check_indices(&[$($index),+]);
                match field {
                    $($index => $crate::__object!(@read $kind &mut self.$field, reader),)+
                    _ => ::core::result::Result::Ok(()),
                }
            }
        }
        impl $crate::__private::Decode for $name {
            fn decode(
                reader: &mut $crate::__private::Reader<'_>,
            ) -> $crate::__private::Read<Self> {
                let mut value = <Self as $crate::__private::Decode>::placeholder();
                // A `match` rather than `?`: with two thousand structs in the full protocol,
                // the `Try` machinery of a `?` per struct costs the compiler more.
                match $crate::__private::read_struct(
                    reader,
                    $what,
                    <Self as $crate::__private::Struct>::KEYS,
                    <Self as $crate::__private::Struct>::REQUIRED,
                    &mut value,
                ) {
                    ::core::result::Result::Ok(()) => ::core::result::Result::Ok(value),
                    ::core::result::Result::Err(err) => ::core::result::Result::Err(err),
                }
            }
            fn placeholder() -> Self {
                $name { $($field: $crate::__object!(@placeholder $kind)),+ }
            }
        }
    };
    ($name:ident $what:literal { $($fields:tt)* } new {} $(set { $($set:tt)* })?) => {
        $crate::__object!($name $what { $($fields)* });
        impl $name {
            /// Creates a value with every optional field unset.
            pub fn new() -> Self {
                $crate::__object!(@new $($($set)*)?)
            }
            $crate::__object!(@set $($($set)*)?);
        }
    };
    (
        $name:ident $what:literal { $($fields:tt)* }
        new { $($req:ident: $req_ty:ty),+ $(,)? } $(set { $($set:tt)* })?
    ) => {
        $crate::__object!($name $what { $($fields)* });
        impl $name {
            /// Creates a value from the required fields, in schema order; the optional ones
            /// start unset.
            pub fn new($($req: impl ::core::convert::Into<$req_ty>),+) -> Self {
                $crate::__object!(@new $($($set)*)? ; $($req)+)
            }
            $crate::__object!(@set $($($set)*)?);
        }
    };
    // The kinds of field, matched literally.
    (@out req $value:expr) => {
        $value
    };
    (@out opt $value:expr) => {
        &$crate::__private::Skip($value)
    };
    (@out any $value:expr) => {
        &$crate::__private::Skip($value)
    };
    (@required req) => {
        true
    };
    (@required opt) => {
        false
    };
    (@required any) => {
        false
    };
    (@read req $place:expr, $reader:ident) => {
        $crate::__private::read_req($place, $reader)
    };
    (@read opt $place:expr, $reader:ident) => {
        $crate::__private::read_opt($place, $reader)
    };
    (@read any $place:expr, $reader:ident) => {
        $crate::__private::read_any($place, $reader)
    };
    (@placeholder req) => {
        $crate::__private::Decode::placeholder()
    };
    (@placeholder opt) => {
        ::core::option::Option::None
    };
    (@placeholder any) => {
        ::core::option::Option::None
    };
    (@new $($(#[$attr:meta])* $opt:ident $key:literal: $opt_ty:ty),* $(,)? $(; $($req:ident)+)?) => {
        Self {
            $($($req: $req.into(),)+)?
            $($opt: ::core::option::Option::None,)*
        }
    };
    (@set $($(#[$attr:meta])* $opt:ident $key:literal: $opt_ty:ty),* $(,)?) => {
        $(
            #[doc = ::core::concat!("Sets the optional field `", $key, "`.")]
            $(#[$attr])*
            #[must_use]
            pub fn $opt(mut self, $opt: impl ::core::convert::Into<$opt_ty>) -> Self {
                self.$opt = ::core::option::Option::Some($opt.into());
                self
            }
        )*
    };
}

/// The impls of a string enum, whose definition lists a variant per value and the fallback:
/// `KNOWN` and `as_str`, [`StringEnum`](crate::__private::StringEnum), `From<&str>`,
/// `From<String>`, `FromStr`,
/// `Display`, `Serialize` and `Deserialize`.
///
/// ```text
/// string_enum!(Name "Domain.Name" Fallback {
///     Variant "protocolValue",
/// });
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum {
    ($name:ident $protocol:literal $fallback:ident { $($variant:ident $value:literal),* $(,)? }) => {
        impl $name {
            /// Every value these bindings know, in schema order.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),*];
            /// The value as it is written in protocol messages.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::$fallback(value) => value,
                }
            }
        }
        impl $crate::__private::StringEnum for $name {
            const NAME: &'static str = $protocol;
            const KNOWN: &'static [Self] = Self::KNOWN;
            const VALUES: &'static [&'static str] = &[$($value),*];
            fn fallback(value: ::std::string::String) -> Self {
                Self::$fallback(value)
            }
        }
        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                $crate::__private::string_enum_from(value)
            }
        }
        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                $crate::__private::string_enum_from_string(value)
            }
        }
        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok($crate::__private::string_enum_from(value))
            }
        }
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                $crate::__private::deserialize_string_enum(deserializer)
            }
        }
        impl $crate::__private::Decode for $name {
            fn decode(
                reader: &mut $crate::__private::Reader<'_>,
            ) -> $crate::__private::Read<Self> {
                $crate::__private::decode_string_enum(reader)
            }
            fn placeholder() -> Self {
                Self::$fallback(::std::string::String::new())
            }
        }
    };
}

/// The impls of a newtype `pub struct Name(pub Stored)` over `Inner`: `Serialize` and
/// `Deserialize` as the stored type, and `From<Inner>`. `newtype!(Name: Inner, unwrap)` adds
/// `From<Name> for Inner` and [`Newtype`](crate::Newtype), for a primitive or array inner type;
/// `newtype!(Name: String, unwrap, str)` adds `From<&str>` too.
#[doc(hidden)]
#[macro_export]
macro_rules! __newtype {
    ($name:ident: $inner:ty $(, $extra:ident)*) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                $crate::__private::serde::Serialize::serialize(&self.0, serializer)
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                $crate::__private::serde::Deserialize::deserialize(deserializer).map(Self)
            }
        }
        impl $crate::__private::Decode for $name {
            fn decode(
                reader: &mut $crate::__private::Reader<'_>,
            ) -> $crate::__private::Read<Self> {
                $crate::__private::Decode::decode(reader).map(Self)
            }
            fn placeholder() -> Self {
                Self($crate::__private::Decode::placeholder())
            }
        }
        impl ::core::convert::From<$inner> for $name {
            fn from(value: $inner) -> Self {
                Self(::core::convert::From::from(value))
            }
        }
        $($crate::__newtype!(@$extra $name: $inner);)*
    };
    (@unwrap $name:ident: $inner:ty) => {
        impl ::core::convert::From<$name> for $inner {
            fn from(value: $name) -> Self {
                value.0
            }
        }
        impl $crate::Newtype for $name {
            type Inner = $inner;
        }
    };
    (@str $name:ident: $inner:ty) => {
        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(::std::string::String::from(value))
            }
        }
    };
}

/// `impl Command for Params { METHOD; type Response = Returns; }`.
#[doc(hidden)]
#[macro_export]
macro_rules! __command {
    ($params:ident -> $returns:ident $method:literal) => {
        impl $crate::Command for $params {
            const METHOD: &'static str = $method;
            type Response = $returns;
        }
    };
}

/// A domain's `Event` enum, a variant per event, with the impls of each event struct:
/// [`Event`](crate::Event), `From<XEvent> for Event`, and [`EventOf`](crate::EventOf) against the
/// root `Event` (the variant `Domain` of `super::Event`).
///
/// ```text
/// events!(Domain "Domain." {
///     Variant(inline XEvent) "Domain.method",
///     Large(boxed YEvent) "Domain.large",   // held as Box<YEvent>: it is large
/// });
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __events {
    ($domain:ident $prefix:literal { $($variant:ident($held:ident $event:ident) $method:literal),+ $(,)? }) => {
        #[doc = ::core::concat!(" Every event of the `", ::core::stringify!($domain), "` domain.")]
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            $(
                #[doc = ::core::concat!("`", $method, "`", $crate::__held_note!($held))]
                $variant($crate::__private::$held::Hold<$event>),
            )+
        }
        impl Event {
            /// The protocol method of this event.
            pub fn method(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => $method,)+
                }
            }
        }
        impl $crate::EventOf<super::Event> for Event {
            fn from_set(event: &super::Event) -> ::core::option::Option<&Self> {
                match event {
                    super::Event::$domain(event) => ::core::option::Option::Some(event),
                    _ => ::core::option::Option::None,
                }
            }
            fn accepts(method: &str) -> bool {
                method.starts_with($prefix)
            }
        }
        $(
            impl $crate::Event for $event {
                const METHOD: &'static str = $method;
            }
            impl ::core::convert::From<$event> for Event {
                fn from(event: $event) -> Self {
                    Self::$variant($crate::__private::$held::wrap(event))
                }
            }
            impl $crate::EventOf<super::Event> for $event {
                fn from_set(event: &super::Event) -> ::core::option::Option<&Self> {
                    match event {
                        super::Event::$domain(Event::$variant(event)) => {
                            ::core::option::Option::Some($crate::__private::$held::get(event))
                        }
                        _ => ::core::option::Option::None,
                    }
                }
                fn accepts(method: &str) -> bool {
                    method == $method
                }
            }
        )+
    };
}

/// The doc note of an event variant held as `events!`'s `inline` or `boxed` says.
#[doc(hidden)]
#[macro_export]
macro_rules! __held_note {
    (inline) => {
        ""
    };
    (boxed) => {
        " (boxed: it is large, and the enum stays small)"
    };
}
