//! The schema structs, read from a [`json::Value`](crate::json::Value) tree.
//!
//! They read as serde's derive would read them, in the same words: a known key given twice is
//! refused (`duplicate field`), a required one absent is `missing field`, a value of the wrong
//! kind is `invalid type: .., expected ..`, `null` reads as absent where a key is optional, and
//! any other key is skipped. The first problem stops the reading and is placed by its JSON path
//! (`domains[0].types[2].enum[1]`); [`shape_errors`](super::shape_errors) is what lists every
//! problem of a schema file, by schema path.

use crate::json::{Object, Value};

use super::{Command, Domain, Event, Property, Schema, Shape, TypeDef, Version};

/// Why a value could not be read, and where.
#[derive(Debug)]
pub(crate) struct Problem {
    /// The JSON path of the value, empty for the root.
    pub(crate) path: String,
    pub(crate) reason: String,
    /// The byte offset in the text, for a key given twice: just past its closing quote.
    pub(crate) at: Option<usize>,
}

/// A JSON path, built on the stack as the reading goes down and written out only for a problem.
#[derive(Clone, Copy)]
pub(crate) struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    step: Step<'a>,
}

#[derive(Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    pub(crate) const ROOT: Path<'static> = Path {
        parent: None,
        step: Step::Root,
    };

    fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Step::Key(key),
        }
    }

    fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Step::Index(index),
        }
    }

    /// `domains[0].types[2]`: keys after dots, indexes in brackets.
    fn render(&self) -> String {
        let mut steps = Vec::new();
        let mut at = Some(self);
        while let Some(path) = at {
            steps.push(path.step);
            at = path.parent;
        }
        let mut out = String::new();
        for step in steps.into_iter().rev() {
            match step {
                Step::Root => {}
                Step::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Step::Index(index) => out.push_str(&format!("[{index}]")),
            }
        }
        out
    }

    fn problem(&self, reason: impl Into<String>) -> Problem {
        Problem {
            path: self.render(),
            reason: reason.into(),
            at: None,
        }
    }
}

/// A value as serde's messages describe one: `string "yes"`, `integer `5``.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => format!("boolean `{flag}`"),
        Value::Number(number) if number.is_float() => format!("floating point `{number}`"),
        Value::Number(number) => format!("integer `{number}`"),
        Value::String(text) => format!("string {text:?}"),
        Value::Array(_) => "sequence".to_owned(),
        Value::Object(_) => "map".to_owned(),
    }
}

/// `invalid type: .., expected ..`.
pub(crate) fn invalid(value: &Value, expected: &str) -> String {
    format!("invalid type: {}, expected {expected}", describe(value))
}

pub(crate) fn string(value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        other => Err(invalid(other, "a string")),
    }
}

pub(crate) fn boolean(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        other => Err(invalid(other, "a boolean")),
    }
}

/// A list of strings; a problem names the item it is in (`Some(index)`), if it is in one.
pub(crate) fn strings(value: &Value) -> Result<Vec<String>, (Option<usize>, String)> {
    let Value::Array(items) = value else {
        return Err((None, invalid(value, "a sequence")));
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| string(item).map_err(|reason| (Some(index), reason)))
        .collect()
}

/// A schema struct, read from one JSON object.
pub(crate) trait FromJson: Sized {
    /// The name in `expected struct ..`.
    const NAME: &'static str;

    /// Reads the struct from `value`, found at `path`.
    fn read(value: &Value, path: &Path<'_>) -> Result<Self, Problem>;
}

/// The object at `path`, or the problem that it is not one.
fn object<'v, T: FromJson>(value: &'v Value, path: &Path<'_>) -> Result<&'v Object, Problem> {
    match value {
        Value::Object(object) => Ok(object),
        other => Err(path.problem(invalid(other, &format!("struct {}", T::NAME)))),
    }
}

/// The keys of one object, taken in file order: each known key is read into its slot once.
struct Keys<'v, 'p> {
    object: &'v Object,
    path: &'p Path<'p>,
    next: usize,
}

impl<'v, 'p> Keys<'v, 'p> {
    fn new(object: &'v Object, path: &'p Path<'p>) -> Self {
        Keys {
            object,
            path,
            next: 0,
        }
    }

    /// The next key and its value.
    fn next(&mut self) -> Option<(&'v str, &'v Value)> {
        let entry = self.object.entries.get(self.next)?;
        self.next += 1;
        Some((&entry.key, &entry.value))
    }

    /// Reads the current key's value into `slot`, which must still be empty.
    fn take<T>(
        &self,
        slot: &mut Option<T>,
        key: &str,
        value: &Value,
        read: impl FnOnce(&Value, &Path<'_>) -> Result<T, Problem>,
    ) -> Result<(), Problem> {
        if slot.is_some() {
            let mut problem = self.path.problem(format!("duplicate field `{key}`"));
            problem.at = Some(self.object.entries[self.next - 1].end_of_key);
            return Err(problem);
        }
        *slot = Some(read(value, &self.path.key(key))?);
        Ok(())
    }

    fn required<T>(&self, slot: Option<T>, key: &str) -> Result<T, Problem> {
        slot.ok_or_else(|| self.path.problem(format!("missing field `{key}`")))
    }
}

fn read_string(value: &Value, path: &Path<'_>) -> Result<String, Problem> {
    string(value).map_err(|reason| path.problem(reason))
}

fn read_bool(value: &Value, path: &Path<'_>) -> Result<bool, Problem> {
    boolean(value).map_err(|reason| path.problem(reason))
}

fn read_strings(value: &Value, path: &Path<'_>) -> Result<Vec<String>, Problem> {
    strings(value).map_err(|(index, reason)| match index {
        Some(index) => path.index(index).problem(reason),
        None => path.problem(reason),
    })
}

/// `null` or a value.
fn nullable<T>(
    read: impl FnOnce(&Value, &Path<'_>) -> Result<T, Problem>,
) -> impl FnOnce(&Value, &Path<'_>) -> Result<Option<T>, Problem> {
    move |value, path| match value {
        Value::Null => Ok(None),
        value => read(value, path).map(Some),
    }
}

fn read_list<T: FromJson>(value: &Value, path: &Path<'_>) -> Result<Vec<T>, Problem> {
    let Value::Array(items) = value else {
        return Err(path.problem(invalid(value, "a sequence")));
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| T::read(item, &path.index(index)))
        .collect()
}

/// Reads `value` as the root of a schema or patch item.
pub(crate) fn read<T: FromJson>(value: &Value) -> Result<T, Problem> {
    T::read(value, &Path::ROOT)
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
    fn read_or_skip(
        &mut self,
        keys: &Keys<'_, '_>,
        key: &str,
        value: &Value,
    ) -> Result<(), Problem> {
        match key {
            "$ref" => keys.take(&mut self.reference, key, value, nullable(read_string)),
            "type" => keys.take(&mut self.kind, key, value, nullable(read_string)),
            "enum" => keys.take(&mut self.values, key, value, nullable(read_strings)),
            "items" => keys.take(
                &mut self.items,
                key,
                value,
                nullable(|value, path| Shape::read(value, path).map(Box::new)),
            ),
            "properties" => keys.take(&mut self.properties, key, value, nullable(read_list)),
            _ => Ok(()),
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

/// The keys every item has beside its name: `description`, `experimental`, `deprecated`.
#[derive(Default)]
struct Flags {
    description: Option<Option<String>>,
    experimental: Option<bool>,
    deprecated: Option<bool>,
}

impl Flags {
    /// Reads `key` if it is one of the flags; `Ok(false)` when it is not.
    fn read(&mut self, keys: &Keys<'_, '_>, key: &str, value: &Value) -> Result<bool, Problem> {
        match key {
            "description" => keys.take(&mut self.description, key, value, nullable(read_string)),
            "experimental" => keys.take(&mut self.experimental, key, value, read_bool),
            "deprecated" => keys.take(&mut self.deprecated, key, value, read_bool),
            _ => return Ok(false),
        }
        .map(|()| true)
    }
}

impl FromJson for Schema {
    const NAME: &'static str = "Schema";

    fn read(value: &Value, path: &Path<'_>) -> Result<Self, Problem> {
        let mut keys = Keys::new(object::<Self>(value, path)?, path);
        let (mut version, mut domains) = (None, None);
        while let Some((key, value)) = keys.next() {
            match key {
                "version" => keys.take(&mut version, key, value, nullable(Version::read))?,
                "domains" => keys.take(&mut domains, key, value, read_list)?,
                _ => {}
            }
        }
        Ok(Schema {
            version: version.unwrap_or_default(),
            domains: keys.required(domains, "domains")?,
        })
    }
}

impl FromJson for Version {
    const NAME: &'static str = "Version";

    fn read(value: &Value, path: &Path<'_>) -> Result<Self, Problem> {
        let mut keys = Keys::new(object::<Self>(value, path)?, path);
        let (mut major, mut minor) = (None, None);
        while let Some((key, value)) = keys.next() {
            match key {
                "major" => keys.take(&mut major, key, value, read_string)?,
                "minor" => keys.take(&mut minor, key, value, read_string)?,
                _ => {}
            }
        }
        Ok(Version {
            major: keys.required(major, "major")?,
            minor: keys.required(minor, "minor")?,
        })
    }
}

impl FromJson for Domain {
    const NAME: &'static str = "Domain";

    fn read(value: &Value, path: &Path<'_>) -> Result<Self, Problem> {
        let mut keys = Keys::new(object::<Self>(value, path)?, path);
        let mut flags = Flags::default();
        let (mut domain, mut dependencies) = (None, None);
        let (mut types, mut commands, mut events) = (None, None, None);
        while let Some((key, value)) = keys.next() {
            match key {
                "domain" => keys.take(&mut domain, key, value, read_string)?,
                "dependencies" => keys.take(&mut dependencies, key, value, read_strings)?,
                "types" => keys.take(&mut types, key, value, read_list)?,
                "commands" => keys.take(&mut commands, key, value, read_list)?,
                "events" => keys.take(&mut events, key, value, read_list)?,
                key => drop(flags.read(&keys, key, value)?),
            }
        }
        Ok(Domain {
            domain: keys.required(domain, "domain")?,
            description: flags.description.unwrap_or_default(),
            experimental: flags.experimental.unwrap_or_default(),
            deprecated: flags.deprecated.unwrap_or_default(),
            dependencies: dependencies.unwrap_or_default(),
            types: types.unwrap_or_default(),
            commands: commands.unwrap_or_default(),
            events: events.unwrap_or_default(),
        })
    }
}

impl FromJson for TypeDef {
    const NAME: &'static str = "TypeDef";

    fn read(value: &Value, path: &Path<'_>) -> Result<Self, Problem> {
        let mut keys = Keys::new(object::<Self>(value, path)?, path);
        let mut flags = Flags::default();
        let mut shape = ShapeKeys::default();
        let mut id = None;
        while let Some((key, value)) = keys.next() {
            match key {
                "id" => keys.take(&mut id, key, value, read_string)?,
                key => {
                    if !flags.read(&keys, key, value)? {
                        shape.read_or_skip(&keys, key, value)?;
                    }
                }
            }
        }
        Ok(TypeDef {
            id: keys.required(id, "id")?,
            description: flags.description.unwrap_or_default(),
            experimental: flags.experimental.unwrap_or_default(),
            deprecated: flags.deprecated.unwrap_or_default(),
            shape: shape.finish(),
        })
    }
}

impl FromJson for Shape {
    const NAME: &'static str = "Shape";

    fn read(value: &Value, path: &Path<'_>) -> Result<Self, Problem> {
        let mut keys = Keys::new(object::<Self>(value, path)?, path);
        let mut shape = ShapeKeys::default();
        while let Some((key, value)) = keys.next() {
            shape.read_or_skip(&keys, key, value)?;
        }
        Ok(shape.finish())
    }
}

impl FromJson for Property {
    const NAME: &'static str = "Property";

    fn read(value: &Value, path: &Path<'_>) -> Result<Self, Problem> {
        let mut keys = Keys::new(object::<Self>(value, path)?, path);
        let mut flags = Flags::default();
        let mut shape = ShapeKeys::default();
        let (mut name, mut optional) = (None, None);
        while let Some((key, value)) = keys.next() {
            match key {
                "name" => keys.take(&mut name, key, value, read_string)?,
                "optional" => keys.take(&mut optional, key, value, read_bool)?,
                key => {
                    if !flags.read(&keys, key, value)? {
                        shape.read_or_skip(&keys, key, value)?;
                    }
                }
            }
        }
        Ok(Property {
            name: keys.required(name, "name")?,
            description: flags.description.unwrap_or_default(),
            optional: optional.unwrap_or_default(),
            experimental: flags.experimental.unwrap_or_default(),
            deprecated: flags.deprecated.unwrap_or_default(),
            shape: shape.finish(),
        })
    }
}

impl FromJson for Command {
    const NAME: &'static str = "Command";

    fn read(value: &Value, path: &Path<'_>) -> Result<Self, Problem> {
        let mut keys = Keys::new(object::<Self>(value, path)?, path);
        let mut flags = Flags::default();
        let (mut name, mut redirect, mut parameters, mut returns) = (None, None, None, None);
        while let Some((key, value)) = keys.next() {
            match key {
                "name" => keys.take(&mut name, key, value, read_string)?,
                "redirect" => keys.take(&mut redirect, key, value, nullable(read_string))?,
                "parameters" => keys.take(&mut parameters, key, value, read_list)?,
                "returns" => keys.take(&mut returns, key, value, read_list)?,
                key => drop(flags.read(&keys, key, value)?),
            }
        }
        Ok(Command {
            name: keys.required(name, "name")?,
            description: flags.description.unwrap_or_default(),
            experimental: flags.experimental.unwrap_or_default(),
            deprecated: flags.deprecated.unwrap_or_default(),
            redirect: redirect.unwrap_or_default(),
            parameters: parameters.unwrap_or_default(),
            returns: returns.unwrap_or_default(),
        })
    }
}

impl FromJson for Event {
    const NAME: &'static str = "Event";

    fn read(value: &Value, path: &Path<'_>) -> Result<Self, Problem> {
        let mut keys = Keys::new(object::<Self>(value, path)?, path);
        let mut flags = Flags::default();
        let (mut name, mut parameters) = (None, None);
        while let Some((key, value)) = keys.next() {
            match key {
                "name" => keys.take(&mut name, key, value, read_string)?,
                "parameters" => keys.take(&mut parameters, key, value, read_list)?,
                key => drop(flags.read(&keys, key, value)?),
            }
        }
        Ok(Event {
            name: keys.required(name, "name")?,
            description: flags.description.unwrap_or_default(),
            experimental: flags.experimental.unwrap_or_default(),
            deprecated: flags.deprecated.unwrap_or_default(),
            parameters: parameters.unwrap_or_default(),
        })
    }
}
