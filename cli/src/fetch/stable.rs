//! Protocol JSON written the same way every time: two-space indentation, object keys in a fixed
//! order (the order Chromium's own files use, then any other key alphabetically), arrays in
//! their given order, and a top-level `"source"` saying where the schema came from.
//!
//! The same schema therefore gives the same bytes, whatever order the browser or the package
//! wrote its keys in, so a fetched file can be committed and diffed.

use serde_json::{Map, Value};

use super::FetchError;

/// Keys in the order they are written; keys not listed follow, alphabetically. One list serves
/// every level: no key means different things at different levels.
const KEY_ORDER: &[&str] = &[
    "source",
    "version",
    "major",
    "minor",
    "domain",
    "id",
    "name",
    "description",
    "experimental",
    "deprecated",
    "optional",
    "dependencies",
    "redirect",
    "$ref",
    "type",
    "enum",
    "items",
    "properties",
    "parameters",
    "returns",
    "types",
    "commands",
    "events",
    "domains",
];

/// Where a protocol came from, recorded as its top-level `"source"` object.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A browser's `/json/protocol`: `{"browser": .., "protocolVersion": ..}`.
    Browser {
        /// The `Browser` field of `/json/version`, e.g. `Chrome/156.0.8078.79`.
        product: String,
        /// The `Protocol-Version` field of `/json/version`, e.g. `1.3`.
        protocol_version: String,
    },
    /// The `devtools-protocol` npm package: `{"npm": "devtools-protocol@VERSION"}`.
    Npm {
        /// The package version, e.g. `0.0.1734725`.
        version: String,
    },
}

impl Origin {
    fn to_value(&self) -> Value {
        let mut source = Map::new();
        match self {
            Origin::Browser {
                product,
                protocol_version,
            } => {
                source.insert("browser".into(), Value::String(product.clone()));
                source.insert(
                    "protocolVersion".into(),
                    Value::String(protocol_version.clone()),
                );
            }
            Origin::Npm { version } => {
                source.insert(
                    "npm".into(),
                    Value::String(format!("{}@{version}", super::NPM_PACKAGE)),
                );
            }
        }
        Value::Object(source)
    }
}

/// Reads schema files given as `(name, json)` and merges them into one: the top-level keys of
/// the first (such as `version`) and the domains of all, in order. `name` stands for the text
/// in errors.
pub fn merge(schemas: &[(&str, &str)]) -> Result<Value, FetchError> {
    let mut merged: Option<Map<String, Value>> = None;
    for (name, text) in schemas {
        let mut schema = parse_schema(name, text)?;
        match &mut merged {
            None => merged = Some(schema),
            Some(merged) => {
                let mut domains = match schema.remove("domains") {
                    Some(Value::Array(domains)) => domains,
                    _ => Vec::new(),
                };
                if let Some(Value::Array(all)) = merged.get_mut("domains") {
                    all.append(&mut domains);
                }
            }
        }
    }
    merged
        .map(Value::Object)
        .ok_or_else(|| FetchError::NotAProtocol {
            what: "an empty list of schemas".into(),
            reason: "there is nothing to merge".into(),
        })
}

/// Parses `text` as a schema: an object with a `domains` array.
pub(crate) fn parse_schema(name: &str, text: &str) -> Result<Map<String, Value>, FetchError> {
    let not_a_protocol = |reason: String| FetchError::NotAProtocol {
        what: name.to_owned(),
        reason,
    };
    let value: Value =
        serde_json::from_str(text).map_err(|err| not_a_protocol(format!("bad JSON: {err}")))?;
    let Value::Object(schema) = value else {
        return Err(not_a_protocol("expected a JSON object".into()));
    };
    match schema.get("domains") {
        Some(Value::Array(_)) => Ok(schema),
        Some(_) => Err(not_a_protocol("`domains` is not an array".into())),
        None => Err(not_a_protocol("it has no `domains`".into())),
    }
}

/// The protocol as stable JSON text, with `origin` recorded as its top-level `"source"`
/// (replacing any `source` it had). Fails when `protocol` is not an object with a `domains`
/// array.
pub fn to_stable_json(protocol: &Value, origin: &Origin) -> Result<String, FetchError> {
    let Value::Object(schema) = protocol else {
        return Err(FetchError::NotAProtocol {
            what: "the protocol".into(),
            reason: "expected a JSON object".into(),
        });
    };
    if !matches!(schema.get("domains"), Some(Value::Array(_))) {
        return Err(FetchError::NotAProtocol {
            what: "the protocol".into(),
            reason: "it has no `domains` array".into(),
        });
    }
    let mut schema = schema.clone();
    schema.insert("source".into(), origin.to_value());
    let mut out = String::with_capacity(2 << 20);
    write_laid_out(&mut out, &Value::Object(schema), 0, is_atom);
    out.push('\n');
    Ok(out)
}

/// Listed keys first, in list order; then the rest by name.
fn key_rank(key: &str) -> (usize, &str) {
    let rank = KEY_ORDER
        .iter()
        .position(|known| *known == key)
        .unwrap_or(KEY_ORDER.len());
    (rank, key)
}

fn push_indent(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

/// The keys that hold prose, dropped from the facts. Every other key of [`KEY_ORDER`] holds a
/// fact (a name, a type, a value or a flag); a key that is neither is refused, so that nothing
/// new reaches the shipped facts unread.
const PROSE_KEYS: &[&str] = &["description"];

/// The keys the facts keep.
fn fact_keys() -> Vec<&'static str> {
    KEY_ORDER
        .iter()
        .copied()
        .filter(|key| !PROSE_KEYS.contains(key))
        .collect()
}

/// A line of the facts file is kept to about this many characters where it can be.
const LINE_WIDTH: usize = 100;

/// The facts of a protocol given as JSON text (what [`to_stable_json`] writes, its `"source"`
/// kept): every domain, type, command, event, field, enum value, `$ref` and flag, in schema order,
/// and no `description`. The layout is made for review: a field, parameter or type with no
/// nested list is one line, and a long enum has a value a line. The same schema gives the same
/// bytes, whatever the order of its keys.
///
/// Fails on a key that is neither a known fact nor known prose, naming it and where it is.
pub fn to_facts_json(name: &str, json: &str) -> Result<String, FetchError> {
    // `parse_schema` refuses anything but an object with a `domains` array.
    let protocol = Value::Object(parse_schema(name, json)?);
    let facts = strip_prose(name, &protocol, &mut Vec::new())?;
    let mut out = String::with_capacity(1 << 20);
    write_laid_out(&mut out, &facts, 0, one_line);
    out.push('\n');
    Ok(out)
}

/// `value` without its prose keys; `name` and `path` say where it is, for the error on an
/// unknown key.
fn strip_prose(name: &str, value: &Value, path: &mut Vec<String>) -> Result<Value, FetchError> {
    Ok(match value {
        Value::Array(items) => {
            let mut kept = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let label = item
                    .get("domain")
                    .or_else(|| item.get("id"))
                    .or_else(|| item.get("name"))
                    .and_then(Value::as_str)
                    .map_or_else(|| index.to_string(), str::to_owned);
                path.push(label);
                kept.push(strip_prose(name, item, path)?);
                path.pop();
            }
            Value::Array(kept)
        }
        Value::Object(map) => {
            let mut kept = Map::new();
            for (key, item) in map {
                if PROSE_KEYS.contains(&key.as_str()) {
                    continue;
                }
                if !KEY_ORDER.contains(&key.as_str())
                    && path.first().map(String::as_str) != Some("source")
                {
                    let at = if path.is_empty() {
                        "the top level".to_owned()
                    } else {
                        format!("`{}`", path.join("."))
                    };
                    return Err(FetchError::NotAProtocol {
                        what: name.to_owned(),
                        reason: format!(
                            "unknown key `{key}` at {at}: the facts writer keeps only the keys \
                             it knows to be facts ({}) and drops `description`; teach it \
                             whether this one is a fact or prose",
                            fact_keys().join(", ")
                        ),
                    });
                }
                path.push(key.clone());
                kept.insert(key.clone(), strip_prose(name, item, path)?);
                path.pop();
            }
            Value::Object(kept)
        }
        scalar => scalar.clone(),
    })
}

/// Whether `value` is written on one line: a scalar, a list of scalars that fits in
/// [`LINE_WIDTH`], or an object whose values all are.
fn one_line(value: &Value) -> bool {
    match value {
        Value::Array(items) => {
            items
                .iter()
                .all(|item| !item.is_array() && !item.is_object())
                && value.to_string().len() <= LINE_WIDTH
        }
        Value::Object(map) => map.values().all(one_line),
        _ => true,
    }
}

/// `value` on one line, keys in their fixed order.
fn write_inline(out: &mut String, value: &Value) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_inline(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|(a, _), (b, _)| key_rank(a).cmp(&key_rank(b)));
            out.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push_str(": ");
                write_inline(out, item);
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Whether `value` is a scalar or an empty list or object: the stable layout's one-line values.
fn is_atom(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => true,
    }
}

/// `value` laid out with two-space indentation, a key or an element a line, keys in their fixed
/// order; a value for which `inline` says so is written on one line instead
/// ([`write_inline`]).
fn write_laid_out(out: &mut String, value: &Value, indent: usize, inline: fn(&Value) -> bool) {
    if inline(value) {
        write_inline(out, value);
        return;
    }
    let mut items: Vec<(Option<&String>, &Value)> = match value {
        Value::Array(items) => items.iter().map(|item| (None, item)).collect(),
        Value::Object(map) => map.iter().map(|(key, item)| (Some(key), item)).collect(),
        // Scalars are always one line.
        scalar => return out.push_str(&scalar.to_string()),
    };
    items.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(a), Some(b)) => key_rank(a).cmp(&key_rank(b)),
        _ => std::cmp::Ordering::Equal,
    });
    let (open, close) = if value.is_array() {
        ('[', ']')
    } else {
        ('{', '}')
    };
    out.push(open);
    for (index, (key, item)) in items.into_iter().enumerate() {
        out.push_str(if index == 0 { "\n" } else { ",\n" });
        push_indent(out, indent + 1);
        if let Some(key) = key {
            out.push_str(&Value::String(key.clone()).to_string());
            out.push_str(": ");
        }
        write_laid_out(out, item, indent + 1, inline);
    }
    out.push('\n');
    push_indent(out, indent);
    out.push(close);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npm() -> Origin {
        Origin::Npm {
            version: "1.2.3".into(),
        }
    }

    #[test]
    fn key_order_is_fixed_whatever_the_input_order() {
        let a = r#"{"domains": [{"types": [], "domain": "A", "zeta": 1, "alpha": {"b": 1, "a": []}}],
                    "version": {"minor": "3", "major": "1"}}"#;
        let b = r#"{"version": {"major": "1", "minor": "3"},
                    "domains": [{"alpha": {"a": [], "b": 1}, "domain": "A", "zeta": 1, "types": []}]}"#;
        let a = to_stable_json(&serde_json::from_str(a).expect("json"), &npm()).expect("a");
        let b = to_stable_json(&serde_json::from_str(b).expect("json"), &npm()).expect("b");
        assert_eq!(a, b);
        let expected = r#"{
  "source": {
    "npm": "devtools-protocol@1.2.3"
  },
  "version": {
    "major": "1",
    "minor": "3"
  },
  "domains": [
    {
      "domain": "A",
      "types": [],
      "alpha": {
        "a": [],
        "b": 1
      },
      "zeta": 1
    }
  ]
}
"#;
        assert_eq!(a, expected);
    }

    #[test]
    fn source_is_replaced_and_strings_are_escaped() {
        let input = r#"{"source": {"old": true}, "domains": [{"domain": "A", "description": "a \"q\"\n\u00e9\u0001"}]}"#;
        let origin = Origin::Browser {
            product: "Chrome/1.0".into(),
            protocol_version: "1.3".into(),
        };
        let text =
            to_stable_json(&serde_json::from_str(input).expect("json"), &origin).expect("stable");
        assert!(text.contains(r#""browser": "Chrome/1.0""#), "{text}");
        assert!(text.contains(r#""protocolVersion": "1.3""#), "{text}");
        assert!(!text.contains("old"), "{text}");
        assert!(text.contains(r#""a \"q\"\né\u0001""#), "{text}");
        let reread: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(reread["domains"][0]["domain"], "A");
    }

    #[test]
    fn merge_appends_domains_and_keeps_the_first_version() {
        let browser = r#"{"version": {"major": "1", "minor": "3"}, "domains": [{"domain": "A"}]}"#;
        let js = r#"{"version": {"major": "1", "minor": "2"}, "domains": [{"domain": "B"}]}"#;
        let merged = merge(&[("browser", browser), ("js", js)]).expect("merged");
        assert_eq!(merged["version"]["minor"], "3");
        assert_eq!(merged["domains"][1]["domain"], "B");
    }

    #[test]
    fn non_protocols_are_refused_with_the_reason() {
        let err = merge(&[("x.json", "[1]")]).expect_err("array");
        assert_eq!(
            err.to_string(),
            "x.json is not a protocol schema: expected a JSON object"
        );
        let err = merge(&[("y.json", "{}")]).expect_err("no domains");
        assert!(err.to_string().contains("no `domains`"), "{err}");
        let err = merge(&[("z.json", "{")]).expect_err("bad json");
        assert!(err.to_string().contains("bad JSON"), "{err}");
        let err = to_stable_json(&Value::Null, &npm()).expect_err("null");
        assert!(err.to_string().contains("expected a JSON object"), "{err}");
    }

    #[test]
    fn facts_keep_every_fact_and_no_description() {
        let input = r#"{"source": {"npm": "devtools-protocol@1.2.3"}, "version": {"major": "1", "minor": "3"},
            "domains": [{"domain": "Shop", "description": "Prose.", "experimental": true, "dependencies": ["Net"],
              "types": [
                {"id": "Item", "description": "An item.", "type": "object", "properties": [
                  {"name": "price", "description": "In cents.", "optional": true, "deprecated": true, "type": "number"},
                  {"name": "tags", "type": "array", "items": {"$ref": "Net.Tag"}}]},
                {"id": "Kind", "type": "string", "enum": ["aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccc", "dddddddddddddddddddd", "eeeeeeeeeeeeeeeeeeee"]}],
              "commands": [{"name": "buy", "redirect": "Cart", "parameters": [{"name": "item", "$ref": "Item"}], "returns": []}],
              "events": [{"name": "sold", "parameters": []}]}]}"#;
        let facts = to_facts_json("shop.json", input).expect("facts");
        let expected = r#"{
  "source": {"npm": "devtools-protocol@1.2.3"},
  "version": {"major": "1", "minor": "3"},
  "domains": [
    {
      "domain": "Shop",
      "experimental": true,
      "dependencies": ["Net"],
      "types": [
        {
          "id": "Item",
          "type": "object",
          "properties": [
            {"name": "price", "deprecated": true, "optional": true, "type": "number"},
            {"name": "tags", "type": "array", "items": {"$ref": "Net.Tag"}}
          ]
        },
        {
          "id": "Kind",
          "type": "string",
          "enum": [
            "aaaaaaaaaaaaaaaaaaaa",
            "bbbbbbbbbbbbbbbbbbbb",
            "cccccccccccccccccccc",
            "dddddddddddddddddddd",
            "eeeeeeeeeeeeeeeeeeee"
          ]
        }
      ],
      "commands": [
        {
          "name": "buy",
          "redirect": "Cart",
          "parameters": [
            {"name": "item", "$ref": "Item"}
          ],
          "returns": []
        }
      ],
      "events": [
        {"name": "sold", "parameters": []}
      ]
    }
  ]
}
"#;
        assert_eq!(facts, expected);
        // The facts are a schema: stripping again changes nothing.
        assert_eq!(to_facts_json("again", &facts).expect("facts"), facts);
    }

    #[test]
    fn facts_refuse_a_key_they_do_not_know_naming_where_it_is() {
        let input = r#"{"domains": [{"domain": "Shop", "types": [{"id": "Item", "type": "string", "longDescription": "x"}]}]}"#;
        let err = to_facts_json("shop.json", input).expect_err("unknown key");
        let text = err.to_string();
        assert!(
            text.starts_with("shop.json is not a protocol schema: unknown key `longDescription` at `domains.Shop.types.Item`"),
            "{text}"
        );
        let err = to_facts_json("x.json", "[]").expect_err("not an object");
        assert!(err.to_string().contains("expected a JSON object"), "{err}");
    }
}
