//! Reading a patch file: JSON first, then each patch checked key by key, so that a typo in a
//! key is an error rather than a patch that silently does less.

use super::{Op, Patch, PatchFile, OPS};
use crate::diagnostics::{closest, Diagnostic, Diagnostics};
use crate::json::{self, Object, SyntaxError, Value};
use crate::parse::{self, from_json};

/// The keys a file's root object may have.
const ROOT_KEYS: [&str; 2] = ["patches", "description"];

/// The keys of a type description, the only ones `set_type`'s `to` may have.
const SHAPE_KEYS: [&str; 5] = ["$ref", "type", "enum", "items", "properties"];

pub(super) fn parse(text: &str, origin: &str) -> Result<PatchFile, Diagnostics> {
    let root = json::parse(text).map_err(|err| syntax(origin, &err))?;
    let at_root = |message: String| Diagnostics::from(Diagnostic::new(origin, message));
    let Value::Object(root) = root else {
        return Err(at_root(format!(
            "a patch file is an object, `{{\"patches\": [..]}}`; found {}",
            what(&root)
        )));
    };
    let mut diagnostics = Diagnostics::default();
    for key in root.keys() {
        if !ROOT_KEYS.contains(&key) {
            diagnostics.push(origin, unknown_key(key, "", &ROOT_KEYS));
        }
    }
    if let Some(description) = root.get("description") {
        if !description.is_string() {
            diagnostics.push(
                origin,
                format!(
                    "`description` must be a string; found {}",
                    what(description)
                ),
            );
        }
    }
    let list = match root.get("patches") {
        None => {
            diagnostics.push(
                origin,
                "missing key `patches`; expected an array of patches",
            );
            return Err(diagnostics);
        }
        Some(Value::Array(list)) => list,
        Some(other) => {
            diagnostics.push(
                origin,
                format!(
                    "`patches` must be an array of patches; found {}",
                    what(other)
                ),
            );
            return Err(diagnostics);
        }
    };
    let mut patches = Vec::with_capacity(list.len());
    for (index, value) in list.iter().enumerate() {
        let mut reader = PatchReader {
            origin,
            index,
            label: String::new(),
            diagnostics: &mut diagnostics,
        };
        if let Some(patch) = reader.read(value) {
            patches.push(patch);
        }
    }
    diagnostics.into_result(PatchFile {
        name: origin.to_owned(),
        patches,
    })
}

/// Reads one patch, reporting every problem it has.
struct PatchReader<'a> {
    origin: &'a str,
    index: usize,
    /// ` (OP TARGET)` once the op is known, for the place of later problems.
    label: String,
    diagnostics: &'a mut Diagnostics,
}

impl PatchReader<'_> {
    fn error(&mut self, message: impl Into<String>) {
        let place = format!("{}: patches[{}]{}", self.origin, self.index, self.label);
        self.diagnostics.push(place, message);
    }

    fn read(&mut self, value: &Value) -> Option<Patch> {
        let Value::Object(object) = value else {
            self.error(format!(
                "a patch is an object with `op` and `target`; found {}",
                what(value)
            ));
            return None;
        };
        let op = self.op(object)?;
        let target = self.target(object, op);
        let subject = match (&target, object.get("domain")) {
            (Some(target), _) => target.clone(),
            (None, Some(domain)) => domain
                .get("domain")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            (None, None) => String::new(),
        };
        self.label = if subject.is_empty() {
            format!(" ({op})")
        } else {
            format!(" ({op} {subject})")
        };
        let key = op_key(op);
        let allowed: Vec<&str> = ["op", "target", "note"]
            .into_iter()
            .chain(key)
            .filter(|allowed| op != "add_domain" || *allowed != "target")
            .collect();
        for present in object.keys() {
            if !allowed.contains(&present) {
                if present == "target" {
                    self.error(
                        "`add_domain` takes no `target`: the `domain` object names the domain",
                    );
                } else {
                    self.error(unknown_key(present, &format!(" for `{op}`"), &allowed));
                }
            }
        }
        let note = match object.get("note") {
            None => None,
            Some(Value::String(note)) if !note.trim().is_empty() => Some(note.trim().to_owned()),
            Some(Value::String(_)) => {
                self.error("`note` is empty; expected a non-empty string saying why");
                None
            }
            Some(other) => {
                self.error(format!(
                    "`note` must be a non-empty string saying why; found {}",
                    what(other)
                ));
                None
            }
        };
        let value = self.op_value(op, object)?;
        if op != "add_domain" && target.is_none() {
            // The missing or malformed target was reported already.
            return None;
        }
        Some(Patch {
            index: self.index,
            target,
            op: value,
            note,
        })
    }

    fn op(&mut self, object: &Object) -> Option<&'static str> {
        let expected = format!("expected one of {}", OPS.join(", "));
        match object.get("op") {
            None => {
                self.error(format!("missing key `op`; {expected}"));
                None
            }
            Some(Value::String(op)) => match OPS.iter().find(|known| *known == op) {
                Some(known) => Some(known),
                None => {
                    let hint = closest(op, OPS)
                        .map(|near| format!("; did you mean `{near}`?"))
                        .unwrap_or_default();
                    self.error(format!("unknown op `{op}` ({expected}){hint}"));
                    None
                }
            },
            Some(other) => {
                self.error(format!(
                    "`op` must be a string ({expected}); found {}",
                    what(other)
                ));
                None
            }
        }
    }

    /// The target, checked for its form only: whether it exists is for applying to say.
    fn target(&mut self, object: &Object, op: &str) -> Option<String> {
        if op == "add_domain" {
            return None;
        }
        let example = match op {
            "add_type" | "add_command" | "add_event" => "a domain, e.g. `Network`",
            "add_field" => "e.g. `Network.Cookie` or `Network.getCookies.returns`",
            _ => "e.g. `Network.Cookie.partitionKey`",
        };
        match object.get("target") {
            None => {
                self.error(format!("missing key `target`; expected {example}"));
                None
            }
            Some(Value::String(target))
                if !target.is_empty() && target.split('.').all(|part| !part.is_empty()) =>
            {
                Some(target.clone())
            }
            Some(other) => {
                self.error(format!(
                    "`target` must be a dotted path, {example}; found {}",
                    match other {
                        Value::String(text) => format!("`{text}`"),
                        other => what(other).to_owned(),
                    }
                ));
                None
            }
        }
    }

    /// The op with its value, read from the op's own key.
    fn op_value(&mut self, op: &str, object: &Object) -> Option<Op> {
        let Some(key) = op_key(op) else {
            return Some(match op {
                "make_optional" => Op::MakeOptional,
                _ => Op::OpenEnum,
            });
        };
        let Some(value) = object.get(key) else {
            self.error(format!(
                "missing key `{key}`; expected {}",
                expectation(key)
            ));
            return None;
        };
        match op {
            "extend_enum" => self.values(value).map(Op::ExtendEnum),
            "set_type" => self.shape(value).map(Op::SetType),
            "add_field" => self.schema_item(key, value).map(Op::AddField),
            "add_type" => self.schema_item(key, value).map(Op::AddType),
            "add_command" => self.schema_item(key, value).map(Op::AddCommand),
            "add_event" => self.schema_item(key, value).map(Op::AddEvent),
            _ => self.schema_item(key, value).map(Op::AddDomain),
        }
    }

    fn values(&mut self, value: &Value) -> Option<Vec<String>> {
        let expected = expectation("values");
        let Value::Array(list) = value else {
            self.error(format!(
                "`values` must be {expected}; found {}",
                what(value)
            ));
            return None;
        };
        if list.is_empty() {
            self.error(format!("`values` is empty; expected {expected}"));
            return None;
        }
        let mut values: Vec<String> = Vec::with_capacity(list.len());
        for (index, item) in list.iter().enumerate() {
            match item {
                Value::String(text) if text.is_empty() => {
                    self.error(format!("`values[{index}]` is empty; expected {expected}"));
                }
                Value::String(text) if values.contains(text) => {
                    self.error(format!("`values` lists `{text}` twice"));
                }
                Value::String(text) => values.push(text.clone()),
                other => self.error(format!(
                    "`values[{index}]` must be a string; found {}",
                    what(other)
                )),
            }
        }
        (values.len() == list.len()).then_some(values)
    }

    fn shape(&mut self, value: &Value) -> Option<parse::Shape> {
        let Value::Object(object) = value else {
            self.error(format!(
                "`to` must be {}; found {}",
                expectation("to"),
                what(value)
            ));
            return None;
        };
        let mut fine = true;
        for key in object.keys() {
            if !SHAPE_KEYS.contains(&key) {
                let mut message = unknown_key(key, " in `to`", &SHAPE_KEYS);
                if key == "optional" {
                    message.push_str("; `set_type` changes the type alone, `make_optional` makes a field optional");
                }
                self.error(message);
                fine = false;
            }
        }
        if !object.contains_key("$ref") && !object.contains_key("type") {
            self.error(format!(
                "`to` has neither `type` nor `$ref`; expected {}",
                expectation("to")
            ));
            fine = false;
        }
        let shape = self.schema_item::<parse::Shape>("to", value)?;
        fine.then_some(shape)
    }

    /// A schema object (a property, type, command, event or domain), read as the schema is.
    fn schema_item<T: from_json::FromJson>(&mut self, key: &str, value: &Value) -> Option<T> {
        match from_json::read::<T>(value) {
            Ok(item) => Some(item),
            Err(problem) => {
                let inside = if problem.path.is_empty() {
                    format!("`{key}`")
                } else {
                    format!("`{key}.{}`", problem.path)
                };
                self.error(format!(
                    "in {inside}: {}; expected {}",
                    problem.reason,
                    expectation(key)
                ));
                None
            }
        }
    }
}

/// The key that holds an op's value, if it has one.
fn op_key(op: &str) -> Option<&'static str> {
    match op {
        "extend_enum" => Some("values"),
        "set_type" => Some("to"),
        "add_field" => Some("field"),
        "add_type" => Some("type"),
        "add_command" => Some("command"),
        "add_event" => Some("event"),
        "add_domain" => Some("domain"),
        _ => None,
    }
}

/// What the value of an op's key must be.
fn expectation(key: &str) -> &'static str {
    match key {
        "values" => "an array of enum values (non-empty strings)",
        "to" => {
            "a type description such as `{\"type\": \"string\"}` or `{\"$ref\": \"Domain.Type\"}`"
        }
        "field" => "a property as the schema writes it, `{\"name\": .., \"type\": ..}`",
        "type" => "a type as the schema writes it, `{\"id\": .., \"type\": ..}`",
        "command" => "a command as the schema writes it, `{\"name\": .., \"parameters\": [..]}`",
        "event" => "an event as the schema writes it, `{\"name\": .., \"parameters\": [..]}`",
        _ => "a domain as the schema writes it, `{\"domain\": .., \"types\": [..]}`",
    }
}

/// `unknown key `KEY`WHERE (expected ..); did you mean ..?`.
fn unknown_key(key: &str, place: &str, known: &[&str]) -> String {
    let hint = closest(key, known.iter().copied())
        .map(|near| format!("; did you mean `{near}`?"))
        .unwrap_or_default();
    let known: Vec<String> = known.iter().map(|key| format!("`{key}`")).collect();
    format!(
        "unknown key `{key}`{place} (expected {}){hint}",
        known.join(", ")
    )
}

/// A JSON value's kind, with its article, for `found ..`.
fn what(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON syntax error, placed at `origin:line:column`.
fn syntax(origin: &str, err: &SyntaxError) -> Diagnostics {
    Diagnostics::from(Diagnostic::new(
        format!("{origin}:{}:{}", err.at.line, err.at.column.max(1)),
        err.reason,
    ))
}
