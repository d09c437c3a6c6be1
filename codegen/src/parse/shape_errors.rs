//! Every key of a schema whose JSON value has the wrong type, each named by its schema path.
//!
//! Reading the schema structs stops at the first value it cannot read. When it does, the tree
//! is walked here key by key, so that one run lists every such problem, and places it as
//! `Domain.Type.field.key` rather than as `domains[3].types[7].properties[2].key`. Each leaf is
//! checked by the same readers the [`Schema`](super::Schema) structs use for that key, so the
//! two cannot disagree about what is accepted, and the reasons are in the same words.

use super::from_json::{boolean, invalid, string, strings};
use crate::diagnostics::Diagnostics;
use crate::json::{Object, Value};

/// The problems of `root`, a whole schema file read as JSON. `origin` names the file.
pub(super) fn shape_errors(root: &Value, origin: &str) -> Diagnostics {
    let mut walker = Walker {
        origin,
        found: Diagnostics::default(),
    };
    walker.schema(root);
    walker.found
}

struct Walker<'o> {
    origin: &'o str,
    found: Diagnostics,
}

impl Walker<'_> {
    fn push(&mut self, place: &str, reason: impl std::fmt::Display) {
        self.found
            .push(place, format!("{reason} (in `{}`)", self.origin));
    }

    /// `value` as an object, or a problem saying that `what` was expected.
    fn object<'v>(&mut self, value: &'v Value, place: &str, what: &str) -> Option<&'v Object> {
        match value {
            Value::Object(map) => Some(map),
            other => {
                self.push(place, invalid(other, what));
                None
            }
        }
    }

    /// The array under `key` (absent is an empty list), or a problem.
    fn array<'v>(&mut self, map: &'v Object, key: &str, place: &str) -> &'v [Value] {
        match map.get(key) {
            None => &[],
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.push(&join(place, key), invalid(other, "a sequence"));
                &[]
            }
        }
    }

    /// Checks that `key`, when present, reads as `kind` says; a `required` key must be present.
    fn leaf(&mut self, map: &Object, key: &str, place: &str, kind: Leaf, required: bool) {
        let value = match map.get(key) {
            None if required => return self.push(place, format!("missing field `{key}`")),
            None => return,
            Some(Value::Null) if kind.nullable() => return,
            Some(value) => value,
        };
        let problem = match kind {
            Leaf::String | Leaf::OptionalString => string(value).err().map(|reason| (None, reason)),
            Leaf::Bool => boolean(value).err().map(|reason| (None, reason)),
            Leaf::Strings | Leaf::OptionalStrings => strings(value).err(),
        };
        if let Some((index, reason)) = problem {
            // The place inside the value, as in `enum[1]`.
            let mut at = join(place, key);
            if let Some(index) = index {
                at.push_str(&format!("[{index}]"));
            }
            self.push(&at, reason);
        }
    }

    /// A name key: checked like [`Walker::leaf`], and returned when it is a non-empty string
    /// so that the item can be placed by it.
    fn name(&mut self, map: &Object, key: &str, place: &str) -> Option<String> {
        self.leaf(map, key, place, Leaf::String, true);
        map.get(key)
            .and_then(Value::as_str)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
    }

    fn flags(&mut self, map: &Object, place: &str) {
        self.leaf(map, "description", place, Leaf::OptionalString, false);
        self.leaf(map, "experimental", place, Leaf::Bool, false);
        self.leaf(map, "deprecated", place, Leaf::Bool, false);
    }

    fn schema(&mut self, root: &Value) {
        let Some(map) = self.object(root, "<schema>", "an object with `domains`") else {
            return;
        };
        if let Some(version) = map.get("version").filter(|version| !version.is_null()) {
            if let Some(version) = self.object(version, "version", "an object") {
                self.leaf(version, "major", "version", Leaf::String, true);
                self.leaf(version, "minor", "version", Leaf::String, true);
            }
        }
        if !map.contains_key("domains") {
            self.push("<schema>", "missing field `domains`");
        }
        for (index, domain) in self.array(map, "domains", "").iter().enumerate() {
            self.domain(domain, &format!("domains[{index}]"));
        }
    }

    fn domain(&mut self, value: &Value, place: &str) {
        let Some(map) = self.object(value, place, "a domain object") else {
            return;
        };
        let place = self
            .name(map, "domain", place)
            .unwrap_or_else(|| place.to_owned());
        self.flags(map, &place);
        self.leaf(map, "dependencies", &place, Leaf::Strings, false);
        for (index, ty) in self.array(map, "types", &place).iter().enumerate() {
            let Some(ty_map) = self.object(ty, &format!("{place}.types[{index}]"), "a type object")
            else {
                continue;
            };
            let ty_place = self
                .name(ty_map, "id", &format!("{place}.types[{index}]"))
                .map_or_else(|| format!("{place}.types[{index}]"), |id| join(&place, &id));
            self.flags(ty_map, &ty_place);
            self.shape(ty_map, &ty_place);
        }
        for (index, command) in self.array(map, "commands", &place).iter().enumerate() {
            let Some((command, command_place)) =
                self.member(command, &place, "commands", index, "a command object")
            else {
                continue;
            };
            self.leaf(
                command,
                "redirect",
                &command_place,
                Leaf::OptionalString,
                false,
            );
            self.properties(command, "parameters", &command_place, true);
            self.properties(command, "returns", &command_place, true);
        }
        for (index, event) in self.array(map, "events", &place).iter().enumerate() {
            let Some((event, event_place)) =
                self.member(event, &place, "events", index, "an event object")
            else {
                continue;
            };
            self.properties(event, "parameters", &event_place, true);
        }
    }

    /// A command or event: its object and its place (`Domain.name`, or
    /// `Domain.commands[3]` while it has no name).
    fn member<'v>(
        &mut self,
        value: &'v Value,
        domain: &str,
        list: &str,
        index: usize,
        what: &str,
    ) -> Option<(&'v Object, String)> {
        let indexed = format!("{domain}.{list}[{index}]");
        let map = self.object(value, &indexed, what)?;
        let place = self
            .name(map, "name", &indexed)
            .map_or(indexed, |name| join(domain, &name));
        self.flags(map, &place);
        Some((map, place))
    }

    /// The fields under `key`. A command's and an event's are placed under the list's name
    /// (`Domain.command.parameters.field`), as the model places them; an object's directly
    /// under the type (`Domain.Type.field`).
    fn properties(&mut self, map: &Object, key: &str, place: &str, named_list: bool) {
        let list_place = if named_list {
            join(place, key)
        } else {
            place.to_owned()
        };
        for (index, property) in self.array(map, key, place).iter().enumerate() {
            let indexed = format!("{}[{index}]", join(place, key));
            let Some(property) = self.object(property, &indexed, "a field object") else {
                continue;
            };
            let field_place = self
                .name(property, "name", &indexed)
                .map_or(indexed, |name| join(&list_place, &name));
            self.flags(property, &field_place);
            self.leaf(property, "optional", &field_place, Leaf::Bool, false);
            self.shape(property, &field_place);
        }
    }

    /// The keys that describe a type: `$ref`, `type`, `enum`, `items`, `properties`.
    fn shape(&mut self, map: &Object, place: &str) {
        self.leaf(map, "$ref", place, Leaf::OptionalString, false);
        self.leaf(map, "type", place, Leaf::OptionalString, false);
        self.leaf(map, "enum", place, Leaf::OptionalStrings, false);
        if let Some(items) = map.get("items").filter(|items| !items.is_null()) {
            let items_place = join(place, "items");
            if let Some(items) = self.object(items, &items_place, "a type object") {
                self.shape(items, &items_place);
            }
        }
        if !map.get("properties").is_some_and(Value::is_null) {
            self.properties(map, "properties", place, false);
        }
    }
}

/// `place.key`, or `key` alone at the top.
fn join(place: &str, key: &str) -> String {
    if place.is_empty() {
        key.to_owned()
    } else {
        format!("{place}.{key}")
    }
}

/// What a leaf key holds.
#[derive(Clone, Copy)]
enum Leaf {
    String,
    OptionalString,
    Bool,
    Strings,
    OptionalStrings,
}

impl Leaf {
    /// Whether `null` reads as absent.
    fn nullable(self) -> bool {
        matches!(self, Leaf::OptionalString | Leaf::OptionalStrings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(json: &str) -> Vec<String> {
        let value = crate::json::parse(json).unwrap();
        shape_errors(&value, "t.json")
            .0
            .into_iter()
            .map(|diagnostic| diagnostic.to_string())
            .collect()
    }

    #[test]
    fn every_wrong_key_is_listed_by_its_schema_path() {
        let found = places(
            r#"{"domains": [{"domain": "A", "experimental": 1,
                "types": [{"id": "T", "type": "object", "properties": [
                    {"name": "x", "type": "string", "optional": "yes"},
                    {"type": "string"}]},
                  {"id": "L", "type": "array", "items": {"type": 3}},
                  {"id": "E", "type": "string", "enum": ["a", 1]}],
                "commands": [{"name": "go", "returns": [{"name": "r", "$ref": false}]}],
                "events": [{"name": 7}]}]}"#,
        );
        assert_eq!(
            found,
            [
                "A.experimental: invalid type: integer `1`, expected a boolean (in `t.json`)",
                "A.T.x.optional: invalid type: string \"yes\", expected a boolean (in `t.json`)",
                "A.T.properties[1]: missing field `name` (in `t.json`)",
                "A.L.items.type: invalid type: integer `3`, expected a string (in `t.json`)",
                "A.E.enum[1]: invalid type: integer `1`, expected a string (in `t.json`)",
                "A.go.returns.r.$ref: invalid type: boolean `false`, expected a string (in `t.json`)",
                "A.events[0].name: invalid type: integer `7`, expected a string (in `t.json`)",
            ]
        );
    }

    #[test]
    fn a_domain_without_a_name_is_placed_by_its_index() {
        assert_eq!(
            places(r#"{"domains": [{"domain": "A"}, {"types": []}]}"#),
            ["domains[1]: missing field `domain` (in `t.json`)"]
        );
        assert_eq!(
            places(r#"{"version": {"major": 1}, "domains": {}}"#),
            [
                "version.major: invalid type: integer `1`, expected a string (in `t.json`)",
                "version: missing field `minor` (in `t.json`)",
                "domains: invalid type: map, expected a sequence (in `t.json`)",
            ]
        );
    }
}
