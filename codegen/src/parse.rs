//! Stage 1: the protocol JSON, read into structs that mirror it key for key (by
//! `from_json.rs`, from the tree that `json.rs` reads).
//!
//! Nothing is interpreted here: references stay strings and flags stay as written. Unknown keys
//! are accepted, so a schema from a newer Chromium still reads. An absent key reads as its
//! default (`None`, `false`, empty), except the names (`domain`, `id`, `name`), `domains`, and
//! `version`'s `major` and `minor`.

use crate::diagnostics::{Diagnostic, Diagnostics};

pub(crate) mod from_json;
mod shape_errors;

/// A whole schema file: `{"version": {..}, "domains": [..]}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// The protocol version, when the file gives one.
    pub version: Option<Version>,
    /// The domains, in file order.
    pub domains: Vec<Domain>,
}

/// The protocol version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Major version, e.g. `"1"`.
    pub major: String,
    /// Minor version, e.g. `"3"`.
    pub minor: String,
}

/// One domain as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    /// The domain name, e.g. `BackgroundService`.
    pub domain: String,
    /// Documentation.
    pub description: Option<String>,
    /// Flagged experimental.
    pub experimental: bool,
    /// Flagged deprecated.
    pub deprecated: bool,
    /// Domains this one depends on, as declared.
    pub dependencies: Vec<String>,
    /// Named types.
    pub types: Vec<TypeDef>,
    /// Commands.
    pub commands: Vec<Command>,
    /// Events.
    pub events: Vec<Event>,
}

/// A named type (`"id"` plus a type description, whose keys sit beside `"id"`).
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The type's id, unique within its domain.
    pub id: String,
    /// Documentation.
    pub description: Option<String>,
    /// Flagged experimental.
    pub experimental: bool,
    /// Flagged deprecated.
    pub deprecated: bool,
    /// The shape of the type.
    pub shape: Shape,
}

/// A type description: either a `$ref` or a `type` with what that type needs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shape {
    /// `$ref`: a reference to a named type, `Id` or `Domain.Id`.
    pub reference: Option<String>,
    /// `type`: `string`, `integer`, `number`, `boolean`, `object`, `array`, `any` (or `binary`
    /// from PDL).
    pub kind: Option<String>,
    /// `enum`: the allowed values of a string enum.
    pub values: Option<Vec<String>>,
    /// The element type of an array.
    pub items: Option<Box<Shape>>,
    /// The fields of an object.
    pub properties: Option<Vec<Property>>,
}

/// A field of an object, or a parameter or return value of a command or event (`"name"`
/// plus a type description, whose keys sit beside `"name"`).
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The name as it appears in messages.
    pub name: String,
    /// Documentation.
    pub description: Option<String>,
    /// May be absent.
    pub optional: bool,
    /// Flagged experimental.
    pub experimental: bool,
    /// Flagged deprecated.
    pub deprecated: bool,
    /// The field's type.
    pub shape: Shape,
}

/// A command.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// The name within its domain, e.g. `startObserving`.
    pub name: String,
    /// Documentation.
    pub description: Option<String>,
    /// Flagged experimental.
    pub experimental: bool,
    /// Flagged deprecated.
    pub deprecated: bool,
    /// The domain that really implements this command, when it is forwarded.
    pub redirect: Option<String>,
    /// Parameters.
    pub parameters: Vec<Property>,
    /// Return values.
    pub returns: Vec<Property>,
}

/// An event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The name within its domain, e.g. `recordingStateChanged`.
    pub name: String,
    /// Documentation.
    pub description: Option<String>,
    /// Flagged experimental.
    pub experimental: bool,
    /// Flagged deprecated.
    pub deprecated: bool,
    /// Parameters.
    pub parameters: Vec<Property>,
}

/// Reads a schema from JSON text. `origin` names the text in diagnostics (a path, or
/// `<embedded>`).
///
/// A syntax error is placed at `origin:line:column`. Values of the wrong type are all listed,
/// each placed by its schema path (`Domain.Type.field.optional`).
pub fn parse_json(text: &str, origin: &str) -> Result<Schema, Diagnostics> {
    let value = crate::json::parse(text).map_err(|err| {
        // serde_json's depth limit (128 open arrays and objects) keeps reading off the stack's
        // edge; its own words do not say what was too deep.
        let reason = match err.reason {
            "recursion limit exceeded" => "arrays and objects nest deeper than the limit of 127",
            reason => reason,
        };
        // At the end of a text that ends with a newline the column is 0: the place is then
        // the start of the (empty) last line.
        Diagnostics::from(Diagnostic::new(
            format!("{origin}:{}:{}", err.at.line, err.at.column.max(1)),
            reason,
        ))
    })?;
    from_json::read::<Schema>(&value).map_err(|problem| {
        let found = shape_errors::shape_errors(&value, origin);
        if !found.is_empty() {
            return found;
        }
        // A problem the walk does not see: a key given twice, placed where it is.
        let place = match problem.at {
            Some(end) => {
                let at = crate::json::position(text, end);
                format!("{origin}:{}:{}", at.line, at.column.max(1))
            }
            None => origin.to_owned(),
        };
        let inside = if problem.path.is_empty() {
            String::new()
        } else {
            format!(" (in `{}`)", problem.path)
        };
        Diagnostics::from(Diagnostic::new(
            place,
            format!("{}{inside}", problem.reason),
        ))
    })
}

/// The text of a schema file, or the `origin:line:column` of its first byte that is not
/// UTF-8.
pub fn utf8_text(bytes: Vec<u8>, origin: &str) -> Result<String, Diagnostics> {
    String::from_utf8(bytes).map_err(|err| {
        let bytes = err.as_bytes();
        let valid = &bytes[..err.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&byte| byte == b'\n').count() + 1;
        let line_start = valid
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(0, |newline| newline + 1);
        // Columns count characters, as the PDL reader's do.
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        let bad = bytes[valid.len()];
        Diagnostics::from(Diagnostic::new(
            format!("{origin}:{line}:{column}"),
            format!("the file is not UTF-8 text (byte 0x{bad:02X}); expected UTF-8 JSON or PDL"),
        ))
    })
}
