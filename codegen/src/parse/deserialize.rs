//! serde's `Deserialize` for the schema structs, written by hand: serde's derive is a proc
//! macro, and would make every build script that uses cdp-codegen compile `syn`.
//!
//! They read as the derive read them, so a bad schema gets the same words: a known key given
//! twice is refused (`duplicate field`), a required one absent is `missing field`, any other key
//! is skipped. A type's keys (`$ref`, `type`, ..) are read in the same object as its `id` or
//! `name` rather than through `#[serde(flatten)]`, which would buffer them and so lose the
//! path of a bad value inside them (`domains[0].types[0]` instead of
//! `domains[0].types[0].enum[1]`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error as _, IgnoredAny, MapAccess, Visitor};

use super::{Command, Domain, Event, Property, Schema, Shape, TypeDef, Version};

/// A schema struct, read from the keys of one JSON object.
trait FromObject: Sized {
    /// The name in `expected struct ..`.
    const NAME: &'static str;

    fn read<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: FromObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read(map)
    }
}

macro_rules! deserialize_from_object {
    ($($ty:ident),*) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_map(ObjectVisitor::<Self>(PhantomData))
            }
        }
    )*};
}

deserialize_from_object!(Schema, Version, Domain, TypeDef, Shape, Property, Command, Event);

/// Reads the value of `key` into its slot, which must still be empty.
fn value<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    key: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// The value of a key that must be given.
fn required<T, E: serde::de::Error>(slot: Option<T>, key: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(key))
}

/// The keys of a type description, which [`TypeDef`] and [`Property`] hold beside their own.
#[derive(Default)]
struct ShapeKeys {
    reference: Option<Option<String>>,
    kind: Option<Option<String>>,
    values: Option<Option<Vec<String>>>,
    items: Option<Option<Box<Shape>>>,
    properties: Option<Option<Vec<Property>>>,
}

impl ShapeKeys {
    /// Reads the value of `key` if it is a type description's, and skips it otherwise.
    fn read_or_skip<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match key {
            "$ref" => value(map, &mut self.reference, "$ref"),
            "type" => value(map, &mut self.kind, "type"),
            "enum" => value(map, &mut self.values, "enum"),
            "items" => value(map, &mut self.items, "items"),
            "properties" => value(map, &mut self.properties, "properties"),
            _ => map.next_value::<IgnoredAny>().map(drop),
        }
    }

    fn finish(self) -> Shape {
        Shape {
            reference: self.reference.unwrap_or_default(),
            kind: self.kind.unwrap_or_default(),
            values: self.values.unwrap_or_default(),
            items: self.items.unwrap_or_default(),
            properties: self.properties.unwrap_or_default(),
        }
    }
}

impl FromObject for Schema {
    const NAME: &'static str = "Schema";

    fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut version, mut domains) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "version" => value(&mut map, &mut version, "version")?,
                "domains" => value(&mut map, &mut domains, "domains")?,
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        Ok(Schema {
            version: version.unwrap_or_default(),
            domains: required(domains, "domains")?,
        })
    }
}

impl FromObject for Version {
    const NAME: &'static str = "Version";

    fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut major, mut minor) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "major" => value(&mut map, &mut major, "major")?,
                "minor" => value(&mut map, &mut minor, "minor")?,
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        Ok(Version {
            major: required(major, "major")?,
            minor: required(minor, "minor")?,
        })
    }
}

impl FromObject for Domain {
    const NAME: &'static str = "Domain";

    fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut domain, mut description, mut experimental, mut deprecated) =
            (None, None, None, None);
        let (mut dependencies, mut types, mut commands, mut events) = (None, None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "domain" => value(&mut map, &mut domain, "domain")?,
                "description" => value(&mut map, &mut description, "description")?,
                "experimental" => value(&mut map, &mut experimental, "experimental")?,
                "deprecated" => value(&mut map, &mut deprecated, "deprecated")?,
                "dependencies" => value(&mut map, &mut dependencies, "dependencies")?,
                "types" => value(&mut map, &mut types, "types")?,
                "commands" => value(&mut map, &mut commands, "commands")?,
                "events" => value(&mut map, &mut events, "events")?,
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        Ok(Domain {
            domain: required(domain, "domain")?,
            description: description.unwrap_or_default(),
            experimental: experimental.unwrap_or_default(),
            deprecated: deprecated.unwrap_or_default(),
            dependencies: dependencies.unwrap_or_default(),
            types: types.unwrap_or_default(),
            commands: commands.unwrap_or_default(),
            events: events.unwrap_or_default(),
        })
    }
}

impl FromObject for TypeDef {
    const NAME: &'static str = "TypeDef";

    fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut id, mut description, mut experimental, mut deprecated) = (None, None, None, None);
        let mut shape = ShapeKeys::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => value(&mut map, &mut id, "id")?,
                "description" => value(&mut map, &mut description, "description")?,
                "experimental" => value(&mut map, &mut experimental, "experimental")?,
                "deprecated" => value(&mut map, &mut deprecated, "deprecated")?,
                key => shape.read_or_skip(key, &mut map)?,
            }
        }
        Ok(TypeDef {
            id: required(id, "id")?,
            description: description.unwrap_or_default(),
            experimental: experimental.unwrap_or_default(),
            deprecated: deprecated.unwrap_or_default(),
            shape: shape.finish(),
        })
    }
}

impl FromObject for Shape {
    const NAME: &'static str = "Shape";

    fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut shape = ShapeKeys::default();
        while let Some(key) = map.next_key::<String>()? {
            shape.read_or_skip(&key, &mut map)?;
        }
        Ok(shape.finish())
    }
}

impl FromObject for Property {
    const NAME: &'static str = "Property";

    fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut name, mut description, mut optional) = (None, None, None);
        let (mut experimental, mut deprecated) = (None, None);
        let mut shape = ShapeKeys::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "name" => value(&mut map, &mut name, "name")?,
                "description" => value(&mut map, &mut description, "description")?,
                "optional" => value(&mut map, &mut optional, "optional")?,
                "experimental" => value(&mut map, &mut experimental, "experimental")?,
                "deprecated" => value(&mut map, &mut deprecated, "deprecated")?,
                key => shape.read_or_skip(key, &mut map)?,
            }
        }
        Ok(Property {
            name: required(name, "name")?,
            description: description.unwrap_or_default(),
            optional: optional.unwrap_or_default(),
            experimental: experimental.unwrap_or_default(),
            deprecated: deprecated.unwrap_or_default(),
            shape: shape.finish(),
        })
    }
}

impl FromObject for Command {
    const NAME: &'static str = "Command";

    fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut name, mut description, mut experimental, mut deprecated) =
            (None, None, None, None);
        let (mut redirect, mut parameters, mut returns) = (None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "name" => value(&mut map, &mut name, "name")?,
                "description" => value(&mut map, &mut description, "description")?,
                "experimental" => value(&mut map, &mut experimental, "experimental")?,
                "deprecated" => value(&mut map, &mut deprecated, "deprecated")?,
                "redirect" => value(&mut map, &mut redirect, "redirect")?,
                "parameters" => value(&mut map, &mut parameters, "parameters")?,
                "returns" => value(&mut map, &mut returns, "returns")?,
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        Ok(Command {
            name: required(name, "name")?,
            description: description.unwrap_or_default(),
            experimental: experimental.unwrap_or_default(),
            deprecated: deprecated.unwrap_or_default(),
            redirect: redirect.unwrap_or_default(),
            parameters: parameters.unwrap_or_default(),
            returns: returns.unwrap_or_default(),
        })
    }
}

impl FromObject for Event {
    const NAME: &'static str = "Event";

    fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut name, mut description, mut experimental, mut deprecated) =
            (None, None, None, None);
        let mut parameters = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "name" => value(&mut map, &mut name, "name")?,
                "description" => value(&mut map, &mut description, "description")?,
                "experimental" => value(&mut map, &mut experimental, "experimental")?,
                "deprecated" => value(&mut map, &mut deprecated, "deprecated")?,
                "parameters" => value(&mut map, &mut parameters, "parameters")?,
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        Ok(Event {
            name: required(name, "name")?,
            description: description.unwrap_or_default(),
            experimental: experimental.unwrap_or_default(),
            deprecated: deprecated.unwrap_or_default(),
            parameters: parameters.unwrap_or_default(),
        })
    }
}
