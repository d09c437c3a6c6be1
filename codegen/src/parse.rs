//! Stage 1: the protocol JSON, read into serde structs that mirror it key for key.
//!
//! Nothing is interpreted here: references stay strings and flags stay as written. Unknown keys
//! are accepted, so a schema from a newer Chromium still reads.

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// A whole schema file: `{"version": {..}, "domains": [..]}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Schema {
    /// The protocol version, when the file gives one.
    #[serde(default)]
    pub version: Option<Version>,
    /// The domains, in file order.
    pub domains: Vec<Domain>,
}

/// The protocol version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Version {
    /// Major version, e.g. `"1"`.
    pub major: String,
    /// Minor version, e.g. `"3"`.
    pub minor: String,
}

/// One domain as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Domain {
    /// The domain name, e.g. `BackgroundService`.
    pub domain: String,
    /// Documentation.
    #[serde(default)]
    pub description: Option<String>,
    /// Flagged experimental.
    #[serde(default)]
    pub experimental: bool,
    /// Flagged deprecated.
    #[serde(default)]
    pub deprecated: bool,
    /// Domains this one depends on, as declared.
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// Named types.
    #[serde(default)]
    pub types: Vec<TypeDef>,
    /// Commands.
    #[serde(default)]
    pub commands: Vec<Command>,
    /// Events.
    #[serde(default)]
    pub events: Vec<Event>,
}

/// A named type (`"id"` plus a type description).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TypeDef {
    /// The type's id, unique within its domain.
    pub id: String,
    /// Documentation.
    #[serde(default)]
    pub description: Option<String>,
    /// Flagged experimental.
    #[serde(default)]
    pub experimental: bool,
    /// Flagged deprecated.
    #[serde(default)]
    pub deprecated: bool,
    /// The shape of the type.
    #[serde(flatten)]
    pub shape: Shape,
}

/// A type description: either a `$ref` or a `type` with what that type needs.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Shape {
    /// A reference to a named type, `Id` or `Domain.Id`.
    #[serde(rename = "$ref", default)]
    pub reference: Option<String>,
    /// `string`, `integer`, `number`, `boolean`, `object`, `array`, `any` (or `binary` from PDL).
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The allowed values of a string enum.
    #[serde(rename = "enum", default)]
    pub values: Option<Vec<String>>,
    /// The element type of an array.
    #[serde(default)]
    pub items: Option<Box<Shape>>,
    /// The fields of an object.
    #[serde(default)]
    pub properties: Option<Vec<Property>>,
}

/// A field of an object, or a parameter or return value of a command or event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Property {
    /// The name as it appears in messages.
    pub name: String,
    /// Documentation.
    #[serde(default)]
    pub description: Option<String>,
    /// May be absent.
    #[serde(default)]
    pub optional: bool,
    /// Flagged experimental.
    #[serde(default)]
    pub experimental: bool,
    /// Flagged deprecated.
    #[serde(default)]
    pub deprecated: bool,
    /// The field's type.
    #[serde(flatten)]
    pub shape: Shape,
}

/// A command.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Command {
    /// The name within its domain, e.g. `startObserving`.
    pub name: String,
    /// Documentation.
    #[serde(default)]
    pub description: Option<String>,
    /// Flagged experimental.
    #[serde(default)]
    pub experimental: bool,
    /// Flagged deprecated.
    #[serde(default)]
    pub deprecated: bool,
    /// The domain that really implements this command, when it is forwarded.
    #[serde(default)]
    pub redirect: Option<String>,
    /// Parameters.
    #[serde(default)]
    pub parameters: Vec<Property>,
    /// Return values.
    #[serde(default)]
    pub returns: Vec<Property>,
}

/// An event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Event {
    /// The name within its domain, e.g. `recordingStateChanged`.
    pub name: String,
    /// Documentation.
    #[serde(default)]
    pub description: Option<String>,
    /// Flagged experimental.
    #[serde(default)]
    pub experimental: bool,
    /// Flagged deprecated.
    #[serde(default)]
    pub deprecated: bool,
    /// Parameters.
    #[serde(default)]
    pub parameters: Vec<Property>,
}

/// Reads a schema from JSON text. `origin` names the text in diagnostics (a path, or
/// `<embedded>`).
pub fn parse_json(text: &str, origin: &str) -> Result<Schema, Diagnostics> {
    let mut de = serde_json::Deserializer::from_str(text);
    let schema: Schema = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        json_diagnostic(origin, &path, err.into_inner())
    })?;
    de.end().map_err(|err| json_diagnostic(origin, "", err))?;
    Ok(schema)
}

fn json_diagnostic(origin: &str, path: &str, err: serde_json::Error) -> Diagnostics {
    let full = err.to_string();
    let position = format!(" at line {} column {}", err.line(), err.column());
    let reason = full.strip_suffix(&position).unwrap_or(&full);
    // Only a value of the wrong shape has a meaningful path; a syntax error has its position.
    let data_error = err.classify() == serde_json::error::Category::Data;
    let place = if !data_error || path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" (in `{path}`)")
    };
    Diagnostics::from(Diagnostic::new(
        format!("{origin}:{}:{}", err.line(), err.column()),
        format!("{reason}{place}"),
    ))
}
